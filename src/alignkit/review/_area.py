"""The cross-team review as an area of the alignment file: ``review:``, ``RV`` codes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Final

from alignkit._areas_common import under
from alignkit.areas import AlignmentView, Area
from alignkit.diagnostics import Diagnostic
from alignkit.review._rules import REVIEW_THRESHOLD_OUT_OF_RANGE, RULES
from alignkit.review._section import ReviewSection

__all__ = ["AREA", "MAX_DAYS", "check"]

MAX_DAYS: Final = 365.0
"""The longest threshold a review may set, in days."""


def check(file: AlignmentView, options: None) -> Iterable[Diagnostic]:
    """``RV001`` on the post-mortems kept in the file, ``RV002`` on its thresholds."""
    del options  # nothing to tune
    section: ReviewSection | None = file.section("review")
    if section is None:
        return ()
    return _findings(section, file)


def _findings(section: ReviewSection, file: AlignmentView) -> Iterator[Diagnostic]:
    days = section.handoff_open_days
    if not 0 < days <= MAX_DAYS:
        yield REVIEW_THRESHOLD_OUT_OF_RANGE.diagnostic(
            f"`handoff_open_days` is {days:g}: a review threshold must be more than 0 "
            f"and at most {MAX_DAYS:g} days",
            path=("review", "handoff_open_days"),
            target="handoff_open_days",
        )
    for index, post_mortem in enumerate(section.post_mortems):
        yield from under(post_mortem.check(file.org), "review", "post_mortems", index)


AREA: Final = Area(
    key="review",
    prefix="RV",
    title="Cross-team review",
    module="alignkit.review",
    section=ReviewSection,
    rules=RULES,
    check=check,
    commands="review = alignkit.review._cli:review",
)
