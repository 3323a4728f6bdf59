"""hubs: one hub per real hub (fiche and rows merged), its link, the wiki's page URLs."""

from __future__ import annotations

import random

import pytest
from map_samples import (
    AQUITAINE,
    BRETAGNE,
    EXPECTED_MISSING,
    LORIENT,
    NOUVELLE_AQUITAINE,
    fiche,
    header,
    row,
)

from wikisync.hubs import (
    Hub,
    article_base,
    build_hubs,
    link_target,
    page_key,
    page_url,
    pin_link,
    resolve_type,
    web_url,
)
from wikisync.model import Record

BASE = "http://127.0.0.1:8080/index.php?title="


def by_name(hubs: list[Hub]) -> dict[str, Hub]:
    return {hub.name: hub for hub in hubs}


# --- merging ---------------------------------------------------------------------------


def test_one_hub_per_real_hub(hubs: list[Hub]) -> None:
    assert len(hubs) == 15
    assert len({hub.key for hub in hubs}) == 15


def test_row_naming_its_fiche_joins_it(hubs: list[Hub]) -> None:
    lorient = by_name(hubs)[LORIENT]
    assert lorient.fiche == LORIENT
    assert lorient.region_pages == (BRETAGNE,)


def test_fiche_param_is_compared_as_a_title() -> None:
    records = [fiche("Pôle ESS de Brest", "informel", "Brest", 48.39, -4.49),
               row(BRETAGNE, 0, "Autre nom", "informel", "Brest",
                   fiche_title="pôle_ESS de  Brest")]
    [hub] = build_hubs(records)
    assert hub.fiche == "Pôle ESS de Brest" and hub.region_pages == (BRETAGNE,)


def test_row_with_same_normalised_name_and_commune_joins_the_fiche(hubs: list[Hub]) -> None:
    morlaix = [hub for hub in hubs if "Morlaix" in hub.name]
    assert len(morlaix) == 1
    assert morlaix[0].fiche == "Pôle ESS du Pays de Morlaix"
    assert morlaix[0].region_pages == (BRETAGNE,)


def test_same_name_in_other_commune_is_another_hub() -> None:
    records = [fiche("Maison de l'ESS", "informel", "Brest", 48.39, -4.49),
               row(BRETAGNE, 0, "Maison de l’ESS", "informel", "Quimper", 48.0, -4.1)]
    hubs = build_hubs(records)
    assert len(hubs) == 2
    assert [hub.key for hub in hubs] == ["maison-de-l-ess", "maison-de-l-ess-2"]


def test_missing_commune_matches_any() -> None:
    records = [fiche("Pôle ESS de Brest", "informel", "Brest", 48.39, -4.49),
               row(BRETAGNE, 0, "POLE ESS DE BREST", "informel", None)]
    assert len(build_hubs(records)) == 1


def test_ambiguous_name_is_not_merged() -> None:
    records = [fiche("Pôle ESS", "informel", "Brest", 48.39, -4.49),
               Record(title="Pôle ESS (Quimper)", source="fiche", name="Pôle ESS",
                      type="informel", commune="Quimper", lat=48.0, lon=-4.1),
               row(BRETAGNE, 0, "Pôle ESS", "informel", None)]
    hubs = build_hubs(records)
    assert len(hubs) == 3
    assert sum(1 for hub in hubs if hub.fiche is None) == 1


def test_row_naming_an_unknown_fiche_is_noted_and_not_linked() -> None:
    records = [row(BRETAGNE, 0, "Pôle ESS de Nice", "projet", "Nice", 43.7, 7.26,
                   fiche_title="Pôle ESS de Nice")]
    [hub] = build_hubs(records)
    assert hub.fiche is None
    assert hub.notes and "Pôle ESS de Nice" in hub.notes[0]


def test_rows_on_two_region_pages_are_one_hub(hubs: list[Hub]) -> None:
    bordeaux = by_name(hubs)["Pôle ESS de Bordeaux"]
    assert bordeaux.fiche == "Pôle ESS de Bordeaux"
    assert bordeaux.region_pages == (AQUITAINE, NOUVELLE_AQUITAINE)


