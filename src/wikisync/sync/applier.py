"""Applying a plan: for each page, a fresh read, a re-plan on that text, one edit.

The plan built from the store says which pages to look at, their rules and their edit
summary (``PagePlan``: the one place both are derived from changes). The text written is
always computed again from the page as it is just before the edit (``page_transform``), so
a page fixed by a human meanwhile gets no edit, and a page edited meanwhile gets only what
is still missing. When the fresh changes are the planned ones, the planned rules and
summary are the edit's; otherwise the re-plan's ``PagePlan`` gives them. Pages are read
in batches of ``PREFETCH`` (one request each) just before their edits.

After an edit conflict the re-plan also compares the base text (the one the first plan was
made on) with the new one: a parameter the bot was about to write that a person changed
meanwhile is left as the person wrote it for this run (``Kept``), the page's other changes
go ahead.
"""

from __future__ import annotations

from collections.abc import Callable

from wikisync.model import Change, Record
from wikisync.parse.edit import TemplateEditor
from wikisync.sync.planner import (
    Context,
    Note,
    PagePlan,
    Plan,
    changed_by_person,
    plan_records,
    split_kept,
)
from wikisync.write import (
    CHANGED_BY_PERSON,
    DEPENDS_ON_KEPT,
    Kept,
    PageWriter,
    Rebase,
    Rewrite,
    Transform,
    WriteOutcome,
)

PREFETCH = 50  # pages read in one request just before their edits (kept small: fresh)

ApplyProgress = Callable[[int, int, WriteOutcome], None]


def page_transform(title: str, ctx: Context, editor: TemplateEditor,
                   notes: list[Note] | None = None, base: str | None = None,
                   planned: PagePlan | None = None) -> Transform:
    """The re-plan of one page: its fresh text -> the new text, rules and summary, or None.

    With ``base`` (the text of the first plan, after a conflict), the changes to parameters
    a person changed since ``base`` are kept back and reported in the ``Rewrite``. With
    ``planned``, fresh changes equal to the plan's keep its rules and summary (the
    ``Rewrite`` leaves them unset, so the writer uses what it was given).
    """
    base_records = editor.reader.read(base, title).records if base is not None else None

    def transform(text: str) -> Rewrite | None:
        page = editor.reader.read(text, title)
        if page.unsafe_problems():
            return None  # the writer refuses such a page before calling us
        changes = plan_records(page.records, ctx, notes)
        kept: tuple[Kept, ...] = ()
        if base_records is not None:
            changes, kept = _keep_persons(base_records, page.records, changes, ctx)
        if not changes:
            return Rewrite(text, (), "", kept) if kept else None
        new_text = editor.apply(text, changes)
        if planned is not None and changes == planned.changes and not kept:
            return Rewrite(new_text)  # the planned rules and summary stand
        fresh = PagePlan(title, changes, ctx.m)
        return Rewrite(new_text, fresh.rules, fresh.summary, kept)

    return transform


def _keep_persons(base: list[Record], fresh: list[Record], changes: list[Change],
                  ctx: Context) -> tuple[list[Change], tuple[Kept, ...]]:
    """Split the fresh plan: what goes ahead, and what stays as a person wrote it."""
    planned = plan_records([r for r in base if not r.unsafe], ctx)
    touched = changed_by_person(base, fresh, planned, ctx.schema)
    if not touched:
        return changes, ()
    go, kept = split_kept(changes, touched, ctx.schema)
    return go, tuple(Kept(c, CHANGED_BY_PERSON if own else DEPENDS_ON_KEPT) for c, own in kept)


def rebase_for(title: str, ctx: Context, editor: TemplateEditor) -> Rebase:
    """The writer's ``rebase``: the re-plan that keeps what a person changed since ``base``."""
    return lambda base: page_transform(title, ctx, editor, base=base)


def apply_plan(plan: Plan, writer: PageWriter, ctx: Context, editor: TemplateEditor,
               progress: ApplyProgress | None = None) -> list[WriteOutcome]:
    """Write every page of the plan through ``writer``; stop early once it is stopped."""
    outcomes: list[WriteOutcome] = []
    total = len(plan.pages)
    for start in range(0, total, PREFETCH):
        chunk = plan.pages[start : start + PREFETCH]
        if writer.may_write():  # read-only and shutoff asked before the first read
            writer.prefetch(page.title for page in chunk)
        for page in chunk:
            transform = page_transform(page.title, ctx, editor, planned=page)
            outcome = writer.write(page.title, transform, page.rules, page.summary,
                                   rebase_for(page.title, ctx, editor))
            outcomes.append(outcome)
            if progress is not None:
                progress(len(outcomes), total, outcome)
    return outcomes
