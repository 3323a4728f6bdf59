"""Configuration: one TOML file, environment overrides, and built-in defaults.

Precedence, highest first: command-line flag > environment > config file > defaults.
The config file is found by ``-c/--config``, else ``$WIKISYNC_CONFIG``, else ``./wikisync.toml``
if present (no file at all is fine: defaults and environment apply).
"""

from __future__ import annotations

import codecs
import os
import stat
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from wikisync.errors import ConfigError, register_secret
from wikisync.schema import DEFAULT_PARAMS, DEFAULT_TYPES, HubType, Schema

DEFAULT_CONFIG_NAME = "wikisync.toml"
DEFAULT_MAP_LINK = "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=16/{lat}/{lon}"
DATASET_OWNS_DEFAULT = {"coordinates": "fill", "website": "fill"}


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


@dataclass(frozen=True)
class Config:
    """The whole configuration; ``source`` is the file it came from (for error messages)."""

    wiki: WikiConfig = field(default_factory=WikiConfig)
    state_path: str = "wikisync.sqlite"
    schema: Schema = field(default_factory=Schema)
    safety: SafetyConfig = field(default_factory=SafetyConfig)
    map: MapConfig = field(default_factory=MapConfig)
    dataset: DatasetConfig = field(default_factory=DatasetConfig)
    rules: dict[str, bool] = field(default_factory=lambda: {"map_links": True, "dataset": False})
    templates_dir: str | None = None
    region_blocks: bool = False  # region pages get a generated list without an opener
    fiche_title: str = "{name}"  # title pattern of the fiches `create` makes
    exports: dict[str, str] = field(default_factory=dict)
    source: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    def require_wiki(self) -> WikiConfig:
        """The wiki section, checked complete enough to connect (api and user agent)."""
        where = self.source or "the environment"
        if not self.wiki.api:
            raise ConfigError(f"[wiki] api is not set (in {where}; or set WIKISYNC_API)")
        if not self.wiki.user_agent:
            raise ConfigError(f"[wiki] user_agent is required (in {where})")
        return self.wiki


def find_config_file(flag: str | None, env: dict[str, str]) -> Path | None:
    """The config file to read, by precedence; None when there is none (defaults apply)."""
    if flag:
        path = Path(flag)
        if not path.is_file():
            raise ConfigError(f"config file not found: {flag}")
        return path
    if env.get("WIKISYNC_CONFIG"):
        path = Path(env["WIKISYNC_CONFIG"])
        if not path.is_file():
            raise ConfigError(f"config file not found: {path} (from WIKISYNC_CONFIG)")
        return path
    default = Path(DEFAULT_CONFIG_NAME)
    return default if default.is_file() else None


def load_config(
    flag: str | None = None,
    env: dict[str, str] | None = None,
    overrides: dict[str, Any] | None = None,
) -> Config:
    """Read the config with the documented precedence; ``overrides`` are CLI flags."""
    env = dict(os.environ) if env is None else env
    path = find_config_file(flag, env)
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    src = str(path) if path else "defaults"
    base_dir = path.parent if path else Path.cwd()
    config = _build(data, src, base_dir)
    config = _apply_env(config, env, base_dir)
    for key, value in (overrides or {}).items():
        if value is not None:
            config = _set_dotted(config, key, value)
    _check(config)
    if config.wiki.password:
        register_secret(config.wiki.password)
    return config


def _section(data: dict[str, Any], name: str, src: str) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{src}: [{name}] must be a table")
    return value


