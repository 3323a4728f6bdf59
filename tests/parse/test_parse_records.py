"""Records and problems read from pages: fields, fallbacks, every problem code."""

from __future__ import annotations

import pytest

from wikisync.model import UNSAFE_CODES
from wikisync.parse import PageReader, parse, read_page
from wikisync.schema import HubType, Schema


def fiche(body: str, title: str = "Pôle test") -> list[str]:
    """Problem codes of the one fiche record of ``{{Fiche initiative|body}}``."""
    [record] = parse("{{Fiche initiative|" + body + "}}", title)
    return record.problem_codes


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("association de développement", "association"),
        ("Association de Developpement", "association"),
        ("asso de développement", "association"),
        ("espace d’hébergement", "hebergement"),
        ("ESPACE D'HEBERGEMENT", "hebergement"),
        ("hébergement", "hebergement"),
        ("centre multi-fonctions", "multifonction"),
        ("centre multifonctions", "multifonction"),
        ("centre multi-fonction", "multifonction"),
        ("pôle en projet", "projet"),
        ("[[Pôle en projet]]", "projet"),
        ("en projet", "projet"),
        ("Projet", "projet"),
        ("regroupement informel", "informel"),
        ("informel", "informel"),
    ],
)
def test_type_spellings(written: str, key: str) -> None:
    [record] = parse(f"{{{{Fiche initiative|type={written}|coordonnées=48, -4}}}}")
    assert record.type == key
    assert record.problem_codes == []


@pytest.mark.parametrize("written", ["association", "centre multi fonctions", "pôle", "asso"])
def test_unknown_types_are_not_guessed(written: str) -> None:
    [record] = parse(f"{{{{Fiche initiative|type={written}|coordonnées=48, -4}}}}")
    assert record.type is None
    assert record.problem_codes == ["unknown-type"]
    assert record.problems[0].detail == written


def test_missing_type_and_catégorie_alias() -> None:
    assert fiche("coordonnées=48, -4") == ["missing-type"]
    assert fiche("type=<!-- à compléter -->|coordonnées=48, -4") == ["missing-type"]
    assert fiche("catégorie=informel|coordonnées=48, -4") == []


def test_schema_types_are_configurable() -> None:
    schema = Schema(types=(HubType("tiers", "tiers-lieu", ("tiers lieu",), "violet", "#800080"),))
    [record] = parse("{{Fiche initiative|type=Tiers Lieu|lat=1|lon=2}}", schema=schema)
    assert record.type == "tiers"


def test_coordinates_sources_and_problems() -> None:
    assert fiche("type=informel") == ["no-coordinates"]
    assert fiche("type=informel|latitude=48.1") == ["bad-coordinates"]
    assert fiche("type=informel|latitude=48.1|longitude=x") == ["bad-coordinates"]
    assert fiche("type=informel|coordonnées=nord") == ["bad-coordinates"]
    # a bad value is reported even when another parameter gives usable coordinates
    [record] = parse("{{Fiche initiative|type=informel|lat=99|lon=2|coord=48, -4}}")
    assert (record.lat, record.lon) == (48.0, -4.0)
    assert record.problem_codes == ["bad-coordinates"]
    # latitude/longitude win over coordonnées when both are usable
    [record] = parse("{{Fiche initiative|type=informel|lat=1|long=2|coordonnées=48, -4}}")
    assert (record.lat, record.lon) == (1.0, 2.0)


def test_websites() -> None:
    assert fiche("type=informel|lat=1|lon=2|site=ftp://x.example.org") == ["bad-url"]
    assert fiche("type=informel|lat=1|lon=2|site=http://") == ["bad-url"]
    assert fiche("type=informel|lat=1|lon=2|site=http://a b.org") == ["bad-url"]
    assert fiche("type=informel|lat=1|lon=2|url=//x.example.org") == ["bad-url"]
    [record] = parse("{{Fiche initiative|site internet=www.x.example.org/a?b=1}}")
    assert record.website == "http://www.x.example.org/a?b=1"
    [record] = parse("{{Fiche initiative|site web=pas de site}}")
    assert record.website is None
    assert record.problems[-1].detail == "pas de site"


def test_names_fall_back() -> None:
    [record] = parse("{{Fiche initiative|type=informel}}", "Pôle sans nom")
    assert record.name == "Pôle sans nom"
    [record] = parse("{{Fiche initiative|titre=Titre|name=}}", "Page")
    assert record.name == "Titre"
    [region] = parse("{{Pôle ESS par région|réseau=CRESS}}", "Pôles ESS en Corse")
    assert region.name == "Pôles ESS en Corse"
    assert region.region is None
    [row] = parse("{{Pôle ESS|fiche=[[Pôle ESS de Bastia|fiche]]}}")
    assert (row.name, row.fiche) == ("Pôle ESS de Bastia", "Pôle ESS de Bastia")


def test_rows_inherit_the_region_of_their_page() -> None:
    text = (
        "{{Pôle ESS|nom=A|région=Corse}}\n{{Pôle ESS|nom=B}}\n"
        "{{Pôle ESS par région|région=Bretagne}}"
    )
    a, b, region = parse(text, "Pôles")
    assert (a.region, b.region, region.region) == ("Corse", "Bretagne", "Bretagne")
    assert [r.instance for r in (a, b, region)] == [0, 1, 0]
    assert "no-coordinates" not in region.problem_codes


def test_contact_joins_its_three_parameters() -> None:
    [record] = parse("{{Fiche initiative|téléphone=01|courriel=a@b.fr|contact=Mme X}}")
    assert record.contact == "Mme X; a@b.fr; 01"
    assert "duplicate-param" not in record.problem_codes


