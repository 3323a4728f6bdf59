"""Logs end to end: a DEBUG run with the password in the environment leaks no secret.

Checked in both formats: ``--log-format json`` (one JSON object per line on stderr) and
the human lines. Secrets looked for: the BotPassword itself, anything shaped like a
MediaWiki token (32 hex + ``+\\``) or session id (32 chars of ``[0-9a-v]``), and any
cookie header.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from ops_helpers import Cli, Done, fiches

pytestmark = pytest.mark.wiki

TOKEN = re.compile(r"[0-9a-f]{32}\+\\")
SESSION_ID = re.compile(r"(?<![0-9a-z])[0-9a-v]{32}(?![0-9a-z])")
COOKIE = re.compile(r"(?i)set-cookie|cookie:|_session=")


def assert_no_secret(done: Done, password: str) -> None:
    """Nothing secret in standard output or error."""
    for stream in (done.out, done.err):
        assert password not in stream
        assert not TOKEN.search(stream), TOKEN.search(stream)
        assert not SESSION_ID.search(stream), SESSION_ID.search(stream)
        assert not COOKIE.search(stream)


def json_lines(text: str) -> list[dict[str, Any]]:
    """Every line parsed as one JSON object (fails on any other line)."""
    records = [json.loads(line) for line in text.splitlines()]
    assert all(isinstance(r, dict) for r in records)
    return records


def test_debug_json_logs_are_one_object_per_line_without_secrets(
    cli: Cli, unique_title: Callable[..., str]
) -> None:
    prefix = unique_title("Logs")
    cli.wiki.import_pages(fiches(prefix, 2))

    done = cli("--debug", "--log-format", "json", "run", "--json", "--prefix", prefix)

    assert done.code == 0, done.err
    assert done.json()["edits"]["total"] == 2  # logged in, token fetched, edits saved
    records = json_lines(done.err)
    assert {"time", "level", "logger", "message"} <= set(records[0])
    levels = {r["level"] for r in records}
    assert "debug" in levels and "info" in levels
    messages = [r["message"] for r in records]
    assert any(m.startswith("api login login 200") for m in messages)
    assert any(m.startswith("api edit write 200") for m in messages)
    assert any(m.startswith("edited: ") for m in messages)
    assert_no_secret(done, cli.wiki.bot_password)


def test_debug_text_logs_and_a_refused_login_leak_nothing(cli: Cli) -> None:
    done = cli("--debug", "run")
    assert done.code == 0, done.err
    assert "DEBUG wikisync.api: api login login 200" in done.err
    assert_no_secret(done, cli.wiki.bot_password)

    wrong = "wrongpassword" + "0" * 19
    cli.env["WIKISYNC_PASSWORD"] = wrong
    refused = cli("--log-format", "json", "-v", "run", "--json")
    assert refused.code == 3 and refused.json()["status"] == "failed"
    assert "WikisyncBot" in refused.json()["error"]
    [error] = [r for r in json_lines(refused.err) if r["level"] == "error"]
    assert error["message"] == refused.json()["error"]
    assert_no_secret(refused, wrong)
    assert_no_secret(refused, cli.wiki.bot_password)
