"""The rules of decision rights: each code's documentation, used by the checks beside it."""

from __future__ import annotations

from typing import Final

from alignkit._rule import Rule
from alignkit.diagnostics import Severity

_DR_HEAD = """\
version: 1
org:
  functions:
    - {name: Executive, head: ceo}
    - {name: Sales, head: vp-sales}
    - {name: Marketing, head: vp-marketing}
    - {name: IT, head: cio}
  people:
    - {id: ceo, name: Dana Reyes, function: Executive}
    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}
    - {id: vp-marketing, name: Chloe Dubois, function: Marketing, manager: ceo}
    - {id: cio, name: Victor Hale, function: IT, manager: ceo}
decision_rights:
  scheme: raci
"""


def _decisions(*rows: str, head: str = _DR_HEAD) -> str:
    return head + "  decisions:\n" + "".join(f"    - {row}\n" for row in rows)


_LAUNCH = (
    "{id: launch-integration, accountable: Marketing, responsible: [IT], "
    "consulted: [Sales], informed: [Executive]}"
)

_MANY = [
    f"{{id: decision-{n}, accountable: {who}, responsible: [Sales, IT, Marketing]}}"
    for n, who in enumerate(["ceo"] * 3 + ["Sales", "IT", "Marketing", "Sales", "IT"])
]

_RAPID_HEAD = _DR_HEAD.replace("scheme: raci", "scheme: rapid")

_DELEGATION = "  delegations:\n    - {{decision: {decision}, from_party: {party}, to_party: cio}}\n"

_DISCOUNT = "{id: approve-discount, category: pricing, accountable: Sales, responsible: [vp-sales]}"


UNKNOWN_PARTY: Final = Rule(
    code="DR001",
    name="unknown-party",
    severity=Severity.ERROR,
    summary="A decision names a party that is neither a person nor a function.",
    what=(
        "Reports every party in a decision, a delegation or an owner that is not a "
        "person id, a function name (or a team name) of the org."
    ),
    why="A role held by nobody is a role nobody plays; it is usually a typo.",
    example=_decisions(_LAUNCH.replace("consulted: [Sales]", "consulted: [Sales, Legal]")),
    use_instead=_decisions(_LAUNCH),
    fix="Name a person id or a function from `org`",
    target="the unknown party, as written",
)

DECISION_WITHOUT_RESPONSIBLE: Final = Rule(
    code="DR002",
    name="decision-without-responsible",
    severity=Severity.WARNING,
    summary="A decision has no responsible party.",
    what="Reports a decision with nobody under `responsible:`.",
    why="Someone decides, but nobody is named to drive the work or prepare the decision.",
    example=_decisions(_LAUNCH.replace("responsible: [IT], ", "")),
    use_instead=_decisions(_LAUNCH),
    fix="Name who does the work under `responsible:`",
    target="the decision id",
)

ACCOUNTABLE_ALSO_CONSULTED: Final = Rule(
    code="DR003",
    name="accountable-also-consulted",
    severity=Severity.WARNING,
    summary="The accountable party is also listed as consulted or informed.",
    what=(
        "Reports a decision whose accountable party also appears under `consulted:` or `informed:`."
    ),
    why=("The decider does not consult or inform themselves; the entry hides who else should be."),
    example=_decisions(_LAUNCH.replace("consulted: [Sales]", "consulted: [Sales, Marketing]")),
    use_instead=_decisions(_LAUNCH),
    fix="Remove the accountable party from `consulted:` and `informed:`",
    target="the decision id",
)

CONSULTED_OVERLOAD: Final = Rule(
    code="DR004",
    name="consulted-overload",
    severity=Severity.WARNING,
    summary="A decision consults more parties than it can wait for.",
    what="Reports a decision with more than `max_consulted` (5) consulted parties.",
    why="Every consulted party is a conversation before the decision; too many make it slow.",
    example=_decisions(
        _LAUNCH.replace(
            "consulted: [Sales]",
            "consulted: [Sales, Executive, ceo, vp-sales, cio, vp-marketing]",
        )
        .replace("accountable: Marketing", "accountable: IT")
        .replace("responsible: [IT]", "responsible: [Marketing]")
    ),
    use_instead=_decisions(_LAUNCH),
    fix="Consult fewer parties; inform the rest after the decision",
    target="the decision id",
)

ACCOUNTABLE_BOTTLENECK: Final = Rule(
    code="DR005",
    name="accountable-bottleneck",
    severity=Severity.WARNING,
    summary="One person decides too large a share of all decisions.",
    what=(
        "Counts, for each person who actually decides (a function counts as its head), "
        "the decisions they are accountable for, and reports anyone above "
        "`max_accountable_share` (25%) when there are at least 8 decisions. "
        "The message names the person; the finding's target is their id."
    ),
    why="Decisions queue behind one calendar, and everything escalates to the top.",
    example=_decisions(*_MANY),
    use_instead=_decisions(
        *[
            row.replace("accountable: ceo", "accountable: Marketing", 1) if n == 0 else row
            for n, row in enumerate(_MANY)
        ]
    ),
    fix="Move decisions to the function that owns them, or delegate",
    target="the id of the person who decides",
)

FUNCTION_WITHOUT_ROLE: Final = Rule(
    code="DR006",
    name="function-without-role",
    severity=Severity.INFO,
    summary="A function holds no role in any decision.",
    what="Reports a function that is not named in any decision, and none of whose people is.",
    why="Either the function really has no say (worth knowing), or the matrix forgot it.",
    example=_decisions("{id: approve-discount, accountable: Sales, responsible: [vp-sales]}"),
    use_instead=_decisions(
        "{id: approve-discount, accountable: Sales, responsible: [vp-sales], "
        "consulted: [Marketing], informed: [IT, Executive]}"
    ),
    fix="Give the function a role where it has a stake, or ignore this with a reason",
    target="the function's name",
)

