"""The scheduling examples: systemd units that verify, and both jobs run as written.

The systemd service and the cron line are executed the way systemd and cron would (their
environment, working directory and command line), with the example's paths mapped into a
temporary folder, against the private test wiki.
"""

from __future__ import annotations

import configparser
import contextlib
import json
import os
import re
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from wikisync.devwiki import DevWiki
from wikitools import TEST_USER_AGENT

EXAMPLES = Path(__file__).parents[2] / "examples"
SERVICE = EXAMPLES / "systemd" / "wikisync.service"
TIMER = EXAMPLES / "systemd" / "wikisync.timer"
WATCH = EXAMPLES / "systemd" / "wikisync-watch.service"
CRON = EXAMPLES / "cron" / "wikisync"
EXE = "/opt/wikisync/.venv/bin/wikisync"
CRON_FIELD = re.compile(r"^(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*$")


def unit(path: Path) -> configparser.ConfigParser:
    """A systemd unit file as sections of keys (the last value of a repeated key wins)."""
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser


def unit_values(path: Path, key: str) -> list[str]:
    """Every value of a key that may repeat (``Environment=``)."""
    prefix = f"{key}="
    return [line[len(prefix):] for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith(prefix)]


def wikisync_exe() -> str:
    """This venv's ``wikisync`` script."""
    return str(Path(sys.executable).parent / "wikisync")


class Host:
    """The example's paths (/etc/wikisync, /var/lib/wikisync…) mapped into a temp folder."""

    def __init__(self, root: Path, wiki: DevWiki) -> None:
        self.paths = {EXE: wikisync_exe()}
        for name in ("/etc/wikisync", "/var/lib/wikisync", "/var/log/wikisync"):
            local = root / name.strip("/").replace("/", "_")
            local.mkdir()
            self.paths[name] = str(local)
        etc = Path(self.paths["/etc/wikisync"])
        (etc / "wikisync.toml").write_text(
            f'[wiki]\napi = "{wiki.api_url}"\nusername = "{wiki.bot_username}"\n'
            f'user_agent = "{TEST_USER_AGENT}"\npassword_file = "wikisync.password"\n'
            f'[safety]\nedit_interval = 0\n[export]\n'
            f'geojson = "{self.paths["/var/lib/wikisync"]}/carte.geojson"\n', encoding="utf-8")
        secret = etc / "wikisync.password"
        secret.write_text(wiki.bot_password + "\n", encoding="utf-8")
        secret.chmod(0o600)
        (etc / "wikisync.env").write_text(f"WIKISYNC_PASSWORD={wiki.bot_password}\n",
                                          encoding="utf-8")

    def map(self, text: str) -> str:
        """The text with the example's paths replaced by the local ones."""
        for name, local in self.paths.items():
            text = text.replace(name, local)
        return text

    def base_env(self, home: Path) -> dict[str, str]:
        """What a daemon gives a job: no WIKISYNC_* of ours, a minimal PATH."""
        return {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}


def check_run_output(stdout: str, stderr: str) -> dict[str, Any]:
    """The run's summary (last stdout line); every stderr line is a JSON log record."""
    summary = json.loads(stdout.strip().splitlines()[-1])
    assert summary["status"] in ("ok", "partial"), summary
    assert summary["pull"] in ("full", "incremental") and summary["error"] is None
    for line in stderr.splitlines():
        assert isinstance(json.loads(line), dict), line
    return summary


def test_systemd_units_are_valid() -> None:
    service, timer = unit(SERVICE), unit(TIMER)
    assert service["Service"]["Type"] == "oneshot"
    command = shlex.split(service["Service"]["ExecStart"])
    assert command[0] == EXE and command[1:] == ["--log-format", "json", "run", "--json"]
    assert service["Service"]["SuccessExitStatus"] == "1"
    assert timer["Timer"]["Unit"] == SERVICE.name and timer["Timer"]["Persistent"] == "true"
    assert timer["Install"]["WantedBy"] == "timers.target"
    if shutil.which("systemd-analyze"):
        calendar = subprocess.run(["systemd-analyze", "calendar", timer["Timer"]["OnCalendar"]],
                                  capture_output=True, text=True, check=False)
        assert calendar.returncode == 0, calendar.stderr


