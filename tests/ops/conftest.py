"""Fixtures of the operations tests: a private wiki, a work folder, the CLI in a subprocess.

The run and lock tests use their own fresh wiki (not the session's shared one): a cycle
pulls and exports the whole wiki, and request counts must not depend on other tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from ops_helpers import Cli

from wikisync.devwiki import DevWiki, MiniClient
from wikitools import editor_client, own_wiki


@pytest.fixture(scope="package")
def ops_wiki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevWiki]:
    """A fresh local MediaWiki for the operations tests only (about 1.5 s to start)."""
    yield from own_wiki(tmp_path_factory, "ops-wiki")


@pytest.fixture
def ops_editor(ops_wiki: DevWiki) -> MiniClient:
    """The human editor of the private wiki, logged in."""
    return editor_client(ops_wiki)


@pytest.fixture
def cli(ops_wiki: DevWiki, tmp_path: Path) -> Cli:
    """``wikisync`` in a subprocess, in a work folder, pointed at the private wiki."""
    return Cli(ops_wiki, tmp_path)
