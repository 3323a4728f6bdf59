"""Lossless write-back: every edit is one splice of the page's text, proven before it is kept.

The rule (docs/records.md, "The edit rule"): ``set`` replaces only the value's span (from
after ``=`` to the next ``|`` or ``}}``); ``remove`` deletes only the parameter's span (its
``|``, name, ``=`` and value); ``add`` inserts one piece just before the template's ``}}``
and changes no existing byte.  Offsets come from the tree (``splice``); the tree is never
mutated and printed.  ``Template.add``/``remove`` are never used: they drop comments and
``<ref>``s in the value and silently delete duplicate parameters.

Each edit is then proven: the new text is the old one with exactly that splice, it parses
with the same templates outside it, the edited template keeps every other parameter byte for
byte (positional ones included) and reads back the value written, and the page is no less
safe.  Anything else raises ``UnsafeEdit`` and nothing is written, like a page whose
problems make any edit unsafe or a duplicated target parameter.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mwparserfromhell.nodes import Comment, Tag, Template, Text
from mwparserfromhell.wikicode import Wikicode

from wikisync.errors import UnsafeEdit
from wikisync.model import Change, Problem
from wikisync.parse.escape import escape_value
from wikisync.parse.names import Aliases, param_key, same_field_names, template_key
from wikisync.parse.page import PageParse, PageReader, Scan, scan
from wikisync.parse.records import Params
from wikisync.parse.splice import Splice, check, param_identity, template_offsets, template_span
from wikisync.parse.style import ParamStyle, added_piece, infer_style, split_ws
from wikisync.parse.tree import parse_wikitext
from wikisync.parse.values import canonical, link_target_text, value_text
from wikisync.schema import Schema

# Why an edit is refused beyond the page's own problems (``UnsafeEdit.problems``).
INEXACT = "inexact-edit"  # the result is not the one splice with everything else kept
POSITIONAL = "positional-shift"  # removing it would renumber later positional parameters
BROKEN = "broken-result"  # the edited page would be unsafe or lose/gain a record template
MISSING = "missing-instance"
PRESENT = "param-present"  # ``add_param`` of a parameter the template already gives


@dataclass
class Tree:
    """One text read for editing: the tree, what a scan found, where each template starts."""

    text: str
    found: Scan
    offsets: dict[int, int]

    @classmethod
    def read(cls, text: str) -> Tree:
        """Parse and scan ``text`` (the tree prints back exactly, so offsets are exact)."""
        code = parse_wikitext(text)
        return cls(text, scan(code), template_offsets(code))

    def placed(self) -> list[tuple[int, Template]]:
        """Every template found, with its offset, in page order."""
        return [(self.offsets[id(t)], t) for t in self.found.templates]


@dataclass(frozen=True)
class Located:
    """One change resolved to its template in the tree and the parameter name to write."""

    change: Change
    template: Template
    names: tuple[str, ...]  # the parameter's name and the names of the same field


class TemplateEditor:
    """Applies changes to page texts for one schema and one set of template aliases."""

    def __init__(self, schema: Schema | None = None, aliases: Aliases | None = None) -> None:
        self.reader = PageReader(schema, aliases)
        self.schema = self.reader.schema

    def apply(self, text: str, changes: Iterable[Change], raw: bool = False,
              check_old: bool = False, verbatim: bool = False) -> str:
        """The page text with every change applied, or ``UnsafeEdit`` and nothing changed.

        ``verbatim`` (revert): a set's value span becomes ``new`` byte for byte (whitespace
        and comments included), an added parameter gets ``new`` trimmed; implies ``raw``.
        """
        changes = list(changes)
        if not changes:
            return text
        tree = Tree.read(text)
        refuse_unsafe_page(self.reader.read_scan(tree.found, changes[0].title))
        if check_old:
            for change in changes:
                self._check_old(self._locate(tree.found, change))
        try:
            for change in changes:
                tree = self._apply_one(tree, change, raw or verbatim, verbatim)
        except UnsafeEdit as refused:  # names may hold line breaks: the reason is one line
            if "\n" not in refused.message and "\r" not in refused.message:
                raise
            raise UnsafeEdit(" ".join(refused.message.split()), refused.problems) from None
        return tree.text

    def _apply_one(self, tree: Tree, change: Change, raw: bool, verbatim: bool = False) -> Tree:
        """The text with one change made as one proven splice (or the same text), read."""
        spot = self._locate(tree.found, change)
        new = change.new
        if new is not None and not raw and self._current(spot) == canonical(new):
            return tree  # already says that (``[[Brest]]`` for ``Brest``): as written
        splice = self._plan(tree, spot, new if raw or new is None else _escaped(spot, new),
                            verbatim)
        if splice is None or splice.apply(tree.text) == tree.text:
            return tree
        return self._prove(tree, spot, splice, splice.apply(tree.text), raw)

    def _locate(self, found: Scan, change: Change) -> Located:
        """The template instance a change is for, refusing a duplicated target parameter."""
        instances = self._instances(found, change.template)
        if not 0 <= change.instance < len(instances):
            raise UnsafeEdit(
                f"{change.title or 'page'}: no {change.template} #{change.instance} "
                f"(the page has {len(instances)})", (MISSING,)
            )
        template = instances[change.instance]
        names = self.target_names(change.param)
        present = [p for p in template.params if param_key(str(p.name)) in names]
        if len(present) > 1:
            given = ", ".join(param_key(str(p.name)) for p in present)
            raise UnsafeEdit(
                f"{change.title or 'page'}: {change.param} is given {len(present)} times "
                f"in {change.template} #{change.instance} ({given})",
                ("duplicate-param",),
            )
        return Located(change, template, names)

    def _instances(self, found: Scan, template: str) -> list[Template]:
        """The page's calls of ``template`` (a record kind, its name, or any template)."""
        matcher = self.reader.matcher
        kind = matcher.kind_of_template(template)
        if kind is not None:
            return [t for t in found.templates if matcher.kind(str(t.name)) == kind]
        keys = matcher.names_for(template)
        return [t for t in found.templates if template_key(str(t.name)) in keys]

    def _kinds(self, found: Scan) -> list[str]:
        """The record templates of a page, in order: an edit must not add or lose one."""
        kinds = (self.reader.matcher.kind(str(t.name)) for t in found.templates)
        return [kind for kind in kinds if kind is not None]

    def refuse_present(self, text: str, change: Change) -> None:
        """Refuse adding a parameter the instance already gives (by any name of its field)."""
        found = Tree.read(text).found
        refuse_unsafe_page(self.reader.read_scan(found, change.title))
        spot = self._locate(found, change)
        index = _index(spot)
        if index is not None:
            given = param_key(str(spot.template.params[index].name))
            raise UnsafeEdit(f"{change.title or 'page'}: {change.param} is already given in "
                             f"{change.template} #{change.instance} ({given}): add never "
                             "replaces a value", (PRESENT,))

    def target_names(self, param: str) -> tuple[str, ...]:
        """The parameter names a change of ``param`` writes: its own, then its field's others."""
        return same_field_names(self.schema, self._param_name(param))

    def _param_name(self, param: str) -> str:
        """A record field name (``map_link``) stands for its canonical parameter (``carte``)."""
        if param in self.schema.params and param_key(param) not in _all_param_names(self.schema):
            return self.schema.params[param][0]
        return param

    def _current(self, spot: Located, template: Template | None = None) -> str | None:
        """The value the template gives the parameter now, as the reader reads it."""
        targets = spot.names[0] in self.reader.records.names.get("fiche", ())
        return _current(template or spot.template, spot.names, targets)

    def _check_old(self, spot: Located) -> None:
        """Refuse a change planned against a value the page no longer has."""
        if spot.change.old is None:
            return
        current = self._current(spot)
        if canonical(current or "") != canonical(spot.change.old):
            raise UnsafeEdit(
                f"{spot.change.title or 'page'}: {spot.change.param} is now "
                f"{current!r}, not {spot.change.old!r}"
            )

    def _plan(self, tree: Tree, spot: Located, written: str | None,
              verbatim: bool = False) -> Splice | None:
        """The one splice that sets, adds or removes the located parameter (None: nothing)."""
        template = spot.template
        span = template_span(template, tree.offsets[id(template)])
        params = template.params
        index = _index(spot)
        if written is None:
            if index is None:
                return None
            later = params[index + 1 :]
            if not params[index].showkey and any(not p.showkey for p in later):
                raise UnsafeEdit(f"{spot.change.title or 'page'}: removing positional "
                                 f"parameter {spot.change.param} would renumber the ones "
                                 "after it", (POSITIONAL,))
            return Splice(span.params[index].bar, span.params[index].value_end, "")
        if index is not None:
            place = span.params[index]
            value = written if verbatim else replace_value(str(params[index].value), written,
                                                           infer_style(template))
            return Splice(place.value_start, place.value_end, value)
        piece = added_piece(template, spot.names[0], written.strip() if verbatim else written)
        return Splice(span.close, span.close, piece)

    def _prove(self, tree: Tree, spot: Located, splice: Splice, new_text: str,
               raw: bool) -> Tree:
        """``new_text`` read, unless it is not the one splice with all else kept (refused)."""
        title = spot.change.title or "page"
        after = Tree.read(new_text)
        page = self.reader.read_scan(after.found)
        if page.unsafe_problems() or self._kinds(after.found) != self._kinds(tree.found):
            raise UnsafeEdit(_unsafe_message("the edited page would be broken", page),
                             (BROKEN, *(p.code for p in page.unsafe_problems())))
        target = next(i for i, t in enumerate(tree.found.templates) if t is spot.template)
        edited, why = check(tree.placed(), after.placed(), splice, target)
        if not splice.made(tree.text, new_text) or edited is None:
            raise UnsafeEdit(f"{title}: {spot.change.param} not written: {why or 'not one splice'}",
                             (INEXACT,))
        if not _others_kept(spot, edited, _index(spot)):
            raise UnsafeEdit(f"{title}: {spot.change.param} not written: it or another "
                             f"parameter of {spot.change.template} would not stay the same "
                             "parameter", (INEXACT,))
        current = self._current(spot, edited)
        if spot.change.new is None or raw:
            ok = (current is None) == (spot.change.new is None)
        else:
            ok = current == canonical(spot.change.new)
        if not ok:
            raise UnsafeEdit(f"{title}: {spot.change.param} would read back as {current!r}, "
                             f"not {spot.change.new!r}", (INEXACT,))
        return after


