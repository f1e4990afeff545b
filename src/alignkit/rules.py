"""The catalogue of diagnostic codes: what each checks, why, and how to fix it.

Every code alignkit can report is listed here with its documentation, the same text
``alignkit rule CODE`` prints and the docs site shows.
A code, once published, keeps its meaning; a retired code stays listed, marked removed.

>>> from alignkit.rules import RULES, get_rule
>>> rule = get_rule("ORG001")
>>> rule.name, rule.severity.value
('unknown-manager', 'error')
>>> all(code == r.code for code, r in RULES.items())
True

Added in 0.1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final, final

import attrs

from alignkit.diagnostics import (
    DOCS_URL,
    Diagnostic,
    Location,
    PathPart,
    Severity,
    register_rules,
)
from alignkit.errors import UnknownNameError

__all__ = ["RULES", "Rule", "get_rule"]


@final
@attrs.frozen
class Rule:
    """One diagnostic code and its documentation.

    Attributes:
        code: Area prefix and three digits (``"ORG001"``).
        name: The problem in kebab case (``"unknown-manager"``); reads as
            "allow unknown-manager" in an ignore.
        severity: The severity the code is reported with.
        summary: One line: what is wrong.
        what: *What it does*.
        why: *Why is this bad?*
        example: An alignment file that is flagged with this code.
        use_instead: The same file, fixed: not flagged with this code.
        fix: The default ``help:`` line.
        options: Parameters that tune the rule, if any.
        removed: True for a retired code (kept so its meaning is never reused).
        target: What the ``target:`` of an ``ignore:`` entry names for this code, the
            same value a finding's ``target`` holds (``"the function's name"``).
            Empty for a code that cannot be ignored: ``ignore:`` never silences a
            finding about the alignment file itself (``AK`` codes).

    >>> get_rule("ORG006").target
    "the function's name"

    Added in 0.1.
    """

    code: str
    name: str
    severity: Severity
    summary: str
    what: str
    why: str
    example: str
    use_instead: str
    fix: str
    options: str = ""
    removed: bool = False
    target: str = attrs.field(default="", kw_only=True)

    @property
    def url(self) -> str:
        """The code's documentation page."""
        return f"{DOCS_URL}/rules/{self.code}/"

    def _ignore_line(self) -> str:
        """One line: the ``ignore:`` entry that silences this code, or why none can."""
        if not self.target:
            return (
                "Cannot be ignored: `ignore:` never silences a finding about the "
                "alignment file itself."
            )
        return f"Ignore with: `{{code: {self.code}, target: <{self.target}>}}`"

    def diagnostic(
        self,
        message: str,
        *,
        path: Sequence[PathPart] = (),
        location: Location | None = None,
        target: str | None = None,
        hint: str | None = None,
    ) -> Diagnostic:
        """A finding of this rule, with its severity and default hint."""
        return Diagnostic(
            self.code,
            self.severity,
            message,
            location=location if location is not None else Location(path=tuple(path)),
            hint=hint or self.fix,
            target=target,
            name=self.name,
        )

    def to_markdown(self) -> str:
        """The rule's documentation page, in Markdown."""
        parts = [
            f"# {self.code} {self.name}",
            "",
            f"Severity: **{self.severity.value}**." + (" *Removed.*" if self.removed else ""),
            "",
            self.summary,
            "",
            self._ignore_line(),
            "",
            "## What it does",
            "",
            self.what,
            "",
            "## Why is this bad?",
            "",
            self.why,
            "",
            "## Example",
            "",
            "```yaml",
            self.example.rstrip(),
            "```",
            "",
            "## Use instead",
            "",
            "```yaml",
            self.use_instead.rstrip(),
            "```",
            "",
            "## Options",
            "",
            self.options or "None.",
            "",
        ]
        return "\n".join(parts)

    def to_text(self) -> str:
        """The rule's documentation for a terminal."""
        return "\n".join(
            [
                f"{self.code} {self.name} ({self.severity.value})",
                "",
                self.summary,
                "",
                self._ignore_line(),
                "",
                "What it does:",
                _indent(self.what),
                "",
                "Why is this bad?",
                _indent(self.why),
                "",
                "Example:",
                _indent(self.example.rstrip()),
                "",
                "Use instead:",
                _indent(self.use_instead.rstrip()),
                "",
                "Options:",
                _indent(self.options or "None."),
                "",
                f"Docs: {self.url}",
            ]
        )


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.splitlines())


