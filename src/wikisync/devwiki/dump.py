"""Build a MediaWiki XML export (schema 0.11) for ``importDump.php``: one revision per page."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from xml.sax.saxutils import escape

_HEADER = (
    '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" '
    'version="0.11" xml:lang="fr">\n'
)
# Characters XML 1.0 cannot carry at all; MediaWiki would not store them either.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def sha1_base36(text: str) -> str:
    """MediaWiki's rev_sha1: SHA-1 of the UTF-8 text in base 36, 31 digits."""
    number = int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16)
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while number:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
    return out.rjust(31, "0")


def mw_timestamp(when: datetime) -> str:
    """ISO 8601 UTC timestamp as used in dumps and by the API."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def page_xml(title: str, text: str, user: str, summary: str, when: datetime) -> str:
    """One ``<page>`` element with a single revision."""
    if _XML_INVALID.search(text) or _XML_INVALID.search(title):
        raise ValueError(f"page {title!r} contains characters XML cannot carry")
    return (
        "<page>"
        f"<title>{escape(title)}</title>"
        "<revision>"
        f"<timestamp>{mw_timestamp(when)}</timestamp>"
        f"<contributor><username>{escape(user)}</username></contributor>"
        f"<comment>{escape(summary)}</comment>"
        "<model>wikitext</model><format>text/x-wiki</format>"
        f'<text xml:space="preserve" bytes="{len(text.encode("utf-8"))}">{escape(text)}</text>'
        f"<sha1>{sha1_base36(text)}</sha1>"
        "</revision>"
        "</page>\n"
    )


def as_saved(text: str) -> str:
    """The text as an edit would store it: LF line ends, no trailing whitespace (PHP rtrim)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").rstrip(" \t\n\r\0\x0b")


def build_dump(pages: Mapping[str, str], user: str, summary: str, when: datetime,
               raw: bool = False) -> str:
    """A whole dump document holding ``pages`` (title -> wikitext, normalised unless ``raw``)."""
    body = "".join(page_xml(title, text if raw else as_saved(text), user, summary, when)
                   for title, text in pages.items())
    return _HEADER + body + "</mediawiki>\n"
