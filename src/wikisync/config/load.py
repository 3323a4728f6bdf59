"""Reading the configuration: the file found, the environment and flags laid over it, built."""

from __future__ import annotations

import codecs
import os
import stat
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from wikisync.config.model import (
    DATASET_OWNS_DEFAULT,
    DEFAULT_CONFIG_NAME,
    ENV_KEYS,
    EXPORT_KEYS,
    Config,
    DatasetConfig,
    ExportConfig,
    GenerateConfig,
    GeocodeConfig,
    MapConfig,
    RulesConfig,
    SafetyConfig,
    WatchConfig,
    WikiConfig,
)
from wikisync.errors import ConfigError, register_secret
from wikisync.rulenames import RULES
from wikisync.schema import DEFAULT_PARAMS, DEFAULT_TYPES, HubType, Schema

Where = str | Callable[[str], str]  # a place, or key -> the place its value came from


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
    overrides: Mapping[str, Any] | None = None,
) -> Config:
    """Read the config with the documented precedence; ``overrides`` are CLI flags.

    ``overrides`` maps dotted keys (``"dataset.path"``, ``"safety.max_edits"``: the file's
    ``[section] key``) to the flags' values; None means "flag not given". The layers are
    laid over the file's tables here, once, and checked like the file's own values.
    """
    env = dict(os.environ) if env is None else env
    path = find_config_file(flag, env)
    data = _read(path) if path is not None else {}
    src = str(path) if path else "defaults"
    _check_names(data, src)
    origins: dict[str, str] = {}
    for key, value, origin in (*_env_layer(env), *_flag_layer(overrides or {})):
        section, _, name = key.partition(".")
        data.setdefault(section, {})[name] = value
        origins[key] = origin
    config = _build(data, _Source(src, path.parent if path else Path.cwd(), origins))
    _check(config)
    if config.wiki.password:
        register_secret(config.wiki.password)
    return config


def _read(path: Path) -> dict[str, Any]:
    """The config file's TOML tables (exit 2 on a file that cannot be read or parsed)."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None


def _env_layer(env: Mapping[str, str]) -> Iterator[tuple[str, Any, str]]:
    """(key, value, origin) of each ``WIKISYNC_*`` variable set (an empty one is not set)."""
    for name, key in ENV_KEYS.items():
        if env.get(name):
            yield key, env[name], f"${name}"


def _flag_layer(overrides: Mapping[str, Any]) -> Iterator[tuple[str, Any, str]]:
    """(key, value, origin) of each flag given; a key the config does not have is refused."""
    for key, value in overrides.items():
        section, _, name = key.partition(".")
        if name not in _KNOWN.get(section, ()) or key == "wiki.password":
            raise ConfigError(f"unknown override {key}")
        if value is not None:
            yield key, value, flag_origin(key)


def flag_origin(key: str) -> str:
    """The origin of a key set by a command-line flag (errors name it; ``Config.origin``)."""
    return f"command line ({key})"


@dataclass(frozen=True)
class _Source:
    """Where values come from: the file (paths relative to its folder), else env or flags."""

    src: str
    base_dir: Path
    origins: Mapping[str, str]

    def where(self, section: str, key: str | None = None) -> str:
        """What an error names: the variable or flag that gave the value, else the file."""
        origin = self.origins.get(f"{section}.{key}") if key else None
        return origin or f"{self.src} [{section}]"

    def path(self, section: str, key: str, value: str) -> str:
        """A path from the file is relative to the file's folder; others are as given."""
        return value if f"{section}.{key}" in self.origins else str(self.base_dir / value)


def _section(data: dict[str, Any], name: str, src: str) -> dict[str, Any]:
    """One ``[name]`` table (absent: empty); a non-table is an error naming the file."""
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{src}: [{name}] must be a table")
    return value


def _typed(section: dict[str, Any], key: str, kind: type | tuple[type, ...], where: Where) -> Any:
    """``section[key]`` if absent or of ``kind`` (a bool is not a number), else an error."""
    value = section.get(key)
    bool_ok = bool in (kind if isinstance(kind, tuple) else (kind,))
    if value is not None and (not isinstance(value, kind)
                              or (isinstance(value, bool) and not bool_ok)):
        names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise ConfigError(f"{_at(where, key)}: {key} must be {names}, not {type(value).__name__}")
    return value


def _at(where: Where, key: str) -> str:
    """What an error about ``key`` names: a fixed place, or the key's own origin."""
    return where if isinstance(where, str) else where(key)


def _given(section: dict[str, Any], kind: type | tuple[type, ...], where: Where,
           *keys: str) -> dict[str, Any]:
    """The keys present (not None) in ``section``, each checked to be of ``kind``."""
    values = {key: _typed(section, key, kind, where) for key in keys}
    return {key: value for key, value in values.items() if value is not None}


