"""``wikisync audit`` on a prepared store: reports, files, and exit codes 0, 1 and 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from wikisync.cli import cli
from wikisync.model import Problem, Record
from wikisync.store import Store, StoredPage

CLEAN_ENV = {name: None for name in ("WIKISYNC_CONFIG", "WIKISYNC_API", "WIKISYNC_USERNAME",
                                     "WIKISYNC_PASSWORD", "WIKISYNC_STATE",
                                     "WIKISYNC_USER_AGENT")}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty current directory (no ./wikisync.toml), with a store of two hubs."""
    monkeypatch.chdir(tmp_path)
    with Store(tmp_path / "state.sqlite") as store:
        store.put_page(StoredPage("Pôle A", 1, 0, 10, "2024-01-01T00:00:00Z", "{{…}}"),
                       [Record("Pôle A", "fiche", name="Pôle A", type="association",
                               commune="Brest", lat=48.39, lon=-4.49)])
        store.put_page(StoredPage("Pôle B", 2, 0, 11, "2024-01-01T00:00:00Z", "{{…}}"),
                       [Record("Pôle B", "fiche", name="Pôle B", type="projet",
                               commune="Lyon", lat=45.76, lon=4.83)])
    (tmp_path / "same.csv").write_text(
        "nom,type,commune,latitude,longitude\n"
        "Pôle A,association de développement,Brest,48.39,-4.49\n"
        "Pôle B,pôle en projet,Lyon,45.76,4.83\n", encoding="utf-8")
    (tmp_path / "other.csv").write_text(
        "nom,type,commune,latitude,longitude\n"
        "Pôle A,association de développement,Brest,48.39,-4.49\n"
        "Pôle B,regroupement informel,Lyon,45.76,4.83\n"
        "Pôle C,,Paris,,\n", encoding="utf-8")
    return tmp_path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, ["audit", "--store", "state.sqlite", *args], env=CLEAN_ENV)


def test_no_difference_exits_0(workdir: Path) -> None:
    result = invoke("--dataset", "same.csv", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == []
    text = invoke("--dataset", "same.csv")
    assert text.exit_code == 0 and text.output.strip() == "aucune différence"


def test_differences_exit_1_with_the_json_report(workdir: Path) -> None:
    result = invoke("--dataset", "other.csv", "--format", "json")
    assert result.exit_code == 1, result.output
    assert json.loads(result.output) == [
        {"kind": "missing-on-wiki", "name": "Pôle C", "title": None, "field": None,
         "wiki": None, "dataset": None, "detail": "dataset line 4",
         "source": {"file": "other.csv", "sheet": None, "row": 4}},
        {"kind": "mismatch", "name": "Pôle B", "title": "Pôle B", "field": "type",
         "wiki": "projet", "dataset": "informel", "detail": None,
         "source": {"file": "other.csv", "sheet": None, "row": 3}},
    ]


def test_text_report_has_counts(workdir: Path) -> None:
    result = invoke("--dataset", "other.csv")
    assert result.exit_code == 1
    assert "absent du wiki" in result.output and "regroupement informel" in result.output
    assert "pôle en projet" in result.output and "missing-on-wiki" not in result.output
    assert result.output.rstrip().endswith(
        "2 différences : absent du wiki 1, valeur différente 1")


@pytest.mark.parametrize(("fmt", "marker"), [("html", "<!DOCTYPE html>"), ("csv", "kind,name"),
                                            ("wikitext", "{| class=\"wikitable\"")])
def test_output_file(workdir: Path, fmt: str, marker: str) -> None:
    result = invoke("--dataset", "other.csv", "--format", fmt, "-o", f"report.{fmt}")
    assert result.exit_code == 1
    assert "(report in report." in result.output
    assert marker in (workdir / f"report.{fmt}").read_text(encoding="utf-8")


def test_map_file_and_problems_without_dataset(workdir: Path) -> None:
    with Store(workdir / "state.sqlite") as store:
        store.put_page(StoredPage("Pôle D", 3, 0, 12, "2024-01-01T00:00:00Z", "{{…}}"),
                       [Record("Pôle D", "fiche", name="Pôle D", type=None,
                               problems=[Problem("missing-type")])])
    geo = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-4.49, 48.39]},
         "properties": {"name": "Pôle A", "marker-color": "#2e9e44", "title": "Pôle A"}}]}
    (workdir / "map.geojson").write_text(json.dumps(geo), encoding="utf-8")
    result = invoke("--map", "map.geojson", "--format", "json")
    assert result.exit_code == 1, result.output
    assert [(d["kind"], d["name"], d["field"]) for d in json.loads(result.output)] == [
        ("map-missing", "Pôle B", None),
        ("map-mismatch", "Pôle A", "link"),  # no wiki URL configured: pins need a fiche link
        ("problem", "Pôle D", "missing-type"),
    ]


@pytest.mark.parametrize("args", [
    ["--format", "pdf"],
    ["--dataset", "nowhere.csv"],
    ["--threshold", "-5"],
    ["--map", "same.csv"],  # not JSON
    ["--dataset", "bad.csv"],  # no name column
    ["--store", "none.sqlite"],  # no store yet
    ["--store", "empty.sqlite"],  # an empty store
    ["--frobnicate"],
])
def test_usage_errors_exit_2(workdir: Path, args: list[str]) -> None:
    (workdir / "bad.csv").write_text("commune\nBrest\n", encoding="utf-8")
    Store(workdir / "empty.sqlite").close()
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert not (workdir / "none.sqlite").exists()


def test_dataset_from_config(workdir: Path) -> None:
    (workdir / "wikisync.toml").write_text('[dataset]\npath = "other.csv"\n[state]\n'
                                           'path = "state.sqlite"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["audit", "--format", "json"], env=CLEAN_ENV)
    assert result.exit_code == 1, result.output
    assert len(json.loads(result.output)) == 2
