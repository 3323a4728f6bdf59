"""A threaded HTTP proxy on 127.0.0.1 in front of the dev wiki, which injects faults on demand.

    with FaultProxy(devwiki.api_url) as proxy:
        proxy.inject(Fault.maxlag(lag=7, action="edit"))
        proxy.inject(Fault.reset(after_forward=True, method="POST", times=2))
        ... point the client at proxy.api_url ...
        assert proxy.count(action="edit", method="POST") == 3

Requests are forwarded as they came (method, path, query, body, headers with cookies;
``Host`` is kept) and answers are returned as the wiki gave them (status, headers with
every ``Set-Cookie``, body). Client connections may be kept alive; each forwarded request
uses a new upstream connection (``php -S`` closes its connections anyway).
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import struct
import sys
import threading
import time
import urllib.parse
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from wikisync.devwiki.faults import Fault, FaultQueue, SeenRequest, parse_params

# Hop-by-hop headers (RFC 9110 7.6.1) are not forwarded in either direction.
HOP_BY_HOP = {
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
    "trailer", "transfer-encoding", "upgrade", "proxy-connection",
}
NOT_FORWARDED = HOP_BY_HOP | {"content-length", "expect"}  # the proxy sets/handles these
UPSTREAM_TIMEOUT = 120.0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # idle keep-alive connections must not block stop()
    allow_reuse_address = True

    def __init__(self, proxy: FaultProxy) -> None:
        self.proxy = proxy
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up are normal here; report anything else."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 60
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
        """Silence the per-request log on stderr."""

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_HEAD = do_PUT = do_DELETE = do_OPTIONS = do_PATCH = do_GET

    def _read_body(self) -> bytes:
        """The request body (Content-Length or chunked)."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        proxy = self.server.proxy
        body = self._read_body()
        split = urllib.parse.urlsplit(self.path)
        request = SeenRequest(
            method=self.command,
            path=split.path,
            params=parse_params(split.query, body, self.headers.get("Content-Type", "")),
            headers={k: v for k, v in self.headers.items()},
        )
        fault = proxy.faults.take(request)
        if fault is not None and fault.kind == "delay":
            time.sleep(fault.seconds)
        if fault is not None and fault.kind == "reset" and not fault.after_forward:
            self._reset()
            return
        if fault is not None and fault.kind in ("status", "maxlag", "api_error"):
            self._send_fault(fault, request)
            return
        try:
            status, reason, headers, answer = proxy.forward(self.command, self.path,
                                                           self.headers.items(), body)
        except OSError as exc:
            self._send(502, "Bad Gateway", [("Content-Type", "text/plain")],
                       f"proxy: upstream failed: {exc}\n".encode())
            return
        if fault is not None and fault.kind == "reset":
            self._reset()
            return
        self._send(status, reason, headers, answer)

    def _send(self, status: int, reason: str, headers: list[tuple[str, str]],
              body: bytes) -> None:
        """Write one complete answer with a Content-Length (keeps the connection usable)."""
        self.send_response_only(status, reason or None)
        for name, value in headers:
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()

    def _send_fault(self, fault: Fault, request: SeenRequest) -> None:
        """Answer with the fault's status, headers and body, the way MediaWiki would."""
        headers = [("Date", self.date_time_string())]
        body = fault.body
        if fault.kind in ("maxlag", "api_error"):
            body = fault.api_body(request, self.server.proxy.upstream_api_url)
            headers += [("Content-Type", "application/json; charset=utf-8"),
                        ("MediaWiki-API-Error", str(fault.code)),
                        ("Cache-Control", "private, must-revalidate, max-age=0")]
        headers += list(fault.headers.items())
        self._send(fault.status, "", headers, body)

    def _reset(self) -> None:
        """Close the client connection with a TCP RST, answering nothing."""
        self.close_connection = True
        sock = self.connection
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()  # drops the makefile() reference, so close() really closes
        sock.close()


class FaultProxy:
    """The proxy: ``start()``/``stop()`` or use as a context manager; ``api_url`` for clients."""

    def __init__(self, upstream_api_url: str) -> None:
        parts = urllib.parse.urlsplit(upstream_api_url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"upstream must be an http:// URL: {upstream_api_url}")
        self.upstream_api_url = upstream_api_url
        self.upstream_host = parts.hostname
        self.upstream_port = parts.port or 80
        self._api_path = parts.path or "/api.php"
        self.faults = FaultQueue()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -----------------------------------------------------------------------

    def start(self) -> FaultProxy:
        """Listen on a free 127.0.0.1 port and serve in a background thread."""
        if self._server is None:
            self._server = _Server(self)
            self._thread = threading.Thread(target=self._server.serve_forever,
                                            kwargs={"poll_interval": 0.05},
                                            name="fault-proxy", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening; open client connections are dropped."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # --- addresses -----------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the proxy is not started")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + self._api_path

    @property
    def index_url(self) -> str:
        return self.base_url + self._api_path.rsplit("/", 1)[0] + "/index.php"

    # --- faults and counts ---------------------------------------------------------------

    def inject(self, fault: Fault) -> Fault:
        """Queue a fault; the first pending fault that matches a request is delivered."""
        return self.faults.add(fault)

    def pending(self) -> list[Fault]:
        """Faults not yet delivered as many times as asked."""
        return self.faults.pending()

    def clear(self) -> None:
        """Drop pending faults and forget the requests seen."""
        self.faults.clear()

    @property
    def requests(self) -> list[SeenRequest]:
        """Every request seen, in order (faulted ones included)."""
        return self.faults.seen()

    def count(self, action: str | None = None, method: str | None = None,
              faulted: bool | None = None) -> int:
        """How many requests matched ``action``/``method`` (and faulted or not, if given)."""
        return sum(
            1 for r in self.requests
            if (action is None or r.action == action)
            and (method is None or r.method == method.upper())
            and (faulted is None or (r.fault is not None) == faulted)
        )

    def counts(self) -> Counter[tuple[str, str | None]]:
        """Requests seen by (method, action)."""
        return Counter((r.method, r.action) for r in self.requests)

    # --- forwarding ----------------------------------------------------------------------

    def forward(self, method: str, path: str, headers: Any,
                body: bytes) -> tuple[int, str, list[tuple[str, str]], bytes]:
        """Send one request to the wiki; its status, reason, headers and whole body."""
        conn = http.client.HTTPConnection(self.upstream_host, self.upstream_port,
                                          timeout=UPSTREAM_TIMEOUT)
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            headers = list(headers)
            if not any(name.lower() == "host" for name, _ in headers):
                conn.putheader("Host", f"{self.upstream_host}:{self.upstream_port}")
            for name, value in headers:
                if name.lower() not in NOT_FORWARDED:
                    conn.putheader(name, value)
            if body or method in ("POST", "PUT", "PATCH"):
                conn.putheader("Content-Length", str(len(body)))
            conn.putheader("Connection", "close")
            conn.endheaders(body or None)
            resp = conn.getresponse()
            answer = resp.read()
            return resp.status, resp.reason, resp.getheaders(), answer
        finally:
            conn.close()
