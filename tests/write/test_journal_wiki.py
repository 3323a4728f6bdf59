"""The journal equals the wiki: an edit whose answer never came is settled from the wiki.

On the real test wiki, with the fault proxy: the answer of a saved edit lost (the proxy
forwards the POST, then resets the connection), a POST lost before it reached the wiki,
and a process killed right after its edit POST left. After each, the next command settles
the pending journal entries, and ``history --json`` lists exactly the bot's contributions.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from wikisync.devwiki import Fault
from wikisync.errors import WikiError
from wikisync.store import Store

sys.path.insert(0, str(Path(__file__).parents[1] / "sync"))
from sync_helpers import config, fiches, run_sync  # noqa: E402

from wikitools import wikisync_process  # noqa: E402

BOT = "WikisyncBot"
RECONCILED: list[int] = []  # pending entries settled by the tests of this module


def contributions(client: Any, prefix: str) -> set[tuple[str, int, str]]:
    """The bot's contributions on the pages under ``prefix``: (title, revid, summary)."""
    answer = client.get(action="query", list="usercontribs", ucuser=BOT, uclimit="max",
                        ucprop="ids|title|comment")
    return {(c["title"], c["revid"], c["comment"]) for c in answer["query"]["usercontribs"]
            if c["title"].startswith(prefix)}


def history(env: dict[str, str], *args: str) -> tuple[int, list[dict[str, Any]]]:
    """``wikisync history --json`` (the real command): exit code and the edits listed."""
    done = wikisync_process(env, "history", "--json", "--limit", "1000", *args)
    assert done.stdout, done.stderr
    return done.returncode, json.loads(done.stdout)["edits"]


def listed(edits: list[dict[str, Any]], prefix: str) -> set[tuple[str, int, str]]:
    """The edits of ``history --json`` on the pages under ``prefix``, as contributions."""
    return {(e["title"], e["new_revid"], e["summary"]) for e in edits
            if e["kind"] == "edit" and e["title"].startswith(prefix)}


def test_a_lost_answer_and_a_lost_post_are_settled_by_the_next_commands(
    devwiki: Any, fault_proxy: Any, editor_client: Any, unique_title: Callable[..., str],
    tmp_path: Path, wiki_env: dict[str, str]
) -> None:
    prefix = unique_title("Journal")
    pages = fiches(prefix, 3)
    devwiki.import_pages(pages)
    first, second, third = sorted(pages)
    cfg = config(devwiki, api_url=fault_proxy.api_url)
    cfg = replace(cfg, wiki=replace(cfg.wiki, max_retries=0))  # no retry: the answer is lost
    state = Path(wiki_env["WIKISYNC_STATE"])
    fault_proxy.inject(Fault.reset(after_forward=True, action="edit", method="POST",
                                   match=lambda r: r.params.get("title") == second))
    with pytest.raises(WikiError):
        run_sync(cfg, state, prefix)
    with Store(state) as store:
        assert [(e.title, e.status) for e in store.journal()] == [(first, "saved"),
                                                                 (second, "pending")]
        lost_run = store.journal()[1].run_id

    fault_proxy.inject(Fault.reset(action="edit", method="POST",  # never reaches the wiki
                                   match=lambda r: r.params.get("title") == third))
    with pytest.raises(WikiError):
        run_sync(cfg, state, prefix)  # its session settles the lost answer first
    with Store(state) as store:
        [found] = store.journal(title=second)
        assert (found.status, found.run_id) == ("saved", lost_run) and found.new_revid
        assert store.journal(title=third)[0].status == "pending"

    code, edits = history(wiki_env)  # settles the lost POST: the wiki has no such edit
    assert code == 0
    assert listed(edits, prefix) == contributions(editor_client, prefix)
    assert {e["title"] for e in edits if e["title"].startswith(prefix)} == {first, second}
    with Store(state) as store:
        assert [e.status for e in store.journal(title=third, status="not-saved")] == [
            "not-saved"]
        assert store.journal(title=third) == []  # never shown as an edit
    RECONCILED.extend([1, 1])

    assert run_sync(config(devwiki), state, prefix).count("edited") == 1  # third, now
    code, edits = history(wiki_env)
    assert code == 0 and listed(edits, prefix) == contributions(editor_client, prefix)
    assert len(contributions(editor_client, prefix)) == 3
    assert all(e["status"] == "saved" for e in edits if e["title"].startswith(prefix))


def test_killed_right_after_the_post_then_rerun_settles_it_without_a_duplicate(
    devwiki: Any, fault_proxy: Any, editor_client: Any, unique_title: Callable[..., str],
    wiki_env: dict[str, str]
) -> None:
    prefix = unique_title("Kill")
    pages = fiches(prefix, 3)
    devwiki.import_pages(pages)
    second = sorted(pages)[1]
    env = {**os.environ, **wiki_env, "WIKISYNC_API": fault_proxy.api_url}
    proc = subprocess.Popen([sys.executable, "-m", "wikisync", "sync", "--prefix", prefix],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def kill_then_forward(request: Any) -> bool:
        """The edit POST of ``second`` arrived: SIGKILL the run, then the proxy forwards it."""
        if request.params.get("title") != second:
            return False
        os.kill(proc.pid, signal.SIGKILL)
        return True

    fault_proxy.inject(Fault.reset(after_forward=True, action="edit", method="POST",
                                   match=kill_then_forward))
    assert proc.wait(timeout=120) == -signal.SIGKILL
    _wait_for_bot_edit(editor_client, second)  # the proxy forwards after the kill
    state = Path(wiki_env["WIKISYNC_STATE"])
    with Store(state) as store:
        [intent] = store.journal(title=second)
        assert (intent.status, intent.new_revid) == ("pending", None)

    again = wikisync_process(wiki_env, "sync", "--prefix", prefix)

    assert again.returncode == 0, again.stderr
    contribs = contributions(editor_client, prefix)
    assert sorted(title for title, _, _ in contribs) == sorted(pages)  # one edit per page
    with Store(state) as store:
        [settled] = store.journal(title=second)
        assert (settled.status, settled.run_id) == ("saved", intent.run_id)
    code, edits = history(wiki_env)
    assert code == 0 and listed(edits, prefix) == contribs
    assert {e["run"] for e in edits if e["title"] == second} == {intent.run_id}
    RECONCILED.append(1)
    print(f"edits reconciled in the fault tests so far: {sum(RECONCILED)}")


def _wait_for_bot_edit(client: Any, title: str, timeout: float = 30) -> None:
    """Wait until the bot's edit of ``title`` is on the wiki (saved after the kill)."""
    deadline = time.monotonic() + timeout
    while True:
        answer = client.get(action="query", prop="revisions", titles=title, rvprop="user")
        if answer["query"]["pages"][0]["revisions"][0]["user"] == BOT:
            return
        assert time.monotonic() < deadline, f"the edit of {title} never reached the wiki"
        time.sleep(0.1)
