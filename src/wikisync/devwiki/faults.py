"""Faults the proxy can deliver instead of (or after) forwarding a request, and the requests it saw.

A ``Fault`` says what to do (``kind``), to which requests (``method``, ``action``,
``match``), and how many times (``times``). Build them with the class methods.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes
from email.message import Message
from email.utils import format_datetime
from typing import Any, Literal

FaultKind = Literal["status", "maxlag", "api_error", "reset", "delay"]

DOCREF = (
    "See {api} for API usage. Subscribe to the mediawiki-api-announce mailing list at "
    "&lt;https://lists.wikimedia.org/postorius/lists/mediawiki-api-announce.lists."
    "wikimedia.org/&gt; for notice of API deprecations and breaking changes."
)
# English ``info`` texts MediaWiki 1.39 gives for common codes (errorformat=bc).
KNOWN_INFO = {
    "readonly": "The wiki is currently in read-only mode.",
    "ratelimited": "As an anti-abuse measure, you are limited from performing this action "
    "too many times in a short space of time, and you have exceeded this limit. "
    "Please try again in a few minutes.",
    "blocked": "You have been blocked from editing.",
    "autoblocked": "Your IP address has been blocked automatically, because it was used "
    "by a blocked user.",
    "badtoken": "Invalid CSRF token.",
    "editconflict": "Edit conflict.",
    "pagedeleted": "The page has been deleted since you fetched its timestamp.",
    "missingtitle": "The page you specified doesn't exist.",
    "articleexists": "The article you tried to create has been created already.",
    "protectedpage": "This page has been protected to prevent editing or other actions.",
    "assertuserfailed": "You are no longer logged in, so the action could not be completed.",
    "assertbotfailed": "You do not have the \"bot\" right, so the action could not be "
    "completed.",
    "internal_api_error_DBQueryError": "[a1b2c3d4e5f6a7b8c9d0e1f2] Exception caught: "
    "A database query error has occurred.",
}


@dataclass
class SeenRequest:
    """One request the proxy received; ``params`` merges query string and form body."""

    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    fault: FaultKind | None = None

    @property
    def action(self) -> str | None:
        return self.params.get("action")


Predicate = Callable[[SeenRequest], bool]


@dataclass
class Fault:
    """What to deliver, to which requests, how many times; ``delivered`` counts uses."""

    kind: FaultKind
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    code: str | None = None
    info: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    after_forward: bool = False
    seconds: float = 0.0
    method: str | None = None
    action: str | None = None
    match: Predicate | None = None
    times: int = 1
    delivered: int = 0

    # --- constructors --------------------------------------------------------------------

    @classmethod
    def http_status(cls, status: int, retry_after: float | datetime | str | None = None,
                    body: bytes | None = None, **target: Any) -> Fault:
        """Answer with an HTTP error status (429, 503...), with ``Retry-After`` if given."""
        headers = {"Content-Type": "text/html; charset=utf-8"}
        if retry_after is not None:
            headers["Retry-After"] = retry_after_value(retry_after)
        if body is None:
            body = f"<!DOCTYPE html><html><body><h1>{status}</h1></body></html>\n".encode()
        return cls("status", status=status, headers=headers, body=body, **target)

    @classmethod
    def answer(cls, body: bytes, content_type: str = "application/json; charset=utf-8",
               status: int = 200, **target: Any) -> Fault:
        """Answer with this body (e.g. valid JSON that is not an object, ``[]``) instead."""
        return cls("status", status=status, headers={"Content-Type": content_type},
                   body=body, **target)

    @classmethod
    def maxlag(cls, lag: float = 7, retry_after: int = 5, host: str = "db-replica-1",
               **target: Any) -> Fault:
        """The API's maxlag error, as MediaWiki sends it (HTTP 200, Retry-After, X-Database-Lag)."""
        headers = {"Retry-After": str(retry_after), "X-Database-Lag": str(int(lag))}
        shown = int(lag) if float(lag).is_integer() else lag
        return cls("maxlag", headers=headers, code="maxlag",
                   info=f"Waiting for {host}: {shown} seconds lagged.",
                   extra={"host": host, "lag": lag, "type": "db"}, **target)

    @classmethod
    def api_error(cls, code: str, info: str | None = None, *, status: int = 200,
                  headers: dict[str, str] | None = None, extra: dict[str, Any] | None = None,
                  **target: Any) -> Fault:
        """An API error answer (``readonly``, ``ratelimited``, ``blocked``, ...), HTTP 200."""
        more = dict(extra or {})
        if code == "readonly" and "readonlyreason" not in more:
            more["readonlyreason"] = "Maintenance de la base de données."
        return cls("api_error", status=status, headers=dict(headers or {}), code=code,
                   info=info or KNOWN_INFO.get(code, f"Simulated API error {code}."),
                   extra=more, **target)

    @classmethod
    def reset(cls, after_forward: bool = False, **target: Any) -> Fault:
        """Reset the client's connection (TCP RST) without an answer.

        With ``after_forward`` the request first reaches the wiki (an edit is saved) and
        only the answer is lost.
        """
        return cls("reset", after_forward=after_forward, **target)

    @classmethod
    def delay(cls, seconds: float, **target: Any) -> Fault:
        """Wait ``seconds`` before forwarding (to test client timeouts)."""
        return cls("delay", seconds=seconds, **target)

    # --- matching ------------------------------------------------------------------------

    def matches(self, request: SeenRequest) -> bool:
        """True if this fault still has uses left and targets ``request``."""
        if self.delivered >= self.times:
            return False
        if self.method and request.method.upper() != self.method.upper():
            return False
        if self.action and request.action != self.action:
            return False
        return self.match is None or bool(self.match(request))

    def api_body(self, request: SeenRequest, api_url: str) -> bytes:
        """The JSON error body for ``request``'s format version and error format."""
        docref = DOCREF.format(api=api_url)
        errorformat = request.params.get("errorformat", "bc")
        if errorformat != "bc":
            text_key = "html" if errorformat == "html" else "text"
            error: dict[str, Any] = {"code": self.code, text_key: self.info,
                                     "module": request.action or "main", **self.extra}
            payload: dict[str, Any] = {"errors": [error], "docref": docref}
        else:
            ref_key = "docref" if request.params.get("formatversion") in ("2", "latest") else "*"
            payload = {"error": {"code": self.code, "info": self.info, **self.extra,
                                 ref_key: docref}}
        if self.kind == "maxlag":
            payload["servedby"] = "mw1234"
        return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def retry_after_value(value: float | datetime | str) -> str:
    """A Retry-After header value: delay-seconds, or an HTTP-date for a datetime."""
    if isinstance(value, datetime):
        return format_datetime(value, usegmt=True)
    if isinstance(value, str):
        return value
    return str(int(value)) if float(value).is_integer() else str(value)


