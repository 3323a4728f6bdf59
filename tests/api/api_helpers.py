"""Helpers shared by the gateway tests on the real local wiki."""

from __future__ import annotations

from typing import Any

from wikisync.config import WikiConfig

USER_AGENT = "wikisync-tests/0.1 (https://example.org/wikisync; tests@example.org)"


class Sleeps:
    """A recorded, instant sleep: the retry waits happen in the list, not in time."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def bot_config(wiki: Any, api: str | None = None, **changes: Any) -> WikiConfig:
    """The bot's WikiConfig for the dev wiki (or for ``api``, e.g. the fault proxy)."""
    values: dict[str, Any] = {
        "api": api or wiki.api_url,
        "username": wiki.bot_username,
        "password": wiki.bot_password,
        "user_agent": USER_AGENT,
        "timeout": 20.0,
        "max_retries": 4,
        "max_retry_seconds": 60.0,
    }
    values.update(changes)
    return WikiConfig(**values)
