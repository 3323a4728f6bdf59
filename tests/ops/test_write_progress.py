"""Long write runs say when their next edit goes: ``generate``, ``create`` and ``revert``.

Each command runs on the private wiki with ``edit_interval = 1`` and two edits; its stderr
(not a terminal) carries one ``wikisync.progress`` line per edit, ``edit n/2 · next in s``,
the total being the pages the command planned. The exact waits are the write unit's tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from ops_helpers import Cli, Done, fiches

from wikisync.store import Store
from wikisync.store.runs import RunKind

pytestmark = pytest.mark.wiki

WAIT = re.compile(r"INFO wikisync\.progress: edit (\d+)/(\d+) · next in (\d+) s")


def waits(done: Done) -> list[tuple[str, str, str]]:
    """The (edit, total, seconds) of every progress line on stderr."""
    return WAIT.findall(done.err)


def assert_two_timed_edits(done: Done) -> None:
    """Two edits of two announced, the first at once, the second within the interval."""
    assert done.code == 0, done.out + done.err
    found = waits(done)
    assert [(edit, total) for edit, total, _ in found] == [("1", "2"), ("2", "2")], done.err
    assert found[0][2] == "0" and found[1][2] in ("0", "1")


def test_generate_says_when_each_list_goes(cli: Cli, unique_title: Callable[..., str]) -> None:
    prefix = unique_title("ListWaits")
    region = f"Région {prefix}"
    cli.wiki.import_pages({
        f"{prefix} Pôle": ("{{Fiche initiative\n| nom = Pôle " + prefix + "\n| type = "
                           "association de développement\n| région = " + region +
                           "\n| commune = Brest\n| latitude = 48.3\n| longitude = -4.4\n}}\n"),
        **{f"{prefix} Liste {i}": f"Liste :\n{{{{Liste pôles ESS|région={region}}}}}\n"
           for i in (1, 2)}})
    cli.config(interval=1)

    done = cli("generate", "--prefix", prefix)

    assert_two_timed_edits(done)
    assert "written: 2" in done.out
    dry = cli("generate", "--prefix", prefix, "--dry-run")
    assert dry.code == 0 and "next in" not in dry.err  # nothing left to write, nothing said


def test_create_says_when_each_new_fiche_goes(
    cli: Cli, unique_title: Callable[..., str], tmp_path: Path
) -> None:
    tag = unique_title("FicheWaits")
    dataset = tmp_path / "jeu.csv"
    dataset.write_text("nom,type,région,commune,latitude,longitude\n" + "".join(
        f"Pôle {tag} {i},pôle en projet,Bretagne,Brest,48.{i},-4.5\n" for i in (1, 2)),
        encoding="utf-8")
    cli.config(interval=1)

    done = cli("create", "--dataset", str(dataset))

    assert_two_timed_edits(done)
    with Store(cli.store) as store:
        created = [e.title for e in store.journal(status="saved") if e.rules == ("create",)]
    assert created == [f"Pôle {tag} 1", f"Pôle {tag} 2"]
    with dataset.open("a", encoding="utf-8") as more:
        more.write(f"Pôle {tag} 3,pôle en projet,Bretagne,Brest,48.3,-4.5\n")
    quiet = cli("-q", "create", "--dataset", str(dataset))
    assert quiet.code == 0 and "next in" not in quiet.err, quiet.out + quiet.err
    with Store(cli.store) as store:
        created = [e.title for e in store.journal(status="saved") if e.rules == ("create",)]
    assert created == [f"Pôle {tag} {i}" for i in (1, 2, 3)]


def test_revert_says_when_each_page_goes(cli: Cli, unique_title: Callable[..., str]) -> None:
    prefix = unique_title("RevertWaits")
    cli.wiki.import_pages(fiches(prefix, 2))
    synced = cli("sync", "--rule", "map_links", "--prefix", prefix)
    assert synced.code == 0 and "edited: 2" in synced.out, synced.out + synced.err
    with Store(cli.store) as store:
        [run] = [r.id for r in store.runs(kind=RunKind.SYNC, limit=1)]
    cli.config(interval=1)

    done = cli("revert", str(run))

    assert_two_timed_edits(done)
    assert "restored 2" in done.out
    again = cli("revert", str(run))  # nothing left: no edit announced
    assert again.code == 0 and "next in" not in again.err
