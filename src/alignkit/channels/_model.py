"""Channels, routes and the channel strategy; import from ``alignkit.channels``."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Final, Literal, TypeAlias, final

import attrs

from alignkit._suggest import suggest
from alignkit._time import require_aware
from alignkit.channels._calendar import BusinessCalendar, BusinessDays
from alignkit.diagnostics import Location
from alignkit.errors import Problem, SpecError, UnknownNameError

__all__ = [
    "Channel",
    "ChannelStrategy",
    "Clock",
    "Duration",
    "Route",
    "Routing",
    "format_duration",
    "parse_duration",
]

Duration: TypeAlias = dt.timedelta | BusinessDays
"""How long a channel gives: real time, or business days of the receiver's calendar."""

Clock: TypeAlias = Literal["business", "calendar"]
"""Whether a channel's hours run on the receiver's business hours, or around the clock."""

_CLOCKS: Final = ("business", "calendar")

_DURATION: Final = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(bd|h|m|s)\s*$", re.IGNORECASE)
_UNITS: Final = {
    "h": dt.timedelta(hours=1),
    "m": dt.timedelta(minutes=1),
    "s": dt.timedelta(seconds=1),
}


def parse_duration(text: str) -> Duration:
    """A duration as the alignment file writes it: ``1h``, ``30m``, ``90s`` or ``2bd``.

    ``bd`` counts business days (:class:`BusinessDays`, whole days only); the others
    are real time.

    >>> parse_duration("1h"), parse_duration("30m"), parse_duration("2bd")
    (datetime.timedelta(seconds=3600), datetime.timedelta(seconds=1800), BusinessDays(days=2))
    >>> parse_duration("1d")
    Traceback (most recent call last):
    ...
    ValueError: `1d` is not a duration: write it like `1h`, `30m` or `1bd` (business days); for a day around the clock write `24h`

    Raises:
        ValueError: The text is not a duration; the message says how to write one.

    Added in 0.2.
    """  # noqa: E501 - a doctest's output line
    found = _DURATION.match(text) if isinstance(text, str) else None
    if found is None:
        shown = text if isinstance(text, str) else repr(text)
        extra = (
            "; for a day around the clock write `24h`" if str(text).strip().endswith("d") else ""
        )
        msg = f"`{shown}` is not a duration: write it like `1h`, `30m` or `1bd` (business days)"
        raise ValueError(msg + extra)
    number, unit = found.group(1), found.group(2).lower()
    if unit == "bd":
        if "." in number:
            msg = f"`{text.strip()}`: business days are whole days; write hours instead (`4h`)"
            raise ValueError(msg)
        if int(number) < 1:
            msg = f"`{text.strip()}`: a business-day duration is at least `1bd`"
            raise ValueError(msg)
        return BusinessDays(int(number))
    return float(number) * _UNITS[unit]