def test_row_only_hubs_on_two_pages_merge() -> None:
    records = [row(AQUITAINE, 0, "Collectif du Périgord", "informel", "Périgueux", 45.18, 0.72),
               row(NOUVELLE_AQUITAINE, 3, "Collectif du Perigord", "informel", "Périgueux")]
    [hub] = build_hubs(records)
    assert hub.fiche is None and hub.region_pages == (AQUITAINE, NOUVELLE_AQUITAINE)
    assert (hub.lat, hub.lon) == (45.18, 0.72)


def test_fiche_values_win_and_rows_fill_gaps() -> None:
    records = [fiche("Pôle A", "association de développement", "Brest", 48.39, -4.49),
               row(BRETAGNE, 0, "Pôle A", "informel", "Brest", 47.0, -3.0,
                   "https://a.example.org", fiche_title="Pôle A")]
    [hub] = build_hubs(records)
    assert hub.type == "association"
    assert (hub.lat, hub.lon) == (48.39, -4.49)
    assert hub.website == "https://a.example.org"


def test_coordinates_are_one_pair_from_one_record() -> None:
    half = fiche("Pôle A", "informel", "Brest", 48.39, None)
    records = [half, row(BRETAGNE, 0, "Pôle A", "informel", "Brest", 47.0, -3.0)]
    [hub] = build_hubs(records)
    assert (hub.lat, hub.lon) == (47.0, -3.0)


def test_region_comes_from_the_region_page_header(hubs: list[Hub]) -> None:
    assert by_name(hubs)["Pôle en projet du Grand Figeac"].region == "Occitanie"
    assert by_name(hubs)[LORIENT].region == "Bretagne"


def test_wikilinked_commune_is_plain_text(hubs: list[Hub]) -> None:
    assert by_name(hubs)[LORIENT].commune == "Lorient"


def test_types_resolve_to_keys(hubs: list[Hub]) -> None:
    found = by_name(hubs)
    assert found["Espace d'hébergement solidaire de Nantes"].type == "hebergement"
    assert found["Pôle ESS de Caen"].type is None  # "coopérative" is no type


def test_hubs_without_coordinates_are_kept(hubs: list[Hub]) -> None:
    assert {hub.name for hub in hubs if not hub.has_coordinates} == EXPECTED_MISSING


def test_out_of_range_coordinates_are_no_coordinates() -> None:
    [hub] = build_hubs([fiche("Pôle A", "informel", "Nancy", 148.69, 6.18)])
    assert not hub.has_coordinates


def test_region_headers_are_not_hubs() -> None:
    assert build_hubs([header(BRETAGNE, "Bretagne")]) == []


def test_same_records_in_any_order_give_the_same_hubs(records: list[Record]) -> None:
    expected = build_hubs(records)
    for seed in range(5):
        shuffled = list(records)
        random.Random(seed).shuffle(shuffled)
        assert build_hubs(shuffled) == expected


def test_fiche_without_name_takes_its_title() -> None:
    [hub] = build_hubs([Record(title="Pôle ESS du Pays ajaccien", source="fiche",
                               type="projet", lat=41.9, lon=8.7)])
    assert hub.name == "Pôle ESS du Pays ajaccien"


# --- types -----------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "key"), [
    ("association", "association"),
    ("Association de développement", "association"),
    ("asso de developpement", "association"),
    ("espace d’hébergement", "hebergement"),
    ("CENTRE MULTI-FONCTIONS", "multifonction"),
    ("en projet", "projet"),
    ("informel", "informel"),
    ("coopérative", None),
    ("", None),
    (None, None),
])
def test_resolve_type(value: str | None, key: str | None) -> None:
    assert resolve_type(value) == key


# --- links -----------------------------------------------------------------------------


def hub(**values: object) -> Hub:
    base: dict[str, object] = {"key": "k", "name": "Pôle", "type": "informel", "fiche": None,
                               "region_pages": ()}
    base.update(values)
    return Hub(**base)  # type: ignore[arg-type]


