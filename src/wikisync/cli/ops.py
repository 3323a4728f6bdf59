"""Operations commands: ``run``, ``status``, ``init``, ``templates install``; the run lock.

``command_lock`` is the lock every command that writes the store or the wiki holds:

    with command_lock(app, "pull", store_path):
        ...

A second process finds it taken, prints one line and exits 0 (``wait=True`` queues).
"""

from __future__ import annotations

import json
import logging
import sys
from typing import TYPE_CHECKING

import click

from wikisync.api import Gateway
from wikisync.cli.check import describe
from wikisync.cli.flags import config_with_flags
from wikisync.cli.main import (
    AppContext,
    cli,
    command_lock,
    pass_app,
    say_err,
    scope_options,
    store_option,
    waiting,
)
from wikisync.cli.state import state_file
from wikisync.config import Config, load_config
from wikisync.errors import EXIT_OK, ConfigError, WikisyncError
from wikisync.ops.init import (
    PASSWORD_HELP,
    InitAnswers,
    check_connection,
    locate_api,
    write_config,
)
from wikisync.ops.lock import LockBusy, run_lock
from wikisync.ops.status import (
    WikiStatus,
    as_dict,
    store_lines,
    store_status,
    wiki_lines,
    wiki_status,
)
from wikisync.store import Store
from wikisync.sync.wiki import connect_store, ensure_store_of
from wikisync.ui import progress_for

if TYPE_CHECKING:  # annotations only
    from wikisync.write import Report, WriteOutcome

log = logging.getLogger("wikisync.ops")



# --- the lock ---------------------------------------------------------------------------------






# --- run --------------------------------------------------------------------------------------


def outcome_logger() -> Report:
    """Log each page outcome (for ``--json``, whose standard output is the summary only)."""

    def report(outcome: WriteOutcome) -> None:
        if outcome.status == "unchanged":
            return
        reason = f" ({outcome.reason})" if outcome.reason else ""
        log.info("%s: %s%s", outcome.status, outcome.title, reason)

    return report


def _run_reporter(app: AppContext, as_json: bool) -> Report:
    """Page outcomes: lines and diffs as ``sync`` prints them, or log lines with --json."""
    from wikisync.cli.sync import reporter

    if as_json:
        return outcome_logger()
    return reporter(app, colour=sys.stdout.isatty())






def _print_failure(exc: WikisyncError, as_json: bool, status: str = "failed") -> None:
    """A run that could not start: its one line (and the JSON object with --json)."""
    if as_json:
        key = "message" if status == "busy" else "error"
        click.echo(json.dumps({"status": status, "exit_code": exc.exit_code,
                               key: exc.message}, ensure_ascii=False))
    say_err(exc.message, error=status != "busy")


@cli.command("run")
@click.option("--dry-run", is_flag=True, help="Show the wiki diffs; write no page, no file.")
@click.option("--no-write", is_flag=True,
              help="Never edit the wiki (no lists, no sync, no publishing); files are written.")
@click.option("--max-edits", type=click.IntRange(min=0), metavar="N",
              help="At most N edits in the whole cycle.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the summary as one JSON object (for monitoring).")
@click.option("--wait", is_flag=True, help="If another run is in progress, wait for it.")
@click.option("--audit", "do_audit", is_flag=True, help="Audit the store at the end.")
@click.option("--audit-report", type=click.Path(dir_okay=False),
              help="Write the audit report there (.html, .json, .csv, .wiki, else text).")
@click.option("--publish", metavar="TITLE", help="Publish the audit report on this page.")
@click.option("--strict", is_flag=True,
              help="Exit 1 for every page left undone, also those known from an earlier run.")
@click.option("--map-page", metavar="TITLE",
              help="Also write the map into this page's map block (after the lists).")
