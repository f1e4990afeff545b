"""The shared language as an area of the alignment file: ``glossary:``, ``GL`` codes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, Final

from alignkit._suggest import suggest
from alignkit.areas import AlignmentView, Area
from alignkit.diagnostics import Diagnostic
from alignkit.glossary._model import Glossary, clashes
from alignkit.glossary._names import normalised
from alignkit.glossary._rules import (
    ALIAS_SHADOWS_TERM,
    CHAMPION_OUTSIDE_FUNCTIONS,
    DEPRECATED_WITHOUT_REPLACEMENT,
    MISSING_CHAMPION,
    RULES,
    TERM_DEFINED_TWICE,
    UNRATIFIED_TERM,
)
from alignkit.glossary._section import GlossaryLint, GlossarySection

if TYPE_CHECKING:
    from alignkit.org import Org

__all__ = ["AREA", "check"]

_BY_CODE: Final = {rule.code: rule for rule in RULES}
_SHARED_ROLES: Final = ("accountable", "responsible", "agree", "consulted")
"""Roles in a decision that make functions work together on it (informed does not)."""


def check(file: AlignmentView, options: GlossaryLint | None) -> Iterable[Diagnostic]:
    """The ``GL`` codes on the file's ``glossary`` section."""
    section: GlossarySection | None = file.section("glossary")
    if section is None:
        return ()
    return _findings(file, section, options or GlossaryLint())


def _findings(
    file: AlignmentView, section: GlossarySection, options: GlossaryLint
) -> Iterator[Diagnostic]:
    yield from _clash_findings(section)
    glossary = section.glossary(strict=False)
    yield from _deprecation_findings(section, glossary)
    org: Org | None = file.org
    functions = sorted(org.function_names) if org is not None else None
    yield from _ratification_findings(section, glossary, functions)
    if org is not None:
        yield from _champion_findings(file, section, org)
    known = sorted(org.function_names) if org is not None else []
    yield from _definition_findings(section, glossary, options, known)


def _clash_findings(section: GlossarySection) -> Iterator[Diagnostic]:
    terms = [spec.to_term() for spec in section.terms]
    for index, alias, written, other, kind in clashes(terms):
        where = ("glossary", "terms", index, "aliases" if alias else "name")
        if kind == "alias-is-name":
            yield ALIAS_SHADOWS_TERM.diagnostic(
                f"Alias `{written}` of `{terms[index].name}` is the name of another term "
                f"(`{terms[other].name}`)",
                path=where,
                target=written,
            )
        else:
            message = (
                f"Term `{terms[index].name}` lists `{written}` twice"
                if kind == "twice-in-term"
                else f"`{written}` is defined twice: by `{terms[other].name}` and by "
                f"`{terms[index].name}`"
            )
            yield TERM_DEFINED_TWICE.diagnostic(message, path=where, target=written)


def _deprecation_findings(section: GlossarySection, glossary: Glossary) -> Iterator[Diagnostic]:
    names = [t.name for t in section.terms]
    for index, spec in enumerate(section.terms):
        if spec.deprecated_for is None and spec.deprecated:
            yield DEPRECATED_WITHOUT_REPLACEMENT.diagnostic(
                f"`{spec.name}` is deprecated, and names no term to use instead",
                path=("glossary", "terms", index, "deprecated"),
                target=spec.name,
            )
        elif spec.deprecated_for is not None and spec.deprecated_for not in glossary:
            close = suggest(spec.deprecated_for, names)
            yield DEPRECATED_WITHOUT_REPLACEMENT.diagnostic(
                f"`{spec.name}` is deprecated for `{spec.deprecated_for}`, which is not a term "
                "of the glossary",
                path=("glossary", "terms", index, "deprecated_for"),
                target=spec.name,
                hint=f"Did you mean `{close}`?" if close else None,
            )


def _ratification_findings(
    section: GlossarySection, glossary: Glossary, functions: list[str] | None
) -> Iterator[Diagnostic]:
    missing = glossary.unratified(functions)
    seen: set[str] = set()
    for index, spec in enumerate(section.terms):
        key = normalised(spec.name)
        if key in seen:  # a second definition: GL001 says so
            continue
        seen.add(key)
        who = missing.get(spec.name)
        if not who:
            continue
        listed = ", ".join(sorted(who))
        yield UNRATIFIED_TERM.diagnostic(
            f"`{spec.name}` is not yet ratified by {listed}",
            path=("glossary", "terms", index, "ratified_by"),
            target=spec.name,
        )


