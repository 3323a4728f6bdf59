"""The dataset's plain data: where a row comes from, its hub, its problems, the whole dataset."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from wikisync.errors import UsageError
from wikisync.text import normalise_name

_commune_key = lru_cache(maxsize=8192)(normalise_name)  # communes repeat across rows


class DatasetError(UsageError):
    """The dataset file as a whole cannot be read (missing, unknown format, bad encoding)."""


@dataclass(frozen=True, slots=True)
class RowSource:
    """Where a dataset row is: its file, its sheet (spreadsheets) and its row number.

    ``row`` is the line a CSV record starts on (the header is line 1), the spreadsheet row
    (as the spreadsheet numbers it), or the feature's number in a GeoJSON file.
    """

    file: str
    row: int
    sheet: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The public JSON form: ``{"file", "sheet", "row"}``."""
        return {"file": self.file, "sheet": self.sheet, "row": self.row}


@dataclass(frozen=True, slots=True)
class DatasetProblem:
    """One bad row or value; ``where`` is ``line N`` (CSV, sheets) or ``feature N`` (GeoJSON)."""

    where: str
    code: str
    detail: str
    name: str | None = None
    source: RowSource | None = None


@dataclass(frozen=True, slots=True)
class DatasetHub:
    """One hub of the reference dataset, with values normalised like the wiki's records.

    ``name_key`` and ``commune_key`` (``text.normalise_name``) are computed once, here, so
    that matching a large dataset normalises each name only once.
    """

    where: str
    name: str
    type: str | None = None  # a type key of the schema
    region: str | None = None
    departement: str | None = None
    commune: str | None = None
    address: str | None = None
    postcode: str | None = None
    lat: float | None = None
    lon: float | None = None
    website: str | None = None
    fiche: str | None = None  # the wiki page title given explicitly
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    source: RowSource | None = field(default=None, compare=False)
    name_key: str = field(init=False, compare=False, repr=False)
    commune_key: str = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        """Compute the matching keys of the name and the commune once."""
        object.__setattr__(self, "name_key", normalise_name(self.name) if self.name else "")
        object.__setattr__(self, "commune_key",
                           _commune_key(self.commune) if self.commune else "")

    @property
    def title(self) -> str | None:
        """The explicit wiki page title (alias of ``fiche``, for code matching by title)."""
        return self.fiche


@dataclass(frozen=True)
class Dataset:
    """A loaded dataset: its hubs, its bad rows, and which fields its columns provide."""

    source: str
    hubs: tuple[DatasetHub, ...]
    problems: tuple[DatasetProblem, ...]
    fields: frozenset[str]

    def has(self, record_field: str) -> bool:
        """Whether the dataset has a column for that field (coordinates: lat/lon or pair)."""
        if record_field == "coordinates":
            return bool({"lat", "lon", "coordinates"} & self.fields)
        return record_field in self.fields


def finish(source: str, hubs: list[DatasetHub], problems: list[DatasetProblem],
           fields: frozenset[str]) -> Dataset:
    """Flag rows that repeat a hub (same name and commune), then build the Dataset."""
    seen: dict[tuple[str, str], DatasetHub] = {}
    for hub in hubs:
        key = (hub.name_key, hub.commune_key)
        if key in seen:
            problems.append(DatasetProblem(hub.where, "duplicate-row",
                                           f"same hub as {seen[key].where}", hub.name,
                                           hub.source))
        else:
            seen[key] = hub
    return Dataset(source, tuple(hubs), tuple(problems), fields)
