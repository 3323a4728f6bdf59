"""generate_blocks and publish_map_page against an in-memory wiki and a real store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from gen_helpers import PROJET, config, fake_wiki, fiche, fill_store

from wikisync.config import Config, GenerateConfig, MapConfig
from wikisync.errors import ConfigError
from wikisync.generate.mapblock import CLOSE_MARKER, INTRO, OPEN_MARKER
from wikisync.generate.run import GenerateResult, generate_blocks, publish_map_page
from wikisync.generate.templates import TemplateError
from wikisync.store import Store
from wikisync.write import PageWriter, Reason, Status, Tally, WriteOutcome

LIST = "Intro\n{{Liste pôles ESS|région=Bretagne}}\nFin"
PAGES = {
    "Brest": fiche("Pôle de Brest", "Bretagne"),
    "Lorient": fiche("Pôle de Lorient", "Bretagne", PROJET, "Lorient"),
    "Liste": LIST,
    "Région": "{{Pôle ESS par région|région=Bretagne}}\nTexte.\n[[Catégorie:Région]]",
}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A store holding PAGES as a pull would."""
    with Store(tmp_path / "s.sqlite") as opened:
        fill_store(opened, PAGES)
        yield opened


def writer(wiki: object, store: Store, cfg: Config | None = None, **kw: object) -> PageWriter:
    return PageWriter(wiki, store, cfg or config(), store.start_run("generate"), **kw)  # type: ignore[arg-type]


def test_blocks_are_filled_then_left_alone(store: Store) -> None:
    wiki = fake_wiki(PAGES)
    result = generate_blocks(writer(wiki, store), store, config())
    assert [(o.title, o.status) for o in result.outcomes] == [("Liste", "edited")]
    text = wiki.text("Liste") or ""
    assert text.startswith("Intro\n{{Liste pôles ESS|région=Bretagne}}\n'''2 pôles'''")
    assert text.endswith("{{Fin liste pôles ESS}}\nFin")
    [entry] = store.journal()
    assert entry.rules == ("generate",) and "Liste des pôles ESS mise à jour" in entry.summary
    fill_store(store, {**PAGES, "Liste": text})  # the next pull
    reads = (wiki.reads, wiki.batches)
    again = generate_blocks(writer(wiki, store), store, config())
    assert again.outcomes == [] and (wiki.reads, wiki.batches) == reads
    assert again.pages_with_blocks == 1 and again.exit_code == 0


def test_dry_run_shows_the_diff(store: Store) -> None:
    wiki = fake_wiki(PAGES)
    result = generate_blocks(writer(wiki, store, dry_run=True), store, config())
    [outcome] = result.outcomes
    assert outcome.status == "dry-run" and "+{{Fin liste pôles ESS}}" in outcome.diff
    assert wiki.edits == []


def test_region_blocks_when_configured(store: Store) -> None:
    wiki = fake_wiki(PAGES)
    cfg = config(region_blocks=True)
    result = generate_blocks(writer(wiki, store, cfg), store, cfg)
    assert sorted(o.title for o in result.outcomes) == ["Liste", "Région"]
    text = wiki.text("Région") or ""
    assert text.startswith("{{Pôle ESS par région|région=Bretagne}}\nTexte.\n\n"
                           "{{Liste pôles ESS|région=Bretagne}}\n")
    assert text.endswith("{{Fin liste pôles ESS}}\n\n[[Catégorie:Région]]")
    assert "ajoutée" in wiki.edits[-1][2] or "ajoutée" in wiki.edits[0][2]


def test_named_titles_are_read_fresh(store: Store) -> None:
    wiki = fake_wiki({**PAGES, "Nouvelle": "{{Liste pôles ESS|type=pôle en projet}}",
                      "Vide": "Pas de liste."})
    result = generate_blocks(writer(wiki, store), store, config(),
                             titles=["Nouvelle", "Vide", "Nouvelle"])
    assert [(o.title, o.status) for o in result.outcomes] == [("Nouvelle", "edited"),
                                                              ("Vide", "unchanged")]
    assert result.notes == ["Vide: no Liste pôles ESS on the page"]
    assert "Pôle de Lorient" in (wiki.text("Nouvelle") or "")
    assert "Pôle de Brest" not in (wiki.text("Nouvelle") or "")


def test_scope_and_parameter_errors(store: Store) -> None:
    pages = {**PAGES, "Erreur": "{{Liste pôles ESS|tri=date}}"}
    fill_store(store, pages)
    wiki = fake_wiki(pages)
    result = generate_blocks(writer(wiki, store), store, config(),
                             in_scope=lambda title: title == "Erreur")
    assert [o.title for o in result.outcomes] == ["Erreur"]
    assert result.errors == [("Erreur", "tri inconnu « date » (tris : nom, commune, type, "
                                        "département)")]
    assert result.exit_code == 1


def test_nobots_page_is_skipped(store: Store) -> None:
    pages = {**PAGES, "Liste": "{{nobots}}\n" + LIST}
    fill_store(store, pages)
    wiki = fake_wiki(pages)
    result = generate_blocks(writer(wiki, store), store, config())
    assert result.outcomes == [] and result.refused == [("Liste", "nobots", "nobots")]
    assert result.exit_code == 0 and wiki.edits == [] and wiki.reads == wiki.batches == 0
    named = generate_blocks(writer(wiki, store), store, config(), titles=["Liste"])
    assert [(o.status, o.reason) for o in named.outcomes] == [("skipped", "nobots")]
    assert named.exit_code == 0


