"""A local stand-in for the BAN address service (``/search``), answering in its JSON format."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class BanServer:
    """Known addresses -> (lat, lon, score); ``queries`` logs what was asked; ``fail`` 503s."""

    places: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    queries: list[str] = field(default_factory=list)
    fail: int = 0
    port: int = 0

    @property
    def domain(self) -> str:
        """``host:port`` for geopy's ``domain``."""
        return f"127.0.0.1:{self.port}"

    def answer(self, query: str) -> dict[str, Any]:
        """BAN's FeatureCollection for a query (empty when the address is unknown)."""
        features = []
        if query in self.places:
            lat, lon, score = self.places[query]
            features.append({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"label": f"{query} (BAN)", "score": score,
                               "type": "housenumber", "city": "Brest", "postcode": "29200",
                               "citycode": "29019", "context": "29, Finistère, Bretagne"},
            })
        return {"type": "FeatureCollection", "version": "draft", "features": features,
                "attribution": "BAN", "licence": "ETALAB-2.0", "query": query, "limit": 1}


@contextmanager
def ban_server(places: dict[str, tuple[float, float, float]] | None = None
               ) -> Iterator[BanServer]:
    """Serve BAN's ``/search`` on 127.0.0.1 (a free port) for the ``with`` block."""
    state = BanServer(places=dict(places or {}))

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def do_GET(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            query = urllib.parse.parse_qs(url.query).get("q", [""])[0]
            state.queries.append(query)
            if state.fail > 0:
                state.fail -= 1
                self.send_response(503)
                self.end_headers()
                return
            body = json.dumps(state.answer(query)).encode()
            self.send_response(200 if url.path == "/search" else 404)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
