"""The import rules of docs/architecture.md, enforced by reading ``src/wikisync`` with ``ast``.

A *unit* is a package of ``wikisync`` (``sync``, ``api``, ``config``…) or a top-level
module (``hubs``, ``text``…). ``ALLOWED`` says which units each unit may import; an entry
``"parse.diff"`` would allow that one module of a unit. ``THIRD_PARTY`` says which units may
import a library; ``CONFIG_READERS`` and ``ENVIRONMENT`` who may read the configuration
and the environment. Change a rule here and in docs/architecture.md together.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src" / "wikisync"
DOC = Path(__file__).parents[1] / "docs" / "architecture.md"

# plain data, exceptions, the messages, the write rules' names
BASE = {"errors", "text", "schema", "model", "i18n", "rulenames"}
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "text": set(),
    "schema": {"errors", "text"},
    "model": {"errors", "schema", "text"},
    "config": {"errors", "schema", "rulenames"},
    "logs": {"errors"},
    "resources": {"errors"},
    "files": {"errors"},
    "ui": set(),
    "i18n": set(),
    "rulenames": set(),
    "comparisons": {"text"},
    "hubs": BASE,
    "parse": BASE,
    "store": BASE,
    "api": {"config", "errors"},
    "dataset": BASE | {"parse", "hubs"},
    "export": BASE | {"config", "hubs", "resources"},
    "write": BASE | {"config", "parse", "store", "api"},
    "audit": BASE | {"config", "hubs", "parse", "dataset", "store", "comparisons", "write",
                     "resources"},
    "generate": BASE | {"config", "hubs", "parse", "dataset", "store", "export",
                        "comparisons", "write", "resources"},
    "sync": BASE | {"config", "hubs", "parse", "dataset", "store", "api", "export", "write",
                    "comparisons"},
    "revert": BASE | {"config", "parse", "store", "api", "write"},
    "watch": BASE | {"config", "store", "api"},
    "ops": BASE | {"config", "hubs", "parse", "dataset", "store", "api", "export", "write",
                   "comparisons",
                   "generate", "audit", "sync", "watch", "logs", "resources", "files"},
    "cli": BASE | {"config", "hubs", "parse", "dataset", "store", "api", "export", "write",
                   "comparisons",
                   "generate", "audit", "sync", "watch", "ops", "revert", "logs", "ui",
                   "resources", "files", "__init__"},
    "devwiki": {"errors"},
    "__main__": {"cli"},
    "__init__": BASE | {"parse"},  # the public API (docs/api.md), loaded lazily
}
# Library (or stdlib module) -> the units, or unit.module, that may import it.
THIRD_PARTY: dict[str, set[str]] = {
    "requests": {"api"},
    "tenacity": {"api"},
    "geopy": {"api"},
    "urllib.request": {"api", "devwiki"},
    "http.client": {"api", "devwiki"},
    "mwparserfromhell": {"parse"},
    "sqlite3": {"store", "devwiki"},  # devwiki: MediaWiki's own database, never ours
    "click": {"cli"},
    "rich": {"cli", "ui", "audit.render"},
    "tomllib": {"config"},
    "python_calamine": {"dataset"},
}
CONFIG_LOADERS = {"load_config", "find_config_file", "read_password_file"}
CONFIG_LOAD_MODULE = "wikisync.config.load"  # the module that holds them
CONFIG_READERS = {"cli", "config"}
ENVIRONMENT = {"config", "cli", "devwiki", "parse.tree"}  # parse.tree: WIKISYNC_TOKENIZER


@dataclass(frozen=True)
class Module:
    """One source file: its unit, its dotted name inside wikisync, and its tree."""

    path: Path
    unit: str
    name: str
    tree: ast.Module

    def allows(self, rules: set[str]) -> bool:
        """Whether a rule set names this module's unit or this very module."""
        return self.unit in rules or self.name in rules


def modules(root: Path) -> Iterator[Module]:
    """Every ``.py`` file under ``root`` (the wikisync package)."""
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        unit = parts[0]
        name = ".".join(p for p in parts if p != "__init__") or "__init__"
        yield Module(path, unit, name, ast.parse(path.read_text(encoding="utf-8")))


