"""Install MediaWiki's Debian packages if missing, and create a fresh SQLite wiki in a directory.

Nothing outside the wiki directory is written (apart from the apt install itself): the
installer writes ``DIR/LocalSettings.php``, the databases go to ``DIR/db``, and every
path Debian's ``PlatformSettings.php`` points at ``/var`` is redirected into ``DIR`` by
``DIR/DevSettings.php``, which ``LocalSettings.php`` includes at its end.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from wikisync.errors import EXIT_WIKI, WikisyncError

MW_ROOT = Path("/usr/share/mediawiki")
INSTALL_PHP = MW_ROOT / "maintenance" / "install.php"
APT_PACKAGES = (
    "mediawiki",
    "php-cli",
    "php-sqlite3",
    "php-intl",
    "php-mbstring",
    "php-xml",
    "php8.2-cgi",
    "mini-httpd",
)
PHP_MODULES = ("pdo_sqlite", "intl", "mbstring", "dom")
DB_NAME = "wikisync"
SITE_NAME = "Wiki ESS"
SETTINGS_INCLUDE = '\n# wikisync devwiki\nrequire __DIR__ . "/DevSettings.php";\n'


class DevWikiError(WikisyncError):
    """The development wiki could not be installed, started, or driven."""

    exit_code = EXIT_WIKI


def mw_env(directory: Path) -> dict[str, str]:
    """The environment for any PHP process of this wiki: it selects DIR/LocalSettings.php."""
    env = dict(os.environ)
    env["MW_CONFIG_FILE"] = str(directory / "LocalSettings.php")
    env.pop("PHP_CLI_SERVER_WORKERS", None)  # one worker: SQLite and determinism
    return env


def run(cmd: list[str], env: dict[str, str] | None = None, input: str | None = None,
        timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run a command, raising DevWikiError with its output if it fails."""
    stdin = None if input is not None else subprocess.DEVNULL
    try:
        done = subprocess.run(cmd, env=env, input=input, stdin=stdin, capture_output=True,
                              text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DevWikiError(f"{cmd[0]} failed: {exc}") from None
    if done.returncode != 0:
        output = (done.stderr.strip() or done.stdout.strip())[-2000:]
        raise DevWikiError(f"{' '.join(cmd[:3])} exited with {done.returncode}: {output}")
    return done


# --- packages ----------------------------------------------------------------------------


def missing_packages() -> list[str]:
    """Debian packages of APT_PACKAGES that are not installed (all of them without dpkg)."""
    if not shutil.which("dpkg-query"):
        return list(APT_PACKAGES)
    done = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package} ${db:Status-Status}\n", *APT_PACKAGES],
        capture_output=True, text=True, check=False,
    )
    installed = {line.split()[0] for line in done.stdout.splitlines()
                 if line.endswith(" installed")}
    return [name for name in APT_PACKAGES if name not in installed]


def php_ready() -> bool:
    """True when MediaWiki's installer, ``php`` and the PHP modules it needs are present."""
    if not INSTALL_PHP.is_file() or not shutil.which("php"):
        return False
    done = subprocess.run(["php", "-m"], capture_output=True, text=True, check=False)
    modules = {line.strip().lower() for line in done.stdout.splitlines()}
    return all(module in modules for module in PHP_MODULES)


def ensure_packages() -> None:
    """Install MediaWiki and PHP with apt-get (update once, then install) when missing."""
    if php_ready() and not missing_packages():
        return
    if not shutil.which("apt-get"):
        raise DevWikiError("MediaWiki/PHP are missing and apt-get is not available")
    if os.geteuid() != 0:
        raise DevWikiError(
            "MediaWiki/PHP are missing; as root run: apt-get install -y "
            "--no-install-recommends " + " ".join(APT_PACKAGES)
        )
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "update"], env=env, timeout=900)
    run(["apt-get", "install", "-y", "--no-install-recommends", *APT_PACKAGES],
        env=env, timeout=1800)
    if not php_ready():
        raise DevWikiError("apt-get install finished but MediaWiki/PHP are still missing")


# --- the wiki ----------------------------------------------------------------------------


