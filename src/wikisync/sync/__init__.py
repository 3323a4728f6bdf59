"""Orchestration between the wiki gateway, the parser and the store."""

from wikisync.sync.dump import load_dump_file  # noqa: I001 - dump imports pull
from wikisync.sync.pull import Drift, PullEvent, PullResult, pull

__all__ = ["Drift", "PullEvent", "PullResult", "load_dump_file", "pull"]