def parse_params(query: str, body: bytes, content_type: str) -> dict[str, str]:
    """Request parameters from the query string and a urlencoded or multipart body."""
    params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
    if body and content_type.startswith("application/x-www-form-urlencoded"):
        params.update(urllib.parse.parse_qsl(body.decode("utf-8", "replace"),
                                             keep_blank_values=True))
    elif body and content_type.startswith("multipart/form-data"):
        params.update(_multipart(body, content_type))
    return params


def _multipart(body: bytes, content_type: str) -> dict[str, str]:
    """Text fields of a multipart/form-data body."""
    message: Message = message_from_bytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    fields: dict[str, str] = {}
    if not message.is_multipart():
        return fields
    for part in message.get_payload():
        assert isinstance(part, Message)
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            fields[name] = payload.decode("utf-8", "replace")
    return fields


class FaultQueue:
    """Thread-safe list of pending faults and log of requests seen."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._seen: list[SeenRequest] = []

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, request: SeenRequest) -> Fault | None:
        """Record ``request`` and claim the first pending fault that matches it."""
        with self._lock:
            self._seen.append(request)
            for fault in self._faults:
                if fault.matches(request):
                    fault.delivered += 1
                    request.fault = fault.kind
                    return fault
            return None

    def pending(self) -> list[Fault]:
        with self._lock:
            return [fault for fault in self._faults if fault.delivered < fault.times]

    def seen(self) -> list[SeenRequest]:
        with self._lock:
            return list(self._seen)

    def clear(self, faults: bool = True, seen: bool = True) -> None:
        with self._lock:
            if faults:
                self._faults.clear()
            if seen:
                self._seen.clear()
