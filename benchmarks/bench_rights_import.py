"""``alignkit rights import`` of a large spreadsheet, against the csv module and libyaml.

In one run, this script:

* generates, from a fixed seed, a RACI sheet of 100,000 decisions by 300 parties
  (sparse: each decision names one A, 1-3 R, up to 4 C and up to 4 I; one in five
  is ``A/R``), with a ``#title`` column (three titles in ten hold a comma, so the
  sheet has quoted cells) and a ``#category`` column, as a CSV file;
* runs ``python -m alignkit rights import SHEET`` as a subprocess, once untimed and
  then ``--runs`` times, recording the wall time and the peak memory (maximum
  resident set size) of each run;
* runs, the same way and interleaved with it, two baselines, small scripts that
  check nothing: ``csv+CSafeDumper`` reads the sheet with the csv module, builds the
  same ``decision_rights`` data and dumps it with PyYAML's C dumper
  (``yaml.CSafeDumper``); ``csv only`` stops before dumping, the cost of reading;
* reports each time and peak as the median with its range over the runs, and each
  ratio as the median (with its range) of the ratios of the same run;
* checks that alignkit and ``csv+CSafeDumper`` print YAML that loads to the same data.

All three share a private bytecode cache, filled by the untimed runs. ``--size N``
sets the number of decisions; ``--quick`` runs 10,000 decisions by 100 parties as a
smoke test. The exit status is 1 when the two outputs differ.

Usage::

    python benchmarks/bench_rights_import.py [--size N | --quick] [--parties N]
        [--runs 5] [--json] [--json-out PATH] [--no-baseline]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml
from _common import (
    add_common_arguments,
    machine,
    machine_line,
    median_range,
    positive_int,
    ratio,
    write_json,
)

ROOT = Path(__file__).resolve().parent.parent
SEED = 20240607
TARGET_S = 10.0
"""``rights import`` of the full sheet should take less than this (median wall time)."""

CATEGORIES = ("pricing", "data", "hiring", "security", "vendor", "product", "legal", "spend")
VERBS = ("Approve", "Choose", "Set", "Sign", "Launch", "Change", "Review", "Publish")
OBJECTS = (
    "discount",
    "vendor contract",
    "data retention policy",
    "quota",
    "release",
    "pricing exception",
    "hiring plan",
    "security exception",
)
REGIONS = ("EMEA", "APAC", "Americas", "LATAM")

BASELINE = """\
import csv, sys
from itertools import compress

FIELDS = {"A": "accountable", "R": "responsible", "C": "consulted", "I": "informed"}
with open(sys.argv[1], encoding="utf-8-sig", newline="") as stream:
    rows = csv.reader(stream)
    header = next(rows)
    meta = {j: h[1:] for j, h in enumerate(header) if h.startswith("#")}
    decisions = []
    for row in rows:
        decision = {"id": row[0]}
        roles = {}
        for j, cell in compress(enumerate(row), row):  # the cells that are not blank
            if not j:
                continue
            if j in meta:
                decision[meta[j]] = cell
                continue
            for letter in cell.split("/"):
                roles.setdefault(FIELDS[letter], []).append(header[j])
        decision["accountable"] = roles.pop("accountable")[0]
        for field in ("responsible", "consulted", "informed"):
            if field in roles:
                decision[field] = roles[field]
        decisions.append(decision)
if sys.argv[2] == "dump":
    import yaml

    data = {"decision_rights": {"scheme": "raci", "decisions": decisions}}
    sys.stdout.write(
        yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=100)
    )
