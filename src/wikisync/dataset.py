"""The reference dataset (CSV or GeoJSON) as ``DatasetHub`` rows, and matching them to the wiki.

Loading never raises on a bad row: the row is reported as a ``DatasetProblem`` with its line
(CSV) or feature number (GeoJSON). ``match`` pairs dataset hubs with wiki hubs or records; it
is pure, so the audit and the sync's dataset rule share it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Literal, Protocol, TypeVar
from urllib.parse import parse_qs, unquote, urlsplit

from wikisync.errors import UsageError
from wikisync.hubs import resolve_type, title_key, web_url
from wikisync.parse.coords import parse_pair_text, parse_single
from wikisync.schema import Schema
from wikisync.text import normalise_name

# Record fields a dataset column can fill, in the order of a row.
DATASET_FIELDS = (
    "name", "type", "region", "departement", "commune", "address", "postcode",
    "lat", "lon", "coordinates", "website", "fiche",
)
# Column names besides the schema's: the hub's wiki page, and English names.
ENGLISH_COLUMNS = {
    "title": "fiche", "page": "fiche", "website": "website", "department": "departement",
    "town": "commune", "postcode": "postcode", "address": "address", "latitude": "lat",
    "longitude": "lon",
}


class DatasetError(UsageError):
    """The dataset file as a whole cannot be read (missing, not CSV/GeoJSON, bad encoding)."""


@dataclass(frozen=True)
class DatasetProblem:
    """One bad row or value; ``where`` is ``line N`` (CSV) or ``feature N`` (GeoJSON)."""

    where: str
    code: str
    detail: str
    name: str | None = None


@dataclass(frozen=True)
class DatasetHub:
    """One hub of the reference dataset, with values normalised like the wiki's records."""

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


# --- column names ------------------------------------------------------------------------


def column_fields(schema: Schema) -> dict[str, tuple[str, int]]:
    """Normalised column name -> (record field, rank): canonical 0, English 1, alias 2.

    When a row has several columns for one field, the lowest rank wins (so a ``website``
    property beats ``url``, which the map's own export uses for the pin's link).
    """
    columns: dict[str, tuple[str, int]] = {}
    for record_field in DATASET_FIELDS:
        canonical, aliases = schema.params[record_field]
        columns.setdefault(normalise_name(canonical), (record_field, 0))
        for name in aliases:
            columns.setdefault(normalise_name(name), (record_field, 2))
    for name, record_field in ENGLISH_COLUMNS.items():
        columns.setdefault(normalise_name(name), (record_field, 1))
    return columns


def _fields_of(values: Mapping[str, Any],
               columns: Mapping[str, tuple[str, int]]) -> dict[str, str]:
    """Record field -> non-empty text value of one row (the lowest-ranked column wins)."""
    found: dict[str, tuple[int, str]] = {}
    for key, value in values.items():
        record_field, rank = columns.get(normalise_name(str(key)), ("", 9))
        text = "" if value is None or isinstance(value, dict | list) else str(value).strip()
        if record_field and text and rank < found.get(record_field, (9, ""))[0]:
            found[record_field] = (rank, text)
    return {name: text for name, (_, text) in found.items()}


# --- values ------------------------------------------------------------------------------


def page_title(value: str | None) -> str | None:
    """A wiki page title from a title, a ``[[wikilink]]`` or a page URL, MediaWiki-normalised."""
    if value is None:
        return None
    text = value.strip()
    link = re.fullmatch(r"\[\[([^\]|]+)(?:\|[^\]]*)?\]\]", text)
    if link:
        text = link.group(1)
    elif re.match(r"(?i)(https?:)?//|/", text):
        text = _title_from_url(text) or ""
    text = text.strip().lstrip(":")
    return title_key(text) if text.strip() else None


def _title_from_url(url: str) -> str | None:
    """The page title of a MediaWiki page URL (``/wiki/T`` or ``index.php?title=T``)."""
    parts = urlsplit(url if not url.startswith("//") else "http:" + url)
    query = parse_qs(parts.query)
    if query.get("title"):
        return query["title"][0]
    match = re.search(r"/wiki/(.+)$", parts.path)
    return unquote(match.group(1)) if match else None


