"""Generated blocks: the text between an opening template and its closing template.

An editor places the opener (``{{Liste pôles ESS|région=Bretagne}}``) on a page; the bot
writes the block's body after it and closes it with the closer (``{{Fin liste pôles ESS}}``).
Only openers and closers at the top level of the page count (not inside another template,
a table, a tag or a link). An opener is paired with the first closer after it, unless
another opener comes first: then it has no closer yet (an empty block the bot will close).
A closer with no opener before it is ignored.

The reader uses ``block_members`` so that the rows the bot wrote inside a block are never
read back as records (they would count every hub twice); the generator uses ``find_blocks``
to rewrite exactly the bodies.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mwparserfromhell.nodes import Template

from wikisync.parse.names import param_key, template_key
from wikisync.parse.tree import parse_wikitext
from wikisync.parse.values import value_text

if TYPE_CHECKING:
    from wikisync.parse.page import Scan


@dataclass(frozen=True)
class Block:
    """One generated block located in a page text (offsets are ``str`` indices).

    ``text[start:body_start]`` is the opener call, ``text[body_start:body_end]`` the body,
    ``text[body_end:end]`` the closer call (empty when ``closed`` is False: then
    ``body_end == end == body_start``). ``params`` are the opener's parameters, trimmed
    names to plain values (positional ones under ``1``, ``2``…).
    """

    start: int
    body_start: int
    body_end: int
    end: int
    closed: bool
    params: dict[str, str] = field(default_factory=dict)


def pair_markers(markers: Sequence[tuple[bool, int]]) -> list[tuple[int, int | None]]:
    """Pair top-level markers ``(is_opener, index)`` into ``(opener, closer or None)``."""
    pairs: list[tuple[int, int | None]] = []
    pending: int | None = None
    for is_opener, index in markers:
        if is_opener:
            if pending is not None:
                pairs.append((pending, None))
            pending = index
        elif pending is not None:
            pairs.append((pending, index))
            pending = None
    if pending is not None:
        pairs.append((pending, None))
    return pairs


def _marker(node: object, opens: frozenset[str], closes: frozenset[str]) -> bool | None:
    """True for an opener call, False for a closer call, None for anything else."""
    if not isinstance(node, Template):
        return None
    key = template_key(str(node.name))
    if key in opens:
        return True
    return False if key in closes else None


def _params(template: Template) -> dict[str, str]:
    """The opener's parameters as plain text (the last of duplicates wins)."""
    return {param_key(str(p.name)): value_text(p.value) for p in template.params}


def find_blocks(text: str, opens: Iterable[str], closes: Iterable[str]) -> list[Block]:
    """The generated blocks of ``text``, in page order (names as ``template_key`` gives)."""
    open_keys, close_keys = frozenset(opens), frozenset(closes)
    nodes = parse_wikitext(text).nodes
    offsets: list[int] = []
    markers: list[tuple[bool, int]] = []
    position = 0
    for index, node in enumerate(nodes):
        offsets.append(position)
        position += len(str(node))
        kind = _marker(node, open_keys, close_keys)
        if kind is not None:
            markers.append((kind, index))
    offsets.append(position)
    blocks = []
    for opener, closer in pair_markers(markers):
        call = nodes[opener]
        assert isinstance(call, Template)
        body_start = offsets[opener + 1]
        body_end = offsets[closer] if closer is not None else body_start
        end = offsets[closer + 1] if closer is not None else body_start
        blocks.append(Block(offsets[opener], body_start, body_end, end, closer is not None,
                            _params(call)))
    return blocks


def block_members(found: Scan, opens: Iterable[str], closes: Iterable[str]) -> set[int]:
    """Indices (in ``found.templates``) of the templates inside a closed generated block."""
    open_keys, close_keys = frozenset(opens), frozenset(closes)
    markers: list[tuple[bool, int]] = []
    for index, (template, level) in enumerate(zip(found.templates, found.levels, strict=True)):
        kind = _marker(template, open_keys, close_keys) if level == 0 else None
        if kind is not None:
            markers.append((kind, index))
    inside: set[int] = set()
    for opener, closer in pair_markers(markers):
        if closer is not None:
            inside.update(range(opener + 1, closer))
    return inside
