"""Generation steps that write through ``PageWriter``: list blocks and the map page.

``generate_blocks`` is the step ``ops.steps`` runs after sync's edits (same writer, so the
same run id, dry run, throttle, shutoff and edit budget): it lists the hubs from
the store, finds the stored pages holding a block (or, with ``[generate] region_blocks``,
region pages without one), keeps those whose text would change, and rewrites each from its
fresh text.
An unchanged list costs no request at all.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from wikisync.config import Config
from wikisync.errors import EXIT_DIFFERENCES, EXIT_OK, UnsafeEdit
from wikisync.generate.lists import BlockRewriter, ListRenderer, updated_line
from wikisync.generate.mapblock import OPEN_WORDS, check_extension, map_blocks, new_page, place_map
from wikisync.generate.mappage import render_map_page
from wikisync.generate.templates import environment
from wikisync.hubs import Hub, build_hubs
from wikisync.i18n import Messages, for_wiki
from wikisync.parse.blocks import marker_pattern
from wikisync.store import Store
from wikisync.write import (
    META_REDIRECTS,
    PageWriter,
    Reason,
    Rewrite,
    Status,
    Tally,
    WriteOutcome,
)

RULE = "generate"
MAP_RULE = "map-page"  # edit summaries: the catalog's summary.list*, summary.map*
COUNTED = (Status.EDITED, Status.CREATED, Status.DRY_RUN, Status.UNCHANGED, Status.SKIPPED,
           Status.STOPPED)  # the run log's counts, in this order


@dataclass
class GenerateResult:
    """What a generation step did: one outcome per page tried, and what editors must fix."""

    outcomes: list[WriteOutcome] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (title, parameter error)
    misplaced: list[tuple[str, str]] = field(default_factory=list)  # (title, where), not filled
    refused: list[tuple[str, str, str]] = field(default_factory=list)  # (title, reason, detail)
    notes: list[str] = field(default_factory=list)
    pages_with_blocks: int = 0

    @property
    def tally(self) -> Tally:
        """The one count of the pages' outcomes (the write unit's, as sync and run use)."""
        return Tally.of(self.outcomes)

    def count(self, status: str) -> int:
        """How many pages ended with this status."""
        return self.tally.count(status)

    @property
    def exit_code(self) -> int:
        """1 when a page was left undone or refused (nobots aside) or a list has wrong
        parameters."""
        refused = [r for r in self.refused if r[1] != Reason.NOBOTS]
        attention = self.tally.undone or refused or self.errors or self.misplaced
        return EXIT_DIFFERENCES if attention else EXIT_OK

    def counts(self) -> dict[str, Any]:
        """The run log's counts."""
        tally = self.tally
        return {"pages_with_blocks": self.pages_with_blocks,
                **{str(s): tally.count(s) for s in COUNTED},
                "errors": len(self.errors), "refused": len(self.refused),
                "notes": len(self.notes), "misplaced": len(self.misplaced)}


