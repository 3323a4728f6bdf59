"""What a list block asks for (its opener's parameters), and the hubs that answer it.

Pure functions: ``ListQuery.from_params`` checks the parameters (an unknown one, an unknown
type or sort field is a ``QueryError`` whose message is shown in the block, in the wiki's
language through the catalog's ``list.param.*``),
``select`` filters the hubs, ``sort_hubs`` and ``group_by_type`` order them the same way
every time (stable keys, ties broken by the hub's unique key).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from wikisync.comparisons import same_departement
from wikisync.hubs import Hub, resolve_type
from wikisync.i18n import Messages, messages
from wikisync.schema import HubType, Schema
from wikisync.text import normalise_name

SORT_FIELDS = {"nom": "name", "commune": "commune", "type": "type", "département": "departement",
               "departement": "departement", "région": "region", "region": "region"}
PARAM_NAMES = {"région": "region", "region": "region", "type": "type",
               "département": "departement", "departement": "departement", "dép": "departement",
               "tri": "sort", "modèle": "row_template", "modele": "row_template"}
# The names an editor may give (the wiki's own parameter and sort names, in any language).
KNOWN_PARAMS = "région, type, département, tri, modèle"
KNOWN_SORTS = "nom, commune, type, département"


class QueryError(ValueError):
    """A block's parameters cannot be honoured; the message is for the page's editors."""

    def __init__(self, key: str, **values: str) -> None:
        """A catalog key (``list.param.*``) and its placeholders; ``str()`` is French."""
        self.key, self.values = key, values
        super().__init__(self.message())

    def message(self, m: Messages | None = None) -> str:
        """The error in the language of ``m`` (French by default), for the block."""
        return (m or messages())(self.key, **self.values)


@dataclass(frozen=True)
class ListQuery:
    """The hubs a block lists: filters (None = any), sort field, row template name."""

    region: str | None = None
    type: str | None = None  # a type key
    departement: str | None = None
    sort: str = "name"
    row_template: str = "Pôle ESS"

    @classmethod
    def from_params(cls, params: Mapping[str, str], schema: Schema) -> ListQuery:
        """The query an opener's parameters describe (``QueryError`` when they are wrong)."""
        values: dict[str, str] = {}
        for name, value in params.items():
            key = PARAM_NAMES.get(name.strip().casefold())
            if key is None:
                raise QueryError("list.param.unknown", name=name, known=KNOWN_PARAMS)
            if value.strip():
                values[key] = value.strip()
        hub_type = _type_key(values.get("type"), schema)
        sort = _sort_field(values.get("sort"))
        row = _row_template(values.get("row_template"), schema)
        return cls(values.get("region"), hub_type, values.get("departement"), sort, row)

    def matches(self, hub: Hub) -> bool:
        """Whether the hub belongs in the list."""
        if self.region and normalise_name(hub.region or "") != normalise_name(self.region):
            return False
        if self.type and hub.type != self.type:
            return False
        return not self.departement or bool(
            hub.departement and same_departement(hub.departement, self.departement))


def _type_key(value: str | None, schema: Schema) -> str | None:
    """The type key a ``type=`` value names (None when not given)."""
    if value is None:
        return None
    key = resolve_type(value, schema.types)
    if key is None:
        labels = ", ".join(t.label for t in schema.types)
        raise QueryError("list.param.type", value=value, known=labels)
    return key


def _sort_field(value: str | None) -> str:
    """The record field a ``tri=`` value names (``name`` when not given)."""
    if value is None:
        return "name"
    field = SORT_FIELDS.get(value.casefold())
    if field is None:
        raise QueryError("list.param.sort", value=value, known=KNOWN_SORTS)
    return field


def _row_template(value: str | None, schema: Schema) -> str:
    """The row template a ``modèle=`` value names, without its namespace."""
    if value is None:
        return schema.row_template
    prefix, colon, rest = value.partition(":")
    name = rest.strip() if colon and prefix.strip().casefold() in ("modèle", "template") else value
    if not name or any(ch in name for ch in "{}[]|<>#"):
        raise QueryError("list.param.row-template", value=value)
    return name


def select(hubs: Iterable[Hub], query: ListQuery, types: Sequence[HubType]) -> list[Hub]:
    """The hubs the query lists, sorted."""
    return sort_hubs([hub for hub in hubs if query.matches(hub)], query.sort, types)


def _type_rank(types: Sequence[HubType]) -> Callable[[str | None], int]:
    """A type key's position in the legend (unknown types last)."""
    order = {t.key: i for i, t in enumerate(types)}
    return lambda key: order.get(key or "", len(order))


def sort_hubs(hubs: Iterable[Hub], sort: str, types: Sequence[HubType]) -> list[Hub]:
    """Hubs by the sort field (empty values last), then by name, then by unique key."""
    rank = _type_rank(types)

    def key(hub: Hub) -> tuple[object, ...]:
        """The hub's sort key."""
        if sort == "type":
            primary: tuple[object, ...] = (rank(hub.type), "")
        else:
            value = normalise_name(str(getattr(hub, sort) or ""))
            primary = (value == "", value)
        return (*primary, normalise_name(hub.name), hub.name, hub.key)

    return sorted(hubs, key=key)


@dataclass(frozen=True)
class Group:
    """The hubs of one type (``hub_type`` None: type missing or unknown)."""

    hub_type: HubType | None
    hubs: tuple[Hub, ...]


def group_by_type(hubs: Sequence[Hub], types: Sequence[HubType]) -> list[Group]:
    """Hubs in groups, one per type in the legend's order, then the untyped; none empty."""
    groups = [Group(t, tuple(h for h in hubs if h.type == t.key)) for t in types]
    known = {t.key for t in types}
    groups.append(Group(None, tuple(h for h in hubs if h.type not in known)))
    return [group for group in groups if group.hubs]
