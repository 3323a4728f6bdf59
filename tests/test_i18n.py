"""The message catalog: French complete, English the same keys, no English in French output."""

from __future__ import annotations

import io
import re
import string
import sys
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from wikisync.api import connect
from wikisync.audit import Difference, sort_differences
from wikisync.audit.publish import namespace_warning
from wikisync.audit.render import (
    TEXT_COLUMNS,
    ReportContext,
    render_html,
    render_text,
    render_wikitext,
)
from wikisync.cli import cli
from wikisync.config import Config, MapConfig, SafetyConfig, WikiConfig
from wikisync.dataset import DatasetHub, read_csv
from wikisync.devwiki import DevWiki, FaultProxy
from wikisync.export.geo import MapSettings, map_data
from wikisync.export.htmlmap import page_data
from wikisync.export.kml import render_kml
from wikisync.export.umap import to_umap
from wikisync.generate.fiches import render_fiche
from wikisync.generate.lists import ListRenderer
from wikisync.generate.mappage import render_map_page
from wikisync.generate.query import KNOWN_PARAMS, KNOWN_SORTS
from wikisync.generate.templates import environment
from wikisync.hubs import Hub, build_hubs
from wikisync.i18n import (
    CATALOGS,
    LANGUAGE_META,
    NUMERIC,
    Messages,
    choose_language,
    detail_patterns,
    for_wiki,
    messages,
    placeholders,
)
from wikisync.ops.templates import install_templates, load_templates
from wikisync.parse import read_page
from wikisync.resources import wiki_templates_dir
from wikisync.schema import DEFAULT_TYPES, Schema
from wikisync.store import Store
from wikisync.sync.planner import build_context, plan
from wikisync.sync.rules import RuleSet

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "audit"))
from test_samples_audit import run, sample_wiki  # noqa: E402

sys.path.insert(0, str(ROOT / "tests" / "sync"))
from fakewiki import FakeWiki  # noqa: E402

from wikitools import TEST_USER_AGENT, wiki_env  # noqa: E402

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


