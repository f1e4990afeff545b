"""The rules of the shared language (``GL``): documentation beside the checks."""

from __future__ import annotations

from typing import Final

from alignkit._rule import SALES_OPS, Rule
from alignkit.diagnostics import Severity

__all__ = [
    "ALIAS_SHADOWS_TERM",
    "CHAMPION_OUTSIDE_FUNCTIONS",
    "DEPRECATED_TERM_USED",
    "DEPRECATED_WITHOUT_REPLACEMENT",
    "MISSING_CHAMPION",
    "PLAIN_WORDS_AVAILABLE",
    "READING_GRADE_TOO_HIGH",
    "RULES",
    "SENTENCE_TOO_LONG",
    "TERM_DEFINED_TWICE",
    "UNDEFINED_ACRONYM",
    "UNRATIFIED_TERM",
]

_OPS_PEOPLE = "    - {id: ops-analyst, name: Ana Ruiz, function: Operations, manager: vp-ops}\n"
_HEAD = SALES_OPS + _OPS_PEOPLE + "glossary:\n  terms:\n"
_RATIFIED = ", ratified_by: [Sales, Operations]"


def _term(name: str, definition: str, extra: str = _RATIFIED) -> str:
    return f'    - {{name: {name}, definition: "{definition}", owner: Sales{extra}}}\n'


_BOOKINGS = _term("Bookings", "Value of contracts signed in the period")
_CHAMPION = "  champions:\n    - {functions: [Sales, Operations], person: vp-sales}\n"
_HANDOFFS = "handoffs: {sending: Sales, receiving: Operations}\n"

TERM_DEFINED_TWICE: Final = Rule(
    code="GL001",
    name="term-defined-twice",
    severity=Severity.ERROR,
    summary="Two terms of the glossary have the same name, or share an alias.",
    what=(
        "Reports a term whose name or alias is already the name or an alias of an "
        "earlier term, or that lists the same alias twice; names are compared without "
        "regard to case or spaces."
    ),
    why=(
        "A shared language has one definition per term. Two definitions of the same "
        "word are the misunderstanding the glossary exists to end."
    ),
    example=_HEAD + _BOOKINGS + _term("bookings", "Deals closed this quarter"),
    use_instead=_HEAD + _BOOKINGS,
    fix="Merge the two definitions into one, agreed by every function",
    target="the term's name, as written",
)

ALIAS_SHADOWS_TERM: Final = Rule(
    code="GL002",
    name="alias-shadows-term",
    severity=Severity.ERROR,
    summary="A term's alias is the name of another term.",
    what="Reports an alias that is the name of another term of the glossary.",
    why=(
        "The alias claims the word for one definition while the glossary defines it "
        "as another: readers cannot tell which applies."
    ),
    example=_HEAD
    + _BOOKINGS
    + _term("ACV", "Yearly value of one contract", ", aliases: [Bookings]" + _RATIFIED),
    use_instead=_HEAD
    + _BOOKINGS
    + _term(
        "ACV", "Yearly value of one contract", ", aliases: [annual contract value]" + _RATIFIED
    ),
    fix="Remove the alias, or merge the two terms",
    target="the alias, as written",
)

DEPRECATED_WITHOUT_REPLACEMENT: Final = Rule(
    code="GL003",
    name="deprecated-without-replacement",
    severity=Severity.WARNING,
    summary="A deprecated term names no replacement, or one the glossary does not have.",
    what=(
        "Reports a term marked `deprecated: true` without `deprecated_for`, or whose "
        "`deprecated_for` is not a term of the glossary."
    ),
    why=(
        "People stop using a word only when they know what to say instead; without a "
        "replacement the old word lives on."
    ),
    example=_HEAD
    + _BOOKINGS
    + _term("Closed-Won", "A signed deal", ", deprecated: true" + _RATIFIED),
    use_instead=_HEAD
    + _BOOKINGS
    + _term("Signed", "A deal the customer signed")
    + _term("Closed-Won", "A signed deal", ", deprecated_for: Signed" + _RATIFIED),
    fix="Name the term to use instead with `deprecated_for`",
    target="the deprecated term's name, as written",
)

