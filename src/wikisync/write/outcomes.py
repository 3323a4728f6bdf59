"""What a write can end as: typed statuses and reasons, the stop, and the one tally.

``reason_of`` is the one place an exception from the gateway becomes an outcome reason;
``stop_of`` the one place a ``StopRun`` becomes the reason a run stopped. ``Tally`` is the
one count of outcomes every writer of pages reports from (run logs, summaries, exit codes).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

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


class Status(StrEnum):
    """How one page ended."""

    EDITED = "edited"  # saved (new revision)
    CREATED = "created"  # created (new page)
    UNCHANGED = "unchanged"  # nothing to do
    DRY_RUN = "dry-run"  # would be saved (the outcome carries the diff)
    SKIPPED = "skipped"  # refused for a reason
    STOPPED = "stopped"  # not tried: the run is stopped


class Reason(StrEnum):
    """Why a page was skipped or not tried, or why a change was kept back (``NONE``: no why)."""

    NONE = ""  # false: an outcome that needs no reason (edited, unchanged…)
    UNSAFE = "unsafe"
    NOBOTS = "nobots"
    CONFLICT = "conflict"
    MISSING = "missing"
    REDIRECT = "redirect"
    EXISTS = "exists"
    PROTECTED = "protected"
    FILTER = "filter"
    REFUSED = "refused"
    SHUTOFF = "shutoff"
    MAX_EDITS = "max-edits"
    READONLY = "readonly"
    BLOCKED = "blocked"
    STOP = "stop"  # another StopRun
    CHANGED_BY_PERSON = "changed-by-person"  # a person changed the parameter during the run
    DEPENDS_ON_KEPT = "depends-on-kept"  # computed from a kept-back change


WRITTEN = frozenset({Status.EDITED, Status.CREATED})
DONE = WRITTEN | {Status.DRY_RUN}  # saved, or would be in a dry run
FAILED = frozenset({Status.SKIPPED, Status.STOPPED})
# Exception class -> reason, most specific first (EditConflict is an EditRefused too).
_REFUSALS: tuple[tuple[type[EditRefused], Reason], ...] = (
    (EditConflict, Reason.CONFLICT), (PageMissing, Reason.MISSING),
    (PageExists, Reason.EXISTS), (Protected, Reason.PROTECTED),
    (FilterRefused, Reason.FILTER))


def reason_of(exc: EditRefused) -> Reason:
    """The outcome reason of a refused edit (the one mapping from exception classes)."""
    return next((reason for kind, reason in _REFUSALS if isinstance(exc, kind)),
                Reason.REFUSED)


@dataclass(frozen=True)
class Stop:
    """Why a run makes no more writes: a typed reason and a one-line detail."""

    reason: Reason
    detail: str

    def __str__(self) -> str:
        """``shutoff: Utilisateur:Bot/Arrêt is 'non', not 'oui'`` (logs, summaries)."""
        return f"{self.reason}: {self.detail}"


def stop_of(exc: StopRun) -> Stop:
    """The stop a ``StopRun`` from the wiki means (read-only, blocked, other)."""
    if isinstance(exc, ReadOnly):
        return Stop(Reason.READONLY, exc.message)
    if isinstance(exc, Blocked):
        return Stop(Reason.BLOCKED, exc.message)
    return Stop(Reason.STOP, exc.message)


@dataclass
class Tally:
    """The one count of page outcomes: by status, by reason, by rule, conflicts, kept.

    Fed by the writer as outcomes happen (``add``), or built from a list (``of``).
    """

    by_status: Counter[str] = field(default_factory=Counter)
    by_reason: Counter[str] = field(default_factory=Counter)  # skipped/not tried, by reason
    by_rule: Counter[str] = field(default_factory=Counter)  # saved (or would be), by rule
    undone: int = 0  # left undone for a reason other than nobots (the run is partial)
    conflicts: int = 0  # edit conflicts met (each re-planned once)
    kept: int = 0  # changes kept back after a conflict (a person's value stands)

    @classmethod
    def of(cls, outcomes: Iterable[_Outcome]) -> Tally:
        """The tally of these outcomes."""
        tally = cls()
        for outcome in outcomes:
            tally.add(outcome)
        return tally

    def add(self, outcome: _Outcome) -> None:
        """Count one outcome."""
        self.by_status[outcome.status] += 1
        if outcome.status in FAILED:
            self.by_reason[outcome.reason or outcome.status] += 1
            self.undone += outcome.reason != Reason.NOBOTS
        elif outcome.reason:
            self.by_reason[outcome.reason] += 1
        if outcome.status in DONE:
            self.by_rule.update(outcome.rules or ("other",))
        self.kept += len(outcome.kept)

    def count(self, *statuses: str) -> int:
        """How many pages ended with one of these statuses."""
        return sum(self.by_status[status] for status in statuses)

    @property
    def done(self) -> int:
        """Pages saved, or that would be in a dry run."""
        return self.count(*DONE)


class _Outcome(Protocol):
    """What ``Tally`` reads of an outcome (``writer.WriteOutcome``)."""

    @property
    def status(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def rules(self) -> tuple[str, ...]: ...
    @property
    def kept(self) -> tuple[object, ...]: ...
