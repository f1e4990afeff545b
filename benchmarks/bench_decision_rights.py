"""Decision rights at scale: loading, linting and ``can_decide``, against pycasbin.

In one run, this script:

* generates, from a fixed seed, a RACI matrix of 10,000 decisions by 2,000 parties
  (1,800 people and 200 functions) as a CSV file, and an org in which those people
  are spread over the functions, each function has a head and the reporting lines
  form a tree;
* times ``DecisionRights.from_csv`` (load) and ``rights.lint(org)`` (lint);
* adds delegations with ``rights.delegate`` and times ``rights.can_decide`` over a
  workload of 200,000 ``(person, decision)`` queries;
* runs the same workload through pycasbin's ``FastEnforcer``, loaded with the
  equivalent RBAC policy, and checks that both give the same answer to every query;
* runs it through a plain dict of the precomputed answers: the floor;
* times ``rights.explain_party`` for every person, as a report of everyone's rights
  asks it, and checks that the decisions it says each person takes are the floor's;
* times ``python -m alignkit check`` on a generated alignment file of 2,000
  decisions by 200 parties.

It needs pycasbin (``pip install casbin``). ``--quick`` runs a small version
(1,000 decisions by 200 parties) as a smoke test. The exit status is 1 when
alignkit disagrees with pycasbin or with the floor on any query or person.

Usage::

    python benchmarks/bench_decision_rights.py [--quick] [--json] [--repeats 5] [--casbin-queries N]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from _common import positive_int, summary, timed
from _common import rate as shared_rate

from alignkit.decision_rights import DecisionRights
from alignkit.org import Function, Org, Person

try:
    import casbin
    from casbin.model import FastModel
except ImportError:  # pragma: no cover - reported in main()
    casbin = None

ROOT = Path(__file__).resolve().parent.parent
SEED = 20240601
AT = dt.datetime(2030, 6, 1, 12, 0, tzinfo=dt.UTC)
"""The fixed time every query is asked at; every live delegation ends after it."""

TARGET_LOAD_LINT_S = 1.0
TARGET_VS_CASBIN = 50.0
TARGET_FLOOR_RATIO = 3.0

CASBIN_MODEL = """\
[request_definition]
r = sub, obj, act

[policy_definition]
p = sub, obj, act

[role_definition]
g = _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub) && r.obj == p.obj && r.act == p.act
"""
CASBIN_INDEX = [1]
"""``FastEnforcer`` indexes its ``p`` lines on these request fields: the object."""
ACTION = "decide"


@dataclass(frozen=True)
class Size:
    decisions: int
    people: int
    functions: int
    queries: int
    delegations: int
    expired: int
    check_decisions: int
    check_people: int
    check_functions: int
    check_parties: int
    check_runs: int


FULL = Size(
    decisions=10_000,
    people=1_800,
    functions=200,
    queries=200_000,
    delegations=100,
    expired=20,
    check_decisions=2_000,
    check_people=200,
    check_functions=20,
    check_parties=200,
    check_runs=5,
)
QUICK = Size(
    decisions=1_000,
    people=180,
    functions=20,
    queries=20_000,
    delegations=10,
    expired=2,
    check_decisions=200,
    check_people=40,
    check_functions=5,
    check_parties=40,
    check_runs=2,
)


# -- the data ----------------------------------------------------------------------------


@dataclass(frozen=True)
class World:
    """An org and a matrix over its parties, as plain data."""

    people: list[str]
    functions: list[str]
    function_of: dict[str, str]
    heads: dict[str, str]
    managers: dict[str, str | None]
    parties: list[str]
    rows: list[tuple[str, dict[str, str]]]  # decision id, party -> letter

    def org(self) -> Org:
        return Org(
            functions=[Function(f, head=self.heads[f]) for f in self.functions],
            people=[
                Person(p, f"Person {p}", self.function_of[p], manager=self.managers[p])
                for p in self.people
            ],
        )

    def decider(self, party: str) -> str:
        """The person who decides for ``party``: a function's head, or the party itself."""
        return self.heads.get(party, party)


