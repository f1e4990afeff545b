"""Pairing 2,000 people across 8 functions: the coaching engine against an exact matching.

In one run, this script:

* generates, from a fixed seed and before any clock starts, cohorts of ``--size``
  people (2,000 by default) in 8 functions of uneven size, in a seeded order (the
  functions interleaved, as a roster export lists people), in two mixes:

  - ``uneven``: Sales 600, Operations 450, Support 300, Engineering 250,
    Marketing 150, Finance 120, Legal 80, Data 50 (every pair can cross: the
    optimum share is 100%);
  - ``majority``: Engineering 1,100, Sales 300, Support 200, Operations 150,
    Marketing 100, Finance 80, Legal 40, Data 30 (one function is more than half:
    at most 900 of the 1,000 pairs can cross, an optimum share of 90%);

  scaled to other sizes in the same proportions (the largest function takes the
  remainder). The optimum is the closed form ``best_cross_pairs(sizes)``;
* times the first call of ``pair`` and of ``four_weeks`` in this process (the first
  mix at ``--size``), before anything else;
* for each mix, at each of ``--scale`` sizes (200, 400 and 800 by default), times
  ``pair``, ``greedy`` (below) and networkx on the FULL graph (every two people
  joined): ``--runs`` times for the first two, ``--nx-runs`` times (3 by default, in
  the first runs) for networkx, in alternating order. A least-squares fit of
  log(time) on log(n) over those sizes gives the growth of networkx's matching,
  extrapolated to ``--size``. Once per mix, at the largest of those sizes, networkx
  also matches the same people listed function by function (the order of a roster
  sorted by function), to show how much its time depends on the order of the nodes
  (``--no-sorted-probe`` skips it);
* for each mix at ``--size``, times ``--runs`` times (5 by default), in alternating
  order (A B C D ..., then ... D C B A), after one untimed call of each:

  - ``pair``: the engine, ``alignkit.coaching._pairing.pair(people, department, 8,
    forbidden={}, met={}, rng=random.Random(seed))``, one pairing week;
  - ``greedy``: a first-fit baseline: each person still free, in cohort order, takes
    the first free person of another function, else the first free person at all;
  - ``networkx_full``: ``networkx.max_weight_matching(G, maxcardinality=True)``, exact,
    on the full graph (1,999,000 edges at 2,000; about 1 GB), weight 1 on
    cross-function edges and 0 on same-function ones, ``--nx-runs`` times (in the
    first runs; no untimed call). It runs when ``--full-at-size`` is ``always``, or
    (``auto``, the default) when the extrapolation above expects it within 10
    minutes; ``never`` skips it. The edge list is made before the clock; the time is
    building the ``Graph`` plus the matching, reported apart;
  - ``networkx``: the same on a candidate graph: each person joined to ``--k`` random
    people of other functions and ``--k`` of their own (15 by default, seeded);
  - ``four_weeks``: ``CoachingPlan.four_weeks(cohort, start, seed=...)`` on the same
    people as ``alignkit.org.Person`` objects (made before the clock): three pairing
    weeks with no pair repeated, the mixed teams of week 3, and every session placed
    in working hours. This is what a user of the API meets;
  - ``first call``: a fresh interpreter (``python -c``) that loads the cohort's
    fields (pickled, before its clock starts), imports ``alignkit.coaching`` and
    ``alignkit.org``, makes the ``Person`` objects and the plan once: the wall time
    of the whole process and, measured inside it, the import, the people and the
    plan. Beside it, ``bare``: the same interpreter loading the same file and nothing
    else. Both share a private bytecode cache, filled by an untimed run;

* measures, in a separate untimed pass with ``tracemalloc``, the peak memory of
  ``pair``, ``greedy``, ``four_weeks`` and networkx on the candidate graph (graph and
  matching) at ``--size``;
* checks that ``pair`` and the greedy place everyone exactly once, in pairs (and one
  trio when the count is odd) and repeat no pair; that ``four_weeks`` places everyone
  once in each pairing week and in week 3 and repeats no pair across its three
  pairing weeks; that networkx's result is a matching, perfect on the full graph,
  with exactly the closed-form optimum of cross pairs there; and that the fresh
  interpreter's plan has the same cross share as this process's.

The cross share is cross-function pairs over the pairs that meet (a trio counts as its
three pairs). Each time is the median (min-max) over the runs; each ratio
(networkx / ``pair``) is taken run by run, over the runs that timed both.

Targets (the product requirement): ``pair``'s share within 1% of the optimum's
(``share / optimum >= 0.99``) and ``pair`` at least 20x faster than networkx
(``networkx / pair >= 20`` at ``--size``, the matching alone, without building the
graph: on the full graph where it ran, else on the candidate graph). The exit status
is 1 when any check fails.

``--quick`` is ``--size 400 --scale 100,200 --runs 2 --nx-runs 2``, a smoke test
(about 20 s). A default run takes about 5-6 minutes on a 2-core machine, most of it
networkx on the full graph at 2,000.

Usage::

    python benchmarks/bench_coaching.py [--size 2000 | --quick] [--runs 5] [--nx-runs 3]
        [--scale 200,400,800] [--k 15] [--full-at-size {auto,always,never}]
        [--no-sorted-probe] [--json-out PATH]
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
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
from _common import (
    BARE_CHILD,
    add_common_arguments,
    child_env,
    machine,
    machine_line,
    median_range,
    peak_mb,
    positive_int,
    run_child,
    timed,
    write_json,
)

from alignkit.coaching import CoachingPlan
from alignkit.coaching._pairing import best_cross_pairs, cross_pairs, pair
from alignkit.org import Person

SEED = 20260615
FULL = 2_000
QUICK = 400
RUNS = 5
NX_RUNS = 3
SCALE = (200, 400, 800)
QUICK_SCALE = (100, 200)
K = 15
START = dt.date(2027, 1, 4)
SHARE_TARGET = 0.99
"""``pair``'s share over the optimum's: at least this (within 1%)."""
SPEED_TARGET = 20.0
"""networkx's time over ``pair``'s: at least this."""
LIMIT_S = 600.0
"""networkx runs on the full graph at ``--size`` when it is expected within this (10 min)."""
MIXES: dict[str, tuple[tuple[str, int], ...]] = {
    "uneven": (
        ("Sales", 600),
        ("Operations", 450),
        ("Support", 300),
        ("Engineering", 250),
        ("Marketing", 150),
        ("Finance", 120),
        ("Legal", 80),
        ("Data", 50),
    ),
    "majority": (
        ("Engineering", 1100),
        ("Sales", 300),
        ("Support", 200),
        ("Operations", 150),
        ("Marketing", 100),
        ("Finance", 80),
        ("Legal", 40),
        ("Data", 30),
    ),
}
"""Each mix's functions and their sizes in a cohort of 2,000."""

