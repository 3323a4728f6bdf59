"""The rules that produce changes, one record at a time: pure functions, no I/O.

* ``map_links``: ``carte = <URL>`` from the ``[map] link`` pattern and the hub's point;
* ``dataset``: a value of the reference dataset, for the fields it owns (one ``RuleId``
  per field, ``dataset:website``);
* ``geocode``: coordinates found by the address service (written only when accepted).

Each rule returns ``model.Change`` objects whose ``rule`` is a typed ``RuleId``; ``Rule``
names the switches (``[rules]``, ``--rule``, ``RuleSet``), in the order the rules run.
``planner`` calls them in that order and groups the changes by page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import quote, unquote

from wikisync.comparisons import distance_m, same_departement, same_text, same_website
from wikisync.dataset import DatasetHub
from wikisync.hubs import resolve_type
from wikisync.model import Change, Record
from wikisync.parse.names import param_key
from wikisync.schema import Schema

Point = tuple[float, float]


class Rule(StrEnum):
    """A sync rule, as ``[rules]`` keys, ``--rule`` choices and ``RuleSet`` switches name it."""

    MAP_LINKS = "map_links"
    DATASET = "dataset"
    GEOCODE = "geocode"


class RuleId(StrEnum):
    """Which rule asked for a change (``Change.rule``), as the journal and summaries name it.

    ``dataset`` has one id per field it may own (``dataset:website``); the others one each.
    A ``str`` subclass: it is stored as text and read back with ``RuleId(text)``.
    """

    MAP_LINKS = "map_links"
    GEOCODE = "geocode"
    DATASET_COORDINATES = "dataset:coordinates"
    DATASET_WEBSITE = "dataset:website"
    DATASET_NAME = "dataset:name"
    DATASET_TYPE = "dataset:type"
    DATASET_REGION = "dataset:region"
    DATASET_DEPARTEMENT = "dataset:departement"
    DATASET_COMMUNE = "dataset:commune"
    DATASET_ADDRESS = "dataset:address"
    DATASET_POSTCODE = "dataset:postcode"

    @property
    def rule(self) -> Rule:
        """The rule (switch) this id belongs to."""
        return Rule.DATASET if self in _DATASET_FIELD else Rule(self.value)

    @property
    def field(self) -> str | None:
        """The field a ``dataset`` id writes (``coordinates`` = lat + lon); else None."""
        return _DATASET_FIELD.get(self)

    @property
    def label(self) -> str:
        """The French words an edit summary uses for it."""
        if self.field is not None:
            return f"{_FIELD_LABELS.get(self.field, self.field)} depuis le jeu de données"
        return _LABELS[self.rule]


# Fields a dataset may own, as the config names them (``coordinates`` = lat + lon).
DATASET_IDS = {
    "coordinates": RuleId.DATASET_COORDINATES, "website": RuleId.DATASET_WEBSITE,
    "name": RuleId.DATASET_NAME, "type": RuleId.DATASET_TYPE,
    "region": RuleId.DATASET_REGION, "departement": RuleId.DATASET_DEPARTEMENT,
    "commune": RuleId.DATASET_COMMUNE, "address": RuleId.DATASET_ADDRESS,
    "postcode": RuleId.DATASET_POSTCODE,
}
_DATASET_FIELD = {rule_id: name for name, rule_id in DATASET_IDS.items()}
OWNABLE = tuple(DATASET_IDS)

MAP_LINKS = Rule.MAP_LINKS
DATASET = Rule.DATASET
GEOCODE = Rule.GEOCODE
RULE_NAMES = tuple(rule.value for rule in Rule)  # the --rule choices (plain text for click)
COORD_TOLERANCE_M = 100.0  # points closer than this are the same place (no overwrite)

_LABELS = {Rule.MAP_LINKS: "lien carte", Rule.GEOCODE: "coordonnées géocodées (BAN)"}
_FIELD_LABELS = {"coordinates": "coordonnées", "website": "site web"}
_UNREADABLE = {"website": "bad-url", "type": "unknown-type"}  # a value is there, unreadable


@dataclass(frozen=True)
class RuleSet:
    """Which rules run and their settings (from the config and the command line)."""

    map_links: bool = True
    dataset: bool = False
    geocode: bool = False
    geocode_write: bool = False
    link_pattern: str = "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=16/{lat}/{lon}"
    owns: Mapping[str, str] = field(default_factory=lambda: {"coordinates": "fill",
                                                             "website": "fill"})

    def on(self, rule: Rule) -> bool:
        """Whether that rule runs (its switch: the field named like it)."""
        return bool(getattr(self, rule.value))

    @property
    def names(self) -> tuple[Rule, ...]:
        """The rules that are on, in the order they run."""
        return tuple(rule for rule in Rule if self.on(rule))


def rule_label(rule: str) -> str:
    """The French words an edit summary uses for a rule id (any other text as it is)."""
    return RuleId(rule).label if rule in _IDS else rule


_IDS = frozenset(RuleId)


def format_coord(value: float) -> str:
    """A coordinate with at most 6 decimals (about 0.1 m), no trailing zeros."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# --- map links --------------------------------------------------------------------------


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
                  RuleId.MAP_LINKS)


