"""``wikisync sync`` (plan and apply the write rules) and ``wikisync history`` (the journal)."""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import click

from wikisync.cli.datasetopts import dataset_read_options
from wikisync.cli.flags import config_with_flags
from wikisync.cli.main import AppContext, cli, locked_store, pass_app, scope_options, store_option
from wikisync.cli.state import state_file
from wikisync.errors import EXIT_DIFFERENCES
from wikisync.store import JOURNAL_NOT_SAVED, JOURNAL_PENDING, JournalEntry, RunInfo, Store
from wikisync.sync.rules import RULE_NAMES
from wikisync.sync.wiki import connect_store
from wikisync.ui import progress_for
from wikisync.write import Kept, WriteOutcome

if TYPE_CHECKING:  # annotations only
    from wikisync.sync.planner import Note
    from wikisync.sync.run import SyncResult

KILL_HOOK = "WIKISYNC_TEST_KILL_AFTER_EDIT"  # tests: SIGKILL ourselves after edit k
MAX_LISTED = 15


def colour_diff(diff: str, colour: bool) -> str:
    """A unified diff, coloured for a terminal when ``colour``."""
    if not colour:
        return diff
    styled = []
    for line in diff.splitlines(keepends=True):
        if line.startswith(("+++", "---")):
            styled.append(click.style(line, bold=True))
        elif line.startswith("+"):
            styled.append(click.style(line, fg="green"))
        elif line.startswith("-"):
            styled.append(click.style(line, fg="red"))
        elif line.startswith("@@"):
            styled.append(click.style(line, fg="cyan"))
        else:
            styled.append(line)
    return "".join(styled)


def outcome_line(outcome: WriteOutcome) -> str:
    """One line for one page's outcome."""
    if outcome.written:
        return f"{outcome.status}: {outcome.title} (r{outcome.old_revid} → r{outcome.new_revid})"
    detail = f": {outcome.detail}" if outcome.detail else ""
    reason = f" ({outcome.reason}{detail})" if outcome.reason else ""
    return f"{outcome.status}: {outcome.title}{reason}"


def reporter(app: AppContext, colour: bool) -> Callable[[WriteOutcome], None]:
    """Print each outcome as it happens: diffs in a dry run, a line otherwise."""
    kill_after = int(os.environ.get(KILL_HOOK, "0") or 0)
    written = [0]

    def report(outcome: WriteOutcome) -> None:
        if outcome.status == "dry-run":
            click.echo(f"# {outcome.title} — {outcome.summary}")
            click.echo(colour_diff(outcome.diff, colour), nl=False)
        elif outcome.status != "unchanged" and (app.verbosity >= 0):
            click.echo(outcome_line(outcome))
        written[0] += outcome.written
        if kill_after and written[0] >= kill_after:
            os.kill(os.getpid(), signal.SIGKILL)

    return report


def summary(result: SyncResult) -> list[str]:
    """The end-of-run summary."""
    kind = "sync (dry run)" if result.dry_run else "sync"
    lines = [f"{kind} [run {result.run_id}] finished in {result.seconds:.2f} s",
             f"rules: {', '.join(result.rules) or 'none'}"
             + ("; then the generated lists" if result.lists else ""),
             f"plan: {len(result.plan.pages)} pages, {result.plan.change_count} changes"]
    done = "would edit" if result.dry_run else "edited"
    count = result.count("dry-run" if result.dry_run else "edited")
    lines.append(f"{done}: {count}, unchanged: {result.count('unchanged')}, "
                 f"skipped: {result.count('skipped')}, not tried: {result.count('stopped')}")
    lines += [f"  {outcome_line(o)}{known_tail(result.known, o.title, o.reason or o.status)}"
              for o in result.outcomes if o.failed][:MAX_LISTED]
    if result.conflicts:
        lines.append(f"edit conflicts: {result.conflicts} (re-planned on the human's text)")
    lines += [kept_line(title, kept) for title, kept in result.kept][:MAX_LISTED]
    lines += _notes("refused (not edited)", result.plan.refused, result.known)
    if result.known:
        lines.append(f"known: {len(result.known)} left undone as in an earlier run, unchanged "
                     "since (not counted in the exit code unless --strict)")
    lines += _notes("note", result.plan.notes)
    lines += _geocoding(result)
    if result.stopped:
        lines.append(f"stopped: {result.stopped}")
    requests = ", ".join(f"{k} {n}" for k, n in sorted(result.requests.items()))
    lines.append(f"requests: {requests or 'none'} ({sum(result.requests.values())} in all)")
    return lines


def kept_line(title: str, kept: Kept) -> str:
    """One change kept back after a conflict: the page, the parameter, why, what we wanted."""
    change = kept.change
    return (f"kept a person's value: {title}: {change.param} = {change.old or ''!r} "
            f"({kept.reason}; not written: {change.new!r})")


