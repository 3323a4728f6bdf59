"""Benchmark: reading every fiche of a 2,000-page wiki, wikisync against the usual ways.

    .venv/bin/python bench/pull.py [--pages 2000] [--runs 3] [--wiki-dir DIR]

Starts its own local MediaWiki (``wikisync.devwiki``), seeds ``--pages`` fiche pages, then
runs each variant ``--runs`` times as a whole process and prints a Markdown table: the
median wall time of the process (interpreter start, imports, login, reads, parsing) and
the HTTP requests it sent (counted in the child at the ``requests`` adapter, login
included). Variants:

- wikisync first pull: ``wikisync pull`` into a new store (discovery, 500-page batches,
  parsing overlapped with fetching, SQLite writes);
- wikisync no-change incremental pull on that store;
- obvious mwclient: iterate ``embeddedin``, ``page.text()`` each, parse;
- Pywikibot, preloading at its defaults: ``getReferences(only_template_inclusion=True)``
  through ``PreloadingGenerator``, ``textlib.extract_templates_and_params``;
- Pywikibot ``embeddedin(content=True)``, same parsing;
- raw batched read, then parse: ``generator=embeddedin`` + ``prop=revisions``, 500 a
  request, then wikisync's parser on every page: the sequential ideal.

Needs ``pip install -e '.[bench]'`` (pywikibot); the wiki runs on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

TEMPLATE = "Modèle:Fiche initiative"
USER_AGENT = "wikisync-bench/0.1 (https://example.org/wikisync; bench@example.org)"
FICHE = """{{Fiche initiative
| nom          = Pôle de test %(n)d
| type         = association de développement
| région       = Bretagne
| département  = Finistère
| commune      = [[Brest]]
| adresse      = %(n)d rue de l'Exemple
| code postal  = 29200
| latitude     = 48.%(n)04d
| longitude    = -4.49
| site web     = http://www.example.org/pole-%(n)d
| création     = 2006
| statut       = association loi 1901
| structures   = 42
| carte        =
}}
Le '''Pôle de test %(n)d''' fédère les acteurs de l'ESS. <!-- commentaire -->

