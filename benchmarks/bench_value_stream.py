"""Value stream metrics on a 10,000-step stream, against plain Python computing the same.

In one run, this script:

* generates, from a fixed seed and before any clock starts, a current state of
  ``--size`` steps (10,000 by default): serial runs of 2-10 steps, each followed by a
  fork into 2-4 parallel branches of 1-5 steps that join again in one step (the first
  step of each later branch names the fork step in ``after``, the join names the last
  step of every branch; every other step follows the one before it); six functions
  (a serial step keeps the function before it three times in five, each branch and
  join draws its own); process times from 5 minutes to 2 days; waits log-uniform from
  5 minutes to a week of 8-hour days (3% none, 0.5% exactly a week, so the bottleneck
  has ties), as ``timedelta``; %C&A 100 for nine steps in ten and 60-99.5 for the rest
  (a product of 10,000 percentages all below 100 would underflow to 0.0 and check
  nothing). A future state has the same steps, functions and ``after``, with changed
  times and %C&A: 40% of waits halved, 10% drawn again, 20% of process times drawn
  again, half the %C&A below 100 raised, 2% of the others lowered;
* times, ``--runs`` times (5 by default), in alternating order (A B C D E F, then
  F E D C B A, ...):

  - ``alignkit``: ``ValueStream(name, steps)`` from the ``Step`` objects, for the
    current and the future state (this checks the steps and computes every metric),
    then reading ``lead_time``, ``process_time``, ``activity_ratio``,
    ``rolled_pct_complete_accurate``, ``handoffs``, ``bottleneck``,
    ``lead_time_share`` and ``metrics.critical_path`` of both, and
    ``compare(current, future)``;
  - ``floor``: the same metrics in plain Python over the same data held as plain lists
    (names, functions, durations in integer microseconds, %C&A, and the names each
    step waits for, resolved to indexes in the timed code as any implementation must
    resolve them): topological order, the longest path by lead time
    with back-pointers, totals along it, activity ratio, product of %C&A, handoffs (a
    change of function along any edge), bottleneck (the longest wait, ties by lead
    time then the earliest step), each function's share of the lead time along the
    path; for both states, then the differences of the metrics ``compare`` reports;
  - ``floor, predecessors given as indexes``: the same floor handed each step's
    predecessors already resolved to indexes (before its clock starts): the floor
    with nothing but the arithmetic left, for reference;
  - ``Step objects``: making the ``Step`` objects of both states from their fields;
  - ``from_table``: ``ValueStream.from_table(rows)`` for both states, from rows of
    text as a spreadsheet holds them (``"2h"``, ``"1.5d"``, ``"1w"``, ``"87.5"``,
    ``after`` as names separated by commas);
  - ``first call``: a fresh interpreter (``python -c``) that loads the current
    state's fields (pickled, before its clock starts), imports
    ``alignkit.value_stream``, makes the steps and builds the stream once: the wall
    time of the whole process, and, measured inside it, the import, the steps and the
    stream. Beside it, ``bare``: the same interpreter loading the same file and
    nothing else. Both share a private bytecode cache, filled by an untimed run;

* measures, in a separate untimed pass with ``tracemalloc``, the peak memory of
  building the current stream from its steps, of ``from_table`` on its rows and of
  the floor on its lists;
* checks that alignkit (from steps, from the table, in the fresh interpreter) and the
  floor agree, for both states, on the lead time, process time, rolled %C&A (to 1e-9
  relative), number of handoffs, the bottleneck's name and the critical path, and on
  the changes ``compare`` reports.

Each figure is the median (min-max) over the runs; each ratio is taken run by run.

Target: ``alignkit`` within 2x of the floor (``alignkit / floor <= 2`` at the median).
The exit status is 1 when any of the checks disagrees.

Usage::

    python benchmarks/bench_value_stream.py [--size 10000] [--runs 5] [--json-out PATH]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import itertools
import json
import math
import pickle
import random
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _common import (
    BARE_CHILD,
    add_common_arguments,
    child_env,
    machine,
    machine_line,
    median_range,
    peak_mb,
    ratio,
    run_child,
    timed,
    write_json,
)

from alignkit.value_stream import Step, StreamComparison, ValueStream, compare

SEED = 20260105
FULL = 10_000
TARGET = 2.0
"""``alignkit`` should take at most this many times the floor."""
FUNCTIONS = ("Sales", "Marketing", "Operations", "Finance", "Legal", "IT")
PROCESS_MINUTES = (5, 10, 15, 30, 45, 60, 90, 120, 180, 240, 480, 960)
PROCESS_WEIGHTS = (6, 8, 10, 12, 8, 12, 6, 10, 6, 8, 4, 2)
WEEK = 5 * 8 * 60
"""A week of five 8-hour working days, in minutes: the longest wait."""
US_PER_MINUTE = 60_000_000
REL_TOL = 1e-9
COMPARED = (
    "lead_time",
    "process_time",
    "wait_time",
    "activity_ratio",
    "rolled_pct_complete_accurate",
    "handoffs",
    "handoff_wait",
    "steps",
)
"""The metrics ``compare`` reports, in its order; the floor works out the same."""

CHILD = """\
import datetime, json, pickle, sys, time
with open(sys.argv[1], "rb") as file:
    fields = pickle.load(file)
