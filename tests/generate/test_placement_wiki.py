"""Openers placed anywhere, on the real wiki: filled in place where MediaWiki renders the
list inside its container (checked in the parsed HTML), else untouched, explained by the
template's banner and reported by ``generate``, ``status`` and the audit.

The module has its own wiki with the shipped wiki templates installed (the session wiki
has none, and other tests rely on that).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from click.testing import CliRunner, Result
from gen_helpers import ASSO, PROJET

from browser import open_browser
from wikisync.cli import cli
from wikisync.devwiki import DevWiki, MiniClient
from wikisync.generate.lists import STAMP_CLASS, long_date
from wikisync.i18n import messages
from wikitools import TEST_USER_AGENT, admin_client, editor_client, own_wiki, wiki_env

pytestmark = pytest.mark.wiki  # its own wiki, not the session's: marked by hand
TEMPLATES = Path(__file__).parents[2] / "templates" / "wiki"
OPEN = "{{Liste pôles ESS|région=%s}}"
CLOSE = "{{Fin liste pôles ESS}}"
# case -> (page text around the opener, CSS-like path the list's table must sit in)
FILLED = {
    "div": ("Avant.\n<div class=\"boite\" style=\"border:2px solid #36c; padding:4px\">\n"
            "%s\n</div>\nAprès.", "div.boite"),
    "section": ("<section>\n%s\n</section>", "div.mw-parser-output"),
    "cell": ("{| class=\"wikitable grille\"\n! Liste !! Autre\n|-\n| %s\n| à côté\n|}",
             "table.grille td"),
    "last-cell": ("{| class=\"wikitable grille\"\n|-\n| à gauche || %s\n|}", "table.grille td"),
    "html-cell": ("<table class=\"grille\"><tr><td>%s</td></tr></table>", "table.grille td"),
}
MISPLACED = {
    "parameter": ("{{Boîte|contenu=%s}}", "in a parameter of the template Boîte"),
    "inline-cell": ("{| class=\"wikitable\"\n|-\n| %s || à côté\n|}",
                    "in a table cell followed by another cell on its line"),
}


def texts(region: str) -> dict[str, str]:
    """Each case's page text, the opener in place."""
    return {case: pattern % (OPEN % region)
            for case, (pattern, *_rest) in (FILLED | MISPLACED).items()}


def fiche(name: str, region: str, type_: str = ASSO) -> str:
    """A fiche as an editor writes it."""
    return (f"{{{{Fiche initiative\n| nom = {name}\n| type = {type_}\n| région = {region}\n"
            "| commune = Brest\n| latitude = 48.39\n| longitude = -4.49\n}}\nTexte.")


@dataclass
class Placed:
    """The module's wiki after an editor placed every case and ``generate`` ran once."""

    wiki: DevWiki
    editor: MiniClient
    env: dict[str, str]
    config: str
    prefix: str
    region: str
    first: Result

    def title(self, case: str) -> str:
        """The page of a case."""
        return f"{self.prefix} {case}"

    def cli(self, *args: str) -> Result:
        """``wikisync -c CONFIG ARGS`` as the bot."""
        return CliRunner().invoke(cli, ["-c", self.config, *args], env=self.env)

    def generate(self) -> Result:
        """``wikisync -v generate --prefix PREFIX``."""
        return self.cli("-v", "generate", "--prefix", self.prefix)

    def html(self, case: str) -> str:
        """The page as MediaWiki renders it now (action=parse)."""
        answer = self.editor.get(action="parse", page=self.title(case), prop="text",
                                 disablelimitreport=1)
        return str(answer["parse"]["text"])


def install_templates(wiki: DevWiki) -> None:
    """Save the shipped wiki templates (as ``templates install`` would) and a Boîte."""
    manifest = json.loads((TEMPLATES / "manifest.json").read_text(encoding="utf-8"))
    pages = {entry["title"]: (TEMPLATES / name).read_text(encoding="utf-8")
             for name, entry in manifest.items()}
    pages["Modèle:Boîte"] = "<div class=\"boite-modele\">{{{contenu|}}}</div>"
    wiki.import_pages(pages, user=wiki.admin_username)


