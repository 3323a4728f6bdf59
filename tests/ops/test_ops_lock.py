"""The run lock: one holder, nested holds, busy, stale takeover, waiting, other processes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from wikisync.errors import EXIT_OK
from wikisync.ops.lock import (
    LockBusy,
    LockInfo,
    RunLock,
    holder_running,
    lock_path,
    parse_lock,
    read_lock,
    run_lock,
)

HOLDER = textwrap.dedent("""
    import sys, time
    from wikisync.ops.lock import run_lock
    with run_lock(sys.argv[1], "pull"):
        print("held", flush=True)
        time.sleep(float(sys.argv[2]))
""")


def hold_in_child(store: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process holding the lock of ``store`` for ``seconds``."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(store), str(seconds)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "held\n"
    return proc


def test_lock_file_is_next_to_the_store_and_names_the_holder(tmp_path: Path) -> None:
    store = tmp_path / "state" / "wikisync.sqlite"
    assert lock_path(store) == tmp_path / "state" / "wikisync.sqlite.lock"
    with run_lock(store, "run") as hold:
        info = read_lock(lock_path(store))
        assert info is not None and info.command == "run" and info.alive
        assert holder_running(lock_path(store)) == info
        assert hold.stale is None
    assert lock_path(store).read_text(encoding="utf-8") == ""
    assert read_lock(lock_path(store)) is None and holder_running(lock_path(store)) is None


def test_holds_nest_within_one_process(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    with run_lock(store, "run"), run_lock(store, "pull") as inner:
        assert inner.command == "run"  # the outer hold, joined
    with run_lock(store, "sync"):
        assert read_lock(lock_path(store)) == parse_lock(
            lock_path(store).read_text(encoding="utf-8"))


def test_another_process_holding_it_makes_us_busy_with_exit_code_0(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    child = hold_in_child(store, 30)
    try:
        with pytest.raises(LockBusy) as caught, run_lock(store, "run"):
            pass
    finally:
        child.kill()
        child.wait()
    assert caught.value.exit_code == EXIT_OK
    assert caught.value.holder is not None and caught.value.holder.pid == child.pid
    assert f"PID {child.pid}, `wikisync pull`" in caught.value.message
    assert caught.value.message.endswith("nothing done")


def test_a_killed_holder_leaves_a_stale_lock_that_is_taken_over(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    child = hold_in_child(store, 30)
    child.kill()
    child.wait()
    left = read_lock(lock_path(store))
    assert left is not None and (left.pid, left.command, left.alive) == (child.pid, "pull", False)
    assert holder_running(lock_path(store)) is None

    with run_lock(store, "run") as hold:
        assert hold.stale == left
        now = read_lock(lock_path(store))
        assert now is not None and now.command == "run" and now.alive


def test_a_file_naming_a_dead_pid_is_taken_over(tmp_path: Path,
                                                caplog: pytest.LogCaptureFixture) -> None:
    store = tmp_path / "s.sqlite"
    lock_path(store).write_text("999999999\nrun\n2026-01-01T00:00:00+00:00\n")
    with run_lock(store, "run") as hold:
        assert hold.stale == LockInfo(999999999, "run", "2026-01-01T00:00:00+00:00")
    assert "the process is gone" in caplog.text and "PID 999999999" in caplog.text


def test_wait_queues_until_the_holder_ends(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    child = hold_in_child(store, 1.0)
    seen: list[LockInfo | None] = []
    started = time.monotonic()
    with run_lock(store, "run", wait=True, on_wait=seen.append):
        waited = time.monotonic() - started
    child.wait()
    assert waited > 0.3 and len(seen) == 1 and seen[0] is not None
    assert seen[0].pid == child.pid


def test_wait_gives_up_after_its_timeout(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    child = hold_in_child(store, 30)
    try:
        with pytest.raises(LockBusy), run_lock(store, "run", wait=True, timeout=0.6):
            pass
    finally:
        child.kill()
        child.wait()


def test_release_happens_on_an_exception(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    with pytest.raises(RuntimeError), run_lock(store, "run"):
        raise RuntimeError("boom")
    assert RunLock._held == {}
    with run_lock(store, "run"):
        pass


def test_parse_lock_is_tolerant() -> None:
    assert parse_lock("") is None and parse_lock("\n") is None
    assert parse_lock("12\n") == LockInfo(12)
    assert parse_lock("junk\nrun\n") == LockInfo(None, "run")
    assert LockInfo(None).describe() == "unknown PID"
