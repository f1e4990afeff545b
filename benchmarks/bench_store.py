"""The event store: ``SQLiteStore`` against the leanest raw-sqlite3 floor and eventsourcing.

In one run, this script:

* generates, from a fixed seed, 20,000 events spread at random over 1,000 streams;
* appends them, one event and one transaction per call, with optimistic concurrency
  (each append names the version it expects the stream to be at), to a new file for
  each of three contenders, at ``synchronous=NORMAL`` in WAL mode:

  - **alignkit**: ``SQLiteStore.append(stream, [event], expected_version=n)``;
  - **raw sqlite3 (the floor)**: the standard library's ``sqlite3`` on the store's own
    table and indexes (its schema is read from ``alignkit.store``), issuing exactly one
    statement per event: ``INSERT ... SELECT ... WHERE`` the stream's ``MAX(version)``
    is the expected one, with the same encoding work (the data as JSON by the same
    encoder, the time in ISO 8601, the same Adler-32 checksum), so that it writes the
    very rows the store writes;
  - **eventsourcing (the peer)**: eventsourcing's ``SQLiteApplicationRecorder``, one
    ``insert_events([stored_event])`` per event, the same fields encoded as JSON as
    the stored event's state;

* reads every event back with each: ``SQLiteStore.read_all()``, one ``SELECT`` decoded
  with no checks (the floor), and the recorder's ``select_notifications`` with each
  event's state decoded the same way;
* does the same at ``synchronous=FULL`` on fewer events (every commit waits for the
  disk, so this setting is slow);
* checks that every file holds every event, in order, at the right version, with its
  data; that the store and the floor wrote the same schema and the same rows; and that
  each refuses a stale append.

The contenders take turns: each run appends the events in rounds, and in each round
every contender appends the next part of them, so that a change in the machine's speed
affects all of them alike. Every time is reported as the median with its range over
``--runs`` runs, and each ratio as the median (with its range) of the ratios of the
same run.

eventsourcing (``eventsourcing>=9.2,<10``) is not one of alignkit's dependencies. Give
it a virtual environment of its own, install alignkit there too, and run the script
with that environment's interpreter, so that all three contenders share one process,
one interpreter and one SQLite::

    python3.11 -m venv /tmp/es-venv
    /tmp/es-venv/bin/pip install -e . 'eventsourcing>=9.2,<10'
    /tmp/es-venv/bin/python benchmarks/bench_store.py

Without eventsourcing, the script measures alignkit and the floor alone, and says so.
The exit status is 1 when a check fails.

Usage::

    python benchmarks/bench_store.py [--size N | --quick] [--streams N] [--runs 5]
        [--rounds 20] [--full-size N] [--dir PATH] [--json] [--json-out PATH]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib.metadata
import json
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal

from _common import (
    add_common_arguments,
    machine,
    machine_line,
    median_range,
    positive_int,
    ratio,
    write_json,
)

from alignkit import store as store_module
from alignkit.store import ConcurrencyError, NewEvent, SQLiteStore

try:
    from eventsourcing.persistence import IntegrityError as EsIntegrityError
    from eventsourcing.persistence import StoredEvent as EsStoredEvent
    from eventsourcing.sqlite import (
        SQLiteApplicationRecorder,
        SQLiteConnection,
        SQLiteConnectionPool,
        SQLiteDatastore,
    )
except ImportError:  # reported in the output
    EVENTSOURCING: str | None = None
else:
    EVENTSOURCING = importlib.metadata.version("eventsourcing")

SEED = 20261123
EPOCH = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
FULL = 20_000
QUICK = 2_000
EVENTS_PER_STREAM = 20
"""The default number of streams is the number of events divided by this."""
TARGET_VS_FLOOR = 0.85
"""alignkit's append rate over the floor's, at ``synchronous=NORMAL``, at the median."""

Sync = Literal["NORMAL", "FULL"]
Plan = list[tuple[str, NewEvent]]
"""Events in the order they are appended, each with its stream."""

# The floor uses the store's own table and indexes, so the two can never drift apart.
SCHEMA: str = store_module._SCHEMA  # noqa: SLF001
CHECKSUM: Callable[[bytes], int] = store_module._checksum  # noqa: SLF001
COLUMNS = "event_id, stream, version, kind, actor, at, data, checksum, category"
FLOOR_INSERT = (
    "INSERT INTO events (event_id, stream, version, kind, actor, at, data, checksum, category) "
    "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 "
    "WHERE coalesce((SELECT MAX(version) FROM events WHERE stream = ?2), 0) = ?3 - 1"
)
"""One conditional INSERT: the row, only if its stream is at the version before it."""
CATEGORY = "handoff"
"""The store's default category, which the checksum leaves out (as the store does)."""

