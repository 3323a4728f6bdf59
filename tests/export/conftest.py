"""Fixtures of the map tests: sample hubs, settings, Leaflet from npm, headless Chromium."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from map_samples import ARTICLE_BASE, REPO, sample_records

from browser import Browser, have_browser, open_browser
from wikisync.export.geo import MapData, MapSettings, map_data
from wikisync.hubs import Hub, build_hubs
from wikisync.model import Record

LEAFLET = "leaflet@1.9.4"


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
    """Leaflet 1.9.4's ``dist/`` from the npm registry (``npm pack``), never from a CDN."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is needed to fetch leaflet@1.9.4 (Debian package npm)")
    folder = tmp_path_factory.mktemp("leaflet")
    subprocess.run([npm, "pack", LEAFLET, "--silent"], cwd=folder, check=True,
                   capture_output=True, timeout=300)
    tarball = next(folder.glob("leaflet-*.tgz"))
    with tarfile.open(tarball) as archive:
        archive.extractall(folder, filter="data")
    return folder / "package" / "dist"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """A headless Chromium; missing Chromium is a failure, not a skip."""
    if not have_browser():
        pytest.fail("the map tests need Debian packages chromium and chromium-driver")
    with open_browser(tmp_path_factory.mktemp("chromium")) as opened:
        yield opened


@pytest.fixture
def artifacts() -> Path:
    """``artifacts/`` at the repository root (gitignored): screenshots of the test run."""
    folder = REPO / "artifacts"
    folder.mkdir(exist_ok=True)
    return folder
