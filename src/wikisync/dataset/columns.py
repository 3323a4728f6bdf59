"""Column names and cell values: which record field a column fills, and a row as a hub.

Column names are compared by ``column_key``: case, accents, punctuation and spaces
ignored, so ``Site Web``, ``site_web``, ``SITE WEB`` and ``siteweb`` are one column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from wikisync.dataset.keys import coordinate
from wikisync.dataset.keys import website as web_site
from wikisync.dataset.model import DatasetHub, DatasetProblem, RowSource
from wikisync.hubs import page_key, resolve_type
from wikisync.parse.coords import parse_pair_text
from wikisync.schema import HubType, Schema
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
Columns = Mapping[str, tuple[str, int]]
_LINK = re.compile(r"\[\[([^\]|]+)(?:\|[^\]]*)?\]\]")
_URL_START = re.compile(r"(?i)(https?:)?//|/")


def column_key(name: str) -> str:
    """The compare key of a column name: ``normalise_name`` without its spaces."""
    return normalise_name(name).replace(" ", "")


def column_fields(schema: Schema) -> dict[str, tuple[str, int]]:
    """Column key -> (record field, rank): canonical 0, English 1, alias 2.

    When a row has several columns for one field, the lowest rank wins (so a ``website``
    property beats ``url``, which the map's own export uses for the pin's link).
    """
    columns: dict[str, tuple[str, int]] = {}
    for record_field in DATASET_FIELDS:
        canonical, aliases = schema.params[record_field]
        columns.setdefault(column_key(canonical), (record_field, 0))
        for name in aliases:
            columns.setdefault(column_key(name), (record_field, 2))
    for name, record_field in ENGLISH_COLUMNS.items():
        columns.setdefault(column_key(name), (record_field, 1))
    return columns


def accepted_names(schema: Schema, record_field: str) -> list[str]:
    """Every column name that fills ``record_field`` (for error messages and the docs)."""
    english = [name for name, target in ENGLISH_COLUMNS.items() if target == record_field]
    return [*schema.param_names(record_field), *english]


def header_plan(header: Sequence[str], columns: Columns) -> list[tuple[int, str, int]]:
    """(cell index, record field, rank) of each header cell that names a field, once a file."""
    plan = []
    for index, name in enumerate(header):
        record_field, rank = columns.get(column_key(str(name)), ("", 9))
        if record_field:
            plan.append((index, record_field, rank))
    return plan


FieldOrder = tuple[tuple[str, tuple[int, ...]], ...]


def field_order(plan: Sequence[tuple[int, str, int]]) -> FieldOrder:
    """(record field, its cell indexes best first) from a header's plan, once a file.

    Best first is lowest rank, then header order: the first non-empty cell of that order
    is the one ``plan_fields`` keeps.
    """
    order: dict[str, list[tuple[int, int]]] = {}
    for index, record_field, rank in plan:
        order.setdefault(record_field, []).append((rank, index))
    return tuple((name, tuple(index for _, index in sorted(ranked)))
                 for name, ranked in order.items())


def plan_fields(cells: Sequence[str], order: FieldOrder) -> dict[str, str]:
    """Record field -> non-empty value of one row, by the header's order (best cell wins)."""
    found: dict[str, str] = {}
    count = len(cells)
    for record_field, indexes in order:
        for index in indexes:
            text = cells[index].strip() if index < count else ""
            if text:
                found[record_field] = text
                break
    return found


def fields_of(values: Mapping[str, Any], columns: Columns) -> dict[str, str]:
    """Record field -> non-empty text value of one mapping (GeoJSON properties)."""
    found: dict[str, tuple[int, str]] = {}
    for key, value in values.items():
        record_field, rank = columns.get(column_key(str(key)), ("", 9))
        text = "" if value is None or isinstance(value, dict | list) else str(value).strip()
        if record_field and text and rank < found.get(record_field, (9, ""))[0]:
            found[record_field] = (rank, text)
    return {name: text for name, (_, text) in found.items()}


class Row(Mapping[str, str]):
    """One table row as a read-only mapping header name -> cell, sharing the header."""

    __slots__ = ("_index", "_cells")

    def __init__(self, index: Mapping[str, int], cells: Sequence[str]) -> None:
        """Keep the shared header index and this row's cells (no copy per row)."""
        self._index, self._cells = index, cells

    def __getitem__(self, key: str) -> str:
        """The cell under that header name (empty when the row is short)."""
        position = self._index[key]
        return self._cells[position] if position < len(self._cells) else ""

    def __iter__(self) -> Iterator[str]:
        """The header names, in column order."""
        return iter(self._index)

    def __len__(self) -> int:
        """How many columns the header has."""
        return len(self._index)


