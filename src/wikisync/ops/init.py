"""``wikisync init``: a commented ``wikisync.toml`` from the shipped example, then a check.

The example's comments and defaults are kept; only ``[wiki] api``, ``username``,
``user_agent`` (and ``password_file`` when given) are filled in. The password is never
written: the user is told where to put it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from wikisync.api import Gateway, SiteInfo, find_api
from wikisync.config import WikiConfig
from wikisync.errors import UsageError
from wikisync.files import write_atomic
from wikisync.resources import example_config

PASSWORD_HELP = (
    "Password: create a BotPassword on the wiki (Special:BotPasswords) and give it to "
    "wikisync, never in the config file:",
    "  - in the environment: export WIKISYNC_PASSWORD='…' (systemd: EnvironmentFile= or "
    "LoadCredential=; cron: a file sourced by the job), or",
    "  - in a file only you can read, named by [wiki] password_file: "
    "install -m 600 /dev/null wikisync.password, then put the password in it.",
)


@dataclass(frozen=True)
class InitAnswers:
    """What ``init`` fills in."""

    api: str
    user_agent: str
    username: str | None = None
    password_file: str | None = None


def toml_string(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, for what json.dumps emits)."""
    return json.dumps(value, ensure_ascii=False)


def set_key(text: str, section: str, key: str, value: str | None) -> str:
    """Set ``key`` in ``[section]`` (uncommenting it), or comment it out when value is None.

    The first line ``key = …`` or ``# key = …`` of the section is replaced; a key the
    section lacks is added at its end.
    """
    lines = text.splitlines(keepends=True)
    start, end = _section_span(lines, section)
    pattern = re.compile(rf"^\s*(#\s*)?{re.escape(key)}\s*=")
    for index in range(start, end):
        line = lines[index]
        if pattern.match(line):
            commented = line.lstrip().startswith("#")
            if value is None:
                lines[index] = line if commented else f"# {line.lstrip()}"
            else:
                lines[index] = f"{key} = {toml_string(value)}\n"
            return "".join(lines)
    if value is not None:
        lines.insert(end, f"{key} = {toml_string(value)}\n")
    return "".join(lines)


def _section_span(lines: list[str], section: str) -> tuple[int, int]:
    """The line range (after the header, up to the next header) of ``[section]``."""
    header = re.compile(r"^\s*\[([^\]]+)\]\s*(#.*)?$")
    start = None
    for index, line in enumerate(lines):
        match = header.match(line)
        if match and start is not None:
            return start, index
        if match and match.group(1).strip() == section:
            start = index + 1
    if start is None:
        raise UsageError(f"the example config has no [{section}] section")
    return start, len(lines)


def render_config(template: str, answers: InitAnswers) -> str:
    """The example config with the answers filled in."""
    text = set_key(template, "wiki", "api", answers.api)
    text = set_key(text, "wiki", "username", answers.username)
    text = set_key(text, "wiki", "user_agent", answers.user_agent)
    if answers.password_file:
        text = set_key(text, "wiki", "password_file", answers.password_file)
    header = ("# Written by `wikisync init`; every setting below is explained where it is.\n")
    return header + text


def write_config(path: str | Path, answers: InitAnswers, *, force: bool = False) -> Path:
    """Write the config file; refuse to replace an existing one unless ``force``."""
    target = Path(path)
    if target.exists() and not force:
        raise UsageError(f"{target} exists: not overwritten (use --force to replace it)")
    text = render_config(example_config().read_text(encoding="utf-8"), answers)
    write_atomic(target, text)  # --force over a config: a failure leaves the old one
    return target


def check_connection(wiki: WikiConfig) -> tuple[SiteInfo, bool]:
    """Connect (as ``wikisync check`` does): log in when a password is set; (facts, logged in)."""
    gateway = Gateway(wiki)
    logged_in = bool(wiki.username and wiki.password)
    if logged_in:
        gateway.login()
    return gateway.site_info(), logged_in


def locate_api(answers: InitAnswers) -> tuple[InitAnswers, str]:
    """The answers with ``api`` replaced by the api.php found from it, and the line saying so."""
    found = find_api(answers.api, answers.user_agent)
    if found.api == answers.api.strip():
        return answers, f"API: {found.api} (answers as MediaWiki {_version(found.general)})"
    return (replace(answers, api=found.api),
            f"API: {found.api} (found {found.how}; you gave {answers.api}), written to the "
            "config")


def _version(general: dict[str, object]) -> str:
    """The version number in a siteinfo general (``1.39.17``)."""
    return str(general.get("generator", "")).removeprefix("MediaWiki ").strip() or "?"
