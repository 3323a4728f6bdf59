"""Plain data the gateway returns: page revisions, site facts, recent changes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote

NOCHANGE: Literal["nochange"] = "nochange"
"""What ``Gateway.edit`` returns when the new text equals the current one (no revision)."""

# English and French redirect magic words (the wiki is French; English always works).
_REDIRECT = re.compile(
    r"^\s*#(?:REDIRECT|REDIRECTION)\s*:?\s*\[\[([^\]|#]+)", re.IGNORECASE
)


@dataclass(frozen=True)
class PageRevision:
    """The latest revision of one page as read, with what a safe edit needs to send back.

    ``curtimestamp`` is the server time of the read (the edit's ``starttimestamp``).
    ``content`` is None when the page is missing or its text is hidden.
    """

    title: str
    pageid: int | None
    ns: int
    revid: int | None
    timestamp: str | None
    content: str | None
    missing: bool = False
    redirect_target: str | None = None
    user: str | None = None
    comment: str | None = None
    curtimestamp: str | None = None
    parentid: int | None = None

    @classmethod
    def from_api(cls, page: dict[str, Any], curtimestamp: str | None) -> PageRevision:
        """Build from one formatversion=2 ``pages`` entry (with ``prop=revisions|info``)."""
        missing = bool(page.get("missing") or page.get("invalid"))
        revs = page.get("revisions") or []
        rev: dict[str, Any] = revs[0] if revs else {}
        content = rev.get("slots", {}).get("main", {}).get("content")
        target = redirect_target(content) if page.get("redirect") and content else None
        return cls(
            title=str(page.get("title", "")),
            pageid=page.get("pageid") or None,
            ns=int(page.get("ns", 0)),
            revid=rev.get("revid"),
            timestamp=rev.get("timestamp"),
            content=None if missing else content,
            missing=missing,
            redirect_target=target,
            user=rev.get("user"),
            comment=rev.get("comment"),
            curtimestamp=curtimestamp,
            parentid=rev.get("parentid"),
        )


def redirect_target(content: str) -> str | None:
    """The target title of a redirect page's wikitext, or None if it is not one."""
    match = _REDIRECT.match(content)
    return match.group(1).strip().replace("_", " ") if match else None


@dataclass(frozen=True)
class SiteInfo:
    """What ``wikisync check`` reports and what the gateway needs to pick its limits.

    ``rc_max_age`` is ``$wgRCMaxAge`` in seconds when the wiki exposes it (MediaWiki 1.39
    does not: then None, and callers assume the default of 90 days).
    """

    sitename: str
    generator: str
    lang: str
    server: str
    username: str | None
    anonymous: bool
    groups: tuple[str, ...] = ()
    rights: frozenset[str] = field(default_factory=frozenset)
    readonly: bool = False
    rc_max_age: int | None = None
    time: str | None = None
    wikiid: str = ""
    articlepath: str = ""  # ``/index.php/$1``: where a page is read (``page_url``)

    @property
    def version(self) -> str:
        """The MediaWiki version number (``1.39.17`` from ``MediaWiki 1.39.17``)."""
        return self.generator.removeprefix("MediaWiki ").strip()

    @property
    def is_bot(self) -> bool:
        """Whether the account has the ``bot`` right (its edits can be flagged bot=1)."""
        return "bot" in self.rights

    @property
    def has_apihighlimits(self) -> bool:
        """Whether the account may read 500 pages a request instead of 50."""
        return "apihighlimits" in self.rights

    @property
    def page_limit(self) -> int:
        """Pages per request the API allows this account (explicit, faster than ``max``)."""
        return 500 if self.has_apihighlimits else 50

    @classmethod
    def from_api(cls, query: dict[str, Any]) -> SiteInfo:
        """Build from a ``meta=siteinfo|userinfo`` query result (formatversion=2)."""
        general = query.get("general", {})
        user = query.get("userinfo", {})
        anonymous = bool(user.get("anon")) or not user.get("id")
        return cls(
            sitename=str(general.get("sitename", "")),
            generator=str(general.get("generator", "")),
            lang=str(general.get("lang", "")),
            server=str(general.get("server", "")),
            username=None if anonymous else user.get("name"),
            anonymous=anonymous,
            groups=tuple(user.get("groups", ())),
            rights=frozenset(user.get("rights", ())),
            readonly=bool(general.get("readonly")),
            rc_max_age=general.get("rcmaxage"),
            time=general.get("time"),
            wikiid=str(general.get("wikiid", "")),
            articlepath=str(general.get("articlepath", "")),
        )

    def page_url(self, title: str) -> str:
        """The address a reader opens for ``title``: server + article path, title encoded."""
        path = self.articlepath or "/index.php?title=$1"
        name = quote(title.replace(" ", "_"), safe="/:,()!*'@$;")
        server = f"https:{self.server}" if self.server.startswith("//") else self.server
        return server + path.replace("$1", name)


@dataclass(frozen=True)
class RecentChange:
    """One entry of ``list=recentchanges``: an edit, a creation or a log event.

    For a move (``log_type == "move"``) ``target_title`` is the new title.
    """

    type: str
    title: str
    ns: int
    pageid: int
    revid: int
    old_revid: int
    rcid: int
    timestamp: str
    redirect: bool = False
    log_type: str | None = None
    log_action: str | None = None
    target_title: str | None = None

    @classmethod
    def from_api(cls, item: dict[str, Any]) -> RecentChange:
        """Build from one formatversion=2 ``recentchanges`` entry."""
        params = item.get("logparams") or {}
        return cls(
            type=str(item.get("type", "")),
            title=str(item.get("title", "")),
            ns=int(item.get("ns", 0)),
            pageid=int(item.get("pageid", 0)),
            revid=int(item.get("revid", 0)),
            old_revid=int(item.get("old_revid", 0)),
            rcid=int(item.get("rcid", 0)),
            timestamp=str(item.get("timestamp", "")),
            redirect=bool(item.get("redirect")),
            log_type=item.get("logtype"),
            log_action=item.get("logaction"),
            target_title=params.get("target_title") if isinstance(params, dict) else None,
        )
