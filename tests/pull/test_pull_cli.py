"""``wikisync pull`` as a command: summary, exit codes, a SIGKILL mid-pull, ``--dump``."""

from __future__ import annotations

import json
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from pull_helpers import fiche, run_pull, snapshot

from wikisync.cli import cli
from wikisync.store import Store
from wikitools import wikisync_process

AFTER_BATCH = "WIKISYNC_TEST_KILL_AFTER_BATCH"  # the test-only hook: SIGKILL itself after step k


def test_pull_command_prints_a_summary_and_export_reads_the_store(
    devwiki: Any, wiki_env: dict[str, str], unique_title: Callable[..., str]
) -> None:
    title = unique_title("Pôle")
    devwiki.import_pages({title: fiche(title, 3)})
    runner = CliRunner()
    result = runner.invoke(cli, ["pull"], env=wiki_env)
    assert result.exit_code == 0, result.output
    out = result.stdout
    for text in ("pull (full) finished in", "pages read:", "records", "problems:",
                 "requests: other 1, read ", "checkpoint: 20"):
        assert text in out
    assert "reading pages" not in out  # no progress bar when not on a terminal
    again = runner.invoke(cli, ["pull"], env=wiki_env)
    assert again.exit_code == 0 and "pull (incremental)" in again.stdout
    exported = runner.invoke(cli, ["export", "--source", "fiche"], env=wiki_env)
    assert exported.exit_code == 0
    assert [r["name"] for r in json.loads(exported.stdout) if r["title"] == title] == [title]


def test_pull_with_a_wrong_password_exits_3(wiki_env: dict[str, str]) -> None:
    env = {**wiki_env, "WIKISYNC_PASSWORD": "0" * 32}
    result = CliRunner().invoke(cli, ["pull"], env=env)
    assert result.exit_code == 3 and result.stderr.startswith("wikisync: error:")


def test_pull_full_and_dump_together_is_a_usage_error(tmp_path: Path) -> None:
    dump = tmp_path / "d.xml"
    dump.write_text("<mediawiki/>", encoding="utf-8")
    result = CliRunner().invoke(cli, ["pull", "--full", "--dump", str(dump)])
    assert result.exit_code == 2


def test_a_pull_killed_between_batches_resumes_to_the_same_store(
    devwiki: Any, wiki_env: dict[str, str], unique_title: Callable[..., str], tmp_path: Path
) -> None:
    prefix = unique_title("Pôle")
    names = [f"{prefix} {i:03d}" for i in range(120)]
    devwiki.import_pages({name: fiche(name, i) for i, name in enumerate(names)})
    env = {**wiki_env, "WIKISYNC_USERNAME": devwiki.editor_username,
           "WIKISYNC_PASSWORD": devwiki.editor_password}  # 50 pages a batch
    path = tmp_path / "killed.sqlite"

    killed = wikisync_process(env, "pull", "--store", str(path), kill_hook=(AFTER_BATCH, 1))
    assert killed.returncode == -signal.SIGKILL
    with Store(path) as store:
        assert 0 < store.page_count() <= 50 and store.checkpoint is None  # a partial first pull
    resumed = wikisync_process(env, "pull", "--store", str(path))
    assert resumed.returncode == 0, resumed.stderr
    assert snapshot(path) == snapshot_of_full(devwiki, tmp_path / "ref1.sqlite")

    # the same during an incremental pull: 60 changed pages, killed after the first 50
    devwiki.import_pages({name: fiche(name, i + 1) for i, name in enumerate(names[:60])},
                         recent_changes=True)
    with Store(path) as store:
        checkpoint, before = store.checkpoint, revisions(store, names[:60])
    killed = wikisync_process(env, "pull", "--store", str(path), kill_hook=(AFTER_BATCH, 1))
    assert killed.returncode == -signal.SIGKILL
    with Store(path) as store:
        assert store.checkpoint == checkpoint  # the checkpoint did not move
        updated = [t for t, rev in revisions(store, names[:60]).items() if rev != before[t]]
    assert 0 < len(updated) < 60  # one batch of the two stored
    resumed = wikisync_process(env, "pull", "--store", str(path))
    assert resumed.returncode == 0 and "pull (incremental)" in resumed.stdout
    assert snapshot(path) == snapshot_of_full(devwiki, tmp_path / "ref2.sqlite")


def revisions(store: Store, titles: list[str]) -> dict[str, int]:
    pages = {title: store.page(title) for title in titles}
    return {title: page.revid for title, page in pages.items() if page is not None}


def snapshot_of_full(devwiki: Any, path: Path) -> dict[str, Any]:
    run_pull(devwiki, path, full=True)
    return snapshot(path)


def test_dump_then_incremental_pull_matches_a_full_pull(
    devwiki: Any, wiki_env: dict[str, str], unique_title: Callable[..., str],
    editor_client: Any, tmp_path: Path,
) -> None:
    title = unique_title("Pôle")
    devwiki.import_pages({title: fiche(title, 1)})
    dump = tmp_path / "wiki.xml"
    dump.write_text(devwiki.run_maintenance("dumpBackup", "--current", "--quiet"),
                    encoding="utf-8")
    path = tmp_path / "s.sqlite"
    loaded = CliRunner().invoke(cli, ["pull", "--dump", str(dump), "--store", str(path)])
    assert loaded.exit_code == 0, loaded.output
    assert "pull (dump)" in loaded.stdout and "requests: none" in loaded.stdout
    with Store(path) as store:
        assert [r.lat for r in store.records(title=title)] == [48.1]
    editor_client.edit(title, fiche(title, 2))  # after the dump
    later = wikisync_process(wiki_env, "pull", "--store", str(path))
    assert later.returncode == 0 and "pull (incremental)" in later.stdout
    assert snapshot(path) == snapshot_of_full(devwiki, tmp_path / "ref.sqlite")
