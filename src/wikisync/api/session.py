"""Login state: BotPassword login, the CSRF token, ``assert=user`` and one re-login.

Writes always carry ``assert=user&assertuser=<name>`` so an expired session makes the
wiki refuse the edit instead of saving it anonymously; the session then logs in again
once. A stale token (``badtoken``) is fetched anew once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from wikisync.api.discover import check_version
from wikisync.api.errors import BadToken, SessionLost, login_exception
from wikisync.api.http import Params, Transport
from wikisync.errors import AuthenticationError, ConfigError, register_secret

log = logging.getLogger("wikisync.api")

Send = Callable[[dict[str, str | int]], dict[str, Any]]


class Session:
    """Authenticates a Transport and wraps calls with assertions, token and re-login."""

    def __init__(self, transport: Transport, username: str | None, password: str | None):
        register_secret(password)
        self.transport = transport
        self.login_name = username
        self._password = password
        self.user: str | None = None
        self._csrf: str | None = None
        self.general: dict[str, Any] = {}  # siteinfo general, read with the login token

    @property
    def can_login(self) -> bool:
        """Whether credentials are configured."""
        return bool(self.login_name and self._password)

    def login(self) -> str:
        """Log in with the BotPassword (``User@app``); return the account's user name."""
        if not self.login_name:
            raise ConfigError("[wiki] username is not set: cannot log in")
        if not self._password:
            raise ConfigError(f"no password for {self.login_name}: set WIKISYNC_PASSWORD, "
                              "or name a file only you can read (mode 0600) in "
                              "[wiki] password_file")
        self.transport.session.cookies.clear()
        self.user, self._csrf = None, None
        for _ in range(2):
            token = self._login_token()
            answer = self._post_login(token)
            result = str(answer.get("result", ""))
            if result == "Success":
                self.user = str(answer.get("lgusername") or self.login_name.split("@")[0])
                log.debug("logged in as %s", self.user)
                return self.user
            if result not in ("NeedToken", "WrongToken"):
                break
        raise login_exception(self.login_name, result, str(answer.get("reason", "")))

    def _login_token(self) -> str:
        """A login token; the same request brings the wiki's general facts (its identity)."""
        query = {"action": "query", "meta": "tokens|siteinfo", "type": "login",
                 "siprop": "general"}
        answer = self.transport.call(query, "login")["query"]
        token = str(answer["tokens"]["logintoken"])
        register_secret(token)
        self.general = dict(answer.get("general") or {})
        check_version(str(self.general.get("generator", "")), self.transport.api_url)
        return token

    def _post_login(self, token: str) -> dict[str, Any]:
        assert self.login_name and self._password
        params = {"action": "login", "lgname": self.login_name,
                  "lgpassword": self._password, "lgtoken": token}
        answer = self.transport.call(params, "login", post=True).get("login", {})
        return answer if isinstance(answer, dict) else {}

    def csrf_token(self) -> str:
        """The CSRF token for writes, fetched once per login."""
        if self._csrf is None:
            query = {"action": "query", "meta": "tokens", "type": "csrf"}
            self._csrf = str(self.call(query, "other")["query"]["tokens"]["csrftoken"])
            register_secret(self._csrf)
        return self._csrf

    def call(self, params: Params, kind: str, post: bool = False) -> dict[str, Any]:
        """A retried call, with ``assert=user`` when logged in and one re-login if lost."""
        return self.authed(lambda full: self.transport.call(full, kind, post), params)

    def authed(self, send: Send, params: Params, write: bool = False) -> dict[str, Any]:
        """Run ``send`` on the params plus assertions (and token for a write).

        On ``assertuserfailed`` log in again once; on ``badtoken`` refresh the token once.
        """
        if write and self.user is None:
            raise AuthenticationError("not logged in: refusing to edit anonymously")
        relogged = refreshed = False
        while True:
            full = self._asserted(params, write)
            try:
                return send(full)
            except SessionLost as exc:
                if relogged or not self.can_login:
                    raise AuthenticationError(
                        f"session lost and could not be restored: {exc.message}", exc.code
                    ) from None
                log.debug("session lost (%s): logging in again", exc.code)
                relogged = True
                self.login()
            except BadToken:
                if refreshed:
                    raise
                refreshed = True
                self._csrf = None

    def _asserted(self, params: Params, write: bool) -> dict[str, str | int]:
        full: dict[str, str | int] = dict(params)
        if self.user is not None:
            full["assert"] = "user"
            full["assertuser"] = self.user
        if write:
            full["token"] = self.csrf_token()  # last: a truncated POST then fails safely
        return full
