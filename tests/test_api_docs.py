"""docs/api.md's examples run as they are and print what the page shows."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

DOC = Path(__file__).parent.parent / "docs" / "api.md"
README = Path(__file__).parent.parent / "README.md"


def run_examples(text: str) -> doctest.TestResults:
    """Run every ``>>>`` example of ``text`` in order, in one namespace; report to stdout."""
    test = doctest.DocTestParser().get_doctest(text, {}, DOC.name, str(DOC), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    return runner.summarize(verbose=False)


def test_every_example_of_the_api_page_runs_and_prints_what_it_shows() -> None:
    results = run_examples(DOC.read_text(encoding="utf-8"))
    assert results.attempted >= 20, results
    assert results.failed == 0, results


def test_the_example_runner_fails_on_a_wrong_output() -> None:
    planted = (">>> from wikisync import read_page\n"
               ">>> read_page('{{Pôle ESS|nom=A}}').unsafe\nTrue\n")
    assert run_examples(planted).failed == 1


def test_the_examples_import_only_the_top_level_package() -> None:
    imports = re.findall(r"^(?:>>> )?\s*(?:from|import) (\S+)", DOC.read_text("utf-8"), re.M)
    assert imports and set(imports) == {"wikisync"}, imports


def test_the_readme_links_the_api_page() -> None:
    assert "(docs/api.md)" in README.read_text(encoding="utf-8")
