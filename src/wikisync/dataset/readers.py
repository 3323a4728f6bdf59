"""Reading dataset files: CSV (UTF-8, cp1252, Latin-1), spreadsheets (.xlsx, .ods), GeoJSON.

CSV is streamed row by row (the file is never held whole); the separator (``,`` ``;`` or
tab) is counted on the header line; a file that is not UTF-8 is read as cp1252 with one
warning, unless an encoding is given. Spreadsheets are read with python-calamine (first
sheet, or the one named). Loading never raises on a bad row: the row is a problem.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from wikisync.dataset.columns import (
    FieldOrder,
    accepted_names,
    column_fields,
    field_order,
    header_index,
    header_plan,
)
from wikisync.dataset.geojson import read_geojson
from wikisync.dataset.model import (
    Dataset,
    DatasetError,
    DatasetHub,
    DatasetProblem,
    finish,
)
from wikisync.dataset.rows import RowReader
from wikisync.schema import Schema

logger = logging.getLogger("wikisync.dataset")

SPREADSHEETS = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
GEOJSON = (".json", ".geojson", ".umap")
FALLBACK_ENCODING = "cp1252"  # what French Excel writes when it does not write UTF-8
_CHUNK = 1 << 20
TableRows = Iterator[tuple[int, list[str]]]


def check_encoding(name: str) -> str:
    """The codec name Python knows for ``name`` (``latin-1``, ``cp1252``…); else an error."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise DatasetError(f"unknown encoding {name!r} (use utf-8, cp1252 or latin-1)") from None


def is_utf8(path: Path) -> bool:
    """Whether the whole file decodes as UTF-8 (read in chunks, never held whole)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as stream:
            for chunk in iter(lambda: stream.read(_CHUNK), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def choose_encoding(path: Path, encoding: str | None) -> str:
    """The encoding to read ``path`` with: the one given, UTF-8 (BOM or not), else cp1252."""
    if encoding:
        name = check_encoding(encoding)
        return "utf-8-sig" if name == "utf-8" else name
    if is_utf8(path):
        return "utf-8-sig"
    logger.warning("%s: not UTF-8 text, read as %s (give --encoding or [dataset] encoding "
                   "to choose another)", path, FALLBACK_ENCODING)
    return FALLBACK_ENCODING


# --- CSV ---------------------------------------------------------------------------------


def delimiter_of(header: str) -> str:
    """The separator of a header line: the most frequent of ``,`` ``;`` tab outside quotes."""
    counts = dict.fromkeys(",;\t", 0)
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda c: counts[c])
    return best if counts[best] else ","


def csv_rows(stream: IO[str] | Iterable[str]) -> TableRows:
    """(first line number, cells) of each CSV record, multi-line quoted cells included."""
    lines = iter(stream)
    first = next(lines, "")
    reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter_of(first))
    start = 1
    for cells in reader:
        yield start, cells
        start = reader.line_num + 1


def read_csv(text: str, schema: Schema | None = None, source: str = "<csv>") -> Dataset:
    """Parse CSV text (header row of column names); bad rows become problems."""
    return read_table(csv_rows(io.StringIO(text, newline="")), schema, source)


def load_csv(path: Path, schema: Schema, encoding: str | None) -> Dataset:
    """A CSV file as a streamed dataset, in the encoding chosen by ``choose_encoding``."""
    chosen = choose_encoding(path, encoding)

    def open_rows() -> TableRows:
        """The file's records, read as they are needed (the file is closed at the end).

        A byte the encoding cannot read is one clear error.
        """
        with path.open(encoding=chosen, newline="") as stream:
            try:
                yield from csv_rows(stream)
            except UnicodeDecodeError as exc:
                hint = " (try --encoding latin-1)" if chosen == FALLBACK_ENCODING else ""
                raise DatasetError(f"{path}: byte {exc.object[exc.start:exc.start + 1]!r} "
                                   f"is not {chosen} text{hint}") from None

    return scan_table(open_rows, schema, str(path))


# --- spreadsheets ------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A spreadsheet cell as text: whole numbers without ``.0``, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def sheet_rows(path: Path, sheet: str | None) -> tuple[str, TableRows]:
    """The sheet's name and its rows (spreadsheet row numbers), first sheet by default."""
    import python_calamine  # imported here: only spreadsheet users pay for it

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
        if sheet is not None and sheet not in names:
            raise DatasetError(f"{path}: no sheet {sheet!r} (sheets: {', '.join(names)})")
        if not names:
            raise DatasetError(f"{path}: the spreadsheet has no sheet")
        name = sheet if sheet is not None else names[0]
        table = book.get_sheet_by_name(name)
    except python_calamine.CalamineError as exc:
        raise DatasetError(f"{path}: not a readable spreadsheet ({exc})") from None
    first = (table.start or (0, 0))[0] + 1
    rows = ((first + n, [cell_text(v) for v in cells])
            for n, cells in enumerate(table.iter_rows()))
    return name, rows


