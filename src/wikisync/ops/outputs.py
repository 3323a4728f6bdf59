"""The local outputs of a scheduled run: the map exports and the audit report."""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from wikisync.audit import Difference, audit_store, counts
from wikisync.audit.render import RENDERERS, ReportContext, report_messages
from wikisync.config import Config
from wikisync.dataset import load_dataset
from wikisync.export import EXPORTERS
from wikisync.export.mapformats import configure_map_formats
from wikisync.files import write_atomic
from wikisync.hubs import article_base
from wikisync.i18n import for_wiki
from wikisync.store import Store

log = logging.getLogger("wikisync.ops")

# ``[export]`` keys -> ``wikisync export`` formats (``csv`` there is the map's CSV).
EXPORT_FORMATS = {"geojson": "geojson", "kml": "kml", "csv": "map-csv", "umap": "umap",
                  "html": "html", "json": "json"}
# Audit report file suffix -> report format (anything else: text).
REPORT_SUFFIXES = {".html": "html", ".htm": "html", ".json": "json", ".csv": "csv",
                   ".wiki": "wikitext", ".wikitext": "wikitext"}


@dataclass(frozen=True)
class ExportResult:
    """One export file: its format, path, how many items it holds, whether it changed."""

    key: str
    path: str
    items: int
    changed: bool


@dataclass
class AuditResult:
    """The audit's differences (counted by kind), and where its report went."""

    differences: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    report: str | None = None
    report_changed: bool = False
    wikitext: str = ""


def write_exports(store: Store, config: Config, *, dry_run: bool = False) -> list[ExportResult]:
    """Write every ``[export]`` file from the stored records (a dry run writes none)."""
    files = config.export.files()
    if not files:
        return []
    said: set[str] = set()

    def warn_once(message: str) -> None:
        """The same hubs are left off every map file: say it once."""
        if message not in said:
            said.add(message)
            log.warning(message)

    language = for_wiki(config.wiki.language, (), store).language  # as recorded by the pull
    configure_map_formats(config, warn=warn_once, language=language)
    results = []
    for key, path in files.items():
        name = EXPORT_FORMATS[key]
        buffer = io.StringIO()
        items = EXPORTERS[name].write(store.records(), buffer)
        changed = write_atomic(path, buffer.getvalue(), dry_run=dry_run)
        results.append(ExportResult(key, path, items, changed))
    return results


def audit_differences(store: Store, config: Config) -> list[Difference]:
    """The audit of everything the store holds against ``[dataset] path`` (if set)."""
    path = config.dataset.path
    dataset = load_dataset(path, config.schema, encoding=config.dataset.encoding,
                           sheet=config.dataset.sheet) if path else None
    return audit_store(store, dataset, None, config)


def report_format(path: str, fmt: str | None = None) -> str:
    """The report format asked for, else the one the file's suffix names (else text)."""
    return fmt or REPORT_SUFFIXES.get(Path(path).suffix.lower(), "text")


def run_audit(store: Store, config: Config, report: str | None, fmt: str | None = None,
              *, dry_run: bool = False) -> AuditResult:
    """Audit the store; write the report file when asked; keep the wikitext for publishing."""
    diffs = audit_differences(store, config)
    context = report_context(config, store)
    result = AuditResult(len(diffs), counts(diffs), report)
    result.wikitext = RENDERERS["wikitext"](diffs, context)
    if report:
        text = _render(diffs, report_format(report, fmt), context)
        result.report_changed = write_atomic(report, text, dry_run=dry_run)
    return result


def _render(diffs: Sequence[Difference], fmt: str, context: ReportContext) -> str:
    """The report in one format (the text table without colours)."""
    return RENDERERS[fmt](diffs, context)


def report_context(config: Config, store: Store | None = None) -> ReportContext:
    """What the readable reports show besides the differences (as ``wikisync audit``)."""
    sources = {"dataset": config.dataset.path} if config.dataset.path else {}
    return ReportContext(article_base=article_base(config.wiki.api, config.map.article_url),
                         sources={k: str(v) for k, v in sources.items()},
                         messages=report_messages(config, store),
                         templates_dir=Path(config.generate.templates)
                         if config.generate.templates else None)
