"""The splice property for many examples, once: every edit of any text is one splice or refused.

Usage: ``.venv/bin/python bench/splice.py [--examples 20000] [--seed 12]``

Runs ``tests/parse/test_splice_property.py``'s text strategy through the same oracle
(``tests/parse/splice_oracle.py``) as the suite's few hundred examples, and prints the
counts: examples, templates, edits checked, outcomes and refusals by reason.  An edit that
breaks the rule stops the run with the failing text (exit 1).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests" / "parse")]

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from splice_oracle import check_text  # noqa: E402
from test_splice_property import texts  # noqa: E402


def run(examples: int, random_seed: int) -> Counter[str]:
    """Check ``examples`` generated texts; the counts of what was checked."""
    counts: Counter[str] = Counter()

    @seed(random_seed)
    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(texts())
    def prop(text: str) -> None:
        check_text(text, counts)

    prop()
    return counts


def main() -> int:
    """Parse the options, run, print the counts."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--examples", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    started = time.perf_counter()
    counts = run(args.examples, args.seed)
    print(f"examples: {counts.pop('texts')} in {time.perf_counter() - started:.0f} s")
    for key in ("templates", "edits"):
        print(f"{key}: {counts.pop(key)}")
    for key, count in sorted(counts.items()):
        print(f"  {key}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
