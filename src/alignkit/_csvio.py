"""CSV reading for HR exports, with every bad row reported at its row and column."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Final, final

import attrs

from alignkit._source import CsvSourceMap
from alignkit.diagnostics import Location
from alignkit.errors import Problem, SpecError

__all__ = [
    "CSV_COLUMNS",
    "UNREADABLE",
    "CsvRow",
    "SparseRow",
    "Table",
    "csv_problem",
    "open_table",
    "read_people_csv",
    "read_people_rows",
    "read_rows",
    "read_sparse",
    "read_table",
    "width_problem",
]

CSV_COLUMNS: Final = ("id", "name", "function", "manager")
"""The columns :meth:`alignkit.org.Org.from_csv` reads; ``manager`` may be left out."""

_REQUIRED_COLUMNS: Final = ("id", "name", "function")

UNREADABLE: Final = "AK010"
"""The code of a CSV file that cannot be read at all, as for an alignment file."""


def read_table(
    source: str | os.PathLike[str] | IO[str],
) -> tuple[str, list[str], list[CsvRow], list[Problem]]:
    """Open ``source`` (a path or a text stream) and read it with :func:`read_rows`.

    A file that cannot be read at all (missing, not UTF-8, empty) is a problem with
    the code ``AK010``, as an unreadable alignment file is.

    Returns:
        The name used in locations, the header, the rows and any CSV-level problems.

    Raises:
        SpecError: The file cannot be read, is not UTF-8, or has no header.
    """
    if isinstance(source, str | os.PathLike):
        name = os.fspath(source)
        try:
            with Path(name).open(encoding="utf-8-sig", newline="") as stream:
                return (name, *read_rows(stream, name))
        except (OSError, UnicodeDecodeError) as error:
            raise _unreadable(name, error) from None
    stream_name = getattr(source, "name", None)
    name = stream_name if isinstance(stream_name, str) else "<csv>"
    return (name, *read_rows(source, name))


def read_people_csv(
    source: str | os.PathLike[str] | IO[str],
    *,
    prefix: tuple[str | int, ...] = ("people",),
) -> tuple[list[dict[str, Any]], CsvSourceMap]:
    """Read an HR export into person records and a map back to its cells.

    Raises:
        SpecError: Every bad row and missing column, placed at row and column.
    """
    records, source_map, problems = read_people_rows(source, prefix=prefix)
    if problems:
        raise SpecError(problems)
    return records, source_map


def read_people_rows(
    source: str | os.PathLike[str] | IO[str],
    *,
    prefix: tuple[str | int, ...] = ("people",),
) -> tuple[list[dict[str, Any]], CsvSourceMap, list[Problem]]:
    """Read an HR export, returning every record and the problems of its rows.

    A bad row still gives a record, so record ``i`` is always the ``i``-th row, and
    each row's problems carry the path of its record (a caller may leave it out).

    Raises:
        SpecError: The file cannot be read, or its header lacks a required column.
    """
    name, header, found, problems = read_table(source)
    return _read_people(name, header, found, problems, prefix)


@final
@attrs.frozen
class CsvRow:
    """One non-blank record: its spreadsheet row, the line it starts on, its cells."""

    row: int
    line: int
    cells: list[str]


def width_problem(
    cells: int, width: int, name: str, row: int, line: int, path: tuple[str | int, ...] = ()
) -> Problem:
    """A record with more or fewer cells than the header, placed after the shorter one."""
    return Problem(
        f"Row has {cells} cells but the header has {width}",
        Location(name, row=row, line=line, column=min(cells, width) + 1, path=path),
    )


def csv_problem(error: Exception) -> str:
    """The csv module's complaint, in the words the sparse reader uses."""
    text = str(error)
    if "unexpected end of data" in text:
        return _UNCLOSED
    if "expected after" in text:
        return _AFTER_QUOTE
    if "field limit" in text:
        return "Invalid CSV: a cell is longer than the 131,072 characters a cell may hold"
    if "NUL" in text:
        return "Invalid CSV: the file holds a NUL byte; is it a binary file?"
    return f"Invalid CSV: {text}"


