"""The ``review:`` section: what the cross-team review looks at, and its post-mortems."""

from __future__ import annotations

from typing import Final, Literal

from pydantic import Field

from alignkit._spec import SpecModel, TupleOf
from alignkit.review._postmortem import PostMortem

__all__ = ["AGENDA_SOURCES", "AgendaSource", "ReviewSection"]

AgendaSource = Literal["decisions", "incentives", "handoffs", "findings"]
"""Where agenda items come from: the decision log, the incentive map, the handoff desk,
and the findings of ``alignkit check``."""

AGENDA_SOURCES: Final[tuple[AgendaSource, ...]] = (
    "decisions",
    "incentives",
    "handoffs",
    "findings",
)
"""Every source, in the order the section lists them by default."""


class ReviewSection(SpecModel):
    """The ``review`` section of an alignment file.

    >>> ReviewSection().handoff_open_days
    14.0

    Added in 0.2.
    """

    handoff_open_days: float = Field(
        default=14.0,
        description=(
            "A handoff still not accepted this many days after Closed-Won goes on the "
            "agenda (between 0 and 365)."
        ),
    )
    include: tuple[AgendaSource, ...] = Field(
        default=AGENDA_SOURCES,
        description="Which sources the agenda draws on: decisions, incentives, handoffs, findings.",
    )
    post_mortems: TupleOf[PostMortem] = Field(
        default=(), description="Blame-free post-mortems of deals whose handover went badly."
    )
