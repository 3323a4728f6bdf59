"""KML, uMap and map CSV exports: they load, with one pin and the right style per hub."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from typing import Any

from map_samples import EXPECTED_COUNTS, EXPECTED_MISSING, EXPECTED_PINS, LORIENT

from wikisync.export.geo import MapData, MapSettings
from wikisync.export.kml import kml_colour, render_kml
from wikisync.export.mapcsv import COLUMNS, render_map_csv
from wikisync.export.umap import render_umap
from wikisync.schema import DEFAULT_TYPES

NS = {"k": "http://www.opengis.net/kml/2.2"}
HEX = {t.key: t.hex for t in DEFAULT_TYPES}


# --- KML -------------------------------------------------------------------------------


def kml_root(data: MapData, settings: MapSettings) -> ET.Element:
    text = render_kml(data, settings)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(text.encode("utf-8"))


def test_kml_colour() -> None:
    assert kml_colour("#2e9e44") == "ff449e2e"
    assert kml_colour("#FFFFFF") == "ffffffff"


def test_kml_has_one_placemark_per_pin(data: MapData, settings: MapSettings) -> None:
    placemarks = kml_root(data, settings).findall(".//k:Placemark", NS)
    assert len(placemarks) == EXPECTED_PINS
    names = [p.findtext("k:name", namespaces=NS) for p in placemarks]
    assert len(set(names)) == EXPECTED_PINS and not EXPECTED_MISSING & set(names)


def test_kml_style_per_type(data: MapData, settings: MapSettings) -> None:
    root = kml_root(data, settings)
    styles = {s.get("id"): s.findtext("k:IconStyle/k:color", namespaces=NS)
              for s in root.findall(".//k:Style", NS)}
    expected = {f"type-{key}": kml_colour(hex_colour) for key, hex_colour in HEX.items()}
    assert styles == {**expected, "type-inconnu": kml_colour("#888888")}
    used: dict[str, int] = {}
    for placemark in root.findall(".//k:Placemark", NS):
        style = placemark.findtext("k:styleUrl", namespaces=NS)
        assert style is not None and style[1:] in styles
        data_type = placemark.find("k:ExtendedData/k:Data[@name='type']/k:value", NS)
        expected_style = f"#type-{data_type.text}" if data_type is not None else "#type-inconnu"
        assert style == expected_style
        used[style] = used.get(style, 0) + 1
    assert used == {**{f"#type-{k}": n for k, n in EXPECTED_COUNTS.items()}, "#type-inconnu": 1}


def test_kml_placemark_content(data: MapData, settings: MapSettings) -> None:
    root = kml_root(data, settings)
    lorient = next(p for p in root.findall(".//k:Placemark", NS)
                   if p.findtext("k:name", namespaces=NS) == LORIENT)
    assert lorient.findtext("k:Point/k:coordinates", namespaces=NS) == "-3.3702,47.7483"
    description = lorient.findtext("k:description", namespaces=NS) or ""
    url = settings.article_base + "P%C3%B4le_de_coop%C3%A9ration_solidaire_du_Pays_de_Lorient"
    assert f'<a href="{url}">' in description
    assert "association de développement" in description and "Lorient" in description


def test_kml_folders_are_the_legend(data: MapData, settings: MapSettings) -> None:
    folders = kml_root(data, settings).findall(".//k:Folder", NS)
    names = [f.findtext("k:name", namespaces=NS) for f in folders]
    assert names == [t.label for t in DEFAULT_TYPES] + ["type inconnu"]


def test_kml_escapes_markup() -> None:
    from wikisync.export.geo import map_data
    from wikisync.hubs import build_hubs
    from wikisync.model import Record

    record = Record(title="A <b> & B", source="fiche", type="informel", lat=1.0, lon=2.0)
    root = kml_root(map_data(build_hubs([record]), MapSettings()), MapSettings())
    assert root.findtext(".//k:Placemark/k:name", namespaces=NS) == "A <b> & B"


# --- uMap ------------------------------------------------------------------------------


def umap(data: MapData, settings: MapSettings) -> dict[str, Any]:
    return dict(json.loads(render_umap(data, settings)))


def test_umap_file_loads_with_one_layer_per_type(data: MapData, settings: MapSettings) -> None:
    doc = umap(data, settings)
    assert doc["type"] == "umap"
    assert doc["geometry"]["type"] == "Point"
    layers = doc["layers"]
    options = [layer["_umap_options"] for layer in layers]
    assert [o["name"] for o in options] == [t.label for t in DEFAULT_TYPES] + ["type inconnu"]
    assert [o["color"] for o in options] == [t.hex for t in DEFAULT_TYPES] + ["#888888"]
    counts = {o["name"]: len(layer["features"]) for o, layer in zip(options, layers, strict=True)}
    labels = {t.key: t.label for t in DEFAULT_TYPES}
    assert counts == {**{labels[k]: n for k, n in EXPECTED_COUNTS.items()}, "type inconnu": 1}
    assert all(o["displayOnLoad"] for o in options)


def test_umap_features(data: MapData, settings: MapSettings) -> None:
    doc = umap(data, settings)
    features = [f for layer in doc["layers"] for f in layer["features"]]
    assert len(features) == EXPECTED_PINS
    lorient = next(f for f in features if f["properties"]["name"] == LORIENT)
    assert lorient["geometry"] == {"type": "Point", "coordinates": [-3.3702, 47.7483]}
    assert lorient["properties"]["_umap_options"]["outlink"] == lorient["properties"]["url"]
    assert "color" not in lorient["properties"]["_umap_options"]  # the layer's colour applies


def test_umap_tiles(data: MapData) -> None:
    assert "tilelayer" not in umap(data, MapSettings(tiles=""))["properties"]
    tiles = "http://127.0.0.1:9/{z}/{x}/{y}.png"
    assert umap(data, MapSettings(tiles=tiles))["properties"]["tilelayer"]["url_template"] == tiles


# --- map CSV ---------------------------------------------------------------------------


def test_map_csv(data: MapData, settings: MapSettings) -> None:
    text = render_map_csv(data, settings)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == EXPECTED_PINS
    lorient = next(row for row in rows if row["name"] == LORIENT)
    assert (float(lorient["latitude"]), float(lorient["longitude"])) == (47.7483, -3.3702)
    assert lorient["type"] == "association" and lorient["color"] == "#2e9e44"
    assert lorient["url"].startswith(settings.article_base or "")
    unknown = next(row for row in rows if row["name"] == "Pôle ESS de Caen")
    assert unknown["type"] == "" and unknown["color"] == "#888888"
