"""The ELI5 check of prose; import from ``alignkit.glossary``.

Undefined acronyms and jargon, deprecated terms, long sentences and hard paragraphs.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, Final, Protocol, final

import attrs

from alignkit.diagnostics import Severity
from alignkit.glossary._names import normalised
from alignkit.glossary._readability import TextStats, count_syllables, grade_of

if TYPE_CHECKING:
    from collections.abc import Sequence


class _Term(Protocol):
    """What the check reads of a term (a :class:`~alignkit.glossary.Term`)."""

    @property
    def name(self) -> str: ...
    @property
    def names(self) -> tuple[str, ...]: ...
    @property
    def plain_words(self) -> str | None: ...
    @property
    def deprecated(self) -> bool: ...


class _Glossary(Protocol):
    """What the check reads of a glossary (a :class:`~alignkit.glossary.Glossary`)."""

    @property
    def terms(self) -> Sequence[_Term]: ...
    def __contains__(self, name: object, /) -> bool: ...
    def replacement(self, term: Any, /) -> _Term | None: ...  # noqa: ANN401 - a Term


__all__ = ["DEFAULT_JARGON", "TextFinding", "check_text"]

MAX_SENTENCE_WORDS: Final = 25
MAX_GRADE: Final = 9.0
MIN_GRADED_WORDS: Final = 30
"""Paragraphs shorter than this are not graded: the formula means little on a line or two."""

DEFAULT_JARGON: Final = (
    "synergy",
    "synergies",
    "low-hanging fruit",
    "move the needle",
    "circle back",
    "deep dive",
    "boil the ocean",
    "paradigm shift",
    "net-net",
    "value-add",
    "thought leadership",
    "blue-sky thinking",
    "drill down",
    "touch base",
    "take it offline",
    "idempotent",
    "refactor",
    "refactoring",
    "latency",
    "throughput",
    "race condition",
    "technical debt",
    "tech debt",
    "microservice",
    "microservices",
    "sharding",
    "backfill",
    "hotfix",
)
"""Business and technical jargon flagged unless the glossary defines it."""


@final
@attrs.frozen
class TextFinding:
    """One finding of :meth:`Glossary.check_text <alignkit.glossary.Glossary.check_text>`.

    Attributes:
        line: The line of its start, from 1.
        column: The column of its start, from 1 (in characters).
        span: Where the flagged text is in the checked text: ``text[start:end]``.
        code: Its code (``GL101`` ...).
        message: What is wrong, in words.
        suggestion: What to write instead, where there is something to suggest.
        severity: How serious it is.
        flagged: The flagged text itself.
        end_line: The line of its end.
        end_column: The column of its last character, from 1.

    Added in 0.2.
    """

    line: int
    column: int
    span: tuple[int, int]
    code: str
    message: str
    suggestion: str | None
    severity: Severity
    flagged: str
    end_line: int
    end_column: int


# -- what is not prose ------------------------------------------------------------------------

_FENCE: Final = re.compile(
    r"^[ \t]*(```|~~~)[^\n]*\n.*?(?:^[ \t]*\1[^\n]*$|\Z)", re.MULTILINE | re.DOTALL
)
_CODE_SPAN: Final = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", re.DOTALL)
_URL: Final = re.compile(r"\]\([^)\s]*\)|<?\bhttps?://[^\s>)]+>?|\bwww\.[^\s)]+")
_COMMENT: Final = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_INDENTED: Final = re.compile(r"(?:\A|\n[ \t]*\n)((?:(?: {4}|\t)[^\n]*(?:\n|\Z)|[ \t]*\n)+)")
"""An indented code block: lines indented four spaces (or a tab) after a blank line."""
_LIST_ITEM: Final = re.compile(r"(?:^|\n)[ \t]*(?:[-*+]|\d+[.)])[ \t][^\n]*\n[ \t]*\n$")


def _masked(text: str) -> str:
    """``text`` with code blocks, code spans and URLs blanked out, keeping every offset."""

    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    for pattern in (_FENCE, _COMMENT):
        text = pattern.sub(blank, text)
    for block in reversed(list(_INDENTED.finditer(text))):
        if _LIST_ITEM.search(text, 0, block.start(1)):  # a list item's second paragraph
            continue
        start, end = block.span(1)
        text = text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]
    for pattern in (_CODE_SPAN, _URL):
        text = pattern.sub(blank, text)
    return text


# -- acronyms ------------------------------------------------------------------------------

_TOKEN: Final = re.compile(r"(?<![\w'\u2019&-])[A-Za-z0-9]+(?:[-'\u2019&][A-Za-z0-9]+)*")
_MAGNITUDE: Final = re.compile(r"^\d+(?:\.\d+)?[KkMmBbx]$")
"""A number with a magnitude (10K, 5M, 3x): not an acronym."""
_ROMAN: Final = re.compile(r"^M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")
_NUMBERED: Final = frozenset(
    (  # noqa: SIM905 - a list of words, read as text
        "phase tier level stage part chapter type class grade round series step act "
        "book volume vol section title gen generation release version wave sprint war "
        "appendix article schedule exhibit option plan year"
    ).split()
)
"""Words after which a Roman numeral is a number (Phase II, Tier IV), not an acronym."""
_COMMON: Final = frozenset(
    (  # noqa: SIM905 - a list of words, read as text
        "a an and are as at be by do does don't done for from go has have i if in is it me "
        "new note wait today "
        "must my never no not now of on only or our please read see so stop the this to "
        "up us we will with you your all any"
    ).split()
)
"""Words that, written in capitals beside others, are emphasis (DO NOT, READ THIS)."""
_EVERYDAY: Final = frozenset(
    {"OK", "AM", "PM", "TV", "US", "UK", "EU", "USA", "Q&A", "CEO", "CFO", "COO", "CTO", "VP"}
    | {"HR", "FYI", "PDF"}
)
"""Abbreviations every reader knows: not flagged."""
_ACRONYM_LIKE: Final = frozenset({"i", "a", "us", "it", "me"})
"""Common words that, alone in capitals, are more likely an acronym or a name (IT, US)."""
_EMPHASIS: Final = frozenset(
    (  # noqa: SIM905 - a list of words, read as text
        "urgent important warning caution reminder action required blocker blocked critical "
        "breaking update updated done fixed todo attention alert deadline tomorrow always "
        "should everyone nobody final draft confidential internal external public private "
        "high low medium priority risk issue overdue late live launch launched shipped "
        "released approved rejected pending ready complete completed cancelled canceled "
        "postponed hold free win wins good great bad huge big key thanks thank help need "
        "needed heads yes info information question answer reply respond"
    ).split()
)
"""English words written in capitals for emphasis (URGENT, BLOCKER): not acronyms.