@scope_options
@store_option
@pass_app
def run_command(app: AppContext, dry_run: bool, no_write: bool, max_edits: int | None,
                strict: bool,
                as_json: bool, wait: bool, do_audit: bool, audit_report: str | None,
                publish: str | None, map_page: str | None, titles: tuple[str, ...],
                prefixes: tuple[str, ...], store_path: str | None) -> None:
    """One scheduled cycle: pull, lists, sync, exports, audit; one summary at the end.

    Incremental pull, then the generated lists that need it, the sync rules, the map
    page (--map-page), the map exports of [export], and the audit when asked. Every edit
    of the cycle carries its one [run N]. Only one run at a time: a second one says so
    and exits 0 (--wait queues). Exit 0 ok, 1 partial or differences, 2 config, 3 wiki.

    \b
    Example:
      wikisync run
      wikisync run --dry-run
      wikisync --log-format json run --json --max-edits 50 --audit-report audit.html
    """
    from wikisync.ops.cycle import RunOptions, run_cycle
    from wikisync.ops.report import summary, summary_lines

    options = RunOptions(dry_run=dry_run, no_write=no_write, titles=titles, prefixes=prefixes,
                         audit=do_audit, audit_report=audit_report, publish=publish,
                         strict=strict,
                         map_page=map_page)
    try:
        waits = progress_for(quiet=app.verbosity < 0)
        config = config_with_flags(app, max_edits=max_edits)
        state = state_file(app, store_path)
        with run_lock(state, "run", wait=wait, on_wait=waiting), Store(state) as store:
            try:
                result = run_cycle(store, config, options, out=_run_reporter(app, as_json),
                                   on_wait=waits.on_wait)
            finally:
                waits.close()
    except LockBusy as exc:
        _print_failure(exc, as_json, "busy")
        raise click.exceptions.Exit(EXIT_OK) from None
    except WikisyncError as exc:
        if app.debug:
            raise
        _print_failure(exc, as_json)
        raise click.exceptions.Exit(exc.exit_code) from None
    data = summary(result)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
    else:
        for line in summary_lines(data):
            app.say(line)
    if result.error:
        say_err(result.error)
    raise click.exceptions.Exit(result.exit_code)


# --- status -----------------------------------------------------------------------------------


