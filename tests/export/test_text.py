"""normalise_name: the compare key of hub names."""

from __future__ import annotations

import pytest

from wikisync.text import normalise_name


@pytest.mark.parametrize(("given", "expected"), [
    ("Pôle ESS de Brest", "pole ess de brest"),
    ("PÔLE  ess DE   brest ", "pole ess de brest"),
    ("Maison de l’ESS d’Avignon", "maison de l ess d avignon"),
    ("Maison de l'ESS d'Avignon", "maison de l ess d avignon"),
    ("Pôle ESS Drôme-Ardèche", "pole ess drome ardeche"),
    ("Pôle ESS (Saint-Étienne).", "pole ess saint etienne"),
    ("Cœur de l'Œuvre", "coeur de l oeuvre"),
    ("Pôle\u00a0ESS\tde\nNîmes", "pole ess de nimes"),
    ("Fiche_initiative", "fiche initiative"),
    ("", ""),
    ("« — »", ""),
])
def test_normalise_name(given: str, expected: str) -> None:
    assert normalise_name(given) == expected


def test_typographic_and_straight_apostrophes_are_the_same_name() -> None:
    assert normalise_name("espace d’hébergement") == normalise_name("Espace d'Hébergement")


def test_idempotent() -> None:
    once = normalise_name("Pôle d’Économie Solidaire")
    assert normalise_name(once) == once
