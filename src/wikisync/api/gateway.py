"""The wiki gateway: the one object the rest of wikisync talks to the wiki through."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import requests

from wikisync.api import reads
from wikisync.api.discover import check_version
from wikisync.api.http import Params, Transport
from wikisync.api.model import PageRevision, RecentChange, SiteInfo
from wikisync.api.retry import Retrier, RetryPolicy
from wikisync.api.session import Session
from wikisync.api.writes import EditOutcome, EditRequest, EditSender
from wikisync.config import WikiConfig
from wikisync.errors import ConfigError, PageMissing


class Gateway:
    """Logged-in, polite, retried access to one wiki's api.php.

    ``requests`` counts the HTTP requests by kind (read, write, login, other) and
    ``retries`` the retried ones. ``sleep`` replaces the waits (tests pass a no-op).
    """

    def __init__(
        self,
        config: WikiConfig,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rand: Callable[[], float] = random.random,
        http: requests.Session | None = None,
    ) -> None:
        if not config.api:
            raise ConfigError("[wiki] api is not set (or set WIKISYNC_API)")
        if not config.user_agent:
            raise ConfigError("[wiki] user_agent is required (name the bot and a contact)")
        self.config = config
        policy = RetryPolicy(max_retries=config.max_retries, max_seconds=config.max_retry_seconds)
        retrier = Retrier(policy, sleep=sleep, clock=clock, rand=rand)
        self.transport = Transport(config.api, config.user_agent, config.maxlag,
                                   config.timeout, retrier, session=http)
        self.session = Session(self.transport, config.username, config.password)
        self.sender = EditSender(self.session, self.transport)
        self._site: SiteInfo | None = None
        self._extensions: frozenset[str] | None = None
        self._namespaces: dict[str, int] | None = None

    # --- counters and session ----------------------------------------------------------

    @property
    def requests(self) -> dict[str, int]:
        """HTTP requests sent so far, by kind: read, write, login, other."""
        return self.transport.requests

    @property
    def retries(self) -> int:
        """Requests retried so far (maxlag, 429/503, ratelimited, lost connections)."""
        return self.transport.retries

    @property
    def merges(self) -> int:
        """Updates MediaWiki merged with a revision saved after our pre-check (logged too)."""
        return self.sender.merges

    @property
    def user(self) -> str | None:
        """The logged-in user name (without the ``@app`` BotPassword suffix), or None."""
        return self.session.user

    def login(self) -> str:
        """Log in with the configured BotPassword; return the user name."""
        user = self.session.login()
        self._site = None
        return user

    def call(self, params: Params, kind: str = "read", post: bool = False) -> dict[str, Any]:
        """A raw api.php call, retried, counted and asserted like every other.

        For queries the gateway has no method for; ``kind`` is read, write, login or other.
        """
        return self.session.call(params, kind, post)

    def _call(self, params: Params, kind: str) -> dict[str, Any]:
        return self.session.call(params, kind)

    # --- site facts ----------------------------------------------------------------------

    def site_info(self, refresh: bool = False) -> SiteInfo:
        """The wiki's name, version, language and this account's groups and rights (cached)."""
        if self._site is None or refresh:
            params = {"action": "query", "meta": "siteinfo|userinfo", "siprop": "general",
                      "uiprop": "groups|rights"}
            self._site = SiteInfo.from_api(self._call(params, "other").get("query", {}))
            check_version(self._site.generator, self.transport.api_url)
        return self._site

    def extensions(self) -> frozenset[str]:
        """The names of the extensions the wiki runs (one siteinfo request, then cached)."""
        if self._extensions is None:
            self._extensions = reads.extensions(self._call)
        return self._extensions

    def namespaces(self) -> dict[str, int]:
        """The wiki's namespace names, canonical names and aliases to their ids (cached)."""
        if self._namespaces is None:
            self._namespaces = reads.namespaces(self._call)
        return self._namespaces

    def wiki_identity(self) -> tuple[str, str, str]:
        """The wiki's siteinfo ``server`` and ``wikiid`` and the API URL, to tell wikis apart.

        From the site facts or the login answer when read already (no request), else one.
        """
        if self._site is None and self.session.general:
            general = self.session.general
            server, wikiid = str(general.get("server", "")), str(general.get("wikiid", ""))
        else:
            server, wikiid = self.site_info().server, self.site_info().wikiid
        return server, wikiid, self.config.api or ""

    def wiki_language(self) -> str | None:
        """The wiki's siteinfo ``lang`` if the site facts or the login answer brought it
        already (``wiki_identity`` makes sure one did): never a request of its own."""
        general = self.session.general if self._site is None else {"lang": self._site.lang}
        return str(general.get("lang") or "") or None

    def server_time(self) -> str:
        """The wiki's current time (ISO 8601), for windows of recent changes."""
        result = self._call({"action": "query", "curtimestamp": 1}, "other")
        return str(result["curtimestamp"])

    # --- reads ---------------------------------------------------------------------------

    def iter_page_batches(self, generator: str, *, prefetch: bool = False,
                          **gparams: str | int) -> Iterator[list[PageRevision]]:
        """Batches of page revisions from a generator, e.g. ``("embeddedin", title=T)``.

        Generator parameters are given without their prefix (``title``, ``namespace``).
        With ``prefetch`` the next batch is fetched while the caller handles this one.
        """
        params = reads.generator_params(generator, self.site_info().page_limit, **gparams)
        batches = reads.page_batches(self._call, params)
        return reads.prefetch(batches) if prefetch else batches

    def iter_title_batches(self, titles: Iterable[str], *,
                           prefetch: bool = False) -> Iterator[list[PageRevision]]:
        """Batches of page revisions for explicit titles (missing pages included)."""
        batches = reads.title_batches(self._call, titles, self.site_info().page_limit)
        return reads.prefetch(batches) if prefetch else batches

    def iter_pageid_batches(self, pageids: Iterable[int], *,
                            prefetch: bool = False) -> Iterator[list[PageRevision]]:
        """Batches of page revisions for page ids (unknown ids come back ``missing``)."""
        batches = reads.pageid_batches(self._call, pageids, self.site_info().page_limit)
        return reads.prefetch(batches) if prefetch else batches

    def read_titles(self, titles: Iterable[str]) -> list[PageRevision]:
        """The latest revisions of these titles, in order (missing pages flagged ``missing``)."""
        return [page for batch in self.iter_title_batches(titles) for page in batch]

    def read_page(self, title: str) -> PageRevision:
        """The latest revision of one page (``missing`` set if it does not exist)."""
        pages = self.read_titles([title])
        if not pages:
            raise PageMissing(f"{title}: invalid title", "invalidtitle")
        return pages[0]

    def revision_texts(self, revids: Iterable[int]) -> dict[int, str | None]:
        """The text of these revisions by id (None when deleted, hidden or unknown)."""
        return reads.revision_texts(self._call, revids, self.site_info().page_limit)

    def recent_changes(self, start: str, *, end: str | None = None,
                       namespaces: Iterable[int] | None = None,
                       types: str = "edit|new|log") -> Iterator[RecentChange]:
        """Recent changes since ``start`` (ISO timestamp), oldest first."""
        limit = self.site_info().page_limit
        return reads.recent_changes(self._call, start, limit, end, namespaces, types)

    def embedded_titles(self, template: str,
                        namespaces: Iterable[int] | None = None) -> list[str]:
        """Titles of the pages transcluding ``template`` (all namespaces by default)."""
        return reads.embedded_titles(self._call, template, self.site_info().page_limit,
                                     namespaces)

    def template_redirects(self, template: str) -> list[str]:
        """Titles of the redirects to ``template`` (its other names in wikitext)."""
        return reads.template_redirects(self._call, template, self.site_info().page_limit)

    # --- writes --------------------------------------------------------------------------

    def edit(self, title: str, text: str, base: PageRevision | None, summary: str,
             minor: bool = True, create_only: bool = False) -> EditOutcome:
        """Replace the page's text if nobody edited it since ``base`` was read.

        Returns the new revid, or ``NOCHANGE``. Raises EditConflict on a conflicting
        edit, PageMissing if the page was deleted, PageExists for a taken create_only title.
        """
        request = EditRequest(title=title, text=text, summary=summary, base=base, minor=minor,
                              create_only=create_only, bot=self.site_info().is_bot,
                              tag=self.config.change_tag)
        return self.sender.edit(request)


def connect(wiki: WikiConfig, sleep: Callable[[float], None] = time.sleep) -> Gateway:
    """A gateway to the wiki, logged in when a username is configured."""
    gateway = Gateway(wiki, sleep=sleep)
    if wiki.username:
        gateway.login()
    return gateway
