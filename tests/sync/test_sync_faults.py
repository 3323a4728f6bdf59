"""``sync`` under trouble: shutoff page, transient faults, refusals, read-only, blocks, limits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sync_helpers import bot_revisions, config, fiches, gateway, latest_revids, run_sync

from wikisync.devwiki import Fault
from wikisync.errors import Blocked, ReadOnly
from wikisync.store import Store
from wikisync.sync.run import SyncOptions, sync
from wikisync.write import WriteOutcome


def test_shutoff_flipped_mid_run_stops_edits_within_ten(
    devwiki: Any, editor_client: Any, unique_title: Callable[..., str], tmp_path: Path
) -> None:
    prefix = unique_title("Sync")
    shutoff = f"Utilisateur:WikisyncBot/Arrêt {prefix}"
    devwiki.import_pages({**fiches(prefix, 25), shutoff: "oui"})
    flipped: list[int] = []

    def out(outcome: WriteOutcome) -> None:
        edits = len([o for o in seen if o.written]) + outcome.written
        seen.append(outcome)
        if edits == 3 and not flipped:
            editor_client.edit(shutoff, "non", "arrêt d'urgence")
            flipped.append(edits)

    seen: list[WriteOutcome] = []
    cfg = config(devwiki, shutoff_page=shutoff, run_word="oui")
    result = run_sync(cfg, tmp_path / "s.sqlite", prefix, out=out)

    edited = result.count("edited")
    assert flipped and 3 <= edited <= 3 + 10
    assert result.stopped and result.stopped.startswith("shutoff")
    assert result.count("stopped") == 25 - edited and result.exit_code == 1
    assert sum(bot_revisions(editor_client, t) for t in fiches(prefix, 25)) == edited


@pytest.mark.parametrize("shutoff_text", [None, "non", "oui, mais pas aujourd'hui"])
def test_shutoff_missing_or_not_the_run_word_means_no_edit(
    devwiki: Any, unique_title: Callable[..., str], tmp_path: Path, shutoff_text: str | None
) -> None:
    prefix = unique_title("Sync")
    shutoff = f"Utilisateur:WikisyncBot/Arrêt {prefix}"
    pages = fiches(prefix, 2)
    devwiki.import_pages({**pages, **({shutoff: shutoff_text} if shutoff_text else {})})
    cfg = config(devwiki, shutoff_page=shutoff)
    result = run_sync(cfg, tmp_path / "s.sqlite", prefix)
    assert result.count("edited") == 0 and result.count("stopped") == 2
    assert result.requests.get("write", 0) == 0


def test_unreadable_shutoff_page_fails_closed(
    devwiki: Any, fault_proxy: Any, unique_title: Callable[..., str], tmp_path: Path
) -> None:
    prefix = unique_title("Sync")
    shutoff = f"Utilisateur:WikisyncBot/Arrêt {prefix}"
    devwiki.import_pages({**fiches(prefix, 2), shutoff: "oui"})
    cfg = config(devwiki, api_url=fault_proxy.api_url, shutoff_page=shutoff)
    fault_proxy.inject(Fault.api_error("internal_api_error_DBQueryError", times=50,
                                       match=lambda r: r.params.get("titles") == shutoff))
    result = run_sync(cfg, tmp_path / "s.sqlite", prefix)
    assert result.count("edited") == 0 and (result.stopped or "").startswith("shutoff")


def test_transient_faults_lose_no_edit_and_duplicate_none(
    devwiki: Any, fault_proxy: Any, editor_client: Any, unique_title: Callable[..., str],
    tmp_path: Path
) -> None:
    prefix = unique_title("Sync")
    pages = fiches(prefix, 6)
    devwiki.import_pages(pages)
    cfg = config(devwiki, api_url=fault_proxy.api_url)
    for fault in (Fault.maxlag(action="edit", method="POST"),
                  Fault.http_status(429, retry_after=1, action="query"),
                  Fault.http_status(503, retry_after=1, action="edit", method="POST"),
                  Fault.reset(after_forward=True, action="edit", method="POST"),
                  Fault.reset(action="edit", method="POST"),
                  Fault.maxlag(action="query")):
        fault_proxy.inject(fault)

    result = run_sync(cfg, tmp_path / "s.sqlite", prefix)

    assert fault_proxy.pending() == []
    assert result.count("edited") == 6 and result.exit_code == 0
    assert {t: bot_revisions(editor_client, t) for t in pages} == dict.fromkeys(pages, 1)
    with Store(tmp_path / "s.sqlite") as store:
        assert sorted(e.title for e in store.journal(run_id=result.run_id)) == sorted(pages)
    again = run_sync(cfg, tmp_path / "s.sqlite", prefix)
    assert again.count("edited") == 0 and again.plan.pages == []


def test_readonly_wiki_stops_the_run_before_the_next_edit(
    devwiki: Any, editor_client: Any, unique_title: Callable[..., str], tmp_path: Path
) -> None:
    prefix = unique_title("Sync")
    pages = fiches(prefix, 4)
    devwiki.import_pages(pages)
    before = latest_revids(editor_client, list(pages))
    cfg = config(devwiki)

    def out(outcome: WriteOutcome) -> None:
        if outcome.written:
            devwiki.set_read_only("Maintenance")  # after the first edit

    try:
        with Store(tmp_path / "s.sqlite") as store, pytest.raises(ReadOnly):
            sync(gateway(cfg), store, cfg, SyncOptions(prefixes=(prefix,)), out=out)
        with Store(tmp_path / "s.sqlite") as store, pytest.raises(ReadOnly):  # at the start
            sync(gateway_before(cfg, devwiki), store, cfg, SyncOptions(prefixes=(prefix,)))
    finally:
        devwiki.set_read_only(None)
    after = latest_revids(editor_client, list(pages))
    changed = [t for t in pages if after[t] != before[t]]
    assert len(changed) == 1
    with Store(tmp_path / "s.sqlite") as store:
        runs = store.runs(kind="sync")
        assert [r.status for r in runs] == ["stopped", "stopped"]
        assert [e.title for e in store.journal(status="saved")] == changed
        [refused] = store.journal(status="not-saved")  # the edit the read-only wiki refused
        assert refused.title not in changed and refused.new_revid is None


def gateway_before(cfg: Any, devwiki: Any) -> Any:
    """A gateway logged in while the wiki is still writable (login writes a session)."""
    devwiki.set_read_only(None)
    gate = gateway(cfg)
    devwiki.set_read_only("Maintenance")
    return gate


@pytest.mark.parametrize(("code", "error"), [("readonly", ReadOnly), ("blocked", Blocked)])
def test_readonly_or_blocked_at_the_first_edit_stops_the_run_at_once(
    devwiki: Any, fault_proxy: Any, editor_client: Any, unique_title: Callable[..., str],
    tmp_path: Path, code: str, error: type[Exception]
) -> None:
    prefix = unique_title("Sync")
    pages = fiches(prefix, 3)
    devwiki.import_pages(pages)
    before = latest_revids(editor_client, list(pages))
    fault_proxy.inject(Fault.api_error(code, action="edit", method="POST", times=10))
    with pytest.raises(error):
        run_sync(config(devwiki, api_url=fault_proxy.api_url), tmp_path / "s.sqlite", prefix)
    assert fault_proxy.count(action="edit", method="POST") == 1
    assert latest_revids(editor_client, list(pages)) == before


def test_refused_edits_are_skipped_and_reported_the_rest_goes_on(
    devwiki: Any, fault_proxy: Any, admin_client: Any, editor_client: Any,
    unique_title: Callable[..., str], tmp_path: Path
) -> None:
    prefix = unique_title("Sync")
    pages = fiches(prefix, 5)
    devwiki.import_pages(pages)
    titles = sorted(pages)
    cfg = config(devwiki, api_url=fault_proxy.api_url)
    run_sync(cfg, tmp_path / "s.sqlite", prefix, dry_run=True)  # the store knows all five
    token = admin_client.csrf()
    admin_client.post(action="protect", title=titles[0], protections="edit=sysop",
                      token=token)
    admin_client.post(action="delete", title=titles[1], token=token)
    for code, title in (("abusefilter-disallowed", titles[2]), ("spamblacklist", titles[3])):
        fault_proxy.inject(Fault.api_error(code, action="edit", method="POST",
                                           match=lambda r, t=title: r.params.get("title") == t))

    result = run_sync(cfg, tmp_path / "s.sqlite", prefix, pull=False)

    reasons = {o.title: (o.status, o.reason) for o in result.outcomes}
    assert reasons == {titles[0]: ("skipped", "protected"), titles[1]: ("skipped", "missing"),
                       titles[2]: ("skipped", "filter"), titles[3]: ("skipped", "filter"),
                       titles[4]: ("edited", "")}
    assert result.exit_code == 1
    assert editor_client.read(titles[1]) is None  # never recreated


def test_max_edits_is_a_safety_valve(
    devwiki: Any, unique_title: Callable[..., str], tmp_path: Path
) -> None:
    prefix = unique_title("Sync")
    devwiki.import_pages(fiches(prefix, 4))
    result = run_sync(config(devwiki), tmp_path / "s.sqlite", prefix, max_edits=2)
    assert [o.status for o in result.outcomes] == ["edited", "edited", "stopped", "stopped"]
    assert result.exit_code == 1
    rest = run_sync(config(devwiki), tmp_path / "s.sqlite", prefix)
    assert rest.count("edited") == 2 and rest.exit_code == 0
