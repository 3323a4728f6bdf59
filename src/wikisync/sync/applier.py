"""Applying a plan: for each page, a fresh read, a re-plan on that text, one edit.

The plan built from the store only says which pages to look at and what the summary will
probably be. The text written is always computed again from the page as it is just before
the edit (``page_transform``), so a page fixed by a human meanwhile gets no edit, and a
page edited meanwhile gets only what is still missing. Pages are read in batches of
``PREFETCH`` (one request each) just before their edits.
"""

from __future__ import annotations

from collections.abc import Callable

from wikisync.parse.edit import Editor
from wikisync.sync.planner import Context, Note, Plan, edit_summary, plan_records
from wikisync.sync.writer import PageWriter, Rewrite, Transform, WriteOutcome

PREFETCH = 50  # pages read in one request just before their edits (kept small: fresh)

Progress = Callable[[int, int, WriteOutcome], None]


def page_transform(title: str, ctx: Context, editor: Editor,
                   notes: list[Note] | None = None) -> Transform:
    """The re-plan of one page: its fresh text -> the new text, rules and summary, or None."""

    def transform(text: str) -> Rewrite | None:
        page = editor.reader.read(text, title)
        if page.unsafe_problems():
            return None  # the writer refuses such a page before calling us
        changes = plan_records(page.records, ctx, notes)
        if not changes:
            return None
        new_text = editor.apply(text, changes)
        rules = tuple(dict.fromkeys(change.rule for change in changes))
        return Rewrite(new_text, rules, edit_summary(changes))

    return transform


def apply_plan(plan: Plan, writer: PageWriter, ctx: Context, editor: Editor,
               progress: Progress | None = None) -> list[WriteOutcome]:
    """Write every page of the plan through ``writer``; stop early once it is stopped."""
    outcomes: list[WriteOutcome] = []
    total = len(plan.pages)
    for start in range(0, total, PREFETCH):
        chunk = plan.pages[start : start + PREFETCH]
        if writer.stopped is None:
            writer.prefetch(page.title for page in chunk)
        for page in chunk:
            transform = page_transform(page.title, ctx, editor)
            outcome = writer.write(page.title, transform, page.rules, page.summary)
            outcomes.append(outcome)
            if progress is not None:
                progress(len(outcomes), total, outcome)
    return outcomes
