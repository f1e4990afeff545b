"""The channel SLA report on a message log of 1,000,000 messages, against pandas.

In one run, this script:

* writes, from a fixed seed and before any clock starts, a message log of ``--size``
  messages (1,000,000 by default) as the CSV file ``Message.read_csv`` reads: six
  functions in two time zones (Sales, Marketing and Customer Success in
  America/New_York; Operations, IT and Finance in Europe/London), fifty weeks of
  2026 (both zones' changes of the clocks, and the weeks when they differ), most
  messages sent in the sender's working hours and some in the evening, early, at
  night or on a weekend (0.2% scheduled at 09:00:00 or 17:00:00 sharp), on the four
  channels of ``ChannelStrategy.default()`` (chat 22%, project 45%, email 28%,
  archive 5%); response delays per channel (chat minutes, project hours, email up to
  days; most answers that would fall outside the receiver's hours wait for its next
  morning), about 5% unanswered (90% on the archive), 15% of chat messages neither
  urgent nor blocking; sent times in the sender's offset, responses in the
  receiver's;
* times, each contender in a fresh child process (so each has its own peak memory,
  ``ru_maxrss``, taken before and after the work):

  - ``alignkit`` (in this interpreter's environment, with NumPy): ``MessageLog.read_csv(path)``,
    then ``sla_report(log, ChannelStrategy.default(), calendars, at=AT)`` with a
    ``BusinessCalendar`` per function (Monday to Friday, 09:00-17:00 in its zone), a
    column at a time; then, timed apart, reading every ``Breach`` of the report (they
    are built when first read: the text report reads ten);
  - ``alignkit messages``: the same without the column path, as without NumPy:
    ``Message.read_csv(path)`` and the report a message at a time;
  - ``pandas numpy`` (in ``--pandas-python``, a separate environment with pandas):
    the same report from ``pd.read_csv`` (times parsed with their offsets to UTC),
    with due times and business time vectorised on NumPy's business-day calendar
    (``busday_offset``, ``busday_count``, ``is_busday``: what ``CustomBusinessDay``
    is built on) in each receiver's zone: the fastest faithful pandas;
  - ``pandas offsets``: the same, with the due times of business-day targets
    computed as pandas documents them, ``CustomBusinessDay(n)`` then
    ``CustomBusinessHour(0, start="09:00", end="17:00")`` for the next open moment,
    on each receiver's local wall times (pandas applies both one element at a time);

  the read, the report and the two together (as one interval), ``--runs`` times (3
  by default), in alternating order (A B C, then C B A, ...);
* compares the four reports: every count per channel and per (sender, receiver)
  pair (messages, answered, within target, breaches, open, overdue), the median and
  p90 response times to the microsecond, each breach (late by, past the hard limit,
  due time), the chat misuse ids and the focus figures. They must be equal;
* checks, once and untimed (a child in the pandas environment with alignkit's
  ``src`` on ``PYTHONPATH``), each message's due time, hard limit and response time
  against alignkit's own ``Channel.due``, ``Channel.hard_due`` and
  ``BusinessCalendar.between``; and, on a sample, the due times that pandas'
  offsets give (as above, and the naive ``wall + CustomBusinessHour(8 * n)``),
  counting the differences by when the message was sent;
* times ``BusinessCalendar.add(start, timedelta(hours=h))`` against
  ``start + CustomBusinessHour(h)`` per call, on ``--calls`` (4,000) random aware
  starts (the log's distribution) and durations (1 to 16 hours), on calendars of
  both zones (pandas gets each start already in its calendar's zone and its offsets
  built beforehand); ``add_business_days`` against ``CustomBusinessDay`` and
  ``CustomBusinessHour(0)`` on the wall time; and alignkit's first ``add`` on a
  fresh calendar (which resolves its days; equal calendars share them, so each
  fresh one has a holiday of its own). The results are compared call by call.

Each figure is the median (min-max) over the runs; each ratio is taken run by run.

Targets: the report (read and report together) at least as fast as pandas, that is
``alignkit / pandas <= 1``; ``add`` at least 5x as many calls per second as
``CustomBusinessHour``. The exit status is 1 when the reports differ or alignkit's
own per-message figures differ from the vectorised pandas ones.

Set up the pandas environment once::

    python3 -m venv /tmp/pd-venv
    /tmp/pd-venv/bin/pip install pandas numpy attrs "pydantic>=2" pyyaml

Usage::

    python benchmarks/bench_channels.py [--size 1000000] [--runs 3] [--calls 4000]
        [--pandas-python /tmp/pd-venv/bin/python] [--json-out PATH]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import math
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from _common import machine, machine_line, median_range, positive_int, ratio, write_json

# alignkit, pandas and NumPy are imported where they are used: the pandas children
# run in an environment without alignkit, and this process imports neither pandas nor
# NumPy.

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
SEED = 20261218
FULL = 1_000_000
RUNS = 3
CALLS = 4_000
INNER = 5
"""Timed passes over the ``add`` inputs in each child; the child reports their median."""
COLD = 25
"""Fresh calendars whose first ``add`` is timed."""
CHECK_SAMPLE = 20_000
"""Business-day messages whose due times pandas' offsets compute in the check."""
PANDAS_PYTHON = "/tmp/pd-venv/bin/python"  # noqa: S108 - the environment the brief names
REPORT_TARGET = 1.0
"""alignkit's read and report together should take at most this many times pandas'."""
ADD_TARGET = 5.0
"""``add`` should make at least this many times as many calls per second as pandas."""

NEW_YORK, LONDON = "America/New_York", "Europe/London"
ZONES = {
    "Sales": NEW_YORK,
    "Marketing": NEW_YORK,
    "Customer Success": NEW_YORK,
    "Operations": LONDON,
    "IT": LONDON,
    "Finance": LONDON,
}
"""Each function's zone; every calendar is Monday to Friday, 09:00-17:00 there."""
PEOPLE = 8
"""Receivers per function, named ``customer-success-03``; 10% of rows name none."""
FIRST_DAY = dt.date(2026, 1, 5)  # a Monday
LAST_DAY = dt.date(2026, 12, 18)  # a Friday: messages are sent up to the day before
AT = "2026-12-18T12:00:00-05:00"
"""The report's moment: Friday noon in New York, after every message was sent."""
CHANNELS = ("chat", "project", "email", "archive")
CHANNEL_WEIGHTS = (22, 45, 28, 5)
KINDS = {
    "chat": ("outage", "escalation", "question"),
    "project": ("update", "question", "milestone"),
    "email": ("decision", "contract", "policy", "external"),
    "archive": ("final-decision",),
}
DELAYS = {"chat": (10 * 60, 1.1), "project": (4 * 3600, 1.3), "email": (12 * 3600, 1.0)}
"""Each channel's response delay: a log-normal with this median (seconds) and sigma."""
ARCHIVE_DELAY = (24 * 3600, 1.0)
UNANSWERED = 0.05
ARCHIVE_UNANSWERED = 0.9
HEADER = (
    "id,channel,kind,sent_at,sender_function,receiver_function,"
    "first_response_at,urgent,blocking,receiver\n"
)

