"""One HTTP exchange with api.php: fixed parameters, headers, counters, logging, errors.

Every request carries ``format=json&formatversion=2``, ``maxlag`` and the configured
User-Agent. Nothing here logs a parameter value: only the action, kind, status and time.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Mapping
from typing import Any

import requests

from wikisync.api.discover import Found, Prober, is_direct, resolve
from wikisync.api.errors import (
    ConnectionLost,
    api_exception,
    http_exception,
    not_an_api,
    status_error,
    unfixable,
)
from wikisync.api.retry import Retrier, parse_retry_after

log = logging.getLogger("wikisync.api")

KINDS = ("read", "write", "login", "other")
Params = Mapping[str, str | int]
_GET_URL_LIMIT = 2000  # longer queries go as POST (servers cap the URL length)


class Transport:
    """Sends api.php requests with one ``requests.Session`` and counts them by kind."""

    def __init__(
        self,
        api_url: str,
        user_agent: str,
        maxlag: int,
        timeout: float,
        retrier: Retrier,
        session: requests.Session | None = None,
    ) -> None:
        self.address = api_url  # as configured; ``api_url`` once resolved (first call)
        self.api_url = api_url
        self.found: Found | None = None
        self._resolved = is_direct(api_url)
        self._answered = False  # an API answer came back (later HTML is then transient)
        self.maxlag = maxlag
        self.timeout = timeout
        self.retrier = retrier
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = user_agent
        self.requests: dict[str, int] = dict.fromkeys(KINDS, 0)
        self._lock = threading.Lock()

    @property
    def retries(self) -> int:
        """How many times a request was retried since the start."""
        return self.retrier.retries

    def call(self, params: Params, kind: str, post: bool = False) -> dict[str, Any]:
        """Send a request, retrying transient failures under the policy."""
        self.resolve()
        return self.retrier.run(lambda: self.request(params, kind, post), str(params["action"]))

    def resolve(self) -> str:
        """The api.php URL: the configured one if it is one, else found once (one log line)."""
        with self._lock:
            if not self._resolved:
                prober = Prober(self.session, self.timeout, self.maxlag, self.retrier)
                self.found = resolve(self.address, prober)
                self.api_url, self._resolved, self._answered = self.found.api, True, True
                log.warning("[wiki] api %s: using %s (found %s); put that URL in [wiki] api "
                            "to skip this lookup", self.address, self.api_url, self.found.how)
        return self.api_url

    def request(self, params: Params, kind: str, post: bool = False) -> dict[str, Any]:
        """Send exactly one request and return its JSON, or raise the mapped WikiError."""
        data = self._full_params(params)
        post = post or _too_long_for_get(data)
        self._count(kind)
        started = time.monotonic()
        status: int | str = "error"
        try:
            response = self._send(data, post)
            status = response.status_code
            return self._decode(response)
        finally:
            millis = (time.monotonic() - started) * 1000
            log.debug("api %s %s %s %.0f ms", params.get("action"), kind, status, millis)

    def _full_params(self, params: Params) -> dict[str, str]:
        data = {"format": "json", "formatversion": "2", "maxlag": str(self.maxlag)}
        data.update({key: str(value) for key, value in params.items()})
        return data

    def _count(self, kind: str) -> None:
        with self._lock:
            self.requests[kind] = self.requests.get(kind, 0) + 1

    def _send(self, data: dict[str, str], post: bool) -> requests.Response:
        try:
            if post:
                return self.session.post(self.api_url, data=data, timeout=self.timeout)
            return self.session.get(self.api_url, params=data, timeout=self.timeout)
        except requests.Timeout as exc:
            raise ConnectionLost(f"{self.api_url}: no answer within {self.timeout:g}s "
                                 f"({_reason(exc)})", "timeout") from None
        except requests.RequestException as exc:
            fatal = unfixable(str(exc), type(exc).__name__, self.api_url)
            if fatal is not None:
                raise fatal from None
            raise ConnectionLost(f"{self.api_url}: {_reason(exc)}", "connection") from None

    def _decode(self, response: requests.Response) -> dict[str, Any]:
        """The answer's JSON object; HTTP errors, API errors and bad bodies mapped."""
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if response.status_code != 200:
            fatal = status_error(response.status_code, response.reason or "", self.api_url)
            raise fatal or http_exception(response.status_code, response.reason or "",
                                          retry_after)
        body = self._json_object(response)
        self._answered = True
        note_warnings(body)
        error = body.get("error")
        if isinstance(error, dict):
            code = str(error.get("code", "unknown"))
            raise api_exception(code, str(error.get("info", "")), retry_after)
        return body


    def _json_object(self, response: requests.Response) -> dict[str, Any]:
        """The body as a JSON object; anything else is a truncated answer (retried).

        A web page before any API answer means the address is not an API: exit 2.
        """
        try:
            body = response.json()
        except ValueError:
            if not self._answered and "html" in response.headers.get("Content-Type", ""):
                raise not_an_api(self.api_url) from None
            body = None
        if not isinstance(body, dict):
            raise ConnectionLost("the wiki answered with something that is not a JSON object",
                                 "badjson")
        return body


_SEEN_WARNINGS: set[tuple[str, str]] = set()
_BOTPASSWORD_HINT = (" — create a BotPassword (Special:BotPasswords) and log in as "
                     "User@app")


def note_warnings(body: dict[str, Any]) -> None:
    """Log each distinct API warning once per process (module and text; never a parameter)."""
    warnings = body.get("warnings")
    if not isinstance(warnings, dict):
        return
    for module, entry in warnings.items():
        text = entry.get("warnings", entry.get("*", "")) if isinstance(entry, dict) else entry
        text = " ".join(str(text).split())
        if not text or (module, text) in _SEEN_WARNINGS:
            continue
        _SEEN_WARNINGS.add((module, text))
        hint = _BOTPASSWORD_HINT if "Main-account login" in text else ""
        log.warning("the wiki warns (%s): %s%s", module, text, hint)


def _too_long_for_get(data: dict[str, str]) -> bool:
    return sum(len(k) + len(v) + 2 for k, v in data.items()) > _GET_URL_LIMIT


def _reason(exc: Exception) -> str:
    """The innermost reason of a requests exception in a few words (no URL, no params)."""
    text = str(exc)
    match = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", text)
    if match:
        return match.group(1).strip()
    for phrase in _PHRASES:
        if phrase in text:
            return phrase
    return type(exc).__name__


_PHRASES = ("Connection reset by peer", "Remote end closed connection without response",
            "Read timed out", "Connection aborted", "timed out")