def make_world(
    rng: random.Random, n_decisions: int, n_people: int, n_functions: int, n_parties: int
) -> World:
    """An org whose reporting lines form a tree, and a RACI matrix over its parties.

    Every function has a head in it. The heads report to the head of an earlier
    function (the first head is at the top); everyone else reports to an earlier
    member of their own function. Parties are the first ``n_parties - n_functions``
    people and every function. Each decision has one A, 1-3 R, 0-5 C and 0-5 I,
    all different parties; half the decisions are held by a function.
    """
    people = [f"person-{i:04d}" for i in range(n_people)]
    functions = [f"Function-{i:03d}" for i in range(n_functions)]
    shuffled = people[:]
    rng.shuffle(shuffled)
    function_of: dict[str, str] = {}
    heads: dict[str, str] = {}
    managers: dict[str, str | None] = {}
    for k, function in enumerate(functions):
        members = shuffled[k::n_functions]
        head = members[0]
        heads[function] = head
        managers[head] = heads[functions[rng.randrange(k)]] if k else None
        for i, person in enumerate(members):
            function_of[person] = function
            if i:
                managers[person] = members[rng.randrange(i)]
    party_people = people[: n_parties - n_functions]
    parties = party_people + functions
    rows: list[tuple[str, dict[str, str]]] = []
    for k in range(n_decisions):
        n_r, n_c, n_i = rng.randint(1, 3), rng.randint(0, 5), rng.randint(0, 5)
        accountable = rng.choice(functions) if rng.random() < 0.5 else rng.choice(party_people)
        others = [p for p in rng.sample(parties, n_r + n_c + n_i + 1) if p != accountable]
        cells = {accountable: "A"}
        cells.update(zip(others, "R" * n_r + "C" * n_c + "I" * n_i, strict=False))
        rows.append((f"decision-{k:05d}", cells))
    return World(people, functions, function_of, heads, managers, parties, rows)


def write_csv(world: World, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["Decision", *world.parties])
        for decision_id, cells in world.rows:
            writer.writerow([decision_id, *(cells.get(p, "") for p in world.parties)])


