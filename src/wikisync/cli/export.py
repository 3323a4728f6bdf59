"""``wikisync export``: write the stored records in a format (no wiki access)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import click

from wikisync.cli.flags import config_with_flags
from wikisync.cli.main import AppContext, cli, pass_app, store_option
from wikisync.cli.state import state_file
from wikisync.errors import UsageError
from wikisync.export import EXPORTERS
from wikisync.export.mapformats import MAP_FORMATS, configure_map_formats  # registers them
from wikisync.files import write_atomic
from wikisync.i18n import for_wiki
from wikisync.store import Store


@cli.command("export")
@click.option("-f", "--format", "fmt", type=click.Choice(sorted(EXPORTERS)), default="json",
              show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True),
              help="Output file (default: standard output).")
@click.option("--source", type=click.Choice(["fiche", "row", "region"]),
              help="Only records from fiches, region-page rows or region headers.")
@click.option("--problems-only", is_flag=True, help="Only records that have problems.")
@store_option
@click.option("--embed-assets", type=click.Path(file_okay=False, exists=True),
              help="html: inline this Leaflet 1.9.4 dist/ folder instead of the shipped one.")
@click.option("--cdn", is_flag=True,
              help="html: link Leaflet on unpkg instead of inlining it (needs the network).")
@click.option("--tiles", help="html, umap: tile URL template ('' for no tiles).")
@pass_app
def export_command(app: AppContext, fmt: str, output: str | None, source: str | None,
                   problems_only: bool, store_path: str | None, embed_assets: str | None,
                   tiles: str | None, cdn: bool) -> None:
    """Export the records of the last pull as JSON or CSV, or the map of the hubs.

    Map formats (one pin per hub): geojson, kml, map-csv, umap, html.

    Reads only the local store (run `wikisync pull` first); never contacts the wiki.

    \b
    Example:
      wikisync export --format csv -o hubs.csv
      wikisync export --source fiche --problems-only
      wikisync export --format html -o carte.html
    """
    path = state_file(app, store_path)
    if not Path(path).is_file():
        raise UsageError(f"no store at {path}: run `wikisync pull` first")
    with Store(path) as store:
        if fmt in MAP_FORMATS:  # in the wiki's language, as the store recorded it
            config = config_with_flags(app, tiles=tiles)
            language = for_wiki(config.wiki.language, (), store).language
            configure_map_formats(config, embed_assets=embed_assets, cdn=cdn, language=language,
                                  warn=lambda line: click.echo(f"wikisync: {line}", err=True))
        exporter = EXPORTERS[fmt]
        records = store.records(source=source, problems_only=problems_only)
        if output and output != "-":
            buffer = io.StringIO()  # the whole text first: a failure leaves the old file
            count = exporter.write(records, buffer)
            write_atomic(output, buffer.getvalue())
            if app.verbosity >= 0:
                click.echo(f"exported {count} records to {output} ({fmt})", err=True)
        else:
            exporter.write(records, sys.stdout)
