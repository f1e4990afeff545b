"""alignkit.channels._calendar: business hours, exact across DST and holidays."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import pickle
import subprocess
import sys
from typing import NamedTuple
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alignkit.channels import _calendar
from alignkit.channels._calendar import BusinessCalendar, BusinessDays
from alignkit.errors import SpecError

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)
MICROSECOND = dt.timedelta(microseconds=1)


def ny(*args: int, fold: int = 0) -> dt.datetime:
    """A wall time in New York."""
    return dt.datetime(*args, tzinfo=NEW_YORK, fold=fold)  # type: ignore[misc]


def utc(at: dt.datetime) -> dt.datetime:
    """``at`` in UTC: aware datetimes that share a zone compare as wall times, fold ignored."""
    return at.astimezone(dt.UTC)


def paths(error: SpecError) -> list[tuple[str | int, ...]]:
    return [problem.location.path for problem in error.problems]


# --- a calendar as the tests know it, built and checked without the library -------

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FULL_NAMES = ("Monday", "TUESDAY", "wednesday", "Thursday", "friday", "Saturday", "SUNDAY")
ZONES = ("America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata", "UTC")
# Where starts may be given: the calendars' zones and others, including fixed offsets.
START_ZONES: tuple[dt.tzinfo, ...] = (
    *(ZoneInfo(name) for name in ZONES),
    ZoneInfo("Asia/Tokyo"),
    ZoneInfo("America/Los_Angeles"),
    ZoneInfo("Pacific/Chatham"),
    dt.UTC,
    dt.timezone(dt.timedelta(hours=-3, minutes=-30)),
)
# 2026's changes of the clocks: New York, London and Lord Howe (30 minutes).
CHANGES = (
    dt.date(2026, 3, 8),
    dt.date(2026, 11, 1),
    dt.date(2026, 3, 29),
    dt.date(2026, 10, 25),
    dt.date(2026, 4, 5),
    dt.date(2026, 10, 4),
)


class Spec(NamedTuple):
    """A calendar: zone, windows per weekday in minutes (Monday first), holidays."""

    tz: str
    week: tuple[tuple[tuple[int, int], ...], ...]
    holidays: frozenset[dt.date]


def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def wall_instant(day: dt.date, minutes: int, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant of a wall time on a day (fold=0), 1440 meaning the next midnight."""
    day += dt.timedelta(days=minutes // 1440)
    minutes %= 1440
    local = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=zone)
    return local.astimezone(dt.UTC)


def reference_is_open(spec: Spec, at: dt.datetime) -> bool:
    """Brute force: does a window of the local day before, of, or after ``at`` hold it?"""
    zone = ZoneInfo(spec.tz)
    local_day = at.astimezone(zone).date()
    for offset in (-1, 0, 1):
        day = local_day + dt.timedelta(days=offset)
        if day in spec.holidays:
            continue
        for start, end in spec.week[day.weekday()]:
            if wall_instant(day, start, zone) <= at < wall_instant(day, end, zone):
                return True
    return False


