"""Matching dataset hubs to wiki hubs and records: explicit title, name+commune, unique name."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from wikisync.dataset import DatasetHub, match, wiki_titles
from wikisync.hubs import build_hubs
from wikisync.model import Record


@dataclass(frozen=True)
class Item:
    """A minimal wiki-side item: a name, a commune, a fiche page."""

    name: str | None
    commune: str | None = None
    fiche: str | None = None


def row(name: str, commune: str | None = None, fiche: str | None = None,
        where: str = "line 2") -> DatasetHub:
    return DatasetHub(where, name, commune=commune, fiche=fiche)


def pairs(result: object) -> list[tuple[str, str | None, str]]:
    return [(p.hub.where, p.wiki.name, p.by) for p in result.pairs]  # type: ignore[attr-defined]


def test_explicit_title_wins_over_names() -> None:
    wiki = [Item("Pôle A", "Brest", fiche="Pôle A"), Item("Autre nom", "Quimper", fiche="Page B")]
    result = match([row("Pôle A", "Brest", fiche="page_B")], wiki)
    assert pairs(result) == [("line 2", "Autre nom", "title")]
    assert result.wiki_only == (wiki[0],)
    assert result.dataset_only == ()


def test_unknown_explicit_title_falls_back_to_names() -> None:
    wiki = [Item("Pôle A", "Brest", fiche="Pôle A")]
    assert pairs(match([row("Pôle A", "Brest", fiche="Nulle part")], wiki)) == [
        ("line 2", "Pôle A", "name+commune")]


def test_name_and_commune_are_normalised() -> None:
    wiki = [Item("Maison de l’ESS de Saint-Étienne", "SAINT ETIENNE")]
    result = match([row("maison de l'ess de saint etienne", "Saint-Étienne")], wiki)
    assert pairs(result) == [("line 2", "Maison de l’ESS de Saint-Étienne", "name+commune")]


def test_namesakes_are_told_apart_by_commune() -> None:
    wiki = [Item("Maison de l'ESS", "Lyon"), Item("Maison de l'ESS", "Lille")]
    data = [row("Maison de l'ESS", "Lille", where="line 2"),
            row("Maison de l'ESS", "Lyon", where="line 3"),
            row("Maison de l'ESS", "Nice", where="line 4")]
    result = match(data, wiki)
    assert [(p.hub.commune, p.wiki.commune) for p in result.pairs] == [
        ("Lille", "Lille"), ("Lyon", "Lyon")]
    assert [h.where for h in result.dataset_only] == ["line 4"]


def test_name_alone_only_when_unique_on_both_sides() -> None:
    wiki = [Item("Pôle B", "Guipavas"), Item("Pôle C", "Brest"), Item("Pôle C", "Morlaix")]
    data = [row("Pôle B", "Brest", where="line 2"), row("Pôle C", "Quimper", where="line 3")]
    result = match(data, wiki)
    assert pairs(result) == [("line 2", "Pôle B", "name")]
    assert [h.where for h in result.dataset_only] == ["line 3"]
    assert [w.commune for w in result.wiki_only] == ["Brest", "Morlaix"]


def test_name_repeated_in_dataset_is_not_unique() -> None:
    wiki = [Item("Pôle D")]
    result = match([row("Pôle D", "X", where="line 2"), row("Pôle D", "Y", where="line 3")],
                   wiki)
    assert result.pairs == ()
    assert len(result.dataset_only) == 2


def test_each_side_used_once_and_input_order_kept() -> None:
    wiki = [Item("Pôle E", "Rennes")]
    data = [row("Pôle E", "Rennes", where="line 2"), row("Pôle E", "Rennes", where="line 3")]
    result = match(data, wiki)
    assert pairs(result) == [("line 2", "Pôle E", "name+commune")]
    assert [h.where for h in result.dataset_only] == ["line 3"]


def test_items_without_name_never_match_by_name() -> None:
    result = match([row("", None)], [Item(None), Item("")])
    assert result.pairs == ()


def test_records_are_matched_by_fiche_page_or_row_fiche() -> None:
    fiche = Record("Pôle F", "fiche", name="Pôle F officiel", commune="Caen")
    listed = Record("Région", "row", name="Pôle G", fiche="Pôle G")
    header = Record("Région", "region", region="Normandie")
    assert wiki_titles(fiche) == ("Pôle F",)
    assert wiki_titles(listed) == ("Pôle G",)
    assert wiki_titles(header) == ()
    result = match([row("x", fiche="Pôle F", where="line 2"),
                    row("y", fiche="Pôle G", where="line 3"),
                    row("z", fiche="Région", where="line 4")], [header, fiche, listed])
    assert [(p.hub.where, p.wiki.title, p.by) for p in result.pairs] == [
        ("line 2", "Pôle F", "title"), ("line 3", "Région", "title")]


def test_hubs_from_build_hubs_match_by_fiche() -> None:
    hubs = build_hubs([
        Record("Pôle H", "fiche", name="Pôle H", commune="Metz", type="projet"),
        Record("Région", "row", name="Pôle H", fiche="Pôle H"),
        Record("Région", "row", name="Pôle I", commune="Nancy"),
    ])
    result = match([row("Pôle I", "Nancy", where="line 2"), row("?", fiche="Pôle_H",
                                                                where="line 3")], hubs)
    assert [(p.hub.where, p.wiki.name, p.by) for p in result.pairs] == [
        ("line 2", "Pôle I", "name+commune"), ("line 3", "Pôle H", "title")]


names = st.sampled_from(["Pôle A", "pole a", "Pôle B", "Maison", "maison", ""])
communes = st.sampled_from([None, "Brest", "brest", "Quimper"])


@given(st.lists(st.tuples(names, communes), max_size=6),
       st.lists(st.tuples(names, communes), max_size=6))
def test_matching_is_a_partition_one_to_one(left: list[tuple[str, str | None]],
                                             right: list[tuple[str, str | None]]) -> None:
    data = [row(n, c, where=f"line {i}") for i, (n, c) in enumerate(left)]
    wiki = [Item(n, c) for n, c in right]
    result = match(data, wiki)
    matched_left = [p.hub for p in result.pairs]
    matched_right = [id(p.wiki) for p in result.pairs]
    assert len(set(map(id, matched_left))) == len(matched_left)
    assert len(set(matched_right)) == len(matched_right)
    assert len(matched_left) + len(result.dataset_only) == len(data)
    assert len(matched_right) + len(result.wiki_only) == len(wiki)
