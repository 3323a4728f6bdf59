"""An in-memory stand-in for the gateway, for fast unit tests of the writer and the applier."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace

from wikisync.api.model import NOCHANGE, PageRevision, redirect_target
from wikisync.errors import EditConflict, PageExists, PageMissing, WikiError


@dataclass
class FakeWiki:
    """Pages as title -> (revid, text); ``edit`` checks the base revid like MediaWiki does.

    ``before_edit`` runs before each save (a test's "human edit in between");
    ``fail_edit`` maps a title to an exception raised instead of saving; ``readonly`` is
    what ``site_info`` says; ``read_log`` the titles of the single reads, in order.
    """

    pages: dict[str, tuple[int, str]] = field(default_factory=dict)
    next_revid: int = 100
    edits: list[tuple[str, str, str]] = field(default_factory=list)  # title, text, summary
    reads: int = 0
    read_log: list[str] = field(default_factory=list)
    readonly: bool = False
    site_reads: int = 0
    requests: dict[str, int] = field(default_factory=dict)  # what a run's counts read
    batches: int = 0
    before_edit: Callable[[str], None] | None = None
    fail_edit: dict[str, WikiError] = field(default_factory=dict)

    def put(self, title: str, text: str) -> int:
        """Save a revision as someone else (a human); return its revid."""
        self.next_revid += 1
        self.pages[title] = (self.next_revid, text)
        return self.next_revid

    def text(self, title: str) -> str | None:
        """The current text of a page, or None."""
        return self.pages[title][1] if title in self.pages else None

    def _revision(self, title: str) -> PageRevision:
        if title not in self.pages:
            return PageRevision(title, None, 0, None, None, None, missing=True,
                                curtimestamp="2024-01-01T00:00:00Z")
        revid, text = self.pages[title]
        return PageRevision(title, 1, 0, revid, "2024-01-01T00:00:00Z", text,
                            redirect_target=redirect_target(text),
                            curtimestamp="2024-01-01T00:00:00Z")

    def read_titles(self, titles: Iterable[str]) -> list[PageRevision]:
        """One batched read."""
        self.batches += 1
        return [self._revision(t) for t in titles]

    def read_page(self, title: str) -> PageRevision:
        """One single read."""
        self.reads += 1
        self.read_log.append(title)
        return self._revision(title)

    def site_info(self, refresh: bool = False) -> SimpleNamespace:
        """The site facts the writer asks for: only whether the wiki is read-only."""
        self.site_reads += 1
        return SimpleNamespace(readonly=self.readonly)

    def edit(self, title: str, text: str, base: PageRevision | None, summary: str,
             minor: bool = True, create_only: bool = False) -> int | str:
        """Save like MediaWiki: conflicts on a stale base, refuses recreation."""
        if self.before_edit is not None:
            self.before_edit(title)
        if title in self.fail_edit:
            raise self.fail_edit[title]
        if create_only:
            if title in self.pages:
                raise PageExists(f"{title} exists", "articleexists")
        elif title not in self.pages:
            raise PageMissing(f"{title} deleted", "pagedeleted")
        elif base is None or base.revid != self.pages[title][0]:
            raise EditConflict(f"{title} conflict", "editconflict")
        elif self.pages[title][1] == text:
            return NOCHANGE
        self.edits.append((title, text, summary))
        return self.put(title, text)
