"""Values are reduced to the text they display; coordinates to floats."""

from __future__ import annotations

import pytest

from wikisync.parse import clean, decode_entities, fold_key, parse_wikitext
from wikisync.parse.coords import parse_coordinates, parse_pair_text, parse_single
from wikisync.parse.values import link_target_text, value_text


def text_of(wikitext: str) -> str:
    return value_text(parse_wikitext(wikitext))


@pytest.mark.parametrize(
    ("wikitext", "expected"),
    [
        ("  Brest \n", "Brest"),
        ("<!-- à compléter -->", ""),
        (" <!-- a --> <!-- b --> ", ""),
        ("Brest <!-- sous-préfecture -->", "Brest"),
        ("[[Brest]]", "Brest"),
        ("[[Brest (Finistère)|Brest]]", "Brest"),
        ("[[:Catégorie:Pôle ESS]]", "Catégorie:Pôle ESS"),
        ("Brest[[Catégorie:Bretagne]]", "Brest"),
        ("[[Fichier:Logo.png|vignette|Logo]]Brest", "Brest"),
        ("[http://a.example.org Site officiel]", "http://a.example.org"),
        ("[http://a.example.org]", "http://a.example.org"),
        ("voir http://a.example.org.", "voir http://a.example.org."),
        ("{{URL|https://a.example.org}}", "https://a.example.org"),
        ("{{url|a.example.org|Site}}", "http://a.example.org"),
        ("12&nbsp;rue", "12 rue"),
        ("l&#8217;ESS &amp; co", "l'ESS & co"),
        ("R&D &c. &copy &bogus;", "R&D &c. &copy &bogus;"),
        ("l’économie ‘sociale’", "l'économie 'sociale'"),
        ("2005<ref>Étude</ref>", "2005"),
        ("2005<ref name=a/>", "2005"),
        ("''Pôle'' '''ESS'''", "Pôle ESS"),
        ("<small>Pôle</small>", "Pôle"),
        ("a<br>b", "a b"),
        ("<nowiki>[[x]] {{y}}</nowiki>", "[[x]] {{y}}"),
        ("<nowiki>a&#10;b</nowiki>", "a\nb"),
        ("a{{!}}b", "a|b"),
        ("{{formatnum:1200}}", "{{formatnum:1200}}"),
        ("ligne 1\r\nligne 2\r\n", "ligne 1\nligne 2"),
        ("re\u0301gion", "région"),
    ],
)
def test_value_text(wikitext: str, expected: str) -> None:
    assert text_of(wikitext) == expected


def test_link_targets_for_fiche_links() -> None:
    assert link_target_text(parse_wikitext("[[pôle_ESS de Brest|la fiche]]")) == "Pôle ESS de Brest"
    assert link_target_text(parse_wikitext("[[Pôle ESS de Brest#Histoire]]")) == "Pôle ESS de Brest"
    assert link_target_text(parse_wikitext("Pôle ESS de Brest")) == "Pôle ESS de Brest"


def test_entities_follow_mediawiki() -> None:
    assert decode_entities("&lt;&#60;&#x3C;&#X3c;") == "<<<<"
    assert decode_entities("&#0; &#xD800; &#99999999;") == "&#0; &#xD800; &#99999999;"
    assert clean("  &nbsp;x&nbsp; ") == "x"


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("Espace d’Hébergement", "espace d'hebergement"),
        ("  CENTRE   multi-fonctions ", "centre multi-fonctions"),
    ],
)
def test_fold_key(label: str, key: str) -> None:
    assert fold_key(label) == key


@pytest.mark.parametrize(
    ("text", "pair"),
    [
        ("48.39, -4.49", (48.39, -4.49)),
        ("48.39,-4.49", (48.39, -4.49)),
        ("48,39, -4,49", (48.39, -4.49)),
        ("48,39 -4,49", (48.39, -4.49)),
        ("48,39 ; -4,49", (48.39, -4.49)),
        ("48.39 / −4.49", (48.39, -4.49)),
        ("48°23′25″N 4°29′10″O", (48.390278, -4.486111)),
        ("48°23'25\"N, 4°29'10\"W", (48.390278, -4.486111)),
        ("48°23′N 4°29′E", (48.383333, 4.483333)),
        ("4°29′10″O 48°23′25″N", (48.390278, -4.486111)),
        ("48.39°N 4.49°O", (48.39, -4.49)),
        ("43° 17′ 47″ N, 5° 22′ 11″ E", (43.296389, 5.369722)),
    ],
)
def test_pairs(text: str, pair: tuple[float, float]) -> None:
    assert parse_pair_text(text) == pair


@pytest.mark.parametrize(
    "text",
    ["", "48.39", "148.39, -4.49", "48.39, 190", "48°61′N 4°29′O", "48°23′N 4°29′N", "nord",
     "48.39, -4.49, 3", "48°23′25″X 4°29′10″O", "abc, def"],
)
def test_bad_pairs(text: str) -> None:
    assert parse_pair_text(text) is None


def test_singles() -> None:
    assert parse_single("48,1173", latitude=True) == 48.1173
    assert parse_single("−1.6778", latitude=False) == -1.6778
    assert parse_single("48°23′25″N", latitude=True) == 48.390278
    assert parse_single("4°29′10″O", latitude=False) == -4.486111
    assert parse_single("4°29′10″O", latitude=True) is None  # a longitude given as latitude
    assert parse_single("91", latitude=True) is None
    assert parse_single("181", latitude=False) is None
    assert parse_single("", latitude=True) is None


@pytest.mark.parametrize(
    ("wikitext", "pair"),
    [
        ("{{Coord|48.3904|-4.4861}}", (48.3904, -4.4861)),
        ("{{coord|48|23|25|N|4|29|10|W|type:city}}", (48.390278, -4.486111)),
        ("{{Coord|48.39|N|4.49|O|display=title}}", (48.39, -4.49)),
        ("{{Coord|48|23|N|4|29|E}}", (48.383333, 4.483333)),
        ("<!-- gps --> 48.39, -4.49", (48.39, -4.49)),
        ("{{Coord|148|-4}}", None),
        ("{{Coord|48|61|N|4|E}}", None),
        ("{{Coord|4|29|E|48|23|N}}", None),
        ("{{Coord}}", None),
    ],
)
def test_coordinates_values(wikitext: str, pair: tuple[float, float] | None) -> None:
    assert parse_coordinates(parse_wikitext(wikitext)) == pair
