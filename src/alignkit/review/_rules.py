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

RULES: Final = (POST_MORTEM_NAMES_A_PERSON,)
"""Every RV code, in order."""
