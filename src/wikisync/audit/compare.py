"""The audit: wiki vs dataset, wiki vs itself, wiki vs map, and every problem (pure, no I/O)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from wikisync.audit.fields import DEFAULT_THRESHOLD_M, compare_fields, hub_name
from wikisync.audit.map import compare_map
from wikisync.audit.model import MISMATCH_FIELDS, Difference, sort_differences
from wikisync.audit.openers import misplaced_openers, opener_differences
from wikisync.config import Config
from wikisync.dataset import Dataset, DatasetHub, match
from wikisync.errors import UsageError
from wikisync.hubs import Hub, build_hubs, infobox_for, page_key
from wikisync.model import Problem, Record
from wikisync.schema import HubType
from wikisync.store import JournalEntry, Store
from wikisync.text import normalise_name

# Fields on which a fiche and a row describing the same hub must agree.
CONSISTENCY_FIELDS = MISMATCH_FIELDS


def audit(records: Iterable[Record], dataset: Dataset | None, map_geojson: Any | None,
          config: Config, *, threshold: float = DEFAULT_THRESHOLD_M,
          pages: Mapping[str, Sequence[Problem]] | None = None) -> list[Difference]:
    """Every difference between the wiki's records, the dataset and the map, sorted.

    ``pages`` maps the title of every page the store knows to its page-level problems
    (problems that belong to no record); without it, the records' pages are assumed to be
    all there is. ``threshold`` is the distance in metres under which points are the same.
    """
    records = list(records)
    pages = pages if pages is not None else {r.title: () for r in records}
    types = config.schema.types
    hubs = build_hubs(records, types)
    diffs: list[Difference] = []
    if dataset is not None:
        diffs += compare_dataset(hubs, dataset, types, threshold)
    diffs += check_consistency(records, pages.keys(), types, threshold)
    if map_geojson is not None:
        diffs += compare_map(hubs, map_geojson, config, threshold)
    diffs += record_problems(records, pages)
    if dataset is not None:
        diffs += dataset_problems(dataset)
    return sort_differences(diffs)


# --- wiki vs dataset ---------------------------------------------------------------------


def compare_dataset(hubs: Sequence[Hub], dataset: Dataset, types: Sequence[HubType],
                    threshold: float = DEFAULT_THRESHOLD_M) -> list[Difference]:
    """Hubs on one side only, and field mismatches of the hubs on both.

    The rows stream through the matcher: an unmatched row is kept only as its difference.
    """
    diffs: list[Difference] = []

    def missing(_: int, row: DatasetHub) -> None:
        """A row no hub describes: ``missing-on-wiki``."""
        diffs.append(Difference("missing-on-wiki", row.name, row.fiche,
                                detail=f"dataset {row.where}", source=row.source))

    matching = match(dataset.rows(), hubs, unmatched=missing)
    diffs += [Difference("missing-in-dataset", hub.name or None, hub.page)
              for hub in matching.wiki_only]
    fields = [f for f in MISMATCH_FIELDS if dataset.has(f)]
    for pair in matching.pairs:
        for diff in compare_fields(pair.wiki, pair.hub, fields, types, threshold, True):
            diffs.append(Difference("mismatch", pair.wiki.name or pair.hub.name, pair.wiki.page,
                                    diff.field, diff.left, diff.right, diff.detail,
                                    pair.hub.source))
    return diffs


def dataset_problems(dataset: Dataset) -> list[Difference]:
    """The dataset's bad rows as ``problem`` differences (``dataset`` holds the location)."""
    return [Difference("problem", p.name, None, p.code, None, p.where, p.detail or None,
                       p.source)
            for p in dataset.problems]


# --- wiki vs itself ----------------------------------------------------------------------


def check_consistency(records: Sequence[Record], pages: Iterable[str],
                      types: Sequence[HubType],
                      threshold: float = DEFAULT_THRESHOLD_M) -> list[Difference]:
    """Fiche/row disagreements, two fiches for one hub, rows whose ``fiche=`` leads nowhere."""
    fiches = sorted((r for r in records if r.source == "fiche"),
                    key=lambda r: (r.title, r.instance))
    by_title: dict[str, list[Record]] = {}
    for fiche in fiches:  # a page's infoboxes, in instance order
        by_title.setdefault(page_key(fiche.title), []).append(fiche)
    known = {page_key(t) for t in pages}
    diffs = two_fiches(fiches)
    by_name = _by_name(fiches)
    for row in (r for r in records if r.source == "row"):
        if row.fiche and row.fiche.strip() and page_key(row.fiche) not in by_title:
            diffs.append(broken_fiche_link(row, page_key(row.fiche) in known))
            continue
        target = _fiche_of(row, by_title, by_name)
        if target is not None:
            diffs += _row_against_fiche(row, target, types, threshold)
    return diffs


def _same_hub(a: Record, b: Record) -> bool:
    """Same normalised name, and same commune unless one of them has none (as ``hubs``)."""
    name_a, name_b = normalise_name(hub_name(a) or ""), normalise_name(hub_name(b) or "")
    if not name_a or name_a != name_b:
        return False
    commune_a, commune_b = normalise_name(a.commune or ""), normalise_name(b.commune or "")
    return not commune_a or not commune_b or commune_a == commune_b


def _by_name(fiches: Sequence[Record]) -> dict[str, list[tuple[int, Record]]]:
    """Fiches (with their position) by normalised hub name: ``_same_hub`` needs equal names."""
    index: dict[str, list[tuple[int, Record]]] = {}
    for position, fiche in enumerate(fiches):
        key = normalise_name(hub_name(fiche) or "")
        if key:
            index.setdefault(key, []).append((position, fiche))
    return index


