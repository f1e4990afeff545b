"""The rules of bonus plans: each code's documentation, used by the checks beside it."""

from __future__ import annotations

from typing import Final

from alignkit._rule import SALES_OPS, Rule
from alignkit.diagnostics import Severity

_BN_HEAD = SALES_OPS


PLAN_WITHOUT_SHARED_OUTCOME: Final = Rule(
    code="BN001",
    name="plan-without-shared-outcome",
    severity=Severity.WARNING,
    summary="A bonus plan pays nothing on team or company outcomes.",
    what="Reports a plan whose team and company components weigh 0.",
    why=(
        "Paying only on individual targets buys silos: nobody has a stake in the "
        "handover, the shared customer, or the company."
    ),
    example=_BN_HEAD
    + "bonus_plans:\n  - {name: quota, preset: individual_only, functions: [Sales]}\n",
    use_instead=_BN_HEAD
    + "bonus_plans:\n  - {name: blended, preset: blended, functions: [Sales]}\n",
    fix="Blend in team and company components (the default is 40/30/20/10)",
    target="the plan's name",
)

PLAN_FOR_UNKNOWN_FUNCTION: Final = Rule(
    code="BN002",
    name="plan-for-unknown-function",
    severity=Severity.ERROR,
    summary="A bonus plan is assigned to a function that does not exist.",
    what="Reports a name under a plan's `functions:` that is not a function of the org.",
    why="Nobody is paid on the plan the team believes is in force.",
    example=_BN_HEAD + "bonus_plans:\n  - {name: blended, preset: blended, functions: [Sale]}\n",
    use_instead=_BN_HEAD
    + "bonus_plans:\n  - {name: blended, preset: blended, functions: [Sales]}\n",
    fix="Name a function from `org.functions`",
    target="the plan's name",
)

FUNCTION_ON_TWO_PLANS: Final = Rule(
    code="BN003",
    name="function-on-two-plans",
    severity=Severity.ERROR,
    summary="A function is assigned to more than one bonus plan.",
    what="Reports a function listed under the `functions:` of two plans.",
    why="Which plan pays is ambiguous, and payroll will pick one silently.",
    example=_BN_HEAD
    + "bonus_plans:\n  - {name: a, preset: blended, functions: [Sales]}\n"
    + "  - {name: b, preset: blended, functions: [Sales]}\n",
    use_instead=_BN_HEAD
    + "bonus_plans:\n  - {name: a, preset: blended, functions: [Sales]}\n"
    + "  - {name: b, preset: blended, functions: [Operations]}\n",
    fix="Assign each function to one plan",
    target="the function's name",
)

RULES: Final = (
    PLAN_WITHOUT_SHARED_OUTCOME,
    PLAN_FOR_UNKNOWN_FUNCTION,
    FUNCTION_ON_TWO_PLANS,
)
"""Every BN code, in order."""
