"""Command-line flags that set a config key: one table, and the one helper that loads with them.

A flag that stands for a config key never decides "flag, else config" itself: its value goes
to ``load_config(overrides=…)``, which decides precedence (flag > environment > file >
defaults) once, checks the value like the file's, and the core reads only ``Config``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wikisync.cli.main import AppContext
    from wikisync.config import Config


def _value(value: Any) -> Any:
    """The flag's value as it is (None: not given)."""
    return value


def _on_if_given(value: Any) -> bool | None:
    """True when the flag was given (a path, a set switch), else None (not given)."""
    return True if value else None


# click parameter name -> the config keys it sets, each with how its value becomes the key's
FLAG_KEYS: dict[str, tuple[tuple[str, Callable[[Any], Any]], ...]] = {
    "dataset_path": (("dataset.path", _value), ("rules.dataset", _on_if_given)),
    "encoding": (("dataset.encoding", _value),),
    "sheet": (("dataset.sheet", _value),),
    "geocode": (("rules.geocode", _value),),
    "accept_geocoded": (("geocode.write", _on_if_given),),
    "max_edits": (("safety.max_edits", _value),),
    "region_blocks": (("generate.region_blocks", _value),),
    "title_pattern": (("generate.fiche_title", _value),),
    "tiles": (("map.tiles", _value),),
    "store_path": (("state.path", _value),),  # --store (``cli.state.state_file``)
    "interval": (("watch.interval", _value),),
}


def overrides(params: dict[str, Any]) -> dict[str, Any]:
    """The ``load_config`` overrides of these click parameters (those given, by config key)."""
    found: dict[str, Any] = {}
    for name, value in params.items():
        for key, convert in FLAG_KEYS[name]:
            if convert(value) is not None:
                found[key] = convert(value)
    return found


def config_with_flags(app: AppContext, **params: Any) -> Config:
    """The config with these command-line flags on top (``--dataset`` also turns its rule on).

    An unknown ``--encoding`` is the dataset's own one-line usage error (exit 2).
    """
    if params.get("encoding") is not None:
        from wikisync.dataset import check_encoding  # here: keep the CLI's start light

        check_encoding(params["encoding"])
    return app.configure(overrides(params))
