"""The gateway against the real local MediaWiki: login, reads, safe edits, ``check``."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from api_helpers import bot_config
from click.testing import CliRunner

from wikisync.api import NOCHANGE, Gateway
from wikisync.api.writes import EditRequest
from wikisync.cli import cli
from wikisync.devwiki import DevWiki, MiniClient
from wikisync.devwiki.launcher import free_port
from wikisync.errors import (
    AuthenticationError,
    Blocked,
    EditConflict,
    PageExists,
    PageMissing,
    ReadOnly,
)

pytestmark = pytest.mark.wiki

Titles = Callable[..., str]
INFOBOX = "{{Fiche initiative\n| nom = Pôle\n| latitude = 48.39\n| longitude = -4.49\n}}\n"


def create(gateway: Gateway, title: str, text: str, summary: str) -> int:
    """Create a page through the gateway's one write call (create-only, not minor)."""
    revid = gateway.edit(title, text, None, summary, minor=False, create_only=True)
    assert isinstance(revid, int), revid
    return revid



def template_pages(template: str, titles: list[str], body: str = "") -> dict[str, str]:
    """Pages transcluding ``template`` (given with its ``Modèle:`` prefix)."""
    name = template.split(":", 1)[1]
    return {title: f"{{{{{name}}}}}\n{body}" for title in titles}


# --- login and site facts --------------------------------------------------------------


def test_login_and_site_info(gateway: Gateway) -> None:
    info = gateway.site_info()
    assert info.sitename
    assert info.version.startswith("1.39")
    assert info.lang == "fr"
    assert info.username == gateway.user == "WikisyncBot"
    assert info.is_bot and info.has_apihighlimits
    assert info.page_limit == 500
    assert info.rc_max_age is None  # 1.39 does not expose $wgRCMaxAge
    assert gateway.requests["login"] == 2
    assert gateway.server_time().endswith("Z")


def test_extensions_are_read_once_from_siteinfo(gateway: Gateway) -> None:
    before = gateway.requests["other"]
    found = gateway.extensions()
    assert {"ParserFunctions", "Cite"} <= found and "Kartographer" not in found
    assert "Maps" not in found and gateway.extensions() is found
    assert gateway.requests["other"] == before + 1  # cached for the run


def test_wrong_password_is_an_authentication_error(devwiki: DevWiki) -> None:
    gw = Gateway(bot_config(devwiki, password="wrong-password-0123456789"))
    with pytest.raises(AuthenticationError) as info:
        gw.login()
    assert "WikisyncBot@wikisync" in str(info.value)
    assert "wrong-password-0123456789" not in str(info.value)
    assert info.value.exit_code == 3


def test_anonymous_reads_get_the_low_limit(devwiki: DevWiki) -> None:
    gw = Gateway(bot_config(devwiki, username=None, password=None))
    info = gw.site_info()
    assert info.anonymous and not info.is_bot and info.page_limit == 50


# --- reads -------------------------------------------------------------------------------


def test_big_contents_are_merged_across_rvcontinue(devwiki: DevWiki, gateway: Gateway,
                                                   unique_title: Titles) -> None:
    """8 pages of 1.5 MB exceed the 8 MB result limit: one batch needs several requests."""
    template = unique_title("Modèle:Gros")
    body = ("x" * 99 + "\n") * 15000
    pages = template_pages(template, [unique_title("Gros") for _ in range(8)], body)
    devwiki.import_pages(pages)
    gateway.site_info()
    before = gateway.requests["read"]
    batches = list(gateway.iter_page_batches("embeddedin", title=template))
    assert gateway.requests["read"] - before >= 2
    assert len(batches) == 1
    assert {p.title for p in batches[0]} == set(pages)
    assert all((p.content or "").rstrip() == pages[p.title].rstrip() for p in batches[0])