_KNOWN = {
    "wiki": {"api", "username", "password_file", "user_agent", "maxlag", "timeout",
             "max_retries", "max_retry_seconds", "change_tag", "password", "language"},
    "state": {"path"},
    "safety": {"shutoff_page", "run_word", "edit_interval", "max_edits", "summary_prefix"},
    "map": {"link", "link_order", "extension", "article_url", "tiles"},
    "dataset": {"path", "owns", "encoding", "sheet"},
    "rules": set(RULES),  # the registered write rules (wikisync.rulenames)
    "geocode": {"write", "domain", "scheme", "min_delay", "min_score", "timeout"},
    "generate": {"templates", "region_blocks", "fiche_title"},
    "export": set(EXPORT_KEYS),
    "watch": {"interval", "max_interval", "quiet"},
    "schema": {"templates", "params", "types", "bot_name"},
}


def _check_names(data: dict[str, Any], src: str) -> None:
    """Unknown sections and keys of the file, and a password in it, are errors naming it."""
    for name in data:
        if name not in _KNOWN:
            raise ConfigError(f"{src}: unknown section [{name}]")
        for key in _section(data, name, src):
            if key not in _KNOWN[name]:
                raise ConfigError(f"{src}: unknown key [{name}] {key}")
    if "password" in _section(data, "wiki", src):
        raise ConfigError(
            f"{src}: [wiki] password must not be in the config file; "
            "use WIKISYNC_PASSWORD or [wiki] password_file"
        )


def _build(data: dict[str, Any], source: _Source) -> Config:
    """Every section typed and checked, from the merged tables."""
    src = source.src
    dataset = _build_dataset(_section(data, "dataset", src), source)
    return Config(
        wiki=_build_wiki(_section(data, "wiki", src), source),
        state_path=_build_state(_section(data, "state", src), source),
        schema=_build_schema(_section(data, "schema", src), f"{src} [schema]"),
        safety=_build_safety(_section(data, "safety", src), source),
        map=_build_map(_section(data, "map", src), source),
        dataset=dataset,
        rules=_build_rules(_section(data, "rules", src), source, dataset),
        geocode=_build_geocode(_section(data, "geocode", src), source),
        watch=_build_watch(_section(data, "watch", src), source),
        generate=_build_generate(_section(data, "generate", src), source),
        export=_build_export(_section(data, "export", src), source),
        source=src,
        origins=dict(source.origins),
    )


def _path_of(section: dict[str, Any], key: str, name: str, source: _Source) -> str | None:
    """A path value of ``[name] key`` (a string), resolved as ``_Source.path`` says."""
    value = _typed(section, key, str, partial(source.where, name))
    return source.path(name, key, value) if value else None


def _build_state(section: dict[str, Any], source: _Source) -> str:
    """``[state] path`` (default ``wikisync.sqlite`` in the folder commands run from)."""
    return _path_of(section, "path", "state", source) or "wikisync.sqlite"


def _build_wiki(section: dict[str, Any], source: _Source) -> WikiConfig:
    """``[wiki]``; the password from ``$WIKISYNC_PASSWORD``, else from ``password_file``."""
    where = partial(source.where, "wiki")
    values: dict[str, Any] = {}
    for key in ("api", "username", "user_agent", "change_tag", "language", "password"):
        values[key] = _typed(section, key, str, where)
    values.update(_given(section, int, where, "maxlag", "max_retries"))
    values.update({k: float(v) for k, v in _given(section, (int, float), where, "timeout",
                                                    "max_retry_seconds").items()})
    password_file = _path_of(section, "password_file", "wiki", source)
    if password_file:
        values["password_file"] = password_file
        if not values["password"]:
            values["password"] = read_password_file(password_file)
    return WikiConfig(**values)


def _build_safety(section: dict[str, Any], source: _Source) -> SafetyConfig:
    """``[safety]``: the shutoff page, the throttle (>= 0 s) and the edit budget (>= 0)."""
    where = partial(source.where, "safety")
    values: dict[str, Any] = {"shutoff_page": _typed(section, "shutoff_page", str, where)}
    values.update(_given(section, str, where, "run_word", "summary_prefix"))
    if not values.get("summary_prefix", "x").strip():
        raise ConfigError(f"{where('summary_prefix')}: summary_prefix must not be empty")
    if section.get("edit_interval") is not None:
        interval = float(_typed(section, "edit_interval", (int, float), where))
        if interval < 0:
            raise ConfigError(f"{where('edit_interval')}: edit_interval must be >= 0")
        values["edit_interval"] = interval
    values["max_edits"] = _typed(section, "max_edits", int, where)
    if values["max_edits"] is not None and values["max_edits"] < 0:
        raise ConfigError(f"{where('max_edits')}: max_edits must be >= 0")
    return SafetyConfig(**values)


