"""GeoJSON export: valid RFC 7946, one pin per hub, colours and links per the contract."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any
from urllib.parse import quote

from map_samples import (
    ARTICLE_BASE,
    BRETAGNE,
    EXPECTED_COUNTS,
    EXPECTED_MISSING,
    EXPECTED_PINS,
    LORIENT,
    sample_wiki_expected,
    sample_wiki_records,
)

from wikisync.export.geo import MapData, MapSettings, map_data, render_geojson, to_geojson
from wikisync.hubs import Hub, build_hubs
from wikisync.schema import DEFAULT_TYPES

HEX = {t.key: t.hex for t in DEFAULT_TYPES}


def check_rfc7946(doc: Any) -> None:
    """Fail unless ``doc`` is an RFC 7946 FeatureCollection of Points."""
    assert isinstance(doc, dict) and doc["type"] == "FeatureCollection"
    assert "crs" not in doc  # RFC 7946 section 4: no crs member
    assert isinstance(doc["features"], list)
    ids = []
    for item in doc["features"]:
        assert item["type"] == "Feature"
        assert isinstance(item["properties"], dict)
        assert isinstance(item["id"], (str, int)) and not isinstance(item["id"], bool)
        ids.append(item["id"])
        geometry = item["geometry"]
        assert geometry["type"] == "Point"
        position = geometry["coordinates"]
        assert isinstance(position, list) and len(position) == 2
        lon, lat = position
        assert all(isinstance(v, (int, float)) and math.isfinite(v) for v in position)
        assert -180 <= lon <= 180 and -90 <= lat <= 90
    assert len(ids) == len(set(ids)), "feature ids must be unique"
    if "bbox" in doc:
        west, south, east, north = doc["bbox"]
        assert south <= north and west <= east
        for item in doc["features"]:
            lon, lat = item["geometry"]["coordinates"]
            assert west <= lon <= east and south <= lat <= north


def features(data: MapData) -> dict[str, dict[str, Any]]:
    doc = json.loads(render_geojson(data, MapSettings()))
    return {f["properties"]["name"]: f for f in doc["features"]}


def url_of(title: str) -> str:
    return ARTICLE_BASE + quote(title.replace(" ", "_"), safe="/:(),")


def test_valid_rfc7946(data: MapData, settings: MapSettings) -> None:
    text = render_geojson(data, settings)
    doc = json.loads(text)
    check_rfc7946(doc)
    assert doc == to_geojson(data)


def test_one_pin_per_hub_with_coordinates(data: MapData) -> None:
    found = features(data)
    assert len(found) == EXPECTED_PINS
    assert "Pôle ESS de Bordeaux" in found  # one fiche + rows on two region pages: one pin
    assert not EXPECTED_MISSING & set(found)
    assert {hub.name for hub in data.missing} == EXPECTED_MISSING


def test_coordinates_are_lon_lat(data: MapData) -> None:
    assert features(data)[LORIENT]["geometry"]["coordinates"] == [-3.3702, 47.7483]


def test_properties(data: MapData) -> None:
    props = features(data)[LORIENT]["properties"]
    assert props == {
        "name": LORIENT,
        "type": "association",
        "type_label": "association de développement",
        "title": LORIENT,
        "url": url_of(LORIENT),
        "website": "http://www.example.org/pole-lorient",
        "commune": "Lorient",
        "region": "Bretagne",
        "marker-color": "#2e9e44",
        "marker-symbol": "town-hall",
        "_umap_options": {"color": "#2e9e44", "iconClass": "Drop", "outlink": url_of(LORIENT),
                          "outlinkTarget": "blank"},
    }


def test_colours_follow_the_type(data: MapData) -> None:
    counts: dict[str | None, int] = {}
    for item in features(data).values():
        props = item["properties"]
        expected = HEX.get(props["type"], "#888888")
        assert props["marker-color"] == expected == props["_umap_options"]["color"]
        counts[props["type"]] = counts.get(props["type"], 0) + 1
    assert counts == {**EXPECTED_COUNTS, None: 1}


def test_row_only_hub_links_to_its_region_page(data: MapData) -> None:
    props = features(data)["Collectif ESS du Centre-Bretagne"]["properties"]
    assert props["title"] == BRETAGNE
    assert props["url"] == url_of(BRETAGNE)
    assert props["website"] == "http://www.example.org/centre-bretagne"


def test_link_order_from_settings(hubs: list[Hub]) -> None:
    settings = MapSettings(article_base=ARTICLE_BASE, link_order=("website", "fiche", "region"))
    found = features(map_data(hubs, settings))
    assert found[LORIENT]["properties"]["url"] == "http://www.example.org/pole-lorient"
    assert found["Pôle ESS de Bordeaux"]["properties"]["url"] == url_of("Pôle ESS de Bordeaux")
    only_site = MapSettings(article_base=ARTICLE_BASE, link_order=("website",))
    props = features(map_data(hubs, only_site))["Pôle ESS de Bordeaux"]["properties"]
    assert props["url"] is None and "outlink" not in props["_umap_options"]


def test_without_wiki_url_pins_link_to_websites(hubs: list[Hub]) -> None:
    found = features(map_data(hubs, MapSettings()))
    assert found[LORIENT]["properties"]["url"] == "http://www.example.org/pole-lorient"
    assert found[LORIENT]["properties"]["title"] == LORIENT


def test_config_colours_are_used(hubs: list[Hub]) -> None:
    types = tuple(t if t.key != "projet" else t.__class__(t.key, t.label, t.variants, t.colour,
                                                          "#aa00aa") for t in DEFAULT_TYPES)
    found = features(map_data(hubs, MapSettings(types=types)))
    assert found["Pôle en projet de Strasbourg"]["properties"]["marker-color"] == "#aa00aa"


def test_empty_map_is_valid() -> None:
    doc = to_geojson(map_data([], MapSettings()))
    check_rfc7946(doc)
    assert doc["features"] == [] and "bbox" not in doc


# --- the sample wiki of examples/samples -----------------------------------------------


def test_sample_wiki_map(tmp_path: Path) -> None:
    expected = sample_wiki_expected()
    hubs = build_hubs(sample_wiki_records())
    assert len(hubs) == expected["fiche_pages"] + len(expected["row_only_hubs"])
    by_name = {hub.name: hub for hub in hubs}
    for item in expected["row_only_hubs"]:
        assert by_name[item["nom"]].fiche is None
        assert by_name[item["nom"]].region_pages == (item["page"],)
    data = map_data(hubs, MapSettings(article_base=ARTICLE_BASE))
    missing = {hub.name for hub in data.missing}
    no_coordinates = expected["no_coordinates"]
    assert set(no_coordinates["fiches"]) <= missing
    assert {item["nom"] for item in no_coordinates["rows"]} <= missing
    doc = to_geojson(data)
    check_rfc7946(doc)
    assert len(doc["features"]) == len(hubs) - len(missing)
    for name, item in expected["problems"].items():
        if "bad-coordinates" in item["codes"]:
            assert name in missing
