"""Parse throughput on realistic generated fiche pages: wikisync's reader vs the raw parsers.

Usage: ``.venv/bin/python bench/parse.py [--pages 2000] [--repeat 3] [--seed 2009]``

Each contender runs in its own fresh process (``spawn``): raw mwparserfromhell's C tokenizer
corrupts the heap on pages containing ``&`` (upstream issue #352), and that must not bias the
others.  Timings are the best of ``--repeat`` passes over all the pages, in pages per second.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

TYPES = ["association de développement", "espace d’hébergement", "centre multi-fonctions",
         "pôle en projet", "regroupement informel", "asso de développement", "hébergement"]
TOWNS = [("Brest", "Finistère", 48.39, -4.49), ("Lyon", "Rhône", 45.76, 4.83),
         ("Lille", "Nord", 50.63, 3.06), ("Nantes", "Loire-Atlantique", 47.22, -1.55),
         ("Millau", "Aveyron", 44.10, 3.08), ("Ajaccio", "Corse-du-Sud", 41.92, 8.74)]
BODY = """Le '''{name}''' est un pôle de l'[[économie sociale et solidaire]] \
du pays de [[{town}]]. Il réunit {n} structures : associations, coopératives, mutuelles.\
<ref>Étude nationale, 2009, \
p.{space}{p}.</ref>

== Présentation ==
Créé en {year}, le pôle accompagne les porteurs de projet{amp} et anime le réseau local. \
Voir aussi la [[Carte des pôles ESS|carte]] et [http://www.example.org/{slug} le site du réseau].

== Activités ==
* Accompagnement de projets ''solidaires''
* Animation du réseau (forum annuel, {{{{date|{year}}}}})
* Hébergement de structures<ref name="r{p}">{{{{Lien web|url=http://example.org/{slug}|titre=Rapport}}}}</ref>

== Références ==
<references />

[[Catégorie:Pôle ESS]]
[[Catégorie:{dep}]]
"""


def fiche(rng: random.Random, index: int) -> tuple[str, str]:
    """One realistic fiche page (title, text) in one of the editors' layouts."""
    town, dep, lat, lon = rng.choice(TOWNS)
    name = f"Pôle ESS {index} de {town}"
    amp = rng.random() < 0.35  # about a third of real pages carry an entity or a bare &
    params = [("nom", name), ("type", rng.choice(TYPES)), ("département", dep),
              ("commune", f"[[{town}]]"), ("code postal", f"{rng.randint(1000, 95999):05d}")]
    if rng.random() < 0.5:
        params.append(("coordonnées", f"{{{{Coord|{lat + rng.random():.4f}|{lon:.4f}}}}}"))
    else:
        params += [("latitude", f"{lat:.4f}"), ("longitude", f"{lon:.4f}".replace(".", ","))]
    params += [("site web", f"[http://www.pole{index}.example.org Site officiel]"),
               ("création", f"{rng.randint(1990, 2009)}<ref>Étude 2009</ref>"),
               ("structures", f"{rng.randint(5, 120)} <!-- en 2009 -->"),
               ("contact", "contact&nbsp;: 01 23 45 67 89" if amp else "01 23 45 67 89")]
    layout = rng.choice(["aligned", "tight", "compact"])
    if layout == "compact":
        box = "{{Fiche initiative" + "".join(f"|{k}={v}" for k, v in params) + "}}\n"
    else:
        width = max(len(k) for k, _ in params)
        lines = [f"| {k.ljust(width)} = {v}" if layout == "aligned" else f"|{k}={v}"
                 for k, v in params]
        box = "{{Fiche initiative\n" + "\n".join(lines) + "\n}}\n"
    body = BODY.format(name=name, town=town, n=rng.randint(5, 90), p=rng.randint(1, 99),
                       year=rng.randint(1990, 2009), amp=" R&D & co" if amp else "",
                       space="&nbsp;" if amp else " ",
                       slug=f"pole{index}", dep=dep)
    return name, box + body


def pages(count: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    return [fiche(rng, i) for i in range(count)]


def contender(name: str) -> Callable[[str, str], object]:
    """The function timed for one contender (imported inside the worker process)."""
    if name == "mwparserfromhell (raw C)":
        import mwparserfromhell

        return lambda title, text: mwparserfromhell.parse(text).filter_templates()
    if name == "wikitextparser":
        import wikitextparser

        return lambda title, text: wikitextparser.parse(text).templates
    from wikisync.parse import PageReader

    mode = "python-amp" if "Python" in name else "safe-c"
    reader = PageReader(mode=mode)  # type: ignore[arg-type]
    return lambda title, text: reader.read(text, title)


def worker(name: str, count: int, seed: int, repeat: int, queue: multiprocessing.Queue) -> None:
    """Time one contender over all the pages, best of ``repeat``; report pages per CPU second.

    CPU time (``process_time``), not wall time: the machine may be shared, and the work is
    single-threaded and CPU-bound.
    """
    data = pages(count, seed)
    run = contender(name)
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for title, text in data:
            run(title, text)
        best = min(best, time.process_time() - start)
    queue.put(count / best)


CONTENDERS = (
    "mwparserfromhell (raw C)",
    "wikisync reader (masked C)",
    "wikisync reader (Python tokenizer for &)",
    "wikitextparser",
)


def measure(name: str, count: int, seed: int, repeat: int) -> float | None:
    """Pages per second of one contender, or None if its process crashed."""
    ctx = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue = ctx.Queue()
    process = ctx.Process(target=worker, args=(name, count, seed, repeat, queue))
    process.start()
    process.join()
    return queue.get() if process.exitcode == 0 and not queue.empty() else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2009)
    args = parser.parse_args()
    sample = pages(args.pages, args.seed)
    with_amp = sum("&" in text for _, text in sample)
    size = sum(len(text) for _, text in sample) / len(sample)
    print(f"{args.pages} fiche pages, {size:.0f} characters on average, {with_amp} with '&'")
    results = {name: measure(name, args.pages, args.seed, args.repeat) for name in CONTENDERS}
    base = results[CONTENDERS[0]]
    print(f"{'parser':<42} {'pages/s':>9} {'vs raw':>8}")
    for name, rate in results.items():
        if rate is None:
            print(f"{name:<42} {'crashed':>9}")
            continue
        ratio = f"{base / rate:.2f}x" if base else "-"
        print(f"{name:<42} {rate:>9.0f} {ratio:>8}")
    print("(vs raw: how many times slower than raw mwparserfromhell; the reader also")
    print(" normalises every value and checks problems; raw C is unsafe on the '&' pages)")


if __name__ == "__main__":
    main()
