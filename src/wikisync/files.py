"""Files the commands write (exports, reports): replaced atomically, only when changed.

A failed or interrupted command leaves the previous file as it was: the text goes to a
temporary file in the same folder, which replaces the target in one rename. Used by
``wikisync run`` (``ops.outputs``) and by ``export -o`` and ``audit -o`` (``cli``).
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from wikisync.errors import UsageError

NEW_FILE_MODE = 0o644


def same_content(path: Path, text: str) -> bool:
    """Whether the file already holds exactly this text (so nothing needs writing)."""
    try:
        return path.read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        return False


def _special(path: Path) -> bool:
    """Whether ``path`` is a device or a pipe (``/dev/null``, ``/dev/stdout``): written in place."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _write_in_place(path: Path, text: str) -> None:
    """Write to a device or pipe as it is (it cannot be replaced, and should not be)."""
    try:
        with path.open("w", encoding="utf-8", newline="") as out:
            out.write(text)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write: {exc.strerror}") from None


def _mode(path: Path) -> int:
    """The permissions the new file keeps: the old file's, else rw-r--r--."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return NEW_FILE_MODE


def write_atomic(path: str | Path, text: str, *, dry_run: bool = False) -> bool:
    """Write ``text`` to ``path`` unless it is already there; True when the file changed.

    The text goes to a temporary file in the same folder first, then replaces the file in
    one rename, so a web server serving it never sees half a file and a failure leaves the
    old one intact. A dry run only compares. Devices and pipes are written in place.
    """
    target = Path(path)
    if target.is_dir():
        raise UsageError(f"{target}: is a folder, not a file")
    if _special(target):
        if not dry_run:
            _write_in_place(target, text)
        return True
    if same_content(target, text):
        return False
    if dry_run:
        return True
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        mode = _mode(target)
        temp.write_text(text, encoding="utf-8", newline="")
        os.chmod(temp, mode)
        os.replace(temp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise UsageError(f"{target}: cannot write: {exc.strerror}") from None
    return True