us = datetime.timedelta(microseconds=1)
start = time.perf_counter()
from alignkit.value_stream import Step, ValueStream
imported = time.perf_counter()
steps = [Step(*row) for row in fields]
made = time.perf_counter()
stream = ValueStream("current", steps)
metrics = stream.metrics
built = time.perf_counter()
found = {
    "import_s": imported - start,
    "steps_s": made - imported,
    "stream_s": built - made,
    "total_s": built - start,
    "lead_us": metrics.lead_time // us,
    "process_us": metrics.process_time // us,
    "rolled": metrics.rolled_pct_complete_accurate,
    "handoffs": len(metrics.handoffs),
    "bottleneck": metrics.bottleneck.name,
    "critical_path": list(metrics.critical_path),
}
with open(sys.argv[2], "w") as file:
    json.dump(found, file)
"""
"""The fresh interpreter's program: ``python -c CHILD fields.pickle out.json``."""
BARE = BARE_CHILD  # the same interpreter loading the same data, and nothing else


# -- the data ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """The steps' names, functions and ``after`` (as indexes), shared by both states."""

    names: list[str]
    functions: list[str]
    after: list[tuple[int, ...]]
    forks: int
    branches: int


@dataclass(frozen=True)
class State:
    """One state's times (integer minutes) and %C&A, step by step."""

    process: list[int]
    wait: list[int]
    pct: list[float]


def draw_process(rng: random.Random) -> int:
    return rng.choices(PROCESS_MINUTES, PROCESS_WEIGHTS)[0]


def draw_wait(rng: random.Random) -> int:
    """A wait in minutes: log-uniform from 5 minutes to a week, in realistic grains."""
    roll = rng.random()
    if roll < 0.03:
        return 0
    if roll < 0.035:
        return WEEK
    minutes = math.exp(rng.uniform(math.log(5), math.log(WEEK)))
    grain = 5 if minutes < 60 else 30 if minutes < 480 else 240
    return min(WEEK, max(grain, round(minutes / grain) * grain))


def draw_pct(rng: random.Random) -> float:
    return 100.0 if rng.random() < 0.9 else rng.randrange(120, 200) / 2