# The reference strategy as the pandas report implements it (``ChannelStrategy.default()``):
# chat 1 hour around the clock; project 1 business day; email 1, at most 2; archive none.
CHAT_SLA_US = 3_600_000_000
BUSINESS_DAYS = {"project": (1, None), "email": (1, 2)}
WEEKMASK = "Mon Tue Wed Thu Fri"
US = dt.timedelta(microseconds=1)
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
HOUR_US = 3_600_000_000
DAY_US = 24 * HOUR_US
OPENS_US, CLOSES_US = 9 * HOUR_US, 17 * HOUR_US
OPEN_DAY_US = CLOSES_US - OPENS_US
MISSING = -(2**63)
"""A due time, hard limit or response time that there is none of (NaT's integer)."""


def epoch_us(when: dt.datetime) -> int:
    """An aware datetime as microseconds since 1970 UTC."""
    return (when - EPOCH) // US


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (``ru_maxrss``), in MB."""
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, kilobytes on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


# -- the log -------------------------------------------------------------------------------


class Log:
    """Draws the messages of the log, one at a time, from one seeded generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.zones = {name: ZoneInfo(tz) for name, tz in ZONES.items()}
        days = [FIRST_DAY + dt.timedelta(days=k) for k in range((LAST_DAY - FIRST_DAY).days)]
        self.weekdays = [day for day in days if day.weekday() < 5]
        self.weekends = [day for day in days if day.weekday() >= 5]
        self.functions = list(ZONES)
        self.others = {f: [g for g in self.functions if g != f] for f in self.functions}
        self.people = {
            f: [f"{f.lower().replace(' ', '-')}-{k:02d}" for k in range(1, PEOPLE + 1)]
            for f in self.functions
        }
        self.at = dt.datetime.fromisoformat(AT)

    def sent_at(self, zone: ZoneInfo) -> dt.datetime:
        """A sending moment in ``zone``: mostly working hours, some evenings and weekends."""
        rng = self.rng
        if rng.random() < 0.06:
            day = rng.choice(self.weekends)
            seconds = rng.randrange(8 * 3600, 22 * 3600)
        else:
            day = rng.choice(self.weekdays)
            share = rng.random()
            if share < 0.002:  # scheduled sends, on the boundaries
                seconds = rng.choice((9 * 3600, 17 * 3600))
            elif share < 0.80:
                seconds = rng.randrange(9 * 3600, 17 * 3600)
            elif share < 0.92:
                seconds = rng.randrange(17 * 3600, 22 * 3600)
            elif share < 0.97:
                seconds = rng.randrange(7 * 3600, 9 * 3600)
            else:  # the small hours of a weekday: never a change of the clocks (a Sunday)
                seconds = rng.randrange(0, 7 * 3600)
        wall = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)
        return wall.replace(tzinfo=zone)

    def next_morning(self, when: dt.datetime) -> dt.datetime:
        """The receiver's next opening after ``when`` (local), plus a few minutes."""
        day = when.date()
        if not (day.weekday() < 5 and when.hour < 9):
            day += dt.timedelta(days=1)
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
        opening = dt.datetime.combine(day, dt.time(9), tzinfo=when.tzinfo)
        return opening + dt.timedelta(seconds=round(self.rng.expovariate(1 / 1800)))

    def response(self, channel: str, sent: dt.datetime, zone: ZoneInfo) -> dt.datetime | None:
        """When a message is first answered, in the receiver's zone; ``None``: not yet."""
        rng = self.rng
        unanswered = ARCHIVE_UNANSWERED if channel == "archive" else UNANSWERED
        if rng.random() < unanswered:
            return None
        median, sigma = DELAYS.get(channel, ARCHIVE_DELAY)
        delay = dt.timedelta(seconds=round(rng.lognormvariate(math.log(median), sigma)))
        local = (sent.astimezone(dt.UTC) + delay).astimezone(zone)
        outside = local.weekday() >= 5 or not 9 <= local.hour < 17
        waits = channel != "chat" or rng.random() < 0.5  # half of chat is answered at once
        if outside and waits and rng.random() < 0.8:
            local = self.next_morning(local)
        return None if local > self.at else local

    def flags(self, channel: str) -> tuple[bool, bool]:
        """``(urgent, blocking)``: chat mostly both, 15% neither (misuse)."""
        share = self.rng.random()
        if channel == "chat":
            return (share < 0.80, share < 0.75 or 0.80 <= share < 0.85)
        if channel == "project":
            return (share < 0.03, 0.03 <= share < 0.08)
        return (channel == "email" and share < 0.05, False)

    def row(self, index: int) -> str:
        rng = self.rng
        sender = rng.choice(self.functions)
        receiver_function = rng.choice(self.others[sender])
        channel = rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0]
        kind = rng.choice(KINDS[channel])
        urgent, blocking = self.flags(channel)
        sent = self.sent_at(self.zones[sender])
        answered = self.response(channel, sent, self.zones[receiver_function])
        receiver = rng.choice(self.people[receiver_function]) if rng.random() < 0.9 else ""
        first = "" if answered is None else answered.isoformat()
        return (
            f"m{index:07d},{channel},{kind},{sent.isoformat()},{sender},{receiver_function},"
            f"{first},{'true' if urgent else 'false'},{'true' if blocking else 'false'},"
            f"{receiver}\n"
        )


def generate(path: Path, size: int) -> None:
    """Write the log of ``size`` messages to ``path``."""
    log = Log(SEED)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        out.writelines(log.row(index) for index in range(size))


# -- alignkit --------------------------------------------------------------------------------


def alignkit_calendars() -> dict[str, Any]:
    from alignkit.channels import BusinessCalendar

    return {f: BusinessCalendar(tz, {"mon-fri": "09:00-17:00"}) for f, tz in ZONES.items()}


def alignkit_summary(report: Any) -> dict[str, Any]:
    """The report in the form both sides are compared in (durations in microseconds)."""

    def us(value: dt.timedelta | None) -> int | None:
        return None if value is None else value // US

    def stats(row: Any) -> list[int | None]:
        return [
            row.messages,
            row.answered,
            row.within_sla,
            row.breaches,
            row.open,
            row.overdue,
            us(row.median),
            us(row.p90),
        ]

    breaches = list(report.breaches)
    return {
        "by_channel": {row.key: stats(row) for row in report.by_channel},
        "by_pair": {"|".join(row.key): stats(row) for row in report.by_pair},
        "breaches": sorted(
            [b.message_id, us(b.late), b.hard, epoch_us(b.due)] for b in report.breaches
        ),
        "breach_order": [b.message_id for b in breaches],
        "misuse": sorted(report.misuse),
        "focus": {
            f"{f.receiver}|{f.function}": [f.chat_messages, f.business_days, us(f.longest_focus)]
            for f in report.focus
        },
        "unknown_channels": dict(report.unknown_channels),
    }