def install_wiki(directory: Path, port: int, admin: str, admin_password: str) -> None:
    """Run MediaWiki's CLI installer: a French wiki on SQLite, configured in ``directory``."""
    (directory / "db").mkdir(parents=True, exist_ok=True)
    cmd = [
        "php", str(INSTALL_PHP), "--quiet",
        "--dbtype", "sqlite", "--dbpath", str(directory / "db"), "--dbname", DB_NAME,
        "--confpath", str(directory), "--server", f"http://127.0.0.1:{port}",
        "--scriptpath", "", "--lang", "fr", "--skins", "Vector",
        "--passfile", str(_secret_file(directory / ".adminpass", admin_password)),
        SITE_NAME, admin,
    ]
    try:
        run(cmd, env=mw_env(directory))
    finally:
        (directory / ".adminpass").unlink(missing_ok=True)
    local = directory / "LocalSettings.php"
    with local.open("a", encoding="utf-8") as fh:
        fh.write(SETTINGS_INCLUDE)
    use_wal(directory / "db")


def _secret_file(path: Path, secret: str) -> Path:
    """Write a secret to a 0600 file (so it never appears on a command line)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secret)
    return path


def use_wal(db_dir: Path) -> None:
    """Switch every SQLite file of the wiki to WAL: readers never block the one writer."""
    for path in sorted(db_dir.glob("*.sqlite")):
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
        conn.close()


def write_dev_settings(directory: Path, port: int) -> None:
    """(Re)write DIR/DevSettings.php: server URL, paths inside DIR, test-friendly settings."""
    for sub in ("cache", "images", "tmp", "logs"):
        (directory / sub).mkdir(exist_ok=True)
    text = DEV_SETTINGS.replace("@DIR@", _php_str(str(directory))).replace("@PORT@", str(port))
    (directory / "DevSettings.php").write_text(text, encoding="utf-8")


def _php_str(value: str) -> str:
    """Escape a value for a PHP single-quoted string."""
    return value.replace("\\", "\\\\").replace("'", "\\'")


DEV_SETTINGS = r"""<?php
# Written by wikisync.devwiki at each start; LocalSettings.php requires it last.
$devDir = '@DIR@';
$wgServer = 'http://127.0.0.1:@PORT@';
$wgCanonicalServer = $wgServer;

# Debian's PlatformSettings.php points these at /var: keep everything inside the directory.
$wgCacheDirectory = "$devDir/cache";
$wgUploadDirectory = "$devDir/images";
$wgTmpDirectory = "$devDir/tmp";
$wgReadOnlyFile = "$devDir/readonly";
$wgDBerrorLog = "$devDir/logs/dberror.log";
$wgDebugLogGroups['exception'] = "$devDir/logs/exception.log";
$wgDebugLogGroups['error'] = "$devDir/logs/error.log";
$wgDebugLogGroups['fatal'] = "$devDir/logs/fatal.log";

# Fast SQLite: WAL (set on the files) and no fsync; this wiki is disposable.
$wgDBservers = [ [
	'host' => '', 'user' => '', 'password' => '', 'dbname' => $wgDBname,
	'type' => 'sqlite', 'load' => 1, 'flags' => DBO_DEFAULT,
	'variables' => [ 'synchronous' => 'OFF' ],
] ];

# Accounts and API.
$wgEnableBotPasswords = true;
$wgRateLimits = [];
$wgPasswordAttemptThrottle = false;
$wgAccountCreationThrottle = false;
$wgEnableEmail = false;
$wgEnableUserEmail = false;
$wgEmailAuthentication = false;

# Determinism: jobs run only when a test asks (DevWiki.run_jobs), sessions in the DB.
$wgJobRunRate = 0;
$wgMainCacheType = CACHE_NONE;
$wgSessionCacheType = CACHE_DB;
$wgPingback = false;
$wgUseInstantCommons = false;
$wgEnableUploads = false;
$wgShowExceptionDetails = true;

# What an ordinary French wiki of this kind has.
wfLoadExtension( 'ParserFunctions' );
wfLoadExtension( 'Cite' );
"""
