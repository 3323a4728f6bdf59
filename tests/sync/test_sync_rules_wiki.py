"""The dataset and geocoding rules end to end on the real local wiki."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from ban_server import ban_server
from sync_helpers import config, revisions, run_sync

from wikisync.config import GeocodeConfig

FICHE = """{{Fiche initiative
| nom          = %(name)s
| type         = association de développement
| commune      = [[Brest]]
| adresse      = 4 rue de la Coopération
| code postal  = 29200
| latitude     =
| longitude    =
| site web     = %(site)s
}}
Texte de la fiche.
"""
ROW_PAGE = """{{Pôle ESS par région|région=Bretagne}}
{| class="wikitable"
{{Pôle ESS|nom=%(name)s|commune=Quimper|coordonnées=<!-- à compléter -->}}
|}
"""


def test_dataset_fills_coordinates_and_website_and_names_its_rules(
    devwiki: Any, editor_client: Any, unique_title: Callable[..., str], tmp_path: Path
) -> None:
    prefix = unique_title("Sync")
    a, b, region = f"{prefix} Pôle A", f"{prefix} Pôle B", f"{prefix} Région"
    devwiki.import_pages({
        a: FICHE % {"name": "Pôle A", "site": ""},
        b: FICHE % {"name": "Pôle B", "site": "http://b.example.org"},
        region: ROW_PAGE % {"name": f"Collectif {prefix}"},
    })
    dataset = tmp_path / "ref.csv"
    dataset.write_text(
        "nom,commune,latitude,longitude,site web,fiche\n"
        f"Pôle A,Brest,48.3904,-4.4861,http://a.example.org,{a}\n"
        f"Pôle B,Brest,48.4,-4.5,http://autre.example.org,{b}\n"
        f"Collectif {prefix},Quimper,47.996,-4.102,,\n", encoding="utf-8")

    result = run_sync(config(devwiki), tmp_path / "s.sqlite", prefix, dataset=str(dataset))

    assert result.rules == ("map_links", "dataset") and result.count("edited") == 3
    page_a = revisions(editor_client, a, 1)[0]
    assert page_a["comment"] == (
        "wikisync: coordonnées depuis le jeu de données (1), site web depuis le jeu de "
        f"données (1), lien carte (1) [run {result.run_id}]")
    assert "| latitude     = 48.3904\n| longitude    = -4.4861\n" in page_a["content"]
    assert "| site web     = http://a.example.org\n" in page_a["content"]
    page_b = revisions(editor_client, b, 1)[0]["content"]
    assert "http://b.example.org" in page_b  # fill never overwrites
    row = revisions(editor_client, region, 1)[0]["content"]
    assert "|coordonnées=47.996, -4.102|carte=https://www.openstreetmap.org/" in row
    again = run_sync(config(devwiki), tmp_path / "s.sqlite", prefix, dataset=str(dataset))
    assert again.count("edited") == 0 and again.plan.pages == []


def test_geocoded_points_are_reported_then_written_when_accepted(
    devwiki: Any, editor_client: Any, unique_title: Callable[..., str], tmp_path: Path
) -> None:
    prefix = unique_title("Sync")
    title = f"{prefix} Pôle G"
    devwiki.import_pages({title: FICHE % {"name": "Pôle G", "site": "http://g.example.org"}})
    address = "4 rue de la Coopération, 29200 Brest"
    with ban_server({address: (48.3904, -4.4861, 0.9)}) as ban:
        cfg = replace(config(devwiki), geocode=GeocodeConfig(domain=ban.domain,
                                                             scheme="http", min_delay=0))
        revid = revisions(editor_client, title, 1)[0]["revid"]

        proposed = run_sync(cfg, tmp_path / "s.sqlite", prefix, geocode=True)

        assert proposed.count("edited") == 0 and proposed.exit_code == 0
        assert [(n.title, n.kind) for n in proposed.plan.notes] == [(title, "geocoded")]
        assert revisions(editor_client, title, 1)[0]["revid"] == revid

        accepted = run_sync(cfg, tmp_path / "s.sqlite", prefix, geocode=True,
                            accept_geocoded=True)

        assert accepted.count("edited") == 1
        assert accepted.geocoding is not None and accepted.geocoding.cached == 1
        assert ban.queries == [address]  # asked once, then from the store's cache
    page = revisions(editor_client, title, 1)[0]
    assert page["comment"].startswith("wikisync: coordonnées géocodées (BAN) (1), lien carte (1)")
    assert "| latitude     = 48.3904\n" in page["content"]
