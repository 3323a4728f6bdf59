"""Openers the bot cannot fill (``list-opener-ignored``), read from the stored pages.

An editor who puts ``{{Liste pôles ESS}}`` in a template parameter, in a table cell followed
by another cell on its line, in a caption, a link, a heading or an unsupported tag sees the
template's banner and no list: the bot never writes there (see ``parse.blocks``). The audit
lists each such opener and ``status`` counts them, so that someone moves it.
"""

from __future__ import annotations

from wikisync.audit.model import Difference
from wikisync.parse import PageReader
from wikisync.parse.blocks import locate, marker_pattern
from wikisync.schema import Schema
from wikisync.store import Store
from wikisync.write import META_REDIRECTS

KIND = "list-opener-ignored"


def misplaced_openers(store: Store, schema: Schema) -> list[tuple[str, str]]:
    """``(title, where)`` of every misplaced opener of the stored pages, by title."""
    opens, closes = PageReader(schema, store.get_json(META_REDIRECTS, {})).block_names
    marker = marker_pattern(opens)
    found: list[tuple[str, str]] = []
    for page in store.pages():
        if marker.search(page.content):
            found += [(page.title, m.where)
                      for m in locate(page.content, opens, closes).misplaced]
    return found


def opener_differences(found: list[tuple[str, str]]) -> list[Difference]:
    """One ``list-opener-ignored`` difference per misplaced opener (``detail``: where)."""
    return [Difference(KIND, None, title, None, detail=where) for title, where in found]
