"""Event stores: append-only, transactional, idempotent by event id.

Lifecycles (handoffs, the decision log) are event-sourced: their state is folded from
events kept in a :class:`Store`. The protocol is deliberately narrow:

- :meth:`Store.append` adds events to one stream *if* the stream is at the expected
  version (optimistic concurrency: a stale writer gets :class:`ConcurrencyError`,
  never a silent overwrite); an event whose id is already stored is skipped, so a
  retried append is harmless;
- :meth:`Store.read` reads one stream, :meth:`Store.read_all` everything in order.

**Stream categories.** One store holds the events of several lifecycles (handoffs, a
decision log ...), each under its own *category*, a short name stored with every event
(``StoredEvent.category``). :meth:`Store.append` takes it as ``category=``, and a
stream keeps the category of its first event: appending to it under another one is a
:class:`~alignkit.errors.SpecError`. :meth:`Store.read_all` reads one category with
``category=``, or every event without it, so a lifecycle replays its own events only.
The category defaults to ``"handoff"``: the only events stores held before categories
existed, so every call written before then keeps its meaning, and an older SQLite file
reads, and is migrated, as category ``"handoff"``.

:class:`MemoryStore` keeps events in memory; :class:`SQLiteStore` keeps them in one
SQLite file (stdlib ``sqlite3``, WAL, one transaction per append), so a process killed
mid-append loses nothing that was committed and leaves nothing half-written.

Both stores check their arguments the same way: a wrong argument is a
:class:`~alignkit.errors.SpecError` naming it, before anything is written. A store
whose file cannot be used (missing, read-only, damaged, or no event store at all)
raises :class:`~alignkit.errors.StoreError`, which names the file and what is wrong.

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
>>> store.append("DEC-7", [NewEvent("d1", "proposed", "cfo", at)], expected_version=0,
...              category="decision")
1
>>> [e.stream for e in store.read_all(category="decision")]
['DEC-7']
>>> [e.category for e in store.read_all()]
['handoff', 'decision']

Added in 0.1.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import operator
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import (
    TYPE_CHECKING,
    Any,
    Final,
    Literal,
    NamedTuple,
    NoReturn,
    Protocol,
    SupportsIndex,
    TypeVar,
    final,
    runtime_checkable,
)

import attrs

from alignkit._gc import collector_paused
from alignkit._time import require_aware
from alignkit.diagnostics import Location
from alignkit.errors import AlignkitError, SpecError, StoreError

if TYPE_CHECKING:
    import sqlite3

    from alignkit.store._postgres import PostgresStore, is_postgres_dsn

__all__ = [
    "ConcurrencyError",
    "EncodedEvent",
    "EncodedReader",
    "MemoryStore",
    "NewEvent",
    "PostgresStore",
    "SQLiteStore",
    "Store",
    "StoredEvent",
    "is_postgres_dsn",
    "open_store",
]


def __getattr__(name: str) -> Any:  # noqa: ANN401 - a module attribute
    # The PostgreSQL store is loaded when first named: psycopg (extra ``postgres``)
    # is imported only when a PostgresStore is made.
    if name in ("PostgresStore", "is_postgres_dsn"):
        from alignkit.store import _postgres

        return getattr(_postgres, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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


# -- checking what callers pass ------------------------------------------------------------

_MAX_INT: Final = 2**63 - 1
"""The largest version, position or limit: SQLite's INTEGER holds no more."""


def _brief(value: object, budget: int = 60) -> str:
    """``repr(value)``, cut to ``budget`` characters; safe for any value.

    Huge integers, deep nesting and objects whose ``repr`` fails are described
    instead of shown, so a message about bad input never fails itself.
    """
    if isinstance(value, int) and value.bit_length() > 128:  # noqa: PLR2004 - about 39 digits
        return f"a whole number of {value.bit_length()} bits"
    if isinstance(value, Mapping | list | tuple | set | frozenset) and len(value) > budget:
        return f"a {type(value).__name__} of {len(value):,} items"
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - any repr may fail (recursion, a broken __repr__)
        return f"a {type(value).__name__}"
    return text if len(text) <= budget else text[: budget - 3] + "..."


def _bad(path: tuple[str | int, ...], message: str) -> SpecError:
    return SpecError.single(message, Location(path=path))


def _text(value: object, path: tuple[str | int, ...]) -> str:
    """``value`` as non-blank text that every store can keep, else a SpecError at ``path``."""
    if not isinstance(value, str):
        raise _bad(path, f"`{path[-1]}` must be text, got {_brief(value)}")
    if not value or value.isspace():
        raise _bad(path, f"`{path[-1]}` must not be blank, got {_brief(value)}")
    if "\x00" in value:
        raise _bad(
            path,
            f"`{path[-1]}` holds a NUL character, which PostgreSQL cannot store: {_brief(value)}",
        )
    if not value.isascii():
        try:
            value.encode()
        except UnicodeEncodeError:
            raise _bad(
                path,
                f"`{path[-1]}` holds a lone surrogate, which no file can store: {_brief(value)}",
            ) from None
    return value


def _count(value: object, path: tuple[str | int, ...]) -> int:
    """``value`` as a whole number from 0 that SQLite can store, else a SpecError."""
    if type(value) is int and 0 <= value <= _MAX_INT:
        return value
    number = None
    if isinstance(value, SupportsIndex) and not isinstance(value, bool):
        number = operator.index(value)  # numpy's integers, say
    if number is None or not 0 <= number <= _MAX_INT:
        raise _bad(path, f"`{path[-1]}` must be a whole number from 0, got {_brief(value)}")
    return number


def _limit(value: object) -> int | None:
    """``read_all``'s ``limit``: ``None``, or a whole number from 0."""
    return None if value is None else _count(value, ("limit",))