def make_shape(size: int, rng: random.Random) -> Shape:
    """Serial runs with regular forks into 2-4 branches that join again."""
    functions: list[str] = []
    after: list[tuple[int, ...]] = []
    forks = branches = 0

    def add(function: str, before: tuple[int, ...] = ()) -> None:
        functions.append(function)
        after.append(before)

    while len(functions) < size:
        for _ in range(min(rng.randint(2, 10), size - len(functions))):
            keep = functions and rng.random() < 0.6
            add(functions[-1] if keep else rng.choice(FUNCTIONS))
        lengths = [rng.randint(1, 5) for _ in range(rng.randint(2, 4))]
        if len(functions) + sum(lengths) + 1 > size:
            continue  # no room for a whole fork: the serial runs fill up the rest
        fork, ends = len(functions) - 1, []
        for branch, length in enumerate(lengths):
            function = rng.choice(FUNCTIONS)
            for position in range(length):
                add(function, (fork,) if position == 0 and branch else ())
            ends.append(len(functions) - 1)
        add(rng.choice(FUNCTIONS), tuple(ends))
        forks += 1
        branches += len(lengths)
    names = [f"step-{n:05d}" for n in range(size)]
    return Shape(names, functions, after, forks, branches)


def make_current(size: int, rng: random.Random) -> State:
    process = [draw_process(rng) for _ in range(size)]
    wait = [draw_wait(rng) for _ in range(size)]
    return State(process, wait, [draw_pct(rng) for _ in range(size)])


def make_future(current: State, rng: random.Random) -> State:
    """The same steps with changed times and %C&A."""
    process, wait, pct = list(current.process), list(current.wait), list(current.pct)
    for n in range(len(process)):
        roll = rng.random()
        if roll < 0.4:
            wait[n] //= 2
        elif roll < 0.5:
            wait[n] = draw_wait(rng)
        if rng.random() < 0.2:
            process[n] = draw_process(rng)
        if pct[n] < 100 and rng.random() < 0.5:
            pct[n] = min(100.0, pct[n] + rng.randrange(10, 41) / 2)
        elif pct[n] == 100 and rng.random() < 0.02:
            pct[n] = rng.randrange(180, 200) / 2
    return State(process, wait, pct)


def as_text(minutes: int) -> str:
    """A duration as a spreadsheet cell: ``1w``, ``2d``, ``2.5d``, ``3h`` or ``45m``."""
    if minutes == 0:
        return "0"
    for unit, size in (("w", WEEK), ("d", 480), ("h", 60)):
        if minutes % size == 0:
            return f"{minutes // size}{unit}"
    if minutes % 240 == 0:
        return f"{minutes / 480:g}d"
    return f"{minutes}m"


@dataclass(frozen=True)
class Inputs:
    """One state in each contender's form."""

    fields: list[tuple[Any, ...]]
    """``Step`` arguments: name, function, process and lead time (timedelta), %C&A, after."""
    rows: list[dict[str, str]]
    """Rows of text, as ``ValueStream.from_table`` reads them."""
    plain: Plain
    """The floor's lists."""


@dataclass(frozen=True)
class Plain:
    """A state as plain lists: what the floor computes from."""

    names: list[str]
    functions: list[str]
    process: list[int]
    lead: list[int]
    pct: list[float]
    afters: list[tuple[str, ...]]
    """The names each step waits for (empty: the step before it), as the user writes them."""


def inputs(shape: Shape, state: State) -> Inputs:
    names = shape.names
    fields, rows = [], []
    for n, name in enumerate(names):
        process, lead = state.process[n], state.process[n] + state.wait[n]
        after = tuple(names[p] for p in shape.after[n])
        fields.append(
            (
                name,
                shape.functions[n],
                dt.timedelta(minutes=process),
                dt.timedelta(minutes=lead),
                state.pct[n],
                after,
            )
        )
        rows.append(
            {
                "name": name,
                "function": shape.functions[n],
                "process_time": as_text(process),
                "lead_time": as_text(lead),
                "pct_complete_accurate": f"{state.pct[n]:g}",
                "after": ", ".join(after),
            }
        )
    plain = Plain(
        names=list(names),
        functions=list(shape.functions),
        process=[m * US_PER_MINUTE for m in state.process],
        lead=[(p + w) * US_PER_MINUTE for p, w in zip(state.process, state.wait, strict=True)],
        pct=list(state.pct),
        afters=[tuple(names[p] for p in shape.after[n]) for n in range(len(names))],
    )
    return Inputs(fields, rows, plain)


