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
* checks that alignkit and ``csv+CSafeDumper`` print YAML that loads to the same data.

``--quick`` runs 10,000 decisions by 100 parties as a smoke test. The exit status
is 1 when the two outputs differ.

Usage::

    python benchmarks/bench_rights_import.py [--quick] [--json] [--runs 3]
        [--decisions N] [--parties N] [--no-baseline]
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
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml
from _common import positive_int, summary

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

FIELDS = {"A": "accountable", "R": "responsible", "C": "consulted", "I": "informed"}
with open(sys.argv[1], encoding="utf-8-sig", newline="") as stream:
    rows = csv.reader(stream)
    header = next(rows)
    meta = {j: h[1:] for j, h in enumerate(header) if h.startswith("#")}
    decisions = []
    for row in rows:
        decision = {"id": row[0]}
        roles = {}
        for j, cell in enumerate(row[1:], start=1):
            if not cell:
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
    runs: int


FULL = Size(decisions=100_000, parties=300, runs=3)
QUICK = Size(decisions=10_000, parties=100, runs=2)


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


def run_once(cmd: list[str], out: Path) -> tuple[float, int | None, int]:
    """Wall seconds, peak RSS in bytes (where the OS tells) and exit code of ``cmd``.

    Its standard output goes to ``out``.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
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


def measure(size: Size, *, baseline: bool) -> dict[str, Any]:
    data: dict[str, Any] = {"python": sys.version.split()[0], "size": asdict(size), "seed": SEED}
    with tempfile.TemporaryDirectory(prefix="alignkit-bench-") as tmp:
        sheet = Path(tmp) / "rights.csv"
        write_sheet(random.Random(SEED), size, sheet)
        data["csv_bytes"] = sheet.stat().st_size
        commands = {"alignkit": [sys.executable, "-m", "alignkit", "rights", "import", str(sheet)]}
        if baseline:
            commands["csv_csafedumper"] = [sys.executable, "-c", BASELINE, str(sheet), "dump"]
            commands["csv_only"] = [sys.executable, "-c", BASELINE, str(sheet), "read"]
        outputs = {name: Path(tmp) / f"{name}.yaml" for name in commands}
        for name, cmd in commands.items():  # untimed: fills the bytecode cache
            _, _, code = run_once(cmd, outputs[name])
            if code != 0:
                sys.exit(f"{name} failed with exit code {code}")
        times: dict[str, list[float]] = {name: [] for name in commands}
        peaks: dict[str, list[int | None]] = {name: [] for name in commands}
        for _ in range(size.runs):  # interleaved: A B C A B C ...
            for name, cmd in commands.items():
                elapsed, peak, _ = run_once(cmd, outputs[name])
                times[name].append(elapsed)
                peaks[name].append(peak)
        for name in commands:
            known = [p for p in peaks[name] if p is not None]
            data[name] = {
                **summary(times[name]),
                "peak_rss_mb": max(known) / 2**20 if known else None,
                "output_bytes": outputs[name].stat().st_size,
            }
        ours = yaml.load(outputs["alignkit"].read_text("utf-8"), Loader=yaml.CSafeLoader)
        data["decisions_written"] = len(ours["decision_rights"]["decisions"])
        if baseline:
            theirs = yaml.load(
                outputs["csv_csafedumper"].read_text("utf-8"), Loader=yaml.CSafeLoader
            )
            data["same_output"] = ours == theirs
            data["ratio"] = data["alignkit"]["median_s"] / data["csv_csafedumper"]["median_s"]
    data["command"] = "python -m alignkit rights import rights.csv"
    data["target_s"] = TARGET_S
    data["met"] = data["alignkit"]["median_s"] < TARGET_S
    return data


LABELS = {
    "alignkit": "python -m alignkit rights import",
    "csv_csafedumper": "csv module + yaml.CSafeDumper",
    "csv_only": "csv module only (no YAML)",
}


def report(data: dict[str, Any]) -> None:
    size = data["size"]
    print(
        f"Python {data['python']}; {size['decisions']:,} decisions x {size['parties']} parties, "
        f"CSV {data['csv_bytes'] / 1e6:.1f} MB; {size['runs']} timed runs each"
    )
    print()
    print(f"{'':<34} {'median s':>9} {'best s':>9} {'peak RSS MB':>12}")
    for key, label in LABELS.items():
        row = data.get(key)
        if row is None:
            continue
        peak = f"{row['peak_rss_mb']:.0f}" if row["peak_rss_mb"] is not None else "n/a"
        print(f"{label:<34} {row['median_s']:>9.2f} {row['best_s']:>9.2f} {peak:>12}")
    print()
    verdict = "met" if data["met"] else "MISSED"
    print(
        f"rights import: {data['alignkit']['median_s']:.2f} s median for "
        f"{data['decisions_written']:,} decisions (target < {data['target_s']:g} s at full "
        f"size: {verdict})"
    )
    if "ratio" in data:
        print(f"alignkit / (csv module + yaml.CSafeDumper): {data['ratio']:.2f}x")
        print(f"same decision_rights section: {'yes' if data['same_output'] else 'NO'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 decisions, a smoke test")
    parser.add_argument("--runs", type=positive_int, default=None, help="timed runs of each")
    parser.add_argument("--decisions", type=positive_int, default=None, help="rows of the sheet")
    parser.add_argument("--parties", type=positive_int, default=None, help="party columns")
    parser.add_argument("--no-baseline", action="store_true", help="time alignkit alone")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    size = QUICK if args.quick else FULL
    size = Size(
        decisions=args.decisions or size.decisions,
        parties=max(args.parties or size.parties, 20),
        runs=args.runs or size.runs,
    )
    data = measure(size, baseline=not args.no_baseline)
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        report(data)
    if not data.get("same_output", True):
        sys.exit(1)


if __name__ == "__main__":
    main()
