"""Generated lists: render a block's body, and rewrite the blocks of one page text (pure).

``BlockRewriter.rewrite`` is the transform ``PageWriter.write`` runs on a page's fresh text:
each block's body is replaced by the list its opener asks for, an opener without a closer
gets the body and the closer inserted right after it, and every byte outside the bodies is
kept. With ``region_blocks``, a region page without a block gets one, inserted before its
trailing categories. The result is checked before it is returned: same records outside the
blocks, every block closed with the body rendered, no new unsafe problem; else
``UnsafeEdit`` (the writer skips the page).

A block whose list changed ends with one small line saying when and by which run
(``stamp``: « Mis à jour le 4 décembre 2026 par wikisync (passage 12) »); a block whose
list is the same keeps its body, line included, byte for byte: the date is the last change,
and an unchanged list is never an edit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import jinja2

from wikisync.errors import UnsafeEdit
from wikisync.generate.query import Group, ListQuery, QueryError, group_by_type, select
from wikisync.generate.templates import render
from wikisync.hubs import Hub, link_target, web_url
from wikisync.i18n import Messages, messages
from wikisync.model import Record
from wikisync.parse import PageReader, escape_value
from wikisync.parse.blocks import Block, find_blocks, locate
from wikisync.parse.names import Aliases
from wikisync.schema import HubType, Schema

LIST_TEMPLATE = "liste-poles.wiki.j2"
_TRAILER_LINE = re.compile(
    r"\s*(?:(?:\[\[\s*(?:catégorie|category)\s*:[^\]\n]*\]\]|\{\{\s*DEFAULTSORT\s*:[^}\n]*\}\}"
    r"|__[A-Z]+__)\s*)*", re.IGNORECASE)
STAMP_CLASS = "liste-poles-ess-maj"
_STAMP_LINE = re.compile(r"(?:\A|\n)<div class=\"" + STAMP_CLASS + r"\"[^\n]*</div>\Z")
_STAMP_STYLE = "font-size:80%; color:#72777d; text-align:right;"


def long_date(m: Messages, day: date) -> str:
    """A date as the wiki's language writes it (« 1er décembre 2026 », "December 1, 2026")."""
    month = m("date.months").split()[day.month - 1]
    number = m("date.first-day") if day.day == 1 else str(day.day)
    return m("date.long", day=number, month=month, year=day.year)


def updated_line(m: Messages, day: date, run_id: int) -> str:
    """The stamp text of a list changed today by run ``run_id`` (the catalog's list.updated)."""
    return m("list.updated", date=long_date(m, day), run=run_id)


def stamp_html(text: str) -> str:
    """The block's last line: the stamp text in a small right-aligned ``<div>``."""
    return f'<div class="{STAMP_CLASS}" style="{_STAMP_STYLE}">{text}</div>'


def without_stamp(body: str) -> str:
    """A block's body (without its surrounding newlines) minus its stamp line, if any."""
    return _STAMP_LINE.sub("", body.strip("\n"))


def hub_context(hub: Hub, schema: Schema) -> dict[str, Any]:
    """What a template sees of one hub (plain values; the template escapes them)."""
    hub_type = _type_of(hub.type, schema.types)
    target = link_target(hub, ("fiche", "website"))
    return {
        "key": hub.key, "name": hub.name, "type": hub.type,
        "type_label": hub_type.label if hub_type else None,
        "colour": hub_type.colour if hub_type else None,
        "hex": hub_type.hex if hub_type else None,
        "region": hub.region, "departement": hub.departement, "commune": hub.commune,
        "website": web_url(hub.website), "fiche": hub.fiche,
        "link": target[1] if target else None, "lat": hub.lat, "lon": hub.lon,
    }


def _type_of(key: str | None, types: Sequence[HubType]) -> HubType | None:
    """The hub type of a key, or None."""
    return next((t for t in types if t.key == key), None)


def _group_context(group: Group, schema: Schema) -> dict[str, Any]:
    """What a template sees of one type group."""
    hub_type = group.hub_type
    return {
        "type": hub_type.key if hub_type else None,
        "label": hub_type.label if hub_type else None,
        "colour": hub_type.colour if hub_type else None,
        "hex": hub_type.hex if hub_type else None,
        "count": len(group.hubs),
        "hubs": [hub_context(hub, schema) for hub in group.hubs],
    }


def list_context(hubs: Sequence[Hub], query: ListQuery | None, schema: Schema,
                 error: str | None = None) -> dict[str, Any]:
    """Every variable ``liste-poles.wiki.j2`` receives (documented in docs/generate.md)."""
    query = query or ListQuery(row_template=schema.row_template)
    chosen = [] if error else select(hubs, query, schema.types)
    hub_type = _type_of(query.type, schema.types)
    return {
        "query": {"region": query.region, "type": query.type,
                  "type_label": hub_type.label if hub_type else None,
                  "departement": query.departement, "sort": query.sort},
        "row_template": query.row_template,
        "error": error,
        "count": len(chosen),
        "hubs": [hub_context(hub, schema) for hub in chosen],
        "groups": [_group_context(g, schema) for g in group_by_type(chosen, schema.types)],
    }


