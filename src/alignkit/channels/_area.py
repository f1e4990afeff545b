"""The channel strategy as an area of the alignment file: ``channels:``, ``CH`` codes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Final

from alignkit._suggest import suggest
from alignkit.areas import AlignmentView, Area
from alignkit.channels._calendar import BusinessCalendar, BusinessDays
from alignkit.channels._model import Channel, ChannelStrategy, Duration, shadowed_routes
from alignkit.channels._rules import (
    CALENDAR_WITHOUT_OPEN_HOURS,
    CHANNEL_WITHOUT_SLA,
    FUNCTION_WITHOUT_CALENDAR,
    HARD_LIMIT_BELOW_TARGET,
    NO_DEFAULT_ROUTE,
    ROUTE_TO_UNKNOWN_CHANNEL,
    RULES,
    UNREACHABLE_ROUTE,
)
from alignkit.channels._section import ChannelsSection
from alignkit.diagnostics import Diagnostic

__all__ = ["AREA", "check"]

_REFERENCE_START: Final = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
"""A Monday 09:00: where a limit in business days is compared with one in hours."""


def check(file: AlignmentView, options: None) -> Iterable[Diagnostic]:
    """The ``CH`` codes on the file's ``channels`` section."""
    del options  # nothing to tune
    section: ChannelsSection | None = file.section("channels")
    if section is None:
        return ()
    functions = [f.name for f in file.org.functions] if file.org is not None else []
    return _findings(section, functions)


def _findings(section: ChannelsSection, functions: list[str]) -> Iterator[Diagnostic]:
    yield from _channel_findings(section)
    yield from _route_findings(section)
    yield from _calendar_findings(section, functions)


def _channel_findings(section: ChannelsSection) -> Iterator[Diagnostic]:
    for index, spec in enumerate(section.channels):
        channel = spec.to_channel()
        where = ("channels", "channels", index)
        if not channel.archive and channel.response_sla is None:
            yield CHANNEL_WITHOUT_SLA.diagnostic(
                f"Channel `{channel.name}` has no response target",
                path=(*where, "name"),
                target=channel.name,
            )
        if _limit_before_target(channel):
            yield HARD_LIMIT_BELOW_TARGET.diagnostic(
                f"Channel `{channel.name}`'s hard limit ({spec.hard_limit}) comes before "
                f"its response target ({spec.response_sla})",
                path=(*where, "hard_limit"),
                target=channel.name,
            )


def _limit_before_target(channel: Channel) -> bool:
    target, limit = channel.response_sla, channel.hard_limit
    if target is None or limit is None:
        return False
    if isinstance(target, BusinessDays) and isinstance(limit, BusinessDays):
        return limit.days < target.days
    if isinstance(target, dt.timedelta) and isinstance(limit, dt.timedelta):
        return limit < target
    reference = BusinessCalendar.default()
    return _due(limit, reference) < _due(target, reference)


def _due(duration: Duration, calendar: BusinessCalendar) -> dt.datetime:
    if isinstance(duration, BusinessDays):
        return calendar.add_business_days(_REFERENCE_START, duration.days)
    return calendar.add(_REFERENCE_START, duration)


def _route_findings(section: ChannelsSection) -> Iterator[Diagnostic]:
    if section.channels:
        names = [c.name for c in section.channels]
    else:
        names = [c.name for c in ChannelStrategy.default().channels]
    known = set(names)
    for index, route in enumerate(section.routes):
        if route.channel not in known:
            yield _unknown_channel(route.channel, names, ("channels", "routes", index, "channel"))
    if section.default is not None and section.default not in known:
        yield _unknown_channel(section.default, names, ("channels", "default"))
    if section.channels and section.default is None:
        yield NO_DEFAULT_ROUTE.diagnostic(
            "The channels section has no `default` channel for messages no route matches",
            path=("channels",),
            target="channels",
        )
    routes = [r.to_route() for r in section.routes]
    for index, earlier in shadowed_routes(routes):
        yield UNREACHABLE_ROUTE.diagnostic(
            f"Route {index + 1} (to `{routes[index].channel}`: {routes[index].describe()}) "
            f"never matches: route {earlier + 1} ({routes[earlier].describe()}) takes "
            "its messages first",
            path=("channels", "routes", index),
            target=routes[index].channel,
        )


def _unknown_channel(name: str, names: list[str], path: tuple[str | int, ...]) -> Diagnostic:
    close = suggest(name, names)
    return ROUTE_TO_UNKNOWN_CHANNEL.diagnostic(
        f"`{name}` is not a channel of the section",
        path=path,
        target=name,
        hint=f"Did you mean `{close}`?" if close else None,
    )


def _calendar_findings(section: ChannelsSection, functions: list[str]) -> Iterator[Diagnostic]:
    if section.calendar is not None and section.calendar.is_closed():
        yield CALENDAR_WITHOUT_OPEN_HOURS.diagnostic(
            "The default calendar has no open hours",
            path=("channels", "calendar", "hours"),
            target="calendar",
        )
    for index, own in enumerate(section.calendars):
        if own.is_closed():
            yield CALENDAR_WITHOUT_OPEN_HOURS.diagnostic(
                f"The calendar of `{own.function}` has no open hours",
                path=("channels", "calendars", index, "hours"),
                target=own.function,
            )
    if section.calendars and section.calendar is None:
        covered = {own.function for own in section.calendars}
        for function in functions:
            if function not in covered:
                yield FUNCTION_WITHOUT_CALENDAR.diagnostic(
                    f"Function `{function}` has no calendar, and there is no default one",
                    path=("channels", "calendars"),
                    target=function,
                )


AREA: Final = Area(
    key="channels",
    prefix="CH",
    title="Channels",
    module="alignkit.channels",
    section=ChannelsSection,
    rules=RULES,
    check=check,
    commands="sla = alignkit.channels._cli:sla",
)
