"""The decision log as an area of the alignment file: ``decision_log:``, ``DL`` codes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Final

from alignkit._suggest import suggest
from alignkit.areas import AlignmentView, Area
from alignkit.decision_log._rules import (
    DECISION_THRESHOLD_OUT_OF_RANGE,
    RULES,
    UNKNOWN_DECISION,
)
from alignkit.decision_log._section import DecisionLogSection
from alignkit.diagnostics import Diagnostic, PathPart

if TYPE_CHECKING:
    from alignkit.decision_rights import DecisionRights

__all__ = ["AREA", "MAX_DAYS", "check"]

MAX_DAYS: Final = 365.0
"""The longest a proposal may be set to wait, in days."""


def check(file: AlignmentView, options: None) -> Iterable[Diagnostic]:
    """``DL001`` and ``DL002`` on the file's ``decision_log`` section."""
    del options  # nothing to tune
    section: DecisionLogSection | None = file.section("decision_log")
    if section is None:
        return ()
    return _findings(section, file.section("decision_rights"))


def _findings(section: DecisionLogSection, rights: DecisionRights | None) -> Iterator[Diagnostic]:
    yield from _out_of_range(section.max_wait_days, ("decision_log", "max_wait_days"), None)
    known = [d.id for d in rights.decisions] if rights is not None else []
    ids = set(known)
    for index, thresholds in enumerate(section.decisions):
        decision_id = thresholds.id
        where: tuple[PathPart, ...] = ("decision_log", "decisions", index)
        if decision_id not in ids:
            close = suggest(decision_id, known)
            yield UNKNOWN_DECISION.diagnostic(
                f"`{decision_id}` is not a decision of `decision_rights`",
                path=(*where, "id"),
                target=decision_id,
                hint=f"Did you mean `{close}`?" if close else None,
            )
        if thresholds.max_wait_days is not None:
            yield from _out_of_range(
                thresholds.max_wait_days, (*where, "max_wait_days"), decision_id
            )


def _out_of_range(
    days: float, path: tuple[PathPart, ...], decision_id: str | None
) -> Iterator[Diagnostic]:
    if 0 < days <= MAX_DAYS:
        return
    of = f" of `{decision_id}`" if decision_id is not None else ""
    yield DECISION_THRESHOLD_OUT_OF_RANGE.diagnostic(
        f"`max_wait_days`{of} is {days:g}: a proposal's wait must be more than 0 and at "
        f"most {MAX_DAYS:g} days",
        path=path,
        target=decision_id or "max_wait_days",
    )


AREA: Final = Area(
    key="decision_log",
    prefix="DL",
    title="Decision log",
    module="alignkit.decision_log",
    section=DecisionLogSection,
    rules=RULES,
    check=check,
)
