"""Handoff gates and the SQLite event store at scale, against pandera and eventsourcing.

In one run, this script:

* generates, from a fixed seed, 1,000,000 handoff packages as plain records (about
  70% complete; the rest lack a complete scoping document, a signed SOW, a
  measurable success criterion or an owner, alone or in combination);
* times ``QualityGate.minimum_viable()`` over them from built objects (the packages
  built before the clock starts): ``evaluate`` one package at a time and
  ``evaluate_many``, against the same four rules as a plain Python loop over the same
  ``HandoffPackage`` objects (the floor) and a pandera ``DataFrameSchema`` validating
  a DataFrame built before the clock starts (``lazy=True``);
* times the gate from the raw records, end to end, construction included:
  ``HandoffPackage(**record)`` for each record and then ``evaluate_many``, and
  ``QualityGate.audit(records)``, against pandera from the same records (the records
  made into a DataFrame, one row per package with the scoping document, the SOW and
  the number of measurable criteria in columns, then validated: the peer) and a plain
  loop over the dicts (the floor, which validates nothing), and checks that every
  contender passes the same packages;
* reports each figure as the median over ``--runs`` runs with the range (min-max),
  the contenders taking turns within each run, and each ratio run by run (paired),
  after a line with the machine's load average; ``--json-out PATH`` also writes every
  figure and each run's time as JSON. The gate's inputs live for the whole run, so
  they are kept from the cyclic garbage collector (``gc.freeze``) while the clock
  runs, for every contender alike; ``--no-gc-freeze`` leaves them to it;
* times ``SQLiteStore.append``, one event and one transaction per call, for 20,000
  events over 1,000 streams, at ``synchronous=FULL`` and ``NORMAL``, against raw
  ``sqlite3`` (the floor) and the eventsourcing library's SQLite recorder (the peer);
* times ``SQLiteStore.append_many`` in batches of 1,000 events against raw
  ``sqlite3`` ``executemany`` in the same batches (and eventsourcing, for reference);
* times ``SQLiteStore.read_all`` and ``SQLiteStore.read`` of every stream over those
  20,000 events, against raw ``sqlite3`` reading and decoding the same rows;
* times all of the store's appends and reads also without its per-event checksums,
  in the same run, to show what the checksums cost.

The gate part needs pandera and pandas, the store part eventsourcing; none of them is
a dependency of alignkit, so install them in a virtual environment of their own, with
alignkit from this checkout::

    python3.11 -m venv /tmp/pandera-venv
    /tmp/pandera-venv/bin/pip install pandera pandas eventsourcing
    /tmp/pandera-venv/bin/pip install -e .

``--size`` sets the number of packages (default 1,000,000), ``--runs`` the timed runs
of each gate contender (default 5); ``--quick`` runs a small version (20,000
packages unless ``--size`` says otherwise, 2,000 events) as a smoke test;
``--gate-only`` and ``--store-only`` leave out the other part. The exit status is 1
when the gate's contenders disagree on any package, or when a store does not hold
what was appended to it.

Usage::

    /tmp/pandera-venv/bin/python benchmarks/bench_handoff.py --gate-only --size 1000000 \\
        --runs 3 [--json-out gate.json] [--no-gc-freeze]
    /tmp/pandera-venv/bin/python benchmarks/bench_handoff.py [--quick] [--store-only]
        [--json] [--store-repeats 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Literal

from _common import (
    add_common_arguments,
    machine_line,
    median_range,
    positive_int,
    ratio,
    timed,
    write_json,
)

from alignkit import store as store_module
from alignkit.handoff import HandoffPackage, QualityGate
from alignkit.store import NewEvent, SQLiteStore

try:
    import pandas as pd
    import pandera.pandas as pa
except ImportError as error:  # pragma: no cover - reported in main()
    MISSING_FOR_GATE: str | None = error.name
else:
    MISSING_FOR_GATE = None
try:
    from eventsourcing.persistence import StoredEvent as EsStoredEvent
    from eventsourcing.sqlite import (
        SQLiteApplicationRecorder,
        SQLiteConnection,
        SQLiteConnectionPool,
        SQLiteDatastore,
    )
except ImportError as error:  # pragma: no cover - reported in main()
    MISSING: str | None = error.name
else:
    MISSING = None

SEED = 20261123
EPOCH = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
"""Signature and event times are spread over the year after this."""

TARGET_FLOOR_VS_GATE = 2.0
"""evaluate_many may take at most this many times the plain loop over the same packages."""
TARGET_AUDIT_VS_PANDERA = 1.0
"""QualityGate.audit must be at least this many times as fast as pandera, end to end."""
TARGET_VS_RAW = 0.8
TARGET_VS_EVENTSOURCING = 2.0
TARGET_CHECKSUM_COST = 0.05
"""The per-event checksums may cost at most this share of a store's appends or reads."""

Sync = Literal["FULL", "NORMAL"]
SETTINGS: tuple[Sync, ...] = ("FULL", "NORMAL")


@dataclass(frozen=True)
class Size:
    packages: int
    events: int
    streams: int
    batch: int
    rounds: int


FULL = Size(packages=1_000_000, events=20_000, streams=1_000, batch=1_000, rounds=20)
QUICK = Size(packages=20_000, events=2_000, streams=1_000, batch=1_000, rounds=10)


# -- the packages ------------------------------------------------------------------------

DEFECTS = ("scope", "sow", "criteria", "owner")


def _when(rng: random.Random) -> dt.datetime:
    return EPOCH + dt.timedelta(minutes=rng.randrange(365 * 24 * 60))


