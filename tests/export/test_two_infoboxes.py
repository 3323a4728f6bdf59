"""Every hub is on the map: each infobox of a two-infobox page is its own hub everywhere."""

from __future__ import annotations

from wikisync.audit import audit
from wikisync.config import Config, WikiConfig
from wikisync.export.geo import MapSettings, map_data, to_geojson
from wikisync.generate.lists import ListRenderer
from wikisync.generate.templates import environment
from wikisync.hubs import Hub, build_hubs
from wikisync.model import Record
from wikisync.parse import read_page
from wikisync.schema import Schema

PAGE = "Pôles ESS du Pays de Brest"
TWO = (
    "{{Fiche initiative|nom=Pôle ESS de Brest|type=regroupement informel|commune=Brest"
    "|région=Bretagne|latitude=48.39|longitude=-4.49}}\n"
    "Le pôle a essaimé à Landerneau :\n"
    "{{Fiche initiative|nom=Pôle ESS de Landerneau|type=pôle en projet|commune=Landerneau"
    "|région=Bretagne|latitude=48.45|longitude=-4.25}}\n"
)
BASE = "http://127.0.0.1:8080/index.php?title="


def two_records() -> list[Record]:
    """The records of the two-infobox page."""
    return read_page(TWO, PAGE).records


def row(name: str, fiche: str | None = PAGE, commune: str | None = None) -> Record:
    """A Pôle ESS row on a region page."""
    return Record("Pôles ESS en Bretagne", "row", name=name, fiche=fiche, commune=commune)


def by_name(hubs: list[Hub]) -> dict[str, Hub]:
    return {hub.name: hub for hub in hubs}


def test_each_infobox_is_a_hub_with_its_own_point() -> None:
    hubs = build_hubs(two_records())
    assert [(h.name, h.fiche, h.instance, h.lat, h.lon) for h in hubs] == [
        ("Pôle ESS de Brest", PAGE, 0, 48.39, -4.49),
        ("Pôle ESS de Landerneau", PAGE, 1, 48.45, -4.25),
    ]
    assert len({hub.key for hub in hubs}) == 2


def test_the_page_stays_unsafe() -> None:
    page = read_page(TWO, PAGE)
    assert page.unsafe and "two-infoboxes" in page.problem_codes
    assert all("two-infoboxes" in r.problem_codes for r in page.records)


def test_a_row_naming_the_page_joins_the_infobox_of_its_name() -> None:
    hubs = by_name(build_hubs([*two_records(), row("pôle ESS de landerneau")]))
    assert len(hubs) == 2
    assert hubs["Pôle ESS de Landerneau"].region_pages == ("Pôles ESS en Bretagne",)
    assert hubs["Pôle ESS de Brest"].region_pages == ()


def test_a_row_naming_the_page_under_another_name_joins_the_first_infobox() -> None:
    hubs = by_name(build_hubs([*two_records(), row("Pôle du Ponant")]))
    assert len(hubs) == 2
    assert hubs["Pôle ESS de Brest"].region_pages == ("Pôles ESS en Bretagne",)
    assert hubs["Pôle ESS de Landerneau"].region_pages == ()


def test_a_row_without_fiche_joins_the_second_infobox_by_name_and_commune() -> None:
    hubs = by_name(build_hubs([*two_records(),
                               row("Pôle ESS de Landerneau", None, "Landerneau")]))
    assert len(hubs) == 2
    assert hubs["Pôle ESS de Landerneau"].region_pages == ("Pôles ESS en Bretagne",)


def test_the_order_of_the_records_does_not_matter() -> None:
    records = [*two_records(), row("Pôle ESS de Landerneau")]
    assert build_hubs(records) == build_hubs(list(reversed(records)))


def test_two_pins_in_the_geojson() -> None:
    settings = MapSettings(article_base=BASE)
    doc = to_geojson(map_data(build_hubs(two_records()), settings))
    features = {f["properties"]["name"]: f for f in doc["features"]}
    assert set(features) == {"Pôle ESS de Brest", "Pôle ESS de Landerneau"}
    assert features["Pôle ESS de Landerneau"]["geometry"]["coordinates"] == [-4.25, 48.45]
    assert features["Pôle ESS de Brest"]["geometry"]["coordinates"] == [-4.49, 48.39]
    assert {f["properties"]["title"] for f in doc["features"]} == {PAGE}


def test_both_in_a_generated_list() -> None:
    renderer = ListRenderer(environment(), Schema(), build_hubs(two_records()))
    body, error = renderer.body({"région": "Bretagne"})
    rows = [line for line in body.splitlines() if line.startswith("{{Pôle ESS|")]
    assert error is None and len(rows) == 2
    assert {line.split("|")[1] for line in rows} == {"nom=Pôle ESS de Brest",
                                                     "nom=Pôle ESS de Landerneau"}
    assert all(f"fiche={PAGE}" in line for line in rows)


def test_the_audit_sees_both_and_the_problem() -> None:
    records = two_records()
    config = Config(wiki=WikiConfig(api="http://127.0.0.1:8080/api.php"))
    doc = to_geojson(map_data(build_hubs(records), MapSettings.from_config(config)))
    diffs = audit(records, None, doc, config)
    assert [d.kind for d in diffs if d.kind.startswith("map")] == []
    problems = [(d.name, d.field) for d in diffs if d.kind == "problem"]
    assert ("Pôle ESS de Brest", "two-infoboxes") in problems
    assert ("Pôle ESS de Landerneau", "two-infoboxes") in problems
    one_pin = {**doc, "features": doc["features"][:1]}
    missing = [d.name for d in audit(records, None, one_pin, config) if d.kind == "map-missing"]
    assert missing == ["Pôle ESS de Landerneau"]


def test_the_audit_compares_a_row_with_the_infobox_it_describes() -> None:
    records = [*two_records(), row("Pôle ESS de Landerneau", commune="Landerneau")]
    diffs = audit(records, None, None, Config())
    assert [d.to_dict() for d in diffs if d.kind == "inconsistent"] == []
    records = [*two_records(), row("Pôle ESS de Landerneau", commune="Brest")]
    [diff] = [d for d in audit(records, None, None, Config()) if d.kind == "inconsistent"]
    assert (diff.name, diff.field) == ("Pôle ESS de Landerneau", "commune")
