"""Pieces the benchmark scripts share (run them as `python benchmarks/bench_X.py`)."""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    value = int(text)
    if value < 1:
        msg = "must be at least 1"
        raise argparse.ArgumentTypeError(msg)
    return value


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds ``fn()`` took, and what it returned."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def summary(samples: list[float]) -> dict[str, Any]:
    """The best and median of timed samples (seconds), and the samples themselves."""
    return {
        "best_s": min(samples),
        "median_s": statistics.median(samples),
        "samples_s": samples,
    }


def rate(samples: list[float], n: int) -> dict[str, Any]:
    """:func:`summary` plus ``n`` items per second at the best and the median sample."""
    found = summary(samples)
    found["per_s"] = n / found["best_s"]
    found["median_per_s"] = n / found["median_s"]
    return found


def median_range(samples: list[float]) -> dict[str, float]:
    """The median with the range around it: what every figure is reported as."""
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples)}


def ratio(numerator: list[float], denominator: list[float]) -> dict[str, float]:
    """The ratio of two contenders' times, run by run when paired, as a median and range.

    Paired samples (the same length, taken in turn) give per-run ratios; otherwise
    the ratio of the medians is reported (never a best against a single run).
    """
    if len(numerator) == len(denominator):
        return median_range([a / b for a, b in zip(numerator, denominator, strict=True)])
    value = statistics.median(numerator) / statistics.median(denominator)
    return {"median": value, "min": value, "max": value}


def machine() -> dict[str, Any]:
    """What the machine was doing: load averages and CPU count, printed and kept in JSON."""
    import os
    import platform

    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    return {
        "load_average": [round(x, 2) for x in load],
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }


def machine_line() -> str:
    """One line for a benchmark's header: load averages (1, 5, 15 min) and CPUs."""
    info = machine()
    one, five, fifteen = info["load_average"]
    return f"machine: load {one} / {five} / {fifteen} (1/5/15 min), {info['cpus']} CPUs"


def add_common_arguments(parser: argparse.ArgumentParser, *, size: int, what: str) -> None:
    """``--size N`` (default ``size`` ``what``), ``--runs N`` and ``--json PATH``."""
    parser.add_argument(
        "--size", type=positive_int, default=size, help=f"how many {what} (default {size:,})"
    )
    parser.add_argument(
        "--runs", type=positive_int, default=5, help="timed runs of each contender (default 5)"
    )
    parser.add_argument(
        "--json-out",
        metavar="PATH",
        help="also write the figures and ratios as JSON to PATH, to compare with a later run",
    )


def write_json(path: str | None, figures: dict[str, Any]) -> None:
    """Write ``figures`` (with the machine's state) to ``path``, if one was given."""
    if path is None:
        return
    import json
    from pathlib import Path

    Path(path).write_text(json.dumps({"machine": machine(), **figures}, indent=2) + "\n")
