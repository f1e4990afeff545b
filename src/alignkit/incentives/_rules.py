"""The rules of incentives: each code's documentation, used by the checks beside it."""

from __future__ import annotations

from typing import Final

from alignkit._rule import SALES_OPS, Rule
from alignkit.diagnostics import Severity

INCENTIVE_CONFLICT: Final = Rule(
    code="IN001",
    name="incentive-conflict",
    severity=Severity.WARNING,
    summary="Two functions are paid on opposed metrics and share none.",
    what=(
        "Builds the incentive map from the plans assigned to functions and reports each "
        "pair paid on metrics in tension (bookings vs delivery margin, pipeline volume "
        "vs lead quality, uptime vs release speed, or your own) with no metric in common."
    ),
    why=(
        "Each side is rewarded for what hurts the other; without a shared metric, every "
        "disagreement escalates."
    ),
    example=SALES_OPS
    + "bonus_plans:\n"
    + "  - {name: sales, preset: individual_only, metrics: {individual: bookings}, "
    + "functions: [Sales]}\n"
    + "  - {name: ops, preset: individual_only, metrics: {individual: delivery_margin}, "
    + "functions: [Operations]}\n",
    use_instead=SALES_OPS
    + "bonus_plans:\n"
    + "  - {name: sales, preset: blended, metrics: {individual: bookings, company: nrr}, "
    + "functions: [Sales]}\n"
    + "  - {name: ops, preset: blended, "
    + "metrics: {individual: delivery_margin, company: nrr}, functions: [Operations]}\n",
    fix="Pay both on a shared outcome (a team or company metric)",
    target="the two functions, as Sales/Operations, in bonus_plans order",
    options="Tensions are listed under `incentives.tensions`.",
)

RULES: Final = (INCENTIVE_CONFLICT,)
"""Every IN code, in order."""
