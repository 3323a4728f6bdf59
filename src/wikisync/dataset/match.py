"""The one matcher: dataset rows against the wiki's hubs, by index: title, name+commune, name.

Sync's dataset rule, the audit (dataset and map) and ``create`` all call ``match`` with the
hubs of ``hubs.build_hubs``, so they agree on which hub a row describes. Each rule builds
a dict from key to the wiki hubs carrying it and looks every dataset row up in it, so a
dataset of N rows against W hubs costs O(N + W), not O(N x W). Rows whose keys meet no hub
at all are set aside as they stream by: they cannot pair, and leaving them out changes no
pairing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Generic, Literal, Protocol, TypeVar

from wikisync.dataset.columns import page_title
from wikisync.dataset.keys import name_key as _name_key
from wikisync.dataset.model import DatasetHub


class WikiHub(Protocol):
    """What ``match`` needs of a wiki-side item: a ``hubs.Hub`` (tests use small stand-ins)."""

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
    at: int = field(default=0, compare=False)  # the row's position in the dataset


@dataclass(frozen=True)
class Matching(Generic[W]):
    """The result of ``match``: pairs, then what is left on each side (input order kept)."""

    pairs: tuple[Pair[W], ...]
    dataset_only: tuple[DatasetHub, ...]  # empty when ``match`` was given ``unmatched``
    wiki_only: tuple[W, ...]
    rows: int = 0  # how many dataset rows were read

    @property
    def unmatched_count(self) -> int:
        """How many dataset rows no hub describes (whether kept or streamed out)."""
        return self.rows - len(self.pairs)


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
    return _name_key(name) if name else ""


@dataclass(frozen=True)
class _HubKeys:
    """The keys of one dataset hub: its title, its (name, commune) and its name."""

    title: str | None
    place: tuple[str, str] | None
    name: str


def _hub_keys(hub: DatasetHub, title: str | None) -> _HubKeys:
    """A dataset hub's keys, from the keys it computed once and its page title."""
    place = (hub.name_key, hub.commune_key) if hub.name_key and hub.commune_key else None
    return _HubKeys(title, place, hub.name_key)


Candidates = Sequence[Sequence[int]]  # per left item, the right items it may pair with
Unmatched = Callable[[int, DatasetHub], None]  # (position in the dataset, row)


class _Pairing(Generic[W]):
    """Pairs being made between two lists, one rule after the other (``match``'s state)."""

    def __init__(self, left: list[DatasetHub], right: list[W]) -> None:
        """Start with every item of both sides free."""
        self.left, self.right = left, right
        self.pairs: list[tuple[int, Pair[W]]] = []
        self.free_left = set(range(len(left)))
        self.free_right = set(range(len(right)))

    def apply(self, by: MatchedBy, candidates: Candidates) -> None:
        """Pair each free left item (in order) with its first free candidate, if any."""
        for i in sorted(self.free_left):
            found = next((j for j in candidates[i] if j in self.free_right), None)
            if found is not None:
                self.pairs.append((i, Pair(self.left[i], self.right[found], by)))
                self.free_left.discard(i)
                self.free_right.discard(found)


def _index(keys: Sequence[Sequence[Any]]) -> dict[Any, list[int]]:
    """Key -> the right items carrying it, in input order."""
    index: dict[Any, list[int]] = defaultdict(list)
    for j, item_keys in enumerate(keys):
        for key in item_keys:
            index[key].append(j)
    return index


def _by_title(keys: _HubKeys, index: Mapping[str, list[int]],
              names: Sequence[str]) -> list[int]:
    """The hubs a row's title may pair with: the page's one hub, or the one of its name.

    A page with several hubs (two infoboxes) pairs a row only with the hub whose normalised
    name is the row's; otherwise the row goes on to the name rules.
    """
    found = index.get(keys.title, []) if keys.title else []
    if len(found) > 1:
        return [j for j in found if keys.name and names[j] == keys.name]
    return found


def match(dataset: Iterable[DatasetHub], wiki: Iterable[W], *,
          titles: Callable[[W], Iterable[str]] = wiki_titles,
          unmatched: Unmatched | None = None) -> Matching[W]:
    """Pair dataset rows with wiki hubs one to one: explicit title, name+commune, unique name.

    1. a row with a ``fiche``/``title`` column pairs with the hub that page describes (on a
       page with several hubs, the one whose name is the row's);
    2. else normalised name and commune equal on both sides;
    3. else normalised name alone, when it is carried by exactly one row and one hub.
    Each side is used once; ties go to the first item in input order. The rows are read
    once, as a stream: only those sharing a key with a hub are kept. With ``unmatched``,
    every row left unpaired goes to it (with its position) instead of ``dataset_only``:
    rows sharing no key as they stream by, the other unpaired ones at the end.
    """
    right = list(wiki)
    right_titles = [_title_keys(titles(item)) for item in right]
    right_names = [name_key(item.name) for item in right]
    known_titles = {key for keys in right_titles for key in keys}
    known_names = set(right_names) - {""}
    left: list[DatasetHub] = []  # the candidates: some key meets a wiki hub
    left_keys: list[_HubKeys] = []
    positions: list[int] = []
    others: list[tuple[int, DatasetHub]] = []  # unpaired for sure (without ``unmatched``)
    name_counts: Counter[str] = Counter()
    count = 0
    for count, hub in enumerate(dataset, start=1):
        known_name = hub.name_key in known_names
        if known_name:
            name_counts[hub.name_key] += 1
        title = page_title(hub.fiche) if hub.fiche else None
        if known_name or title in known_titles:
            left.append(hub)
            left_keys.append(_hub_keys(hub, title))
            positions.append(count - 1)
        elif unmatched is not None:
            unmatched(count - 1, hub)
        else:
            others.append((count - 1, hub))
    pairing = _Pairing(left, right)
    titled = _index(right_titles)
    pairing.apply("title", [_by_title(k, titled, right_names) for k in left_keys])
    places = _index([_place_keys(item) for item in right])
    pairing.apply("name+commune", [places.get(k.place, []) if k.place else []
                                   for k in left_keys])
    right_counts = Counter(right_names)
    unique = {k: j for j, k in enumerate(right_names)
              if k and name_counts[k] == 1 and right_counts[k] == 1}
    pairing.apply("name", [[unique[k.name]] if k.name in unique else [] for k in left_keys])
    return _result(pairing, positions, others, unmatched, count)


def _result(pairing: _Pairing[W], positions: list[int], others: list[tuple[int, DatasetHub]],
            unmatched: Unmatched | None, count: int) -> Matching[W]:
    """The pairs in the dataset's order, then what is left on each side."""
    left = [(positions[i], pairing.left[i]) for i in sorted(pairing.free_left)]
    if unmatched is not None:
        for position, hub in left:
            unmatched(position, hub)
        dataset_only: tuple[DatasetHub, ...] = ()
    else:
        dataset_only = tuple(hub for _, hub in sorted(others + left, key=lambda p: p[0]))
    pairs = (replace(pair, at=positions[i]) for i, pair in sorted(pairing.pairs,
                                                                   key=lambda p: p[0]))
    return Matching(tuple(pairs),
                    dataset_only,
                    tuple(pairing.right[j] for j in sorted(pairing.free_right)), count)


def _title_keys(titles: Iterable[str | None]) -> list[str]:
    """The normalised, non-empty page titles among ``titles``."""
    return [key for key in map(page_title, titles) if key]


def _place_keys(item: WikiHub) -> list[tuple[str, str]]:
    """The (name, commune) key of an item, if it has both."""
    name, commune = name_key(item.name), name_key(item.commune)
    return [(name, commune)] if name and commune else []
