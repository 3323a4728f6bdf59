"""``WriteSession``: one logged write run, the only way commands get a ``PageWriter``.

    with WriteSession(gateway, store, config, RunKind.GENERATE, dry_run=dry_run) as session:
        session.writer.write(title, transform, rules, summary)

Entering logs the start of the run (``store.start_run``) and builds the run's writer (its
id in every edit summary and journal entry; read-only wiki, shutoff page, throttle, budget
and dry run are the writer's own checks). Leaving logs the end (``store.finish_run``) with a
typed status and the counts: the caller's ``counts`` when given, else the session's tally
(with the caller's ``details``).
The status is the caller's ``status`` when it set one, else ``stopped`` when the writer was
stopped, else ``ok``; ``stopped`` when a ``StopRun`` escapes, ``failed`` for any other error.
A session that ends without an error also settles the pages it left undone (``write.left``):
its writer's failed outcomes and the caller's ``refused`` pages are recorded (not in a dry
run) and ``known`` says which were already left so, at the same revision, by an earlier run.
``on_wait`` is told the throttle's wait before each save (``write.progress``).

A session given ``run_id`` is a step of a run its caller logs (a ``wikisync run`` cycle):
it neither starts nor finishes a run of its own, its edits carry that ``[run N]``, and its
journal entries name their ``step``. Entering first settles the edits an earlier command
left ``pending`` (``write.journal.reconcile``; no request when there are none).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, cast

from wikisync.config import Config
from wikisync.errors import StopRun
from wikisync.store import Store
from wikisync.store.runs import RunKind, RunStatus
from wikisync.write.journal import Contributions, reconcile
from wikisync.write.left import Known, LeftPage, at_revisions, left_of, settle_left
from wikisync.write.outcomes import Tally
from wikisync.write.progress import OnWait
from wikisync.write.writer import PageWriter, Report, Wiki

Counts = Callable[[], dict[str, Any]]


class WriteSession:
    """A write run: its run log entry, its writer, its tally (see the module doc)."""

    def __init__(self, gateway: Wiki, store: Store, config: Config, kind: RunKind, *,
                 dry_run: bool = False, out: Report | None = None,
                 max_edits: int | None = None, minor: bool = True,
                 sleep: Callable[[float], None] = time.sleep,
                 counts: Counts | None = None, on_wait: OnWait | None = None,
                 run_id: int | None = None, step: str = "") -> None:
        self.gateway = gateway
        self.store = store
        self.config = config
        self.kind = kind
        self.dry_run = dry_run
        self._writer_args: dict[str, Any] = {"out": out, "max_edits": max_edits,
                                             "minor": minor, "sleep": sleep,
                                             "on_wait": on_wait}
        self.counts = counts
        self.details: dict[str, Any] = {}  # added to the tally's counts (title, …)
        self.status: RunStatus | None = None  # the caller's verdict, if it has one
        self.refused: list[LeftPage] = []  # pages the caller refused before writing
        self.refusals: Callable[[], list[LeftPage]] = lambda: []  # more, asked at the end
        self.known: Known = {}  # left undone as in an earlier run (after the block)
        self.run_id = run_id or 0
        self.joined = run_id is not None  # a step of its caller's run (logged by the caller)
        self.step = step
        self._writer: PageWriter | None = None

    def join(self, run_id: int) -> WriteSession:
        """Make this session (not entered yet) a step of run ``run_id`` (see the module doc)."""
        self.run_id, self.joined = run_id, True
        return self

    @property
    def writer(self) -> PageWriter:
        """The run's writer (only inside the ``with`` block)."""
        if self._writer is None:
            raise RuntimeError("WriteSession.writer used outside its with block")
        return self._writer

    @property
    def tally(self) -> Tally:
        """The one count of this run's page outcomes."""
        return self.writer.stats

    def __enter__(self) -> WriteSession:
        """Settle earlier pending edits, log the run's start (unless joined), build the writer."""
        if not self.dry_run:
            reconcile(cast(Contributions, self.gateway), self.store)  # asked only if pending
        if not self.joined:
            self.run_id = self.store.start_run(self.kind)
        self._writer = PageWriter(self.gateway, self.store, self.config, self.run_id,
                                  self.dry_run, **self._writer_args)
        self._writer.step = self.step
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        """Log the run's end: its status and counts (errors propagate)."""
        if error is None:
            self.known.update(settle_left(self.store, self.run_id, self.left(),
                                          record=not self.dry_run))
        if not self.joined:
            self.store.finish_run(self.run_id, self._final_status(error), self._counts())

    def left(self) -> list[LeftPage]:
        """The pages this run left undone: the caller's refusals, then the writer's."""
        found = at_revisions(self.store, left_of(self.writer.outcomes))
        return self.refused + self.refusals() + found

    def _final_status(self, error: BaseException | None) -> RunStatus:
        """How the run ended (see the module doc)."""
        if isinstance(error, StopRun):
            return RunStatus.STOPPED
        if error is not None:
            return RunStatus.FAILED
        if self.status is not None:
            return self.status
        return RunStatus.STOPPED if self.writer.stop else RunStatus.OK

    def _counts(self) -> dict[str, Any]:
        """The run log's counts: the caller's, else the tally's."""
        if self.counts is not None:
            return self.counts()
        tally = self.tally
        return {"dry_run": self.dry_run, **tally.by_status, "reasons": dict(tally.by_reason),
                "stopped": self.writer.stopped, **self.details}
