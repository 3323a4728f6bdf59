"""``revert N``: undo run N's edits through the write unit, as a run of its own (kind revert).

The journal says which pages run N edited (old and new revision ids); the wiki gives the
texts of those revisions and each page now. Per page (``undo`` says how):

* ``restored``: nobody edited since: the text before the run, exactly (checked byte for
  byte against the saved revision);
* ``params-reverted``: edited since: only the bot's own changes the later edits did not
  touch are undone; the others are reported (``reasons``);
* ``left``: nothing could be undone (every change touched since, nobots, shutoff…);
* ``created-report``: the run created the page: never deleted or blanked, reported with
  its address so an admin can delete it;
* ``nothing``: already as before the run (reverted before, or deleted).

Every save goes through a ``WriteSession`` (fresh read, nobots, shutoff, throttle, budget,
conflicts, journal); the run log's counts name the run reverted (``reverted_run``), so a
second revert says which run already did it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from wikisync.api.model import PageRevision, SiteInfo
from wikisync.config import Config
from wikisync.errors import EXIT_DIFFERENCES, EXIT_OK, UsageError
from wikisync.i18n import for_wiki
from wikisync.revert.undo import RULE, Undoer, Undone
from wikisync.store import JournalEntry, Store
from wikisync.store.runs import RunKind
from wikisync.write import META_REDIRECTS, Report, Status, Wiki, WriteOutcome, WriteSession
from wikisync.write.progress import OnWait

RESTORED, PARAMS, LEFT = "restored", "params-reverted", "left"
CREATED, NOTHING = "created-report", "nothing"


class RevertWiki(Wiki, Protocol):
    """What a revert needs from the gateway: the writer's reads and edits, revision texts."""

    def revision_texts(self, revids: Iterable[int]) -> dict[int, str | None]: ...
    def site_info(self, refresh: bool = False) -> SiteInfo: ...


@dataclass
class PageRevert:
    """What the revert did (or would do) to one page, with the revisions involved."""

    title: str
    action: str
    reasons: list[str] = field(default_factory=list)  # what was left, and why (exit 1)
    undone: list[str] = field(default_factory=list)
    note: str = ""
    before_revid: int | None = None
    bot_revid: int | None = None
    current_revid: int | None = None
    new_revid: int | None = None
    url: str = ""
    diff: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``--json``), without the diff."""
        data = asdict(self)
        data.pop("diff")
        return data


@dataclass
class RevertResult:
    """A whole revert: the run reverted, this revert's own run, each page."""

    run_id: int
    revert_run: int
    dry_run: bool
    pages: list[PageRevert]
    earlier: list[int] = field(default_factory=list)  # revert runs of run_id before this one

    @property
    def edits(self) -> int:
        """Pages saved (or that would be in a dry run)."""
        return sum(1 for p in self.pages if p.action in (RESTORED, PARAMS))

    @property
    def exit_code(self) -> int:
        """0 everything reverted or nothing left; 1 something left (or a page to delete)."""
        attention = any(p.reasons or p.action in (LEFT, CREATED) for p in self.pages)
        return EXIT_DIFFERENCES if attention else EXIT_OK

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the whole revert."""
        return {"run": self.run_id, "revert_run": self.revert_run, "dry_run": self.dry_run,
                "edits": self.edits, "earlier_reverts": self.earlier,
                "actions": dict(Counter(p.action for p in self.pages)),
                "exit_code": self.exit_code, "pages": [p.to_dict() for p in self.pages]}


def run_edits(store: Store, run_id: int,
              titles: Iterable[str] = ()) -> dict[str, list[JournalEntry]]:
    """Run ``run_id``'s saved edits by page, in order; unknown run or page is a usage error."""
    if not any(run.id == run_id for run in store.runs(limit=1_000_000)):
        raise UsageError(f"no run {run_id} in the store (see `wikisync history`)")
    pages: dict[str, list[JournalEntry]] = {}
    for entry in store.journal(run_id=run_id, kind="edit"):
        if entry.new_revid:
            pages.setdefault(entry.title, []).append(entry)
    wanted = list(dict.fromkeys(titles))
    missing = [title for title in wanted if title not in pages]
    if missing:
        raise UsageError(f"run {run_id} did not edit {missing[0]!r} (see `wikisync history "
                         f"--run {run_id}`)")
    return {title: pages[title] for title in wanted} if wanted else pages


def earlier_reverts(store: Store, run_id: int) -> list[int]:
    """The revert runs (not dry runs) that reverted ``run_id`` already, oldest first."""
    runs = store.runs(kind=RunKind.REVERT, limit=1_000_000)
    return sorted(run.id for run in runs if run.counts.get("reverted_run") == run_id
                  and not run.counts.get("dry_run"))


