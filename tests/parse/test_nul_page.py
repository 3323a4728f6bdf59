"""A page with a NUL: read whole, never cut; on the real test wiki, read, pulled and edited.

What MediaWiki 1.39 does (checked here, not assumed): an edit through the API stores each
NUL, other C0 control (but tab, LF, CR) and U+FFFE/U+FFFF as U+FFFD; and a NUL kept in its
database (an old import, a direct database write: planted here) is served by the API as
U+FFFD too.  So the bot never gets a NUL from the wiki: the page it reads is whole, its
records are found after the former NUL, and its edits are exact splices.  A text that does
hold a NUL (a file given to ``wikisync parse``/``set``) is read whole and refused for editing
with ``control-character``: saving it would change bytes outside the edit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from wikisync.api import Gateway
from wikisync.cli import cli
from wikisync.config import Config, SafetyConfig, WikiConfig
from wikisync.devwiki import DevWiki, MiniClient
from wikisync.devwiki.install import DB_NAME
from wikisync.parse import read_page
from wikisync.store import Store
from wikisync.sync.run import SyncOptions, sync
from wikitools import TEST_USER_AGENT

ISSUE_TEXT = "{{Fiche initiative|nom=X|commune=Brest}}\ntext\x00 after\n[[Catégorie:Test]]\n"
FICHE_AFTER_NUL = (
    "Texte avant\x00 et après.\n"
    "{{Fiche initiative\n| nom       = Pôle après NUL\n| commune   = Brest\n"
    "| latitude  = 48.39\n| longitude = -4.49\n}}\n[[Catégorie:Test]]"
)


def test_set_on_the_issue_text_never_truncates(tmp_path: Path) -> None:
    page = tmp_path / "nul.wiki"
    page.write_bytes(ISSUE_TEXT.encode("utf-8"))
    result = CliRunner().invoke(cli, ["set", str(page), "-t", "Fiche initiative", "-p",
                                      "commune", "-v", "Quimper"])
    assert result.exit_code == 1
    assert result.stdout_bytes == b""
    assert result.stderr == "wikisync: error: nul: unsafe to edit: control-character (U+0000)\n"
    assert page.read_bytes() == ISSUE_TEXT.encode("utf-8")


def test_parse_reads_the_fiche_after_a_nul(tmp_path: Path) -> None:
    page = tmp_path / "Pôle.wiki"
    page.write_bytes(FICHE_AFTER_NUL.encode("utf-8"))
    result = CliRunner().invoke(cli, ["parse", str(page)])
    assert result.exit_code == 0, result.output
    assert '"name": "Pôle après NUL"' in result.stdout
    assert '"control-character"' in result.stdout and '"unsafe": true' in result.stdout


def bot_config(wiki: DevWiki) -> Config:
    """The bot on the dev wiki, no throttle."""
    return Config(wiki=WikiConfig(api=wiki.api_url, username=wiki.bot_username,
                                  password=wiki.bot_password, user_agent=TEST_USER_AGENT,
                                  max_retry_seconds=60),
                  safety=SafetyConfig(edit_interval=0))


def pull_and_sync(wiki: DevWiki, store_path: Path, title: str) -> list[str]:
    """Pull, then sync that one page (the map-link rule); the outcome statuses."""
    cfg = bot_config(wiki)
    gateway = Gateway(cfg.wiki, sleep=lambda seconds: None)
    gateway.login()
    with Store(store_path) as store:
        result = sync(gateway, store, cfg, SyncOptions(titles=(title,)),
                      sleep=lambda seconds: None)
    return [o.status for o in result.outcomes if o.title == title]


def assert_read_pulled_and_edited(wiki: DevWiki, client: MiniClient, title: str,
                                  store_path: Path) -> None:
    """The page as served: read whole, its fiche in the store, ``carte`` added as one piece."""
    served = client.read(title)
    assert served is not None and "\x00" not in served
    assert served == FICHE_AFTER_NUL.replace("\x00", "\ufffd")
    page = read_page(served, title)
    assert [r.name for r in page.records] == ["Pôle après NUL"] and not page.unsafe
    assert pull_and_sync(wiki, store_path, title) == ["edited"]
    with Store(store_path) as store:
        [record] = store.records(title=title)
    assert (record.name, record.lat, record.lon) == ("Pôle après NUL", 48.39, -4.49)
    edited = client.read(title)
    assert edited is not None
    close = served.index("}}")
    assert edited.startswith(served[:close]) and edited.endswith(served[close:])
    piece = edited[close : len(edited) - len(served) + close]
    assert piece.startswith("| carte     = https://") and piece.endswith("\n")
    assert piece.count("\n") == 1


def test_mediawiki_stores_a_saved_nul_as_fffd_and_the_bot_edits_the_page_exactly(
        devwiki: DevWiki, editor_client: MiniClient, unique_title: Callable[..., str],
        tmp_path: Path) -> None:
    title = unique_title("Pôle NUL")
    answer = editor_client.edit(title, FICHE_AFTER_NUL)
    assert answer["edit"]["result"] == "Success"
    assert_read_pulled_and_edited(devwiki, editor_client, title, tmp_path / "s.sqlite")


def test_a_nul_kept_in_the_database_is_served_as_fffd_and_the_page_edited_exactly(
        devwiki: DevWiki, editor_client: MiniClient, unique_title: Callable[..., str],
        tmp_path: Path) -> None:
    title = unique_title("Pôle NUL gardé")
    editor_client.edit(title, FICHE_AFTER_NUL.replace("\x00", "MARQUE"))
    with sqlite3.connect(devwiki.dir / "db" / f"{DB_NAME}.sqlite") as db:
        [address] = db.execute(
            "SELECT c.content_address FROM page p JOIN slots s ON s.slot_revision_id = "
            "p.page_latest JOIN content c ON c.content_id = s.slot_content_id "
            "WHERE p.page_title = ?", (title.replace(" ", "_"),)).fetchone()
        text_id = int(address.removeprefix("tt:"))
        [stored] = db.execute("SELECT old_text FROM text WHERE old_id = ?",
                              (text_id,)).fetchone()
        db.execute("UPDATE text SET old_text = ? WHERE old_id = ?",
                   (stored.replace("MARQUE", "\x00"), text_id))
        [kept] = db.execute("SELECT old_text FROM text WHERE old_id = ?", (text_id,)).fetchone()
    assert "\x00" in kept  # the wiki's own copy holds the NUL
    assert_read_pulled_and_edited(devwiki, editor_client, title, tmp_path / "s.sqlite")
