"""The rules of value streams (``VS``): documentation beside the checks."""

from __future__ import annotations

from typing import Final

from alignkit._rule import SALES_OPS, Rule
from alignkit.diagnostics import Severity

__all__ = [
    "FUTURE_STATE_WORSE",
    "NOT_CROSS_FUNCTIONAL",
    "RULES",
    "STEP_OF_UNKNOWN_FUNCTION",
    "WAIT_DOMINATES",
]

_HEAD = SALES_OPS + "value_streams:\n  streams:\n    - name: onboarding\n"
_CLOSE = "        - {name: Close, function: Sales, process_time: 1h, lead_time: 4h}\n"


def _kick_off(lead: str, function: str = "Operations") -> str:
    return (
        f"        - {{name: Kick-off, function: {function}, process_time: 2h, lead_time: {lead}}}\n"
    )


WAIT_SHARE: Final = 0.9
"""A step waiting longer than this share of its stream's lead time is reported (VS004)."""

STEP_OF_UNKNOWN_FUNCTION: Final = Rule(
    code="VS001",
    name="step-of-unknown-function",
    severity=Severity.ERROR,
    summary="A value stream step is owned by a function the org does not have.",
    what="Reports a step, of the current or the future state, whose `function` is not in `org`.",
    why=(
        "A step nobody in the org owns has no one to improve it, and its time is "
        "charged to no one: usually a typo or a renamed department."
    ),
    example=_HEAD + "      current:\n" + _CLOSE + _kick_off("1d", "Onboarding"),
    use_instead=_HEAD + "      current:\n" + _CLOSE + _kick_off("1d"),
    fix="Use the name of one of the org's functions",
    target="the unknown function name, as written",
)

NOT_CROSS_FUNCTIONAL: Final = Rule(
    code="VS002",
    name="not-cross-functional",
    severity=Severity.WARNING,
    summary="A value stream never changes function: it maps one department, not a flow.",
    what="Reports a stream whose current state has every step in the same function.",
    why=(
        "The waits worth finding are at the handovers between departments; a map of "
        "one department's steps cannot show them."
    ),
    example=_HEAD + "      current:\n" + _CLOSE + _kick_off("1d", "Sales"),
    use_instead=_HEAD + "      current:\n" + _CLOSE + _kick_off("1d"),
    fix="Map the steps before and after this department's, up to the customer",
    target="the stream's name, as written",
)

FUTURE_STATE_WORSE: Final = Rule(
    code="VS003",
    name="future-state-worse",
    severity=Severity.WARNING,
    summary="A stream's future state is worse than its current state on some metric.",
    what=(
        "Reports a stream whose future state has a longer lead, process or wait time, a "
        "lower activity ratio or rolled %C&A, or more handoffs, steps or wait at "
        "handoffs than its current state; the message lists them."
    ),
    why=(
        "A future state is the plan to improve the flow: one that makes a measure worse "
        "trades it away, and the trade should be a decision, not an accident."
    ),
    example=_HEAD
    + "      current:\n"
    + _CLOSE
    + _kick_off("1d")
    + "      future:\n"
    + _CLOSE
    + _kick_off("2d"),
    use_instead=_HEAD
    + "      current:\n"
    + _CLOSE
    + _kick_off("2d")
    + "      future:\n"
    + _CLOSE
    + _kick_off("1d"),
    fix="Improve the future state on that metric, or record why the trade is worth it",
    target="the stream's name, as written",
)

WAIT_DOMINATES: Final = Rule(
    code="VS004",
    name="wait-dominates-lead-time",
    severity=Severity.WARNING,
    summary="One step's wait is more than 90% of its stream's lead time.",
    what=(
        "Reports a step, of the current or the future state, whose wait (lead time less "
        "process time) is more than 90% of the stream's total lead time."
    ),
    why=(
        "Nearly all of the stream's time is spent queueing in one place: that wait is "
        "the constraint to attack first, before any step is made faster."
    ),
    example=_HEAD + "      current:\n" + _CLOSE + _kick_off("2w"),
    use_instead=_HEAD + "      current:\n" + _CLOSE + _kick_off("1d"),
    fix="Cut the wait before this step: a trigger instead of a queue, capacity, or a handoff gate",
    target="the step's name, as written",
)

RULES: Final = (STEP_OF_UNKNOWN_FUNCTION, NOT_CROSS_FUNCTIONAL, FUTURE_STATE_WORSE, WAIT_DOMINATES)
"""Every VS code, in order."""