# -- the floor ---------------------------------------------------------------------------


def kahn(predecessors: Sequence[tuple[int, ...]]) -> list[int]:
    """A topological order by Kahn's algorithm."""
    successors: list[list[int]] = [[] for _ in predecessors]
    waiting = [len(before) for before in predecessors]
    for n, before in enumerate(predecessors):
        for p in before:
            successors[p].append(n)
    order = [n for n, count in enumerate(waiting) if not count]
    for node in order:
        for nxt in successors[node]:
            waiting[nxt] -= 1
            if not waiting[nxt]:
                order.append(nxt)
    return order


def topological_order(predecessors: Sequence[tuple[int, ...]]) -> Sequence[int]:
    """The steps as listed when every predecessor comes first (as here), else Kahn's."""
    for n, before in enumerate(predecessors):
        for p in before:
            if p >= n:
                return kahn(predecessors)
    return range(len(predecessors))


def resolve(data: Plain) -> list[tuple[int, ...]]:
    """Each step's predecessors by index: steps name the steps they wait for."""
    index = dict(zip(data.names, range(len(data.names)), strict=True))
    predecessors: list[tuple[int, ...]] = list(zip(range(-1, len(data.names) - 1)))
    predecessors[0] = ()  # by default the step before; the first step has none
    for n in itertools.compress(range(len(data.afters)), data.afters):
        predecessors[n] = tuple([index[name] for name in data.afters[n]])
    return predecessors


def floor_metrics(data: Plain, resolved: list[tuple[int, ...]] | None = None) -> dict[str, Any]:
    """Every metric of one state, by hand, in integer microseconds."""
    lead, process, functions = data.lead, data.process, data.functions
    predecessors = resolve(data) if resolved is None else resolved
    size = len(lead)
    finish = [0] * size
    via = [-1] * size
    for node in topological_order(predecessors):
        start, best = 0, -1
        for p in predecessors[node]:  # the first of the latest to finish
            if best < 0 or finish[p] > start:
                start, best = finish[p], p
        finish[node] = start + lead[node]
        via[node] = best
    total_lead = max(finish)
    node = finish.index(total_lead)
    path = []
    while node >= 0:
        path.append(node)
        node = via[node]
    path.reverse()
    total_process = 0
    per_function: dict[str, int] = {}
    for n in path:
        total_process += process[n]
        per_function[functions[n]] = per_function.get(functions[n], 0) + lead[n]
    share = {f: us / total_lead for f, us in per_function.items() if us} if total_lead else {}
    rolled = 100.0
    for pct in data.pct:
        rolled *= pct / 100
    wait = [a - b for a, b in zip(lead, process, strict=True)]
    handoffs = []
    handoff_wait = 0
    for n, before in enumerate(predecessors):
        function = functions[n]
        for p in before:
            if functions[p] != function:
                handoffs.append((p, n))
                handoff_wait += wait[n]
    bottleneck, most, longest = 0, wait[0], lead[0]
    for n in range(1, size):
        if wait[n] > most or (wait[n] == most and lead[n] > longest):
            bottleneck, most, longest = n, wait[n], lead[n]
    return {
        "lead_time": total_lead,
        "process_time": total_process,
        "wait_time": total_lead - total_process,
        "activity_ratio": total_process / total_lead if total_lead else 0.0,
        "rolled_pct_complete_accurate": rolled,
        "handoffs": handoffs,
        "handoff_wait": handoff_wait,
        "bottleneck": bottleneck,
        "lead_time_share": share,
        "critical_path": path,
        "steps": size,
    }


def run_floor(
    current: Plain,
    future: Plain,
    resolved: tuple[list[tuple[int, ...]], list[tuple[int, ...]]] | None = None,
) -> tuple[dict[str, Any], dict[str, Any], dict]:
    """Both states and their changes; ``resolved``: the predecessors handed over as indexes."""
    now_before, then_before = resolved or (None, None)
    now, then = floor_metrics(current, now_before), floor_metrics(future, then_before)
    changes = {}
    for metric in COMPARED:
        before, after = now[metric], then[metric]
        if metric == "handoffs":
            before, after = len(before), len(after)
        changes[metric] = after - before
    return now, then, changes


