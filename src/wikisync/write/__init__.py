"""The one room where pages are written: ``WriteSession`` (a logged run) and its ``PageWriter``.

Sync's rules, generated lists, new fiches, the map page, the audit page and ``templates
install`` all write through a ``WriteSession``'s writer; nothing else calls the gateway's
``edit``. ``outcomes`` holds the typed statuses and reasons and the one ``Tally``;
``shutoff`` reads the shutoff page the way the writer does (``status`` reuses it).
"""

from wikisync.write.outcomes import Reason, Status, Stop, Tally, reason_of, stop_of
from wikisync.write.session import WriteSession
from wikisync.write.shutoff import read_shutoff
from wikisync.write.writer import (
    CHANGED_BY_PERSON,
    DEPENDS_ON_KEPT,
    META_REDIRECTS,
    Kept,
    PageWriter,
    Rebase,
    Report,
    Rewrite,
    Transform,
    Wiki,
    WriteOutcome,
)

__all__ = ["CHANGED_BY_PERSON", "DEPENDS_ON_KEPT", "META_REDIRECTS", "Kept", "PageWriter",
           "Reason", "Rebase", "Report", "Rewrite", "Status", "Stop", "Tally", "Transform",
           "Wiki", "WriteOutcome", "WriteSession", "read_shutoff", "reason_of", "stop_of"]
