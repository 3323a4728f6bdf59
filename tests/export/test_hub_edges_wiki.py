"""On the real local wiki: a broken fiche and a two-infobox page keep their hubs, and offline
``parse`` knows the template redirects the pull learnt.

One module-scoped pull of the session wiki serves every test (pages under a unique prefix,
in a unique region, so other tests' pages never enter the lists or edits checked here).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from wikisync.cli import cli
from wikisync.devwiki import DevWiki, MiniClient
from wikitools import TEST_USER_AGENT, editor_client, unique_title, wiki_env

TAG = uuid.uuid4().hex[:8]
REGION = f"Finistère-{TAG}"
BROKEN = (  # closed by a single brace: MediaWiki shows it as text; the hub is still a hub
    "{{Fiche initiative\n| nom = Pôle cassé " + TAG + "\n| type = regroupement informel\n"
    f"| région = {REGION}\n| commune = Morlaix\n| latitude = 48.577\n| longitude = -3.828\n}}\n"
    "Le pôle de Morlaix.\n[[Catégorie:Essai]]\n"
)
TWO = (
    f"{{{{Fiche initiative|nom=Pôle Brest {TAG}|type=regroupement informel|région={REGION}"
    "|commune=Brest|latitude=48.39|longitude=-4.49}}\nIl a essaimé :\n"
    f"{{{{Fiche initiative|nom=Pôle Landerneau {TAG}|type=pôle en projet|région={REGION}"
    "|commune=Landerneau|latitude=48.45|longitude=-4.25}}\n"
)
CLEAN = (f"{{{{Fiche initiative|nom=Pôle Quimper {TAG}|type=regroupement informel"
         f"|région={REGION}|commune=Quimper|latitude=47.99|longitude=-4.10}}}}\n")
NAMES = {f"Pôle cassé {TAG}", f"Pôle Brest {TAG}", f"Pôle Landerneau {TAG}",
         f"Pôle Quimper {TAG}"}


@dataclass
class Site:
    """The pages this module made, the CLI's config and environment, the editor."""

    prefix: str
    config: str
    env: dict[str, str]
    editor: MiniClient
    redirect: str  # the redirect's name as written in wikitext (no namespace)

    def run(self, *args: str) -> Result:
        """``wikisync -c CONFIG ARGS`` in process, against the dev wiki."""
        return CliRunner().invoke(cli, ["-c", self.config, *args], env=self.env)

    def title(self, name: str) -> str:
        return f"{self.prefix} {name}"

    def revision(self, name: str) -> int:
        """The page's current revision id."""
        answer = self.editor.get(action="query", prop="revisions", titles=self.title(name),
                                 rvprop="ids")
        return int(answer["query"]["pages"][0]["revisions"][0]["revid"])


