"""Free text kept apart from the events, so that it can be erased.

Summaries, opinions, outcomes, rationales and reasons may name people. Events are
append-only and hash-chained, so they never hold such text: each holds a *commitment*
to its text instead, ``SHA-256(salt || text)`` with a random 16-byte salt, and the text
and its salt are kept in a :class:`TextStore` under a key. Erasing a text deletes the
key: the commitment stays in the chain (so the chain still verifies) and, without the
salt, no longer gives the text away, not even to someone guessing it.

:class:`MemoryTextStore` keeps texts in memory; :class:`SQLiteTextStore` keeps them in
a table of the event store's SQLite file, and makes deletion final: SQLite overwrites
deleted content (``PRAGMA secure_delete``) and the write-ahead log is checkpointed
and truncated, so no copy is left in the file or in its WAL.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal, Protocol, final, runtime_checkable

from alignkit.diagnostics import Location
from alignkit.errors import SpecError, StoreError

if TYPE_CHECKING:
    import sqlite3

    from alignkit.org import Org
    from alignkit.store import SQLiteStore

__all__ = [
    "MemoryTextStore",
    "Mentions",
    "SQLiteTextStore",
    "TextStore",
    "seal",
    "sha256_hex",
    "unseal",
]

SALT_BYTES: Final = 16


def sha256_hex(data: bytes) -> str:
    """SHA-256 of ``data``, in hex.

    ``hashlib`` (OpenSSL) is imported on first use: a file check, which imports this
    package through its area, never pays for it.
    """
    import hashlib

    return hashlib.sha256(data).hexdigest()


def seal(text: str) -> tuple[bytes, str]:
    """What a text store keeps for ``text`` (a fresh salt, then the text), and its commitment."""
    salt = os.urandom(SALT_BYTES)
    raw = text.encode()
    return salt + raw, sha256_hex(salt + raw)


def unseal(value: bytes, expected: str) -> str | None:
    """The text in ``value`` (as :func:`seal` made it).

    ``None`` if it is not the one ``expected`` commits to (changed outside the log).
    """
    if len(value) < SALT_BYTES or sha256_hex(value) != expected:
        return None
    try:
        return value[SALT_BYTES:].decode()
    except UnicodeDecodeError:  # pragma: no cover - a matching hash of bad UTF-8
        return None


@runtime_checkable
class TextStore(Protocol):
    """Where the log keeps free text, by key: put, get and delete.

    Values are opaque bytes (a salt and the text). A store for another database is
    three small methods over one table with a unique key.

    Added in 0.2.
    """

    def put(self, entries: Mapping[str, bytes]) -> None:
        """Keep each value under its key (replacing what a key held), all or none."""
        ...

    def get(self, keys: Iterable[str]) -> dict[str, bytes]:
        """The values held under ``keys``; a key with none is left out."""
        ...

    def delete(self, keys: Iterable[str]) -> int:
        """Delete ``keys`` for good, so that no copy is left; the number deleted.

        A store that keeps copies (a write-ahead log, pages freed but not cleared)
        must clear them before it returns.
        """
        ...


def _keys(keys: Iterable[str]) -> list[str]:
    if isinstance(keys, str):
        raise SpecError.single(
            f"`keys` must be a collection of keys, not one key ({keys!r})", Location(path=("keys",))
        )
    return list(dict.fromkeys(keys))


@final
class MemoryTextStore:
    """Texts in memory, for tests and short-lived logs. Thread-safe.

    >>> texts = MemoryTextStore()
    >>> texts.put({"k1": b"salt-and-text"})
    >>> texts.get(["k1", "k2"])
    {'k1': b'salt-and-text'}
    >>> texts.delete(["k1"]), texts.get(["k1"])
    (1, {})

    Added in 0.2.
    """

    def __init__(self) -> None:
        """An empty store."""
        self._values: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """The number of texts held."""
        return len(self._values)

    def put(self, entries: Mapping[str, bytes]) -> None:
        """See :meth:`TextStore.put`."""
        checked = _entries(entries)
        with self._lock:
            self._values.update(checked)

    def get(self, keys: Iterable[str]) -> dict[str, bytes]:
        """See :meth:`TextStore.get`."""
        wanted = _keys(keys)
        with self._lock:
            values = self._values
            return {key: values[key] for key in wanted if key in values}

    def delete(self, keys: Iterable[str]) -> int:
        """See :meth:`TextStore.delete`."""
        wanted = _keys(keys)
        with self._lock:
            return sum(self._values.pop(key, None) is not None for key in wanted)


def _entries(entries: Mapping[str, bytes]) -> dict[str, bytes]:
    if not isinstance(entries, Mapping):
        raise SpecError.single(
            f"`entries` must map keys to bytes, got {type(entries).__name__}",
            Location(path=("entries",)),
        )
    checked: dict[str, bytes] = {}
    for key, value in entries.items():
        if not isinstance(key, str) or not key or not isinstance(value, bytes):
            raise SpecError.single(
                f"Each entry maps a non-blank key to bytes, got {key!r}: {type(value).__name__}",
                Location(path=("entries", str(key))),
            )
        checked[key] = value
    return checked


_TABLE: Final = "decision_texts"
_SCHEMA: Final = (
    f"CREATE TABLE IF NOT EXISTS {_TABLE} (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID"
)
_CHUNK: Final = 500  # keys per statement: well under SQLite's limit of bound parameters
_HAS_TABLE: Final = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"


@final
class SQLiteTextStore:
    """Texts in a table of an event store's SQLite file, deleted for good.

    Args:
        path: The SQLite file of a :class:`~alignkit.store.SQLiteStore` (one is
            created if the file is missing), or ``":memory:"``.
        synchronous: As for :class:`~alignkit.store.SQLiteStore`.

    The texts live in the table ``decision_texts`` beside the events. The connection
    sets ``PRAGMA secure_delete``, so SQLite overwrites deleted content with zeros,
    and :meth:`delete` ends with a checkpoint that truncates the write-ahead log: an
    erased text is then in neither the database file nor its WAL. What that cannot
    reach: backups and copies of the file made before, and the disk's own remapping
    of blocks (use an encrypted disk where that matters).

    Raises:
        StoreError: The file cannot be used (not an alignkit event store, damaged,
            read-only) or this SQLite cannot overwrite deleted content.

    >>> import tempfile
    >>> from pathlib import Path
    >>> folder = tempfile.TemporaryDirectory()
    >>> texts = SQLiteTextStore(Path(folder.name) / "log.db", synchronous="NORMAL")
    >>> texts.put({"e1/summary": b"salt-and-text"})
    >>> texts.delete(["e1/summary"]), texts.get(["e1/summary"])
    (1, {})
    >>> texts.close()
    >>> folder.cleanup()

    Added in 0.2.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        synchronous: Literal["FULL", "NORMAL"] = "FULL",
        read_only: bool = False,
    ) -> None:
        """Open the texts of the store at ``path``, creating their table if needed."""
        import sqlite3

        from alignkit.store import SQLiteStore

        self._path = os.fspath(path)
        self._sqlite3 = sqlite3
        self._lock: threading.Lock | threading.RLock = threading.Lock()
        self._read_only = bool(read_only)
        self._beside: SQLiteStore | None = None
        if self._path != ":memory:":
            # The file must be an event store: SQLiteStore creates one, checks an
            # existing one and refuses another program's database.
            SQLiteStore(self._path, synchronous=synchronous, read_only=self._read_only).close()
        elif self._read_only:
            raise SpecError.single(
                "Read-only texts need a file: an in-memory database is always empty",
                Location(path=("read_only",)),
            )
        target = self._path
        if self._read_only:
            target = Path(self._path).absolute().as_uri() + "?mode=ro"
        try:
            self._db = sqlite3.connect(
                target, isolation_level=None, check_same_thread=False, uri=self._read_only
            )
        except sqlite3.Error as error:  # pragma: no cover - SQLiteStore opened it just now
            raise self._failure(error, "open") from None
        try:
            self._db.execute("PRAGMA busy_timeout=5000")
            if not self._read_only:
                self._db.execute(f"PRAGMA synchronous={synchronous}")
            self._set_up()
        except BaseException:
            self._db.close()
            raise

    @classmethod
    def beside(cls, store: SQLiteStore) -> SQLiteTextStore:
        """Texts in the file of ``store``, written and read over its connection.

        Texts put inside ``store.transaction()`` commit with the events appended
        there, or not at all: one transaction instead of two, and nothing to take
        back when the append fails. This is where a :class:`DecisionLog` on a
        :class:`~alignkit.store.SQLiteStore` keeps its texts when given none.
        Closing the texts leaves the store open; close the store when done.

        Raises:
            StoreError: As for the constructor; or the store is closed.

        >>> import datetime as dt
        >>> from alignkit.store import NewEvent, SQLiteStore
        >>> store = SQLiteStore(":memory:")
        >>> texts = SQLiteTextStore.beside(store)
        >>> at = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
        >>> with store.transaction():
        ...     texts.put({"e1/summary": b"salt-and-text"})
        ...     store.append("r-1", [NewEvent("e1", "proposed", "ana", at)],
        ...                  expected_version=0, category="decision")
        1
        >>> texts.get(["e1/summary"])
        {'e1/summary': b'salt-and-text'}

        Added in 0.2.
        """
        from alignkit.store import SQLiteStore

        if not isinstance(store, SQLiteStore):
            raise SpecError.single(
                f"`store` must be a SQLiteStore, got {type(store).__name__}",
                Location(path=("store",)),
            )
        texts = cls.__new__(cls)
        texts._share(store)  # noqa: SLF001 - the constructor's other half
        return texts

    def _share(self, store: SQLiteStore) -> None:
        import sqlite3

        self._path = store.path
        self._sqlite3 = sqlite3
        self._read_only = store.read_only
        self._beside = store
        self._db, self._lock = store._shared()  # noqa: SLF001 - the store's own partner
        with self._lock:
            try:
                self._set_up()
            except sqlite3.ProgrammingError as error:  # a closed store
                raise self._failure(error, "open") from None

    def _set_up(self) -> None:
        """Create the table and have deletes overwrite (or, read-only, look for the table)."""
        db = self._db
        try:
            if self._read_only:
                found = db.execute(_HAS_TABLE, (_TABLE,)).fetchone()
                self._empty = found is None  # no text was ever written
                return
            self._empty = False
            secure = db.execute("PRAGMA secure_delete=ON").fetchone()[0] == 1
            db.execute(_SCHEMA)
        except self._sqlite3.Error as error:  # pragma: no cover - the store opened it just now
            raise self._failure(error, "open") from None
        if not secure:  # pragma: no cover - SQLite built without it
            raise StoreError.for_store(
                self._path, "this SQLite cannot overwrite deleted content (secure_delete)"
            )

    @property
    def read_only(self) -> bool:
        """True when opened with ``read_only=True``: texts can be read, not changed."""
        return self._read_only

    def _refuse_write(self, doing: str) -> StoreError:
        return StoreError.for_store(
            self._path,
            f"cannot {doing} texts: they were opened read-only",
            hint="open them without read_only=True to change them",
        )

    @property
    def path(self) -> str:
        """The database file."""
        return self._path

    def close(self) -> None:
        """Close the connection; the store cannot be used afterwards.

        Texts opened :meth:`beside` a store leave its connection open: the store's.
        """
        if self._beside is not None:
            return
        with self._lock:
            self._db.close()

    def __enter__(self) -> SQLiteTextStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _failure(self, error: Exception, doing: str) -> StoreError:
        return StoreError.for_store(self._path, f"cannot {doing} texts: SQLite failed ({error})")

    def put(self, entries: Mapping[str, bytes]) -> None:
        """See :meth:`TextStore.put`. One transaction."""
        rows = list(_entries(entries).items())
        if not rows:
            return
        if self._read_only:
            raise self._refuse_write("write")
        sql = f"INSERT OR REPLACE INTO {_TABLE} (key, value) VALUES (?, ?)"  # noqa: S608
        with self._lock:
            db = self._db
            joined = False  # in the store's transaction(), which ends it either way
            try:
                joined = db.in_transaction
                if len(rows) == 1 or joined:
                    db.executemany(sql, rows)
                    return
                db.execute("BEGIN IMMEDIATE")
                db.executemany(sql, rows)
                db.execute("COMMIT")
            except self._sqlite3.Error as error:
                if not joined:
                    _rollback(db, self._sqlite3.Error)
                raise self._failure(error, "write") from None

    def _chunks(self, keys: list[str]) -> Iterator[tuple[str, list[str]]]:
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            yield ",".join("?" * len(chunk)), chunk

    def get(self, keys: Iterable[str]) -> dict[str, bytes]:
        """See :meth:`TextStore.get`."""
        wanted = _keys(keys)
        found: dict[str, bytes] = {}
        if self._empty:
            return found
        if len(wanted) > _CHUNK:
            wanted.sort()  # each statement then looks up nearby keys: a fifth faster
        with self._lock:
            try:
                for marks, chunk in self._chunks(wanted):
                    sql = f"SELECT key, value FROM {_TABLE} WHERE key IN ({marks})"  # noqa: S608
                    found.update(self._db.execute(sql, chunk).fetchall())
            except self._sqlite3.Error as error:
                raise self._failure(error, "read") from None
        return found

    def items(self, *, after: str = "", limit: int = 1000) -> list[tuple[str, bytes]]:
        """Up to ``limit`` texts whose key sorts after ``after``, by key (to copy them all).

        Added in 0.3.
        """
        if self._empty:
            return []
        sql = f"SELECT key, value FROM {_TABLE} WHERE key > ? ORDER BY key LIMIT ?"  # noqa: S608
        with self._lock:
            try:
                rows = self._db.execute(sql, (after, limit)).fetchall()
            except self._sqlite3.Error as error:
                raise self._failure(error, "read") from None
        return [(key, bytes(value)) for key, value in rows]

    def delete(self, keys: Iterable[str]) -> int:
        """See :meth:`TextStore.delete`: deleted, overwritten, and out of the WAL.

        Inside the transaction of the store the texts are :meth:`beside`, the texts
        are deleted with it, and the WAL can be emptied only once it has committed:
        call :meth:`purge` then.

        Raises:
            StoreError: SQLite failed; or the texts are deleted but another
                connection kept the write-ahead log busy, so old copies may remain
                in it until :meth:`purge` succeeds.
        """
        wanted = _keys(keys)
        if self._read_only:
            raise self._refuse_write("delete")
        deleted = 0
        with self._lock:
            db = self._db
            joined = False  # in the store's transaction(): purge() once it is committed
            try:
                joined = db.in_transaction
                if not joined:
                    db.execute("BEGIN IMMEDIATE")
                for marks, chunk in self._chunks(wanted):
                    sql = f"DELETE FROM {_TABLE} WHERE key IN ({marks})"  # noqa: S608
                    deleted += db.execute(sql, chunk).rowcount
                if not joined:
                    db.execute("COMMIT")
            except self._sqlite3.Error as error:
                if not joined:
                    _rollback(db, self._sqlite3.Error)
                raise self._failure(error, "delete") from None
        if not joined:
            self.purge()
        return deleted

    def purge(self) -> None:
        """Checkpoint the write-ahead log into the file and truncate it.

        Raises:
            StoreError: Another connection is reading an older snapshot of the file,
                so the log could not be emptied; call again once it is done.
        """
        if self._read_only:
            raise self._refuse_write("purge")
        with self._lock:
            try:
                busy, _, _ = self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            except self._sqlite3.Error as error:  # pragma: no cover - SQLite failing
                raise self._failure(error, "purge") from None
        if busy:  # pragma: no cover - needs a reader holding a snapshot for 5 s
            raise StoreError.for_store(
                self._path,
                "deleted texts may remain in the write-ahead log: another connection kept it busy",
                hint="call purge() again once other readers are done",
            )