def get_rule(code: str) -> Rule:
    """The rule for ``code`` or for its name (both case-insensitive).

    >>> get_rule("reporting-cycle").code
    'ORG002'

    Raises:
        UnknownNameError: No such code or name; the nearest is suggested.
    """
    key = code.strip()
    found = RULES.get(key.upper()) or _BY_NAME.get(key.lower())
    if found is None:
        known = [*RULES, *_BY_NAME] if not key[-1:].isdigit() else RULES
        raise UnknownNameError.for_name("diagnostic code or name", code, known)
    return found


_ORG_HEAD = """\
version: 1
org:
  functions:
    - {name: Executive, head: ceo}
    - {name: Sales, head: vp-sales}
  people:
    - {id: ceo, name: Dana Reyes, function: Executive}
"""

_RULES: Final[tuple[Rule, ...]] = (
    # -- AK: the file itself ------------------------------------------------------------
    Rule(
        code="AK001",
        name="expired-ignore",
        severity=Severity.WARNING,
        summary="An `ignore:` entry is past its `until:` date.",
        what=(
            "Reports an entry of `ignore:` whose `until:` date has passed. "
            "The entry no longer silences anything: the finding it covered is reported again."
        ),
        why=(
            "An ignore is a promise to fix something by a date. "
            "When the date passes, the team should fix the finding or renew the promise "
            "with a new date and reason, not forget it."
        ),
        example=_ORG_HEAD
        + """\
    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}
ignore:
  - {code: ORG009, target: Support, reason: Hiring in Q1, until: 2020-01-31}
""",
        use_instead=_ORG_HEAD
        + """\
    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}
""",
        fix="Fix the finding and delete the entry, or set a new `until:` date",
    ),
    Rule(
        code="AK002",
        name="unused-ignore",
        severity=Severity.INFO,
        summary="An `ignore:` entry silences nothing.",
        what="Reports an entry of `ignore:` that matched no finding.",
        why=(
            "The problem it covered was fixed, or the entry names the wrong target. "
            "Stale entries hide future findings of the same code and target."
        ),
        example=_ORG_HEAD
        + """\
    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}
ignore:
  - {code: ORG006, target: Sales, reason: Head joins in March}
""",
        use_instead=_ORG_HEAD
        + """\
    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}
""",
        fix="Delete the entry",
    ),
    Rule(
        code="AK003",
        name="ignore-unknown-code",
        severity=Severity.ERROR,
        summary="An `ignore:` entry names a code that does not exist.",
        what="Reports an entry of `ignore:` whose `code:` is not a diagnostic code.",
        why="A mistyped code silences nothing, while the team believes it does.",
        example=_ORG_HEAD
        + """\
    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}
ignore:
  - {code: ORG999, target: Sales, reason: Reorganising}
""",
        use_instead=_ORG_HEAD
        + """\
    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}
""",
        fix="Use a code listed by the docs' Diagnostic codes page",
    ),
    Rule(
        code="AK010",
        name="unreadable-file",
        severity=Severity.ERROR,
        summary="The file cannot be read: missing, a directory, too large, empty or not text.",
        what=(
            "Reports a file `alignkit check` cannot read at all. "
            "Nothing else is checked; the exit code is 2."
        ),
        why="A check that silently reads nothing would pass for the wrong reason.",
        example="",
        use_instead="version: 1\norg:\n  functions: []\n",
        fix="Point alignkit at a UTF-8 YAML or JSON file",
    ),
    Rule(
        code="AK011",
        name="invalid-syntax",
        severity=Severity.ERROR,
        summary="The file is not valid YAML or JSON, or uses what alignment files forbid.",
        what=(
            "Reports YAML syntax errors, duplicate keys, more than one document, "
            "and tags other than plain data (such as `!!python/object`). "
            "Nothing else is checked; the exit code is 2."
        ),
        why=(
            "A duplicate key silently drops one value; "
            "an object tag would run code from the file. Both are refused."
        ),
        example="version: 1\norg:\n  functions: []\n  functions: []\n",
        use_instead="version: 1\norg:\n  functions: []\n",
        fix="Fix the YAML at the place shown",
    ),
    Rule(
        code="AK012",
        name="schema-violation",
        severity=Severity.ERROR,
        summary="The file does not follow the alignment-file schema.",
        what=(
            "Reports wrong types, unknown keys (with the nearest valid key), "
            "missing required keys and bad rows of a referenced CSV file, "
            "each at its location. "
            "A problem inside one item (a person, a function, a decision, a delegation, "
            "a team, a plan, a gate, an `ignore:` entry) leaves that item out, "
            "while every other item and section is still checked; the exit code is 1. "
            "Only a file whose top level is unusable (not a mapping, or `version:` or "
            "`org:` unusable) is checked no further; the exit code is then 2."
        ),
        why=(
            "A typo in a key would otherwise be ignored and its setting silently lost. "
            "Leaving out only the broken item keeps one typo from hiding every other finding."
        ),
        example=_ORG_HEAD
        + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manger: ceo}\n",
        use_instead=_ORG_HEAD
        + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
        fix="Run `alignkit schema` for the shape of the file",
    ),
    # -- ORG: the organisation -------------------------------------------------------
    Rule(
        code="ORG001",
        name="unknown-manager",
        severity=Severity.ERROR,
        summary="A person reports to someone who is not in the org.",
        what="Reports a person whose `manager:` is not the id of anyone in the org.",
        why=(
            "Escalation follows reporting lines. "
            "A broken line means a disagreement has no one to settle it."
        ),
        example=_ORG_HEAD
        + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ce0}\n",
        use_instead=_ORG_HEAD
        + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
        fix="Use the id of someone in `org.people`, or leave `manager:` out at the top",
        target="the person's id",
    ),
    Rule(
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
        example=_ORG_HEAD.replace("function: Executive}", "function: Executive, manager: vp-sales}")
        + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
        use_instead=_ORG_HEAD
        + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
        fix="Break the cycle: the top of the org has no manager",
        target="the id of the cycle's first person in the file",
    ),
    Rule(
        code="ORG003",
        name="duplicate-person-id",
        severity=Severity.ERROR,
        summary="Two people share an id.",
        what="Reports every declaration of a person id after the first.",
        why=(
            "Every other section names people by id; "
            "with two people behind one id, decisions and bonuses reach the wrong one."
        ),
        example=_ORG_HEAD
        + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n"
        + "    - {id: vp-sales, name: Sam Ortiz, function: Sales, manager: ceo}\n",
        use_instead=_ORG_HEAD
        + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n"
        + "    - {id: sam-ortiz, name: Sam Ortiz, function: Sales, manager: vp-sales}\n",
        fix="Give each person a unique id",
        target="the duplicated person id",
    ),
    Rule(
        code="ORG004",
        name="unknown-head",
        severity=Severity.ERROR,
        summary="A function is headed by someone who is not in the org.",
        what="Reports a function whose `head:` is not the id of anyone in the org.",
        why=(
            "Decisions held by a function are taken by its head; "
            "an unknown head means nobody can take them."
        ),
        example=_ORG_HEAD.replace("head: vp-sales", "head: vp-sale")
        + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
        use_instead=_ORG_HEAD
        + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
        fix="Use the id of someone in `org.people`",
        target="the function's name",
    ),
    Rule(
        code="ORG005",
        name="undeclared-function",
        severity=Severity.ERROR,
        summary="A person belongs to a function that is not declared.",
        what="Reports a person whose `function:` is not listed under `org.functions`.",
        why="A misspelt function splits a department in two without anyone noticing.",
        example=_ORG_HEAD
        + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n"
        + "    - {id: ae-1, name: Lee Park, function: sales, manager: vp-sales}\n",
        use_instead=_ORG_HEAD
        + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n"
        + "    - {id: ae-1, name: Lee Park, function: Sales, manager: vp-sales}\n",
        fix="Declare the function under `org.functions`, or fix the spelling",
        target="the person's id",
    ),
    Rule(
        code="ORG006",
        name="function-without-head",
        severity=Severity.WARNING,
        summary="A function has no head.",
        what="Reports a function declared without `head:`.",
        why=(
            "Decisions that a function holds need a person to take them; "
            "without a head they escalate to the top by default."
        ),
        example=_ORG_HEAD.replace("{name: Sales, head: vp-sales}", "{name: Sales}")
        + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
        use_instead=_ORG_HEAD
        + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
        fix="Name the function's leader under `head:`",
        target="the function's name",
    ),
    Rule(
        code="ORG007",
        name="head-outside-function",
        severity=Severity.WARNING,
        summary="A function is headed by someone from another function.",
        what="Reports a function whose head's own `function:` is a different one.",
        why=(
            "It can be deliberate (an interim head), but more often one of the two "
            "entries is out of date."
        ),
        example=_ORG_HEAD.replace("head: vp-sales", "head: ceo")
        + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
        use_instead=_ORG_HEAD
        + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
        fix="Make the head a member of the function, or ignore this with a reason",
        target="the function's name",
    ),
    Rule(
        code="ORG008",
        name="duplicate-function",
        severity=Severity.ERROR,
        summary="A function is declared twice.",
        what="Reports every declaration of a function name after the first.",
        why="Two declarations may name different heads; only the first would count.",
        example=_ORG_HEAD.replace("  people:\n", "    - {name: Sales, head: ceo}\n  people:\n")
        + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
        use_instead=_ORG_HEAD
        + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
        fix="Keep one declaration per function",
        target="the function's name",
    ),
    Rule(
        code="ORG009",
        name="empty-function",
        severity=Severity.INFO,
        summary="A function has no members.",
        what="Reports a declared function that nobody belongs to.",
        why="It is either planned (fine) or left over from a reorganisation.",
        example=_ORG_HEAD.replace("  people:\n", "    - {name: Support}\n  people:\n")
        + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
        use_instead=_ORG_HEAD
        + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
        fix="Remove the function, or add its people",
        target="the function's name",
    ),
    Rule(
        code="ORG010",
        name="person-named-like-function",
        severity=Severity.WARNING,
        summary="A person id is also a function name.",
        what="Reports a person whose `id:` equals the name of a function.",
        why=(
            "Sections name a party by person id or function name; "
            "when both match, `Sales` could mean the person or the whole department."
        ),
        example=_ORG_HEAD + "    - {id: Sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
        use_instead=_ORG_HEAD
        + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
        fix="Give the person an id that is not a function name",
        target="the person's id",
    ),
)

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

