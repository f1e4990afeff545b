"""Forming teams at scale: ``form_teams`` against a round-robin deal.

In one run, this script:

* generates, from a fixed seed, a roster of 10,000 people in 8 functions with an
  uneven mix (30% Sales, 20% Operations, 15% Support, 10% IT, 10% Marketing,
  7% Finance, 5% Legal, 3% Data) as ``(id, function)`` pairs;
* for each preset model (pod, squad, tribe), with Sales and Operations required,
  times ``form_teams(roster, model, required, seed=0)`` and counts the teams that meet
  every rule that needs no org and no decision rights: the size is within the
  model's band (SQ001), the team spans at least ``model.min_functions`` functions
  (SQ002), no function holds more than half the seats (SQ006) and every required
  function is present;
* cross-checks those counts against the findings of ``check_teams`` on the same
  teams, for both contenders (SQ007, a mission that names no outcome, is left out:
  formed teams start without a mission);
* deals the same roster round-robin into as many teams as alignkit made (people
  shuffled with the same seed, person ``i`` to team ``i % k``), times that, and
  counts its teams that meet every rule in the same way.

The two run ``--runs`` times, interleaved (A B A B ...); every time is reported as the
median with its range, and the ratio of the two as the median (with its range) of the
ratios of the same run.

It uses only the standard library and alignkit. ``--size N`` sets the number of
people; ``--quick`` is ``--size 1000``, a smoke test. The exit status is 1 when the
counts made here disagree with ``check_teams`` for any team, from either contender.

Usage::

    python benchmarks/bench_squads.py [--size N | --quick] [--runs 5] [--json]
        [--json-out PATH]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
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

from alignkit.squads import (
    POD,
    SQUAD,
    TRIBE,
    Member,
    Team,
    TeamModel,
    check_teams,
    form_teams,
)

SEED = 0
"""The roster's seed, and the ``seed`` passed to ``form_teams`` and the baseline."""
FULL = 10_000
QUICK = 1_000
MIX: dict[str, int] = {
    "Sales": 30,
    "Operations": 20,
    "Support": 15,
    "IT": 10,
    "Marketing": 10,
    "Finance": 7,
    "Legal": 5,
    "Data": 3,
}
"""Each function's share of the roster, in percent."""
REQUIRED = ("Sales", "Operations")
MODELS: tuple[TeamModel, ...] = (POD, SQUAD, TRIBE)
TARGET_S = 1.0
"""``form_teams`` on the full roster should take less than this, for every model."""
CHECKED = {"SQ001": "size", "SQ002": "functions", "SQ006": "dominant"}
"""The ``check_teams`` codes counted here, by the name of the rule's column."""
IGNORED = {"SQ007"}


# -- the data ----------------------------------------------------------------------------


