"""The geocoding rule's lookups: address queries -> points, through the store's cache.

Each distinct query is asked once ever: answers (found or not) are cached in the state
store, so a second sync sends no geocoding request. Failures are reported and not cached.
The ``[geocode]`` section configures the service (read here from the raw config).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from wikisync.api.geocoder import DEFAULT_DOMAIN, AddressGeocoder, GeocodeError, GeoResult
from wikisync.config import Config
from wikisync.errors import ConfigError
from wikisync.store import Store
from wikisync.sync.planner import RecordKey
from wikisync.sync.rules import Point

Lookup = Callable[[str], GeoResult | None]
NOT_FOUND: dict[str, Any] = {"found": False}


@dataclass(frozen=True)
class GeocodeSettings:
    """``[geocode]``: write accepted results, and where/how to ask the address service."""

    write: bool = False
    domain: str = DEFAULT_DOMAIN
    scheme: str = "https"
    min_delay: float = 0.2
    min_score: float = 0.5
    timeout: float = 10.0


def geocode_settings(config: Config) -> GeocodeSettings:
    """The ``[geocode]`` section, checked (ConfigError names the bad key)."""
    section = config.raw.get("geocode", {}) or {}
    where = f"{config.source or 'config'} [geocode]"
    values: dict[str, Any] = {}
    for key, kind in (("write", bool), ("domain", str), ("scheme", str),
                      ("min_delay", (int, float)), ("min_score", (int, float)),
                      ("timeout", (int, float))):
        if key in section:
            value = section[key]
            if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
                raise ConfigError(f"{where}: {key} has the wrong type")
            values[key] = float(value) if isinstance(kind, tuple) else value
    if values.get("scheme", "https") not in ("http", "https"):
        raise ConfigError(f"{where}: scheme must be 'http' or 'https'")
    return GeocodeSettings(**values)


def make_geocoder(settings: GeocodeSettings, user_agent: str | None) -> AddressGeocoder:
    """The address service client for these settings."""
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