def load_sheet(path: Path, schema: Schema, sheet: str | None) -> Dataset:
    """One sheet of an .xlsx/.ods file as a streamed dataset."""
    name, _ = sheet_rows(path, sheet)
    return scan_table(lambda: sheet_rows(path, name)[1], schema, str(path), name)


# --- any table ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Header:
    """A table's header, read once: how each row's cells become a hub's fields."""

    order: FieldOrder
    index: dict[str, int]
    width: int
    fields: frozenset[str]


def _header(rows: TableRows, schema: Schema, file: str, sheet: str | None) -> _Header:
    """Read the header row; a table without a name column is an error."""
    header = [cell.strip() for cell in next(rows, (1, []))[1]]
    if header:
        header[0] = header[0].lstrip("\ufeff")
    plan = header_plan(header, column_fields(schema))
    fields = frozenset(record_field for _, record_field, _ in plan)
    if "name" not in fields:
        where = f"{file}, sheet {sheet}" if sheet else file
        raise DatasetError(f"{where}: no name column (expected one of "
                           f"{', '.join(accepted_names(schema, 'name'))})")
    return _Header(field_order(plan), header_index(header), len(header), fields)


def _table_hubs(rows: TableRows, head: _Header, schema: Schema, file: str,
                sheet: str | None) -> Iterator[tuple[DatasetHub | None, list[DatasetProblem]]]:
    """Each data row (after the header) as a hub and its problems, streamed."""
    read = RowReader(head.order, head.index, head.width, schema, file, sheet).read
    for line, cells in rows:
        built = read(line, cells)
        if built is not None:
            yield built


def read_table(rows: TableRows, schema: Schema | None, file: str,
               sheet: str | None = None) -> Dataset:
    """A dataset in memory from table rows (header first): each row a hub or problems."""
    schema = schema or Schema()
    head = _header(rows, schema, file, sheet)
    hubs: list[DatasetHub] = []
    problems: list[DatasetProblem] = []
    for hub, found in _table_hubs(rows, head, schema, file, sheet):
        problems.extend(found)
        if hub is not None:
            hubs.append(hub)
    return finish(file, hubs, problems, head.fields)


def scan_table(open_rows: Callable[[], TableRows], schema: Schema, file: str,
               sheet: str | None = None) -> Dataset:
    """A streamed dataset: the header is checked now, each pass reads the rows again."""
    head = _header(open_rows(), schema, file, sheet)

    def scan() -> Iterator[tuple[DatasetHub | None, list[DatasetProblem]]]:
        """One pass over the file's rows."""
        rows = open_rows()
        next(rows, None)
        yield from _table_hubs(rows, head, schema, file, sheet)

    return Dataset(file, fields=head.fields, scan=scan)


def _magic(path: Path) -> bytes:
    """The first bytes of the file, BOM left out (a zip, i.e. .xlsx/.ods, starts ``PK``)."""
    with path.open("rb") as stream:
        return stream.read(64).removeprefix(codecs.BOM_UTF8)


def load_dataset(path: str | Path, schema: Schema | None = None, *,
                 encoding: str | None = None, sheet: str | None = None) -> Dataset:
    """Read a dataset file: .xlsx/.ods, GeoJSON (.json/.geojson/.umap or ``{``), else CSV."""
    file, schema = Path(path), schema or Schema()
    try:
        magic = _magic(file)
        if file.suffix.lower() in SPREADSHEETS or magic[:4] == b"PK\x03\x04":
            return load_sheet(file, schema, sheet)
        if file.suffix.lower() in GEOJSON or magic.lstrip()[:1] == b"{":
            chosen = choose_encoding(file, encoding)
            return read_geojson(file.read_text(encoding=chosen), schema, str(path))
        return load_csv(file, schema, encoding)
    except OSError as exc:
        raise DatasetError(f"{path}: cannot read the dataset: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{path}: the dataset is not {exc.encoding} text") from None
