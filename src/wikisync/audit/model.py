"""The audit's result: one ``Difference`` per thing that disagrees, in a public, sorted form."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from wikisync.dataset.model import RowSource
from wikisync.text import normalise_name

# The kinds, in report order (the JSON ``kind`` values are public).
KINDS = (
    "missing-on-wiki",
    "missing-in-dataset",
    "mismatch",
    "inconsistent",
    "map-missing",
    "map-extra",
    "map-mismatch",
    "problem",
    "list-opener-ignored",
    "conflict-kept",
)
MISMATCH_FIELDS = ("name", "type", "coordinates", "website", "region", "departement", "commune")
JSON_KEYS = ("kind", "name", "title", "field", "wiki", "dataset", "detail")


@dataclass(frozen=True)
class Difference:
    """One difference: ``wiki`` is the wiki's value, ``dataset`` the other side's.

    The other side is the dataset, the map (``map-*``), or the other page describing the
    same hub (``inconsistent``); ``title`` is the wiki page concerned, when there is one.
    """

    kind: str
    name: str | None = None
    title: str | None = None
    field: str | None = None
    wiki: str | None = None
    dataset: str | None = None
    detail: str | None = None
    source: RowSource | None = None  # the dataset row (file, sheet, row) it comes from

    def __post_init__(self) -> None:
        """Refuse a kind outside ``KINDS``: the JSON kinds are a public contract."""
        if self.kind not in KINDS:
            raise ValueError(f"unknown difference kind {self.kind!r}")

    def to_dict(self) -> dict[str, Any]:
        """The public JSON object, keys in ``JSON_KEYS`` order, then ``source`` when known."""
        data = {key: getattr(self, key) for key in JSON_KEYS}
        if self.source is not None:
            data["source"] = self.source.to_dict()
        return data


def sort_key(diff: Difference) -> tuple[Any, ...]:
    """Kind order, then hub name (problems: code first), then everything else as text."""
    rest = tuple(v or "" for v in (diff.title, diff.field, diff.wiki, diff.dataset, diff.detail))
    name = (normalise_name(diff.name or ""), diff.name or "")
    first = (diff.field or "",) if diff.kind == "problem" else ()
    return (KINDS.index(diff.kind), *first, *name, *rest)


def sort_differences(diffs: Iterable[Difference]) -> list[Difference]:
    """Differences sorted deterministically, exact duplicates dropped."""
    return sorted(dict.fromkeys(diffs), key=sort_key)


def counts(diffs: Iterable[Difference]) -> dict[str, int]:
    """How many differences of each kind, in ``KINDS`` order (kinds with none left out)."""
    found = Counter(d.kind for d in diffs)
    return {kind: found[kind] for kind in KINDS if found[kind]}
