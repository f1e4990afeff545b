"""The rules of handoffs: each code's documentation, used by the checks beside it."""

from __future__ import annotations

from typing import Final

from alignkit._rule import SALES_OPS, Rule
from alignkit.diagnostics import Severity

_HO_HEAD = SALES_OPS + "handoffs:\n  sending: Sales\n  receiving: Operations\n"


GATE_WITHOUT_CHECKS: Final = Rule(
    code="HO001",
    name="gate-without-checks",
    severity=Severity.ERROR,
    summary="A quality gate has no checks, so every package passes it.",
    what="Reports a gate with no preset and no checks, or whose `drop:` removes them all.",
    why="An empty gate looks like a control but lets any handoff through.",
    example=_HO_HEAD + "  gates:\n    - {name: enterprise}\n",
    use_instead=_HO_HEAD + "  gates:\n    - {name: enterprise, preset: minimum_viable}\n",
    fix="Start from `preset: minimum_viable` or list `checks:`",
    target="the gate's name",
)

UNKNOWN_ARTIFACT_KIND: Final = Rule(
    code="HO002",
    name="unknown-artifact-kind",
    severity=Severity.ERROR,
    summary="A gate checks for an artifact kind nobody declared.",
    what=(
        "Reports a check whose `kind:` is neither a built-in artifact kind "
        "(scoping_document, sow, success_plan, security_review, technical_design) "
        "nor listed under `artifact_kinds:`."
    ),
    why="A misspelt kind can never be satisfied, so every handoff is blocked.",
    example=_HO_HEAD
    + "  gates:\n    - name: enterprise\n      preset: minimum_viable\n"
    + "      checks: [{check: artifact_present, kind: securty_review}]\n",
    use_instead=_HO_HEAD
    + "  gates:\n    - name: enterprise\n      preset: minimum_viable\n"
    + "      checks: [{check: artifact_present, kind: security_review}]\n",
    fix="Fix the spelling, or declare the kind under `artifact_kinds:`",
    target="the gate's name",
)

OWNER_RULE_UNKNOWN_FUNCTION: Final = Rule(
    code="HO003",
    name="owner-rule-unknown-function",
    severity=Severity.ERROR,
    summary="The owner rule takes owners from a function that does not exist.",
    what="Reports an `owner_rule:` whose `function:` is not a function of the org.",
    why="No handoff would ever get an owner, and nobody would be measured on activation.",
    example=_HO_HEAD + "  owner_rule: {function: Sale}\n",
    use_instead=_HO_HEAD + "  owner_rule: {function: Sales}\n",
    fix="Name a function from `org.functions`",
    target="the function, as written in owner_rule",
)

UNKNOWN_HANDOFF_FUNCTION: Final = Rule(
    code="HO004",
    name="unknown-handoff-function",
    severity=Severity.ERROR,
    summary="The sending or receiving function does not exist.",
    what="Reports a `sending:` or `receiving:` that is not a function of the org.",
    why="Nobody could submit or accept a handoff.",
    example=_HO_HEAD.replace("receiving: Operations", "receiving: Ops"),
    use_instead=_HO_HEAD,
    fix="Name a function from `org.functions`",
    target="the function, as written in sending or receiving",
)

DROP_UNKNOWN_CHECK: Final = Rule(
    code="HO005",
    name="drop-unknown-check",
    severity=Severity.ERROR,
    summary="A gate drops a check its preset does not have.",
    what="Reports a name under `drop:` that is not a check of the gate's preset.",
    why="The check meant to be dropped still runs, and the gate is stricter than intended.",
    example=_HO_HEAD
    + "  gates:\n    - {name: light, preset: minimum_viable, drop: [signed-soww]}\n",
    use_instead=_HO_HEAD
    + "  gates:\n    - {name: light, preset: minimum_viable, drop: [signed-sow]}\n",
    fix="Use a check name of the preset: scoping-document, signed-sow, success-criteria, owner",
    target="the gate's name",
)

RULES: Final = (
    GATE_WITHOUT_CHECKS,
    UNKNOWN_ARTIFACT_KIND,
    OWNER_RULE_UNKNOWN_FUNCTION,
    UNKNOWN_HANDOFF_FUNCTION,
    DROP_UNKNOWN_CHECK,
)
"""Every HO code, in order."""
