"""The pure planner and rules: map link URLs, dataset fill/overwrite, summaries, refusals."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from wikisync.dataset import DatasetHub, load_dataset
from wikisync.i18n import messages
from wikisync.model import Change, Record
from wikisync.parse import read_page
from wikisync.schema import Schema
from wikisync.sync.planner import build_context, edit_summary, geocode_queries, plan
from wikisync.sync.rules import RuleSet, map_link, same_link

SAMPLES = Path(__file__).parents[2] / "examples" / "samples"
OSM = "https://www.openstreetmap.org/?mlat=48.3904&mlon=-4.4861#map=16/48.3904/-4.4861"
SCHEMA = Schema()


def fiche(text: str, title: str = "Pôle A") -> list[Record]:
    """The records of a one-fiche page."""
    return read_page("{{Fiche initiative\n" + text + "\n}}\n", title).records


def changes(records: list[Record], rules: RuleSet | None = None,
            dataset: tuple[DatasetHub, ...] = ()) -> list[Change]:
    """Every change the planner asks for these records."""
    rules = rules or RuleSet()
    ctx = build_context(records, SCHEMA, rules, dataset)
    return [c for page in plan(records, ctx).pages for c in page.changes]


def test_map_link_default_pattern_and_encoding() -> None:
    assert map_link(RuleSet().link_pattern, (48.3904, -4.4861)) == OSM
    pattern = "https://carte.example.org/{type}/{title}?n={name}&p={lat},{lon}"
    url = map_link(pattern, (48.0, -4.5), "Pôle ESS/Brest", "L'ESS & co", "association")
    assert url == ("https://carte.example.org/association/P%C3%B4le%20ESS%2FBrest"
                   "?n=L%27ESS%20%26%20co&p=48,-4.5")


def test_correct_link_is_left_alone_even_differently_encoded() -> None:
    assert changes(fiche(f"| nom = A\n| latitude = 48.3904\n| longitude = -4.4861\n"
                         f"| carte = {OSM}")) == []
    assert same_link(OSM.replace("=", "%3D", 0), OSM)


def test_stale_link_is_replaced_and_missing_one_added() -> None:
    [stale] = changes(fiche("| latitude = 48.3904\n| longitude = -4.4861\n"
                            "| carte = https://old.example.org/pin/12"))
    assert (stale.param, stale.old, stale.new, stale.rule) == (
        "carte", "https://old.example.org/pin/12", OSM, "map_links")
    [added] = changes(fiche("| latitude = 48.3904\n| longitude = -4.4861"))
    assert added.old is None and added.new == OSM


def test_no_coordinates_no_link_and_bad_ones_neither() -> None:
    assert changes(fiche("| nom = A\n| commune = Brest")) == []
    assert changes(fiche("| latitude = 148.1\n| longitude = -4.4")) == []


def test_map_links_rule_off() -> None:
    assert changes(fiche("| latitude = 48\n| longitude = -4"), RuleSet(map_links=False)) == []


def hub(**values: object) -> DatasetHub:
    """A dataset hub named like the test fiche."""
    return DatasetHub(where="line 2", name="Pôle A", commune="Brest", **values)  # type: ignore


def test_dataset_fill_writes_only_empty_fields() -> None:
    records = fiche("| nom = Pôle A\n| commune = Brest\n| latitude =\n| longitude =\n"
                    "| site web = http://a.example.org")
    found = changes(records, RuleSet(map_links=False, dataset=True),
                    (hub(lat=48.1, lon=-4.2, website="http://b.example.org"),))
    assert [(c.param, c.new, c.rule) for c in found] == [
        ("latitude", "48.1", "dataset:coordinates"), ("longitude", "-4.2", "dataset:coordinates")]


def test_dataset_overwrite_replaces_different_values_only() -> None:
    records = fiche("| nom = Pôle A\n| commune = Brest\n| latitude = 48.1\n| longitude = -4.2\n"
                    "| site web = http://a.example.org\n| type = asso de développement")
    owns = {"coordinates": "overwrite", "website": "overwrite", "type": "overwrite"}
    rules = RuleSet(map_links=False, dataset=True, owns=owns)
    near = hub(lat=48.1003, lon=-4.2, website="https://www.a.example.org/", type="association")
    assert changes(records, rules, (near,)) == []
    far = hub(lat=48.2, lon=-4.2, website="http://b.example.org", type="projet")
    assert {(c.param, c.new) for c in changes(records, rules, (far,))} == {
        ("latitude", "48.2"), ("longitude", "-4.2"), ("site web", "http://b.example.org"),
        ("type", "pôle en projet")}


def test_dataset_coordinates_go_into_coordonnees_when_the_template_uses_it() -> None:
    records = fiche("| nom = Pôle A\n| commune = Brest\n| coordonnées = <!-- à compléter -->")
    found = changes(records, RuleSet(dataset=True), (hub(lat=48.1, lon=-4.25),))
    assert [(c.param, c.new) for c in found] == [
        ("coordonnées", "48.1, -4.25"),
        ("carte", "https://www.openstreetmap.org/?mlat=48.1&mlon=-4.25#map=16/48.1/-4.25")]


def test_unreadable_value_is_not_filled() -> None:
    records = fiche("| nom = Pôle A\n| commune = Brest\n| site web = pas de site")
    assert changes(records, RuleSet(dataset=True), (hub(website="http://a.example.org"),)) == []


def test_duplicated_target_param_is_not_written() -> None:
    records = fiche("| nom = Pôle A\n| commune = Brest\n| latitude = 48\n| longitude = -4\n"
                    "| carte = x\n| carte = y")
    ctx = build_context(records, SCHEMA, RuleSet())
    result = plan(records, ctx)
    assert result.pages == [] and [n.kind for n in result.notes] == ["duplicate-param"]


def test_unsafe_and_nobots_pages_are_refused_by_the_plan() -> None:
    nobots = read_page("{{nobots}}{{Fiche initiative|latitude=48|longitude=-4}}", "N").records
    two = read_page("{{Fiche initiative|latitude=48|longitude=-4}}" * 2, "T").records
    ctx = build_context(nobots + two, SCHEMA, RuleSet())
    result = plan(nobots + two, ctx)
    assert result.pages == []
    assert [(n.title, n.kind) for n in result.refused] == [("N", "nobots"), ("T", "unsafe")]


def test_row_uses_its_fiche_point_and_title() -> None:
    records = fiche("| latitude = 48.5\n| longitude = -4", "Pôle B") + read_page(
        "{{Pôle ESS|nom=Pôle B|fiche=Pôle B}}", "Région").records
    rules = RuleSet(link_pattern="https://m.example.org/{title}#{lat}/{lon}")
    found = {c.title: c.new for c in changes(records, rules)}
    assert found == {"Pôle B": "https://m.example.org/P%C3%B4le%20B#48.5/-4",
                     "Région": "https://m.example.org/P%C3%B4le%20B#48.5/-4"}


def test_row_naming_a_two_infobox_page_uses_the_infobox_of_its_name() -> None:
    two = read_page("{{Fiche initiative|nom=Pôle A|latitude=48|longitude=-4}}"
                     "{{Fiche initiative|nom=Pôle B|latitude=47|longitude=-3}}", "Deux").records
    rows = read_page("{{Pôle ESS|nom=pôle b|fiche=Deux}}{{Pôle ESS|nom=Autre|fiche=Deux}}",
                      "Région").records
    rules = RuleSet(link_pattern="https://m.example.org/{lat}/{lon}")
    found = {c.instance: c.new for c in changes(two + rows, rules) if c.title == "Région"}
    # as hubs links them: the infobox named like the row, else the page's first
    assert found == {0: "https://m.example.org/47/-3", 1: "https://m.example.org/48/-4"}


def test_summary_counts_hubs_per_rule() -> None:
    summary = edit_summary([
        Change("P", "Pôle ESS", 0, "carte", None, "u", "map_links"),
        Change("P", "Pôle ESS", 1, "carte", None, "u", "map_links"),
        Change("P", "Pôle ESS", 1, "latitude", None, "1", "dataset:coordinates"),
        Change("P", "Pôle ESS", 1, "longitude", None, "1", "dataset:coordinates"),
        Change("P", "Pôle ESS", 1, "site web", None, "u", "dataset:website")], messages("fr"))
    assert summary == ("lien carte (2), coordonnées depuis le jeu de données (1), "
                       "site web depuis le jeu de données (1)")  # the writer adds the prefix


def test_geocode_queries_only_for_hubs_without_coordinates() -> None:
    records = fiche("| nom = A\n| adresse = 4 rue X\n| code postal = 29200\n| commune = Brest",
                    "A") + fiche("| nom = B\n| commune = Brest\n| latitude = 48\n"
                                 "| longitude = -4", "B") + fiche("| nom = C", "C")
    ctx = build_context(records, SCHEMA, RuleSet(geocode=True))
    assert geocode_queries(records, ctx) == {("A", "fiche", 0): "4 rue X, 29200 Brest"}


def test_geocoded_point_written_only_when_accepted() -> None:
    from dataclasses import replace
    records = fiche("| nom = A\n| commune = Brest", "A")
    key = ("A", "fiche", 0)
    for write, expected in ((False, []), (True, ["latitude", "longitude", "carte"])):
        ctx = build_context(records, SCHEMA, RuleSet(geocode=True, geocode_write=write))
        result = plan(records, replace(ctx, geocoded={key: (48.39, -4.48)}))
        assert [c.param for p in result.pages for c in p.changes] == expected
        assert [n.kind for n in result.notes] == ([] if write else ["geocoded"])


def test_samples_plan_fills_what_expected_md_lists() -> None:
    names = json.loads((SAMPLES / "pages.json").read_text(encoding="utf-8"))
    redirects = json.loads((SAMPLES / "expected.json").read_text())["template_redirects"]
    aliases = {target: [redirect] for redirect, target in redirects.items()}  # target -> names
    records = [r for file, title in names.items() for r in read_page(
        (SAMPLES / "pages" / file).read_text(encoding="utf-8"), title, aliases=aliases).records]
    dataset = load_dataset(SAMPLES / "dataset.csv")
    ctx = build_context(records, SCHEMA, RuleSet(dataset=True), dataset.hubs)
    result = plan(records, ctx)
    hubs = Counter(c.rule for p in result.pages for c in p.changes
                   if c.param in ("latitude", "coordonnées", "site web"))
    assert hubs == {"dataset:coordinates": 7, "dataset:website": 1}
    fills = json.loads((SAMPLES / "expected.json").read_text())["dataset"]["fills"]
    written = {(p.title, c.rule) for p in result.pages for c in p.changes
               if c.param in ("latitude", "coordonnées", "site web")}
    assert written == {(f.get("title") or f["page"], f"dataset:{f['field']}") for f in fills}
    # the fiche calling the redirect {{Fiche Initiative}} is read, and matches the dataset
    assert ("fiche", "Pôle ESS du Poitou") in {(r.source, r.title) for r in records}
    poitou = [c for p in result.pages if p.title == "Pôle ESS du Poitou" for c in p.changes]
    assert [(c.param, c.rule) for c in poitou] == [("carte", "map_links")]
    refused = {(n.title, n.kind) for n in result.refused + result.notes}
    assert ("Pôle de coopération Clermont Auvergne", "nobots") in refused
    assert ("Pôle ESS de Nice", "unsafe") in refused


def test_row_of_a_fiche_filled_by_the_dataset_gets_its_link_in_the_same_run() -> None:
    records = fiche("| nom = Pôle B\n| commune = Brest\n| latitude =\n| longitude =",
                    "Pôle B") + read_page("{{Pôle ESS|nom=Pôle B|fiche=Pôle B}}",
                                           "Région").records
    dataset = (DatasetHub(where="line 2", name="Pôle B", commune="Brest", lat=48.5, lon=-4.0,
                          fiche="Pôle B"),)
    found = changes(records, RuleSet(dataset=True), dataset)
    row = [c for c in found if c.title == "Région"]
    assert [(c.param, c.new) for c in row] == [
        ("carte", "https://www.openstreetmap.org/?mlat=48.5&mlon=-4#map=16/48.5/-4")]
