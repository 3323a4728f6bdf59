"""New fiches: one page per dataset hub the wiki does not describe yet (planning is pure).

``plan_fiches`` matches the dataset with the wiki's hubs (``dataset.match``, streamed), keeps the
dataset hubs with no match (and, with ``include_rows``, those the wiki lists only as a row
of a region page), gives each a title (its ``fiche`` column, else the title pattern) and
renders its page with ``fiche-initiative.wiki.j2``. ``create_fiches`` saves them with
``PageWriter.create`` (create-only: a title taken meanwhile is skipped, never overwritten).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import jinja2

from wikisync.dataset import Dataset, DatasetHub, match
from wikisync.errors import ConfigError
from wikisync.generate.templates import render
from wikisync.hubs import build_hubs, page_key
from wikisync.i18n import for_wiki
from wikisync.model import Record
from wikisync.schema import Schema
from wikisync.text import normalise_name
from wikisync.write import PageWriter, WriteOutcome

FICHE_TEMPLATE = "fiche-initiative.wiki.j2"
DEFAULT_TITLE_PATTERN = "{name}"
RULE = "create"
# Infobox parameters of a new fiche, in this order (record fields; canonical names written).
INFOBOX_FIELDS = ("name", "type", "region", "departement", "commune", "address", "postcode",
                  "lat", "lon", "website", "founded", "legal_form", "members", "map_link")
RAW_FIELDS = ("founded", "legal_form", "members")  # read from the dataset's own columns
_TITLE_BAD = re.compile(r"[#<>\[\]|{}_\x00-\x1f\x7f]+")


@dataclass(frozen=True)
class NewFiche:
    """A page to create: its title, the dataset hub it describes, its wikitext."""

    title: str
    hub: DatasetHub
    text: str


@dataclass
class FichePlan:
    """The fiches to create, and why other dataset hubs are left out."""

    fiches: list[NewFiche] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    more: int = 0  # fiches left out by the plan's limit (counted, not rendered)


def fiche_title(hub: DatasetHub, pattern: str = DEFAULT_TITLE_PATTERN) -> str:
    """The hub's page title: its ``fiche`` column, else the pattern (``{name}``, ``{commune}``…)."""
    if hub.fiche:
        return hub.fiche
    values = {"name": hub.name, "commune": hub.commune or "", "region": hub.region or "",
              "departement": hub.departement or "", "postcode": hub.postcode or ""}
    try:
        text = pattern.format(**values)
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(f"[generate] fiche_title {pattern!r}: bad placeholder {exc} "
                          f"(use {{name}}, {{commune}}, {{region}}, {{departement}})") from None
    return page_key(" ".join(_TITLE_BAD.sub(" ", text).split()))


def format_coordinate(value: float) -> str:
    """A coordinate as the shortest decimal text that reads back as the same number."""
    text = repr(value)
    return f"{value:.10f}".rstrip("0").rstrip(".") if "e" in text else text


def _raw_value(hub: DatasetHub, record_field: str, schema: Schema) -> str | None:
    """A field the dataset hub keeps only in its raw columns (``création``, ``statut``…)."""
    names = {normalise_name(n) for n in schema.param_names(record_field)}
    for key, value in hub.raw.items():
        if normalise_name(str(key)) in names and value is not None and str(value).strip():
            return str(value).strip()
    return None


def hub_values(hub: DatasetHub, schema: Schema) -> dict[str, str | None]:
    """Record field -> the text to write (None: nothing), for every infobox field."""
    hub_type = next((t for t in schema.types if t.key == hub.type), None)
    values: dict[str, str | None] = {
        "name": hub.name, "type": hub_type.label if hub_type else None, "region": hub.region,
        "departement": hub.departement, "commune": hub.commune, "address": hub.address,
        "postcode": hub.postcode, "website": hub.website, "map_link": None,
        "lat": format_coordinate(hub.lat) if hub.lat is not None else None,
        "lon": format_coordinate(hub.lon) if hub.lon is not None else None,
    }
    values.update({name: _raw_value(hub, name, schema) for name in RAW_FIELDS})
    return values


def fiche_context(hub: DatasetHub, title: str, schema: Schema,
                  region_page: str | None) -> dict[str, Any]:
    """Every variable ``fiche-initiative.wiki.j2`` receives."""
    values = hub_values(hub, schema)
    fields = [(schema.params[name][0], values[name]) for name in INFOBOX_FIELDS]
    return {
        "title": title,
        "fiche_template": schema.fiche_template,
        "fields": fields,
        "width": max(len(name) for name, _ in fields),
        "hub": {**values, "type": hub.type, "type_label": values["type"],
                "lat": hub.lat, "lon": hub.lon},
        "region_page": region_page,
    }


def render_fiche(env: jinja2.Environment, hub: DatasetHub, title: str, schema: Schema,
                 region_page: str | None = None) -> str:
    """The wikitext of a new fiche (trailing whitespace trimmed, as MediaWiki stores it)."""
    return render(env, FICHE_TEMPLATE, fiche_context(hub, title, schema, region_page)).rstrip()


