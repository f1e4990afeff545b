"""CSV reading for HR exports, with every bad row reported at its row and column."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import IO, Any, Final

from alignkit._source import CsvSourceMap
from alignkit.diagnostics import Location
from alignkit.errors import Problem, SpecError

__all__ = ["CSV_COLUMNS", "read_people_csv"]

CSV_COLUMNS: Final = ("id", "name", "function", "manager")
"""The columns :meth:`alignkit.org.Org.from_csv` reads; ``manager`` may be left out."""

_REQUIRED_COLUMNS: Final = ("id", "name", "function")


def read_people_csv(
    source: str | os.PathLike[str] | IO[str],
    *,
    prefix: tuple[str | int, ...] = ("people",),
) -> tuple[list[dict[str, Any]], CsvSourceMap]:
    """Read an HR export into person records and a map back to its cells.

    Raises:
        SpecError: Every bad row and missing column, placed at row and column.
    """
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        name = str(source)
        try:
            with path.open(encoding="utf-8-sig", newline="") as stream:
                return _read_people(stream, name, prefix)
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) else "it is not UTF-8 text"
            raise SpecError.single(f"Cannot read the CSV file: {reason}", Location(name)) from None
    stream_name = getattr(source, "name", None)
    return _read_people(source, stream_name if isinstance(stream_name, str) else "<csv>", prefix)


def _read_people(
    stream: IO[str], name: str, prefix: tuple[str | int, ...]
) -> tuple[list[dict[str, Any]], CsvSourceMap]:
    reader = csv.reader(stream)
    problems: list[Problem] = []
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise SpecError.single(f"Invalid CSV: {error}", Location(name, row=1)) from None
    if header is None:
        raise SpecError.single("The CSV file is empty; expected a header row", Location(name))
    columns: dict[str, int] = {}
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
        raise SpecError(problems)
    records: list[dict[str, Any]] = []
    rows: list[tuple[int, int]] = []
    row = 1
    line_start = reader.line_num + 1
    width = len(header)
    wanted = [(c, columns[c]) for c in CSV_COLUMNS if c in columns]
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
        if not cells or not any(c.strip() for c in cells):
            continue
        if len(cells) > width:
            problems.append(
                Problem(
                    f"Row has {len(cells)} cells but the header has {width}",
                    Location(name, row=row, line=start, column=width + 1),
                )
            )
            continue
        record: dict[str, Any] = {}
        for column, j in wanted:
            value = cells[j].strip() if j < len(cells) else ""
            if value:
                record[column] = value
            elif column in _REQUIRED_COLUMNS:
                problems.append(
                    Problem(
                        f"Empty {column!r}",
                        Location(
                            name,
                            row=row,
                            line=start,
                            column=j + 1,
                            path=(*prefix, len(records), column),
                        ),
                    )
                )
        records.append(record)
        rows.append((row, start))
    if problems:
        raise SpecError(problems)
    source_map = CsvSourceMap(
        name, tuple(prefix), tuple(rows), {c: j + 1 for c, j in columns.items()}
    )
    return records, source_map
