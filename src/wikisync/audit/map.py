"""Wiki vs map: the pins the map serves (GeoJSON or uMap export) against the wiki's hubs."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from wikisync.audit.fields import compare_coordinates
from wikisync.audit.model import Difference
from wikisync.comparisons import same_website
from wikisync.config import Config
from wikisync.dataset import DatasetHub, page_title, point_of
from wikisync.dataset import match as match_hubs
from wikisync.hubs import Hub, Link, article_base, page_key, pin_link
from wikisync.schema import HubType
from wikisync.text import normalise_name

NAME_KEYS = ("name", "nom", "titre")
LINK_KEYS = ("url", "link", "lien", "href")
COLOUR_KEYS = ("marker-color", "color", "colour", "couleur")
_MARKDOWN_LINK = re.compile(r"\[\[([^|\]]+)(?:\|[^\]]*)?\]\]")
_BARE_URL = re.compile(r"https?://[^\s\]|]+")
_SHORT_HEX = re.compile(r"#([0-9a-f])([0-9a-f])([0-9a-f])")


@dataclass(frozen=True)
class MapPin:
    """One pin as the map file has it: a hub-like point, its colour and its link."""

    point: DatasetHub  # name, commune, coordinates, and ``fiche``: the page it names
    colour: str | None
    links: tuple[str, ...]  # every link the pin declares (uMap outlink, url, popup…)


def _first(properties: Mapping[str, Any], keys: Sequence[str]) -> str | None:
    """The first non-empty text among ``keys`` of a properties object."""
    for key in keys:
        value = properties.get(key)
        if isinstance(value, str | int | float) and str(value).strip():
            return str(value).strip()
    return None


def _options(value: Any) -> Mapping[str, Any]:
    """A JSON object, or an empty one for anything else (e.g. a missing ``_umap_options``)."""
    return value if isinstance(value, dict) else {}


def _links(properties: Mapping[str, Any]) -> tuple[str, ...]:
    """The pin's links: uMap ``outlink`` and link properties, else the popup's first link."""
    found = [_first(_options(properties.get("_umap_options")), ("outlink",))]
    found += [_first(properties, (key,)) for key in LINK_KEYS]
    links = tuple(dict.fromkeys(link for link in found if link))
    if links:
        return links
    description = _first(properties, ("description",)) or ""
    markdown = _MARKDOWN_LINK.search(description)
    bare = _BARE_URL.search(description)
    return (markdown.group(1),) if markdown else (bare.group(0),) if bare else ()


def _layers(data: Any) -> Iterator[tuple[Any, Mapping[str, Any]]]:
    """(feature, its layer's uMap options) for every feature of the map file."""
    if not isinstance(data, dict):
        return
    if data.get("type") == "Feature":
        yield data, {}
    elif data.get("type") == "FeatureCollection":
        layer = _options(data.get("_umap_options"))
        for feature in data.get("features") or []:
            yield feature, layer
    else:
        for layer in data.get("layers") or []:
            yield from _layers(layer)


def read_pins(data: Any) -> tuple[list[MapPin], list[Difference]]:
    """The map file's pins, and a ``problem`` for each feature that is not a named point."""
    pins: list[MapPin] = []
    problems: list[Difference] = []
    for number, (feature, layer) in enumerate(_layers(data), start=1):
        where = f"map feature {number}"
        properties = _options(feature.get("properties") if isinstance(feature, dict) else None)
        name = _first(properties, NAME_KEYS)
        point = point_of(feature) if isinstance(feature, dict) else None
        if name is None or point is None:
            detail = "the pin has no name" if name is None else "not a valid Point"
            problems.append(Difference("problem", name, None, "bad-pin", None, where, detail))
            continue
        links = _links(properties)
        colour = (_first(properties, COLOUR_KEYS)
                  or _first(_options(properties.get("_umap_options")), ("color",))
                  or _first(layer, ("color",)))
        explicit = page_title(_first(properties, ("fiche", "title"))
                              or next(iter(links), None))
        hub = DatasetHub(where, name, commune=_first(properties, ("commune", "ville")),
                         lat=point[0], lon=point[1], fiche=explicit, raw=properties)
        pins.append(MapPin(hub, colour, links))
    return pins, problems


def _colour_key(colour: str) -> str:
    """A colour compare key: lower-case hex (``#abc`` widened) or the normalised name."""
    text = colour.strip().lower()
    short = _SHORT_HEX.fullmatch(text)
    if short:
        text = "#" + "".join(c * 2 for c in short.groups())
    return text if text.startswith("#") else normalise_name(text)


def colour_diff(hub: Hub, pin: MapPin, types: Sequence[HubType]) -> Difference | None:
    """A ``map-mismatch`` when the pin's colour is not its type's (hex or French name)."""
    hub_type = next((t for t in types if t.key == hub.type), None)
    if hub_type is None:
        return None
    if pin.colour and _colour_key(pin.colour) in (_colour_key(hub_type.hex),
                                                  _colour_key(hub_type.colour)):
        return None
    return Difference("map-mismatch", hub.name, hub.page, "colour", hub_type.hex, pin.colour,
                      f"type {hub_type.key}")


def _same_target(expected: Link, link: str) -> bool:
    """Whether a pin's link leads where ``expected`` does (same page, or same website)."""
    if expected.page is not None:
        return page_title(link) == page_key(expected.page)
    return same_website(expected.url, link)


def link_diff(hub: Hub, pin: MapPin, config: Config) -> Difference | None:
    """A ``map-mismatch`` when the pin (or one of its links) does not lead where it should."""
    base = article_base(config.wiki.api)
    expected = pin_link(hub, config.map.link_order, base or "$1")
    wrong = [link for link in pin.links
             if expected is None or not _same_target(expected, link)]
    if (expected is None or pin.links) and not wrong:
        return None
    shown = None if expected is None else expected.url if base or not expected.page \
        else expected.page
    detail = f"should lead to the {expected.kind}" if expected else "the hub has no link"
    return Difference("map-mismatch", hub.name, hub.page, "link", shown,
                      wrong[0] if wrong else None, detail)


def compare_map(hubs: Sequence[Hub], data: Any, config: Config,
                threshold: float) -> list[Difference]:
    """Pins missing or extra, and wrong colour, link or place for the pins of real hubs."""
    pins, diffs = read_pins(data)
    by_point = {id(pin.point): pin for pin in pins}
    matching = match_hubs([pin.point for pin in pins], hubs)  # as the dataset is matched
    diffs += [Difference("map-missing", hub.name, hub.page)
              for hub in matching.wiki_only if hub.has_coordinates]
    diffs += [Difference("map-extra", point.name, None, None, None, point.where)
              for point in matching.dataset_only]
    types = config.schema.types
    for pair in matching.pairs:
        hub, pin = pair.wiki, by_point[id(pair.hub)]
        moved = compare_coordinates(hub, pin.point, threshold, one_sided=True)
        if moved is not None:
            diffs.append(Difference("map-mismatch", hub.name, hub.page, "coordinates",
                                    moved.left, moved.right, moved.detail))
        diffs += [d for d in (colour_diff(hub, pin, types), link_diff(hub, pin, config)) if d]
    return diffs
