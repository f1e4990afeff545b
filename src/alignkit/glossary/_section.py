"""The ``glossary:`` section: terms, translation champions and the ELI5 limits."""

from __future__ import annotations

from collections.abc import Iterator

import attrs
from pydantic import Field

from alignkit._spec import NAME_PATTERN, SpecModel, TupleOf
from alignkit.diagnostics import Location
from alignkit.errors import Problem, SpecError
from alignkit.glossary._model import Glossary, Term
from alignkit.glossary._names import normalised
from alignkit.glossary._text import DEFAULT_JARGON, MAX_GRADE, MAX_SENTENCE_WORDS

__all__ = ["ChampionSpec", "GlossaryLint", "GlossarySection", "TermSpec"]


class TermSpec(SpecModel):
    """A term as the file declares it (see :class:`~alignkit.glossary.Term`).

    Added in 0.2.
    """

    name: str = Field(
        min_length=1, pattern=NAME_PATTERN, description="The term as people write it."
    )
    definition: str = Field(min_length=1, description="One definition, in plain words.")
    owner: str = Field(min_length=1, description="The function that owns the definition.")
    aliases: TupleOf[str] = Field(default=(), description="Other ways the term is written.")
    plain_words: str | None = Field(
        default=None, description="What to say instead in updates for other functions."
    )
    ratified_by: TupleOf[str] = Field(
        default=(), description="The functions that have agreed to the definition."
    )
    deprecated_for: str | None = Field(default=None, description="The term to use instead.")
    deprecated: bool = Field(
        default=False, description="Deprecated, whether or not a replacement is named."
    )

    def to_term(self) -> Term:
        """The :class:`~alignkit.glossary.Term` this declares."""
        return Term(
            self.name,
            self.definition,
            self.owner,
            aliases=self.aliases,
            plain_words=self.plain_words,
            ratified_by=frozenset(self.ratified_by),
            deprecated_for=self.deprecated_for,
            deprecated=self.deprecated,
        )


class ChampionSpec(SpecModel):
    """A translation champion: a person both functions of a pair respect and ask.

    Added in 0.2.
    """

    functions: TupleOf[str] = Field(
        min_length=2, max_length=2, description="The two functions the champion translates between."
    )
    person: str = Field(min_length=1, description="The champion's person id.")
    accepted_by: TupleOf[str] = Field(
        default=(),
        description="Functions that accept the champion from outside its reporting chain.",
    )


class GlossaryLint(SpecModel):
    """The ELI5 limits (``lint: {glossary: ...}``), for `alignkit check` and `alignkit eli5`.

    Added in 0.2.
    """

    max_sentence_words: int = Field(
        default=MAX_SENTENCE_WORDS, ge=5, le=200, description="The longest sentence, in words."
    )
    max_grade: float = Field(
        default=MAX_GRADE,
        ge=0,
        le=30,
        description="The highest Flesch-Kincaid grade of a paragraph (of 30 words or more).",
    )


class GlossarySection(SpecModel):
    """The ``glossary`` section: the shared language and who translates between functions.

    >>> section = GlossarySection.model_validate({"terms": [
    ...     {"name": "ARR", "definition": "Yearly value of active subscriptions",
    ...      "owner": "Finance", "ratified_by": ["Finance", "Sales"]},
    ... ]})
    >>> section.glossary()["arr"].owner_function
    'Finance'

    Added in 0.2.
    """

    terms: TupleOf[TermSpec] = Field(default=(), description="The terms, one definition each.")
    ratifiers: TupleOf[str] = Field(
        default=(),
        description="The functions that must ratify each term (every function when left out).",
    )
    champions: TupleOf[ChampionSpec] = Field(
        default=(), description="Translation champions, one per pair of functions."
    )
    jargon: TupleOf[str] = Field(
        default=(), description="More words and phrases to flag unless the glossary defines them."
    )

    def glossary(self, *, strict: bool = True) -> Glossary:
        """The :class:`~alignkit.glossary.Glossary` this declares.

        Args:
            strict: Refuse a name or alias used twice (a ``SpecError``); else the
                first term to use it keeps it, as ``alignkit check`` reads the file
                after reporting ``GL001`` and ``GL002``.
        """
        terms = [spec.to_term() for spec in self.terms]
        if not strict:
            terms = list(_first_of_each(terms))
        try:
            return Glossary(
                terms, ratifiers=frozenset(self.ratifiers), jargon=(*DEFAULT_JARGON, *self.jargon)
            )
        except SpecError as error:  # at their place in the file
            raise SpecError(
                [
                    Problem(p.message, Location(path=("glossary", *p.location.path)))
                    for p in error.problems
                ]
            ) from None


def _first_of_each(terms: list[Term]) -> Iterator[Term]:
    """The terms without the names and aliases an earlier term uses already."""
    taken: set[str] = set()
    names = {normalised(t.name) for t in terms}
    for term in terms:
        key = normalised(term.name)
        if key in taken:
            continue
        taken.add(key)
        aliases = []
        for alias in term.aliases:
            written = normalised(alias)
            if written in taken or written in names:
                continue
            taken.add(written)
            aliases.append(alias)
        yield attrs.evolve(term, aliases=tuple(aliases))