def test_a_broken_template_stops_before_any_write(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "modeles"
    folder.mkdir()
    (folder / "liste-poles.wiki.j2").write_text("{{ inconnu }}")
    cfg = Config(generate=GenerateConfig(templates=str(folder)))
    wiki = fake_wiki(PAGES)
    with pytest.raises(TemplateError, match="'inconnu' is undefined"):
        generate_blocks(writer(wiki, store, cfg), store, cfg, titles=["Liste"])
    assert wiki.edits == [] and wiki.reads == 0


KARTOGRAPHER = frozenset({"ParserFunctions", "Kartographer"})


def test_map_page_is_created_then_only_rewritten_when_hubs_change(store: Store) -> None:
    wiki = fake_wiki(PAGES)
    [first] = publish_map_page(writer(wiki, store), store, config(), "Carte",
                               KARTOGRAPHER).outcomes
    created = wiki.text("Carte") or ""
    assert first.status == "created" and created.startswith(INTRO + "\n\n" + OPEN_MARKER)
    assert created.endswith(CLOSE_MARKER) and created.count("<mapframe") == 1
    [second] = publish_map_page(writer(wiki, store), store, config(), "Carte",
                                KARTOGRAPHER).outcomes
    assert second.status == "unchanged"
    fill_store(store, {**PAGES, "Vannes": fiche("Pôle de Vannes", "Bretagne",
                                                commune="Vannes")})
    [third] = publish_map_page(writer(wiki, store), store, config(), "Carte",
                               KARTOGRAPHER).outcomes
    edited = wiki.text("Carte") or ""
    assert third.status == "edited" and "Pôle de Vannes" in edited
    assert edited.startswith(INTRO + "\n\n" + OPEN_MARKER) and edited.endswith(CLOSE_MARKER)
    assert wiki.edits[-1][2].startswith("wikisync: Carte des pôles ESS mise à jour")


HUMAN_MAP_PAGE = ("Intro écrite par une personne.\n\n== Légende ==\n* vert : associations\n\n"
                  "== Liens ==\n* [[Accueil]]\n\n[[Catégorie:Carte]]")


def test_map_block_is_appended_before_the_categories_of_a_human_page(store: Store) -> None:
    wiki = fake_wiki({**PAGES, "Carte": HUMAN_MAP_PAGE})
    [outcome] = publish_map_page(writer(wiki, store), store, config(), "Carte",
                                 KARTOGRAPHER).outcomes
    text = wiki.text("Carte") or ""
    head, tail = HUMAN_MAP_PAGE.split("[[Catégorie:Carte]]")
    assert outcome.status == "edited" and text.startswith(head + OPEN_MARKER + "\n<mapframe")
    assert text.endswith(CLOSE_MARKER + "\n\n[[Catégorie:Carte]]" + tail)
    assert wiki.edits[-1][2].startswith("wikisync: Carte des pôles ESS ajoutée à la page")


def test_no_append_refuses_a_page_without_a_block(store: Store) -> None:
    wiki = fake_wiki({**PAGES, "Carte": HUMAN_MAP_PAGE})
    result = publish_map_page(writer(wiki, store), store, config(), "Carte", KARTOGRAPHER,
                              append=False)
    assert result.outcomes == [] and wiki.edits == [] and result.exit_code == 1
    assert [(title, reason) for title, reason, _ in result.refused] == [("Carte", "no-block")]


def test_a_missing_extension_is_refused_before_any_read(store: Store) -> None:
    wiki = fake_wiki({**PAGES, "Carte": HUMAN_MAP_PAGE})
    with pytest.raises(ConfigError, match="no Kartographer extension") as caught:
        publish_map_page(writer(wiki, store), store, config(), "Carte", {"ParserFunctions"})
    assert caught.value.exit_code == 2 and "Carte left untouched" in caught.value.message
    maps = Config(map=MapConfig(extension="maps"))
    with pytest.raises(ConfigError, match=r"no Maps extension.*\{\{#display_map:\}\}"):
        publish_map_page(writer(wiki, store, maps), store, maps, "Carte", KARTOGRAPHER)
    assert wiki.reads == 0 and wiki.edits == []


def test_the_result_counts_through_the_write_units_tally() -> None:
    result = GenerateResult(outcomes=[
        WriteOutcome("A", Status.EDITED, rules=("generate",)),
        WriteOutcome("B", Status.SKIPPED, Reason.NOBOTS),
        WriteOutcome("C", Status.UNCHANGED)], pages_with_blocks=3)
    assert result.tally == Tally.of(result.outcomes)
    assert result.tally.by_rule == {"generate": 1} and result.tally.by_reason == {"nobots": 1}
    assert result.counts() == {"pages_with_blocks": 3, "edited": 1, "created": 0, "dry-run": 0,
                               "unchanged": 1, "skipped": 1, "stopped": 0, "errors": 0,
                               "refused": 0, "notes": 0, "misplaced": 0}
    assert result.exit_code == 0  # a nobots page is not left undone
    result.outcomes.append(WriteOutcome("D", Status.STOPPED, Reason.SHUTOFF))
    assert (result.count("stopped"), result.tally.undone, result.exit_code) == (1, 1, 1)
