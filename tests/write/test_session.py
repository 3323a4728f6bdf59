"""``WriteSession`` logs one run around its writer; the writer is safe whoever calls it."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

from wikisync.api.model import PageRevision
from wikisync.config import Config, SafetyConfig
from wikisync.errors import ReadOnly, UsageError
from wikisync.store import Store
from wikisync.store.runs import RunKind, RunStatus
from wikisync.write import PageWriter, Reason, Status, Stop, WriteSession, read_shutoff

sys.path.insert(0, str(Path(__file__).parents[1] / "sync"))
from fakewiki import FakeWiki  # noqa: E402

FICHE = "{{Fiche initiative\n| nom = Pôle A\n| carte = \n}}\n"
SHUTOFF = "Utilisateur:WikisyncBot/Arrêt"


def config(**safety: object) -> Config:
    """No throttle; the given safety keys."""
    return Config(safety=replace(SafetyConfig(edit_interval=0), **safety))  # type: ignore[arg-type]


def add_carte(text: str) -> str:
    """Fill ``carte``."""
    return text.replace("| carte = ", "| carte = X")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A fresh state store."""
    return Store(tmp_path / "state.sqlite")


def test_a_session_logs_its_run_with_the_tally_as_counts(store: Store) -> None:
    wiki = FakeWiki()
    wiki.put("A", FICHE)
    with WriteSession(wiki, store, config(), RunKind.GENERATE) as session:
        outcome = session.writer.write("A", add_carte, ["generate"], "s")
        session.details["title"] = "A"
    [run] = store.runs()
    assert (run.id, run.kind, run.status) == (session.run_id, "generate", "ok")
    assert run.counts == {"dry_run": False, "edited": 1, "reasons": {}, "stopped": None,
                          "title": "A"}
    assert outcome.status == Status.EDITED and wiki.edits[0][2] == f"wikisync: s [run {run.id}]"
    assert [e.run_id for e in store.journal()] == [run.id]


def test_a_stopped_writer_a_stop_run_and_an_error_each_end_the_run_their_way(
        store: Store) -> None:
    wiki = FakeWiki()
    wiki.put("A", FICHE)
    with WriteSession(wiki, store, config(), RunKind.SYNC, max_edits=0) as session:
        assert session.writer.write("A", add_carte, ["r"], "s").reason == Reason.MAX_EDITS
    wiki.readonly = True
    with pytest.raises(ReadOnly), WriteSession(wiki, store, config(), RunKind.SYNC) as session:
        session.writer.write("A", add_carte, ["r"], "s")
    with pytest.raises(UsageError), WriteSession(wiki, store, config(), RunKind.CREATE):
        raise UsageError("bad")
    with WriteSession(wiki, store, config(), RunKind.TEMPLATES) as session:
        session.status = RunStatus.PARTIAL
    runs = store.runs()[::-1]
    assert [(r.kind, r.status) for r in runs] == [
        ("sync", "stopped"), ("sync", "stopped"), ("create", "failed"),
        ("templates-install", "partial")]
    assert runs[0].counts["stopped"] == "max-edits: 0 edits made"
    assert runs[1].counts["stopped"].startswith("readonly: the wiki is read-only")
    assert wiki.edits == []


def test_the_writer_asks_once_whether_the_wiki_is_read_only_and_never_in_a_dry_run(
        store: Store) -> None:
    wiki = FakeWiki()
    for title in ("A", "B", "C"):
        wiki.put(title, FICHE)
    writer = PageWriter(wiki, store, config(), store.start_run(RunKind.SYNC))
    assert [writer.write(t, add_carte, ["r"], "s").status for t in "AB"] == ["edited"] * 2
    assert wiki.site_reads == 1
    dry = PageWriter(wiki, store, config(), store.start_run(RunKind.SYNC), dry_run=True)
    wiki.readonly = True
    assert dry.write("C", add_carte, ["r"], "s").status == Status.DRY_RUN
    assert wiki.site_reads == 1
    fresh = PageWriter(wiki, store, config(), store.start_run(RunKind.SYNC))
    with pytest.raises(ReadOnly):
        fresh.write("C", add_carte, ["r"], "s")
    assert fresh.stop == Stop(Reason.READONLY, "the wiki is read-only: no edit made")
    assert fresh.write("C", add_carte, ["r"], "s").reason == Reason.READONLY
    assert len(wiki.edits) == 2


def test_the_writer_is_only_usable_inside_its_session(store: Store) -> None:
    session = WriteSession(FakeWiki(), store, config(), RunKind.GENERATE)
    with pytest.raises(RuntimeError, match="outside its with block"):
        session.writer  # noqa: B018
    assert store.runs() == []


@pytest.mark.parametrize(("pages", "expected"), [
    ({}, "shutoff: Utilisateur:WikisyncBot/Arrêt is missing, not 'oui'"),
    ({SHUTOFF: "non"}, "shutoff: Utilisateur:WikisyncBot/Arrêt is 'non', not 'oui'"),
    ({SHUTOFF: " OUI \n"}, None),
])
def test_read_shutoff_fails_closed(pages: dict[str, str], expected: str | None) -> None:
    wiki = FakeWiki()
    for title, text in pages.items():
        wiki.put(title, text)
    stop = read_shutoff(wiki, config(shutoff_page=SHUTOFF).safety)
    assert (str(stop) if stop else None) == expected
    assert read_shutoff(wiki, config().safety) is None  # no shutoff page configured


def test_read_shutoff_fails_closed_when_the_page_cannot_be_read() -> None:
    class Broken(FakeWiki):
        def read_page(self, title: str) -> PageRevision:
            """Any read fails."""
            raise OSError("connection reset")

    stop = read_shutoff(Broken(), config(shutoff_page=SHUTOFF).safety)
    assert stop == Stop(Reason.SHUTOFF, f"cannot read {SHUTOFF} (connection reset)")
