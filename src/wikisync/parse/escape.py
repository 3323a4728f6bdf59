"""Plain values made safe to write as template parameter values, and read back unchanged.

``escape_value(v)`` is wikitext that wikisync's reader (and MediaWiki's display) turns back into
``canonical(v)``: ``|`` becomes ``{{!}}``, a newline ``&#10;``, an ``&`` that would start an
entity ``&amp;``; a value holding any other markup (braces, brackets, ``<``, ``''``, ``~~~``,
``__``, a leading ``=``) is wrapped whole in ``<nowiki>…</nowiki>``, where ``|`` needs no escape
but ``<`` becomes ``&lt;`` so the wrapper cannot be closed early.
"""

from __future__ import annotations

import re

from wikisync.parse.values import ENTITY, canonical

_MARKUP = re.compile(r"[{}\[\]<>]|''|~~~|__|^=")


def escape_value(value: str) -> str:
    """Wikitext for the plain ``value``, safe inside ``{{T|p=…}}`` (a Jinja filter too)."""
    value = canonical(value)
    text = ENTITY.sub(lambda m: "&amp;" + m.group(0)[1:], value)
    text = text.replace("\n", "&#10;")
    if not _MARKUP.search(value):
        return text.replace("|", "{{!}}")
    return "<nowiki>" + text.replace("<", "&lt;") + "</nowiki>"