def child_alignkit(path: Path, out: Path, *, summary: Path | None, columns: bool) -> None:
    """Read the log and make the report; write the times, the memory and ``summary``.

    ``columns``: ``MessageLog.read_csv`` and the report a column at a time (NumPy);
    else ``Message.read_csv`` and the report a message at a time (the path without
    NumPy, forced here by turning the column path off).
    """
    from alignkit.channels import ChannelStrategy, Message, MessageLog, _report, sla_report

    if columns:
        import numpy  # noqa: F401, ICN001 - imported before the clock, as pandas is in its child
    else:
        _report._as_log = lambda _messages: None  # noqa: SLF001 - the path without NumPy
    strategy = ChannelStrategy.default()
    calendars = alignkit_calendars()
    at = dt.datetime.fromisoformat(AT)
    found, report = timed(
        lambda: (MessageLog if columns else Message).read_csv(path),
        lambda messages: sla_report(messages, strategy, calendars, at=at),
        len,
    )
    # What a reader of every breach meets on top: the report builds them when read.
    start = time.perf_counter()
    built = len(report.breaches)
    found["breaches_s"] = time.perf_counter() - start
    found["breaches"] = built
    if summary is not None:
        summary.write_text(json.dumps(alignkit_summary(report)), encoding="utf-8")
    out.write_text(json.dumps(found), encoding="utf-8")


def timed(
    read: Callable[[], Any], report: Callable[[Any], Any], count: Callable[[Any], int]
) -> tuple[dict[str, float], Any]:
    """The times of ``read()`` and of ``report`` on what it read, with the peak memory."""
    rss_start = peak_rss_mb()
    gc.collect()
    start = time.perf_counter()
    table = read()
    middle = time.perf_counter()
    result = report(table)
    end = time.perf_counter()
    found = {
        "read_s": middle - start,
        "report_s": end - middle,
        "total_s": end - start,
        "rss_start_mb": rss_start,
        "rss_peak_mb": peak_rss_mb(),
        "messages": count(table),
    }
    return found, result


# -- pandas ----------------------------------------------------------------------------------


def pandas_read(path: Path) -> dict[str, Any]:
    """The log as pandas reads it: the columns the report needs, times in UTC microseconds."""
    import numpy as np
    import pandas as pd

    texts = dict.fromkeys(HEADER.strip().split(","), str)
    frame = pd.read_csv(
        path, dtype=texts, keep_default_na=False, na_values={"first_response_at": [""]}
    )

    def utc_us(column: str) -> Any:
        parsed = pd.to_datetime(frame[column], utc=True, format="ISO8601")
        return np.asarray(parsed.dt.tz_localize(None), dtype="datetime64[us]").view("int64")

    yes = ["true", "yes", "1"]
    return {
        "id": frame["id"].to_numpy(),
        "channel": frame["channel"],
        "sender": frame["sender_function"],
        "receiver_function": frame["receiver_function"],
        "receiver": frame["receiver"],
        "sent": utc_us("sent_at"),
        "first": utc_us("first_response_at"),
        "urgent": frame["urgent"].str.lower().isin(yes).to_numpy(),
        "blocking": frame["blocking"].str.lower().isin(yes).to_numpy(),
    }


def to_wall(utc: Any, zone: str) -> Any:
    """UTC microseconds as wall-clock microseconds in ``zone``."""
    import numpy as np
    import pandas as pd

    index = pd.DatetimeIndex(utc.astype("datetime64[us]")).tz_localize("UTC").tz_convert(zone)
    return np.asarray(index.tz_localize(None), dtype="datetime64[us]").view("int64")


def from_wall(wall: Any, zone: str) -> Any:
    """Wall-clock microseconds in ``zone`` (open hours: never skipped or repeated) as UTC."""
    import numpy as np
    import pandas as pd

    index = pd.DatetimeIndex(wall.astype("datetime64[us]")).tz_localize(zone).tz_convert("UTC")
    return np.asarray(index.tz_localize(None), dtype="datetime64[us]").view("int64")


def business_us(wall: Any) -> Any:
    """Open microseconds (Monday to Friday, 09:00-17:00) from 1970-01-01 to each wall time.

    The business time between two instants is the difference of this at their wall
    times in the receiver's zone: the changes of the clocks fall at night, so open
    time on the wall clock is real time.
    """
    import numpy as np

    day = wall // DAY_US
    dates = day.astype("datetime64[D]")
    inside = np.clip(wall - day * DAY_US, OPENS_US, CLOSES_US) - OPENS_US
    counted = np.busday_count(np.datetime64("1970-01-01"), dates, weekmask=WEEKMASK)
    return counted.astype("int64") * OPEN_DAY_US + np.where(
        np.is_busday(dates, weekmask=WEEKMASK), inside, 0
    )


def due_wall_numpy(wall: Any, days: int) -> Any:
    """``days`` business days after each wall time: the same time on that open day, or next open."""
    import numpy as np

    day = wall // DAY_US
    clock = wall - day * DAY_US
    # From a closed day, rolling back first makes the next open day the first counted.
    target = np.busday_offset(day.astype("datetime64[D]"), days, roll="backward", weekmask=WEEKMASK)
    late = clock >= CLOSES_US
    target = np.where(late, np.busday_offset(target, 1, weekmask=WEEKMASK), target)
    clock = np.where(late | (clock < OPENS_US), OPENS_US, clock)
    return target.astype("int64") * DAY_US + clock


def due_wall_offsets(wall: Any, days: int) -> Any:
    """The same with pandas' offsets: ``CustomBusinessDay``, then ``CustomBusinessHour(0)``."""
    import numpy as np
    import pandas as pd
    from pandas.tseries.offsets import CustomBusinessDay, CustomBusinessHour

    times = pd.Series(wall.astype("datetime64[us]"))
    midnight = times.dt.normalize()
    with warnings.catch_warnings():  # "Non-vectorized DateOffset being applied to Series"
        warnings.simplefilter("ignore", pd.errors.PerformanceWarning)
        moved = midnight + CustomBusinessDay(days, weekmask=WEEKMASK)
        due = (moved + (times - midnight)) + CustomBusinessHour(
            0, start="09:00", end="17:00", weekmask=WEEKMASK
        )
    return np.asarray(due, dtype="datetime64[us]").view("int64")


