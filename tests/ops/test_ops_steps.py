"""``ops.steps``: sync then the generated lists, one write session, one order, one budget."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from wikisync.ops.steps import SyncSteps
from wikisync.store import Store
from wikisync.sync.run import SyncOptions

sys.path.insert(0, str(Path(__file__).parents[1] / "generate"))
from gen_helpers import config, fake_wiki, fiche, fill_store  # noqa: E402

PAGES = {
    "Brest": fiche("Pôle de Brest", "Bretagne"),
    "Lorient": fiche("Pôle de Lorient", "Bretagne", commune="Lorient"),
    "Liste": "Intro\n{{Liste pôles ESS|région=Bretagne}}\nFin",
}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A store holding PAGES as a pull would (fiches without their map link)."""
    with Store(tmp_path / "s.sqlite") as opened:
        fill_store(opened, PAGES)
        yield opened


def test_sync_comes_first_then_the_lists_in_the_same_session(store: Store) -> None:
    wiki = fake_wiki(PAGES)
    steps = SyncSteps(wiki, store, config(), SyncOptions(pull=False))  # type: ignore[arg-type]
    result = steps.run()
    assert [(o.title, o.status, o.rules) for o in result.outcomes] == [
        ("Brest", "edited", ("map_links",)), ("Lorient", "edited", ("map_links",)),
        ("Liste", "edited", ("generate",))]
    [run] = store.runs()
    assert (run.kind, run.status, run.id) == ("sync", "ok", result.run_id)
    assert run.counts["edited"] == 3 and result.lists and result.exit_code == 0
    assert {entry.run_id for entry in store.journal()} == {run.id}
    assert all(summary.endswith(f"[run {run.id}]") for _, _, summary in wiki.edits)
    assert steps.lists is not None and [o.title for o in steps.lists.outcomes] == ["Liste"]


def test_one_budget_for_both_steps_and_the_lists_are_reported_not_tried(store: Store) -> None:
    wiki = fake_wiki(PAGES)
    result = SyncSteps(wiki, store, config(), SyncOptions(pull=False),  # type: ignore[arg-type]
                       max_edits=1).run()
    assert [(o.title, o.status, o.reason) for o in result.outcomes] == [
        ("Brest", "edited", ""), ("Lorient", "stopped", "max-edits"),
        ("Liste", "stopped", "max-edits")]
    assert [title for title, _, _ in wiki.edits] == ["Brest"]
    assert result.stopped == "max-edits: 1 edits made" and result.exit_code == 1
    assert store.runs()[0].status == "stopped"


def test_without_lists_only_the_sync_runs(store: Store) -> None:
    wiki = fake_wiki(PAGES)
    steps = SyncSteps(wiki, store, config(), SyncOptions(pull=False),  # type: ignore[arg-type]
                      lists=False)
    result = steps.run()
    assert [o.title for o in result.outcomes] == ["Brest", "Lorient"]
    assert steps.lists is None and not result.lists
