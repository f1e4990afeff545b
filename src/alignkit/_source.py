"""Source maps: from a field path back to the file, line and column it came from.

Core code reports findings by field path only (``("org", "people", 3, "manager")``);
the loader that read the file owns a source map and turns paths into places.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Final, Protocol, TypeAlias, final

import attrs

from alignkit.diagnostics import Location, PathPart

__all__ = [
    "ChainSourceMap",
    "CsvSourceMap",
    "PositionTree",
    "SourceMap",
    "TextSourceMap",
    "pack_position",
    "resolve_location",
]

Path = tuple[PathPart, ...]

_COLUMN_BITS: Final = 32
_COLUMN_MASK: Final = (1 << _COLUMN_BITS) - 1

# A place in the file, packed in one int: ``line << 32 | column``, both 0-based.
# A scalar written in a mapping or list is its place; a mapping or list is
# ``(place, children)``, where children maps each key (or holds each item) the same way.
Entry: TypeAlias = "int | tuple[int, Children]"
Children: TypeAlias = "dict[object, Entry] | list[Entry]"


def pack_position(line: int, column: int) -> int:
    """A 0-based line and column as one int (what :class:`PositionTree` holds).

    >>> pack_position(2, 5) >> 32, pack_position(2, 5) & 0xFFFFFFFF
    (2, 5)
    """
    return line << _COLUMN_BITS | column


def _unpack(place: int) -> tuple[int, int]:
    return (place >> _COLUMN_BITS) + 1, (place & _COLUMN_MASK) + 1


@final
class PositionTree(Mapping[Path, tuple[int, int]]):
    """Positions shaped like the data they place: path -> (line, column), 1-based.

    As a mapping it is what a flat ``{path: (line, column)}`` dict would be, but it
    holds one small int per value instead of a tuple of the whole path, and finds the
    nearest written parent of a path in one walk down.

    >>> tree = PositionTree(0, {"a": (pack_position(0, 0), [pack_position(0, 4)])})
    >>> tree[("a", 0)], tree.nearest(("a", 3, "x"))
    ((1, 5), (1, 1))
    >>> sorted(tree)
    [(), ('a',), ('a', 0)]
    """

    __slots__ = ("_children", "_root")

    def __init__(self, root: int, children: Children | None) -> None:
        """The root value's packed place and its children (``None`` for a scalar)."""
        self._root = root
        self._children = children

    def _walk(self, path: Sequence[PathPart]) -> tuple[int, int]:
        """The packed place of the longest written prefix of ``path``, and its length."""
        place, children = self._root, self._children
        for depth, part in enumerate(path):
            entry: Entry | None
            if type(children) is dict:
                entry = children.get(part)
            elif type(children) is list and type(part) is int and 0 <= part < len(children):
                entry = children[part]
            else:
                entry = None
            if entry is None:
                return place, depth
            if type(entry) is tuple:
                place, children = entry
            else:
                place, children = entry, None  # type: ignore[assignment]
        return place, len(path)

    def nearest(self, path: Sequence[PathPart]) -> tuple[int, int]:
        """The line and column of ``path``, or of its nearest parent written in the file."""
        return _unpack(self._walk(path)[0])

    def __getitem__(self, path: Path) -> tuple[int, int]:
        place, found = self._walk(path)
        if found != len(path):
            raise KeyError(path)
        return _unpack(place)

    def __iter__(self) -> Iterator[Path]:
        pending: list[tuple[Path, Children | None]] = [((), self._children)]
        while pending:
            path, children = pending.pop()
            yield path
            if children is None:
                continue
            items = children.items() if type(children) is dict else enumerate(children)
            for part, entry in items:
                inner = entry[1] if type(entry) is tuple else None
                pending.append(((*path, part), inner))  # type: ignore[arg-type]

    def __len__(self) -> int:
        return sum(1 for _ in self)


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
        if isinstance(self.positions, PositionTree):
            line, column = self.positions.nearest(path)
            return Location(self.file, line=line, column=column, path=tuple(path))
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
