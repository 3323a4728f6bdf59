"""One message catalog: what the wiki and its admins read, in the wiki's language.

``fr`` and ``en`` hold the same keys (a test checks it). ``messages(language)`` gives a
``Messages``: call it with a key and the placeholders' values. The audit's data (its JSON)
keeps English details such as ``site web given 2 times``; those texts are the English
catalog's ``detail.*``/``where.*`` entries, so ``Messages.detail`` reads them back and says
them in the report's language.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from wikisync.i18n import en, fr

CATALOGS: dict[str, dict[str, str]] = {"fr": fr.MESSAGES, "en": en.MESSAGES}
LANGUAGES = tuple(CATALOGS)
DEFAULT_LANGUAGE = "fr"
PATTERN_PREFIXES = ("detail.", "where.")
# Placeholders that are numbers in the data (so ``{metres} m`` only reads ``2002 m``).
NUMERIC = {"metres", "count", "cells", "columns", "line", "number", "run", "revid"}
NESTED = {"detail", "where"}  # placeholders holding a translatable text themselves


class MetaStore(Protocol):
    """Where the wiki's language is remembered between runs (``store.Store``'s meta table)."""

    def get_meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str | None) -> None: ...


class Labelled(Protocol):
    """A hub type: its key and its legend label (``schema.HubType``)."""

    @property
    def key(self) -> str: ...

    @property
    def label(self) -> str: ...


def language_of(code: str | None) -> str:
    """The catalog language for a wiki language code: ``fr-ca`` is fr, unknown ones en."""
    if not code or not code.strip():
        return DEFAULT_LANGUAGE
    base = code.strip().lower().replace("_", "-").split("-")[0]
    return base if base in CATALOGS else "en"


def placeholders(text: str) -> list[str]:
    """The placeholder names of a catalog text, in order."""
    return [name for _, name, _, _ in string.Formatter().parse(text) if name]


def _pattern(text: str) -> re.Pattern[str]:
    """A regular expression matching the texts an English catalog entry produces."""
    parts = []
    for literal, name, _, _ in string.Formatter().parse(text):
        parts.append(re.escape(literal))
        if name:
            parts.append(f"(?P<{name}>{r'[0-9]+' if name in NUMERIC else '.+?'})")
    return re.compile("".join(parts), re.DOTALL)


@lru_cache(maxsize=1)
def detail_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The English detail patterns, most literal text first (the most specific wins)."""
    found = [(key, text) for key, text in en.MESSAGES.items() if key.startswith(PATTERN_PREFIXES)]
    found.sort(key=lambda item: -len(re.sub(r"\{[^{}]*\}", "", item[1])))
    return tuple((key, _pattern(text)) for key, text in found)


@dataclass(frozen=True)
class Messages:
    """The catalog of one language, with the legend's type labels (key -> label)."""

    language: str = DEFAULT_LANGUAGE
    type_labels: Mapping[str, str] = field(default_factory=dict)

    def __call__(self, key: str, **args: object) -> str:
        """The message ``key`` with its placeholders filled; an unknown key is a bug."""
        return CATALOGS[self.language][key].format(**args)

    def get(self, key: str, default: str) -> str:
        """The message ``key`` (no placeholders), or ``default`` when the catalog has none."""
        return CATALOGS[self.language].get(key, default)

    def count(self, key: str, count: int) -> str:
        """``key.one`` for one, else ``key.many`` with ``count``."""
        return self(f"{key}.one") if count == 1 else self(f"{key}.many", count=count)

    def kind(self, kind: str) -> str:
        """A difference kind's label (``missing-on-wiki`` -> « absent du wiki »)."""
        return self.get(f"kind.{kind}", kind)

    def field(self, name: str | None) -> str | None:
        """A record field's name as the wiki says it, or a problem code's label."""
        if name is None:
            return None
        return self.get(f"field.{name}", self.get(f"problem.{name}", name))

    def type_label(self, value: str | None) -> str | None:
        """A type key as the legend's label; any other text as it is."""
        return self.type_labels.get(value, value) if value is not None else None

    def detail(self, text: str | None) -> str | None:
        """A detail of the audit's data (English, see ``en``) in this language."""
        if text is None:
            return None
        for key, pattern in detail_patterns():
            found = pattern.fullmatch(text)
            if found:
                args = {name: self._arg(name, value) for name, value in found.groupdict().items()}
                return self(key, **args)
        return text

    def _arg(self, name: str, value: str) -> str:
        """One placeholder's value: nested texts, type keys and reasons translated too."""
        if name in NESTED:
            return self.detail(value) or value
        if name == "type":
            return self.type_label(value) or value
        if name == "reason":
            return self.get(f"reason.{value}", value)
        return value


def messages(language: str | None = None, types: Iterable[Labelled] = ()) -> Messages:
    """The catalog for a language code (``fr`` when none), labelling ``types`` as the legend."""
    return Messages(language_of(language), {t.key: t.label for t in types})


LANGUAGE_META = "wiki_language"  # the store's meta key for the wiki's siteinfo ``lang``


def choose_language(configured: str | None, site: str | None = None,
                    recorded: str | None = None) -> str:
    """``[wiki] language``, else the wiki's (siteinfo, else as recorded), else French."""
    for code in (configured, site, recorded):
        if code and code.strip():
            return language_of(code)
    return DEFAULT_LANGUAGE


def for_wiki(configured: str | None, types: Iterable[Labelled], store: MetaStore | None = None,
             site: str | None = None) -> Messages:
    """The catalog of a wiki: ``choose_language``; a ``site`` language is recorded in ``store``."""
    if store is not None and site:
        store.set_meta(LANGUAGE_META, site)
    recorded = store.get_meta(LANGUAGE_META) if store is not None else None
    return messages(choose_language(configured, site, recorded), types)