CHILD = """\
import datetime, json, pickle, sys, time
with open(sys.argv[1], "rb") as file:
    rows = pickle.load(file)
start = time.perf_counter()
from alignkit.coaching import CoachingPlan
from alignkit.org import Person
imported = time.perf_counter()
cohort = [Person(id=i, name=n, function=f) for i, n, f in rows]
made = time.perf_counter()
plan = CoachingPlan.four_weeks(
    cohort, datetime.date.fromisoformat(sys.argv[3]), seed=int(sys.argv[4])
)
share = plan.cross_share()
planned = time.perf_counter()
found = {
    "import_s": imported - start,
    "people_s": made - imported,
    "plan_s": planned - made,
    "total_s": planned - start,
    "cross": share.cross,
    "pairs": share.pairs,
}
with open(sys.argv[2], "w") as file:
    json.dump(found, file)
"""
"""The fresh interpreter's program: ``python -c CHILD rows.pickle out.json START SEED``."""
BARE = BARE_CHILD  # the same interpreter loading the same data, and nothing else


# -- the cohorts -------------------------------------------------------------------------


@dataclass(frozen=True)
class Cohort:
    """People as positions 0..n-1 (the cohort's order), each with a function's index."""

    mix: str
    functions: tuple[str, ...]
    sizes: tuple[int, ...]
    department: list[int]

    @property
    def n(self) -> int:
        return len(self.department)

    def rows(self) -> list[tuple[str, str, str]]:
        """``(id, name, function)`` of each person, in cohort order."""
        return [
            (f"p{p:05d}", f"Person {p}", self.functions[d]) for p, d in enumerate(self.department)
        ]

    def optimum(self) -> tuple[int, int]:
        """The most cross pairs, and the pairs in all, of the best plan (closed form)."""
        return best_cross_pairs(self.sizes)


