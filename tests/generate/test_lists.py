"""Rendering list bodies and rewriting the blocks of a page text (pure, no wiki)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from gen_helpers import ASSO, PROJET, fiche, hubs_of, rewriter

from wikisync.errors import UnsafeEdit
from wikisync.generate.lists import ListRenderer, add_block
from wikisync.generate.templates import TemplateError, environment
from wikisync.parse import PageReader, escape_value
from wikisync.schema import Schema

PAGES = {
    "Brest": fiche("Pôle de Brest", "Bretagne", site="http://brest.example.org"),
    "Lorient": fiche("Pôle de Lorient", "Bretagne", PROJET, "Lorient"),
    "Quimper": fiche("Pôle de Quimper", "Bretagne", commune="Quimper"),
    "Lyon": fiche("Pôle de Lyon", "Auvergne-Rhône-Alpes", commune="Lyon"),
}
PAGE = ("Texte au-dessus, '''gras'''.\n\n{{Liste pôles ESS|région=Bretagne}}\n\n"
        "== Après ==\nTexte en dessous.\n[[Catégorie:X]]")


def rows(body: str) -> list[str]:
    """The row calls of a rendered body, in order."""
    return [line for line in body.splitlines() if line.startswith("{{Pôle ESS|")]


def test_opener_without_closer_gets_body_and_closer_text_around_is_kept() -> None:
    done = rewriter(PAGES).rewrite(PAGE, "Page")
    head, rest = done.text.split("{{Liste pôles ESS|région=Bretagne}}")
    body, tail = rest.split("{{Fin liste pôles ESS}}")
    assert head + "{{Liste pôles ESS|région=Bretagne}}" + tail == PAGE
    assert [r.split("|")[1] for r in rows(body)] == [
        "nom=Pôle de Brest", "nom=Pôle de Quimper", "nom=Pôle de Lorient"]
    assert done.blocks == 1 and done.errors == [] and not done.added


def test_second_rewrite_changes_nothing() -> None:
    rw = rewriter(PAGES)
    once = rw.rewrite(PAGE, "Page").text
    assert rw.rewrite(once, "Page").text == once


def test_editor_change_inside_the_block_is_overwritten() -> None:
    rw = rewriter(PAGES)
    once = rw.rewrite(PAGE, "Page").text
    edited = once.replace("nom=Pôle de Quimper", "nom=Pôle modifié à la main")
    assert rw.rewrite(edited, "Page").text == once


def test_two_blocks_with_their_own_parameters() -> None:
    text = ("{{Liste pôles ESS|région=Bretagne|type=pôle en projet}}\nvieux\n"
            "{{Fin liste pôles ESS}}\nentre\n{{Liste pôles ESS|région=Auvergne-Rhône-Alpes}}")
    done = rewriter(PAGES).rewrite(text, "P").text
    first, second = done.split("\nentre\n")
    assert [r.split("|")[1] for r in rows(first)] == ["nom=Pôle de Lorient"]
    assert [r.split("|")[1] for r in rows(second)] == ["nom=Pôle de Lyon"]
    assert second.endswith("{{Fin liste pôles ESS}}")


def test_groups_follow_the_legend_with_the_pictogram() -> None:
    body = rewriter(PAGES).rewrite(PAGE, "P").text
    captions = [line for line in body.splitlines() if line.startswith("|+")]
    assert captions == [f"|+ {{{{Pictogramme type pôle ESS|1={ASSO}}}}} (2)",
                        f"|+ {{{{Pictogramme type pôle ESS|1={PROJET}}}}} (1)"]
    assert body.count('{| class="wikitable sortable"\n|+') == 2
    assert body.count("! Pôle !! Type !! Commune !! Site") == 2


def test_row_links_to_fiche_and_website() -> None:
    body = rewriter(PAGES).rewrite(PAGE, "P").text
    assert (f"{{{{Pôle ESS|nom=Pôle de Brest|type={ASSO}|commune=Brest|"
            "site web=http://brest.example.org|fiche=Brest}}") in body


def test_sort_by_commune_and_department_filter() -> None:
    pages = {**PAGES, "X": fiche("Pôle A", "Bretagne", commune="Vannes").replace(
        "| commune", "| département = 56\n| commune")}
    text = "{{Liste pôles ESS|région=Bretagne|tri=commune}}"
    names = [r.split("|")[1] for r in rows(rewriter(pages).rewrite(text, "P").text)]
    assert names == ["nom=Pôle de Brest", "nom=Pôle de Quimper", "nom=Pôle A",
                     "nom=Pôle de Lorient"]  # grouped by type, then by commune
    text = "{{Liste pôles ESS|département=Morbihan}}"
    assert [r.split("|")[1] for r in rows(rewriter(pages).rewrite(text, "P").text)] == [
        "nom=Pôle A"]


def test_wrong_parameters_are_shown_in_the_block() -> None:
    done = rewriter(PAGES).rewrite("{{Liste pôles ESS|regoin=Bretagne}}", "P")
    assert done.errors == ["paramètre inconnu « regoin » (paramètres : région, type, "
                           "département, tri, modèle)"]
    assert '<strong class="error">' in done.text and rows(done.text) == []
    done = rewriter(PAGES).rewrite("{{Liste pôles ESS|tri=date}}", "P")
    assert done.errors[0].startswith("tri inconnu « date »")


def test_empty_list_says_so() -> None:
    done = rewriter(PAGES).rewrite("{{Liste pôles ESS|région=Nulle part}}", "P").text
    assert "Aucun pôle" in done and done.endswith("{{Fin liste pôles ESS}}")


def test_other_row_template() -> None:
    text = rewriter(PAGES).rewrite("{{Liste pôles ESS|région=Bretagne|modèle=Pôle court}}",
                                   "P").text
    assert text.count("{{Pôle court|nom=") == 3


def test_rendering_is_deterministic_whatever_the_input_order() -> None:
    hubs = hubs_of(PAGES)
    schema = Schema()
    expected = ListRenderer(environment(), schema, hubs).body({})[0]
    for seed in range(5):
        shuffled = hubs[:]
        random.Random(seed).shuffle(shuffled)
        assert ListRenderer(environment(), schema, shuffled).body({})[0] == expected
    by_type = ListRenderer(environment(), schema, hubs).body({"tri": "type"})[0]
    assert by_type == ListRenderer(environment(), schema, hubs[::-1]).body({"tri": "type"})[0]


@pytest.mark.parametrize("name", ["A | B", "Pôle }} fermé", "[[Lien]] pôle", "Pôle <b>gras</b>",
                                  "Pôle {{!}} & co", "''Pôle'' ~~~~", "= Pôle"])
def test_awkward_names_render_and_read_back(name: str) -> None:
    pages = {"F": fiche(escape_value(name), "Bretagne")}
    [hub] = hubs_of(pages)
    assert hub.name == name
    text = "Avant\n{{Liste pôles ESS|région=Bretagne}}\nAprès"
    done = rewriter(pages).rewrite(text, "P").text
    reader = PageReader(Schema())
    assert not reader.read(done, "P").unsafe_problems()
    [block_row] = rows(done)
    [record] = reader.read(block_row, "P").records  # the row alone, outside any block
    assert record.name == name and record.fiche == "F"
    assert done.startswith("Avant\n{{Liste pôles ESS|région=Bretagne}}\n")
    assert done.endswith("{{Fin liste pôles ESS}}\nAprès")


def test_region_page_gets_a_block_before_its_categories_only_when_asked() -> None:
    region = ("{{Pôle ESS par région|région=Bretagne}}\nTexte.\n\n"
              "[[Catégorie:Pôle ESS par région]]\n[[Catégorie:Bretagne]]")
    assert rewriter(PAGES).rewrite(region, "R").text == region
    done = rewriter(PAGES, region_blocks=True).rewrite(region, "R")
    assert done.added and done.blocks == 0
    head, rest = done.text.split("{{Liste pôles ESS|région=Bretagne}}\n")
    body, tail = rest.split("{{Fin liste pôles ESS}}")
    assert head == "{{Pôle ESS par région|région=Bretagne}}\nTexte.\n\n"
    assert tail == "\n\n[[Catégorie:Pôle ESS par région]]\n[[Catégorie:Bretagne]]"
    assert len(rows(body)) == 3
    again = rewriter(PAGES, region_blocks=True).rewrite(done.text, "R")
    assert again.text == done.text and not again.added


@pytest.mark.parametrize(("text", "expected"), [
    ("Texte", "Texte\n\nOPEN"),
    ("Texte\n", "Texte\n\nOPEN"),
    ("", "OPEN"),
    ("T\n[[Catégorie:A]]", "T\n\nOPEN\n\n[[Catégorie:A]]"),
    ("T\n\n\n[[category:A]] [[Catégorie:B]]\n{{DEFAULTSORT:x}}\n__NOTOC__",
     "T\n\n\nOPEN\n\n[[category:A]] [[Catégorie:B]]\n{{DEFAULTSORT:x}}\n__NOTOC__"),
])
def test_add_block_only_inserts(text: str, expected: str) -> None:
    assert add_block(text, "OPEN") == expected


def test_a_template_that_breaks_the_block_is_refused(tmp_path: Path) -> None:
    (tmp_path / "liste-poles.wiki.j2").write_text("{{ '{{' }}Fin liste pôles ESS}}\nx\n")
    with pytest.raises(UnsafeEdit, match="would not read back"):
        rewriter(PAGES, tmp_path).rewrite(PAGE, "P")
    (tmp_path / "liste-poles.wiki.j2").write_text("{{ '{{' }}Pôle ESS|nom=x\n")
    with pytest.raises(UnsafeEdit, match="unsafe"):
        rewriter(PAGES, tmp_path).rewrite(PAGE, "P")


def test_undefined_variable_names_template_and_variable(tmp_path: Path) -> None:
    (tmp_path / "liste-poles.wiki.j2").write_text("{% for hub in hubs %}{{ hub.nme }}{% endfor %}")
    with pytest.raises(TemplateError) as error:
        rewriter(PAGES, tmp_path).rewrite(PAGE, "P")
    assert error.value.message == (
        "template liste-poles.wiki.j2: undefined variable: 'dict object' has no attribute 'nme'")
    (tmp_path / "liste-poles.wiki.j2").write_text("{{ nombre }}")
    with pytest.raises(TemplateError, match=r"^template liste-poles.wiki.j2: undefined "
                       r"variable: 'nombre' is undefined$"):
        rewriter(PAGES, tmp_path).rewrite(PAGE, "P")


def test_user_folder_overrides_shipped_templates(tmp_path: Path) -> None:
    (tmp_path / "liste-poles.wiki.j2").write_text("{{ count }} pôles\n")
    assert "\n3 pôles\n{{Fin" in rewriter(PAGES, tmp_path).rewrite(PAGE, "P").text
