"""Writes change one parameter's value and nothing else, or refuse with UnsafeEdit."""

from __future__ import annotations

import pytest

from wikisync.errors import UnsafeEdit
from wikisync.model import Change
from wikisync.parse import apply_changes, escape_value, parse, read_page, remove_param, set_param
from wikisync.parse.tree import parse_wikitext

ALIGNED = """Avant.
{{Fiche initiative
| nom         = Pôle A
| type        = informel
| site        = http://a.example.org <!-- ancienne adresse -->
| création    = 2005<ref>Étude 2009</ref>
| adresse     = 1 rue X
                29200 Brest
}}
Après {{Pôle ESS|nom=B}}.
"""


def test_unchanged_value_gives_identical_text() -> None:
    assert set_param(ALIGNED, "Fiche initiative", "nom", "Pôle A") == ALIGNED
    assert set_param(ALIGNED, "Fiche initiative", "nom", "  Pôle A ") == ALIGNED
    assert remove_param(ALIGNED, "Fiche initiative", "absent") == ALIGNED
    assert apply_changes(ALIGNED, []) == ALIGNED


def test_only_the_value_changes() -> None:
    new = set_param(ALIGNED, "Fiche initiative", "nom", "Pôle B")
    assert new == ALIGNED.replace("= Pôle A\n", "= Pôle B\n")


def test_alias_already_on_the_page_is_written_in_place() -> None:
    new = set_param(ALIGNED, "Fiche initiative", "site web", "https://b.example.org")
    assert new == ALIGNED.replace("http://a.example.org <!--", "https://b.example.org <!--")
    assert "site web" not in new


def test_field_names_stand_for_their_canonical_parameter() -> None:
    new = set_param(ALIGNED, "Fiche initiative", "map_link", "https://osm.example.org/1")
    assert "| carte       = https://osm.example.org/1\n}}" in new


def test_trailing_comment_and_ref_are_kept() -> None:
    new = set_param(ALIGNED, "fiche initiative", "création", "2006")
    assert "| création    = 2006<ref>Étude 2009</ref>\n" in new


def test_multiline_value_is_replaced_whole() -> None:
    new = set_param(ALIGNED, "Fiche initiative", "adresse", "2 rue Y")
    assert new == ALIGNED.replace("1 rue X\n                29200 Brest\n", "2 rue Y\n")


def test_removing_keeps_the_layout() -> None:
    new = remove_param(ALIGNED, "Fiche initiative", "site")
    line = "| site        = http://a.example.org <!-- ancienne adresse -->\n"
    assert new == ALIGNED.replace(line, "")
    new = remove_param(ALIGNED, "Fiche initiative", "adresse")
    assert new == ALIGNED.replace("| adresse     = 1 rue X\n                29200 Brest\n", "")


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("{{Pôle ESS|nom=A|type=b}}", "{{Pôle ESS|nom=A|type=b|carte=U}}"),
        ("{{Pôle ESS | nom = A | type = b }}", "{{Pôle ESS | nom = A | type = b | carte = U }}"),
        ("{{Pôle ESS\n|nom=A\n|type=b\n}}", "{{Pôle ESS\n|nom=A\n|type=b\n|carte=U\n}}"),
        ("{{Pôle ESS\n| nom = A\n| type = b\n}}",
         "{{Pôle ESS\n| nom = A\n| type = b\n| carte = U\n}}"),
        ("{{Pôle ESS\n| nom  = A\n| type = b\n}}",
         "{{Pôle ESS\n| nom  = A\n| type = b\n| carte = U\n}}"),
        # the indent before ``|`` belongs to the previous value: the new line cannot have it
        ("{{Pôle ESS\n\t| nom\t= A\n\t| type\t= b\n}}",
         "{{Pôle ESS\n\t| nom\t= A\n\t| type\t= b\n| carte\t= U\n}}"),
        ("{{Pôle ESS}}", "{{Pôle ESS|carte=U}}"),
        ("{{Pôle ESS\n}}", "{{Pôle ESS\n| carte = U\n}}"),
        ("{{Pôle ESS|A|type=b}}", "{{Pôle ESS|A|type=b|carte=U}}"),
    ],
)
def test_new_parameters_follow_the_template_style(before: str, after: str) -> None:
    assert set_param(before, "Pôle ESS", "carte", "U") == after


