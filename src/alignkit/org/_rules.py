"""The rules of the organisation: each code's documentation, used by the checks beside it."""

from __future__ import annotations

from typing import Final

from alignkit._rule import ORG_HEAD, Rule
from alignkit.diagnostics import Severity

UNKNOWN_MANAGER: Final = Rule(
    code="ORG001",
    name="unknown-manager",
    severity=Severity.ERROR,
    summary="A person reports to someone who is not in the org.",
    what="Reports a person whose `manager:` is not the id of anyone in the org.",
    why=(
        "Escalation follows reporting lines. "
        "A broken line means a disagreement has no one to settle it."
    ),
    example=ORG_HEAD + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ce0}\n",
    use_instead=ORG_HEAD
    + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
    fix="Use the id of someone in `org.people`, or leave `manager:` out at the top",
    target="the person's id",
)

REPORTING_CYCLE: Final = Rule(
    code="ORG002",
    name="reporting-cycle",
    severity=Severity.ERROR,
    summary="Reporting lines go round in a circle.",
    what=(
        "Reports each cycle of `manager:` links once, listing the people in it "
        "(the first 10 of a longer cycle, and how many more)."
    ),
    why=(
        "In a cycle nobody is at the top, so an escalation would go round forever "
        "instead of reaching someone who can decide."
    ),
    example=ORG_HEAD.replace("function: Executive}", "function: Executive, manager: vp-sales}")
    + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
    use_instead=ORG_HEAD
    + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
    fix="Break the cycle: the top of the org has no manager",
    target="the id of the cycle's first person in the file",
)

DUPLICATE_PERSON_ID: Final = Rule(
    code="ORG003",
    name="duplicate-person-id",
    severity=Severity.ERROR,
    summary="Two people share an id.",
    what="Reports every declaration of a person id after the first.",
    why=(
        "Every other section names people by id; "
        "with two people behind one id, decisions and bonuses reach the wrong one."
    ),
    example=ORG_HEAD
    + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n"
    + "    - {id: vp-sales, name: Sam Ortiz, function: Sales, manager: ceo}\n",
    use_instead=ORG_HEAD
    + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n"
    + "    - {id: sam-ortiz, name: Sam Ortiz, function: Sales, manager: vp-sales}\n",
    fix="Give each person a unique id",
    target="the duplicated person id",
)

UNKNOWN_HEAD: Final = Rule(
    code="ORG004",
    name="unknown-head",
    severity=Severity.ERROR,
    summary="A function is headed by someone who is not in the org.",
    what="Reports a function whose `head:` is not the id of anyone in the org.",
    why=(
        "Decisions held by a function are taken by its head; "
        "an unknown head means nobody can take them."
    ),
    example=ORG_HEAD.replace("head: vp-sales", "head: vp-sale")
    + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
    use_instead=ORG_HEAD
    + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
    fix="Use the id of someone in `org.people`",
    target="the function's name",
)

UNDECLARED_FUNCTION: Final = Rule(
    code="ORG005",
    name="undeclared-function",
    severity=Severity.ERROR,
    summary="A person belongs to a function that is not declared.",
    what="Reports a person whose `function:` is not listed under `org.functions`.",
    why="A misspelt function splits a department in two without anyone noticing.",
    example=ORG_HEAD
    + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n"
    + "    - {id: ae-1, name: Lee Park, function: sales, manager: vp-sales}\n",
    use_instead=ORG_HEAD
    + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n"
    + "    - {id: ae-1, name: Lee Park, function: Sales, manager: vp-sales}\n",
    fix="Declare the function under `org.functions`, or fix the spelling",
    target="the person's id",
)

FUNCTION_WITHOUT_HEAD: Final = Rule(
    code="ORG006",
    name="function-without-head",
    severity=Severity.WARNING,
    summary="A function has no head.",
    what="Reports a function declared without `head:`.",
    why=(
        "Decisions that a function holds need a person to take them; "
        "without a head they escalate to the top by default."
    ),
    example=ORG_HEAD.replace("{name: Sales, head: vp-sales}", "{name: Sales}")
    + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
    use_instead=ORG_HEAD
    + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
    fix="Name the function's leader under `head:`",
    target="the function's name",
)

HEAD_OUTSIDE_FUNCTION: Final = Rule(
    code="ORG007",
    name="head-outside-function",
    severity=Severity.WARNING,
    summary="A function is headed by someone from another function.",
    what="Reports a function whose head's own `function:` is a different one.",
    why=(
        "It can be deliberate (an interim head), but more often one of the two "
        "entries is out of date."
    ),
    example=ORG_HEAD.replace("head: vp-sales", "head: ceo")
    + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
    use_instead=ORG_HEAD
    + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
    fix="Make the head a member of the function, or ignore this with a reason",
    target="the function's name",
)

DUPLICATE_FUNCTION: Final = Rule(
    code="ORG008",
    name="duplicate-function",
    severity=Severity.ERROR,
    summary="A function is declared twice.",
    what="Reports every declaration of a function name after the first.",
    why="Two declarations may name different heads; only the first would count.",
    example=ORG_HEAD.replace("  people:\n", "    - {name: Sales, head: ceo}\n  people:\n")
    + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
    use_instead=ORG_HEAD
    + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
    fix="Keep one declaration per function",
    target="the function's name",
)

EMPTY_FUNCTION: Final = Rule(
    code="ORG009",
    name="empty-function",
    severity=Severity.INFO,
    summary="A function has no members.",
    what="Reports a declared function that nobody belongs to.",
    why="It is either planned (fine) or left over from a reorganisation.",
    example=ORG_HEAD.replace("  people:\n", "    - {name: Support}\n  people:\n")
    + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
    use_instead=ORG_HEAD
    + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
    fix="Remove the function, or add its people",
    target="the function's name",
)

PERSON_NAMED_LIKE_FUNCTION: Final = Rule(
    code="ORG010",
    name="person-named-like-function",
    severity=Severity.WARNING,
    summary="A person id is also a function name.",
    what="Reports a person whose `id:` equals the name of a function.",
    why=(
        "Sections name a party by person id or function name; "
        "when both match, `Sales` could mean the person or the whole department."
    ),
    example=ORG_HEAD + "    - {id: Sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
    use_instead=ORG_HEAD
    + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
    fix="Give the person an id that is not a function name",
    target="the person's id",
)

RULES: Final = (
    UNKNOWN_MANAGER,
    REPORTING_CYCLE,
    DUPLICATE_PERSON_ID,
    UNKNOWN_HEAD,
    UNDECLARED_FUNCTION,
    FUNCTION_WITHOUT_HEAD,
    HEAD_OUTSIDE_FUNCTION,
    DUPLICATE_FUNCTION,
    EMPTY_FUNCTION,
    PERSON_NAMED_LIKE_FUNCTION,
)
"""Every ORG code, in order."""
