"""``wikisync watch`` measured: save-to-list latency, idle requests, memory over many polls.

Against a local MediaWiki 1.39 the bench starts itself, with the watcher as a subprocess:

* **latency**: an editor saves a new page holding ``{{Liste pôles ESS|région=…}}``; the time
  until the page's text holds the filled list (``{{Fin liste pôles ESS}}``), p50 and p95
  over ``--trials`` trials at each ``--interval`` (quiet time 2 s, the default); trials are
  back to back with a random pause of up to one interval, so saves fall anywhere in a poll;
* **idle requests**: HTTP requests through a counting proxy (``devwiki.FaultProxy``) over
  ``--idle-polls`` polls with nothing happening, per poll; then per idle hour, with the
  watcher's backoff (interval for 30 polls, then x1.5 per poll up to ``max_interval``);
* **memory**: the watcher's resident set (``VmRSS``) after 100 and after ``--polls`` polls
  at a 0.01 s interval (no backoff), against the local wiki.

    .venv/bin/python bench/watch.py                  # everything (about 10 minutes)
    .venv/bin/python bench/watch.py --trials 5 --intervals 2 --polls 1000   # quick look
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from wikisync.devwiki import DevWiki, FaultProxy, MiniClient
from wikisync.watch.pacer import FACTOR, IDLE_POLLS

USER_AGENT = "wikisync-bench/0.1 (https://example.org/wikisync; bench@example.org)"
REGION = "Bretagne-bench"
FICHE = ("{{Fiche initiative\n| nom = Pôle bench %(n)d\n| type = association de développement"
         "\n| région = " + REGION + "\n| commune = Brest\n| latitude = 48.39\n"
         "| longitude = -4.49\n}}\nTexte.")
LIST_END = "{{Fin liste pôles ESS}}"


def write_config(work: Path, api: str, wiki: DevWiki, interval: float, max_interval: float,
                 quiet: float) -> Path:
    """The watcher's wikisync.toml (no throttle: the bench measures the watcher itself)."""
    path = work / f"watch-{interval:g}.toml"
    path.write_text(f'[wiki]\napi = "{api}"\nusername = "{wiki.bot_username}"\n'
                    f'user_agent = "{USER_AGENT}"\n[state]\npath = "{work}/watch.sqlite"\n'
                    f'[safety]\nedit_interval = 0\n[watch]\ninterval = {interval}\n'
                    f'max_interval = {max_interval}\nquiet = {quiet}\n', encoding="utf-8")
    return path


def start_watcher(config: Path, wiki: DevWiki, log: Path) -> subprocess.Popen[bytes]:
    """``python -m wikisync watch`` with this config, its log in ``log``."""
    env = {**os.environ, "WIKISYNC_PASSWORD": wiki.bot_password}
    with log.open("ab") as err:
        return subprocess.Popen([sys.executable, "-m", "wikisync", "-v", "-c", str(config),
                                 "watch"], env=env, stdout=subprocess.DEVNULL, stderr=err)


def polls(state: Path) -> int:
    """The watcher's poll count from its heartbeat (read-only)."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{state}?mode=ro", uri=True)) as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'watch_heartbeat'").fetchone()
    except sqlite3.OperationalError:
        return 0
    return int(json.loads(row[0])["polls"]) if row else 0


def wait_polls(state: Path, count: int, timeout: float = 600) -> None:
    """Wait until the heartbeat counts ``count`` polls."""
    deadline = time.monotonic() + timeout
    while polls(state) < count:
        if time.monotonic() > deadline:
            raise SystemExit(f"the watcher did not reach {count} polls")
        time.sleep(0.05)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the watcher and wait for it."""
    proc.terminate()
    proc.wait(timeout=30)


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