def test_aligned_names_are_padded_to_the_column() -> None:
    text = "{{Pôle ESS\n| nom          = A\n| type         = b\n| code postal  = 1\n}}"
    new = set_param(text, "Pôle ESS", "carte", "U")
    assert new.endswith("| code postal  = 1\n| carte        = U\n}}")
    longer = set_param(text, "Pôle ESS", "année de création", "2001")
    assert longer.endswith("| année de création = 2001\n}}")


def test_duplicates_elsewhere_survive_an_edit() -> None:
    text = "{{Fiche initiative|nom=A|nom=B|site=x|type=informel|type=projet}}"
    new = set_param(text, "Fiche initiative", "site", "https://y.example.org")
    assert new == text.replace("site=x", "site=https://y.example.org")


def test_the_traps_of_template_add_are_avoided() -> None:
    """mwparserfromhell's ``Template.add`` drops the ref and the duplicate; we do not."""
    text = "{{T|a=1<ref>r</ref>|b=x|a=2 <!-- c -->}}"
    tree = parse_wikitext(text)
    tree.filter_templates()[0].add("a", "3")
    assert str(tree) == "{{T|a=3|b=x}}"
    with pytest.raises(UnsafeEdit):  # a duplicated target: refused, not silently merged
        set_param(text, "T", "a", "3")
    assert set_param("{{T|a=1<ref>r</ref>|b=x}}", "T", "a", "3") == "{{T|a=3<ref>r</ref>|b=x}}"


@pytest.mark.parametrize(
    ("text", "param"),
    [
        ("{{Fiche initiative|site web=a|statut=b|site web=c}}", "site web"),
        ("{{Fiche initiative|site web=a|site=c}}", "site web"),
        ("{{Fiche initiative|site web=a|site=c}}", "url"),
        ("{{Fiche initiative|nom=a|name=c}}", "titre"),
    ],
)
def test_a_duplicated_target_is_refused(text: str, param: str) -> None:
    with pytest.raises(UnsafeEdit) as caught:
        set_param(text, "Fiche initiative", param, "z")
    assert caught.value.problems == ("duplicate-param",)
    assert "\n" not in caught.value.message


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("{{nobots}}{{Fiche initiative|nom=A}}", "nobots"),
        ("{{bots|allow=AutreBot}}{{Fiche initiative|nom=A}}", "nobots"),
        ("{{Fiche initiative|nom=A}}\n{{Lien|x", "broken-template"),
        ("{{Fiche initiative|nom=A}}<!-- x", "unclosed-comment"),
        ("{{Fiche initiative|nom=A}}{{Fiche initiative|nom=B}}", "two-infoboxes"),
    ],
)
def test_unsafe_pages_are_refused(text: str, code: str) -> None:
    with pytest.raises(UnsafeEdit) as caught:
        set_param(text, "Fiche initiative", "carte", "U", title="P")
    assert code in caught.value.problems
    assert caught.value.message.startswith("P: unsafe to edit: ")
    assert "\n" not in caught.value.message


def test_missing_instance_is_refused() -> None:
    with pytest.raises(UnsafeEdit, match="no Pôle ESS #3"):
        set_param(ALIGNED, "Pôle ESS", "carte", "U", instance=3)


def test_several_changes_in_one_call() -> None:
    changes = [
        Change("P", "Pôle ESS", 0, "carte", None, "U", "map"),
        Change("P", "Fiche initiative", 0, "type", "informel", "pôle en projet", "dataset"),
        Change("P", "Fiche initiative", 0, "site", None, None, "remove"),
    ]
    new = apply_changes(ALIGNED, changes, check_old=True)
    [fiche, row] = parse(new)
    assert (fiche.type, fiche.website, row.map_link) == ("projet", None, "U")
    assert new.startswith("Avant.\n") and new.endswith("}}.\n")


def test_check_old_refuses_a_stale_change() -> None:
    change = Change("P", "Fiche initiative", 0, "type", "projet", "informel", "dataset")
    with pytest.raises(UnsafeEdit, match="is now 'informel'"):
        apply_changes(ALIGNED, [change], check_old=True)
    assert apply_changes(ALIGNED, [change]) == ALIGNED  # without the check: same value


def test_any_template_can_be_edited() -> None:
    text = "{{Liste pôles ESS|région=Bretagne}}\nx\n{{Fin liste pôles ESS}}"
    new = set_param(text, "Liste pôles ESS", "région", "Corse")
    assert new == text.replace("Bretagne", "Corse")
    new = set_param(text, "liste_pôles ESS", "tri", "commune")
    assert new.startswith("{{Liste pôles ESS|région=Bretagne|tri=commune}}")


