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
* times ``DecisionLog.verify()`` over the log's file (every chain, every text against
  its commitment), and ``verify(texts=False)`` (the chains alone), and, for
  reference, ``SQLiteStore.read_all`` of the same events (what any reader pays);
* runs the contenders in turn, ``--runs`` times (log then floor, then floor then log,
  so a machine speeding up or slowing down affects both alike), and reports each as
  the median (min-max) over the runs, and the ratio of log to floor run by run.

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
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import add_common_arguments, machine_line, median_range, ratio, write_json

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
        "verify": [],
        "verify_chains": [],
        "read_all": [],
    }
    with tempfile.TemporaryDirectory() as folder:
        events: list[tuple[str, NewEvent, int]] = []
        for run in range(args.runs):
            log_path = Path(folder) / f"log-{run}.db"
            floor_path = Path(folder) / f"floor-{run}.db"
            # The floor appends the events of the first run's log: that run goes log first.
            order = ("log", "floor") if run % 2 == 0 else ("floor", "log")
            for contender in order:
                if contender == "log":
                    samples["log"].append(record_decisions(log_path, args.size, org, rights))
                    if not events:
                        events = events_of(log_path)
                else:
                    samples["floor"].append(append_raw(floor_path, events))
            full, chains, reading = verify_times(log_path, org, rights)
            samples["verify"].append(full)
            samples["verify_chains"].append(chains)
            samples["read_all"].append(reading)
            print(
                f"run {run + 1}: log {samples['log'][-1]:.1f} s, floor "
                f"{samples['floor'][-1]:.1f} s, verify {full:.2f} s "
                f"(chains {chains:.2f} s, read_all {reading:.2f} s)",
                flush=True,
            )
            for path in (log_path, floor_path):
                for suffix in ("", "-wal", "-shm"):
                    Path(str(path) + suffix).unlink(missing_ok=True)
    figures: dict[str, Any] = {
        "size": args.size,
        "events": 4 * args.size,
        "runs": args.runs,
        **{name: median_range(values) for name, values in samples.items()},
        "log_over_floor": ratio(samples["log"], samples["floor"]),
        "verify_over_read_all": ratio(samples["verify"], samples["read_all"]),
    }
    print()
    for name in samples:
        found = figures[name]
        print(f"{name:>14}: {found['median']:8.2f} s ({found['min']:.2f}-{found['max']:.2f})")
    for name, target in (("log_over_floor", LOG_TARGET), ("verify_over_read_all", None)):
        found = figures[name]
        goal = f"  target <= {target}x" if target else ""
        print(f"{name:>20}: {found['median']:.2f}x ({found['min']:.2f}-{found['max']:.2f}){goal}")
    print(f"verify target: < {VERIFY_TARGET_S} s for 400,000 events")
    print(machine_line())
    write_json(args.json_out, figures)


if __name__ == "__main__":
    main()
