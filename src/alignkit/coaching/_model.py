"""The four-week micro-coaching plan: who meets whom, why, and when.

Import from ``alignkit.coaching``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Final, Protocol, final

import attrs

from alignkit.coaching._pairing import (
    Group,
    PairingImpossible,
    best_cross_pairs,
    cross_pairs,
    forbidden_from,
    form_teams,
    pair,
)
from alignkit.diagnostics import Location
from alignkit.errors import Problem, SpecError

if TYPE_CHECKING:
    from pathlib import Path

    from alignkit.channels import BusinessCalendar

__all__ = [
    "ACTIVITIES",
    "Activity",
    "CoachingPlan",
    "CrossShare",
    "Member",
    "Pairing",
    "Session",
]

_STEP: Final = dt.timedelta(minutes=30)  # sessions start on the hour or the half hour
_DAY: Final = dt.timedelta(days=1)


class Member(Protocol):
    """A person of the cohort: :class:`alignkit.org.Person` is one."""

    @property
    def id(self) -> str:
        """The person's unique id."""

    @property
    def name(self) -> str:
        """The person's name."""

    @property
    def function(self) -> str:
        """The person's function (department)."""


@final
@attrs.frozen
class Activity:
    """One week of the plan: what people do, and how long a session lasts.

    Attributes:
        week: The week, 1 to 4.
        name: Its short name.
        summary: What happens, for the invitation.
        length: How long a session lasts; ``None`` for a working day.

    Added in 0.2.
    """

    week: int
    name: str
    summary: str
    length: dt.timedelta | None


ACTIVITIES: Final = (
    Activity(
        1,
        "Day in the Life",
        "Job swap: spend a working day with a colleague of another function, seeing their "
        "work as they do it, and host them for a day in return.",
        None,
    ),
    Activity(
        2,
        "Handoff review",
        "Peer review of anonymised handoffs, one that went well and one that went badly, "
        "with the colleague on the other side of the handoff: what each needed, and when.",
        dt.timedelta(hours=1),
    ),
    Activity(
        3,
        "Customer call review",
        "A mixed team listens to recorded customer calls together and agrees what each "
        "function heard, and what it will do about it.",
        dt.timedelta(hours=1),
    ),
    Activity(
        4,
        "Problem-solving pair",
        "Two people of different departments take one cross-functional problem and bring "
        "back a proposal.",
        dt.timedelta(minutes=90),
    ),
)
"""The four weeks of the plan, in order."""

_PAIRING_WEEKS: Final = (1, 2, 4)
# The handoff review is paired first: its pairs are the scarce ones (two departments
# only), and weeks 1 and 4 can pair across any departments around them.
_PAIRING_ORDER: Final = (2, 1, 4)


@final
@attrs.frozen
class Pairing:
    """People put together for one week, and why.

    Weeks 1, 2 and 4 make pairs (and one trio when the cohort's count is odd);
    week 3 makes mixed teams.

    Attributes:
        week: The week, 1 to 4.
        people: Their ids.
        functions: Their functions, in the same order.
        reason: Why they were put together, in words.
        kind: Why, as a word for tools: ``"cross"`` (across departments),
            ``"handoff"`` (the two sides of a handoff), ``"same-majority"`` (one
            department outnumbers the rest), ``"same-met"`` (everyone else had met),
            ``"swap"`` (re-paired to avoid a repeat), ``"trio"`` (an odd count) or
            ``"team"`` (week 3).

    Added in 0.2.
    """

    week: int
    people: tuple[str, ...]
    functions: tuple[str, ...]
    reason: str
    kind: str = "cross"

    @property
    def cross(self) -> bool:
        """True when every two of them work in different functions."""
        return len(set(self.functions)) == len(self.functions)


