"""The HTML map: one self-contained file (Leaflet and the outline of France inlined).

The browser tests open the file in headless Chromium cut off from the network: the map
must show its pins over the Natural Earth outline, and say that the tiles did not load.
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
from wikisync.export.htmlmap import (
    LEAFLET_CDN,
    LEAFLET_SRI,
    OUTLINE,
    outline,
    render_html,
    shipped_leaflet,
)
from wikisync.hubs import build_hubs, page_url
from wikisync.model import Record
from wikisync.resources import assets_dir


def sri(path: Path) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(path.read_bytes()).digest()).decode()


def embedded(settings: MapSettings, leaflet_dist: Path) -> MapSettings:
    return MapSettings(article_base=settings.article_base, tiles="", embed_assets=leaflet_dist)


# --- the file --------------------------------------------------------------------------


NETWORK_REFERENCE = re.compile(r"""<(script|link|img)[^>]*(src|href)=["']https?://""")


def test_shipped_leaflet_is_npm_leaflet_1_9_4_with_its_licence() -> None:
    for name in ("leaflet.css", "leaflet.js"):
        assert sri(shipped_leaflet() / name) == LEAFLET_SRI[name]  # the files unpkg serves
    licence = (shipped_leaflet() / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("BSD 2-Clause License") and "Volodymyr Agafonkin" in licence
    assert "Natural Earth" in (assets_dir() / "ATTRIBUTION.md").read_text(encoding="utf-8")


def test_inline_by_default_one_file_without_network_reference(data: MapData) -> None:
    html = render_html(data, MapSettings())
    assert "unpkg.com" not in html
    assert not NETWORK_REFERENCE.search(html)
    assert "data:image/png;base64," in html  # Leaflet's CSS images became data: URIs
    assert 'id="carte-contour"' in html
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in html  # tiles, when they load


def test_cdn_links_unpkg_with_subresource_integrity(data: MapData) -> None:
    html = render_html(data, MapSettings(cdn=True))
    for name in ("leaflet.css", "leaflet.js"):
        assert f'{LEAFLET_CDN}{name}" integrity="{LEAFLET_SRI[name]}" crossorigin=""' in html
    assert "L.map=" not in html.replace(" ", "")  # Leaflet itself is not inlined
    assert 'id="carte-contour"' in html  # the outline is data: always in the file


def test_cdn_and_embed_assets_together_is_a_usage_error(data: MapData,
                                                        leaflet_dist: Path) -> None:
    with pytest.raises(UsageError, match="--cdn"):
        render_html(data, MapSettings(cdn=True, embed_assets=leaflet_dist))


def _bounds(feature: dict[str, object]) -> tuple[float, float, float, float]:
    points = [pt for polygon in feature["geometry"]["coordinates"]  # type: ignore[index]
              for ring in polygon for pt in ring]
    lons, lats = [pt[0] for pt in points], [pt[1] for pt in points]
    return min(lons), min(lats), max(lons), max(lats)


def test_outline_is_small_geojson_of_france_and_its_overseas_departments() -> None:
    assert (assets_dir() / OUTLINE).stat().st_size < 200_000
    collection = outline()
    assert collection["type"] == "FeatureCollection"
    france = [f for f in collection["features"] if f["properties"]["role"] == "france"]
    assert len(france) == 1
    west, south, east, north = _bounds(france[0])
    assert west < -54 and east > 55  # French Guiana and Réunion
    assert south < -20 and north > 51  # Réunion and Dunkerque
    neighbours = {f["properties"]["nom"] for f in collection["features"]} - {"France"}
    assert {"Spain", "Belgium", "Germany", "Italy", "Switzerland"} <= neighbours
    for feature in collection["features"]:
        if feature["properties"]["role"] == "voisin":
            w, s, e, n = _bounds(feature)
            assert w >= -12 and s >= 35 and e <= 19 and n <= 59  # clipped to the west


def test_embedded_assets_make_no_reference_to_the_network(data: MapData,
                                                          settings: MapSettings,
                                                          leaflet_dist: Path) -> None:
    html = render_html(data, embedded(settings, leaflet_dist))
    assert "unpkg.com" not in html
    assert not NETWORK_REFERENCE.search(html)
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
def map_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample map as shipped (Leaflet inlined), without tiles: it makes no request."""
    from map_samples import sample_records

    settings = MapSettings(article_base=ARTICLE_BASE, tiles="")
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


def test_no_tiles_no_offline_note_but_the_outline(page: Browser) -> None:
    assert page.find_all("path.contour-france")
    assert page.find_all(".hors-ligne") == []


def test_a_user_leaflet_folder_works_the_same(browser: Browser, tmp_path: Path, data: MapData,
                                              settings: MapSettings,
                                              leaflet_dist: Path) -> None:
    path = tmp_path / "carte.html"
    path.write_text(render_html(data, embedded(settings, leaflet_dist)), encoding="utf-8")
    browser.open(path)
    browser.wait_for("document.querySelectorAll('path.pin').length > 0")
    assert visible_pins(browser) == EXPECTED_PINS


OFFLINE_NOTE_SHOWN = "document.querySelector('.hors-ligne')"


@pytest.fixture
def offline_page(browser: Browser, tmp_path: Path, data: MapData) -> Browser:
    """The map as ``wikisync export --format html`` writes it (OSM tiles), opened offline."""
    settings = MapSettings(article_base=ARTICLE_BASE)
    path = tmp_path / "carte.html"
    path.write_text(render_html(data, settings), encoding="utf-8")
    browser.console_errors()  # forget earlier pages' entries
    browser.open(path)
    browser.wait_for("document.querySelectorAll('path.pin').length > 0")
    browser.wait_for(OFFLINE_NOTE_SHOWN, timeout=15)
    return browser


def test_offline_the_pins_show_over_the_outline_with_a_note(offline_page: Browser) -> None:
    assert visible_pins(offline_page) == EXPECTED_PINS
    france = offline_page.find_all("path.contour-france")
    assert len(france) == 1 and france[0].displayed
    assert len(france[0].attribute("d") or "") > 1000  # a real outline, not a dot
    assert len(offline_page.find_all("path.contour-voisin")) > 5
    note = offline_page.find(".hors-ligne")
    assert note.displayed
    assert note.text.startswith("Le fond de carte en ligne n’a pas pu être chargé")
    assert "Natural Earth" in offline_page.find(".leaflet-control-attribution").text


def test_offline_the_outline_is_under_the_tiles_and_the_pins(offline_page: Browser) -> None:
    z = offline_page.run(
        "const z = s => Number(getComputedStyle(document.querySelector(s)).zIndex);"
        "return [z('.leaflet-contour-pane'), z('.leaflet-tile-pane'),"
        " z('.leaflet-overlay-pane')];")
    assert z[0] < z[1] < z[2]
    tiles = offline_page.run("return document.querySelectorAll('.leaflet-tile').length;")
    assert tiles > 0  # the tiles were asked for: they show on top when the network allows


def test_offline_only_the_tiles_failed(offline_page: Browser) -> None:
    errors = offline_page.console_errors()
    assert errors, "the tiles should have failed to load"
    assert [e for e in errors if "tile.openstreetmap.org" not in e] == []


def test_names_are_text_not_markup(browser: Browser, tmp_path: Path) -> None:
    record = Record(title='<img src=x onerror="window.pwned=1">', source="fiche",
                    type="informel", lat=45.0, lon=5.0, commune="<b>Lyon</b>")
    settings = MapSettings(article_base=ARTICLE_BASE, tiles="")
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


def test_sample_wiki_map_in_the_browser(browser: Browser, tmp_path: Path,
                                        artifacts: Path) -> None:
    """The map of ``examples/samples``, offline: its picture is ``docs/carte.png``."""
    settings = MapSettings(article_base=ARTICLE_BASE)
    data = map_data(build_hubs(sample_wiki_records()), settings)
    path = tmp_path / "carte.html"
    path.write_text(render_html(data, settings), encoding="utf-8")
    browser.open(path)
    browser.wait_for("document.querySelectorAll('path.pin').length > 0")
    browser.wait_for(OFFLINE_NOTE_SHOWN, timeout=15)
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
