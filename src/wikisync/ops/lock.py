"""The run lock: at most one wikisync process writes a given store (and the wiki) at a time.

The lock is a file next to the state store (``wikisync.sqlite.lock``), locked with
``fcntl.flock`` and holding the holder's PID, command and start time, one per line. The
kernel drops a flock when its process dies, so a killed run never blocks the next one:
the next run finds the file unlocked but still naming the dead run, says so, and takes it
over. A clean exit empties the file (it is never deleted: deleting a flock file lets two
processes lock two different files of the same name).

Holds nest within one process (``run`` holding the lock calls steps that ask for it too).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from wikisync.errors import EXIT_OK, StoreError, WikisyncError
from wikisync.store.store import now_iso

log = logging.getLogger("wikisync.ops")

LOCK_SUFFIX = ".lock"
POLL_SECONDS = 0.5
HOLDER_READS, HOLDER_READ_PAUSE = 25, 0.02  # how long to wait for a new holder's PID


@dataclass(frozen=True)
class LockInfo:
    """What a lock file says about its (last) holder."""

    pid: int | None
    command: str = ""
    started: str = ""

    @property
    def alive(self) -> bool:
        """Whether a process with that PID exists now."""
        return self.pid is not None and pid_alive(self.pid)

    def describe(self) -> str:
        """``PID 1234, `wikisync run`, since 2026-…`` (the parts known)."""
        parts = [f"PID {self.pid}" if self.pid else "unknown PID"]
        if self.command:
            parts.append(f"`wikisync {self.command}`")
        if self.started:
            parts.append(f"since {self.started}")
        return ", ".join(parts)


class LockBusy(WikisyncError):
    """Another wikisync process holds the lock: nothing was done (not a failure: exit 0)."""

    exit_code = EXIT_OK

    def __init__(self, message: str, holder: LockInfo | None = None) -> None:
        super().__init__(message)
        self.holder = holder


def pid_alive(pid: int) -> bool:
    """True if a process with this id exists (and is not a zombie)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def lock_path(state_path: str | Path) -> Path:
    """The lock file of a state store: the store's path plus ``.lock``."""
    path = Path(state_path)
    return path.with_name(path.name + LOCK_SUFFIX)


def parse_lock(text: str) -> LockInfo | None:
    """The holder a lock file's text names, or None for an empty (released) file."""
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        return None
    try:
        pid: int | None = int(lines[0].strip())
    except ValueError:
        pid = None
    return LockInfo(pid, *(line.strip() for line in lines[1:3]))


def read_lock(path: str | Path) -> LockInfo | None:
    """What a lock file says now (without locking it); None when absent or released."""
    try:
        return parse_lock(Path(path).read_text(encoding="utf-8"))
    except OSError:
        return None


def holder_running(path: str | Path) -> LockInfo | None:
    """The run holding the lock now, judged by its PID (for ``status``; takes no lock)."""
    info = read_lock(path)
    return info if info is not None and info.alive else None


class RunLock:
    """One hold of the lock file ``path`` for ``command``; use ``run_lock`` to get one.

    ``stale`` is set when the previous holder ended without releasing it (killed).
    ``on_wait`` is called once with the holder when ``wait`` makes us queue.
    """

    _held: dict[str, RunLock] = {}

    def __init__(self, path: str | Path, command: str, *, wait: bool = False,
                 timeout: float | None = None,
                 on_wait: Callable[[LockInfo | None], None] | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.path = Path(path)
        self.command = command
        self.wait = wait
        self.timeout = timeout
        self.on_wait = on_wait
        self.sleep = sleep
        self.stale: LockInfo | None = None
        self._fd: int | None = None
        self._depth = 0

    @property
    def key(self) -> str:
        """The lock file's absolute path, to find a hold of this process."""
        return str(self.path.resolve())

    def acquire(self) -> RunLock:
        """Take the lock (or join this process's hold); LockBusy when another process has it."""
        outer = RunLock._held.get(self.key)
        if outer is not None:
            outer._depth += 1
            return outer
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            self._lock(fd)
            self._claim(fd)
        except BaseException:
            os.close(fd)
            raise
        self._fd, self._depth = fd, 1
        RunLock._held[self.key] = self
        return self

    def release(self) -> None:
        """Leave the hold; the last one empties the file and unlocks it."""
        self._depth -= 1
        if self._depth > 0 or self._fd is None:
            return
        RunLock._held.pop(self.key, None)
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    def _lock(self, fd: int) -> None:
        """flock the file, queueing when ``wait`` (up to ``timeout``), else LockBusy at once."""
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        announced = False
        while not self._try(fd):
            holder = self._holder()
            if not self.wait or (deadline is not None and time.monotonic() >= deadline):
                raise LockBusy(busy_message(holder, self.path), holder)
            if not announced and self.on_wait is not None:
                self.on_wait(holder)
            announced = True
            self.sleep(POLL_SECONDS)

    def _holder(self) -> LockInfo | None:
        """Who holds the lock (a holder that just locked writes its PID a moment later)."""
        for _ in range(HOLDER_READS):
            holder = read_lock(self.path)
            if holder is not None:
                return holder
            self.sleep(HOLDER_READ_PAUSE)
        return None

    def _try(self, fd: int) -> bool:
        """One non-blocking flock attempt."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot lock: {exc.strerror}") from None
        return True

    def _claim(self, fd: int) -> None:
        """Note a previous holder that never released the lock, then write ours."""
        old = parse_lock(os.pread(fd, 4096, 0).decode("utf-8", "replace"))
        if old is not None and old.pid != os.getpid():
            self.stale = old
            state = "still exists without holding it" if old.alive else "is gone"
            log.warning("taking over the lock %s from a run that did not release it (%s; "
                        "the process %s)", self.path, old.describe(), state)
        text = f"{os.getpid()}\n{self.command}\n{now_iso()}\n".encode()
        os.pwrite(fd, text, 0)  # then cut what is left of a longer old text: never empty
        os.ftruncate(fd, len(text))


def busy_message(holder: LockInfo | None, path: Path) -> str:
    """The one line a run that finds the lock taken prints."""
    who = holder.describe() if holder else "another process"
    if holder is not None and holder.pid and not holder.alive:
        who += "; that PID is gone but a child process may still hold the file"
    return f"another wikisync run is in progress ({who}; lock {path}): nothing done"


@contextlib.contextmanager
def run_lock(state_path: str | Path, command: str, *, wait: bool = False,
             timeout: float | None = None,
             on_wait: Callable[[LockInfo | None], None] | None = None) -> Iterator[RunLock]:
    """Hold the lock of this state store for ``command``; LockBusy if another run has it."""
    hold = RunLock(lock_path(state_path), command, wait=wait, timeout=timeout,
                   on_wait=on_wait).acquire()
    try:
        yield hold
    finally:
        hold.release()
