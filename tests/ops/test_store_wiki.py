"""A store knows its wiki, on two real wikis: a store of wiki A is refused on wiki B.

Wiki A is this module's own private wiki (started once, about 1.5 s), wiki B the operations
tests' private wiki. Every command that talks to the wiki with a store refuses a store of
the other wiki with one line naming both (exit 2) and leaves the store as it was.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from wikisync.cli import cli
from wikisync.config import Config, WikiConfig
from wikisync.devwiki import DevWiki, FaultProxy, MiniClient
from wikisync.store import Store, WikiIdentity
from wikisync.sync import pull
from wikisync.sync.wiki import connect_store
from wikitools import TEST_USER_AGENT, own_wiki, wiki_env

pytestmark = pytest.mark.wiki

FICHE = ("{{Fiche initiative\n| nom = %s\n| type = association de développement\n"
         "| commune = Brest\n| latitude = 48.4\n| longitude = -4.5\n}}\nTexte.\n")

# Every command that reads or writes the wiki with a store (check opens none).
WIKI_COMMANDS = [
    ["pull"],
    ["pull", "--full"],
    ["sync", "--dry-run"],
    ["sync", "--no-pull", "--dry-run"],
    ["status"],
    ["run"],
    ["generate", "--dry-run"],
    ["generate", "--no-pull", "--no-blocks", "--dry-run", "--map-page", "Carte"],
    ["templates", "install", "--dry-run"],
    ["audit", "--pull"],
    ["audit", "--publish", "Projet:Audit"],
]


@pytest.fixture(scope="module")
def wiki_a(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevWiki]:
    """This module's own wiki, holding one fiche that wiki B does not have."""
    for wiki in own_wiki(tmp_path_factory, "store-wiki-a"):
        wiki.import_pages({"Pôle du wiki A": FICHE % "Pôle du wiki A"})
        yield wiki


def identity(wiki: DevWiki) -> WikiIdentity:
    """The wiki's identity as its siteinfo tells it (asked here, not by wikisync)."""
    general = MiniClient(wiki.api_url).get(action="query", meta="siteinfo",
                                           siprop="general")["query"]["general"]
    return WikiIdentity(general["server"], general["wikiid"], wiki.api_url)


def invoke(tmp_path: Path, wiki: DevWiki, *args: str, store: Path | None = None) -> Result:
    """``wikisync ARGS`` in this process, as the bot of ``wiki``, on the test's store."""
    config = tmp_path / "wikisync.toml"
    config.write_text("[safety]\nedit_interval = 0\n", encoding="utf-8")
    env = wiki_env(wiki, tmp_path) | {"WIKISYNC_STATE": str(store or tmp_path / "s.sqlite")}
    return CliRunner(env=env).invoke(cli, ["-c", str(config), *args])


def state(path: Path) -> dict[str, Any]:
    """Everything a command could change in the store: pages, runs, meta, journal, wiki."""
    with Store(path) as store:
        return {"snapshot": store.snapshot(), "runs": store.runs(limit=1000),
                "checkpoint": store.checkpoint, "journal": store.journal(),
                "wiki": store.wiki_identity(),
                "redirects": store.get_meta("template_redirects")}


def refusal(path: Path, stored: WikiIdentity, other: WikiIdentity) -> str:
    """The one line every refused command prints."""
    return (f"wikisync: error: the store {path} belongs to {stored.server} (wikiid "
            f"{stored.wikiid}), not {other.server} (wikiid {other.wikiid}); use --store NEW "
            "to start a fresh one\n")


