"""The watcher's heartbeat in the store: who watches, since when, its last poll (``status``)."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass

from wikisync.store import Store

META_HEARTBEAT = "watch_heartbeat"


@dataclass(frozen=True)
class Heartbeat:
    """What the running (or last) watcher wrote at its last poll."""

    pid: int
    started: str
    last_poll: str | None = None  # the bot's UTC time of the last answered poll
    polls: int = 0
    interval: float = 0.0  # the interval it polls at now (backoff included)
    pending: int = 0  # pages waiting to settle or to be retried
    batches: int = 0
    last_run: int | None = None  # the run id of the last batch that wrote (or tried)
    away: str | None = None  # why the wiki is being waited out, when it is


def beat(store: Store, heartbeat: Heartbeat) -> None:
    """Write the heartbeat (one small row)."""
    store.set_json(META_HEARTBEAT, asdict(heartbeat))


def read_heartbeat(store: Store) -> Heartbeat | None:
    """The last heartbeat written in this store, or None."""
    data = store.get_json(META_HEARTBEAT, None)
    if not isinstance(data, dict):
        return None
    try:
        return Heartbeat(**data)
    except TypeError:
        return None


def own_pid() -> int:
    """This process's id."""
    return os.getpid()
