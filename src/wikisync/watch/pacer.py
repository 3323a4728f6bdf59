"""When to poll next: the configured interval, longer when the wiki is idle or away.

Idle: after ``IDLE_POLLS`` polls in a row that saw nothing new, each further idle poll
multiplies the interval by ``FACTOR``, up to ``max_interval``; the first change brings it
back to ``interval``. Away (a poll or a batch failed): the wait doubles from ``interval``
up to ``max_interval`` until the wiki answers again.
"""

from __future__ import annotations

from wikisync.config import WatchConfig

IDLE_POLLS = 30  # 5 minutes at the default 10 s before the interval grows
FACTOR = 1.5


class Pacer:
    """The watcher's poll interval and outage backoff (see the module doc)."""

    def __init__(self, config: WatchConfig) -> None:
        self.config = config
        self.current = config.interval
        self.idle_polls = 0
        self.failures = 0

    def idle(self) -> None:
        """A poll that saw nothing new: count it, and back off once idle for long."""
        self.idle_polls += 1
        if self.idle_polls > IDLE_POLLS:
            self.current = min(self.config.max_interval, self.current * FACTOR)

    def busy(self) -> None:
        """Something happened: poll at the configured interval again."""
        self.idle_polls = 0
        self.current = self.config.interval

    def failed(self) -> float:
        """The wiki is away: how long to wait before the next try (doubling, bounded)."""
        self.failures += 1
        return min(self.config.max_interval, self.config.interval * 2 ** (self.failures - 1))

    def answered(self) -> bool:
        """The wiki answered: forget the outage; True when there was one."""
        was, self.failures = self.failures, 0
        return was > 0
