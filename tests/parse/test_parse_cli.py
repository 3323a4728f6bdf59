"""``wikisync parse`` and ``wikisync set`` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from wikisync.cli import cli

GOLDEN = Path(__file__).parent / "golden"


def run(*args: str, stdin: bytes | None = None) -> tuple[int, bytes, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.stdout_bytes, result.stderr


def test_parse_prints_the_records_as_json() -> None:
    code, out, _ = run("parse", str(GOLDEN / "region_page.wiki"), "--title",
                       "Pôles ESS en Pays de la Loire", "--alias", "Ligne pôle ESS=Pôle ESS")
    assert code == 0
    data = json.loads(out)
    expected = json.loads((GOLDEN / "region_page.records.json").read_text("utf-8"))
    assert data == {**expected, "unsafe": False}


def test_parse_reads_stdin_and_defaults_the_title_to_the_file_name(tmp_path: Path) -> None:
    page = tmp_path / "Pôle_ESS_de_Bastia.wiki"
    page.write_text("{{Fiche initiative|type=informel}}", "utf-8")
    code, out, _ = run("parse", str(page))
    assert code == 0
    assert json.loads(out)["records"][0]["name"] == "Pôle ESS de Bastia"
    code, out, _ = run("parse", "-", stdin=b"{{Fiche initiative|nom=X}}")
    assert code == 0
    assert json.loads(out)["title"] == ""


def test_parse_table_and_problem_pages() -> None:
    code, out, _ = run("parse", str(GOLDEN / "broken_unclosed.wiki"), "--format", "table")
    assert code == 0
    text = out.decode()
    assert "page problems: broken-template" in text
    assert text.splitlines()[1].split()[:4] == ["fiche", "0", "Pôle", "ESS"]
    assert text.splitlines()[1].endswith("broken-template")
    code, out, _ = run("parse", str(GOLDEN / "bad_values.wiki"), "--format", "table")
    lines = out.decode().splitlines()
    assert lines[0].split() == ["source", "instance", "name", "type", "commune", "lat", "lon",
                                "problems"]
    assert lines[1].endswith("unknown-type,bad-coordinates,bad-url")


def test_parse_errors() -> None:
    code, _, err = run("parse", "/nonexistent/page.wiki")
    assert code == 2 and err.startswith("wikisync: error: cannot read /nonexistent/page.wiki")
    code, _, err = run("parse", "-", stdin=b"\xff\xfe")
    assert code == 2 and "is not UTF-8" in err
    code, _, err = run("parse", "-", "--alias", "sans-egal", stdin=b"")
    assert code == 2 and "expected REDIRECT=TEMPLATE" in err


def test_set_prints_the_new_text_byte_for_byte() -> None:
    source = (GOLDEN / "crlf.wiki").read_bytes()
    code, out, _ = run("set", "-", "-t", "Fiche initiative", "-p", "nom", "-v", "Pôle de Vannes",
                       stdin=source)
    assert code == 0
    assert out == source.replace("Pôle ESS du Pays de Vannes".encode(), "Pôle de Vannes".encode())


def test_set_diff_matches_the_golden_diff(tmp_path: Path) -> None:
    page = tmp_path / "page.wiki"
    page.write_bytes((GOLDEN / "bots_allow_us.wiki").read_bytes())
    code, out, _ = run("set", str(page), "--template", "Fiche initiative", "--param", "carte",
                       "--value", "https://www.openstreetmap.org/?mlat=45.8336&mlon=1.2611",
                       "--diff", "--title", "Maison de l'ESS de Limoges")
    assert code == 0
    assert out == (GOLDEN / "bots_allow_us.diff").read_bytes()


def test_set_remove_and_instance() -> None:
    source = (GOLDEN / "region_page.wiki").read_bytes()
    code, out, _ = run("set", "-", "-t", "pôle ESS", "-i", "1", "-p", "coordonnées", "--remove",
                       stdin=source)
    assert code == 0
    assert out == source.replace(b"|coordonn\xc3\xa9es=47.4784, -0.5632", b"")


@pytest.mark.parametrize(
    ("fixture", "code_name"),
    [("nobots.wiki", "nobots"), ("broken_unclosed.wiki", "broken-template"),
     ("two_infoboxes.wiki", "two-infoboxes"), ("unclosed_comment.wiki", "unclosed-comment")],
)
def test_unsafe_set_exits_1_with_one_line(fixture: str, code_name: str) -> None:
    code, out, err = run("set", str(GOLDEN / fixture), "-t", "Fiche initiative", "-p", "carte",
                         "-v", "https://x.example.org")
    assert code == 1
    assert out == b""
    assert err.count("\n") == 1 and err.startswith("wikisync: error: ")
    assert code_name in err


def test_set_refuses_a_duplicated_target() -> None:
    code, _, err = run("set", str(GOLDEN / "duplicates.wiki"), "-t", "Fiche initiative",
                       "-p", "site", "-v", "https://x.example.org")
    assert code == 1 and "given 2 times" in err


def test_set_usage_errors() -> None:
    code, _, err = run("set", "-", "-t", "Fiche initiative", "-p", "nom", stdin=b"")
    assert code == 2 and "exactly one of --value and --remove" in err
    code, _, err = run("set", "-", "-t", "Fiche initiative", "-p", "nom", "-v", "x", "--remove",
                       stdin=b"")
    assert code == 2
    code, _, err = run("set", "-", "-p", "nom", "-v", "x", stdin=b"")
    assert code == 2 and "Missing option" in err


@pytest.mark.parametrize("command", ["parse", "set"])
def test_help_has_an_example(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0
    assert b"Example:" in out and f"wikisync {command} ".encode() in out
