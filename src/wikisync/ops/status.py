"""``wikisync status``: what the store says about the last runs, and whether the bot may edit.

The store part never writes (a missing store is reported, not created); the wiki part
logs in, reads the site facts and the shutoff page the way every writer does (fail closed).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wikisync.api import Gateway
from wikisync.audit.openers import misplaced_openers
from wikisync.config import Config
from wikisync.errors import ReadOnly, WikisyncError
from wikisync.ops.lock import LockInfo, holder_running, lock_path
from wikisync.schema import Schema
from wikisync.store import RunInfo, Store
from wikisync.store.runs import RunKind
from wikisync.watch.heartbeat import Heartbeat, read_heartbeat
from wikisync.write import read_shutoff
from wikisync.write.left import KNOWABLE, LeftPage, latest_left


@dataclass(frozen=True)
class RunLine:
    """One run as ``status`` shows it."""

    id: int
    kind: str
    started: str
    ended: str | None
    status: str
    edits: int | None
    problems: int | None

    @classmethod
    def of(cls, run: RunInfo) -> RunLine:
        """The line of a run-log entry (edits and problems from its counts, when it has them)."""
        return cls(run.id, run.kind, run.started, run.ended, run.status,
                   run_edits(run), run_problems(run))


@dataclass
class StoreStatus:
    """The store's side: runs, checkpoint, contents, problems, a run in progress."""

    path: str
    exists: bool
    last_run: RunLine | None = None  # the latest ``run`` cycle, else the latest run
    latest: dict[str, RunLine] = field(default_factory=dict)  # latest of each kind
    checkpoint: str | None = None
    checkpoint_age: float | None = None  # seconds
    pages: int = 0
    records: int = 0
    problems: dict[str, int] = field(default_factory=dict)
    running: LockInfo | None = None
    lists_ignored: list[tuple[str, str]] = field(default_factory=list)  # (title, where)
    watcher: Heartbeat | None = None  # the last heartbeat of ``wikisync watch``
    left: list[LeftPage] = field(default_factory=list)  # left undone by the latest writing run


@dataclass
class WikiStatus:
    """The wiki's side: reachable, read-only, and whether the shutoff page allows editing."""

    checked: bool = False
    error: str | None = None
    error_code: int = 0
    sitename: str = ""
    user: str | None = None
    readonly: bool = False
    shutoff_page: str | None = None
    editing_allowed: bool | None = None
    detail: str = ""


def run_edits(run: RunInfo) -> int | None:
    """Edits a logged run made: a cycle's ``edits.total``, a sync's ``edited``."""
    edits = run.counts.get("edits")
    if isinstance(edits, dict):
        return int(edits.get("total", 0))
    edited = run.counts.get("edited")
    return int(edited) if isinstance(edited, int) else None


def run_problems(run: RunInfo) -> int | None:
    """Problems a logged run left in the store, when it counted them."""
    problems = run.counts.get("problems")
    if isinstance(problems, dict):
        total = problems.get("total")
        return int(total) if isinstance(total, int) else sum(problems.values())
    return None


def age_seconds(stamp: str | None, now: datetime | None = None) -> float | None:
    """Seconds since an ISO timestamp (``Z`` or offset), or None."""
    if not stamp:
        return None
    when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return ((now or datetime.now(UTC)) - when).total_seconds()


def store_status(state_path: str, now: datetime | None = None,
                 schema: Schema | None = None) -> StoreStatus:
    """Read the store (never creating it) and the lock file; with ``schema``, also the list
    openers the bot cannot fill."""
    status = StoreStatus(state_path, Path(state_path).is_file(),
                         running=holder_running(lock_path(state_path)))
    if not status.exists:
        return status
    with Store(state_path) as store:
        runs = store.runs(limit=200)
        status.latest = {kind: RunLine.of(next(r for r in runs if r.kind == kind))
                         for kind in dict.fromkeys(r.kind for r in runs)}
        cycles = [r for r in runs if r.kind == RunKind.RUN]
        last = cycles[0] if cycles else (runs[0] if runs else None)
        status.last_run = RunLine.of(last) if last else None
        status.checkpoint = store.checkpoint
        status.checkpoint_age = age_seconds(store.checkpoint, now)
        status.pages, status.records = store.page_count(), store.record_count()
        status.problems = dict(sorted(store.problem_counts().items()))
        status.watcher = read_heartbeat(store)
        status.left = latest_left(store)
        if schema is not None:
            status.lists_ignored = misplaced_openers(store, schema)
    return status


def wiki_status(gateway: Gateway, config: Config) -> WikiStatus:
    """Ask the wiki: site facts, and the shutoff page read as a writer reads it."""
    status = WikiStatus(checked=True, shutoff_page=config.safety.shutoff_page)
    try:
        if config.wiki.username:
            gateway.login()
        site = gateway.site_info(refresh=True)
        status.sitename, status.user, status.readonly = site.sitename, site.username, \
            site.readonly
        stop = read_shutoff(gateway, config.safety)
        status.editing_allowed = stop is None and not site.readonly
        status.detail = _shutoff_detail(config, stop is None, str(stop) if stop else None,
                                        site.readonly)
    except ReadOnly:  # a read-only wiki may refuse even the login
        status.readonly, status.editing_allowed = True, False
        status.detail = _shutoff_detail(config, False, None, True)
    except WikisyncError as exc:
        status.error, status.error_code = exc.message, exc.exit_code
    return status


