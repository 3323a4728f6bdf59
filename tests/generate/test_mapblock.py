"""The map page's bot-owned block (pure): only the text between its two comments changes."""

from __future__ import annotations

import random

import pytest

from wikisync.config import Config, MapConfig
from wikisync.errors import ConfigError, UnsafeEdit
from wikisync.generate.mapblock import (
    CLOSE_MARKER,
    INTRO,
    OPEN_MARKER,
    NoMapBlock,
    check_extension,
    map_blocks,
    new_page,
    place_map,
)
from wikisync.parse.comment_blocks import starts_with

BODY = '<mapframe width="full" height="600">\n{"type": "FeatureCollection"}\n</mapframe>'
OTHER = '<mapframe width="full" height="600">\n{"features": [1]}\n</mapframe>'
HUMAN = ("Intro écrite par une personne, ''avec'' [[un lien]].  \n\n== Légende ==\n"
         "* vert : associations\n\n== Liens ==\n* [[Accueil]]\n\n"
         "[[Catégorie:Carte]]\n[[Catégorie:ESS]]\n")


def inserted(before: str, after: str) -> tuple[int, str]:
    """Where ``after`` is ``before`` with one piece inserted, and the piece (else fail)."""
    start = 0
    while start < len(before) and before[start] == after[start]:
        start += 1
    piece = after[start : len(after) - (len(before) - start)]
    assert after == before[:start] + piece + before[start:], "not a single insertion"
    return start, piece


def test_a_human_page_gets_the_block_inserted_before_its_categories() -> None:
    after = place_map(HUMAN, BODY)
    where, piece = inserted(HUMAN, after)
    assert HUMAN[where:] == "[[Catégorie:Carte]]\n[[Catégorie:ESS]]\n"
    assert piece == f"{OPEN_MARKER}\n{BODY}\n{CLOSE_MARKER}\n\n"
    assert place_map(after, BODY) == after  # the same map: the same text


def test_a_page_without_categories_gets_the_block_at_its_end() -> None:
    after = place_map("Texte.", BODY)
    assert after == f"Texte.\n\n{OPEN_MARKER}\n{BODY}\n{CLOSE_MARKER}"


def test_a_changed_map_rewrites_only_the_body() -> None:
    page = place_map(HUMAN, BODY)
    [block] = map_blocks(page)
    changed = place_map(page, OTHER)
    assert changed == page[: block.body_start] + f"\n{OTHER}\n" + page[block.body_end :]
    assert changed.startswith(HUMAN.split("[[Catégorie")[0] + OPEN_MARKER + "\n" + OTHER)


def test_an_editor_placed_opener_is_kept_and_closed() -> None:
    page = "Avant.\n<!-- Début carte WikiSync -->\nAprès.\n[[Catégorie:Carte]]"
    after = place_map(page, BODY)
    assert after == ("Avant.\n<!-- Début carte WikiSync -->\n" + BODY + "\n" + CLOSE_MARKER
                     + "\nAprès.\n[[Catégorie:Carte]]")
    assert place_map(after, OTHER) == after.replace(BODY, OTHER)


def test_every_top_level_block_is_refreshed_and_nested_markers_do_not_count() -> None:
    one = f"{OPEN_MARKER}\nvieux\n{CLOSE_MARKER}"
    page = f"A\n{one}\nB\n{one}\n<div>\n<!-- début carte wikisync -->\n</div>"
    after = place_map(page, BODY)
    assert after == page.replace("\nvieux\n", f"\n{BODY}\n")
    assert len(map_blocks(after)) == 2
    nested = "{{Boîte|<!-- début carte wikisync -->}}\nTexte."
    assert inserted(nested, place_map(nested, BODY))[0] == len(nested)


def test_no_append_refuses_a_page_without_a_block() -> None:
    with pytest.raises(NoMapBlock, match="--no-append"):
        place_map(HUMAN, BODY, append=False)
    page = place_map(HUMAN, BODY)
    assert place_map(page, OTHER, append=False) == place_map(page, OTHER)


def test_a_map_that_would_break_its_block_is_refused() -> None:
    page = place_map(HUMAN, BODY)
    for body in (f"x\n{CLOSE_MARKER}\ny", "x <!-- jamais fermé", "{{Fiche initiative|nom=A}}"):
        with pytest.raises(UnsafeEdit):
            place_map(page, body)


def test_the_records_of_the_page_are_kept() -> None:
    page = "{{Fiche initiative\n| nom = Pôle A\n| commune = Brest\n}}\nTexte.\n"
    after = place_map(page, BODY)
    assert inserted(page, after)[0] == len(page)


def test_a_new_page_is_an_intro_line_and_the_block() -> None:
    text = new_page(BODY)
    assert text == f"{INTRO}\n\n{OPEN_MARKER}\n{BODY}\n{CLOSE_MARKER}"
    assert place_map(text, BODY) == text


def test_random_pages_keep_every_byte_outside_the_block() -> None:
    pieces = ["Texte", "\n", "\n\n", "  ", "[[Catégorie:X]]", "{{Modèle|a=b}}", "<!-- note -->",
              "== Titre ==", "{|\n| case\n|}", "[[Lien]]", "__NOTOC__", "\t", "é"]
    rng = random.Random(12)
    for _ in range(300):
        page = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        after = place_map(page, BODY)
        _, piece = inserted(page, after)
        assert f"{OPEN_MARKER}\n{BODY}\n{CLOSE_MARKER}" in piece
        refreshed = place_map(after, OTHER)
        assert refreshed == after.replace(f"\n{BODY}\n", f"\n{OTHER}\n", 1)


def test_marker_words_must_match_whole() -> None:
    opens = starts_with("début carte wikisync")
    assert opens(" DEBUT  carte wikisync : texte ") and opens("début carte wikisync")
    assert not opens("début carte wikisyncs") and not opens("la début carte wikisync")


def test_the_extension_check_names_the_missing_extension() -> None:
    check_extension(Config(), {"kartographer"}, "Carte")  # names compare without case
    with pytest.raises(ConfigError, match=r"^the wiki has no Kartographer extension \(siteinfo\)"
                                          r": <mapframe> would show as raw text; Carte left "):
        check_extension(Config(), {"Maps", "ParserFunctions"}, "Carte")
    maps = Config(map=MapConfig(extension="maps"))
    check_extension(maps, {"Maps"}, "Carte")
    with pytest.raises(ConfigError, match="no Maps extension"):
        check_extension(maps, {"Kartographer"}, "Carte")
