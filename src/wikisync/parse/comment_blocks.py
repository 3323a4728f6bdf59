"""Blocks delimited by two HTML comments at the top level of a page (the map page's block).

The map block is opened by a comment such as ``<!-- début carte wikisync … -->`` and closed
by ``<!-- fin carte wikisync -->``: invisible on the rendered page, and needing no template
on the wiki. Only comments at the top level count (not inside a template, a tag, a table or
a link). Openers and closers pair as the list blocks' do (``blocks.pair_markers``): an
opener without a closer is an empty block the bot will close; a lone closer is ignored.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from mwparserfromhell.nodes import Comment

from wikisync.parse.blocks import Block, pair_markers
from wikisync.parse.tree import parse_wikitext

Matcher = Callable[[str], bool]
# The map block's comments (generate.mapblock writes them, revert reads them back)
MAP_OPEN_WORDS, MAP_CLOSE_WORDS = "début carte wikisync", "fin carte wikisync"


def comment_words(contents: str) -> str:
    """A comment's text folded for matching: no accents, no case, single spaces."""
    decomposed = unicodedata.normalize("NFKD", contents)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


def starts_with(words: str) -> Matcher:
    """A matcher for the comments whose folded text begins with ``words``."""
    wanted = comment_words(words)

    def match(contents: str) -> bool:
        """Whether this comment's text begins with the wanted words."""
        folded = comment_words(contents)
        return folded == wanted or folded.startswith(wanted + " ")

    return match


def _kind(node: object, opens: Matcher, closes: Matcher) -> bool | None:
    """True for an opening comment, False for a closing one, None for anything else."""
    if not isinstance(node, Comment):
        return None
    contents = str(node.contents)
    if opens(contents):
        return True
    return False if closes(contents) else None


def find_comment_blocks(text: str, opens: Matcher, closes: Matcher) -> list[Block]:
    """The comment-delimited blocks of ``text`` in page order (offsets as ``Block`` gives)."""
    nodes = parse_wikitext(text).nodes
    offsets: list[int] = []
    markers: list[tuple[bool, int]] = []
    position = 0
    for index, node in enumerate(nodes):
        offsets.append(position)
        position += len(str(node))
        kind = _kind(node, opens, closes)
        if kind is not None:
            markers.append((kind, index))
    offsets.append(position)
    blocks = []
    for opener, closer in pair_markers(markers):
        body_start = offsets[opener + 1]
        body_end = offsets[closer] if closer is not None else body_start
        end = offsets[closer + 1] if closer is not None else body_start
        blocks.append(Block(offsets[opener], body_start, body_end, end, closer is not None))
    return blocks
