"""``wikisync sync``: pull, plan, apply; one logged run with its counts and exit code.

Steps: an incremental pull (unless ``pull=False``), the dataset and the geocoder's answers
if their rules are on, the plan from the store, then the writes through a ``WriteSession``'s
writer (or the diffs, in a dry run). The run is logged in the store (``runs``, kind
``sync``) and every edit in its journal. What follows sync in a command (the generated
lists) is ordered by ``ops.steps``, which runs them in the same session.

Exit code: 0 when everything planned was done (or nothing was needed); 1 when a planned
page was left undone for any reason but ``{{nobots}}`` (unsafe page, edit conflict twice,
protection, filter, deleted page, shutoff, ``--max-edits``), a geocoding query failed, or
a change was kept back after a conflict (a person's value stands: someone should look);
an unsafe page left undone at the same revision as in an earlier run is *known*
(``write.left``) and does not count, unless ``strict`` (``--strict``);
read-only wiki, blocked account, unreachable wiki raise (exit 3).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from wikisync.api import Gateway
from wikisync.config import Config
from wikisync.dataset import Dataset, load_dataset
from wikisync.errors import EXIT_DIFFERENCES, EXIT_OK
from wikisync.i18n import for_wiki
from wikisync.model import Record
from wikisync.parse.edit import TemplateEditor
from wikisync.store import Store
from wikisync.store.runs import RunKind
from wikisync.sync.applier import apply_plan
from wikisync.sync.geocode import GeocodeReport, Lookup, geocode, make_geocoder
from wikisync.sync.planner import Context, Plan, build_context, geocode_queries, plan
from wikisync.sync.pull import PullEvent, PullProgress, PullResult, pull
from wikisync.sync.rules import RuleSet
from wikisync.write import (
    META_REDIRECTS,
    Kept,
    PageWriter,
    Reason,
    Report,
    Tally,
    WriteOutcome,
    WriteSession,
)
from wikisync.write.left import LeftPage, at_revisions
from wikisync.write.progress import OnWait


@dataclass(frozen=True)
class SyncOptions:
    """What the command line asks of one sync."""

    dry_run: bool = False
    pull: bool = True
    only: tuple[str, ...] = ()  # run only these rules (among those that are on)
    titles: tuple[str, ...] = ()  # scope: these pages only...
    prefixes: tuple[str, ...] = ()  # ...and/or pages whose title starts so
    strict: bool = False  # every page left undone counts, known ones too (``--strict``)

    def in_scope(self, title: str) -> bool:
        """Whether the run may look at (and write) this page."""
        if not self.titles and not self.prefixes:
            return True
        return title in self.titles or any(title.startswith(p) for p in self.prefixes)


@dataclass
class SyncResult:
    """What a sync did, for the summary, the run log and the exit code."""

    run_id: int
    dry_run: bool
    rules: tuple[str, ...] = ()
    plan: Plan = field(default_factory=Plan)
    outcomes: list[WriteOutcome] = field(default_factory=list)
    pull: PullResult | None = None
    geocoding: GeocodeReport | None = None
    requests: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    stopped: str | None = None
    conflicts: int = 0  # edit conflicts met (each re-planned on the human's text once)
    lists: bool = False  # whether the generated lists step ran (``ops.steps``)
    lists_exit: int = EXIT_OK  # the generated lists step's own verdict (bad opener params…)
    lists_refused: list[tuple[str, str, str]] = field(default_factory=list)  # title, why, detail
    known: dict[tuple[str, str], int] = field(default_factory=dict)  # (title, why) -> run
    strict: bool = False  # known pages count too

    def count(self, status: str) -> int:
        """How many pages ended with this status."""
        return Tally.of(self.outcomes).count(status)

    @property
    def undone(self) -> list[WriteOutcome]:
        """Planned pages left undone for a reason that makes the run partial."""
        return [o for o in self.outcomes if o.failed and o.reason != Reason.NOBOTS]

    @property
    def kept(self) -> list[tuple[str, Kept]]:
        """(page, change) kept back after a conflict: a person's value stood this run."""
        return [(outcome.title, kept) for outcome in self.outcomes for kept in outcome.kept]

    @property
    def exit_code(self) -> int:
        """0 all done, 1 partial (see the module doc)."""
        errors = self.geocoding.errors if self.geocoding else []
        partial = self.attention or errors or self.lists_exit or self.kept
        return EXIT_DIFFERENCES if partial else EXIT_OK

    @property
    def attention(self) -> list[tuple[str, str]]:
        """(page, reason) left undone (nobots aside) that is not known, or all with strict."""
        left = [(o.title, str(o.reason or o.status)) for o in self.undone]
        left += [(n.title, n.kind) for n in self.plan.refused if n.kind != "nobots"]
        left += [(title, why) for title, why, _ in self.lists_refused if why != "nobots"]
        return [item for item in left if self.strict or item not in self.known]

    def counts(self) -> dict[str, Any]:
        """The run log's counts."""
        reasons = dict(Tally.of(self.outcomes).by_reason)
        return {
            "dry_run": self.dry_run, "rules": list(self.rules),
            "planned_pages": len(self.plan.pages), "planned_changes": self.plan.change_count,
            "edited": self.count("edited"), "would_edit": self.count("dry-run"),
            "unchanged": self.count("unchanged"), "skipped": self.count("skipped"),
            "not_tried": self.count("stopped"), "reasons": reasons,
            "refused": len(self.plan.refused), "conflicts": self.conflicts,
            "kept": len(self.kept), "known": len(self.known),
            "requests": self.requests,
            "seconds": round(self.seconds, 3), "stopped": self.stopped,
        }


