"""The watcher's parts without a wiki: coalescing, pacing, the bot's own edits, outages."""

from __future__ import annotations

from collections.abc import Collection

import pytest

from wikisync.api import RecentChange
from wikisync.config import WatchConfig
from wikisync.errors import WikiUnreachable
from wikisync.store import Store
from wikisync.watch.heartbeat import read_heartbeat
from wikisync.watch.loop import Handled, Watcher
from wikisync.watch.pacer import FACTOR, IDLE_POLLS, Pacer
from wikisync.watch.pending import Pending, wiki_seconds
from wikisync.watch.poll import Poll, Seen
from wikisync.watch.stop import Stopper, Stopping

CONFIG = WatchConfig(interval=10.0, max_interval=60.0, quiet=2.0)
T0 = "2026-01-01T10:00:00Z"


def stamp(seconds: float) -> str:
    """T0 plus ``seconds``, as the API writes it."""
    whole = int(wiki_seconds(T0) + seconds)
    from datetime import UTC, datetime

    return datetime.fromtimestamp(whole, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def change(rcid: int, title: str, at: float, user: str = "Editor", revid: int = 0,
           kind: str = "edit", log_type: str | None = None) -> Seen:
    """One recent change ``at`` seconds after T0."""
    return Seen(RecentChange(kind, title, 0, rcid, revid or rcid, 0, rcid, stamp(at),
                             log_type=log_type), user)


class FakeWiki:
    """Poll answers in order (the wiki's clock moves with each), and what was handled."""

    def __init__(self) -> None:
        self.now = 0.0
        self.changes: list[Seen] = []
        self.calls = 0
        self.handled: list[list[str]] = []
        self.fail = 0
        self.written: list[int] = []

    def poll(self, start: str) -> Poll:
        """One poll: every change so far (the window never moves in these tests)."""
        self.calls += 1
        if self.fail:
            self.fail -= 1
            raise WikiUnreachable("wiki unreachable: connection refused")
        return Poll(stamp(self.now), tuple(self.changes))

    def window(self, since: str | None) -> str:
        """Where polls start (not looked at by the fake)."""
        return T0

    def handle(self, titles: list[str]) -> Handled:
        """Record the batch; the bot's edits (``written``) are returned as its revisions."""
        self.handled.append(list(titles))
        written, self.written = self.written, []
        return Handled(run_id=len(self.handled), written=written)


def watcher(wiki: FakeWiki, store: Store, page_logs: Collection[str] = ("delete", "move"),
            config: WatchConfig = CONFIG) -> Watcher:
    """A watcher on the fake wiki, the bot being ``Bot``."""
    return Watcher(store, config, wiki.poll, wiki, bot_user="Bot", page_logs=page_logs,
                   stopper=Stopper())


def test_a_burst_of_saves_is_handled_once_after_the_quiet_time() -> None:
    wiki, store = FakeWiki(), Store(":memory:")
    watch = watcher(wiki, store)
    wiki.changes = [change(i + 1, "Page", at=i * 0.5) for i in range(5)]  # 5 saves in 2 s
    wiki.now = 2.0
    wait = watch.turn()
    assert wiki.handled == [] and 1.5 < wait <= 2.0  # the last save (2 s) settles at 4 s
    wiki.now = 4.0
    watch.turn()
    assert wiki.handled == [["Page"]]
    wiki.now = 20.0
    watch.turn()
    assert wiki.handled == [["Page"]] and wiki.calls == 3


def test_the_bots_own_edits_and_other_logs_trigger_nothing() -> None:
    wiki, store = FakeWiki(), Store(":memory:")
    watch = watcher(wiki, store)
    wiki.changes = [change(1, "A", 0, user="Bot"), change(2, "User:X", 0, kind="log",
                                                           log_type="block")]
    wiki.now = 10.0
    watch.turn()
    assert wiki.handled == []
    wiki.changes.append(change(3, "B", 10))
    wiki.written = [99]  # the batch for B saves revision 99...
    wiki.now = 13.0
    watch.turn()
    wiki.changes.append(change(4, "B", 13, user="someone-else", revid=99))  # ...seen later
    wiki.now = 30.0
    watch.turn()
    assert wiki.handled == [["B"]]  # neither the user name nor revision 99 triggered again


def test_an_idle_poll_is_one_request_and_the_interval_backs_off_to_the_maximum() -> None:
    wiki, store = FakeWiki(), Store(":memory:")
    watch = watcher(wiki, store)
    waits = [watch.turn() for _ in range(IDLE_POLLS + 10)]
    assert wiki.calls == IDLE_POLLS + 10 and wiki.handled == []
    assert waits[:IDLE_POLLS] == [10.0] * IDLE_POLLS
    assert waits[IDLE_POLLS] == 10.0 * FACTOR and waits[-1] == 60.0
    wiki.changes = [change(1, "A", 0)]
    assert watch.turn() <= 10.0  # something happened: back to the interval (or sooner)


def test_a_wiki_that_goes_away_is_waited_out_with_a_bounded_backoff(
    caplog: pytest.LogCaptureFixture,
) -> None:
    wiki, store = FakeWiki(), Store(":memory:")
    watch = watcher(wiki, store)
    wiki.fail = 5
    waits = [watch.turn() for _ in range(5)]
    assert waits == [10.0, 20.0, 40.0, 60.0, 60.0]
    assert sum("the wiki is away" in r.message for r in caplog.records if r.levelname
               == "WARNING") == 1  # one warning line per outage, then info lines
    beat = read_heartbeat(store)
    assert beat is not None and beat.away and "connection refused" in beat.away
    wiki.changes = [change(1, "A", 0)]
    wiki.now = 5.0
    watch.turn()
    assert wiki.handled == [["A"]] and "the wiki answers again" in caplog.text
    assert read_heartbeat(store).away is None  # type: ignore[union-attr]


def test_pages_left_waiting_survive_a_restart() -> None:
    wiki, store = FakeWiki(), Store(":memory:")
    watcher(wiki, store).turn()
    wiki.changes = [change(1, "A", 0)]
    wiki.now = 1.0
    watcher(wiki, store).turn()  # noted, not settled yet; then this watcher is gone
    wiki.changes = []  # the new watcher's window no longer shows the change
    again = watcher(wiki, store)
    wiki.now = 3.0
    again.turn()
    assert wiki.handled == [["A"]]


def test_a_move_concerns_both_titles_and_the_shutoff_page_wakes_stopped_pages() -> None:
    wiki, store = FakeWiki(), Store(":memory:")
    watch = Watcher(store, CONFIG, wiki.poll, wiki, bot_user="Bot", page_logs={"move"},
                    stopper=Stopper(), wake_titles=["Arrêt"])
    moved = RecentChange("log", "Old", 0, 1, 0, 0, 1, stamp(0), log_type="move",
                         target_title="New")
    wiki.changes = [Seen(moved, "Editor")]
    wiki.now = 5.0
    watch.turn()
    assert wiki.handled == [["Old", "New"]]
    watch.pending.later(["Stuck"], wiki_seconds(stamp(1000)))  # a batch stopped by shutoff
    wiki.changes.append(change(2, "Arrêt", 6))
    wiki.now = 9.0
    watch.turn()
    assert wiki.handled[-1] == ["Stuck", "Arrêt"]


def test_pending_and_pacer_rules() -> None:
    pending = Pending()
    pending.note("A", 10)
    pending.note("A", 8)  # an older change never makes a page ready sooner
    assert pending.due(9) == [] and pending.due(10) == ["A"] and pending.next_ready() == 10
    pacer = Pacer(WatchConfig(interval=1.0, max_interval=3.0, quiet=0))
    assert [pacer.failed() for _ in range(4)] == [1.0, 2.0, 3.0, 3.0]
    assert pacer.answered() and not pacer.answered()


def test_a_stop_ends_the_loop_and_sleeps_raise_once_asked() -> None:
    wiki, store = FakeWiki(), Store(":memory:")
    stopper = Stopper(grace=60)
    watch = Watcher(store, CONFIG, wiki.poll, wiki, bot_user="Bot", page_logs=(),
                    stopper=stopper)
    stopper.ask()
    stopper.disarm()
    result = watch.run()
    assert result.stopped_by == "signal" and result.polls == 1
    with pytest.raises(Stopping):
        stopper.sleep(5)
