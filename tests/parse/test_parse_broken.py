"""Broken pages keep their record: an unclosed infobox is rebuilt from its unambiguous part."""

from __future__ import annotations

import pytest

from wikisync.errors import UnsafeEdit
from wikisync.model import Record
from wikisync.parse import read_page, set_param
from wikisync.parse.broken import broken_calls, call_source
from wikisync.parse.tree import parse_wikitext

SINGLE_BRACE = (
    "{{Fiche initiative|nom=Pôle ESS de Brest|type=regroupement informel|commune=Brest"
    "|latitude=48.39|longitude=-4.49}\nLe pôle accueille des associations.\n"
    "[[Catégorie:Pôle ESS]]\n"
)


def only_fiche(text: str, title: str = "Pôle test") -> Record:
    """The one record of ``text``, which must be a fiche."""
    [record] = read_page(text, title).records
    assert record.source == "fiche"
    return record


def test_a_fiche_closed_by_one_brace_keeps_every_field() -> None:
    page = read_page(SINGLE_BRACE, "Pôle ESS de Brest")
    assert page.problem_codes == ["broken-template"]
    [record] = page.records
    assert (record.title, record.source, record.instance) == ("Pôle ESS de Brest", "fiche", 0)
    assert (record.name, record.type, record.commune) == ("Pôle ESS de Brest", "informel", "Brest")
    assert (record.lat, record.lon) == (48.39, -4.49)
    assert record.problem_codes == ["broken-template"]
    assert record.unsafe and page.unsafe


def test_without_a_close_the_last_parameter_is_dropped() -> None:
    text = "{{Fiche initiative\n| nom = X\n| commune = Brest\n| statut = SCIC\n"
    record = only_fiche(text, "X")
    assert record.params == {"nom": "X", "commune": "Brest"}
    assert record.legal_form is None
    assert "broken-template" in record.problem_codes


def test_a_value_running_into_the_text_is_not_read() -> None:
    text = "{{Fiche initiative\n| nom = X\n| commune = Brest\n\nLe pôle | un texte.\n"
    record = only_fiche(text, "X")
    assert record.params == {"nom": "X"}
    assert record.commune is None


def test_reading_stops_at_the_first_multi_line_or_positional_parameter() -> None:
    text = "{{Fiche initiative|nom=X|adresse=1 rue A\n2e étage|commune=Brest|positionnel|cp=29}"
    assert only_fiche(text, "X").params == {"nom": "X"}
    text = "{{Fiche initiative|nom=X|positionnel|commune=Brest}"
    assert only_fiche(text, "X").params == {"nom": "X"}


def test_a_table_after_the_infobox_is_no_close() -> None:
    text = "{{Fiche initiative\n|nom=X\n|commune=Brest\n\n{| class=\"wikitable\"\n|a\n|}\n"
    assert only_fiche(text, "X").params == {"nom": "X"}


def test_nested_templates_links_and_comments_stay_in_their_value() -> None:
    text = ("{{Fiche initiative <!-- infobox -->\n|nom=X\n|commune=[[Brest (29)|Brest]]"
            "\n|coordonnées={{Coord|48.39|-4.49}}\n|type=informel}")
    record = only_fiche(text, "X")
    assert (record.commune, record.lat, record.lon, record.type) == ("Brest", 48.39, -4.49,
                                                                      "informel")


def test_nothing_readable_still_gives_a_record_named_after_the_page() -> None:
    record = only_fiche("{{Fiche initiative", "Pôle ESS de Vannes")
    assert record.name == "Pôle ESS de Vannes"
    assert record.params == {}
    assert "broken-template" in record.problem_codes


def test_another_unclosed_call_ends_the_infobox() -> None:
    text = "{{Fiche initiative|nom=X|commune=Brest\n{{Lien|y|z}\n"
    assert only_fiche(text, "X").params == {"nom": "X"}


def test_only_fiches_are_rebuilt() -> None:
    page = read_page("{{Pôles ESS par région|région=Bretagne}\n{{Pôle ESS|nom=A|commune=B}\n")
    assert page.records == []
    assert page.problem_codes == ["broken-template"]


def test_a_broken_and_a_whole_infobox_are_two_fiches() -> None:
    page = read_page("{{Fiche initiative|nom=A}\n{{Fiche initiative|nom=B}}\n", "P")
    names = [(r.name, r.instance) for r in page.records]
    assert names == [("B", 0), ("A", 1)]  # the rebuilt one numbered after the readable ones
    assert all({"two-infoboxes", "broken-template"} <= set(r.problem_codes)
               for r in page.records)


def test_a_broken_infobox_under_a_redirect_name_needs_the_alias() -> None:
    text = "{{Fiche Initiative|nom=A|commune=Brest}"
    assert read_page(text, "P").records == []
    aliases = {"Fiche initiative": ["Modèle:Fiche Initiative"]}
    [record] = read_page(text, "P", aliases=aliases).records
    assert record.commune == "Brest"


def test_the_page_is_still_never_edited() -> None:
    with pytest.raises(UnsafeEdit) as caught:
        set_param(SINGLE_BRACE, "Fiche initiative", "carte", "https://osm.example/")
    assert "broken-template" in caught.value.problems


def test_an_ampersand_in_a_broken_name_is_not_tokenized_in_c() -> None:
    # the fallback name is built without mwparserfromhell's C tokenizer (upstream #352)
    [template] = broken_calls(parse_wikitext("{{Fiche &amp; [[x|y"))  # no template reparsed
    assert str(template.name) == "Fiche &amp; [[x"
    assert template.params == []


@pytest.mark.parametrize(("text", "source", "closed"), [
    ("{{A|b=1}\nrest", "{{A|b=1", True),
    ("{{A|b=1\nrest", "{{A|b=1\nrest", False),
    ("{{A|b=1{{c", "{{A|b=1", False),
])
def test_call_source(text: str, source: str, closed: bool) -> None:
    assert call_source(text, []) == (source, closed)
