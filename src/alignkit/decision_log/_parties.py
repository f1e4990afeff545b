"""Parties in an org and its teams: who they stand for, who speaks for them, who settles.

A party the decision rights name is a person id, a function of the org or a team. A
person speaks for themself; a function's head speaks for it, and so does a member
who says so (``on_behalf_of``); a team's leader speaks for the team.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from alignkit.decision_rights import EscalationPath
from alignkit.errors import PermissionDenied, UnknownNameError

if TYPE_CHECKING:
    from alignkit.decision_rights import DecisionRights
    from alignkit.org import Org

__all__ = ["MemberLike", "Parties", "TeamLike", "settle"]


class MemberLike(Protocol):
    """A team member, as the log reads one: their person id.

    :class:`alignkit.squads.Member` is one.

    Added in 0.2.
    """

    @property
    def id(self) -> str:
        """The person's id."""
        ...


@runtime_checkable
class TeamLike(Protocol):
    """A team, as the log reads one: its name, its leader and its members.

    :class:`alignkit.squads.Team` is one.

    Added in 0.2.
    """

    @property
    def name(self) -> str:
        """The team's name, which decision rights may name as a party."""
        ...

    @property
    def leader(self) -> str | None:
        """The member who speaks for the team."""
        ...

    @property
    def members(self) -> Iterable[MemberLike]:
        """Who is on it."""
        ...


class Parties:
    """Who the parties of an org and its teams stand for, built once."""

    def __init__(self, org: Org, teams: Iterable[TeamLike]) -> None:
        """Index the teams and the functions people head."""
        self.org = org
        self.teams: dict[str, tuple[str | None, tuple[str, ...]]] = {}
        for team in teams:
            members = tuple(dict.fromkeys(str(m.id) for m in team.members))
            self.teams.setdefault(str(team.name), (team.leader, members))
        self.heads: dict[str, tuple[str, ...]] = {}
        for name in sorted(org.function_names):
            head = org.head(name)
            if head is not None:
                self.heads[head.id] = (*self.heads.get(head.id, ()), name)
        self.leads: dict[str, tuple[str, ...]] = {}
        for name, (leader, _) in self.teams.items():
            if leader is not None:
                self.leads[leader] = (*self.leads.get(leader, ()), name)

    def is_person(self, name: str) -> bool:
        """True for a person id of the org."""
        return self.org.get_person(name) is not None

    def person(self, name: object, what: str = "person") -> str:
        """``name`` if it is a person of the org.

        Raises:
            UnknownNameError: Nobody has that id (the nearest id is suggested).
        """
        if not isinstance(name, str) or self.org.get_person(name) is None:
            raise UnknownNameError.for_name(what, str(name), self.org.person_ids)
        return name

    def voices(self, party: str) -> tuple[str, ...]:
        """Who may speak for ``party``.

        The person; a function's head, then its members; a team's leader.
        """
        if self.org.get_person(party) is not None:
            return (party,)
        if self.org.get_function(party) is not None:
            head = self.org.head(party)
            first = (head.id,) if head is not None else ()
            return tuple(dict.fromkeys((*first, *(p.id for p in self.org.members(party)))))
        team = self.teams.get(party)
        if team is not None and team[0] is not None:
            return (team[0],)
        return ()

    def speaks_for(self, person: str, on_behalf_of: str | None) -> tuple[str, ...]:
        """The parties a consultation of ``person`` satisfies.

        Without ``on_behalf_of``: the person, the functions they head and the teams
        they lead. With it: that party and the person, if the person may speak for
        it (as its head or a member of a function, as the leader of a team).

        Raises:
            UnknownNameError: ``on_behalf_of`` is no person, function or team.
            PermissionDenied: The person may not speak for ``on_behalf_of``.
        """
        if on_behalf_of is None or on_behalf_of == person:
            return (person, *self.heads.get(person, ()), *self.leads.get(person, ()))
        if self.org.get_person(on_behalf_of) is not None:
            raise PermissionDenied(
                f"`{person}` cannot be consulted on behalf of `{on_behalf_of}`, another "
                f"person; consult `{on_behalf_of}`",
                actor=person,
                action="consult",
            )
        if self.org.get_function(on_behalf_of) is not None:
            head = self.org.head(on_behalf_of)
            member = self.org.person(person).function == on_behalf_of
            if member or (head is not None and head.id == person):
                return (on_behalf_of, person)
            raise PermissionDenied(
                f"`{person}` is not in {on_behalf_of}, so cannot speak for it; "
                "its head or one of its members can",
                actor=person,
                action="consult",
            )
        team = self.teams.get(on_behalf_of)
        if team is None:
            raise UnknownNameError.for_name(
                "party to speak for", on_behalf_of, [*self.org.function_names, *self.teams]
            )
        if team[0] != person:
            leader = f"its leader, `{team[0]}`, does" if team[0] else "it has no leader"
            raise PermissionDenied(
                f"`{person}` does not lead team {on_behalf_of}, so cannot speak for it; {leader}",
                actor=person,
                action="consult",
            )
        return (on_behalf_of, person)

    def settlers(self, party: str) -> frozenset[str]:
        """Who may decide as ``party``, which an escalation named.

        A person is themself, a function its head, a team its leader; a forum that is
        none of these (a council) decides under its own name.
        """
        if self.org.get_person(party) is not None:
            return frozenset((party,))
        if self.org.get_function(party) is not None:
            head = self.org.head(party)
            return frozenset((head.id,)) if head is not None else frozenset()
        team = self.teams.get(party)
        if team is not None:
            return frozenset((team[0],)) if team[0] is not None else frozenset()
        return frozenset((party,))


def settle(
    rights: DecisionRights, decision_id: str, people: Sequence[str], org: Org
) -> EscalationPath:
    """:meth:`DecisionRights.escalation_for` over two or more people in disagreement.

    With several people (a decider and two vetoes), the one who settles is the
    lowest common manager of all of them: taken pair by pair, as it is the same.
    """
    path = rights.escalation_for(decision_id, people[0], people[1], org)
    explanations = [path.explanation]
    for other in people[2:]:
        if path.kind != "manager" or path.settled_by is None:
            break
        path = rights.escalation_for(decision_id, path.settled_by, other, org)
        explanations.append(path.explanation)
    if len(explanations) == 1:
        return path
    return EscalationPath(path.settled_by, path.kind, path.deciders, " ".join(explanations))
