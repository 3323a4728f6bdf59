"""The geocoding rule's lookups: address queries -> points, through the store's cache.

Each distinct query is asked once ever: answers (found or not) are cached in the state
store, so a second sync sends no geocoding request. Failures are reported and not cached.
The ``[geocode]`` section (``Config.geocode``, typed and checked at load) configures the service.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from wikisync.api.geocoder import AddressGeocoder, GeocodeError, GeoResult
from wikisync.config import GeocodeConfig
from wikisync.store import Store
from wikisync.sync.planner import RecordKey
from wikisync.sync.rules import Point

Lookup = Callable[[str], GeoResult | None]
NOT_FOUND: dict[str, Any] = {"found": False}


def make_geocoder(settings: GeocodeConfig, user_agent: str | None) -> AddressGeocoder:
    """The address service client for ``[geocode]`` (checked when the config was loaded)."""
    return AddressGeocoder(domain=settings.domain, scheme=settings.scheme,
                           user_agent=user_agent, timeout=settings.timeout,
                           min_delay=settings.min_delay, min_score=settings.min_score)


def cache_key(query: str) -> str:
    """The cache key of a query: case and spacing folded."""
    return " ".join(query.casefold().split())


@dataclass
class GeocodeReport:
    """Points found per record, and how they were found."""

    points: dict[RecordKey, Point] = field(default_factory=dict)
    labels: dict[RecordKey, str] = field(default_factory=dict)
    cached: int = 0
    asked: int = 0
    not_found: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def geocode(queries: Mapping[RecordKey, str], store: Store,
            lookup: Lookup | None) -> GeocodeReport:
    """Points for the queries: from the cache, else from ``lookup`` (cached afterwards).

    With ``lookup`` None (no service) only cached answers are used.
    """
    report = GeocodeReport()
    answers: dict[str, GeoResult | None] = {}
    for key, query in queries.items():
        ckey = cache_key(query)
        if ckey not in answers:
            answers[ckey] = _answer(ckey, query, store, lookup, report)
        result = answers[ckey]
        if result is not None:
            report.points[key] = (result.lat, result.lon)
            report.labels[key] = result.label
    return report


def _answer(ckey: str, query: str, store: Store, lookup: Lookup | None,
            report: GeocodeReport) -> GeoResult | None:
    """One query's answer: cached, asked (and cached), or None on failure."""
    cached = store.geocode_get(ckey)
    if cached is not None:
        report.cached += 1
        return None if not cached.get("found", True) else GeoResult.from_json(cached)
    if lookup is None:
        return None
    report.asked += 1
    try:
        result = lookup(query)
    except GeocodeError as exc:
        report.errors.append(f"{query}: {exc.message}")
        return None
    store.geocode_put(ckey, result.to_json() if result else NOT_FOUND)
    if result is None:
        report.not_found.append(query)
    return result
