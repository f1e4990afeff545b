"""Pairing people across departments: the engine under the coaching plan.

People are numbers here (their position in the cohort) and departments are numbers
too, so that a cohort of thousands pairs in milliseconds. The plan turns the groups
this module returns into named pairings with their reasons.

The engine is greedy with a proof behind its main choice. In a cohort whose
departments have sizes ``s``, the most pairs that can join two departments is
``min(n // 2, n - max(s))`` (a matching in a complete multipartite graph): every
pair can cross unless one department is more than half the cohort. Taking the next
person from the largest department, and a partner from a department that keeps
that bound reachable for the people left, reaches the bound whenever no earlier
pair rules a partner out; among the partners that keep it, the engine picks the
department its department has met least (balance), then the seeded order.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Final, Literal

__all__ = [
    "Group",
    "PairingImpossible",
    "Reason",
    "best_cross_pairs",
    "cross_pairs",
    "form_teams",
    "pair",
]

Reason = Literal["cross", "handoff", "same-majority", "same-met", "trio", "swap"]
"""Why a group was formed (the plan words each one for people)."""

Group = tuple[tuple[int, ...], Reason]
"""Positions of the people in one group, and why they were put together."""

_TOP: Final = 4  # departments to try for a trio's make-up (see best_cross_pairs)


class PairingImpossible(Exception):  # noqa: N818 - an internal signal, not an error users see
    """Someone cannot be paired without repeating a pair; carries their position."""

    def __init__(self, person: int) -> None:
        super().__init__(person)
        self.person = person


def _bound(total: int, largest: int) -> int:
    return min(total // 2, total - largest)


def optimum(counts: Iterable[int]) -> int:
    """The most cross-department pairs a perfect pairing of departments of these sizes has."""
    sizes = [c for c in counts if c > 0]
    return min(sum(sizes) // 2, sum(sizes) - max(sizes, default=0))


def best_cross_pairs(counts: Sequence[int]) -> tuple[int, int]:
    """The most cross-department pairs, and the pairs in all, of the best possible plan.

    Everyone is placed once: in pairs, and in one trio when the count is odd (a trio
    is three pairs of people who meet). Repeats and history are left out: this is
    the bound a week is measured against.
    """
    sizes = [c for c in counts if c > 0]
    total = sum(sizes)
    if total < 2:  # noqa: PLR2004 - a pair needs two
        return 0, 0
    if total % 2 == 0:
        return optimum(sizes), total // 2
    best = 0
    top = sorted(range(len(sizes)), key=lambda i: -sizes[i])[:_TOP]
    for a in top:
        for b in top:
            for c in top:
                if not a <= b <= c:
                    continue
                left = list(sizes)
                for i in (a, b, c):
                    left[i] -= 1
                if min(left) < 0:
                    continue
                inside = (a != b) + (b != c) + (a != c)
                best = max(best, inside + optimum(left))
    return best, (total - 3) // 2 + 3


def cross_pairs(groups: Iterable[Sequence[int]], department: Sequence[int]) -> tuple[int, int]:
    """How many pairs of people who meet are from different departments, and how many meet."""
    cross = meet = 0
    for members in groups:
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                meet += 1
                cross += department[a] != department[b]
    return cross, meet


class _Week:
    """One week's pairing: buckets of people by department, and what rules pairs out."""

    def __init__(
        self,
        people: Sequence[int],
        department: Sequence[int],
        departments: int,
        forbidden: Mapping[int, AbstractSet[int]],
        met: dict[tuple[int, int], int],
        rng: random.Random,
    ) -> None:
        self.department = department
        self.forbidden = forbidden
        self.met = met
        self.rank = list(range(departments))
        rng.shuffle(self.rank)
        shuffled = list(people)
        rng.shuffle(shuffled)
        # The most constrained people come out first (popped from the end): they have
        # the fewest partners left, and are the ones a late pick would strand.
        shuffled.sort(key=lambda p: len(forbidden.get(p, ())))
        self.buckets: list[list[int]] = [[] for _ in range(departments)]
        for person in shuffled:
            self.buckets[department[person]].append(person)
        self.counts = [len(b) for b in self.buckets]
        self.total = len(shuffled)

    def allowed(self, a: int, b: int) -> bool:
        return b not in self.forbidden.get(a, ())

    def take(self, person: int) -> None:
        d = self.department[person]
        self.buckets[d].remove(person)
        self.counts[d] -= 1
        self.total -= 1

    def partner_in(self, person: int, d: int) -> int | None:
        bucket = self.buckets[d]
        for i in range(len(bucket) - 1, -1, -1):
            if self.allowed(person, bucket[i]):
                return bucket[i]
        return None

    def largest(self, eligible: Callable[[int], bool]) -> int | None:
        best: int | None = None
        for d in self.rank:
            if (
                self.counts[d]
                and eligible(d)
                and (best is None or self.counts[d] > self.counts[best])
            ):
                best = d
        return best

    def keeps_bound(self, d: int, g: int) -> bool:
        """Whether pairing one of ``d`` with one of ``g`` still lets the rest reach the bound."""
        counts = self.counts
        before = _bound(self.total, max(counts))
        counts[d] -= 1
        counts[g] -= 1
        after = _bound(self.total - 2, max(counts))
        counts[d] += 1
        counts[g] += 1
        return after == before - 1

    def meetings(self, d: int, g: int) -> int:
        return self.met.get((d, g) if d < g else (g, d), 0)

    def join(self, a: int, b: int) -> None:
        """Pair ``a`` and ``b``: both leave the buckets, and their departments have met."""
        self.take(a)
        self.take(b)
        d, g = sorted((self.department[a], self.department[b]))
        self.met[d, g] = self.met.get((d, g), 0) + 1


