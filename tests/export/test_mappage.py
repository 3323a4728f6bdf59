"""render_map_page: the wiki's map page for Kartographer or the Maps extension."""

from __future__ import annotations

import json
import random
import re
from typing import Any

import pytest
from map_samples import BRETAGNE, EXPECTED_COUNTS, EXPECTED_MISSING, EXPECTED_PINS, LORIENT

from wikisync.config import Config, MapConfig
from wikisync.generate.mappage import escape_text, render_map_page
from wikisync.hubs import Hub, build_hubs
from wikisync.model import Record
from wikisync.schema import DEFAULT_TYPES

KARTOGRAPHER = Config()
MAPS = Config(map=MapConfig(extension="maps"))
HEX = {t.key: t.hex for t in DEFAULT_TYPES}


def mapframe(text: str) -> tuple[dict[str, str], dict[str, Any]]:
    """The ``<mapframe>`` attributes and its GeoJSON."""
    match = re.search(r"<mapframe ([^>]*)>\n(.*?)\n</mapframe>", text, re.S)
    assert match is not None, text[:300]
    attributes = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1)))
    return attributes, json.loads(match.group(2))


def features(text: str) -> dict[str, dict[str, Any]]:
    """Features by the name in their title (``[[page|name]]``, ``[url name]`` or text)."""
    found = {}
    for item in mapframe(text)[1]["features"]:
        title = item["properties"]["title"]
        name = re.sub(r"^\[\[[^|]*\|(.*)\]\]$|^\[\S+ (.*)\]$", r"\1\2", title)
        found[name] = item
    return found


def test_kartographer_mapframe(hubs: list[Hub]) -> None:
    text = render_map_page(hubs, KARTOGRAPHER)
    attributes, doc = mapframe(text)
    assert attributes["width"] == "full" and attributes["height"] == "600"
    assert 2 <= int(attributes["zoom"]) <= 12
    assert 41 < float(attributes["latitude"]) < 52 and -5 < float(attributes["longitude"]) < 9
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == EXPECTED_PINS


def test_the_text_is_a_block_body_not_a_page(hubs: list[Hub]) -> None:
    for config, first in ((KARTOGRAPHER, "<mapframe "), (MAPS, "{{#display_map:\n")):
        text = render_map_page(hubs, config)
        assert text.startswith(first) and text.endswith("\n") and "<!--" not in text
        assert "carte wikisync" not in text and "[[Catégorie" not in text


def test_kartographer_marker_colour_per_type_and_wikitext_links(hubs: list[Hub]) -> None:
    found = features(render_map_page(hubs, KARTOGRAPHER))
    lorient = found[LORIENT]["properties"]
    assert lorient["title"] == f"[[{LORIENT}|{LORIENT}]]"
    assert lorient["marker-color"] == HEX["association"]
    assert lorient["description"] == "association de développement<br />Lorient"
    assert found["Collectif ESS du Centre-Bretagne"]["properties"]["title"] == (
        f"[[{BRETAGNE}|Collectif ESS du Centre-Bretagne]]")
    assert found[LORIENT]["geometry"]["coordinates"] == [-3.3702, 47.7483]
    colours: dict[str, int] = {}
    for item in found.values():
        colour = item["properties"]["marker-color"]
        colours[colour] = colours.get(colour, 0) + 1
    assert colours == {**{HEX[k]: n for k, n in EXPECTED_COUNTS.items()}, "#888888": 1}


def test_link_order_website_first(hubs: list[Hub]) -> None:
    config = Config(map=MapConfig(link_order=("website", "fiche", "region")))
    found = features(render_map_page(hubs, config))
    assert found[LORIENT]["properties"]["title"] == (
        f"[http://www.example.org/pole-lorient {LORIENT}]")


def test_legend_and_missing_hubs(hubs: list[Hub]) -> None:
    text = render_map_page(hubs, KARTOGRAPHER)
    legend = text.split("== Légende ==", 1)[1]
    for hub_type in DEFAULT_TYPES:
        line = next(ln for ln in legend.splitlines() if hub_type.label in ln)
        assert hub_type.hex in line and line.endswith(f": {EXPECTED_COUNTS[hub_type.key]}")
    assert "type inconnu : 1" in legend
    for name in EXPECTED_MISSING:
        assert name in legend


def test_deterministic(records: list[Record]) -> None:
    expected = render_map_page(build_hubs(records), KARTOGRAPHER)
    shuffled = list(records)
    random.Random(1).shuffle(shuffled)
    assert render_map_page(build_hubs(shuffled), KARTOGRAPHER) == expected
    assert render_map_page(build_hubs(shuffled), MAPS) == render_map_page(build_hubs(records), MAPS)


def test_names_cannot_break_the_page() -> None:
    name = "Pôle ''ESS'' [[x]] {{y}} </mapframe> ~~~~ a|b; c~d = e"
    record = Record(title="Pôle A", source="fiche", name=name, type="informel",
                    lat=45.0, lon=5.0, commune="Lyon")
    text = render_map_page(build_hubs([record]), KARTOGRAPHER)
    assert text.count("</mapframe>") == 1
    title = mapframe(text)[1]["features"][0]["properties"]["title"]
    assert title.startswith("[[Pôle A|") and "[[x]]" not in title and "''" not in title
    assert "~~~" not in title and "{{" not in title
    maps_text = render_map_page(build_hubs([record]), MAPS)
    marker = maps_text.split("{{#display_map:\n", 1)[1].split("\n|", 1)[0]
    assert marker.count("~") == 3 and ";" not in marker and "|" not in marker.replace("{{!}}", "")


@pytest.mark.parametrize("escape_case", [
    ("a [[b]]", "a &#91;&#91;b&#93;&#93;"),
    ("l'ESS", "l'ESS"),
    ("''gras''", "&#39;&#39;gras&#39;&#39;"),
    ("__TOC__", "&#95;&#95;TOC&#95;&#95;"),
    ("A & B", "A & B"),
    ("&nbsp;", "&amp;nbsp;"),
])
def test_escape_text(escape_case: tuple[str, str]) -> None:
    given, expected = escape_case
    assert escape_text(given) == expected


def maps_markers(text: str) -> list[list[str]]:
    body = text.split("{{#display_map:\n", 1)[1].split("\n|height=", 1)[0]
    return [line.rstrip(";").split("~") for line in body.split("\n")]


def test_maps_extension_one_marker_per_hub_with_pictogram(hubs: list[Hub]) -> None:
    text = render_map_page(hubs, MAPS)
    assert "<mapframe" not in text
    markers = {m[1]: m for m in maps_markers(text)}
    assert len(markers) == EXPECTED_PINS
    location, _title, description, icon = markers[LORIENT]
    assert location == "47.7483,-3.3702"
    assert icon == "Pôle ESS association.png"
    assert f"[[{LORIENT}{{{{!}}}}Voir la fiche]]" in description
    assert len(markers["Pôle ESS de Caen"]) == 3  # unknown type: the default marker
    assert "\n|height=600px\n|width=100%\n}}\n" in text


def test_maps_icon_pattern(hubs: list[Hub]) -> None:
    text = render_map_page(hubs, MAPS, icon_pattern="Punaise {colour}.svg")
    icons = {m[3] for m in maps_markers(text) if len(m) > 3}
    assert icons == {f"Punaise {t.colour}.svg" for t in DEFAULT_TYPES}


def test_empty_map() -> None:
    attributes, doc = mapframe(render_map_page([], KARTOGRAPHER))
    assert doc["features"] == [] and attributes["zoom"] == "5"
