"""The map of the wiki's map page: wikitext for the wiki's own map extension (pure).

``[map] extension`` chooses Kartographer (``<mapframe>`` with the GeoJSON inline) or the
Maps extension (``{{#display_map:}}``, one marker per hub with the type's pictogram file).
The same hubs always give the same text, so the page is rewritten only when hubs changed.
The text is the body of the page's bot-owned block (``mapblock``), never a whole page.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from typing import Any

from wikisync.config import Config
from wikisync.export.geo import MapData, MapSettings, Pin, bbox, map_data
from wikisync.hubs import Hub, link_target
from wikisync.i18n import Messages, messages

MAP_HEIGHT = 600
MAP_WIDTH = 800  # the width the zoom is computed for (the frame itself is full width)
DEFAULT_ICON = "Pôle ESS {key}.png"  # Maps extension: the type's pictogram (File: page)
# Characters that would be read as markup in a title or description.
_WIKITEXT_ESCAPES = {"[": "&#91;", "]": "&#93;", "{": "&#123;", "}": "&#125;",
                     "|": "&#124;", "<": "&lt;", ">": "&gt;"}
# Runs that are markup only when repeated: bold/italics, magic words, signatures; entities.
_RUNS = re.compile(r"''+|__+|~~~+|&(?=#?\w+;)")
_RUN_ESCAPES = {"'": "&#39;", "_": "&#95;", "~": "&#126;", "&": "&amp;"}


def escape_text(text: str) -> str:
    """Plain text made safe in wikitext (no links, templates, tags, bold, signatures)."""
    text = _RUNS.sub(lambda m: "".join(_RUN_ESCAPES[ch] for ch in m.group(0)), text)
    return "".join(_WIKITEXT_ESCAPES.get(ch, ch) for ch in text)


def wiki_link(pin: Pin, order: Sequence[str]) -> str:
    """The hub's name linked as wikitext: to its fiche, region page or website."""
    name = escape_text(pin.hub.name)
    target = link_target(pin.hub, order)
    if target is None:
        return name
    kind, value = target
    if kind == "website":
        return f"[{value.replace(' ', '%20')} {name}]"
    return f"[[{value}|{name}]]"


def _view(data: MapData) -> tuple[float, float, int]:
    """Latitude, longitude and zoom that show every pin in a MAP_WIDTH x MAP_HEIGHT frame."""
    box = bbox(data.pins)
    if box is None:
        return 46.6, 2.4, 5
    west, south, east, north = box
    lat, lon = (south + north) / 2, (west + east) / 2
    scale = 256 / 360  # pixels per degree at zoom 0
    fits = []
    if east - west > 0:
        fits.append(math.log2(MAP_WIDTH * 0.8 / (scale * (east - west))))
    if north - south > 0:
        fits.append(math.log2(MAP_HEIGHT * 0.8 * math.cos(math.radians(lat))
                              / (scale * (north - south))))
    zoom = int(min(fits)) if fits else 12
    return round(lat, 4), round(lon, 4), max(2, min(zoom, 12))


def _kartographer_feature(pin: Pin, order: Sequence[str], m: Messages) -> dict[str, Any]:
    """One pin as a Kartographer GeoJSON feature: linked name, type and commune."""
    unknown = m("map.unknown-type")
    lines = [escape_text(text) for text in (pin.type_label or unknown, pin.hub.commune) if text]
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": pin.coordinates},
        "properties": {
            "title": wiki_link(pin, order),
            "description": "<br />".join(lines),
            "marker-color": pin.hex,
            "marker-symbol": pin.symbol,
            "marker-size": "medium",
        },
    }