def reference_between(spec: Spec, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
    """Open time in [a, b) by stepping minute by minute (a and b on whole UTC minutes)."""
    open_minutes = 0
    at = a
    while at < b:
        open_minutes += reference_is_open(spec, at)
        at += MINUTE
    return open_minutes * MINUTE


boundaries = st.one_of(
    st.integers(0, 1440),
    # The changes of the clocks happen at 01:00, 02:00 (New York, Lord Howe) and 02:30.
    st.sampled_from([0, 30, 60, 90, 120, 135, 150, 180, 540, 720, 780, 1020, 1439, 1440]),
)


@st.composite
def day_windows(draw: st.DrawFn) -> tuple[tuple[int, int], ...]:
    kind = draw(st.sampled_from(["closed", "nine-to-five", "lunch", "all day", "night", "random"]))
    if kind == "closed":
        return ()
    if kind == "nine-to-five":
        return ((540, 1020),)
    if kind == "lunch":
        return ((540, 720), (780, 1020))
    if kind == "all day":
        return ((0, 1440),)
    if kind == "night":
        return ((0, 240),)
    points = sorted(set(draw(st.lists(boundaries, min_size=2, max_size=6))))
    # Consecutive points: windows never overlap, and may touch (09:00-12:00, 12:00-17:00).
    pairs = [(points[i], points[i + 1]) for i in range(len(points) - 1)]
    chosen = tuple(pair for pair in pairs if draw(st.booleans()))
    return chosen or pairs[:1]


@st.composite
def specs(draw: st.DrawFn) -> Spec:
    week = [draw(day_windows()) for _ in range(7)]
    if not any(week):
        week[draw(st.integers(0, 6))] = ((540, 1020),)
    holidays = draw(
        st.frozensets(st.dates(dt.date(2026, 2, 20), dt.date(2026, 11, 20)), max_size=10)
    )
    return Spec(draw(st.sampled_from(ZONES)), tuple(week), holidays)


@st.composite
def built(draw: st.DrawFn, spec: Spec) -> BusinessCalendar:
    """``spec`` as a BusinessCalendar, written in any of the accepted ways."""
    hours: dict[str | int, object] = {}
    for day, windows in enumerate(spec.week):
        key = draw(st.sampled_from([day, DAY_NAMES[day], FULL_NAMES[day]]))
        written: list[object] = []
        for start, end in windows:
            style = draw(st.sampled_from(["text", "pair", "times"]))
            if style == "times" and end < 1440:
                written.append((dt.time(start // 60, start % 60), dt.time(end // 60, end % 60)))
            elif style == "pair":
                written.append((clock(start), clock(end)))
            else:
                written.append(f"{clock(start)}-{clock(end)}")
        if len(written) == 1 and draw(st.booleans()) and isinstance(written[0], str):
            hours[key] = written[0]
        else:
            hours[key] = written
    holidays: list[dt.date | str] = [
        day if draw(st.booleans()) else day.isoformat() for day in sorted(spec.holidays)
    ]
    return BusinessCalendar(spec.tz, hours, holidays)


@st.composite
def calendars(draw: st.DrawFn) -> tuple[Spec, BusinessCalendar]:
    spec = draw(specs())
    return spec, draw(built(spec))


@st.composite
def instants(draw: st.DrawFn) -> dt.datetime:
    """Aware times near 2026's changes of the clocks, in the calendars' zones and others."""
    day = draw(st.sampled_from(CHANGES)) + dt.timedelta(days=draw(st.integers(-5, 5)))
    minute = draw(st.one_of(st.integers(0, 1439), st.sampled_from([59, 60, 90, 120, 150, 540])))
    second = draw(st.sampled_from([0, 0, 0, 1, 30, 59]))
    micro = draw(st.sampled_from([0, 0, 0, 1, 999_999]))
    local = dt.datetime.combine(day, dt.time(minute // 60, minute % 60, second, micro))
    zone = draw(st.sampled_from(START_ZONES))
    return local.replace(tzinfo=zone, fold=draw(st.integers(0, 1)))


durations = st.one_of(
    st.integers(0, 6 * 24 * 60).map(lambda minutes: minutes * MINUTE),
    st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=30)),
    st.just(dt.timedelta(0)),
)


def on_minute(at: dt.datetime) -> dt.datetime:
    """``at`` in UTC, down to the whole minute."""
    return at.astimezone(dt.UTC).replace(second=0, microsecond=0)


# --- properties ---------------------------------------------------------------------


class TestProperties:
    @given(calendars(), instants(), durations)
    @settings(deadline=None)
    def test_between_a_and_its_sum_is_the_duration(self, case, start, duration):
        """between(a, add(a, d)) == d."""
        _, cal = case
        assert cal.between(start, cal.add(start, duration)) == duration

    @given(calendars(), instants(), durations)
    @settings(deadline=None)
    def test_add_is_the_earliest_such_instant(self, case, start, duration):
        """A microsecond before the sum, less than the duration has passed."""
        _, cal = case
        due = cal.add(start, duration)
        if duration:
            assert cal.between(start, utc(due) - MICROSECOND) < duration
        else:
            assert utc(due) == utc(start)

    @given(calendars(), instants(), durations, durations)
    @settings(deadline=None)
    def test_adding_in_two_parts_is_adding_at_once(self, case, start, first, second):
        """add(add(a, d1), d2) == add(a, d1 + d2)."""
        _, cal = case
        assert utc(cal.add(cal.add(start, first), second)) == utc(cal.add(start, first + second))

    @given(calendars(), instants(), durations, durations)
    @settings(deadline=None)
    def test_add_is_monotone_in_the_duration(self, case, start, first, second):
        """A longer duration is never due earlier."""
        _, cal = case
        short, long = sorted((first, second))
        assert utc(cal.add(start, short)) <= utc(cal.add(start, long))

    @given(calendars(), instants(), instants(), durations)
    @settings(deadline=None)
    def test_add_is_monotone_in_the_start(self, case, first, second, duration):
        """A later start is never due earlier."""
        _, cal = case
        early, late = sorted((first, second), key=utc)
        assert utc(cal.add(early, duration)) <= utc(cal.add(late, duration))

    @given(calendars(), instants(), durations)
    @settings(deadline=None)
    def test_add_lands_at_or_after_start_in_the_calendars_zone(self, case, start, duration):
        """The sum is not before the start, and is in the calendar's zone."""
        spec, cal = case
        due = cal.add(start, duration)
        assert utc(due) >= utc(start)
        assert due.tzinfo is ZoneInfo(spec.tz)

    @given(calendars(), instants(), st.integers(0, 10))
    @settings(deadline=None)
    def test_business_days_land_on_an_open_moment_of_an_open_day(self, case, start, days):
        """add_business_days never lands on a closed day, a holiday, or before the start."""
        spec, cal = case
        due = cal.add_business_days(start, days)
        local_day = due.astimezone(ZoneInfo(spec.tz)).date()
        assert utc(due) >= utc(start)
        assert cal.is_open(due)
        assert local_day not in spec.holidays
        assert spec.week[local_day.weekday()]
        assert list(cal.open_days(local_day, local_day)) == [local_day]

    @given(calendars(), instants(), st.integers(1, 10))
    @settings(deadline=None)
    def test_business_days_keep_the_wall_time_on_the_nth_open_day(self, case, start, days):
        """n business days: the start's wall time on the n-th following open day, or next open."""
        spec, cal = case
        zone = ZoneInfo(spec.tz)
        # Through UTC: astimezone to a datetime's own zone keeps even a wall time that
        # does not exist (02:30 on a spring-forward night) instead of the real local time.
        local = utc(start).astimezone(zone)
        after = local.date() + dt.timedelta(days=1)
        open_days = list(cal.open_days(after, after + dt.timedelta(days=7 * days + 60)))
        target = dt.datetime.combine(open_days[days - 1], local.time().replace(fold=0), zone)
        expected = target if cal.is_open(target) else cal.next_open(target)
        assert utc(cal.add_business_days(start, days)) == utc(expected)

    @given(calendars(), instants(), instants(), instants())
    @settings(deadline=None)
    def test_between_is_additive(self, case, x, y, z):
        """between(a, b) + between(b, c) == between(a, c) for a <= b <= c."""
        _, cal = case
        a, b, c = sorted((x, y, z), key=utc)
        assert cal.between(a, b) + cal.between(b, c) == cal.between(a, c)

    @given(calendars(), instants(), instants())
    @settings(deadline=None)
    def test_between_backwards_is_negative(self, case, a, b):
        """between(b, a) == -between(a, b), and never more than the time that passes."""
        _, cal = case
        assert cal.between(b, a) == -cal.between(a, b)
        first, last = sorted((a, b), key=utc)
        assert dt.timedelta(0) <= cal.between(first, last) <= utc(last) - utc(first)

    @given(calendars(), instants())
    @settings(deadline=None)
    def test_is_open_agrees_with_a_microsecond_of_open_time(self, case, at):
        """is_open(x) == (between(x, x + 1 microsecond) > 0)."""
        _, cal = case
        # A real microsecond later: adding to a ZoneInfo time moves its wall clock, which
        # on a wall time the clocks skip lands an hour away.
        later = at.astimezone(dt.UTC) + MICROSECOND
        assert cal.is_open(at) == (cal.between(at, later) > dt.timedelta(0))

    @given(calendars(), instants())
    @settings(deadline=None)
    def test_is_open_agrees_with_brute_force(self, case, at):
        """is_open matches a direct check of the windows of the days around it."""
        spec, cal = case
        assert cal.is_open(at) == reference_is_open(spec, at)

    @given(calendars(), instants(), st.integers(0, 3 * 1440))
    @settings(deadline=None, max_examples=60)
    def test_between_agrees_with_stepping_minute_by_minute(self, case, start, minutes):
        """between matches counting open minutes one by one over up to three days."""
        spec, cal = case
        a = on_minute(start)
        b = a + minutes * MINUTE
        assert cal.between(a, b) == reference_between(spec, a, b)

    @given(calendars(), instants())
    @settings(deadline=None)
    def test_next_open_is_the_first_open_moment(self, case, at):
        """next_open is open, not before ``at``, with no open time between them."""
        _, cal = case
        found = cal.next_open(at)
        assert utc(found) >= utc(at)
        assert cal.is_open(found)
        assert cal.between(at, found) == dt.timedelta(0)
        assert (utc(found) == utc(at)) == cal.is_open(at)

    @given(calendars(), instants(), st.integers(0, 4 * 24 * 60))
    @settings(deadline=None)
    def test_windows_cover_exactly_the_open_time(self, case, start, minutes):
        """windows(a, b) are sorted, apart, inside [a, b), and add up to between(a, b)."""
        _, cal = case
        end = utc(start) + minutes * MINUTE
        found = list(cal.windows(start, end))
        assert sum(
            (utc(close) - utc(open_) for open_, close in found), dt.timedelta(0)
        ) == cal.between(start, end)
        for open_, close in found:
            assert utc(start) <= utc(open_) < utc(close) <= end
            assert cal.is_open(open_)
        for (_, close), (open_, _) in itertools.pairwise(found):
            assert utc(close) < utc(open_)
            assert not cal.is_open(close)


# --- examples -----------------------------------------------------------------------


class TestBusinessHours:
    def test_friday_message_with_an_eight_hour_sla_is_due_monday(self):
        """Friday 16:00 plus 8 business hours on Mon-Fri 9-17 is Monday 16:00."""
        cal = BusinessCalendar.default("America/New_York")
        # 1 hour on Friday (16:00-17:00), the other 7 from Monday 09:00.
        assert cal.add(ny(2026, 11, 20, 16), 8 * HOUR) == ny(2026, 11, 23, 16)

    def test_a_sum_that_fills_the_day_ends_at_closing_time(self):
        """A sum that runs exactly to the end of a window is that end, not the next opening."""
        cal = BusinessCalendar.default("America/New_York")
        assert cal.add(ny(2026, 11, 23, 9), 8 * HOUR) == ny(2026, 11, 23, 17)

    def test_adding_nothing_is_the_start_even_when_closed(self):
        """add(start, 0) is start, also on a Sunday night."""
        cal = BusinessCalendar.default("America/New_York")
        sunday = dt.datetime(2026, 11, 23, 3, tzinfo=dt.UTC)
        assert cal.add(sunday, dt.timedelta(0)) == sunday

    def test_results_are_in_the_calendars_zone(self):
        """A start given in UTC comes back in the calendar's zone."""
        cal = BusinessCalendar.default("America/New_York")
        due = cal.add(dt.datetime(2026, 11, 23, 14, tzinfo=dt.UTC), HOUR)
        assert due.tzinfo is NEW_YORK
        assert (due.hour, due.utcoffset()) == (10, dt.timedelta(hours=-5))

    def test_a_full_week_of_hours_from_sunday_ends_on_friday_at_closing_time(self):
        """Sunday plus 40 business hours on Mon-Fri 9-17 is Friday 17:00, not Monday 09:00."""
        cal = BusinessCalendar.default("America/New_York")
        assert cal.add(ny(2026, 11, 22, 12), 40 * HOUR) == ny(2026, 11, 27, 17)
        assert cal.add(ny(2026, 11, 22, 12), 80 * HOUR) == ny(2026, 12, 4, 17)

    def test_a_round_the_clock_week_less_half_an_hour(self):
        """Open all day every day, Monday 00:00 to Sunday 23:30 is 7 days less 30 minutes."""
        cal = BusinessCalendar("UTC", {"mon-sun": "00:00-24:00"})
        monday = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
        sunday_night = dt.datetime(2026, 11, 29, 23, 30, tzinfo=dt.UTC)
        assert cal.between(monday, sunday_night) == dt.timedelta(days=7, minutes=-30)
        assert cal.between(monday - 12 * HOUR, sunday_night) == dt.timedelta(days=7, hours=11.5)
        assert cal.between(monday - HOUR, sunday_night + 2 * HOUR) == dt.timedelta(
            days=7, hours=2, minutes=30
        )

    def test_a_start_before_opening_counts_from_opening(self):
        """A message at 06:00 with a 2-hour target is due at 11:00."""
        cal = BusinessCalendar.default("America/New_York")
        assert cal.add(ny(2026, 11, 23, 6), 2 * HOUR) == ny(2026, 11, 23, 11)

    def test_a_lunch_break_is_not_counted(self):
        """With 09-12 and 13-17, 11:00 plus 2 hours is 14:00, and 12:30 is closed."""
        cal = BusinessCalendar("UTC", {"mon-fri": ["13:00-17:00", "09:00-12:00"]})
        monday = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
        assert cal.add(monday.replace(hour=11), 2 * HOUR) == monday.replace(hour=14)
        assert not cal.is_open(monday.replace(hour=12, minute=30))
        assert cal.between(monday, monday + dt.timedelta(days=1)) == 7 * HOUR
        assert list(cal.windows(monday.replace(hour=10), monday.replace(hour=14))) == [
            (monday.replace(hour=10), monday.replace(hour=12)),
            (monday.replace(hour=13), monday.replace(hour=14)),
        ]

    def test_touching_windows_come_as_one(self):
        """09-12 and 12-17 make one window; a day to 24:00 and the next from 00:00 too."""
        cal = BusinessCalendar("UTC", {"mon": ["09:00-12:00", "12:00-24:00"], "tue": "00:00-10:00"})
        monday = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
        assert list(cal.windows(monday, monday + dt.timedelta(days=7))) == [
            (monday.replace(hour=9), monday + dt.timedelta(days=1, hours=10))
        ]

    def test_between_counts_backwards_as_negative(self):
        """between(b, a) is minus between(a, b)."""
        cal = BusinessCalendar.default("America/New_York")
        a, b = ny(2026, 11, 20, 16), ny(2026, 11, 23, 10)
        assert cal.between(a, b) == 2 * HOUR
        assert cal.between(b, a) == -2 * HOUR

    def test_next_open_skips_the_weekend(self):
        """Saturday's next open moment is Monday 09:00; an open moment is its own."""
        cal = BusinessCalendar.default("America/New_York")
        assert cal.next_open(ny(2026, 11, 21, 10)) == ny(2026, 11, 23, 9)
        assert cal.next_open(ny(2026, 11, 23, 10, 30)) == ny(2026, 11, 23, 10, 30)

    def test_days_of_a_range_may_wrap_past_sunday(self):
        """'sun-thu' opens Sunday to Thursday and closes Friday and Saturday."""
        cal = BusinessCalendar("Asia/Kolkata", {"sun-thu": "09:00-17:00"})
        week = list(cal.open_days(dt.date(2026, 11, 23), dt.date(2026, 11, 29)))
        assert [day.strftime("%a") for day in week] == ["Mon", "Tue", "Wed", "Thu", "Sun"]

    def test_an_end_of_midnight_is_the_end_of_the_day(self):
        """'22:00-24:00', '22:00-00:00' and (time(22), time(0)) are the same window."""
        spelled = [
            BusinessCalendar("UTC", {"fri": "22:00-24:00"}),
            BusinessCalendar("UTC", {"fri": "22:00-00:00"}),
            BusinessCalendar("UTC", {4: [(dt.time(22), dt.time(0))]}),
        ]
        assert spelled[0] == spelled[1] == spelled[2]
        friday = dt.datetime(2026, 11, 27, tzinfo=dt.UTC)
        assert spelled[0].between(friday, friday + dt.timedelta(days=1)) == 2 * HOUR

    def test_a_calendar_without_open_hours_raises_instead_of_looping(self):
        """add, next_open and add_business_days on a closed calendar are SpecErrors."""
        cal = BusinessCalendar("UTC", {"mon": [], "sat": ""})
        start = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
        for call in (
            lambda: cal.add(start, HOUR),
            lambda: cal.next_open(start),
            lambda: cal.add_business_days(start, 1),
        ):
            with pytest.raises(SpecError, match="no open hours") as caught:
                call()
            assert paths(caught.value) == [("hours",)]
        assert cal.between(start, start + dt.timedelta(days=30)) == dt.timedelta(0)
        assert list(cal.windows(start, start + dt.timedelta(days=30))) == []

    def test_servicenow_one_day_on_a_nine_to_five_schedule_is_three_working_days(self):
        """A 24-hour target on a 9-to-5 schedule is spread over three 8-hour working days.

        ServiceNow's documentation, "SLA duration and schedules" (Service Level
        Management reference), takes a one-day (24-hour) duration with a 9 am to
        5 pm schedule and explains that the 24 hours are spread over three working
        days of 8 hours, so the team has three days before the SLA breaches:
        https://www.servicenow.com/docs/r/australia/it-service-management/service-level-management/c_SLATimingsAndSchedules.html
        """
        cal = BusinessCalendar("UTC", {"mon-fri": "09:00-17:00"})
        monday = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)
        due = cal.add(monday, dt.timedelta(days=1))
        assert due == dt.datetime(2026, 11, 4, 17, tzinfo=dt.UTC)  # Wednesday, closing time
        assert len(list(cal.open_days(monday.date(), due.date()))) == 3


class TestDaylightSaving:
    def test_a_night_window_is_three_hours_when_the_clocks_spring_forward(self):
        """00:00-04:00 on 2026-03-08 in New York lasts 3 real hours."""
        cal = BusinessCalendar("America/New_York", {"sun": "00:00-04:00"})
        assert cal.between(ny(2026, 3, 8), ny(2026, 3, 9)) == 3 * HOUR
        assert utc(cal.add(ny(2026, 3, 8), 3 * HOUR)) == utc(ny(2026, 3, 8, 4))
        assert utc(cal.add(ny(2026, 3, 8), 2 * HOUR)) == utc(ny(2026, 3, 8, 3))

    def test_a_night_window_is_five_hours_when_the_clocks_fall_back(self):
        """00:00-04:00 on 2026-11-01 in New York lasts 5 real hours."""
        cal = BusinessCalendar("America/New_York", {"sun": "00:00-04:00"})
        assert cal.between(ny(2026, 11, 1), ny(2026, 11, 2)) == 5 * HOUR
        # The second 01:30 of the night (fold=1, EST) is 2.5 hours after midnight (EDT).
        due = cal.add(ny(2026, 11, 1), 2.5 * HOUR)
        assert utc(due) == utc(ny(2026, 11, 1, 1, 30, fold=1))
        assert (due.hour, due.minute, due.fold) == (1, 30, 1)

    def test_lord_howe_changes_by_half_an_hour(self):
        """On Lord Howe the same window is 3.5 hours in October and 4.5 hours in April."""
        cal = BusinessCalendar("Australia/Lord_Howe", {"sun": "00:00-04:00"})
        zone = ZoneInfo("Australia/Lord_Howe")
        october = dt.datetime(2026, 10, 4, tzinfo=zone)
        april = dt.datetime(2026, 4, 5, tzinfo=zone)
        assert cal.between(october, october + dt.timedelta(days=1)) == 3.5 * HOUR
        assert cal.between(april, april + dt.timedelta(days=1)) == 4.5 * HOUR

    def test_business_hours_across_the_change_are_real_hours(self):
        """Friday 16:00 EST to Monday 10:00 EDT is 2 business hours, not 1 or 3."""
        cal = BusinessCalendar.default("America/New_York")
        friday, monday = ny(2026, 3, 6, 16), ny(2026, 3, 9, 10)
        assert cal.between(friday, monday) == 2 * HOUR
        assert utc(cal.add(friday, 2 * HOUR)) == utc(monday)

    def test_a_window_that_starts_in_the_gap_starts_as_zoneinfo_says(self):
        """02:30 does not exist on 2026-03-08; with fold=0 it is 03:30 EDT."""
        cal = BusinessCalendar("America/New_York", {"sun": "02:30-05:00"})
        assert utc(cal.next_open(ny(2026, 3, 8))) == utc(ny(2026, 3, 8, 3, 30))
        assert cal.between(ny(2026, 3, 8), ny(2026, 3, 9)) == 1.5 * HOUR

    def test_windows_that_meet_across_the_gap_are_counted_once(self):
        """01:00-02:30 runs to 07:30 UTC (02:30 is EST) and 03:00-04:00 from 07:00: 2 hours."""
        cal = BusinessCalendar("America/New_York", {"sun": ["01:00-02:30", "03:00-04:00"]})
        night = list(cal.windows(ny(2026, 3, 8), ny(2026, 3, 9)))
        assert [(utc(start), utc(end)) for start, end in night] == [
            (dt.datetime(2026, 3, 8, 6, tzinfo=dt.UTC), dt.datetime(2026, 3, 8, 8, tzinfo=dt.UTC))
        ]
        assert cal.between(ny(2026, 3, 8), ny(2026, 3, 9)) == 2 * HOUR

    def test_a_window_that_ends_before_it_starts_after_resolving_is_empty(self):
        """02:30-03:00 on 2026-03-08 runs from 07:30 to 07:00 UTC: empty, so closed."""
        cal = BusinessCalendar("America/New_York", {"sun": "02:30-03:00"})
        assert cal.between(ny(2026, 3, 8), ny(2026, 3, 9)) == dt.timedelta(0)
        assert list(cal.open_days(dt.date(2026, 3, 1), dt.date(2026, 3, 15))) == [
            dt.date(2026, 3, 1),
            dt.date(2026, 3, 15),
        ]


class TestHolidays:
    def test_a_holiday_in_the_middle_is_skipped_by_a_business_day_count(self):
        """Monday 10:00 plus 3 business days with Wednesday off is Friday 10:00."""
        cal = BusinessCalendar.default("America/New_York")
        off = BusinessCalendar("America/New_York", holidays=[dt.date(2026, 11, 25)])
        assert cal.add_business_days(ny(2026, 11, 23, 10), 3) == ny(2026, 11, 26, 10)
        assert off.add_business_days(ny(2026, 11, 23, 10), 3) == ny(2026, 11, 27, 10)

    def test_a_holiday_closes_its_hours(self):
        """No business time passes on a holiday given as text."""
        cal = BusinessCalendar("America/New_York", holidays=["2026-11-25"])
        assert cal.between(ny(2026, 11, 25), ny(2026, 11, 26)) == dt.timedelta(0)
        assert cal.add(ny(2026, 11, 24, 16), 2 * HOUR) == ny(2026, 11, 26, 10)

    def test_friday_plus_a_business_day_is_monday_and_so_is_saturday(self):
        """Friday 10:00 + 1bd and Saturday 10:00 + 1bd are both Monday 10:00."""
        cal = BusinessCalendar.default("America/New_York")
        monday = ny(2026, 11, 30, 10)
        assert cal.add_business_days(ny(2026, 11, 27, 10), 1) == monday
        assert cal.add_business_days(ny(2026, 11, 28, 10), 1) == monday

    def test_a_business_day_after_hours_waits_for_the_next_opening(self):
        """Friday 18:00 + 1bd: Monday 18:00 is closed, so Tuesday 09:00."""
        cal = BusinessCalendar.default("America/New_York")
        assert cal.add_business_days(ny(2026, 11, 27, 18), 1) == ny(2026, 12, 1, 9)

    def test_zero_business_days_is_the_next_open_moment(self):
        """add_business_days(start, 0) is next_open(start)."""
        cal = BusinessCalendar.default("America/New_York")
        assert cal.add_business_days(ny(2026, 11, 28, 10), 0) == ny(2026, 11, 30, 9)

    def test_us_holidays_come_from_the_holidays_package(self):
        """'US' closes Thanksgiving (2026-11-26), a Thursday."""
        cal = BusinessCalendar("America/New_York", holidays="US")
        assert not cal.is_open(ny(2026, 11, 26, 10))
        assert list(cal.open_days(dt.date(2026, 11, 23), dt.date(2026, 11, 27))) == [
            dt.date(2026, 11, 23),
            dt.date(2026, 11, 24),
            dt.date(2026, 11, 25),
            dt.date(2026, 11, 27),
        ]
        assert cal.add(ny(2026, 11, 25, 16), 2 * HOUR) == ny(2026, 11, 27, 10)

    def test_a_subdivision_has_its_own_holidays(self):
        """Epiphany (2026-01-06) is a holiday in Bavaria, not in Germany as a whole."""
        tuesday = dt.datetime(2026, 1, 6, 10, tzinfo=ZoneInfo("Europe/Berlin"))
        assert not BusinessCalendar("Europe/Berlin", holidays="DE-BY").is_open(tuesday)
        assert BusinessCalendar("Europe/Berlin", holidays="DE").is_open(tuesday)

    def test_an_unknown_country_is_a_spec_error_with_a_hint(self):
        """'UX' is not a country: the error names `holidays` and suggests one."""
        cal = BusinessCalendar("UTC", holidays="UX")
        with pytest.raises(SpecError, match="knows no country 'UX'") as caught:
            cal.add(dt.datetime(2026, 11, 23, tzinfo=dt.UTC), HOUR)
        assert paths(caught.value) == [("holidays",)]

    def test_an_unknown_subdivision_is_a_spec_error(self):
        """'US-XX' names no state."""
        cal = BusinessCalendar("UTC", holidays="US-XX")
        with pytest.raises(SpecError, match="knows no subdivision 'XX' of US") as caught:
            cal.is_open(dt.datetime(2026, 11, 23, tzinfo=dt.UTC))
        assert paths(caught.value) == [("holidays",)]

    def test_without_the_package_the_error_says_what_to_install(self, monkeypatch):
        """A country code without the holidays package says pip install 'alignkit[holidays]'."""
        monkeypatch.setitem(sys.modules, "holidays", None)
        cal = BusinessCalendar("Europe/London", holidays="GB-SCT")
        with pytest.raises(SpecError, match=r"pip install 'alignkit\[holidays\]'") as caught:
            cal.add(dt.datetime(2026, 11, 23, tzinfo=dt.UTC), HOUR)
        assert paths(caught.value) == [("holidays",)]

    def test_importing_loads_neither_holidays_nor_pandas(self):
        """The module imports without the optional packages; a country code loads on use."""
        code = (
            "import sys, datetime as dt\n"
            "from alignkit.channels._calendar import BusinessCalendar\n"
            "cal = BusinessCalendar('UTC', holidays='US')\n"
            "print('holidays' in sys.modules, 'pandas' in sys.modules)\n"
            "cal.is_open(dt.datetime(2026, 11, 26, tzinfo=dt.UTC))\n"
            "print('holidays' in sys.modules)\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert result.stdout.split() == ["False", "False", "True"]


class TestBadInput:
    def test_an_unknown_zone_names_the_nearest(self):
        """'America/New York' is a SpecError at tz suggesting 'America/New_York'."""
        with pytest.raises(SpecError, match="did you mean 'America/New_York'") as caught:
            BusinessCalendar("America/New York")
        assert paths(caught.value) == [("tz",)]

    def test_every_problem_of_the_hours_is_reported_at_once(self):
        """Overlaps, bad times, reversed windows, unknown and repeated days: all, at their paths."""
        with pytest.raises(SpecError) as caught:
            BusinessCalendar(
                "UTC",
                {
                    "mon-fri": "09:00-17:00",
                    "mon": ["09:00-12:00", "11:00-13:00"],
                    "sat": ["25:00-26:00", "18:00-08:00"],
                    "funday": "10:00-12:00",
                },
            )
        assert paths(caught.value) == [
            ("hours", "mon", 1),
            ("hours", "mon"),
            ("hours", "sat", 0),
            ("hours", "sat", 0),
            ("hours", "sat", 1),
            ("hours", "funday"),
        ]
        message = str(caught.value)
        assert "overlaps 09:00-12:00" in message
        assert "Monday is given twice, by 'mon-fri' and 'mon'" in message
        assert "'18:00-24:00' on this day and '00:00-08:00' on the next" in message
        assert "did you mean 'sunday'?" in message

    def test_problems_of_all_fields_are_reported_together(self):
        """A bad zone, bad hours and bad holidays make one error with three problems."""
        with pytest.raises(SpecError) as caught:
            BusinessCalendar("Mars/Olympus", {"mon": 9}, ["2026-02-30"])
        assert paths(caught.value) == [("tz",), ("hours", "mon"), ("holidays", 0)]

    @pytest.mark.parametrize(
        ("hours", "path", "match"),
        [
            ({"mon": "09:00"}, ("hours", "mon"), "Expected a window like '09:00-17:00'"),
            ({"mon": "9-17:00"}, ("hours", "mon"), "'9' is not a time"),
            ({"mon": "24:00-24:00"}, ("hours", "mon"), "cannot start at 24:00"),
            ({"mon": "10:00-10:00"}, ("hours", "mon"), "ends before it starts"),
            ({7: "09:00-17:00"}, ("hours", 7), "Unknown day 7"),
            ({"mon": {"from": "09:00"}}, ("hours", "mon"), "or a list of them"),
            ({"mon": [(dt.time(9, tzinfo=dt.UTC), dt.time(17))]}, ("hours", "mon", 0), "zone"),
            (["09:00-17:00"], ("hours",), "must map days to windows"),
        ],
    )
    def test_a_bad_hours_value_names_its_path(self, hours, path, match):
        """Each kind of bad window is a SpecError at its own path."""
        with pytest.raises(SpecError, match=match) as caught:
            BusinessCalendar("UTC", hours)
        assert paths(caught.value) == [path]

    @pytest.mark.parametrize(
        ("holidays", "path", "match"),
        [
            ("Christmas", ("holidays",), "neither a date"),
            (["2026-12-25", "US"], ("holidays", 1), "goes alone"),
            ([dt.datetime(2026, 12, 25, tzinfo=dt.UTC)], ("holidays", 0), "whole day"),
            (["25/12/2026"], ("holidays", 0), "Expected a date"),
            (2026, ("holidays",), "list of dates"),
        ],
    )
    def test_a_bad_holiday_names_its_path(self, holidays, path, match):
        """Each kind of bad holiday is a SpecError at its own path."""
        with pytest.raises(SpecError, match=match) as caught:
            BusinessCalendar("UTC", None, holidays)
        assert paths(caught.value) == [path]

    def test_a_naive_datetime_is_refused(self):
        """Every method needs an aware datetime."""
        cal = BusinessCalendar.default()
        naive = dt.datetime(2026, 11, 23, 10)  # noqa: DTZ001 - naive on purpose
        aware = naive.replace(tzinfo=dt.UTC)
        for call, name in (
            (lambda: cal.add(naive, HOUR), "start"),
            (lambda: cal.is_open(naive), "at"),
            (lambda: cal.next_open(naive), "at"),
            (lambda: cal.between(aware, naive), "b"),
            (lambda: cal.add_business_days(naive, 1), "start"),
            (lambda: cal.windows(naive, aware), "a"),
        ):
            with pytest.raises(SpecError, match=r"must carry a time zone \(an offset\)") as caught:
                call()
            assert paths(caught.value) == [(name,)]

    def test_a_negative_duration_is_refused(self):
        """add with a negative duration is a SpecError at duration."""
        cal = BusinessCalendar.default()
        with pytest.raises(SpecError, match="must not be negative") as caught:
            cal.add(dt.datetime(2026, 11, 23, tzinfo=dt.UTC), -HOUR)
        assert paths(caught.value) == [("duration",)]

    @pytest.mark.parametrize("days", [-1, 1.5, True, "2"])
    def test_a_bad_business_day_count_is_refused(self, days):
        """add_business_days needs a whole number of 0 or more."""
        cal = BusinessCalendar.default()
        with pytest.raises(SpecError, match="whole number of 0 or more") as caught:
            cal.add_business_days(dt.datetime(2026, 11, 23, tzinfo=dt.UTC), days)
        assert paths(caught.value) == [("days",)]

    def test_open_days_needs_dates(self):
        """open_days refuses a datetime, which has no one local date."""
        cal = BusinessCalendar.default()
        with pytest.raises(SpecError, match="must be a date") as caught:
            cal.open_days(dt.datetime(2026, 11, 23, tzinfo=dt.UTC), dt.date(2026, 11, 30))
        assert paths(caught.value) == [("a",)]


class TestValue:
    def test_equal_hours_written_differently_are_equal(self):
        """Default hours, 'mon-fri', day by day, and split-but-touching windows are one calendar."""
        default = BusinessCalendar("UTC")
        assert default == BusinessCalendar("UTC", {"mon-fri": "09:00-17:00"})
        assert default == BusinessCalendar(
            "UTC", {0: ("09:00", "17:00"), "Tuesday": "09:00-17:00", "WED-fri": "09:00-17:00"}
        )
        assert default == BusinessCalendar("UTC", {"mon-fri": ["09:00-12:00", "12:00-17:00"]})
        assert hash(default) == hash(BusinessCalendar.default())
        assert default != BusinessCalendar("UTC", holidays=["2026-12-25"])
        assert default != BusinessCalendar("Europe/London")

    def test_immutable(self):
        """Attributes cannot be set or deleted."""
        cal = BusinessCalendar("Europe/London")
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            cal.tz = "UTC"  # type: ignore[misc]
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            del cal.tz
        assert cal.tz == "Europe/London"
        assert cal.zone is LONDON

    @pytest.mark.parametrize(
        "cal",
        [
            BusinessCalendar("America/New_York"),
            BusinessCalendar(
                "Asia/Kolkata",
                {"sun-thu": ["09:30-13:00", "14:00-18:00"], "fri": (dt.time(9, 0, 30), "24:00")},
                ["2026-12-25", dt.date(2026, 1, 26)],
            ),
            BusinessCalendar("America/Los_Angeles", holidays="us-ca"),
            BusinessCalendar("UTC", {}),
        ],
    )
    def test_copy(self, cal):
        """copy, deepcopy, pickle and the repr give an equal calendar that works the same."""
        start = dt.datetime(2026, 12, 24, 10, tzinfo=dt.UTC)
        again = eval(repr(cal), {"BusinessCalendar": BusinessCalendar})  # noqa: S307 - own repr
        for other in (copy.copy(cal), copy.deepcopy(cal), pickle.loads(pickle.dumps(cal)), again):
            assert other == cal
            assert hash(other) == hash(cal)
            assert other.between(start, start + dt.timedelta(days=9)) == cal.between(
                start, start + dt.timedelta(days=9)
            )

    def test_repr_reads_as_the_constructor_call(self):
        """The repr groups equal days into ranges and lists holidays as text."""
        cal = BusinessCalendar(
            "Europe/London", {"mon-fri": ["09:00-12:00", "13:00-17:30"]}, [dt.date(2026, 12, 25)]
        )
        assert repr(cal) == (
            "BusinessCalendar('Europe/London', "
            "hours={'mon-fri': ['09:00-12:00', '13:00-17:30']}, holidays=('2026-12-25',))"
        )
        assert repr(BusinessCalendar.default("UTC")) == "BusinessCalendar('UTC')"

    def test_exported_names(self):
        """__all__ lists the two public classes."""
        assert _calendar.__all__ == ["BusinessCalendar", "BusinessDays"]


class TestBusinessDays:
    def test_str_is_the_short_form(self):
        """BusinessDays(1) is '1bd' and BusinessDays(2) is '2bd'."""
        assert (str(BusinessDays(1)), str(BusinessDays(2))) == ("1bd", "2bd")

    @pytest.mark.parametrize("days", [0, -1, 1.5, True, "1"])
    def test_fewer_than_one_or_not_whole_is_a_spec_error(self, days):
        """BusinessDays(0), negative, fractional or non-numbers name the days field."""
        with pytest.raises(SpecError, match="`days` must be a whole number of 1 or more") as caught:
            BusinessDays(days)
        assert paths(caught.value) == [("days",)]

    def test_immutable(self):
        """A BusinessDays cannot be changed."""
        target = BusinessDays(2)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            target.days = 3  # type: ignore[misc]

    def test_copy(self):
        """Copies and pickles are equal and hash alike."""
        target = BusinessDays(3)
        for other in (copy.copy(target), copy.deepcopy(target), pickle.loads(pickle.dumps(target))):
            assert other == target
            assert hash(other) == hash(target)
