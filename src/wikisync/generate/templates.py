"""The Jinja2 environment for generated wikitext: where templates are, filters, strict errors.

Templates are looked up in the user's folder (``[generate] templates``) first, then in the
shipped ``templates/`` folder. The shipped folder is found as package data
(``wikisync/templates``, a link to the repository's ``templates/`` that wheels copy), else
as the repository's ``templates/`` next to ``src/`` (a source checkout).

A variable a template uses but is not given is an error (``StrictUndefined``), raised as a
``TemplateError`` naming the template and the variable, on one line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2

from wikisync.errors import EXIT_USAGE, WikisyncError
from wikisync.generate.mappage import escape_text
from wikisync.i18n import Messages, messages
from wikisync.parse import escape_value
from wikisync.resources import templates_dir

_BAD_TEMPLATE_NAME = re.compile(r"[{}\[\]|<>#\n]")


class TemplateError(WikisyncError):
    """A generation template is missing, invalid, or uses a variable it was not given."""

    exit_code = EXIT_USAGE


def shipped_templates_dir() -> Path:
    """The folder of the templates shipped with wikisync (package data or source checkout)."""
    return templates_dir()


def search_path(templates_dir: str | Path | None = None) -> list[str]:
    """The folders searched for a template, first match wins."""
    folders = [str(templates_dir)] if templates_dir else []
    return [*folders, str(shipped_templates_dir())]


def wiki_value(value: Any) -> str:
    """A value safe as a template parameter and, once substituted, in a table cell."""
    if value is None:
        return ""
    text = escape_value(str(value))
    return text if text.startswith("<nowiki>") else text.replace("{{!}}", "&#124;")


def wiki_text(value: Any) -> str:
    """Plain text safe in running wikitext (no links, templates, tags, bold)."""
    return "" if value is None else escape_text(str(value))


def template_call(name: str, params: Mapping[str, Any]) -> str:
    """``{{name|p=v|…}}`` on one line: values escaped, empty ones left out, order kept."""
    check_template_name(name)
    parts = [name]
    for key, value in params.items():
        if value is not None and str(value).strip():
            parts.append(f"{key}={wiki_value(value)}")
    return "{{" + "|".join(parts) + "}}"


def check_template_name(name: str) -> str:
    """The name, if it can be a template name; else ``ValueError``."""
    if not name.strip() or _BAD_TEMPLATE_NAME.search(name):
        raise ValueError(f"not a template name: {name!r}")
    return name


def environment(templates_dir: str | Path | None = None,
                m: Messages | None = None) -> jinja2.Environment:
    """The Jinja2 environment: strict, deterministic, ``wiki``/``text`` filters, and ``t``,
    the message catalog of the wiki's language (French by default)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search_path(templates_dir)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["wiki"] = wiki_value
    env.filters["text"] = wiki_text
    env.globals["call"] = template_call
    env.globals["t"] = m or messages()
    return env


def render(env: jinja2.Environment, name: str, context: Mapping[str, Any]) -> str:
    """Render one template; every Jinja failure becomes a one-line ``TemplateError``."""
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateNotFound:
        where = ", ".join(getattr(env.loader, "searchpath", []))
        raise TemplateError(f"template {name} not found (looked in {where})") from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"template {name}: undefined variable: {_one_line(exc)}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"template {exc.name or name} line {exc.lineno}: "
                            f"{_one_line(exc)}") from None
    except (jinja2.TemplateError, ValueError, TypeError) as exc:
        raise TemplateError(f"template {name}: {_one_line(exc)}") from None


def _one_line(exc: Exception) -> str:
    """An exception's message on one line."""
    return " ".join(str(getattr(exc, "message", None) or exc).split())
