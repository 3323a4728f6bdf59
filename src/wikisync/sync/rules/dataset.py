"""``dataset``: a value of the reference dataset, for the fields it owns (``[dataset] owns``).

One ``RuleId`` per field it may own (``dataset:website``). ``fill`` writes only where the
wiki has nothing (an unreadable value is not nothing); ``overwrite`` writes where the values
differ (points closer than 100 m, URLs differing only by scheme or ``www.``, and names
differing only by case or accents are the same).
"""

from __future__ import annotations

from collections.abc import Mapping

from wikisync.comparisons import distance_m, same_departement, same_text, same_website
from wikisync.dataset import DatasetHub
from wikisync.hubs import record_key, resolve_type
from wikisync.i18n import Messages
from wikisync.model import Change, Record
from wikisync.schema import Schema
from wikisync.sync.rules.base import RuleId, Setting, Target, WriteRule
from wikisync.sync.rules.coords import coordinate_changes, has_coordinates_text, param_value

OWNABLE = ("coordinates", "website", "name", "type", "region", "departement", "commune",
           "address", "postcode")  # as the config names them (``coordinates`` = lat + lon)
COORD_TOLERANCE_M = 100.0  # points closer than this are the same place (no overwrite)
DEFAULT_OWNS = {"coordinates": "fill", "website": "fill"}
_UNREADABLE = {"website": "bad-url", "type": "unknown-type"}  # a value is there, unreadable


def _declare(name: str) -> RuleId:
    """The id of the changes writing the field ``name``."""
    def words(m: Messages) -> str:
        """``site web depuis le jeu de données``: the field as the catalog names it."""
        return m("rule.dataset", field=m.field(name) or name)
    return RuleId.declare(f"dataset:{name}", "dataset", words, name)


DATASET_IDS = {name: _declare(name) for name in OWNABLE}
COORDINATES_ID = DATASET_IDS["coordinates"]


def plan(target: Target, owns: Mapping[str, str]) -> list[Change]:
    """The matched dataset row's owned values; ``point`` follows the coordinates written."""
    hub = target.ctx.matches.get(record_key(target.record))
    if hub is None:
        return []
    found = dataset_changes(target.record, target.template, hub, owns, target.schema)
    if any(c.rule == COORDINATES_ID for c in found) and hub.lat is not None \
            and hub.lon is not None:
        target.point = (hub.lat, hub.lon)
    return found


def dataset_changes(record: Record, template: str, hub: DatasetHub, owns: Mapping[str, str],
                    schema: Schema) -> list[Change]:
    """The changes that bring the dataset's owned fields onto the record."""
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
                              param_value(record, schema, name), wanted, rule))
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
        return param_value(record, schema, "type") or None
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


RULE = WriteRule("dataset", tuple(DATASET_IDS.values()), plan,
                 Setting("owns", DEFAULT_OWNS, lambda config: dict(config.dataset.owns)))
