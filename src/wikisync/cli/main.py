"""The click group, shared options and the one place errors become a line and an exit code.

Commands live in sibling modules and register on ``cli``; they parse options, call the
core, and print. No core module imports click.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import click

from wikisync import __version__
from wikisync.config import Config, load_config
from wikisync.errors import EXIT_USAGE, WikisyncError, redact

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
            click.echo(f"wikisync: error: {redact(exc.message)}", err=True)
            ctx.exit(exc.exit_code)


def _setup_logging(verbosity: int, debug: bool, log_format: str) -> None:
    level = logging.DEBUG if debug else logging.INFO if verbosity > 0 else logging.WARNING
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        from wikisync.logs import JsonFormatter

        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    from wikisync.logs import RedactingFilter

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


def pass_app(func: F) -> F:
    """Decorator giving a command the AppContext as its first argument."""

    @click.pass_context
    @functools.wraps(func)
    def wrapper(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        return ctx.invoke(func, ctx.ensure_object(AppContext), *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def usage_error(message: str) -> click.exceptions.Exit:
    """Print a usage error line and return the Exit to raise (exit code 2)."""
    click.echo(f"wikisync: error: {message}", err=True)
    return click.exceptions.Exit(EXIT_USAGE)
