"""``wikisync audit``: compare the stored wiki with the reference dataset and the map."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from wikisync.api import Gateway
from wikisync.audit import DEFAULT_THRESHOLD_M, Difference, audit_store
from wikisync.audit.publish import publish_report
from wikisync.audit.render import (
    FORMATS,
    RENDERERS,
    ReportContext,
    render_text,
    render_wikitext,
    report_messages,
    summary_line,
)
from wikisync.cli.datasetopts import dataset_read_options
from wikisync.cli.flags import config_with_flags
from wikisync.cli.main import AppContext, cli, locked_store, pass_app, store_option
from wikisync.cli.state import state_file
from wikisync.config import Config
from wikisync.dataset import load_dataset
from wikisync.errors import EXIT_DIFFERENCES, EXIT_OK, UsageError
from wikisync.files import write_atomic
from wikisync.hubs import article_base
from wikisync.store import Store
from wikisync.sync import pull
from wikisync.sync.wiki import connect_store


def load_map(path: str) -> Any:
    """The map file's JSON (GeoJSON or uMap export); unreadable or not JSON is a usage error."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the map file: {exc.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{path}: the map file is not JSON: {exc}") from None



def _publish(app: AppContext, gateway: Gateway, store: Store, title: str,
             diffs: list[Difference], context: ReportContext) -> bool:
    """Write the wikitext report to ``title`` when it changed; False when it could not be."""
    outcome = publish_report(gateway, store, app.config, title, render_wikitext(diffs, context),
                             namespaces=gateway.namespaces(), m=context.messages)
    if outcome.status in ("edited", "created"):
        app.say(f"published {title} (revision {outcome.new_revid})")
    elif outcome.status == "unchanged":
        app.say(f"{title}: the report has not changed, no edit")
    else:
        click.echo(f"wikisync: {title} not published: {outcome.reason} {outcome.detail}"
                   .rstrip(), err=True)
        return False
    return True



def _write(diffs: list[Difference], fmt: str, context: ReportContext, output: str | None,
           app: AppContext) -> None:
    """Print the report, or write it to ``output`` and say where."""
    if output is None and fmt == "text":
        width = None if sys.stdout.isatty() else 160
        render_text(diffs, context, console=Console(width=width, highlight=False))
        return
    report = RENDERERS[fmt](diffs, context)
    if output is None:
        click.echo(report, nl=False)
        return
    write_atomic(output, report)  # a failure leaves the previous report as it was
    app.say(f"{summary_line(diffs)} (report in {output})")


@cli.command("audit")
@click.option("--dataset", "dataset_path", type=click.Path(dir_okay=False, exists=True),
              help="Reference dataset: CSV, .xlsx/.ods or GeoJSON (default: [dataset] path).")
@dataset_read_options
@click.option("--map", "map_path", type=click.Path(dir_okay=False, exists=True),
              help="The GeoJSON (or uMap export) the map serves now.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text",
              show_default=True, help="Report format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the report to this file instead of standard output.")
@click.option("--pull", "do_pull", is_flag=True, help="Pull from the wiki first.")
@store_option
@click.option("--threshold", type=click.FloatRange(min=0), default=DEFAULT_THRESHOLD_M,
              show_default=True, metavar="METRES",
              help="Points farther apart than this are a coordinates difference.")
@click.option("--publish", "publish_title", metavar="TITLE",
              help="Also write the report (wikitext) to this wiki page, when it changed.")
@pass_app
def audit_command(app: AppContext, dataset_path: str | None, encoding: str | None,
                  sheet: str | None, map_path: str | None, fmt: str,
                  output: str | None, do_pull: bool, store_path: str | None,
                  threshold: float, publish_title: str | None) -> None:
    """Compare the wiki (from the store) with the reference dataset and the map.

    Reports hubs missing on either side, field mismatches, fiches and rows that disagree,
    wrong pins, and every problem found on the pages. Exit code 0 when there is no
    difference, 1 when there are (or the report could not be published), 2 on a usage error.

    \b
    Example:
      wikisync audit --dataset pôles.csv
      wikisync audit --pull --dataset pôles.csv --map carte.geojson --format html -o audit.html
      wikisync audit --dataset pôles.csv --publish "Wiki ESS:Pôles ESS/Audit" -o /dev/null

    --publish warns when the title's prefix is not one of the wiki's namespaces (the
    project namespace of a French wiki is named after the wiki, e.g. "Wiki ESS:", not
    "Projet:"). Reports speak [wiki] language, else the wiki's own language, else French.
    """
    config = config_with_flags(app, dataset_path=dataset_path, encoding=encoding, sheet=sheet)
    dataset_path = config.dataset.path
    dataset = load_dataset(dataset_path, config.schema, encoding=config.dataset.encoding,
                           sheet=config.dataset.sheet) if dataset_path else None
    map_data = load_map(map_path) if map_path else None
    state = state_file(app, store_path)
    if not do_pull and not Path(state).is_file():
        raise UsageError(f"no store at {state}: run `wikisync pull` first (or add --pull)")
    context = _context(config, {"dataset": dataset_path, "map": map_path})
    published = True
    writes = do_pull or bool(publish_title)
    with (locked_store(app, "audit", state) if writes else Store(state)) as store:
        gateway = connect_store(config.require_wiki(), store) if writes else None
        if gateway is not None and do_pull:
            result = pull(gateway, store, config)
            app.say(f"pull ({result.mode}): {result.pages_read} pages read")
        diffs = audit_store(store, dataset, map_data, config, threshold)
        site = gateway.site_info().lang if gateway is not None else None
        context = replace(context, messages=report_messages(config, store, site))
        _write(diffs, fmt, context, output, app)
        if gateway is not None and publish_title:
            published = _publish(app, gateway, store, publish_title, diffs, context)
    failed = bool(diffs) or not published
    raise click.exceptions.Exit(EXIT_DIFFERENCES if failed else EXIT_OK)


def _context(config: Config, sources: dict[str, str | None]) -> ReportContext:
    """What the readable reports need: the wiki's page URLs, the inputs, the templates."""
    return ReportContext(article_base=article_base(config.wiki.api),
                         sources={k: str(v) for k, v in sources.items() if v},
                         templates_dir=Path(config.generate.templates)
                         if config.generate.templates else None)
