"""Where an opener may be: filled in place in containers and end-of-line cells, else misplaced."""

from __future__ import annotations

import re
from datetime import date

import pytest
from gen_helpers import PROJET, fiche, hubs_of

from wikisync.generate.lists import (
    STAMP_CLASS,
    BlockRewriter,
    ListRenderer,
    long_date,
    updated_line,
)
from wikisync.generate.templates import environment
from wikisync.i18n import messages
from wikisync.parse import PageReader, parse_wikitext
from wikisync.parse.blocks import block_members, find_blocks, locate
from wikisync.parse.page import scan
from wikisync.schema import Schema

OPENS = {"Liste pôles ESS"}
CLOSES = {"Fin liste pôles ESS"}
OPEN = "{{Liste pôles ESS|région=R}}"
ROW = "{{Pôle ESS|nom=%s|type=pôle en projet|coordonnées=48.1, -1.6}}"
BODY = "\n{| class=\"wikitable\"\n" + ROW % "Généré" + "\n|}\n"
CLOSED = OPEN + BODY + "{{Fin liste pôles ESS}}"

FILLED = {
    "div": "<div class=\"boîte\">\n%s\n</div>",
    "div-inline": "<div>%s</div>",
    "nested-div": "<div><center>\n%s\n</center></div>",
    "section": "<section>\n%s\n</section>",
    "cell": "{| class=\"wikitable\"\n|-\n| %s\n| b\n|}",
    "last-inline-cell": "{| class=\"wikitable\"\n|-\n| a || %s\n|}",
    "styled-cell": "{| class=\"wikitable\"\n|-\n| style=\"width:50%%\" | %s\n|}",
    "header-cell": "{| class=\"wikitable\"\n|-\n! %s\n|}",
    "html-cell": "<table><tr><td>%s</td></tr></table>",
    "cell-in-div": "<div>\n{|\n|-\n| %s\n|}\n</div>",
}
MISPLACED = {
    "parameter": ("{{Boîte|contenu=%s}}", "in a parameter of the template Boîte"),
    "inline-cell": ("{|\n|-\n| %s || b\n|}", "in a table cell followed by another cell on "
                    "its line"),
    "table": ("{|\n%s\n|-\n| a\n|}", "in a table, outside its cells"),
    "caption": ("{|\n|+ %s\n|-\n| a\n|}", "in a table caption"),
    "span": ("<span>%s</span>", "inside <span>"),
    "ref": ("Texte<ref>%s</ref>", "inside <ref>"),
    "heading": ("== %s ==", "in a heading"),
    "link": ("[[Page|%s]]", "in a link"),
    "div-in-parameter": ("{{Boîte|<div>%s</div>}}", "in a parameter of the template Boîte"),
}


@pytest.mark.parametrize("case", sorted(FILLED))
def test_an_opener_in_a_container_is_a_block_at_its_place(case: str) -> None:
    text = FILLED[case] % OPEN
    found = locate(text, OPENS, CLOSES)
    [block] = found.blocks
    assert found.misplaced == []
    assert text[block.start : block.body_start] == OPEN and not block.closed
    assert block.params == {"région": "R"}


@pytest.mark.parametrize("case", sorted(FILLED))
def test_a_closed_block_in_a_container_has_its_body(case: str) -> None:
    text = FILLED[case] % CLOSED
    [block] = find_blocks(text, OPENS, CLOSES)
    assert block.closed and text[block.body_start : block.body_end] == BODY
    assert text[block.body_end : block.end] == "{{Fin liste pôles ESS}}"


@pytest.mark.parametrize("case", sorted(FILLED))
def test_generated_rows_in_a_container_are_not_records(case: str) -> None:
    text = "{{Pôle ESS par région|région=R}}\n" + FILLED[case] % CLOSED + "\n" + ROW % "Humain"
    found = scan(parse_wikitext(text))
    inside = block_members(found, OPENS, CLOSES)
    # a <section>'s contents are text to the reader: nothing in them is a record anyway
    wanted = [] if case == "section" else ["Généré"]
    assert [str(found.templates[i].get("nom").value) for i in inside] == wanted
    names = [r.name for r in PageReader(Schema()).read(text, "P").records if r.source == "row"]
    assert names == ["Humain"]


@pytest.mark.parametrize("case", sorted(MISPLACED))
def test_a_misplaced_opener_is_no_block_and_says_where(case: str) -> None:
    pattern, where = MISPLACED[case]
    found = locate(pattern % OPEN, OPENS, CLOSES)
    assert found.blocks == []
    assert [(m.where, m.params) for m in found.misplaced] == [(where, {"région": "R"})]


def test_a_closer_in_another_container_does_not_close_a_block() -> None:
    text = "<div>\n" + OPEN + "\n</div>\n{{Fin liste pôles ESS}}"
    [block] = find_blocks(text, OPENS, CLOSES)
    assert not block.closed and block.end == text.index("\n</div>")


