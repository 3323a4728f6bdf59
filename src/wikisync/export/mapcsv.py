"""The map as CSV, one row per pin (``--format map-csv``): uMap and spreadsheets import it.

uMap recognises the ``latitude``/``longitude`` columns; the other columns become the pins'
properties. Hubs without coordinates are not rows (they are reported instead).
"""

from __future__ import annotations

import csv
import io

from wikisync.export.geo import MapData, MapSettings

COLUMNS = (
    "name", "type", "type_label", "latitude", "longitude", "url", "title", "website",
    "commune", "region", "color",
)


def render_map_csv(data: MapData, settings: MapSettings) -> str:
    """CSV text with a header row of ``COLUMNS`` and one row per pin."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for pin in data.pins:
        props = pin.properties()
        lon, lat = pin.coordinates
        writer.writerow([
            props["name"], props["type"] or "", props["type_label"] or "", lat, lon,
            props["url"] or "", props["title"] or "", props["website"] or "",
            props["commune"] or "", props["region"] or "", pin.hex,
        ])
    return out.getvalue()