# -- alignkit ----------------------------------------------------------------------------


def read_metrics(stream: ValueStream) -> tuple[Any, ...]:
    return (
        stream.lead_time,
        stream.process_time,
        stream.activity_ratio,
        stream.rolled_pct_complete_accurate,
        stream.handoffs,
        stream.bottleneck,
        stream.lead_time_share,
        stream.metrics.critical_path,
    )


def run_alignkit(
    current: Sequence[Step], future: Sequence[Step]
) -> tuple[ValueStream, ValueStream, StreamComparison]:
    now = ValueStream("current", current)
    then = ValueStream("future", future)
    read_metrics(now)
    read_metrics(then)
    return now, then, compare(now, then)


def make_steps(current: Sequence[tuple[Any, ...]], future: Sequence[tuple[Any, ...]]) -> Any:
    return [Step(*row) for row in current], [Step(*row) for row in future]


def run_from_table(current: list[dict[str, str]], future: list[dict[str, str]]) -> Any:
    return (
        ValueStream.from_table(current, name="current"),
        ValueStream.from_table(future, name="future"),
    )


# -- the checks --------------------------------------------------------------------------

US = dt.timedelta(microseconds=1)


def summary_of_stream(stream: ValueStream) -> dict[str, Any]:
    """What is checked, from alignkit's stream, in the floor's units."""
    m = stream.metrics
    return {
        "lead_time": m.lead_time // US,
        "process_time": m.process_time // US,
        "rolled_pct_complete_accurate": m.rolled_pct_complete_accurate,
        "handoffs": len(m.handoffs),
        "bottleneck": m.bottleneck.name,
        "critical_path": list(m.critical_path),
        "lead_time_share": dict(m.lead_time_share),
    }


def summary_of_floor(found: Mapping[str, Any], names: Sequence[str]) -> dict[str, Any]:
    return {
        "lead_time": found["lead_time"],
        "process_time": found["process_time"],
        "rolled_pct_complete_accurate": found["rolled_pct_complete_accurate"],
        "handoffs": len(found["handoffs"]),
        "bottleneck": names[found["bottleneck"]],
        "critical_path": [names[n] for n in found["critical_path"]],
        "lead_time_share": found["lead_time_share"],
    }


def differences(label: str, ours: Mapping[str, Any], theirs: Mapping[str, Any]) -> list[str]:
    """Each checked figure on which two summaries disagree, described."""
    found = []
    for key, value in ours.items():
        if key not in theirs:
            continue
        other = theirs[key]
        if key == "rolled_pct_complete_accurate":
            same = math.isclose(value, other, rel_tol=REL_TOL, abs_tol=0.0)
        elif key == "lead_time_share":
            same = value.keys() == other.keys() and all(
                math.isclose(value[f], other[f], rel_tol=REL_TOL, abs_tol=1e-15) for f in value
            )
        else:
            same = value == other
        if not same:
            shown = (
                f"{len(value)} steps vs {len(other)}"
                if key == "critical_path"
                else f"{value!r} vs {other!r}"
            )
            found.append(f"{label}: {key} differs ({shown})")
    return found


def change_differences(comparison: StreamComparison, floor: Mapping[str, Any]) -> list[str]:
    found = []
    for change in comparison.changes:
        value = change.change
        if isinstance(value, dt.timedelta):
            value = value // US
        other = floor[change.metric]
        if isinstance(value, float) or isinstance(other, float):
            same = math.isclose(value, other, rel_tol=REL_TOL, abs_tol=1e-12)
        else:
            same = value == other
        if not same:
            found.append(f"compare: change of {change.metric} differs ({value!r} vs {other!r})")
    if [c.metric for c in comparison.changes] != list(COMPARED):
        found.append("compare: reports other metrics than the floor works out")
    return found


