"""Progress on the terminal: a rich progress bar on a TTY, plain lines otherwise.

The core reports progress through a callback taking events with ``phase``, ``done``,
``total`` and ``message``; this module turns them into output, so no core module
imports rich. Write runs also tell the throttle's wait before each edit (``on_wait``, with
``write.progress.EditWait``): a live ``edit 3/12 · next in 7 s`` on the bar of a terminal,
else one INFO log line per edit (``wikisync.progress``; JSON with ``--log-format json``).
"""

from __future__ import annotations

import logging
import math
import sys
import time
from typing import Any, Protocol, TextIO

WAIT_LOG = "wikisync.progress"  # the per-edit lines off a terminal (INFO, shown by default)


class Event(Protocol):
    """A progress event (e.g. ``wikisync.sync.pull.PullEvent``)."""

    phase: str
    done: int
    total: int | None
    message: str


class Wait(Protocol):
    """The throttle's wait before an edit (``wikisync.write.progress.EditWait``)."""

    @property
    def edit(self) -> int: ...
    @property
    def total(self) -> int | None: ...
    @property
    def wait(self) -> float: ...
    @property
    def line(self) -> str: ...


def next_edit(edit: str, deadline: float, now: float | None = None) -> str:
    """``edit 3/12 · next in 7 s``, counting down to ``deadline`` (a monotonic time)."""
    left = max(0.0, deadline - (time.monotonic() if now is None else now))
    return f"{edit} · next in {math.ceil(left)} s"


class LineProgress:
    """Plain progress lines (logs, pipes, CI): at most one ``read`` line every few seconds."""

    def __init__(self, out: TextIO | None = None, every: float = 2.0) -> None:
        self.out = out or sys.stderr
        self.every = every
        self._last = 0.0
        self.log = logging.getLogger(WAIT_LOG)
        self.log.setLevel(logging.INFO)  # -q gets no progress object at all

    def on_wait(self, event: Wait) -> None:
        """One INFO line per edit, with the throttle's wait."""
        self.log.info(event.line)

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
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            TimeElapsedColumn,
        )
        from rich.text import Text

        class NextEdit(ProgressColumn):
            """The countdown to the next edit, on the edits' task."""

            def render(self, task: Any) -> Text:
                if "deadline" not in task.fields:
                    return Text("")
                return Text(next_edit(task.fields["edit"], task.fields["deadline"]))

        self.console = Console(file=out or sys.stderr)
        self.bar = Progress("[progress.description]{task.description}", BarColumn(),
                            MofNCompleteColumn(), TimeElapsedColumn(), NextEdit(),
                            console=self.console, transient=True)
        self.task: Any = None
        self.edits: Any = None  # the edits' task (``on_wait``)
        self.live = False

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

    def on_wait(self, event: Wait) -> None:
        """Show the edit about to go and count down the throttle's wait."""
        self._live()
        edit, deadline = event.line.split(" · ")[0], time.monotonic() + event.wait
        if self.edits is None:
            self.edits = self.bar.add_task("edits", total=event.total, edit=edit,
                                           deadline=deadline)
        self.bar.update(self.edits, completed=event.edit - 1, total=event.total, edit=edit,
                        deadline=deadline)

    def _live(self) -> None:
        if not self.live:
            self.bar.start()
            self.live = True

    def _start(self, total: int | None, description: str = "") -> None:
        if self.task is None:
            self._live()
            self.task = self.bar.add_task(description or "reading pages", total=total)

    def close(self) -> None:
        """Stop the bar (it disappears, leaving the summary clean)."""
        if self.live:
            self.bar.stop()
            for task in list(self.bar.task_ids):
                self.bar.remove_task(task)
        self.live, self.task, self.edits = False, None, None


class Silent:
    """No progress at all (``--quiet``)."""

    def __call__(self, event: Event) -> None:
        """Nothing."""

    def on_wait(self, event: Wait) -> None:
        """Nothing."""

    def close(self) -> None:
        """Nothing."""


def progress_for(stream: TextIO | None = None, quiet: bool = False) -> Any:
    """A bar on a terminal, plain lines elsewhere, nothing when quiet."""
    stream = stream or sys.stderr
    if quiet:
        return Silent()
    return BarProgress(stream) if stream.isatty() else LineProgress(stream)
