"""Helpers of the operations tests: the CLI as a subprocess, config files, seeded pages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wikisync.devwiki import DevWiki
from wikitools import wiki_env

BASE_CONFIG = """[safety]
edit_interval = {interval}

[export]
geojson = "carte.geojson"
csv = "carte.csv"
"""


@dataclass
class Done:
    """A finished CLI process."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        """Standard output as one JSON document."""
        return json.loads(self.out)


def fiches(prefix: str, count: int) -> dict[str, str]:
    """``count`` clean fiches with coordinates and no map link yet."""
    return {f"{prefix} {i:02d}": ("{{Fiche initiative\n"
                                  f"| nom       = Pôle {prefix} {i}\n"
                                  "| type      = association de développement\n"
                                  "| commune   = Brest\n"
                                  f"| latitude  = 48.{i:02d}\n| longitude = -4.5\n"
                                  "}}\nTexte.\n") for i in range(count)}


class Cli:
    """Runs ``python -m wikisync`` in ``folder`` with the bot's credentials in the env."""

    def __init__(self, wiki: DevWiki, folder: Path) -> None:
        self.wiki = wiki
        self.folder = folder
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("WIKISYNC_")}
        self.env.update(wiki_env(wiki, folder))
        self.env["PYTHONUNBUFFERED"] = "1"
        self.config(interval=0)

    @property
    def store(self) -> Path:
        """The state store the commands use."""
        return Path(self.env["WIKISYNC_STATE"])

    def config(self, interval: float = 0, extra: str = "") -> Path:
        """(Re)write the work folder's wikisync.toml."""
        path = self.folder / "wikisync.toml"
        path.write_text(BASE_CONFIG.format(interval=interval) + extra, encoding="utf-8")
        return path

    def command(self, *args: str) -> list[str]:
        """The argv of one wikisync command."""
        return [sys.executable, "-m", "wikisync", *args]

    def start(self, *args: str) -> subprocess.Popen[str]:
        """Start a command without waiting for it."""
        return subprocess.Popen(self.command(*args), cwd=self.folder, env=self.env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def __call__(self, *args: str, timeout: float = 120) -> Done:
        """Run a command to its end."""
        proc = subprocess.run(self.command(*args), cwd=self.folder, env=self.env, text=True,
                              capture_output=True, timeout=timeout, check=False)
        return Done(proc.returncode, proc.stdout, proc.stderr)


def finish(proc: subprocess.Popen[str], timeout: float = 120) -> Done:
    """Wait for a started command."""
    out, err = proc.communicate(timeout=timeout)
    return Done(proc.returncode, out, err)
