"""The HTML map: one file, Leaflet from the CDN with SRI or inlined, and really usable.

The browser tests open the file in headless Chromium with Leaflet inlined (from npm) and no
tiles, so the page makes no request at all; they click pins and legend checkboxes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from map_samples import (
    ARTICLE_BASE,
    BRETAGNE,
    EXPECTED_COUNTS,
    EXPECTED_MISSING,
    EXPECTED_PINS,
    LORIENT,
    REPO,
    sample_wiki_records,
)

from browser import Browser
from wikisync.errors import UsageError
from wikisync.export.geo import MapData, MapSettings, map_data
from wikisync.export.htmlmap import LEAFLET_CDN, LEAFLET_SRI, render_html
from wikisync.hubs import build_hubs, page_url
from wikisync.model import Record


def sri(path: Path) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(path.read_bytes()).digest()).decode()


def embedded(settings: MapSettings, leaflet_dist: Path) -> MapSettings:
    return MapSettings(article_base=settings.article_base, tiles="", embed_assets=leaflet_dist)


# --- the file --------------------------------------------------------------------------


def test_cdn_by_default_with_subresource_integrity(data: MapData, leaflet_dist: Path) -> None:
    html = render_html(data, MapSettings())
    for name in ("leaflet.css", "leaflet.js"):
        assert LEAFLET_SRI[name] == sri(leaflet_dist / name)  # the CDN serves npm's files
        assert f'{LEAFLET_CDN}{name}" integrity="{LEAFLET_SRI[name]}" crossorigin=""' in html
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in html


def test_embedded_assets_make_no_reference_to_the_network(data: MapData,
                                                          settings: MapSettings,
                                                          leaflet_dist: Path) -> None:
    html = render_html(data, embedded(settings, leaflet_dist))
    assert "unpkg.com" not in html
    assert not re.search(r"""<(script|link|img)[^>]*(src|href)=["']https?://""", html)
    assert "url(images/" not in html  # Leaflet's CSS images became data: URIs
    assert "data:image/png;base64," in html


def test_embed_assets_accepts_the_package_folder(data: MapData, leaflet_dist: Path) -> None:
    html = render_html(data, MapSettings(embed_assets=leaflet_dist.parent))
    assert "unpkg.com" not in html


def test_embed_assets_without_leaflet_is_a_usage_error(data: MapData, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="leaflet.js"):
        render_html(data, MapSettings(embed_assets=tmp_path))


def test_page_data_cannot_close_the_script(leaflet_dist: Path) -> None:
    record = Record(title="</script><script>alert(1)</script>", source="fiche",
                    type="informel", lat=45.0, lon=5.0)
    html = render_html(map_data(build_hubs([record]), MapSettings()), MapSettings())
    assert "<script>alert(1)" not in html


def test_tiles_are_configurable(data: MapData) -> None:
    html = render_html(data, MapSettings(tiles="http://127.0.0.1:9/t/{z}/{x}/{y}.png"))
    assert "http://127.0.0.1:9/t/{z}/{x}/{y}.png" in html


# --- in the browser --------------------------------------------------------------------


@pytest.fixture(scope="module")
def map_file(tmp_path_factory: pytest.TempPathFactory, leaflet_dist: Path) -> Path:
    from map_samples import sample_records

    settings = MapSettings(article_base=ARTICLE_BASE, tiles="", embed_assets=leaflet_dist)
    path = tmp_path_factory.mktemp("carte") / "carte.html"
    path.write_text(render_html(map_data(build_hubs(sample_records()), settings), settings),
                    encoding="utf-8")
    return path


@pytest.fixture
def page(browser: Browser, map_file: Path) -> Browser:
    browser.open(map_file)
    browser.wait_for("window.carte && document.querySelectorAll('path.pin').length > 0")
    return browser


def visible_pins(page: Browser, type_key: str | None = None) -> int:
    selector = f'path.pin[data-type="{type_key}"]' if type_key else "path.pin"
    return len(page.visible(selector))


def test_one_marker_per_pin(page: Browser) -> None:
    assert visible_pins(page) == EXPECTED_PINS
    for key, count in EXPECTED_COUNTS.items():
        assert visible_pins(page, key) == count


def test_pins_have_their_type_colour_and_white_pins_an_outline(page: Browser) -> None:
    colours = page.run("return [...document.querySelectorAll('path.pin')].map("
                       "p => [p.dataset.type, p.getAttribute('fill'), p.getAttribute('stroke')]);")
    expected = {"association": "#2e9e44", "hebergement": "#2b6cb0", "multifonction": "#ed8936",
                "projet": "#ecc94b", "informel": "#ffffff", "inconnu": "#888888"}
    for type_key, fill, stroke in colours:
        assert fill == expected[type_key]
        assert stroke == "#333"


def test_legend_shows_each_type_with_its_count(page: Browser) -> None:
    entries = {e.attribute("data-type"): e for e in page.find_all(".legende label")}
    assert list(entries) == [*EXPECTED_COUNTS, "inconnu"]
    for key, count in EXPECTED_COUNTS.items():
        assert entries[key].find_all(".nombre")[0].text == str(count)
    assert entries["association"].find_all(".libelle")[0].text.lower() == (
        "association de développement")
    missing = page.find(".legende details")
    missing.find_all("summary")[0].click()
    listed = {li.text for li in missing.find_all("li")}
    assert {name.split(" (")[0] for name in listed} == EXPECTED_MISSING


