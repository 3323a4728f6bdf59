"""Shared fixtures: one real local MediaWiki per test session, a fault proxy per test.

Tests that use ``devwiki`` (directly or through another fixture) are marked ``wiki``
automatically, so ``pytest -m "not wiki"`` runs without PHP.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import wikitools
from wikisync.devwiki import DevWiki, FaultProxy, MiniClient


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that needs the dev wiki with ``wiki``."""
    for item in items:
        if "devwiki" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.wiki)


@pytest.fixture(scope="session")
def devwiki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevWiki]:
    """A fresh French MediaWiki 1.39 on 127.0.0.1 for the whole session (stopped at the end)."""
    yield from wikitools.own_wiki(tmp_path_factory, "devwiki")


@pytest.fixture
def fault_proxy(devwiki: DevWiki) -> Iterator[FaultProxy]:
    """A fault-injecting proxy in front of ``devwiki``, with no faults queued."""
    with FaultProxy(devwiki.api_url) as proxy:
        yield proxy


@pytest.fixture
def unique_title(request: pytest.FixtureRequest) -> Callable[..., str]:
    """``unique_title()`` / ``unique_title("Pôle")``: a title used by no other test."""
    name = request.node.name

    def make(prefix: str = "Test") -> str:
        return wikitools.unique_title(name, prefix)

    return make


@pytest.fixture
def wiki_env(devwiki: DevWiki, tmp_path: Path) -> dict[str, str]:
    """WIKISYNC_API/USERNAME/PASSWORD/USER_AGENT (and a private WIKISYNC_STATE) for CLI tests.

    Only these keys: merge with ``os.environ`` for a subprocess.
    """
    return wikitools.wiki_env(devwiki, tmp_path)


@pytest.fixture
def editor_client(devwiki: DevWiki) -> MiniClient:
    """The ordinary editor, logged in: ``editor_client.edit(title, text)`` is "a human edit"."""
    return wikitools.editor_client(devwiki)


@pytest.fixture
def admin_client(devwiki: DevWiki) -> MiniClient:
    """The sysop, logged in: delete, protect, block through ``admin_client.post(...)``."""
    return wikitools.admin_client(devwiki)
