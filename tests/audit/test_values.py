"""How values compare: distances, websites, départements."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wikisync.comparisons import (
    coordinates_text,
    departement_code,
    distance_m,
    same_departement,
    same_website,
    website_key,
)


def test_known_distances() -> None:
    # one degree of latitude is R * pi / 180 on the haversine sphere
    assert distance_m(48.0, 2.0, 49.0, 2.0) == pytest.approx(6_371_008.8 * math.pi / 180)
    # Paris (Notre-Dame) to Lyon (Bellecour): about 392 km
    assert distance_m(48.8530, 2.3499, 45.7578, 4.8320) == pytest.approx(392_000, rel=0.01)
    assert distance_m(10, 179.9, 10, -179.9) == pytest.approx(21_900, rel=0.01)


lats = st.floats(-90, 90)
lons = st.floats(-180, 180)


@given(lats, lons, lats, lons)
def test_distance_is_symmetric_and_bounded(a: float, b: float, c: float, d: float) -> None:
    one, other = distance_m(a, b, c, d), distance_m(c, d, a, b)
    assert one == pytest.approx(other, abs=1e-6)
    assert 0 <= one <= math.pi * 6_371_008.8 + 1


@pytest.mark.parametrize(("a", "b"), [
    ("http://www.example.org", "https://example.org/"),
    ("HTTP://WWW.EXAMPLE.ORG/Path/", "example.org/Path"),
    ("//example.org", "http://example.org:80"),
    ("https://example.org:443/a?x=1#top", "http://example.org/a?x=1"),
])
def test_same_website(a: str, b: str) -> None:
    assert same_website(a, b)


@pytest.mark.parametrize(("a", "b"), [
    ("http://example.org/path", "http://example.org/Path"),  # path case matters
    ("http://example.org", "http://example.fr"),
    ("http://a.example.org", "http://example.org"),
    ("http://example.org/a?x=1", "http://example.org/a?x=2"),
    ("http://example.org:8080", "http://example.org"),
])
def test_different_websites(a: str, b: str) -> None:
    assert not same_website(a, b)


def test_website_key() -> None:
    assert website_key(" https://WWW.Pole.example.org/ess/ ") == "pole.example.org/ess"


@pytest.mark.parametrize(("value", "code"), [
    ("29", "29"), ("Finistère", "29"), ("finistere", "29"), ("Finistère (29)", "29"),
    ("2a", "2A"), ("Corse-du-Sud", "2A"), ("Côtes d’Armor", "22"), ("974", "974"),
    ("9", "09"), ("Ariège", "09"), ("Atlantide", None), ("99", None), ("29200", None),
])
def test_departement_code(value: str, code: str | None) -> None:
    assert departement_code(value) == code


def test_same_departement() -> None:
    assert same_departement("35", "Ille-et-Vilaine")
    assert not same_departement("35", "Finistère")
    assert same_departement("Atlantide", "atlantide")


def test_coordinates_text() -> None:
    assert coordinates_text(48.39, -4.4900004) == "48.39, -4.49"
    assert coordinates_text(-0.0000001, 0) == "0, 0"
    assert coordinates_text(48.1, None) is None
