"""Event stores: append-only, transactional, idempotent by event id.

Lifecycles (handoffs, the decision log) are event-sourced: their state is folded from
events kept in a :class:`Store`. The protocol is deliberately narrow:

- :meth:`Store.append` adds events to one stream *if* the stream is at the expected
  version (optimistic concurrency: a stale writer gets :class:`ConcurrencyError`,
  never a silent overwrite); an event whose id is already stored is skipped, so a
  retried append is harmless;
- :meth:`Store.read` reads one stream, :meth:`Store.read_all` everything in order.

:class:`MemoryStore` keeps events in memory; :class:`SQLiteStore` keeps them in one
SQLite file (stdlib ``sqlite3``, WAL, one transaction per append), so a process killed
mid-append loses nothing that was committed and leaves nothing half-written.

>>> import datetime as dt
>>> from alignkit.store import MemoryStore, NewEvent
>>> store = MemoryStore()
>>> at = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
>>> store.append("deal-1", [NewEvent("e1", "opened", "crm", at)], expected_version=0)
1
>>> store.append("deal-1", [NewEvent("e1", "opened", "crm", at)], expected_version=0)
1
>>> [e.kind for e in store.read("deal-1")]
['opened']

Added in 0.1.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final, Literal, Protocol, final, runtime_checkable

import attrs

from alignkit.diagnostics import Location
from alignkit.errors import AlignkitError, SpecError

__all__ = [
    # errors
    "ConcurrencyError",
    # stores
    "MemoryStore",
    # events
    "NewEvent",
    "SQLiteStore",
    "Store",
    "StoredEvent",
]


class ConcurrencyError(AlignkitError, RuntimeError):
    """A writer appended to a stream that moved on since it last read it.

    Attributes:
        stream: The stream.
        expected: The version the writer expected.
        actual: The stream's version now.

    Added in 0.1.
    """

    def __init__(self, stream: str, expected: int, actual: int) -> None:
        """Report a stale append."""
        super().__init__(
            f"Stream {stream!r} is at version {actual}, not {expected}: "
            "another writer appended first; read the stream again and retry"
        )
        self.stream = stream
        self.expected = expected
        self.actual = actual


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise SpecError.single(f"Event times must be timezone-aware, got {value!r}")
    return value


@final
@attrs.frozen
class NewEvent:
    """An event to append: a unique id, what happened, who did it, when, and data.

    ``data`` must be JSON-serialisable (it is stored as JSON).

    Added in 0.1.
    """

    event_id: str
    kind: str
    actor: str
    at: dt.datetime = attrs.field(converter=_aware)
    data: Mapping[str, Any] = attrs.field(factory=dict)


@final
@attrs.frozen
class StoredEvent:
    """An event as stored: a :class:`NewEvent` plus its stream, version and position.

    Attributes:
        stream: The stream it belongs to (a deal id, say).
        version: Its place in the stream, from 1.
        position: Its place in the whole store, increasing.

    Added in 0.1.
    """

    event_id: str
    stream: str
    version: int
    position: int
    kind: str
    actor: str
    at: dt.datetime
    data: Mapping[str, Any]


@runtime_checkable
class Store(Protocol):
    """What a lifecycle needs from an event store.

    A PostgreSQL store implements the same four methods over one table with a unique
    ``(stream, version)`` and a unique ``event_id``.

    Added in 0.1.
    """

    def append(self, stream: str, events: Sequence[NewEvent], *, expected_version: int) -> int:
        """Append ``events`` to ``stream`` if it is at ``expected_version``.

        Events whose id is already stored are skipped (idempotent retries); if every
        event is already stored, nothing is checked or written. Ids are unique across
        the whole store: an id stored on one stream is skipped on any other too.

        Returns:
            The stream's version after the append.

        Raises:
            ConcurrencyError: The stream is not at ``expected_version``.
        """
        ...

    def read(self, stream: str, *, after: int = 0) -> list[StoredEvent]:
        """The events of ``stream`` with a version above ``after``, in order."""
        ...

    def read_all(self, *, after: int = 0, limit: int | None = None) -> list[StoredEvent]:
        """Every event with a position above ``after``, in the order they were stored."""
        ...

    def version(self, stream: str) -> int:
        """The stream's version: the number of events in it (0 if none)."""
        ...


