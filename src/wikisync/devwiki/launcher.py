"""``DevWiki``: install (once per directory), serve, drive and stop a local test MediaWiki."""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import string
import subprocess
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

from wikisync.devwiki.client import MiniClient
from wikisync.devwiki.dump import build_dump
from wikisync.devwiki.install import (
    MW_ROOT,
    DevWikiError,
    ensure_packages,
    install_wiki,
    mw_env,
    run,
    write_dev_settings,
)
from wikisync.errors import register_secret

STATE_FILE = "devwiki.json"
APP_ID = "wikisync"
BOT_USER = "WikisyncBot"
EDITOR_USER = "Marie Dupont"
ADMIN_USER = "Admin"
BOT_GRANTS = "basic,highvolume,editpage,createeditmovepage,editmywatchlist"
EDITOR_GRANTS = "basic,editpage,createeditmovepage,editmywatchlist"
ADMIN_GRANTS = (
    "basic,highvolume,editpage,createeditmovepage,editmywatchlist,delete,protect,"
    "editprotected,blockusers,rollback,patrol,editinterface,import"
)
START_TIMEOUT = 30.0


@dataclass(frozen=True)
class Account:
    """One wiki account: its main password and its BotPassword login (``User@wikisync``)."""

    name: str
    password: str
    bot_username: str
    bot_password: str


def _random_password() -> str:
    """A main-account password that passes MediaWiki's password policy."""
    return "Dw-" + secrets.token_urlsafe(18)


def _bot_password() -> str:
    """A BotPassword secret: 32 chars of [0-9a-v] like MediaWiki's own (others fail login)."""
    alphabet = string.digits + "abcdefghijklmnopqrstuv"
    return "".join(secrets.choice(alphabet) for _ in range(32))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pid_alive(pid: int) -> bool:
    """True if a process with this id exists (and is not a zombie)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    return True


def _is_our_server(pid: int, port: int) -> bool:
    """True if ``pid`` is a ``php -S 127.0.0.1:<port>`` process (guards against pid reuse)."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return _pid_alive(pid)
    return b"-S" in argv and f"127.0.0.1:{port}".encode() in argv


class PortTaken(DevWikiError):
    """``php -S`` could not listen: the port is in use."""


