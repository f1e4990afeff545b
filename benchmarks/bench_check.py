"""``alignkit check`` on large files, and against agenraci's ``validate`` on the same charter.

In one run, this script generates from a fixed seed, in a temporary directory:

* ``rights.yaml``: an alignment file of 2,000 decisions by 200 parties (180 people
  and 20 functions; every function has a head, the reporting lines form a tree),
  each decision with one accountable, one responsible, 0-5 consulted and 0-5
  informed parties; and ``charter.yaml``, the same charter for agenraci: the 200
  parties as roles, the 200 people as members of their function's role, and the
  2,000 decisions as actions with the same RACI;
* ``people.yaml``: 100,000 people (in 100 functions) written inline, and
  ``people-csv.yaml`` with ``people.csv``: the same people from a people CSV;
* ``large.yaml``: a file of about 10 MB, just under the 10 MiB default limit
  (checked): 75,000 people and 15,000 decisions by 2,000 parties.

It then runs, each in a fresh interpreter, paired and interleaved (A B A B ...):
``alignkit check rights.yaml`` with ``agenraci validate charter.yaml``;
``alignkit check people.yaml`` with ``alignkit check people-csv.yaml``; and
``alignkit check large.yaml``. Each command first runs once untimed, and must pass
(alignkit: exit 0; agenraci: ``PASS``). Each run's CPU time (user + system), wall
time and peak resident memory come from ``os.wait4``; figures are medians (min-max)
and ratios are taken run by run. The machine's load average is printed before and
after, since a busy machine stretches wall times more than CPU times.

Every command reads compiled bytecode from a private cache (a temporary directory)
that its untimed run fills, as installed packages do: a shell that sets
``PYTHONDONTWRITEBYTECODE`` would otherwise make a source checkout compile itself
on every run while agenraci's wheel loads its ``.pyc`` files.

``--size`` scales every file (2,000 decisions is the full size; 200 is a smoke
test); the absolute targets are judged at full size only. agenraci is looked up on
``PATH`` unless ``--agenraci`` names it; install it in a virtual environment of its
own. ``--keep DIR`` keeps the generated files (to profile a check by hand).

Usage::

    python benchmarks/bench_check.py [--size 2000] [--runs 5] [--json-out PATH]
        [--agenraci PATH] [--only rights,people,large] [--keep DIR]
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
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

SEED = 20260614
DEFAULT_MAX_BYTES = 10 * 1024 * 1024  # alignkit's default limit on a file's size
FULL_DECISIONS = 2_000
TARGET_VS_AGENRACI = 5.0  # agenraci's CPU time over alignkit's, at least
TARGET_PEOPLE_S = 5.0  # 100,000 people written inline
TARGET_LARGE_S = 10.0  # the 10 MB file
TARGET_LARGE_PEAK_MB = 1_000.0
GROUPS = ("rights", "people", "large")
# What alignkit prints when a file has no errors (exit code 0), and what agenraci
# prints when a charter passes.
ALIGNKIT_CLEAN = ("All checks passed.", "Found 0 errors")
AGENRACI_CLEAN = ("PASS",)
# Left out of each child's environment: they would change where bytecode is read from.


# -- the data ----------------------------------------------------------------------------


@dataclass(frozen=True)
class World:
    """An org and a RACI matrix over its parties, as plain data."""

    people: list[str]
    functions: list[str]
    function_of: dict[str, str]
    heads: dict[str, str]
    managers: dict[str, str | None]
    parties: list[str]
    decisions: list[tuple[str, str, str, list[str], list[str]]]  # id, A, R, C, I


def make_world(
    rng: random.Random, *, decisions: int, people: int, functions: int, parties: int
) -> World:
    """An org whose reporting lines form a tree, and decisions over ``parties`` of it.

    Every function has a head in it; heads report to the head of an earlier function,
    everyone else to an earlier member of their own function. Parties are the first
    ``parties - functions`` people and every function. Half of the decisions are held
    by a function; each has one responsible, 0-5 consulted and 0-5 informed parties,
    all different.
    """
    ids = [f"person-{i:06d}" for i in range(people)]
    names = [f"Function-{i:03d}" for i in range(functions)]
    shuffled = ids[:]
    rng.shuffle(shuffled)
    function_of: dict[str, str] = {}
    heads: dict[str, str] = {}
    managers: dict[str, str | None] = {}
    for k, function in enumerate(names):
        members = shuffled[k::functions]
        heads[function] = members[0]
        managers[members[0]] = heads[names[rng.randrange(k)]] if k else None
        for i, person in enumerate(members):
            function_of[person] = function
            if i:
                managers[person] = members[rng.randrange(max(0, i - 50), i)]
    party_people = ids[: parties - functions]
    all_parties = party_people + names
    rows = []
    for k in range(decisions):
        accountable = rng.choice(names) if rng.random() < 0.5 else rng.choice(party_people)
        n_c, n_i = rng.randint(0, 5), rng.randint(0, 5)
        others = [p for p in rng.sample(all_parties, n_c + n_i + 2) if p != accountable]
        consulted, informed = others[1 : 1 + n_c], others[1 + n_c : 1 + n_c + n_i]
        rows.append((f"decision-{k:05d}", accountable, others[0], consulted, informed))
    return World(ids, names, function_of, heads, managers, all_parties, rows)


def org_lines(world: World, *, people: bool = True) -> list[str]:
    """The ``org:`` section, people in flow style as the docs write them."""
    lines = ["org:", "  functions:"]
    lines += [f"    - {{name: {f}, head: {world.heads[f]}}}" for f in world.functions]
    if people:
        lines.append("  people:")
        for p in world.people:
            manager = world.managers[p]
            boss = f", manager: {manager}" if manager else ""
            lines.append(
                f"    - {{id: {p}, name: Person {p[7:]}, function: {world.function_of[p]}{boss}}}"
            )
    return lines


def decision_lines(world: World) -> list[str]:
    lines = ["decision_rights:", "  scheme: raci", "  decisions:"]
    for decision_id, accountable, responsible, consulted, informed in world.decisions:
        lines += [
            f"    - id: {decision_id}",
            f"      accountable: {accountable}",
            f"      responsible: [{responsible}]",
        ]
        if consulted:
            lines.append(f"      consulted: [{', '.join(consulted)}]")
        if informed:
            lines.append(f"      informed: [{', '.join(informed)}]")
    return lines


def write_alignment(world: World, path: Path, *, decisions: bool = True) -> None:
    lines = ["version: 1", "", *org_lines(world)]
    if decisions:
        lines += ["", *decision_lines(world)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_charter(world: World, path: Path) -> None:
    """The same charter for agenraci: parties as roles, people as members, decisions as actions."""
    lines = ["project: bench", "roles:"]
    lines += [f"  - {party}" for party in world.parties]
    lines.append("members:")
    lines += [f"  - {{name: {p}, type: human, role: {world.function_of[p]}}}" for p in world.people]
    lines.append("actions:")
    for decision_id, accountable, responsible, consulted, informed in world.decisions:
        lines += [
            f"  {decision_id}:",
            f"    responsible: {responsible}",
            f"    accountable: {accountable}",
        ]
        if consulted:
            lines.append(f"    consulted: [{', '.join(consulted)}]")
        if informed:
            lines.append(f"    informed: [{', '.join(informed)}]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_people(world: World, folder: Path) -> None:
    """``people.yaml`` (inline), and ``people-csv.yaml`` naming ``people.csv``."""
    write_alignment(world, folder / "people.yaml", decisions=False)
    lines = ["version: 1", "", *org_lines(world, people=False), "  people_csv: people.csv"]
    (folder / "people-csv.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = ["id,name,function,manager"]
    rows += [
        f"{p},Person {p[7:]},{world.function_of[p]},{world.managers[p] or ''}" for p in world.people
    ]
    (folder / "people.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def generate(folder: Path, size: int, groups: Sequence[str]) -> dict[str, Any]:
    """Every file the chosen groups need, in ``folder``; what each holds."""
    scale = size / FULL_DECISIONS
    made: dict[str, Any] = {}
    if "rights" in groups:
        world = make_world(
            random.Random(SEED),
            decisions=size,
            people=max(20, round(200 * scale)),
            functions=max(2, round(20 * scale)),
            parties=max(20, round(200 * scale)),
        )
        write_alignment(world, folder / "rights.yaml")
        write_charter(world, folder / "charter.yaml")
        made["rights"] = f"{size:,} decisions by {len(world.parties):,} parties"
    if "people" in groups:
        n = max(100, round(100_000 * scale))
        world = make_world(
            random.Random(SEED + 1),
            decisions=0,
            people=n,
            functions=max(2, round(100 * scale)),
            parties=max(2, round(100 * scale)),
        )
        write_people(world, folder)
        made["people"] = f"{n:,} people"
    if "large" in groups:
        world = make_world(
            random.Random(SEED + 2),
            decisions=max(10, round(15_000 * scale)),
            people=max(100, round(75_000 * scale)),
            functions=max(2, round(200 * scale)),
            parties=max(20, round(2_000 * scale)),
        )
        write_alignment(world, folder / "large.yaml")
        if (folder / "large.yaml").stat().st_size > DEFAULT_MAX_BYTES:
            sys.exit("large.yaml is over the 10 MiB that alignkit check reads by default")
        made["large"] = (
            f"{len(world.people):,} people and {len(world.decisions):,} decisions by "
            f"{len(world.parties):,} parties"
        )
    for name in ("rights.yaml", "charter.yaml", "people.yaml", "people.csv", "large.yaml"):
        if (folder / name).exists():
            made[f"{name} MB"] = (folder / name).stat().st_size / 1e6
    return made


# -- running a child ---------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    cpu: float
    wall: float
    peak_mb: float


def run(command: list[str], folder: Path, env: Mapping[str, str]) -> Run:
    """CPU seconds (user + system), wall seconds and peak memory (MB) of one child."""
    # `check` exits 1 when it reports findings: a run all the same.
    child = run_child(command, cwd=folder, env=env, ok=(0, 1))
    return Run(child.cpu, child.wall, child.peak_mb)


def first_run(
    command: list[str], folder: Path, env: Mapping[str, str], expected: Sequence[str]
) -> None:
    """Run ``command`` once, untimed; stop with its output unless it passes.

    It passes when it exits 0 and prints one of ``expected``.
    """
    done = subprocess.run(
        command,
        cwd=folder,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    said = done.stdout + done.stderr
    if done.returncode != 0 or not any(text in said for text in expected):
        sys.exit(f"{' '.join(command)} exited {done.returncode}, expected {expected!r}:\n{said}")


Command = tuple[list[str], Sequence[str]]  # the command line, and what it prints passing


def paired(
    commands: dict[str, Command], folder: Path, env: Mapping[str, str], runs: int
) -> dict[str, list[Run]]:
    """Each command once untimed, then ``runs`` rounds in turn (A B A B ...)."""
    for command, expected in commands.values():
        first_run(command, folder, env, expected)
    found: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (command, _) in commands.items():
            found[name].append(run(command, folder, env))
    return found


def figures(runs: list[Run]) -> dict[str, Any]:
    return {
        "cpu_s": median_range([r.cpu for r in runs]),
        "wall_s": median_range([r.wall for r in runs]),
        "peak_mb": median_range([r.peak_mb for r in runs]),
    }


def console_script(name: str, given: str | None) -> list[str] | None:
    """The command line of a console script: ``given``, or next to this Python, or on PATH."""
    if given:
        return [given]
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return [str(beside)]
    found = shutil.which(name)
    return [found] if found else None


# -- the benchmark -----------------------------------------------------------------------


def measure(
    size: int, runs: int, groups: Sequence[str], agenraci: str | None, keep: str | None = None
) -> dict[str, Any]:
    alignkit = console_script("alignkit", None) or [sys.executable, "-m", "alignkit"]
    peer = console_script("agenraci", agenraci)
    data: dict[str, Any] = {
        "size": size,
        "runs": runs,
        "load_before": machine()["load_average"],
        "results": {},
        "ratios": {},
    }
    results, ratios = data["results"], data["ratios"]

    def check(name: str) -> Command:
        return [*alignkit, "check", name], ALIGNKIT_CLEAN

    with tempfile.TemporaryDirectory(prefix="alignkit-bench-check-") as tmp:
        folder = Path(keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        env = child_env(Path(tmp) / "pycache")
        # In a process of its own: on Linux a child's peak memory starts at the size of
        # the process that started it, which must stay small.
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
            data["files"] = pool.submit(generate, folder, size, groups).result()
        if "rights" in groups:
            commands = {"alignkit check rights.yaml": check("rights.yaml")}
            if peer is not None:
                commands["agenraci validate charter.yaml"] = (
                    [*peer, "validate", "charter.yaml"],
                    AGENRACI_CLEAN,
                )
            found = paired(commands, folder, env, runs)
            results.update({name: figures(r) for name, r in found.items()})
            if peer is not None:
                ours, theirs = found.values()
                ratios["agenraci / alignkit, CPU"] = ratio(
                    [r.cpu for r in theirs], [r.cpu for r in ours]
                )
                ratios["agenraci / alignkit, wall"] = ratio(
                    [r.wall for r in theirs], [r.wall for r in ours]
                )
        if "people" in groups:
            found = paired(
                {
                    "alignkit check people.yaml": check("people.yaml"),
                    "alignkit check people-csv.yaml": check("people-csv.yaml"),
                },
                folder,
                env,
                runs,
            )
            results.update({name: figures(r) for name, r in found.items()})
            inline, from_csv = found.values()
            ratios["people inline / people CSV, wall"] = ratio(
                [r.wall for r in inline], [r.wall for r in from_csv]
            )
        if "large" in groups:
            found = paired({"alignkit check large.yaml": check("large.yaml")}, folder, env, runs)
            results.update({name: figures(r) for name, r in found.items()})
    data["load_after"] = machine()["load_average"]
    data["targets"] = targets(data)
    return data


def targets(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target that this run measured: what, the goal, the median, and whether met."""
    results, ratios, out = data["results"], data["ratios"], []
    full = data["size"] == FULL_DECISIONS
    found = ratios.get("agenraci / alignkit, CPU")
    if found is not None:
        out.append(
            {
                "measure": "agenraci / alignkit CPU, rights.yaml",
                "target": f">= {TARGET_VS_AGENRACI}",
                "median": found["median"],
                "met": found["median"] >= TARGET_VS_AGENRACI,
            }
        )
    people = results.get("alignkit check people.yaml")
    if people is not None and full:
        value = people["wall_s"]["median"]
        out.append(
            {
                "measure": "alignkit check people.yaml, wall s",
                "target": f"< {TARGET_PEOPLE_S}",
                "median": value,
                "met": value < TARGET_PEOPLE_S,
            }
        )
    large = results.get("alignkit check large.yaml")
    if large is not None and full:
        for key, label, limit in (
            ("wall_s", "wall s", TARGET_LARGE_S),
            ("peak_mb", "peak MB", TARGET_LARGE_PEAK_MB),
        ):
            value = large[key]["median"]
            out.append(
                {
                    "measure": f"alignkit check large.yaml, {label}",
                    "target": f"< {limit:g}",
                    "median": value,
                    "met": value < limit,
                }
            )
    return out


