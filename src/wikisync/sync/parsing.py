"""The one place pull calls the parser: page text to records, page problems, keep or not."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from wikisync.model import Problem, Record
from wikisync.schema import Schema


@dataclass
class Parsed:
    """A page's records and page-level problems; ``keep`` if it uses one of our templates."""

    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    keep: bool = False


Parser = Callable[[str, str], Parsed]


def make_parser(schema: Schema, redirects: Mapping[str, list[str]]) -> Parser:
    """A parser for this schema that also accepts the template redirects' names."""
    raise NotImplementedError("waiting for wikisync.parse")
