"""Coordinates as editors write them: decimal (``.`` or ``,``), pairs, DMS, ``{{Coord|…}}``.

Every function returns floats or None (unparsable or out of range); callers turn None into
the ``bad-coordinates`` problem.  DMS accepts N/S and E/W, with the French ``O`` for west.
"""

from __future__ import annotations

import re

from mwparserfromhell.nodes import Template
from mwparserfromhell.wikicode import Wikicode

from wikisync.parse.names import template_key
from wikisync.parse.values import clean, render

Pair = tuple[float, float]

_NUM = r"[-+]?\d+(?:[.,]\d+)?"
_DECIMAL = re.compile(rf"^\s*({_NUM})\s*°?\s*$")
_PAIR = re.compile(rf"^\s*({_NUM})\s*°?\s*(?:[,;/]\s*|\s+)({_NUM})\s*°?\s*$")
_DMS = re.compile(
    r"(?P<pre>[NSEOW])?\s*"
    r"(?P<deg>\d+(?:[.,]\d+)?)\s*°\s*"
    r"(?:(?P<min>\d+(?:[.,]\d+)?)\s*['′’]\s*)?"
    r"(?:(?P<sec>\d+(?:[.,]\d+)?)\s*(?:[\"″”]|''|′′)\s*)?"
    r"(?P<post>[NSEOW])?",
)
_HEMISPHERES = {"N": 1, "S": -1, "E": 1, "O": -1, "W": -1}
_LATITUDE_LETTERS = frozenset("NS")
_COORD_TEMPLATES = frozenset({"Coord", "Coordinates", "Coordonnées", "Coor"})
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-"})


def _number(text: str) -> float:
    """A decimal written with ``.`` or ``,``."""
    return float(text.replace(",", "."))


def in_range(pair: Pair) -> bool:
    """Latitude within ±90 and longitude within ±180."""
    return -90.0 <= pair[0] <= 90.0 and -180.0 <= pair[1] <= 180.0


def parse_single(text: str, latitude: bool) -> float | None:
    """One coordinate: decimal or DMS; ``latitude`` picks the range and the letters allowed."""
    text = text.translate(_MINUS).strip()
    match = _DECIMAL.match(text)
    if match:
        value = _number(match.group(1))
    else:
        dms = _dms_list(text)
        if len(dms) != 1 or (dms[0][1] in _LATITUDE_LETTERS) != latitude:
            return None
        value = dms[0][0]
    limit = 90.0 if latitude else 180.0
    return value if -limit <= value <= limit else None


def parse_pair_text(text: str) -> Pair | None:
    """``48.39, -4.49``, ``48,39 -4,49`` or ``48°23′25″N 4°29′10″O``."""
    text = text.translate(_MINUS).strip()
    match = _PAIR.match(text)
    if match:
        pair = (_number(match.group(1)), _number(match.group(2)))
        return pair if in_range(pair) else None
    dms = _dms_list(text)
    if len(dms) != 2:
        return None
    (first, first_letter), (second, second_letter) = dms
    if first_letter in _LATITUDE_LETTERS and second_letter not in _LATITUDE_LETTERS:
        pair = (first, second)
    elif second_letter in _LATITUDE_LETTERS and first_letter not in _LATITUDE_LETTERS:
        pair = (second, first)
    else:
        return None
    return pair if in_range(pair) else None


def _dms_list(text: str) -> list[tuple[float, str]]:
    """Signed DMS values with their hemisphere letter; empty when the text is not only DMS."""
    found: list[tuple[float, str]] = []
    position = 0
    text = text.upper().replace("OUEST", "O").replace("NORD", "N").replace("EST", "E")
    while position < len(text):
        if text[position] in " ,;/\t":
            position += 1
            continue
        match = _DMS.match(text, position)
        if not match or match.end() == position:
            return []
        letters = [x for x in (match.group("pre"), match.group("post")) if x]
        value = _dms_value(match)
        if len(letters) != 1 or value is None:
            return []
        found.append((value * _HEMISPHERES[letters[0]], letters[0]))
        position = match.end()
    return found


def _dms_value(match: re.Match[str]) -> float | None:
    """Unsigned decimal degrees of one DMS match; None for minutes or seconds over 59."""
    degrees = _number(match.group("deg"))
    minutes = _number(match.group("min")) if match.group("min") else 0.0
    seconds = _number(match.group("sec")) if match.group("sec") else 0.0
    if minutes >= 60 or seconds >= 60:
        return None
    return round(degrees + minutes / 60 + seconds / 3600, 6)


def parse_coordinates(code: Wikicode) -> Pair | None:
    """The ``coordonnées`` parameter: a ``{{Coord}}`` template or a text pair."""
    for node in code.nodes:
        if type(node) is Template and template_key(str(node.name)) in _COORD_TEMPLATES:
            return parse_coord_template(node)
    return parse_pair_text(clean(render(code)))


def parse_coord_template(node: Template) -> Pair | None:
    """``{{Coord|48.39|-4.49}}``, ``{{Coord|48|23|25|N|4|29|10|W}}`` and mixed forms."""
    args = [clean(render(p.value)) for p in node.params if not p.showkey]
    args = [a for a in args if a and ":" not in a]  # drop display options like type:city
    letters = [i for i, a in enumerate(args) if a.upper() in _HEMISPHERES]
    if not letters:
        if len(args) < 2:
            return None
        return parse_pair_text(f"{args[0]} {args[1]}")
    if len(letters) != 2 or not letters[0] >= 1 or letters[1] <= letters[0] + 1:
        return None
    lat = _parts_to_degrees(args[: letters[0]], args[letters[0]])
    lon = _parts_to_degrees(args[letters[0] + 1 : letters[1]], args[letters[1]])
    if lat is None or lon is None or args[letters[0]].upper() not in _LATITUDE_LETTERS:
        return None
    pair = (lat, lon)
    return pair if in_range(pair) else None


def _parts_to_degrees(parts: list[str], letter: str) -> float | None:
    """Degrees[, minutes[, seconds]] and a hemisphere letter to signed decimal degrees."""
    if not 1 <= len(parts) <= 3:
        return None
    try:
        numbers = [_number(p.translate(_MINUS)) for p in parts]
    except ValueError:
        return None
    if any(n < 0 for n in numbers[1:]) or any(n >= 60 for n in numbers[1:]):
        return None
    numbers += [0.0] * (3 - len(numbers))
    value = abs(numbers[0]) + numbers[1] / 60 + numbers[2] / 3600
    sign = -1 if numbers[0] < 0 else 1
    return round(sign * value * _HEMISPHERES[letter.upper()], 6)
