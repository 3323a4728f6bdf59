"""Wikitext to a mwparserfromhell tree, choosing the tokenizer so that no input corrupts memory.

mwparserfromhell 0.7.2's C tokenizer writes out of bounds when it meets a ``&`` that could
start an HTML entity (upstream issue #352).  ``safe-c`` mode (the default) hides every ``&``
behind a private-use character the text does not contain, tokenizes in C, and puts the ``&``
back in the tokens before the tree is built: the tree prints back byte for byte, entities stay
plain text (we decode them ourselves) and nothing else changes, because ``&`` only matters to
the tokenizer as the start of an entity.  The C tokenizer also stops at a NUL (it reads it
as the end of the text, dropping the rest of the page); NUL means nothing to the grammar, so
it is masked the same way.  ``python-amp`` mode (the pure-Python tokenizer for texts
containing ``&``) and ``python`` mode exist for measurement and as the fallback.

Whatever the mode, ``parse_wikitext`` checks that the tree prints back the exact input and
falls back (pure-Python tokenizer, then one text node) when it does not, so no character
can cut a page.  ``control_characters`` lists the characters MediaWiki would not store as
written (it replaces them with U+FFFD on save): a page holding one cannot be edited exactly.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
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
_MASKED = ("&", "\x00")  # what the C tokenizer must never see
# C0 controls but tab, LF and CR; U+FFFE/U+FFFF; lone surrogates (no UTF-8 form at all)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


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
    tree = _build(lambda: _tokens(text, mode), text)
    if tree is None and mode != "python":
        tree = _build(lambda: Tokenizer().tokenize(text, 0, False), text)
    return tree if tree is not None else plain_text(text)


def _build(tokens: Callable[[], list[Any]], text: str) -> Wikicode | None:
    """The tree of ``tokens()`` if it builds and prints back exactly ``text``, else None."""
    try:
        tree = Builder().build(tokens())
    except (ParserError, RecursionError, MemoryError):
        return None
    return tree if str(tree) == text else None


def control_characters(text: str) -> list[str]:
    """The distinct characters of ``text`` MediaWiki replaces on save, in order (``U+0000``)."""
    seen: dict[str, None] = {}
    for match in _CONTROL.finditer(text):
        seen.setdefault(f"U+{ord(match.group()):04X}", None)
    return list(seen)


def plain_text(text: str) -> Wikicode:
    """A tree of one text node: the last resort, and the way to insert text without parsing."""
    return Wikicode(SmartList([Text(text)]))


def _tokens(text: str, mode: Mode) -> list[Any]:
    """Tokenize ``text`` with the tokenizer ``mode`` allows for it."""
    if mode == "python" or CTokenizer is None:
        return list(Tokenizer().tokenize(text, 0, False))
    hidden = [char for char in _MASKED if char in text]
    if not hidden:
        return list(CTokenizer().tokenize(text, 0, False))
    if mode == "python-amp" and "&" in hidden:
        return list(Tokenizer().tokenize(text, 0, False))
    masks = _free_private_chars(text, len(hidden))
    if masks is None:  # the text uses every private-use character: take the slow, safe road
        return list(Tokenizer().tokenize(text, 0, False))
    for char, mask in zip(hidden, masks, strict=True):
        text = text.replace(char, mask)
    tokens = CTokenizer().tokenize(text, 0, False)
    _unmask(tokens, dict(zip(masks, hidden, strict=True)))
    return list(tokens)


def _free_private_chars(text: str, count: int) -> list[str] | None:
    """``count`` private-use characters absent from ``text``, to stand in for masked ones."""
    free: list[str] = []
    for code in range(_PUA_FIRST, _PUA_LAST + 1):
        char = chr(code)
        if char not in text:
            free.append(char)
            if len(free) == count:
                return free
    return None


def _unmask(tokens: list[Any], masks: dict[str, str]) -> None:
    """Put each masked character back into every string attribute of every token."""
    for token in tokens:
        for key, value in token.items():
            if isinstance(value, str):
                for mask, char in masks.items():
                    if mask in value:
                        value = value.replace(mask, char)
                token[key] = value


def tokenizer_for(text: str, mode: Mode | None = None) -> str:
    """Which tokenizer ``parse_wikitext`` uses for ``text`` (``c``, ``c-masked``, ``python``)."""
    mode = mode or default_mode()
    if mode == "python" or CTokenizer is None:
        return "python"
    if not any(char in text for char in _MASKED):
        return "c"
    return "python" if mode == "python-amp" and "&" in text else "c-masked"