def test_redirect_names_are_edited_through_their_target() -> None:
    text = "{{Fiche Initiative|nom=A}}"
    aliases = {"Fiche initiative": ["Fiche Initiative"]}
    new = set_param(text, "Fiche initiative", "nom", "B", aliases=aliases)
    assert new == "{{Fiche Initiative|nom=B}}"
    with pytest.raises(UnsafeEdit):
        set_param(text, "Fiche initiative", "nom", "B")


@pytest.mark.parametrize(
    "value",
    ["a|b", "{{x}}", "a}}", "[[Brest]]", "x <!-- y -->", "=début", "l1\nl2", "&amp;", "R&D",
     "~~~~", "''gras''", "a<ref>b</ref>", "__NOTOC__", "x}", "[http://a b]", "<nowiki>",
     "</nowiki>", "a &#124; b", "http://a.example.org/?a=1&b=2|c"],
)
def test_escaped_values_read_back(value: str) -> None:
    text = "{{Fiche initiative\n| nom = A\n| type = informel\n}}"
    new = set_param(text, "Fiche initiative", "nom", value)
    [record] = parse(new)
    assert record.name == value
    assert record.params["type"] == "informel"
    assert new.startswith("{{Fiche initiative\n| nom = ")
    assert new.endswith("\n| type = informel\n}}")


def test_escape_forms() -> None:
    assert escape_value("  simple  ") == "simple"
    assert escape_value("a|b") == "a{{!}}b"
    assert escape_value("a\nb") == "a&#10;b"
    assert escape_value("&nbsp;") == "&amp;nbsp;"
    assert escape_value("R&D") == "R&D"
    assert escape_value("{{x}}") == "<nowiki>{{x}}</nowiki>"
    assert escape_value("a|<b>") == "<nowiki>a|&lt;b></nowiki>"
    assert escape_value("=x") == "<nowiki>=x</nowiki>"
    assert escape_value("l’ESS") == "l'ESS"


def test_raw_values_are_written_as_given_but_still_checked() -> None:
    text = "{{Fiche initiative|nom=A}}"
    new = set_param(text, "Fiche initiative", "nom", "[[A]]", raw=True)
    assert new == "{{Fiche initiative|nom=[[A]]}}"
    with pytest.raises(UnsafeEdit, match="would be broken"):
        set_param(text, "Fiche initiative", "nom", "{{oups", raw=True)
    with pytest.raises(UnsafeEdit):
        set_param(text, "Fiche initiative", "nom", "}}{{Fiche initiative|nom=B", raw=True)


def test_crlf_pages_keep_their_line_ends() -> None:
    text = "{{Fiche initiative\r\n| nom = A\r\n}}\r\n"
    new = set_param(text, "Fiche initiative", "nom", "B")
    assert new == "{{Fiche initiative\r\n| nom = B\r\n}}\r\n"
    assert set_param(text, "Fiche initiative", "carte", "U") == (
        "{{Fiche initiative\r\n| nom = A\r\n| carte = U\r\n}}\r\n"
    )


def test_value_that_was_a_placeholder_comment_is_replaced() -> None:
    text = "{{Fiche initiative\n| site web = <!-- à compléter -->\n}}"
    new = set_param(text, "Fiche initiative", "site web", "https://a.example.org")
    assert new == "{{Fiche initiative\n| site web = https://a.example.org\n}}"
    page = read_page(new)
    assert page.records[0].website == "https://a.example.org"


def test_a_value_that_already_reads_the_same_is_left_as_written() -> None:
    text = "{{Fiche initiative|commune=[[Brest]]|statut=l’asso}}"
    text += "{{Pôle ESS|fiche=[[Pôle X|la fiche]]}}"
    assert set_param(text, "Fiche initiative", "commune", "Brest") == text
    assert set_param(text, "Fiche initiative", "statut", "l'asso") == text
    assert set_param(text, "Pôle ESS", "fiche", "Pôle X") == text
    assert set_param(text, "Pôle ESS", "fiche", "Pôle Y").endswith("|fiche=Pôle Y}}")
    assert set_param(text, "Fiche initiative", "commune", "[[Brest]]", raw=True) == text


def test_an_empty_new_parameter_has_no_dangling_space() -> None:
    text = "{{Pôle ESS\n| nom = A\n}}"
    assert set_param(text, "Pôle ESS", "carte", "") == "{{Pôle ESS\n| nom = A\n| carte =\n}}"
