"""Where things are in a page's text, and the proof that an edit is one splice of it.

An edit is planned as a ``Splice`` (replace ``text[start:end]`` by ``piece``) at offsets
computed from the tree, never by printing a mutated tree.  ``check`` then proves it: the new
text is the old one with exactly that splice, it parses to the same templates outside the
splice (the same text for those around it, the same parameters for the templates holding
it), and the edited template has the same parameters, byte for byte, but the one written.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from mwparserfromhell.nodes import Comment, HTMLEntity, Template, Text
from mwparserfromhell.nodes.extras import Parameter
from mwparserfromhell.wikicode import Wikicode

_MARK_FIRST, _MARK_LAST = 0xF0000, 0xFFFFD  # supplementary private use: rare in pages


@dataclass(frozen=True)
class Splice:
    """Replace ``text[start:end]`` by ``piece``: the only shape an edit may take."""

    start: int
    end: int
    piece: str

    def apply(self, text: str) -> str:
        """``text`` with this splice made."""
        return text[: self.start] + self.piece + text[self.end :]

    def made(self, old: str, new: str) -> bool:
        """True when ``new`` is exactly ``old`` with this splice (the generic byte check)."""
        tail = len(old) - self.end
        return (len(new) == self.start + len(self.piece) + tail
                and new[: self.start] == old[: self.start]
                and new[self.start : self.start + len(self.piece)] == self.piece
                and new[len(new) - tail :] == old[self.end :])


@dataclass(frozen=True)
class ParamSpan:
    """Offsets of one parameter: its ``|``, and its value from after ``=`` to the next ``|``."""

    bar: int
    value_start: int
    value_end: int


@dataclass(frozen=True)
class TemplateSpan:
    """Offsets of one template call: its ``{{``, each parameter, and its closing ``}}``."""

    start: int
    params: tuple[ParamSpan, ...]
    close: int

    @property
    def end(self) -> int:
        """Just after the closing ``}}``."""
        return self.close + 2


def template_span(template: Template, start: int) -> TemplateSpan:
    """The offsets of ``template``'s parts, given where its ``{{`` is."""
    pos = start + 2 + len(str(template.name))
    params = []
    for param in template.params:
        bar = pos
        pos += 1 + (len(str(param.name)) + 1 if param.showkey else 0)
        params.append(ParamSpan(bar, pos, pos + len(str(param.value))))
        pos = params[-1].value_end
    return TemplateSpan(start, tuple(params), pos)


def template_offsets(code: Wikicode) -> dict[int, int]:
    """Where each template of the tree starts in its printed text (keyed by ``id``)."""
    offsets: dict[int, int] = {}
    _offsets(code, 0, offsets, _mark(str(code)))
    return offsets


def _mark(text: str) -> str:
    """A character absent from ``text``, to find a child node's place in its parent."""
    return next(chr(c) for c in range(_MARK_FIRST, _MARK_LAST) if chr(c) not in text)


def _offsets(code: Wikicode, base: int, out: dict[int, int], mark: str) -> None:
    """Record the offset of every template in ``code``, which starts at ``base``."""
    pos = base
    for node in code.nodes:
        if isinstance(node, Template):
            out[id(node)] = pos
            for child, offset in _template_children(node):
                _offsets(child, pos + offset, out, mark)
        elif not isinstance(node, (Text, Comment, HTMLEntity)):
            for child in list(node.__children__()):
                _offsets(child, pos + _child_offset(node, child, mark), out, mark)
        pos += len(str(node))


def _template_children(template: Template) -> Iterator[tuple[Wikicode, int]]:
    """A template's name and parameter names and values with their offsets in it."""
    yield template.name, 2
    pos = 2 + len(str(template.name))
    for param in template.params:
        pos += 1
        if param.showkey:
            yield param.name, pos
            pos += len(str(param.name)) + 1
        yield param.value, pos
        pos += len(str(param.value))


def _child_offset(node: object, child: Wikicode, mark: str) -> int:
    """Where ``child`` starts inside ``str(node)``: print ``node`` with the child marked."""
    saved = child.nodes
    child.nodes = [Text(mark)]
    try:
        return str(node).index(mark)
    finally:
        child.nodes = saved


def param_identity(param: Parameter) -> tuple[bool, str, str]:
    """A parameter as bytes: whether it is named, its name's text, its value's text."""
    return (bool(param.showkey), str(param.name), str(param.value))


def check(old: list[tuple[int, Template]], new: list[tuple[int, Template]], splice: Splice,
          target: int) -> tuple[Template | None, str]:
    """The edited template in ``new`` (or None) and why the others fail to match ('' if not).

    ``old`` and ``new`` are the templates of both texts with their offsets, in page order;
    ``target`` indexes the edited template in ``old``.  A template around the splice keeps
    its name and parameter names; one before or after it keeps its text, moved by the
    splice's length; one inside the replaced span may go; a new one must be in the piece.
    """
    delta = len(splice.piece) - (splice.end - splice.start)
    starts: dict[int, list[Template]] = {}
    for offset, template in new:
        starts.setdefault(offset, []).append(template)
    matched: set[int] = set()
    edited: Template | None = None
    for index, (offset, template) in enumerate(old):
        end = offset + len(str(template))
        if splice.start <= offset and end <= splice.end:
            continue  # inside the replaced span: gone, or rewritten by the piece
        holds = offset < splice.start and splice.end <= end - 2
        moved = offset + delta if offset >= splice.end else offset
        twin = _twin(template, starts.get(moved, []), matched, holds, index == target)
        if twin is None:
            return None, f"the template at {offset} would change"
        matched.add(id(twin))
        if index == target:
            edited = twin
    low, high = splice.start, splice.start + len(splice.piece)
    for offset, template in new:
        if id(template) not in matched and not low <= offset < high:
            return None, f"a template would appear at {offset}, outside the edit"
    return edited, ""


def _twin(template: Template, candidates: list[Template], matched: set[int], holds: bool,
          is_target: bool) -> Template | None:
    """The unmatched new template standing for ``template`` (same text, or same frame)."""
    for candidate in candidates:
        if id(candidate) in matched:
            continue
        if is_target:
            if str(candidate.name) == str(template.name):
                return candidate
        elif holds:
            if _same_frame(template, candidate):
                return candidate
        elif str(candidate) == str(template):
            return candidate
    return None


def _parts(template: Template) -> list[tuple[bool, str]]:
    """A template's children as text: its name, then each parameter's name and value."""
    parts = [(True, str(template.name))]
    for param in template.params:
        parts += [(bool(param.showkey), str(param.name) if param.showkey else ""),
                  (bool(param.showkey), str(param.value))]
    return parts


def _same_frame(old: Template, new: Template) -> bool:
    """A template holding the splice keeps its parameters; one name or value may differ."""
    before, after = _parts(old), _parts(new)
    if len(before) != len(after):
        return False
    if any(b[0] != a[0] for b, a in zip(before, after, strict=True)):
        return False
    return sum(b != a for b, a in zip(before, after, strict=True)) <= 1