UNRATIFIED_TERM: Final = Rule(
    code="GL004",
    name="unratified-term",
    severity=Severity.WARNING,
    summary="A term is not yet ratified by every function that must agree.",
    what=(
        "Reports a term whose `ratified_by` misses a function of `ratifiers` (every "
        "function of the org when `ratifiers` is left out); the message names them."
    ),
    why=(
        "A definition one department wrote is that department's language, not a shared "
        "one: until every function agrees, the same word still means different things."
    ),
    example=_HEAD + _term("Bookings", "Value of contracts signed", ", ratified_by: [Sales]"),
    use_instead=_HEAD + _BOOKINGS,
    fix="Have the missing functions review and ratify the definition",
    target="the term's name, as written",
)

MISSING_CHAMPION: Final = Rule(
    code="GL005",
    name="missing-champion",
    severity=Severity.WARNING,
    summary="Two functions that hand off or decide together have no translation champion.",
    what=(
        "Reports a pair of functions that hand off to each other (the `handoffs` "
        "section) or hold roles in the same decision (other than informed) without a "
        "champion in `champions`."
    ),
    why=(
        "Functions that must work together need someone both trust to translate their "
        "language: without one, misunderstandings travel up to the managers."
    ),
    example=_HANDOFFS + _HEAD + _BOOKINGS,
    use_instead=_HANDOFFS + _HEAD + _BOOKINGS + _CHAMPION,
    fix="Name a person both functions respect under `champions`",
    target="the two functions, as Sales/Operations, in the order the file first pairs them",
)

CHAMPION_OUTSIDE_FUNCTIONS: Final = Rule(
    code="GL006",
    name="champion-outside-functions",
    severity=Severity.WARNING,
    summary="A champion belongs to neither function's reporting chain and is not accepted by both.",
    what=(
        "Reports a champion who is in neither function, nor a manager above either "
        "function's head, unless both functions are listed in `accepted_by`."
    ),
    why=(
        "A translator neither side knows has no standing with them: both functions must "
        "trust the champion, by belonging or by explicit acceptance."
    ),
    example=SALES_OPS.replace(
        "  people:\n",
        "    - {name: IT, head: cio}\n  people:\n    - {id: cio, name: Kim Lee, function: IT}\n",
    )
    + "glossary:\n  champions:\n    - {functions: [Sales, Operations], person: cio}\n",
    use_instead=SALES_OPS.replace(
        "  people:\n",
        "    - {name: IT, head: cio}\n  people:\n    - {id: cio, name: Kim Lee, function: IT}\n",
    )
    + "glossary:\n  champions:\n"
    + "    - {functions: [Sales, Operations], person: cio, accepted_by: [Sales, Operations]}\n",
    fix="Choose someone from either function, or record that both accept this person",
    target="the champion's person id",
)

UNDEFINED_ACRONYM: Final = Rule(
    code="GL101",
    name="undefined-acronym",
    severity=Severity.WARNING,
    summary="Prose uses an acronym or jargon that is neither in the glossary nor spelled out.",
    what=(
        "Reports the first use of an acronym (`CRM`, `KPIs`, `SaaS`, `B2B`, `Q3`) or "
        "of jargon (`synergy`, `deep dive`, `idempotent` ...) that the glossary does not "
        "define and the text has not spelled out before (`Annual Recurring Revenue "
        "(ARR)` or `ARR (annual recurring revenue)`). Ids (`JIRA-123`), words in "
        "capitals for emphasis (`URGENT`), Roman numerals (`Phase II`) and Markdown "
        "code are left alone. `alignkit check` reads the glossary's definitions; "
        "`alignkit eli5` any text."
    ),
    why=(
        "An acronym one function uses daily is noise to another: the update that was "
        "meant to align them is skimmed and misread."
    ),
    example=_HEAD + _term("Bookings", "Contracts signed in the CRM"),
    use_instead=_HEAD + _term("Bookings", "Contracts signed in the sales system"),
    fix="Spell it out the first time, or add it to the glossary",
    target="the acronym or jargon, as written",
)

