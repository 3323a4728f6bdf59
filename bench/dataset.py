"""Benchmark: a 50 MB reference dataset against a store of a few hundred hubs.

    .venv/bin/python bench/dataset.py [--mb 50] [--hubs 300] [--baseline COMMIT]

Generates a CSV of ``--mb`` megabytes (French columns and a description column; one row in
three names its fiche) and a store of ``--hubs`` fiches that the dataset describes (some by
title, others by name and commune; some with different values), then runs each step in its
own process and prints a Markdown table: wall time and the peak resident memory of that
process (``ru_maxrss`` from ``os.wait4``), for

- ``audit``: ``wikisync audit --store S --dataset D --format json -o FILE`` (the whole CLI);
- matching only: load and ``dataset.match`` against the hubs, the rows streamed through;
- the audit's comparison without its report (``compare_dataset``: every missing row is a
  difference, which is the report's content);
- ``create --dry-run`` planning: load, match, and the fiches ``create`` would make
  (``plan_fiches``: every new page rendered, then with a budget of 10; no wiki, which
  only adds the page reads);
- ``sync`` planning: load, match (``build_context``) and ``plan`` with the dataset rule on.

``--baseline COMMIT`` runs the same steps with that commit's ``src`` (``git archive``) too.
Everything stays on this machine; nothing is sent anywhere.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TYPES = ("association de développement", "pôle en projet", "centre multi-fonctions",
         "regroupement informel", "espace d’hébergement")
HEADER = ("nom,type,région,département,commune,adresse,code postal,latitude,longitude,"
          "site web,fiche,description\n")
DESCRIPTION = ("Pôle de l’économie sociale et solidaire : accompagnement de porteurs de "
               "projets, animation du réseau local, « Mois de l’ESS », formations")
LOAD = """
import sys
from wikisync.config import Config
from wikisync.dataset import load_dataset
from wikisync.store import Store
config = Config()
dataset = load_dataset(sys.argv[1], config.schema)
with Store(sys.argv[2]) as store:
    records = list(store.records())
rows = getattr(dataset, "rows", lambda: dataset.hubs)()  # streamed where it can be
"""
STEPS = {
    "matching only (load + match, rows streamed)": LOAD + """
from wikisync.dataset import match
from wikisync.hubs import build_hubs
try:
    result = match(rows, build_hubs(records), unmatched=lambda n, row: None)
except TypeError:  # before the streamed matcher
    result = match(rows, build_hubs(records))
print(len(result.pairs), "pairs")
""",
    "audit without its report (compare_dataset)": LOAD + """
from wikisync.audit.compare import compare_dataset
from wikisync.hubs import build_hubs
print(len(compare_dataset(build_hubs(records), dataset, config.schema.types)), "differences")
""",
    "create --dry-run planning, every fiche": LOAD + """
from wikisync.generate.fiches import plan_fiches
from wikisync.generate.templates import environment
plan = plan_fiches(dataset, records, config.schema, environment(None))
print(len(plan.fiches), "fiches planned")
""",
    "create --dry-run planning, --max-edits 10": LOAD + """
from wikisync.generate.fiches import plan_fiches
from wikisync.generate.templates import environment
try:
    plan = plan_fiches(dataset, records, config.schema, environment(None), limit=10)
except TypeError:  # before the limit: every fiche is rendered, the writer stops after 10
    plan = plan_fiches(dataset, records, config.schema, environment(None))
print(len(plan.fiches), "fiches planned")
""",
    "sync planning (dataset rule)": LOAD + """
