"""New fiches from the dataset: which hubs, which titles, what text, create-only writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from gen_helpers import config, fake_wiki, fiche, records_of

from wikisync.dataset import read_csv
from wikisync.errors import ConfigError
from wikisync.generate.fiches import (
    create_fiches,
    fiche_title,
    format_coordinate,
    plan_fiches,
)
from wikisync.generate.templates import environment
from wikisync.parse import PageReader
from wikisync.schema import Schema
from wikisync.store import Store
from wikisync.write import PageWriter

HEADER = ("nom,type,région,département,commune,adresse,code postal,latitude,longitude,"
          "site web,création,statut,structures,fiche\n")
ROWS = [
    "Pôle Existant,association de développement,Bretagne,Finistère,Brest,,,48.39,-4.49,,,,,",
    "Collectif En Ligne,regroupement informel,Bretagne,Finistère,Carhaix,,,,,,,,,",
    "Pôle Nouveau,pôle en projet,Bretagne,Morbihan,Vannes,3 rue X,56000,47.6582,-2.7608,"
    "http://nouveau.example.org,2010,SCIC,12,",
    "Pôle | Bizarre [[x]] <b>,centre multi-fonctions,Corse,2A,Ajaccio,,20000,41.9192,8.7386,"
    "www.bizarre.example.org,,,,",
    "Pôle Titré,espace d'hébergement,Bretagne,,Rennes,,,,,,,,,Pôles/Titré",
    "Pôle Faux,frob,Bretagne,,Rennes,,,,,,,,,",
]
WIKI = {
    "Pôle Existant": fiche("Pôle Existant", "Bretagne"),
    "Pôles ESS en Bretagne": ("{{Pôle ESS par région|région=Bretagne}}\n"
                              "{{Pôle ESS|nom=Collectif En Ligne|type=informel|commune=Carhaix}}"),
}


def dataset(rows: list[str] = ROWS):  # noqa: ANN201 - a Dataset
    return read_csv(HEADER + "\n".join(rows) + "\n")


def plan(**kw: object):  # noqa: ANN201 - a FichePlan
    return plan_fiches(dataset(), records_of(WIKI), Schema(), environment(), **kw)  # type: ignore[arg-type]


def test_only_hubs_without_a_page_and_without_problems() -> None:
    done = plan()
    assert [f.title for f in done.fiches] == ["Pôle Nouveau", "Pôle Bizarre x b",
                                              "Pôles/Titré"]
    assert done.notes == ["Pôle Faux (line 7): not created, the row has a problem: "
                          "unknown type 'frob'"]
    with_rows = plan(include_rows=True)
    assert [f.title for f in with_rows.fiches][:1] == ["Collectif En Ligne"]


def test_created_pages_read_back_as_the_dataset_rows() -> None:
    reader = PageReader(Schema())
    for new in plan().fiches:
        page = reader.read(new.text, new.title)
        [record] = page.records
        hub = new.hub
        assert not page.unsafe_problems()
        assert (record.source, record.name, record.type, record.region, record.departement,
                record.commune, record.address, record.postcode, record.lat, record.lon,
                record.website) == (
            "fiche", hub.name, hub.type, hub.region, hub.departement, hub.commune,
            hub.address, hub.postcode, hub.lat, hub.lon, hub.website)
        problems = set(record.problem_codes) - {"no-coordinates"}
        assert not problems, problems


def test_fiche_text_layout() -> None:
    new = next(f for f in plan().fiches if f.title == "Pôle Nouveau")
    assert new.text.startswith("{{Fiche initiative\n| nom         = Pôle Nouveau\n"
                               "| type        = pôle en projet\n")
    assert "| création    = 2010\n| statut      = SCIC\n| structures  = 12\n| carte       =\n}}"\
        in new.text
    assert "[[Pôles ESS en Bretagne]]" in new.text
    assert new.text == new.text.rstrip() and " \n" not in new.text


def test_title_pattern() -> None:
    hub = dataset().hubs[2]
    assert fiche_title(hub, "{name} ({commune})") == "Pôle Nouveau (Vannes)"
    assert fiche_title(dataset().hubs[3], "{name}") == "Pôle Bizarre x b"
    with pytest.raises(ConfigError, match="bad placeholder 'nom'"):
        fiche_title(hub, "{nom}")


def test_same_title_twice_is_noted() -> None:
    rows = [ROWS[2], ROWS[2].replace("Vannes", "Auray")]
    done = plan_fiches(dataset(rows), [], Schema(), environment())
    assert [f.title for f in done.fiches] == ["Pôle Nouveau"]
    assert done.notes == ["Pôle Nouveau (line 3): not created, same title 'Pôle Nouveau' as "
                          "line 2"]


def test_only_names() -> None:
    done = plan(only=["pole nouveau", "Pôle Existant", "Inconnu"])
    assert [f.title for f in done.fiches] == ["Pôle Nouveau"]
    assert done.notes == ["--only Pôle Existant: the wiki already describes it",
                          "--only Inconnu: no hub of that name in the dataset"]


def test_coordinates_keep_their_digits() -> None:
    assert [format_coordinate(v) for v in (48.3904, -4.4861, 1e-05, 45.0)] == [
        "48.3904", "-4.4861", "0.00001", "45.0"]


def test_create_never_overwrites_and_journals(tmp_path: Path) -> None:
    wiki = fake_wiki({"Pôle Nouveau": "Une page qui existait déjà."})
    with Store(tmp_path / "s.sqlite") as store:
        writer = PageWriter(wiki, store, config(), store.start_run("create"))
        outcomes = create_fiches(writer, plan())
        assert [(o.title, o.status, o.reason) for o in outcomes] == [
            ("Pôle Nouveau", "skipped", "exists"), ("Pôle Bizarre x b", "created", ""),
            ("Pôles/Titré", "created", "")]
        assert wiki.text("Pôle Nouveau") == "Une page qui existait déjà."
        saved = store.journal(status="saved")
        assert [e.title for e in saved] == ["Pôle Bizarre x b", "Pôles/Titré"]
        assert saved[0].rules == ("create",) and saved[0].old_revid is None
        assert [e.title for e in store.journal(status="not-saved")] == ["Pôle Nouveau"]


def test_create_dry_run_reads_once_and_writes_nothing(tmp_path: Path) -> None:
    wiki = fake_wiki({"Pôles/Titré": "Existe."})
    with Store(tmp_path / "s.sqlite") as store:
        writer = PageWriter(wiki, store, config(), store.start_run("create"), dry_run=True)
        outcomes = create_fiches(writer, plan())
    assert [o.status for o in outcomes] == ["dry-run", "dry-run", "skipped"]
    assert wiki.edits == [] and wiki.batches == 1 and wiki.reads == 0
    assert "+{{Fiche initiative" in outcomes[0].diff
