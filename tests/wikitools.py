"""Helpers for tests on the local dev wiki: logged-in clients, unique titles, CLI env vars."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from wikisync.devwiki import DevWiki, MiniClient

TEST_USER_AGENT = "wikisync-tests/0.1 (https://example.org/wikisync; tests@example.org)"
# Characters MediaWiki forbids in titles, plus ':' (namespace prefixes) and '/' (subpages).
_TITLE_UNSAFE = re.compile(r"[#<>\[\]|{}:/_\s\x00-\x1f\x7f]+")
_counter = itertools.count(1)


def own_wiki(factory: pytest.TempPathFactory, name: str) -> Iterator[DevWiki]:
    """A fresh local MediaWiki in a temp dir for a fixture's scope (about 1.5 s to start)."""
    wiki = DevWiki.start(factory.mktemp(name))
    try:
        yield wiki
    finally:
        wiki.stop()


def logged_in(api_url: str, username: str, password: str) -> MiniClient:
    """A MiniClient logged in with a BotPassword (assertion error if login fails)."""
    client = MiniClient(api_url)
    result = client.login(username, password)
    assert result.get("result") == "Success", f"login of {username} failed: {result}"
    return client


def editor_client(wiki: DevWiki, api_url: str | None = None) -> MiniClient:
    """The ordinary human editor (no ``bot`` right), logged in."""
    return logged_in(api_url or wiki.api_url, wiki.editor_username, wiki.editor_password)


def admin_client(wiki: DevWiki, api_url: str | None = None) -> MiniClient:
    """The sysop, logged in (delete, protect, block)."""
    return logged_in(api_url or wiki.api_url, wiki.admin_username, wiki.admin_password)


def bot_client(wiki: DevWiki, api_url: str | None = None) -> MiniClient:
    """The bot account through the naive client (to check the wiki, not to test the bot)."""
    return logged_in(api_url or wiki.api_url, wiki.bot_username, wiki.bot_password)


def unique_title(test_name: str, prefix: str = "Test") -> str:
    """A page title no other test (or earlier call) uses, readable in the wiki's history."""
    name = _TITLE_UNSAFE.sub(" ", test_name).strip()[:60].strip()
    return f"{prefix} {name} {next(_counter)} {uuid.uuid4().hex[:6]}".replace("  ", " ")


def wiki_env(wiki: DevWiki, state_dir: Path, api_url: str | None = None) -> dict[str, str]:
    """Environment variables that point the wikisync CLI at the dev wiki as the bot."""
    return {
        "WIKISYNC_API": api_url or wiki.api_url,
        "WIKISYNC_USERNAME": wiki.bot_username,
        "WIKISYNC_PASSWORD": wiki.bot_password,
        "WIKISYNC_USER_AGENT": TEST_USER_AGENT,
        "WIKISYNC_STATE": str(state_dir / "wikisync.sqlite"),
    }


def wikisync_process(env: dict[str, str], *args: str,
                     kill_hook: tuple[str, int] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m wikisync ARGS`` in a subprocess; ``kill_hook`` = (variable, k) makes it
    SIGKILL itself at step k (``WIKISYNC_TEST_KILL_AFTER_BATCH`` or ``..._EDIT``)."""
    full = {**os.environ, **env}
    if kill_hook:
        full[kill_hook[0]] = str(kill_hook[1])
    return subprocess.run([sys.executable, "-m", "wikisync", *args], env=full,
                          capture_output=True, text=True, timeout=300)
