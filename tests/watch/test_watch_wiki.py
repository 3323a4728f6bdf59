"""``wikisync watch`` on a real wiki: editors' saves handled within seconds, safely."""

from __future__ import annotations

import re
import signal
import time
import uuid

import pytest
from watch_helpers import (
    INTERVAL,
    QUIET,
    SHUTOFF,
    Watch,
    bot_revisions,
    revisions,
    wait_for,
)

from wikisync.devwiki import DevWiki, MiniClient
from wikisync.store import Store
from wikisync.watch.heartbeat import Heartbeat

WORK = 2.5  # seconds the watcher may take for one batch (pull, reads, edits, refresh)
LIST_END = "{{Fin liste pôles ESS}}"
pytestmark = pytest.mark.wiki  # its own wiki, not the session's: marked by hand


def fiche(name: str, region: str, commune: str = "Brest", lat: str = "48.39",
          lon: str = "-4.49") -> str:
    """A fiche as an editor writes it (no map link yet)."""
    return (f"{{{{Fiche initiative\n| nom = {name}\n| type = association de développement\n"
            f"| région = {region}\n| commune = {commune}\n| latitude = {lat}\n"
            f"| longitude = {lon}\n}}}}\nTexte.")


def opener(region: str) -> str:
    """An editor's list of a region's hubs."""
    return f"Les pôles :\n{{{{Liste pôles ESS|région={region}}}}}\n\nFin de page."


def filled(editor: MiniClient, title: str) -> str | None:
    """The page's text once the bot filled its list, else None."""
    text = editor.read(title)
    return text if LIST_END in text else None


def run_of(comment: str) -> int:
    """The run number an edit summary carries."""
    found = re.search(r"\[run (\d+)\]", comment)
    assert found, comment
    return int(found.group(1))


def settled(watcher: Watch, run: int) -> Heartbeat | None:
    """The heartbeat once the batch of ``run`` is over and nothing waits, else None."""
    beat = watcher.heartbeat()
    # ">=": a later batch (the shutoff page's own change, say) may already have run
    return beat if beat is not None and (beat.last_run or 0) >= run and beat.pending == 0 \
        else None


def test_an_opener_is_filled_within_an_interval_plus_the_quiet_time(
    watcher: Watch, editor: MiniClient,
) -> None:
    region = f"Iroise-{uuid.uuid4().hex[:6]}"
    editor.edit(f"Pôle A {region}", fiche("Pôle Alpha", region))
    watcher.start()

    page = f"Liste {region}"
    saved = time.monotonic()
    editor.edit(page, opener(region))
    text = wait_for(lambda: filled(editor, page), INTERVAL + QUIET + WORK, step=0.05)
    took = time.monotonic() - saved

    assert text is not None, watcher.output()
    assert took <= INTERVAL + QUIET + WORK, took
    assert "Pôle Alpha" in text and text.startswith("Les pôles :\n{{Liste pôles ESS|")
    [edit] = bot_revisions(editor, page)
    assert wait_for(lambda: (watcher.heartbeat() or Heartbeat(0, "")).last_run
                    == run_of(edit["comment"]), 10), watcher.output()
    code, out, _ = watcher.stop()
    assert code == 0 and "watch: stopped by SIGTERM" in out, watcher.output()


def test_coordinates_change_moves_the_map_link_and_the_list_follows(
    watcher: Watch, editor: MiniClient,
) -> None:
    region = f"Arvor-{uuid.uuid4().hex[:6]}"
    hub, page = f"Pôle B {region}", f"Liste {region}"
    editor.edit(hub, fiche("Pôle Beta", region))
    editor.edit(page, opener(region))
    watcher.start()
    assert wait_for(lambda: "carte" in editor.read(hub) and filled(editor, page), 20), \
        watcher.output()

    editor.edit(hub, fiche("Pôle Beta", region, commune="Quimper", lat="47.99", lon="-4.10"))

    def moved() -> bool:
        return "mlat=47.99" in editor.read(hub) and "Quimper" in (filled(editor, page) or "")

    assert wait_for(moved, INTERVAL + QUIET + WORK + 1), watcher.output()
    link_edit, list_edit = bot_revisions(editor, hub)[0], bot_revisions(editor, page)[0]
    assert run_of(link_edit["comment"]) == run_of(list_edit["comment"])  # one batch, one run
    assert "mlat=48.39" not in editor.read(hub)