def pandas_sla(columns: dict[str, Any], *, offsets: bool) -> dict[str, Any]:  # noqa: PLR0915
    """The SLA report of the log, as :func:`alignkit.channels.sla_report` makes it."""
    import numpy as np
    import pandas as pd

    at = epoch_us(dt.datetime.fromisoformat(AT))
    channel = pd.Categorical(columns["channel"], categories=CHANNELS).codes.astype("int64")
    known = channel >= 0
    unknown = columns["channel"][~known].value_counts().to_dict()
    sent, first = columns["sent"], columns["first"]
    answered = first != MISSING
    receiving, functions = pd.factorize(columns["receiver_function"])
    sending, senders = pd.factorize(columns["sender"])
    zone_of = np.array([ZONES.get(name, "UTC") for name in functions], dtype=object)
    zones = zone_of[receiving]

    due = np.full(len(sent), MISSING, dtype="int64")
    hard = np.full(len(sent), MISSING, dtype="int64")
    taken = np.zeros(len(sent), dtype="int64")
    late = np.zeros(len(sent), dtype="int64")
    chat = channel == 0
    # chat: 1 hour around the clock
    due[chat] = sent[chat] + CHAT_SLA_US
    taken[chat & answered] = first[chat & answered] - sent[chat & answered]
    until = np.where(answered, first, at)
    late[chat] = np.maximum(until[chat] - due[chat], 0)
    due_wall = due_wall_offsets if offsets else due_wall_numpy
    for zone in np.unique(zones[known & ~chat]):
        here = known & ~chat & (zones == zone)
        sent_wall = to_wall(sent[here], zone)
        until_b = business_us(to_wall(until[here], zone))
        done = answered[here]
        taken[np.flatnonzero(here)[done]] = until_b[done] - business_us(sent_wall)[done]
        for name, (days, hard_days) in BUSINESS_DAYS.items():
            which = channel[here] == CHANNELS.index(name)
            rows = np.flatnonzero(here)[which]
            wall = due_wall(sent_wall[which], days)
            due[rows] = from_wall(wall, zone)
            past = until[rows] > due[rows]
            late[rows] = np.where(past, until_b[which] - business_us(wall), 0)
            if hard_days is not None:
                hard[rows] = from_wall(due_wall(sent_wall[which], hard_days), zone)
    has_due = due != MISSING
    breach = known & has_due & (late > 0)
    within = known & answered & ~breach
    open_ = known & ~answered
    overdue = open_ & breach

    def stats(codes: Any, labels: list[str]) -> pd.DataFrame:
        size = len(labels)
        keep = known

        def count(mask: Any) -> Any:
            return np.bincount(codes[keep & mask], minlength=size)

        group, times = codes[keep & answered], taken[keep & answered]
        order = np.lexsort((times, group))
        group, times = group[order], times[order]
        sizes = np.bincount(group, minlength=size)
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        middle = starts + sizes // 2
        some = sizes > 0
        upper = times[np.minimum(middle, len(times) - 1)] if len(times) else np.zeros(size, "int64")
        lower = times[np.maximum(middle - 1, 0)] if len(times) else upper
        # An even count averages the middle two, rounded half to even as timedelta does.
        half, odd = np.divmod(lower + upper, 2)
        even_median = half + (odd & (half & 1))
        median = np.where(sizes % 2 == 1, upper, even_median)
        rank = np.maximum(np.ceil(0.9 * sizes).astype("int64") - 1, 0)
        p90 = times[np.minimum(starts + rank, max(len(times) - 1, 0))] if len(times) else upper
        return pd.DataFrame(
            {
                "messages": count(known),
                "answered": count(answered),
                "within_sla": count(within),
                "breaches": count(breach),
                "open": count(open_),
                "overdue": count(overdue),
                "median": np.where(some, median, MISSING),
                "p90": np.where(some, p90, MISSING),
            },
            index=labels,
        )

    by_channel = stats(np.where(known, channel, 0), list(CHANNELS))
    pair_codes = sending * len(functions) + receiving
    present = np.unique(pair_codes[known])
    pair_labels = [
        f"{senders[p // len(functions)]}|{functions[p % len(functions)]}" for p in present
    ]
    by_pair = stats(np.searchsorted(present, pair_codes), pair_labels)
    by_pair = by_pair.sort_index()  # alignkit sorts pairs

    rows = np.flatnonzero(breach)
    past_hard = (hard[rows] != MISSING) & (until[rows] > hard[rows])
    breaches = pd.DataFrame(
        {"id": columns["id"][rows], "late": late[rows], "hard": past_hard, "due": due[rows]}
    ).sort_values(["late", "id"], ascending=[False, True], kind="stable")
    misuse = columns["id"][chat & ~(columns["urgent"] | columns["blocking"])]
    focus = pandas_focus(columns, chat, sent[known].min() if known.any() else None, at)
    return {
        "by_channel": by_channel,
        "by_pair": by_pair,
        "breaches": breaches,
        "misuse": misuse,
        "focus": focus,
        "unknown_channels": unknown,
        "due": due,
        "hard": hard,
        "taken": np.where(known & answered, taken, MISSING),
    }


def pandas_focus(columns: dict[str, Any], chat: Any, first: int | None, at: int) -> Any:
    """Chat interruptions per open day and the longest stretch without one, per receiver."""
    import numpy as np
    import pandas as pd

    if first is None or first >= at:
        return pd.DataFrame(columns=["receiver", "function", "chat", "days", "longest"])
    function = columns["receiver_function"][chat]
    receiver = columns["receiver"][chat].where(columns["receiver"][chat] != "", function)
    frame = pd.DataFrame(
        {"receiver": receiver, "function": function, "sent": columns["sent"][chat]}
    )
    windows: dict[str, tuple[Any, Any, int]] = {}
    rows = []
    for (who, function_name), group in frame.groupby(["receiver", "function"], sort=False):
        zone = ZONES.get(function_name, "UTC")
        if zone not in windows:
            windows[zone] = open_windows(first, at, zone)
        opens, closes, days = windows[zone]
        times = np.sort(group["sent"].to_numpy())
        slot = np.searchsorted(opens, times, side="right") - 1
        inside = (slot >= 0) & (times < closes[np.maximum(slot, 0)])
        times, slot = times[inside], slot[inside]
        longest = (closes - opens).max(initial=0)
        if len(times):
            empty = np.ones(len(opens), dtype=bool)
            empty[slot] = False
            gaps = [
                np.diff(times)[slot[1:] == slot[:-1]],
                times[np.r_[True, slot[1:] != slot[:-1]]] - opens[np.unique(slot)],
                closes[np.unique(slot)] - times[np.r_[slot[1:] != slot[:-1], True]],
                (closes - opens)[empty],
            ]
            longest = max(part.max(initial=0) for part in gaps)
        rows.append((who, function_name, len(times), days, int(longest)))
    return pd.DataFrame(rows, columns=["receiver", "function", "chat", "days", "longest"])