@final
@attrs.frozen
class Session:
    """One meeting of the plan, placed in working hours.

    Attributes:
        week: The week, 1 to 4.
        activity: The activity's name.
        title: The invitation's title.
        description: What happens and why these people, for the invitation.
        organizer: The id of the person who hosts it.
        attendees: The ids of everyone in it, the organizer first.
        start: When it starts (aware, in the organizer's zone); ``None`` when no time
            in its week suits everyone (see :attr:`CoachingPlan.unplaced`).
        end: When it ends, or ``None``.
        uid: A unique id that is the same each time the same plan is made.

    Added in 0.2.
    """

    week: int
    activity: str
    title: str
    description: str
    organizer: str
    attendees: tuple[str, ...]
    start: dt.datetime | None
    end: dt.datetime | None
    uid: str


@final
@attrs.frozen
class CrossShare:
    """How many of the pairs that meet are cross-department, against the best possible.

    The best is worked out from the functions' sizes alone (no pair left out for
    having met before): the most pairs that can join two functions when one function
    is more than half of the cohort, all of them otherwise. A trio counts as its
    three pairs.

    Attributes:
        cross: Pairs of people from different functions.
        pairs: Pairs of people who meet.
        best_cross: The most cross-department pairs possible.
        best_pairs: The pairs of the best plan (as many as :attr:`pairs`).

    Added in 0.2.
    """

    cross: int
    pairs: int
    best_cross: int
    best_pairs: int

    @property
    def share(self) -> float:
        """The share of pairs that are cross-department, 0 to 1."""
        return self.cross / self.pairs if self.pairs else 0.0

    @property
    def best(self) -> float:
        """The best possible share, 0 to 1."""
        return self.best_cross / self.best_pairs if self.best_pairs else 0.0

    def __add__(self, other: CrossShare) -> CrossShare:
        return CrossShare(
            self.cross + other.cross,
            self.pairs + other.pairs,
            self.best_cross + other.best_cross,
            self.best_pairs + other.best_pairs,
        )


