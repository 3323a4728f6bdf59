"""The one place pull calls the parser: page text to records, page problems, keep or not."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from wikisync.model import Problem, Record
from wikisync.parse.blocks import marker_pattern
from wikisync.parse.names import template_key
from wikisync.parse.page import PageReader, scan
from wikisync.parse.tree import parse_wikitext
from wikisync.schema import Schema


@dataclass
class Parsed:
    """A page's records and page-level problems; ``keep`` if it uses one of our templates."""

    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    keep: bool = False


Parser = Callable[[str, str], Parsed]


def make_parser(schema: Schema, redirects: Mapping[str, list[str]]) -> Parser:
    """A parser for this schema that also accepts the template redirects' names.

    A page is kept when it holds a record template or the generated list's opening
    template (its block is regenerated later from the store), also where the scan does not
    look (a ``<section>``'s contents, which ``parse.blocks`` fills).
    """
    reader = PageReader(schema, redirects)
    list_names = reader.matcher.names_for(schema.list_open_template)
    marker = marker_pattern(list_names)

    def parse(title: str, text: str) -> Parsed:
        found = scan(parse_wikitext(text))
        page = reader.read_scan(found, title)
        keep = bool(page.records) or any(
            template_key(str(t.name)) in list_names for t in found.templates
        ) or bool(marker.search(text))
        return Parsed(page.records, page.problems, keep)

    return parse
