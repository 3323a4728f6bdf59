"""The map as KML 2.2, for Google My Maps and Google Earth.

One Style per hub type (a white paddle tinted with the type's colour), one Folder per
type, one Placemark per pin whose description holds its link.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html import escape

from wikisync.export.geo import UNKNOWN_HEX, MapData, MapSettings, Pin

KML_NS = "http://www.opengis.net/kml/2.2"
ICON = "https://maps.google.com/mapfiles/kml/paddle/wht-blank.png"
UNKNOWN_STYLE = "type-inconnu"


def kml_colour(hex_colour: str) -> str:
    """``#rrggbb`` -> KML's ``aabbggrr`` (opaque)."""
    red, green, blue = hex_colour[1:3], hex_colour[3:5], hex_colour[5:7]
    return f"ff{blue}{green}{red}".lower()


def style_id(type_key: str | None, settings: MapSettings) -> str:
    """The Style id of a type (``type-<key>``), or of the unknown type."""
    return f"type-{type_key}" if settings.type_of(type_key) else UNKNOWN_STYLE


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


def _style(document: ET.Element, ident: str, hex_colour: str) -> None:
    style = ET.SubElement(document, "Style", id=ident)
    icon_style = _sub(style, "IconStyle")
    _sub(icon_style, "color", kml_colour(hex_colour))
    _sub(icon_style, "scale", "1.1")
    _sub(_sub(icon_style, "Icon"), "href", ICON)


def description(pin: Pin) -> str:
    """The balloon's HTML: type, commune, and the pin's link."""
    parts = [escape(text) for text in (pin.type_label, pin.hub.commune) if text]
    if pin.url:
        parts.append(f'<a href="{escape(pin.url)}">{escape(pin.url)}</a>')
    return "<br>".join(parts)


def _placemark(folder: ET.Element, pin: Pin, settings: MapSettings) -> None:
    placemark = ET.SubElement(folder, "Placemark", id=pin.hub.key)
    _sub(placemark, "name", pin.hub.name)
    _sub(placemark, "description", description(pin))
    _sub(placemark, "styleUrl", "#" + style_id(pin.hub.type, settings))
    extended = _sub(placemark, "ExtendedData")
    for name, value in pin.properties().items():
        if value is not None:
            _sub(ET.SubElement(extended, "Data", name=name), "value", str(value))
    lon, lat = pin.coordinates
    _sub(_sub(placemark, "Point"), "coordinates", f"{lon},{lat}")


def to_kml(data: MapData, settings: MapSettings) -> ET.Element:
    """The ``<kml>`` element: styles, then a folder of placemarks per type."""
    root = ET.Element("kml", xmlns=KML_NS)
    document = _sub(root, "Document")
    _sub(document, "name", settings.map_title)
    groups: list[tuple[str | None, str, str]] = [(t.key, t.label, t.hex) for t in settings.types]
    if any(settings.type_of(pin.hub.type) is None for pin in data.pins):
        groups.append((None, settings.unknown_label, UNKNOWN_HEX))
    for key, _label, hex_colour in groups:
        _style(document, style_id(key, settings), hex_colour)
    for key, label, _hex in groups:
        pins = [p for p in data.pins if style_id(p.hub.type, settings) == style_id(key, settings)]
        if pins:
            folder = _sub(document, "Folder")
            _sub(folder, "name", label)
            for pin in pins:
                _placemark(folder, pin, settings)
    return root


def render_kml(data: MapData, settings: MapSettings) -> str:
    """The KML file's text (UTF-8 XML declaration, indented)."""
    root = to_kml(data, settings)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