def _hub_from(fields: Mapping[str, str], where: str, schema: Schema,
              raw: Mapping[str, Any]) -> tuple[DatasetHub | None, list[DatasetProblem]]:
    """Build one hub from a row's field values; problems for every value that is wrong."""
    name = fields.get("name")
    if not name:
        return None, [DatasetProblem(where, "no-name", "the row has no hub name")]
    problems: list[DatasetProblem] = []

    def problem(code: str, detail: str) -> None:
        """Report a problem of this row."""
        problems.append(DatasetProblem(where, code, detail, name))

    hub_type = None
    if "type" in fields:
        hub_type = resolve_type(fields["type"], schema.types)
        if hub_type is None:
            problem("unknown-type", f"unknown type {fields['type']!r}")
    lat, lon = _coordinates(fields, problem)
    website = None
    if "website" in fields:
        website = web_url(fields["website"])
        if website is None:
            problem("bad-url", f"not a URL: {fields['website']!r}")
    hub = DatasetHub(
        where=where, name=name, type=hub_type, region=fields.get("region"),
        departement=fields.get("departement"), commune=fields.get("commune"),
        address=fields.get("address"), postcode=fields.get("postcode"),
        lat=lat, lon=lon, website=website, fiche=page_title(fields.get("fiche")), raw=raw,
    )
    return hub, problems


def _coordinates(fields: Mapping[str, str],
                 problem: Callable[[str, str], None]) -> tuple[float | None, float | None]:
    """Latitude and longitude from lat/lon columns, else a coordinates column; checked."""
    if "lat" in fields or "lon" in fields:
        lat = parse_single(fields.get("lat", ""), latitude=True)
        lon = parse_single(fields.get("lon", ""), latitude=False)
        shown = f"{fields.get('lat', '')!r}, {fields.get('lon', '')!r}"
    elif "coordinates" in fields:
        lat, lon = parse_pair_text(fields["coordinates"]) or (None, None)
        shown = repr(fields["coordinates"])
    else:
        return None, None
    if lat is None or lon is None:
        problem("bad-coordinates", f"bad coordinates {shown}")
        return None, None
    return lat, lon


# --- CSV ---------------------------------------------------------------------------------


def _delimiter(text: str) -> str:
    """The CSV delimiter, sniffed on the header line among ``,`` ``;`` and tab."""
    header = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(header, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, cells) of each CSV record, multi-line quoted cells included."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    start = 1
    for cells in reader:
        yield start, cells
        start = reader.line_num + 1


def read_csv(text: str, schema: Schema | None = None, source: str = "<csv>") -> Dataset:
    """Parse a CSV dataset (header row of French column names); bad rows become problems."""
    schema = schema or Schema()
    columns = column_fields(schema)
    rows = _csv_rows(text.lstrip("\ufeff"))
    header = next(rows, (1, []))[1]
    fields = frozenset(columns[k][0] for k in map(normalise_name, header) if k in columns)
    if "name" not in fields:
        raise DatasetError(f"{source}: no name column (expected one of "
                           f"{', '.join(schema.param_names('name'))})")
    hubs: list[DatasetHub] = []
    problems: list[DatasetProblem] = []
    for line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        where = f"line {line}"
        if len(cells) > len(header):
            problems.append(DatasetProblem(where, "bad-row",
                                           f"{len(cells)} cells for {len(header)} columns"))
            continue
        raw = dict(zip(header, cells, strict=False))
        hub, found = _hub_from(_fields_of(raw, columns), where, schema, raw)
        problems.extend(found)
        if hub is not None:
            hubs.append(hub)
    return _finish(source, hubs, problems, fields)


# --- GeoJSON -----------------------------------------------------------------------------


def geojson_features(data: Any) -> list[Any]:
    """The features of a FeatureCollection, a single Feature, or a uMap export's layers."""
    if not isinstance(data, dict):
        return []
    if data.get("type") == "Feature":
        return [data]
    if data.get("type") == "FeatureCollection":
        return list(data.get("features") or [])
    if data.get("type") == "umap" or "layers" in data:
        features: list[Any] = []
        for layer in data.get("layers") or []:
            features.extend(geojson_features(layer))
        return features
    return []


