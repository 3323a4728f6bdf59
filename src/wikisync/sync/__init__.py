"""Orchestration between the wiki gateway, the parser and the store."""

from wikisync.sync.dump import load_dump_file  # noqa: I001 - dump imports pull
from wikisync.sync.pull import Drift, PullEvent, PullResult, pull
from wikisync.sync.writer import PageWriter, Rewrite, WriteOutcome
from wikisync.sync.run import SyncOptions, SyncResult, sync

__all__ = ["Drift", "PageWriter", "PullEvent", "PullResult", "Rewrite", "SyncOptions",
           "SyncResult", "WriteOutcome", "load_dump_file", "pull", "sync"]
