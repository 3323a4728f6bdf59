"""The shutoff page: whether the bot may edit now, read the way every writer reads it.

Fail closed: a configured page that is missing, unreadable or holds anything but the run
word means no edit. ``StopRun`` (read-only wiki, blocked account) propagates.
"""

from __future__ import annotations

from typing import Protocol

from wikisync.api.model import PageRevision
from wikisync.config import SafetyConfig
from wikisync.errors import StopRun
from wikisync.write.outcomes import Reason, Stop


class PageSource(Protocol):
    """What reading the shutoff page needs from the gateway."""

    def read_page(self, title: str) -> PageRevision: ...


def read_shutoff(wiki: PageSource, safety: SafetyConfig) -> Stop | None:
    """None when the bot may edit (no shutoff page, or it holds the run word), else why not."""
    title = safety.shutoff_page
    if not title:
        return None
    try:
        page = wiki.read_page(title)
    except StopRun:
        raise
    except Exception as exc:  # noqa: BLE001 - fail closed on any read failure
        return Stop(Reason.SHUTOFF, f"cannot read {title} ({exc})")
    word = safety.run_word
    text = (page.content or "").strip()
    if page.missing or text.casefold() != word.strip().casefold():
        shown = "missing" if page.missing else repr(text[:40])
        return Stop(Reason.SHUTOFF, f"{title} is {shown}, not {word!r}")
    return None