class DevWiki:
    """A running local MediaWiki 1.39 (French, SQLite) served by ``php -S`` on 127.0.0.1."""

    def __init__(self, directory: Path, port: int, pid: int | None,
                 accounts: dict[str, Account]) -> None:
        self.dir = directory
        self.port = port
        self.pid = pid
        self.accounts = accounts
        self._proc: subprocess.Popen[bytes] | None = None
        for account in accounts.values():
            register_secret(account.password)
            register_secret(account.bot_password)

    # --- addresses and credentials -------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api.php"

    @property
    def index_url(self) -> str:
        return f"{self.base_url}/index.php"

    @property
    def bot_username(self) -> str:
        return self.accounts["bot"].bot_username

    @property
    def bot_password(self) -> str:
        return self.accounts["bot"].bot_password

    @property
    def editor_username(self) -> str:
        return self.accounts["editor"].bot_username

    @property
    def editor_password(self) -> str:
        return self.accounts["editor"].bot_password

    @property
    def admin_username(self) -> str:
        return self.accounts["admin"].bot_username

    @property
    def admin_password(self) -> str:
        return self.accounts["admin"].bot_password

    def __repr__(self) -> str:
        return f"DevWiki({self.api_url}, dir={self.dir}, pid={self.pid})"

    # --- lifecycle -----------------------------------------------------------------------

    @classmethod
    def start(cls, directory: str | Path, port: int | None = None, *,
              detach: bool = False) -> DevWiki:
        """Install a wiki in ``directory`` if it has none, then serve it (reuse if running).

        Without ``detach`` the server is stopped when this Python process exits.
        """
        directory = Path(directory).resolve()
        directory.mkdir(parents=True, exist_ok=True)
        existing = cls.attach(directory)
        if existing is not None and existing.is_running():
            return existing
        ensure_packages()
        if existing is None:
            wiki = cls._install(directory, port or free_port())
        else:
            wiki = existing
            wiki.port = port or (existing.port if _port_free(existing.port) else free_port())
        wiki._serve_on_some_port(fixed=port is not None)
        wiki._check_login()
        if not detach:
            atexit.register(wiki.stop)
        return wiki

    @classmethod
    def attach(cls, directory: str | Path) -> DevWiki | None:
        """The wiki described by ``directory``'s state file, running or not; None if none."""
        path = Path(directory).resolve() / STATE_FILE
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise DevWikiError(f"{path}: unreadable state file: {exc}") from None
        accounts = {key: Account(**value) for key, value in state["accounts"].items()}
        return cls(Path(state["dir"]), int(state["port"]), state.get("pid"), accounts)

    @classmethod
    def _install(cls, directory: Path, port: int) -> DevWiki:
        """Fresh install: installer, settings, accounts with BotPasswords."""
        if (directory / "LocalSettings.php").exists():
            raise DevWikiError(f"{directory} has a LocalSettings.php but no {STATE_FILE} "
                               "(an interrupted install?); delete the directory and start again")
        accounts = {
            key: Account(name, _random_password(), f"{name}@{APP_ID}", _bot_password())
            for key, name in (("admin", ADMIN_USER), ("bot", BOT_USER), ("editor", EDITOR_USER))
        }
        wiki = cls(directory, port, None, accounts)
        install_wiki(directory, port, ADMIN_USER, accounts["admin"].password)
        write_dev_settings(directory, port)
        wiki.run_maintenance("createAndPromote", "--bot", BOT_USER, accounts["bot"].password)
        wiki.run_maintenance("createAndPromote", EDITOR_USER, accounts["editor"].password)
        for key, grants in (("admin", ADMIN_GRANTS), ("bot", BOT_GRANTS),
                            ("editor", EDITOR_GRANTS)):
            account = accounts[key]
            wiki.run_maintenance("createBotPassword", "--appid", APP_ID, "--grants", grants,
                                 account.name, account.bot_password)
        wiki._save_state()
        return wiki

    def _serve_on_some_port(self, fixed: bool) -> None:
        """Serve on ``self.port``; if another process took it meanwhile, try a new free port."""
        for attempt in range(3):
            write_dev_settings(self.dir, self.port)
            try:
                self._serve()
                return
            except PortTaken:
                if fixed or attempt == 2:
                    raise
                self.port = free_port()

    def _serve(self) -> None:
        """Start ``php -S`` in its own process group and wait until api.php answers."""
        log = (self.dir / "logs" / "server.log").open("ab")
        try:
            self._proc = subprocess.Popen(
                ["php", "-S", f"127.0.0.1:{self.port}", "-t", str(MW_ROOT)],
                cwd=self.dir, env=mw_env(self.dir), stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        finally:
            log.close()
        self.pid = self._proc.pid
        self._save_state()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                self._server_died()
            if self._answers():
                return
            time.sleep(0.05)
        self.stop()
        raise DevWikiError(f"the wiki did not answer on {self.api_url} in {START_TIMEOUT:.0f} s")

    def _server_died(self) -> NoReturn:
        """Raise the reason ``php -S`` exited at start (PortTaken if the port was in use)."""
        code = self._proc.returncode if self._proc else None
        self._proc, self.pid = None, None
        log = self.dir / "logs" / "server.log"
        tail = log.read_text(encoding="utf-8", errors="replace")[-500:] if log.exists() else ""
        last_line = tail.strip().splitlines()[-1] if tail.strip() else ""
        if "Address already in use" in last_line:
            raise PortTaken(f"port {self.port} is already in use")
        raise DevWikiError(f"php -S exited with {code}; see {log}: {tail.strip()[-200:]}")

    def _answers(self) -> bool:
        """True when api.php returns siteinfo JSON."""
        url = f"{self.api_url}?action=query&meta=siteinfo&format=json&formatversion=2"
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                return "query" in json.loads(resp.read())
        except (OSError, ValueError):
            return False

    def _check_login(self) -> None:
        """Log the bot in through the API with its BotPassword; raise if that fails."""
        client = MiniClient(self.api_url)
        result = client.login(self.bot_username, self.bot_password)
        if result.get("result") != "Success":
            raise DevWikiError(f"bot login failed on the new wiki: {result}")

    def is_running(self) -> bool:
        """True when our server process is alive and api.php answers."""
        if self.pid is None or not _pid_alive(self.pid) or not _is_our_server(self.pid, self.port):
            return False
        return self._answers()

    def stop(self) -> None:
        """Stop the server (its whole process group); the wiki's files stay for a restart."""
        pid, self.pid = self.pid, None
        if pid is not None and _pid_alive(pid) and _is_our_server(pid, self.port):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGTERM)
            if not self._wait_gone(pid, 5.0):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)
                self._wait_gone(pid, 5.0)
        self._proc = None
        if (self.dir / STATE_FILE).exists():
            self._save_state()

    def _wait_gone(self, pid: int, timeout: float) -> bool:
        """Wait for the process to end (reaping it if it is our child)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self._proc.wait(timeout=0.05)
            if not _pid_alive(pid):
                return True
            time.sleep(0.02)
        return False

    def _save_state(self) -> None:
        """Write DIR/devwiki.json (mode 0600: it holds passwords)."""
        path = self.dir / STATE_FILE
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(self.state(), fh, indent=2, ensure_ascii=False)

    def state(self) -> dict[str, Any]:
        """Everything a client needs: addresses, server pid, accounts and passwords."""
        return {
            "dir": str(self.dir),
            "pid": self.pid,
            "port": self.port,
            "api_url": self.api_url,
            "index_url": self.index_url,
            "bot_username": self.bot_username,
            "bot_password": self.bot_password,
            "editor_username": self.editor_username,
            "editor_password": self.editor_password,
            "admin_username": self.admin_username,
            "admin_password": self.admin_password,
            "accounts": {key: asdict(account) for key, account in self.accounts.items()},
        }

    # --- driving the wiki ----------------------------------------------------------------

    def run_maintenance(self, script: str, *args: str, input: str | None = None,
                        timeout: float = 600) -> str:
        """Run ``maintenance/<script>.php`` on this wiki; its stdout (DevWikiError on failure)."""
        name = script if script.endswith(".php") else f"{script}.php"
        path = MW_ROOT / "maintenance" / name
        if not path.is_file():
            raise DevWikiError(f"no maintenance script {name}")
        done = run(["php", str(path), *args], env=mw_env(self.dir), input=input,
                   timeout=timeout)
        return done.stdout

    def run_jobs(self) -> int:
        """Run every queued job now ($wgJobRunRate is 0); the number of jobs run."""
        out = self.run_maintenance("runJobs", "--result", "json")
        try:
            return len(json.loads(out).get("jobs", []))
        except ValueError:
            return 0

    def import_pages(self, pages: Mapping[str, str], *, user: str | None = None,
                     summary: str = "Import de test", recent_changes: bool = False,
                     raw: bool = False) -> None:
        """Create or update pages fast (importDump.php): one real revision each, timestamped now.

        Revisions are attributed to the local account ``user`` (default: the ordinary
        editor). Texts are stored as an edit would store them (CRLF to LF, trailing
        whitespace trimmed) unless ``raw``; no other pre-save transform (``~~~~``,
        ``subst:``) happens. Link tables (``embeddedin``) are updated. Imports make no
        recentchanges rows unless ``recent_changes``, which rebuilds recentchanges for
        the import's time window (other rows in that window get new rc ids).
        """
        if not pages:
            return
        started = datetime.now(UTC).replace(microsecond=0)
        author = user or self.accounts["editor"].name
        dump = build_dump(pages, author, summary, started, raw)
        self.run_maintenance("importDump", input=dump)
        if recent_changes:
            # the script's window is open at both ends: widen it by a second each way
            begin = started - timedelta(seconds=1)
            end = datetime.now(UTC) + timedelta(seconds=1)
            self.run_maintenance("rebuildrecentchanges", "--from",
                                 begin.strftime("%Y%m%d%H%M%S"), "--to",
                                 end.strftime("%Y%m%d%H%M%S"))

    def set_read_only(self, reason: str | None) -> None:
        """Put the wiki in read-only mode with ``reason`` (``None``: writable again)."""
        path = self.dir / "readonly"
        if reason is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(reason, encoding="utf-8")

    def destroy(self) -> None:
        """Stop the server and delete the whole directory."""
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def _port_free(port: int) -> bool:
    """True if nothing listens on 127.0.0.1:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is fine
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True