to_json: Callable[[object], str] = store_module._to_json  # noqa: SLF001
"""The store's JSON encoder (compact, keys sorted, no NaN), made once."""


# -- the events --------------------------------------------------------------------------


def make_plan(n: int, streams: int, seed: int = SEED) -> Plan:
    """``n`` events spread at random over ``streams`` deal streams."""
    rng = random.Random(seed)
    kinds = ["deal_stage", "submitted", "flagged", "resolved", "accepted", "activated"]
    plan = []
    for i in range(n):
        stream = f"deal-{rng.randrange(streams):05d}"
        at = EPOCH + dt.timedelta(seconds=i)
        data = {"note": f"event {i}", "amount": rng.randrange(1000, 100_000), "flags": []}
        plan.append((stream, NewEvent(f"evt-{i:07d}", rng.choice(kinds), "ae-1", at, data)))
    return plan


def expected_order(plan: Plan) -> list[tuple[str, str, int]]:
    """Each event's id, stream and version, in the order they are appended."""
    versions: dict[str, int] = {}
    out = []
    for stream, event in plan:
        versions[stream] = versions.get(stream, 0) + 1
        out.append((event.event_id, stream, versions[stream]))
    return out


def sync_name(value: int) -> str:
    return {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(value, str(value))


# -- the contenders ----------------------------------------------------------------------


Decoded = tuple[str, str, int, dt.datetime, Mapping[str, Any]]
"""What a read gives back of each event: id, stream, version, time and data."""


class Contender:
    """Appends one event per transaction, tracking each stream's version as a writer does."""

    name = ""

    def __init__(self, path: Path, synchronous: Sync) -> None:
        self.path = path
        self.synchronous = synchronous
        self.versions: dict[str, int] = {}

    def append(self, chunk: Plan) -> None:
        raise NotImplementedError

    def read_all(self) -> list[Any]:
        raise NotImplementedError

    def decoded(self, found: list[Any]) -> list[Decoded]:
        """What :meth:`read_all` returned, as plain tuples to compare."""
        raise NotImplementedError

    def refuses_stale(self, stream: str, event: NewEvent) -> bool:
        """Append ``event`` to ``stream`` at a version it left behind: True if refused."""
        raise NotImplementedError

    def synchronous_in_use(self) -> str:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class Alignkit(Contender):
    name = "alignkit SQLiteStore"

    def __init__(self, path: Path, synchronous: Sync) -> None:
        super().__init__(path, synchronous)
        self.store = SQLiteStore(path, synchronous=synchronous)

    def append(self, chunk: Plan) -> None:
        append, versions = self.store.append, self.versions
        for stream, event in chunk:
            versions[stream] = append(stream, [event], expected_version=versions.get(stream, 0))

    def read_all(self) -> list[Any]:
        return self.store.read_all()

    def decoded(self, found: list[Any]) -> list[Decoded]:
        return [(e.event_id, e.stream, e.version, e.at, e.data) for e in found]

    def refuses_stale(self, stream: str, event: NewEvent) -> bool:
        try:
            self.store.append(stream, [event], expected_version=self.versions[stream] - 1)
        except ConcurrencyError:
            return True
        return False

    def synchronous_in_use(self) -> str:
        return sync_name(self.store._db.execute("PRAGMA synchronous").fetchone()[0])  # noqa: SLF001

    def close(self) -> None:
        self.store.close()


class Floor(Contender):
    """Raw sqlite3: the store's table and indexes, one conditional INSERT per event."""

    name = "raw sqlite3 floor"

    def __init__(self, path: Path, synchronous: Sync) -> None:
        super().__init__(path, synchronous)
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(f"PRAGMA synchronous={synchronous}")
        self.db.executescript(SCHEMA)

    def insert(self, stream: str, version: int, event: NewEvent) -> bool:
        """The row of ``event`` at ``version``, in one statement: True if it went in."""
        event_id, kind, actor = event.event_id, event.kind, event.actor
        at, data = event.at.isoformat(), to_json(event.data)
        text = "\x1f".join((event_id, stream, str(version), kind, actor, at, data))
        row = (event_id, stream, version, kind, actor, at, data, CHECKSUM(text.encode()), CATEGORY)
        return self.db.execute(FLOOR_INSERT, row).rowcount == 1

    def append(self, chunk: Plan) -> None:
        insert, versions = self.insert, self.versions
        for stream, event in chunk:
            version = versions.get(stream, 0) + 1
            if not insert(stream, version, event):
                msg = f"{stream} is not at version {version - 1}"
                raise RuntimeError(msg)
            versions[stream] = version

    def read_all(self) -> list[Any]:
        """The same rows, decoded, with no checks at all."""
        rows = self.db.execute(
            "SELECT event_id, stream, version, position, kind, actor, at, data FROM events "
            "ORDER BY position"
        ).fetchall()
        from_iso, from_json = dt.datetime.fromisoformat, json.loads
        return [(e, s, v, p, k, a, from_iso(at), from_json(d)) for e, s, v, p, k, a, at, d in rows]

    def decoded(self, found: list[Any]) -> list[Decoded]:
        return [(e, s, v, at, data) for e, s, v, _p, _k, _a, at, data in found]

    def refuses_stale(self, stream: str, event: NewEvent) -> bool:
        return not self.insert(stream, self.versions[stream], event)

    def synchronous_in_use(self) -> str:
        return sync_name(self.db.execute("PRAGMA synchronous").fetchone()[0])

    def close(self) -> None:
        self.db.close()


def es_state(event: NewEvent) -> bytes:
    """What eventsourcing stores as the event's state: the same fields, as JSON."""
    return to_json(
        {"id": event.event_id, "actor": event.actor, "at": event.at.isoformat(), "data": event.data}
    ).encode()


if EVENTSOURCING is not None:

    class SyncPool(SQLiteConnectionPool):
        """eventsourcing's pool, with ``PRAGMA synchronous`` set on every new connection.

        eventsourcing switches the file to WAL itself, but has no setting for
        ``synchronous`` and leaves SQLite's default (FULL, as Python's SQLite is built).
        """

        def __init__(self, *, synchronous: Sync, **kwargs: Any) -> None:
            self.synchronous = synchronous
            super().__init__(**kwargs)

        def _create_connection(self) -> SQLiteConnection:
            connection = super()._create_connection()
            connection.cursor().execute(f"PRAGMA synchronous={self.synchronous}")
            return connection


class EventSourcing(Contender):
    """eventsourcing's ``SQLiteApplicationRecorder``: one ``insert_events`` per event.

    Its table ``stored_events`` is a rowid table (the rowid is the event's position in
    the whole store) with the primary key ``(originator_id, originator_version)``,
    which fails a stale write.
    """

    name = "eventsourcing recorder"

    def __init__(self, path: Path, synchronous: Sync) -> None:
        super().__init__(path, synchronous)
        self.datastore = SQLiteDatastore(str(path), originator_id_type="text")
        self.datastore.pool.close()
        self.datastore.pool = SyncPool(db_name=str(path), synchronous=synchronous)
        self.recorder = SQLiteApplicationRecorder(self.datastore)
        self.recorder.create_table()

    def append(self, chunk: Plan) -> None:
        insert, versions = self.recorder.insert_events, self.versions
        for stream, event in chunk:
            version = versions.get(stream, 0) + 1
            insert([EsStoredEvent(stream, version, event.kind, es_state(event))])
            versions[stream] = version

    def read_all(self) -> list[Any]:
        """Every notification, each event's state decoded as the others decode theirs."""
        from_iso, from_json = dt.datetime.fromisoformat, json.loads
        out = []
        for note in self.recorder.select_notifications(None, sys.maxsize):
            state = from_json(note.state)
            out.append((note, from_iso(state["at"]), state))
        return out

    def decoded(self, found: list[Any]) -> list[Decoded]:
        return [
            (state["id"], note.originator_id, note.originator_version, at, state["data"])
            for note, at, state in found
        ]

    def refuses_stale(self, stream: str, event: NewEvent) -> bool:
        stale = EsStoredEvent(stream, self.versions[stream], event.kind, es_state(event))
        try:
            self.recorder.insert_events([stale])
        except EsIntegrityError:
            return True
        return False

    def synchronous_in_use(self) -> str:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute("PRAGMA synchronous")
            return sync_name(cursor.fetchone()[0])

    def close(self) -> None:
        self.datastore.close()


CONTENDERS: tuple[type[Contender], ...] = (
    (Alignkit, Floor, EventSourcing) if EVENTSOURCING is not None else (Alignkit, Floor)
)
KEYS = {Alignkit: "alignkit", Floor: "floor", EventSourcing: "eventsourcing"}


# -- the checks --------------------------------------------------------------------------


def file_facts(path: Path) -> dict[str, Any]:
    """The journal mode and the schema of the file at ``path``."""
    db = sqlite3.connect(path)
    try:
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
        schema = sorted(
            (kind, name, " ".join(str(sql).split()) if sql else None)
            for kind, name, sql in db.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%'"
            )
        )
    finally:
        db.close()
    return {"journal_mode": mode, "schema": schema}