from wikisync.sync.planner import build_context, plan
from wikisync.sync.rules import RuleSet
rules = RuleSet(dataset=True, owns={"coordinates": "overwrite", "website": "overwrite"})
ctx = build_context(records, config.schema, rules, rows)
print(plan(records, ctx).change_count, "changes planned")
""",
}


def commune(n: int) -> str:
    """The commune of row ``n`` (3,000 communes, repeated)."""
    return f"Commune {n % 3000}"


def write_dataset(path: Path, megabytes: float) -> int:
    """A CSV of about ``megabytes`` MB; returns its number of rows."""
    rng = random.Random(1)
    limit = int(megabytes * 1_000_000)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        n = 0
        while out.tell() < limit:
            fiche = f"Pôle ESS n° {n}" if n % 3 == 0 else ""
            out.write(f"Pôle ESS n° {n},{TYPES[n % 5]},Bretagne,29,{commune(n)},"
                      f"{n} rue de l’Exemple,29200,{48 + rng.random():.5f},"
                      f"{-4 + rng.random():.5f},http://www.pole-{n}.example.org,{fiche},"
                      f'"{DESCRIPTION}"\n')
            n += 1
    return n


def write_store(path: Path, hubs: int, rows: int) -> None:
    """A store of ``hubs`` fiches spread over the dataset (every tenth with another site).

    Run with the wikisync under test on ``sys.path`` (``--make-store``): each version
    reads a store of its own schema.
    """
    from wikisync.model import Record
    from wikisync.store import Store, StoredPage

    step = max(1, rows // hubs)
    with Store(path) as store:
        for i in range(hubs):
            n = i * step
            site = f"http://www.pole-{n}.example.org" if i % 10 else "http://autre.example.org"
            title = f"Pôle ESS n° {n}"
            store.put_page(StoredPage(title, i + 1, 0, i + 10, "2024-01-01T00:00:00Z", "x"),
                           [Record(title, "fiche", name=title, type="association",
                                   commune=commune(n), lat=48.5, lon=-4.5, website=site)])


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MB) of one child process.

    On a busy machine the wall time also counts the waits for a core; the CPU time
    (user + system, from ``os.wait4``) is the steadier figure.
    """
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0 and os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{command[:4]} failed with {os.waitstatus_to_exitcode(status)}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


Figures = dict[str, tuple[float, float, float]]


def run_steps(src: Path, data: Path, store: Path, work: Path) -> Figures:
    """Every step with the wikisync of ``src``."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    env.pop("WIKISYNC_CONFIG", None)
    audit = [sys.executable, "-m", "wikisync", "audit", "--store", str(store), "--dataset",
             str(data), "--format", "json", "-o", str(work / "audit.json")]
    results = {"audit (whole CLI, JSON report)": measure(audit, env)}
    for name, code in STEPS.items():
        results[name] = measure([sys.executable, "-c", code, str(data), str(store)], env)
    return results


def baseline_src(commit: str, work: Path) -> Path:
    """That commit's ``src`` folder (and the templates it links to), from ``git archive``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "src", "templates"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(work)], input=archive, check=True)
    return work / "src"


def make_store(src: Path, folder: Path, hubs: int, rows: int) -> Path:
    """The benchmark's store, written by the wikisync of ``src`` (its own store schema)."""
    folder.mkdir()
    path = folder / "state.sqlite"
    subprocess.run([sys.executable, __file__, "--make-store", str(path), str(hubs), str(rows)],
                   env={**os.environ, "PYTHONPATH": str(src)}, check=True)
    return path


def main() -> None:
    """Generate the data, run the steps, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0)
    parser.add_argument("--hubs", type=int, default=300)
    parser.add_argument("--baseline", metavar="COMMIT")
    parser.add_argument("--make-store", nargs=3, metavar=("PATH", "HUBS", "ROWS"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make_store:
        write_store(Path(args.make_store[0]), int(args.make_store[1]), int(args.make_store[2]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data = work / "dataset.csv"
        rows = write_dataset(data, args.mb)
        print(f"dataset: {data.stat().st_size / 1e6:.1f} MB, {rows:,} rows; "
              f"store: {args.hubs} hubs\n")
        now = run_steps(ROOT / "src", data, make_store(ROOT / "src", work / "now", args.hubs,
                                                       rows), work)
        old_src = baseline_src(args.baseline, work) if args.baseline else None
        old = run_steps(old_src, data, make_store(old_src, work / "old", args.hubs, rows),
                        work) if old_src else {}
        print_table(now, old)


def print_table(now: Figures, old: Figures) -> None:
    """The Markdown table: each step's figures now, and before when a baseline ran."""
    before = " before: wall s | before: CPU s | before: MB |" if old else ""
    print("| step | wall s | CPU s | peak RSS MB |" + before)
    print("| --- | ---: | ---: | ---: |" + (" ---: | ---: | ---: |" if old else ""))
    for name, (seconds, cpu, mb) in now.items():
        line = f"| {name} | {seconds:.1f} | {cpu:.1f} | {mb:.0f} |"
        if old:
            line += f" {old[name][0]:.1f} | {old[name][1]:.1f} | {old[name][2]:.0f} |"
        print(line)


if __name__ == "__main__":
    main()
