"""The throttle's wait on the terminal: a countdown on the bar, an INFO line elsewhere."""

from __future__ import annotations

import io
import logging

from wikisync.ui import BarProgress, LineProgress, Silent, next_edit, progress_for
from wikisync.write.progress import EditWait


def test_the_countdown_rounds_up_and_stops_at_zero() -> None:
    assert next_edit("edit 3/12", deadline=107.0, now=100.0) == "edit 3/12 · next in 7 s"
    assert next_edit("edit 3/12", deadline=100.2, now=100.0) == "edit 3/12 · next in 1 s"
    assert next_edit("edit 3", deadline=99.0, now=100.0) == "edit 3 · next in 0 s"


class Records(logging.Handler):
    """Keeps what reaches the ``wikisync`` logger's handler."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append(record)


def test_off_a_terminal_each_edit_is_one_info_line_even_at_the_default_level() -> None:
    root = logging.getLogger("wikisync")
    records, level = Records(), root.level
    root.addHandler(records)
    root.setLevel(logging.WARNING)  # the CLI's default: no INFO lines from the rest
    try:
        progress = progress_for(io.StringIO())
        assert isinstance(progress, LineProgress)
        progress.on_wait(EditWait(2, 3, 6.5))
        logging.getLogger("wikisync.write").info("not shown")
    finally:
        root.removeHandler(records)
        root.setLevel(level)
    assert [(r.name, r.levelno, r.getMessage()) for r in records.seen] == [
        ("wikisync.progress", logging.INFO, "edit 2/3 · next in 7 s")]


def test_quiet_shows_nothing_and_a_terminal_gets_the_bar_with_the_edits_task() -> None:
    assert isinstance(progress_for(io.StringIO(), quiet=True), Silent)
    out = io.StringIO()
    bar = BarProgress(out)
    bar.on_wait(EditWait(1, 2, 0))
    bar.on_wait(EditWait(2, 2, 3))
    task = bar.bar.tasks[0]
    assert (task.completed, task.total, task.fields["edit"]) == (1, 2, "edit 2/2")
    bar.close()
    assert bar.bar.tasks == [] and not bar.live