# --- coordinates ------------------------------------------------------------------------


def uses_pair(record: Record, schema: Schema) -> bool:
    """Whether the template writes coordinates as one ``coordonnées`` parameter.

    True when it has a coordinates parameter (any alias, even empty) and no latitude or
    longitude parameter; otherwise ``latitude``/``longitude`` are written.
    """
    present = {param_key(name) for name in record.params}
    pair = {param_key(n) for n in schema.param_names("coordinates")}
    split = {param_key(n) for f in ("lat", "lon") for n in schema.param_names(f)}
    return bool(present & pair) and not present & split


def coordinate_changes(record: Record, template: str, schema: Schema, point: Point,
                       rule: RuleId) -> list[Change]:
    """The changes writing ``point`` in the template's own coordinate style."""
    lat, lon = format_coord(point[0]), format_coord(point[1])
    if uses_pair(record, schema):
        name = schema.param_names("coordinates")[0]
        return [Change(record.title, template, record.instance, name, _param(record, schema,
                       "coordinates"), f"{lat}, {lon}", rule)]
    return [Change(record.title, template, record.instance, schema.param_names(f)[0],
                   _param(record, schema, f), value, rule)
            for f, value in (("lat", lat), ("lon", lon))]


def _param(record: Record, schema: Schema, record_field: str) -> str | None:
    """The raw value the record's template gives a field (first name present), or None."""
    for name in schema.param_names(record_field):
        if param_key(name) in record.params:
            return record.params[param_key(name)]
    return None


def has_coordinates_text(record: Record) -> bool:
    """Whether the wiki holds coordinates for the record, readable or not (not empty)."""
    return (record.lat is not None and record.lon is not None) or (
        "bad-coordinates" in record.problem_codes)


# --- dataset ----------------------------------------------------------------------------


def dataset_changes(record: Record, template: str, hub: DatasetHub, owns: Mapping[str, str],
                    schema: Schema) -> list[Change]:
    """The changes that bring the dataset's owned fields onto the record.

    ``fill`` writes only where the wiki has nothing (an unreadable value is not nothing);
    ``overwrite`` writes where the values differ (points closer than 100 m, URLs differing
    only by scheme or ``www.``, and names differing only by case or accents are the same).
    """
    changes: list[Change] = []
    for name, mode in owns.items():
        if name not in DATASET_IDS:
            continue
        rule = DATASET_IDS[name]
        if name == "coordinates":
            changes += _dataset_point(record, template, hub, mode, schema, rule)
            continue
        wanted = _dataset_value(hub, name, schema)
        if wanted is None:
            continue
        current = _record_value(record, name, schema)
        if _keep(current, wanted, name, mode, record, schema):
            continue
        param = schema.param_names(name)[0]
        changes.append(Change(record.title, template, record.instance, param,
                              _param(record, schema, name), wanted, rule))
    return changes


def _dataset_point(record: Record, template: str, hub: DatasetHub, mode: str,
                   schema: Schema, rule: RuleId) -> list[Change]:
    """Coordinates from the dataset: filled when the wiki has none, or overwritten."""
    if hub.lat is None or hub.lon is None:
        return []
    if has_coordinates_text(record):
        if mode != "overwrite":
            return []
        if record.lat is not None and record.lon is not None and distance_m(
                record.lat, record.lon, hub.lat, hub.lon) <= COORD_TOLERANCE_M:
            return []
    return coordinate_changes(record, template, schema, (hub.lat, hub.lon), rule)


def _dataset_value(hub: DatasetHub, name: str, schema: Schema) -> str | None:
    """The dataset's value for a field, as it is written on the wiki."""
    value = getattr(hub, name, None)
    if name == "type" and value:
        return schema.type_by_key(value).label
    return str(value).strip() if value else None


def _record_value(record: Record, name: str, schema: Schema) -> str | None:
    """The record's value for a field as written (raw text for the type)."""
    if name == "type":
        return _param(record, schema, "type") or None
    value = getattr(record, name, None)
    return str(value) if value else None


def _keep(current: str | None, wanted: str, name: str, mode: str, record: Record,
          schema: Schema) -> bool:
    """Whether the wiki's value stays: filled already (fill) or already the same."""
    unreadable = current is None and _UNREADABLE.get(name, "") in record.problem_codes
    if current is None and not unreadable:
        return False
    if mode != "overwrite":
        return True
    if current is None:
        return False
    return _same(current, wanted, name, schema)


def _same(current: str, wanted: str, name: str, schema: Schema) -> bool:
    """Two values of a field that mean the same thing."""
    if name == "website":
        return same_website(current, wanted)
    if name == "departement":
        return same_departement(current, wanted)
    if name == "type":
        return resolve_type(current, schema.types) == resolve_type(wanted, schema.types)
    return same_text(current, wanted)
