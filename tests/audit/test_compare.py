"""The audit's comparison, on records built in memory: every kind, and the near-misses."""

from __future__ import annotations

import random
from typing import Any

import pytest

from wikisync.audit import KINDS, Difference, audit, sort_differences
from wikisync.config import Config, MapConfig, WikiConfig
from wikisync.dataset import read_csv
from wikisync.model import Problem, Record

CONFIG = Config()
HEADER = "nom,type,région,département,commune,latitude,longitude,site web,fiche\n"


def fiche(title: str, **values: Any) -> Record:
    defaults: dict[str, Any] = {"name": title, "type": "association", "commune": "Brest",
                                "lat": 48.39, "lon": -4.49}
    return Record(title, "fiche", **{**defaults, **values})


def csv_row(name: str, type_: str = "association", region: str = "", dep: str = "",
            commune: str = "Brest", lat: str = "48.39", lon: str = "-4.49", site: str = "",
            page: str = "") -> str:
    return ",".join([name, type_, region, dep, commune, lat, lon, site, page]) + "\n"


ROW_2 = {"file": "d.csv", "sheet": None, "row": 2}  # the ``source`` of the first data row


def dataset(*rows: str, header: str = HEADER) -> Any:
    return read_csv(header + "".join(rows), source="d.csv")


def run(records: list[Record], data: Any = None, map_doc: Any = None, **kw: Any
        ) -> list[dict[str, Any]]:
    return [d.to_dict() for d in audit(records, data, map_doc, kw.pop("config", CONFIG), **kw)]


