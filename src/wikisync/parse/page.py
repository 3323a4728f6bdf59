"""A whole page read: its records and the page-level problems (nobots, broken markup).

``read_page`` never raises: a page too broken to hold any template still comes back as a
``PageParse`` with no records and the problems that say why it must not be edited.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from mwparserfromhell.definitions import is_parsable
from mwparserfromhell.nodes import (
    Argument,
    ExternalLink,
    Heading,
    Tag,
    Template,
    Text,
    Wikilink,
)
from mwparserfromhell.wikicode import Wikicode

from wikisync.model import PROBLEM_CODES, Problem, Record, Source
from wikisync.parse.blocks import block_members
from wikisync.parse.broken import broken_calls
from wikisync.parse.names import Aliases, TemplateMatcher, template_key
from wikisync.parse.records import RecordReader
from wikisync.parse.tree import Mode, control_characters, parse_wikitext
from wikisync.parse.values import value_text
from wikisync.schema import Schema
from wikisync.text import title_key

_SOURCES: dict[str, Source] = {"fiche": "fiche", "region": "region", "row": "row"}


@dataclass
class PageParse:
    """Everything read from one page: records in page order and page-level problems."""

    title: str
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def unsafe(self) -> bool:
        """True when no automatic edit of this page is allowed."""
        return any(p.unsafe for p in self.problems) or any(r.unsafe for r in self.records)

    @property
    def problem_codes(self) -> list[str]:
        """The page-level problem codes, in order."""
        return [p.code for p in self.problems]

    def unsafe_problems(self) -> list[Problem]:
        """The problems (page-level or of any record) that forbid editing the page."""
        found = [p for p in self.problems if p.unsafe]
        for record in self.records:
            found += [p for p in record.problems if p.unsafe and p not in found]
        return found

    def to_dict(self) -> dict[str, Any]:
        """JSON form: the title, page-level problem codes, then the records."""
        return {
            "title": self.title,
            "problems": self.problem_codes,
            "records": [r.to_dict() for r in self.records],
        }


@dataclass
class Scan:
    """What one walk over the tree found: templates in page order and markup leftovers."""

    templates: list[Template] = field(default_factory=list)
    levels: list[int] = field(default_factory=list)  # each template's nesting (0: top level)
    unclosed_templates: list[str] = field(default_factory=list)
    unclosed_comments: list[str] = field(default_factory=list)
    controls: list[str] = field(default_factory=list)  # characters MediaWiki would replace
    code: Wikicode | None = None  # the tree walked (unclosed calls are rebuilt from it)


def scan(code: Wikicode) -> Scan:
    """Walk ``code`` once, collecting every template and the text that failed to parse."""
    found = Scan(code=code)
    _walk(code, found)
    found.controls = control_characters(str(code))
    return found


def _walk(code: Wikicode, found: Scan, level: int = 0) -> None:
    """Collect templates (with their nesting level) and leftovers, depth first, in order."""
    for node in code.nodes:
        if isinstance(node, Text):
            _check_text(node.value, found)
        elif isinstance(node, Template):
            found.templates.append(node)
            found.levels.append(level)
            for child in _template_children(node):
                _walk(child, found, level + 1)
        elif isinstance(node, Tag):
            for child in _tag_children(node):
                _walk(child, found, level + 1)
        else:
            for child in _other_children(node):
                _walk(child, found, level + 1)


def _template_children(node: Template) -> Iterator[Wikicode]:
    """A template's name, then each parameter's name (when written) and value."""
    yield node.name
    for param in node.params:
        if param.showkey:
            yield param.name
        yield param.value


def _tag_children(node: Tag) -> Iterator[Wikicode]:
    """Attribute names and values, and the contents unless the tag's body is not wikitext."""
    for attribute in node.attributes:
        yield attribute.name
        if attribute.value is not None:
            yield attribute.value
    if not node.self_closing and node.contents is not None and is_parsable(str(node.tag)):
        yield node.contents


def _other_children(node: Any) -> Iterator[Wikicode]:
    """The wikicode inside links, headings and arguments (comments and entities have none)."""
    if isinstance(node, Wikilink):
        yield node.title
        if node.text is not None:
            yield node.text
    elif isinstance(node, ExternalLink):
        yield node.url
        if node.title is not None:
            yield node.title
    elif isinstance(node, Heading):
        yield node.title
    elif isinstance(node, Argument):
        yield node.name
        if node.default is not None:
            yield node.default


def _check_text(text: str, found: Scan) -> None:
    """Leftover ``{{`` is an unclosed template, leftover ``<!--`` an unclosed comment."""
    if "{{" in text:
        found.unclosed_templates.append(_snippet(text, text.index("{{")))
    if "<!--" in text:
        found.unclosed_comments.append(_snippet(text, text.index("<!--")))


def _snippet(text: str, start: int) -> str:
    """Forty characters from ``start``, on one line: the detail of a markup problem."""
    return " ".join(text[start : start + 40].split())