def test_prefetch_fetches_in_a_background_thread(devwiki: DevWiki,
                                                 unique_title: Titles) -> None:
    template = unique_title("Modèle:Pref")
    devwiki.import_pages(template_pages(template, [unique_title("Pref") for _ in range(120)]))
    gw = Gateway(bot_config(devwiki, username=None, password=None))  # 50 a request
    threads: set[str] = set()
    original = gw.transport.request

    def spy(*args: Any, **kwargs: Any) -> dict[str, Any]:
        threads.add(threading.current_thread().name)
        return original(*args, **kwargs)

    gw.transport.request = spy  # type: ignore[method-assign]
    gw.site_info()
    batches = gw.iter_page_batches("embeddedin", title=template, prefetch=True)
    assert [len(b) for b in batches] == [50, 50, 20]
    assert "wikisync-prefetch" in threads


def test_prefetch_raises_the_fetch_error_in_the_caller(devwiki: DevWiki) -> None:
    gw = Gateway(bot_config(devwiki, username=None, password=None))
    with pytest.raises(ValueError, match="unsupported generator"):
        next(gw.iter_page_batches("nosuchgenerator", prefetch=True))


def test_read_titles_keeps_order_and_flags_missing(devwiki: DevWiki, gateway: Gateway,
                                                   unique_title: Titles) -> None:
    a, b, redirect = unique_title("Titre A"), unique_title("Titre B"), unique_title("Redir")
    devwiki.import_pages({a: "A", b: "B", redirect: f"#REDIRECTION [[{a}]]"})
    missing = unique_title("Absente")
    pages = gateway.read_titles([b, missing, a.replace(" ", "_"), redirect])
    assert [p.title for p in pages] == [b, missing, a, redirect]
    assert pages[1].missing and pages[1].content is None and pages[1].revid is None
    assert pages[0].content == "B" and not pages[0].missing
    assert pages[3].redirect_target == a
    assert pages[0].curtimestamp and pages[0].revid and pages[0].user
    ids = [pages[3].pageid, 99_999_999, pages[0].pageid]
    by_id = [p for batch in gateway.iter_pageid_batches(ids) for p in batch]
    assert [(p.pageid, p.title, p.missing) for p in by_id] == [
        (pages[3].pageid, redirect, False), (99_999_999, "", True), (pages[0].pageid, b, False)]


def test_embedded_titles_redirects_and_recent_changes(devwiki: DevWiki, gateway: Gateway,
                                                      unique_title: Titles) -> None:
    template, alias = unique_title("Modèle:Cible"), unique_title("Modèle:Alias")
    direct, via_alias = unique_title("Direct"), unique_title("Via alias")
    start = gateway.server_time()
    time.sleep(1.1)
    devwiki.import_pages({template: "cible", alias: f"#REDIRECTION [[{template}]]"})
    create(gateway, direct, f"{{{{{template.split(':', 1)[1]}}}}}", "test")
    create(gateway, via_alias, f"{{{{{alias.split(':', 1)[1]}}}}}", "test")
    assert set(gateway.embedded_titles(template)) == {direct, via_alias}
    assert gateway.template_redirects(template) == [alias]
    changes = [c for c in gateway.recent_changes(start) if c.title in (direct, via_alias)]
    assert [(c.type, c.title) for c in changes] == [("new", direct), ("new", via_alias)]
    assert all(c.revid and c.timestamp >= start for c in changes)


# --- writes ------------------------------------------------------------------------------


def test_edit_create_and_nochange(gateway: Gateway, unique_title: Titles) -> None:
    title = unique_title("Édition")
    base = gateway.read_page(title)
    assert base.missing
    revid = gateway.edit(title, "Version 1", base, "wikisync: test", create_only=True)
    assert isinstance(revid, int)
    page = gateway.read_page(title)
    assert (page.revid, page.content, page.user) == (revid, "Version 1", "WikisyncBot")
    assert gateway.edit(title, "Version 1", page, "wikisync: test") == NOCHANGE
    second = gateway.edit(title, "Version 2", page, "wikisync: test")
    assert isinstance(second, int) and second > revid
    with pytest.raises(PageExists):
        create(gateway, title, "again", "wikisync: test")


