"""The decision log on SQLite, against the raw store appending the same events.

In one run, this script:

* builds an org of 250 people in 5 functions and a rights matrix of 50 decisions,
  each decided by a function's head after consulting two other functions;
* records ``--size`` decisions (100,000 by default) through a ``DecisionLog`` on a
  fresh ``SQLiteStore`` at ``synchronous=NORMAL`` (texts in the same file, also at
  ``NORMAL``): each is proposed, consulted on twice (with an opinion) and decided,
  so 4 events a decision, every one checked against the decision rights,
  hash-chained, and its text sealed and kept apart from it;
* appends the same events (read back from the first run's log file, built before the
  clock starts) to another fresh ``SQLiteStore`` with ``SQLiteStore.append``, one
  event a call, with no checks and no texts: the floor;
* for reference, writes what the log wrote with ``sqlite3`` alone (the same file
  layout and statements, one transaction an event holding its texts, no Python
  beyond the loop): the least the log's own writes take, so what is left of the gap
  to the floor is the log's Python;
* times ``DecisionLog.verify()`` over the log's file (every chain, every text against
  its commitment), and ``verify(texts=False)`` (the chains alone), and, for
  reference, ``SQLiteStore.read_all`` of the same events (what any reader pays) and
  the least any verification in Python does with the standard library (fetch,
  decode and hash each event, fetch and hash each text: a lower bound, not a peer);
* runs the contenders in turn, ``--runs`` times (log, floor, SQL, then the other
  way round, so a machine speeding up or slowing down affects all alike), and
  reports each as the median (min-max) over the runs, and ratios run by run.

Targets: the full log within 2x of the floor; ``verify()`` over 400,000 events under
2 s. The exit status is 1 when a verification fails or a store does not hold what
was appended to it.

Usage::

    python benchmarks/bench_decision_log.py [--size 100000] [--runs 5] [--json-out PATH]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import add_common_arguments, machine_line, median_range, ratio, write_json

import alignkit.store as store_module
from alignkit.decision_log import DecisionLog
from alignkit.decision_rights import DecisionRights
from alignkit.org import Function, Org, Person
from alignkit.store import NewEvent, SQLiteStore

FUNCTIONS = ("Sales", "Marketing", "IT", "Finance", "Operations")
PEOPLE_PER_FUNCTION = 50
DECISIONS = 50
T0 = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
LOG_TARGET = 2.0
"""The full log should take at most this many times the floor."""
VERIFY_TARGET_S = 2.0
"""``verify()`` over 400,000 events should take less than this."""


def org_and_rights() -> tuple[Org, DecisionRights]:
    """The org and the rights: decision ``k`` is decided by function ``k mod 5``."""
    people = []
    functions = []
    for function in FUNCTIONS:
        head = f"{function.lower()}-head"
        functions.append(Function(function, head))
        people.append(Person(head, f"{function} Head", function))
        people += [
            Person(f"{function.lower()}-{k:02d}", f"{function} Person {k}", function, head)
            for k in range(1, PEOPLE_PER_FUNCTION)
        ]
    table = {}
    for k in range(DECISIONS):
        owner = FUNCTIONS[k % 5]
        first, second = FUNCTIONS[(k + 1) % 5], FUNCTIONS[(k + 2) % 5]
        table[f"decision-{k:02d}"] = {owner: "A", first: "C", second: "C"}
    return Org(functions=functions, people=people), DecisionRights.from_table(table)


def record_decisions(path: Path, size: int, org: Org, rights: DecisionRights) -> float:
    """Seconds to record ``size`` decisions through a log on a new file at ``path``."""
    store = SQLiteStore(path, synchronous="NORMAL")
    log = DecisionLog(rights, org, store=store)  # texts beside the events, as by default
    heads = {f: f"{f.lower()}-head" for f in FUNCTIONS}
    step = dt.timedelta(minutes=1)
    gc.collect()
    start = time.perf_counter()
    for n in range(size):
        k = n % DECISIONS
        owner = FUNCTIONS[k % 5]
        first, second = FUNCTIONS[(k + 1) % 5], FUNCTIONS[(k + 2) % 5]
        at = T0 + n * step
        record = log.propose(
            f"decision-{k:02d}", f"{owner.lower()}-01", f"Proposal {n} for region {n % 7}", at
        )
        log.consult(record, heads[first], at, opinion=f"{first} agrees with proposal {n}")
        log.consult(record, heads[second], at, opinion=f"{second} asks to wait a week")
        log.decide(record, heads[owner], f"Go ahead with proposal {n}", at)
    elapsed = time.perf_counter() - start
    store.close()
    return elapsed


def events_of(path: Path) -> list[tuple[str, NewEvent, int]]:
    """Every event of the log's file as ``(stream, event, expected_version)``."""
    with SQLiteStore(path, read_only=True) as store:
        return [
            (e.stream, NewEvent(e.event_id, e.kind, e.actor, e.at, e.data), e.version - 1)
            for e in store.read_all(category="decision")
        ]