Anything else in capitals is read as an acronym (EBITDA, LATAM), so a word missing here
is flagged rather than an acronym missed."""
_SHORT_MIXED: Final = 5
"""Mixed-case acronyms are short (SaaS, PaaS); longer mixed case is a name (JavaScript)."""


def _without_possessive(part: str) -> str:
    for ending in ("'s", "\u2019s"):
        part = part.removesuffix(ending)
    return part


@functools.lru_cache(maxsize=65536)
def _acronym(part: str) -> str | None:
    """The acronym ``part`` is (plural and possessive removed), or ``None``."""
    part = _without_possessive(part)
    if len(part) < 2 or part.isdigit() or _MAGNITUDE.match(part):  # noqa: PLR2004 - I, A
        return None
    if "'" in part or "\u2019" in part:  # a contraction in capitals: DON'T
        return None
    if part[-1] == "s" and len(part) > 2 and part[:-1].isupper():  # noqa: PLR2004 - KPIs
        part = part[:-1]
    upper = sum(c.isupper() for c in part)
    lower = sum(c.islower() for c in part)
    digits = sum(c.isdigit() for c in part)
    upper += part.count("&")  # R&D, P&L: the ampersand stands for a word
    if not part[0].isupper() and not (part[0].isdigit() and upper):
        return None
    if lower == 0 and (upper >= 2 or (upper == 1 and digits)):  # noqa: PLR2004 - CRM, Q3, B2B
        return part
    if upper >= 2 and lower and len(part) <= _SHORT_MIXED and not digits:  # noqa: PLR2004 - SaaS
        return part
    return None


def _emphasis_words(masked: str, tokens: list[re.Match[str]]) -> set[int]:
    """The starts of words in capitals written for emphasis (URGENT, DO NOT)."""
    emphatic: set[int] = set()
    capitals = [t for t in tokens if t.group(0).isalpha() and t.group(0).isupper()]
    run: list[re.Match[str]] = []

    def close() -> None:
        words = [t.group(0) for t in run]
        common = sum(w.lower() in _COMMON for w in words)
        for token, word in zip(run, words, strict=True):
            lower = word.lower()
            if (
                (lower in _COMMON and (len(run) > 1 or lower not in _ACRONYM_LIKE))
                or lower in _EMPHASIS
                or (len(run) >= 3 and common * 2 >= len(run))  # noqa: PLR2004 - DO NOT SHIP THIS
            ):
                emphatic.add(token.start())

    for token in capitals:
        if run and masked[run[-1].end() : token.start()].strip(" \t") == "":
            run.append(token)
            continue
        if run:
            close()
        run = [token]
    if run:
        close()
    return emphatic


def _is_numbered(masked: str, token: re.Match[str]) -> bool:
    """A Roman numeral after a word like Phase or Tier: a number."""
    word = token.group(0)
    if not _ROMAN.match(word):
        return False
    before = re.search(r"([A-Za-z]+)\s+$", masked[max(0, token.start() - 40) : token.start()])
    return before is not None and before.group(1).lower() in _NUMBERED


def _initials(phrase: str) -> str:
    return "".join(word[0].lower() for word in re.findall(r"[A-Za-z0-9]+", phrase))


def _spelled_out(acronym: str, phrase: str) -> bool:
    """Whether ``phrase`` spells ``acronym`` out: its letters, in order, start its words."""
    letters = [c.lower() for c in acronym if c.isalpha()]
    initials = _initials(phrase)
    if not letters or not initials or initials[0] != letters[0]:
        return False
    found = 0
    for initial in initials:
        if found < len(letters) and initial == letters[found]:
            found += 1
    return found == len(letters)


_AFTER_PHRASE: Final = re.compile(r"\(\s*([A-Za-z0-9][A-Za-z0-9&'\u2019-]*)\s*\)")
_PHRASE_AFTER: Final = re.compile(r"[ \t]*\(\s*([A-Za-z][^()\n]{2,80}?)\s*\)")


def _definitions(masked: str) -> dict[str, int]:
    """Acronyms defined inline, and the offset from which each counts as defined.

    "Annual Recurring Revenue (ARR)" defines ARR from the parenthesis on;
    "ARR (annual recurring revenue)" from the acronym itself.
    """
    defined: dict[str, int] = {}
    for match in _AFTER_PHRASE.finditer(masked):
        acronym = _acronym(match.group(1))
        if acronym is None:
            continue
        words = re.findall(
            r"[A-Za-z0-9][\w'\u2019-]*", masked[max(0, match.start() - 120) : match.start()]
        )
        window = words[-2 * len(acronym) - 2 :]
        for start in range(len(window)):
            if _spelled_out(acronym, " ".join(window[start:])):
                defined.setdefault(acronym, match.start())
                break
    for token in _TOKEN.finditer(masked):
        acronym = _acronym(token.group(0))
        if acronym is None:
            continue
        after = _PHRASE_AFTER.match(masked, token.end())
        if after is not None and _spelled_out(acronym, after.group(1)):
            known = defined.get(acronym)
            if known is None or token.start() < known:
                defined[acronym] = token.start()
    return defined


# -- sentences and paragraphs ------------------------------------------------------------------

_ABBREVIATIONS: Final = frozenset(
    (  # noqa: SIM905 - a list of words, read as text
        "e.g i.e etc vs mr mrs ms dr prof inc ltd co corp jr sr st no approx dept est fig"
    ).split()
)
_SENTENCE_END: Final = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s|$)")
_BREAK: Final = re.compile(r"\n[ \t]*\n|\n(?=[ \t]*(?:[-*+]|\d+[.)]|#+)[ \t])")
_PARAGRAPH: Final = re.compile(r"\n[ \t]*\n")
_WORD: Final = re.compile(r"[A-Za-z0-9]+(?:(?:[-'\u2019.]|(?<=\d),(?=\d{3}))[A-Za-z0-9]+)*")
"""A word, as a reader counts it: ``3.5``, ``e.g``, ``Closed-Won`` and ``don't`` are one."""


