"""The domain schema of ``ess-wiki.md``: template names, parameters and aliases, hub types.

These are defaults; ``config`` builds a ``Schema`` with the wiki's own names when they differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# record field -> (canonical parameter, aliases), for Fiche initiative and Pôle ESS rows
DEFAULT_PARAMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "name": ("nom", ("name", "titre")),
    "type": ("type", ("catégorie",)),
    "region": ("région", ("region",)),
    "departement": ("département", ("departement", "dép")),
    "commune": ("commune", ("ville",)),
    "address": ("adresse", ()),
    "postcode": ("code postal", ("cp",)),
    "lat": ("latitude", ("lat",)),
    "lon": ("longitude", ("lon", "long")),
    "coordinates": ("coordonnées", ("coordonnees", "coord")),
    "website": ("site web", ("site", "site internet", "url")),
    "founded": ("création", ("date de création", "année de création")),
    "legal_form": ("statut", ()),
    "members": ("structures", ("membres",)),
    "contact": ("contact", ("courriel", "téléphone")),
    "map_link": ("carte", ()),
    "fiche": ("fiche", ()),
    "network": ("réseau", ()),
}
POINT_FIELDS = ("lat", "lon", "coordinates")  # the record fields that hold a hub's point


@dataclass(frozen=True)
class HubType:
    """One of the five hub types of the map's legend."""

    key: str
    label: str  # the value written on the wiki
    variants: tuple[str, ...]  # other accepted spellings
    colour: str  # French colour name of the pin
    hex: str  # pin colour


DEFAULT_TYPES: tuple[HubType, ...] = (
    HubType(
        "association",
        "association de développement",
        ("asso de développement", "association de developpement"),
        "vert",
        "#2e9e44",
    ),
    HubType(
        "hebergement",
        "espace d'hébergement",
        ("espace d’hébergement", "hébergement"),
        "bleu",
        "#2b6cb0",
    ),
    HubType(
        "multifonction",
        "centre multi-fonctions",
        ("centre multifonctions", "centre multi-fonction"),
        "orange",
        "#ed8936",
    ),
    HubType("projet", "pôle en projet", ("en projet", "projet"), "jaune", "#ecc94b"),
    HubType("informel", "regroupement informel", ("informel",), "blanc", "#ffffff"),
)


@dataclass(frozen=True)
class Schema:
    """Names the wiki uses; every reader and writer takes one of these."""

    fiche_template: str = "Fiche initiative"
    region_template: str = "Pôle ESS par région"
    row_template: str = "Pôle ESS"
    list_open_template: str = "Liste pôles ESS"
    list_close_template: str = "Fin liste pôles ESS"
    params: dict[str, tuple[str, tuple[str, ...]]] = field(
        default_factory=lambda: dict(DEFAULT_PARAMS)
    )
    types: tuple[HubType, ...] = DEFAULT_TYPES
    bot_name: str = "wikisync"  # the name {{bots|deny=...}} and {{bots|allow=...}} refer to

    def param_names(self, record_field: str) -> tuple[str, ...]:
        """Canonical name first, then aliases, for one record field."""
        canonical, aliases = self.params[record_field]
        return (canonical, *aliases)

    def point_params(self) -> frozenset[str]:
        """The canonical parameters a point is written to (what a coordinates change sets)."""
        return frozenset(self.params[f][0] for f in POINT_FIELDS)

    def type_by_key(self, key: str) -> HubType:
        for hub_type in self.types:
            if hub_type.key == key:
                return hub_type
        raise KeyError(key)

    @property
    def record_templates(self) -> tuple[str, str, str]:
        return (self.fiche_template, self.region_template, self.row_template)
