"""Operations: the scheduled cycle (``run``), the run lock, ``status``, ``init``, templates.

Core only (no click): the commands in ``wikisync.cli.ops`` call these and print.
"""

from wikisync.ops.cycle import Cycle, CycleResult, RunOptions, run_cycle
from wikisync.ops.lock import LockBusy, LockInfo, RunLock, lock_path, read_lock, run_lock
from wikisync.ops.report import SUMMARY_KEYS, summary, summary_lines

__all__ = [
    "SUMMARY_KEYS",
    "Cycle",
    "CycleResult",
    "LockBusy",
    "LockInfo",
    "RunLock",
    "RunOptions",
    "lock_path",
    "read_lock",
    "run_cycle",
    "run_lock",
    "summary",
    "summary_lines",
]
