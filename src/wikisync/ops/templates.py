"""``wikisync templates install``: put the contract's wiki-side templates on a wiki lacking them.

The templates are the ``.wiki`` files of ``templates/wiki/``, each mapped to its page by
``manifest.json``. Every write goes through ``PageWriter``: a missing page is created
(createonly: a page created meanwhile is never overwritten); an existing one is left alone
unless ``force``, and then replaced through ``PageWriter.write`` (fresh read, conflicts,
shutoff, journal) when its text differs. Only ``contract`` and ``helper`` templates are
ever replaced: the ``optional`` ones (minimal ``Coord``, ``URL``, ``Nobots``, ``Bots``) and
the ``redirect`` are only created, as a wiki's own version is richer or used elsewhere
(and the writer never edits a redirect page).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wikisync.api import Gateway
from wikisync.config import Config
from wikisync.errors import UsageError
from wikisync.i18n import Messages, for_wiki, messages
from wikisync.resources import MANIFEST
from wikisync.store import Store
from wikisync.store.runs import RunKind, RunStatus
from wikisync.write import PageWriter, Report, Status, WriteOutcome, WriteSession
from wikisync.write.progress import OnWait

RULE = "templates"
RUN_KIND = RunKind.TEMPLATES
ROLES = ("contract", "helper", "redirect", "optional")
REPLACEABLE = ("contract", "helper")  # what --force replaces (never a wiki's own Coord…)
NO_WRITE_STATES = {"same": "up to date", "exists": "exists (differs; --force replaces it)",
                   "kept": "exists (differs; the wiki's own is kept, even with --force)"}


@dataclass(frozen=True)
class WikiTemplate:
    """One shipped template: its file, page title, edit summary, role and needed extensions.

    ``summary_key`` names the summary in the message catalog (the shipped manifest's), said
    in the wiki's language at install; ``summary`` is its French text (or a manifest's own).
    """

    file: str
    title: str
    summary: str
    role: str
    requires: tuple[str, ...]
    text: str
    summary_key: str | None = None

    def summary_in(self, m: Messages) -> str:
        """The edit summary in the language of ``m`` (a manifest's own text as it is)."""
        return m(self.summary_key) if self.summary_key else self.summary


@dataclass(frozen=True)
class Installed:
    """What happened to one template: ``action`` and the writer's outcome when it wrote."""

    template: WikiTemplate
    action: str  # create, same, exists, kept, overwrite
    outcome: WriteOutcome | None = None

    @property
    def state(self) -> str:
        """created, would create, up to date, exists, kept, replaced, skipped (reason)…"""
        if self.outcome is None:
            return NO_WRITE_STATES[self.action]
        status = self.outcome.status
        if status == Status.DRY_RUN:
            return "would create" if self.action == "create" else "would replace"
        if status == Status.EDITED:
            return "replaced"
        if status in (Status.SKIPPED, Status.STOPPED):
            return f"{status} ({self.outcome.reason})"
        return status


@dataclass
class InstallResult:
    """The templates handled, the extensions the wiki lacks for them, the run id."""

    run_id: int
    dry_run: bool
    items: list[Installed] = field(default_factory=list)
    missing_extensions: dict[str, list[str]] = field(default_factory=dict)

    @property
    def undone(self) -> list[Installed]:
        """Templates that should have been written but were not."""
        return [i for i in self.items if i.outcome is not None and i.outcome.failed]

    def counts(self) -> dict[str, Any]:
        """The run log's counts: how many templates ended in each state."""
        states: dict[str, int] = {}
        for item in self.items:
            states[item.state] = states.get(item.state, 0) + 1
        return {"dry_run": self.dry_run, "states": states,
                "missing_extensions": self.missing_extensions}


def load_templates(directory: str | Path) -> list[WikiTemplate]:
    """The templates a ``manifest.json`` lists, in its order, with their texts."""
    folder = Path(directory)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return [_template(folder, name, spec) for name, spec in manifest.items()]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"{folder / MANIFEST}: unusable template manifest ({exc})") from None


def _template(folder: Path, name: str, spec: dict[str, Any]) -> WikiTemplate:
    """One manifest entry with its file's text."""
    role = spec.get("role", "contract")
    if role not in ROLES:
        raise ValueError(f"{name}: unknown role {role!r}")
    key = spec.get("summary_key") or (None if "summary" in spec else "summary.template")
    summary = messages()(key) if key else str(spec["summary"])
    return WikiTemplate(name, spec["title"], summary, role, tuple(spec.get("requires", ())),
                        (folder / name).read_text(encoding="utf-8"), key)


def wiki_extensions(gateway: Gateway) -> set[str]:
    """The names of the extensions the wiki runs (one siteinfo request)."""
    answer = gateway.call({"action": "query", "meta": "siteinfo", "siprop": "extensions"})
    return {str(ext.get("name", "")) for ext in answer.get("query", {}).get("extensions", [])}


def install_templates(gateway: Gateway, store: Store, config: Config,
                      templates: Iterable[WikiTemplate], *, force: bool = False,
                      dry_run: bool = False, out: Report | None = None,
                      on_wait: OnWait | None = None) -> InstallResult:
    """Create the missing templates (replace the others too with ``force``); log the run."""
    templates = list(templates)
    result = InstallResult(0, dry_run)
    with WriteSession(gateway, store, config, RUN_KIND, dry_run=dry_run, out=out, minor=False,
                      counts=result.counts, on_wait=on_wait) as session:
        result.run_id = session.run_id
        session.writer.expect(len(templates))
        pages = gateway.read_titles([t.title for t in templates])
        m = for_wiki(config.wiki.language, config.schema.types, store)
        for template, page in zip(templates, pages, strict=True):
            current = None if page.missing else (page.content or "")
            result.items.append(_install(session.writer, template, current, force, m))
        result.missing_extensions = _missing_extensions(gateway, result.items)
        session.status = RunStatus.PARTIAL if result.undone else RunStatus.OK
    return result


def _install(writer: PageWriter, template: WikiTemplate, current: str | None,
             force: bool, m: Messages) -> Installed:
    """Create one template, leave it, or (``force``) replace a contract or helper one."""
    summary = template.summary_in(m)
    if current is None:
        return Installed(template, "create",
                         writer.create(template.title, template.text, [RULE], summary))
    if current.rstrip() == template.text.rstrip():
        return Installed(template, "same")
    if template.role not in REPLACEABLE:
        return Installed(template, "kept")
    if not force:
        return Installed(template, "exists")
    text = template.text
    outcome = writer.write(template.title, lambda old: text, [RULE], summary)
    return Installed(template, "overwrite", outcome)


def _missing_extensions(gateway: Gateway, items: list[Installed]) -> dict[str, list[str]]:
    """For each template written (or to be), the extensions it needs that the wiki lacks."""
    written = [i.template for i in items if i.outcome is not None and not i.outcome.failed]
    if not any(t.requires for t in written):
        return {}
    have = {name.casefold() for name in wiki_extensions(gateway)}
    lacking = {t.title: [e for e in t.requires if e.casefold() not in have] for t in written}
    return {title: names for title, names in lacking.items() if names}


def install_lines(result: InstallResult) -> list[str]:
    """One line per template, then the warnings about missing extensions."""
    lines = [f"{item.state}: {item.template.title}" for item in result.items]
    for title, names in result.missing_extensions.items():
        lines.append(f"warning: {title} needs {', '.join(names)}, which the wiki does not run "
                     "(it will not render properly)")
    return lines
