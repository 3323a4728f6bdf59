"""Wiki addresses as people have them, failing fast with a hint, accounts, --debug exit codes.

All on the real local wiki (or a tiny local server where the case needs something the wiki
is not: an HTML site, an old MediaWiki), through the CLI as a user runs it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from api_helpers import USER_AGENT
from click.testing import CliRunner, Result

from wikisync.cli import cli
from wikisync.devwiki import FaultProxy
from wikisync.devwiki.faults import Fault
from wikisync.devwiki.launcher import DevWiki, free_port

FAST = 5.0  # seconds: an error waiting cannot fix ends the command within this


class _Canned(BaseHTTPRequestHandler):
    """Answers every GET and POST with the server's canned body and content type."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        """The canned answer."""
        body, kind = self.server.canned  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Silent."""


@pytest.fixture
def canned() -> Iterator[ThreadingHTTPServer]:
    """A 127.0.0.1 server answering whatever ``server.canned = (body, type)`` says."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Canned)
    server.canned = (b"<!DOCTYPE html><html><body>Bienvenue</body></html>",  # type: ignore
                     "text/html; charset=utf-8")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def url_of(server: ThreadingHTTPServer, path: str = "/api.php") -> str:
    """The server's URL for a path."""
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


def invoke(args: list[str], env: dict[str, str | None]) -> tuple[Result, float]:
    """Run the CLI in-process; the result and how long it took."""
    started = time.monotonic()
    result = CliRunner().invoke(cli, args, env=env)
    return result, time.monotonic() - started


def anonymous(api: str) -> dict[str, str | None]:
    """Environment for an anonymous check of ``api`` (no account, no password)."""
    return {"WIKISYNC_API": api, "WIKISYNC_USER_AGENT": USER_AGENT, "WIKISYNC_USERNAME": None,
            "WIKISYNC_PASSWORD": None, "WIKISYNC_CONFIG": None}


# --- every address form, found by init ---------------------------------------------------


@pytest.mark.parametrize("form", ["{base}", "{base}/", "{base}/index.php",
                                  "{base}/index.php/Accueil", "{base}/index.php?title=Accueil",
                                  "{base}/wiki/Accueil", "{base}/api.php", "{host}/api.php",
                                  "{host}", "{base}/w/api.php"])
def test_init_finds_the_api_from_each_address_form(devwiki: DevWiki, tmp_path: Path,
                                                  form: str) -> None:
    address = form.format(base=devwiki.base_url, host=devwiki.base_url.removeprefix("http://"))
    target = tmp_path / "wikisync.toml"

    result, _ = invoke(["init", str(target), "--api", address, "--user-agent", USER_AGENT],
                       anonymous(address) | {"WIKISYNC_API": None})

    assert result.exit_code == 0, result.output
    assert tomllib.loads(target.read_text(encoding="utf-8"))["wiki"]["api"] == devwiki.api_url
    said = [line for line in result.stdout.splitlines() if line.startswith("API: ")]
    assert len(said) == 1 and devwiki.api_url in said[0]
    if address != devwiki.api_url:
        assert f"you gave {address}" in said[0] and "written to the config" in said[0]
    assert "MediaWiki: 1.39" in result.stdout


def test_init_refuses_an_address_with_no_api_and_writes_nothing(
    canned: ThreadingHTTPServer, tmp_path: Path
) -> None:
    target = tmp_path / "wikisync.toml"
    result, took = invoke(["init", str(target), "--api", url_of(canned, "/"),
                           "--user-agent", USER_AGENT], anonymous(url_of(canned, "/")))
    assert result.exit_code == 2 and took < FAST
    assert "no MediaWiki API found" in result.stderr and "/w/api.php" in result.stderr
    assert not target.exists()


def test_a_configured_site_root_is_resolved_once_with_one_line(devwiki: DevWiki) -> None:
    result, _ = invoke(["check"], anonymous(devwiki.base_url + "/index.php/Accueil"))
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and f"using {devwiki.api_url}" in lines[0]
    assert "put that URL in [wiki] api" in lines[0]


def test_a_configured_api_url_costs_no_extra_request(devwiki: DevWiki,
                                                     fault_proxy: FaultProxy) -> None:
    result, _ = invoke(["check"], anonymous(fault_proxy.api_url))
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == ""
    assert [r.params.get("meta") for r in fault_proxy.requests] == ["siteinfo|userinfo"]


# --- errors waiting cannot fix: exit 2 within 5 s, with the fix -------------------------


def test_fail_fast_on_a_bad_scheme(devwiki: DevWiki) -> None:
    api = devwiki.api_url.replace("http://", "ftp://")
    assert_fast(api, "unsupported scheme ftp://", "give an http:// or https:// URL")


def test_fail_fast_on_https_against_the_http_wiki(devwiki: DevWiki) -> None:
    api = devwiki.api_url.replace("http://", "https://")
    assert_fast(api, "TLS handshake failed", f"try {devwiki.api_url}")


def test_fail_fast_on_an_unknown_host_name() -> None:
    assert_fast("https://wiki.invalid/w/api.php", "unknown host name 'wiki.invalid'",
                "check the spelling")


def test_fail_fast_on_a_web_page_that_is_not_an_api(canned: ThreadingHTTPServer) -> None:
    assert_fast(url_of(canned), "answers with a web page, not the MediaWiki API",
                "`wikisync init --api`")


def test_fail_fast_on_a_404_api_path(devwiki: DevWiki) -> None:
    assert_fast(devwiki.base_url + "/w/api.php", "HTTP 404", "wikisync init --api")


