"""Pages a write run left undone, and which of them are *known* from an earlier run.

Every write session remembers, at its end, the pages it left undone: title, revision,
reason, and the first and latest runs that left it so (one JSON value in the store's
key/value table, ``LEFT_KEY``). A page left undone for a reason in ``KNOWABLE`` (an unsafe
page: broken template, two infoboxes, unclosed comment) at the same revision as in an
earlier run is *known*: nothing changed since it was reported, so a timer's run need not
call for attention about it again. A new revision (the page was edited, even if it is still
broken) or another reason makes it new. A dry run looks the pages up but records nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from wikisync.store import Store
from wikisync.write.outcomes import Reason
from wikisync.write.writer import WriteOutcome

LEFT_KEY = "left_pages"  # {"run": latest recording run, "pages": [[title, revid, …], …]}
KNOWABLE = frozenset({Reason.UNSAFE})  # nobots pages never need attention at all
Known = dict[tuple[str, str], int]  # (title, reason) -> the run that first reported it


@dataclass(frozen=True)
class LeftPage:
    """A page a run left undone: at which revision (0: not stored), why, which runs said so."""

    title: str
    revid: int
    reason: str
    detail: str = ""
    first_run: int = 0  # the first run that left it undone at this revision for this reason
    last_run: int = 0  # the latest

    @property
    def key(self) -> tuple[str, int, str]:
        """What makes two reports the same: page, revision, reason."""
        return (self.title, self.revid, self.reason)


def left_of(outcomes: Iterable[WriteOutcome]) -> list[tuple[str, str, str, int | None]]:
    """(title, reason, detail, revid) of each page left undone (nobots aside)."""
    return [(o.title, str(o.reason or o.status), o.detail, o.old_revid) for o in outcomes
            if o.failed and o.reason != Reason.NOBOTS]


def at_revisions(store: Store,
                 left: Iterable[tuple[str, str, str, int | None]]) -> list[LeftPage]:
    """The pages left undone, each at its revision (the stored one when the run read none)."""
    stored: dict[str, int] | None = None
    pages = []
    for title, reason, detail, revid in left:
        if revid is None:
            if stored is None:
                stored = {s.title: s.revid for s in store.page_states().values()}
            revid = stored.get(title, 0)
        pages.append(LeftPage(title, revid, reason, detail))
    return pages


def recorded(store: Store) -> tuple[int, dict[tuple[str, int, str], LeftPage]]:
    """The latest recording run and every page remembered, by page, revision and reason."""
    data: dict[str, Any] = store.get_json(LEFT_KEY, {}) or {}
    pages = [LeftPage(*row) for row in data.get("pages", [])]
    return int(data.get("run", 0)), {page.key: page for page in pages}


def latest_left(store: Store) -> list[LeftPage]:
    """The pages the latest recording run left undone (``status`` lists them)."""
    run, pages = recorded(store)
    return sorted((p for p in pages.values() if p.last_run == run), key=lambda p: p.key)


def settle_left(store: Store, run_id: int, pages: Iterable[LeftPage], *,
                record: bool) -> Known:
    """The known pages among ``pages`` (see the module doc); record them unless a dry run."""
    pages = list(pages)
    _, before = recorded(store)
    known: Known = {}
    for page in pages:
        earlier = before.get(page.key)
        if page.reason in KNOWABLE and page.revid and earlier and earlier.first_run != run_id:
            known[(page.title, page.reason)] = earlier.first_run
    if record:
        _record(store, run_id, pages, before)
    return known


def _record(store: Store, run_id: int, pages: list[LeftPage],
            before: dict[tuple[str, int, str], LeftPage]) -> None:
    """Remember this run's pages; other revisions of the same pages are forgotten."""
    titles = {page.title: page.revid for page in pages}
    kept = {key: page for key, page in before.items()
            if titles.get(page.title, page.revid) == page.revid}
    for page in pages:
        first = kept[page.key].first_run if page.key in kept else run_id
        kept[page.key] = replace(page, first_run=first, last_run=run_id)
    rows = [[p.title, p.revid, p.reason, p.detail, p.first_run, p.last_run]
            for p in sorted(kept.values(), key=lambda p: p.key)]
    store.set_json(LEFT_KEY, {"run": run_id, "pages": rows})
