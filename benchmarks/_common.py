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
