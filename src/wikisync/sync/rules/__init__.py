"""The write rules of ``sync``: one module per rule, loaded from the one registration.

``wikisync.rulenames.RULES`` names each rule; its code is ``wikisync/sync/rules/<name>.py``,
whose ``RULE`` is a ``base.WriteRule``. ``REGISTRY`` holds them in the registered order
(``--rule`` choices, ``[rules]`` keys, a run's ``rules``); ``RUN_ORDER`` is the order the
planner runs them in (a rule following the hub's point after those that may set it).
``RuleSet`` says which rules run and with which settings. See docs/adding-a-rule.md.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from wikisync.errors import WikisyncError
from wikisync.rulenames import RULES
from wikisync.sync.rules.base import (
    Context,
    Note,
    Point,
    Rule,
    RuleId,
    Setting,
    Target,
    WriteRule,
    rule_label,
)
from wikisync.sync.rules.coords import (
    coordinate_changes,
    format_coord,
    has_coordinates_text,
)
from wikisync.sync.rules.dataset import (
    COORD_TOLERANCE_M,
    DATASET_IDS,
    OWNABLE,
    dataset_changes,
)
from wikisync.sync.rules.map_links import map_link, map_link_change, same_link

if TYPE_CHECKING:
    from wikisync.config import Config

S = TypeVar("S")


def _load(name: str) -> WriteRule[Any]:
    """The ``RULE`` of ``wikisync.sync.rules.<name>``, checked to be that rule."""
    module = importlib.import_module(f"{__name__}.{name}")
    rule = getattr(module, "RULE", None)
    if not isinstance(rule, WriteRule) or rule.name != name:
        raise WikisyncError(f"{module.__name__}: RULE must be a WriteRule named {name!r}")
    return rule


REGISTRY: tuple[WriteRule[Any], ...] = tuple(_load(name) for name in RULES)
RUN_ORDER = tuple(sorted(REGISTRY, key=lambda rule: rule.uses_point))
RULE_NAMES = tuple(rule.name for rule in REGISTRY)  # the --rule choices (plain text for click)
_BY_KEYWORD = {rule.setting.keyword: rule for rule in REGISTRY if rule.setting is not None}


@dataclass(frozen=True, init=False)
class RuleSet:
    """Which rules run (one switch per registered rule) and their settings.

    ``RuleSet(map_links=False, dataset=True, owns={...})``: a rule's name is its switch
    (default: ``rulenames.RULES``), a rule's ``Setting.keyword`` its setting (default: the
    setting's); both read back as attributes (``rules.dataset``, ``rules.owns``).
    """

    switches: Mapping[str, bool]
    settings: Mapping[str, Any]  # rule name -> its setting

    def __init__(self, **given: Any) -> None:
        """Switches and settings by keyword; an unknown keyword is a TypeError."""
        unknown = [key for key in given if key not in RULES and key not in _BY_KEYWORD]
        if unknown:
            raise TypeError(f"RuleSet() got an unexpected keyword argument {unknown[0]!r}")
        switches = {name: bool(given.get(name, on)) for name, on in RULES.items()}
        settings = {rule.name: given[key] for key, rule in _BY_KEYWORD.items() if key in given}
        object.__setattr__(self, "switches", switches)
        object.__setattr__(self, "settings", settings)

    @classmethod
    def of(cls, config: Config, on: Mapping[str, bool]) -> RuleSet:
        """The rules ``on`` says, each with its setting read from ``config``."""
        settings = {rule.setting.keyword: rule.setting.read(config)
                    for rule in REGISTRY if rule.setting is not None}
        return cls(**{name: bool(on.get(name, False)) for name in RULES}, **settings)

    def __getattr__(self, name: str) -> Any:
        """A switch (``rules.dataset``) or a setting (``rules.link_pattern``) by name."""
        if name in RULES:
            return self.switches[name]
        if name in _BY_KEYWORD:
            return self.setting(_BY_KEYWORD[name])
        raise AttributeError(name)

    def on(self, rule: str) -> bool:
        """Whether that rule runs."""
        return self.switches[rule]

    def setting(self, rule: WriteRule[S]) -> S:
        """The rule's setting: as given, else its default (None for a rule without one)."""
        if rule.setting is None:
            return None  # type: ignore[return-value]  # a rule without setting gets None
        value: S = self.settings.get(rule.name, rule.setting.default)
        return value

    def only(self, names: tuple[str, ...]) -> RuleSet:
        """The same settings, with only the rules that are on and named in ``names``."""
        return self.switched({name: on and name in names for name, on in self.switches.items()})

    def switched(self, switches: Mapping[str, bool]) -> RuleSet:
        """The same settings with these switches changed."""
        keywords = {rule.setting.keyword: self.settings[rule.name] for rule in REGISTRY
                    if rule.setting is not None and rule.name in self.settings}
        return RuleSet(**{**self.switches, **switches}, **keywords)

    @property
    def names(self) -> tuple[Rule, ...]:
        """The rules that are on, in the registered order."""
        return tuple(Rule(name) for name in RULE_NAMES if self.switches[name])


__all__ = [
    "COORD_TOLERANCE_M", "DATASET_IDS", "OWNABLE", "REGISTRY", "RULE_NAMES", "RUN_ORDER",
    "Context", "Note", "Point", "Rule", "RuleId", "RuleSet", "Setting", "Target", "WriteRule",
    "coordinate_changes", "dataset_changes", "format_coord", "has_coordinates_text",
    "map_link", "map_link_change", "rule_label", "same_link",
]
