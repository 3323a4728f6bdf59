"""``wikisync pull``: bring the store up to date with the wiki, reading as little as possible.

A first pull (or ``--full``) lists every page transcluding one of our templates (one query)
and reads their current revisions in batches of 500 (50 without ``apihighlimits``), parsing
a batch while the next one is fetched. Later pulls read ``list=recentchanges`` since the
stored checkpoint (minus a small overlap) and re-read only the pages that changed. Each
batch is stored in one transaction and the checkpoint moves last, so a pull killed at any
point leaves a consistent store that the next pull completes.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from wikisync.api import PageRevision
from wikisync.config import Config
from wikisync.store import PageState, Store, StoredPage, WikiIdentity
from wikisync.store.runs import RunKind, RunStatus
from wikisync.sync.changes import Change, plan_reads
from wikisync.sync.discover import discover, template_titles
from wikisync.sync.parsing import Parsed, Parser, make_parser
from wikisync.sync.wiki import site_identity

OVERLAP = timedelta(seconds=120)
RC_MAX_AGE = timedelta(days=90)  # $wgRCMaxAge's default; MediaWiki 1.39 does not expose it
META_REDIRECTS = "template_redirects"
META_SEEN = "rc_seen"


@dataclass(frozen=True)
class PullEvent:
    """A progress report: ``phase`` is discover, read, stored, note or done."""

    phase: str
    done: int = 0
    total: int | None = None
    message: str = ""
    batch: int = 0


PullProgress = Callable[[PullEvent], None]


class WikiReader(Protocol):
    """What pull needs from ``wikisync.api.Gateway``."""

    def call(self, params: Any, kind: str = "read", post: bool = False) -> dict[str, Any]: ...
    @property
    def requests(self) -> dict[str, int]: ...
    def site_info(self, refresh: bool = False) -> Any: ...
    def server_time(self) -> str: ...
    def recent_changes(self, start: str) -> Iterator[Any]: ...
    def iter_title_batches(self, titles: Iterable[str], *,
                           prefetch: bool = False) -> Iterator[Sequence[Any]]: ...


@dataclass(frozen=True)
class Drift:
    """A difference a ``--full`` pull found between the store and the wiki."""

    title: str
    kind: str  # changed, added, removed, moved
    detail: str = ""


@dataclass
class PullResult:
    """What a pull did, for the summary and the run log."""

    mode: str  # full, incremental, dump
    run_id: int = 0
    pages_read: int = 0
    pages_stored: int = 0
    pages_removed: int = 0
    batches: int = 0
    changes: int = 0  # recent changes looked at
    records: int = 0  # in the store at the end
    problems: Counter[str] = field(default_factory=Counter)  # in the store at the end
    requests: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    checkpoint: str | None = None
    notes: list[str] = field(default_factory=list)
    drift: list[Drift] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)  # pages read (not in the run log)

    def counts(self) -> dict[str, Any]:
        """The run log's counts."""
        return {
            "mode": self.mode, "pages_read": self.pages_read, "pages_stored": self.pages_stored,
            "pages_removed": self.pages_removed, "batches": self.batches,
            "changes": self.changes, "records": self.records,
            "problems": dict(self.problems), "requests": self.requests,
            "seconds": round(self.seconds, 3), "drift": len(self.drift), "notes": self.notes,
        }


def parse_time(stamp: str) -> datetime:
    """An API timestamp (``2024-05-01T10:00:00Z``) as an aware datetime."""
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def format_time(when: datetime) -> str:
    """An aware datetime as an API timestamp."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def stored_page(page: PageRevision) -> StoredPage | None:
    """The store's form of a page revision, or None if the page is missing or unreadable."""
    if page.missing or page.content is None or page.pageid is None or page.revid is None:
        return None
    return StoredPage(page.title, page.pageid, page.ns, page.revid, page.timestamp or "",
                      page.content)


