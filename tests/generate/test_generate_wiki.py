"""List blocks and new fiches on the real local wiki (shared by the session: unique names).

Each test uses its own fake region (``Bretagne-<uuid>``) and title prefix, and scopes
generation to that prefix, so other tests' pages never enter its lists or its edits.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from gen_helpers import ASSO, PROJET

from wikisync.api import Gateway
from wikisync.cli import cli
from wikisync.config import Config, SafetyConfig, WikiConfig
from wikisync.dataset import load_dataset
from wikisync.generate.mapblock import CLOSE_MARKER, INTRO, OPEN_MARKER, map_blocks
from wikisync.generate.run import GenerateResult, generate_blocks, publish_map_page
from wikisync.hubs import build_hubs
from wikisync.parse import PageReader, escape_value
from wikisync.parse.blocks import find_blocks
from wikisync.schema import Schema
from wikisync.store import Store
from wikisync.sync import pull
from wikisync.write import PageWriter
from wikitools import TEST_USER_AGENT

TEMPLATES = Path(__file__).parents[2] / "templates" / "wiki"
OPENS, CLOSES = {"Liste pôles ESS"}, {"Fin liste pôles ESS"}


def fiche(name: str, region: str, type_: str = ASSO, commune: str = "Brest") -> str:
    """A fiche as an editor writes it."""
    return (f"{{{{Fiche initiative\n| nom = {name}\n| type = {type_}\n| région = {region}\n"
            f"| commune = {commune}\n| latitude = 48.39\n| longitude = -4.49\n}}}}\nTexte.")


def bot_config(wiki: Any, state: Path) -> Config:
    """The bot's config for the dev wiki, no throttle."""
    return Config(wiki=WikiConfig(api=wiki.api_url, username=wiki.bot_username,
                                  password=wiki.bot_password, user_agent=TEST_USER_AGENT,
                                  max_retry_seconds=60),
                  safety=SafetyConfig(edit_interval=0), state_path=str(state))


def config_file(wiki: Any, tmp_path: Path) -> str:
    """A config file for CLI runs (the password comes from the environment)."""
    path = tmp_path / "wikisync.toml"
    path.write_text(f'[wiki]\napi = "{wiki.api_url}"\nusername = "{wiki.bot_username}"\n'
                    f'user_agent = "{TEST_USER_AGENT}"\n[safety]\nedit_interval = 0\n',
                    encoding="utf-8")
    return str(path)


def run_generate(wiki: Any, state: Path, prefix: str) -> GenerateResult:
    """Pull, then regenerate the blocks of this test's pages (the sync step)."""
    cfg = bot_config(wiki, state)
    gateway = Gateway(cfg.wiki, sleep=lambda seconds: None)
    gateway.login()
    with Store(state) as store:
        pull(gateway, store, cfg)
        writer = PageWriter(gateway, store, cfg, store.start_run("generate"))
        return generate_blocks(writer, store, cfg, in_scope=lambda t: t.startswith(prefix))


def block_groups(text: str) -> dict[str, list[str]]:
    """The names listed in the page's first block, by group caption (type label)."""
    [block] = find_blocks(text, OPENS, CLOSES)[:1]
    groups: dict[str, list[str]] = {}
    current = ""
    for line in text[block.body_start : block.body_end].splitlines():
        caption = re.match(r"\|\+ \{\{Pictogramme type pôle ESS(?:\|1=([^}]*))?\}\}", line)
        if caption:
            current = caption.group(1) or ""
            groups[current] = []
        elif line.startswith("{{Pôle ESS|"):
            [record] = PageReader(Schema()).read(line, "x").records
            groups[current].append(record.name or "")
    return groups


def bot_edits(client: Any, title: str) -> int:
    """How many revisions of the page the bot made."""
    answer = client.get(action="query", prop="revisions", titles=title, rvlimit=50,
                        rvprop="user")
    return sum(1 for r in answer["query"]["pages"][0].get("revisions", [])
               if r["user"] == "WikisyncBot")


