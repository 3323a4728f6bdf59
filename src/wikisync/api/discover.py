"""Finding api.php from a wiki address as people have it, and the MediaWiki version floor.

An address may be the site root, an article URL (``/index.php/Accueil``, ``/wiki/Page``),
``index.php?title=…`` or ``api.php``, with or without a scheme. Without one, 127.0.0.1 and
localhost are tried over http first, other hosts over https first, then the other. The API
is found from the page's ``EditURI`` link (``…/api.php?action=rsd``), else the usual paths,
each verified by a siteinfo answer. Failures waiting cannot fix are ``BadAddress`` (exit 2).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests

from wikisync.api.errors import (
    BadAddress,
    ConnectionLost,
    ServerBusy,
    TooOld,
    not_an_api,
    status_error,
    unfixable,
)
from wikisync.api.retry import Retrier, RetryPolicy

log = logging.getLogger("wikisync.api")

MIN_VERSION = (1, 35)
USUAL_PATHS = ("/api.php", "/w/api.php", "/mediawiki/api.php")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
_LINK = re.compile(r"<link\b[^>]*>", re.I)
_EDIT_URI = re.compile(r"""\brel\s*=\s*["']?EditURI\b""", re.I)
_HREF = re.compile(r"""\bhref\s*=\s*["']([^"']+)["']""", re.I)
_VERSION = re.compile(r"MediaWiki (\d+)\.(\d+)")
_SITEINFO = {"action": "query", "meta": "siteinfo", "siprop": "general", "format": "json",
             "formatversion": "2"}


@dataclass(frozen=True)
class Found:
    """Where the API is (``api``), how it was found (for the one line), its siteinfo general."""

    api: str
    how: str
    general: dict[str, Any] = field(default_factory=dict)


def check_version(generator: str, where: str) -> None:
    """Refuse MediaWiki older than 1.35 (``baserevid``, siteinfo generator): TooOld, exit 2."""
    match = _VERSION.match(generator or "")
    if match and (int(match.group(1)), int(match.group(2))) < MIN_VERSION:
        raise TooOld(f"{where}: {generator} is too old; wikisync needs MediaWiki 1.35 or "
                     "newer (ask the wiki's admins to upgrade)")


def is_direct(address: str) -> bool:
    """Whether the address is already a usable API URL (http(s) scheme, path ends api.php)."""
    parts = urlsplit(address.strip())
    return parts.scheme in ("http", "https") and parts.path.endswith("api.php")


def scheme_candidates(address: str) -> list[str]:
    """The full URLs to try for an address: itself, or the two schemes in the order to try."""
    address = address.strip()
    if "://" in address:
        scheme = address.split("://", 1)[0].lower()
        if scheme not in ("http", "https"):
            raise BadAddress(f"{address}: unsupported scheme {scheme}://; give an http:// "
                             "or https:// URL", "bad-url")
        return [address]
    host = urlsplit(f"//{address}").hostname or ""
    order = ("http", "https") if host in LOCAL_HOSTS else ("https", "http")
    return [f"{scheme}://{address}" for scheme in order]


class Prober:
    """GETs for discovery: the gateway's HTTP session (User-Agent), timeout, maxlag, retries."""

    def __init__(self, session: requests.Session, timeout: float, maxlag: int,
                 retrier: Retrier) -> None:
        self.session = session
        self.timeout = timeout
        self.maxlag = maxlag
        self.retrier = retrier

    def get(self, url: str, params: dict[str, str], retry: bool = True) -> requests.Response:
        """One GET (retried on transient failures when ``retry``); BadAddress when hopeless."""
        if retry:
            return self.retrier.run(lambda: self._get(url, params), "discover")
        return self._get(url, params)

    def _get(self, url: str, params: dict[str, str]) -> requests.Response:
        """Exactly one GET with maxlag; transport failures classified as fatal or transient."""
        try:
            response = self.session.get(url, params={**params, "maxlag": str(self.maxlag)},
                                        timeout=self.timeout)
        except requests.RequestException as exc:
            fatal = unfixable(str(exc), type(exc).__name__, url)
            if fatal is not None:
                raise fatal from None
            raise ConnectionLost(f"{url}: {type(exc).__name__}", "connection") from None
        if response.status_code in (429, 502, 503, 504):
            raise ServerBusy(f"{url}: HTTP {response.status_code}", f"http-{response.status_code}")
        return response

    def siteinfo(self, api: str, retry: bool = True) -> dict[str, Any] | None:
        """The siteinfo ``general`` of ``api`` if it is a MediaWiki API, else None."""
        response = self.get(api, _SITEINFO, retry)
        if response.status_code in (401, 403):
            raise status_error(response.status_code, response.reason or "", api) or not_an_api(api)
        try:
            body = response.json()
        except ValueError:
            return None
        general = body.get("query", {}).get("general") if isinstance(body, dict) else None
        if not isinstance(general, dict) or "MediaWiki" not in str(general.get("generator")):
            return None
        check_version(str(general.get("generator")), api)
        return general


