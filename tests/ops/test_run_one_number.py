"""One ``wikisync run`` = one run number: lists, map links, map page and audit page alike.

On the private wiki of the operations tests. The test wiki runs no map extension, so the
gateway says it runs Kartographer (the one fact the wiki cannot give; every request real).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ops_helpers import Cli, fiches

from wikisync.api import Gateway
from wikisync.config import Config, SafetyConfig, WikiConfig
from wikisync.ops.cycle import RunOptions, run_cycle
from wikisync.store import Store
from wikitools import TEST_USER_AGENT

pytestmark = pytest.mark.wiki

LIST_PAGE = "Liste :\n{{Liste pôles ESS}}\n{{Fin liste pôles ESS}}\nFin.\n"


class KartographerGateway(Gateway):
    """The real gateway, on a wiki said to run Kartographer (the map page's extension)."""

    def extensions(self) -> frozenset[str]:
        """The wiki's extensions, and Kartographer."""
        return super().extensions() | {"Kartographer"}


def connect(wiki: WikiConfig) -> Gateway:
    """A logged-in gateway that does not really wait between retries."""
    gateway = KartographerGateway(wiki, sleep=lambda seconds: None)
    gateway.login()
    return gateway


def bot_config(wiki: Any, state: Path, prefix: str = "wikisync:") -> Config:
    """The bot's config for the private wiki: no throttle, this summary prefix."""
    return Config(wiki=WikiConfig(api=wiki.api_url, username=wiki.bot_username,
                                  password=wiki.bot_password, user_agent=TEST_USER_AGENT),
                  safety=SafetyConfig(edit_interval=0, summary_prefix=prefix),
                  state_path=str(state))


def summaries(client: Any, prefix: str) -> dict[str, list[str]]:
    """The bot's edit summaries on the pages under ``prefix``, by page."""
    answer = client.get(action="query", list="usercontribs", ucuser="WikisyncBot",
                        uclimit="max", ucprop="title|comment")
    found: dict[str, list[str]] = {}
    for contrib in answer["query"]["usercontribs"]:
        if contrib["title"].startswith(prefix):
            found.setdefault(contrib["title"], []).append(contrib["comment"])
    return found


def test_a_whole_run_gives_one_run_number_to_every_edit(
    cli: Cli, ops_editor: Any, unique_title: Callable[..., str]
) -> None:
    prefix = unique_title("Numéro")
    pages = fiches(prefix, 2) | {f"{prefix} Liste": LIST_PAGE}
    cli.wiki.import_pages(pages)
    carte, audit = f"{prefix} Carte", f"Wiki ESS:{prefix} Audit"
    options = RunOptions(prefixes=(prefix,), map_page=carte, publish=audit)
    with Store(cli.store) as store:
        result = run_cycle(store, bot_config(cli.wiki, cli.store, "Robot ESS :"), options,
                           connect_to=connect, sleep=lambda seconds: None)

    assert result.error is None, result.error
    tag = f"[run {result.run_id}]"
    wiki = summaries(ops_editor, prefix) | summaries(ops_editor, "Wiki ESS:" + prefix)
    assert sorted(wiki) == sorted([*fiches(prefix, 2), f"{prefix} Liste", carte, audit])
    every = [summary for found in wiki.values() for summary in found]
    assert len(every) == 5
    assert all(s.startswith("Robot ESS : ") and s.endswith(tag) for s in every), every
    assert not any("wikisync:" in s for s in every)  # the default prefix replaced
    with Store(cli.store) as store:
        journal = store.journal(run_id=result.run_id)
        assert {e.title: e.step for e in journal} == {
            **dict.fromkeys(fiches(prefix, 2), "sync"), f"{prefix} Liste": "lists",
            carte: "map-page", audit: "audit-publish"}
        assert {e.summary for e in journal} == set(every)
        later = [r.kind for r in store.runs() if r.id > result.run_id]
        assert later == ["pull", "pull"]  # its pull and its refresh: no run of its writes

    shown = cli("history", "--run", str(result.run_id), "--json")
    assert shown.code == 0, shown.err
    listed = {e["title"]: e["summary"] for e in json.loads(shown.out)["edits"]}
    assert listed == {title: found[0] for title, found in wiki.items()}
    text = cli("history", "--run", str(result.run_id))
    assert text.out.splitlines()[0].startswith(f"run {result.run_id}  run  ")
    assert "5 edits" in text.out.splitlines()[0]


def test_run_map_page_is_refused_before_any_edit_on_a_wiki_without_the_extension(
    cli: Cli, ops_editor: Any, unique_title: Callable[..., str]
) -> None:
    prefix = unique_title("SansCarte")
    cli.wiki.import_pages(fiches(prefix, 1))

    done = cli("run", "--prefix", prefix, "--map-page", f"{prefix} Carte")

    assert done.code == 2, done.err
    assert "the wiki has no Kartographer extension" in done.err
    assert summaries(ops_editor, prefix) == {}

