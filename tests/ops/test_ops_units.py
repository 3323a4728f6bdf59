"""Fast tests of the operations pieces: summary, exit codes, exports, files, templates."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from wikisync.config import EXPORT_KEYS, Config, ExportConfig, SafetyConfig, load_config
from wikisync.errors import ConfigError
from wikisync.files import write_atomic
from wikisync.model import Record
from wikisync.ops.cycle import CycleResult, RunOptions
from wikisync.ops.outputs import (
    EXPORT_FORMATS,
    audit_differences,
    report_format,
    run_audit,
    write_exports,
)
from wikisync.ops.report import SUMMARY_KEYS, summary, summary_lines
from wikisync.ops.templates import WikiTemplate, install_lines, install_templates
from wikisync.store import Store, StoredPage
from wikisync.sync.planner import Note, Plan
from wikisync.sync.run import SyncResult
from wikisync.write import WriteOutcome

sys.path.insert(0, str(Path(__file__).parents[1] / "sync"))
from fakewiki import FakeWiki  # noqa: E402


def outcome(title: str, status: Any, reason: str = "", rules: tuple[str, ...] = ()) -> Any:
    """A writer outcome."""
    return WriteOutcome(title, status, reason, rules=rules)


def cycle(options: RunOptions | None = None, outcomes: list[WriteOutcome] | None = None,
          refused: list[Note] | None = None, **fields: Any) -> CycleResult:
    """A finished cycle whose sync ended with these outcomes."""
    sync = SyncResult(run_id=3, dry_run=False, plan=Plan(refused=refused or []),
                      outcomes=outcomes or [])
    return CycleResult(options or RunOptions(), run_id=7, sync=sync, **fields)


def test_summary_counts_edits_by_rule_and_skips_by_reason() -> None:
    result = cycle(outcomes=[
        outcome("A", "edited", rules=("map_links", "dataset")),
        outcome("B", "edited", rules=("map_links",)),
        outcome("C", "skipped", "nobots"),
        outcome("D", "unchanged"),
    ], refused=[Note("E", "unsafe", "unclosed template")], requests={"read": 3, "login": 2})

    data = summary(result)

    assert list(data) == list(SUMMARY_KEYS)
    assert data["edits"] == {"total": 2, "by_rule": {"dataset": 1, "map_links": 2}}
    assert data["skips"] == {"total": 2, "by_reason": {"nobots": 1, "unsafe": 1}}
    assert data["requests"] == {"total": 5, "by_kind": {"read": 3, "login": 2}}
    assert json.loads(json.dumps(data)) == data
    lines = summary_lines(data)
    assert lines[2] == "edits: 2 (dataset 1, map_links 2)"
    assert lines[3] == "skipped: 2 (nobots 1, unsafe 1)"


@pytest.mark.parametrize(("outcomes", "refused", "fields", "status", "code"), [
    ([outcome("A", "edited")], [], {}, "ok", 0),
    ([outcome("A", "skipped", "nobots")], [Note("B", "nobots", "")], {}, "ok", 0),
    ([outcome("A", "skipped", "conflict")], [], {}, "partial", 1),
    ([outcome("A", "stopped", "max-edits")], [], {}, "partial", 1),
    ([], [Note("B", "unsafe", "")], {}, "partial", 1),
    ([], [], {"error": "wiki unreachable", "error_code": 3}, "failed", 3),
    ([], [], {"error": "[wiki] api is not set", "error_code": 2}, "failed", 2),
])
def test_status_and_exit_code(outcomes: list[WriteOutcome], refused: list[Note],
                              fields: dict[str, Any], status: str, code: int) -> None:
    result = cycle(outcomes=outcomes, refused=refused, **fields)
    assert (result.status, result.exit_code) == (status, code)


def test_dry_run_counts_the_would_be_edits() -> None:
    result = cycle(RunOptions(dry_run=True), [outcome("A", "dry-run", rules=("generate",))])
    data = summary(result)
    assert data["edits"]["total"] == 1 and data["dry_run"] is True
    assert summary_lines(data)[0].startswith("run (dry run) [run 7] ok")
    assert "would edit: 1 (generate 1)" in summary_lines(data)


def filled_store(path: Path) -> Store:
    """A store with two typed fiches (one without coordinates)."""
    store = Store(path)
    for pageid, (name, lat) in enumerate([("Pôle A", 48.1), ("Pôle B", None)], start=1):
        record = Record(title=name, source="fiche", instance=0, name=name,
                        type="association", lat=lat, lon=-4.5 if lat else None)
        store.put_page(StoredPage(name, pageid, 0, pageid, "2026-01-01T00:00:00Z", "x"),
                       [record])
    return store


def test_exports_are_written_once_and_then_left_alone(tmp_path: Path) -> None:
    config = Config(export=ExportConfig(geojson=str(tmp_path / "out" / "carte.geojson"),
                                        json=str(tmp_path / "records.json"),
                                        csv=str(tmp_path / "carte.csv")))
    with filled_store(tmp_path / "s.sqlite") as store:
        dry = write_exports(store, config, dry_run=True)
        assert [e.changed for e in dry] == [True, True, True]
        assert not (tmp_path / "records.json").exists()

        first = write_exports(store, config)
        again = write_exports(store, config)

    assert [(e.key, e.items, e.changed) for e in first] == [  # in ExportConfig's order
        ("geojson", 1, True), ("csv", 1, True), ("json", 2, True)]
    assert [e.changed for e in again] == [False, False, False]
    geojson = json.loads((tmp_path / "out" / "carte.geojson").read_text(encoding="utf-8"))
    assert [f["properties"]["name"] for f in geojson["features"]] == ["Pôle A"]
    assert (tmp_path / "carte.csv").read_text(encoding="utf-8").startswith("name,")
    assert list(tmp_path.glob("**/*.tmp")) == []


def test_an_unknown_export_format_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "wikisync.toml"
    path.write_text("[export]\npdf = 'x.pdf'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"{path}: unknown key \[export\] pdf"):
        load_config(str(path), env={})
    assert set(EXPORT_FORMATS) == set(EXPORT_KEYS)  # every [export] key has its format
    every = ExportConfig(**{key: str(tmp_path / f"all.{key}") for key in EXPORT_KEYS})
    with filled_store(tmp_path / "s.sqlite") as store:
        written = write_exports(store, Config(export=every))
    assert [e.key for e in written] == list(EXPORT_KEYS) and all(e.changed for e in written)


def test_write_atomic_replaces_and_reports_changes(tmp_path: Path) -> None:
    target = tmp_path / "a" / "f.txt"
    assert write_atomic(target, "one") is True
    assert write_atomic(target, "one") is False
    assert write_atomic(target, "two", dry_run=True) is True
    assert target.read_text(encoding="utf-8") == "one"
    assert write_atomic(target, "two") is True and target.read_text(encoding="utf-8") == "two"
    assert oct(target.stat().st_mode & 0o777) == "0o644"


def test_audit_report_format_from_suffix_and_differences(tmp_path: Path) -> None:
    assert [report_format(p) for p in ("a.html", "a.JSON", "a.wiki", "a.csv", "a.txt")] == [
        "html", "json", "wikitext", "csv", "text"]
    assert report_format("a.html", "json") == "json"
    with filled_store(tmp_path / "s.sqlite") as store:
        diffs = audit_differences(store, Config())
        result = run_audit(store, Config(), str(tmp_path / "audit.json"))
    report = json.loads((tmp_path / "audit.json").read_text(encoding="utf-8"))
    assert result.differences == len(diffs) == len(report)
    assert result.report_changed and result.wikitext


TEMPLATES = [
    WikiTemplate("A.wiki", "Modèle:A", "wikisync : A", "contract", (), "texte A"),
    WikiTemplate("B.wiki", "Modèle:B", "wikisync : B", "contract", (), "texte B"),
    WikiTemplate("C.wiki", "Modèle:C", "wikisync : C", "optional", (), "texte C"),
    WikiTemplate("D.wiki", "Modèle:D", "wikisync : D", "helper", (), "texte D"),
]


def install(wiki: FakeWiki, tmp_path: Path, **options: Any) -> list[str]:
    """Install TEMPLATES on the fake wiki; the result's lines."""
    config = Config(safety=SafetyConfig(edit_interval=0))
    with Store(tmp_path / "s.sqlite") as store:
        result = install_templates(wiki, store, config, TEMPLATES,  # type: ignore[arg-type]
                                   **options)
        assert store.runs(kind="templates-install")[0].status in ("ok", "partial")
    return install_lines(result)


