"""Lossless write-back: change one parameter's value and leave every other byte alone.

The page is parsed once; each change replaces the value of one ``Parameter`` in the tree (or
adds or removes one parameter) and the tree is printed back, so everything that was not
touched prints exactly as it was read.  ``Template.add``/``remove`` are never used: they drop
comments and ``<ref>``s in the value and silently delete duplicate parameters.

Safety first: a page whose problems make an edit unsafe, a duplicated target parameter, or a
result that would not read back as intended raises ``UnsafeEdit`` and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mwparserfromhell.nodes import Comment, Tag, Template, Text
from mwparserfromhell.nodes.extras import Parameter
from mwparserfromhell.wikicode import Wikicode

from wikisync.errors import UnsafeEdit
from wikisync.model import Change, Problem
from wikisync.parse.escape import escape_value
from wikisync.parse.names import Aliases, param_key, same_field_names, template_key
from wikisync.parse.page import PageParse, PageReader, Scan, scan
from wikisync.parse.records import Params
from wikisync.parse.style import ParamStyle, infer_style, split_ws
from wikisync.parse.tree import parse_wikitext, plain_text
from wikisync.parse.values import canonical, link_target_text, value_text
from wikisync.schema import Schema


@dataclass(frozen=True)
class Located:
    """One change resolved to its template in the tree and the parameter name to write."""

    change: Change
    template: Template
    names: tuple[str, ...]  # the parameter's name and the names of the same field


class Editor:
    """Applies changes to page texts for one schema and one set of template aliases."""

    def __init__(self, schema: Schema | None = None, aliases: Aliases | None = None) -> None:
        self.reader = PageReader(schema, aliases)
        self.schema = self.reader.schema

    def apply(self, text: str, changes: Iterable[Change], raw: bool = False,
              check_old: bool = False) -> str:
        """The page text with every change applied, or ``UnsafeEdit`` and nothing changed."""
        changes = list(changes)
        tree = parse_wikitext(text)
        found = scan(tree)
        page = self.reader.read_scan(found, changes[0].title if changes else "")
        refuse_unsafe_page(page)
        located = [self._locate(found, change) for change in changes]
        for spot in located:
            if check_old:
                self._check_old(spot)
            new = spot.change.new
            if new is not None and not raw and self._current(spot) == canonical(new):
                continue  # already says that (``[[Brest]]`` for ``Brest``): leave it as written
            _write(spot, new if raw or new is None else escape_value(new))
        new_text = str(tree)
        if new_text != text:
            self._verify(found, new_text, located, raw)
        return new_text

    def _locate(self, found: Scan, change: Change) -> Located:
        """The template instance a change is for, refusing a duplicated target parameter."""
        instances = self._instances(found, change.template)
        if not 0 <= change.instance < len(instances):
            raise UnsafeEdit(
                f"{change.title or 'page'}: no {change.template} #{change.instance} "
                f"(the page has {len(instances)})"
            )
        template = instances[change.instance]
        names = same_field_names(self.schema, self._param_name(change.param))
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

    def _verify(self, before: Scan, new_text: str, located: list[Located], raw: bool) -> None:
        """The new text must parse as safely, with the same templates and the values written."""
        after = scan(parse_wikitext(new_text))
        page = self.reader.read_scan(after)
        if page.unsafe_problems() or self._kinds(after) != self._kinds(before):
            raise UnsafeEdit(_unsafe_message("the edited page would be broken", page))
        for spot in located:
            instances = self._instances(after, spot.change.template)
            template = instances[spot.change.instance] if spot.change.instance < len(
                instances) else None
            current = self._current(spot, template) if template is not None else "?"
            if spot.change.new is None or raw:
                ok = (current is None) == (spot.change.new is None)
            else:
                ok = current == canonical(spot.change.new)
            if not ok:
                raise UnsafeEdit(
                    f"{spot.change.title or 'page'}: {spot.change.param} would read back "
                    f"as {current!r}, not {spot.change.new!r}"
                )


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


def _write(spot: Located, written: str | None) -> None:
    """Set, add or remove the parameter of one located change."""
    params = spot.template.params
    index = next((i for i, p in enumerate(params)
                  if param_key(str(p.name)) in spot.names), None)
    if written is None:
        if index is not None:
            _remove(spot.template, index)
    elif index is not None:
        new_value = replace_value(str(params[index].value), written, infer_style(spot.template))
        params[index].value = plain_text(new_value)
    else:
        _add(spot.template, spot.names[0], written)


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


def _remove(template: Template, index: int) -> None:
    """Drop one parameter; the last one hands its closing whitespace to the one before."""
    params = template.params
    if index == len(params) - 1 and index > 0:
        final = split_ws(str(params[index].value))[2]
        previous = params[index - 1]
        lead, core, _ = split_ws(str(previous.value))
        previous.value = plain_text(lead + core + final)
    del params[index]


def _add(template: Template, name: str, written: str) -> None:
    """Append a parameter where the template's layout puts it: last, before ``}}``."""
    style = infer_style(template)
    params = template.params
    if params:
        last = params[-1]
        lead, core, trail = split_ws(str(last.value))
        if trail != style.separator:
            last.value = plain_text(lead + core + style.separator)
    value = (style.value_lead + written if written else "") + style.final
    params.append(Parameter(plain_text(style.name(name)), plain_text(value), showkey=True))


def apply_changes(text: str, changes: Iterable[Change], schema: Schema | None = None,
                  aliases: Aliases | None = None, *, raw: bool = False,
                  check_old: bool = False) -> str:
    """Apply ``changes`` (template kind + instance + param + new value) to one page text."""
    return Editor(schema, aliases).apply(text, changes, raw=raw, check_old=check_old)


def set_param(text: str, template: str, param: str, value: str, *, instance: int = 0,
              schema: Schema | None = None, aliases: Aliases | None = None,
              raw: bool = False, title: str = "") -> str:
    """Set one parameter of one template instance; ``value`` is escaped unless ``raw``."""
    change = Change(title, template, instance, param, None, value, "set")
    return apply_changes(text, [change], schema, aliases, raw=raw)


def remove_param(text: str, template: str, param: str, *, instance: int = 0,
                 schema: Schema | None = None, aliases: Aliases | None = None,
                 title: str = "") -> str:
    """Remove one parameter (and only it) from one template instance."""
    change = Change(title, template, instance, param, None, None, "remove")
    return apply_changes(text, [change], schema, aliases)
