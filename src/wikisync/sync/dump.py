"""Read a MediaWiki XML export (``Special:Export`` / ``dumpBackup.php``) as a stream of pages.

Streaming with ``ElementTree.iterparse`` and clearing each ``<page>`` once read keeps the
memory constant whatever the dump's size; ``.bz2`` and ``.gz`` are read through the stdlib.
Only the newest revision of each page is kept (a dump may hold several).
"""

from __future__ import annotations

import bz2
import gzip
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import Element, iterparse

from wikisync.config import Config
from wikisync.errors import UsageError
from wikisync.parse.names import template_key
from wikisync.store import Store, StoredPage
from wikisync.sync.pull import Puller, PullEvent, PullProgress, PullResult, run_pull

TEMPLATE_NS = 10


@dataclass(frozen=True)
class DumpPage:
    """The newest revision of one page of the dump."""

    title: str
    pageid: int
    ns: int
    revid: int
    timestamp: str
    text: str
    redirect: str | None = None  # the target title of a redirect page


@dataclass
class DumpInfo:
    """What the ``<siteinfo>`` header says: namespace names by number."""

    sitename: str = ""
    namespaces: dict[int, str] = field(default_factory=dict)


def open_dump(path: str | Path) -> IO[bytes]:
    """Open a dump file, decompressing ``.bz2``/``.gz`` by its suffix."""
    name = str(path)
    try:
        if name.endswith(".bz2"):
            return bz2.open(name, "rb")
        if name.endswith(".gz"):
            return gzip.open(name, "rb")  # type: ignore[return-value]
        return open(name, "rb")  # noqa: SIM115 - the caller closes it
    except OSError as exc:
        raise UsageError(f"cannot read the dump {name}: {exc.strerror or exc}") from None


def _local(tag: str) -> str:
    """A tag name without its XML namespace (``{http://...}page`` -> ``page``)."""
    return tag.rsplit("}", 1)[-1]


def _child(elem: Element, name: str) -> Element | None:
    for child in elem:
        if _local(child.tag) == name:
            return child
    return None


def _text(elem: Element | None) -> str:
    return (elem.text or "") if elem is not None else ""


def _siteinfo(elem: Element) -> DumpInfo:
    info = DumpInfo(sitename=_text(_child(elem, "sitename")))
    namespaces = _child(elem, "namespaces")
    for ns in namespaces if namespaces is not None else ():
        info.namespaces[int(ns.get("key", "0"))] = ns.text or ""
    return info


def _page(elem: Element) -> DumpPage | None:
    """The page with its newest revision, or None when it has no readable revision."""
    newest: Element | None = None
    for child in elem:
        if _local(child.tag) == "revision" and (
            newest is None or int(_text(_child(child, "id")) or 0)
            > int(_text(_child(newest, "id")) or 0)
        ):
            newest = child
    if newest is None:
        return None
    text = _child(newest, "text")
    if text is None or text.get("deleted"):
        return None
    redirect = _child(elem, "redirect")
    return DumpPage(
        title=_text(_child(elem, "title")),
        pageid=int(_text(_child(elem, "id"))),
        ns=int(_text(_child(elem, "ns")) or 0),
        revid=int(_text(_child(newest, "id"))),
        timestamp=_text(_child(newest, "timestamp")),
        text=text.text or "",
        redirect=redirect.get("title") if redirect is not None else None,
    )


def read_dump(path: str | Path, info: DumpInfo | None = None) -> Iterator[DumpPage]:
    """Yield the dump's pages one at a time; fill ``info`` from the header when given."""
    with open_dump(path) as stream:
        try:
            yield from _stream(stream, info if info is not None else DumpInfo())
        except SyntaxError as exc:  # ElementTree.ParseError
            raise UsageError(f"{path}: not a readable MediaWiki XML export: {exc}") from None
        except (OSError, EOFError) as exc:
            raise UsageError(f"{path}: cannot decompress: {exc}") from None


def _stream(stream: IO[bytes], info: DumpInfo) -> Iterator[DumpPage]:
    root: Element | None = None
    for event, elem in iterparse(stream, events=("start", "end")):
        if root is None:
            root = elem
            if _local(elem.tag) != "mediawiki":
                raise UsageError("not a MediaWiki XML export (no <mediawiki> root)")
        if event != "end":
            continue
        name = _local(elem.tag)
        if name == "siteinfo":
            found = _siteinfo(elem)
            info.sitename, info.namespaces = found.sitename, found.namespaces
            root.clear()
        elif name == "page":
            page = _page(elem)
            root.clear()  # drop the page (and everything before it): constant memory
            if page is not None:
                yield page


# --- loading a dump into the store -----------------------------------------------------


def dump_redirects(path: str | Path, templates: list[str]) -> tuple[dict[str, list[str]], str]:
    """First pass: redirects to our templates (target -> titles) and the newest revision time.

    The redirects have the shape discovery gives: every template, a sorted list each.
    """
    wanted = {template_key(t): t for t in templates}
    info = DumpInfo()
    found: dict[str, set[str]] = {key: set() for key in wanted}
    newest = ""
    for page in read_dump(path, info):
        newest = max(newest, page.timestamp)
        if page.ns == TEMPLATE_NS and page.redirect and template_key(page.redirect) in wanted:
            found[template_key(page.redirect)].add(page.title)
    redirects = {_template_title(info, key): sorted(titles) for key, titles in found.items()}
    return redirects, newest


def _template_title(info: DumpInfo, key: str) -> str:
    """``Modèle:Name`` with the dump's own name for the template namespace."""
    return f"{info.namespaces.get(TEMPLATE_NS) or 'Template'}:{key}"


def load_dump(path: str | Path, puller: Puller, batch_size: int = 500) -> None:
    """Replace the store's pages by the dump's pages using our templates; set the checkpoint.

    Two streaming passes: the first finds the template redirects (the parser must know
    them before reading any page) and the newest revision; the second parses and stores.
    """
    schema = puller.config.schema
    puller.progress(PullEvent("discover", message=f"reading template redirects in {path}"))
    redirects, newest = dump_redirects(path, [*schema.record_templates,
                                              schema.list_open_template])
    puller.set_redirects(redirects)
    puller.progress(PullEvent("read", 0, None, message=f"loading {path}"))
    batch: list[tuple[str, StoredPage | None]] = []
    for page in read_dump(path):
        batch.append((page.title, StoredPage(page.title, page.pageid, page.ns, page.revid,
                                             page.timestamp, page.text)))
        if len(batch) >= batch_size:
            puller.store_batch(_with_templates(batch), None)
            batch = []
    if batch:
        puller.store_batch(_with_templates(batch), None)
    if not newest:
        raise UsageError(f"{path}: the dump holds no page revision")
    stale = [pid for pid in puller.before if pid not in puller.kept]
    puller.finish(newest, [], stale)  # the dump's time: no rc id handled yet


def _with_templates(
    batch: list[tuple[str, StoredPage | None]],
) -> list[tuple[str, StoredPage | None]]:
    """Skip the pages that call no template at all: no need to parse them."""
    return [(title, page) for title, page in batch if page is not None and "{{" in page.content]


def load_dump_file(path: str | Path, store: Store, config: Config, *,
                   progress: PullProgress | None = None) -> PullResult:
    """``wikisync pull --dump``: load a dump as one logged run (no wiki access)."""
    return run_pull(store, config, "dump", progress, lambda puller: load_dump(path, puller))