def _blocks(masked: str, pattern: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    start = 0
    for match in pattern.finditer(masked):
        yield start, match.start()
        start = match.end()
    yield start, len(masked)


def _sentences(masked: str) -> Iterator[tuple[int, int]]:
    """The sentences of ``masked``, as offsets; a line break of a list or paragraph ends one."""
    for block_start, block_end in _blocks(masked, _BREAK):
        start = block_start
        for end in _SENTENCE_END.finditer(masked, block_start, block_end):
            if end.group(0).startswith(".."):
                continue  # an ellipsis goes on
            before = re.search(r"([A-Za-z.]+)$", masked[start : end.start()])
            if before is not None and before.group(1).rstrip(".").lower() in _ABBREVIATIONS:
                continue
            yield start, end.end()
            start = end.end()
        if masked[start:block_end].strip():
            yield start, block_end


def _trimmed(masked: str, start: int, end: int) -> tuple[int, int]:
    while start < end and masked[start].isspace():
        start += 1
    while end > start and masked[end - 1].isspace():
        end -= 1
    return start, end


# -- the check -------------------------------------------------------------------------------


class _Lines:
    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def place(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1


def _terms_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    written = sorted({n.strip() for n in names if n.strip()}, key=len, reverse=True)
    if not written:
        return None
    alternatives = "|".join(r"[\s-]+".join(map(re.escape, re.split(r"[\s-]+", n))) for n in written)
    # A plural or a possessive is the same term: MQLs, the CRM's.
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?:s|'s|\u2019s)?(?![\w-])", re.IGNORECASE)


def check_text(
    glossary: _Glossary,
    text: str,
    *,
    max_sentence_words: int = MAX_SENTENCE_WORDS,
    max_grade: float = MAX_GRADE,
    jargon: Iterable[str] = DEFAULT_JARGON,
    known: Iterable[str] = (),
) -> list[TextFinding]:
    """Check ``text`` as an update for other functions; the findings, in text order.

    See :meth:`Glossary.check_text <alignkit.glossary.Glossary.check_text>`.
    """
    masked = _masked(text)
    lines = _Lines(text)
    found: list[TextFinding] = []

    def add(
        start: int, end: int, code: str, message: str, suggestion: str | None, severity: Severity
    ) -> None:
        line, column = lines.place(start)
        end_line, end_column = lines.place(max(start, end - 1))
        found.append(
            TextFinding(
                line,
                column,
                (start, end),
                code,
                message,
                suggestion,
                severity,
                text[start:end],
                end_line,
                end_column,
            )
        )

    _acronym_findings(glossary, masked, add, frozenset(known))
    _term_findings(glossary, masked, add, jargon)
    for first, last in _sentences(masked):
        start, end = _trimmed(masked, first, last)
        words = len(_WORD.findall(masked, start, end))
        if words > max_sentence_words:
            add(
                start,
                end,
                "GL104",
                f"This sentence has {words} words; keep sentences to {max_sentence_words}",
                "Split it in two, or cut what the reader does not need",
                Severity.WARNING,
            )
    for first, last in _blocks(masked, _PARAGRAPH):
        start, end = _trimmed(masked, first, last)
        tokens: list[str] = _WORD.findall(masked, start, end)
        if len(tokens) < MIN_GRADED_WORDS:
            continue
        # Sentences as above: a list item or a heading is one, though it has no full stop.
        sentences = sum(1 for _ in _sentences(masked[start:end]))
        grade = grade_of(TextStats(sentences, len(tokens), sum(map(count_syllables, tokens))))
        if grade > max_grade:
            add(
                start,
                end,
                "GL105",
                f"This paragraph reads at grade {grade:.1f} (Flesch-Kincaid); keep updates "
                f"for other functions at grade {max_grade:g} or below",
                "Use shorter sentences and everyday words",
                Severity.WARNING,
            )
    found.sort(key=lambda f: (f.span[0], f.code))
    return found


def _acronym_findings(glossary: _Glossary, masked: str, add: _Add, known: frozenset[str]) -> None:
    tokens = list(_TOKEN.finditer(masked))
    emphatic = _emphasis_words(masked, tokens)
    defined = _definitions(masked)
    reported: set[str] = set()
    for token in tokens:
        parts = re.split(r"[-]", token.group(0))
        if any(part.isdigit() for part in parts):  # an id or a name with a number: JIRA-123
            continue
        offset = token.start()
        for part in parts:
            start = offset
            offset += len(part) + 1
            acronym = _acronym(part)
            if acronym is None or acronym in reported or acronym in _EVERYDAY:
                continue
            if start in emphatic or (len(parts) == 1 and _is_numbered(masked, token)):
                continue
            if acronym in glossary or part in glossary or acronym in known:
                continue
            since = defined.get(acronym)
            if since is not None and since <= start:
                continue
            reported.add(acronym)
            add(
                start,
                start + len(_without_possessive(part)),
                "GL101",
                f"`{acronym}` is neither in the glossary nor spelled out",
                f"Spell it out the first time: `Full Name ({acronym})`, or add it to the glossary",
                Severity.WARNING,
            )


def _term_findings(glossary: _Glossary, masked: str, add: _Add, jargon: Iterable[str]) -> None:
    flagged: dict[str, _Term] = {
        normalised(written): each
        for each in glossary.terms
        if each.deprecated or each.plain_words
        for written in each.names
    }
    known_jargon = [j for j in jargon if j not in glossary]
    jargon_keys = {normalised(j) for j in known_jargon}
    pattern = _terms_pattern([*flagged, *known_jargon])
    if pattern is None:
        return
    seen: set[str] = set()
    for match in pattern.finditer(masked):
        key = normalised(match.group(0))
        for ending in ("'s", "\u2019s", "s"):  # the plural or possessive of a term
            if key not in flagged and key not in jargon_keys and key.endswith(ending):
                key = key.removesuffix(ending)
        term = flagged.get(key)
        if term is not None and term.deprecated:
            replacement = glossary.replacement(term)
            instead = replacement.name if replacement is not None else term.plain_words
            add(
                match.start(),
                match.end(),
                "GL102",
                f"`{match.group(0)}` is deprecated"
                + (f": the glossary says `{instead}`" if instead else ""),
                f"Write `{instead}`" if instead else None,
                Severity.WARNING,
            )
        elif term is not None and term.name not in seen:
            seen.add(term.name)
            add(
                match.start(),
                match.end(),
                "GL103",
                f"`{match.group(0)}` has plain words for other functions: `{term.plain_words}`",
                f"Write `{term.plain_words}`",
                Severity.INFO,
            )
        elif term is None and key not in seen:
            seen.add(key)
            add(
                match.start(),
                match.end(),
                "GL101",
                f"`{match.group(0)}` is jargon the glossary does not define",
                "Say what it means in everyday words, or add it to the glossary",
                Severity.WARNING,
            )


if TYPE_CHECKING:
    from collections.abc import Callable

    _Add = Callable[[int, int, str, str, "str | None", Severity], None]
