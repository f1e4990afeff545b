"""The ``decision_log:`` section: how long a proposal may wait, and whether to consult."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pydantic import Field

from alignkit._spec import NAME_PATTERN, SpecModel, TupleOf
from alignkit.diagnostics import Location
from alignkit.errors import Problem

if TYPE_CHECKING:
    from alignkit.decision_log._log import DecisionLog
    from alignkit.store import Store

__all__ = ["DecisionLogSection", "DecisionThresholds", "log_of"]


class DecisionThresholds(SpecModel):
    """Thresholds of one decision, overriding the section's.

    Added in 0.2.
    """

    id: str = Field(min_length=1, pattern=NAME_PATTERN, description="A decision id.")
    max_wait_days: float | None = Field(
        default=None,
        description="Days a proposal may wait for its decision before the review looks at it.",
    )


class DecisionLogSection(SpecModel):
    """The ``decision_log`` section of an alignment file.

    >>> section = DecisionLogSection(decisions=[{"id": "pricing-discount", "max_wait_days": 2}])
    >>> section.max_wait_for("pricing-discount"), section.max_wait_for("crm-tool")
    (2.0, 10.0)

    Added in 0.2.
    """

    require_consultation: bool = Field(
        default=True,
        description=(
            "Refuse a decision while a consulted party has not been heard or a party "
            "that must agree has not agreed."
        ),
    )
    max_wait_days: float = Field(
        default=10.0,
        description=(
            "Days a proposal may wait for its decision before the review agenda lists it "
            "(between 0 and 365)."
        ),
    )
    decisions: TupleOf[DecisionThresholds] = Field(
        default=(), description="Thresholds of single decisions, by decision id."
    )

    def _invariants(self) -> Iterator[Problem]:
        seen: set[str] = set()
        for index, own in enumerate(self.decisions):
            if own.id in seen:
                yield Problem(
                    f"Decision `{own.id}` has thresholds twice: keep one entry",
                    Location(path=("decisions", index, "id")),
                )
            seen.add(own.id)

    def max_wait_for(self, decision_id: str) -> float:
        """The days a proposal of ``decision_id`` may wait."""
        for own in self.decisions:
            if own.id == decision_id and own.max_wait_days is not None:
                return own.max_wait_days
        return self.max_wait_days


def log_of(file: Any, store: Store) -> DecisionLog | None:  # noqa: ANN401 - an AlignmentFile
    """The decision log of ``file`` kept in ``store``, as its sections set it up.

    Its decision rights, whether decisions require consultation (the ``decision_log``
    section), and its teams; ``None`` when the file declares no decision rights.
    """
    from alignkit.decision_log._log import DecisionLog

    rights = file.section("decision_rights")
    if rights is None:
        return None
    settings: DecisionLogSection | None = file.section("decision_log")
    return DecisionLog(
        rights,
        file.org,
        store=store,
        require_consultation=settings.require_consultation if settings else True,
        teams=file.section("teams") or (),
    )
