"""The configuration's frozen sections (``Config`` and one dataclass per table) and defaults."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from wikisync.errors import ConfigError
from wikisync.rulenames import RULES
from wikisync.schema import Schema

DEFAULT_CONFIG_NAME = "wikisync.toml"
DEFAULT_MAP_LINK = "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=16/{lat}/{lon}"
DATASET_OWNS_DEFAULT = {"coordinates": "fill", "website": "fill"}
DEFAULT_GEOCODE_DOMAIN = "api-adresse.data.gouv.fr"  # the Base Adresse Nationale
# The environment variables ``load_config`` reads, and the key each one sets.
ENV_KEYS = {"WIKISYNC_API": "wiki.api", "WIKISYNC_USERNAME": "wiki.username",
            "WIKISYNC_USER_AGENT": "wiki.user_agent", "WIKISYNC_PASSWORD": "wiki.password",
            "WIKISYNC_STATE": "state.path"}


@dataclass(frozen=True)
class WikiConfig:
    api: str | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    password_file: str | None = None
    user_agent: str | None = None
    maxlag: int = 5
    timeout: float = 30.0
    max_retries: int = 5
    max_retry_seconds: float = 120.0
    change_tag: str | None = None
    language: str | None = None  # reports and wiki texts: None = the wiki's (siteinfo), else fr


@dataclass(frozen=True)
class SafetyConfig:
    shutoff_page: str | None = None
    run_word: str = "oui"
    edit_interval: float = 10.0
    max_edits: int | None = None
    summary_prefix: str = "wikisync:"  # every edit summary starts with it (then [run N] ends it)


@dataclass(frozen=True)
class MapConfig:
    link: str = DEFAULT_MAP_LINK
    link_order: tuple[str, ...] = ("fiche", "region", "website")
    extension: str = "kartographer"
    article_url: str | None = None  # page URL base, e.g. https://wiki.example.org/wiki/$1
    tiles: str | None = None  # tile URL template for the HTML/uMap maps (None: OpenStreetMap)


@dataclass(frozen=True)
class DatasetConfig:
    path: str | None = None
    owns: dict[str, str] = field(default_factory=lambda: dict(DATASET_OWNS_DEFAULT))
    encoding: str | None = None  # a CSV's encoding (None: UTF-8, else cp1252 with a warning)
    sheet: str | None = None  # the sheet of an .xlsx/.ods file (None: the first)


@dataclass(frozen=True, init=False, eq=False, repr=False)
class RulesConfig(Mapping[str, bool]):
    """``[rules]``: which write rules ``sync`` applies, one switch per registered rule.

    The names and defaults are ``rulenames.RULES`` (the rules' one registration); ``dataset``
    defaults to whether ``[dataset] path`` is set, when ``[rules]`` omits it (``--dataset``
    turns it on). Frozen; read as ``rules["geocode"]`` or ``rules.geocode``;
    ``dataclasses.replace(rules, geocode=True)`` changes one switch.
    """

    _on: Mapping[str, bool]

    def __init__(self, _on: Mapping[str, bool] | None = None, **on: bool) -> None:
        """Each registered rule's switch: as given, else its default; another name is a bug."""
        given = {**(_on or {}), **on}
        unknown = [name for name in given if name not in RULES]
        if unknown:
            raise TypeError(f"unknown rule {unknown[0]!r} (rules: {', '.join(RULES)})")
        object.__setattr__(self, "_on", {name: bool(given.get(name, default))
                                         for name, default in RULES.items()})

    def __getitem__(self, name: str) -> bool:
        """The switch of the rule ``name``."""
        return self._on[name]

    def __iter__(self) -> Iterator[str]:
        """The rule names, in the registered order."""
        return iter(self._on)

    def __len__(self) -> int:
        """How many rules there are."""
        return len(self._on)

    def __getattr__(self, name: str) -> bool:
        """``rules.geocode``: the switch of a registered rule."""
        if name.startswith("_") or name not in RULES:
            raise AttributeError(name)
        return self._on[name]

    def __hash__(self) -> int:
        """Hashable like the frozen dataclasses of the other sections."""
        return hash(tuple(self._on.items()))

    def __repr__(self) -> str:
        """``RulesConfig(map_links=True, dataset=False, geocode=False)``."""
        return f"RulesConfig({', '.join(f'{k}={v}' for k, v in self._on.items())})"


@dataclass(frozen=True)
class GeocodeConfig:
    """``[geocode]``: write accepted results, and where/how to ask the address service."""

    write: bool = False
    domain: str = DEFAULT_GEOCODE_DOMAIN
    scheme: str = "https"
    min_delay: float = 0.2
    min_score: float = 0.5
    timeout: float = 10.0


@dataclass(frozen=True)
class WatchConfig:
    """``[watch]``: how often ``wikisync watch`` polls, how far it backs off, how long a page
    must be left alone before it is handled (a burst of saves is handled once)."""

    interval: float = 10.0  # seconds between polls of the recent changes
    max_interval: float = 60.0  # idle for long: the interval grows (x1.5) up to this
    quiet: float = 2.0  # seconds a changed page must stay unchanged before it is handled


@dataclass(frozen=True)
class GenerateConfig:
    """``[generate]``: the user's templates folder, region pages' lists, new fiches' titles."""

    templates: str | None = None  # a folder of templates overriding the shipped ones
    region_blocks: bool = False  # region pages get a generated list without an opener
    fiche_title: str = "{name}"  # title pattern of the fiches `create` makes


EXPORT_KEYS = ("geojson", "kml", "csv", "umap", "html", "json")  # ExportConfig's fields


@dataclass(frozen=True)
class ExportConfig:
    """``[export]``: the file each map or records format is written to (None: not written)."""

    geojson: str | None = None
    kml: str | None = None
    csv: str | None = None  # the map's CSV (one row per hub)
    umap: str | None = None
    html: str | None = None
    json: str | None = None  # the records

    def files(self) -> dict[str, str]:
        """Format -> file of the formats set, in this class's order (what ``run`` writes)."""
        return {name: path for name in EXPORT_KEYS if (path := getattr(self, name))}


@dataclass(frozen=True)
class Config:
    """The whole configuration; ``source`` is the file it came from (for error messages)."""

    wiki: WikiConfig = field(default_factory=WikiConfig)
    state_path: str = "wikisync.sqlite"
    schema: Schema = field(default_factory=Schema)
    safety: SafetyConfig = field(default_factory=SafetyConfig)
    map: MapConfig = field(default_factory=MapConfig)
    dataset: DatasetConfig = field(default_factory=DatasetConfig)
    rules: RulesConfig = field(default_factory=RulesConfig)
    geocode: GeocodeConfig = field(default_factory=GeocodeConfig)
    watch: WatchConfig = field(default_factory=WatchConfig)
    generate: GenerateConfig = field(default_factory=GenerateConfig)
    export: ExportConfig = field(default_factory=ExportConfig)
    source: str | None = None
    origins: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    def require_wiki(self) -> WikiConfig:
        """The wiki section, checked complete enough to connect (api and user agent)."""
        where = self.source or "the environment"
        if not self.wiki.api:
            raise ConfigError(f"[wiki] api is not set (in {where}; or set WIKISYNC_API)")
        if not self.wiki.user_agent:
            raise ConfigError(f"[wiki] user_agent is required (in {where})")
        return self.wiki

    def origin(self, key: str) -> str | None:
        """What set a dotted key (``$WIKISYNC_STATE``, ``flag_origin(key)``); None: the
        file or the defaults. Lets a caller name the winner without deciding it again."""
        return self.origins.get(key)
