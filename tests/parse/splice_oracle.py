"""The edit rule as an oracle: every set/add/remove on every template is one splice, or refused.

Independent of the editor's own proof: template offsets are found here by marking the
template's name and printing the tree (the editor walks the tree instead), spans are
derived from the printed parts, and the result is compared byte for byte.  Used by
``test_splice_property``, ``test_corpus`` and the ``bench/splice.py`` / ``bench/corpus.py``
jobs, which count what they checked.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from mwparserfromhell.nodes import Template, Text
from mwparserfromhell.wikicode import Wikicode

from wikisync.errors import UnsafeEdit
from wikisync.model import Change
from wikisync.parse import TemplateEditor, parse_wikitext
from wikisync.parse.names import param_key, template_key
from wikisync.parse.page import scan
from wikisync.parse.tree import MODES

EDITOR = TemplateEditor()
VALUES = ("https://www.openstreetmap.org/?mlat=48.39&mlon=-4.49", "Brest", "", "a|b",
          "{{x}}", "l1\nl2", "R&D", "=x")
MARK = "\U000ffffd"


@dataclass(frozen=True)
class Edit:
    """One edit to try: on which template (name, instance), what, and the span it may touch."""

    op: str  # set, add, remove
    template: str
    instance: int
    param: str
    value: str | None
    start: int  # set: the value span; remove: the parameter span; add: ``}}`` (start=end)
    end: int
    duplicated: bool  # the target field is given more than once: a refusal is due
    at: int  # where the template's ``{{`` is
    before: tuple[tuple[bool, str, str], ...]  # the template's parameters, as bytes


def identity(template: Template) -> list[tuple[bool, str, str]]:
    """A template's parameters as bytes: named or not, name text, value text."""
    return [(bool(p.showkey), str(p.name), str(p.value)) for p in template.params]


def template_start(code: Wikicode, template: Template) -> int:
    """Where ``template``'s ``{{`` is in the printed tree: mark its name and look."""
    saved = template.name
    template.name = Wikicode([Text(MARK)])
    try:
        return str(code).index(MARK) - 2
    finally:
        template.name = saved


def spans(template: Template, start: int) -> tuple[list[tuple[int, int, int]], int]:
    """(``|``, value start, value end) of each parameter, and the ``}}`` offset."""
    pos = start + 2 + len(str(template.name))
    out = []
    for param in template.params:
        bar = pos
        pos += 1 + (len(str(param.name)) + 1 if param.showkey else 0)
        out.append((bar, pos, pos + len(str(param.value))))
        pos = out[-1][2]
    return out, pos


def edits_of(text: str, value_seed: int = 0, every_value: bool = False) -> list[Edit]:
    """Every edit to check on ``text``: add ``carte``, and set and remove each parameter.

    Each add or set writes one of ``VALUES`` (turn by turn), or each of them with
    ``every_value``.
    """
    code = parse_wikitext(text)
    templates = scan(code).templates
    matcher = EDITOR.reader.matcher
    edits: list[Edit] = []
    for template in templates:
        name = str(template.name)
        kind = matcher.kind(name)
        if kind is not None:
            same = [t for t in templates if matcher.kind(str(t.name)) == kind]
        else:
            name = template_key(name)
            same = [t for t in templates if template_key(str(t.name)) in matcher.names_for(name)]
        instance = next(i for i, t in enumerate(same) if t is template)
        start = template_start(code, template)
        params, close = spans(template, start)
        keys = [param_key(str(p.name)) for p in template.params]
        before = tuple(identity(template))
        wanted = ["carte"] + [str(p.name) for p in template.params]
        for index, param in enumerate(wanted):
            names = EDITOR.target_names(param)
            hits = [i for i, key in enumerate(keys) if key in names]
            values = VALUES if every_value else [VALUES[(value_seed + index) % len(VALUES)]]
            target = (kind or name, instance, param)
            if not hits:
                edits += [Edit("add", *target, value, close, close, False, start, before)
                          for value in values]
                continue
            bar, value_start, value_end = params[hits[0]]
            dup = len(hits) > 1
            edits += [Edit("set", *target, value, value_start, value_end, dup, start, before)
                      for value in values]
            edits.append(Edit("remove", *target, None, bar, value_end, dup, start, before))
    return edits


def run_edit(text: str, edit: Edit) -> str:
    """Make one edit and assert the rule; the outcome: ``applied``, ``same`` or a refusal."""
    change = Change("T", edit.template, edit.instance, edit.param, None, edit.value, edit.op)
    try:
        new = EDITOR.apply(text, [change])
    except UnsafeEdit as refused:
        assert refused.message and "\n" not in refused.message, refused.message
        return "refused: " + (refused.problems[0] if refused.problems else "other")
    assert not edit.duplicated, f"a duplicated target was written: {edit}"
    if new == text:
        assert edit.op == "set", f"{edit.op} changed nothing: {edit}"
        return "same"
    head, tail = text[: edit.start], text[edit.end :]
    assert new.startswith(head) and new.endswith(tail), f"not one splice at its span: {edit}"
    assert len(new) >= len(head) + len(tail), edit
    piece = new[len(head) : len(new) - len(tail)]
    if edit.op == "remove":
        assert piece == "", f"remove left {piece!r}: {edit}"
    if edit.op == "add":
        assert piece, edit
    _assert_others_kept(new, edit)
    return "applied"


def _assert_others_kept(new: str, edit: Edit) -> None:
    """The edited template keeps every other parameter byte for byte (positional included)."""
    new_code = parse_wikitext(new)
    twins = [t for t in scan(new_code).templates
             if template_start(new_code, t) == edit.at]
    assert twins, f"the edited template is gone: {edit}"
    before, after = list(edit.before), identity(twins[0])
    if edit.op == "set":
        assert len(after) == len(before), edit
        assert sum(a != b for a, b in zip(after, before, strict=True)) <= 1, edit
    elif edit.op == "remove":
        assert len(after) == len(before) - 1 and all(a in before for a in after), edit
    else:
        assert len(after) == len(before) + 1, edit
        assert any(after[:k] + after[k + 1 :] == before for k in range(len(after))), edit


def check_text(text: str, counts: Counter[str], value_seed: int = 0,
               every_value: bool = False) -> None:
    """Print-back in every tokenizer mode, then every edit of every template (counted)."""
    for mode in MODES:
        assert str(parse_wikitext(text, mode)) == text, f"print-back differs ({mode})"
    counts["texts"] += 1
    edits = edits_of(text, value_seed, every_value)
    counts["templates"] += len({(e.template, e.instance) for e in edits})
    for edit in edits:
        counts["edits"] += 1
        counts[f"{edit.op}: {run_edit(text, edit)}"] += 1
