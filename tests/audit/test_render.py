"""Report formats: JSON and CSV round-trip, text counts, wikitext tables, HTML self-contained."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser

import mwparserfromhell

from wikisync.audit import Difference, sort_differences
from wikisync.audit.render import (
    ReportContext,
    history_url,
    render_csv,
    render_html,
    render_json,
    render_text,
    render_wikitext,
    summary_line,
    wiki_cell,
)

DIFFS = sort_differences([
    Difference("mismatch", "Pôle | A", "Pôle A", "website", "http://a.example.org",
               "http://b.example.org", None),
    Difference("mismatch", "Pôle A", "Pôle A", "coordinates", "48.1, -4.2", "48.2, -4.2",
               "11119 m"),
    Difference("missing-on-wiki", "<b>Pôle B</b>", None, detail="dataset line 3"),
    Difference("problem", "Pôle C", "Pôle C", "bad-url", detail="[[pas]] {{de}} site"),
    Difference("problem", None, "Cassée", "broken-template", detail="{{Fiche"),
])
CONTEXT = ReportContext(article_base="http://wiki.test/w/index.php?title=",
                        sources={"dataset": "pôles.csv"})


def test_json_is_the_public_list() -> None:
    data = json.loads(render_json(DIFFS))
    assert data == [d.to_dict() for d in DIFFS]
    assert data[0] == {"kind": "missing-on-wiki", "name": "<b>Pôle B</b>", "title": None,
                       "field": None, "wiki": None, "dataset": None,
                       "detail": "dataset line 3"}
    assert render_json([]) == "[]\n"


def test_csv_round_trips() -> None:
    rows = list(csv.DictReader(io.StringIO(render_csv(DIFFS))))
    assert len(rows) == len(DIFFS)
    assert rows[1] == {"kind": "mismatch", "name": "Pôle A", "title": "Pôle A",
                       "field": "coordinates", "wiki": "48.1, -4.2", "dataset": "48.2, -4.2",
                       "detail": "11119 m"}
    assert rows[0]["title"] == ""


def test_text_has_one_line_per_difference_and_counts() -> None:
    text = render_text(DIFFS)
    assert text.rstrip().endswith(
        "5 différences : absent du wiki 1, valeur différente 2, problème 2")
    assert "11119 m" in text and "modèle mal fermé" in text
    assert "ligne 3 du jeu de données" in text and "coordonnées" in text
    assert render_text([]).strip() == "aucune différence"
    assert summary_line(DIFFS[:1]) == "1 difference: missing-on-wiki 1"  # the CLI's line


def test_wiki_cell_escapes_table_syntax() -> None:
    assert wiki_cell(None) == ""
    assert wiki_cell("a | b") == "a &#124; b"
    assert wiki_cell("[[x]]").startswith("<nowiki>")


def cells_by_row(wikitext: str) -> list[list[str]]:
    """Data rows of every wikitable, as parsed by mwparserfromhell, as cell texts."""
    code = mwparserfromhell.parse(wikitext)
    rows = []
    for tag in code.filter_tags(matches=lambda n: str(n.tag) == "tr"):
        cells = [str(c.contents).strip() for c in tag.contents.filter_tags(
            recursive=False, matches=lambda n: str(n.tag) == "td")]
        if cells:
            rows.append(cells)
    return rows


def test_wikitext_tables_keep_their_shape() -> None:
    text = render_wikitext(DIFFS, CONTEXT)
    assert "'''5 différences'''" in text
    assert "== Valeur différente ==" in text and "== Problème ==" in text
    rows = cells_by_row(text)
    counts, details = rows[:3], rows[3:]
    assert counts == [["absent du wiki", "1"], ["valeur différente", "2"], ["problème", "2"]]
    assert all(len(row) == 6 for row in details), details
    assert len(details) == len(DIFFS)
    piped = [row for row in details if row[0] == "Pôle &#124; A"]
    assert piped == [["Pôle &#124; A", "[[:Pôle A]]", "site web", "http://a.example.org",
                      "http://b.example.org", ""]]
    assert ["Pôle A", "[[:Pôle A]]", "coordonnées", "48.1, -4.2", "48.2, -4.2",
            "11119 m"] in details
    assert ["", "[[:Cassée]]", "modèle mal fermé", "", "", "<nowiki>{{Fiche</nowiki>"] in details
    assert ["<nowiki>&lt;b>Pôle B&lt;/b></nowiki>", "", "", "", "",
            "ligne 3 du jeu de données"] in details
    assert render_wikitext(DIFFS, CONTEXT) == text  # deterministic: publishable when changed


class Collector(HTMLParser):
    """Collects the tags and attributes of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_self_contained_with_page_and_history_links() -> None:
    page = render_html(DIFFS, CONTEXT)
    parsed = Collector()
    parsed.feed(page)
    tags = parsed.tags
    assert not [a for t, a in tags if t in ("script", "img", "iframe") and a.get("src")]
    assert not [t for t, _ in tags if t == "link"]
    assert "url(" not in page and "@import" not in page
    hrefs = [a["href"] for t, a in tags if t == "a"]
    assert "http://wiki.test/w/index.php?title=P%C3%B4le_A" in hrefs
    assert "http://wiki.test/w/index.php?title=P%C3%B4le_A&action=history" in hrefs
    assert "http://wiki.test/w/index.php?title=Cass%C3%A9e&action=history" in hrefs
    rows = [a for t, a in tags if t == "tr" and "data-kind" in a]
    assert [r["data-kind"] for r in rows] == [d.kind for d in DIFFS]
    assert "<b>Pôle B</b>" in "".join(parsed.text)  # escaped text, not markup
    assert "&lt;b&gt;Pôle B&lt;/b&gt;" in page


def test_html_without_wiki_url_has_no_links_and_empty_report() -> None:
    page = render_html(DIFFS)
    assert "<a " not in page
    empty = render_html([])
    assert 'id="empty"' in empty and "<table" not in empty


def test_history_url() -> None:
    assert history_url("http://w/index.php?title=A") == "http://w/index.php?title=A&action=history"
    assert history_url("http://w/wiki/A") == "http://w/wiki/A?action=history"