"""


@dataclass(frozen=True)
class Size:
    decisions: int
    parties: int


FULL = Size(decisions=100_000, parties=300)
QUICK = Size(decisions=10_000, parties=100)
MIN_PARTIES = 20


def write_sheet(rng: random.Random, size: Size, path: Path) -> None:
    """A sparse RACI sheet: ids, ``#title``, ``#category``, then one column per party.

    A fifth of the parties are functions (``Finance``, ``Function-012``), the rest
    person ids.
    """
    functions = ["Finance", "Legal", "Sales", "IT"]
    functions += [f"Function-{k:03d}" for k in range(len(functions), size.parties // 5)]
    parties = functions + [f"person-{k:04d}" for k in range(size.parties - len(functions))]
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["Decision", "#title", "#category", *parties])
        for k in range(size.decisions):
            n_r, n_c, n_i = rng.randint(1, 3), rng.randint(0, 4), rng.randint(0, 4)
            named = rng.sample(range(len(parties)), 1 + n_r + n_c + n_i)
            cells = [""] * len(parties)
            for j, letter in zip(named, "A" + "R" * n_r + "C" * n_c + "I" * n_i, strict=True):
                cells[j] = letter
            if rng.random() < 0.2:
                cells[named[0]] = "A/R"
                cells[named[1]] = ""
            title = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {k}"
            if rng.random() < 0.3:
                title += f", {rng.choice(REGIONS)}"
            writer.writerow([f"decision-{k:06d}", title, rng.choice(CATEGORIES), *cells])


def run_once(cmd: list[str], out: Path, env: dict[str, str]) -> tuple[float, int | None, int]:
    """Wall seconds, peak RSS in bytes (where the OS tells) and exit code of ``cmd``.

    Its standard output goes to ``out``.
    """
    with out.open("wb") as stdout:
        start = time.perf_counter()
        child = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=stdout)
        if hasattr(os, "wait4"):
            _, status, usage = os.wait4(child.pid, 0)
            elapsed = time.perf_counter() - start
            child.returncode = os.waitstatus_to_exitcode(status)
            # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
            peak: int | None = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
        else:  # pragma: no cover - Windows has no wait4
            child.wait()
            elapsed, peak = time.perf_counter() - start, None
    return elapsed, peak, child.returncode


def child_env(tmp: Path) -> dict[str, str]:
    """The children's environment: one private bytecode cache, written by the warm-up.

    Every command then loads compiled modules, alignkit's as well as the standard
    library's and PyYAML's, even where ``PYTHONDONTWRITEBYTECODE`` is set or the
    checkout's own caches are stale.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    return env


def measure(size: Size, runs: int, *, baseline: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "machine": machine(),
        "python": sys.version.split()[0],
        "size": asdict(size),
        "runs": runs,
        "seed": SEED,
    }
    with tempfile.TemporaryDirectory(prefix="alignkit-bench-") as tmp:
        env = child_env(Path(tmp))
        sheet = Path(tmp) / "rights.csv"
        write_sheet(random.Random(SEED), size, sheet)
        data["csv_bytes"] = sheet.stat().st_size
        commands = {"alignkit": [sys.executable, "-m", "alignkit", "rights", "import", str(sheet)]}
        if baseline:
            commands["csv_csafedumper"] = [sys.executable, "-c", BASELINE, str(sheet), "dump"]
            commands["csv_only"] = [sys.executable, "-c", BASELINE, str(sheet), "read"]
        outputs = {name: Path(tmp) / f"{name}.yaml" for name in commands}
        for name, cmd in commands.items():  # untimed: fills the bytecode cache
            _, _, code = run_once(cmd, outputs[name], env)
            if code != 0:
                sys.exit(f"{name} failed with exit code {code}")
        times: dict[str, list[float]] = {name: [] for name in commands}
        peaks: dict[str, list[int | None]] = {name: [] for name in commands}
        for _ in range(runs):  # interleaved: A B C A B C ...
            for name, cmd in commands.items():
                elapsed, peak, code = run_once(cmd, outputs[name], env)
                if code != 0:
                    sys.exit(f"{name} failed with exit code {code}")
                times[name].append(elapsed)
                peaks[name].append(peak)
        for name in commands:
            known = [p / 2**20 for p in peaks[name] if p is not None]
            data[name] = {
                "time_s": median_range(times[name]),
                "samples_s": times[name],
                "peak_rss_mb": median_range(known) if known else None,
                "output_bytes": outputs[name].stat().st_size,
            }
        ours = yaml.load(outputs["alignkit"].read_text("utf-8"), Loader=yaml.CSafeLoader)
        data["decisions_written"] = len(ours["decision_rights"]["decisions"])
        if baseline:
            theirs = yaml.load(
                outputs["csv_csafedumper"].read_text("utf-8"), Loader=yaml.CSafeLoader
            )
            data["same_output"] = ours == theirs
            data["ratios"] = {
                "alignkit_vs_csv_csafedumper": ratio(times["alignkit"], times["csv_csafedumper"]),
                "alignkit_vs_csv_only": ratio(times["alignkit"], times["csv_only"]),
            }
    data["command"] = "python -m alignkit rights import rights.csv"
    data["target_s"] = TARGET_S
    data["met"] = data["alignkit"]["time_s"]["median"] < TARGET_S
    return data


