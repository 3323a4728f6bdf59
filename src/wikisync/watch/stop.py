"""SIGTERM and SIGINT: finish the page in hand, then stop; never more than a few seconds.

A signal sets the stop event. Every wait of the watcher (its poll interval, the gateway's
retry pauses, the writer's throttle, the run lock's queue) goes through ``Stopper.sleep``,
which raises ``Stopping`` once a stop was asked: the next page is not started, the request
in flight is finished. If something still runs ``GRACE`` seconds after the signal, the
main thread is interrupted (``KeyboardInterrupt``), which the command also turns into a
clean exit 0.
"""

from __future__ import annotations

import _thread
import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

from wikisync.errors import StopRun

GRACE = 4.0  # seconds between the signal and the hard interrupt (systemd waits 90 s)


class Stopping(StopRun):
    """A stop was asked (SIGTERM/SIGINT): raised by the watcher's waits."""


class Stopper:
    """The stop event, the signal handlers that set it, and the waits that honour it."""

    def __init__(self, grace: float = GRACE) -> None:
        self.grace = grace
        self.event = threading.Event()
        self.signal: int | None = None
        self._timer: threading.Timer | None = None

    @property
    def asked(self) -> bool:
        """Whether a stop was asked."""
        return self.event.is_set()

    def ask(self, signum: int | None = None) -> None:
        """Ask for a stop (what the signal handlers do); arm the hard interrupt once."""
        if self.event.is_set():
            return
        self.signal = signum
        self.event.set()
        self._timer = threading.Timer(self.grace, _thread.interrupt_main)
        self._timer.daemon = True
        self._timer.start()

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds``; raise ``Stopping`` at once if a stop is (or gets) asked."""
        if self.event.wait(max(0.0, seconds)) or self.event.is_set():
            raise Stopping("stop asked")

    def wait(self, seconds: float) -> bool:
        """Wait ``seconds`` or until a stop is asked; True when one was."""
        return self.event.wait(max(0.0, seconds))

    def disarm(self) -> None:
        """Cancel the hard interrupt (the watcher stopped in time)."""
        if self._timer is not None:
            self._timer.cancel()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        """The handler of SIGTERM and SIGINT."""
        self.ask(signum)

    @contextlib.contextmanager
    def installed(self) -> Iterator[Stopper]:
        """Handle SIGTERM and SIGINT while inside; the previous handlers come back after."""
        previous = {sig: signal.signal(sig, self._on_signal)
                    for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            yield self
        finally:
            self.disarm()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
