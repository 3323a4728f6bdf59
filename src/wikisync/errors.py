"""One exception root for wikisync, with the exit code each kind of failure maps to.

Every layer raises these; only the CLI turns them into a one-line message and an exit code.
Exception texts must never contain a password, token or cookie (see ``redact``).
"""

from __future__ import annotations

import re

EXIT_OK = 0
EXIT_DIFFERENCES = 1  # differences found, or partial success
EXIT_USAGE = 2  # usage or configuration error
EXIT_WIKI = 3  # wiki unreachable, authentication failed, wiki read-only/blocked


class WikisyncError(Exception):
    """Root of every error wikisync raises on purpose."""

    exit_code = EXIT_DIFFERENCES

    def __init__(self, message: str) -> None:
        super().__init__(redact(message))

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class ConfigError(WikisyncError):
    """The configuration is invalid; the message names the key and the file."""

    exit_code = EXIT_USAGE


class UsageError(WikisyncError):
    """The command line asks for something impossible."""

    exit_code = EXIT_USAGE


# --- wiki side -------------------------------------------------------------------------


class WikiError(WikisyncError):
    """The wiki answered with an error (``code`` is the API error code, when there is one)."""

    exit_code = EXIT_WIKI

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class WikiUnreachable(WikiError):
    """The wiki could not be reached (connection refused, DNS, timeouts after retries)."""


class AuthenticationError(WikiError):
    """Login failed or the session was lost and could not be restored."""


class RetryableWikiError(WikiError):
    """A transient condition (maxlag, 429/503, ratelimited, reset); the gateway retries it.

    ``retry_after`` is the number of seconds the server asked us to wait, if it said.
    """

    def __init__(self, message: str, code: str | None = None, retry_after: float | None = None):
        super().__init__(message, code)
        self.retry_after = retry_after


class StopRun(WikiError):
    """The run must stop at once: the wiki is read-only or the account is blocked."""


class ReadOnly(StopRun):
    """The wiki is in read-only mode."""


class Blocked(StopRun):
    """The bot account is blocked."""


class EditRefused(WikiError):
    """One edit was refused for a reason that only concerns that page; skip it and report."""

    exit_code = EXIT_DIFFERENCES


class EditConflict(EditRefused):
    """Someone edited the page between our read and our write."""


class PageMissing(EditRefused):
    """The page was deleted (``pagedeleted``) or does not exist (``missingtitle``)."""


class PageExists(EditRefused):
    """A create-only write found the title taken (``articleexists``)."""


class Protected(EditRefused):
    """The page is protected against our account."""


class FilterRefused(EditRefused):
    """AbuseFilter or the spam blacklist refused the edit."""


# --- page side -------------------------------------------------------------------------


class UnsafeEdit(WikisyncError):
    """The page has problems that make an automatic edit unsafe; it is left untouched."""

    exit_code = EXIT_DIFFERENCES

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


class StoreError(WikisyncError):
    """The state store is unusable (locked, corrupt, from a newer wikisync)."""

    exit_code = EXIT_USAGE


_SECRET_KEYS = (r"(?:lg|wp|bot)?password|passwd|(?:lg|csrf|login|edit|access|refresh)?token"
                r"|secret|api_?key")
_SECRET_PATTERNS = [
    # ``key=value`` (query strings, forms) and ``"key": "value"`` (JSON) for secret names
    # that are whole words: ``wikisync.password: No such file`` or ``password_file`` are not
    re.compile(rf"(?i)(?<![\w.\-/])([\"']?(?:{_SECRET_KEYS})[\"']?)"
               r"(=|\s*:\s*(?=[\"']))(['\"]?)([^'\"\s,&;}]+)"),
    # a cookie header, and ``name_session=value``-like cookie pairs
    re.compile(r"(?i)(\b(?:set-)?cookie)(\s*:\s*)()([^\r\n]+)"),
    re.compile(r"(?i)(\b\w*(?:session|sessid|token)\w*)(=)()([^'\"\s,&;}]+)"),
]
_KNOWN_SECRETS: set[str] = set()


def register_secret(secret: str | None) -> None:
    """Remember a secret value so that ``redact`` removes it wherever it appears."""
    if secret and len(secret) >= 4:
        _KNOWN_SECRETS.add(secret)


def redact(text: str) -> str:
    """Mask registered secrets, ``password=…``-like pairs and cookies; ordinary words stay."""
    for secret in sorted(_KNOWN_SECRETS, key=len, reverse=True):
        text = text.replace(secret, "***")
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + m.group(2) + m.group(3) + "***", text)
    return text