def _scope(rng: random.Random, *, broken: bool) -> dict[str, Any] | None:
    """The scoping document: complete or signed; broken, missing or a draft."""
    if broken:
        if rng.random() < 0.5:
            return None
        return {"kind": "scoping_document", "name": "Scope", "status": "draft"}
    if rng.random() < 0.85:
        return {"kind": "scoping_document", "name": "Scope", "status": "complete"}
    return {
        "kind": "scoping_document",
        "name": "Scope",
        "status": "signed",
        "signed_by": "Customer PM",
        "signed_at": _when(rng),
    }


def _sow(rng: random.Random, *, broken: bool) -> dict[str, Any] | None:
    """The SOW: signed by someone at a time; broken, missing or short of a signature."""
    sow: dict[str, Any] = {"kind": "sow", "name": "Statement of work", "status": "signed"}
    sow["signed_by"] = f"Customer CFO {rng.randrange(100)}"
    sow["signed_at"] = _when(rng)
    if not broken:
        return sow
    roll = rng.random()
    if roll < 0.25:
        return None
    if roll < 0.5:
        return {"kind": "sow", "name": "Statement of work", "status": "draft"}
    if roll < 0.65:
        return {"kind": "sow", "name": "Statement of work", "status": "complete"}
    if roll < 0.8:
        del sow["signed_by"]  # signed, but nobody recorded who signed
        return sow
    del sow["signed_at"]  # signed, but nobody recorded when
    return sow


def _vague(rng: random.Random) -> dict[str, Any]:
    """A criterion without a metric, or without a target."""
    if rng.random() < 0.5:
        return {"description": "Happy customer", "metric": rng.choice(["", "  "]), "target": 90}
    return {"description": "More usage", "metric": "wau", "target": rng.choice([None, ""])}


def _criteria(rng: random.Random, *, broken: bool) -> list[dict[str, Any]]:
    """Success criteria: at least one with a metric and a target, unless broken."""
    if broken:
        return [] if rng.random() < 0.4 else [_vague(rng) for _ in range(rng.randint(1, 2))]
    good = [
        {
            "description": "Weekly active users",
            "metric": "wau",
            "target": rng.choice([200, 500, 1000, 0, 99.5, "95%"]),
        }
        for _ in range(rng.randint(1, 2))
    ]
    good += [_vague(rng) for _ in range(rng.randint(0, 1))]
    rng.shuffle(good)
    return good


def make_records(rng: random.Random, n: int) -> tuple[list[dict[str, Any]], list[bool]]:
    """``n`` packages as plain dicts, and whether each was generated to pass.

    About 70% are complete. The rest have one defect (60%), two (30%) or three or
    four (10%), chosen from DEFECTS. Each package has at most one scoping document and
    one SOW, so that one DataFrame row can hold it; some also carry a success plan or
    a security review, which the gate ignores.
    """
    records: list[dict[str, Any]] = []
    intended: list[bool] = []
    for i in range(n):
        broken: set[str] = set()
        if rng.random() >= 0.70:
            roll = rng.random()
            count = 1 if roll < 0.6 else 2 if roll < 0.9 else rng.randint(3, 4)
            broken = set(rng.sample(DEFECTS, count))
        artifacts = [
            a
            for a in (
                _scope(rng, broken="scope" in broken),
                _sow(rng, broken="sow" in broken),
            )
            if a is not None
        ]
        if rng.random() < 0.3:
            artifacts.append({"kind": "success_plan", "status": rng.choice(["draft", "complete"])})
        if rng.random() < 0.1:
            artifacts.append({"kind": "security_review", "status": "complete"})
        rng.shuffle(artifacts)
        records.append(
            {
                "deal_id": f"D-{i:07d}",
                "customer": f"Customer {i % 5000}",
                "from_function": "Sales",
                "to_function": "Operations",
                "owner": None if "owner" in broken else f"ae-{rng.randrange(500)}",
                "artifacts": artifacts,
                "success_criteria": _criteria(rng, broken="criteria" in broken),
            }
        )
        intended.append(not broken)
    return records, intended


def make_packages(records: Sequence[dict[str, Any]]) -> list[HandoffPackage]:
    return [HandoffPackage(**r) for r in records]


# -- the gate's contenders ---------------------------------------------------------------


def run_evaluate(gate: QualityGate, packages: Sequence[HandoffPackage]) -> list[Any]:
    evaluate = gate.evaluate
    return [evaluate(p) for p in packages]


def run_evaluate_many(gate: QualityGate, packages: Sequence[HandoffPackage]) -> list[Any]:
    return gate.evaluate_many(packages)


def run_construct(gate: QualityGate, records: Sequence[dict[str, Any]]) -> list[Any]:
    """From raw records: build each package as a caller would, then judge them all."""
    return gate.evaluate_many([HandoffPackage(**r) for r in records])


def run_audit(gate: QualityGate, records: Sequence[dict[str, Any]]) -> Any:
    """From raw records: validate and judge each one in one pass."""
    return gate.audit(records)


def run_object_floor(packages: Sequence[HandoffPackage]) -> list[bool]:
    """The four MVH rules over the same package objects, by attribute; every rule checked."""
    out = []
    for package in packages:
        scope = sow = criteria = False
        for a in package.artifacts:
            kind = a.kind
            if kind == "scoping_document":
                if a.status in {"complete", "signed"}:
                    scope = True
            elif kind == "sow" and (a.status == "signed" and a.signed_by and a.signed_at):
                sow = True
        for c in package.success_criteria:
            if c.metric.strip() and c.target not in {None, ""}:
                criteria = True
                break
        owner = package.owner is not None
        out.append(scope and sow and criteria and owner)
    return out


def run_floor(records: Sequence[dict[str, Any]]) -> list[bool]:
    """The four MVH rules over plain dicts; every rule is checked for every record."""
    out = []
    for record in records:
        scope = sow = criteria = False
        for a in record["artifacts"]:
            kind = a["kind"]
            if kind == "scoping_document":
                if a["status"] in {"complete", "signed"}:
                    scope = True
            elif kind == "sow" and (
                a["status"] == "signed" and a.get("signed_by") and a.get("signed_at")
            ):
                sow = True
        for c in record["success_criteria"]:
            if c["metric"].strip() and c["target"] not in {None, ""}:
                criteria = True
                break
        owner = record["owner"] is not None
        out.append(scope and sow and criteria and owner)
    return out


