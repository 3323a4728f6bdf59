"""Counts the generated cases each property test ran and reports them after the run.

Property tests call the session fixture ``cases`` (``cases("name")``) once per example; the
``pytest_terminal_summary`` hook prints the totals whether or not ``-s`` is given.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest

CASES: Counter[str] = Counter()


@pytest.fixture(scope="session")
def cases() -> Callable[[str], None]:
    """``cases(name)`` counts one generated example of the property ``name``."""

    def count(name: str) -> None:
        CASES[name] += 1

    return count


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print how many generated cases each property and fuzz test ran."""
    if not CASES:
        return
    terminalreporter.section("wikisync.parse: generated cases")
    for name, count in sorted(CASES.items()):
        terminalreporter.write_line(f"{name:<48} {count:>7}")
    terminalreporter.write_line(f"{'total':<48} {sum(CASES.values()):>7}")
