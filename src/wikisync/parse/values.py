"""Parameter values as readers mean them: wikitext reduced to the plain text it displays.

Comments and ``<ref>``s vanish, wikilinks become their text, external links and ``{{URL}}``
their URL, ``<nowiki>`` its contents, ``{{!}}`` a pipe; then HTML entities are decoded the way
MediaWiki does (only with the ``;``), typographic apostrophes and non-breaking spaces folded,
line endings made ``\\n`` and the ends trimmed.
"""

from __future__ import annotations

import html.entities
import re
import unicodedata

from mwparserfromhell.definitions import is_parsable
from mwparserfromhell.nodes import (
    Comment,
    ExternalLink,
    Tag,
    Template,
    Text,
    Wikilink,
)
from mwparserfromhell.wikicode import Wikicode

from wikisync.parse.names import template_key
from wikisync.text import title_key

ENTITY = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_FOLD = str.maketrans(
    {
        "\u2019": "'",  # right single quotation mark, the usual typographic apostrophe
        "\u2018": "'",
        "\u02bc": "'",
        "\xa0": " ",  # no-break spaces (&nbsp;) and their thin / figure cousins
        "\u202f": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\u200a": " ",
    }
)
_HIDDEN_LINK_NAMESPACES = frozenset(
    {"fichier", "file", "image", "média", "media", "catégorie", "category"}
)
_DROPPED_TAGS = frozenset({"ref", "references"})
_PIPE_TEMPLATES = {"!": "|", "=": "=", "!!": "||"}
_URL_TEMPLATES = frozenset({"URL", "Url"})


def decode_entities(text: str) -> str:
    """Decode ``&name;``, ``&#nn;`` and ``&#xhh;`` as MediaWiki does; leave anything else."""
    if "&" not in text:
        return text
    return ENTITY.sub(_entity, text)


def _entity(match: re.Match[str]) -> str:
    """One entity's character, or the entity unchanged when MediaWiki would not decode it."""
    body = match.group(1)
    if body[0] != "#":
        return html.entities.html5.get(body + ";", match.group(0))
    code = int(body[2:], 16) if body[1] in "xX" else int(body[1:])
    if code < 1 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return match.group(0)
    return chr(code)


def canonical(text: str) -> str:
    """Apostrophes and spaces folded, ``\\n`` line ends, NFC, ends trimmed (no decoding)."""
    text = text.translate(_FOLD)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text.strip())


def clean(text: str) -> str:
    """The normal form of displayed text: entities decoded, then ``canonical``."""
    return canonical(decode_entities(text))


def value_text(code: Wikicode) -> str:
    """The normalised text of a parameter value (empty when it is only comments)."""
    nodes = code.nodes
    if len(nodes) == 1 and isinstance(nodes[0], Text):
        return clean(nodes[0].value)
    return clean(render(code))


def link_target_text(code: Wikicode) -> str:
    """Like ``value_text``, but a wikilink gives its target page title, not its label."""
    return clean(render(code, targets=True))


def render(code: Wikicode, targets: bool = False) -> str:
    """The displayed text of ``code``, before entity decoding and folding."""
    parts: list[str] = []
    for node in code.nodes:
        if isinstance(node, Text):
            parts.append(node.value)
        elif isinstance(node, Comment):
            continue
        elif isinstance(node, Wikilink):
            parts.append(_wikilink(node, targets))
        elif isinstance(node, ExternalLink):
            parts.append(render(node.url))
        elif isinstance(node, Tag):
            parts.append(_tag(node, targets))
        elif isinstance(node, Template):
            parts.append(_template(node, targets))
        else:  # entities stay raw until ``clean`` decodes them; arguments stay as written
            parts.append(str(node))
    return "".join(parts)


def _wikilink(node: Wikilink, targets: bool) -> str:
    """A wikilink's label (or target); file and category links display nothing."""
    title = render(node.title).strip()
    if title.startswith(":"):
        title = title[1:].strip()
    else:
        namespace, colon, _ = title.partition(":")
        if colon and namespace.strip().casefold() in _HIDDEN_LINK_NAMESPACES:
            return ""
    if targets:
        return title_key(decode_entities(title.partition("#")[0]))
    if node.text is not None:
        return render(node.text)
    return title


def _tag(node: Tag, targets: bool) -> str:
    """What a tag shows: ``<ref>`` nothing, ``<nowiki>`` its raw contents, ``<br>`` a space."""
    name = str(node.tag).strip().casefold()
    if name in _DROPPED_TAGS:
        return ""
    if name == "br":
        return " "
    if node.self_closing or node.contents is None:
        return ""
    if name == "nowiki" or not is_parsable(name):
        return str(node.contents)
    return render(node.contents, targets)


def _template(node: Template, targets: bool) -> str:
    """``{{!}}`` is a pipe, ``{{URL|x}}`` its URL; any other template stays as written."""
    key = template_key(str(node.name))
    if key in _PIPE_TEMPLATES and not node.params:
        return _PIPE_TEMPLATES[key]
    if key in _URL_TEMPLATES and node.params:
        url = render(node.params[0].value, targets).strip()
        return url if "://" in url or url.startswith("//") or not url else "http://" + url
    return str(node)


def fold_key(text: str) -> str:
    """A matching key: case, accents and apostrophes folded, whitespace collapsed."""
    text = unicodedata.normalize("NFKD", text.translate(_FOLD).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.split())
