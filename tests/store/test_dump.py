"""Loading a MediaWiki XML export: streaming, compression, newest revision, redirects."""

from __future__ import annotations

import bz2
import gzip
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from wikisync.config import Config
from wikisync.errors import UsageError
from wikisync.store import Store
from wikisync.sync import load_dump_file
from wikisync.sync.dump import DumpInfo, read_dump

FICHE = "{{Fiche initiative\n| nom = Pôle {n}\n| type = pôle en projet\n| latitude = 48.1\n" \
        "| longitude = -3.2\n}}\nTexte."


LIST_BLOCK = "{{Liste pôles ESS|région=Bretagne}}\n{{Fin liste pôles ESS}}"


def revision(revid: int, stamp: str, text: str | None) -> str:
    body = '<text deleted="deleted" />' if text is None else \
        f'<text bytes="{len(text)}" xml:space="preserve">{escape(text)}</text>'
    return (f"<revision><id>{revid}</id><timestamp>{stamp}</timestamp>"
            f"<contributor><username>Marie</username></contributor>{body}</revision>")


def page(title: str, ns: int, pageid: int, *revisions: str, redirect: str | None = None) -> str:
    red = f'<redirect title="{escape(redirect)}" />' if redirect else ""
    return f"<page><title>{escape(title)}</title><ns>{ns}</ns><id>{pageid}</id>{red}" \
           + "".join(revisions) + "</page>\n"


def dump_text() -> str:
    pages = [
        page("Pôle A", 0, 1, revision(10, "2024-03-01T10:00:00Z", FICHE.replace("{n}", "A-old")),
             revision(12, "2024-03-05T10:00:00Z", FICHE.replace("{n}", "A"))),
        page("Pôle B", 0, 2, revision(11, "2024-03-02T10:00:00Z",
                                      "{{Fiche Init|nom=Pôle B|type=informel}}")),
        page("Accueil", 0, 3, revision(13, "2024-03-09T08:00:00Z", "Bienvenue.")),
        page("Modèle:Fiche Init", 10, 4, revision(14, "2024-02-01T00:00:00Z",
                                                  "#REDIRECTION [[Modèle:Fiche initiative]]"),
             redirect="Modèle:Fiche initiative"),
        page("Bretagne", 0, 5, revision(15, "2024-03-03T00:00:00Z", LIST_BLOCK)),
        page("Caché", 0, 6, revision(16, "2024-03-04T00:00:00Z", None)),
        page("Autre", 0, 7, revision(17, "2024-03-04T00:00:00Z", "{{Ébauche}}")),
    ]
    return ('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11">\n'
            "<siteinfo><sitename>Pôles</sitename><namespaces>"
            '<namespace key="0" case="first-letter" /><namespace key="10" case="first-letter">'
            "Modèle</namespace></namespaces></siteinfo>\n" + "".join(pages) + "</mediawiki>\n")


@pytest.fixture(params=["xml", "xml.bz2", "xml.gz"])
def dump_file(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    data = dump_text().encode("utf-8")
    path = tmp_path / f"pages.{request.param}"
    opener = {"xml": open, "xml.bz2": bz2.open, "xml.gz": gzip.open}[request.param]
    with opener(path, "wb") as out:
        out.write(data)
    return path


def test_read_dump_streams_the_newest_revision_of_each_page(dump_file: Path) -> None:
    info = DumpInfo()
    pages = {p.title: p for p in read_dump(dump_file, info)}
    assert info.namespaces[10] == "Modèle"
    assert set(pages) == {"Pôle A", "Pôle B", "Accueil", "Modèle:Fiche Init", "Bretagne",
                          "Autre"}  # "Caché" has no readable text
    assert pages["Pôle A"].revid == 12 and "Pôle A-old" not in pages["Pôle A"].text
    assert pages["Modèle:Fiche Init"].redirect == "Modèle:Fiche initiative"


def test_load_dump_keeps_pages_using_our_templates(dump_file: Path, tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    result = load_dump_file(dump_file, store, Config())
    assert result.mode == "dump"
    assert sorted(p.title for p in store.pages()) == ["Bretagne", "Pôle A", "Pôle B"]
    names = {r.title: r.name for r in store.records()}
    assert names == {"Pôle A": "Pôle A", "Pôle B": "Pôle B"}  # B through the redirect
    assert store.checkpoint == "2024-03-09T08:00:00Z"  # the newest revision of the dump
    assert store.get_json("template_redirects") == {
        "Modèle:Fiche initiative": ["Modèle:Fiche Init"], "Modèle:Pôle ESS": [],
        "Modèle:Pôle ESS par région": [], "Modèle:Liste pôles ESS": [],
    }
    assert store.runs("pull")[0].status == "ok"


def test_load_dump_replaces_what_the_store_held(dump_file: Path, tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    load_dump_file(dump_file, store, Config())
    smaller = tmp_path / "small.xml"
    smaller.write_text(dump_text().replace("{{Fiche Init|", "{{Autre|"), encoding="utf-8")
    result = load_dump_file(smaller, store, Config())
    assert store.page("Pôle B") is None and result.pages_removed == 1


def test_a_broken_dump_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.xml"
    path.write_text(dump_text()[:300], encoding="utf-8")
    store = Store(tmp_path / "s.sqlite")
    with pytest.raises(UsageError):
        load_dump_file(path, store, Config())
    assert store.checkpoint is None and store.runs()[0].status == "failed"
    not_a_dump = tmp_path / "other.xml"
    not_a_dump.write_text("<html></html>", encoding="utf-8")
    with pytest.raises(UsageError, match="MediaWiki XML"):
        list(read_dump(not_a_dump))