@final
class MemoryStore:
    """A store in memory, for tests and short-lived desks. Thread-safe.

    Events are kept encoded, exactly as :class:`SQLiteStore` keeps them, so both
    stores accept the same data and every read returns fresh copies: changing what
    a read returned never changes the store.

    Added in 0.1.
    """

    def __init__(self) -> None:
        """An empty store."""
        self._streams: dict[str, list[tuple[Any, ...]]] = {}
        self._all: list[tuple[Any, ...]] = []
        self._ids: set[str] = set()
        self._lock = threading.Lock()

    def append(self, stream: str, events: Sequence[NewEvent], *, expected_version: int) -> int:
        """See :meth:`Store.append`."""
        with self._lock:
            fresh = _fresh(events, self._ids)
            current = len(self._streams.get(stream, ()))
            if not fresh:
                return current
            if current != expected_version:
                raise ConcurrencyError(stream, expected_version, current)
            target = self._streams.setdefault(stream, [])
            start = len(self._all) + 1
            rows = [
                (event_id, stream_, version, start + offset, *rest)
                for offset, (event_id, stream_, version, *rest) in enumerate(
                    _rows(stream, current, fresh)
                )
            ]
            target.extend(rows)
            self._all.extend(rows)
            self._ids.update(event.event_id for event in fresh)
            return len(target)

    def read(self, stream: str, *, after: int = 0) -> list[StoredEvent]:
        """See :meth:`Store.read`."""
        with self._lock:
            rows = self._streams.get(stream, ())[after:]
        return [_row(r) for r in rows]

    def read_all(self, *, after: int = 0, limit: int | None = None) -> list[StoredEvent]:
        """See :meth:`Store.read_all`."""
        with self._lock:
            rows = self._all[after:] if limit is None else self._all[after : after + limit]
        return [_row(r) for r in rows]

    def version(self, stream: str) -> int:
        """See :meth:`Store.version`."""
        with self._lock:
            return len(self._streams.get(stream, ()))


def _fresh(events: Sequence[NewEvent], known: Iterable[str] | set[str]) -> list[NewEvent]:
    seen = set()
    out = []
    for event in events:
        if event.event_id in known or event.event_id in seen:
            continue
        seen.add(event.event_id)
        out.append(event)
    return out


