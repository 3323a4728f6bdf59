"""The state store: the only module that talks to SQLite.

One file holds what pull read (pages with their content, records, problems), the run log,
the RC checkpoint, the edit journal and the geocoding cache. The schema changes only through
``migrations``. Writes happen in explicit transactions so that a crash leaves the store as
it was before the transaction (the checkpoint moves in the same transaction as the pages
it covers, or after them).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wikisync.errors import StoreError
from wikisync.model import RECORD_FIELDS, Problem, Record
from wikisync.store.identity import WikiIdentity
from wikisync.store.migrations import applied, migrate
from wikisync.store.runs import RunKind, RunStatus

CHECKPOINT_KEY = "rc_checkpoint"


def now_iso() -> str:
    """The current UTC time as an ISO 8601 string (seconds)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def content_hash(content: str) -> str:
    """SHA-1 (hex) of a page's text, to see drift without comparing whole texts."""
    return hashlib.sha1(content.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class StoredPage:
    """One page revision as the store keeps it."""

    title: str
    pageid: int
    namespace: int
    revid: int
    timestamp: str
    content: str
    sha1: str = ""

    def __post_init__(self) -> None:
        if not self.sha1:
            object.__setattr__(self, "sha1", content_hash(self.content))


@dataclass(frozen=True)
class PageState:
    """What incremental pull compares: a stored page without its content."""

    title: str
    pageid: int
    revid: int
    sha1: str


@dataclass(frozen=True)
class RunInfo:
    """One line of the run log."""

    id: int
    kind: str
    started: str
    ended: str | None
    status: str
    counts: dict[str, Any] = field(default_factory=dict)


JOURNAL_PENDING = "pending"  # written before the edit request: the answer not seen yet
JOURNAL_SAVED = "saved"  # the wiki has the edit (``new_revid``)
JOURNAL_NOT_SAVED = "not-saved"  # the wiki has no such revision: never shown as an edit
JOURNAL_KEPT = "kept"  # a skip row: a change kept back


@dataclass(frozen=True)
class JournalEntry:
    """One edit the bot made, or (``kind`` ``skip``) a change it kept back and why.

    A skip has no ``new_revid``; ``old_revid`` is the revision whose value stood, ``reason``
    says why (``changed-by-person``) and ``detail`` the change (template, instance, param,
    value, wanted). An edit is journalled ``pending`` before its request is sent (with the
    ``sha1`` of the text sent), then settled ``saved`` (``new_revid``) or ``not-saved``;
    ``step`` names the step of the run that wrote it; ``id`` is the row's, once stored.
    """

    title: str
    old_revid: int | None
    new_revid: int | None
    summary: str = ""
    diff: str = ""
    rules: tuple[str, ...] = ()
    run_id: int | None = None
    time: str = ""
    kind: str = "edit"
    reason: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    status: str = JOURNAL_SAVED
    sha1: str = ""
    step: str = ""
    id: int = 0


_JOURNAL_COLUMNS = ("title, old_revid, new_revid, summary, diff, rules, run_id, time, kind,"
                    " reason, detail, status, sha1, step, id")


def _journal_entry(row: tuple[Any, ...]) -> JournalEntry:
    """A journal row (``_JOURNAL_COLUMNS``) as an entry."""
    return JournalEntry(row[0], row[1], row[2], row[3], row[4], tuple(json.loads(row[5])),
                        row[6], row[7], row[8], row[9], json.loads(row[10]), row[11], row[12],
                        row[13], row[14])


def _record_json(record: Record) -> str:
    """``Record.to_dict()`` as JSON, without its deep copy (pull stores thousands of them)."""
    data = {name: getattr(record, name) for name in RECORD_FIELDS}
    data["problems"] = record.problem_codes
    return json.dumps(data, ensure_ascii=False)


def _problem_json(problem: Problem) -> dict[str, Any]:
    return {"code": problem.code, "detail": problem.detail, "unsafe": problem.unsafe,
            "param": problem.param}


def _problem_from(data: dict[str, Any]) -> Problem:
    return Problem(data["code"], data.get("detail", ""), bool(data.get("unsafe")),
                   data.get("param"))


class Store:
    """The SQLite state file: open it, read and write through these methods only."""

    def __init__(self, path: str | Path, *, timeout: float = 10.0) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            migrate(self._conn)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from None
        self._depth = 0

    # --- lifecycle ---------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection (uncommitted work is rolled back)."""
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit of writes; nested calls join the outer transaction."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            self._conn.execute("ROLLBACK")
            raise
        self._depth = 0
        self._conn.execute("COMMIT")

    @property
    def migrations(self) -> list[str]:
        """Names of the migrations applied to this store, in order."""
        return applied(self._conn)

    # --- meta and checkpoint --------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        """A value of the key/value table, or None."""
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def set_meta(self, key: str, value: str | None) -> None:
        """Set (or, with None, delete) a key of the key/value table."""
        with self.transaction():
            if value is None:
                self._conn.execute("DELETE FROM meta WHERE key = ?", (key,))
            else:
                self._conn.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )

    def get_json(self, key: str, default: Any = None) -> Any:
        """A JSON value of the key/value table."""
        value = self.get_meta(key)
        return default if value is None else json.loads(value)

    def set_json(self, key: str, value: Any) -> None:
        """Store a JSON value in the key/value table."""
        self.set_meta(key, json.dumps(value, ensure_ascii=False, sort_keys=True))

    @property
    def checkpoint(self) -> str | None:
        """The wiki time (ISO 8601, ``Z``) up to which the store is known complete."""
        return self.get_meta(CHECKPOINT_KEY)

    def set_checkpoint(self, timestamp: str | None) -> None:
        """Move the checkpoint; call it only once the pages it covers are stored."""
        self.set_meta(CHECKPOINT_KEY, timestamp)

    # --- the wiki -------------------------------------------------------------------------

    def wiki_identity(self) -> WikiIdentity | None:
        """The wiki this store belongs to, or None before its first successful pull."""
        row = self._conn.execute("SELECT server, wikiid, api FROM wiki WHERE id = 1").fetchone()
        return None if row is None else WikiIdentity(*row)

    def set_wiki_identity(self, identity: WikiIdentity) -> None:
        """Record the wiki this store belongs to (pull does it, once, when none is known)."""
        with self.transaction():
            self._conn.execute(
                "INSERT INTO wiki (id, server, wikiid, api, recorded) VALUES (1, ?, ?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET server = excluded.server,"
                " wikiid = excluded.wikiid, api = excluded.api, recorded = excluded.recorded",
                (identity.server, identity.wikiid, identity.api, now_iso()),
            )

    # --- runs ---------------------------------------------------------------------------

    def start_run(self, kind: RunKind) -> int:
        """Log the start of a run and return its id."""
        with self.transaction():
            cur = self._conn.execute(
                "INSERT INTO runs (kind, started) VALUES (?, ?)", (kind, now_iso())
            )
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, status: RunStatus, counts: dict[str, Any]) -> None:
        """Log the end of a run: its status (ok, failed, ...) and its counts."""
        with self.transaction():
            self._conn.execute(
                "UPDATE runs SET ended = ?, status = ?, counts = ? WHERE id = ?",
                (now_iso(), status, json.dumps(counts, sort_keys=True), run_id),
            )

    def runs(self, kind: str | None = None, limit: int = 20) -> list[RunInfo]:
        """The latest runs, newest first (of one kind when given)."""
        sql = "SELECT id, kind, started, ended, status, counts FROM runs"
        args: tuple[Any, ...] = ()
        if kind:
            sql += " WHERE kind = ?"
            args = (kind,)
        rows = self._conn.execute(sql + " ORDER BY id DESC LIMIT ?", (*args, limit))
        return [RunInfo(r[0], r[1], r[2], r[3], r[4], json.loads(r[5])) for r in rows]

    # --- pages --------------------------------------------------------------------------

    def put_page(self, page: StoredPage, records: Iterable[Record],
                 page_problems: Iterable[Problem] = (), run_id: int | None = None) -> None:
        """Store a page revision with its records and problems, replacing what was there.

        ``page_problems`` are the page-level ones (the parser also copies them onto each
        record: they are counted once, in the page's name).

        The page is identified by its pageid (so a renamed page keeps its row); another
        stored page holding the same title (deleted and recreated) is dropped first.
        """
        with self.transaction():
            self._conn.execute(
                "DELETE FROM pages WHERE title = ? AND pageid != ?", (page.title, page.pageid)
            )
            self._conn.execute(
                "INSERT INTO pages (pageid, title, namespace, revid, timestamp, sha1, content,"
                " run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(pageid) DO UPDATE SET"
                " title = excluded.title, namespace = excluded.namespace,"
                " revid = excluded.revid, timestamp = excluded.timestamp,"
                " sha1 = excluded.sha1, content = excluded.content, run_id = excluded.run_id",
                (page.pageid, page.title, page.namespace, page.revid, page.timestamp,
                 page.sha1, page.content, run_id),
            )
            self._conn.execute("DELETE FROM records WHERE pageid = ?", (page.pageid,))
            self._conn.execute("DELETE FROM problems WHERE pageid = ?", (page.pageid,))
            page_problems = list(page_problems)
            self._insert_records(page, list(records), page_problems)
            self._insert_problems(page, None, None, page_problems)

    def _insert_records(self, page: StoredPage, records: list[Record],
                        page_problems: list[Problem]) -> None:
        """Insert records; a page problem repeated on a record is counted once, as the page's."""
        for record in records:
            problems = [_problem_json(p) for p in record.problems]
            self._conn.execute(
                "INSERT INTO records (pageid, title, source, instance, data, problems)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (page.pageid, record.title, record.source, record.instance,
                 _record_json(record), json.dumps(problems)),
            )
            own = [p for p in record.problems if p not in page_problems]
            self._insert_problems(page, record.source, record.instance, own)

    def _insert_problems(self, page: StoredPage, source: str | None, instance: int | None,
                         problems: Iterable[Problem]) -> None:
        self._conn.executemany(
            "INSERT INTO problems (pageid, title, source, instance, code, detail, unsafe, param)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(page.pageid, page.title, source, instance, p.code, p.detail, int(p.unsafe),
              p.param) for p in problems],
        )

    def remove_page(self, *, pageid: int | None = None, title: str | None = None) -> bool:
        """Drop a page (by pageid or title) with its records and problems; True if it was there."""
        with self.transaction():
            if pageid is not None:
                cur = self._conn.execute("DELETE FROM pages WHERE pageid = ?", (pageid,))
            else:
                cur = self._conn.execute("DELETE FROM pages WHERE title = ?", (title,))
        return cur.rowcount > 0

    def page(self, title: str) -> StoredPage | None:
        """The stored page of that title, or None."""
        row = self._conn.execute(
            "SELECT title, pageid, namespace, revid, timestamp, content, sha1 FROM pages"
            " WHERE title = ?", (title,)
        ).fetchone()
        return None if row is None else StoredPage(*row)

    def pages(self) -> Iterator[StoredPage]:
        """Every stored page, by title."""
        rows = self._conn.execute(
            "SELECT title, pageid, namespace, revid, timestamp, content, sha1 FROM pages"
            " ORDER BY title"
        )
        for row in rows:
            yield StoredPage(*row)

    def page_states(self) -> dict[int, PageState]:
        """Every stored page's title, revid and hash by pageid (no content)."""
        rows = self._conn.execute("SELECT title, pageid, revid, sha1 FROM pages")
        return {row[1]: PageState(*row) for row in rows}

    def page_count(self) -> int:
        """How many pages the store holds."""
        return int(self._conn.execute("SELECT COUNT(*) FROM pages").fetchone()[0])

    # --- records and problems --------------------------------------------------------------

    def records(self, source: str | None = None, problems_only: bool = False,
                title: str | None = None) -> Iterator[Record]:
        """Stored records in page-title then template order, optionally filtered."""
        where, args = [], []
        if source:
            where.append("source = ?")
            args.append(source)
        if title:
            where.append("title = ?")
            args.append(title)
        if problems_only:
            where.append("problems != '[]'")
        sql = "SELECT data, problems, instance FROM records"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY title, source, instance"
        for data, problems, instance in self._conn.execute(sql, args):
            yield Record.from_dict(
                json.loads(data), [_problem_from(p) for p in json.loads(problems)], instance
            )

    def record_count(self) -> int:
        """How many records the store holds."""
        return int(self._conn.execute("SELECT COUNT(*) FROM records").fetchone()[0])

    def page_problems(self, title: str) -> list[Problem]:
        """The problems of a page that belong to no record (e.g. an unclosed comment)."""
        rows = self._conn.execute(
            "SELECT code, detail, unsafe, param FROM problems WHERE title = ? AND source IS NULL"
            " ORDER BY id", (title,)
        )
        return [Problem(r[0], r[1], bool(r[2]), r[3]) for r in rows]

    def problem_counts(self) -> Counter[str]:
        """How many problems of each code the store holds (page and record problems)."""
        rows = self._conn.execute("SELECT code, COUNT(*) FROM problems GROUP BY code")
        return Counter({code: count for code, count in rows})

    # --- journal ------------------------------------------------------------------------

    def add_journal(self, entry: JournalEntry) -> int:
        """Append one entry to the journal (committed at once); return its row id."""
        with self.transaction():
            cur = self._conn.execute(
                "INSERT INTO journal (run_id, title, old_revid, new_revid, summary, diff,"
                " rules, time, kind, reason, detail, status, sha1, step)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (entry.run_id, entry.title, entry.old_revid, entry.new_revid, entry.summary,
                 entry.diff, json.dumps(list(entry.rules)), entry.time or now_iso(),
                 entry.kind, entry.reason, json.dumps(entry.detail, ensure_ascii=False),
                 entry.status, entry.sha1, entry.step),
            )
        return int(cur.lastrowid or 0)

    def settle_journal(self, entry_id: int, status: str, new_revid: int | None = None,
                       *, only_pending: bool = False) -> bool:
        """Settle a journalled intent: ``saved`` with its revid, or ``not-saved``.

        ``only_pending``: leave a row another process settled meanwhile (reconciliation).
        True when the row was changed.
        """
        sql = "UPDATE journal SET status = ?, new_revid = ? WHERE id = ?"
        if only_pending:
            sql += f" AND status = '{JOURNAL_PENDING}'"
        with self.transaction():
            cur = self._conn.execute(sql, (status, new_revid, entry_id))
        return cur.rowcount > 0

    def journal(self, run_id: int | None = None, title: str | None = None,
                kind: str | None = None, status: str | None = None) -> list[JournalEntry]:
        """Journal entries in order, of one run, one page, one kind and/or one status.

        Without ``status``, every entry but the ``not-saved`` ones (never shown as edits).
        """
        where, args = [], []
        for column, value in (("run_id", run_id), ("title", title), ("kind", kind),
                              ("status", status)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        if status is None:
            where.append(f"status != '{JOURNAL_NOT_SAVED}'")
        sql = f"SELECT {_JOURNAL_COLUMNS} FROM journal"
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = self._conn.execute(sql + " ORDER BY id", args)
        return [_journal_entry(row) for row in rows]

    def has_pending(self) -> bool:
        """Whether some edit is journalled as sent but not settled (one indexed query)."""
        row = self._conn.execute("SELECT 1 FROM journal WHERE status = ? LIMIT 1",
                                 (JOURNAL_PENDING,)).fetchone()
        return row is not None

    # --- geocoding cache ------------------------------------------------------------------

    def geocode_get(self, query: str) -> Any | None:
        """The cached geocoder answer (JSON) for a query, or None."""
        row = self._conn.execute(
            "SELECT result FROM geocode_cache WHERE query = ?", (query,)
        ).fetchone()
        return None if row is None else json.loads(row[0])

    def geocode_put(self, query: str, result: Any) -> None:
        """Cache a geocoder answer (any JSON value, including 'not found')."""
        with self.transaction():
            self._conn.execute(
                "INSERT INTO geocode_cache (query, result, fetched) VALUES (?, ?, ?)"
                " ON CONFLICT(query) DO UPDATE SET result = excluded.result,"
                " fetched = excluded.fetched",
                (query, json.dumps(result, ensure_ascii=False), now_iso()),
            )

    # --- comparison -----------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """Pages, records and problems as plain data, to compare two stores exactly."""
        pages = {p.title: (p.pageid, p.namespace, p.revid, p.timestamp, p.sha1)
                 for p in self.pages()}
        records = [json.loads(r[0]) | {"_problems": json.loads(r[1])} for r in
                   self._conn.execute("SELECT data, problems FROM records"
                                      " ORDER BY title, source, instance")]
        problems = sorted(self._conn.execute(
            "SELECT title, source, instance, code, detail, unsafe, param FROM problems"
        ), key=repr)
        return {"pages": pages, "records": records, "problems": problems}
