"""The rules of the cross-team review (``RV``): documentation beside the checks."""

from __future__ import annotations

from typing import Final

from alignkit._rule import ORG_HEAD, Rule
from alignkit.diagnostics import Severity

POST_MORTEM_NAMES_A_PERSON: Final = Rule(
    code="RV001",
    name="post-mortem-names-a-person",
    severity=Severity.ERROR,
    summary="A post-mortem names someone in the organisation.",
    what=(
        "Reports a post-mortem's assumption or proposed change that names a person of "
        "the org: by id, by full name, or by a first or last name written with a capital."
    ),
    why=(
        "Post-mortems are blame-free so that people say what went wrong. A name turns "
        "the review into a search for fault, and the next one into silence."
    ),
    example=ORG_HEAD
    + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n"
    + "review:\n  post_mortems:\n"
    + "    - deal_id: D-1042\n      friction:\n"
    + "        - {category: timeline, assumption: Sam Okafor promised go-live in May}\n",
    use_instead=ORG_HEAD
    + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n"
    + "review:\n  post_mortems:\n"
    + "    - deal_id: D-1042\n      friction:\n"
    + "        - {category: timeline, assumption: Go-live date promised before scoping,\n"
    + "           change: Add a scoped go-live date to the SOW template}\n",
    fix="Describe the assumption, not the person who made it",
    target="the deal id of the post-mortem",
)

REVIEW_THRESHOLD_OUT_OF_RANGE: Final = Rule(
    code="RV002",
    name="review-threshold-out-of-range",
    severity=Severity.ERROR,
    summary="A review threshold is not between 0 and 365 days.",
    what=(
        "Reports a `review:` threshold (`handoff_open_days`) that is zero or less, or "
        "longer than a year."
    ),
    why=(
        "At zero every open handoff crowds the agenda, and past a year nothing ever "
        "reaches it: either way the review stops surfacing conflicts early."
    ),
    example=ORG_HEAD + "review:\n  handoff_open_days: 0\n",
    use_instead=ORG_HEAD + "review:\n  handoff_open_days: 14\n",
    fix="Set the threshold to the days after which the review should look",
    target="the threshold's name, as written",
)

RULES: Final = (POST_MORTEM_NAMES_A_PERSON, REVIEW_THRESHOLD_OUT_OF_RANGE)
"""Every RV code, in order."""
