"""Configuration: one TOML file, environment overrides, and built-in defaults.

Precedence, highest first: command-line flag > environment > config file > defaults,
decided in one place (``load_config`` lays the environment, then the flags it is given as
``overrides``, over the file's tables, then builds and checks every section once).
The config file is found by ``-c/--config``, else ``$WIKISYNC_CONFIG``, else ``./wikisync.toml``
if present (no file at all is fine: defaults and environment apply).
"""

from wikisync.config.load import _KNOWN, flag_origin, load_config, read_password_file
from wikisync.config.model import (
    DEFAULT_GEOCODE_DOMAIN,
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

__all__ = ["DEFAULT_GEOCODE_DOMAIN", "EXPORT_KEYS", "_KNOWN", "Config", "DatasetConfig",
           "ExportConfig", "GenerateConfig", "GeocodeConfig", "MapConfig", "RulesConfig",
           "SafetyConfig", "WatchConfig", "WikiConfig", "flag_origin", "load_config",
           "read_password_file"]
