"""The edit rule over arbitrary text: every set/add/remove on every template found is exactly
one splice at its span (set: the value; remove: the parameter; add: just before ``}}``) or a
refusal, never anything else; and the tree prints back the input, whatever its characters.

The text mixes any Unicode (NUL, C0 controls, U+FFFE/U+FFFF included) with markup and with
template calls laid out as editors lay them out, so that templates are actually found.
``bench/splice.py`` runs the same property for 20,000+ examples and counts the outcomes.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from splice_oracle import check_text

from wikisync.errors import UnsafeEdit
from wikisync.parse import parse_wikitext, read_page, set_param

EXAMPLES = int(os.environ.get("WIKISYNC_SPLICE_EXAMPLES", "300"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=list(HealthCheck))

UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # MediaWiki: U+FFFD
CONTROLS = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\ufffe", "\uffff"]
MARKUP = ["{{", "}}", "{", "}", "{{{", "}}}", "|", "=", "[[", "]]", "\n", "\r\n", "<!--", "-->",
          "<!-- c -->", "<nowiki>", "</nowiki>", "<ref>", "</ref>", "<ref name=a/>", "<pre>",
          "</pre>", "&amp;", "&", " ", "\t", "  \n", "{{!}}", "''", "==", "{|", "|}"]
ANY_CHAR = st.characters(blacklist_categories=("Cs",))  # NUL and C0 controls included
NOISE = st.one_of(st.sampled_from(MARKUP),
                  st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=4))
NAMES = ["Fiche initiative", "Modèle:fiche_initiative", "Pôle ESS", "Pôle ESS par région",
         "1x", "T", " T <!-- c -->\n", "Coord", "Pôle ESS", "URL", "Lien"]
PARAMS = ["nom", "commune", "site web", "site", "carte", "création", "1", "a", " b ", "\nc\n"]
VALUES = ["Brest", "", " 2008   ", "[[Brest]]", "a\nb", "{{Coord|48|-4}}", "x <!-- y -->",
          "2005<ref>r</ref>", "http://a.example.org |", "\n"]


@st.composite
def template_call(draw: st.DrawFn, depth: int = 0) -> str:
    """One call in a common layout: one-line, one per line, aligned, trailing-pipe, CRLF."""
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    layout = draw(st.sampled_from(["inline", "spaced", "lines", "aligned", "pipe", "last"]))
    names = draw(st.lists(st.sampled_from(PARAMS), max_size=3))
    parts = []
    for name in names:
        value = draw(st.one_of(st.sampled_from(VALUES), st.sampled_from(VALUES), NOISE))
        if depth < 1 and draw(st.integers(0, 3)) == 0:
            value += draw(template_call(depth + 1))
        positional = draw(st.integers(0, 4)) == 0
        key = "" if positional else name
        parts.append((key, value))
    head = "{{" + draw(st.sampled_from(NAMES))
    if layout == "inline":
        body = "".join(f"|{k}={v}" if k else f"|{v}" for k, v in parts) + "}}"
    elif layout == "spaced":
        body = "".join(f" | {k} = {v}" if k else f" |{v}" for k, v in parts) + " }}"
    elif layout in ("lines", "aligned", "last"):
        width = max((len(k) for k, _ in parts), default=0) if layout == "aligned" else 0
        lines = [f"| {k.ljust(width)} = {v}" if k else f"|{v}" for k, v in parts]
        body = eol + eol.join(lines) + ("}}" if layout == "last" else eol + "}}")
    else:  # trailing pipe: ``name = value |`` then ``}}`` on its own line
        body = "|" + eol + "".join(f"{k} = {v} |{eol}" if k else f"{v}|{eol}" for k, v in parts)
        body += "}}"
    return head + body


@st.composite
def texts(draw: st.DrawFn) -> str:
    """Template calls among markup and any text; one in four holds a control character."""
    pieces = draw(st.lists(st.one_of(template_call(), template_call(), NOISE), max_size=4))
    if draw(st.integers(0, 3)) == 0:
        pieces.insert(draw(st.integers(0, len(pieces))), draw(st.text(ANY_CHAR, max_size=3)
                                                                | st.sampled_from(CONTROLS)))
    return "".join(pieces)



@SETTINGS
@given(texts())
def test_every_edit_of_any_text_is_one_splice_or_refused(
        cases: Callable[[str], None], text: str) -> None:
    counts: Counter[str] = Counter()
    check_text(text, counts)
    page = read_page(text, "P")
    assert ("control-character" in page.problem_codes) == bool(UNSTORABLE.search(text))
    cases("splice: texts")
    for key, count in counts.items():
        if key not in ("texts", "templates"):
            for _ in range(count):
                cases(f"splice: {key}")


@SETTINGS
@given(st.lists(st.text(ANY_CHAR, max_size=3) | st.sampled_from(CONTROLS + MARKUP),
                max_size=20).map("".join))
def test_the_tree_prints_back_any_text(cases: Callable[[str], None], text: str) -> None:
    cases("splice: print-back of any text")
    for mode in ("safe-c", "python-amp", "python"):
        assert str(parse_wikitext(text, mode)) == text


PLAIN = st.characters(blacklist_categories=("Cs",), blacklist_characters="{}[]<>|=&'-!#*:;/\\\"~_")


@SETTINGS
@given(st.text(PLAIN | st.sampled_from(CONTROLS), max_size=30), template_call())
def test_templates_after_any_characters_are_read(cases: Callable[[str], None], text: str,
                                                 call: str) -> None:
    cases("splice: templates after any characters")
    whole = parse_wikitext(text + call)
    assert str(whole) == text + call
    assert [str(t) for t in whole.filter_templates()] == [
        str(t) for t in parse_wikitext(call).filter_templates()]


def test_nul_page_is_read_whole_and_never_cut() -> None:
    """The case of the issue: the C tokenizer used to stop at NUL and ``set`` cut the page."""
    text = "{{Fiche initiative|nom=X|commune=Brest}}\ntext\x00 after\n[[Catégorie:Test]]\n"
    assert str(parse_wikitext(text)) == text
    after = "début\x00 puis\n{{Fiche initiative|nom=Y|commune=Brest}}\n"
    page = read_page(after, "P")
    [record] = page.records
    assert (record.name, record.commune) == ("Y", "Brest")
    assert "control-character" in record.problem_codes
    assert page.problems[-1].detail == "U+0000"
    try:
        set_param(text, "Fiche initiative", "commune", "Quimper")
    except UnsafeEdit as refused:
        assert refused.problems == ("control-character",)
        assert refused.message == "page: unsafe to edit: control-character (U+0000)"
    else:
        raise AssertionError("a page holding NUL was edited")