def only(kind: str, diffs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [d for d in diffs if d["kind"] == kind]


# --- wiki vs dataset ---------------------------------------------------------------------


def test_identical_sides_give_no_difference() -> None:
    records = [fiche("Pôle A", website="http://a.example.org", region="Bretagne",
                     departement="Finistère")]
    data = dataset(csv_row("Pôle A", region="Bretagne", dep="29", site="http://a.example.org"))
    assert run(records, data) == []


def test_near_misses_are_not_differences() -> None:
    records = [
        fiche("Maison de l’ESS d’Avignon", type="hebergement", commune="Avignon",
              lat=43.9493, lon=4.8055, website="http://WWW.Mess-Avignon.example.org/",
              departement="84", region="Provence-Alpes-Côte d'Azur"),
        fiche("Pôle ESS du Pays de Metz", commune="Metz", lat=49.1193, lon=6.1757,
              website="https://metz.example.org/ess"),
    ]
    data = dataset(
        csv_row("MAISON DE L'ESS D'AVIGNON", "espace d’hébergement", "Provence-Alpes-Cote d’Azur",
                "Vaucluse", "avignon", "43.9493", "4.8055", "https://mess-avignon.example.org"),
        # 40 m north, http instead of https, trailing slash
        csv_row("Pole ESS du pays de Metz", "asso de développement", commune="METZ",
                lat="49.11966", lon="6.1757", site="http://metz.example.org/ess/"),
    )
    assert run(records, data) == []


def test_each_field_mismatch() -> None:
    records = [fiche("Pôle B", type="multifonction", region="Bretagne", departement="29",
                     commune="Brest", lat=48.5734, lon=7.7521,
                     website="http://www.pole-b.example.org")]
    data = dataset(csv_row("Pôle B", "association", "Normandie", "Calvados", "Caen", "48.5914",
                           "7.7521", "http://www.pole-b.example.fr", "Pôle B"))
    diffs = run(records, data)
    assert diffs == [
        {"kind": "mismatch", "name": "Pôle B", "title": "Pôle B", "field": field,
         "wiki": wiki, "dataset": other, "detail": detail, "source": ROW_2}
        for field, wiki, other, detail in [
            ("commune", "Brest", "Caen", None),
            ("coordinates", "48.5734, 7.7521", "48.5914, 7.7521", "2002 m"),
            ("departement", "29", "Calvados", None),
            ("region", "Bretagne", "Normandie", None),
            ("type", "multifonction", "association", None),
            ("website", "http://www.pole-b.example.org", "http://www.pole-b.example.fr", None),
        ]
    ]


def test_name_mismatch_when_matched_by_title() -> None:
    data = dataset(csv_row("Pôle C (ancien nom)", page="Pôle C"))
    assert only("mismatch", run([fiche("Pôle C")], data)) == [
        {"kind": "mismatch", "name": "Pôle C", "title": "Pôle C", "field": "name",
         "wiki": "Pôle C", "dataset": "Pôle C (ancien nom)", "detail": None,
         "source": ROW_2}]


def test_threshold_is_configurable() -> None:
    data = dataset(csv_row("Pôle D", lat="48.3904"))  # 0.0004° = 44.5 m north
    assert run([fiche("Pôle D")], data) == []
    (diff,) = run([fiche("Pôle D")], data, threshold=20)
    assert (diff["field"], diff["detail"]) == ("coordinates", "44 m")
    assert run([fiche("Pôle D")], data, threshold=45) == []


def test_value_missing_on_the_wiki_only() -> None:
    records = [fiche("Pôle E", lat=None, lon=None, type=None, website="http://e.example.org")]
    data = dataset(csv_row("Pôle E", type_="informel", commune=""))
    assert [(d["field"], d["wiki"], d["dataset"], d["detail"]) for d in run(records, data)] == [
        ("coordinates", None, "48.39, -4.49", "missing on the wiki"),
        ("type", None, "informel", "missing on the wiki"),
    ]  # the dataset's empty commune and website cells are no difference


def test_fields_without_a_dataset_column_are_not_compared() -> None:
    records = [fiche("Pôle F", website="http://f.example.org", region="Bretagne")]
    data = dataset("Pôle F,Brest\n", header="nom,commune\n")
    assert run(records, data) == []


def test_missing_on_either_side() -> None:
    records = [fiche("Pôle G"), Record("Région", "row", name="Pôle H", commune="Lyon",
                                       type="projet")]
    data = dataset(csv_row("Pôle G"), csv_row("Pôle I", commune="Paris", page="Pôle I"))
    assert run(records, data) == [
        {"kind": "missing-on-wiki", "name": "Pôle I", "title": "Pôle I", "field": None,
         "wiki": None, "dataset": None, "detail": "dataset line 3",
         "source": {"file": "d.csv", "sheet": None, "row": 3}},
        {"kind": "missing-in-dataset", "name": "Pôle H", "title": "Région", "field": None,
         "wiki": None, "dataset": None, "detail": None},
    ]


def test_fiche_and_rows_merge_before_matching() -> None:
    records = [fiche("Pôle J", lat=None, lon=None),
               Record("Région", "row", name="Pôle J", fiche="Pôle J", lat=48.39, lon=-4.49)]
    assert run(records, dataset(csv_row("Pôle J"))) == []


# --- wiki vs itself ----------------------------------------------------------------------


def test_fiche_and_row_that_disagree() -> None:
    records = [
        fiche("Pôle K", website="http://k.example.org"),
        Record("Région", "row", name="Pôle K", type="projet", commune="BREST",
               website="https://www.k.example.org/", lat=48.40, lon=-4.49, fiche="Pôle K"),
    ]
    assert run(records) == [
        {"kind": "inconsistent", "name": "Pôle K", "title": "Pôle K", "field": field,
         "wiki": wiki, "dataset": other, "detail": detail}
        for field, wiki, other, detail in [
            ("coordinates", "48.39, -4.49", "48.4, -4.49", "row on Région, 1112 m"),
            ("type", "association", "projet", "row on Région"),
        ]
    ]


def test_row_without_fiche_param_is_compared_with_the_fiche_of_its_name() -> None:
    records = [fiche("Pôle L"), Record("Région", "row", name="pole l", commune="Brest",
                                       type="informel")]
    (diff,) = run(records)
    assert (diff["kind"], diff["field"], diff["wiki"], diff["dataset"]) == (
        "inconsistent", "type", "association", "informel")


def test_rows_with_fewer_values_agree() -> None:
    records = [fiche("Pôle M", website="http://m.example.org"),
               Record("Région", "row", name="Pôle M", fiche="Pôle M")]
    assert run(records) == []


def test_two_fiches_for_one_hub() -> None:
    records = [fiche("Pôle N"), fiche("Pôle N (Brest)", name="Pôle N"),
               fiche("Pôle N à Lyon", name="Pôle N", commune="Lyon", lat=45.76, lon=4.83)]
    assert run(records) == [
        {"kind": "inconsistent", "name": "Pôle N", "title": "Pôle N (Brest)", "field": "fiche",
         "wiki": "Pôle N (Brest)", "dataset": "Pôle N", "detail": "two fiches for one hub"}]


def test_rows_whose_fiche_leads_nowhere() -> None:
    records = [Record("Région", "row", name="Pôle O", fiche="Pôle O", commune="Brest"),
               Record("Région", "row", name="Pôle P", fiche="Page sans infobox")]
    pages = {"Région": (), "Page sans infobox": ()}
    assert only("inconsistent", run(records, pages=pages)) == [
        {"kind": "inconsistent", "name": "Pôle O", "title": "Région", "field": "fiche",
         "wiki": "Pôle O", "dataset": None, "detail": "no such page"},
        {"kind": "inconsistent", "name": "Pôle P", "title": "Région", "field": "fiche",
         "wiki": "Page sans infobox", "dataset": None,
         "detail": "the page has no Fiche initiative infobox"},
    ]


# --- problems ----------------------------------------------------------------------------


def test_every_problem_grouped_by_code() -> None:
    nobots = Problem("nobots", "{{nobots}}", unsafe=True)
    records = [
        fiche("Pôle Q", type=None, problems=[Problem("unknown-type", "frob"), nobots]),
        Record("Région", "row", name="Pôle R", fiche="Pôle Q",
               problems=[Problem("no-coordinates")]),
    ]
    pages = {"Pôle Q": [nobots], "Cassée": [Problem("broken-template", "{{Fiche", True)],
             "Région": []}
    data = dataset("Pôle Q,pas un type\n,Brest\n", header="nom,type\n")
    diffs = only("problem", run(records, data, pages=pages))
    assert [(d["field"], d["name"], d["title"], d["dataset"], d["detail"]) for d in diffs] == [
        ("broken-template", None, "Cassée", None, "{{Fiche"),
        ("no-coordinates", "Pôle R", "Région", None, None),
        ("no-name", None, None, "line 3", "the row has no hub name"),
        ("nobots", "Pôle Q", "Pôle Q", None, "{{nobots}}"),
        ("unknown-type", "Pôle Q", None, "line 2", "unknown type 'pas un type'"),
        ("unknown-type", "Pôle Q", "Pôle Q", None, "frob"),
    ]


# --- wiki vs map -------------------------------------------------------------------------


def pin(name: str, lon: float = -4.49, lat: float = 48.39, **props: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"name": name, **props}}