def read_rows(stream: IO[str], name: str) -> tuple[list[str], list[CsvRow], list[Problem]]:
    """The header, every non-blank record with its place, and any CSV-level problems.

    An empty file is a problem with the code ``AK010``.

    Raises:
        SpecError: The file has no header row, or the header itself is malformed.
    """
    import csv  # only needed when a CSV is read

    reader = csv.reader(stream, strict=True)
    header = _header(reader, name)
    problems: list[Problem] = []
    rows = [CsvRow(row, line, cells) for row, line, cells in _records(reader, name, problems)]
    return header, rows, problems


@final
@attrs.frozen
class Table:
    """A CSV file being read: its name, its header, and its records as they are read.

    ``rows`` yields ``(row, line, cells)`` for each non-blank record, as
    :func:`read_rows` numbers them; a CSV-level problem stops the rows and is added to
    ``problems``.
    """

    name: str
    header: list[str]
    rows: Iterator[tuple[int, int, list[str]]]
    problems: list[Problem]


@contextmanager
def open_table(
    source: str | os.PathLike[str] | IO[str],
    *,
    progress: Callable[[int], None] | None = None,
) -> Iterator[Table]:
    """Open ``source`` and read its header; its records are read one at a time.

    Unlike :func:`read_table`, nothing is held: a file of any size streams through.
    ``progress`` is called with the number of characters of each line read.

    Raises:
        SpecError: The file cannot be read or is not UTF-8 (``AK010``, also when
            found part way through), is empty, or its header is malformed.
    """
    if isinstance(source, str | os.PathLike):
        name = os.fspath(source)
        try:
            stream: IO[str] = Path(name).open(encoding="utf-8-sig", newline="")  # noqa: SIM115
        except OSError as error:
            raise _unreadable(name, error) from None
        with stream:
            yield _open(stream, name, progress)
        return
    stream_name = getattr(source, "name", None)
    yield _open(source, stream_name if isinstance(stream_name, str) else "<csv>", progress)


def _open(stream: IO[str], name: str, progress: Callable[[int], None] | None) -> Table:
    import csv

    lines: Iterable[str] = stream if progress is None else _counted(stream, progress)
    reader = csv.reader(_decoded(lines, name), strict=True)
    header = _header(reader, name)
    problems: list[Problem] = []
    return Table(name, header, _records(reader, name, problems), problems)


def _counted(lines: Iterable[str], progress: Callable[[int], None]) -> Iterator[str]:
    for line in lines:
        progress(len(line))
        yield line


def _decoded(lines: Iterable[str], name: str) -> Iterator[str]:
    """The lines, with a read or decoding failure part way through as ``AK010``."""
    iterator = iter(lines)
    while True:
        try:
            line = next(iterator)
        except StopIteration:
            return
        except (OSError, UnicodeDecodeError) as error:
            raise _unreadable(name, error) from None
        yield line


def _header(reader: Any, name: str) -> list[str]:  # noqa: ANN401 - a csv reader
    """The first record; a file without one is empty (``AK010``)."""
    import csv

    try:
        header: list[str] | None = next(reader, None)
    except csv.Error as error:
        raise SpecError.single(csv_problem(error), Location(name, row=1)) from None
    if header is None:
        empty = "The CSV file is empty; expected a header row"
        raise SpecError([Problem(empty, Location(name), code=UNREADABLE)])
    return header


def _records(
    reader: Any,  # noqa: ANN401 - a csv reader
    name: str,
    problems: list[Problem],
) -> Iterator[tuple[int, int, list[str]]]:
    import csv

    row = 1
    line_start = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            problems.append(Problem(csv_problem(error), Location(name, line=line_start)))
            return
        row += 1
        start, line_start = line_start, reader.line_num + 1
        if cells and (cells[0].strip() or any(map(str.strip, cells))):
            yield row, start, cells


