"""Command-line interface: importing the command modules registers them on ``cli``."""

from __future__ import annotations

import importlib

from wikisync.cli.main import cli

# Each module registers its commands on ``cli`` when imported; a module not written yet
# is simply absent.
_COMMAND_MODULES = ("offline", "check", "pull", "export", "sync", "generate", "audit", "ops")

for _name in _COMMAND_MODULES:
    try:
        importlib.import_module(f"wikisync.cli.{_name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"wikisync.cli.{_name}":
            raise


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="wikisync")


__all__ = ["cli", "main"]
