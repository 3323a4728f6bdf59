"""The public API (docs/api.md), used only as other bot authors use it: ``from wikisync import``.

Reading never raises; each edit is one splice (everything else byte for byte) or an
``UnsafeEdit`` with its codes; ``import wikisync`` stays light; the CLI's ``parse`` and
``set`` give what the API gives.
"""

from __future__ import annotations

import json
import subprocess
import sys
import typing
from pathlib import Path

import pytest
from click.testing import CliRunner

import wikisync
from wikisync import (
    PageParse,
    Problem,
    Record,
    Schema,
    UnsafeEdit,
    WikisyncError,
    add_param,
    read_page,
    remove_param,
    set_param,
)

FICHE = """Le pôle de Brest.
{{Fiche initiative
| nom = Pôle ESS du Pays de Brest <!-- nom officiel -->
| type = pôle en projet
| commune = Brest
| latitude = 48.39
| longitude = -4.49
| site internet = http://ancien.example.org<ref>annuaire 2020</ref>
| site web_bis =
}}
Suite du texte, écrite par une personne.
"""
REGION = ("{{Pôle ESS par région|région=Bretagne}}\n"
          "* {{Pôle ESS|nom=Pôle A|commune=Rennes}}\n"
          "* {{Pôle ESS|nom=Pôle B|type=informel}}\n")
FUNCTIONS = (read_page, set_param, add_param, remove_param)


def one_splice(old: str, new: str) -> tuple[int, str, str]:
    """(where, removed, inserted): the one contiguous difference between two texts."""
    start = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b),
                 min(len(old), len(new)))
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return start, old[start:len(old) - end], new[start:len(new) - end]


def refusal(call: typing.Callable[[], str]) -> UnsafeEdit:
    """The UnsafeEdit a call raises (the test fails if it returns a text instead)."""
    with pytest.raises(UnsafeEdit) as caught:
        call()
    return caught.value


# --- the package ---------------------------------------------------------------------------


def test_every_public_name_loads_from_the_top_level_package() -> None:
    expected = {"read_page", "set_param", "add_param", "remove_param", "PageParse", "Record",
                "Problem", "Schema", "UnsafeEdit", "WikisyncError", "Aliases", "__version__"}
    assert set(wikisync.__all__) == expected
    assert all(getattr(wikisync, name) is not None for name in wikisync.__all__)
    assert expected <= set(dir(wikisync))
    assert issubclass(UnsafeEdit, WikisyncError) and UnsafeEdit.exit_code == 1


def test_an_unknown_name_is_an_attribute_error_and_submodules_still_import() -> None:
    with pytest.raises(AttributeError, match="no attribute 'frobnicate'"):
        _ = wikisync.frobnicate  # type: ignore[attr-defined]
    from wikisync import cli  # a submodule, not a public name: imported as usual
    assert cli.__name__ == "wikisync.cli"


def test_the_functions_are_fully_typed_and_the_package_says_so() -> None:
    for function in FUNCTIONS:
        hints = typing.get_type_hints(function)
        assert "return" in hints and hints.keys() > {"return", "text"}, function.__name__
        assert (function.__doc__ or "").strip(), function.__name__
    assert typing.get_type_hints(read_page)["return"] is PageParse
    assert typing.get_type_hints(set_param)["return"] is str
    assert (Path(wikisync.__file__).parent / "py.typed").is_file()


def loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds once ``code`` ran."""
    script = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, check=True)
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_import_wikisync_loads_no_parser_and_a_name_loads_only_what_it_needs() -> None:
    light = loaded_after("import wikisync\nassert wikisync.__version__")
    assert not {m for m in light if m.startswith(("mwparserfromhell", "wikisync."))}, light
    used = loaded_after("from wikisync import read_page, set_param\n"
                        "assert read_page('{{Pôle ESS|nom=A}}').records")
    assert {"mwparserfromhell", "wikisync.parse.page", "wikisync.parse.edit"} <= used
    heavy = ("requests", "rich", "jinja2", "click", "sqlite3", "geopy", "wikisync.api",
             "wikisync.store", "wikisync.sync", "wikisync.cli")
    assert [m for m in used if m.startswith(heavy)] == []


# --- reading -------------------------------------------------------------------------------


def test_read_page_gives_the_fiche_with_its_fields_and_instance() -> None:
    page = read_page(FICHE, "Pôle ESS du Pays de Brest")
    assert isinstance(page, PageParse) and page.title == "Pôle ESS du Pays de Brest"
    [fiche] = page.records
    assert isinstance(fiche, Record)
    assert (fiche.source, fiche.instance, fiche.name, fiche.type, fiche.commune) == (
        "fiche", 0, "Pôle ESS du Pays de Brest", "projet", "Brest")
    assert (fiche.lat, fiche.lon, fiche.website) == (48.39, -4.49, "http://ancien.example.org")
    assert fiche.title == "Pôle ESS du Pays de Brest"
    assert not page.unsafe and page.problems == []
    data = page.to_dict()
    assert data["records"][0]["name"] == "Pôle ESS du Pays de Brest" and data["problems"] == []


def test_read_page_gives_rows_and_the_region_in_page_order_with_their_problems() -> None:
    page = read_page(REGION + "{{Pôle ESS|nom=Pôle C|type=inconnu|latitude=nord}}\n", "Bretagne")
    assert [(r.source, r.instance, r.name) for r in page.records] == [
        ("region", 0, "Bretagne"), ("row", 0, "Pôle A"), ("row", 1, "Pôle B"),
        ("row", 2, "Pôle C")]
    assert page.records[3].problem_codes == ["unknown-type", "bad-coordinates"]
    problem = page.records[3].problems[0]
    assert isinstance(problem, Problem) and not problem.unsafe and "inconnu" in problem.detail
    assert not page.unsafe


@pytest.mark.parametrize(("text", "code"), [
    ("{{nobots}}\n{{Fiche initiative|nom=A}}\n", "nobots"),
    ("{{Fiche initiative|nom=A}}\n{{Fiche initiative|nom=B}}\n", "two-infoboxes"),
    ("{{Fiche initiative|nom=A\n", "broken-template"),
    ("{{Fiche initiative|nom=A}}\n<!-- pas fermé\n", "unclosed-comment"),
])
def test_read_page_never_raises_and_lists_what_makes_a_page_unsafe(text: str, code: str) -> None:
    page = read_page(text, "P")
    assert page.unsafe
    assert code in [p.code for p in page.unsafe_problems()]
    assert all(p.unsafe for p in page.unsafe_problems())


@pytest.mark.parametrize("text", ["", "}}{{|=]]]][[{{{", "\x00{{Fiche initiative|nom=\x01}}",
                                  "{{" * 500, "<nowiki>{{Fiche initiative|nom=A}}"])
def test_read_page_of_any_text_returns_a_page(text: str) -> None:
    page = read_page(text)
    assert isinstance(page, PageParse) and page.title == ""


def test_read_page_knows_redirects_only_through_aliases_and_a_custom_schema() -> None:
    assert read_page("{{Fiche ESS|nom=D}}").records == []
    [record] = read_page("{{Fiche ESS|nom=D}}", aliases={"fiche": ["Fiche ESS"]}).records
    assert (record.source, record.name) == ("fiche", "D")
    schema = Schema(fiche_template="Hub card")
    [custom] = read_page("{{Hub card|nom=E}}", schema=schema).records
    assert (custom.source, custom.name) == ("fiche", "E")


# --- editing -------------------------------------------------------------------------------


def test_set_param_replaces_only_the_value_and_keeps_its_comment() -> None:
    new = set_param(FICHE, "Fiche initiative", "nom", "Pôle de Brest")
    assert new == FICHE.replace("| nom = Pôle ESS du Pays de Brest <!--",
                                "| nom = Pôle de Brest <!--")
    assert read_page(new).records[0].name == "Pôle de Brest"


def test_set_param_writes_an_alias_in_place_keeping_its_ref() -> None:
    new = set_param(FICHE, "Fiche initiative", "site web", "https://pole-brest.org")
    assert new == FICHE.replace("= http://ancien.example.org<ref>",
                                "= https://pole-brest.org<ref>")


def test_set_param_escapes_unless_raw_and_adds_a_missing_parameter() -> None:
    escaped = set_param(FICHE, "fiche", "commune", "Brest | Quimper")
    assert "| commune = Brest {{!}} Quimper\n" in escaped
    assert read_page(escaped).records[0].commune == "Brest | Quimper"
    raw = set_param(FICHE, "fiche", "commune", "[[Brest]]", raw=True)
    assert "| commune = [[Brest]]\n" in raw
    added = set_param(FICHE, "Fiche initiative", "carte", "https://osm.org/x")
    assert added == FICHE.replace("| site web_bis =\n}}", "| site web_bis =\n"
                                  "| carte = https://osm.org/x\n}}")


def test_set_param_of_the_value_already_there_changes_nothing() -> None:
    assert set_param(FICHE, "Fiche initiative", "commune", "Brest") == FICHE


def test_set_param_edits_the_instance_asked_for() -> None:
    new = set_param(REGION, "Pôle ESS", "commune", "Lorient", instance=1)
    assert new == REGION.replace("type=informel}}", "type=informel|commune=Lorient}}")
    assert set_param(REGION, "row", "commune", "Vitré", instance=0) == REGION.replace(
        "Rennes", "Vitré")


def test_add_param_inserts_one_piece_before_the_closing_braces() -> None:
    new = add_param(REGION, "Pôle ESS", "site web", "https://b.example.org", instance=1)
    where, removed, inserted = one_splice(REGION, new)
    assert (removed, inserted) == ("", "|site web=https://b.example.org")
    assert REGION[where:].startswith("}}\n") and where == REGION.rindex("}}")


@pytest.mark.parametrize("param", ["commune", "site web", "site web_bis"])
def test_add_param_never_replaces_a_value_even_empty_or_under_an_alias(param: str) -> None:
    refused = refusal(lambda: add_param(FICHE, "Fiche initiative", param, "x", title="Brest"))
    assert refused.problems == ("param-present",)
    assert str(refused).startswith("Brest: ") and "\n" not in str(refused)


def test_remove_param_deletes_only_the_parameter_span() -> None:
    new = remove_param(FICHE, "Fiche initiative", "site internet")
    assert new == FICHE.replace(
        "| site internet = http://ancien.example.org<ref>annuaire 2020</ref>\n", "")
    assert remove_param(FICHE, "Fiche initiative", "carte") == FICHE


def test_remove_param_refuses_to_renumber_positional_parameters() -> None:
    text = "{{Pôle ESS|Pôle A|Rennes|nom=x}}"
    refused = refusal(lambda: remove_param(text, "Pôle ESS", "1"))
    assert refused.problems == ("positional-shift",)


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "code"), [
    ("{{nobots}}\n" + FICHE, "nobots"),
    (FICHE + "{{Fiche initiative|nom=B}}\n", "two-infoboxes"),
    (FICHE.replace("}}\nSuite", "\nSuite"), "broken-template"),
    (FICHE + "<!-- pas fermé", "unclosed-comment"),
])
@pytest.mark.parametrize("edit", ["set", "add", "remove"])
def test_an_unsafe_page_is_refused_by_every_edit(text: str, code: str, edit: str) -> None:
    calls = {"set": lambda: set_param(text, "fiche", "commune", "Quimper", title="P"),
             "add": lambda: add_param(text, "fiche", "carte", "https://osm.org", title="P"),
             "remove": lambda: remove_param(text, "fiche", "commune", title="P")}
    refused = refusal(calls[edit])
    assert code in refused.problems
    assert str(refused).startswith("P: unsafe to edit: ") and "\n" not in str(refused)


def test_a_duplicated_target_and_a_missing_instance_are_refused() -> None:
    twice = "{{Pôle ESS|nom=A|site=a.org|site web=b.org}}"
    assert refusal(lambda: set_param(twice, "row", "site web", "c.org")).problems == (
        "duplicate-param",)
    missing = refusal(lambda: set_param(REGION, "Pôle ESS", "nom", "Z", instance=2))
    assert missing.problems == ("missing-instance",)
    assert str(missing) == "page: no Pôle ESS #2 (the page has 2)"


# --- the CLI is a thin layer over the API -------------------------------------------------


def test_wikisync_set_prints_what_set_param_returns(tmp_path: Path) -> None:
    from wikisync.cli import cli
    page = tmp_path / "Brest.wiki"
    page.write_bytes(FICHE.encode("utf-8"))
    args = ["set", str(page), "-t", "Fiche initiative", "-p", "commune", "-v", "Quimper"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.output == set_param(FICHE, "Fiche initiative", "commune", "Quimper")
    removed = CliRunner().invoke(cli, [*args[:6], "--remove"])
    assert removed.output == remove_param(FICHE, "Fiche initiative", "commune")


def test_wikisync_parse_prints_what_read_page_returns(tmp_path: Path) -> None:
    from wikisync.cli import cli
    page = tmp_path / "Bretagne.wiki"
    page.write_bytes(REGION.encode("utf-8"))
    result = CliRunner().invoke(cli, ["parse", str(page)])
    assert result.exit_code == 0, result.output
    expected = read_page(REGION, "Bretagne")
    assert json.loads(result.output) == {**expected.to_dict(), "unsafe": expected.unsafe}
