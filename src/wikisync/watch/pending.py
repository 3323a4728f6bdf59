"""Pages waiting to be handled, each with the wiki time from which it may be (bursts coalesce).

A page changed at wiki time ``t`` is ready at ``t + quiet``; another change before then
moves it later, so five saves in a row are handled once, after the last one settles.
The set survives a restart (the store keeps it): a watcher stopped with pages waiting
handles them when it starts again, although the pull already moved the checkpoint.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

META_PENDING = "watch_pending"


def wiki_seconds(stamp: str) -> float:
    """An API timestamp (``2024-05-01T10:00:00Z``) as POSIX seconds."""
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


class Pending:
    """Title -> the wiki time (POSIX seconds) from which it may be handled."""

    def __init__(self, ready: dict[str, float] | None = None) -> None:
        self.ready: dict[str, float] = dict(ready or {})

    def __len__(self) -> int:
        """How many pages wait."""
        return len(self.ready)

    def note(self, title: str, when: float) -> None:
        """A change to ``title``: ready at ``when`` unless it is already waiting for later."""
        self.ready[title] = max(when, self.ready.get(title, when))

    def due(self, now: float) -> list[str]:
        """The pages ready at ``now``, in the order they were noted."""
        return [title for title, when in self.ready.items() if when <= now]

    def next_ready(self) -> float | None:
        """The earliest time a waiting page becomes ready (None: nothing waits)."""
        return min(self.ready.values(), default=None)

    def drop(self, titles: Iterable[str]) -> None:
        """These pages were handled."""
        for title in titles:
            self.ready.pop(title, None)

    def later(self, titles: Iterable[str], when: float) -> None:
        """Try these pages again from ``when`` (a stopped batch: shutoff, read-only)."""
        for title in titles:
            self.ready[title] = when

    def sooner(self, when: float) -> None:
        """Every page waiting past ``when`` becomes ready then (the shutoff page changed)."""
        self.ready = {title: min(ready, when) for title, ready in self.ready.items()}

    def as_json(self) -> dict[str, float]:
        """The store's form."""
        return dict(self.ready)
