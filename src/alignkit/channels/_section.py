"""The ``channels:`` section: the channel strategy, its routes and business calendars."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Literal

from pydantic import Field, field_validator

from alignkit._spec import NAME_PATTERN, SpecModel, TupleOf, declared_twice
from alignkit.channels._calendar import BusinessCalendar, _zone
from alignkit.channels._model import Channel, ChannelStrategy, Route, parse_duration
from alignkit.diagnostics import Location
from alignkit.errors import Problem, SpecError

__all__ = [
    "CalendarSpec",
    "ChannelSpec",
    "ChannelsSection",
    "FunctionCalendarSpec",
    "RouteSpec",
]

_DURATION_HELP = "text like `1h`, `30m` or `1bd` (business days)"


def _relocated(error: SpecError, *prefix: str | int) -> Iterator[Problem]:
    for problem in error.problems:
        where = problem.location
        path = (*prefix, *(where.path if where is not None else ()))
        yield Problem(problem.message, Location(path=path))


class ChannelSpec(SpecModel):
    """A channel as the file declares it (see :class:`~alignkit.channels.Channel`).

    Added in 0.2.
    """

    name: str = Field(min_length=1, pattern=NAME_PATTERN, description="The channel's name.")
    use_case: str = Field(default="", description="What the channel is for.")
    response_sla: str | None = Field(
        default=None, description=f"The target time to a first response: {_DURATION_HELP}."
    )
    hard_limit: str | None = Field(
        default=None, description=f"The latest a response may come: {_DURATION_HELP}."
    )
    clock: Literal["business", "calendar"] = Field(
        default="business",
        description=(
            "`business`: hours count on the receiver's calendar; `calendar`: around the clock."
        ),
    )
    archive: bool = Field(default=False, description="A read-only channel of record.")
    examples: TupleOf[str] = Field(default=(), description="What typically goes there.")

    @field_validator("response_sla", "hard_limit", mode="after")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        if value is not None:
            parse_duration(value)  # a ValueError says how to write one
        return value

    def _invariants(self) -> Iterator[Problem]:
        try:
            self.to_channel()
        except SpecError as error:
            yield from _relocated(error)

    def to_channel(self) -> Channel:
        """The :class:`~alignkit.channels.Channel` this declares."""
        return Channel(
            self.name,
            self.use_case,
            self.response_sla,
            hard_limit=self.hard_limit,
            clock=self.clock,
            archive=self.archive,
            examples=self.examples,
        )


class RouteSpec(SpecModel):
    """A routing rule as the file declares it (see :class:`~alignkit.channels.Route`).

    Added in 0.2.
    """

    channel: str = Field(min_length=1, description="The channel matching messages go to.")
    kinds: TupleOf[str] = Field(default=(), description="Only these kinds of message (any).")
    urgent: bool | None = Field(default=None, description="Only urgent (true) or not (false).")
    blocking: bool | None = Field(default=None, description="Only blocking (true) or not.")
    external: bool | None = Field(default=None, description="Only external (true) or not.")
    final: bool | None = Field(default=None, description="Only final decisions (true) or not.")
    reason: str = Field(default="", description="Why these messages go there.")

    def to_route(self) -> Route:
        """The :class:`~alignkit.channels.Route` this declares."""
        return Route(
            self.channel,
            frozenset(self.kinds),
            urgent=self.urgent,
            blocking=self.blocking,
            external=self.external,
            final=self.final,
            reason=self.reason,
        )


class CalendarSpec(SpecModel):
    """A business calendar (see :class:`~alignkit.channels.BusinessCalendar`).

    ``hours`` maps days (``mon``, ``mon-fri``) to windows (``"09:00-17:00"``, or a
    list for a break); without it, Monday to Friday 09:00-17:00. ``holidays`` lists
    dates, or is a country code (``US``, ``DE-BY``: the ``holidays`` extra).

    Added in 0.2.
    """

    tz: str = Field(default="UTC", description="An IANA time zone (`Europe/London`).")
    hours: dict[str, TupleOf[str] | str] | None = Field(
        default=None,
        description="Open windows per day: `{mon-fri: '09:00-17:00'}` (Monday to Friday, 9 to 5).",
    )
    holidays: TupleOf[dt.date] | str = Field(
        default=(), description="Closed dates, or a country code (`US`, `DE-BY`)."
    )

    @field_validator("tz", mode="after")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        # Checked with the other fields, so that a wrong zone is reported with them.
        problems: list[Problem] = []
        _zone(value, problems)
        if problems:
            raise ValueError(problems[0].message)
        return value

    def _invariants(self) -> Iterator[Problem]:
        try:
            self.calendar()
        except SpecError as error:
            yield from _relocated(error)

    def calendar(self) -> BusinessCalendar:
        """The :class:`~alignkit.channels.BusinessCalendar` this declares."""
        hours = None if self.hours is None else dict(self.hours)
        return BusinessCalendar(self.tz, hours, self.holidays)

    def is_closed(self) -> bool:
        """True when no day has an open window."""
        if self.hours is None:
            return False
        return not any(
            (value.strip() if isinstance(value, str) else any(w.strip() for w in value))
            for value in self.hours.values()
        )


class FunctionCalendarSpec(CalendarSpec):
    """The business calendar of one function of the org.

    Added in 0.2.
    """

    function: str = Field(min_length=1, description="The function whose calendar it is.")


class ChannelsSection(SpecModel):
    """The ``channels`` section: which channel is for what, and on whose hours.

    Without ``channels``, the reference table (:meth:`ChannelStrategy.default`) with
    its routes and default.

    >>> section = ChannelsSection()
    >>> section.strategy().route("contract approval", external=True).channel.name
    'email'

    Added in 0.2.
    """

    channels: TupleOf[ChannelSpec] = Field(
        default=(), description="The channels (the reference table when left out)."
    )
    routes: TupleOf[RouteSpec] = Field(
        default=(), description="Routing rules in order: the first match wins."
    )
    default: str | None = Field(
        default=None, description="The channel for messages no route matches."
    )
    calendar: CalendarSpec | None = Field(
        default=None, description="The business calendar of everyone without their own."
    )
    calendars: TupleOf[FunctionCalendarSpec] = Field(
        default=(), description="Business calendars per function."
    )

    def _invariants(self) -> Iterator[Problem]:
        yield from declared_twice("Channel", "channels", (c.name for c in self.channels))
        seen: set[str] = set()
        for index, calendar in enumerate(self.calendars):
            if calendar.function in seen:
                yield Problem(
                    f"Function `{calendar.function}` has two calendars: keep one",
                    Location(path=("calendars", index, "function")),
                )
            seen.add(calendar.function)

    def strategy(self) -> ChannelStrategy:
        """The channel strategy the section declares.

        Raises:
            SpecError: A route or the default names an unknown channel, or there is
                no default (``alignkit check`` reports these as ``CH003`` and ``CH004``).
        """
        reference = ChannelStrategy.default()
        if not self.channels:
            routes = tuple(r.to_route() for r in self.routes) or reference.routes
            return ChannelStrategy(
                reference.channels, routes, self.default or reference.default_channel
            )
        if self.default is None:
            raise SpecError.single(
                "The channels section has no `default` channel", Location(path=("default",))
            )
        return ChannelStrategy(
            [c.to_channel() for c in self.channels],
            [r.to_route() for r in self.routes],
            self.default,
        )

    def calendar_for(self, function: str | None) -> BusinessCalendar:
        """The calendar of ``function``: its own, else the section's, else 09:00-17:00 UTC."""
        for own in self.calendars:
            if own.function == function:
                return own.calendar()
        if self.calendar is not None:
            return self.calendar.calendar()
        return BusinessCalendar.default()
