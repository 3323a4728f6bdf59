"""A real MediaWiki 1.39 for tests and development, and a fault-injecting proxy for it.

Placeholder docstring (completed below once measured).
"""

from wikisync.devwiki.client import MiniClient
from wikisync.devwiki.install import DevWikiError
from wikisync.devwiki.launcher import Account, DevWiki

__all__ = ["Account", "DevWiki", "DevWikiError", "MiniClient"]
