"""Exact money: numbers read without a float, minor units, and splits that add up.

Every number alignkit reads is at most :data:`MAX_AMOUNT` (10^15 in the currency's
major unit) with at most 30 digits after the decimal point. Within that range
``+ - *`` are exact under :data:`EXACT`, a division that is not raises
:class:`~decimal.Inexact` (settle it with fractions instead), and money is rounded
once, at the end, in whole minor units: :func:`half_up` for a total,
:func:`split_units` and :func:`split_ratio` for lines that add up to it.

Every reader of numbers (a spec field, an argument, a CSV cell) goes through
:func:`read_number`, so the same input is refused in the same words everywhere.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import (
    MAX_EMAX,
    MIN_EMIN,
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
)
from fractions import Fraction
from typing import Annotated, Final

import attrs
from pydantic import BeforeValidator

from alignkit.diagnostics import Location
from alignkit.errors import Problem, SpecError

__all__ = [
    "EXACT",
    "LIMIT_TEXT",
    "MAX_AMOUNT",
    "MINOR_UNITS",
    "ONE",
    "SHOWN",
    "ZERO",
    "ExactNumber",
    "OtherMarkError",
    "exact_quotients",
    "from_units",
    "half_up",
    "number_at",
    "number_field",
    "read_number",
    "shown",
    "shown_quotient",
    "split_ratio",
    "split_units",
    "to_amount",
    "to_decimal",
    "under",
    "units_text",
]

# -- amounts -----------------------------------------------------------------------------

_TWO_DIGITS: Final = (
    "USD EUR GBP CHF CAD AUD NZD SEK NOK DKK PLN CZK HUF RON BGN INR CNY HKD SGD "
    "ZAR BRL MXN ILS AED SAR TRY THB MYR PHP IDR TWD EGP NGN KES MAD ARS COP PEN"
)
MINOR_UNITS: Final[Mapping[str, int]] = {
    **dict.fromkeys(_TWO_DIGITS.split(), 2),
    **dict.fromkeys(("JPY", "KRW", "CLP", "ISK", "VND", "UGX", "PYG", "XAF", "XOF"), 0),
    **dict.fromkeys(("KWD", "BHD", "OMR", "JOD", "TND", "LYD", "IQD"), 3),
}
"""ISO 4217 minor units of the currencies alignkit knows (JPY 0, USD 2, KWD 3 ...)."""

MAX_AMOUNT: Final = Decimal(10) ** 15
"""The largest amount alignkit reads or pays: 10^15 in the currency's major unit.

Targets, pools, caps and payouts are refused above it, and so is any other number
(a score, a curve point, a day count). In minor units every amount in range fits in
a 64-bit integer (10^18 for the three-digit currencies).

