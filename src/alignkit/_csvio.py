"""CSV reading for HR exports, with every bad row reported at its row and column."""

from __future__ import annotations

import os
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
    "read_people_csv",
    "read_people_rows",
    "read_rows",
    "read_sparse",
    "read_table",
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


def read_rows(stream: IO[str], name: str) -> tuple[list[str], list[CsvRow], list[Problem]]:
    """The header, every non-blank record with its place, and any CSV-level problems.

    An empty file is a problem with the code ``AK010``.

    Raises:
        SpecError: The file has no header row, or the header itself is malformed.
    """
    import csv  # only needed when a CSV is read

    reader = csv.reader(stream)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise SpecError.single(f"Invalid CSV: {error}", Location(name, row=1)) from None
    if header is None:
        empty = "The CSV file is empty; expected a header row"
        raise SpecError([Problem(empty, Location(name), code=UNREADABLE)])
    rows: list[CsvRow] = []
    problems: list[Problem] = []
    row = 1
    line_start = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(Problem(f"Invalid CSV: {error}", Location(name, line=line_start)))
            break
        row += 1
        start, line_start = line_start, reader.line_num + 1
        if cells and any(c.strip() for c in cells):
            rows.append(CsvRow(row, start, cells))
    return header, rows, problems


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
                + f"; the header has {', '.join(repr(c) for c in header)}",
                Location(name, row=1, line=1, column=1),
            )
        )
    if problems:
        raise SpecError(problems)
    return columns


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
                Problem(
                    f"Row has {len(item.cells)} cells but the header has {width}",
                    Location(
                        name,
                        row=item.row,
                        line=item.line,
                        column=width + 1,
                        path=(*prefix, len(records)),
                    ),
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
    """A record reduced to its non-blank cells: ``(column index, stripped text)``."""

    row: int
    line: int
    width: int
    cells: list[tuple[int, str]]


def read_sparse(
    source: str | os.PathLike[str] | IO[str],
) -> tuple[str, list[str], list[SparseRow], list[Problem]]:
    """Read a wide, mostly blank sheet (a RACI matrix) keeping only non-blank cells.

    A sheet without quotes is split line by line with a regular expression, so blank
    cells cost nothing; any other sheet goes through the csv module.

    Raises:
        SpecError: The file cannot be read, is not UTF-8, or has no header.
    """
    import re

    if isinstance(source, str | os.PathLike):
        name = os.fspath(source)
        try:
            text = Path(name).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise _unreadable(name, error) from None
    else:
        stream_name = getattr(source, "name", None)
        name = stream_name if isinstance(stream_name, str) else "<csv>"
        text = source.read().removeprefix("\ufeff")
    if '"' in text or "\r" in text.replace("\r\n", ""):
        import io

        _, header, rows, problems = read_table(io.StringIO(text, newline=""))
        sparse = [
            SparseRow(
                r.row,
                r.line,
                len(r.cells),
                [(j, c.strip()) for j, c in enumerate(r.cells) if c and c.strip()],
            )
            for r in rows
        ]
        if name != "<csv>":
            problems = [_renamed(p, name) for p in problems]
        return name, header, sparse, problems
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        empty = "The CSV file is empty; expected a header row"
        raise SpecError([Problem(empty, Location(name), code=UNREADABLE)])
    header = lines[0].rstrip("\r").split(",")
    filled = re.compile(r"[^,]+")
    out: list[SparseRow] = []
    for number, line in enumerate(lines[1:], start=2):
        line = line.rstrip("\r")  # noqa: PLW2901 - the same line, without its ending
        if not line.strip(" ,\t"):
            continue
        cells: list[tuple[int, str]] = []
        column = 0
        previous = 0
        for match in filled.finditer(line):
            column += line.count(",", previous, match.start())
            previous = match.start()
            value = match.group().strip()
            if value:
                cells.append((column, value))
        out.append(SparseRow(number, number, line.count(",") + 1, cells))
    return name, header, out, []


def _renamed(problem: Problem, name: str) -> Problem:
    return Problem(problem.message, attrs.evolve(problem.location, file=name), code=problem.code)


def _unreadable(name: str, error: OSError | UnicodeDecodeError) -> SpecError:
    reason = error.strerror if isinstance(error, OSError) else "it is not UTF-8 text"
    message = f"Cannot read the CSV file: {reason}"
    return SpecError([Problem(message, Location(name), code=UNREADABLE)])
