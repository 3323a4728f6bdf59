"""The audit end to end on the real local wiki: seed pages, pull, audit; exact JSON report.

The wiki is shared by the whole test session, so the store holds other tests' pages too:
the audit gets only the records and pages under this test's unique title prefix (the
dataset and the map name only this test's hubs).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from wikisync.api import Gateway
from wikisync.audit import audit
from wikisync.audit.render import render_json
from wikisync.cli import cli
from wikisync.config import Config, WikiConfig
from wikisync.dataset import load_dataset
from wikisync.export.geo import MapSettings, map_data, to_geojson
from wikisync.hubs import build_hubs
from wikisync.store import Store
from wikisync.sync import pull
from wikitools import TEST_USER_AGENT


def fiche(name: str, type_: str = "association de développement", commune: str = "Brest",
          lat: str = "48.39", lon: str = "-4.49", site: str = "http://www.a.example.org",
          extra: str = "") -> str:
    """A Fiche initiative page."""
    return (f"{{{{Fiche initiative\n| nom = {name}\n| type = {type_}\n| région = Bretagne\n"
            f"| département = 29\n| commune = {commune}\n| latitude = {lat}\n"
            f"| longitude = {lon}\n| site web = {site}\n{extra}}}}}\nTexte.\n")


ASSO = "association de développement"
HERE = "coordonnées=48.39, -4.49"


def row(params: str) -> str:
    """A Pôle ESS row."""
    return "{{Pôle ESS|" + params + "}}"


def pages(p: str) -> dict[str, str]:
    """This test's pages; every title starts with the prefix ``p``."""
    return {
        # near-misses only: name written differently, [[Brest]], variant type, code 29
        f"{p} A": fiche("Pôle Audit A", "asso de développement", "[[Brest]]"),
        f"{p} B": fiche("Pôle Audit B", "centre multi-fonctions", site="http://b.example.org"),
        f"{p} C": fiche("Pôle Audit C", site="http://c.example.org"),
        f"{p} D": fiche("Pôle Audit D", site="http://d.example.org"),
        f"{p} E": fiche("Pôle Audit E", commune="Quimper", site="http://e.example.org"),
        f"{p} G": fiche("Pôle Audit G", site="http://g.example.org"),
        f"{p} I": fiche("Pôle Audit I", site="http://i.example.org"),
        f"{p} I bis": fiche("Pôle Audit I", site="http://i.example.org"),
        f"{p} J": fiche("Pôle Audit J", "frob", site="pas de site"),
        f"{p} Région": "{{Pôle ESS par région\n| région = Bretagne\n}}\n" + "\n".join([
            row(f"nom=Pôle Audit A|type=asso de développement|commune=Brest|{HERE}|fiche={p} A"),
            row(f"nom=Pôle Audit B|type=pôle en projet|{HERE}|fiche={p} B"),
            row(f"nom=Pôle Audit K|type={ASSO}|lat=48.39|lon=-4.49|fiche={p} Nulle part"),
            row(f"nom=Pôle Audit L|type={ASSO}|lat=48.39|lon=-4.49|fiche={p} Liste"),
        ]),
        f"{p} Liste": "{{Liste pôles ESS|région=Bretagne}}\n{{Fin liste pôles ESS}}\n",
    }


def dataset_csv(p: str) -> str:
    """The reference dataset: one row per hub, with the differences the test expects."""
    rows = [
        # A: case, accents, 40 m north, https, no www, trailing slash, département by name
        "POLE audit a,association de développement,Bretagne,Finistère,brest,48.39036,-4.49,"
        "https://a.example.org/,",
        "Pôle Audit B,association de développement,Bretagne,29,Brest,48.39,-4.49,"
        "http://b.example.org,",
        "Pôle Audit C,association de développement,Bretagne,29,Brest,48.41,-4.49,"
        "http://c.example.org,",
        "Pôle Audit D,association de développement,Bretagne,29,Brest,48.39,-4.49,"
        "http://d.example.fr,",
        f"Pôle Audit E,association de développement,Normandie,14,Caen,48.39,-4.49,"
        f"http://e.example.org,{p} E",
        f"Pôle Audit F (nouveau nom),association de développement,Bretagne,29,Brest,,,,{p} G",
        "Pôle Audit H,pôle en projet,Bretagne,29,Rennes,48.11,-1.68,,",
        f"Pôle Audit I,association de développement,Bretagne,29,Brest,48.39,-4.49,"
        f"http://i.example.org,{p} I",
        "Pôle Audit J,,Bretagne,29,Brest,48.39,-4.49,,",
        "Pôle Audit K,association de développement,,,,,,,",
        "Pôle Audit L,association de développement,,,,,,,",
        ",projet,,,Nulle part,,,,",
    ]
    return ("nom,type,région,département,commune,latitude,longitude,site web,fiche\n"
            + "\n".join(rows) + "\n")


