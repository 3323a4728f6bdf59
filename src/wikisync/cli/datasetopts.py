"""``--encoding`` and ``--sheet``: how to read the dataset, for every command with ``--dataset``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from wikisync.config import Config

F = TypeVar("F", bound=Callable[..., Any])


def dataset_read_options(func: F) -> F:
    """Add ``--encoding`` and ``--sheet`` (they override ``[dataset] encoding`` / ``sheet``)."""
    func = click.option("--sheet", metavar="NAME",
                        help="Sheet of an .xlsx/.ods dataset (default: [dataset] sheet, "
                             "else the first).")(func)
    return click.option("--encoding", metavar="NAME",
                        help="Encoding of a CSV dataset: utf-8, cp1252, latin-1 (default: "
                             "[dataset] encoding, else UTF-8, else cp1252 with a warning)."
                        )(func)


def with_read_options(config: Config, encoding: str | None, sheet: str | None) -> Config:
    """The config with the command line's encoding and sheet (an unknown encoding: exit 2)."""
    if encoding is not None:
        from wikisync.dataset import check_encoding  # here: keep the CLI's start light

        check_encoding(encoding)
    dataset = replace(config.dataset, encoding=encoding or config.dataset.encoding,
                      sheet=sheet or config.dataset.sheet)
    return replace(config, dataset=dataset)
