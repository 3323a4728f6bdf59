"""Writing a point in a template's own coordinate style: shared by the rules that set one."""

from __future__ import annotations

from wikisync.model import Change, Record
from wikisync.parse.names import param_key
from wikisync.schema import Schema
from wikisync.sync.rules.base import Point, RuleId


def format_coord(value: float) -> str:
    """A coordinate with at most 6 decimals (about 0.1 m), no trailing zeros."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


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
        return [Change(record.title, template, record.instance, name, param_value(
            record, schema, "coordinates"), f"{lat}, {lon}", rule)]
    return [Change(record.title, template, record.instance, schema.param_names(f)[0],
                   param_value(record, schema, f), value, rule)
            for f, value in (("lat", lat), ("lon", lon))]


def param_value(record: Record, schema: Schema, record_field: str) -> str | None:
    """The raw value the record's template gives a field (first name present), or None."""
    for name in schema.param_names(record_field):
        if param_key(name) in record.params:
            return record.params[param_key(name)]
    return None


def has_coordinates_text(record: Record) -> bool:
    """Whether the wiki holds coordinates for the record, readable or not (not empty)."""
    return (record.lat is not None and record.lon is not None) or (
        "bad-coordinates" in record.problem_codes)
