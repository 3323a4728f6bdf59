"""Large datasets stream: matching keeps only what matched, ``create`` stops at its limit."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path

from wikisync.audit.compare import compare_dataset
from wikisync.dataset import DatasetHub, load_dataset, match, read_csv
from wikisync.generate.fiches import plan_fiches
from wikisync.generate.templates import environment
from wikisync.hubs import build_hubs
from wikisync.model import Record
from wikisync.schema import Schema

SCHEMA = Schema()
HEADER = "nom,commune,site web,description\n"
TEXT = "Pôle de l’économie sociale et solidaire, accompagnement et animation du réseau " * 3


def big_csv(path: Path, rows: int) -> Path:
    """A CSV of ``rows`` hubs named ``Pôle n``, each with a long description."""
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for n in range(rows):
            out.write(f"Pôle {n},Commune {n % 50},http://p{n}.example.org,\"{TEXT}\"\n")
    return path


def wiki(names: list[int]) -> list[Record]:
    """Fiches for the hubs ``Pôle n`` of these numbers."""
    return [Record(f"Pôle {n}", "fiche", name=f"Pôle {n}", commune=f"Commune {n % 50}")
            for n in names]


def peak(step: Callable[[], object]) -> int:
    """The peak of memory allocated while ``step`` runs, in bytes."""
    tracemalloc.start()
    try:
        step()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_matching_a_file_keeps_only_the_rows_that_matched(tmp_path: Path) -> None:
    hubs = build_hubs(wiki([10, 1500, 1999]))

    def streamed(path: Path) -> None:
        rows = load_dataset(path, encoding="utf-8").rows()  # no UTF-8 check: 1 MB chunks
        result = match(rows, hubs, unmatched=lambda n, row: None)
        assert [p.hub.name for p in result.pairs] == ["Pôle 10", "Pôle 1500", "Pôle 1999"]
        assert [p.at for p in result.pairs] == [10, 1500, 1999]
        assert result.dataset_only == () and result.unmatched_count == result.rows - 3

    small, large = big_csv(tmp_path / "small.csv", 2000), big_csv(tmp_path / "large.csv", 8000)
    kept = peak(lambda: load_dataset(large).hubs)
    flat_small, flat_large = peak(lambda: streamed(small)), peak(lambda: streamed(large))
    # each row costs only its duplicate-row key (a hash and its place), not the row
    assert (flat_large - flat_small) / 6000 < 200
    assert flat_large * 4 < kept


def test_a_streamed_file_audits_like_the_same_rows_in_memory(tmp_path: Path) -> None:
    path = big_csv(tmp_path / "d.csv", 40)
    with path.open("a", encoding="utf-8") as out:
        out.write("Pôle 3,Commune 3,http://again.example.org,\nPôle X,,pas un site,\n")
    hubs = build_hubs(wiki([3, 7]))
    in_memory = read_csv(path.read_text(encoding="utf-8"), SCHEMA, str(path))
    streamed = load_dataset(path, SCHEMA)
    assert compare_dataset(hubs, streamed, SCHEMA.types) == compare_dataset(
        hubs, in_memory, SCHEMA.types)
    assert sorted((p.where, p.code) for p in streamed.problems) == [
        ("line 42", "duplicate-row"), ("line 43", "bad-url")]
    assert streamed.problems == tuple(sorted(in_memory.problems, key=lambda p: p.where))


def test_create_plans_and_renders_only_up_to_its_limit(tmp_path: Path) -> None:
    dataset = load_dataset(big_csv(tmp_path / "c.csv", 300), SCHEMA)
    records = wiki([0, 1])
    plan = plan_fiches(dataset, records, SCHEMA, environment(None), limit=3)
    assert [f.title for f in plan.fiches] == ["Pôle 2", "Pôle 3", "Pôle 4"]
    assert plan.more == 295 and all("{{Fiche initiative" in f.text for f in plan.fiches)
    whole = plan_fiches(dataset, records, SCHEMA, environment(None))
    assert ([f.title for f in whole.fiches][:3], len(whole.fiches), whole.more) == (
        ["Pôle 2", "Pôle 3", "Pôle 4"], 298, 0)


def test_create_limit_keeps_dataset_order_and_skips_bad_rows(tmp_path: Path) -> None:
    text = HEADER + "".join(f"Pôle {n},Brest,http://p{n}.example.org,\n" for n in range(6))
    text += "Pôle 1,Quimper,http://autre.example.org,\n"  # a namesake of a wiki hub
    text = text.replace("http://p3.example.org", "pas un site")
    path = tmp_path / "o.csv"
    path.write_text(text, encoding="utf-8")
    records = [Record("Pôle 1", "fiche", name="Pôle 1", commune="Brest"),
               Record("Autre", "fiche", name="Pôle 1", commune="Morlaix")]
    plan = plan_fiches(load_dataset(path, SCHEMA), records, SCHEMA, environment(None),
                       limit=3)
    # Pôle 1 (Quimper) shared a name with the wiki: weighed to the end, kept in its place
    assert [f.hub.where for f in plan.fiches] == ["line 2", "line 4", "line 6"]
    assert [n.split(":")[0] for n in plan.notes] == ["Pôle 3 (line 5)"]
    assert plan.more == 2  # Pôle 5 and the Quimper namesake, counted only


def test_only_with_a_streamed_dataset_names_what_it_did_not_find(tmp_path: Path) -> None:
    dataset = load_dataset(big_csv(tmp_path / "n.csv", 20), SCHEMA)
    plan = plan_fiches(dataset, wiki([4]), SCHEMA, environment(None),
                       only=("pôle 7", "Pôle 4", "Nulle part"))
    assert [f.title for f in plan.fiches] == ["Pôle 7"]
    assert plan.notes == ["--only Pôle 4: the wiki already describes it",
                          "--only Nulle part: no hub of that name in the dataset"]


def test_dataset_hubs_stay_available_for_small_uses(tmp_path: Path) -> None:
    dataset = load_dataset(big_csv(tmp_path / "s.csv", 3), SCHEMA)
    assert [h.name for h in dataset.hubs] == ["Pôle 0", "Pôle 1", "Pôle 2"]
    assert [h.name for h in dataset.rows()] == ["Pôle 0", "Pôle 1", "Pôle 2"]
    assert isinstance(dataset.hubs[0], DatasetHub) and dataset.problems == ()