def point_of(feature: Mapping[str, Any]) -> tuple[float, float] | None:
    """(lat, lon) of a Point feature (GeoJSON order is [lon, lat]); None if not a point."""
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        return None
    position = geometry.get("coordinates")
    if not isinstance(position, list) or len(position) < 2:
        return None
    lon, lat = position[0], position[1]
    if isinstance(lat, bool) or isinstance(lon, bool):
        return None
    if not isinstance(lat, int | float) or not isinstance(lon, int | float):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return float(lat), float(lon)


def feature_hub(feature: Any, number: int, schema: Schema,
                columns: Mapping[str, tuple[str, int]]
                ) -> tuple[DatasetHub | None, list[DatasetProblem]]:
    """One GeoJSON feature as a dataset hub: its properties, its point as coordinates."""
    where = f"feature {number}"
    if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
        return None, [DatasetProblem(where, "bad-row", "not a feature with properties")]
    properties = feature["properties"]
    fields = _fields_of(properties, columns)
    point = point_of(feature)
    if point is not None:
        fields.pop("coordinates", None)
        fields["lat"], fields["lon"] = (repr(value) for value in point)
    hub, problems = _hub_from(fields, where, schema, properties)
    if hub is not None and point is None and feature.get("geometry") is not None:
        problems.append(DatasetProblem(where, "bad-coordinates", "geometry is not a valid Point",
                                       hub.name))
    return hub, problems


def read_geojson(text: str, schema: Schema | None = None, source: str = "<geojson>") -> Dataset:
    """Parse a GeoJSON dataset (uMap export or FeatureCollection); bad features become problems."""
    schema = schema or Schema()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{source}: not JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("type") not in ("FeatureCollection", "Feature",
                                                               "umap"):
        raise DatasetError(f"{source}: not a GeoJSON FeatureCollection or uMap export")
    columns = column_fields(schema)
    hubs: list[DatasetHub] = []
    problems: list[DatasetProblem] = []
    present: set[str] = set()
    for number, feature in enumerate(geojson_features(data), start=1):
        hub, found = feature_hub(feature, number, schema, columns)
        problems.extend(found)
        if hub is not None:
            hubs.append(hub)
            present.update(_fields_of(hub.raw, columns))
            if point_of(feature) is not None:
                present.update(("lat", "lon"))
    return _finish(source, hubs, problems, frozenset(present))


def _finish(source: str, hubs: list[DatasetHub], problems: list[DatasetProblem],
            fields: frozenset[str]) -> Dataset:
    """Flag rows that repeat a hub (same name and commune), then build the Dataset."""
    seen: dict[tuple[str, str], DatasetHub] = {}
    for hub in hubs:
        key = (normalise_name(hub.name), normalise_name(hub.commune or ""))
        if key in seen:
            problems.append(DatasetProblem(
                hub.where, "duplicate-row", f"same hub as {seen[key].where}", hub.name))
        else:
            seen[key] = hub
    return Dataset(source, tuple(hubs), tuple(problems), fields)


