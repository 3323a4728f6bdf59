"""A map people open without any server: one HTML file with Leaflet, pins, legend, filter.

The file works offline by default: Leaflet 1.9.4 as shipped with wikisync (package data,
``wikisync/assets/leaflet``) is inlined, and so is a light base layer, the outline of
France and its neighbours from Natural Earth (``assets/france.geojson``), drawn under the
tiles; the tiles show on top when they load, and a note says so when they cannot.
``MapSettings.embed_assets`` inlines another Leaflet ``dist/`` folder instead;
``MapSettings.cdn`` links Leaflet on the public CDN (unpkg, with Subresource Integrity).
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from wikisync.errors import UsageError
from wikisync.export.geo import UNKNOWN_HEX, MapData, MapSettings, Pin
from wikisync.i18n import Messages, messages
from wikisync.resources import assets_dir, templates_dir

TEMPLATE = "carte.html.j2"
SHIPPED_TEMPLATES = templates_dir()
LEAFLET_VERSION = "1.9.4"
LEAFLET_CDN = f"https://unpkg.com/leaflet@{LEAFLET_VERSION}/dist/"
LEAFLET_SRI = {
    "leaflet.css": "sha256-p4NxAoJBhIIN+hmNHrzRCf9tD/miZyoHS5obTRR9BMY=",
    "leaflet.js": "sha256-20nQCchB9co0qIjJZRGuk2/Z9VM+kNiyxNV1lvTlZBo=",
}
OUTLINE = "france.geojson"
UNKNOWN_KEY = "inconnu"
_CSS_IMAGE = re.compile(r"url\((images/[\w.-]+\.png)\)")


def leaflet_dist(folder: Path) -> Path:
    """The folder holding ``leaflet.js`` and ``leaflet.css``: ``folder`` or its ``dist/``."""
    for candidate in (folder, folder / "dist", folder / "package" / "dist"):
        if (candidate / "leaflet.js").is_file() and (candidate / "leaflet.css").is_file():
            return candidate
    raise UsageError(f"--embed-assets {folder}: no leaflet.js and leaflet.css there "
                     f"(give the dist/ folder of npm's leaflet {LEAFLET_VERSION})")


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def inline_assets(folder: Path) -> dict[str, Markup]:
    """Leaflet's CSS (its images as data: URIs) and JS, safe to put in the page."""
    dist = leaflet_dist(folder)
    css = (dist / "leaflet.css").read_text(encoding="utf-8")
    css = _CSS_IMAGE.sub(
        lambda m: f"url({_data_uri(dist / m.group(1))})" if (dist / m.group(1)).is_file()
        else m.group(0),
        css,
    )
    js = (dist / "leaflet.js").read_text(encoding="utf-8")
    return {
        "css": Markup(re.sub(r"(?i)</style", r"<\\/style", css)),
        "js": Markup(re.sub(r"(?i)</script", r"<\\/script", js)),
    }


def _pin_json(pin: Pin, m: Messages) -> dict[str, Any]:
    """One pin as the page's script reads it."""
    lon, lat = pin.coordinates
    hub = pin.hub
    return {
        "id": hub.key,
        "name": hub.name,
        "type": hub.type or UNKNOWN_KEY,
        "type_label": pin.type_label or m("map.unknown-type"),
        "commune": hub.commune,
        "url": pin.url,
        "link": pin.link.kind if pin.link else None,
        "lat": lat,
        "lon": lon,
        "hex": pin.hex,
    }


def _legend(data: MapData, settings: MapSettings, m: Messages) -> list[dict[str, Any]]:
    """The legend's entries: every type of the schema, then unknown types if any."""
    counts = data.counts()
    entries = [{"key": t.key, "label": t.label, "hex": t.hex, "count": counts.get(t.key, 0)}
               for t in settings.types]
    unknown = sum(n for key, n in counts.items() if settings.type_of(key) is None)
    if unknown:
        entries.append({"key": UNKNOWN_KEY, "label": m("map.unknown-type"), "hex": UNKNOWN_HEX,
                        "count": unknown})
    return entries


def page_data(data: MapData, settings: MapSettings) -> dict[str, Any]:
    """What the page's script reads: tiles, legend, pins, the hubs left off the map, texts."""
    m = messages(settings.language, settings.types)
    return {
        "title": settings.map_title,
        "tiles": settings.tiles,
        "attribution": settings.attribution,
        "legend": _legend(data, settings, m),
        "pins": [_pin_json(pin, m) for pin in data.pins],
        "text": {"links": {kind: m(f"map.link.{kind}") for kind in ("fiche", "region", "website")},
                 "offline": m("map.offline"), "legend": m("map.legend"),
                 "missing": m("map.missing-count", count=len(data.missing))},
        "missing": [{"name": hub.name, "commune": hub.commune} for hub in data.missing],
    }


def environment(templates_dir: Path | None = None) -> Environment:
    """Jinja2 environment: the user's templates folder first, then the shipped one."""
    folders = [str(templates_dir)] if templates_dir else []
    return Environment(
        loader=FileSystemLoader([*folders, str(SHIPPED_TEMPLATES)]),
        autoescape=select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
    )


def shipped_leaflet() -> Path:
    """The Leaflet 1.9.4 ``dist/`` files shipped with wikisync (inlined by default)."""
    return assets_dir() / "leaflet"


def outline() -> Any:
    """The offline base layer: Natural Earth outlines of France and its neighbours."""
    return json.loads((assets_dir() / OUTLINE).read_text(encoding="utf-8"))


def _assets(settings: MapSettings) -> dict[str, Markup] | None:
    """Leaflet to inline: the user's ``dist/``, else the shipped one; None to use the CDN."""
    if settings.cdn and settings.embed_assets:
        raise UsageError("--cdn and --embed-assets cannot be used together")
    if settings.cdn:
        return None
    return inline_assets(settings.embed_assets or shipped_leaflet())


def render_html(data: MapData, settings: MapSettings) -> str:
    """The HTML map's text: one self-contained file unless ``settings.cdn``."""
    assets = _assets(settings)
    template = environment(settings.templates_dir).get_template(TEMPLATE)
    return template.render(
        title=settings.map_title,
        data=page_data(data, settings),
        assets=assets,
        outline=outline(),
        outline_attribution=messages(settings.language)("map.outline"),
        lang=settings.language,
        cdn=LEAFLET_CDN,
        sri=LEAFLET_SRI,
    )
