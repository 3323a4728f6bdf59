"""The message catalog: French complete, English the same keys, no English in French output."""

from __future__ import annotations

import io
import re
import string
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rich.console import Console

from wikisync.audit import Difference, sort_differences
from wikisync.audit.publish import namespace_warning
from wikisync.audit.render import (
    TEXT_COLUMNS,
    ReportContext,
    render_html,
    render_text,
    render_wikitext,
)
from wikisync.config import Config, MapConfig, WikiConfig
from wikisync.export.geo import MapSettings, map_data
from wikisync.export.htmlmap import page_data
from wikisync.generate.lists import ListRenderer
from wikisync.generate.mappage import render_map_page
from wikisync.generate.templates import environment
from wikisync.hubs import build_hubs
from wikisync.i18n import (
    CATALOGS,
    LANGUAGE_META,
    NUMERIC,
    choose_language,
    detail_patterns,
    for_wiki,
    messages,
    placeholders,
)
from wikisync.schema import DEFAULT_TYPES, Schema

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "audit"))
from test_samples_audit import run, sample_wiki  # noqa: E402

FR, EN = CATALOGS["fr"], CATALOGS["en"]
FRENCH = messages("fr", DEFAULT_TYPES)
ENGLISH = messages("en", DEFAULT_TYPES)
# Differences the samples do not produce, built as the audit's code builds them.
MORE = [
    Difference("inconsistent", "Pôle A", "Pôle A", "coordinates", "48.1, -4.2", "48.2, -4.2",
               "row on Bretagne, 11119 m"),
    Difference("inconsistent", "Pôle A", "Pôle A", "type", "association", "projet",
               "row on Bretagne"),
    Difference("inconsistent", "Pôle N", "Pôle N (Brest)", "fiche", "Pôle N (Brest)", "Pôle N",
               "two fiches for one hub"),
    Difference("inconsistent", "Pôle O", "Bretagne", "fiche", "Pôle O", None, "no such page"),
    Difference("inconsistent", "Pôle P", "Bretagne", "fiche", "Accueil", None,
               "the page has no Fiche initiative infobox"),
    Difference("map-mismatch", "Pôle A", "Pôle A", "colour", "#2b6cb0", "#ff0000",
               "type hebergement"),
    Difference("map-mismatch", "Pôle A", "Pôle A", "link", "Pôle A", "http://x.example.org",
               "should lead to the fiche"),
    Difference("map-mismatch", "Pôle B", None, "link", None, None, "the hub has no link"),
    Difference("map-extra", "Pôle Z", None, None, None, "map feature 3"),
    Difference("problem", None, None, "bad-pin", None, "map feature 4", "the pin has no name"),
    Difference("problem", "Pôle Q", None, "duplicate-row", None, "line 9 (sheet Pôles)",
               "same hub as line 4 (sheet Pôles)"),
    Difference("problem", "Pôle R", None, "bad-coordinates", None, "feature 2",
               "geometry is not a valid Point"),
    Difference("problem", None, "Deux", "two-infoboxes", detail="2 infoboxes"),
    Difference("problem", None, "Refus", "nobots", detail="{{bots|allow}} does not name us"),
    Difference("conflict-kept", "Pôle A", "Pôle A", "carte", "http://a", "http://b",
               "changed-by-person, run 3, r12"),
]


