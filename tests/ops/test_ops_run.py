"""``wikisync run`` end to end on a real (private) wiki: edits, idempotence, summary, lock."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ops_helpers import Cli, fiches, finish

from wikisync.ops.lock import holder_running, lock_path
from wikisync.ops.report import SUMMARY_KEYS
from wikisync.store import Store

pytestmark = pytest.mark.wiki

LIST_PAGE = "Liste :\n{{Liste pôles ESS}}\n{{Fin liste pôles ESS}}\nFin.\n"


def latest(client: Any, title: str) -> dict[str, Any]:
    """The page's latest revision: revid, user, comment, content."""
    answer = client.get(action="query", prop="revisions", titles=title, rvlimit=1,
                        rvprop="ids|user|comment|content", rvslots="main")
    rev = answer["query"]["pages"][0]["revisions"][0]
    return {"revid": rev["revid"], "user": rev["user"], "comment": rev["comment"],
            "content": rev["slots"]["main"]["content"]}


def seed(cli: Cli, prefix: str, count: int = 3) -> dict[str, str]:
    """``count`` fiches and one page holding a generated list, all under ``prefix``."""
    pages = fiches(prefix, count) | {f"{prefix} Liste": LIST_PAGE}
    cli.wiki.import_pages(pages)
    return pages


def test_first_run_edits_second_edits_nothing_in_at_most_5_requests(
    cli: Cli, ops_editor: Any, unique_title: Callable[..., str]
) -> None:
    prefix = unique_title("Run")
    pages = seed(cli, prefix)

    first = cli("run", "--json", "--prefix", prefix, "--audit-report", "audit.json")

    assert first.code == 0, first.err
    data = first.json()
    assert list(data) == list(SUMMARY_KEYS)
    assert data["status"] == "ok" and data["exit_code"] == 0 and data["error"] is None
    assert data["edits"] == {"total": 4, "by_rule": {"generate": 1, "map_links": 3}}
    assert data["skips"] == {"total": 0, "by_reason": {}}
    assert data["pull"] == "full" and data["pages_read"] >= len(pages)
    assert data["requests"]["total"] == sum(data["requests"]["by_kind"].values())
    assert data["audit"]["report"] == "audit.json" and data["audit"]["report_changed"]
    for title in fiches(prefix, 3):
        revision = latest(ops_editor, title)
        assert revision["user"] == "WikisyncBot" and "| carte" in revision["content"]
    listing = latest(ops_editor, f"{prefix} Liste")["content"]
    assert all(f"Pôle {prefix} {i}" in listing for i in range(3))
    geojson = json.loads((cli.folder / "carte.geojson").read_text(encoding="utf-8"))
    names = {f["properties"]["name"] for f in geojson["features"]}
    assert {f"Pôle {prefix} {i}" for i in range(3)} <= names
    assert {e["format"]: e["changed"] for e in data["exports"]} == {"geojson": True, "csv": True}
    revids = {title: latest(ops_editor, title)["revid"] for title in pages}

    second = cli("run", "--json", "--prefix", prefix)

    assert second.code == 0, second.err
    again = second.json()
    assert again["status"] == "ok" and again["pull"] == "incremental"
    assert again["edits"]["total"] == 0
    requests = again["requests"]
    assert requests["total"] - requests["by_kind"].get("login", 0) <= 5, requests
    assert "write" not in requests["by_kind"]
    assert all(not e["changed"] for e in again["exports"])
    assert {title: latest(ops_editor, title)["revid"] for title in pages} == revids
    with Store(cli.store) as store:
        cycles = store.runs(kind="run")
    assert [r.id for r in cycles] == [again["run_id"], data["run_id"]]
    assert cycles[0].counts == again


def test_human_summary_and_dry_run_writes_nothing(
    cli: Cli, ops_editor: Any, unique_title: Callable[..., str]
) -> None:
    prefix = unique_title("Dry")
    pages = seed(cli, prefix, count=2)
    before = {title: latest(ops_editor, title)["revid"] for title in pages}

    done = cli("run", "--dry-run", "--prefix", prefix)

    assert done.code == 0, done.err
    lines = done.out.splitlines()
    assert any(line.startswith("+") and "carte" in line for line in lines)
    assert "run (dry run) [run " in done.out
    assert "would edit: 3 (generate 1, map_links 2)" in done.out
    assert "export geojson: carte.geojson (" in done.out and "would change" in done.out
    assert not (cli.folder / "carte.geojson").exists()
    assert {title: latest(ops_editor, title)["revid"] for title in pages} == before