Added in 0.4.
"""

LIMIT_TEXT: Final = "10^15 (1,000,000,000,000,000)"
""":data:`MAX_AMOUNT` as messages write it."""

ZERO: Final = Decimal(0)
ONE: Final = Decimal(1)

_MAX_PLACES: Final = 30
"""Digits after the decimal point a number may have (a float's shortest form has fewer)."""
_MAX_TEXT: Final = 100
"""Characters a number written as text may have."""

# Numbers in range have at most 46 digits, and no product alignkit forms has more than
# a few hundred: with this precision, + - * are exact, and a division that is not
# raises Inexact, so the caller can settle it with fractions instead.
EXACT: Final = Context(
    prec=2000,
    rounding=ROUND_HALF_EVEN,
    Emin=MIN_EMIN,
    Emax=MAX_EMAX,
    traps=[InvalidOperation, DivisionByZero, Overflow, Inexact],
)
"""The context of exact arithmetic on numbers in range."""

SHOWN: Final = Context(prec=28)
"""How a quotient that does not terminate is shown (a factor of 2/3, say)."""


# -- reading numbers ---------------------------------------------------------------------


def shown(value: object) -> str:
    """``repr(value)``, shortened so a message stays readable."""
    try:
        text = repr(value)
    except ValueError:  # an int too long to print
        return "a number too long to show"
    return text if len(text) <= 60 else f"{text[:45]}... ({len(text):,} characters)"  # noqa: PLR2004


def to_decimal(value: object, where: Sequence[str | int] = ()) -> Decimal:
    """An exact, finite, non-negative Decimal from a Decimal, int, float or string.

    A float is read through its ``str`` (``0.1`` is ``Decimal("0.1")``, not the binary
    approximation); ``"40%"`` is ``Decimal("0.4")``. In a string, a comma is read as
    a thousands separator only in groups of three digits with a decimal point or
    another group after them (``"1,234.50"``, ``"1,234,567"``): ``"10000,50"`` (a
    decimal comma) and ``"1,234"`` (which could be 1234 or 1.234) are refused rather
    than guessed. Numbers are at most :data:`MAX_AMOUNT` (10^15), with at most 30
    digits after the decimal point.

    Raises:
        SpecError: Not a number, NaN, infinite, negative, ambiguous or out of range
            (located at ``where``).

    >>> to_decimal(0.1), to_decimal("40%"), to_decimal(3), to_decimal("1,234.50")
    (Decimal('0.1'), Decimal('0.4'), Decimal('3'), Decimal('1234.50'))
    >>> to_decimal("10000,50")
    Traceback (most recent call last):
    ...
    alignkit.errors.SpecError: <input>: '10000,50' has a decimal comma; write 10000.50

    Added in 0.1.
    """
    try:
        return read_number(value)
    except ValueError as error:
        raise SpecError.single(str(error), Location(path=tuple(where))) from None


def to_amount(value: object, where: Sequence[str | int] = ()) -> Decimal:
    """An amount of money: :func:`to_decimal`, but never a percentage."""
    try:
        return read_number(value, percent=False, what="amount")
    except ValueError as error:
        raise SpecError.single(str(error), Location(path=tuple(where))) from None


def read_number(
    value: object,
    *,
    decimal_comma: bool = False,
    percent: bool = True,
    what: str = "number",
) -> Decimal:
    """``value`` read exactly and checked, or ``ValueError`` with the message to show.

    Args:
        value: A Decimal, an int, a float (read through its shortest form) or text.
        decimal_comma: Text is written with a decimal comma (``10.000,50``).
        percent: Text may be a percentage (``"40%"`` is 0.4).
        what: What the number is, for messages (``amount``, ``number of days``).
    """
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, numbers.Integral) and not isinstance(value, bool):
        number = Decimal(int(value))
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str):
        number = _parse(value, decimal_comma=decimal_comma, percent=percent, what=what)
    else:
        msg = f"Expected a number, got {shown(value)}"
        raise ValueError(msg)  # noqa: TRY004 - reported as a SpecError, a ValueError
    if not number.is_finite():
        msg = f"{shown(value)} is not a finite number"
        raise ValueError(msg)
    if number.is_signed():
        if number:
            msg = f"{shown(value)} is negative"
            raise ValueError(msg)
        number = number.copy_abs()  # -0 is 0
    if number > MAX_AMOUNT:
        msg = f"{shown(value)} is above {LIMIT_TEXT}, the largest {what} alignkit reads"
        raise ValueError(msg)
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -_MAX_PLACES:
        number = number.normalize(Context(prec=len(number.as_tuple().digits), Emin=MIN_EMIN))
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -_MAX_PLACES:
            msg = f"{shown(value)} has more than {_MAX_PLACES} digits after the decimal point"
            raise ValueError(msg)
    return number


class OtherMarkError(ValueError):
    """A number written with the other decimal mark (``10000,50`` for ``10000.50``)."""


_DIGITS: Final = re.compile(r"[0-9]+")
_GROUPED: Final = {
    ",": re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+"),
    ".": re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+"),
}


def _parse(text: str, *, decimal_comma: bool, percent: bool, what: str) -> Decimal:
    """A number written as text: one decimal mark, thousands separators only unambiguous."""
    body = text.strip()
    mark, group = (",", ".") if decimal_comma else (".", ",")
    like = "10000,50" if decimal_comma else "10000.50"
    if len(body) > _MAX_TEXT:
        msg = f"Expected a number, got a cell of {len(body):,} characters"
        raise ValueError(msg)
    percent_sign = body.endswith("%")
    if percent_sign:
        if not percent:
            msg = f"{shown(text)} is a percentage; write the {what} itself, like {like}"
            raise ValueError(msg)
        body = body[:-1].rstrip()
    sign = body[:1] if body[:1] in "+-" else ""
    digits = body[len(sign) :]
    if group in digits:
        whole, has_mark, fraction = digits.partition(mark)
        if _GROUPED[group].fullmatch(whole) and group not in fraction:
            if not has_mark and whole.count(group) == 1:
                one, other = whole.replace(group, ""), whole.replace(group, mark)
                msg = f"{shown(text)} is ambiguous: write {sign}{one} or {sign}{other}"
                raise ValueError(msg)
            digits = whole.replace(group, "") + has_mark + fraction
        else:
            # The other convention (10000,50 or 10.000,50, or the reverse) is named.
            theirs, _, decimals = digits.partition(group)
            if (
                digits.count(group) == 1
                and _DIGITS.fullmatch(decimals)
                and (_DIGITS.fullmatch(theirs) or _GROUPED[mark].fullmatch(theirs))
            ):
                mine = theirs.replace(mark, "") + mark + decimals
                kind = "point" if decimal_comma else "comma"
                msg = f"{shown(text)} has a decimal {kind}; write {sign}{mine}"
                raise OtherMarkError(msg)
            msg = f"Expected a number, got {shown(text)}; write it like {like}"
            raise ValueError(msg)
    if decimal_comma:
        digits = digits.replace(",", ".")
    try:
        number = Decimal(sign + digits)
    except InvalidOperation:
        msg = f"Expected a number, got {shown(text)}; write it like {like}"
        raise ValueError(msg) from None
    if percent_sign and number.is_finite():
        number = EXACT.divide(number, Decimal(100))
    return number


