"""Loading the reference dataset: CSV and GeoJSON, aliases, normalised values, bad rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wikisync.dataset import DatasetError, load_dataset, page_title, read_csv, read_geojson
from wikisync.schema import DEFAULT_PARAMS, Schema

SAMPLES = Path(__file__).resolve().parents[2] / "examples" / "samples"

HEADER = "nom,type,région,département,commune,latitude,longitude,site web,fiche\n"


def codes(dataset: object) -> list[tuple[str, str]]:
    return [(p.where, p.code) for p in dataset.problems]  # type: ignore[attr-defined]


def test_csv_row_becomes_normalised_hub() -> None:
    text = HEADER + ("Pôle ESS de Brest,Association de Developpement,Bretagne,29,Brest,"
                     "48.3904,-4.4861,www.pole-brest.example.org,[[Pôle_ESS de Brest]]\n")
    dataset = read_csv(text)
    (hub,) = dataset.hubs
    assert hub.where == "line 2"
    assert (hub.name, hub.type, hub.region, hub.departement, hub.commune) == (
        "Pôle ESS de Brest", "association", "Bretagne", "29", "Brest")
    assert (hub.lat, hub.lon) == (48.3904, -4.4861)
    assert hub.website == "http://www.pole-brest.example.org"
    assert hub.fiche == hub.title == "Pôle ESS de Brest"
    assert hub.raw["commune"] == "Brest"
    assert dataset.problems == ()


def test_aliases_semicolons_bom_and_french_decimals() -> None:
    text = ("\ufeffName;Catégorie;Ville;Dép;Lat;Long;URL;CP\n"
            "Maison de l’ESS;espace d’hébergement;Rennes;35;48,1173;-1,6778;"
            "https://x.example.fr/;35000\n")
    dataset = read_csv(text)
    (hub,) = dataset.hubs
    assert (hub.name, hub.type, hub.commune, hub.departement, hub.postcode) == (
        "Maison de l’ESS", "hebergement", "Rennes", "35", "35000")
    assert (hub.lat, hub.lon) == (48.1173, -1.6778)
    assert hub.website == "https://x.example.fr/"
    assert dataset.has("coordinates") and dataset.has("postcode")
    assert not dataset.has("region")


def test_coordinates_column_accepts_pairs_and_dms() -> None:
    text = ("nom,coordonnées\n"
            'A,"48.39, -4.49"\n'
            "B,48°23′25″N 4°29′10″O\n")
    a, b = read_csv(text).hubs
    assert (a.lat, a.lon) == (48.39, -4.49)
    assert b.lat == pytest.approx(48.3903, abs=1e-4)
    assert b.lon == pytest.approx(-4.4861, abs=1e-4)


def test_bad_rows_are_problems_with_line_numbers() -> None:
    text = (HEADER
            + "Bon,projet,,,Lyon,45.76,4.83,,\n"          # line 2: fine
            + ",projet,,,Paris,,,,\n"                      # line 3: no name
            + '"Pôle ""multi""\nligne",informel,,,Nice,,,,\n'  # lines 4-5: one record
            + "Pôle X,coopérative,,,Caen,95.1,0.3,pas de site,\n"  # line 6: 3 problems
            + "\n"                                          # line 7: blank, skipped
            + "Bon,pôle en projet,,,lyon,,,,\n"             # line 8: same hub as line 2
            + "Trop,projet,,,A,1,2,,,en trop\n")            # line 9: too many cells
    dataset = read_csv(text)
    assert [h.where for h in dataset.hubs] == ["line 2", "line 4", "line 6", "line 8"]
    assert dataset.hubs[1].name == 'Pôle "multi"\nligne'
    assert sorted(codes(dataset)) == [
        ("line 3", "no-name"),
        ("line 6", "bad-coordinates"),
        ("line 6", "bad-url"),
        ("line 6", "unknown-type"),
        ("line 8", "duplicate-row"),
        ("line 9", "bad-row"),
    ]
    bad = next(h for h in dataset.hubs if h.name == "Pôle X")
    assert (bad.type, bad.lat, bad.lon, bad.website) == (None, None, None, None)


def test_half_coordinates_are_bad() -> None:
    dataset = read_csv("nom,latitude,longitude\nA,48.1,\n")
    assert codes(dataset) == [("line 2", "bad-coordinates")]
    assert dataset.hubs[0].lat is None


def test_csv_without_name_column_is_an_error() -> None:
    with pytest.raises(DatasetError, match="no name column"):
        read_csv("commune,type\nBrest,projet\n", source="x.csv")


def test_schema_names_are_honoured() -> None:
    params = dict(DEFAULT_PARAMS)
    params["name"] = ("intitulé", ("libellé",))
    dataset = read_csv("Libellé,commune\nPôle Y,Arles\n", Schema(params=params))
    assert dataset.hubs[0].name == "Pôle Y"


def feature(properties: dict[str, object], lon: float = -4.49, lat: float = 48.39,
            geometry: object = "point") -> dict[str, object]:
    geom = {"type": "Point", "coordinates": [lon, lat]} if geometry == "point" else geometry
    return {"type": "Feature", "geometry": geom, "properties": properties}


def test_geojson_point_is_lon_lat_and_properties_are_columns() -> None:
    data = {"type": "FeatureCollection", "features": [
        feature({"nom": "A", "type": "informel", "site web": "http://a.example.org",
                 "_umap_options": {"color": "#fff"}}, lon=2.35, lat=48.85),
    ]}
    dataset = read_geojson(json.dumps(data))
    (hub,) = dataset.hubs
    assert (hub.where, hub.name, hub.type, hub.lat, hub.lon) == ("feature 1", "A", "informel",
                                                                 48.85, 2.35)
    assert hub.website == "http://a.example.org"
    assert dataset.has("coordinates") and dataset.has("website")


def test_geojson_umap_layers_and_bad_features() -> None:
    data = {"type": "umap", "layers": [
        {"type": "FeatureCollection", "features": [feature({"nom": "A"})]},
        {"type": "FeatureCollection", "features": [
            feature({"nom": "B"}, geometry={"type": "LineString", "coordinates": []}),
            feature({"nom": "C"}, geometry=None),
            {"type": "Feature", "geometry": None},
            feature({"name": "D"}, lon=500, lat=1),
        ]},
    ]}
    dataset = read_geojson(json.dumps(data))
    assert [(h.where, h.name, h.lat) for h in dataset.hubs] == [
        ("feature 1", "A", 48.39), ("feature 2", "B", None), ("feature 3", "C", None),
        ("feature 5", "D", None)]
    assert codes(dataset) == [("feature 2", "bad-coordinates"), ("feature 4", "bad-row"),
                              ("feature 5", "bad-coordinates")]


def test_website_property_beats_the_url_alias() -> None:
    data = {"type": "FeatureCollection", "features": [
        feature({"name": "A", "url": "http://wiki.example.org/wiki/A",
                 "website": "http://a.example.org"})]}
    assert read_geojson(json.dumps(data)).hubs[0].website == "http://a.example.org"


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '{"type": "Point"}'])
def test_geojson_that_is_not_a_collection_is_an_error(text: str) -> None:
    with pytest.raises(DatasetError):
        read_geojson(text)


def test_load_dataset_by_suffix_and_content(tmp_path: Path) -> None:
    csv_file = tmp_path / "d.csv"
    csv_file.write_text("nom\nA\n", encoding="utf-8")
    json_file = tmp_path / "d.txt"
    json_file.write_text(json.dumps({"type": "FeatureCollection", "features": [
        feature({"nom": "B"})]}), encoding="utf-8")
    assert load_dataset(csv_file).hubs[0].name == "A"
    assert load_dataset(json_file).hubs[0].name == "B"
    assert load_dataset(csv_file).source == str(csv_file)


def test_load_dataset_errors(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="cannot read"):
        load_dataset(tmp_path / "missing.csv")
    undefined = tmp_path / "bytes.csv"  # 0x81 is no character in cp1252, the fallback
    undefined.write_bytes(b"nom\nP\x81le\n")
    with pytest.raises(DatasetError, match=r"is not cp1252 text \(try --encoding latin-1\)"):
        load_dataset(undefined)
    with pytest.raises(DatasetError, match="unknown encoding 'klingon'"):
        load_dataset(undefined, encoding="klingon")


def test_sample_csv_and_geojson_agree() -> None:
    a = load_dataset(SAMPLES / "dataset.csv")
    b = load_dataset(SAMPLES / "dataset.geojson")
    assert len(a.hubs) == len(b.hubs) == 45
    assert a.problems == b.problems == ()
    fields = ("name", "type", "region", "departement", "commune", "lat", "lon", "website",
              "fiche")
    for x, y in zip(a.hubs, b.hubs, strict=True):
        assert [getattr(x, f) for f in fields] == [getattr(y, f) for f in fields]


@pytest.mark.parametrize(("value", "title"), [
    ("pôle_ESS  de Brest", "Pôle ESS de Brest"),
    ("[[Pôle ESS de Brest|le pôle]]", "Pôle ESS de Brest"),
    ("[[:Utilisateur:X/Brouillon]]", "Utilisateur:X/Brouillon"),
    ("http://wiki.example.org/index.php?title=P%C3%B4le_ESS&action=history", "Pôle ESS"),
    ("https://wiki.example.org/wiki/P%C3%B4le_ESS_de_Brest", "Pôle ESS de Brest"),
    ("http://www.example.org/", None),
    ("  ", None),
    (None, None),
])
def test_page_title(value: str | None, title: str | None) -> None:
    assert page_title(value) == title
