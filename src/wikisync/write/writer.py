"""The one way wikisync writes pages: ``PageWriter``, safe by construction.

Every bot write (sync's parameter changes, generated lists, new fiches, audit pages,
template installation) goes through ``PageWriter.write`` or ``PageWriter.create``, inside
a ``WriteSession`` (``write.session``) that logs the run. The writer is safe whatever its
caller does:

* **fresh read**: the page is read just before writing (``prefetch`` reads many pages in
  one batch first; each cached revision is used once) and ``transform`` computes the new
  text from that fresh text. Never from a stored copy.
* **refusal**: a page whose fresh text has unsafe problems (broken template, two infoboxes,
  unclosed comment) or excludes the bot (``{{nobots}}``, ``{{bots|deny=…}}``) is skipped;
  so are missing pages (never recreated) and redirects.
* **conflicts**: the edit carries the read's ``baserevid``/``starttimestamp``; on an edit
  conflict the page is read again, ``transform`` runs again on the human's text and the
  edit is retried once, else skipped. A human's text is never overwritten. A caller that
  passes ``rebase`` gets the base text the first plan was made on, so it can keep a
  value a person wrote meanwhile into a parameter it was about to write (``Kept``).
* **run control**: before the first write the wiki is asked whether it is read-only
  (``ReadOnly`` raised, no edit); the shutoff page is read before the first write and again
  at least every ``SHUTOFF_EVERY`` writes (fail closed: unreadable or not the run word =
  stop; ``write.shutoff``); ``edit_interval`` seconds between writes; ``max_edits`` writes
  at most. Read-only wiki or blocked account raise ``StopRun`` at once.
* **journal**: each edit is journalled (page, base revid, summary, diff, rules, run id,
  step, the text's sha1) as ``pending`` BEFORE its request is sent, then settled from the
  answer (``saved`` with the new revid, or ``not-saved``); an entry left pending (no
  answer: connection lost, process killed) is settled from the wiki's history later
  (``write.journal``). So is each change kept back after a conflict (kind ``skip``,
  reason ``changed-by-person``). The save is confirmed by the revision id the wiki
  returns (MediaWiki normalises saved text, so strings are never compared).
* **summary**: every summary starts with ``[safety] summary_prefix`` (``wikisync:``) and
  ends with the run's ``[run N]``.
* **dry run**: everything above except the save; the outcome carries the unified diff.

Outcomes are data (``WriteOutcome``, typed ``Status`` and ``Reason``), counted in one
``Tally``; only ``StopRun`` and unrecoverable wiki errors (unreachable after retries,
authentication) raise.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from wikisync.api.model import PageRevision
from wikisync.config import Config
from wikisync.errors import EditConflict, EditRefused, ReadOnly, StopRun, UnsafeEdit
from wikisync.model import Change
from wikisync.parse.diff import unified_diff
from wikisync.parse.page import PageReader
from wikisync.store import JOURNAL_KEPT, JournalEntry, Store
from wikisync.write.journal import intend, settle
from wikisync.write.outcomes import Reason, Status, Stop, Tally, reason_of, stop_of
from wikisync.write.progress import EditWait, OnWait
from wikisync.write.shutoff import read_shutoff

log = logging.getLogger("wikisync.write")

DEFAULT_PREFIX = re.compile(r"^wikisync\s*:\s*")  # a summary's own one: the configured one

SHUTOFF_EVERY = 10  # re-read the shutoff page at least every this many writes
META_REDIRECTS = "template_redirects"  # where pull keeps the template redirects

CHANGED_BY_PERSON = Reason.CHANGED_BY_PERSON  # a person changed the parameter during the run
DEPENDS_ON_KEPT = Reason.DEPENDS_ON_KEPT  # computed from a kept-back change (a link from its point)


@dataclass(frozen=True)
class Kept:
    """A planned change dropped for this run after a conflict, and why.

    ``change.old`` is the value the page now has (a person's), ``change.new`` what the bot
    wanted to write.
    """

    change: Change
    reason: Reason = CHANGED_BY_PERSON


@dataclass(frozen=True)
class Rewrite:
    """A transform's richer answer: the new text, and the rules/summary it now deserves.

    A plain ``str`` from a transform keeps the rules and summary given to ``write``; a
    ``Rewrite`` replaces them (a re-plan after a conflict may have fewer changes left).
    ``kept``: changes left out because a person changed their parameter meanwhile.
    """

    text: str
    rules: tuple[str, ...] | None = None
    summary: str | None = None
    kept: tuple[Kept, ...] = ()


Transform = Callable[[str], str | Rewrite | None]
Rebase = Callable[[str], Transform]  # base text -> the transform to run after a conflict


@dataclass(frozen=True)
class WriteOutcome:
    """What happened to one page.

    ``status``: ``edited``/``created`` (saved, ``new_revid`` set), ``unchanged`` (nothing to
    do), ``dry-run`` (would be saved; ``diff`` set), ``skipped`` (refused for ``reason``:
    unsafe, nobots, conflict, missing, redirect, exists, protected, filter, refused) or
    ``stopped`` (not tried: ``reason`` shutoff, max-edits, readonly, blocked…). ``kept``:
    changes left out after a conflict, a person's value standing (journalled as skips).
    """

    title: str
    status: Status
    reason: Reason = Reason.NONE
    detail: str = ""
    old_revid: int | None = None
    new_revid: int | None = None
    diff: str = ""
    rules: tuple[str, ...] = ()
    summary: str = ""
    kept: tuple[Kept, ...] = ()

    @property
    def written(self) -> bool:
        """True when the wiki got a new revision from us."""
        return self.status in (Status.EDITED, Status.CREATED)

    @property
    def failed(self) -> bool:
        """True when the page was left undone for a reason other than "nothing to do"."""
        return self.status in (Status.SKIPPED, Status.STOPPED)


class Wiki(Protocol):
    """What the writer needs from ``wikisync.api.Gateway``."""

    def read_titles(self, titles: Iterable[str]) -> list[PageRevision]: ...
    def read_page(self, title: str) -> PageRevision: ...
    def site_info(self, refresh: bool = False) -> Any: ...
    def edit(self, title: str, text: str, base: PageRevision | None, summary: str,
             minor: bool = True, create_only: bool = False) -> Any: ...


Report = Callable[[WriteOutcome], None]


class PageWriter:
    """Writes pages for one run: fresh read, safety checks, conflicts, throttle, journal.

    ``out`` (optional) is called with every outcome as it happens (the CLI prints diffs
    and progress from it). ``sleep``/``clock`` replace the throttle's waits in tests.
    """

    def __init__(self, gateway: Wiki, store: Store, config: Config, run_id: int,
                 dry_run: bool = False, out: Report | None = None, *,
                 max_edits: int | None = None, minor: bool = True,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic,
                 on_wait: OnWait | None = None) -> None:
        self.gateway = gateway
        self.store = store
        self.config = config
        self.run_id = run_id
        self.dry_run = dry_run
        self.out = out or (lambda outcome: None)
        self.max_edits = max_edits if max_edits is not None else config.safety.max_edits
        self.minor = minor
        self.sleep = sleep
        self.clock = clock
        self.on_wait = on_wait or (lambda wait: None)
        self.expected: int | None = None  # saves the callers expect (``expect``)
        self.reader = PageReader(config.schema, store.get_json(META_REDIRECTS, {}))
        self.stats = Tally()
        self.outcomes: list[WriteOutcome] = []
        self.stop: Stop | None = None  # why no more writes happen (shutoff, max-edits, …)
        self.writes = 0  # saved edits and creations (or would-be ones in a dry run)
        self._writable = dry_run  # the wiki said it is not read-only (asked once)
        self._since_shutoff: int | None = None  # writes since the last shutoff read
        self._last_write: float | None = None
        self._fresh: dict[str, PageRevision] = {}
        self.step = ""  # the step of the run writing now (journalled: sync, lists, …)

    # --- public API ------------------------------------------------------------------

    @property
    def stopped(self) -> str | None:
        """Why no more writes happen, as one line (``shutoff: …``), or None."""
        return str(self.stop) if self.stop else None

    def expect(self, edits: int) -> None:
        """Add ``edits`` to the saves this run expects (the progress line's total)."""
        self.expected = (self.expected or 0) + edits

    def may_write(self) -> bool:
        """Whether a write may happen now (read-only, shutoff and budget checked as needed)."""
        return self._stop_reason() is None

    def prefetch(self, titles: Iterable[str]) -> None:
        """Read these pages now, in as few requests as possible, for the next ``write`` calls."""
        for page in self.gateway.read_titles(list(dict.fromkeys(titles))):
            self._fresh[page.title] = page

    def write(self, title: str, transform: Transform, rules: Iterable[str],
              summary: str, rebase: Rebase | None = None) -> WriteOutcome:
        """Edit an existing page with ``transform(fresh_text)``; None or the same text = nothing.

        ``summary`` gets `` [run N]`` appended. Minor edit, bot flag when the account has it.
        After a conflict, ``rebase(base_text)`` (when given) is the transform run on the
        page's new text, so the caller can compare what changed since its plan.
        """
        rules = tuple(rules)
        stop = self._stop_reason()
        if stop:
            return self._done(WriteOutcome(title, Status.STOPPED, stop, rules=rules))
        page = self._fresh.pop(title, None) or self.gateway.read_page(title)
        try:
            outcome = self._attempt(page, transform, rules, summary, rebase)
        except StopRun as exc:
            self.stop = stop_of(exc)
            raise
        self._journal_kept(outcome)
        return self._done(outcome)

    def create(self, title: str, text: str, rules: Iterable[str], summary: str) -> WriteOutcome:
        """Create a page that must not exist yet (createonly); an existing page is skipped."""
        rules = tuple(rules)
        stop = self._stop_reason()
        if stop:
            return self._done(WriteOutcome(title, Status.STOPPED, stop, rules=rules))
        full = self.summary(summary)
        diff = unified_diff("", text, title)
        if self.dry_run:
            page = self._fresh.pop(title, None) or self.gateway.read_page(title)
            if not page.missing:
                return self._done(WriteOutcome(title, Status.SKIPPED, Reason.EXISTS,
                                               "the page exists", old_revid=page.revid,
                                               rules=rules))
            self.writes += 1
            return self._done(WriteOutcome(title, Status.DRY_RUN, diff=diff, rules=rules,
                                           summary=full))
        self._throttle()
        intent = self._intend(title, None, text, full, diff, rules)
        try:
            revid = self._send(intent, lambda: self.gateway.edit(title, text, None, full,
                                                                 minor=False, create_only=True))
        except StopRun as exc:
            self.stop = stop_of(exc)
            raise
        except EditRefused as exc:
            return self._done(WriteOutcome(title, Status.SKIPPED, reason_of(exc), exc.message,
                                           rules=rules))
        return self._done(self._saved(intent, title, None, revid, diff, rules, full,
                                      Status.CREATED))

    def summary(self, summary: str) -> str:
        """The edit summary: the prefix, then the text, then this run's ``[run N]``.

        So every edit of a run can be found (and reverted) by its prefix and run number.
        """
        prefix = self.config.safety.summary_prefix.strip()
        text = summary.strip()
        if prefix and not text.startswith(prefix):
            text = DEFAULT_PREFIX.sub("", text)  # ``wikisync:``/``wikisync :`` becomes prefix
            text = f"{prefix} {text}".strip()
        tag = f"[run {self.run_id}]"
        return text if tag in text else f"{text} {tag}".strip()


    # --- one page ----------------------------------------------------------------------

    def _attempt(self, page: PageRevision, transform: Transform, rules: tuple[str, ...],
                 summary: str, rebase: Rebase | None, retry: bool = True) -> WriteOutcome:
        """Plan on ``page``'s text and save; on a conflict read again and retry once."""
        title = page.title
        refusal = self._refusal(page)
        if refusal is not None:
            return WriteOutcome(title, Status.SKIPPED, refusal[0], refusal[1], page.revid,
                                rules=rules)
        assert page.content is not None
        try:
            planned = _plan(transform, page.content, rules, summary)
        except UnsafeEdit as exc:
            return WriteOutcome(title, Status.SKIPPED, Reason.UNSAFE, exc.message, page.revid,
                                rules=rules)
        if planned is None:
            return WriteOutcome(title, Status.UNCHANGED, old_revid=page.revid, rules=rules)
        if planned.text == page.content:
            return WriteOutcome(title, Status.UNCHANGED, old_revid=page.revid, rules=rules,
                                kept=planned.kept)
        text = planned.text
        rules = planned.rules if planned.rules is not None else rules
        summary = planned.summary if planned.summary is not None else summary
        full = self.summary(summary)
        diff = unified_diff(page.content, text, title)
        if self.dry_run:
            self.writes += 1
            return WriteOutcome(title, Status.DRY_RUN, old_revid=page.revid, diff=diff,
                                rules=rules, summary=full)
        self._throttle()
        intent = self._intend(title, page.revid, text, full, diff, rules)
        try:
            result = self._send(intent, lambda: self.gateway.edit(title, text, page, full,
                                                                  minor=self.minor))
        except EditConflict as exc:
            self.stats.conflicts += 1
            if not retry:
                return WriteOutcome(title, Status.SKIPPED, Reason.CONFLICT, exc.message,
                                    page.revid, rules=rules)
            log.info("%s: edit conflict, reading it again", title)
            again = self.gateway.read_page(title)
            replan = rebase(page.content) if rebase is not None else transform
            return self._attempt(again, replan, rules, summary, None, retry=False)
        except EditRefused as exc:
            return WriteOutcome(title, Status.SKIPPED, reason_of(exc), exc.message, page.revid,
                                rules=rules)
        if not isinstance(result, int):
            settle(self.store, intent, None)
            return WriteOutcome(title, Status.UNCHANGED, Reason.NONE, "the wiki saw no change",
                                page.revid, rules=rules, kept=planned.kept)
        saved = self._saved(intent, title, page.revid, result, diff, rules, full, Status.EDITED)
        return replace(saved, kept=planned.kept)

    def _refusal(self, page: PageRevision) -> tuple[Reason, str] | None:
        """Why this fresh revision must not be edited (reason, detail), or None."""
        if page.missing or page.content is None:
            return (Reason.MISSING, "the page does not exist (never recreated)")
        if page.redirect_target:
            return (Reason.REDIRECT, f"the page is a redirect to {page.redirect_target}")
        problems = self.reader.read(page.content, page.title).unsafe_problems()
        if not problems:
            return None
        codes = [p.code for p in problems]
        detail = ", ".join(f"{p.code} ({p.detail})" if p.detail else p.code for p in problems)
        return (Reason.NOBOTS if "nobots" in codes else Reason.UNSAFE, detail)

    def _intend(self, title: str, old: int | None, text: str, summary: str, diff: str,
                rules: tuple[str, ...]) -> int:
        """Journal the edit about to be sent (``pending``); its journal row id."""
        entry = JournalEntry(title, old, None, summary, diff, rules, self.run_id,
                             step=self.step)
        return intend(self.store, entry, text)

    def _send(self, intent: int, send: Callable[[], Any]) -> Any:
        """Send the edit journalled as ``intent``; a refusal settles it ``not-saved``.

        Any other failure (no answer) leaves it pending, for ``write.journal.reconcile``.
        """
        try:
            return send()
        except (EditRefused, StopRun):
            settle(self.store, intent, None)
            raise

    def _saved(self, intent: int, title: str, old: int | None, new: int, diff: str,
               rules: tuple[str, ...], summary: str, status: Status) -> WriteOutcome:
        """Settle the journalled intent as saved (before any other write) and count it."""
        settle(self.store, intent, new)
        self.writes += 1
        if self._since_shutoff is not None:
            self._since_shutoff += 1
        return WriteOutcome(title, status, old_revid=old, new_revid=new, diff=diff,
                            rules=rules, summary=summary)

    def _journal_kept(self, outcome: WriteOutcome) -> None:
        """Journal each change kept back after a conflict: what the person wrote stands."""
        for kept in outcome.kept:
            change = kept.change
            detail = {"template": change.template, "instance": change.instance,
                      "param": change.param, "value": change.old, "wanted": change.new}
            self.store.add_journal(JournalEntry(
                outcome.title, outcome.old_revid, None, f"{change.param}: valeur gardée",
                "", (change.rule,), self.run_id, kind="skip", reason=kept.reason,
                detail=detail, status=JOURNAL_KEPT, step=self.step))
        if outcome.kept:
            log.warning("%s: kept a person's value in %s", outcome.title,
                        ", ".join(k.change.param for k in outcome.kept))

    # --- run control -------------------------------------------------------------------

    def _stop_reason(self) -> Reason | None:
        """Why no write may happen now (and from now on), or None."""
        if self.stop:
            return self.stop.reason
        if self.max_edits is not None and self.writes >= self.max_edits:
            self.stop = Stop(Reason.MAX_EDITS, f"{self.max_edits} edits made")
            return self.stop.reason
        if self.dry_run:
            return None
        self._ensure_writable()
        if self._since_shutoff is None or self._since_shutoff >= SHUTOFF_EVERY:
            self._since_shutoff = 0
            self.stop = read_shutoff(self.gateway, self.config.safety)
            if self.stop:
                log.warning("%s: no more edits in this run", self.stop)
                return self.stop.reason
        return None

    def _ensure_writable(self) -> None:
        """Before the first write: raise ``ReadOnly`` (and stop) when the wiki is read-only."""
        if self._writable:
            return
        if self.gateway.site_info(refresh=True).readonly:
            error = ReadOnly("the wiki is read-only: no edit made", "readonly")
            self.stop = stop_of(error)
            raise error
        self._writable = True

    def _throttle(self) -> None:
        """Wait until ``edit_interval`` seconds have passed since the previous write.

        ``on_wait`` hears of every save first, with the wait (0 for the first), so that a
        long run shows when its next edit goes.
        """
        interval = self.config.safety.edit_interval
        wait = 0.0
        if self._last_write is not None and interval > 0:
            wait = max(0.0, interval - (self.clock() - self._last_write))
        self.on_wait(EditWait(self.writes + 1, self.expected, wait))
        if wait > 0:
            self.sleep(wait)
        self._last_write = self.clock()

    def _done(self, outcome: WriteOutcome) -> WriteOutcome:
        """Record, count and report one outcome."""
        self.outcomes.append(outcome)
        self.stats.add(outcome)
        if outcome.status == Status.SKIPPED:
            log.warning("%s: skipped (%s) %s", outcome.title, outcome.reason, outcome.detail)
        self.out(outcome)
        return outcome


def _plan(transform: Transform, text: str, rules: tuple[str, ...],
          summary: str) -> Rewrite | None:
    """Run the transform: its answer as a full ``Rewrite``, or None for nothing to do.

    A ``Rewrite`` with the page's own text is returned when changes were kept back (they
    are reported even though nothing else is left to write).
    """
    result = transform(text)
    if result is None:
        return None
    if not isinstance(result, Rewrite):
        return None if result == text else Rewrite(result, rules, summary)
    if result.text == text and not result.kept:
        return None
    return Rewrite(result.text, result.rules if result.rules is not None else rules,
                   result.summary if result.summary is not None else summary, result.kept)