def known_tail(known: Mapping[tuple[str, str], int], title: str, reason: str) -> str:
    """`` — known, unchanged since run N`` for a page left undone as in an earlier run."""
    run = known.get((title, str(reason)))
    return "" if run is None else f" — known, unchanged since run {run}"


def _notes(label: str, notes: list[Note],
           known: Mapping[tuple[str, str], int] | None = None) -> list[str]:
    lines = [f"{label}: {n.title} ({n.kind}: {n.detail}){known_tail(known or {}, n.title, n.kind)}"
             for n in notes[:MAX_LISTED]]
    if len(notes) > MAX_LISTED:
        lines.append(f"{label}: ... and {len(notes) - MAX_LISTED} more")
    return lines


def _geocoding(result: SyncResult) -> list[str]:
    report = result.geocoding
    if report is None:
        return []
    lines = [f"geocoding: {len(report.points)} found ({report.cached} cached, "
             f"{report.asked} asked), {len(report.not_found)} not found"]
    lines += [f"geocoding error: {error}" for error in report.errors[:MAX_LISTED]]
    return lines


@cli.command("sync")
@click.option("--dry-run", is_flag=True, help="Show each page's diff; write nothing.")
@click.option("--no-pull", is_flag=True, help="Plan from the store as it is (no pull first).")
@click.option("--dataset", "dataset", type=click.Path(dir_okay=False, exists=True),
              help="Reference dataset (CSV, .xlsx/.ods or GeoJSON); turns the dataset rule on.")
@dataset_read_options
@click.option("--rule", "only", multiple=True, type=click.Choice(RULE_NAMES),
              help="Apply only this rule (repeatable); default: every rule that is on.")
@click.option("--geocode/--no-geocode", default=None,
              help="Turn the geocoding rule on or off for this run.")
@click.option("--accept-geocoded", is_flag=True, help="Write the geocoded coordinates.")
@click.option("--max-edits", type=click.IntRange(min=0), help="Make at most N edits.")
@click.option("--strict", is_flag=True,
              help="Exit 1 for every page left undone, also those known from an earlier run.")
@scope_options
@store_option
@pass_app
def sync_command(app: AppContext, dry_run: bool, no_pull: bool, dataset: str | None,
                 encoding: str | None, sheet: str | None,
                 only: tuple[str, ...], geocode: bool | None, accept_geocoded: bool,
                 max_edits: int | None, strict: bool, titles: tuple[str, ...],
                 prefixes: tuple[str, ...],
                 store_path: str | None) -> None:
    """Apply the write rules (map links, dataset, geocoding) to the wiki.

    Pulls first (incremental), plans from the store, then for each page reads it again,
    re-plans on that text and makes one edit with all its changes; then refills the
    generated lists ({{Liste pôles ESS}} blocks) that need it (not with --rule). --dry-run
    prints the diffs instead. Exit 0 done (unsafe pages left undone as in an earlier run,
    at the same revision, do not count), 1 some planned pages left undone (--strict: any),
    3 wiki stopped us.

    \b
    Example:
      wikisync sync --dry-run
      wikisync sync --dataset reference.csv --max-edits 20
    """
    from wikisync.ops.steps import sync_and_lists
    from wikisync.sync.run import SyncOptions

    config = config_with_flags(app, dataset_path=dataset, encoding=encoding, sheet=sheet,
                               geocode=geocode, accept_geocoded=accept_geocoded,
                               max_edits=max_edits)
    options = SyncOptions(dry_run=dry_run, pull=not no_pull, only=only, titles=titles,
                          prefixes=prefixes, strict=strict)
    progress = progress_for(quiet=app.verbosity < 0 or dry_run)
    report = reporter(app, colour=sys.stdout.isatty())
    with locked_store(app, "sync", store_path) as store:
        try:
            gateway = connect_store(config.require_wiki(), store)
            result = sync_and_lists(gateway, store, config, options, lists=not only,
                                    out=report, progress=progress,
                                    on_wait=progress.on_wait)
        finally:
            getattr(progress, "close", lambda: None)()
    for line in summary(result):
        app.say(line)
    if result.exit_code:
        raise click.exceptions.Exit(result.exit_code)



# --- history ------------------------------------------------------------------------------


def entry_lines(entry: JournalEntry, diff: bool, colour: bool) -> list[str]:
    """One journal entry: page, revisions, rules, summary (and its diff on demand)."""
    if entry.kind == "skip":
        param = entry.detail.get("param", "?")
        return [f"  {entry.title}  r{entry.old_revid}  kept {param} ({entry.reason})  "
                f"[{', '.join(entry.rules)}]  not written: {entry.detail.get('wanted')!r}"]
    old = f"r{entry.old_revid}" if entry.old_revid else "new"
    new = f"r{entry.new_revid}" if entry.new_revid else "?"
    tail = "  (pending: sent, no answer seen yet)" if entry.status == JOURNAL_PENDING else ""
    lines = [f"  {entry.title}  {old} → {new}  [{', '.join(entry.rules)}]  "
             f"{entry.summary}{tail}"]
    if diff and entry.diff:
        lines.append(colour_diff(entry.diff, colour).rstrip("\n"))
    return lines


