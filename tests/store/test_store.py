"""The state store: migrations, pages/records/problems, runs, meta, journal, geocode cache."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from wikisync.errors import StoreError
from wikisync.model import Problem, Record
from wikisync.store import JournalEntry, Store, StoredPage
from wikisync.store import migrations as mig


def page(title: str = "Pôle A", pageid: int = 1, revid: int = 10, text: str = "{{x}}"):
    return StoredPage(title, pageid, 0, revid, "2024-01-01T00:00:00Z", text)


def fiche(title: str = "Pôle A", **kw) -> Record:
    return Record(title=title, source="fiche", name=kw.pop("name", title), **kw)


def test_new_store_applies_every_migration_once(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with Store(path) as store:
        assert store.migrations == [m.__name__ for m in mig.MIGRATIONS]
    with Store(path) as store:  # reopening applies nothing again
        assert store.migrations == [m.__name__ for m in mig.MIGRATIONS]
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT COUNT(*) FROM _migrations").fetchone()[0] == len(mig.MIGRATIONS)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_migrations_run_in_order_and_an_older_store_upgrades(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "s.sqlite", isolation_level=None)
    order: list[str] = []

    def m001_a(c: sqlite3.Connection) -> None:
        order.append("a")
        c.execute("CREATE TABLE t (x INTEGER)")

    def m002_b(c: sqlite3.Connection) -> None:
        order.append("b")
        c.execute("ALTER TABLE t ADD COLUMN y TEXT")

    assert mig.migrate(conn, [m001_a]) == ["m001_a"]  # an "older wikisync"
    conn.execute("INSERT INTO t (x) VALUES (1)")
    assert mig.migrate(conn, [m001_a, m002_b]) == ["m002_b"]  # the upgrade
    assert mig.migrate(conn, [m001_a, m002_b]) == []
    assert order == ["a", "b"]
    assert conn.execute("SELECT x, y FROM t").fetchall() == [(1, None)]


def test_a_failing_migration_is_rolled_back_whole(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "s.sqlite", isolation_level=None)

    def m001_half(c: sqlite3.Connection) -> None:
        c.execute("CREATE TABLE half (x INTEGER)")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        mig.migrate(conn, [m001_half])
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half" not in tables
    assert mig.applied(conn) == []


def test_a_store_from_a_newer_wikisync_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO _migrations (name, applied) VALUES ('m999_future', 'x')")
    conn.commit()
    with pytest.raises(StoreError, match="newer wikisync"):
        Store(path)


def test_the_actual_migrations_upgrade_an_empty_older_store(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    mig.migrate(conn, mig.MIGRATIONS[:1])
    conn.close()
    with Store(path) as store:
        assert store.migrations == [m.__name__ for m in mig.MIGRATIONS]


def test_put_page_stores_content_records_and_problems(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    bad = Problem("unknown-type", "type = truc")
    records = [fiche(type="truc", problems=[bad], lat=48.1)]
    store.put_page(page(), records, [Problem("unclosed-comment", "", unsafe=True)])
    stored = store.page("Pôle A")
    assert stored is not None and stored.content == "{{x}}" and len(stored.sha1) == 40
    [back] = store.records()
    assert back.name == "Pôle A" and back.lat == 48.1 and back.problems == [bad]
    assert store.page_problems("Pôle A") == [Problem("unclosed-comment", "", True)]
    assert store.problem_counts() == {"unknown-type": 1, "unclosed-comment": 1}


def test_a_page_problem_copied_on_its_records_counts_once(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    nobots = Problem("nobots", "{{nobots}}", unsafe=True)
    rows = [Record("R", "row", instance=i, problems=[nobots]) for i in range(3)]
    store.put_page(page("R"), rows, [nobots])
    assert store.problem_counts() == {"nobots": 1}
    assert [r.problems for r in store.records(problems_only=True)] == [[nobots]] * 3


def test_stored_record_json_is_to_dict(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    record = fiche(params={"nom": "A"}, problems=[Problem("missing-type", "x")], lon=-4.5)
    store.put_page(page(), [record])
    [back] = store.records()
    assert back.to_dict() == record.to_dict()
    assert store.snapshot()["records"][0] == record.to_dict() | {
        "_problems": [{"code": "missing-type", "detail": "x", "unsafe": False, "param": None}]
    }


def test_put_page_replaces_the_previous_revision_and_follows_a_rename(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    store.put_page(page(), [fiche(), fiche(instance=1)])
    store.put_page(page("Pôle B", revid=11), [fiche("Pôle B")])
    assert store.page("Pôle A") is None
    assert [r.title for r in store.records()] == ["Pôle B"]
    assert store.page_count() == 1


def test_put_page_drops_another_page_that_held_the_same_title(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    store.put_page(page(pageid=1), [fiche()])
    store.put_page(page(pageid=2, revid=20), [fiche()])  # deleted and recreated
    assert list(store.page_states()) == [2]
    assert store.record_count() == 1


def test_remove_page_cascades_to_records_and_problems(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    store.put_page(page(), [fiche(problems=[Problem("missing-type")])])
    assert store.remove_page(title="Pôle A")
    assert not store.remove_page(pageid=1)
    assert store.record_count() == 0 and store.problem_counts() == {}


def test_record_filters(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    rows = [Record("Bretagne", "row", name="R1", instance=0),
            Record("Bretagne", "row", name="R2", instance=1, problems=[Problem("missing-type")]),
            Record("Bretagne", "region", region="Bretagne")]
    store.put_page(page("Bretagne", 5), rows)
    store.put_page(page(), [fiche()])
    assert [r.name for r in store.records(source="row")] == ["R1", "R2"]
    assert [r.name for r in store.records(problems_only=True)] == ["R2"]
    assert [r.source for r in store.records(title="Bretagne")] == ["region", "row", "row"]
    assert [r.instance for r in store.records(source="row")] == [0, 1]


def test_transaction_rolls_back_everything_on_error(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    with pytest.raises(RuntimeError), store.transaction():
        store.put_page(page(), [fiche()])
        store.set_checkpoint("2024-01-01T00:00:00Z")
        raise RuntimeError("crash")
    assert store.page_count() == 0 and store.checkpoint is None


def test_meta_checkpoint_and_runs(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    store = Store(path)
    store.set_checkpoint("2024-05-01T10:00:00Z")
    store.set_json("redirects", {"b": ["a"]})
    run = store.start_run("pull")
    store.finish_run(run, "ok", {"pages": 3})
    store.close()
    store = Store(path)
    assert store.checkpoint == "2024-05-01T10:00:00Z"
    assert store.get_json("redirects") == {"b": ["a"]}
    [info] = store.runs("pull")
    assert (info.id, info.status, info.counts) == (run, "ok", {"pages": 3})
    assert info.ended is not None
    store.set_meta("redirects", None)
    assert store.get_json("redirects", []) == []


def test_journal_and_geocode_cache(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    run = store.start_run("sync")
    store.add_journal(JournalEntry("Pôle A", 10, 11, "carte", "-a\n+b", ("map_links",), run))
    [entry] = store.journal(run_id=run)
    assert entry.rules == ("map_links",) and entry.new_revid == 11 and entry.time
    assert store.geocode_get("Brest") is None
    store.geocode_put("Brest", {"lat": 48.39, "lon": -4.49})
    store.geocode_put("Nowhere", None)
    assert store.geocode_get("Brest") == {"lat": 48.39, "lon": -4.49}


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    with pytest.raises(sqlite3.IntegrityError):
        store._conn.execute(
            "INSERT INTO records (pageid, title, source, instance, data)"
            " VALUES (9, 't', 'x', 0, '{}')"
        )