def _aware(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    require_aware(value, (attribute.name,))


def _nonblank(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _text(value, (attribute.name,))


def _mapping(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping):
        raise _bad(
            (attribute.name,),
            f"`{attribute.name}` must be a mapping of JSON values, got {_brief(value)}",
        )


def _stream(stream: object) -> str:
    return _text(stream, ("stream",))


_DEFAULT_CATEGORY: Final = "handoff"
"""The category of an append that names none, and of every event stored before categories."""


def _category(value: object, path: tuple[str | int, ...] = ("category",)) -> str:
    """``value`` as a category: non-blank text, as a stream name is."""
    return _text(value, path)


def _other_category(
    stream: str, held: str, category: str, where: tuple[str | int, ...]
) -> SpecError:
    """An append under ``category`` to a stream that holds ``held`` events."""
    return _bad(
        (*where, "category"),
        f"Stream {stream!r} holds {held!r} events, not {category!r}: a stream keeps the "
        "category of its first event; give the stream of another category its own name",
    )


_Prepared = tuple[str, str, str, str, str]
"""An event ready to store: its id, kind, actor, time (ISO 8601) and data (JSON)."""


def _events(events: object, path: tuple[str | int, ...] = ("events",)) -> list[_Prepared]:
    """``events``, each a :class:`NewEvent`, encoded; else a SpecError at ``path``.

    Every event is encoded, even one that turns out to be stored already: both
    stores refuse the same input, whatever they hold.
    """
    if type(events) is not list and type(events) is not tuple:
        if isinstance(events, str | bytes | bytearray | Mapping) or not isinstance(
            events, Iterable
        ):
            raise _bad(path, f"`{path[-1]}` must be a list of NewEvent, got {_brief(events)}")
        events = tuple(events)
    prepared = []
    for index, event in enumerate(events):
        if type(event) is not NewEvent:
            raise _bad((*path, index), f"Each event must be a NewEvent, got {_brief(event)}")
        prepared.append(
            (
                event.event_id,
                event.kind,
                event.actor,
                event.at.isoformat(),
                _data_json(event, (*path, index, "data")),
            )
        )
    return prepared


class _Batch(NamedTuple):
    """Events checked and encoded for one stream, with what the append expects of it."""

    stream: str
    events: list[_Prepared]
    expected: int
    category: str
    where: tuple[str | int, ...]
    """Where the batch is among the arguments, for messages: ``()`` or ``("batches", i)``."""


def _batch(stream: object, events: object, expected_version: object, category: object) -> _Batch:
    """The arguments of :meth:`Store.append`, checked."""
    return _Batch(
        _stream(stream),
        _events(events),
        _count(expected_version, ("expected_version",)),
        _category(category),
        (),
    )


_BATCH_SHAPE: Final = (
    "(stream, events, expected_version) or (stream, events, expected_version, category)"
)


def _batches(batches: object) -> list[_Batch]:
    """``batches`` of ``(stream, events, expected_version[, category])``, checked."""
    if type(batches) is not list and type(batches) is not tuple:
        if isinstance(batches, str | bytes | bytearray | Mapping) or not isinstance(
            batches, Iterable
        ):
            raise _bad(
                ("batches",),
                f"`batches` must be a list of {_BATCH_SHAPE}, got {_brief(batches)}",
            )
        batches = tuple(batches)
    checked = []
    for index, batch in enumerate(batches):
        if not isinstance(batch, tuple | list) or len(batch) not in (3, 4):
            raise _bad(
                ("batches", index),
                f"Each batch must be {_BATCH_SHAPE}, got {_brief(batch)}",
            )
        stream, events, expected, *category = batch
        where = ("batches", index)
        checked.append(
            _Batch(
                _text(stream, (*where, "stream")),
                _events(events, (*where, "events")),
                _count(expected, (*where, "expected_version")),
                _category(category[0], (*where, "category")) if category else _DEFAULT_CATEGORY,
                where,
            )
        )
    return checked


# -- events --------------------------------------------------------------------------------


@final
@attrs.frozen
class NewEvent:
    """An event to append: a unique id, what happened, who did it, when, and data.

    ``event_id``, ``kind`` and ``actor`` are non-blank text, ``at`` is a
    timezone-aware datetime and ``data`` a mapping that must be JSON-serialisable
    (it is stored as JSON; that is checked when the event is appended).

    Raises:
        SpecError: A field is of the wrong type or blank; the problem names it.

    >>> NewEvent("e1", "opened", None, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    Traceback (most recent call last):
    ...
    alignkit.errors.SpecError: actor: `actor` must be text, got None

    Added in 0.1.
    """

    event_id: str = attrs.field(validator=_nonblank)
    kind: str = attrs.field(validator=_nonblank)
    actor: str = attrs.field(validator=_nonblank)
    at: dt.datetime = attrs.field(validator=_aware)
    data: Mapping[str, Any] = attrs.field(factory=dict, validator=_mapping)


@final
@attrs.frozen
class StoredEvent:
    """An event as stored: a :class:`NewEvent` plus its stream, version and position.

    Attributes:
        stream: The stream it belongs to (a deal id, say).
        version: Its place in the stream, from 1.
        position: Its place in the whole store, increasing.
        category: The lifecycle its stream belongs to (``"handoff"``, ``"decision"``
            ...): every event of a stream has the same one.

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
    category: str = attrs.field(default=_DEFAULT_CATEGORY, kw_only=True)


class EncodedEvent(NamedTuple):
    """An event as its store encodes it: time and data as text, not yet decoded.

    ``at`` is the time in ISO 8601 as it was appended (with its offset), ``data`` the
    JSON text the store holds (keys sorted, no spaces, non-ASCII escaped). For
    readers that check events themselves and decode only what they must: the
    decision log hashes each event's encoded form when it verifies its chains.

    Added in 0.2.
    """

    event_id: str
    stream: str
    version: int
    position: int
    kind: str
    actor: str
    at: str
    data: str


@runtime_checkable
class EncodedReader(Protocol):
    """A store that can also hand out its events encoded (:class:`EncodedEvent`).

    Both stores of this module can. A store that cannot is still a :class:`Store`:
    readers that prefer encoded events fall back to :meth:`Store.read_all`.

    Added in 0.2.
    """

    def read_all_encoded(
        self, *, after: int = 0, limit: int | None = None, category: str | None = None
    ) -> list[EncodedEvent]:
        """What :meth:`Store.read_all` reads, checked as it checks it, but not decoded."""
        ...


_AppendBatch = tuple[str, Sequence[NewEvent], int] | tuple[str, Sequence[NewEvent], int, str]

_Read = TypeVar("_Read", StoredEvent, EncodedEvent)
"""A batch of :meth:`SQLiteStore.append_many`: the category may be left out."""


@runtime_checkable
class Store(Protocol):
    """What a lifecycle needs from an event store.

    A PostgreSQL store implements the same four methods over one table with a unique
    ``(stream, version)``, a unique ``event_id`` and a ``category`` column. Every
    method checks its arguments first: a wrong one is a
    :class:`~alignkit.errors.SpecError` naming it.

    Added in 0.1.
    """

    def append(
        self,
        stream: str,
        events: Sequence[NewEvent],
        *,
        expected_version: int,
        category: str = "handoff",
    ) -> int:
        """Append ``events`` to ``stream`` if it is at ``expected_version``.

        Events whose id is already stored are skipped (idempotent retries); if every
        event is already stored, nothing is checked or written. Ids are unique across
        the whole store: an id stored on one stream is skipped on any other too.

        Args:
            stream: The stream (a deal id, say).
            events: The events, in order.
            expected_version: The stream's version as the writer last read it.
            category: The lifecycle the stream belongs to. A stream keeps the
                category of its first event. The default, ``"handoff"``, is what
                every append meant before there were categories.

        Returns:
            The stream's version after the append.

        Raises:
            ConcurrencyError: The stream is not at ``expected_version``.
            SpecError: ``stream`` or ``category`` is not text, an event is not a
                :class:`NewEvent` or its data is not JSON, ``expected_version`` is
                not a whole number from 0, or the stream holds events of another
                category.
            StoreError: The store cannot write (it is read-only, or its file is damaged).
        """
        ...

    def read(self, stream: str, *, after: int = 0) -> list[StoredEvent]:
        """The events of ``stream`` with a version above ``after``, in order."""
        ...

    def read_all(
        self, *, after: int = 0, limit: int | None = None, category: str | None = None
    ) -> list[StoredEvent]:
        """Every event with a position above ``after``, in the order they were stored.

        Args:
            after: Only events with a position above this one.
            limit: At most this many events (``None``: all of them).
            category: Only the events of this category (``None``: of every one).
        """
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

    def append(
        self,
        stream: str,
        events: Sequence[NewEvent],
        *,
        expected_version: int,
        category: str = "handoff",
    ) -> int:
        """See :meth:`Store.append`."""
        batch = _batch(stream, events, expected_version, category)
        with self._lock:
            return self._append([batch])[0]

    def append_returning(
        self,
        stream: str,
        events: Sequence[NewEvent],
        *,
        expected_version: int,
        category: str = "handoff",
    ) -> list[StoredEvent]:
        """Append, and return the events as stored, as :meth:`SQLiteStore.append_returning`.

        Added in 0.2.
        """
        batch = _batch(stream, events, expected_version, category)
        with self._lock:
            self._append([batch])
            ids = {event[0] for event in batch.events}
            rows = self._streams.get(batch.stream, ())[batch.expected :]
            return [_row(r) for r in rows if r[0] in ids]

    def append_many(self, batches: Sequence[_AppendBatch]) -> list[int]:
        """Append to several streams at once, all or nothing, as :meth:`SQLiteStore.append_many`.

        Added in 0.1.
        """
        checked = _batches(batches)
        with self._lock:
            return self._append(checked)

    def _append(self, batches: Sequence[_Batch]) -> list[int]:
        # Work out every row first: a stale stream changes nothing.
        pending: set[str] = set()
        current: dict[str, int] = {}
        held: dict[str, str] = {}  # the category of each stream this call writes to
        planned: list[tuple[str, list[tuple[Any, ...]]]] = []
        versions: list[int] = []
        for stream, events, expected, category, where in batches:
            fresh = [e for e in _fresh(events, self._ids) if e[0] not in pending]
            stored = self._streams.get(stream, ())
            version = current.get(stream, len(stored))
            if fresh:
                # A stream's rows all have its category: the first one says which.
                owner = held.get(stream, stored[0][_CATEGORY] if stored else None)
                if owner is not None and owner != category:
                    raise _other_category(stream, owner, category, where)
                if version != expected:
                    raise ConcurrencyError(stream, expected, version)
                held[stream] = category
            planned.append((stream, list(_rows(stream, version, fresh, category, checksums=False))))
            pending.update(event[0] for event in fresh)
            current[stream] = version + len(fresh)
            versions.append(current[stream])
        for stream, rows in planned:
            if not rows:
                continue
            target = self._streams.setdefault(stream, [])
            start = len(self._all) + 1
            numbered = [
                (event_id, stream_, version, start + offset, *rest)
                for offset, (event_id, stream_, version, *rest) in enumerate(rows)
            ]
            target.extend(numbered)
            self._all.extend(numbered)
        self._ids.update(pending)
        return versions

    def read(self, stream: str, *, after: int = 0) -> list[StoredEvent]:
        """See :meth:`Store.read`."""
        stream, after = _stream(stream), _count(after, ("after",))
        with self._lock:
            rows = self._streams.get(stream, ())[after:]
        return [_row(r) for r in rows]

    def read_all(
        self, *, after: int = 0, limit: int | None = None, category: str | None = None
    ) -> list[StoredEvent]:
        """See :meth:`Store.read_all`."""
        rows = self._select(after, limit, category)
        with collector_paused():
            return [_row(r) for r in rows]

    def read_all_encoded(
        self, *, after: int = 0, limit: int | None = None, category: str | None = None
    ) -> list[EncodedEvent]:
        """See :meth:`EncodedReader.read_all_encoded`.

        Added in 0.2.
        """
        rows = self._select(after, limit, category)
        with collector_paused():
            return [EncodedEvent(*r[:_CHECKSUM]) for r in rows]

    def _select(self, after: object, limit: object, category: object) -> list[tuple[Any, ...]]:
        after, most = _count(after, ("after",)), _limit(limit)
        wanted = None if category is None else _category(category)
        with self._lock:
            if wanted is None:
                return self._all[after:] if most is None else self._all[after : after + most]
            found = (row for row in self._all[after:] if row[_CATEGORY] == wanted)
            return list(itertools.islice(found, most))

    def version(self, stream: str) -> int:
        """See :meth:`Store.version`."""
        stream = _stream(stream)
        with self._lock:
            return len(self._streams.get(stream, ()))

    def count(self, *, category: str | None = None) -> int:
        """The number of events held (of ``category``, if given).

        Added in 0.3.
        """
        wanted = None if category is None else _category(category)
        with self._lock:
            if wanted is None:
                return len(self._all)
            return sum(row[_CATEGORY] == wanted for row in self._all)


def _fresh(events: Sequence[_Prepared], known: Iterable[str] | set[str]) -> list[_Prepared]:
    seen = set()
    out = []
    for event in events:
        event_id = event[0]
        if event_id in known or event_id in seen:
            continue
        seen.add(event_id)
        out.append(event)
    return out


# -- the SQLite file -----------------------------------------------------------------------

_APPLICATION_ID: Final = 0x416C4B45  # "AlKE": the file is an alignkit event store
"""``PRAGMA application_id`` of a store file, so that it can be told from other files."""

_FORMAT: Final = 2
"""``PRAGMA user_version`` of the file format this version writes.

0 (files written before checksums, with no application id): no ``checksum`` column.
1: each event row has a ``checksum``. Opening a format 0 file for writing adds the
column; its old rows keep a NULL checksum and are read unchecked.
2: each event row has a ``category``. Opening a format 0 or 1 file for writing adds
the column with the default ``'handoff'`` (SQLite stores a column's default once, in
the schema, so no row is rewritten); opening one read-only reads every event as
category ``handoff``. The checksum of a ``handoff`` event leaves the category out,
so the checksums of format 1 rows still hold.
"""

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
    checksum INTEGER,
    category TEXT NOT NULL DEFAULT 'handoff',
    UNIQUE (stream, version)
);
"""

_ADD_CATEGORY: Final = "ALTER TABLE events ADD COLUMN category TEXT NOT NULL DEFAULT 'handoff'"
"""Format 0 or 1 to format 2: what is stored already is of category ``handoff``."""

_FORMAT_0_COLUMNS: Final = (
    ("position", "INTEGER", 0, 1),
    ("event_id", "TEXT", 1, 0),
    ("stream", "TEXT", 1, 0),
    ("version", "INTEGER", 1, 0),
    ("kind", "TEXT", 1, 0),
    ("actor", "TEXT", 1, 0),
    ("at", "TEXT", 1, 0),
    ("data", "TEXT", 1, 0),
)
"""Each column of the events table: name, type, NOT NULL, primary key (``table_info``)."""

_FORMAT_1_COLUMNS: Final = (*_FORMAT_0_COLUMNS, ("checksum", "INTEGER", 0, 0))

_COLUMNS: Final = (*_FORMAT_1_COLUMNS, ("category", "TEXT", 1, 0))

_UNIQUE: Final = [("event_id",), ("stream", "version")]
"""The unique constraints of the events table: retries and stale writers rely on them."""

_Kind = Literal["new", "current", "format 1", "format 0"]


_NO_SUCH_FILE: Final = "there is no such file"
"""The :attr:`~alignkit.errors.StoreError.reason` when a read-only store's file is missing."""


@final
class SQLiteStore:
    """A store in one SQLite file: WAL journal, one transaction per append.

    Args:
        path: The database file (created if missing), or ``":memory:"``.
        synchronous: SQLite's ``synchronous`` setting: ``"FULL"`` (the default)
            survives power loss; ``"NORMAL"`` survives a crashed process, faster.
        read_only: Open an existing store only to read it (a file the process may
            not write, or on a read-only mount). SQLite opens it read-only
            (``mode=ro``), so nothing is created, migrated or written, even by root;
            appending raises :class:`~alignkit.errors.StoreError`. On a read-only
            mount, where SQLite cannot create its shared-memory file, a file with no
            write-ahead log left over is read as immutable.

    Reopening the file gives the same events. Use one instance per thread, or share
    one: calls are serialised by a lock.

    The file is marked as an alignkit event store (``PRAGMA application_id``), and
    another program's database is refused unchanged. Every event is stored with a
    checksum of its fields (Adler-32), checked whenever it is read: an event changed on
    disk (bit rot, a stray write, an edit outside alignkit) is a
    :class:`~alignkit.errors.StoreError` naming it, never silently different data.
    Damage that no single read can see (an index that lost an entry) is found by
    :meth:`verify`. Files written before checksums were added are read as they are;
    opening one for writing adds the checksum column (a quick change: the old events
    keep no checksum, and are read unchecked).

    The format is kept in ``PRAGMA user_version`` (2 since stream categories). A file
    written before categories is migrated when it is opened for writing: a column is
    added and every event it held is of category ``handoff``, as the handoff desk
    that wrote them expects, so it replays unchanged. Opened read-only, such a file is
    read as category ``handoff`` and left as it is.

    Raises:
        StoreError: The file cannot be used: it is not an alignkit event store, it
            is damaged, it cannot be opened, or (with ``read_only``) it is missing.
        SpecError: ``synchronous`` is not ``"FULL"`` or ``"NORMAL"``, or ``read_only``
            is asked of ``":memory:"``.

    >>> import tempfile
    >>> from pathlib import Path
    >>> from alignkit.errors import StoreError
    >>> folder = tempfile.TemporaryDirectory()
    >>> try:
    ...     SQLiteStore(Path(folder.name) / "missing.db", read_only=True)
    ... except StoreError as error:
    ...     print(error.reason)
    there is no such file
    >>> folder.cleanup()

    Added in 0.1.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        synchronous: Literal["FULL", "NORMAL"] = "FULL",
        read_only: bool = False,
    ) -> None:
        """Open (or create) the store at ``path``."""
        import sqlite3

        if synchronous not in ("FULL", "NORMAL"):
            raise SpecError.single(f"synchronous must be FULL or NORMAL, not {synchronous!r}")
        self._sqlite3 = sqlite3
        # What SQLite raises when it fails; text that is not UTF-8 (a damaged file)
        # comes out of the sqlite3 module as a UnicodeDecodeError.
        self._failures: tuple[type[Exception], ...] = (sqlite3.Error, UnicodeDecodeError)
        self._path = os.fspath(path)
        self._read_only = bool(read_only)
        # Reentrant: appends made inside transaction() take the lock it holds.
        self._lock = threading.RLock()
        self._checksums = True
        kind: _Kind = "current"
        if not self._read_only:
            self._db = self._open(synchronous)
        elif self._path == ":memory:":
            raise SpecError.single(
                "A read-only store needs a file: an in-memory database is always empty",
                Location(path=("read_only",)),
            )
        else:
            self._db, kind = self._open_read_only()
        # What a read selects: an older file, read-only, has no newer columns.
        self._select, category = _SELECTS[kind]
        self._category_column = category
        self._by_category = (
            f"{self._select}WHERE position > ? AND {category} = ? ORDER BY position LIMIT ?"
        )

    # -- opening ----------------------------------------------------------------------

    def _connect(self, target: str, *, uri: bool = False) -> sqlite3.Connection:
        try:
            # Transactions are explicit (BEGIN IMMEDIATE ... COMMIT), one per append.
            return self._sqlite3.connect(
                target, isolation_level=None, check_same_thread=False, uri=uri
            )
        except self._failures as error:
            raise self._failure(error, "open") from None

    def _open(self, synchronous: str) -> sqlite3.Connection:
        if self._path != ":memory:":
            try:
                Path(self._path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreError.for_store(
                    self._path, f"its folder cannot be created ({error.strerror or error})"
                ) from None
        db = self._connect(self._path)
        try:
            db.execute("PRAGMA busy_timeout=5000")
            kind = self._inspect(db)  # before anything is written to a file that is not ours
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(f"PRAGMA synchronous={synchronous}")
            if kind != "current":
                self._set_up(db)
        except BaseException as error:
            db.close()
            if isinstance(error, self._failures):
                raise self._failure(error, "open") from None
            raise
        return db

    def _set_up(self, db: sqlite3.Connection) -> None:
        """Create the table in a new file, or bring an older file to the current format.

        Format 0 gains the checksum column, formats 0 and 1 the category column.
        """
        db.execute("BEGIN IMMEDIATE")
        try:
            kind = self._inspect(db)  # again: another process may have done it meanwhile
            if kind == "new":
                db.execute(_SCHEMA)
            if kind == "format 0":
                db.execute("ALTER TABLE events ADD COLUMN checksum INTEGER")
            if kind in ("format 0", "format 1"):
                db.execute(_ADD_CATEGORY)
            db.execute(f"PRAGMA application_id={_APPLICATION_ID}")
            db.execute(f"PRAGMA user_version={_FORMAT}")
            db.execute("COMMIT")
        except BaseException:
            _rollback(db)
            raise

    def _open_read_only(self) -> tuple[sqlite3.Connection, _Kind]:
        path = Path(self._path)
        if not path.is_file():
            raise StoreError.for_store(
                self._path,
                _NO_SUCH_FILE,
                hint="a read-only store reads an existing one; leave out read_only=True "
                "to create one",
            )
        # mode=ro: SQLite itself refuses every write, even for a user (root) whom
        # the file's permissions would not stop.
        uri = path.absolute().as_uri() + "?mode=ro"
        try:
            return self._open_uri(uri)
        except self._failures as error:
            if getattr(error, "sqlite_errorname", "") != "SQLITE_CANTOPEN":
                raise self._failure(error, "open") from None
            if not _no_wal(path):
                raise StoreError.for_store(
                    self._path,
                    f"cannot open: SQLite must read the writes left in {path.name}-wal, "
                    "and cannot create its shared-memory file beside it",
                    hint="open the store once where its folder can be written, or copy the "
                    "file with its -wal to such a folder",
                ) from None
        # A WAL file on a read-only mount: SQLite cannot create the shared-memory file
        # beside it. With no write-ahead log left over, the database file is the whole
        # store and nobody can write it there, so SQLite may read it as immutable.
        try:
            return self._open_uri(uri + "&immutable=1")
        except self._failures as error:
            raise self._failure(error, "open") from None

    def _open_uri(self, uri: str) -> tuple[sqlite3.Connection, _Kind]:
        db = self._connect(uri, uri=True)
        try:
            db.execute("PRAGMA busy_timeout=5000")
            kind = self._inspect(db)
        except BaseException:
            db.close()
            raise
        return db, kind

    def _inspect(self, db: sqlite3.Connection) -> _Kind:
        """What the file holds: nothing yet, a current store, or an older one (format 0 or 1).

        Raises:
            StoreError: Anything else (the file is not an event store, or too new).
        """
        application_id = db.execute("PRAGMA application_id").fetchone()[0]
        file_format = db.execute("PRAGMA user_version").fetchone()[0]
        tables = [
            str(row[0])
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite!_%' ESCAPE '!' ORDER BY name"
            )
        ]
        columns = tuple(
            (row[1], str(row[2]).upper(), row[3], row[5])
            for row in db.execute("PRAGMA table_info(events)")
        )
        if columns:
            unique = sorted(
                tuple(column for (column,) in db.execute(_INDEX_COLUMNS, (name,)))
                for _, name, is_unique, *_ in db.execute("PRAGMA index_list(events)")
                if is_unique
            )
            if unique != _UNIQUE:
                columns = ()  # not the table alignkit makes
        if application_id == _APPLICATION_ID:
            if file_format > _FORMAT:
                raise StoreError.for_store(
                    self._path,
                    f"the store is in format {file_format}, written by a newer alignkit",
                    hint="upgrade alignkit to open it",
                )
            if file_format == _FORMAT and columns == _COLUMNS:
                return "current"
            if file_format == 1 and columns == _FORMAT_1_COLUMNS:
                return "format 1"
            raise StoreError.for_store(
                self._path,
                "the file is damaged (its store format or its events table is not "
                "one alignkit writes)",
            )
        if application_id == 0 and file_format == 0:
            if not tables and self._read_only:
                raise StoreError.for_store(
                    self._path, "not an alignkit event store: the database is empty"
                )
            if not tables:
                return "new"
            if columns == _FORMAT_0_COLUMNS:
                return "format 0"
        shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")  # noqa: PLR2004
        what = f"it holds the tables {shown}" if tables else "it belongs to another program"
        raise StoreError.for_store(self._path, f"not an alignkit event store ({what})")

    # -- errors -----------------------------------------------------------------------

    def _failure(self, error: Exception, doing: str) -> StoreError:
        """A ``StoreError`` that says in plain words what SQLite's ``error`` means."""
        name = getattr(error, "sqlite_errorname", "") or ""
        detail = str(error)
        hint = ""
        if isinstance(error, self._sqlite3.ProgrammingError) and "closed" in detail:
            reason = "the store is closed"
        elif name == "SQLITE_NOTADB":
            reason = f"not an alignkit event store: it is not an SQLite database ({detail})"
        elif isinstance(error, UnicodeDecodeError) or "decode to UTF-8" in detail:
            reason = f"the file is damaged (it holds text that is not UTF-8: {detail})"
            hint = "restore it from a backup"
        elif name.startswith("SQLITE_CORRUPT") or "malformed" in detail:
            reason = f"the file is damaged ({detail})"
            hint = "restore it from a backup"
        elif name.startswith("SQLITE_READONLY"):
            reason = f"the file is read-only ({detail})"
            if not self._read_only:
                hint = "open it with read_only=True to read it"
        elif name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            reason = f"another connection kept the file locked too long ({detail})"
        elif name == "SQLITE_FULL":
            reason = f"the disk is full ({detail})"
        elif name.startswith("SQLITE_CANTOPEN"):
            reason = f"the file cannot be opened ({detail})"
            if not self._read_only and Path(self._path).is_file():
                hint = "if it or its folder is read-only, open it with read_only=True"
        elif name.startswith("SQLITE_IOERR"):
            reason = f"the file could not be read or written ({detail})"
        else:
            reason = f"SQLite failed ({detail})"
        return StoreError.for_store(self._path, f"cannot {doing}: {reason}", hint=hint)

    def _damaged(self, reason: str) -> NoReturn:
        raise StoreError.for_store(
            self._path,
            f"the file is damaged: {reason}",
            hint="it was changed outside alignkit, or the disk corrupted it; "
            "restore it from a backup",
        )

    def _refuse_write(self) -> NoReturn:
        raise StoreError.for_store(
            self._path,
            "cannot append: the store was opened read-only",
            hint="open it without read_only=True to write",
        )

    # -- the rest of the API ----------------------------------------------------------

    @property
    def path(self) -> str:
        """The database file."""
        return self._path

    @property
    def read_only(self) -> bool:
        """True when the store was opened with ``read_only=True``.

        Added in 0.1.
        """
        return self._read_only

    def close(self) -> None:
        """Close the database; the store cannot be used afterwards."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def append(
        self,
        stream: str,
        events: Sequence[NewEvent],
        *,
        expected_version: int,
        category: str = "handoff",
    ) -> int:
        """See :meth:`Store.append`. One transaction: all the events, or none."""
        batch = _batch(stream, events, expected_version, category)
        if self._read_only:
            self._refuse_write()
        if len(batch.events) == 1 and self._insert_one(batch) is not None:
            return batch.expected + 1
        return self._append_many([batch])[0]

    def append_returning(
        self,
        stream: str,
        events: Sequence[NewEvent],
        *,
        expected_version: int,
        category: str = "handoff",
    ) -> list[StoredEvent]:
        """Append as :meth:`append` does; return the events as the store holds them.

        For a writer that folds its own events: it gets them with their positions,
        as a read would return them, without reading them back.

        Returns:
            Those of ``events`` that the stream holds after ``expected_version``, in
            order: all of them when they were appended, as :meth:`read` returns
            them. An event the store held already (a retry) is there only if it is
            stored after ``expected_version``.

        Raises:
            ConcurrencyError: As for :meth:`append`.
            SpecError: As for :meth:`append`.
            StoreError: As for :meth:`append`.

        Added in 0.2.
        """
        batch = _batch(stream, events, expected_version, category)
        if self._read_only:
            self._refuse_write()
        if len(batch.events) == 1:
            stored = self._insert_one(batch)
            if stored is not None:
                return [stored]
        with self._lock:  # no other thread appends between the append and the read
            self._append_many([batch])
            ids = {event[0] for event in batch.events}
            return [e for e in self.read(batch.stream, after=batch.expected) if e.event_id in ids]

    def _insert_one(self, batch: _Batch) -> StoredEvent | None:
        """Append the batch's one event in one conditional INSERT: the event stored.

        The common case (one new event on a stream at the expected version, of the
        stream's category) is its own transaction, or part of the one open
        (:meth:`transaction`). ``None`` when nothing was inserted: a retry, a stale
        writer or another category, which the checked path sorts out.
        """
        stream, prepared, expected_version, category, _ = batch
        row = next(_rows(stream, expected_version, prepared, category, checksums=self._checksums))
        with self._lock:
            try:
                cursor = self._db.execute(
                    _INSERT_AT_VERSION,
                    (*row, stream, expected_version, stream, expected_version, category),
                )
            except self._sqlite3.IntegrityError:
                return None
            except self._failures as error:
                raise self._failure(error, "append") from None
            position = cursor.lastrowid
            if cursor.rowcount != 1 or position is None:
                return None
        event_id, _, version, kind, actor, at, data, checksum, _ = row
        # Decoded from what was stored, exactly as a read decodes it.
        return _row(
            (event_id, stream, version, position, kind, actor, at, data, checksum, category)
        )

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Make the writes inside the ``with`` block one transaction: all, or none.

        Appends to this store and writes of texts kept beside it
        (:meth:`alignkit.decision_log.SQLiteTextStore.beside`) made in the block
        commit together when it ends, and are rolled back if it raises. A block
        inside another joins it. Other threads using the store wait for the block
        to end; keep it short.

        Raises:
            StoreError: The store is read-only, or SQLite cannot begin or commit.

        >>> import datetime as dt
        >>> at = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
        >>> store = SQLiteStore(":memory:")
        >>> with store.transaction():
        ...     _ = store.append("deal-1", [NewEvent("e1", "opened", "crm", at)],
        ...                      expected_version=0)
        ...     store.append("deal-1", [NewEvent("e2", "submitted", "ae", at)],
        ...                  expected_version=0)
        Traceback (most recent call last):
        ...
        alignkit.store.ConcurrencyError: Stream 'deal-1' is at version 1, not 0: another writer appended first; read the stream again and retry
        >>> store.version("deal-1")
        0

        Added in 0.2.
        """  # noqa: E501 - a doctest's output line
        if self._read_only:
            self._refuse_write()
        with self._lock:
            db = self._db
            try:
                nested = self._in_transaction()  # then the outer block ends it
                if not nested:
                    db.execute("BEGIN IMMEDIATE")
            except self._failures as error:
                raise self._failure(error, "begin a transaction") from None
            if nested:
                yield
                return
            try:
                yield
            except BaseException:
                _rollback(db)
                raise
            try:
                db.execute("COMMIT")
            except self._failures as error:
                _rollback(db)
                raise self._failure(error, "commit") from None

    def _in_transaction(self) -> bool:
        """Whether this thread is in :meth:`transaction` (the caller holds the lock)."""
        return self._db.in_transaction

    def _shared(self) -> tuple[sqlite3.Connection, threading.RLock]:
        """The connection and its lock, for texts kept beside the events (and no one else)."""
        return self._db, self._lock

    def append_many(self, batches: Sequence[_AppendBatch]) -> list[int]:
        """Append to several streams in one transaction (for backfills): all or nothing.

        Args:
            batches: ``(stream, events, expected_version)`` for each stream, or
                ``(stream, events, expected_version, category)``: the category is
                ``"handoff"`` where a batch names none, as for :meth:`append`.

        Returns:
            Each stream's version after the append.

        Raises:
            ConcurrencyError: Any stream is not at its expected version; nothing is written.
            SpecError: A batch is not ``(stream, events, expected_version[, category])``,
                holds a wrong value, or appends to a stream of another category; its
                index is part of the location.
            StoreError: The store cannot write.
        """
        checked = _batches(batches)
        if self._read_only:
            self._refuse_write()
        return self._append_many(checked)

    def _append_many(self, batches: Sequence[_Batch]) -> list[int]:
        with self._lock:
            db = self._db
            try:
                if self._in_transaction():  # in transaction(), which ends it either way
                    return self._append_checked(batches)
            except self._failures as error:
                raise self._failure(error, "append") from None
            try:
                db.execute("BEGIN IMMEDIATE")
                versions = self._append_locked(batches)
                db.execute("COMMIT")
            except self._failures as error:
                _rollback(db)
                raise self._failure(error, "append") from None
            except BaseException:
                _rollback(db)
                raise
            return versions

    def _select_in(self, sql: str, values: Sequence[str]) -> list[tuple[Any, ...]]:
        """Run ``sql`` (with one ``{marks}``) over ``values`` in chunks SQLite accepts."""
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(values), 500):
            chunk = values[start : start + 500]
            rows += self._db.execute(sql.format(marks=",".join("?" * len(chunk))), chunk)
        return rows

    def _append_locked(self, batches: Sequence[_Batch]) -> list[int]:
        # The common case: new events on streams at their expected versions, of their
        # category. Read each stream's version and category, then insert; the unique
        # event_id catches a retry.
        current = self._latest(list(dict.fromkeys(batch.stream for batch in batches)))
        rows: list[tuple[Any, ...]] = []
        versions: list[int] = []
        checksums = self._checksums
        for stream, events, expected, category, _ in batches:
            fresh = _fresh(events, ())
            version, held = current.get(stream, (0, None))
            if fresh:
                if version != expected or held not in (None, category):
                    return self._append_checked(batches)  # a retry, a stale writer, a mistake
                held = category
            rows.extend(_rows(stream, version, fresh, category, checksums=checksums))
            current[stream] = (version + len(fresh), held)
            versions.append(version + len(fresh))
        db = self._db
        try:
            db.executemany(_INSERT, rows)
        except self._sqlite3.IntegrityError:  # an event id already stored: a retry
            # Start again in a clean transaction (cheaper than a savepoint per batch).
            db.execute("ROLLBACK")
            db.execute("BEGIN IMMEDIATE")
            return self._append_checked(batches)
        return versions

    def _latest(self, streams: Sequence[str]) -> dict[str, tuple[int, str | None]]:
        """The version and category of each stream that has events."""
        # One prepared statement per stream beats one IN (...) list, which SQLite
        # must parse afresh for every batch.
        execute = self._db.execute
        found: dict[str, tuple[int, str | None]] = {}
        for stream in streams:
            row = execute(_LATEST, (stream,)).fetchone()
            if row is not None:
                version, category = row
                if type(category) is not str:
                    self._damaged(f"stream {stream!r} has a category that is not text")
                found[stream] = (self._whole(version, stream), category)
        return found

    def _whole(self, version: object, stream: str) -> int:
        if type(version) is not int:
            self._damaged(f"stream {stream!r} has a version that is not a number")
        return version

    def _append_checked(self, batches: Sequence[_Batch]) -> list[int]:
        # For the whole batch: the ids already stored, each stream's version, inserts.
        ids = [e[0] for batch in batches for e in batch.events]
        known = {
            row[0]
            for row in self._select_in(
                "SELECT event_id FROM events WHERE event_id IN ({marks})", ids
            )
        }
        current = self._latest(list(dict.fromkeys(batch.stream for batch in batches)))
        rows, versions = _planned(batches, known, current, checksums=self._checksums)
        if rows:
            self._db.executemany(_INSERT, rows)
        return versions

    def _fetch(self, sql: str, parameters: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._db.execute(sql, parameters).fetchall()
            except self._failures as error:
                raise self._failure(error, "read") from None

    def read(self, stream: str, *, after: int = 0) -> list[StoredEvent]:
        """See :meth:`Store.read`.

        Raises:
            StoreError: The file is damaged: SQLite cannot read it, an event fails
                its checksum, or the stream's versions have a gap.
        """
        stream, after = _stream(stream), _count(after, ("after",))
        rows = self._fetch(self._select + _BY_STREAM, (stream, after))
        events = [self._decode(row) for row in rows]
        position = 0
        for expected, event in enumerate(events, start=after + 1):
            if event.stream != stream:
                self._bad_row(event.position, event.stream, f"is indexed under {stream!r}")
            if event.version != expected:
                self._damaged(
                    f"stream {stream!r} has no event at version {expected} "
                    f"(the next one is at version {event.version})"
                )
            if event.position <= position:  # a later version is always appended later
                self._out_of_order(event, position)
            position = event.position
        return events

    def read_all(
        self, *, after: int = 0, limit: int | None = None, category: str | None = None
    ) -> list[StoredEvent]:
        """See :meth:`Store.read_all`.

        Raises:
            StoreError: The file is damaged: SQLite cannot read it, or an event fails
                its checksum.
        """
        return self._read_all(after, limit, category, self._decode)

    def read_all_encoded(
        self, *, after: int = 0, limit: int | None = None, category: str | None = None
    ) -> list[EncodedEvent]:
        """See :meth:`EncodedReader.read_all_encoded`.

        Each row's types, checksum and order are checked as :meth:`read_all` checks
        them; its time and data are left as text, to decode or not.

        Raises:
            StoreError: The file is damaged: SQLite cannot read it, or an event fails
                its checksum.

        Added in 0.2.
        """
        return self._read_all(after, limit, category, self._encoded)

    def _read_all(
        self,
        after: object,
        limit: object,
        category: object,
        make: Callable[[tuple[Any, ...]], _Read],
    ) -> list[_Read]:
        after, most = _count(after, ("after",)), _limit(limit)
        with collector_paused():  # many new objects, no cycles: see _gc
            if category is None:
                rows = self._fetch(
                    self._select + _BY_POSITION, (after, -1 if most is None else most)
                )
            else:
                rows = self._fetch(
                    self._by_category, (after, _category(category), -1 if most is None else most)
                )
            events = [make(row) for row in rows]
        position = after
        for event in events:
            if event.position <= position:
                self._out_of_order(event, position)
            position = event.position
        return events

    def _out_of_order(self, event: StoredEvent | EncodedEvent, previous: int) -> NoReturn:
        self._bad_row(event.position, event.stream, f"is out of order (after position {previous})")

    def verify(self) -> int:
        """Check the whole file; for a periodic check, or after trouble with the disk.

        Runs SQLite's own integrity check (every page, and every index against its
        table, which a read through an index cannot tell), then reads every event
        as :meth:`read_all` does (checksums and order) and checks that each
        stream's versions have no gap and its events one category. It reads the
        whole file: not for every start.

        Returns:
            The number of events checked.

        Raises:
            StoreError: What is damaged, and where.

        Added in 0.1.
        """
        found = [row[0] for row in self._fetch("PRAGMA integrity_check(10)", ())]
        if found != ["ok"]:
            self._damaged(f"SQLite's integrity check found: {'; '.join(map(str, found))}")
        events = self.read_all()
        streams = _StreamsCheck()
        for event in events:
            problem = streams.problem(event)
            if problem is not None:
                self._damaged(problem)
        return len(events)

    def version(self, stream: str) -> int:
        """See :meth:`Store.version`."""
        stream = _stream(stream)
        (version,) = self._fetch(_VERSION, (stream,))[0]
        return 0 if version is None else self._whole(version, stream)

    def count(self, *, category: str | None = None) -> int:
        """The number of events held (of ``category``, if given).

        Added in 0.3.
        """
        if category is None:
            rows = self._fetch("SELECT count(*) FROM events", ())
        else:
            rows = self._fetch(
                f"SELECT count(*) FROM events WHERE {self._category_column} = ?",  # noqa: S608
                (_category(category),),
            )
        return int(rows[0][0])

    def streams(self) -> Iterator[str]:
        """Every stream, in the order it was first written."""
        rows = self._fetch("SELECT stream FROM events GROUP BY stream ORDER BY MIN(position)", ())
        for row in rows:
            if type(row[0]) is not str:
                self._damaged(f"an event's stream is not text ({_brief(row[0])})")
        return iter([r[0] for r in rows])

    def _decode(self, row: tuple[Any, ...]) -> StoredEvent:
        """The stored event of a row, checked: its types, its checksum, its time and data."""
        event_id, stream, version, position, kind, actor, at, data, _, category = row
        try:
            when = _from_iso(at)
            value = _from_json(data)
        except TypeError:
            self._bad_row(position, stream, "holds a value of the wrong type")
        except ValueError as error:  # the time, or the data (JSONDecodeError)
            import json  # loaded already: the data was being decoded

            if isinstance(error, json.JSONDecodeError):
                self._bad_row(position, stream, f"holds data that is not JSON ({error})")
            self._bad_row(position, stream, f"holds a time that is not a time ({_brief(at)})")
        except RecursionError:
            self._bad_row(position, stream, "holds data nested too deeply to read")
        if when.tzinfo is None or type(value) is not dict:
            self._bad_row(position, stream, "holds a value of the wrong type")
        self._check(row)
        return StoredEvent(
            event_id, stream, version, position, kind, actor, when, value, category=category
        )

    def _encoded(self, row: tuple[Any, ...]) -> EncodedEvent:
        """The encoded event of a row, checked: its types and its checksum."""
        self._check(row)
        return EncodedEvent(*row[:8])

    def _check(self, row: tuple[Any, ...]) -> None:
        """Check a row's types and checksum."""
        event_id, stream, version, position, kind, actor, at, data, checksum, category = row
        try:
            # Joining is also the type check: every field but the version is text.
            text = "\x1f".join((event_id, stream, str(version), kind, actor, at, data))
            if category != _DEFAULT_CATEGORY:  # see _rows
                text += "\x1f" + category
        except TypeError:
            self._bad_row(position, stream, "holds a value of the wrong type")
        if type(version) is not int:
            self._bad_row(position, stream, "holds a value of the wrong type")
        if checksum is not None and self._checksums and _checksum(text.encode()) != checksum:
            self._bad_row(position, stream, "does not match its checksum")

    def _bad_row(self, position: int, stream: object, problem: str) -> NoReturn:
        self._damaged(f"event {position} of stream {_brief(stream)} {problem}")


class _StreamsCheck:
    """Follows a store's events in order: each stream's versions gap-free, one category."""

    def __init__(self) -> None:
        self._versions: dict[str, int] = {}
        self._categories: dict[str, str] = {}

    def problem(self, event: StoredEvent) -> str | None:
        """What is wrong with ``event``, the next one read, if anything."""
        expected = self._versions.get(event.stream, 0) + 1
        if event.version != expected:
            return (
                f"stream {event.stream!r} has no event at version {expected} "
                f"(the next one is at version {event.version})"
            )
        self._versions[event.stream] = expected
        category = self._categories.setdefault(event.stream, event.category)
        if event.category != category:
            return (
                f"event {event.position} of stream {_brief(event.stream)} "
                f"is of category {event.category!r}, not {category!r}"
            )
        return None


def _rollback(db: sqlite3.Connection) -> None:
    """Roll back the open transaction, if there is one (SQLite may have done it)."""
    import sqlite3

    try:
        if db.in_transaction:
            db.execute("ROLLBACK")
    except sqlite3.Error:
        pass  # the error that brought us here says more than this one


def _no_wal(path: Path) -> bool:
    """True when no write-ahead log of ``path`` holds anything (so the file is the store)."""
    wal = path.with_name(path.name + "-wal")
    try:
        return wal.stat().st_size == 0
    except FileNotFoundError:
        return True
    except OSError:
        return False


_INDEX_COLUMNS: Final = "SELECT name FROM pragma_index_info(?) ORDER BY seqno"

_SELECT: Final = (
    "SELECT event_id, stream, version, position, kind, actor, at, data, checksum, category "
    "FROM events "
)
_SELECT_FORMAT_1: Final = (
    "SELECT event_id, stream, version, position, kind, actor, at, data, checksum, 'handoff' "
    "FROM events "
)
_SELECT_FORMAT_0: Final = (
    "SELECT event_id, stream, version, position, kind, actor, at, data, NULL, 'handoff' "
    "FROM events "
)

_SELECTS: Final[Mapping[_Kind, tuple[str, str]]] = {
    "current": (_SELECT, "category"),
    "format 1": (_SELECT_FORMAT_1, "'handoff'"),
    "format 0": (_SELECT_FORMAT_0, "'handoff'"),
}
"""What reads select from a file of each format, and what they take as its category.

A file of an older format is read as it is only when it was opened read-only: opened
for writing, it was brought to the current format first.
"""

_BY_STREAM: Final = "WHERE stream = ? AND version > ? ORDER BY version"
_BY_POSITION: Final = "WHERE position > ? ORDER BY position LIMIT ?"

_INSERT: Final = (
    "INSERT INTO events (event_id, stream, version, kind, actor, at, data, checksum, category) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


_VERSION: Final = "SELECT MAX(version) FROM events WHERE stream = ?"

_LATEST: Final = (
    "SELECT version, category FROM events WHERE stream = ? ORDER BY version DESC LIMIT 1"
)
"""A stream's version and category (of its latest event: all of its events have the same)."""

_INSERT_AT_VERSION: Final = (
    "INSERT INTO events (event_id, stream, version, kind, actor, at, data, checksum, category) "
    "SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? "
    "WHERE coalesce((SELECT MAX(version) FROM events WHERE stream = ?), 0) = ? "
    "AND NOT EXISTS "
    "(SELECT 1 FROM events WHERE stream = ? AND version = ? AND category != ?)"
)
"""Insert one event only if its stream is at the given version and holds no events of
another category (the one at that version stands for all); else insert nothing."""


def _load_codecs() -> None:
    """Bind :func:`_to_json`, :func:`_from_json` and :func:`_checksum` to the real ones.

    The json and zlib modules are loaded when the first event is written or read,
    not when alignkit is imported; from then on the names are the modules' own
    functions, with nothing in between.
    """
    global _to_json, _from_json, _checksum  # noqa: PLW0603 - bound once, on first use
    import json
    import zlib

    # One encoder and one decoder for every event: json.dumps and json.loads with
    # options build a new one per call. NaN and infinities are not JSON: refused.
    _to_json = json.JSONEncoder(separators=(",", ":"), sort_keys=True, allow_nan=False).encode
    _from_json = json.JSONDecoder().decode
    _checksum = zlib.adler32


def _first_to_json(data: Mapping[str, Any]) -> str:
    _load_codecs()
    return _to_json(data)


def _first_from_json(text: str) -> Any:  # noqa: ANN401 - whatever the JSON holds
    _load_codecs()
    return _from_json(text)


def _first_checksum(data: bytes) -> int:
    _load_codecs()
    return _checksum(data)


_to_json: Callable[[Mapping[str, Any]], str] = _first_to_json
_from_json: Callable[[str], Any] = _first_from_json
_from_iso: Final = dt.datetime.fromisoformat

_checksum: Callable[[bytes], int] = _first_checksum
"""The checksum of an event row: Adler-32.

It finds every flipped bit, and every pair of flipped bits in a row shorter than
64 KB. CRC-32 also finds every burst of up to 32 bits, but costs about twice as much
for rows of a hundred bytes: checking it took about 7% of the time to read such
events, Adler-32 about 4% (``benchmarks/bench_handoff.py``, reads).
"""


def _planned(
    batches: Sequence[_Batch],
    known: set[str],
    current: dict[str, tuple[int, str | None]],
    *,
    checksums: bool,
) -> tuple[list[tuple[Any, ...]], list[int]]:
    """The rows that append ``batches`` to a store, and each stream's version after.

    What a database store checks against what it holds: ``known`` holds the event ids
    stored already and ``current`` each stream's version and category; both are
    brought up to date batch by batch, so a later batch sees the earlier ones.

    Raises:
        SpecError: A batch appends to a stream of another category.
        ConcurrencyError: A stream is not at its batch's expected version.
    """
    rows: list[tuple[Any, ...]] = []
    versions: list[int] = []
    for stream, events, expected, category, where in batches:
        fresh = _fresh(events, known)
        version, held = current.get(stream, (0, None))
        if fresh:
            if held is not None and held != category:
                raise _other_category(stream, held, category, where)
            if version != expected:
                raise ConcurrencyError(stream, expected, version)
            held = category
        known.update(event[0] for event in fresh)
        rows.extend(_rows(stream, version, fresh, category, checksums=checksums))
        current[stream] = (version + len(fresh), held)
        versions.append(version + len(fresh))
    return rows, versions


def _rows(
    stream: str, version: int, events: Sequence[_Prepared], category: str, *, checksums: bool
) -> Iterator[tuple[Any, ...]]:
    """The rows of ``events`` appended to ``stream`` at ``version``, with checksums or not.

    A checksum is the Adler-32 of the row's fields as stored (the version in decimal),
    joined by U+001F and encoded as UTF-8. The category is the last of those fields,
    except ``handoff``, which is left out: the checksums of events stored before
    categories (all of them handoff events) still hold, and a category changed on
    disk, to ``handoff`` or from it, fails the checksum all the same.
    """
    keep = category != _DEFAULT_CATEGORY
    for number, (event_id, kind, actor, at, data) in enumerate(events, start=version + 1):
        checksum = None
        if checksums:
            text = "\x1f".join((event_id, stream, str(number), kind, actor, at, data))
            if keep:
                text += "\x1f" + category
            checksum = _checksum(text.encode())
        yield (event_id, stream, number, kind, actor, at, data, checksum, category)


def _data_json(event: NewEvent, path: tuple[str | int, ...]) -> str:
    data = event.data
    try:
        return _to_json(data if type(data) is dict else dict(data))
    except (TypeError, ValueError, RecursionError) as error:
        raise _bad(
            path, f"Event {event.event_id!r} has data that is not JSON ({str(error)[:80]})"
        ) from None


_CHECKSUM: Final = 8
"""Where a row of :class:`MemoryStore` holds its checksum: the fields before it are encoded."""
_CATEGORY: Final = 9
"""Where a row of :class:`MemoryStore` holds its category."""


def _row(row: tuple[Any, ...]) -> StoredEvent:
    event_id, stream, version, position, kind, actor, at, data, _checksum, category = row
    return StoredEvent(
        event_id,
        stream,
        version,
        position,
        kind,
        actor,
        _from_iso(at),
        _from_json(data),
        category=category,
    )


def open_store(
    target: str | os.PathLike[str],
    *,
    read_only: bool = False,
    synchronous: Literal["FULL", "NORMAL"] = "FULL",
) -> SQLiteStore | PostgresStore:
    """The store at ``target``: a PostgreSQL DSN (``postgresql://...``) or a SQLite file.

    What every command's ``--store`` takes, so that a desk moved to PostgreSQL is
    read and checked by the same commands.

    Args:
        target: ``postgresql://user:password@host/dbname`` (or ``postgres://``) for a
            :class:`PostgresStore` (extra ``postgres``), else the path of a
            :class:`SQLiteStore`.
        read_only: Open it only to read.
        synchronous: For a SQLite file, as :class:`SQLiteStore` takes it.

    Raises:
        StoreError: As each store's constructor raises it.
        SpecError: A PostgreSQL DSN, and psycopg is not installed.

    >>> store = open_store(":memory:")
    >>> type(store).__name__
    'SQLiteStore'

    Added in 0.3.
    """
    from alignkit.store._postgres import PostgresStore, is_postgres_dsn

    if is_postgres_dsn(target):
        try:
            import psycopg  # noqa: F401 - only to say plainly when it is missing
        except ImportError:
            raise SpecError.single(
                "A PostgreSQL store needs psycopg: pip install 'alignkit[postgres]'",
                Location(path=("store",)),
            ) from None
        return PostgresStore(os.fspath(target), read_only=read_only)
    return SQLiteStore(target, synchronous=synchronous, read_only=read_only)