ESCALATION_HEAVY: Final = Rule(
    code="DR007",
    name="escalation-heavy",
    severity=Severity.WARNING,
    summary=(
        "An operational decision is taken at the top although its category has an owner below."
    ),
    what=(
        "Reports a decision whose category has an owner under `owners:`, taken by a "
        "person at the top of the org (no manager) while the owner sits below, unless "
        "its `scope` is strategic."
    ),
    why="Settling day-to-day decisions at the top makes every disagreement an escalation.",
    example=_decisions(
        "{id: approve-discount, category: pricing, accountable: ceo, responsible: [Sales]}",
        head=_DR_HEAD + "  owners: {pricing: Sales}\n",
    ),
    use_instead=_decisions(
        "{id: approve-discount, category: pricing, accountable: Sales, responsible: [ceo]}",
        head=_DR_HEAD + "  owners: {pricing: Sales}\n",
    ),
    fix="Make the category's owner accountable, or delegate to it",
    target="the decision id",
)

VETO_OVERLOAD: Final = Rule(
    code="DR008",
    name="veto-overload",
    severity=Severity.WARNING,
    summary="One party must agree to (can veto) too many decisions.",
    what="Reports a party listed under `agree:` on more than `max_vetoes` (5) decisions.",
    why=(
        "Every veto is a gate; "
        "one party holding many becomes the bottleneck it was meant to prevent."
    ),
    example=_decisions(
        *[
            f"{{id: d{n}, accountable: Sales, responsible: [IT], agree: [Marketing]}}"
            for n in range(6)
        ],
        head=_RAPID_HEAD,
    ),
    use_instead=_decisions(
        *[
            f"{{id: d{n}, accountable: Sales, responsible: [IT], consulted: [Marketing]}}"
            for n in range(6)
        ],
        head=_RAPID_HEAD,
    ),
    fix="Turn most vetoes into consultation",
    target="the party that must agree",
)

DELEGATION_WITHOUT_AUTHORITY: Final = Rule(
    code="DR009",
    name="delegation-without-authority",
    severity=Severity.ERROR,
    summary="A delegation comes from a party that is not accountable for it.",
    what=(
        "Reports a delegation whose `from_party` is not accountable for the decision or category."
    ),
    why="Only the decider can lend the right to decide; this delegation gives nobody anything.",
    example=_decisions(_LAUNCH) + _DELEGATION.format(decision="launch-integration", party="IT"),
    use_instead=_decisions(_LAUNCH)
    + _DELEGATION.format(decision="launch-integration", party="Marketing"),
    fix="Delegate from the accountable party",
    target="the delegated decision id or category",
)

DELEGATION_UNKNOWN_DECISION: Final = Rule(
    code="DR010",
    name="delegation-unknown-decision",
    severity=Severity.ERROR,
    summary="A delegation names a decision or category that does not exist.",
    what="Reports a delegation whose `decision` or `category` matches nothing in the matrix.",
    why="The delegation silently applies to nothing.",
    example=_decisions(_LAUNCH)
    + _DELEGATION.format(decision="launch-integratoin", party="Marketing"),
    use_instead=_decisions(_LAUNCH)
    + _DELEGATION.format(decision="launch-integration", party="Marketing"),
    fix="Use the id of a decision, or a category decisions have",
    target="the delegated decision id or category, as written",
)

ACCOUNTABLE_FUNCTION_WITHOUT_HEAD: Final = Rule(
    code="DR011",
    name="accountable-function-without-head",
    severity=Severity.WARNING,
    summary="A decision is held by a function that has no head to take it.",
    what="Reports a decision whose accountable party is a function with no (known) head.",
    why="Nobody can take the decision, so it escalates by default.",
    example=_decisions(
        _LAUNCH,
        head=_DR_HEAD.replace("{name: Marketing, head: vp-marketing}", "{name: Marketing}"),
    ),
    use_instead=_decisions(_LAUNCH),
    fix="Name the function's head, or make a person accountable",
    target="the decision id",
)

UNUSED_CATEGORY: Final = Rule(
    code="DR012",
    name="unused-category",
    severity=Severity.WARNING,
    summary="An owner or forum is configured for a category no decision has.",
    what="Reports a key of `owners:` or `forums:` that is not the category of any decision.",
    why="It is usually a misspelt category, so the owner or forum is never used.",
    example=_decisions(
        _DISCOUNT,
        head=_DR_HEAD + "  forums: {pricng: Revenue council}\n",
    ),
    use_instead=_decisions(
        _DISCOUNT,
        head=_DR_HEAD + "  forums: {pricing: Revenue council}\n",
    ),
    fix="Use a category your decisions have",
    target="the category, as written under owners or forums",
)

RULES: Final = (
    UNKNOWN_PARTY,
    DECISION_WITHOUT_RESPONSIBLE,
    ACCOUNTABLE_ALSO_CONSULTED,
    CONSULTED_OVERLOAD,
    ACCOUNTABLE_BOTTLENECK,
    FUNCTION_WITHOUT_ROLE,
    ESCALATION_HEAVY,
    VETO_OVERLOAD,
    DELEGATION_WITHOUT_AUTHORITY,
    DELEGATION_UNKNOWN_DECISION,
    ACCOUNTABLE_FUNCTION_WITHOUT_HEAD,
    UNUSED_CATEGORY,
)
"""Every DR code, in order."""
