"""Datasets as admins have them: French Excel CSV (cp1252, ``;``, CRLF, decimal commas, ``’``),
Latin-1, .xlsx and .ods files, column name variants; each gives the audit of the UTF-8 CSV.

The spreadsheet files are written in the test: .xlsx with xlsxwriter (the test extra), .ods
by hand (a zip with ``content.xml``, as LibreOffice writes it), numbers as number cells.
"""

from __future__ import annotations

import json
import logging
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
import xlsxwriter
from click.testing import CliRunner, Result

from wikisync.cli import cli
from wikisync.dataset import DatasetError, load_dataset, read_csv
from wikisync.model import Record
from wikisync.store import Store, StoredPage

CLEAN_ENV = {name: None for name in ("WIKISYNC_CONFIG", "WIKISYNC_API", "WIKISYNC_USERNAME",
                                     "WIKISYNC_PASSWORD", "WIKISYNC_STATE",
                                     "WIKISYNC_USER_AGENT")}
HEADER = ["Nom", "Type", "Département", "Commune", "Code postal", "Latitude", "Longitude",
          "Site Web", "Fiche"]
# One row per case: equal, a type and a website that differ, 2 km away, missing on the
# wiki (with a typographic apostrophe), an unknown type, a row without a name.
ROWS: list[list[Any]] = [
    ["Pôle A", "association de développement", 29, "Brest", 29200, 48.39, -4.49,
     "http://a.example.org", ""],
    ["Pôle B", "regroupement informel", 69, "Lyon", 69001, 45.76, 4.83,
     "http://b.example.fr", "Pôle B"],
    ["Pôle C", "pôle en projet", 75, "Paris", 75001, 48.8757, 2.35, "", ""],
    ["Maison de l’ESS d’Arles", "espace d’hébergement", 13, "Arles", 13200, 43.6766,
     4.6278, "", ""],
    ["Pôle D", "frob", 35, "Rennes", 35000, 48.11, -1.68, "", ""],
    ["", "pôle en projet", 56, "Vannes", 56000, "", "", "", ""],
]


def text_cell(value: Any, decimal: str = ".") -> str:
    """A cell as a CSV writes it (French Excel: decimal comma)."""
    return str(value).replace(".", decimal) if isinstance(value, float) else str(value)


def table_text(separator: str, decimal: str, newline: str) -> str:
    """HEADER and ROWS as CSV text."""
    lines = [separator.join(HEADER)]
    lines += [separator.join(text_cell(v, decimal) for v in row) for row in ROWS]
    return newline.join(lines) + newline


def utf8_csv(path: Path, straight: bool = False) -> Path:
    """The reference: UTF-8, ``,``, LF (``straight``: ``'`` for ``’``, as Latin-1 must)."""
    text = table_text(",", ".", "\n")
    path.write_text(text.replace("’", "'") if straight else text, encoding="utf-8")
    return path


def excel_csv(path: Path, encoding: str = "cp1252") -> Path:
    """What French Excel saves as "CSV (séparateur: point-virgule)": cp1252, ``;``, CRLF.

    Latin-1 has no ``’``: that file gets ``'`` instead.
    """
    text = table_text(";", ",", "\r\n")
    path.write_bytes((text.replace("’", "'") if encoding == "latin-1" else text)
                     .encode(encoding))
    return path


def xlsx_file(path: Path, sheet: str = "Pôles") -> Path:
    """An .xlsx with a first sheet of notes and the data on ``sheet``, numbers as numbers."""
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Notes").write(0, 0, "Mis à jour en mars")
    data = book.add_worksheet(sheet)
    for r, row in enumerate([HEADER, *ROWS]):
        for c, value in enumerate(row):
            if value != "":
                data.write(r, c, value)
    book.close()
    return path


def ods_cell(value: Any) -> str:
    """One ``table:table-cell`` of content.xml."""
    if value == "":
        return "<table:table-cell/>"
    if isinstance(value, int | float):
        return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    return (f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p>'
            "</table:table-cell>")


def ods_file(path: Path, sheet: str = "Pôles") -> Path:
    """An .ods file (OpenDocument spreadsheet) with the data on its only sheet."""
    rows = "".join("<table:table-row>" + "".join(map(ods_cell, row)) + "</table:table-row>"
                   for row in [HEADER, *ROWS])
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{escape(sheet)}">{rows}'
        "</table:table></office:spreadsheet></office:body></office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"),
                         "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty current directory with a store of three hubs (no config file)."""
    monkeypatch.chdir(tmp_path)
    hubs = [("Pôle A", "association", "29", "Brest", 48.39, -4.49, "http://a.example.org"),
            ("Pôle B", "projet", "69", "Lyon", 45.76, 4.83, "http://b.example.org"),
            ("Pôle C", "projet", "75", "Paris", 48.8566, 2.35, None)]
    with Store(tmp_path / "state.sqlite") as store:
        for pageid, (name, type_, dep, commune, lat, lon, site) in enumerate(hubs, start=1):
            store.put_page(StoredPage(name, pageid, 0, pageid + 10, "2024-01-01T00:00:00Z", "x"),
                           [Record(name, "fiche", name=name, type=type_, departement=dep,
                                   commune=commune, lat=lat, lon=lon, website=site)])
    return tmp_path


