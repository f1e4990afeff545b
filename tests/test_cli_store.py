"""`alignkit store init` and `alignkit store copy`: a team that outgrows one SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from alignkit.cli import main
from alignkit.decision_log import DecisionLog, PostgresTextStore, SQLiteTextStore
from alignkit.handoff import DealEvent, HandoffDesk
from alignkit.store import NewEvent, PostgresStore, SQLiteStore, open_store
from tests.postgres import fresh_database
from tests.test_decision_log import HOUR, ORG, T0, VETO, acme_log, script

pytestmark = pytest.mark.postgres


def run(*arguments: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(arguments))
    return result.exit_code, result.stdout, result.stderr


def sqlite_log(path: Path) -> str:
    """A SQLite file holding the acme decision log (with a veto) and a desk's handoff."""
    with SQLiteStore(path) as store:
        script(acme_log(VETO, store=store))
        HandoffDesk(ORG, store=store).receive(
            DealEvent("crm-1", "D-1", "Closed-Won", T0, {"owner": "ae-ent-1"})
        )
        return acme_log(VETO, store=store).verify().digest


def digest(target: str | Path) -> str:
    with open_store(target, read_only=True) as store:
        result = DecisionLog(VETO, ORG, store=store).verify()
        assert result.ok
        return result.digest


class TestInit:
    def test_creates_the_tables_once(self, dsn: str):
        code, out, _ = run("store", "init", dsn)
        assert code == 0
        assert out.endswith("alignkit event store ready (schema version 1)\n")
        assert ":alignkit@" not in out  # the password is never shown
        assert run("store", "init", dsn)[0] == 0  # again: nothing changes
        with PostgresStore(dsn, create=False) as store:
            assert store.schema_version() == 1

    def test_a_sqlite_file(self, tmp_path: Path):
        path = tmp_path / "desk.db"
        code, out, _ = run("store", "init", str(path))
        assert (code, out) == (0, f"{path}: alignkit event store ready\n")
        with SQLiteStore(path, read_only=True) as store:
            assert SQLiteTextStore.beside(store).get(["x"]) == {}

    def test_a_server_that_cannot_be_reached(self):
        code, _, err = run("store", "init", "postgresql://me:hunter2@127.0.0.1:1/x")
        assert code == 2
        assert "cannot connect" in err
        assert "hunter2" not in err