def test_editor_places_a_list_and_generate_fills_only_the_block(
    devwiki: Any, editor_client: Any, unique_title: Callable[..., str], tmp_path: Path,
    wiki_env: dict[str, str],
) -> None:
    region = f"Bretagne-{uuid.uuid4().hex[:8]}"
    p = unique_title("Liste")
    devwiki.import_pages({
        f"{p} A": fiche("Pôle Alpha", region),
        f"{p} B": fiche("Pôle Bêta", region, PROJET, "Lorient"),
        f"{p} C": fiche("Pôle Gamma", region, commune="Quimper"),
        f"{p} D": fiche("Pôle Ailleurs", "Normandie"),
        f"{p} Région": (f"{{{{Pôle ESS par région|région={region}}}}}\n"
                        f"{{{{Pôle ESS|nom=Pôle Alpha|type={ASSO}|commune=Brest|fiche={p} A}}}}\n"
                        "{{Pôle ESS|nom=Collectif Delta|type=regroupement informel|"
                        "commune=Carhaix|coordonnées=48.27, -3.57}}"),
    })
    above = "Texte au-dessus, ''avec'' [[un lien]].\n\n== Tous les pôles ==\n"
    opener = f"{{{{Liste pôles ESS|région={region}}}}}"
    below = "\n\nTexte en dessous.\n\n[[Catégorie:Essai]]"
    page = f"{p} Page"
    assert editor_client.edit(page, above + opener + below)["edit"]["result"] == "Success"

    args = ["-c", config_file(devwiki, tmp_path), "generate", "--prefix", p]
    first = CliRunner().invoke(cli, args, env=wiki_env)
    assert first.exit_code == 0, first.output
    assert "written: 1," in first.output

    text = editor_client.read(page)
    start, end = text.index(opener) + len(opener), text.index("{{Fin liste pôles ESS}}")
    assert text[:start] == above + opener
    assert text[end + len("{{Fin liste pôles ESS}}"):] == below
    assert block_groups(text) == {ASSO: ["Pôle Alpha", "Pôle Gamma"], PROJET: ["Pôle Bêta"],
                                  "regroupement informel": ["Collectif Delta"]}

    second = CliRunner().invoke(cli, args, env=wiki_env)
    assert second.exit_code == 0, second.output
    assert "written: 0," in second.output and bot_edits(editor_client, page) == 1
    with Store(wiki_env["WIKISYNC_STATE"]) as store:  # the block's rows are no records
        assert list(store.records(title=page)) == []
        [entry] = store.journal(title=page)
        assert entry.rules == ("generate",)


def test_new_hub_appears_and_a_type_change_moves_group(
    devwiki: Any, editor_client: Any, unique_title: Callable[..., str], tmp_path: Path,
) -> None:
    region = f"Bretagne-{uuid.uuid4().hex[:8]}"
    p = unique_title("Liste")
    devwiki.import_pages({f"{p} A": fiche("Pôle Un", region),
                          f"{p} B": fiche("Pôle Deux", region)})
    page = f"{p} Page"
    editor_client.edit(page, f"Liste :\n{{{{Liste pôles ESS|région={region}}}}}")
    state = tmp_path / "s.sqlite"
    assert [o.status for o in run_generate(devwiki, state, p).outcomes] == ["edited"]
    assert block_groups(editor_client.read(page)) == {ASSO: ["Pôle Deux", "Pôle Un"]}

    editor_client.edit(f"{p} C", fiche("Pôle Trois", region, PROJET))  # a new fiche
    editor_client.edit(f"{p} B", fiche("Pôle Deux", region, PROJET))  # its type changes
    assert [o.status for o in run_generate(devwiki, state, p).outcomes] == ["edited"]
    assert block_groups(editor_client.read(page)) == {ASSO: ["Pôle Un"],
                                                      PROJET: ["Pôle Deux", "Pôle Trois"]}
    assert run_generate(devwiki, state, p).outcomes == []

    other = f"{p} Autre page"  # a new list, found by the next incremental pull
    editor_client.edit(other, f"{{{{Liste pôles ESS|région={region}|type=en projet}}}}")
    result = run_generate(devwiki, state, p)
    assert [(o.title, o.status) for o in result.outcomes] == [(other, "edited")]
    assert block_groups(editor_client.read(other)) == {PROJET: ["Pôle Deux", "Pôle Trois"]}


