"""``sync`` on the real local wiki: map links, idempotence, refusals, conflicts, shutoff."""

from __future__ import annotations

import difflib
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from sync_helpers import (
    config,
    latest_revids,
    revisions,
    run_sync,
    seed_samples,
    without_carte,
)

from wikisync.cli import cli
from wikisync.cli.sync import summary
from wikisync.store import Store

BRETAGNE = ["Pôles ESS en Bretagne", "Pôle ESS du Pays de Brest",
            "Pôle de coopération solidaire du Pays de Lorient", "Maison de l'ESS de Rennes",
            "Maison de l'ESS de Lyon"]
UNSAFE = {
    "Nobots": "{{nobots}}\n{{Fiche initiative|nom=N|latitude=48|longitude=-4}}",
    "Deny": "{{bots|deny=wikisync}}\n{{Fiche initiative|nom=D|latitude=48|longitude=-4}}",
    "Deux": "{{Fiche initiative|nom=A|latitude=48|longitude=-4}}\n"
            "{{Fiche initiative|nom=B|latitude=47|longitude=-3}}",
    "Cassée": "{{Pôle ESS|nom=R|latitude=48|longitude=-4}}\n"
              "{{Fiche initiative|nom=C|latitude=48|longitude=-4\n\nTexte.",
    "Commentaire": "{{Fiche initiative|nom=E|latitude=48|longitude=-4}}\n<!-- pas fermé",
}