def append_raw(path: Path, events: list[tuple[str, NewEvent, int]]) -> float:
    """Seconds to append ``events`` one a call to a new store at ``path`` (the floor)."""
    store = SQLiteStore(path, synchronous="NORMAL")
    append = store.append
    gc.collect()
    start = time.perf_counter()
    for stream, event, version in events:
        append(stream, [event], expected_version=version, category="decision")
    elapsed = time.perf_counter() - start
    held = len(store.read_all(category="decision"))
    store.close()
    if held != len(events):
        sys.exit(f"the raw store holds {held} events, not {len(events)}")
    return elapsed


_SQL_INSERT_EVENT: str = store_module._INSERT_AT_VERSION  # noqa: SLF001
"""What ``SQLiteStore.append`` runs for one event (a conditional insert at the version),
read from the store so that the two cannot drift apart."""


def writes_of(path: Path) -> list[tuple[tuple[Any, ...], list[tuple[str, bytes]]]]:
    """Every event row of the log's file, in order, with the texts its transaction wrote."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    texts: dict[str, list[tuple[str, bytes]]] = {}
    for key, value in db.execute("SELECT key, value FROM decision_texts"):
        texts.setdefault(key.rpartition("/")[0], []).append((key, value))
    rows = db.execute(
        "SELECT event_id, stream, version, kind, actor, at, data, checksum, category "
        "FROM events ORDER BY position"
    ).fetchall()
    db.close()
    return [(row, texts.get(row[0], [])) for row in rows]


def append_sql(path: Path, writes: list[tuple[tuple[Any, ...], list[tuple[str, bytes]]]]) -> float:
    """Seconds for the log's writes alone, in SQL: the least the log itself can take.

    The same file layout as the log's (made by alignkit, then closed), the same
    statements as the store and the text store run, one transaction an event
    holding its texts, and no Python beyond the loop.
    """
    store = SQLiteStore(path, synchronous="NORMAL")
    DecisionLog(DecisionRights.from_table({}), Org(), store=store)  # adds the texts table
    store.close()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous=NORMAL")
    execute, executemany = db.execute, db.executemany
    put = "INSERT OR REPLACE INTO decision_texts (key, value) VALUES (?, ?)"
    gc.collect()
    start = time.perf_counter()
    for row, texts in writes:
        stream, version = row[1], row[2] - 1
        execute("BEGIN IMMEDIATE")
        execute(_SQL_INSERT_EVENT, (*row, stream, version, stream, version, row[8]))
        if texts:
            executemany(put, texts)
        execute("COMMIT")
    elapsed = time.perf_counter() - start
    held = db.execute("SELECT count(*) FROM events").fetchone()[0]
    db.close()
    if held != len(writes):
        sys.exit(f"the SQL writes left {held} events, not {len(writes)}")
    return elapsed


def verify_floor(path: Path) -> float:
    """Seconds for the least any verification in Python does, with the standard library.

    Over the log's file, with ``sqlite3``, ``json`` and ``hashlib`` and nothing of
    alignkit: fetch each event's fields, decode its data, hash its canonical JSON
    and compare; fetch each text and hash it. No link, version, checksum or type
    checks, no problem named, no text matched to its commitment: a lower bound for
    ``verify()``, not a peer.
    """
    import hashlib
    import json

    string = json.encoder.encode_basestring
    decode = json.JSONDecoder().decode
    sha256 = hashlib.sha256
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    gc.collect()
    gc.disable()
    start = time.perf_counter()
    after, matched = 0, 0
    while True:
        rows = db.execute(
            "SELECT position, stream, version, event_id, kind, actor, at, data FROM events "
            "WHERE position > ? AND category = 'decision' ORDER BY position LIMIT 5000",
            (after,),
        ).fetchall()
        if not rows:
            break
        for _, stream, version, event_id, kind, actor, at, data in rows:
            stored = decode(data)["hash"]
            member = f'"hash":"{stored}"'
            cut = data.find(member)
            body = (
                data[: cut - 1] + data[cut + len(member) :]
                if data[cut - 1] == ","
                else ("{" + data[cut + len(member) + 1 :])
            )
            envelope = (
                f'{{"actor":{string(actor)},"at":"{at}","category":"decision",'
                f'"data":{body},"id":{string(event_id)},"kind":{string(kind)},'
                f'"record":{string(stream)},"version":{version}}}'
            )
            matched += sha256(envelope.encode()).hexdigest() == stored
        after = rows[-1][0]
    key = ""
    while True:
        texts = db.execute(
            "SELECT key, value FROM decision_texts WHERE key > ? ORDER BY key LIMIT 5000", (key,)
        ).fetchall()
        if not texts:
            break
        for _, value in texts:
            sha256(value).hexdigest()
        key = texts[-1][0]
    elapsed = time.perf_counter() - start
    gc.enable()
    db.close()
    if matched != n_events(path):
        sys.exit("the floor of verify() does not match every event: it is out of date")
    return elapsed


def n_events(path: Path) -> int:
    """The number of decision events in the log's file."""
    with SQLiteStore(path, read_only=True) as store:
        return store.count(category="decision")


