"""Decisions and delegations: one row of the matrix, and a right to decide lent for a while.

Also how a party named in them resolves to people in an org: a person is themself, a
function its head (who decides) or its members (who are consulted and informed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, TypeGuard

from pydantic import (
    AwareDatetime,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from alignkit._spec import NAME_PATTERN, SpecModel, TupleOf
from alignkit._time import require_aware
from alignkit.decision_rights._scheme import ROLE_FIELDS, ROLE_ORDER, Role
from alignkit.diagnostics import Location
from alignkit.errors import Problem

if TYPE_CHECKING:
    from alignkit.org import Org

__all__ = [
    "Decision",
    "Delegation",
    "accountable_problem",
    "decider",
    "encodable",
    "is_head",
    "people",
    "plain_name",
    "trusted_decision",
    "who_decides",
]

_PartyName = Annotated[str, StringConstraints(pattern=NAME_PATTERN)]


def accountable_problem(decision_id: str | None, parties: Sequence[str]) -> str:
    """The one wording for a decision without exactly one accountable party.

    >>> print(accountable_problem("ship-code", ["reviewer", "lead"]))
    Decision `ship-code` has 2 accountable parties (`reviewer`, `lead`); exactly one party is accountable for a decision
    """  # noqa: E501 - a doctest's output line
    which = f"Decision `{decision_id}`" if decision_id else "This decision"
    if not parties:
        found = "has no accountable party"
    else:
        names = ", ".join(f"`{p}`" for p in parties)
        found = f"has {len(parties)} accountable parties ({names})"
    return f"{which} {found}; exactly one party is accountable for a decision"


class Decision(SpecModel):
    """One decision and who holds which duty in it.

    A party is a person id or a function name from the org (or a team name).
    Ids and party names are free text, as people write them in spreadsheets; they may
    not be empty, start or end with spaces, or hold line breaks.

    >>> d = Decision(id="approve-discount", accountable="vp-sales", consulted=["Finance"])
    >>> d.title, d.roles_of("Finance")
    ('approve-discount', frozenset({<Role.CONSULTED: 'consulted'>}))

    Added in 0.1.
    """

    id: str = Field(min_length=1, pattern=NAME_PATTERN, description="A unique id for the decision.")
    title: str = Field(default="", description="What is decided, for people; the id if left out.")
    category: str | None = Field(
        default=None, min_length=1, description="A category (data, pricing ...) for escalation."
    )
    scope: str | None = Field(
        default=None,
        min_length=1,
        description="How far the decision reaches (team, account, pricing, strategic ...).",
    )
    accountable: str = Field(
        min_length=1,
        pattern=NAME_PATTERN,
        description="The one party who decides: a function (its head decides) or a person.",
    )
    responsible: TupleOf[_PartyName] = Field(default=(), description="Who drives or does the work.")
    agree: TupleOf[_PartyName] = Field(default=(), description="Who must sign off (a veto).")
    consulted: TupleOf[_PartyName] = Field(default=(), description="Who gives input before.")
    informed: TupleOf[_PartyName] = Field(default=(), description="Who is told after.")

    @model_validator(mode="before")
    @classmethod
    def _accountable_always_checked(cls, data: Any) -> Any:  # noqa: ANN401 - raw input
        # A missing `accountable` gets the same message as an empty one, naming the decision.
        if isinstance(data, Mapping) and "accountable" not in data:
            return {**data, "accountable": None}
        return data

    @field_validator("accountable", mode="before")
    @classmethod
    def _exactly_one_accountable(cls, value: Any, info: ValidationInfo) -> Any:  # noqa: ANN401
        if isinstance(value, list | tuple):
            if len(value) != 1:
                names = [str(v) for v in value]
                raise ValueError(accountable_problem(info.data.get("id"), names))
            return value[0]
        if value is None or value == "":
            raise ValueError(accountable_problem(info.data.get("id"), []))
        return value

    def model_post_init(self, _context: Any, /) -> None:  # noqa: ANN401 - pydantic's hook
        """Default the title to the id."""
        if not self.title:
            object.__setattr__(self, "title", self.id)

    def _invariants(self) -> Iterator[Problem]:
        for role, name in ROLE_FIELDS.items():
            named = getattr(self, name)
            if len(set(named)) == len(named):
                continue
            seen: set[str] = set()
            for index, party in enumerate(named):
                if party in seen:
                    yield Problem(
                        f"`{party}` is listed twice as {role.value}", Location(path=(name, index))
                    )
                seen.add(party)

    def parties(self, role: Role) -> tuple[str, ...]:
        """The parties holding ``role``, as written."""
        if role is Role.ACCOUNTABLE:
            return (self.accountable,)
        return tuple(getattr(self, ROLE_FIELDS[role]))

    def roles_of(self, party: str) -> frozenset[Role]:
        """The roles ``party`` holds in this decision."""
        return frozenset(role for role in ROLE_ORDER if party in self.parties(role))

    def all_parties(self) -> tuple[str, ...]:
        """Every party named, in role order, without repeats."""
        return tuple(dict.fromkeys(p for role in ROLE_ORDER for p in self.parties(role)))

    def _canonical(self) -> tuple[Any, ...]:
        return (
            self.id,
            self.title,
            self.category,
            self.scope,
            self.accountable,
            *(frozenset(getattr(self, name)) for name in ROLE_FIELDS.values()),
        )


_new = object.__new__
_set = object.__setattr__


def encodable(text: str) -> bool:
    r"""True for text with no lone surrogate: what a field with a constraint accepts.

    The validator checks a constrained field (a pattern, a length) as UTF-8, which a
    lone surrogate (``"\ud800"``, from a stream or a table, never from a file) is not.

    >>> encodable("vp-sales"), encodable("Zoë \U0001f600"), encodable("a\ud800")
    (True, True, False)
    """
    if text.isascii():
        return True
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def plain_name(text: object) -> TypeGuard[str]:
    r"""True for text that every name field of a :class:`Decision` accepts as it is.

    That is a ``str`` (not a subclass) that is not empty, neither starts nor ends
    with white space, holds no line break and no lone surrogate. It errs on the
    strict side: where Python and the validator disagree on what is white space
    (``\x1c``-``\x1f``), it says no, and the validator decides.

    >>> plain_name("vp-sales"), plain_name(" vp-sales"), plain_name("a\nb"), plain_name("")
    (True, False, False, False)
    >>> plain_name("vp\ud800")
    False
    """
    return (
        type(text) is str
        and text != ""
        and not text[0].isspace()
        and not text[-1].isspace()
        and "\n" not in text
        and "\r" not in text
        and encodable(text)
    )


def trusted_decision(fields: dict[str, Any], given: set[str]) -> Decision:
    """A :class:`Decision` of values already checked as validation checks them.

    ``fields`` holds every field in declaration order, role lists as tuples and the
    title already defaulted to the id; ``given`` the names of the fields the data
    had. The result is what ``Decision.model_validate`` gives for that data (the
    same fields, fields set and extras), built as ``model_construct`` builds one,
    without a second look at every value.
    """
    decision = _new(Decision)
    _set(decision, "__dict__", fields)
    _set(decision, "__pydantic_fields_set__", given)
    _set(decision, "__pydantic_extra__", None)
    _set(decision, "__pydantic_private__", None)
    return decision


class Delegation(SpecModel):
    """The accountable party lends its right to decide, for a decision or a category.

    The delegate may decide; the accountable party stays accountable (a delegation
    never creates a second accountable). An expired delegation does not count.

    Added in 0.1.
    """

    decision: str | None = Field(default=None, min_length=1, description="A decision id.")
    category: str | None = Field(
        default=None, min_length=1, description="Every decision of a category."
    )
    from_party: str = Field(min_length=1, description="The accountable party who delegates.")
    to_party: str = Field(min_length=1, description="Who may decide instead.")
    until: AwareDatetime | None = Field(
        default=None, description="When the delegation ends (a timezone-aware time)."
    )

    def _invariants(self) -> Iterator[Problem]:
        if (self.decision is None) == (self.category is None):
            yield Problem("Give exactly one of `decision` or `category`", Location())

    def active(self, at: dt.datetime) -> bool:
        """True while the delegation has not expired at ``at`` (timezone-aware)."""
        return self.until is None or require_aware(at) < self.until

    @property
    def subject(self) -> str:
        """The decision id or category delegated."""
        return self.decision if self.decision is not None else str(self.category)


# -- parties in an org -------------------------------------------------------------------


def decider(org: Org | None, party: str) -> str | None:
    """The person who decides for ``party``: the person, or a function's head."""
    if org is None:
        return None
    if org.get_person(party) is not None:
        return party
    head = org.head(party)
    return head.id if head is not None else None


def who_decides(org: Org | None, accountable: str, delegates: Iterable[str]) -> frozenset[str]:
    """Who may decide: the decider of the accountable party and of each delegate.

    A party nobody resolves (no ``org``, or a function without a head) stands for itself.
    """
    return frozenset(decider(org, party) or party for party in (accountable, *delegates))


def is_head(org: Org | None, party: str, person: str) -> bool:
    """True if ``person`` heads the function ``party``."""
    if org is None:
        return False
    function = org.get_function(party)
    return function is not None and function.head == person and org.get_person(person) is not None


def people(org: Org, parties: Iterable[str]) -> frozenset[str]:
    """The ids of the people ``parties`` stand for: a person, or a function's members."""
    found: set[str] = set()
    for party in parties:
        found.update(p.id for p in org.people_of(party))
    return frozenset(found)
