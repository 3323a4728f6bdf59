"""``wikisync revert RUN``: undo one run's edits (the work is ``wikisync.revert``)."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from wikisync.cli.main import AppContext, cli, locked_store, pass_app, store_option
from wikisync.cli.sync import colour_diff
from wikisync.ui import progress_for

if TYPE_CHECKING:
    from wikisync.revert.run import PageRevert, RevertResult
    from wikisync.write import Report, WriteOutcome


def diff_printer(colour: bool) -> Report:
    """Print each page's diff in a dry run (the page lines come at the end)."""

    def report(outcome: WriteOutcome) -> None:
        if outcome.status == "dry-run":
            click.echo(f"# {outcome.title} — {outcome.summary}")
            click.echo(colour_diff(outcome.diff, colour), nl=False)

    return report


def page_line(page: PageRevert) -> str:
    """One page: its action, revisions, what was undone and what was left, and why."""
    revs = f" (r{page.current_revid} → r{page.new_revid})" if page.new_revid else ""
    parts = [f"{page.action}: {page.title}{revs}"]
    if page.action == "params-reverted" and page.undone:
        parts.append("undone " + ", ".join(page.undone))
    if page.reasons:
        parts.append(("" if page.action == "left" else "left ") + "; ".join(page.reasons))
    if page.note:
        parts.append(page.note)
    return ": ".join(parts)


def result_lines(result: RevertResult) -> list[str]:
    """Every page's line, then the totals (and the earlier reverts of the same run)."""
    lines = [page_line(page) for page in result.pages]
    kind = "revert (dry run)" if result.dry_run else "revert"
    counts = {action: 0 for action in ("restored", "params-reverted", "left",
                                       "created-report", "nothing")}
    for page in result.pages:
        counts[page.action] += 1
    done = "would edit" if result.dry_run else "edited"
    lines.append(f"{kind} of run {result.run_id} [run {result.revert_run}]: {done} "
                 f"{result.edits}; " + ", ".join(f"{k} {n}" for k, n in counts.items()))
    if result.earlier:
        lines.append(f"run {result.run_id} was reverted before by run "
                     f"{', '.join(str(r) for r in result.earlier)}")
    if not result.pages:
        lines.append(f"run {result.run_id} saved no edit: nothing to revert")
    elif not result.edits and not result.dry_run:
        lines.append("no edit made: nothing left to revert")
    return lines


@cli.command("revert")
@click.argument("run_id", metavar="RUN", type=int)
@click.option("--dry-run", is_flag=True, help="Show each page's diff; write nothing.")
@click.option("--page", "titles", multiple=True, help="Only this page (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (per page).")
@store_option
@pass_app
def revert_command(app: AppContext, run_id: int, dry_run: bool, titles: tuple[str, ...],
                   as_json: bool, store_path: str | None) -> None:
    """Undo one run's edits; a page edited since keeps what people wrote.

    A page nobody edited since gets its text before the run back, exactly. A page edited
    since loses only the bot's own parameter and block changes that nobody touched; the
    others are left and listed. A page the run created is never deleted: it is listed
    with its address. The revert is a run of its own ([run M] in its summaries);
    reverting the same run again makes no edit. Exit 0 all reverted (or nothing left),
    1 something left or a created page to delete, 2 unknown run or page, 3 wiki stopped us.

    \b
    Example:
      wikisync history
      wikisync revert 12 --dry-run
      wikisync revert 12 --page "Pôle ESS de Brest"
    """
    from wikisync.revert.run import revert, run_edits
    from wikisync.sync.wiki import connect_store

    config = app.config
    with locked_store(app, "revert", store_path) as store:
        run_edits(store, run_id, titles)  # an unknown run or page: exit 2 before any request
        gateway = connect_store(config.require_wiki(), store)
        out = None if as_json else diff_printer(sys.stdout.isatty())
        waits = progress_for(quiet=app.verbosity < 0 or dry_run)
        try:
            result = revert(gateway, store, config, run_id, titles=titles, dry_run=dry_run,
                            out=out, on_wait=waits.on_wait)
        finally:
            waits.close()
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        for line in result_lines(result):
            app.say(line)
    if result.exit_code:
        raise click.exceptions.Exit(result.exit_code)