@cli.command("status")
@click.option("--offline", is_flag=True, help="Only the store: do not contact the wiki.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@store_option
@pass_app
def status_command(app: AppContext, offline: bool, as_json: bool,
                   store_path: str | None) -> None:
    """Last run, checkpoint age, store contents, open problems, and whether editing is on.

    Reads the store (never creates it) and, unless --offline, the wiki: read-only or not,
    and the shutoff page read as the writers read it. Exit 3 if the wiki cannot be reached.

    \b
    Example:
      wikisync status
      wikisync status --offline --json
    """
    state = state_file(app, store_path)
    local = store_status(state, schema=app.config.schema)
    remote = None if offline else _wiki_side(app, state)
    if as_json:
        click.echo(json.dumps(as_dict(local, remote), ensure_ascii=False))
    else:
        lines = store_lines(local) + (wiki_lines(remote) if remote else ["wiki: not checked "
                                                                         "(--offline)"])
        click.echo("\n".join(lines))
    if remote is not None and remote.error:
        raise click.exceptions.Exit(remote.error_code)


def _wiki_side(app: AppContext, state: str) -> WikiStatus:
    """The wiki's side of ``status``; a store of another wiki is refused (WrongWiki)."""
    gateway = connect_gateway(app)
    remote = wiki_status(gateway, app.config)
    if not remote.error:
        ensure_store_of(state, gateway)
    return remote


def connect_gateway(app: AppContext) -> Gateway:
    """A gateway to the configured wiki (not logged in yet: ``wiki_status`` does it)."""
    return Gateway(app.config.require_wiki())


# --- init -------------------------------------------------------------------------------------


def interactive() -> bool:
    """Whether we may ask questions (standard input is a terminal)."""
    return sys.stdin.isatty()


def _answers(api: str | None, username: str | None, user_agent: str | None,
             password_file: str | None) -> InitAnswers:
    """The flags, completed by questions on a terminal; a usage error otherwise."""
    if api is None or user_agent is None:
        if not interactive():
            missing = [f for f, v in (("--api", api), ("--user-agent", user_agent)) if not v]
            raise click.UsageError(f"give {' and '.join(missing)} (no terminal to ask on)")
        api = api or click.prompt("Address of the wiki (home page, any page or api.php)")
        if username is None:
            username = click.prompt("Bot username (User@app from Special:BotPasswords; "
                                    "empty for none)", default="", show_default=False)
        user_agent = user_agent or click.prompt(
            "User-Agent (name the bot and a contact)",
            default=f"wikisync/0.1 ({username or 'wikisync'}; contact@example.org)")
    assert api is not None and user_agent is not None
    return InitAnswers(api=api, user_agent=user_agent, username=username or None,
                       password_file=password_file)


@cli.command("init")
@click.argument("path", type=click.Path(dir_okay=False), default="wikisync.toml")
@click.option("--api", help="The wiki's address: its home page, any page, or api.php.")
@click.option("--username", help="Bot username (User@app, from Special:BotPasswords).")
@click.option("--user-agent", help="User-Agent naming the bot and a contact.")
@click.option("--password-file", help="Name this file (mode 0600) as [wiki] password_file.")
@click.option("--force", is_flag=True, help="Replace an existing config file.")
@click.option("--no-check", is_flag=True, help="Do not connect to the wiki afterwards.")
@pass_app
def init_command(app: AppContext, path: str, api: str | None, username: str | None,
                 user_agent: str | None, password_file: str | None, force: bool,
                 no_check: bool) -> None:
    """Write a commented wikisync.toml, then check the connection as `check` does.

    Asks for the API URL, bot username and User-Agent unless given as flags (then it
    asks nothing). Never writes the password: it says where to put it. Refuses to
    replace an existing file without --force.

    \b
    Example:
      wikisync init
      wikisync init --api https://wiki.example.org/w/api.php --username "Bot@wikisync" \\
        --user-agent "wikisync/0.1 (https://wiki.example.org/wiki/User:Bot; ops@example.org)"
    """
    answers = _answers(api, username, user_agent, password_file)
    found = None if no_check else locate_api(answers)  # the api.php behind the address
    written = write_config(path, found[0] if found else answers, force=force)
    click.echo(f"wrote {written}")
    if found:
        click.echo(found[1])
    try:
        config = load_config(str(written))
    except ConfigError as exc:
        if answers.password_file is None:
            raise
        click.echo("\n".join(PASSWORD_HELP))
        click.echo(f"not checked: {exc.message}; then run `wikisync check`")
        return
    if not config.wiki.password:
        click.echo("\n".join(PASSWORD_HELP))
    if not no_check:
        _check(config)


def _check(config: Config) -> None:
    """Connect as ``check`` does and print its facts (the account's only once logged in)."""
    info, logged_in = check_connection(config.require_wiki())
    account = ("account:", "groups:", "bot right:", "apihighlimits:")
    for line in describe(info):
        if logged_in or not line.startswith(account):
            click.echo(line)
    if logged_in:
        click.echo("check: ok")
    elif config.wiki.username:
        click.echo("login not checked (no password yet): run `wikisync check` once it is set")


# --- templates install ------------------------------------------------------------------------


@cli.group("templates")
def templates_group() -> None:
    """The wiki-side templates the contract names (infobox, rows, list markers, helpers).

    \b
    Example:
      wikisync templates install --dry-run
    """


@templates_group.command("install")
@click.option("--force", is_flag=True,
              help="Also replace the templates that exist (never the optional ones).")
@click.option("--dry-run", is_flag=True, help="List what would be created; write nothing.")
@click.option("--dir", "directory", type=click.Path(file_okay=False, exists=True),
              help="Folder with manifest.json and the .wiki files (default: shipped).")
@store_option
@pass_app
def templates_install(app: AppContext, force: bool, dry_run: bool, directory: str | None,
                      store_path: str | None) -> None:
    """Create the templates the wiki lacks (create-only); --force replaces the others.

    Each page is written through the bot's safe writer (shutoff page, journal, [run N]
    in the summary). Optional minimal templates (Coord, URL, Nobots, Bots) are only
    created where missing, even with --force. Exit 1 if a template could not be written.

    \b
    Example:
      wikisync templates install --dry-run
      wikisync templates install
    """
    from wikisync.ops.templates import install_lines, install_templates, load_templates
    from wikisync.resources import wiki_templates_dir

    config = app.config
    templates = load_templates(directory or wiki_templates_dir())
    state = state_file(app, store_path)
    with command_lock(app, "templates install", state), Store(state) as store:
        gateway = connect_store(config.require_wiki(), store)
        waits = progress_for(quiet=app.verbosity < 0)
        try:
            result = install_templates(gateway, store, config, templates, force=force,
                                       dry_run=dry_run, on_wait=waits.on_wait)
        finally:
            waits.close()
    for line in install_lines(result):
        click.echo(line)
    if result.undone:
        raise click.exceptions.Exit(1)