def test_duplicates_keep_the_last_value() -> None:
    [record] = parse("{{Fiche initiative|nom=A|statut=x|nom=B|nom=C}}")
    assert record.name == "C"
    assert record.params["nom"] == "C"
    [problem] = record.problems[:1]
    assert (problem.code, problem.param, problem.unsafe) == ("duplicate-param", "nom", False)


def test_one_field_under_two_names_is_a_duplicate() -> None:
    [record] = parse("{{Fiche initiative|site=http://a.example.org|site web=}}")
    assert record.website == "http://a.example.org"
    assert [(p.code, p.param) for p in record.problems][:1] == [("duplicate-param", "site web")]


@pytest.mark.parametrize(
    ("banner", "denied"),
    [
        ("{{nobots}}", True),
        ("{{Nobots}}", True),
        ("{{Modèle:nobots}}", True),
        ("{{bots}}", False),
        ("{{bots|deny=all}}", True),
        ("{{bots|deny=Wikisync}}", True),
        ("{{bots|deny=AutreBot, wikisync}}", True),
        ("{{bots|deny=AutreBot}}", False),
        ("{{bots|deny=none}}", False),
        ("{{bots|allow=none}}", True),
        ("{{bots|allow=AutreBot}}", True),
        ("{{bots|allow=all}}", False),
        ("{{bots|allow=AutreBot,Wikisync}}", False),
        ("{{nobots|AutreBot}}", False),
        ("{{nobots|Wikisync}}", True),
        ("<!-- {{nobots}} -->", False),
        ("<nowiki>{{nobots}}</nowiki>", False),
    ],
)
def test_nobots(banner: str, denied: bool) -> None:
    page = read_page(banner + "\n{{Fiche initiative|type=informel|lat=1|lon=2}}")
    assert ("nobots" in page.problem_codes) == denied
    assert ("nobots" in page.records[0].problem_codes) == denied
    assert page.unsafe == denied


def test_bot_name_comes_from_the_schema() -> None:
    reader = PageReader(Schema(bot_name="HubBot"))
    assert reader.read("{{bots|deny=HubBot}}").problem_codes == ["nobots"]
    assert reader.read("{{bots|deny=wikisync}}").problem_codes == []


def test_page_problems_are_on_every_record_and_unsafe() -> None:
    text = "{{nobots}}{{Pôle ESS par région|région=Corse}}{{Pôle ESS|nom=A}}<!-- oups"
    page = read_page(text)
    assert page.problem_codes == ["nobots", "unclosed-comment"]
    for record in page.records:
        assert {"nobots", "unclosed-comment"} <= set(record.problem_codes)
        assert record.unsafe
    assert {p.code for p in page.problems if p.unsafe} <= UNSAFE_CODES


def test_broken_page_still_reports_on_page_and_record() -> None:
    page = read_page("{{Fiche initiative\n| nom = X\n\nTexte.", "X")
    [record] = page.records  # the value running into the text is not read (see broken.py)
    assert (record.source, record.name, record.params) == ("fiche", "X", {})
    assert page.problem_codes == ["broken-template"]
    assert "broken-template" in record.problem_codes
    assert page.unsafe
    page = read_page("Texte {{Lien|x", "Y")
    assert page.to_dict() == {"title": "Y", "problems": ["broken-template"], "records": []}


def test_two_infoboxes_are_flagged_on_both() -> None:
    page = read_page("{{Fiche initiative|nom=A}}{{fiche initiative|nom=B}}{{Pôle ESS|nom=C}}")
    a, b, row = page.records
    assert "two-infoboxes" in a.problem_codes and "two-infoboxes" in b.problem_codes
    assert "two-infoboxes" not in row.problem_codes
    assert (a.instance, b.instance) == (0, 1)
    assert page.unsafe


def test_templates_in_comments_nowiki_and_pre_are_not_records() -> None:
    text = "<!-- {{Fiche initiative}} -->"
    text += "<nowiki>{{Fiche initiative}}</nowiki><pre>{{Pôle ESS}}</pre>"
    page = read_page(text)
    assert page.records == []
    assert page.problems == []


def test_records_in_tables_tags_and_other_templates_are_found() -> None:
    text = (
        '{|\n|-\n| {{Pôle ESS|nom=A}}\n|}\n<div title="{{Pôle ESS|nom=B}}">'
        "{{Pôle ESS|nom=C}}</div>{{Boîte|x={{Pôle ESS|nom=D}}}}"
    )
    assert [r.name for r in parse(text)] == ["A", "B", "C", "D"]


def test_params_are_raw_and_trimmed() -> None:
    [record] = parse("{{Fiche initiative|  nom  =  [[A]] <!-- c -->\n|1=x|positionnel}}")
    # the first positional parameter is parameter 1: MediaWiki keeps the later one
    assert record.params == {"nom": "[[A]] <!-- c -->", "1": "positionnel"}
    assert record.problem_codes[0] == "duplicate-param"


def test_json_form_is_the_public_interface() -> None:
    [record] = parse("{{Fiche initiative|nom=A|type=informel|lat=1|lon=2}}", "A")
    data = record.to_dict()
    assert list(data) == [
        "title", "source", "name", "type", "region", "departement", "commune", "address",
        "postcode", "lat", "lon", "website", "founded", "legal_form", "members", "contact",
        "map_link", "fiche", "params", "problems",
    ]
    assert (data["lat"], data["lon"]) == (1.0, 2.0)
