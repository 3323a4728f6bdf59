"""The gateway through the fault proxy: request counts, politeness, retries, lost answers."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from api_helpers import USER_AGENT, Sleeps, bot_config

from wikisync.api import Gateway
from wikisync.devwiki import DevWiki, FaultProxy, MiniClient
from wikisync.devwiki.faults import Fault
from wikisync.errors import AuthenticationError, ReadOnly, WikiUnreachable

pytestmark = pytest.mark.wiki

Titles = Callable[..., str]


def create(gateway: Gateway, title: str, text: str, summary: str) -> int:
    """Create a page through the gateway's one write call (create-only, not minor)."""
    revid = gateway.edit(title, text, None, summary, minor=False, create_only=True)
    assert isinstance(revid, int), revid
    return revid


def history(client: MiniClient, title: str) -> list[dict[str, object]]:
    """The page's revisions, newest first (as seen by a plain client)."""
    answer = client.get(action="query", prop="revisions", titles=title,
                        rvprop="ids|user|comment", rvlimit=20)
    return list(answer["query"]["pages"][0].get("revisions", []))


# --- reads: request counts and politeness ------------------------------------------------


def test_620_pages_take_exactly_two_content_requests(
    devwiki: DevWiki, proxied: Gateway, fault_proxy: FaultProxy, unique_title: Titles
) -> None:
    template = unique_title("Modèle:Lot")
    name = template.split(":", 1)[1]
    pages = {unique_title("Lot"): f"{{{{{name}|n={i}}}}}\nTexte {i}." for i in range(620)}
    devwiki.import_pages(pages)
    ours, theirs = dict(proxied.requests), fault_proxy.count()
    started = time.monotonic()
    batches = list(proxied.iter_page_batches("embeddedin", title=template, namespace=0))
    elapsed = time.monotonic() - started
    assert proxied.requests["read"] - ours["read"] == 2
    assert sum(proxied.requests.values()) - sum(ours.values()) == 2
    assert fault_proxy.count() - theirs == 2
    seen = fault_proxy.requests[-2:]
    assert all(r.params.get("geilimit") == "500" for r in seen)
    assert [len(b) for b in batches] == [500, 120]
    read = {p.title: p for batch in batches for p in batch}
    assert {t: p.content for t, p in read.items()} == pages
    print(f"\n620 pages: 2 content requests, {elapsed:.2f} s")


def test_every_request_is_polite(proxied: Gateway, fault_proxy: FaultProxy,
                                 unique_title: Titles) -> None:
    title = unique_title("Politesse")
    create(proxied, title, "texte", "wikisync: test")
    proxied.read_page(title)
    seen = fault_proxy.requests
    assert {r.action for r in seen} >= {"login", "query", "edit"}
    for request in seen:
        assert request.params.get("maxlag") == "5", request
        assert request.params.get("format") == "json"
        assert request.params.get("formatversion") == "2"
        assert request.headers.get("User-Agent") == USER_AGENT
        if request.method == "GET":
            assert not {"token", "lgpassword", "lgtoken"} & set(request.params)
    edit = next(r for r in seen if r.action == "edit")
    assert edit.method == "POST"
    assert edit.params["assert"] == "user" and edit.params["assertuser"] == "WikisyncBot"
    assert edit.params["bot"] == "1" and edit.params["createonly"] == "1"


# --- retries -----------------------------------------------------------------------------


def test_503_with_retry_after_seconds_is_retried(proxied: Gateway, fault_proxy: FaultProxy,
                                                 sleeps: Sleeps, unique_title: Titles) -> None:
    fault_proxy.inject(Fault.http_status(503, retry_after=7, action="query"))
    page = proxied.read_page(unique_title("Absente"))
    assert page.missing
    assert sleeps.calls == [7.0]
    assert proxied.retries == 1


def test_503_with_retry_after_date_is_retried(proxied: Gateway, fault_proxy: FaultProxy,
                                              sleeps: Sleeps, unique_title: Titles) -> None:
    when = datetime.now(UTC) + timedelta(seconds=30)
    fault_proxy.inject(Fault.http_status(503, retry_after=when, action="query"))
    assert proxied.read_page(unique_title("Absente")).missing
    assert len(sleeps.calls) == 1 and 27 <= sleeps.calls[0] <= 31


def test_maxlag_is_retried_after_retry_after(proxied: Gateway, fault_proxy: FaultProxy,
                                             sleeps: Sleeps, unique_title: Titles) -> None:
    title = unique_title("Retard")
    fault_proxy.inject(Fault.maxlag(lag=9, retry_after=5, action="edit", times=2))
    revid = create(proxied, title, "après le retard", "wikisync: test")
    assert sleeps.calls and all(s >= 5 for s in sleeps.calls) and len(sleeps.calls) == 2
    assert fault_proxy.count(action="edit") == 3
    assert proxied.read_page(title).revid == revid


def test_maxlag_waits_for_real_without_an_injected_sleep(
    devwiki: DevWiki, fault_proxy: FaultProxy, unique_title: Titles
) -> None:
    gw = Gateway(bot_config(devwiki, api=fault_proxy.api_url))
    fault_proxy.inject(Fault.maxlag(lag=2, retry_after=1, action="query"))
    started = time.monotonic()
    assert gw.read_page(unique_title("Absente")).missing
    assert time.monotonic() - started >= 1.0


