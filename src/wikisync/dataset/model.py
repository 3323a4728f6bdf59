"""The dataset's plain data: where a row comes from, its hub, its problems, the whole dataset."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from wikisync.dataset.keys import commune_key, name_key
from wikisync.errors import UsageError


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

    ``name_key`` and ``commune_key`` (``text.normalise_name``, by its fast exact form
    ``keys.name_key``) are computed once, here, so that matching a large dataset
    normalises each name only once.
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
        object.__setattr__(self, "name_key", name_key(self.name) if self.name else "")
        object.__setattr__(self, "commune_key",
                           commune_key(self.commune) if self.commune else "")

    @property
    def title(self) -> str | None:
        """The explicit wiki page title (alias of ``fiche``, for code matching by title)."""
        return self.fiche


_SET = {name: DatasetHub.__dict__[name].__set__ for name in DatasetHub.__slots__}
(_where, _name, _type, _region, _departement, _commune, _address, _postcode, _lat, _lon,
 _website, _fiche, _raw, _source, _name_key, _commune_key) = (_SET[name] for name in (
    "where", "name", "type", "region", "departement", "commune", "address", "postcode",
    "lat", "lon", "website", "fiche", "raw", "source", "name_key", "commune_key"))


def new_hub(values: Mapping[str, str], where: str, checked: tuple[Any, ...], fiche: str | None,
            raw: Mapping[str, Any], source: RowSource | None) -> DatasetHub:
    """A ``DatasetHub`` equal to the one its ``__init__`` makes, for a row's checked values.

    ``values`` are the row's texts by record field, ``checked`` its (type, lat, lon,
    website). A large dataset builds one hub a row: this sets the slots directly, about
    twice as fast as the frozen dataclass's ``__init__``.
    """
    name, commune, get = values["name"], values.get("commune"), values.get
    hub = object.__new__(DatasetHub)
    _where(hub, where)
    _name(hub, name)
    _type(hub, checked[0])
    _region(hub, get("region"))
    _departement(hub, get("departement"))
    _commune(hub, commune)
    _address(hub, get("address"))
    _postcode(hub, get("postcode"))
    _lat(hub, checked[1])
    _lon(hub, checked[2])
    _website(hub, checked[3])
    _fiche(hub, fiche)
    _raw(hub, raw)
    _source(hub, source)
    _name_key(hub, name_key(name))
    _commune_key(hub, commune_key(commune) if commune else "")
    return hub


Scan = Callable[[], Iterator[tuple[DatasetHub | None, list[DatasetProblem]]]]


class Dataset:
    """A dataset: its rows (``rows()``, streamed), its bad rows, which fields it provides.

    Built from a file (``scan`` reads it again on each pass, row by row, never whole) or
    from rows in memory. ``hubs`` holds every row (it reads the file once and keeps it:
    fine for small datasets, tests, ``create`` without a limit); matching uses ``rows()``.
    ``problems`` is complete once a pass has read the whole file (it runs one if needed).
    """

    def __init__(self, source: str, hubs: Iterable[DatasetHub] = (),
                 problems: Iterable[DatasetProblem] = (), fields: frozenset[str] = frozenset(),
                 *, scan: Scan | None = None) -> None:
        """Rows in memory (``hubs``, ``problems``), or a ``scan`` of the file."""
        self.source, self.fields, self._scan = source, fields, scan
        self._hubs = None if scan is not None else tuple(hubs)
        self._problems = None if scan is not None else tuple(problems)
        self._bad: dict[str, DatasetProblem] = {}

    def rows(self) -> Iterator[DatasetHub]:
        """Every row as a hub, in file order: streamed from the file unless kept in memory."""
        if self._hubs is not None or self._scan is None:
            yield from self._hubs or ()
            return
        problems: list[DatasetProblem] = []
        self._bad = {}
        seen: dict[int, str] = {}
        for hub, found in self._scan():
            if hub is not None:
                repeated = duplicate_of(hub, seen)
                if repeated is not None:
                    found = [*found, repeated]
            for problem in found:
                problems.append(problem)
                self._bad.setdefault(problem.where, problem)
            if hub is not None:
                yield hub
        self._problems = tuple(problems)

    @property
    def hubs(self) -> tuple[DatasetHub, ...]:
        """Every row, kept in memory (read once)."""
        if self._hubs is None:
            self._hubs = tuple(self.rows())
        return self._hubs

    @property
    def problems(self) -> tuple[DatasetProblem, ...]:
        """Every bad row or value (a whole pass is read first if none was)."""
        if self._problems is None:
            for _ in self.rows():
                pass
        return self._problems or ()

    def problem_of(self, where: str) -> DatasetProblem | None:
        """The first problem of a row already read by ``rows()`` (None: no problem)."""
        if self._problems is not None and not self._bad:
            self._bad = {}
            for problem in self._problems:
                self._bad.setdefault(problem.where, problem)
        return self._bad.get(where)

    def has(self, record_field: str) -> bool:
        """Whether the dataset has a column for that field (coordinates: lat/lon or pair)."""
        if record_field == "coordinates":
            return bool({"lat", "lon", "coordinates"} & self.fields)
        return record_field in self.fields


def duplicate_of(hub: DatasetHub, seen: dict[int, str]) -> DatasetProblem | None:
    """``duplicate-row`` when ``hub`` repeats an earlier one (same name and commune keys).

    ``seen`` maps a hash of each key to the first row's place: about 100 bytes a row, so a
    streamed pass keeps it, not the rows.
    """
    key = hash((hub.name_key, hub.commune_key))
    where = seen.get(key)
    if where is None:
        seen[key] = hub.where
        return None
    return DatasetProblem(hub.where, "duplicate-row", f"same hub as {where}", hub.name,
                          hub.source)


def finish(source: str, hubs: list[DatasetHub], problems: list[DatasetProblem],
           fields: frozenset[str]) -> Dataset:
    """Flag rows that repeat a hub (same name and commune), then build the Dataset."""
    seen: dict[int, str] = {}
    problems.extend(p for p in (duplicate_of(hub, seen) for hub in hubs) if p is not None)
    return Dataset(source, tuple(hubs), tuple(problems), fields)
