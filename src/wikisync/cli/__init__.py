"""Command-line interface: importing the command modules registers them on ``cli``."""

from __future__ import annotations

from wikisync.cli import (  # noqa: F401 - each module registers its commands on ``cli``
    audit,
    check,
    export,
    generate,
    offline,
    ops,
    pull,
    sync,
)
from wikisync.cli.main import cli


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="wikisync")


__all__ = ["cli", "main"]