def annotation_only(tree: ast.Module) -> set[int]:
    """The ids of the nodes under ``if TYPE_CHECKING:`` (imports never executed)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(inner) for child in node.body for inner in ast.walk(child)}
    return skipped


def imported(module: Module, runtime: bool = False) -> Iterator[tuple[int, list[str]]]:
    """(line, readings) of every imported name: ``from a import b`` reads as ``a`` or ``a.b``.

    An import breaks a rule only when every reading does (``b`` may be a module or not).
    ``runtime``: leave out the annotation-only imports (under ``if TYPE_CHECKING:``); lazy
    imports inside functions are in either way.
    """
    package = ["wikisync", *module.name.split(".")]
    if module.path.name != "__init__.py":
        package = package[:-1]
    skipped = annotation_only(module.tree) if runtime else set()
    for node in ast.walk(module.tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            yield from ((node.lineno, [alias.name]) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[:len(package) - node.level + 1] + ([base] if base else []))
            yield from ((node.lineno, [base, f"{base}.{alias.name}"]) for alias in node.names)


def internal_target(name: str) -> str | None:
    """``write.writer`` for ``wikisync.write.writer.X``; ``__init__`` for ``wikisync``."""
    if name == "wikisync":
        return "__init__"
    if not name.startswith("wikisync."):
        return None
    return ".".join(name.split(".")[1:3])


def problem(module: Module, name: str) -> str | None:
    """Why this module may not import ``name`` (None when it may)."""
    target = internal_target(name)
    if target is not None:
        unit = target.split(".")[0]
        rules = ALLOWED.get(module.unit, set())
        if unit == module.unit or unit in rules or target in rules:
            return None
        return f"{module.unit} may not import wikisync.{target}"
    for library, users in THIRD_PARTY.items():
        if (name == library or name.startswith(library + ".")) and not module.allows(users):
            return f"only {sorted(users)} may import {library} ({module.name})"
    return None


def import_violations(module: Module) -> Iterator[str]:
    """Internal imports the unit may not make, and libraries it may not use."""
    for line, readings in imported(module):
        problems = [problem(module, name) for name in readings]
        if all(problems):
            yield f"{module.name}:{line}: {problems[0]}"


def loaders_imported(node: ast.AST) -> set[str]:
    """The config loaders an import brings in: by name from ``wikisync.config`` or one of
    its modules, or the module that holds them (``wikisync.config.load``) itself."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name == CONFIG_LOAD_MODULE}
    if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
        return set()
    names = {alias.name for alias in node.names}
    if node.module == "wikisync.config":
        return names & (CONFIG_LOADERS | {"load"})
    return names & CONFIG_LOADERS if node.module.startswith("wikisync.config.") else set()


def config_violations(module: Module) -> Iterator[str]:
    """Config loaded outside the CLI, or the environment read outside the allowed places."""
    for node in ast.walk(module.tree):
        loaders = loaders_imported(node)
        if loaders and not module.allows(CONFIG_READERS):
            yield f"{module.name}:{node.lineno}: imports {sorted(loaders)} (only the CLI " \
                  "reads the config; pass the Config down)"
        names = {"environ", "getenv", "environb"}
        is_env = (isinstance(node, ast.Attribute) and node.attr in names) or (
            isinstance(node, ast.Name) and node.id in names)
        if is_env and not module.allows(ENVIRONMENT):
            yield f"{module.name}:{node.lineno}: reads the environment (only {sorted(ENVIRONMENT)})"


def write_violations(module: Module) -> Iterator[str]:
    """A page written outside the write unit: the gateway's ``edit``/``create`` called, or
    a ``PageWriter`` built (every writer comes from a ``WriteSession``, which logs the run)."""
    if module.unit in ("api", "write"):
        return
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.Call):
            continue
        if (isinstance(node.func, ast.Attribute) and node.func.attr in ("edit", "create")
                and "gateway" in ast.unparse(node.func.value).lower()):
            yield f"{module.name}:{node.lineno}: writes a page without PageWriter " \
                  "(only wikisync.write calls the gateway's edit)"
        if ast.unparse(node.func).split(".")[-1] == "PageWriter":
            yield f"{module.name}:{node.lineno}: builds a PageWriter outside a WriteSession"


