"""Explanations: who decides a decision and why, and what a party may do in each decision.

They answer as values what ``alignkit rights show`` prints, for a report or a service
to show their own way. A party *decides* exactly where
:meth:`~alignkit.decision_rights.DecisionRights.can_decide` allows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Literal, Protocol, final

import attrs

from alignkit.decision_rights._decision import Decision, Delegation, is_head, people, who_decides
from alignkit.decision_rights._index import Index, PartyIndex
from alignkit.decision_rights._scheme import Role
from alignkit.errors import UnknownNameError

if TYPE_CHECKING:
    from alignkit.org import Org

__all__ = [
    "Authority",
    "DecisionExplanation",
    "GroupRoles",
    "Involvement",
    "PartyExplanation",
    "RoleHolders",
    "TeamLike",
    "explain_decision",
    "explain_party",
]


class MemberLike(Protocol):
    """A team member, as an explanation reads one: their person id."""

    @property
    def id(self) -> str:
        """The person's id."""
        ...


class TeamLike(Protocol):
    """A team, as an explanation reads one: its name and its members' ids.

    :class:`alignkit.squads.Team` is one.
    """

    @property
    def name(self) -> str:
        """The team's name, which decisions may name as a party."""
        ...

    @property
    def members(self) -> Iterable[MemberLike]:
        """Who is on it."""
        ...


# -- who decides and who holds a role ----------------------------------------------------


@final
@attrs.frozen
class RoleHolders:
    """The parties holding one role in a decision, and the people they stand for.

    Attributes:
        role: The role.
        parties: The parties holding it, as the decision names them.
        people: The ids of the people behind them: a person is themself, a function
            its members (as :meth:`DecisionRights.must_consult` counts them).

    >>> from alignkit.decision_rights import Role, RoleHolders
    >>> consulted = RoleHolders(Role.CONSULTED, ("Finance",), frozenset({"cfo", "controller"}))
    >>> len(consulted.people)
    2

    Added in 0.1.
    """

    role: Role
    parties: tuple[str, ...]
    people: frozenset[str]


@final
@attrs.frozen
class DecisionExplanation:
    """Who decides a decision at a time and why, and who else holds a role in it.

    Given by :meth:`DecisionRights.explain_decision`.

    Attributes:
        decision: The decision.
        at: The time the answer holds for.
        head: The head of the accountable function, who decides for it; ``None``
            when the accountable party is not a function with a head.
        delegations: The delegations active at ``at`` that let someone else decide,
            in the order of the matrix.
        deciders: Who may decide at ``at``, as :meth:`DecisionRights.deciders`
            gives it: the person deciding for the accountable party and for each
            delegate, or the party itself where no person does.
        responsible: Who drives or does the work.
        agree: Who must sign off (a veto).
        consulted: Who gives input before the decision.
        informed: Who is told after.
        owner: The party that owns the decision's category, if one is configured.
        forum: The forum that settles disagreements in its category, if one is.

    >>> from alignkit.decision_rights import DecisionRights
    >>> from alignkit.org import Function, Org, Person
    >>> org = Org(
    ...     functions=[Function("IT", "cio"), Function("Finance", "cfo")],
    ...     people=[Person("cio", "Victor Hale", "IT"), Person("cfo", "Helen Brooks", "Finance")],
    ... )
    >>> rights = DecisionRights(
    ...     decisions=[{"id": "choose-crm", "category": "data", "accountable": "IT",
    ...                 "informed": ["Finance"]}],
    ...     forums={"data": "Data council"},
    ... )
    >>> explained = rights.explain_decision("choose-crm", org)
    >>> explained.accountable, explained.head, explained.forum
    ('IT', 'cio', 'Data council')
    >>> [(holders.role.value, len(holders.people)) for holders in explained.roles]
    [('responsible', 0), ('agree', 0), ('consulted', 0), ('informed', 1)]

    Added in 0.1.
    """

    decision: Decision
    at: dt.datetime
    head: str | None
    delegations: tuple[Delegation, ...]
    deciders: frozenset[str]
    responsible: RoleHolders
    agree: RoleHolders
    consulted: RoleHolders
    informed: RoleHolders
    owner: str | None = None
    forum: str | None = None

    @property
    def accountable(self) -> str:
        """The one accountable party."""
        return self.decision.accountable

    @property
    def roles(self) -> tuple[RoleHolders, RoleHolders, RoleHolders, RoleHolders]:
        """Responsible, agree, consulted and informed, in that order."""
        return (self.responsible, self.agree, self.consulted, self.informed)


