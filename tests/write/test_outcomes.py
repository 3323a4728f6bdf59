"""The write unit's vocabulary: exceptions -> reasons in one place, the stop, the one tally."""

from __future__ import annotations

import pytest

from wikisync.errors import (
    Blocked,
    EditConflict,
    EditRefused,
    FilterRefused,
    PageExists,
    PageMissing,
    Protected,
    ReadOnly,
    StopRun,
)
from wikisync.model import Change
from wikisync.write import Kept, Reason, Status, Stop, Tally, WriteOutcome, reason_of, stop_of


@pytest.mark.parametrize(("error", "reason"), [
    (EditConflict("x", "editconflict"), Reason.CONFLICT),
    (PageMissing("x", "pagedeleted"), Reason.MISSING),
    (PageExists("x", "articleexists"), Reason.EXISTS),
    (Protected("x", "protectedpage"), Reason.PROTECTED),
    (FilterRefused("x", "abusefilter-disallowed"), Reason.FILTER),
    (EditRefused("x", "spamblacklist"), Reason.REFUSED),
])
def test_each_refusal_maps_to_one_reason(error: EditRefused, reason: Reason) -> None:
    assert reason_of(error) is reason


@pytest.mark.parametrize(("error", "reason"), [
    (ReadOnly("the wiki is read-only", "readonly"), Reason.READONLY),
    (Blocked("the account is blocked", "blocked"), Reason.BLOCKED),
    (StopRun("stop it", "other"), Reason.STOP),
])
def test_a_stop_run_becomes_a_typed_stop_with_its_message(error: StopRun,
                                                          reason: Reason) -> None:
    stop = stop_of(error)
    assert stop == Stop(reason, error.message)
    assert str(stop) == f"{reason.value}: {error.message}"


def test_reasons_and_statuses_keep_the_words_run_logs_and_json_already_hold() -> None:
    assert [s.value for s in Status] == ["edited", "created", "unchanged", "dry-run",
                                         "skipped", "stopped"]
    assert Reason.MAX_EDITS == "max-edits" and Reason.CHANGED_BY_PERSON == "changed-by-person"
    assert not Reason.NONE and WriteOutcome("A", Status.EDITED).reason == ""


def test_the_tally_counts_statuses_reasons_rules_undone_and_kept() -> None:
    change = Change("D", "Fiche initiative", 0, "carte", "a", "b", "map_links")
    outcomes = [
        WriteOutcome("A", Status.EDITED, rules=("map_links", "dataset")),
        WriteOutcome("B", Status.CREATED, rules=("create",)),
        WriteOutcome("C", Status.DRY_RUN),
        WriteOutcome("D", Status.UNCHANGED, kept=(Kept(change),)),
        WriteOutcome("E", Status.SKIPPED, Reason.NOBOTS),
        WriteOutcome("F", Status.SKIPPED, Reason.CONFLICT),
        WriteOutcome("G", Status.STOPPED, Reason.MAX_EDITS),
        WriteOutcome("H", Status.STOPPED, Reason.MAX_EDITS),
    ]
    tally = Tally.of(outcomes)
    assert dict(tally.by_status) == {"edited": 1, "created": 1, "dry-run": 1, "unchanged": 1,
                                     "skipped": 2, "stopped": 2}
    assert dict(tally.by_reason) == {"nobots": 1, "conflict": 1, "max-edits": 2}
    assert dict(tally.by_rule) == {"map_links": 1, "dataset": 1, "create": 1, "other": 1}
    assert tally.undone == 3  # nobots does not make a run partial
    assert tally.kept == 1 and tally.done == 3
    assert tally.count(Status.EDITED, Status.CREATED) == 2 and tally.count("skipped") == 2
