"""A fast start: the CLI imports a command's code only when that command runs.

Behaviour, not timing: which modules a fresh interpreter has loaded after a given entry
point (the figures themselves are measured by bench/startup.py).
"""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest

from wikisync.cli.main import COMMANDS, cli

HEAVY = ("rich", "jinja2", "geopy", "requests", "mwparserfromhell", "urllib3", "tenacity")
CORE = ("wikisync.api", "wikisync.audit", "wikisync.dataset", "wikisync.export",
        "wikisync.generate", "wikisync.ops.cycle", "wikisync.sync", "wikisync.store")


def loaded_after(code: str) -> set[str]:
    """The top-level packages and wikisync units loaded once ``code`` ran in a new process."""
    script = (f"import sys\n{code}\n"
              "import json; print(json.dumps(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, check=True)
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def heavy_in(modules: set[str], names: tuple[str, ...]) -> list[str]:
    """Which of ``names`` (a package or one of its modules) are in ``modules``."""
    return [name for name in names
            if any(m == name or m.startswith(name + ".") for m in modules)]


def test_importing_the_cli_loads_no_heavy_library_and_no_command_code() -> None:
    modules = loaded_after("import wikisync.cli.main")
    assert heavy_in(modules, HEAVY) == []
    assert heavy_in(modules, CORE) == []
    assert not any(m.startswith("wikisync.cli.") and m not in ("wikisync.cli.main",
                                                               "wikisync.cli.state")
                   for m in modules), sorted(m for m in modules if "wikisync.cli" in m)


@pytest.mark.parametrize("args", [["--version"], ["--help"]])
def test_version_and_help_load_no_heavy_library(args: list[str]) -> None:
    code = ("from wikisync.cli import cli\n"
            f"try:\n    cli.main({args!r}, prog_name='wikisync')\n"
            "except SystemExit as exc:\n    assert exc.code == 0, exc.code")
    modules = loaded_after(code)
    assert heavy_in(modules, HEAVY) == []
    assert heavy_in(modules, CORE) == []


def test_pull_loads_what_a_pull_needs_and_nothing_else() -> None:
    modules = loaded_after("import wikisync.cli.pull")
    assert {"requests", "wikisync.api", "wikisync.sync.pull"} <= modules
    assert heavy_in(modules, ("rich", "jinja2", "geopy", "wikisync.audit", "wikisync.generate",
                              "wikisync.dataset", "wikisync.export", "wikisync.ops.cycle",
                              "wikisync.sync.run")) == []


def test_running_one_command_loads_only_its_module() -> None:
    code = ("from wikisync.cli import cli\n"
            "try:\n    cli.main(['export', '--help'], prog_name='wikisync')\n"
            "except SystemExit as exc:\n    assert exc.code == 0, exc.code")
    modules = loaded_after(code)
    assert "wikisync.cli.export" in modules
    assert heavy_in(modules, ("wikisync.cli.audit", "wikisync.cli.generate", "wikisync.cli.ops",
                              "wikisync.cli.sync", "wikisync.api", "requests")) == []


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_lazy_table_matches_the_command_it_loads(name: str) -> None:
    command = COMMANDS[name].load()
    assert command.name == name
    assert (command.help or "").splitlines()[0] == COMMANDS[name].help


def test_help_lists_every_command_with_its_short_help() -> None:
    ctx = click.Context(cli)
    listing = cli.get_help(ctx)
    for name in COMMANDS:
        short = COMMANDS[name].load().get_short_help_str(limit=45)
        assert f"{name} " in listing and short.rstrip(".")[:20] in listing, name
    assert cli.get_command(ctx, "frobnicate") is None
