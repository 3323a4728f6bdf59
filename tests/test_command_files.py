"""Files the commands write or make: a failed command leaves the old file; no stray store.

``export -o`` and ``audit -o`` replace their file atomically (``wikisync.files``), so a
command that fails, or dies while writing, leaves the previous file byte-identical. A
``[state] path`` naming a folder, or no configuration at all, is a config error (exit 2)
before any lock file or store is made.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from wikisync.cli import cli
from wikisync.model import Record
from wikisync.store import Store
from wikisync.store.store import StoredPage

CLEAN_ENV = {name: None for name in ("WIKISYNC_CONFIG", "WIKISYNC_API", "WIKISYNC_USERNAME",
                                     "WIKISYNC_PASSWORD", "WIKISYNC_STATE",
                                     "WIKISYNC_USER_AGENT")}
UNREACHABLE = 'api = "http://127.0.0.1:9/w/api.php"\nuser_agent = "test (t@example.org)"\n'
OLD = b"<!-- the map of yesterday -->\n" + bytes(range(256)) * 700  # ~180 KB, not UTF-8


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A store with a few hubs, one page each."""
    path = tmp_path / "state.sqlite"
    with Store(path) as opened:
        for pageid, (name, lat) in enumerate([("Pôle A", 48.1), ("Pôle B", 45.7)], 1):
            page = StoredPage(name, pageid, 0, 100 + pageid, "2024-01-01T00:00:00Z", "")
            opened.put_page(page, [Record(title=name, source="fiche", type="informel",
                                          lat=lat, lon=2.0)])
    return path


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "wikisync.toml"
    path.write_text(f"[wiki]\n{UNREACHABLE}", encoding="utf-8")
    return path


def invoke(*args: str) -> Result:
    """``wikisync ARGS`` in-process, without any WIKISYNC_* variable of the caller."""
    return CliRunner().invoke(cli, list(args), env=CLEAN_ENV)


def old_file(folder: Path) -> Path:
    path = folder / "carte.html"
    path.write_bytes(OLD)
    return path


def leftovers(folder: Path) -> list[str]:
    """Temporary files a write left behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --- export -o / audit -o: the old file survives a failure ---------------------------


@pytest.mark.parametrize("bad", [["--embed-assets", "EMPTY"], ["--cdn", "--embed-assets",
                                                                 "LEAFLET"]])
def test_failed_export_leaves_the_old_file_byte_identical(config: Path, store: Path,
                                                          tmp_path: Path,
                                                          bad: list[str]) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "leaflet").mkdir()
    (tmp_path / "leaflet" / "leaflet.js").write_text("", encoding="utf-8")
    (tmp_path / "leaflet" / "leaflet.css").write_text("", encoding="utf-8")
    folders = {"EMPTY": str(tmp_path / "empty"), "LEAFLET": str(tmp_path / "leaflet")}
    target = old_file(tmp_path)
    result = invoke("-c", str(config), "export", "--store", str(store), "-f", "html",
                    *[folders.get(arg, arg) for arg in bad], "-o", str(target))
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("wikisync: error: ")
    assert target.read_bytes() == OLD
    assert leftovers(tmp_path) == []


def _limit_file_size() -> None:
    """In the child: no file may grow past 64 KiB (writes past it fail with EFBIG)."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


def test_export_interrupted_while_writing_leaves_the_old_file(config: Path, store: Path,
                                                             tmp_path: Path) -> None:
    """A real write cut short: the HTML map (~230 KB) hits the file size limit midway."""
    target = old_file(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in CLEAN_ENV}
    done = subprocess.run(
        [sys.executable, "-m", "wikisync", "-c", str(config), "export", "--store", str(store),
         "-f", "html", "-o", str(target)],
        env=env, capture_output=True, text=True, timeout=120, preexec_fn=_limit_file_size,
        check=False)
    assert done.returncode != 0, done.stderr
    assert "File too large" in done.stderr  # the write really was cut short
    assert target.read_bytes() == OLD
    assert leftovers(tmp_path) == []


def test_successful_export_replaces_the_file_and_keeps_its_mode(config: Path, store: Path,
                                                                tmp_path: Path) -> None:
    target = old_file(tmp_path)
    target.chmod(0o640)
    result = invoke("-c", str(config), "export", "--store", str(store), "-f", "geojson",
                    "-o", str(target))
    assert result.exit_code == 0, result.output
    assert '"type": "FeatureCollection"' in target.read_text(encoding="utf-8")
    assert target.stat().st_mode & 0o777 == 0o640
    assert leftovers(tmp_path) == []


def test_export_to_dev_null_writes_through_the_device(config: Path, store: Path) -> None:
    result = invoke("-c", str(config), "export", "--store", str(store), "-o", "/dev/null")
    assert result.exit_code == 0, result.output
    assert Path("/dev/null").is_char_device()  # not replaced by a regular file


def test_failed_audit_report_leaves_the_old_report(config: Path, store: Path,
                                                   tmp_path: Path) -> None:
    report = tmp_path / "audit.html"
    report.write_bytes(OLD)
    missing_parent = tmp_path / "no" / "such"
    missing_parent.parent.write_text("a file, so the folder cannot be made", encoding="utf-8")
    result = invoke("-c", str(config), "audit", "--store", str(store), "--format", "html",
                    "-o", str(missing_parent / "audit.html"))
    assert result.exit_code == 2, result.output
    assert "cannot write" in result.stderr
    ok = invoke("-c", str(config), "audit", "--store", str(store), "--format", "html",
                "-o", str(report))
    assert ok.exit_code in (0, 1), ok.output
    assert report.read_text(encoding="utf-8").lstrip().startswith("<!DOCTYPE html")


# --- the state store: checked before any lock or store is made -----------------------

COMMANDS = [["pull"], ["sync", "--dry-run"], ["run"], ["status", "--offline"], ["export"],
            ["audit"], ["history"], ["templates", "install", "--dry-run"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_state_path_that_is_a_folder_is_a_config_error_without_lock(
        tmp_path: Path, command: list[str]) -> None:
    folder = tmp_path / "state"
    folder.mkdir()
    config = tmp_path / "wikisync.toml"
    config.write_text(f'[wiki]\n{UNREACHABLE}\n[state]\npath = "state"\n', encoding="utf-8")
    result = invoke("-c", str(config), *command)
    assert result.exit_code == 2, result.output
    assert f"[state] path {folder} is a folder" in result.stderr
    assert result.stderr.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state", "wikisync.toml"]
    assert list(folder.iterdir()) == []


def test_store_option_that_is_a_folder_is_a_usage_error(config: Path, tmp_path: Path) -> None:
    result = invoke("-c", str(config), "pull", "--store", str(tmp_path))
    assert result.exit_code == 2, result.output
    assert "'--store'" in result.stderr and "is a directory" in result.stderr
    assert not (tmp_path.parent / f"{tmp_path.name}.lock").exists()


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_no_config_says_run_init_and_makes_no_store(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     command: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke(*command)
    assert result.exit_code == 2, result.output
    assert "run `wikisync init`" in result.stderr
    assert result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []  # no wikisync.sqlite, no wikisync.sqlite.lock
