"""Find the pages to read: every page transcluding one of our templates, and their redirects.

One query (``prop=transcludedin|redirects`` on the four template pages, continued when
needed) answers both questions for all templates at once: a first pull then costs this
query plus ``ceil(pages / 500)`` content reads. Pages transcluding a template through a
redirect are listed under the target too (MediaWiki records both links).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from wikisync.schema import Schema

TEMPLATE_NS = 10


class Caller(Protocol):
    """The gateway's retried, counted, authenticated ``api.php`` call (``Gateway.call``)."""

    def call(self, params: Any, kind: str = "read", post: bool = False) -> dict[str, Any]: ...


@dataclass
class Discovery:
    """Titles transcluding our templates, and each template's redirects (full titles)."""

    titles: list[str] = field(default_factory=list)
    redirects: dict[str, list[str]] = field(default_factory=dict)


def template_titles(schema: Schema) -> list[str]:
    """The templates whose pages pull reads: the three record templates and the list opener."""
    names = (*schema.record_templates, schema.list_open_template)
    return [f"Template:{name}" for name in dict.fromkeys(names)]


def discover(caller: Caller, templates: Iterable[str]) -> Discovery:
    """Ask the wiki which pages transclude ``templates`` and which redirects point to them."""
    wanted = list(templates)
    params: dict[str, str | int] = {
        "action": "query",
        "titles": "|".join(wanted),
        "prop": "transcludedin|redirects",
        "tiprop": "title",
        "tilimit": "max",
        "rdprop": "title",
        "rdnamespace": TEMPLATE_NS,
        "rdlimit": "max",
    }
    found = Discovery(redirects={title: [] for title in wanted})
    titles: dict[str, None] = {}
    names: dict[str, str] = {}
    cont: dict[str, Any] = {}
    while True:
        result = caller.call({**params, **cont}, "read")
        query = result.get("query", {})
        names.update({n["from"]: n["to"] for n in query.get("normalized", [])})
        back = {names.get(title, title): title for title in wanted}
        for page in query.get("pages", []):
            key = back.get(page.get("title", ""), page.get("title", ""))
            titles.update(dict.fromkeys(p["title"] for p in page.get("transcludedin", [])))
            found.redirects.setdefault(key, []).extend(
                r["title"] for r in page.get("redirects", [])
            )
        if "continue" not in result:
            break
        cont = result["continue"]
    found.titles = list(titles)
    found.redirects = {names.get(k, k): sorted(set(v)) for k, v in found.redirects.items()}
    return found