def test_the_bots_own_edits_cause_no_second_edit(watcher: Watch, editor: MiniClient) -> None:
    region = f"Léon-{uuid.uuid4().hex[:6]}"
    hub, page = f"Pôle C {region}", f"Liste {region}"
    watcher.start()
    editor.edit(hub, fiche("Pôle Gamma", region))
    editor.edit(page, opener(region))
    assert wait_for(lambda: "carte" in editor.read(hub) and filled(editor, page), 20), \
        watcher.output()
    assert wait_for(lambda: (watcher.heartbeat() or Heartbeat(0, "", pending=1)).pending == 0,
                    10), watcher.output()
    assert watcher.polls_after(2)  # the batches people's two saves asked for are over
    after = watcher.heartbeat()
    assert after is not None and after.pending == 0

    assert watcher.polls_after(8)  # the bot's own revisions are in these polls' answers

    assert len(bot_revisions(editor, hub)) == 1 and len(bot_revisions(editor, page)) == 1
    beat = watcher.heartbeat()
    assert beat is not None and beat.batches == after.batches and beat.pending == 0, \
        watcher.output()
    status = watcher.cli("status", "--offline")
    assert f"watcher: running (PID {beat.pid}) since {beat.started}, last poll" in status, status
    busy = watcher.cli("run")  # a timer's run does not overlap the watcher
    assert "another wikisync run is in progress" in busy and "`wikisync watch`" in busy, busy
    watcher.stop()
    assert "watcher: not running (last poll" in watcher.cli("status", "--offline")


def test_sigterm_finishes_the_page_in_hand_and_exits_0_within_5_s(
    watcher: Watch, editor: MiniClient,
) -> None:
    region = f"Trégor-{uuid.uuid4().hex[:6]}"
    hubs = [f"Pôle D{i} {region}" for i in range(3)]
    watcher.config(edit_interval=30)  # the second edit waits 30 s: SIGTERM comes first
    watcher.start()
    for i, title in enumerate(hubs):
        editor.edit(title, fiche(f"Pôle Delta {i}", region))
    assert wait_for(lambda: sum(len(bot_revisions(editor, t)) for t in hubs), 20), \
        watcher.output()

    code, out, took = watcher.stop(signal.SIGTERM)

    assert code == 0 and took < 5, (code, took, watcher.output())
    assert "watch: stopped by SIGTERM" in out
    assert sum(len(bot_revisions(editor, t)) for t in hubs) == 1  # the next page not started
    watcher.config(edit_interval=0)
    watcher.start()  # the pages left waiting are handled after a restart
    assert wait_for(lambda: all("carte" in editor.read(t) for t in hubs), 20), watcher.output()
    assert all(len(bot_revisions(editor, t)) == 1 for t in hubs)
    code, _, took = watcher.stop(signal.SIGINT)
    assert code == 0 and took < 5


def test_a_wiki_that_goes_away_is_waited_out_then_caught_up(
    watcher: Watch, editor: MiniClient, watch_wiki: DevWiki,
) -> None:
    region = f"Goëlo-{uuid.uuid4().hex[:6]}"
    page = f"Liste {region}"
    editor.edit(f"Pôle E {region}", fiche("Pôle Epsilon", region))
    watcher.config(extra="")
    watcher.start()
    editor.edit(page, opener(region))
    watch_wiki.stop()  # before the quiet time is over: the change waits
    try:
        assert wait_for(lambda: "the wiki is away" in watcher.output(), 20), watcher.output()
        time.sleep(2 * INTERVAL)
        assert watcher.proc is not None and watcher.proc.poll() is None  # never a crash
    finally:
        DevWiki.start(watch_wiki.dir, port=watch_wiki.port)

    assert wait_for(lambda: filled(editor, page), 30), watcher.output()
    assert "the wiki answers again" in watcher.output()
    assert watcher.polls_after(4)
    assert len(bot_revisions(editor, page)) == 1
    code, _, _ = watcher.stop()
    assert code == 0


def test_the_shutoff_page_flipped_while_watching_stops_edits(
    watcher: Watch, editor: MiniClient,
) -> None:
    region = f"Penthièvre-{uuid.uuid4().hex[:6]}"
    page = f"Liste {region}"
    editor.edit(SHUTOFF, "oui")
    editor.edit(f"Pôle F {region}", fiche("Pôle Zeta", region))
    watcher.config(extra=f'shutoff_page = "{SHUTOFF}"\n')
    watcher.start()
    assert wait_for(lambda: "carte" in editor.read(f"Pôle F {region}"), 20), watcher.output()

    editor.edit(SHUTOFF, "non")
    editor.edit(page, opener(region))
    assert wait_for(lambda: "edits stopped" in watcher.output(), 20), watcher.output()
    assert watcher.polls_after(3)
    assert bot_revisions(editor, page) == [] and LIST_END not in editor.read(page)

    editor.edit(SHUTOFF, "oui")  # the change of the shutoff page wakes the stopped pages
    assert wait_for(lambda: filled(editor, page), INTERVAL + QUIET + WORK + 1), watcher.output()
    [edit] = bot_revisions(editor, page)
    assert wait_for(lambda: settled(watcher, run_of(edit["comment"])), 10), watcher.output()
    with Store(watcher.store) as store:
        [entry] = store.journal(title=page)
    assert entry.run_id == run_of(edit["comment"])
    assert all(r["user"] != "WikisyncBot" for r in revisions(editor, SHUTOFF))