def write_alignment_file(world: World, path: Path) -> None:
    """An alignment file with the org and the matrix, in the style people write."""
    lines = ["version: 1", "", "org:", "  functions:"]
    lines += [f"    - {{name: {f}, head: {world.heads[f]}}}" for f in world.functions]
    lines.append("  people:")
    for p in world.people:
        manager = world.managers[p]
        boss = f", manager: {manager}" if manager else ""
        lines.append(f"    - {{id: {p}, name: Person {p}, function: {world.function_of[p]}{boss}}}")
    lines += ["", "decision_rights:", "  scheme: raci", "  decisions:"]
    fields = {"R": "responsible", "C": "consulted", "I": "informed"}
    for decision_id, cells in world.rows:
        accountable = next(p for p, letter in cells.items() if letter == "A")
        lines.append(f"    - id: {decision_id}")
        lines.append(f"      accountable: {accountable}")
        for letter, field in fields.items():
            named = [p for p, held in cells.items() if held == letter]
            if named:
                lines.append(f"      {field}: [{', '.join(named)}]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class Grant:
    decision: str
    from_party: str
    to_party: str
    until: dt.datetime


def make_grants(rng: random.Random, world: World, live: int, expired: int) -> list[Grant]:
    """Delegations by the accountable party: ``live`` end after AT, ``expired`` before."""
    picked = rng.sample(world.rows, live + expired)
    grants = []
    for k, (decision_id, cells) in enumerate(picked):
        accountable = next(p for p, letter in cells.items() if letter == "A")
        to_party = rng.choice([p for p in world.parties if p != accountable])
        days = rng.randint(1, 365)
        until = AT + dt.timedelta(days=days) if k < live else AT - dt.timedelta(days=days)
        grants.append(Grant(decision_id, accountable, to_party, until))
    return grants


def make_workload(
    rng: random.Random, world: World, grants: list[Grant], n: int
) -> list[tuple[str, str]]:
    """``n`` queries: a third to the right person, a third random people, a third noise.

    The first third asks the person who should be allowed: the accountable person,
    the head of the accountable function, or (for one pick in ten, on a delegated
    decision) the delegate. The second asks random people about real decisions.
    The last mixes people, function names and unknown ids with real and unknown
    decisions.
    """
    accountable = {d: next(p for p, x in cells.items() if x == "A") for d, cells in world.rows}
    decisions = list(accountable)
    by_decision: dict[str, list[Grant]] = {}
    for grant in grants:
        by_decision.setdefault(grant.decision, []).append(grant)
    delegated = list(by_decision)
    names = world.people + world.functions
    out: list[tuple[str, str]] = []
    third = n // 3
    for _ in range(third):
        if delegated and rng.random() < 0.1:
            decision = rng.choice(delegated)
            party = rng.choice(by_decision[decision]).to_party
        else:
            decision = rng.choice(decisions)
            party = accountable[decision]
        out.append((world.decider(party), decision))
    out += [(rng.choice(world.people), rng.choice(decisions)) for _ in range(third)]
    for k in range(n - 2 * third):
        roll = rng.random()
        if roll < 0.6:
            person = rng.choice(world.people)
        elif roll < 0.8:
            person = rng.choice(names)
        else:
            person = f"ghost-{k:06d}"
        decision = rng.choice(decisions) if rng.random() < 0.7 else f"unknown-{k:06d}"
        out.append((person, decision))
    rng.shuffle(out)
    return out


# -- the contenders ----------------------------------------------------------------------


def floor_table(world: World, grants: list[Grant]) -> dict[str, frozenset[str]]:
    """Decision -> everyone allowed at AT: the accountable party, its head, live delegates.

    The party itself is included as written, as ``can_decide`` matches it literally.
    """
    allowed: dict[str, set[str]] = {}
    for decision_id, cells in world.rows:
        accountable = next(p for p, letter in cells.items() if letter == "A")
        allowed[decision_id] = {accountable, world.decider(accountable)}
    for grant in grants:
        if grant.until > AT:
            allowed[grant.decision] |= {grant.to_party, world.decider(grant.to_party)}
    return {k: frozenset(v) for k, v in allowed.items()}


def casbin_rules(world: World, grants: list[Grant]) -> tuple[list[list[str]], list[list[str]]]:
    """The ``p`` and ``g`` lines: who holds each decision, live delegates, heads."""
    policies = []
    for decision_id, cells in world.rows:
        accountable = next(p for p, letter in cells.items() if letter == "A")
        policies.append([accountable, decision_id, ACTION])
    policies += [[g.to_party, g.decision, ACTION] for g in grants if g.until > AT]
    groupings = [[world.heads[f], f] for f in world.functions]
    return policies, groupings


def casbin_enforcer(policies: list[list[str]], groupings: list[list[str]]) -> Any:
    model = FastModel(CASBIN_INDEX)
    model.load_model_from_text(CASBIN_MODEL)
    enforcer = casbin.FastEnforcer(model, cache_key_order=CASBIN_INDEX)
    enforcer.add_policies(policies)
    enforcer.add_grouping_policies(groupings)
    return enforcer


def run_alignkit(
    rights: DecisionRights, org: Org, workload: Sequence[tuple[str, str]]
) -> list[bool]:
    can = rights.can_decide
    at = AT
    return [can(person, decision, org, at) for person, decision in workload]


def run_floor(
    allowed: dict[str, frozenset[str]], workload: Sequence[tuple[str, str]]
) -> list[bool]:
    get = allowed.get
    empty: frozenset[str] = frozenset()
    return [person in get(decision, empty) for person, decision in workload]


def run_floor_call(
    allowed: dict[str, frozenset[str]], workload: Sequence[tuple[str, str]]
) -> list[bool]:
    get = allowed.get
    empty: frozenset[str] = frozenset()

    def can(person: str, decision: str) -> bool:
        return person in get(decision, empty)

    return [can(person, decision) for person, decision in workload]


def run_casbin(enforcer: Any, workload: Sequence[tuple[str, str]]) -> list[bool]:
    enforce = enforcer.enforce
    return [enforce(person, decision, ACTION) for person, decision in workload]


# -- timing ------------------------------------------------------------------------------


def rate(samples: list[float], n: int) -> dict[str, Any]:
    return {**shared_rate(samples, n), "queries": n}


def disagreements(
    workload: Sequence[tuple[str, str]], first: Iterable[bool], second: Iterable[bool]
) -> tuple[int, list[dict[str, Any]]]:
    count = 0
    examples: dict[tuple[str, str], dict[str, Any]] = {}
    for (person, decision), a, b in zip(workload, first, second, strict=False):
        if a != b:
            count += 1
            if len(examples) < 5:
                example = {"person": person, "decision": decision, "first": a, "second": b}
                examples.setdefault((person, decision), example)
    return count, list(examples.values())


def time_check(path: Path, runs: int) -> dict[str, Any]:
    """Wall time of ``python -m alignkit check <path>``: one untimed run, then ``runs``."""
    cmd = [sys.executable, "-m", "alignkit", "check", str(path)]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def once() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            cmd,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )

    first = once()
    if first.returncode not in {0, 1}:
        sys.exit(f"{cmd!r} failed with exit code {first.returncode}:\n{first.stderr}")
    samples = []
    for _ in range(runs):
        elapsed, _done = timed(once)
        samples.append(elapsed)
    found = summary(samples)
    found.update(
        {
            "command": ["python", "-m", "alignkit", "check", path.name],
            "exit_code": first.returncode,
            "bytes": path.stat().st_size,
            "output_tail": first.stdout.strip().splitlines()[-1:] if first.stdout else [],
        }
    )
    return found