def _legend(data: MapData, settings: MapSettings, m: Messages) -> list[str]:
    """The legend under the map: one line per type with its colour and pin count."""
    counts = data.counts()
    lines = [f"== {m('map.legend')} =="]
    for hub_type in settings.types:
        swatch = (f'<span style="display:inline-block;width:0.9em;height:0.9em;'
                  f'border-radius:50%;border:1px solid #333;background:{hub_type.hex}"></span>')
        lines.append(f"* {swatch} {escape_text(hub_type.label)} : {counts.get(hub_type.key, 0)}")
    unknown = sum(n for key, n in counts.items() if settings.type_of(key) is None)
    if unknown:
        lines.append(f"* {m('map.unknown-type')} : {unknown}")
    if data.missing:
        names = ", ".join(_missing_name(hub) for hub in data.missing)
        lines += ["", m("map.missing", count=len(data.missing), names=names)]
    return lines


def _missing_name(hub: Hub) -> str:
    return f"[[{hub.page}|{escape_text(hub.name)}]]" if hub.page else escape_text(hub.name)


def kartographer(data: MapData, settings: MapSettings, m: Messages) -> str:
    """A ``<mapframe>`` holding the pins as GeoJSON, then the legend."""
    lat, lon, zoom = _view(data)
    features = [_kartographer_feature(pin, settings.link_order, m) for pin in data.pins]
    geojson = json.dumps({"type": "FeatureCollection", "features": features},
                         ensure_ascii=False, indent=1).replace("</", "<\\/")
    frame = (f'<mapframe width="full" height="{MAP_HEIGHT}" latitude="{lat}" '
             f'longitude="{lon}" zoom="{zoom}" text="{escape_text(settings.map_title)}">\n'
             f"{geojson}\n</mapframe>")
    return "\n".join([frame, "", *_legend(data, settings, m)]) + "\n"


def _maps_field(text: str) -> str:
    """A ``~``-separated field of a Maps marker: no separator or parameter syntax inside."""
    return (text.replace(";", ",").replace("~", "-").replace("|", "{{!}}")
            .replace("=", "{{=}}").replace("\n", " "))


def _maps_marker(pin: Pin, order: Sequence[str], icon: str, m: Messages) -> str:
    """One marker line: ``lat,lon~title~text~icon``."""
    lon, lat = pin.coordinates
    target = link_target(pin.hub, order)
    lines = [escape_text(t) for t in (pin.type_label or m("map.unknown-type"), pin.hub.commune)
             if t]
    if target:
        kind, value = target
        label = m(f"map.link.{kind}")
        lines.append(f"[{value} {label}]" if kind == "website" else f"[[{value}|{label}]]")
    fields = [f"{lat},{lon}", escape_text(pin.hub.name), "<br />".join(lines)]
    fields += [icon] if icon else []
    return "~".join(_maps_field(field) for field in fields)


def maps_extension(data: MapData, settings: MapSettings, icon_pattern: str,
                   m: Messages) -> str:
    """A ``{{#display_map:}}`` with one marker per pin, then the legend."""
    markers = []
    for pin in data.pins:
        hub_type = settings.type_of(pin.hub.type)
        icon = icon_pattern.format(key=hub_type.key, colour=hub_type.colour) if hub_type else ""
        markers.append(_maps_marker(pin, settings.link_order, icon, m))
    body = ";\n".join(markers)
    call = f"{{{{#display_map:\n{body}\n|height={MAP_HEIGHT}px\n|width=100%\n}}}}"
    return "\n".join([call, "", *_legend(data, settings, m)]) + "\n"


def render_map_page(hubs: Sequence[Hub], config: Config, *,
                    icon_pattern: str = DEFAULT_ICON, m: Messages | None = None) -> str:
    """The map block's body for ``config.map.extension`` (kartographer or maps), in the
    language of ``m`` (default: ``[wiki] language``, else French)."""
    m = m or messages(config.wiki.language, config.schema.types)
    settings = MapSettings.from_config(config, language=m.language)
    data = map_data(hubs, settings)
    if config.map.extension == "maps":
        return maps_extension(data, settings, icon_pattern, m)
    return kartographer(data, settings, m)
