"""Helpers for the pull tests on the real local wiki."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from wikisync.api import Gateway
from wikisync.config import Config, WikiConfig
from wikisync.store import Store
from wikisync.sync import PullResult, pull
from wikitools import TEST_USER_AGENT

FICHE = """{{Fiche initiative
| nom          = %(name)s
| type         = association de développement
| région       = Bretagne
| commune      = [[Brest]]
| latitude     = 48.%(n)d
| longitude    = -4.49
| site web     = http://www.example.org/%(n)d
| carte        =
}}
Le pôle %(name)s.
"""


def fiche(name: str, n: int = 1, extra: str = "") -> str:
    """A clean Fiche initiative page."""
    return FICHE % {"name": name, "n": n} + extra


def config(wiki: Any, account: str = "bot") -> Config:
    """A Config pointing at the dev wiki as the bot (500 a request) or the editor (50)."""
    user, password = {
        "bot": (wiki.bot_username, wiki.bot_password),
        "editor": (wiki.editor_username, wiki.editor_password),
    }[account]
    return Config(wiki=WikiConfig(api=wiki.api_url, username=user, password=password,
                                  user_agent=TEST_USER_AGENT, timeout=30.0))


def run_pull(wiki: Any, path: Path, full: bool = False, account: str = "bot") -> PullResult:
    """One pull into the store at ``path`` with a freshly logged-in gateway."""
    cfg = config(wiki, account)
    gateway = Gateway(cfg.wiki)
    gateway.login()
    with Store(path) as store:
        return pull(gateway, store, cfg, full=full)


def snapshot(path: Path) -> dict[str, Any]:
    """The store's pages, records and problems, to compare two stores exactly."""
    with Store(path) as store:
        return store.snapshot()


def batches(pages: int, limit: int) -> int:
    """Requests needed to read ``pages`` pages ``limit`` at a time."""
    return math.ceil(pages / limit)
