"""Progress on the terminal: a rich progress bar on a TTY, plain lines otherwise.

The core reports progress through a callback taking events with ``phase``, ``done``,
``total`` and ``message``; this module turns them into output, so no core module
imports rich.
"""

from __future__ import annotations

import sys
import time
from typing import Any, Protocol, TextIO


class Event(Protocol):
    """A progress event (e.g. ``wikisync.sync.pull.PullEvent``)."""

    phase: str
    done: int
    total: int | None
    message: str


class LineProgress:
    """Plain progress lines (logs, pipes, CI): at most one ``read`` line every few seconds."""

    def __init__(self, out: TextIO | None = None, every: float = 2.0) -> None:
        self.out = out or sys.stderr
        self.every = every
        self._last = 0.0

    def __call__(self, event: Event) -> None:
        if event.phase in ("discover", "note") and event.message:
            self._line(event.message)
        elif event.phase == "stored":
            now = time.monotonic()
            if now - self._last >= self.every or event.done == event.total:
                total = f"/{event.total}" if event.total is not None else ""
                self._line(f"{event.message or 'read'} {event.done}{total} pages")
                self._last = now

    def _line(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def close(self) -> None:
        """Nothing to tear down for plain lines."""


class BarProgress:
    """A rich progress bar for the page reads; messages print above it."""

    def __init__(self, out: TextIO | None = None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        self.console = Console(file=out or sys.stderr)
        self.bar = Progress("[progress.description]{task.description}", BarColumn(),
                            MofNCompleteColumn(), TimeElapsedColumn(),
                            console=self.console, transient=True)
        self.task: Any = None

    def __call__(self, event: Event) -> None:
        if event.phase in ("discover", "note") and event.message:
            self.console.print(event.message)
        elif event.phase == "read":
            self._start(event.total, event.message)
        elif event.phase == "stored":
            self._start(event.total)
            self.bar.update(self.task, completed=event.done, total=event.total)
        elif event.phase == "done":
            self.close()

    def _start(self, total: int | None, description: str = "") -> None:
        if self.task is None:
            self.bar.start()
            self.task = self.bar.add_task(description or "reading pages", total=total)

    def close(self) -> None:
        """Stop the bar (it disappears, leaving the summary clean)."""
        if self.task is not None:
            self.bar.stop()
            self.task = None


def progress_for(stream: TextIO | None = None, quiet: bool = False) -> Any:
    """A bar on a terminal, plain lines elsewhere, nothing when quiet."""
    stream = stream or sys.stderr
    if quiet:
        return lambda event: None
    return BarProgress(stream) if stream.isatty() else LineProgress(stream)
