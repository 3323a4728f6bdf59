"""Offline ``parse`` and ``set`` know the template redirects the store learnt and [schema]."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from wikisync.cli import cli
from wikisync.store import Store
from wikisync.sync.pull import META_REDIRECTS

PAGE = "{{Fiche Initiative|nom=Pôle X|type=regroupement informel|latitude=48.1|longitude=-4.2}}\n"
REDIRECTS = {"Fiche initiative": ["Modèle:Fiche Initiative"]}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """A page using a redirect's name, and a store that learnt that redirect."""
    (tmp_path / "Pôle_X.wiki").write_text(PAGE, "utf-8")
    with Store(tmp_path / "state.sqlite") as store:
        store.set_json(META_REDIRECTS, REDIRECTS)
    return tmp_path


def names(out: str) -> list[str | None]:
    return [record["name"] for record in json.loads(out)["records"]]


def test_parse_uses_the_store_given(files: Path) -> None:
    page, store = str(files / "Pôle_X.wiki"), str(files / "state.sqlite")
    code, out, err = run("parse", page)
    assert (code, names(out), err) == (0, [], "")
    code, out, _ = run("parse", page, "--store", store)
    assert code == 0 and names(out) == ["Pôle X"]


def test_parse_uses_the_store_of_the_config(files: Path) -> None:
    config = files / "wikisync.toml"
    config.write_text('[state]\npath = "state.sqlite"\n', "utf-8")
    code, out, _ = run("-c", str(config), "parse", str(files / "Pôle_X.wiki"))
    assert code == 0 and names(out) == ["Pôle X"]


def test_a_config_whose_store_does_not_exist_yet_gives_no_redirect(tmp_path: Path) -> None:
    (tmp_path / "p.wiki").write_text(PAGE, "utf-8")
    config = tmp_path / "wikisync.toml"
    config.write_text('[state]\npath = "never-pulled.sqlite"\n', "utf-8")
    code, out, _ = run("-c", str(config), "parse", str(tmp_path / "p.wiki"))
    assert code == 0 and names(out) == []
    assert not (tmp_path / "never-pulled.sqlite").exists()


def test_a_missing_store_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "p.wiki").write_text(PAGE, "utf-8")
    code, out, err = run("parse", str(tmp_path / "p.wiki"), "--store", str(tmp_path / "no.db"))
    assert (code, out) == (2, "")
    assert err.strip().splitlines() == [f"wikisync: error: --store {tmp_path / 'no.db'}: "
                                         "no such state file"]
    assert not (tmp_path / "no.db").exists()


def test_schema_template_names_and_store_redirects_together(tmp_path: Path) -> None:
    (tmp_path / "p.wiki").write_text("{{Infobox Pôle|nom=A}}\n{{infobox pôle|nom=B}}\n", "utf-8")
    with Store(tmp_path / "s.sqlite") as store:
        store.set_json(META_REDIRECTS, {"Infobox pôle": ["Modèle:Infobox Pôle"]})
    config = tmp_path / "wikisync.toml"
    config.write_text('[state]\npath = "s.sqlite"\n[schema.templates]\nfiche = "Infobox pôle"\n',
                      "utf-8")
    code, out, _ = run("-c", str(config), "parse", str(tmp_path / "p.wiki"))
    assert code == 0 and names(out) == ["A", "B"]


def test_verbose_says_which_aliases_were_applied_on_stderr(files: Path) -> None:
    store = str(files / "state.sqlite")
    code, out, err = run("-v", "parse", str(files / "Pôle_X.wiki"), "--store", store)
    assert code == 0 and names(out) == ["Pôle X"]  # stdout stays pure JSON
    assert "applied on this page: Fiche Initiative -> Fiche initiative" in err
    assert "template redirects from the store" in err
    _, _, quiet = run("parse", str(files / "Pôle_X.wiki"), "--store", store)
    assert quiet == ""


def test_alias_options_add_to_the_store(files: Path) -> None:
    (files / "two.wiki").write_text(PAGE + "{{Infobox|nom=Y}}\n", "utf-8")
    code, out, _ = run("parse", str(files / "two.wiki"), "--store", str(files / "state.sqlite"),
                       "--alias", "Infobox=Fiche initiative")
    assert code == 0 and names(out) == ["Pôle X", "Y"]


def test_set_uses_the_store(files: Path) -> None:
    page, store = str(files / "Pôle_X.wiki"), str(files / "state.sqlite")
    args = ["set", page, "-t", "Fiche initiative", "-p", "carte", "-v", "https://osm.example/"]
    code, _, err = run(*args)
    assert code == 1 and "UnsafeEdit" not in err and err.count("\n") == 1
    code, out, _ = run(*args, "--store", store)
    assert code == 0
    assert out == PAGE.replace("-4.2}}", "-4.2|carte=https://osm.example/}}")


@pytest.mark.parametrize("command", ["parse", "set"])
def test_help_says_where_aliases_come_from(command: str) -> None:
    code, out, _ = run(command, "--help")
    text = " ".join(out.split())
    assert code == 0
    assert "--store FILE" in text and "the [state] path of -c CONFIG" in text
    assert "--alias" in text and "[schema]" in text
