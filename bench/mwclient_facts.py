"""What mwclient sends, measured on a local MediaWiki: the facts behind not depending on it.

    .venv/bin/python bench/mwclient_facts.py [--wiki-dir DIR]

Logs in with mwclient (``max_lag`` set), reads a page and edits it, and prints one line per
HTTP request: the script (api.php or index.php), the action, and whether ``maxlag`` and
``basetimestamp`` were sent. Then prints mwclient's own retry defaults. Parameter values
are never printed (the login request carries the password). Needs ``pip install -e
'.[bench]'``; the wiki runs on 127.0.0.1 only (``wikisync.devwiki``).
"""

from __future__ import annotations

import argparse
import inspect
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

USER_AGENT = "wikisync-bench/0.1 (https://example.org/wikisync; bench@example.org)"


def spy() -> list[dict[str, Any]]:
    """Record every request sent through ``requests`` from now on (names only, no values)."""
    from requests.adapters import HTTPAdapter

    seen: list[dict[str, Any]] = []
    original = HTTPAdapter.send

    def send(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        url = urlsplit(request.url)
        body = request.body or ""
        params = {**parse_qs(url.query),
                  **parse_qs(body if isinstance(body, str) else body.decode("utf-8", "replace"))}
        seen.append({"method": request.method, "script": Path(url.path).name,
                     "action": (params.get("action") or ["?"])[0],
                     "maxlag": "maxlag" in params, "basetimestamp": "basetimestamp" in params})
        return original(self, request, *args, **kwargs)

    HTTPAdapter.send = send  # type: ignore[method-assign]
    return seen


def exercise(api_url: str, username: str, password: str) -> list[dict[str, Any]]:
    """Log in, read a page, edit it (twice), the ordinary mwclient way; its requests."""
    import mwclient

    seen = spy()
    host = urlsplit(api_url).netloc
    site = mwclient.Site(host, path="/", scheme="http", clients_useragent=USER_AGENT,
                         max_lag=5)
    site.login(username, password)
    for _ in range(2):  # the second edit is of an existing page
        page = site.pages["Bac à sable mwclient"]
        page.edit(page.text() + "\nUne ligne.", summary="mwclient facts")
    return seen


def retry_defaults() -> dict[str, Any]:
    """mwclient.Site's own retry settings (it sleeps and retries by itself)."""
    import mwclient

    params = inspect.signature(mwclient.Site.__init__).parameters
    return {name: params[name].default for name in ("max_retries", "retry_timeout", "max_lag")}


def main() -> None:
    """Start (or reuse) the local wiki, exercise mwclient, print what it sent."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--wiki-dir", help="reuse (or create) the wiki in this folder")
    args = parser.parse_args()
    from wikisync.devwiki import DevWiki

    with tempfile.TemporaryDirectory(prefix="wikisync-mwclient-") as tmp:
        wiki = DevWiki.start(args.wiki_dir or Path(tmp) / "wiki")
        try:
            seen = exercise(wiki.api_url, wiki.bot_username, wiki.bot_password)
        finally:
            if args.wiki_dir is None:
                wiki.stop()
    print("| # | method | script | action | maxlag sent | basetimestamp sent |")
    print("| ---: | --- | --- | --- | --- | --- |")
    for n, row in enumerate(seen, 1):
        print(f"| {n} | {row['method']} | {row['script']} | {row['action']} "
              f"| {'yes' if row['maxlag'] else 'no'} | {'yes' if row['basetimestamp'] else 'no'} |")
    print(f"\nmwclient {sys.modules['mwclient'].__version__} Site defaults: {retry_defaults()}")


if __name__ == "__main__":
    main()