# ``position`` is the rowid: max + 1 on insert, and never reused because events are
# never deleted. (AUTOINCREMENT would add a write to sqlite_sequence to every commit.)
_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    stream TEXT NOT NULL,
    version INTEGER NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (stream, version)
);
"""


@final
class SQLiteStore:
    """A store in one SQLite file: WAL journal, one transaction per append.

    Args:
        path: The database file (created if missing), or ``":memory:"``.
        synchronous: SQLite's ``synchronous`` setting: ``"FULL"`` (the default)
            survives power loss; ``"NORMAL"`` survives a crashed process, faster.

    Reopening the file gives the same events. Use one instance per thread, or share
    one: calls are serialised by a lock.

    Added in 0.1.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        synchronous: Literal["FULL", "NORMAL"] = "FULL",
    ) -> None:
        """Open (or create) the store at ``path``."""
        import sqlite3

        if synchronous not in ("FULL", "NORMAL"):
            raise SpecError.single(f"synchronous must be FULL or NORMAL, not {synchronous!r}")
        self._path = os.fspath(path)
        if self._path != ":memory:":
            Path(self._path).parent.mkdir(parents=True, exist_ok=True)
        self._sqlite3 = sqlite3
        # Transactions are explicit (BEGIN IMMEDIATE ... COMMIT), one per append.
        self._db = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        self._lock = threading.Lock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(f"PRAGMA synchronous={synchronous}")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(_SCHEMA)

    @property
    def path(self) -> str:
        """The database file."""
        return self._path

    def close(self) -> None:
        """Close the database; the store cannot be used afterwards."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def append(self, stream: str, events: Sequence[NewEvent], *, expected_version: int) -> int:
        """See :meth:`Store.append`. One transaction: all the events, or none."""
        if len(events) == 1:
            # The common case (one new event on a stream at the expected version) is
            # one conditional INSERT, which is its own transaction. Anything else (a
            # retry, a stale writer) is sorted out by the checked path below.
            row = (*next(_rows(stream, expected_version, events)), stream, expected_version)
            with self._lock:
                try:
                    inserted = self._db.execute(_INSERT_AT_VERSION, row).rowcount
                except self._sqlite3.IntegrityError:
                    inserted = 0
            if inserted == 1:
                return expected_version + 1
        return self.append_many([(stream, events, expected_version)])[0]

    def append_many(self, batches: Sequence[tuple[str, Sequence[NewEvent], int]]) -> list[int]:
        """Append to several streams in one transaction (for backfills): all or nothing.

        Args:
            batches: ``(stream, events, expected_version)`` for each stream.

        Returns:
            Each stream's version after the append.

        Raises:
            ConcurrencyError: Any stream is not at its expected version; nothing is written.
        """
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                versions = self._append_locked(batches)
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
            return versions

    def _select_in(self, sql: str, values: Sequence[str]) -> list[tuple[Any, ...]]:
        """Run ``sql`` (with one ``{marks}``) over ``values`` in chunks SQLite accepts."""
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(values), 500):
            chunk = values[start : start + 500]
            rows += self._db.execute(sql.format(marks=",".join("?" * len(chunk))), chunk)
        return rows

    def _append_locked(self, batches: Sequence[tuple[str, Sequence[NewEvent], int]]) -> list[int]:
        # The common case: new events on streams at their expected versions. Read
        # each stream's version, then insert; the unique event_id catches a retry.
        streams = list(dict.fromkeys(stream for stream, _, _ in batches))
        current = self._versions(streams)
        rows: list[tuple[Any, ...]] = []
        versions: list[int] = []
        for stream, events, expected in batches:
            fresh = _fresh(events, ())
            version = current.get(stream, 0)
            if fresh and version != expected:
                return self._append_checked(batches)  # a retry, or a stale writer
            rows.extend(_rows(stream, version, fresh))
            current[stream] = version + len(fresh)
            versions.append(current[stream])
        db = self._db
        try:
            db.executemany(_INSERT, rows)
        except self._sqlite3.IntegrityError:  # an event id already stored: a retry
            # Start again in a clean transaction (cheaper than a savepoint per batch).
            db.execute("ROLLBACK")
            db.execute("BEGIN IMMEDIATE")
            return self._append_checked(batches)
        return versions

    def _versions(self, streams: Sequence[str]) -> dict[str, int]:
        # One prepared statement per stream beats one IN (...) list, which SQLite
        # must parse afresh for every batch.
        execute = self._db.execute
        found = {}
        for stream in streams:
            version = execute(_VERSION, (stream,)).fetchone()[0]
            if version is not None:
                found[stream] = int(version)
        return found

    def _append_checked(self, batches: Sequence[tuple[str, Sequence[NewEvent], int]]) -> list[int]:
        # For the whole batch: the ids already stored, each stream's version, inserts.
        ids = [e.event_id for _, events, _ in batches for e in events]
        known = {
            row[0]
            for row in self._select_in(
                "SELECT event_id FROM events WHERE event_id IN ({marks})", ids
            )
        }
        current = self._versions(list(dict.fromkeys(stream for stream, _, _ in batches)))
        rows: list[tuple[Any, ...]] = []
        versions: list[int] = []
        for stream, events, expected in batches:
            fresh = _fresh(events, known)
            version = current.get(stream, 0)
            if fresh and version != expected:
                raise ConcurrencyError(stream, expected, version)
            known.update(event.event_id for event in fresh)
            rows.extend(_rows(stream, version, fresh))
            current[stream] = version + len(fresh)
            versions.append(current[stream])
        if rows:
            self._db.executemany(_INSERT, rows)
        return versions

    def read(self, stream: str, *, after: int = 0) -> list[StoredEvent]:
        """See :meth:`Store.read`."""
        with self._lock:
            rows = self._db.execute(
                "SELECT event_id, stream, version, position, kind, actor, at, data FROM events "
                "WHERE stream = ? AND version > ? ORDER BY version",
                (stream, after),
            ).fetchall()
        return [_row(r) for r in rows]

    def read_all(self, *, after: int = 0, limit: int | None = None) -> list[StoredEvent]:
        """See :meth:`Store.read_all`."""
        with self._lock:
            rows = self._db.execute(
                "SELECT event_id, stream, version, position, kind, actor, at, data FROM events "
                "WHERE position > ? ORDER BY position LIMIT ?",
                (after, -1 if limit is None else limit),
            ).fetchall()
        return [_row(r) for r in rows]

    def version(self, stream: str) -> int:
        """See :meth:`Store.version`."""
        with self._lock:
            row = self._db.execute(_VERSION, (stream,)).fetchone()
        return int(row[0] or 0)

    def streams(self) -> Iterator[str]:
        """Every stream, in the order it was first written."""
        with self._lock:
            rows = self._db.execute(
                "SELECT stream FROM events GROUP BY stream ORDER BY MIN(position)"
            ).fetchall()
        return iter([r[0] for r in rows])


_INSERT: Final = (
    "INSERT INTO events (event_id, stream, version, kind, actor, at, data) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)


_VERSION: Final = "SELECT MAX(version) FROM events WHERE stream = ?"

_INSERT_AT_VERSION: Final = (
    "INSERT INTO events (event_id, stream, version, kind, actor, at, data) "
    "SELECT ?, ?, ?, ?, ?, ?, ? "
    "WHERE coalesce((SELECT MAX(version) FROM events WHERE stream = ?), 0) = ?"
)
"""Insert one event only if its stream is at the given version; else insert nothing."""


# One encoder for every event: json.dumps with options builds a new one per call.
_to_json: Final = json.JSONEncoder(separators=(",", ":"), sort_keys=True).encode


def _rows(stream: str, version: int, events: Sequence[NewEvent]) -> Iterator[tuple[Any, ...]]:
    for offset, event in enumerate(events, start=1):
        yield (
            event.event_id,
            stream,
            version + offset,
            event.kind,
            event.actor,
            event.at.isoformat(),
            _data_json(event),
        )


def _data_json(event: NewEvent) -> str:
    try:
        return _to_json(event.data)
    except (TypeError, ValueError) as error:
        raise SpecError.single(
            f"Event {event.event_id!r} has data that is not JSON ({error})",
            Location(path=("data",)),
        ) from None


def _row(row: tuple[Any, ...]) -> StoredEvent:
    event_id, stream, version, position, kind, actor, at, data = row
    return StoredEvent(
        event_id,
        stream,
        version,
        position,
        kind,
        actor,
        dt.datetime.fromisoformat(at),
        json.loads(data),
    )