def _build_map(section: dict[str, Any], source: _Source) -> MapConfig:
    """``[map]``: the link pattern and order, the wiki's map extension, page URLs, tiles."""
    where = partial(source.where, "map")
    values = _given(section, str, where, "link", "article_url", "tiles")
    if section.get("link_order") is not None:
        order = tuple(_typed(section, "link_order", list, where))
        bad = [item for item in order if item not in ("fiche", "region", "website")]
        if bad:
            raise ConfigError(f"{where('link_order')}: link_order has unknown entries {bad}")
        values["link_order"] = order
    if section.get("extension") is not None:
        extension = _typed(section, "extension", str, where)
        if extension not in ("kartographer", "maps"):
            raise ConfigError(f"{where('extension')}: extension must be 'kartographer' or 'maps'")
        values["extension"] = extension
    return MapConfig(**values)


def _build_dataset(section: dict[str, Any], source: _Source) -> DatasetConfig:
    """``[dataset]``: the file, the fields it owns, a CSV's encoding, a spreadsheet's sheet."""
    where = partial(source.where, "dataset")
    owns = dict(DATASET_OWNS_DEFAULT)
    if section.get("owns") is not None:
        given = _typed(section, "owns", (dict, list), where)
        owns = {name: "fill" for name in given} if isinstance(given, list) else dict(given)
        for name, mode in owns.items():
            if mode not in ("fill", "overwrite"):
                raise ConfigError(f"{where('owns')}: owns.{name} must be 'fill' or 'overwrite'")
    encoding = _typed(section, "encoding", str, where)
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ConfigError(f"{where('encoding')}: unknown encoding "
                              f"{encoding!r} (use utf-8, cp1252 or latin-1)") from None
    return DatasetConfig(path=_path_of(section, "path", "dataset", source), owns=owns,
                         encoding=encoding, sheet=_typed(section, "sheet", str, where))


def _build_rules(section: dict[str, Any], source: _Source, dataset: DatasetConfig) -> RulesConfig:
    """``[rules]``; ``dataset`` follows ``[dataset] path`` unless set."""
    where = partial(source.where, "rules")
    values = _given(section, bool, where, *RULES)
    values.setdefault("dataset", bool(dataset.path))
    return RulesConfig(**values)


def _build_geocode(section: dict[str, Any], source: _Source) -> GeocodeConfig:
    """``[geocode]``: the address service (http or https) and whether results are written."""
    where = partial(source.where, "geocode")
    values: dict[str, Any] = {**_given(section, bool, where, "write"),
                              **_given(section, str, where, "domain", "scheme")}
    values.update({k: float(v) for k, v in _given(section, (int, float), where, "min_delay",
                                                    "min_score", "timeout").items()})
    if values.get("scheme", "https") not in ("http", "https"):
        raise ConfigError(f"{where('scheme')}: scheme must be 'http' or 'https'")
    for key in ("min_delay", "min_score", "timeout"):
        if values.get(key, 0) < 0:
            raise ConfigError(f"{where(key)}: {key} must be >= 0")
    return GeocodeConfig(**values)


def _build_watch(section: dict[str, Any], source: _Source) -> WatchConfig:
    """``[watch]``: interval > 0, max_interval >= interval, quiet >= 0 (seconds)."""
    where = partial(source.where, "watch")
    values = {k: float(v) for k, v in _given(section, (int, float), where, "interval",
                                              "max_interval", "quiet").items()}
    if values.get("interval", 1.0) <= 0:
        raise ConfigError(f"{where('interval')}: interval must be > 0")
    if values.get("quiet", 0.0) < 0:
        raise ConfigError(f"{where('quiet')}: quiet must be >= 0")
    interval = values.get("interval", WatchConfig.interval)
    values.setdefault("max_interval", max(WatchConfig.max_interval, interval))
    if values["max_interval"] < interval:
        raise ConfigError(f"{where('max_interval')}: max_interval must be >= interval "
                          f"({interval:g} s)")
    return WatchConfig(**values)


def _build_generate(section: dict[str, Any], source: _Source) -> GenerateConfig:
    """``[generate]``: a templates folder (a path), region_blocks (bool), fiche_title (str)."""
    where = partial(source.where, "generate")
    return GenerateConfig(
        templates=_path_of(section, "templates", "generate", source),
        region_blocks=bool(_typed(section, "region_blocks", bool, where)),
        fiche_title=_typed(section, "fiche_title", str, where) or GenerateConfig.fiche_title)


def _build_export(section: dict[str, Any], source: _Source) -> ExportConfig:
    """``[export]``: each format's file (a string path, relative to the config file's folder)."""
    return ExportConfig(**{key: _path_of(section, key, "export", source)
                           for key in EXPORT_KEYS})


def _build_schema(section: dict[str, Any], where: str) -> Schema:
    """``[schema]``: the wiki's template and parameter names, hub types, the bot's name."""
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
    """``[schema.types]`` over the contract's five types (a new key adds a type)."""
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


def _check(config: Config) -> None:
    """Checks across layers: the map link's placeholders, whatever layer gave the link."""
    where = config.source or "defaults"
    link = config.map.link
    try:
        link.format(lat=0, lon=0, title="", name="", type="")
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(f"{where}: [map] link has a bad placeholder: {exc}") from None