def make_roster(people: int, seed: int) -> list[tuple[str, str]]:
    """``people`` ``(id, function)`` pairs in the shares of :data:`MIX`, in seeded order.

    Each function gets its share rounded down; the people left over by rounding go
    to the largest function.
    """
    functions = [f for f, share in MIX.items() for _ in range(people * share // 100)]
    functions += [max(MIX, key=MIX.__getitem__)] * (people - len(functions))
    random.Random(seed).shuffle(functions)
    return [(f"person-{i:05d}", function) for i, function in enumerate(functions)]


# -- the contenders ----------------------------------------------------------------------


def run_alignkit(roster: Sequence[tuple[str, str]], model: TeamModel) -> Any:
    return form_teams(roster, model, REQUIRED, seed=SEED)


def run_round_robin(roster: Sequence[tuple[str, str]], k: int) -> list[list[tuple[str, str]]]:
    """Shuffle with the seed, then deal person ``i`` to team ``i % k``."""
    people = list(roster)
    random.Random(SEED).shuffle(people)
    teams: list[list[tuple[str, str]]] = [[] for _ in range(k)]
    for i, person in enumerate(people):
        teams[i % k].append(person)
    return teams


# -- the rules ---------------------------------------------------------------------------


def assess(teams: Sequence[Sequence[str]], model: TeamModel) -> dict[str, Any]:
    """How many teams break each rule, given each team's members' functions.

    Returns the teams breaking each rule (by index) and the count meeting all of them.
    """
    broken: dict[str, list[int]] = {"size": [], "functions": [], "dominant": [], "required": []}
    for index, functions in enumerate(teams):
        counts = Counter(functions)
        size = len(functions)
        if not model.fits(size):
            broken["size"].append(index)
        if len(counts) < model.min_functions:
            broken["functions"].append(index)
        if size and max(counts.values()) * 2 > size:
            broken["dominant"].append(index)
        if any(f not in counts for f in REQUIRED):
            broken["required"].append(index)
    failing = set().union(*broken.values())
    return {
        "teams": len(teams),
        "broken": broken,
        "meet_all": len(teams) - len(failing),
        "share_meet_all": (len(teams) - len(failing)) / len(teams) if teams else 0.0,
    }


def as_teams(dealt: Sequence[Sequence[tuple[str, str]]], model: TeamModel) -> list[Team]:
    """The round-robin's teams as alignkit ``Team`` objects, for ``check_teams``."""
    return [
        Team(f"rr-{i + 1}", model, "", [Member(p, f) for p, f in team], team[0][0])
        for i, team in enumerate(dealt)
    ]


def cross_check(teams: Sequence[Team], found: dict[str, Any]) -> dict[str, Any]:
    """Compare the rules counted here with ``check_teams`` on the same teams."""
    index = {team.name: i for i, team in enumerate(teams)}
    flagged: dict[str, set[int]] = {rule: set() for rule in CHECKED.values()}
    other: Counter[str] = Counter()
    report = check_teams(teams)
    for diagnostic in report:
        rule = CHECKED.get(diagnostic.code)
        if rule is not None:
            flagged[rule].add(index[diagnostic.target])
        elif diagnostic.code not in IGNORED:
            other[diagnostic.code] += 1
    mismatches = {
        rule: sorted(flagged[rule] ^ set(found["broken"][rule]))
        for rule in CHECKED.values()
        if flagged[rule] != set(found["broken"][rule])
    }
    return {
        "check_teams_findings": {rule: len(teams) for rule, teams in flagged.items()},
        "other_findings": dict(other),
        "ignored_findings": sum(1 for d in report if d.code in IGNORED),
        "mismatches": mismatches,
    }


# -- the run -----------------------------------------------------------------------------


def measure_model(roster: Sequence[tuple[str, str]], model: TeamModel, runs: int) -> dict[str, Any]:
    # One untimed call of each; form_teams's tells the baseline how many teams to deal into.
    formation = run_alignkit(roster, model)
    k = len(formation.teams)
    dealt = run_round_robin(roster, k)
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(runs):
        elapsed, formation = timed(lambda: run_alignkit(roster, model))
        ours.append(elapsed)
        elapsed, dealt = timed(lambda: run_round_robin(roster, k))
        theirs.append(elapsed)

    alignkit = assess([[m.function for m in t.members] for t in formation.teams], model)
    alignkit["time_s"] = median_range(ours)
    alignkit["samples_s"] = ours
    alignkit["placed"] = sum(t.size for t in formation.teams)
    alignkit["unplaced"] = len(formation.unplaced)
    alignkit["sizes"] = dict(sorted(Counter(t.size for t in formation.teams).items()))
    alignkit["cross_check"] = cross_check(formation.teams, alignkit)

    baseline = assess([[f for _, f in team] for team in dealt], model)
    baseline["time_s"] = median_range(theirs)
    baseline["samples_s"] = theirs
    baseline["placed"] = sum(len(team) for team in dealt)
    baseline["unplaced"] = len(roster) - baseline["placed"]
    baseline["sizes"] = dict(sorted(Counter(len(team) for team in dealt).items()))
    baseline["cross_check"] = cross_check(as_teams(dealt, model), baseline)

    for found in (alignkit, baseline):
        found["broken"] = {rule: len(teams) for rule, teams in found["broken"].items()}
    return {
        "model": model.name,
        "band": [model.min_size, model.max_size],
        "min_functions": model.min_functions,
        "alignkit": alignkit,
        "round_robin": baseline,
        "ratio": ratio(ours, theirs),
        "met": {
            "time": alignkit["time_s"]["median"] < TARGET_S,
            "all_teams_meet_all": alignkit["meet_all"] == alignkit["teams"],
        },
    }


def measure(people: int, runs: int) -> dict[str, Any]:
    found = machine()
    roster = make_roster(people, SEED)
    models = [measure_model(roster, model, runs) for model in MODELS]
    return {
        "machine": found,
        "python": sys.version.split()[0],
        "people": people,
        "mix_percent": MIX,
        "functions": dict(Counter(f for _, f in roster).most_common()),
        "required": list(REQUIRED),
        "seed": SEED,
        "runs": runs,
        "target_s": TARGET_S,
        "models": models,
        "ratios": {f"form_teams_vs_round_robin_{row['model']}": row["ratio"] for row in models},
    }


# -- the report --------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def spread(figure: Mapping[str, float], spec: str, unit: str = "") -> str:
    """A median and its range: ``median (min-max)``."""
    low, high = f"{figure['min']:{spec}}", f"{figure['max']:{spec}}"
    return f"{figure['median']:{spec}}{unit} ({low}-{high})"


def report(data: dict[str, Any]) -> None:
    mix = ", ".join(f"{n:,} {f}" for f, n in data["functions"].items())
    print(
        f"Python {data['python']}; {data['people']:,} people ({mix}); "
        f"required: {', '.join(data['required'])}; seed {data['seed']}; "
        f"{data['runs']} runs, interleaved"
    )
    print("each time: median (min-max) over the runs; the ratio: over the same runs")
    for row in data["models"]:
        ak, rr = row["alignkit"], row["round_robin"]
        lo, hi = row["band"]
        sizes = ", ".join(f"{n} x {size}" for size, n in ak["sizes"].items())
        print()
        print(
            f"{row['model']} ({lo}-{hi} members, >= {row['min_functions']} functions): "
            f"{ak['teams']:,} teams ({sizes}); placed {ak['placed']:,}, "
            f"unplaced {ak['unplaced']:,}"
        )
        print(
            f"{'':<12} {'seconds per run':<26} {'meet all':>8} "
            f"{'SQ001':>6} {'SQ002':>6} {'SQ006':>6} {'required':>8}"
        )
        for label, found in (("form_teams", ak), ("round-robin", rr)):
            broken = found["broken"]
            print(
                f"{label:<12} {spread(found['time_s'], '.4f'):<26} "
                f"{found['share_meet_all']:>8.1%} {broken['size']:>6,} "
                f"{broken['functions']:>6,} {broken['dominant']:>6,} {broken['required']:>8,}"
            )
        print(
            f"form_teams / round-robin time: {spread(row['ratio'], ',.0f', 'x')}; "
            f"form_teams under {data['target_s']:g} s at the median: "
            f"{verdict(row['met']['time'])}; "
            f"every team meets every rule: {verdict(row['met']['all_teams_meet_all'])}"
        )
        for label, found in (("form_teams", ak), ("round-robin", rr)):
            check = found["cross_check"]
            agrees = "agrees" if not check["mismatches"] else f"DISAGREES {check['mismatches']}"
            others = (
                f"; other findings {check['other_findings']}" if check["other_findings"] else ""
            )
            print(f"check_teams on the {label} teams {agrees}{others}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, size=FULL, what="people")
    parser.add_argument(
        "--quick", action="store_const", dest="size", const=QUICK, help=f"--size {QUICK}"
    )
    parser.add_argument("--repeats", dest="runs", type=positive_int, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if not args.json:
        print(machine_line(), flush=True)
    data = measure(args.size, args.runs)
    write_json(args.json_out, data)
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        report(data)
    if any(
        row[side]["cross_check"]["mismatches"]
        for row in data["models"]
        for side in ("alignkit", "round_robin")
    ):
        sys.exit(1)


if __name__ == "__main__":
    main()
