"""alignkit.review: blame-free post-mortems and the cross-team review agenda."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alignkit.errors import SpecError
from alignkit.handoff import DealEvent, HandoffDesk, HandoffPackage
from alignkit.org import Function, Org, Person
from alignkit.review import (
    FRICTION_CATEGORIES,
    Friction,
    PostMortem,
    post_mortem_summary,
)

AT = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
ORG = Org(
    functions=[Function("Sales", head="vp-sales"), Function("Operations", head="vp-ops")],
    people=[
        Person("vp-sales", "Sam Okafor", "Sales"),
        Person("ae-1", "Lee Park", "Sales", manager="vp-sales"),
        Person("vp-ops", "Priya Nair", "Operations"),
        Person("onb-1", "Ana Ruiz", "Operations", manager="vp-ops"),
    ],
)


def named(text: str) -> list[str]:
    pm = PostMortem("D-1", [Friction("other", text)])
    return [d.message for d in pm.check(ORG)]


class TestBlameFree:
    @pytest.mark.parametrize(
        ("text", "name"),
        [
            ("Lee Park promised go-live in May", "Lee Park"),
            ("lee park promised go-live in May", "lee park"),
            ("ae-1 promised go-live in May", "ae-1"),
            ("AE-1 promised go-live", "AE-1"),
            ("Priya asked for the SOW late", "Priya"),
            ("As Okafor said, pricing was open", "Okafor"),
        ],
    )
    def test_a_person_named_any_way_is_refused(self, text: str, name: str):
        """By id, full name (any case) or a capitalised first or last name."""
        (message,) = named(text)
        assert f"names `{name}`" in message

    @pytest.mark.parametrize(
        "text",
        [
            "The deal was parked for a month",
            "Go-live promised before scoping",
            "Sales assumed the integration was standard",
            "The SOW left the park-and-ride data out",
        ],
    )
    def test_ordinary_words_are_not_names(self, text: str):
        """`park` in lower case, functions and hyphenated words are fine."""
        assert named(text) == []

    def test_the_change_is_checked_too(self):
        """A proposed change naming someone is refused as well, at its own place."""
        pm = PostMortem(
            "D-9", [Friction("pricing", "Discount before margin", "Ana Ruiz signs off")]
        )
        (finding,) = pm.check(ORG)
        assert finding.location is not None
        assert finding.location.path == ("friction", 0, "change")
        assert finding.target == "D-9"

    @given(st.sampled_from(ORG.people), st.text(alphabet="abc .,", max_size=20))
    def test_any_full_name_anywhere_is_found(self, person: Person, filler: str):
        """Whatever surrounds it, a full name is reported."""
        assert named(f"{filler} {person.name}. {filler}".strip() or person.name)


class TestFromHandoff:
    def test_a_draft_has_one_friction_per_red_flag(self):
        """Red flags become friction: the flag's reason is the assumption, the change is open."""
        desk = HandoffDesk(ORG)
        desk.receive(DealEvent("w1", "D-7", "Closed-Won", AT, {"owner": "ae-1"}))
        desk.submit(
            "D-7", HandoffPackage("D-7", "Globex", "Sales", "Operations", owner="ae-1"), "ae-1", AT
        )
        desk.flag("D-7", "onb-1", "SOW does not say who migrates the data", "scope", AT)
        desk.flag("D-7", "onb-1", "Go-live date not agreed", "Timeline", AT)
        desk.flag("D-7", "onb-1", "Logo missing", "branding", AT)
        draft = PostMortem.from_handoff(desk.get("D-7"))
        assert [(f.category, f.assumption, f.change) for f in draft.friction] == [
            ("scope", "SOW does not say who migrates the data", ""),
            ("timeline", "Go-live date not agreed", ""),
            ("other", "Logo missing", ""),
        ]


class TestSummary:
    def test_counts_by_category_and_change_and_top_assumptions(self):
        """What to feed back: recurring assumptions first, every category listed."""
        pms = [
            PostMortem("D-1", [Friction("scope", "Migration assumed included", "SOW template")]),
            PostMortem(
                "D-2",
                [
                    Friction("scope", "migration assumed  included", "SOW template"),
                    Friction("pricing", "Discount before margin check", "Finance gate"),
                ],
            ),
        ]
        summary = post_mortem_summary(pms)
        assert summary.post_mortems == 2
        assert dict(summary.by_category) == {
            **dict.fromkeys(FRICTION_CATEGORIES, 0),
            "scope": 2,
            "pricing": 1,
        }
        assert summary.by_category[:2] == (("scope", 2), ("pricing", 1))
        assert summary.by_change == (("SOW template", 2), ("Finance gate", 1))
        assert summary.top_assumptions[0] == ("Migration assumed included", 2)

    def test_an_unknown_category_is_refused(self):
        """The vocabulary is fixed: a typo is a SpecError listing the categories."""
        with pytest.raises(SpecError, match="one of `scope`"):
            Friction("scop", "x")