def entry_json(entry: JournalEntry) -> dict[str, Any]:
    """One journal entry for ``history --json``."""
    data: dict[str, Any] = {
        "run": entry.run_id, "step": entry.step, "kind": entry.kind, "title": entry.title,
        "old_revid": entry.old_revid, "new_revid": entry.new_revid, "summary": entry.summary,
        "rules": list(entry.rules), "status": entry.status, "time": entry.time,
        "sha1": entry.sha1}
    if entry.kind == "skip":
        data.update(reason=entry.reason, detail=entry.detail)
    return data


def run_line(run: RunInfo, edits: int, kept: int = 0) -> str:
    """One run's header line (with the changes kept back after conflicts, if any)."""
    tail = f", {kept} kept back" if kept else ""
    return (f"run {run.id}  {run.kind}  {run.started}  {run.status}  "
            f"{edits} edit{'s' if edits != 1 else ''}{tail}")


def settle_pending(app: AppContext, store: Store, state: str) -> str | None:
    """Settle the journal's pending edits from the wiki (``write.journal``); why not, if not.

    Only when some exist (else no request, no config needed) and no run holds the store's
    lock (its pending edit may be in flight): the wiki's history of the bot says which were
    saved. Returns None when nothing is left pending, else the reason in one line.
    """
    if not store.has_pending():
        return None
    from wikisync.errors import WikisyncError
    from wikisync.ops.lock import LockBusy, run_lock

    try:
        with run_lock(state, "history"):
            connect_store(app.config.require_wiki(), store)
    except LockBusy:
        return "a run in progress holds the store: its last edit may still be answered"
    except WikisyncError as exc:
        return f"cannot ask the wiki ({exc.message})"
    return None if not store.has_pending() else "the wiki's user is unknown (no login)"


@cli.command("history")
@click.option("--run", "run_id", type=int, help="Only this run.")
@click.option("--page", "title", help="Only the edits of this page.")
@click.option("--diff", "show_diff", is_flag=True, help="Show each edit's diff.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="How many of the latest runs to list.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the edits as JSON: run, step, title, revisions, summary, status.")
@store_option
@pass_app
def history_command(app: AppContext, run_id: int | None, title: str | None, show_diff: bool,
                    limit: int, as_json: bool, store_path: str | None) -> None:
    """List what each run changed on the wiki (from the journal), newest run first.

    Every edit summary starts with the [safety] summary_prefix and ends with [run N]:
    search the wiki's contributions for it to find (and revert) a whole run. Edits sent
    without an answer (connection lost, process killed) are first settled from the wiki's
    history of the bot; those the wiki does not have are never listed. Exit 1 when some
    could not be settled (listed as pending).

    \b
    Example:
      wikisync history
      wikisync history --run 12 --diff
      wikisync history --json
    """
    state = state_file(app, store_path)
    with Store(state) as store:
        unsettled = settle_pending(app, store, state)
        runs = [r for r in store.runs(limit=10_000) if run_id is None or r.id == run_id]
        if run_id is not None and not runs:
            raise click.UsageError(f"no run {run_id} in the store")
        shown = _history(app, store, runs, title, limit, show_diff, as_json)
    if not shown and not as_json:
        app.say("no run has written anything yet")
    if unsettled:
        pending = "edits sent without an answer are listed as pending"
        click.echo(f"wikisync: {pending}: {unsettled}", err=True)
        raise click.exceptions.Exit(EXIT_DIFFERENCES)


def _history(app: AppContext, store: Store, runs: list[RunInfo], title: str | None,
             limit: int, show_diff: bool, as_json: bool) -> int:
    """Print the runs' journal (text or JSON; not-saved edits left out); runs shown."""
    colour = sys.stdout.isatty()
    shown, edits = 0, []
    for run in runs:
        entries = [e for e in store.journal(run_id=run.id, title=title)
                   if e.status != JOURNAL_NOT_SAVED]
        if run.kind != "sync" and not entries:
            continue
        edits += [entry_json(entry) for entry in entries]
        if not as_json:
            skips = sum(1 for entry in entries if entry.kind == "skip")
            click.echo(run_line(run, len(entries) - skips, skips))
            for entry in entries:
                click.echo("\n".join(entry_lines(entry, show_diff, colour)))
        shown += 1
        if shown >= limit:
            break
    if as_json:
        click.echo(json.dumps({"edits": edits}, ensure_ascii=False))
    return shown
