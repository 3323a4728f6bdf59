"""Locating generated blocks, and the reader ignoring the rows the bot wrote inside them."""

from __future__ import annotations

from wikisync.parse import PageReader, parse_wikitext
from wikisync.parse.blocks import block_members, find_blocks, pair_markers
from wikisync.parse.page import scan
from wikisync.schema import Schema

OPENS = {"Liste pôles ESS"}
CLOSES = {"Fin liste pôles ESS"}
ROW = "{{Pôle ESS|nom=%s|type=pôle en projet|coordonnées=48.1, -1.6}}"


def bodies(text: str) -> list[str]:
    return [text[b.body_start : b.body_end] for b in find_blocks(text, OPENS, CLOSES)]


def test_pairing_rules() -> None:
    assert pair_markers([(True, 0), (False, 3)]) == [(0, 3)]
    assert pair_markers([(True, 0)]) == [(0, None)]
    assert pair_markers([(True, 0), (True, 2), (False, 5)]) == [(0, None), (2, 5)]
    assert pair_markers([(False, 1), (True, 2), (False, 4), (False, 6)]) == [(2, 4)]


def test_opener_without_closer_is_an_empty_open_block() -> None:
    text = "Avant\n{{Liste pôles ESS|région=Bretagne}}\nAprès"
    [block] = find_blocks(text, OPENS, CLOSES)
    assert not block.closed
    assert text[block.start : block.body_start] == "{{Liste pôles ESS|région=Bretagne}}"
    assert block.body_start == block.body_end == block.end
    assert block.params == {"région": "Bretagne"}


def test_closed_block_offsets_and_params() -> None:
    text = ("Intro\n{{ liste_pôles ESS | région = [[Bretagne]] |tri=commune|type=}}\n"
            "vieux contenu\n{{Fin liste pôles ESS}}\nFin")
    [block] = find_blocks(text, OPENS, CLOSES)
    assert block.closed and block.params == {"région": "Bretagne", "tri": "commune", "type": ""}
    assert text[block.body_start : block.body_end] == "\nvieux contenu\n"
    assert text[block.body_end : block.end] == "{{Fin liste pôles ESS}}"
    assert text[block.end :] == "\nFin"


def test_two_blocks_on_one_page() -> None:
    text = ("{{Liste pôles ESS|région=A}}\nun\n{{Fin liste pôles ESS}}\ntexte\n"
            "{{Modèle:Liste pôles ESS|région=B}}\ndeux\n{{fin liste pôles ESS}}")
    blocks = find_blocks(text, OPENS, CLOSES)
    assert [b.params["région"] for b in blocks] == ["A", "B"]
    assert bodies(text) == ["\nun\n", "\ndeux\n"]


def test_second_opener_before_a_closer_leaves_the_first_open() -> None:
    text = "{{Liste pôles ESS|région=A}}\n{{Liste pôles ESS|région=B}}\nx\n{{Fin liste pôles ESS}}"
    first, second = find_blocks(text, OPENS, CLOSES)
    assert not first.closed and second.closed and bodies(text) == ["", "\nx\n"]


def test_markers_in_pre_and_parameters_do_not_open_blocks() -> None:
    text = ("<pre>{{Liste pôles ESS}}</pre>\n{{Boîte|{{Liste pôles ESS}}}}\n"
            "{| class=\"wikitable\"\n|-\n| a || {{Liste pôles ESS}} || b\n|}\n"
            "{{Fin liste pôles ESS}}")
    assert find_blocks(text, OPENS, CLOSES) == []


def test_orphan_closer_is_ignored() -> None:
    assert find_blocks("x\n{{Fin liste pôles ESS}}\ny", OPENS, CLOSES) == []


def test_block_members_match_find_blocks() -> None:
    text = ("{{Pôle ESS par région|région=R}}\n" + ROW % "Humain 1" + "\n"
            "{{Liste pôles ESS|région=R}}\n{| class=\"wikitable\"\n" + ROW % "Généré" + "\n|}\n"
            "{{Fin liste pôles ESS}}\n" + ROW % "Humain 2")
    found = scan(parse_wikitext(text))
    inside = block_members(found, OPENS, CLOSES)
    names = [str(found.templates[i].name).strip() for i in sorted(inside)]
    assert names == ["Pôle ESS"]


def test_reader_skips_generated_rows_but_keeps_instance_numbers() -> None:
    text = ("{{Pôle ESS par région|région=R}}\n" + ROW % "Humain 1" + "\n"
            "{{Liste pôles ESS|région=R}}\n" + ROW % "Généré" + "\n{{Fin liste pôles ESS}}\n"
            + ROW % "Humain 2")
    records = PageReader(Schema()).read(text, "P").records
    rows = [(r.name, r.instance) for r in records if r.source == "row"]
    assert rows == [("Humain 1", 0), ("Humain 2", 2)]


def test_reader_reads_rows_after_an_open_block() -> None:
    text = "{{Liste pôles ESS|région=R}}\n" + ROW % "Humain"
    [record] = PageReader(Schema()).read(text, "P").records
    assert record.name == "Humain" and record.instance == 0


def test_reader_honours_renamed_templates_and_redirects() -> None:
    schema = Schema(list_open_template="Début liste", list_close_template="Fin liste")
    text = "{{Début liste}}\n" + ROW % "G1" + "\n{{Fin liste}}\n{{Alias liste}}\n" + ROW % "G2" + (
        "\n{{Fin liste}}\n") + ROW % "H"
    reader = PageReader(schema, {"Modèle:Début liste": ["Modèle:Alias liste"]})
    assert [r.name for r in reader.read(text, "P").records] == ["H"]
