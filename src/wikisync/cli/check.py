"""``wikisync check``: connect, log in and say what the wiki and the account are."""

from __future__ import annotations

import click

from wikisync.api import SiteInfo, connect
from wikisync.cli.main import AppContext, cli, pass_app


def describe(info: SiteInfo) -> list[str]:
    """The facts ``check`` prints, one per line."""
    def yes(flag: bool) -> str:
        return "yes" if flag else "no"

    account = "anonymous (no [wiki] username set)" if info.anonymous else info.username
    return [
        f"wiki: {info.sitename} ({info.server})",
        f"MediaWiki: {info.version}",
        f"language: {info.lang}",
        f"account: {account}",
        f"groups: {', '.join(g for g in info.groups if g != '*') or '-'}",
        f"bot right: {yes(info.is_bot)}",
        f"apihighlimits: {yes(info.has_apihighlimits)} ({info.page_limit} pages a request)",
        f"read-only: {yes(info.readonly)}",
    ]


@cli.command()
@pass_app
def check(app: AppContext) -> None:
    """Connect to the wiki, log in, and print the wiki and account facts.

    Exits 2 with one line naming the fix for an address, account or MediaWiki version that
    cannot work (no password, TLS mismatch, not an API, 401/403/404, before 1.35); exits 3
    if the wiki is unreachable or the login is refused.

    \b
    Example:
      wikisync check
      WIKISYNC_PASSWORD=... wikisync check
    """
    gateway = connect(app.config.require_wiki())
    for line in describe(gateway.site_info()):
        click.echo(line)
    if app.verbosity > 0:
        click.echo(f"requests: {gateway.requests}, retries: {gateway.retries}")
