"""``wikisync export --format geojson|kml|map-csv|umap|html`` from the store."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from itertools import groupby
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from map_samples import EXPECTED_MISSING, EXPECTED_PINS, LORIENT

from wikisync.cli import cli
from wikisync.model import Record
from wikisync.store import Store
from wikisync.store.store import StoredPage


@pytest.fixture
def store(tmp_path: Path, records: list[Record]) -> Path:
    """A store holding the sample records, one page per title."""
    path = tmp_path / "state.sqlite"
    ordered = sorted(records, key=lambda r: r.title)
    with Store(path) as opened:
        for pageid, (title, page_records) in enumerate(groupby(ordered, lambda r: r.title), 1):
            page = StoredPage(title, pageid, 0, 100 + pageid, "2024-01-01T00:00:00Z", "")
            opened.put_page(page, list(page_records))
    return path


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "wikisync.toml"
    path.write_text('[wiki]\napi = "http://127.0.0.1:8080/w/api.php"\n', encoding="utf-8")
    return path


def export(config: Path, store: Path, *args: str) -> Result:
    result = CliRunner().invoke(cli, ["-c", str(config), "export", "--store", str(store), *args])
    assert result.exit_code == 0, result.output
    return result


def test_geojson_to_a_file(config: Path, store: Path, tmp_path: Path) -> None:
    out = tmp_path / "carte.geojson"
    result = export(config, store, "--format", "geojson", "-o", str(out))
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert len(doc["features"]) == EXPECTED_PINS
    lorient = next(f for f in doc["features"] if f["properties"]["name"] == LORIENT)
    assert lorient["properties"]["url"].startswith("http://127.0.0.1:8080/w/index.php?title=")
    assert f"{len(EXPECTED_MISSING)} hub(s) without coordinates" in result.stderr
    for name in EXPECTED_MISSING:
        assert name in result.stderr
    assert f"exported {EXPECTED_PINS}" in result.stderr


def test_geojson_to_stdout(config: Path, store: Path) -> None:
    result = export(config, store, "--format", "geojson")
    assert json.loads(result.stdout)["type"] == "FeatureCollection"


def test_kml_and_umap(config: Path, store: Path, tmp_path: Path) -> None:
    export(config, store, "-f", "kml", "-o", str(tmp_path / "carte.kml"))
    root = ET.parse(tmp_path / "carte.kml").getroot()
    assert len(root.findall(".//{http://www.opengis.net/kml/2.2}Placemark")) == EXPECTED_PINS
    export(config, store, "-f", "umap", "-o", str(tmp_path / "carte.umap"))
    doc = json.loads((tmp_path / "carte.umap").read_text(encoding="utf-8"))
    assert sum(len(layer["features"]) for layer in doc["layers"]) == EXPECTED_PINS


def test_map_csv_and_records_csv_are_two_formats(config: Path, store: Path,
                                                 records: list[Record]) -> None:
    pins = list(csv.DictReader(io.StringIO(export(config, store, "-f", "map-csv").stdout)))
    assert len(pins) == EXPECTED_PINS and "latitude" in pins[0]
    rows = list(csv.DictReader(io.StringIO(export(config, store, "-f", "csv").stdout)))
    assert len(rows) == len(records) and "source" in rows[0]


def test_html_with_embedded_leaflet(config: Path, store: Path, tmp_path: Path,
                                    leaflet_dist: Path) -> None:
    out = tmp_path / "carte.html"
    export(config, store, "-f", "html", "--embed-assets", str(leaflet_dist), "--tiles", "",
           "-o", str(out))
    html = out.read_text(encoding="utf-8")
    assert "unpkg.com" not in html and "tile.openstreetmap.org" not in html
    payload = html.split('id="carte-donnees">', 1)[1].split("</script>", 1)[0]
    assert len(json.loads(payload)["pins"]) == EXPECTED_PINS


def test_html_is_self_contained_by_default(config: Path, store: Path, tmp_path: Path) -> None:
    out = tmp_path / "carte.html"
    export(config, store, "-f", "html", "-o", str(out))
    html = out.read_text(encoding="utf-8")
    assert "unpkg.com" not in html and 'id="carte-contour"' in html
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in html


def test_html_with_cdn_links_leaflet(config: Path, store: Path, tmp_path: Path) -> None:
    out = tmp_path / "carte.html"
    export(config, store, "-f", "html", "--cdn", "-o", str(out))
    assert "https://unpkg.com/leaflet@1.9.4/dist/leaflet.js" in out.read_text(encoding="utf-8")


def test_cdn_with_embed_assets_is_a_usage_error(config: Path, store: Path,
                                                leaflet_dist: Path) -> None:
    result = CliRunner().invoke(cli, ["-c", str(config), "export", "--store", str(store),
                                      "-f", "html", "--cdn", "--embed-assets", str(leaflet_dist)])
    assert result.exit_code == 2
    assert "--cdn and --embed-assets cannot be used together" in result.stderr


def test_embed_assets_folder_without_leaflet(config: Path, store: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["-c", str(config), "export", "--store", str(store),
                                      "-f", "html", "--embed-assets", str(tmp_path)])
    assert result.exit_code == 2
    assert "leaflet.js" in result.stderr


def test_help_lists_the_map_formats() -> None:
    result = CliRunner().invoke(cli, ["export", "--help"])
    for name in ("geojson", "kml", "map-csv", "umap", "html", "--embed-assets", "--tiles",
                 "--cdn"):
        assert name in result.output