def _escaped(spot: Located, value: str) -> str:
    """``value`` escaped; for a positional parameter a bare ``=`` too, or it would name it."""
    written = escape_value(value)
    index = _index(spot)
    if index is None or spot.template.params[index].showkey or written.startswith("<nowiki>"):
        return written
    return written.replace("=", "&#61;")


def _index(spot: Located) -> int | None:
    """Where the located parameter is among its template's parameters (None: absent)."""
    return next((i for i, p in enumerate(spot.template.params)
                 if param_key(str(p.name)) in spot.names), None)


def _others_kept(spot: Located, edited: Template, index: int | None) -> bool:
    """Every parameter but the one written is byte-identical, in order, after the edit."""
    before = [param_identity(p) for p in spot.template.params]
    after = [param_identity(p) for p in edited.params]
    if spot.change.new is None:
        return index is not None and after == before[:index] + before[index + 1 :]
    if index is not None:
        return (len(after) == len(before) and after[index][:2] == before[index][:2]
                and all(a == b for i, (a, b) in enumerate(zip(after, before, strict=True))
                        if i != index))
    return any(after[:k] + after[k + 1 :] == before and after[k][0]
               and param_key(after[k][1]) in spot.names for k in range(len(after)))


def _all_param_names(schema: Schema) -> set[str]:
    """Every parameter name the schema knows, canonical or alias."""
    return {param_key(n) for f in schema.params for n in schema.param_names(f)}


