"""``python -m wikisync.devwiki start|stop|status [--dir DIR] [--port N] [--json]``."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from wikisync.devwiki.install import DevWikiError
from wikisync.devwiki.launcher import STATE_FILE, DevWiki


def default_dir() -> Path:
    """Where the CLI keeps its wiki when ``--dir`` is not given."""
    return Path(tempfile.gettempdir()) / f"wikisync-devwiki-{os.getuid()}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m wikisync.devwiki",
                                     description="Local MediaWiki test wiki for wikisync.")
    parser.add_argument("command", choices=("start", "stop", "status"))
    parser.add_argument("--dir", type=Path, default=None,
                        help=f"wiki directory (default {default_dir()})")
    parser.add_argument("--port", type=int, default=None, help="port (default: a free one)")
    parser.add_argument("--json", action="store_true", help="print the state as JSON")
    parser.add_argument("--fresh", action="store_true",
                        help="start: delete the directory's wiki first and install a new one")
    return parser


def _describe(wiki: DevWiki, running: bool) -> str:
    """Human text: status, URLs and credentials."""
    lines = [
        f"wiki      {'running' if running else 'stopped'} (pid {wiki.pid}) in {wiki.dir}",
        f"api       {wiki.api_url}",
        f"index     {wiki.index_url}",
        f"bot       {wiki.bot_username}  {wiki.bot_password}",
        f"editor    {wiki.editor_username}  {wiki.editor_password}",
        f"admin     {wiki.admin_username}  {wiki.admin_password}",
        "",
        f"export WIKISYNC_API={wiki.api_url}",
        f"export WIKISYNC_USERNAME='{wiki.bot_username}'",
        f"export WIKISYNC_PASSWORD={wiki.bot_password}",
    ]
    return "\n".join(lines)


def _print(wiki: DevWiki, running: bool, as_json: bool) -> None:
    if as_json:
        print(json.dumps({**wiki.state(), "running": running}, indent=2, ensure_ascii=False))
    else:
        print(_describe(wiki, running))


def _fresh(directory: Path) -> None:
    """Remove a previous wiki of ours from ``directory`` (refuses a directory not ours)."""
    old = DevWiki.attach(directory)
    if old is None:
        if directory.exists() and any(directory.iterdir()):
            raise DevWikiError(f"{directory} is not empty and holds no {STATE_FILE}")
        return
    old.destroy()


def main(argv: list[str] | None = None) -> int:
    """Entry point; exit 0 on success, 1 when status finds the wiki stopped, 3 on error."""
    args = _parser().parse_args(argv)
    directory = (args.dir or default_dir()).resolve()
    try:
        if args.command == "start":
            if args.fresh:
                _fresh(directory)
            started = time.monotonic()
            wiki = DevWiki.start(directory, args.port, detach=True)
            _print(wiki, True, args.json)
            if not args.json:
                print(f"\nready in {time.monotonic() - started:.1f} s", file=sys.stderr)
            return 0
        wiki_or_none = DevWiki.attach(directory)
        if wiki_or_none is None:
            print(f"no wiki in {directory}", file=sys.stderr)
            return 1
        wiki = wiki_or_none
        if args.command == "stop":
            was_running = wiki.is_running()
            wiki.stop()
            print("stopped" if was_running else "was not running")
            return 0
        running = wiki.is_running()
        _print(wiki, running, args.json)
        return 0 if running else 1
    except DevWikiError as exc:
        print(f"devwiki: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