def violations(root: Path) -> list[str]:
    """Every rule broken under ``root``."""
    found: list[str] = []
    for module in modules(root):
        if module.unit not in ALLOWED:
            found.append(f"{module.name}: unit {module.unit!r} is not in the rules")
            continue
        found += import_violations(module)
        found += config_violations(module)
        found += write_violations(module)
    return found


def test_the_source_tree_follows_the_rules() -> None:
    assert violations(SRC) == []


def test_every_unit_is_documented() -> None:
    doc = DOC.read_text(encoding="utf-8")
    missing = [unit for unit in ALLOWED if unit not in ("__main__", "__init__")
               and f"`{unit}`" not in doc]
    assert missing == []
    assert all(f"`{library}`" in doc for library in THIRD_PARTY)


@pytest.mark.parametrize(("path", "source", "message"), [
    ("sync/bad.py", "import requests\n", "only ['api'] may import requests"),
    ("sync/bad.py", "from requests.adapters import HTTPAdapter\n", "may import requests"),
    ("export/bad.py", "import mwparserfromhell\n", "may import mwparserfromhell"),
    ("audit/bad.py", "import sqlite3\n", "may import sqlite3"),
    ("ops/bad.py", "import click\n", "may import click"),
    ("parse/bad.py", "from wikisync.sync.run import sync\n", "parse may not import"),
    ("store/bad.py", "from ..api import Gateway\n", "store may not import wikisync.api"),
    ("ops/bad.py", "from wikisync.cli.main import cli\n", "ops may not import wikisync.cli"),
    ("generate/bad.py", "from wikisync.sync.run import SyncRun\n", "may not import"),
    ("sync/bad.py", "from wikisync.config import load_config\n", "only the CLI reads"),
    ("sync/bad.py", "from wikisync.config.load import load_config\n", "only the CLI reads"),
    ("ops/bad.py", "from wikisync.config import load\n", "only the CLI reads"),
    ("ops/bad.py", "import wikisync.config.load\n", "only the CLI reads"),
    ("sync/bad.py", "import os\nx = os.environ['A']\n", "reads the environment"),
    ("generate/bad.py", "def f(gateway):\n    gateway.edit('T', 'x', None, 's')\n",
     "without PageWriter"),
    ("ops/bad.py", "def f(self):\n    self.gateway.edit('T', 'x', None, 's')\n",
     "only wikisync.write calls the gateway's edit"),
    ("cli/bad.py", "def f(g, s, c):\n    return PageWriter(g, s, c, 1)\n",
     "builds a PageWriter outside a WriteSession"),
    ("audit/bad.py", "from wikisync.write import writer\nw = writer.PageWriter(1, 2, 3, 4)\n",
     "outside a WriteSession"),
    ("sync/bad.py", "from wikisync.generate.run import generate_blocks\n",
     "sync may not import wikisync.generate"),
    ("write/bad.py", "from wikisync.sync.run import sync\n", "write may not import"),
    ("newunit/bad.py", "x = 1\n", "not in the rules"),
])
def test_the_checker_catches_a_broken_rule(tmp_path: Path, path: str, source: str,
                                           message: str) -> None:
    file = tmp_path / "wikisync" / path
    file.parent.mkdir(parents=True)
    file.write_text(source, encoding="utf-8")
    found = violations(tmp_path / "wikisync")
    assert len(found) == 1 and message in found[0], found


@pytest.mark.parametrize("source", [
    "from wikisync.write import PageWriter\n",  # generate writes through the write unit
    "from wikisync.comparisons import same_text\n",
    "from urllib.parse import quote\n",
    "from . import lists\n",
])
def test_the_checker_allows_what_the_rules_allow(tmp_path: Path, source: str) -> None:
    file = tmp_path / "wikisync" / "generate" / "ok.py"
    file.parent.mkdir(parents=True)
    file.write_text(source, encoding="utf-8")
    assert violations(tmp_path / "wikisync") == []


