"""``geocode``: coordinates found by the address service, for hubs that have none.

Written only when ``[geocode] write`` accepts them; else each is a ``geocoded`` note (a
proposal). ``SyncRun`` asks the service (``sync.geocode``, through ``api``) for the queries
``geocode_queries`` gives and passes the answers in as ``Context.geocoded``.
"""

from __future__ import annotations

from collections.abc import Iterable

from wikisync.hubs import RecordKey, record_key
from wikisync.model import Change, Record
from wikisync.sync.rules.base import Context, Note, RuleId, Setting, Target, WriteRule
from wikisync.sync.rules.coords import coordinate_changes, has_coordinates_text
from wikisync.sync.rules.dataset import RULE as DATASET

GEOCODE_ID = RuleId.declare("geocode", "geocode", lambda m: m("rule.geocode"))


def plan(target: Target, write: bool) -> list[Change]:
    """The geocoder's point for a hub with no coordinates and none coming from the dataset."""
    record = target.record
    geo = target.ctx.geocoded.get(record_key(record))
    if geo is None or target.point is not None or has_coordinates_text(record):
        return []
    if not write:
        target.notes.append(Note(record.title, "geocoded",
                                 f"{record.name}: {geo[0]}, {geo[1]} (not written)"))
        return []
    target.point = geo
    return coordinate_changes(record, target.template, target.schema, geo, GEOCODE_ID)


def _is_hub(record: Record) -> bool:
    """Records that may be geocoded: fiches, and rows without a fiche of their own."""
    return record.source == "fiche" or (record.source == "row" and not record.fiche)


def geocode_queries(records: Iterable[Record], ctx: Context) -> dict[RecordKey, str]:
    """The address query of each hub that has no coordinates and no dataset point coming."""
    owns = ctx.rules.setting(DATASET)
    queries: dict[RecordKey, str] = {}
    for record in records:
        if not _is_hub(record) or record.unsafe or has_coordinates_text(record):
            continue
        hub = ctx.matches.get(record_key(record))
        if hub is not None and hub.lat is not None and "coordinates" in owns:
            continue
        query = address_query(record)
        if query:
            queries[record_key(record)] = query
    return queries


def address_query(record: Record) -> str:
    """``adresse, code postal commune`` from what the record has (empty if no place)."""
    place = " ".join(p for p in (record.postcode, record.commune) if p)
    if not place and not record.address:
        return ""
    return ", ".join(p for p in (record.address, place) if p)


RULE = WriteRule("geocode", (GEOCODE_ID,), plan,
                 Setting("geocode_write", False, lambda config: config.geocode.write))
