"""The wiki gateway: the only package that talks HTTP to MediaWiki.

Everything else uses ``Gateway`` and the plain data it returns.
"""

from wikisync.api.discover import Found, find_api
from wikisync.api.gateway import Gateway, connect
from wikisync.api.model import NOCHANGE, PageRevision, RecentChange, SiteInfo
from wikisync.api.reads import prefetch
from wikisync.api.retry import RetryPolicy, decide, parse_retry_after
from wikisync.api.writes import EditOutcome

__all__ = [
    "NOCHANGE",
    "EditOutcome",
    "Found",
    "Gateway",
    "PageRevision",
    "RecentChange",
    "RetryPolicy",
    "SiteInfo",
    "decide",
    "connect",
    "find_api",
    "parse_retry_after",
    "prefetch",
]
