"""Template and parameter names compared the way MediaWiki compares them.

A template name matches when, after dropping comments, an optional ``Modèle:``/``Template:``
prefix, surrounding whitespace, turning ``_`` into spaces and folding the first letter's case,
it equals the schema's name or one of the aliases (template redirects) the caller passes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from wikisync.schema import Schema
from wikisync.text import title_key

NAMESPACE_PREFIXES = ("modèle", "template")
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_NAMESPACE = re.compile(r"^\s*([^:]*?)\s*:\s*(.*)$", re.DOTALL)

Aliases = Mapping[str, Iterable[str]]
KINDS = ("fiche", "region", "row")


def template_key(raw_name: str) -> str:
    """The canonical name a template call refers to, without namespace prefix or comments."""
    name = _COMMENT.sub("", raw_name) if "<!--" in raw_name else raw_name
    match = _NAMESPACE.match(name)
    if match and match.group(1).replace("_", " ").strip().casefold() in NAMESPACE_PREFIXES:
        name = match.group(2)
    return title_key(name)


def param_key(raw_name: str) -> str:
    """A parameter name as MediaWiki sees it: comments dropped, trimmed (case kept)."""
    name = _COMMENT.sub("", raw_name) if "<!--" in raw_name else raw_name
    return unicodedata.normalize("NFC", name.strip())


class TemplateMatcher:
    """Tells which kind of record template (fiche, region, row) a template name calls."""

    def __init__(self, schema: Schema | None = None, aliases: Aliases | None = None) -> None:
        self.schema = schema or Schema()
        self.aliases: Aliases = aliases or {}
        self._kinds: dict[str, str] = {}
        for kind, canonical in zip(KINDS, self.schema.record_templates, strict=True):
            self._kinds[template_key(canonical)] = kind
        for target, redirects in self.aliases.items():
            target_kind = target if target in KINDS else self._kinds.get(template_key(target))
            for redirect in redirects:
                if target_kind is not None:
                    self._kinds.setdefault(template_key(redirect), target_kind)

    def kind(self, raw_name: str) -> str | None:
        """``fiche``, ``region``, ``row`` or None for a template name as written."""
        return self._kinds.get(template_key(raw_name))

    def kind_of_template(self, name: str) -> str | None:
        """The kind a caller's template name designates (schema name, kind or redirect)."""
        return name if name in KINDS else self.kind(name)

    def names_for(self, name: str) -> frozenset[str]:
        """Every canonical key that calls the template ``name`` (itself and its aliases)."""
        kind = self.kind_of_template(name)
        if kind is None:
            keys = {template_key(name)}
            for target, redirects in self.aliases.items():
                if template_key(target) == template_key(name):
                    keys.update(template_key(r) for r in redirects)
            return frozenset(keys)
        return frozenset(key for key, k in self._kinds.items() if k == kind)


def field_of_param(schema: Schema) -> dict[str, str]:
    """Map each parameter name (canonical or alias) to its record field."""
    mapping: dict[str, str] = {}
    for record_field in schema.params:
        for name in schema.param_names(record_field):
            mapping.setdefault(param_key(name), record_field)
    return mapping


JOINED_FIELDS = frozenset({"contact"})  # names of these fields are distinct parameters


def same_field_names(schema: Schema, param: str) -> tuple[str, ...]:
    """The parameter names that hold the same field as ``param`` (itself first)."""
    key = param_key(param)
    record_field = field_of_param(schema).get(key)
    if record_field is None or record_field in JOINED_FIELDS:
        return (key,)
    others = [param_key(n) for n in schema.param_names(record_field) if param_key(n) != key]
    return (key, *others)
