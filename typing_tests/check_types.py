"""Static checks of alignkit's annotations: run `mypy --strict typing_tests`."""

from __future__ import annotations

from typing import assert_type

from alignkit.alignment_file import AlignmentFile, loads
from alignkit.diagnostics import Diagnostic, Location, Report, Severity
from alignkit.errors import Problem, SpecError
from alignkit.org import Function, Org, Person
from alignkit.rules import RULES, Rule

person = Person("ae-1", "Lee Park", "Sales", "vp-sales")
assert_type(person.manager, str | None)
org = Org(people=[person], functions=[Function("Sales", "vp-sales")])
assert_type(org.person("ae-1"), Person)
assert_type(org.get_person("x"), Person | None)
assert_type(org.head("Sales"), Person | None)
assert_type(org.manager_chain("ae-1"), tuple[Person, ...])
assert_type(org.lowest_common_manager("a", "b"), Person | None)
assert_type(org.lint(), Report)

report = org.lint()
assert_type(report.ok, bool)
assert_type(report.errors, tuple[Diagnostic, ...])
assert_type(report.exit_code(strict=True), int)
for finding in report:
    assert_type(finding, Diagnostic)
    assert_type(finding.severity, Severity)
    assert_type(finding.location, Location | None)

file = loads("version: 1\norg: {}\n")
assert_type(file, AlignmentFile)
assert_type(file.check(), Report)
assert_type(RULES["ORG001"], Rule)

try:
    Person("", "", "")
except SpecError as error:
    assert_type(error.problems, list[Problem])

# alignkit.bonus: exact payouts, and a plan spec whose mapping field is read-only.
from collections.abc import Iterator, Mapping  # noqa: E402
from decimal import Decimal  # noqa: E402
from io import StringIO  # noqa: E402

from alignkit.bonus import (  # noqa: E402
    MINOR_UNITS,
    Allocation,
    BonusPlan,
    BonusPlanSpec,
    Payout,
    PayoutArrays,
    PayoutRow,
    PayoutSummary,
    allocate,
    compute_payouts_csv,
    read_scores_csv,
    scale_to_pool,
    to_decimal,
)

plan = BonusPlan.blended()
paid = plan.payout(10_000, {"individual": 1, "team": 1, "company": 1, "silo_buster": 1})
assert_type(paid, Payout)
assert_type(paid.total, Decimal)
assert_type(plan.payouts([]), Iterator[Payout])
assert_type(plan.payout_arrays([1.0], {"individual": [1.0]}), PayoutArrays)
assert_type(scale_to_pool([paid], 5_000), list[Payout])
assert_type(read_scores_csv(StringIO(), plan), Iterator[PayoutRow])
assert_type(compute_payouts_csv(StringIO(), plan, StringIO()), PayoutSummary)
assert_type(allocate(100, [], org), Allocation)
assert_type(to_decimal("40%"), Decimal)
assert_type(MINOR_UNITS["USD"], int)
bonus_spec = BonusPlanSpec(name="blended", preset="blended", metrics={"team": "nrr"})
assert_type(bonus_spec.metrics, Mapping[str, str])
assert_type(bonus_spec.build(), BonusPlan)

# -- decision rights: explanations --------------------------------------------------------

import datetime as dt  # noqa: E402

from alignkit.decision_rights import (  # noqa: E402
    Authority,
    DecisionExplanation,
    DecisionRights,
    Delegation,
    Involvement,
    PartyExplanation,
    RoleHolders,
)
from alignkit.squads import Member, Team  # noqa: E402

rights = DecisionRights.from_table({"approve-discount": {"Sales": "A", "ae-1": "R"}})
assert_type(rights.owners.get("pricing"), str | None)
explained = rights.explain_decision("approve-discount", org, at=dt.datetime.now(dt.UTC))
assert_type(explained, DecisionExplanation)
assert_type(explained.deciders, frozenset[str])
assert_type(explained.consulted, RoleHolders)
assert_type(explained.delegations, tuple[Delegation, ...])
team = Team("deal-desk", "pod", "Close deals", [Member("ae-1", "Sales")], "ae-1")
party = rights.explain_party("ae-1", org, teams=[team])
assert_type(party, PartyExplanation)
assert_type(party.decides, frozenset[str])
for involved in party.decisions:
    assert_type(involved, Involvement)
    assert_type(involved.authority, Authority | None)
    assert_type(involved.decides, bool)

# alignkit.errors.GateBlocked: the gate's result is typed, though errors imports no area.
# alignkit.handoff and alignkit.store: hashable deal events, stream categories.
import datetime as dt  # noqa: E402
from collections.abc import Mapping, Sequence  # noqa: E402
from typing import Any  # noqa: E402

from alignkit.errors import FailedCheck, GateBlocked, GateVerdict  # noqa: E402
from alignkit.handoff import DealEvent, GateResult, HandoffDesk, HandoffPackage  # noqa: E402
from alignkit.store import MemoryStore, StoredEvent  # noqa: E402

handoff_desk = HandoffDesk(org, sending="Sales", receiving="Sales")
handoff_at = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
deal_event = DealEvent("e1", "D-1", "Closed-Won", handoff_at, {"owner": "ae-1"})
assert_type(deal_event.payload, Mapping[str, Any])
assert_type(hash(deal_event), int)
assert_type(handoff_desk.gate_result("D-1"), GateResult | None)
try:
    handoff_desk.accept("D-1", "ae-1", handoff_at)
except GateBlocked as blocked:
    assert_type(blocked.result, GateVerdict | None)
    if blocked.result is not None:
        assert_type(blocked.result.passed, bool)
        assert_type(blocked.result.failures, Sequence[FailedCheck])
        assert_type([failure.fix for failure in blocked.result.failures], list[str])
gate_verdict: GateVerdict = handoff_desk.gate.evaluate(
    HandoffPackage("D-1", "Acme", "Sales", "Sales", owner="ae-1")
)
event_store = MemoryStore()
assert_type(event_store.read_all(category="decision"), list[StoredEvent])
assert_type(event_store.read_all()[0].category, str)
