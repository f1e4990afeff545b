"""The decision log's texts on PostgreSQL, beside a :class:`~alignkit.store.PostgresStore`.

Texts live in the table ``alignkit_decision_texts`` of the store's database, written
over the store's connection: texts put inside ``store.transaction()`` commit with the
events appended there.

Deleting a text deletes its row, then rewrites the table (``VACUUM FULL``): PostgreSQL
never overwrites a deleted row in place (a plain ``VACUUM`` only marks its space free,
bytes and all), so the table is copied without it into a new file and the old file
is removed. The rewrite locks the texts' table while it runs (about a second per
100 MB of texts; events are not locked): erasure is rare, and it is the price of
the text being gone from the table's files. What it cannot reach: the write-ahead
log until its segments are recycled, WAL archives and backups, replicas' own WAL,
and blocks of the removed file that the disk has yet to reuse. Where erasure must be
final, keep those on encrypted storage with a bounded retention.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final, final

from alignkit.decision_log._texts import _entries, _keys
from alignkit.diagnostics import Location
from alignkit.errors import SpecError, StoreError

if TYPE_CHECKING:
    from alignkit.store import PostgresStore

__all__ = ["PostgresTextStore"]

_PUT: Final = (
    "INSERT INTO alignkit_decision_texts (key, value) VALUES (%s, %s) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)
# Lookups are never prepared: a generic plan made while the table was small would scan
# it whole on every later call.
_GET: Final = "SELECT key, value FROM alignkit_decision_texts WHERE key = ANY(%s)"
_DELETE: Final = "DELETE FROM alignkit_decision_texts WHERE key = ANY(%s)"
_VACUUM: Final = "VACUUM FULL alignkit_decision_texts"
_ALL: Final = "SELECT key, value FROM alignkit_decision_texts WHERE key > %s ORDER BY key LIMIT %s"


@final
class PostgresTextStore:
    """Texts in the database of a :class:`~alignkit.store.PostgresStore`, deleted for good.

    Args:
        target: The store to keep texts beside (its connection, its transactions),
            or a DSN, for which a store is opened (and closed with the texts).
        read_only: With a DSN: open it only to read.

    This is where a :class:`DecisionLog` on a ``PostgresStore`` keeps its texts when
    given none. See :mod:`alignkit.decision_log._texts_postgres` for what deletion
    reaches.

    Raises:
        StoreError: As for :class:`~alignkit.store.PostgresStore`.
        SpecError: ``target`` is neither a store nor a DSN.

    Added in 0.3.
    """

    def __init__(self, target: PostgresStore | str, *, read_only: bool = False) -> None:
        """Keep texts beside ``target``."""
        from alignkit.store import PostgresStore

        self._owned = isinstance(target, str)
        if isinstance(target, str):
            target = PostgresStore(target, read_only=read_only)
        elif not isinstance(target, PostgresStore):
            raise SpecError.single(
                f"`target` must be a PostgresStore or a DSN, got {type(target).__name__}",
                Location(path=("target",)),
            )
        self._store = target

    @classmethod
    def beside(cls, store: PostgresStore) -> PostgresTextStore:
        """Texts beside ``store``: written over its connection, in its transactions.

        Closing the texts leaves the store open.
        """
        return cls(store)

    @property
    def store(self) -> PostgresStore:
        """The event store the texts are kept beside."""
        return self._store

    @property
    def read_only(self) -> bool:
        """True when the store was opened read-only."""
        return self._store.read_only

    @property
    def path(self) -> str:
        """The database, as a DSN without its password."""
        return self._store.path

    def close(self) -> None:
        """Close the store opened for a DSN (a store given is left open)."""
        if self._owned:
            self._store.close()

    def __enter__(self) -> PostgresTextStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _writing(self) -> Iterator[tuple[Any, bool]]:
        """The store's connection in a transaction (its open one, joined), and whether joined."""
        store = self._store
        joined = getattr(store._local, "conn", None) is not None  # noqa: SLF001 - its partner
        with store._connection() as conn:  # noqa: SLF001
            if joined:
                yield conn, True
                return
            with conn.transaction():
                yield conn, False

    def _refuse(self, doing: str) -> StoreError:
        return StoreError.for_store(
            self.path,
            f"cannot {doing} texts: they were opened read-only",
            hint="open them without read_only=True to change them",
        )

    def _failure(self, error: Exception, doing: str) -> StoreError:
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return StoreError.for_store(
            self.path, f"cannot {doing} texts: PostgreSQL failed ({detail})"
        )

    def put(self, entries: Mapping[str, bytes]) -> None:
        """See :meth:`TextStore.put`: one transaction, or the store's open one."""
        rows = list(_entries(entries).items())
        if not rows:
            return
        if self.read_only:
            raise self._refuse("write")
        store = self._store
        try:
            with self._writing() as (conn, _):
                if len(rows) == 1:
                    conn.execute(_PUT, rows[0])
                else:
                    conn.cursor().executemany(_PUT, rows)
        except store._psycopg.Error as error:  # noqa: SLF001
            raise self._failure(error, "write") from None

    def get(self, keys: Iterable[str]) -> dict[str, bytes]:
        """See :meth:`TextStore.get`."""
        wanted = _keys(keys)
        if not wanted:
            return {}
        store = self._store
        try:
            with store._connection() as conn:  # noqa: SLF001 - its partner
                rows = conn.execute(_GET, (wanted,), prepare=False).fetchall()
        except store._psycopg.Error as error:  # noqa: SLF001
            raise self._failure(error, "read") from None
        return {key: bytes(value) for key, value in rows}

    def items(self, *, after: str = "", limit: int = 1000) -> list[tuple[str, bytes]]:
        """Up to ``limit`` texts whose key sorts after ``after``, by key (to copy them all)."""
        store = self._store
        try:
            with store._connection() as conn:  # noqa: SLF001 - its partner
                rows = conn.execute(_ALL, (after, limit), prepare=False).fetchall()
        except store._psycopg.Error as error:  # noqa: SLF001
            raise self._failure(error, "read") from None
        return [(key, bytes(value)) for key, value in rows]

    def delete(self, keys: Iterable[str]) -> int:
        """See :meth:`TextStore.delete`: the rows deleted, then the table rewritten without them.

        Inside the store's transaction the rows are deleted with it; call
        :meth:`purge` once it has committed.
        """
        wanted = _keys(keys)
        if self.read_only:
            raise self._refuse("delete")
        store = self._store
        try:
            with self._writing() as (conn, joined):
                deleted = conn.execute(_DELETE, (wanted,), prepare=False).rowcount
        except store._psycopg.Error as error:  # noqa: SLF001
            raise self._failure(error, "delete") from None
        if not joined:
            self.purge()
        return int(deleted)

    def purge(self) -> None:
        """Rewrite the texts' table (``VACUUM FULL``), leaving deleted rows' bytes behind.

        The old file of the table is removed; the new one holds only the texts kept.
        """
        if self.read_only:
            raise self._refuse("purge")
        store = self._store
        try:
            with store._connection() as conn:  # noqa: SLF001 - its partner
                _vacuum(conn)
        except store._psycopg.Error as error:  # noqa: SLF001
            raise self._failure(error, "purge") from None


def _vacuum(conn: Any) -> None:  # noqa: ANN401 - a psycopg connection
    """VACUUM runs outside a transaction: on a connection not in autocommit, switch for it."""
    if conn.autocommit:
        conn.execute(_VACUUM)
        return
    conn.autocommit = True
    try:
        conn.execute(_VACUUM)
    finally:
        conn.autocommit = False
