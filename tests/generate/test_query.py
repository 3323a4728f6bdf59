"""A block's parameters as a query: names, checks, filters and sort order."""

from __future__ import annotations

import pytest

from wikisync.generate.query import ListQuery, QueryError, group_by_type, sort_hubs
from wikisync.hubs import Hub
from wikisync.schema import DEFAULT_TYPES, Schema


def hub(key: str, name: str, type_: str | None = None, commune: str | None = None,
        region: str | None = None, dep: str | None = None) -> Hub:
    return Hub(key, name, type_, None, (), region=region, departement=dep, commune=commune)


def test_parameters_and_aliases() -> None:
    query = ListQuery.from_params({"region": " Bretagne ", "type": "Asso de développement",
                                   "dép": "29", "tri": "Commune", "modèle": "Modèle:Ligne"},
                                  Schema())
    assert query == ListQuery("Bretagne", "association", "29", "commune", "Ligne")
    assert ListQuery.from_params({"région": "", "type": ""}, Schema()) == ListQuery()


@pytest.mark.parametrize(("params", "message"), [
    ({"couleur": "x"}, "paramètre inconnu « couleur »"),
    ({"type": "coopérative"}, "type inconnu « coopérative »"),
    ({"tri": "date"}, "tri inconnu « date »"),
    ({"modèle": "a|b"}, "modèle invalide « a|b »"),
    ({"1": "Bretagne"}, "paramètre inconnu « 1 »"),
])
def test_wrong_parameters(params: dict[str, str], message: str) -> None:
    with pytest.raises(QueryError, match=message):
        ListQuery.from_params(params, Schema())


def test_filters() -> None:
    query = ListQuery(region="bretagne", departement="Finistère")
    assert query.matches(hub("a", "A", region="Bretagne", dep="29"))
    assert not query.matches(hub("b", "B", region="Bretagne", dep="56"))
    assert not query.matches(hub("c", "C", region="Normandie", dep="29"))
    assert not query.matches(hub("d", "D", region="Bretagne"))
    assert ListQuery(type="projet").matches(hub("e", "E", "projet"))


def test_sort_is_total_and_puts_empty_values_last() -> None:
    hubs = [hub("b", "Béta", commune=None), hub("a2", "Alpha", commune="Brest"),
            hub("a1", "Alpha", commune="Brest"), hub("c", "Gamma", commune="Auray")]
    assert [h.key for h in sort_hubs(hubs, "commune", DEFAULT_TYPES)] == ["c", "a1", "a2", "b"]
    assert [h.key for h in sort_hubs(hubs, "name", DEFAULT_TYPES)] == ["a1", "a2", "b", "c"]


def test_groups_in_legend_order_untyped_last() -> None:
    hubs = [hub("x", "X"), hub("p", "P", "projet"), hub("a", "A", "association")]
    groups = group_by_type(hubs, DEFAULT_TYPES)
    assert [(g.hub_type.key if g.hub_type else None, [h.key for h in g.hubs])
            for g in groups] == [("association", ["a"]), ("projet", ["p"]), (None, ["x"])]
