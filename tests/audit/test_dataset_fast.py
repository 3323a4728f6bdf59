"""The fast row path (``dataset.rows``, ``dataset.keys``) gives exactly what the plain one did.

The reference is the per-row code the fast path replaced: ``plan_fields`` by rank over the
header's plan, ``hub_from`` building the frozen dataclass, ``text.normalise_name`` and
``parse.coords.parse_single``. Each fast piece is compared with its reference on many
inputs, and a mixed dataset gives the same audit JSON, byte for byte, both ways.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from wikisync.audit.compare import audit
from wikisync.audit.render import render_json
from wikisync.config import Config
from wikisync.dataset import (
    Dataset,
    DatasetProblem,
    RowSource,
    columns,
    keys,
    load_dataset,
    match,
    model,
    readers,
)
from wikisync.dataset.columns import Row, column_fields, header_index, header_plan, hub_from
from wikisync.hubs import build_hubs, web_url
from wikisync.model import Record
from wikisync.parse.coords import parse_single
from wikisync.schema import Schema
from wikisync.text import normalise_name

SCHEMA = Schema()
PIECES = ["a", "Z", "é", "È", "œ", "Æ", "ß", "Ω", "ς", "İ", "ﬁ", "²", "①", "Ａ", "°", "’",
          "«", "»", "-", "_", " ", "\t", "\u0301", "\u0327", "n°", "l’", "'", "(", ".", "9",
          "Pôle", "ESS", "Économie", "d’Œuvre", "Straße", "ǅ", "\u00a0", "\u2009", "ŉ"]


def test_name_key_is_normalise_name_for_every_character_in_context() -> None:
    texts = [f"é{chr(code)}" for code in range(0x20000) if not 0xD800 <= code < 0xE000]
    texts += [chr(code) for code in range(128)]  # the ASCII road
    assert [t for t in texts if keys.name_key(t) != normalise_name(t)] == []


def test_name_key_is_normalise_name_on_mixed_names() -> None:
    rng = random.Random(15)
    names = ["".join(rng.choices(PIECES, k=rng.randint(0, 9))) for _ in range(20000)]
    assert [keys.name_key(n) for n in names] == [normalise_name(n) for n in names]
    assert keys.name_key("Pôle ESS n° 12") == "pole ess n 12"


def test_coordinate_is_parse_single() -> None:
    texts = ["48.1", "-4.5", "+4.5", "48,1", " 48.1 ", "48.1°", "\u22124.5", "\u20134.5",
             "91", "90", "-90.0", "-180.0", "180.5", "48°23′25″N", "4°29′10″O", "١٢.٥",
             "1e5", "inf", "nan", "", "4.", ".5", "0x10", "1_0", "٤٨.١", "48.1\n", "00048"]
    rng = random.Random(4)
    texts += ["".join(rng.choices("0123456789.,-+ °NSEO", k=rng.randint(1, 8)))
              for _ in range(5000)]
    for latitude in (True, False):
        assert [keys.coordinate(t, latitude) for t in texts] == [
            parse_single(t, latitude) for t in texts]


def test_website_is_web_url() -> None:
    texts = ["http://a.org", "https://a.org/x y", "HTTP://a.org", "http:/a.org", "http://",
             "https://", "ftp://a.org", "www.a.org", "//a.org", "a b.org", "mailto:x@a.org",
             "pas un site", "http", "httpx://a.org", "https:a.org", ""]
    assert [keys.website(t) for t in texts] == [web_url(t) for t in texts]


def old_plan_fields(cells: Sequence[str], plan: Sequence[tuple[int, str, int]]
                    ) -> dict[str, str]:
    """The field values of a row as the plain reader chose them (lowest rank wins)."""
    found: dict[str, tuple[int, str]] = {}
    for index, record_field, rank in plan:
        text = cells[index].strip() if index < len(cells) else ""
        if text and rank < found.get(record_field, (9, ""))[0]:
            found[record_field] = (rank, text)
    return {name: text for name, (_, text) in found.items()}


def reference(path: Path, schema: Schema, monkeypatch: pytest.MonkeyPatch) -> Dataset:
    """The dataset as the plain per-row path reads it (``hub_from``, reference helpers)."""
    monkeypatch.setattr(columns, "coordinate", parse_single)
    monkeypatch.setattr(model, "name_key", normalise_name)
    rows: Iterator[tuple[int, list[str]]] = readers.csv_rows(
        io.StringIO(path.read_text(encoding="utf-8"), newline=""))
    header = [cell.strip() for cell in next(rows)[1]]
    plan = header_plan(header, column_fields(schema))
    index, width, file = header_index(header), len(header), str(path)
    hubs, problems = [], []
    for line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        where, source = f"line {line}", RowSource(file, line)
        if any(cell.strip() for cell in cells[width:]):
            problems.append(DatasetProblem(where, "bad-row",
                                           f"{len(cells)} cells for {width} columns",
                                           source=source))
            continue
        hub, found = hub_from(old_plan_fields(cells, plan), where, schema, Row(index, cells),
                              source)
        problems += found
        if hub is not None:
            hubs.append(hub)
    dataset = model.finish(file, hubs, problems, frozenset(f for _, f, _ in plan))
    monkeypatch.undo()
    return dataset


def by_row(problems: Sequence[DatasetProblem]) -> tuple[DatasetProblem, ...]:
    """Problems in row order, as a streamed pass lists them (a row's own order kept)."""
    return tuple(sorted(problems, key=lambda p: p.source.row if p.source else 0))


MIXED = """nom,type,commune,latitude,longitude,site web,fiche,nom usuel,description
Pôle A,association de développement,Brest,48.39,-4.49,http://a.example.org,,,
Pôle B,regroupement informel,Lyon,"45,76",4.83,b.example.fr,[[Pôle B|le pôle]],,
Pôle C,frob,Paris,48°52′33″N,2°21′E,pas un site,,,"une, virgule"
Œuvre d’Économie,espace d’hébergement,Arles,43.6766,4.6278,//o.example.org,,,
Straße Ωmega,pôle en projet,Köln,200,7,,http://wiki.example.org/wiki/Stra%C3%9Fe,,
Pôle A,association de développement,Brest,48.39,-4.49,,,,
,pôle en projet,Vannes,47.6,-2.7,,,,

Pôle E,,Quimper,,,,Pôle_E,,,trop,de,cellules
Pôle F,,Morlaix,48.57,,,,Le Pôle F,
Pôle G,centre multi-fonctions,Rennes,48.11,-1.68,http://g.example.org,,,
Pôle H
pole a,,brest,1,1,,,,
"""
WIKI = [Record("Pôle A", "fiche", name="Pôle A", commune="Brest", lat=48.39, lon=-4.49,
               website="http://a.example.org", type="association"),
        Record("Pôle B", "fiche", name="Le Pôle B", commune="Lyon", website="http://x.org"),
        Record("Straße", "fiche", name="Strasse", commune="Köln"),
        Record("Pôle G", "fiche", name="Pôle G", commune="Brest", lat=47.0, lon=-1.0),
        Record("Pôle F", "fiche", name="Pôle F", commune="Morlaix"),
        Record("Pôle Z", "fiche", name="Pôle Z", commune="Nulle part")]


ALL_CODES = {"bad-url", "bad-coordinates", "unknown-type", "no-name", "bad-row",
             "duplicate-row"}


# "name" for "type": a second name column, so each field no longer has one cell
@pytest.mark.parametrize(("header", "codes"), [
    ("nom,type", ALL_CODES), ("nom,name", ALL_CODES - {"unknown-type", "no-name"})])
def test_fast_rows_give_the_audit_json_of_the_plain_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, header: str, codes: set[str]) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(MIXED.replace("nom,type", header, 1), encoding="utf-8")
    config = Config()
    plain = reference(path, config.schema, monkeypatch)
    fast = load_dataset(path, config.schema)
    plain_json = render_json(audit(WIKI, plain, None, config))
    assert render_json(audit(WIKI, fast, None, config)) == plain_json
    assert '"missing-on-wiki"' in plain_json and '"mismatch"' in plain_json
    assert {p.code for p in plain.problems} == codes
    assert fast.problems == by_row(plain.problems) and fast.hubs == plain.hubs
    assert [(h.name_key, h.commune_key, h.source, dict(h.raw)) for h in fast.hubs] == [
        (h.name_key, h.commune_key, h.source, dict(h.raw)) for h in plain.hubs]


def test_fast_rows_pair_as_the_plain_rows(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(MIXED, encoding="utf-8")
    hubs = build_hubs(WIKI)
    plain = match(reference(path, SCHEMA, monkeypatch).hubs, hubs)
    fast = match(load_dataset(path, SCHEMA).rows(), hubs)
    assert fast == plain and [(p.by, p.at) for p in fast.pairs] == [
        (p.by, p.at) for p in plain.pairs]
    assert {p.by for p in fast.pairs} == {"title", "name+commune", "name"}
