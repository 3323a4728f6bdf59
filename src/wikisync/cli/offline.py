"""``wikisync parse`` and ``wikisync set``: read or edit one page's wikitext, no wiki needed."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import BinaryIO

import click

from wikisync.cli.main import AppContext, cli, pass_app
from wikisync.errors import UsageError
from wikisync.model import Record
from wikisync.parse import PageParse, parse_page, set_param
from wikisync.parse.diff import unified_diff
from wikisync.parse.edit import remove_param
from wikisync.parse.names import Aliases
from wikisync.schema import Schema

TABLE_COLUMNS = ("source", "instance", "name", "type", "commune", "lat", "lon", "problems")


def read_text(path: str) -> str:
    """The exact text of a file (or stdin for ``-``): UTF-8, line endings untouched."""
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path} is not UTF-8 (byte {exc.start})") from None


def default_title(path: str) -> str:
    """A page title from a file name: ``Pôle_ESS_de_Brest.wiki`` gives ``Pôle ESS de Brest``."""
    return "" if path == "-" else Path(path).stem.replace("_", " ")


def parse_aliases(values: tuple[str, ...]) -> Aliases:
    """``REDIRECT=TEMPLATE`` options to the alias mapping (template -> its redirects)."""
    aliases: dict[str, list[str]] = {}
    for value in values:
        redirect, equals, target = value.partition("=")
        if not equals or not redirect.strip() or not target.strip():
            raise UsageError(f"--alias {value!r}: expected REDIRECT=TEMPLATE")
        aliases.setdefault(target.strip(), []).append(redirect.strip())
    return aliases


def schema_of(app: AppContext) -> Schema:
    """The config's schema when ``-c`` names a config file, else the built-in one."""
    return app.config.schema if app.config_flag else Schema()


def write_out(text: str) -> None:
    """Write ``text`` to stdout byte for byte (no newline translation, none added)."""
    sys.stdout.flush()
    buffer: BinaryIO | None = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text-only stream (some test harnesses): best effort
        sys.stdout.write(text)
        return
    buffer.write(text.encode("utf-8"))
    buffer.flush()


def format_table(page: PageParse) -> str:
    """Records as an aligned text table, page-level problems on a last line."""
    rows = [list(TABLE_COLUMNS)] + [_row(record) for record in page.records]
    widths = [max(len(row[i]) for row in rows) for i in range(len(TABLE_COLUMNS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    if not page.records:
        lines.append("(no records)")
    lines.append("page problems: " + (", ".join(page.problem_codes) or "none"))
    return "\n".join(lines) + "\n"


def _row(record: Record) -> list[str]:
    """One record's cells for the text table."""
    values = {
        "source": record.source,
        "instance": str(record.instance),
        "name": record.name or "",
        "type": record.type or "",
        "commune": record.commune or "",
        "lat": "" if record.lat is None else f"{record.lat:g}",
        "lon": "" if record.lon is None else f"{record.lon:g}",
        "problems": ",".join(record.problem_codes),
    }
    return [values[column] for column in TABLE_COLUMNS]


ALIAS_HELP = "A template redirect, as REDIRECT=TEMPLATE (repeatable)."


@cli.command("parse")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--title", help="Page title (default: the file name without extension).")
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="json",
              show_default=True, help="JSON (the public record format) or a text table.")
@click.option("--alias", "aliases", multiple=True, metavar="REDIRECT=TEMPLATE", help=ALIAS_HELP)
@pass_app
def parse_command(app: AppContext, file: str, title: str | None, fmt: str,
                  aliases: tuple[str, ...]) -> None:
    """Print the records of one page's wikitext (FILE, or - for stdin).

    Reading never fails: broken markup, nobots and the like are listed as problems
    (see docs/records.md). The wiki is not contacted.

    \b
    Example:
      wikisync parse "Pôle_ESS_du_Pays_de_Brest.wiki"
      wikisync parse - --title "Pôles ESS en Bretagne" --format table < page.wiki
    """
    text = read_text(file)
    page = parse_page(text, default_title(file) if title is None else title,
                      schema_of(app), parse_aliases(aliases))
    if fmt == "table":
        write_out(format_table(page))
    else:
        data = {**page.to_dict(), "unsafe": page.unsafe}
        write_out(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@cli.command("set")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--template", "-t", required=True,
              help="Template to edit: Fiche initiative, Pôle ESS, Pôle ESS par région, or any.")
@click.option("--param", "-p", required=True, help="Parameter name (an alias already on the "
              "page is written in place).")
@click.option("--value", "-v", "value", help="New value (plain text; escaped as needed).")
@click.option("--remove", is_flag=True, help="Remove the parameter instead of setting it.")
@click.option("--instance", "-i", type=int, default=0, show_default=True,
              help="Which call of the template on the page (0 = first).")
@click.option("--raw", is_flag=True, help="Write --value as wikitext, without escaping.")
@click.option("--diff", "as_diff", is_flag=True, help="Print a unified diff, not the new text.")
@click.option("--title", help="Page title used in messages and the diff header.")
@click.option("--alias", "aliases", multiple=True, metavar="REDIRECT=TEMPLATE", help=ALIAS_HELP)
@pass_app
def set_command(app: AppContext, file: str, template: str, param: str, value: str | None,
                remove: bool, instance: int, raw: bool, as_diff: bool, title: str | None,
                aliases: tuple[str, ...]) -> None:
    """Set (or remove) one template parameter in a page's wikitext and print the result.

    Only that parameter's value changes; the rest of the page stays byte-identical. A page
    whose problems make an edit unsafe (nobots, broken template, unclosed comment, two
    infoboxes, a duplicated target parameter) is refused: one error line, exit code 1.

    \b
    Example:
      wikisync set Brest.wiki -t "Fiche initiative" -p carte -v "https://osm.org/" --diff
      wikisync set - -t "Pôle ESS" -i 2 -p "site web" --remove < region.wiki > region.new.wiki
    """
    if remove == (value is not None):
        raise UsageError("give exactly one of --value and --remove")
    text = read_text(file)
    page_title = default_title(file) if title is None else title
    schema, alias_map = schema_of(app), parse_aliases(aliases)
    if value is None:
        new = remove_param(text, template, param, instance=instance, schema=schema,
                           aliases=alias_map, title=page_title)
    else:
        new = set_param(text, template, param, value, instance=instance, schema=schema,
                        aliases=alias_map, raw=raw, title=page_title)
    write_out(unified_diff(text, new, page_title or "page") if as_diff else new)