def resolve(address: str, prober: Prober) -> Found:
    """Find the API behind an address; the scheme (when missing) is the first that answers."""
    urls = scheme_candidates(address)
    for index, url in enumerate(urls):
        last = index == len(urls) - 1
        try:
            found = discover_at(url, prober, retry=last)
        except (BadAddress, ConnectionLost, ServerBusy) as exc:
            if last or (isinstance(exc, BadAddress) and exc.code == "dns"):
                raise
            log.info("%s did not answer (%s): trying %s", url, exc.message, urls[index + 1])
            continue
        return _with_scheme_note(found, url, len(urls) > 1)
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def _with_scheme_note(found: Found, url: str, guessed: bool) -> Found:
    """Say which scheme a scheme-less address got; warn when a remote wiki is plain http."""
    if not guessed:
        return found
    scheme = urlsplit(url).scheme
    if scheme == "http" and urlsplit(url).hostname not in LOCAL_HOSTS:
        log.warning("%s: no answer over https; using plain http (the password travels "
                    "unencrypted)", url)
    return Found(found.api, f"{found.how}, over {scheme}:// (no scheme was given)",
                 found.general)


def discover_at(url: str, prober: Prober, retry: bool = True) -> Found:
    """Find the API from one full URL: itself, its page's EditURI link, then usual paths."""
    tried: list[str] = []
    if urlsplit(url).path.endswith("api.php"):
        api = _strip_query(url)
        found = _verified(api, prober, retry, "as given", tried)
        if found:
            return found
        url = _root(api)
    page_url, html = _page(url, prober, retry)
    link = edit_uri(html, page_url)
    if link:
        found = _verified(link, prober, retry, f"from the EditURI link of {page_url}", tried)
        if found:
            return found
    for api in usual_apis(page_url):
        found = _verified(api, prober, retry, "at a usual path", tried)
        if found:
            return found
    raise BadAddress(f"{url}: no MediaWiki API found (no EditURI link on the page; tried "
                     f"{', '.join(tried)}); give the URL of the wiki's api.php (its "
                     "Special:Version page names it)", "not-api")


def _verified(api: str, prober: Prober, retry: bool, how: str,
              tried: list[str]) -> Found | None:
    """``Found`` if ``api`` answers siteinfo as a MediaWiki API (each URL tried once)."""
    if api in tried:
        return None
    tried.append(api)
    general = prober.siteinfo(api, retry)
    return Found(api, how, general) if general is not None else None


def _page(url: str, prober: Prober, retry: bool) -> tuple[str, str]:
    """The page at ``url`` after redirects: its final URL and HTML (even a 404 page)."""
    response = prober.get(url, {}, retry)
    if response.status_code in (401, 403):
        raise status_error(response.status_code, response.reason or "", url) or not_an_api(url)
    final = re.sub(r"[?&]maxlag=\d+$", "", response.url or url)
    return final, response.text if _is_html(response) else ""


def _is_html(response: requests.Response) -> bool:
    """Whether an answer is a web page (its Content-Type, else its first byte)."""
    kind = response.headers.get("Content-Type", "")
    return "html" in kind or response.text.lstrip()[:1] == "<"


def edit_uri(html: str, base: str) -> str | None:
    """The api.php URL of the page's ``<link rel="EditURI" href="…api.php?action=rsd">``."""
    for tag in _LINK.findall(html):
        href = _HREF.search(tag)
        if _EDIT_URI.search(tag) and href:
            return _strip_query(urljoin(base, href.group(1).replace("&amp;", "&")))
    return None


def usual_apis(url: str) -> list[str]:
    """Candidate api.php URLs: next to the page's script, then the usual paths from the root."""
    parts = urlsplit(url)
    root = f"{parts.scheme}://{parts.netloc}"
    path = parts.path
    if ".php" in path:
        path = path[: path.index(".php")]
        path = path[: path.rfind("/") + 1]
    beside = [f"{root}{path.rstrip('/')}/api.php"] if path.strip("/") else []
    return list(dict.fromkeys([*beside, *(root + usual for usual in USUAL_PATHS)]))


def _strip_query(url: str) -> str:
    """The URL without its query string and fragment."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _root(url: str) -> str:
    """The site root (``scheme://host[:port]/``) of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"



def find_api(address: str, user_agent: str, *, timeout: float = 10.0, maxlag: int = 5,
             retrier: Retrier | None = None) -> Found:
    """Find and verify the API behind an address (``init``): always checked by siteinfo."""
    session = requests.Session()
    session.headers["User-Agent"] = user_agent
    prober = Prober(session, timeout, maxlag, retrier or Retrier(RetryPolicy()))
    with session:
        return resolve(address, prober)
