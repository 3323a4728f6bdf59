"""Fast, exact forms of the per-row work a large dataset repeats: name keys, coordinates.

A 50 MB dataset has ~160,000 rows and every pass reads each one, so what a row costs is
the step's cost. Each function here returns exactly what its reference does
(``text.normalise_name``, ``parse.coords.parse_single``; tests compare them on every
character and on mixed text) and only takes a shorter road for the common case.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from wikisync.hubs import web_url
from wikisync.parse.coords import parse_single
from wikisync.text import normalise_name

_LIGATURE_LETTERS = (("œ", "oe"), ("Œ", "oe"), ("æ", "ae"), ("Æ", "ae"))  # text._LIGATURES
_NOT_WORD = re.compile(r"[\W_]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_PLAIN_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")  # the simplest form parse_single reads


def _latin1_words() -> tuple[bytes, re.Pattern[bytes]]:
    """A byte table giving each Latin-1 character's name key (a letter, a digit, or a space
    between words), and the bytes whose key is no one ASCII character (``ß``, ``½``…)."""
    table, other = bytearray(range(256)), bytearray()
    for code in range(256):
        key = normalise_name(chr(code))
        if key == "" or (len(key) == 1 and key.isascii() and key.isalnum()):
            table[code] = ord(key or " ")
        else:
            other.append(code)
    return bytes(table), re.compile(b"[" + re.escape(bytes(other)) + b"]")


_LATIN1_WORDS, _LATIN1_OTHER = _latin1_words()


@lru_cache(maxsize=4096)
def _ascii_form(char: str) -> str | None:
    """What one non-ASCII character of NFKD text becomes in a name key, when ASCII can say it.

    A combining mark (an accent) is dropped, a mark that is no letter or digit (``°``,
    ``’``, ``«``) separates words like a space; a letter or digit (``ß``, Greek) is None.
    """
    if unicodedata.combining(char):
        return ""
    return " " if _NOT_WORD.fullmatch(char.casefold()) else None


def name_key(name: str) -> str:
    """``text.normalise_name``, exactly, by one byte table for Latin-1 text (most names).

    ``’`` separates words as a space does and ligatures spell out first, so a French name
    is usually Latin-1; its key is one table lookup per byte. Other text decomposes.
    """
    if "’" in name:
        name = name.replace("’", " ")
    for ligature, letters in _LIGATURE_LETTERS:
        if ligature in name:
            name = name.replace(ligature, letters)
    try:
        data = name.encode("latin-1")
    except UnicodeEncodeError:
        return _decomposed_key(name)
    if _LATIN1_OTHER.search(data):
        return _decomposed_key(name)
    return b" ".join(data.translate(_LATIN1_WORDS).split()).decode("ascii")


def _decomposed_key(name: str) -> str:
    """The name key of text beyond Latin-1, ligatures already spelt out.

    Accented text decomposes (NFKD) into ASCII, accents and punctuation; with the accents
    dropped and the punctuation made spaces it is ASCII. Text with other letters (``ß``,
    Greek…) takes ``normalise_name``'s own road.
    """
    name = unicodedata.normalize("NFKD", name)
    for char in set(_NON_ASCII.findall(name)):
        form = _ascii_form(char)
        if form is None:
            text = "".join(ch for ch in name if not unicodedata.combining(ch))
            return _NOT_WORD.sub(" ", text.casefold()).strip()
        name = name.replace(char, form)
    return b" ".join(name.encode("ascii").translate(_LATIN1_WORDS).split()).decode("ascii")


commune_key = lru_cache(maxsize=8192)(name_key)  # communes repeat across rows


def website(text: str) -> str | None:
    """``hubs.web_url`` of a stripped value, exactly: an ``http(s)://`` URL is itself."""
    return text if text.startswith(("http://", "https://")) else web_url(text)


def coordinate(text: str, latitude: bool) -> float | None:
    """``parse_single``, exactly, read directly when the text is a plain decimal number.

    A plain ``-4.48`` has no space, minus sign variant, comma, degree sign or DMS part, so
    ``parse_single`` would read it as ``float`` does; anything else goes to it.
    """
    if _PLAIN_NUMBER.fullmatch(text):
        value = float(text)
        limit = 90.0 if latitude else 180.0
        return value if -limit <= value <= limit else None
    return parse_single(text, latitude)

