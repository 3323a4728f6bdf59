"""Fixtures of the watch tests: a private wiki (stopped and restarted by one test)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from wikisync.devwiki import DevWiki, MiniClient
from wikitools import editor_client, own_wiki

sys.path.insert(0, str(Path(__file__).parent))
from watch_helpers import Watch  # noqa: E402


@pytest.fixture(scope="package")
def watch_wiki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevWiki]:
    """A fresh local MediaWiki for the watch tests only (one test stops and restarts it)."""
    yield from own_wiki(tmp_path_factory, "watch-wiki")


@pytest.fixture
def editor(watch_wiki: DevWiki) -> MiniClient:
    """The human editor of the private wiki, logged in."""
    return editor_client(watch_wiki)


@pytest.fixture
def watcher(watch_wiki: DevWiki, tmp_path: Path) -> Iterator[Watch]:
    """``wikisync watch`` in a subprocess on the private wiki (started by ``start()``)."""
    watch = Watch(watch_wiki, tmp_path)
    try:
        yield watch
    finally:
        watch.kill()
