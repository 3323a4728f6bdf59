"""Every command that writes the store or the wiki waits its turn: the run lock."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from wikisync.cli import cli
from wikisync.ops.lock import lock_path

HOLDER = """
import sys, time
from wikisync.ops.lock import run_lock
with run_lock(sys.argv[1], "holder"):
    print("held", flush=True)
    time.sleep(60)
"""

SAMPLES = Path(__file__).parents[2] / "examples" / "samples"


@pytest.fixture
def held_store(tmp_path: Path) -> Iterator[Path]:
    """A state store path whose lock another process holds."""
    state = tmp_path / "state.sqlite"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(state)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    try:
        yield state
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("command", [
    ["pull"],
    ["pull", "--dump", str(SAMPLES / "dataset.csv")],
    ["sync", "--dry-run"],
    ["generate"],
    ["create", "--dataset", str(SAMPLES / "dataset.csv")],
    ["audit", "--pull"],
    ["templates", "install"],
])
def test_a_busy_store_makes_a_writing_command_do_nothing(held_store: Path,
                                                         command: list[str]) -> None:
    env = {"WIKISYNC_API": "http://127.0.0.1:9/api.php",  # never contacted
           "WIKISYNC_USER_AGENT": "wikisync-test/0 (test@example.org)",
           "WIKISYNC_STATE": str(held_store), "WIKISYNC_CONFIG": ""}
    started = time.monotonic()
    result = CliRunner().invoke(cli, command, env=env)
    assert result.exit_code == 0, result.output
    assert "another wikisync run is in progress" in result.output
    assert str(lock_path(held_store)) in result.output
    assert not held_store.exists()  # the store was not even opened
    assert time.monotonic() - started < 10
