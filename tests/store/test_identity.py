"""A store knows its wiki: the migration, the recorded identity, and the refusal of another."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from wikisync.api import SiteInfo
from wikisync.errors import EXIT_USAGE
from wikisync.store import Store, StoredPage, WikiIdentity, WrongWiki, ensure_same_wiki
from wikisync.store import migrations as mig
from wikisync.sync.wiki import site_identity

A = WikiIdentity("http://127.0.0.1:1234", "my_wiki", "http://127.0.0.1:1234/api.php")
B = WikiIdentity("http://127.0.0.1:5678", "other", "http://127.0.0.1:5678/api.php")


def old_store(path: Path) -> None:
    """A store as the wikisync before this migration left it: one page, a checkpoint."""
    conn = sqlite3.connect(path, isolation_level=None)
    mig.migrate(conn, [m for m in mig.MIGRATIONS if m.__name__ != "m003_wiki_identity"])
    conn.execute("INSERT INTO pages (pageid, title, namespace, revid, timestamp, sha1, content)"
                 " VALUES (7, 'Pôle A', 0, 70, '2024-01-01T00:00:00Z', 'x', '{{x}}')")
    conn.execute("INSERT INTO meta (key, value) VALUES ('rc_checkpoint', '2024-01-01T00:00:00Z')")
    conn.close()


def test_the_migration_is_appended_and_gives_an_old_store_no_wiki(tmp_path: Path) -> None:
    assert "m003_wiki_identity" in [m.__name__ for m in mig.MIGRATIONS]
    path = tmp_path / "old.sqlite"
    old_store(path)
    with Store(path) as store:
        assert store.migrations[-1] == "m003_wiki_identity"
        assert store.wiki_identity() is None  # adopts the wiki of its next successful pull
        assert store.page("Pôle A") is not None and store.checkpoint == "2024-01-01T00:00:00Z"
        ensure_same_wiki(store, B)  # no identity yet: any wiki passes


def test_a_recorded_identity_survives_reopening_and_is_one_row(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with Store(path) as store:
        assert store.wiki_identity() is None
        store.set_wiki_identity(A)
        store.set_wiki_identity(A)
    with Store(path) as store:
        assert store.wiki_identity() == A
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT COUNT(*) FROM wiki").fetchone()[0] == 1
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO wiki (id, recorded) VALUES (2, 'x')")
    conn.close()


def test_a_store_of_another_wiki_is_refused_with_one_line_naming_both(tmp_path: Path) -> None:
    with Store(tmp_path / "wikisync.sqlite") as store:
        store.set_wiki_identity(A)
        ensure_same_wiki(store, A)
        with pytest.raises(WrongWiki) as caught:
            ensure_same_wiki(store, B)
    assert caught.value.exit_code == EXIT_USAGE
    assert caught.value.message == (
        f"the store {tmp_path / 'wikisync.sqlite'} belongs to http://127.0.0.1:1234 "
        "(wikiid my_wiki), not http://127.0.0.1:5678 (wikiid other); use --store NEW to "
        "start a fresh one")
    assert "\n" not in caught.value.message


def test_same_wiki_by_server_and_wikiid_else_by_api_url() -> None:
    proxied = WikiIdentity(A.server, A.wikiid, "http://127.0.0.1:9999/api.php")
    assert A.same_wiki(proxied)  # the same wiki behind another URL (a proxy, a new path)
    assert not A.same_wiki(WikiIdentity(A.server, "other_wiki", A.api))  # a wiki farm
    bare = WikiIdentity(api="http://127.0.0.1:1234/api.php")
    assert bare.same_wiki(WikiIdentity(api="HTTP://127.0.0.1:1234/api.php/"))
    assert bare.same_wiki(A) and not bare.same_wiki(B)  # no wikiid: the API URLs decide
    assert bare.describe() == "http://127.0.0.1:1234/api.php"
    assert A.describe() == "http://127.0.0.1:1234 (wikiid my_wiki)"


def test_the_identity_read_from_siteinfo() -> None:
    site = SiteInfo.from_api({"general": {"server": "http://127.0.0.1:1234",
                                          "wikiid": "my_wiki", "sitename": "W"}})
    assert site.wikiid == "my_wiki"
    assert site_identity(site, A.api) == A
    assert site_identity(SiteInfo.from_api({}), B.api) == WikiIdentity(api=B.api)


def test_a_stored_page_does_not_touch_the_identity(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        store.set_wiki_identity(B)
        store.put_page(StoredPage("P", 1, 0, 1, "2024-01-01T00:00:00Z", "t"), [])
        assert store.wiki_identity() == B
