"""The rules of the cost of silos (``SC``): documentation beside the checks."""

from __future__ import annotations

from typing import Final

from alignkit._rule import SALES_OPS, Rule
from alignkit.diagnostics import Severity

__all__ = ["FUNCTION_WITHOUT_COST", "RULES", "SHARE_OUT_OF_RANGE", "UNKNOWN_ASSUMPTION"]

_HEAD = SALES_OPS + "silo_cost:\n  loaded_cost: {Sales: 120000, Operations: 95000}\n"

UNKNOWN_ASSUMPTION: Final = Rule(
    code="SC001",
    name="unknown-assumption",
    severity=Severity.ERROR,
    summary="An assumption override names no assumption of the catalogue.",
    what="Reports a key under `silo_cost: {assumptions: ...}` that is not an assumption's name.",
    why="The override changes nothing: the model keeps the catalogue's figure (a typo, usually).",
    example=_HEAD + "  assumptions: {handover_chrun: 0.1}\n",
    use_instead=_HEAD + "  assumptions: {handover_churn: 0.1}\n",
    fix="Use the name of an assumption (`alignkit cost FILE` lists them)",
    target="the override's name, as written",
)

FUNCTION_WITHOUT_COST: Final = Rule(
    code="SC002",
    name="function-without-cost",
    severity=Severity.WARNING,
    summary="A function with people has no loaded cost, so the cost of silos leaves it out.",
    what="Reports a function with people and no entry under `silo_cost: {loaded_cost: ...}`.",
    why="Its people's lost time is not counted: the cost of silos comes out too low.",
    example=SALES_OPS + "silo_cost:\n  loaded_cost: {Sales: 120000}\n",
    use_instead=_HEAD,
    fix="Add the function's yearly loaded cost per person",
    target="the function's name",
)

SHARE_OUT_OF_RANGE: Final = Rule(
    code="SC003",
    name="share-out-of-range",
    severity=Severity.ERROR,
    summary="An assumption that is a share is overridden with a value outside 0-1.",
    what="Reports an override of a share (a rate, such as `handover_churn`) below 0 or above 1.",
    why="A share of 15% is written 0.15: 15 would mean fifteen times the whole.",
    example=_HEAD + "  assumptions: {handover_churn: 15}\n",
    use_instead=_HEAD + "  assumptions: {handover_churn: 0.15}\n",
    fix="Write the share as a fraction: 0.15 for 15%",
    target="the assumption's name, as written",
)

RULES: Final = (UNKNOWN_ASSUMPTION, FUNCTION_WITHOUT_COST, SHARE_OUT_OF_RANGE)
"""Every SC code, in order."""
