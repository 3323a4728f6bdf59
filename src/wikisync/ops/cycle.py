"""``wikisync run``: one scheduled cycle, from the wiki to the files and back.

The steps are the existing core functions, in this order:

1. **pull** (``sync.pull``): incremental since the checkpoint (full the first time);
2. **sync** (``sync.run.SyncRun`` without its own pull): the write rules;
3. **lists** (generation): the bot-managed lists that need regenerating, in the same
   write session as 2 (``ops.steps.SyncSteps``, exactly what ``wikisync sync`` runs).
   With ``map_page`` (``run --map-page``), the map page's block is written last in that
   session too. Every edit of the cycle (lists, sync rules, map page, audit publishing)
   carries the cycle's own ``[run N]``: the write sessions are steps of the cycle's run
   (the journal names each edit's step); only the pulls log runs of their own.
4. **refresh**: when 2 or 3 saved edits, an incremental pull again, so that the files
   below (and ``status``) see the bot's own edits;
5. **exports** (``[export]``): the map files, replaced atomically when they changed;
6. **audit** (when asked): a report file and/or the wikitext report published on a page.

``[safety] max_edits`` is one budget for the whole cycle. ``dry_run`` computes every wiki
diff and writes neither the wiki nor the files (the store is still updated: reading is
harmless).
``no_write`` never edits the wiki (steps 2, 3 and the publishing are skipped) but writes the
files. A config or wiki failure ends the cycle early; it is still logged and summarised.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from wikisync.api import Gateway, connect
from wikisync.audit.publish import publish_report
from wikisync.config import Config, WikiConfig
from wikisync.errors import EXIT_DIFFERENCES, EXIT_OK, WikisyncError
from wikisync.generate.run import GenerateResult
from wikisync.ops.outputs import AuditResult, ExportResult, run_audit, write_exports
from wikisync.ops.report import summary
from wikisync.ops.steps import SyncSteps
from wikisync.store import Store
from wikisync.store.runs import RunKind, RunStatus
from wikisync.store.store import now_iso
from wikisync.sync.pull import PullProgress, PullResult, pull
from wikisync.sync.run import SyncOptions, SyncResult
from wikisync.sync.wiki import ensure_gateway_wiki
from wikisync.write import Reason, Report, Status, Tally, WriteOutcome
from wikisync.write.progress import OnWait

log = logging.getLogger("wikisync.ops")

RUN_KIND = RunKind.RUN  # a whole cycle (its pulls log their own runs; its writes are its steps)


@dataclass(frozen=True)
class RunOptions:
    """What the command line asks of one cycle."""

    dry_run: bool = False
    no_write: bool = False
    titles: tuple[str, ...] = ()  # sync and lists: these pages only...
    prefixes: tuple[str, ...] = ()  # ...and/or pages whose title starts so
    audit: bool = False  # audit even without a report file or page
    audit_report: str | None = None
    audit_format: str | None = None
    publish: str | None = None
    strict: bool = False  # every page left undone counts, known ones too (``--strict``)
    map_page: str | None = None  # write the map page's block after the lists

    @property
    def audits(self) -> bool:
        """Whether the cycle ends with an audit."""
        return self.audit or bool(self.audit_report or self.publish)


@dataclass
class CycleResult:
    """What one cycle did: each step's own result, the totals, and how it ended."""

    options: RunOptions
    run_id: int = 0
    started: str = ""
    pull: PullResult | None = None
    refresh: PullResult | None = None
    generate: GenerateResult | None = None  # None: the lists step did not run
    sync: SyncResult | None = None  # its outcomes include the lists' (one write session)
    exports: list[ExportResult] = field(default_factory=list)
    audit: AuditResult | None = None
    published: WriteOutcome | None = None
    pages: int = 0
    records: int = 0
    checkpoint: str | None = None
    problems: dict[str, int] = field(default_factory=dict)
    requests: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    error_code: int = EXIT_OK

    @property
    def outcomes(self) -> list[WriteOutcome]:
        """Every page outcome of the cycle's writers, in order (sync and lists, publishing)."""
        found = list(self.sync.outcomes if self.sync else [])
        return found + ([self.published] if self.published else [])

    @property
    def tally(self) -> Tally:
        """The one count of the cycle's page outcomes."""
        return Tally.of(self.outcomes)

    @property
    def edits(self) -> list[WriteOutcome]:
        """The pages saved (in a dry run: the pages that would be)."""
        status = (Status.DRY_RUN,) if self.options.dry_run else (Status.EDITED, Status.CREATED)
        return [o for o in self.outcomes if o.status in status]

    @property
    def partial(self) -> bool:
        """Whether something planned was left undone (nobots and known pages aside)."""
        if self.sync is not None and self.sync.exit_code:
            return True  # its lists' pages too (one session), known ones aside unless strict
        published = self.published
        return bool(published and published.failed and published.reason != Reason.NOBOTS)

    @property
    def known(self) -> dict[tuple[str, str], int]:
        """Pages left undone as in an earlier run: (title, reason) -> the run that said so."""
        return dict(self.sync.known) if self.sync else {}

    @property
    def status(self) -> RunStatus:
        """failed, partial, differences (the audit found some) or ok."""
        if self.error is not None:
            return RunStatus.FAILED
        if self.partial:
            return RunStatus.PARTIAL
        differences = self.audit and self.audit.differences
        return RunStatus.DIFFERENCES if differences else RunStatus.OK

    @property
    def exit_code(self) -> int:
        """0 ok; 1 partial or differences; the error's code (2 config, 3 wiki) on failure."""
        if self.error is not None:
            return self.error_code
        return EXIT_OK if self.status == RunStatus.OK else EXIT_DIFFERENCES


