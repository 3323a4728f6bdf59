"""Helpers for the generation tests: pages, hubs, an in-memory store, the fake wiki."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from wikisync.config import Config, GenerateConfig, SafetyConfig
from wikisync.generate.lists import BlockRewriter, ListRenderer
from wikisync.generate.templates import environment
from wikisync.hubs import Hub, build_hubs
from wikisync.parse import PageReader
from wikisync.schema import Schema
from wikisync.store import Store, StoredPage

sys.path.insert(0, str(Path(__file__).parents[1] / "sync"))
from fakewiki import FakeWiki  # noqa: E402

__all__ = ["FakeWiki"]

ASSO = "association de développement"
PROJET = "pôle en projet"


def fiche(name: str, region: str, type_: str = ASSO, commune: str = "Brest",
          site: str = "") -> str:
    """A Fiche initiative page."""
    return ("{{Fiche initiative\n"
            f"| nom = {name}\n| type = {type_}\n| région = {region}\n| commune = {commune}\n"
            f"| latitude = 48.39\n| longitude = -4.49\n| site web = {site}\n}}}}\nTexte.")


def records_of(pages: Mapping[str, str], schema: Schema | None = None) -> list:
    """Every record of these pages."""
    reader = PageReader(schema or Schema())
    return [r for title, text in pages.items() for r in reader.read(text, title).records]


def hubs_of(pages: Mapping[str, str]) -> list[Hub]:
    """The hubs these pages describe."""
    return build_hubs(records_of(pages))


def rewriter(pages: Mapping[str, str], templates: str | Path | None = None,
             region_blocks: bool = False) -> BlockRewriter:
    """A block rewriter listing the hubs of ``pages``."""
    renderer = ListRenderer(environment(templates), Schema(), hubs_of(pages))
    return BlockRewriter(renderer, region_blocks=region_blocks)


def config(**generate: Any) -> Config:
    """A config with no throttle and these ``[generate]`` settings (e.g. region_blocks)."""
    return Config(safety=SafetyConfig(edit_interval=0), generate=GenerateConfig(**generate))


def fill_store(store: Store, pages: Mapping[str, str]) -> None:
    """Store these pages as a pull would (page ids from 1)."""
    reader = PageReader(Schema())
    for pageid, (title, text) in enumerate(sorted(pages.items()), start=1):
        parsed = reader.read(text, title)
        store.put_page(StoredPage(title, pageid, 0, pageid, "2024-01-01T00:00:00Z", text),
                       parsed.records, parsed.problems)


def fake_wiki(pages: Mapping[str, str]) -> FakeWiki:
    """A fake wiki holding these pages."""
    wiki = FakeWiki()
    for title, text in pages.items():
        wiki.put(title, text)
    return wiki
