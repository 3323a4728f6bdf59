"""The French national address service (BAN) through geopy's ``BANFrance``: the only geocoder.

It lives in ``api`` because only this package talks HTTP. Requests are spaced by at least
``min_delay`` seconds (BAN allows 50 a second per IP; the default stays far below), a
timeout or an unavailable service is retried twice, and anything else becomes
``GeocodeError``. Results under ``min_score`` (BAN's 0-1 relevance) count as not found.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from wikisync.config import DEFAULT_GEOCODE_DOMAIN as DEFAULT_DOMAIN
from wikisync.errors import WikisyncError


class GeocodeError(WikisyncError):
    """The address service failed for one query (unreachable, bad answer)."""


@dataclass(frozen=True)
class GeoResult:
    """One point the service found: where, what it matched (label, type) and how well."""

    lat: float
    lon: float
    label: str = ""
    score: float = 0.0
    kind: str = ""  # housenumber, street, locality, municipality

    def to_json(self) -> dict[str, Any]:
        """Plain data for the cache."""
        return {"lat": self.lat, "lon": self.lon, "label": self.label, "score": self.score,
                "kind": self.kind}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GeoResult:
        """Back from the cache's plain data."""
        return cls(float(data["lat"]), float(data["lon"]), str(data.get("label", "")),
                   float(data.get("score", 0.0)), str(data.get("kind", "")))


class AddressGeocoder:
    """A rate-limited BAN client; ``requests`` counts the HTTP requests sent."""

    def __init__(self, *, domain: str = DEFAULT_DOMAIN, scheme: str = "https",
                 user_agent: str | None = None, timeout: float = 10.0,
                 min_delay: float = 0.2, min_score: float = 0.5, retries: int = 2,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        from geopy.geocoders import BANFrance

        self.service = BANFrance(domain=domain, scheme=scheme, timeout=timeout,
                                 user_agent=user_agent or "wikisync")
        self.min_delay = min_delay
        self.min_score = min_score
        self.retries = retries
        self.sleep = sleep
        self.clock = clock
        self.requests = 0
        self._last: float | None = None

    def lookup(self, query: str) -> GeoResult | None:
        """The best point for an address query, or None when nothing good enough matches."""
        from geopy.exc import GeocoderServiceError, GeocoderTimedOut, GeocoderUnavailable

        for attempt in range(self.retries + 1):
            self._wait()
            try:
                location = self.service.geocode(query, exactly_one=True, limit=1)
                return self._result(location)
            except (GeocoderTimedOut, GeocoderUnavailable) as exc:
                if attempt == self.retries:
                    raise GeocodeError(f"address service unavailable: {exc}") from None
                self.sleep(min(2.0 ** attempt, 10.0))
            except GeocoderServiceError as exc:
                raise GeocodeError(f"address service error: {exc}") from None
        return None  # pragma: no cover - the loop always returns or raises

    def _result(self, location: Any) -> GeoResult | None:
        """A GeoResult from geopy's Location (its ``raw`` is BAN's GeoJSON feature)."""
        if location is None:
            return None
        properties = (location.raw or {}).get("properties", {})
        score = float(properties.get("score", 0.0) or 0.0)
        if score < self.min_score:
            return None
        return GeoResult(float(location.latitude), float(location.longitude),
                         str(properties.get("label", location.address or "")), score,
                         str(properties.get("type", "")))

    def _wait(self) -> None:
        """Keep at least ``min_delay`` seconds between two requests."""
        if self._last is not None:
            wait = self.min_delay - (self.clock() - self._last)
            if wait > 0:
                self.sleep(wait)
        self._last = self.clock()
        self.requests += 1
