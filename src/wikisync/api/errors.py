"""The one place where API error codes and HTTP failures become wikisync exceptions."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from wikisync.errors import (
    AuthenticationError,
    Blocked,
    ConfigError,
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


class BadAddress(ConfigError):
    """The address cannot work as given (scheme, TLS, host name, not an API): exit 2, no retry."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class TooOld(ConfigError):
    """The wiki runs a MediaWiki older than wikisync supports (1.35): exit 2."""


_DNS_PHRASES = ("Name or service not known", "nodename nor servname", "No address associated",
                "getaddrinfo failed", "Errno -2]", "Errno -5]", "Errno 8]", "Errno 11001]")
_STATUS_HINTS = {
    401: "the server asks for an HTTP login (basic auth) that wikisync does not send; "
         "give an address that answers without one",
    403: "the server refuses wikisync (check [wiki] user_agent: some wikis block generic "
         "ones; or whether the API is closed to your address)",
    404: "no api.php there; give the wiki's home page to `wikisync init --api` to find it, "
         "or copy the api.php URL from its Special:Version page",
}


def with_scheme(url: str, scheme: str) -> str:
    """``url`` with its scheme replaced (for the hint ``try http://…``)."""
    parts = urlsplit(url)
    return urlunsplit((scheme, *parts[1:]))


def unfixable(text: str, kind: str, url: str) -> BadAddress | None:
    """The exit-2 error for a request failure waiting cannot fix, or None if it may pass.

    ``kind`` is the requests exception's class name, ``text`` its message.
    """
    if kind in ("InvalidSchema", "MissingSchema", "InvalidURL", "InvalidHeader"):
        return BadAddress(f"{url}: not a web address wikisync can use ({kind}); "
                          "give an http:// or https:// URL", "bad-url")
    if kind == "SSLError" or "SSLError" in text or "CERTIFICATE_VERIFY_FAILED" in text:
        return _tls_error(text, url)
    if any(phrase in text for phrase in _DNS_PHRASES):
        host = urlsplit(url).hostname or url
        return BadAddress(f"{url}: unknown host name {host!r}; check the spelling of the "
                          "wiki's address", "dns")
    return None


def _tls_error(text: str, url: str) -> BadAddress:
    """A TLS failure: a certificate nobody vouches for, or https against a plain http server."""
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return BadAddress(f"{url}: the server's TLS certificate is not trusted; fix the "
                          "certificate on the wiki, or set REQUESTS_CA_BUNDLE", "tls")
    plain = with_scheme(url, "http")
    return BadAddress(f"{url}: TLS handshake failed — the wiki may only speak http; "
                      f"try {plain}", "tls")


def status_error(status: int, reason: str, url: str) -> BadAddress | None:
    """The exit-2 error for HTTP 401/403/404 on api.php (not retried), else None."""
    hint = _STATUS_HINTS.get(status)
    if hint is None:
        return None
    return BadAddress(f"{url}: HTTP {status} {reason}".strip() + f" — {hint}", f"http-{status}")


def not_an_api(url: str) -> BadAddress:
    """The exit-2 error for an address that answers with a web page instead of API JSON."""
    return BadAddress(f"{url}: answers with a web page, not the MediaWiki API; give the "
                      "wiki's api.php URL, or its home page to `wikisync init --api`",
                      "not-api")


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
    hint = ("" if "@" in username else "; a BotPassword login is User@app (the name "
            "Special:BotPasswords gives when you create one)")
    return AuthenticationError(f"login as {username} failed ({result}): {detail}{hint}",
                               "login")
