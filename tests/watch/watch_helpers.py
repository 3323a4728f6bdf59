"""The watcher as a subprocess, its heartbeat, and waiting for what it writes on the wiki."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from wikisync.devwiki import DevWiki, MiniClient
from wikisync.watch.heartbeat import META_HEARTBEAT, Heartbeat
from wikitools import TEST_USER_AGENT

T = TypeVar("T")
INTERVAL, QUIET = 0.5, 0.5
SHUTOFF = "Utilisateur:WikisyncBot/Arrêt"


def wait_for(check: Callable[[], T | None], timeout: float, step: float = 0.1) -> T | None:
    """``check()``'s first true answer within ``timeout`` seconds, else None."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() >= deadline:
            return None
        time.sleep(step)


def revisions(client: MiniClient, title: str) -> list[dict[str, Any]]:
    """The page's revisions (user, comment, ids), newest first."""
    answer = client.get(action="query", prop="revisions", titles=title, rvlimit=50,
                        rvprop="user|comment|ids")
    return list(answer["query"]["pages"][0].get("revisions", []))


def bot_revisions(client: MiniClient, title: str) -> list[dict[str, Any]]:
    """The bot's revisions of the page, newest first."""
    return [r for r in revisions(client, title) if r["user"] == "WikisyncBot"]


class Watch:
    """``python -m wikisync watch`` in a work folder, with a config of short intervals."""

    def __init__(self, wiki: DevWiki, folder: Path) -> None:
        self.wiki = wiki
        self.folder = folder
        self.store = folder / "wikisync.sqlite"
        self.log = folder / "watch.log"
        self.proc: subprocess.Popen[str] | None = None
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("WIKISYNC_")}
        self.env.update({"WIKISYNC_PASSWORD": wiki.bot_password, "PYTHONUNBUFFERED": "1"})
        self.config()

    def config(self, edit_interval: float = 0, extra: str = "") -> None:
        """Write the work folder's wikisync.toml (short intervals, few retries)."""
        (self.folder / "wikisync.toml").write_text(
            f'[wiki]\napi = "{self.wiki.api_url}"\nusername = "{self.wiki.bot_username}"\n'
            f'user_agent = "{TEST_USER_AGENT}"\nmax_retries = 1\nmax_retry_seconds = 1\n'
            f'[state]\npath = "{self.store}"\n[safety]\nedit_interval = {edit_interval}\n'
            f'{extra}[watch]\ninterval = {INTERVAL}\nmax_interval = 2\nquiet = {QUIET}\n',
            encoding="utf-8")

    def start(self, *args: str) -> Watch:
        """Start the watcher and wait until it has polled once."""
        out = self.log.open("a", encoding="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "wikisync", "-v", "-c", str(self.folder / "wikisync.toml"),
             "watch", *args], cwd=self.folder, env=self.env, text=True,
            stdout=subprocess.PIPE, stderr=out)
        out.close()
        assert wait_for(lambda: (self.heartbeat() or Heartbeat(0, "")).polls > 0, 60), \
            self.output()
        return self

    def heartbeat(self) -> Heartbeat | None:
        """What the watcher last wrote in the store."""
        if not self.store.exists():  # read-only: never race the watcher's own migrations
            return None
        try:
            with contextlib.closing(sqlite3.connect(f"file:{self.store}?mode=ro", uri=True,
                                                    timeout=5)) as conn:
                row = conn.execute("SELECT value FROM meta WHERE key = ?",
                                   (META_HEARTBEAT,)).fetchone()
        except sqlite3.OperationalError:  # the store is being created
            return None
        return Heartbeat(**json.loads(row[0])) if row else None

    def polls_after(self, count: int, timeout: float = 30) -> bool:
        """Wait until ``count`` more polls were made."""
        beat = self.heartbeat()
        start = beat.polls if beat else 0
        return bool(wait_for(lambda: (self.heartbeat() or Heartbeat(0, "")).polls
                             >= start + count, timeout))

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> tuple[int, str, float]:
        """Send ``sig``; the exit code, standard output and the seconds it took to exit."""
        assert self.proc is not None
        began = time.monotonic()
        self.proc.send_signal(sig)
        out, _ = self.proc.communicate(timeout=timeout)
        code = self.proc.returncode
        self.proc = None
        return code, out, time.monotonic() - began

    def cli(self, *args: str) -> str:
        """Another wikisync command on the same config and store: its standard output."""
        done = subprocess.run([sys.executable, "-m", "wikisync", "-c",
                               str(self.folder / "wikisync.toml"), *args], cwd=self.folder,
                              env=self.env, text=True, capture_output=True, timeout=60,
                              check=False)
        return done.stdout + done.stderr

    def output(self) -> str:
        """The log so far (stderr)."""
        return self.log.read_text(encoding="utf-8") if self.log.exists() else ""

    def kill(self) -> None:
        """End a watcher a test left running."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate(timeout=10)
        self.proc = None
