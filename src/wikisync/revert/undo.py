"""Undoing one bot edit on a page's current text, from three revisions (pure).

``before`` is the page before the bot's edit, ``bot`` the bot's revision, ``current`` the
page now. When nobody edited since (``current == bot``) the answer is ``before`` exactly.
Otherwise only the bot's own changes are undone, and only those the later edits did not
touch:

* **parameters**, per template instance (the lossless editor, one splice each, values put
  back byte for byte): a parameter still holding the bot's value gets the value it had
  before (removed if it did not exist, added back if the bot removed it); one holding
  anything else is left and reported (``changed-since``);
* **blocks** the bot writes (generated lists, the map block): a block whose content is still
  the bot's gets its content before the edit back; otherwise left (``changed-since``);
* an edit that only **inserted one piece** (a block added to a page): the piece is removed
  when the page still holds it once, unchanged;
* anything else the bot changed is left (``not-undoable``).
"""

from __future__ import annotations

from dataclasses import dataclass

from wikisync.errors import UnsafeEdit
from wikisync.model import Change
from wikisync.parse import Aliases, TemplateEditor
from wikisync.parse.instances import Instance, instance_values, text_blocks
from wikisync.schema import Schema

CHANGED_SINCE = "changed-since"  # a later edit touched what the bot changed
NOT_UNDOABLE = "not-undoable"  # a change outside parameters and blocks, or an unsafe page
RULE = "revert"


@dataclass(frozen=True)
class Left:
    """One change of the bot's that stays, and why (``changed-since``, ``not-undoable``)."""

    what: str
    reason: str
    detail: str = ""

    def __str__(self) -> str:
        """``carte (fiche #0): changed-since (now 'x')``."""
        return f"{self.what}: {self.reason}" + (f" ({self.detail})" if self.detail else "")


@dataclass(frozen=True)
class Undone:
    """The text with the bot's changes undone, what was undone, and what was left."""

    text: str
    undone: tuple[str, ...] = ()
    left: tuple[Left, ...] = ()


@dataclass(frozen=True)
class ParamChange:
    """The bot changed parameter ``name`` of one template instance from ``before`` to ``bot``."""

    instance: Instance
    name: str
    before: str | None
    bot: str | None

    @property
    def label(self) -> str:
        """``carte (fiche #0)``."""
        return f"{self.name} ({self.instance[0]} #{self.instance[1]})"


@dataclass(frozen=True)
class BlockChange:
    """The bot changed the content (body and closer) of block ``index`` of one kind."""

    kind: str
    index: int
    before: str
    bot: str

    @property
    def label(self) -> str:
        """``list block #0``."""
        return f"{self.kind} block #{self.index}"


