"""Text helpers shared by the readers, the audit, the sync and the map: pure, stdlib only."""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode does not decompose but French writes as ligatures.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"})
_NOT_WORD = re.compile(r"[\W_]+")
_SPACES = re.compile(r"[\s_]+")


def normalise_name(s: str) -> str:
    """Compare key of a name: lower case, no accents, punctuation and spaces as one space.

    ``"Pôle d’Économie  Solidaire (Brest)"`` -> ``"pole d economie solidaire brest"``.
    Apostrophes (straight or typographic), hyphens, dots and every other punctuation mark
    separate words; the result has no leading or trailing space.
    """
    text = unicodedata.normalize("NFKD", s.translate(_LIGATURES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return _NOT_WORD.sub(" ", text).strip()


def title_key(name: str) -> str:
    """A page or template title in MediaWiki's canonical form: NFC, ``_`` = space, ucfirst."""
    name = _SPACES.sub(" ", unicodedata.normalize("NFC", name)).strip()
    return name[:1].upper() + name[1:]
