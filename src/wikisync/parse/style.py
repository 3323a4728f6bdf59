"""A template's layout, learnt from its own parameters, so that an added parameter fits in.

Three layouts are common on the wiki: aligned (``| nom          = …`` one per line), one per
line without alignment (``|nom=…``), and compact on one line (``{{Pôle ESS|nom=…|type=…}}``).
The style records the whitespace around names, ``=`` and values, the column ``=`` sits at
when names are padded to it, and what ends a value (before the next ``|`` or the ``}}``).

``added_piece`` builds the one piece an added parameter is: inserted just before ``}}``, it
must leave every existing value as it was, so it always starts with its own ``|`` (or, in
the trailing-pipe layout, ends with one); where the layout would need a byte changed, the
piece gives up that bit of layout instead.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from mwparserfromhell.nodes import Template


@dataclass(frozen=True)
class ParamStyle:
    """Whitespace of one template's layout."""

    name_lead: str = ""  # between ``|`` and the name
    name_trail: str = ""  # between the name and ``=`` (unaligned layouts)
    width: int | None = None  # len(lead + name + padding) when names are aligned
    value_lead: str = ""  # between ``=`` and the value
    separator: str = ""  # after a value followed by another parameter
    final: str = ""  # after the last value, before ``}}``

    def name(self, name: str, line_start: bool = False) -> str:
        """The text of a new parameter's name, padded like its neighbours.

        ``line_start``: the name starts a line, so the lead loses what precedes its last
        line break (the break is already there).
        """
        lead = _line_start(self.name_lead) if line_start else self.name_lead
        if self.width is not None:
            width = self.width - (len(self.name_lead) - len(lead))
            head = lead + name
            return head.ljust(width) if len(head) < width else head + " "
        return lead + name + self.name_trail

    def inline_name(self, name: str) -> str:
        """A new parameter's name on the line of the previous value (no column padding)."""
        return self.name_lead + name + (self.name_trail if self.width is None else " ")


WS = " \t\n\r\x0b\x0c"  # what MediaWiki trims around a named parameter's value (PHP trim)


def split_ws(text: str) -> tuple[str, str, str]:
    """Leading whitespace, content, trailing whitespace (all-blank: split at the newline)."""
    core = text.strip(WS)
    if not core:
        cut = len(text.split("\n", 1)[0].split("\r", 1)[0])
        return text[:cut], "", text[cut:]
    start = len(text) - len(text.lstrip(WS))
    return text[:start], core, text[start + len(core) :]


_BREAK = re.compile(r"\r\n|\n|\r")


def added_piece(template: Template, name: str, written: str) -> str:
    """The text to insert just before ``template``'s ``}}`` to add ``name = written``."""
    style = infer_style(template)
    value = "=" + (style.value_lead + written if written else "")
    last = template.params[-1] if template.params else None
    if last is not None and not last.showkey and not str(last.value).strip(WS):
        blank = str(last.value)  # trailing pipe (``x = 1 |`` then ``}}``): keep it last
        head = style.name(name, line_start=bool(_BREAK.search(blank)))
        return head + value + style.separator + "|" + blank
    trail = split_ws(str(last.value) if last is not None else str(template.name))[2]
    breaks = list(_BREAK.finditer(trail))
    if breaks:  # ``}}`` on its own line: a line of its own, ending like the last one
        return "|" + style.name(name, line_start=True) + value + trail[breaks[-1].start() :]
    return "|" + style.inline_name(name) + value + trail  # one line, or ``}}`` after a value


def _line_start(lead: str) -> str:
    """A name's lead as written at the start of a line: what follows its last line break."""
    found = list(_BREAK.finditer(lead))
    return lead[found[-1].end() :] if found else lead


def _most_common(values: list[str], default: str) -> str:
    """The most frequent string (the first seen on ties), or ``default`` for none."""
    return Counter(values).most_common(1)[0][0] if values else default


def infer_style(template: Template) -> ParamStyle:
    """The layout of ``template``; defaults by whether it spans several lines."""
    named = [p for p in template.params if p.showkey]
    multiline = "\n" in str(template)
    if not named:
        if multiline:
            return ParamStyle(" ", " ", None, " ", "\n", "\n")
        return ParamStyle()
    names = [split_ws(str(p.name)) for p in named]
    values = [split_ws(str(p.value)) for p in named]
    every_value = [split_ws(str(p.value)) for p in template.params]
    final = every_value[-1][2]
    separators = [v[2] for v in every_value[:-1]]
    return ParamStyle(
        name_lead=_most_common([n[0] for n in names], ""),
        name_trail=_most_common([n[2] for n in names], ""),
        width=_alignment(named),
        value_lead=_most_common([v[0] for v in values if v[1]], " " if multiline else ""),
        separator=_most_common(separators, final),
        final=final,
    )


def _alignment(named: list) -> int | None:
    """The common width of padded names, when at least two differently long names share it."""
    widths = Counter(len(str(p.name)) for p in named if "\n" not in str(p.name))
    if not widths:
        return None
    width, count = widths.most_common(1)[0]
    lengths = {len(str(p.name).strip()) for p in named if len(str(p.name)) == width}
    if count >= 2 and len(lengths) >= 2 and count * 2 >= len(named):
        return width
    return None
