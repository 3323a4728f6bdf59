"""The watcher's loop: poll, note the changes people made, hand settled pages to the handler.

One turn (``Watcher.turn``): ask the handler for the window (from the earlier of the store's
checkpoint and the watcher's own last poll, minus the pull's overlap), poll once, note each
new change that is not the bot's own (its user name, or a revision the watcher saved) on
its title (and a move's new title), hand the pages whose quiet time is over to
``Handler.handle`` (which pulls and writes), beat the heartbeat, then wait for the next poll
or the next page to settle.
Wiki failures are waited out (``Pacer.failed``, one log line when it starts and one when the
wiki is back); ``Stopping`` (a signal) ends the loop.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from typing import Protocol

from wikisync.config import WatchConfig
from wikisync.errors import Blocked, WikiError
from wikisync.store import Store
from wikisync.store.store import now_iso
from wikisync.watch.heartbeat import Heartbeat, beat, own_pid
from wikisync.watch.pacer import Pacer
from wikisync.watch.pending import META_PENDING, Pending, wiki_seconds
from wikisync.watch.poll import Poll, Seen
from wikisync.watch.stop import Stopper, Stopping

log = logging.getLogger("wikisync.watch")

OWN_REVIDS = 2000  # the bot's own recent revisions remembered (they trigger nothing)
META_SINCE = "watch_since"  # the wiki time of the watcher's last answered poll
HOUSEKEEPING = 600.0  # wiki seconds: pull anyway when only ignored changes came meanwhile


@dataclass
class Handled:
    """What the handler did with a batch of pages."""

    run_id: int = 0  # the write session's run (0: nothing needed writing)
    written: list[int] = field(default_factory=list)  # revisions saved: the bot's own
    retry: list[str] = field(default_factory=list)  # not done now (shutoff, read-only…)
    away: str | None = None  # why the wiki cannot be written now (read-only), if so


class Handler(Protocol):
    """What the loop needs from ``ops.watch``: the window, and what to do for pages."""

    def window(self, since: str | None) -> str: ...
    def handle(self, titles: list[str]) -> Handled: ...


@dataclass
class WatchResult:
    """What a watcher's life did (the command's last line)."""

    polls: int = 0
    batches: int = 0
    edits: int = 0
    runs: list[int] = field(default_factory=list)
    stopped_by: str = ""


class Watcher:
    """The loop of the module doc, on one store, one poll function and one handler."""

    def __init__(self, store: Store, config: WatchConfig, poll: Callable[[str], Poll],
                 handler: Handler, *, bot_user: str | None, page_logs: Collection[str],
                 stopper: Stopper, wake_titles: Collection[str] = (),
                 clock: Callable[[], float] = time.monotonic,
                 result: WatchResult | None = None) -> None:
        self.store = store
        self.config = config
        self.poll = poll
        self.handler = handler
        self.bot_user = bot_user
        self.page_logs = frozenset(page_logs)
        self.stopper = stopper
        self.wake_titles = frozenset(t for t in wake_titles if t)  # the shutoff page
        self.clock = clock
        self.pacer = Pacer(config)
        self.pending = Pending(store.get_json(META_PENDING, {}) or {})
        self.noted: set[int] = set()  # rc ids already looked at (within the window)
        self.since: str | None = store.get_meta(META_SINCE)  # the wiki time of the last poll
        self.own = deque[int](maxlen=OWN_REVIDS)
        self.result = result if result is not None else WatchResult()
        self.heartbeat = Heartbeat(own_pid(), now_iso(), interval=config.interval)
        self._ignored_since: float | None = None  # wiki time of the first ignored change

    def run(self) -> WatchResult:
        """Turn until a stop is asked; a blocked account ends it (exit 3), nothing else."""
        beat(self.store, self.heartbeat)
        try:
            while True:
                self.stopper.sleep(self.turn())
        except Stopping:
            self.result.stopped_by = "signal"
        return self.result

    def turn(self) -> float:
        """One poll and the batch it makes due; the seconds to wait before the next turn."""
        try:
            wait = self._turn()
        except (Stopping, Blocked):
            raise
        except WikiError as exc:
            wait = self._away(exc.message)
        self._beat()
        return wait

    def _turn(self) -> float:
        """Poll, note, handle what is due; the wait until the next turn."""
        polled = self.poll(self.handler.window(self.since))
        asked_at = self.clock()
        if self.pacer.answered():
            log.warning("the wiki answers again: watching")
            self.heartbeat = replace(self.heartbeat, away=None)
        self.result.polls += 1
        self.heartbeat = replace(self.heartbeat, last_poll=now_iso())
        now = wiki_seconds(polled.now)
        fresh = self._note(polled)
        self._watermark(polled.now)
        self._handle(now, self.pending.due(now))
        self._housekeep(now)
        return self._next_wait(now, asked_at, fresh)

    def _note(self, polled: Poll) -> bool:
        """Note the new changes people made; True when there was any (not idle).

        Only the loop's own notes say what is new: a change a batch's pull read before this
        loop saw it must still trigger its page (so a new watcher looks again at the whole
        window from its last poll: handling a page twice writes nothing the second time).
        """
        self.noted &= {s.change.rcid for s in polled.changes}  # the window only moves on
        fresh = False
        for item in polled.changes:
            rcid = item.change.rcid
            if rcid in self.noted:
                continue
            self.noted.add(rcid)
            if self._own(item) or not self._changes_a_page(item):
                self._ignored_since = self._ignored_since or wiki_seconds(item.change.timestamp)
                continue
            fresh = True
            ready = wiki_seconds(item.change.timestamp) + self.config.quiet
            for title in self._titles(item):
                self.pending.note(title, ready)
                if title in self.wake_titles:  # the shutoff page: retry what it stopped
                    self.pending.sooner(ready)
        if fresh:
            self._save_pending()
        return fresh

    def _own(self, item: Seen) -> bool:
        """Whether the bot made this change (its user name, or a revision it saved)."""
        if self.bot_user and item.user == self.bot_user:
            return True
        return item.change.revid in self.own if item.change.revid else False

    def _changes_a_page(self, item: Seen) -> bool:
        """An edit, a creation, or a log event that changes a page's text or existence."""
        change = item.change
        return change.type in ("edit", "new") or (change.type == "log"
                                                  and change.log_type in self.page_logs)

    @staticmethod
    def _titles(item: Seen) -> list[str]:
        """The pages a change concerns (a move: both titles)."""
        change = item.change
        return [change.title] + ([change.target_title] if change.target_title else [])

    def _handle(self, now: float, due: list[str]) -> None:
        """Hand the due pages to the handler; stopped ones wait, handled ones are dropped."""
        if not due:
            return
        log.info("handling %d page%s: %s", len(due), "s" * (len(due) > 1),
                 ", ".join(due[:5]) + (" …" if len(due) > 5 else ""))
        done = self.handler.handle(due)
        self._ignored_since = None
        self.pending.drop(due)
        self._after(now, done)
        self._save_pending()

    def _after(self, now: float, done: Handled) -> None:
        """Count a batch; remember the bot's revisions; put back what could not be done."""
        self.result.batches += 1
        self.result.edits += len(done.written)
        self.own.extend(done.written)
        if done.run_id:
            self.result.runs.append(done.run_id)
        if done.retry:
            delay = self.config.max_interval
            self.pending.later(done.retry, now + delay)
            log.warning("%d page%s to try again in %.0f s (%s)", len(done.retry),
                        "s" * (len(done.retry) > 1), delay, done.away or "edits stopped")
        self.heartbeat = replace(self.heartbeat, batches=self.result.batches,
                                 last_run=done.run_id or self.heartbeat.last_run,
                                 away=done.away)

    def _housekeep(self, now: float) -> None:
        """Only ignored changes (the bot's, other logs) for long: pull so the window moves."""
        since = self._ignored_since
        if since is not None and not len(self.pending) and now - since > HOUSEKEEPING:
            self.handler.handle([])
            self._ignored_since = None

    def _next_wait(self, now: float, asked_at: float, fresh: bool) -> float:
        """The interval (backed off when idle), or less when a waiting page settles sooner."""
        if fresh or len(self.pending):
            self.pacer.busy()
        else:
            self.pacer.idle()
        wait = self.pacer.current
        ready = self.pending.next_ready()
        if ready is not None:
            elapsed = self.clock() - asked_at
            wait = min(wait, max(0.05, ready - now - elapsed))
        return wait

    def _away(self, why: str) -> float:
        """A poll or batch failed: log (once per outage), and the wait before trying again."""
        first = self.pacer.failures == 0
        wait = self.pacer.failed()
        level = logging.WARNING if first else logging.INFO
        log.log(level, "the wiki is away (%s): trying again in %.1f s", why, wait)
        self.heartbeat = replace(self.heartbeat, away=why)
        return wait

    def _watermark(self, now: str) -> None:
        """Remember the wiki time of this poll: the next window starts no later than it."""
        self.since = now
        self.store.set_meta(META_SINCE, now)

    def _save_pending(self) -> None:
        """Keep the waiting pages in the store (a restart handles them)."""
        self.store.set_json(META_PENDING, self.pending.as_json())

    def _beat(self) -> None:
        """Write the heartbeat after each turn."""
        self.heartbeat = replace(self.heartbeat, polls=self.result.polls,
                                 interval=self.pacer.current, pending=len(self.pending))
        beat(self.store, self.heartbeat)

