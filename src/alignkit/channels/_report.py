"""The SLA report of a message log: targets met and missed, misuse, and the cost to focus."""

from __future__ import annotations

import bisect
import datetime as dt
import io
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, final

import attrs

from alignkit._gc import collector_paused
from alignkit._time import require_aware
from alignkit.channels._calendar import BusinessCalendar, BusinessDays
from alignkit.channels._model import Channel, ChannelStrategy, Duration
from alignkit.diagnostics import Location
from alignkit.errors import SpecError

if TYPE_CHECKING:
    from alignkit.channels._columns import MessageLog
    from alignkit.channels._messages import Message

__all__ = ["Breach", "FocusStats", "SlaReport", "SlaStats", "sla_report"]

_ZERO: Final = dt.timedelta(0)


@final
@attrs.frozen
class Breach:
    """A message answered after its target, or still unanswered past it.

    Attributes:
        message_id: The message.
        channel: Its channel.
        sender_function: Who sent it.
        receiver_function: Who was to answer.
        due: When its first response was due.
        responded_at: When it was first answered (``None``: not yet).
        late: How late, in the channel's clock: business time for a business
            target, elapsed time for a calendar one; until the report's moment
            when it is still open.
        hard: True when past the channel's hard limit too (a channel without one
            has none to pass).

    Added in 0.2.
    """

    message_id: str
    channel: str
    sender_function: str
    receiver_function: str
    due: dt.datetime
    responded_at: dt.datetime | None
    late: dt.timedelta
    hard: bool


@final
@attrs.frozen
class SlaStats:
    """How one channel, or one pair of functions, kept its response targets.

    Attributes:
        key: The channel's name, or ``(sender function, receiver function)``.
        messages: Messages sent.
        answered: Messages with a first response.
        within_sla: Answered by their due time (or with no target).
        breaches: Answered late, or still open past their due time.
        open: Not answered yet.
        overdue: Not answered yet and already past due.
        median: The median time to a first response, in each channel's clock
            (``None`` when nothing was answered).
        p90: The 90th percentile (nearest rank) of the same.

    Added in 0.2.
    """

    key: str | tuple[str, str]
    messages: int
    answered: int
    within_sla: int
    breaches: int
    open: int
    overdue: int
    median: dt.timedelta | None
    p90: dt.timedelta | None

    @property
    def label(self) -> str:
        """The key as text: ``chat``, or ``Sales → Operations``."""
        return self.key if isinstance(self.key, str) else f"{self.key[0]} → {self.key[1]}"


@final
@attrs.frozen
class FocusStats:
    """What chat costs one receiver's focus over the report's period.

    Attributes:
        receiver: A person's id where the log names one, else the receiving function.
        function: The receiving function.
        chat_messages: Chat messages received while the receiver's calendar was open.
        business_days: Open days of the receiver's calendar in the period.
        interruptions_per_day: ``chat_messages / business_days``.
        longest_focus: The longest stretch of open business time without a chat
            message, within one working window.

    Added in 0.2.
    """

    receiver: str
    function: str
    chat_messages: int
    business_days: int
    interruptions_per_day: float
    longest_focus: dt.timedelta


