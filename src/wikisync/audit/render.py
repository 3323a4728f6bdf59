"""The audit's report formats: text (rich), JSON, CSV, HTML and wikitext (Jinja2 templates)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from rich.console import Console
from rich.table import Table

from wikisync.audit.model import JSON_KEYS, KINDS, Difference, counts
from wikisync.hubs import page_url
from wikisync.parse.escape import escape_value
from wikisync.resources import templates_dir

SHIPPED_TEMPLATES = templates_dir()
HTML_TEMPLATE = "audit.html.j2"
WIKI_TEMPLATE = "audit.wiki.j2"
FORMATS = ("text", "json", "csv", "html", "wikitext")

# French labels of the kinds, for the readable reports.
KIND_LABELS = {
    "missing-on-wiki": "absent du wiki",
    "missing-in-dataset": "absent du jeu de données",
    "mismatch": "valeur différente",
    "inconsistent": "incohérence sur le wiki",
    "map-missing": "absent de la carte",
    "map-extra": "en trop sur la carte",
    "map-mismatch": "épingle différente",
    "problem": "problème",
    "conflict-kept": "valeur d'un contributeur gardée",
}


@dataclass(frozen=True)
class ReportContext:
    """What the readable reports show besides the differences."""

    article_base: str | None = None  # base URL of wiki pages (``hubs.article_base``)
    sources: dict[str, str] = field(default_factory=dict)  # e.g. {"dataset": "x.csv"}
    title: str = "Audit des pôles ESS"
    templates_dir: Path | None = None


def render_json(diffs: Sequence[Difference], context: ReportContext | None = None) -> str:
    """The public JSON: a list of ``{kind, name, title, field, wiki, dataset, detail}``."""
    return json.dumps([d.to_dict() for d in diffs], ensure_ascii=False, indent=2) + "\n"


def render_csv(diffs: Sequence[Difference], context: ReportContext | None = None) -> str:
    """CSV with the JSON keys as header, one row per difference (empty cell for null)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(JSON_KEYS)
    for diff in diffs:
        writer.writerow(["" if v is None else v for v in diff.to_dict().values()])
    return out.getvalue()


def summary_line(diffs: Sequence[Difference]) -> str:
    """``3 differences: mismatch 2, problem 1`` (or ``no difference``)."""
    if not diffs:
        return "no difference"
    parts = ", ".join(f"{kind} {n}" for kind, n in counts(diffs).items())
    return f"{len(diffs)} difference{'s' if len(diffs) > 1 else ''}: {parts}"


def text_table(diffs: Sequence[Difference]) -> Table:
    """A rich table with one section per kind and one line per difference."""
    table = Table(show_lines=False, header_style="bold", pad_edge=False)
    for column in ("kind", "hub", "page", "field", "wiki", "other side", "detail"):
        table.add_column(column, overflow="fold")
    previous = None
    for diff in diffs:
        if previous is not None and diff.kind != previous:
            table.add_section()
        previous = diff.kind
        table.add_row(diff.kind, *(v or "" for v in (diff.name, diff.title, diff.field,
                                                      diff.wiki, diff.dataset, diff.detail)))
    return table


def render_text(diffs: Sequence[Difference], context: ReportContext | None = None,
                console: Console | None = None) -> str:
    """The terminal table and the counts by kind; printed on ``console`` when given."""
    target = console or Console(file=io.StringIO(), width=160, no_color=True,
                                force_terminal=False, highlight=False)
    if diffs:
        target.print(text_table(diffs), soft_wrap=False)
    target.print(summary_line(diffs), highlight=False)
    file = target.file
    return file.getvalue() if isinstance(file, io.StringIO) else ""


def wiki_cell(value: Any) -> str:
    """A value safe inside a wikitable cell (pipes and markup neutralised)."""
    if value is None or value == "":
        return ""
    return escape_value(str(value)).replace("{{!}}", "&#124;")


def history_url(url: str) -> str:
    """The history page URL of a page URL."""
    return url + ("&" if "?" in url else "?") + "action=history"


def _rows(diffs: Sequence[Difference], context: ReportContext) -> list[dict[str, Any]]:
    """Differences as template rows, with page and history links when the wiki is known."""
    rows = []
    for diff in diffs:
        row = diff.to_dict()
        row["label"] = KIND_LABELS[diff.kind]
        if diff.title and context.article_base:
            row["url"] = page_url(context.article_base, diff.title)
            row["history"] = history_url(row["url"])
        rows.append(row)
    return rows


def environment(templates_dir: Path | None = None) -> Environment:
    """Jinja2 environment: the user's templates folder first, then the shipped one."""
    folders = [str(templates_dir)] if templates_dir else []
    env = Environment(
        loader=FileSystemLoader([*folders, str(SHIPPED_TEMPLATES)]),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        keep_trailing_newline=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["wiki"] = wiki_cell
    return env


def _render(name: str, diffs: Sequence[Difference], context: ReportContext) -> str:
    """Render one report template with the rows, the counts and the sources."""
    template = environment(context.templates_dir).get_template(name)
    found = counts(diffs)
    return template.render(
        title=context.title,
        rows=_rows(diffs, context),
        counts=[{"kind": k, "label": KIND_LABELS[k], "count": found.get(k, 0)} for k in KINDS],
        total=len(diffs),
        kinds=[{"kind": k, "label": KIND_LABELS[k]} for k in KINDS],
        sources=context.sources,
        summary=summary_line(diffs),
    )


def render_html(diffs: Sequence[Difference], context: ReportContext | None = None) -> str:
    """One self-contained HTML page: counts, a filterable table, links to pages and history."""
    return _render(HTML_TEMPLATE, diffs, context or ReportContext())


def render_wikitext(diffs: Sequence[Difference], context: ReportContext | None = None) -> str:
    """The report as a wiki page (deterministic, so it can be published only when changed)."""
    return _render(WIKI_TEMPLATE, diffs, context or ReportContext())


RENDERERS: dict[str, Callable[[Sequence[Difference], ReportContext | None], str]] = {
    "text": render_text,
    "json": render_json,
    "csv": render_csv,
    "html": render_html,
    "wikitext": render_wikitext,
}
