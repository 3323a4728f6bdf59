"""The state store (SQLite): the only package that imports sqlite3."""

from wikisync.store.identity import WikiIdentity, WrongWiki, ensure_same_wiki
from wikisync.store.store import (
    JOURNAL_KEPT,
    JOURNAL_NOT_SAVED,
    JOURNAL_PENDING,
    JOURNAL_SAVED,
    JournalEntry,
    PageState,
    RunInfo,
    Store,
    StoredPage,
    content_hash,
)

__all__ = ["JOURNAL_KEPT", "JOURNAL_NOT_SAVED", "JOURNAL_PENDING", "JOURNAL_SAVED",
           "JournalEntry", "PageState", "RunInfo", "Store", "StoredPage", "WikiIdentity",
           "WrongWiki", "content_hash", "ensure_same_wiki"]