_DR_RULES: Final[tuple[Rule, ...]] = (
    Rule(
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
    ),
    Rule(
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
    ),
    Rule(
        code="DR003",
        name="accountable-also-consulted",
        severity=Severity.WARNING,
        summary="The accountable party is also listed as consulted or informed.",
        what=(
            "Reports a decision whose accountable party also appears under "
            "`consulted:` or `informed:`."
        ),
        why=(
            "The decider does not consult or inform themselves; the entry hides who else should be."
        ),
        example=_decisions(_LAUNCH.replace("consulted: [Sales]", "consulted: [Sales, Marketing]")),
        use_instead=_decisions(_LAUNCH),
        fix="Remove the accountable party from `consulted:` and `informed:`",
        target="the decision id",
    ),
    Rule(
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
        options="`max_consulted` (default 5).",
    ),
    Rule(
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
        options="`max_accountable_share` (default 0.25), `bottleneck_min_decisions` (default 8).",
    ),
    Rule(
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
    ),
    Rule(
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
        options="`strategic_scopes` (default `strategic`).",
    ),
    Rule(
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
        options="`max_vetoes` (default 5).",
    ),
    Rule(
        code="DR009",
        name="delegation-without-authority",
        severity=Severity.ERROR,
        summary="A delegation comes from a party that is not accountable for it.",
        what=(
            "Reports a delegation whose `from_party` is not accountable "
            "for the decision or category."
        ),
        why="Only the decider can lend the right to decide; this delegation gives nobody anything.",
        example=_decisions(_LAUNCH) + _DELEGATION.format(decision="launch-integration", party="IT"),
        use_instead=_decisions(_LAUNCH)
        + _DELEGATION.format(decision="launch-integration", party="Marketing"),
        fix="Delegate from the accountable party",
        target="the delegated decision id or category",
    ),
    Rule(
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
    ),
    Rule(
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
    ),
    Rule(
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
    ),
)

