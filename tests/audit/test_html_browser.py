"""The HTML report in a real headless Chromium: the table renders and the filters work."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from browser import Browser, open_browser, skip_without_browser
from wikisync.audit import Difference, sort_differences
from wikisync.audit.render import ReportContext, render_html

pytestmark = skip_without_browser

DIFFS = sort_differences([
    Difference("missing-on-wiki", "Pôle ESS de Saint-Étienne", None, detail="dataset line 26"),
    Difference("mismatch", "Pôle ESS de Grenoble", "Pôle ESS de Grenoble", "type",
               "multifonction", "association"),
    Difference("mismatch", "Maison de l'ESS de Strasbourg", "Maison de l'ESS de Strasbourg",
               "coordinates", "48.5734, 7.7521", "48.5914, 7.7521", "2002 m"),
    Difference("problem", "Pôle ESS de Reims", "Pôle ESS de Reims", "missing-type"),
    Difference("problem", None, "Pôle ESS de Nice", "broken-template", detail="{{Fiche"),
])


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """The report opened from a file in one browser for the module (no network at all)."""
    folder = tmp_path_factory.mktemp("audit-html")
    report = folder / "audit.html"
    context = ReportContext(article_base="http://wiki.invalid/w/index.php?title=")
    report.write_text(render_html(DIFFS, context), encoding="utf-8")
    with open_browser(folder / "profile") as browser:
        browser.open(report)
        yield browser


def visible_names(browser: Browser) -> list[str]:
    return [row.find_all("td")[1].text for row in browser.visible("#differences tbody tr")]


def reset(browser: Browser) -> None:
    browser.find("#filter").clear()
    browser.find('#counts button[data-kind=""]').click()


def test_table_renders_every_difference(page: Browser) -> None:
    assert page.console_errors() == []
    rows = page.visible("#differences tbody tr")
    assert len(rows) == len(DIFFS)
    assert page.find("#shown").text == "5 / 5"
    first = [cell.text for cell in rows[0].find_all("td")]
    assert first[:2] == ["absent du wiki", "Pôle ESS de Saint-Étienne"]
    link = page.find("#differences a.page")
    assert link.displayed and link.attribute("href").startswith("http://wiki.invalid/")
    history = page.find("#differences a.history")
    assert history.attribute("href").endswith("&action=history")


def test_text_filter_ignores_case_and_accents(page: Browser) -> None:
    reset(page)
    page.find("#filter").type("GRENOBLE assoc")
    assert visible_names(page) == ["Pôle ESS de Grenoble"]
    page.find("#filter").clear()
    page.find("#filter").type("etienne")
    assert visible_names(page) == ["Pôle ESS de Saint-Étienne"]
    assert page.find("#shown").text == "1 / 5"
    page.find("#filter").clear()
    page.find("#filter").type("nothing like this")
    assert visible_names(page) == []
    assert page.find("#shown").text == "0 / 5"


def test_kind_buttons_and_select_filter(page: Browser) -> None:
    reset(page)
    page.find('#counts button[data-kind="problem"]').click()
    assert visible_names(page) == ["", "Pôle ESS de Reims"]
    assert page.run("return document.getElementById('kind').value") == "problem"
    pressed = page.find('#counts button[data-kind="problem"]').attribute("aria-pressed")
    assert pressed == "true"
    page.find("#filter").type("reims")
    assert visible_names(page) == ["Pôle ESS de Reims"]
    page.find('#kind option[value="mismatch"]').click()
    assert visible_names(page) == []
    page.find("#filter").clear()
    assert sorted(visible_names(page)) == ["Maison de l'ESS de Strasbourg",
                                           "Pôle ESS de Grenoble"]
    assert page.find('#counts button[data-kind="map-extra"]').attribute("disabled") == "True"


def test_screenshot_shows_the_report(page: Browser, tmp_path: Path) -> None:
    reset(page)
    shot = page.screenshot(tmp_path / "audit.png")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