@pytest.mark.parametrize(("status", "hint"), [(403, "user_agent"), (401, "HTTP login")])
def test_fail_fast_on_403_and_401(fault_proxy: FaultProxy, status: int, hint: str) -> None:
    fault_proxy.inject(Fault.http_status(status, times=10))
    assert_fast(fault_proxy.api_url, f"HTTP {status}", hint)
    assert len(fault_proxy.requests) == 1  # not retried


def assert_fast(api: str, *expected: str) -> None:
    """``check`` of ``api`` ends in under 5 s with exit 2 and one line saying all of it."""
    result, took = invoke(["check"], anonymous(api))
    assert result.exit_code == 2, result.output
    assert took < FAST
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    for text in expected:
        assert text in lines[0]


def test_a_scheme_less_address_works_at_run_time(devwiki: DevWiki) -> None:
    result, _ = invoke(["check"], anonymous(devwiki.api_url.removeprefix("http://")))
    assert result.exit_code == 0, result.output
    assert "over http://" in result.stderr and f"using {devwiki.api_url}" in result.stderr


def test_mediawiki_older_than_1_35_is_refused(canned: ThreadingHTTPServer) -> None:
    general = {"generator": "MediaWiki 1.31.0", "sitename": "Vieux", "server": "http://x"}
    canned.canned = (json.dumps({"query": {"general": general, "userinfo": {"id": 0,  # type: ignore
                     "anon": True}, "tokens": {"logintoken": "abcd+\\"}}}).encode(),
                     "application/json")
    result, took = invoke(["check"], anonymous(url_of(canned)))
    assert result.exit_code == 2 and took < FAST, result.output
    assert "MediaWiki 1.31.0 is too old" in result.stderr and "1.35" in result.stderr
    env = anonymous(url_of(canned)) | {"WIKISYNC_USERNAME": "Bot@app",
                                       "WIKISYNC_PASSWORD": "x" * 32}
    logged, _ = invoke(["check"], env)  # refused on the login-token answer already
    assert logged.exit_code == 2 and "too old" in logged.stderr


# --- accounts ----------------------------------------------------------------------------


def test_a_missing_password_is_exit_2_naming_both_ways(devwiki: DevWiki) -> None:
    env = anonymous(devwiki.api_url) | {"WIKISYNC_USERNAME": devwiki.bot_username}
    result, took = invoke(["check"], env)
    assert result.exit_code == 2 and took < FAST, result.output
    assert "WIKISYNC_PASSWORD" in result.stderr and "[wiki] password_file" in result.stderr


def test_a_username_without_at_gets_the_botpassword_hint(devwiki: DevWiki) -> None:
    env = anonymous(devwiki.api_url) | {"WIKISYNC_USERNAME": "WikisyncBot",
                                        "WIKISYNC_PASSWORD": devwiki.bot_password}
    result, _ = invoke(["check"], env)
    assert result.exit_code == 3, result.output
    assert "login as WikisyncBot failed" in result.stderr
    assert "User@app" in result.stderr and "Special:BotPasswords" in result.stderr
    assert devwiki.bot_password not in result.output


def test_a_main_account_login_warns_once_to_create_a_botpassword(devwiki: DevWiki,
                                                                tmp_path: Path) -> None:
    admin = devwiki.accounts["admin"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIKISYNC_")}
    env |= {"WIKISYNC_API": devwiki.api_url, "WIKISYNC_USER_AGENT": USER_AGENT,
            "WIKISYNC_USERNAME": admin.name, "WIKISYNC_PASSWORD": admin.password}
    done = subprocess.run([sys.executable, "-m", "wikisync", "check"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert f"account: {admin.name}" in done.stdout
    warned = [line for line in done.stderr.splitlines() if "Main-account login" in line]
    assert len(warned) == 1 and "create a BotPassword" in warned[0]
    assert admin.password not in done.stdout + done.stderr


# --- --debug adds a traceback, never changes the exit code --------------------------------


def test_debug_keeps_the_exit_code_of_a_bad_config(tmp_path: Path) -> None:
    config = tmp_path / "wikisync.toml"
    config.write_text("[wiki]\nmax_retries = 'many'\n", encoding="utf-8")
    plain, _ = invoke(["-c", str(config), "check"], {"WIKISYNC_CONFIG": None})
    debug, _ = invoke(["--debug", "-c", str(config), "check"], {"WIKISYNC_CONFIG": None})
    assert plain.exit_code == debug.exit_code == 2, (plain.output, debug.output)
    assert "Traceback" in debug.stderr and "Traceback" not in plain.stderr


def test_debug_keeps_the_exit_code_of_an_unreachable_wiki(tmp_path: Path) -> None:
    config = tmp_path / "wikisync.toml"
    config.write_text("[wiki]\nmax_retries = 1\nmax_retry_seconds = 5\n", encoding="utf-8")
    env = anonymous(f"http://127.0.0.1:{free_port()}/api.php")
    plain, _ = invoke(["-c", str(config), "check"], env)
    debug, _ = invoke(["--debug", "-c", str(config), "check"], env)
    assert plain.exit_code == debug.exit_code == 3, (plain.output, debug.output)
    assert "unreachable" in debug.stderr.splitlines()[-1]


def test_debug_keeps_the_exit_code_of_a_wrong_password(devwiki: DevWiki) -> None:
    env = anonymous(devwiki.api_url) | {"WIKISYNC_USERNAME": devwiki.bot_username,
                                        "WIKISYNC_PASSWORD": "wrong-password-5b1c"}
    plain, _ = invoke(["check"], env)
    debug, _ = invoke(["--debug", "check"], env)
    assert plain.exit_code == debug.exit_code == 3, (plain.output, debug.output)
    assert "Traceback" in debug.stderr
    assert "wrong-password-5b1c" not in debug.output + plain.output