_SALES_OPS = """\
version: 1
org:
  functions:
    - {name: Sales, head: vp-sales}
    - {name: Operations, head: vp-ops}
  people:
    - {id: vp-sales, name: Sam Okafor, function: Sales}
    - {id: vp-ops, name: Priya Nair, function: Operations}
"""
_HO_HEAD = _SALES_OPS + "handoffs:\n  sending: Sales\n  receiving: Operations\n"

_HO_RULES: Final[tuple[Rule, ...]] = (
    Rule(
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
    ),
    Rule(
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
    ),
    Rule(
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
    ),
    Rule(
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
    ),
    Rule(
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
    ),
)

_SQ_HEAD = """\
version: 1
org:
  functions:
    - {name: Sales, head: vp-sales}
    - {name: Operations, head: vp-ops}
    - {name: Support, head: head-support}
  people:
    - {id: vp-sales, name: Sam Okafor, function: Sales}
    - {id: ae-1, name: Lee Park, function: Sales, manager: vp-sales}
    - {id: vp-ops, name: Priya Nair, function: Operations}
    - {id: onb-1, name: Ana Ruiz, function: Operations, manager: vp-ops}
    - {id: head-support, name: Tariq Aziz, function: Support}
    - {id: csm-1, name: Owen Price, function: Support, manager: head-support}
"""
_MISSION = "Reduce new-customer churn in the first 90 days"


