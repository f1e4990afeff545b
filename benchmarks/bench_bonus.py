"""Bonus payouts for a whole company: ``BonusPlan.payout_arrays`` against NumPy floats.

In one run, this script:

* generates, from a fixed seed, 1,000,000 employees: a target bonus in USD with
  cents and four component scores (individual, team, company, silo_buster) with
  up to four decimals;
* times ``BonusPlan.blended().payout_arrays(targets, scores)``, alignkit's exact,
  vectorised path;
* times, on the same arrays, a NumPy float64 computation of the same plan (the
  limit): every line ``target * weight * min(score, 2.0)``, the total rounded half
  up to the cent, and the lines split by largest remainder so they add up to it;
* checks that both give every employee the same total to the cent, and sorts any
  disagreement into half-cent ties of the exact value and other causes, with
  ``plan.payout`` (exact Decimal) as the reference;
* times the object path, ``list(plan.payouts(rows))``, on the first 20,000
  employees as prebuilt ``PayoutRow`` objects, and checks it against the
  vectorised path row by row.

The three run ``--runs`` times, interleaved (A B C A B C ...). Every time and rate is
reported as the median with its range, and every ratio as the median (with its range)
of the ratios of the same run.

It needs NumPy (``pip install 'alignkit[fast]'``). ``--size N`` sets the number of
employees; the object path takes the first ``N // 25`` of them, at most 20,000.
``--quick`` is ``--size 50000``, a smoke test. The exit status is 1 when alignkit's
vectorised path disagrees with its exact Decimal path on any row checked.

Usage::

    python benchmarks/bench_bonus.py [--size N | --quick] [--runs 5] [--json]
        [--json-out PATH] [--no-gc-freeze]
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from _common import (
    add_common_arguments,
    machine,
    machine_line,
    median_range,
    positive_int,
    ratio,
    timed,
    write_json,
)

from alignkit.bonus import BonusPlan, PayoutRow

try:
    import numpy as np
except ImportError:  # pragma: no cover - reported in main()
    np = None  # type: ignore[assignment]

SEED = 20240601
TARGET_RATIO = 10.0
"""NumPy floats may be at most this many times faster than ``payout_arrays``."""
CAP = 2.0
"""The blended plan's components pay on a linear curve capped at a factor of 2."""
NAMES = ("individual", "team", "company", "silo_buster")
SCORE_RANGES = {"individual": (0.0, 2.2), "team": (0.4, 1.6), "company": (0.8, 1.2)}
REFERENCE_CHECKS = 25
"""At most this many disagreements are settled with ``plan.payout``, per kind."""


FULL = 1_000_000
QUICK = 50_000
OBJECT_ROWS = 20_000
"""The most employees the object path computes: a 25th of them, up to this many."""


