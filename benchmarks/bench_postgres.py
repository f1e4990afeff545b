"""PostgresStore against raw psycopg inserts on the same table, and against SQLite.

In one run, this script:

* starts a throwaway PostgreSQL cluster with **fsync on** (the tests' cluster, which
  ``.ci/run`` starts, runs with fsync off; a benchmark must not), unless ``--dsn``
  names a server to use;
* appends ``--size`` events (2,000 by default), five to a stream, **one transaction
  per event**, with each of:

  - **alignkit**: ``PostgresStore.append(stream, [event], expected_version=n)``
    (optimistic concurrency, idempotency by event id, positions in commit order
    under the append lock);
  - **raw psycopg (the floor)**: one ``INSERT`` per event, autocommit, into a table
    of the same columns and indexes, with the position counted in Python and the
    row encoded beforehand: no lock, no check;
  - **SQLite at the same durability**: ``SQLiteStore(synchronous="FULL")`` (every
    commit waits for the disk, as PostgreSQL's with fsync on);

* appends ``--batch-size`` events (100,000 by default) **in batches** of 1,000 (one
  transaction a batch): ``PostgresStore.append_many``, one ``INSERT ... SELECT FROM
  unnest(...)`` a batch with the arrays sent in binary (the floor), and
  ``SQLiteStore.append_many``;
* reads those events back as a follower does, 1,000 at a time after the last
  position seen: ``PostgresStore.read_all(after=..., limit=1000)`` (decoded into
  events), the same ``SELECT`` fetched raw with psycopg (the floor), and
  ``SQLiteStore.read_all`` (decoded and checksummed);
* takes turns: each run times every contender once, in an order that alternates
  between runs, each on freshly emptied tables (and a new SQLite file), so that a
  machine speeding up or slowing down affects all alike; reports each as the median
  (min-max) over ``--runs`` runs, and each ratio run by run.

Needs root (the cluster is started as the ``postgres`` user, as CI does) and
Debian's ``postgresql`` package (installed if missing), or ``--dsn``.

Usage::

    python benchmarks/bench_postgres.py [--size 2000] [--batch-size 100000] [--runs 5]
        [--dsn postgresql://...] [--json-out PATH]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
from _common import (
    add_common_arguments,
    machine_line,
    median_range,
    positive_int,
    ratio,
    write_json,
)

from alignkit.store import NewEvent, PostgresStore, SQLiteStore

ROOT = Path(__file__).parents[1]
T0 = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
BATCH = 1000
PER_STREAM = 5


@contextlib.contextmanager
def durable_server(port: int = 55439) -> Iterator[str]:
    """A throwaway cluster with fsync on (the tests' runs with it off); stopped afterwards.

    As ``.ci/run`` starts the tests' one: Debian's postgresql, a temp dir, the postgres
    user, 127.0.0.1 only.
    """
    if not Path("/usr/lib/postgresql").is_dir():
        sys.exit("install Debian's postgresql package, or pass --dsn")
    bin_dir = max(Path("/usr/lib/postgresql").glob("*/bin"))
    folder = Path(tempfile.mkdtemp(prefix="alignkit-pg-bench."))
    shutil.chown(folder, "postgres")
    data = folder / "data"

    def as_postgres(*command: str) -> None:
        subprocess.run(
            ["/usr/sbin/runuser", "-u", "postgres", "--", *command],
            cwd="/",
            check=True,
            capture_output=True,
        )

    try:
        as_postgres(
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
        )
        as_postgres(
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(folder / "server.log"),
            "-w",
            "start",
            "-o",
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1",
        )
        with psycopg.connect(
            f"host={folder} port={port} user=postgres dbname=postgres", autocommit=True
        ) as admin:
            admin.execute("CREATE ROLE alignkit LOGIN PASSWORD 'alignkit'")
            admin.execute("CREATE DATABASE alignkit OWNER alignkit")
        yield f"postgresql://alignkit:alignkit@127.0.0.1:{port}/alignkit"
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            as_postgres(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def events(size: int) -> list[tuple[str, NewEvent, int]]:
    """``size`` events, five to a stream, each with the version its stream is at."""
    return [
        (
            f"deal-{n // PER_STREAM}",
            NewEvent(f"e{n}", "submitted", "ae-1", T0, {"n": n, "note": "scope agreed"}),
            n % PER_STREAM,
        )
        for n in range(size)
    ]


def raw_rows(batch: list[tuple[str, NewEvent, int]]) -> list[tuple[Any, ...]]:
    """The rows the floor inserts: encoded before the clock starts."""
    import json

    return [
        (
            n + 1,
            event.event_id,
            stream,
            version + 1,
            event.kind,
            event.actor,
            event.at.isoformat(),
            json.dumps(dict(event.data), sort_keys=True, separators=(",", ":")),
            "handoff",
        )
        for n, (stream, event, version) in enumerate(batch)
    ]


INSERT_ONE = (
    "INSERT INTO floor_events (position, event_id, stream, version, kind, actor, at, data, "
    "category) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
INSERT_MANY = (
    "INSERT INTO floor_events (position, event_id, stream, version, kind, actor, at, data, "
    "category) SELECT * FROM unnest(%b::bigint[], %b::text[], %b::text[], %b::bigint[], "
    "%b::text[], %b::text[], %b::text[], %b::text[], %b::text[])"
)
FOLLOW = (
    "SELECT event_id, stream, version, position, kind, actor, at, data, category "
    "FROM {table} WHERE position > %s ORDER BY position LIMIT %s"
)


class Bench:
    def __init__(self, dsn: str, folder: Path) -> None:
        self.dsn = dsn
        self.folder = folder
        self.admin = psycopg.connect(dsn, autocommit=True)
        PostgresStore(dsn).close()
        self.admin.execute("DROP TABLE IF EXISTS floor_events")
        self.admin.execute("CREATE TABLE floor_events (LIKE alignkit_events INCLUDING ALL)")

    def empty(self, table: str) -> None:
        self.admin.execute(f"TRUNCATE {table}")
        self.admin.execute(f"VACUUM ANALYZE {table}")
        gc.collect()

    def sqlite(self, name: str) -> SQLiteStore:
        path = self.folder / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return SQLiteStore(path, synchronous="FULL")

    # -- one transaction per event --

    def one_alignkit(self, batch: list[tuple[str, NewEvent, int]]) -> float:
        self.empty("alignkit_events")
        with PostgresStore(self.dsn) as store:
            append = store.append
            start = time.perf_counter()
            for stream, event, version in batch:
                append(stream, [event], expected_version=version)
            return time.perf_counter() - start

    def one_floor(self, batch: list[tuple[str, NewEvent, int]]) -> float:
        self.empty("floor_events")
        rows = raw_rows(batch)
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            start = time.perf_counter()
            for row in rows:
                conn.execute(INSERT_ONE, row)
            return time.perf_counter() - start

    def one_sqlite(self, batch: list[tuple[str, NewEvent, int]]) -> float:
        with self.sqlite("one") as store:
            append = store.append
            gc.collect()
            start = time.perf_counter()
            for stream, event, version in batch:
                append(stream, [event], expected_version=version)
            return time.perf_counter() - start

    # -- batches of 1,000 --

    def many_alignkit(self, batch: list[tuple[str, NewEvent, int]]) -> float:
        self.empty("alignkit_events")
        with PostgresStore(self.dsn) as store:
            start = time.perf_counter()
            for i in range(0, len(batch), BATCH):
                store.append_many([(s, [e], v) for s, e, v in batch[i : i + BATCH]])
            return time.perf_counter() - start

    def many_floor(self, batch: list[tuple[str, NewEvent, int]]) -> float:
        self.empty("floor_events")
        rows = raw_rows(batch)
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            start = time.perf_counter()
            for i in range(0, len(rows), BATCH):
                columns = [list(c) for c in zip(*rows[i : i + BATCH], strict=True)]
                with conn.transaction():
                    conn.execute(INSERT_MANY, columns)
            return time.perf_counter() - start

    def many_sqlite(self, batch: list[tuple[str, NewEvent, int]]) -> float:
        with self.sqlite("many") as store:
            gc.collect()
            start = time.perf_counter()
            for i in range(0, len(batch), BATCH):
                store.append_many([(s, [e], v) for s, e, v in batch[i : i + BATCH]])
            return time.perf_counter() - start

    # -- a follower catching up (on what the batched runs left) --

    def follow_alignkit(self, size: int) -> float:
        with PostgresStore(self.dsn, read_only=True) as store:
            return follow(lambda after: store.read_all(after=after, limit=BATCH), size)

    def follow_floor(self, size: int) -> float:
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            sql = FOLLOW.format(table="alignkit_events")
            return follow(
                lambda after: conn.execute(sql, (after, BATCH)).fetchall(), size, raw=True
            )

    def follow_sqlite(self, size: int) -> float:
        with SQLiteStore(self.folder / "many.db", read_only=True) as store:
            return follow(lambda after: store.read_all(after=after, limit=BATCH), size)


def follow(read: Callable[[int], list[Any]], size: int, *, raw: bool = False) -> float:
    gc.collect()
    start = time.perf_counter()
    after = seen = 0
    while chunk := read(after):
        seen += len(chunk)
        after = chunk[-1][3] if raw else chunk[-1].position
    elapsed = time.perf_counter() - start
    if seen != size:
        sys.exit(f"a follower read {seen} events, not {size}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_common_arguments(parser, size=2_000, what="events appended one a transaction")
    parser.add_argument(
        "--batch-size", type=positive_int, default=100_000, help="events appended in batches"
    )
    parser.add_argument("--dsn", help="a PostgreSQL server to use (else a throwaway one)")
    options = parser.parse_args()
    print(machine_line())
    server = contextlib.nullcontext(options.dsn) if options.dsn else durable_server()
    with server as dsn, tempfile.TemporaryDirectory() as folder:
        figures = run(Bench(dsn, Path(folder)), options)
    write_json(options.json_out, figures)


def run(bench: Bench, options: argparse.Namespace) -> dict[str, Any]:
    one, many = events(options.size), events(options.batch_size)
    fsync = bench.admin.execute("SHOW fsync").fetchone()
    print(
        f"{options.size:,} events one a transaction, {options.batch_size:,} in batches of "
        f"{BATCH:,}; PostgreSQL fsync={fsync[0] if fsync else '?'}, SQLite synchronous=FULL; "
        f"{options.runs} runs"
    )
    times: dict[str, list[float]] = {}
    steps: list[tuple[str, Callable[[], float]]] = [
        ("one/alignkit", lambda: bench.one_alignkit(one)),
        ("one/floor", lambda: bench.one_floor(one)),
        ("one/sqlite", lambda: bench.one_sqlite(one)),
        ("many/alignkit", lambda: bench.many_alignkit(many)),
        ("many/floor", lambda: bench.many_floor(many)),
        ("many/sqlite", lambda: bench.many_sqlite(many)),
    ]
    for number in range(options.runs):
        order = steps if number % 2 == 0 else [*steps[:3][::-1], *steps[3:][::-1]]
        for name, step in order:
            times.setdefault(name, []).append(step())
        # The followers read what the batched alignkit run left (the floor the same rows).
        for name, step in (
            ("follow/alignkit", lambda: bench.follow_alignkit(len(many))),
            ("follow/floor", lambda: bench.follow_floor(len(many))),
            ("follow/sqlite", lambda: bench.follow_sqlite(len(many))),
        ):
            times.setdefault(name, []).append(step())
        print(f"run {number + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()))
    figures: dict[str, Any] = {"times_s": {k: median_range(v) for k, v in times.items()}}
    print()
    for name, samples in times.items():
        size = options.size if name.startswith("one/") else options.batch_size
        rates = [size / s for s in samples]
        m = median_range(rates)
        print(f"{name:>16}: {m['median']:>10,.0f} events/s ({m['min']:,.0f}-{m['max']:,.0f})")
    ratios = {
        "one alignkit/floor": ratio(times["one/alignkit"], times["one/floor"]),
        "one alignkit/sqlite": ratio(times["one/alignkit"], times["one/sqlite"]),
        "many alignkit/floor": ratio(times["many/alignkit"], times["many/floor"]),
        "many alignkit/sqlite": ratio(times["many/alignkit"], times["many/sqlite"]),
        "follow alignkit/floor": ratio(times["follow/alignkit"], times["follow/floor"]),
        "follow alignkit/sqlite": ratio(times["follow/alignkit"], times["follow/sqlite"]),
    }
    print()
    for name, value in ratios.items():
        print(f"{name:>24}: {value['median']:.2f}x time ({value['min']:.2f}-{value['max']:.2f})")
    figures["ratios"] = ratios
    return figures


if __name__ == "__main__":
    main()
