"""The SLA report on a :class:`~alignkit.channels.MessageLog`, a column at a time (NumPy).

The report is :func:`alignkit.channels.sla_report`'s, figure for figure: a
calendar's days are resolved by the calendar itself (:meth:`BusinessCalendar._resolve_day`)
over the span of days the log needs, laid out as sorted arrays of window starts,
ends and the open time before each, so that the business time at any instant is
one binary search. Rows these arrays cannot settle exactly (a business-day target
across a change of the clocks, an instant outside the span, a calendar with no open
hours) are settled by the calendar's own scalar arithmetic, one row at a time.

Internal: :func:`alignkit.channels.sla_report` calls it; imported only where NumPy is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from alignkit.channels._calendar import (
    _DAY_US,
    _EPOCH_ORDINAL,
    _FIRST_ORDINAL,
    _LAST_ORDINAL,
    _SPANS,
    BusinessCalendar,
)
from alignkit.channels._columns import MISSING
from alignkit.channels._results import (
    EPOCH,
    US,
    Breach,
    FocusStats,
    PendingBreaches,
    SlaReport,
    SlaStats,
    due_at,
    focus_period,
    limit_rule,
    median_and_p90,
    target_rule,
)
from alignkit.errors import SpecError

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from alignkit.channels._columns import MessageLog
    from alignkit.channels._model import Channel
    from alignkit.channels._results import Rule

    Ints = NDArray[np.int64]
    Bools = NDArray[np.bool_]

__all__ = ["column_report"]

_MAX_SPAN_DAYS: Final = 20_000
"""Days of a calendar laid out as arrays at most (about 55 years)."""

_MARGIN_DAYS: Final = 3
"""Days resolved beyond the last instant a log needs, for business-day targets' roll."""


class _Span:
    """A calendar's windows over a span of local days, as sorted arrays of UTC microseconds."""

    def __init__(self, calendar: BusinessCalendar, first: int, last: int) -> None:
        state = calendar._ready()  # noqa: SLF001 - the calendar's own resolved days
        days = [
            state.days.get(ordinal) or calendar._resolve_day(ordinal)  # noqa: SLF001
            for ordinal in range(first, last + 1)
        ]
        self.first = first
        self.midnights = np.array([d[0] for d in days] + [days[-1][1]], dtype=np.int64)
        lengths = np.diff(self.midnights)
        self.regular = lengths == _DAY_US
        self.open_days = np.flatnonzero(np.array([d[2] > 0 for d in days]))
        flat = [edge for d in days for edge in d[_SPANS:]]
        edges = np.array(flat, dtype=np.int64).reshape(-1, 2)
        self.opens = edges[:, 0].copy()
        self.closes = edges[:, 1].copy()
        sizes = self.closes - self.opens
        self.ends = np.cumsum(sizes)  # open time up to each window's end
        self.befores = self.ends - sizes  # and up to its start
        self.start = int(self.midnights[0])
        self.stop = int(self.midnights[-1])

    def inside(self, instants: Ints) -> Bools:
        """Which instants the span's days hold (the business clock is exact there)."""
        return (instants >= self.start) & (instants < self.stop)

    def business(self, instants: Ints) -> Ints:
        """Open microseconds from the span's start to each instant (inside the span)."""
        slot = np.searchsorted(self.opens, instants, side="right") - 1
        some = slot >= 0
        slot = np.maximum(slot, 0)
        into = np.clip(instants - self.opens[slot], 0, self.closes[slot] - self.opens[slot])
        return np.where(some, self.befores[slot] + into, 0)

    def add(self, instants: Ints, need: int) -> tuple[Ints, Bools]:
        """:meth:`BusinessCalendar.add` of ``need`` (> 0) microseconds; and where it is exact."""
        target = self.business(instants) + need
        slot = np.searchsorted(self.ends, target, side="left")
        exact = self.inside(instants) & (slot < len(self.ends))
        slot = np.minimum(slot, len(self.ends) - 1)
        return self.opens[slot] + (target - self.befores[slot]), exact

    def next_open(self, instants: Ints) -> tuple[Ints, Bools]:
        """:meth:`BusinessCalendar.next_open`; and where it is exact."""
        slot = np.searchsorted(self.closes, instants, side="right")
        exact = self.inside(instants) & (slot < len(self.closes))
        slot = np.minimum(slot, len(self.closes) - 1)
        return np.maximum(self.opens[slot], instants), exact

    def add_days(self, instants: Ints, days: int) -> tuple[Ints, Bools]:
        """:meth:`BusinessCalendar.add_business_days` (``days`` >= 1); and where it is exact.

        The same time after midnight on the target day is the same wall time only
        when neither day has a change of the clocks; other rows are not exact here.
        """
        inside = self.inside(instants)
        day = np.clip(np.searchsorted(self.midnights, instants, side="right") - 1, 0, None)
        day = np.minimum(day, len(self.regular) - 1)
        which = np.searchsorted(self.open_days, day, side="right") + days - 1
        reached = which < len(self.open_days)
        target = self.open_days[np.minimum(which, len(self.open_days) - 1)]
        wall = self.midnights[target] + (instants - self.midnights[day])
        due, found = self.next_open(wall)
        exact = inside & reached & self.regular[day] & self.regular[target] & found
        return due, exact


