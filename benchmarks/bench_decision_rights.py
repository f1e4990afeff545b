"""Decision rights at scale: loading, linting and ``can_decide``, against pycasbin.

In one run, this script:

* generates, from a fixed seed, a RACI matrix of 10,000 decisions by 2,000 parties
  (1,800 people and 200 functions) as a CSV file, and an org in which those people
  are spread over the functions, each function has a head and the reporting lines
  form a tree;
* times ``DecisionRights.from_csv`` (load) and ``rights.lint(org)`` (lint), on a fresh
  matrix each run;
* times the first ``can_decide`` on a freshly loaded matrix (which builds its index),
  and the first after delegations are added to it;
* lends a fifth of the decisions with ``rights.delegate`` (one in six of them already
  expired, one in ten to two parties) and times ``rights.can_decide`` over a workload
  of 200,000 ``(person, decision)`` queries, a quarter of them on delegated decisions,
  timing the delegated and the other decisions apart;
* times the same queries through a plain dict of the precomputed answers (the floor)
  and through pycasbin's ``FastEnforcer``, loaded with the equivalent RBAC policy;
* times ``can_decide`` with an equal but new ``Org`` object on every query, as a
  service that loads the org for each request passes, both with orgs whose own
  lookups are built and with orgs just loaded;
* times ``rights.explain_party`` for every person, as a report of everyone's rights
  asks it, and checks that the decisions it says each person takes are the floor's;
* times ``python -m alignkit check`` on a generated alignment file of 2,000
  decisions by 200 parties.

Everything timed runs ``--runs`` times, interleaved (pycasbin on the first
``--casbin-queries`` queries); every figure is reported as the median with its range
over the runs, and each ratio as the median (with its range) of the same runs' ratios.

alignkit must give the floor's answer to every query it is asked, and pycasbin's to
every query pycasbin answers (all of them, once, untimed). The exit status is 1 when it
does not.

It needs pycasbin (``pip install casbin``), which alignkit itself does not use.
``--size N`` sets the number of decisions (everything else scales with it);
``--quick`` is ``--size 1000``, a smoke test.

Usage::

    python benchmarks/bench_decision_rights.py [--size N | --quick] [--runs 5]
        [--casbin-queries N] [--json] [--json-out PATH]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import json
import os
import random
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
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

from alignkit.decision_rights import DecisionRights
from alignkit.org import Function, Org, Person

try:
    import casbin
    from casbin.model import FastModel
except ImportError:  # reported in main()
    casbin = None

ROOT = Path(__file__).resolve().parent.parent
SEED = 20240601
AT = dt.datetime(2030, 6, 1, 12, 0, tzinfo=dt.UTC)
"""The fixed time every query is asked at."""

FULL = 10_000
QUICK = 1_000
SMALLEST = 100
TARGET_LOAD_LINT_S = 1.0
TARGET_VS_CASBIN = 50.0
TARGET_FLOOR_RATIO = 3.0
DELEGATED_SHARE = 0.25
"""The share of the queries asked about delegated decisions."""

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
    delegated: int
    """How many decisions are lent (one in six of them expired, one in ten twice)."""
    other_org_queries: int
    """Queries asked with an equal but new org object each (orgs whose lookups are built)."""
    fresh_orgs: int
    """Queries per run asked with an org just loaded (its lookups not built yet)."""
    check_decisions: int
    check_people: int
    check_functions: int


def size_for(decisions: int) -> Size:
    """Everything scaled from the number of decisions, as 10,000 decisions by 2,000 parties."""
    return Size(
        decisions=decisions,
        people=max(20, decisions * 18 // 100),
        functions=max(2, decisions // 50),
        queries=decisions * 20,
        delegated=max(1, decisions // 5),
        other_org_queries=max(100, decisions // 5),
        fresh_orgs=max(10, decisions // 200),
        check_decisions=max(10, decisions // 5),
        check_people=max(20, decisions // 50),
        check_functions=max(2, decisions // 500),
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
    until: dt.datetime | None

    def live(self) -> bool:
        return self.until is None or self.until > AT


def make_grants(rng: random.Random, world: World, delegated: int) -> list[Grant]:
    """Delegations by the accountable party of ``delegated`` decisions.

    One in six has ended before AT; of the others, one in ten is open-ended and the
    rest end after AT. One decision in ten is lent to a second party as well.
    """
    picked = rng.sample(world.rows, delegated)
    grants = []
    for k, (decision_id, cells) in enumerate(picked):
        accountable = next(p for p, letter in cells.items() if letter == "A")
        lent = 2 if k % 10 == 3 else 1
        for to_party in rng.sample([p for p in world.parties if p != accountable], lent):
            days = dt.timedelta(days=rng.randint(1, 365))
            if k % 6 == 5:
                until: dt.datetime | None = AT - days
            else:
                until = None if k % 10 == 7 else AT + days
            grants.append(Grant(decision_id, accountable, to_party, until))
    return grants


Query = tuple[str, str]


def make_workload(
    rng: random.Random, world: World, grants: list[Grant], n: int
) -> tuple[list[Query], frozenset[str]]:
    """``n`` queries, a quarter of them on delegated decisions; and those decisions.

    On a delegated decision, half ask a delegate (whose delegation may have ended), a
    quarter the person who decides without one, a quarter anyone. On the others, a
    third ask the person who decides, a third anyone, and a third mixes people,
    function names and unknown ids with real and unknown decisions.
    """
    accountable = {d: next(p for p, x in cells.items() if x == "A") for d, cells in world.rows}
    by_decision: dict[str, list[Grant]] = {}
    for grant in grants:
        by_decision.setdefault(grant.decision, []).append(grant)
    delegated = list(by_decision)
    plain = [d for d in accountable if d not in by_decision]
    names = world.people + world.functions
    out: list[Query] = []
    for k in range(n):
        if rng.random() < DELEGATED_SHARE:
            decision = rng.choice(delegated)
            roll = rng.random()
            if roll < 0.5:
                out.append((world.decider(rng.choice(by_decision[decision]).to_party), decision))
            elif roll < 0.75:
                out.append((world.decider(accountable[decision]), decision))
            else:
                out.append((rng.choice(world.people), decision))
            continue
        roll = rng.random()
        if roll < 1 / 3:
            decision = rng.choice(plain)
            out.append((world.decider(accountable[decision]), decision))
        elif roll < 2 / 3:
            out.append((rng.choice(world.people), rng.choice(plain)))
        else:
            pick = rng.random()
            if pick < 0.6:
                person = rng.choice(world.people)
            elif pick < 0.8:
                person = rng.choice(names)
            else:
                person = f"ghost-{k:07d}"
            decision = rng.choice(plain) if rng.random() < 0.7 else f"unknown-{k:07d}"
            out.append((person, decision))
    return out, frozenset(delegated)


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
        if grant.live():
            allowed[grant.decision] |= {grant.to_party, world.decider(grant.to_party)}
    return {k: frozenset(v) for k, v in allowed.items()}


def casbin_rules(world: World, grants: list[Grant]) -> tuple[list[list[str]], list[list[str]]]:
    """The ``p`` and ``g`` lines: who holds each decision, live delegates, heads."""
    policies = []
    for decision_id, cells in world.rows:
        accountable = next(p for p, letter in cells.items() if letter == "A")
        policies.append([accountable, decision_id, ACTION])
    policies += [[g.to_party, g.decision, ACTION] for g in grants if g.live()]
    groupings = [[world.heads[f], f] for f in world.functions]
    return policies, groupings


def casbin_enforcer(policies: list[list[str]], groupings: list[list[str]]) -> Any:
    model = FastModel(CASBIN_INDEX)
    model.load_model_from_text(CASBIN_MODEL)
    enforcer = casbin.FastEnforcer(model, cache_key_order=CASBIN_INDEX)
    enforcer.add_policies(policies)
    enforcer.add_grouping_policies(groupings)
    return enforcer


def delegate_all(rights: DecisionRights, grants: Sequence[Grant]) -> DecisionRights:
    """``rights`` with every grant added through the public API, one call each."""
    for g in grants:
        rights = rights.delegate(g.decision, g.from_party, g.to_party, until=g.until)
    return rights


def run_alignkit(rights: DecisionRights, org: Org, workload: Sequence[Query]) -> list[bool]:
    can = rights.can_decide
    at = AT
    return [can(person, decision, org, at) for person, decision in workload]


def run_alignkit_orgs(
    rights: DecisionRights, orgs: Sequence[Org], workload: Sequence[Query]
) -> list[bool]:
    """Each query with the next org of ``orgs``, in turn: never the one the last query had."""
    can = rights.can_decide
    at = AT
    count = len(orgs)
    return [can(p, d, orgs[i % count], at) for i, (p, d) in enumerate(workload)]


def run_floor(allowed: dict[str, frozenset[str]], workload: Sequence[Query]) -> list[bool]:
    get = allowed.get
    empty: frozenset[str] = frozenset()
    return [person in get(decision, empty) for person, decision in workload]


def run_floor_call(allowed: dict[str, frozenset[str]], workload: Sequence[Query]) -> list[bool]:
    get = allowed.get
    empty: frozenset[str] = frozenset()

    def can(person: str, decision: str) -> bool:
        return person in get(decision, empty)

    return [can(person, decision) for person, decision in workload]


def run_casbin(enforcer: Any, workload: Sequence[Query]) -> list[bool]:
    enforce = enforcer.enforce
    return [enforce(person, decision, ACTION) for person, decision in workload]


def copy_org(org: Org) -> Org:
    """An equal org in a new object, as a service that loads the org per request has."""
    return Org.model_validate(org.model_dump())


# -- checking ----------------------------------------------------------------------------


def disagreements(
    workload: Sequence[Query], first: Iterable[bool], second: Iterable[bool]
) -> tuple[int, list[dict[str, Any]]]:
    count = 0
    examples: list[dict[str, Any]] = []
    for (person, decision), a, b in zip(workload, first, second, strict=False):
        if a != b:
            count += 1
            if len(examples) < 5:
                examples.append({"person": person, "decision": decision, "first": a, "second": b})
    return count, examples


# -- the command line ---------------------------------------------------------------


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
    found: dict[str, Any] = {**median_range(samples), "samples_s": samples}
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

ORG_POOL = 8
"""Equal orgs taken in turn, one per query, for the equal-org case."""


def per_query(samples: list[float], n: int) -> list[float]:
    return [seconds / n for seconds in samples]


def figures(samples: list[float], n: int) -> dict[str, Any]:
    """Per query (microseconds) and queries per second, each as a median and range."""
    return {
        "queries": n,
        "us_per_query": median_range([s / n * 1e6 for s in samples]),
        "per_s": median_range([n / s for s in samples]),
        "samples_s": samples,
    }


def measure(size: Size, runs: int, casbin_queries: int) -> dict[str, Any]:  # noqa: PLR0915
    rng = random.Random(SEED)
    world = make_world(
        rng, size.decisions, size.people, size.functions, size.people + size.functions
    )
    grants = make_grants(rng, world, size.delegated)
    workload, delegated = make_workload(rng, world, grants, size.queries)
    org = world.org()
    org.get_person(world.people[0])  # builds the org's own lookups, outside the timings
    allowed = floor_table(world, grants)
    splits = {
        "delegated": [q for q in workload if q[1] in delegated],
        "other": [q for q in workload if q[1] not in delegated],
    }
    subset = workload[:casbin_queries]
    casbin_splits = {
        "delegated": [q for q in subset if q[1] in delegated],
        "other": [q for q in subset if q[1] not in delegated],
    }
    equal_queries = workload[: size.other_org_queries]
    orgs = [copy_org(org) for _ in range(ORG_POOL)]
    for copy in orgs:
        copy.get_person(world.people[0])
    fresh_queries = workload[: size.fresh_orgs]
    # The first query on a fresh matrix: its accountable person, on a decision held by
    # a person; then another decision; then a live delegate, after the delegations.
    first = next((world.decider(a), d) for d, a in accountable_of(world) if a in world.people)
    second = next((world.decider(a), d) for d, a in reversed(accountable_of(world)))
    lent = next(g for g in grants if g.until is not None and g.live())
    after = (world.decider(lent.to_party), lent.decision)

    data: dict[str, Any] = {
        "machine": machine(),
        "python": sys.version.split()[0],
        "size": asdict(size),
        "runs": runs,
        "seed": SEED,
        "at": AT.isoformat(),
        "delegations": {
            "decisions": len(delegated),
            "grants": len(grants),
            "live": sum(g.live() for g in grants),
            "open_ended": sum(g.until is None for g in grants),
            "expired": sum(not g.live() for g in grants),
        },
        "queries": {name: len(queries) for name, queries in splits.items()},
    }
    samples: dict[str, list[float]] = {}

    def add(name: str, seconds: float) -> None:
        samples.setdefault(name, []).append(seconds)

    answers: dict[str, list[bool]] = {}
    with tempfile.TemporaryDirectory(prefix="alignkit-bench-") as tmp:
        matrix = Path(tmp) / "rights.csv"
        write_csv(world, matrix)
        data["csv_bytes"] = matrix.stat().st_size

        rights = delegate_all(DecisionRights.from_csv(matrix), grants)
        # pycasbin answers every query once, untimed: the agreement check.
        policies, groupings = casbin_rules(world, grants)
        setup_s, enforcer = timed(lambda: casbin_enforcer(policies, groupings))
        check_s, answers["casbin"] = timed(lambda: run_casbin(enforcer, workload))
        data["casbin_setup"] = {
            "s": setup_s,
            "policies": len(policies),
            "groupings": len(groupings),
            "every_query_s": check_s,
        }
        answers["alignkit"] = run_alignkit(rights, org, workload)  # untimed: fills its answers
        answers["floor"] = run_floor(allowed, workload)
        gc.collect()
        gc.freeze()  # everything built so far is left out of the collections
        report = None
        for _ in range(runs):
            # Load and lint a fresh matrix: its index is built inside `lint`.
            gc.collect()
            load_s, loaded = timed(lambda: DecisionRights.from_csv(matrix))
            lint_s, report = timed(lambda loaded=loaded: loaded.lint(org))
            add("load", load_s)
            add("lint", lint_s)
            add("load_lint", load_s + lint_s)
            # The first can_decide on another fresh matrix builds what it needs.
            fresh = DecisionRights.from_csv(matrix)
            for name, (person, decision), matrix_ in (
                ("first_call", first, fresh),
                ("second_call", second, fresh),
            ):
                elapsed, found = timed(
                    lambda m=matrix_, p=person, d=decision: m.can_decide(p, d, org, AT)
                )
                add(name, elapsed)
                answers.setdefault(name, []).append(found)
            elapsed, fresh = timed(lambda fresh=fresh: delegate_all(fresh, grants))
            add("delegate_all", elapsed)
            elapsed, found = timed(lambda fresh=fresh: fresh.can_decide(*after, org, AT))
            add("first_call_after_delegations", elapsed)
            answers.setdefault("first_call_after_delegations", []).append(found)
            add("floor_table", timed(lambda: floor_table(world, grants))[0])
            del fresh, loaded

            # The same org on every query: delegated decisions and the others apart.
            for split, queries in splits.items():
                runners: dict[str, Callable[[], list[bool]]] = {
                    "alignkit": lambda q=queries: run_alignkit(rights, org, q),
                    "floor": lambda q=queries: run_floor(allowed, q),
                    "floor_call": lambda q=queries: run_floor_call(allowed, q),
                    "casbin": lambda q=casbin_splits[split]: run_casbin(enforcer, q),
                }
                for name, run in runners.items():
                    elapsed, found = timed(run)
                    add(f"{split}_{name}", elapsed)
                    if name == "alignkit":
                        answers[f"{split}_alignkit"] = found

            # An equal org in a new object on every query, its lookups built ...
            elapsed, answers["equal_org"] = timed(
                lambda: run_alignkit_orgs(rights, orgs, equal_queries)
            )
            add("equal_org", elapsed)
            add("equal_org_same", timed(lambda: run_alignkit(rights, org, equal_queries))[0])
            add("equal_org_floor", timed(lambda: run_floor(allowed, equal_queries))[0])
            # ... or just loaded, so that the query builds them (what a service that
            # loads the org for each request and asks once pays).
            loaded_orgs = [copy_org(org) for _ in fresh_queries]
            elapsed, answers["fresh_org"] = timed(
                lambda loaded_orgs=loaded_orgs: [
                    rights.can_decide(p, d, o, AT)
                    for o, (p, d) in zip(loaded_orgs, fresh_queries, strict=True)
                ]
            )
            add("fresh_org", elapsed)
            loaded_orgs = [copy_org(org) for _ in fresh_queries]
            elapsed, _ = timed(
                lambda loaded_orgs=loaded_orgs: [o.get_person(first[0]) for o in loaded_orgs]
            )
            add("fresh_org_lookups", elapsed)
            del loaded_orgs
        gc.unfreeze()

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
            "disagreements": sum(decided[p] != floor_decides[p] for p in world.people),
        }

        # The whole command line on a generated alignment file.
        small = make_world(
            random.Random(SEED + 1),
            size.check_decisions,
            size.check_people,
            size.check_functions,
            size.check_people,
        )
        alignment = Path(tmp) / "alignment.yaml"
        write_alignment_file(small, alignment)
        data["check"] = time_check(alignment, runs)
        data["check"]["decisions"] = size.check_decisions
        data["check"]["parties"] = size.check_people

    data["lint_findings"] = len(report) if report is not None else 0
    data["agreement"] = agreement(answers, splits, workload, first, second, after, allowed)
    data.update(summarise(samples, splits, casbin_splits, size))
    return data


def accountable_of(world: World) -> list[tuple[str, str]]:
    return [(d, next(p for p, x in cells.items() if x == "A")) for d, cells in world.rows]


def agreement(
    answers: dict[str, list[bool]],
    splits: dict[str, list[Query]],
    workload: list[Query],
    first: Query,
    second: Query,
    after: Query,
    allowed: dict[str, frozenset[str]],
) -> dict[str, Any]:
    """alignkit's answers against the floor's and pycasbin's, query by query."""
    floor = answers["floor"]
    found: dict[str, Any] = {
        "queries": len(workload),
        "alignkit_vs_floor": disagreements(workload, answers["alignkit"], floor)[0],
        "alignkit_vs_casbin": disagreements(workload, answers["alignkit"], answers["casbin"])[0],
        "casbin_vs_floor": disagreements(workload, answers["casbin"], floor)[0],
        "examples": disagreements(workload, answers["alignkit"], answers["casbin"])[1],
    }
    timed_wrong = 0
    for split, queries in splits.items():
        timed_wrong += disagreements(
            queries, answers[f"{split}_alignkit"], run_floor(allowed, queries)
        )[0]
    for name in ("equal_org", "fresh_org"):
        queries = workload[: len(answers[name])]
        timed_wrong += disagreements(queries, answers[name], floor)[0]
    for name, (person, decision) in (
        ("first_call", first),
        ("second_call", second),
        ("first_call_after_delegations", after),
    ):
        right = person in allowed.get(decision, frozenset())
        timed_wrong += sum(answer != right for answer in answers[name])
    found["timed_answers_vs_floor"] = timed_wrong
    return found