def header_index(header: Sequence[str]) -> dict[str, int]:
    """Header name -> cell index (a repeated name keeps its last column, as a dict would)."""
    index: dict[str, int] = {}
    for position, name in enumerate(header):
        index[str(name)] = position
    return index


_TYPE_CACHE: dict[int, tuple[tuple[HubType, ...], dict[str, str | None]]] = {}


def _type_key(value: str, types: tuple[HubType, ...]) -> str | None:
    """``hubs.resolve_type``, once per distinct text (a large dataset repeats its types).

    The cache holds the types tuple itself, so its ``id`` cannot be reused while cached.
    """
    entry = _TYPE_CACHE.get(id(types))
    if entry is None or entry[0] is not types or len(entry[1]) > 4096:
        entry = _TYPE_CACHE[id(types)] = (types, {})
    known = entry[1]
    if value not in known:
        known[value] = resolve_type(value, types)
    return known[value]


# --- values ------------------------------------------------------------------------------


def page_title(value: str | None) -> str | None:
    """A wiki page title from a title, a ``[[wikilink]]`` or a page URL, MediaWiki-normalised."""
    if value is None:
        return None
    text = value.strip()
    link = _LINK.fullmatch(text)
    if link:
        text = link.group(1)
    elif _URL_START.match(text):
        text = _title_from_url(text) or ""
    text = text.strip().lstrip(":")
    return page_key(text) if text.strip() else None


def _title_from_url(url: str) -> str | None:
    """The page title of a MediaWiki page URL (``/wiki/T`` or ``index.php?title=T``)."""
    parts = urlsplit(url if not url.startswith("//") else "http:" + url)
    query = parse_qs(parts.query)
    if query.get("title"):
        return query["title"][0]
    match = re.search(r"/wiki/(.+)$", parts.path)
    return unquote(match.group(1)) if match else None


def hub_from(fields: Mapping[str, str], where: str, schema: Schema, raw: Mapping[str, Any],
             source: RowSource | None = None
             ) -> tuple[DatasetHub | None, list[DatasetProblem]]:
    """Build one hub from a row's field values; problems for every value that is wrong."""
    name = fields.get("name")
    if not name:
        return None, [no_name(where, source)]
    (hub_type, lat, lon, website), problems = check_values(fields, where, schema, source)
    hub = DatasetHub(
        where=where, name=name, type=hub_type, region=fields.get("region"),
        departement=fields.get("departement"), commune=fields.get("commune"),
        address=fields.get("address"), postcode=fields.get("postcode"),
        lat=lat, lon=lon, website=website, fiche=page_title(fields.get("fiche")), raw=raw,
        source=source,
    )
    return hub, problems


def no_name(where: str, source: RowSource | None) -> DatasetProblem:
    """The problem of a row without a hub name (it gives no hub)."""
    return DatasetProblem(where, "no-name", "the row has no hub name", source=source)


Checked = tuple[str | None, float | None, float | None, str | None]  # type, lat, lon, website


def check_values(fields: Mapping[str, str], where: str, schema: Schema,
                 source: RowSource | None) -> tuple[Checked, list[DatasetProblem]]:
    """A named row's type key, point and website, and a problem for each that is wrong."""
    found: list[tuple[str, str]] = []
    hub_type = website = None
    if "type" in fields:
        hub_type = _type_key(fields["type"], schema.types)
        if hub_type is None:
            found.append(("unknown-type", f"unknown type {fields['type']!r}"))
    lat, lon, bad = _coordinates(fields)
    if bad is not None:
        found.append(("bad-coordinates", f"bad coordinates {bad}"))
    if "website" in fields:
        website = web_site(fields["website"])
        if website is None:
            found.append(("bad-url", f"not a URL: {fields['website']!r}"))
    problems = [DatasetProblem(where, code, detail, fields["name"], source)
                for code, detail in found]
    return (hub_type, lat, lon, website), problems


def _coordinates(fields: Mapping[str, str]) -> tuple[float | None, float | None, str | None]:
    """Latitude and longitude from lat/lon columns, else a coordinates column; checked.

    The third item is the text shown in the problem when they are wrong (else None).
    """
    if "lat" in fields or "lon" in fields:
        lat = coordinate(fields.get("lat", ""), latitude=True)
        lon = coordinate(fields.get("lon", ""), latitude=False)
        if lat is None or lon is None:
            return None, None, f"{fields.get('lat', '')!r}, {fields.get('lon', '')!r}"
        return lat, lon, None
    if "coordinates" in fields:
        lat, lon = parse_pair_text(fields["coordinates"]) or (None, None)
        if lat is None or lon is None:
            return None, None, repr(fields["coordinates"])
        return lat, lon, None
    return None, None, None
