"""Records -> hubs: one hub per real hub, however many pages describe it (pure, no I/O).

A hub's fiche (``Fiche initiative``) and the ``Pôle ESS`` rows describing it merge into one
hub: a row joins a fiche when its ``fiche=`` names the fiche's page, else when both have the
same normalised name and commune (a missing commune matches any). Each infobox is its own
hub, two on one page too (a hub is a page *and* an infobox instance): a row naming such a
page joins the infobox whose name is the row's, else the page's first infobox. Rows without
a fiche that describe the same hub on several region pages merge the same way. The fiche's
values win, then the rows' in page order. Each hub also gets its pin link
(``MapConfig.link_order``).

A hub keeps the keys of the records it came from (``Hub.records``: page, source, instance),
so that what is decided about the hub (the dataset's values, by ``dataset.match``) maps back
to the template instances that describe it (``Hub.owners``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import quote

from wikisync.model import Record
from wikisync.schema import DEFAULT_TYPES, HubType
from wikisync.text import normalise_name, title_key

LINK_KINDS = ("fiche", "region", "website")
RecordKey = tuple[str, str, int]  # a record's page title, source and instance
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_WIKILINK = re.compile(r"^\[\[:?([^|\]]*)(?:\|([^\]]*))?\]\]$")


@dataclass(frozen=True)
class Hub:
    """One ESS hub as the map shows it: merged from its fiche and the rows listing it."""

    key: str  # unique, stable slug of the name (``-2``, ``-3`` for namesakes)
    name: str
    type: str | None  # a type key of the schema; None when missing or unknown
    fiche: str | None  # title of its Fiche initiative page
    region_pages: tuple[str, ...]  # titles of the region pages listing it, sorted
    region: str | None = None
    departement: str | None = None
    commune: str | None = None
    website: str | None = None
    lat: float | None = None
    lon: float | None = None
    notes: tuple[str, ...] = ()  # what the merge noticed (e.g. a ``fiche=`` page not found)
    instance: int = 0  # which infobox of its fiche page (0 for the first, and row-only hubs)
    # the records it came from: its fiche first, then its rows (page, instance order)
    records: tuple[RecordKey, ...] = field(default=(), compare=False)
    # those that take the hub's values (``owners_of``)
    owners: tuple[RecordKey, ...] = field(default=(), compare=False)

    @property
    def has_coordinates(self) -> bool:
        """True when the hub can be a pin (both coordinates, in range)."""
        return (self.lat is not None and self.lon is not None
                and -90 <= self.lat <= 90 and -180 <= self.lon <= 180)

    @property
    def page(self) -> str | None:
        """The wiki page describing the hub: its fiche, else the first region page."""
        return self.fiche or (self.region_pages[0] if self.region_pages else None)


@dataclass(frozen=True)
class Link:
    """Where a pin leads: ``kind`` is fiche, region or website; ``page`` the wiki title."""

    kind: str
    url: str
    page: str | None = None


# --- types -----------------------------------------------------------------------------


def resolve_type(value: str | None, types: Sequence[HubType] = DEFAULT_TYPES) -> str | None:
    """The type key for a key, label or variant (case/accent/apostrophe-insensitive)."""
    if not value:
        return None
    wanted = normalise_name(value)
    for hub_type in types:
        names = (hub_type.key, hub_type.label, *hub_type.variants)
        if any(normalise_name(name) == wanted for name in names):
            return hub_type.key
    return None


# --- titles and URLs -------------------------------------------------------------------


def page_key(title: str) -> str:
    """The page a title or a ``[[link|label]]`` names, as MediaWiki compares titles."""
    match = _WIKILINK.match(title.strip())
    return title_key(match.group(1) if match else title)


def article_base(api: str | None, article_url: str | None = None) -> str | None:
    """The base URL of wiki pages: ``article_url`` if given, else from the api.php URL."""
    if article_url:
        return article_url
    if api and api.rstrip("/").endswith("api.php"):
        return api.rstrip("/")[: -len("api.php")] + "index.php?title="
    return None


def page_url(base: str, title: str) -> str:
    """The URL of a wiki page: ``base`` ends with ``?title=``/``/wiki/`` or holds ``$1``."""
    encoded = quote(page_key(title).replace(" ", "_"), safe=";@$!*(),/~:")
    return base.replace("$1", encoded) if "$1" in base else base + encoded


def web_url(value: str | None) -> str | None:
    """An http(s) URL for a website value (``www.x.org`` gets ``http://``); else None."""
    if not value or not value.strip():
        return None
    text = value.strip()
    if text.startswith("//"):
        return "https:" + text
    scheme = _SCHEME.match(text)
    if scheme is None:
        return "http://" + text if "." in text and " " not in text else None
    return text if scheme.group(1).lower() in ("http", "https") else None


def link_target(hub: Hub, order: Sequence[str] = LINK_KINDS,
                wiki: bool = True) -> tuple[str, str] | None:
    """``(kind, target)`` for the first of ``order`` the hub has: a page title or a URL.

    ``wiki=False`` skips the wiki pages (fiche, region) when their URL cannot be built.
    """
    for kind in order:
        if kind == "fiche" and hub.fiche and wiki:
            return kind, hub.fiche
        if kind == "region" and hub.region_pages and wiki:
            return kind, hub.region_pages[0]
        website = web_url(hub.website) if kind == "website" else None
        if website:
            return kind, website
    return None


def pin_link(hub: Hub, order: Sequence[str] = LINK_KINDS,
             base: str | None = None) -> Link | None:
    """The pin's one link: the first of ``order`` the hub has (wiki pages need ``base``)."""
    target = link_target(hub, order, wiki=bool(base))
    if target is None:
        return None
    kind, value = target
    if kind == "website" or not base:
        return Link(kind, value)
    return Link(kind, page_url(base, value), value)


# --- merging ---------------------------------------------------------------------------


@dataclass
class _Group:
    """The records of one hub, while merging: at most one fiche, any number of rows."""

    fiche: Record | None = None
    rows: list[Record] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def records(self) -> list[Record]:
        return ([self.fiche] if self.fiche else []) + self.rows

    def name_key(self) -> str:
        return normalise_name(_first(self.records, lambda r: _name(r)) or "")

    def commune_key(self) -> str:
        return normalise_name(_first(self.records, lambda r: r.commune) or "")


def record_key(record: Record) -> RecordKey:
    """The identity of a record across reads of its page: (title, source, instance)."""
    return (record.title, record.source, record.instance)


def owners_of(group: Sequence[Record]) -> tuple[RecordKey, ...]:
    """The records of one hub that take its values: its fiche, else its rows naming no fiche.

    A row of a hub that has a fiche is a second mention (the fiche holds the facts), and a
    row whose ``fiche=`` leads nowhere points to facts kept elsewhere: neither is written.
    """
    fiches = [record for record in group if record.source == "fiche"]
    rows = [record for record in group if record.source == "row"
            and not (record.fiche and record.fiche.strip())]
    return tuple(record_key(record) for record in fiches or rows)


def _name(record: Record) -> str | None:
    """The record's name; a fiche without ``nom`` takes its page title."""
    if record.name and record.name.strip():
        return record.name.strip()
    return record.title if record.source == "fiche" else None


def plain(value: str) -> str:
    """A value written as one whole wikilink (``[[Brest]]``, ``[[Brest (29)|Brest]]``) as text."""
    match = _WIKILINK.match(value.strip())
    return (match.group(2) or match.group(1)).strip() if match else value.strip()


def _first(records: Iterable[Record], get: Callable[[Record], str | None]) -> str | None:
    """The first non-blank value of ``get`` over the records, as plain text."""
    for record in records:
        value = get(record)
        if value is not None and str(value).strip():
            return plain(str(value))
    return None


def _same_hub(group: _Group, name: str, commune: str) -> bool:
    """Same normalised name, and same commune unless one of them has none."""
    if not name or group.name_key() != name:
        return False
    other = group.commune_key()
    return not other or not commune or other == commune


def _match(groups: Iterable[_Group], row: Record) -> _Group | None:
    """The one group with the row's name and commune; None if none or ambiguous."""
    name = normalise_name(_name(row) or "")
    commune = normalise_name(row.commune or "")
    found = [group for group in groups if _same_hub(group, name, commune)]
    return found[0] if len(found) == 1 else None


def infobox_for(row: Record, infoboxes: Sequence[Record]) -> Record:
    """Which of a page's infoboxes (in instance order) a row naming that page describes.

    The one whose normalised name is the row's, else the first: a page normally has one.
    """
    wanted = normalise_name(_name(row) or "")
    return next((fiche for fiche in infoboxes
                 if wanted and normalise_name(_name(fiche) or "") == wanted), infoboxes[0])


def _group(records: Iterable[Record]) -> list[_Group]:
    """Group fiches and rows into hubs (region headers are not hubs); one hub per infobox."""
    ordered = sorted(records, key=lambda r: (r.source != "fiche", r.title, r.instance))
    by_title: dict[str, list[_Group]] = {}
    row_groups: list[_Group] = []
    for record in ordered:
        if record.source == "fiche":
            by_title.setdefault(page_key(record.title), []).append(_Group(fiche=record))
        elif record.source == "row":
            _place_row(record, by_title, row_groups)
    return [group for groups in by_title.values() for group in groups] + row_groups


def _place_row(row: Record, by_title: dict[str, list[_Group]],
               row_groups: list[_Group]) -> None:
    """Attach a row to its fiche, to a row-only hub of the same name, or start a hub."""
    notes: list[str] = []
    if row.fiche and row.fiche.strip():
        groups = by_title.get(page_key(row.fiche))
        if groups:
            fiches = [group.fiche for group in groups if group.fiche]
            groups[fiches.index(infobox_for(row, fiches))].rows.append(row)
            return
        notes.append(f"{row.title}: fiche={row.fiche.strip()} not found")
    fiche_groups = [group for groups in by_title.values() for group in groups]
    group = _match(fiche_groups, row) or _match(row_groups, row)
    if group is None:
        group = _Group()
        row_groups.append(group)
    group.rows.append(row)
    group.notes.extend(notes)


def _coordinates(records: Iterable[Record]) -> tuple[float | None, float | None]:
    """The first complete coordinate pair (lat and lon always from the same record)."""
    for record in records:
        if record.lat is not None and record.lon is not None:
            return record.lat, record.lon
    return None, None


def _merge(group: _Group, regions: dict[str, str], types: Sequence[HubType]) -> Hub:
    """One hub from a group's records (the key is set afterwards)."""
    records = group.records
    lat, lon = _coordinates(records)
    pages = tuple(sorted({row.title for row in group.rows}))
    region = _first(records, lambda r: r.region) or _first_region(pages, regions)
    hub_type = next((t for t in (resolve_type(r.type, types) for r in records) if t), None)
    return Hub(
        key="",
        name=_first(records, _name) or "",
        type=hub_type,
        fiche=group.fiche.title if group.fiche else None,
        region_pages=pages,
        region=region,
        departement=_first(records, lambda r: r.departement),
        commune=_first(records, lambda r: r.commune),
        website=_first(records, lambda r: r.website),
        lat=lat,
        lon=lon,
        notes=tuple(group.notes),
        instance=group.fiche.instance if group.fiche else 0,
        records=tuple(record_key(record) for record in records),
        owners=owners_of(records),
    )


def _first_region(pages: Iterable[str], regions: dict[str, str]) -> str | None:
    """The region named by the header of the first region page that has one."""
    return next((regions[p] for p in pages if regions.get(p)), None)


def _sort_key(hub: Hub) -> tuple[str, ...]:
    return (normalise_name(hub.name), normalise_name(hub.commune or ""), hub.fiche or "",
            f"{hub.instance:06d}", *hub.region_pages)


def _with_keys(hubs: list[Hub]) -> list[Hub]:
    """Sort hubs and give each a unique slug key."""
    used: set[str] = set()
    result = []
    for hub in sorted(hubs, key=_sort_key):
        slug = normalise_name(hub.name).replace(" ", "-") or "pole"
        key, number = slug, 1
        while key in used:
            number += 1
            key = f"{slug}-{number}"
        used.add(key)
        result.append(replace(hub, key=key))
    return result


def build_hubs(records: Iterable[Record], types: Sequence[HubType] = DEFAULT_TYPES) -> list[Hub]:
    """One hub per real hub, sorted by name; the same records always give the same hubs."""
    records = list(records)
    regions = {r.title: r.region for r in records if r.source == "region" and r.region}
    hubs = [_merge(group, regions, types) for group in _group(records)]
    return _with_keys(hubs)