class Undoer:
    """Undoes bot edits for one schema and one set of template aliases."""

    def __init__(self, schema: Schema | None = None, aliases: Aliases | None = None) -> None:
        self.editor = TemplateEditor(schema, aliases)
        self.reader = self.editor.reader

    def undo(self, before: str, bot: str, current: str, title: str = "") -> Undone:
        """``current`` with the edit ``before`` -> ``bot`` undone as far as it safely can be."""
        if current == bot:
            return Undone(before, ("text",))
        if current == before:
            return Undone(current)
        params, blocks = self.param_changes(before, bot), self.block_changes(before, bot)
        if self._apply(params, blocks, bot, title).text == before:
            return self._apply(params, blocks, current, title)
        piece = inserted_piece(before, bot)
        if piece is not None:
            return remove_piece(piece, current)
        done = self._apply(params, blocks, current, title)
        other = Left("text", NOT_UNDOABLE, "changes outside parameters and blocks")
        return Undone(done.text, done.undone, (*done.left, other))

    def param_changes(self, before: str, bot: str) -> list[ParamChange]:
        """Every parameter the bot changed, per template instance present in both texts."""
        old, new = instance_values(before, self.reader), instance_values(bot, self.reader)
        changes = []
        for instance in sorted(old.keys() & new.keys()):
            a, b = old[instance], new[instance]
            changes += [ParamChange(instance, name, a.get(name), b.get(name))
                        for name in sorted(a.keys() | b.keys()) if a.get(name) != b.get(name)]
        return changes

    def block_changes(self, before: str, bot: str) -> list[BlockChange]:
        """Every block whose content the bot changed (kinds with as many blocks before)."""
        old, new = text_blocks(before, self.reader), text_blocks(bot, self.reader)
        changes = []
        for kind, blocks in new.items():
            if len(blocks) != len(old[kind]):
                continue
            for index, (a, b) in enumerate(zip(old[kind], blocks, strict=True)):
                was, now = before[a.body_start:a.end], bot[b.body_start:b.end]
                if was != now:
                    changes.append(BlockChange(kind, index, was, now))
        return changes

    def _apply(self, params: list[ParamChange], blocks: list[BlockChange], text: str,
               title: str) -> Undone:
        """``text`` with these changes undone where it still holds the bot's version."""
        first = self._undo_params(params, text, title)
        second = self._undo_blocks(blocks, first.text)
        return Undone(second.text, first.undone + second.undone, first.left + second.left)

    def _undo_params(self, params: list[ParamChange], text: str, title: str) -> Undone:
        """Put back each parameter that still holds the bot's value (one splice each)."""
        now = instance_values(text, self.reader)
        edits, undone, left = [], [], []
        for change in params:
            if change.instance not in now:
                left.append(Left(change.label, CHANGED_SINCE, "template gone"))
                continue
            value = now[change.instance].get(change.name)
            if value == change.before:
                continue  # already as before the bot's edit
            if value != change.bot:
                shown = "removed" if value is None else f"now {value.strip()!r}"
                left.append(Left(change.label, CHANGED_SINCE, shown))
                continue
            kind, number = change.instance
            edits.append(Change(title, kind, number, change.name, value, change.before, RULE))
            undone.append(change.label)
        try:
            text = self.editor.apply(text, edits, verbatim=True)
        except UnsafeEdit as exc:
            left += [Left(label, NOT_UNDOABLE, exc.message) for label in undone]
            undone = []
        return Undone(text, tuple(undone), tuple(left))

    def _undo_blocks(self, blocks: list[BlockChange], text: str) -> Undone:
        """Put back each block's content that is still the bot's (last on the page first)."""
        found = text_blocks(text, self.reader)
        spans, undone, left = [], [], []
        for change in blocks:
            located = found[change.kind]
            if change.index >= len(located):
                left.append(Left(change.label, CHANGED_SINCE, "block gone"))
                continue
            block = located[change.index]
            content = text[block.body_start:block.end]
            if content == change.before:
                continue
            if content != change.bot:
                left.append(Left(change.label, CHANGED_SINCE, "its content was edited"))
                continue
            spans.append((block.body_start, block.end, change.before))
            undone.append(change.label)
        for start, end, was in sorted(spans, reverse=True):
            text = text[:start] + was + text[end:]
        return Undone(text, tuple(undone), tuple(left))


def inserted_piece(before: str, bot: str) -> str | None:
    """The one piece the bot's edit inserted, when inserting it was all the edit did."""
    if len(bot) <= len(before):
        return None
    prefix = 0
    while prefix < len(before) and before[prefix] == bot[prefix]:
        prefix += 1
    suffix = 0
    while suffix < len(before) - prefix and before[-1 - suffix] == bot[-1 - suffix]:
        suffix += 1
    if prefix + suffix != len(before):
        return None
    return bot[prefix:len(bot) - suffix]


def remove_piece(piece: str, current: str) -> Undone:
    """``current`` without the inserted piece when it holds it exactly once, else left."""
    if not piece.strip() or current.count(piece) != 1:
        return Undone(current, (), (Left("inserted text", CHANGED_SINCE,
                                         "no longer on the page as the bot wrote it"),))
    start = current.index(piece)
    return Undone(current[:start] + current[start + len(piece):], ("inserted text",))
