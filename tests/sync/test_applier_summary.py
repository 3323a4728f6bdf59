"""One computation of a page's rules and summary: the planned ones stand unless the page moved."""

from __future__ import annotations

import sys
from pathlib import Path

from wikisync.config import Config, SafetyConfig
from wikisync.parse import read_page
from wikisync.parse.edit import TemplateEditor
from wikisync.schema import Schema
from wikisync.store import Store
from wikisync.store.runs import RunKind
from wikisync.sync.applier import apply_plan, page_transform
from wikisync.sync.planner import Context, Plan, build_context, plan
from wikisync.sync.rules import RuleSet
from wikisync.write import Rewrite, WriteSession

sys.path.insert(0, str(Path(__file__).parent))
from fakewiki import FakeWiki  # noqa: E402

TITLE = "Pôles ESS en Bretagne"
ROWS = ("{{Pôle ESS par région|région=Bretagne}}\n"
        "{{Pôle ESS|nom=Pôle Un|latitude=48.1|longitude=-4.1}}\n"
        "{{Pôle ESS|nom=Pôle Deux|latitude=48.2|longitude=-4.2}}\n")


def planned(text: str = ROWS) -> tuple[Plan, Context]:
    """The plan of the region page and its context."""
    records = read_page(text, TITLE).records
    ctx = build_context(records, Schema(), RuleSet(), ())
    return plan(records, ctx), ctx


def test_fresh_changes_equal_to_the_plan_keep_the_planned_rules_and_summary() -> None:
    the_plan, ctx = planned()
    [page] = the_plan.pages
    assert page.summary == "lien carte (2)" and page.rules == ("map_links",)
    rewrite = page_transform(TITLE, ctx, TemplateEditor(), planned=page)(ROWS)
    assert isinstance(rewrite, Rewrite) and rewrite.text.count("carte=") == 2
    assert (rewrite.rules, rewrite.summary) == (None, None)  # the writer uses the plan's


def test_a_page_fixed_meanwhile_gets_the_summary_of_what_is_left() -> None:
    the_plan, ctx = planned()
    [page] = the_plan.pages
    first, _ = planned()  # the link a person added to the first row meanwhile
    link = first.pages[0].changes[0].new
    fresh = ROWS.replace("longitude=-4.1}}", f"longitude=-4.1|carte={link}}}}}")
    rewrite = page_transform(TITLE, ctx, TemplateEditor(), planned=page)(fresh)
    assert isinstance(rewrite, Rewrite)
    assert (rewrite.rules, rewrite.summary) == (("map_links",), "lien carte (1)")


def test_the_saved_summary_is_the_planned_one(tmp_path: Path) -> None:
    the_plan, ctx = planned()
    wiki = FakeWiki()
    wiki.put(TITLE, ROWS)
    cfg = Config(safety=SafetyConfig(edit_interval=0))
    with Store(tmp_path / "s.sqlite") as store, \
            WriteSession(wiki, store, cfg, RunKind.SYNC) as session:
        [outcome] = apply_plan(the_plan, session.writer, ctx, TemplateEditor())
    [(_, _, summary)] = wiki.edits
    assert summary == f"wikisync: lien carte (2) [run {session.run_id}]"
    assert outcome.rules == ("map_links",)