def make_frame(records: Sequence[dict[str, Any]]) -> Any:
    """One row per package; the scoping document and SOW spread over columns.

    A cell holds no list, so ``measurable_criteria`` is counted here: the number of
    criteria with a metric and a target.
    """
    scope_status: list[str | None] = []
    sow_status: list[str | None] = []
    sow_signed_by: list[str | None] = []
    sow_signed_at: list[dt.datetime | None] = []
    measurable: list[int] = []
    for record in records:
        scope = sow = None
        for a in record["artifacts"]:
            if a["kind"] == "scoping_document":
                scope = a
            elif a["kind"] == "sow":
                sow = a
        scope_status.append(scope["status"] if scope else None)
        sow_status.append(sow["status"] if sow else None)
        sow_signed_by.append(sow.get("signed_by") if sow else None)
        sow_signed_at.append(sow.get("signed_at") if sow else None)
        measurable.append(
            sum(
                1
                for c in record["success_criteria"]
                if c["metric"].strip() and c["target"] not in {None, ""}
            )
        )
    return pd.DataFrame(
        {
            "deal_id": [r["deal_id"] for r in records],
            "scope_status": scope_status,
            "sow_status": sow_status,
            "sow_signed_by": sow_signed_by,
            "sow_signed_at": pd.to_datetime(sow_signed_at, utc=True),
            "measurable_criteria": measurable,
            "owner": [r["owner"] for r in records],
        }
    )


def make_schema(signed_at_dtype: Any) -> Any:
    """The MVH as a pandera schema: a null or a failed check fails the row."""
    return pa.DataFrameSchema(
        {
            "scope_status": pa.Column(str, pa.Check.isin(["complete", "signed"]), nullable=False),
            "sow_status": pa.Column(str, pa.Check.eq("signed"), nullable=False),
            "sow_signed_by": pa.Column(str, pa.Check.str_length(min_value=1), nullable=False),
            "sow_signed_at": pa.Column(signed_at_dtype, nullable=False),
            "measurable_criteria": pa.Column(int, pa.Check.ge(1)),
            "owner": pa.Column(str, nullable=False),
        }
    )


def run_pandera(schema: Any, frame: Any) -> Any:
    """Validate lazily; return the failure cases (an empty frame when all rows pass)."""
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as error:
        return error.failure_cases
    return pd.DataFrame({"index": []})


def run_pandera_records(records: Sequence[dict[str, Any]]) -> Any:
    """From raw records: the DataFrame, its schema, and the validation."""
    frame = make_frame(records)
    return run_pandera(make_schema(frame["sow_signed_at"].dtype), frame)


def pandera_verdicts(failure_cases: Any, n: int) -> tuple[list[bool], int]:
    """Pass/fail per row from the failure cases, and how many cases name no row."""
    rows = failure_cases["index"]
    failed = {int(i) for i in rows.dropna()}
    return [i not in failed for i in range(n)], int(rows.isna().sum())


# -- the stores' contenders --------------------------------------------------------------

# The floor writes to SQLiteStore's own table with its own INSERT, so the two can
# never drift apart: a unique event id and a unique (stream, version).
EVENTS_TABLE: str = store_module._SCHEMA  # noqa: SLF001
INSERT: str = store_module._INSERT  # noqa: SLF001
CHECKSUM: Callable[[bytes], int] = store_module._checksum  # noqa: SLF001


def _data(event: NewEvent) -> str:
    return json.dumps(event.data, separators=(",", ":"), sort_keys=True)


def _row(stream: str, version: int, event: NewEvent) -> tuple[Any, ...]:
    """The row ``SQLiteStore`` writes, checksum included (Adler-32 of the fields).

    The events are handoff events, the store's default category, which the
    checksum leaves out.
    """
    fields = (event.event_id, stream, str(version), event.kind, event.actor)
    at, data = event.at.isoformat(), _data(event)
    checksum = CHECKSUM("\x1f".join((*fields, at, data)).encode())
    return (event.event_id, stream, version, event.kind, event.actor, at, data, checksum, "handoff")


def _state(event: NewEvent) -> bytes:
    """What eventsourcing stores as the event's state: the same fields, as JSON."""
    body = {"id": event.event_id, "actor": event.actor, "at": event.at.isoformat()}
    body["data"] = event.data
    return json.dumps(body, separators=(",", ":"), sort_keys=True).encode()


Plan = list[tuple[str, NewEvent]]
"""Events in the order they are appended, each with its stream."""


def make_events(rng: random.Random, n: int, n_streams: int) -> Plan:
    """``n`` events spread at random over ``n_streams`` deal streams."""
    kinds = ["deal_stage", "submitted", "flagged", "resolved", "accepted", "activated"]
    plan = []
    for i in range(n):
        stream = f"deal-{rng.randrange(n_streams):05d}"
        at = EPOCH + dt.timedelta(seconds=i)
        data = {"note": f"event {i}", "amount": rng.randrange(1000, 100_000), "flags": []}
        plan.append((stream, NewEvent(f"evt-{i:07d}", rng.choice(kinds), "ae-1", at, data)))
    return plan


class Contender:
    """Appends events one transaction at a time, tracking each stream's version."""

    name = ""
    table = "events"
    stream_column = "stream"
    version_column = "version"

    def __init__(self, path: Path, synchronous: Sync) -> None:
        self.path = path
        self.synchronous = synchronous
        self.versions: dict[str, int] = {}

    def append_each(self, plan: Plan) -> None:
        raise NotImplementedError

    def append_batch(self, batch: Plan) -> None:
        raise NotImplementedError

    def synchronous_in_use(self) -> str:
        return self.synchronous

    def close(self) -> None:
        raise NotImplementedError


