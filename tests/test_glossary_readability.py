"""alignkit.glossary's readability measures: syllables, and the Flesch-Kincaid formulas."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alignkit.glossary._readability import (
    TextStats,
    count_syllables,
    ease_of,
    flesch_kincaid_grade,
    flesch_reading_ease,
    grade_of,
    text_stats,
)

# Syllables as Merriam-Webster divides the words.
SYLLABLES = {
    "cat": 1,
    "deal": 1,
    "make": 1,
    "makes": 1,
    "signed": 1,
    "planned": 1,
    "queue": 1,
    "the": 1,
    "free": 1,
    "sale": 1,
    "table": 2,
    "little": 2,
    "people": 2,
    "business": 2,
    "every": 2,
    "customer": 3,
    "quiet": 2,
    "going": 2,
    "boxes": 2,
    "changes": 2,
    "started": 2,
    "needed": 2,
    "update": 2,
    "contract": 2,
    "handoff": 2,
    "revenue": 3,
    "company": 3,
    "agreement": 3,
    "idea": 3,
    "area": 3,
    "delivery": 4,
    "quarterly": 3,
    "activity": 4,
    "organisation": 5,
    "readability": 5,
    "responsibility": 6,
    "communication": 5,
    "implementation": 5,
    "policies": 3,
}


class TestSyllables:
    @pytest.mark.parametrize(("word", "count"), SYLLABLES.items())
    def test_dictionary_counts(self, word: str, count: int):
        assert count_syllables(word) == count

    def test_case_does_not_matter_but_acronyms_are_spelled(self):
        assert count_syllables("Revenue") == count_syllables("revenue")
        assert count_syllables("CRM") == 3  # C-R-M
        assert count_syllables("WWW") == 9  # double-u, three times
        assert count_syllables("2026") == 1

    @settings(max_examples=300)
    @given(word=st.text(alphabet=st.characters(categories=["L", "Nd"]), min_size=1, max_size=20))
    def test_every_word_has_at_least_one_syllable(self, word: str):
        assert count_syllables(word) >= 1


class TestFormulas:
    def test_published_coefficients(self):
        """Kincaid et al. (1975): 100 words, 5 sentences, 150 syllables."""
        stats = TextStats(sentences=5, words=100, syllables=150)
        assert grade_of(stats) == pytest.approx(0.39 * 20 + 11.8 * 1.5 - 15.59)  # 9.91
        assert grade_of(stats) == pytest.approx(9.91)
        assert ease_of(stats) == pytest.approx(206.835 - 1.015 * 20 - 84.6 * 1.5)  # 59.635
        assert ease_of(stats) == pytest.approx(59.635)

    def test_hand_counted_text(self):
        # "The cat sat on the mat." 1 sentence, 6 words, 6 syllables.
        # "Sales signed a new customer." 1 sentence, 5 words, 1+1+1+1+3 = 7 syllables.
        text = "The cat sat on the mat. Sales signed a new customer."
        assert text_stats(text) == TextStats(2, 11, 13)
        assert flesch_kincaid_grade(text) == pytest.approx(0.39 * 11 / 2 + 11.8 * 13 / 11 - 15.59)
        assert flesch_reading_ease(text) == pytest.approx(206.835 - 1.015 * 11 / 2 - 84.6 * 13 / 11)

    def test_sentence_ends(self):
        assert text_stats("Is it done? Yes! It is... mostly.").sentences == 3
        assert text_stats("We grew 3.5 percent, e.g. in Q3, as Dr. Lee said.").sentences == 1
        assert text_stats("No full stop at the end").sentences == 1
        assert text_stats('"Done." She left.').sentences == 2

    def test_empty_text(self):
        assert text_stats("   ") == TextStats(0, 0, 0)
        assert (flesch_kincaid_grade(""), flesch_reading_ease("")) == (0.0, 100.0)

    @settings(max_examples=200)
    @given(
        sentences=st.lists(
            st.lists(
                st.sampled_from(["deal", "customer", "signed", "the", "quarterly"]),
                min_size=1,
                max_size=12,
            ),
            min_size=1,
            max_size=8,
        )
    )
    def test_counts_and_grade(self, sentences: list[list[str]]):
        text = " ".join(" ".join(words) + "." for words in sentences)
        stats = text_stats(text)
        assert stats.sentences == len(sentences)
        assert stats.words == sum(map(len, sentences))
        assert stats.syllables >= stats.words
        assert math.isfinite(flesch_kincaid_grade(text))
        longer = text_stats(text + " One more.")
        assert longer.sentences == stats.sentences + 1
