"""What ``wikisync watch`` does for the pages people changed: what a ``run`` does, for them only.

``WatchSteps`` is the handler of ``watch.loop.Watcher``. For a batch of settled pages:

1. **pull** (``sync.pull``, incremental): the store takes the changes (deletions, moves and
   template redirects as a pull handles them);
2. **write** (``ops.steps.SyncSteps``, one write session, so one run id in every summary of
   the batch): sync's rules for the batch's pages only (map link, dataset-owned fields),
   then every generated list whose text would change: the lists on the batch's pages
   (an opener added or changed) and the lists elsewhere whose hubs changed;
3. **refresh**: an incremental pull after saved edits, so the bot's own revisions are in
   the store (and in the pull's handled rc ids: they trigger nothing);
4. **outputs**, when the hubs changed: the ``[export]`` map files (replaced atomically, only
   when they changed) and the audit (its report file; its page republished when its text
   changed, in its own ``audit-publish`` run as in ``wikisync run``).

A batch stopped by the shutoff page or the edit budget hands its pages back to the loop
(tried again later; at once when the shutoff page changes); a read-only wiki too.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from wikisync.api import Gateway, connect
from wikisync.audit.publish import publish_report
from wikisync.config import Config
from wikisync.errors import ReadOnly, RetryableWikiError, WikiUnreachable
from wikisync.generate.mapblock import check_extension
from wikisync.ops.outputs import run_audit, write_exports
from wikisync.ops.steps import SyncSteps
from wikisync.store import Store
from wikisync.sync.changes import TEXT_LOGS
from wikisync.sync.pull import OVERLAP, format_time, parse_time, pull
from wikisync.sync.run import SyncOptions, SyncResult
from wikisync.sync.wiki import ensure_gateway_wiki
from wikisync.watch.loop import Handled, Watcher, WatchResult
from wikisync.watch.pacer import Pacer
from wikisync.watch.poll import poll_changes
from wikisync.watch.stop import Stopper
from wikisync.write import Report

log = logging.getLogger("wikisync.ops")


@dataclass(frozen=True)
class WatchOptions:
    """What the command line asks of the watcher besides ``[watch]``."""

    audit_report: str | None = None
    audit_format: str | None = None
    publish: str | None = None
    map_page: str | None = None  # the map page's block, refreshed with the lists

    @property
    def audits(self) -> bool:
        """Whether a change of hubs re-runs the audit."""
        return bool(self.audit_report or self.publish)


class WatchSteps:
    """The watcher's handler (see the module doc)."""

    def __init__(self, gateway: Gateway, store: Store, config: Config, options: WatchOptions,
                 *, out: Report | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.gateway = gateway
        self.store = store
        self.config = config
        self.options = options
        self.out = out
        self.sleep = sleep
        self._published: str | None = None  # the audit text last published by this watcher

    def prepare(self) -> None:
        """Refuse a map page the wiki cannot show; a store never pulled: read it all once."""
        if self.options.map_page:  # exit 2 at start, not at the first batch
            check_extension(self.config, self.gateway.extensions(), self.options.map_page)
        if self.store.checkpoint is None:
            done = pull(self.gateway, self.store, self.config)
            log.info("first pull (full): %d pages stored", done.pages_stored)

    def window(self, since: str | None) -> str:
        """Where the recent changes to look at start: the earlier of the checkpoint and the
        watcher's last poll (``since``), minus the pull's overlap.

        A long batch's refresh pull moves the checkpoint past changes the watcher has not
        polled yet; its own last poll keeps them in the window.
        """
        checkpoint = self.store.checkpoint
        assert checkpoint is not None, "prepare() pulls first"
        earliest = min(parse_time(checkpoint), parse_time(since or checkpoint))
        return format_time(earliest - OVERLAP)

    def handle(self, titles: list[str]) -> Handled:
        """Pull, write what these pages need, refresh, and rewrite the outputs if hubs changed."""
        before = self._hubs()
        pull(self.gateway, self.store, self.config)
        changed = self._hubs() != before
        if not titles:
            return self._outputs(changed, Handled())
        try:
            result = self._write(titles)
        except ReadOnly as exc:
            return self._outputs(changed, Handled(retry=titles, away=exc.message))
        done = Handled(run_id=result.run_id, retry=titles if result.stopped else [],
                       written=[o.new_revid for o in result.outcomes
                                if o.written and o.new_revid])
        if done.written:
            pull(self.gateway, self.store, self.config)
        log.info("run %d: %d edit%s for %d page%s%s", done.run_id, len(done.written),
                 "s" * (len(done.written) != 1), len(titles), "s" * (len(titles) != 1),
                 f" ({result.stopped})" if result.stopped else "")
        return self._outputs(changed or bool(done.written), done)

    def _write(self, titles: list[str]) -> SyncResult:
        """Sync's rules on these pages, then every list that needs it: one write session."""
        options = SyncOptions(titles=tuple(titles), pull=False)
        # every list whose text would change, not only the batch's: only those are written
        # (an unchanged list costs nothing), so these are the batch's openers and the lists
        # whose hubs changed
        return SyncSteps(self.gateway, self.store, self.config, options, out=self.out,
                         sleep=self.sleep, map_page=self.options.map_page,
                         lists_everywhere=True).run()

    def _outputs(self, changed: bool, done: Handled) -> Handled:
        """The map exports and the audit, when the hubs changed."""
        if not changed:
            return done
        for export in write_exports(self.store, self.config):
            if export.changed:
                log.info("export %s: %s rewritten (%d items)", export.key, export.path,
                         export.items)
        if self.options.audits:
            self._audit()
        return done

    def _audit(self) -> None:
        """Write the audit report file; republish its page when its text changed."""
        opts = self.options
        audit = run_audit(self.store, self.config, opts.audit_report, opts.audit_format)
        if opts.publish and audit.wikitext != self._published:
            publish_report(self.gateway, self.store, self.config, opts.publish,
                           audit.wikitext, namespaces=self.gateway.namespaces())
            self._published = audit.wikitext

    def _hubs(self) -> str:
        """A fingerprint of every stored record (the hubs change when it does)."""
        digest = hashlib.sha1(usedforsecurity=False)
        for record in self.store.records():
            digest.update(repr(record).encode())
        return digest.hexdigest()


def watch(gateway: Gateway, store: Store, config: Config, options: WatchOptions,
          stopper: Stopper, *, out: Report | None = None,
          result: WatchResult | None = None) -> WatchResult:
    """Follow the wiki until a stop is asked (the caller holds the run lock); ``result`` is
    filled as it goes (also when a hard interrupt ends it)."""
    steps = WatchSteps(gateway, store, config, options, out=out, sleep=stopper.sleep)
    steps.prepare()
    watcher = Watcher(store, config.watch, lambda start: poll_changes(gateway.call, start),
                      steps, bot_user=gateway.user, page_logs=TEXT_LOGS, stopper=stopper,
                      wake_titles=[config.safety.shutoff_page or ""], result=result)
    log.info("watching %s every %g s (quiet %g s, at most %g s when idle)",
             config.wiki.api, config.watch.interval, config.watch.quiet,
             config.watch.max_interval)
    return watcher.run()




def connect_waiting(config: Config, store: Store, stopper: Stopper) -> Gateway:
    """Connect and log in, waiting out a wiki that is away (bounded backoff, one line each)."""
    pacer = Pacer(config.watch)
    while True:
        try:
            gateway = connect(config.require_wiki(), stopper.sleep)
        except (WikiUnreachable, RetryableWikiError) as exc:
            wait = pacer.failed()
            log.warning("the wiki is away (%s): trying again in %.1f s", exc.message, wait)
            stopper.sleep(wait)
            continue
        return ensure_gateway_wiki(store, gateway)
