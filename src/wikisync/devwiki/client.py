"""A tiny stdlib MediaWiki API client (urllib + cookies) for the launcher and for tests.

It is deliberately naive (no retries, no maxlag): it plays "a human with a browser" or
checks the wiki, never the bot under test.
"""

from __future__ import annotations

import http.cookiejar
import json
import urllib.parse
import urllib.request
from typing import Any

USER_AGENT = "wikisync-devwiki/0.1 (local test wiki; 127.0.0.1)"


class MiniClient:
    """A logged-in (or anonymous) session on one wiki's api.php."""

    def __init__(self, api_url: str, timeout: float = 30.0) -> None:
        self.api_url = api_url
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self._csrf: str | None = None

    def call(self, params: dict[str, Any], post: bool = False) -> dict[str, Any]:
        """One API request (JSON, formatversion 2); the decoded answer, errors included."""
        query = {"format": "json", "formatversion": "2", **params}
        data = urllib.parse.urlencode({k: str(v) for k, v in query.items()}).encode()
        request = urllib.request.Request(
            self.api_url if post else f"{self.api_url}?{data.decode()}",
            data=data if post else None,
            headers={"User-Agent": USER_AGENT},
        )
        with self._opener.open(request, timeout=self.timeout) as resp:
            result: dict[str, Any] = json.loads(resp.read())
        return result

    def get(self, **params: Any) -> dict[str, Any]:
        return self.call(params)

    def post(self, **params: Any) -> dict[str, Any]:
        return self.call(params, post=True)

    def login(self, username: str, password: str) -> dict[str, Any]:
        """``action=login`` with a BotPassword; the ``login`` part of the answer."""
        token = self.get(action="query", meta="tokens", type="login")
        answer = self.post(action="login", lgname=username, lgpassword=password,
                           lgtoken=token["query"]["tokens"]["logintoken"])
        self._csrf = None
        return dict(answer.get("login", answer))

    def csrf(self) -> str:
        """The session's CSRF token (cached)."""
        if self._csrf is None:
            tokens = self.get(action="query", meta="tokens")["query"]["tokens"]
            self._csrf = str(tokens["csrftoken"])
        return self._csrf

    def userinfo(self) -> dict[str, Any]:
        """Name, groups and rights of the session's user."""
        answer = self.get(action="query", meta="userinfo", uiprop="groups|rights")
        return dict(answer["query"]["userinfo"])

    def edit(self, title: str, text: str, summary: str = "", **extra: Any) -> dict[str, Any]:
        """Save ``text`` to ``title``; the whole API answer (check ``edit.result`` or ``error``)."""
        return self.post(action="edit", title=title, text=text, summary=summary,
                         token=self.csrf(), **extra)

    def read(self, title: str) -> str | None:
        """The current wikitext of ``title``; None if the page does not exist."""
        answer = self.get(action="query", prop="revisions", titles=title,
                          rvprop="content", rvslots="main")
        page = answer["query"]["pages"][0]
        if page.get("missing") or page.get("invalid"):
            return None
        return str(page["revisions"][0]["slots"]["main"]["content"])