class _Missing:
    """Collects the unmatched rows ``create`` wants as they stream out of the matcher.

    With a limit, it keeps rows until ``limit`` good ones (no dataset problem) are kept,
    then only counts the rest: rows stream in dataset order, and a row arriving after them
    with an earlier position (one the matcher weighed to the end) still takes its place.
    """

    def __init__(self, dataset: Dataset, wanted: Callable[[DatasetHub], bool],
                 limit: int | None) -> None:
        """Nothing kept yet."""
        self.dataset, self.wanted, self.limit = dataset, wanted, limit
        self.kept: list[tuple[int, DatasetHub]] = []
        self.good = 0
        self.last = -1
        self.more = 0

    def __call__(self, position: int, hub: DatasetHub) -> None:
        """Keep or count one unmatched row."""
        if not self.wanted(hub):
            return
        if self.limit is not None and self.good >= self.limit and position > self.last:
            self.more += 1
            return
        self.kept.append((position, hub))
        self.last = max(self.last, position)
        self.good += self.dataset.problem_of(hub.where) is None


def _missing(dataset: Dataset, rows: Iterable[DatasetHub], records: Iterable[Record],
             schema: Schema, include_rows: bool, wanted: Callable[[DatasetHub], bool],
             limit: int | None) -> tuple[list[DatasetHub], int]:
    """(the dataset hubs the wiki has no fiche for, in dataset order; how many more)."""
    collect = _Missing(dataset, wanted, limit)
    matching = match(rows, build_hubs(records, schema.types), unmatched=collect)
    found = collect.kept
    if include_rows:
        found += [(pair.at, pair.hub) for pair in matching.pairs
                  if pair.wiki.fiche is None and wanted(pair.hub)]
    found.sort(key=lambda item: item[0])
    return [hub for _, hub in found], collect.more


def missing_hubs(dataset: Dataset, records: Iterable[Record], schema: Schema,
                 include_rows: bool = False) -> list[DatasetHub]:
    """Dataset hubs with no fiche on the wiki, in dataset order (rows count unless asked)."""
    return _missing(dataset, dataset.rows(), records, schema, include_rows,
                    lambda hub: True, None)[0]


def region_pages(records: Iterable[Record]) -> dict[str, str]:
    """Normalised region name -> the first region page (by title) heading that region."""
    pages: dict[str, str] = {}
    for record in sorted(records, key=lambda r: r.title):
        if record.source == "region" and record.region:
            pages.setdefault(normalise_name(record.region), record.title)
    return pages


def plan_fiches(dataset: Dataset, records: Sequence[Record], schema: Schema,
                env: jinja2.Environment, *, pattern: str = DEFAULT_TITLE_PATTERN,
                only: Sequence[str] = (), include_rows: bool = False,
                limit: int | None = None) -> FichePlan:
    """The fiches to create for the dataset hubs the wiki lacks (``only``: these names).

    ``limit`` (the edit budget) stops the plan after that many fiches: the others are
    counted in ``FichePlan.more``, neither kept nor rendered.
    """
    plan = FichePlan()
    names = {normalise_name(name): name for name in only}
    seen: set[str] = set()

    def wanted(hub: DatasetHub) -> bool:
        """A row ``--only`` asks for (every row without ``--only``)."""
        return not names or hub.name_key in names

    rows = _noting(dataset.rows(), names, seen)
    hubs, plan.more = _missing(dataset, rows, records, schema, include_rows, wanted, limit)
    _only_notes(plan, names, seen, {hub.name_key for hub in hubs})
    regions = region_pages(records)
    titles: dict[str, str] = {}
    for number, hub in enumerate(hubs):
        if limit is not None and len(plan.fiches) >= limit:
            plan.more += len(hubs) - number
            break
        bad = dataset.problem_of(hub.where)
        if bad is not None:
            plan.notes.append(f"{hub.name} ({hub.where}): not created, the row has a "
                              f"problem: {bad.detail}")
            continue
        title = fiche_title(hub, pattern)
        if title in titles:
            plan.notes.append(f"{hub.name} ({hub.where}): not created, same title "
                              f"{title!r} as {titles[title]}")
            continue
        titles[title] = hub.where
        region_page = regions.get(normalise_name(hub.region or ""))
        plan.fiches.append(NewFiche(title, hub, render_fiche(env, hub, title, schema,
                                                               region_page)))
    return plan


def _noting(rows: Iterable[DatasetHub], names: Mapping[str, str],
            seen: set[str]) -> Iterator[DatasetHub]:
    """The rows, noting which ``--only`` names they carry as they stream by."""
    for hub in rows:
        if hub.name_key in names:
            seen.add(hub.name_key)
        yield hub


def _only_notes(plan: FichePlan, names: Mapping[str, str], seen: set[str],
                missing: set[str]) -> None:
    """A note for each ``--only`` name matching no row, or a hub the wiki already has."""
    for key, name in names.items():
        if key not in seen:
            plan.notes.append(f"--only {name}: no hub of that name in the dataset")
        elif key not in missing:
            plan.notes.append(f"--only {name}: the wiki already describes it")


def create_fiches(writer: PageWriter, plan: FichePlan) -> list[WriteOutcome]:
    """Create every planned fiche through the writer (create-only, journalled)."""
    if writer.dry_run and plan.fiches:  # read only what the budget lets it write
        budget = None if writer.max_edits is None else max(0, writer.max_edits - writer.writes)
        writer.prefetch(f.title for f in plan.fiches[:budget])
    config = writer.config
    summary = for_wiki(config.wiki.language, config.schema.types, writer.store)("summary.fiche")
    writer.expect(len(plan.fiches))  # the progress line's total
    return [writer.create(f.title, f.text, [RULE], summary) for f in plan.fiches]
