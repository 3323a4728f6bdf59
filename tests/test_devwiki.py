"""The local test wiki, its accounts and seeding, and the fault proxy's observable behaviour."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from wikisync.devwiki import DevWiki, Fault, FaultProxy, MiniClient
from wikitools import TEST_USER_AGENT, bot_client, editor_client

# Tests using the ``devwiki`` fixture are marked ``wiki`` by conftest; others need no PHP.

Title = Callable[..., str]
HEADERS = {"User-Agent": TEST_USER_AGENT}


def api_get(url: str, session: requests.Session | None = None, **params: Any) -> requests.Response:
    """GET api.php with JSON format 2 (a fresh session unless one is given)."""
    http = session or requests.Session()
    return http.get(url, params={"format": "json", "formatversion": "2", **params},
                    headers=HEADERS, timeout=30)


def api_post(url: str, session: requests.Session, **params: Any) -> requests.Response:
    return session.post(url, data={"format": "json", "formatversion": "2", **params},
                        headers=HEADERS, timeout=30)


def login(url: str, username: str, password: str) -> tuple[requests.Session, str]:
    """A requests session logged in through ``url``, and its CSRF token."""
    session = requests.Session()
    token = api_get(url, session, action="query", meta="tokens", type="login").json()
    answer = api_post(url, session, action="login", lgname=username, lgpassword=password,
                      lgtoken=token["query"]["tokens"]["logintoken"]).json()
    assert answer["login"]["result"] == "Success", answer
    csrf = api_get(url, session, action="query", meta="tokens").json()
    return session, csrf["query"]["tokens"]["csrftoken"]


# --- the wiki --------------------------------------------------------------------------


def test_siteinfo_is_a_french_mediawiki_1_39(devwiki: DevWiki) -> None:
    answer = api_get(devwiki.api_url, action="query", meta="siteinfo",
                     siprop="general|namespaces").json()["query"]
    general = answer["general"]
    assert general["generator"].startswith("MediaWiki 1.39")
    assert general["lang"] == "fr"
    assert general["server"] == f"http://127.0.0.1:{devwiki.port}"
    assert general["dbtype"] == "sqlite"
    assert answer["namespaces"]["10"]["name"] == "Modèle"
    assert answer["namespaces"]["10"]["canonical"] == "Template"
    assert answer["namespaces"]["14"]["name"] == "Catégorie"


def test_bot_logs_in_with_its_botpassword_and_has_bot_rights(devwiki: DevWiki) -> None:
    assert devwiki.bot_username == "WikisyncBot@wikisync"
    info = bot_client(devwiki).userinfo()
    assert info["name"] == "WikisyncBot"
    assert "bot" in info["groups"] and "sysop" not in info["groups"]
    assert {"bot", "apihighlimits", "edit", "createpage", "move"} <= set(info["rights"])


def test_editor_is_an_ordinary_user(devwiki: DevWiki) -> None:
    info = editor_client(devwiki).userinfo()
    assert info["name"] == "Marie Dupont"
    assert "bot" not in info["rights"] and "apihighlimits" not in info["rights"]
    assert "autoconfirmed" in info["groups"]


def test_wrong_botpassword_fails(devwiki: DevWiki) -> None:
    result = MiniClient(devwiki.api_url).login(devwiki.bot_username, "0" * 32)
    assert result["result"] == "Failed"


def test_state_file_holds_everything_and_is_private(devwiki: DevWiki) -> None:
    path = devwiki.dir / "devwiki.json"
    state = json.loads(path.read_text(encoding="utf-8"))
    assert state["api_url"] == devwiki.api_url and state["pid"] == devwiki.pid
    assert state["bot_password"] == devwiki.bot_password
    assert path.stat().st_mode & 0o077 == 0
    assert DevWiki.attach(devwiki.dir) is not None


def test_nothing_is_written_outside_the_directory(devwiki: DevWiki) -> None:
    settings = (devwiki.dir / "DevSettings.php").read_text(encoding="utf-8")
    assert f"$devDir = '{devwiki.dir}'" in settings
    assert (devwiki.dir / "cache").is_dir()
    assert list((devwiki.dir / "db").glob("*.sqlite"))


def test_import_pages_makes_real_revisions_found_by_transclusion(
    devwiki: DevWiki, unique_title: Title
) -> None:
    template = "Modèle:" + unique_title("Fiche")
    alias = "Modèle:" + unique_title("Alias")
    titles = [unique_title("Pôle") for _ in range(3)]
    devwiki.import_pages({template: "<includeonly>{{{nom}}}</includeonly>",
                          alias: f"#REDIRECTION [[{template}]]"})
    devwiki.import_pages({titles[0]: f"{{{{{template[7:]}|nom=Un}}}}",
                          titles[1]: f"{{{{{alias[7:]}\n| nom = Deux & ’ <b>}}}}",
                          titles[2]: "sans modèle"})
    client = MiniClient(devwiki.api_url)
    embedded = client.get(action="query", list="embeddedin", eititle=template, eilimit="max")
    assert {p["title"] for p in embedded["query"]["embeddedin"]} == set(titles[:2])
    assert client.read(titles[1]) == f"{{{{{alias[7:]}\n| nom = Deux & ’ <b>}}}}"
    revisions = client.get(action="query", prop="revisions", titles=titles[0],
                           rvprop="user|comment|timestamp")["query"]["pages"][0]["revisions"]
    assert revisions[0]["user"] == "Marie Dupont"
    stamp = datetime.fromisoformat(revisions[0]["timestamp"].replace("Z", "+00:00"))
    assert abs(datetime.now(UTC) - stamp) < timedelta(minutes=1)


def test_import_pages_updates_and_can_fill_recent_changes(
    devwiki: DevWiki, unique_title: Title
) -> None:
    title = unique_title()
    devwiki.import_pages({title: "v1"})
    devwiki.import_pages({title: "v2"}, user="WikisyncBot", summary="seconde",
                         recent_changes=True)
    client = MiniClient(devwiki.api_url)
    assert client.read(title) == "v2"
    changes = client.get(action="query", list="recentchanges", rctitle=title,
                         rcprop="title|user|comment")["query"]["recentchanges"]
    # both imports fall in the rebuilt window; within one second the order is not reliable
    assert ("WikisyncBot", "seconde") in [(c["user"], c["comment"]) for c in changes]


def test_import_pages_stores_texts_as_an_edit_would(devwiki: DevWiki,
                                                    unique_title: Title) -> None:
    saved, raw = unique_title(), unique_title()
    devwiki.import_pages({saved: "a\r\nb  \n\n"})
    devwiki.import_pages({raw: "a\nb  \n\n"}, raw=True)
    client = MiniClient(devwiki.api_url)
    assert client.read(saved) == "a\nb"
    assert client.read(raw) == "a\nb  \n\n"


def test_read_only_mode_refuses_edits(devwiki: DevWiki, unique_title: Title) -> None:
    client = editor_client(devwiki)
    devwiki.set_read_only("Maintenance de test")
    try:
        answer = client.edit(unique_title(), "texte")
        assert answer["error"]["code"] == "readonly"
        assert answer["error"]["readonlyreason"] == "Maintenance de test"
    finally:
        devwiki.set_read_only(None)
    assert client.edit(unique_title(), "texte")["edit"]["result"] == "Success"


def test_run_maintenance_and_jobs(devwiki: DevWiki) -> None:
    out = devwiki.run_maintenance("showSiteStats")
    assert "Total edits" in out or "Total" in out
    assert devwiki.run_jobs() >= 0


@pytest.mark.wiki
def test_cli_start_status_stop(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "wikisync.devwiki", *args,
                               "--dir", str(tmp_path / "w")], capture_output=True, text=True,
                              env=env, timeout=120)

    started = cli("start", "--json")
    assert started.returncode == 0, started.stderr
    state = json.loads(started.stdout)
    try:
        assert state["running"] and state["bot_username"] == "WikisyncBot@wikisync"
        assert MiniClient(state["api_url"]).login(state["bot_username"],
                                                  state["bot_password"])["result"] == "Success"
        status = cli("status")
        assert status.returncode == 0 and state["api_url"] in status.stdout
    finally:
        stopped = cli("stop")
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    assert cli("status").returncode == 1
    with pytest.raises(requests.ConnectionError):
        requests.get(state["api_url"], timeout=5)


def test_missing_packages_are_installed_with_apt_get(monkeypatch: pytest.MonkeyPatch) -> None:
    from wikisync.devwiki import install

    calls: list[list[str]] = []
    ready = iter([False, True])
    monkeypatch.setattr(install, "php_ready", lambda: next(ready))
    monkeypatch.setattr(install, "missing_packages", lambda: ["mediawiki"])
    monkeypatch.setattr(install.os, "geteuid", lambda: 0)
    monkeypatch.setattr(install.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(install, "run", lambda cmd, **kw: calls.append(cmd))
    install.ensure_packages()
    assert calls[0] == ["apt-get", "update"]
    assert calls[1][:4] == ["apt-get", "install", "-y", "--no-install-recommends"]
    assert {"mediawiki", "php-cli", "php-sqlite3", "php-intl"} <= set(calls[1])


# --- the proxy: faithful forwarding ----------------------------------------------------


def test_proxy_forwards_reads_writes_and_cookies(
    devwiki: DevWiki, fault_proxy: FaultProxy, unique_title: Title
) -> None:
    direct = api_get(devwiki.api_url, action="query", meta="siteinfo").json()
    proxied = api_get(fault_proxy.api_url, action="query", meta="siteinfo")
    assert proxied.status_code == 200
    assert proxied.headers["Content-Type"] == "application/json; charset=utf-8"
    seen = proxied.json()
    for answer in (direct, seen):
        answer["query"]["general"].pop("time")
    assert seen == direct

    session, token = login(fault_proxy.api_url, devwiki.bot_username, devwiki.bot_password)
    cookies = session.cookies.get_dict()
    assert any(name.endswith("_session") or "BPsession" in name for name in cookies)
    title = unique_title()
    text = "Texte accentué é ’ & <b> \n{{Fiche initiative|nom=Test}}"
    edit = api_post(fault_proxy.api_url, session, action="edit", title=title, text=text,
                    token=token, bot="1").json()
    assert edit["edit"]["result"] == "Success"
    assert MiniClient(devwiki.api_url).read(title) == text
    raw = requests.get(fault_proxy.index_url, params={"title": title, "action": "raw"},
                       headers=HEADERS, timeout=30)
    assert raw.status_code == 200 and raw.text == text
    assert fault_proxy.count(action="edit", method="POST") == 1
    assert fault_proxy.count(action="login") == 1
    assert fault_proxy.count(faulted=True) == 0
    assert fault_proxy.counts()[("GET", "query")] >= 3


def test_proxy_forwards_multipart_and_error_statuses(
    devwiki: DevWiki, fault_proxy: FaultProxy
) -> None:
    session = requests.Session()
    answer = session.post(fault_proxy.api_url, files={"action": (None, "query"),
                                                      "meta": (None, "siteinfo"),
                                                      "format": (None, "json")},
                          headers=HEADERS, timeout=30)
    assert answer.json()["query"]["general"]["lang"] == "fr"
    assert fault_proxy.requests[-1].action == "query"
    missing = session.get(fault_proxy.base_url + "/nothing-here.php", timeout=30)
    assert missing.status_code == 404


# --- the proxy: faults -----------------------------------------------------------------


def test_http_status_with_retry_after_seconds_then_normal(fault_proxy: FaultProxy) -> None:
    fault = fault_proxy.inject(Fault.http_status(503, retry_after=3))
    first = api_get(fault_proxy.api_url, action="query", meta="siteinfo")
    assert first.status_code == 503 and first.headers["Retry-After"] == "3"
    second = api_get(fault_proxy.api_url, action="query", meta="siteinfo")
    assert second.status_code == 200 and "Retry-After" not in second.headers
    assert fault.delivered == 1 and fault_proxy.pending() == []


def test_http_status_with_retry_after_http_date(fault_proxy: FaultProxy) -> None:
    when = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=30)
    fault_proxy.inject(Fault.http_status(429, retry_after=when))
    answer = api_get(fault_proxy.api_url, action="query", meta="siteinfo")
    assert answer.status_code == 429
    assert answer.headers["Retry-After"].endswith(" GMT")
    assert parsedate_to_datetime(answer.headers["Retry-After"]) == when


def test_maxlag_error_as_mediawiki_sends_it(fault_proxy: FaultProxy) -> None:
    fault_proxy.inject(Fault.maxlag(lag=7, retry_after=5, times=2))
    answer = api_get(fault_proxy.api_url, action="query", meta="userinfo", maxlag="5")
    assert answer.status_code == 200
    assert answer.headers["Retry-After"] == "5"
    assert answer.headers["X-Database-Lag"] == "7"
    assert answer.headers["MediaWiki-API-Error"] == "maxlag"
    error = answer.json()["error"]
    assert error["code"] == "maxlag" and error["lag"] == 7
    assert error["info"].endswith(": 7 seconds lagged.")
    assert "docref" in error
    legacy = requests.get(fault_proxy.api_url, params={"action": "query", "format": "json"},
                          timeout=30).json()
    assert legacy["error"]["code"] == "maxlag" and "*" in legacy["error"]
    assert "query" in api_get(fault_proxy.api_url, action="query", meta="userinfo").json()


@pytest.mark.parametrize("code", ["readonly", "ratelimited", "blocked", "editconflict"])
def test_api_error_codes(fault_proxy: FaultProxy, code: str) -> None:
    fault_proxy.inject(Fault.api_error(code))
    answer = api_get(fault_proxy.api_url, action="query", meta="userinfo")
    assert answer.status_code == 200
    assert answer.headers["MediaWiki-API-Error"] == code
    assert answer.json()["error"]["code"] == code
    assert answer.json()["error"]["info"]


def test_api_error_in_modern_error_format(fault_proxy: FaultProxy) -> None:
    fault_proxy.inject(Fault.api_error("ratelimited", extra={"retry": 1}))
    answer = api_get(fault_proxy.api_url, action="query", meta="userinfo",
                     errorformat="plaintext").json()
    assert answer["errors"][0]["code"] == "ratelimited"
    assert answer["errors"][0]["module"] == "query" and answer["errors"][0]["retry"] == 1


def test_faults_target_method_action_or_predicate_n_times(
    devwiki: DevWiki, fault_proxy: FaultProxy, unique_title: Title
) -> None:
    session, token = login(fault_proxy.api_url, devwiki.bot_username, devwiki.bot_password)
    fault = fault_proxy.inject(Fault.api_error("readonly", method="POST", action="edit", times=2))
    special = fault_proxy.inject(Fault.http_status(
        500, match=lambda r: r.params.get("list") == "allpages"))
    title = unique_title()
    assert "query" in api_get(fault_proxy.api_url, session, action="query", meta="userinfo").json()
    for _ in range(2):
        refused = api_post(fault_proxy.api_url, session, action="edit", title=title, text="x",
                           token=token).json()
        assert refused["error"]["code"] == "readonly"
    saved = api_post(fault_proxy.api_url, session, action="edit", title=title, text="x",
                     token=token).json()
    assert saved["edit"]["result"] == "Success"
    assert api_get(fault_proxy.api_url, action="query", list="allpages").status_code == 500
    assert fault.delivered == 2 and special.delivered == 1
    assert fault_proxy.count(action="edit", method="POST") == 3
    assert fault_proxy.count(action="edit", faulted=True) == 2


def test_reset_before_forwarding_loses_the_write(
    devwiki: DevWiki, fault_proxy: FaultProxy, unique_title: Title
) -> None:
    session, token = login(fault_proxy.api_url, devwiki.bot_username, devwiki.bot_password)
    fault_proxy.inject(Fault.reset(action="edit"))
    title = unique_title()
    with pytest.raises(requests.ConnectionError):
        api_post(fault_proxy.api_url, session, action="edit", title=title, text="perdu",
                 token=token)
    assert MiniClient(devwiki.api_url).read(title) is None
    again = api_post(fault_proxy.api_url, session, action="edit", title=title, text="ok",
                     token=token).json()
    assert again["edit"]["result"] == "Success"


def test_reset_after_forwarding_saves_the_write(
    devwiki: DevWiki, fault_proxy: FaultProxy, unique_title: Title
) -> None:
    session, token = login(fault_proxy.api_url, devwiki.bot_username, devwiki.bot_password)
    fault_proxy.inject(Fault.reset(after_forward=True, method="POST", action="edit"))
    title = unique_title()
    with pytest.raises(requests.ConnectionError):
        api_post(fault_proxy.api_url, session, action="edit", title=title, text="arrivé",
                 token=token)
    assert MiniClient(devwiki.api_url).read(title) == "arrivé"


def test_delay_fault_makes_a_client_time_out(fault_proxy: FaultProxy) -> None:
    fault_proxy.inject(Fault.delay(0.5))
    started = time.monotonic()
    with pytest.raises(requests.Timeout):
        requests.get(fault_proxy.api_url, params={"action": "query", "format": "json"},
                     timeout=0.2)
    assert time.monotonic() - started < 0.5
    assert api_get(fault_proxy.api_url, action="query").status_code == 200
