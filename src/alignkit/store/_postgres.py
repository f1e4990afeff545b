"""The event store on a PostgreSQL server (extra ``postgres``: psycopg 3).

One table, ``alignkit_events``, with a unique ``(stream, version)``, a unique
``event_id`` and the category, as :class:`~alignkit.store.SQLiteStore` keeps them;
time and data are kept as the exact text written (``TEXT``, not ``jsonb``, which
would reorder keys and respace the JSON that the decision log's chains hash).

**Positions in commit order.** :meth:`Store.read_all` is followed with an
``after: int`` cursor, so a reader must never find position 8 committed while 7 is
still to come: with a sequence, a transaction that took 7 and commits after the one
that took 8 would be skipped for good. Every appending transaction therefore first
takes one transaction-scoped advisory lock (``pg_advisory_xact_lock``, keyed by
the events table) and numbers its
events ``max(position) + 1 ...`` under it; the lock is released by the commit. A
position is thus only ever given after every lower one was committed (or rolled
back, leaving no gap). The cost: appends to one database are serialised, commit
included. Readers take no lock and never wait. The lock is taken first, before any
check or insert, so that no appender holding it can wait on a row another appender
has yet to commit (which would deadlock).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Final, Protocol, final

from alignkit._exports import publish
from alignkit._gc import collector_paused
from alignkit.diagnostics import Location
from alignkit.errors import SpecError, StoreError
from alignkit.store import (
    EncodedEvent,
    NewEvent,
    StoredEvent,
    _AppendBatch,
    _Batch,
    _batch,
    _batches,
    _brief,
    _category,
    _count,
    _limit,
    _planned,
    _row,
    _stream,
    _StreamsCheck,
)

if TYPE_CHECKING:
    import psycopg

__all__ = ["PostgresStore", "is_postgres_dsn"]

SCHEMA_VERSION: Final = 1
"""The version of the tables this alignkit writes (table ``alignkit_schema``)."""

_LOCK_CLASS: Final = 0x616C6B65  # "alke": alignkit's advisory locks, keyed (class, table oid)
_SCHEMA_LOCK: Final = 0x616C6B65_73636D61  # "alkescma": creating or migrating the schema
_LOCK: Final = "SELECT pg_advisory_xact_lock(%s, %s)"

_TABLES: Final = (
    """CREATE TABLE IF NOT EXISTS alignkit_schema (
    component TEXT PRIMARY KEY,
    version INTEGER NOT NULL
)""",
    """CREATE TABLE IF NOT EXISTS alignkit_events (
    position BIGINT PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    stream TEXT NOT NULL,
    version BIGINT NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    data TEXT NOT NULL,
    category TEXT NOT NULL,
    UNIQUE (stream, version)
)""",
    (
        "CREATE INDEX IF NOT EXISTS alignkit_events_by_category "
        "ON alignkit_events (category, position)"
    ),
    """CREATE TABLE IF NOT EXISTS alignkit_decision_texts (
    key TEXT PRIMARY KEY,
    value BYTEA NOT NULL
)""",
    (
        "INSERT INTO alignkit_schema (component, version) VALUES ('events', 1) "
        "ON CONFLICT (component) DO NOTHING"
    ),
)
"""Schema version 1: the events, and the decision log's texts beside them."""

