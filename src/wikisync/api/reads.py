"""Batched reads: page contents through a generator or titles, lists, recent changes.

A batch is what the API returns for one generator step, once every page of it has its
revision (``prop=revisions`` may split a step over several requests with ``rvcontinue``
when the contents are large: the pages are merged until ``batchcomplete``).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from wikisync.api.http import Params
from wikisync.api.model import PageRevision, RecentChange

log = logging.getLogger("wikisync.api")
T = TypeVar("T")

Call = Callable[[Params, str], dict[str, Any]]

# Parameter prefix of each list module usable as a generator.
GENERATOR_PREFIX = {
    "embeddedin": "ei",
    "categorymembers": "cm",
    "allpages": "ap",
    "recentchanges": "rc",
    "backlinks": "bl",
    "transcludedin": "ti",
    "search": "sr",
}

REVISION_PARAMS: dict[str, str | int] = {
    "action": "query",
    "prop": "revisions|info",
    "rvprop": "content|ids|timestamp|user|comment",
    "rvslots": "main",
    "curtimestamp": 1,
}


def generator_params(generator: str, limit: int, **params: str | int) -> dict[str, str | int]:
    """Query parameters for ``generator`` with its own parameters given unprefixed.

    ``generator_params("embeddedin", 500, title="Modèle:X")`` gives ``geititle`` and
    ``geilimit=500`` (an explicit number: ``max`` re-lists pages at each continuation).
    """
    prefix = GENERATOR_PREFIX.get(generator)
    if prefix is None:
        raise ValueError(f"unsupported generator {generator!r}")
    out: dict[str, str | int] = {"generator": generator, f"g{prefix}limit": limit}
    out.update({f"g{prefix}{key}": value for key, value in params.items()})
    return out


def page_batches(call: Call, params: Params) -> Iterator[list[PageRevision]]:
    """Yield the pages of a revisions query batch by batch, following ``continue``."""
    request: dict[str, str | int] = {**REVISION_PARAMS, **params}
    pending: dict[str | int, dict[str, Any]] = {}
    cont: dict[str, Any] = {}
    while True:
        result = call({**request, **cont}, "read")
        _merge(pending, result.get("query", {}).get("pages", []), result.get("curtimestamp"))
        if result.get("batchcomplete") or "continue" not in result:
            if pending:
                yield [_revision(entry) for entry in pending.values()]
            pending = {}
        if "continue" not in result:
            return
        cont = result["continue"]


def _merge(pending: dict[str | int, dict[str, Any]], pages: list[dict[str, Any]],
           curtimestamp: str | None) -> None:
    """Add a response's pages to the batch; a page's revisions may come in a later response."""
    for page in pages:
        key = page.get("pageid") or page.get("title", "")
        entry = pending.setdefault(key, {"page": page, "ts": curtimestamp})
        if page.get("revisions") and not entry["page"].get("revisions"):
            entry["page"] = page
            entry["ts"] = curtimestamp


def _revision(entry: dict[str, Any]) -> PageRevision:
    return PageRevision.from_api(entry["page"], entry["ts"])


def title_batches(call: Call, titles: Iterable[str], limit: int) -> Iterator[list[PageRevision]]:
    """Yield the pages of ``titles`` (in that order, missing ones included), ``limit`` a request."""
    unique = list(dict.fromkeys(titles))
    for start in range(0, len(unique), limit):
        chunk = unique[start:start + limit]
        found, normalized = _read_chunk(call, "titles", chunk)
        pages = {p.title: p for p in found}
        yield [pages[normalized.get(t, t)] for t in chunk if normalized.get(t, t) in pages]


def pageid_batches(call: Call, pageids: Iterable[int], limit: int) -> Iterator[list[PageRevision]]:
    """Yield the pages of ``pageids`` (in that order; unknown ids come back ``missing``)."""
    unique = list(dict.fromkeys(int(i) for i in pageids))
    for start in range(0, len(unique), limit):
        chunk = unique[start:start + limit]
        pages, _ = _read_chunk(call, "pageids", [str(i) for i in chunk])
        by_id = {p.pageid: p for p in pages if p.pageid}
        missing = [p for p in pages if not p.pageid]
        yield [by_id[i] for i in chunk if i in by_id] + missing


def _read_chunk(call: Call, key: str,
                values: list[str]) -> tuple[list[PageRevision], dict[str, str]]:
    """Read one request's worth of titles or pageids; the pages and the title normalisations."""
    normalized: dict[str, str] = {}
    request: dict[str, str | int] = {**REVISION_PARAMS, key: "|".join(values)}
    pending: dict[str | int, dict[str, Any]] = {}
    cont: dict[str, Any] = {}
    while True:
        result = call({**request, **cont}, "read")
        query = result.get("query", {})
        normalized.update({n["from"]: n["to"] for n in query.get("normalized", [])})
        _merge(pending, query.get("pages", []), result.get("curtimestamp"))
        if "continue" not in result:
            return [_revision(entry) for entry in pending.values()], normalized
        cont = result["continue"]