def load_dataset(path: str | Path, schema: Schema | None = None) -> Dataset:
    """Read a dataset file: GeoJSON if it ends in .json/.geojson/.umap or starts with ``{``."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise DatasetError(f"{path}: cannot read the dataset: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise DatasetError(f"{path}: the dataset is not UTF-8 text") from None
    is_json = file.suffix.lower() in (".json", ".geojson", ".umap") or text.lstrip()[:1] == "{"
    reader = read_geojson if is_json else read_csv
    return reader(text, schema, str(path))


# --- matching ----------------------------------------------------------------------------


class WikiHub(Protocol):
    """What ``match`` needs of a wiki-side item (a record or a merged hub)."""

    @property
    def name(self) -> str | None: ...

    @property
    def commune(self) -> str | None: ...


W = TypeVar("W", bound=WikiHub)
MatchedBy = Literal["title", "name+commune", "name"]


@dataclass(frozen=True)
class Pair(Generic[W]):
    """A dataset hub and the wiki item it describes, and which rule paired them."""

    hub: DatasetHub
    wiki: W
    by: MatchedBy


@dataclass(frozen=True)
class Matching(Generic[W]):
    """The result of ``match``: pairs, then what is left on each side (input order kept)."""

    pairs: tuple[Pair[W], ...]
    dataset_only: tuple[DatasetHub, ...]
    wiki_only: tuple[W, ...]


def wiki_titles(item: Any) -> tuple[str, ...]:
    """The fiche page that identifies a wiki item: a ``hubs.Hub`` or a fiche or row record.

    A hub and a row give their ``fiche``; a fiche record its own page; a region header none.
    """
    source = getattr(item, "source", None)
    if source == "fiche":
        return (item.title,)
    if source == "region":
        return ()
    fiche = getattr(item, "fiche", None)
    return (fiche,) if fiche else ()


def name_key(name: str | None) -> str:
    """The matching key of a name (``text.normalise_name``); empty for no name."""
    return normalise_name(name) if name else ""


Keys = Sequence[Sequence[Any]]  # per item, the keys it can be matched by


class _Pairing(Generic[W]):
    """Pairs being made between two lists, one rule after the other (``match``'s state)."""

    def __init__(self, left: list[DatasetHub], right: list[W]) -> None:
        self.left, self.right = left, right
        self.pairs: list[tuple[int, Pair[W]]] = []
        self.free_left = set(range(len(left)))
        self.free_right = set(range(len(right)))

    def apply(self, by: MatchedBy, left_keys: Keys, right_keys: Keys) -> None:
        """Pair each free left item with the first free right item sharing one of its keys."""
        index: dict[Any, list[int]] = defaultdict(list)
        for j in sorted(self.free_right):
            for key in right_keys[j]:
                index[key].append(j)
        for i in sorted(self.free_left):
            found = next((j for key in left_keys[i] for j in index.get(key, ())
                          if j in self.free_right), None)
            if found is not None:
                self.pairs.append((i, Pair(self.left[i], self.right[found], by)))
                self.free_left.discard(i)
                self.free_right.discard(found)

    def result(self) -> Matching[W]:
        """The pairs in the dataset's order, then what is left on each side."""
        return Matching(tuple(pair for _, pair in sorted(self.pairs, key=lambda p: p[0])),
                        tuple(self.left[i] for i in sorted(self.free_left)),
                        tuple(self.right[j] for j in sorted(self.free_right)))


def match(dataset: Iterable[DatasetHub], wiki: Iterable[W], *,
          titles: Callable[[W], Iterable[str]] = wiki_titles) -> Matching[W]:
    """Pair dataset hubs with wiki items one to one: explicit title, name+commune, unique name.

    1. a hub with a ``fiche``/``title`` column pairs with the item that page describes;
    2. else normalised name and commune equal on both sides;
    3. else normalised name alone, when it is carried by exactly one hub and one item.
    Each side is used once; ties go to the first item in input order.
    """
    left, right = list(dataset), list(wiki)
    pairing = _Pairing(left, right)
    pairing.apply("title", [_title_keys([h.fiche]) for h in left],
                  [_title_keys(titles(item)) for item in right])
    pairing.apply("name+commune", [_place_keys(h) for h in left], [_place_keys(w) for w in right])
    unique = _unique_names(left, right)
    pairing.apply("name", [[k] if k in unique else [] for k in (name_key(h.name) for h in left)],
                  [[k] if k in unique else [] for k in (name_key(w.name) for w in right)])
    return pairing.result()


def _title_keys(titles: Iterable[str | None]) -> list[str]:
    """The normalised, non-empty page titles among ``titles``."""
    return [key for key in map(page_title, titles) if key]


def _place_keys(item: WikiHub) -> list[tuple[str, str]]:
    """The (name, commune) key of an item, if it has both."""
    name, commune = name_key(item.name), name_key(item.commune)
    return [(name, commune)] if name and commune else []


def _unique_names(left: Sequence[WikiHub], right: Sequence[WikiHub]) -> set[str]:
    """Names carried by exactly one item on each side."""
    counts_left = Counter(name_key(h.name) for h in left)
    counts_right = Counter(name_key(w.name) for w in right)
    return {k for k, n in counts_left.items() if k and n == 1 and counts_right.get(k) == 1}
