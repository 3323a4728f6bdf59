"""The README's first command: the demo runs end to end and leaves what it promises."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from wikisync.devwiki import DevWiki
from wikitools import editor_client

ROOT = Path(__file__).parents[1]


@pytest.mark.wiki
def test_the_demo_runs_and_leaves_a_browsable_wiki_a_map_and_an_audit(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIKISYNC_")}
    demo = [sys.executable, str(ROOT / "scripts" / "demo.py"), "--dir", str(tmp_path)]
    try:
        done = subprocess.run(demo, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        assert "The wiki keeps running: http://127.0.0.1:" in done.stdout
        assert "edits: " in done.stdout and "skipped: 2 (nobots 1, unsafe 1)" in done.stdout

        pins = json.loads((tmp_path / "carte.geojson").read_text(encoding="utf-8"))
        assert len(pins["features"]) >= 40
        assert "leaflet" in (tmp_path / "carte.html").read_text(encoding="utf-8").lower()
        assert "missing-on-wiki" in (tmp_path / "audit.html").read_text(encoding="utf-8")

        wiki = DevWiki.attach(tmp_path / "wiki")
        assert wiki is not None and wiki.is_running()
        reader = editor_client(wiki)
        bretagne = reader.read("Pôles ESS en Bretagne")
        assert "{{Fin liste pôles ESS}}" in bretagne and "Pôle ESS du Pays de Brest" in bretagne
        assert "openstreetmap.org/?mlat=" in reader.read("Pôle ESS du Pays de Brest")
        sample = ROOT / "examples/samples/pages/fiche--pole-de-cooperation-clermont-auvergne.wiki"
        clermont = reader.read("Pôle de coopération Clermont Auvergne")  # {{nobots}}
        assert clermont == sample.read_text(encoding="utf-8")  # never edited
    finally:
        subprocess.run([*demo, "--stop"], env=env, capture_output=True, timeout=60)
    assert not wiki.is_running()