def test_awkward_names_render_and_read_back(
    devwiki: Any, editor_client: Any, unique_title: Callable[..., str], tmp_path: Path,
) -> None:
    region = f"Bretagne-{uuid.uuid4().hex[:8]}"
    p = unique_title("Liste")
    name = "Pôle | ESS }} [[x]] <b> & Cie"
    row_template = f"Ligne pôle {uuid.uuid4().hex[:8]}"
    devwiki.import_pages({
        f"{p} A": fiche(escape_value(name), region),
        f"Modèle:{row_template}": (TEMPLATES / "Pôle ESS.wiki").read_text(encoding="utf-8"),
    })
    page = f"{p} Page"
    editor_client.edit(page, f"{{{{Liste pôles ESS|région={region}}}}}\n\n"
                             f"{{{{Liste pôles ESS|région={region}|modèle={row_template}}}}}")
    state = tmp_path / "s.sqlite"
    assert [o.status for o in run_generate(devwiki, state, p).outcomes] == ["edited"]

    text = editor_client.read(page)
    assert block_groups(text) == {ASSO: [name]}  # the rows read back as the name
    html = editor_client.get(action="parse", page=page, prop="text")["parse"]["text"]
    shown = "Pôle | ESS }} [[x]] &lt;b&gt; &amp; Cie"
    assert f'title="{p} A">{shown}</a>' in html  # one cell, linked to the fiche
    assert run_generate(devwiki, state, p).outcomes == []
    with Store(state) as store:
        assert list(store.records(title=page)) == []  # nothing counted twice
        hubs = [h for h in build_hubs(store.records()) if h.region == region]
    assert [(h.name, h.fiche) for h in hubs] == [(name, f"{p} A")]


def test_create_makes_missing_fiches_and_never_overwrites(
    devwiki: Any, editor_client: Any, unique_title: Callable[..., str], tmp_path: Path,
    wiki_env: dict[str, str],
) -> None:
    tag = uuid.uuid4().hex[:8]
    region = f"Bretagne-{tag}"
    existing = f"Pôle Existant {tag}"
    devwiki.import_pages({unique_title("Fiche"): fiche(existing, region)})
    taken = f"Pôle Pris {tag}"
    editor_client.edit(taken, "Une page sans rapport, qui existait déjà.")
    rows = [
        f"{existing},association de développement,{region},Finistère,Brest,,,48.39,-4.49,,",
        f"Pôle Neuf {tag},pôle en projet,{region},Morbihan,Vannes,3 rue X,56000,47.6582,"
        "-2.7608,http://neuf.example.org,2010",
        f"{taken},centre multi-fonctions,{region},Finistère,Quimper,,29000,47.99,-4.1,,",
        f"Pôle | Bizarre {tag},regroupement informel,{region},,Rennes,,,48.11,-1.68,"
        "www.bizarre.example.org,",
    ]
    csv = tmp_path / "jeu.csv"
    csv.write_text("nom,type,région,département,commune,adresse,code postal,latitude,"
                   "longitude,site web,création\n" + "\n".join(rows) + "\n", encoding="utf-8")
    args = ["-c", config_file(devwiki, tmp_path), "create", "--dataset", str(csv)]

    result = CliRunner().invoke(cli, args, env=wiki_env)

    assert result.exit_code == 1, result.output  # one title was taken
    assert f"skipped: {taken} (exists" in result.output
    assert editor_client.read(taken) == "Une page sans rapport, qui existait déjà."
    created = [f"Pôle Neuf {tag}", f"Pôle Bizarre {tag}"]
    with Store(wiki_env["WIKISYNC_STATE"]) as store:
        assert [e.title for e in store.journal(status="saved") if e.rules == ("create",)] \
            == created
        assert [e.title for e in store.journal(status="not-saved")] == [taken]
        cfg = bot_config(devwiki, Path(wiki_env["WIKISYNC_STATE"]))
        gateway = Gateway(cfg.wiki)
        gateway.login()
        pull(gateway, store, cfg)
        records = {r.title: r for r in store.records() if r.title in created}
    dataset = {h.name: h for h in load_dataset(csv).hubs}
    for title, wanted in zip(created, [rows[1], rows[3]], strict=True):
        hub = dataset[wanted.split(",")[0]]
        record = records[title]
        assert (record.name, record.type, record.region, record.departement, record.commune,
                record.address, record.postcode, record.lat, record.lon, record.website) == (
            hub.name, hub.type, hub.region, hub.departement, hub.commune, hub.address,
            hub.postcode, hub.lat, hub.lon, hub.website)
        assert record.founded == (hub.raw.get("création") or None)
    again = CliRunner().invoke(cli, args, env=wiki_env)
    assert "new fiches: 1 planned" in again.output  # only the taken title is left


HUMAN_MAP_PAGE = (
    "La carte des pôles ESS, tenue par les bénévoles du réseau.  \n\n"
    "== Légende ==\n* {{Pictogramme type pôle ESS|1=pôle en projet}} pôle en projet\n"
    "* vert : association de développement\n\n"
    "== Liens ==\n* [[Accueil]]\n* [https://www.example.org Le réseau]\n\n"
    "[[Catégorie:Carte]]")


