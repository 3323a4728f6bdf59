"""Each record template's parameters exactly as written, for three-way comparisons (revert).

``instance_values`` numbers the templates of each kind the way the reader and the editor do
(templates the bot generated inside a list block keep their numbers but are left out: they
belong to the block) and gives each parameter's value span as written, untrimmed, so a
revert can put back a value byte for byte. ``text_blocks`` finds the bot's text blocks
(generated lists, the map block) by kind.
"""

from __future__ import annotations

from collections import Counter

from wikisync.parse.blocks import Block, block_members, find_blocks
from wikisync.parse.comment_blocks import (
    MAP_CLOSE_WORDS,
    MAP_OPEN_WORDS,
    find_comment_blocks,
    starts_with,
)
from wikisync.parse.names import param_key
from wikisync.parse.page import PageReader, scan
from wikisync.parse.tree import parse_wikitext

Instance = tuple[str, int]  # (kind: fiche/region/row, its number on the page)
MAP_OPEN, MAP_CLOSE = starts_with(MAP_OPEN_WORDS), starts_with(MAP_CLOSE_WORDS)


def instance_values(text: str, reader: PageReader) -> dict[Instance, dict[str, str]]:
    """Every record template's parameters (name -> value as written; the last of duplicates)."""
    found = scan(parse_wikitext(text))
    generated = block_members(found, *reader.block_names)
    counts: Counter[str] = Counter()
    out: dict[Instance, dict[str, str]] = {}
    for index, template in enumerate(found.templates):
        kind = reader.matcher.kind(str(template.name))
        if kind is None:
            continue
        counts[kind] += 1
        if index not in generated:
            out[(kind, counts[kind] - 1)] = {param_key(str(p.name)): str(p.value)
                                             for p in template.params}
    return out


def text_blocks(text: str, reader: PageReader) -> dict[str, list[Block]]:
    """The bot's blocks of a page by kind: ``list`` (generated lists) and ``map``."""
    return {"list": find_blocks(text, *reader.block_names),
            "map": find_comment_blocks(text, MAP_OPEN, MAP_CLOSE)}
