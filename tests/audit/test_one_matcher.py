"""One matcher for sync, the audit and ``create``: they agree on which hub a row describes."""

from __future__ import annotations

from wikisync.audit.compare import compare_dataset
from wikisync.audit.map import compare_map
from wikisync.config import Config
from wikisync.dataset import Dataset, match, read_csv
from wikisync.generate.fiches import missing_hubs
from wikisync.hubs import build_hubs
from wikisync.model import Record
from wikisync.parse import read_page
from wikisync.schema import Schema
from wikisync.sync.planner import build_context, plan
from wikisync.sync.rules import RuleSet

SCHEMA = Schema()
HEADER = "nom,commune,site web,fiche\n"


def records() -> list[Record]:
    """A fiche without a commune, and a row of the same hub (no ``fiche=``) on a region page."""
    fiche = read_page("{{Fiche initiative\n| nom = Pôle K\n| site web =\n}}\n", "Pôle K")
    region = read_page("{{Pôle ESS par région|région=Bretagne}}\n"
                        "{{Pôle ESS|nom=Pôle K|commune=Lorient}}\n", "Pôles ESS en Bretagne")
    return fiche.records + region.records


def dataset() -> Dataset:
    """One row naming the hub, in another commune than the wiki's."""
    return read_csv(HEADER + "Pôle K,Vannes,http://k.example.org,\n")


def sync_changes(found: list[Record], data: Dataset) -> list[tuple[str, int, str, str | None]]:
    """(page, instance, parameter, value) of what sync's dataset rule would write."""
    rules = RuleSet(map_links=False, dataset=True)
    ctx = build_context(found, SCHEMA, rules, data.hubs)
    return [(c.title, c.instance, c.param, c.new)
            for page in plan(found, ctx).pages for c in page.changes]


def test_the_old_per_record_matcher_found_no_hub_here() -> None:
    # what sync used to match: the fiche and the row each on its own, so the name is not
    # unique on the wiki side and the commune differs: no pair, sync wrote nothing
    wiki = [r for r in records() if r.source != "region"]
    assert match(dataset().hubs, wiki).pairs == ()
    # the hub (fiche and row merged) carries the name once: the row describes it
    [pair] = match(dataset().hubs, build_hubs(records())).pairs
    assert (pair.wiki.fiche, pair.by) == ("Pôle K", "name")


def test_sync_audit_and_create_agree_on_the_hub() -> None:
    found, data = records(), dataset()
    diffs = compare_dataset(build_hubs(found), data, SCHEMA.types)
    assert sorted((d.kind, d.title, d.field, d.dataset) for d in diffs) == [
        ("mismatch", "Pôle K", "commune", "Vannes"),
        ("mismatch", "Pôle K", "website", "http://k.example.org")]
    assert missing_hubs(data, found, SCHEMA) == []  # create: the wiki describes it
    # sync: the hub's fiche (not the region page's row) gets the dataset's website
    assert sync_changes(found, data) == [("Pôle K", 0, "site web", "http://k.example.org")]


def test_a_row_only_hub_listed_twice_is_one_hub_for_everyone() -> None:
    found = [r for title in ("Pôles ESS en Bretagne", "Pôles ESS en Normandie")
             for r in read_page("{{Pôle ESS|nom=Pôle L}}\n", title).records]
    data = read_csv(HEADER + "Pôle L,Caen,http://l.example.org,\n")
    assert match(data.hubs, [r for r in found]).pairs == ()  # two namesakes, before
    assert [d.kind for d in compare_dataset(build_hubs(found), data, SCHEMA.types)] == [
        "mismatch", "mismatch"]  # commune and website missing on the wiki
    assert missing_hubs(data, found, SCHEMA) == []
    # each listing of the hub gets the value, so the two region pages agree
    assert sync_changes(found, data) == [
        ("Pôles ESS en Bretagne", 0, "site web", "http://l.example.org"),
        ("Pôles ESS en Normandie", 0, "site web", "http://l.example.org")]


def test_a_row_naming_its_fiche_is_not_written() -> None:
    found = records() + read_page("{{Pôle ESS|nom=K Lorient|fiche=Pôle K}}\n",
                                   "Pôles ESS du Morbihan").records
    assert sync_changes(found, dataset()) == [("Pôle K", 0, "site web", "http://k.example.org")]


# --- a page with two infoboxes -----------------------------------------------------------

TWO = ("{{Fiche initiative|nom=Pôle A|latitude=48|longitude=-4}}\n"
       "{{Fiche initiative|nom=Pôle B|latitude=47|longitude=-3}}\n")


def test_rows_naming_a_two_infobox_page_pair_with_the_infobox_of_their_name() -> None:
    hubs = build_hubs(read_page(TWO, "Deux").records)
    data = read_csv(HEADER + "pôle b,,,Deux\nPôle A,,,Deux\nAutre,,,Deux\n")
    result = match(data.hubs, hubs)
    assert [(p.hub.name, p.wiki.name, p.wiki.instance, p.by) for p in result.pairs] == [
        ("pôle b", "Pôle B", 1, "title"), ("Pôle A", "Pôle A", 0, "title")]
    assert [h.name for h in result.dataset_only] == ["Autre"]  # no infobox of that name


def test_a_title_on_a_two_infobox_page_falls_back_to_the_unique_name() -> None:
    hubs = build_hubs(read_page(TWO, "Deux").records + read_page(
        "{{Fiche initiative|nom=Pôle C}}", "Pôle C").records)
    data = read_csv(HEADER + "Pôle C,,,Deux\n")  # names the wrong page
    [pair] = match(data.hubs, hubs).pairs
    assert (pair.wiki.fiche, pair.by) == ("Pôle C", "name")


def test_sync_maps_each_row_to_its_own_infobox() -> None:
    found = read_page(TWO, "Deux").records
    data = read_csv(HEADER + "Pôle B,,http://b.example.org,Deux\n"
                             "Pôle A,,http://a.example.org,Deux\n")
    ctx = build_context(found, SCHEMA, RuleSet(dataset=True), data.hubs)
    assert {key: hub.website for key, hub in ctx.matches.items()} == {
        ("Deux", "fiche", 0): "http://a.example.org",
        ("Deux", "fiche", 1): "http://b.example.org"}


def test_map_pins_of_a_two_infobox_page_compare_with_their_own_infobox() -> None:
    hubs = build_hubs(read_page(TWO, "Deux").records)
    pins = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
         "properties": {"name": name, "fiche": "Deux"}}
        for name, lat, lon in (("Pôle B", 47, -3), ("Pôle A", 48, -4))]}
    diffs = compare_map(hubs, pins, Config(), 100.0)
    assert [d for d in diffs if d.kind in ("map-missing", "map-extra")
            or d.field == "coordinates"] == []
