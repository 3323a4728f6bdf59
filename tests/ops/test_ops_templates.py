"""``wikisync templates install`` on a fresh wiki: create-only, --force, --dry-run, journal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ops_helpers import Cli

from wikisync.devwiki import DevWiki
from wikisync.ops.templates import load_templates
from wikisync.resources import wiki_templates_dir
from wikisync.store import Store
from wikitools import editor_client, own_wiki

pytestmark = pytest.mark.wiki

TEMPLATES = load_templates(wiki_templates_dir())
BY_TITLE = {t.title: t for t in TEMPLATES}
EDITOR_ROW = "<!-- the wiki's own row template -->{{{nom|}}}"
EDITOR_COORD = "<!-- the wiki's own Coord -->{{{1}}}, {{{2}}}"


@pytest.fixture(scope="module")
def fresh_wiki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevWiki]:
    """A wiki of its own, without any of the templates (the shared one may have them)."""
    yield from own_wiki(tmp_path_factory, "templates-wiki")


def contents(client: Any, titles: list[str]) -> dict[str, dict[str, Any] | None]:
    """Each page's latest revision (revid, user, comment, content), None if missing."""
    answer = client.get(action="query", prop="revisions", titles="|".join(titles),
                        rvprop="ids|user|comment|content", rvslots="main")
    found: dict[str, dict[str, Any] | None] = {}
    for page in answer["query"]["pages"]:
        revs = page.get("revisions")
        found[page["title"]] = None if not revs else {
            "revid": revs[0]["revid"], "user": revs[0]["user"], "comment": revs[0]["comment"],
            "content": revs[0]["slots"]["main"]["content"]}
    return found


def test_manifest_lists_every_shipped_file() -> None:
    files = {p.name for p in wiki_templates_dir().glob("*.wiki")}
    assert {t.file for t in TEMPLATES} == files
    assert {t.role for t in TEMPLATES} == {"contract", "helper", "redirect", "optional"}


def test_install_creates_the_missing_templates_and_leaves_existing_ones(
    fresh_wiki: DevWiki, tmp_path: Path
) -> None:
    cli = Cli(fresh_wiki, tmp_path)
    editor = editor_client(fresh_wiki)
    titles = list(BY_TITLE)
    assert all(page is None for page in contents(editor, titles).values())
    editor.edit("Modèle:Pôle ESS", EDITOR_ROW, "own row")
    editor.edit("Modèle:Coord", EDITOR_COORD, "own coord")
    before = contents(editor, titles)

    dry = cli("templates", "install", "--dry-run")

    assert dry.code == 0, dry.err
    assert contents(editor, titles) == before
    lines = dry.out.splitlines()
    assert sum(line.startswith("would create: ") for line in lines) == len(titles) - 2
    assert "exists (differs; --force replaces it): Modèle:Pôle ESS" in lines
    assert "exists (differs; the wiki's own is kept, even with --force): Modèle:Coord" in lines

    done = cli("templates", "install")

    assert done.code == 0, done.err
    after = contents(editor, titles)
    created = [t for t in titles if t not in ("Modèle:Pôle ESS", "Modèle:Coord")]
    for title in created:
        page = after[title]
        assert page is not None and page["user"] == "WikisyncBot"
        assert page["content"] == BY_TITLE[title].text.rstrip()
        bare = BY_TITLE[title].summary.removeprefix("wikisync :").strip()
        assert page["comment"].startswith(f"wikisync: {bare}")  # the one prefix
        assert page["comment"].endswith("]") and "[run " in page["comment"]
    assert after["Modèle:Pôle ESS"] == before["Modèle:Pôle ESS"]
    assert after["Modèle:Coord"] == before["Modèle:Coord"]
    with Store(cli.store) as store:
        journal = store.journal()
    assert {e.title for e in journal} == set(created)
    assert all(e.old_revid is None and e.rules == ("templates",) for e in journal)

    again = cli("templates", "install")
    assert again.code == 0 and "created" not in again.out
    assert contents(editor, titles) == after

    forced = cli("templates", "install", "--force")

    assert forced.code == 0, forced.err
    final = contents(editor, titles)
    row = final["Modèle:Pôle ESS"]
    assert row is not None and row["user"] == "WikisyncBot"
    assert row["content"] == BY_TITLE["Modèle:Pôle ESS"].text.rstrip()
    assert "replaced: Modèle:Pôle ESS" in forced.out.splitlines()
    assert final["Modèle:Coord"] == before["Modèle:Coord"]
    assert {t: final[t] for t in created} == {t: after[t] for t in created}
