"""PageWriter against an in-memory wiki: refusals, conflicts, run control, journal."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from fakewiki import FakeWiki

from wikisync.config import Config, SafetyConfig
from wikisync.errors import Protected, ReadOnly
from wikisync.store import Store
from wikisync.write import PageWriter, Rewrite

FICHE = "{{Fiche initiative\n| nom = Pôle A\n| carte = \n}}\nTexte.\n"
SHUTOFF = "Utilisateur:WikisyncBot/Arrêt"


def add_carte(text: str) -> str | None:
    """A toy transform: fill ``carte`` once."""
    return None if "carte = X" in text else text.replace("| carte = ", "| carte = X")


def config(**safety: object) -> Config:
    """A config with no throttle and the given safety keys."""
    return Config(safety=replace(SafetyConfig(edit_interval=0), **safety))  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A fresh state store."""
    return Store(tmp_path / "state.sqlite")


def writer(wiki: FakeWiki, store: Store, cfg: Config | None = None, **kw: object) -> PageWriter:
    """A writer for a new run."""
    run = store.start_run("sync")
    return PageWriter(wiki, store, cfg or config(), run, **kw)  # type: ignore[arg-type]


def test_edit_is_journalled_with_run_id_in_summary(store: Store) -> None:
    wiki = FakeWiki()
    wiki.put("A", FICHE)
    w = writer(wiki, store)
    outcome = w.write("A", add_carte, ["map_links"], "wikisync: lien carte (1)")
    assert outcome.status == "edited" and outcome.new_revid == wiki.pages["A"][0]
    assert wiki.edits[0][2] == f"wikisync: lien carte (1) [run {w.run_id}]"
    [entry] = store.journal(run_id=w.run_id)
    assert (entry.title, entry.old_revid, entry.new_revid) == ("A", 101, 102)
    assert "+| carte = X" in entry.diff and entry.rules == ("map_links",)
    assert w.write("A", add_carte, ["map_links"], "s").status == "unchanged"


def test_unsafe_and_nobots_pages_are_skipped(store: Store) -> None:
    wiki = FakeWiki()
    wiki.put("Bots", "{{nobots}}\n" + FICHE)
    wiki.put("Broken", FICHE.replace("}}", ""))
    wiki.put("Two", FICHE + FICHE)
    wiki.put("Comment", FICHE + "<!-- open")
    w = writer(wiki, store)
    reasons = {t: w.write(t, add_carte, ["r"], "s").reason for t in wiki.pages}
    assert reasons == {"Bots": "nobots", "Broken": "unsafe", "Two": "unsafe",
                       "Comment": "unsafe"}
    assert wiki.edits == []


def test_conflict_replans_on_the_human_text(store: Store) -> None:
    wiki = FakeWiki()
    wiki.put("A", FICHE)
    human = FICHE.replace("Texte.", "Texte humain.")
    wiki.before_edit = lambda title: (wiki.put(title, human), setattr(wiki, "before_edit", None))
    w = writer(wiki, store)
    outcome = w.write("A", add_carte, ["r"], "s")
    assert outcome.status == "edited"
    assert wiki.text("A") == human.replace("| carte = ", "| carte = X")


def test_second_conflict_skips(store: Store) -> None:
    wiki = FakeWiki()
    wiki.put("A", FICHE)
    wiki.before_edit = lambda title: wiki.put(title, FICHE + "humain\n")
    outcome = writer(wiki, store).write("A", add_carte, ["r"], "s")
    assert (outcome.status, outcome.reason) == ("skipped", "conflict")
    assert wiki.text("A") == FICHE + "humain\n"


def test_missing_and_refused_pages_are_skipped(store: Store) -> None:
    wiki = FakeWiki()
    wiki.put("P", FICHE)
    wiki.fail_edit["P"] = Protected("protected", "protectedpage")
    w = writer(wiki, store)
    assert w.write("Gone", add_carte, ["r"], "s").reason == "missing"
    assert w.write("P", add_carte, ["r"], "s").reason == "protected"
    assert "Gone" not in wiki.pages


def test_readonly_stops_the_run(store: Store) -> None:
    wiki = FakeWiki()
    wiki.put("A", FICHE)
    wiki.put("B", FICHE)
    wiki.fail_edit["A"] = ReadOnly("readonly", "readonly")
    w = writer(wiki, store)
    with pytest.raises(ReadOnly):
        w.write("A", add_carte, ["r"], "s")
    assert w.write("B", add_carte, ["r"], "s").status == "stopped"
    assert wiki.edits == []