def test_human_edit_between_read_and_write_is_a_conflict(
    devwiki: DevWiki, gateway: Gateway, editor_client: MiniClient, unique_title: Titles
) -> None:
    title = unique_title("Conflit")
    devwiki.import_pages({title: INFOBOX + "Texte initial.\n"})
    base = gateway.read_page(title)
    marie = INFOBOX.replace("48.39", "47.00") + "Texte initial.\n"
    assert editor_client.edit(title, marie, "correction")["edit"]["result"] == "Success"
    writes = gateway.requests["write"]
    with pytest.raises(EditConflict):  # even though the two changes would merge cleanly
        gateway.edit(title, base.content + "Ajout du bot.\n", base, "wikisync: test")
    assert gateway.requests["write"] == writes
    assert gateway.read_page(title).content == marie.rstrip()  # MediaWiki trims the end


def test_the_wiki_itself_refuses_a_stale_base(
    devwiki: DevWiki, gateway: Gateway, editor_client: MiniClient, unique_title: Titles
) -> None:
    """Without our pre-check, ``baserevid`` alone makes MediaWiki refuse an overlapping
    edit, even when the human saved in the same second as the base revision."""
    gateway.sender.check_first = False
    title = unique_title("Conflit serveur")
    devwiki.import_pages({title: "Texte initial"})
    base = gateway.read_page(title)
    assert editor_client.edit(title, "Texte de Marie", "c")["edit"]["result"] == "Success"
    with pytest.raises(EditConflict):
        gateway.edit(title, "Texte du bot", base, "wikisync: test")
    assert gateway.read_page(title).content == "Texte de Marie"


def test_a_merge_by_the_wiki_keeps_the_human_edit_and_is_counted(
    devwiki: DevWiki, gateway: Gateway, editor_client: MiniClient, unique_title: Titles,
    caplog: pytest.LogCaptureFixture,
) -> None:
    gateway.sender.check_first = False
    title = unique_title("Fusion")
    lines = [f"ligne {i}" for i in range(8)]
    devwiki.import_pages({title: "\n".join(lines)})
    base = gateway.read_page(title)
    theirs = "\n".join(["ligne 0 (Marie)", *lines[1:]])
    assert editor_client.edit(title, theirs, "correction")["edit"]["result"] == "Success"
    with caplog.at_level(logging.WARNING, logger="wikisync.api"):
        revid = gateway.edit(title, "\n".join([*lines[:-1], "ligne 7 (bot)"]), base, "bot")
    assert isinstance(revid, int)
    expected = ["ligne 0 (Marie)", *lines[1:-1], "ligne 7 (bot)"]
    assert gateway.read_page(title).content == "\n".join(expected)
    assert gateway.merges == 1
    assert "merged by MediaWiki" in caplog.text


def test_edit_of_a_deleted_page_is_page_missing(
    devwiki: DevWiki, gateway: Gateway, admin_client: MiniClient, unique_title: Titles
) -> None:
    title = unique_title("Supprimée")
    devwiki.import_pages({title: "à supprimer"})
    base = gateway.read_page(title)
    answer = admin_client.post(action="delete", title=title, token=admin_client.csrf())
    assert "delete" in answer, answer
    with pytest.raises(PageMissing):
        gateway.edit(title, "recréée par erreur", base, "wikisync: test")
    gateway.sender.check_first = False  # the wiki refuses it too (nocreate/starttimestamp)
    with pytest.raises(PageMissing):
        gateway.edit(title, "recréée par erreur", base, "wikisync: test")
    assert gateway.read_page(title).missing


def test_expired_session_logs_in_again_once(gateway: Gateway, unique_title: Titles) -> None:
    title = unique_title("Session")
    gateway.transport.session.cookies.clear()  # the wiki forgets us: assert=user fails
    logins = gateway.requests["login"]
    revid = create(gateway, title, "après reconnexion", "wikisync: test")
    assert gateway.requests["login"] == logins + 2
    page = gateway.read_page(title)
    assert page.revid == revid and page.user == "WikisyncBot"


def test_stale_token_is_refreshed_once(gateway: Gateway, unique_title: Titles) -> None:
    gateway.session.csrf_token()
    gateway.session._csrf = "0123456789abcdef0123456789abcdef+\\"
    revid = create(gateway, unique_title("Jeton"), "jeton renouvelé", "wikisync: test")
    assert isinstance(revid, int)


