"""Planning an incremental pull from recent changes (pure: no wiki)."""

from __future__ import annotations

from wikisync.api import RecentChange
from wikisync.store import PageState
from wikisync.sync.changes import plan_reads


def change(rcid: int, kind: str, title: str, pageid: int = 0, revid: int = 0, ns: int = 0,
           log: str | None = None, target: str | None = None) -> RecentChange:
    return RecentChange(type=kind, title=title, ns=ns, pageid=pageid, revid=revid,
                        old_revid=0, rcid=rcid, timestamp="2024-01-01T00:00:00Z",
                        log_type=log, target_title=target)


STORED = {1: PageState("A", 1, 10, "x"), 2: PageState("B", 2, 20, "y")}


def test_edits_of_a_revision_already_stored_are_skipped() -> None:
    plan = plan_reads([change(1, "edit", "A", 1, 10), change(2, "edit", "B", 2, 21),
                       change(3, "new", "C", 3, 30)], STORED, set())
    assert plan.titles == ["B", "C"] and plan.skipped == 1 and plan.handled == [1, 2, 3]


def test_log_events_that_change_pages_read_their_titles() -> None:
    plan = plan_reads([
        change(1, "log", "A", log="delete"),
        change(2, "log", "B", log="move", target="B2"),
        change(3, "log", "D", log="protect"),
        change(4, "log", "Utilisateur:X", log="newusers"),
        change(5, "log", "E", log="block"),
    ], STORED, set())
    assert plan.titles == ["A", "B", "B2", "D"]
    assert (plan.moves, plan.deletions, plan.skipped) == (1, 1, 2)


def test_changes_seen_by_an_earlier_pull_and_duplicates_are_read_once() -> None:
    plan = plan_reads([change(7, "edit", "B", 2, 25), change(8, "edit", "B", 2, 26),
                       change(9, "edit", "C", 3, 31)], STORED, {9})
    assert plan.titles == ["B"] and plan.handled == [7, 8]


def test_a_template_namespace_change_is_flagged() -> None:
    plan = plan_reads([change(1, "edit", "Modèle:Fiche initiative", 5, 50, ns=10)], {}, set())
    assert plan.template_edits and plan.titles == ["Modèle:Fiche initiative"]
