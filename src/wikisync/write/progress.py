"""The throttle's wait, told to whoever shows progress (the CLI renders it; no printing here).

Before each save the writer calls ``on_wait`` with an ``EditWait``: which edit is next, of
how many the callers expect (``PageWriter.expect``), and how long the throttle
(``[safety] edit_interval``) will wait before sending it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class EditWait:
    """The next edit of a run and the throttle's wait before it."""

    edit: int  # 1 for the run's first save
    total: int | None  # saves the callers expect in this run (None: not said)
    wait: float  # seconds until the edit is sent (0: now)

    @property
    def line(self) -> str:
        """``edit 3/12 · next in 7 s`` (``edit 13`` once past the expected total)."""
        known = self.total is not None and self.edit <= self.total
        count = f"{self.edit}/{self.total}" if known else str(self.edit)
        return f"edit {count} · next in {math.ceil(self.wait)} s"


OnWait = Callable[[EditWait], None]
