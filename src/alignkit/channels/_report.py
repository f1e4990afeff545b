"""The SLA report of a message log: targets met and missed, misuse, and the cost to focus."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Final

from alignkit._gc import collector_paused
from alignkit._time import require_aware
from alignkit.channels._calendar import BusinessCalendar
from alignkit.channels._model import Channel, ChannelStrategy
from alignkit.channels._results import (
    EPOCH,
    NEVER,
    US,
    Breach,
    FocusStats,
    Rule,
    SlaReport,
    SlaStats,
    due_at,
    focus_period,
    late_by,
    limit_rule,
    median_and_p90,
    target_rule,
)
from alignkit.diagnostics import Location
from alignkit.errors import SpecError

if TYPE_CHECKING:
    from alignkit.channels._columns import MessageLog
    from alignkit.channels._messages import Message

__all__ = ["Breach", "FocusStats", "SlaReport", "SlaStats", "sla_report"]

_ZERO: Final = dt.timedelta(0)


class _Tally:
    """Counts and response times of one group, as messages are read."""

    __slots__ = ("answered", "breaches", "messages", "open", "overdue", "times", "within")

    def __init__(self) -> None:
        self.messages = self.answered = self.within = self.breaches = 0
        self.open = self.overdue = 0
        self.times: list[int] = []

    def stats(self, key: str | tuple[str, str]) -> SlaStats:
        median, p90 = median_and_p90(sorted(self.times))  # microseconds
        return SlaStats(
            key,
            self.messages,
            self.answered,
            self.within,
            self.breaches,
            self.open,
            self.overdue,
            median,
            p90,
        )


def _calendars(
    calendars: Mapping[str, BusinessCalendar] | BusinessCalendar | None,
) -> tuple[Callable[[str], BusinessCalendar | None], BusinessCalendar]:
    if isinstance(calendars, BusinessCalendar):
        return (lambda _function: calendars), calendars
    default = BusinessCalendar.default()
    if calendars is None:
        return (lambda _function: None), default
    if not isinstance(calendars, Mapping):
        raise SpecError.single(
            "`calendars` must map functions to BusinessCalendars, or be one BusinessCalendar, "
            f"got {type(calendars).__name__}",
            Location(path=("calendars",)),
        )
    return calendars.get, default


def _chat_channels(strategy: ChannelStrategy, chat_channels: Iterable[str] | None) -> set[str]:
    if chat_channels is not None:
        names = set(chat_channels)
        for name in names:
            strategy.channel(name)  # an unknown name is an UnknownNameError
        return names
    # Where the strategy sends an urgent, blocking message: its chat.
    return {strategy.route("", urgent=True, blocking=True).channel.name}


def sla_report(
    messages: Iterable[Message],
    strategy: ChannelStrategy,
    calendars: Mapping[str, BusinessCalendar] | BusinessCalendar | None = None,
    *,
    at: dt.datetime,
    chat_channels: Iterable[str] | None = None,
) -> SlaReport:
    """How a message log kept the strategy's response targets, at ``at``.

    Each message is timed on its *receiver's* calendar (``calendars`` maps
    receiving functions to calendars; one calendar serves everyone; a function
    without one is timed on Monday to Friday, 09:00-17:00 UTC and listed in
    ``uncalendared``). A response time is counted in the channel's clock: business
    time on the business clock, elapsed time on the calendar clock.

    Chat channels are where the strategy routes an urgent, blocking message
    (``chat_channels`` names them otherwise). A message on one that was neither
    urgent nor blocking is misuse. For focus, each receiver's chat messages that
    arrived during its open hours are counted per open day, and the longest stretch
    of open time without one is measured, from the first message of the log to ``at``.

    Raises:
        SpecError: ``at`` has no offset, or ``calendars`` is neither a mapping nor a
            calendar.
        UnknownNameError: ``chat_channels`` names a channel the strategy lacks.

    >>> import datetime as dt
    >>> from zoneinfo import ZoneInfo
    >>> from alignkit.channels import BusinessCalendar, ChannelStrategy, Message
    >>> ny = ZoneInfo("America/New_York")
    >>> friday = dt.datetime(2026, 11, 27, 15, tzinfo=ny)
    >>> log = [
    ...     Message("m1", "email", "decision", friday, "Sales", "Finance",
    ...             dt.datetime(2026, 11, 30, 14, tzinfo=ny)),
    ...     Message("m2", "chat", "question", friday, "Sales", "IT"),
    ... ]
    >>> report = sla_report(log, ChannelStrategy.default(), BusinessCalendar("America/New_York"),
    ...                     at=dt.datetime(2026, 11, 30, 17, tzinfo=ny))
    >>> [(s.key, s.within_sla, s.overdue) for s in report.by_channel if s.messages]
    [('chat', 0, 1), ('email', 1, 0)]
    >>> report.misuse
    ('m2',)

    Added in 0.2.
    """
    at = require_aware(at, ("at",))
    if not isinstance(strategy, ChannelStrategy):
        raise SpecError.single(
            f"`strategy` must be a ChannelStrategy, got {type(strategy).__name__}",
            Location(path=("strategy",)),
        )
    calendar_of, default = _calendars(calendars)
    chats = _chat_channels(strategy, chat_channels)
    channels = {c.name: c for c in strategy.channels}
    with collector_paused():
        log = _as_log(messages)
        if log is not None:
            from alignkit.channels._vreport import column_report

            return column_report(log, channels, calendar_of, default, chats, at)
        return _Report(channels, calendar_of, default, chats, at).run(messages)


_COLUMNS_FROM: Final = 2_000
"""Messages from which a list is reported a column at a time (when NumPy is installed)."""


def _as_log(messages: Iterable[Message]) -> MessageLog | None:
    """``messages`` as a :class:`MessageLog` where the column report is the faster one."""
    from alignkit.channels._columns import MessageLog, numpy_or_none
    from alignkit.channels._messages import Message

    if isinstance(messages, MessageLog):
        return messages
    if (
        isinstance(messages, Sequence)
        and len(messages) >= _COLUMNS_FROM
        and numpy_or_none() is not None
        and all(isinstance(m, Message) for m in messages)
    ):
        return MessageLog(messages)
    return None


class _Report:
    """The report's state while the messages are read once."""

    def __init__(
        self,
        channels: dict[str, Channel],
        calendar_of: Callable[[str], BusinessCalendar | None],
        default: BusinessCalendar,
        chats: set[str],
        at: dt.datetime,
    ) -> None:
        self.channels = channels
        self.calendar_of = calendar_of
        self.default = default
        self.chats = chats
        self.at = at
        self.by_channel = {name: _Tally() for name in channels}
        self.by_pair: dict[tuple[str, str], _Tally] = {}
        self.breaches: list[Breach] = []
        self.misuse: list[str] = []
        self.unknown: dict[str, int] = {}
        self.uncalendared: set[str] = set()
        self.calendar_cache: dict[str, BusinessCalendar] = {}
        self.chat_times: dict[tuple[str, str], list[dt.datetime]] = {}
        self.first_us = NEVER
        self.at_us = (at - EPOCH) // US
        self.rules = {
            name: (channel, target_rule(channel.response_sla, channel.clock), limit_rule(channel))
            for name, channel in channels.items()
        }

    def calendar(self, function: str) -> BusinessCalendar:
        found = self.calendar_cache.get(function)
        if found is None:
            own = self.calendar_of(function)
            if own is None:
                self.uncalendared.add(function)
                own = self.default
            found = self.calendar_cache[function] = own
        return found

    def run(self, messages: Iterable[Message]) -> SlaReport:
        for message in messages:
            self.add(message)
        return SlaReport(
            self.at,
            tuple(tally.stats(name) for name, tally in self.by_channel.items()),
            tuple(self.by_pair[key].stats(key) for key in sorted(self.by_pair)),
            tuple(sorted(self.breaches, key=lambda b: (-b.late, b.message_id))),
            tuple(self.misuse),
            self.focus(),
            dict(sorted(self.unknown.items())),
            tuple(sorted(self.uncalendared)),
        )

    def add(self, message: Message) -> None:
        rules = self.rules.get(message.channel)
        if rules is None:
            self.unknown[message.channel] = self.unknown.get(message.channel, 0) + 1
            return
        channel, target, limit = rules
        sent = message.sent_at
        # Every instant in microseconds since 1970 UTC: exact across DST, and the
        # calendar's own arithmetic, without building a datetime per step.
        sent_us = (sent - EPOCH) // US
        if sent_us < self.first_us:  # noqa: PLR1730 - once a message: faster than min()
            self.first_us = sent_us
        receiver = message.receiver_function
        calendar = self.calendar_cache.get(receiver) or self.calendar(receiver)
        pair = (message.sender_function, receiver)
        tallies = (self.by_channel[channel.name], self.by_pair.get(pair) or self._pair(pair))
        if channel.name in self.chats:
            if not (message.urgent or message.blocking):
                self.misuse.append(message.id)
            key = (message.receiver or receiver, receiver)
            self.chat_times.setdefault(key, []).append(sent)
        due_us = due_at(target, sent_us, calendar)
        business = channel.clock == "business"
        responded = message.first_response_at
        if responded is None:
            late = late_by(due_us, self.at_us, calendar, business=business)
            for tally in tallies:
                tally.messages += 1
                tally.open += 1
                if late:
                    tally.overdue += 1
                    tally.breaches += 1
            if late and due_us is not None:
                self.breach(message, channel, calendar, due_us, None, self.at_us, late, limit)
            return
        responded_us = (responded - EPOCH) // US
        taken = (
            calendar._open_between(sent_us, responded_us)  # noqa: SLF001 - see due_at
            if business
            else responded_us - sent_us
        )
        late = late_by(due_us, responded_us, calendar, business=business)
        for tally in tallies:
            tally.messages += 1
            tally.answered += 1
            tally.times.append(taken)
            if late:
                tally.breaches += 1
            else:
                tally.within += 1
        if late and due_us is not None:
            self.breach(message, channel, calendar, due_us, responded, responded_us, late, limit)

    def _pair(self, pair: tuple[str, str]) -> _Tally:
        tally = self.by_pair[pair] = _Tally()
        return tally

    def breach(
        self,
        message: Message,
        channel: Channel,
        calendar: BusinessCalendar,
        due_us: int,
        responded: dt.datetime | None,
        until_us: int,
        late: int,
        limit: Rule | None,
    ) -> None:
        hard_us = due_at(limit, (message.sent_at - EPOCH) // US, calendar)
        self.breaches.append(
            Breach(
                message.id,
                channel.name,
                message.sender_function,
                message.receiver_function,
                calendar._local(due_us),  # noqa: SLF001 - see due_at
                responded,
                dt.timedelta(microseconds=late),
                hard=hard_us is not None and until_us > hard_us,
            )
        )

    def focus(self) -> tuple[FocusStats, ...]:
        if self.first_us >= self.at_us:
            return ()
        first = EPOCH + dt.timedelta(microseconds=self.first_us)
        periods: dict[BusinessCalendar, tuple[dt.datetime, int]] = {}
        found = []
        for (receiver, function), times in self.chat_times.items():
            calendar = self.calendar(function)
            period = periods.get(calendar)
            if period is None:
                period = periods[calendar] = focus_period(calendar, first, self.at)
            found.append(_focus(receiver, function, times, calendar, period, self.at))
        return tuple(sorted(found, key=lambda f: (-f.interruptions_per_day, f.receiver)))


def _focus(
    receiver: str,
    function: str,
    times: list[dt.datetime],
    calendar: BusinessCalendar,
    period: tuple[dt.datetime, int],
    end: dt.datetime,
) -> FocusStats:
    start, days = period  # see focus_period
    # In UTC: aware times that share a zone subtract as wall times, wrong across DST.
    times = sorted(t.astimezone(dt.UTC) for t in times)
    interruptions = 0
    longest = _ZERO
    for window_start, window_end in calendar.windows(start, end):
        opened, closed = window_start.astimezone(dt.UTC), window_end.astimezone(dt.UTC)
        low = bisect.bisect_left(times, opened)
        high = bisect.bisect_left(times, closed)
        interruptions += high - low
        mark = opened
        for moment in times[low:high]:
            longest = max(longest, moment - mark)
            mark = moment
        longest = max(longest, closed - mark)
    return FocusStats(
        receiver,
        function,
        interruptions,
        days,
        interruptions / days if days else 0.0,
        longest,
    )