def _shutoff_detail(config: Config, allowed: bool, stopped: str | None, readonly: bool) -> str:
    """Why the bot may or may not edit now, in one phrase."""
    if readonly:
        return "the wiki is read-only"
    if not allowed:
        return stopped or "the shutoff page forbids editing"
    page = config.safety.shutoff_page
    if page is None:
        return "no shutoff page configured ([safety] shutoff_page)"
    return f"{page} says {config.safety.run_word!r}"


def as_dict(store: StoreStatus, wiki: WikiStatus | None) -> dict[str, Any]:
    """Both sides as plain data (``status --json``)."""
    return {"store": asdict(store), "wiki": asdict(wiki) if wiki else None}


def human_age(seconds: float | None) -> str:
    """``3 d 4 h``, ``2 h 5 min``, ``12 min``, ``40 s`` (or ``-``)."""
    if seconds is None:
        return "-"
    seconds = max(0, int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min" if minutes else f"{secs} s"


def run_phrase(run: RunLine) -> str:
    """``run 12 (run) 2026-… ok, 3 edits, 12 problems``."""
    parts = [f"run {run.id} ({run.kind}) started {run.started}: {run.status}"]
    if run.edits is not None:
        parts.append(f"{run.edits} edit{'s' if run.edits != 1 else ''}")
    if run.problems is not None:
        parts.append(f"{run.problems} problem{'s' if run.problems != 1 else ''}")
    return ", ".join(parts)


def store_lines(status: StoreStatus, now: datetime | None = None) -> list[str]:
    """The store's side, one fact a line."""
    running = status.running
    lines = [f"running now: {running.describe()}" if running else "running now: no"]
    if not status.exists:
        return [f"store: {status.path} does not exist yet (run `wikisync pull` or "
                "`wikisync run`)", *lines]
    lines.insert(0, f"store: {status.path} ({status.pages} pages, {status.records} records)")
    last = status.last_run
    lines.append(f"last run: {run_phrase(last)}" if last else "last run: none yet")
    if last and last.ended:
        lines[-1] += f" (ended {human_age(age_seconds(last.ended, now))} ago)"
    lines += [f"  latest {kind}: {run_phrase(run)}" for kind, run in status.latest.items()
              if last is None or run.id != last.id]
    age = human_age(status.checkpoint_age)
    lines.append(f"checkpoint: {status.checkpoint} ({age} ago)" if status.checkpoint
                 else "checkpoint: none (the next pull reads everything)")
    total = sum(status.problems.values())
    counted = ", ".join(f"{code} {n}" for code, n in status.problems.items())
    lines.append(f"open problems: {total}" + (f" ({counted})" if counted else ""))
    lines.append(watcher_line(status.watcher, status.running, now))
    lines.append(ignored_line(status.lists_ignored))
    return lines + left_lines(status.left)


def left_lines(left: list[LeftPage], shown: int = 10) -> list[str]:
    """The pages the latest writing run left undone, each with the run that first said so."""
    lines = [f"left undone by the latest writing run: {len(left) or 'none'}"]
    for page in left[:shown]:
        if page.first_run == page.last_run:
            since = f"new in run {page.last_run}"
        elif page.reason in KNOWABLE:
            since = f"known, unchanged since run {page.first_run}"
        else:
            since = f"since run {page.first_run}"
        lines.append(f"  {page.title} ({page.reason}, r{page.revid}): {since}")
    if len(left) > shown:
        lines.append(f"  ... and {len(left) - shown} more")
    return lines


def watcher_line(beat: Heartbeat | None, running: LockInfo | None,
                 now: datetime | None = None) -> str:
    """``watcher: running (PID 12) since …, last poll 4 s ago (…)``, or not running."""
    if beat is None:
        return "watcher: never ran (wikisync watch)"
    last = f"last poll {human_age(age_seconds(beat.last_poll, now))} ago" \
        if beat.last_poll else "no poll yet"
    alive = running is not None and running.command == "watch" and running.pid == beat.pid
    if not alive:
        return f"watcher: not running ({last}, at {beat.last_poll or '-'})"
    away = f"; the wiki is away: {beat.away}" if beat.away else ""
    return (f"watcher: running (PID {beat.pid}) since {beat.started}, {last} (every "
            f"{beat.interval:g} s, {beat.polls} polls, {beat.batches} batches, "
            f"{beat.pending} pages waiting){away}")


def ignored_line(found: list[tuple[str, str]]) -> str:
    """``list-opener-ignored: 2 on 1 page (A)``: the lists editors asked for and never get."""
    if not found:
        return "list-opener-ignored: 0"
    titles = list(dict.fromkeys(title for title, _ in found))
    shown = ", ".join(titles[:5]) + (f" and {len(titles) - 5} more" if len(titles) > 5 else "")
    pages = f"{len(titles)} page{'s' if len(titles) != 1 else ''}"
    return (f"list-opener-ignored: {len(found)} on {pages} ({shown}): placed where the bot "
            "cannot write a list (see docs/generate.md)")


def wiki_lines(status: WikiStatus) -> list[str]:
    """The wiki's side, one fact a line."""
    if status.error:
        return [f"wiki: cannot check: {status.error}"]
    who = status.user or "anonymous"
    readonly = "yes" if status.readonly else "no"
    name = status.sitename or "(site facts not read)"
    lines = [f"wiki: {name} (as {who}; read-only: {readonly})"]
    state = "allowed" if status.editing_allowed else "NOT allowed"
    lines.append(f"editing: {state} ({status.detail})")
    return lines
