"""Orchestration between the wiki gateway, the parser and the store.

The sync run itself is in ``wikisync.sync.run`` (not re-exported here, so that a pull does
not import the rules, the dataset and the generated lists). Pages are written through
``wikisync.write``.
"""

from wikisync.sync.dump import load_dump_file  # noqa: I001 - dump imports pull
from wikisync.sync.pull import Drift, PullEvent, PullResult, pull

__all__ = ["Drift", "PullEvent", "PullResult", "load_dump_file", "pull"]