def _team(
    members: str, *, model: str = "pod", leader: str = "ae-1", mission: str = _MISSION
) -> str:
    return (
        _SQ_HEAD
        + "teams:\n  - name: activation-pod\n"
        + f"    model: {model}\n    mission: {mission}\n    leader: {leader}\n"
        + f"    members: [{members}]\n"
    )


_POD3 = (
    "{id: ae-1, function: Sales}, {id: onb-1, function: Operations}, {id: csm-1, function: Support}"
)

_SQ_RULES: Final[tuple[Rule, ...]] = (
    Rule(
        code="SQ001",
        name="team-size-out-of-band",
        severity=Severity.ERROR,
        summary="A team has more or fewer members than its model allows.",
        what=(
            "Reports a team whose member count is outside its model's band "
            "(pod 3-5, squad 6-10, tribe 10-15)."
        ),
        why=(
            "Too small and the team lacks the skills to own an outcome; "
            "too big and it stops deciding fast."
        ),
        example=_team("{id: ae-1, function: Sales}, {id: onb-1, function: Operations}"),
        use_instead=_team(_POD3),
        fix="Add or move people, or pick the model that fits",
        target="the team's name",
    ),
    Rule(
        code="SQ002",
        name="too-few-functions",
        severity=Severity.ERROR,
        summary="A team is not cross-functional enough for its model.",
        what="Reports a pod spanning fewer than 2 functions, or a squad or tribe fewer than 3.",
        why="A team of one function is a silo with a new name.",
        example=_team(
            "{id: ae-1, function: Sales}, {id: vp-sales, function: Sales}, "
            "{id: ae-2, function: Sales}"
        ),
        use_instead=_team(_POD3),
        fix="Bring in people from the functions the outcome depends on",
        target="the team's name",
    ),
    Rule(
        code="SQ003",
        name="leader-not-member",
        severity=Severity.ERROR,
        summary="A team has no leader, or its leader is not a member.",
        what="Reports a team without `leader:`, or whose leader is not among its members.",
        why="Someone on the team must own its outcome day to day.",
        example=_team(_POD3, leader="vp-sales"),
        use_instead=_team(_POD3),
        fix="Name a member as `leader:`",
        target="the team's name",
    ),
    Rule(
        code="SQ004",
        name="over-allocated-member",
        severity=Severity.ERROR,
        summary="Someone is allocated more than 100% across teams.",
        what="Adds up each person's `allocation:` across every team and reports anyone above 1.",
        why="Nobody can give two teams their full time; one of them is planning on a fiction.",
        example=_team(_POD3)
        + "  - name: renewals-pod\n    model: pod\n    mission: Raise renewal rate to 95%\n"
        + "    leader: vp-sales\n    members: [{id: vp-sales, function: Sales}, "
        + "{id: onb-1, function: Operations}, {id: csm-1, function: Support}]\n",
        use_instead=_team(
            _POD3.replace("Operations}", "Operations, allocation: 0.5}").replace(
                "Support}", "Support, allocation: 0.5}"
            )
        )
        + "  - name: renewals-pod\n    model: pod\n    mission: Raise renewal rate to 95%\n"
        + "    leader: vp-sales\n    members: [{id: vp-sales, function: Sales}, "
        + "{id: onb-1, function: Operations, allocation: 0.5}, "
        + "{id: csm-1, function: Support, allocation: 0.5}]\n",
        fix="Split the person's time with `allocation:` so it adds up to at most 1",
        target="the person's id",
    ),
    Rule(
        code="SQ005",
        name="decision-outside-autonomy",
        severity=Severity.ERROR,
        summary="A team is accountable for a decision beyond its autonomy.",
        what=(
            "Reports a team accountable (in `decision_rights`) for a decision whose `scope` "
            "its model's autonomy does not cover: limited covers team decisions; moderate "
            "adds account commitments; high adds pricing and scope."
        ),
        why="A pod deciding prices is either not a pod or not really deciding.",
        example=_team(_POD3)
        + "decision_rights:\n  decisions:\n    - {id: set-discount, scope: pricing, "
        + "accountable: activation-pod, responsible: [ae-1]}\n",
        use_instead=_team(_POD3)
        + "decision_rights:\n  decisions:\n    - {id: set-discount, scope: pricing, "
        + "accountable: Sales, responsible: [activation-pod]}\n",
        fix="Give the decision to a team with more autonomy, or to its function",
        target="the team's name",
        options="The scopes of each autonomy level: `AUTONOMY_SCOPES`, or `scopes:` on a model.",
    ),
    Rule(
        code="SQ006",
        name="function-dominates-team",
        severity=Severity.WARNING,
        summary="One function holds more than half the seats.",
        what="Reports a team in which a single function has more than half the members.",
        why="The team will see the customer through that function's eyes.",
        example=_team(
            "{id: ae-1, function: Sales}, {id: vp-sales, function: Sales}, "
            "{id: ae-2, function: Sales}, {id: onb-1, function: Operations}"
        ),
        use_instead=_team(_POD3),
        fix="Rebalance the team across functions",
        target="the team's name",
    ),
    Rule(
        code="SQ007",
        name="mission-without-outcome",
        severity=Severity.WARNING,
        summary="A team's mission names a task, not a measurable customer outcome.",
        what=(
            "Reports a mission without an outcome verb (reduce, increase, improve, retain ...), "
            "a customer word (customer, churn, activation, onboarding ...) and something "
            "measurable (a number, a time span, a rate, or a `metric:` on the team)."
        ),
        why="A team chartered to build the integration stops when it ships; one chartered to "
        "reduce churn keeps going until customers stay.",
        example=_team(_POD3, mission="Build the integration"),
        use_instead=_team(_POD3),
        fix="State the customer outcome and how it is measured",
        target="the team's name",
        options="Pass your own `mission_check` to `Team.check` or `check_teams`.",
    ),
    Rule(
        code="SQ008",
        name="member-not-in-org",
        severity=Severity.ERROR,
        summary="A team member is not in the org.",
        what="Reports a member whose `id:` is not a person of the org.",
        why="Nobody will turn up for that seat.",
        example=_team(_POD3.replace("csm-1", "csm-2")),
        use_instead=_team(_POD3),
        fix="Use a person id from `org.people`",
        target="the member's id, as written",
    ),
    Rule(
        code="SQ009",
        name="member-function-mismatch",
        severity=Severity.WARNING,
        summary="A member's function in the team differs from the org's.",
        what="Reports a member listed under another function than the org gives them.",
        why="The team's cross-functional balance is computed from the wrong data.",
        example=_team(
            _POD3.replace("{id: csm-1, function: Support}", "{id: csm-1, function: Sales}")
        ),
        use_instead=_team(_POD3),
        fix="Use the function the org gives the person",
        target="the member's id",
    ),
)