def tamper(geojson: dict[str, Any], p: str) -> dict[str, Any]:
    """The map as it might be served: B recoloured, C linked to its site, D moved, E gone,
    one pin for a hub that does not exist."""
    served = copy.deepcopy(geojson)
    by_title = {f["properties"]["title"]: f for f in served["features"]}
    by_title[f"{p} B"]["properties"]["marker-color"] = "#2b6cb0"
    by_title[f"{p} C"]["properties"]["url"] = "http://c.example.org"
    by_title[f"{p} D"]["geometry"]["coordinates"] = [-4.49, 48.45]
    served["features"].remove(by_title[f"{p} E"])
    ghost = copy.deepcopy(by_title[f"{p} A"])
    ghost["properties"].update(name="Pôle Fantôme", title=None, url=None, commune="Morlaix")
    served["features"].append(ghost)
    return served


def diff(kind: str, name: str | None, title: str | None, field: str | None = None,
         wiki: str | None = None, other: str | None = None,
         detail: str | None = None, row: int | None = None,
         file: str = "") -> dict[str, Any]:
    """One JSON difference; ``row``: it comes from that row of the dataset ``file``."""
    found = {"kind": kind, "name": name, "title": title, "field": field, "wiki": wiki,
             "dataset": other, "detail": detail}
    if row is not None:
        found["source"] = {"file": file, "sheet": None, "row": row}
    return found


def expected(p: str, index: str, file: str) -> list[dict[str, Any]]:
    """Exactly what the audit must report, in its order (``file``: the dataset's path)."""
    url = f"{index}?title={p.replace(' ', '_')}_C"  # the prefix is ASCII
    return [
        diff("missing-on-wiki", "Pôle Audit H", None, detail="dataset line 8", row=8,
             file=file),
        diff("missing-in-dataset", "Pôle Audit I", f"{p} I bis"),
        diff("mismatch", "Pôle Audit B", f"{p} B", "type", "multifonction", "association",
             row=3, file=file),
        diff("mismatch", "Pôle Audit C", f"{p} C", "coordinates", "48.39, -4.49",
             "48.41, -4.49", "2224 m", row=4, file=file),
        diff("mismatch", "Pôle Audit D", f"{p} D", "website", "http://d.example.org",
             "http://d.example.fr", row=5, file=file),
        diff("mismatch", "Pôle Audit E", f"{p} E", "commune", "Quimper", "Caen", row=6,
             file=file),
        diff("mismatch", "Pôle Audit E", f"{p} E", "departement", "29", "14", row=6, file=file),
        diff("mismatch", "Pôle Audit E", f"{p} E", "region", "Bretagne", "Normandie", row=6,
             file=file),
        diff("mismatch", "Pôle Audit G", f"{p} G", "name", "Pôle Audit G",
             "Pôle Audit F (nouveau nom)", row=7, file=file),
        diff("inconsistent", "Pôle Audit B", f"{p} B", "type", "multifonction", "projet",
             f"row on {p} Région"),
        diff("inconsistent", "Pôle Audit I", f"{p} I bis", "fiche", f"{p} I bis", f"{p} I",
             "two fiches for one hub"),
        diff("inconsistent", "Pôle Audit K", f"{p} Région", "fiche", f"{p} Nulle part", None,
             "no such page"),
        diff("inconsistent", "Pôle Audit L", f"{p} Région", "fiche", f"{p} Liste", None,
             "the page has no Fiche initiative infobox"),
        diff("map-missing", "Pôle Audit E", f"{p} E"),
        diff("map-extra", "Pôle Fantôme", None, other="map feature 11"),
        diff("map-mismatch", "Pôle Audit B", f"{p} B", "colour", "#ed8936", "#2b6cb0",
             "type multifonction"),
        diff("map-mismatch", "Pôle Audit C", f"{p} C", "link", url,
             "http://c.example.org", "should lead to the fiche"),
        diff("map-mismatch", "Pôle Audit D", f"{p} D", "coordinates", "48.39, -4.49",
             "48.45, -4.49", "6672 m"),
        diff("problem", "Pôle Audit J", f"{p} J", "bad-url", detail="pas de site"),
        diff("problem", None, None, "no-name", other="line 13",
             detail="the row has no hub name", row=13, file=file),
        diff("problem", "Pôle Audit J", f"{p} J", "unknown-type", detail="frob"),
    ]


def wiki_config(devwiki: Any) -> Config:
    return Config(wiki=WikiConfig(api=devwiki.api_url, username=devwiki.bot_username,
                                  password=devwiki.bot_password, user_agent=TEST_USER_AGENT))


