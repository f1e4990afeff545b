"""Aware time: one check and one message for every ``at=`` and every time field.

Core code never reads the clock except where a public call allows ``at=None``,
which means now, read once at that edge (:func:`now_or`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Final

from alignkit.diagnostics import Location, PathPart
from alignkit.errors import SpecError

__all__ = ["EXAMPLE", "is_aware", "now_or", "require_aware"]

EXAMPLE: Final = "2027-01-31T09:00:00+00:00"
"""An aware time as people write it, for messages."""


def is_aware(value: object) -> bool:
    """True for a datetime that knows its offset from UTC."""
    return (
        isinstance(value, dt.datetime)
        and value.tzinfo is not None
        and value.utcoffset() is not None
    )


_SHORT: Final = 60  # characters of a value shown in a message


def _brief(value: object) -> str:
    if isinstance(value, int) and value.bit_length() > _SHORT * 3:
        return "a very long number"
    try:
        text = repr(value)
    except ValueError:  # a number too long to print, inside a list or another value
        return f"a {type(value).__name__} holding a number too long to show"
    return text if len(text) <= _SHORT else text[: _SHORT - 3] + "..."


def require_aware(value: object, path: Sequence[PathPart] = ("at",)) -> dt.datetime:
    """``value`` if it is a timezone-aware datetime, else a ``SpecError`` at ``path``.

    >>> require_aware(dt.datetime(2027, 1, 31, 9))
    Traceback (most recent call last):
      ...
    alignkit.errors.SpecError: at: `at` must be a timezone-aware datetime (for example 2027-01-31T09:00:00+00:00), got datetime.datetime(2027, 1, 31, 9, 0)
    """  # noqa: E501 - a doctest's output line
    if is_aware(value):
        return value  # type: ignore[return-value]  # is_aware narrows to datetime
    name = next((part for part in reversed(path) if isinstance(part, str)), "at")
    raise SpecError.single(
        f"`{name}` must be a timezone-aware datetime (for example {EXAMPLE}), got {_brief(value)}",
        Location(path=tuple(path)),
    )


def now_or(at: dt.datetime | None, path: Sequence[PathPart] = ("at",)) -> dt.datetime:
    """``at`` checked, or now (UTC) when it is ``None``: the one place the clock is read."""
    if at is None:
        return dt.datetime.now(dt.UTC)
    return require_aware(at, path)
