"""The click group, shared options and the one place errors become a line and an exit code.

Commands live in sibling modules and register on ``cli``; they parse options, call the
core, and print. No core module imports click.
"""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import click

from wikisync import __version__
from wikisync.cli.state import state_file
from wikisync.errors import EXIT_OK, WikisyncError, redact

if TYPE_CHECKING:  # config, lock and store are imported when a command first needs them
    from wikisync.config import Config
    from wikisync.ops.lock import LockInfo, RunLock
    from wikisync.store import Store


F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class AppContext:
    """What every command gets: the config flag, verbosity, and the lazily loaded config."""

    config_flag: str | None = None
    verbosity: int = 0  # -1 quiet, 0 normal, 1 verbose
    debug: bool = False
    _config: Config | None = None
    _overrides: dict[str, Any] = field(default_factory=dict)  # every flag given so far

    @property
    def config(self) -> Config:
        """Load the config once, on first use (offline commands never need it)."""
        return self._config if self._config is not None else self.configure({})

    def configure(self, overrides: Mapping[str, Any]) -> Config:
        """Load the config with these flags on top of those given before (``cli.flags``: the
        one way flags go in); loaded again only when a flag is new, so none is lost."""
        from wikisync.config import load_config

        if self._config is None or any(self._overrides.get(key, object()) != value
                                       for key, value in overrides.items()):
            self._overrides.update(overrides)
            self._config = load_config(self.config_flag, overrides=self._overrides)
        return self._config

    def say(self, message: str) -> None:
        """Print a normal message unless --quiet."""
        if self.verbosity >= 0:
            click.echo(message)


class WikisyncGroup(click.Group):
    """A group that turns WikisyncError into one line on stderr and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WikisyncError as exc:
            app = ctx.find_object(AppContext)
            if app is not None and app.debug:  # the traceback too, but the same exit code
                import traceback

                click.echo(redact(traceback.format_exc()).rstrip(), err=True)
            say_err(redact(exc.message))
            ctx.exit(exc.exit_code)


@dataclass(frozen=True)
class LazyCommand:
    """Where a command lives (``module:attr``) and its one-line help, known without importing."""

    target: str
    help: str

    def load(self) -> click.Command:
        """Import the command's module (only now) and return the command object."""
        module, _, attr = self.target.partition(":")
        command = getattr(importlib.import_module(module), attr)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.target} is not a click command")
        return command


# Each command's module is imported only when that command runs (or shows its own --help),
# so that ``wikisync --version`` and a pull do not pay for audit, jinja2, rich...
# The help strings are the first line of each command's docstring (a test keeps them equal).
_TABLE = [
    ("audit", "wikisync.cli.audit:audit_command",
     "Compare the wiki (from the store) with the reference dataset and the map."),
    ("check", "wikisync.cli.check:check",
     "Connect to the wiki, log in, and print the wiki and account facts."),
    ("create", "wikisync.cli.generate:create_command",
     "Create a fiche for each dataset hub that has no page on the wiki yet."),
    ("export", "wikisync.cli.export:export_command",
     "Export the records of the last pull as JSON or CSV, or the map of the hubs."),
    ("generate", "wikisync.cli.generate:generate_command",
     "Regenerate the hub lists between {{Liste pôles ESS}} and {{Fin liste pôles ESS}}."),
    ("history", "wikisync.cli.sync:history_command",
     "List what each run changed on the wiki (from the journal), newest run first."),
    ("init", "wikisync.cli.ops:init_command",
     "Write a commented wikisync.toml, then check the connection as `check` does."),
    ("parse", "wikisync.cli.offline:parse_command",
     "Print the records of one page's wikitext (FILE, or - for stdin)."),
    ("pull", "wikisync.cli.pull:pull_command",
     "Update the local store from the wiki: incremental, or everything with --full."),
    ("revert", "wikisync.cli.revert:revert_command",
     "Undo one run's edits; a page edited since keeps what people wrote."),
    ("run", "wikisync.cli.ops:run_command",
     "One scheduled cycle: pull, lists, sync, exports, audit; one summary at the end."),
    ("set", "wikisync.cli.offline:set_command",
     "Set (or remove) one template parameter in a page's wikitext and print the result."),
    ("status", "wikisync.cli.ops:status_command",
     "Last run, checkpoint age, store contents, open problems, and whether editing is on."),
    ("sync", "wikisync.cli.sync:sync_command",
     "Apply the write rules (map links, dataset, geocoding) to the wiki."),
    ("templates", "wikisync.cli.ops:templates_group",
     "The wiki-side templates the contract names (infobox, rows, list markers, helpers)."),
    ("watch", "wikisync.cli.watch:watch_command",
     "Follow the wiki's recent changes and handle each changed page within seconds."),
]
COMMANDS: dict[str, LazyCommand] = {name: LazyCommand(target, help)
                                    for name, target, help in _TABLE}