@dataclass(frozen=True)
class Size:
    employees: int
    object_rows: int

    @classmethod
    def of(cls, employees: int) -> Size:
        return cls(employees, max(1, min(OBJECT_ROWS, employees // 25)))


# -- the data ----------------------------------------------------------------------------


def make_company(n: int) -> tuple[Any, dict[str, Any]]:
    """Targets (USD, to the cent) and scores (to 4 decimals), one value per employee.

    Targets are uniform in 1,000-60,000; individual scores in 0-2.2 (so some exceed
    the cap of 2), team 0.4-1.6, company 0.8-1.2; the silo-buster score is 0 or 1.
    """
    rng = np.random.default_rng(SEED)
    targets = np.round(rng.uniform(1_000, 60_000, n), 2)
    scores = {
        name: np.round(rng.uniform(low, high, n), 4) for name, (low, high) in SCORE_RANGES.items()
    }
    scores["silo_buster"] = rng.integers(0, 2, n).astype(np.float64)
    return targets, {name: scores[name] for name in NAMES}


def make_rows(targets: Any, scores: Mapping[str, Any], n: int) -> list[PayoutRow]:
    """The first ``n`` employees as ``PayoutRow`` objects holding Python floats."""
    columns = [scores[name][:n].tolist() for name in NAMES]
    return [
        PayoutRow(f"E{i:07d}", target, dict(zip(NAMES, values, strict=True)))
        for i, (target, *values) in enumerate(zip(targets[:n].tolist(), *columns, strict=True))
    ]


# -- the contenders ----------------------------------------------------------------------


def numpy_payouts(
    weights: Sequence[float], cap: float, targets: Any, scores: Sequence[Any]
) -> tuple[Any, Any]:
    """The same plan in float64: totals and lines in cents, as int64 like alignkit's.

    ``weights`` and ``scores`` are in the order of the plan's components. Each line is
    ``target * (weight * 100) * min(score, cap)`` in cents. The total is their sum
    rounded half up; the lines are floored and the cents left over go to the largest
    remainders, ties to the earlier component (the rule of ``BonusPlan.payout``).
    Work arrays are component-major so every step runs over contiguous memory, and
    the ranks come from one comparison per pair of components.

    It uses NumPy and nothing else (no alignkit, no name from this module), so that
    ``bench_bonus_csv.py`` can run this very source as a plain NumPy script.
    """
    k, n = len(weights), len(targets)
    raw = np.empty((k, n))
    for j, weight in enumerate(weights):
        line = raw[j]
        np.minimum(scores[j], cap, out=line)
        line *= targets
        line *= weight * 100
    totals = raw.sum(axis=0)
    totals += 0.5
    np.floor(totals, out=totals)
    floors = np.floor(raw)
    remainders = raw
    remainders -= floors
    short = totals - floors.sum(axis=0)
    ranks = np.zeros((k, n), dtype=np.int8)
    for i in range(k):
        for j in range(i + 1, k):
            ahead = remainders[i] >= remainders[j]
            ranks[j] += ahead
            ranks[i] += ~ahead
    floors += ranks < short
    return totals.astype(np.int64), floors.astype(np.int64).T


# -- timing ------------------------------------------------------------------------------


def figures(samples: list[float], n: int) -> dict[str, Any]:
    """One contender's time per run and payouts per second, each a median and range."""
    return {
        "payouts": n,
        "time_s": median_range(samples),
        "per_s": median_range([n / s for s in samples]),
        "samples_s": samples,
    }


def per_payout(samples: list[float], n: int) -> list[float]:
    """Seconds per payout, run by run: runs of different sizes become comparable."""
    return [s / n for s in samples]


# -- agreement ---------------------------------------------------------------------------


WEIGHTS = {"individual": "0.4", "team": "0.3", "company": "0.2", "silo_buster": "0.1"}


def exact_lines(target: float, values: Mapping[str, float]) -> list[Decimal]:
    """The unrounded lines in cents, in Decimal, reading floats as ``payout`` does."""
    cap = Decimal(str(CAP))
    return [
        Decimal(str(target)) * Decimal(WEIGHTS[name]) * min(Decimal(str(values[name])), cap) * 100
        for name in NAMES
    ]


def exact_cents(target: float, values: Mapping[str, float]) -> Decimal:
    """The unrounded total in cents, in Decimal."""
    return sum(exact_lines(target, values), Decimal(0))


def compare_lines(
    plan: BonusPlan, targets: Any, scores: Mapping[str, Any], ours: Any, theirs: Any
) -> dict[str, Any]:
    """Rows with the same total but other lines: how many have equal exact remainders.

    ``ours`` and ``theirs`` are ``(totals, lines)`` pairs.
    """
    same_total = ours[0] == theirs[0]
    differ = np.flatnonzero(same_total & (ours[1] != theirs[1]).any(axis=1)).tolist()
    tied = 0
    alignkit_wrong = 0
    for count, index in enumerate(differ):
        target = float(targets[index])
        values = {name: float(scores[name][index]) for name in NAMES}
        remainders = [line % 1 for line in exact_lines(target, values)]
        tied += len(set(remainders)) < len(remainders)
        if count < REFERENCE_CHECKS:
            reference = [int(line.amount.scaleb(2)) for line in plan.payout(target, values).lines]
            alignkit_wrong += reference != ours[1][index].tolist()
    return {
        "lines_differ": len(differ),
        "lines_remainder_ties": tied,
        "lines_checked_with_payout": min(len(differ), REFERENCE_CHECKS),
        "lines_alignkit_wrong": alignkit_wrong,
    }


def compare_totals(
    plan: BonusPlan, targets: Any, scores: Mapping[str, Any], ours: Any, theirs: Any
) -> dict[str, Any]:
    """Where the two totals differ: how many, which are half-cent ties, who is right."""
    differ = np.flatnonzero(ours != theirs)
    ties: list[int] = []
    other: list[int] = []
    for index in differ.tolist():
        values = {name: float(scores[name][index]) for name in NAMES}
        fraction = exact_cents(float(targets[index]), values) % 1
        (ties if fraction == Decimal("0.5") else other).append(index)
    examples: list[dict[str, Any]] = []
    alignkit_wrong = 0
    checked = ties[:REFERENCE_CHECKS] + other[:REFERENCE_CHECKS]
    for index in checked:
        values = {name: float(scores[name][index]) for name in NAMES}
        reference = plan.payout(float(targets[index]), values).total
        alignkit = Decimal(int(ours[index])).scaleb(-2)
        float_total = Decimal(int(theirs[index])).scaleb(-2)
        alignkit_wrong += alignkit != reference
        if len(examples) < 3:
            examples.append(
                {
                    "index": index,
                    "target": float(targets[index]),
                    "scores": values,
                    "exact_cents": str(exact_cents(float(targets[index]), values)),
                    "payout": str(reference),
                    "alignkit": str(alignkit),
                    "numpy": str(float_total),
                }
            )
    return {
        "totals_differ": len(differ),
        "half_cent_ties": len(ties),
        "other_causes": len(other),
        "checked_with_payout": len(checked),
        "alignkit_wrong": alignkit_wrong,
        "examples": examples,
    }


def exact_ties(targets: Any, scores: Mapping[str, Any]) -> int:
    """How many employees' exact totals fall on a half cent, in integer arithmetic.

    Targets are whole cents and scores whole 1/10,000ths, so the total in cents is
    ``cents * sum(weight * 10 * min(score, 2) * 10_000) / 10**5``, whose numerator
    fits in int64. A tie leaves exactly half of ``10**5`` over.
    """
    cents = np.rint(targets * 100).astype(np.int64)
    tenths = (4, 3, 2, 1)  # the weights in tenths
    blend = sum(
        w * np.minimum(np.rint(scores[name] * 10_000).astype(np.int64), 20_000)
        for w, name in zip(tenths, NAMES, strict=True)
    )
    return int(np.count_nonzero(cents * blend % 100_000 == 50_000))


def compare_objects(arrays: Any, payouts: list[Any]) -> int:
    """Rows where ``payout_arrays`` and ``payouts`` differ in the total or any line."""
    wrong = 0
    for index, payout in enumerate(payouts):
        total = int(payout.total.scaleb(2))
        lines = [int(line.amount.scaleb(2)) for line in payout.lines]
        wrong += total != int(arrays.totals[index]) or lines != arrays.lines[index].tolist()
    return wrong


# -- the run -----------------------------------------------------------------------------


def measure(size: Size, runs: int, freeze: bool) -> dict[str, Any]:
    data: dict[str, Any] = {"machine": machine()}
    plan = BonusPlan.blended()
    setup_s, (targets, scores) = timed(lambda: make_company(size.employees))
    rows_s, rows = timed(lambda: make_rows(targets, scores, size.object_rows))
    data |= {
        "python": sys.version.split()[0],
        "numpy_version": np.__version__,
        "size": asdict(size),
        "seed": SEED,
        "runs": runs,
        "gc_freeze": freeze,
        "generate_s": setup_s,
        "build_rows_s": rows_s,
    }

    weights = [float(c.weight) for c in plan.components]
    columns = [scores[c.name] for c in plan.components]
    runners: dict[str, Callable[[], Any]] = {
        "alignkit": lambda: plan.payout_arrays(targets, scores),
        "numpy": lambda: numpy_payouts(weights, CAP, targets, columns),
        "objects": lambda: list(plan.payouts(rows)),
    }
    # One untimed run each, then `runs` rounds, interleaved, so that drift in the
    # machine's speed hits all alike, and each round's ratios compare like with like.
    results = {name: run() for name, run in runners.items()}
    gc.collect()
    if freeze:
        gc.freeze()
    samples: dict[str, list[float]] = {name: [] for name in runners}
    try:
        for _ in range(runs):
            for name, run in runners.items():
                results[name] = None
                elapsed, results[name] = timed(run)
                samples[name].append(elapsed)
    finally:
        if freeze:
            gc.unfreeze()
    data["alignkit"] = figures(samples["alignkit"], size.employees)
    data["numpy"] = figures(samples["numpy"], size.employees)
    data["objects"] = figures(samples["objects"], size.object_rows)

    arrays = results["alignkit"]
    float_totals, float_lines = results["numpy"]
    data["checked"] = arrays.checked
    agreement = compare_totals(plan, targets, scores, arrays.totals, float_totals)
    agreement["employees"] = size.employees
    agreement["exact_half_cent_ties"] = exact_ties(targets, scores)
    agreement.update(
        compare_lines(
            plan, targets, scores, (arrays.totals, arrays.lines), (float_totals, float_lines)
        )
    )
    agreement["object_rows"] = size.object_rows
    agreement["alignkit_vs_objects"] = compare_objects(arrays, results["objects"])
    data["agreement"] = agreement

    # Payouts per second of one over the other, run by run: the inverse ratio of the
    # times per payout.
    data["ratios"] = {
        "numpy_vs_alignkit": ratio(samples["alignkit"], samples["numpy"]),
        "alignkit_vs_objects": ratio(
            per_payout(samples["objects"], size.object_rows),
            per_payout(samples["alignkit"], size.employees),
        ),
    }
    data["target"] = {"numpy_vs_alignkit_max": TARGET_RATIO}
    data["met"] = data["ratios"]["numpy_vs_alignkit"]["median"] <= TARGET_RATIO
    return data


# -- the report --------------------------------------------------------------------------


def spread(figure: Mapping[str, float], spec: str, unit: str = "") -> str:
    """A median and its range: ``median (min-max)``."""
    low, high = f"{figure['min']:{spec}}", f"{figure['max']:{spec}}"
    return f"{figure['median']:{spec}}{unit} ({low}-{high})"


def report(data: dict[str, Any]) -> None:
    size = data["size"]
    print(
        f"Python {data['python']}, NumPy {data['numpy_version']}; {size['employees']:,} employees "
        f"(generated in {data['generate_s']:.2f} s), blended plan, USD; "
        f"{data['runs']} runs, interleaved; gc.freeze {'on' if data['gc_freeze'] else 'off'}"
    )
    print("each figure: median (min-max) over the runs; each ratio: over the same runs")
    print()
    print(f"{'':<31} {'payouts':>9}  {'seconds per run':<26} {'payouts/s':<34} {'checked':>7}")
    rows = (
        ("alignkit", "alignkit payout_arrays (exact)", str(data["checked"])),
        ("numpy", "NumPy float64 (the limit)", "-"),
        ("objects", "alignkit list(payouts(rows))", "-"),
    )
    for key, label, checked in rows:
        row = data[key]
        print(
            f"{label:<31} {row['payouts']:>9,}  {spread(row['time_s'], '.4f'):<26} "
            f"{spread(row['per_s'], ',.0f'):<34} {checked:>7}"
        )
    print()
    ratios = data["ratios"]
    verdict = "met" if data["met"] else "MISSED"
    print(
        f"NumPy float / alignkit vectorised, payouts/s: "
        f"{spread(ratios['numpy_vs_alignkit'], '.1f', 'x')} "
        f"(target <= {data['target']['numpy_vs_alignkit_max']:g}x at the median: {verdict})"
    )
    print(
        f"alignkit vectorised / object path, payouts/s: "
        f"{spread(ratios['alignkit_vs_objects'], ',.0f', 'x')} "
        f"({size['object_rows']:,} PayoutRow objects built in {data['build_rows_s']:.2f} s)"
    )
    agreement = data["agreement"]
    print(
        f"totals that differ, alignkit vs NumPy: {agreement['totals_differ']:,} of "
        f"{agreement['employees']:,} ({agreement['half_cent_ties']} at a half-cent tie of "
        f"the exact value, {agreement['other_causes']} other); "
        f"{agreement['exact_half_cent_ties']:,} exact totals fall on a half cent"
    )
    print(
        f"  checked {agreement['checked_with_payout']} with plan.payout: alignkit wrong on "
        f"{agreement['alignkit_wrong']}"
    )
    for example in agreement["examples"]:
        scores = ", ".join(f"{k}={v:g}" for k, v in example["scores"].items())
        print(
            f"  #{example['index']}: target {example['target']:.2f}, {scores}: exact "
            f"{example['exact_cents']} cents; payout {example['payout']}, "
            f"alignkit {example['alignkit']}, NumPy {example['numpy']}"
        )
    print(
        f"rows whose lines differ (same total, the cents left over placed differently): "
        f"{agreement['lines_differ']:,}, {agreement['lines_remainder_ties']:,} of them with two "
        f"lines on equal exact remainders; checked {agreement['lines_checked_with_payout']} "
        f"with plan.payout: alignkit wrong on {agreement['lines_alignkit_wrong']}"
    )
    print(
        f"alignkit payout_arrays vs payouts on {agreement['object_rows']:,} rows: "
        f"{agreement['alignkit_vs_objects']} rows differ"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, size=FULL, what="employees")
    parser.add_argument(
        "--quick", action="store_const", dest="size", const=QUICK, help=f"--size {QUICK}"
    )
    parser.add_argument("--repeats", dest="runs", type=positive_int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--no-gc-freeze",
        action="store_true",
        help="leave the prebuilt rows to the garbage collector while timing",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if np is None:
        sys.exit("this benchmark needs NumPy: pip install 'alignkit[fast]'")
    if not args.json:
        print(machine_line(), flush=True)
    data = measure(Size.of(args.size), args.runs, freeze=not args.no_gc_freeze)
    write_json(args.json_out, data)
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        report(data)
    agreement = data["agreement"]
    wrong = agreement["alignkit_wrong"] + agreement["lines_alignkit_wrong"]
    if wrong or agreement["alignkit_vs_objects"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