@final
@attrs.frozen(eq=False, repr=False)
class CoachingPlan:
    """A four-week micro-coaching plan for a cohort: pairings, sessions and their reasons.

    Make one with :meth:`four_weeks`.

    Attributes:
        start: The first day of week 1 (each week is the seven days from its start).
        seed: The seed of the pairing's ties: the same cohort, start and seed give
            the same plan.
        members: The cohort, by id.
        pairings: Every pairing, week by week.
        sessions: Every session, week by week.
        stamp: The time stamp of the plan's calendar export (``DTSTAMP``): midnight
            UTC of :attr:`start` unless given, never the clock, so that the same plan
            exports the same bytes.

    Added in 0.2.
    """

    start: dt.date
    seed: int
    members: Mapping[str, Member]
    pairings: tuple[Pairing, ...]
    sessions: tuple[Session, ...]
    stamp: dt.datetime
    _shares: Mapping[int, CrossShare]
    _zones: Mapping[str, str]

    @classmethod
    def four_weeks(
        cls,
        cohort: Iterable[Member],
        start: dt.date,
        *,
        calendar: BusinessCalendar
        | Mapping[str, BusinessCalendar]
        | Callable[[str], BusinessCalendar]
        | None = None,
        seed: int = 0,
        history: Iterable[Iterable[str]] = (),
        handoffs: Iterable[tuple[str, str]] = (),
        unavailable: Mapping[str, Iterable[dt.date | tuple[dt.datetime, dt.datetime]]]
        | None = None,
        zone: str = "UTC",
        team_size: int = 4,
        stamp: dt.datetime | None = None,
    ) -> CoachingPlan:
        """Pair and schedule ``cohort`` for four weeks from ``start``.

        Week 1 pairs people for a "Day in the Life" job swap (each hosts the other
        for a working day); week 2 pairs the two sides of each handoff to review
        anonymised handoffs; week 3 forms mixed teams of about ``team_size`` to
        review recorded customer calls; week 4 pairs people for cross-department
        problem solving.

        Pairs cross departments wherever the cohort allows (the best possible share
        is :meth:`cross_share`'s ``best``), then balance which departments meet;
        no pair of weeks 1, 2 and 4 repeats a pair of another week or of
        ``history``; an odd count makes one trio. Week 3's teams mix functions and
        keep earlier partners apart as far as the cohort allows.

        Args:
            cohort: The people (``org.people``, or any objects with ``id``, ``name``
                and ``function``).
            start: The first day of week 1.
            calendar: Working hours: one :class:`~alignkit.channels.BusinessCalendar`
                for everyone, or one per function (a mapping, or a function such as
                a channels section's ``calendar_for``); Monday to Friday
                09:00-17:00 in ``zone`` where none is given.
            seed: The seed of the ties between equally good pairings.
            history: Groups of ids who met in earlier plans (``plan.pairs()``).
            handoffs: ``(upstream, downstream)`` function pairs for week 2.
            unavailable: For each person's id, the days (dates in their zone) or
                ``(start, end)`` spans (aware datetimes) when they cannot meet.
            zone: The IANA zone of the default working hours.
            team_size: The size of week 3's teams.
            stamp: The export's ``DTSTAMP`` (aware); midnight UTC of ``start`` by default.

        Raises:
            SpecError: Every problem of the arguments at once: fewer than two people,
                an id given twice, a span that ends before it starts, a naive
                datetime, or a week that cannot be paired without repeating a pair.

        >>> import datetime as dt
        >>> from alignkit.org import Person
        >>> cohort = [Person(id="ana", name="Ana", function="Sales"),
        ...           Person(id="ben", name="Ben", function="Operations"),
        ...           Person(id="cy", name="Cy", function="Sales"),
        ...           Person(id="di", name="Di", function="Operations")]
        >>> plan = CoachingPlan.four_weeks(cohort, dt.date(2027, 1, 4), zone="Europe/London",
        ...                                handoffs=[("Sales", "Operations")])
        >>> [p.people for p in plan.pairings if p.week == 2]
        [('ana', 'di'), ('cy', 'ben')]
        >>> first = plan.sessions[0]
        >>> first.title
        'Week 1 · Day in the Life: Ben spends the day with Ana (Sales)'
        >>> str(first.start)
        '2027-01-04 09:00:00+00:00'
        >>> plan.cross_share(4)  # four people: the third week has only same-function pairs left
        CrossShare(cross=0, pairs=2, best_cross=2, best_pairs=2)

        Added in 0.2.
        """
        from alignkit.channels import BusinessCalendar

        problems: list[Problem] = []
        members = _members(cohort, problems)
        if not isinstance(start, dt.date) or isinstance(start, dt.datetime):
            problems.append(
                Problem(f"`start` must be a date, got {start!r}", Location(path=("start",)))
            )
        if isinstance(team_size, bool) or not isinstance(team_size, int) or team_size < 2:  # noqa: PLR2004
            problems.append(
                Problem(
                    f"`team_size` must be a whole number of 2 or more, got {team_size!r}",
                    Location(path=("team_size",)),
                )
            )
        if stamp is not None and (not isinstance(stamp, dt.datetime) or stamp.tzinfo is None):
            problems.append(Problem("`stamp` must be an aware datetime", Location(path=("stamp",))))
        default = BusinessCalendar.default(zone)
        calendar_of = _calendars(calendar, default)
        blocked = _unavailable(unavailable or {}, members, calendar_of, problems)
        if problems:
            raise SpecError(problems)
        plan = _Planner(members, start, seed, calendar_of, blocked)
        return plan.make(history, handoffs, team_size, stamp)

    def __repr__(self) -> str:
        return (
            f"CoachingPlan(start={self.start!r}, seed={self.seed}, people={len(self.members)}, "
            f"sessions={len(self.sessions)})"
        )

    def pairs(self) -> frozenset[frozenset[str]]:
        """Every two people paired in weeks 1, 2 and 4 (a trio's three): the next plan's history."""
        return frozenset(
            frozenset((a, b))
            for pairing in self.pairings
            if pairing.week in _PAIRING_WEEKS
            for i, a in enumerate(pairing.people)
            for b in pairing.people[i + 1 :]
        )

    def cross_share(self, week: int | None = None) -> CrossShare:
        """The cross-department share of one pairing week (1, 2 or 4), or of all three.

        Raises:
            SpecError: ``week`` is not a pairing week.
        """
        if week is None:
            total = CrossShare(0, 0, 0, 0)
            for share in self._shares.values():
                total += share
            return total
        if week not in self._shares:
            raise SpecError.single(f"Week {week} is not a pairing week: choose 1, 2 or 4")
        return self._shares[week]

    @property
    def unplaced(self) -> tuple[Session, ...]:
        """Sessions no time of their week suits (someone away, or fully booked)."""
        return tuple(s for s in self.sessions if s.start is None)

    def explain(self, person: str) -> str:
        """Why ``person`` was paired with each partner, week by week, and when they meet.

        Raises:
            UnknownNameError: ``person`` is not in the cohort; the nearest id is suggested.
        """
        from alignkit.errors import UnknownNameError

        if person not in self.members:
            raise UnknownNameError.for_name("person", person, list(self.members))
        me = self.members[person]
        lines = [f"{me.name} ({me.function})"]
        for activity in ACTIVITIES:
            for pairing in self.pairings:
                if pairing.week != activity.week or person not in pairing.people:
                    continue
                others = ", ".join(
                    f"{self.members[p].name} ({self.members[p].function})"
                    for p in pairing.people
                    if p != person
                )
                lines.append(f"  Week {activity.week}, {activity.name}: with {others}.")
                lines.append(f"    Why: {pairing.reason}")
            mine = [s for s in self.sessions if s.week == activity.week and person in s.attendees]
            mine.sort(key=lambda s: (s.start is None, s.start or self.stamp))
            for session in mine:
                role = ""
                if activity.length is None:  # a day each way: say which day is whose
                    role = ", hosting" if session.organizer == person else ", visiting"
                lines.append(f"    When: {_when(session)}{role}")
        return "\n".join(lines) + "\n"

    def to_ical(self, *, email_domain: str = "example.com") -> bytes:
        """The plan as an iCalendar file (RFC 5545): one event per placed session.

        Each event has its ORGANIZER and ATTENDEEs (``mailto:`` the person's id at
        ``email_domain``, with their name), times in the organizer's zone with a
        VTIMEZONE for every zone used, a UID and a DTSTAMP fixed by the plan: the same
        plan gives the same bytes. Needs the ``icalendar`` package
        (``pip install 'alignkit[ical]'``).

        Raises:
            SpecError: ``icalendar`` is not installed.
        """
        from alignkit.coaching._ical import to_ical

        return to_ical(self, email_domain=email_domain)

    def write_ical(self, path: str | Path, *, email_domain: str = "example.com") -> None:
        """Write :meth:`to_ical` to ``path``."""
        from pathlib import Path

        Path(path).write_bytes(self.to_ical(email_domain=email_domain))

    def zone_of(self, session: Session) -> str:
        """The IANA zone of ``session``'s times: its organizer's working hours."""
        return self._zones[session.organizer]


