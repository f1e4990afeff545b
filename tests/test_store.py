"""alignkit.store: append-only, transactional, idempotent event stores."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alignkit.errors import SpecError
from alignkit.store import ConcurrencyError, MemoryStore, NewEvent, SQLiteStore, Store

AT = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)


def event(event_id: str, kind: str = "happened", **data: object) -> NewEvent:
    return NewEvent(event_id, kind, "tester", AT, data)


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    if request.param == "memory":
        return MemoryStore()
    return SQLiteStore(tmp_path / "events.db")


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
