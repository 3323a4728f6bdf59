"""Generated blocks: the text between an opening template and its closing template.

An editor places the opener (``{{Liste pôles ESS|région=Bretagne}}``) on a page; the bot
writes the block's body after it and closes it with the closer (``{{Fin liste pôles ESS}}``).
Openers and closers count at the top level of the page and inside the containers where a
block (a wikitable starting on its own line) renders correctly: ``<div>``, ``<section>``,
``<center>``, ``<blockquote>``, ``<noinclude>``, ``<onlyinclude>``, an HTML ``<td>``/``<th>``,
and a wikitable cell that ends its line (``| …`` or ``|| …`` last on the line). Elsewhere
(a template parameter, a cell followed by ``||`` on its line, a table outside its cells, a
caption, a link, a heading, any other tag) an opener is *misplaced*: it is never filled and
``locate`` reports where it is. An opener is paired with the first closer after it in the
same container, unless another opener comes first: then it has no closer yet (an empty
block the bot will close). A closer with no opener before it is ignored.

The reader uses ``block_members`` so that the rows the bot wrote inside a block are never
read back as records (they would count every hub twice); the generator uses ``find_blocks``
to rewrite exactly the bodies.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mwparserfromhell.definitions import is_parsable
from mwparserfromhell.nodes import (
    Argument,
    ExternalLink,
    Heading,
    Node,
    Tag,
    Template,
    Wikilink,
)
from mwparserfromhell.wikicode import Wikicode

from wikisync.parse.names import param_key, template_key
from wikisync.parse.tree import parse_wikitext
from wikisync.parse.values import value_text

if TYPE_CHECKING:
    from wikisync.parse.page import Scan

# Tags whose contents render like the page itself: a block inside them is filled in place.
CONTAINERS = frozenset({"div", "section", "center", "blockquote", "noinclude", "onlyinclude"})
CELLS = frozenset({"td", "th"})
TABLE_PARTS = frozenset({"table", "tr", "tbody", "thead", "tfoot"})


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


@dataclass(frozen=True)
class Misplaced:
    """An opener where the bot cannot write a block: ``where`` says where, in English.

    ``where`` is one of the catalog's ``detail.opener-in-*`` texts (the audit's detail).
    """

    where: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class Placement:
    """What ``locate`` found: the blocks it may fill, the openers it must leave alone."""

    blocks: list[Block] = field(default_factory=list)
    misplaced: list[Misplaced] = field(default_factory=list)
    members: list[Node] = field(default_factory=list)  # nodes inside closed blocks


def pair_markers(markers: Sequence[tuple[bool, int]]) -> list[tuple[int, int | None]]:
    """Pair one container's markers ``(is_opener, index)`` into ``(opener, closer or None)``."""
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


class _Locator:
    """One walk over a page tree, collecting blocks and misplaced openers."""

    def __init__(self, opens: Iterable[str], closes: Iterable[str]) -> None:
        self.opens, self.closes = frozenset(opens), frozenset(closes)
        self.found = Placement()

    def fillable(self, nodes: Sequence[Node], base: int) -> None:
        """A node list where blocks may be written, starting at offset ``base``."""
        offsets = [base]
        markers: list[tuple[bool, int]] = []
        for index, node in enumerate(nodes):
            offsets.append(offsets[-1] + len(str(node)))
            kind = _marker(node, self.opens, self.closes)
            if kind is not None:
                markers.append((kind, index))
            else:
                self.inside(node, offsets[index])
        for opener, closer in pair_markers(markers):
            self._block(nodes, offsets, opener, closer)

    def _block(self, nodes: Sequence[Node], offsets: list[int], opener: int,
               closer: int | None) -> None:
        """Record one block (and, when closed, the nodes of its body)."""
        call = nodes[opener]
        assert isinstance(call, Template)
        body_start = offsets[opener + 1]
        body_end = offsets[closer] if closer is not None else body_start
        end = offsets[closer + 1] if closer is not None else body_start
        if closer is not None:
            self.found.members += nodes[opener + 1 : closer]
        self.found.blocks.append(Block(offsets[opener], body_start, body_end, end,
                                       closer is not None, _params(call)))

    def inside(self, node: Node, start: int) -> None:
        """Look inside one node of a fillable list that starts at ``start``."""
        if isinstance(node, Tag) and not node.self_closing and node.contents is not None:
            tag = str(node.tag).strip().lower()
            if tag in CONTAINERS or (tag in CELLS and node.wiki_markup is None):
                self._contents(node, start)
            elif tag in TABLE_PARTS:
                self.table(node.contents.nodes, start + _contents_offset(node))
            else:
                self.ignored(_children(node), f"inside <{tag}>")
        elif isinstance(node, Template):
            self.ignored(_children(node),
                         f"in a parameter of the template {template_key(str(node.name))}")
        else:
            self.ignored(_children(node), _where(node))

    def _contents(self, node: Tag, start: int) -> None:
        """A container's contents (a ``<section>``'s are parsed here: mwparserfromhell
        leaves them as text)."""
        contents = node.contents
        if not is_parsable(str(node.tag).strip().lower()):
            contents = parse_wikitext(str(contents))
        self.fillable(contents.nodes, start + _contents_offset(node))

    def table(self, nodes: Sequence[Node], base: int) -> None:
        """A table's (or row's) contents: cells may hold blocks, the rest may not."""
        position = base
        for node in nodes:
            tag = str(node.tag).strip().lower() if isinstance(node, Tag) else ""
            if tag in CELLS and str(node).startswith("|+"):  # mwparserfromhell: a "+" cell
                tag = "caption"
            if tag in CELLS and isinstance(node, Tag) and node.contents is not None:
                if node.wiki_markup is None or str(node).endswith("\n"):
                    self.fillable(node.contents.nodes, position + _contents_offset(node))
                else:
                    self.ignored([node.contents],
                                 "in a table cell followed by another cell on its line")
            elif tag in TABLE_PARTS and isinstance(node, Tag) and node.contents is not None:
                self.table(node.contents.nodes, position + _contents_offset(node))
            elif tag == "caption":
                self.ignored(_children(node), "in a table caption")
            else:
                self.ignored([Wikicode([node])], "in a table, outside its cells")
            position += len(str(node))

    def ignored(self, codes: Iterable[Wikicode], where: str) -> None:
        """Every opener under ``codes`` is misplaced (``where`` says why)."""
        for code in codes:
            for template in code.ifilter_templates(recursive=True):
                if _marker(template, self.opens, self.closes):
                    self.found.misplaced.append(Misplaced(where, _params(template)))


