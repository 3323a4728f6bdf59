"""``pull`` on the real local wiki: first pull, incremental pulls, fallbacks, request counts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pull_helpers import batches, fiche, run_pull, snapshot

from wikisync.store import Store


def test_first_pull_reads_everything_500_a_request(
    devwiki: Any, unique_title: Callable[..., str], tmp_path: Path
) -> None:
    prefix = unique_title("Pôle")
    pages = {f"{prefix} {i:03d}": fiche(f"{prefix} {i:03d}", i) for i in range(610)}
    redirect = unique_title("Modèle:Fiche alias")
    pages[redirect] = "#REDIRECTION [[Modèle:Fiche initiative]]"
    pages[f"{prefix} alias"] = "{{" + redirect.split(":", 1)[1] + "|nom=Via alias}}"
    pages[f"{prefix} liste"] = "{{Liste pôles ESS|région=Bretagne}}\n{{Fin liste pôles ESS}}"
    pages[f"Talk-like {prefix}"] = "Pas de modèle ici."
    devwiki.import_pages(pages)

    result = run_pull(devwiki, tmp_path / "s.sqlite")

    assert result.mode == "full"
    with Store(tmp_path / "s.sqlite") as store:
        mine = {r.title: r for r in store.records() if r.title.startswith(prefix)}
        stored = {p.title for p in store.pages()}
    assert len(mine) == 611
    assert mine[f"{prefix} 007"].lat == 48.7 and mine[f"{prefix} 007"].type == "association"
    assert mine[f"{prefix} alias"].name == "Via alias"  # found through the template redirect
    assert f"{prefix} liste" in stored  # a generated block: kept for the generator
    assert f"Talk-like {prefix}" not in stored and redirect not in stored
    # one discovery query, then ceil(pages / 500) content reads; one siteinfo
    assert result.requests == {"read": 1 + batches(result.pages_read, 500), "other": 1}
    assert result.pages_read >= 612 and result.batches == batches(result.pages_read, 500)
    assert result.checkpoint and store_checkpoint(tmp_path / "s.sqlite") == result.checkpoint

    # A no-change incremental pull: siteinfo + one RC query (+ re-reading at most one batch
    # of what other tests changed in the overlap window); then nothing at all.
    again = run_pull(devwiki, tmp_path / "s.sqlite")
    assert again.mode == "incremental" and sum(again.requests.values()) <= 3
    quiet = run_pull(devwiki, tmp_path / "s.sqlite")
    assert quiet.requests == {"other": 1, "read": 1} and quiet.pages_read == 0
    assert quiet.seconds < 1.0


def store_checkpoint(path: Path) -> str | None:
    with Store(path) as store:
        return store.checkpoint


def test_non_bot_accounts_read_50_a_request(devwiki: Any, unique_title: Callable[..., str],
                                           tmp_path: Path) -> None:
    prefix = unique_title("Pôle")
    devwiki.import_pages({f"{prefix} {i}": fiche(f"{prefix} {i}", i) for i in range(60)})
    result = run_pull(devwiki, tmp_path / "s.sqlite", account="editor")
    assert result.batches == batches(result.pages_read, 50) >= 2


def test_incremental_pull_rereads_only_the_changed_pages_and_matches_a_full_pull(
    devwiki: Any, unique_title: Callable[..., str], tmp_path: Path,
    editor_client: Any, admin_client: Any,
) -> None:
    prefix = unique_title("Pôle")
    names = [f"{prefix} {i}" for i in range(10)]
    plain = f"{prefix} sans fiche"
    devwiki.import_pages({plain: "Pas encore de fiche.",
                          **{name: fiche(name, i) for i, name in enumerate(names)}})
    store_a = tmp_path / "a.sqlite"
    run_pull(devwiki, store_a)
    run_pull(devwiki, store_a)  # absorbs other tests' changes in the overlap window

    for i in range(3):  # edit 3
        editor_client.edit(names[i], fiche(names[i], 50 + i))
    created = f"{prefix} nouveau"
    editor_client.edit(created, fiche(created, 60))  # create 1
    token = admin_client.csrf()
    admin_client.post(action="delete", title=names[3], reason="test", token=token)  # delete 1
    moved = f"{prefix} renommé"
    admin_client.post(action="move", **{"from": names[4]}, to=moved, reason="test",
                      token=token)  # move 1 (leaves a redirect)
    editor_client.edit(names[5], "Plus de fiche ici.")  # remove the template from 1
    editor_client.edit(plain, fiche(plain, 70))  # an existing page starts using it

    result = run_pull(devwiki, store_a)

    assert result.mode == "incremental"
    assert sorted(result.titles) == sorted(
        [*names[:3], created, names[4], moved, names[5], plain]  # names[4]: a redirect
    )
    with Store(store_a) as store:
        titles = {p.title for p in store.pages()}
        assert store.page(moved) is not None
        assert [r.lat for r in store.records(title=names[0])] == [48.50]
    assert {created, moved, plain} <= titles
    assert not {names[3], names[4], names[5]} & titles
    assert result.requests["read"] == 2  # RC + one batch of pages

    store_b = tmp_path / "b.sqlite"
    run_pull(devwiki, store_b, full=True)
    assert snapshot(store_a) == snapshot(store_b)
    check = run_pull(devwiki, store_a, full=True)  # --full on the incremental store
    assert check.drift == []


def test_full_pull_reports_drift(devwiki: Any, unique_title: Callable[..., str],
                                 tmp_path: Path) -> None:
    prefix = unique_title("Pôle")
    devwiki.import_pages({prefix: fiche(prefix, 1)})
    path = tmp_path / "s.sqlite"
    run_pull(devwiki, path)
    devwiki.import_pages({prefix: fiche(prefix, 2)})  # no RC row: a change pull cannot see
    assert prefix not in run_pull(devwiki, path).titles
    result = run_pull(devwiki, path, full=True)
    assert [(d.title, d.kind) for d in result.drift if d.title == prefix] == [(prefix, "changed")]
    with Store(path) as store:
        assert [r.lat for r in store.records(title=prefix)] == [48.2]


def test_an_old_checkpoint_falls_back_to_a_full_read(devwiki: Any, tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    run_pull(devwiki, path)
    with Store(path) as store:
        store.set_checkpoint("2020-01-01T00:00:00Z")
    result = run_pull(devwiki, path)
    assert result.mode == "full"
    assert any("older than the wiki keeps recent changes" in n for n in result.notes)
    assert store_checkpoint(path) != "2020-01-01T00:00:00Z"


def test_a_new_template_redirect_brings_in_the_pages_using_it(
    devwiki: Any, unique_title: Callable[..., str], tmp_path: Path, editor_client: Any
) -> None:
    alias = unique_title("Fiche alias").replace(" ", "-")
    title = unique_title("Pôle")
    devwiki.import_pages({title: "{{" + alias + "|nom=Par un nouvel alias|type=informel}}"})
    path = tmp_path / "s.sqlite"
    run_pull(devwiki, path)
    run_pull(devwiki, path)
    with Store(path) as store:
        assert store.page(title) is None  # the alias is not a redirect yet
    editor_client.edit(f"Modèle:{alias}", "#REDIRECTION [[Modèle:Fiche initiative]]")
    devwiki.run_jobs()  # MediaWiki updates the page's transclusion links
    result = run_pull(devwiki, path)
    assert any("redirects changed" in note for note in result.notes)
    with Store(path) as store:
        assert [r.name for r in store.records(title=title)] == ["Par un nouvel alias"]
        assert f"Modèle:{alias}" in store.get_json("template_redirects")["Modèle:Fiche initiative"]
