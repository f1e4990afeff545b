"""The rules of the decision log (``DL``): documentation beside the checks."""

from __future__ import annotations

from typing import Final

from alignkit._rule import ORG_HEAD, Rule
from alignkit.diagnostics import Severity

_RIGHTS = (
    ORG_HEAD
    + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n"
    + "decision_rights:\n  decisions:\n"
    + "    - {id: approve-discount, accountable: Sales, responsible: [vp-sales]}\n"
)

UNKNOWN_DECISION: Final = Rule(
    code="DL001",
    name="unknown-decision",
    severity=Severity.ERROR,
    summary="The decision log sets thresholds for a decision the rights matrix does not have.",
    what=(
        "Reports a decision `id` under `decision_log: decisions:` that is not a decision "
        "of `decision_rights`."
    ),
    why=(
        "A threshold for a decision nobody can propose never applies: usually the id "
        "has a typo, or the decision was renamed in the matrix."
    ),
    example=_RIGHTS
    + "decision_log:\n  decisions:\n    - {id: approve-discounts, max_wait_days: 2}\n",
    use_instead=_RIGHTS
    + "decision_log:\n  decisions:\n    - {id: approve-discount, max_wait_days: 2}\n",
    fix="Use a decision id from `decision_rights`",
    target="the unknown decision id, as written",
)

DECISION_THRESHOLD_OUT_OF_RANGE: Final = Rule(
    code="DL002",
    name="decision-threshold-out-of-range",
    severity=Severity.ERROR,
    summary="A decision log threshold is not between 0 and 365 days.",
    what=(
        "Reports a `max_wait_days` of the decision log, or of one of its decisions, that "
        "is zero or less, or longer than a year."
    ),
    why=(
        "At zero every proposal is late the moment it is made, and past a year no "
        "stalled decision ever reaches the review."
    ),
    example=_RIGHTS + "decision_log:\n  max_wait_days: 400\n",
    use_instead=_RIGHTS + "decision_log:\n  max_wait_days: 10\n",
    fix="Set the days a proposal may wait before the review looks at it",
    target="max_wait_days as written, or the decision id of a decision's own threshold",
)

RULES: Final = (UNKNOWN_DECISION, DECISION_THRESHOLD_OUT_OF_RANGE)
"""Every DL code, in order."""