def open_windows(first: int, at: int, zone: str) -> tuple[Any, Any, int]:
    """The open windows (UTC) from the local midnight before ``first`` to ``at``, and open days."""
    import numpy as np

    start_day = to_wall(np.array([first]), zone)[0] // DAY_US
    end_day = to_wall(np.array([at - 1]), zone)[0] // DAY_US
    dates = np.arange(start_day, end_day + 1).astype("datetime64[D]")
    dates = dates[np.is_busday(dates, weekmask=WEEKMASK)]
    walls = dates.astype("int64") * DAY_US
    opens = from_wall(walls + OPENS_US, zone)
    closes = np.minimum(from_wall(walls + CLOSES_US, zone), at)
    keep = closes > opens
    return opens[keep], closes[keep], len(dates)


def pandas_summary(result: dict[str, Any]) -> dict[str, Any]:
    """The pandas report in the form both sides are compared in."""

    def stats(frame: Any) -> dict[str, list[int | None]]:
        return {
            str(label): [None if v == MISSING else int(v) for v in row]
            for label, row in zip(frame.index, frame.to_numpy().tolist(), strict=True)
        }

    breaches = result["breaches"]
    return {
        "by_channel": stats(result["by_channel"]),
        "by_pair": stats(result["by_pair"]),
        "breaches": sorted(
            [str(i), int(late), bool(hard), int(due)]
            for i, late, hard, due in zip(
                breaches["id"], breaches["late"], breaches["hard"], breaches["due"], strict=True
            )
        ),
        "breach_order": [str(i) for i in breaches["id"]],
        "misuse": sorted(str(i) for i in result["misuse"]),
        "focus": {
            f"{r}|{f}": [int(c), int(d), int(long)]
            for r, f, c, d, long in result["focus"].itertuples(index=False)
        },
        "unknown_channels": {str(k): int(v) for k, v in result["unknown_channels"].items()},
    }


def child_pandas(path: Path, out: Path, *, offsets: bool, summary: Path | None) -> None:
    """pandas' read and report; write the times, the memory and ``summary``."""
    import numpy as np  # noqa: F401 - imported before the clock, as alignkit's modules are
    import pandas as pd  # noqa: F401

    found, result = timed(
        lambda: pandas_read(path),
        lambda columns: pandas_sla(columns, offsets=offsets),
        lambda columns: len(columns["sent"]),
    )
    if summary is not None:
        summary.write_text(json.dumps(pandas_summary(result)), encoding="utf-8")
    out.write_text(json.dumps(found), encoding="utf-8")


# -- the check, message by message -------------------------------------------------------------