class AlignkitStore(Contender):
    name = "alignkit"

    def __init__(self, path: Path, synchronous: Sync) -> None:
        super().__init__(path, synchronous)
        self.store = SQLiteStore(path, synchronous=synchronous)

    def append_each(self, plan: Plan) -> None:
        append, versions = self.store.append, self.versions
        for stream, event in plan:
            versions[stream] = append(stream, [event], expected_version=versions.get(stream, 0))

    def append_batch(self, batch: Plan) -> None:
        grouped: dict[str, list[NewEvent]] = {}
        for stream, event in batch:
            grouped.setdefault(stream, []).append(event)
        batches = [(s, events, self.versions.get(s, 0)) for s, events in grouped.items()]
        for stream, version in zip(grouped, self.store.append_many(batches), strict=True):
            self.versions[stream] = version

    def close(self) -> None:
        self.store.close()


class AlignkitNoChecksum(AlignkitStore):
    """The same store with its per-event checksums switched off: what they cost."""

    name = "alignkit, no checksum"

    def __init__(self, path: Path, synchronous: Sync) -> None:
        super().__init__(path, synchronous)
        self.store._checksums = False  # noqa: SLF001 - a switch for this comparison only


class RawSQLite(Contender):
    """The floor: stdlib sqlite3, WAL, BEGIN IMMEDIATE / SELECT MAX / INSERT / COMMIT."""

    name = "raw sqlite3"

    def __init__(self, path: Path, synchronous: Sync) -> None:
        super().__init__(path, synchronous)
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(f"PRAGMA synchronous={synchronous}")
        self.db.executescript(EVENTS_TABLE)

    def append_each(self, plan: Plan) -> None:
        execute, versions = self.db.execute, self.versions
        for stream, event in plan:
            expected = versions.get(stream, 0)
            execute("BEGIN IMMEDIATE")
            row = execute("SELECT MAX(version) FROM events WHERE stream = ?", (stream,))
            current = row.fetchone()[0] or 0
            if current != expected:
                execute("ROLLBACK")
                raise RuntimeError(f"{stream} is at {current}, not {expected}")
            execute(INSERT, _row(stream, current + 1, event))
            execute("COMMIT")
            versions[stream] = current + 1

    def append_batch(self, batch: Plan) -> None:
        rows = []
        for stream, event in batch:
            version = self.versions.get(stream, 0) + 1
            self.versions[stream] = version
            rows.append(_row(stream, version, event))
        self.db.execute("BEGIN IMMEDIATE")
        self.db.executemany(INSERT, rows)
        self.db.execute("COMMIT")

    def synchronous_in_use(self) -> str:
        return _sync_name(self.db.execute("PRAGMA synchronous").fetchone()[0])

    def close(self) -> None:
        self.db.close()


