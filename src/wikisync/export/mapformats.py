"""The map formats of ``wikisync export``: geojson, kml, map-csv, umap and html.

Importing this module registers them in ``EXPORTERS`` with default settings;
``configure_map_formats`` registers them again with the config's (wiki URL for the links,
link order, hub types) and the command line's (tiles, embedded Leaflet). Each writer turns
records into hubs, writes the pins, warns about hubs without coordinates and returns the
number of pins.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

from wikisync.config import Config
from wikisync.export.geo import MapData, MapSettings, map_data, render_geojson
from wikisync.export.htmlmap import render_html
from wikisync.export.kml import render_kml
from wikisync.export.mapcsv import render_map_csv
from wikisync.export.records import Exporter, Writer, register
from wikisync.export.umap import render_umap
from wikisync.hubs import Hub, build_hubs
from wikisync.model import Record

log = logging.getLogger(__name__)

Renderer = Callable[[MapData, MapSettings], str]
Warn = Callable[[str], None]

# name -> (renderer, file suffix, description)
MAP_FORMATS: dict[str, tuple[Renderer, str, str]] = {
    "geojson": (render_geojson, ".geojson", "map pins as GeoJSON (simplestyle, uMap options)"),
    "kml": (render_kml, ".kml", "map pins as KML (Google My Maps, Google Earth)"),
    "map-csv": (render_map_csv, ".csv", "map pins as CSV, one row per pin (uMap, spreadsheets)"),
    "umap": (render_umap, ".umap", "uMap map file, one layer per hub type"),
    "html": (render_html, ".html", "the map as one HTML file (Leaflet), no server needed"),
}


def missing_summary(missing: Iterable[Hub]) -> str:
    """One line naming the hubs left off the map for lack of coordinates."""
    names = [f"{hub.name} ({hub.page})" if hub.page else hub.name for hub in missing]
    return f"{len(names)} hub(s) without coordinates, not on the map: " + "; ".join(names)


def map_writer(render: Renderer, settings: MapSettings, warn: Warn | None = None) -> Writer:
    """A ``wikisync export`` writer: records -> hubs -> pins -> text; returns the pin count."""

    def write(records: Iterable[Record], out: TextIO) -> int:
        data = map_data(build_hubs(records, settings.types), settings)
        out.write(render(data, settings))
        if data.missing:
            (warn or log.warning)(missing_summary(data.missing))
        return len(data.pins)

    return write


def register_map_formats(settings: MapSettings | None = None, warn: Warn | None = None) -> None:
    """Register (or re-register) every map format with these settings."""
    for name, (render, suffix, description) in MAP_FORMATS.items():
        writer = map_writer(render, settings or MapSettings(), warn)
        register(Exporter(name, writer, suffix, description))


def configure_map_formats(config: Config, *, embed_assets: str | Path | None = None,
                          cdn: bool = False, warn: Warn | None = None,
                          language: str | None = None) -> MapSettings:
    """Register the map formats with the config's settings (``--tiles`` is ``[map] tiles``);
    ``language``: the wiki's, as the store recorded it (else ``[wiki] language``, French)."""
    settings = MapSettings.from_config(
        config, embed_assets=Path(embed_assets) if embed_assets else None, cdn=cdn or None,
        language=language,
    )
    register_map_formats(settings, warn)
    return settings


register_map_formats()
