"""Wikitext to a mwparserfromhell tree, choosing the tokenizer so that no input corrupts memory.

mwparserfromhell 0.7.2's C tokenizer writes out of bounds when it meets a ``&`` that could
start an HTML entity (upstream issue #352).  ``safe-c`` mode (the default) hides every ``&``
behind a private-use character the text does not contain, tokenizes in C, and puts the ``&``
back in the tokens before the tree is built: the tree prints back byte for byte, entities stay
plain text (we decode them ourselves) and nothing else changes, because ``&`` only matters to
the tokenizer as the start of an entity.  ``python-amp`` mode (the pure-Python tokenizer for
texts containing ``&``) and ``python`` mode exist for measurement and as the fallback.
"""

from __future__ import annotations

import os
from typing import Any, Literal

from mwparserfromhell.nodes import Text
from mwparserfromhell.parser import ParserError
from mwparserfromhell.parser.builder import Builder
from mwparserfromhell.parser.tokenizer import Tokenizer
from mwparserfromhell.smart_list import SmartList
from mwparserfromhell.wikicode import Wikicode

try:
    from mwparserfromhell.parser._tokenizer import CTokenizer
except ImportError:  # pragma: no cover - the wheel always ships it
    CTokenizer = None

Mode = Literal["safe-c", "python-amp", "python"]
MODES: tuple[Mode, ...] = ("safe-c", "python-amp", "python")
_PUA_FIRST, _PUA_LAST = 0xE000, 0xF8FF


def default_mode() -> Mode:
    """The tokenizer mode: ``$WIKISYNC_TOKENIZER`` when valid, else ``safe-c`` (or ``python``)."""
    wanted = os.environ.get("WIKISYNC_TOKENIZER", "safe-c")
    if CTokenizer is None:
        return "python"
    for mode in MODES:
        if wanted == mode:
            return mode
    return "safe-c"


def parse_wikitext(text: str, mode: Mode | None = None) -> Wikicode:
    """Parse ``text`` into a tree that prints back to ``text``; never raises on any input."""
    mode = mode or default_mode()
    try:
        return Builder().build(_tokens(text, mode))
    except (ParserError, RecursionError, MemoryError):
        pass
    try:
        return Builder().build(Tokenizer().tokenize(text, 0, False))
    except (ParserError, RecursionError, MemoryError):
        return plain_text(text)


def plain_text(text: str) -> Wikicode:
    """A tree of one text node: the last resort, and the way to insert text without parsing."""
    return Wikicode(SmartList([Text(text)]))


def _tokens(text: str, mode: Mode) -> list[Any]:
    """Tokenize ``text`` with the tokenizer ``mode`` allows for it."""
    if mode == "python" or CTokenizer is None:
        return list(Tokenizer().tokenize(text, 0, False))
    if "&" not in text:
        return list(CTokenizer().tokenize(text, 0, False))
    if mode == "python-amp":
        return list(Tokenizer().tokenize(text, 0, False))
    mask = _free_private_char(text)
    if mask is None:  # the text uses every private-use character: take the slow, safe road
        return list(Tokenizer().tokenize(text, 0, False))
    tokens = CTokenizer().tokenize(text.replace("&", mask), 0, False)
    _unmask(tokens, mask)
    return list(tokens)


def _free_private_char(text: str) -> str | None:
    """A private-use character absent from ``text``, to stand in for ``&`` while tokenizing."""
    for code in range(_PUA_FIRST, _PUA_LAST + 1):
        char = chr(code)
        if char not in text:
            return char
    return None


def _unmask(tokens: list[Any], mask: str) -> None:
    """Put ``&`` back into every string attribute of every token."""
    for token in tokens:
        for key, value in token.items():
            if isinstance(value, str) and mask in value:
                token[key] = value.replace(mask, "&")


def tokenizer_for(text: str, mode: Mode | None = None) -> str:
    """Which tokenizer ``parse_wikitext`` uses for ``text`` (``c``, ``c-masked``, ``python``)."""
    mode = mode or default_mode()
    if mode == "python" or CTokenizer is None:
        return "python"
    if "&" not in text:
        return "c"
    return "python" if mode == "python-amp" else "c-masked"