def explain_decision(
    decision: Decision,
    delegations: Sequence[Delegation],
    org: Org,
    at: dt.datetime,
    *,
    owners: Mapping[str, str],
    forums: Mapping[str, str],
) -> DecisionExplanation:
    """The :class:`DecisionExplanation` of ``decision``, whose delegations these are."""
    active = tuple(d for d in delegations if d.active(at))
    head = org.head(decision.accountable)

    def holders(role: Role) -> RoleHolders:
        parties = decision.parties(role)
        return RoleHolders(role, parties, people(org, parties))

    return DecisionExplanation(
        decision=decision,
        at=at,
        head=head.id if head is not None else None,
        delegations=active,
        deciders=who_decides(org, decision.accountable, (d.to_party for d in active)),
        responsible=holders(Role.RESPONSIBLE),
        agree=holders(Role.AGREE),
        consulted=holders(Role.CONSULTED),
        informed=holders(Role.INFORMED),
        owner=owners.get(decision.category) if decision.category is not None else None,
        forum=forums.get(decision.category) if decision.category is not None else None,
    )


# -- what a party may do -----------------------------------------------------------------


@final
@attrs.frozen
class Authority:
    """Why a party may take a decision: its own right, as a head, or by a delegation.

    Attributes:
        head_of: The function the party heads and decides for: the accountable
            function, or the function a delegation names; ``None`` when the right is
            the party's own.
        delegation: The active delegation the right comes from; ``None`` when it is
            the accountable party's.

    With neither, the party is the accountable party itself.

    >>> from alignkit.decision_rights import Authority
    >>> Authority(), Authority(head_of="Sales")
    (Authority(head_of=None, delegation=None), Authority(head_of='Sales', delegation=None))

    Added in 0.1.
    """

    head_of: str | None = None
    delegation: Delegation | None = None


@final
@attrs.frozen
class GroupRoles:
    """The roles a function or team holds in a decision, for one of its people.

    Attributes:
        group: The function's or team's name.
        kind: ``"function"`` or ``"team"``.
        as_head: True if the person heads the function, False if a member.
        roles: The roles the group holds (never empty).

    >>> from alignkit.decision_rights import GroupRoles, Role
    >>> held = GroupRoles("deal-desk", "team", as_head=False, roles=frozenset({Role.CONSULTED}))
    >>> held.group, held.as_head
    ('deal-desk', False)

    Added in 0.1.
    """

    group: str
    kind: Literal["function", "team"]
    as_head: bool
    roles: frozenset[Role]


@final
@attrs.frozen
class Involvement:
    """What one party may do in one decision.

    Attributes:
        decision: The decision.
        roles: The roles the party holds in it directly (accountable included).
        authority: Why the party may decide it at the time asked; ``None`` if it
            may not.
        through: For a person, the roles their functions and teams hold in it.
        head: The head of the accountable function, who decides for it; ``None``
            when the accountable party is not a function with a head.
        delegations: The delegations of the decision active at the time asked, in
            the order of the matrix (the party's own included).

    >>> from alignkit.decision_rights import Authority, Decision, Involvement, Role
    >>> decision = Decision(id="approve-discount", accountable="vp-sales")
    >>> involved = Involvement(decision, frozenset({Role.ACCOUNTABLE}), Authority())
    >>> involved.decides
    True

    Added in 0.1.
    """

    decision: Decision
    roles: frozenset[Role]
    authority: Authority | None
    through: tuple[GroupRoles, ...] = ()
    head: str | None = None
    delegations: tuple[Delegation, ...] = ()

    @property
    def decides(self) -> bool:
        """True if the party may take the decision, as :meth:`DecisionRights.can_decide` says."""
        return self.authority is not None


@final
@attrs.frozen
class PartyExplanation:
    """What a party may do in each decision it takes part in, at a time.

    Given by :meth:`DecisionRights.explain_party`.

    Attributes:
        party: The party: a person id, or a function, team or other party's name.
        kind: ``"person"``, ``"function"``, ``"team"``, or ``"other"`` for a party
            only the matrix names.
        at: The time the answer holds for.
        head: For a function, the person who heads it; ``None`` otherwise.
        decisions: One :class:`Involvement` for each decision the party decides or
            holds a role in, directly or (for a person) through a function or team,
            in the order of the matrix.

    >>> from alignkit.decision_rights import DecisionRights
    >>> from alignkit.org import Function, Org, Person
    >>> org = Org(
    ...     functions=[Function("Sales", "vp-sales")],
    ...     people=[Person("vp-sales", "Sam Okafor", "Sales"), Person("ae-1", "Lee Park", "Sales")],
    ... )
    >>> rights = DecisionRights.from_table({"approve-discount": {"Sales": "A", "ae-1": "R"}})
    >>> explained = rights.explain_party("Sales", org)
    >>> explained.kind, explained.head, sorted(explained.decides)
    ('function', 'vp-sales', ['approve-discount'])
    >>> rights.explain_party("ae-1", org).decides
    frozenset()

    Added in 0.1.
    """

    party: str
    kind: Literal["person", "function", "team", "other"]
    at: dt.datetime
    head: str | None
    decisions: tuple[Involvement, ...]

    @property
    def decides(self) -> frozenset[str]:
        """The ids of the decisions the party may take at :attr:`at`."""
        return frozenset(involved.decision.id for involved in self.decisions if involved.decides)


