"""The writer tells the throttle's waits; a session remembers the pages it left undone."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

from wikisync.config import Config, SafetyConfig
from wikisync.store import Store
from wikisync.store.runs import RunKind
from wikisync.write import WriteSession
from wikisync.write.left import LeftPage, latest_left
from wikisync.write.progress import EditWait

sys.path.insert(0, str(Path(__file__).parents[1] / "sync"))
from fakewiki import FakeWiki  # noqa: E402

FICHE = "{{Fiche initiative\n| nom = Pôle A\n| carte = \n}}\n"
BROKEN = "{{Fiche initiative\n| nom = Pôle B\n| carte = \n\nTexte."


def config(interval: float = 0) -> Config:
    """The given throttle, nothing else."""
    return Config(safety=replace(SafetyConfig(), edit_interval=interval))


def add_carte(text: str) -> str:
    """Fill ``carte``."""
    return text.replace("| carte = ", "| carte = X")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A fresh state store."""
    return Store(tmp_path / "state.sqlite")


class Clock:
    """A clock that moves only when the throttle sleeps (or a test says so)."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_every_save_is_announced_with_the_throttle_wait_and_the_expected_total(
        store: Store) -> None:
    wiki = FakeWiki()
    for title in ("A", "B", "C"):
        wiki.put(title, FICHE)
    clock, waits = Clock(), []
    with WriteSession(wiki, store, config(interval=7), RunKind.SYNC, sleep=clock.sleep,
                      on_wait=waits.append) as session:
        session.writer.clock = lambda: clock.now
        session.writer.expect(3)
        for title in ("A", "B", "C"):
            session.writer.write(title, add_carte, ["r"], "s")
            clock.now += 2  # the caller's own work between saves
    assert waits == [EditWait(1, 3, 0.0), EditWait(2, 3, 5.0), EditWait(3, 3, 5.0)]
    assert clock.slept == [5.0, 5.0]
    assert [w.line for w in waits] == ["edit 1/3 · next in 0 s", "edit 2/3 · next in 5 s",
                                       "edit 3/3 · next in 5 s"]


def test_no_wait_is_announced_in_a_dry_run_and_past_the_total_the_count_stands_alone(
        store: Store) -> None:
    wiki = FakeWiki()
    wiki.put("A", FICHE)
    waits: list[EditWait] = []
    with WriteSession(wiki, store, config(interval=7), RunKind.SYNC, dry_run=True,
                      on_wait=waits.append) as session:
        session.writer.write("A", add_carte, ["r"], "s")
    assert waits == []
    assert EditWait(4, 3, 2.4).line == "edit 4 · next in 3 s"
    assert EditWait(1, None, 0).line == "edit 1 · next in 0 s"


def run_session(wiki: FakeWiki, store: Store, *, dry_run: bool = False,
                refused: tuple[LeftPage, ...] = ()) -> WriteSession:
    """One session writing A and B (B is broken on the wiki)."""
    with WriteSession(wiki, store, config(), RunKind.SYNC, dry_run=dry_run) as session:
        session.refused += refused
        for title in ("A", "B"):
            session.writer.write(title, add_carte, ["r"], "s")
    return session


def test_a_page_left_unsafe_at_the_same_revision_is_known_from_the_first_run_that_left_it(
        store: Store) -> None:
    wiki = FakeWiki()
    wiki.put("A", FICHE)
    revid = wiki.put("B", BROKEN)

    first = run_session(wiki, store)
    wiki.put("A", FICHE)  # A needs work again; B is untouched
    second = run_session(wiki, store)

    assert first.known == {}
    assert second.known == {("B", "unsafe"): first.run_id}
    [left] = latest_left(store)
    assert (left.title, left.revid, left.reason) == ("B", revid, "unsafe")
    assert (left.first_run, left.last_run) == (first.run_id, second.run_id)


def test_a_new_revision_of_the_broken_page_or_a_dry_run_first_makes_it_new(
        store: Store) -> None:
    wiki = FakeWiki()
    wiki.put("A", FICHE)
    wiki.put("B", BROKEN)
    dry = run_session(wiki, store, dry_run=True)
    first = run_session(wiki, store)  # the dry run recorded nothing: new here
    newer = wiki.put("B", BROKEN + "\nEncore.")  # a person edits it, still broken

    again = run_session(wiki, store)

    assert dry.known == {} and first.known == {} and again.known == {}
    [left] = latest_left(store)
    assert (left.revid, left.first_run, left.last_run) == (newer, again.run_id, again.run_id)
    assert run_session(wiki, store, dry_run=True).known == {("B", "unsafe"): again.run_id}


def test_caller_refusals_are_remembered_and_other_reasons_never_known(store: Store) -> None:
    wiki = FakeWiki()
    wiki.put("A", FICHE)
    wiki.put("B", FICHE)
    refused = (LeftPage("C", 7, "unsafe", "broken-template"), LeftPage("D", 8, "protected"))
    first = run_session(wiki, store, refused=refused)
    second = run_session(wiki, store, refused=refused)

    assert first.known == {}
    assert second.known == {("C", "unsafe"): first.run_id}
    assert [(p.title, p.reason) for p in latest_left(store)] == [("C", "unsafe"),
                                                                 ("D", "protected")]
    with WriteSession(wiki, store, config(), RunKind.SYNC):
        pass  # a run that left nothing undone
    assert latest_left(store) == []
