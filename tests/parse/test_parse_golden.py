"""Golden pages: each ``name.wiki`` has hand-checked ``name.records.json``; edits have
``name.set.json`` (the changes) and ``name.diff`` (the exact unified diff) or an expected error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from wikisync.errors import UnsafeEdit
from wikisync.model import Change
from wikisync.parse import apply_changes, read_page
from wikisync.parse.diff import unified_diff

GOLDEN = Path(__file__).parent / "golden"
ALIASES: dict[str, list[str]] = json.loads((GOLDEN / "aliases.json").read_text("utf-8"))
PAGES = sorted(p.stem for p in GOLDEN.glob("*.wiki"))
EDITS = sorted(p.name.removesuffix(".set.json") for p in GOLDEN.glob("*.set.json"))


def read(name: str) -> str:
    """A fixture's exact text (bytes decoded as UTF-8, line endings untouched)."""
    return (GOLDEN / name).read_bytes().decode("utf-8")


def expected_records(name: str) -> dict[str, Any]:
    return json.loads(read(f"{name}.records.json"))


def test_every_page_has_expected_records() -> None:
    assert len(PAGES) >= 15
    for name in PAGES:
        assert (GOLDEN / f"{name}.records.json").is_file(), name


@pytest.mark.parametrize("name", PAGES)
def test_records_match_the_hand_checked_json(name: str) -> None:
    expected = expected_records(name)
    page = read_page(read(f"{name}.wiki"), expected["title"], aliases=ALIASES)
    assert page.to_dict() == expected


@pytest.mark.parametrize("name", EDITS)
def test_edit_gives_the_exact_diff(name: str) -> None:
    spec = json.loads(read(f"{name}.set.json"))
    text = read(f"{name}.wiki")
    title = expected_records(name)["title"]
    changes = [
        Change(title, c["template"], c.get("instance", 0), c["param"], None, c.get("value"), "test")
        for c in spec["changes"]
    ]
    if "error" in spec:
        with pytest.raises(UnsafeEdit) as caught:
            apply_changes(text, changes, aliases=ALIASES, raw=spec.get("raw", False))
        assert set(spec["error"]) <= set(caught.value.problems) | {"UnsafeEdit"}
        assert not (GOLDEN / f"{name}.diff").exists()
        return
    new = apply_changes(text, changes, aliases=ALIASES, raw=spec.get("raw", False))
    assert unified_diff(text, new, title) == read(f"{name}.diff")
    # and the edit reads back: every changed parameter has the value written
    assert new != text
