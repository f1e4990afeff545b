"""The rules of teams: each code's documentation, used by the checks beside it."""

from __future__ import annotations

from typing import Final

from alignkit._rule import Rule
from alignkit.diagnostics import Severity

_SQ_HEAD = """\
version: 1
org:
  functions:
    - {name: Sales, head: vp-sales}
    - {name: Operations, head: vp-ops}
    - {name: Support, head: head-support}
  people:
    - {id: vp-sales, name: Sam Okafor, function: Sales}
    - {id: ae-1, name: Lee Park, function: Sales, manager: vp-sales}
    - {id: vp-ops, name: Priya Nair, function: Operations}
    - {id: onb-1, name: Ana Ruiz, function: Operations, manager: vp-ops}
    - {id: head-support, name: Tariq Aziz, function: Support}
    - {id: csm-1, name: Owen Price, function: Support, manager: head-support}
"""

_MISSION = "Reduce new-customer churn in the first 90 days"


def _team(
    members: str, *, model: str = "pod", leader: str = "ae-1", mission: str = _MISSION
) -> str:
    return (
        _SQ_HEAD
        + "teams:\n  - name: activation-pod\n"
        + f"    model: {model}\n    mission: {mission}\n    leader: {leader}\n"
        + f"    members: [{members}]\n"
    )


_POD3 = (
    "{id: ae-1, function: Sales}, {id: onb-1, function: Operations}, {id: csm-1, function: Support}"
)


TEAM_SIZE_OUT_OF_BAND: Final = Rule(
    code="SQ001",
    name="team-size-out-of-band",
    severity=Severity.ERROR,
    summary="A team has more or fewer members than its model allows.",
    what=(
        "Reports a team whose member count is outside its model's band "
        "(pod 3-5, squad 6-10, tribe 10-15)."
    ),
    why=(
        "Too small and the team lacks the skills to own an outcome; "
        "too big and it stops deciding fast."
    ),
    example=_team("{id: ae-1, function: Sales}, {id: onb-1, function: Operations}"),
    use_instead=_team(_POD3),
    fix="Add or move people, or pick the model that fits",
    target="the team's name",
)

TOO_FEW_FUNCTIONS: Final = Rule(
    code="SQ002",
    name="too-few-functions",
    severity=Severity.ERROR,
    summary="A team is not cross-functional enough for its model.",
    what="Reports a pod spanning fewer than 2 functions, or a squad or tribe fewer than 3.",
    why="A team of one function is a silo with a new name.",
    example=_team(
        "{id: ae-1, function: Sales}, {id: vp-sales, function: Sales}, {id: ae-2, function: Sales}"
    ),
    use_instead=_team(_POD3),
    fix="Bring in people from the functions the outcome depends on",
    target="the team's name",
)

LEADER_NOT_MEMBER: Final = Rule(
    code="SQ003",
    name="leader-not-member",
    severity=Severity.ERROR,
    summary="A team has no leader, or its leader is not a member.",
    what="Reports a team without `leader:`, or whose leader is not among its members.",
    why="Someone on the team must own its outcome day to day.",
    example=_team(_POD3, leader="vp-sales"),
    use_instead=_team(_POD3),
    fix="Name a member as `leader:`",
    target="the team's name",
)

OVER_ALLOCATED_MEMBER: Final = Rule(
    code="SQ004",
    name="over-allocated-member",
    severity=Severity.ERROR,
    summary="Someone is allocated more than 100% across teams.",
    what="Adds up each person's `allocation:` across every team and reports anyone above 1.",
    why="Nobody can give two teams their full time; one of them is planning on a fiction.",
    example=_team(_POD3)
    + "  - name: renewals-pod\n    model: pod\n    mission: Raise renewal rate to 95%\n"
    + "    leader: vp-sales\n    members: [{id: vp-sales, function: Sales}, "
    + "{id: onb-1, function: Operations}, {id: csm-1, function: Support}]\n",
    use_instead=_team(
        _POD3.replace("Operations}", "Operations, allocation: 0.5}").replace(
            "Support}", "Support, allocation: 0.5}"
        )
    )
    + "  - name: renewals-pod\n    model: pod\n    mission: Raise renewal rate to 95%\n"
    + "    leader: vp-sales\n    members: [{id: vp-sales, function: Sales}, "
    + "{id: onb-1, function: Operations, allocation: 0.5}, "
    + "{id: csm-1, function: Support, allocation: 0.5}]\n",
    fix="Split the person's time with `allocation:` so it adds up to at most 1",
    target="the person's id",
)