def _people_columns(header: list[str], name: str) -> dict[str, int]:
    columns: dict[str, int] = {}
    problems: list[Problem] = []
    for j, cell in enumerate(header):
        key = cell.strip().lower()
        if key in columns and key in CSV_COLUMNS:
            problems.append(
                Problem(f"Duplicate column {key!r}", Location(name, row=1, line=1, column=j + 1))
            )
        columns.setdefault(key, j)
    missing = [c for c in _REQUIRED_COLUMNS if c not in columns]
    if missing:
        problems.append(
            Problem(
                f"Missing column{'s' if len(missing) > 1 else ''} "
                + ", ".join(repr(c) for c in missing)
                + f"; {_header_excerpt(header)}",
                Location(name, row=1, line=1, column=1),
            )
        )
    if problems:
        raise SpecError(problems)
    return columns


_HEADER_NAME: Final = re.compile(r"[\w .()/#%-]{1,40}")
_HEADER_SHOWN: Final = 12


def _header_excerpt(header: list[str]) -> str:
    """The header's names, only when the first line plainly is a header.

    Anything else may be a file that is not a CSV at all (a key file, the process
    environment): it is described, never shown.
    """
    if not header or not all(_HEADER_NAME.fullmatch(cell.strip()) for cell in header):
        return "the first line does not look like a CSV header (id,name,function,manager)"
    names = ", ".join(repr(cell.strip()) for cell in header[:_HEADER_SHOWN])
    more = f" and {len(header) - _HEADER_SHOWN} more" if len(header) > _HEADER_SHOWN else ""
    return f"the header has {names}{more}"


def _read_people(
    name: str,
    header: list[str],
    found: list[CsvRow],
    problems: list[Problem],
    prefix: tuple[str | int, ...],
) -> tuple[list[dict[str, Any]], CsvSourceMap, list[Problem]]:
    columns = _people_columns(header, name)
    width = len(header)
    wanted = [(c, columns[c]) for c in CSV_COLUMNS if c in columns]
    records: list[dict[str, Any]] = []
    rows: list[tuple[int, int]] = []
    for item in found:
        if len(item.cells) > width:
            problems.append(
                width_problem(
                    len(item.cells), width, name, item.row, item.line, (*prefix, len(records))
                )
            )
        record: dict[str, Any] = {}
        for column, j in wanted:
            value = item.cells[j].strip() if j < len(item.cells) else ""
            if value:
                record[column] = value
            elif column in _REQUIRED_COLUMNS:
                problems.append(
                    Problem(
                        f"Empty {column!r}",
                        Location(
                            name,
                            row=item.row,
                            line=item.line,
                            column=j + 1,
                            path=(*prefix, len(records), column),
                        ),
                    )
                )
        records.append(record)
        rows.append((item.row, item.line))
    source_map = CsvSourceMap(
        name, tuple(prefix), tuple(rows), {c: j + 1 for c, j in columns.items()}
    )
    return records, source_map, problems


@final
@attrs.frozen
class SparseRow:
    """A record reduced to its non-blank cells: ``(column index, text)``.

    The text of an unquoted cell is stripped of surrounding white space; the text of
    a quoted cell is exactly what the quotes hold.
    """

    row: int
    line: int
    width: int
    cells: list[tuple[int, str]]


_CSV_TOKEN: Final = re.compile(
    # Any commas (skipped in one step, and counted), then one of: a quoted cell, up to
    # its closing quote (``""`` inside is a quote); the text of an unquoted cell,
    # quotes inside it taken literally; the end of a record.
    r'(,*)(?:"([^"]*(?:""[^"]*)*)"|([^,\r\n]+)|(\r\n?|\n))'
)
_BREAK: Final = "break"
_QUOTED: Final = "quoted"
_UNQUOTED: Final = "unquoted"
_UNCLOSED: Final = (
    "Invalid CSV: the quote that opens this cell is never closed; close it, "
    'or double each quote inside a quoted cell ("")'
)
_AFTER_QUOTE: Final = (
    "Invalid CSV: text after the closing quote of a quoted cell; "
    'quote the whole cell and double each quote inside it ("")'
)


