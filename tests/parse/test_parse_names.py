"""Template and parameter names are matched as MediaWiki matches them."""

from __future__ import annotations

import pytest

from wikisync.parse import TemplateMatcher, param_key, template_key
from wikisync.parse.names import same_field_names
from wikisync.schema import Schema
from wikisync.text import title_key


@pytest.mark.parametrize(
    "written",
    [
        "Fiche initiative",
        "fiche initiative",
        "Fiche_initiative",
        "  Fiche initiative \n",
        "Modèle:Fiche initiative",
        "modèle : fiche_initiative",
        "Template:Fiche initiative",
        "Fiche  initiative",
        "Fiche initiative<!-- infobox -->",
        "Fiche initiative <!-- infobox -->\n",
    ],
)
def test_fiche_spellings_match(written: str) -> None:
    assert TemplateMatcher().kind(written) == "fiche"


@pytest.mark.parametrize(
    "written",
    ["Fiche Initiative", "Fiche initiatives", "Fiches initiative", "Catégorie:Fiche initiative",
     "Fiche", ":Fiche initiative", "Utilisateur:Fiche initiative"],
)
def test_other_names_do_not_match(written: str) -> None:
    assert TemplateMatcher().kind(written) is None


def test_redirect_aliases_match_only_when_given() -> None:
    plain = TemplateMatcher()
    with_alias = TemplateMatcher(aliases={"Fiche initiative": ["Modèle:Fiche Initiative"]})
    assert plain.kind("Fiche Initiative") is None
    assert with_alias.kind("fiche Initiative") == "fiche"
    assert with_alias.kind("Fiche initiative") == "fiche"
    # an alias for something that is not a record template is ignored, not an error
    assert TemplateMatcher(aliases={"Infobox": ["Boîte"]}).kind("Boîte") is None


def test_aliases_may_name_the_kind_and_rows_and_regions_are_distinct() -> None:
    matcher = TemplateMatcher(aliases={"row": ["Ligne pôle"]})
    assert matcher.kind("Ligne pôle") == "row"
    assert matcher.kind("Pôle ESS") == "row"
    assert matcher.kind("pôle ESS par région") == "region"
    assert matcher.kind("Pôle ESS par Région") is None  # only the first letter folds


def test_schema_names_are_used() -> None:
    schema = Schema(fiche_template="Infobox hub")
    assert TemplateMatcher(schema).kind("infobox_hub") == "fiche"
    assert TemplateMatcher(schema).kind("Fiche initiative") is None


def test_names_for_a_kind_include_its_redirects() -> None:
    matcher = TemplateMatcher(aliases={"Fiche initiative": ["Fiche Initiative"]})
    assert matcher.names_for("Fiche initiative") == {"Fiche initiative", "Fiche Initiative"}
    assert matcher.names_for("Liste pôles ESS") == {"Liste pôles ESS"}


def test_keys() -> None:
    assert title_key(" pôle_ESS  de_Brest ") == "Pôle ESS de Brest"
    assert template_key("Template:foo") == "Foo"
    assert template_key("#if:x") == "#if:x"
    assert param_key(" site web <!-- url --> ") == "site web"
    assert param_key("Nom") == "Nom"  # parameter names keep their case, as in MediaWiki
    assert param_key("re\u0301gion") == "région"  # NFC


def test_same_field_names() -> None:
    schema = Schema()
    assert same_field_names(schema, "site") == ("site", "site web", "site internet", "url")
    assert same_field_names(schema, "courriel") == ("courriel",)  # contact parts are distinct
    assert same_field_names(schema, "inconnu") == ("inconnu",)
