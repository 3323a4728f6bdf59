"""The demo: a throwaway local wiki seeded with the sample of the study, then wikisync on it.

Run through ``./scripts/demo`` (which installs what is needed first). ``--stop`` tears the
wiki down. The wiki keeps running after the demo so you can browse it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from wikisync.devwiki import DevWiki

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT / ".devwiki" / "demo"
SAMPLES = ROOT / "examples" / "samples"

CONFIG = """# Written by scripts/demo for the local demo wiki.
[wiki]
api = "{api}"
username = "{username}"
password_file = "wikisync.password"
user_agent = "wikisync-demo/0.1 (local demo; nobody@example.org)"

[state]
path = "wikisync.sqlite"

[safety]
edit_interval = 0

[dataset]
path = "{dataset}"

[rules]
map_links = true
dataset = true

[export]
geojson = "carte.geojson"
html = "carte.html"
umap = "carte.umap"
kml = "carte.kml"
"""


def sample_pages() -> dict[str, str]:
    """The sample of the study (37 fiches, 9 region pages and two more), by title."""
    manifest = json.loads((SAMPLES / "pages.json").read_text(encoding="utf-8"))
    return {title: (SAMPLES / "pages" / name).read_text(encoding="utf-8")
            for name, title in manifest.items()}


def wikisync(work: Path, *args: str) -> int:
    """Run one wikisync command in the demo folder, echoing it."""
    print(f"\n$ wikisync {' '.join(args)}", flush=True)
    exe = Path(sys.executable).parent / "wikisync"
    return subprocess.run([str(exe), *args], cwd=work, check=False).returncode


def configure(wiki: DevWiki, work: Path) -> None:
    """Write the demo's wikisync.toml and its password file (mode 0600), and a fresh store."""
    password_file = work / "wikisync.password"
    password_file.write_text(wiki.bot_password + "\n", encoding="utf-8")
    os.chmod(password_file, 0o600)
    (work / "wikisync.toml").write_text(
        CONFIG.format(api=wiki.api_url, username=wiki.bot_username,
                      dataset=SAMPLES / "dataset.csv"),
        encoding="utf-8",
    )
    for old in work.glob("wikisync.sqlite*"):
        old.unlink()


def start(work: Path) -> int:
    """Start a fresh wiki, install the templates, load the sample, run one wikisync cycle."""
    work.mkdir(parents=True, exist_ok=True)
    old = DevWiki.attach(work / "wiki")
    if old is not None:
        old.stop()
    shutil.rmtree(work / "wiki", ignore_errors=True)
    wiki = DevWiki.start(work / "wiki", detach=True)
    print(f"wiki: {wiki.base_url}/index.php (MediaWiki 1.39, French, SQLite)")
    configure(wiki, work)
    codes = [wikisync(work, "check"), wikisync(work, "templates", "install")]
    pages = sample_pages()
    wiki.import_pages(pages, recent_changes=True)
    wiki.run_jobs()
    print(f"\nloaded the sample of the study: {len(pages)} pages")
    codes.append(wikisync(work, "run", "--audit-report", "audit.html"))
    codes.append(wikisync(work, "status", "--offline"))
    # 0 ok; 1 is expected: the sample has pages the bot must refuse and audit differences
    failed = [code for code in codes if code not in (0, 1)]
    print(f"""
The wiki keeps running: {wiki.base_url}/index.php  (try "Pôles ESS en Bretagne")
Map:    {work / 'carte.html'}  (and carte.geojson, carte.umap, carte.kml)
Audit:  {work / 'audit.html'}
Config: {work / 'wikisync.toml'}  (run wikisync there: cd {work} && wikisync history)

Watch the wiki (lists filled within seconds of an editor's save):
  terminal 1:  cd {work} && wikisync -v watch --interval 2     (Ctrl-C stops it)
  terminal 2:  open {wiki.base_url}/index.php?title=Essai_liste&action=edit, save
               {{{{Liste pôles ESS|région=Bretagne}}}} and reload: the list is there
               (cd {work} && wikisync status --offline shows the watcher and its last poll)
Stop it with: ./scripts/demo --stop""")
    return 1 if failed else 0


def stop(work: Path) -> int:
    """Stop the demo wiki."""
    wiki = DevWiki.attach(work / "wiki")
    if wiki is None:
        print("demo wiki is not running")
        return 0
    wiki.stop()
    print("demo wiki stopped")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stop", action="store_true", help="stop the demo wiki")
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR,
                        help=f"where the wiki, config, store and outputs go ({DEFAULT_DIR})")
    args = parser.parse_args()
    work = args.dir.resolve()
    return stop(work) if args.stop else start(work)


if __name__ == "__main__":
    sys.exit(main())