@final
@attrs.frozen
class SlaReport:
    """The SLA report of a message log at a moment.

    Attributes:
        at: The moment the report judges open messages at.
        by_channel: One :class:`SlaStats` per channel, in the strategy's order.
        by_pair: One per (sender function, receiver function), sorted.
        breaches: Every breach, most late first (a tuple; a report on a
            :class:`~alignkit.channels.MessageLog` builds them when first read).
        misuse: Ids of messages sent on a chat channel that were neither urgent nor
            blocking.
        focus: One :class:`FocusStats` per receiver, most interrupted first.
        unknown_channels: Messages on channels the strategy does not have, by
            channel (left out of everything else).
        uncalendared: Receiving functions with no calendar of their own, timed on
            the default calendar.

    Added in 0.2.
    """

    at: dt.datetime
    by_channel: tuple[SlaStats, ...]
    by_pair: tuple[SlaStats, ...]
    _breaches: tuple[Breach, ...] | PendingBreaches = attrs.field(
        eq=lambda value: _built(value),  # noqa: PLW0108 - _built comes later
        repr=lambda value: repr(_built(value)),
    )
    misuse: tuple[str, ...]
    focus: tuple[FocusStats, ...]
    unknown_channels: Mapping[str, int]
    uncalendared: tuple[str, ...]

    @property
    def breaches(self) -> tuple[Breach, ...]:
        """Every breach, most late first."""
        pending = self._breaches
        if isinstance(pending, PendingBreaches):
            built = pending.build(0, len(pending))
            object.__setattr__(self, "_breaches", built)  # built once
            return built
        return pending

    def _breach_count(self) -> int:
        return len(self._breaches)

    def _first_breaches(self, count: int) -> tuple[Breach, ...]:
        pending = self._breaches
        if isinstance(pending, PendingBreaches):
            return pending.build(0, min(count, len(pending)))
        return pending[:count]

    def to_text(self) -> str:
        """The report for a terminal: per channel, per pair, misuse, focus, worst breaches."""
        out = io.StringIO()
        out.write(f"SLA report at {self.at.isoformat()}\n")
        for title, rows in (("By channel", self.by_channel), ("By functions", self.by_pair)):
            out.write(f"\n{title}\n")
            for row in rows:
                out.write(
                    f"  {row.label}: {_many(row.messages, 'message')}, {row.within_sla} within "
                    f"target, {_many(row.breaches, 'breach')}, {row.open} open "
                    f"({row.overdue} overdue); median {_hours(row.median)}, p90 {_hours(row.p90)}\n"
                )
        out.write(
            f"\nChat misuse: {_many(len(self.misuse), 'message')} neither urgent nor blocking\n"
        )
        if self.focus:
            out.write("\nFocus\n")
            for each in self.focus:
                out.write(
                    f"  {each.receiver}: {each.interruptions_per_day:.1f} chat interruptions "
                    f"per business day, longest focus {_hours(each.longest_focus)}\n"
                )
        count = self._breach_count()
        if count:
            shown = " (the 10 latest shown)" if count > _SHOWN else ""
            out.write(f"\nBreaches: {count}{shown}\n")
            for breach in self._first_breaches(_SHOWN):
                state = "still open" if breach.responded_at is None else "answered"
                out.write(
                    f"  {breach.message_id} on {breach.channel}: {_hours(breach.late)} late, "
                    f"{state}{', past the hard limit' if breach.hard else ''}\n"
                )
        for channel, count in sorted(self.unknown_channels.items()):
            many = _many(count, "message")
            out.write(f"\n{many} on `{channel}`, a channel the strategy does not have\n")
        return out.getvalue()

    def to_json(self) -> str:
        """The report as JSON: durations in seconds, times in ISO 8601."""
        import json

        def stats(row: SlaStats) -> dict[str, Any]:
            return {
                "key": row.key if isinstance(row.key, str) else list(row.key),
                "messages": row.messages,
                "answered": row.answered,
                "within_sla": row.within_sla,
                "breaches": row.breaches,
                "open": row.open,
                "overdue": row.overdue,
                "median_seconds": _seconds(row.median),
                "p90_seconds": _seconds(row.p90),
            }

        document = {
            "at": self.at.isoformat(),
            "by_channel": [stats(r) for r in self.by_channel],
            "by_pair": [stats(r) for r in self.by_pair],
            "breaches": [
                {
                    "message_id": b.message_id,
                    "channel": b.channel,
                    "sender_function": b.sender_function,
                    "receiver_function": b.receiver_function,
                    "due": b.due.isoformat(),
                    "responded_at": None if b.responded_at is None else b.responded_at.isoformat(),
                    "late_seconds": b.late.total_seconds(),
                    "hard": b.hard,
                }
                for b in self.breaches
            ],
            "misuse": list(self.misuse),
            "focus": [
                {
                    "receiver": f.receiver,
                    "function": f.function,
                    "chat_messages": f.chat_messages,
                    "business_days": f.business_days,
                    "interruptions_per_day": f.interruptions_per_day,
                    "longest_focus_seconds": f.longest_focus.total_seconds(),
                }
                for f in self.focus
            ],
            "unknown_channels": dict(self.unknown_channels),
            "uncalendared": list(self.uncalendared),
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    def to_csv(self) -> str:
        """One row per channel and per pair of functions, safe to open in a spreadsheet."""
        from alignkit._csvsafe import SafeCsvWriter

        out = io.StringIO()
        writer = SafeCsvWriter(out)
        writer.writerow(
            [
                "group",
                "key",
                "messages",
                "answered",
                "within_sla",
                "breaches",
                "open",
                "overdue",
                "median_hours",
                "p90_hours",
            ]
        )
        for group, rows in (("channel", self.by_channel), ("functions", self.by_pair)):
            for row in rows:
                writer.writerow(
                    [
                        group,
                        row.label,
                        str(row.messages),
                        str(row.answered),
                        str(row.within_sla),
                        str(row.breaches),
                        str(row.open),
                        str(row.overdue),
                        _hours_number(row.median),
                        _hours_number(row.p90),
                    ]
                )
        return out.getvalue()


_SHOWN: Final = 10
"""Breaches listed in the text report (JSON has them all)."""


@final
class PendingBreaches:
    """Breaches worked out as columns, made into :class:`Breach` objects when read.

    A report on a large log may find hundreds of thousands of breaches; the text
    report shows ten. Internal: :attr:`SlaReport.breaches` is always a tuple.
    """

    __slots__ = ("_build", "_count")

    def __init__(self, count: int, build: Callable[[int, int], list[Breach]]) -> None:
        self._count = count
        self._build = build

    def __len__(self) -> int:
        return self._count

    def build(self, start: int, stop: int) -> tuple[Breach, ...]:
        """Breaches ``start`` to ``stop`` (most late first)."""
        return tuple(self._build(start, stop))


def _built(value: tuple[Breach, ...] | PendingBreaches) -> tuple[Breach, ...]:
    return value.build(0, len(value)) if isinstance(value, PendingBreaches) else value


def _many(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "es" if noun.endswith("ch") else "s")


def _hours(value: dt.timedelta | None) -> str:
    if value is None:
        return "-"
    return f"{value.total_seconds() / 3600:.1f} h"


def _hours_number(value: dt.timedelta | None) -> str:
    return "" if value is None else f"{value.total_seconds() / 3600:.2f}"


def _seconds(value: dt.timedelta | None) -> float | None:
    return None if value is None else value.total_seconds()


_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_US: Final = dt.timedelta(microseconds=1)
_NEVER: Final = 2**63
"""Later than any instant: where the first message starts before one is read."""

_Rule = tuple[str, int]
"""How a target falls due: ``("calendar" | "business", microseconds)`` or ``("days", n)``."""


def _rule(duration: Duration | None, clock: str) -> _Rule | None:
    if duration is None:
        return None
    if isinstance(duration, BusinessDays):
        return ("days", duration.days)
    return (clock, duration // _US)


def _limit(channel: Channel) -> _Rule | None:
    """The hard limit's rule; ``None`` when the channel has none to pass."""
    return None if channel.hard_limit is None else _rule(channel.hard_limit, channel.clock)


def _due_us(rule: _Rule | None, sent_us: int, calendar: BusinessCalendar) -> int | None:
    """When ``rule`` falls due for a message sent at ``sent_us``, as :meth:`Channel.due` says.

    The calendar's integer methods are its own arithmetic behind ``add`` and
    ``add_business_days``: the report calls them directly so as not to build and
    read back a datetime for every step of every message.
    """
    if rule is None:
        return None
    how, amount = rule
    if how == "calendar":
        return sent_us + amount
    if how == "business":
        return calendar._add_us(sent_us, amount)  # noqa: SLF001 - see above
    return calendar._add_business_days_us(sent_us, amount)  # noqa: SLF001 - see above


def _late_us(
    due_us: int | None, when_us: int, calendar: BusinessCalendar, *, business: bool
) -> int:
    """How far ``when_us`` is past ``due_us``, in the channel's clock (0 when it is not).

    On the business clock only business time counts: a message due at 17:00 on a
    Friday and answered on Saturday lost none of the receiver's working time.
    """
    if due_us is None or when_us <= due_us:
        return 0
    if business:
        return calendar._open_between(due_us, when_us)  # noqa: SLF001 - see _due_us
    return when_us - due_us


def _span(microseconds: int) -> dt.timedelta:
    return dt.timedelta(microseconds=microseconds)


class _Tally:
    """Counts and response times of one group, as messages are read."""

    __slots__ = ("answered", "breaches", "messages", "open", "overdue", "times", "within")

    def __init__(self) -> None:
        self.messages = self.answered = self.within = self.breaches = 0
        self.open = self.overdue = 0
        self.times: list[int] = []

    def stats(self, key: str | tuple[str, str]) -> SlaStats:
        times = sorted(self.times)  # microseconds
        median = p90 = None
        if times:
            middle = len(times) // 2
            median = _span(times[middle])
            if not len(times) % 2:
                median = (_span(times[middle - 1]) + median) / 2
            p90 = _span(times[max(0, math.ceil(0.9 * len(times)) - 1)])
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
        self.first_us = _NEVER
        self.at_us = (at - _EPOCH) // _US
        self.rules = {
            name: (channel, _rule(channel.response_sla, channel.clock), _limit(channel))
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
        sent_us = (sent - _EPOCH) // _US
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
        due_us = _due_us(target, sent_us, calendar)
        business = channel.clock == "business"
        responded = message.first_response_at
        if responded is None:
            late = _late_us(due_us, self.at_us, calendar, business=business)
            for tally in tallies:
                tally.messages += 1
                tally.open += 1
                if late:
                    tally.overdue += 1
                    tally.breaches += 1
            if late and due_us is not None:
                self.breach(message, channel, calendar, due_us, None, self.at_us, late, limit)
            return
        responded_us = (responded - _EPOCH) // _US
        taken = (
            calendar._open_between(sent_us, responded_us)  # noqa: SLF001 - see _due_us
            if business
            else responded_us - sent_us
        )
        late = _late_us(due_us, responded_us, calendar, business=business)
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
        limit: _Rule | None,
    ) -> None:
        hard_us = _due_us(limit, (message.sent_at - _EPOCH) // _US, calendar)
        self.breaches.append(
            Breach(
                message.id,
                channel.name,
                message.sender_function,
                message.receiver_function,
                calendar._local(due_us),  # noqa: SLF001 - see _due_us
                responded,
                dt.timedelta(microseconds=late),
                hard=hard_us is not None and until_us > hard_us,
            )
        )

    def focus(self) -> tuple[FocusStats, ...]:
        if self.first_us >= self.at_us:
            return ()
        first = _EPOCH + dt.timedelta(microseconds=self.first_us)
        found = []
        for (receiver, function), times in self.chat_times.items():
            calendar = self.calendar(function)
            found.append(_focus(receiver, function, times, calendar, first, self.at))
        return tuple(sorted(found, key=lambda f: (-f.interruptions_per_day, f.receiver)))


def _focus(
    receiver: str,
    function: str,
    times: list[dt.datetime],
    calendar: BusinessCalendar,
    start: dt.datetime,
    end: dt.datetime,
) -> FocusStats:
    # The period starts at the midnight (on the receiver's calendar) before the first
    # message, so a day's focus counts from its first window.
    zone = calendar.zone
    local = start.astimezone(zone)
    start = dt.datetime.combine(local.date(), dt.time(), tzinfo=zone)
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
    first_day = start.date()
    last_day = (end - dt.timedelta(microseconds=1)).astimezone(zone).date()
    days = sum(1 for _ in calendar.open_days(first_day, last_day))
    return FocusStats(
        receiver,
        function,
        interruptions,
        days,
        interruptions / days if days else 0.0,
        longest,
    )
