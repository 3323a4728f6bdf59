"""Config: precedence flag > env > file > defaults, and errors that name the key and file."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from wikisync.config import (
    _KNOWN,
    Config,
    ExportConfig,
    GenerateConfig,
    GeocodeConfig,
    RulesConfig,
    WatchConfig,
    load_config,
    read_password_file,
)
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
    assert config.rules == RulesConfig(map_links=True, dataset=False, geocode=False)
    assert config.geocode == GeocodeConfig()
    assert not hasattr(config, "raw")
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


TYPED = """
[rules]
map_links = false
geocode = true

[geocode]
write = true
domain = "127.0.0.1:8"
scheme = "http"
min_delay = 0
min_score = 0.7
timeout = 3

[generate]
templates = "mes-gabarits"
region_blocks = true
fiche_title = "{name} ({commune})"

[export]
geojson = "carte.geojson"

[dataset]
path = "ref.csv"
encoding = "cp1252"
sheet = "Pôles"
"""


def test_every_section_is_typed(tmp_path: Path) -> None:
    config = load_config(str(write(tmp_path, TYPED)), env={})
    assert config.rules == RulesConfig(map_links=False, dataset=True, geocode=True)
    assert config.geocode == GeocodeConfig(write=True, domain="127.0.0.1:8", scheme="http",
                                           min_delay=0.0, min_score=0.7, timeout=3.0)
    assert isinstance(config.geocode.timeout, float)
    assert config.generate == GenerateConfig(templates=str(tmp_path / "mes-gabarits"),
                                             region_blocks=True, fiche_title="{name} ({commune})")
    assert config.export == ExportConfig(geojson=str(tmp_path / "carte.geojson"))
    assert config.export.files() == {"geojson": str(tmp_path / "carte.geojson")}
    assert (config.dataset.path, config.dataset.encoding, config.dataset.sheet) == (
        str(tmp_path / "ref.csv"), "cp1252", "Pôles")
    assert {f for f in Config.__dataclass_fields__} >= {"rules", "geocode", "generate", "export"}
    assert not {"templates_dir", "region_blocks", "fiche_title", "exports"} & set(
        Config.__dataclass_fields__)  # [generate] and [export] only as their own sections
    assert "raw" not in Config.__dataclass_fields__


def test_dataset_rule_follows_the_dataset_path_unless_set(tmp_path: Path) -> None:
    assert load_config(str(write(tmp_path, "[state]\npath = 'x'\n")), env={}).rules.dataset is False
    assert load_config(str(write(tmp_path, "[dataset]\npath = 'r.csv'\n")),
                       env={}).rules.dataset is True
    text = "[dataset]\npath = 'r.csv'\n[rules]\ndataset = false\n"
    assert load_config(str(write(tmp_path, text)), env={}).rules.dataset is False
    flagged = load_config(str(write(tmp_path, text)), env={},
                          overrides={"rules.dataset": True, "dataset.path": "autre.csv"})
    assert flagged.rules.dataset is True and flagged.dataset.path == "autre.csv"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[rules]\ngeocode = 1\n", r"\[rules\]: geocode must be bool, not int"),
        ("[rules]\nsync = true\n", r"unknown key \[rules\] sync"),
        ('[geocode]\nscheme = "ftp"\n', r"\[geocode\]: scheme must be 'http' or 'https'"),
        ('[geocode]\nwrite = "yes"\n', r"\[geocode\]: write must be bool, not str"),
        ("[geocode]\nmin_delay = true\n", r"\[geocode\]: min_delay must be int/float, not bool"),
        ("[geocode]\ntimeout = -1\n", r"\[geocode\]: timeout must be >= 0"),
        ("[geocode]\nzoom = 3\n", r"unknown key \[geocode\] zoom"),
        ("[generate]\nregion_blocks = 'oui'\n", r"\[generate\]: region_blocks must be bool"),
        ("[generate]\ntemplates = 3\n", r"\[generate\]: templates must be str, not int"),
        ("[generate]\nlists = true\n", r"unknown key \[generate\] lists"),
        ("[export]\ngeojson = 3\n", r"\[export\]: geojson must be str, not int"),
        ("[export]\nshapefile = 'x.shp'\n", r"unknown key \[export\] shapefile"),
        ("[generate]\nfiche_title = 3\n", r"\[generate\]: fiche_title must be str, not int"),
        ("[generate]\nregion_blocks = 1\n", r"\[generate\]: region_blocks must be bool, not int"),
        ("[export]\nhtml = true\n", r"\[export\]: html must be str, not bool"),
        ("[export]\njson = ['a']\n", r"\[export\]: json must be str, not list"),
        ('[map]\nzoom = 3\n', r"unknown key \[map\] zoom"),
        ('[map]\ntiles = 3\n', r"\[map\]: tiles must be str, not int"),
        ("[dataset]\nencoding = 'klingon'\n", r"\[dataset\]: unknown encoding 'klingon'"),
        ("[dataset]\nsheet = 2\n", r"\[dataset\]: sheet must be str, not int"),
        ("[safety]\nmax_edits = -2\n", r"\[safety\]: max_edits must be >= 0"),
        ("[wiki]\nmaxlag = true\n", r"\[wiki\]: maxlag must be int, not bool"),
        ("[state]\nfile = 'x'\n", r"unknown key \[state\] file"),
        ("[daemon]\n", r"unknown section \[daemon\]"),
        ("[watch]\ninterval = 0\n", r"\[watch\]: interval must be > 0"),
        ("[watch]\nquiet = -1\n", r"\[watch\]: quiet must be >= 0"),
        ("[watch]\ninterval = 30\nmax_interval = 20\n", r"max_interval must be >= interval"),
        ("[watch]\ninterval = true\n", r"interval must be int/float, not bool"),
        ("[watch]\nidle = 3\n", r"unknown key \[watch\] idle"),
    ],
)
def test_every_section_is_checked_at_load(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as info:
        load_config(str(path), env={})
    assert str(path) in str(info.value)


def test_flag_beats_env_beats_file_beats_defaults(tmp_path: Path) -> None:
    text = BASIC + "\n[safety]\nmax_edits = 7\nrun_word = 'go'\n"
    path = write(tmp_path, text)
    env = {"WIKISYNC_API": "http://127.0.0.1:2/api.php", "WIKISYNC_STATE": "env.sqlite",
           "WIKISYNC_USER_AGENT": "env-agent/1"}
    flags = {"wiki.api": "http://127.0.0.1:3/api.php", "safety.max_edits": 2,
             "geocode.write": None}
    config = load_config(str(path), env=env, overrides=flags)
    assert config.wiki.api == "http://127.0.0.1:3/api.php"  # flag over env over file
    assert config.state_path == "env.sqlite"  # env over file; as given, not in the file's folder
    assert config.wiki.user_agent == "env-agent/1"  # env over file
    assert config.safety.max_edits == 2  # flag over file
    assert config.safety.run_word == "go"  # file over defaults
    assert config.safety.edit_interval == 10.0  # defaults
    assert config.geocode.write is False  # None: the flag was not given
    state = load_config(str(path), env=env, overrides={"state.path": "flag.sqlite"})
    assert state.state_path == "flag.sqlite"  # flag over env


def test_overrides_are_checked_like_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, BASIC)
    with pytest.raises(ConfigError, match=r"command line \(safety.max_edits\): max_edits must "
                                          r"be int, not str"):
        load_config(str(path), env={}, overrides={"safety.max_edits": "3"})
    with pytest.raises(ConfigError, match=r"^command line \(geocode.scheme\): scheme must be "
                                          r"'http' or 'https'$"):
        load_config(str(path), env={}, overrides={"geocode.scheme": "ftp"})
    for key in ("rules.nonsense", "nowhere.x", "wiki.password", "rules"):
        with pytest.raises(ConfigError, match=f"unknown override {key}"):
            load_config(str(path), env={}, overrides={key: True})


def test_command_line_flags_become_overrides() -> None:
    from wikisync.cli.flags import overrides

    params = {"dataset_path": "r.csv", "encoding": None, "sheet": "Pôles", "geocode": False,
              "accept_geocoded": False, "max_edits": 0, "region_blocks": None,
              "title_pattern": "{name}", "tiles": ""}
    assert overrides(params) == {
        "dataset.path": "r.csv", "rules.dataset": True, "dataset.sheet": "Pôles",
        "rules.geocode": False, "safety.max_edits": 0, "generate.fiche_title": "{name}",
        "map.tiles": ""}
    assert overrides({"dataset_path": None, "accept_geocoded": True}) == {"geocode.write": True}


def test_flags_reach_the_config_through_load_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wikisync.cli.flags import FLAG_KEYS, config_with_flags
    from wikisync.cli.main import AppContext

    extra = "\n[safety]\nmax_edits = 7\n[generate]\nfiche_title = 'F {name}'\n"
    path = write(tmp_path, BASIC + extra)
    monkeypatch.setenv("WIKISYNC_API", "http://127.0.0.1:2/api.php")
    app = AppContext(config_flag=str(path))
    config = config_with_flags(app, max_edits=2, title_pattern=None, geocode=True)
    assert app.config is config  # what the command's other steps read is the same config
    assert config.safety.max_edits == 2 and config.rules.geocode is True
    assert config.generate.fiche_title == "F {name}" and config.wiki.api == "http://127.0.0.1:2/api.php"
    every = {name: "x" for name in FLAG_KEYS}  # every flag maps to a key the loader knows
    with pytest.raises(ConfigError, match="must be"):  # ...and is checked like the file's
        config_with_flags(app, **{k: v for k, v in every.items() if k != "encoding"})


def test_watch_section_defaults_file_and_flag(tmp_path: Path) -> None:
    assert load_config(env={}).watch == WatchConfig(10.0, 60.0, 2.0)
    path = write(tmp_path, "[watch]\ninterval = 4\nquiet = 0.5\n")
    assert load_config(str(path), env={}).watch == WatchConfig(4.0, 60.0, 0.5)
    flagged = load_config(str(path), env={}, overrides={"watch.interval": 2.5})
    assert flagged.watch.interval == 2.5 and flagged.watch.quiet == 0.5
    slow = load_config(str(write(tmp_path, "[watch]\ninterval = 90\n")), env={})
    assert slow.watch.max_interval == 90.0  # a long interval never backs off below itself


def test_generate_and_export_sections_defaults(tmp_path: Path) -> None:
    config = load_config(env={}, flag=str(write(tmp_path, BASIC)))
    assert config.generate == GenerateConfig(templates=None, region_blocks=False,
                                             fiche_title="{name}")
    assert config.export == ExportConfig() and config.export.files() == {}
    empty = load_config(str(write(tmp_path, "[generate]\nfiche_title = ''\n")), env={})
    assert empty.generate.fiche_title == "{name}"  # an empty pattern is the default one
    flagged = load_config(str(write(tmp_path, "[generate]\nregion_blocks = true\n")), env={},
                          overrides={"generate.region_blocks": False,
                                     "generate.fiche_title": "{name} ({commune})"})
    assert flagged.generate == GenerateConfig(None, False, "{name} ({commune})")
    with pytest.raises(ConfigError, match=r"^command line \(generate.region_blocks\): "
                                          r"region_blocks must be bool, not str$"):
        load_config(str(write(tmp_path, BASIC)), env={},
                    overrides={"generate.region_blocks": "oui"})


def test_export_files_are_relative_to_the_config_file_in_a_fixed_order(tmp_path: Path) -> None:
    text = "[export]\njson = 'out/records.json'\nkml = '/srv/carte.kml'\ngeojson = 'c.geojson'\n"
    config = load_config(str(write(tmp_path, text)), env={})
    assert config.export.files() == {"geojson": str(tmp_path / "c.geojson"),
                                     "kml": "/srv/carte.kml",
                                     "json": str(tmp_path / "out" / "records.json")}
    assert config.export.csv is None and config.export.umap is None


def state_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, file: bool = True,
              env: str | None = None) -> Any:
    """An AppContext in an empty folder: with a config file naming file.sqlite, or none."""
    from wikisync.cli.main import AppContext

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WIKISYNC_CONFIG", raising=False)
    if env is None:
        monkeypatch.delenv("WIKISYNC_STATE", raising=False)
    else:
        monkeypatch.setenv("WIKISYNC_STATE", env)
    path = write(tmp_path, "[state]\npath = 'file.sqlite'\n", "conf.toml")
    return AppContext(config_flag=str(path) if file else None)


def test_store_flag_beats_env_beats_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wikisync.cli.state import state_file

    file_path = str(tmp_path / "file.sqlite")
    assert state_file(state_app(tmp_path, monkeypatch)) == file_path
    assert state_file(state_app(tmp_path, monkeypatch), "flag.sqlite") == "flag.sqlite"
    assert state_file(state_app(tmp_path, monkeypatch, env="env.sqlite")) == "env.sqlite"
    app = state_app(tmp_path, monkeypatch, env="env.sqlite")
    assert state_file(app, "flag.sqlite") == "flag.sqlite"
    assert app.config.state_path == "flag.sqlite"  # the command's config says the same
    assert app.config.origin("state.path") == "command line (state.path)"
    bare = state_app(tmp_path, monkeypatch, file=False)
    assert state_file(bare, "flag.sqlite") == "flag.sqlite"  # --store alone is a config
    assert state_file(state_app(tmp_path, monkeypatch, file=False, env="e.sqlite")) == "e.sqlite"
    with pytest.raises(ConfigError, match="run `wikisync init`"):
        state_file(state_app(tmp_path, monkeypatch, file=False))


def test_store_flag_keeps_the_other_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wikisync.cli.flags import config_with_flags
    from wikisync.cli.state import state_file

    app = state_app(tmp_path, monkeypatch)
    first = config_with_flags(app, max_edits=3, region_blocks=True)
    assert app.config is first and config_with_flags(app) is first  # nothing new: no reload
    assert state_file(app, "flag.sqlite") == "flag.sqlite"
    assert (app.config.safety.max_edits, app.config.generate.region_blocks) == (3, True)
    assert config_with_flags(app, max_edits=4).state_path == "flag.sqlite"


@pytest.mark.parametrize(("store", "env", "named"), [
    ("state", None, "--store"), (None, "state", "$WIKISYNC_STATE"),
    (None, None, "[state] path")])
def test_a_state_folder_is_named_by_what_gave_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 store: str | None, env: str | None,
                                                 named: str) -> None:
    from wikisync.cli.state import state_file

    (tmp_path / "state").mkdir()
    (tmp_path / "file.sqlite").mkdir()
    app = state_app(tmp_path, monkeypatch, env=env)
    folder = "state" if store or env else str(tmp_path / "file.sqlite")
    with pytest.raises(ConfigError, match=rf"^{re.escape(named)} {re.escape(folder)} is a "
                                          r"folder, not a state file: name a file, e\.g\. "):
        state_file(app, store)