def _spans(
    calendar: BusinessCalendar, low: int, latest: int, high: int, rules: list[Rule | None]
) -> _Span | None:
    """The arrays of ``calendar`` from ``low`` to ``high`` and the due times of ``latest``.

    ``None`` where arrays would not help: a calendar without hours, or instants beyond
    the dates a datetime holds (the scalar path raises what it raises for them).
    """
    if not calendar._open_us:  # noqa: SLF001 - a calendar with no hours: the scalar path
        return None
    try:
        furthest = high
        for rule in rules:
            if rule is not None and rule[0] != "calendar":
                furthest = max(furthest, due_at(rule, latest, calendar) or latest)
        first = max(calendar._day_of(low)[0] - 1, _FIRST_ORDINAL)  # noqa: SLF001
        last = calendar._day_of(furthest)[0] + _MARGIN_DAYS  # noqa: SLF001
    except SpecError:
        return None
    # Rows beyond the longest span (a report judged decades after its log) go row by row.
    span = _Span(calendar, first, min(last, _LAST_ORDINAL, first + _MAX_SPAN_DAYS))
    # Arrays need a window to search (days closed throughout: the scalar path).
    return span if len(span.opens) and len(span.open_days) else None


def _scalar_due(rule: Rule | None, sent: Ints, calendar: BusinessCalendar) -> Ints:
    """Each row's due time by the calendar's own arithmetic, one row at a time."""
    out = np.empty(len(sent), dtype=np.int64)
    for k, instant in enumerate(sent.tolist()):
        due = due_at(rule, instant, calendar)
        out[k] = MISSING if due is None else due
    return out


def _due(rule: Rule | None, sent: Ints, span: _Span | None, calendar: BusinessCalendar) -> Ints:
    """Each row's due time under ``rule`` (``MISSING`` where there is none)."""
    if rule is None:
        return np.full(len(sent), MISSING, dtype=np.int64)
    how, amount = rule
    if how == "calendar":
        return sent + amount
    if span is None:
        return _scalar_due(rule, sent, calendar)
    if how == "business":  # a target is longer than zero
        due, exact = span.add(sent, amount)
    else:  # BusinessDays: 1 or more
        due, exact = span.add_days(sent, amount)
    if not exact.all():
        rough = np.flatnonzero(~exact)
        due[rough] = _scalar_due(rule, sent[rough], calendar)
    return due