def child_check(path: Path, out: Path) -> None:  # noqa: PLR0915
    """alignkit's due times and response times against pandas', message by message.

    Runs in the pandas environment with alignkit's ``src`` on ``PYTHONPATH``: this
    is a check, not a contender.
    """
    import numpy as np
    import pandas as pd
    from pandas.tseries.offsets import CustomBusinessHour

    from alignkit.channels import ChannelStrategy, Message

    strategy = ChannelStrategy.default()
    channels = {c.name: c for c in strategy.channels}
    calendars = alignkit_calendars()
    messages = Message.read_csv(path)
    ours = np.full((3, len(messages)), MISSING, dtype="int64")
    for index, message in enumerate(messages):
        channel = channels.get(message.channel)
        if channel is None:
            continue
        calendar = calendars[message.receiver_function]
        due = channel.due(message.sent_at, calendar)
        if due is not None:
            ours[0, index] = epoch_us(due)
        if channel.hard_limit is not None:
            ours[1, index] = epoch_us(channel.hard_due(message.sent_at, calendar))
        responded = message.first_response_at
        if responded is not None:
            taken = (
                calendar.between(message.sent_at, responded)
                if channel.clock == "business"
                else responded - message.sent_at
            )
            ours[2, index] = taken // US
    columns = pandas_read(path)
    theirs = pandas_sla(columns, offsets=False)
    found: dict[str, Any] = {"messages": len(messages)}
    for row, name in enumerate(("due", "hard", "taken")):
        differ = ours[row] != theirs[name]
        found[f"{name}_differ"] = int(differ.sum())
        found[f"{name}_compared"] = int((ours[row] != MISSING).sum())
        found[f"{name}_examples"] = [
            [str(columns["id"][i]), int(ours[row][i]), int(theirs[name][i])]
            for i in np.flatnonzero(differ)[:5]
        ]
    # pandas' offsets on a sample of business-day messages, both ways of writing them.
    rng = np.random.default_rng(SEED)
    business = np.flatnonzero(np.isin(columns["channel"].to_numpy(), list(BUSINESS_DAYS)))
    sample = np.sort(rng.choice(business, min(CHECK_SAMPLE, len(business)), replace=False))
    found["sampled"] = len(sample)
    kinds = {"offsets": 0, "naive": 0}
    reasons: dict[str, dict[str, int]] = {"offsets": {}, "naive": {}}
    verdicts = 0
    examples: list[list[str]] = []
    for zone in sorted(set(ZONES.values())):
        receivers = columns["receiver_function"].to_numpy()[sample]
        rows = sample[np.array([ZONES[f] == zone for f in receivers], dtype=bool)]
        if not len(rows):
            continue
        wall = to_wall(columns["sent"][rows], zone)
        expected = ours[0, rows]
        offsets_due = from_wall(due_wall_offsets(wall, 1), zone)
        times = pd.Series(wall.astype("datetime64[us]"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pd.errors.PerformanceWarning)
            naive = times + CustomBusinessHour(8, start="09:00", end="17:00", weekmask=WEEKMASK)
        naive_due = from_wall(np.asarray(naive, dtype="datetime64[us]").view("int64"), zone)
        until = np.where(
            columns["first"][rows] != MISSING,
            columns["first"][rows],
            epoch_us(dt.datetime.fromisoformat(AT)),
        )
        for name, got in (("offsets", offsets_due), ("naive", naive_due)):
            differ = got != expected
            kinds[name] += int(differ.sum())
            for i in np.flatnonzero(differ):
                why = when_sent(int(wall[i]))
                reasons[name][why] = reasons[name].get(why, 0) + 1
                if name == "naive" and len(examples) < 6 and why not in {e[0] for e in examples}:
                    shown = [to_wall(x[i : i + 1], zone)[0] for x in (got, expected)]
                    examples.append([why, *(local_text(x) for x in (wall[i], *shown))])
            if name == "naive":
                verdicts += int(((until > got) != (until > expected)).sum())
    found["offsets_due_differ"] = kinds["offsets"]
    found["offsets_reasons"] = reasons["offsets"]
    found["naive_due_differ"] = kinds["naive"]
    found["naive_reasons"] = reasons["naive"]
    found["naive_verdicts_differ"] = verdicts
    found["naive_examples"] = examples
    out.write_text(json.dumps(found), encoding="utf-8")


def when_sent(wall: int) -> str:
    """When a message was sent on the receiver's wall clock, as the differences are grouped."""
    day = dt.date(1970, 1, 1) + dt.timedelta(days=wall // DAY_US)
    clock = wall % DAY_US
    if day.weekday() >= 5:
        return "on a weekend"
    if clock < OPENS_US:
        return "before 09:00"
    if clock == CLOSES_US:
        return "at 17:00:00"
    if clock > CLOSES_US:
        return "after 17:00"
    return "in open hours"


def local_text(wall: int) -> str:
    moment = dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=int(wall))  # noqa: DTZ001 - a wall time
    return moment.strftime("%a %H:%M:%S")


# -- add per call ------------------------------------------------------------------------------


def add_inputs(count: int) -> list[tuple[dt.datetime, str, int, int]]:
    """``(start, calendar zone, hours, business days)``: starts as the log's, in either zone."""
    log = Log(SEED + 1)
    rng = log.rng
    found = []
    for _ in range(count):
        start = log.sent_at(log.zones[rng.choice(log.functions)])
        found.append((start, rng.choice((NEW_YORK, LONDON)), rng.randint(1, 16), rng.randint(1, 3)))
    return found


def timed_passes(call: Callable[[], None]) -> float:
    """The median of ``INNER`` timed passes, after one untimed."""
    call()
    samples = []
    for _ in range(INNER):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def child_alignkit_add(count: int, out: Path) -> None:
    """``BusinessCalendar.add`` and ``add_business_days`` per call; the first call, cold."""
    from alignkit.channels import BusinessCalendar

    inputs = add_inputs(count)
    cold_build, cold_first = [], []
    for k in range(COLD):  # a holiday of its own: a calendar no other equals
        holiday = dt.date(2999, 1, 1) + dt.timedelta(days=k)
        start, zone, hours, _ = inputs[k]
        began = time.perf_counter()
        calendar = BusinessCalendar(zone, holidays=[holiday])
        built = time.perf_counter()
        calendar.add(start, dt.timedelta(hours=hours))
        cold_first.append(time.perf_counter() - built)
        cold_build.append(built - began)
    calendars = {zone: BusinessCalendar(zone) for zone in (NEW_YORK, LONDON)}
    adds = [
        (calendars[zone].add, start, dt.timedelta(hours=hours)) for start, zone, hours, _ in inputs
    ]
    days = [(calendars[zone].add_business_days, start, n) for start, zone, _, n in inputs]

    def add_all() -> None:
        for add, start, duration in adds:
            add(start, duration)

    def days_all() -> None:
        for add_days, start, n in days:
            add_days(start, n)

    found = {
        "add_s": timed_passes(add_all),
        "days_s": timed_passes(days_all),
        "cold_build_s": statistics.median(cold_build),
        "cold_first_s": statistics.median(cold_first),
        "add_results": [epoch_us(add(start, duration)) for add, start, duration in adds],
        "days_results": [epoch_us(add_days(start, n)) for add_days, start, n in days],
    }
    out.write_text(json.dumps(found), encoding="utf-8")


def child_pandas_add(count: int, out: Path) -> None:
    """``start + CustomBusinessHour(h)`` per call, and business days with offsets."""
    import pandas as pd
    from pandas.tseries.offsets import CustomBusinessDay, CustomBusinessHour

    inputs = add_inputs(count)
    hours = {h: CustomBusinessHour(h, start="09:00", end="17:00") for h in range(1, 17)}
    day_offsets = {n: CustomBusinessDay(n) for n in range(1, 4)}
    roll = CustomBusinessHour(0, start="09:00", end="17:00")
    adds = [(pd.Timestamp(start).tz_convert(zone), hours[h]) for start, zone, h, _ in inputs]
    walls = [
        (pd.Timestamp(start).tz_convert(zone).tz_localize(None), zone, day_offsets[n])
        for start, zone, _, n in inputs
    ]

    def add_all() -> None:
        for start, offset in adds:
            start + offset

    def business_days(wall: pd.Timestamp, zone: str, offset: CustomBusinessDay) -> pd.Timestamp:
        midnight = wall.normalize()
        return ((midnight + offset) + (wall - midnight) + roll).tz_localize(zone)

    def days_all() -> None:
        for wall, zone, offset in walls:
            business_days(wall, zone, offset)

    found = {
        "add_s": timed_passes(add_all),
        "days_s": timed_passes(days_all),
        "add_results": [(start + offset).value // 1000 for start, offset in adds],
        "days_results": [business_days(*job).value // 1000 for job in walls],
    }
    out.write_text(json.dumps(found), encoding="utf-8")


def add_differences(
    ours: list[int], theirs: list[int], inputs: list[tuple[dt.datetime, str, int, int]]
) -> dict[str, Any]:
    """How many ``add`` results differ, and whether each is pandas' end-of-day rule."""
    differ = end_of_day = 0
    examples = []
    for mine, other, (start, zone, hours, _) in zip(ours, theirs, inputs, strict=True):
        if mine == other:
            continue
        differ += 1
        local = (EPOCH + mine * US).astimezone(ZoneInfo(zone))
        pandas_local = (EPOCH + other * US).astimezone(ZoneInfo(zone))
        # alignkit ends at 17:00 when the sum runs exactly to it; pandas gives the next opening.
        if local.time() == dt.time(17) and pandas_local.time() == dt.time(9):
            end_of_day += 1
        elif len(examples) < 5:
            examples.append(
                f"{start.astimezone(ZoneInfo(zone)).isoformat()} + {hours} h: alignkit "
                f"{local.isoformat()}, pandas {pandas_local.isoformat()}"
            )
    return {"differ": differ, "end_of_day_rule": end_of_day, "other_examples": examples}


# -- the run -----------------------------------------------------------------------------------


def run_child(command: list[str], env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Run a child to completion; its figures come back through the JSON file it writes."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    try:
        done = subprocess.run(
            [*command, "--out", str(out)],
            env=None if env is None else {**os.environ, **env},
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
        found: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return found
    finally:
        out.unlink(missing_ok=True)


def compare(ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    """Every difference between two summaries, as lines (empty: the reports agree)."""
    lines = []
    for part in ("by_channel", "by_pair", "focus", "unknown_channels"):
        for key in sorted(set(ours[part]) | set(theirs[part])):
            mine, other = ours[part].get(key), theirs[part].get(key)
            if mine != other:
                lines.append(f"{part} {key}: alignkit {mine}, pandas {other}")
    for part in ("breaches", "misuse"):
        mine_set = {json.dumps(x) for x in ours[part]}
        other_set = {json.dumps(x) for x in theirs[part]}
        if mine_set != other_set:
            only_ours, only_theirs = sorted(mine_set - other_set), sorted(other_set - mine_set)
            lines.append(
                f"{part}: {len(only_ours)} only in alignkit (first {only_ours[:3]}), "
                f"{len(only_theirs)} only in pandas (first {only_theirs[:3]})"
            )
    if ours["breach_order"] != theirs["breach_order"]:
        lines.append("breaches: same breaches, in another order")
    return lines


CONTENDERS = ("alignkit", "alignkit messages", "pandas numpy", "pandas offsets")
"""The report's contenders, in the order of the even runs (odd runs reverse it)."""


def report_command(name: str, log: Path, pandas_python: str, summary: Path | None) -> list[str]:
    python = sys.executable if name.startswith("alignkit") else pandas_python
    child = {
        "alignkit": "alignkit",
        "alignkit messages": "alignkit-messages",
        "pandas numpy": "pandas",
        "pandas offsets": "offsets",
    }[name]
    command = [python, __file__, "--child", child, "--log", str(log)]
    return command if summary is None else [*command, "--summary", str(summary)]


def measure(args: argparse.Namespace) -> dict[str, Any]:
    samples: dict[str, dict[str, list[float]]] = {
        name: {"read_s": [], "report_s": [], "total_s": [], "rss_start_mb": [], "rss_peak_mb": []}
        for name in CONTENDERS
    }
    adds: dict[str, dict[str, list[float]]] = {
        "alignkit": {"add_s": [], "days_s": [], "cold_build_s": [], "cold_first_s": []},
        "pandas": {"add_s": [], "days_s": []},
    }
    results: dict[str, dict[str, Any]] = {}
    figures: dict[str, Any] = {"size": args.size, "runs": args.runs, "calls": args.calls}
    figures["machine_before"] = machine()
    # A child's ru_maxrss starts at this process's peak (the child is forked, or vforked,
    # from it): this process generates nothing and loads the reports only after the runs.
    with tempfile.TemporaryDirectory(prefix="bench-channels-") as folder:
        summary_of = {name: Path(folder) / f"{name.replace(' ', '-')}.json" for name in CONTENDERS}
        log = Path(folder) / "messages.csv"
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                "generate",
                "--log",
                str(log),
                "--size",
                str(args.size),
            ],
            check=True,
        )
        figures["generate_s"] = time.perf_counter() - start
        figures["file_mb"] = log.stat().st_size / 1e6
        print(
            f"{args.size:,} messages, {figures['file_mb']:.0f} MB of CSV "
            f"(written in {figures['generate_s']:.1f} s); {args.runs} runs, alternating"
        )
        for run in range(args.runs):
            order = CONTENDERS if run % 2 == 0 else CONTENDERS[::-1]
            for name in order:
                summary = summary_of[name] if run == 0 else None
                found = run_child(report_command(name, log, args.pandas_python, summary))
                for key, value in found.items():
                    if key.endswith(("_s", "_mb")):
                        samples[name].setdefault(key, []).append(value)
            add_order = ("alignkit", "pandas") if run % 2 == 0 else ("pandas", "alignkit")
            for name in add_order:
                python = sys.executable if name == "alignkit" else args.pandas_python
                child = "alignkit-add" if name == "alignkit" else "pandas-add"
                found = run_child([python, __file__, "--child", child, "--calls", str(args.calls)])
                for key, values in adds[name].items():
                    values.append(found[key])
                results[name] = found
            line = ", ".join(
                f"{name} {samples[name]['total_s'][-1]:.2f} s "
                f"(read {samples[name]['read_s'][-1]:.2f})"
                for name in CONTENDERS
            )
            print(f"run {run + 1}: {line}", flush=True)
        check = run_child(
            [args.pandas_python, __file__, "--child", "check", "--log", str(log)],
            env={"PYTHONPATH": str(SRC)},
        )
        summaries = {
            name: json.loads(path.read_text(encoding="utf-8")) for name, path in summary_of.items()
        }
    figures["report"] = {
        name: {key: median_range(values) for key, values in found.items()} | {"samples": found}
        for name, found in samples.items()
    }
    figures["report_ratios"] = {
        f"alignkit_over_{name.replace(' ', '_')}": {
            key: ratio(samples["alignkit"][key], samples[name][key])
            for key in ("read_s", "report_s", "total_s")
        }
        for name in CONTENDERS[1:]
    }
    with_breaches = [
        total + breaches
        for total, breaches in zip(
            samples["alignkit"]["total_s"], samples["alignkit"]["breaches_s"], strict=True
        )
    ]
    figures["with_breaches_ratio"] = ratio(with_breaches, samples["pandas numpy"]["total_s"])
    figures["differences"] = {
        name: compare(summaries["alignkit"], summaries[name]) for name in CONTENDERS[1:]
    }
    figures["report_counts"] = {
        "by_channel": summaries["alignkit"]["by_channel"],
        "breaches": len(summaries["alignkit"]["breaches"]),
        "hard_breaches": sum(1 for b in summaries["alignkit"]["breaches"] if b[2]),
        "misuse": len(summaries["alignkit"]["misuse"]),
        "pairs": len(summaries["alignkit"]["by_pair"]),
        "receivers": len(summaries["alignkit"]["focus"]),
    }
    calls = args.calls
    figures["add"] = {
        name: {key: median_range(values) for key, values in found.items()}
        | {"calls_per_s": median_range([calls / s for s in found["add_s"]])}
        | {"days_calls_per_s": median_range([calls / s for s in found["days_s"]])}
        for name, found in adds.items()
    }
    figures["add_speedup"] = ratio(adds["pandas"]["add_s"], adds["alignkit"]["add_s"])
    figures["days_speedup"] = ratio(adds["pandas"]["days_s"], adds["alignkit"]["days_s"])
    inputs = add_inputs(calls)
    figures["add_check"] = add_differences(
        results["alignkit"]["add_results"], results["pandas"]["add_results"], inputs
    )
    figures["days_check"] = {
        "differ": sum(
            a != b
            for a, b in zip(
                results["alignkit"]["days_results"], results["pandas"]["days_results"], strict=True
            )
        )
    }
    figures["check"] = check
    return figures


def spread(figure: Mapping[str, float], spec: str, unit: str = "") -> str:
    """A median and its range: ``median (min-max)``."""
    low, high = f"{figure['min']:{spec}}", f"{figure['max']:{spec}}"
    return f"{figure['median']:{spec}}{unit} ({low}-{high})"


def show(figures: dict[str, Any]) -> bool:
    """Print the figures; whether the reports and the per-message figures agree."""
    print()
    print("each figure: median (min-max) over the runs; each ratio: run by run")
    print(f"{'':<15} {'read s':<19} {'report s':<19} {'read+report s':<19} peak RSS MB (start)")
    for name, found in figures["report"].items():
        cells = [spread(found[key], ".2f") for key in ("read_s", "report_s", "total_s")]
        print(
            f"{name:<15} {cells[0]:<19} {cells[1]:<19} {cells[2]:<19} "
            f"{spread(found['rss_peak_mb'], '.0f')} ({found['rss_start_mb']['median']:.0f})"
        )
    for key, found in figures["report_ratios"].items():
        cells = [spread(found[part], ".2f", "x") for part in ("read_s", "report_s", "total_s")]
        print(
            f"{key.replace('_', ' ')}: read {cells[0]}, report {cells[1]}, "
            f"read+report {cells[2]}  target <= {REPORT_TARGET:g}x"
        )
    built = figures["report"]["alignkit"]["breaches_s"]
    print(
        f"alignkit: reading every Breach of the report afterwards (built when first read) "
        f"{spread(built, '.2f')} s; read+report+breaches over pandas numpy "
        f"{spread(figures['with_breaches_ratio'], '.2f', 'x')}"
    )
    counts = figures["report_counts"]
    print(
        f"report: {counts['breaches']:,} breaches ({counts['hard_breaches']:,} past the hard "
        f"limit), {counts['misuse']:,} chat misuse, {counts['pairs']} pairs, "
        f"{counts['receivers']} receivers"
    )
    agree = True
    for name, lines in figures["differences"].items():
        print(f"alignkit against {name}: {'the reports agree' if not lines else 'DIFFERENT'}")
        for line in lines[:20]:
            print(f"  {line}")
        agree = agree and not lines
    check = figures["check"]
    for name, label in (("due", "due times"), ("hard", "hard limits"), ("taken", "response times")):
        examples = check[f"{name}_examples"]
        print(
            f"per message, {label}: {check[f'{name}_differ']:,} of {check[f'{name}_compared']:,} "
            f"differ from pandas numpy{f' (first: {examples})' if examples else ''}"
        )
        agree = agree and not check[f"{name}_differ"]
    print(f"pandas offsets on {check['sampled']:,} sampled business-day messages (1 business day):")
    print(
        f"  CustomBusinessDay(1) then CustomBusinessHour(0): {check['offsets_due_differ']:,} "
        f"due times differ from alignkit's{' ' if check['offsets_reasons'] else ''}"
        f"{check['offsets_reasons'] or ''}"
    )
    print(
        f"  naive wall + CustomBusinessHour(8): {check['naive_due_differ']:,} differ "
        f"{check['naive_reasons'] or ''}; {check['naive_verdicts_differ']:,} of them change "
        "the verdict (in time or late)"
    )
    for why, sent, pandas_due, alignkit_due in check["naive_examples"]:
        print(f"    sent {why}: {sent} -> naive pandas {pandas_due}, alignkit {alignkit_due}")
    add = figures["add"]
    print(
        f"add per call: alignkit {spread(add['alignkit']['calls_per_s'], ',.0f')} calls/s, "
        f"pandas CustomBusinessHour {spread(add['pandas']['calls_per_s'], ',.0f')} calls/s; "
        f"alignkit {spread(figures['add_speedup'], '.1f', 'x')} as many  target >= {ADD_TARGET:g}x"
    )
    print(
        f"add_business_days: alignkit {spread(add['alignkit']['days_calls_per_s'], ',.0f')} "
        f"calls/s, pandas offsets {spread(add['pandas']['days_calls_per_s'], ',.0f')} calls/s; "
        f"alignkit {spread(figures['days_speedup'], '.1f', 'x')} as many"
    )
    cold = add["alignkit"]
    first = {key: value * 1e6 for key, value in cold["cold_first_s"].items()}
    print(
        f"add on a fresh calendar: first call {spread(first, '.0f')} us, building the calendar "
        f"{cold['cold_build_s']['median'] * 1e6:.0f} us; warm "
        f"{1e6 / cold['calls_per_s']['median']:.1f} us a call"
    )
    add_check = figures["add_check"]
    print(
        f"add results: {add_check['differ']:,} of {figures['calls']:,} differ from pandas, "
        f"{add_check['end_of_day_rule']:,} of them by pandas' end-of-day rule (a sum that ends "
        f"at 17:00: alignkit 17:00, pandas 09:00 on the next open day); others: "
        f"{add_check['other_examples'] or 'none'}"
    )
    print(f"add_business_days results: {figures['days_check']['differ']:,} differ from pandas")
    return agree


def main() -> None:
    """Run the benchmark (or, with ``--child``, one of its children)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--size", type=positive_int, default=FULL, help=f"messages in the log (default {FULL:,})"
    )
    parser.add_argument(
        "--runs",
        type=positive_int,
        default=RUNS,
        help=f"timed runs of each contender (default {RUNS})",
    )
    parser.add_argument(
        "--calls", type=positive_int, default=CALLS, help=f"add calls timed (default {CALLS:,})"
    )
    parser.add_argument(
        "--pandas-python",
        default=PANDAS_PYTHON,
        help=f"the Python of an environment with pandas (default {PANDAS_PYTHON})",
    )
    parser.add_argument(
        "--json-out",
        metavar="PATH",
        help="also write the figures and ratios as JSON to PATH, to compare with a later run",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--log", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--summary", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    children: dict[str, Callable[[], None]] = {
        "generate": lambda: generate(args.log, args.size),
        "alignkit": lambda: child_alignkit(args.log, args.out, summary=args.summary, columns=True),
        "alignkit-messages": lambda: child_alignkit(
            args.log, args.out, summary=args.summary, columns=False
        ),
        "pandas": lambda: child_pandas(args.log, args.out, offsets=False, summary=args.summary),
        "offsets": lambda: child_pandas(args.log, args.out, offsets=True, summary=args.summary),
        "check": lambda: child_check(args.log, args.out),
        "alignkit-add": lambda: child_alignkit_add(args.calls, args.out),
        "pandas-add": lambda: child_pandas_add(args.calls, args.out),
    }
    if args.child is not None:
        children[args.child]()
        return
    if not Path(args.pandas_python).exists():
        sys.exit(f"no pandas environment at {args.pandas_python}: see the docstring to make one")
    print(machine_line())
    figures = measure(args)
    agree = show(figures)
    figures["machine_after"] = machine()
    print(machine_line())
    write_json(args.json_out, figures)
    if not agree:
        sys.exit(1)


if __name__ == "__main__":
    main()
