"""``wikisync export`` json/csv from the store: content, filters, exit codes (no wiki)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from wikisync.cli import cli
from wikisync.export import EXPORTERS
from wikisync.model import RECORD_FIELDS, Problem, Record
from wikisync.store import Store, StoredPage


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "state.sqlite"
    with Store(path) as store:
        fiche = Record("Pôle A", "fiche", name="Pôle A", type="projet", lat=48.5, lon=-3.25,
                       params={"nom": "Pôle A", "type": "pôle en projet"})
        store.put_page(StoredPage("Pôle A", 1, 0, 10, "2024-01-01T00:00:00Z", "{{F}}"), [fiche])
        rows = [
            Record("Bretagne", "region", region="Bretagne"),
            Record("Bretagne", "row", name="Collectif, « B »", region="Bretagne",
                   problems=[Problem("unknown-type", "truc"), Problem("no-coordinates")]),
        ]
        store.put_page(StoredPage("Bretagne", 2, 0, 11, "2024-01-01T00:00:00Z", "{{R}}"), rows)
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_json_export_is_the_records_to_dict(store_path: Path) -> None:
    code, out, _ = run("export", "--store", str(store_path))
    assert code == 0
    data = json.loads(out)
    assert [list(d) for d in data] == [list(RECORD_FIELDS)] * 3
    assert [(d["title"], d["source"]) for d in data] == [
        ("Bretagne", "region"), ("Bretagne", "row"), ("Pôle A", "fiche")]
    assert data[2]["lat"] == 48.5 and data[2]["params"]["type"] == "pôle en projet"
    assert data[1]["problems"] == ["unknown-type", "no-coordinates"]


def test_csv_export_to_a_file(store_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    code, _, err = run("export", "--store", str(store_path), "--format", "csv",
                       "-o", str(target))
    assert code == 0 and "exported 3 records" in err
    text = target.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert text.splitlines()[0] == ",".join(RECORD_FIELDS)
    row = rows[1]
    assert row["name"] == "Collectif, « B »" and row["problems"] == "unknown-type;no-coordinates"
    assert row["lat"] == "" and row["params"] == ""
    assert json.loads(rows[2]["params"]) == {"nom": "Pôle A", "type": "pôle en projet"}
    assert rows[2]["lat"] == "48.5"


@pytest.mark.parametrize(("args", "expected"), [
    (["--source", "fiche"], [("Pôle A", "fiche")]),
    (["--source", "row"], [("Bretagne", "row")]),
    (["--problems-only"], [("Bretagne", "row")]),
    (["--source", "fiche", "--problems-only"], []),
])
def test_filters(store_path: Path, args: list[str], expected: list[tuple[str, str]]) -> None:
    code, out, _ = run("export", "--store", str(store_path), *args)
    assert code == 0
    assert [(d["title"], d["source"]) for d in json.loads(out)] == expected


def test_csv_filters_too(store_path: Path) -> None:
    code, out, _ = run("export", "--store", str(store_path), "-f", "csv", "--source", "region")
    assert code == 0 and len(out.splitlines()) == 2


def test_export_without_a_store_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run("export", "--store", str(tmp_path / "none.sqlite"))
    assert code == 2 and "run `wikisync pull` first" in err
    assert not (tmp_path / "none.sqlite").exists()


def test_unknown_format_is_a_usage_error(store_path: Path) -> None:
    code, _, _ = run("export", "--store", str(store_path), "--format", "xlsx")
    assert code == 2


def test_formats_come_from_the_table() -> None:
    assert {"json", "csv"} <= set(EXPORTERS)
    assert all(e.name == name for name, e in EXPORTERS.items())