def summarise(
    samples: dict[str, list[float]],
    splits: dict[str, list[Query]],
    casbin_splits: dict[str, list[Query]],
    size: Size,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        name: {**median_range(samples[name]), "samples_s": samples[name]}
        for name in (
            "load",
            "lint",
            "load_lint",
            "first_call",
            "second_call",
            "delegate_all",
            "first_call_after_delegations",
            "floor_table",
        )
    }
    counts = {split: len(queries) for split, queries in splits.items()}
    casbin_counts = {split: len(queries) for split, queries in casbin_splits.items()}
    rows: dict[str, dict[str, Any]] = {}
    per: dict[str, list[float]] = {}
    for split in (*splits, "all"):
        for name in ("alignkit", "floor", "floor_call", "casbin"):
            n_of = casbin_counts if name == "casbin" else counts
            if split == "all":
                times = [
                    sum(t) for t in zip(*(samples[f"{s}_{name}"] for s in splits), strict=True)
                ]
                n = sum(n_of.values())
            else:
                times, n = samples[f"{split}_{name}"], n_of[split]
            rows[f"{split}_{name}"] = figures(times, n)
            per[f"{split}_{name}"] = per_query(times, n)
    out["queries_same_org"] = rows
    ratios: dict[str, Any] = {}
    for split in (*splits, "all"):
        ratios[f"{split}_floor_vs_alignkit"] = ratio(
            per[f"{split}_alignkit"], per[f"{split}_floor"]
        )
        ratios[f"{split}_floor_call_vs_alignkit"] = ratio(
            per[f"{split}_alignkit"], per[f"{split}_floor_call"]
        )
        ratios[f"{split}_alignkit_vs_casbin"] = ratio(
            per[f"{split}_casbin"], per[f"{split}_alignkit"]
        )
    ratios["delegated_vs_other"] = ratio(per["delegated_alignkit"], per["other_alignkit"])
    ratios["delegated_vs_other_over_floor"] = median_range(
        [
            (a / b) / (c / d)
            for a, b, c, d in zip(
                per["delegated_alignkit"],
                per["delegated_floor"],
                per["other_alignkit"],
                per["other_floor"],
                strict=True,
            )
        ]
    )
    n_equal = size.other_org_queries
    out["equal_org"] = {
        "orgs": ORG_POOL,
        "alignkit": figures(samples["equal_org"], n_equal),
        "alignkit_same_org": figures(samples["equal_org_same"], n_equal),
        "floor": figures(samples["equal_org_floor"], n_equal),
    }
    out["fresh_org"] = {
        "alignkit": figures(samples["fresh_org"], size.fresh_orgs),
        "org_lookups_alone": figures(samples["fresh_org_lookups"], size.fresh_orgs),
    }
    equal = per_query(samples["equal_org"], n_equal)
    ratios["equal_org_vs_same_org"] = ratio(equal, per_query(samples["equal_org_same"], n_equal))
    ratios["floor_vs_equal_org"] = ratio(equal, per_query(samples["equal_org_floor"], n_equal))
    ratios["equal_org_vs_casbin"] = ratio(per["all_casbin"], equal)
    ratios["fresh_org_vs_lookups_alone"] = ratio(samples["fresh_org"], samples["fresh_org_lookups"])
    out["ratios"] = ratios
    out["targets"] = {
        "load_lint_s": TARGET_LOAD_LINT_S,
        "alignkit_vs_casbin_min": TARGET_VS_CASBIN,
        "floor_vs_alignkit_max": TARGET_FLOOR_RATIO,
        "delegated_vs_other_over_floor_max": 1.0,
    }
    out["met"] = {
        "load_lint": out["load_lint"]["median"] < TARGET_LOAD_LINT_S,
        "alignkit_vs_casbin": ratios["all_alignkit_vs_casbin"]["median"] >= TARGET_VS_CASBIN,
        "floor_vs_alignkit": ratios["all_floor_vs_alignkit"]["median"] <= TARGET_FLOOR_RATIO,
        "delegated_vs_other": ratios["delegated_vs_other_over_floor"]["median"] <= 1.0,
    }
    return out