def revision(client: Any, title: str) -> tuple[int, str] | None:
    """The page's current revision id and text, or None when it does not exist."""
    answer = client.get(action="query", prop="revisions", titles=title,
                        rvprop="ids|content", rvslots="main")
    page = answer["query"]["pages"][0]
    if page.get("missing"):
        return None
    latest = page["revisions"][0]
    return latest["revid"], latest["slots"]["main"]["content"]


def test_map_page_is_refused_without_kartographer_and_the_page_is_untouched(
    devwiki: Any, editor_client: Any, unique_title: Callable[..., str], tmp_path: Path,
    wiki_env: dict[str, str],
) -> None:
    title, missing = unique_title("Carte"), unique_title("Carte neuve")
    assert editor_client.edit(title, HUMAN_MAP_PAGE)["edit"]["result"] == "Success"
    before = revision(editor_client, title)
    config = config_file(devwiki, tmp_path)
    for extra, page in (["--dry-run"], title), ([], title), (["--no-blocks"], missing):
        args = ["-c", config, "generate", *extra, "--map-page", page]
        result = CliRunner().invoke(cli, args, env=wiki_env)
        assert result.exit_code == 2, result.output
        assert result.output.strip().splitlines() == [
            "wikisync: error: the wiki has no Kartographer extension (siteinfo): <mapframe> "
            f"would show as raw text; {page} left untouched (install Kartographer, or set "
            "[map] extension)"]
    assert revision(editor_client, title) == before and bot_edits(editor_client, title) == 0
    assert revision(editor_client, missing) is None


def publish(wiki: Any, state: Path, title: str, append: bool = True) -> GenerateResult:
    """Pull, then write the map page as on a wiki that runs Kartographer (the core step)."""
    cfg = bot_config(wiki, state)
    gateway = Gateway(cfg.wiki, sleep=lambda seconds: None)
    gateway.login()
    assert "Kartographer" not in gateway.extensions()  # the test wiki has none: say we do
    with Store(state) as store:
        pull(gateway, store, cfg)
        writer = PageWriter(gateway, store, cfg, store.start_run("generate"))
        return publish_map_page(writer, store, cfg, title, {"Kartographer"}, append=append)


def outside(text: str) -> tuple[str, str]:
    """The page's text before and after its one map block's body."""
    [block] = map_blocks(text)
    return text[: block.body_start], text[block.body_end :]


def test_map_block_on_a_human_page_keeps_every_byte_outside_it(
    devwiki: Any, editor_client: Any, unique_title: Callable[..., str], tmp_path: Path,
) -> None:
    title, state = unique_title("Carte"), tmp_path / "s.sqlite"
    assert editor_client.edit(title, HUMAN_MAP_PAGE)["edit"]["result"] == "Success"
    [refused] = publish(devwiki, state, title, append=False).refused
    assert refused[:2] == (title, "no-block") and bot_edits(editor_client, title) == 0
    [first] = publish(devwiki, state, title).outcomes
    _, text = revision(editor_client, title) or (0, "")
    head, category = HUMAN_MAP_PAGE.split("[[Catégorie:Carte]]")
    assert first.status == "edited" and text.startswith(head + OPEN_MARKER + "\n<mapframe ")
    assert text.endswith(f"{CLOSE_MARKER}\n\n[[Catégorie:Carte]]{category}")
    again = publish(devwiki, state, title)
    assert [o.status for o in again.outcomes] == ["unchanged"]
    name = f"Pôle Carte {uuid.uuid4().hex[:6]}"
    assert editor_client.edit(unique_title("Fiche"), fiche(name, "Bretagne"))["edit"]
    [third] = publish(devwiki, state, title).outcomes
    _, changed = revision(editor_client, title) or (0, "")
    assert third.status == "edited" and name in changed and name not in text
    assert outside(changed) == outside(text) and bot_edits(editor_client, title) == 2
    html = editor_client.get(action="parse", page=title, prop="text")["parse"]["text"]
    assert "carte wikisync" not in html and "tenue par les bénévoles" in html  # hidden


def test_map_page_is_created_with_its_block(
    devwiki: Any, editor_client: Any, unique_title: Callable[..., str], tmp_path: Path,
) -> None:
    title = unique_title("Carte")
    [created] = publish(devwiki, tmp_path / "s.sqlite", title).outcomes
    _, text = revision(editor_client, title) or (0, "")
    assert created.status == "created" and text.startswith(f"{INTRO}\n\n{OPEN_MARKER}\n")
    assert text.endswith(CLOSE_MARKER) and text.count("<mapframe") == 1
    assert publish(devwiki, tmp_path / "s.sqlite", title).outcomes[0].status == "unchanged"