def pair(
    people: Sequence[int],
    department: Sequence[int],
    departments: int,
    *,
    forbidden: Mapping[int, AbstractSet[int]],
    met: dict[tuple[int, int], int],
    rng: random.Random,
    linked: Sequence[tuple[int, int]] = (),
) -> list[Group]:
    """Pair ``people`` for one week: every one of them exactly once, no pair forbidden.

    Args:
        people: Positions of the people to pair.
        department: The department of each position.
        departments: How many departments there are.
        forbidden: Each position's partners ruled out (earlier weeks, history).
        met: How often each two departments (lower first) have met; updated.
        rng: The seeded random source (the order of ties).
        linked: Department pairs to fill first, in order of importance: the two sides
            of each handoff.

    Returns:
        Pairs, and one trio when the count is odd, each with its reason.

    Raises:
        PairingImpossible: Someone has no partner left who is not ruled out.
    """
    week = _Week(people, department, departments, forbidden, met, rng)
    groups: list[Group] = []
    if linked:
        groups += _fill_links(week, linked)
    stuck: list[int] = []
    while week.total >= 2:  # noqa: PLR2004 - a pair needs two
        found = _next_pair(week)
        if found is None:
            # Nobody left may meet the person taken first: set them aside for a swap.
            d = week.largest(lambda _: True)
            assert d is not None  # noqa: S101 - total >= 2
            person = week.buckets[d][-1]
            week.take(person)
            stuck.append(person)
            continue
        groups.append(found)
    left = [p for bucket in week.buckets for p in bucket]
    return _unstick(week, groups, stuck + left)


def _fill_links(week: _Week, linked: Sequence[tuple[int, int]]) -> list[Group]:
    """Pairs across each linked department pair in turn, the first the most important."""
    groups: list[Group] = []
    for d, g in linked:
        while week.counts[d] and week.counts[g]:
            big, small = (d, g) if week.counts[d] >= week.counts[g] else (g, d)
            found = _linked_pair(week, big, small)
            if found is None:
                break  # everyone left on one side has met everyone on the other
            groups.append(found)
    return groups


def _linked_pair(week: _Week, big: int, small: int) -> Group | None:
    bucket = week.buckets[big]
    for i in range(len(bucket) - 1, -1, -1):
        person = bucket[i]
        partner = week.partner_in(person, small)
        if partner is not None:
            week.join(person, partner)
            return (person, partner), "handoff"
    return None


def _next_pair(week: _Week) -> Group | None:
    d = week.largest(lambda _: True)
    assert d is not None  # noqa: S101 - the caller checked total >= 2
    person = week.buckets[d][-1]
    others = [g for g in week.rank if g != d and week.counts[g]]
    others.sort(key=lambda g: (not week.keeps_bound(d, g), week.meetings(d, g)))
    for g in others:
        partner = week.partner_in(person, g)
        if partner is not None:
            week.join(person, partner)
            return (person, partner), "cross"
    bucket = week.buckets[d]
    for i in range(len(bucket) - 2, -1, -1):
        if week.allowed(person, bucket[i]):
            partner = bucket[i]
            week.join(person, partner)
            return (person, partner), "same-met" if others else "same-majority"
    return None


