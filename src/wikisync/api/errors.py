"""The one place where API error codes and HTTP failures become wikisync exceptions."""

from __future__ import annotations

from wikisync.errors import (
    AuthenticationError,
    Blocked,
    EditConflict,
    EditRefused,
    FilterRefused,
    PageExists,
    PageMissing,
    Protected,
    ReadOnly,
    RetryableWikiError,
    WikiError,
)


class ConnectionLost(RetryableWikiError):
    """The HTTP exchange failed (reset, refused, timeout): a POST may or may not have landed."""


class ServerBusy(RetryableWikiError):
    """The server answered 429/502/503/504: try again later (``retry_after`` if it said)."""


class SessionLost(AuthenticationError):
    """``assertuserfailed``: the login session expired; the gateway logs in again once."""


class BadToken(WikiError):
    """``badtoken``: the CSRF token is stale; the gateway fetches a new one once."""


_EXACT: dict[str, type[WikiError]] = {
    "editconflict": EditConflict,
    "pagedeleted": PageMissing,
    "missingtitle": PageMissing,
    "nosuchpageid": PageMissing,
    "articleexists": PageExists,
    "protectedpage": Protected,
    "cascadeprotected": Protected,
    "protectedtitle": Protected,
    "protectednamespace": Protected,
    "protectednamespace-interface": Protected,
    "spamblacklist": FilterRefused,
    "titleblacklist-forbidden": FilterRefused,
    "contenttoobig": EditRefused,
    "hookaborted": EditRefused,
    "invalidtitle": EditRefused,
    "blocked": Blocked,
    "autoblocked": Blocked,
    "readonly": ReadOnly,
    "assertuserfailed": SessionLost,
    "assertnameduserfailed": SessionLost,
    "assertbotfailed": AuthenticationError,
    "notloggedin": SessionLost,
    "badtoken": BadToken,
    "maxlag": RetryableWikiError,
    "ratelimited": RetryableWikiError,
}

_PREFIXES: tuple[tuple[str, type[WikiError]], ...] = (
    ("abusefilter-", FilterRefused),
    ("spamblacklist", FilterRefused),
)


def exception_class(code: str) -> type[WikiError]:
    """The exception class for an API error code (plain WikiError when unknown)."""
    if code in _EXACT:
        return _EXACT[code]
    for prefix, cls in _PREFIXES:
        if code.startswith(prefix):
            return cls
    return WikiError


def api_exception(code: str, info: str, retry_after: float | None = None) -> WikiError:
    """Build the exception for an API error answer (``code`` and its ``info`` text)."""
    cls = exception_class(code)
    message = f"{code}: {info}" if info else code
    if issubclass(cls, RetryableWikiError):
        return cls(message, code, retry_after)
    return cls(message, code)


def http_exception(status: int, reason: str, retry_after: float | None) -> WikiError:
    """Build the exception for an HTTP error status (429/5xx are retryable)."""
    message = f"HTTP {status} {reason}".strip()
    if status in (429, 502, 503, 504):
        return ServerBusy(message, f"http-{status}", retry_after)
    return WikiError(message, f"http-{status}")


def login_exception(username: str, result: str, reason: str) -> AuthenticationError:
    """The error for a refused login; never carries the password, only the server's reason."""
    detail = reason or result
    return AuthenticationError(f"login as {username} failed ({result}): {detail}", "login")
