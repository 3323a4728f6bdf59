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

from wikisync.parse.coords import parse_single

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"})
_NOT_WORD = re.compile(r"[\W_]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_PLAIN_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")  # the simplest form parse_single reads
# ASCII bytes: letters to lower case, digits kept, everything else (``_`` too) a space.
_ASCII_WORDS = bytes(c + 32 if 65 <= c <= 90 else c if chr(c).isalnum() else 32
                     for c in range(256))


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
    """``text.normalise_name``, exactly, with a short road for ASCII and accented text.

    Accented Latin text decomposes (NFKD) into ASCII, accents and punctuation; with the
    accents dropped and the punctuation made spaces it is ASCII, whose words one byte
    table finds. Text with other letters (``ß``, Greek…) takes ``normalise_name``'s road.
    """
    if not name.isascii():
        if "œ" in name or "Œ" in name or "æ" in name or "Æ" in name:
            name = name.translate(_LIGATURES)
        name = unicodedata.normalize("NFKD", name)
        for char in set(_NON_ASCII.findall(name)):
            form = _ascii_form(char)
            if form is None:
                text = "".join(ch for ch in name if not unicodedata.combining(ch))
                return _NOT_WORD.sub(" ", text.casefold()).strip()
            name = name.replace(char, form)
    return b" ".join(name.encode("ascii").translate(_ASCII_WORDS).split()).decode("ascii")


commune_key = lru_cache(maxsize=8192)(name_key)  # communes repeat across rows


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

