"""Files a scheduled run writes: replaced atomically, and only when their content changed."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from wikisync.errors import UsageError


def same_content(path: Path, text: str) -> bool:
    """Whether the file already holds exactly this text."""
    try:
        return path.read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        return False


def write_atomic(path: str | Path, text: str, *, dry_run: bool = False) -> bool:
    """Write ``text`` to ``path`` unless it is already there; True when the file changed.

    The text goes to a temporary file in the same folder first, then replaces the file in
    one rename, so a web server serving it never sees half a file. A dry run only compares.
    """
    target = Path(path)
    if same_content(target, text):
        return False
    if dry_run:
        return True
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp.write_text(text, encoding="utf-8", newline="")
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise UsageError(f"{target}: cannot write: {exc.strerror}") from None
    return True
