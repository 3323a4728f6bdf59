"""Turn recent changes into the set of titles an incremental pull must read again.

Rules: an edit or creation is read again unless the store already holds that revision (or
a newer one) of that page; a deletion, restoration, import or merge makes its title read
again (a missing page is then dropped); a move makes both the old and the new title read
again; a protection too (it adds a null revision). Other log events (blocks, user rights,
patrols...) change no page.
Entries already handled by an earlier pull (their rc ids are remembered for the overlap
window) are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from wikisync.store import PageState

# Log types that change a page's text or existence (protection adds a null revision).
TEXT_LOGS = frozenset({"delete", "import", "merge", "upload", "move", "protect"})
TEMPLATE_NS = 10


class Change(Protocol):
    """The fields of a recent change (``wikisync.api.RecentChange``) that planning reads."""

    @property
    def type(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def ns(self) -> int: ...
    @property
    def pageid(self) -> int: ...
    @property
    def revid(self) -> int: ...
    @property
    def rcid(self) -> int: ...
    @property
    def timestamp(self) -> str: ...
    @property
    def log_type(self) -> str | None: ...
    @property
    def target_title(self) -> str | None: ...


@dataclass
class ReadPlan:
    """What an incremental pull does with a window of recent changes."""

    titles: list[str] = field(default_factory=list)  # to read again, in RC order
    handled: list[int] = field(default_factory=list)  # rc ids looked at (new ones)
    skipped: int = 0  # entries already covered (same revision stored, or seen before)
    template_edits: bool = False  # something changed in the Template namespace
    moves: int = 0
    deletions: int = 0


def plan_reads(changes: Iterable[Change], stored: Mapping[int, PageState],
               seen: set[int]) -> ReadPlan:
    """The titles to read again for these changes, given the stored pages by pageid."""
    plan = ReadPlan()
    titles: dict[str, None] = {}
    for change in changes:
        if change.rcid in seen:
            plan.skipped += 1
            continue
        plan.handled.append(change.rcid)
        plan.template_edits |= change.ns == TEMPLATE_NS
        for title in _titles_of(change, stored, plan):
            titles[title] = None
    plan.titles = list(titles)
    return plan


def _titles_of(change: Change, stored: Mapping[int, PageState], plan: ReadPlan) -> list[str]:
    """The titles one change asks to read (none if the store already has that revision)."""
    if change.type in ("edit", "new"):
        have = stored.get(change.pageid)
        if have is not None and have.revid >= change.revid:
            plan.skipped += 1
            return []
        return [change.title]
    if change.type == "log" and change.log_type in TEXT_LOGS:
        if change.log_type == "move":
            plan.moves += 1
            return [change.title, change.target_title] if change.target_title else [change.title]
        plan.deletions += change.log_type == "delete"
        return [change.title]
    plan.skipped += 1
    return []