def test_no_write_edits_nothing_but_writes_the_files(
    cli: Cli, ops_editor: Any, unique_title: Callable[..., str]
) -> None:
    prefix = unique_title("NoWrite")
    pages = seed(cli, prefix, count=2)
    before = {title: latest(ops_editor, title)["revid"] for title in pages}

    data = cli("run", "--no-write", "--json", "--prefix", prefix).json()

    assert data["status"] == "ok" and data["edits"]["total"] == 0
    assert "write" not in data["requests"]["by_kind"]
    assert "sync: skipped (--no-write)" in data["notes"]
    assert (cli.folder / "carte.geojson").is_file()
    assert {title: latest(ops_editor, title)["revid"] for title in pages} == before


def test_max_edits_is_one_budget_for_the_whole_cycle(
    cli: Cli, unique_title: Callable[..., str]
) -> None:
    prefix = unique_title("Budget")
    seed(cli, prefix, count=3)

    done = cli("run", "--json", "--max-edits", "2", "--prefix", prefix)

    data = done.json()
    assert done.code == 1 and data["status"] == "partial"
    assert data["edits"]["total"] == 2
    assert data["skips"]["by_reason"] == {"max-edits": 2}


def test_two_runs_started_together_one_works_the_other_says_so_and_exits_0(
    cli: Cli, unique_title: Callable[..., str]
) -> None:
    prefix = unique_title("Lock")
    seed(cli, prefix, count=3)
    cli.config(interval=1.0)  # three throttled edits: the first run holds the lock >= 2 s

    procs = [cli.start("run", "--json", "--prefix", prefix) for _ in range(2)]
    results = [finish(proc) for proc in procs]

    assert [r.code for r in results] == [0, 0], [r.err for r in results]
    statuses = sorted(r.json()["status"] for r in results)
    assert statuses == ["busy", "ok"]
    worked = next(r for r in results if r.json()["status"] == "ok")
    busy = next(r for r in results if r.json()["status"] == "busy")
    assert worked.json()["edits"]["total"] == 4
    assert "another wikisync run is in progress (PID " in busy.err
    assert busy.json()["message"] in busy.err and busy.json()["exit_code"] == 0
    assert "nothing done" in busy.err and "Traceback" not in busy.err
    with Store(cli.store) as store:
        assert len(store.runs(kind="run")) == 1


def test_wait_queues_behind_the_run_in_progress(
    cli: Cli, unique_title: Callable[..., str]
) -> None:
    prefix = unique_title("Wait")
    seed(cli, prefix, count=3)
    cli.config(interval=1.0)

    first = cli.start("run", "--json", "--prefix", prefix)
    _wait_for_lock(cli.store)
    second = cli("run", "--json", "--wait", "--prefix", prefix)
    done = finish(first)

    assert done.code == 0 and done.json()["edits"]["total"] == 4
    assert second.code == 0 and second.json()["status"] == "ok"
    assert "waiting for the run in progress (PID" in second.err
    assert second.json()["edits"]["total"] == 0


def test_a_stale_lock_of_a_dead_run_is_taken_over(
    cli: Cli, unique_title: Callable[..., str]
) -> None:
    prefix = unique_title("Stale")
    seed(cli, prefix, count=1)
    lock = cli.store.with_name(cli.store.name + ".lock")
    lock.write_text("999999999\nrun\n2026-01-01T00:00:00+00:00\n", encoding="utf-8")

    done = cli("run", "--json", "--prefix", prefix)

    assert done.code == 0 and done.json()["status"] == "ok", done.err
    assert done.json()["edits"]["total"] == 2
    assert "taking over the lock" in done.err and "PID 999999999" in done.err
    assert "the process is gone" in done.err
    assert lock.read_text(encoding="utf-8") == ""


def test_wiki_unreachable_is_exit_3_with_a_json_summary(cli: Cli) -> None:
    cli.env["WIKISYNC_API"] = "http://127.0.0.1:9/api.php"
    cli.config(extra="[wiki]\nmax_retries = 0\nmax_retry_seconds = 1\n")

    done = cli("run", "--json")

    assert done.code == 3
    data = done.json()
    assert data["status"] == "failed" and data["exit_code"] == 3 and data["error"]
    assert done.err.startswith("wikisync: error: ")
    with Store(cli.store) as store:
        [cycle] = store.runs(kind="run")
    assert cycle.status == "failed" and cycle.counts["error"] == data["error"]


def _wait_for_lock(store: Path, timeout: float = 30) -> None:
    """Wait until a run holds the lock file next to ``store``."""
    deadline = time.monotonic() + timeout
    while holder_running(lock_path(store)) is None:
        assert time.monotonic() < deadline, "the first run never took the lock"
        time.sleep(0.05)