@pytest.fixture(scope="module")
def site(devwiki: DevWiki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The pages on the wiki, then one pull into a fresh store."""
    prefix = unique_title("Bords", "Pôle")
    redirect = f"Fiche pôle {TAG}"
    devwiki.import_pages({
        f"{prefix} Cassé": BROKEN.replace("\n}\n", "\n}}\n", 1),  # whole, until a person errs
        f"{prefix} Deux": TWO,
        f"{prefix} Propre": CLEAN,
        f"Modèle:{redirect}": "#REDIRECTION [[Modèle:Fiche initiative]]",
        f"{prefix} Redirigé": f"{{{{{redirect}|nom=Pôle redirigé {TAG}|région=Ailleurs}}}}\n",
    })
    state = tmp_path_factory.mktemp("edges")
    config = state / "wikisync.toml"
    config.write_text(f'[wiki]\napi = "{devwiki.api_url}"\nusername = "{devwiki.bot_username}"\n'
                      f'user_agent = "{TEST_USER_AGENT}"\n[safety]\nedit_interval = 0\n'
                      f'[state]\npath = "wikisync.sqlite"\n', encoding="utf-8")
    made = Site(prefix, str(config), wiki_env(devwiki, state), editor_client(devwiki), redirect)
    pulled = made.run("pull")
    assert pulled.exit_code == 0, pulled.output
    assert made.editor.edit(made.title("Cassé"), BROKEN)["edit"]["result"] == "Success"
    again = made.run("pull")  # incremental: the recent change is read again
    assert again.exit_code == 0 and "incremental" in again.output, again.output
    yield made
    # Mend it for the tests after this module: a page broken before a store's first pull
    # transcludes nothing, so a full pull into a fresh store cannot find it (docs/pull.md).
    made.editor.edit(made.title("Cassé"), BROKEN.replace("\n}\n", "\n}}\n", 1))


def broken_records(site: Site) -> list[dict[str, Any]]:
    """The stored records of the broken fiche's page, through ``export``."""
    out = site.run("export", "--format", "json", "--source", "fiche")
    assert out.exit_code == 0, out.output
    return [r for r in json.loads(out.stdout) if r["title"] == site.title("Cassé")]


def mine(features: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """This module's pins by name."""
    return {f["properties"]["name"]: f for f in features if f["properties"]["name"] in NAMES}


def test_exports_list_the_broken_fiche_with_its_problem(site: Site) -> None:
    [record] = broken_records(site)
    assert record["name"] == f"Pôle cassé {TAG}" and record["commune"] == "Morlaix"
    assert "broken-template" in record["problems"]
    geo = site.run("export", "--format", "geojson")
    assert geo.exit_code == 0, geo.output
    pins = mine(json.loads(geo.stdout)["features"])
    assert pins[f"Pôle cassé {TAG}"]["geometry"]["coordinates"] == [-3.828, 48.577]
    assert pins[f"Pôle cassé {TAG}"]["properties"]["title"] == site.title("Cassé")


def test_a_full_pull_keeps_the_broken_page(site: Site) -> None:
    # the broken infobox transcludes nothing: discovery misses it, the stored page is re-read
    out = site.run("pull", "--full")
    assert out.exit_code == 0, out.output
    [record] = broken_records(site)
    assert "broken-template" in record["problems"] and record["lat"] == 48.577


def test_two_pins_for_the_two_infoboxes(site: Site) -> None:
    geo = site.run("export", "--format", "geojson")
    pins = mine(json.loads(geo.stdout)["features"])
    assert set(pins) == NAMES
    assert pins[f"Pôle Brest {TAG}"]["geometry"]["coordinates"] == [-4.49, 48.39]
    assert pins[f"Pôle Landerneau {TAG}"]["geometry"]["coordinates"] == [-4.25, 48.45]
    assert {pins[f"Pôle {n} {TAG}"]["properties"]["title"] for n in ("Brest", "Landerneau")} \
        == {site.title("Deux")}


def test_the_audit_shows_both_problems(site: Site) -> None:
    out = site.run("audit", "--format", "json")
    assert out.exit_code == 1, out.output  # differences found: attention
    report = json.loads(out.stdout)
    diffs = report["differences"] if isinstance(report, dict) else report
    problems = {(d["title"], d["field"]) for d in diffs if d["kind"] == "problem"}
    assert (site.title("Cassé"), "broken-template") in problems
    assert (site.title("Deux"), "two-infoboxes") in problems
    named = {d["name"] for d in diffs if d["title"] == site.title("Deux")}
    assert {f"Pôle Brest {TAG}", f"Pôle Landerneau {TAG}"} <= named


def test_both_infoboxes_in_a_generated_list(site: Site) -> None:
    page = site.title("Liste")
    opener = f"{{{{Liste pôles ESS|région={REGION}}}}}"
    assert site.editor.edit(page, f"Les pôles :\n{opener}\n")["edit"]["result"] == "Success"
    out = site.run("generate", "--prefix", site.prefix)
    assert out.exit_code == 0, out.output
    text = site.editor.read(page) or ""
    rows = [line for line in text.splitlines() if line.startswith("{{Pôle ESS|")]
    listed = {line.split("|")[1].removeprefix("nom=") for line in rows}
    assert listed == NAMES  # the broken fiche too: it has a record


def test_sync_never_edits_the_unsafe_pages(site: Site) -> None:
    before = {name: site.revision(name) for name in ("Cassé", "Deux", "Propre")}
    out = site.run("sync", "--prefix", site.prefix)
    assert out.exit_code == 1, out.output  # planned pages left undone
    assert site.revision("Cassé") == before["Cassé"]
    assert site.revision("Deux") == before["Deux"]
    assert site.revision("Propre") != before["Propre"]  # the clean fiche got its map link
    assert "carte" in (site.editor.read(site.title("Propre")) or "")
    assert site.editor.read(site.title("Cassé")) == BROKEN.rstrip("\n")


def test_offline_parse_knows_the_redirect_through_the_store(site: Site, tmp_path: Path) -> None:
    page = tmp_path / "page.wiki"
    page.write_text(f"{{{{{site.redirect}|nom=Hors ligne|type=pôle en projet}}}}\n", "utf-8")
    found = site.run("parse", str(page))  # -c: the config's [state] path is the store
    assert found.exit_code == 0, found.output
    assert [r["name"] for r in json.loads(found.stdout)["records"]] == ["Hors ligne"]
    store = str(Path(site.config).parent / "wikisync.sqlite")
    with_store = CliRunner().invoke(cli, ["parse", str(page), "--store", store])
    assert [r["name"] for r in json.loads(with_store.stdout)["records"]] == ["Hors ligne"]
    alone = CliRunner().invoke(cli, ["parse", str(page)])
    assert alone.exit_code == 0 and json.loads(alone.stdout)["records"] == []