class BlockStep:
    """Regenerates the blocks of the pages a writer is allowed to touch."""

    def __init__(self, writer: PageWriter, store: Store, config: Config, *,
                 hubs: Sequence[Hub] | None = None) -> None:
        schema = config.schema
        self.writer = writer
        self.store = store
        if hubs is None:
            hubs = build_hubs(store.records(), schema.types)
        self.m = wiki_messages(config, store)
        renderer = ListRenderer(environment(config.generate.templates, self.m), schema, hubs)
        self.rewriter = BlockRewriter(renderer, store.get_json(META_REDIRECTS, {}),
                                      config.generate.region_blocks, stamp=updated_line(
                                          self.m, datetime.now(UTC).date(), writer.run_id))
        self.region_titles = {r.title for r in store.records(source="region")}
        self.marker = marker_pattern(self.rewriter.opens)
        self.result = GenerateResult()

    def candidates(self, in_scope: Callable[[str], bool]) -> list[str]:
        """Stored pages whose blocks would change (rendering each once: errors show now)."""
        titles = []
        for page in self.store.pages():
            if not in_scope(page.title):
                continue
            has_marker = bool(self.marker.search(page.content))
            if not has_marker and not (self.rewriter.region_blocks
                                       and page.title in self.region_titles):
                continue
            self.result.pages_with_blocks += has_marker
            if self._changes(page.title, page.content):
                titles.append(page.title)
        return titles

    def _changes(self, title: str, text: str) -> bool:
        """Whether the stored text's blocks would change; an unsafe page is noted, not tried."""
        problems = self.rewriter.reader.read(text, title).unsafe_problems()
        try:
            if not problems:
                done = self.rewriter.rewrite(text, title)
                self.result.misplaced += [(title, where) for where in done.misplaced]
                return done.text != text
        except UnsafeEdit as exc:
            self.result.refused.append((title, "unsafe", exc.message))
            return False
        codes = [p.code for p in problems]
        reason = "nobots" if "nobots" in codes else "unsafe"
        self.result.refused.append((title, reason, ", ".join(codes)))
        return False

    def transform(self, title: str) -> Callable[[str], Rewrite | None]:
        """The writer's transform for one page: its blocks regenerated from the fresh text."""

        def run(text: str) -> Rewrite | None:
            """Regenerate the blocks of ``text``; None when the page has none."""
            done = self.rewriter.rewrite(text, title)
            self.result.errors += [(title, error) for error in done.errors]
            self.result.misplaced += [(title, where) for where in done.misplaced]
            if done.blocks == 0 and not done.added:
                self.result.notes.append(f"{title}: no {self.rewriter.schema.list_open_template}"
                                         " on the page")
                return None
            return Rewrite(done.text, summary=self.m("summary.list-added" if done.added
                                                     else "summary.list"))

        return run

    def write(self, titles: Sequence[str]) -> GenerateResult:
        """Rewrite these pages (fresh reads, batched), one outcome each."""
        self.writer.expect(len(titles))  # the progress line's total (some may be unchanged)
        if len(titles) > 1 and self.writer.may_write():  # no read for a stopped writer
            self.writer.prefetch(titles)
        for title in titles:
            outcome = self.writer.write(title, self.transform(title), [RULE],
                                        self.m("summary.list"))
            self.result.outcomes.append(outcome)
        self.result.errors = list(dict.fromkeys(self.result.errors))  # a retry renders again
        self.result.misplaced = list(dict.fromkeys(self.result.misplaced))
        return self.result

    def probe(self) -> None:
        """Render one list now, so that a broken template stops the step before any write."""
        self.rewriter.renderer.body({})


def wiki_messages(config: Config, store: Store) -> Messages:
    """The catalog of the wiki's texts: ``[wiki] language``, else as the store recorded it."""
    return for_wiki(config.wiki.language, config.schema.types, store)


def generate_blocks(writer: PageWriter, store: Store, config: Config, *,
                    titles: Sequence[str] | None = None,
                    in_scope: Callable[[str], bool] | None = None) -> GenerateResult:
    """Regenerate the list blocks: of ``titles`` (always read fresh), else of every stored
    page in scope whose blocks would change. Hubs come from the store's records."""
    step = BlockStep(writer, store, config)
    step.probe()
    if titles:
        return step.write(list(dict.fromkeys(titles)))
    return step.write(step.candidates(in_scope or (lambda title: True)))


def publish_map_page(writer: PageWriter, store: Store, config: Config, title: str,
                     extensions: Collection[str], *, append: bool = True,
                     result: GenerateResult | None = None) -> GenerateResult:
    """Write the map into the page's bot-owned block, only on a wiki with the map extension.

    ``extensions`` are the wiki's (``Gateway.extensions``); a missing one raises
    ``ConfigError`` before any read. A missing page is created with the block; a page
    without one gets it appended (or, with ``append`` False, is refused: ``no-block``);
    the block is rewritten only when the map changed. Outside it, no byte changes.
    """
    check_extension(config, extensions, title)
    result = result if result is not None else GenerateResult()
    m = wiki_messages(config, store)
    hubs = build_hubs(store.records(), config.schema.types)
    body = render_map_page(hubs, config, m=m).strip("\n")
    page = writer.gateway.read_page(title)
    if page.missing:
        writer.expect(1)
        result.outcomes.append(writer.create(title, new_page(body, m("map.intro")), [MAP_RULE],
                                             m("summary.map")))
    elif not append and not page.redirect_target and not map_blocks(page.content or ""):
        result.refused.append((title, "no-block", f"no <!-- {OPEN_WORDS} --> block on the "
                               "page (--no-append: nothing added)"))
    else:
        writer.expect(1)
        transform = _map_transform(body, append, config, store.get_json(META_REDIRECTS, {}), m)
        result.outcomes.append(writer.write(title, transform, [MAP_RULE], m("summary.map")))
    return result


def _map_transform(body: str, append: bool, config: Config, aliases: dict[str, str],
                   m: Messages) -> Callable[[str], Rewrite | None]:
    """The writer's transform for the map page: the map placed in the fresh text's block."""

    def run(text: str) -> Rewrite | None:
        """Place the map in ``text``'s block (appending one when allowed)."""
        added = not map_blocks(text)
        new = place_map(text, body, append=append, schema=config.schema, aliases=aliases)
        return Rewrite(new, summary=m("summary.map-added" if added else "summary.map"))

    return run
