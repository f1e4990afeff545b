"""Blame-free post-mortems: what friction a handoff met, the assumption behind it, the change.

A post-mortem of a deal whose handover went badly records friction, never fault: each
item names a category from a fixed vocabulary, the wording or assumption that created
it, and the change proposed (to a gate, a template, a training). Text that names
anyone in the organisation is refused, so the review stays about the system.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Final, Literal, final

import attrs
from pydantic import Field

from alignkit._spec import NAME_PATTERN, SpecModel, TupleOf
from alignkit.diagnostics import Diagnostic, Report
from alignkit.review._rules import POST_MORTEM_NAMES_A_PERSON

if TYPE_CHECKING:
    from alignkit.handoff import Handoff
    from alignkit.org import Org

__all__ = [
    "FRICTION_CATEGORIES",
    "Friction",
    "FrictionCategory",
    "PostMortem",
    "PostMortemSummary",
    "post_mortem_summary",
]

FrictionCategory = Literal[
    "scope", "timeline", "pricing", "technical-fit", "missing-artifact", "expectation", "other"
]
"""Where friction came from."""

FRICTION_CATEGORIES: Final[tuple[str, ...]] = (
    "scope",
    "timeline",
    "pricing",
    "technical-fit",
    "missing-artifact",
    "expectation",
    "other",
)
"""Every friction category, in the order summaries list them."""

# Red-flag categories people write on handoffs, and the friction category each means.
_FLAG_CATEGORIES: Final = {
    "scope": "scope",
    "scoping": "scope",
    "timeline": "timeline",
    "schedule": "timeline",
    "date": "timeline",
    "pricing": "pricing",
    "price": "pricing",
    "discount": "pricing",
    "technical": "technical-fit",
    "technical-fit": "technical-fit",
    "integration": "technical-fit",
    "artifact": "missing-artifact",
    "missing-artifact": "missing-artifact",
    "sow": "missing-artifact",
    "document": "missing-artifact",
    "expectation": "expectation",
    "expectations": "expectation",
    "success-criteria": "expectation",
}


class Friction(SpecModel):
    """One source of friction: where it came from, why, and what to change.

    >>> Friction("pricing", "Discount promised before Finance saw the margin",
    ...          "Add a Finance sign-off check to the gate").category
    'pricing'

    Added in 0.1.
    """

    category: FrictionCategory = Field(description="Where the friction came from.")
    assumption: str = Field(
        min_length=1,
        pattern=NAME_PATTERN,
        description="The wording or assumption that created it (never a person).",
    )
    change: str = Field(
        default="",
        description="The change proposed: to a gate, a template, a training.",
    )

    def __init__(self, category: FrictionCategory | str, assumption: str, change: str = "") -> None:
        super().__init__(category=category, assumption=assumption, change=change)


class PostMortem(SpecModel):
    """A blame-free post-mortem of one deal's handover.

    >>> pm = PostMortem("D-1042", [
    ...     Friction("scope", "Data migration assumed to be included", "Add a migration line to the SOW template"),
    ... ])
    >>> [f.category for f in pm.friction]
    ['scope']

    Added in 0.1.
    """  # noqa: E501 - a doctest's line

    deal_id: str = Field(min_length=1, pattern=NAME_PATTERN, description="The CRM deal.")
    friction: TupleOf[Friction] = Field(default=(), description="What created friction.")

    def __init__(self, deal_id: str, friction: Sequence[Friction | dict[str, str]] = ()) -> None:
        super().__init__(deal_id=deal_id, friction=friction)

    @classmethod
    def from_handoff(cls, handoff: Handoff) -> PostMortem:
        """A draft from a handoff's red flags: one friction per flag, its change to fill in.

        A flag's category is mapped to the friction vocabulary (``other`` when it has
        no match); its reason becomes the assumption.

        Added in 0.1.
        """
        drafted = [
            Friction(_friction_category(flag.category), " ".join(flag.reason.split()))
            for flag in handoff.flags
            if flag.reason.strip()
        ]
        return cls(handoff.deal_id, drafted)

    def check(self, org: Org) -> Report:
        """Blame-free by construction: every text naming someone in ``org`` is refused.

        A person is named by their id, their full name, or their first or last name
        written with a capital. Each finding says which name to remove.

        >>> from alignkit.org import Function, Org, Person
        >>> org = Org(functions=[Function("Sales")], people=[Person("ae-1", "Lee Park", "Sales")])
        >>> pm = PostMortem("D-7", [Friction("timeline", "Lee Park promised go-live in May")])
        >>> print(pm.check(org).to_text())
        friction[0].assumption: RV001 error: Post-mortem of `D-7` names `Lee Park` (ae-1)
          help: Remove the name `Lee Park`: describe the assumption, not the person who made it
        <BLANKLINE>
        Found 1 error, 0 warnings, 0 info.

        Added in 0.1.
        """
        return Report(self._findings(org))

    def _findings(self, org: Org) -> Iterator[Diagnostic]:
        matcher = _NameMatcher(org)
        for index, friction in enumerate(self.friction):
            for field in ("assumption", "change"):
                for written, person_id in matcher.names_in(getattr(friction, field)):
                    yield POST_MORTEM_NAMES_A_PERSON.diagnostic(
                        f"Post-mortem of `{self.deal_id}` names `{written}` ({person_id})",
                        path=("friction", index, field),
                        target=self.deal_id,
                        hint=(
                            f"Remove the name `{written}`: describe the assumption, "
                            "not the person who made it"
                        ),
                    )


def _friction_category(flag_category: str) -> str:
    key = "-".join(flag_category.lower().replace("_", " ").split())
    return _FLAG_CATEGORIES.get(key, "other")


@final
class _NameMatcher:
    """Finds people's ids and names in text: whole words, names as people write them."""

    def __init__(self, org: Org) -> None:
        names: dict[str, tuple[str, bool]] = {}  # written form -> (person id, case-blind)
        for person in org.people:
            names.setdefault(person.id.lower(), (person.id, True))
            names.setdefault(" ".join(person.name.split()).lower(), (person.id, True))
            for part in person.name.split():
                if len(part) >= _MIN_NAME_PART and part[:1].isupper():
                    names.setdefault(part, (person.id, False))
        self._names = names
        words = sorted(names, key=len, reverse=True)
        self._pattern = (
            re.compile(
                r"(?<![\w-])(" + "|".join(re.escape(w) for w in words) + r")(?![\w-])",
                re.IGNORECASE,
            )
            if words
            else None
        )

    def names_in(self, text: str) -> Iterator[tuple[str, str]]:
        if self._pattern is None or not text:
            return
        seen: set[str] = set()
        for match in self._pattern.finditer(" ".join(text.split())):
            written = match.group(1)
            found = self._names.get(written.lower())
            if found is None or not found[1]:
                found = self._names.get(written)  # a first or last name: as written only
            if found is not None and written not in seen:
                seen.add(written)
                yield written, found[0]


