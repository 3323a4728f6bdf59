"""``wikisync pull``: update the local store from the wiki (or from an XML dump)."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable

import click

from wikisync.cli.main import AppContext, cli, locked_store, pass_app, store_option
from wikisync.sync import PullEvent, PullResult, load_dump_file, pull
from wikisync.sync.wiki import connect_store
from wikisync.ui import progress_for

KILL_HOOK = "WIKISYNC_TEST_KILL_AFTER_BATCH"  # tests: SIGKILL ourselves after batch k
MAX_DRIFT_LINES = 15


def summary(result: PullResult, store_pages: int) -> list[str]:
    """The one-screen end-of-run summary."""
    lines = [f"pull ({result.mode}) finished in {result.seconds:.2f} s"]
    read = f"pages read: {result.pages_read} (stored {result.pages_stored}, " \
           f"removed {result.pages_removed})"
    if result.mode == "incremental":
        read += f" from {result.changes} recent changes"
    lines.append(read)
    lines.append(f"store: {store_pages} pages, {result.records} records")
    problems = ", ".join(f"{code} {n}" for code, n in sorted(result.problems.items()))
    lines.append(f"problems: {problems or 'none'} ({sum(result.problems.values())} in all)")
    requests = ", ".join(f"{kind} {n}" for kind, n in sorted(result.requests.items()))
    lines.append(f"requests: {requests or 'none'} ({sum(result.requests.values())} in all)")
    lines.append(f"checkpoint: {result.checkpoint or '-'}")
    lines.extend(f"note: {note}" for note in result.notes)
    lines.extend(_drift_lines(result))
    return lines


def _drift_lines(result: PullResult) -> list[str]:
    if result.mode != "full" or not result.drift:
        return []
    lines = [f"drift: {len(result.drift)} pages differed from the store"]
    lines.extend(f"  {d.kind}: {d.title} ({d.detail})" for d in result.drift[:MAX_DRIFT_LINES])
    if len(result.drift) > MAX_DRIFT_LINES:
        lines.append(f"  ... and {len(result.drift) - MAX_DRIFT_LINES} more")
    return lines


def _with_kill_hook(progress: Callable[[PullEvent], None]) -> Callable[[PullEvent], None]:
    """Test hook: with $WIKISYNC_TEST_KILL_AFTER_BATCH=k, die by SIGKILL once batch k is stored."""
    after = int(os.environ.get(KILL_HOOK, "0") or 0)
    if after <= 0:
        return progress

    def hooked(event: PullEvent) -> None:
        progress(event)
        if event.phase == "stored" and event.batch >= after:
            os.kill(os.getpid(), signal.SIGKILL)

    return hooked


@cli.command("pull")
@click.option("--full", is_flag=True, help="Read every page again and report what drifted.")
@click.option("--dump", "dump", type=click.Path(dir_okay=False, exists=True),
              help="Load pages from a MediaWiki XML export (.xml, .xml.bz2, .xml.gz).")
@store_option
@pass_app
def pull_command(app: AppContext, full: bool, dump: str | None, store_path: str | None) -> None:
    """Update the local store from the wiki: incremental, or everything with --full.

    The first run reads every page using the templates; later runs read only the pages
    changed since the last one. --dump starts from an XML export instead.

    \b
    Example:
      wikisync pull
      wikisync pull --full
      wikisync pull --dump frwiki-pages.xml.bz2
    """
    if full and dump:
        raise click.UsageError("--full and --dump cannot be used together")
    config = app.config
    progress = progress_for(quiet=app.verbosity < 0)
    hooked = _with_kill_hook(progress)
    with locked_store(app, "pull", store_path) as store:
        try:
            if dump:
                result = load_dump_file(dump, store, config, progress=hooked)
            else:
                gateway = connect_store(config.require_wiki(), store)
                result = pull(gateway, store, config, full=full, progress=hooked)
        finally:
            getattr(progress, "close", lambda: None)()
        pages = store.page_count()
    for line in summary(result, pages):
        app.say(line)