@pytest.fixture(scope="module")
def store_a(wiki_a: DevWiki, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store filled by one pull from wiki A (the CLI's pull)."""
    folder = tmp_path_factory.mktemp("store-a")
    done = invoke(folder, wiki_a, "pull")
    assert done.exit_code == 0, done.output
    return folder / "s.sqlite"


def test_the_first_pull_records_the_wiki(store_a: Path, wiki_a: DevWiki) -> None:
    with Store(store_a) as store:
        assert store.wiki_identity() == identity(wiki_a)
        assert store.page("Pôle du wiki A") is not None


@pytest.mark.parametrize("command", WIKI_COMMANDS, ids=" ".join)
def test_a_store_of_another_wiki_is_refused_with_one_line_and_left_as_it_was(
    command: list[str], store_a: Path, wiki_a: DevWiki, ops_wiki: DevWiki, tmp_path: Path
) -> None:
    before = state(store_a)

    done = invoke(tmp_path, ops_wiki, *command, store=store_a)

    assert done.exit_code == 2, done.output
    assert done.stderr == refusal(store_a, identity(wiki_a), identity(ops_wiki))
    assert done.stdout == ""
    assert state(store_a) == before


def test_run_json_says_the_refusal_in_its_object_too(
    store_a: Path, wiki_a: DevWiki, ops_wiki: DevWiki, tmp_path: Path
) -> None:
    before = state(store_a)
    done = invoke(tmp_path, ops_wiki, "run", "--json", store=store_a)
    assert done.exit_code == 2
    line = refusal(store_a, identity(wiki_a), identity(ops_wiki))
    assert done.stderr == line
    assert json.loads(done.stdout) == {"status": "failed", "exit_code": 2,
                                       "error": line.removeprefix("wikisync: error: ").strip()}
    assert state(store_a) == before


def test_offline_commands_still_read_a_store_of_another_wiki(
    store_a: Path, ops_wiki: DevWiki, tmp_path: Path
) -> None:
    for command in (["export", "--source", "fiche"], ["history"], ["status", "--offline"]):
        done = invoke(tmp_path, ops_wiki, *command, store=store_a)
        assert done.exit_code == 0, (command, done.output)
    exported = invoke(tmp_path, ops_wiki, "export", "--source", "fiche", store=store_a)
    assert [r["title"] for r in json.loads(exported.stdout)] == ["Pôle du wiki A"]


def test_store_new_starts_fresh_on_the_other_wiki(ops_wiki: DevWiki, tmp_path: Path) -> None:
    fresh = tmp_path / "new.sqlite"
    done = invoke(tmp_path, ops_wiki, "pull", "--store", str(fresh))
    assert done.exit_code == 0, done.output
    assert invoke(tmp_path, ops_wiki, "status", "--store", str(fresh)).exit_code == 0
    with Store(fresh) as store:
        assert store.wiki_identity() == identity(ops_wiki)
        assert store.page("Pôle du wiki A") is None


def make_old(path: Path) -> None:
    """Turn a store into one an older wikisync wrote: no wiki table, no migration row."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TABLE wiki")
    conn.execute("DELETE FROM _migrations WHERE name = 'm003_wiki_identity'")
    conn.close()


def test_a_migrated_old_store_adopts_the_wiki_of_its_next_pull_and_keeps_it(
    wiki_a: DevWiki, ops_wiki: DevWiki, tmp_path: Path
) -> None:
    path = tmp_path / "s.sqlite"
    assert invoke(tmp_path, wiki_a, "pull").exit_code == 0
    make_old(path)
    with Store(path) as store:  # migrated on opening: no identity yet
        assert store.wiki_identity() is None and store.page_count() > 0

    assert invoke(tmp_path, ops_wiki, "sync", "--no-pull", "--dry-run").exit_code in (0, 1)
    with Store(path) as store:  # no pull, nothing adopted
        assert store.wiki_identity() is None
    adopted = invoke(tmp_path, ops_wiki, "pull")
    assert adopted.exit_code == 0, adopted.output

    with Store(path) as store:
        assert store.wiki_identity() == identity(ops_wiki)
    back = invoke(tmp_path, wiki_a, "pull")
    assert back.exit_code == 2
    assert back.stderr == refusal(path, identity(ops_wiki), identity(wiki_a))
    assert invoke(tmp_path, ops_wiki, "pull").exit_code == 0  # its own wiki: still fine


def gateway_config(wiki: DevWiki, api: str) -> Config:
    """The bot of ``wiki`` through ``api`` (the wiki itself or a proxy in front of it)."""
    return Config(wiki=WikiConfig(api=api, username=wiki.bot_username,
                                  password=wiki.bot_password, user_agent=TEST_USER_AGENT,
                                  timeout=30.0))


def test_the_check_costs_no_request_and_a_proxy_is_the_same_wiki(
    wiki_a: DevWiki, tmp_path: Path
) -> None:
    path = tmp_path / "s.sqlite"
    with FaultProxy(wiki_a.api_url) as proxy, Store(path) as store:
        config = gateway_config(wiki_a, proxy.api_url)  # another URL, the same wiki
        for _ in range(2):  # the first pull, then one that absorbs the overlap window
            pull(connect_store(config.require_wiki(), store), store, config)
        gateway = connect_store(config.require_wiki(), store)
        quiet = pull(gateway, store, config)
        assert store.wiki_identity() == WikiIdentity(identity(wiki_a).server,
                                                     identity(wiki_a).wikiid, proxy.api_url)
    assert quiet.pages_read == 0
    # login (token + siteinfo in one request, then the login), siteinfo, recent changes
    assert {k: n for k, n in gateway.requests.items() if n} == {"login": 2, "other": 1,
                                                               "read": 1}
    assert invoke(tmp_path, wiki_a, "status").exit_code == 0  # direct URL: same wiki
