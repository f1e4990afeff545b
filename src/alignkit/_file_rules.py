"""The rules of the alignment file itself (`AK`): documentation beside the checks."""

from __future__ import annotations

from typing import Final

from alignkit._rule import ORG_HEAD, Rule
from alignkit.diagnostics import Severity

EXPIRED_IGNORE: Final = Rule(
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
    example=ORG_HEAD
    + """\
    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}
ignore:
  - {code: ORG009, target: Support, reason: Hiring in Q1, until: 2020-01-31}
""",
    use_instead=ORG_HEAD
    + """\
    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}
""",
    fix="Fix the finding and delete the entry, or set a new `until:` date",
)

UNUSED_IGNORE: Final = Rule(
    code="AK002",
    name="unused-ignore",
    severity=Severity.INFO,
    summary="An `ignore:` entry silences nothing.",
    what="Reports an entry of `ignore:` that matched no finding.",
    why=(
        "The problem it covered was fixed, or the entry names the wrong target. "
        "Stale entries hide future findings of the same code and target."
    ),
    example=ORG_HEAD
    + """\
    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}
ignore:
  - {code: ORG006, target: Sales, reason: Head joins in March}
""",
    use_instead=ORG_HEAD
    + """\
    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}
""",
    fix="Delete the entry",
)

IGNORE_UNKNOWN_CODE: Final = Rule(
    code="AK003",
    name="ignore-unknown-code",
    severity=Severity.ERROR,
    summary="An `ignore:` entry names a code that does not exist.",
    what="Reports an entry of `ignore:` whose `code:` is not a diagnostic code.",
    why="A mistyped code silences nothing, while the team believes it does.",
    example=ORG_HEAD
    + """\
    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}
ignore:
  - {code: ORG999, target: Sales, reason: Reorganising}
""",
    use_instead=ORG_HEAD
    + """\
    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}
""",
    fix="Use a code listed by the docs' Diagnostic codes page",
)

UNREADABLE_FILE: Final = Rule(
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
)

INVALID_SYNTAX: Final = Rule(
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
)

SCHEMA_VIOLATION: Final = Rule(
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
    example=ORG_HEAD + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manger: ceo}\n",
    use_instead=ORG_HEAD
    + "    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}\n",
    fix="Run `alignkit schema` for the shape of the file",
)

RULES: Final = (
    EXPIRED_IGNORE,
    UNUSED_IGNORE,
    IGNORE_UNKNOWN_CODE,
    UNREADABLE_FILE,
    INVALID_SYNTAX,
    SCHEMA_VIOLATION,
)
"""Every AK code, in order."""
