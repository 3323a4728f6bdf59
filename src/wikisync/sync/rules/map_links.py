"""``map_links``: ``carte = <URL>`` from the ``[map] link`` pattern and the hub's point.

The point is the one the rules before it give the hub (``Target.point``: its own, or the
dataset's or geocoder's being written), else, for a row, its fiche's.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

from wikisync.model import Change, Record
from wikisync.sync.rules.base import Point, RuleId, Setting, Target, WriteRule
from wikisync.sync.rules.coords import format_coord

DEFAULT_LINK = "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=16/{lat}/{lon}"
MAP_LINKS_ID = RuleId.declare("map_links", "map_links", lambda m: m("rule.map_links"))


def map_link(pattern: str, point: Point, title: str = "", name: str = "",
             type_key: str = "") -> str:
    """The pattern with ``{lat}``, ``{lon}``, ``{title}``, ``{name}``, ``{type}`` filled.

    Every value is percent-encoded (``quote(safe="")``: a space is ``%20``, ``/`` ``%2F``).
    """
    values = {"lat": format_coord(point[0]), "lon": format_coord(point[1]),
              "title": title, "name": name, "type": type_key}
    return pattern.format(**{key: quote(value, safe="") for key, value in values.items()})


def same_link(current: str | None, wanted: str) -> bool:
    """Whether the link on the wiki already is ``wanted`` (percent-encoding ignored)."""
    return current is not None and unquote(current.strip()) == unquote(wanted.strip())


def map_link_change(record: Record, template: str, url: str) -> Change | None:
    """``carte = url`` unless the record already has that link."""
    if same_link(record.map_link, url):
        return None
    return Change(record.title, template, record.instance, "carte", record.map_link, url,
                  MAP_LINKS_ID)


def plan(target: Target, pattern: str) -> list[Change]:
    """The hub's map link, when it has (or will have) a point."""
    point = target.point if target.point is not None else target.fiche_point()
    if point is None:
        return []
    record, fiche = target.record, target.fiche
    type_key = record.type or (fiche.type if fiche is not None else None) or ""
    url = map_link(pattern, point, record.fiche or record.title, record.name or "", type_key)
    change = map_link_change(record, target.template, url)
    return [change] if change else []


RULE = WriteRule("map_links", (MAP_LINKS_ID,), plan,
                 Setting("link_pattern", DEFAULT_LINK, lambda config: config.map.link),
                 uses_point=True)
