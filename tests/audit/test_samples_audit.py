"""The audit of ``examples/samples`` finds what ``expected.json`` says, and nothing else."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from wikisync.audit import Difference, audit
from wikisync.config import Config, WikiConfig
from wikisync.dataset import load_dataset
from wikisync.export.geo import MapSettings, map_data, to_geojson
from wikisync.export.umap import to_umap
from wikisync.hubs import build_hubs
from wikisync.model import Problem, Record
from wikisync.parse import read_page

SAMPLES = Path(__file__).resolve().parents[2] / "examples" / "samples"
EXPECTED = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))


@cache
def sample_wiki() -> tuple[list[Record], dict[str, list[Problem]]]:
    """The sample pages read as pull would: records, and each page's own problems."""
    aliases: dict[str, list[str]] = {}
    for redirect, target in EXPECTED["template_redirects"].items():
        aliases.setdefault(target, []).append(redirect)
    manifest = json.loads((SAMPLES / "pages.json").read_text(encoding="utf-8"))
    records: list[Record] = []
    pages: dict[str, list[Problem]] = {}
    for name, title in manifest.items():
        page = read_page((SAMPLES / "pages" / name).read_text(encoding="utf-8"), title,
                          aliases=aliases)
        records += page.records
        pages[title] = list(page.problems)
    return records, pages


def run(dataset_file: str) -> list[Difference]:
    records, pages = sample_wiki()
    return audit(records, load_dataset(SAMPLES / dataset_file), None, Config(), pages=pages)


def described(diff: Difference, item: dict[str, Any]) -> bool:
    """Whether a difference is about expected.json's item: a fiche's title, or a row's page
    and name."""
    if diff.field != item["field"]:
        return False
    if "title" in item:
        return diff.title == item["title"]
    return (diff.title, diff.name) == (item["page"], item["nom"])


@pytest.mark.parametrize("dataset_file", ["dataset.csv", "dataset.geojson"])
def test_wiki_vs_dataset_is_exactly_the_expected(dataset_file: str) -> None:
    expected = EXPECTED["dataset"]
    diffs = run(dataset_file)
    by_kind: dict[str, list[Difference]] = {}
    for diff in diffs:
        by_kind.setdefault(diff.kind, []).append(diff)
    assert sorted(d.name or "" for d in by_kind["missing-on-wiki"]) == sorted(
        expected["only_in_dataset"])
    assert [(d.name, d.title) for d in by_kind["missing-in-dataset"]] == [
        (item["nom"], item["title"]) for item in expected["only_on_wiki"]]
    real = [d for d in by_kind["mismatch"] if d.detail != "missing on the wiki"]
    assert sorted((d.title, d.field) for d in real) == sorted(
        (item["title"], item["field"]) for item in expected["differences"])
    strasbourg = next(d for d in real if d.field == "coordinates")
    distance = next(i["distance_m"] for i in expected["differences"] if "distance_m" in i)
    assert strasbourg.detail == f"{distance} m"
    fills = [d for d in by_kind["mismatch"] if d.detail == "missing on the wiki"]
    wanted = expected["fills"] + [item for item in expected["on_problem_pages"]
                                  if item["dataset"]]  # an empty dataset cell is no difference
    assert len(fills) == len(wanted)
    for item in wanted:
        assert [d for d in fills if described(d, item)], item
    near = {(item["title"], item["field"]) for item in expected["near_misses"]}
    assert not [d for d in diffs if (d.title, d.field) in near]


def test_every_problem_page_is_reported() -> None:
    diffs = run("dataset.csv")
    reported = {(d.title, d.field) for d in diffs if d.kind == "problem"}
    for title, problem in EXPECTED["problems"].items():
        for code in problem["codes"]:
            assert (title, code) in reported, (title, code)
    for title in EXPECTED["not_problems"]:
        codes = {code for t, code in reported if t == title}
        assert codes <= {"no-coordinates"}, (title, codes)


def test_the_map_exported_from_the_wiki_agrees_with_it() -> None:
    records, pages = sample_wiki()
    config = Config(wiki=WikiConfig(api="https://wiki.example.org/w/api.php"))
    settings = MapSettings.from_config(config)
    data = map_data(build_hubs(records, config.schema.types), settings)
    for served in (to_geojson(data), to_umap(data, settings)):
        diffs = audit(records, None, served, config, pages=pages)
        assert [d for d in diffs if d.kind.startswith("map-")] == []
