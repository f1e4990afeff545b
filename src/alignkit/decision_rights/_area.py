"""Decision rights as an area of the alignment file: ``decision_rights:``, ``DR`` codes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from pydantic import Field

from alignkit._areas_common import under
from alignkit._spec import SpecModel, TupleOf
from alignkit.areas import AlignmentView, Area
from alignkit.decision_rights._matrix import DecisionRights
from alignkit.decision_rights._rules import RULES
from alignkit.diagnostics import Diagnostic

__all__ = ["AREA", "DecisionRightsLint", "check"]


class DecisionRightsLint(SpecModel):
    """Thresholds of the decision-rights rules, set under ``lint: decision_rights:``.

    >>> DecisionRightsLint(max_consulted=8).max_accountable_share
    0.25

    Added in 0.1.
    """

    max_consulted: int = Field(
        default=5, ge=1, description="More consulted parties than this slow a decision (DR004)."
    )
    max_accountable_share: float = Field(
        default=0.25,
        gt=0,
        le=1,
        description="A decider holding more than this share of all decisions is a "
        "bottleneck (DR005).",
    )
    bottleneck_min_decisions: int = Field(
        default=8, ge=1, description="DR005 looks for bottlenecks from this many decisions on."
    )
    max_vetoes: int = Field(
        default=5, ge=0, description="A party with a veto on more decisions is flagged (DR008)."
    )
    strategic_scopes: TupleOf[str] = Field(
        default=("strategic",),
        description="Scopes where a decision taken at the top is expected (DR007).",
    )


def check(file: AlignmentView, options: DecisionRightsLint) -> Iterable[Diagnostic]:
    """``DR001``-``DR012`` on the file's matrix; team names are valid parties."""
    rights: DecisionRights | None = file.section("decision_rights")
    if rights is None:
        return []
    teams = file.section("teams") or ()
    found = rights.lint(
        file.org,
        max_consulted=options.max_consulted,
        max_accountable_share=options.max_accountable_share,
        bottleneck_min_decisions=options.bottleneck_min_decisions,
        max_vetoes=options.max_vetoes,
        extra_parties=[team.name for team in teams],
        strategic_scopes=options.strategic_scopes,
    )
    # DR006 points into the org; everything else into the section.
    inside = [d for d in found if d.location is None or d.location.section != "org"]
    outside = [d for d in found if d.location is not None and d.location.section == "org"]
    return [*under(inside, "decision_rights"), *outside]


AREA: Final = Area(
    key="decision_rights",
    prefix="DR",
    title="Decision rights",
    module="alignkit.decision_rights",
    section=DecisionRights,
    rules=RULES,
    check=check,
    options=DecisionRightsLint,
    commands="rights = alignkit.decision_rights._cli:rights",
)
