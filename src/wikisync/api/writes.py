"""Safe edits: conflict detection from the read, and no duplicate after a lost connection.

An update sends the ``baserevid`` of the revision read and the read's server time as
``starttimestamp``, so a human edit made in between is never overwritten.

``basetimestamp`` is deliberately NOT sent: with it, MediaWiki 1.39 suppresses the
conflict when every revision *strictly after* that second is ours (``userWasLastToEdit``),
so a human edit saved in the same second as the base revision was silently overwritten
(seen on the dev wiki). With ``baserevid`` alone a stale base is always a conflict; but
MediaWiki then tries a three-way merge and saves it when the changes do not overlap. So
before each update we also check the page's latest revision id (one cheap request) and
raise EditConflict ourselves if it moved; a merge can then only happen in the
milliseconds between that check and the save, and is logged and counted.

When the connection drops after the POST left, the edit may have been saved: before
sending it again we look at the page history for it.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any, Literal

from wikisync.api.errors import ConnectionLost, ServerBusy
from wikisync.api.http import Transport
from wikisync.api.model import NOCHANGE, PageRevision
from wikisync.api.session import Session
from wikisync.errors import EditConflict, EditRefused, FilterRefused, PageMissing, WikiError

log = logging.getLogger("wikisync.api")

EditOutcome = int | Literal["nochange"]


@dataclass(frozen=True)
class EditRequest:
    """One edit to make, with everything needed to recognise it in the history."""

    title: str
    text: str
    summary: str
    base: PageRevision | None = None
    minor: bool = True
    create_only: bool = False
    bot: bool = False
    tag: str | None = None

    @property
    def creating(self) -> bool:
        """True for a page creation (no base revision to edit from)."""
        return self.create_only or self.base is None or self.base.missing

    def params(self) -> dict[str, str | int]:
        """The action=edit parameters (without token and assertions)."""
        params: dict[str, str | int] = {
            "action": "edit", "title": self.title, "text": self.text,
            "summary": self.summary, "md5": hashlib.md5(self.text.encode()).hexdigest(),
            "watchlist": "nochange",
        }
        params.update(self._flags())
        if self.creating:
            params["createonly"] = 1
        else:
            assert self.base is not None and self.base.revid is not None
            params["nocreate"] = 1
            params["baserevid"] = self.base.revid
            if self.base.curtimestamp:
                params["starttimestamp"] = self.base.curtimestamp
        return params

    def _flags(self) -> dict[str, str | int]:
        # MediaWiki booleans are true when present, whatever the value: only add true ones.
        flags: dict[str, str | int] = {}
        if self.minor:
            flags["minor"] = 1
        if self.bot:
            flags["bot"] = 1
        if self.tag:
            flags["tags"] = self.tag
        return flags

    @property
    def parent_revid(self) -> int:
        """The parent revision id our edit gets (0 for a creation)."""
        return 0 if self.creating or self.base is None else int(self.base.revid or 0)


class EditSender:
    """Sends edits through the session; retries lost connections without duplicating."""

    def __init__(self, session: Session, transport: Transport) -> None:
        self.session = session
        self.transport = transport
        self.check_first = True  # compare the latest revid with the base before saving
        self.merges = 0

    def edit(self, request: EditRequest) -> EditOutcome:
        """Save the edit; return the new revid, or NOCHANGE when the text was already there."""
        lost = [False]

        def attempt(full: dict[str, str | int]) -> dict[str, Any]:
            if lost[0]:
                landed = self.find_landed(request)
                if landed is not None:
                    log.debug("edit of %s had landed as r%d before the reset", request.title,
                              landed)
                    return {"edit": {"result": "Success", "newrevid": landed}}
            try:
                return self.transport.request(full, "write", post=True)
            except (ConnectionLost, ServerBusy):  # a 502/504 may come after the save too
                lost[0] = True
                raise

        def send(full: dict[str, str | int]) -> dict[str, Any]:
            return self.transport.retrier.run(lambda: attempt(full), "edit")

        if self.check_first and not request.creating:
            self.check_unchanged(request)
        answer = self.session.authed(send, request.params(), write=True)
        outcome = edit_outcome(request.title, answer)
        self._note_merge(request, answer)
        return outcome

    def check_unchanged(self, request: EditRequest) -> None:
        """Raise EditConflict (or PageMissing) if the page moved on since the base was read."""
        params: dict[str, str | int] = {"action": "query", "prop": "info",
                                        "titles": request.title}
        pages = self.session.call(params, "read").get("query", {}).get("pages", [{}])
        page = pages[0] if pages else {}
        if page.get("missing"):
            raise PageMissing(f"{request.title} was deleted since it was read", "pagedeleted")
        latest = page.get("lastrevid")
        if latest != request.parent_revid:
            raise EditConflict(f"{request.title} was edited since it was read "
                               f"(r{request.parent_revid} → r{latest})", "editconflict")

    def _note_merge(self, request: EditRequest, answer: dict[str, Any]) -> None:
        """Log and count an update MediaWiki merged with a revision made since our read."""
        old = answer.get("edit", {}).get("oldrevid")
        if request.creating or old is None or old == request.parent_revid:
            return
        self.merges += 1
        log.warning("edit of %s was merged by MediaWiki with r%s, saved since our read of r%s",
                    request.title, old, request.parent_revid)

    def find_landed(self, request: EditRequest) -> int | None:
        """The revid of our edit if it is in the page's recent history, else None.

        Ours means: by our account, with our summary, made on top of our base revision.
        """
        params: dict[str, str | int] = {
            "action": "query", "prop": "revisions", "titles": request.title,
            "rvprop": "ids|user|comment", "rvlimit": 10,
        }
        result = self.transport.request(params, "read")
        pages = result.get("query", {}).get("pages", [])
        revisions = pages[0].get("revisions", []) if pages else []
        for rev in revisions:
            if (rev.get("user") == self.session.user
                    and (rev.get("comment") or "").strip() == request.summary.strip()
                    and int(rev.get("parentid", -1)) == request.parent_revid):
                return int(rev["revid"])
        return None


def edit_outcome(title: str, answer: dict[str, Any]) -> EditOutcome:
    """The revid (or NOCHANGE) from an action=edit answer; a Failure raises EditRefused."""
    result = answer.get("edit", {})
    if result.get("result") != "Success":
        raise refused(title, result)
    if result.get("nochange"):
        return NOCHANGE
    if "newrevid" not in result:
        raise WikiError(f"edit of {title}: no revision id in the answer", "badanswer")
    return int(result["newrevid"])


def refused(title: str, result: dict[str, Any]) -> EditRefused:
    """The error for an edit answered with ``result: Failure`` (captcha, filters, hooks)."""
    if "captcha" in result:
        return EditRefused(f"edit of {title} refused: a captcha is required", "captcha")
    if "spamblacklist" in result:
        return FilterRefused(f"edit of {title} refused by the spam blacklist", "spamblacklist")
    code = str(result.get("code") or "failure")
    info = str(result.get("info") or result.get("result") or "")
    if code.startswith("abusefilter"):
        return FilterRefused(f"edit of {title} refused by AbuseFilter: {info}", code)
    return EditRefused(f"edit of {title} refused: {info}", code)


__all__ = ["NOCHANGE", "EditOutcome", "EditRequest", "EditSender", "edit_outcome"]