def _current(template: Template, names: tuple[str, ...], targets: bool = False) -> str | None:
    """The normalised value the template gives the parameter (None when absent)."""
    params = Params.of(template)
    for name in names:
        last = params.last(name)
        if last is not None:
            return link_target_text(last[1].value) if targets else value_text(last[1].value)
    return None


def refuse_unsafe_page(page: PageParse) -> None:
    """Raise ``UnsafeEdit`` when the page's own problems forbid any automatic edit."""
    problems = page.unsafe_problems()
    if problems:
        raise UnsafeEdit(_unsafe_message("unsafe to edit", page), tuple(p.code for p in problems))


def _unsafe_message(what: str, page: PageParse) -> str:
    """One line: the page, what is wrong, and its unsafe problems with their details."""
    problems: list[Problem] = page.unsafe_problems()
    listed = ", ".join(f"{p.code} ({p.detail})" if p.detail else p.code for p in problems)
    return f"{page.title or 'page'}: {what}: {listed or 'templates changed'}"


# --- the value-level editor ------------------------------------------------------------


def replace_value(old: str, new: str, style: ParamStyle) -> str:
    """``old`` with its content replaced by ``new``: whitespace, comments and refs kept.

    Comments and ``<ref>``s before and after the content stay; a value that was only
    comments (a placeholder like ``<!-- à compléter -->``) is replaced whole, refs kept.
    """
    lead, core, trail = split_ws(old)
    if not new:  # an emptied value: ``| p =`` then the line end, no dangling space
        lead = ""
        style = ParamStyle()
    pieces = _pieces(parse_wikitext(core))
    solid = [i for i, (kind, _) in enumerate(pieces) if kind != "space"]
    content = [i for i in solid if pieces[i][0] == "content"]
    if not content:  # empty, or only comments and refs: a placeholder, replaced whole
        refs = "".join(text for kind, text in pieces if kind == "ref")
        return (lead or style.value_lead) + new + refs + trail
    before = "".join(text for _, text in pieces[: content[0]])
    after = "".join(text for _, text in pieces[content[-1] + 1 :])
    return (lead + before or style.value_lead) + new + after + trail


