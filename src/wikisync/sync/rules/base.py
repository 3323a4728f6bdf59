"""What a write rule is (``WriteRule``) and what it gets (``Target``): the rules' one interface.

A rule is one module of ``wikisync.sync.rules`` holding a ``RULE = WriteRule(...)``: its
name (registered in ``wikisync.rulenames``), the ids its changes carry (``RuleId``), its
``plan`` (one record -> changes; pure) and, optionally, the ``Setting`` it reads from the
config. The planner runs every rule that is on for each record, in the registry's order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from wikisync.hubs import RecordKey
from wikisync.i18n import Messages
from wikisync.model import Change, Record
from wikisync.rulenames import RULES
from wikisync.schema import Schema

if TYPE_CHECKING:
    from wikisync.config import Config
    from wikisync.dataset import DatasetHub
    from wikisync.sync.rules import RuleSet

Point = tuple[float, float]
S = TypeVar("S")


class _Interned(type):
    """A class of registered texts: iterable, and ``Cls.NAME`` reads a member (``Rule.DATASET``)."""

    _members: dict[str, Any]

    def __iter__(cls) -> Iterator[Any]:
        """The members, in registration order."""
        return iter(list(cls._members.values()))

    def __len__(cls) -> int:
        """How many members are registered."""
        return len(cls._members)

    def __getattr__(cls, attr: str) -> Any:
        """``DATASET_WEBSITE`` -> the member ``dataset:website`` (upper case, ``:`` as ``_``)."""
        if not attr.startswith("_"):
            for text, member in cls._members.items():
                if text.upper().replace(":", "_") == attr:
                    return member
        raise AttributeError(attr)


class Rule(str, metaclass=_Interned):
    """A rule's name, as ``[rules]`` keys, ``--rule`` choices and ``RuleSet`` switches say it.

    One member per name of ``rulenames.RULES``; ``Rule(text)`` is that member (else ValueError).
    """

    _members: ClassVar[dict[str, Rule]] = {}

    def __new__(cls, text: str) -> Rule:
        """The registered member for ``text``."""
        try:
            return cls._members[text]
        except KeyError:
            raise ValueError(f"unknown rule {text!r}") from None

    @classmethod
    def declare(cls, text: str) -> Rule:
        """Register one name (done once for each name of ``rulenames.RULES``)."""
        member = cls._members.get(text) or str.__new__(cls, text)
        cls._members[text] = member
        return member


for _name in RULES:
    Rule.declare(_name)


class RuleId(str, metaclass=_Interned):
    """Which rule asked for a change (``Change.rule``), as the journal and summaries name it.

    A rule declares its ids in its module (``dataset`` one per field, ``dataset:website``);
    a ``str``: stored as text and read back with ``RuleId(text)`` (the same object).
    """

    _members: ClassVar[dict[str, RuleId]] = {}
    rule: Rule  # the rule (switch) this id belongs to
    field: str | None  # the field a ``dataset`` id writes (``coordinates`` = lat + lon)
    words: Callable[[Messages], str]

    def __new__(cls, text: str) -> RuleId:
        """The declared id for ``text``."""
        try:
            return cls._members[text]
        except KeyError:
            raise ValueError(f"unknown rule id {text!r}") from None

    @classmethod
    def declare(cls, text: str, rule: str, words: Callable[[Messages], str],
                field_name: str | None = None) -> RuleId:
        """Register an id of ``rule``, with the words an edit summary uses for it (``words(m)``)."""
        member = str.__new__(cls, text)
        member.rule, member.field, member.words = Rule(rule), field_name, words
        cls._members[text] = member
        return member

    def label(self, m: Messages) -> str:
        """The words an edit summary uses for it, in ``m``'s language (the catalog's ``rule.*``)."""
        return self.words(m)


def rule_label(rule: str, m: Messages) -> str:
    """The words an edit summary uses for a rule id, in ``m``'s language (others as they are)."""
    return RuleId(rule).label(m) if rule in RuleId._members else rule


@dataclass(frozen=True)
class Setting(Generic[S]):
    """What a rule reads from the config: its ``RuleSet`` keyword, default, and reader."""

    keyword: str  # ``RuleSet(link_pattern=...)`` and ``RuleSet().link_pattern``
    default: S  # when the rule set is built without a config (tests)
    read: Callable[[Config], S]  # from the loaded, typed config


@dataclass(frozen=True)
class Note:
    """Something the plan reports without changing it (a proposal, a refused change)."""

    title: str
    kind: str  # geocoded, duplicate-param, unsafe, nobots
    detail: str


@dataclass(frozen=True)
class Context:
    """The stored state the rules need besides the page itself."""

    schema: Schema
    rules: RuleSet
    matches: Mapping[RecordKey, DatasetHub] = field(default_factory=dict)
    fiches: Mapping[str, list[Record]] = field(default_factory=dict)  # title_key -> infoboxes
    geocoded: Mapping[RecordKey, Point] = field(default_factory=dict)
    m: Messages = field(default_factory=Messages)  # the wiki's language (edit summaries)


@dataclass
class Target:
    """One record being planned: what a rule reads, and the point the rules so far give it.

    A rule that writes coordinates sets ``point`` to them; ``fiche_point()`` is the point a
    row's fiche will have once this run's rules are applied to it (computed on demand).
    """

    record: Record
    template: str  # the schema's template name for the record's kind
    ctx: Context
    notes: list[Note]
    point: Point | None
    fiche: Record | None = None  # the fiche a row names, as ``hubs`` links it
    fiche_point: Callable[[], Point | None] = lambda: None

    @property
    def schema(self) -> Schema:
        """The wiki's templates and parameters."""
        return self.ctx.schema


@dataclass(frozen=True)
class WriteRule(Generic[S]):
    """A write rule: its name, its ids, its ``plan`` and, optionally, its setting."""

    name: str  # as registered in ``rulenames.RULES``
    ids: tuple[RuleId, ...]
    plan: Callable[[Target, S], list[Change]]  # pure: no I/O
    setting: Setting[S] | None = None
    uses_point: bool = False  # follows the hub's point: runs after the rules that set it

    def run(self, target: Target, rules: RuleSet) -> list[Change]:
        """The rule's changes for one record, with its setting as ``rules`` holds it."""
        return self.plan(target, rules.setting(self))
