"""A unified diff of two page texts that shows line endings and a missing final newline."""

from __future__ import annotations

import difflib


def unified_diff(old: str, new: str, name: str = "page", context: int = 3) -> str:
    """``diff -u``-style text; ``\\ No newline at end of file`` where a side lacks one."""
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"a/{name}",
        tofile=f"b/{name}",
        n=context,
    )
    out = []
    for line in lines:
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)
