"""``audit --publish`` on the real test wiki: the namespace warning, French report and summary."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from wikisync.api import Gateway
from wikisync.cli import cli
from wikisync.config import WikiConfig
from wikisync.i18n import LANGUAGE_META
from wikisync.store import Store
from wikitools import TEST_USER_AGENT

SITE_NAME = "Wiki ESS"  # the devwiki's $wgSitename: its project namespace (devwiki.install)


def gateway_of(devwiki: Any) -> Gateway:
    """A logged-out gateway on the test wiki (reads only)."""
    return Gateway(WikiConfig(api=devwiki.api_url, user_agent=TEST_USER_AGENT))


def test_the_wiki_s_namespaces_have_no_projet(devwiki: Any) -> None:
    names = gateway_of(devwiki).namespaces()
    assert {name: names.get(name) for name in (SITE_NAME, "Project", "Utilisateur", "User",
                                               "Modèle", "Template", "Projet")} == {
        SITE_NAME: 4, "Project": 4, "Utilisateur": 2, "User": 2, "Modèle": 10,
        "Template": 10, "Projet": None}


def publish(env: dict[str, str], title: str) -> Any:
    """``wikisync audit --publish TITLE`` (wikitext to /dev/null)."""
    return CliRunner().invoke(cli, ["audit", "--pull", "--format", "wikitext", "-o",
                                    "/dev/null", "--publish", title], env=env)


def test_publish_warns_on_a_prefix_that_is_no_namespace_and_writes_french(
        devwiki: Any, unique_title: Callable[..., str], wiki_env: dict[str, str],
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    prefix = unique_title("Publication")
    env = {"WIKISYNC_CONFIG": None, **wiki_env}
    wrong, right = f"Projet:{prefix}/Audit", f"{SITE_NAME}:{prefix}/Audit"
    devwiki.import_pages({f"{prefix} fiche": "{{Fiche initiative|nom=Pôle " + prefix
                          + "|type=hébergement|site web=http://a.example.org"
                          "|site web=http://b.example.org}}"})

    result = publish(env, wrong)
    assert result.exit_code == 1, result.output  # the shared wiki has differences
    warnings = [line for line in result.output.splitlines() if "is not a namespace" in line]
    assert len(warnings) == 1, result.output
    assert "'Projet' is not a namespace of this wiki" in warnings[0]
    assert "main namespace" in warnings[0] and SITE_NAME in warnings[0]
    gateway = gateway_of(devwiki)
    page = gateway.read_page(wrong)
    assert not page.missing  # a legal title: written all the same, as an article
    info = gateway.call({"action": "query", "titles": wrong})["query"]["pages"][0]
    assert info["ns"] == 0

    result = publish(env, right)
    assert result.exit_code == 1, result.output
    assert "is not a namespace" not in result.output
    info = gateway.call({"action": "query", "titles": right})["query"]["pages"][0]
    assert info["ns"] == 4 and "missing" not in info
    text = gateway.read_page(right).content or ""
    assert "== Problème ==" in text and "! Sorte !! Nombre" in text
    assert "site web donné 2 fois" in text and "paramètre en double" in text
    assert "given 2 times" not in text and "duplicate-param" not in text
    with Store(wiki_env["WIKISYNC_STATE"]) as store:
        assert store.get_meta(LANGUAGE_META) == "fr"  # siteinfo lang, kept for offline reports
        summaries = [e.summary for e in store.journal(title=right)]
    assert len(summaries) == 1
    assert summaries[0].startswith("wikisync: Rapport d'audit wikisync [run ")