@pytest.fixture(scope="module")
def placed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Placed]:
    """Every case on its page, two fiches of the region, and a first ``generate``."""
    for wiki in own_wiki(tmp_path_factory, "placement-wiki"):
        install_templates(wiki)
        region, prefix = f"Armor-{uuid.uuid4().hex[:6]}", f"Placement {uuid.uuid4().hex[:6]}"
        wiki.import_pages({f"{prefix} fiche A": fiche("Pôle Alpha", region),
                           f"{prefix} fiche B": fiche("Pôle Bêta", region, PROJET)})
        editor = editor_client(wiki)
        for case, text in texts(region).items():
            assert editor.edit(f"{prefix} {case}", text)["edit"]["result"] == "Success"
        state = tmp_path_factory.mktemp("placement-state")
        config = state / "wikisync.toml"
        config.write_text(f'[wiki]\napi = "{wiki.api_url}"\nusername = "{wiki.bot_username}"\n'
                          f'user_agent = "{TEST_USER_AGENT}"\n[safety]\nedit_interval = 0\n',
                          encoding="utf-8")
        env = wiki_env(wiki, state)
        first = CliRunner().invoke(cli, ["-c", str(config), "-v", "generate", "--prefix",
                                         prefix], env=env)
        yield Placed(wiki, editor, env, str(config), prefix, region, first)


