"""The ``coaching:`` section: who is coached, when they are away, whom they have met."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pydantic import Field, field_validator

from alignkit._spec import SpecModel, TupleOf
from alignkit.diagnostics import Location
from alignkit.errors import Problem, SpecError

if TYPE_CHECKING:
    from collections.abc import Callable

    from alignkit.channels import BusinessCalendar
    from alignkit.coaching._model import CoachingPlan, Member

__all__ = ["AwaySpec", "CoachingSection"]


class AwaySpec(SpecModel):
    """A time someone cannot meet: whole days (two dates, both included) or a span.

    Added in 0.2.
    """

    person: str = Field(min_length=1, description="The id of the person who is away.")
    start: dt.datetime | dt.date = Field(description="The first day, or when it starts.")
    end: dt.datetime | dt.date = Field(description="The last day (included), or when it ends.")

    def _invariants(self) -> Iterator[Problem]:
        start, end = self.start, self.end
        days = [isinstance(v, dt.datetime) for v in (start, end)]
        if days[0] != days[1]:
            yield Problem(
                "Write both ends as dates (whole days) or both as times with a zone",
                Location(path=("end",)),
            )
        elif days[0]:
            assert isinstance(start, dt.datetime)  # noqa: S101 - checked just above
            assert isinstance(end, dt.datetime)  # noqa: S101
            if start.tzinfo is None or end.tzinfo is None:
                yield Problem(
                    "A time needs its zone, such as 2027-01-11T09:00:00+00:00",
                    Location(path=("start" if start.tzinfo is None else "end",)),
                )
            elif end <= start:
                yield Problem("It ends before it starts", Location(path=("end",)))
        elif end < start:
            yield Problem("The last day is before the first", Location(path=("end",)))

    def spans(self) -> list[dt.date | tuple[dt.datetime, dt.datetime]]:
        """What :meth:`CoachingPlan.four_weeks` takes: each day, or the one span."""
        start, end = self.start, self.end
        if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
            return [(start, end)]
        days = (end - start).days + 1
        return [start + dt.timedelta(days=i) for i in range(days)]


class CoachingSection(SpecModel):
    """The ``coaching`` section: the micro-coaching plan's cohort and constraints.

    Working hours come from the ``channels`` section's calendars (each person on their
    function's) when the file has one, else Monday to Friday 09:00-17:00 in ``zone``;
    week 2 pairs the two sides of the ``handoffs`` section and of each value stream's
    handoffs.

    >>> section = CoachingSection(cohort=("Sales", "Operations"), seed=3)
    >>> section.seed
    3

    Added in 0.2.
    """

    cohort: TupleOf[str] = Field(
        default=(),
        description="Teams, functions or people in the plan (everyone when left out).",
    )
    start: dt.date | None = Field(
        default=None, description="The first day of week 1 (`alignkit coach --start` overrides)."
    )
    seed: int = Field(default=0, description="The seed of the pairing's ties.")
    team_size: int = Field(default=4, ge=2, description="The size of week 3's mixed teams.")
    zone: str = Field(
        default="UTC", description="The time zone of working hours when no channel calendar is set."
    )
    unavailable: TupleOf[AwaySpec] = Field(
        default=(), description="Times people cannot meet: days off, trips, other commitments."
    )
    history: TupleOf[TupleOf[str]] = Field(
        default=(), description="Groups of people who met in earlier plans: never paired again."
    )

    @field_validator("history", mode="before")
    @classmethod
    def _groups_in_order(cls, value: object) -> object:
        """Sets (``plan.pairs()``) become sorted lists: the file's form, in a stable order."""
        if isinstance(value, set | frozenset):
            value = sorted(sorted(g) if isinstance(g, set | frozenset) else g for g in value)
        return value

    def _invariants(self) -> Iterator[Problem]:
        import zoneinfo

        try:
            zoneinfo.ZoneInfo(self.zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            yield Problem(
                f"`{self.zone}` is not an IANA time zone (such as Europe/London)",
                Location(path=("zone",)),
            )
        for index, group in enumerate(self.history):
            if len(group) < 2:  # noqa: PLR2004 - a pair needs two
                yield Problem(
                    "A group of history names two people or more", Location(path=("history", index))
                )

    def members(self, file: Any, names: tuple[str, ...] | None = None) -> list[Member]:  # noqa: ANN401 - an AlignmentFile or view
        """The people of the cohort: ``names`` (teams, functions or people), else the section's.

        An empty cohort is everyone in the org.

        Raises:
            SpecError: A name is no team, function or person (``CO001``), each named.
        """
        org = file.org
        wanted = self.cohort if names is None else names
        if not wanted:
            return list(org.people)
        people = {p.id: p for p in org.people}
        teams = {team.name: team for team in file.section("teams") or ()}
        chosen: dict[str, Member] = {}
        problems: list[Problem] = []
        for index, name in enumerate(wanted):
            found = _resolve(name, people, teams, org)
            if found is None:
                problems.append(
                    Problem(
                        f"`{name}` in the cohort is no team, function or person of the file",
                        Location(path=("coaching", "cohort", index)),
                        code="CO001",
                    )
                )
            for person in found or ():
                chosen.setdefault(person.id, person)
        if problems:
            raise SpecError(problems)
        return list(chosen.values())

    def handoffs(self, file: Any) -> list[tuple[str, str]]:  # noqa: ANN401 - an AlignmentFile or view
        """The ``(upstream, downstream)`` functions of the file's handoffs and value streams."""
        found: list[tuple[str, str]] = []
        section = file.section("handoffs")
        if section is not None:
            found.append((section.sending, section.receiving))
        streams = file.section("value_streams")
        for stream in getattr(streams, "streams", ()):
            steps = {step.name: step for step in stream.current}
            for index, step in enumerate(stream.current):
                before = step.after or ((stream.current[index - 1].name,) if index else ())
                for name in before:
                    upstream = steps.get(name)
                    if upstream is not None and upstream.function != step.function:
                        found.append((upstream.function, step.function))
        return list(dict.fromkeys(found))  # each once, the handoffs section's first

    def plan(
        self,
        file: Any,  # noqa: ANN401 - an AlignmentFile or view
        start: dt.date | None = None,
        *,
        cohort: tuple[str, ...] | None = None,
        seed: int | None = None,
    ) -> CoachingPlan:
        """The four-week plan of the file's cohort, from ``start`` (else the section's).

        Raises:
            SpecError: No start date, a cohort name that names nothing, or a cohort
                that cannot be paired.
        """
        from alignkit.coaching._model import CoachingPlan

        first = start or self.start
        if first is None:
            raise SpecError.single(
                "The plan needs a start date: give `--start` or `start:` in the coaching section",
                Location(path=("coaching", "start")),
            )
        return CoachingPlan.four_weeks(
            self.members(file, cohort),
            first,
            calendar=self._calendars(file),
            seed=self.seed if seed is None else seed,
            history=self.history,
            handoffs=self.handoffs(file),
            unavailable=self._away(),
            zone=self.zone,
            team_size=self.team_size,
        )

    def _away(self) -> dict[str, list[dt.date | tuple[dt.datetime, dt.datetime]]]:
        away: dict[str, list[dt.date | tuple[dt.datetime, dt.datetime]]] = {}
        for entry in self.unavailable:
            away.setdefault(entry.person, []).extend(entry.spans())
        return away

    def _calendars(self, file: Any) -> Callable[[str], BusinessCalendar] | None:  # noqa: ANN401
        """Each function's channel calendar, else the section's, else ``zone``'s default."""
        from alignkit.channels import BusinessCalendar

        channels = file.section("channels")
        if channels is None or (channels.calendar is None and not channels.calendars):
            return None
        own = {spec.function: spec.calendar() for spec in channels.calendars}
        shared = (
            channels.calendar.calendar()
            if channels.calendar is not None
            else BusinessCalendar.default(self.zone)
        )
        return lambda function: own.get(function, shared)


def _resolve(
    name: str,
    people: dict[str, Any],
    teams: dict[str, Any],
    org: Any,  # noqa: ANN401 - an Org
) -> list[Any] | None:
    if name in teams:
        return [people[m.id] for m in teams[name].members if m.id in people]
    if name in people:
        return [people[name]]
    members = [p for p in org.people if p.function == name]
    if members or any(f.name == name for f in org.functions):
        return members
    return None