# -- the run -----------------------------------------------------------------------------

CONTENDERS = ("steps", "alignkit", "floor", "floor_indexes", "from_table", "first_call", "bare")
"""In the order of the even runs; odd runs reverse it."""
LABELS = {
    "alignkit": "alignkit: 2 x ValueStream + metrics + compare",
    "floor": "floor: plain Python, 2 states + changes",
    "floor_indexes": "floor, predecessors given as indexes",
    "steps": "Step objects, 2 states",
    "from_table": "from_table, 2 states, rows of text",
    "first_call": "first call, fresh interpreter (wall)",
    "bare": "bare interpreter + data load (wall)",
}


def facts(found: Mapping[str, Any], plain: Plain, stream: ValueStream) -> dict[str, Any]:
    """What a state comes to, for the report (from the floor's and alignkit's results)."""
    return {
        "lead_time": str(stream.lead_time),
        "process_time": str(stream.process_time),
        "activity_ratio": stream.activity_ratio,
        "rolled_pct_complete_accurate": stream.rolled_pct_complete_accurate,
        "handoffs": len(found["handoffs"]),
        "bottleneck": plain.names[found["bottleneck"]],
        "bottleneck_wait": str(stream.bottleneck.wait),
        "critical_path_steps": len(found["critical_path"]),
        "lead_time_share": {f: round(s, 4) for f, s in sorted(found["lead_time_share"].items())},
    }


@dataclass
class Timings:
    """Every timed sample, by contender, and what the last run of each returned."""

    samples: dict[str, list[float]]
    inside: dict[str, list[float]]
    """The fresh interpreter's own clock: the import, the steps, the stream."""
    cpu: dict[str, list[float]]
    results: dict[str, Any]


def time_runs(now: Inputs, then: Inputs, runs: int) -> Timings:
    """Every contender, ``runs`` times, in alternating order, after an untimed call each."""
    steps_now, steps_then = make_steps(now.fields, then.fields)
    indexes = (resolve(now.plain), resolve(then.plain))
    found = Timings(
        samples={name: [] for name in CONTENDERS},
        inside={"import_s": [], "steps_s": [], "stream_s": [], "total_s": []},
        cpu={"first_call": [], "bare": []},
        results={},
    )
    contenders: dict[str, Callable[[], Any]] = {
        "steps": lambda: make_steps(now.fields, then.fields),
        "alignkit": lambda: run_alignkit(steps_now, steps_then),
        "floor": lambda: run_floor(now.plain, then.plain),
        "floor_indexes": lambda: run_floor(now.plain, then.plain, indexes),
        "from_table": lambda: run_from_table(now.rows, then.rows),
    }
    with tempfile.TemporaryDirectory(prefix="bench-value-stream-") as folder:
        root = Path(folder)
        data, out = root / "fields.pickle", root / "found.json"
        data.write_bytes(pickle.dumps(now.fields))
        env = child_env(root / "pycache")
        children = {
            "first_call": [sys.executable, "-c", CHILD, str(data), str(out)],
            "bare": [sys.executable, "-c", BARE, str(data)],
        }
        for fn in contenders.values():  # untimed; the children fill the bytecode cache
            fn()
        for command in children.values():
            run_child(command, cwd=root, env=env)
        for run in range(runs):
            for name in CONTENDERS if run % 2 == 0 else CONTENDERS[::-1]:
                found.results[name] = None  # the last run's result is freed before timing
                gc.collect()
                if name in contenders:
                    elapsed, found.results[name] = timed(contenders[name])
                else:
                    child = run_child(children[name], cwd=root, env=env)
                    elapsed = child.wall
                    found.cpu[name].append(child.cpu)
                    if name == "first_call":
                        found.results[name] = json.loads(out.read_text())
                        for key, values in found.inside.items():
                            values.append(found.results[name][key])
                found.samples[name].append(elapsed)
            print(
                f"run {run + 1}: "
                + ", ".join(
                    f"{name} {found.samples[name][-1] * 1e3:,.1f} ms" for name in CONTENDERS
                ),
                flush=True,
            )
    return found