# -- the report --------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def spread(figure: Mapping[str, float], spec: str, unit: str = "", scale: float = 1.0) -> str:
    """A median and its range: ``median (min-max)``."""
    low, high = f"{figure['min'] * scale:{spec}}", f"{figure['max'] * scale:{spec}}"
    return f"{figure['median'] * scale:{spec}}{unit} ({low}-{high})"


def report(data: dict[str, Any]) -> None:
    size, lent, queries = data["size"], data["delegations"], data["queries"]
    parties = size["people"] + size["functions"]
    total = sum(queries.values())
    print(
        f"Python {data['python']}; {size['decisions']:,} decisions x {parties:,} parties "
        f"({size['people']:,} people, {size['functions']} functions), "
        f"CSV {data['csv_bytes'] / 1e6:.1f} MB; {data['lint_findings']} lint findings"
    )
    print(
        f"{lent['grants']:,} delegations of {lent['decisions']:,} decisions "
        f"({lent['decisions'] / size['decisions']:.0%}): {lent['live']:,} live "
        f"({lent['open_ended']:,} open-ended), {lent['expired']:,} expired"
    )
    print(
        f"{total:,} queries at {data['at']}, {queries['delegated']:,} "
        f"({queries['delegated'] / total:.1%}) on delegated decisions; "
        f"{data['runs']} runs, interleaved"
    )
    print("each figure: median (min-max) over the runs; each ratio: of the same runs")
    print()
    print("load and lint, a fresh matrix each run          seconds")
    for key, label in (("load", "load (from_csv)"), ("lint", "lint"), ("load_lint", "load+lint")):
        print(f"  {label:<46} {spread(data[key], '.3f')}")
    print()
    print("first can_decide on a freshly loaded matrix     milliseconds")
    rows = (
        ("first_call", "first call (builds the index)"),
        ("second_call", "second call, another decision"),
        ("delegate_all", f"{lent['grants']:,} delegate() calls"),
        ("first_call_after_delegations", "first call after them"),
        ("floor_table", "for comparison: building the dict floor"),
    )
    for key, label in rows:
        print(f"  {label:<46} {spread(data[key], ',.3f', scale=1e3)}")
    print()
    table = data["queries_same_org"]
    print(f"the same org on every query {'':<19} {'us per query':<28} queries/s")
    labels = {
        "alignkit": "alignkit can_decide",
        "floor": "dict floor",
        "floor_call": "dict floor in a function",
        "casbin": "FastEnforcer",
    }
    for split, title in (("delegated", "delegated"), ("other", "other"), ("all", "all")):
        for name, label in labels.items():
            row = table[f"{split}_{name}"]
            head = f"{title} ({row['queries']:,})" if name in ("alignkit", "casbin") else ""
            print(
                f"  {head:<22} {label:<24} {spread(row['us_per_query'], '.3f'):<28} "
                f"{spread(row['per_s'], ',.0f')}"
            )
    print()
    equal, fresh = data["equal_org"], data["fresh_org"]
    print(f"an equal org in a new object on every query {'':<3} {'us per query':<28} queries/s")
    rows_equal = (
        (equal["alignkit"], f"orgs with their lookups built ({equal['orgs']} in turn)"),
        (equal["alignkit_same_org"], "the same queries, the same org"),
        (equal["floor"], "the same queries, dict floor"),
        (fresh["alignkit"], "orgs just loaded, one query each"),
        (fresh["org_lookups_alone"], "orgs just loaded, their own lookups alone"),
    )
    for row, label in rows_equal:
        print(
            f"  {label:<46} {spread(row['us_per_query'], ',.3f'):<28} "
            f"{spread(row['per_s'], ',.0f')}"
        )
    print()
    setup = data["casbin_setup"]
    print(
        f"FastEnforcer setup (add_policies): {setup['s']:.3f} s for {setup['policies']:,} p "
        f"and {setup['groupings']} g lines; every query once, untimed check: "
        f"{setup['every_query_s']:.1f} s"
    )
    explain = data["explain"]
    print(
        f"explain_party for each of {explain['people']:,} people, once: {explain['s']:.3f} s "
        f"({explain['s'] / explain['people'] * 1e3:.2f} ms each)"
    )
    check = data["check"]
    print(
        f"python -m alignkit check ({check['decisions']:,} decisions x {check['parties']} "
        f"parties, {check['bytes'] / 1e3:.0f} kB): {spread(check, '.3f')} s, "
        f"exit code {check['exit_code']}"
    )
    print()
    ratios, met, targets = data["ratios"], data["met"], data["targets"]
    print(
        f"load+lint: {spread(data['load_lint'], '.3f')} s "
        f"(target < {targets['load_lint_s']:g} s at the median: {verdict(met['load_lint'])})"
    )
    for split in ("delegated", "other", "all"):
        print(
            f"{split + ':':<10} dict floor / alignkit "
            f"{spread(ratios[f'{split}_floor_vs_alignkit'], '.1f', 'x')}, in a function "
            f"{spread(ratios[f'{split}_floor_call_vs_alignkit'], '.1f', 'x')}; "
            f"alignkit / FastEnforcer {spread(ratios[f'{split}_alignkit_vs_casbin'], ',.0f', 'x')}"
        )
    print(
        f"all queries: dict floor / alignkit at most {targets['floor_vs_alignkit_max']:g}x: "
        f"{verdict(met['floor_vs_alignkit'])}; alignkit / FastEnforcer at least "
        f"{targets['alignkit_vs_casbin_min']:g}x: {verdict(met['alignkit_vs_casbin'])}"
    )
    print(
        f"a delegated decision against another, per query: "
        f"{spread(ratios['delegated_vs_other'], '.2f', 'x')}; each over its floor: "
        f"{spread(ratios['delegated_vs_other_over_floor'], '.2f', 'x')} "
        f"(no more than an ordinary decision: {verdict(met['delegated_vs_other'])})"
    )
    print(
        f"an equal org in a new object / the same org: "
        f"{spread(ratios['equal_org_vs_same_org'], '.1f', 'x')}; dict floor / equal org: "
        f"{spread(ratios['floor_vs_equal_org'], ',.0f', 'x')}; equal org / FastEnforcer: "
        f"{spread(ratios['equal_org_vs_casbin'], '.1f', 'x')}"
    )
    print(
        f"an org just loaded / its own lookups alone: "
        f"{spread(ratios['fresh_org_vs_lookups_alone'], '.2f', 'x')}"
    )
    agreement = data["agreement"]
    print(
        f"disagreements on {agreement['queries']:,} queries: alignkit vs FastEnforcer "
        f"{agreement['alignkit_vs_casbin']}, FastEnforcer vs floor {agreement['casbin_vs_floor']}, "
        f"alignkit vs floor {agreement['alignkit_vs_floor']}; timed answers vs floor "
        f"{agreement['timed_answers_vs_floor']}; people whose explain_party(...).decides "
        f"differs from the floor {explain['disagreements']}"
    )
    for example in agreement["examples"]:
        print(
            f"  can_decide({example['person']!r}, {example['decision']!r}) is "
            f"{example['first']}, FastEnforcer says {example['second']}"
        )


def failed(data: dict[str, Any]) -> bool:
    agreement = data["agreement"]
    return bool(
        agreement["alignkit_vs_casbin"]
        or agreement["alignkit_vs_floor"]
        or agreement["timed_answers_vs_floor"]
        or data["explain"]["disagreements"]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, size=FULL, what="decisions")
    parser.add_argument(
        "--quick", action="store_const", dest="size", const=QUICK, help=f"--size {QUICK:,}"
    )
    parser.add_argument("--repeats", dest="runs", type=positive_int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--casbin-queries",
        type=positive_int,
        default=20_000,
        help="time pycasbin on the first N queries (default 20,000); "
        "it answers every query once, untimed, all the same",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if args.size < SMALLEST:
        parser.error(f"--size must be at least {SMALLEST}")
    if casbin is None:
        sys.exit("this benchmark needs pycasbin: pip install casbin")
    if not args.json:
        print(machine_line(), flush=True)
    data = measure(size_for(args.size), args.runs, args.casbin_queries)
    write_json(args.json_out, data)
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        report(data)
    if failed(data):
        sys.exit(1)


if __name__ == "__main__":
    main()
