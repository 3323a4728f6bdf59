"""``audit --publish``: write the wikitext report to a wiki page, only when it changed."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from wikisync.config import Config
from wikisync.i18n import Messages, messages
from wikisync.store import Store
from wikisync.store.runs import RunKind, RunStatus
from wikisync.write import Status, Wiki, WriteOutcome, WriteSession

RULE = "audit"
PROJECT, USER = 4, 2  # MediaWiki's namespace numbers
log = logging.getLogger("wikisync.audit")


def same_report(old: str, new: str) -> bool:
    """Whether a page already holds this report (MediaWiki trims trailing whitespace)."""
    return old.rstrip() == new.rstrip()


def _fold(name: str) -> str:
    """A namespace name as MediaWiki compares them: ``_`` is a space, case-insensitive."""
    return " ".join(name.replace("_", " ").split()).casefold()


def namespace_warning(title: str, namespaces: Mapping[str, int]) -> str | None:
    """A warning when ``title`` has a ``Prefix:`` that is none of the wiki's namespaces.

    Such a title is legal: the page goes to the main namespace, as an article, which is
    seldom what was meant (``Projet:`` is not the project namespace of a French wiki).
    ``namespaces`` maps every name and alias to its id (``Gateway.namespaces``).
    """
    prefix, colon, _ = title.partition(":")
    if not colon or not prefix.strip():
        return None
    if _fold(prefix) in {_fold(name) for name in namespaces}:
        return None
    local = [name for name, number in namespaces.items()
             if number in (PROJECT, USER) and name not in ("Project", "User")]
    hint = f" (the wiki's project and user namespaces: {', '.join(local)})" if local else ""
    return (f"{title}: {prefix.strip()!r} is not a namespace of this wiki, so the report goes "
            f"to the main namespace as an article{hint}")


STEP = "audit-publish"  # the journal's step of a report published inside a cycle


def publish_report(gateway: Wiki, store: Store, config: Config, title: str, text: str,
                   *, dry_run: bool = False, namespaces: Mapping[str, int] | None = None,
                   m: Messages | None = None, run_id: int | None = None) -> WriteOutcome:
    """Create the page, or replace its text when it differs, in one ``WriteSession``.

    The writer does the safety work (fresh read, shutoff page, nobots, conflicts, journal);
    an unchanged report makes no edit at all. ``namespaces`` (the wiki's, when known) gives
    one warning line for a title whose prefix is not one of them. Returns the outcome.
    Given ``run_id`` (a ``wikisync run`` cycle's), the edit is a step of that run.
    """
    warning = namespace_warning(title, namespaces) if namespaces is not None else None
    if warning:
        log.warning(warning)
    summary = (m or messages("fr"))("summary.audit")
    report = text.rstrip() + "\n"
    with WriteSession(gateway, store, config, RunKind.AUDIT_PUBLISH, dry_run=dry_run,
                      run_id=run_id, step=STEP) as session:
        session.details["title"] = title
        writer = session.writer
        if gateway.read_page(title).missing:
            outcome = writer.create(title, report, [RULE], summary)
        else:
            outcome = writer.write(title, lambda old: None if same_report(old, report)
                                   else report, [RULE], summary)
        if outcome.status == Status.SKIPPED:
            session.status = RunStatus.PARTIAL
    return outcome
