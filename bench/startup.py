"""Benchmark: how long wikisync takes to start, side by side with the least Python can do.

    .venv/bin/python bench/startup.py [--runs 21] [--pages 50] [--wiki-dir DIR] [--no-wiki]

Each variant is a whole process, launched ``--runs`` times; the rounds are interleaved (one
launch of every variant per round) so that a busy machine slows every variant alike, and
the table gives the median wall time of each and its ratio to its baseline:

- ``wikisync --version`` and ``wikisync --help`` against ``python -c "import click"``;
- a no-change incremental ``wikisync pull`` on a local wiki against a bare ``requests``
  script that sends the same four requests (login token, login, site and user info, recent
  changes) and parses their JSON.

Starts its own local MediaWiki (``wikisync.devwiki``, 127.0.0.1 only) with ``--pages``
fiches unless ``--no-wiki``; ``--wiki-dir`` reuses (or creates) one in that folder.
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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

USER_AGENT = "wikisync-bench/0.1 (https://example.org/wikisync; bench@example.org)"
TEMPLATE = "Modèle:Fiche initiative"
FICHE = "{{Fiche initiative\n| nom = Pôle de test %(n)d\n| commune = Brest\n}}\n"

# The bare script: the four requests a no-change incremental pull sends (login token with the
# site's clock, login, site and user info, recent changes), nothing else.
BARE_REQUESTS = """
import os, requests
api = os.environ["WIKISYNC_API"]
s = requests.Session()
s.headers["User-Agent"] = os.environ["WIKISYNC_USER_AGENT"]
def get(**p):
    return s.get(api, params={"format": "json", "formatversion": 2, "maxlag": 5, **p}).json()
first = get(action="query", meta="tokens|siteinfo", type="login", siprop="general")["query"]
s.post(api, data={"action": "login", "lgname": os.environ["WIKISYNC_USERNAME"],
                  "lgpassword": os.environ["WIKISYNC_PASSWORD"], "format": "json",
                  "lgtoken": first["tokens"]["logintoken"], "maxlag": 5}).json()
get(action="query", meta="siteinfo|userinfo", siprop="general", uiprop="groups|rights")
get(action="query", list="recentchanges", rcprop="title|ids|timestamp|loginfo|redirect",
    rctype="edit|new|log", rcdir="newer", rcstart=first["general"]["time"], rclimit=500)
"""


def wikisync_command() -> list[str]:
    """The installed console script next to this interpreter, else ``python -m wikisync``."""
    script = Path(sys.executable).with_name("wikisync")
    return [str(script)] if script.exists() else [sys.executable, "-m", "wikisync"]


def variants(wiki_env: dict[str, str] | None, state: str) -> dict[str, list[str]]:
    """Variant name -> the command line it launches."""
    found = {
        "click": [sys.executable, "-c", "import click"],
        "version": [*wikisync_command(), "--version"],
        "help": [*wikisync_command(), "--help"],
    }
    if wiki_env is not None:
        found["requests"] = [sys.executable, "-c", BARE_REQUESTS]
        found["pull"] = [*wikisync_command(), "-q", "pull", "--store", state]
    return found


BASELINES = {"version": "click", "help": "click", "pull": "requests"}
LABELS = {
    "click": 'python -c "import click"',
    "version": "wikisync --version",
    "help": "wikisync --help",
    "requests": "bare requests script (same requests as the pull)",
    "pull": "wikisync pull, no change (incremental)",
}


def launch(command: list[str], env: dict[str, str]) -> float:
    """Run one process to its end; its wall time in seconds (a failure stops the bench)."""
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:3])}... failed ({done.returncode}):\n"
                         f"{done.stderr[-2000:]}")
    return seconds


def measure(commands: dict[str, list[str]], runs: int, env: dict[str, str]) -> dict[str, float]:
    """Median wall time of each variant over ``runs`` interleaved rounds."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for run in range(runs):
        print(f"round {run + 1}/{runs}", file=sys.stderr)
        for name, command in commands.items():
            times[name].append(launch(command, env))
    return {name: statistics.median(values) for name, values in times.items()}


def table(medians: dict[str, float], runs: int) -> str:
    """The Markdown table: each variant, its median, and its ratio to its baseline."""
    lines = [f"Median wall time of {runs} process launches, interleaved", "",
             "| command | median s | baseline | ratio |", "| --- | ---: | --- | ---: |"]
    for name, seconds in medians.items():
        base = BASELINES.get(name)
        ratio = f"{seconds / medians[base]:.2f}x" if base else "–"
        lines.append(f"| {LABELS[name]} | {seconds:.3f} | {LABELS.get(base or '', '–')} "
                     f"| {ratio} |")
    return "\n".join(lines)


@contextmanager
def dev_wiki(args: argparse.Namespace, work: Path) -> Iterator[dict[str, str] | None]:
    """The environment that points wikisync at a started local wiki (None with --no-wiki)."""
    if args.no_wiki:
        yield None
        return
    from wikisync.devwiki import DevWiki

    fresh = args.wiki_dir is None or not (Path(args.wiki_dir) / "devwiki.json").exists()
    wiki = DevWiki.start(args.wiki_dir or work / "wiki")
    try:
        if fresh:
            pages = {f"Pôle de test {n}": FICHE % {"n": n} for n in range(args.pages)}
            wiki.import_pages({**pages, TEMPLATE: "<includeonly>{{{nom|}}}</includeonly>"})
        yield {"WIKISYNC_API": wiki.api_url, "WIKISYNC_USERNAME": wiki.bot_username,
               "WIKISYNC_PASSWORD": wiki.bot_password, "WIKISYNC_USER_AGENT": USER_AGENT}
    finally:
        if args.wiki_dir is None:
            wiki.stop()


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Start the wiki if asked, prime the store, measure; the medians by variant."""
    with tempfile.TemporaryDirectory(prefix="wikisync-startup-") as tmp:
        work = Path(tmp)
        (work / "none.toml").write_text("", encoding="utf-8")
        state = str(work / "state.sqlite")
        with dev_wiki(args, work) as wiki_env:
            env = {**os.environ, "WIKISYNC_CONFIG": str(work / "none.toml"), **(wiki_env or {})}
            commands = variants(wiki_env, state)
            if wiki_env is not None:  # the first pull fills the store; the next absorbs
                for _ in range(2):    # the recent changes of the seeding
                    launch(commands["pull"], env)
            return measure(commands, args.runs, env)


def main() -> None:
    """Parse the options, run the bench, print the table (and JSON with --json)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--wiki-dir", help="reuse (or create) the wiki in this folder")
    parser.add_argument("--no-wiki", action="store_true", help="only --version and --help")
    parser.add_argument("--json", action="store_true", help="also print the medians as JSON")
    args = parser.parse_args()
    medians = run(args)
    print(table(medians, args.runs))
    if args.json:
        print(json.dumps(medians))


if __name__ == "__main__":
    main()
