"""The click group, shared options and the one place errors become a line and an exit code.

Commands live in sibling modules and register on ``cli``; they parse options, call the
core, and print. No core module imports click.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import click

from wikisync import __version__
from wikisync.config import Config, load_config
from wikisync.errors import EXIT_OK, WikisyncError, redact
from wikisync.logs import JsonFormatter, RedactingFilter
from wikisync.ops.lock import LockBusy, LockInfo, RunLock, run_lock
from wikisync.store import Store

log = logging.getLogger("wikisync.cli")

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class AppContext:
    """What every command gets: the config flag, verbosity, and the lazily loaded config."""

    config_flag: str | None = None
    verbosity: int = 0  # -1 quiet, 0 normal, 1 verbose
    debug: bool = False
    overrides: dict[str, Any] = field(default_factory=dict)
    _config: Config | None = None

    @property
    def config(self) -> Config:
        """Load the config once, on first use (offline commands never need it)."""
        if self._config is None:
            self._config = load_config(self.config_flag, overrides=self.overrides)
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
            if app is not None and app.debug:
                raise
            say_err(redact(exc.message))
            ctx.exit(exc.exit_code)


def _setup_logging(verbosity: int, debug: bool, log_format: str) -> None:
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


@click.group(cls=WikisyncGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
    handlers = logging.getLogger("wikisync").handlers
    return any(isinstance(h.formatter, JsonFormatter) for h in handlers)


def say_err(message: str, error: bool = True) -> None:
    """One line on stderr: ``wikisync: [error: ]…``, or a JSON log record under json logs."""
    if json_logs():
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
    state = store_path or app.config.state_path
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
    state = store_path or app.config.state_path
    with command_lock(app, command, state, wait), Store(state) as store:
        yield store
