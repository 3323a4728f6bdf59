"""``wikisync parse`` and ``wikisync set``: read or edit one page's wikitext, no wiki needed.

Both are thin layers over the public API (``wikisync.read_page``, ``set_param``,
``remove_param``; docs/api.md): this module adds files, aliases and printing.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import BinaryIO

import click

from wikisync import PageParse, Record, read_page, remove_param, set_param
from wikisync.cli.flags import config_with_flags
from wikisync.cli.main import AppContext, cli, pass_app, store_option
from wikisync.errors import UsageError
from wikisync.parse import PageReader
from wikisync.parse.diff import unified_diff
from wikisync.parse.names import Aliases, template_key
from wikisync.parse.page import scan
from wikisync.parse.tree import parse_wikitext
from wikisync.schema import Schema
from wikisync.store import Store
from wikisync.sync.pull import META_REDIRECTS

log = logging.getLogger("wikisync.cli.offline")

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


def store_aliases(app: AppContext, store_path: str | None) -> dict[str, list[str]]:
    """The template redirects pull learnt, from ``--store`` or the ``-c`` config's store.

    A ``--store`` that does not exist is a usage error; a config's store that does not
    exist yet (no pull so far) gives none. The store is only read.
    """
    if not (store_path or app.config_flag):
        return {}
    path = config_with_flags(app, store_path=store_path).state_path  # --store: the override
    if not Path(path).is_file():
        if store_path:
            raise UsageError(f"--store {store_path}: no such state file")
        log.info("no state file at %s yet: no template redirects from the store", path)
        return {}
    with Store(path) as store:
        redirects: dict[str, list[str]] = store.get_json(META_REDIRECTS, {}) or {}
    count = sum(len(names) for names in redirects.values())
    log.info("template redirects from the store %s: %d", path, count)
    return redirects


def all_aliases(app: AppContext, store_path: str | None,
                options: tuple[str, ...]) -> dict[str, list[str]]:
    """``--alias`` options merged with the store's redirects (target -> redirect names)."""
    merged: dict[str, list[str]] = {}
    for source in (store_aliases(app, store_path), parse_aliases(options)):
        for target, names in source.items():
            known = merged.setdefault(target, [])
            known += [name for name in names if name not in known]
    return merged


def applied_aliases(text: str, reader: PageReader) -> list[str]:
    """``written name -> template`` for each call on the page matched only through an alias."""
    canonical = dict(zip(("fiche", "region", "row"), reader.schema.record_templates,
                         strict=True))
    own = {template_key(name) for name in canonical.values()}
    found: dict[str, str] = {}
    for template in scan(parse_wikitext(text)).templates:
        kind = reader.matcher.kind(str(template.name))
        key = template_key(str(template.name))
        if kind is not None and key not in own:
            found.setdefault(key, canonical[kind])
    return [f"{name} -> {target}" for name, target in found.items()]


def report_aliases(aliases: Mapping[str, Iterable[str]], applied: list[str]) -> None:
    """With -v: the aliases known, and those this page used (stderr, never stdout)."""
    known = sum(len(list(names)) for names in aliases.values())
    log.info("template aliases known: %d; applied on this page: %s", known,
             ", ".join(applied) or "none")


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
@store_option
@pass_app
def parse_command(app: AppContext, file: str, title: str | None, fmt: str,
                  aliases: tuple[str, ...], store_path: str | None) -> None:
    """Print the records of one page's wikitext (FILE, or - for stdin).

    Reading never fails: broken markup, nobots and the like are listed as problems
    (see docs/records.md). The wiki is not contacted.

    Template names are the schema's (built in, or [schema] of -c CONFIG, which also
    gives the parameter aliases) plus their redirects: those pull learnt, read from the
    state store (--store FILE, or the [state] path of -c CONFIG), and each --alias.
    "wikisync -v parse" says on stderr how many were known and which this page used.

    \b
    Example:
      wikisync parse "Pôle_ESS_du_Pays_de_Brest.wiki"
      wikisync parse - --title "Pôles ESS en Bretagne" --format table < page.wiki
    """
    text = read_text(file)
    schema, alias_map = schema_of(app), all_aliases(app, store_path, aliases)
    page = read_page(text, default_title(file) if title is None else title, schema=schema,
                     aliases=alias_map)
    report_aliases(alias_map, applied_aliases(text, PageReader(schema, alias_map)))
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
@store_option
@pass_app
def set_command(app: AppContext, file: str, template: str, param: str, value: str | None,
                remove: bool, instance: int, raw: bool, as_diff: bool, title: str | None,
                aliases: tuple[str, ...], store_path: str | None) -> None:
    """Set (or remove) one template parameter in a page's wikitext and print the result.

    Only that parameter's value changes; the rest of the page stays byte-identical. A page
    whose problems make an edit unsafe (nobots, broken template, unclosed comment, two
    infoboxes, a duplicated target parameter) is refused: one error line, exit code 1.

    Template names and aliases are found as by parse: the schema's (-c CONFIG's [schema]),
    the redirects pull learnt (--store FILE, or the [state] path of -c CONFIG) and each
    --alias; "wikisync -v set" says on stderr which ones this page used.

    \b
    Example:
      wikisync set Brest.wiki -t "Fiche initiative" -p carte -v "https://osm.org/" --diff
      wikisync set - -t "Pôle ESS" -i 2 -p "site web" --remove < region.wiki > region.new.wiki
    """
    if remove == (value is not None):
        raise UsageError("give exactly one of --value and --remove")
    text = read_text(file)
    page_title = default_title(file) if title is None else title
    schema, alias_map = schema_of(app), all_aliases(app, store_path, aliases)
    report_aliases(alias_map, applied_aliases(text, PageReader(schema, alias_map)))
    if value is None:
        new = remove_param(text, template, param, instance=instance, schema=schema,
                           aliases=alias_map, title=page_title)
    else:
        new = set_param(text, template, param, value, instance=instance, schema=schema,
                        aliases=alias_map, raw=raw, title=page_title)
    write_out(unified_diff(text, new, page_title or "page") if as_diff else new)
