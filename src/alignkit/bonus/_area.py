"""Bonus plans as an area of the alignment file: ``bonus_plans:``, ``BN`` codes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

from alignkit.areas import AlignmentView, Area
from alignkit.bonus._plan import BonusPlan
from alignkit.bonus._rules import (
    FUNCTION_ON_TWO_PLANS,
    PLAN_FOR_UNKNOWN_FUNCTION,
    PLAN_WITHOUT_SHARED_OUTCOME,
    RULES,
)
from alignkit.bonus._section import BonusPlanSpec
from alignkit.diagnostics import Diagnostic

__all__ = ["AREA", "assign_plans", "check"]


def assign_plans(specs: Sequence[BonusPlanSpec], org: object = None) -> dict[str, BonusPlan]:
    """The plan each function is paid on, by function, as the file assigns them.

    A function on two plans keeps the first (``BN003`` reports the second); with an
    org, names that are not its functions are left out (``BN002``).

    >>> spec = BonusPlanSpec(name="quota", preset="individual_only", functions=["Sales"])
    >>> {function: plan.name for function, plan in assign_plans([spec]).items()}
    {'Sales': 'quota'}

    Added in 0.1.
    """
    assigned: dict[str, BonusPlan] = {}
    for spec in specs:
        plan = spec.build()
        for function in spec.functions:
            unknown = org is not None and org.get_function(function) is None  # type: ignore[attr-defined]
            if not unknown:
                assigned.setdefault(function, plan)
    return assigned


def check(file: AlignmentView, options: None) -> Iterable[Diagnostic]:
    """``BN001``-``BN003`` on the file's bonus plans."""
    del options  # nothing to tune
    specs: Sequence[BonusPlanSpec] = file.section("bonus_plans") or ()
    assigned: dict[str, BonusPlan] = {}
    for p, spec in enumerate(specs):
        plan = spec.build()
        if plan.shared_outcome_share == 0:
            yield PLAN_WITHOUT_SHARED_OUTCOME.diagnostic(
                f"Plan `{plan.name}` pays nothing on team or company outcomes",
                path=("bonus_plans", p),
                target=plan.name,
            )
        for f, function in enumerate(spec.functions):
            where = ("bonus_plans", p, "functions", f)
            if file.org.get_function(function) is None:
                yield PLAN_FOR_UNKNOWN_FUNCTION.diagnostic(
                    f"Plan `{plan.name}` is assigned to `{function}`, which is not a function",
                    path=where,
                    target=plan.name,
                )
            elif function in assigned:
                yield FUNCTION_ON_TWO_PLANS.diagnostic(
                    f"`{function}` is on plan `{assigned[function].name}` and on `{plan.name}`",
                    path=where,
                    target=function,
                )
            else:
                assigned[function] = plan


AREA: Final = Area(
    key="bonus_plans",
    prefix="BN",
    title="Bonus plans",
    module="alignkit.bonus",
    section=BonusPlanSpec,
    rules=RULES,
    check=check,
    commands="bonus = alignkit.bonus._cli:bonus",
    many=True,
)
