"""The sample of the study (examples/samples/) is complete and self-consistent.

Pure checks on files, no wiki: the page manifest, the 37 fiches, region pages, the reference
dataset in CSV and GeoJSON, coordinates in France, and the deliberate differences listed in
``expected.json`` (the machine-readable side of EXPECTED.md). When ``wikisync.parse`` is
importable, every sample page is also parsed and the problem pages checked.
"""

from __future__ import annotations

import csv
import json
import math
import re
from functools import cache
from pathlib import Path

from wikisync.i18n import CATALOGS
from wikisync.parse.page import read_page

SAMPLES = Path(__file__).resolve().parent.parent / "examples" / "samples"
PAGES = SAMPLES / "pages"

# Metropolitan France and Corsica, with a small margin.
LAT_MIN, LAT_MAX = 41.3, 51.2
LON_MIN, LON_MAX = -5.3, 9.7

FICHE_RE = re.compile(
    r"\{\{\s*(?:(?:Mod[èe]le|Template)\s*:\s*)?[Ff]iche[ _]+[Ii]nitiative\s*(?:\||\}\}|\n)"
)
REGION_RE = re.compile(r"\{\{\s*(?:Mod[èe]le\s*:\s*)?[Pp]ôle[ _]ESS[ _]par[ _]région\s*\|")
INERT_RE = re.compile(r"<!--.*?-->|<pre>.*?</pre>|<nowiki>.*?</nowiki>", re.DOTALL)
URL_RE = re.compile(r"https?://[^\s|\]}<,]+")


# ---------------------------------------------------------------- loading


@cache
def manifest() -> dict[str, str]:
    return json.loads((SAMPLES / "pages.json").read_text(encoding="utf-8"))


@cache
def pages() -> dict[str, str]:
    """title -> exact page text (the file's bytes, UTF-8)."""
    return {title: (PAGES / name).read_text(encoding="utf-8")
            for name, title in manifest().items()}


@cache
def expected() -> dict:
    return json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))


