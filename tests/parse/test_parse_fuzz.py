"""Fuzzing the reader and the writer, and proving no memory corruption under PYTHONMALLOC=debug.

The fuzz budget is small in the suite; raise it with ``WIKISYNC_FUZZ_EXAMPLES=100000``.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from parse_strategies import FRAGMENT_LIST, WIKITEXT

from wikisync.errors import UnsafeEdit
from wikisync.model import Change
from wikisync.parse import apply_changes, read_page

FUZZ_EXAMPLES = int(os.environ.get("WIKISYNC_FUZZ_EXAMPLES", "200"))
ROOT = Path(__file__).resolve().parents[2]
TRICKY = [
    "{{T|p=a & b}}", "a &amp; b", "&nbsp;", "&#x", "&&", "a&b;", "&#12;", "&#xZZ;",
    "{{Fiche initiative|nom=R&D &amp; co|site=http://a.example.org/?a=1&b=2}}",
    "[http://x.example.org/?a=1&b=2 lien & co]", "<span title='a&b'>x&lt;</span>",
    "{{Fiche initiative|nom=" + "&" * 300 + "}}", "&" + "{{" * 50, "<ref>&</ref>" * 20,
]


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(WIKITEXT)
def test_fuzz_read_and_write(cases: Callable[[str], None], text: str) -> None:
    """Reading returns problems, never raises; writing gives text or UnsafeEdit, nothing else."""
    cases("fuzz: read and write")
    page = read_page(text, "Fuzz")
    for record in page.records:
        change = Change("Fuzz", record.source, record.instance, "carte", None, "https://x", "fuzz")
        try:
            new = apply_changes(text, [change])
        except UnsafeEdit:
            continue
        assert not read_page(new).unsafe


def corpus(count: int, seed: int = 352) -> list[str]:
    """Pages from the repository plus random markup soup rich in bare ``&``."""
    paths = [*(ROOT / "tests/parse/golden").glob("*.wiki"),
             *(ROOT / "examples/samples/pages").glob("*.wiki")]
    texts = [p.read_bytes().decode("utf-8") for p in paths]
    texts += TRICKY
    pieces = list(FRAGMENT_LIST) + ["&", " & ", "a", "é", "\n"] * 5
    rng = random.Random(seed)
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 60))) for _ in range(count)]
    return texts


DEBUG_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from wikisync.errors import UnsafeEdit
    from wikisync.parse import read_page, set_param
    texts = json.load(sys.stdin)
    for text in texts:
        page = read_page(text, "T")
        try:
            set_param(text, "Fiche initiative", "nom", "R&D & co")
        except UnsafeEdit:
            pass
    print("ok", len(texts))
    """
)


def run_debug_malloc(script: str, stdin: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONMALLOC": "debug", "PYTHONFAULTHANDLER": "1"}
    return subprocess.run([sys.executable, "-c", script], input=stdin, env=env, text=True,
                          capture_output=True, timeout=600, check=False)


def test_no_memory_corruption_under_debug_malloc(cases: Callable[[str], None]) -> None:
    import json

    texts = corpus(2000)
    done = run_debug_malloc(DEBUG_SCRIPT, json.dumps(texts))
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == f"ok {len(texts)}"
    for _ in texts:
        cases("debug malloc: pages parsed and edited")


def test_the_debug_malloc_harness_does_catch_the_upstream_bug() -> None:
    """Control: raw mwparserfromhell with its C tokenizer corrupts memory on a bare ``&``."""
    script = "import mwparserfromhell; mwparserfromhell.parse('{{T|p=a & b}}'); print('ok')"
    done = run_debug_malloc(script, "")
    if done.returncode == 0:  # fixed upstream after 0.7.2 (issue #352): nothing left to catch
        import mwparserfromhell

        version = tuple(int(part) for part in mwparserfromhell.__version__.split(".")[:3])
        assert version > (0, 7, 2), "0.7.2 and older must crash here: the harness is broken"
        return
    assert done.returncode != 0