def _open_between(first: Ints, last: Ints, span: _Span | None, calendar: BusinessCalendar) -> Ints:
    """Open microseconds in ``[first, last)`` for each row (``first <= last``)."""
    out = np.zeros(len(first), dtype=np.int64)
    if span is not None:
        exact = span.inside(first) & span.inside(last)
        out[exact] = span.business(last[exact]) - span.business(first[exact])
    else:
        exact = np.zeros(len(first), dtype=np.bool_)
    for k in np.flatnonzero(~exact).tolist():
        out[k] = calendar._open_between(int(first[k]), int(last[k]))  # noqa: SLF001
    return out


def column_report(  # noqa: C901, PLR0912, PLR0915 - one pass of the report, in order
    log: MessageLog,
    channels: dict[str, Channel],
    calendar_of: Callable[[str], BusinessCalendar | None],
    default: BusinessCalendar,
    chats: set[str],
    at: dt.datetime,
) -> SlaReport:
    """:func:`alignkit.channels.sla_report` of ``log``, worked out a column at a time."""
    at_us = (at - EPOCH) // US
    names = log._channel_values  # noqa: SLF001 - the log's own columns
    codes = log._channel  # noqa: SLF001
    order = list(channels)
    # The log's channel codes -> the strategy's channel index (-1: unknown).
    index_of = np.array([order.index(n) if n in channels else -1 for n in names] or [-1])
    channel = index_of[codes] if len(codes) else np.zeros(0, dtype=np.int64)
    known = channel >= 0
    unknown: dict[str, int] = {}
    if not known.all():
        counts = np.bincount(codes[~known], minlength=len(names))
        unknown = {names[k]: int(c) for k, c in enumerate(counts.tolist()) if c}
    sent, first = log._sent_us, log._first_us  # noqa: SLF001
    answered = first != MISSING
    until = np.where(answered, first, at_us)
    size = len(sent)
    due = np.full(size, MISSING, dtype=np.int64)
    hard = np.full(size, MISSING, dtype=np.int64)
    taken = np.zeros(size, dtype=np.int64)
    late = np.zeros(size, dtype=np.int64)

    functions = log._function_values  # noqa: SLF001
    receiving = log._receiver_function  # noqa: SLF001
    calendars: list[BusinessCalendar] = []
    uncalendared: set[str] = set()
    present = np.zeros(len(functions), dtype=np.bool_)
    if size:
        present[np.unique(receiving[known])] = True
    for k, name in enumerate(functions):
        own = calendar_of(name)
        if own is None:
            if present[k]:
                uncalendared.add(name)
            own = default
        calendars.append(own)
    # Equal calendars share one group (and one set of arrays).
    group_of: dict[BusinessCalendar, list[int]] = {}
    for k, calendar in enumerate(calendars):
        group_of.setdefault(calendar, []).append(k)
    rules = [
        (target_rule(c.response_sla, c.clock), limit_rule(c), c.clock == "business")
        for c in channels.values()
    ]
    calendar_code = np.zeros(len(functions) or 1, dtype=np.int64)
    groups = list(group_of.items())
    for g, (_calendar, members) in enumerate(groups):
        calendar_code[members] = g
    row_group = calendar_code[receiving] if size else np.zeros(0, dtype=np.int64)
    spans: list[_Span | None] = []
    for g, (calendar, _members) in enumerate(groups):
        rows = np.flatnonzero(known & (row_group == g))
        if not len(rows):
            spans.append(None)
            continue
        low = int(sent[rows].min())
        high = max(int(until[rows].max()), int(sent[rows].max()), at_us)
        latest = int(sent[rows].max())
        span = _spans(calendar, low, latest, high, [r for t, h, _b in rules for r in (t, h)])
        spans.append(span)
        for c, (target, limit, business) in enumerate(rules):
            here = rows[channel[rows] == c]
            if not len(here):
                continue
            s, u = sent[here], until[here]
            d = _due(target, s, span, calendar)
            due[here] = d
            if limit is not None:
                hard[here] = _due(limit, s, span, calendar)
            done = answered[here]
            if business:
                taken[here[done]] = _open_between(s[done], u[done], span, calendar)
            else:
                taken[here[done]] = u[done] - s[done]
            past = (d != MISSING) & (u > d)
            if business:
                late[here[past]] = _open_between(d[past], u[past], span, calendar)
            else:
                late[here[past]] = u[past] - d[past]

    breach = known & (late > 0)
    within = known & answered & ~breach
    open_ = known & ~answered
    overdue = open_ & breach

    def stats(group: Ints, keys: list[Any]) -> list[SlaStats]:
        """Counts and response times of each group of known-channel rows."""
        width = len(keys)

        def count(mask: Bools) -> list[int]:
            found: list[int] = np.bincount(group[known & mask], minlength=width).tolist()
            return found

        counted = [count(m) for m in (known, answered, within, breach, open_, overdue)]
        # Sorted by time once (for every grouping), then by group: a stable sort of
        # small integers keeps each group's times in order.
        by = group[mine][by_time]
        regroup = np.argsort(by, kind="stable")
        times = sorted_taken[regroup]
        sizes = np.bincount(by, minlength=width)
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
        return [
            _stats(keys[k], [c[k] for c in counted], times, int(starts[k]), int(sizes[k]))
            for k in range(width)
        ]

    mine = known & answered
    by_time = np.argsort(taken[mine], kind="stable")
    sorted_taken = taken[mine][by_time]
    by_channel = stats(np.where(known, channel, 0), order)
    sender = log._sender_function  # noqa: SLF001
    senders = log._sender_values  # noqa: SLF001
    pair_code = sender.astype(np.int64) * max(len(functions), 1) + receiving
    pairs = np.unique(pair_code[known]) if size else np.zeros(0, dtype=np.int64)
    pair_keys = [
        (senders[p // max(len(functions), 1)], functions[p % max(len(functions), 1)])
        for p in pairs.tolist()
    ]
    rank = sorted(range(len(pair_keys)), key=pair_keys.__getitem__)
    where = np.empty(len(rank), dtype=np.int64)
    where[rank] = np.arange(len(rank))
    # Rows on unknown channels find no pair (any index does: they are not counted).
    slot = np.minimum(np.searchsorted(pairs, pair_code), max(len(pairs) - 1, 0))
    pair_group = where[slot] if len(pairs) else pair_code
    by_pair = stats(pair_group, sorted(pair_keys))

    ids = log._ids  # noqa: SLF001
    breached = _most_late_first(np.flatnonzero(breach), late, ids)
    picked = np.array(breached, dtype=np.int64)
    hard_us = hard[picked]
    columns = (
        channel[picked],
        sender[picked],
        receiving[picked],
        late[picked],
        (hard_us != MISSING) & (until[picked] > hard_us),
    )
    due_of, group_of_breach = due[picked], row_group[picked]

    def build(start: int, stop: int) -> list[Breach]:
        """Breaches ``start`` to ``stop`` of the report, as objects."""
        from alignkit._gc import collector_paused

        with collector_paused():  # many objects, no cycles: see alignkit._gc
            return _build(start, stop)

    def _build(start: int, stop: int) -> list[Breach]:
        make = _breach_maker()
        rows = breached[start:stop]
        chan, send, receive, lates, beyond = (c[start:stop].tolist() for c in columns)
        responded = log._first_at_many(picked[start:stop])  # noqa: SLF001
        local = _local_times(due_of[start:stop], group_of_breach[start:stop], groups, spans)
        return [
            make(
                ids[i],
                order[c],
                senders[s],
                functions[r],
                d,
                when,
                how_late,
                past,
            )
            for i, c, s, r, d, when, how_late, past in zip(
                rows, chan, send, receive, local, responded, lates, beyond, strict=True
            )
        ]

    breaches = PendingBreaches(len(breached), build)
    chat_index = [order.index(n) for n in order if n in chats]
    on_chat = known & np.isin(channel, chat_index)
    misuse_rows = np.flatnonzero(on_chat & ~(log._urgent | log._blocking))  # noqa: SLF001
    misuse = tuple(ids[i] for i in misuse_rows.tolist())
    focus: tuple[FocusStats, ...] = ()
    if known.any():
        first_us = int(sent[known].min())
        if first_us < at_us:
            focus = _focus(log, on_chat, groups, row_group, first_us, at)
    return SlaReport(
        at,
        tuple(by_channel),
        tuple(by_pair),
        breaches,
        misuse,
        focus,
        dict(sorted(unknown.items())),
        tuple(sorted(uncalendared)),
    )


def _breach_maker() -> Callable[..., Breach]:
    """A :class:`Breach` of checked values, built without checking them again."""
    import attrs

    (s_id, s_channel, s_sender, s_receiver, s_due, s_responded, s_late, s_hard) = tuple(
        vars(Breach)[field.name].__set__ for field in attrs.fields(Breach)
    )
    new = object.__new__
    span = dt.timedelta

    def make(
        message_id: str,
        channel: str,
        sender: str,
        receiver: str,
        due: dt.datetime,
        responded: dt.datetime | None,
        late: int,
        hard: bool,
    ) -> Breach:
        breach: Breach = new(Breach)
        s_id(breach, message_id)
        s_channel(breach, channel)
        s_sender(breach, sender)
        s_receiver(breach, receiver)
        s_due(breach, due)
        s_responded(breach, responded)
        s_late(breach, span(microseconds=late))
        s_hard(breach, hard)
        return breach

    return make


def _local_times(
    instants: Ints,
    row_group: Ints,
    groups: list[tuple[BusinessCalendar, list[int]]],
    spans: list[_Span | None],
) -> list[dt.datetime]:
    """Each instant in its row's calendar zone, as ``BusinessCalendar._local`` gives it.

    The offset is guessed from the midnight of the instant's day and checked: a wall
    time that has the guessed offset with either ``fold`` exists once and names exactly
    the instant, as ``astimezone`` writes it; any other (a wall time the clocks skip
    or repeat, on a day they change) is converted by the calendar itself.
    """
    from alignkit.channels._columns import wall_times

    guess = np.zeros(len(instants), dtype=np.int64)
    for g, span in enumerate(spans):
        here = np.flatnonzero(row_group == g)
        if span is None or not len(here):
            continue
        day = np.searchsorted(span.midnights, instants[here], side="right") - 1
        day = np.clip(day, 0, len(span.regular) - 1)
        guess[here] = (span.first + day - _EPOCH_ORDINAL) * _DAY_US - span.midnights[day]
    zones = [groups[g][0].zone for g in row_group.tolist()]
    built = wall_times(np, instants, guess, zones)
    zero = dt.timedelta(0)
    for k, (local, offset) in enumerate(zip(built, guess.tolist(), strict=True)):
        if (local.utcoffset() or zero) // _ONE_US != offset or (
            local.replace(fold=1).utcoffset() or zero
        ) // _ONE_US != offset:
            built[k] = groups[int(row_group[k])][0]._local(int(instants[k]))  # noqa: SLF001
    return built


_ONE_US: Final = dt.timedelta(microseconds=1)


def _most_late_first(rows: Ints, late: Ints, ids: list[str]) -> list[int]:
    """``rows`` by lateness, most first, and by id among equals."""
    order = rows[np.argsort(-late[rows], kind="stable")]
    ranked: list[int] = order.tolist()
    values = late[order]
    ties = np.flatnonzero(values[1:] == values[:-1])
    if len(ties):
        # Runs of equal lateness, each sorted by id (as sorted() on (-late, id) would).
        starts = ties[np.r_[True, ties[1:] != ties[:-1] + 1]]
        stops = ties[np.r_[ties[1:] != ties[:-1] + 1, True]] + 2
        for a, b in zip(starts.tolist(), stops.tolist(), strict=True):
            ranked[a:b] = sorted(ranked[a:b], key=ids.__getitem__)
    return ranked


def _stats(key: Any, counts: list[int], times: Ints, start: int, size: int) -> SlaStats:  # noqa: ANN401
    """One group's figures: its counts, and the median and p90 of its sorted times."""
    median, p90 = median_and_p90(times[start : start + size])
    messages, answered, within, breaches, open_, overdue = counts
    return SlaStats(key, messages, answered, within, breaches, open_, overdue, median, p90)


def _focus(
    log: MessageLog,
    on_chat: Bools,
    groups: list[tuple[BusinessCalendar, list[int]]],
    row_group: Ints,
    first_us: int,
    at: dt.datetime,
) -> tuple[FocusStats, ...]:
    """Chat interruptions per open day and the longest focus, per receiver."""
    rows = np.flatnonzero(on_chat)
    functions = log._function_values  # noqa: SLF001
    people = log._receiver_values  # noqa: SLF001
    person = log._receiver[rows].astype(np.int64)  # noqa: SLF001
    function = log._receiver_function[rows].astype(np.int64)  # noqa: SLF001
    # A key per (receiver or function, function), by name: a person's id may be a
    # function's name, and then it is the same receiver, as the scalar report has it.
    index = {name: k for k, name in enumerate(functions)}
    name_of = list(functions)
    for name in people:
        if name not in index:
            index[name] = len(name_of)
            name_of.append(name)
    people_index = np.array([index[name] for name in people] or [0], dtype=np.int64)
    who = np.where(person >= 0, people_index[np.maximum(person, 0)], function)
    key = who * len(functions) + function
    keys, first_seen, inverse = np.unique(key, return_index=True, return_inverse=True)
    times = log._sent_us[rows]  # noqa: SLF001
    order = np.lexsort((times, inverse))
    sorted_keys, sorted_times = inverse[order], times[order]
    bounds = np.searchsorted(sorted_keys, np.arange(len(keys) + 1))
    windows: dict[int, tuple[Ints, Ints, int]] = {}
    found = []
    for k in np.argsort(first_seen, kind="stable").tolist():
        code = int(keys[k])
        receiver, fn = divmod(code, len(functions))
        name = name_of[receiver]
        g = int(row_group[rows[first_seen[k]]])
        if g not in windows:
            windows[g] = _windows(groups[g][0], first_us, at)
        opens, closes, days = windows[g]
        moments = sorted_times[bounds[k] : bounds[k + 1]]
        slot = np.searchsorted(opens, moments, side="right") - 1
        inside = (slot >= 0) & (moments < closes[np.maximum(slot, 0)]) if len(opens) else slot < -1
        moments, slot = moments[inside], slot[inside]
        longest = int((closes - opens).max(initial=0))
        if len(moments):
            change = np.r_[True, slot[1:] != slot[:-1]]
            last = np.r_[slot[1:] != slot[:-1], True]
            empty = np.ones(len(opens), dtype=np.bool_)
            empty[slot] = False
            longest = max(
                int(np.diff(moments)[~change[1:]].max(initial=0)),
                int((moments[change] - opens[slot[change]]).max(initial=0)),
                int((closes[slot[last]] - moments[last]).max(initial=0)),
                int((closes - opens)[empty].max(initial=0)),
            )
        count = len(moments)
        found.append(
            FocusStats(
                name,
                functions[fn],
                count,
                days,
                count / days if days else 0.0,
                dt.timedelta(microseconds=longest),
            )
        )
    return tuple(sorted(found, key=lambda f: (-f.interruptions_per_day, f.receiver)))


def _windows(calendar: BusinessCalendar, first_us: int, at: dt.datetime) -> tuple[Ints, Ints, int]:
    """The calendar's windows (touching ones joined) from the midnight before ``first_us``."""
    start, days = focus_period(calendar, EPOCH + dt.timedelta(microseconds=first_us), at)
    pairs = [
        ((a - EPOCH) // dt.timedelta(microseconds=1), (b - EPOCH) // dt.timedelta(microseconds=1))
        for a, b in calendar.windows(start, at)
    ]
    edges = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    return edges[:, 0].copy(), edges[:, 1].copy(), days