# --- no import cycle, between units or between modules --------------------------------------


def module_of(name: str, known: set[str]) -> str | None:
    """The module of wikisync an import reading names (its longest known prefix), or None."""
    if name == "wikisync":
        return "__init__"
    if not name.startswith("wikisync."):
        return None
    parts = name.split(".")[1:]
    return next((".".join(parts[:n]) for n in range(len(parts), 0, -1)
                 if ".".join(parts[:n]) in known), None)


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the modules of wikisync it imports when it runs (lazy imports included)."""
    found = list(modules(root))
    known = {module.name for module in found}
    graph: dict[str, set[str]] = {module.name: set() for module in found}
    for module in found:
        for _, readings in imported(module, runtime=True):
            targets = [t for t in (module_of(r, known) for r in readings) if t is not None]
            if targets:
                graph[module.name].add(max(targets, key=len))
        graph[module.name].discard(module.name)
    return graph


def unit_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The same graph between units (a unit's modules importing another unit's)."""
    units: dict[str, set[str]] = {}
    for name, targets in graph.items():
        unit = name.split(".")[0]
        units.setdefault(unit, set()).update(t.split(".")[0] for t in targets)
        units[unit].discard(unit)
    return units


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path (``a, b, a``), or None when it has none."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        """Depth first from ``node``; the cycle closing on the current path, if any."""
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def cycle_violations(root: Path) -> list[str]:
    """An import cycle between units, and one between modules, as one line each."""
    graph = import_graph(root)
    found = []
    for level, cycle in (("units", find_cycle(unit_graph(graph))), ("modules", find_cycle(graph))):
        if cycle:
            found.append(f"import cycle between {level}: {' -> '.join(cycle)}")
    return found


def test_the_import_graph_has_no_cycle() -> None:
    assert cycle_violations(SRC) == []


@pytest.mark.parametrize(("files", "expected"), [
    ({"a/x.py": "from wikisync.b.y import f\n", "b/y.py": "from wikisync.a.z import g\n",
      "a/z.py": "g = 1\n"},
     ["import cycle between units: a -> b -> a"]),
    ({"a/x.py": "from .y import f\n",
      "a/y.py": "def f():\n    from wikisync.a.x import g  # lazy: still a cycle\n"},
     ["import cycle between modules: a.x -> a.y -> a.x"]),
    ({"a/x.py": "from wikisync.b import f\n", "b/__init__.py": "from wikisync.b.y import f\n",
      "b/y.py": "from wikisync.a import x\n"},
     ["import cycle between units: a -> b -> a",
      "import cycle between modules: a.x -> b -> b.y -> a.x"]),
    ({"a/x.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                "    from wikisync.b.y import T\n", "b/y.py": "from wikisync.a.x import f\n"},
     []),  # annotation-only imports never run
])
def test_the_cycle_checker_catches_a_planted_cycle(tmp_path: Path, files: dict[str, str],
                                                   expected: list[str]) -> None:
    for path, source in files.items():
        file = tmp_path / "wikisync" / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(source, encoding="utf-8")
    assert cycle_violations(tmp_path / "wikisync") == expected


# --- declared dependencies: each one imported, each import declared ----------------------

PYPROJECT = Path(__file__).parents[1] / "pyproject.toml"
BENCH = Path(__file__).parents[1] / "bench"
# Distribution name -> import name, where they differ (others: lower case, "-" -> "_").
IMPORT_NAMES: dict[str, str] = {"pyyaml": "yaml", "beautifulsoup4": "bs4"}


def import_name(requirement: str) -> str:
    """The top-level module a requirement such as ``"Jinja2>=3.1"`` installs."""
    name = re.split(r"[\s<>=!~;\[(]", requirement.strip(), maxsplit=1)[0].lower()
    return IMPORT_NAMES.get(name, name.replace("-", "_").replace(".", "_"))


def declared(pyproject_text: str) -> tuple[set[str], set[str]]:
    """The import names of ``[project] dependencies`` and of the ``bench`` extra."""
    project = tomllib.loads(pyproject_text)["project"]
    bench = project.get("optional-dependencies", {}).get("bench", [])
    return ({import_name(r) for r in project.get("dependencies", [])},
            {import_name(r) for r in bench})


def local_modules(*roots: Path) -> set[str]:
    """Names importable from the checkout itself (a bench's sibling, a test helper)."""
    return {path.stem for root in roots for path in root.rglob("*.py")} | {"wikisync"}


def third_party(root: Path, local: set[str]) -> dict[str, str]:
    """Every non-stdlib, non-local top-level module imported under ``root`` -> its first use."""
    found: dict[str, str] = {}
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            else:
                continue
            for top in {name.split(".")[0] for name in names}:
                if top not in sys.stdlib_module_names and top not in local:
                    found.setdefault(top, f"{path.relative_to(root)}:{node.lineno}")
    return found


def dependency_violations(pyproject_text: str, src: Path, bench: Path,
                          tests: Path | None = None) -> list[str]:
    """Declared dependencies nothing imports, and imports nothing declares."""
    runtime, extra = declared(pyproject_text)
    local = local_modules(bench, *([tests] if tests else []))
    in_src, in_bench = third_party(src, local), third_party(bench, local)
    found = [f"dependency {name!r} is declared but src/ never imports it"
             for name in sorted(runtime - set(in_src))]
    found += [f"bench extra {name!r} is declared but bench/ never imports it"
              for name in sorted(extra - set(in_bench))]
    found += [f"{where}: imports {name!r}, which [project] dependencies do not declare"
              for name, where in sorted(in_src.items()) if name not in runtime]
    found += [f"bench/{where}: imports {name!r}, which neither the dependencies nor the "
              "bench extra declare" for name, where in sorted(in_bench.items())
              if name not in runtime | extra]
    return found


def test_every_declared_dependency_is_imported_and_every_import_declared() -> None:
    assert dependency_violations(PYPROJECT.read_text(encoding="utf-8"), SRC, BENCH,
                                 SRC.parents[1] / "tests") == []


FAKE_PYPROJECT = """[project]
name = "x"
dependencies = ["requests>=2", "Jinja2>=3.1"]
[project.optional-dependencies]
bench = ["mwclient>=0.11"]
"""


@pytest.mark.parametrize(("pyproject", "src", "bench", "message"), [
    (FAKE_PYPROJECT.replace('"Jinja2>=3.1"', '"Jinja2>=3.1", "geopy>=2"'),
     "import requests\nimport jinja2\n", "import mwclient\n",
     "dependency 'geopy' is declared but src/ never imports it"),
    (FAKE_PYPROJECT, "import requests\nfrom jinja2 import Environment\n", "import os\n",
     "bench extra 'mwclient' is declared but bench/ never imports it"),
    (FAKE_PYPROJECT, "import requests\nimport jinja2\nimport urllib3.util\n",
     "import mwclient\n", "imports 'urllib3', which [project] dependencies do not declare"),
    (FAKE_PYPROJECT, "import requests\nimport jinja2\n", "import mwclient\nimport pywikibot\n",
     "imports 'pywikibot', which neither the dependencies nor the bench extra declare"),
])
def test_the_dependency_checker_catches_an_untrue_dependency(
        tmp_path: Path, pyproject: str, src: str, bench: str, message: str) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.py").write_text(src + "import os\nfrom . import b\n", "utf-8")
    (tmp_path / "bench").mkdir()
    (tmp_path / "bench" / "b.py").write_text(bench + "from wikisync.parse import x\n"
                                             "import helper\n", "utf-8")
    (tmp_path / "bench" / "helper.py").write_text("import os\n", "utf-8")  # a local module
    found = dependency_violations(pyproject, tmp_path / "src", tmp_path / "bench")
    assert len(found) == 1 and message in found[0], found


def test_import_names_of_requirements() -> None:
    assert [import_name(r) for r in ("Jinja2>=3.1", "mwparserfromhell>=0.6", "PyYAML",
                                     "typing-extensions; python_version<'3.12'")] == [
        "jinja2", "mwparserfromhell", "yaml", "typing_extensions"]
