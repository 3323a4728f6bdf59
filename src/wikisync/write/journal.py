"""The journal equals the wiki: an edit is journalled before its request, settled after.

The writer journals each edit's intent (page, base revision, the sha1 of the UTF-8 text
sent, the summary with its ``[run N]``, rules, step) as ``pending`` BEFORE the request
leaves, then settles it from the answer: ``saved`` with the new revid, or ``not-saved``
when the wiki refused it (conflict, filter, protection, read-only, blocked, no change).
When no answer came (connection lost after the POST reached the wiki, process killed),
the entry stays ``pending`` and ``reconcile`` settles it from the wiki at the next command
that connects to the wiki with the store (``sync.wiki.ensure_gateway_wiki``, every
``WriteSession``, ``history``):

* ONE list query for all pending entries: the bot's contributions (``list=usercontribs``,
  oldest first) since the oldest pending entry, less ``CLOCK_MARGIN`` for the two clocks;
* an entry is found when a contribution has its exact summary (which holds the run
  number: the reliable key) on top of its base revision (``parentid``; a creation has
  parent 0 and the entry's title): settled ``saved`` with that revid, else ``not-saved``.

The text's sha1 is recorded, not compared: MediaWiki normalises the saved text (NFC,
trailing whitespace), so the wiki's revision sha1 may differ from the text sent. No
pending entry: no request at all.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from wikisync.api.http import Params
from wikisync.api.reads import iter_list
from wikisync.store import (
    JOURNAL_NOT_SAVED,
    JOURNAL_PENDING,
    JOURNAL_SAVED,
    JournalEntry,
    Store,
    content_hash,
)

log = logging.getLogger("wikisync.write")

CLOCK_MARGIN = timedelta(hours=1)  # the bot's clock may be this far ahead of the wiki's


class Contributions(Protocol):
    """What reconciling needs from the gateway: the logged-in user and a raw API call."""

    @property
    def user(self) -> str | None: ...

    def call(self, params: Params, kind: str = "read", post: bool = False) -> dict[str, Any]: ...


@dataclass
class Reconciled:
    """What one reconciliation settled: entries found on the wiki, and those not."""

    saved: list[JournalEntry] = field(default_factory=list)
    not_saved: list[JournalEntry] = field(default_factory=list)
    unknown: list[JournalEntry] = field(default_factory=list)  # no user to look up

    @property
    def count(self) -> int:
        """How many pending entries were settled."""
        return len(self.saved) + len(self.not_saved)


def intend(store: Store, entry: JournalEntry, text: str) -> int:
    """Journal an edit about to be sent (``pending``, with the text's sha1); its row id."""
    return store.add_journal(JournalEntry(
        entry.title, entry.old_revid, None, entry.summary, entry.diff, entry.rules,
        entry.run_id, kind="edit", status=JOURNAL_PENDING, sha1=content_hash(text),
        step=entry.step))


def settle(store: Store, entry_id: int, revid: int | None) -> None:
    """Settle an intent from the wiki's answer: ``saved`` with ``revid``, else ``not-saved``."""
    status = JOURNAL_SAVED if revid is not None else JOURNAL_NOT_SAVED
    store.settle_journal(entry_id, status, revid)


def reconcile(gateway: Contributions, store: Store) -> Reconciled:
    """Settle every ``pending`` entry from the bot's contributions (see the module doc)."""
    done = Reconciled()
    if not store.has_pending():
        return done
    pending = store.journal(status=JOURNAL_PENDING)
    user = gateway.user
    if not user:
        log.warning("journal: %d edits sent without an answer; log in to settle them",
                    len(pending))
        done.unknown = pending
        return done
    contribs = list(_contributions(gateway, user, _start(pending)))
    for entry in pending:
        revid = _landed(entry, contribs)
        settled = store.settle_journal(entry.id, JOURNAL_SAVED if revid else JOURNAL_NOT_SAVED,
                                       revid, only_pending=True)
        if settled:
            (done.saved if revid else done.not_saved).append(entry)
    if done.count:
        log.warning("journal: %d edits sent without an answer settled from the wiki: "
                    "%d saved, %d not saved", done.count, len(done.saved), len(done.not_saved))
    return done


def _start(pending: Iterable[JournalEntry]) -> str:
    """The wiki time to list contributions from: the oldest intent, less the clock margin."""
    oldest = min(datetime.fromisoformat(e.time.replace("Z", "+00:00")) for e in pending)
    return (oldest.astimezone(UTC) - CLOCK_MARGIN).strftime("%Y-%m-%dT%H:%M:%SZ")


def _contributions(gateway: Contributions, user: str, start: str) -> Iterable[dict[str, Any]]:
    """The user's contributions since ``start``, oldest first (every page, continued)."""
    params: dict[str, str | int] = {"list": "usercontribs", "ucuser": user, "ucdir": "newer",
                                    "ucstart": start, "ucprop": "ids|title|comment",
                                    "uclimit": "max"}
    return iter_list(gateway.call, params, "usercontribs")


def _landed(entry: JournalEntry, contribs: list[dict[str, Any]]) -> int | None:
    """The revid of the contribution that is this intent's edit, or None."""
    parent = entry.old_revid or 0
    summary = entry.summary.strip()
    for contrib in contribs:
        if (int(contrib.get("parentid") or 0) == parent
                and (contrib.get("comment") or "").strip() == summary
                and (parent or contrib.get("title") == entry.title)):
            return int(contrib["revid"])
    return None