def french_leaks(text: str) -> list[tuple[str, str]]:
    """French catalog texts (not also English) found in ``text``, as (key, words)."""
    found = []
    for key, french in FR.items():
        if french == EN[key]:
            continue
        for literal, _, _, _ in string.Formatter().parse(french):
            words = literal.strip(" :,.()!?;«»")
            if len(words) >= 4 and words not in EN[key] and re.search(
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


CALLS = re.compile(r"""\b(?:t|m|self\.m|(?:self|settings)\.messages|QueryError"""
                   r"""|messages\([^()]*\)|for_wiki\([^()]*\))"""
                   r"""\(\s*f?["']([a-z][\w.-]*)""")
COUNTS = re.compile(r"""\b(?:t|m|settings\.messages)\.count\(\s*["']([a-z][\w.-]*)["']""")


def used_keys() -> set[str]:
    """Every literal message key the source and the shipped templates pass to the catalog."""
    keys: set[str] = set()
    files = [*(ROOT / "src" / "wikisync").rglob("*.py"), *(ROOT / "templates").glob("*.j2")]
    for path in files:
        text = path.read_text(encoding="utf-8")
        keys.update(CALLS.findall(text))
        keys.update(f"{key}.{n}" for key in COUNTS.findall(text) for n in ("one", "many"))
    keys.update(t.summary_key for t in load_templates(wiki_templates_dir()) if t.summary_key)
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


# --- item 7's leftovers: list errors, new fiches, template summaries, map names, the language


@pytest.mark.parametrize(("params", "english", "french"), [
    ({"regoin": "Bretagne"}, "unknown parameter “regoin” (parameters: ",
     "paramètre inconnu « regoin » (paramètres : "),
    ({"type": "coopérative"}, "unknown type “coopérative” (types: association de développement",
     "type inconnu « coopérative » (types : association de développement"),
    ({"tri": "date"}, "unknown sort “date” (sorts: nom, commune",
     "tri inconnu « date » (tris : nom"),
    ({"modèle": "a|b"}, "invalid row template “a|b”", "modèle invalide « a&#124;b »"),
])
def test_a_list_s_parameter_error_speaks_the_wiki_s_language(
        params: dict[str, str], english: str, french: str) -> None:
    hubs = sample_hubs()
    body, error = ListRenderer(environment(None, ENGLISH), Schema(), hubs).body(params)
    assert error is not None and error.startswith(english)
    assert "ESS hub list: " in body and "Fix the template's parameters" in body
    words = body.replace(KNOWN_PARAMS, "").replace(KNOWN_SORTS, "")  # the wiki's own names
    assert french_leaks(words) == []
    body, error = ListRenderer(environment(None, FRENCH), Schema(), hubs).body(params)
    assert error is not None and french in body and "Liste pôles ESS : " in body
    assert english_leaks(body) == []
    assert "list.error.fix" in {key for key, _ in french_leaks(body)}  # the check can fail


FICHE_CSV = ("nom,type,région,département,commune,latitude,longitude,site web\n"
             "Alpha,centre multi-fonctions,Bretagne,Finistère,Brest,48.39,-4.49,"
             "http://alpha.example.org\n")


def fiche_text(m: object) -> tuple[str, str]:
    """A new fiche's wikitext in the language of ``m``: (infobox, the prose after it)."""
    hub = next(read_csv(FICHE_CSV).rows())
    text = render_fiche(environment(None, m), hub, "Alpha", Schema(),  # type: ignore[arg-type]
                        "Pôles ESS en Bretagne")
    infobox, _, prose = text.partition("\n}}\n")
    return infobox, prose


def test_a_new_fiche_s_prose_is_in_the_wiki_s_language_and_its_names_are_the_schema_s() -> None:
    french_box, french = fiche_text(FRENCH)
    english_box, english = fiche_text(ENGLISH)
    assert french_box == english_box  # template and parameter names: the wiki's schema
    assert french_box.startswith("{{Fiche initiative\n| nom") and "| région" in french_box
    assert english.startswith("'''Alpha''' is a hub for the social and solidarity economy "
                              "(centre multi-fonctions) in Brest, Bretagne.")
    assert "== See also ==\n* [[Pôles ESS en Bretagne]]" in english
    assert french_leaks(english) == []
    assert french.startswith("'''Alpha''' est un pôle de développement de l'économie sociale "
                             "et solidaire (centre multi-fonctions) situé à Brest, en Bretagne.")
    assert "== Voir aussi ==" in french and "complétez-la !" in french
    assert english_leaks(french) == []


def test_the_shipped_templates_summaries_are_in_the_wiki_s_language() -> None:
    templates = load_templates(wiki_templates_dir())
    assert len(templates) >= 12 and all(t.summary_key for t in templates)
    for template in templates:
        english, french = template.summary_in(ENGLISH), template.summary_in(FRENCH)
        assert french == template.summary and english != french, template.file
        assert french_leaks(english) == [] and english_leaks(french) == [], template.file
    fiche = next(t for t in templates if t.title == "Modèle:Fiche initiative")
    assert fiche.summary_in(ENGLISH) == "infobox of an ESS hub's page"


def test_templates_install_says_its_summaries_in_the_recorded_language(tmp_path: Path) -> None:
    templates = [t for t in load_templates(wiki_templates_dir()) if not t.requires][:3]
    wiki = FakeWiki()
    with Store(tmp_path / "s.sqlite") as store:
        store.set_meta(LANGUAGE_META, "en")  # as a pull of an English wiki records it
        install_templates(wiki, store, Config(safety=SafetyConfig(edit_interval=0)),  # type: ignore[arg-type]
                          templates)
    assert [title for title, _, _ in wiki.edits] == [t.title for t in templates]
    for (_, _, summary), template in zip(wiki.edits, templates, strict=True):
        assert summary.startswith(f"wikisync: {template.summary_in(ENGLISH)} [run ")
        assert french_leaks(summary) == []


def map_hubs() -> list[Hub]:
    """Two pins: one of a legend type, one of no known type."""
    return [Hub("alpha", "Alpha", "association", "Alpha", (), commune="Brest", lat=48.4, lon=-4.5),
            Hub("beta", "Beta", None, "Beta", (), commune="Vannes", lat=47.6, lon=-2.7)]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_kml_and_umap_names_are_in_the_map_s_language(language: str) -> None:
    settings = MapSettings.from_config(Config(wiki=WikiConfig(language=language)))
    data = map_data(map_hubs(), settings)
    kml, umap = render_kml(data, settings), to_umap(data, settings)
    layers = [layer["_umap_options"] for layer in umap["layers"]]
    title, unknown = (("Map of the ESS hubs", "unknown type") if language == "en"
                      else ("Carte des pôles ESS", "type inconnu"))
    assert f"<name>{title}</name>" in kml and f"<name>{unknown}</name>" in kml
    assert umap["properties"]["name"] == title and layers[-1]["name"] == unknown
    described = " ".join([umap["properties"]["description"], *(x["description"] for x in layers)])
    assert described.startswith("2 hubs; exported by wikisync" if language == "en"
                                else "2 pôles ; exporté par wikisync")
    names = re.findall(r"<(?:name|description)>([^<]*)</", kml)  # what Google Earth shows
    shown = " ".join([*names, described])
    assert (french_leaks if language == "en" else english_leaks)(shown) == []
    assert MapSettings(title="Ma carte", language=language).map_title == "Ma carte"


def test_a_pull_records_the_wiki_s_language_with_no_request_of_its_own(
        devwiki: DevWiki, fault_proxy: FaultProxy, tmp_path: Path) -> None:
    env = wiki_env(devwiki, tmp_path)
    with Store(env["WIKISYNC_STATE"]) as store:
        assert store.get_meta(LANGUAGE_META) is None  # a new store does not know it
    done = CliRunner().invoke(cli, ["pull"], env=env)
    assert done.exit_code == 0, done.output
    with Store(env["WIKISYNC_STATE"]) as store:
        assert store.get_meta(LANGUAGE_META) == "fr"  # the test wiki's siteinfo lang
        assert for_wiki(None, DEFAULT_TYPES, store).language == "fr"
    logged = connect(WikiConfig(api=fault_proxy.api_url, username=devwiki.bot_username,
                                password=devwiki.bot_password, user_agent=TEST_USER_AGENT))
    anonymous = connect(WikiConfig(api=fault_proxy.api_url, user_agent=TEST_USER_AGENT))
    anonymous.wiki_identity()  # what connect_store asks before recording the language
    fault_proxy.clear()
    assert logged.wiki_language() == "fr" and anonymous.wiki_language() == "fr"
    assert fault_proxy.requests == []  # it rode on the login token or the identity's answer


SYNC_FICHE = ("{{Fiche initiative\n| nom = Pôle Alpha\n| commune = Brest\n| latitude = 48.39\n"
              "| longitude = -4.49\n| site web =\n}}\n")


def sync_summary(m: Messages) -> str:
    """The edit summary a sync plans for one fiche: map link, website and postcode filled."""
    records = read_page(SYNC_FICHE, "Pôle Alpha").records
    rules = RuleSet(dataset=True, owns={"website": "fill", "postcode": "fill"})
    row = DatasetHub(where="line 2", name="Pôle Alpha", commune="Brest",
                     website="http://alpha.example.org", postcode="29200")
    [page] = plan(records, build_context(records, Schema(), rules, (row,), m=m)).pages
    return page.summary


def test_a_sync_plan_s_summary_speaks_the_wiki_s_language() -> None:
    french, english = sync_summary(FRENCH), sync_summary(ENGLISH)
    assert french == ("site web depuis le jeu de données (1), code postal depuis le jeu de "
                      "données (1), lien carte (1)")  # no prefix: the writer adds its own
    assert english == "website from the dataset (1), postcode from the dataset (1), map link (1)"
    assert english_leaks(french) == [] and french_leaks(english) == []
    assert sync_summary(messages()) == french  # a plan without a language: French


def dry_run_summaries(env: dict[str, str], config: Path, dataset: Path, prefix: str) -> list[str]:
    """The summaries ``sync --dry-run`` shows for the pages of ``prefix`` (``# title — …``)."""
    done = CliRunner().invoke(cli, ["-c", str(config), "sync", "--dry-run", "--dataset",
                                    str(dataset), "--prefix", prefix], env=env)
    assert done.exit_code == 0, done.output
    return [line.split(" — ", 1)[1] for line in done.stdout.splitlines()
            if line.startswith(f"# {prefix}")]


def test_sync_summaries_on_the_real_wiki_follow_its_language_or_the_config_s(
        devwiki: DevWiki, unique_title: Callable[..., str], tmp_path: Path) -> None:
    prefix = unique_title("Langue")
    devwiki.import_pages({f"{prefix} Pôle": SYNC_FICHE.replace("Pôle Alpha", prefix)})
    dataset = tmp_path / "jeu.csv"
    dataset.write_text(f"nom,commune,site web\n{prefix},Brest,http://alpha.example.org\n",
                       encoding="utf-8")
    env = wiki_env(devwiki, tmp_path)
    plain, english = tmp_path / "fr.toml", tmp_path / "en.toml"
    plain.write_text("[safety]\nedit_interval = 0\n", encoding="utf-8")
    english.write_text('[wiki]\nlanguage = "en"\n[safety]\nedit_interval = 0\n',
                       encoding="utf-8")

    [french] = dry_run_summaries(env, plain, dataset, prefix)  # the wiki's siteinfo: fr
    [chosen] = dry_run_summaries(env, english, dataset, prefix)

    assert re.fullmatch(r"wikisync: site web depuis le jeu de données \(1\), lien carte \(1\) "
                        r"\[run \d+\]", french), french
    assert re.fullmatch(r"wikisync: website from the dataset \(1\), map link \(1\) "
                        r"\[run \d+\]", chosen), chosen
    assert english_leaks(french) == [] and french_leaks(chosen) == []
