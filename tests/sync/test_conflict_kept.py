"""After an edit conflict, a value a person wrote into a parameter the bot was about to write
stays; the page's other changes go ahead; the skip is journalled, counted and audited.

In-memory wiki (``FakeWiki``) with the real planner, applier, writer, store and audit: the
person's edit lands exactly between the bot's read and its save.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fakewiki import FakeWiki

from wikisync.audit import audit_store
from wikisync.audit.render import render_text, render_wikitext
from wikisync.config import Config, SafetyConfig
from wikisync.dataset import DatasetHub
from wikisync.parse import read_page
from wikisync.parse.edit import TemplateEditor
from wikisync.schema import Schema
from wikisync.store import Store, StoredPage
from wikisync.sync.applier import apply_plan
from wikisync.sync.planner import Context, build_context, changed_by_person, plan, plan_records
from wikisync.sync.rules import RuleSet
from wikisync.write import CHANGED_BY_PERSON, DEPENDS_ON_KEPT, PageWriter

SCHEMA = Schema()
TITLE = "Pôle A"
OSM = "https://www.openstreetmap.org/?mlat=48.1&mlon=-4.2#map=16/48.1/-4.2"
PERSON = "https://umap.example.org/pole-a"
BASE = ("{{Fiche initiative\n| nom = Pôle A\n| commune = Brest\n| latitude = 48.1\n"
        "| longitude = -4.2\n| site web = \n}}\nTexte.\n")
SITE = "http://a.example.org"


def hub(**values: object) -> DatasetHub:
    """The dataset's row for the test fiche."""
    return DatasetHub(where="line 2", name="Pôle A", commune="Brest", fiche=TITLE,
                      **values)  # type: ignore[arg-type]


def context(text: str, rules: RuleSet, *hubs: DatasetHub) -> Context:
    """The planning context of one stored page."""
    return build_context(read_page(text, TITLE).records, SCHEMA, rules, hubs)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A fresh state store."""
    return Store(tmp_path / "state.sqlite")


def run(wiki: FakeWiki, store: Store, ctx: Context, person: str | None) -> PageWriter:
    """Plan on the stored page, let ``person``'s text land before the first save, write."""
    records = read_page(wiki.text(TITLE) or "", TITLE).records
    page_plan = plan(records, ctx)
    if person is not None:
        wiki.before_edit = lambda title: (wiki.put(title, person),
                                          setattr(wiki, "before_edit", None))
    cfg = Config(safety=SafetyConfig(edit_interval=0))
    writer = PageWriter(wiki, store, cfg, store.start_run("sync"))  # type: ignore[arg-type]
    apply_plan(page_plan, writer, ctx, TemplateEditor(SCHEMA))
    return writer


def test_person_sets_carte_their_value_stays_and_the_dataset_field_is_written(
        store: Store) -> None:
    wiki = FakeWiki()
    wiki.put(TITLE, BASE)
    person = BASE.replace("| site web = \n", f"| site web = \n| carte = {PERSON}\n")
    ctx = context(BASE, RuleSet(dataset=True), hub(website=SITE))

    writer = run(wiki, store, ctx, person)

    [outcome] = writer.outcomes
    assert outcome.status == "edited" and writer.stats.conflicts == 1
    assert wiki.text(TITLE) == person.replace("| site web = \n", f"| site web = {SITE}\n")
    [kept] = outcome.kept
    assert (kept.reason, kept.change.param, kept.change.old, kept.change.new) == (
        CHANGED_BY_PERSON, "carte", PERSON, OSM)
    assert outcome.rules == ("dataset:website",)
    assert outcome.summary.startswith("wikisync: site web depuis le jeu de données (1) [run")
    assert writer.stats.kept == 1
    [edit, skip] = store.journal(run_id=writer.run_id)
    assert (edit.kind, skip.kind, skip.reason, skip.rules) == (
        "edit", "skip", CHANGED_BY_PERSON, ("map_links",))
    assert skip.old_revid == edit.old_revid and skip.new_revid is None
    assert skip.detail == {"template": "Fiche initiative", "instance": 0, "param": "carte",
                           "value": PERSON, "wanted": OSM}