def explain_party(
    party: str,
    org: Org,
    at: dt.datetime,
    teams: Iterable[TeamLike],
    *,
    index: Index,
    parties: PartyIndex,
    delegations: Mapping[str, tuple[Delegation, ...]],
    declared: Sequence[Delegation],
) -> PartyExplanation:
    """The :class:`PartyExplanation` of ``party`` in the matrix these parts index.

    ``delegations`` holds the delegations that count for each decision; ``declared``
    every delegation, as written.

    Raises:
        UnknownNameError: ``party`` is nobody.
    """
    team_list = tuple(teams)
    kind = _kind(party, org, team_list)
    if kind == "other" and party not in parties.roles_of and not _lends(party, declared):
        raise _unknown_party(party, org, team_list, parties, declared)
    groups = _groups_of(party, org, team_list) if kind == "person" else ()
    roles_of = parties.roles_of
    own = roles_of.get(party, {})
    held = [(group, roles_of.get(group[0], {})) for group in groups]
    candidates = set(own)
    for _, by_decision in held:
        candidates.update(by_decision)
    candidates.update(
        decision_id
        for decision_id, lent in delegations.items()
        if any(
            d.active(at) and (d.to_party == party or is_head(org, d.to_party, party)) for d in lent
        )
    )
    involved = []
    for decision_id in sorted(candidates, key=index.position.__getitem__):
        decision = index.decisions[decision_id]
        active = tuple(d for d in delegations.get(decision_id, ()) if d.active(at))
        head = org.head(decision.accountable)
        involved.append(
            Involvement(
                decision=decision,
                roles=own.get(decision_id, frozenset()),
                authority=_authority(party, decision, org, active),
                through=tuple(
                    GroupRoles(name, group_kind, as_head, by_decision[decision_id])
                    for (name, group_kind, as_head), by_decision in held
                    if decision_id in by_decision
                ),
                head=head.id if head is not None else None,
                delegations=active,
            )
        )
    head = org.head(party)
    return PartyExplanation(
        party=party,
        kind=kind,
        at=at,
        head=head.id if head is not None else None,
        decisions=tuple(involved),
    )


def _authority(
    party: str, decision: Decision, org: Org, active: Iterable[Delegation]
) -> Authority | None:
    """Why ``party`` may take ``decision``, by the rules of ``can_decide``, first reason first."""
    if decision.accountable == party:
        return Authority()
    if is_head(org, decision.accountable, party):
        return Authority(head_of=decision.accountable)
    for delegation in active:
        if delegation.to_party == party:
            return Authority(delegation=delegation)
        if is_head(org, delegation.to_party, party):
            return Authority(head_of=delegation.to_party, delegation=delegation)
    return None


_Group = tuple[str, Literal["function", "team"], bool]
"""A group a person belongs to: its name, its kind, and whether they head it."""


def _groups_of(person: str, org: Org, teams: Sequence[TeamLike]) -> list[_Group]:
    """The functions and teams ``person`` belongs to or heads, their own function first."""
    own = org.person(person).function
    groups: dict[str, tuple[Literal["function", "team"], bool]] = {
        own: ("function", is_head(org, own, person))
    }
    for function in org.functions:
        if is_head(org, function.name, person):
            groups.setdefault(function.name, ("function", True))
    for team in teams:
        if any(member.id == person for member in team.members):
            groups.setdefault(team.name, ("team", False))
    groups.pop(person, None)
    return [(name, kind, as_head) for name, (kind, as_head) in groups.items()]


def _kind(
    party: str, org: Org, teams: Sequence[TeamLike]
) -> Literal["person", "function", "team", "other"]:
    if org.get_person(party) is not None:
        return "person"
    if org.get_function(party) is not None:
        return "function"
    if any(team.name == party for team in teams):
        return "team"
    return "other"


def _lends(party: str, declared: Iterable[Delegation]) -> bool:
    """True if a delegation names ``party``, as the one who lends or who is lent to."""
    return any(party in (d.from_party, d.to_party) for d in declared)


def _unknown_party(
    party: str,
    org: Org,
    teams: Sequence[TeamLike],
    parties: PartyIndex,
    declared: Iterable[Delegation],
) -> UnknownNameError:
    """The error for a party that is nobody, suggesting a near id, or a person by name."""
    from alignkit._suggest import suggest

    named = set(parties.roles_of)
    named.update(p for d in declared for p in (d.from_party, d.to_party))
    known = sorted(org.person_ids | org.function_names | {t.name for t in teams} | named)
    if suggest(party, known) is None:
        by_name = {person.name.casefold(): person for person in org.people}
        close = suggest(party.casefold(), by_name)
        if close is not None:
            person = by_name[close]
            return UnknownNameError(
                f"Unknown party {party!r}; did you mean {person.id!r} ({person.name})?",
                name=party,
            )
    return UnknownNameError.for_name("party", party, known)
