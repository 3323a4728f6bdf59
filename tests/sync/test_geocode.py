"""The BAN geocoder wrapper and the geocoding cache, against a local BAN stand-in."""

from __future__ import annotations

from pathlib import Path

import pytest
from ban_server import ban_server

from wikisync.api.geocoder import AddressGeocoder, GeocodeError
from wikisync.config import GeocodeConfig, load_config
from wikisync.errors import ConfigError
from wikisync.store import Store
from wikisync.sync.geocode import geocode

ADDRESS = "4 rue de la Coopération, 29200 Brest"


def client(domain: str, waits: list[float] | None = None, **kw: float) -> AddressGeocoder:
    """A geocoder on the local server, its waits recorded instead of slept."""
    record = waits if waits is not None else []
    return AddressGeocoder(domain=domain, scheme="http", user_agent="wikisync-tests",
                           sleep=record.append, clock=lambda: 0.0, **kw)  # type: ignore[arg-type]


def test_lookup_found_not_found_and_low_score() -> None:
    places = {ADDRESS: (48.3904, -4.4861, 0.93), "Brest": (48.39, -4.49, 0.2)}
    with ban_server(places) as ban:
        waits: list[float] = []
        geo = client(ban.domain, waits, min_delay=0.5)
        found = geo.lookup(ADDRESS)
        assert found is not None and (found.lat, found.lon) == (48.3904, -4.4861)
        assert found.score == 0.93 and found.kind == "housenumber" and "BAN" in found.label
        assert geo.lookup("nulle part") is None
        assert geo.lookup("Brest") is None  # score under min_score
    assert ban.queries == [ADDRESS, "nulle part", "Brest"] and geo.requests == 3
    assert waits == [0.5, 0.5]  # min_delay between requests


def test_unavailable_service_is_retried_then_reported() -> None:
    with ban_server({ADDRESS: (48.39, -4.48, 0.9)}) as ban:
        ban.fail = 1
        assert client(ban.domain, min_delay=0).lookup(ADDRESS) is not None
        ban.fail = 5
        with pytest.raises(GeocodeError):
            client(ban.domain, min_delay=0, retries=1).lookup(ADDRESS)


def test_answers_are_cached_in_the_store_not_found_included(tmp_path: Path) -> None:
    key, other = ("A", "fiche", 0), ("B", "fiche", 0)
    with ban_server({ADDRESS: (48.39, -4.48, 0.9)}) as ban, Store(tmp_path / "s.sqlite") as store:
        lookup = client(ban.domain, min_delay=0).lookup
        first = geocode({key: ADDRESS, other: "nulle part"}, store, lookup)
        assert first.points == {key: (48.39, -4.48)} and first.asked == 2
        assert first.not_found == ["nulle part"]
        second = geocode({key: ADDRESS.upper(), other: "nulle  part"}, store, lookup)
        assert second.points == first.points and second.cached == 2 and second.asked == 0
        ban.fail = 10
        third = geocode({("C", "row", 1): "ailleurs"}, store,
                        client(ban.domain, min_delay=0, retries=0).lookup)
        assert third.points == {} and len(third.errors) == 1
        assert store.geocode_get("ailleurs") is None  # failures are not cached
    assert len(ban.queries) == 2 + 1


def geocode_section(tmp_path: Path, text: str) -> GeocodeConfig:
    """``[geocode]`` as ``load_config`` types and checks it from a file with this text."""
    path = tmp_path / "wikisync.toml"
    path.write_text(f"[geocode]\n{text}\n", encoding="utf-8")
    return load_config(str(path), env={}).geocode


def test_geocode_settings_are_checked(tmp_path: Path) -> None:
    settings = geocode_section(tmp_path, "write = true\nmin_delay = 1")
    assert settings.write is True and settings.min_delay == 1.0
    with pytest.raises(ConfigError):
        geocode_section(tmp_path, 'scheme = "ftp"')
    with pytest.raises(ConfigError):
        geocode_section(tmp_path, 'write = "yes"')