def shown(value: dict[str, float], unit: str = "") -> str:
    return f"{value['median']:.3g}{unit} ({value['min']:.3g}-{value['max']:.3g})"


def report(data: dict[str, Any]) -> None:
    before = " / ".join(str(x) for x in data["load_before"])
    print(f"{machine_line()} (before the runs: {before})")
    print(f"Python {sys.version.split()[0]}; {data['runs']} paired runs of each command")
    for name, what in data["files"].items():
        print(f"  {name}: {what:.2f}" if isinstance(what, float) else f"  {name}: {what}")
    print()
    width = max(len(name) for name in data["results"]) if data["results"] else 10
    print(f"{'command':<{width}}  {'CPU s':>22}  {'wall s':>22}  {'peak MB':>22}")
    for name, result in data["results"].items():
        print(
            f"{name:<{width}}  {shown(result['cpu_s']):>22}  {shown(result['wall_s']):>22}"
            f"  {shown(result['peak_mb']):>22}"
        )
    print()
    for name, value in data["ratios"].items():
        print(f"{name}: {shown(value, 'x')}")
    for target in data["targets"]:
        verdict = "met" if target["met"] else "MISSED"
        print(f"{target['measure']}: {target['median']:.3g} (target {target['target']}: {verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, size=FULL_DECISIONS, what="decisions in rights.yaml")
    parser.add_argument(
        "--agenraci", metavar="PATH", help="the agenraci command (default: found on PATH)"
    )
    parser.add_argument(
        "--only",
        default=",".join(GROUPS),
        help=f"which files to check, comma-separated (default {','.join(GROUPS)})",
    )
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="generate the files in DIR and keep them there (to profile a check by hand)",
    )
    args = parser.parse_args()
    groups = [g.strip() for g in args.only.split(",") if g.strip()]
    unknown = sorted(set(groups) - set(GROUPS))
    if unknown:
        parser.error(f"unknown --only {', '.join(unknown)}; choose from {', '.join(GROUPS)}")
    data = measure(args.size, args.runs, groups, args.agenraci, args.keep)
    report(data)
    write_json(args.json_out, data)


if __name__ == "__main__":
    main()