def _unstick(week: _Week, groups: list[Group], left: list[int]) -> list[Group]:
    """Place the people the greedy left: pair them, swap them into pairs, or make a trio."""
    department = week.department
    while len(left) >= 2:  # noqa: PLR2004 - a pair needs two
        person = left.pop()
        mate = next((p for p in left if week.allowed(person, p)), None)
        if mate is not None:
            left.remove(mate)
            reason: Reason = "cross" if department[person] != department[mate] else "same-met"
            groups.append(((person, mate), reason))
            continue
        # Swap: break a pair (a, b) into (person, a) and (other, b).
        if not _swap(week, groups, person, left):
            raise PairingImpossible(person)
    if left:
        _add_to_trio(week, groups, left[0])
    return groups


def _swap(week: _Week, groups: list[Group], person: int, left: list[int]) -> bool:
    department = week.department

    def score(a: int, b: int) -> int:
        return int(department[a] != department[b])

    best: tuple[int, int, int, int, int] | None = None
    for index, (members, _) in enumerate(groups):
        if len(members) != 2:  # noqa: PLR2004 - only pairs are split
            continue
        for a, b in (members, members[::-1]):
            if not week.allowed(person, a):
                continue
            for other in left:
                if week.allowed(other, b):
                    value = score(person, a) + score(other, b)
                    if best is None or value > best[0]:
                        best = (value, index, a, b, other)
    if best is None:
        return False
    _, index, a, b, other = best
    left.remove(other)
    groups[index] = ((person, a), "swap")
    groups.append(((other, b), "swap"))
    return True


def _add_to_trio(week: _Week, groups: list[Group], person: int) -> None:
    """Make the best pair a trio with ``person``: new to both, most departments apart."""
    department = week.department
    best: tuple[int, int] | None = None
    for index, (members, _) in enumerate(groups):
        if len(members) != 2 or not all(week.allowed(person, m) for m in members):  # noqa: PLR2004
            continue
        value = len({department[person], *(department[m] for m in members)})
        if best is None or value > best[0]:
            best = (value, index)
            if value == 3:  # noqa: PLR2004 - three departments: as good as a trio gets
                break
    if best is None:
        raise PairingImpossible(person)
    members, _ = groups[best[1]]
    groups[best[1]] = ((*members, person), "trio")


def form_teams(
    people: Sequence[int],
    department: Sequence[int],
    size: int,
    *,
    avoid: Mapping[int, AbstractSet[int]],
    rng: random.Random,
) -> list[tuple[int, ...]]:
    """Mixed teams of about ``size``: departments spread across teams, earlier partners apart.

    People are dealt department by department (the largest first) across the teams in
    turn, so that each team has as many departments as the cohort allows; then people
    of the same department trade teams wherever that separates people who have
    already been paired. Teams differ in size by one at most.
    """
    count = max(1, round(len(people) / size))
    by_department: dict[int, list[int]] = {}
    order = list(people)
    rng.shuffle(order)
    for person in order:
        by_department.setdefault(department[person], []).append(person)
    dealt = sorted(by_department.values(), key=len, reverse=True)
    teams: list[list[int]] = [[] for _ in range(count)]
    turn = 0
    for members in dealt:
        for person in members:
            teams[turn % count].append(person)
            turn += 1

    for _ in range(3):  # a few passes settle it; each trade strictly lowers the clashes
        traded = False
        for i in range(len(teams)):
            for a in list(teams[i]):
                traded = _trade(teams, i, a, department, avoid) or traded
        if not traded:
            break
    return [tuple(team) for team in teams if team]


def _trade(
    teams: list[list[int]],
    i: int,
    a: int,
    department: Sequence[int],
    avoid: Mapping[int, AbstractSet[int]],
) -> bool:
    """Trade ``a`` of team ``i`` for someone of its department if that lowers the clashes."""

    def clashes(team: Sequence[int], person: int) -> int:
        mine = avoid.get(person, ())
        return sum(1 for other in team if other != person and other in mine)

    team = teams[i]
    if not clashes(team, a):
        return False
    for j, other in enumerate(teams):
        if i == j:
            continue
        for b in other:
            if department[b] != department[a]:
                continue
            before = clashes(team, a) + clashes(other, b)
            team_after = [b if p == a else p for p in team]
            other_after = [a if p == b else p for p in other]
            if clashes(team_after, b) + clashes(other_after, a) < before:
                teams[i], teams[j] = team_after, other_after
                return True
    return False


def forbidden_from(pairs: Iterable[Sequence[int]]) -> dict[int, set[int]]:
    """Each person's partners in ``pairs`` (a trio counts as its three pairs)."""
    found: dict[int, set[int]] = {}
    for members in pairs:
        for a in members:
            for b in members:
                if a != b:
                    found.setdefault(a, set()).add(b)
    return found