def verify_times(path: Path, org: Org, rights: DecisionRights) -> tuple[float, float, float]:
    """Seconds for ``verify()``, ``verify(texts=False)`` and ``read_all`` on the log's file."""
    store = SQLiteStore(path, synchronous="NORMAL")
    log = DecisionLog(rights, org, store=store)
    gc.collect()
    start = time.perf_counter()
    result = log.verify()
    full = time.perf_counter() - start
    start = time.perf_counter()
    chains = log.verify(texts=False)
    chains_only = time.perf_counter() - start
    start = time.perf_counter()
    read = len(store.read_all(category="decision"))
    reading = time.perf_counter() - start
    store.close()
    if not (result.ok and chains.ok) or read != result.events:
        sys.exit(f"verify failed: {result}")
    return full, chains_only, reading


def main() -> None:
    """Run the benchmark and print (and optionally save) its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_arguments(parser, size=100_000, what="decisions (4 events each)")
    args = parser.parse_args()
    org, rights = org_and_rights()
    print(machine_line())
    print(f"{args.size:,} decisions, {4 * args.size:,} events, {args.runs} runs")
    samples: dict[str, list[float]] = {
        "log": [],
        "floor": [],
        "log_sql": [],
        "verify": [],
        "verify_chains": [],
        "read_all": [],
        "verify_floor": [],
    }
    with tempfile.TemporaryDirectory() as folder:
        events: list[tuple[str, NewEvent, int]] = []
        writes: list[tuple[tuple[Any, ...], list[tuple[str, bytes]]]] = []
        for run in range(args.runs):
            paths = {name: Path(folder) / f"{name}-{run}.db" for name in ("log", "floor", "sql")}
            # The floors append the events of the first run's log: that run goes log first.
            order = ("log", "floor", "sql") if run % 2 == 0 else ("sql", "floor", "log")
            for contender in order:
                if contender == "log":
                    samples["log"].append(record_decisions(paths["log"], args.size, org, rights))
                    if not events:
                        events = events_of(paths["log"])
                        writes = writes_of(paths["log"])
                elif contender == "floor":
                    samples["floor"].append(append_raw(paths["floor"], events))
                else:
                    samples["log_sql"].append(append_sql(paths["sql"], writes))
            full, chains, reading = verify_times(paths["log"], org, rights)
            samples["verify"].append(full)
            samples["verify_chains"].append(chains)
            samples["read_all"].append(reading)
            samples["verify_floor"].append(verify_floor(paths["log"]))
            print(
                f"run {run + 1}: log {samples['log'][-1]:.1f} s, floor "
                f"{samples['floor'][-1]:.1f} s, log's SQL {samples['log_sql'][-1]:.1f} s, "
                f"verify {full:.2f} s (chains {chains:.2f} s, read_all {reading:.2f} s, "
                f"floor {samples['verify_floor'][-1]:.2f} s)",
                flush=True,
            )
            for path in paths.values():
                for suffix in ("", "-wal", "-shm"):
                    Path(str(path) + suffix).unlink(missing_ok=True)
    figures: dict[str, Any] = {
        "size": args.size,
        "events": 4 * args.size,
        "runs": args.runs,
        **{name: median_range(values) for name, values in samples.items()},
        "log_over_floor": ratio(samples["log"], samples["floor"]),
        "log_sql_over_floor": ratio(samples["log_sql"], samples["floor"]),
        "verify_over_read_all": ratio(samples["verify"], samples["read_all"]),
        "verify_over_floor": ratio(samples["verify"], samples["verify_floor"]),
    }
    print()
    for name in samples:
        found = figures[name]
        print(f"{name:>14}: {found['median']:8.2f} s ({found['min']:.2f}-{found['max']:.2f})")
    for name, target in (
        ("log_over_floor", LOG_TARGET),
        ("log_sql_over_floor", None),
        ("verify_over_read_all", None),
        ("verify_over_floor", None),
    ):
        found = figures[name]
        goal = f"  target <= {target}x" if target else ""
        print(f"{name:>20}: {found['median']:.2f}x ({found['min']:.2f}-{found['max']:.2f}){goal}")
    print(f"verify target: < {VERIFY_TARGET_S} s for 400,000 events")
    print(machine_line())
    write_json(args.json_out, figures)


if __name__ == "__main__":
    main()
