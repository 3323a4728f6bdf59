"""Helpers for the sync tests on the real local wiki: seeding samples, running syncs, checking."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from wikisync.api import Gateway
from wikisync.config import Config, DatasetConfig, RulesConfig, SafetyConfig, WikiConfig
from wikisync.store import Store
from wikisync.sync.run import SyncOptions, SyncResult, sync
from wikitools import TEST_USER_AGENT

SAMPLES = Path(__file__).parents[2] / "examples" / "samples"
CARTE = re.compile(r"\|\s*carte\s*=[^|\n}]*")
OPENER = re.compile(r"\{\{Liste pôles ESS[^}]*\}\}\n?")


def sample_pages() -> dict[str, str]:
    """The sample wiki: exact title -> text."""
    names = json.loads((SAMPLES / "pages.json").read_text(encoding="utf-8"))
    return {title: (SAMPLES / "pages" / file).read_text(encoding="utf-8")
            for file, title in names.items()}


def seed_samples(wiki: Any, prefix: str, titles: list[str],
                 extra: dict[str, str] | None = None) -> dict[str, str]:
    """Put these sample pages on the wiki as ``{prefix} {title}`` (fiche= links follow).

    The generated-list opener is dropped (another feature fills it). Returns the seeded
    pages by their new titles.
    """
    source = sample_pages()
    pages: dict[str, str] = {}
    for title in titles:
        text = OPENER.sub("", source[title])
        for other in titles:
            text = re.sub(r"(fiche\s*=\s*)" + re.escape(other), r"\g<1>" + f"{prefix} {other}",
                          text)
        pages[f"{prefix} {title}"] = text
    pages.update({f"{prefix} {t}": text for t, text in (extra or {}).items()})
    wiki.import_pages(pages)
    return pages


def config(wiki: Any, api_url: str | None = None, dataset: str | None = None,
           **safety: Any) -> Config:
    """The bot's config for the dev wiki: no throttle, other safety keys as given."""
    base = SafetyConfig(edit_interval=0)
    return Config(
        wiki=WikiConfig(api=api_url or wiki.api_url, username=wiki.bot_username,
                        password=wiki.bot_password, user_agent=TEST_USER_AGENT,
                        max_retry_seconds=60),
        safety=replace(base, **safety),
        dataset=DatasetConfig(path=dataset) if dataset else DatasetConfig(),
        rules=RulesConfig(dataset=bool(dataset)),  # as load_config: on with [dataset] path
    )


def with_flags(cfg: Config, dataset: str | None = None, geocode: bool | None = None,
               accept_geocoded: bool = False, max_edits: int | None = None) -> Config:
    """The config as ``sync``'s flags make it (``cli.flags``: each flag is a config key)."""
    if dataset:
        cfg = replace(cfg, dataset=replace(cfg.dataset, path=dataset),
                      rules=replace(cfg.rules, dataset=True))
    if geocode is not None:
        cfg = replace(cfg, rules=replace(cfg.rules, geocode=geocode))
    if accept_geocoded:
        cfg = replace(cfg, geocode=replace(cfg.geocode, write=True))
    if max_edits is not None:
        cfg = replace(cfg, safety=replace(cfg.safety, max_edits=max_edits))
    return cfg


def gateway(cfg: Config) -> Gateway:
    """A logged-in gateway that does not really wait between retries."""
    gate = Gateway(cfg.wiki, sleep=lambda seconds: None)
    gate.login()
    return gate


def run_sync(cfg: Config, path: Path, prefix: str, out: Any = None, geocoder: Any = None,
             **options: Any) -> SyncResult:
    """One sync scoped to ``prefix`` with a fresh gateway and the store at ``path``.

    ``dataset``, ``geocode``, ``accept_geocoded`` and ``max_edits`` are the command line's
    flags: they change the config (``with_flags``), the other keywords are ``SyncOptions``.
    """
    names = ("dataset", "geocode", "accept_geocoded", "max_edits")
    cfg = with_flags(cfg, **{name: options.pop(name) for name in names if name in options})
    with Store(path) as store:
        return sync(gateway(cfg), store, cfg, SyncOptions(prefixes=(prefix,), **options),
                    out=out, geocoder=geocoder, sleep=lambda seconds: None)


def fiches(prefix: str, count: int, carte: str = "") -> dict[str, str]:
    """``count`` clean fiches with coordinates (and the given ``carte``)."""
    return {f"{prefix} {i:02d}": (
        "{{Fiche initiative\n"
        f"| nom       = Pôle {i}\n| commune   = Brest\n"
        f"| latitude  = 48.{i:02d}\n| longitude = -4.5\n| carte     = {carte}\n"
        "}}\nTexte.\n") for i in range(count)}


def bot_revisions(client: Any, title: str) -> int:
    """How many revisions of the page the bot made."""
    return sum(1 for r in revisions(client, title, 50) if r["user"] == "WikisyncBot")


def revisions(client: Any, title: str, limit: int = 10) -> list[dict[str, Any]]:
    """The page's latest revisions, newest first: revid, user, comment, content."""
    answer = client.get(action="query", prop="revisions", titles=title, rvlimit=limit,
                        rvprop="ids|user|comment|content", rvslots="main")
    page = answer["query"]["pages"][0]
    return [{"revid": r["revid"], "parentid": r.get("parentid"), "user": r["user"],
             "comment": r.get("comment", ""), "content": r["slots"]["main"]["content"]}
            for r in page.get("revisions", [])]


def latest_revids(client: Any, titles: list[str]) -> dict[str, int]:
    """The latest revision id of each page."""
    answer = client.get(action="query", prop="info", titles="|".join(titles))
    return {p["title"]: p.get("lastrevid", 0) for p in answer["query"]["pages"]}


def without_carte(text: str) -> str:
    """The text with every ``carte`` parameter removed and blank lines folded."""
    return re.sub(r"\n\s*\n", "\n", CARTE.sub("", text))
