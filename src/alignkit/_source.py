"""Source maps: from a field path back to the file, line and column it came from.

Core code reports findings by field path only (``("org", "people", 3, "manager")``);
the loader that read the file owns a source map and turns paths into places.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, final

import attrs

from alignkit.diagnostics import Location, PathPart

__all__ = ["ChainSourceMap", "CsvSourceMap", "SourceMap", "TextSourceMap", "resolve_location"]

Path = tuple[PathPart, ...]


class SourceMap(Protocol):
    """Anything that can place a field path in a file."""

    def resolve(self, path: Sequence[PathPart]) -> Location | None:
        """The place of ``path`` (or of its nearest known parent), if known."""


@final
@attrs.frozen
class TextSourceMap:
    """Positions in a YAML or JSON file: path -> (line, column), 1-based."""

    file: str
    positions: Mapping[Path, tuple[int, int]]

    def resolve(self, path: Sequence[PathPart]) -> Location | None:
        """The place of ``path`` or of its nearest parent that was written in the file."""
        key = tuple(path)
        while True:
            found = self.positions.get(key)
            if found is not None:
                return Location(self.file, line=found[0], column=found[1], path=tuple(path))
            if not key:
                return Location(self.file, path=tuple(path))
            key = key[:-1]


@final
@attrs.frozen
class CsvSourceMap:
    """Positions in a CSV file whose rows became the list at ``prefix``.

    ``rows[i]`` is ``(spreadsheet row, physical line)`` of list item ``i``;
    ``columns`` maps a field to its 1-based column.
    """

    file: str
    prefix: Path
    rows: Sequence[tuple[int, int]]
    columns: Mapping[str, int]

    def resolve(self, path: Sequence[PathPart]) -> Location | None:
        """The cell (or the row) that ``path`` came from, if it came from this file."""
        n = len(self.prefix)
        if tuple(path[:n]) != self.prefix or len(path) <= n:
            return None
        index = path[n]
        if not isinstance(index, int) or not 0 <= index < len(self.rows):
            return None
        row, line = self.rows[index]
        field = path[n + 1] if len(path) > n + 1 else None
        column = self.columns.get(field) if isinstance(field, str) else None
        return Location(self.file, line=line, row=row, column=column, path=tuple(path))


@final
@attrs.frozen
class ChainSourceMap:
    """Several maps: the first that places a path exactly (with a line) wins."""

    maps: tuple[SourceMap, ...]

    def resolve(self, path: Sequence[PathPart]) -> Location | None:
        """Ask each map in turn; prefer one that knows the exact row or line."""
        fallback = None
        for source in self.maps:
            found = source.resolve(path)
            if found is None:
                continue
            if found.line is not None or found.row is not None:
                return found
            fallback = fallback or found
        return fallback


def resolve_location(source: SourceMap | None, location: Location | None) -> Location | None:
    """Place a path-only ``location`` through ``source``; leave placed ones alone."""
    if source is None or location is None or location.file is not None or not location.path:
        return location
    return source.resolve(location.path) or location
