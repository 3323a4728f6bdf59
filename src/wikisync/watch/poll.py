"""One poll of the wiki: the recent changes since a time, with who made them and the wiki's now."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from wikisync.api import RecentChange

Call = Callable[[Mapping[str, str | int], str], dict[str, Any]]
RC_PROPS = "title|ids|timestamp|loginfo|redirect|user"
LIMIT = 500


@dataclass(frozen=True)
class Seen:
    """One recent change and the user who made it (to tell the bot's own edits apart)."""

    change: RecentChange
    user: str


@dataclass(frozen=True)
class Poll:
    """What one poll saw: the wiki's time of the answer and the changes, oldest first."""

    now: str
    changes: tuple[Seen, ...]


def poll_changes(call: Call, start: str, limit: int = LIMIT) -> Poll:
    """The recent changes since ``start`` in one request (more only past ``limit`` entries).

    ``curtimestamp`` gives the wiki's own time in the same answer, so settling a burst
    never depends on the bot's clock.
    """
    params: dict[str, str | int] = {
        "action": "query", "list": "recentchanges", "rcprop": RC_PROPS,
        "rctype": "edit|new|log", "rcdir": "newer", "rcstart": start, "rclimit": limit,
        "curtimestamp": 1,
    }
    seen: list[Seen] = []
    now = ""
    cont: dict[str, Any] = {}
    while True:
        answer = call({**params, **cont}, "read")
        now = now or str(answer.get("curtimestamp", ""))
        for item in answer.get("query", {}).get("recentchanges", []):
            seen.append(Seen(RecentChange.from_api(item), str(item.get("user", ""))))
        if "continue" not in answer:
            return Poll(now, tuple(seen))
        cont = answer["continue"]