def check(results: Mapping[str, Any], now: Inputs, then: Inputs) -> list[str]:
    """Every disagreement between alignkit's results and the floor's."""
    stream_now, stream_then, comparison = results["alignkit"]
    floor_now, floor_then, floor_changes = results["floor"]
    table_now, table_then = results["from_table"]
    child = results["first_call"]
    expected_now = summary_of_floor(floor_now, now.plain.names)
    expected_then = summary_of_floor(floor_then, then.plain.names)
    problems = [
        *differences("current, alignkit vs floor", summary_of_stream(stream_now), expected_now),
        *differences("future, alignkit vs floor", summary_of_stream(stream_then), expected_then),
        *differences("current, from_table vs floor", summary_of_stream(table_now), expected_now),
        *differences("future, from_table vs floor", summary_of_stream(table_then), expected_then),
        *differences(
            "current, fresh interpreter vs floor",
            {
                "lead_time": child["lead_us"],
                "process_time": child["process_us"],
                "rolled_pct_complete_accurate": child["rolled"],
                "handoffs": child["handoffs"],
                "bottleneck": child["bottleneck"],
                "critical_path": child["critical_path"],
            },
            expected_now,
        ),
        *change_differences(comparison, floor_changes),
    ]
    for state, plain in (("current", now.plain), ("future", then.plain)):
        predecessors = resolve(plain)
        position = {n: k for k, n in enumerate(kahn(predecessors))}
        if len(position) != len(plain.names) or any(
            position[p] >= position[n] for n, before in enumerate(predecessors) for p in before
        ):
            problems.append(f"{state}: the floor's Kahn order is not a topological order")
    return problems


def measure(size: int, runs: int) -> dict[str, Any]:
    rng = random.Random(SEED)
    shape = make_shape(size, rng)
    current_state = make_current(size, rng)
    future_state = make_future(current_state, rng)
    now, then = inputs(shape, current_state), inputs(shape, future_state)
    timings = time_runs(now, then, runs)
    samples, results = timings.samples, timings.results

    steps_now = [Step(*row) for row in now.fields]
    memory = {
        "alignkit_stream_mb": peak_mb(lambda: ValueStream("current", steps_now)),
        "from_table_mb": peak_mb(lambda: ValueStream.from_table(now.rows, name="current")),
        "floor_mb": peak_mb(lambda: floor_metrics(now.plain)),
        "step_objects_mb": peak_mb(lambda: [Step(*row) for row in now.fields]),
    }
    problems = check(results, now, then)
    stream_now, stream_then, _ = results["alignkit"]
    floor_now, floor_then, _ = results["floor"]
    figures: dict[str, Any] = {
        "machine": machine(),
        "python": sys.version.split()[0],
        "seed": SEED,
        "runs": runs,
        "data": {
            "steps": len(shape.names),
            "edges": sum(len(before) for before in resolve(now.plain)),
            "forks": shape.forks,
            "branches": shape.branches,
            "functions": len(set(shape.functions)),
            "current": facts(floor_now, now.plain, stream_now),
            "future": facts(floor_then, then.plain, stream_then),
        },
        "times_s": {name: median_range(values) for name, values in samples.items()},
        "samples_s": samples,
        "first_call_inside_s": {k: median_range(v) for k, v in timings.inside.items()},
        "child_cpu_s": {name: median_range(values) for name, values in timings.cpu.items()},
        "peak_memory": memory,
        "ratios": {
            "alignkit_over_floor": ratio(samples["alignkit"], samples["floor"]),
            "alignkit_over_floor_indexes": ratio(samples["alignkit"], samples["floor_indexes"]),
            "steps_and_alignkit_over_floor": ratio(
                [a + b for a, b in zip(samples["steps"], samples["alignkit"], strict=True)],
                samples["floor"],
            ),
            "from_table_over_floor": ratio(samples["from_table"], samples["floor"]),
            "first_call_over_bare": ratio(samples["first_call"], samples["bare"]),
        },
        "target": f"alignkit / floor <= {TARGET:g}",
        "problems": problems,
    }
    figures["met"] = figures["ratios"]["alignkit_over_floor"]["median"] <= TARGET
    return figures


