"""What an SLA report finds, and the arithmetic of a response target.

Shared by the two ways a report is made: a message at a time (:mod:`._report`) and a
column at a time (:mod:`._vreport`).
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Callable, Mapping
from typing import Any, Final, Protocol, final

import attrs

from alignkit.channels._calendar import BusinessCalendar, BusinessDays
from alignkit.channels._model import Channel, Duration

__all__ = [
    "EPOCH",
    "NEVER",
    "US",
    "Breach",
    "FocusStats",
    "PendingBreaches",
    "Rule",
    "SlaReport",
    "SlaStats",
    "due_at",
    "focus_period",
    "late_by",
    "limit_rule",
    "median_and_p90",
    "span",
    "target_rule",
]

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
        return _json_document(document)

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

    def __reduce__(self) -> tuple[Any, ...]:
        # A copy or a pickle holds the breaches themselves, not the columns they come from.
        return (tuple, (self.build(0, self._count),))


def _built(value: tuple[Breach, ...] | PendingBreaches) -> tuple[Breach, ...]:
    return value.build(0, len(value)) if isinstance(value, PendingBreaches) else value


def _json_document(document: dict[str, Any]) -> str:
    """``document`` as JSON: a key a line, and each item of a list on a line of its own.

    The standard library writes indented JSON in Python, compact JSON in C: a report
    with 200,000 breaches is written item by item in C, in a quarter less time.
    """
    import json

    encode = json.JSONEncoder(ensure_ascii=False).encode
    lines = []
    for key, value in document.items():
        if isinstance(value, list) and value:
            items = ",\n    ".join(map(encode, value))
            lines.append(f"  {encode(key)}: [\n    {items}\n  ]")
        else:
            lines.append(f"  {encode(key)}: {encode(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


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


EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
US: Final = dt.timedelta(microseconds=1)
NEVER: Final = 2**63
"""Later than any instant: where the first message starts before one is read."""

Rule = tuple[str, int]
"""How a target falls due: ``("calendar" | "business", microseconds)`` or ``("days", n)``."""


def target_rule(duration: Duration | None, clock: str) -> Rule | None:
    if duration is None:
        return None
    if isinstance(duration, BusinessDays):
        return ("days", duration.days)
    return (clock, duration // US)


def limit_rule(channel: Channel) -> Rule | None:
    """The hard limit's rule; ``None`` when the channel has none to pass."""
    return None if channel.hard_limit is None else target_rule(channel.hard_limit, channel.clock)


def due_at(rule: Rule | None, sent_us: int, calendar: BusinessCalendar) -> int | None:
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


class _Sorted(Protocol):
    """Sorted microseconds: a list, or a NumPy array."""

    def __len__(self) -> int: ...

    def __getitem__(self, index: int, /) -> Any: ...  # noqa: ANN401 - int or a NumPy integer


def median_and_p90(times: _Sorted) -> tuple[dt.timedelta | None, dt.timedelta | None]:
    """The median and the 90th percentile (nearest rank) of sorted microseconds.

    An even count averages the middle two, as :class:`datetime.timedelta` rounds
    (half to even); ``(None, None)`` when there are none.
    """
    if not len(times):
        return None, None
    middle = len(times) // 2
    median = span(int(times[middle]))
    if not len(times) % 2:
        median = (span(int(times[middle - 1])) + median) / 2
    return median, span(int(times[max(0, math.ceil(0.9 * len(times)) - 1)]))


def focus_period(
    calendar: BusinessCalendar, first: dt.datetime, end: dt.datetime
) -> tuple[dt.datetime, int]:
    """Where focus is measured from on ``calendar``, and its open days until ``end``.

    The period starts at the midnight (on the receiver's calendar) before the log's
    first message, so a day's focus counts from its first window.
    """
    zone = calendar.zone
    start = dt.datetime.combine(first.astimezone(zone).date(), dt.time(), tzinfo=zone)
    last_day = (end - dt.timedelta(microseconds=1)).astimezone(zone).date()
    return start, sum(1 for _ in calendar.open_days(start.date(), last_day))


def late_by(due_us: int | None, when_us: int, calendar: BusinessCalendar, *, business: bool) -> int:
    """How far ``when_us`` is past ``due_us``, in the channel's clock (0 when it is not).

    On the business clock only business time counts: a message due at 17:00 on a
    Friday and answered on Saturday lost none of the receiver's working time.
    """
    if due_us is None or when_us <= due_us:
        return 0
    if business:
        return calendar._open_between(due_us, when_us)  # noqa: SLF001 - see due_at
    return when_us - due_us


def span(microseconds: int) -> dt.timedelta:
    return dt.timedelta(microseconds=microseconds)