class LazyGroup(WikisyncGroup):
    """The top group: commands come from ``COMMANDS`` and are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command name, without importing any command module."""
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command, importing its module now if it is not loaded yet."""
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.commands[cmd_name] = COMMANDS[cmd_name].load()
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The ``Commands:`` list of ``--help`` from the table's help lines (no import)."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [(name, self._short_help(name, limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def _short_help(self, name: str, limit: int) -> str:
        """A command's short help, as click shortens it, from the table when it is there."""
        if name in COMMANDS:
            return click.Command(name, help=COMMANDS[name].help).get_short_help_str(limit)
        return self.commands[name].get_short_help_str(limit)


def _setup_logging(verbosity: int, debug: bool, log_format: str) -> None:
    """Send wikisync's log lines to stderr, as text or JSON, redacted (imported here: slow)."""
    import logging

    from wikisync.logs import JsonFormatter, RedactingFilter

    level = logging.DEBUG if debug else logging.INFO if verbosity > 0 else logging.WARNING
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger("wikisync")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wikisync")
@click.option("-c", "--config", "config_flag", type=click.Path(dir_okay=False),
              help="Config file (default: $WIKISYNC_CONFIG, else ./wikisync.toml).")
@click.option("-v", "--verbose", is_flag=True, help="Say more about what happens.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and results.")
@click.option("--debug", is_flag=True, help="Debug logging and full tracebacks.")
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Log lines as text or as one JSON object per line.")
@click.pass_context
def cli(ctx: click.Context, config_flag: str | None, verbose: bool, quiet: bool,
        debug: bool, log_format: str) -> None:
    """wikisync: keep the ESS hubs wiki, its reference dataset and its map in step.

    \b
    Example:
      wikisync -c wikisync.toml check
    """
    if verbose and quiet:
        raise click.UsageError("-v and -q cannot be used together")
    verbosity = 1 if verbose else -1 if quiet else 0
    _setup_logging(verbosity, debug, log_format)
    ctx.obj = AppContext(config_flag=config_flag, verbosity=verbosity, debug=debug)


store_option = click.option(
    "--store", "store_path", type=click.Path(dir_okay=False),
    help="State file (default: [state] path of the config).")
"""Every command that reads or writes the state store takes ``--store FILE``."""


def scope_options(func: F) -> F:
    """``--page TITLE`` and ``--prefix TEXT``: limit a writing command to some pages."""
    func = click.option("--prefix", "prefixes", multiple=True,
                        help="Only pages whose title starts with this (repeatable).")(func)
    return click.option("--page", "titles", multiple=True,
                        help="Only this page (repeatable).")(func)


def pass_app(func: F) -> F:
    """Decorator giving a command the AppContext as its first argument."""

    @click.pass_context
    @functools.wraps(func)
    def wrapper(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        return ctx.invoke(func, ctx.ensure_object(AppContext), *args, **kwargs)

    return wrapper  # type: ignore[return-value]



def json_logs() -> bool:
    """Whether ``--log-format json`` is on (then stderr carries only JSON objects)."""
    import logging

    from wikisync.logs import JsonFormatter

    handlers = logging.getLogger("wikisync").handlers
    return any(isinstance(h.formatter, JsonFormatter) for h in handlers)


def say_err(message: str, error: bool = True) -> None:
    """One line on stderr: ``wikisync: [error: ]…``, or a JSON log record under json logs."""
    if json_logs():
        import logging

        log = logging.getLogger("wikisync.cli")
        log.log(logging.ERROR if error else logging.WARNING, message)
    else:
        click.echo(f"wikisync: {'error: ' if error else ''}{message}", err=True)


def waiting(holder: LockInfo | None) -> None:
    """Say once that we queue behind another run."""
    who = holder.describe() if holder else "another process"
    say_err(f"waiting for the run in progress ({who}) to finish", error=False)


@contextmanager
def command_lock(app: AppContext, command: str, store_path: str | None = None,
                 wait: bool = False) -> Iterator[RunLock]:
    """Hold the run lock of the store for a command; when taken: one line, exit 0."""
    from wikisync.ops.lock import LockBusy, run_lock

    state = state_file(app, store_path)
    try:
        with run_lock(state, command, wait=wait, on_wait=waiting) as hold:
            yield hold
    except LockBusy as exc:
        say_err(exc.message, error=False)
        raise click.exceptions.Exit(EXIT_OK) from None


@contextmanager
def locked_store(app: AppContext, command: str, store_path: str | None = None,
                 wait: bool = False) -> Iterator[Store]:
    """The state store, opened under the run lock: for every command that writes."""
    from wikisync.store import Store

    state = state_file(app, store_path)
    with command_lock(app, command, state, wait), Store(state) as store:
        yield store
