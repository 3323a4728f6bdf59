"""The planner: records + stored state + rules -> the changes to make, page by page. Pure.

The same ``plan_records`` runs twice for a page: on the stored records to build the plan
(and the dry-run), then on the records of the page's fresh text just before writing, so
what is written always follows from what is on the wiki at that moment.

Which hubs the rules look at:

* fiche records, and ``Pôle ESS`` rows (region headers carry no hub and get nothing);
* the dataset is matched with the hubs (``hubs.build_hubs``) by the one matcher
  (``dataset.match``, as the audit and ``create`` do); a matched hub's values go to the
  records it came from that own it (``Hub.owners``): its fiche, else each row listing it
  (a row of a hub that has a fiche is that hub's second mention);
* a row without coordinates of its own uses its fiche's point for its map link (the hub
  has coordinates, the row only refers to them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from wikisync.dataset import DatasetHub, match
from wikisync.hubs import RecordKey, build_hubs, infobox_for
from wikisync.i18n import Messages
from wikisync.model import Change, Record
from wikisync.parse.names import same_field_names
from wikisync.schema import Schema
from wikisync.sync.rules import RUN_ORDER, Context, Note, Point, RuleSet, Target, rule_label
from wikisync.sync.rules.geocode import address_query, geocode_queries
from wikisync.sync.rules.map_links import MAP_LINKS_ID
from wikisync.text import title_key

__all__ = ["Context", "Note", "Plan", "PagePlan", "address_query", "build_context",
           "geocode_queries", "plan", "plan_records"]

Slot = tuple[str, int, frozenset[str]]  # template, instance, names of one field


@dataclass
class PagePlan:
    """The changes for one page, with the rules and the summary naming them."""

    title: str
    changes: list[Change] = field(default_factory=list)
    m: Messages = field(default_factory=Messages)  # the wiki's language (``Context.m``)

    @property
    def rules(self) -> tuple[str, ...]:
        """The rules asking for changes on this page, in first-use order."""
        return tuple(dict.fromkeys(change.rule for change in self.changes))

    @property
    def summary(self) -> str:
        """``lien carte (2), site web depuis le jeu de données (1)`` (no prefix: the writer's)."""
        return edit_summary(self.changes, self.m)


@dataclass
class Plan:
    """Pages to edit (in title order), pages refused from the stored state, and notes."""

    pages: list[PagePlan] = field(default_factory=list)
    refused: list[Note] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    @property
    def change_count(self) -> int:
        """How many parameter changes the plan holds."""
        return sum(len(page.changes) for page in self.pages)


def edit_summary(changes: Iterable[Change], m: Messages) -> str:
    """The edit summary in ``m``'s language: each rule's words and how many hubs (template
    instances) it changes; no prefix (the writer adds ``[safety] summary_prefix``)."""
    hubs: dict[str, set[tuple[str, int]]] = {}
    for change in changes:
        hubs.setdefault(change.rule, set()).add((change.template, change.instance))
    return ", ".join(f"{rule_label(rule, m)} ({len(where)})" for rule, where in hubs.items())


# --- the context ------------------------------------------------------------------------


def build_context(records: Iterable[Record], schema: Schema, rules: RuleSet,
                  dataset: Iterable[DatasetHub] = (),
                  geocoded: Mapping[RecordKey, Point] | None = None,
                  m: Messages | None = None) -> Context:
    """Match the dataset with the stored hubs and index the fiches, for the whole store;
    ``m`` is the wiki's catalog (summaries), French when not given."""
    records = list(records)
    fiches: dict[str, list[Record]] = {}
    for fiche in sorted((r for r in records if r.source == "fiche"), key=lambda r: r.instance):
        fiches.setdefault(title_key(fiche.title), []).append(fiche)
    matches = dataset_matches(records, schema, dataset) if rules.on("dataset") else {}
    return Context(schema, rules, matches, fiches, dict(geocoded or {}), m or Messages())


def dataset_matches(records: Iterable[Record], schema: Schema,
                    dataset: Iterable[DatasetHub]) -> dict[RecordKey, DatasetHub]:
    """Each record that owns a matched hub -> the dataset row describing that hub."""
    pairs = match(dataset, build_hubs(records, schema.types), unmatched=_drop).pairs
    return {key: pair.hub for pair in pairs for key in pair.wiki.owners}


def _drop(position: int, row: DatasetHub) -> None:
    """Unmatched rows: sync has nothing to write for them (not kept)."""


# --- planning -----------------------------------------------------------------------------


def plan_records(records: Iterable[Record], ctx: Context,
                 notes: list[Note] | None = None) -> list[Change]:
    """The changes the rules ask for on one page's records (unsafe records get none)."""
    notes = notes if notes is not None else []
    changes: list[Change] = []
    for record in records:
        if record.source == "region" or record.unsafe:
            continue
        changes += _allowed(record, _record_changes(record, ctx, notes), ctx.schema, notes)
    return changes


def _record_changes(record: Record, ctx: Context, notes: list[Note]) -> list[Change]:
    """What the rules that are on ask of one record, in ``RUN_ORDER`` (see ``_run``)."""
    return _run(record, ctx, notes)[0]


def _run(record: Record, ctx: Context, notes: list[Note]) -> tuple[list[Change], Target]:
    """Each rule in turn on one record: the changes, and the target with the point they set.

    The map link comes last and uses the point the hub will have: its own, the one a rule
    before it writes, else (a row) its fiche's planned point.
    """
    fiche = _fiche_of(record, ctx)
    template = ctx.schema.fiche_template if record.source == "fiche" else ctx.schema.row_template
    target = Target(record, template, ctx, notes, _own_point(record), fiche,
                    lambda: planned_point(fiche, ctx) if fiche is not None else None)
    changes: list[Change] = []
    for rule in RUN_ORDER:
        if ctx.rules.on(rule.name):
            changes += rule.run(target, ctx.rules)
    return changes, target


def planned_point(record: Record, ctx: Context) -> Point | None:
    """The point a hub record will have once this run's rules are applied to it.

    A row naming a fiche filled by the dataset in the same run gets its map link in the
    same run too (else a second sync would still find work: not idempotent).
    """
    if record.unsafe:
        return _own_point(record)
    return _run(record, ctx, [])[1].point


def _own_point(record: Record) -> Point | None:
    """The record's own coordinates, when readable."""
    if record.lat is None or record.lon is None:
        return None
    return (record.lat, record.lon)


def _fiche_of(record: Record, ctx: Context) -> Record | None:
    """The fiche record a row names (None for a fiche or a row without one), as hubs links it."""
    if record.source != "row" or not record.fiche:
        return None
    infoboxes = ctx.fiches.get(title_key(record.fiche))
    return infobox_for(record, infoboxes) if infoboxes else None


def _allowed(record: Record, changes: list[Change], schema: Schema,
             notes: list[Note]) -> list[Change]:
    """Drop changes to a parameter the template gives twice (which one wins is unclear)."""
    duplicated = {p.param for p in record.problems if p.code == "duplicate-param" and p.param}
    if not duplicated:
        return changes
    kept = []
    for change in changes:
        if set(same_field_names(schema, change.param)) & duplicated:
            notes.append(Note(record.title, "duplicate-param",
                              f"{change.param} is given twice: not written"))
        else:
            kept.append(change)
    return kept


def plan(records: Iterable[Record], ctx: Context, titles: Iterable[str] = (),
         page_unsafe: Mapping[str, list[str]] | None = None) -> Plan:
    """The plan for the pages of ``records`` (and ``titles`` with no record).

    ``page_unsafe`` maps a title to the codes of its unsafe page-level problems (a broken
    page may have no record to carry them).
    """
    by_page: dict[str, list[Record]] = {title: [] for title in titles}
    for record in records:
        by_page.setdefault(record.title, []).append(record)
    result = Plan()
    for title in sorted(by_page):
        page_records = by_page[title]
        changes = _page_changes(page_records, ctx, result.notes)
        refusal = _refusal(page_records, (page_unsafe or {}).get(title, []))
        if refusal is not None:
            kind, detail = refusal
            target = result.refused if changes else result.notes
            target.append(Note(title, kind, detail))
        elif changes:
            result.pages.append(PagePlan(title, changes, ctx.m))
    return result


def _page_changes(records: list[Record], ctx: Context, notes: list[Note]) -> list[Change]:
    """What the rules would change on the page, ignoring its unsafe problems."""
    safe = [_without_unsafe(r) for r in records]
    return plan_records(safe, ctx, notes)


def _without_unsafe(record: Record) -> Record:
    """A copy of the record without its unsafe problems (to tell what was refused)."""
    if not record.unsafe:
        return record
    copy = Record.from_dict(record.to_dict(), [p for p in record.problems if not p.unsafe],
                            record.instance)
    copy.params = dict(record.params)
    return copy


# --- after a conflict ----------------------------------------------------------------------


def changed_by_person(base: Iterable[Record], fresh: Iterable[Record],
                      changes: Iterable[Change], schema: Schema) -> set[Slot]:
    """The parameters of ``changes`` (planned on ``base``) whose value ``fresh`` changed.

    Compared per template instance on the values as written (trimmed), every alias of the
    field included; an instance missing on one side counts as changed.
    """
    before, after = _by_slot(base, schema), _by_slot(fresh, schema)
    touched: set[Slot] = set()
    for change in changes:
        names = frozenset(same_field_names(schema, change.param))
        where = (change.template, change.instance)
        if _values(before.get(where), names) != _values(after.get(where), names):
            touched.add((change.template, change.instance, names))
    return touched


def split_kept(changes: Iterable[Change], touched: set[Slot],
               schema: Schema) -> tuple[list[Change], list[tuple[Change, bool]]]:
    """(changes that go ahead, changes kept back with True when a person changed them).

    A map link computed on an instance whose coordinates are kept back is kept back too
    (False): it was computed from a point that will not be written.
    """
    go: list[Change] = []
    kept: list[tuple[Change, bool]] = []
    for change in changes:
        if _in(change, touched, schema):
            kept.append((change, True))
        else:
            go.append(change)
    point_params = schema.point_params()
    points = {(c.template, c.instance) for c, _ in kept if c.param in point_params}
    for change in [c for c in go if c.rule == MAP_LINKS_ID]:
        if (change.template, change.instance) in points:
            go.remove(change)
            kept.append((change, False))
    return go, kept


def _in(change: Change, touched: set[Slot], schema: Schema) -> bool:
    """Whether the change writes one of the touched parameters."""
    names = set(same_field_names(schema, change.param))
    return any(template == change.template and instance == change.instance and names & slot
               for template, instance, slot in touched)


def _by_slot(records: Iterable[Record], schema: Schema) -> dict[tuple[str, int], Record]:
    """Records by (template name as changes give it, instance)."""
    found: dict[tuple[str, int], Record] = {}
    for record in records:
        if record.source != "region":
            template = schema.fiche_template if record.source == "fiche" else schema.row_template
            found[(template, record.instance)] = record
    return found


def _values(record: Record | None, names: frozenset[str]) -> tuple[str | None, ...] | None:
    """The values a record's template gives these parameter names (None: no template)."""
    if record is None:
        return None
    return tuple(record.params.get(name) for name in sorted(names))


def _refusal(records: list[Record], page_codes: list[str]) -> tuple[str, str] | None:
    """(``nobots`` or ``unsafe``, the codes) when the page must not be edited."""
    codes = list(page_codes)
    for record in records:
        codes += [p.code for p in record.problems if p.unsafe and p.code not in codes]
    if not codes:
        return None
    return ("nobots" if "nobots" in codes else "unsafe", ", ".join(dict.fromkeys(codes)))