DEPRECATED_TERM_USED: Final = Rule(
    code="GL102",
    name="deprecated-term-used",
    severity=Severity.WARNING,
    summary="Prose uses a deprecated term.",
    what="Reports every use of a deprecated term (or its aliases), with the term to use instead.",
    why="The glossary retired the word because it meant different things to different people.",
    example=_HEAD
    + _term("Signed", "A deal the customer signed")
    + _term("Closed-Won", "A signed deal", ", deprecated_for: Signed" + _RATIFIED)
    + _term("Kick-off", "The first meeting after a deal is Closed-Won"),
    use_instead=_HEAD
    + _term("Signed", "A deal the customer signed")
    + _term("Closed-Won", "A signed deal", ", deprecated_for: Signed" + _RATIFIED)
    + _term("Kick-off", "The first meeting after a deal is signed"),
    fix="Write the replacement the message names",
    target="the deprecated term, as written",
)

PLAIN_WORDS_AVAILABLE: Final = Rule(
    code="GL103",
    name="plain-words-available",
    severity=Severity.INFO,
    summary="Prose uses a term the glossary gives plain words for.",
    what="Reports the first use of a term that has `plain_words`, suggesting them.",
    why=(
        "A term can be right and still be jargon to the reader: plain words carry the "
        "same meaning to every function."
    ),
    example=_HEAD
    + _term(
        "ARR", "Yearly value of active subscriptions", ", plain_words: yearly revenue" + _RATIFIED
    )
    + _term("Bookings", "Contracts signed; they add to ARR"),
    use_instead=_HEAD
    + _term(
        "ARR", "Yearly value of active subscriptions", ", plain_words: yearly revenue" + _RATIFIED
    )
    + _term("Bookings", "Contracts signed; they add to yearly revenue"),
    fix="Use the plain words the message suggests",
    target="the term, as written",
)

_LONG = (
    "Value of every contract that a customer has signed in the period, counted on the day "
    "of signature and before any discount, credit or refund that may follow in later periods"
)

SENTENCE_TOO_LONG: Final = Rule(
    code="GL104",
    name="sentence-too-long",
    severity=Severity.WARNING,
    summary="A sentence is longer than the limit (25 words by default).",
    what=(
        "Reports a sentence with more words than `max_sentence_words` (under `lint: "
        "{glossary: ...}`); a list item or a heading ends a sentence."
    ),
    why="Long sentences lose readers from other functions before the point arrives.",
    example=_HEAD + _term("Bookings", _LONG),
    use_instead=_HEAD
    + _term("Bookings", "Value of contracts signed in the period. Counted before discounts"),
    fix="Split the sentence, or cut what the reader does not need",
    options="`max_sentence_words` (25)",
    target="the sentence's first words, as written",
)

_HARD = (
    "Organisational interdependencies necessitate comprehensive documentation. "
    "Contractual obligations, implementation methodologies and operational "
    "responsibilities require unambiguous specification. Representatives "
    "collaboratively prioritise deliverables, considering technological "
    "infrastructure limitations and regulatory requirements. Stakeholders "
    "subsequently evaluate organisational performance indicators quarterly"
)

READING_GRADE_TOO_HIGH: Final = Rule(
    code="GL105",
    name="reading-grade-too-high",
    severity=Severity.WARNING,
    summary="A paragraph reads above the grade limit (Flesch-Kincaid, 9 by default).",
    what=(
        "Reports a paragraph of 30 words or more whose Flesch-Kincaid grade is above "
        "`max_grade` (under `lint: {glossary: ...}`)."
    ),
    why=(
        "Explain it like they are five: an update every function can read at a glance "
        "is one every function acts on."
    ),
    example=_HEAD + _term("Handoff", _HARD),
    use_instead=_HEAD
    + _term(
        "Handoff",
        "The moment Sales gives a new customer to the team that sets them up. Sales "
        "writes down what was sold and what the customer needs. The other team checks "
        "it and says yes or asks what is missing",
    ),
    fix="Use shorter sentences and everyday words",
    options="`max_grade` (9.0)",
    target="the paragraph's first words, as written",
)

RULES: Final = (
    TERM_DEFINED_TWICE,
    ALIAS_SHADOWS_TERM,
    DEPRECATED_WITHOUT_REPLACEMENT,
    UNRATIFIED_TERM,
    MISSING_CHAMPION,
    CHAMPION_OUTSIDE_FUNCTIONS,
    UNDEFINED_ACRONYM,
    DEPRECATED_TERM_USED,
    PLAIN_WORDS_AVAILABLE,
    SENTENCE_TOO_LONG,
    READING_GRADE_TOO_HIGH,
)
"""Every GL code, in order."""
