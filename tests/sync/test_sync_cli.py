"""``wikisync sync`` and ``wikisync history`` as commands: dry run, history, kill -9 and resume."""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from sync_helpers import bot_revisions, latest_revids, revisions, seed_samples

from wikisync.cli import cli
from wikisync.store import Store
from wikitools import wikisync_process

AFTER_EDIT = "WIKISYNC_TEST_KILL_AFTER_EDIT"  # the test-only hook: SIGKILL itself after step k

BRETAGNE = ["Pôles ESS en Bretagne", "Pôle ESS du Pays de Brest",
            "Pôle de coopération solidaire du Pays de Lorient", "Maison de l'ESS de Rennes",
            "Pôle ESS du Pays de Saint-Brieuc", "Maison de l'ESS de Lyon"]


def cli_env(wiki_env: dict[str, str], tmp_path: Path, name: str = "s") -> dict[str, str]:
    """The CLI environment with a config that does not throttle and a private store."""
    config = tmp_path / f"{name}.toml"
    config.write_text("[safety]\nedit_interval = 0\n", encoding="utf-8")
    return {**wiki_env, "WIKISYNC_CONFIG": str(config),
            "WIKISYNC_STATE": str(tmp_path / f"{name}.sqlite")}



def test_dry_run_shows_diffs_and_writes_nothing(
    devwiki: Any, editor_client: Any, wiki_env: dict[str, str],
    unique_title: Callable[..., str], tmp_path: Path
) -> None:
    prefix = unique_title("Sync")
    pages = seed_samples(devwiki, prefix, BRETAGNE[:3])
    before = latest_revids(editor_client, list(pages))
    env = cli_env(wiki_env, tmp_path)

    result = CliRunner().invoke(cli, ["sync", "--dry-run", "--prefix", prefix], env=env)

    assert result.exit_code == 0, result.output
    out = result.stdout
    for title in pages:
        assert f"--- a/{title}\n+++ b/{title}\n" in out
    assert "+| carte        = https://www.openstreetmap.org/?mlat=48.3904&mlon=-4.4861" in out
    assert "# " + prefix + " Pôle ESS du Pays de Brest — wikisync: lien carte (1) [run " in out
    assert "sync (dry run) [run " in out and "would edit: 3" in out
    assert "\x1b[" not in out  # no colour when not on a terminal
    assert latest_revids(editor_client, list(pages)) == before
    with Store(tmp_path / "s.sqlite") as store:
        assert store.journal() == []


def test_sync_then_history_lists_the_run_and_its_diffs(
    devwiki: Any, wiki_env: dict[str, str], unique_title: Callable[..., str], tmp_path: Path
) -> None:
    prefix = unique_title("Sync")
    pages = seed_samples(devwiki, prefix, BRETAGNE[:2])
    env = cli_env(wiki_env, tmp_path)
    runner = CliRunner()

    synced = runner.invoke(cli, ["sync", "--prefix", prefix], env=env)
    assert synced.exit_code == 0, synced.output
    assert "edited: 2, unchanged: 0, skipped: 0, not tried: 0" in synced.stdout
    run_id = int(synced.stdout.split("[run ")[1].split("]")[0])

    history = runner.invoke(cli, ["history"], env=env)
    assert history.exit_code == 0, history.output
    assert f"run {run_id}  sync  " in history.stdout and "  ok  2 edits" in history.stdout
    for title in pages:
        assert f"  {title}  r" in history.stdout
    assert "[map_links]  wikisync: lien carte (1) [run" in history.stdout
    assert "+| carte" not in history.stdout
    detail = runner.invoke(cli, ["history", "--run", str(run_id), "--diff"], env=env)
    assert detail.exit_code == 0 and "+| carte        = https://" in detail.stdout
    missing = runner.invoke(cli, ["history", "--run", "999999"], env=env)
    assert missing.exit_code == 2

    again = runner.invoke(cli, ["sync", "--prefix", prefix], env=env)
    assert again.exit_code == 0 and "plan: 0 pages, 0 changes" in again.stdout
    assert "write" not in again.stdout.split("requests:")[1]


def test_sync_killed_mid_run_then_rerun_ends_as_one_uninterrupted_run(
    devwiki: Any, editor_client: Any, wiki_env: dict[str, str],
    unique_title: Callable[..., str], tmp_path: Path
) -> None:
    killed_prefix, clean_prefix = unique_title("SyncK"), unique_title("SyncU")
    killed = seed_samples(devwiki, killed_prefix, BRETAGNE)
    clean = seed_samples(devwiki, clean_prefix, BRETAGNE)

    reference = wikisync_process(cli_env(wiki_env, tmp_path, "u"), "sync", "--prefix", clean_prefix)
    assert reference.returncode == 0, reference.stderr
    env = cli_env(wiki_env, tmp_path, "k")
    first = wikisync_process(env, "sync", "--prefix", killed_prefix, kill_hook=(AFTER_EDIT, 2))
    assert first.returncode == -signal.SIGKILL
    assert sum(bot_revisions(editor_client, t) for t in killed) == 2
    second = wikisync_process(env, "sync", "--prefix", killed_prefix)
    assert second.returncode == 0, second.stderr
    assert "edited: 4," in second.stdout

    for title in BRETAGNE:
        a = revisions(editor_client, f"{killed_prefix} {title}", 50)
        b = revisions(editor_client, f"{clean_prefix} {title}", 50)
        assert a[0]["content"].replace(killed_prefix, "P") == b[0]["content"].replace(
            clean_prefix, "P")
        assert [r["user"] for r in a] == [r["user"] for r in b]  # one bot edit each
    assert len(killed) == len(clean) == len(BRETAGNE)
    with Store(tmp_path / "k.sqlite") as store:
        assert len(store.journal()) == len(BRETAGNE)  # 2 before the kill + 4 after