GatewayFactory = Callable[[WikiConfig], Gateway]


class Cycle:
    """One ``wikisync run``: the steps of the module doc on one store and one gateway."""

    def __init__(self, store: Store, config: Config, options: RunOptions, *,
                 connect_to: GatewayFactory | None = None,
                 out: Report | None = None, progress: PullProgress | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 on_wait: OnWait | None = None) -> None:
        self.store = store
        self.on_wait = on_wait
        self.config = config
        self.options = options
        self.connect_to = connect_to or (lambda wiki: connect(wiki, sleep))
        self.out = out
        self.progress = progress
        self.sleep = sleep
        self.result = CycleResult(options)
        self.gateway: Gateway | None = None
        self.budget = config.safety.max_edits  # ``--max-edits`` reaches it as an override

    def run(self) -> CycleResult:
        """Run every step, log the cycle in the store, and return what happened."""
        result = self.result
        result.started = now_iso()
        began = time.monotonic()
        failure = self._connect()  # a store of another wiki is refused here, unlogged
        result.run_id = self.store.start_run(RUN_KIND)
        try:
            if failure is not None:
                raise failure
            self._steps()
        except WikisyncError as exc:
            result.error, result.error_code = exc.message, exc.exit_code
        except BaseException:
            self._finish(began, RunStatus.INTERRUPTED)
            raise
        self._finish(began, result.status)
        return result

    def _connect(self) -> WikisyncError | None:
        """Connect; raise WrongWiki for a store of another wiki, return other failures.

        A failure to connect is the cycle's (logged and summarised); a wrong store is not
        this wiki's to log in.
        """
        try:
            self.gateway = self.connect_to(self.config.require_wiki())
        except WikisyncError as exc:
            return exc
        ensure_gateway_wiki(self.store, self.gateway)
        return None

    def _steps(self) -> None:
        """The steps, in order (once connected)."""
        self._pull()
        self._write_steps()
        self._refresh()
        self._exports()
        self._audit()

    # --- steps -----------------------------------------------------------------------------

    def _pull(self) -> None:
        """Bring the store up to date (incremental; full the first time)."""
        assert self.gateway is not None
        done = pull(self.gateway, self.store, self.config, progress=self.progress)
        self.result.pull = done
        log.info("pull (%s): %d pages read, %d stored", done.mode, done.pages_read,
                 done.pages_stored)

    def _write_steps(self) -> None:
        """Sync then the generated lists, in one write session (``ops.steps``; no 2nd pull)."""
        if self._skip_writes("sync") | self._skip_writes("generated lists"):
            return
        assert self.gateway is not None
        options = replace(self._scope(), dry_run=self.options.dry_run, pull=False,
                          strict=self.options.strict)
        steps = SyncSteps(self.gateway, self.store, self.config, options,
                          max_edits=self._remaining(), out=self.out, progress=self.progress,
                          on_wait=self.on_wait,
                          sleep=self.sleep, run_id=self.result.run_id,
                          map_page=self.options.map_page)
        self.result.sync = steps.result
        try:
            done = steps.run()
        finally:
            self.result.generate = steps.lists
        log.info("sync [run %d]: %d pages planned, %d written", done.run_id,
                 len(done.plan.pages), sum(o.written for o in done.outcomes))
        if steps.lists is not None:
            log.info("generated lists: %d pages to regenerate", len(steps.lists.outcomes))

    def _refresh(self) -> None:
        """Pull again after saved edits, so that the exports and the audit see them."""
        if self.options.dry_run or not self.result.edits:
            return
        assert self.gateway is not None
        self.result.refresh = pull(self.gateway, self.store, self.config)

    def _exports(self) -> None:
        """Write the ``[export]`` files that changed."""
        self.result.exports = write_exports(self.store, self.config,
                                            dry_run=self.options.dry_run)
        for export in self.result.exports:
            state = "changed" if export.changed else "unchanged"
            log.info("export %s: %s (%d items, %s)", export.key, export.path, export.items,
                     state)

    def _audit(self) -> None:
        """Audit the store; write the report and publish it when asked."""
        opts = self.options
        if not opts.audits:
            return
        self.result.audit = run_audit(self.store, self.config, opts.audit_report,
                                      opts.audit_format, dry_run=opts.dry_run)
        log.info("audit: %d differences", self.result.audit.differences)
        if opts.publish and not self._skip_writes("audit publishing"):
            assert self.gateway is not None
            self.result.published = publish_report(
                self.gateway, self.store, self.config, opts.publish,
                self.result.audit.wikitext, dry_run=opts.dry_run,
                namespaces=self.gateway.namespaces(), run_id=self.result.run_id)

    # --- helpers ---------------------------------------------------------------------------

    def _skip_writes(self, step: str) -> bool:
        """True (and a note) when ``no_write`` skips a step that edits the wiki."""
        if self.options.no_write:
            self.result.notes.append(f"{step}: skipped (--no-write)")
        return self.options.no_write

    def _scope(self) -> SyncOptions:
        """The pages the cycle may write (``--page``/``--prefix``), as sync's options."""
        return SyncOptions(titles=self.options.titles, prefixes=self.options.prefixes)

    def _remaining(self) -> int | None:
        """What is left of the cycle's edit budget (None: no limit)."""
        if self.budget is None:
            return None
        return max(0, self.budget - len(self.result.edits))

    def _finish(self, began: float, status: RunStatus) -> None:
        """Fill the totals (the store's, the requests, the time) and log the cycle."""
        result = self.result
        result.pages = self.store.page_count()
        result.records = self.store.record_count()
        result.checkpoint = self.store.checkpoint
        result.problems = dict(sorted(self.store.problem_counts().items()))
        spent: dict[str, Any] = dict(self.gateway.requests) if self.gateway else {}
        result.requests = {kind: n for kind, n in sorted(spent.items()) if n}
        result.seconds = time.monotonic() - began
        self.store.finish_run(result.run_id, status, summary(result))
        log.info("run %d %s: %d edits, %d requests, %.1f s", result.run_id, status,
                 len(result.edits), sum(result.requests.values()), result.seconds)


def run_cycle(store: Store, config: Config, options: RunOptions | None = None,
              **kwargs: Any) -> CycleResult:
    """Run one cycle (see ``Cycle`` for the keyword arguments)."""
    return Cycle(store, config, options or RunOptions(), **kwargs).run()
