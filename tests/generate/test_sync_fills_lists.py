"""The contract's promise to editors: the next `wikisync sync` fills a list they placed."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from gen_helpers import ASSO, PROJET
from test_generate_wiki import block_groups, bot_edits, config_file, fiche

from wikisync.cli import cli
from wikisync.store import Store


def test_sync_fills_an_editor_placed_list_and_then_leaves_it(
    devwiki: Any, editor_client: Any, unique_title: Callable[..., str], tmp_path: Path,
    wiki_env: dict[str, str],
) -> None:
    region = f"Bretagne-{uuid.uuid4().hex[:8]}"
    p = unique_title("SyncListe")
    devwiki.import_pages({f"{p} A": fiche("Pôle Un", region),
                          f"{p} B": fiche("Pôle Deux", region, PROJET, "Lorient")})
    page = f"{p} Page"
    above, below = "Les pôles :\n", "\n\nFin de page."
    opener = f"{{{{Liste pôles ESS|région={region}}}}}"
    editor_client.edit(page, above + opener + below)
    config = config_file(devwiki, tmp_path)

    only_links = CliRunner().invoke(cli, ["-c", config, "sync", "--prefix", p,
                                          "--rule", "map_links"], env=wiki_env)
    assert only_links.exit_code == 0, only_links.output
    assert "{{Fin liste pôles ESS}}" not in editor_client.read(page)  # --rule: no lists
    assert "carte" in editor_client.read(f"{p} A")

    first = CliRunner().invoke(cli, ["-c", config, "sync", "--prefix", p], env=wiki_env)
    assert first.exit_code == 0, first.output
    assert "rules: map_links; then the generated lists" in first.output
    text = editor_client.read(page)
    assert text.startswith(above + opener)
    assert text.endswith("{{Fin liste pôles ESS}}" + below)
    assert block_groups(text) == {ASSO: ["Pôle Un"], PROJET: ["Pôle Deux"]}
    with Store(wiki_env["WIKISYNC_STATE"]) as store:
        [entry] = store.journal(title=page)
        assert entry.rules == ("generate",)

    second = CliRunner().invoke(cli, ["-c", config, "sync", "--prefix", p], env=wiki_env)
    assert second.exit_code == 0, second.output
    assert "edited: 0" in second.output
    assert bot_edits(editor_client, page) == 1
