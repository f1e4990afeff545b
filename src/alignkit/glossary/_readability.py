"""Readability of English prose, offline: syllables, the Flesch-Kincaid grade and ease.

Internal: import from ``alignkit.glossary``. Nothing is downloaded: syllables are
counted by the usual rules of English spelling (groups of vowels, a silent final
``e``, ``-le``, ``-es`` and ``-ed`` endings) with a short list of exceptions. The
formulas are Kincaid et al. (1975):

- grade = 0.39 x (words / sentences) + 11.8 x (syllables / words) - 15.59
- reading ease = 206.835 - 1.015 x (words / sentences) - 84.6 x (syllables / words)
"""

from __future__ import annotations

import functools
import re
from typing import Final, NamedTuple

__all__ = [
    "TextStats",
    "count_syllables",
    "ease_of",
    "flesch_kincaid_grade",
    "flesch_reading_ease",
    "grade_of",
    "text_stats",
]

_WORD: Final = re.compile(r"[A-Za-z0-9]+(?:[-'\u2019.][A-Za-z0-9]+)*")
_SENTENCE_END: Final = re.compile(r"[.!?]+(?=[\"'\u201d\u2019)\]]*(?:\s|$))")
_ABBREVIATION: Final = re.compile(
    r"\b(?:e\.g|i\.e|etc|vs|mr|mrs|ms|dr|prof|inc|ltd|co|jr|sr|st|no|approx|dept|fig)\.$",
    re.IGNORECASE,
)
_VOWEL_GROUP: Final = re.compile(r"[aeiouy]+")
_VOWELS: Final = frozenset("aeiouy")
_EXCEPTIONS: Final = {
    "the": 1,
    "area": 3,
    "idea": 3,
    "business": 2,
    "every": 2,
    "everyone": 3,
    "people": 2,
    "create": 2,
    "created": 3,
    "creates": 2,
    "science": 2,
    "quiet": 2,
    "being": 2,
    "going": 2,
    "doing": 2,
    "real": 1,
    "really": 2,
    "naive": 2,
    "cooperate": 4,
    "video": 3,
    "radio": 3,
    "period": 3,
    "ratio": 3,
    "via": 2,
    "queue": 1,
    "sometimes": 2,
    "something": 2,
    "somewhere": 2,
    "whereas": 2,
    "therefore": 2,
    "anyone": 3,
    "someone": 2,
    "maybe": 2,
    "forecast": 2,
    "customer": 3,
    "customers": 3,
}
_SILENT_ES: Final = ("ses", "xes", "zes", "ches", "shes", "ges", "ces", "ies")


class TextStats(NamedTuple):
    """What the formulas need: sentences, words and syllables."""

    sentences: int
    words: int
    syllables: int


@functools.lru_cache(maxsize=65536)
def _syllables_of(word: str) -> int:
    letters = re.sub(r"[^a-z]", "", word)
    if not letters:
        return 1
    known = _EXCEPTIONS.get(letters)
    if known is not None:
        return known
    if len(letters) <= 3:  # noqa: PLR2004 - "cat", "fee", "you"
        return 1
    count = len(_VOWEL_GROUP.findall(letters))
    syllabic_le = letters.endswith("le") and letters[-3] not in _VOWELS  # table, little
    if (
        letters.endswith("e")
        and not letters.endswith(("ee", "ye", "ue"))
        and not syllabic_le
        and count > 1
    ):
        count -= 1  # a silent final e: make, sale, whole
    elif letters.endswith("es") and count > 1 and not letters.endswith(_SILENT_ES):
        count -= 1  # makes, rules
    elif letters.endswith("ed") and count > 1 and not letters.endswith(("ted", "ded")):
        count -= 1  # signed, planned
    return max(1, count)


def count_syllables(word: str) -> int:
    """The syllables of ``word`` (at least 1 for a word with a letter or digit).

    An acronym in capitals is read letter by letter (``CRM``: 3; W counts 3); a
    number counts one syllable per group of digits.

    >>> count_syllables("table"), count_syllables("readability"), count_syllables("CRM")
    (2, 5, 3)
    """
    if word.isdigit():
        return 1
    if len(word) > 1 and word.isupper() and word.isalpha():
        return len(word) + 2 * word.count("W")
    return _syllables_of(word.lower())


def text_stats(text: str) -> TextStats:
    """The sentences, words and syllables of ``text``.

    A sentence ends at ``.``, ``!`` or ``?`` before a space or the end (not after
    an abbreviation such as "e.g." or "Dr."); text with words and no end is one
    sentence.
    """
    words = _WORD.findall(text)
    if not words:
        return TextStats(0, 0, 0)
    sentences, after = 0, 0
    for end in _SENTENCE_END.finditer(text):
        if end.group(0).startswith("..") or _ABBREVIATION.search(
            text, max(0, end.start() - 8), end.end()
        ):
            continue  # an ellipsis, or an abbreviation such as "e.g."
        sentences += 1
        after = end.end()
    if not sentences or _WORD.search(text, after):  # words after the last end
        sentences += 1
    return TextStats(sentences, len(words), sum(map(count_syllables, words)))


def grade_of(stats: TextStats) -> float:
    """The Flesch-Kincaid grade of text with these counts (0.0 for no words)."""
    if not stats.words:
        return 0.0
    return 0.39 * stats.words / stats.sentences + 11.8 * stats.syllables / stats.words - 15.59


def ease_of(stats: TextStats) -> float:
    """The Flesch reading ease of text with these counts (100.0, the easiest, for no words)."""
    if not stats.words:
        return 100.0
    return 206.835 - 1.015 * stats.words / stats.sentences - 84.6 * stats.syllables / stats.words


def flesch_kincaid_grade(text: str) -> float:
    """The Flesch-Kincaid grade level of ``text``: the school grade that reads it easily.

    >>> round(flesch_kincaid_grade("The cat sat on the mat."), 2)
    -1.45
    """
    return grade_of(text_stats(text))


def flesch_reading_ease(text: str) -> float:
    """The Flesch reading ease of ``text``: 0 (hard) to 100 (easy), or beyond."""
    return ease_of(text_stats(text))