LABELS = {
    "alignkit": "python -m alignkit rights import",
    "csv_csafedumper": "csv module + yaml.CSafeDumper",
    "csv_only": "csv module only (no YAML)",
}


def spread(figure: Mapping[str, float], spec: str, unit: str = "") -> str:
    """A median and its range: ``median (min-max)``."""
    low, high = f"{figure['min']:{spec}}", f"{figure['max']:{spec}}"
    return f"{figure['median']:{spec}}{unit} ({low}-{high})"


def report(data: dict[str, Any]) -> None:
    size = data["size"]
    print(
        f"Python {data['python']}; {size['decisions']:,} decisions x {size['parties']} parties, "
        f"CSV {data['csv_bytes'] / 1e6:.1f} MB; {data['runs']} timed runs each, interleaved"
    )
    print("each figure: median (min-max) over the runs; each ratio: over the same runs")
    print()
    print(f"{'':<33} {'seconds per run':<20} peak RSS MB")
    for key, label in LABELS.items():
        row = data.get(key)
        if row is None:
            continue
        peak = spread(row["peak_rss_mb"], ".0f") if row["peak_rss_mb"] is not None else "n/a"
        print(f"{label:<33} {spread(row['time_s'], '.2f'):<20} {peak}")
    print()
    verdict = "met" if data["met"] else "MISSED"
    print(
        f"rights import: {data['alignkit']['time_s']['median']:.2f} s median for "
        f"{data['decisions_written']:,} decisions (target < {data['target_s']:g} s at full "
        f"size: {verdict})"
    )
    if "ratios" in data:
        ratios = data["ratios"]
        print(
            "alignkit / (csv module + yaml.CSafeDumper): "
            f"{spread(ratios['alignkit_vs_csv_csafedumper'], '.2f', 'x')}"
        )
        print(f"alignkit / csv module only: {spread(ratios['alignkit_vs_csv_only'], '.2f', 'x')}")
        print(f"same decision_rights section: {'yes' if data['same_output'] else 'NO'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, size=FULL.decisions, what="decisions")
    parser.add_argument("--decisions", dest="size", type=positive_int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--parties",
        type=positive_int,
        help=f"party columns, at least {MIN_PARTIES} (default {FULL.parties})",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=(
            f"{QUICK.decisions:,} decisions x {QUICK.parties} parties, "
            "unless --size or --parties is given"
        ),
    )
    parser.add_argument("--no-baseline", action="store_true", help="time alignkit alone")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.set_defaults(size=None)
    args = parser.parse_args()
    default = QUICK if args.quick else FULL
    size = Size(
        decisions=args.size or default.decisions,
        parties=max(args.parties or default.parties, MIN_PARTIES),
    )
    if not args.json:
        print(machine_line(), flush=True)
    data = measure(size, args.runs, baseline=not args.no_baseline)
    write_json(args.json_out, data)
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        report(data)
    if not data.get("same_output", True):
        sys.exit(1)


if __name__ == "__main__":
    main()
