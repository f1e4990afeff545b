"""``alignkit bonus compute`` on a 1,000,000-row scores CSV: time and peak memory.

In one run, this script:

* writes, from a fixed seed, a scores CSV of 1,000,000 employees (the employees of
  ``bench_bonus.py``: a target in USD with cents, four scores with up to four
  decimals) to a temporary directory;
* runs, each in a fresh interpreter so that each has its own peak memory:

  - ``alignkit``: ``python -m alignkit bonus compute blended scores.csv -o alignkit.csv``;
  - ``alignkit --pool``: the same, scaled to a pool of 90% of the unscaled total,
    so that every payout is scaled;
  - ``csv floor``: the csv module reading the file and writing one row per employee
    with no computation at all (the least a streaming Python CSV run can cost);
  - ``numpy float``: the file read whole with the csv module, the payouts computed
    with NumPy in floating point (the source of ``numpy_payouts`` of
    ``bench_bonus.py``, copied into a script that imports NumPy alone), the CSV
    written in one go (what a plain vectorised script does);

* runs each distinct program once untimed (filling a private bytecode cache that
  every child shares), then all of them ``--runs`` times (5 by default),
  interleaved, and reports each one's wall time, rows per second and peak resident
  memory (``ru_maxrss`` of the child, from ``os.wait4``; the CSV is generated in
  another child, so this script stays small and its pages do not count) as the
  median with its range, and each ratio as the median (with its range) of the
  ratios of the same run;
* checks that ``alignkit`` wrote the file that ``plan.payout`` computes, row by row,
  on a sample of rows, and that the ``--pool`` file adds up to the pool to the cent;
  it counts the rows where the NumPy float file differs, and how many of them are
  not at a tie that floating point cannot round exactly (a total of exactly half a
  cent, or two lines with equal remainders).

``--decimal`` also runs ``alignkit`` without NumPy (the exact ``Decimal`` path), in
every round, and checks that it writes the same file, byte for byte.
``--size N`` sets the number of employees; ``--quick`` is ``--size 50000``, a smoke
test. The exit status is 1 when a check fails.

Usage::

    python benchmarks/bench_bonus_csv.py [--size N | --quick] [--runs 5] [--decimal]
        [--json] [--json-out PATH]
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from _common import (
    add_common_arguments,
    machine,
    machine_line,
    median_range,
    positive_int,
    ratio,
    write_json,
)

SEED = 20240601
FULL = 1_000_000
QUICK = 50_000
SAMPLE = 2_000
"""Rows checked against ``plan.payout``, spread over the file."""
NAMES = ("individual", "team", "company", "silo_buster")
WEIGHTS = (0.4, 0.3, 0.2, 0.1)
CAP = 2.0
"""The blended plan, for the NumPy float script (``check`` compares it with alignkit's)."""
HERE = Path(__file__).resolve().parent

FLOOR = """
import csv, sys
with open(sys.argv[1], newline="") as src, open(sys.argv[2], "w", newline="") as out:
    reader = csv.reader(src)
    writer = csv.writer(out, lineterminator="\\n")
    header = next(reader)
    writer.writerow(["employee_id", "currency", "total", *header[2:]])
    for row in reader:
        writer.writerow([row[0], "USD", *row[1:]])
"""

NUMPY_HEAD = f"""
from __future__ import annotations
import csv, sys
import numpy as np

WEIGHTS = {WEIGHTS!r}
CAP = {CAP!r}
"""

NUMPY = """
with open(sys.argv[1], newline="") as src:
    reader = csv.reader(src)
    header = next(reader)
    columns = list(zip(*reader))
ids = columns[0]
targets = np.array(columns[1], dtype=np.float64)
scores = [np.array(column, dtype=np.float64) for column in columns[2:]]
totals, lines = numpy_payouts(WEIGHTS, CAP, targets, scores)

def money(cents):
    whole, part = np.divmod(cents, 100)
    return np.char.add(np.char.add(whole.astype(str), "."), np.char.zfill(part.astype(str), 2))

cells = [money(totals), *(money(lines[:, j]) for j in range(lines.shape[1]))]
with open(sys.argv[2], "w", newline="") as out:
    out.write("employee_id,currency,total," + ",".join(header[2:]) + "\\n")
    out.writelines(
        f"{i},USD,{t},{a},{b},{c},{d}\\n" for i, t, a, b, c, d in zip(ids, *cells, strict=True)
    )
"""

NO_NUMPY = """
import sys
sys.modules["numpy"] = None  # as if the `fast` extra were not installed
from alignkit.cli import main
main()
"""


# -- the data ----------------------------------------------------------------------------


def make_csv(path: Path, n: int) -> None:
    """The employees of ``bench_bonus.py`` as a scores CSV, ids ``E0000000`` on."""
    sys.path.insert(0, str(HERE))
    from bench_bonus import make_company

    targets, scores = make_company(n)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("employee_id,target_bonus," + ",".join(NAMES) + "\n")
        columns = [targets.tolist(), *(scores[name].tolist() for name in NAMES)]
        out.writelines(
            f"E{i:07d},{t:.2f},{a:.4f},{b:.4f},{c:.4f},{d:g}\n"
            for i, (t, a, b, c, d) in enumerate(zip(*columns, strict=True))
        )


def numpy_script() -> str:
    """The NumPy float script: ``numpy_payouts`` of ``bench_bonus.py``, without alignkit.

    The function's source is copied rather than imported, so that the script loads
    NumPy and nothing else (importing ``bench_bonus`` would load alignkit too), and
    this process reads it with ``ast`` so that it stays small.
    """
    source = (HERE / "bench_bonus.py").read_text(encoding="utf-8")
    function = next(
        node
        for node in ast.parse(source).body
        if isinstance(node, ast.FunctionDef) and node.name == "numpy_payouts"
    )
    return f"{NUMPY_HEAD}\n\n{ast.get_source_segment(source, function)}\n\n{NUMPY}"


# -- running a child ---------------------------------------------------------------------


def child_env(root: Path) -> dict[str, str]:
    """The children's environment: one private bytecode cache, written by the warm-up.

    Every command then loads compiled modules, alignkit's as well as NumPy's and the
    standard library's, even where ``PYTHONDONTWRITEBYTECODE`` is set or the
    checkout's own caches are stale.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
    return env


def run(command: list[str], root: Path) -> tuple[float, int]:
    """Wall seconds and peak resident memory (bytes) of one child process, run in ``root``."""
    with (root / "stderr.txt").open("w+b") as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=root, env=child_env(root), stdout=subprocess.DEVNULL, stderr=stderr
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            stderr.seek(0)
            error = stderr.read().decode(errors="replace")
            sys.exit(f"{' '.join(command)} failed ({process.returncode}):\n{error}")
    # ru_maxrss is in kilobytes on Linux and in bytes on macOS.
    scale = 1 if sys.platform == "darwin" else 1024
    return elapsed, usage.ru_maxrss * scale


def commands(root: Path, pool: str | None, *, decimal: bool) -> dict[str, list[str]]:
    """Each contender's command line, run from ``root`` (file names are relative to it)."""
    python = sys.executable
    (root / "floor.py").write_text(FLOOR, encoding="utf-8")
    (root / "numpy_float.py").write_text(numpy_script(), encoding="utf-8")
    compute = ["bonus", "compute", "blended", "scores.csv"]
    found = {
        "alignkit": [python, "-m", "alignkit", *compute, "-o", "alignkit.csv"],
        "csv floor": [python, "floor.py", "scores.csv", "floor.csv"],
        "numpy float": [python, "numpy_float.py", "scores.csv", "numpy.csv"],
    }
    if pool is not None:
        found["alignkit --pool"] = [*found["alignkit"][:-1], "pool.csv", "--pool", pool]
    if decimal:
        (root / "no_numpy.py").write_text(NO_NUMPY, encoding="utf-8")
        found["alignkit, no NumPy"] = [python, "no_numpy.py", *compute, "-o", "decimal.csv"]
    return found


# -- checks ------------------------------------------------------------------------------


def shown(command: list[str]) -> str:
    """A command as typed in the temporary directory (``python`` for this interpreter)."""
    return " ".join(["python", *command[1:]])


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def check(scores: Path, out: Path, pool: str | None) -> dict[str, Any]:
    """Sampled rows against ``plan.payout``; the float file; the pool's sum."""
    from alignkit.bonus import BonusPlan

    plan = BonusPlan.blended()
    float_plan = [(name, str(w), str(CAP)) for name, w in zip(NAMES, WEIGHTS, strict=True)]
    blended = [(c.name, c.weight, c.curve.cap) for c in plan.components]
    if blended != [(name, Decimal(w), Decimal(cap)) for name, w, cap in float_plan]:
        sys.exit(f"the NumPy float script's plan {float_plan} is not BonusPlan.blended()")
    source = read_lines(scores)
    ours = read_lines(out / "alignkit.csv")
    theirs = read_lines(out / "numpy.csv")
    found: dict[str, Any] = {"rows": len(ours) - 1, "rows_expected": len(source) - 1}
    step = max(1, (len(source) - 1) // SAMPLE)
    wrong = 0
    for index in range(1, len(source), step):
        employee, target, *values = source[index].split(",")
        payout = plan.payout(target, dict(zip(NAMES, values, strict=True)))
        expected = ",".join(
            [employee, "USD", str(payout.total), *(str(line.amount) for line in payout.lines)]
        )
        wrong += ours[index] != expected
    found["sampled"] = len(range(1, len(source), step))
    found["sampled_wrong"] = wrong
    differ = [i for i, (a, b) in enumerate(zip(ours, theirs, strict=True)) if a != b]
    ties = 0
    for index in differ:
        _, target, *values = source[index].split(",")
        lines = [
            Decimal(target) * c.weight * min(Decimal(v), Decimal(2)) * 100
            for c, v in zip(plan.components, values, strict=True)
        ]
        if ours[index].split(",")[2] != theirs[index].split(",")[2]:
            ties += sum(lines) % 1 == Decimal("0.5")  # the total is half a cent
        else:
            remainders = [line % 1 for line in lines]
            ties += len(set(remainders)) < len(remainders)  # two lines lose as much
    found["numpy_rows_differ"] = len(differ)
    found["numpy_rows_differ_not_ties"] = len(differ) - ties
    if pool is not None:
        pooled = read_lines(out / "pool.csv")
        total = sum(Decimal(line.split(",")[2]) for line in pooled[1:])
        found["pool"] = pool
        found["pool_total"] = str(total)
        found["pool_lines_add_up"] = all(
            sum(Decimal(c) for c in line.split(",")[3:]) == Decimal(line.split(",")[2])
            for line in pooled[1:]
        )
    return found


def unscaled_total(path: Path) -> Decimal:
    """The total of a payout file, read a line at a time (this process stays small)."""
    with path.open(encoding="utf-8") as lines:
        next(lines)
        return sum((Decimal(line.split(",")[2]) for line in lines), Decimal(0))


# -- the run -----------------------------------------------------------------------------


def measure(n: int, runs: int, *, decimal: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "machine": machine(),
        "python": sys.version.split()[0],
        "employees": n,
        "runs": runs,
    }
    with tempfile.TemporaryDirectory(prefix="bench-bonus-csv-") as tmp:
        root = Path(tmp)
        scores = root / "scores.csv"
        # In a child: the peak memory of a child counts what it shares with this process
        # when it is forked, so this process stays small.
        start = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--generate", str(n), str(scores)], check=True)
        data["generate_s"] = time.perf_counter() - start
        data["file_mb"] = scores.stat().st_size / 1e6
        # One untimed run of each program fills the bytecode cache (the --pool and
        # no-NumPy runs load the same modules as alignkit's); alignkit's also gives the
        # total to set the pool below.
        for command in commands(root, None, decimal=False).values():
            run(command, root)
        total = unscaled_total(root / "alignkit.csv")
        pool = str((total * Decimal("0.9")).quantize(Decimal("0.01")))
        runners = commands(root, pool, decimal=decimal)
        data["commands"] = {name: shown(command) for name, command in runners.items()}
        samples: dict[str, list[float]] = {name: [] for name in runners}
        peaks: dict[str, list[float]] = {name: [] for name in runners}
        for _ in range(runs):  # interleaved: A B C D A B C D ...
            for name, command in runners.items():
                elapsed, peak = run(command, root)
                samples[name].append(elapsed)
                peaks[name].append(peak / 2**20)
        if decimal:
            data["decimal_file_identical"] = (root / "decimal.csv").read_bytes() == (
                root / "alignkit.csv"
            ).read_bytes()
        data["results"] = {
            name: {
                "time_s": median_range(found),
                "rows_per_s": median_range([n / s for s in found]),
                "peak_rss_mb": median_range(peaks[name]),
                "samples_s": found,
                "samples_peak_rss_mb": peaks[name],
            }
            for name, found in samples.items()
        }
        data["checks"] = check(scores, root, pool)
    data["ratios"] = {
        "alignkit_vs_csv_floor": ratio(samples["alignkit"], samples["csv floor"]),
        "alignkit_vs_numpy_float": ratio(samples["alignkit"], samples["numpy float"]),
        "pool_vs_alignkit": ratio(samples["alignkit --pool"], samples["alignkit"]),
    }
    if decimal:
        data["ratios"]["no_numpy_vs_alignkit"] = ratio(
            samples["alignkit, no NumPy"], samples["alignkit"]
        )
    return data


def failed(data: dict[str, Any]) -> bool:
    checks = data["checks"]
    pool_ok = (
        Decimal(checks["pool_total"]) == Decimal(checks["pool"]) and checks["pool_lines_add_up"]
    )
    return bool(
        checks["sampled_wrong"]
        or checks["rows"] != checks["rows_expected"]
        or not pool_ok
        or data.get("decimal_file_identical") is False
    )


def spread(figure: Mapping[str, float], spec: str, unit: str = "") -> str:
    """A median and its range: ``median (min-max)``."""
    low, high = f"{figure['min']:{spec}}", f"{figure['max']:{spec}}"
    return f"{figure['median']:{spec}}{unit} ({low}-{high})"


RATIOS = {
    "alignkit_vs_csv_floor": "alignkit / csv floor",
    "alignkit_vs_numpy_float": "alignkit / numpy float",
    "pool_vs_alignkit": "alignkit --pool / alignkit",
    "no_numpy_vs_alignkit": "alignkit, no NumPy / alignkit",
}


def report(data: dict[str, Any]) -> None:
    print(
        f"Python {data['python']}; {data['employees']:,} employees, "
        f"{data['file_mb']:.1f} MB of CSV (written in {data['generate_s']:.1f} s); "
        f"{data['runs']} runs, interleaved, each in a fresh interpreter"
    )
    print("each figure: median (min-max) over the runs; each ratio: over the same runs")
    print()
    print(f"{'':<19} {'seconds per run':<22} {'rows/s':<28} peak RSS MB")
    for name, result in data["results"].items():
        print(
            f"{name:<19} {spread(result['time_s'], '.2f'):<22} "
            f"{spread(result['rows_per_s'], ',.0f'):<28} {spread(result['peak_rss_mb'], '.0f')}"
        )
    print()
    for key, label in RATIOS.items():
        if key in data["ratios"]:
            print(f"{label + ':':<31}{spread(data['ratios'][key], '.2f', 'x')} (wall time)")
    checks = data["checks"]
    print(
        f"rows written: {checks['rows']:,} of {checks['rows_expected']:,}; "
        f"{checks['sampled']:,} sampled rows against plan.payout: {checks['sampled_wrong']} wrong"
    )
    print(
        f"numpy float rows that differ from alignkit's: {checks['numpy_rows_differ']:,}, "
        f"{checks['numpy_rows_differ_not_ties']} of them not at a tie (a total of exactly half "
        "a cent, or two lines with equal remainders)"
    )
    print(
        f"--pool {checks['pool']}: the payouts add up to {checks['pool_total']}; "
        f"every row's lines add up to its total: {checks['pool_lines_add_up']}"
    )
    if "decimal_file_identical" in data:
        print(f"no-NumPy file identical to the NumPy one: {data['decimal_file_identical']}")
    print()
    print("Commands, run in the temporary directory:")
    for name, command in data["commands"].items():
        print(f"  {name}: {command}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, size=FULL, what="employees")
    parser.add_argument(
        "--quick", action="store_const", dest="size", const=QUICK, help=f"--size {QUICK}"
    )
    parser.add_argument("--repeats", dest="runs", type=positive_int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--decimal", action="store_true", help="also run alignkit without NumPy, every round"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--generate", nargs=2, metavar=("N", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        make_csv(Path(args.generate[1]), int(args.generate[0]))
        return
    if not args.json:
        print(machine_line(), flush=True)
    data = measure(args.size, args.runs, decimal=args.decimal)
    write_json(args.json_out, data)
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        report(data)
    if failed(data):
        sys.exit(1)


if __name__ == "__main__":
    main()
