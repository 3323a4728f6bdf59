"""wikisync: a MediaWiki bot for the ESS hubs wiki (records, sync, generation, audit, map).

The public Python API (docs/api.md) is what other bot authors reuse: ``read_page`` (a page's
wikitext into records and problems) and the lossless ``set_param``/``add_param``/
``remove_param`` of one template parameter, which raise ``UnsafeEdit`` rather than write a
risky edit. Everything else is internal and may move. The names load lazily (PEP 562), so
``import wikisync`` (and ``wikisync --version``) imports no parser.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what the lazy names are, for type checkers and readers
    from wikisync.errors import UnsafeEdit, WikisyncError
    from wikisync.model import Problem, Record
    from wikisync.parse.edit import add_param, remove_param, set_param
    from wikisync.parse.names import Aliases
    from wikisync.parse.page import PageParse, read_page
    from wikisync.schema import Schema

__version__ = "0.1.0"

# Public name -> the module that holds it now (internals move freely behind this table).
_PUBLIC: dict[str, str] = {
    "read_page": "wikisync.parse.page",
    "PageParse": "wikisync.parse.page",
    "set_param": "wikisync.parse.edit",
    "add_param": "wikisync.parse.edit",
    "remove_param": "wikisync.parse.edit",
    "Aliases": "wikisync.parse.names",
    "Record": "wikisync.model",
    "Problem": "wikisync.model",
    "Schema": "wikisync.schema",
    "UnsafeEdit": "wikisync.errors",
    "WikisyncError": "wikisync.errors",
}

__all__ = [
    "Aliases",
    "PageParse",
    "Problem",
    "Record",
    "Schema",
    "UnsafeEdit",
    "WikisyncError",
    "__version__",
    "add_param",
    "read_page",
    "remove_param",
    "set_param",
]


def __getattr__(name: str) -> Any:
    """Load a public name on first use (and keep it), so that importing wikisync stays light."""
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'wikisync' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's names with the public ones not loaded yet (for ``dir`` and completion)."""
    return sorted({*globals(), *_PUBLIC})