def format_duration(value: Duration) -> str:
    """A duration as the file writes it (``1h``, ``30m``, ``1bd``): the inverse of parsing.

    >>> import datetime as dt
    >>> format_duration(dt.timedelta(minutes=90)), format_duration(BusinessDays(2))
    ('90m', '2bd')

    Added in 0.2.
    """
    if isinstance(value, BusinessDays):
        return str(value)
    seconds = value.total_seconds()
    for unit, size in (("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


def _duration(value: object, path: tuple[str, ...]) -> Duration | None:
    if value is None or isinstance(value, BusinessDays):
        return value
    if isinstance(value, dt.timedelta):
        if value <= dt.timedelta(0):
            raise SpecError.single(
                f"`{path[-1]}` must be longer than zero, got {value}", Location(path=path)
            )
        return value
    if isinstance(value, str):
        try:
            return parse_duration(value)
        except ValueError as error:
            raise SpecError.single(str(error), Location(path=path)) from None
    raise SpecError.single(
        f"`{path[-1]}` must be a timedelta, BusinessDays or text like `1h`, "
        f"got {type(value).__name__}",
        Location(path=path),
    )


def _sla(value: Duration | str | None) -> Duration | None:
    return _duration(value, ("response_sla",))


def _hard_limit(value: Duration | str | None) -> Duration | None:
    return _duration(value, ("hard_limit",))


def _texts(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _channels(value: Iterable[Channel]) -> tuple[Channel, ...]:
    return tuple(value)


def _routes(value: Iterable[Route]) -> tuple[Route, ...]:
    return tuple(value)


def _kinds(value: Iterable[str] | str) -> frozenset[str]:
    return frozenset((value,) if isinstance(value, str) else value)


@final
@attrs.frozen
class Channel:
    """One communication channel: what it is for, and how fast it must be answered.

    Args:
        name: Its name (``"chat"``).
        use_case: What it is for, in a few words.
        response_sla: The target time to a first response: real time (a
            ``timedelta``), business days of the receiver's calendar
            (:class:`BusinessDays`), or ``None`` for no target. Text such as ``"1h"``
            or ``"1bd"`` is read as :func:`parse_duration` reads it.
        hard_limit: A later limit past which a response is a breach however the
            target went (``None``: the target is the limit).
        clock: ``"business"``: a real-time target counts the receiver's business
            hours only; ``"calendar"``: it counts around the clock (chat for outages).
        archive: A read-only channel of record: nothing is answered there.
        examples: What typically goes there.

    Raises:
        SpecError: A field is wrong: an unknown clock, a duration of zero or less,
            business days on the calendar clock, or a target on an archive.

    >>> import datetime as dt
    >>> from alignkit.channels import BusinessCalendar
    >>> email = Channel("email", "Formal decisions", "1bd", hard_limit="2bd")
    >>> new_york = BusinessCalendar("America/New_York")
    >>> from zoneinfo import ZoneInfo
    >>> friday = dt.datetime(2026, 11, 27, 15, 30, tzinfo=ZoneInfo("America/New_York"))
    >>> email.due(friday, new_york).isoformat()
    '2026-11-30T15:30:00-05:00'

    Added in 0.2.
    """

    name: str
    use_case: str = ""
    response_sla: Duration | None = attrs.field(default=None, converter=_sla)
    hard_limit: Duration | None = attrs.field(default=None, converter=_hard_limit)
    clock: Clock = "business"
    archive: bool = False
    examples: tuple[str, ...] = attrs.field(default=(), converter=_texts)

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        if not isinstance(self.name, str) or not self.name.strip():
            problems.append(Problem("A channel needs a name", Location(path=("name",))))
        if not isinstance(self.use_case, str):
            problems.append(Problem("`use_case` must be text", Location(path=("use_case",))))
        if self.clock not in _CLOCKS:
            problems.append(
                Problem(
                    f"`clock` must be `business` or `calendar`, got {self.clock!r}",
                    Location(path=("clock",)),
                )
            )
        elif self.clock == "calendar":
            problems.extend(
                Problem(
                    f"`{field}` counts business days, which only the business "
                    "clock has: write hours (`24h`) or use `clock: business`",
                    Location(path=(field,)),
                )
                for field in ("response_sla", "hard_limit")
                if isinstance(getattr(self, field), BusinessDays)
            )
        if not isinstance(self.archive, bool):
            problems.append(Problem("`archive` must be true or false", Location(path=("archive",))))
        elif self.archive and (self.response_sla is not None or self.hard_limit is not None):
            problems.append(
                Problem(
                    f"Channel `{self.name}` is an archive: nothing is answered there, so "
                    "it has no response target or hard limit",
                    Location(path=("response_sla",)),
                )
            )
        if any(not isinstance(example, str) for example in self.examples):
            problems.append(Problem("Each example must be text", Location(path=("examples",))))
        if problems:
            raise SpecError(problems)

    def due(
        self, sent_at: dt.datetime, calendar: BusinessCalendar | None = None
    ) -> dt.datetime | None:
        """When a message sent at ``sent_at`` must have its first response (``None``: never).

        ``calendar`` is the receiver's (Monday to Friday, 09:00-17:00 UTC when ``None``).
        """
        return self._after(self.response_sla, sent_at, calendar)

    def hard_due(
        self, sent_at: dt.datetime, calendar: BusinessCalendar | None = None
    ) -> dt.datetime | None:
        """The hard limit of a message sent at ``sent_at``: its :meth:`due` time without one."""
        limit = self.hard_limit if self.hard_limit is not None else self.response_sla
        return self._after(limit, sent_at, calendar)

    def _after(
        self, duration: Duration | None, sent_at: dt.datetime, calendar: BusinessCalendar | None
    ) -> dt.datetime | None:
        sent_at = require_aware(sent_at, ("sent_at",))
        if duration is None:
            return None
        if self.clock == "calendar":
            assert isinstance(duration, dt.timedelta)  # noqa: S101 - checked when built
            # Added in UTC: time that shares a zone adds by wall clock, wrong across DST.
            return (sent_at.astimezone(dt.UTC) + duration).astimezone(sent_at.tzinfo)
        calendar = calendar if calendar is not None else _default_calendar()
        if isinstance(duration, BusinessDays):
            return calendar.add_business_days(sent_at, duration.days)
        return calendar.add(sent_at, duration)


_DEFAULT_CALENDAR: list[BusinessCalendar] = []


def _default_calendar() -> BusinessCalendar:
    if not _DEFAULT_CALENDAR:
        _DEFAULT_CALENDAR.append(BusinessCalendar.default())
    return _DEFAULT_CALENDAR[0]


_FLAGS: Final = ("urgent", "blocking", "external", "final")

# The reference table's targets.
_ONE_HOUR: Final = dt.timedelta(hours=1)
_ONE_DAY: Final = BusinessDays(1)
_TWO_DAYS: Final = BusinessDays(2)


@final
@attrs.frozen
class Route:
    """A routing rule: messages that match go to ``channel``.

    Each of ``urgent``, ``blocking``, ``external`` and ``final`` is ``True`` or
    ``False`` to require it, or ``None`` (the default) for either; ``kinds`` limits
    the rule to those kinds of message (empty: any kind).

    >>> Route("chat", urgent=True, blocking=True).matches("outage", urgent=True, blocking=True)
    True

    Added in 0.2.
    """

    channel: str
    kinds: frozenset[str] = attrs.field(default=frozenset(), converter=_kinds)
    urgent: bool | None = None
    blocking: bool | None = None
    external: bool | None = None
    final: bool | None = None
    reason: str = ""

    def matches(
        self,
        kind: str,
        *,
        urgent: bool = False,
        blocking: bool = False,
        external: bool = False,
        final: bool = False,
    ) -> bool:
        """Whether a message of ``kind`` with these flags takes this route."""
        if self.kinds and kind not in self.kinds:
            return False
        given = (urgent, blocking, external, final)
        return all(
            wanted is None or wanted == flag
            for wanted, flag in zip(self._conditions(), given, strict=True)
        )

    def shadows(self, later: Route) -> bool:
        """Whether every message ``later`` matches is taken by this route first."""
        if self.kinds and not (later.kinds and later.kinds <= self.kinds):
            return False
        return all(
            mine is None or mine == theirs
            for mine, theirs in zip(self._conditions(), later._conditions(), strict=True)
        )

    def _conditions(self) -> tuple[bool | None, ...]:
        return (self.urgent, self.blocking, self.external, self.final)

    def describe(self) -> str:
        """The rule in words: ``urgent and blocking``, ``kind decision``, ``any message``."""
        parts = [f"kind {' or '.join(sorted(self.kinds))}"] if self.kinds else []
        for flag, wanted in zip(_FLAGS, self._conditions(), strict=True):
            if wanted is not None:
                parts.append(flag if wanted else f"not {flag}")
        return " and ".join(parts) or "any message"


@final
@attrs.frozen
class Routing:
    """Where a message goes, and why.

    Attributes:
        channel: The channel.
        reason: Why: the route's reason, or which rule matched.
        route: The index of the route that matched (``None``: the default).

    Added in 0.2.
    """

    channel: Channel
    reason: str
    route: int | None


@final
@attrs.frozen
class ChannelStrategy:
    """Which channel is for what: the channels, the routing rules, and the default.

    Args:
        channels: The channels; names are unique.
        routes: Routing rules, in order: the first that matches wins.
        default: The channel for a message no rule matches.

    Raises:
        SpecError: Two channels share a name, or a route or the default names an
            unknown channel (the nearest name is suggested).

    >>> strategy = ChannelStrategy.default()
    >>> strategy.route("outage", urgent=True, blocking=True).channel.name
    'chat'
    >>> strategy.route("deal status").channel.name
    'project'

    Added in 0.2.
    """

    channels: tuple[Channel, ...] = attrs.field(converter=_channels)
    routes: tuple[Route, ...] = attrs.field(converter=_routes)
    # Passed as `default`; kept as `default_channel`, as `default()` is the reference table.
    default_channel: str = attrs.field(alias="default")

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        names: set[str] = set()
        for index, channel in enumerate(self.channels):
            if not isinstance(channel, Channel):
                problems.append(
                    Problem(
                        f"Each channel must be a Channel, got {type(channel).__name__}",
                        Location(path=("channels", index)),
                    )
                )
                continue
            if channel.name in names:
                problems.append(
                    Problem(
                        f"Channel `{channel.name}` is declared twice",
                        Location(path=("channels", index, "name")),
                    )
                )
            names.add(channel.name)
        for index, route in enumerate(self.routes):
            if not isinstance(route, Route):
                problems.append(
                    Problem(
                        f"Each route must be a Route, got {type(route).__name__}",
                        Location(path=("routes", index)),
                    )
                )
            elif route.channel not in names:
                problems.append(_unknown(route.channel, names, ("routes", index, "channel")))
        if self.default_channel not in names:
            problems.append(_unknown(self.default_channel, names, ("default",)))
        if problems:
            raise SpecError(problems)

    @classmethod
    def default(
        cls,
        *,
        chat_sla: Duration = _ONE_HOUR,
        project_sla: Duration = _ONE_DAY,
        email_sla: Duration = _ONE_DAY,
        email_hard_limit: Duration | None = _TWO_DAYS,
    ) -> ChannelStrategy:
        """The reference channel table, every number a parameter.

        ``chat`` for urgent, blocking issues only (1 hour, around the clock);
        ``project`` for day-to-day updates and progress (1 business day); ``email``
        for formal decisions and external communication (1 business day, at most
        2); ``archive``, read-only, for final decisions. Urgent and blocking goes to
        chat, final decisions to the archive, formal decisions (kind ``decision``)
        and anything external to email, the rest to the project tool.
        """
        channels = (
            Channel(
                "chat",
                "Urgent, blocking issues only",
                chat_sla,
                clock="calendar" if isinstance(chat_sla, dt.timedelta) else "business",
                examples=("System outages", "Critical customer escalations"),
            ),
            Channel(
                "project",
                "Day-to-day updates and progress",
                project_sla,
                examples=("Deal status questions", "Implementation milestones"),
            ),
            Channel(
                "email",
                "Formal decisions and external communication",
                email_sla,
                hard_limit=email_hard_limit,
                examples=("Contract approvals", "Policy changes"),
            ),
            Channel(
                "archive",
                "Final decisions, read-only",
                archive=True,
                examples=("Approved SOWs", "Final customer commitments"),
            ),
        )
        routes = (
            Route("chat", urgent=True, blocking=True, reason="urgent and blocking"),
            Route("archive", final=True, reason="a final decision is kept for reference"),
            Route("email", kinds={"decision"}, reason="a formal decision"),
            Route("email", external=True, reason="external communication"),
        )
        return cls(channels, routes, "project")

    def channel(self, name: str) -> Channel:
        """The channel called ``name``.

        Raises:
            UnknownNameError: There is none; the nearest name is suggested.
        """
        for channel in self.channels:
            if channel.name == name:
                return channel
        raise UnknownNameError.for_name("channel", name, [c.name for c in self.channels])

    def route(
        self,
        kind: str,
        *,
        urgent: bool = False,
        blocking: bool = False,
        external: bool = False,
        final: bool = False,
    ) -> Routing:
        """The channel for a message of ``kind`` with these flags: the first route that matches."""
        for index, route in enumerate(self.routes):
            if route.matches(
                kind, urgent=urgent, blocking=blocking, external=external, final=final
            ):
                reason = route.reason or route.describe()
                return Routing(self.channel(route.channel), reason, index)
        return Routing(self.channel(self.default_channel), "no route matched: the default", None)

    def unreachable(self) -> Iterator[tuple[int, int]]:
        """``(route, earlier)`` for each route that an earlier one always takes first."""
        yield from shadowed_routes(self.routes)


def shadowed_routes(routes: Sequence[Route]) -> Iterator[tuple[int, int]]:
    """``(route, earlier)`` for each route an earlier one always takes first."""
    for index, route in enumerate(routes):
        for earlier in range(index):
            if routes[earlier].shadows(route):
                yield index, earlier
                break


def _unknown(name: str, known: Iterable[str], path: tuple[str | int, ...]) -> Problem:
    close = suggest(name, list(known))
    hint = f"; did you mean `{close}`?" if close else ""
    return Problem(f"Unknown channel `{name}`{hint}", Location(path=path))