def revision_texts(call: Call, revids: Iterable[int], limit: int) -> dict[int, str | None]:
    """The text of each revision by id (None: deleted, hidden or unknown), ``limit`` a request."""
    unique = list(dict.fromkeys(int(r) for r in revids))
    found: dict[int, str | None] = dict.fromkeys(unique)
    for start in range(0, len(unique), limit):
        chunk = "|".join(str(r) for r in unique[start:start + limit])
        params = {"action": "query", "prop": "revisions", "revids": chunk,
                  "rvprop": "ids|content", "rvslots": "main"}
        for page in iter_list(call, params, "pages"):
            for rev in page.get("revisions") or []:
                content = rev.get("slots", {}).get("main", {}).get("content")
                found[int(rev["revid"])] = content if isinstance(content, str) else None
    return found


def iter_list(call: Call, params: Params, key: str, kind: str = "read") -> Iterator[dict[str, Any]]:
    """Yield the items of ``query[key]`` of a list query, following ``continue`` to the end."""
    request: dict[str, str | int] = {"action": "query", **params}
    cont: dict[str, Any] = {}
    while True:
        result = call({**request, **cont}, kind)
        yield from result.get("query", {}).get(key, [])
        if "continue" not in result:
            return
        cont = result["continue"]


def recent_changes(call: Call, start: str, limit: int, end: str | None = None,
                   namespaces: Iterable[int] | None = None,
                   types: str = "edit|new|log") -> Iterator[RecentChange]:
    """Yield recent changes from ``start`` (ISO timestamp) on, oldest first."""
    params: dict[str, str | int] = {
        "list": "recentchanges",
        "rcprop": "title|ids|timestamp|loginfo|redirect",
        "rctype": types,
        "rcdir": "newer",
        "rcstart": start,
        "rclimit": limit,
    }
    if end:
        params["rcend"] = end
    if namespaces is not None:
        params["rcnamespace"] = "|".join(str(n) for n in namespaces)
    for item in iter_list(call, params, "recentchanges"):
        yield RecentChange.from_api(item)


def embedded_titles(call: Call, template: str, limit: int,
                    namespaces: Iterable[int] | None = None) -> list[str]:
    """Titles of the pages transcluding ``template`` (directly or through a redirect)."""
    params: dict[str, str | int] = {"list": "embeddedin", "eititle": template, "eilimit": limit}
    if namespaces is not None:
        params["einamespace"] = "|".join(str(n) for n in namespaces)
    return [item["title"] for item in iter_list(call, params, "embeddedin")]


def template_redirects(call: Call, template: str, limit: int) -> list[str]:
    """Titles of the templates that redirect to ``template``."""
    params: dict[str, str | int] = {"list": "backlinks", "bltitle": template,
                                    "blfilterredir": "redirects", "blnamespace": 10,
                                    "bllimit": limit}
    return [item["title"] for item in iter_list(call, params, "backlinks")]


def extensions(call: Call) -> frozenset[str]:
    """Names of the extensions the wiki runs (siteinfo ``siprop=extensions``), as listed."""
    answer = call({"action": "query", "meta": "siteinfo", "siprop": "extensions"}, "other")
    found = answer.get("query", {}).get("extensions", [])
    return frozenset(str(item["name"]) for item in found if item.get("name"))


def namespaces(call: Call) -> dict[str, int]:
    """Every namespace name, canonical name and alias of the wiki (siteinfo), to its id."""
    params = {"action": "query", "meta": "siteinfo", "siprop": "namespaces|namespacealiases"}
    query = call(params, "other").get("query", {})
    listed = query.get("namespaces", {})
    found: dict[str, int] = {}
    for item in list(listed.values() if isinstance(listed, dict) else listed):
        for key in ("canonical", "name", "*"):
            if item.get(key):
                found[str(item[key])] = int(item["id"])
    for item in query.get("namespacealiases", []):
        alias = item.get("alias") or item.get("*")
        if alias:
            found[str(alias)] = int(item["id"])
    return found


def prefetch(source: Iterator[T], depth: int = 1) -> Iterator[T]:
    """Iterate ``source`` in a background thread, keeping up to ``depth`` items ready.

    The caller works on item k while item k+1 is fetched. An error in the thread is
    raised in the caller at the point it happened; closing the iterator stops the thread.
    """
    box: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=max(1, depth))
    stop = threading.Event()
    thread = threading.Thread(target=_pump, args=(source, box, stop), daemon=True,
                              name="wikisync-prefetch")
    thread.start()
    try:
        while True:
            tag, item = box.get()
            if tag == "done":
                return
            if tag == "error":
                raise item
            yield item
    finally:
        stop.set()


def _pump(source: Iterator[Any], box: queue.Queue[tuple[str, Any]], stop: threading.Event) -> None:
    """The prefetch thread: move items from ``source`` into ``box`` until done or stopped."""
    try:
        for item in source:
            if not _put(box, ("item", item), stop):
                return
        _put(box, ("done", None), stop)
    except BaseException as exc:  # noqa: BLE001 - handed to the consumer thread
        _put(box, ("error", exc), stop)
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            close()


def _put(box: queue.Queue[tuple[str, Any]], message: tuple[str, Any],
         stop: threading.Event) -> bool:
    """Put a message unless the consumer has gone (checked every 0.1 s); False if it has."""
    while not stop.is_set():
        try:
            box.put(message, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False