FULL = hub(fiche="Pôle A", region_pages=("Pôles ESS en Bretagne",),
           website="https://a.example.org")


def test_link_order_default_is_fiche_region_website() -> None:
    link = pin_link(FULL, base=BASE)
    assert link is not None
    assert (link.kind, link.url, link.page) == ("fiche", BASE + "P%C3%B4le_A", "Pôle A")
    region = pin_link(hub(region_pages=("Pôles ESS en Bretagne",), website="https://a.example.org"),
                      base=BASE)
    assert region is not None and region.kind == "region"
    assert region.url == BASE + "P%C3%B4les_ESS_en_Bretagne"
    website = pin_link(hub(website="https://a.example.org"), base=BASE)
    assert website is not None and (website.kind, website.url) == ("website",
                                                                   "https://a.example.org")


@pytest.mark.parametrize(("order", "kind"), [
    (("website", "fiche", "region"), "website"),
    (("region", "fiche"), "region"),
    (("fiche",), "fiche"),
])
def test_link_order_is_configurable(order: tuple[str, ...], kind: str) -> None:
    link = pin_link(FULL, order, BASE)
    assert link is not None and link.kind == kind


def test_no_link_when_the_hub_has_none_of_the_order() -> None:
    assert pin_link(hub(fiche="Pôle A"), ("website",), BASE) is None
    assert pin_link(hub(), base=BASE) is None


def test_without_wiki_url_wiki_pages_are_skipped() -> None:
    link = pin_link(FULL, base=None)
    assert link is not None and link.kind == "website"
    assert link_target(FULL) == ("fiche", "Pôle A")


def test_website_must_be_http() -> None:
    assert pin_link(hub(website="javascript:alert(1)"), base=BASE) is None


@pytest.mark.parametrize(("value", "url"), [
    ("http://a.example.org", "http://a.example.org"),
    ("https://a.example.org/x?y=1", "https://a.example.org/x?y=1"),
    ("www.ess-chambery.example.fr", "http://www.ess-chambery.example.fr"),
    ("//a.example.org", "https://a.example.org"),
    ("javascript:alert(1)", None),
    ("mailto:x@example.org", None),
    ("pas de site", None),
    ("", None),
    (None, None),
])
def test_web_url(value: str | None, url: str | None) -> None:
    assert web_url(value) == url


@pytest.mark.parametrize(("title", "url"), [
    ("Pôle ESS de Brest", BASE + "P%C3%B4le_ESS_de_Brest"),
    ("Maison de l'ESS d'Avignon", BASE + "Maison_de_l%27ESS_d%27Avignon"),
    ("Pôle A & B?", BASE + "P%C3%B4le_A_%26_B%3F"),
    ("Utilisateur:Camille Durand/Brouillon", BASE + "Utilisateur:Camille_Durand/Brouillon"),
    ("pôle (Nord)", BASE + "P%C3%B4le_(Nord)"),
])
def test_page_url(title: str, url: str) -> None:
    assert page_url(BASE, title) == url


def test_page_url_with_article_path() -> None:
    assert page_url("https://wiki.example.org/wiki/$1", "Pôle ESS") == (
        "https://wiki.example.org/wiki/P%C3%B4le_ESS")
    assert page_url("https://wiki.example.org/wiki/", "A b") == "https://wiki.example.org/wiki/A_b"


def test_article_base() -> None:
    assert article_base("https://wiki.example.org/w/api.php") == (
        "https://wiki.example.org/w/index.php?title=")
    assert article_base("https://w.example.org/w/api.php", "https://w.example.org/wiki/") == (
        "https://w.example.org/wiki/")
    assert article_base(None) is None
    assert article_base("https://wiki.example.org/") is None


def test_title_key() -> None:
    assert page_key(" pôle_ESS  de Brest ") == "Pôle ESS de Brest"
    assert page_key("[[Pôle ESS de Brest|Brest]]") == "Pôle ESS de Brest"