def audit_json(*args: str) -> tuple[Result, list[dict[str, Any]]]:
    """``wikisync audit --store state.sqlite --format json ARGS`` and its report."""
    result = CliRunner().invoke(cli, ["audit", "--store", "state.sqlite", "--format", "json",
                                      *args], env=CLEAN_ENV)
    assert result.exit_code == 1, result.output  # the data has differences
    return result, json.loads(result.stdout)


def without_file(report: list[dict[str, Any]], sheet: str | None = None) -> list[dict[str, Any]]:
    """The report with the file name left out of each ``source`` (and the sheet checked)."""
    plain = []
    for diff in report:
        diff = dict(diff)
        if "source" in diff:
            assert diff["source"]["sheet"] == sheet
            diff["source"] = {"row": diff["source"]["row"]}
        for key in ("dataset", "detail"):
            if sheet and diff[key]:
                diff[key] = diff[key].replace(f" (sheet {sheet})", "")
        plain.append(diff)
    return plain


def test_reference_csv_audit_is_what_the_data_says(workdir: Path) -> None:
    """The UTF-8 report itself: every difference and problem names its dataset row."""
    _, report = audit_json("--dataset", utf8_csv(workdir / "ref.csv").name)
    found = [(d["kind"], d["name"], d["field"], d.get("source", {}).get("row"))
             for d in report]
    assert found == [
        ("missing-on-wiki", "Maison de l’ESS d’Arles", None, 5),
        ("missing-on-wiki", "Pôle D", None, 6),
        ("mismatch", "Pôle B", "type", 3),
        ("mismatch", "Pôle B", "website", 3),
        ("mismatch", "Pôle C", "coordinates", 4),
        ("problem", None, "no-name", 7),
        ("problem", "Pôle D", "unknown-type", 6),
    ]
    assert report[0]["source"] == {"file": "ref.csv", "sheet": None, "row": 5}
    assert report[0]["detail"] == "dataset line 5"


def test_french_excel_csv_gives_the_same_audit_and_says_cp1252(workdir: Path) -> None:
    _, reference = audit_json("--dataset", utf8_csv(workdir / "ref.csv").name)
    result, report = audit_json("--dataset", excel_csv(workdir / "poles.csv").name)
    assert without_file(report) == without_file(reference)
    warnings = [line for line in result.stderr.splitlines() if "cp1252" in line]
    assert warnings == ["WARNING wikisync.dataset: poles.csv: not UTF-8 text, read as cp1252 "
                        "(give --encoding or [dataset] encoding to choose another)"]


def test_utf8_with_bom_semicolons_and_crlf_needs_no_word(workdir: Path) -> None:
    _, reference = audit_json("--dataset", utf8_csv(workdir / "ref.csv").name)
    path = excel_csv(workdir / "bom.csv", encoding="utf-8-sig")
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"
    result, report = audit_json("--dataset", path.name)
    assert without_file(report) == without_file(reference)
    assert "WARNING" not in result.stderr


def test_encoding_latin1_is_honoured(workdir: Path) -> None:
    """A Latin-1 file with a byte cp1252 cannot read (0x81, in a column not compared)."""
    _, reference = audit_json("--dataset", utf8_csv(workdir / "ref.csv", straight=True).name)
    path = excel_csv(workdir / "latin.csv", encoding="latin-1")
    lines = path.read_bytes().split(b"\r\n")
    lines[0] += b";Notes"
    lines[1] += b";note \x81"  # U+0081 in Latin-1, no character in cp1252
    path.write_bytes(b"\r\n".join(lines))
    result = CliRunner().invoke(cli, ["audit", "--store", "state.sqlite", "--format", "json",
                                      "--dataset", path.name], env=CLEAN_ENV)
    assert result.exit_code == 2
    assert "is not cp1252 text (try --encoding latin-1)" in result.stderr
    result, report = audit_json("--dataset", path.name, "--encoding", "latin-1")
    assert without_file(report) == without_file(reference)
    assert "WARNING" not in result.stderr


