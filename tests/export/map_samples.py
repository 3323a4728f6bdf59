"""Records for the map tests: fiches, Pôle ESS rows and region headers across France.

15 hubs: 13 with coordinates (association 2, hebergement 2, multifonction 3, projet 2,
informel 3, unknown type 1) and 2 without (Dijon, Limoges).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from wikisync.model import Record

ARTICLE_BASE = "http://127.0.0.1:8080/index.php?title="  # tests never leave 127.0.0.1
REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "examples" / "samples"

BRETAGNE = "Pôles ESS en Bretagne"
PAYS_DE_LA_LOIRE = "Pôles ESS en Pays de la Loire"
OCCITANIE = "Pôles ESS en Occitanie"
NOUVELLE_AQUITAINE = "Pôles ESS en Nouvelle-Aquitaine"
AQUITAINE = "Pôles ESS en Aquitaine"
AURA = "Pôles ESS en Auvergne-Rhône-Alpes"
BFC = "Pôles ESS en Bourgogne-Franche-Comté"
NORMANDIE = "Pôles ESS en Normandie"

LORIENT = "Pôle de coopération solidaire du Pays de Lorient"
MORLAIX = "Pôle ESS du Pays de Morlaix"
NANTES = "Espace d'hébergement solidaire de Nantes"

EXPECTED_PINS = 13
EXPECTED_COUNTS = {"association": 2, "hebergement": 2, "multifonction": 3, "projet": 2,
                   "informel": 3}
EXPECTED_MISSING = {"Coopérative solidaire de Dijon", "Tiers-lieu solidaire de Limoges"}


def fiche(title: str, type_: str | None, commune: str, lat: float | None, lon: float | None,
          region: str | None = None, website: str | None = None,
          name: str | None = None) -> Record:
    """A Fiche initiative record."""
    return Record(title=title, source="fiche", name=name or title, type=type_, region=region,
                  commune=commune, lat=lat, lon=lon, website=website)


def row(page: str, instance: int, name: str, type_: str | None, commune: str | None,
        lat: float | None = None, lon: float | None = None, website: str | None = None,
        fiche_title: str | None = None) -> Record:
    """A Pôle ESS row on a region page."""
    return Record(title=page, source="row", name=name, type=type_, commune=commune, lat=lat,
                  lon=lon, website=website, fiche=fiche_title, instance=instance)


def header(page: str, region: str) -> Record:
    """The Pôle ESS par région header of a region page."""
    return Record(title=page, source="region", region=region)


def sample_records() -> list[Record]:
    """The test wiki's records, in no particular order."""
    return [
        header(BRETAGNE, "Bretagne"),
        fiche(LORIENT, "association de développement", "[[Lorient]]", 47.7483, -3.3702,
              "Bretagne", "http://www.example.org/pole-lorient"),
        row(BRETAGNE, 0, LORIENT, "association de développement", "Lorient",
            fiche_title=LORIENT),
        row(BRETAGNE, 1, "Collectif ESS du Centre-Bretagne", "regroupement informel",
            "Carhaix-Plouguer", 48.2766, -3.5730, "http://www.example.org/centre-bretagne"),
        fiche(MORLAIX, "centre multifonctions", "[[Morlaix]]", 48.5775, -3.8276, "Bretagne",
              name="Pôle ESS du pays de Morlaix"),
        row(BRETAGNE, 2, "Pole ESS du Pays de Morlaix", "centre multi-fonctions", "Morlaix"),
        header(PAYS_DE_LA_LOIRE, "Pays de la Loire"),
        fiche(NANTES, "espace d’hébergement", "Nantes", 47.2184, -1.5536, "Pays de la Loire"),
        row(PAYS_DE_LA_LOIRE, 0, "Espace d’hébergement solidaire (Nantes)", "hébergement",
            "Nantes", fiche_title="Espace_d'hébergement solidaire de Nantes"),
        fiche("Centre ESS de Lille", "centre multi-fonctions", "Lille", 50.6292, 3.0573,
              "Hauts-de-France", "https://www.example.org/lille"),
        header(OCCITANIE, "Occitanie"),
        row(OCCITANIE, 0, "Pôle en projet du Grand Figeac", "pôle en projet", "Figeac",
            44.6086, 2.0317),
        header(AURA, "Auvergne-Rhône-Alpes"),
        row(AURA, 0, "Regroupement des acteurs solidaires de Grenoble", "informel", "Grenoble",
            45.1885, 5.7245, "www.example.org/grenoble"),
        fiche("Association de développement ESS de Lyon", "association de développement",
              "Lyon", 45.7640, 4.8357, "Auvergne-Rhône-Alpes"),
        fiche("Hôtel d'entreprises solidaires de Marseille", "espace d'hébergement",
              "Marseille", 43.2965, 5.3698, "Provence-Alpes-Côte d'Azur",
              "https://www.example.org/marseille"),
        header(NOUVELLE_AQUITAINE, "Nouvelle-Aquitaine"),
        header(AQUITAINE, "Aquitaine"),
        fiche("Pôle ESS de Bordeaux", "centre multi-fonctions", "Bordeaux", 44.8378, -0.5792),
        row(NOUVELLE_AQUITAINE, 0, "Pôle ESS de Bordeaux", "centre multi-fonctions",
            "Bordeaux"),
        row(AQUITAINE, 0, "Pôle ESS de Bordeaux", "centre multi-fonctions", None),
        fiche("Pôle en projet de Strasbourg", "en projet", "Strasbourg", 48.5734, 7.7521,
              "Grand Est"),
        header(BFC, "Bourgogne-Franche-Comté"),
        row(BFC, 0, "Coopérative solidaire de Dijon", "association de développement", "Dijon",
            website="https://www.example.org/dijon"),
        fiche("Tiers-lieu solidaire de Limoges", "espace d'hébergement", "Limoges", None, None,
              "Nouvelle-Aquitaine"),
        fiche("Réseau solidaire de Tours", "regroupement informel", "Tours", 47.3941, 0.6848,
              "Centre-Val de Loire", "https://www.example.org/tours"),
        header(NORMANDIE, "Normandie"),
        row(NORMANDIE, 0, "Pôle ESS de Caen", "coopérative", "Caen", 49.1829, -0.3707),
    ]


def sample_wiki_expected() -> dict[str, Any]:
    """``examples/samples/expected.json``: what the sample wiki holds."""
    return dict(json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8")))


def sample_wiki_records() -> list[Record]:
    """The records of the sample wiki's pages (``examples/samples``), read by the parser."""
    from wikisync.parse import parse

    titles = json.loads((SAMPLES / "pages.json").read_text(encoding="utf-8"))
    redirects = sample_wiki_expected()["template_redirects"]
    aliases = {target: [name] for name, target in redirects.items()}
    records: list[Record] = []
    for file_name, title in titles.items():
        text = (SAMPLES / "pages" / file_name).read_text(encoding="utf-8")
        records += parse(text, title, aliases=aliases)
    return records
