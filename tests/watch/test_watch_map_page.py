"""``watch --map-page`` on a wiki without the map extension: refused at start, nothing written."""

from __future__ import annotations

import time
from pathlib import Path

from wikisync.devwiki import DevWiki, MiniClient
from wikitools import wiki_env, wikisync_process


def test_watch_map_page_without_kartographer_is_refused_at_start(
    devwiki: DevWiki, editor_client: MiniClient, tmp_path: Path, unique_title,
) -> None:
    title = unique_title("Carte")
    editor_client.edit(title, "Une carte écrite par une personne.\n")
    before = editor_client.get(action="query", prop="revisions", titles=title,
                               rvprop="ids")["query"]["pages"][0]["revisions"][0]["revid"]
    started = time.monotonic()
    done = wikisync_process(wiki_env(devwiki, tmp_path), "watch", "--interval", "0.5",
                            "--map-page", title)
    took = time.monotonic() - started
    after = editor_client.get(action="query", prop="revisions", titles=title,
                              rvprop="ids")["query"]["pages"][0]["revisions"][0]["revid"]

    assert done.returncode == 2, done.stderr
    [line] = done.stderr.strip().splitlines()
    assert "no Kartographer extension" in line and title in line, line
    assert took < 10, took  # at start, not after a first batch
    assert after == before