def sizes_for(mix: str, n: int) -> tuple[int, ...]:
    """The mix's sizes scaled to ``n`` people; the largest function takes the remainder."""
    weights = [w for _, w in MIXES[mix]]
    total = sum(weights)
    sizes = [max(1, w * n // total) for w in weights]
    sizes[0] += n - sum(sizes)
    return tuple(sizes)


def make_cohort(mix: str, n: int) -> Cohort:
    sizes = sizes_for(mix, n)
    department = [d for d, size in enumerate(sizes) for _ in range(size)]
    random.Random(f"{SEED}:{mix}:{n}").shuffle(department)
    return Cohort(mix, tuple(f for f, _ in MIXES[mix]), sizes, department)


def candidate_edges(cohort: Cohort, k: int) -> list[tuple[int, int, int]]:
    """Each person joined to ``k`` random others of other functions and ``k`` of their own.

    Weight 1 across functions, 0 within one; an edge drawn from both ends is kept once.
    """
    rng = random.Random(f"{SEED}:candidates:{cohort.mix}:{cohort.n}:{k}")
    members: list[list[int]] = [[] for _ in cohort.sizes]
    for p, d in enumerate(cohort.department):
        members[d].append(p)
    others = [[p for p, g in enumerate(cohort.department) if g != d] for d in range(len(members))]
    edges: dict[tuple[int, int], int] = {}
    for p, d in enumerate(cohort.department):
        for q in rng.sample(others[d], min(k, len(others[d]))):
            edges[min(p, q), max(p, q)] = 1
        own = [q for q in rng.sample(members[d], min(k + 1, len(members[d]))) if q != p][:k]
        for q in own:
            edges[min(p, q), max(p, q)] = 0
    return [(a, b, w) for (a, b), w in edges.items()]


def full_edges(cohort: Cohort) -> Iterable[tuple[int, int, int]]:
    """Every two people: weight 1 across functions, 0 within one."""
    department = cohort.department
    return (
        (a, b, int(department[a] != department[b]))
        for a, b in itertools.combinations(range(cohort.n), 2)
    )


# -- the contenders ----------------------------------------------------------------------


def run_pair(cohort: Cohort, everyone: list[int]) -> list[tuple[int, ...]]:
    groups = pair(
        everyone,
        cohort.department,
        len(cohort.sizes),
        forbidden={},
        met={},
        rng=random.Random(SEED),
    )
    return [members for members, _ in groups]


def run_greedy(cohort: Cohort) -> list[tuple[int, ...]]:
    """First fit: each free person, in order, takes the first free one of another function.

    Else the first free one of their own; an odd count leaves the last person alone.
    """
    department = cohort.department
    queues: list[list[int]] = [[] for _ in cohort.sizes]
    for p, d in enumerate(department):
        queues[d].append(p)
    heads = [0] * len(queues)
    free = [True] * cohort.n
    groups: list[tuple[int, ...]] = []
    for p, d in enumerate(department):
        if not free[p]:
            continue
        free[p] = False
        best = own = -1
        for g, queue in enumerate(queues):
            head = heads[g]
            while head < len(queue) and not free[queue[head]]:
                head += 1
            heads[g] = head
            if head == len(queue):
                continue
            if g == d:
                own = queue[head]
            elif best < 0 or queue[head] < best:
                best = queue[head]
        mate = best if best >= 0 else own
        if mate >= 0:
            free[mate] = False
            groups.append((p, mate))
    return groups


@dataclass(frozen=True)
class Matched:
    build_s: float
    match_s: float
    edges: int
    groups: list[tuple[int, ...]]


def run_networkx(n: int, edges: Iterable[tuple[int, int, int]]) -> Matched:
    """Build the weighted graph, then its exact maximum-weight maximum-cardinality matching."""
    began = time.perf_counter()
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_weighted_edges_from(edges)
    built = time.perf_counter()
    matching = nx.max_weight_matching(graph, maxcardinality=True)
    done = time.perf_counter()
    groups: list[tuple[int, ...]] = [tuple(sorted(edge)) for edge in matching]
    return Matched(built - began, done - built, graph.number_of_edges(), groups)


def run_plan(cohort: list[Person]) -> CoachingPlan:
    return CoachingPlan.four_weeks(cohort, START, seed=SEED)


# -- the checks --------------------------------------------------------------------------


def share_of(groups: Iterable[Sequence[int]], cohort: Cohort) -> dict[str, Any]:
    cross, meet = cross_pairs(groups, cohort.department)
    best_cross, best_pairs = cohort.optimum()
    share = cross / meet if meet else 0.0
    optimum = best_cross / best_pairs if best_pairs else 0.0
    return {
        "cross": cross,
        "pairs": meet,
        "share": share,
        "optimum_share": optimum,
        "of_optimum": share / optimum if optimum else float("nan"),
    }


def placement_problems(
    label: str,
    groups: Sequence[Sequence[Hashable]],
    everyone: Iterable[Hashable],
    *,
    trios: int = 1,
    leftover: int = 0,
) -> list[str]:
    """Everyone once, in pairs (and at most ``trios`` trios), no pair twice."""
    expected = set(everyone)
    seen = Counter(p for members in groups for p in members)
    problems = []
    twice = [p for p, count in seen.items() if count > 1]
    missing = expected - seen.keys()
    strangers = seen.keys() - expected
    if twice:
        problems.append(f"{label}: {len(twice)} people placed more than once")
    if len(missing) > leftover:
        problems.append(f"{label}: {len(missing)} people not placed")
    if strangers:
        problems.append(f"{label}: {len(strangers)} unknown people placed")
    shapes = Counter(len(members) for members in groups)
    if set(shapes) - {2, 3} or shapes[3] > trios:
        problems.append(f"{label}: groups of sizes {dict(shapes)}")
    pairs = Counter(
        frozenset((a, b)) for members in groups for a, b in itertools.combinations(members, 2)
    )
    repeated = sum(1 for count in pairs.values() if count > 1)
    if repeated:
        problems.append(f"{label}: {repeated} pairs repeated")
    return problems


def plan_problems(plan: CoachingPlan, ids: list[str]) -> list[str]:
    """Everyone once a week; no pair of weeks 1, 2 and 4 met in another of them."""
    problems = []
    pairs = 0
    for week in (1, 2, 3, 4):
        groups = [p.people for p in plan.pairings if p.week == week]
        if week == 3:
            seen = Counter(p for members in groups for p in members)
            if sorted(seen) != sorted(ids) or max(seen.values()) != 1:
                problems.append("four_weeks, week 3: the teams do not hold everyone once")
            continue
        problems += placement_problems(f"four_weeks, week {week}", groups, ids)
        pairs += sum(len(m) * (len(m) - 1) // 2 for m in groups)
    if len(plan.pairs()) != pairs:
        problems.append(
            f"four_weeks: {pairs - len(plan.pairs())} pairs repeat across weeks 1, 2 and 4"
        )
    return problems


def matching_problems(label: str, found: Matched, cohort: Cohort, *, full: bool) -> list[str]:
    problems = placement_problems(label, found.groups, range(cohort.n), trios=0, leftover=cohort.n)
    if full:
        if len(found.groups) != cohort.n // 2:
            problems.append(f"{label}: {len(found.groups)} pairs, not a perfect matching")
        cross, _ = cross_pairs(found.groups, cohort.department)
        best = best_cross_pairs(cohort.sizes)[0] if cohort.n % 2 == 0 else None
        if best is not None and cross != best:
            problems.append(f"{label}: {cross} cross pairs, the closed form says {best}")
    return problems


# -- the runs ----------------------------------------------------------------------------


def alternating(names: Sequence[str], run: int) -> Sequence[str]:
    return names if run % 2 == 0 else names[::-1]


def per_run_ratio(numerator: list[float], denominator: list[float]) -> dict[str, float]:
    """Median (min-max) of the ratios of the runs that timed both (the first ones)."""
    pairs = list(zip(numerator, denominator, strict=False))
    return median_range([a / b for a, b in pairs])


def first_calls(n: int) -> dict[str, float]:
    """The first call of ``pair`` and ``four_weeks`` in this process (the first mix)."""
    cohort = make_cohort(next(iter(MIXES)), n)
    everyone = list(range(n))
    people = [Person(id=i, name=name, function=f) for i, name, f in cohort.rows()]
    gc.collect()
    pair_s, _ = timed(lambda: run_pair(cohort, everyone))
    gc.collect()
    plan_s, _ = timed(lambda: run_plan(people))
    return {"pair": pair_s, "four_weeks": plan_s}


SCALE_CONTENDERS = ("pair", "greedy", "networkx")
"""In the order of the even runs; odd runs reverse it."""


def scaling(mix: str, n: int, runs: int, nx_runs: int) -> dict[str, Any]:
    """``pair``, greedy and networkx on the full graph at one size."""
    cohort = make_cohort(mix, n)
    everyone = list(range(n))
    edges = list(full_edges(cohort))
    contenders: dict[str, Callable[[], Any]] = {
        "pair": lambda: run_pair(cohort, everyone),
        "greedy": lambda: run_greedy(cohort),
        "networkx": lambda: run_networkx(n, edges),
    }
    samples: dict[str, list[float]] = {name: [] for name in SCALE_CONTENDERS}
    nx_parts: dict[str, list[float]] = {"build_s": [], "match_s": []}
    results: dict[str, Any] = {}
    for name in ("pair", "greedy"):  # untimed; networkx's own first call is its first run
        contenders[name]()
    for run in range(max(runs, nx_runs)):
        for name in alternating(SCALE_CONTENDERS, run):
            if run >= (nx_runs if name == "networkx" else runs):
                continue
            results[name] = None
            gc.collect()
            elapsed, results[name] = timed(contenders[name])
            samples[name].append(elapsed)
            if name == "networkx":
                nx_parts["build_s"].append(results[name].build_s)
                nx_parts["match_s"].append(results[name].match_s)
        print(
            f"  {mix} n={n:,} full graph, run {run + 1}: "
            + ", ".join(
                f"{name} {samples[name][-1] * 1e3:,.1f} ms"
                for name in SCALE_CONTENDERS
                if len(samples[name]) == run + 1
            ),
            flush=True,
        )
    matched: Matched = results["networkx"]
    problems = [
        *placement_problems(f"{mix} n={n}: pair", results["pair"], everyone),
        *placement_problems(
            f"{mix} n={n}: greedy", results["greedy"], everyone, trios=0, leftover=1
        ),
        *matching_problems(f"{mix} n={n}: networkx, full graph", matched, cohort, full=True),
    ]
    return {
        "mix": mix,
        "n": n,
        "edges": matched.edges,
        "times_s": {name: median_range(values) for name, values in samples.items()},
        "samples_s": samples,
        "networkx_parts_s": {key: median_range(values) for key, values in nx_parts.items()},
        "shares": {
            "pair": share_of(results["pair"], cohort),
            "greedy": share_of(results["greedy"], cohort),
            "networkx_full": share_of(matched.groups, cohort),
        },
        "ratios": {
            "networkx_match_over_pair": per_run_ratio(nx_parts["match_s"], samples["pair"]),
            "networkx_over_pair": per_run_ratio(samples["networkx"], samples["pair"]),
        },
        "problems": problems,
    }


def sorted_roster(mix: str, n: int) -> dict[str, Any]:
    """networkx once on the full graph with the people listed function by function."""
    shuffled = make_cohort(mix, n)
    cohort = Cohort(mix, shuffled.functions, shuffled.sizes, sorted(shuffled.department))
    edges = list(full_edges(cohort))
    gc.collect()
    elapsed, matched = timed(lambda: run_networkx(n, edges))
    print(f"  {mix} n={n:,} full graph, sorted roster: networkx {elapsed:,.1f} s", flush=True)
    return {
        "mix": mix,
        "n": n,
        "time_s": elapsed,
        "build_s": matched.build_s,
        "match_s": matched.match_s,
        "share": share_of(matched.groups, cohort),
        "problems": matching_problems(
            f"{mix} n={n}: networkx, full graph, sorted roster", matched, cohort, full=True
        ),
    }


def power_fit(points: Sequence[tuple[int, float]], n: int) -> dict[str, float] | None:
    """``time = c * n ** exponent`` by least squares on the logs, and its value at ``n``."""
    if len({size for size, _ in points}) < 2:
        return None
    xs = [math.log(size) for size, _ in points]
    ys = [math.log(seconds) for _, seconds in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    exponent = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )
    return {"exponent": exponent, "at_size_s": math.exp(my + exponent * (math.log(n) - mx))}


SIZE_CONTENDERS = (
    "pair",
    "greedy",
    "networkx",
    "networkx_full",
    "four_weeks",
    "first_call",
    "bare",
)
"""In the order of the even runs; odd runs reverse it."""


@dataclass
class Timings:
    """Every timed sample, by contender, and what the last run of each returned."""

    samples: dict[str, list[float]]
    inside: dict[str, list[float]]
    """The fresh interpreter's own clock: the import, the people, the plan."""
    parts: dict[str, dict[str, list[float]]]
    """networkx's graph building and matching, apart."""
    results: dict[str, Any]


def time_at_size(
    mix: str,
    n: int,
    contenders: Mapping[str, Callable[[], Any]],
    rows: list[tuple[str, str, str]],
    runs: int,
    nx_runs: int,
) -> Timings:
    """The contenders and the two interpreters, alternating, after an untimed call each."""
    samples: dict[str, list[float]] = {name: [] for name in SIZE_CONTENDERS}
    inside: dict[str, list[float]] = {"import_s": [], "people_s": [], "plan_s": []}
    parts: dict[str, dict[str, list[float]]] = {
        name: {"build_s": [], "match_s": []} for name in ("networkx", "networkx_full")
    }
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-coaching-") as folder:
        root = Path(folder)
        data, out = root / "rows.pickle", root / "found.json"
        data.write_bytes(pickle.dumps(rows))
        env = child_env(root / "pycache")
        children = {
            "first_call": [
                sys.executable,
                "-c",
                CHILD,
                str(data),
                str(out),
                START.isoformat(),
                str(SEED),
            ],
            "bare": [sys.executable, "-c", BARE, str(data)],
        }
        for name, fn in contenders.items():  # untimed, but the full graph (too slow)
            if name != "networkx_full":
                fn()
        for command in children.values():  # untimed: fills the bytecode cache
            run_child(command, cwd=root, env=env)
        for run in range(max(runs, nx_runs)):
            for name in alternating(SIZE_CONTENDERS, run):
                if run >= (nx_runs if name == "networkx_full" else runs):
                    continue
                results[name] = None  # the last run's result is freed before timing
                gc.collect()
                if name in contenders:
                    elapsed, results[name] = timed(contenders[name])
                    if name in parts:
                        parts[name]["build_s"].append(results[name].build_s)
                        parts[name]["match_s"].append(results[name].match_s)
                else:
                    elapsed = run_child(children[name], cwd=root, env=env).wall
                    if name == "first_call":
                        results[name] = json.loads(out.read_text())
                        for key, values in inside.items():
                            values.append(results[name][key])
                samples[name].append(elapsed)
            print(
                f"  {mix} n={n:,} run {run + 1}: "
                + ", ".join(
                    f"{name} {samples[name][-1] * 1e3:,.1f} ms"
                    for name in SIZE_CONTENDERS
                    if len(samples[name]) == run + 1
                ),
                flush=True,
            )
    return Timings(samples, inside, parts, results)


def at_size(mix: str, n: int, args: argparse.Namespace, *, full: bool) -> dict[str, Any]:
    """Every contender on one mix at ``--size``, alternating; networkx on the full graph if
    ``full``, ``--nx-runs`` times (in the first runs)."""
    runs, nx_runs = args.runs, args.nx_runs if full else 0
    cohort = make_cohort(mix, n)
    everyone = list(range(n))
    rows = cohort.rows()
    ids = [i for i, _, _ in rows]
    people = [Person(id=i, name=name, function=f) for i, name, f in rows]
    edges = candidate_edges(cohort, args.k)
    every_edge = list(full_edges(cohort)) if full else []
    contenders: dict[str, Callable[[], Any]] = {
        "pair": lambda: run_pair(cohort, everyone),
        "greedy": lambda: run_greedy(cohort),
        "networkx": lambda: run_networkx(n, edges),
        "networkx_full": lambda: run_networkx(n, every_edge),
        "four_weeks": lambda: run_plan(people),
    }
    timings = time_at_size(mix, n, contenders, rows, runs, nx_runs)
    samples, inside, parts, results = (
        timings.samples,
        timings.inside,
        timings.parts,
        timings.results,
    )
    every_edge.clear()  # about 2 million tuples at 2,000: freed before the memory pass
    plan: CoachingPlan = results["four_weeks"]
    matched: Matched = results["networkx"]
    problems = [
        *placement_problems(f"{mix}: pair", results["pair"], everyone),
        *placement_problems(f"{mix}: greedy", results["greedy"], everyone, trios=0, leftover=1),
        *matching_problems(f"{mix}: networkx, candidate graph", matched, cohort, full=False),
        *[f"{mix}: {p}" for p in plan_problems(plan, ids)],
    ]
    child = results["first_call"]
    total = plan.cross_share()
    if (child["cross"], child["pairs"]) != (total.cross, total.pairs):
        problems.append(f"{mix}: the fresh interpreter's plan has another cross share")
    memory = {
        "pair_mb": peak_mb(lambda: run_pair(cohort, everyone)),
        "greedy_mb": peak_mb(lambda: run_greedy(cohort)),
        "four_weeks_mb": peak_mb(lambda: run_plan(people)),
        "networkx_candidate_mb": peak_mb(lambda: run_networkx(n, edges)),
    }
    best_cross, best_pairs = cohort.optimum()
    shares = {
        "pair": share_of(results["pair"], cohort),
        "greedy": share_of(results["greedy"], cohort),
        "networkx_candidate": share_of(matched.groups, cohort),
        "four_weeks": {
            str(week): share_of(
                [[int(p[1:]) for p in g.people] for g in plan.pairings if g.week == week],
                cohort,
            )
            for week in (1, 2, 4)
        },
    }
    ratios = {
        "networkx_candidate_match_over_pair": per_run_ratio(
            parts["networkx"]["match_s"], samples["pair"]
        ),
        "networkx_candidate_over_pair": per_run_ratio(samples["networkx"], samples["pair"]),
        "four_weeks_over_pair": per_run_ratio(samples["four_weeks"], samples["pair"]),
        "first_call_over_bare": per_run_ratio(samples["first_call"], samples["bare"]),
    }
    if full:
        problems += matching_problems(
            f"{mix}: networkx, full graph", results["networkx_full"], cohort, full=True
        )
        shares["networkx_full"] = share_of(results["networkx_full"].groups, cohort)
        ratios["networkx_full_match_over_pair"] = per_run_ratio(
            parts["networkx_full"]["match_s"], samples["pair"]
        )
        ratios["networkx_full_over_pair"] = per_run_ratio(samples["networkx_full"], samples["pair"])
    headline = "networkx_full_match_over_pair" if full else "networkx_candidate_match_over_pair"
    return {
        "mix": mix,
        "n": n,
        "functions": dict(zip(cohort.functions, cohort.sizes, strict=True)),
        "optimum": {"cross": best_cross, "pairs": best_pairs, "share": best_cross / best_pairs},
        "candidate_graph": {"k": args.k, "edges": matched.edges},
        "full_graph": {"ran": full, "edges": n * (n - 1) // 2},
        "times_s": {name: median_range(v) for name, v in samples.items() if v},
        "samples_s": samples,
        "networkx_parts_s": {
            name: {key: median_range(v) for key, v in found.items() if v}
            for name, found in parts.items()
        },
        "first_call_inside_s": {key: median_range(v) for key, v in inside.items()},
        "shares": shares,
        "four_weeks": {
            "pairings": len(plan.pairings),
            "sessions": len(plan.sessions),
            "unplaced": len(plan.unplaced),
            "distinct_pairs": len(plan.pairs()),
        },
        "peak_memory": memory,
        "ratios": ratios,
        "speed_ratio": headline,
        "problems": problems,
    }


def full_graph_plan(mode: str, extrapolated: Mapping[str, Any]) -> tuple[bool, str]:
    """Whether to run networkx on the full graph at ``--size``, and why."""
    if mode in {"always", "never"}:
        return mode == "always", f"--full-at-size {mode}"
    fit = extrapolated.get("match")
    if fit is None:
        return False, "no growth to extrapolate from (give two --scale sizes)"
    estimate = fit["at_size_s"]
    if estimate <= LIMIT_S:
        return True, f"extrapolated {clock(estimate)}, within {LIMIT_S / 60:g} minutes"
    return False, f"extrapolated {clock(estimate)}, beyond {LIMIT_S / 60:g} minutes"


def measure(args: argparse.Namespace) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "machine": machine(),
        "python": sys.version.split()[0],
        "networkx": nx.__version__,
        "seed": SEED,
        "size": args.size,
        "runs": args.runs,
        "nx_runs": args.nx_runs,
        "k": args.k,
        "scale": list(args.scale),
        "first_call_in_process_s": first_calls(args.size),
        "scaling": {},
        "sorted_roster": {},
        "extrapolated": {},
        "full_at_size": {},
        "at_size": {},
    }
    for mix in MIXES:
        rows = [scaling(mix, n, args.runs, args.nx_runs) for n in args.scale]
        figures["scaling"][mix] = rows
        if args.sorted_probe:
            figures["sorted_roster"][mix] = sorted_roster(mix, max(args.scale))
        figures["extrapolated"][mix] = {
            "match": power_fit(
                [(r["n"], r["networkx_parts_s"]["match_s"]["median"]) for r in rows], args.size
            ),
            "build_and_match": power_fit(
                [(r["n"], r["times_s"]["networkx"]["median"]) for r in rows], args.size
            ),
        }
    for mix in MIXES:
        full, why = full_graph_plan(args.full_at_size, figures["extrapolated"][mix])
        figures["full_at_size"][mix] = {"ran": full, "why": why}
        print(
            f"{mix}, {args.size:,} people (networkx on the full graph: "
            f"{'yes' if full else 'no'}, {why}):",
            flush=True,
        )
        figures["at_size"][mix] = at_size(mix, args.size, args, full=full)
    for mix, fits in figures["extrapolated"].items():
        pair_median = figures["at_size"][mix]["times_s"]["pair"]["median"]
        for fit in fits.values():
            if fit is not None:
                fit["over_pair_median"] = fit["at_size_s"] / pair_median
    problems = [p for rows in figures["scaling"].values() for row in rows for p in row["problems"]]
    problems += [p for found in figures["sorted_roster"].values() for p in found["problems"]]
    problems += [p for found in figures["at_size"].values() for p in found["problems"]]
    figures["problems"] = problems
    figures["targets"] = {
        "share": f"pair share / optimum share >= {SHARE_TARGET:g}",
        "speed": f"networkx / pair >= {SPEED_TARGET:g} (the matching alone, run by run; on the "
        "full graph where it ran, else on the candidate graph)",
    }
    figures["met"] = {
        mix: {
            "share": found["shares"]["pair"]["of_optimum"] >= SHARE_TARGET,
            "speed": found["ratios"][found["speed_ratio"]]["median"] >= SPEED_TARGET,
        }
        for mix, found in figures["at_size"].items()
    }
    return figures


# -- the report --------------------------------------------------------------------------


def clock(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f} ms" if seconds < 1 else f"{seconds:,.2f} s"


def spread(figure: Mapping[str, float]) -> str:
    """A time's median and its range: ``median (min-max)``, in ms under a second."""
    if figure["median"] < 1:
        return (
            f"{figure['median'] * 1e3:,.1f} ms "
            f"({figure['min'] * 1e3:,.1f}-{figure['max'] * 1e3:,.1f})"
        )
    return f"{figure['median']:,.2f} s ({figure['min']:,.2f}-{figure['max']:,.2f})"


def times(figure: Mapping[str, float]) -> str:
    """A ratio's median and its range."""
    return f"{figure['median']:,.0f}x ({figure['min']:,.0f}-{figure['max']:,.0f})"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def share_cells(found: Mapping[str, Any]) -> str:
    return (
        f"{found['share']:>8.2%} {found['of_optimum']:>9.4f}  "
        f"({found['cross']:,} of {found['pairs']:,} pairs cross)"
    )


def report_size(found: Mapping[str, Any]) -> None:
    optimum = found["optimum"]
    mix = ", ".join(f"{f} {s:,}" for f, s in found["functions"].items())
    print()
    print(f"== {found['mix']}: {found['n']:,} people ({mix})")
    print(
        f"optimum (closed form, best_cross_pairs): {optimum['cross']:,} of "
        f"{optimum['pairs']:,} pairs cross, a share of {optimum['share']:.2%}"
    )
    times_s, shares, parts = found["times_s"], found["shares"], found["networkx_parts_s"]
    print(f"{'contender':<54} {'time, median (min-max)':<28} {'share':>8} {'/ optimum':>9}")
    rows = [
        ("alignkit pair(), one week", "pair", shares["pair"]),
        ("greedy first fit, one week", "greedy", shares["greedy"]),
    ]
    if found["full_graph"]["ran"]:
        edges = found["full_graph"]["edges"]
        rows.append(
            (
                f"networkx exact, FULL graph ({edges:,} edges)",
                "networkx_full",
                shares["networkx_full"],
            )
        )
    graph = found["candidate_graph"]
    rows.append(
        (
            f"networkx exact, candidate graph (k={graph['k']}, {graph['edges']:,} edges)",
            "networkx",
            shares["networkx_candidate"],
        )
    )
    for label, name, share in rows:
        print(f"{label:<54} {spread(times_s[name]):<28} {share_cells(share)}")
        if name in parts:
            print(
                f"{'  build the Graph / max_weight_matching':<54} "
                f"{spread(parts[name]['build_s'])} / {spread(parts[name]['match_s'])}"
            )
    weeks = " / ".join(f"{shares['four_weeks'][w]['share']:.2%}" for w in ("1", "2", "4"))
    plan = found["four_weeks"]
    print(
        f"{'alignkit four_weeks (3 weeks, teams, sessions)':<54} "
        f"{spread(times_s['four_weeks']):<28} weeks 1/2/4: {weeks}; "
        f"{plan['sessions']:,} sessions ({plan['unplaced']} unplaced), "
        f"{plan['distinct_pairs']:,} distinct pairs"
    )
    inside = found["first_call_inside_s"]
    print(
        f"{'first call, fresh interpreter (wall)':<54} {spread(times_s['first_call']):<28} "
        f"inside: import {spread(inside['import_s'])}, Person objects "
        f"{spread(inside['people_s'])}, four_weeks {spread(inside['plan_s'])}"
    )
    print(f"{'bare interpreter + data load (wall)':<54} {spread(times_s['bare'])}")
    memory = found["peak_memory"]
    print(
        f"peak memory (tracemalloc): pair() {memory['pair_mb']:.1f} MB, greedy "
        f"{memory['greedy_mb']:.1f} MB, four_weeks {memory['four_weeks_mb']:.1f} MB, "
        f"networkx on the candidate graph {memory['networkx_candidate_mb']:.1f} MB"
    )
    ratios = found["ratios"]
    if found["full_graph"]["ran"]:
        print(
            "networkx / pair(), run by run, FULL graph: matching alone "
            f"{times(ratios['networkx_full_match_over_pair'])}; graph + matching "
            f"{times(ratios['networkx_full_over_pair'])}"
        )
    print(
        "networkx / pair(), run by run, candidate graph: matching alone "
        f"{times(ratios['networkx_candidate_match_over_pair'])}; graph + matching "
        f"{times(ratios['networkx_candidate_over_pair'])}"
    )
    print(f"four_weeks / pair(), run by run: {times(ratios['four_weeks_over_pair'])}")


def report_scaling(figures: Mapping[str, Any]) -> None:
    print()
    print(
        f"== networkx exact on the FULL graph by size (pair() and greedy {figures['runs']} "
        f"runs, networkx {figures['nx_runs']}); shares: pair() / greedy / networkx / optimum"
    )
    print(
        f"{'mix':<9} {'n':>5} {'edges':>9}  {'pair()':<22} {'greedy':<22} "
        f"{'networkx matching':<26} {'nx / pair()':<17} shares"
    )
    for mix, rows in figures["scaling"].items():
        for row in rows:
            times_s, shares = row["times_s"], row["shares"]
            share_text = " / ".join(
                f"{shares[key]['share']:.2%}" for key in ("pair", "greedy", "networkx_full")
            )
            print(
                f"{mix:<9} {row['n']:>5,} {row['edges']:>9,}  {spread(times_s['pair']):<22} "
                f"{spread(times_s['greedy']):<22} "
                f"{spread(row['networkx_parts_s']['match_s']):<26} "
                f"{times(row['ratios']['networkx_match_over_pair']):<17} "
                f"{share_text} / {shares['pair']['optimum_share']:.2%}"
            )
        probe = figures["sorted_roster"].get(mix)
        if probe is not None:
            print(
                f"  {mix}: the same at {probe['n']:,} with the people listed function by "
                f"function: matching {clock(probe['match_s'])}, once"
            )
        fit = figures["extrapolated"][mix]["match"]
        n = figures["size"]
        if fit is not None:
            print(
                f"  {mix}: the matching grows as n^{fit['exponent']:.2f} here; extrapolated to "
                f"{n:,}: about {clock(fit['at_size_s'])} "
                f"({fit['over_pair_median']:,.0f}x pair()'s median at {n:,})"
            )
        found = figures["at_size"][mix]
        if found["full_graph"]["ran"]:
            measured = found["networkx_parts_s"]["networkx_full"]["match_s"]
            print(f"  {mix}: measured at {n:,}: {spread(measured)}")


def report(figures: Mapping[str, Any]) -> None:
    print()
    print(
        f"Python {figures['python']}, networkx {figures['networkx']}; seed {figures['seed']}; "
        f"{figures['runs']} runs, alternating; each time: median (min-max); each ratio: "
        "run by run"
    )
    calls = figures["first_call_in_process_s"]
    print(
        f"first call in this process ({next(iter(MIXES))}, {figures['size']:,} people): "
        f"pair() {clock(calls['pair'])}, four_weeks {clock(calls['four_weeks'])}"
    )
    for found in figures["at_size"].values():
        report_size(found)
    report_scaling(figures)
    print()
    for mix, met in figures["met"].items():
        found = figures["at_size"][mix]
        graph = "full graph" if found["full_graph"]["ran"] else "candidate graph"
        print(
            f"target, {mix}: pair() share / optimum {found['shares']['pair']['of_optimum']:.4f} "
            f"(>= {SHARE_TARGET:g}): {verdict(met['share'])}; networkx / pair() "
            f"{found['ratios'][found['speed_ratio']]['median']:,.0f}x "
            f"(>= {SPEED_TARGET:g}x, the matching alone, {graph}): {verdict(met['speed'])}"
        )
    problems = figures["problems"]
    if problems:
        print(f"CHECKS FAILED ({len(problems)}):")
        for problem in problems:
            print(f"  {problem}")
    else:
        print(
            "checks passed: pair() and the greedy place everyone once and repeat no pair; "
            "four_weeks places everyone once a week and repeats no pair across weeks 1, 2 "
            "and 4; networkx returns matchings, perfect on the full graph with exactly the "
            "closed-form optimum; the fresh interpreter's plan has the same share"
        )
    print(machine_line())


def size_list(text: str) -> tuple[int, ...]:
    """An argparse type: sizes separated by commas, each at least 2."""
    sizes = tuple(int(part) for part in text.split(",") if part.strip())
    if not sizes or min(sizes) < 2:
        msg = "give sizes of at least 2, separated by commas"
        raise argparse.ArgumentTypeError(msg)
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_arguments(parser, size=FULL, what="people")
    parser.set_defaults(runs=None)
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"--size {QUICK} --scale {','.join(map(str, QUICK_SCALE))} --runs 2 --nx-runs 2",
    )
    parser.add_argument(
        "--nx-runs",
        type=positive_int,
        help=f"timed runs of networkx on the full graph (default {NX_RUNS})",
    )
    parser.add_argument(
        "--scale",
        type=size_list,
        help=f"sizes for the full graph (default {','.join(map(str, SCALE))})",
    )
    parser.add_argument(
        "--k",
        type=positive_int,
        default=K,
        help=f"candidates per person, of other functions and of their own (default {K})",
    )
    parser.add_argument(
        "--full-at-size",
        choices=("auto", "always", "never"),
        default="auto",
        help="networkx on the full graph at --size: auto (default) when the extrapolation "
        f"says it takes at most {LIMIT_S / 60:g} minutes",
    )
    parser.add_argument(
        "--no-sorted-probe",
        dest="sorted_probe",
        action="store_false",
        help="skip networkx on a roster sorted by function at the largest --scale size",
    )
    args = parser.parse_args()
    if args.quick:
        args.size = QUICK if args.size == FULL else args.size
        args.runs = args.runs or 2
        args.nx_runs = args.nx_runs or 2
        args.scale = args.scale or QUICK_SCALE
    args.runs = args.runs or RUNS
    args.nx_runs = args.nx_runs or NX_RUNS
    args.scale = args.scale or SCALE
    print(machine_line(), flush=True)
    figures = measure(args)
    report(figures)
    write_json(args.json_out, figures)
    if figures["problems"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
