"""Command-line interface: ``cli`` imports each command's module only when it runs."""

from __future__ import annotations

from wikisync.cli.main import cli


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="wikisync")


__all__ = ["cli", "main"]
