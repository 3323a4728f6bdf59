"""``wikisync status``: the store's side offline, and the wiki's (shutoff page, read-only)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from wikisync.cli import cli
from wikisync.devwiki import DevWiki
from wikisync.model import Problem, Record
from wikisync.ops.lock import run_lock
from wikisync.ops.status import human_age
from wikisync.store import Store, StoredPage
from wikitools import wiki_env


def status(tmp_path: Path, *args: str, env: dict[str, str] | None = None,
           config: str = "") -> Result:
    """``wikisync -c <tmp>/w.toml status ARGS`` in this process."""
    path = tmp_path / "w.toml"
    path.write_text(config, encoding="utf-8")
    base = {"WIKISYNC_STATE": str(tmp_path / "s.sqlite")}
    return CliRunner(env=base | (env or {})).invoke(cli, ["-c", str(path), "status", *args])


def fill_store(path: Path) -> None:
    """A store after one cycle: a pull, a sync and the run, a page with two problems."""
    problems = [Problem("unknown-type", "bidule"), Problem("bad-postcode", "123")]
    record = Record(title="Pôle A", source="fiche", instance=0, name="A")
    with Store(path) as store:
        cycle = store.start_run("run")
        pull = store.start_run("pull")
        store.put_page(StoredPage("Pôle A", 1, 0, 10, "2026-01-01T00:00:00Z", "x"), [record],
                       problems)
        store.finish_run(pull, "ok", {"problems": {"unknown-type": 1, "bad-postcode": 1}})
        sync = store.start_run("sync")
        store.finish_run(sync, "ok", {"edited": 3})
        store.finish_run(cycle, "partial", {"edits": {"total": 3}, "problems": {"total": 2}})
        stamp = (datetime.now(UTC) - timedelta(hours=2, minutes=5)).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
        store.set_checkpoint(stamp)


def test_offline_without_a_store_says_so_and_creates_nothing(tmp_path: Path) -> None:
    result = status(tmp_path, "--offline")
    assert result.exit_code == 0, result.output
    assert "does not exist yet" in result.output and "running now: no" in result.output
    assert "wiki: not checked (--offline)" in result.output
    assert not (tmp_path / "s.sqlite").exists()


def test_offline_shows_last_run_checkpoint_age_contents_and_problems(tmp_path: Path) -> None:
    fill_store(tmp_path / "s.sqlite")

    lines = status(tmp_path, "--offline").output.splitlines()

    assert lines[0] == f"store: {tmp_path / 's.sqlite'} (1 pages, 1 records)"
    assert lines[1] == "running now: no"
    assert lines[2].startswith("last run: run 1 (run) started ")
    assert lines[2].split(": ", 2)[2].startswith("partial, 3 edits, 2 problems (ended ")
    assert any(line.startswith("  latest pull: run 2 (pull)") for line in lines)
    assert any(line.startswith("  latest sync: run 3 (sync)") and "3 edits" in line
               for line in lines)
    checkpoint = next(line for line in lines if line.startswith("checkpoint: "))
    assert checkpoint.endswith("(2 h 5 min ago)")
    assert "open problems: 2 (bad-postcode 1, unknown-type 1)" in lines


def test_offline_json_and_a_run_in_progress(tmp_path: Path) -> None:
    fill_store(tmp_path / "s.sqlite")
    with run_lock(tmp_path / "s.sqlite", "run"):
        result = status(tmp_path, "--offline", "--json")
    data = json.loads(result.output)
    assert data["wiki"] is None
    store = data["store"]
    assert store["running"]["command"] == "run" and store["running"]["pid"] > 0
    assert store["last_run"] == store["latest"]["run"]
    assert store["last_run"]["edits"] == 3 and store["last_run"]["status"] == "partial"
    assert store["pages"] == 1 and store["records"] == 1
    assert store["problems"] == {"bad-postcode": 1, "unknown-type": 1}
    assert 7400 < store["checkpoint_age"] < 7600


@pytest.mark.wiki
def test_with_the_wiki_the_shutoff_page_decides(
    ops_wiki: DevWiki, ops_editor: Any, tmp_path: Path, unique_title: Callable[..., str]
) -> None:
    page = unique_title("Arrêt")
    env = wiki_env(ops_wiki, tmp_path)
    config = f'[safety]\nshutoff_page = "{page}"\n'

    def editing() -> str:
        result = status(tmp_path, env=env, config=config)
        assert result.exit_code == 0, result.output
        return next(line for line in result.output.splitlines() if line.startswith("editing"))

    assert editing() == f"editing: NOT allowed (shutoff: {page} is missing, not 'oui')"
    ops_editor.edit(page, "oui")
    assert editing() == f"editing: allowed ({page} says 'oui')"
    ops_editor.edit(page, "non")
    assert editing() == f"editing: NOT allowed (shutoff: {page} is 'non', not 'oui')"
    ops_editor.edit(page, "oui")
    ops_wiki.set_read_only("maintenance")
    try:
        assert editing() == "editing: NOT allowed (the wiki is read-only)"
    finally:
        ops_wiki.set_read_only(None)
    result = status(tmp_path, "--json", env=env, config=config)
    wiki = json.loads(result.output)["wiki"]
    assert wiki["editing_allowed"] is True and wiki["user"] == "WikisyncBot"
    assert wiki["shutoff_page"] == page and wiki["error"] is None


@pytest.mark.wiki
def test_wiki_side_without_a_shutoff_page(ops_wiki: DevWiki, tmp_path: Path) -> None:
    result = status(tmp_path, env=wiki_env(ops_wiki, tmp_path))
    assert result.exit_code == 0, result.output
    assert "wiki: Wiki ESS (as WikisyncBot; read-only: no)" in result.output
    assert "editing: allowed (no shutoff page configured ([safety] shutoff_page))" in \
        result.output


def test_unreachable_wiki_is_exit_3_after_the_store_side(tmp_path: Path) -> None:
    fill_store(tmp_path / "s.sqlite")
    env = {"WIKISYNC_API": "http://127.0.0.1:9/api.php", "WIKISYNC_USER_AGENT": "t (t@t.t)"}
    result = status(tmp_path, env=env, config="[wiki]\nmax_retries = 0\n")
    assert result.exit_code == 3
    assert result.output.splitlines()[0].startswith("store: ")
    assert "wiki: cannot check: wiki unreachable" in result.output


@pytest.mark.parametrize(("seconds", "text"), [
    (None, "-"), (-3, "0 s"), (42, "42 s"), (600, "10 min"), (7500, "2 h 5 min"),
    (3 * 86400 + 4 * 3600 + 59, "3 d 4 h"),
])
def test_human_age(seconds: float | None, text: str) -> None:
    assert human_age(seconds) == text
