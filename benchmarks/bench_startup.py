"""Start-up cost of ``import alignkit`` and of ``alignkit check``, in fresh interpreters.

``alignkit check`` runs on every commit, so most of its time is interpreter start-up
and imports. This script times, with the interpreter running it:

* ``deps-import``: ``import attrs, pydantic, yaml``, the runtime dependencies alone;
* ``alignkit-import``: ``import alignkit`` and every public module of the package;
* ``bare``: ``pass``, bare interpreter start-up;
* ``check``: ``python -m alignkit check examples/acme/alignment.yaml``.

The commands share a private bytecode cache (a temporary directory), so a shell
that sets ``PYTHONDONTWRITEBYTECODE`` or a stale ``__pycache__`` cannot make one
of them pay for compiling source that the others get from ``.pyc`` files. Each
command runs once untimed (a warm-up that fills that cache), then ``--runs``
times, interleaved run by run (A B C D A B C D ...) so that drift in the
machine's speed hits every command alike. It also reports which of
``click``, ``yaml`` and ``alignkit.cli`` a bare ``import alignkit`` loads: none
should be.

Usage::

    python benchmarks/bench_startup.py [--runs 30] [--json]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import pkgutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import positive_int

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = Path("examples") / "acme" / "alignment.yaml"
TARGET_RATIO = 1.3

# Always imported; modules found in the package at run time are added after these.
CORE_MODULES = (
    "alignkit",
    "alignkit.errors",
    "alignkit.diagnostics",
    "alignkit.org",
    "alignkit.alignment_file",
    "alignkit.rules",
)
# Not part of the library's import cost: the command line is only loaded by `alignkit`.
EXCLUDED = frozenset({"cli", "__main__"})
# Settings that would change what is timed: no bytecode cache, or import-time tracing.
DROPPED_ENV = frozenset(
    {"PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX", "PYTHONPROFILEIMPORTTIME"}
)
# Exit codes that mean a complete run: `alignkit check` exits 1 when it finds errors.
SUCCESS = frozenset({0})
ACCEPTED = {"check": frozenset({0, 1})}
HEAVY_CODE = (
    "import sys, json, {modules}\n"
    "print(json.dumps(sorted(m for m in sys.modules "
    "if m.split('.')[0] in {{'click', 'yaml'}} or m == 'alignkit.cli')))"
)


def package_dirs() -> list[str]:
    """The directories of the ``alignkit`` package the interpreter would import."""
    spec = importlib.util.find_spec("alignkit")  # locates it without importing it
    if spec is None or not spec.submodule_search_locations:
        sys.exit("alignkit is not importable by this interpreter; install it first")
    return list(spec.submodule_search_locations)


def public_modules() -> list[str]:
    """Every public module of alignkit: the core ones, then any other found on disk."""
    found: list[str] = []

    def walk(paths: list[str], prefix: str) -> None:
        for info in pkgutil.iter_modules(paths):
            if info.name.startswith("_") or info.name in EXCLUDED:
                continue
            name = f"{prefix}.{info.name}"
            found.append(name)
            if info.ispkg:
                where = getattr(info.module_finder, "path", paths[0])
                walk([str(Path(where) / info.name)], name)

    walk(package_dirs(), "alignkit")
    extra = sorted(name for name in found if name not in CORE_MODULES)
    return [*CORE_MODULES, *extra]


def commands(modules: list[str]) -> dict[str, list[str]]:
    """The commands to time, in the order they run within each round."""
    python = sys.executable
    return {
        "deps-import": [python, "-c", "import attrs, pydantic, yaml"],
        "alignkit-import": [python, "-c", "import " + ", ".join(modules)],
        "bare": [python, "-c", "pass"],
        "check": [python, "-m", "alignkit", "check", str(EXAMPLE)],
    }


def child_env(cache: str) -> dict[str, str]:
    """This environment, with bytecode written to and read from ``cache``."""
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
    env["PYTHONPYCACHEPREFIX"] = cache
    return env


def warm_up(cmd: list[str], env: dict[str, str], ok: frozenset[int]) -> None:
    """Run ``cmd`` once, untimed; stop with its output if it fails."""
    done = subprocess.run(
        cmd,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode not in ok:
        sys.exit(f"{cmd!r} failed with exit code {done.returncode}:\n{done.stdout}{done.stderr}")


def time_once(cmd: list[str], env: dict[str, str], ok: frozenset[int]) -> float:
    """Wall time of one run of ``cmd``, in milliseconds."""
    start = time.perf_counter()
    done = subprocess.run(
        cmd,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode not in ok:
        sys.exit(f"{cmd!r} failed with exit code {done.returncode}")
    return elapsed


def heavy_modules(modules: list[str], env: dict[str, str]) -> list[str]:
    """Which of click, yaml and alignkit.cli importing ``modules`` loads."""
    code = HEAVY_CODE.format(modules=", ".join(modules))
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"the import check failed:\n{done.stderr}")
    loaded: list[str] = json.loads(done.stdout)
    return loaded


def ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator > 0 else None


def measure(runs: int) -> dict[str, Any]:
    modules = public_modules()
    cmds = commands(modules)
    samples: dict[str, list[float]] = {name: [] for name in cmds}
    with tempfile.TemporaryDirectory(prefix="alignkit-bench-") as cache:
        env = child_env(cache)
        for name, cmd in cmds.items():
            warm_up(cmd, env, ACCEPTED.get(name, SUCCESS))
        for _ in range(runs):
            for name, cmd in cmds.items():
                samples[name].append(time_once(cmd, env, ACCEPTED.get(name, SUCCESS)))
        heavy = {
            "import alignkit": heavy_modules(["alignkit"], env),
            "all public modules": heavy_modules(modules, env),
        }

    results = {
        name: {
            "command": cmds[name],
            "median_ms": statistics.median(values),
            "min_ms": min(values),
            "max_ms": max(values),
            "samples_ms": values,
        }
        for name, values in samples.items()
    }
    ours = results["alignkit-import"]["median_ms"]
    deps = results["deps-import"]["median_ms"]
    bare = results["bare"]["median_ms"]
    return {
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "runs": runs,
        "modules": modules,
        "results": results,
        "ratio": ratio(ours, deps),
        "ratio_without_startup": ratio(ours - bare, deps - bare),
        "target_ratio": TARGET_RATIO,
        "heavy_modules": heavy,
    }


def fmt_ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def report(data: dict[str, Any]) -> None:
    print(f"Python {data['python']}, {data['runs']} runs of each command after one warm-up")
    print(f"alignkit-import imports: {', '.join(data['modules'])}")
    print()
    print(f"{'benchmark':<16} {'median ms':>10} {'min ms':>10} {'max ms':>10}")
    for name, result in data["results"].items():
        print(
            f"{name:<16} {result['median_ms']:>10.1f} "
            f"{result['min_ms']:>10.1f} {result['max_ms']:>10.1f}"
        )
    print()
    value = data["ratio"]
    verdict = "n/a" if value is None else ("met" if value <= TARGET_RATIO else "MISSED")
    print(
        f"alignkit-import / deps-import (medians): {fmt_ratio(value)} "
        f"(target <= {TARGET_RATIO}: {verdict})"
    )
    print(
        f"the same, bare start-up subtracted from both: {fmt_ratio(data['ratio_without_startup'])}"
    )
    print()
    for label, loaded in data["heavy_modules"].items():
        print(f"click/yaml/alignkit.cli loaded by {label}: {loaded or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs", type=positive_int, default=30, help="timed runs of each command (default 30)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    data = measure(args.runs)
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        report(data)


if __name__ == "__main__":
    main()