class Puller:
    """One pull run: reads pages, parses them and stores the outcome, batch by batch."""

    def __init__(self, store: Store, config: Config, result: PullResult,
                 progress: PullProgress | None = None) -> None:
        self.store = store
        self.config = config
        self.result = result
        self.progress = progress or (lambda event: None)
        self.redirects: dict[str, list[str]] = store.get_json(META_REDIRECTS, {})
        self.parser: Parser = make_parser(config.schema, self.redirects)
        self.before: dict[int, PageState] = store.page_states()
        self.kept: set[int] = set()

    def set_redirects(self, redirects: Mapping[str, list[str]]) -> None:
        """Use these template redirects (target -> redirect titles) from now on."""
        self.redirects = dict(redirects)
        self.parser = make_parser(self.config.schema, self.redirects)

    def note(self, message: str) -> None:
        """Record and report a fact the user should know about this run."""
        self.result.notes.append(message)
        self.progress(PullEvent("note", message=message))

    def store_batch(self, pages: Sequence[tuple[str, StoredPage | None]], total: int | None,
                    track_drift: bool = False) -> None:
        """Parse and store one batch in one transaction, then report it."""
        parsed = [(title, page, self._parse(page)) for title, page in pages]
        with self.store.transaction():
            for title, page, outcome in parsed:
                self._store_one(title, page, outcome, track_drift)
        self.result.batches += 1
        self.progress(PullEvent("stored", self.result.pages_read, total,
                                batch=self.result.batches))

    def _parse(self, page: StoredPage | None) -> Parsed | None:
        if page is None:
            return None
        self.result.pages_read += 1
        self.result.titles.append(page.title)
        return self.parser(page.title, page.content)

    def _store_one(self, title: str, page: StoredPage | None, parsed: Parsed | None,
                   track_drift: bool) -> None:
        if page is None or parsed is None or not parsed.keep:
            removed = self.store.remove_page(title=title)
            if page is not None:
                removed = self.store.remove_page(pageid=page.pageid) or removed
            self.result.pages_removed += removed
            return
        if track_drift:
            self._drift(page)
        self.store.put_page(page, parsed.records, parsed.problems, self.result.run_id)
        self.kept.add(page.pageid)
        self.result.pages_stored += 1

    def _drift(self, page: StoredPage) -> None:
        old = self.before.get(page.pageid)
        if old is None:
            self.result.drift.append(Drift(page.title, "added", f"revision {page.revid}"))
        elif old.revid != page.revid or old.sha1 != page.sha1:
            detail = f"revision {old.revid} -> {page.revid}"
            self.result.drift.append(Drift(page.title, "changed", detail))
        elif old.title != page.title:
            self.result.drift.append(Drift(page.title, "moved", f"from {old.title}"))

    def read_titles(self, reader: WikiReader, titles: list[str],
                    track_drift: bool = False) -> None:
        """Read these titles' current revisions batch by batch (prefetching) and store them."""
        self.progress(PullEvent("read", 0, len(titles)))
        for batch in reader.iter_title_batches(titles, prefetch=True):
            pages = [(page.title, stored_page(page)) for page in batch]
            self.store_batch(pages, len(titles), track_drift)

    def finish(self, checkpoint: str, seen: list[int] | None = None,
               stale: Iterable[int] = (), wiki: WikiIdentity | None = None) -> None:
        """Drop stale pages and move the checkpoint, in one last transaction.

        ``seen`` replaces the rc ids already handled (None keeps them: a full read does
        not look at recent changes). ``wiki`` is recorded as the store's wiki if it has none.
        """
        with self.store.transaction():
            for pageid in stale:
                self.result.pages_removed += self.store.remove_page(pageid=pageid)
            self.store.set_json(META_REDIRECTS, self.redirects)
            if seen is not None:
                self.store.set_json(META_SEEN, seen)
            self.store.set_checkpoint(checkpoint)
            if wiki is not None and self.store.wiki_identity() is None:
                self.store.set_wiki_identity(wiki)
        self.result.checkpoint = checkpoint


# --- full and incremental --------------------------------------------------------------


def _wiki_now(reader: WikiReader) -> tuple[str, Any]:
    """The wiki's current time (from siteinfo, refreshed) and the site facts."""
    site = reader.site_info(refresh=True)
    return (getattr(site, "time", None) or reader.server_time()), site


def _identity(reader: WikiReader, puller: Puller) -> WikiIdentity:
    """The wiki read, for the store to remember (site facts cached by ``_wiki_now``)."""
    return site_identity(reader.site_info(), puller.config.wiki.api or "")


def full_pull(reader: WikiReader, puller: Puller, now: str | None = None) -> None:
    """Read every page transcluding our templates; drop stored pages that no longer do."""
    if now is None:
        now, _ = _wiki_now(reader)
    track = puller.store.checkpoint is not None
    puller.progress(PullEvent("discover", message="listing pages using the templates"))
    found = discover(reader, template_titles(puller.config.schema))
    puller.set_redirects(found.redirects)
    puller.read_titles(reader, found.titles, track_drift=track)
    _reread_unlisted(reader, puller, track)
    stale = [pid for pid in puller.before if pid not in puller.kept]
    if track:
        puller.result.drift.extend(
            Drift(puller.before[pid].title, "removed", "no longer on the wiki or templates")
            for pid in stale
        )
    puller.finish(now, None, stale, _identity(reader, puller))


