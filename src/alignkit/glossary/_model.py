"""Terms and the glossary; import from ``alignkit.glossary``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import final

import attrs

from alignkit._spec import FrozenDict
from alignkit._suggest import suggest
from alignkit.diagnostics import Location
from alignkit.errors import Problem, SpecError
from alignkit.glossary._names import normalised
from alignkit.glossary._text import (
    DEFAULT_JARGON,
    MAX_GRADE,
    MAX_SENTENCE_WORDS,
    TextFinding,
    check_text,
)

__all__ = ["Glossary", "Term"]


def _texts(value: Iterable[str] | str) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _functions(value: Iterable[str] | str) -> frozenset[str]:
    return frozenset((value,) if isinstance(value, str) else value)


def _terms(value: Iterable[Term]) -> tuple[Term, ...]:
    return tuple(value)


def _at(path: tuple[str | int, ...], message: str) -> Problem:
    return Problem(message, Location(path=path))


@final
@attrs.frozen
class Term:
    """One term of the shared language: what it means, who owns it, who agreed.

    Args:
        name: The term as people write it (``"ARR"``, ``"Closed-Won"``).
        definition: One definition, in plain words, that every function agrees on.
        owner_function: The function that owns the definition and answers for it.
        aliases: Other ways the same term is written (``"annual recurring revenue"``).
        plain_words: What to say instead in an update for other functions, if the
            term is jargon (``"yearly subscription revenue"``).
        ratified_by: The functions that have agreed to the definition.
        deprecated_for: The term to use instead: this one is deprecated.
        deprecated: Deprecated, whether or not a replacement is named (implied by
            ``deprecated_for``).

    Raises:
        SpecError: A blank name, definition or owner, or an alias, function or
            replacement that is not non-blank text; every problem is named.

    >>> arr = Term("ARR", "Yearly value of active subscriptions", "Finance",
    ...            aliases=["annual recurring revenue"], ratified_by={"Finance", "Sales"})
    >>> arr.names
    ('ARR', 'annual recurring revenue')

    Added in 0.2.
    """

    name: str
    definition: str
    owner_function: str
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_texts, kw_only=True)
    plain_words: str | None = attrs.field(default=None, kw_only=True)
    ratified_by: frozenset[str] = attrs.field(
        default=frozenset(), converter=_functions, kw_only=True
    )
    deprecated_for: str | None = attrs.field(default=None, kw_only=True)
    deprecated: bool = attrs.field(default=False, kw_only=True)

    def __attrs_post_init__(self) -> None:
        problems = list(self._problems())
        if problems:
            raise SpecError(problems)
        if self.deprecated_for is not None and not self.deprecated:
            object.__setattr__(self, "deprecated", True)

    def _problems(self) -> Iterator[Problem]:
        for field in ("name", "definition", "owner_function"):
            value = getattr(self, field)
            if not isinstance(value, str) or not value.strip():
                yield _at((field,), f"A term needs a `{field}`: non-blank text")
        for field in ("aliases", "ratified_by"):
            if any(not isinstance(v, str) or not v.strip() for v in getattr(self, field)):
                yield _at((field,), f"Each of `{field}` must be non-blank text")
        for field in ("plain_words", "deprecated_for"):
            value = getattr(self, field)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                yield _at((field,), f"`{field}` must be non-blank text, or left out")
        if not isinstance(self.deprecated, bool):
            yield _at(("deprecated",), "`deprecated` must be true or false")

    @property
    def names(self) -> tuple[str, ...]:
        """The name, then the aliases: every way the term is written."""
        return (self.name, *self.aliases)


Clash = tuple[int, bool, str, int, str]
"""A name used twice: the term's index, whether it is an alias, the name as written, the
other term's index, and the kind (``"twice-in-term"``, ``"alias-is-name"``,
``"defined-twice"``)."""


def clashes(terms: Iterable[Term]) -> Iterator[Clash]:
    """Every name or alias that an earlier name or alias already uses, in order.

    Names are compared as :func:`normalised` writes them. An alias that is the name
    of a later term clashes too.
    """
    terms = list(terms)
    where: dict[str, tuple[int, bool]] = {}  # name -> (term index, is an alias)
    names = {normalised(term.name): index for index, term in enumerate(terms)}
    for index, term in enumerate(terms):
        for position, written in enumerate(term.names):
            key = normalised(written)
            alias = position > 0
            if alias and key in names and names[key] > index:
                yield index, alias, written, names[key], "alias-is-name"
                continue
            if key not in where:
                where[key] = (index, alias)
                continue
            other, other_alias = where[key]
            if other == index:
                yield index, alias, written, other, "twice-in-term"
            elif alias and not other_alias:
                yield index, alias, written, other, "alias-is-name"
            else:
                yield index, alias, written, other, "defined-twice"


@final
@attrs.frozen
class Glossary:
    """The ratified shared language of an organisation: one definition per term.

    Args:
        terms: The terms. Their names and aliases are looked up without regard to
            case or runs of spaces.
        ratifiers: The functions whose agreement makes a term ratified; empty:
            every function passed to :meth:`unratified`.
        jargon: Words and phrases :meth:`check_text` flags unless the glossary
            defines them (:data:`DEFAULT_JARGON` by default: "synergy", "deep dive",
            "idempotent" ...).

    Raises:
        SpecError: A name or alias used by two terms (or twice by one), or an alias
            that is another term's name: the glossary would give two definitions.

    >>> glossary = Glossary([
    ...     Term("ARR", "Yearly value of active subscriptions", "Finance",
    ...          ratified_by={"Finance", "Sales"}),
    ...     Term("Bookings", "Value of contracts signed", "Sales", ratified_by={"Sales"}),
    ... ])
    >>> glossary.get("arr").owner_function
    'Finance'
    >>> missing = glossary.unratified(["Sales", "Finance", "Operations"])
    >>> {name: sorted(functions) for name, functions in missing.items()}
    {'ARR': ['Operations'], 'Bookings': ['Finance', 'Operations']}

    Added in 0.2.
    """

    terms: tuple[Term, ...] = attrs.field(converter=_terms)
    ratifiers: frozenset[str] = attrs.field(default=frozenset(), converter=_functions, kw_only=True)
    jargon: tuple[str, ...] = attrs.field(default=DEFAULT_JARGON, converter=_texts, kw_only=True)
    _by_name: Mapping[str, Term] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        problems = [
            _at(("terms", index), f"Each term must be a Term, got {type(term).__name__}")
            for index, term in enumerate(self.terms)
            if not isinstance(term, Term)
        ]
        if problems:
            raise SpecError(problems)
        for index, alias, written, other, kind in clashes(self.terms):
            term = self.terms[index]
            path = ("terms", index, "aliases" if alias else "name")
            if kind == "twice-in-term":
                message = f"Term `{term.name}` lists `{written}` twice"
            elif kind == "alias-is-name":
                message = (
                    f"Alias `{written}` of `{term.name}` is the name of another term "
                    f"(`{self.terms[other].name}`)"
                )
            else:
                message = (
                    f"`{written}` is defined twice: by `{self.terms[other].name}` and by "
                    f"`{term.name}`"
                )
            problems.append(_at(path, message))
        if problems:
            raise SpecError(problems)
        by_name = {normalised(written): term for term in self.terms for written in term.names}
        object.__setattr__(self, "_by_name", FrozenDict(by_name))

    def get(self, name: str) -> Term | None:
        """The term written ``name`` (its name or an alias, in any case), if any."""
        return self._by_name.get(normalised(name))

    def __getitem__(self, name: str) -> Term:
        """The term written ``name``.

        Raises:
            KeyError: No term is written so; the message suggests the nearest.
        """
        term = self.get(name)
        if term is None:
            close = suggest(name, [t.name for t in self.terms])
            raise KeyError(
                f"{name!r} is not in the glossary" + (f"; did you mean {close!r}?" if close else "")
            )
        return term

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and normalised(name) in self._by_name

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    def unratified(self, functions: Iterable[str] | None = None) -> dict[str, frozenset[str]]:
        """For each term not yet ratified, the functions still to agree, by term name.

        The functions that must agree are the glossary's ``ratifiers``; without
        them, ``functions`` (the org's); without either, every function the
        glossary names as an owner or a ratifier.
        """
        if self.ratifiers:
            required = self.ratifiers
        elif functions is not None:
            required = frozenset(functions)
        else:
            required = frozenset(
                f for term in self.terms for f in (term.owner_function, *term.ratified_by)
            )
        missing = {term.name: required - term.ratified_by for term in self.terms}
        return {name: who for name, who in missing.items() if who}

    def deprecated(self) -> tuple[Term, ...]:
        """The deprecated terms, in order."""
        return tuple(term for term in self.terms if term.deprecated)

    def replacement(self, term: Term) -> Term | None:
        """The term to use instead of deprecated ``term``, if it names one in the glossary."""
        return self.get(term.deprecated_for) if term.deprecated_for else None

    def check_text(
        self,
        text: str,
        *,
        max_sentence_words: int = MAX_SENTENCE_WORDS,
        max_grade: float = MAX_GRADE,
        known: Iterable[str] = (),
    ) -> list[TextFinding]:
        """Check ``text`` as an update for other functions: explain it like they are five.

        Findings, in text order, each with its line, column and span:

        - ``GL101``: an acronym (``CRM``, ``KPIs``, ``SaaS``, ``B2B``, ``Q3``) that is
          neither in the glossary nor spelled out earlier in the text ("Annual
          Recurring Revenue (ARR)" or "ARR (annual recurring revenue)"), or jargon
          (:attr:`jargon`) the glossary does not define; the first use of each.
          Not flagged: ids and names with numbers (``JIRA-123``, ``COVID-19``),
          words in capitals for emphasis (``URGENT``, ``DO NOT``), Roman numerals
          after words such as Phase or Tier (``Phase II``), numbers such as
          ``10K``, names in ``known`` (the org's functions, say: ``IT``), and Markdown
          code, code blocks, comments and link addresses (a link's text is prose).
        - ``GL102``: a deprecated term, with its replacement; every use.
        - ``GL103``: a term the glossary gives plain words for, with them; the first use.
        - ``GL104``: a sentence of more than ``max_sentence_words`` words.
        - ``GL105``: a paragraph (of 30 words or more) whose Flesch-Kincaid grade
          is above ``max_grade``.

        >>> glossary = Glossary([
        ...     Term("ARR", "Yearly value of active subscriptions", "Finance",
        ...          plain_words="yearly subscription revenue"),
        ...     Term("Closed-Won", "A signed deal", "Sales", deprecated_for="Signed"),
        ...     Term("Signed", "A deal the customer signed", "Sales"),
        ... ])
        >>> text = "URGENT: ARR is up. The CRM shows 3 Closed-Won deals in Phase II."
        >>> for finding in glossary.check_text(text):
        ...     print(finding.line, finding.column, finding.code, finding.flagged)
        1 9 GL103 ARR
        1 24 GL101 CRM
        1 36 GL102 Closed-Won

        Added in 0.2.
        """
        return check_text(
            self,
            text,
            max_sentence_words=max_sentence_words,
            max_grade=max_grade,
            jargon=self.jargon,
            known=known,
        )