def _rollback(db: sqlite3.Connection, failure: type[Exception]) -> None:
    """Roll back the open transaction, if any: the error that brought us here says more."""
    with contextlib.suppress(failure):
        db.execute("ROLLBACK")


# -- who a text involves -------------------------------------------------------------------

_TOKEN: Final = re.compile(r"\w+(?:['\u2019.\-]\w+)*")
"""A word, with the hyphens, apostrophes and dots inside names and ids (``ae-mm-1``)."""


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.casefold())


@final
class Mentions:
    """Finds the people of an org whose id or full name a text contains.

    Ids and names are matched as whole words, in any case, whatever the spacing
    between the words of a name. A first name alone, a nickname or a misspelling is
    not found: the log records who each text involves when it is written, and
    erases by that record.

    >>> from alignkit.org import Org, Person
    >>> org = Org(people=[Person("ae-1", "Lee Park", "Sales"), Person("cfo", "Kim Lee", "Finance")])
    >>> sorted(Mentions(org).find("Per LEE  PARK and ae-1; not Lee, not cfo2"))
    ['ae-1']

    The lookup is by words, so it costs the same however many people the org has.
    """

    def __init__(self, org: Org) -> None:
        """Index every person's id and name."""
        self._by_words: dict[tuple[str, ...], set[str]] = {}
        for person in org.people:
            for label in (person.id, person.name):
                words = tuple(_tokens(label))
                if words:
                    self._by_words.setdefault(words, set()).add(person.id)
        self._longest = max((len(w) for w in self._by_words), default=0)
        self._firsts = frozenset(words[0] for words in self._by_words)

    def find(self, text: str) -> set[str]:
        """The ids of the people ``text`` names."""
        found: set[str] = set()
        table = self._by_words
        firsts = self._firsts
        words = _tokens(text)
        count = len(words)
        for start, word in enumerate(words):
            if word not in firsts:
                continue
            for end in range(start + 1, min(start + self._longest, count) + 1):
                hit = table.get(tuple(words[start:end]))
                if hit:
                    found.update(hit)
        return found


def involved(mentions: Mentions, text: str, author: str | None) -> list[str]:
    """Who ``text`` involves: its author (a person) and the people it names, sorted."""
    people = mentions.find(text)
    if author is not None:
        people.add(author)
    return sorted(people)


def text_argument(value: object, name: str, *, required: bool = False) -> str:
    """``value`` as text for an argument ``name``; blank is refused when ``required``."""
    if not isinstance(value, str):
        raise SpecError.single(
            f"`{name}` must be text, got {type(value).__name__}", Location(path=(name,))
        )
    if required and not value.strip():
        raise SpecError.single(f"`{name}` must not be blank", Location(path=(name,)))
    if not value.isascii():
        try:
            value.encode()
        except UnicodeEncodeError:
            raise SpecError.single(
                f"`{name}` holds a lone surrogate, which no text store can keep",
                Location(path=(name,)),
            ) from None
    return value
