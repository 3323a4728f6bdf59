"""The one place a gateway meets a store: connect, then refuse a store of another wiki.

Every command that reads or writes the wiki with a store (pull, sync, generate, create,
templates install, run, audit --pull/--publish, status) connects through ``connect_store``
(or, for ``status``, which never creates a store, ``ensure_store_of``). The wiki's identity
comes with the login token (or the site facts already read): the check costs no request
when logged in. Pull records the identity in the store on its first success; the wiki's
language (siteinfo ``lang``, read with the identity) is recorded at every connection, so
offline reports speak it (``i18n.for_wiki``). Once the
store is known to be this wiki's, the edits an earlier command journalled but never saw
answered are settled from the wiki (``write.journal.reconcile``: no request when none).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wikisync.api import Gateway, connect
from wikisync.config import WikiConfig
from wikisync.i18n import LANGUAGE_META
from wikisync.store import Store, WikiIdentity, ensure_same_wiki
from wikisync.write.journal import reconcile


def gateway_identity(gateway: Gateway) -> WikiIdentity:
    """The identity of the wiki a gateway talks to (server, wikiid, API URL)."""
    return WikiIdentity(*gateway.wiki_identity())


def site_identity(site: Any, api: str) -> WikiIdentity:
    """The identity in a site-facts object (``SiteInfo``: ``server``, ``wikiid``)."""
    return WikiIdentity(str(getattr(site, "server", "") or ""),
                        str(getattr(site, "wikiid", "") or ""), api)


def ensure_gateway_wiki(store: Store, gateway: Gateway) -> Gateway:
    """``gateway`` if the store has no wiki yet or is this wiki's; else WrongWiki (exit 2).

    Then the journal's pending edits are settled from the wiki (see the module doc).
    """
    ensure_same_wiki(store, gateway_identity(gateway))
    record_language(store, gateway.wiki_language())
    reconcile(gateway, store)
    return gateway


def record_language(store: Store, language: str | None) -> None:
    """Remember the wiki's language in the store (when told and changed), for offline use."""
    if language and store.get_meta(LANGUAGE_META) != language:
        store.set_meta(LANGUAGE_META, language)


def connect_store(wiki: WikiConfig, store: Store,
                  sleep: Callable[[float], None] = time.sleep) -> Gateway:
    """A gateway to ``wiki`` (logged in when configured) for this store, or WrongWiki."""
    return ensure_gateway_wiki(store, connect(wiki, sleep))


def ensure_store_of(state_path: str, gateway: Gateway) -> None:
    """Refuse an existing store of another wiki; a missing store is not created (status)."""
    if Path(state_path).is_file():
        with Store(state_path) as store:
            ensure_gateway_wiki(store, gateway)