def read_sparse(
    source: str | os.PathLike[str] | IO[str],
) -> tuple[str, list[str], list[SparseRow], list[Problem]]:
    r"""Read a wide, mostly blank sheet (a RACI matrix) keeping only non-blank cells.

    Cells are split as RFC 4180 says: a cell starting with ``"`` runs to its
    closing quote, across line breaks, with ``""`` for a quote inside it; a record
    ends at a line break (``\n``, ``\r\n`` or a bare ``\r``) outside quotes. An
    unquoted cell is stripped of surrounding white space; a quoted one is kept
    exactly, so a cell written by :class:`~alignkit._csvsafe.SafeCsvWriter` reads
    back whole. Blank cells cost nothing.

    A quote that is never closed, and text after a closing quote, are problems
    placed at the cell's row and column: reading stops at an unclosed quote rather
    than take the rest of the file as one cell.

    Returns:
        The name used in locations, the header (every column, blank ones as
        ``""``), the records that have a non-blank cell, and the problems found.

    Raises:
        SpecError: The file cannot be read, is not UTF-8, or is empty.
    """
    if isinstance(source, str | os.PathLike):
        name = os.fspath(source)
        try:
            # newline="": a carriage return inside a quoted cell is kept, not translated.
            with Path(name).open(encoding="utf-8-sig", newline="") as stream:
                text = stream.read()
        except (OSError, UnicodeDecodeError) as error:
            raise _unreadable(name, error) from None
    else:
        stream_name = getattr(source, "name", None)
        name = stream_name if isinstance(stream_name, str) else "<csv>"
        text = source.read().removeprefix("\ufeff")
    if not text:
        empty = "The CSV file is empty; expected a header row"
        raise SpecError([Problem(empty, Location(name), code=UNREADABLE)])
    return (name, *_sparse_records(text, name))


def _sparse_records(text: str, name: str) -> tuple[list[str], list[SparseRow], list[Problem]]:
    """The header, the non-blank records and the problems of a whole sheet."""
    records: list[SparseRow] = []
    problems: list[Problem] = []
    cells: list[tuple[int, str]] = []
    row = line = start_line = 1
    column = 0  # the index of the cell being read
    previous = _BREAK  # what the last token was
    for match in _CSV_TOKEN.finditer(text):
        commas, quoted, unquoted, end = match.groups("")
        if commas:
            column += len(commas)
        if unquoted:
            if previous is _QUOTED and not commas:  # glued to a closing quote
                if not unquoted.isspace():
                    where = Location(name, row=row, line=start_line, column=column + 1)
                    problems.append(Problem(_AFTER_QUOTE, where))
            elif unquoted[0] == '"' and (commas or previous is _BREAK):
                where = Location(name, row=row, line=start_line, column=column + 1)
                problems.append(Problem(_UNCLOSED, where))
                break
            else:
                value = unquoted.strip()
                if value:
                    cells.append((column, value))
            previous = _UNQUOTED
        elif end:
            records.append(SparseRow(row, start_line, column + 1, cells))
            cells = []
            row += 1
            line += 1
            start_line = line
            column = 0
            previous = _BREAK
        else:
            if '"' in quoted:
                quoted = quoted.replace('""', '"')
            if "\n" in quoted or "\r" in quoted:
                line += quoted.count("\n") + quoted.count("\r") - quoted.count("\r\n")
            if quoted:
                cells.append((column, quoted))
            previous = _QUOTED
    else:
        if previous is not _BREAK:  # the last record, which has no line break
            trailing = len(text) - len(text.rstrip(","))
            records.append(SparseRow(row, start_line, column + trailing + 1, cells))
    if not records:  # the header's quote is never closed: keep the cells before it
        records.append(SparseRow(row, start_line, column, cells))
    header = _full_row(records[0].cells, records[0].width)
    return header, [r for r in records[1:] if r.cells], problems


def _full_row(cells: list[tuple[int, str]], width: int) -> list[str]:
    row = [""] * width
    for j, value in cells:
        row[j] = value
    return row


def _unreadable(name: str, error: OSError | UnicodeDecodeError) -> SpecError:
    reason = error.strerror if isinstance(error, OSError) else "it is not UTF-8 text"
    message = f"Cannot read the CSV file: {reason}"
    return SpecError([Problem(message, Location(name), code=UNREADABLE)])