def test_shutoff_fails_closed_and_is_reread(store: Store) -> None:
    wiki = FakeWiki()
    for i in range(15):
        wiki.put(f"P{i}", FICHE)
    cfg = config(shutoff_page=SHUTOFF, run_word="oui")
    assert writer(wiki, store, cfg).write("P0", add_carte, ["r"], "s").reason == "shutoff"
    wiki.put(SHUTOFF, "oui\n")
    w = writer(wiki, store, cfg)
    outcomes = []
    for i in range(15):
        outcomes.append(w.write(f"P{i}", add_carte, ["r"], "s"))
        if i == 2:
            wiki.put(SHUTOFF, "non")
    statuses = [o.status for o in outcomes]
    assert statuses.count("edited") <= 10 and statuses[-1] == "stopped"
    assert wiki.read_log.count(SHUTOFF) == 1 + 2  # the first writer's read, then w's two


def test_max_edits_and_throttle(store: Store) -> None:
    wiki = FakeWiki()
    for i in range(4):
        wiki.put(f"P{i}", FICHE)
    waits: list[float] = []
    now = [0.0]
    w = writer(wiki, store, config(edit_interval=5.0), max_edits=3, sleep=waits.append,
               clock=lambda: now[0])
    statuses = [w.write(f"P{i}", add_carte, ["r"], "s").status for i in range(4)]
    assert statuses == ["edited", "edited", "edited", "stopped"]
    assert waits == [5.0, 5.0]


def test_dry_run_writes_nothing_and_shows_the_diff(store: Store) -> None:
    wiki = FakeWiki()
    wiki.put("A", FICHE)
    seen = []
    w = writer(wiki, store, dry_run=True, out=seen.append)
    outcome = w.write("A", lambda t: Rewrite(t + "x\n", ("other",), "autre"), ["r"], "s")
    assert outcome.status == "dry-run" and "+x" in outcome.diff
    assert outcome.rules == ("other",) and outcome.summary.startswith("wikisync: autre [run")
    assert wiki.edits == [] and store.journal() == [] and seen == [outcome]


def test_create_is_create_only(store: Store) -> None:
    wiki = FakeWiki()
    wiki.put("Taken", "x")
    w = writer(wiki, store)
    assert w.create("New", FICHE, ["new_fiche"], "création").status == "created"
    assert w.create("Taken", FICHE, ["new_fiche"], "création").reason == "exists"
    assert wiki.text("Taken") == "x"
    assert [(e.title, e.status) for e in store.journal()] == [("New", "saved")]
    assert [e.title for e in store.journal(status="not-saved")] == ["Taken"]  # tried, refused


def test_prefetch_reads_once(store: Store) -> None:
    wiki = FakeWiki()
    wiki.put("A", FICHE)
    wiki.put("B", FICHE)
    w = writer(wiki, store)
    w.prefetch(["A", "B"])
    for title in ("A", "B"):
        w.write(title, add_carte, ["r"], "s")
    assert (wiki.batches, wiki.reads) == (1, 0)


def test_crash_between_save_and_journal_makes_no_duplicate_on_rerun(store: Store) -> None:
    wiki = FakeWiki()
    wiki.put("A", FICHE)
    w = writer(wiki, store)

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # killed right after the save, before the journal settles

    w.store = type("Crashing", (), {"add_journal": store.add_journal,  # type: ignore
                                    "settle_journal": staticmethod(crash)})()
    with pytest.raises(KeyboardInterrupt):
        w.write("A", add_carte, ["r"], "s")
    assert len(wiki.edits) == 1
    [intent] = store.journal()  # journalled before the request: the next command settles it
    assert (intent.status, intent.new_revid, intent.old_revid) == ("pending", None, 101)
    again = writer(wiki, store).write("A", add_carte, ["r"], "s")
    assert again.status == "unchanged" and len(wiki.edits) == 1


def test_transform_refusing_the_page_skips_it(store: Store) -> None:
    from wikisync.errors import UnsafeEdit

    def refuse(text: str) -> str:
        raise UnsafeEdit("carte is given twice", ("duplicate-param",))

    wiki = FakeWiki()
    wiki.put("A", FICHE)
    outcome = writer(wiki, store).write("A", refuse, ["r"], "s")
    assert (outcome.status, outcome.reason) == ("skipped", "unsafe") and wiki.edits == []