def test_sync_adds_map_links_touching_only_carte_and_a_second_sync_edits_nothing(
    devwiki: Any, editor_client: Any, unique_title: Callable[..., str], tmp_path: Path
) -> None:
    prefix = unique_title("Sync")
    pages = seed_samples(devwiki, prefix, BRETAGNE)
    before = latest_revids(editor_client, list(pages))
    cfg = config(devwiki)

    result = run_sync(cfg, tmp_path / "s.sqlite", prefix)

    edited = {o.title for o in result.outcomes if o.status == "edited"}
    assert edited == set(pages) and result.exit_code == 0
    for title in pages:
        [new, old] = revisions(editor_client, title, limit=2)
        assert old["revid"] == before[title] and new["parentid"] == before[title]
        assert new["user"] == "WikisyncBot" and new["comment"].endswith(f"[run {result.run_id}]")
        assert new["comment"].startswith("wikisync: lien carte (")
        changed = [line for line in difflib.unified_diff(
            old["content"].splitlines(), new["content"].splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and line[:3] not in ("+++", "---")]
        assert changed and all("carte" in line for line in changed if line[0] == "+")
        assert without_carte(new["content"]) == without_carte(old["content"])
    lyon = revisions(editor_client, f"{prefix} Maison de l'ESS de Lyon", 1)[0]["content"]
    assert "| carte        = https://www.openstreetmap.org/?mlat=45.754&mlon=4.842" in lyon
    with Store(tmp_path / "s.sqlite") as store:
        journal = store.journal(run_id=result.run_id)
    assert {e.title for e in journal} == set(pages)
    assert all(e.rules == ("map_links",) and "+" in e.diff for e in journal)

    again = run_sync(cfg, tmp_path / "s.sqlite", prefix)
    assert again.plan.pages == [] and again.count("edited") == 0
    assert again.requests.get("write", 0) == 0
    assert latest_revids(editor_client, list(pages)) == {
        t: revisions(editor_client, t, 1)[0]["revid"] for t in pages}


def test_unsafe_and_nobots_pages_are_never_edited(
    devwiki: Any, editor_client: Any, unique_title: Callable[..., str], tmp_path: Path
) -> None:
    prefix = unique_title("Sync")
    pages = seed_samples(devwiki, prefix, [], UNSAFE)
    before = latest_revids(editor_client, list(pages))

    result = run_sync(config(devwiki), tmp_path / "s.sqlite", prefix)

    assert latest_revids(editor_client, list(pages)) == before
    assert result.count("edited") == 0
    kinds = {n.title.removeprefix(prefix + " "): n.kind
             for n in result.plan.refused + result.plan.notes}
    assert kinds == {"Nobots": "nobots", "Deny": "nobots", "Deux": "unsafe",
                     "Cassée": "unsafe", "Commentaire": "unsafe"}
    assert result.exit_code == 1  # unsafe pages with work to do: partial


def test_a_page_broken_after_the_pull_is_refused_on_its_fresh_text(
    devwiki: Any, editor_client: Any, unique_title: Callable[..., str], tmp_path: Path
) -> None:
    prefix = unique_title("Sync")
    title = f"{prefix} Fiche"
    devwiki.import_pages({title: "{{Fiche initiative|nom=A|latitude=48|longitude=-4}}"})
    cfg = config(devwiki)
    run_sync(cfg, tmp_path / "s.sqlite", prefix, dry_run=True)  # store holds the safe page
    editor_client.edit(title, "{{nobots}}{{Fiche initiative|nom=A|latitude=48|longitude=-4}}")
    revid = latest_revids(editor_client, [title])[title]

    result = run_sync(cfg, tmp_path / "s.sqlite", prefix, pull=False)

    assert [(o.status, o.reason) for o in result.outcomes] == [("skipped", "nobots")]
    assert latest_revids(editor_client, [title])[title] == revid


def test_conflict_human_text_survives_and_the_edit_is_replanned(
    devwiki: Any, editor_client: Any, unique_title: Callable[..., str], tmp_path: Path
) -> None:
    prefix = unique_title("Sync")
    title = f"{prefix} Fiche"
    text = "{{Fiche initiative\n| nom = A\n| latitude = 48.1\n| longitude = -4.2\n}}\nTexte.\n"
    devwiki.import_pages({title: text})
    cfg = config(devwiki)
    human = text.replace("Texte.", "Texte corrigé par Marie.")
    original = _edit_before_first_save(editor_client, title, human)

    result = run_sync(cfg, tmp_path / "s.sqlite", prefix)

    [outcome] = result.outcomes
    assert outcome.status == "edited", outcome
    assert result.conflicts == 1 and result.counts()["conflicts"] == 1
    [ours, theirs] = revisions(editor_client, title, 2)
    assert theirs["user"] == "Marie Dupont" and ours["parentid"] == theirs["revid"]
    assert "Texte corrigé par Marie." in ours["content"]
    assert "| carte = https://www.openstreetmap.org/?mlat=48.1&mlon=-4.2" in ours["content"]
    original()


def test_conflict_twice_skips_and_never_overwrites(
    devwiki: Any, editor_client: Any, unique_title: Callable[..., str], tmp_path: Path
) -> None:
    prefix = unique_title("Sync")
    title = f"{prefix} Fiche"
    text = "{{Fiche initiative\n| nom = A\n| latitude = 48.1\n| longitude = -4.2\n}}\n"
    devwiki.import_pages({title: text})
    restore = _edit_before_every_save(editor_client, title, text)

    result = run_sync(config(devwiki), tmp_path / "s.sqlite", prefix)

    restore()
    [outcome] = result.outcomes
    assert (outcome.status, outcome.reason) == ("skipped", "conflict")
    assert result.exit_code == 1
    assert result.conflicts == 2
    assert all(r["user"] != "WikisyncBot" for r in revisions(editor_client, title))


KEPT_FICHE = ("{{Fiche initiative\n| nom = Pôle Gardé\n| commune = Brest\n| latitude = 48.1\n"
              "| longitude = -4.2\n| site web = \n}}\nTexte.\n")
PERSON_CARTE = "https://umap.example.org/pole-garde"
OSM = "https://www.openstreetmap.org/?mlat=48.1&mlon=-4.2#map=16/48.1/-4.2"


def test_conflict_where_a_person_sets_carte_keeps_their_value_and_reports_it(
    devwiki: Any, editor_client: Any, unique_title: Callable[..., str], tmp_path: Path
) -> None:
    prefix = unique_title("Sync")
    title = f"{prefix} Fiche"
    devwiki.import_pages({title: KEPT_FICHE})
    dataset = tmp_path / "ref.csv"
    dataset.write_text("nom,commune,site web,fiche\n"
                       f"Pôle Gardé,Brest,http://garde.example.org,{title}\n", encoding="utf-8")
    person = KEPT_FICHE.replace("| site web = \n", f"| site web = \n| carte = {PERSON_CARTE}\n")
    restore = _edit_before_first_save(editor_client, title, person)

    result = run_sync(config(devwiki), tmp_path / "s.sqlite", prefix, dataset=str(dataset))

    restore()
    [outcome] = result.outcomes
    assert outcome.status == "edited" and result.conflicts == 1
    [ours, theirs] = revisions(editor_client, title, 2)
    assert theirs["user"] == "Marie Dupont" and ours["parentid"] == theirs["revid"]
    assert ours["content"] == person.replace(  # MediaWiki drops the final newline
        "| site web = \n", "| site web = http://garde.example.org\n").rstrip("\n")
    assert ours["comment"].startswith("wikisync: site web depuis le jeu de données (1) [run")
    assert [(t, k.change.param, k.change.old, k.reason) for t, k in result.kept] == [
        (title, "carte", PERSON_CARTE, "changed-by-person")]
    assert result.counts()["kept"] == 1 and result.exit_code == 1
    assert f"kept a person's value: {title}: carte = {PERSON_CARTE!r} (changed-by-person; " \
           f"not written: {OSM!r})" in summary(result)
    with Store(tmp_path / "s.sqlite") as store:
        [skip] = store.journal(run_id=result.run_id, kind="skip")
    assert (skip.title, skip.reason, skip.old_revid) == (title, "changed-by-person",
                                                         theirs["revid"])
    shown = _cli(tmp_path, ["history", "--run", str(result.run_id)])
    assert "1 edit, 1 kept back" in shown.output
    assert f"  {title}  r{theirs['revid']}  kept carte (changed-by-person)  [map_links]" \
           in shown.output
    audit = _cli(tmp_path, ["audit", "--format", "json"])
    assert audit.exit_code == 1
    kept = [d for d in json.loads(audit.output) if d["kind"] == "conflict-kept"]
    assert kept == [{"kind": "conflict-kept", "name": "Pôle Gardé", "title": title,
                     "field": "carte", "wiki": PERSON_CARTE, "dataset": OSM,
                     "detail": f"changed-by-person, run {result.run_id}, r{theirs['revid']}"}]


def test_conflict_on_an_unrelated_parameter_is_replanned_and_writes_carte(
    devwiki: Any, editor_client: Any, unique_title: Callable[..., str], tmp_path: Path
) -> None:
    prefix = unique_title("Sync")
    title = f"{prefix} Fiche"
    devwiki.import_pages({title: KEPT_FICHE})
    person = KEPT_FICHE.replace("| commune = Brest", "| commune = Plouzané")
    restore = _edit_before_first_save(editor_client, title, person)

    result = run_sync(config(devwiki), tmp_path / "s.sqlite", prefix)

    restore()
    [outcome] = result.outcomes
    assert (outcome.status, outcome.kept, result.conflicts, result.exit_code) == (
        "edited", (), 1, 0)
    [ours, theirs] = revisions(editor_client, title, 2)
    assert theirs["user"] == "Marie Dupont" and ours["parentid"] == theirs["revid"]
    assert ours["content"] == person.replace(
        "| site web = \n}}", f"| site web = \n| carte = {OSM}\n}}}}").rstrip("\n")
    with Store(tmp_path / "s.sqlite") as store:
        assert [e.kind for e in store.journal()] == ["edit"]


def _cli(tmp_path: Path, args: list[str]) -> Any:
    """Run a store-only command (history, audit) on the test's store."""
    cfg = tmp_path / "c.toml"
    cfg.write_text("[safety]\nedit_interval = 0\n", encoding="utf-8")
    env = {"WIKISYNC_CONFIG": str(cfg), "WIKISYNC_STATE": str(tmp_path / "s.sqlite")}
    return CliRunner().invoke(cli, args, env=env)


def _edit_before_first_save(client: Any, title: str, text: str) -> Callable[[], None]:
    """Make the editor save ``text`` just before the bot's first edit of ``title``."""
    from wikisync.api.writes import EditSender

    original = EditSender.edit
    done = threading.Event()

    def edit(self: Any, request: Any) -> Any:
        if request.title == title and not done.is_set():
            done.set()
            assert client.edit(title, text, "correction")["edit"]["result"] == "Success"
        return original(self, request)

    EditSender.edit = edit  # type: ignore[method-assign]
    return lambda: setattr(EditSender, "edit", original)


def _edit_before_every_save(client: Any, title: str, text: str) -> Callable[[], None]:
    """Make the editor save a new revision before each of the bot's edits of ``title``."""
    from wikisync.api.writes import EditSender

    original = EditSender.edit
    count = [0]

    def edit(self: Any, request: Any) -> Any:
        if request.title == title:
            count[0] += 1
            client.edit(title, text + f"\nÉdition humaine {count[0]}.", "humain")
        return original(self, request)

    EditSender.edit = edit  # type: ignore[method-assign]
    return lambda: setattr(EditSender, "edit", original)