def rows_of(path: Path) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(path)
    try:
        return db.execute(f"SELECT position, {COLUMNS} FROM events ORDER BY position").fetchall()  # noqa: S608 - ours
    finally:
        db.close()


def check_reads(name: str, decoded: list[Decoded], plan: Plan) -> list[str]:
    """Problems with what a contender read back: every event, in order, with its data."""
    wanted = expected_order(plan)
    got = [(e, s, v) for e, s, v, _at, _data in decoded]
    if got != wanted:
        wrong = sum(a != b for a, b in zip(got, wanted, strict=False))
        return [f"{name} read {len(got):,} events, not {len(wanted):,} ({wrong:,} out of place)"]
    differ = sum(
        at != event.at or dict(data) != dict(event.data)
        for (_e, _s, _v, at, data), (_stream, event) in zip(decoded, plan, strict=True)
    )
    return [f"{name} read {differ:,} events whose time or data differ"] if differ else []


# -- the run -----------------------------------------------------------------------------


def measure_setting(
    folder: Path, plan: Plan, synchronous: Sync, runs: int, rounds: int, *, time_reads: bool
) -> dict[str, Any]:
    """Append ``plan`` to fresh files ``runs`` times, in ``rounds`` interleaved chunks.

    A run's append time is the sum of its rounds; after the appends, each contender
    reads everything once untimed (and checks it), then, with ``time_reads``, once
    timed, in turn.
    """
    step = -(-len(plan) // rounds)
    appends: dict[str, list[float]] = {KEYS[c]: [] for c in CONTENDERS}
    reads: dict[str, list[float]] = {KEYS[c]: [] for c in CONTENDERS}
    problems: list[str] = []
    in_use: dict[str, str] = {}
    refused: dict[str, bool] = {}
    stale = (plan[0][0], NewEvent("evt-stale", "stale", "ae-1", EPOCH, {}))
    for run in range(runs):
        where = folder / f"{synchronous}-{run}"
        where.mkdir()
        shift = run % len(CONTENDERS)  # each run, another contender goes first
        kinds = CONTENDERS[shift:] + CONTENDERS[:shift]
        contenders = {KEYS[kind]: kind(where / f"{KEYS[kind]}.db", synchronous) for kind in kinds}
        elapsed = dict.fromkeys(contenders, 0.0)
        try:
            gc.collect()
            for start in range(0, len(plan), step):
                chunk = plan[start : start + step]
                for key, contender in contenders.items():
                    began = time.perf_counter()
                    contender.append(chunk)
                    elapsed[key] += time.perf_counter() - began
            # Each reads everything once untimed (checked, then dropped), then once timed,
            # with nothing left over from the others for the collector to walk.
            for contender in contenders.values():
                found = contender.decoded(contender.read_all())
                problems += check_reads(contender.name, found, plan)
                del found
            for key, contender in contenders.items() if time_reads else ():
                gc.collect()
                began = time.perf_counter()
                count = len(contender.read_all())
                reads[key].append(time.perf_counter() - began)
                if count != len(plan):
                    problems.append(f"{contender.name} read {count:,} events, not {len(plan):,}")
            for key, contender in contenders.items():
                appends[key].append(elapsed[key])
                refused[key] = contender.refuses_stale(*stale)
                if not refused[key]:
                    problems.append(f"{contender.name} took a stale append")
                in_use[key] = contender.synchronous_in_use()
        finally:
            for contender in contenders.values():
                contender.close()
        problems += check_files(where)
    return summarise(plan, synchronous, appends, reads, problems, in_use, refused, runs)


def check_files(where: Path) -> list[str]:
    """Problems with the files in ``where``: not in WAL, or the floor's differ from the store's.

    The files are deleted afterwards.
    """
    paths = {path.stem: path for path in where.glob("*.db")}
    facts = {key: file_facts(path) for key, path in paths.items()}
    problems = [
        f"the {key} file is in journal mode {fact['journal_mode']}, not WAL"
        for key, fact in facts.items()
        if fact["journal_mode"].lower() != "wal"
    ]
    if facts["alignkit"]["schema"] != facts["floor"]["schema"]:
        problems.append("the floor's table or indexes differ from the store's")
    if rows_of(paths["alignkit"]) != rows_of(paths["floor"]):
        problems.append("the floor's rows differ from the store's")
    for path in where.iterdir():
        path.unlink()
    where.rmdir()
    return problems


def summarise(
    plan: Plan,
    synchronous: Sync,
    appends: dict[str, list[float]],
    reads: dict[str, list[float]],
    problems: list[str],
    in_use: dict[str, str],
    refused: dict[str, bool],
    runs: int,
) -> dict[str, Any]:
    n = len(plan)
    # Rates over rates, run by run: the floor's time over alignkit's is alignkit's
    # rate as a share of the floor's.
    ratios = {
        "append_alignkit_vs_floor": ratio(appends["floor"], appends["alignkit"]),
    }
    if reads["alignkit"]:
        ratios["read_all_alignkit_vs_floor"] = ratio(reads["floor"], reads["alignkit"])
    if "eventsourcing" in appends:
        ratios["append_alignkit_vs_eventsourcing"] = ratio(
            appends["eventsourcing"], appends["alignkit"]
        )
        ratios["append_floor_vs_eventsourcing"] = ratio(appends["eventsourcing"], appends["floor"])
        if reads["alignkit"]:
            ratios["read_all_alignkit_vs_eventsourcing"] = ratio(
                reads["eventsourcing"], reads["alignkit"]
            )
    return {
        "synchronous": synchronous,
        "synchronous_in_use": in_use,
        "events": n,
        "streams": len({stream for stream, _ in plan}),
        "runs": runs,
        "append_s": {key: median_range(samples) for key, samples in appends.items()},
        "append_per_s": {key: rates(n, samples) for key, samples in appends.items()},
        "read_all_s": {key: median_range(samples) for key, samples in reads.items() if samples},
        "read_all_per_s": {key: rates(n, samples) for key, samples in reads.items() if samples},
        "append_samples_s": appends,
        "read_all_samples_s": reads,
        "ratios": ratios,
        "stale_append_refused": refused,
        "problems": sorted(set(problems)),
    }


def rates(n: int, samples: list[float]) -> dict[str, float]:
    """``n`` items per second, at the median and over the range of ``samples``."""
    return median_range([n / seconds for seconds in samples])


def measure(args: argparse.Namespace) -> dict[str, Any]:
    streams = args.streams or max(1, args.size // EVENTS_PER_STREAM)
    full_size = args.size // EVENTS_PER_STREAM if args.full_size is None else args.full_size
    data: dict[str, Any] = {
        "machine": machine(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "eventsourcing": EVENTSOURCING,
        "seed": SEED,
        "rounds": args.rounds,
        "floor_statement": FLOOR_INSERT,
        "target_alignkit_vs_floor_normal": TARGET_VS_FLOOR,
        "settings": [],
    }
    with tempfile.TemporaryDirectory(prefix="alignkit-store-", dir=args.dir) as tmp:
        data["dir"] = str(Path(tmp).parent)
        plans: list[tuple[Sync, Plan]] = [("NORMAL", make_plan(args.size, streams))]
        if full_size:
            few = max(1, full_size * streams // args.size)
            plans.append(("FULL", make_plan(full_size, few)))
        gc.collect()
        gc.freeze()  # the events, built before any timing, are left out of collections
        for synchronous, plan in plans:
            found = measure_setting(
                Path(tmp),
                plan,
                synchronous,
                args.runs,
                args.rounds,
                time_reads=synchronous == "NORMAL",  # the setting does not change reads
            )
            data["settings"].append(found)
    normal = data["settings"][0]["ratios"]["append_alignkit_vs_floor"]["median"]
    data["met"] = {"alignkit_vs_floor_normal": normal >= TARGET_VS_FLOOR}
    return data


# -- the report --------------------------------------------------------------------------


LABELS = {
    "alignkit": "alignkit SQLiteStore",
    "floor": "raw sqlite3 floor",
    "eventsourcing": "eventsourcing recorder",
}


def spread(figure: Mapping[str, float], spec: str, unit: str = "") -> str:
    """A median and its range: ``median (min-max)``."""
    low, high = f"{figure['min']:{spec}}", f"{figure['max']:{spec}}"
    return f"{figure['median']:{spec}}{unit} ({low}-{high})"


def report_setting(row: dict[str, Any]) -> None:
    in_use = ", ".join(f"{key} {value}" for key, value in row["synchronous_in_use"].items())
    print()
    print(
        f"synchronous={row['synchronous']} ({in_use}): {row['events']:,} events over "
        f"{row['streams']:,} stream{'s' if row['streams'] != 1 else ''}, one event per append; "
        f"{row['runs']} runs"
    )
    reads = row["read_all_s"]
    last = "read_all s" if reads else "read_all: not timed at this setting"
    print(f"{'':<24} {'append s':<26} {'appends/s':<28} {last}")
    for key, seconds in row["append_s"].items():
        read = spread(reads[key], ".4f") if key in reads else ""
        print(
            f"{LABELS[key]:<24} {spread(seconds, '.3f'):<26} "
            f"{spread(row['append_per_s'][key], ',.0f'):<28} {read}".rstrip()
        )
    ratios = row["ratios"]
    print("rates, run by run (above 1: alignkit is faster):")
    names = (
        ("append_alignkit_vs_floor", "appends, alignkit / floor"),
        ("append_alignkit_vs_eventsourcing", "appends, alignkit / eventsourcing"),
        ("append_floor_vs_eventsourcing", "appends, floor / eventsourcing"),
        ("read_all_alignkit_vs_floor", "read_all, alignkit / floor"),
        ("read_all_alignkit_vs_eventsourcing", "read_all, alignkit / eventsourcing"),
    )
    for key, label in names:
        if key in ratios:
            print(f"  {label:<36} {spread(ratios[key], '.2f', 'x')}")
    refused = ", ".join(
        f"{key} {'yes' if ok else 'NO'}" for key, ok in row["stale_append_refused"].items()
    )
    print(f"stale append refused: {refused}")
    for problem in row["problems"]:
        print(f"PROBLEM: {problem}")


def report(data: dict[str, Any]) -> None:
    peer = (
        f"eventsourcing {data['eventsourcing']}"
        if data["eventsourcing"]
        else "eventsourcing not installed: alignkit and the floor only"
    )
    print(
        f"Python {data['python']}, SQLite {data['sqlite']}, {peer}; seed {data['seed']}; "
        f"{data['rounds']} rounds per run, interleaved; files in {data['dir']}"
    )
    print("each time and rate: median (min-max) over the runs; each ratio: of the same runs")
    print(f"floor, one statement per event: {data['floor_statement']}")
    for row in data["settings"]:
        report_setting(row)
    print()
    normal = data["settings"][0]["ratios"]["append_alignkit_vs_floor"]
    ok = "met" if data["met"]["alignkit_vs_floor_normal"] else "MISSED"
    print(
        f"appends at NORMAL, alignkit / floor: {spread(normal, '.2f', 'x')} "
        f"(target >= {data['target_alignkit_vs_floor_normal']:g}x at the median: {ok})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, size=FULL, what="events")
    parser.add_argument(
        "--quick", action="store_const", dest="size", const=QUICK, help=f"--size {QUICK:,}"
    )
    parser.add_argument(
        "--streams",
        type=positive_int,
        help=f"over how many streams (default: the events / {EVENTS_PER_STREAM})",
    )
    parser.add_argument(
        "--rounds", type=positive_int, default=20, help="rounds per run (default 20)"
    )
    parser.add_argument(
        "--full-size",
        type=int,
        help=f"events at synchronous=FULL (default: the events / {EVENTS_PER_STREAM}; 0: none)",
    )
    parser.add_argument("--dir", help="where to put the files (default: the temporary folder)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if not args.json:
        print(machine_line(), flush=True)
    data = measure(args)
    write_json(args.json_out, data)
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        report(data)
    if any(row["problems"] for row in data["settings"]):
        sys.exit(1)


if __name__ == "__main__":
    main()
