"""Exit codes a timer can live with, and progress on long write runs (real private wiki).

A page that stays broken is reported once (exit 1), then known (exit 0, listed as "known,
unchanged since run N") until someone edits it again; ``--strict`` keeps exit 1.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ops_helpers import Cli, fiches

from wikisync.store import Store
from wikisync.write.left import latest_left

pytestmark = pytest.mark.wiki


def one_infobox(prefix: str) -> str:
    """The broken page mended: one fiche of its own name (the other tests audit it too)."""
    return (f"{{{{Fiche initiative\n| nom = Pôle {prefix} réparé\n"
            "| type = association de développement\n| latitude = 48.2\n"
            "| longitude = -4.4\n}}\n")


TWO_INFOBOXES = ("{{Fiche initiative\n| nom = Pôle A\n| latitude = 48.1\n| longitude = -4.5\n}}\n"
                 "{{Fiche initiative\n| nom = Pôle B\n| latitude = 47.1\n| longitude = -3.5\n}}\n")


def test_a_broken_page_is_new_once_then_known_until_a_person_edits_it_again(
    cli: Cli, ops_editor: Any, unique_title: Callable[..., str]
) -> None:
    prefix = unique_title("Timer")
    broken = f"{prefix} Cassée"
    cli.wiki.import_pages(fiches(prefix, 1) | {broken: TWO_INFOBOXES})
    try:
        check_known_then_new(cli, ops_editor, broken, prefix)
    finally:  # other tests of this wiki audit every page: leave none broken
        ops_editor.edit(broken, one_infobox(prefix))


def check_known_then_new(cli: Cli, ops_editor: Any, broken: str, prefix: str) -> None:
    """The runs of the test above, on its broken page."""
    first = cli("run", "--json", "--prefix", prefix)
    second = cli("run", "--json", "--prefix", prefix)
    strict = cli("run", "--strict", "--prefix", prefix)
    dry = cli("sync", "--dry-run", "--prefix", prefix)
    status = cli("status", "--offline")

    assert first.code == 1, first.err
    data = first.json()
    assert data["status"] == "partial" and data["known"] == []
    assert data["skips"]["by_reason"] == {"unsafe": 1} and data["edits"]["total"] == 1
    assert second.code == 0, second.err
    again = second.json()
    [known] = again["known"]
    assert (known["title"], known["reason"]) == (broken, "unsafe")
    assert data["run_id"] <= known["since_run"] < again["run_id"]
    assert again["status"] == "ok" and again["skips"]["by_reason"] == {"unsafe": 1}
    assert strict.code == 1
    assert f"known, unchanged since run {known['since_run']}: {broken} (unsafe)" in strict.out
    assert dry.code == 0, dry.out + dry.err
    assert "plan: 0 pages" in dry.out
    assert f"refused (not edited): {broken} (unsafe: " in dry.out
    assert f"— known, unchanged since run {known['since_run']}" in dry.out
    assert f"  {broken} (unsafe, r" in status.out
    assert f"known, unchanged since run {known['since_run']}" in status.out

    ops_editor.edit(broken, TWO_INFOBOXES + "Texte ajouté, toujours deux fiches.\n")
    edited = cli("run", "--json", "--prefix", prefix)
    after = cli("run", "--json", "--prefix", prefix)

    assert edited.code == 1, edited.err
    assert edited.json()["known"] == [] and edited.json()["status"] == "partial"
    assert after.code == 0 and after.json()["known"][0]["since_run"] >= edited.json()["run_id"]
    with Store(cli.store) as store:
        [left] = latest_left(store)
    assert left.title == broken and left.first_run == after.json()["known"][0]["since_run"]


def test_a_dry_run_records_nothing_so_the_first_real_run_still_says_so(
    cli: Cli, ops_editor: Any, unique_title: Callable[..., str]
) -> None:
    prefix = unique_title("TimerDry")
    cli.wiki.import_pages({f"{prefix} Cassée": TWO_INFOBOXES})

    try:
        dry = cli("sync", "--dry-run", "--prefix", prefix)
        real = cli("sync", "--prefix", prefix)
        dry_again = cli("sync", "--dry-run", "--prefix", prefix)
        strict = cli("sync", "--dry-run", "--strict", "--prefix", prefix)
    finally:  # other tests of this wiki audit every page: leave none broken
        ops_editor.edit(f"{prefix} Cassée", one_infobox(prefix))

    assert dry.code == 1 and "plan: 0 pages" in dry.out and "known" not in dry.out
    assert real.code == 1 and "known" not in real.out
    assert dry_again.code == 0 and "known: 1 left undone as in an earlier run" in dry_again.out
    assert strict.code == 1


def test_each_edit_of_a_throttled_run_says_when_the_next_goes(
    cli: Cli, unique_title: Callable[..., str]
) -> None:
    prefix = unique_title("Waits")
    cli.wiki.import_pages(fiches(prefix, 3))
    cli.config(interval=1)

    done = cli("sync", "--rule", "map_links", "--prefix", prefix)

    assert done.code == 0, done.err
    waits = re.findall(r"INFO wikisync\.progress: edit (\d)/3 · next in (\d) s", done.err)
    assert [edit for edit, _ in waits] == ["1", "2", "3"], done.err
    assert waits[0][1] == "0"  # the first edit goes at once; then at most the interval
    assert {wait for _, wait in waits[1:]} <= {"0", "1"}  # (exact waits: test_left_and_waits)
    assert "edited: 3" in done.out
    cli.wiki.import_pages(fiches(f"{prefix} Q", 2))
    fresh = cli.folder / "quiet.sqlite"  # a full pull: imported pages are not in the RC feed
    quiet = cli("-q", "sync", "--rule", "map_links", "--prefix", f"{prefix} Q", "--store",
                str(fresh))
    assert quiet.code == 0 and "next in" not in quiet.err
    with Store(fresh) as store:
        assert len([e for e in store.journal() if e.title.startswith(f"{prefix} Q")]) == 2


def test_templates_install_says_when_each_template_goes(
    cli: Cli, unique_title: Callable[..., str], tmp_path: Path
) -> None:
    name = unique_title("Attente").replace(" ", "_")
    folder = tmp_path / "modeles"
    folder.mkdir()
    manifest = {f"{name}_{i}.wiki": {"title": f"Modèle:{name} {i}", "role": "helper"}
                for i in range(2)}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    for file in manifest:
        (folder / file).write_text(f"Modèle {file}.\n", encoding="utf-8")
    cli.config(interval=1)

    done = cli("templates", "install", "--dir", str(folder))

    assert done.code == 0, done.out + done.err
    waits = re.findall(r"wikisync\.progress: (edit \d/2) · next in (\d) s", done.err)
    assert [edit for edit, _ in waits] == ["edit 1/2", "edit 2/2"], done.err
    assert waits[0][1] == "0" and waits[1][1] in ("0", "1")
