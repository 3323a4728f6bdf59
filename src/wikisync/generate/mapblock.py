"""The map page's bot-owned block: only the text between two comments is ever the bot's (pure).

``OPEN_MARKER`` and ``CLOSE_MARKER`` (HTML comments: invisible on the page, no template
needed) delimit the map; everything else on the page belongs to people and stays byte for
byte as it was. ``place_map`` is the transform ``PageWriter.write`` runs on the page's
fresh text:

* a page with the block: each block's body is replaced by the map (an opener without a
  closer gets the map and the closer inserted right after it);
* a page without it: the whole block is inserted as one piece before the trailing
  categories (``lists.add_block``: nothing existing is removed or changed), unless
  ``append`` is False (``--no-append``): then ``NoMapBlock``;
* a new page: ``new_page`` gives a short intro line and the block.

The map needs the wiki's map extension (``required_extension``); ``check_extension``
refuses (``ConfigError``, exit 2) before anything is written when the wiki lacks it.
"""

from __future__ import annotations

from collections.abc import Collection

from wikisync.config import Config
from wikisync.errors import ConfigError, UnsafeEdit
from wikisync.generate.lists import add_block
from wikisync.i18n import messages
from wikisync.parse import PageReader
from wikisync.parse.blocks import Block
from wikisync.parse.comment_blocks import (
    MAP_CLOSE_WORDS,
    MAP_OPEN_WORDS,
    find_comment_blocks,
    starts_with,
)
from wikisync.parse.names import Aliases
from wikisync.schema import Schema

OPEN_WORDS, CLOSE_WORDS = MAP_OPEN_WORDS, MAP_CLOSE_WORDS
OPEN_MARKER = (f"<!-- {OPEN_WORDS} : carte écrite par le robot wikisync à partir des fiches "
               "et des pages régionales ; ne rien modifier jusqu'à « fin carte wikisync », "
               "ce bloc est réécrit à chaque passage -->")
CLOSE_MARKER = f"<!-- {CLOSE_WORDS} -->"
INTRO = messages("fr")("map.intro")  # a French wiki's; ``new_page`` takes the wiki's
# [map] extension -> (the extension's name in siteinfo, the markup that needs it)
EXTENSIONS = {"kartographer": ("Kartographer", "<mapframe>"),
              "maps": ("Maps", "{{#display_map:}}")}

_opens, _closes = starts_with(OPEN_WORDS), starts_with(CLOSE_WORDS)


class NoMapBlock(UnsafeEdit):
    """The page has no map block and appending one was not allowed (``--no-append``)."""


def required_extension(config: Config) -> tuple[str, str]:
    """The extension ``[map] extension`` needs, and the markup it renders."""
    return EXTENSIONS[config.map.extension]


def check_extension(config: Config, installed: Collection[str], title: str) -> None:
    """Refuse (exit 2) a map page the wiki would show as raw markup: its extension is missing."""
    name, markup = required_extension(config)
    if name.casefold() not in {extension.casefold() for extension in installed}:
        raise ConfigError(f"the wiki has no {name} extension (siteinfo): {markup} would show "
                          f"as raw text; {title} left untouched (install {name}, or set "
                          "[map] extension)")


def map_blocks(text: str) -> list[Block]:
    """The map blocks of a page text, in page order."""
    return find_comment_blocks(text, _opens, _closes)


def block_text(body: str) -> str:
    """The whole block: opener, the map, closer."""
    return f"{OPEN_MARKER}\n{body}\n{CLOSE_MARKER}"


def new_page(body: str, intro: str = INTRO) -> str:
    """The text of a map page that does not exist yet: an intro line, then the block."""
    return f"{intro}\n\n{block_text(body)}"


def _replace(text: str, block: Block, body: str) -> str:
    """The text with this block's body replaced (and its closer added when missing)."""
    if block.closed:
        return text[: block.body_start] + f"\n{body}\n" + text[block.body_end :]
    return text[: block.body_start] + f"\n{body}\n{CLOSE_MARKER}" + text[block.body_start :]


def place_map(text: str, body: str, *, append: bool = True,
              schema: Schema | None = None, aliases: Aliases | None = None) -> str:
    """The page text with the map in its block (added at the end when it has none)."""
    blocks = map_blocks(text)
    if not blocks and not append:
        raise NoMapBlock(f"no <!-- {OPEN_WORDS} --> … {CLOSE_MARKER} block on the page "
                         "(--no-append: nothing added)")
    new = text
    for block in reversed(blocks):
        new = _replace(new, block, body)
    if not blocks:
        new = add_block(text, block_text(body))
    _check(text, new, body, PageReader(schema or Schema(), aliases))
    return new


def _outside(text: str, blocks: list[Block]) -> str:
    """The text without the bodies of its closed blocks (what must never change)."""
    pieces, start = [], 0
    for block in blocks:
        pieces.append(text[start : block.body_start])
        start = block.body_end
    return "".join(pieces) + text[start:]


def _check(before: str, after: str, body: str, reader: PageReader) -> None:
    """Refuse (``UnsafeEdit``) a result that would not read back as written."""
    old_blocks, blocks = map_blocks(before), map_blocks(after)
    bodies = [after[b.body_start : b.body_end] for b in blocks]
    if not blocks or not all(b.closed for b in blocks) or set(bodies) != {f"\n{body}\n"}:
        raise UnsafeEdit("the map would not read back as written (something on the page "
                         "breaks its block)")
    if old_blocks and all(b.closed for b in old_blocks) and (
            _outside(before, old_blocks) != _outside(after, blocks)):
        raise UnsafeEdit("the map would change the page outside its block")
    old, new = reader.read(before), reader.read(after)
    if {p.code for p in new.unsafe_problems()} - {p.code for p in old.unsafe_problems()}:
        raise UnsafeEdit("the map would make the page unsafe to edit")
    if [(r.source, r.params) for r in new.records] != [(r.source, r.params)
                                                        for r in old.records]:
        raise UnsafeEdit("the map would change the records of the page")