def test_blocks_come_in_page_order_with_misplaced_ones_counted_apart() -> None:
    text = ("<div>{{Liste pôles ESS|région=A}}</div>\n{{Liste pôles ESS|région=B}}\n"
            "{{Boîte|1={{Liste pôles ESS|région=C}}}}\n{|\n|-\n| {{Liste pôles ESS|région=D}}\n|}")
    found = locate(text, OPENS, CLOSES)
    assert [b.params["région"] for b in found.blocks] == ["A", "B", "D"]
    assert [m.params["région"] for m in found.misplaced] == ["C"]


def test_text_without_markers_has_no_members() -> None:
    found = scan(parse_wikitext("<div>" + ROW % "Humain" + "</div>"))
    assert block_members(found, OPENS, CLOSES) == set()


# --- filling in place, and the block's "last updated" line -------------------------------

PAGES = {"Pôle A": fiche("Pôle A", "R"), "Pôle B": fiche("Pôle B", "R", PROJET)}


def stamped(pages: dict[str, str], stamp: str = "Mis à jour le 3 mars 2026 par wikisync "
            "(passage 7)") -> BlockRewriter:
    """A rewriter listing these pages' hubs that stamps the blocks it changes."""
    return BlockRewriter(ListRenderer(environment(), Schema(), hubs_of(pages)), stamp=stamp)


@pytest.mark.parametrize("case", sorted(FILLED))
def test_a_block_is_filled_in_place_and_the_rest_kept(case: str) -> None:
    text = "Avant.\n" + FILLED[case] % OPEN + "\nAprès."
    done = stamped(PAGES).rewrite(text)
    [block] = find_blocks(done.text, OPENS, CLOSES)
    assert block.closed and done.misplaced == []
    assert done.text[: block.body_start] == text[: text.index(OPEN) + len(OPEN)]
    assert done.text[block.end :] == text[text.index(OPEN) + len(OPEN) :]
    body = done.text[block.body_start : block.body_end]
    assert body.startswith("\n'''2 pôles'''") and "\n{| class=\"wikitable sortable\"" in body
    assert body.endswith('">Mis à jour le 3 mars 2026 par wikisync (passage 7)</div>\n')
    assert stamped(PAGES, "autre date").rewrite(done.text).text == done.text


def test_the_line_changes_only_with_the_list() -> None:
    first = stamped(PAGES, "jour 1").rewrite("{{Liste pôles ESS|région=R}}").text
    same = stamped(PAGES, "jour 2").rewrite(first).text
    assert same == first and "jour 1" in same
    more = PAGES | {"Pôle C": fiche("Pôle C", "R")}
    changed = stamped(more, "jour 3").rewrite(first).text
    assert "Pôle C" in changed and "jour 3" in changed and "jour 1" not in changed
    assert changed.count(STAMP_CLASS) == 1
    new_params = first.replace("région=R}}", "région=R|type=pôle en projet}}")
    assert "jour 4" in stamped(PAGES, "jour 4").rewrite(new_params).text


def test_a_block_written_before_the_line_existed_is_left_as_it_is() -> None:
    text = stamped(PAGES, "x").rewrite("{{Liste pôles ESS|région=R}}").text
    old = re.sub(r"\n<div class=\"liste-poles-ess-maj\"[^\n]*</div>", "", text)
    assert STAMP_CLASS not in old
    assert stamped(PAGES, "jour 2").rewrite(old).text == old


def test_a_person_s_stamp_lookalike_inside_the_list_is_overwritten() -> None:
    text = stamped(PAGES, "jour 1").rewrite("{{Liste pôles ESS|région=R}}").text
    edited = text.replace("'''2 pôles'''", "'''2 pôles''' (corrigé)")
    again = stamped(PAGES, "jour 2").rewrite(edited).text
    assert "(corrigé)" not in again and "jour 2" in again


@pytest.mark.parametrize("case", sorted(MISPLACED))
def test_a_misplaced_opener_is_never_written_and_is_reported(case: str) -> None:
    text = "Avant.\n" + MISPLACED[case][0] % OPEN + "\nAprès."
    done = stamped(PAGES).rewrite(text)
    assert done.text == text and done.blocks == 0
    assert done.misplaced == [MISPLACED[case][1]]


def test_where_reads_in_french_for_the_audit() -> None:
    french = messages("fr")
    for _, where in MISPLACED.values():
        assert french.detail(where) != where and "dans" in (french.detail(where) or "")
    assert french.kind("list-opener-ignored") == ("liste non remplie (emplacement non pris "
                                                 "en charge)")


def test_dates_in_the_wiki_s_language() -> None:
    assert long_date(messages("fr"), date(2026, 12, 4)) == "4 décembre 2026"
    assert long_date(messages("fr"), date(2026, 3, 1)) == "1er mars 2026"
    assert long_date(messages("en"), date(2026, 12, 4)) == "December 4, 2026"
    assert updated_line(messages("fr"), date(2026, 12, 4), 12) == (
        "Mis à jour le 4 décembre 2026 par wikisync (passage 12)")
