"""The audit's report formats: text (rich), JSON, CSV, HTML and wikitext (Jinja2 templates)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from rich.console import Console
from rich.table import Table

from wikisync.audit.model import JSON_KEYS, KINDS, Difference, counts
from wikisync.config import Config
from wikisync.hubs import page_url
from wikisync.i18n import Messages, for_wiki, messages
from wikisync.parse.escape import escape_value
from wikisync.resources import templates_dir
from wikisync.schema import DEFAULT_TYPES

if TYPE_CHECKING:
    from wikisync.store import Store

SHIPPED_TEMPLATES = templates_dir()
HTML_TEMPLATE = "audit.html.j2"
WIKI_TEMPLATE = "audit.wiki.j2"
FORMATS = ("text", "json", "csv", "html", "wikitext")

@dataclass(frozen=True)
class ReportContext:
    """What the readable reports show besides the differences."""

    article_base: str | None = None  # base URL of wiki pages (``hubs.article_base``)
    sources: dict[str, str] = field(default_factory=dict)  # e.g. {"dataset": "x.csv"}
    title: str | None = None  # None: the catalog's ``audit.title``
    templates_dir: Path | None = None
    messages: Messages = field(default_factory=lambda: messages("fr", DEFAULT_TYPES))

    @property
    def heading(self) -> str:
        """The report's title, in the report's language unless one was given."""
        return self.title or self.messages("audit.title")


def report_messages(config: Config, store: Store | None = None,
                    site: str | None = None) -> Messages:
    """The reports' catalog: ``[wiki] language``, else the wiki's (``site``, recorded in
    ``store`` for offline reports), else the one ``store`` recorded, else French."""
    return for_wiki(config.wiki.language, config.schema.types, store, site)


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
    """``3 differences: mismatch 2, problem 1`` (or ``no difference``): the CLI's English line."""
    if not diffs:
        return "no difference"
    parts = ", ".join(f"{kind} {n}" for kind, n in counts(diffs).items())
    return f"{len(diffs)} difference{'s' if len(diffs) > 1 else ''}: {parts}"


def report_summary(diffs: Sequence[Difference], m: Messages) -> str:
    """The reports' summary line in their language: « 3 différences : valeur différente 2 »."""
    if not diffs:
        return m("audit.summary.none")
    parts = ", ".join(f"{m.kind(kind)} {n}" for kind, n in counts(diffs).items())
    key = "audit.summary.one" if len(diffs) == 1 else "audit.summary.many"
    return m(key, count=len(diffs), parts=parts)


TEXT_COLUMNS = ("kind", "hub", "page", "field", "wiki", "other", "detail")


def text_table(diffs: Sequence[Difference], m: Messages | None = None) -> Table:
    """A rich table with one section per kind and one line per difference."""
    m = m or ReportContext().messages
    table = Table(show_lines=False, header_style="bold", pad_edge=False)
    for column in TEXT_COLUMNS:
        table.add_column(m(f"audit.col.{column}"), overflow="fold")
    previous = None
    for diff in diffs:
        if previous is not None and diff.kind != previous:
            table.add_section()
        previous = diff.kind
        row = localised(diff, m)
        table.add_row(row["label"], *(row[key] or "" for key in
                                      ("name", "title", "field", "wiki", "dataset", "detail")))
    return table


def render_text(diffs: Sequence[Difference], context: ReportContext | None = None,
                console: Console | None = None) -> str:
    """The terminal table and the counts by kind; printed on ``console`` when given."""
    m = (context or ReportContext()).messages
    target = console or Console(file=io.StringIO(), width=160, no_color=True,
                                force_terminal=False, highlight=False)
    if diffs:
        target.print(text_table(diffs, m), soft_wrap=False)
    target.print(report_summary(diffs, m), highlight=False)
    file = target.file
    return file.getvalue() if isinstance(file, io.StringIO) else ""


def localised(diff: Difference, m: Messages) -> dict[str, Any]:
    """A difference's public fields as an admin reads them: labels, legend types, details.

    ``kind`` and ``code`` keep the machine values (the JSON's ``kind`` and ``field``).
    """
    row = diff.to_dict()
    row["code"] = diff.field
    row["label"] = m.kind(diff.kind)
    row["field"] = m.field(diff.field)
    if diff.field == "type":
        row["wiki"], row["dataset"] = m.type_label(diff.wiki), m.type_label(diff.dataset)
    elif diff.wiki is None and diff.kind in ("problem", "map-extra"):
        row["dataset"] = m.detail(diff.dataset)  # a place: « ligne 26 », « objet 3 »
    row["detail"] = m.detail(diff.detail)
    return row


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
        row = localised(diff, context.messages)
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
    m = context.messages
    return template.render(
        title=context.heading,
        rows=_rows(diffs, context),
        counts=[{"kind": k, "label": m.kind(k), "count": found.get(k, 0)} for k in KINDS],
        total=len(diffs),
        kinds=[{"kind": k, "label": m.kind(k)} for k in KINDS],
        sources=context.sources,
        summary=report_summary(diffs, m),
        t=m,
        lang=m.language,
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