def number_at(
    problems: list[Problem],
    value: object,
    where: tuple[str | int, ...],
    *,
    percent: bool = True,
    what: str = "number",
) -> Decimal | None:
    """``value`` as a number, or ``None`` with its problem, at ``where``, added to ``problems``."""
    try:
        return read_number(value, percent=percent, what=what)
    except ValueError as error:
        problems.append(Problem(str(error), Location(path=where)))
        return None


def number_field(value: object) -> Decimal:
    """A spec field's number: :func:`read_number`, whose ``ValueError`` pydantic reports."""
    return read_number(value)


ExactNumber = Annotated[Decimal, BeforeValidator(number_field)]
"""A spec field holding a number read as :func:`to_decimal` reads it."""


def under(prefix: tuple[str | int, ...], error: SpecError) -> SpecError:
    """``error`` with every path below ``prefix`` (a row's problems at ``[row]``, say)."""
    return SpecError(
        Problem(p.message, attrs.evolve(p.location, path=(*prefix, *p.location.path)), code=p.code)
        for p in error.problems
    )


# -- exact arithmetic, rounded once ------------------------------------------------------


def shown_quotient(numerator: Decimal, denominator: Decimal) -> Decimal:
    """``numerator / denominator``: exact where it terminates, else to 28 digits."""
    if denominator == 1:
        return numerator
    return SHOWN.divide(numerator, denominator)


def exact_quotients(
    numerators: Sequence[Decimal], denominators: Sequence[Decimal]
) -> Sequence[Decimal | Fraction]:
    """Each exact quotient: a Decimal where one is exact, else every one a Fraction.

    Call under :data:`EXACT`, so that an inexact division raises.
    """
    if all(d == 1 for d in denominators):
        return numerators
    try:
        return [n / d for n, d in zip(numerators, denominators, strict=True)]
    except Inexact:
        return [Fraction(n) / Fraction(d) for n, d in zip(numerators, denominators, strict=True)]


def half_up(value: Decimal | Fraction) -> int:
    """``value`` (not negative) rounded half up to an integer, exactly."""
    return math.floor(value * 2 + 1) // 2


def split_units(total_units: int, raw_units: Sequence[Decimal | Fraction]) -> list[int]:
    """Largest remainder: integer parts that add up to ``total_units`` (exact values in)."""
    floors = [math.floor(r) for r in raw_units]
    short = total_units - sum(floors)
    if short > 0:
        order = sorted(range(len(raw_units)), key=lambda i: (floors[i] - raw_units[i], i))
        for i in order[:short]:
            floors[i] += 1
    return floors


def split_ratio(total_units: int, numerators: Iterable[int], denominator: int) -> list[int]:
    """:func:`split_units` of ``numerator / denominator`` each, in integers."""
    floors: list[int] = []
    remainders: list[int] = []
    for numerator in numerators:
        floor, remainder = divmod(numerator, denominator)
        floors.append(floor)
        remainders.append(remainder)
    short = total_units - sum(floors)
    if short > 0:
        # Largest remainder first; a stable sort keeps ties in order (earliest first).
        order = sorted(range(len(floors)), key=remainders.__getitem__, reverse=True)
        for i in order[:short]:
            floors[i] += 1
    return floors


def from_units(units: int, digits: int) -> Decimal:
    """``units`` minor units as an amount with ``digits`` decimals (``Decimal('1.50')``)."""
    return Decimal(units).scaleb(-digits, EXACT)


def units_text(digits: int) -> Callable[[int], str]:
    """How minor units are written: ``str`` of the amount (``12345`` -> ``123.45``)."""
    if digits == 0:
        return str
    unit = 10**digits
    template = f"{{}}.{{:0{digits}d}}"

    def text(units: int) -> str:
        return template.format(*divmod(units, unit))

    return text
