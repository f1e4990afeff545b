"""Channels: which tool is for what, how fast each is answered, on whose business hours.

A :class:`ChannelStrategy` names the channels (chat, the project tool, email, a
read-only archive), routes each kind of message to one of them, and gives each a
response target: real time, or :class:`BusinessDays` counted on the *receiver's*
:class:`BusinessCalendar`, so that a Friday message is not due on Saturday and a
team in another time zone is timed on its own hours.

>>> import datetime as dt
>>> from alignkit.channels import BusinessCalendar, ChannelStrategy
>>> strategy = ChannelStrategy.default()
>>> routing = strategy.route("contract approval", external=True)
>>> routing.channel.name, routing.reason
('email', 'external communication')
>>> london = BusinessCalendar("Europe/London")
>>> friday = dt.datetime(2026, 11, 27, 16, tzinfo=dt.UTC)  # London is on UTC in winter
>>> routing.channel.due(friday, london).isoformat()
'2026-11-30T16:00:00+00:00'

Added in 0.2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from alignkit._exports import publish
from alignkit.channels._calendar import BusinessCalendar, BusinessDays
from alignkit.channels._model import (
    Channel,
    ChannelStrategy,
    Clock,
    Duration,
    Route,
    Routing,
    format_duration,
    parse_duration,
)
from alignkit.channels._section import (
    CalendarSpec,
    ChannelSpec,
    ChannelsSection,
    FunctionCalendarSpec,
    RouteSpec,
)

if TYPE_CHECKING:
    from alignkit.channels._columns import MessageLog
    from alignkit.channels._messages import Message
    from alignkit.channels._report import Breach, FocusStats, SlaReport, SlaStats, sla_report

__all__ = [
    "Breach",
    "BusinessCalendar",
    "BusinessDays",
    "CalendarSpec",
    "Channel",
    "ChannelSpec",
    "ChannelStrategy",
    "ChannelsSection",
    "Clock",
    "Duration",
    "FocusStats",
    "FunctionCalendarSpec",
    "Message",
    "MessageLog",
    "Route",
    "RouteSpec",
    "Routing",
    "SlaReport",
    "SlaStats",
    "format_duration",
    "parse_duration",
    "sla_report",
]

# The message log and the report are imported on first use (PEP 562): the alignment
# file, which reads only the section, never pays for them.
_LAZY = {
    "Message": "_messages",
    "MessageLog": "_columns",
    "Breach": "_report",
    "FocusStats": "_report",
    "SlaReport": "_report",
    "SlaStats": "_report",
    "sla_report": "_report",
}


def __getattr__(name: str) -> Any:  # noqa: ANN401 - whichever object is asked for
    home = _LAZY.get(name)
    if home is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    __import__(f"{__name__}.{home}")
    import sys

    module = sys.modules[f"{__name__}.{home}"]
    names = [n for n, h in _LAZY.items() if h == home]
    for each in names:
        globals()[each] = getattr(module, each)
    publish(globals(), names)
    return globals()[name]


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


publish(globals(), [n for n in __all__ if n not in _LAZY and n not in ("Clock", "Duration")])
