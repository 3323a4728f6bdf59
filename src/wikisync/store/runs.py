"""The run log's vocabulary: which kind of run, and how it ended (typed, stored as text)."""

from __future__ import annotations

from enum import StrEnum


class RunKind(StrEnum):
    """What a logged run was: the command (or step) that opened it."""

    PULL = "pull"
    SYNC = "sync"
    RUN = "run"  # a whole ``wikisync run`` cycle (its pull and sync log their own runs)
    GENERATE = "generate"
    CREATE = "create"
    TEMPLATES = "templates-install"
    AUDIT_PUBLISH = "audit-publish"
    REVERT = "revert"  # ``wikisync revert N``: its counts name the run it reverted


class RunStatus(StrEnum):
    """How a logged run ended."""

    OK = "ok"
    PARTIAL = "partial"  # something planned was left undone
    DIFFERENCES = "differences"  # a cycle whose audit found differences
    STOPPED = "stopped"  # shutoff, budget, read-only wiki, blocked account
    FAILED = "failed"
    INTERRUPTED = "interrupted"
