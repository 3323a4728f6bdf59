"""Golden diffs of adding ``carte`` to a Fiche initiative in each layout editors use.

Each ``layouts/NAME.wiki`` has ``layouts/NAME.diff``, the exact unified diff of the edit
(hand-checked): one piece inserted just before ``}}``, no existing byte changed, the piece
laid out like its neighbours where the rule allows it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from wikisync.parse import parse, set_param
from wikisync.parse.diff import unified_diff

LAYOUTS = Path(__file__).parent / "layouts"
URL = "https://www.openstreetmap.org/?mlat=48.39&mlon=-4.49"
NAMES = ["aligned", "compact", "one_line", "trailing_pipe", "trailing_spaces", "crlf",
         "close_on_last_line"]


def read(name: str) -> str:
    """A fixture's exact text (line endings and trailing spaces untouched)."""
    return (LAYOUTS / name).read_bytes().decode("utf-8")


def test_every_layout_has_its_golden_diff() -> None:
    assert sorted(p.stem for p in LAYOUTS.glob("*.wiki")) == sorted(NAMES)
    assert sorted(p.stem for p in LAYOUTS.glob("*.diff")) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_adding_carte_gives_the_exact_diff(name: str) -> None:
    text = read(f"{name}.wiki")
    new = set_param(text, "Fiche initiative", "carte", URL)
    assert unified_diff(text, new, name) == read(f"{name}.diff")
    close = text.index("}}", text.index("{{Fiche initiative"))
    piece = new[close : close + len(new) - len(text)]
    assert new == text[:close] + piece + text[close:]  # one insertion, just before ``}}``
    [fiche] = parse(new)
    assert fiche.map_link == URL
    assert {k: v for k, v in fiche.params.items() if k != "carte"} == parse(text)[0].params


def test_crlf_piece_ends_with_crlf_and_trailing_spaces_stay() -> None:
    new = set_param(read("crlf.wiki"), "Fiche initiative", "carte", "U")
    assert "| longitude = -4.10\r\n| carte     = U\r\n}}\r\n" in new
    new = set_param(read("trailing_spaces.wiki"), "Fiche initiative", "carte", "U")
    assert "| longitude = -3.46   \n| carte = U\n}}   \n" in new


def test_trailing_pipe_line_keeps_the_empty_last_parameter() -> None:
    text = read("trailing_pipe.wiki")
    new = set_param(text, "Fiche initiative", "carte", "U")
    assert new.endswith("site web = http://sud-aveyron.example.org |\ncarte = U |\n}}\n")