def rule_set(config: Config, options: SyncOptions) -> RuleSet:
    """The rules this run applies: ``[rules]`` (flags reach it as overrides), cut by ``--rule``.

    ``dataset`` is on when ``[rules] dataset = true``, when ``--dataset`` is given, or when
    ``[dataset] path`` is set and ``[rules]`` does not mention ``dataset`` (``load_config``).
    """
    rules = RuleSet.of(config, config.rules)
    return rules.only(options.only) if options.only else rules


class SyncRun:
    """One sync: the steps of the module doc, sharing the store, the gateway and the config."""

    def __init__(self, gateway: Gateway, store: Store, config: Config, options: SyncOptions,
                 *, out: Report | None = None, progress: PullProgress | None = None,
                 geocoder: Lookup | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 on_wait: OnWait | None = None) -> None:
        self.gateway = gateway
        self.store = store
        self.config = config
        self.options = options
        self.out = out
        self.progress = progress or (lambda event: None)
        self.geocoder = geocoder
        self.sleep = sleep
        self.on_wait = on_wait
        self.rules = rule_set(config, options)
        self.max_edits: int | None = None  # None: ``[safety] max_edits`` (the writer's)
        self._before: dict[str, int] = {}
        self._started = time.monotonic()
        self.result = SyncResult(run_id=0, dry_run=options.dry_run, rules=self.rules.names,
                                 strict=options.strict)

    def run(self) -> SyncResult:
        """Do the whole sync and log it; StopRun and wiki failures propagate after logging."""
        self.begin()
        with self.session() as session:
            self.apply(session.writer)
        return self.result

    def begin(self) -> None:
        """Start the clock and the request count; pull first unless told not to."""
        self._before = dict(self.gateway.requests)
        self._started = time.monotonic()
        if self.options.pull:
            self.result.pull = pull(self.gateway, self.store, self.config,
                                    progress=self.progress)

    def session(self) -> WriteSession:
        """The sync's write session (kind ``sync``); its run log counts are ``counts()``."""
        session = WriteSession(self.gateway, self.store, self.config, RunKind.SYNC,
                            dry_run=self.options.dry_run, out=self.out, sleep=self.sleep,
                            max_edits=self.max_edits, counts=self._final_counts,
                            on_wait=self.on_wait)
        session.refusals = self.refusals  # at its end: the plan's and the lists' refusals
        session.known = self.result.known  # filled in place when the session ends
        return session

    def refusals(self) -> list[LeftPage]:
        """The pages the plan and the lists refused (nobots aside), at their stored revision."""
        notes = [(n.title, n.kind, n.detail) for n in self.result.plan.refused]
        left = [(title, why, detail, None) for title, why, detail
                in notes + self.result.lists_refused if why != "nobots"]
        return at_revisions(self.store, left)

    def apply(self, writer: PageWriter) -> None:
        """Plan, then write (or show) every planned page through ``writer``."""
        result = self.result
        result.run_id = writer.run_id
        ctx, records = self._context()
        result.plan = self._plan(records, ctx)
        editor = TemplateEditor(self.config.schema, self.store.get_json(META_REDIRECTS, {}))
        total = len(result.plan.pages)
        writer.expect(total)
        self.progress(PullEvent("read", 0, total, message="syncing pages"))
        try:
            apply_plan(result.plan, writer, ctx, editor, self._step)
        finally:
            self.settle(writer)
        self.progress(PullEvent("done", total, total))

    def settle(self, writer: PageWriter) -> None:
        """Take the session's outcomes, stop and conflicts into the result (after each step)."""
        self.result.outcomes = list(writer.outcomes)
        self.result.stopped = writer.stopped
        self.result.conflicts = writer.stats.conflicts

    def _final_counts(self) -> dict[str, Any]:
        """The run log's counts, with the requests and time spent since ``begin``."""
        result = self.result
        result.requests = _delta(self._before, self.gateway.requests)
        result.seconds = time.monotonic() - self._started
        return result.counts()

    def _step(self, done: int, total: int, outcome: WriteOutcome) -> None:
        """Progress after each page."""
        self.progress(PullEvent("stored", done, total, message="synced"))

    def _context(self) -> tuple[Context, list[Record]]:
        """The planning context (dataset matched, geocoding done) and the in-scope records."""
        records = list(self.store.records())
        m = for_wiki(self.config.wiki.language, self.config.schema.types, self.store)
        ctx = build_context(records, self.config.schema, self.rules, self._dataset().rows(), m=m)
        scoped = [r for r in records if self.options.in_scope(r.title)]
        if self.rules.geocode:
            queries = geocode_queries(scoped, ctx)
            report = geocode(queries, self.store, self._lookup() if queries else None)
            self.result.geocoding = report
            ctx = replace(ctx, geocoded=report.points)
        return ctx, scoped

    def _dataset(self) -> Dataset:
        """The reference dataset when the dataset rule is on (else an empty one)."""
        path = self.config.dataset.path
        if not self.rules.dataset or not path:
            return Dataset("", (), (), frozenset())
        return load_dataset(path, self.config.schema, encoding=self.config.dataset.encoding,
                            sheet=self.config.dataset.sheet)

    def _lookup(self) -> Lookup:
        """The geocoder given by the caller, else the configured address service."""
        if self.geocoder is None:
            self.geocoder = make_geocoder(self.config.geocode,
                                          self.config.wiki.user_agent).lookup
        return self.geocoder

    def _plan(self, records: list[Record], ctx: Context) -> Plan:
        """The plan for the in-scope pages (pages with no record checked for unsafety)."""
        with_records = {r.title for r in records}
        bare = [s.title for s in self.store.page_states().values()
                if self.options.in_scope(s.title) and s.title not in with_records]
        unsafe = {title: [p.code for p in self.store.page_problems(title) if p.unsafe]
                  for title in bare}
        return plan(records, ctx, bare, unsafe)


def _delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """Requests sent since ``before``, by kind (zeros left out)."""
    return {k: v - before.get(k, 0) for k, v in after.items() if v - before.get(k, 0)}


def sync(gateway: Gateway, store: Store, config: Config, options: SyncOptions | None = None,
         **kwargs: Any) -> SyncResult:
    """Run one sync (see ``SyncRun`` for the keyword arguments)."""
    return SyncRun(gateway, store, config, options or SyncOptions(), **kwargs).run()