def test_the_audit_reports_the_kept_value_until_a_later_bot_edit(store: Store) -> None:
    wiki = FakeWiki()
    wiki.put(TITLE, BASE)
    person = BASE.replace("| site web = \n", f"| site web = \n| carte = {PERSON}\n")
    ctx = context(BASE, RuleSet(dataset=True), hub(website=SITE))
    store.put_page(StoredPage(TITLE, 1, 0, 101, "2024-01-01T00:00:00Z", BASE),
                   read_page(BASE, TITLE).records)
    run(wiki, store, ctx, person)

    diffs = [d for d in audit_store(store, None, None, Config()) if d.kind == "conflict-kept"]

    assert [(d.name, d.title, d.field, d.wiki, d.dataset) for d in diffs] == [
        ("Pôle A", TITLE, "carte", PERSON, OSM)]
    assert (diffs[0].detail or "").startswith("changed-by-person, run ")
    assert "valeur d'un contributeur gardée" in render_wikitext(diffs)
    text = render_text(diffs)
    assert "valeur d'un contributeur gardée" in text and "conflict-kept" not in text
    assert "modifié par un contributeur, passage " in render_wikitext(diffs)
    later = run(wiki, store, context(wiki.text(TITLE) or "", RuleSet()), None)
    assert [o.status for o in later.outcomes] == ["edited"]  # outside conflicts: bot's carte
    assert f"| carte = {OSM}" in (wiki.text(TITLE) or "")
    assert not [d for d in audit_store(store, None, None, Config()) if d.kind == "conflict-kept"]


def test_a_conflict_on_an_unrelated_parameter_still_writes_carte(store: Store) -> None:
    wiki = FakeWiki()
    wiki.put(TITLE, BASE)
    person = BASE.replace("| commune = Brest", "| commune = Brest-Métropole")

    writer = run(wiki, store, context(BASE, RuleSet()), person)

    [outcome] = writer.outcomes
    assert outcome.status == "edited" and outcome.kept == ()
    assert wiki.text(TITLE) == person.replace("| site web = \n}}",
                                              f"| site web = \n| carte = {OSM}\n}}}}")
    assert [e.kind for e in store.journal()] == ["edit"]


def test_only_change_kept_reports_it_and_edits_nothing(store: Store) -> None:
    wiki = FakeWiki()
    wiki.put(TITLE, BASE)
    person = BASE.replace("| site web = \n", f"| site web = \n| carte = {PERSON}\n")

    writer = run(wiki, store, context(BASE, RuleSet()), person)

    [outcome] = writer.outcomes
    assert (outcome.status, [k.change.param for k in outcome.kept]) == ("unchanged", ["carte"])
    assert wiki.text(TITLE) == person and wiki.edits == []
    assert [(e.kind, e.reason) for e in store.journal()] == [("skip", CHANGED_BY_PERSON)]


def test_person_moves_the_point_the_dataset_overwrites_link_kept_too(store: Store) -> None:
    wiki = FakeWiki()
    wiki.put(TITLE, BASE)
    person = BASE.replace("| latitude = 48.1", "| latitude = 48.15")
    rules = RuleSet(dataset=True, owns={"coordinates": "overwrite"})
    ctx = context(BASE, rules, hub(lat=47.0, lon=-3.0))

    writer = run(wiki, store, ctx, person)

    [outcome] = writer.outcomes
    kept = sorted((k.change.param, k.reason) for k in outcome.kept)
    assert kept == [("carte", DEPENDS_ON_KEPT), ("latitude", CHANGED_BY_PERSON)]
    assert wiki.text(TITLE) == person.replace("| longitude = -4.2", "| longitude = -3")


def test_changed_by_person_compares_the_planned_parameters_per_instance() -> None:
    base = read_page(BASE, TITLE).records
    ctx = context(BASE, RuleSet())
    planned = plan_records(base, ctx)
    same = read_page(BASE.replace("Texte.", "Autre texte."), TITLE).records
    other = read_page(BASE.replace("| site web = \n", "| site web = \n| lien carte = X\n"),
                       TITLE).records
    assert changed_by_person(base, same, planned, SCHEMA) == set()
    carte = read_page(BASE.replace("| site web = \n", "| site web = \n| carte = X\n"),
                       TITLE).records
    [(template, instance, slot)] = changed_by_person(base, carte, planned, SCHEMA)
    assert (template, instance, slot) == ("Fiche initiative", 0, frozenset({"carte"}))
    assert changed_by_person(base, [], planned, SCHEMA) != set()  # instance gone: changed
    assert changed_by_person(base, other, planned, SCHEMA) == set()  # not carte

