"""The escaping claims, checked against a real MediaWiki: an escaped value displays as itself.

Needs the local test wiki (marked ``wiki``; skipped by ``pytest -m "not wiki"``).
"""

from __future__ import annotations

import html
import re

import pytest

from wikisync.devwiki import DevWiki, MiniClient
from wikisync.parse import canonical, escape_value, parse, set_param

VALUES = [
    "simple", "a|b", "{{x}}", "a}}", "x}", "{x", "[[Brest]]", "[http://a.example.org b]",
    "x <!-- y -->", "=début", "ligne 1\nligne 2", "&amp;", "&nbsp;", "R&D & co", "~~~~",
    "''gras''", "a<ref>b</ref>", "__NOTOC__", "<nowiki>", "</nowiki>", "a &#124; b",
    "http://a.example.org/?a=1&b=2", "l’ESS", "a<br>b", "{{!}}", "Pôle ESS : 12 structures",
]
_SPAN = re.compile(r'<span class="wsv">(.*?)</span>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


@pytest.fixture(scope="module")
def render(devwiki: DevWiki):  # type: ignore[no-untyped-def]
    """``render(wikitext)``: the text MediaWiki displays for ``{{Valeur|v=wikitext}}``."""
    devwiki.import_pages({"Modèle:Valeur wikisync": '<span class="wsv">{{{v|}}}</span>'})
    client = MiniClient(devwiki.api_url)

    def run(wikitext: str) -> str:
        answer = client.post(action="parse", title="Bac à sable", contentmodel="wikitext",
                             prop="text", disablelimitreport=1,
                             text="{{Valeur wikisync|v=" + wikitext + "}}")
        [inner] = _SPAN.findall(answer["parse"]["text"])
        return html.unescape(_TAG.sub("", inner))

    return run


@pytest.mark.parametrize("value", VALUES)
def test_mediawiki_displays_an_escaped_value_as_the_value(
    render, value: str  # type: ignore[no-untyped-def]
) -> None:
    shown = render(escape_value(value))
    assert canonical(shown) == canonical(value)


@pytest.mark.parametrize("value", VALUES)
def test_mediawiki_and_wikisync_agree_on_the_written_value(
    render, value: str  # type: ignore[no-untyped-def]
) -> None:
    text = set_param("{{Fiche initiative|nom=A}}", "Fiche initiative", "nom", value)
    wikitext = text.removeprefix("{{Fiche initiative|nom=").removesuffix("}}")
    assert canonical(render(wikitext)) == parse(text)[0].name == canonical(value)


def test_the_check_can_fail_unescaped_markup_does_not_survive(
    render,  # type: ignore[no-untyped-def]
) -> None:
    assert render("a|b") == "a"
    assert render("[[Brest]]") == "Brest"
    assert render("a&#10;b") == "a\nb"
