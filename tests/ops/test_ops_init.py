"""``wikisync init``: a commented config that ``check`` accepts, no overwrite, prompts."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from wikisync.cli import cli
from wikisync.config import load_config
from wikisync.ops.init import InitAnswers, render_config, set_key
from wikisync.resources import example_config

UA = "wikisync-tests/0.1 (init test; tests@example.org)"


def run_cli(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``python -m wikisync`` with only these WIKISYNC_* variables."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("WIKISYNC_")}
    return subprocess.run([sys.executable, "-m", "wikisync", *args], cwd=cwd, env=base | env,
                          text=True, capture_output=True, timeout=120, check=False)


def test_init_writes_a_config_that_check_accepts(devwiki: Any, tmp_path: Path) -> None:
    flags = ["init", "--api", devwiki.api_url, "--username", devwiki.bot_username,
             "--user-agent", UA, "--password-file", "wikisync.password"]

    first = run_cli(flags, tmp_path, {})

    assert first.returncode == 0, first.stderr
    config_file = tmp_path / "wikisync.toml"
    text = config_file.read_text(encoding="utf-8")
    assert text.count("\n# ") > 40  # the example's comments are kept
    wiki = tomllib.loads(text)["wiki"]
    assert wiki["api"] == devwiki.api_url and wiki["username"] == devwiki.bot_username
    assert wiki["user_agent"] == UA and wiki["password_file"] == "wikisync.password"
    assert "WIKISYNC_PASSWORD" in first.stdout and "password_file" in first.stdout
    assert "not checked" in first.stdout  # the password file does not exist yet
    assert devwiki.bot_password not in text

    secret = tmp_path / "wikisync.password"
    secret.write_text(devwiki.bot_password + "\n", encoding="utf-8")
    secret.chmod(0o600)
    check = run_cli(["check"], tmp_path, {})

    assert check.returncode == 0, check.stderr
    assert "account: WikisyncBot" in check.stdout and "bot right: yes" in check.stdout


def test_init_checks_the_connection_and_logs_in_with_the_env_password(
    devwiki: Any, tmp_path: Path
) -> None:
    done = run_cli(["init", "bot.toml", "--api", devwiki.api_url, "--username",
                    devwiki.bot_username, "--user-agent", UA], tmp_path,
                   {"WIKISYNC_PASSWORD": devwiki.bot_password})

    assert done.returncode == 0, done.stderr
    assert "wrote bot.toml" in done.stdout and "account: WikisyncBot" in done.stdout
    assert "check: ok" in done.stdout and "Special:BotPasswords" not in done.stdout
    assert devwiki.bot_password not in done.stdout + done.stderr


def test_init_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    target = tmp_path / "wikisync.toml"
    target.write_text("# mine\n", encoding="utf-8")
    flags = ["init", str(target), "--api", "http://127.0.0.1:9/api.php", "--user-agent", UA,
             "--no-check"]

    refused = CliRunner().invoke(cli, flags)
    assert refused.exit_code == 2 and "use --force" in refused.output
    assert target.read_text(encoding="utf-8") == "# mine\n"

    forced = CliRunner().invoke(cli, [*flags, "--force"])
    assert forced.exit_code == 0, forced.output
    assert load_config(str(target), env={}).wiki.api == "http://127.0.0.1:9/api.php"


def test_init_without_flags_and_without_a_terminal_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "w.toml")])
    assert result.exit_code == 2 and "--api and --user-agent" in result.output
    assert not (tmp_path / "w.toml").exists()


def test_init_asks_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("wikisync.cli.ops.interactive", lambda: True)
    target = tmp_path / "w.toml"
    answers = "http://wiki.example.org/w/api.php\nBot@app\n\n"

    result = CliRunner().invoke(cli, ["init", str(target), "--no-check"], input=answers)

    assert result.exit_code == 0, result.output
    config = load_config(str(target), env={})
    assert config.wiki.api == "http://wiki.example.org/w/api.php"
    assert config.wiki.username == "Bot@app"
    assert config.wiki.user_agent == "wikisync/0.1 (Bot@app; contact@example.org)"


def test_render_config_keeps_everything_but_the_answers() -> None:
    template = example_config().read_text(encoding="utf-8")
    text = render_config(template, InitAnswers("http://w/api.php", "ua (x@y.z)"))
    data = tomllib.loads(text)
    assert "username" not in data["wiki"]  # commented out: anonymous
    assert data["wiki"]["api"] == "http://w/api.php"
    assert data["safety"] == tomllib.loads(template)["safety"]
    assert len(text.splitlines()) == len(template.splitlines()) + 1  # + the header line


def test_set_key_quotes_escapes_and_adds_missing_keys() -> None:
    text = "[wiki]\n# api = \"x\"\n\n[state]\npath = \"s\"\n"
    text = set_key(text, "wiki", "api", 'http://a/"b"\\')
    text = set_key(text, "wiki", "user_agent", "é")
    assert tomllib.loads(text) == {"wiki": {"api": 'http://a/"b"\\', "user_agent": "é"},
                                   "state": {"path": "s"}}
    assert set_key(text, "wiki", "user_agent", None).count("# user_agent") == 1