def collection(*features: dict[str, Any], **options: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"type": "FeatureCollection", "features": list(features)}
    if options:
        doc["_umap_options"] = options
    return doc


WIKI = Config(wiki=WikiConfig(api="http://wiki.test/w/api.php"))
GREEN = "#2e9e44"


def test_map_in_step_with_the_wiki() -> None:
    records = [fiche("Pôle S"), Record("Région", "row", name="Pôle T", commune="Lyon",
                                       type="informel", lat=45.76, lon=4.83)]
    doc = collection(
        pin("Pôle S", **{"marker-color": GREEN, "url": "http://wiki.test/w/index.php?title="
                         "P%C3%B4le_S"}),
        pin("Pôle T", 4.83, 45.76, commune="Lyon", **{"marker-color": "#FFF"},
            _umap_options={"outlink": "https://wiki.test/wiki/R%C3%A9gion"}),
    )
    assert run(records, None, doc, config=WIKI) == []


def test_map_missing_extra_and_wrong_pins() -> None:
    records = [fiche("Pôle U"), fiche("Pôle V", commune="Vannes", lat=47.65, lon=-2.76),
               fiche("Pôle W", lat=None, lon=None), fiche("Pôle X", commune="Caen", lat=49.18,
                                                          lon=-0.37, type="projet")]
    doc = collection(
        pin("Pôle U", -4.49, 48.40, **{"marker-color": "vert", "url": "http://x.example.org"}),
        pin("Pôle X", -0.37, 49.18, url="http://wiki.test/w/index.php?title=P%C3%B4le_X",
            _umap_options={"color": "#2b6cb0"}),
        pin("Pôle Z", url="http://z.example.org"),
        {"type": "Feature", "geometry": None, "properties": {"name": "Sans point"}},
    )
    diffs = run(records, None, doc, config=WIKI)
    assert diffs == [
        {"kind": "map-missing", "name": "Pôle V", "title": "Pôle V", "field": None,
         "wiki": None, "dataset": None, "detail": None},
        {"kind": "map-extra", "name": "Pôle Z", "title": None, "field": None, "wiki": None,
         "dataset": "map feature 3", "detail": None},
        {"kind": "map-mismatch", "name": "Pôle U", "title": "Pôle U", "field": "coordinates",
         "wiki": "48.39, -4.49", "dataset": "48.4, -4.49", "detail": "1112 m"},
        {"kind": "map-mismatch", "name": "Pôle U", "title": "Pôle U", "field": "link",
         "wiki": "http://wiki.test/w/index.php?title=P%C3%B4le_U", "dataset":
         "http://x.example.org", "detail": "should lead to the fiche"},
        {"kind": "map-mismatch", "name": "Pôle X", "title": "Pôle X", "field": "colour",
         "wiki": "#ecc94b", "dataset": "#2b6cb0", "detail": "type projet"},
        {"kind": "problem", "name": "Sans point", "title": None, "field": "bad-pin",
         "wiki": None, "dataset": "map feature 4", "detail": "not a valid Point"},
    ]


