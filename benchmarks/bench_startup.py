"""Start-up cost of the ``alignkit`` command and of importing alignkit, in fresh interpreters.

``alignkit check`` runs on every commit, so most of its time is interpreter start-up
and imports. This script times, with the interpreter running it, each command in a
fresh interpreter, paired with a baseline it is judged against:

* ``alignkit --version`` against ``python -c "import click"``: the command line
  needs click and little else;
* ``alignkit check examples/acme/alignment.yaml``, the README's command, against
  importing the libraries it runs on (click, attrs, PyYAML, pydantic's models);
* importing every area module (``alignkit.org`` ... ``alignkit.review``, with
  ``alignkit.alignment_file`` and ``alignkit.store``) against
  ``import attrs, yaml; from pydantic import BaseModel, Field``, the dependencies
  with pydantic's model machinery loaded;
* ``import alignkit`` against ``python -c pass``.

The commands share a private bytecode cache (a temporary directory), so a shell
that sets ``PYTHONDONTWRITEBYTECODE`` or a stale ``__pycache__`` cannot make one of
them pay for compiling source that the others get from ``.pyc`` files. Each runs
once untimed (a warm-up that fills that cache), then ``--runs`` times, each
command next to its baseline (A a B b ... A a B b ...), so that drift in the
machine's speed hits every command alike; each ratio is taken run by run between a
command and the baseline run next to it. Figures are the median with the range
(min-max) of the wall time, and of the CPU time (user + system) of the child, which
a busy machine disturbs less.

It also reports which heavy modules ``alignkit --version`` and ``import alignkit``
load (attrs, pydantic, PyYAML, the area packages), which should be none; and, from
``-X importtime``, the ``--size`` modules whose own import costs the most when every
area module is imported.

Usage::

    python benchmarks/bench_startup.py [--runs 20] [--size 10] [--json] [--json-out PATH]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _common import (
    add_common_arguments,
    child_env,
    machine,
    machine_line,
    median_range,
    ratio,
    run_child,
    write_json,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = Path("examples") / "acme" / "alignment.yaml"
AREA_MODULES = (
    "alignkit.org",
    "alignkit.decision_rights",
    "alignkit.handoff",
    "alignkit.squads",
    "alignkit.bonus",
    "alignkit.incentives",
    "alignkit.review",
    "alignkit.alignment_file",
    "alignkit.store",
)
DEPS_WITH_MODELS = "import attrs, yaml; from pydantic import BaseModel, Field"
# Modules the command line's start-up and a bare `import alignkit` should not load.
HEAVY = ("attr", "attrs", "pydantic", "yaml", *AREA_MODULES)
DEFAULT_RUNS = 20
DEFAULT_TOP = 10


@dataclass(frozen=True)
class Pair:
    """A command, the baseline it is run next to, and the target it should meet."""

    label: str
    command: list[str]
    baseline_label: str
    baseline: list[str]
    target: str


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float


def alignkit_command() -> list[str]:
    """The ``alignkit`` console script beside this Python, else ``python -m alignkit``."""
    script = Path(sys.executable).parent / "alignkit"
    return [str(script)] if script.exists() else [sys.executable, "-m", "alignkit"]


def pairs() -> list[Pair]:
    python = sys.executable
    alignkit = alignkit_command()
    return [
        Pair(
            "alignkit --version",
            [*alignkit, "--version"],
            "import click",
            [python, "-c", "import click"],
            "at most 1.5x import click",
        ),
        Pair(
            "alignkit check (example)",
            [*alignkit, "check", str(EXAMPLE)],
            "its libraries",
            [python, "-c", "import click; " + DEPS_WITH_MODELS],
            "under 0.25 s",
        ),
        Pair(
            "import every area module",
            [python, "-c", "import " + ", ".join(AREA_MODULES)],
            "attrs, yaml, pydantic models",
            [python, "-c", DEPS_WITH_MODELS],
            "at most 1.3x the dependencies",
        ),
        Pair(
            "import alignkit",
            [python, "-c", "import alignkit"],
            "bare python",
            [python, "-c", "pass"],
            "fast: no pydantic, no areas",
        ),
    ]


def run_once(cmd: list[str], env: Mapping[str, str]) -> Run:
    """Wall and CPU seconds of one run of ``cmd``; stop if it fails."""
    child = run_child(cmd, cwd=ROOT, env=env)
    return Run(child.wall, child.cpu)


def warm_up(cmd: list[str], env: Mapping[str, str]) -> None:
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
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed with exit code {done.returncode}:\n{done.stderr}")


def loaded_by(cmd: list[str], env: Mapping[str, str]) -> list[str]:
    """Which of :data:`HEAVY` (or their submodules) ``cmd`` imports, by ``-X importtime``."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *_script(cmd)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    names = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    return sorted(
        heavy for heavy in HEAVY if any(n == heavy or n.startswith(heavy + ".") for n in names)
    )


def _script(cmd: list[str]) -> list[str]:
    """``cmd``'s arguments after the interpreter (a console script runs as a file)."""
    return cmd[1:] if cmd[0] == sys.executable else cmd