== Actions ==
* accompagnement de porteurs de projets ;
* animation du [[Mois de l'ESS]].
"""

VARIANTS = {
    "wikisync-first": "wikisync first pull",
    "wikisync-noop": "wikisync no-change incremental pull",
    "mwclient": "obvious mwclient (embeddedin, page.text() each)",
    "pywikibot-preload": "Pywikibot getReferences + preloading (defaults)",
    "pywikibot-content": "Pywikibot embeddedin(content=True)",
    "raw": "raw batched read (500/request), then parse",
}


# --- child side: one variant, counting its HTTP requests ---------------------------------


def count_requests() -> Callable[[], int]:
    """Count every HTTP request sent through ``requests`` from now on."""
    from requests.adapters import HTTPAdapter

    sent = [0]
    original = HTTPAdapter.send

    def send(self: Any, *args: Any, **kwargs: Any) -> Any:
        sent[0] += 1
        return original(self, *args, **kwargs)

    HTTPAdapter.send = send  # type: ignore[method-assign]
    return lambda: sent[0]


def run_wikisync(env: dict[str, Any]) -> int:
    """``wikisync pull --store STATE`` in this process (first or incremental per the store)."""
    from wikisync.cli import cli
    from wikisync.store import Store

    os.environ.update({"WIKISYNC_API": env["api"], "WIKISYNC_USERNAME": env["user"],
                       "WIKISYNC_PASSWORD": env["password"], "WIKISYNC_USER_AGENT": USER_AGENT})
    code = cli.main(["-q", "pull", "--store", env["state"]], standalone_mode=False)
    if code:
        raise SystemExit(f"wikisync pull failed with exit code {code}")
    with Store(env["state"]) as store:
        return store.record_count()


def run_mwclient(env: dict[str, Any]) -> int:
    """The obvious code: one request per page."""
    import mwclient

    from wikisync.parse.page import read_page

    host = env["api"].split("//", 1)[1].split("/", 1)[0]
    site = mwclient.Site(host, path="/", scheme="http", clients_useragent=USER_AGENT)
    site.login(env["user"], env["password"])
    records = 0
    for page in site.pages[TEMPLATE].embeddedin():
        records += len(read_page(page.text(), page.name).records)
    return records


def _pywikibot_site(env: dict[str, Any]) -> Any:
    import pywikibot

    site = pywikibot.Site(url=env["api"].removesuffix("/api.php") + "/index.php", fam="devwiki")
    site.login()
    return site


def run_pywikibot_preload(env: dict[str, Any]) -> int:
    """Pywikibot's idiomatic way: references of the template, preloaded at the defaults."""
    import pywikibot
    from pywikibot import pagegenerators, textlib

    site = _pywikibot_site(env)
    template = pywikibot.Page(site, TEMPLATE)
    pages = template.getReferences(only_template_inclusion=True)
    count = 0
    for page in pagegenerators.PreloadingGenerator(pages):
        count += len(textlib.extract_templates_and_params(page.text))
    return count


def run_pywikibot_content(env: dict[str, Any]) -> int:
    """Pywikibot with the contents fetched by the listing itself."""
    import pywikibot
    from pywikibot import textlib

    site = _pywikibot_site(env)
    template = pywikibot.Page(site, TEMPLATE)
    count = 0
    for page in template.embeddedin(content=True):
        count += len(textlib.extract_templates_and_params(page.text))
    return count


def _raw_pages(session: Any, api: str) -> Iterator[tuple[str, str]]:
    params: dict[str, Any] = {
        "action": "query", "format": "json", "formatversion": 2, "generator": "embeddedin",
        "geititle": TEMPLATE, "geilimit": 500, "prop": "revisions", "rvprop": "content",
        "rvslots": "main",
    }
    cont: dict[str, Any] = {}
    while True:
        result = session.get(api, params={**params, **cont}).json()
        for page in result.get("query", {}).get("pages", []):
            if page.get("revisions"):
                yield page["title"], page["revisions"][0]["slots"]["main"]["content"]
        if "continue" not in result:
            return
        cont = result["continue"]


def run_raw(env: dict[str, Any]) -> int:
    """Read everything in 500-page requests, then parse: the sequential ideal."""
    import requests

    from wikisync.parse.page import read_page

    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    api = env["api"]
    token = session.get(api, params={"action": "query", "meta": "tokens", "type": "login",
                                     "format": "json"}).json()["query"]["tokens"]["logintoken"]
    session.post(api, data={"action": "login", "lgname": env["user"], "format": "json",
                            "lgpassword": env["password"], "lgtoken": token})
    texts = list(_raw_pages(session, api))
    return sum(len(read_page(text, title).records) for title, text in texts)


CHILDREN: dict[str, Callable[[dict[str, Any]], int]] = {
    "wikisync-first": run_wikisync,
    "wikisync-noop": run_wikisync,
    "mwclient": run_mwclient,
    "pywikibot-preload": run_pywikibot_preload,
    "pywikibot-content": run_pywikibot_content,
    "raw": run_raw,
}


def child(variant: str, env_json: str) -> None:
    """Run one variant and print its request count and result size as JSON."""
    sent = count_requests()
    found = CHILDREN[variant](json.loads(env_json))
    print(json.dumps({"requests": sent(), "found": found}))


# --- parent side: wiki, seeding, timing, table -------------------------------------------


def pywikibot_dir(base: Path, wiki: Any) -> Path:
    """A PYWIKIBOT_DIR with a user-config.py for the dev wiki, logged in as the bot."""
    folder = base / "pywikibot"
    folder.mkdir(exist_ok=True)
    user, app = wiki.bot_username.split("@")
    (folder / "passwords").write_text(f"({user!r}, BotPassword({app!r}, "
                                      f"{wiki.bot_password!r}))\n", encoding="utf-8")
    os.chmod(folder / "passwords", 0o600)
    (folder / "user-config.py").write_text(
        f"family = 'devwiki'\nmylang = 'fr'\n"
        f"family_files['devwiki'] = {wiki.api_url!r}\n"
        f"usernames['devwiki']['*'] = {user!r}\n"
        f"password_file = {str(folder / 'passwords')!r}\n"
        f"user_agent_description = {USER_AGENT!r}\nput_throttle = 0\n",
        encoding="utf-8",
    )
    return folder


def timed_run(variant: str, env: dict[str, Any], os_env: dict[str, str]) -> tuple[float, dict]:
    """Run the variant in a fresh process; its wall time and what it printed."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "--child", variant, json.dumps(env)],
                          capture_output=True, text=True, env=os_env, timeout=900)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{variant} failed:\n{done.stderr[-3000:]}")
    return seconds, json.loads(done.stdout.strip().splitlines()[-1])


def measure(variants: list[str], runs: int, env: dict[str, Any], work: Path,
            os_env: dict[str, str]) -> list[dict[str, Any]]:
    """Median wall time over ``runs`` rounds; each round runs every variant once, so that
    a busy machine slows every variant alike (a first pull gets a new store each time)."""
    times: dict[str, list[float]] = {v: [] for v in variants}
    last: dict[str, dict[str, Any]] = {}
    for run in range(runs):
        for variant in variants:
            print(f"round {run + 1}/{runs}: {variant}", file=sys.stderr)
            run_env = dict(env)
            if variant == "wikisync-first":
                run_env["state"] = str(work / f"first-{run}.sqlite")
            seconds, last[variant] = timed_run(variant, run_env, os_env)
            times[variant].append(seconds)
    return [{"variant": v, "seconds": statistics.median(times[v]), "times": times[v],
             "requests": last[v]["requests"], "found": last[v]["found"]} for v in variants]


def seed(wiki: Any, pages: int) -> None:
    """Create the template and ``pages`` fiches (one import, no recent changes)."""
    texts = {f"Pôle de test {n}": FICHE % {"n": n} for n in range(pages)}
    texts[TEMPLATE] = "<includeonly>{{{nom|}}}</includeonly>"
    wiki.import_pages(texts)


def table(rows: list[dict[str, Any]], pages: int, runs: int) -> str:
    """The Markdown table of the results."""
    lines = [f"{pages} fiche pages, median of {runs} whole-process runs "
             "(HTTP requests include the login)", "",
             "| variant | wall s | HTTP requests | found |", "| --- | ---: | ---: | ---: |"]
    for row in rows:
        lines.append(f"| {VARIANTS[row['variant']]} | {row['seconds']:.2f} "
                     f"| {row['requests']} | {row['found']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--wiki-dir", help="reuse (or create) the wiki in this folder")
    parser.add_argument("--only", nargs="*", choices=list(VARIANTS), default=list(VARIANTS))
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    from wikisync.devwiki import DevWiki

    with tempfile.TemporaryDirectory(prefix="wikisync-bench-") as tmp:
        work = Path(tmp)
        fresh = args.wiki_dir is None or not (Path(args.wiki_dir) / "devwiki.json").exists()
        wiki = DevWiki.start(args.wiki_dir or work / "wiki")
        if fresh:
            print(f"seeding {args.pages} pages...", file=sys.stderr)
            seed(wiki, args.pages)
        env = {"api": wiki.api_url, "user": wiki.bot_username, "password": wiki.bot_password,
               "state": str(work / "noop.sqlite")}
        os_env = {**os.environ, "PYWIKIBOT_DIR": str(pywikibot_dir(work, wiki)),
                  "WIKISYNC_CONFIG": str(work / "none.toml")}
        (work / "none.toml").write_text("", encoding="utf-8")
        timed_run("wikisync-noop", env, os_env)  # the store the no-change pulls start from
        timed_run("wikisync-noop", env, os_env)  # absorbs the install's recent changes
        rows = measure(args.only, args.runs, env, work, os_env)
        if args.wiki_dir is None:
            wiki.stop()
    print(table(rows, args.pages, args.runs))


if __name__ == "__main__":
    main()
