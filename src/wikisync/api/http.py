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

from wikisync.api.errors import ConnectionLost, api_exception, http_exception
from wikisync.api.retry import Retrier, parse_retry_after
from wikisync.errors import WikiError

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
        self.api_url = api_url
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
        return self.retrier.run(lambda: self.request(params, kind, post), str(params["action"]))

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
            raise ConnectionLost(f"{self.api_url}: {_reason(exc)}", "connection") from None

    def _decode(self, response: requests.Response) -> dict[str, Any]:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if response.status_code != 200:
            raise http_exception(response.status_code, response.reason or "", retry_after)
        try:
            body = response.json()
        except ValueError:
            raise ConnectionLost("the wiki answered with something that is not JSON",
                                 "badjson") from None
        if not isinstance(body, dict):
            raise WikiError("the wiki answered with unexpected JSON", "badjson")
        error = body.get("error")
        if isinstance(error, dict):
            code = str(error.get("code", "unknown"))
            raise api_exception(code, str(error.get("info", "")), retry_after)
        return body


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