class TestCopy:
    def test_sqlite_to_postgresql_and_back_keeps_every_event_and_text(
        self, dsn: str, tmp_path: Path
    ):
        source = tmp_path / "log.db"
        expected = sqlite_log(source)
        code, out, _ = run("store", "copy", str(source), dsn)
        assert code == 0
        assert "Copied 14 events" in out
        assert "(14 new, 0 held already) and 11 texts." in out
        assert digest(dsn) == expected
        back = tmp_path / "back.db"
        assert run("store", "copy", dsn, str(back))[0] == 0
        assert digest(back) == expected
        with SQLiteStore(source) as a, SQLiteStore(back) as b:
            strip = [(e.event_id, e.stream, e.version, e.category, e.data) for e in a.read_all()]
            assert strip == [
                (e.event_id, e.stream, e.version, e.category, e.data) for e in b.read_all()
            ]
            desk = HandoffDesk(ORG, store=b)
            assert desk.get("D-1").owner == "ae-ent-1"

    def test_running_again_copies_only_what_is_new(self, dsn: str, tmp_path: Path):
        source = tmp_path / "log.db"
        sqlite_log(source)
        run("store", "copy", str(source), dsn)
        code, out, _ = run("store", "copy", str(source), dsn)
        assert code == 0
        assert "(0 new, 14 held already)" in out
        with SQLiteStore(source) as store:
            log = acme_log(VETO, store=store)
            log.propose("choose-crm-platform", "cio", "Salesforce", T0 + 30 * HOUR)
        assert "(1 new, 14 held already)" in run("store", "copy", str(source), dsn)[1]

    def test_an_interrupted_copy_is_finished_by_running_it_again(self, dsn: str, tmp_path: Path):
        source = tmp_path / "log.db"
        expected = sqlite_log(source)
        with SQLiteStore(source) as src, PostgresStore(dsn) as dst:
            for e in src.read_all()[:5]:  # as far as a copy got before it was stopped
                dst.append(
                    e.stream,
                    [NewEvent(e.event_id, e.kind, e.actor, e.at, e.data)],
                    expected_version=e.version - 1,
                    category=e.category,
                )
        code, out, _ = run("store", "copy", "--batch", "3", str(source), dsn)
        assert code == 0
        assert "(9 new, 5 held already)" in out
        assert digest(dsn) == expected

    def test_a_text_erased_in_the_source_is_erased_in_the_copy(self, dsn: str, tmp_path: Path):
        source = tmp_path / "log.db"
        sqlite_log(source)
        run("store", "copy", str(source), dsn)
        with SQLiteStore(source) as store:
            log = acme_log(VETO, store=store)
            keys = [ref.key for r in log.records() for ref in r.texts if "ae-mm-1" in ref.involves]
            assert keys
            assert log.erase_person("ae-mm-1", T0 + 100 * HOUR) == len(keys)
        assert run("store", "copy", str(source), dsn)[0] == 0
        with PostgresStore(dsn) as copied:
            assert PostgresTextStore.beside(copied).get(keys) == {}
            assert DecisionLog(VETO, ORG, store=copied).verify().ok

    def test_a_target_with_other_events_on_a_stream_is_refused(self, dsn: str, tmp_path: Path):
        source = tmp_path / "log.db"
        sqlite_log(source)
        with PostgresStore(dsn) as dst:
            dst.append("D-1", [NewEvent("other", "opened", "crm", T0)], expected_version=0)
        code, _, err = run("store", "copy", str(source), dsn)
        assert code == 1
        assert "stream 'D-1' holds events that SRC does not" in err

    def test_postgresql_to_postgresql_and_a_stream_of_another_category(
        self, dsn: str, tmp_path: Path
    ):
        source = tmp_path / "log.db"
        expected = sqlite_log(source)
        run("store", "copy", str(source), dsn)
        with fresh_database() as other:
            assert run("store", "copy", dsn, other)[0] == 0  # two schemas: two stores
            assert digest(other) == expected
        with SQLiteStore(tmp_path / "clash.db") as clash:
            clash.append(
                "D-1",
                [NewEvent("x1", "opened", "crm", T0)],
                expected_version=0,
                category="decision",
            )
        code, _, err = run("store", "copy", str(tmp_path / "clash.db"), dsn)
        assert code == 1
        assert "refuses an event of SRC" in err
        assert "holds 'handoff' events, not 'decision'" in err

    def test_bad_stores_are_said_plainly(self, tmp_path: Path):
        code, _, err = run("store", "copy", str(tmp_path / "missing.db"), str(tmp_path / "b.db"))
        assert code == 2
        assert "SRC: Event store" in err
        assert "no such file" in err
        assert "read_only" not in err
        path = tmp_path / "same.db"
        SQLiteStore(path).close()
        code, _, err = run("store", "copy", str(path), str(path))
        assert code == 2
        assert "SRC and DST are the same store" in err


def test_commands_read_a_postgresql_store(dsn: str, tmp_path: Path):
    """Every --store takes a DSN: the review reads the decision log from PostgreSQL."""
    example = Path(__file__).parents[1] / "examples" / "acme" / "alignment.yaml"
    source = tmp_path / "log.db"
    sqlite_log(source)
    run("store", "copy", str(source), dsn)
    from_file = run("review", str(example), "--store", str(source), "--at", "2026-12-01T09:00Z")
    from_server = run("review", str(example), "--store", dsn, "--at", "2026-12-01T09:00Z")
    assert from_server[0] == from_file[0]
    assert from_server[1] == from_file[1]
    assert ":alignkit@" not in from_server[1]
