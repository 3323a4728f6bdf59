"""Every edit of every template of the external corpus, with every value: counts and timing.

Usage: ``.venv/bin/python bench/corpus.py``

The suite's ``tests/parse/test_corpus.py`` checks every text with one value per edit; this
job writes each of the oracle's values on every add and set.  Texts come from
``../shared/corpora/external-wikitext/*.jsonl`` beside the repository.  Prints the texts,
templates and edits checked, outcomes and refusals by reason, and the texts where some
edit was refused although the page itself is safe (where an exact edit is impossible).
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests" / "parse")]

from splice_oracle import EDITOR, check_text, edits_of  # noqa: E402
from test_corpus import corpus_texts  # noqa: E402

from wikisync.errors import UnsafeEdit  # noqa: E402
from wikisync.model import Change  # noqa: E402

# refusals where the edit itself, not the page, could not be made exactly
EDIT_REASONS = ("inexact-edit", "broken-result")


def refusals(text: str) -> list[str]:
    """One line per edit of ``text`` refused for an edit reason: op, param, value, why."""
    lines = []
    for edit in edits_of(text, every_value=True):
        change = Change("T", edit.template, edit.instance, edit.param, None, edit.value, "x")
        try:
            EDITOR.apply(text, [change])
        except UnsafeEdit as refused:
            if refused.problems and refused.problems[0] in EDIT_REASONS:
                lines.append(f"{edit.op} {edit.param!r}={edit.value!r}: {refused.message}")
    return lines


def main() -> int:
    """Check every text, print the counts and the texts an exact edit was impossible on."""
    started = time.perf_counter()
    counts: Counter[str] = Counter()
    impossible: list[tuple[str, list[str]]] = []
    for where, text in corpus_texts():
        mine: Counter[str] = Counter()
        check_text(text, mine, every_value=True)
        counts.update(mine)
        if any(k.endswith(EDIT_REASONS) for k in mine):
            impossible.append((where, refusals(text)))
    print(f"texts: {counts.pop('texts')} in {time.perf_counter() - started:.0f} s")
    for key in ("templates", "edits"):
        print(f"{key}: {counts.pop(key)}")
    for key, count in sorted(counts.items()):
        print(f"  {key}: {count}")
    print(f"texts with an edit refused as inexact: {len(impossible)}")
    for where, lines in impossible:
        print(f"  {where}")
        for line in lines:
            print(f"    {line[:160]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