def test_read_only_wiki_stops_the_run(devwiki: DevWiki, gateway: Gateway,
                                      unique_title: Titles) -> None:
    title = unique_title("Lecture seule")
    devwiki.set_read_only("maintenance de test")
    try:
        with pytest.raises(ReadOnly) as info:
            create(gateway, title, "interdit", "wikisync: test")
        assert info.value.exit_code == 3
    finally:
        devwiki.set_read_only(None)
    assert gateway.read_page(title).missing


def test_blocked_account_stops_the_run(gateway: Gateway, admin_client: MiniClient,
                                       unique_title: Titles) -> None:
    answer = admin_client.post(action="block", user="WikisyncBot", expiry="1 hour",
                               reason="test", token=admin_client.csrf())
    assert "block" in answer, answer
    try:
        with pytest.raises(Blocked) as info:
            create(gateway, unique_title("Bloqué"), "interdit", "wikisync: test")
        assert info.value.exit_code == 3
    finally:
        admin_client.post(action="unblock", user="WikisyncBot", token=admin_client.csrf())


def test_find_landed_recognises_our_edit_only(devwiki: DevWiki, gateway: Gateway,
                                              unique_title: Titles) -> None:
    title = unique_title("Historique")
    devwiki.import_pages({title: "v0"})
    base = gateway.read_page(title)
    request = EditRequest(title=title, text="v1", summary="wikisync: lien carte", base=base)
    assert gateway.sender.find_landed(request) is None
    revid = gateway.edit(title, "v1", base, "wikisync: lien carte")
    assert gateway.sender.find_landed(request) == revid
    other = EditRequest(title=title, text="v1", summary="autre résumé", base=base)
    assert gateway.sender.find_landed(other) is None


# --- the check command -------------------------------------------------------------------


def test_check_prints_the_facts(wiki_env: dict[str, str]) -> None:
    result = CliRunner().invoke(cli, ["check"], env=wiki_env)
    assert result.exit_code == 0, result.output
    assert "MediaWiki: 1.39" in result.output
    assert "account: WikisyncBot" in result.output
    assert "bot right: yes" in result.output
    assert "apihighlimits: yes" in result.output


def test_check_with_a_wrong_password_exits_3_without_leaking_it(
    wiki_env: dict[str, str], devwiki: DevWiki, caplog: pytest.LogCaptureFixture
) -> None:
    password = "not-the-password-7f3a9c"
    env = wiki_env | {"WIKISYNC_PASSWORD": password}
    api_logger = logging.getLogger("wikisync.api")
    runner = CliRunner()
    with caplog.at_level(logging.DEBUG):
        api_logger.addHandler(caplog.handler)  # the CLI stops propagation above "wikisync"
        try:
            debug = runner.invoke(cli, ["--debug", "check"], env=env)
            plain = runner.invoke(cli, ["check"], env=env)
        finally:
            api_logger.removeHandler(caplog.handler)
    assert plain.exit_code == 3, plain.output
    lines = [line for line in plain.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "login as WikisyncBot@wikisync failed" in lines[0]
    assert "api login login 200" in caplog.text  # the DEBUG request lines were captured
    for text in (plain.stdout, plain.stderr, debug.stdout, debug.stderr, caplog.text,
                 repr(debug.exception), str(debug.exception)):
        assert password not in text
        assert devwiki.bot_password not in text


def test_check_of_an_unreachable_wiki_exits_3(wiki_env: dict[str, str],
                                              tmp_path: Path) -> None:
    env = wiki_env | {"WIKISYNC_API": f"http://127.0.0.1:{free_port()}/api.php"}
    config = tmp_path / "wikisync.toml"
    config.write_text("[wiki]\nmax_retries = 1\nmax_retry_seconds = 5\n", encoding="utf-8")
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["-c", str(config), "check"], env=env)
    assert result.exit_code == 3
    assert "unreachable" in result.stderr and "Connection refused" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert time.monotonic() - started < 10