class Ancestry(HTMLParser):
    """For each element, the chain of its open ancestors (``tag.class`` strings)."""

    VOID = {"br", "img", "hr", "meta", "link", "input", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.found: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        name = ".".join([tag, *classes])
        self.found.append((name, list(self.stack)))
        if tag not in self.VOID:
            self.stack.append(name)

    def handle_endtag(self, tag: str) -> None:
        names = [name.split(".")[0] for name in self.stack]
        if tag in names:  # close it and whatever it holds; a stray end tag closes nothing
            del self.stack[len(names) - 1 - names[::-1].index(tag):]


def ancestors(html: str, css: str) -> list[list[str]]:
    """The ancestor chains of every element whose ``tag.class`` contains ``css``'s parts."""
    parser = Ancestry()
    parser.feed(html)
    tag, *classes = css.split(".")
    return [chain for name, chain in parser.found
            if name.split(".")[0] == tag and set(classes) <= set(name.split(".")[1:])]


def inside(chain: list[str], path: str) -> bool:
    """Whether a chain of ancestors holds ``path`` (``table.grille td``) in this order."""
    wanted = path.split()
    position = 0
    for name in chain:
        if position < len(wanted) and _matches(name, wanted[position]):
            position += 1
    return position == len(wanted)


def _matches(name: str, css: str) -> bool:
    """``tag.a.b`` matches ``tag.a``."""
    tag, *classes = css.split(".")
    parts = name.split(".")
    return parts[0] == tag and set(classes) <= set(parts[1:])


@pytest.mark.parametrize("case", sorted(FILLED))
def test_an_opener_in_a_container_is_filled_in_place(placed: Placed, case: str) -> None:
    assert placed.first.exit_code == 1, placed.first.output  # the misplaced ones need a person
    pattern, container = FILLED[case]
    opener = OPEN % placed.region
    text = placed.editor.read(placed.title(case))
    before, after = pattern.split("%s")
    assert text.startswith(before + opener + "\n") and text.endswith(CLOSE + after)
    html = placed.html(case)
    tables = ancestors(html, "table.wikitable.sortable")  # one per type: two types
    assert len(tables) == 2 and all(inside(chain, container) for chain in tables), tables
    [stamp_chain] = ancestors(html, f"div.{STAMP_CLASS}")
    assert inside(stamp_chain, container)
    assert "Pôle Alpha" in html and "Pôle Bêta" in html
    today = long_date(messages("fr"), datetime.now(UTC).date())
    assert re.search(rf"Mis à jour le {today} par wikisync \(passage \d+\)", html)


@pytest.mark.parametrize("case", sorted(MISPLACED))
def test_a_misplaced_opener_is_untouched_explained_and_reported(placed: Placed,
                                                                case: str) -> None:
    title, where = placed.title(case), MISPLACED[case][1]
    assert placed.editor.read(title) == texts(placed.region)[case]
    html = placed.html(case)
    assert "Pas de liste sous ce cadre après le passage du robot" in html
    assert ancestors(html, "table.sortable") == []
    assert f"list-opener-ignored: {title}: {where} (not filled;" in placed.first.output
    status = placed.cli("status", "--offline")
    assert status.exit_code == 0, status.output
    [line] = [x for x in status.output.splitlines() if x.startswith("list-opener-ignored")]
    assert line.startswith(f"list-opener-ignored: {len(MISPLACED)} on {len(MISPLACED)} pages (")
    assert title in line
    report = placed.cli("audit", "--format", "json")
    assert report.exit_code == 1, report.output
    found = [d for d in json.loads(report.output) if d["kind"] == "list-opener-ignored"]
    assert {"kind": "list-opener-ignored", "title": title, "detail": where}.items() <= next(
        d for d in found if d["title"] == title).items()
    text = placed.cli("audit", "--format", "wikitext").output  # the report admins read
    assert "liste non remplie (emplacement non pris en charge)" in text
    assert messages("fr").detail(where) in text


def test_a_second_run_makes_no_edit_and_a_change_updates_the_line(placed: Placed) -> None:
    again = placed.generate()
    assert "written: 0," in again.output, again.output
    stamp = re.compile(r"Mis à jour le [^<]* par wikisync \(passage (\d+)\)")
    runs = {case: stamp.findall(placed.editor.read(placed.title(case))) for case in FILLED}
    placed.editor.edit(f"{placed.prefix} fiche C", fiche("Pôle Gamma", placed.region))
    changed = placed.generate()
    assert f"written: {len(FILLED)}," in changed.output, changed.output
    for case in FILLED:
        text = placed.editor.read(placed.title(case))
        [run] = stamp.findall(text)
        assert "Pôle Gamma" in text and int(run) > int(runs[case][0])
    assert "written: 0," in placed.generate().output


def test_the_bot_never_edits_a_misplaced_opener_s_page(placed: Placed) -> None:
    admin = admin_client(placed.wiki)
    for case in MISPLACED:
        answer: Any = admin.get(action="query", prop="revisions", titles=placed.title(case),
                                rvlimit=10, rvprop="user")
        assert len(answer["query"]["pages"][0]["revisions"]) == 1  # the editor's only


def test_in_a_browser_the_list_sits_inside_its_div_and_its_cell(placed: Placed,
                                                                tmp_path: Path) -> None:
    with open_browser(tmp_path / "profile") as browser:
        for case, container in (("div", "div.boite"), ("cell", "table.grille td"),
                                ("parameter", "div.boite-modele")):
            browser.open(f"{placed.wiki.index_url}?title={quote(placed.title(case))}")
            browser.screenshot(tmp_path / f"{case}.png")
            box = browser.run(_BOXES, container)
            assert box["container"], case
            if case == "parameter":
                assert box["tables"] == [] and "Pas de liste sous ce cadre" in box["text"]
                continue
            assert len(box["tables"]) == 2 and box["stamp"], box
            outer = box["container"]
            for rect in [*box["tables"], box["stamp"]]:
                assert outer["left"] <= rect["left"] and rect["right"] <= outer["right"] + 1
                assert outer["top"] <= rect["top"] and rect["bottom"] <= outer["bottom"] + 1


# The container's box, and the boxes of the list tables and the stamp line inside it.
_BOXES = """
const css = arguments[0];
const box = e => { const r = e.getBoundingClientRect();
  return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
const container = document.querySelector('.mw-parser-output ' + css);
if (!container) return {container: null};
const stamp = container.querySelector('.liste-poles-ess-maj');
return {container: box(container), text: container.innerText,
        tables: [...container.querySelectorAll('table.sortable')].map(box),
        stamp: stamp ? box(stamp) : null};
"""