def _fiche_of(row: Record, by_title: Mapping[str, list[Record]],
              by_name: Mapping[str, list[tuple[int, Record]]]) -> Record | None:
    """The fiche a row describes: by its ``fiche=``, else the one fiche of the same hub."""
    if row.fiche and row.fiche.strip():
        infoboxes = by_title.get(page_key(row.fiche))
        return infobox_for(row, infoboxes) if infoboxes else None  # as hubs links them
    same_name = by_name.get(normalise_name(hub_name(row) or ""), [])
    found = [fiche for _, fiche in same_name if _same_hub(row, fiche)]
    return found[0] if len(found) == 1 else None


def _row_against_fiche(row: Record, fiche: Record, types: Sequence[HubType],
                       threshold: float) -> list[Difference]:
    """One ``inconsistent`` per field that the fiche and the row both give differently."""
    diffs = compare_fields(fiche, row, CONSISTENCY_FIELDS, types, threshold)
    where = f"row on {row.title}"
    return [
        Difference("inconsistent", hub_name(fiche), fiche.title, d.field, d.left, d.right,
                   f"{where}, {d.detail}" if d.detail else where)
        for d in diffs
    ]


def two_fiches(fiches: Sequence[Record]) -> list[Difference]:
    """Each fiche that describes the same hub as an earlier fiche on another page."""
    diffs = []
    by_name = _by_name(fiches)
    for i, fiche in enumerate(fiches):
        earlier = by_name.get(normalise_name(hub_name(fiche) or ""), [])
        first = next((other for j, other in earlier if j < i
                      and page_key(other.title) != page_key(fiche.title)
                      and _same_hub(other, fiche)), None)
        if first is not None:
            diffs.append(Difference("inconsistent", hub_name(fiche), fiche.title, "fiche",
                                    fiche.title, first.title, "two fiches for one hub"))
    return diffs


def broken_fiche_link(row: Record, page_known: bool) -> Difference:
    """A row whose ``fiche=`` names a page that does not exist or has no infobox."""
    detail = "the page has no Fiche initiative infobox" if page_known else "no such page"
    return Difference("inconsistent", hub_name(row), row.title, "fiche",
                      row.fiche.strip() if row.fiche else None, None, detail)


# --- problems ----------------------------------------------------------------------------


def record_problems(records: Iterable[Record],
                    pages: Mapping[str, Sequence[Problem]]) -> list[Difference]:
    """Every problem of every record and page, ``field`` being the problem code.

    A page-level problem that the page's records also carry (e.g. ``nobots``) counts once.
    """
    diffs: list[Difference] = []
    on_records: set[tuple[str, str, str]] = set()
    for record in records:
        for problem in record.problems:
            on_records.add((page_key(record.title), problem.code, problem.detail))
            diffs.append(Difference("problem", hub_name(record), record.title, problem.code,
                                    detail=problem.detail or None))
    diffs += [Difference("problem", None, title, problem.code, detail=problem.detail or None)
              for title, problems in pages.items() for problem in problems
              if (page_key(title), problem.code, problem.detail) not in on_records]
    return diffs


# --- values kept after a conflict --------------------------------------------------------


def kept_values(journal: Iterable[JournalEntry], records: Iterable[Record],
                config: Config) -> list[Difference]:
    """Each change sync kept back after a conflict (a person's value stood), still current.

    A later edit of the same page by the bot supersedes it (that edit was planned on the
    page as it then was). ``wiki`` is the person's value, ``dataset`` what the bot wanted.
    """
    current: dict[str, list[JournalEntry]] = {}
    for entry in journal:
        if entry.kind == "skip":
            current.setdefault(page_key(entry.title), []).append(entry)
        elif entry.kind == "edit" and entry.new_revid is not None:
            current.pop(page_key(entry.title), None)
    names = _hub_names(records, config)
    return [_kept_difference(entry, names) for entries in current.values() for entry in entries]


def _hub_names(records: Iterable[Record], config: Config) -> dict[tuple[str, str, int], str]:
    """Hub names by (page key, template as changes name it, instance)."""
    schema = config.schema
    names: dict[tuple[str, str, int], str] = {}
    for record in records:
        template = {"fiche": schema.fiche_template, "row": schema.row_template}.get(record.source)
        name = hub_name(record)
        if template and name:
            names[(page_key(record.title), template, record.instance)] = name
    return names


def _kept_difference(entry: JournalEntry, names: Mapping[tuple[str, str, int], str]
                     ) -> Difference:
    """One ``conflict-kept`` difference from a journal skip."""
    detail = entry.detail
    where = (page_key(entry.title), str(detail.get("template")), int(detail.get("instance", 0)))
    return Difference("conflict-kept", names.get(where), entry.title, detail.get("param"),
                      detail.get("value"), detail.get("wanted"),
                      f"{entry.reason}, run {entry.run_id}, r{entry.old_revid}")


def audit_store(store: Store, dataset: Dataset | None, map_geojson: Any | None, config: Config,
                threshold: float = DEFAULT_THRESHOLD_M) -> list[Difference]:
    """The audit of everything the store holds; an empty store is a usage error."""
    if store.page_count() == 0:
        raise UsageError(f"the store {store.path} is empty: run `wikisync pull` first "
                         "(or `wikisync audit --pull`)")
    titles = sorted({state.title for state in store.page_states().values()})
    pages = {title: store.page_problems(title) for title in titles}
    records = list(store.records())
    found = audit(records, dataset, map_geojson, config, threshold=threshold, pages=pages)
    found += opener_differences(misplaced_openers(store, config.schema))
    return sort_differences(found + kept_values(store.journal(), records, config))
