"""Field-by-field comparison of two descriptions of one hub (wiki, dataset, another page)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from wikisync.comparisons import (
    coordinates_text,
    distance_m,
    same_departement,
    same_text,
    same_website,
)
from wikisync.hubs import resolve_type
from wikisync.schema import HubType

DEFAULT_THRESHOLD_M = 100.0


@dataclass(frozen=True)
class FieldDiff:
    """One field that differs: the left (wiki) value, the right one, and a detail."""

    field: str
    left: str | None
    right: str | None
    detail: str | None = None


def _text(item: Any, name: str) -> str | None:
    """An attribute as stripped text; None when absent or blank."""
    value = getattr(item, name, None)
    return str(value).strip() or None if value is not None else None


def hub_name(item: Any) -> str | None:
    """An item's name; a fiche record without ``nom`` is named by its page title."""
    name = _text(item, "name")
    if name is None and getattr(item, "source", None) == "fiche":
        return _text(item, "title")
    return name


def type_text(item: Any, types: Sequence[HubType]) -> str | None:
    """The item's type as a key when it resolves, else as written."""
    raw = _text(item, "type")
    return resolve_type(raw, types) or raw if raw else None


def _one_sided(name: str, left: str | None, right: str | None, report: bool) -> FieldDiff | None:
    """A diff when the wiki lacks a value the other side has, if such diffs are asked.

    The reverse (an empty dataset cell) is no difference: the reference may be incomplete.
    """
    if not report or left is not None or right is None:
        return None
    return FieldDiff(name, left, right, "missing on the wiki")


def compare_coordinates(left: Any, right: Any, threshold: float,
                        one_sided: bool = False) -> FieldDiff | None:
    """A diff when both points exist and lie more than ``threshold`` metres apart."""
    a = coordinates_text(left.lat, left.lon)
    b = coordinates_text(right.lat, right.lon)
    if a is None or b is None:
        return _one_sided("coordinates", a, b, one_sided)
    metres = distance_m(left.lat, left.lon, right.lat, right.lon)
    if metres <= threshold:
        return None
    return FieldDiff("coordinates", a, b, f"{round(metres)} m")


Same = Callable[[str, str], bool]
_TEXT_FIELDS: tuple[tuple[str, Same], ...] = (
    ("website", same_website),
    ("region", same_text),
    ("departement", same_departement),
    ("commune", same_text),
)


def compare_fields(left: Any, right: Any, fields: Sequence[str], types: Sequence[HubType],
                   threshold: float = DEFAULT_THRESHOLD_M,
                   one_sided: bool = False) -> list[FieldDiff]:
    """Diffs between two hub descriptions on ``fields`` (see ``audit.MISMATCH_FIELDS``).

    Names and places compare as normalised text, types by key, websites by ``website_key``,
    départements by code, coordinates by distance. A value missing on the left (wiki) side
    only is a diff when ``one_sided`` is set; a value missing on the right side never is.
    """
    diffs: list[FieldDiff | None] = []
    same: Same
    for name in fields:
        if name == "coordinates":
            diffs.append(compare_coordinates(left, right, threshold, one_sided))
            continue
        if name == "name":
            a, b, same = hub_name(left), hub_name(right), same_text
        elif name == "type":
            a, b, same = type_text(left, types), type_text(right, types), _equal
        else:
            a, b, same = _text(left, name), _text(right, name), dict(_TEXT_FIELDS)[name]
        if a is None or b is None:
            diffs.append(_one_sided(name, a, b, one_sided))
        elif not same(a, b):
            diffs.append(FieldDiff(name, a, b))
    return [d for d in diffs if d is not None]


def _equal(a: str, b: str) -> bool:
    """Plain equality (type keys are already normalised)."""
    return a == b
