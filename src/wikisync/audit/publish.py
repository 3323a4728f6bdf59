"""``audit --publish``: write the wikitext report to a wiki page, only when it changed."""

from __future__ import annotations

from wikisync.config import Config
from wikisync.store import Store
from wikisync.sync.writer import PageWriter, Wiki, WriteOutcome

RULE = "audit"
SUMMARY = "Rapport d'audit wikisync"


def same_report(old: str, new: str) -> bool:
    """Whether a page already holds this report (MediaWiki trims trailing whitespace)."""
    return old.rstrip() == new.rstrip()


def publish_report(gateway: Wiki, store: Store, config: Config, title: str, text: str,
                   *, dry_run: bool = False) -> WriteOutcome:
    """Create the page, or replace its text when the report differs, through ``PageWriter``.

    The writer does the safety work (fresh read, shutoff page, nobots, conflicts, journal);
    an unchanged report makes no edit at all. Returns the writer's outcome.
    """
    report = text.rstrip() + "\n"
    run_id = store.start_run("audit-publish")
    writer = PageWriter(gateway, store, config, run_id, dry_run)
    status = "failed"
    try:
        if gateway.read_page(title).missing:
            outcome = writer.create(title, report, [RULE], SUMMARY)
        else:
            outcome = writer.write(title, lambda old: None if same_report(old, report)
                                   else report, [RULE], SUMMARY)
        status = outcome.status
        return outcome
    finally:
        store.finish_run(run_id, status, {"title": title, "status": status})
