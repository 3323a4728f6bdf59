"""The write steps of a cycle, in the one order wikisync runs them: sync, then the lists.

``SyncSteps`` is what ``wikisync sync`` runs and what ``wikisync run`` runs between its
pull and its exports:

1. **sync** (``sync.run.SyncRun``): the write rules (map links, dataset, geocoding) on the
   pages in scope;
2. **lists** (``generate.run.generate_blocks``): the generated lists ({{Liste pôles ESS}}
   blocks) whose text would change, unless ``lists`` is off (``sync --rule``);
3. **map page** (``generate.run.publish_map_page``), when ``map_page`` names one
   (``run --map-page``): the map block of that page.

Both steps write in ONE ``WriteSession`` (kind ``sync``): one run id in every summary, one
budget (``max_edits``), one shutoff, one journal, one tally. Sync comes first: the fiches
are the wiki's facts, so they get the edit budget before the lists derived from the store;
a stopped session still reports every list page as not tried. This module is the only
place where the order is decided (``sync`` does not import ``generate``). Given ``run_id``
(a ``wikisync run`` cycle's), the session is a step of that run: every edit carries its
``[run N]``; the journal names each edit's step (``STEPS``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from wikisync.api import Gateway
from wikisync.config import Config
from wikisync.errors import EXIT_DIFFERENCES, EXIT_OK
from wikisync.generate.mapblock import check_extension
from wikisync.generate.run import GenerateResult, generate_blocks, publish_map_page
from wikisync.store import Store
from wikisync.sync.geocode import Lookup
from wikisync.sync.pull import PullProgress
from wikisync.sync.run import SyncOptions, SyncResult, SyncRun
from wikisync.write import PageWriter, Report
from wikisync.write.progress import OnWait

STEP_SYNC, STEP_LISTS, STEP_MAP = "sync", "lists", "map-page"  # journal steps of a session
STEPS = (STEP_SYNC, STEP_LISTS, STEP_MAP)


class SyncSteps:
    """Sync then the lists, in one write session (see the module doc)."""

    def __init__(self, gateway: Gateway, store: Store, config: Config, options: SyncOptions,
                 *, lists: bool = True, max_edits: int | None = None,
                 out: Report | None = None, progress: PullProgress | None = None,
                 geocoder: Lookup | None = None, on_wait: OnWait | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 run_id: int | None = None, map_page: str | None = None,
                 lists_everywhere: bool = False) -> None:
        self.runner = SyncRun(gateway, store, config, options, out=out, progress=progress,
                              geocoder=geocoder, sleep=sleep, on_wait=on_wait)
        self.runner.max_edits = max_edits
        self.with_lists = lists
        self.run_id = run_id  # the cycle's run this session is a step of (None: its own)
        self.map_page = map_page
        self.lists_everywhere = lists_everywhere  # lists of every stored page, not the scope's
        self.lists: GenerateResult | None = None  # None: the lists step did not run

    @property
    def result(self) -> SyncResult:
        """The sync's result (filled as the steps go, also when one fails)."""
        return self.runner.result

    def run(self) -> SyncResult:
        """Pull (unless the options say not to), sync, then the lists; log the session."""
        runner = self.runner
        if self.map_page:  # a wiki without the map extension: nothing written at all
            check_extension(runner.config, runner.gateway.extensions(), self.map_page)
        runner.begin()
        session = runner.session()
        if self.run_id is not None:
            session.join(self.run_id)
        with session:
            session.writer.step = STEP_SYNC
            runner.apply(session.writer)
            if self.with_lists:
                session.writer.step = STEP_LISTS
                self._lists(session.writer)
            if self.map_page:
                session.writer.step = STEP_MAP
                self._map_page(session.writer, self.map_page)
        return runner.result

    def _lists(self, writer: PageWriter) -> None:
        """Refill the generated lists that need it, with the sync's writer."""
        runner = self.runner
        in_scope = None if self.lists_everywhere else runner.options.in_scope
        try:
            self.lists = generate_blocks(writer, runner.store, runner.config, in_scope=in_scope)
        finally:
            runner.settle(writer)
        runner.result.lists = True
        note_lists(self.lists, runner.result)

    def _map_page(self, writer: PageWriter, title: str) -> None:
        """Write the map page's block with the sync's writer (after the lists)."""
        runner = self.runner
        self.lists = self.lists or GenerateResult()
        try:
            publish_map_page(writer, runner.store, runner.config, title,
                             runner.gateway.extensions(), result=self.lists)
        finally:
            runner.settle(writer)
        note_lists(self.lists, runner.result)


def note_lists(lists: GenerateResult, result: SyncResult) -> None:
    """The lists' verdict in the sync's result: their refused pages join the pages left
    undone (where known ones are told apart), their own exit covers the lists' errors."""
    result.lists_refused = list(lists.refused)
    result.lists_exit = EXIT_DIFFERENCES if lists.errors or lists.misplaced else EXIT_OK


def sync_and_lists(gateway: Gateway, store: Store, config: Config, options: SyncOptions,
                   **kwargs: Any) -> SyncResult:
    """Run ``SyncSteps`` (see it for the keyword arguments) and return the sync's result."""
    return SyncSteps(gateway, store, config, options, **kwargs).run()
