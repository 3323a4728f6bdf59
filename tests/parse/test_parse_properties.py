"""Properties over generated wikitext: reading never raises and round-trips; writes are exact."""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Callable

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from parse_strategies import BOT_VALUES, WIKITEXT, Infobox, infoboxes

from wikisync.errors import UnsafeEdit
from wikisync.parse import canonical, parse_wikitext, read_page, remove_param, set_param
from wikisync.parse.names import param_key, template_key
from wikisync.parse.records import Params
from wikisync.parse.values import value_text

EXAMPLES = int(os.environ.get("WIKISYNC_PROPERTY_EXAMPLES", "300"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


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


def templates(text: str, mode: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The structure of every template: name and (name, value) of each parameter."""
    return [
        (str(t.name), [(str(p.name), str(p.value)) for p in t.params])
        for t in parse_wikitext(text, mode).filter_templates()  # type: ignore[arg-type]
    ]


@SETTINGS
@given(WIKITEXT)
def test_any_text_parses_round_trips_and_serialises(
    cases: Callable[[str], None], text: str
) -> None:
    cases("parse: any text round-trips")
    assert str(parse_wikitext(text)) == text
    page = read_page(text, "Titre")
    json.dumps(page.to_dict(), ensure_ascii=False)
    for record in page.records:
        assert set(page.problem_codes) - {"two-infoboxes"} <= set(record.problem_codes)


@SETTINGS
@given(WIKITEXT)
def test_masked_c_tokenizer_builds_the_python_tokenizer_structure(
    cases: Callable[[str], None], text: str
) -> None:
    cases("parse: masked C == pure Python structure")
    assert templates(text, "safe-c") == templates(text, "python")


def read_param(text: str, name: str) -> str | None:
    """The normalised value of parameter ``name`` (or its aliases) of the page's fiche."""
    [fiche] = [t for t in parse_wikitext(text).filter_templates()
               if template_key(str(t.name)) == "Fiche initiative"]
    last = Params.of(fiche).last(name)
    return None if last is None else value_text(last[1].value)


def param_of(box: Infobox, name: str) -> tuple[int, int] | None:
    return box.lines[box.names.index(name)] if name in box.names else None


@SETTINGS
@given(infoboxes(), st.sampled_from(["nom", "carte", "site web", "statut", "réseau", "autre"]),
       BOT_VALUES)
def test_set_reads_back_and_touches_only_its_lines(
    cases: Callable[[str], None], box: Infobox, name: str, value: str
) -> None:
    cases("set: reads back, touches only its lines")
    assume(not ({"site", "site web"} <= set(box.names)))  # a field given twice is refused
    target = "site" if name == "site web" and "site" in box.names else name
    new = set_param(box.text, "Fiche initiative", name, value)
    assert read_param(new, target) == canonical(value)
    span = param_of(box, target)
    touched = set(changed_lines(box.text, new))
    if span is not None:
        allowed = set(range(span[0], span[1] + 1))
    else:  # added: after the last parameter, before ``}}`` (the last one may gain its ``|`` end)
        last = box.lines[-1][1] if box.lines else box.close_line
        allowed = {last, box.close_line}
    assert touched <= allowed, (touched, allowed)
    # everything before the template and after it is byte-identical
    head = box.text.split("{{", 1)[0] if not box.text.startswith("Intro") else "Intro."
    assert new.startswith(head)


@SETTINGS
@given(infoboxes(), st.data())
def test_remove_drops_only_that_parameter(cases: Callable[[str], None], box: Infobox,
                                          data: st.DataObject) -> None:
    assume(box.names and not ({"site", "site web"} <= set(box.names)))
    cases("remove: drops only its lines")
    name = data.draw(st.sampled_from(box.names))
    new = remove_param(box.text, "Fiche initiative", name)
    assert read_param(new, name) is None
    names_after = [param_key(str(p.name)) for t in parse_wikitext(new).filter_templates()
                   if template_key(str(t.name)) == "Fiche initiative" for p in t.params]
    assert names_after == [n for n in box.names if n != name]
    if box.lines[0][0] != box.lines[-1][1]:  # one parameter per line: exactly its line goes
        old_lines = box.text.splitlines(keepends=True)
        span = param_of(box, name)
        assert span is not None
        del old_lines[span[0] : span[1] + 1]
        assert new == "".join(old_lines)


@SETTINGS
@given(WIKITEXT, WIKITEXT, BOT_VALUES)
def test_set_on_any_text_either_works_or_refuses(cases: Callable[[str], None], before: str,
                                                  after: str, value: str) -> None:
    cases("set: any text gives text or UnsafeEdit")
    text = before + "{{Fiche initiative|nom=A}}" + after
    try:
        new = set_param(text, "Fiche initiative", "carte", value)
    except UnsafeEdit:
        return
    cases("set: any text, edit applied")
    page = read_page(new)
    assert not page.unsafe
    fiche = next(r for r in page.records if r.source == "fiche")
    assert fiche.map_link == (canonical(value) or None)