def _pieces(code: Wikicode) -> list[tuple[str, str]]:
    """The value as (kind, text) pieces: ``space``, ``comment``, ``ref`` or ``content``."""
    pieces: list[tuple[str, str]] = []
    for node in code.nodes:
        if isinstance(node, Comment):
            pieces.append(("comment", str(node)))
        elif isinstance(node, Tag) and str(node.tag).strip().casefold() == "ref":
            pieces.append(("ref", str(node)))
        elif isinstance(node, Text):
            lead, core, trail = split_ws(node.value)
            pieces += [("space", lead), ("content", core), ("space", trail)]
        else:
            pieces.append(("content", str(node)))
    return [(kind, text) for kind, text in pieces if text]


def apply_changes(text: str, changes: Iterable[Change], schema: Schema | None = None,
                  aliases: Aliases | None = None, *, raw: bool = False,
                  check_old: bool = False) -> str:
    """Apply ``changes`` (template kind + instance + param + new value) to one page text."""
    return TemplateEditor(schema, aliases).apply(text, changes, raw=raw, check_old=check_old)


def set_param(text: str, template: str, param: str, value: str, *, instance: int = 0,
              schema: Schema | None = None, aliases: Aliases | None = None,
              raw: bool = False, title: str = "") -> str:
    """Set one parameter of one template instance (added when absent); escaped unless ``raw``."""
    change = Change(title, template, instance, param, None, value, "set")
    return apply_changes(text, [change], schema, aliases, raw=raw)


def add_param(text: str, template: str, param: str, value: str, *, instance: int = 0,
              schema: Schema | None = None, aliases: Aliases | None = None,
              raw: bool = False, title: str = "") -> str:
    """Add one parameter the template instance lacks, as one piece before its ``}}``."""
    editor = TemplateEditor(schema, aliases)
    change = Change(title, template, instance, param, None, value, "add")
    editor.refuse_present(text, change)
    return editor.apply(text, [change], raw=raw)


def remove_param(text: str, template: str, param: str, *, instance: int = 0,
                 schema: Schema | None = None, aliases: Aliases | None = None,
                 title: str = "") -> str:
    """Remove one parameter (and only it) from one template instance; absent: text as is."""
    change = Change(title, template, instance, param, None, None, "remove")
    return apply_changes(text, [change], schema, aliases)