def _function_of(party: str, org: Org) -> str | None:
    if party in org.function_names:
        return party
    person = org.get_person(party)
    return person.function if person is not None else None


def _pairs(file: AlignmentView, org: Org) -> dict[frozenset[str], tuple[str, str]]:
    """Functions that work together, each pair once, in the order the file first shows it."""
    found: dict[frozenset[str], tuple[str, str]] = {}
    handoffs = file.section("handoffs")
    if handoffs is not None and handoffs.sending != handoffs.receiving:
        found[frozenset((handoffs.sending, handoffs.receiving))] = (
            handoffs.sending,
            handoffs.receiving,
        )
    rights = file.section("decision_rights")
    for decision in rights.decisions if rights is not None else ():
        functions: list[str] = []
        for role in _SHARED_ROLES:
            value: Any = getattr(decision, role, ())
            for party in (value,) if isinstance(value, str) else value:
                function = _function_of(party, org)
                if function is not None and function not in functions:
                    functions.append(function)
        for i, first in enumerate(functions):
            for second in functions[i + 1 :]:
                found.setdefault(frozenset((first, second)), (first, second))
    return found


def _in_chain(person_id: str, function: str, org: Org) -> bool:
    """Whether the person is in the function, or manages its head from above."""
    person = org.get_person(person_id)
    if person is None:
        return False
    if person.function == function:
        return True
    head = org.head(function)
    return head is not None and any(m.id == person_id for m in org.manager_chain(head.id))


def _champion_findings(
    file: AlignmentView, section: GlossarySection, org: Org
) -> Iterator[Diagnostic]:
    covered = {frozenset(c.functions) for c in section.champions}
    for first, second in _pairs(file, org).values():
        if frozenset((first, second)) not in covered:
            yield MISSING_CHAMPION.diagnostic(
                f"`{first}` and `{second}` work together and have no translation champion",
                path=("glossary", "champions"),
                target=f"{first}/{second}",
            )
    for index, champion in enumerate(section.champions):
        where = ("glossary", "champions", index, "person")
        if org.get_person(champion.person) is None:
            close = suggest(champion.person, sorted(org.person_ids))
            yield CHAMPION_OUTSIDE_FUNCTIONS.diagnostic(
                f"Champion `{champion.person}` is not a person of the org",
                path=where,
                target=champion.person,
                hint=f"Did you mean `{close}`?" if close else None,
            )
            continue
        accepted = set(champion.accepted_by)
        if any(_in_chain(champion.person, f, org) for f in champion.functions):
            continue
        if set(champion.functions) <= accepted:
            continue
        first, second = champion.functions
        yield CHAMPION_OUTSIDE_FUNCTIONS.diagnostic(
            f"Champion `{champion.person}` is in neither `{first}` nor `{second}`, nor above "
            "their heads, and not accepted by both",
            path=where,
            target=champion.person,
        )


def _definition_findings(
    section: GlossarySection, glossary: Glossary, options: GlossaryLint, known: list[str]
) -> Iterator[Diagnostic]:
    for index, spec in enumerate(section.terms):
        term = glossary.get(spec.name)
        # A definition may use its own term: that is what it defines.
        own = {n.casefold() for n in spec.to_term().names}
        for finding in glossary.check_text(
            spec.definition,
            max_sentence_words=options.max_sentence_words,
            max_grade=options.max_grade,
            known=known,
        ):
            if finding.code in ("GL101", "GL103") and finding.flagged.casefold() in own:
                continue
            if term is not None and finding.code == "GL102" and term.deprecated:
                continue
            target = finding.flagged
            if finding.code in ("GL104", "GL105"):
                target = finding.flagged.split()[0]
            yield _BY_CODE[finding.code].diagnostic(
                f"In the definition of `{spec.name}`: {finding.message}",
                path=("glossary", "terms", index, "definition"),
                target=target,
                hint=finding.suggestion,
            )


AREA: Final = Area(
    key="glossary",
    prefix="GL",
    title="Shared language",
    module="alignkit.glossary",
    section=GlossarySection,
    rules=RULES,
    check=check,
    options=GlossaryLint,
    commands="eli5 = alignkit.glossary._cli:eli5",
)
