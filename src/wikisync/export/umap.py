"""The uMap map file (``.umap``): one layer per hub type, named and coloured as the legend.

Import it in uMap with "Import data" (format *umap*) or create a map from it: every layer
shows its pins in the type's colour, each pin's popup holds its link.
"""

from __future__ import annotations

from typing import Any

from wikisync.export.geo import (
    UNKNOWN_HEX,
    MapData,
    MapSettings,
    Pin,
    dumps,
    feature,
    umap_options,
)
from wikisync.i18n import Messages

FRANCE_CENTER = [2.4, 46.6]  # lon, lat: where the map opens when there is no pin
POPUP_TEMPLATE = "# {name}\n{type_label}\n{commune}\n{url}"  # uMap links bare URLs


def _layer(name: str, hex_colour: str, pins: list[Pin], m: Messages) -> dict[str, Any]:
    """One uMap data layer (a FeatureCollection with ``_umap_options``)."""
    features = []
    for pin in pins:
        item = feature(pin, styled=False)
        options = umap_options(pin)
        del options["color"], options["iconClass"]  # the layer's own, editable in uMap
        if options:
            item["properties"]["_umap_options"] = options
        features.append(item)
    return {
        "type": "FeatureCollection",
        "features": features,
        "_umap_options": {
            "displayOnLoad": True,
            "name": name,
            "color": hex_colour,
            "iconClass": "Drop",
            "popupContentTemplate": POPUP_TEMPLATE,
            "description": m.count("map.pins", len(pins)),
        },
    }


def layers(data: MapData, settings: MapSettings) -> list[dict[str, Any]]:
    """One layer per type of the legend (empty ones too), then unknown types if any."""
    result = []
    for hub_type in settings.types:
        pins = [pin for pin in data.pins if pin.hub.type == hub_type.key]
        result.append(_layer(hub_type.label, hub_type.hex, pins, settings.messages))
    unknown = [pin for pin in data.pins if settings.type_of(pin.hub.type) is None]
    if unknown:
        result.append(_layer(settings.unknown_label, UNKNOWN_HEX, unknown, settings.messages))
    return result


def _center(data: MapData) -> list[float]:
    """The middle of the pins' bounding box (France when there is no pin)."""
    if not data.pins:
        return list(FRANCE_CENTER)
    lons = [pin.coordinates[0] for pin in data.pins]
    lats = [pin.coordinates[1] for pin in data.pins]
    return [round((min(lons) + max(lons)) / 2, 6), round((min(lats) + max(lats)) / 2, 6)]


def to_umap(data: MapData, settings: MapSettings) -> dict[str, Any]:
    """The whole ``.umap`` document."""
    properties: dict[str, Any] = {
        "name": settings.map_title,
        "description": settings.messages("map.exported",
                                         pins=settings.messages.count("map.pins", len(data.pins))),
        "zoom": 6,
        "datalayersControl": "expanded",
        "onLoadPanel": "datalayers",
        "displayPopupFooter": False,
    }
    if settings.tiles:
        properties["tilelayer"] = {
            "url_template": settings.tiles,
            "attribution": "map data © [[https://osm.org/copyright|OpenStreetMap contributors]]",
            "name": "wikisync",
            "minZoom": 0,
            "maxZoom": 19,
        }
    return {
        "type": "umap",
        "uri": "",
        "properties": properties,
        "geometry": {"type": "Point", "coordinates": _center(data)},
        "layers": layers(data, settings),
    }


def render_umap(data: MapData, settings: MapSettings) -> str:
    """The ``.umap`` file's text."""
    return dumps(to_umap(data, settings))