def test_ratelimited_is_retried(proxied: Gateway, fault_proxy: FaultProxy, sleeps: Sleeps,
                                unique_title: Titles) -> None:
    fault_proxy.inject(Fault.api_error("ratelimited", action="edit"))
    assert isinstance(create(proxied, unique_title("Limite"), "x", "wikisync: test"), int)
    assert len(sleeps.calls) == 1


def test_a_timeout_is_retried(devwiki: DevWiki, fault_proxy: FaultProxy, sleeps: Sleeps,
                              unique_title: Titles) -> None:
    gw = Gateway(bot_config(devwiki, api=fault_proxy.api_url, timeout=1.0), sleep=sleeps)
    fault_proxy.inject(Fault.delay(2.5, action="query"))
    assert gw.read_page(unique_title("Lente")).missing
    assert gw.retries == 1


def test_it_gives_up_and_says_the_wiki_is_unreachable(
    devwiki: DevWiki, fault_proxy: FaultProxy, sleeps: Sleeps
) -> None:
    gw = Gateway(bot_config(devwiki, api=fault_proxy.api_url, max_retries=3), sleep=sleeps)
    fault_proxy.inject(Fault.http_status(503, retry_after=2, times=100))
    with pytest.raises(WikiUnreachable, match="gave up after 4 attempts"):
        gw.login()
    assert fault_proxy.count() == 4
    assert len(sleeps.calls) == 3


def test_read_only_injected_stops_without_retry(proxied: Gateway, fault_proxy: FaultProxy,
                                                sleeps: Sleeps, unique_title: Titles) -> None:
    fault_proxy.inject(Fault.api_error("readonly", action="edit"))
    with pytest.raises(ReadOnly, match="read-only"):
        create(proxied, unique_title("Lecture seule"), "x", "wikisync: test")
    assert sleeps.calls == []
    assert fault_proxy.count(action="edit") == 1


def test_session_lost_twice_is_an_authentication_error(
    proxied: Gateway, fault_proxy: FaultProxy, unique_title: Titles
) -> None:
    fault_proxy.inject(Fault.api_error("assertuserfailed", action="edit", times=2))
    logins = proxied.requests["login"]
    with pytest.raises(AuthenticationError, match="could not be restored"):
        create(proxied, unique_title("Session"), "x", "wikisync: test")
    assert proxied.requests["login"] == logins + 2  # exactly one re-login


# --- a lost answer never duplicates an edit -------------------------------------------------


def test_reset_after_the_edit_was_saved_makes_no_duplicate(
    devwiki: DevWiki, proxied: Gateway, fault_proxy: FaultProxy, editor_client: MiniClient,
    unique_title: Titles,
) -> None:
    title = unique_title("Coupure")
    devwiki.import_pages({title: "avant"})
    base = proxied.read_page(title)
    fault_proxy.inject(Fault.reset(after_forward=True, action="edit", method="POST"))
    revid = proxied.edit(title, "après", base, "wikisync: lien carte")
    assert fault_proxy.count(action="edit") == 1  # found in the history, not sent again
    revisions = history(editor_client, title)
    assert [r["revid"] for r in revisions] == [revid, base.revid]
    assert revisions[0]["user"] == "WikisyncBot"
    assert proxied.retries == 1


def test_reset_after_a_creation_was_saved_makes_no_duplicate(
    proxied: Gateway, fault_proxy: FaultProxy, editor_client: MiniClient, unique_title: Titles
) -> None:
    title = unique_title("Création coupée")
    fault_proxy.inject(Fault.reset(after_forward=True, action="edit", method="POST"))
    revid = create(proxied, title, "nouvelle fiche", "wikisync: création")
    assert [r["revid"] for r in history(editor_client, title)] == [revid]


def test_reset_before_the_edit_arrived_sends_it_again_once(
    devwiki: DevWiki, proxied: Gateway, fault_proxy: FaultProxy, editor_client: MiniClient,
    unique_title: Titles,
) -> None:
    title = unique_title("Coupure avant")
    devwiki.import_pages({title: "avant"})
    base = proxied.read_page(title)
    fault_proxy.inject(Fault.reset(after_forward=False, action="edit", method="POST"))
    revid = proxied.edit(title, "après", base, "wikisync: lien carte")
    assert fault_proxy.count(action="edit") == 2
    assert [r["revid"] for r in history(editor_client, title)] == [revid, base.revid]
    assert proxied.read_page(title).content == "après"


def test_503_on_an_edit_checks_the_history_then_sends_it_once_more(
    devwiki: DevWiki, proxied: Gateway, fault_proxy: FaultProxy, editor_client: MiniClient,
    sleeps: Sleeps, unique_title: Titles,
) -> None:
    title = unique_title("Edit 503")
    devwiki.import_pages({title: "avant"})
    base = proxied.read_page(title)
    fault_proxy.inject(Fault.http_status(503, retry_after=3, action="edit"))
    revid = proxied.edit(title, "après", base, "wikisync: lien carte")
    assert sleeps.calls == [3.0]
    assert fault_proxy.count(action="edit") == 2
    assert [r["revid"] for r in history(editor_client, title)] == [revid, base.revid]