def test_audit_of_a_real_wiki_is_exactly_the_expected_report(
        devwiki: Any, unique_title: Callable[..., str], tmp_path: Path) -> None:
    prefix = unique_title("Audit")
    devwiki.import_pages(pages(prefix))
    config = wiki_config(devwiki)
    gateway = Gateway(config.wiki)
    gateway.login()
    with Store(tmp_path / "state.sqlite") as store:
        pull(gateway, store, config, full=True)
        records = [r for r in store.records() if r.title.startswith(prefix)]
        titles = sorted({s.title for s in store.page_states().values()
                         if s.title.startswith(prefix)})
        page_problems = {title: store.page_problems(title) for title in titles}
    assert len(titles) == 11  # every page of ours, "Liste" included
    (tmp_path / "d.csv").write_text(dataset_csv(prefix), encoding="utf-8")
    dataset = load_dataset(tmp_path / "d.csv", config.schema)
    settings = MapSettings.from_config(config)
    served = tamper(to_geojson(map_data(build_hubs(records), settings)), prefix)

    report = render_json(audit(records, dataset, served, config, pages=page_problems))

    assert json.loads(report) == expected(prefix, devwiki.index_url, str(tmp_path / "d.csv"))


def test_cli_pull_then_audit(devwiki: Any, unique_title: Callable[..., str],
                             wiki_env: dict[str, str], tmp_path: Path,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    """``--pull`` fills an empty store first; the report names this test's differences."""
    monkeypatch.chdir(tmp_path)
    prefix = unique_title("Audit")
    name = f"Pôle {prefix}"  # unique: the whole shared wiki is audited
    devwiki.import_pages({f"{prefix} B": fiche(name, "centre multi-fonctions")})
    (tmp_path / "d.csv").write_text(f"nom,type,fiche\n{name},pôle en projet,{prefix} B\n",
                                    encoding="utf-8")
    env = {"WIKISYNC_CONFIG": None, **wiki_env}
    result = CliRunner().invoke(cli, ["-q", "audit", "--pull", "--dataset", "d.csv",
                                      "--format", "json"], env=env)
    assert result.exit_code == 1, result.output
    mine = [d for d in json.loads(result.output) if (d["title"] or "").startswith(prefix)]
    assert mine == [diff("mismatch", name, f"{prefix} B", "type", "multifonction", "projet",
                         row=2, file="d.csv")]
    assert Path(wiki_env["WIKISYNC_STATE"]).is_file()


def test_publish_writes_the_report_only_when_it_changed(
        devwiki: Any, unique_title: Callable[..., str], wiki_env: dict[str, str],
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--publish`` creates the page, leaves it alone when the report is the same, edits it
    when the report changes; markup in the report (``{{nobots}}``) stays inert."""
    monkeypatch.chdir(tmp_path)
    prefix = unique_title("Audit")
    report_title = f"{prefix} rapport"
    devwiki.import_pages({f"{prefix} N": "{{nobots}}\n" + fiche(f"Pôle {prefix} N")})
    env = {"WIKISYNC_CONFIG": None, **wiki_env}
    base = ["-q", "audit", "--format", "wikitext", "--publish", report_title]

    first = CliRunner().invoke(cli, [*base, "--pull", "-o", "r1.wiki"], env=env)
    assert first.exit_code == 1, first.output  # the shared wiki has problems
    gateway = Gateway(wiki_config(devwiki).wiki)
    page = gateway.read_page(report_title)
    assert page.content == (tmp_path / "r1.wiki").read_text(encoding="utf-8").rstrip()
    assert f"[[:{prefix} N]]" in page.content and "<nowiki>{{nobots}}</nowiki>" in page.content

    again = CliRunner().invoke(cli, [*base, "-o", "r2.wiki"], env=env)
    assert again.exit_code == 1, again.output
    assert gateway.read_page(report_title).revid == page.revid  # same report: no edit

    (tmp_path / "d.csv").write_text(f"nom\nPôle {prefix} manquant\n", encoding="utf-8")
    changed = CliRunner().invoke(cli, [*base, "--dataset", "d.csv", "-o", "r3.wiki"], env=env)
    assert changed.exit_code == 1, changed.output
    edited = gateway.read_page(report_title)
    assert edited.revid != page.revid
    assert f"Pôle {prefix} manquant" in (edited.content or "")
    with Store(wiki_env["WIKISYNC_STATE"]) as store:
        journal = store.journal(title=report_title)
    assert [(e.old_revid, e.new_revid) for e in journal] == [(None, page.revid),
                                                             (page.revid, edited.revid)]