def test_umap_layer_colour_and_link_order() -> None:
    config = Config(map=MapConfig(link_order=("website", "fiche")))
    records = [fiche("Pôle Y", type="hebergement", website="http://y.example.org")]
    layer = collection(pin("Pôle Y", url="https://www.y.example.org/"), color="#2B6CB0")
    assert run(records, None, {"type": "umap", "layers": [layer]}, config=config) == []
    wrong = collection(pin("Pôle Y", url="https://wiki.test/wiki/P%C3%B4le_Y"), color="#2B6CB0")
    (diff,) = run(records, None, wrong, config=config)
    assert (diff["field"], diff["wiki"], diff["detail"]) == (
        "link", "http://y.example.org", "should lead to the website")


def test_pin_link_to_region_page_without_wiki_url() -> None:
    records = [Record("Région", "row", name="Pôle AA", commune="Albi", type="projet",
                      lat=43.93, lon=2.15)]
    ok = collection(pin("Pôle AA", 2.15, 43.93, commune="Albi", url="/wiki/R%C3%A9gion",
                        **{"marker-color": "jaune"}))
    assert run(records, None, ok) == []
    bad = collection(pin("Pôle AA", 2.15, 43.93, **{"marker-color": "#ecc94b"}))
    (diff,) = run(records, None, bad)
    assert (diff["field"], diff["wiki"], diff["dataset"]) == ("link", "Région", None)


# --- the result --------------------------------------------------------------------------


def test_sorted_deterministically_whatever_the_input_order() -> None:
    records = [fiche("Pôle B"), fiche("pôle a", type="x", problems=[Problem("unknown-type")]),
               Record("R", "row", name="Pôle C", fiche="Nulle part"),
               fiche("Zèbre", problems=[Problem("bad-url", "x")])]
    data = dataset(csv_row("Pôle B", commune="Morlaix"), csv_row("Pôle D"))
    expected = run(records, data)
    for seed in range(5):
        shuffled = records[:]
        random.Random(seed).shuffle(shuffled)
        assert run(shuffled, data) == expected
    kinds = [d["kind"] for d in expected]
    assert kinds == sorted(kinds, key=KINDS.index)
    assert [d["field"] for d in only("problem", expected)] == ["bad-url", "unknown-type"]


def test_difference_kind_is_checked_and_duplicates_dropped() -> None:
    with pytest.raises(ValueError):
        Difference("frobbed")
    same = Difference("problem", "A", "A", "bad-url")
    assert sort_differences([same, same]) == [same]
    assert list(same.to_dict()) == ["kind", "name", "title", "field", "wiki", "dataset",
                                    "detail"]
