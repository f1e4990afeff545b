"""alignkit.store.PostgresStore: the store protocol on a real PostgreSQL server.

The contract every store keeps runs against it in ``tests/test_store.py``; here is
what only a server shows: its tables and their version, connections and pools,
appends racing from several threads and processes, and followers of ``read_all``
that must never skip an event committed late.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alignkit.errors import SpecError, StoreError
from alignkit.store import (
    ConcurrencyError,
    MemoryStore,
    NewEvent,
    PostgresStore,
    SQLiteStore,
    is_postgres_dsn,
    open_store,
)
from tests.postgres import Pool, truncate
from tests.test_store import AT, answer, appends, draw_call, event

pytestmark = pytest.mark.postgres


@pytest.fixture
def store(dsn: str) -> Iterator[PostgresStore]:
    with PostgresStore(dsn) as found:
        yield found


def execute(dsn: str, sql: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        cursor = conn.execute(sql)  # type: ignore[arg-type]
        return cursor.fetchall() if cursor.description else []


class TestMatchesMemory:
    """Any mix of appends and arguments: PostgreSQL answers as the memory store does."""

    @settings(
        max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(appends)
    def test_same_answers_and_same_events(self, dsn: str, ops):
        truncate(dsn)
        memory = MemoryStore()
        with PostgresStore(dsn) as postgres:
            for stream, ids, offset in ops:
                events = [event(f"e{n}") for n in ids]
                expected = max(0, memory.version(stream) + offset)
                keywords = {"expected_version": expected}
                assert answer(postgres.append, (stream, events), keywords) == answer(
                    memory.append, (stream, events), keywords
                )
            assert postgres.read_all() == memory.read_all()

    @settings(
        max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(st.data())
    def test_arbitrary_arguments_same_answer(self, dsn: str, data: st.DataObject):
        truncate(dsn)
        memory = MemoryStore()
        with PostgresStore(dsn) as postgres:
            for _ in range(data.draw(st.integers(1, 4))):
                method, arguments = draw_call(data)
                answers = [answer(getattr(s, method), *arguments) for s in (memory, postgres)]
                assert answers[0] == answers[1]
            assert memory.read_all() == postgres.read_all()

    def test_text_with_a_nul_is_refused_by_every_store(self, store: PostgresStore):
        """PostgreSQL text cannot hold NUL: every store refuses it alike, before writing."""
        for target in (store, MemoryStore(), SQLiteStore(":memory:")):
            with pytest.raises(SpecError, match="NUL character") as info:
                target.append("deal\x00", [event("1")], expected_version=0)
            assert info.value.problems[0].location.path == ("stream",)
        with pytest.raises(SpecError, match="NUL character"):
            NewEvent("e\x00", "k", "a", AT)
        assert store.read_all() == []


class TestSchema:
    def test_tables_are_made_on_first_use_and_their_version_kept(self, dsn: str):
        with PostgresStore(dsn) as store:
            assert store.schema_version() == 1
            store.create_schema()  # again: nothing changes
        tables = {row[0] for row in execute(dsn, "SELECT tablename FROM pg_tables")}
        assert {"alignkit_events", "alignkit_decision_texts", "alignkit_schema"} <= tables

    def test_a_database_without_tables_is_refused_when_not_to_create(self, dsn: str):
        with pytest.raises(StoreError, match="holds no alignkit event store") as info:
            PostgresStore(dsn, create=False)
        assert "alignkit store init postgresql://alignkit@" in str(info.value)
        with pytest.raises(StoreError, match="holds no alignkit event store"):
            PostgresStore(dsn, read_only=True)

    def test_a_newer_schema_is_refused(self, dsn: str):
        PostgresStore(dsn).close()
        execute(dsn, "UPDATE alignkit_schema SET version = 99")
        with pytest.raises(StoreError, match="schema version 99, newer than this alignkit"):
            PostgresStore(dsn)

    def test_several_processes_create_the_tables_at_once(self, dsn: str):
        """Creating is idempotent and locked: racing creators all succeed."""
        errors: list[BaseException] = []

        def create() -> None:
            try:
                PostgresStore(dsn).close()
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=create) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []


class TestConnections:
    def test_an_unreachable_server_is_a_store_error_without_the_password(self):
        dsn = "postgresql://someone:hunter2@127.0.0.1:1/nowhere?connect_timeout=2"
        with pytest.raises(StoreError, match="cannot connect") as info:
            PostgresStore(dsn)
        assert "hunter2" not in str(info.value)
        assert info.value.path == "postgresql://someone@127.0.0.1:1/nowhere"

    @pytest.mark.parametrize(
        "dsn",
        [
            "postgresql://me@[broken/db",
            "postgresql://app:s3cr%zzet@127.0.0.1/db",
            "postgresql://app:hunter2 x@127.0.0.1/db",
        ],
    )
    def test_a_dsn_that_cannot_be_read_is_never_shown(self, dsn: str):
        with pytest.raises(StoreError, match="the DSN cannot be read") as info:
            PostgresStore(dsn)
        assert "s3cr" not in str(info.value)
        assert "hunter2" not in str(info.value)

    def test_a_password_in_the_query_is_never_shown(self):
        dsn = "postgresql://app@127.0.0.1:1/db?password=hunter2&connect_timeout=2"
        with pytest.raises(StoreError, match="cannot connect") as info:
            PostgresStore(dsn)
        assert "hunter2" not in str(info.value)
        assert info.value.path == "postgresql://app@127.0.0.1:1/db"

    def test_a_pool_that_is_not_read_committed_is_refused(self, dsn: str):
        import psycopg

        with pytest.raises(StoreError, match="isolation level repeatable read"):
            PostgresStore(Pool(dsn, isolation=psycopg.IsolationLevel.REPEATABLE_READ))

    def test_racing_appends_where_the_default_is_repeatable_read(self, dsn: str):
        """A database whose default isolation is stricter: the store's own sessions are not,
        so appenders racing still wait for each other and number in commit order."""
        separator = "&" if "?" in dsn else "?"
        strict = f"{dsn}{separator}options=-cdefault_transaction_isolation%3Drepeatable%5C%20read"
        if "options=" in dsn:  # the test's schema rides in options already: add to it
            strict = dsn.replace(
                "options=", "options=-cdefault_transaction_isolation%3Drepeatable%5C%20read%20"
            )
        assert execute(strict, "SHOW default_transaction_isolation") == [("repeatable read",)]
        PostgresStore(strict).close()
        failures: list[BaseException] = []

        def write(writer: int) -> None:
            try:
                with PostgresStore(strict) as store:
                    for n in range(30):
                        store.append(f"w{writer}-{n}", [event(f"{writer}-{n}")], expected_version=0)
                        with store.transaction():
                            store.append_many([(f"m{writer}-{n}", [event(f"m{writer}-{n}")], 0)])
            except BaseException as error:  # noqa: BLE001 - reported below
                failures.append(error)

        threads = [threading.Thread(target=write, args=(w,)) for w in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        with PostgresStore(dsn) as store:
            positions = [e.position for e in store.read_all()]
        assert positions == list(range(1, 181))

    def test_a_target_that_is_not_a_dsn_or_pool(self):
        with pytest.raises(SpecError, match="DSN or a connection pool"):
            PostgresStore(42)  # type: ignore[arg-type]

    def test_read_only_reads_and_refuses_to_write(self, store: PostgresStore, dsn: str):
        store.append("a", [event("1")], expected_version=0)
        with PostgresStore(dsn, read_only=True) as reader:
            assert reader.read_only
            assert [e.event_id for e in reader.read_all()] == ["1"]
            with pytest.raises(StoreError, match="read-only"):
                reader.append("a", [event("2")], expected_version=1)
            with pytest.raises(StoreError, match="read-only"):
                reader.create_schema()
            with pytest.raises(StoreError, match="read-only"), reader.transaction():
                pass  # pragma: no cover - refused on entry

    def test_a_pool_lends_a_connection_per_call(self, dsn: str):
        pool = Pool(dsn)
        store = PostgresStore(pool)
        assert store.path == "postgresql (pool)"
        store.append("a", [event("1")], expected_version=0)
        with store.transaction():
            store.append("a", [event("2")], expected_version=1)
            store.append("b", [event("3")], expected_version=0)
        assert [e.event_id for e in store.read_all()] == ["1", "2", "3"]
        assert pool.lent >= 4

    def test_a_server_error_is_a_store_error(self, store: PostgresStore, dsn: str):
        execute(dsn, "ALTER TABLE alignkit_events RENAME TO gone")
        with pytest.raises(StoreError, match="cannot read: PostgreSQL failed"):
            store.read_all()
        with pytest.raises(StoreError, match="cannot append: PostgreSQL failed"):
            store.append("a", [event("1")], expected_version=0)

    def test_a_dropped_connection_is_made_again(self, store: PostgresStore, dsn: str):
        """The server dropped the connection: that call fails plainly, the next one works."""
        store.append("a", [event("1")], expected_version=0)
        with store._connection() as conn:
            backend = conn.info.backend_pid
        execute(dsn, f"SELECT pg_terminate_backend({backend})")
        with pytest.raises(StoreError, match="PostgreSQL failed"):
            store.read_all()
        assert store.append("a", [event("2")], expected_version=1) == 2
        assert [e.event_id for e in store.read_all()] == ["1", "2"]

    def test_a_closed_store_stays_closed(self, dsn: str):
        store = PostgresStore(dsn)
        store.close()
        with pytest.raises(StoreError, match="connection is closed"):
            store.read_all()

    def test_open_store_tells_a_dsn_from_a_file(self, dsn: str, tmp_path: Path):
        assert is_postgres_dsn(dsn)
        assert not is_postgres_dsn(str(tmp_path / "x.db"))
        with open_store(dsn) as found:
            assert isinstance(found, PostgresStore)
        with open_store(tmp_path / "x.db") as local:
            assert isinstance(local, SQLiteStore)


class TestReading:
    def test_streams_counts_and_a_sound_store_verified(self, store: PostgresStore):
        store.append("b", [event("1"), event("2")], expected_version=0)
        store.append("a", [event("3")], expected_version=0, category="decision")
        assert list(store.streams()) == ["b", "a"]
        assert (store.count(), store.count(category="decision")) == (3, 1)
        assert store.verify() == 3

    def test_verify_finds_a_gap_and_a_mixed_stream(self, store: PostgresStore, dsn: str):
        store.append("a", [event("1"), event("2"), event("3")], expected_version=0)
        store.append("b", [event("4"), event("5")], expected_version=0)
        execute(dsn, "UPDATE alignkit_events SET category = 'decision' WHERE event_id = '5'")
        with pytest.raises(StoreError, match="stream 'b' is of category 'decision'"):
            store.verify()
        execute(dsn, "DELETE FROM alignkit_events WHERE event_id = '2'")
        with pytest.raises(StoreError, match="stream 'a' has no event at version 2"):
            store.verify()


class TestTransactions:
    def test_commits_together_or_not_at_all(self, store: PostgresStore):
        with store.transaction():
            store.append("a", [event("1")], expected_version=0)
            store.append("c", [event("c1"), event("c2")], expected_version=0)
            with store.transaction():  # joins the outer block
                store.append("b", [event("2")], expected_version=0)

        def stale_second_append() -> None:
            with store.transaction():
                store.append("a", [event("3")], expected_version=1)
                store.append("b", [event("4")], expected_version=0)

        with pytest.raises(ConcurrencyError):
            stale_second_append()
        assert [e.event_id for e in store.read_all()] == ["1", "c1", "c2", "2"]

    def test_a_failed_commit_is_a_store_error(self, store: PostgresStore, dsn: str):
        # A trigger run only at commit, which refuses what was appended.
        execute(
            dsn,
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql "
            "AS $$BEGIN RAISE EXCEPTION 'refused at commit'; END$$",
        )
        execute(
            dsn,
            "CREATE CONSTRAINT TRIGGER late AFTER INSERT ON alignkit_events "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse()",
        )

        def two_appends() -> None:
            with store.transaction():
                store.append("a", [event("1")], expected_version=0)
                store.append("b", [event("2")], expected_version=0)

        with pytest.raises(StoreError, match="cannot commit"):
            two_appends()
        assert store.read_all() == []


class TestRaces:
    def test_threads_racing_on_one_stream_lose_nothing(self, dsn: str):
        """Many writers, one stream: each append is at a version, or refused and retried."""
        stores = [PostgresStore(dsn) for _ in range(4)]

        def write(store: PostgresStore, writer: int) -> None:
            for n in range(15):
                while True:
                    version = store.version("deal")
                    try:
                        store.append("deal", [event(f"w{writer}-{n}")], expected_version=version)
                        break
                    except ConcurrencyError:
                        continue

        threads = [
            threading.Thread(target=write, args=(store, i)) for i, store in enumerate(stores)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        found = stores[0].read("deal")
        assert [e.version for e in found] == list(range(1, 61))
        assert len({e.event_id for e in found}) == 60
        assert stores[0].verify() == 60
        for store in stores:
            store.close()

    def test_a_follower_never_skips_an_event_committed_late(self, dsn: str):
        """Positions are given in commit order: a follower's cursor never passes an event.

        A writer holds its transaction open after appending; another writer's append
        waits for it instead of taking a later position and committing first.
        """
        first, second, follower = PostgresStore(dsn), PostgresStore(dsn), PostgresStore(dsn)
        appended = threading.Event()
        release = threading.Event()

        def slow() -> None:
            with first.transaction():
                first.append("slow", [event("s1")], expected_version=0)
                appended.set()
                release.wait(10)

        thread = threading.Thread(target=slow)
        thread.start()
        appended.wait(10)
        fast = threading.Thread(
            target=lambda: second.append("fast", [event("f1")], expected_version=0)
        )
        fast.start()
        fast.join(0.5)
        assert fast.is_alive()  # it waits for the open transaction
        assert follower.read_all() == []  # nothing committed: nothing to read yet
        release.set()
        thread.join()
        fast.join()
        seen = [(e.event_id, e.position) for e in follower.read_all()]
        assert seen == [("s1", 1), ("f1", 2)]
        for store in (first, second, follower):
            store.close()

    def test_a_follower_sees_every_event_once_in_order_while_writers_race(self, dsn: str):
        """Four writers append at once; a follower polling read_all(after=...) misses nothing."""
        PostgresStore(dsn).close()
        done = threading.Event()
        seen: list[tuple[int, str]] = []

        def write(writer: int) -> None:
            with PostgresStore(dsn) as store:
                for n in range(40):
                    stream = f"w{writer}-{n % 4}"
                    store.append(
                        stream, [event(f"{writer}-{n}")], expected_version=store.version(stream)
                    )

        def follow() -> None:
            with PostgresStore(dsn, read_only=True) as store:
                after = 0
                while True:
                    finished = done.is_set()  # read once more after the writers are done
                    chunk = store.read_all(after=after, limit=7)
                    seen.extend((e.position, e.event_id) for e in chunk)
                    after = chunk[-1].position if chunk else after
                    if finished and not chunk:
                        return

        follower = threading.Thread(target=follow)
        follower.start()
        writers = [threading.Thread(target=write, args=(w,)) for w in range(4)]
        for thread in writers:
            thread.start()
        for thread in writers:
            thread.join()
        done.set()
        follower.join(30)
        with PostgresStore(dsn) as store:
            final = [(e.position, e.event_id) for e in store.read_all()]
        assert len(final) == 160
        assert seen == final  # every event, once, in order: none skipped by the cursor
        assert [position for position, _ in final] == list(range(1, 161))  # no gaps

    def test_two_desks_in_two_processes_open_each_deal_once(self, dsn: str, tmp_path: Path):
        """Two handoff desks, two processes, one database, the same Closed-Won deals.

        Both receive every deal's Closed-Won (and one of their own), then reassign
        it, retrying when the other wrote first. No deal has two handoffs, and no
        move is lost.
        """
        script = tmp_path / "desk.py"
        script.write_text(
            textwrap.dedent(
                """
                import datetime as dt, sys
                from alignkit.handoff import DealEvent, HandoffDesk
                from alignkit.org import Function, Org, Person
                from alignkit.store import ConcurrencyError, PostgresStore

                dsn, name = sys.argv[1], sys.argv[2]
                org = Org(
                    functions=[Function("Sales", "vp"), Function("Operations", "ops")],
                    people=[Person("vp", "V", "Sales"), Person("ops", "O", "Operations"),
                            Person("ae-1", "A", "Sales", "vp"),
                            Person("ae-left", "L", "Sales", "vp"),
                            Person("ae-right", "R", "Sales", "vp")],
                )
                desk = HandoffDesk(org, store=PostgresStore(dsn))
                at = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
                for n in range(30):
                    deal = f"D-{n}"
                    # The CRM delivers each Closed-Won to both replicas (a retry), and
                    # each replica also sees a second Closed-Won of its own for the deal.
                    desk.receive(DealEvent(f"crm-{n}", deal, "Closed-Won", at,
                                           {"owner": "ae-1"}))
                    desk.receive(DealEvent(f"crm-{n}-{name}", deal, "Closed-Won", at,
                                           {"owner": "ae-1"}))
                    while True:
                        try:
                            desk.reassign(deal, f"ae-{name}", "vp", at)
                            break
                        except ConcurrencyError:
                            continue
                """
            )
        )
        PostgresStore(dsn).close()  # the tables, before the processes race
        runs = [
            subprocess.Popen(
                [sys.executable, str(script), dsn, name],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for name in ("left", "right")
        ]
        for run in runs:
            _, err = run.communicate(timeout=120)
            assert run.returncode == 0, err
        with PostgresStore(dsn, read_only=True) as store:
            events = store.read_all(category="handoff")
        opened = [e.stream for e in events if e.version == 1]
        assert sorted(opened) == sorted(f"D-{n}" for n in range(30))  # one handoff a deal
        for n in range(30):
            owners = sorted(
                e.data["owner"] for e in events if e.stream == f"D-{n}" and e.kind == "reassigned"
            )
            assert owners == ["ae-left", "ae-right"]  # both reassignments: none lost
        assert len(events) == len({e.event_id for e in events})


def test_dates_come_back_as_they_went_in(store: PostgresStore):
    paris = dt.timezone(dt.timedelta(hours=1))
    when = dt.datetime(2026, 11, 23, 10, 30, tzinfo=paris)
    store.append("a", [NewEvent("1", "k", "actor", when, {"note": "Zoë ✓"})], expected_version=0)
    (found,) = store.read("a")
    assert found.at == when
    assert found.at.utcoffset() == dt.timedelta(hours=1)
    assert found.data == {"note": "Zoë ✓"}
    (encoded,) = store.read_all_encoded()
    assert encoded.at == when.isoformat()
