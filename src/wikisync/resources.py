"""Files shipped with wikisync: example config, Jinja2 templates, wiki templates, map assets.

Each is looked up as package data first (``wikisync/config.example.toml``,
``wikisync/templates/wiki/``, for an installed wheel), then in the source checkout the
package runs from (the repository's root), so both kinds of install work.
"""

from __future__ import annotations

from pathlib import Path

from wikisync.errors import UsageError

PACKAGE = Path(__file__).resolve().parent  # src/wikisync (or site-packages/wikisync)
CHECKOUT = PACKAGE.parents[1]  # the repository, for a source checkout
EXAMPLE_CONFIG = "config.example.toml"
WIKI_TEMPLATES = Path("templates") / "wiki"
MANIFEST = "manifest.json"


def _first(candidates: list[Path], what: str) -> Path:
    """The first candidate that exists, else a usage error naming where we looked."""
    for path in candidates:
        if path.exists():
            return path
    looked = ", ".join(str(p) for p in candidates)
    raise UsageError(f"{what} not found (looked in {looked}); reinstall wikisync")


def example_config() -> Path:
    """The commented example configuration shipped with wikisync."""
    return _first([PACKAGE / EXAMPLE_CONFIG, CHECKOUT / EXAMPLE_CONFIG], EXAMPLE_CONFIG)


def templates_dir() -> Path:
    """The folder of the shipped Jinja2 templates (``templates/`` of the repository)."""
    return _first([PACKAGE / "templates", CHECKOUT / "templates"], "templates/")


def wiki_templates_dir() -> Path:
    """The folder of the wiki-side templates (with their ``manifest.json``)."""
    found = _first([PACKAGE / WIKI_TEMPLATES / MANIFEST, CHECKOUT / WIKI_TEMPLATES / MANIFEST],
                   f"{WIKI_TEMPLATES / MANIFEST}")
    return found.parent


def assets_dir() -> Path:
    """The HTML map's offline assets (Leaflet, the outline of France): package data."""
    return _first([PACKAGE / "assets" / "leaflet" / "leaflet.js"], "assets/leaflet/").parents[1]
