"""Record exports (JSON, CSV) from stored records: no wiki access.

Formats are looked up in ``EXPORTERS`` (name -> writer), so a later format (GeoJSON, KML,
uMap, HTML) is one more entry, and ``wikisync export`` dispatches on the table.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TextIO

from wikisync.model import RECORD_FIELDS, Record

Writer = Callable[[Iterable[Record], TextIO], int]


@dataclass(frozen=True)
class Exporter:
    """One export format: its writer and what a file of it is called."""

    name: str
    write: Writer
    suffix: str
    description: str


def write_json(records: Iterable[Record], out: TextIO) -> int:
    """A JSON list of ``Record.to_dict()``, one record per line, UTF-8; returns the count."""
    count = 0
    out.write("[")
    for record in records:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(record.to_dict(), ensure_ascii=False, sort_keys=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def csv_row(record: Record) -> dict[str, Any]:
    """One CSV row: scalar fields as text, params as a JSON object, problems ``;``-joined."""
    data = record.to_dict()
    data["params"] = json.dumps(data["params"], ensure_ascii=False) if data["params"] else ""
    data["problems"] = ";".join(data["problems"])
    return {key: "" if value is None else value for key, value in data.items()}


def write_csv(records: Iterable[Record], out: TextIO) -> int:
    """CSV with a header row of ``RECORD_FIELDS``, one row per record; returns the count."""
    writer = csv.DictWriter(out, fieldnames=list(RECORD_FIELDS), lineterminator="\n")
    writer.writeheader()
    count = 0
    for record in records:
        writer.writerow(csv_row(record))
        count += 1
    return count


EXPORTERS: dict[str, Exporter] = {
    "json": Exporter("json", write_json, ".json", "records as a JSON list"),
    "csv": Exporter("csv", write_csv, ".csv", "records as CSV, one row per record"),
}


def register(exporter: Exporter) -> None:
    """Add (or replace) a format of ``wikisync export``."""
    EXPORTERS[exporter.name] = exporter