def test_systemd_analyze_verifies_the_units(tmp_path: Path) -> None:
    if not shutil.which("systemd-analyze"):  # checked by test_systemd_units_are_valid
        return
    for source in (SERVICE, TIMER):
        text = source.read_text(encoding="utf-8").replace(EXE, wikisync_exe())
        (tmp_path / source.name).write_text(text, encoding="utf-8")
    done = subprocess.run(["systemd-analyze", "verify", str(tmp_path / SERVICE.name),
                           str(tmp_path / TIMER.name)], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0 and done.stderr == "", done.stderr


def test_the_watch_service_restarts_on_failure_and_verifies(tmp_path: Path) -> None:
    service = unit(WATCH)
    command = shlex.split(service["Service"]["ExecStart"])
    assert command[0] == EXE and command[1:] == ["--log-format", "json", "watch"]
    assert service["Service"]["Restart"] == "on-failure"
    assert service["Service"]["RestartPreventExitStatus"] == "2"  # config errors: no loop
    assert service["Service"]["StateDirectory"] == "wikisync"
    assert service["Install"]["WantedBy"] == "multi-user.target"
    assert float(service["Service"]["TimeoutStopSec"]) > 5  # SIGTERM exits within 5 s
    if not shutil.which("systemd-analyze"):  # checked by test_systemd_units_are_valid
        return
    (tmp_path / WATCH.name).write_text(WATCH.read_text(encoding="utf-8")
                                       .replace(EXE, wikisync_exe()), encoding="utf-8")
    done = subprocess.run(["systemd-analyze", "verify", str(tmp_path / WATCH.name)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stderr == "", done.stderr


def heartbeat_written(state: Path) -> bool:
    """Whether the watcher wrote its first heartbeat (read-only: no migration race)."""
    if not state.exists():
        return False
    try:
        with contextlib.closing(sqlite3.connect(f"file:{state}?mode=ro", uri=True)) as conn:
            return conn.execute("SELECT 1 FROM meta WHERE key = 'watch_heartbeat'"
                                ).fetchone() is not None
    except sqlite3.OperationalError:
        return False


@pytest.mark.wiki
def test_the_watch_service_runs_as_written_and_stops_on_sigterm(ops_wiki: DevWiki,
                                                                tmp_path: Path) -> None:
    host = Host(tmp_path, ops_wiki)
    service = unit(WATCH)["Service"]
    env = host.base_env(tmp_path)
    for assignment in unit_values(WATCH, "Environment"):
        key, _, value = host.map(assignment).partition("=")
        env[key] = value
    for line in Path(host.map(service["EnvironmentFile"])).read_text().splitlines():
        key, _, value = line.partition("=")
        env[key] = value
    proc = subprocess.Popen(shlex.split(host.map(service["ExecStart"])), env=env,
                            cwd=host.map(service["WorkingDirectory"]), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    state = Path(env["WIKISYNC_STATE"])
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not heartbeat_written(state):
            time.sleep(0.2)
        began = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0 and time.monotonic() - began < 5, err
    assert out.startswith("watch: stopped by SIGTERM")
    for line in err.splitlines():
        assert isinstance(json.loads(line), dict), line
    assert state.is_file() and state.parent == Path(host.paths["/var/lib/wikisync"])


def test_cron_line_is_a_valid_cron_d_entry_without_flock() -> None:
    lines = [line for line in CRON.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    variables = [line for line in lines if re.match(r"^[A-Z_]+=", line)]
    [job] = [line for line in lines if line not in variables]
    fields = job.split(None, 6)
    assert all(CRON_FIELD.match(field) for field in fields[:5]), fields[:5]
    assert fields[5] == "wikisync" and "flock" not in job
    assert f"{EXE} -c /etc/wikisync/wikisync.toml --log-format json run --json" in fields[6]


@pytest.mark.wiki
def test_the_systemd_service_runs_a_cycle_as_written(ops_wiki: DevWiki, tmp_path: Path) -> None:
    host = Host(tmp_path, ops_wiki)
    service = unit(SERVICE)["Service"]
    env = host.base_env(tmp_path)
    for assignment in unit_values(SERVICE, "Environment"):
        key, _, value = host.map(assignment).partition("=")
        env[key] = value
    env_file = Path(host.map(service["EnvironmentFile"]))
    for line in env_file.read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition("=")
        env[key] = value

    done = subprocess.run(shlex.split(host.map(service["ExecStart"])), env=env,
                          cwd=host.map(service["WorkingDirectory"]), capture_output=True,
                          text=True, timeout=300, check=False)

    allowed = {0} | {int(code) for code in service["SuccessExitStatus"].split()}
    assert done.returncode in allowed, done.stderr
    check_run_output(done.stdout, done.stderr)
    state = Path(env["WIKISYNC_STATE"])
    assert state.is_file() and state.parent == Path(host.paths["/var/lib/wikisync"])
    assert (state.parent / "carte.geojson").is_file()


@pytest.mark.wiki
def test_the_cron_line_runs_a_cycle_as_written(ops_wiki: DevWiki, tmp_path: Path) -> None:
    host = Host(tmp_path, ops_wiki)
    lines = [line for line in CRON.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    env = host.base_env(tmp_path)
    for line in lines[:-1]:
        key, _, value = host.map(line).partition("=")
        env[key] = value
    command = host.map(lines[-1].split(None, 6)[6])

    done = subprocess.run([env.pop("SHELL"), "-c", command], env=env, capture_output=True,
                          text=True, timeout=300, check=False)

    assert done.returncode in (0, 1) and done.stdout == "" and done.stderr == ""
    log = Path(host.paths["/var/log/wikisync"]) / "run.log"
    records = log.read_text(encoding="utf-8").splitlines()
    summary = json.loads(records[-1])
    check_run_output(records[-1], "\n".join(records[:-1]))
    assert summary["exit_code"] == done.returncode
    assert Path(env["WIKISYNC_STATE"]).is_file()
    assert os.stat(Path(host.paths["/etc/wikisync"]) / "wikisync.password").st_mode & 0o077 == 0
