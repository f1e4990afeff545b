"""Pieces the benchmark scripts share (run them as `python benchmarks/bench_X.py`)."""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
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


def peak_mb(fn: Callable[[], Any]) -> float:
    """The peak memory ``fn()`` allocates, by tracemalloc, in MB."""
    gc.collect()
    tracemalloc.start()
    try:
        kept = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del kept
    return peak / 1e6


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


# -- child processes ---------------------------------------------------------------------

# Settings that would change what is timed: no bytecode cache, or import-time tracing.
DROPPED_ENV = frozenset(
    {"PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX", "PYTHONPROFILEIMPORTTIME"}
)


def child_env(cache: str | Path) -> dict[str, str]:
    """This environment, with bytecode written to and read from ``cache``."""
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


@dataclass(frozen=True)
class ChildRun:
    """What one child process cost: CPU (user + system) and wall seconds, peak memory."""

    cpu: float
    wall: float
    peak_mb: float


BARE_CHILD = """\
import pickle, sys
with open(sys.argv[1], "rb") as file:
    pickle.load(file)
"""
"""A fresh interpreter loading a pickled input and nothing else: the baseline of a first call."""


def run_child(
    command: list[str],
    *,
    cwd: str | Path,
    env: Mapping[str, str],
    ok: Collection[int] = (0,),
) -> ChildRun:
    """Run ``command`` once, its output discarded; stop, with its stderr, on another exit code."""
    start = time.perf_counter()
    child = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    # Read to the end first: a child that fills the pipe would otherwise never exit.
    said = child.stderr.read().decode(errors="replace") if child.stderr else ""
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if child.stderr:
        child.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in ok:
        sys.exit(f"{' '.join(command)} failed with exit code {code}:\n{said}")
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return ChildRun(usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss * scale / 1e6)