class PageReader:
    """Reads pages for one schema and one set of template aliases (reusable, stateless)."""

    def __init__(self, schema: Schema | None = None, aliases: Aliases | None = None,
                 mode: Mode | None = None) -> None:
        self.schema = schema or Schema()
        self.matcher = TemplateMatcher(self.schema, aliases)
        self.records = RecordReader(self.schema)
        self.mode = mode
        self.bot = title_key(self.schema.bot_name).casefold()
        self.block_names = (self.matcher.names_for(self.schema.list_open_template),
                            self.matcher.names_for(self.schema.list_close_template))

    def read(self, text: str, title: str = "") -> PageParse:
        """Records and problems of the page ``text`` titled ``title``."""
        return self.read_scan(scan(parse_wikitext(text, self.mode)), title)

    def read_scan(self, found: Scan, title: str = "") -> PageParse:
        """Records and problems from an already scanned tree."""
        page = PageParse(title)
        page.problems = self._page_problems(found)
        counts = {"fiche": 0, "region": 0, "row": 0}
        generated = block_members(found, *self.block_names)
        for index, template in enumerate(found.templates):
            kind = self.matcher.kind(str(template.name))
            if kind is None:
                continue
            counts[kind] += 1  # templates the bot generated keep their instance numbers
            if index in generated:  # written by the bot inside a block: not a record
                continue
            record = self._record(template, title, _SOURCES[kind], counts[kind] - 1)
            record.problems = page.problems + record.problems
            page.records.append(record)
        self._broken_fiches(found, page, counts["fiche"])
        self._finish(page, sum(1 for r in page.records if r.source == "fiche"))
        return page

    def _record(self, template: Template, title: str, source: Source, instance: int) -> Record:
        """One record; a reader bug becomes an unsafe problem on it, never an exception."""
        try:
            return self.records.read(template, title, source, instance)
        except Exception as exc:  # noqa: BLE001 - reading must never fail (see module doc)
            detail = f"unreadable template: {type(exc).__name__}: {exc}"
            return Record(title, source, instance=instance,
                          problems=[Problem("broken-template", detail, unsafe=True)])

    def _broken_fiches(self, found: Scan, page: PageParse, instance: int) -> None:
        """A record for each unclosed infobox (numbered after the readable ones), see broken."""
        if not found.unclosed_templates or found.code is None:
            return
        for template in broken_calls(found.code):
            if self.matcher.kind(str(template.name)) == "fiche":
                record = self._record(template, page.title, "fiche", instance)
                record.problems = page.problems + record.problems
                page.records.append(record)
                instance += 1

    def _page_problems(self, found: Scan) -> list[Problem]:
        """Problems of the whole page: nobots, unclosed template, unclosed comment."""
        problems = []
        reason = self._nobots(found.templates)
        if reason:
            problems.append(Problem("nobots", reason, unsafe=True))
        if found.unclosed_templates:
            problems.append(Problem("broken-template", found.unclosed_templates[0], unsafe=True))
        if found.unclosed_comments:
            problems.append(Problem("unclosed-comment", found.unclosed_comments[0], unsafe=True))
        if found.controls:  # saving would turn them into U+FFFD: no edit can be exact
            problems.append(Problem("control-character", ", ".join(found.controls), unsafe=True))
        return problems

    def _nobots(self, templates: list[Template]) -> str | None:
        """Why ``{{nobots}}`` / ``{{bots}}`` keeps this bot away, or None if it may edit."""
        for template in templates:
            key = template_key(str(template.name))
            if key == "Nobots" and not template.params:
                return "{{nobots}}"
            if key in ("Bots", "Nobots"):
                reason = self._bots_params(template, key == "Nobots")
                if reason:
                    return reason
        return None

    def _bots_params(self, template: Template, nobots: bool) -> str | None:
        """Why the ``deny=``/``allow=`` lists (or ``{{nobots|list}}``) exclude this bot."""
        for param in template.params:
            name = str(param.name).strip().casefold() if param.showkey else ""
            names = {n.strip().casefold() for n in value_text(param.value).split(",")}
            names = {title_key(n).casefold() for n in names if n}
            if name == "deny" or (nobots and not param.showkey):
                if "all" in names or self.bot in names:
                    return f"{{{{{template_key(str(template.name))}|deny}}}} names us"
            elif name == "allow" and "all" not in names and self.bot not in names:
                return "{{bots|allow}} does not name us"
        return None

    def _finish(self, page: PageParse, fiches: int) -> None:
        """Cross-record rules: two infoboxes, rows inheriting their region page's region."""
        region = next((r.region for r in page.records if r.source == "region" and r.region),
                      None)
        for record in page.records:
            if record.source == "row" and not record.region:
                record.region = region
            if record.source == "fiche" and fiches > 1:
                problem = Problem("two-infoboxes", f"{fiches} infoboxes", unsafe=True)
                record.problems.append(problem)
        if fiches > 1:
            page.problems.append(Problem("two-infoboxes", f"{fiches} infoboxes", unsafe=True))
        for record in page.records:
            record.problems.sort(key=_problem_order)


def _problem_order(problem: Problem) -> int:
    """Problems sort in the order of ``model.PROBLEM_CODES`` (stable for golden files)."""
    return PROBLEM_CODES.index(problem.code) if problem.code in PROBLEM_CODES else 99


def read_page(text: str, title: str = "", *, schema: Schema | None = None,
              aliases: Aliases | None = None) -> PageParse:
    """Read one page: its records (fiche, rows, region) and its page-level problems.

    Never raises: broken markup, ``{{nobots}}`` and the like are ``Problem``s (those that
    forbid an edit have ``unsafe``). ``schema`` gives the template and parameter names (the
    built-in ``Schema()`` by default); ``aliases`` maps a template (``Fiche initiative`` or a
    kind: ``fiche``, ``region``, ``row``) to the names of its redirects.
    """
    return PageReader(schema, aliases).read(text, title)


def parse(text: str, title: str = "", schema: Schema | None = None,
          aliases: Aliases | None = None) -> list[Record]:
    """The records of one page (page-level problems are on every record)."""
    return read_page(text, title, schema=schema, aliases=aliases).records