def pairing_problem(
    cohort: Iterable[Member],
    *,
    seed: int = 0,
    history: Iterable[Iterable[str]] = (),
    handoffs: Iterable[tuple[str, str]] = (),
) -> tuple[str, str] | None:
    """Who cannot be paired for the plan's three pairing weeks, and why; ``None`` if all can.

    The pairing alone, without placing sessions: what ``alignkit check`` asks.
    """
    from alignkit.channels import BusinessCalendar

    problems: list[Problem] = []
    members = _members(cohort, problems)
    if problems:
        return "", problems[0].message
    default = BusinessCalendar.default()
    planner = _Planner(members, dt.date(2000, 1, 3), seed, lambda _: default, {})
    try:
        planner.pair_weeks(history, handoffs)
    except SpecError as error:
        return planner.unpairable or "", error.problems[0].message
    return None


def _when(session: Session) -> str:
    if session.start is None or session.end is None:
        return "not placed: no time in the week suits everyone"
    start, end = session.start, session.end
    return f"{start:%a %d %b %Y %H:%M}-{end:%H:%M} ({start.tzname()})"


def _members(cohort: Iterable[Member], problems: list[Problem]) -> dict[str, Member]:
    members: dict[str, Member] = {}
    for index, member in enumerate(cohort):
        ident = getattr(member, "id", None)
        if not isinstance(ident, str) or not isinstance(getattr(member, "function", None), str):
            problems.append(
                Problem(
                    f"Cohort member {index} has no text `id` and `function`: {member!r}",
                    Location(path=("cohort", index)),
                )
            )
            continue
        if ident in members:
            problems.append(
                Problem(f"`{ident}` is in the cohort twice", Location(path=("cohort", index)))
            )
            continue
        members[ident] = member
    if len(members) < 2 and not problems:  # noqa: PLR2004 - a pair needs two
        problems.append(
            Problem(
                f"A coaching plan pairs people: the cohort has {len(members)} person"
                f"{'' if len(members) == 1 else 's'}, it needs two or more",
                Location(path=("cohort",)),
            )
        )
    return dict(sorted(members.items()))


