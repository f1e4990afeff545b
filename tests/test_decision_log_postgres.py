"""The decision log on PostgreSQL: events and texts in one database, erasure included."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from alignkit.decision_log import ERASED, DecisionLog, PostgresTextStore
from alignkit.errors import SpecError, StoreError
from alignkit.store import PostgresStore
from tests.postgres import Pool
from tests.test_decision_log import (
    DECISION,
    HOUR,
    MARKER,
    ORG,
    T0,
    VETO,
    acme_log,
    moves_keep_texts_with_events,
    script,
    semantic,
)

pytestmark = pytest.mark.postgres


def test_same_records_as_in_memory_and_back_after_a_restart(dsn: str):
    """The acme script on PostgreSQL: what memory gives, verified, and again when reopened."""
    memory = acme_log(VETO)
    script(memory)
    with PostgresStore(dsn) as store:
        log = acme_log(VETO, store=store)
        assert isinstance(log.texts, PostgresTextStore)
        script(log)
        assert [semantic(r) for r in log.records()] == [semantic(r) for r in memory.records()]
        result = log.verify()
        assert (result.ok, result.events, result.texts) == (True, 13, 11)
        before = log.records()
    with PostgresStore(dsn, read_only=True) as reopened:
        again = acme_log(VETO, store=reopened)
        assert again.records() == before
        assert again.verify().digest == result.digest


def test_erasure_keeps_the_chain_and_clears_the_table(dsn: str):
    """Erased texts read as erased, verify passes, and the rows are gone."""
    with PostgresStore(dsn) as store:
        log = acme_log(store=store)
        record = log.propose(DECISION, "vp-marketing", f"Olivia Grant wants {MARKER}", T0)
        log.consult(record, "ae-ent-1", T0, opinion=f"{MARKER} now", on_behalf_of="Sales")
        keys = [ref.key for ref in log.get(record).texts]
        assert len(log.texts.get(keys)) == 2
        assert log.erase_person("ae-ent-1", T0 + HOUR) == 2
        assert log.get(record).summary == ERASED
        assert log.texts.get(keys) == {}
        assert log.verify().ok


@pytest.mark.postgres_files
def test_an_erased_text_is_gone_from_the_tables_file(dsn: str):
    """Not only from query results: from the table's file on the server's disk.

    Needs a superuser (to checkpoint) and the data directory: CI's throwaway server
    gives both (``ALIGNKIT_PG_ADMIN_DSN``, ``ALIGNKIT_PG_DATA``).
    """
    admin, data = os.environ.get("ALIGNKIT_PG_ADMIN_DSN"), os.environ.get("ALIGNKIT_PG_DATA")
    if not admin or not data:
        pytest.fail("ALIGNKIT_PG_ADMIN_DSN and ALIGNKIT_PG_DATA are needed here")
    import psycopg

    with PostgresStore(dsn) as store, psycopg.connect(admin, autocommit=True) as superuser:
        log = acme_log(store=store)
        for k in range(60):
            log.propose(DECISION, "vp-marketing", f"Plan {k} for region {k % 9}", T0)
        target = log.propose(DECISION, "vp-marketing", f"Olivia Grant wants {MARKER}", T0)
        log.consult(target, "ae-ent-1", T0, opinion=f"{MARKER} now", on_behalf_of="Sales")

        def table_file() -> Path:
            with store._connection() as conn:
                (relative,) = conn.execute(
                    "SELECT pg_relation_filepath('alignkit_decision_texts')"
                ).fetchone()  # type: ignore[misc]
            return Path(data) / relative

        def file_bytes(table: Path) -> bytes:
            """The table's files: its main fork, its other forks, its 1 GB segments."""
            superuser.execute("CHECKPOINT")
            mine = re.compile(rf"{table.name}(_[a-z]+)?(\.[0-9]+)?")
            return b"".join(
                p.read_bytes() for p in table.parent.iterdir() if mine.fullmatch(p.name)
            )

        before = table_file()
        assert MARKER.encode() in file_bytes(before)
        assert log.erase_person("ae-ent-1", T0 + HOUR) == 2
        after = table_file()
        assert after != before  # the table was rewritten into a new file ...
        assert MARKER.encode() not in file_bytes(after)
        assert MARKER.encode() not in file_bytes(before)  # ... the old one emptied or gone
        assert b"Plan 59 for region 5" in file_bytes(after)  # the rest is still there
        assert log.verify().ok


class TestTextStore:
    def test_put_get_delete_and_list(self, dsn: str):
        with PostgresTextStore(dsn) as texts:
            texts.put({f"k{n:04d}": b"v%d" % n for n in range(1200)})
            texts.put({"k0001": b"new"})
            assert len(texts.get([f"k{n:04d}" for n in range(1200)])) == 1200
            assert texts.get(["k0001", "nope"]) == {"k0001": b"new"}
            assert texts.get([]) == {}
            texts.put({})
            assert texts.items(after="k1197") == [("k1198", b"v1198"), ("k1199", b"v1199")]
            assert texts.delete([f"k{n:04d}" for n in range(600)] + ["nope"]) == 600
            assert texts.path.startswith("postgresql://alignkit@")
            assert not texts.read_only

    def test_texts_commit_or_roll_back_with_the_events(self, dsn: str):
        with PostgresStore(dsn) as store:
            texts = PostgresTextStore.beside(store)
            assert texts.store is store

            moves_keep_texts_with_events(store, texts)
            with store.transaction():
                assert texts.delete(["e1/summary"]) == 1
            texts.purge()
            assert texts.get(["e1/summary"]) == {}
            texts.close()  # the store is the caller's: still open
            assert store.version("r") == 1

    def test_read_only_texts_read_and_refuse_to_write(self, dsn: str):
        with PostgresTextStore(dsn) as texts:
            texts.put({"a": b"b"})
        with PostgresTextStore(dsn, read_only=True) as reader:
            assert reader.get(["a"]) == {"a": b"b"}
            for write in (lambda: reader.put({"k": b"v"}), lambda: reader.delete(["k"])):
                with pytest.raises(StoreError, match="opened read-only"):
                    write()
            with pytest.raises(StoreError, match="opened read-only"):
                reader.purge()

    def test_a_server_error_is_a_store_error(self, dsn: str):
        import psycopg

        with PostgresTextStore(dsn) as texts:
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute("DROP TABLE alignkit_decision_texts")
            for call, doing in (
                (lambda: texts.put({"a": b"b"}), "write"),
                (lambda: texts.get(["a"]), "read"),
                (texts.items, "read"),
                (lambda: texts.delete(["a"]), "delete"),
                (texts.purge, "purge"),
            ):
                with pytest.raises(StoreError, match=f"cannot {doing} texts: PostgreSQL failed"):
                    call()

    def test_only_a_store_or_a_dsn(self):
        with pytest.raises(SpecError, match="PostgresStore or a DSN"):
            PostgresTextStore(3)  # type: ignore[arg-type]


def test_a_log_on_a_pool(dsn: str):
    """A connection pool (one connection per call) serves the log as the DSN does."""
    store = PostgresStore(Pool(dsn))
    log = DecisionLog(VETO, ORG, store=store)
    script(log)
    assert log.verify().ok
    assert log.erase_person("ae-ent-1", T0 + 30 * HOUR) >= 0
    assert log.verify().ok
