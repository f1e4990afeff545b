"""alignkit.store: append-only, transactional, idempotent event stores."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import random
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alignkit.errors import AlignkitError, SpecError, StoreError
from alignkit.store import (
    ConcurrencyError,
    EncodedEvent,
    EncodedReader,
    MemoryStore,
    NewEvent,
    SQLiteStore,
    Store,
    StoredEvent,
    _no_wal,
)
from tests.postgres import fresh_database

AT = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)


def event(event_id: str, kind: str = "happened", **data: object) -> NewEvent:
    return NewEvent(event_id, kind, "tester", AT, data)


STORES = ["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
"""Every store: the contract tests run against each one."""


@contextlib.contextmanager
def made_store(kind: str, tmp_path: Path) -> Iterator[Any]:
    """A new, empty store of ``kind``."""
    if kind == "memory":
        yield MemoryStore()
    elif kind == "sqlite":
        with SQLiteStore(tmp_path / "events.db") as found:
            yield found
    else:
        from alignkit.store import PostgresStore

        with fresh_database() as dsn, PostgresStore(dsn) as found:
            yield found


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with made_store(request.param, tmp_path) as found:
        yield found


class TestStore:
    def test_satisfies_the_protocol(self, store: Store):
        """Both stores are Stores."""
        assert isinstance(store, Store)

    def test_append_and_read(self, store: Store):
        """Events come back in order, with versions and positions."""
        assert store.append("a", [event("1"), event("2", n=2)], expected_version=0) == 2
        assert store.append("b", [event("3")], expected_version=0) == 1
        read = store.read("a")
        assert [(e.event_id, e.version, e.stream) for e in read] == [("1", 1, "a"), ("2", 2, "a")]
        assert read[1].data == {"n": 2}
        assert read[0].at == AT
        assert [e.event_id for e in store.read("a", after=1)] == ["2"]
        assert [e.event_id for e in store.read_all()] == ["1", "2", "3"]
        positions = [e.position for e in store.read_all()]
        assert positions == sorted(positions)
        assert [e.event_id for e in store.read_all(after=positions[0], limit=1)] == ["2"]
        assert store.version("a") == 2
        assert store.version("nope") == 0

    def test_stale_writer_is_refused(self, store: Store):
        """Optimistic concurrency: a writer that did not see the latest version fails."""
        store.append("a", [event("1")], expected_version=0)
        with pytest.raises(ConcurrencyError, match="at version 1, not 0") as info:
            store.append("a", [event("2")], expected_version=0)
        assert (info.value.stream, info.value.expected, info.value.actual) == ("a", 0, 1)
        assert store.version("a") == 1

    def test_retried_append_is_a_no_op(self, store: Store):
        """The same event id twice is stored once, even with a stale version."""
        store.append("a", [event("1")], expected_version=0)
        assert store.append("a", [event("1")], expected_version=0) == 1
        assert store.append("a", [event("1"), event("2")], expected_version=1) == 2
        assert store.append("a", [event("3"), event("3")], expected_version=2) == 3
        assert [e.event_id for e in store.read("a")] == ["1", "2", "3"]

    def test_naive_times_are_refused(self):
        """Event times are aware."""
        with pytest.raises(SpecError, match="timezone-aware"):
            NewEvent("1", "k", "a", dt.datetime(2026, 1, 1))  # noqa: DTZ001

    @settings(max_examples=30, deadline=None)
    @given(st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 15)), max_size=40))
    def test_replay_is_idempotent(self, appends):
        """Appending any sequence, with repeats, stores each id once, versions gap-free."""
        store = MemoryStore()
        for stream, n in appends:
            store.append(stream, [event(f"{stream}{n}")], expected_version=store.version(stream))
        for stream in "abc":
            found = store.read(stream)
            assert [e.version for e in found] == list(range(1, len(found) + 1))
            assert len({e.event_id for e in found}) == len(found)
            assert {e.event_id for e in found} == {f"{s}{n}" for s, n in appends if s == stream}


def outcome(store: Store, stream: str, events: list[NewEvent], expected: int) -> object:
    try:
        return store.append(stream, events, expected_version=expected)
    except ConcurrencyError as error:
        return ("refused", error.stream, error.expected, error.actual)


appends = st.lists(
    st.tuples(
        st.sampled_from("abc"),
        st.lists(st.integers(0, 12), min_size=1, max_size=3),
        st.sampled_from([0, 0, 0, -1, 1]),  # mostly right; sometimes stale or ahead
    ),
    max_size=30,
)


class TestSQLiteMatchesMemory:
    @settings(max_examples=60, deadline=None)
    @given(appends)
    def test_same_answers_and_same_events(self, ops):
        """Any mix of good, stale, ahead-of-stream and retried appends: SQLite == memory.

        Ids are shared across streams, so an id stored on one stream is skipped on
        another, as the protocol says ("already stored").
        """
        memory, sqlite = MemoryStore(), SQLiteStore(":memory:")
        for stream, ids, offset in ops:
            events = [event(f"e{n}") for n in ids]
            expected = max(0, memory.version(stream) + offset)
            assert outcome(sqlite, stream, events, expected) == outcome(
                memory, stream, events, expected
            )
        assert sqlite.read_all() == memory.read_all()

    def test_a_writer_ahead_of_the_stream_is_refused(self, tmp_path: Path):
        """Expecting version 3 of an empty stream writes nothing (no gap in versions)."""
        store = SQLiteStore(tmp_path / "events.db")
        with pytest.raises(ConcurrencyError, match="at version 0, not 3"):
            store.append("a", [event("1")], expected_version=3)
        assert store.read_all() == []

    def test_two_connections_on_one_file(self, tmp_path: Path):
        """A second process (here, connection) that did not see the append is refused."""
        first = SQLiteStore(tmp_path / "events.db")
        second = SQLiteStore(tmp_path / "events.db")
        first.append("a", [event("1")], expected_version=0)
        with pytest.raises(ConcurrencyError):
            second.append("a", [event("2")], expected_version=0)
        assert second.append("a", [event("2")], expected_version=1) == 2
        assert [e.event_id for e in first.read("a")] == ["1", "2"]
        assert [e.position for e in first.read_all()] == [1, 2]


class TestSQLiteStore:
    def test_reopen_gives_the_same_events(self, tmp_path: Path):
        """Events survive closing and reopening the file."""
        path = tmp_path / "deep" / "events.db"
        with SQLiteStore(path) as first:
            first.append("a", [event("1", x=[1, 2])], expected_version=0)
            before = first.read_all()
        second = SQLiteStore(str(path), synchronous="NORMAL")
        assert second.read_all() == before
        assert second.path == str(path)
        assert list(second.streams()) == ["a"]

    def test_batched_append_is_all_or_nothing(self, tmp_path: Path):
        """A backfill across streams commits entirely or not at all."""
        store = SQLiteStore(tmp_path / "events.db")
        store.append("b", [event("b1")], expected_version=0)
        with pytest.raises(ConcurrencyError):
            store.append_many([("a", [event("a1")], 0), ("b", [event("b2")], 0)])
        assert store.version("a") == 0
        assert store.append_many([("a", [event("a1")], 0), ("b", [event("b2")], 1)]) == [1, 2]

    def test_batched_append_chains_a_stream_and_skips_repeats(self, tmp_path: Path):
        """A stream twice in one batch continues from itself; an id seen earlier is skipped."""
        store = SQLiteStore(tmp_path / "events.db")
        versions = store.append_many(
            [
                ("a", [event("1"), event("2")], 0),
                ("a", [event("3"), event("1")], 2),
                ("b", [event("3")], 0),
            ]
        )
        assert versions == [2, 3, 0]
        assert [e.event_id for e in store.read_all()] == ["1", "2", "3"]

    def test_bad_setting(self, tmp_path: Path):
        """Only FULL and NORMAL are offered."""
        with pytest.raises(SpecError, match="FULL or NORMAL"):
            SQLiteStore(tmp_path / "x.db", synchronous="OFF")  # type: ignore[arg-type]

    def test_in_memory_database(self):
        """`:memory:` works for tests."""
        store = SQLiteStore(":memory:")
        store.append("a", [event("1")], expected_version=0)
        assert store.version("a") == 1

    def test_killed_writer_loses_nothing_committed(self, tmp_path: Path):
        """SIGKILL mid-append: every committed event is there, nothing half-written."""
        path = tmp_path / "events.db"
        progress = tmp_path / "progress"
        script = textwrap.dedent(
            f"""
            import datetime as dt
            from pathlib import Path
            from alignkit.store import NewEvent, SQLiteStore
            store = SQLiteStore({str(path)!r})
            at = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
            n = 0
            while True:
                stream = f"s{{n % 7}}"
                batch = [
                    NewEvent(f"e{{n}}-{{i}}", "k", "w", at, {{"n": n, "i": i}})
                    for i in range(5)
                ]
                store.append(stream, batch, expected_version=store.version(stream))
                n += 1
                Path({str(progress)!r}).write_text(str(n))
            """
        )
        writer = subprocess.Popen([sys.executable, "-c", script])
        committed = 0

        def read_progress() -> int:
            try:
                return int(progress.read_text())
            except (OSError, ValueError):  # not written yet, or caught mid-write
                return 0

        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and committed < 20:
                committed = max(committed, read_progress())
                time.sleep(0.02)
            assert committed >= 20, "the writer never got going"
            os.kill(writer.pid, signal.SIGKILL)
            writer.wait(timeout=10)
        finally:
            if writer.poll() is None:
                writer.kill()
        committed = max(committed, read_progress())
        store = SQLiteStore(path)
        events = store.read_all()
        batches = {}
        for e in events:
            batches.setdefault(e.data["n"], []).append(e.data["i"])
        assert len(batches) >= committed
        assert all(sorted(items) == [0, 1, 2, 3, 4] for items in batches.values())
        for stream in {e.stream for e in events}:
            versions = [e.version for e in store.read(stream)]
            assert versions == list(range(1, len(versions) + 1))


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_event_data_must_be_json(kind: str, tmp_path: Path):
    """Both stores refuse data they could not give back; nothing is written."""
    store: Store = MemoryStore() if kind == "memory" else SQLiteStore(tmp_path / "e.db")
    with pytest.raises(SpecError, match="not JSON"):
        store.append("a", [event("1", when=dt.date(2026, 1, 1))], expected_version=0)
    with pytest.raises(SpecError, match="not JSON"):
        store.append("a", [event("2"), event("3", x=object())], expected_version=0)
    assert store.read_all() == []
    store.append("a", [event("4", x=(1, 2))], expected_version=0)
    assert store.read("a")[0].data == {"x": [1, 2]}  # as JSON gives it back, in both


# -- the store fails clearly ---------------------------------------------------------------

FORMAT_0_SCHEMA = """
CREATE TABLE events (
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
"""The table as the first release wrote it: no checksum, no application id."""


def filled(path: Path, n: int = 12) -> list[StoredEvent]:
    """A closed store file at ``path`` with ``n`` events over three streams."""
    with SQLiteStore(path) as store:
        for i in range(n):
            stream = "abc"[i % 3]
            store.append(
                stream,
                [event(f"e{i}", note=f"event number {i}", n=i)],
                expected_version=store.version(stream),
            )
        return store.read_all()


def edit(path: Path, sql: str, *parameters: object) -> None:
    """Change the file behind the store's back, as another program would."""
    db = sqlite3.connect(path)
    try:
        db.execute(sql, parameters)
        db.commit()
    finally:
        db.close()


def around_constraints(path: Path, sql: str, *parameters: object) -> None:
    """Change the file past its NOT NULL constraints, which are then put back."""
    db = sqlite3.connect(path, isolation_level=None)
    (schema,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'events'").fetchone()
    db.execute("PRAGMA writable_schema = ON")
    loose = schema.replace(" NOT NULL", "")
    db.execute("UPDATE sqlite_master SET sql = ? WHERE name = 'events'", (loose,))
    db.close()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute(sql, parameters)
    db.execute("PRAGMA writable_schema = ON")
    db.execute("UPDATE sqlite_master SET sql = ? WHERE name = 'events'", (schema,))
    db.close()


def read_everything(store: SQLiteStore) -> object:
    """Every way of reading the store, in one value."""
    return (
        store.read_all(),
        [store.read(stream) for stream in "abc"],
        [store.version(stream) for stream in "abc"],
        list(store.streams()),
    )


class TestStoreError:
    def test_a_truncated_file_is_damaged(self, tmp_path: Path):
        """Half a store file: a StoreError naming the file, not sqlite3.DatabaseError."""
        path = tmp_path / "events.db"
        filled(path, 60)
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
        with pytest.raises(StoreError, match="the file is damaged") as info:
            read_everything(SQLiteStore(path))
        assert info.value.path == str(path)
        assert str(path) in str(info.value)

    def test_random_bytes_are_not_a_store(self, tmp_path: Path):
        """A file of random bytes is not an SQLite database, so not a store."""
        path = tmp_path / "noise.db"
        path.write_bytes(random.Random(7).randbytes(8192))  # noqa: S311 - test data
        with pytest.raises(StoreError, match="not an alignkit event store: it is not an SQLite"):
            SQLiteStore(path)
        with pytest.raises(StoreError, match="not an alignkit event store"):
            SQLiteStore(path, read_only=True)

    @pytest.mark.parametrize(
        ("schema", "tables"),
        [
            ("CREATE TABLE people (id TEXT, name TEXT)", "people"),
            (
                "CREATE TABLE events (id INTEGER, what TEXT); CREATE TABLE users (id)",
                "events, users",
            ),
        ],
    )
    def test_another_programs_database_is_left_alone(
        self, tmp_path: Path, schema: str, tables: str
    ):
        """A foreign SQLite file is refused unchanged: no table added, no WAL switched on."""
        path = tmp_path / "theirs.db"
        db = sqlite3.connect(path)
        db.executescript(schema)
        db.close()
        before = path.read_bytes()
        with pytest.raises(
            StoreError, match=f"not an alignkit event store .it holds the tables {tables}"
        ):
            SQLiteStore(path)
        assert path.read_bytes() == before

    def test_another_programs_application_id_is_refused(self, tmp_path: Path):
        """A file another program marked as its own is not taken over, even when empty."""
        path = tmp_path / "theirs.db"
        edit(path, "PRAGMA application_id = 1234")
        with pytest.raises(StoreError, match="it belongs to another program"):
            SQLiteStore(path)

    def test_data_that_is_not_json_names_the_event(self, tmp_path: Path):
        """An event row edited to hold broken JSON: which event, which stream, what is wrong."""
        path = tmp_path / "events.db"
        filled(path)
        edit(path, "UPDATE events SET data = '{\"n\": ' WHERE position = 5")
        store = SQLiteStore(path)
        message = "event 5 of stream 'b' holds data that is not JSON"
        with pytest.raises(StoreError, match=message):
            store.read_all()
        with pytest.raises(StoreError, match=message):
            store.read("b")
        assert [e.position for e in store.read("a")] == [1, 4, 7, 10]  # the rest is readable

    @pytest.mark.parametrize(
        ("column", "value", "message"),
        [
            ("at", None, "holds a value of the wrong type"),
            ("data", None, "holds a value of the wrong type"),
            ("event_id", None, "holds a value of the wrong type"),
            ("stream", b"b", "holds a value of the wrong type"),
            ("version", "two", "holds a value of the wrong type"),
            ("at", "yesterday", "holds a time that is not a time"),
            ("data", "[1, 2]", "holds a value of the wrong type"),
            ("data", "[" * 100_000 + "]" * 100_000, "holds data nested too deeply to read"),
        ],
        ids=lambda value: value if isinstance(value, str) and len(value) < 40 else "value",
    )
    def test_wrong_values_in_a_row_are_damage(
        self, tmp_path: Path, column: str, value: object, message: str
    ):
        """NULLs and values of the wrong type, written around the constraints: StoreError."""
        path = tmp_path / "events.db"
        filled(path)
        around_constraints(path, f"UPDATE events SET {column} = ? WHERE position = 2", value)  # noqa: S608
        with pytest.raises(StoreError, match=f"event 2 of stream .* {message}"):
            SQLiteStore(path).read_all()

    def test_a_version_that_is_not_a_number_is_damage(self, tmp_path: Path):
        """The stream's version, read for an append, is checked too."""
        path = tmp_path / "events.db"
        filled(path)
        edit(path, "UPDATE events SET version = 'x' WHERE position = 10")
        store = SQLiteStore(path)
        with pytest.raises(StoreError, match="stream 'a' has a version that is not a number"):
            store.version("a")
        with pytest.raises(StoreError, match="stream 'a' has a version that is not a number"):
            store.append("a", [event("new")], expected_version=4)

    def test_a_gap_in_a_stream_is_damage(self, tmp_path: Path):
        """A missing event (a stream's versions skip one) is reported, not folded over."""
        path = tmp_path / "events.db"
        filled(path)
        edit(path, "DELETE FROM events WHERE position = 4")
        with pytest.raises(StoreError, match="stream 'a' has no event at version 2"):
            SQLiteStore(path).read("a")

    def test_a_newer_format_is_refused(self, tmp_path: Path):
        """A store written by a later alignkit says so, instead of being misread."""
        path = tmp_path / "events.db"
        filled(path)
        edit(path, "PRAGMA user_version = 99")
        with pytest.raises(StoreError, match="format 99, written by a newer alignkit; upgrade"):
            SQLiteStore(path)

    def test_a_closed_store_says_so(self, tmp_path: Path):
        """Using a closed store is a StoreError, not sqlite3.ProgrammingError."""
        store = SQLiteStore(tmp_path / "events.db")
        store.close()
        with pytest.raises(StoreError, match="the store is closed"):
            store.read_all()
        with pytest.raises(StoreError, match="the store is closed"):
            store.append("a", [event("1")], expected_version=0)
        with pytest.raises(StoreError, match="the store is closed"):
            store.append_many([("a", [event("1"), event("2")], 0)])

    def test_a_folder_is_not_a_store(self, tmp_path: Path):
        """A path that names a folder cannot be opened: StoreError, naming it."""
        with pytest.raises(StoreError, match="the file cannot be opened"):
            SQLiteStore(tmp_path)

    def test_a_stream_that_is_not_text_is_damage(self, tmp_path: Path):
        """Listing the streams checks them too."""
        path = tmp_path / "events.db"
        filled(path)
        edit(path, "UPDATE events SET stream = ? WHERE position = 2", b"b")
        with pytest.raises(StoreError, match="an event's stream is not text"):
            list(SQLiteStore(path).streams())

    @pytest.mark.parametrize(
        ("name", "reason", "hint"),
        [
            ("SQLITE_BUSY", "another connection kept the file locked too long", ""),
            ("SQLITE_FULL", "the disk is full", ""),
            ("SQLITE_IOERR_WRITE", "the file could not be read or written", ""),
            ("SQLITE_READONLY", "the file is read-only", "open it with read_only=True to read it"),
            ("SQLITE_CORRUPT", "the file is damaged", "restore it from a backup"),
            ("SQLITE_CANTOPEN", "the file cannot be opened", "open it with read_only=True"),
            ("SQLITE_MISUSE", "SQLite failed", ""),
        ],
    )
    def test_each_sqlite_failure_reads_plainly(
        self, tmp_path: Path, name: str, reason: str, hint: str
    ):
        """What SQLite reports by code is said in words, with what to do where it helps."""
        failure = sqlite3.OperationalError("what SQLite says")
        failure.sqlite_errorname = name  # type: ignore[attr-defined]
        with SQLiteStore(tmp_path / "events.db") as store:
            error = store._failure(failure, "append")
        assert error.reason == f"cannot append: {reason} (what SQLite says)"
        assert str(error).endswith(f"{hint}" if hint else "(what SQLite says)")

    def test_text_that_is_not_utf8_is_damage(self, tmp_path: Path):
        """Bytes that are no UTF-8 in a text column: StoreError, not UnicodeDecodeError."""
        path = tmp_path / "events.db"
        filled(path)
        edit(path, "UPDATE events SET kind = CAST(x'ff' AS TEXT) WHERE position = 3")
        with pytest.raises(StoreError, match="text that is not UTF-8"):
            SQLiteStore(path).read_all()

    def test_a_store_whose_table_was_changed(self, tmp_path: Path):
        """Our file, but its table is not the one alignkit makes: damaged, not misread."""
        path = tmp_path / "events.db"
        filled(path)
        edit(path, "ALTER TABLE events ADD COLUMN extra TEXT")
        with pytest.raises(StoreError, match="its events table is not one alignkit writes"):
            SQLiteStore(path)

    def test_a_write_ahead_log_left_over_keeps_the_fallback_off(self, tmp_path: Path):
        """Immutable reading is only for a file that is the whole store (no WAL content)."""
        path = tmp_path / "events.db"
        wal = tmp_path / "events.db-wal"
        assert _no_wal(path)
        wal.write_bytes(b"")
        assert _no_wal(path)
        wal.write_bytes(b"unfinished")
        assert not _no_wal(path)

    def test_a_folder_that_cannot_be_made(self, tmp_path: Path):
        """A path under a file: StoreError naming the path."""
        (tmp_path / "plain").write_text("not a folder")
        with pytest.raises(StoreError, match="its folder cannot be created"):
            SQLiteStore(tmp_path / "plain" / "events.db")

    def test_store_error_is_an_os_error(self, tmp_path: Path):
        """Callers catch it as an OSError (a file that cannot be used) or as ours."""
        path = tmp_path / "noise.db"
        path.write_bytes(b"\x00" * 4096)
        with pytest.raises(OSError, match=r"noise\.db"):
            SQLiteStore(path)
        with pytest.raises(AlignkitError):
            SQLiteStore(path)


store_bytes: dict[str, bytes] = {}


def a_store_file() -> bytes:
    """The bytes of a small, closed store file (made once)."""
    if "file" not in store_bytes:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "events.db"
            filled(path, 30)
            store_bytes["file"] = path.read_bytes()
    return store_bytes["file"]


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    """A store file with random bytes changed, or cut short."""
    data = bytearray(a_store_file())
    if draw(st.booleans()):
        for _ in range(draw(st.integers(1, 8))):
            offset = draw(st.integers(0, len(data) - 1))
            data[offset] ^= draw(st.integers(1, 255))
    else:
        data = data[: draw(st.integers(0, len(data) - 1))]
    return bytes(data)


class TestDamagedFiles:
    @settings(max_examples=150, deadline=None)
    @given(damaged(), st.booleans())
    def test_damage_is_a_store_error_or_nothing(self, data: bytes, read_only: bool):
        """Opening, reading and appending to a damaged file raise only StoreError."""
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "events.db"
            path.write_bytes(data)
            try:
                with SQLiteStore(path, read_only=read_only) as store:
                    read_everything(store)
                    if not read_only:
                        store.append("d", [event("fresh")], expected_version=store.version("d"))
            except StoreError as error:
                assert error.path == str(path)

    def test_every_bit_flip_in_an_event_is_caught(self, tmp_path: Path):
        """Flip each bit of one event's stored text: each read fails, or reads the original.

        SQLite keeps no checksums of its own; without the store's, most of these flips
        read back as different data, silently.
        """
        path = tmp_path / "events.db"
        original = filled(path)
        data = path.read_bytes()
        start = data.index(b"event number 7")
        end = start + len(b"event number 7")
        silent = []
        for offset in range(start - 24, end + 2):  # the row's other fields, and its data
            for bit in range(8):
                flipped = bytearray(data)
                flipped[offset] ^= 1 << bit
                copy = tmp_path / f"flip-{offset}-{bit}.db"
                copy.write_bytes(bytes(flipped))
                try:
                    with SQLiteStore(copy, read_only=True) as store:
                        if store.read_all() != original:
                            silent.append((offset, bit))
                except StoreError:
                    pass
        assert silent == []


# -- read-only stores ----------------------------------------------------------------------


class TestReadOnly:
    def test_reads_a_read_only_file_and_changes_nothing(self, tmp_path: Path):
        """chmod 0444: read_only=True reads every event; the file stays byte for byte."""
        path = tmp_path / "events.db"
        events = filled(path)
        path.chmod(0o444)
        before = path.read_bytes()
        with SQLiteStore(path, read_only=True) as store:
            assert store.read_only
            assert store.read_all() == events
            assert [e.event_id for e in store.read("b", after=1)] == ["e4", "e7", "e10"]
            assert store.version("c") == 4
            assert list(store.streams()) == ["a", "b", "c"]
        assert path.read_bytes() == before

    def test_sqlite_itself_refuses_writes(self, tmp_path: Path):
        """mode=ro: appends are refused, and so is any write on the connection, even as root."""
        path = tmp_path / "events.db"
        filled(path)
        before = path.read_bytes()
        store = SQLiteStore(path, read_only=True)
        with pytest.raises(StoreError, match="cannot append: the store was opened read-only"):
            store.append("a", [event("new")], expected_version=4)
        with pytest.raises(StoreError, match="opened read-only"):
            store.append_many([("a", [event("new")], 4)])
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            store._db.execute("DELETE FROM events")
        store.close()
        assert path.read_bytes() == before

    def test_a_missing_file_is_not_created(self, tmp_path: Path):
        """Read-only of a missing file is a StoreError; no empty database appears."""
        path = tmp_path / "missing.db"
        with pytest.raises(StoreError, match="there is no such file") as info:
            SQLiteStore(path, read_only=True)
        assert info.value.reason == "there is no such file"
        assert not path.exists()

    def test_an_empty_file_is_not_a_store(self, tmp_path: Path):
        """An empty file opened read-only holds no store to read."""
        path = tmp_path / "empty.db"
        path.write_bytes(b"")
        with pytest.raises(StoreError, match="the database is empty"):
            SQLiteStore(path, read_only=True)

    def test_in_memory_cannot_be_read_only(self):
        """An in-memory database is always empty: read_only makes no sense there."""
        with pytest.raises(SpecError, match="needs a file") as info:
            SQLiteStore(":memory:", read_only=True)
        assert info.value.problems[0].location.path == ("read_only",)

    def test_a_format_0_file_is_read_as_it_is(self, tmp_path: Path):
        """A file from before checksums is read, and not migrated, when read-only."""
        path = tmp_path / "old.db"
        format_0(path)
        before = path.read_bytes()
        with SQLiteStore(path, read_only=True) as store:
            assert [(e.event_id, e.version, e.data) for e in store.read("a")] == [
                ("old-1", 1, {"n": 1}),
                ("old-2", 2, {"n": 2}),
            ]
        assert path.read_bytes() == before

    def test_a_desk_on_a_read_only_store(self, tmp_path: Path):
        """A reporting desk replays a read-only store, and any move is a StoreError."""
        from alignkit.handoff import DealEvent, HandoffDesk
        from alignkit.org import Function, Org, Person

        org = Org(
            functions=[Function("Sales", "vp"), Function("Operations", "ops")],
            people=[Person("vp", "V", "Sales"), Person("ops", "O", "Operations")],
        )
        path = tmp_path / "handoffs.db"
        with SQLiteStore(path) as store:
            HandoffDesk(org, store=store).receive(DealEvent("w", "D-1", "Closed-Won", AT))
        reader = HandoffDesk(org, store=SQLiteStore(path, read_only=True))
        assert reader.metrics().opened == 1
        with pytest.raises(StoreError, match="read-only"):
            reader.withdraw("D-1", "vp", AT)

    def test_a_file_on_a_read_only_mount(self, tmp_path: Path):
        """On a read-only file system (no room for SQLite's shared memory), it still reads."""
        unshare = shutil.which("unshare")
        assert unshare is not None  # util-linux, on every supported Linux
        assert shutil.which("mount") is not None
        source, mount = tmp_path / "source", tmp_path / "mount"
        source.mkdir()
        mount.mkdir()
        filled(source / "events.db")
        # A store whose last writes are still in its write-ahead log, without the
        # shared-memory file that SQLite needs to read them.
        with SQLiteStore(tmp_path / "busy.db") as busy:
            busy.append("a", [event("1")], expected_version=0)
            for suffix in ("", "-wal"):
                shutil.copy(tmp_path / f"busy.db{suffix}", source / f"busy.db{suffix}")
        script = textwrap.dedent(
            f"""
            from alignkit.errors import StoreError
            from alignkit.store import SQLiteStore
            store = SQLiteStore({str(mount / "events.db")!r}, read_only=True)
            print(len(store.read_all()), store.version("a"))
            try:
                SQLiteStore({str(mount / "events.db")!r})
            except StoreError as error:
                print(error.reason)
                print(str(error).rsplit("; ", 1)[1])
            try:
                SQLiteStore({str(mount / "busy.db")!r}, read_only=True)
            except StoreError as error:
                print(error.reason)
            """
        )
        command = (
            f"mount --bind {source} {mount} && mount -o remount,bind,ro {mount} && "
            f"{sys.executable} -c {shlex.quote(script)}"
        )
        done = subprocess.run(
            [unshare, "-rm", "sh", "-c", command],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines() == [
            "12 4",
            "cannot open: the file cannot be opened (unable to open database file)",
            "if it or its folder is read-only, open it with read_only=True",
            (
                "cannot open: SQLite must read the writes left in busy.db-wal, and cannot "
                "create its shared-memory file beside it"
            ),
        ]


# -- checksums -----------------------------------------------------------------------------


def format_0(path: Path) -> None:
    """A store file as the first release wrote it: two events on stream ``a``."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(FORMAT_0_SCHEMA)
    db.executemany(
        "INSERT INTO events (event_id, stream, version, kind, actor, at, data) "
        "VALUES (?, 'a', ?, 'k', 'tester', '2026-11-23T09:00:00+00:00', ?)",
        [("old-1", 1, '{"n":1}'), ("old-2", 2, '{"n":2}')],
    )
    db.commit()
    db.close()


class TestChecksums:
    def test_each_event_carries_the_adler32_of_its_fields(self, tmp_path: Path):
        """The checksum is Adler-32 of the stored fields joined by U+001F, as documented."""
        path = tmp_path / "events.db"
        filled(path, 3)
        db = sqlite3.connect(path)
        rows = db.execute(
            "SELECT event_id, stream, version, kind, actor, at, data, checksum FROM events"
        ).fetchall()
        db.close()
        for *fields, checksum in rows:
            text = "\x1f".join(str(field) for field in fields)
            assert checksum == zlib.adler32(text.encode("utf-8"))

    @pytest.mark.parametrize(
        ("column", "value"),
        [
            ("data", '{"n":1,"note":"event number 1"}'),
            ("event_id", "e99"),
            ("kind", "forged"),
            ("actor", "mallory"),
            ("at", "2026-11-23T10:00:00+00:00"),
            ("checksum", 12345),
        ],
    )
    def test_a_changed_event_is_caught(self, tmp_path: Path, column: str, value: object):
        """Valid but different data, written behind the store's back, is no longer trusted."""
        path = tmp_path / "events.db"
        filled(path)
        edit(path, f"UPDATE events SET {column} = ? WHERE position = 3", value)  # noqa: S608
        with pytest.raises(StoreError, match="event 3 of stream 'c' does not match its checksum"):
            SQLiteStore(path).read_all()

    def test_a_format_0_file_is_brought_up_to_date(self, tmp_path: Path):
        """Opening an old file for writing adds the checksum; old events stay readable."""
        path = tmp_path / "old.db"
        format_0(path)
        with SQLiteStore(path) as store:
            assert [e.event_id for e in store.read("a")] == ["old-1", "old-2"]
            assert store.append("a", [event("new-3")], expected_version=2) == 3
        db = sqlite3.connect(path)
        assert db.execute("PRAGMA user_version").fetchone() == (2,)  # the current format
        assert db.execute("PRAGMA application_id").fetchone() == (0x416C4B45,)
        checksums = [row[0] for row in db.execute("SELECT checksum FROM events ORDER BY position")]
        db.close()
        assert checksums[:2] == [None, None]
        assert isinstance(checksums[2], int)
        with SQLiteStore(path, read_only=True) as reopened:
            assert [e.version for e in reopened.read("a")] == [1, 2, 3]

    def test_two_processes_bring_one_old_file_up_to_date(self, tmp_path: Path):
        """Two stores opening the same old file at once both work; the column is added once."""
        path = tmp_path / "old.db"
        format_0(path)
        first, second = SQLiteStore(path), SQLiteStore(path)
        first.append("a", [event("one")], expected_version=2)
        second.append("a", [event("two")], expected_version=3)
        assert [e.event_id for e in first.read("a")] == ["old-1", "old-2", "one", "two"]
        first.close()
        second.close()


# -- both stores refuse bad input alike ----------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=10,
)
anything = (
    json_values
    | st.sampled_from(["a", "b", " ", "", "\ud800", -1, 0, 1, 2, 2**63, True, b"a", 1.5])
    | st.integers(4300, 4400).map(lambda digits: 10**digits)
    | st.datetimes(timezones=st.none() | st.just(dt.UTC))
    | st.dates()
    | st.builds(object)
)
new_events = st.builds(
    NewEvent,
    st.sampled_from(["e1", "e2", "e3", "\ufffd"]),
    st.just("kind"),
    st.just("actor"),
    st.just(AT),
    st.dictionaries(st.text(max_size=4), json_values, max_size=2),
)
event_lists = st.lists(new_events | anything, max_size=3) | anything
categories = st.sampled_from(["handoff", "decision"]) | anything


A_EVENT = event("ok")

BAD_CALLS: list[tuple[str, Callable[[Any], object], tuple[object, ...], str]] = [
    ("stream None", lambda s: s.append(None, [A_EVENT], expected_version=0), ("stream",), "text"),
    ("stream blank", lambda s: s.append(" ", [A_EVENT], expected_version=0), ("stream",), "blank"),
    ("stream bytes", lambda s: s.append(b"a", [A_EVENT], expected_version=0), ("stream",), "text"),
    (
        "stream surrogate",
        lambda s: s.append("\ud800", [A_EVENT], expected_version=0),
        ("stream",),
        "lone surrogate",
    ),
    ("events text", lambda s: s.append("a", "events", expected_version=0), ("events",), "list"),
    ("events None", lambda s: s.append("a", None, expected_version=0), ("events",), "list"),
    (
        "event dict",
        lambda s: s.append("a", [{"event_id": "x"}], expected_version=0),
        ("events", 0),
        "NewEvent",
    ),
    (
        "version -1",
        lambda s: s.append("a", [A_EVENT], expected_version=-1),
        ("expected_version",),
        "from 0",
    ),
    (
        "version True",
        lambda s: s.append("a", [A_EVENT], expected_version=True),
        ("expected_version",),
        "from 0",
    ),
    (
        "version 0.0",
        lambda s: s.append("a", [A_EVENT], expected_version=0.0),
        ("expected_version",),
        "from 0",
    ),
    (
        "version '0'",
        lambda s: s.append("a", [A_EVENT], expected_version="0"),
        ("expected_version",),
        "from 0",
    ),
    (
        "version 2**64",
        lambda s: s.append("a", [A_EVENT], expected_version=2**64),
        ("expected_version",),
        "from 0",
    ),
    (
        "category None",
        lambda s: s.append("a", [A_EVENT], expected_version=0, category=None),
        ("category",),
        "text",
    ),
    (
        "category blank",
        lambda s: s.append("a", [A_EVENT], expected_version=0, category=""),
        ("category",),
        "blank",
    ),
    ("read stream", lambda s: s.read(7), ("stream",), "text"),
    ("read after", lambda s: s.read("a", after=-1), ("after",), "from 0"),
    ("read_all after", lambda s: s.read_all(after="1"), ("after",), "from 0"),
    ("read_all limit", lambda s: s.read_all(limit=-1), ("limit",), "from 0"),
    ("read_all category", lambda s: s.read_all(category=7), ("category",), "text"),
    ("version stream", lambda s: s.version(None), ("stream",), "text"),
    ("batches None", lambda s: s.append_many(None), ("batches",), "list"),
    ("batch pair", lambda s: s.append_many([("a", [A_EVENT])]), ("batches", 0), "expected_version"),
    (
        "batch stream",
        lambda s: s.append_many([(1, [A_EVENT], 0)]),
        ("batches", 0, "stream"),
        "text",
    ),
    (
        "batch events",
        lambda s: s.append_many([("a", [A_EVENT, 1], 0)]),
        ("batches", 0, "events", 1),
        "NewEvent",
    ),
    (
        "batch version",
        lambda s: s.append_many([("a", [A_EVENT], None)]),
        ("batches", 0, "expected_version"),
        "from 0",
    ),
    (
        "batch category",
        lambda s: s.append_many([("a", [A_EVENT], 0), ("b", [A_EVENT], 0, b"x")]),
        ("batches", 1, "category"),
        "text",
    ),
    (
        "batch of five",
        lambda s: s.append_many([("a", [A_EVENT], 0, "handoff", "extra")]),
        ("batches", 0),
        "expected_version, category",
    ),
]


@pytest.fixture(params=STORES)
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    with made_store(request.param, tmp_path) as found:
        yield found


def draw_call(data: st.DataObject) -> tuple[str, tuple[tuple[object, ...], dict[str, Any]]]:
    """A store method, and arguments of any kind for it: to put the same to two stores."""
    method = data.draw(st.sampled_from(["append", "append_many", "read", "read_all", "version"]))
    if method == "append":
        keywords = {"expected_version": data.draw(anything)}
        if data.draw(st.booleans()):
            keywords["category"] = data.draw(categories)
        return method, ((data.draw(anything), data.draw(event_lists)), keywords)
    if method == "append_many":
        batch = (
            st.tuples(anything, event_lists, anything)
            | st.tuples(anything, event_lists, anything, categories)
            | anything
        )
        return method, ((data.draw(st.lists(batch, max_size=3) | anything),), {})
    if method == "read":
        return method, ((data.draw(anything),), {"after": data.draw(anything)})
    if method == "read_all":
        keywords = {"after": data.draw(anything), "limit": data.draw(anything)}
        if data.draw(st.booleans()):
            keywords["category"] = data.draw(categories | st.none())
        return method, ((), keywords)
    return method, ((data.draw(anything),), {})


class TestStoreContract:
    @pytest.mark.parametrize(
        ("call", "path", "match"), [case[1:] for case in BAD_CALLS], ids=[c[0] for c in BAD_CALLS]
    )
    def test_bad_arguments_are_spec_errors_naming_the_field(
        self,
        any_store: MemoryStore | SQLiteStore,
        call: Callable[[Any], object],
        path: tuple[object, ...],
        match: str,
    ):
        """Both stores refuse the same input with the same SpecError, and write nothing."""
        with pytest.raises(SpecError, match=match) as info:
            call(any_store)
        assert [p.location.path for p in info.value.problems] == [path]
        assert any_store.read_all() == []

    @pytest.mark.parametrize(
        ("arguments", "field"),
        [
            (("e", "k", "a", "2026-01-01"), "at"),
            (("e", "k", "a", dt.date(2026, 1, 1)), "at"),
            ((None, "k", "a", AT), "event_id"),
            (("e", None, "a", AT), "kind"),
            (("e", "k", None, AT), "actor"),
            (("", "k", "a", AT), "event_id"),
            (("e", "k", "a", AT, [1, 2]), "data"),
            (("e", "k", "a", AT, None), "data"),
            ((1, "k", "a", AT), "event_id"),
        ],
    )
    def test_new_event_fields_are_checked(self, arguments: tuple[object, ...], field: str):
        """A NewEvent with a wrong field is a SpecError at that field, in any store."""
        with pytest.raises(SpecError) as info:
            NewEvent(*arguments)  # type: ignore[arg-type]
        assert info.value.problems[0].location.path == (field,)
        assert field in str(info.value)

    def test_memory_store_appends_many_as_sqlite_does(self, any_store: MemoryStore | SQLiteStore):
        """append_many: streams chain, repeats are skipped, a stale stream stops all."""
        any_store.append("b", [event("b1")], expected_version=0)
        with pytest.raises(ConcurrencyError):
            any_store.append_many([("a", [event("a1")], 0), ("b", [event("b2")], 0)])
        assert any_store.version("a") == 0
        versions = any_store.append_many(
            [
                ("a", [event("1"), event("2")], 0),
                ("a", [event("3"), event("1")], 2),
                ("b", [event("3")], 1),
            ]
        )
        assert versions == [2, 3, 1]
        assert [e.event_id for e in any_store.read_all()] == ["b1", "1", "2", "3"]

    def test_data_with_nan_or_deep_nesting_is_refused(self, any_store: MemoryStore | SQLiteStore):
        """NaN is not JSON, and nesting past Python's limits is refused, not a crash."""
        deep: list[object] = []
        inner = deep
        for _ in range(5000):
            inner.append([])
            inner = inner[0]  # type: ignore[assignment]
        for data in ({"x": float("nan")}, {"x": deep}):
            with pytest.raises(SpecError, match="not JSON"):
                any_store.append("a", [event("1", **data)], expected_version=0)
        assert any_store.read_all() == []

    def test_batches_may_come_from_a_generator(self, any_store: MemoryStore | SQLiteStore):
        """append_many takes any iterable of batches, as append takes any of events."""
        batches = ((stream, [event(f"{stream}1")], 0) for stream in "ab")
        assert any_store.append_many(batches) == [1, 1]

    def test_iterables_of_events_are_taken(self, any_store: MemoryStore | SQLiteStore):
        """A generator of events is as good as a list, and an index type as an int."""

        class Three:
            def __index__(self) -> int:
                return 3

        assert any_store.append("a", (event(str(i)) for i in range(3)), expected_version=0) == 3
        assert any_store.append("a", [event("3")], expected_version=Three()) == 4  # type: ignore[arg-type]

    def test_long_values_are_cut_short_in_messages(self, any_store: MemoryStore | SQLiteStore):
        """A message shows a long value cut short, or how long it is."""
        with pytest.raises(SpecError, match="got a list of 1,000 items"):
            any_store.append("a", [list(range(1000))], expected_version=0)  # type: ignore[list-item]
        with pytest.raises(SpecError, match=r"got 'xxxxx.*\.\.\.$"):
            any_store.read("a", after="x" * 1000)  # type: ignore[arg-type]

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def test_arbitrary_arguments_same_answer_from_both(self, data: st.DataObject):
        """Any arguments: both stores answer alike, with a result or one of our errors."""
        memory, sqlite = MemoryStore(), SQLiteStore(":memory:")
        try:
            for _ in range(data.draw(st.integers(1, 4))):
                method, arguments = draw_call(data)
                answers = [answer(getattr(s, method), *arguments) for s in (memory, sqlite)]
                assert answers[0] == answers[1]
            assert memory.read_all() == sqlite.read_all()
        finally:
            sqlite.close()

    @settings(max_examples=300, deadline=None)
    @given(st.lists(anything, min_size=4, max_size=5))
    def test_new_event_takes_anything_or_says_what_is_wrong(self, arguments: list[object]):
        """Any values for NewEvent's fields: an event, or a SpecError naming a field."""
        try:
            made = NewEvent(*arguments)  # type: ignore[arg-type]
        except SpecError as error:
            assert error.problems[0].location.path[0] in {"event_id", "kind", "actor", "at", "data"}
        else:
            assert isinstance(made.event_id, str)


class TestCategories:
    """One store, several lifecycles: each stream belongs to one category."""

    def test_events_carry_their_category(self, any_store: MemoryStore | SQLiteStore):
        """An append names its category (handoff by default); every event keeps it."""
        any_store.append("D-1", [event("h1")], expected_version=0)
        any_store.append("DEC-1", [event("d1")], expected_version=0, category="decision")
        any_store.append("D-1", [event("h2")], expected_version=1, category="handoff")
        assert [(e.event_id, e.category) for e in any_store.read_all()] == [
            ("h1", "handoff"),
            ("d1", "decision"),
            ("h2", "handoff"),
        ]
        assert [e.category for e in any_store.read("DEC-1")] == ["decision"]

    def test_read_all_reads_one_category(self, any_store: MemoryStore | SQLiteStore):
        """read_all(category=...) keeps the store's order, its positions, after and limit."""
        for i in range(6):
            category = "decision" if i % 2 else "handoff"
            any_store.append(f"s{i}", [event(f"e{i}")], expected_version=0, category=category)
        decisions = any_store.read_all(category="decision")
        assert [e.event_id for e in decisions] == ["e1", "e3", "e5"]
        assert [e.position for e in decisions] == [2, 4, 6]
        assert [e.event_id for e in any_store.read_all(category="handoff")] == ["e0", "e2", "e4"]
        assert [e.event_id for e in any_store.read_all(after=2, limit=1, category="decision")] == [
            "e3"
        ]
        assert any_store.read_all(category="erasure") == []
        assert len(any_store.read_all(category=None)) == 6

    def test_a_stream_keeps_the_category_of_its_first_event(
        self, any_store: MemoryStore | SQLiteStore
    ):
        """Another category on a stream is refused, before its version is looked at."""
        any_store.append("D-1", [event("h1")], expected_version=0)
        message = "Stream 'D-1' holds 'handoff' events, not 'decision'"
        for expected in (1, 0):  # at the stream's version, and stale
            with pytest.raises(SpecError, match=message) as info:
                any_store.append(
                    "D-1", [event("d1")], expected_version=expected, category="decision"
                )
            assert info.value.problems[0].location.path == ("category",)
        assert [e.event_id for e in any_store.read_all()] == ["h1"]

    def test_a_retry_is_skipped_whatever_its_category(self, any_store: MemoryStore | SQLiteStore):
        """An event already stored is skipped, as every retry is: nothing is checked."""
        any_store.append("D-1", [event("h1")], expected_version=0)
        assert any_store.append("D-1", [event("h1")], expected_version=0, category="decision") == 1
        assert [e.category for e in any_store.read_all()] == ["handoff"]

    def test_append_many_takes_a_category_per_batch(self, any_store: MemoryStore | SQLiteStore):
        """A batch may name its category; one that mismatches writes nothing at all."""
        any_store.append("D-1", [event("h1")], expected_version=0)
        with pytest.raises(SpecError, match="Stream 'D-1' holds 'handoff' events") as info:
            any_store.append_many(
                [("DEC-1", [event("d1")], 0, "decision"), ("D-1", [event("d2")], 1, "decision")]
            )
        assert info.value.problems[0].location.path == ("batches", 1, "category")
        with pytest.raises(SpecError, match="Stream 'X' holds 'decision' events, not 'handoff'"):
            any_store.append_many([("X", [event("x1")], 0, "decision"), ("X", [event("x2")], 1)])
        assert [e.event_id for e in any_store.read_all()] == ["h1"]
        versions = any_store.append_many(
            [
                ("DEC-1", [event("d1")], 0, "decision"),
                ("D-1", [event("h2")], 1),
                ("DEC-1", [], 1, "another"),  # no event: nothing to check
                ("DEC-1", [event("d2")], 1, "decision"),
            ]
        )
        assert versions == [1, 2, 1, 2]
        assert [(e.stream, e.category) for e in any_store.read_all(category="decision")] == [
            ("DEC-1", "decision"),
            ("DEC-1", "decision"),
        ]

    @settings(max_examples=60, deadline=None)
    @given(
        st.lists(
            st.tuples(
                st.sampled_from("ab"),
                st.lists(st.integers(0, 8), min_size=1, max_size=3),
                st.sampled_from([0, 0, -1, 1]),
                st.sampled_from(["handoff", "decision"]),
            ),
            max_size=25,
        )
    )
    def test_both_stores_keep_categories_alike(self, ops):
        """Any appends under either category: the same answers and events from both stores."""
        memory, sqlite = MemoryStore(), SQLiteStore(":memory:")
        for stream, ids, offset, category in ops:
            expected = max(0, memory.version(stream) + offset)
            events = [event(f"e{n}") for n in ids]
            answers = [
                answer(
                    store.append,
                    (stream, events),
                    {"expected_version": expected, "category": category},
                )
                for store in (memory, sqlite)
            ]
            assert answers[0] == answers[1]
        for category in ("handoff", "decision", None):
            assert memory.read_all(category=category) == sqlite.read_all(category=category)
        sqlite.close()


FORMAT_1_SCHEMA = FORMAT_0_SCHEMA.replace(
    "    data TEXT NOT NULL,\n", "    data TEXT NOT NULL,\n    checksum INTEGER,\n"
)
"""The table in format 1: a checksum, no category."""


def format_1(path: Path) -> list[tuple[str, str, int]]:
    """A store file in format 1: handoff events on two deals, checksummed as then.

    Returns each event's id, stream and version.
    """
    rows = [("w1", "D-1", 1), ("w2", "D-2", 1), ("s1", "D-1", 2)]
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(FORMAT_1_SCHEMA)
    for event_id, stream, version in rows:
        fields = (event_id, stream, str(version), "k", "tester", AT.isoformat(), '{"n":1}')
        checksum = zlib.adler32("\x1f".join(fields).encode())
        db.execute(
            "INSERT INTO events (event_id, stream, version, kind, actor, at, data, checksum) "
            "VALUES (?, ?, ?, 'k', 'tester', ?, '{\"n\":1}', ?)",
            (event_id, stream, version, AT.isoformat(), checksum),
        )
    db.execute(f"PRAGMA application_id = {0x416C4B45}")  # as format 1 marked its files
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    return rows


class TestCategoryMigration:
    """Files written before categories: their events are handoff events."""

    def test_a_format_1_file_is_migrated_on_open(self, tmp_path: Path):
        """Opened for writing: format 2, every old event of category handoff, checksums hold."""
        path = tmp_path / "old.db"
        rows = format_1(path)
        with SQLiteStore(path) as store:
            found = store.read_all()
            assert [(e.event_id, e.stream, e.version, e.category) for e in found] == [
                (*row, "handoff") for row in rows
            ]
            assert store.read_all(category="handoff") == found
            assert store.verify() == 3
            store.append("DEC-1", [event("d1")], expected_version=0, category="decision")
            with pytest.raises(SpecError, match="holds 'handoff' events"):
                store.append("D-1", [event("d2")], expected_version=2, category="decision")
        db = sqlite3.connect(path)
        assert db.execute("PRAGMA user_version").fetchone() == (2,)
        assert db.execute("PRAGMA application_id").fetchone() == (0x416C4B45,)
        categories = [row[0] for row in db.execute("SELECT category FROM events ORDER BY position")]
        db.close()
        assert categories == ["handoff", "handoff", "handoff", "decision"]
        with SQLiteStore(path) as again:  # now a current file: opened as it is
            assert [e.category for e in again.read_all()] == categories

    def test_a_format_1_file_read_only_is_read_as_handoff_unchanged(self, tmp_path: Path):
        """Opened read-only: read as category handoff, and not migrated."""
        path = tmp_path / "old.db"
        rows = format_1(path)
        before = path.read_bytes()
        with SQLiteStore(path, read_only=True) as store:
            assert [(e.event_id, e.category) for e in store.read_all(category="handoff")] == [
                (event_id, "handoff") for event_id, _, _ in rows
            ]
            assert store.read_all(category="decision") == []
            assert [e.category for e in store.read("D-1")] == ["handoff", "handoff"]
            assert store.verify() == 3
        assert path.read_bytes() == before

    def test_a_format_0_file_reads_as_handoff_read_only_or_migrated(self, tmp_path: Path):
        """A file from before checksums is category handoff too, read-only or migrated."""
        path = tmp_path / "old.db"
        format_0(path)
        with SQLiteStore(path, read_only=True) as store:
            assert [e.category for e in store.read_all(category="handoff")] == ["handoff"] * 2
        with SQLiteStore(path) as store:
            assert [e.category for e in store.read_all(category="handoff")] == ["handoff"] * 2
        db = sqlite3.connect(path)
        assert db.execute("PRAGMA user_version").fetchone() == (2,)
        db.close()

    def test_a_changed_category_is_caught(self, tmp_path: Path):
        """A category changed on disk, to handoff or from it, fails the event's checksum."""
        path = tmp_path / "events.db"
        with SQLiteStore(path) as store:
            store.append("D-1", [event("h1")], expected_version=0)
            store.append("DEC-1", [event("d1")], expected_version=0, category="decision")
        edit(path, "UPDATE events SET category = 'decision' WHERE position = 1")
        edit(path, "UPDATE events SET category = 'handoff' WHERE position = 2")
        with SQLiteStore(path) as store:
            for position, stream in ((1, "D-1"), (2, "DEC-1")):
                with pytest.raises(StoreError, match=f"event {position} of stream '{stream}' does"):
                    store.read(stream)

    def test_the_checksum_of_another_category_covers_it(self, tmp_path: Path):
        """The category is the last field of the checksum, unless it is handoff."""
        path = tmp_path / "events.db"
        with SQLiteStore(path) as store:
            store.append("DEC-1", [event("d1")], expected_version=0, category="decision")
        db = sqlite3.connect(path)
        (*fields, checksum) = db.execute(
            "SELECT event_id, stream, version, kind, actor, at, data, category, checksum "
            "FROM events"
        ).fetchone()
        db.close()
        assert checksum == zlib.adler32("\x1f".join(str(field) for field in fields).encode())

    def test_verify_finds_a_stream_of_two_categories(self, tmp_path: Path):
        """A stream whose events disagree on their category is damage (here, unchecked rows)."""
        path = tmp_path / "events.db"
        filled(path)
        edit(path, "UPDATE events SET category = 'decision', checksum = NULL WHERE position = 4")
        with (
            SQLiteStore(path) as store,
            pytest.raises(
                StoreError, match="event 4 of stream 'a' is of category 'decision', not 'handoff'"
            ),
        ):
            store.verify()

    def test_a_category_that_is_not_text_is_damage(self, tmp_path: Path):
        """A NULL category (written around the constraints) is damage, on a read or an append."""
        path = tmp_path / "events.db"
        filled(path)
        around_constraints(path, "UPDATE events SET category = NULL WHERE position = 10")
        store = SQLiteStore(path)
        with pytest.raises(StoreError, match="stream 'a' has a category that is not text"):
            store.append_many([("a", [event("new")], 4)])
        with pytest.raises(StoreError, match="event 10 of stream 'a' holds a value of the wrong"):
            store.read("a")
        store.close()


def answer(
    method: Callable[..., object], arguments: tuple[object, ...], keywords: dict[str, Any]
) -> object:
    """What a store method returns, or which of our errors it raises and where."""
    try:
        return method(*arguments, **keywords)
    except SpecError as error:
        return ("SpecError", [(p.message, p.location.path) for p in error.problems])
    except ConcurrencyError as error:
        return ("ConcurrencyError", error.stream, error.expected, error.actual)


class TestVerify:
    def test_a_sound_store_checks_out(self, tmp_path: Path):
        """verify() reads the whole file and counts the events it checked."""
        path = tmp_path / "events.db"
        filled(path)
        with SQLiteStore(path, read_only=True) as store:
            assert store.verify() == 12

    def test_finds_an_index_that_lost_an_entry(self, tmp_path: Path):
        """A bit flipped in the stream index: read() misses events silently; verify() does not."""
        path = tmp_path / "events.db"
        with SQLiteStore(path) as store:
            for i in range(6):
                store.append("stream-bbbb", [event(f"e{i}")], expected_version=i)
        data = bytearray(path.read_bytes())
        db = sqlite3.connect(path)
        (root,) = db.execute(
            "SELECT rootpage FROM sqlite_master WHERE sql IS NULL AND name LIKE '%2'"
        ).fetchone()
        (page_size,) = db.execute("PRAGMA page_size").fetchone()
        db.close()
        page = slice((root - 1) * page_size, root * page_size)
        offset = data[page].rindex(b"stream-bbbb") + (root - 1) * page_size
        data[offset + 8] ^= 0x01  # stream-bbbb -> stream-bcbb, in the index only
        path.write_bytes(bytes(data))
        with SQLiteStore(path, read_only=True) as store:
            assert len(store.read_all()) == 6
            assert len(store.read("stream-bbbb")) < 6  # what no read can tell
            with pytest.raises(StoreError, match="SQLite's integrity check found"):
                store.verify()

    def test_finds_a_gap_in_a_stream(self, tmp_path: Path):
        """An event deleted from the middle of a stream is reported by stream and version."""
        path = tmp_path / "events.db"
        filled(path)
        edit(path, "DELETE FROM events WHERE position = 5")
        with pytest.raises(StoreError, match="stream 'b' has no event at version 2"):
            SQLiteStore(path).verify()

    def test_events_out_of_order(self, tmp_path: Path):
        """An event moved after a later one of its stream is damage, not history."""
        path = tmp_path / "events.db"
        filled(path)
        edit(path, "UPDATE events SET position = 100 WHERE position = 1")
        with pytest.raises(StoreError, match="event 4 of stream 'a' is out of order"):
            SQLiteStore(path).read("a")


def returned(store: MemoryStore | SQLiteStore, stream: str, events: list[NewEvent], expected: int):
    try:
        return store.append_returning(stream, events, expected_version=expected)
    except ConcurrencyError as error:
        return ("refused", error.stream, error.expected, error.actual)


class TestEncodedReads:
    """``read_all_encoded``: the events of ``read_all``, with time and data as stored text."""

    def test_both_stores_hand_out_encoded_events(self, any_store: MemoryStore | SQLiteStore):
        assert isinstance(any_store, EncodedReader)
        paris = dt.timezone(dt.timedelta(hours=1))
        any_store.append("a", [event("1", note="Zoë ✓")], expected_version=0)
        any_store.append(
            "b",
            [NewEvent("2", "opened", "crm", AT.astimezone(paris), {"z": 1, "a": [True, None]})],
            expected_version=0,
            category="decision",
        )
        encoded = any_store.read_all_encoded()
        assert [type(e) for e in encoded] == [EncodedEvent, EncodedEvent]
        assert encoded[1].at == "2026-11-23T10:00:00+01:00"  # as appended, offset and all
        assert encoded[1].data == '{"a":[true,null],"z":1}'  # sorted keys, no spaces
        assert encoded[0].data == '{"note":"Zo\\u00eb \\u2713"}'  # non-ASCII escaped
        for coded, decoded in zip(encoded, any_store.read_all(), strict=True):
            assert coded.event_id == decoded.event_id
            assert (coded.stream, coded.version, coded.position) == (
                decoded.stream,
                decoded.version,
                decoded.position,
            )
            assert dt.datetime.fromisoformat(coded.at) == decoded.at
            assert json.loads(coded.data) == decoded.data

    @settings(
        max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(after=st.integers(0, 8), limit=st.none() | st.integers(0, 8), decision=st.booleans())
    def test_the_same_events_as_read_all(
        self, any_store: MemoryStore | SQLiteStore, after: int, limit: int | None, decision: bool
    ):
        if not any_store.version("s0"):
            for n in range(6):
                any_store.append(
                    f"s{n % 2}",
                    [event(f"e{n}", n=n)],
                    expected_version=n // 2,
                    category="decision" if n % 2 else "handoff",
                )
        category = "decision" if decision else None
        options = {"after": after, "limit": limit, "category": category}
        assert [(e.event_id, e.position) for e in any_store.read_all_encoded(**options)] == [
            (e.event_id, e.position) for e in any_store.read_all(**options)
        ]

    def test_a_damaged_row_is_refused_as_read_all_refuses_it(self, tmp_path: Path):
        """Checksums and types are checked; time and data are not decoded, so not checked."""
        path = tmp_path / "events.db"
        filled(path)
        edit(path, "UPDATE events SET actor = 'ceo' WHERE position = 3")
        with pytest.raises(StoreError, match="event 3 of stream 'c' does not match its checksum"):
            SQLiteStore(path).read_all_encoded()
        around_constraints(path, "UPDATE events SET kind = NULL WHERE position = 3")
        with pytest.raises(StoreError, match="event 3 of stream 'c' holds a value of the wrong"):
            SQLiteStore(path).read_all_encoded(after=2)
        edit(
            path,
            "UPDATE events SET kind = 'happened', data = '{not json', checksum = NULL "
            "WHERE position = 3",
        )
        assert SQLiteStore(path).read_all_encoded(after=2, limit=1)[0].data == "{not json"

    def test_out_of_order_rows_are_refused(self, tmp_path: Path):
        path = tmp_path / "events.db"
        filled(path)
        store = SQLiteStore(path)
        store._by_category = store._by_category.replace(
            "ORDER BY position", "ORDER BY position DESC"
        )
        with pytest.raises(StoreError, match="is out of order"):
            store.read_all_encoded(category="handoff")

    def test_bad_arguments_are_refused_as_read_all_refuses_them(
        self, any_store: MemoryStore | SQLiteStore
    ):
        with pytest.raises(SpecError, match="after"):
            any_store.read_all_encoded(after=-1)
        with pytest.raises(SpecError, match="category"):
            any_store.read_all_encoded(category="")


class TestAppendReturning:
    def test_gives_what_a_read_gives(self, any_store: MemoryStore | SQLiteStore):
        """The events come back with their versions and positions, as a read returns them."""
        any_store.append("other", [event("0")], expected_version=0)
        stored = any_store.append_returning("a", [event("1", n=1)], expected_version=0)
        assert stored == any_store.read("a")
        assert stored[0].position == 2
        assert stored[0].data == {"n": 1}

    def test_the_data_is_a_copy(self, any_store: MemoryStore | SQLiteStore):
        """Changing what came back changes neither the event given nor the store."""
        given = event("1", tags=["x"])
        stored = any_store.append_returning("a", [given], expected_version=0)
        stored[0].data["tags"].append("y")
        assert given.data == {"tags": ["x"]}
        assert any_store.read("a")[0].data == {"tags": ["x"]}

    @settings(max_examples=60, deadline=None)
    @given(appends)
    def test_same_as_append_then_read(self, ops):
        """Any mix of appends: SQLite and memory return alike, and it is what a read says."""
        memory, sqlite = MemoryStore(), SQLiteStore(":memory:")
        for stream, ids, offset in ops:
            events = [event(f"e{n}") for n in ids]
            expected = max(0, memory.version(stream) + offset)
            result = returned(memory, stream, events, expected)
            assert returned(sqlite, stream, events, expected) == result
            if isinstance(result, list):
                wanted = {e.event_id for e in events}
                after = memory.read(stream, after=expected)
                assert result == [e for e in after if e.event_id in wanted]
        assert sqlite.read_all() == memory.read_all()

    def test_a_stale_writer_is_refused(self, any_store: MemoryStore | SQLiteStore):
        """As append: nothing is written, and the error says where the stream is."""
        any_store.append("a", [event("1")], expected_version=0)
        with pytest.raises(ConcurrencyError, match="at version 1, not 0"):
            any_store.append_returning("a", [event("2")], expected_version=0)
        assert any_store.version("a") == 1

    def test_bad_arguments_are_spec_errors(self, any_store: MemoryStore | SQLiteStore):
        """Checked as append checks them."""
        with pytest.raises(SpecError, match="expected_version"):
            any_store.append_returning("a", [event("1")], expected_version=-1)

    def test_read_only_refuses(self, tmp_path: Path):
        """A read-only store writes nothing."""
        SQLiteStore(tmp_path / "events.db").close()
        with (
            SQLiteStore(tmp_path / "events.db", read_only=True) as store,
            pytest.raises(StoreError, match="read-only"),
        ):
            store.append_returning("a", [event("1")], expected_version=0)


class TestTransaction:
    def test_commits_every_append_together(self, tmp_path: Path):
        """Another connection sees none of the block's appends until it ends, then all."""
        store, other = SQLiteStore(tmp_path / "events.db"), SQLiteStore(tmp_path / "events.db")
        with store.transaction():
            store.append("a", [event("1")], expected_version=0)
            store.append("b", [event("2"), event("3")], expected_version=0)
            assert other.read_all() == []
        assert [e.event_id for e in other.read_all()] == ["1", "2", "3"]

    def test_rolls_back_every_append_on_error(self, tmp_path: Path):
        """An exception in the block leaves the store as it was, and is the caller's."""
        store = SQLiteStore(tmp_path / "events.db")

        def block() -> None:
            with store.transaction():
                store.append("a", [event("1")], expected_version=0)
                store.append("a", [event("2")], expected_version=0)  # stale: a mistake

        with pytest.raises(ConcurrencyError):
            block()
        assert store.read_all() == []
        assert store.append("a", [event("1")], expected_version=0) == 1  # usable again

    def test_a_retry_inside_is_skipped(self, tmp_path: Path):
        """Ids stored already are skipped inside a block as outside it."""
        store = SQLiteStore(tmp_path / "events.db")
        store.append("a", [event("1")], expected_version=0)
        with store.transaction():
            assert store.append("a", [event("1"), event("2")], expected_version=1) == 2
            again = store.append_returning("a", [event("1")], expected_version=0)
            assert [(e.event_id, e.version) for e in again] == [("1", 1)]  # held already
        assert [e.event_id for e in store.read("a")] == ["1", "2"]

    def test_a_block_inside_another_joins_it(self, tmp_path: Path):
        """Only the outermost block commits or rolls back."""
        store = SQLiteStore(tmp_path / "events.db")

        def block() -> None:
            with store.transaction():
                with store.transaction():
                    store.append("a", [event("1")], expected_version=0)
                assert store.version("a") == 1
                raise RuntimeError("give up")

        with pytest.raises(RuntimeError):
            block()
        assert store.version("a") == 0

    def test_a_caught_error_inside_keeps_the_block(self, tmp_path: Path):
        """A refused append inside the block rolls back nothing the block did before."""
        store = SQLiteStore(tmp_path / "events.db")
        with store.transaction():
            store.append("a", [event("1")], expected_version=0)
            with pytest.raises(ConcurrencyError):
                store.append("a", [event("2"), event("3")], expected_version=0)
            store.append("b", [event("4")], expected_version=0)
        assert [e.event_id for e in store.read_all()] == ["1", "4"]

    def test_read_only_and_closed_stores_say_so(self, tmp_path: Path):
        """A StoreError, not an SQLite error."""
        SQLiteStore(tmp_path / "events.db").close()
        with (
            SQLiteStore(tmp_path / "events.db", read_only=True) as store,
            pytest.raises(StoreError, match="read-only"),
            store.transaction(),
        ):
            pass
        store = SQLiteStore(tmp_path / "events.db")
        store.close()
        with pytest.raises(StoreError, match="the store is closed"), store.transaction():
            pass

    def test_a_failed_commit_is_a_store_error(self, tmp_path: Path):
        """A commit SQLite refuses rolls the block back and says why."""
        store = SQLiteStore(tmp_path / "events.db")

        def block() -> None:
            with store.transaction():
                store.append("a", [event("1")], expected_version=0)
                store._db.close()  # the connection lost under the block

        with pytest.raises(StoreError, match="cannot commit"):
            block()
        assert SQLiteStore(tmp_path / "events.db").read_all() == []

    def test_other_threads_wait_for_the_block(self, tmp_path: Path):
        """A thread appending during another thread's block lands after it, not inside it."""
        import threading

        store = SQLiteStore(tmp_path / "events.db")
        started, done = threading.Event(), []

        def other() -> None:
            started.set()
            done.append(store.append("b", [event("9")], expected_version=0))

        with store.transaction():
            store.append("a", [event("1")], expected_version=0)
            thread = threading.Thread(target=other)
            thread.start()
            started.wait()
            time.sleep(0.05)
            assert done == []  # waiting for the lock
        thread.join()
        assert [e.event_id for e in store.read_all()] == ["1", "9"]