POPUP_SHOWN = ("document.querySelector('.leaflet-popup-content') && "
               "getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")


def click_pin(page: Browser, hub_key: str) -> None:
    """Click a pin, and wait until its popup has faded in (hidden text reads as empty)."""
    page.find(f'path.pin[data-id="{hub_key}"]').click()
    page.wait_for(POPUP_SHOWN)


def close_popup(page: Browser) -> None:
    page.find(".leaflet-popup-close-button").click()
    page.wait_for("!document.querySelector('.leaflet-popup')")


def test_clicking_a_pin_opens_its_popup_with_the_fiche_link(page: Browser) -> None:
    click_pin(page, "pole-de-cooperation-solidaire-du-pays-de-lorient")
    popup = page.find(".leaflet-popup-content")
    assert popup.find_all(".nom")[0].text == LORIENT
    assert popup.find_all(".type")[0].text == "association de développement"
    assert popup.find_all(".commune")[0].text == "Lorient"
    link = popup.find_all("a.lien")[0]
    assert link.attribute("href") == page_url(ARTICLE_BASE, LORIENT)
    assert link.text == "Voir la fiche"
    close_popup(page)


def test_row_only_pin_links_to_its_region_page(page: Browser) -> None:
    click_pin(page, "collectif-ess-du-centre-bretagne")
    link = page.find(".leaflet-popup-content a.lien")
    assert link.attribute("href") == page_url(ARTICLE_BASE, BRETAGNE)
    close_popup(page)


def test_type_filter_hides_that_type_only(page: Browser) -> None:
    checkbox = page.find('.legende label[data-type="informel"] input')
    checkbox.click()
    page.wait_for("document.querySelectorAll('path.pin[data-type=informel]').length === 0")
    assert visible_pins(page) == EXPECTED_PINS - EXPECTED_COUNTS["informel"]
    assert visible_pins(page, "association") == EXPECTED_COUNTS["association"]
    page.find('.legende label[data-type="projet"] .libelle').click()  # the label toggles too
    page.wait_for("document.querySelectorAll('path.pin[data-type=projet]').length === 0")
    assert visible_pins(page) == EXPECTED_PINS - EXPECTED_COUNTS["informel"] - 2
    checkbox.click()
    page.wait_for("document.querySelectorAll('path.pin[data-type=informel]').length === 3")


def test_the_page_made_no_request_and_no_error(page: Browser) -> None:
    urls = page.run("return performance.getEntriesByType('resource').map(e => e.name);")
    assert [u for u in urls if not u.startswith(("data:", "file:"))] == []
    assert page.console_errors() == []


def test_names_are_text_not_markup(browser: Browser, tmp_path: Path,
                                   leaflet_dist: Path) -> None:
    record = Record(title='<img src=x onerror="window.pwned=1">', source="fiche",
                    type="informel", lat=45.0, lon=5.0, commune="<b>Lyon</b>")
    settings = MapSettings(article_base=ARTICLE_BASE, tiles="", embed_assets=leaflet_dist)
    path = tmp_path / "xss.html"
    path.write_text(render_html(map_data(build_hubs([record]), settings), settings), "utf-8")
    browser.open(path)
    browser.wait_for("document.querySelector('path.pin')")
    browser.find("path.pin").click()
    browser.wait_for(POPUP_SHOWN)
    assert browser.find(".leaflet-popup-content .nom").text == record.title
    assert browser.find_all(".leaflet-popup-content img") == []
    assert browser.run("return window.pwned === undefined;")


def test_screenshot(page: Browser, artifacts: Path) -> None:
    """A picture of the map with one popup open, in ``artifacts/``."""
    click_pin(page, "pole-ess-du-pays-de-morlaix")
    shot = page.screenshot(artifacts / "carte.png")
    assert shot.stat().st_size > 10_000
    close_popup(page)


def test_sample_wiki_map_in_the_browser(browser: Browser, tmp_path: Path, leaflet_dist: Path,
                                        artifacts: Path) -> None:
    """The map of ``examples/samples``: every pin shows; its picture is ``docs/carte.png``."""
    settings = MapSettings(article_base=ARTICLE_BASE, tiles="", embed_assets=leaflet_dist)
    data = map_data(build_hubs(sample_wiki_records()), settings)
    path = tmp_path / "carte.html"
    path.write_text(render_html(data, settings), encoding="utf-8")
    browser.open(path)
    browser.wait_for("document.querySelectorAll('path.pin').length > 0")
    assert visible_pins(browser) == len(data.pins)
    counts = {e.attribute("data-type"): int(e.find_all(".nombre")[0].text)
              for e in browser.find_all(".legende label")}
    assert sum(counts.values()) == len(data.pins)
    click_pin(browser, "pole-ess-de-toulouse")
    shot = browser.screenshot(artifacts / "carte-exemples.png")
    if os.environ.get("WIKISYNC_UPDATE_DOCS"):
        shutil.copyfile(shot, REPO / "docs" / "carte.png")


def test_map_data_is_json_in_the_page(map_file: Path) -> None:
    html = map_file.read_text(encoding="utf-8")
    match = re.search(r'<script type="application/json" id="carte-donnees">(.*?)</script>',
                      html, re.S)
    assert match is not None
    payload = json.loads(match.group(1))
    assert len(payload["pins"]) == EXPECTED_PINS
    assert {hub["name"] for hub in payload["missing"]} == EXPECTED_MISSING