def _typed(section: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    value = section.get(key)
    if value is not None and not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise ConfigError(f"{where}: {key} must be {names}, not {type(value).__name__}")
    return value


_KNOWN = {
    "wiki": {"api", "username", "password_file", "user_agent", "maxlag", "timeout",
             "max_retries", "max_retry_seconds", "change_tag", "password", "language"},
    "state": {"path"},
    "safety": {"shutoff_page", "run_word", "edit_interval", "max_edits"},
    "map": {"link", "link_order", "extension", "article_url", "tiles"},
    "dataset": {"path", "owns", "encoding", "sheet"},
    "rules": {"map_links", "dataset", "geocode"},
    "geocode": {"write", "domain", "scheme", "min_delay", "min_score", "timeout"},
    "generate": {"templates", "region_blocks", "fiche_title"},
    "export": {"geojson", "kml", "csv", "umap", "html", "json"},
    "schema": {"templates", "params", "types", "bot_name"},
}


def _build(data: dict[str, Any], src: str, base_dir: Path) -> Config:
    for name in data:
        if name not in _KNOWN:
            raise ConfigError(f"{src}: unknown section [{name}]")
        section = _section(data, name, src)
        for key in section:
            if key not in _KNOWN[name]:
                raise ConfigError(f"{src}: unknown key [{name}] {key}")
    if "password" in _section(data, "wiki", src):
        raise ConfigError(
            f"{src}: [wiki] password must not be in the config file; "
            "use WIKISYNC_PASSWORD or [wiki] password_file"
        )
    wiki = _build_wiki(_section(data, "wiki", src), f"{src} [wiki]", base_dir)
    state = _section(data, "state", src)
    state_path = _typed(state, "path", str, f"{src} [state]") or "wikisync.sqlite"
    return Config(
        wiki=wiki,
        state_path=str(base_dir / state_path) if state.get("path") else state_path,
        schema=_build_schema(_section(data, "schema", src), f"{src} [schema]"),
        safety=_build_safety(_section(data, "safety", src), f"{src} [safety]"),
        map=_build_map(_section(data, "map", src), f"{src} [map]"),
        dataset=_build_dataset(_section(data, "dataset", src), f"{src} [dataset]", base_dir),
        rules=_build_rules(_section(data, "rules", src), f"{src} [rules]"),
        templates_dir=_typed(_section(data, "generate", src), "templates", str, src),
        region_blocks=bool(_typed(_section(data, "generate", src), "region_blocks", bool, src)),
        fiche_title=_typed(_section(data, "generate", src), "fiche_title", str, src) or "{name}",
        exports={k: str(base_dir / v) for k, v in _section(data, "export", src).items()},
        source=src,
        raw=data,
    )


def _build_wiki(section: dict[str, Any], where: str, base_dir: Path) -> WikiConfig:
    values: dict[str, Any] = {}
    for key in ("api", "username", "user_agent", "change_tag", "language"):
        values[key] = _typed(section, key, str, where)
    for key in ("maxlag", "max_retries"):
        if section.get(key) is not None:
            values[key] = _typed(section, key, int, where)
    for key in ("timeout", "max_retry_seconds"):
        if section.get(key) is not None:
            values[key] = float(_typed(section, key, (int, float), where))
    password_file = _typed(section, "password_file", str, where)
    if password_file:
        values["password_file"] = str(base_dir / password_file)
    return WikiConfig(**values)


def _build_safety(section: dict[str, Any], where: str) -> SafetyConfig:
    values: dict[str, Any] = {}
    values["shutoff_page"] = _typed(section, "shutoff_page", str, where)
    if section.get("run_word") is not None:
        values["run_word"] = _typed(section, "run_word", str, where)
    if section.get("edit_interval") is not None:
        interval = float(_typed(section, "edit_interval", (int, float), where))
        if interval < 0:
            raise ConfigError(f"{where}: edit_interval must be >= 0")
        values["edit_interval"] = interval
    values["max_edits"] = _typed(section, "max_edits", int, where)
    return SafetyConfig(**values)


def _build_map(section: dict[str, Any], where: str) -> MapConfig:
    values: dict[str, Any] = {}
    if section.get("link") is not None:
        values["link"] = _typed(section, "link", str, where)
    if section.get("link_order") is not None:
        order = tuple(_typed(section, "link_order", list, where))
        bad = [item for item in order if item not in ("fiche", "region", "website")]
        if bad:
            raise ConfigError(f"{where}: link_order has unknown entries {bad}")
        values["link_order"] = order
    if section.get("extension") is not None:
        extension = _typed(section, "extension", str, where)
        if extension not in ("kartographer", "maps"):
            raise ConfigError(f"{where}: extension must be 'kartographer' or 'maps'")
        values["extension"] = extension
    for key in ("article_url", "tiles"):
        if section.get(key) is not None:
            values[key] = _typed(section, key, str, where)
    return MapConfig(**values)


def _build_dataset(section: dict[str, Any], where: str, base_dir: Path) -> DatasetConfig:
    path = _typed(section, "path", str, where)
    owns = dict(DATASET_OWNS_DEFAULT)
    if section.get("owns") is not None:
        raw = _typed(section, "owns", (dict, list), where)
        owns = {name: "fill" for name in raw} if isinstance(raw, list) else dict(raw)
        for name, mode in owns.items():
            if mode not in ("fill", "overwrite"):
                raise ConfigError(f"{where}: owns.{name} must be 'fill' or 'overwrite'")
    encoding = _typed(section, "encoding", str, where)
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ConfigError(f"{where}: unknown encoding {encoding!r} "
                              "(use utf-8, cp1252 or latin-1)") from None
    return DatasetConfig(path=str(base_dir / path) if path else None, owns=owns,
                         encoding=encoding, sheet=_typed(section, "sheet", str, where))


def _build_rules(section: dict[str, Any], where: str) -> dict[str, bool]:
    rules = {"map_links": True, "dataset": False, "geocode": False}
    for key in section:
        rules[key] = bool(_typed(section, key, bool, where))
    return rules


def _build_schema(section: dict[str, Any], where: str) -> Schema:
    templates = _typed(section, "templates", dict, where) or {}
    values: dict[str, Any] = {}
    for kind in ("fiche", "region", "row", "list_open", "list_close"):
        if kind in templates:
            values[f"{kind}_template"] = str(templates[kind])
    unknown = set(templates) - {"fiche", "region", "row", "list_open", "list_close"}
    if unknown:
        raise ConfigError(f"{where}: unknown templates.{sorted(unknown)[0]}")
    params = dict(DEFAULT_PARAMS)
    for name, spec in (_typed(section, "params", dict, where) or {}).items():
        if name not in params:
            raise ConfigError(f"{where}: unknown field params.{name}")
        names = [spec] if isinstance(spec, str) else list(spec)
        if not names or not all(isinstance(n, str) for n in names):
            raise ConfigError(f"{where}: params.{name} must be a name or a list of names")
        params[name] = (names[0], tuple(names[1:]))
    values["params"] = params
    types_table = _typed(section, "types", dict, where)
    if types_table:
        values["types"] = _build_types(types_table, where)
    if section.get("bot_name"):
        values["bot_name"] = _typed(section, "bot_name", str, where)
    return Schema(**values)


def _build_types(table: dict[str, Any], where: str) -> tuple[HubType, ...]:
    by_key = {t.key: t for t in DEFAULT_TYPES}
    for key, spec in table.items():
        if not isinstance(spec, dict):
            raise ConfigError(f"{where}: types.{key} must be a table")
        base = by_key.get(key, HubType(key, key, (), "", "#888888"))
        hex_colour = spec.get("hex", base.hex)
        if not (isinstance(hex_colour, str) and len(hex_colour) == 7 and hex_colour[0] == "#"):
            raise ConfigError(f"{where}: types.{key}.hex must look like #rrggbb")
        by_key[key] = HubType(
            key,
            spec.get("label", base.label),
            tuple(spec.get("variants", base.variants)),
            spec.get("colour", base.colour),
            hex_colour,
        )
    return tuple(by_key.values())


def _apply_env(config: Config, env: dict[str, str], base_dir: Path) -> Config:
    wiki = config.wiki
    if env.get("WIKISYNC_API"):
        wiki = replace(wiki, api=env["WIKISYNC_API"])
    if env.get("WIKISYNC_USERNAME"):
        wiki = replace(wiki, username=env["WIKISYNC_USERNAME"])
    if env.get("WIKISYNC_USER_AGENT"):
        wiki = replace(wiki, user_agent=env["WIKISYNC_USER_AGENT"])
    if env.get("WIKISYNC_PASSWORD"):
        wiki = replace(wiki, password=env["WIKISYNC_PASSWORD"])
    elif wiki.password_file:
        wiki = replace(wiki, password=read_password_file(wiki.password_file))
    state_path = env.get("WIKISYNC_STATE") or config.state_path
    return replace(config, wiki=wiki, state_path=state_path)


def read_password_file(path: str) -> str:
    """Read a password file, refusing one that others can read (mode must be 0600 or 0400)."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError as exc:
        raise ConfigError(f"[wiki] password_file {path}: {exc.strerror}") from None
    if mode & 0o077:
        raise ConfigError(
            f"[wiki] password_file {path} is readable by others (mode {mode:o}); chmod 600 it"
        )
    password = Path(path).read_text(encoding="utf-8").strip()
    if not password:
        raise ConfigError(f"[wiki] password_file {path} is empty")
    return password


def _set_dotted(config: Config, key: str, value: Any) -> Config:
    section, _, name = key.partition(".")
    if section == "wiki":
        return replace(config, wiki=replace(config.wiki, **{name: value}))
    if section == "safety":
        return replace(config, safety=replace(config.safety, **{name: value}))
    if section == "state":
        return replace(config, state_path=value)
    raise ConfigError(f"unknown override {key}")


def _check(config: Config) -> None:
    where = config.source or "defaults"
    link = config.map.link
    try:
        link.format(lat=0, lon=0, title="", name="", type="")
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(f"{where}: [map] link has a bad placeholder: {exc}") from None