class Visible(HTMLParser):
    """The text a person sees on an HTML page (no script, no style, no attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in ("script", "style")
        placeholder = dict(attrs).get("placeholder")
        if placeholder:
            self.parts.append(placeholder)

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    """The visible text of an HTML page."""
    parser = Visible()
    parser.feed(html)
    return " ".join(parser.parts)


def english_leaks(text: str) -> list[tuple[str, str]]:
    """English catalog texts (not also French) found in ``text``, as (key, words)."""
    found = []
    for key, english in EN.items():
        if english == FR[key]:
            continue
        for literal, _, _, _ in string.Formatter().parse(english):
            words = literal.strip(" :,.()!?;")
            if len(words) >= 4 and words not in FR[key] and re.search(
                    rf"(?<![\w-]){re.escape(words)}(?![\w-])", text):
                found.append((key, words))
    return found


def all_diffs() -> list[Difference]:
    """The samples' audit (CSV and GeoJSON datasets) and the builders' other details."""
    return sort_differences(run("dataset.csv") + run("dataset.geojson") + MORE)


def test_french_and_english_have_the_same_keys_and_placeholders() -> None:
    assert set(FR) == set(EN)
    assert {k: sorted(placeholders(v)) for k, v in FR.items()} == {
        k: sorted(placeholders(v)) for k, v in EN.items()}
    assert all(value.strip() for value in (*FR.values(), *EN.values()))


CALLS = re.compile(r"""\b(?:t|m|self\.m|messages\([^()]*\)|for_wiki\([^()]*\))"""
                   r"""\(\s*f?["']([a-z][\w.-]*)""")
COUNTS = re.compile(r"""\b(?:t|m)\.count\(\s*["']([a-z][\w.-]*)["']""")


def used_keys() -> set[str]:
    """Every literal message key the source and the shipped templates pass to the catalog."""
    keys: set[str] = set()
    files = [*(ROOT / "src" / "wikisync").rglob("*.py"), *(ROOT / "templates").glob("*.j2")]
    for path in files:
        text = path.read_text(encoding="utf-8")
        keys.update(CALLS.findall(text))
        keys.update(f"{key}.{n}" for key in COUNTS.findall(text) for n in ("one", "many"))
    return keys


def test_every_message_used_in_the_code_exists_in_both_languages() -> None:
    keys = used_keys()
    assert len(keys) > 40  # the scan does find the calls
    prefixes = {k for k in keys if k.endswith(".")}  # t("audit.col." ~ column), f"map.link.{…}"
    assert prefixes >= {"audit.col.", "map.link."}
    assert sorted(k for k in keys - prefixes if k not in FR or k not in EN) == []
    assert all(any(k.startswith(p) for k in FR) for p in prefixes)
    for column in TEXT_COLUMNS:
        assert f"audit.col.{column}" in FR
    for kind in ("fiche", "region", "website"):
        assert f"map.link.{kind}" in FR


def test_every_english_detail_reads_back_in_french() -> None:
    for key, _ in detail_patterns():
        values = {name: "7" if name in NUMERIC else f"X{i}"
                  for i, name in enumerate(placeholders(EN[key]))}
        assert FRENCH.detail(EN[key].format(**values)) == FR[key].format(**values), key


def test_the_brief_s_examples() -> None:
    assert FRENCH.detail("dataset line 26") == "ligne 26 du jeu de données"
    assert FRENCH.detail("missing on the wiki") == "absent du wiki"
    assert FRENCH.detail("site web given 2 times") == "site web donné 2 fois"
    assert FRENCH.field("coordinates") == "coordonnées" and FRENCH.field("website") == "site web"
    assert FRENCH.type_label("hebergement") == "espace d'hébergement"
    assert FRENCH.type_label("multifonction") == "centre multi-fonctions"
    assert FRENCH.detail("http://pas-un-motif.example.org") == "http://pas-un-motif.example.org"


@pytest.mark.parametrize("render", [render_text, render_html, render_wikitext])
def test_the_audit_in_french_has_no_english(render: object) -> None:
    context = ReportContext(article_base="http://wiki.test/index.php?title=",
                            sources={"dataset": "pôles.csv", "map": "carte.geojson"})
    if render is render_text:
        wide = Console(file=io.StringIO(), width=600, no_color=True, highlight=False)
        out = render_text(all_diffs(), context, console=wide) or wide.file.getvalue()
    else:
        out = render(all_diffs(), context)  # type: ignore[operator]
    shown = visible(out) if out.startswith("<!DOCTYPE") else out
    assert english_leaks(shown) == []
    for french in ("ligne 26 du jeu de données", "absent du wiki", "site web donné 2 fois",
                   "coordonnées", "espace d'hébergement", "ligne de la page Bretagne, 11119 m",
                   "objet 3 de la carte", "modifié par un contributeur, passage 3, r12",
                   "type espace d'hébergement", "devrait mener à la fiche"):
        assert french in out.replace("&#39;", "'"), french


def test_the_audit_for_an_english_wiki_is_english() -> None:
    context = ReportContext(messages=ENGLISH)
    out = render_wikitext(all_diffs(), context)
    assert "== Missing on the wiki ==" in out and "dataset line 26" in out
    assert "site web given 2 times" in out and "| coordinates |" in out
    assert "espace d'hébergement" in out  # the legend's label: the wiki's own word
    assert "absent du wiki" not in out and "différence" not in out
    assert render_text([], context).strip() == "no difference"
    assert ("kind.missing-on-wiki", "missing on the wiki") in english_leaks(out)  # it can fail


def sample_hubs() -> list:
    """The sample wiki's hubs."""
    return build_hubs(sample_wiki()[0], DEFAULT_TYPES)


@pytest.mark.parametrize("region", ["", "Bretagne", "Nulle part", "type=inconnu"])
def test_list_blocks_in_french_have_no_english(region: str) -> None:
    renderer = ListRenderer(environment(None, FRENCH), Schema(), sample_hubs())
    params = {"type": "inconnu"} if region.startswith("type=") else \
        {"région": region} if region else {}
    body, _ = renderer.body(params)
    assert body and english_leaks(body) == []
    english, _ = ListRenderer(environment(None, ENGLISH), Schema(), sample_hubs()).body(params)
    assert english != body


def test_a_list_for_an_english_wiki_is_english() -> None:
    body, _ = ListRenderer(environment(None, ENGLISH), Schema(), sample_hubs()).body({})
    assert "hubs''' in this list." in body and "! Hub !! Type !! Town !! Website" in body
    french, _ = ListRenderer(environment(None, FRENCH), Schema(), sample_hubs()).body({})
    assert "pôles''' dans cette liste." in french and "! Pôle !! Type !! Commune !! Site" in french


@pytest.mark.parametrize("extension", ["kartographer", "maps"])
def test_the_map_page_in_french_has_no_english(extension: str) -> None:
    config = Config(map=MapConfig(extension=extension))
    page = render_map_page(sample_hubs(), config)
    prose = re.sub(r"(?s)<mapframe.*?</mapframe>", "", page)  # GeoJSON keys are no prose
    assert "== Légende ==" in page and english_leaks(prose) == []
    english = render_map_page(sample_hubs(), Config(wiki=WikiConfig(language="en"),
                                                    map=MapConfig(extension=extension)))
    assert "== Legend ==" in english and "hub(s) without coordinates" in english


def test_map_popups_follow_the_language() -> None:
    for language, link in (("fr", "Voir la fiche"), ("en", "See the hub's page")):
        config = Config(wiki=WikiConfig(language=language))
        settings = MapSettings.from_config(config)
        text = page_data(map_data(sample_hubs(), settings), settings)["text"]
        assert text["links"]["fiche"] == link
    french = page_data(map_data(sample_hubs(), MapSettings()), MapSettings())["text"]
    assert english_leaks(" ".join([*french["links"].values(), french["offline"],
                                   french["missing"]])) == []


class MetaStore:
    """The store's meta table, in memory."""

    def __init__(self) -> None:
        self.meta: dict[str, str | None] = {}

    def get_meta(self, key: str) -> str | None:
        return self.meta.get(key)

    def set_meta(self, key: str, value: str | None) -> None:
        self.meta[key] = value


def test_the_language_is_the_config_s_then_the_wiki_s_then_french() -> None:
    assert choose_language(None) == "fr" and choose_language("en-gb") == "en"
    assert choose_language(None, "fr-ca") == "fr" and choose_language(None, "de") == "en"
    store = MetaStore()
    assert for_wiki(None, DEFAULT_TYPES, store, site="en").language == "en"
    assert store.meta[LANGUAGE_META] == "en"
    assert for_wiki(None, DEFAULT_TYPES, store).language == "en"  # offline: as recorded
    assert for_wiki("fr", DEFAULT_TYPES, store).language == "fr"  # [wiki] language wins


def test_namespace_warning() -> None:
    names = {"Utilisateur": 2, "User": 2, "Wiki ESS": 4, "Project": 4, "Modèle": 10,
             "Template": 10, "Discussion": 1}
    assert namespace_warning("Wiki_ESS:Pôles ESS/Audit", names) is None
    assert namespace_warning("utilisateur:WikisyncBot/Audit", names) is None
    assert namespace_warning("Pôles ESS/Audit", names) is None
    warning = namespace_warning("Projet:Pôles ESS/Audit", names)
    assert warning is not None and "'Projet' is not a namespace" in warning
    assert warning.endswith("(the wiki's project and user namespaces: Utilisateur, Wiki ESS)")