@cache
def dataset() -> list[dict[str, str]]:
    with (SAMPLES / "dataset.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def geojson() -> dict:
    return json.loads((SAMPLES / "dataset.geojson").read_text(encoding="utf-8"))


def inert_free(text: str) -> str:
    """The text without comments, <pre> and <nowiki> (no template there is real)."""
    return INERT_RE.sub("", text)


def fiche_pages() -> dict[str, str]:
    return {t: text for t, text in pages().items() if FICHE_RE.search(inert_free(text))}


def in_france(lat: float, lon: float) -> bool:
    return LAT_MIN <= lat <= LAT_MAX and LON_MIN <= lon <= LON_MAX


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371008.8 * math.asin(math.sqrt(h))


# ------------------------------------------- a tiny reader, independent of wikisync.parse


def template_params(text: str, start: int) -> dict[str, str]:
    """Named parameters of the template opening at ``start`` (last one wins)."""
    depth, i, parts, current = 0, start, [], []
    while i < len(text):
        pair = text[i:i + 2]
        if pair in ("{{", "[["):
            depth += 1
            if depth > 1:
                current.append(pair)
            i += 2
            continue
        if pair in ("}}", "]]"):
            depth -= 1
            if depth == 0:
                break
            current.append(pair)
            i += 2
            continue
        if text[i] == "|" and depth == 1:
            parts.append("".join(current))
            current = []
        else:
            current.append(text[i])
        i += 1
    parts.append("".join(current))
    params = {}
    for part in parts[1:]:
        if "=" in part:
            name, value = part.split("=", 1)
            params[name.strip()] = value.strip()
    return params


DMS_RE = re.compile(r"(\d+)°\s*(\d+)′\s*(\d+(?:[.,]\d+)?)″\s*([NSEO])")
NUM = r"(-?\d+(?:[.,]\d+)?)"


def _num(text: str) -> float | None:
    match = re.fullmatch(NUM, text.strip())
    return float(match.group(1).replace(",", ".")) if match else None


def coordinates(params: dict[str, str]) -> tuple[float, float] | None:
    """lat, lon from the forms the samples use; None when absent."""
    lat = next((params[k] for k in ("latitude", "lat") if params.get(k)), "")
    lon = next((params[k] for k in ("longitude", "lon", "long") if params.get(k)), "")
    if lat and lon:
        a, b = _num(lat), _num(lon)
        return (a, b) if a is not None and b is not None else None
    pair = next((params[k] for k in ("coordonnées", "coordonnees", "coord") if params.get(k)), "")
    if not pair:
        return None
    coord = re.fullmatch(r"\{\{Coord\|([^|]+)\|([^|}]+)\}\}", pair)
    if coord:
        return _num(coord.group(1)), _num(coord.group(2))  # type: ignore[return-value]
    dms = DMS_RE.findall(pair)
    if len(dms) == 2:
        values = []
        for deg, minutes, sec, hemi in dms:
            v = int(deg) + int(minutes) / 60 + float(sec.replace(",", ".")) / 3600
            values.append(-v if hemi in "SO" else v)
        return values[0], values[1]
    split = re.fullmatch(NUM + r"\s*,\s*" + NUM, pair)
    if split:
        return float(split.group(1)), float(split.group(2))
    return None


def fiche_params(text: str) -> dict[str, str]:
    clean = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    match = FICHE_RE.search(clean)
    assert match
    return template_params(clean, match.start())


def row_params(text: str) -> list[dict[str, str]]:
    clean = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    return [template_params(clean, m.start())
            for m in re.finditer(r"\{\{\s*Pôle ESS\s*[|\n]", clean)]


# ---------------------------------------------------------------- the page files


def test_manifest_lists_exactly_the_page_files() -> None:
    files = {p.name for p in PAGES.glob("*.wiki")}
    assert set(manifest()) == files
    titles = list(manifest().values())
    assert len(set(titles)) == len(titles)


def test_page_files_are_stored_page_texts() -> None:
    for title, text in pages().items():
        # MediaWiki trims trailing whitespace on save: the file is the text as stored.
        assert text == text.rstrip(), title
        assert "\r" not in text and "\ufeff" not in text, title
        assert "~~~" not in text and "subst:" not in text, title  # pre-save transforms


def test_thirty_seven_fiches() -> None:
    assert len(fiche_pages()) == expected()["fiche_pages"] == 37
    # the help page only shows the infobox inside <pre>
    assert FICHE_RE.search(pages()["Aide:Créer une fiche initiative"])
    assert "Aide:Créer une fiche initiative" not in fiche_pages()


def test_fiche_spellings_vary() -> None:
    openings = {FICHE_RE.search(inert_free(t)).group(0).split("|")[0].strip()  # type: ignore[union-attr]
                for t in fiche_pages().values()}
    for spelling in ("{{Fiche initiative", "{{fiche initiative", "{{Fiche_initiative",
                     "{{Modèle:Fiche initiative", "{{Fiche Initiative"):
        assert spelling in openings


def test_every_dataset_region_has_a_region_page() -> None:
    regions = {}
    for title, text in pages().items():
        match = REGION_RE.search(text)
        if match:
            regions[template_params(text, match.start())["région"]] = title
    assert set(regions) >= {row["région"] for row in dataset()}
    assert regions == expected()["region_pages"]


def test_generated_block_openers_have_no_closer() -> None:
    for title, params in expected()["generated_blocks"].items():
        text = pages()[title]
        opener = "{{Liste pôles ESS|" + "|".join(f"{k}={v}" for k, v in params.items()) + "}}"
        assert opener in text
        assert "Fin liste pôles ESS" not in text


def test_websites_are_invented() -> None:
    texts = list(pages().values()) + [(SAMPLES / "dataset.csv").read_text(encoding="utf-8")]
    for text in texts:
        for url in URL_RE.findall(text):
            host = url.split("/")[2].lower()
            assert host == "example.org" or host.endswith((".example.org", ".example.fr")), url


# ---------------------------------------------------------------- the dataset


def test_dataset_columns_and_size() -> None:
    with (SAMPLES / "dataset.csv").open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header == ["nom", "type", "région", "département", "commune", "adresse",
                      "code postal", "latitude", "longitude", "site web", "création",
                      "statut", "structures", "fiche"]
    rows = dataset()
    assert len(rows) == expected()["dataset"]["rows"]
    assert len({r["nom"] for r in rows}) == len(rows)
    for row in rows:
        assert re.fullmatch(r"\d{5}", row["code postal"]), row["nom"]
        assert row["type"] in {"association de développement", "espace d'hébergement",
                               "centre multi-fonctions", "pôle en projet",
                               "regroupement informel"}, row["nom"]
        assert in_france(float(row["latitude"]), float(row["longitude"])), row["nom"]
        if row["fiche"]:
            assert row["fiche"] in fiche_pages(), row["fiche"]


def test_geojson_is_valid_and_matches_the_csv() -> None:
    data = geojson()
    assert data["type"] == "FeatureCollection"
    by_name = {}
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        lon, lat = geometry["coordinates"]
        assert in_france(lat, lon), feature["properties"]["nom"]
        by_name[feature["properties"]["nom"]] = (feature, lat, lon)
    rows = {r["nom"]: r for r in dataset()}
    assert set(by_name) == set(rows)
    for name, (feature, lat, lon) in by_name.items():
        row = rows[name]
        assert (lat, lon) == (float(row["latitude"]), float(row["longitude"])), name
        for key, value in feature["properties"].items():
            if not key.startswith("_"):
                assert row[key] == value, (name, key)


def test_fiche_coordinates_in_france_and_agree_with_the_dataset() -> None:
    bad = {t for t, p in expected()["problems"].items() if "bad-coordinates" in p["codes"]}
    no_coords = set(expected()["no_coordinates"]["fiches"])
    diffs = {d["title"]: d for d in expected()["dataset"]["differences"]
             + expected()["dataset"]["near_misses"] if d["field"] == "coordinates"}
    rows = {r["fiche"]: r for r in dataset() if r["fiche"]}
    seen = 0
    for title, text in fiche_pages().items():
        pair = coordinates(fiche_params(text))
        if title in no_coords:
            assert pair is None, title
            continue
        assert pair is not None, title
        if title in bad:
            assert not in_france(*pair), title
            continue
        assert in_france(*pair), title
        if title not in rows:
            continue
        row = rows[title]
        gap = distance_m(pair, (float(row["latitude"]), float(row["longitude"])))
        if title in diffs:
            assert abs(gap - diffs[title]["distance_m"]) < 5, (title, gap)
        else:
            assert gap < 10, (title, gap)
        seen += 1
    assert seen >= 25


def test_row_coordinates_in_france() -> None:
    rows_without = {(r["page"], r["nom"]) for r in expected()["no_coordinates"]["rows"]}
    names = {r["nom"]: r for r in dataset()}
    count = 0
    for title in expected()["region_pages"].values():
        for params in row_params(pages()[title]):
            count += 1
            pair = coordinates(params)
            if (title, params["nom"]) in rows_without:
                assert pair is None
                continue
            if pair is not None:
                assert in_france(*pair), params["nom"]
                row = names[params["nom"]]
                assert distance_m(pair, (float(row["latitude"]), float(row["longitude"]))) < 10
    assert count == expected()["rows_on_region_pages"]


def test_expected_names_exist() -> None:
    exp = expected()
    titles = set(pages())
    for section in ("problems", "not_problems"):
        assert set(exp[section]) <= titles, section
    assert set(exp["no_coordinates"]["fiches"]) <= set(fiche_pages())
    names = {r["nom"] for r in dataset()}
    assert set(exp["dataset"]["only_in_dataset"]) <= names
    for hub in exp["dataset"]["only_on_wiki"]:
        assert hub["nom"] not in names and hub["title"] in fiche_pages()
    for item in exp["dataset"]["differences"] + exp["dataset"]["near_misses"]:
        assert item["nom"] in names and item["title"] in fiche_pages()
    for row in exp["row_only_hubs"]:
        assert row["nom"] in {p["nom"] for p in row_params(pages()[row["page"]])}
        assert row["nom"] in names
    md = (SAMPLES / "EXPECTED.md").read_text(encoding="utf-8")
    for title in list(exp["problems"]) + list(exp["not_problems"]):
        assert title in md, title


def test_deliberate_differences_are_in_the_files() -> None:
    rows = {r["nom"]: r for r in dataset()}
    for item in expected()["dataset"]["differences"] + expected()["dataset"]["near_misses"]:
        row, text = rows[item["nom"]], pages()[item["title"]]
        if item["field"] == "type":
            assert row["type"] == item["dataset"] and item["wiki"] in text
        elif item["field"] == "website":
            assert row["site web"] == item["dataset"] and item["wiki"] in text
            assert item["dataset"] not in text
    for fill in expected()["dataset"]["fills"]:
        if fill["field"] == "website":
            params = fiche_params(pages()[fill["title"]])
            assert not any(params.get(k) for k in ("site web", "site", "site internet", "url"))
            assert rows[params["nom"]]["site web"] == fill["value"]


# ---------------------------------------------------------------- wiki-side templates

WIKI_TEMPLATES = SAMPLES.parent.parent / "templates" / "wiki"


@cache
def wiki_templates() -> dict[str, dict]:
    return json.loads((WIKI_TEMPLATES / "manifest.json").read_text(encoding="utf-8"))


def test_wiki_templates_manifest() -> None:
    entries = wiki_templates()
    assert set(entries) == {p.name for p in WIKI_TEMPLATES.glob("*.wiki")}
    titles = [e["title"] for e in entries.values()]
    assert len(set(titles)) == len(titles)
    for name in ("Fiche initiative", "Pôle ESS par région", "Pôle ESS", "Liste pôles ESS",
                 "Fin liste pôles ESS"):
        assert f"Modèle:{name}" in titles
    for name, entry in entries.items():
        assert entry["title"].startswith("Modèle:"), name
        assert entry["summary_key"] in CATALOGS["fr"] and entry["role"] in (
            "contract", "helper", "redirect", "optional"), name
        text = (WIKI_TEMPLATES / name).read_text(encoding="utf-8")
        assert text == text.rstrip(), name
        uses_pf = "{{#" in text.split("<noinclude>")[0]
        assert uses_pf == ("ParserFunctions" in entry["requires"]), name
        if entry["role"] == "redirect":
            assert text.startswith("#REDIRECT [[Modèle:"), name
            continue
        assert text.count("<includeonly>") == text.count("</includeonly>") == 1, name
        assert text.count("<noinclude>") == text.count("</noinclude>") == 1, name
        # the documentation never calls a record template for real (only in <pre>/<nowiki>)
        doc = inert_free(text.split("<noinclude>")[1])
        assert not FICHE_RE.search(doc) and "{{Pôle ESS" not in doc, name
        assert "{{Liste pôles ESS" not in doc and "{{Fin liste" not in doc, name
    redirects = {e["title"].removeprefix("Modèle:"): (WIKI_TEMPLATES / n).read_text(
        encoding="utf-8") for n, e in entries.items() if e["role"] == "redirect"}
    for name, target in expected()["template_redirects"].items():
        assert redirects[name] == f"#REDIRECT [[Modèle:{target}]]"


def test_wiki_template_colours_and_types_match_the_schema() -> None:
    from wikisync.schema import DEFAULT_TYPES

    picto = (WIKI_TEMPLATES / "Pictogramme type pôle ESS.wiki").read_text(encoding="utf-8")
    keys = (WIKI_TEMPLATES / "Clé type pôle ESS.wiki").read_text(encoding="utf-8")
    keys = keys.split("</includeonly>")[0]
    for hub_type in DEFAULT_TYPES:
        assert f"{hub_type.key}={hub_type.hex}" in picto, hub_type.key
        assert f"{hub_type.key}={hub_type.label}" in picto, hub_type.key
        for spelling in (hub_type.label, *hub_type.variants):
            assert f"| {spelling.lower()}\n" in keys or f"| {spelling.lower()} =" in keys, spelling


def test_fiche_template_renders_every_parameter_of_the_contract() -> None:
    from wikisync.schema import DEFAULT_PARAMS

    text = (WIKI_TEMPLATES / "Fiche initiative.wiki").read_text(encoding="utf-8")
    body = text.split("</includeonly>")[0]
    for field, (canonical, aliases) in DEFAULT_PARAMS.items():
        if field in ("fiche", "network"):
            continue
        for name in (canonical, *aliases):
            assert "{{{" + name + "|" in body or "{{{" + name + "}}}" in body, name


# ------------------------------------------------ with the real parser


def _parse_page():  # type: ignore[no-untyped-def]
    """wikisync's page reader, knowing the sample's template redirect."""
    aliases = {target: [name] for name, target in expected()["template_redirects"].items()}
    return lambda text, title: read_page(text, title, aliases=aliases)


def _codes(page) -> set[str]:  # type: ignore[no-untyped-def]
    codes = set(page.problem_codes)
    for record in page.records:
        codes.update(record.problem_codes)
    return codes


def test_parser_reads_every_sample_page() -> None:
    read_page = _parse_page()
    fiches = 0
    for title, text in pages().items():
        page = read_page(text, title)
        fiches += sum(1 for r in page.records if r.source == "fiche")
        if title == "Aide:Créer une fiche initiative":
            assert page.records == []
    assert fiches == 37


def test_parser_flags_the_problem_pages() -> None:
    read_page = _parse_page()
    for title, problem in expected()["problems"].items():
        page = read_page(pages()[title], title)
        assert set(problem["codes"]) <= _codes(page), (title, _codes(page))
        assert page.unsafe == problem["unsafe"], title


def test_parser_finds_no_problem_on_clean_fiches() -> None:
    read_page = _parse_page()
    no_coords = set(expected()["no_coordinates"]["fiches"])
    for title in set(fiche_pages()) - set(expected()["problems"]):
        page = read_page(pages()[title], title)
        allowed = {"no-coordinates"} if title in no_coords else set()
        assert _codes(page) <= allowed, (title, _codes(page))
        assert not page.unsafe, title
        [fiche] = [r for r in page.records if r.source == "fiche"]
        assert fiche.type is not None, title
        assert (fiche.lat is None) == (title in no_coords), title


def test_parser_reads_values_as_the_dataset_says() -> None:
    read_page = _parse_page()
    from wikisync.schema import DEFAULT_TYPES

    keys = {t.label: t.key for t in DEFAULT_TYPES}
    rows = {r["fiche"]: r for r in dataset() if r["fiche"]}
    listed = expected()["dataset"]
    diff_fields = {(d["title"], d["field"]) for d in listed["differences"]
                   + listed["near_misses"] + listed["on_problem_pages"]}
    for title, row in rows.items():
        if expected()["problems"].get(title, {}).get("unsafe"):
            continue
        [fiche] = [r for r in read_page(pages()[title], title).records if r.source == "fiche"]
        if (title, "website") not in diff_fields and fiche.website:
            assert fiche.website.rstrip("/") == row["site web"].rstrip("/"), title
        if (title, "type") not in diff_fields:
            assert fiche.type == keys[row["type"]], title
        if fiche.lat is not None and (title, "coordinates") not in diff_fields:
            assert distance_m((fiche.lat, fiche.lon), (float(row["latitude"]),
                                                       float(row["longitude"]))) < 10, title