_SELECT: Final = (
    "SELECT event_id, stream, version, position, kind, actor, at, data, NULL, category "
    "FROM alignkit_events "
)
_ALL: Final = _SELECT + "WHERE position > %s ORDER BY position LIMIT %s"
_ALL_OF: Final = _SELECT + "WHERE category = %s AND position > %s ORDER BY position LIMIT %s"
_STREAM: Final = _SELECT + "WHERE stream = %s AND version > %s ORDER BY version"
_INSERT: Final = (
    "INSERT INTO alignkit_events "
    "(position, event_id, stream, version, kind, actor, at, data, category) "
    "SELECT * FROM unnest(%b::bigint[], %b::text[], %b::text[], %b::bigint[], "
    "%b::text[], %b::text[], %b::text[], %b::text[], %b::text[])"
)
"""Many events in one statement; the arrays sent in binary (text arrays would be escaped
and parsed element by element)."""
_APPEND_ONE: Final = """CREATE OR REPLACE FUNCTION alignkit_append_one(
    lock_class integer, lock_key integer, new_id text, new_stream text, new_version bigint,
    new_kind text, new_actor text, new_at text, new_data text, new_category text
) RETURNS bigint LANGUAGE plpgsql VOLATILE
-- Its plan is cached for the session: made while the table is small, it would scan
-- the table on every later call. Every lookup here has its index.
SET enable_seqscan = off
AS $$
DECLARE
    stored bigint;
BEGIN
    -- Each statement of a volatile function sees what was committed when it starts:
    -- the last position is read after the lock is held.
    PERFORM pg_advisory_xact_lock(lock_class, lock_key);
    INSERT INTO alignkit_events
        (position, event_id, stream, version, kind, actor, at, data, category)
    SELECT coalesce((SELECT max(position) FROM alignkit_events), 0) + 1,
        new_id, new_stream, new_version, new_kind, new_actor, new_at, new_data, new_category
    WHERE coalesce(
            (SELECT max(version) FROM alignkit_events WHERE stream = new_stream), 0
        ) = new_version - 1
        AND NOT EXISTS (SELECT 1 FROM alignkit_events
            WHERE stream = new_stream AND version = new_version - 1
            AND category <> new_category)
    ON CONFLICT DO NOTHING
    RETURNING position INTO stored;
    RETURN stored;
END
$$"""
"""One event at its expected version, numbered after the last, in one round trip: its
position, or NULL when it is not the stream's next (or is stored already)."""
_CALL_APPEND_ONE: Final = "SELECT alignkit_append_one(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
_STATE: Final = (
    "SELECT coalesce((SELECT max(position) FROM alignkit_events), 0), "
    "ARRAY(SELECT event_id FROM alignkit_events WHERE event_id = ANY(%b::text[])), "
    "ARRAY(SELECT DISTINCT ON (stream) ARRAY[stream, version::text, category] "
    "FROM alignkit_events WHERE stream = ANY(%b::text[]) ORDER BY stream, version DESC)"
)
"""Under the lock: the last position, the ids already stored, each stream's head."""


class _Pool(Protocol):
    """A connection pool, as ``psycopg_pool.ConnectionPool`` is one."""

    def connection(self) -> contextlib.AbstractContextManager[psycopg.Connection[Any]]: ...


def is_postgres_dsn(target: object) -> bool:
    """Whether ``target`` names a PostgreSQL database (``postgresql://`` or ``postgres://``).

    >>> is_postgres_dsn("postgresql://app@db.internal/alignkit"), is_postgres_dsn("desk.db")
    (True, False)
    """
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


_UNREADABLE: Final = "postgresql://<a DSN that cannot be read>"


