"""Config: precedence flag > env > file > defaults, and errors that name the key and file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from wikisync.config import load_config, read_password_file
from wikisync.errors import ConfigError, redact

BASIC = """
[wiki]
api = "http://127.0.0.1:1/api.php"
username = "Bot@app"
user_agent = "wikisync-test/0 (test@example.org)"

[state]
path = "state.sqlite"
"""


def write(tmp_path: Path, text: str, name: str = "wikisync.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_any_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config(env={})
    assert config.wiki.api is None
    assert config.schema.fiche_template == "Fiche initiative"
    assert config.schema.type_by_key("hebergement").hex == "#2b6cb0"
    assert config.rules["map_links"] is True
    assert config.dataset.owns == {"coordinates": "fill", "website": "fill"}


def test_file_values_and_relative_state_path(tmp_path: Path) -> None:
    path = write(tmp_path, BASIC)
    config = load_config(str(path), env={})
    assert config.wiki.api == "http://127.0.0.1:1/api.php"
    assert config.wiki.username == "Bot@app"
    assert config.state_path == str(tmp_path / "state.sqlite")
    assert config.source == str(path)


def test_env_overrides_file_and_flag_overrides_env(tmp_path: Path) -> None:
    path = write(tmp_path, BASIC)
    env = {"WIKISYNC_API": "http://127.0.0.1:2/api.php", "WIKISYNC_USERNAME": "Other@app"}
    config = load_config(str(path), env=env)
    assert config.wiki.api == "http://127.0.0.1:2/api.php"
    assert config.wiki.username == "Other@app"
    flagged = load_config(str(path), env=env, overrides={"wiki.api": "http://127.0.0.1:3/api.php"})
    assert flagged.wiki.api == "http://127.0.0.1:3/api.php"
    assert flagged.wiki.username == "Other@app"


def test_config_file_from_env_and_flag_wins(tmp_path: Path) -> None:
    env_file = write(tmp_path, BASIC.replace("Bot@app", "FromEnv@app"), "env.toml")
    flag_file = write(tmp_path, BASIC.replace("Bot@app", "FromFlag@app"), "flag.toml")
    assert load_config(env={"WIKISYNC_CONFIG": str(env_file)}).wiki.username == "FromEnv@app"
    config = load_config(str(flag_file), env={"WIKISYNC_CONFIG": str(env_file)})
    assert config.wiki.username == "FromFlag@app"


def test_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found: .*nope.toml"):
        load_config(str(tmp_path / "nope.toml"), env={})
    with pytest.raises(ConfigError, match="from WIKISYNC_CONFIG"):
        load_config(env={"WIKISYNC_CONFIG": str(tmp_path / "gone.toml")})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[wiki]\napi = 3\n", r"\[wiki\]: api must be str, not int"),
        ("[wiki]\nfoo = 1\n", r"unknown key \[wiki\] foo"),
        ("[nonsense]\n", r"unknown section \[nonsense\]"),
        ("[wiki\n", "invalid TOML"),
        ('[wiki]\npassword = "x"\n', "password must not be in the config file"),
        ("[safety]\nedit_interval = -1\n", "edit_interval must be >= 0"),
        ('[map]\nlink = "https://x/{lattitude}"\n', "bad placeholder"),
        ('[dataset]\nowns = { website = "maybe" }\n', "owns.website must be 'fill' or 'overwrite'"),
        ('[schema.types.projet]\nhex = "yellow"\n', "types.projet.hex"),
    ],
)
def test_bad_values_name_the_key_and_the_file(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as info:
        load_config(str(path), env={})
    assert str(path) in str(info.value)


def test_schema_overrides(tmp_path: Path) -> None:
    text = """
[schema.templates]
fiche = "Fiche pôle"
[schema.params]
website = ["site officiel", "site"]
[schema.types.projet]
hex = "#ffff00"
"""
    config = load_config(str(write(tmp_path, text)), env={})
    assert config.schema.fiche_template == "Fiche pôle"
    assert config.schema.param_names("website") == ("site officiel", "site")
    assert config.schema.type_by_key("projet").hex == "#ffff00"
    assert config.schema.type_by_key("projet").label == "pôle en projet"


def test_password_from_env_is_registered_for_redaction(tmp_path: Path) -> None:
    config = load_config(str(write(tmp_path, BASIC)), env={"WIKISYNC_PASSWORD": "s3cretvalue42"})
    assert config.wiki.password == "s3cretvalue42"
    assert "s3cretvalue42" not in repr(config)
    assert redact("login failed for s3cretvalue42") == "login failed for ***"


def test_password_file_must_be_private(tmp_path: Path) -> None:
    secret = tmp_path / "password"
    secret.write_text("filesecret99\n", encoding="utf-8")
    os.chmod(secret, 0o644)
    text = BASIC.replace(
        'user_agent', 'password_file = "password"\nuser_agent'
    )
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match="readable by others .*chmod 600"):
        load_config(str(path), env={})
    os.chmod(secret, 0o600)
    assert load_config(str(path), env={}).wiki.password == "filesecret99"
    # the env password wins over the file
    assert load_config(str(path), env={"WIKISYNC_PASSWORD": "envsecret77"}).wiki.password == (
        "envsecret77"
    )
    assert read_password_file(str(secret)) == "filesecret99"


def test_require_wiki_names_what_is_missing(tmp_path: Path) -> None:
    config = load_config(str(write(tmp_path, "[state]\npath = 'x.sqlite'\n")), env={})
    with pytest.raises(ConfigError, match=r"\[wiki\] api is not set"):
        config.require_wiki()
    config = load_config(str(write(tmp_path, "[wiki]\napi = 'http://127.0.0.1/api.php'\n")),
                         env={})
    with pytest.raises(ConfigError, match="user_agent is required"):
        config.require_wiki()


def test_redact_masks_secret_like_pairs() -> None:
    text = redact("POST lgpassword=hunter2abc&lgtoken=abc123+\\ cookie: sessid=zzz")
    assert "hunter2abc" not in text
    assert "abc123" not in text
    assert "zzz" not in text


def test_example_config_loads_and_documents_every_key() -> None:
    from wikisync.config import _KNOWN

    example = Path(__file__).parent.parent / "config.example.toml"
    config = load_config(str(example), env={})
    assert config.wiki.user_agent
    text = example.read_text(encoding="utf-8")
    for section, keys in _KNOWN.items():
        assert f"[{section}" in text, section
        for key in keys - {"password"}:
            assert key in text, f"[{section}] {key} is not documented in config.example.toml"


def test_redact_leaves_ordinary_words_alone() -> None:
    for text in ("Permission denied",
                 "[wiki] password_file wikisync.password: No such file or directory",
                 "badtoken: Invalid CSRF token.", "session lost and could not be restored",
                 "the token: is missing", "password_file = 'wikisync.password'"):
        assert redact(text) == text


def test_redact_masks_json_pairs_cookies_and_registered_values() -> None:
    text = redact('{"lgpassword": "hunter2abc", "csrftoken": "ab12+\\\\"} '
                  "Set-Cookie: my_wiki_session=q1w2e3; path=/ and wikidb_session=zz9")
    assert "hunter2abc" not in text and "ab12" not in text
    assert "q1w2e3" not in text and "zz9" not in text
    assert '"lgpassword": "***"' in text
