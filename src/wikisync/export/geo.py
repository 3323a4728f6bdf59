"""The map's pins (one per hub with coordinates) and their GeoJSON (RFC 7946) form.

Every map format (GeoJSON, uMap, KML, CSV, HTML, the wiki's map page) starts from
``map_data``: the hubs, each with its colour, type label and one link, and the hubs that
cannot be pins because they have no coordinates (reported, never silently dropped).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wikisync.config import Config
from wikisync.hubs import LINK_KINDS, Hub, Link, article_base, pin_link, web_url
from wikisync.i18n import DEFAULT_LANGUAGE, Messages, language_of, messages
from wikisync.schema import DEFAULT_TYPES, HubType

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
UNKNOWN_HEX = "#888888"
# simplestyle ``marker-symbol``: Maki icon names known to Kartographer, geojson.io and Mapbox.
MARKER_SYMBOLS = {
    "association": "town-hall",
    "hebergement": "lodging",
    "multifonction": "commercial",
    "projet": "triangle-stroked",
    "informel": "circle-stroked",
}
DEFAULT_SYMBOL = "marker"
PRECISION = 6  # decimals kept in coordinates (about 10 cm)


@dataclass(frozen=True)
class MapSettings:
    """What the map formats need besides the hubs: legend, links, tiles, assets."""

    types: tuple[HubType, ...] = DEFAULT_TYPES
    link_order: tuple[str, ...] = LINK_KINDS
    article_base: str | None = None  # base URL of wiki pages (see ``hubs.page_url``)
    title: str | None = None  # None: the catalog's ``map.title`` (see ``map_title``)
    tiles: str = OSM_TILES  # empty: no tile layer
    attribution: str = OSM_ATTRIBUTION
    embed_assets: Path | None = None  # a Leaflet dist/ to inline instead of the shipped one
    cdn: bool = False  # the HTML map links Leaflet on unpkg instead of inlining it
    templates_dir: Path | None = None  # the user's templates folder (for carte.html.j2)
    language: str = DEFAULT_LANGUAGE  # the map's texts (link labels, notes): ``i18n``

    @classmethod
    def from_config(cls, config: Config, **overrides: Any) -> MapSettings:
        """Settings from the config: schema types, ``[map] link_order``, the wiki's URL."""
        templates = config.generate.templates
        values: dict[str, Any] = {
            "types": tuple(config.schema.types),
            "link_order": tuple(config.map.link_order),
            "article_base": article_base(config.wiki.api, config.map.article_url),
            "templates_dir": Path(templates) if templates else None,
            "language": language_of(config.wiki.language),
        }
        if config.map.tiles is not None:
            values["tiles"] = config.map.tiles
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @property
    def messages(self) -> Messages:
        """The catalog of the map's language, labelling the types as the legend."""
        return messages(self.language, self.types)

    @property
    def map_title(self) -> str:
        """The map's name (KML document, uMap map, HTML page): ``title``, else the catalog's."""
        return self.title or self.messages("map.title")

    @property
    def unknown_label(self) -> str:
        """The legend's label of pins whose type is missing or unknown (KML, uMap, HTML)."""
        return self.messages("map.unknown-type")

    def type_of(self, key: str | None) -> HubType | None:
        """The hub type with this key, or None."""
        return next((t for t in self.types if t.key == key), None)


@dataclass(frozen=True)
class Pin:
    """One hub on the map: where, what colour, and where a click leads."""

    hub: Hub
    link: Link | None
    hex: str
    type_label: str | None
    symbol: str

    @property
    def coordinates(self) -> list[float]:
        """``[lon, lat]`` (GeoJSON order), rounded to ``PRECISION`` decimals."""
        assert self.hub.lat is not None and self.hub.lon is not None
        return [round(self.hub.lon, PRECISION), round(self.hub.lat, PRECISION)]

    @property
    def url(self) -> str | None:
        return self.link.url if self.link else None

    def properties(self) -> dict[str, Any]:
        """The contract's pin properties, in the documented order (no styling)."""
        hub = self.hub
        return {
            "name": hub.name,
            "type": hub.type,
            "type_label": self.type_label,
            "title": hub.page,
            "url": self.url,
            "website": web_url(hub.website),
            "commune": hub.commune,
            "region": hub.region,
        }


@dataclass(frozen=True)
class MapData:
    """The pins, and the hubs left off the map because they have no coordinates."""

    pins: list[Pin]
    missing: list[Hub] = field(default_factory=list)

    def counts(self) -> Counter[str | None]:
        """Pins per type key (None: hubs with no known type)."""
        return Counter(pin.hub.type for pin in self.pins)


def make_pin(hub: Hub, settings: MapSettings) -> Pin:
    """The pin of one hub (which must have coordinates)."""
    hub_type = settings.type_of(hub.type)
    return Pin(
        hub=hub,
        link=pin_link(hub, settings.link_order, settings.article_base),
        hex=hub_type.hex if hub_type else UNKNOWN_HEX,
        type_label=hub_type.label if hub_type else None,
        symbol=MARKER_SYMBOLS.get(hub.type or "", DEFAULT_SYMBOL),
    )


def map_data(hubs: Iterable[Hub], settings: MapSettings) -> MapData:
    """Split hubs into pins and hubs without coordinates, keeping the hubs' order."""
    hubs = list(hubs)
    pins = [make_pin(hub, settings) for hub in hubs if hub.has_coordinates]
    missing = [hub for hub in hubs if not hub.has_coordinates]
    return MapData(pins, missing)


def umap_options(pin: Pin) -> dict[str, Any]:
    """uMap's per-feature options: the type's colour, and a click opens the pin's link."""
    options: dict[str, Any] = {"color": pin.hex, "iconClass": "Drop"}
    if pin.url:
        options["outlink"] = pin.url
        options["outlinkTarget"] = "blank"
    return options


def feature(pin: Pin, styled: bool = True) -> dict[str, Any]:
    """One GeoJSON Feature; ``styled`` adds simplestyle and ``_umap_options``."""
    properties = pin.properties()
    if styled:
        properties["marker-color"] = pin.hex
        properties["marker-symbol"] = pin.symbol
        properties["_umap_options"] = umap_options(pin)
    return {
        "type": "Feature",
        "id": pin.hub.key,
        "geometry": {"type": "Point", "coordinates": pin.coordinates},
        "properties": properties,
    }


def bbox(pins: Sequence[Pin]) -> list[float] | None:
    """``[west, south, east, north]`` of the pins, or None when there are none."""
    if not pins:
        return None
    lons = [pin.coordinates[0] for pin in pins]
    lats = [pin.coordinates[1] for pin in pins]
    return [min(lons), min(lats), max(lons), max(lats)]


def to_geojson(data: MapData) -> dict[str, Any]:
    """A FeatureCollection with one Point Feature per pin."""
    collection: dict[str, Any] = {"type": "FeatureCollection"}
    box = bbox(data.pins)
    if box:
        collection["bbox"] = box
    collection["features"] = [feature(pin) for pin in data.pins]
    return collection


def dumps(value: Any) -> str:
    """JSON text as the exports write it: UTF-8 characters, two-space indent, final newline."""
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def render_geojson(data: MapData, settings: MapSettings) -> str:
    """The GeoJSON file's text."""
    return dumps(to_geojson(data))