def _own_costs(code: str, env: Mapping[str, str]) -> dict[str, int]:
    """Each module ``python -c code`` imports, with its own import time in microseconds."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    costs = {}
    for line in done.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[0].strip().isdigit():
            costs[parts[2].strip()] = int(parts[0])
    return costs


def import_profile(env: Mapping[str, str], runs: int, top: int) -> list[dict[str, Any]]:
    """The ``top`` modules importing the areas adds to the baseline's, by own cost.

    Medians over ``runs`` runs; a module imported through ``importlib.import_module``
    (as pydantic imports its own parts) counts in the module that asked for it.
    """
    baseline = set(_own_costs(DEPS_WITH_MODELS, env))
    own: dict[str, list[int]] = {}
    for _ in range(runs):
        for name, cost in _own_costs("import " + ", ".join(AREA_MODULES), env).items():
            if name not in baseline:
                own.setdefault(name, []).append(cost)
    medians = sorted(((statistics.median(v), k) for k, v in own.items()), reverse=True)
    return [{"module": name, "self_ms": us / 1000} for us, name in medians[:top]]


def measure(runs: int, top: int) -> dict[str, Any]:
    chosen = pairs()
    samples: dict[str, list[Run]] = {}
    with tempfile.TemporaryDirectory(prefix="alignkit-bench-") as cache:
        env = child_env(cache)
        commands = {p.label: p.command for p in chosen}
        commands.update({f"{p.label} / baseline": p.baseline for p in chosen})
        for cmd in commands.values():
            warm_up(cmd, env)
        samples = {name: [] for name in commands}
        for _ in range(runs):
            for pair in chosen:  # each command next to its baseline: A a B b C c ...
                samples[pair.label].append(run_once(pair.command, env))
                baseline = f"{pair.label} / baseline"
                samples[baseline].append(run_once(pair.baseline, env))
        loaded = {
            "alignkit --version": loaded_by(chosen[0].command, env),
            "import alignkit": loaded_by(chosen[3].command, env),
        }
        profile = import_profile(env, min(runs, 5), top)
    results = []
    for pair in chosen:
        ours, theirs = samples[pair.label], samples[f"{pair.label} / baseline"]
        results.append(
            {
                "label": pair.label,
                "command": pair.command,
                "baseline": pair.baseline_label,
                "baseline_command": pair.baseline,
                "target": pair.target,
                "wall_s": median_range([r.wall for r in ours]),
                "cpu_s": median_range([r.cpu for r in ours]),
                "baseline_wall_s": median_range([r.wall for r in theirs]),
                "baseline_cpu_s": median_range([r.cpu for r in theirs]),
                "ratio_wall": ratio([r.wall for r in ours], [r.wall for r in theirs]),
                "ratio_cpu": ratio([r.cpu for r in ours], [r.cpu for r in theirs]),
                "samples_wall_s": [r.wall for r in ours],
                "baseline_samples_wall_s": [r.wall for r in theirs],
            }
        )
    return {
        "machine": machine(),
        "python": sys.version.split()[0],
        "runs": runs,
        "results": results,
        "loaded": loaded,
        "import_profile": profile,
    }


def spread(figure: Mapping[str, float], scale: float = 1.0, spec: str = ".0f") -> str:
    """A median and its range: ``median (min-max)``."""
    low, mid, high = (figure[k] * scale for k in ("min", "median", "max"))
    return f"{mid:{spec}} ({low:{spec}}-{high:{spec}})"


def report(data: dict[str, Any]) -> None:
    print(f"Python {data['python']}; {data['runs']} fresh interpreters per command, interleaved")
    print("each figure: median (min-max) in ms; each ratio: run by run against its baseline")
    print()
    for row in data["results"]:
        print(f"{row['label']}  (target: {row['target']})")
        print(
            f"  wall {spread(row['wall_s'], 1000)}   cpu {spread(row['cpu_s'], 1000)}"
            f"   [{row['baseline']}: wall {spread(row['baseline_wall_s'], 1000)}"
            f", cpu {spread(row['baseline_cpu_s'], 1000)}]"
        )
        print(
            f"  ratio to {row['baseline']}: wall {spread(row['ratio_wall'], spec='.2f')}x"
            f", cpu {spread(row['ratio_cpu'], spec='.2f')}x"
        )
    print()
    for label, names in data["loaded"].items():
        print(f"attrs, pydantic, yaml or areas loaded by {label}: {', '.join(names) or 'none'}")
    print()
    print("what importing every area module adds to the dependencies, by own import time")
    print("(-X importtime, median ms):")
    for row in data["import_profile"]:
        print(f"  {row['self_ms']:7.2f}  {row['module']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, size=DEFAULT_TOP, what="modules in the import-cost listing")
    for action in parser._actions:  # noqa: SLF001 - argparse has no public way to re-document
        if "--runs" in action.option_strings:
            action.default = DEFAULT_RUNS
            action.help = f"fresh interpreters of each command (default {DEFAULT_RUNS})"
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if not args.json:
        print(machine_line(), flush=True)
    data = measure(args.runs, args.size)
    write_json(args.json_out, data)
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        report(data)


if __name__ == "__main__":
    main()