# -- the run -----------------------------------------------------------------------------


def measure(size: Size, repeats: int, casbin_queries: int | None) -> dict[str, Any]:  # noqa: PLR0915
    rng = random.Random(SEED)
    world = make_world(
        rng, size.decisions, size.people, size.functions, size.people + size.functions
    )
    grants = make_grants(rng, world, size.delegations, size.expired)
    workload = make_workload(rng, world, grants, size.queries)
    org = world.org()
    org.get_person(world.people[0])  # builds the org's own index, outside the timings

    data: dict[str, Any] = {
        "python": sys.version.split()[0],
        "size": asdict(size),
        "seed": SEED,
        "at": AT.isoformat(),
    }
    with tempfile.TemporaryDirectory(prefix="alignkit-bench-") as tmp:
        matrix = Path(tmp) / "rights.csv"
        write_csv(world, matrix)
        data["csv_bytes"] = matrix.stat().st_size

        # Load and lint: a fresh matrix each time, so its index is built inside `lint`.
        loads, lints, totals = [], [], []
        rights = DecisionRights()
        report = None
        for _ in range(repeats):
            load_s, rights = timed(lambda: DecisionRights.from_csv(matrix))
            lint_s, report = timed(lambda rights=rights: rights.lint(org))
            loads.append(load_s)
            lints.append(lint_s)
            totals.append(load_s + lint_s)
        data["load"] = summary(loads)
        data["lint"] = summary(lints)
        data["load_lint"] = summary(totals)
        data["lint_findings"] = len(report) if report is not None else 0

        # Delegations, through the public API, one call each.
        def delegated() -> DecisionRights:
            out = rights
            for g in grants:
                out = out.delegate(g.decision, g.from_party, g.to_party, until=g.until)
            return out

        data["delegate_s"], rights = timed(delegated)
        data["delegations"] = {"live": size.delegations, "expired": size.expired}

        # can_decide and the floor over the workload: one untimed pass each, then
        # `repeats` rounds, interleaved so that drift in the machine's speed hits all alike.
        allowed = floor_table(world, grants)
        runners: dict[str, Callable[[], list[bool]]] = {
            "alignkit": lambda: run_alignkit(rights, org, workload),
            "floor": lambda: run_floor(allowed, workload),
            "floor_call": lambda: run_floor_call(allowed, workload),
        }
        answers = {name: run() for name, run in runners.items()}
        samples: dict[str, list[float]] = {name: [] for name in runners}
        for _ in range(repeats):
            for name, run in runners.items():
                elapsed, answers[name] = timed(run)
                samples[name].append(elapsed)
        for name in runners:
            data[name] = rate(samples[name], len(workload))
        ours, floor = answers["alignkit"], answers["floor"]
        data["allowed"] = sum(ours)

        # explain_party for every person, once, as a report of everyone's rights asks it;
        # the decisions it says each person takes are checked against the floor.
        def explain_everyone() -> dict[str, frozenset[str]]:
            return {p: rights.explain_party(p, org, at=AT).decides for p in world.people}

        explain_s, decided = timed(explain_everyone)
        floor_decides: dict[str, set[str]] = {p: set() for p in world.people}
        for decision_id, who in allowed.items():
            for person in who & floor_decides.keys():
                floor_decides[person].add(decision_id)
        data["explain"] = {
            "people": len(world.people),
            "s": explain_s,
            "involvements": sum(
                len(rights.explain_party(p, org, at=AT).decisions) for p in world.people[:100]
            ),
            "disagreements": sum(decided[p] != floor_decides[p] for p in world.people),
        }

        # pycasbin, once over the workload (or its first `casbin_queries` queries).
        subset = workload[:casbin_queries] if casbin_queries else workload
        policies, groupings = casbin_rules(world, grants)
        setup_s, enforcer = timed(lambda: casbin_enforcer(policies, groupings))
        elapsed, theirs = timed(lambda: run_casbin(enforcer, subset))
        data["casbin"] = rate([elapsed], len(subset))
        data["casbin"]["setup_s"] = setup_s
        data["casbin"]["policies"] = len(policies)
        data["casbin"]["groupings"] = len(groupings)

        count, examples = disagreements(subset, ours, theirs)
        data["agreement"] = {
            "queries": len(subset),
            "alignkit_vs_casbin": count,
            "alignkit_vs_casbin_examples": examples,
            "alignkit_vs_floor": disagreements(workload, ours, floor)[0],
            "casbin_vs_floor": disagreements(subset, theirs, floor)[0],
        }

        # The whole command line on a generated alignment file.
        small = make_world(
            random.Random(SEED + 1),
            size.check_decisions,
            size.check_people,
            size.check_functions,
            size.check_parties,
        )
        alignment = Path(tmp) / "alignment.yaml"
        write_alignment_file(small, alignment)
        data["check"] = time_check(alignment, size.check_runs)
        data["check"]["decisions"] = size.check_decisions
        data["check"]["parties"] = size.check_parties

    ak = data["alignkit"]["per_s"]
    data["ratios"] = {
        "alignkit_vs_casbin": ak / data["casbin"]["per_s"],
        "floor_vs_alignkit": data["floor"]["per_s"] / ak,
        "floor_call_vs_alignkit": data["floor_call"]["per_s"] / ak,
    }
    data["targets"] = {
        "load_lint_s": TARGET_LOAD_LINT_S,
        "alignkit_vs_casbin_min": TARGET_VS_CASBIN,
        "floor_vs_alignkit_max": TARGET_FLOOR_RATIO,
    }
    data["met"] = {
        "load_lint": data["load_lint"]["best_s"] < TARGET_LOAD_LINT_S,
        "alignkit_vs_casbin": data["ratios"]["alignkit_vs_casbin"] >= TARGET_VS_CASBIN,
        "floor_vs_alignkit": data["ratios"]["floor_vs_alignkit"] <= TARGET_FLOOR_RATIO,
    }
    return data


