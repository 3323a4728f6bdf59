"""Which state store a command uses, checked before any lock file or store is made."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from wikisync.errors import ConfigError

if TYPE_CHECKING:
    from wikisync.cli.main import AppContext

STATE_ENV = "WIKISYNC_STATE"
NO_CONFIG = ("no configuration: no ./wikisync.toml, no -c FILE, no $WIKISYNC_CONFIG; "
             "run `wikisync init` to write one")


def check_state_path(path: str, where: str) -> str:
    """The path itself, unless it is a folder (a config error: the store is a file)."""
    if Path(path).is_dir():
        example = Path(path) / "wikisync.sqlite"
        raise ConfigError(f"{where} {path} is a folder, not a state file: "
                          f"name a file, e.g. {example}")
    return path


def state_file(app: AppContext, store_path: str | None = None) -> str:
    """``--store``, else the config's state path; no config at all is an error (exit 2).

    Without a config file, ``$WIKISYNC_STATE`` or ``--store``, a command would make
    ``wikisync.sqlite`` (and its lock) in whatever folder it runs from: it says to run
    ``wikisync init`` instead.
    """
    if store_path:
        return check_state_path(store_path, "--store")
    config = app.config
    from_env = bool(os.environ.get(STATE_ENV))
    if config.source == "defaults" and not from_env:
        raise ConfigError(NO_CONFIG)
    return check_state_path(config.state_path, f"${STATE_ENV}" if from_env else "[state] path")
