"""``--encoding`` and ``--sheet``: how to read the dataset, for every command with ``--dataset``.

They reach the core as ``[dataset] encoding`` / ``sheet`` overrides (``cli.flags``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

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
