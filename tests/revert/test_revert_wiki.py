"""``wikisync revert RUN`` on the real local wiki: a sync's map links undone, people's edits kept.

One sync (run N) adds or sets ``carte`` on four fiches; then a person edits two of them:
one an unrelated field, one the bot's own ``carte``. The revert restores the untouched
pages byte for byte, removes only the bot's ``carte`` from the page edited elsewhere, and
leaves (and reports, exit 1) the page whose ``carte`` a person changed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from wikisync.cli import cli
from wikisync.store import Store
from wikisync.store.runs import RunKind
from wikisync.write import WriteSession

sys.path.insert(0, str(Path(__file__).parents[1] / "sync"))
from sync_helpers import config, gateway, latest_revids, revisions, run_sync  # noqa: E402

FICHE = ("{{Fiche initiative\n| nom       = Pôle %(n)s\n| commune   = Brest\n"
         "| latitude  = 48.%(lat)s\n| longitude = -4.5\n%(carte)s}}\nTexte du pôle %(n)s.\n")
PERSON_LINK = "https://umap.example.org/pole-d"


def revert_cli(tmp_path: Path, env: dict[str, str], *args: str) -> Result:
    """``wikisync -c <tmp>/w.toml revert ARGS`` in this process (no throttle)."""
    path = tmp_path / "w.toml"
    path.write_text("[safety]\nedit_interval = 0\n", encoding="utf-8")
    return CliRunner(env=env).invoke(cli, ["-c", str(path), "revert", *args])


def seed(devwiki: Any, prefix: str) -> dict[str, str]:
    """Four fiches with coordinates: three without ``carte``, one with it empty."""
    pages = {f"{prefix} {n}": FICHE % {"n": n, "lat": 10 + i, "carte": ""}
             for i, n in enumerate("ABD")}
    pages[f"{prefix} C"] = FICHE % {"n": "C", "lat": 20, "carte": "| carte     =\n"}
    devwiki.import_pages(pages)
    return pages


def test_revert_restores_untouched_pages_keeps_people_and_reports_what_it_leaves(
    devwiki: Any, editor_client: Any, wiki_env: dict[str, str],
    unique_title: Callable[..., str], tmp_path: Path,
) -> None:
    prefix = unique_title("Revert")
    seed(devwiki, prefix)
    a, b, c, d = (f"{prefix} {n}" for n in "ABCD")
    before = {t: revisions(editor_client, t, 1)[0]["content"] for t in (a, b, c, d)}
    result = run_sync(config(devwiki), Path(wiki_env["WIKISYNC_STATE"]), prefix)
    run = result.run_id
    assert result.count("edited") == 4
    bot = {t: revisions(editor_client, t, 1)[0]["content"] for t in (a, b, c, d)}
    assert all("| carte" in bot[t] and "openstreetmap" in bot[t] for t in bot)
    assert editor_client.edit(c, bot[c].replace("Brest", "Quimper"), "commune")["edit"]
    osm = next(line for line in bot[d].splitlines() if "carte" in line).split("=", 1)[1]
    assert editor_client.edit(d, bot[d].replace(osm.strip(), PERSON_LINK), "lien")["edit"]
    revids = latest_revids(editor_client, [a, b, c, d])

    dry = revert_cli(tmp_path, wiki_env, str(run), "--dry-run")
    assert dry.exit_code == 1, dry.output
    assert f"# {a} — wikisync: annulation du run {run} [run " in dry.output
    assert "-| carte" in dry.output and f"left: {d}: carte (fiche #0): changed-since" in dry.output
    assert latest_revids(editor_client, [a, b, c, d]) == revids  # the dry run wrote nothing

    done = revert_cli(tmp_path, wiki_env, str(run), "--json")
    assert done.exit_code == 1, done.output
    report = json.loads(done.stdout)  # progress lines go to stderr
    pages = {p["title"]: p for p in report["pages"]}
    assert {t: p["action"] for t, p in pages.items()} == {
        a: "restored", b: "restored", c: "params-reverted", d: "left"}
    assert report["edits"] == 3 and report["revert_run"] > run
    for title in (a, b):
        latest = revisions(editor_client, title, 1)[0]
        assert latest["content"] == before[title]  # byte for byte
        assert latest["comment"] == (f"wikisync: annulation du run {run} "
                                     f"[run {report['revert_run']}]")
    assert revisions(editor_client, c, 1)[0]["content"] == before[c].replace("Brest", "Quimper")
    assert pages[c]["undone"] == ["carte (fiche #0)"]
    assert revisions(editor_client, d, 1)[0]["revid"] == revids[d]
    assert pages[d]["reasons"] == [f"carte (fiche #0): changed-since (now {PERSON_LINK!r})"]
    with Store(wiki_env["WIKISYNC_STATE"]) as store:
        reverted = store.runs(kind=RunKind.REVERT)[0]
        assert reverted.counts["reverted_run"] == run
        assert [e.title for e in store.journal(run_id=reverted.id)] == [a, b, c]

    reverted_revids = latest_revids(editor_client, [a, b, c, d])
    again = revert_cli(tmp_path, wiki_env, str(run))
    assert again.exit_code == 1, again.output  # the page a person changed is still left
    assert latest_revids(editor_client, [a, b, c, d]) == reverted_revids  # 0 edits
    assert f"nothing: {a}: already reverted by run {report['revert_run']}" in again.output
    assert "edited 0;" in again.output and "no edit made" in again.output
    assert f"run {run} was reverted before by run {report['revert_run']}\n" in again.output
    assert f"left: {d}: carte (fiche #0): changed-since" in again.output


def test_a_page_the_run_created_is_reported_with_its_address_not_deleted(
    devwiki: Any, editor_client: Any, wiki_env: dict[str, str],
    unique_title: Callable[..., str], tmp_path: Path,
) -> None:
    prefix = unique_title("Revert")
    old, new = f"{prefix} Liste", f"{prefix} Nouvelle"
    devwiki.import_pages({old: "Une page.\n"})
    cfg = config(devwiki)
    with Store(wiki_env["WIKISYNC_STATE"]) as store, \
            WriteSession(gateway(cfg), store, cfg, RunKind.GENERATE) as session:
        session.writer.create(new, "Page créée par le robot.\n", ("map",), "wikisync: carte")
        session.writer.write(old, lambda text: text + "Ajout du robot.\n", ("list",),
                             "wikisync: liste")
    created_revid = revisions(editor_client, new, 1)[0]["revid"]

    first = revert_cli(tmp_path, wiki_env, str(session.run_id), "--json")
    assert first.exit_code == 1, first.output  # an admin has a page to delete
    pages = {p["title"]: p for p in json.loads(first.stdout)["pages"]}
    assert pages[old]["action"] == "restored"
    assert revisions(editor_client, old, 1)[0]["content"] == "Une page."
    created = pages[new]
    assert created["action"] == "created-report" and created["new_revid"] is None
    assert created["url"] == f"{devwiki.base_url}/index.php/{new.replace(' ', '_')}"
    assert created["note"] == f"created by run {session.run_id}: {created['url']}"
    assert revisions(editor_client, new, 1)[0]["revid"] == created_revid  # never touched

    second = revert_cli(tmp_path, wiki_env, str(session.run_id), "--page", old)
    assert second.exit_code == 0, second.output
    assert "edited 0;" in second.output
    assert revisions(editor_client, old, 1)[0]["content"] == "Une page."


def test_an_unknown_run_or_page_is_a_usage_error_before_any_request(
    wiki_env: dict[str, str], tmp_path: Path,
) -> None:
    with Store(wiki_env["WIKISYNC_STATE"]) as store:
        run = store.start_run(RunKind.SYNC)
        store.finish_run(run, "ok", {})
    unknown = revert_cli(tmp_path, wiki_env, str(run + 1))
    assert unknown.exit_code == 2
    assert f"no run {run + 1} in the store" in unknown.output
    page = revert_cli(tmp_path, wiki_env, str(run), "--page", "Ailleurs")
    assert page.exit_code == 2 and f"run {run} did not edit 'Ailleurs'" in page.output
    empty = revert_cli(tmp_path, wiki_env, str(run))
    assert empty.exit_code == 0 and f"run {run} saved no edit" in empty.output, empty.output
