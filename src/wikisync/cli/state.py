"""Which state store a command uses, checked before any lock file or store is made."""

from __future__ import annotations

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
    """The config's state path, ``--store`` reaching it as the ``state.path`` override.

    ``load_config`` decides the precedence (``--store`` > ``$WIKISYNC_STATE`` > ``[state]
    path``); this names the winner in errors. Without a config file, ``$WIKISYNC_STATE`` or
    ``--store``, a command would make ``wikisync.sqlite`` (and its lock) in whatever folder
    it runs from: it says to run ``wikisync init`` instead (exit 2).
    """
    from wikisync.cli.flags import config_with_flags  # here: keep the CLI's start light

    config = config_with_flags(app, store_path=store_path)
    origin = config.origin("state.path")
    if config.source == "defaults" and origin is None:
        raise ConfigError(NO_CONFIG)
    return check_state_path(config.state_path, _named(origin))


def _named(origin: str | None) -> str:
    """What an error calls the state path's origin: the flag, the variable, or the key."""
    from wikisync.config import flag_origin

    if origin == flag_origin("state.path"):
        return "--store"
    return origin or "[state] path"
