"""Incentives as an area of the alignment file: ``incentives:``, ``IN`` codes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

from alignkit.areas import AlignmentView, Area
from alignkit.bonus import BonusPlanSpec, assign_plans
from alignkit.diagnostics import Diagnostic, Location
from alignkit.incentives._model import (
    DEFAULT_TENSIONS,
    IncentiveMap,
    IncentivesSection,
    conflict_diagnostics,
)
from alignkit.incentives._rules import RULES

__all__ = ["AREA", "check", "incentive_map"]


def incentive_map(file: AlignmentView) -> IncentiveMap:
    """The incentive map of a file: each function's plan, and the tensions it declares."""
    specs: Sequence[BonusPlanSpec] = file.section("bonus_plans") or ()
    section: IncentivesSection | None = file.section("incentives")
    tensions = section.all_tensions() if section is not None else DEFAULT_TENSIONS
    return IncentiveMap.from_plans(assign_plans(specs, file.org), tensions)


def check(file: AlignmentView, options: None) -> Iterable[Diagnostic]:
    """``IN001``: functions paid on metrics in tension, with none in common."""
    del options  # nothing to tune
    section: IncentivesSection | None = file.section("incentives")
    incentives = incentive_map(file)
    where = Location(path=("incentives" if section is not None else "bonus_plans",))
    return [finding.with_location(where) for finding in conflict_diagnostics(incentives)]


AREA: Final = Area(
    key="incentives",
    prefix="IN",
    title="Incentives",
    module="alignkit.incentives",
    section=IncentivesSection,
    rules=RULES,
    check=check,
)