DECISION_OUTSIDE_AUTONOMY: Final = Rule(
    code="SQ005",
    name="decision-outside-autonomy",
    severity=Severity.ERROR,
    summary="A team is accountable for a decision beyond its autonomy.",
    what=(
        "Reports a team accountable (in `decision_rights`) for a decision whose `scope` "
        "its model's autonomy does not cover: limited covers team decisions; moderate "
        "adds account commitments; high adds pricing and scope."
    ),
    why="A pod deciding prices is either not a pod or not really deciding.",
    example=_team(_POD3)
    + "decision_rights:\n  decisions:\n    - {id: set-discount, scope: pricing, "
    + "accountable: activation-pod, responsible: [ae-1]}\n",
    use_instead=_team(_POD3)
    + "decision_rights:\n  decisions:\n    - {id: set-discount, scope: pricing, "
    + "accountable: Sales, responsible: [activation-pod]}\n",
    fix="Give the decision to a team with more autonomy, or to its function",
    target="the team's name",
    options="The scopes of each autonomy level: `AUTONOMY_SCOPES`, or `scopes:` on a model.",
)

FUNCTION_DOMINATES_TEAM: Final = Rule(
    code="SQ006",
    name="function-dominates-team",
    severity=Severity.WARNING,
    summary="One function holds more than half the seats.",
    what="Reports a team in which a single function has more than half the members.",
    why="The team will see the customer through that function's eyes.",
    example=_team(
        "{id: ae-1, function: Sales}, {id: vp-sales, function: Sales}, "
        "{id: ae-2, function: Sales}, {id: onb-1, function: Operations}"
    ),
    use_instead=_team(_POD3),
    fix="Rebalance the team across functions",
    target="the team's name",
)

MISSION_WITHOUT_OUTCOME: Final = Rule(
    code="SQ007",
    name="mission-without-outcome",
    severity=Severity.WARNING,
    summary="A team's mission names a task, not a measurable customer outcome.",
    what=(
        "Reports a mission without an outcome verb (reduce, increase, improve, retain ...), "
        "a customer word (customer, churn, activation, onboarding ...) and something "
        "measurable (a number, a time span, a rate, or a `metric:` on the team)."
    ),
    why="A team chartered to build the integration stops when it ships; one chartered to "
    "reduce churn keeps going until customers stay.",
    example=_team(_POD3, mission="Build the integration"),
    use_instead=_team(_POD3),
    fix="State the customer outcome and how it is measured",
    target="the team's name",
    options="Pass your own `mission_check` to `Team.check` or `check_teams`.",
)

MEMBER_NOT_IN_ORG: Final = Rule(
    code="SQ008",
    name="member-not-in-org",
    severity=Severity.ERROR,
    summary="A team member is not in the org.",
    what="Reports a member whose `id:` is not a person of the org.",
    why="Nobody will turn up for that seat.",
    example=_team(_POD3.replace("csm-1", "csm-2")),
    use_instead=_team(_POD3),
    fix="Use a person id from `org.people`",
    target="the member's id, as written",
)

MEMBER_FUNCTION_MISMATCH: Final = Rule(
    code="SQ009",
    name="member-function-mismatch",
    severity=Severity.WARNING,
    summary="A member's function in the team differs from the org's.",
    what="Reports a member listed under another function than the org gives them.",
    why="The team's cross-functional balance is computed from the wrong data.",
    example=_team(_POD3.replace("{id: csm-1, function: Support}", "{id: csm-1, function: Sales}")),
    use_instead=_team(_POD3),
    fix="Use the function the org gives the person",
    target="the member's id",
)

RULES: Final = (
    TEAM_SIZE_OUT_OF_BAND,
    TOO_FEW_FUNCTIONS,
    LEADER_NOT_MEMBER,
    OVER_ALLOCATED_MEMBER,
    DECISION_OUTSIDE_AUTONOMY,
    FUNCTION_DOMINATES_TEAM,
    MISSION_WITHOUT_OUTCOME,
    MEMBER_NOT_IN_ORG,
    MEMBER_FUNCTION_MISMATCH,
)
"""Every SQ code, in order."""
