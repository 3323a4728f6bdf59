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


def changed_lines(old: str, new: str) -> list[int]:
    """0-based numbers of the lines of ``old`` that a diff to ``new`` removes or replaces."""
    matcher = difflib.SequenceMatcher(
        a=old.splitlines(keepends=True), b=new.splitlines(keepends=True), autojunk=False
    )
    touched: list[int] = []
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag != "equal":
            touched.extend(range(i1, i2) if i2 > i1 else [i1])
    return touched
