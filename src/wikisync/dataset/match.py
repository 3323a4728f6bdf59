"""Matching dataset hubs with wiki hubs or records, by index: title, name+commune, name.

Each rule builds a dict from key to the wiki items carrying it and looks every dataset
hub up in it, so a dataset of N rows against W wiki hubs costs O(N + W), not O(N x W).
Dataset hubs whose keys meet no wiki item at all are set aside before the rules run: they
cannot pair, and leaving them out changes no pairing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, Protocol, TypeVar

from wikisync.dataset.columns import page_title
from wikisync.dataset.model import DatasetHub
from wikisync.text import normalise_name


class WikiHub(Protocol):
    """What ``match`` needs of a wiki-side item (a record or a merged hub)."""

    @property
    def name(self) -> str | None: ...

    @property
    def commune(self) -> str | None: ...


W = TypeVar("W", bound=WikiHub)
MatchedBy = Literal["title", "name+commune", "name"]


@dataclass(frozen=True)
class Pair(Generic[W]):
    """A dataset hub and the wiki item it describes, and which rule paired them."""

    hub: DatasetHub
    wiki: W
    by: MatchedBy


@dataclass(frozen=True)
class Matching(Generic[W]):
    """The result of ``match``: pairs, then what is left on each side (input order kept)."""

    pairs: tuple[Pair[W], ...]
    dataset_only: tuple[DatasetHub, ...]
    wiki_only: tuple[W, ...]


def wiki_titles(item: Any) -> tuple[str, ...]:
    """The fiche page that identifies a wiki item: a ``hubs.Hub`` or a fiche or row record.

    A hub and a row give their ``fiche``; a fiche record its own page; a region header none.
    """
    source = getattr(item, "source", None)
    if source == "fiche":
        return (item.title,)
    if source == "region":
        return ()
    fiche = getattr(item, "fiche", None)
    return (fiche,) if fiche else ()


def name_key(name: str | None) -> str:
    """The matching key of a name (``text.normalise_name``); empty for no name."""
    return normalise_name(name) if name else ""


Keys = Sequence[Sequence[Any]]  # per item, the keys it can be matched by


@dataclass(frozen=True)
class _HubKeys:
    """The keys of one dataset hub: its title, its (name, commune) and its name."""

    title: str | None
    place: tuple[str, str] | None
    name: str


def _hub_keys(hub: DatasetHub) -> _HubKeys:
    """A dataset hub's keys, from the keys it computed once."""
    place = (hub.name_key, hub.commune_key) if hub.name_key and hub.commune_key else None
    return _HubKeys(page_title(hub.fiche) if hub.fiche else None, place, hub.name_key)


class _Pairing(Generic[W]):
    """Pairs being made between two lists, one rule after the other (``match``'s state)."""

    def __init__(self, left: list[DatasetHub], right: list[W]) -> None:
        """Start with every item of both sides free."""
        self.left, self.right = left, right
        self.pairs: list[tuple[int, Pair[W]]] = []
        self.free_left = set(range(len(left)))
        self.free_right = set(range(len(right)))

    def apply(self, by: MatchedBy, left_keys: Keys, right_keys: Keys) -> None:
        """Pair each free left item with the first free right item sharing one of its keys."""
        index: dict[Any, list[int]] = defaultdict(list)
        for j in sorted(self.free_right):
            for key in right_keys[j]:
                index[key].append(j)
        for i in sorted(self.free_left):
            found = next((j for key in left_keys[i] for j in index.get(key, ())
                          if j in self.free_right), None)
            if found is not None:
                self.pairs.append((i, Pair(self.left[i], self.right[found], by)))
                self.free_left.discard(i)
                self.free_right.discard(found)


def match(dataset: Iterable[DatasetHub], wiki: Iterable[W], *,
          titles: Callable[[W], Iterable[str]] = wiki_titles) -> Matching[W]:
    """Pair dataset hubs with wiki items one to one: explicit title, name+commune, unique name.

    1. a hub with a ``fiche``/``title`` column pairs with the item that page describes;
    2. else normalised name and commune equal on both sides;
    3. else normalised name alone, when it is carried by exactly one hub and one item.
    Each side is used once; ties go to the first item in input order.
    """
    right = list(wiki)
    right_titles = [_title_keys(titles(item)) for item in right]
    right_places = [_place_keys(item) for item in right]
    right_names = [name_key(item.name) for item in right]
    known_titles = {key for keys in right_titles for key in keys}
    known_names = set(right_names) - {""}
    order: list[DatasetHub] = []  # every dataset hub, for the dataset_only order
    left: list[DatasetHub] = []  # the candidates: some key meets a wiki item
    left_keys: list[_HubKeys] = []
    name_counts: Counter[str] = Counter()
    for hub in dataset:
        order.append(hub)
        keys = _hub_keys(hub)
        if keys.name in known_names:
            name_counts[keys.name] += 1
        if keys.title in known_titles or keys.name in known_names:
            left.append(hub)
            left_keys.append(keys)
    pairing = _Pairing(left, right)
    pairing.apply("title", [[k.title] if k.title else [] for k in left_keys], right_titles)
    pairing.apply("name+commune", [[k.place] if k.place else [] for k in left_keys],
                  right_places)
    right_counts = Counter(right_names)
    unique = {k for k, n in name_counts.items() if n == 1 and right_counts[k] == 1}
    pairing.apply("name", [[k.name] if k.name in unique else [] for k in left_keys],
                  [[k] if k in unique else [] for k in right_names])
    return _result(pairing, order)


def _result(pairing: _Pairing[W], order: list[DatasetHub]) -> Matching[W]:
    """The pairs in the dataset's order, then what is left on each side."""
    paired = {id(pair.hub) for _, pair in pairing.pairs}
    return Matching(tuple(pair for _, pair in sorted(pairing.pairs, key=lambda p: p[0])),
                    tuple(hub for hub in order if id(hub) not in paired),
                    tuple(pairing.right[j] for j in sorted(pairing.free_right)))


def _title_keys(titles: Iterable[str | None]) -> list[str]:
    """The normalised, non-empty page titles among ``titles``."""
    return [key for key in map(page_title, titles) if key]


def _place_keys(item: WikiHub) -> list[tuple[str, str]]:
    """The (name, commune) key of an item, if it has both."""
    name, commune = name_key(item.name), name_key(item.commune)
    return [(name, commune)] if name and commune else []
