"""The state store (SQLite): the only package that imports sqlite3."""

from wikisync.store.identity import WikiIdentity, WrongWiki, ensure_same_wiki
from wikisync.store.store import (
    JournalEntry,
    PageState,
    RunInfo,
    Store,
    StoredPage,
    content_hash,
)

__all__ = ["JournalEntry", "PageState", "RunInfo", "Store", "StoredPage", "WikiIdentity",
           "WrongWiki", "content_hash", "ensure_same_wiki"]
