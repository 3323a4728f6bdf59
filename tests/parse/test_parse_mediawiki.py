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


# ---------------------------------------------------------------- reading as MediaWiki reads

GOLDEN = __import__("pathlib").Path(__file__).parent / "golden"
_REC = re.compile(r"⟦rec⟧(.*?)⟦/rec⟧", re.DOTALL)
_PARAM = re.compile(r"⟦p:(.*?)⟧(.*?)⟦/p⟧", re.DOTALL)
_REFERENCE = re.compile(r'<sup[^>]*class="reference"[^>]*>.*?</sup>', re.DOTALL)
_BREAK = re.compile(r"<br\s*/?>")  # wikisync reads a line break as a space


def dumper() -> str:
    """A template showing every schema parameter it receives, between markers."""
    from wikisync.schema import DEFAULT_PARAMS

    names = sorted({n for canonical, aliases in DEFAULT_PARAMS.values()
                    for n in (canonical, *aliases)})
    # the <span> ends a free URL before the closing marker
    shown = "".join(f"{{{{#if:{{{{{{{n}|}}}}}}|⟦p:{n}⟧<span>{{{{{{{n}}}}}}}</span>⟦/p⟧}}}}"
                    for n in names)
    return "⟦rec⟧" + shown + "⟦/rec⟧"


@pytest.fixture(scope="module")
def mediawiki_records(devwiki: DevWiki):  # type: ignore[no-untyped-def]
    """``read(text)``: for each record template MediaWiki expands, the values it displays."""
    import json

    aliases = json.loads((GOLDEN / "aliases.json").read_text("utf-8"))
    pages = {f"Modèle:{name}": dumper() for name in ("Fiche initiative", "Pôle ESS",
                                                      "Pôle ESS par région")}
    for target, redirects in aliases.items():
        for redirect in redirects:
            title = redirect if redirect.startswith("Modèle:") else f"Modèle:{redirect}"
            pages[title] = f"#REDIRECTION [[Modèle:{target}]]"
    pages["Modèle:Boîte déroulante"] = "{{{contenu|}}}"
    devwiki.import_pages(pages)
    client = MiniClient(devwiki.api_url)

    def read(text: str) -> list[dict[str, str]]:
        answer = client.post(action="parse", title="Page de test", contentmodel="wikitext",
                             prop="text", disablelimitreport=1, text=text)
        rendered = _BREAK.sub(" ", _REFERENCE.sub("", answer["parse"]["text"]))
        return [{name: canonical(html.unescape(_TAG.sub("", value)))
                 for name, value in _PARAM.findall(record)}
                for record in _REC.findall(rendered)]

    return read


SAMPLES = GOLDEN.parents[2] / "examples" / "samples" / "pages"
SAFE_PAGES = sorted(
    str(p.relative_to(GOLDEN.parents[2]))
    for p in (*GOLDEN.glob("*.wiki"), *SAMPLES.glob("*.wiki"))
    if p.stem not in ("broken_unclosed", "unclosed_comment", "fiche--pole-ess-de-nice")
)


@pytest.mark.parametrize("name", SAFE_PAGES)
def test_mediawiki_sees_the_same_templates_and_values(
    mediawiki_records, name: str  # type: ignore[no-untyped-def]
) -> None:
    """Template matching, duplicates, comments, links and entities agree with MediaWiki."""
    import json

    from wikisync.parse import parse_wikitext
    from wikisync.parse.values import value_text

    text = (GOLDEN.parents[2] / name).read_bytes().decode("utf-8")
    aliases = json.loads((GOLDEN / "aliases.json").read_text("utf-8"))
    ours = parse(text, aliases=aliases)
    theirs = mediawiki_records(text)
    assert len(theirs) == len(ours)
    for record, shown in zip(ours, theirs, strict=True):
        compared = 0
        for param, raw in record.params.items():
            if "{{" in raw or "[http" in raw or not raw.strip():
                continue  # other templates and external links display differently
            mine = value_text(parse_wikitext(raw))
            if mine:
                assert shown.get(param) == mine, (param, raw)
                compared += 1
        assert compared or not record.params


def test_a_positional_value_with_an_equals_sign_stays_positional(devwiki: DevWiki) -> None:
    """``=`` in a value set on a positional parameter is written ``&#61;``: still param 1."""
    devwiki.import_pages({"Modèle:Premier wikisync": '<span class="wsv">{{{1|}}}</span>'})
    value = "https://www.openstreetmap.org/?mlat=48.39&mlon=-4.49"
    text = set_param("{{Premier wikisync|ancien}}", "Premier wikisync", "1", value)
    assert text == "{{Premier wikisync|https://www.openstreetmap.org/?mlat&#61;48.39&mlon&#61;-4.49}}"
    answer = MiniClient(devwiki.api_url).post(action="parse", title="Bac à sable", prop="text",
                                              contentmodel="wikitext", text=text,
                                              disablelimitreport=1)
    [inner] = _SPAN.findall(answer["parse"]["text"])
    assert html.unescape(_TAG.sub("", inner)) == value
