"""Fixtures of the map tests: sample hubs, settings, a Leaflet folder, offline Chromium."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from map_samples import ARTICLE_BASE, REPO, sample_records

from browser import Browser, have_browser, open_browser
from wikisync.export.geo import MapData, MapSettings, map_data
from wikisync.export.htmlmap import shipped_leaflet
from wikisync.hubs import Hub, build_hubs
from wikisync.model import Record


@pytest.fixture
def records() -> list[Record]:
    return sample_records()


@pytest.fixture
def hubs(records: list[Record]) -> list[Hub]:
    return build_hubs(records)


@pytest.fixture
def settings() -> MapSettings:
    """Links to a wiki on 127.0.0.1, no tiles: nothing leaves the machine."""
    return MapSettings(article_base=ARTICLE_BASE, tiles="")


@pytest.fixture
def data(hubs: list[Hub], settings: MapSettings) -> MapData:
    return map_data(hubs, settings)


@pytest.fixture(scope="session")
def leaflet_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A user's Leaflet 1.9.4 ``dist/`` folder: a copy of the one wikisync ships."""
    folder = tmp_path_factory.mktemp("leaflet") / "package" / "dist"
    shutil.copytree(shipped_leaflet(), folder)
    return folder


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """A headless Chromium with no network; missing Chromium is a failure, not a skip."""
    if not have_browser():
        pytest.fail("the map tests need Debian packages chromium and chromium-driver")
    with open_browser(tmp_path_factory.mktemp("chromium"), offline=True) as opened:
        yield opened


@pytest.fixture
def artifacts() -> Path:
    """``artifacts/`` at the repository root (gitignored): screenshots of the test run."""
    folder = REPO / "artifacts"
    folder.mkdir(exist_ok=True)
    return folder
