"""Rule ids are typed: ``Rule`` (the switches) and ``RuleId`` (what a change names)."""

from __future__ import annotations

from wikisync.i18n import messages
from wikisync.parse import read_page
from wikisync.schema import Schema
from wikisync.sync.planner import build_context, plan
from wikisync.sync.rules import OWNABLE, RULE_NAMES, Rule, RuleId, RuleSet, rule_label


def test_every_id_reads_back_from_its_text_with_its_rule_and_field() -> None:
    for rule_id in RuleId:
        assert RuleId(str(rule_id)) is rule_id  # as the journal stores it
    assert (RuleId.DATASET_WEBSITE.rule, RuleId.DATASET_WEBSITE.field) == (Rule.DATASET,
                                                                          "website")
    assert (RuleId.GEOCODE.rule, RuleId.GEOCODE.field) == (Rule.GEOCODE, None)
    assert {RuleId(f"dataset:{name}").field for name in OWNABLE} == set(OWNABLE)
    assert {rule_id.rule for rule_id in RuleId} == set(Rule)


def test_labels_and_switches() -> None:
    french, english = messages("fr"), messages("en")
    assert rule_label("dataset:coordinates", french) == "coordonnées depuis le jeu de données"
    assert rule_label("dataset:commune", french) == "commune depuis le jeu de données"
    assert rule_label("dataset:postcode", french) == "code postal depuis le jeu de données"
    assert rule_label("map_links", french) == "lien carte"
    assert rule_label("dataset:commune", english) == "town from the dataset"
    assert rule_label("map_links", english) == "map link"
    assert rule_label("lists", french) == "lists"  # another writer's rule: its own words
    assert RULE_NAMES == ("map_links", "dataset", "geocode")
    assert RuleSet(map_links=False, dataset=True, geocode=True).names == (Rule.DATASET,
                                                                         Rule.GEOCODE)


def test_planned_changes_carry_typed_ids() -> None:
    records = read_page("{{Fiche initiative|nom=A|latitude=48|longitude=-4}}", "A").records
    ctx = build_context(records, Schema(), RuleSet())
    [change] = [c for page in plan(records, ctx).pages for c in page.changes]
    assert change.rule is RuleId.MAP_LINKS and change.rule == "map_links"
