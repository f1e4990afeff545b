"""Business calendars: open hours per weekday in one time zone, closed on holidays.

A :class:`BusinessCalendar` answers "when is this due?" for response targets counted
in business time: :meth:`~BusinessCalendar.add` a duration of open time,
:meth:`~BusinessCalendar.between` two instants, or
:meth:`~BusinessCalendar.add_business_days`. :class:`BusinessDays` is such a target
counted in whole open days.

Every window is built from local wall times with :mod:`zoneinfo` and every sum is
done on UTC instants, so an hour of business time is an hour of real time, also
across a change to or from daylight saving time.

Added in 0.2.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Final, final

import attrs

from alignkit._time import EXAMPLE
from alignkit.diagnostics import Location, PathPart
from alignkit.errors import Problem, SpecError

__all__ = ["BusinessCalendar", "BusinessDays"]

# Instants and durations are whole microseconds (the resolution of datetime) as ints:
# exact, and fast to add and compare.
_US: Final = dt.timedelta(microseconds=1)
_SECOND_US: Final = 1_000_000
_MINUTE_US: Final = 60 * _SECOND_US
_HOUR_US: Final = 60 * _MINUTE_US
_DAY_US: Final = 24 * _HOUR_US
_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_EPOCH_ORDINAL: Final = _EPOCH.toordinal()
# A day ends at the next day's midnight, so the last date has no day of its own.
_FIRST_ORDINAL: Final = dt.date.min.toordinal()
_LAST_ORDINAL: Final = dt.date.max.toordinal() - 1

_DAY_NAMES: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SHORT_NAMES: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_KEYS: Final = {
    **{name: index for index, name in enumerate(_DAY_NAMES)},
    **{name: index for index, name in enumerate(_SHORT_NAMES)},
    "tues": 1,
    "thur": 3,
    "thurs": 3,
}

_DayHours = Sequence[Any] | str
# Mapping is invariant in its keys: spell out the kinds of dict people pass.
_Hours = Mapping[str, _DayHours] | Mapping[int, _DayHours] | Mapping[str | int, _DayHours]

_Window = tuple[int, int]  # (start, end) in microseconds after local midnight
_Week = tuple[tuple[_Window, ...], ...]  # seven days, Monday first

_NINE_TO_FIVE: Final = ((9 * _HOUR_US, 17 * _HOUR_US),)
_DEFAULT_WEEK: Final[_Week] = (*((_NINE_TO_FIVE,) * 5), (), ())
_CLOSED_WEEK: Final[_Week] = ((),) * 7

_SPANS: Final = 3  # where the windows start in a resolved day (see _State)
_DAY_CACHE: Final = 20_000  # days of resolved windows kept per calendar (about 55 years)
_STATE_CACHE: Final = 64  # calendars whose resolved days are kept
_SHOWN: Final = 60  # characters of a value shown in a message
_EXAMPLE_HOURS: Final = "{'mon-fri': '09:00-17:00'}"


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def _problem(message: str, *path: PathPart) -> Problem:
    return Problem(message, Location(path=path))


# --- reading the hours ------------------------------------------------------------


def _clock(text: str) -> int | None:
    """Microseconds after midnight of ``H:MM``, ``HH:MM``, ``HH:MM:SS[.ffffff]``; 24:00 too."""
    parts = text.strip().split(":")
    if len(parts) not in (2, 3):
        return None
    fraction = 0
    if len(parts) == 3:  # noqa: PLR2004 - hours, minutes and seconds
        seconds, dot, digits = parts[2].partition(".")
        if dot:
            if not (1 <= len(digits) <= 6 and digits.isascii() and digits.isdigit()):  # noqa: PLR2004 - microseconds
                return None
            fraction = int(digits.ljust(6, "0"))
        parts[2] = seconds
    else:
        parts.append("00")
    hour, minute, second = parts
    if not (1 <= len(hour) <= 2 and len(minute) == 2 and len(second) == 2):  # noqa: PLR2004
        return None
    if not all(part.isascii() and part.isdigit() for part in parts):
        return None
    h, m, s = int(hour), int(minute), int(second)
    if m > 59 or s > 59 or h > 24 or (h == 24 and (m or s or fraction)):  # noqa: PLR2004
        return None
    return h * _HOUR_US + m * _MINUTE_US + s * _SECOND_US + fraction


def _format_clock(us: int) -> str:
    minutes, rest = divmod(us, _MINUTE_US)
    text = f"{minutes // 60:02d}:{minutes % 60:02d}"
    if rest:
        seconds, fraction = divmod(rest, _SECOND_US)
        text += f":{seconds:02d}" + (f".{fraction:06d}" if fraction else "")
    return text


def _format_window(window: _Window) -> str:
    return f"{_format_clock(window[0])}-{_format_clock(window[1])}"


def _is_endpoint(value: object) -> bool:
    return isinstance(value, dt.time) or (
        isinstance(value, str) and bool(value.strip()) and "-" not in value
    )


def _is_pair(value: object) -> bool:
    """A ``(start, end)`` pair, as opposed to a list of windows."""
    return (
        isinstance(value, Sequence)
        and not isinstance(value, str)
        and len(value) == 2  # noqa: PLR2004 - a pair
        and all(_is_endpoint(part) for part in value)
    )


def _endpoint(
    value: object, which: str, path: tuple[PathPart, ...], problems: list[Problem]
) -> int | None:
    if isinstance(value, dt.time):
        if value.tzinfo is not None:
            problems.append(
                _problem(
                    f"The {which} {value!r} carries a time zone: give a plain time; "
                    "the calendar's `tz` applies to every window",
                    *path,
                )
            )
            return None
        return (
            value.hour * _HOUR_US
            + value.minute * _MINUTE_US
            + value.second * _SECOND_US
            + value.microsecond
        )
    if isinstance(value, str):
        found = _clock(value)
        if found is not None:
            return found
    problems.append(
        _problem(f"The {which} {_shown(value)} is not a time like '09:00' or '24:00'", *path)
    )
    return None


def _window(value: object, path: tuple[PathPart, ...], problems: list[Problem]) -> _Window | None:
    """One window, or ``None`` after adding what is wrong with it to ``problems``."""
    if isinstance(value, str):
        parts = value.replace("\N{EN DASH}", "-").split("-")
        if len(parts) != 2:  # noqa: PLR2004 - start and end
            problems.append(
                _problem(f"Expected a window like '09:00-17:00', got {_shown(value)}", *path)
            )
            return None
        pair: Sequence[object] = parts
    elif _is_pair(value):
        pair = value  # type: ignore[assignment]  # _is_pair checked it is a sequence
    else:
        problems.append(
            _problem(
                f"Expected a window like '09:00-17:00' or a (start, end) pair of times, "
                f"got {_shown(value)}",
                *path,
            )
        )
        return None
    start = _endpoint(pair[0], "start", path, problems)
    end = _endpoint(pair[1], "end", path, problems)
    if start is None or end is None:
        return None
    if start == _DAY_US:
        problems.append(_problem("A window cannot start at 24:00: it can only end there", *path))
        return None
    if end == 0:
        end = _DAY_US  # an end at midnight is the end of the day: 22:00-00:00
    if end <= start:
        problems.append(
            _problem(
                f"The window {_format_window((start, end))} ends before it starts: "
                f"for one across midnight give '{_format_clock(start)}-24:00' on this day "
                f"and '00:00-{_format_clock(end)}' on the next",
                *path,
            )
        )
        return None
    return (start, end)


def _day_windows(
    value: object, path: tuple[PathPart, ...], problems: list[Problem]
) -> tuple[_Window, ...]:
    """The sorted windows of one day, adjacent ones joined; overlaps are problems."""
    found: list[tuple[_Window, tuple[PathPart, ...]]] = []
    if isinstance(value, str) or _is_pair(value):
        if not (isinstance(value, str) and not value.strip()):  # "" is a closed day
            window = _window(value, path, problems)
            if window is not None:
                found.append((window, path))
    elif isinstance(value, Iterable) and not isinstance(value, (bytes, Mapping)):
        for index, item in enumerate(value):
            if isinstance(item, str) and not item.strip():
                continue
            window = _window(item, (*path, index), problems)
            if window is not None:
                found.append((window, (*path, index)))
    else:
        problems.append(
            _problem(
                f"Expected a window like '09:00-17:00' or a list of them, got {_shown(value)}",
                *path,
            )
        )
    found.sort(key=lambda item: item[0])
    merged: list[_Window] = []
    for (start, end), where in found:
        if merged and start < merged[-1][1]:
            problems.append(
                _problem(
                    f"The window {_format_window((start, end))} overlaps "
                    f"{_format_window(merged[-1])}: the windows of a day must not overlap",
                    *where,
                )
            )
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        elif merged and start == merged[-1][1]:
            merged[-1] = (merged[-1][0], end)  # 09:00-12:00 and 12:00-17:00 are 09:00-17:00
        else:
            merged.append((start, end))
    return tuple(merged)


def _days_of(key: object) -> tuple[int, ...] | None:
    """The weekdays (Monday is 0) a key of ``hours`` names, or ``None``."""
    if isinstance(key, bool):
        return None
    if isinstance(key, int):
        return (key,) if 0 <= key <= 6 else None  # noqa: PLR2004 - Sunday
    if not isinstance(key, str):
        return None
    name = key.strip().lower()
    if name in _DAY_KEYS:
        return (_DAY_KEYS[name],)
    first, dash, last = name.partition("-")
    first, last = first.strip(), last.strip()
    if not dash or first not in _DAY_KEYS or last not in _DAY_KEYS:
        return None
    start, stop = _DAY_KEYS[first], _DAY_KEYS[last]
    # A range may wrap past Sunday: 'sun-thu' is a Sunday-to-Thursday week.
    return tuple((start + step) % 7 for step in range((stop - start) % 7 + 1))


def _unknown_day(key: object) -> Problem:
    hint = ""
    if isinstance(key, str):
        from alignkit._suggest import suggest

        found = suggest(key.strip().lower(), _DAY_KEYS)
        if found is None and "-" in key:
            found = suggest(key.strip().lower(), ["mon-fri", "sat-sun", "sun-thu"])
        hint = f" did you mean {found!r}?" if found else ""
    return _problem(
        f"Unknown day {_shown(key)}:{hint} days are 'mon' to 'sun' (or 'monday'), "
        "0 to 6 (Monday is 0), or a range like 'mon-fri'",
        "hours",
        _path_part(key),
    )


def _path_part(key: object) -> PathPart:
    return key if isinstance(key, (str, int)) and not isinstance(key, bool) else repr(key)


def _parse_hours(hours: object, problems: list[Problem]) -> _Week:
    if hours is None:
        return _DEFAULT_WEEK
    if not isinstance(hours, Mapping):
        problems.append(
            _problem(
                f"`hours` must map days to windows, such as {_EXAMPLE_HOURS}, got {_shown(hours)}",
                "hours",
            )
        )
        return _CLOSED_WEEK
    week: list[tuple[_Window, ...]] = [()] * 7
    given_by: dict[int, object] = {}
    for key, value in hours.items():
        days = _days_of(key)
        if days is None:
            problems.append(_unknown_day(key))
        windows = _day_windows(value, ("hours", _path_part(key)), problems)
        if days is None:
            continue
        twice = [day for day in days if day in given_by]
        if twice:
            names = [_DAY_NAMES[day].title() for day in twice]
            listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            firsts = ", ".join(repr(given_by[day]) for day in dict.fromkeys(twice))
            problems.append(
                _problem(
                    f"{listed} {'is' if len(names) == 1 else 'are'} given twice, by {firsts} "
                    f"and {key!r}: give each day once",
                    "hours",
                    _path_part(key),
                )
            )
        for day in days:
            if day not in given_by:
                given_by[day] = key
                week[day] = windows
    return tuple(week)


def _hours_argument(week: _Week) -> dict[str, str | list[str]]:
    """``week`` as the ``hours`` argument that builds it, runs of equal days as ranges."""
    out: dict[str, str | list[str]] = {}
    day = 0
    while day < 7:  # noqa: PLR2004 - the days of a week
        last = day
        while last + 1 < 7 and week[last + 1] == week[day]:  # noqa: PLR2004
            last += 1
        if week[day]:
            key = _SHORT_NAMES[day] if last == day else f"{_SHORT_NAMES[day]}-{_SHORT_NAMES[last]}"
            shown = [_format_window(window) for window in week[day]]
            out[key] = shown[0] if len(shown) == 1 else shown
        day = last + 1
    return out


# --- reading the holidays ---------------------------------------------------------


def _is_date_text(text: str) -> bool:
    return (
        len(text) == 10  # noqa: PLR2004 - YYYY-MM-DD
        and text[4] == text[7] == "-"
        and (text[:4] + text[5:7] + text[8:]).isascii()
        and (text[:4] + text[5:7] + text[8:]).isdigit()
    )


def _country_code(text: str) -> tuple[str, str | None] | None:
    """``(country, subdivision)`` of ``US`` or ``DE-BY``, or ``None`` if not of that shape."""
    country, dash, subdivision = text.strip().partition("-")
    country = country.strip()
    if not (2 <= len(country) <= 3 and country.isascii() and country.isalpha()):  # noqa: PLR2004
        return None
    subdivision = subdivision.strip()
    if dash and not subdivision:
        return None
    if subdivision.isascii() and subdivision.isalnum():
        subdivision = subdivision.upper()  # codes are upper case: 'US-ca' is 'US-CA'
    return country.upper(), (subdivision or None)


def _holiday_date(value: object, path: tuple[PathPart, ...], problems: list[Problem]) -> int | None:
    if isinstance(value, dt.datetime):
        problems.append(
            _problem(
                f"A holiday is a whole day: give {value.date()!r} rather than a datetime", *path
            )
        )
        return None
    if isinstance(value, dt.date):
        return value.toordinal()
    if isinstance(value, str) and _is_date_text(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip()).toordinal()
        except ValueError:
            problems.append(_problem(f"{value!r} is not a date of the calendar", *path))
            return None
    hint = (
        "; a country code such as 'US' goes alone: holidays='US'"
        if isinstance(value, str) and _country_code(value) is not None
        else ""
    )
    problems.append(
        _problem(f"Expected a date such as '2026-12-25', got {_shown(value)}{hint}", *path)
    )
    return None


def _parse_holidays(
    holidays: object, problems: list[Problem]
) -> tuple[frozenset[int], tuple[str, str | None] | None]:
    """The closed dates (as ordinals), or the country code that decides them."""
    if isinstance(holidays, str):
        if _is_date_text(holidays.strip()):
            found = _holiday_date(holidays, ("holidays",), problems)
            return frozenset(() if found is None else (found,)), None
        code = _country_code(holidays)
        if code is None:
            problems.append(
                _problem(
                    f"`holidays` {_shown(holidays)} is neither a date such as '2026-12-25' "
                    "nor a country code such as 'US' or 'DE-BY'",
                    "holidays",
                )
            )
        return frozenset(), code
    if isinstance(holidays, dt.date):
        found = _holiday_date(holidays, ("holidays",), problems)
        return frozenset(() if found is None else (found,)), None
    if not isinstance(holidays, Iterable) or isinstance(holidays, (bytes, Mapping)):
        problems.append(
            _problem(
                "`holidays` must be a list of dates or a country code such as 'US', "
                f"got {_shown(holidays)}",
                "holidays",
            )
        )
        return frozenset(), None
    dates: set[int] = set()
    for index, value in enumerate(holidays):
        found = _holiday_date(value, ("holidays", index), problems)
        if found is not None:
            dates.add(found)
    return frozenset(dates), None


_COUNTRY_YEARS: dict[tuple[str, str | None, int], frozenset[int]] = {}


def _holidays_package() -> Any:  # noqa: ANN401 - the optional package, typed or not
    try:
        import holidays
    except ImportError:
        raise SpecError.single(
            "Country holidays need the `holidays` package: pip install 'alignkit[holidays]'",
            Location(path=("holidays",)),
        ) from None
    return holidays


def _checked_country(country: str, subdivision: str | None) -> tuple[str, str | None]:
    """The code as the ``holidays`` package spells it; a ``SpecError`` if it has no such code."""
    from alignkit._suggest import suggest

    supported: dict[str, list[str]] = _holidays_package().list_supported_countries()
    if country not in supported:
        hint = suggest(country, supported)
        extra = f"; did you mean {hint!r}?" if hint else ""
        raise SpecError.single(
            f"The `holidays` package knows no country {country!r}{extra}",
            Location(path=("holidays",)),
        )
    if subdivision is None:
        return country, None
    known = {name.casefold(): name for name in supported[country]}
    if subdivision.casefold() not in known:
        hint = suggest(subdivision, supported[country])
        extra = f"; did you mean {country}-{hint}?" if hint else ""
        shown = ", ".join(supported[country][:12]) + (
            " ..." if len(supported[country]) > 12 else ""  # noqa: PLR2004
        )
        raise SpecError.single(
            f"The `holidays` package knows no subdivision {subdivision!r} of {country}{extra} "
            f"({country} has: {shown or 'none'})",
            Location(path=("holidays",)),
        )
    return country, known[subdivision.casefold()]


def _country_year(country: str, subdivision: str | None, year: int) -> frozenset[int]:
    key = (country, subdivision, year)
    found = _COUNTRY_YEARS.get(key)
    if found is None:
        days = _holidays_package().country_holidays(country, subdiv=subdivision, years=year)
        found = frozenset(day.toordinal() for day in days)
        _COUNTRY_YEARS[key] = found
    return found


# --- the calendar -----------------------------------------------------------------


def _aware(value: object, name: str) -> int:
    """``value`` as microseconds since 1970 UTC, or a ``SpecError`` naming ``name``."""
    if isinstance(value, dt.datetime):
        try:
            return (value - _EPOCH) // _US
        except TypeError:
            pass
        message = f"`{name}` must carry a time zone (an offset), for example {EXAMPLE}"
    else:
        message = f"`{name}` must be a datetime with a time zone (an offset), for example {EXAMPLE}"
    raise SpecError.single(f"{message}; got {_shown(value)}", Location(path=(name,)))


def _out_of_range() -> SpecError:
    return SpecError.single(
        "The result falls outside the dates datetime can hold (years 1 to 9999)",
        Location(path=()),
    )


class _State:
    """What a calendar has worked out: shared by equal calendars, never part of their value."""

    __slots__ = ("days", "offset", "weeks")

    def __init__(self, offset: int) -> None:
        # day ordinal -> (its midnight, the next midnight, open microseconds,
        #                 start, end, start, end, ...) of its windows, all instants
        self.days: dict[int, tuple[int, ...]] = {}
        # Monday's ordinal -> (open microseconds, open days, the next Monday's midnight)
        self.weeks: dict[int, tuple[int, int, int]] = {}
        self.offset = offset  # a guess at the zone's offset, to find an instant's day


_STATES: dict[tuple[object, ...], _State] = {}


@final
class BusinessCalendar:
    """Open hours per weekday in one IANA time zone, closed on holidays.

    Windows are built from local wall times with :mod:`zoneinfo`, and every sum is
    done on UTC instants: a window that contains a change of the clocks counts the
    time that really passes (00:00-04:00 on the night the clocks spring forward in
    New York is 3 hours; on the night they fall back, 5 hours). A wall time that
    does not exist, or exists twice, means what :mod:`zoneinfo` makes of it with
    ``fold=0`` (the offset in force before the change), and a window whose end
    then falls at or before its start is empty. Each window belongs to its own
    local day: it never reaches past that day's midnights, resolved the same way.

    Args:
        tz: An IANA time zone name, such as ``"America/New_York"``.
        hours: Days to windows. A day is ``0`` to ``6`` (Monday is 0), ``"mon"``
            to ``"sun"`` or ``"monday"`` (any case), or a range such as
            ``"mon-fri"`` (``"sun-thu"`` wraps past Sunday). A window is
            ``"09:00-17:00"`` or a ``(start, end)`` pair of :class:`datetime.time`
            or ``"HH:MM"`` text; a day has one window or a list of them (a lunch
            break), which must not overlap. ``"24:00"`` (or an end of ``00:00``)
            ends a window at midnight. Days not given, or given ``[]``, are closed.
            ``None`` means Monday to Friday, 09:00-17:00.
        holidays: Dates closed all day (:class:`datetime.date` or
            ``"YYYY-MM-DD"``), or one country code with an optional subdivision
            (``"US"``, ``"US-CA"``, ``"DE-BY"``), whose public holidays the
            ``holidays`` package decides (``pip install 'alignkit[holidays]'``);
            the package is imported, and the code checked, on first use.

    Raises:
        SpecError: Every problem of the arguments at once, each at its field path,
            such as ``hours.mon[1]``.

    >>> import datetime as dt
    >>> from zoneinfo import ZoneInfo
    >>> from alignkit.channels import BusinessCalendar
    >>> new_york = ZoneInfo("America/New_York")
    >>> cal = BusinessCalendar("America/New_York", {"mon-fri": ["09:00-12:00", "13:00-17:00"]})
    >>> friday = dt.datetime(2026, 11, 27, 16, tzinfo=new_york)
    >>> print(cal.add(friday, dt.timedelta(hours=5)))  # 1 hour on Friday, 3 + 1 on Monday
    2026-11-30 14:00:00-05:00
    >>> print(cal.add_business_days(friday, 1))
    2026-11-30 16:00:00-05:00
    >>> cal.between(friday, dt.datetime(2026, 11, 30, 17, tzinfo=new_york))
    datetime.timedelta(seconds=28800)
    >>> cal.is_open(dt.datetime(2026, 11, 30, 12, 30, tzinfo=new_york))  # lunch
    False

    Added in 0.2.
    """

    __slots__ = (
        "_country",
        "_hash",
        "_holidays",
        "_key",
        "_open_us",
        "_state",
        "_week",
        "_zone",
        "tz",
    )

    tz: str
    """The IANA time zone name, as given."""
    _zone: zoneinfo.ZoneInfo
    _week: _Week
    _open_us: int  # open microseconds of a week, on the wall clock
    _holidays: frozenset[int]
    _country: tuple[str, str | None] | None
    _key: tuple[object, ...]
    _hash: int
    _state: _State | None

    def __init__(
        self,
        tz: str = "UTC",
        hours: _Hours | None = None,
        holidays: Iterable[dt.date | str] | str = (),
    ) -> None:
        problems: list[Problem] = []
        zone = _zone(tz, problems)
        week = _parse_hours(hours, problems)
        dates, country = _parse_holidays(holidays, problems)
        if problems:
            raise SpecError(problems)
        assert zone is not None  # noqa: S101 - no problem means a zone
        holiday_key: object = (
            dates if country is None else (country[0], (country[1] or "").casefold())
        )
        key = (tz, week, holiday_key)
        init = object.__setattr__
        init(self, "tz", tz)
        init(self, "_zone", zone)
        init(self, "_week", week)
        init(self, "_open_us", sum(end - start for day in week for start, end in day))
        init(self, "_holidays", dates)
        init(self, "_country", country)
        init(self, "_key", key)
        init(self, "_hash", hash(key))
        init(self, "_state", None)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The time zone, as the :class:`zoneinfo.ZoneInfo` of :attr:`tz`.

        Added in 0.2.
        """
        return self._zone

    @classmethod
    def default(cls, tz: str = "UTC") -> BusinessCalendar:
        """Monday to Friday, 09:00-17:00 in ``tz``, with no holidays.

        >>> BusinessCalendar.default("Europe/London")
        BusinessCalendar('Europe/London')

        Added in 0.2.
        """
        return cls(tz)

    # --- the value ----------------------------------------------------------------

    def __setattr__(self, name: str, value: object) -> None:
        raise attrs.exceptions.FrozenInstanceError

    def __delattr__(self, name: str) -> None:
        raise attrs.exceptions.FrozenInstanceError

    def __eq__(self, other: object) -> bool:
        if type(other) is not BusinessCalendar:
            return NotImplemented
        return self._key == other._key

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        args = [repr(self.tz)]
        if self._week != _DEFAULT_WEEK:
            args.append(f"hours={_hours_argument(self._week)!r}")
        holidays = self._holidays_argument()
        if holidays:
            args.append(f"holidays={holidays!r}")
        return f"BusinessCalendar({', '.join(args)})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            BusinessCalendar,
            (self.tz, _hours_argument(self._week), self._holidays_argument()),
        )

    def __copy__(self) -> BusinessCalendar:
        return self

    def __deepcopy__(self, memo: object) -> BusinessCalendar:
        return self

    def _holidays_argument(self) -> str | tuple[str, ...]:
        if self._country is not None:
            country, subdivision = self._country
            return country if subdivision is None else f"{country}-{subdivision}"
        return tuple(dt.date.fromordinal(day).isoformat() for day in sorted(self._holidays))

    # --- the questions ------------------------------------------------------------

    def is_open(self, at: dt.datetime) -> bool:
        """True when ``at`` lies in a window: at or after its start, before its end.

        Args:
            at: An aware datetime, in any zone.

        Raises:
            SpecError: ``at`` has no time zone.

        Added in 0.2.
        """
        instant = _aware(at, "at")
        day = self._day_of(instant)[1]
        return any(day[index] <= instant < day[index + 1] for index in range(_SPANS, len(day), 2))

    def next_open(self, at: dt.datetime) -> dt.datetime:
        """``at`` if the calendar is open then, else the start of the next window.

        Args:
            at: An aware datetime, in any zone.

        Returns:
            The same instant or the next window's start, in the calendar's zone.

        Raises:
            SpecError: ``at`` has no time zone, or the calendar has no open hours.

        Added in 0.2.
        """
        return self._local(self._next_open_us(_aware(at, "at")))

    def _next_open_us(self, instant: int) -> int:
        """:meth:`next_open` on microseconds since 1970 UTC."""
        self._require_hours()
        ordinal, day = self._day_of(instant)
        state = self._ready()
        while True:
            for index in range(_SPANS, len(day), 2):
                if day[index + 1] > instant:
                    return max(day[index], instant)
            ordinal += 1
            day = state.days.get(ordinal) or self._resolve_day(ordinal)

    def add(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        """The earliest instant by which ``duration`` of open time has passed since ``start``.

        Adding zero gives ``start`` (in the calendar's zone), open or not; a sum
        that runs exactly to the end of a window gives that end (17:00, not 09:00
        the next morning).

        Args:
            start: An aware datetime, in any zone.
            duration: Open time to add; not negative.

        Returns:
            The instant, in the calendar's zone.

        Raises:
            SpecError: ``start`` has no time zone, ``duration`` is negative or not a
                timedelta, or the calendar has no open hours.

        Added in 0.2.
        """
        instant = _aware(start, "start")
        if not isinstance(duration, dt.timedelta):
            raise SpecError.single(
                f"`duration` must be a timedelta, got {_shown(duration)}",
                Location(path=("duration",)),
            )
        need = duration // _US
        if need < 0:
            raise SpecError.single(
                f"`duration` must not be negative, got {duration!r}",
                Location(path=("duration",)),
            )
        return self._local(self._add_us(instant, need))

    def _add_us(self, instant: int, need: int) -> int:
        """:meth:`add` on microseconds: ``need`` (0 or more) of open time after ``instant``."""
        if need == 0:
            return instant
        if not self._open_us:
            raise self._no_hours()
        ordinal, day = self._day_of(instant)
        # No week holds more than its hours plus a day gained by a change of clocks:
        # a sum beyond year 9999 fails here rather than after a long walk.
        if need > ((_LAST_ORDINAL - ordinal) // 7 + 1) * (self._open_us + _DAY_US):
            raise _out_of_range()
        state = self._ready()
        days, weeks = state.days, state.weeks
        for index in range(_SPANS, len(day), 2):  # the rest of the first day
            end = day[index + 1]
            if end <= instant:
                continue
            begin = day[index]
            if begin < instant:  # noqa: PLR1730 - a hot loop: faster than max()
                begin = instant
            if need <= end - begin:
                return begin + need
            need -= end - begin
        while True:  # whole weeks and days, then the windows of the last day
            ordinal += 1
            if (ordinal - 1) % 7 == 0:  # a Monday
                week = weeks.get(ordinal) or self._resolve_week(ordinal)
                while need > week[0]:
                    need -= week[0]
                    ordinal += 7
                    week = weeks.get(ordinal) or self._resolve_week(ordinal)
            day = days.get(ordinal) or self._resolve_day(ordinal)
            if need > day[2]:
                need -= day[2]
                continue
            for index in range(_SPANS, len(day), 2):
                begin, end = day[index], day[index + 1]
                if need <= end - begin:
                    return begin + need
                need -= end - begin

    def between(self, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
        """The open time in ``[a, b)``; negative when ``b`` is before ``a``.

        Args:
            a: An aware datetime, in any zone.
            b: An aware datetime, in any zone.

        Raises:
            SpecError: ``a`` or ``b`` has no time zone.

        Added in 0.2.
        """
        first, last = _aware(a, "a"), _aware(b, "b")
        if last < first:
            return -dt.timedelta(microseconds=self._open_between(last, first))
        return dt.timedelta(microseconds=self._open_between(first, last))

    def add_business_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """The same local time ``days`` open days after ``start``'s local date.

        An open day has a window and is not a holiday. The result is that day at
        ``start``'s wall time in the calendar's zone or, if the calendar is closed
        then, the next open moment: a Friday 10:00 message plus one business day is
        due on Monday at 10:00, and so is a Saturday 10:00 message. Zero days is
        :meth:`next_open`.

        Args:
            start: An aware datetime, in any zone.
            days: Whole open days, 0 or more.

        Returns:
            The instant, in the calendar's zone.

        Raises:
            SpecError: ``start`` has no time zone, ``days`` is not a whole number of
                0 or more, or the calendar has no open hours.

        Added in 0.2.
        """
        instant = _aware(start, "start")
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            raise SpecError.single(
                f"`days` must be a whole number of 0 or more, got {_shown(days)}",
                Location(path=("days",)),
            )
        return self._local(self._add_business_days_us(instant, days))

    def _add_business_days_us(self, instant: int, days: int) -> int:
        """:meth:`add_business_days` on microseconds since 1970 UTC."""
        if days == 0:
            return self._next_open_us(instant)
        self._require_hours()
        state = self._ready()
        ordinal, first = self._day_of(instant)
        if days > _LAST_ORDINAL - ordinal:  # each open day is a day of its own
            raise _out_of_range()
        left = days
        while True:
            ordinal += 1
            if (ordinal - 1) % 7 == 0:  # a Monday: skip whole weeks
                week = state.weeks.get(ordinal) or self._resolve_week(ordinal)
                while left > week[1]:
                    left -= week[1]
                    ordinal += 7
                    week = state.weeks.get(ordinal) or self._resolve_week(ordinal)
            day = state.days.get(ordinal) or self._resolve_day(ordinal)
            if day[2]:  # it has open time
                left -= 1
                if left == 0:
                    break
        if first[1] - first[0] == _DAY_US and day[1] - day[0] == _DAY_US:
            # Neither day has a change of the clocks: the wall time is the time since
            # midnight, on both (the common case, without building a datetime).
            return self._next_open_us(day[0] + instant - first[0])
        wall = dt.datetime.combine(
            dt.date.fromordinal(ordinal),
            self._local(instant).time().replace(fold=0),
            tzinfo=self._zone,
        )
        return self._next_open_us((wall - _EPOCH) // _US)

    def windows(self, a: dt.datetime, b: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        """The open intervals within ``[a, b)``, clipped to it, in order.

        Windows that touch (09:00-12:00 and 12:00-17:00, or a day open until 24:00
        and the next from 00:00) come as one.

        Args:
            a: An aware datetime, in any zone.
            b: An aware datetime, in any zone; nothing comes when it is not after ``a``.

        Yields:
            ``(start, end)`` pairs of instants in the calendar's zone.

        Raises:
            SpecError: ``a`` or ``b`` has no time zone (raised by the call itself).

        Added in 0.2.
        """
        first, last = _aware(a, "a"), _aware(b, "b")
        return self._windows(first, last)

    def open_days(self, a: dt.date, b: dt.date) -> Iterator[dt.date]:
        """The open days from ``a`` to ``b``, both included: days with a window, not holidays.

        Args:
            a: The first local date.
            b: The last local date.

        Yields:
            Each open date, in order.

        Raises:
            SpecError: ``a`` or ``b`` is not a date (raised by the call itself).

        Added in 0.2.
        """
        first = _plain_date(a, "a")
        last = _plain_date(b, "b")
        return self._open_days(first, last)

    # --- the workings -------------------------------------------------------------

    def _windows(self, first: int, last: int) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        if last <= first or not self._open_us:
            return
        ordinal, day = self._day_of(first)
        state = self._ready()
        pending: list[int] = []
        while True:
            for index in range(_SPANS, len(day), 2):
                begin, end = max(day[index], first), min(day[index + 1], last)
                if end <= begin:
                    continue
                if pending and pending[1] == begin:
                    pending[1] = end
                    continue
                if pending:
                    yield self._local(pending[0]), self._local(pending[1])
                pending = [begin, end]
            if day[1] >= last:
                break
            ordinal += 1
            day = state.days.get(ordinal) or self._resolve_day(ordinal)
        if pending:
            yield self._local(pending[0]), self._local(pending[1])

    def _open_days(self, first: dt.date, last: dt.date) -> Iterator[dt.date]:
        if not self._open_us:
            return
        state = self._ready()
        for ordinal in range(first.toordinal(), last.toordinal() + 1):
            day = state.days.get(ordinal) or self._resolve_day(ordinal)
            if day[2]:  # it has open time
                yield dt.date.fromordinal(ordinal)

    def _open_between(self, first: int, last: int) -> int:
        """Open microseconds in ``[first, last)``, ``first <= last``."""
        if last == first or not self._open_us:
            return 0
        ordinal, day = self._day_of(first)
        state = self._ready()
        total = 0
        while True:
            for index in range(_SPANS, len(day), 2):
                begin, end = day[index], day[index + 1]
                if begin < first:  # noqa: PLR1730 - a hot loop: faster than max()
                    begin = first
                if end > last:  # noqa: PLR1730 - and than min()
                    end = last
                if end > begin:
                    total += end - begin
            if day[1] >= last:
                return total
            ordinal += 1
            if (ordinal - 1) % 7 == 0:  # a Monday: take whole weeks at once
                week = state.weeks.get(ordinal) or self._resolve_week(ordinal)
                while week[2] <= last:
                    total += week[0]
                    ordinal += 7
                    week = state.weeks.get(ordinal) or self._resolve_week(ordinal)
            day = state.days.get(ordinal) or self._resolve_day(ordinal)

    def _ready(self) -> _State:
        state = self._state
        if state is None:
            state = self._attach()
        return state

    def _attach(self) -> _State:
        if self._country is not None:
            country, subdivision = _checked_country(*self._country)
            object.__setattr__(self, "_country", (country, subdivision))
        state = _STATES.get(self._key)
        if state is None:
            sample = dt.datetime(2026, 1, 1, tzinfo=self._zone).utcoffset()
            state = _State(0 if sample is None else sample // _US)
            for stale in list(_STATES)[: max(0, len(_STATES) - _STATE_CACHE + 1)]:
                _STATES.pop(stale, None)  # the oldest first
            _STATES[self._key] = state
        object.__setattr__(self, "_state", state)
        return state

    def _day_of(self, instant: int) -> tuple[int, tuple[int, ...]]:
        """The local day (ordinal) whose midnights enclose ``instant``, and its windows."""
        state = self._ready()
        ordinal = (instant + state.offset) // _DAY_US + _EPOCH_ORDINAL
        day = state.days.get(ordinal) or self._resolve_day(ordinal)
        while instant < day[0]:
            ordinal -= 1
            day = state.days.get(ordinal) or self._resolve_day(ordinal)
        while instant >= day[1]:
            ordinal += 1
            day = state.days.get(ordinal) or self._resolve_day(ordinal)
        return ordinal, day

    def _resolve(self, ordinal: int, wall: int) -> int:
        """The instant of local wall time ``wall`` (microseconds after midnight) on a day."""
        if wall == _DAY_US:
            ordinal, wall = ordinal + 1, 0
        date = dt.date.fromordinal(ordinal)
        seconds, fraction = divmod(wall, _SECOND_US)
        minutes, second = divmod(seconds, 60)
        hour, minute = divmod(minutes, 60)
        local = dt.datetime(
            date.year, date.month, date.day, hour, minute, second, fraction, tzinfo=self._zone
        )
        offset = local.utcoffset()
        shift = 0 if offset is None else offset // _US
        return (ordinal - _EPOCH_ORDINAL) * _DAY_US + wall - shift

    def _resolve_day(self, ordinal: int) -> tuple[int, ...]:
        if not _FIRST_ORDINAL <= ordinal <= _LAST_ORDINAL:
            raise _out_of_range()
        state = self._ready()
        midnight, next_midnight = self._resolve(ordinal, 0), self._resolve(ordinal + 1, 0)
        spans: list[tuple[int, int]] = []
        windows = self._week[(ordinal - 1) % 7]  # ordinal 1 is a Monday
        if windows and not self._is_holiday(ordinal):
            for start, end in windows:
                begin = max(self._resolve(ordinal, start), midnight)
                finish = min(self._resolve(ordinal, end), next_midnight)
                if finish > begin:
                    spans.append((begin, finish))
            spans.sort()
        flat = [midnight, next_midnight, 0]
        for begin, finish in spans:
            if len(flat) > _SPANS and begin <= flat[-1]:  # joined by a change of the clocks
                flat[-1] = max(flat[-1], finish)
            else:
                flat += (begin, finish)
        flat[2] = sum(flat[index + 1] - flat[index] for index in range(_SPANS, len(flat), 2))
        day = tuple(flat)
        if len(state.days) >= _DAY_CACHE:
            state.days.clear()
        state.days[ordinal] = day
        return day

    def _resolve_week(self, monday: int) -> tuple[int, int, int]:
        state = self._ready()
        total = opened = 0
        day: tuple[int, ...] = ()
        for ordinal in range(monday, monday + 7):
            day = state.days.get(ordinal) or self._resolve_day(ordinal)
            if day[2]:  # it has open time
                opened += 1
                total += day[2]
        week = (total, opened, day[1])
        if len(state.weeks) >= _DAY_CACHE:
            state.weeks.clear()
        state.weeks[monday] = week
        return week

    def _is_holiday(self, ordinal: int) -> bool:
        if self._country is None:
            return ordinal in self._holidays
        country, subdivision = self._country
        year = dt.date.fromordinal(ordinal).year
        return ordinal in _country_year(country, subdivision, year)

    def _local(self, instant: int) -> dt.datetime:
        try:
            return (_EPOCH + dt.timedelta(microseconds=instant)).astimezone(self._zone)
        except OverflowError:
            raise _out_of_range() from None

    def _require_hours(self) -> None:
        if not self._open_us:
            raise self._no_hours()

    def _no_hours(self) -> SpecError:
        return SpecError.single(
            f"The calendar has no open hours, so nothing is ever due: give `hours` a "
            f"window, such as {_EXAMPLE_HOURS}",
            Location(path=("hours",)),
        )


def _zone(tz: object, problems: list[Problem]) -> zoneinfo.ZoneInfo | None:
    if not isinstance(tz, str):
        problems.append(
            _problem(
                f"`tz` must be an IANA time zone name such as 'Europe/London', got {_shown(tz)}",
                "tz",
            )
        )
        return None
    try:
        return zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        from alignkit._suggest import suggest

        hint = suggest(tz.strip().replace(" ", "_"), zoneinfo.available_timezones())
        extra = f"; did you mean {hint!r}?" if hint else ""
        problems.append(_problem(f"Unknown time zone {_shown(tz)}{extra}", "tz"))
        return None


def _plain_date(value: object, name: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise SpecError.single(
        f"`{name}` must be a date such as datetime.date(2026, 11, 27), got {_shown(value)}",
        Location(path=(name,)),
    )


def _at_least_one(_instance: object, _attribute: object, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SpecError.single(
            f"`days` must be a whole number of 1 or more, got {_shown(value)}",
            Location(path=("days",)),
        )


@final
@attrs.frozen
class BusinessDays:
    """A response target of ``days`` business days on some :class:`BusinessCalendar`.

    ``n`` business days after a moment are the same local time on the ``n``-th
    following open day of the calendar (or, if the calendar is closed at that
    moment, its next open moment): what
    :meth:`BusinessCalendar.add_business_days` computes.

    >>> import datetime as dt
    >>> from zoneinfo import ZoneInfo
    >>> from alignkit.channels import BusinessCalendar, BusinessDays
    >>> target = BusinessDays(1)
    >>> str(target)
    '1bd'
    >>> friday = dt.datetime(2026, 11, 27, 10, tzinfo=ZoneInfo("America/New_York"))
    >>> cal = BusinessCalendar.default("America/New_York")
    >>> print(cal.add_business_days(friday, target.days))
    2026-11-30 10:00:00-05:00

    Added in 0.2.
    """

    days: int = attrs.field(validator=_at_least_one)
    """Whole business days, 1 or more."""

    def __str__(self) -> str:
        return f"{self.days}bd"