def revert(gateway: RevertWiki, store: Store, config: Config, run_id: int, *,
           titles: Iterable[str] = (), dry_run: bool = False,
           out: Report | None = None, on_wait: OnWait | None = None) -> RevertResult:
    """Undo run ``run_id``'s edits (see the module doc); a run of kind ``revert`` itself."""
    pages = run_edits(store, run_id, titles)
    earlier = earlier_reverts(store, run_id)
    now = {page.title: page for page in gateway.read_titles(list(pages))} if pages else {}
    revids = [r for entries in pages.values() for e in entries
              for r in (e.old_revid, e.new_revid) if r]
    texts = gateway.revision_texts(revids) if revids else {}
    site = gateway.site_info()
    words = for_wiki(config.wiki.language, config.schema.types, store, site.lang)
    summary = words("summary.revert", run=run_id)  # the writer adds the prefix and [run M]
    reverter = PageReverter(Undoer(config.schema, store.get_json(META_REDIRECTS, {})), texts,
                            site, gateway, run_id)
    with WriteSession(gateway, store, config, RunKind.REVERT, dry_run=dry_run,
                      out=out, on_wait=on_wait) as session:
        session.details["reverted_run"] = run_id
        session.writer.expect(sum(reverter.edits(entries, now.get(title))
                                  for title, entries in pages.items()))
        done = [reverter.page(session, title, entries, now.get(title), summary, earlier)
                for title, entries in pages.items()]
        session.details["actions"] = dict(Counter(p.action for p in done))
    return RevertResult(run_id, session.run_id, dry_run, done, earlier)


class PageReverter:
    """Reverts the pages of one run, one at a time, through a session's writer."""

    def __init__(self, undoer: Undoer, texts: dict[int, str | None], site: SiteInfo,
                 gateway: RevertWiki, run_id: int) -> None:
        self.undoer = undoer
        self.texts = texts
        self.site = site
        self.gateway = gateway
        self.run_id = run_id

    def page(self, session: WriteSession, title: str, entries: list[JournalEntry],
             now: PageRevision | None, summary: str, earlier: list[int]) -> PageRevert:
        """Revert one page (or report it) and say what happened."""
        result = PageRevert(title, NOTHING, before_revid=entries[0].old_revid,
                            bot_revid=entries[-1].new_revid,
                            current_revid=now.revid if now else None)
        if now is None or now.missing or now.content is None:
            result.note = "the page no longer exists"
            return result
        if any(entry.old_revid is None for entry in entries):
            return self._created(result)
        if any(self.texts.get(r or 0) is None for e in entries
               for r in (e.old_revid, e.new_revid)):
            return _left(result, "a revision's text is hidden or deleted: revert by hand")
        planned = self.plan(entries, now.content)
        if planned.text == now.content:
            return self._unchanged(result, planned, earlier)
        holder: list[Undone] = []
        outcome = session.writer.write(title, lambda text: _keep(holder, self.plan(entries,
                                                                                   text)),
                                       (RULE,), summary)
        return self._outcome(result, outcome, holder[-1] if holder else planned)

    def edits(self, entries: list[JournalEntry], now: PageRevision | None) -> bool:
        """Whether reverting the page would save an edit (the progress line's total)."""
        if now is None or now.missing or now.content is None:
            return False
        if any(e.old_revid is None or self.texts.get(e.old_revid) is None
               or self.texts.get(e.new_revid or 0) is None for e in entries):
            return False  # created by the run, or a revision hidden: reported, not edited
        return self.plan(entries, now.content).text != now.content

    def plan(self, entries: list[JournalEntry], text: str) -> Undone:
        """The page's text with the run's edits undone, newest first (see ``undo``)."""
        last = self.texts[entries[-1].new_revid or 0]
        if text == last:
            return Undone(self.texts[entries[0].old_revid or 0] or "", ("text",))
        undone: tuple[str, ...] = ()
        left: tuple[Any, ...] = ()
        for entry in reversed(entries):
            step = self.undoer.undo(self.texts[entry.old_revid or 0] or "",
                                    self.texts[entry.new_revid or 0] or "", text, entry.title)
            text, undone, left = step.text, undone + step.undone, left + step.left
        return Undone(text, undone, left)

    def _created(self, result: PageRevert) -> PageRevert:
        """A page the run created: reported with its address, never deleted or blanked."""
        result.action = CREATED
        result.url = self.site.page_url(result.title)
        result.note = f"created by run {self.run_id}: {result.url}"
        return result

    def _unchanged(self, result: PageRevert, planned: Undone,
                   earlier: list[int]) -> PageRevert:
        """No edit to make: already as before the run, or every change left."""
        result.reasons = [str(left) for left in planned.left]
        if result.reasons:
            result.action = LEFT
        elif earlier:
            result.note = f"already reverted by run {earlier[-1]}"
        else:
            result.note = "already as before the run"
        return result

    def _outcome(self, result: PageRevert, outcome: WriteOutcome, planned: Undone) -> PageRevert:
        """The page's result from the writer's outcome (a save is checked byte for byte)."""
        result.reasons = [str(left) for left in planned.left]
        if outcome.status in (Status.SKIPPED, Status.STOPPED):
            detail = f": {outcome.detail}" if outcome.detail else ""
            return _left(result, f"{outcome.reason or outcome.status}{detail}")
        if outcome.status == Status.UNCHANGED:
            return self._unchanged(result, planned, [])
        result.action = RESTORED if planned.undone == ("text",) else PARAMS
        result.undone = list(planned.undone)
        result.diff = outcome.diff
        result.new_revid = outcome.new_revid
        if outcome.new_revid:
            saved = self.gateway.revision_texts([outcome.new_revid]).get(outcome.new_revid)
            if saved != planned.text:
                result.reasons.append(f"r{outcome.new_revid} differs from the text wanted")
        return result


def _keep(holder: list[Undone], planned: Undone) -> str:
    """Remember the last plan the writer ran (its text is what it saves)."""
    holder.append(planned)
    return planned.text


def _left(result: PageRevert, reason: str) -> PageRevert:
    """The page stays as it is, for this reason."""
    result.action = LEFT
    result.reasons.append(reason)
    return result