@pytest.mark.parametrize("maker", [xlsx_file, ods_file])
def test_spreadsheets_give_the_same_audit_naming_the_sheet(workdir: Path, maker: Any) -> None:
    _, reference = audit_json("--dataset", utf8_csv(workdir / "ref.csv").name)
    suffix = ".xlsx" if maker is xlsx_file else ".ods"
    path = maker(workdir / f"poles{suffix}")
    args = ["--dataset", path.name] + (["--sheet", "Pôles"] if maker is xlsx_file else [])
    _, report = audit_json(*args)
    assert without_file(report, sheet="Pôles") == without_file(reference)
    missing = next(d for d in report if d["kind"] == "missing-on-wiki")
    assert missing["detail"] == "dataset line 5 (sheet Pôles)"
    assert missing["source"] == {"file": path.name, "sheet": "Pôles", "row": 5}


def test_xlsx_first_sheet_by_default_and_unknown_sheet(workdir: Path) -> None:
    path = xlsx_file(workdir / "poles.xlsx")
    with pytest.raises(DatasetError, match=r"sheet Notes: no name column"):
        load_dataset(path)  # the first sheet is the notes
    with pytest.raises(DatasetError, match=r"no sheet 'Feuil1' \(sheets: Notes, Pôles\)"):
        load_dataset(path, sheet="Feuil1")
    dataset = load_dataset(path, sheet="Pôles")
    assert [h.departement for h in dataset.hubs][:2] == ["29", "69"]  # not "29.0"
    assert (dataset.hubs[0].postcode, dataset.hubs[0].lat) == ("29200", 48.39)


def test_sheet_from_the_config(workdir: Path) -> None:
    path = xlsx_file(workdir / "poles.xlsx")
    (workdir / "wikisync.toml").write_text(
        f'[dataset]\npath = "{path.name}"\nsheet = "Pôles"\n[state]\npath = "state.sqlite"\n',
        encoding="utf-8")
    result = CliRunner().invoke(cli, ["audit", "--format", "json"],
                                env={**CLEAN_ENV, "WIKISYNC_CONFIG": "wikisync.toml"})
    assert result.exit_code == 1, result.output
    assert any(d.get("source", {}).get("sheet") == "Pôles" for d in json.loads(result.stdout))


def test_unknown_encoding_is_a_usage_error(workdir: Path) -> None:
    result = CliRunner().invoke(cli, ["audit", "--store", "state.sqlite", "--dataset",
                                      utf8_csv(workdir / "ref.csv").name, "--encoding", "klingon"],
                                env=CLEAN_ENV)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1].endswith(
        "error: unknown encoding 'klingon' (use utf-8, cp1252 or latin-1)")


@pytest.mark.parametrize("website", ["Site Web", "site_web", "SITE WEB", "SiteWeb",
                                     "site-web", "Site internet", "URL"])
def test_column_names_ignore_case_accents_and_spaces(website: str) -> None:
    header = f"NOM;Département;CODE POSTAL;Coordonnées;{website}\n"
    dataset = read_csv(header + 'Pôle A;29;29200;"48,39, -4,49";www.a.example.org\n')
    (hub,) = dataset.hubs
    assert (hub.name, hub.departement, hub.postcode) == ("Pôle A", "29", "29200")
    assert (hub.lat, hub.lon, hub.website) == (48.39, -4.49, "http://www.a.example.org")
    assert dataset.fields == {"name", "departement", "postcode", "coordinates", "website"}


@pytest.mark.parametrize(("header", "separator"), [
    ("nom,commune", ","), ("nom;commune", ";"), ("nom\tcommune", "\t"),
    ('nom;commune;"notes, remarques, divers, autres"', ";"),  # quoted commas do not count
])
def test_separator_is_counted_on_the_header(header: str, separator: str) -> None:
    dataset = read_csv(f"{header}\r\nPôle A{separator}Brest{separator}\r\n")
    assert [(h.name, h.commune) for h in dataset.hubs] == [("Pôle A", "Brest")]


def test_fallback_warning_is_one_log_line(tmp_path: Path,
                                          caplog: pytest.LogCaptureFixture) -> None:
    path = excel_csv(tmp_path / "poles.csv")
    with caplog.at_level(logging.WARNING, logger="wikisync.dataset"):
        dataset = load_dataset(path)
    assert [r.getMessage() for r in caplog.records] == [
        f"{path}: not UTF-8 text, read as cp1252 (give --encoding or [dataset] encoding to "
        "choose another)"]
    assert dataset.hubs[3].name == "Maison de l’ESS d’Arles"
    assert (dataset.hubs[0].lat, dataset.hubs[0].lon) == (48.39, -4.49)