_BN_HEAD = _SALES_OPS

_BN_RULES: Final[tuple[Rule, ...]] = (
    Rule(
        code="BN001",
        name="plan-without-shared-outcome",
        severity=Severity.WARNING,
        summary="A bonus plan pays nothing on team or company outcomes.",
        what="Reports a plan whose team and company components weigh 0.",
        why=(
            "Paying only on individual targets buys silos: nobody has a stake in the "
            "handover, the shared customer, or the company."
        ),
        example=_BN_HEAD
        + "bonus_plans:\n  - {name: quota, preset: individual_only, functions: [Sales]}\n",
        use_instead=_BN_HEAD
        + "bonus_plans:\n  - {name: blended, preset: blended, functions: [Sales]}\n",
        fix="Blend in team and company components (the default is 40/30/20/10)",
        target="the plan's name",
    ),
    Rule(
        code="BN002",
        name="plan-for-unknown-function",
        severity=Severity.ERROR,
        summary="A bonus plan is assigned to a function that does not exist.",
        what="Reports a name under a plan's `functions:` that is not a function of the org.",
        why="Nobody is paid on the plan the team believes is in force.",
        example=_BN_HEAD
        + "bonus_plans:\n  - {name: blended, preset: blended, functions: [Sale]}\n",
        use_instead=_BN_HEAD
        + "bonus_plans:\n  - {name: blended, preset: blended, functions: [Sales]}\n",
        fix="Name a function from `org.functions`",
        target="the plan's name",
    ),
    Rule(
        code="BN003",
        name="function-on-two-plans",
        severity=Severity.ERROR,
        summary="A function is assigned to more than one bonus plan.",
        what="Reports a function listed under the `functions:` of two plans.",
        why="Which plan pays is ambiguous, and payroll will pick one silently.",
        example=_BN_HEAD
        + "bonus_plans:\n  - {name: a, preset: blended, functions: [Sales]}\n"
        + "  - {name: b, preset: blended, functions: [Sales]}\n",
        use_instead=_BN_HEAD
        + "bonus_plans:\n  - {name: a, preset: blended, functions: [Sales]}\n"
        + "  - {name: b, preset: blended, functions: [Operations]}\n",
        fix="Assign each function to one plan",
        target="the function's name",
    ),
    Rule(
        code="IN001",
        name="incentive-conflict",
        severity=Severity.WARNING,
        summary="Two functions are paid on opposed metrics and share none.",
        what=(
            "Builds the incentive map from the plans assigned to functions and reports each "
            "pair paid on metrics in tension (bookings vs delivery margin, pipeline volume "
            "vs lead quality, uptime vs release speed, or your own) with no metric in common."
        ),
        why=(
            "Each side is rewarded for what hurts the other; without a shared metric, every "
            "disagreement escalates."
        ),
        example=_BN_HEAD
        + "bonus_plans:\n"
        + "  - {name: sales, preset: individual_only, metrics: {individual: bookings}, "
        + "functions: [Sales]}\n"
        + "  - {name: ops, preset: individual_only, metrics: {individual: delivery_margin}, "
        + "functions: [Operations]}\n",
        use_instead=_BN_HEAD
        + "bonus_plans:\n"
        + "  - {name: sales, preset: blended, metrics: {individual: bookings, company: nrr}, "
        + "functions: [Sales]}\n"
        + "  - {name: ops, preset: blended, "
        + "metrics: {individual: delivery_margin, company: nrr}, functions: [Operations]}\n",
        fix="Pay both on a shared outcome (a team or company metric)",
        target="the two functions, as Sales/Operations, in bonus_plans order",
        options="Tensions are listed under `incentives.tensions`.",
    ),
)

RULES: Final[Mapping[str, Rule]] = {
    rule.code: rule for rule in (*_RULES, *_DR_RULES, *_HO_RULES, *_SQ_RULES, *_BN_RULES)
}
"""Every diagnostic code, in catalogue order."""

_BY_NAME: Final[Mapping[str, Rule]] = {rule.name: rule for rule in RULES.values()}

register_rules(RULES)
