"""Where the generation templates are found, the helpers they get, one-line errors."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from wikisync.generate.templates import (
    TemplateError,
    environment,
    render,
    search_path,
    shipped_templates_dir,
    template_call,
    wiki_text,
    wiki_value,
)

ROOT = Path(__file__).parents[2]


def test_shipped_templates_are_package_data_and_in_the_checkout() -> None:
    folder = shipped_templates_dir()
    assert (folder / "liste-poles.wiki.j2").is_file()
    assert (folder / "fiche-initiative.wiki.j2").is_file()
    link = ROOT / "src" / "wikisync" / "templates"
    assert link.is_symlink() and link.resolve() == (ROOT / "templates").resolve()
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "templates/*.j2" in data["tool"]["setuptools"]["package-data"]["wikisync"]


def test_user_folder_comes_first(tmp_path: Path) -> None:
    assert search_path(tmp_path) == [str(tmp_path), str(shipped_templates_dir())]
    assert search_path(None) == [str(shipped_templates_dir())]


def test_template_call_escapes_and_skips_empty_values() -> None:
    call = template_call("Pôle ESS", {"nom": "A | B", "type": None, "commune": " ",
                                      "site web": "http://x.example.org/?a=1&b=2", "n": 3})
    assert call == "{{Pôle ESS|nom=A &#124; B|site web=http://x.example.org/?a=1&b=2|n=3}}"
    with pytest.raises(ValueError, match="not a template name"):
        template_call("A|B", {})


def test_filters() -> None:
    assert wiki_value(None) == "" and wiki_value(48.5) == "48.5"
    assert wiki_value("x }} y") == "<nowiki>x }} y</nowiki>"
    assert wiki_text("[[x]] ''y''") == "&#91;&#91;x&#93;&#93; &#39;&#39;y&#39;&#39;"


@pytest.mark.parametrize(("source", "message"), [
    ("{% for %}", r"^template bad.wiki.j2 line 1: Expected an expression, got 'end of "
                  r"statement block'$"),
    ("{{ call('a|b', {}) }}", r"^template bad.wiki.j2: not a template name: 'a\|b'$"),
    ("{{ x.y }}", r"^template bad.wiki.j2: undefined variable: 'x' is undefined$"),
])
def test_errors_are_one_line(tmp_path: Path, source: str, message: str) -> None:
    (tmp_path / "bad.wiki.j2").write_text(source)
    with pytest.raises(TemplateError, match=message) as error:
        render(environment(tmp_path), "bad.wiki.j2", {})
    assert "\n" not in error.value.message and error.value.exit_code == 2


def test_missing_template_names_the_folders(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=f"template nope.j2 not found \\(looked in "
                                            f"{tmp_path}, "):
        render(environment(tmp_path), "nope.j2", {})
