"""Numbered schema migrations: an append-only list, each applied once in its own transaction.

Like simonw's llm ``migrations.py``: a migration is a function registered in order; the
``_migrations`` table remembers the names applied. Never edit or reorder a released
migration: append a new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

from wikisync.errors import StoreError

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[Migration] = []


def migration(func: Migration) -> Migration:
    """Register a migration at the end of the list."""
    MIGRATIONS.append(func)
    return func


def applied(conn: sqlite3.Connection) -> list[str]:
    """Names of the migrations already applied, in order."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS _migrations ("
        " id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, applied TEXT NOT NULL)"
    )
    return [row[0] for row in conn.execute("SELECT name FROM _migrations ORDER BY id")]


def migrate(conn: sqlite3.Connection, migrations: list[Migration] | None = None) -> list[str]:
    """Apply the missing migrations in order, each in a transaction; return their names.

    ``conn`` must be in autocommit mode (``isolation_level=None``) so that the explicit
    BEGIN/COMMIT here are the only transactions.
    """
    todo = MIGRATIONS if migrations is None else migrations
    done = applied(conn)
    known = [m.__name__ for m in todo]
    unknown = [name for name in done if name not in known]
    if unknown:
        raise StoreError(f"the store was written by a newer wikisync (migration {unknown[0]})")
    ran: list[str] = []
    for func in todo:
        if func.__name__ in done:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            func(conn)
            conn.execute(
                "INSERT INTO _migrations (name, applied) VALUES (?, ?)",
                (func.__name__, datetime.now(UTC).isoformat(timespec="seconds")),
            )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        ran.append(func.__name__)
    return ran


@migration
def m001_initial(conn: sqlite3.Connection) -> None:
    """Pages, records, problems, runs, meta, journal and the geocoding cache."""
    for statement in _M001:
        conn.execute(statement)


_M001 = [
    """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)""",
    """CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        started TEXT NOT NULL,
        ended TEXT,
        status TEXT NOT NULL DEFAULT 'running',
        counts TEXT NOT NULL DEFAULT '{}'
    )""",
    """CREATE TABLE pages (
        pageid INTEGER PRIMARY KEY,
        title TEXT NOT NULL UNIQUE,
        namespace INTEGER NOT NULL,
        revid INTEGER NOT NULL,
        timestamp TEXT NOT NULL,
        sha1 TEXT NOT NULL,
        content TEXT NOT NULL,
        run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL
    )""",
    """CREATE TABLE records (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        pageid INTEGER NOT NULL REFERENCES pages(pageid) ON DELETE CASCADE,
        title TEXT NOT NULL,
        source TEXT NOT NULL,
        instance INTEGER NOT NULL,
        data TEXT NOT NULL,
        problems TEXT NOT NULL DEFAULT '[]',
        UNIQUE (pageid, source, instance)
    )""",
    "CREATE INDEX records_source ON records(source)",
    """CREATE TABLE problems (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        pageid INTEGER NOT NULL REFERENCES pages(pageid) ON DELETE CASCADE,
        title TEXT NOT NULL,
        source TEXT,
        instance INTEGER,
        code TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '',
        unsafe INTEGER NOT NULL DEFAULT 0,
        param TEXT
    )""",
    "CREATE INDEX problems_page ON problems(pageid)",
    "CREATE INDEX problems_code ON problems(code)",
    """CREATE TABLE journal (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
        title TEXT NOT NULL,
        old_revid INTEGER,
        new_revid INTEGER,
        summary TEXT NOT NULL DEFAULT '',
        diff TEXT NOT NULL DEFAULT '',
        rules TEXT NOT NULL DEFAULT '[]',
        time TEXT NOT NULL
    )""",
    "CREATE INDEX journal_run ON journal(run_id)",
    """CREATE TABLE geocode_cache (
        query TEXT PRIMARY KEY,
        result TEXT NOT NULL,
        fetched TEXT NOT NULL
    )""",
]


@migration
def m002_journal_skips(conn: sqlite3.Connection) -> None:
    """Journal entries of another kind: ``skip`` (a change kept back, with its reason)."""
    conn.execute("ALTER TABLE journal ADD COLUMN kind TEXT NOT NULL DEFAULT 'edit'")
    conn.execute("ALTER TABLE journal ADD COLUMN reason TEXT NOT NULL DEFAULT ''")
    conn.execute("ALTER TABLE journal ADD COLUMN detail TEXT NOT NULL DEFAULT '{}'")


@migration
def m003_wiki_identity(conn: sqlite3.Connection) -> None:
    """The wiki the store belongs to (one row, written by the first successful pull).

    Older stores get the table empty: they adopt the wiki of their next successful pull.
    """
    conn.execute("""CREATE TABLE wiki (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        server TEXT NOT NULL DEFAULT '',
        wikiid TEXT NOT NULL DEFAULT '',
        api TEXT NOT NULL DEFAULT '',
        recorded TEXT NOT NULL
    )""")


@migration
def m004_journal_intent(conn: sqlite3.Connection) -> None:
    """Journal intents: each edit is written ``pending`` before its request, then settled.

    ``status``: ``pending`` (sent, answer not seen yet), ``saved`` (the wiki has it: new
    revid set), ``not-saved`` (the wiki has no such revision) or ``kept`` (a skip row);
    ``sha1``: of the UTF-8 text sent; ``step``: the cycle's step that wrote it (sync,
    lists, map-page, audit-publish…). Rows written before are saved edits or kept skips.
    """
    conn.execute("ALTER TABLE journal ADD COLUMN status TEXT NOT NULL DEFAULT 'saved'")
    conn.execute("ALTER TABLE journal ADD COLUMN sha1 TEXT NOT NULL DEFAULT ''")
    conn.execute("ALTER TABLE journal ADD COLUMN step TEXT NOT NULL DEFAULT ''")
    conn.execute("UPDATE journal SET status = 'kept' WHERE kind = 'skip'")
    conn.execute("CREATE INDEX journal_status ON journal(status)")