def test_templates_create_missing_keep_existing_force_replaces_contracts(
    tmp_path: Path
) -> None:
    wiki = FakeWiki()
    wiki.put("Modèle:B", "le B du wiki")
    wiki.put("Modèle:C", "le C du wiki")
    wiki.put("Modèle:D", "texte D\n")

    assert install(wiki, tmp_path, dry_run=True) == [
        "would create: Modèle:A",
        "exists (differs; --force replaces it): Modèle:B",
        "exists (differs; the wiki's own is kept, even with --force): Modèle:C",
        "up to date: Modèle:D"]
    assert wiki.edits == []

    assert install(wiki, tmp_path)[0] == "created: Modèle:A"
    assert wiki.text("Modèle:A") == "texte A" and wiki.text("Modèle:B") == "le B du wiki"

    assert install(wiki, tmp_path, force=True) == [
        "up to date: Modèle:A", "replaced: Modèle:B",
        "exists (differs; the wiki's own is kept, even with --force): Modèle:C",
        "up to date: Modèle:D"]
    assert wiki.text("Modèle:B") == "texte B" and wiki.text("Modèle:C") == "le C du wiki"
    assert [title for title, _, _ in wiki.edits] == ["Modèle:A", "Modèle:B"]
    assert all("[run " in summary for _, _, summary in wiki.edits)