def _calendars(calendar: object, default: BusinessCalendar) -> Callable[[str], BusinessCalendar]:
    if calendar is None:
        return lambda _: default
    if isinstance(calendar, Mapping):
        by_function: Mapping[str, BusinessCalendar] = calendar
        return lambda function: by_function.get(function, default)
    if callable(calendar) and not hasattr(calendar, "is_open"):
        return calendar
    one: BusinessCalendar = calendar  # type: ignore[assignment]
    return lambda _: one


def _unavailable(
    unavailable: Mapping[str, Iterable[object]],
    members: Mapping[str, Member],
    calendar_of: Callable[[str], BusinessCalendar],
    problems: list[Problem],
) -> dict[str, list[tuple[dt.datetime, dt.datetime]]]:
    blocked: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {}
    for person, spans in unavailable.items():
        member = members.get(person)
        if member is None:
            continue  # away, but not in this cohort: nothing to place around
        zone = calendar_of(member.function).zone
        for index, span in enumerate(spans):
            where = Location(path=("unavailable", person, index))
            if isinstance(span, dt.date) and not isinstance(span, dt.datetime):
                begin = dt.datetime.combine(span, dt.time(), tzinfo=zone)
                blocked.setdefault(person, []).append((begin, begin + _DAY))
                continue
            if (
                not isinstance(span, tuple)
                or len(span) != 2  # noqa: PLR2004 - a span is two ends
                or not all(isinstance(end, dt.datetime) for end in span)
            ):
                problems.append(
                    Problem(
                        f"Write a date or a (start, end) pair of datetimes, got {span!r}", where
                    )
                )
                continue
            begin, end = span
            if begin.tzinfo is None or end.tzinfo is None:
                problems.append(Problem("A span's datetimes need a time zone", where))
            elif end <= begin:
                problems.append(Problem(f"The span ends ({end}) before it starts ({begin})", where))
            else:
                blocked.setdefault(person, []).append((begin, end))
    return blocked