def latency(wiki: DevWiki, work: Path, interval: float, trials: int,
            idle_polls: int) -> dict[str, Any]:
    """Save-to-list seconds over ``trials`` saves, and idle requests per poll (proxy)."""
    for old in work.glob("watch.sqlite*"):
        old.unlink()
    editor = MiniClient(wiki.api_url)
    editor.login(wiki.editor_username, wiki.editor_password)
    with FaultProxy(wiki.api_url) as proxy:
        config = write_config(work, proxy.api_url, wiki, interval, max(60.0, interval), 2.0)
        proc = start_watcher(config, wiki, work / f"watch-{interval:g}.log")
        state = work / "watch.sqlite"
        wait_polls(state, 2)
        seconds = []
        for n in range(trials):
            time.sleep(random.uniform(0, interval))
            title = f"Bench liste {interval:g} {n} {random.getrandbits(24):06x}"
            editor.edit(title, f"{{{{Liste pôles ESS|région={REGION}}}}}\n")
            saved = time.monotonic()
            while LIST_END not in editor.read(title):
                if time.monotonic() - saved > 10 * interval + 60:
                    raise SystemExit(f"trial {n}: no list after {time.monotonic() - saved} s")
                time.sleep(0.05)
            seconds.append(time.monotonic() - saved)
        time.sleep(interval + 3)  # the last batch's refresh pull and exports
        first, before = polls(state), len(proxy.requests)
        wait_polls(state, first + idle_polls)
        spent, made = len(proxy.requests) - before, polls(state) - first
        stop(proc)
    return {"interval": interval, "trials": trials, "p50": statistics.median(seconds),
            "p95": percentile(seconds, 0.95), "max": max(seconds),
            "requests_per_idle_poll": spent / made, "idle_polls": made}


def polls_per_idle_hour(interval: float, max_interval: float) -> int:
    """Polls in one idle hour with the watcher's backoff (``watch.pacer``)."""
    elapsed, count, current = 0.0, 0, interval
    while elapsed < 3600:
        count += 1
        elapsed += current
        if count > IDLE_POLLS:
            current = min(max_interval, current * FACTOR)
    return count


def rss_kb(pid: int) -> int:
    """A process's resident set size in kB."""
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def memory(wiki: DevWiki, work: Path, total: int) -> dict[str, Any]:
    """Resident memory after 100 and after ``total`` polls at 0.01 s (no backoff)."""
    for old in work.glob("watch.sqlite*"):
        old.unlink()
    config = write_config(work, wiki.api_url, wiki, 0.01, 0.01, 0.0)
    proc = start_watcher(config, wiki, work / "watch-memory.log")
    state = work / "watch.sqlite"
    wait_polls(state, 100)
    early = rss_kb(proc.pid)
    began = time.monotonic()
    wait_polls(state, total, timeout=3600)
    late, seconds = rss_kb(proc.pid), time.monotonic() - began
    stop(proc)
    return {"polls": total, "rss_100_kb": early, "rss_end_kb": late,
            "growth_kb": late - early, "seconds": round(seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--intervals", type=float, nargs="*", default=[2.0, 10.0])
    parser.add_argument("--idle-polls", type=int, default=20)
    parser.add_argument("--polls", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wikisync-bench-watch-") as tmp:
        work = Path(tmp)
        wiki = DevWiki.start(work / "wiki")
        wiki.import_pages({f"Pôle bench {n}": FICHE % {"n": n} for n in range(5)})
        rows = [latency(wiki, work, interval, args.trials, args.idle_polls)
                for interval in args.intervals]
        mem = memory(wiki, work, args.polls) if args.polls else None
        wiki.stop()
    print("| --interval | trials | p50 s | p95 s | max s | target p95 (interval + 3 s) "
          "| requests per idle poll | idle polls/hour (backoff to 60 s) | requests per idle hour |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        hourly = polls_per_idle_hour(row["interval"], max(60.0, row["interval"]))
        print(f"| {row['interval']:g} | {row['trials']} | {row['p50']:.2f} | {row['p95']:.2f} "
              f"| {row['max']:.2f} | {row['interval'] + 3:.0f} "
              f"| {row['requests_per_idle_poll']:.2f} ({row['idle_polls']} polls) | {hourly} "
              f"| {hourly * row['requests_per_idle_poll']:.0f} |")
    if mem:
        print(f"\nmemory: {mem['rss_100_kb'] / 1024:.1f} MB after 100 polls, "
              f"{mem['rss_end_kb'] / 1024:.1f} MB after {mem['polls']} polls "
              f"({mem['growth_kb'] / 1024:+.1f} MB, {mem['seconds']} s)")


if __name__ == "__main__":
    main()