def _sync_name(value: int) -> str:
    return {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(value, str(value))


if MISSING is None:

    class _SyncPool(SQLiteConnectionPool):
        """eventsourcing's pool, with ``PRAGMA synchronous`` set on every new connection.

        eventsourcing sets WAL itself but leaves ``synchronous`` at SQLite's default
        (FULL, in the SQLite that Python ships), and has no setting for it.
        """

        def __init__(self, *, synchronous: Sync, **kwargs: Any) -> None:
            self.synchronous = synchronous
            super().__init__(**kwargs)

        def _create_connection(self) -> SQLiteConnection:
            conn = super()._create_connection()
            cursor = conn.cursor()
            with cursor as c:
                c.execute(f"PRAGMA synchronous={self.synchronous}")
            return conn


class EventSourcing(Contender):
    """The peer: eventsourcing's ``SQLiteApplicationRecorder``, one ``insert_events`` each.

    Its table has a rowid (the position in the whole store) and the primary key
    ``(originator_id, originator_version)``: a stale writer fails on the key.
    """

    name = "eventsourcing"
    table = "stored_events"
    stream_column = "originator_id"
    version_column = "originator_version"

    def __init__(self, path: Path, synchronous: Sync) -> None:
        super().__init__(path, synchronous)
        self.datastore = SQLiteDatastore(str(path), originator_id_type="text")
        self.datastore.pool = _SyncPool(db_name=str(path), synchronous=synchronous)
        self.recorder = SQLiteApplicationRecorder(self.datastore)
        self.recorder.create_table()

    def append_each(self, plan: Plan) -> None:
        insert, versions = self.recorder.insert_events, self.versions
        for stream, event in plan:
            version = versions.get(stream, 0) + 1
            insert([EsStoredEvent(stream, version, event.kind, _state(event))])
            versions[stream] = version

    def append_batch(self, batch: Plan) -> None:
        stored = []
        for stream, event in batch:
            version = self.versions.get(stream, 0) + 1
            self.versions[stream] = version
            stored.append(EsStoredEvent(stream, version, event.kind, _state(event)))
        self.recorder.insert_events(stored)

    def synchronous_in_use(self) -> str:
        with self.datastore.transaction(commit=False) as c:
            c.execute("PRAGMA synchronous")
            return _sync_name(c.fetchone()[0])

    def close(self) -> None:
        self.datastore.close()


def verify(contender: Contender, plan: Plan) -> list[str]:
    """Problems with what the store holds: every event, each stream at its version, WAL."""
    problems = []
    expected: dict[str, int] = {}
    for stream, _event in plan:
        expected[stream] = expected.get(stream, 0) + 1
    db = sqlite3.connect(contender.path)
    try:
        table, s, v = contender.table, contender.stream_column, contender.version_column
        count = db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608 - ours
        held = dict(db.execute(f"SELECT {s}, MAX({v}) FROM {table} GROUP BY {s}"))  # noqa: S608
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        db.close()
    if count != len(plan):
        problems.append(f"{contender.name} holds {count} events, not {len(plan)}")
    if held != expected:
        wrong = sum(held.get(k) != n for k, n in expected.items())
        problems.append(f"{contender.name} has {wrong} streams at the wrong version")
    if mode.lower() != "wal":
        problems.append(f"{contender.name} journal mode is {mode}, not WAL")
    return problems


CONTENDERS: tuple[Callable[[Path, Sync], Contender], ...] = (
    AlignkitStore,
    AlignkitNoChecksum,
    RawSQLite,
    EventSourcing,
)

CHECKSUMS_OFF = AlignkitNoChecksum.name


def measure_appends(
    tmp: Path, plan: Plan, synchronous: Sync, rounds: int, *, batch: int | None, repeats: int
) -> dict[str, Any]:
    """Append ``plan`` to a fresh store of each kind, in ``rounds`` interleaved chunks.

    With ``batch``, each transaction holds ``batch`` events; otherwise one event. All
    of it ``repeats`` times, into new files each time; rates are of the median run.
    The first run's alignkit file is kept (as ``events.db`` in ``tmp``) for the reads.
    """
    mode = f"batch{batch}" if batch else "each"
    step = batch or -(-len(plan) // rounds)
    samples: dict[str, list[float]] = {}
    problems: list[str] = []
    in_use: dict[str, str] = {}
    for repeat in range(repeats):
        folder = tmp / f"{mode}-{synchronous}-{repeat}"
        folder.mkdir()
        contenders = [make(folder / f"{i}.db", synchronous) for i, make in enumerate(CONTENDERS)]
        elapsed = {c.name: 0.0 for c in contenders}
        try:
            for start in range(0, len(plan), step):
                chunk = plan[start : start + step]
                for contender in contenders:
                    run = contender.append_batch if batch else contender.append_each
                    began = time.perf_counter()
                    run(chunk)
                    elapsed[contender.name] += time.perf_counter() - began
            in_use = {c.name: c.synchronous_in_use() for c in contenders}
        finally:
            for contender in contenders:
                contender.close()
        problems += [p for c in contenders for p in verify(c, plan)]
        for name, seconds in elapsed.items():
            samples.setdefault(name, []).append(seconds)
        if repeat == 0 and not (tmp / "events.db").exists():
            contenders[0].path.rename(tmp / "events.db")
    return {
        "synchronous": synchronous,
        "events": len(plan),
        "events_per_transaction": batch or 1,
        "synchronous_in_use": in_use,
        "repeats": repeats,
        "seconds": {name: statistics.median(runs) for name, runs in samples.items()},
        "samples_s": samples,
        "per_s": {name: len(plan) / statistics.median(runs) for name, runs in samples.items()},
        "problems": sorted(set(problems)),
    }


def raw_read_all(db: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """The floor for reads: the same rows, decoded, with no checks at all."""
    rows = db.execute(
        "SELECT event_id, stream, version, position, kind, actor, at, data FROM events "
        "ORDER BY position"
    ).fetchall()
    return [
        (e, s, v, p, k, a, dt.datetime.fromisoformat(at), json.loads(d))
        for e, s, v, p, k, a, at, d in rows
    ]


def measure_reads(path: Path, plan: Plan, repeats: int) -> dict[str, Any]:
    """Read the store at ``path`` whole and stream by stream, checksums checked or not.

    Each way runs once untimed, then ``repeats`` times, interleaved; rates are of
    the median run. The floor is raw ``sqlite3`` reading and decoding every row.
    """
    checked = SQLiteStore(path, read_only=True)
    unchecked = SQLiteStore(path, read_only=True)
    raw = sqlite3.connect(path.absolute().as_uri() + "?mode=ro", uri=True)
    unchecked._checksums = False  # noqa: SLF001 - a switch for this comparison only
    streams = sorted({stream for stream, _ in plan})

    def each_stream(store: SQLiteStore) -> int:
        return sum(len(store.read(stream)) for stream in streams)

    runners: dict[str, Callable[[], int]] = {
        "alignkit read_all": lambda: len(checked.read_all()),
        f"{CHECKSUMS_OFF} read_all": lambda: len(unchecked.read_all()),
        "raw sqlite3 read_all": lambda: len(raw_read_all(raw)),
        "alignkit read": lambda: each_stream(checked),
        f"{CHECKSUMS_OFF} read": lambda: each_stream(unchecked),
    }
    problems = [
        f"{name} read {n} events, not {len(plan)}"
        for name, run in runners.items()
        if (n := run()) != len(plan)
    ]
    samples: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(repeats):
        for name, run in runners.items():
            samples[name].append(timed(run)[0])
    checked.close()
    unchecked.close()
    raw.close()
    return {
        "events": len(plan),
        "repeats": repeats,
        "per_s": {name: len(plan) / statistics.median(runs) for name, runs in samples.items()},
        "samples_s": samples,
        "problems": problems,
    }


# -- timing ------------------------------------------------------------------------------


def disagreements(first: Sequence[bool], second: Sequence[bool]) -> tuple[int, list[int]]:
    differ = [i for i, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]
    return len(differ), differ[:5]


# -- the run -----------------------------------------------------------------------------


BUILT = "from built objects (construction not timed)"
RAW = "from raw records, end to end (construction timed)"

GATE_CONTENDERS = (
    ("evaluate", BUILT, "QualityGate.evaluate, one at a time"),
    ("evaluate_many", BUILT, "QualityGate.evaluate_many"),
    ("object_floor", BUILT, "plain loop, same packages (floor)"),
    ("pandera_frame", BUILT, "pandera validate, built DataFrame"),
    ("construct", RAW, "HandoffPackage(**r) + evaluate_many"),
    ("audit", RAW, "QualityGate.audit(records)"),
    ("pandera", RAW, "pandera: records -> DataFrame -> validate"),
    ("floor", RAW, "plain loop over the dicts (floor)"),
)

# Ratios of two contenders' times, run by run: (name, slower, faster) reads "faster is
# slower-time / faster-time times as fast as slower".
GATE_RATIOS = (
    ("audit_vs_pandera", "pandera", "audit"),
    ("audit_vs_construct", "construct", "audit"),
    ("construct_vs_pandera", "pandera", "construct"),
    ("evaluate_many_vs_pandera_frame", "pandera_frame", "evaluate_many"),
    ("evaluate_vs_pandera_frame", "pandera_frame", "evaluate"),
    ("object_floor_vs_evaluate_many", "evaluate_many", "object_floor"),
    ("floor_vs_audit", "audit", "floor"),
)


def verdicts_of(name: str, answer: Any, n: int) -> tuple[list[bool], int]:
    """Each package's pass or fail from a contender's answer; and pandera's unplaced cases."""
    if name in ("object_floor", "floor"):
        return answer, 0
    if name in ("pandera_frame", "pandera"):
        return pandera_verdicts(answer, n)
    return [result.passed for result in answer], 0


def measure_gate(n: int, runs: int, *, freeze: bool) -> dict[str, Any]:
    """Time every gate contender ``runs`` times over ``n`` packages, taking turns."""
    rng = random.Random(SEED)
    data: dict[str, Any] = {"packages": n, "runs": runs, "seed": SEED, "gc_freeze": freeze}
    built: dict[str, float] = {}
    built["records_s"], (records, intended) = timed(lambda: make_records(rng, n))
    built["packages_s"], packages = timed(lambda: make_packages(records))
    built["frame_s"], frame = timed(lambda: make_frame(records))
    data["built_s"] = built
    gate = QualityGate.minimum_viable()
    schema = make_schema(frame["sow_signed_at"].dtype)
    runners: dict[str, Callable[[], Any]] = {
        "evaluate": lambda: run_evaluate(gate, packages),
        "evaluate_many": lambda: run_evaluate_many(gate, packages),
        "object_floor": lambda: run_object_floor(packages),
        "pandera_frame": lambda: run_pandera(schema, frame),
        "construct": lambda: run_construct(gate, records),
        "audit": lambda: run_audit(gate, records),
        "pandera": lambda: run_pandera_records(records),
        "floor": lambda: run_floor(records),
    }
    # Warm up on a slice, untimed.
    warm = min(10_000, n)
    for run in (
        lambda: run_evaluate(gate, packages[:warm]),
        lambda: run_construct(gate, records[:warm]),
        lambda: run_audit(gate, records[:warm]),
        lambda: run_pandera_records(records[:warm]),
        lambda: run_pandera(schema, frame.head(warm)),
    ):
        run()
    if freeze:
        # The inputs live for the whole run; keep the collector from walking them
        # again and again while a contender's own allocations trigger collections.
        gc.collect()
        gc.freeze()
    samples: dict[str, list[float]] = {name: [] for name in runners}
    answers: dict[str, Any] = {}
    for _ in range(runs):
        for name, run in runners.items():
            answers[name] = None  # free the last run's answer before timing again
            gc.collect()
            elapsed, answers[name] = timed(run)
            samples[name].append(elapsed)
    if freeze:
        gc.unfreeze()

    verdicts: dict[str, list[bool]] = {}
    unplaced = 0
    for name, answer in answers.items():
        verdicts[name], cases = verdicts_of(name, answer, n)
        unplaced += cases
    answers.clear()
    data["seconds"] = {name: median_range(times) for name, times in samples.items()}
    data["records_per_s"] = {
        name: {"median": n / found["median"], "min": n / found["max"], "max": n / found["min"]}
        for name, found in data["seconds"].items()
    }
    data["samples_s"] = samples
    data["ratios"] = {
        key: ratio(samples[slower], samples[faster]) for key, slower, faster in GATE_RATIOS
    }
    data["targets"] = {
        "audit_vs_pandera_min": TARGET_AUDIT_VS_PANDERA,
        "evaluate_many_vs_object_floor_max": TARGET_FLOOR_VS_GATE,
    }
    ratios = data["ratios"]
    data["met"] = {
        "audit_vs_pandera": ratios["audit_vs_pandera"]["median"] >= TARGET_AUDIT_VS_PANDERA,
        "evaluate_many_vs_object_floor": ratios["object_floor_vs_evaluate_many"]["median"]
        <= TARGET_FLOOR_VS_GATE,
    }
    data["passed"] = {"intended": sum(intended)} | {k: sum(v) for k, v in verdicts.items()}
    agreement: dict[str, Any] = {}
    ours = verdicts["audit"]
    for name, theirs in [*verdicts.items(), ("intended", intended)]:
        if name != "audit":
            count, first = disagreements(ours, theirs)
            agreement[f"audit_vs_{name}"] = count
            agreement[f"audit_vs_{name}_first"] = [records[i]["deal_id"] for i in first]
    agreement["pandera_cases_without_row"] = unplaced
    data["agreement"] = agreement
    return data


def gate_failed(data: dict[str, Any]) -> bool:
    agreement = data["agreement"]
    return any(count for key, count in agreement.items() if not key.endswith("_first"))


def report_gate(data: dict[str, Any]) -> None:
    n, runs, built = data["packages"], data["runs"], data["built_s"]
    passed, per_s, seconds = data["passed"], data["records_per_s"], data["seconds"]
    print(
        f"gate: {n:,} packages, {passed['intended']:,} complete "
        f"({passed['intended'] / n:.0%}); inputs built in {built['records_s']:.1f} s as "
        f"dicts, {built['packages_s']:.1f} s as HandoffPackage, {built['frame_s']:.1f} s "
        f"as a DataFrame; median of {runs} runs (min-max)"
        + ("" if data["gc_freeze"] else ", inputs left to the cyclic collector")
    )
    heading = None
    for name, where, label in GATE_CONTENDERS:
        if where != heading:
            heading = where
            print(f"\n{where:<45} {'records/s':>12} {'(min-max)':>23} {'seconds':>8} {'passed':>9}")
        found = per_s[name]
        spread = f"({found['min']:,.0f}-{found['max']:,.0f})"
        print(
            f"  {label:<43} {found['median']:>12,.0f} {spread:>23} "
            f"{seconds[name]['median']:>8.2f} {passed[name]:>9,}"
        )
    print()
    ratios, met, targets = data["ratios"], data["met"], data["targets"]

    def shown(key: str) -> str:
        found = ratios[key]
        return f"{found['median']:.2f}x ({found['min']:.2f}-{found['max']:.2f})"

    print(
        f"audit as fast as pandera, end to end: {shown('audit_vs_pandera')} "
        f"(target >= {targets['audit_vs_pandera_min']:g}x: {verdict(met['audit_vs_pandera'])})"
    )
    print(f"audit as fast as HandoffPackage(**r) + evaluate_many: {shown('audit_vs_construct')}")
    print(
        f"HandoffPackage(**r) + evaluate_many as fast as pandera: {shown('construct_vs_pandera')}"
    )
    print(
        f"from built objects, as fast as pandera on a built DataFrame: evaluate_many "
        f"{shown('evaluate_many_vs_pandera_frame')}, evaluate "
        f"{shown('evaluate_vs_pandera_frame')}"
    )
    print(
        f"evaluate_many takes {shown('object_floor_vs_evaluate_many')} the plain loop over "
        f"the same packages (target <= {targets['evaluate_many_vs_object_floor_max']:g}x: "
        f"{verdict(met['evaluate_many_vs_object_floor'])}); audit takes "
        f"{shown('floor_vs_audit')} the plain loop over the dicts"
    )
    agreement = data["agreement"]
    counts = ", ".join(
        f"{key.removeprefix('audit_vs_')} {count}"
        for key, count in agreement.items()
        if not key.endswith("_first")
    )
    print(f"disagreements with the audit on {n:,} packages: {counts}")
    for key, first in agreement.items():
        if key.endswith("_first") and first:
            print(f"  first packages {key.removesuffix('_first')} disagree on: {', '.join(first)}")


def measure(size: Size, *, store_repeats: int = 3) -> dict[str, Any]:
    data: dict[str, Any] = {
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "size": asdict(size),
        "seed": SEED,
        "versions": _versions(),
    }
    ratios: dict[str, float] = {}
    met: dict[str, bool] = {}
    plan = make_events(random.Random(SEED + 1), size.events, size.streams)
    data["appends"] = {}
    data["batched"] = {}
    with tempfile.TemporaryDirectory(prefix="alignkit-bench-") as tmp:
        for kind, batch in (("appends", None), ("batched", size.batch)):
            for synchronous in SETTINGS:
                data[kind][synchronous] = measure_appends(
                    Path(tmp), plan, synchronous, size.rounds, batch=batch, repeats=store_repeats
                )
        # Reads take a fraction of a second: five times as many runs for a steadier median.
        data["reads"] = measure_reads(Path(tmp) / "events.db", plan, 5 * store_repeats)

    for kind in ("appends", "batched"):
        for synchronous, row in data[kind].items():
            per_s = row["per_s"]
            vs_raw = per_s["alignkit"] / per_s["raw sqlite3"]
            vs_es = per_s["alignkit"] / per_s["eventsourcing"]
            ratios[f"{kind}_{synchronous}_alignkit_vs_raw"] = vs_raw
            ratios[f"{kind}_{synchronous}_alignkit_vs_eventsourcing"] = vs_es
            ratios[f"{kind}_{synchronous}_checksum_cost"] = (
                1 - per_s["alignkit"] / per_s[CHECKSUMS_OFF]
            )
            met[f"{kind}_{synchronous}_alignkit_vs_raw"] = vs_raw >= TARGET_VS_RAW
            met[f"{kind}_{synchronous}_alignkit_vs_eventsourcing"] = (
                vs_es >= TARGET_VS_EVENTSOURCING
            )
    reads = data["reads"]["per_s"]
    for how in ("read_all", "read"):
        ratios[f"reads_{how}_checksum_cost"] = (
            1 - reads[f"alignkit {how}"] / reads[f"{CHECKSUMS_OFF} {how}"]
        )
    ratios["reads_read_all_alignkit_vs_raw"] = (
        reads["alignkit read_all"] / reads["raw sqlite3 read_all"]
    )
    data["ratios"] = ratios
    data["targets"] = {
        "appends_alignkit_vs_raw_min": TARGET_VS_RAW,
        "appends_alignkit_vs_eventsourcing_min": TARGET_VS_EVENTSOURCING,
        "checksum_cost_max": TARGET_CHECKSUM_COST,
    }
    data["met"] = met
    return data


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("alignkit", "pydantic", "pandas", "pandera", "eventsourcing"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "?"
    return found


# -- the report --------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def report(data: dict[str, Any]) -> None:
    versions = data["versions"]
    print(
        f"Python {data['python']}, SQLite {data['sqlite']}; "
        + ", ".join(f"{k} {v}" for k, v in versions.items())
    )
    report_store_table(data)
    print()
    report_store_ratios(data)
    for kind in ("appends", "batched"):
        for row in data[kind].values():
            for problem in row["problems"]:
                print(f"  store problem ({kind}, {row['synchronous']}): {problem}")
    for problem in data["reads"]["problems"]:
        print(f"  store problem (reads): {problem}")


def report_store_table(data: dict[str, Any]) -> None:
    runs, read_runs = data["appends"]["FULL"]["repeats"], data["reads"]["repeats"]
    print(
        f"{f'store appends/s (median of {runs})':<34} {'alignkit':>12} {'no checksum':>12} "
        f"{'raw sqlite3':>12} {'eventsourcing':>14}   synchronous in use"
    )
    for kind, label in (("appends", "1 event/transaction"), ("batched", "batch/transaction")):
        for synchronous, row in data[kind].items():
            per_s, in_use = row["per_s"], row["synchronous_in_use"]
            n = row["events_per_transaction"]
            title = f"{label.replace('batch', f'{n:,} events')}, {synchronous}"
            print(
                f"{title:<34} {per_s['alignkit']:>12,.0f} {per_s[CHECKSUMS_OFF]:>12,.0f} "
                f"{per_s['raw sqlite3']:>12,.0f} {per_s['eventsourcing']:>14,.0f}   "
                + "/".join(in_use[k] for k in ("alignkit", "raw sqlite3", "eventsourcing"))
            )
    reads = data["reads"]["per_s"]
    print(
        f"{f'store reads/s (median of {read_runs})':<34} {'alignkit':>12} {'no checksum':>12} "
        f"{'raw sqlite3':>12}"
    )
    for how, label in (
        ("read_all", "read_all(), whole store"),
        ("read", "read(stream), every stream"),
    ):
        raw = reads.get(f"raw sqlite3 {how}")
        print(
            f"{label:<34} {reads[f'alignkit {how}']:>12,.0f} "
            f"{reads[f'{CHECKSUMS_OFF} {how}']:>12,.0f} "
            + (f"{raw:>12,.0f}" if raw else f"{'-':>12}")
        )


def report_store_ratios(data: dict[str, Any]) -> None:
    ratios, met, targets = data["ratios"], data["met"], data["targets"]
    for synchronous in SETTINGS:
        raw = ratios[f"appends_{synchronous}_alignkit_vs_raw"]
        es = ratios[f"appends_{synchronous}_alignkit_vs_eventsourcing"]
        print(
            f"appends {synchronous:<6}: alignkit / raw {raw:.2f}x "
            f"(target >= {targets['appends_alignkit_vs_raw_min']:g}: "
            f"{verdict(met[f'appends_{synchronous}_alignkit_vs_raw'])}), "
            f"alignkit / eventsourcing {es:.2f}x "
            f"(target >= {targets['appends_alignkit_vs_eventsourcing_min']:g}: "
            f"{verdict(met[f'appends_{synchronous}_alignkit_vs_eventsourcing'])})"
        )
    for synchronous in SETTINGS:
        raw = ratios[f"batched_{synchronous}_alignkit_vs_raw"]
        es = ratios[f"batched_{synchronous}_alignkit_vs_eventsourcing"]
        print(
            f"batched {synchronous:<6}: alignkit / raw executemany {raw:.2f}x "
            f"(target >= {targets['appends_alignkit_vs_raw_min']:g}: "
            f"{verdict(met[f'batched_{synchronous}_alignkit_vs_raw'])}), "
            f"alignkit / eventsourcing {es:.2f}x"
        )
    limit = targets["checksum_cost_max"]
    costs = [
        (f"{kind} {synchronous}", ratios[f"{kind}_{synchronous}_checksum_cost"])
        for kind in ("appends", "batched")
        for synchronous in SETTINGS
    ]
    costs += [(how, ratios[f"reads_{how}_checksum_cost"]) for how in ("read_all", "read")]
    print(
        f"checksums cost (target <= {limit:.0%}): "
        + ", ".join(f"{name} {cost:+.1%}" for name, cost in costs)
    )
    print(f"reads: alignkit read_all / raw sqlite3 {ratios['reads_read_all_alignkit_vs_raw']:.2f}x")


def failed(data: dict[str, Any]) -> bool:
    broken = any(row["problems"] for kind in ("appends", "batched") for row in data[kind].values())
    return broken or bool(data["reads"]["problems"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, size=FULL.packages, what="handoff packages for the gate")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a small run, as a smoke test: 20,000 packages (unless --size is given), 2,000 events",
    )
    parser.add_argument(
        "--no-gc-freeze",
        action="store_true",
        help="leave the gate's inputs to the cyclic garbage collector while timing",
    )
    parser.add_argument(
        "--store-repeats",
        type=positive_int,
        default=3,
        help="timed repeats of the store's appends and reads (default 3); the median counts",
    )
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--gate-only", action="store_true", help="leave out the store")
    only.add_argument("--store-only", action="store_true", help="leave out the gate")
    parser.add_argument("--json", action="store_true", help="print the store's figures as JSON")
    args = parser.parse_args()
    size = QUICK if args.quick else FULL
    if args.size != FULL.packages or not args.quick:
        size = replace(size, packages=args.size)
    missing = None if args.store_only else MISSING_FOR_GATE
    missing = missing or (None if args.gate_only else MISSING)
    if missing is not None:
        sys.exit(
            f"this benchmark needs {missing}: pip install pandera pandas eventsourcing "
            "(in a virtual environment of its own: see the docstring)"
        )
    print(machine_line())
    figures: dict[str, Any] = {"versions": _versions()}
    status = 0
    if not args.store_only:
        figures["gate"] = measure_gate(size.packages, args.runs, freeze=not args.no_gc_freeze)
        gc.collect()
        report_gate(figures["gate"])
        status |= gate_failed(figures["gate"])
    if not args.gate_only:
        data = measure(size, store_repeats=args.store_repeats)
        figures["store"] = data
        if args.json:
            print(json.dumps(data, indent=2))
        else:
            report(data)
        status |= failed(data)
    write_json(args.json_out, figures)
    if status:
        sys.exit(1)


if __name__ == "__main__":
    main()