class _Planner:
    """Makes one plan: the pairings week by week, then the sessions in working hours."""

    def __init__(
        self,
        members: Mapping[str, Member],
        start: dt.date,
        seed: int,
        calendar_of: Callable[[str], BusinessCalendar],
        blocked: Mapping[str, list[tuple[dt.datetime, dt.datetime]]],
    ) -> None:
        self.members = members
        self.ids = list(members)
        self.position = {ident: i for i, ident in enumerate(self.ids)}
        functions = sorted({m.function for m in members.values()})
        self.functions = functions
        index = {f: i for i, f in enumerate(functions)}
        self.department = [index[members[i].function] for i in self.ids]
        self.start = start
        self.seed = seed
        self.calendar_of = calendar_of
        self.blocked = blocked
        self.busy: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {}
        self.handoffs: dict[frozenset[str], tuple[str, str]] = {}
        self.rng = random.Random(seed)  # noqa: S311 - ties, not secrets
        self.unpairable: str | None = None
        self.plan_key: str | None = None

    # --- pairing ----------------------------------------------------------------------

    def pair_weeks(
        self, history: Iterable[Iterable[str]], handoffs: Iterable[tuple[str, str]]
    ) -> tuple[dict[int, list[Group]], dict[int, CrossShare], dict[int, set[int]]]:
        """The pairs of weeks 1, 2 and 4, their shares, and everyone's partners.

        Raises:
            SpecError: A week cannot be paired without repeating a pair.
        """
        self.rng = random.Random(self.seed)  # noqa: S311 - ties, not secrets
        earlier = [
            tuple(self.position[p] for p in group if p in self.position) for group in history
        ]
        forbidden = forbidden_from(earlier)
        linked = self._links(handoffs)
        met: dict[tuple[int, int], int] = {}
        everyone = list(range(len(self.ids)))
        weeks: dict[int, list[Group]] = {}
        shares: dict[int, CrossShare] = {}
        sizes = [self.department.count(d) for d in range(len(self.functions))]
        best_cross, best_pairs = best_cross_pairs(sizes)
        for week in _PAIRING_ORDER:
            try:
                groups = pair(
                    everyone,
                    self.department,
                    len(self.functions),
                    forbidden=forbidden,
                    met=met,
                    rng=self.rng,
                    linked=linked if week == 2 else (),  # noqa: PLR2004 - the handoff week
                )
            except PairingImpossible as stuck:
                self.unpairable = self.ids[stuck.person]
                message = (
                    f"Week {week}: `{self.ids[stuck.person]}` cannot be paired without "
                    f"repeating a pair: everyone left has met them, in an earlier week or "
                    f"in the history (a cohort of {len(self.ids)} needs fewer pairs ruled out)"
                )
                problem = Problem(message, Location(path=("cohort",)), code="CO003")
                raise SpecError([problem]) from None
            weeks[week] = groups
            for members, _ in groups:
                for a in members:
                    forbidden.setdefault(a, set()).update(m for m in members if m != a)
            cross, pairs = cross_pairs((m for m, _ in groups), self.department)
            shares[week] = CrossShare(cross, pairs, best_cross, best_pairs)
        return weeks, shares, forbidden

    def make(
        self,
        history: Iterable[Iterable[str]],
        handoffs: Iterable[tuple[str, str]],
        team_size: int,
        stamp: dt.datetime | None,
    ) -> CoachingPlan:
        weeks, shares, forbidden = self.pair_weeks(history, handoffs)
        everyone = list(range(len(self.ids)))
        teams = form_teams(everyone, self.department, team_size, avoid=forbidden, rng=self.rng)
        pairings = [
            *(self._pairing(1, g) for g in self._in_order(weeks[1])),
            *(self._pairing(2, g) for g in self._in_order(weeks[2])),
            *(
                self._team(members, forbidden)
                for members in sorted(tuple(sorted(t)) for t in teams)
            ),
            *(self._pairing(4, g) for g in self._in_order(weeks[4])),
        ]
        sessions = self._sessions(pairings)
        zones = {ident: self.calendar_of(m.function).tz for ident, m in self.members.items()}
        return CoachingPlan(
            start=self.start,
            seed=self.seed,
            members=dict(self.members),
            pairings=tuple(pairings),
            sessions=tuple(sessions),
            stamp=stamp.astimezone(dt.UTC)
            if stamp is not None
            else dt.datetime.combine(self.start, dt.time(), tzinfo=dt.UTC),
            shares=shares,
            zones=zones,
        )

    def _in_order(self, groups: list[Group]) -> list[Group]:
        """Each group's people in cohort order, and the groups by their first person.

        Across a handoff the upstream side comes first; a trio's newcomer comes last.
        """
        ordered: list[Group] = []
        for members, reason in groups:
            if reason == "trio":
                people = (*sorted(members[:2]), members[2])
            elif reason == "handoff":
                a, b = sorted(members)
                up = self.handoffs.get(
                    frozenset(
                        (self.functions[self.department[a]], self.functions[self.department[b]])
                    )
                )
                people = (b, a) if up and self.members[self.ids[b]].function == up[0] else (a, b)
            else:
                people = tuple(sorted(members))
            ordered.append((people, reason))
        return sorted(ordered, key=lambda group: min(group[0]))

    def _links(self, handoffs: Iterable[tuple[str, str]]) -> list[tuple[int, int]]:
        index = {f: i for i, f in enumerate(self.functions)}
        found: dict[tuple[int, int], None] = {}  # in order: the first handoff matters most
        for upstream, downstream in handoffs:
            if upstream in index and downstream in index and upstream != downstream:
                a, b = index[upstream], index[downstream]
                found[min(a, b), max(a, b)] = None
                self.handoffs.setdefault(frozenset((upstream, downstream)), (upstream, downstream))
        return list(found)

    def _names(self, people: Sequence[str]) -> str:
        names = [self.members[p].name for p in people]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    def _pairing(self, week: int, group: Group) -> Pairing:
        positions, reason = group
        people = tuple(self.ids[p] for p in positions)
        functions = tuple(self.members[p].function for p in people)
        return Pairing(
            week, people, functions, self._reason(week, people, functions, reason), reason
        )

    def _reason(
        self, week: int, people: tuple[str, ...], functions: tuple[str, ...], reason: str
    ) -> str:
        first, second = functions[0], functions[1]
        if reason == "handoff":
            up, down = self.handoffs.get(frozenset((first, second)), (first, second))
            return (
                f"they sit on the two sides of the {up} → {down} handoff: one hands the work "
                f"over, the other receives it."
            )
        if reason == "cross":
            text = (
                f"they work in different functions ({first} and {second}); the plan pairs "
                f"across functions first, and of the functions that keep the best share "
                f"within reach, {second} was the one {first} had met least so far."
            )
            if week == 2:  # noqa: PLR2004 - the handoff week
                text += " No handoff of the file links their functions with people left to pair."
            return text
        if reason == "same-majority":
            return (
                f"both work in {first}: {first} had more people left to pair than every other "
                f"function together, so some of its people pair with each other."
            )
        if reason == "same-met":
            return (
                f"both work in {first}: everyone left from another function had already "
                f"been paired with one of them, in this plan or before."
            )
        if reason == "swap":
            across = (
                f"they work in different functions ({first} and {second})"
                if first != second
                else f"both work in {first}"
            )
            return (
                f"{across}, paired after a swap: the first choices had all met before, and "
                f"the plan never repeats a pair."
            )
        joined = self.members[people[-1]].name
        return (
            f"a trio: the cohort has an odd number of people, and {joined} joined the pair "
            f"that brought the most functions together ({', '.join(sorted(set(functions)))})."
        )

    def _team(self, positions: tuple[int, ...], forbidden: Mapping[int, set[int]]) -> Pairing:
        people = tuple(self.ids[p] for p in positions)
        functions = tuple(self.members[p].function for p in people)
        kinds = sorted(set(functions))
        met = sum(
            1
            for i, a in enumerate(positions)
            for b in positions[i + 1 :]
            if b in forbidden.get(a, ())
        )
        reason = (
            f"a mixed team of {len(people)} from {len(kinds)} function"
            f"{'' if len(kinds) == 1 else 's'} ({', '.join(kinds)}): people are dealt across "
            f"teams function by function, so each team hears the call with as many ears as the "
            f"cohort has."
        )
        reason += (
            " Nobody in it was paired with another member earlier in the plan."
            if not met
            else f" {met} of its pairs met earlier in the plan: the cohort left no better mix."
        )
        return Pairing(3, people, functions, reason, "team")

    # --- placing ----------------------------------------------------------------------

    def _sessions(self, pairings: Sequence[Pairing]) -> list[Session]:
        sessions: list[Session] = []
        counter = 0
        for pairing in pairings:
            activity = ACTIVITIES[pairing.week - 1]
            for organizer, attendees, title in self._meetings(pairing, activity):
                span = self._place(pairing.week, organizer, attendees, activity.length, counter)
                counter += 1
                if span is not None:
                    for person in attendees:
                        self.busy.setdefault(person, []).append(span)
                uid = self._uid(pairing.week, organizer, attendees)
                sessions.append(
                    Session(
                        week=pairing.week,
                        activity=activity.name,
                        title=title,
                        description=f"{activity.summary}\n\nWhy this pairing: {pairing.reason}",
                        organizer=organizer,
                        attendees=attendees,
                        start=span[0] if span else None,
                        end=span[1] if span else None,
                        uid=uid,
                    )
                )
        return sessions

    def _meetings(
        self, pairing: Pairing, activity: Activity
    ) -> Iterable[tuple[str, tuple[str, ...], str]]:
        people = pairing.people
        label = f"Week {pairing.week} · {activity.name}"
        if pairing.week == 1:
            # Each hosts once and visits once: a pair swaps, a trio rotates.
            for i, host in enumerate(people):
                guest = people[i - 1] if len(people) > 2 else people[1 - i]  # noqa: PLR2004
                who = self.members[guest].name
                where = f"{self.members[host].name} ({self.members[host].function})"
                yield host, (host, guest), f"{label}: {who} spends the day with {where}"
            return
        organizer = people[0]
        if pairing.week == 2 and len(people) == 2:  # noqa: PLR2004 - a pair
            up = self.handoffs.get(frozenset(pairing.functions))
            if up is not None and self.members[people[1]].function == up[0]:
                organizer = people[1]  # the upstream side hosts the review
        attendees = (organizer, *(p for p in people if p != organizer))
        yield organizer, attendees, f"{label}: {self._names(attendees)}"

    def _place(
        self,
        week: int,
        organizer: str,
        attendees: Sequence[str],
        length: dt.timedelta | None,
        counter: int,
    ) -> tuple[dt.datetime, dt.datetime] | None:
        cal = self.calendar_of(self.members[organizer].function)
        first = self.start + dt.timedelta(days=7 * (week - 1))
        days = list(cal.open_days(first, first + dt.timedelta(days=6)))
        if not days:
            return None
        shift = counter % len(days)  # spread the week's sessions over its days
        for day in days[shift:] + days[:shift]:
            begin = dt.datetime.combine(day, dt.time(), tzinfo=cal.zone)
            windows = list(
                cal.windows(begin, dt.datetime.combine(day + _DAY, dt.time(), tzinfo=cal.zone))
            )
            if not windows:
                continue
            if length is None:
                span = (windows[0][0], windows[-1][1])
                if self._free(attendees, span, whole_day=True):
                    return span
                continue
            for window_start, window_end in windows:
                at = window_start
                while at + length <= window_end:
                    if self._free(attendees, (at, at + length), whole_day=False):
                        return at, at + length
                    at += _STEP
        return None

    def _free(
        self, attendees: Sequence[str], span: tuple[dt.datetime, dt.datetime], *, whole_day: bool
    ) -> bool:
        begin, end = span
        for person in attendees:
            for taken in (*self.blocked.get(person, ()), *self.busy.get(person, ())):
                if taken[0] < end and begin < taken[1]:
                    return False
            cal = self.calendar_of(self.members[person].function)
            if whole_day:
                local = begin.astimezone(cal.zone).date()
                if not any(True for _ in cal.open_days(local, local)):
                    return False
            elif cal.between(begin, end) != end - begin:
                return False
        return True

    def _uid(self, week: int, organizer: str, attendees: Sequence[str]) -> str:
        if self.plan_key is None:  # the plan's identity, hashed once: the cohort may be large
            whole = "|".join((self.start.isoformat(), str(self.seed), ",".join(self.ids)))
            self.plan_key = hashlib.sha256(whole.encode()).hexdigest()
        key = "|".join((self.plan_key, str(week), organizer, ",".join(attendees)))
        return hashlib.sha256(key.encode()).hexdigest()[:32] + "@alignkit"