# -- the report --------------------------------------------------------------------------


def spread(figure: Mapping[str, float], spec: str, scale: float = 1.0, unit: str = "") -> str:
    """A median and its range: ``median (min-max)``."""
    low, high = f"{figure['min'] * scale:{spec}}", f"{figure['max'] * scale:{spec}}"
    return f"{figure['median'] * scale:{spec}}{unit} ({low}-{high})"


def report(figures: Mapping[str, Any]) -> None:
    data = figures["data"]
    print()
    print(
        f"Python {figures['python']}; {data['steps']:,} steps, {data['edges']:,} edges, "
        f"{data['forks']:,} forks into {data['branches']:,} branches, "
        f"{data['functions']} functions; seed {figures['seed']}; {figures['runs']} runs, "
        "alternating"
    )
    for state in ("current", "future"):
        found = data[state]
        print(
            f"{state}: lead time {found['lead_time']}, process time {found['process_time']}, "
            f"activity ratio {found['activity_ratio']:.4f}, rolled %C&A "
            f"{found['rolled_pct_complete_accurate']:.6g}%, {found['handoffs']:,} handoffs, "
            f"bottleneck {found['bottleneck']} (waits {found['bottleneck_wait']}), "
            f"critical path {found['critical_path_steps']:,} steps"
        )
    print("each time: median (min-max) over the runs, in ms; each ratio: run by run")
    print()
    for name in CONTENDERS:
        print(f"{LABELS[name]:<46} {spread(figures['times_s'][name], ',.1f', 1e3)}")
    inside = figures["first_call_inside_s"]
    print(
        f"{'  first call, inside: import':<46} {spread(inside['import_s'], ',.1f', 1e3)}; "
        f"steps {spread(inside['steps_s'], ',.1f', 1e3)}; "
        f"stream {spread(inside['stream_s'], ',.1f', 1e3)}"
    )
    memory = figures["peak_memory"]
    print(
        f"peak memory (tracemalloc, current state): ValueStream from steps "
        f"{memory['alignkit_stream_mb']:.1f} MB, from_table {memory['from_table_mb']:.1f} MB, "
        f"floor {memory['floor_mb']:.1f} MB, the Step objects {memory['step_objects_mb']:.1f} MB"
    )
    print()
    ratios = figures["ratios"]
    verdict = "met" if figures["met"] else "MISSED"
    print(
        f"alignkit / floor: {spread(ratios['alignkit_over_floor'], '.2f', unit='x')}; "
        f"target within {TARGET:g}x of the floor: {verdict}"
    )
    print(
        "alignkit / floor given indexes (no names to resolve): "
        f"{spread(ratios['alignkit_over_floor_indexes'], '.2f', unit='x')}"
    )
    print(
        "(Step objects + alignkit) / floor: "
        f"{spread(ratios['steps_and_alignkit_over_floor'], '.2f', unit='x')}"
    )
    print(f"from_table / floor: {spread(ratios['from_table_over_floor'], '.2f', unit='x')}")
    print(f"first call / bare: {spread(ratios['first_call_over_bare'], '.2f', unit='x')}")
    problems = figures["problems"]
    if problems:
        print(f"DISAGREE ({len(problems)}):")
        for problem in problems:
            print(f"  {problem}")
    else:
        print(
            "alignkit (from steps, from_table, a fresh interpreter) and the floor agree on "
            "lead time, process time, rolled %C&A, handoffs, bottleneck, critical path, "
            "shares and every change compare reports, for both states"
        )
    print(machine_line())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_arguments(parser, size=FULL, what="steps")
    args = parser.parse_args()
    print(machine_line(), flush=True)
    figures = measure(args.size, args.runs)
    report(figures)
    write_json(args.json_out, figures)
    if figures["problems"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
