"""Which wiki a store belongs to: recorded by its first successful pull, checked ever after.

A store holds one wiki's pages, checkpoint and journal; used against another wiki it would
plan edits of pages that do not exist there and audit the wrong wiki. The identity is the
wiki's siteinfo ``server`` and ``wikiid`` (the same behind a proxy or another API URL), or
the API URL when the wiki gives neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from wikisync.errors import ConfigError

if TYPE_CHECKING:
    from wikisync.store.store import Store


class WrongWiki(ConfigError):
    """The store was filled from another wiki than the one configured (exit 2)."""


@dataclass(frozen=True)
class WikiIdentity:
    """A wiki as the store remembers it: siteinfo ``server`` and ``wikiid``, and the API URL."""

    server: str = ""
    wikiid: str = ""
    api: str = ""

    @property
    def named(self) -> bool:
        """Whether the wiki told its server and wikiid (else only the API URL identifies it)."""
        return bool(self.server and self.wikiid)

    def same_wiki(self, other: WikiIdentity) -> bool:
        """Same server and wikiid when both are known, else the same API URL."""
        if self.named and other.named:
            return (self.server, self.wikiid) == (other.server, other.wikiid)
        return _plain_url(self.api) == _plain_url(other.api)

    def describe(self) -> str:
        """``http://127.0.0.1:1234 (wikiid my_wiki)``, or the API URL."""
        return f"{self.server} (wikiid {self.wikiid})" if self.named else self.api or "?"


def _plain_url(url: str) -> str:
    """An API URL compared loosely: no trailing slash, case-insensitive."""
    return url.strip().rstrip("/").lower()


def ensure_same_wiki(store: Store, identity: WikiIdentity) -> None:
    """Refuse (WrongWiki, exit 2) a store whose recorded wiki is not ``identity``.

    A store with no wiki yet (new, or made before stores knew theirs) passes: its next
    successful pull records the wiki it read.
    """
    recorded = store.wiki_identity()
    if recorded is None or recorded.same_wiki(identity):
        return
    raise WrongWiki(f"the store {store.path} belongs to {recorded.describe()}, not "
                    f"{identity.describe()}; use --store NEW to start a fresh one")
