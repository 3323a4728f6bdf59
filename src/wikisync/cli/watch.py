"""``wikisync watch``: follow the wiki's recent changes; a long-running process (a service)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from wikisync.cli.flags import config_with_flags
from wikisync.cli.main import AppContext, pass_app, store_option, waiting
from wikisync.cli.state import state_file
from wikisync.errors import EXIT_OK
from wikisync.ops.lock import RunLock, lock_path
from wikisync.store import Store
from wikisync.watch.loop import WatchResult
from wikisync.watch.stop import Stopper, Stopping

if TYPE_CHECKING:
    from wikisync.write import Report


def _outcome_logger() -> Report:
    """Page outcomes as log lines (the watcher prints no diffs)."""
    from wikisync.cli.ops import outcome_logger

    return outcome_logger()


def ended_line(result: WatchResult, stopper: Stopper) -> str:
    """The last line: why it stopped and what it did."""
    runs = result.runs
    shown = f" (runs {runs[0]}-{runs[-1]})" if len(runs) > 1 else \
        f" (run {runs[0]})" if runs else ""
    why = {15: "SIGTERM", 2: "SIGINT"}.get(stopper.signal or 0, "a stop")
    return (f"watch: stopped by {why} after {result.polls} polls, {result.batches} batches, "
            f"{result.edits} edits{shown}")


@click.command("watch")
@click.option("--interval", type=click.FloatRange(min=0, min_open=True), metavar="SECONDS",
              help="Seconds between polls (default: [watch] interval, else 10).")
@click.option("--audit-report", type=click.Path(dir_okay=False),
              help="Rewrite this audit report when the hubs change (.html, .json, .csv, .wiki).")
@click.option("--publish", metavar="TITLE",
              help="Republish the audit report on this page when it changes.")
@click.option("--map-page", metavar="TITLE",
              help="Also refresh the map block on this page (Kartographer or Maps needed).")
@store_option
@pass_app
def watch_command(app: AppContext, interval: float | None, audit_report: str | None,
                  publish: str | None, map_page: str | None, store_path: str | None) -> None:
    """Follow the wiki's recent changes and handle each changed page within seconds.

    One list=recentchanges request per poll while nothing happens (backing off to [watch]
    max_interval when idle for long). A page people changed is handled once it has been
    left alone for [watch] quiet seconds, as `run` would handle it: its map link and
    dataset fields, the list it opens, the lists and map files whose hubs changed. Each
    batch is one run ([run N] in its summaries). Holds the run lock for its whole life
    (a `run` started meanwhile says so and exits 0; `run --wait` queues). SIGTERM or
    Ctrl-C: the page in hand is finished, then exit 0. A wiki that goes away is waited
    out. Exit 2 config, 3 blocked account.

    \b
    Example:
      wikisync watch
      wikisync --log-format json watch --interval 5
      wikisync watch --map-page "Carte des pôles ESS"
    """
    from wikisync.ops.watch import WatchOptions, connect_waiting, watch

    config = config_with_flags(app, interval=interval)
    state = state_file(app, store_path)
    options = WatchOptions(audit_report=audit_report, publish=publish, map_page=map_page)
    stopper = Stopper()
    result = WatchResult()
    with stopper.installed():
        hold = RunLock(lock_path(state), "watch", wait=True, on_wait=waiting,
                       sleep=stopper.sleep)
        try:
            hold.acquire()
            try:
                with Store(state) as store:
                    gateway = connect_waiting(config, store, stopper)
                    watch(gateway, store, config, options, stopper, out=_outcome_logger(),
                          result=result)
            finally:
                hold.release()
        except (Stopping, KeyboardInterrupt):
            pass
    app.say(ended_line(result, stopper))
    raise click.exceptions.Exit(EXIT_OK)
