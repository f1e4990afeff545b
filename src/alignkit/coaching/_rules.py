"""The rules of micro-coaching (``CO``): documentation beside the checks."""

from __future__ import annotations

from typing import Final

from alignkit._rule import Rule
from alignkit.diagnostics import Severity

__all__ = [
    "COHORT_CANNOT_BE_PAIRED",
    "ONE_FUNCTION_COHORT",
    "RULES",
    "UNKNOWN_COHORT_NAME",
    "UNKNOWN_PERSON",
]

_FOUR = """\
version: 1
org:
  functions:
    - {name: Sales, head: ana}
    - {name: Operations, head: ben}
  people:
    - {id: ana, name: Ana Silva, function: Sales}
    - {id: ben, name: Ben Osei, function: Operations}
    - {id: cy, name: Cy Moreau, function: Sales}
    - {id: di, name: Di Lopez, function: Operations}
"""

UNKNOWN_COHORT_NAME: Final = Rule(
    code="CO001",
    name="unknown-cohort-name",
    severity=Severity.ERROR,
    summary="A name in the coaching cohort is no team, function or person of the file.",
    what="Reports an entry of `coaching: {cohort: [...]}` that names nothing the file declares.",
    why="Nobody it was meant to bring in is coached, and `alignkit coach` refuses the file.",
    example=_FOUR + "coaching:\n  cohort: [Sales, Operatons]\n",
    use_instead=_FOUR + "coaching:\n  cohort: [Sales, Operations]\n",
    fix="Name a team, a function or a person's id",
    target="the cohort name, as written",
)

UNKNOWN_PERSON: Final = Rule(
    code="CO002",
    name="unknown-person",
    severity=Severity.ERROR,
    summary="The coaching section's absences or history name someone who is not in the org.",
    what=(
        "Reports the `person` of an `unavailable:` entry, or an id in a `history:` group, "
        "that is no person's id."
    ),
    why="The plan cannot know whom it means: the absence is ignored, or the pair repeated.",
    example=_FOUR + "coaching:\n  history: [[ana, bem]]\n",
    use_instead=_FOUR + "coaching:\n  history: [[ana, ben]]\n",
    fix="Use the person's id as the org declares it",
    target="the person's id, as written",
)

COHORT_CANNOT_BE_PAIRED: Final = Rule(
    code="CO003",
    name="cohort-cannot-be-paired",
    severity=Severity.ERROR,
    summary="The cohort cannot be paired for three weeks without repeating a pair.",
    what=(
        "Reports a cohort in which weeks 1, 2 and 4 cannot each pair everyone without two "
        "people meeting again: too few people, or a history that rules out too many pairs."
    ),
    why="A repeated pair teaches nothing new; `alignkit coach` refuses the plan.",
    example=_FOUR + "coaching:\n  history: [[ana, ben]]\n",
    use_instead=_FOUR + "coaching:\n  history: []\n",
    fix="Widen the cohort, or drop the oldest groups from the history",
    target="the person's id",
)

ONE_FUNCTION_COHORT: Final = Rule(
    code="CO004",
    name="one-function-cohort",
    severity=Severity.WARNING,
    summary="Everyone in the coaching cohort works in one function.",
    what="Reports a cohort whose people all belong to the same function.",
    why="Micro-coaching exists to pair departments: within one, no pair crosses a boundary.",
    example=_FOUR + "coaching:\n  cohort: [Sales]\n",
    use_instead=_FOUR + "coaching:\n  cohort: [Sales, Operations]\n",
    fix="Add people, teams or functions from other departments to the cohort",
    target="the function's name",
)

RULES: Final = (UNKNOWN_COHORT_NAME, UNKNOWN_PERSON, COHORT_CANNOT_BE_PAIRED, ONE_FUNCTION_COHORT)
"""Every CO code, in order."""