# -- the report --------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def report(data: dict[str, Any]) -> None:
    size = data["size"]
    parties = size["people"] + size["functions"]
    print(
        f"Python {data['python']}; {size['decisions']:,} decisions x {parties:,} parties "
        f"({size['people']:,} people, {size['functions']} functions), "
        f"CSV {data['csv_bytes'] / 1e6:.1f} MB; {data['lint_findings']} lint findings"
    )
    print(
        f"{size['queries']:,} queries at {data['at']}; "
        f"{size['delegations']} live and {size['expired']} expired delegations"
    )
    print()
    print(f"{'':<28} {'best':>12} {'median':>12}")
    for key, label in (("load", "load s"), ("lint", "lint s"), ("load_lint", "load+lint s")):
        row = data[key]
        print(f"{label:<28} {row['best_s']:>12.3f} {row['median_s']:>12.3f}")
    rows = (
        ("alignkit", "alignkit can_decide/s"),
        ("casbin", "FastEnforcer enforce/s"),
        ("floor", "dict floor/s"),
        ("floor_call", "dict floor in a function/s"),
    )
    for key, label in rows:
        row = data[key]
        print(f"{label:<28} {row['per_s']:>12,.0f} {row['median_per_s']:>12,.0f}")
    print()
    casbin_row = data["casbin"]
    print(
        f"FastEnforcer setup (add_policies): {casbin_row['setup_s']:.3f} s for "
        f"{casbin_row['policies']:,} p and {casbin_row['groupings']} g lines; "
        f"timed on {casbin_row['queries']:,} queries, once"
    )
    print(f"{sum(data['delegations'].values())} delegate() calls: {data['delegate_s']:.3f} s")
    explain = data["explain"]
    print(
        f"explain_party for each of {explain['people']:,} people: {explain['s']:.3f} s "
        f"({explain['s'] / explain['people'] * 1e3:.2f} ms each, "
        f"{explain['involvements'] / 100:.0f} decisions each on average over the first 100)"
    )
    check = data["check"]
    print(
        f"python -m alignkit check ({check['decisions']:,} decisions x {check['parties']} "
        f"parties, {check['bytes'] / 1e3:.0f} kB): median {check['median_s']:.3f} s, "
        f"best {check['best_s']:.3f} s, exit code {check['exit_code']}"
    )
    print()
    ratios, met, targets = data["ratios"], data["met"], data["targets"]
    print(
        f"load+lint: {data['load_lint']['best_s']:.3f} s "
        f"(target < {targets['load_lint_s']:g} s: {verdict(met['load_lint'])})"
    )
    print(
        f"alignkit / FastEnforcer: {ratios['alignkit_vs_casbin']:.1f}x "
        f"(target >= {targets['alignkit_vs_casbin_min']:g}x: "
        f"{verdict(met['alignkit_vs_casbin'])})"
    )
    print(
        f"dict floor / alignkit: {ratios['floor_vs_alignkit']:.1f}x "
        f"(target <= {targets['floor_vs_alignkit_max']:g}x: {verdict(met['floor_vs_alignkit'])}); "
        f"the floor in a function: {ratios['floor_call_vs_alignkit']:.1f}x"
    )
    agreement = data["agreement"]
    print(
        f"disagreements on {agreement['queries']:,} queries: alignkit vs FastEnforcer "
        f"{agreement['alignkit_vs_casbin']}, FastEnforcer vs floor {agreement['casbin_vs_floor']}; "
        f"alignkit vs floor on all queries {agreement['alignkit_vs_floor']}; "
        f"people whose explain_party(...).decides differs from the floor "
        f"{data['explain']['disagreements']}"
    )
    for example in agreement["alignkit_vs_casbin_examples"]:
        print(
            f"  can_decide({example['person']!r}, {example['decision']!r}) is "
            f"{example['first']}, FastEnforcer says {example['second']}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small run, as a smoke test")
    parser.add_argument(
        "--repeats", type=positive_int, default=5, help="timed repeats of each step (default 5)"
    )
    parser.add_argument(
        "--casbin-queries",
        type=positive_int,
        default=None,
        help="ask pycasbin only the first N queries (default: all of them)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if casbin is None:
        sys.exit("this benchmark needs pycasbin: pip install casbin")
    data = measure(QUICK if args.quick else FULL, args.repeats, args.casbin_queries)
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        report(data)
    agreement = data["agreement"]
    if (
        agreement["alignkit_vs_casbin"]
        or agreement["alignkit_vs_floor"]
        or data["explain"]["disagreements"]
    ):
        sys.exit(1)


if __name__ == "__main__":
    main()
