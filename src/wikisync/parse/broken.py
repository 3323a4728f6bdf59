"""Unclosed template calls rebuilt, keeping only the parameters whose extent is certain.

A call the parser could not close (``{{Fiche initiative|nom=X|commune=Brest}``, or no
closing braces at all) is left as plain text at the top of the tree. ``broken_calls`` finds
each such ``{{`` and rebuilds the call from its text, up to the first single ``}`` (taken as
the intended close) or the next unclosed ``{{`` or the end of the page. Only parameters that
cannot mean anything else are kept: a named parameter on one line (name and trimmed value
without a line break), in an unbroken run from the first parameter, delimited on the right
by the next parameter's ``|`` or by that single ``}``. Without a close, the last parameter's
value could run into the page's text, so it is dropped. What is kept reads as the record of
a broken page; the page itself stays unsafe to edit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from mwparserfromhell.nodes import Node, Template, Text
from mwparserfromhell.nodes.extras import Parameter
from mwparserfromhell.wikicode import Wikicode

from wikisync.parse.tree import parse_wikitext, plain_text

_STOP = re.compile(r"\{\{|\}")  # another unclosed call, or a single closing brace
_NAME = re.compile(r"\{\{([^{}|]*)")


def broken_calls(code: Wikicode) -> Iterator[Template]:
    """Each top-level unclosed ``{{`` as a template holding only its unambiguous parameters."""
    nodes = list(code.nodes)
    for index, node in enumerate(nodes):
        if not isinstance(node, Text):
            continue
        start = node.value.find("{{")
        while start >= 0:
            source, closed = call_source(node.value[start:], nodes[index + 1 :])
            yield rebuild(source, closed)
            start = node.value.find("{{", start + 2)


def call_source(head: str, rest: Sequence[Node]) -> tuple[str, bool]:
    """The call's text from its ``{{`` to its likely end; True when a single ``}`` ends it."""
    parts = ["{{"]
    chunks: list[str | Node] = [head[2:], *rest]
    for chunk in chunks:
        text = chunk if isinstance(chunk, str) else chunk.value if isinstance(chunk, Text) else None
        if text is None:  # a whole node (link, comment, nested template): part of a value
            parts.append(str(chunk))
            continue
        stop = _STOP.search(text)
        if stop is not None:
            parts.append(text[: stop.start()])
            return "".join(parts), stop.group() == "}"
        parts.append(text)
    return "".join(parts), False


def rebuild(source: str, closed: bool) -> Template:
    """The call of ``source`` (without its close) with only the parameters safe to read."""
    nodes = parse_wikitext(source + "}}").nodes
    if len(nodes) != 1 or not isinstance(nodes[0], Template):
        match = _NAME.match(source)
        # a Wikicode name: a string would go through mwparserfromhell's unsafe C tokenizer
        return Template(plain_text(match.group(1) if match else ""))
    template = nodes[0]
    params = template.params
    clean = next((i for i, param in enumerate(params) if not _one_line(param)), len(params))
    keep = clean if closed else min(clean, len(params) - 1)
    del params[keep:]
    return template


def _one_line(param: Parameter) -> bool:
    """A named parameter whose name and trimmed value hold no line break."""
    name, value = str(param.name).strip(), str(param.value).strip()
    return bool(param.showkey and name) and "\n" not in name and "\n" not in value
