"""Micro-coaching as an area of the alignment file: ``coaching:``, ``CO`` codes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Final

from alignkit._suggest import suggest
from alignkit.areas import AlignmentView, Area
from alignkit.coaching._rules import (
    COHORT_CANNOT_BE_PAIRED,
    ONE_FUNCTION_COHORT,
    RULES,
    UNKNOWN_COHORT_NAME,
    UNKNOWN_PERSON,
)
from alignkit.coaching._section import CoachingSection
from alignkit.diagnostics import Diagnostic
from alignkit.errors import SpecError

__all__ = ["AREA", "check"]


def check(file: AlignmentView, options: None) -> Iterable[Diagnostic]:
    """The ``CO`` codes on the file's ``coaching`` section."""
    del options  # nothing to tune
    section: CoachingSection | None = file.section("coaching")
    if section is None or file.org is None:
        return ()
    return _findings(file, section)


def _findings(file: AlignmentView, section: CoachingSection) -> Iterator[Diagnostic]:
    org = file.org
    ids = [p.id for p in org.people]
    known = set(ids)
    unknown = False
    for index, away in enumerate(section.unavailable):
        if away.person not in known:
            unknown = True
            yield _unknown_person(away.person, ("coaching", "unavailable", index, "person"), ids)
    for index, group in enumerate(section.history):
        for position, person in enumerate(group):
            if person not in known:
                unknown = True
                yield _unknown_person(person, ("coaching", "history", index, position), ids)
    teams = [team.name for team in file.section("teams") or ()]
    names = [*teams, *org.function_names, *ids]
    for index, name in enumerate(section.cohort):
        try:
            section.members(file, (name,))
        except SpecError:
            unknown = True
            close = suggest(name, names)
            yield UNKNOWN_COHORT_NAME.diagnostic(
                f"`{name}` in the cohort is no team, function or person of the file",
                path=("coaching", "cohort", index),
                target=name,
                hint=f"Did you mean `{close}`?" if close else None,
            )
    if unknown:
        return  # the cohort is not the one meant: pairing it would only mislead
    members = section.members(file)
    functions = sorted({m.function for m in members})
    if len(functions) == 1 and len(members) > 1:
        yield ONE_FUNCTION_COHORT.diagnostic(
            f"Everyone in the cohort works in {functions[0]}: no pair crosses a department",
            path=("coaching", "cohort"),
            target=functions[0],
        )
    from alignkit.coaching._model import pairing_problem

    found = pairing_problem(
        members, seed=section.seed, history=section.history, handoffs=section.handoffs(file)
    )
    if found is not None:
        person, message = found
        yield COHORT_CANNOT_BE_PAIRED.diagnostic(
            message, path=("coaching", "cohort"), target=person or None
        )


def _unknown_person(person: str, path: tuple[str | int, ...], ids: list[str]) -> Diagnostic:
    close = suggest(person, ids)
    return UNKNOWN_PERSON.diagnostic(
        f"`{person}` is not a person of the org",
        path=path,
        target=person,
        hint=f"Did you mean `{close}`?" if close else None,
    )


AREA: Final = Area(
    key="coaching",
    prefix="CO",
    title="Micro-coaching",
    module="alignkit.coaching",
    section=CoachingSection,
    rules=RULES,
    check=check,
    commands="coach = alignkit.coaching._cli:coach",
)
