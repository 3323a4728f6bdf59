"""Every text of ``shared/corpora/external-wikitext`` (wikitext from the test suites of
mwparserfromhell, MediaWiki's parser and Pywikibot): read without an exception, printed back
exactly, and every set/add/remove of every parameter of every template one splice at its
span or a refusal.  ``bench/corpus.py`` runs the same check with every value on every edit.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from splice_oracle import check_text

from wikisync.parse import read_page

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpora" / "external-wikitext"


def corpus_texts() -> list[tuple[str, str]]:
    """(where from, text) for every line of every file; the folder must be there."""
    files = sorted(CORPUS.glob("*.jsonl"))
    assert files, f"the external corpus is missing: {CORPUS} (CI lays shared/ beside the clone)"
    texts = []
    for path in files:
        for line in path.read_text("utf-8").splitlines():
            item = json.loads(line)
            texts.append((f"{item['src']} {item['name']}", item["text"]))
    return texts


def test_every_corpus_text_reads_prints_back_and_edits_as_one_splice(
        cases: Callable[[str], None]) -> None:
    counts: Counter[str] = Counter()
    texts = corpus_texts()
    assert len(texts) >= 3700
    for number, (where, text) in enumerate(texts):
        page = read_page(text, "Corpus")
        json.dumps(page.to_dict(), ensure_ascii=False)
        try:
            check_text(text, counts, value_seed=number)
        except AssertionError as failed:
            raise AssertionError(f"{where}: {failed}") from None
    assert counts["texts"] == len(texts)
    assert counts["templates"] > 1500 and counts["edits"] > 3500
    applied = sum(n for key, n in counts.items() if key.endswith(": applied"))
    assert applied > 0.8 * counts["edits"]  # refusals are the exception, not the rule
    for key in ("texts", "templates", "edits"):
        for _ in range(counts[key]):
            cases(f"corpus: {key}")