_MIN_NAME_PART: Final = 3  # "Al" or "Jo" alone are too often other words


@final
@attrs.frozen
class PostMortemSummary:
    """What post-mortems say together: what to feed back into training and templates.

    Attributes:
        post_mortems: How many were summarised.
        by_category: Friction counts by category, every category listed.
        by_change: Friction counts by proposed change, most frequent first.
        top_assumptions: The assumptions met most often, with their counts.

    Added in 0.1.
    """

    post_mortems: int
    by_category: tuple[tuple[str, int], ...]
    by_change: tuple[tuple[str, int], ...]
    top_assumptions: tuple[tuple[str, int], ...]


def post_mortem_summary(post_mortems: Iterable[PostMortem], *, top: int = 5) -> PostMortemSummary:
    """Friction counts by category and by proposed change, and the top recurring assumptions.

    Assumptions and changes are counted as written, ignoring case and spacing.

    >>> a = PostMortem("D-1", [Friction("scope", "Migration assumed included", "SOW template")])
    >>> b = PostMortem("D-2", [Friction("scope", "migration  assumed included", "SOW template")])
    >>> summary = post_mortem_summary([a, b])
    >>> summary.by_category[0], summary.top_assumptions
    (('scope', 2), (('Migration assumed included', 2),))

    Added in 0.1.
    """
    items = list(post_mortems)
    categories: Counter[str] = Counter(dict.fromkeys(FRICTION_CATEGORIES, 0))
    changes: Counter[str] = Counter()
    assumptions: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for post_mortem in items:
        for friction in post_mortem.friction:
            categories[friction.category] += 1
            for counter, text in ((assumptions, friction.assumption), (changes, friction.change)):
                key = " ".join(text.split()).lower()
                if key:
                    shown.setdefault(key, " ".join(text.split()))
                    counter[key] += 1

    def ranked(counter: Counter[str], limit: int | None) -> tuple[tuple[str, int], ...]:
        order = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
        return tuple((shown[key], count) for key, count in order[:limit])

    by_category = tuple(
        sorted(categories.items(), key=lambda item: (-item[1], FRICTION_CATEGORIES.index(item[0])))
    )
    return PostMortemSummary(
        post_mortems=len(items),
        by_category=by_category,
        by_change=ranked(changes, None),
        top_assumptions=ranked(assumptions, top),
    )