def _parts(dsn: str) -> dict[str, Any] | None:
    """The DSN's parameters; ``None`` when it cannot be read."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        return conninfo_to_dict(dsn)
    except Exception:  # noqa: BLE001 - any DSN psycopg refuses
        return None


def _label(dsn: str) -> str:
    """The DSN without its password (nor anything else of it), to name the store in messages.

    A DSN that cannot be read is never shown: the part that fails may be the password.
    """
    parts = _parts(dsn)
    if parts is None:
        return _UNREADABLE
    user = f"{parts['user']}@" if parts.get("user") else ""
    host = parts.get("host") or "localhost"
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"postgresql://{user}{host}{port}/{parts.get('dbname', '')}"


@final
class PostgresStore:
    """A store on a PostgreSQL server: the :class:`~alignkit.store.Store` protocol for replicas.

    Several processes (desks behind a load balancer, a decision log's replicas)
    append to one database: optimistic concurrency per stream and idempotency by
    event id hold across them, exactly as within one :class:`SQLiteStore` file,
    and positions are given in commit order (see :mod:`alignkit.store`), so a
    reader following :meth:`read_all` never skips an event.

    Args:
        target: A DSN (``postgresql://user:password@host:5432/dbname``; the store
            keeps one connection, shared by threads under a lock) or a connection
            pool (an object whose ``connection()`` lends a psycopg connection, as
            ``psycopg_pool.ConnectionPool`` does: one per call, for many threads;
            its connections must use the isolation level READ COMMITTED, PostgreSQL's
            default).
        read_only: Only read: appending raises :class:`~alignkit.errors.StoreError`;
            with a DSN the session is read-only on the server too (configure a
            pool's connections read-only yourself, if you want that).
        create: Create the tables when the database has none (as ``alignkit
            store init`` does); with ``False`` a database without them is refused.

    Raises:
        StoreError: The server cannot be reached or refuses the login, the tables are
            missing (with ``create=False`` or ``read_only``), or they were written
            by a newer alignkit.
        SpecError: ``target`` is neither a DSN nor a pool.

    Added in 0.3.
    """

    def __init__(
        self, target: str | _Pool, *, read_only: bool = False, create: bool = True
    ) -> None:
        """Connect, and check (or create) the tables."""
        import psycopg

        self._psycopg = psycopg
        self._read_only = bool(read_only)
        self._lock = threading.RLock()
        self._local = threading.local()
        self._conn: psycopg.Connection[Any] | None = None
        self._pool: _Pool | None = None
        self._dsn = ""
        self._secrets: list[str] = []
        self._closed = False
        if isinstance(target, str):
            self._label = _label(target)
            parts = _parts(target)
            if parts is None:
                raise StoreError.for_store(
                    _UNREADABLE,
                    "the DSN cannot be read",
                    hint="check its quoting: postgresql://user:password@host:5432/dbname",
                )
            self._dsn = target
            # Words that must never reach a message, should the server quote them.
            self._secrets = [str(v) for k, v in parts.items() if k == "password" and v]
            self._conn = self._connect()
        elif callable(getattr(target, "connection", None)):
            self._label = "postgresql (pool)"
            self._pool = target
        else:
            raise SpecError.single(
                f"`target` must be a PostgreSQL DSN or a connection pool, got {_brief(target)}",
                Location(path=("target",)),
            )
        try:
            if self._pool is not None:
                self._check_pool_isolation()
            self._check_schema(create=create and not self._read_only)
            # The appenders' lock is keyed by the events table: stores in two schemas
            # of one database do not wait for each other.
            (table,) = self._fetch("SELECT 'alignkit_events'::regclass::oid::int", ())[0]
            self._append_lock = (_LOCK_CLASS, int(table))
        except BaseException:
            self.close()
            raise

    # -- connections ------------------------------------------------------------------

    def _check_pool_isolation(self) -> None:
        """Refuse a pool whose transactions would not see each commit (not READ COMMITTED)."""
        with self._connection() as conn:
            level = conn.isolation_level
            if level is None:
                found = conn.execute("SHOW default_transaction_isolation").fetchone()
                name = str(found[0]) if found else "read committed"
            else:
                name = level.name.replace("_", " ").lower()
        if name != "read committed":
            raise StoreError.for_store(
                self._label,
                f"the pool's connections use the isolation level {name}; appends need "
                "read committed (PostgreSQL's default), to read the last position after "
                "the append lock is held",
                hint="set isolation_level=psycopg.IsolationLevel.READ_COMMITTED on them",
            )

    def _connect(self) -> psycopg.Connection[Any]:
        """A new connection to the DSN (read-only on the server too, when asked)."""
        try:
            conn = self._psycopg.connect(self._dsn, autocommit=True)
            # Positions are read after the append lock is held: that takes a snapshot
            # per statement, whatever the database's default isolation is.
            conn.execute(
                "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED"
            )
            if self._read_only:
                conn.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        except self._psycopg.Error as error:
            raise self._failure(error, "connect") from None
        return conn

    @contextlib.contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        """The connection for one call: the open transaction's, the store's, or the pool's."""
        joined = getattr(self._local, "conn", None)
        if joined is not None:
            yield joined
            return
        if self._conn is not None:
            with self._lock:
                if self._conn.broken and not self._closed:
                    # The server restarted, or a proxy dropped the connection: the
                    # call that found it broken failed; this one starts afresh.
                    self._conn = self._connect()
                yield self._conn
            return
        assert self._pool is not None  # noqa: S101 - one of the two, set in __init__
        with self._pool.connection() as conn:
            yield conn

    @contextlib.contextmanager
    def _writing(self) -> Iterator[psycopg.Connection[Any]]:
        """A connection in a transaction holding the append lock (the open one, or a new one)."""
        if self._read_only:
            self._refuse_write()
        joined = getattr(self._local, "conn", None)
        if joined is not None:
            if not self._local.locked:
                joined.execute(_LOCK, self._append_lock)
                self._local.locked = True
            yield joined
            return
        with self._connection() as conn, conn.transaction():
            conn.execute(_LOCK, self._append_lock)
            yield conn

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Make the writes inside the ``with`` block one transaction: all, or none.

        As :meth:`SQLiteStore.transaction`: appends, and texts written beside the
        store (:class:`~alignkit.decision_log.PostgresTextStore` ``.beside``), commit
        together when the block ends and are rolled back if it raises; a block
        inside another joins it. The block holds the append lock from its first
        append to its end: keep it short.

        Raises:
            StoreError: The store is read-only, or the server failed.
        """
        if self._read_only:
            self._refuse_write()
        if getattr(self._local, "conn", None) is not None:
            yield
            return
        try:
            with self._connection() as conn, conn.transaction():
                self._local.conn, self._local.locked = conn, False
                try:
                    yield
                finally:
                    self._local.conn = None
        except self._psycopg.Error as error:
            raise self._failure(error, "commit") from None

    def close(self) -> None:
        """Close the store's connection (a pool is the caller's to close)."""
        if self._conn is not None:
            with self._lock:
                self._closed = True
                self._conn.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def read_only(self) -> bool:
        """True when opened with ``read_only=True``."""
        return self._read_only

    @property
    def path(self) -> str:
        """The database, as a DSN without its password (for messages)."""
        return self._label

    # -- schema ---------------------------------------------------------------------

    def create_schema(self) -> None:
        """Create the tables if they are missing (idempotent; safe from several processes).

        Creates ``alignkit_events``, the decision log's ``alignkit_decision_texts``,
        and ``alignkit_schema``, which records the schema's version so that a later
        alignkit can migrate it.

        Raises:
            StoreError: The store is read-only, the role may not create tables, or
                the tables were written by a newer alignkit.
        """
        if self._read_only:
            self._refuse_write()
        try:
            with self._connection() as conn, conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
                for statement in (*_TABLES, _APPEND_ONE):
                    conn.execute(statement)
        except self._psycopg.Error as error:
            raise self._failure(error, "create its tables") from None
        self._check_schema(create=False)

    def schema_version(self) -> int | None:
        """The version of the tables in the database; ``None`` when there are none."""
        try:
            with self._connection() as conn:
                found = conn.execute("SELECT to_regclass('alignkit_schema') IS NOT NULL").fetchone()
                if not found or not found[0]:
                    return None
                row = conn.execute(
                    "SELECT version FROM alignkit_schema WHERE component = 'events'"
                ).fetchone()
        except self._psycopg.Error as error:
            raise self._failure(error, "read its schema") from None
        return None if row is None else int(row[0])

    def _check_schema(self, *, create: bool) -> None:
        version = self.schema_version()
        if version is None:
            if create:
                self.create_schema()
                return
            raise StoreError.for_store(
                self._label,
                "the database holds no alignkit event store",
                hint=f"create one with `alignkit store init {self._label}`",
            )
        if version > SCHEMA_VERSION:
            raise StoreError.for_store(
                self._label,
                f"its tables are of schema version {version}, newer than this "
                f"alignkit's ({SCHEMA_VERSION})",
                hint="upgrade alignkit",
            )

    # -- errors -----------------------------------------------------------------------

    def _failure(self, error: Exception, doing: str) -> StoreError:
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        for secret in self._secrets:
            detail = detail.replace(secret, "***")
        return StoreError.for_store(self._label, f"cannot {doing}: PostgreSQL failed ({detail})")

    def _refuse_write(self) -> Any:  # noqa: ANN401 - it raises
        raise StoreError.for_store(
            self._label,
            "the store was opened read-only",
            hint="open it without read_only=True to append",
        )

    # -- appending --------------------------------------------------------------------

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
        """Append, and return the events as stored, as :meth:`SQLiteStore.append_returning`."""
        batch = _batch(stream, events, expected_version, category)
        if len(batch.events) == 1:
            position = self._insert_one(batch)
            if position is not None:
                event_id, kind, actor, at, data = batch.events[0]
                return [
                    _row(
                        (
                            event_id,
                            batch.stream,
                            batch.expected + 1,
                            position,
                            kind,
                            actor,
                            at,
                            data,
                            None,
                            batch.category,
                        )
                    )
                ]
        with self.transaction():  # nobody appends between the append and the read
            self._append_many([batch])
            ids = {event[0] for event in batch.events}
            return [e for e in self.read(batch.stream, after=batch.expected) if e.event_id in ids]

    def append_many(self, batches: Sequence[_AppendBatch]) -> list[int]:
        """Append to several streams in one transaction, as :meth:`SQLiteStore.append_many`."""
        return self._append_many(_batches(batches))

    def _insert_one(self, batch: _Batch) -> int | None:
        """The common case in one call: the event's position, or ``None`` to check why not."""
        stream, prepared, expected, category, _ = batch
        event_id, kind, actor, at, data = prepared[0]
        if self._read_only:
            self._refuse_write()
        try:
            with self._connection() as conn:
                found = conn.execute(
                    _CALL_APPEND_ONE,
                    (
                        *self._append_lock,
                        event_id,
                        stream,
                        expected + 1,
                        kind,
                        actor,
                        at,
                        data,
                        category,
                    ),
                ).fetchone()
        except self._psycopg.Error as error:
            raise self._failure(error, "append") from None
        return None if found is None or found[0] is None else int(found[0])

    def _append_many(self, batches: Sequence[_Batch]) -> list[int]:
        try:
            with self._writing() as conn:
                return self._append_locked(conn, batches)
        except self._psycopg.Error as error:
            raise self._failure(error, "append") from None

    def _append_locked(self, conn: psycopg.Connection[Any], batches: Sequence[_Batch]) -> list[int]:
        ids = [e[0] for batch in batches for e in batch.events]
        streams = list(dict.fromkeys(batch.stream for batch in batches))
        last, stored, heads = conn.execute(_STATE, (ids, streams), prepare=False).fetchone()  # type: ignore[misc]
        known = set(stored)
        current: dict[str, tuple[int, str | None]] = {
            stream: (int(version), held) for stream, version, held in heads
        }
        rows, versions = _planned(batches, known, current, checksums=False)
        if rows:
            columns = list(zip(*rows, strict=True))
            positions = list(range(last + 1, last + 1 + len(rows)))
            event_ids, names, numbers, kinds, actors, ats, datas, _, categories = columns
            conn.execute(
                _INSERT,
                (
                    positions,
                    list(event_ids),
                    list(names),
                    list(numbers),
                    list(kinds),
                    list(actors),
                    list(ats),
                    list(datas),
                    list(categories),
                ),
            )
        return versions

    # -- reading ----------------------------------------------------------------------

    def _fetch(self, sql: str, parameters: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        try:
            with self._connection() as conn:
                # Never a prepared statement: its generic plan, made while the table
                # was small, would scan the whole table on every later read.
                return conn.execute(sql, parameters, prepare=False).fetchall()
        except self._psycopg.Error as error:
            raise self._failure(error, "read") from None

    def read(self, stream: str, *, after: int = 0) -> list[StoredEvent]:
        """See :meth:`Store.read`."""
        stream, after = _stream(stream), _count(after, ("after",))
        rows = self._fetch(_STREAM, (stream, after))
        with collector_paused():
            return [_row(row) for row in rows]

    def _select(self, after: object, limit: object, category: object) -> list[tuple[Any, ...]]:
        after, most = _count(after, ("after",)), _limit(limit)
        if category is None:
            return self._fetch(_ALL, (after, most))
        return self._fetch(_ALL_OF, (_category(category), after, most))

    def read_all(
        self, *, after: int = 0, limit: int | None = None, category: str | None = None
    ) -> list[StoredEvent]:
        """See :meth:`Store.read_all`: in commit order, so a follower never skips an event."""
        rows = self._select(after, limit, category)
        with collector_paused():
            return [_row(row) for row in rows]

    def read_all_encoded(
        self, *, after: int = 0, limit: int | None = None, category: str | None = None
    ) -> list[EncodedEvent]:
        """See :meth:`~alignkit.store.EncodedReader.read_all_encoded`."""
        rows = self._select(after, limit, category)
        with collector_paused():
            return [EncodedEvent(*row[:8]) for row in rows]

    def version(self, stream: str) -> int:
        """See :meth:`Store.version`."""
        stream = _stream(stream)
        (version,) = self._fetch(
            "SELECT coalesce(max(version), 0) FROM alignkit_events WHERE stream = %s", (stream,)
        )[0]
        return int(version)

    def streams(self) -> Iterator[str]:
        """Every stream, in the order it was first written."""
        rows = self._fetch(
            "SELECT stream FROM alignkit_events GROUP BY stream ORDER BY min(position)", ()
        )
        return iter([row[0] for row in rows])

    def count(self, *, category: str | None = None) -> int:
        """The number of events held (of ``category``, if given)."""
        if category is None:
            rows = self._fetch("SELECT count(*) FROM alignkit_events", ())
        else:
            rows = self._fetch(
                "SELECT count(*) FROM alignkit_events WHERE category = %s", (_category(category),)
            )
        return int(rows[0][0])

    def verify(self) -> int:
        """Read every event and check that each stream's versions have no gap and one category.

        Returns:
            The number of events checked.

        Raises:
            StoreError: What is wrong, and where.
        """
        streams = _StreamsCheck()
        after = checked = 0
        while chunk := self.read_all(after=after, limit=10_000):
            for event in chunk:
                problem = streams.problem(event)
                if problem is not None:
                    raise StoreError.for_store(self._label, problem)
            checked += len(chunk)
            after = chunk[-1].position
        return checked


# Loaded when first named, from alignkit.store: shown there.
publish(globals(), __all__, module="alignkit.store")