def _contents_offset(node: Tag) -> int:
    """Where a tag's contents start inside ``str(node)``."""
    suffix = (node.closing_wiki_markup or "") if node.wiki_markup else (
        "</" + str(node.closing_tag) + ">")
    return len(str(node)) - len(suffix) - len(str(node.contents))


def _children(node: Node) -> Iterator[Wikicode]:
    """The wikicode directly under a node (tag attributes and contents, parameters…)."""
    if isinstance(node, Template):
        yield from (p.value for p in node.params)
    elif isinstance(node, Tag):
        yield from (a.value for a in node.attributes if a.value is not None)
        if node.contents is not None:
            yield node.contents
    elif isinstance(node, Wikilink):
        yield from (c for c in (node.title, node.text) if c is not None)
    elif isinstance(node, ExternalLink):
        yield from (c for c in (node.url, node.title) if c is not None)
    elif isinstance(node, Heading):
        yield node.title
    elif isinstance(node, Argument):
        yield from (c for c in (node.name, node.default) if c is not None)


def _where(node: Node) -> str:
    """Where an opener under this (non-tag, non-template) node is, in English."""
    if isinstance(node, (Wikilink, ExternalLink)):
        return "in a link"
    if isinstance(node, Heading):
        return "in a heading"
    return "in a template argument"


def marker_pattern(names: Iterable[str]) -> re.Pattern[str]:
    """A cheap pre-filter: text that may call one of these templates (skip parsing the rest)."""
    alternatives = []
    for name in sorted(names):
        first, rest = name[:1], name[1:]
        letters = re.escape(first.upper()) + re.escape(first.lower())
        body = r"[ _]+".join(re.escape(word) for word in rest.split(" "))
        alternatives.append(f"[{letters}]{body}")
    return re.compile(r"\{\{\s*(?:[^|{}:]*:\s*)?(?:" + "|".join(alternatives) + r")\s*[|}]")


def locate(text: str, opens: Iterable[str], closes: Iterable[str]) -> Placement:
    """The blocks of ``text`` (page order) and its misplaced openers (names as
    ``template_key`` gives)."""
    return locate_tree(parse_wikitext(text), opens, closes)


def locate_tree(code: Wikicode, opens: Iterable[str], closes: Iterable[str]) -> Placement:
    """``locate`` on an already parsed tree."""
    walker = _Locator(opens, closes)
    walker.fillable(code.nodes, 0)
    walker.found.blocks.sort(key=lambda block: block.start)
    return walker.found


def find_blocks(text: str, opens: Iterable[str], closes: Iterable[str]) -> list[Block]:
    """The generated blocks of ``text``, in page order (names as ``template_key`` gives)."""
    return locate(text, opens, closes).blocks


def block_members(found: Scan, opens: Iterable[str], closes: Iterable[str]) -> set[int]:
    """Indices (in ``found.templates``) of the templates inside a closed generated block."""
    open_keys = frozenset(opens)
    if found.code is None or not any(template_key(str(t.name)) in open_keys
                                     for t in found.templates):
        return set()
    index = {id(template): i for i, template in enumerate(found.templates)}
    inside: set[int] = set()
    for node in locate_tree(found.code, open_keys, closes).members:
        for template in Wikicode([node]).ifilter_templates(recursive=True):
            if id(template) in index:
                inside.add(index[id(template)])
    return inside