@dataclass
class ListRenderer:
    """Renders list bodies from one set of hubs with one template environment."""

    env: jinja2.Environment
    schema: Schema
    hubs: Sequence[Hub]
    template: str = LIST_TEMPLATE

    @property
    def messages(self) -> Messages:
        """The catalog the environment's templates speak (its ``t``; French when none)."""
        found = self.env.globals.get("t")
        return found if isinstance(found, Messages) else messages()

    def body(self, params: Mapping[str, str]) -> tuple[str, str | None]:
        """The body for an opener's parameters, and the parameter error shown in it, if any."""
        try:
            query: ListQuery | None = ListQuery.from_params(params, self.schema)
            error = None
        except QueryError as exc:
            query, error = None, exc.message(self.messages)
        context = list_context(self.hubs, query, self.schema, error)
        return render(self.env, self.template, context).strip("\n"), error


@dataclass
class Rewritten:
    """One page's new text, its block count, the parameter errors shown, a block added."""

    text: str
    blocks: int = 0
    errors: list[str] = field(default_factory=list)
    added: bool = False
    misplaced: list[str] = field(default_factory=list)  # where each unfillable opener is


class BlockRewriter:
    """Rewrites the generated blocks of page texts (one schema, one set of hubs)."""

    def __init__(self, renderer: ListRenderer, aliases: Aliases | None = None,
                 region_blocks: bool = False, stamp: str | None = None) -> None:
        self.renderer = renderer
        self.stamp = stamp  # the text of a changed block's last line (None: no line)
        self.schema = renderer.schema
        self.reader = PageReader(self.schema, aliases)
        self.opens, self.closes = self.reader.block_names
        self.region_blocks = region_blocks

    def blocks(self, text: str) -> list[Block]:
        """The page's generated blocks."""
        return find_blocks(text, self.opens, self.closes)

    def rewrite(self, text: str, title: str = "") -> Rewritten:
        """The text with every block regenerated (and a region block added if configured)."""
        original = text
        found = locate(text, self.opens, self.closes)
        blocks = found.blocks
        result = Rewritten(text, len(blocks), misplaced=[m.where for m in found.misplaced])
        if not blocks:
            region = self._region_without_block(text, title)
            if region is None:
                return result
            text = add_block(text, self.opener_call({"région": region}))
            result.added = True
            blocks = self.blocks(text)
        bodies = []
        for block in reversed(blocks):
            body = self._body(text, block, result)
            bodies.append(body)
            text = self._replace(text, block, body)
        result.text = text
        self._check(original, result, list(reversed(bodies)))
        return result

    def _body(self, text: str, block: Block, result: Rewritten) -> str:
        """The block's new body: the old one when the list is the same, else the list and
        the stamp line."""
        body, error = self.renderer.body(block.params)
        result.errors += [error] if error else []
        old = text[block.body_start : block.body_end].strip("\n")
        if block.closed and without_stamp(old) == body:
            return old
        return body + "\n" + stamp_html(self.stamp) if self.stamp else body

    def opener_call(self, params: Mapping[str, str]) -> str:
        """The opener call with these parameters (values escaped)."""
        args = "".join(f"|{name}={escape_value(value)}" for name, value in params.items())
        return "{{" + self.schema.list_open_template + args + "}}"

    def _region_without_block(self, text: str, title: str) -> str | None:
        """The region of a region page that should get a block, or None."""
        if not self.region_blocks:
            return None
        records = self.reader.read(text, title).records
        return next((r.region for r in records if r.source == "region" and r.region), None)

    def _replace(self, text: str, block: Block, body: str) -> str:
        """The text with the block's body replaced (and its closer added when missing)."""
        new = "\n" + body + "\n" if body else "\n"
        if block.closed:
            return text[: block.body_start] + new + text[block.body_end :]
        closer = "{{" + self.schema.list_close_template + "}}"
        return text[: block.body_start] + new + closer + text[block.body_start :]

    def _check(self, before: str, result: Rewritten, bodies: list[str]) -> None:
        """Refuse a result that would not read back as intended (``UnsafeEdit``)."""
        blocks = self.blocks(result.text)
        got = [result.text[b.body_start : b.body_end].strip("\n") for b in blocks]
        if not all(b.closed for b in blocks) or got != bodies:
            raise UnsafeEdit("the generated list would not read back as written "
                             "(a template or value breaks the block)")
        after, old = self.reader.read(result.text), self.reader.read(before)
        if {p.code for p in after.unsafe_problems()} - {p.code for p in old.unsafe_problems()}:
            raise UnsafeEdit("the generated list would make the page unsafe to edit "
                             "(check the list template)")
        if _records(after.records) != _records(old.records):
            raise UnsafeEdit("the generated list would change the records outside the block")


def _records(records: Sequence[Record]) -> list[tuple[str, dict[str, str]]]:
    """What must not change outside the blocks: each record's kind and parameters."""
    return [(record.source, record.params) for record in records]


def add_block(text: str, opener: str) -> str:
    """The text with an empty block's opener inserted before its trailing categories.

    Nothing of the original text is removed or changed: only new lines are inserted.
    """
    lines = text.splitlines(keepends=True)
    cut = len(lines)
    while cut > 0 and _TRAILER_LINE.fullmatch(lines[cut - 1]):
        cut -= 1
    while cut < len(lines) and not lines[cut].strip():  # blank lines stay above the block
        cut += 1
    head, tail = "".join(lines[:cut]), "".join(lines[cut:])
    if not head.strip():
        return head + opener + ("\n\n" + tail if tail else "")
    lead = "" if head.endswith("\n\n") else "\n" if head.endswith("\n") else "\n\n"
    return head + lead + opener + ("\n\n" + tail if tail else "")