def _reread_unlisted(reader: WikiReader, puller: Puller, track: bool) -> None:
    """Read stored pages the discovery missed: a broken infobox transcludes nothing, yet
    its page still has a record (``parse.broken``); the others are then dropped as stale."""
    unlisted = [state.title for pid, state in puller.before.items() if pid not in puller.kept]
    if unlisted:
        puller.read_titles(reader, unlisted, track_drift=track)


def incremental_pull(reader: WikiReader, puller: Puller, checkpoint: str) -> None:
    """Read the recent changes since the checkpoint and re-read only the pages they touch."""
    now, site = _wiki_now(reader)
    max_age = timedelta(seconds=getattr(site, "rc_max_age", None) or RC_MAX_AGE.total_seconds())
    if parse_time(now) - parse_time(checkpoint) > max_age - OVERLAP:
        puller.note(f"the checkpoint {checkpoint} is older than the wiki keeps recent changes"
                    f" ({max_age.days} days): reading everything again")
        puller.result.mode = "full"
        full_pull(reader, puller, now)
        return
    start = format_time(parse_time(checkpoint) - OVERLAP)
    changes: list[Change] = list(reader.recent_changes(start))
    seen = set(puller.store.get_json(META_SEEN, []))
    plan = plan_reads(changes, puller.before, seen)
    puller.result.changes = len(plan.handled)
    titles = plan.titles
    if plan.template_edits:
        titles = _after_template_edits(reader, puller, titles)
    if titles:
        puller.read_titles(reader, titles)
    horizon = parse_time(now) - OVERLAP
    recent = [c.rcid for c in changes if parse_time(c.timestamp) >= horizon]
    puller.finish(now, sorted(recent), wiki=_identity(reader, puller))


def _after_template_edits(reader: WikiReader, puller: Puller, titles: list[str]) -> list[str]:
    """A template page changed: refresh the redirects, read pages using a new one."""
    found = discover(reader, template_titles(puller.config.schema))
    if found.redirects == puller.redirects:
        return titles
    puller.note("template redirects changed: reading the pages that use them")
    puller.set_redirects(found.redirects)
    stored = {state.title for state in puller.before.values()}
    return list(dict.fromkeys([*titles, *(t for t in found.titles if t not in stored)]))


def pull(reader: WikiReader, store: Store, config: Config, *, full: bool = False,
         progress: PullProgress | None = None) -> PullResult:
    """Bring the store up to date: incremental when possible, full when asked or needed."""
    checkpoint = store.checkpoint
    if full or checkpoint is None:
        return run_pull(store, config, "full", progress,
                        lambda puller: full_pull(reader, puller), lambda: reader.requests)
    return run_pull(store, config, "incremental", progress,
                    lambda puller: incremental_pull(reader, puller, checkpoint),
                    lambda: reader.requests)


def run_pull(store: Store, config: Config, mode: str, progress: PullProgress | None,
             body: Callable[[Puller], None],
             counters: Callable[[], Mapping[str, int]] = dict) -> PullResult:
    """Run ``body`` as one logged run: counts requests and time, logs the run's outcome."""
    result = PullResult(mode=mode, run_id=store.start_run(RunKind.PULL))
    puller = Puller(store, config, result, progress)
    before = dict(counters())
    started = time.monotonic()
    status = RunStatus.FAILED
    try:
        body(puller)
        status = RunStatus.OK
    except KeyboardInterrupt:
        status = RunStatus.INTERRUPTED
        raise
    finally:
        spent = {k: v - before.get(k, 0) for k, v in counters().items()}
        _close(store, result, started, status, spent)
        puller.progress(PullEvent("done", result.pages_read, result.pages_read))
    return result


def _close(store: Store, result: PullResult, started: float, status: RunStatus,
           requests: dict[str, int]) -> None:
    """Fill the end-of-run totals and log the run."""
    result.requests = {kind: count for kind, count in requests.items() if count}
    result.seconds = time.monotonic() - started
    result.records = store.record_count()
    result.problems = store.problem_counts()
    store.finish_run(result.run_id, status, result.counts())
