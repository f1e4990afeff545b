"""The implementation of :mod:`alignkit.bonus`; import from ``alignkit.bonus``."""

from __future__ import annotations

import itertools
import math
import numbers
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
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
    localcontext,
)
from fractions import Fraction
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any, Final, Literal, final

import attrs
from pydantic import BeforeValidator, Field, field_validator

from alignkit._csvsafe import SafeCsvWriter
from alignkit._spec import PresetName, SpecModel, TupleOf, also_accepts, declared_twice
from alignkit.diagnostics import Location
from alignkit.errors import Problem, SpecError

if TYPE_CHECKING:
    from alignkit.org import Org

__all__ = [
    # amounts
    "MAX_AMOUNT",
    "MINOR_UNITS",
    # plans and payouts
    "Allocation",
    "Award",
    "BonusPlan",
    "BonusPlanSpec",
    "Component",
    "Nomination",
    "Payout",
    "PayoutArrays",
    "PayoutCurve",
    "PayoutLine",
    "PayoutRow",
    "PayoutSummary",
    "Refusal",
    "allocate",
    # CSV
    "compute_payouts_csv",
    "read_scores_csv",
    "scale_to_pool",
    "to_decimal",
    "write_payouts_csv",
]

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

Scope = Literal["individual", "team", "company", "discretionary"]
_ONE: Final = Decimal(1)
_ZERO: Final = Decimal(0)
_MAX_SCORE: Final = Decimal(10)  # 1,000% attainment
_MAX_PLACES: Final = 30
"""Digits after the decimal point a number may have (a float's shortest form has fewer)."""
_MAX_TEXT: Final = 100
"""Characters a number written as text may have."""
_LIMIT_TEXT: Final = "10^15 (1,000,000,000,000,000)"

# Numbers in range have at most 46 digits, and no product alignkit forms has more than
# a few hundred: with this precision, + - * are exact, and a division that is not
# raises Inexact, so the caller can settle it with fractions instead.
_EXACT: Final = Context(
    prec=2000,
    rounding=ROUND_HALF_EVEN,
    Emin=MIN_EMIN,
    Emax=MAX_EMAX,
    traps=[InvalidOperation, DivisionByZero, Overflow, Inexact],
)
_SHOWN: Final = Context(prec=28)
"""How a quotient that does not terminate is shown (a factor of 2/3, say)."""


# -- reading numbers ---------------------------------------------------------------------


def _shown(value: object) -> str:
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
        return _number(value)
    except ValueError as error:
        raise SpecError.single(str(error), Location(path=tuple(where))) from None


def _number(
    value: object,
    *,
    decimal_comma: bool = False,
    percent: bool = True,
    what: str = "number",
) -> Decimal:
    """``value`` read exactly and checked, or ``ValueError`` with the message to show."""
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, numbers.Integral) and not isinstance(value, bool):
        number = Decimal(int(value))
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str):
        number = _parse(value, decimal_comma=decimal_comma, percent=percent, what=what)
    else:
        msg = f"Expected a number, got {_shown(value)}"
        raise ValueError(msg)  # noqa: TRY004 - reported as a SpecError, a ValueError
    if not number.is_finite():
        msg = f"{_shown(value)} is not a finite number"
        raise ValueError(msg)
    if number.is_signed():
        if number:
            msg = f"{_shown(value)} is negative"
            raise ValueError(msg)
        number = number.copy_abs()  # -0 is 0
    if number > MAX_AMOUNT:
        msg = f"{_shown(value)} is above {_LIMIT_TEXT}, the largest {what} alignkit reads"
        raise ValueError(msg)
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -_MAX_PLACES:
        number = number.normalize(Context(prec=len(number.as_tuple().digits), Emin=MIN_EMIN))
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -_MAX_PLACES:
            msg = f"{_shown(value)} has more than {_MAX_PLACES} digits after the decimal point"
            raise ValueError(msg)
    return number


class _OtherMarkError(ValueError):
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
            msg = f"{_shown(text)} is a percentage; write the {what} itself, like {like}"
            raise ValueError(msg)
        body = body[:-1].rstrip()
    sign = body[:1] if body[:1] in "+-" else ""
    digits = body[len(sign) :]
    if group in digits:
        whole, has_mark, fraction = digits.partition(mark)
        if _GROUPED[group].fullmatch(whole) and group not in fraction:
            if not has_mark and whole.count(group) == 1:
                one, other = whole.replace(group, ""), whole.replace(group, mark)
                msg = f"{_shown(text)} is ambiguous: write {sign}{one} or {sign}{other}"
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
                msg = f"{_shown(text)} has a decimal {kind}; write {sign}{mine}"
                raise _OtherMarkError(msg)
            msg = f"Expected a number, got {_shown(text)}; write it like {like}"
            raise ValueError(msg)
    if decimal_comma:
        digits = digits.replace(",", ".")
    try:
        number = Decimal(sign + digits)
    except InvalidOperation:
        msg = f"Expected a number, got {_shown(text)}; write it like {like}"
        raise ValueError(msg) from None
    if percent_sign and number.is_finite():
        number = _EXACT.divide(number, Decimal(100))
    return number


def _read(
    problems: list[Problem],
    value: object,
    where: tuple[str | int, ...],
    *,
    percent: bool = True,
    what: str = "number",
) -> Decimal | None:
    """``value`` as a number, or ``None`` with the problem added to ``problems``."""
    try:
        return _number(value, percent=percent, what=what)
    except ValueError as error:
        problems.append(Problem(str(error), Location(path=where)))
        return None


def _implausible(name: str, score: Decimal, bound: Decimal) -> str:
    """The message for a score above the plausible maximum, with how to write it."""
    with localcontext(_EXACT):
        attainment = f"{(bound * 100).normalize():,f}"
        return (
            f"Score {score:f} for `{name}` is above the plausible maximum of "
            f"{bound.normalize():f} ({attainment}% attainment); write attainment as a "
            f"fraction: {score.scaleb(-2):f} for {score:f}%"
        )


def _decimal_field(value: object) -> Decimal:
    return _number(value)  # its ValueError is pydantic's message for the field


Amount = Annotated[Decimal, BeforeValidator(_decimal_field)]


class PayoutCurve(SpecModel):
    """How attainment turns into a payout factor: piecewise linear, with options.

    Args:
        points: ``(attainment, factor)`` pairs, attainment strictly increasing and
            factors non-decreasing. Below the first point the factor is 0; above the
            last, the last segment's slope continues (an accelerator), up to ``cap``.
            Each number is at most 10^15, as every number alignkit reads.
        threshold: Below this attainment, the factor is 0.
        cap: The highest factor.

    >>> from decimal import Decimal
    >>> curve = PayoutCurve([(0.5, 0.25), (1, 1), (1.5, 2)], threshold=0.5, cap=2.5)
    >>> curve.factor(Decimal("0.75")), curve.factor(Decimal("2")), curve.factor(Decimal("0.4"))
    (Decimal('0.625'), Decimal('2.5'), Decimal('0'))

    Added in 0.1.
    """

    points: TupleOf[tuple[Amount, Amount]] = Field(min_length=1)
    threshold: Amount | None = None
    cap: Amount | None = None

    def __init__(
        self,
        points: Sequence[tuple[object, object]],
        threshold: object = None,
        cap: object = None,
    ) -> None:
        super().__init__(points=points, threshold=threshold, cap=cap)

    def _invariants(self) -> Iterator[Problem]:
        for i in range(1, len(self.points)):
            (a0, f0), (a1, f1) = self.points[i - 1], self.points[i]
            if a1 <= a0:
                yield Problem(
                    f"Attainment must increase: {a1} follows {a0}", Location(path=("points", i))
                )
            if f1 < f0:
                yield Problem(
                    f"Factors must not decrease: {f1} follows {f0}", Location(path=("points", i))
                )

    @classmethod
    def linear(cls, cap: object = 2) -> PayoutCurve:
        """Factor equals attainment, from 0, capped at ``cap`` (2.0 by default)."""
        return cls([(0, 0), (1, 1)], cap=cap)

    def factor(self, attainment: Decimal) -> Decimal:
        """The payout factor for ``attainment``.

        Exact where the factor has a finite decimal form; a factor such as 2/3 is
        shown to 28 significant digits (payouts use its exact value).
        """
        value = to_decimal(attainment, ("attainment",))
        with localcontext(_EXACT):
            numerator, denominator = self._ratio(value)
        return _quotient(numerator, denominator)

    def _ratio(self, attainment: Decimal) -> tuple[Decimal, Decimal]:
        """The factor as ``numerator / denominator``, exactly (call under ``_EXACT``)."""
        if self.threshold is not None and attainment < self.threshold:
            return _ZERO, _ONE
        points = self.points
        if attainment < points[0][0]:
            return _ZERO, _ONE
        if len(points) == 1:
            numerator, denominator = points[0][1], _ONE
        else:
            (a0, f0), (a1, f1) = points[-2], points[-1]  # beyond the last: its slope goes on
            for (b0, g0), (b1, g1) in itertools.pairwise(points):
                if attainment <= b1:
                    (a0, f0), (a1, f1) = (b0, g0), (b1, g1)
                    break
            denominator = a1 - a0
            numerator = f0 * denominator + (f1 - f0) * (attainment - a0)
        if self.cap is not None and numerator > self.cap * denominator:
            return self.cap, _ONE
        return numerator, denominator


def _quotient(numerator: Decimal, denominator: Decimal) -> Decimal:
    if denominator == 1:
        return numerator
    return _SHOWN.divide(numerator, denominator)


def _weight(value: object) -> object:
    return _decimal_field(value) if isinstance(value, str | float | int) else value


class Component(SpecModel):
    """One part of a bonus: its scope, its weight and how attainment pays.

    Args:
        name: The component's name; scores are given by name.
        scope: individual, team, company or discretionary.
        weight: An exact fraction of one (``Decimal("0.4")``, or ``"40%"``).
        metric: What attainment is measured on (``bookings``, ``nrr`` ...).
        curve: How attainment pays (linear by default).

    Added in 0.1.
    """

    name: str = Field(min_length=1)
    scope: Scope = "individual"
    weight: Decimal = Field(gt=0, le=1)
    metric: str | None = None
    curve: PayoutCurve = Field(default_factory=PayoutCurve.linear)

    def __init__(
        self,
        name: str,
        scope: Scope = "individual",
        weight: object = None,
        metric: str | None = None,
        curve: PayoutCurve | None = None,
    ) -> None:
        super().__init__(
            name=name,
            scope=scope,
            weight=weight,
            metric=metric,
            curve=curve if curve is not None else PayoutCurve.linear(),
        )

    @field_validator("weight", mode="before")
    @classmethod
    def _read_weight(cls, value: object) -> object:
        return _weight(value)


@final
@attrs.frozen
class PayoutLine:
    """One component's share of a payout.

    Added in 0.1.
    """

    component: str
    attainment: Decimal
    factor: Decimal
    weight: Decimal
    amount: Decimal


@final
@attrs.frozen
class Payout:
    """A bonus: the total and its lines, which always add up to it exactly.

    Added in 0.1.
    """

    total: Decimal
    lines: tuple[PayoutLine, ...]
    currency: str
    employee_id: str | None = None

    def line(self, component: str) -> PayoutLine:
        """The line of ``component``.

        Raises:
            KeyError: No such component.
        """
        for line in self.lines:
            if line.component == component:
                return line
        raise KeyError(component)


@final
@attrs.frozen
class PayoutRow:
    """One employee's input to a batch: target bonus, scores, eligibility.

    Added in 0.1.
    """

    employee_id: str
    target_bonus: object
    scores: Mapping[str, object]
    eligible: object = None


def _eligible(
    value: object, where: tuple[str | int, ...], problems: list[Problem]
) -> tuple[Decimal, Decimal]:
    """The eligible share as ``numerator / denominator`` (days / period, or fraction / 1)."""
    if value is None:
        return _ONE, _ONE
    if isinstance(value, tuple) and len(value) == 2:  # noqa: PLR2004 - (days, period)
        days = _read(problems, value[0], (*where, 0), percent=False, what="number of days")
        period = _read(problems, value[1], (*where, 1), percent=False, what="number of days")
        if days is None or period is None:
            return _ONE, _ONE
        if period == 0:
            problems.append(Problem("The period has no days", Location(path=(*where, 1))))
            return _ONE, _ONE
        if days > period:
            problems.append(
                Problem(
                    f"Eligibility is more than the whole period ({_SHOWN.divide(days, period)})",
                    Location(path=where),
                )
            )
        return days, period
    fraction = _read(problems, value, where)
    if fraction is None:
        return _ONE, _ONE
    if fraction > 1:
        problems.append(
            Problem(f"Eligibility is more than the whole period ({fraction})", Location(path=where))
        )
    return fraction, _ONE


def _half_up(value: Decimal | Fraction) -> int:
    """``value`` (not negative) rounded half up to an integer, exactly."""
    return math.floor(value * 2 + 1) // 2


def _split(total_units: int, raw_units: Sequence[Decimal | Fraction]) -> list[int]:
    """Largest remainder: integer parts that add up to ``total_units`` (exact values in)."""
    floors = [math.floor(r) for r in raw_units]
    short = total_units - sum(floors)
    if short > 0:
        order = sorted(range(len(raw_units)), key=lambda i: (floors[i] - raw_units[i], i))
        for i in order[:short]:
            floors[i] += 1
    return floors


def _split_ratio(total_units: int, numerators: Iterable[int], denominator: int) -> list[int]:
    """:func:`_split` of ``numerator / denominator`` each, in integers."""
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


def _quotients(
    numerators: Sequence[Decimal], denominators: Sequence[Decimal]
) -> Sequence[Decimal | Fraction]:
    """Each exact quotient: a Decimal where one is exact, else every one a Fraction."""
    if all(d == 1 for d in denominators):
        return numerators
    try:
        return [n / d for n, d in zip(numerators, denominators, strict=True)]
    except Inexact:
        return [Fraction(n) / Fraction(d) for n, d in zip(numerators, denominators, strict=True)]


def _from_units(units: int, digits: int) -> Decimal:
    """``units`` minor units as an amount with ``digits`` decimals (``Decimal('1.50')``)."""
    return Decimal(units).scaleb(-digits, _EXACT)


class BonusPlan(SpecModel):
    """Components whose weights add up to exactly 100%, paid in one currency.

    Args:
        name: The plan's name.
        currency: The ISO 4217 code of the currency paid.
        components: The components; their weights add up to exactly 1.
        max_score: The highest plausible score (10 by default: 1,000% attainment),
            at least 1. A score above it is refused, never capped: ``110`` is almost
            always 110% typed where the fraction ``1.10`` was meant.

    Payouts are exact to the currency's minor unit for every target bonus up to
    :data:`MAX_AMOUNT` (10^15); a payout above it is refused.

    >>> from alignkit.errors import SpecError
    >>> plan = BonusPlan.blended()
    >>> plan.max_score
    Decimal('10')
    >>> try:
    ...     plan.payout(10_000, {"individual": 110, "team": 1, "company": 1, "silo_buster": 1})
    ... except SpecError as error:
    ...     print(error)  # doctest: +NORMALIZE_WHITESPACE
    scores.individual: Score 110 for `individual` is above the plausible maximum of 10
    (1,000% attainment); write attainment as a fraction: 1.10 for 110%

    Added in 0.1.
    """

    name: str = Field(min_length=1)
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    components: TupleOf[Component] = Field(min_length=1)
    max_score: Amount = Field(default=_MAX_SCORE, ge=1)

    def __init__(
        self,
        name: str,
        currency: str = "USD",
        components: Sequence[Component | Mapping[str, Any]] = (),
        *,
        max_score: object = _MAX_SCORE,
    ) -> None:
        super().__init__(name=name, currency=currency, components=components, max_score=max_score)

    def _invariants(self) -> Iterator[Problem]:
        if self.currency not in MINOR_UNITS:
            yield Problem(
                f"Unknown currency {self.currency!r}; alignkit knows its minor unit for "
                f"{len(MINOR_UNITS)} ISO 4217 codes",
                Location(path=("currency",)),
            )
        with localcontext(_EXACT):
            total = sum((c.weight for c in self.components), _ZERO)
        if total != 1:
            yield Problem(
                f"Component weights add up to {_SHOWN.plus(total).normalize():f} "
                f"({_SHOWN.multiply(total, Decimal(100)):.4g}%), not exactly 1 (100%)",
                Location(path=("components",)),
            )
        yield from declared_twice("Component", "components", (c.name for c in self.components))

    # -- presets --------------------------------------------------------------------------

    @classmethod
    def blended(
        cls, name: str = "blended", currency: str = "USD", *, max_score: object = _MAX_SCORE
    ) -> BonusPlan:
        """40% individual, 30% team, 20% company, 10% silo-buster (discretionary)."""
        return cls(
            name,
            currency,
            [
                Component("individual", "individual", Decimal("0.4")),
                Component("team", "team", Decimal("0.3")),
                Component("company", "company", Decimal("0.2")),
                Component("silo_buster", "discretionary", Decimal("0.1")),
            ],
            max_score=max_score,
        )

    @classmethod
    def individual_only(
        cls, name: str = "individual-only", currency: str = "USD", *, max_score: object = _MAX_SCORE
    ) -> BonusPlan:
        """100% on individual attainment: the plan that buys silos, for comparison."""
        return cls(
            name, currency, [Component("individual", "individual", _ONE)], max_score=max_score
        )

    # -- payouts --------------------------------------------------------------------------

    @property
    def minor_unit(self) -> int:
        """Digits after the decimal point for the plan's currency."""
        return MINOR_UNITS[self.currency]

    @property
    def shared_outcome_share(self) -> Decimal:
        """The weight on team and company components."""
        with localcontext(_EXACT):
            return sum((c.weight for c in self.components if c.scope in ("team", "company")), _ZERO)

    def payout(
        self,
        target_bonus: object,
        scores: Mapping[str, object],
        eligible: object = None,
        *,
        employee_id: str | None = None,
    ) -> Payout:
        """One bonus.

        Args:
            target_bonus: The bonus at 100% attainment, at most :data:`MAX_AMOUNT`
                (10^15), not a percentage.
            scores: Attainment per component name (1.0 is target). A score above the
                plan's ``max_score`` is refused, never capped; within it, each
                component's curve applies, cap included.
            eligible: The share of the period the person was eligible: a fraction, or
                ``(eligible_days, days_in_period)``.
            employee_id: Carried onto the payout.

        Raises:
            SpecError: Every problem at once: a score is missing, unknown, not a
                number, NaN, infinite, negative or above ``max_score``; ``scores`` is
                not a mapping; the target or eligibility is not a valid number; the
                employee id is not text; or the payout is above :data:`MAX_AMOUNT`.
        """
        problems: list[Problem] = []
        target = _read(problems, target_bonus, ("target_bonus",), percent=False, what="amount")
        attainments = self._attainments(scores, problems)
        share = _eligible(eligible, ("eligible",), problems)
        if employee_id is not None and not isinstance(employee_id, str):
            problems.append(
                Problem(
                    f"Expected an employee id (text), got {_shown(employee_id)}",
                    Location(path=("employee_id",)),
                )
            )
        if problems or target is None:
            raise SpecError(problems)
        return self._pay(target, attainments, share, employee_id)

    def _attainments(self, scores: object, problems: list[Problem]) -> list[Decimal]:
        """Each component's score, checked; problems are added to ``problems``."""
        if not isinstance(scores, Mapping):
            problems.append(
                Problem(
                    f"Expected a mapping from component name to score, got {_shown(scores)}",
                    Location(path=("scores",)),
                )
            )
            return [_ZERO for _ in self.components]
        known = {c.name for c in self.components}
        problems.extend(
            Problem(
                f"Unknown component {_shown(name)}; the plan has {', '.join(sorted(known))}",
                Location(path=("scores", name if isinstance(name, str | int) else repr(name))),
            )
            for name in scores
            if name not in known
        )
        attainments: list[Decimal] = []
        for component in self.components:
            where = ("scores", component.name)
            if component.name not in scores:
                problems.append(
                    Problem(f"No score for component {component.name!r}", Location(path=where))
                )
                attainments.append(_ZERO)
                continue
            attainment = _read(problems, scores[component.name], where)
            if attainment is None:
                attainment = _ZERO
            elif attainment > self.max_score:
                problems.append(
                    Problem(
                        _implausible(component.name, attainment, self.max_score),
                        Location(path=where),
                    )
                )
            attainments.append(attainment)
        return attainments

    def _pay(
        self,
        target: Decimal,
        attainments: Sequence[Decimal],
        share: tuple[Decimal, Decimal],
        employee_id: str | None,
    ) -> Payout:
        """The payout, exactly: every line's amount is a quotient of exact products."""
        digits = self.minor_unit
        with localcontext(_EXACT):
            ratios = [c.curve._ratio(a) for c, a in zip(self.components, attainments, strict=True)]  # noqa: SLF001
            base = target * share[0] * (10**digits)
            raw = _quotients(
                [base * c.weight * n for c, (n, _) in zip(self.components, ratios, strict=True)],
                [d * share[1] for _, d in ratios],
            )
            total_units = _half_up(sum(raw[1:], raw[0]))  # one kind: no Decimal + Fraction
            if total_units > MAX_AMOUNT.scaleb(digits):
                raise SpecError.single(
                    f"The payout on a target bonus of {target} is above {_LIMIT_TEXT}, "
                    "the largest amount alignkit pays",
                    Location(path=("target_bonus",)),
                )
            units = _split(total_units, raw)
        lines = tuple(
            PayoutLine(c.name, a, _quotient(*r), c.weight, _from_units(u, digits))
            for c, a, r, u in zip(self.components, attainments, ratios, units, strict=True)
        )
        return Payout(_from_units(total_units, digits), lines, self.currency, employee_id)

    def payout_arrays(
        self,
        target_bonus: Any,  # noqa: ANN401 - any array-like of numbers
        scores: Mapping[str, Any],
    ) -> PayoutArrays:
        """Payouts for a whole company at once, exact, in integer minor units.

        Needs NumPy (``pip install 'alignkit[fast]'``). Numbers are read as
        :meth:`payout` reads floats, through their shortest decimal form, and every
        result equals :meth:`payout`'s to the cent: the integer computation is used
        only where it is proven exact and cannot overflow (a steep, uncapped curve
        can take a row out of that range), and the rest is settled exactly.

        Args:
            target_bonus: One target per employee: a one-dimensional array (or
                sequence) of integers or floats.
            scores: Component name -> one attainment per employee.

        Raises:
            SpecError: A component has no scores, or an unknown one is given; an
                input is not a one-dimensional array of numbers of the same length;
                a row holds a NaN, infinite or negative number, a score above the
                plan's ``max_score``, or a payout above :data:`MAX_AMOUNT` (located
                at its index).
        """
        return _payout_arrays(self, target_bonus, scores)

    def payouts(self, rows: Iterable[PayoutRow | Mapping[str, Any]]) -> Iterator[Payout]:
        """One payout per row, in order, each carrying the row's employee id.

        Rows are :class:`PayoutRow` or mappings with ``employee_id``, ``target_bonus``,
        ``scores`` and optionally ``eligible``. An employee id is text (an integer is
        read as its digits), and is paid once: a row repeating an earlier row's id is
        an error, never a second payout.

        Raises:
            SpecError: ``rows`` is not iterable, or a row is bad (not a row, a missing
                or unknown key, a bad id or number) or repeats an employee id; its
                problems are located at ``[row index]``.
        """
        try:
            iterator = iter(rows)
        except TypeError:
            raise SpecError.single(
                f"Expected rows (PayoutRow or mappings), got {_shown(rows)}"
            ) from None
        seen: dict[str, int] = {}
        for index, item in enumerate(iterator):
            row = _payout_row(item, index)
            first = seen.setdefault(row.employee_id, index)
            if first != index:
                raise SpecError.single(
                    f"Duplicate employee_id {row.employee_id!r} at rows {first} and {index}",
                    Location(path=(index, "employee_id")),
                )
            try:
                payout = self.payout(
                    row.target_bonus, row.scores, row.eligible, employee_id=row.employee_id
                )
            except SpecError as error:
                raise _at((index,), error) from None
            yield payout


def _at(prefix: tuple[str | int, ...], error: SpecError) -> SpecError:
    """``error`` with every path below ``prefix``."""
    return SpecError(
        Problem(p.message, attrs.evolve(p.location, path=(*prefix, *p.location.path)), code=p.code)
        for p in error.problems
    )


_ROW_KEYS: Final = ("employee_id", "target_bonus", "scores", "eligible")


def _payout_row(item: object, index: int) -> PayoutRow:
    """``item`` as a row with a text employee id, or a SpecError at ``[index]``."""
    if isinstance(item, PayoutRow):
        employee: object = item.employee_id
        row = item
    elif isinstance(item, Mapping):
        problems = [
            Problem(f"Row has an unknown key {_shown(key)}", Location(path=(index,)))
            for key in item
            if key not in _ROW_KEYS
        ] + [
            Problem(f"Row has no {key!r}", Location(path=(index,)))
            for key in _ROW_KEYS[:3]
            if key not in item
        ]
        if problems:
            raise SpecError(problems)
        employee = item["employee_id"]
        row = PayoutRow("", item["target_bonus"], item["scores"], item.get("eligible"))
    else:
        raise SpecError.single(
            f"Expected a PayoutRow or a mapping, got {_shown(item)}", Location(path=(index,))
        )
    if isinstance(employee, int) and not isinstance(employee, bool):
        employee = str(employee)
    if not isinstance(employee, str) or not employee:
        raise SpecError.single(
            f"Expected an employee id (text), got {_shown(employee)}",
            Location(path=(index, "employee_id")),
        )
    return attrs.evolve(row, employee_id=employee) if row.employee_id != employee else row


def _payout_units(payout: object, index: int, currency: str | None) -> tuple[int, list[int]]:
    """A payout's total and lines in minor units, checked; a SpecError at its index."""
    where = ("payouts", index)
    if not isinstance(payout, Payout):
        raise SpecError.single(f"Expected a Payout, got {_shown(payout)}", Location(path=where))
    if not isinstance(payout.currency, str) or payout.currency not in MINOR_UNITS:
        raise SpecError.single(
            f"Unknown currency {_shown(payout.currency)}", Location(path=(*where, "currency"))
        )
    if currency is not None and payout.currency != currency:
        raise SpecError.single(
            f"Payouts mix currencies: {', '.join(sorted({currency, payout.currency}))}",
            Location(path=(*where, "currency")),
        )
    if not isinstance(payout.lines, tuple) or not all(
        isinstance(line, PayoutLine) for line in payout.lines
    ):
        raise SpecError.single(
            f"Expected a tuple of PayoutLine, got {_shown(payout.lines)}",
            Location(path=(*where, "lines")),
        )
    digits = MINOR_UNITS[payout.currency]
    amounts = [("total", payout.total)] + [
        (f"lines[{j}]", line.amount) for j, line in enumerate(payout.lines)
    ]
    units = []
    for name, amount in amounts:
        try:
            value = _number(amount, what="amount") if isinstance(amount, Decimal) else None
        except ValueError:
            value = None
        whole = value.scaleb(digits, _EXACT) if value is not None else None
        if whole is None or whole != whole.to_integral_value():
            raise SpecError.single(
                f"Expected an amount in {payout.currency} of at most {digits} decimals, "
                f"got {_shown(amount)}",
                Location(path=(*where, name)),
            )
        units.append(int(whole))
    if sum(units[1:]) != units[0]:
        raise SpecError.single(
            "The payout's lines do not add up to its total", Location(path=(*where, "lines"))
        )
    return units[0], units[1:]


def _pool(budget: Decimal, digits: int, total_units: int) -> tuple[int, int, int]:
    """The pool in whole minor units, and ``pool / total`` as ``numerator, denominator``."""
    numerator, denominator = budget.as_integer_ratio()
    numerator *= 10**digits
    return numerator // denominator, numerator, denominator * total_units


def scale_to_pool(payouts: Sequence[Payout], pool: object) -> list[Payout]:
    """Scale payouts pro rata when they exceed a pool, so they sum to it exactly.

    Payouts within the pool are returned unchanged. Otherwise each is scaled by
    ``pool / total``, and the minor units are split by largest remainder, with the
    remainders compared exactly: the totals add up to ``pool`` to the cent, and each
    payout's lines to its total.

    Raises:
        SpecError: ``pool`` is not a valid amount (at most :data:`MAX_AMOUNT`), the
            payouts mix currencies, or an item is not a :class:`Payout` whose lines
            add up to its total in its currency's minor unit (located at its index).

    Added in 0.1.
    """
    budget = _amount(pool, ("pool",))
    try:
        items = list(payouts)
    except TypeError:
        raise SpecError.single(
            f"Expected a sequence of payouts, got {_shown(payouts)}", Location(path=("payouts",))
        ) from None
    if not items:
        return []
    first = items[0].currency if isinstance(items[0], Payout) else None
    found = [_payout_units(p, i, first) for i, p in enumerate(items)]
    digits = MINOR_UNITS[items[0].currency]
    total = sum(t for t, _ in found)
    if total <= budget.scaleb(digits, _EXACT):
        return items
    budget_units, numerator, denominator = _pool(budget, digits, total)
    units = _split_ratio(budget_units, [t * numerator for t, _ in found], denominator)
    out = []
    for payout, unit, (_, lines) in zip(items, units, found, strict=True):
        line_units = _split_ratio(unit, [u * numerator for u in lines], denominator)
        out.append(
            attrs.evolve(
                payout,
                total=_from_units(unit, digits),
                lines=tuple(
                    attrs.evolve(line, amount=_from_units(u, digits))
                    for line, u in zip(payout.lines, line_units, strict=True)
                ),
            )
        )
    return out


def _amount(value: object, where: Sequence[str | int] = ()) -> Decimal:
    """An amount of money: :func:`to_decimal`, but never a percentage."""
    try:
        return _number(value, percent=False, what="amount")
    except ValueError as error:
        raise SpecError.single(str(error), Location(path=tuple(where))) from None


# -- CSV as HR systems exchange it -------------------------------------------------------


def read_scores_csv(
    source: str | os.PathLike[str] | IO[str],
    plan: BonusPlan,
    *,
    decimal_comma: bool = False,
) -> Iterator[PayoutRow]:
    r"""Read scores the way HR systems export them, checking every row first.

    Columns: ``employee_id``, ``target_bonus``, one column per component, and optionally
    ``eligible`` (a fraction) or ``eligible_days`` and ``period_days``; other columns
    are ignored. Each employee has exactly one row, and each row as many cells as the
    header. Scores are fractions of target (``1.10`` or ``110%`` for 110%), at most
    the plan's ``max_score``; a percentage is refused where an amount or a number of
    days is expected.

    Numbers are written with a decimal point (``10000.50``); a comma is a thousands
    separator only where it cannot be a decimal comma (``10,000.50``), and a number
    that could be read either way (``1,234``) is refused. With
    ``decimal_comma=True`` the sheet is read the other way round: ``10000,50`` and
    ``10.000,50``.

    Every row is checked before any is returned, so a bad file yields nothing. The
    rows hold the numbers read, as :class:`~decimal.Decimal`.

    >>> import io
    >>> sheet = io.StringIO(
    ...     "employee_id,target_bonus,individual,team,company,silo_buster\n"
    ...     "e1,10000,1.10,1,1,1\n"
    ...     "e2,10000,110,1,1,1\n"
    ...     "e1,5000,1,1,1,1\n"
    ... )
    >>> from alignkit.errors import SpecError
    >>> try:
    ...     read_scores_csv(sheet, BonusPlan.blended())
    ... except SpecError as error:
    ...     print(error)  # doctest: +NORMALIZE_WHITESPACE
    2 problems:
      <csv>:3:3: Score 110 for `individual` is above the plausible maximum of 10
        (1,000% attainment); write attainment as a fraction: 1.10 for 110%
      <csv>:4:1: Duplicate employee_id 'e1' on rows 2 and 4; give each employee one row

    Raises:
        SpecError: Every problem at once (the first thousand, in a file with more),
            each at its file, row (the header is row 1) and column: a missing or
            repeated column, a row with more or fewer cells than the header, an empty
            or repeated employee id, a bad or ambiguous number. A file that cannot be
            read at all (missing, empty, not UTF-8) is one problem with the code
            ``AK010``.

    Added in 0.1.
    """
    from alignkit._csvio import open_table

    rows: list[PayoutRow] = []
    with open_table(source) as table:
        sheet = _ScoresSheet(table.name, table.header, plan, decimal_comma=decimal_comma)
        sheet.raise_for_header()
        for row, line, raw in table.rows:
            found = sheet.check(row, line, raw)
            if found is None:
                continue
            employee, cells, _ = found
            read = sheet.exact(row, line, cells)
            if read is not None:
                rows.append(PayoutRow(employee, *read[0]))
        sheet.raise_for_rows(table.problems)
    return iter(rows)


_OPTIONAL_COLUMNS: Final = ("eligible", "eligible_days", "period_days")
_MAX_PROBLEMS: Final = 1000
"""Problems kept from one sheet; beyond them, only how many more there are."""


def _score_columns(
    header: Sequence[str], plan: BonusPlan, name: str
) -> tuple[dict[str, int], list[Problem]]:
    """The place of each column read, and any problem with the header."""
    needed = ["employee_id", "target_bonus", *(c.name for c in plan.components)]
    read = {*needed, *_OPTIONAL_COLUMNS}
    columns: dict[str, int] = {}
    problems: list[Problem] = []
    for j, cell in enumerate(header):
        key = cell.strip()
        if key in columns and key in read:
            problems.append(
                Problem(f"Duplicate column {key!r}", Location(name, row=1, line=1, column=j + 1))
            )
        columns.setdefault(key, j)
    missing = [c for c in needed if c not in columns]
    if missing:
        problems.append(
            Problem(
                f"Missing column{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))}",
                Location(name, row=1, line=1, column=1),
            )
        )
    for given, wanted in (("eligible_days", "period_days"), ("period_days", "eligible_days")):
        if given in columns and wanted not in columns:
            problems.append(
                Problem(
                    f"Missing column {wanted!r} (needed with {given!r})",
                    Location(name, row=1, line=1, column=1),
                )
            )
    return columns, problems


def _score_column(path: Sequence[str | int], *, days: bool) -> str | None:
    """The column of a payout problem's path."""
    match tuple(path):
        case ("scores", str(component)):
            return component
        case ("eligible", 1):
            return "period_days"
        case ("eligible",):
            return "eligible_days" if days else "eligible"
        case (str(key),):
            return key
    return None


_Read = tuple[tuple[Decimal, dict[str, Decimal], object], Payout]
"""A row's numbers (target, scores, eligibility) and its payout."""


class _ScoresSheet:
    """The columns of a scores sheet and the checks of its rows, one row at a time.

    The one reader of scores: :func:`read_scores_csv` and :func:`compute_payouts_csv`
    check every row with it, so both refuse exactly the same sheets.
    """

    def __init__(
        self, name: str, header: Sequence[str], plan: BonusPlan, *, decimal_comma: bool
    ) -> None:
        self.name = name
        self.plan = plan
        self.decimal_comma = decimal_comma
        self.columns, self.header_problems = _score_columns(header, plan, name)
        self.width = len(header)
        self.first_row: dict[str, int] = {}
        self.problems: list[Problem] = []
        self.more = 0
        self.eligibility = [self.columns[key] for key in _OPTIONAL_COLUMNS if key in self.columns]

    def raise_for_header(self) -> None:
        """Raise the header's problems, if it has any."""
        if self.header_problems:
            raise SpecError(self.header_problems)

    def raise_for_rows(self, extra: Sequence[Problem] = ()) -> None:
        """Raise every problem found in the rows, if there is any, in reading order."""
        found = sorted(self.problems, key=lambda p: (p.location.row or 0, p.location.column or 0))
        problems = [*found, *extra]
        if self.more:
            problems.append(
                Problem(
                    f"{self.more:,} more problems are not shown; fix the ones above and run again",
                    Location(self.name),
                )
            )
        if problems:
            raise SpecError(problems)

    @property
    def failed(self) -> bool:
        """Whether any row has a problem."""
        return bool(self.problems)

    def add(self, message: str, row: int, line: int, column: int | None, key: str | None) -> None:
        """Record a problem at a cell (or a row, without ``column``)."""
        if len(self.problems) >= _MAX_PROBLEMS:
            self.more += 1
            return
        path = (key,) if key is not None else ()
        self.problems.append(
            Problem(message, Location(self.name, row=row, line=line, column=column, path=path))
        )

    def check(self, row: int, line: int, raw: list[str]) -> tuple[str, list[str], bool] | None:
        """A row's id, stripped cells and whether the id is sound; problems are noted.

        ``None`` for a row of another width than the header's.
        """
        cells = list(map(str.strip, raw))
        id_column = self.columns["employee_id"]
        employee = cells[id_column] if id_column < len(cells) else ""
        sound = False
        if id_column < len(cells):
            first = self.first_row.setdefault(employee, row)
            if not employee:
                self.add("Empty 'employee_id'", row, line, id_column + 1, "employee_id")
            elif first != row:
                self.add(
                    f"Duplicate employee_id {employee!r} on rows {first} and {row}; "
                    "give each employee one row",
                    row,
                    line,
                    id_column + 1,
                    "employee_id",
                )
            else:
                sound = True
        if len(cells) != self.width:
            self.add(
                f"Row has {len(cells)} cells but the header has {self.width}",
                row,
                line,
                min(len(cells), self.width) + 1,
                None,
            )
            return None
        return employee, cells, sound

    def _cell(
        self,
        cells: Sequence[str],
        key: str,
        found: list[tuple[str | None, str]],
        *,
        percent: bool = True,
        what: str = "number",
    ) -> Decimal | None:
        """The number in column ``key``, or ``None`` with its problem added to ``found``."""
        text = cells[self.columns[key]] if key in self.columns else ""
        try:
            return _number(text, decimal_comma=self.decimal_comma, percent=percent, what=what)
        except _OtherMarkError as error:
            hint = "" if self.decimal_comma else " (or read the sheet with decimal commas)"
            found.append((key, f"{error}{hint}"))
        except ValueError as error:
            found.append((key, str(error)))
        return None

    def _given(self, cells: Sequence[str], key: str) -> bool:
        return key in self.columns and bool(cells[self.columns[key]])

    def exact(self, row: int, line: int, cells: Sequence[str]) -> _Read | None:
        """A row's numbers and payout, computed exactly; ``None`` (noted) if bad."""
        found: list[tuple[str | None, str]] = []
        target = self._cell(cells, "target_bonus", found, percent=False, what="amount")
        scores: dict[str, Decimal] = {}
        for component in self.plan.components:
            score = self._cell(cells, component.name, found)
            scores[component.name] = _ZERO if score is None else score
        eligible: object = None
        days = False
        if self._given(cells, "eligible"):
            eligible = self._cell(cells, "eligible", found)
        elif self._given(cells, "eligible_days"):
            given = self._cell(cells, "eligible_days", found, percent=False, what="number of days")
            period = self._cell(cells, "period_days", found, percent=False, what="number of days")
            days = given is not None and period is not None
            eligible = (given, period) if days else None
        try:
            payout = self.plan.payout(_ZERO if target is None else target, scores, eligible)
        except SpecError as error:
            found.extend(
                (_score_column(p.location.path, days=days), p.message) for p in error.problems
            )
        if found:
            place = {
                key: self.columns[key]
                for key, _ in found
                if key is not None and key in self.columns
            }
            for key, message in sorted(found, key=lambda f: place.get(f[0] or "", -1)):
                column = place.get(key or "")
                if column is None:  # pragma: no cover - every payout problem has its column
                    self.add(message, row, line, None, None)
                else:
                    self.add(message, row, line, column + 1, key)
            return None
        return (_ZERO if target is None else target, scores, eligible), payout


def write_payouts_csv(
    payouts: Iterable[Payout], plan: BonusPlan, stream: IO[str] | None = None
) -> str:
    """Write payouts as CSV, safe to open in a spreadsheet.

    Returns the text when no ``stream`` is given (and ``""`` when writing to one).

    Columns: ``employee_id``, ``currency``, ``total``, then one amount per component.
    """
    import io

    out = stream if stream is not None else io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(_header(plan))
    writer.writerows(
        [
            payout.employee_id or "",
            payout.currency,
            str(payout.total),
            *(str(line.amount) for line in payout.lines),
        ]
        for payout in payouts
    )
    return out.getvalue() if stream is None and isinstance(out, io.StringIO) else ""


def _header(plan: BonusPlan) -> list[str]:
    return ["employee_id", "currency", "total", *(c.name for c in plan.components)]


# -- a payout file for a whole company, streamed -----------------------------------------


@final
@attrs.frozen
class PayoutSummary:
    """What :func:`compute_payouts_csv` wrote.

    Attributes:
        count: How many payouts (one per employee).
        total: Their total, exact.
        currency: The plan's currency.
        scaled: Whether the payouts were scaled down to the pool.
        checked: How many rows were computed on the exact Decimal path rather than
            the vectorised one (all of them without NumPy).

    Added in 0.4.
    """

    count: int
    total: Decimal
    currency: str
    scaled: bool
    checked: int


_CHUNK: Final = 50_000
"""Rows read, computed and written at a time."""
_PLAIN_LENGTH: Final = 15
"""A cell of at most this many characters that a float reads, reads as that float."""


def compute_payouts_csv(
    scores: str | os.PathLike[str] | IO[str],
    plan: BonusPlan,
    output: str | os.PathLike[str] | IO[str],
    *,
    pool: object = None,
    decimal_comma: bool = False,
    progress: Callable[[int], None] | None = None,
) -> PayoutSummary:
    r"""Compute every employee's payout from a scores CSV and write them as CSV.

    Reads the sheet as :func:`read_scores_csv` does, and writes what
    :func:`write_payouts_csv` would, to the cent, without holding the file: rows are
    read, checked, computed and written a chunk at a time, so the memory used does
    not grow with the file beyond one set of its employee ids. With NumPy (``pip
    install 'alignkit[fast]'``) each chunk is computed in exact integer arithmetic
    (as :meth:`BonusPlan.payout_arrays`), and any row it cannot prove exact (a
    percentage, many decimals, an eligibility, a number out of its range) on the
    exact Decimal path; the file is the same either way.

    Nothing is written unless the whole run succeeds: the payouts go to a temporary
    file beside ``output`` that replaces it at the end, so on any error (a duplicate
    id in the last row, say) an earlier file at ``output`` is left as it was. A
    stream given as ``output`` receives the whole file at the end, or nothing.

    With ``pool``, the payouts are scaled as :func:`scale_to_pool` scales them if
    their total exceeds it. That needs the total before the first row is written:
    the run keeps each row's id and amounts in integer minor units (about 100 bytes a
    row), scales them exactly at the end, then writes.

    Args:
        scores: The scores CSV: a path or a text stream.
        plan: The plan paid.
        output: Where the payouts go: a path or a text stream.
        pool: At most this much is paid in all (an amount, not a percentage).
        decimal_comma: Read numbers written with a decimal comma (``10.000,50``).
        progress: Called with the number of characters of each line read.

    Returns:
        How many payouts were written, and their total.

    Raises:
        SpecError: Every problem of the sheet, as :func:`read_scores_csv` reports
            them, or a bad ``pool``. Nothing is written.
        OSError: ``output`` cannot be written. Nothing is written.

    >>> import io
    >>> sheet = io.StringIO(
    ...     "employee_id,target_bonus,individual,team,company,silo_buster\n"
    ...     "e1,10000,1.2,0.5,1.0,0\n"
    ...     "e2,5000,100%,1,1,1\n"
    ... )
    >>> out = io.StringIO()
    >>> compute_payouts_csv(sheet, BonusPlan.blended(), out)
    PayoutSummary(count=2, total=Decimal('13300.00'), currency='USD', scaled=False, checked=1)
    >>> print(out.getvalue(), end="")
    employee_id,currency,total,individual,team,company,silo_buster
    e1,USD,8300.00,4800.00,1500.00,2000.00,0.00
    e2,USD,5000.00,2000.00,1500.00,1000.00,500.00

    Added in 0.4.
    """
    budget = _amount(pool, ("pool",)) if pool is not None else None
    if isinstance(output, str | os.PathLike):
        with _replacing(os.fspath(output)) as stream:
            return _pay_sheet(scores, plan, stream, budget, decimal_comma, progress)
    import shutil
    import tempfile

    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as spool:
        summary = _pay_sheet(scores, plan, spool, budget, decimal_comma, progress)
        spool.seek(0)
        shutil.copyfileobj(spool, output)
    return summary


@contextmanager
def _replacing(path: str) -> Iterator[IO[str]]:
    """A new file beside ``path`` that replaces it only if the block succeeds."""
    import secrets
    import stat

    target = Path(path).absolute()
    while True:
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:
            # 0o666 less the umask, as for any new file; an existing file keeps its mode.
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:  # pragma: no cover - 48 random bits taken
            continue
    try:
        with open(descriptor, "w", encoding="utf-8", newline="") as stream:  # noqa: PTH123
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if target.exists():
            temporary.chmod(stat.S_IMODE(target.stat().st_mode))
        temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _pay_sheet(
    source: str | os.PathLike[str] | IO[str],
    plan: BonusPlan,
    stream: IO[str],
    budget: Decimal | None,
    decimal_comma: bool,
    progress: Callable[[int], None] | None,
) -> PayoutSummary:
    from alignkit._csvio import open_table

    try:
        import numpy  # noqa: F401, ICN001 - only whether it is there
    except ImportError:
        fast = False
    else:
        fast = True
    digits = plan.minor_unit
    writer = SafeCsvWriter(stream)
    kept = _Kept(len(plan.components)) if budget is not None else None
    count = total = checked = 0
    with open_table(source, progress=progress) as table:
        sheet = _ScoresSheet(table.name, table.header, plan, decimal_comma=decimal_comma)
        sheet.raise_for_header()
        writer.writerow(_header(plan))
        for chunk in _chunks(table.rows, _CHUNK):
            ids, totals, lines, slow = _pay_chunk(sheet, chunk, fast=fast)
            checked += slow
            if sheet.failed:
                continue  # nothing will be written: the rest is only checked
            count += len(ids)
            total += sum(totals)
            if kept is not None:
                kept.add(ids, totals, lines)
            else:
                _write_units(writer, plan.currency, digits, ids, totals, lines)
        sheet.raise_for_rows(table.problems)
        del sheet  # its set of ids is no longer needed
    scaled = False
    if kept is not None and budget is not None:
        scaled = total > budget.scaleb(digits, _EXACT)
        if scaled:
            total = kept.scale(budget, digits, total)
        kept.write(writer, plan.currency, digits)
    return PayoutSummary(count, _from_units(total, digits), plan.currency, scaled, checked)


def _chunks(
    rows: Iterator[tuple[int, int, list[str]]], size: int
) -> Iterator[list[tuple[int, int, list[str]]]]:
    while chunk := list(itertools.islice(rows, size)):
        yield chunk


def _pay_chunk(
    sheet: _ScoresSheet, chunk: list[tuple[int, int, list[str]]], *, fast: bool
) -> tuple[list[str], list[int], list[list[int]], int]:
    """The ids, totals and lines (minor units) of a chunk's good rows.

    Also how many rows took the exact path. Problems are recorded in ``sheet``.
    """
    found = []
    for row, line, raw in chunk:
        checked = sheet.check(row, line, raw)
        if checked is not None:
            found.append((row, line, *checked))
    if fast and found:
        totals, lines, slow = _vector_chunk(sheet, [f[3] for f in found])
    else:
        totals = [0] * len(found)
        lines = [[] for _ in found]
        slow = list(range(len(found)))
    digits = sheet.plan.minor_unit
    bad = set()
    for i in slow:
        row, line, _, cells, _ = found[i]
        read = sheet.exact(row, line, cells)
        if read is None:
            bad.add(i)
            continue
        payout = read[1]
        totals[i] = int(payout.total.scaleb(digits, _EXACT))
        lines[i] = [int(p.amount.scaleb(digits, _EXACT)) for p in payout.lines]
    keep = [i for i, f in enumerate(found) if f[4] and i not in bad]
    return (
        [found[i][2] for i in keep],
        [totals[i] for i in keep],
        [lines[i] for i in keep],
        len(slow),
    )


def _vector_chunk(
    sheet: _ScoresSheet, rows: list[list[str]]
) -> tuple[list[int], list[list[int]], list[int]]:
    """Totals and lines of a chunk's rows, in integer arithmetic.

    Also the indexes of the rows it cannot prove exact, for the exact path.
    """
    import numpy as np

    plan, columns = sheet.plan, sheet.columns
    target, slow = _plain_floats(
        [r[columns["target_bonus"]] for r in rows], decimal_comma=sheet.decimal_comma
    )
    scores = []
    for component in plan.components:
        texts = [r[columns[component.name]] for r in rows]
        values, odd = _plain_floats(texts, decimal_comma=sheet.decimal_comma)
        with np.errstate(invalid="ignore"):
            odd |= values > float(plan.max_score) * (1 - 1e-9)  # judged exactly, and located
        slow |= odd
        scores.append(values)
    for j in sheet.eligibility:
        slow |= np.fromiter((bool(r[j]) for r in rows), dtype=bool, count=len(rows))
    totals, lines = _vector_units(plan, target, scores, slow)
    return totals.tolist(), lines.tolist(), np.flatnonzero(slow).tolist()


def _plain_floats(texts: list[str], *, decimal_comma: bool) -> tuple[Any, Any]:
    """``texts`` as floats, and where a float may not be what the text means.

    A text of at most 15 characters that ``float`` reads has at most 15 significant
    digits, so it is the float's shortest form, and :func:`_fixed` proves whether it
    has few enough decimals; anything longer or unusual goes the exact way.
    """
    import numpy as np

    if decimal_comma:
        texts = [t.replace(",", ".") if "." not in t else "" for t in texts]
    long = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) > _PLAIN_LENGTH
    try:
        values = np.array(texts, dtype=np.float64)
    except ValueError:
        values = np.array([_float_or_nan(t) for t in texts], dtype=np.float64)
    return values, long


def _float_or_nan(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan


def _write_units(
    writer: SafeCsvWriter,
    currency: str,
    digits: int,
    ids: Sequence[str],
    totals: Sequence[int],
    lines: Sequence[Sequence[int]],
) -> None:
    text = _money_text(digits)
    for employee, total, parts in zip(ids, totals, lines, strict=True):
        writer.writerow([employee, currency, text(total), *map(text, parts)])


def _money_text(digits: int) -> Callable[[int], str]:
    """How minor units are written: ``str`` of the amount (``12345`` -> ``123.45``)."""
    if digits == 0:
        return str
    unit = 10**digits
    template = f"{{}}.{{:0{digits}d}}"

    def text(units: int) -> str:
        return template.format(*divmod(units, unit))

    return text


class _Kept:
    """Every good row's id and amounts in minor units, compactly, to scale to a pool."""

    def __init__(self, width: int) -> None:
        from array import array

        self.width = width
        self.ids: list[str] = []
        self.totals = array("q")
        self.lines = array("q")  # row-major, ``width`` a row

    def add(self, ids: list[str], totals: list[int], lines: list[list[int]]) -> None:
        self.ids.extend(ids)
        self.totals.extend(totals)
        self.lines.extend(itertools.chain.from_iterable(lines))

    def scale(self, budget: Decimal, digits: int, total: int) -> int:
        """Scale every row to ``budget`` as :func:`scale_to_pool` does; the new total."""
        from array import array

        budget_units, numerator, denominator = _pool(budget, digits, total)
        units = array(
            "q", _split_ratio(budget_units, (t * numerator for t in self.totals), denominator)
        )
        k = self.width
        lines = self.lines
        for i, unit in enumerate(units):
            row = slice(i * k, (i + 1) * k)
            parts = [u * numerator for u in lines[row]]
            floors = [u // denominator for u in parts]
            if sum(floors) != unit:
                floors = _split_ratio(unit, parts, denominator)
            lines[row] = array("q", floors)
        self.totals = units
        return budget_units

    def write(self, writer: SafeCsvWriter, currency: str, digits: int) -> None:
        k = self.width
        for start in range(0, len(self.ids), _CHUNK):
            stop = min(start + _CHUNK, len(self.ids))
            lines = [self.lines[i * k : (i + 1) * k] for i in range(start, stop)]
            _write_units(
                writer, currency, digits, self.ids[start:stop], self.totals[start:stop], lines
            )


# -- silo-buster nominations -------------------------------------------------------------


class Nomination(SpecModel):
    """Someone from another function nominates a colleague for solving a problem across departments.

    Added in 0.1.
    """

    nominator: str = Field(min_length=1)
    nominee: str = Field(min_length=1)
    reason: str = Field(min_length=1)

    def __init__(self, nominator: str, nominee: str, reason: str) -> None:
        super().__init__(nominator=nominator, nominee=nominee, reason=reason)


@final
@attrs.frozen
class Award:
    """A nominee's share of the discretionary pool, with every reason given.

    Added in 0.1.
    """

    nominee: str
    amount: Decimal
    reasons: tuple[str, ...]


@final
@attrs.frozen
class Refusal:
    """A nomination that does not count, and why.

    Added in 0.1.
    """

    nomination: Nomination
    why: str


@final
@attrs.frozen
class Allocation:
    """How a discretionary pool was split: awards, refused nominations, any remainder.

    Added in 0.1.
    """

    awards: tuple[Award, ...]
    refused: tuple[Refusal, ...]
    unallocated: Decimal


def _nominations(nominations: object) -> list[Nomination]:
    """Each nomination, a :class:`Nomination` or its fields as a mapping."""
    try:
        items = list(nominations)  # type: ignore[call-overload]
    except TypeError:
        raise SpecError.single(
            f"Expected nominations, got {_shown(nominations)}", Location(path=("nominations",))
        ) from None
    found: list[Nomination] = []
    problems: list[Problem] = []
    for index, item in enumerate(items):
        if isinstance(item, Nomination):
            found.append(item)
        elif isinstance(item, Mapping):
            try:
                found.append(Nomination.model_validate(item))
            except SpecError as error:
                problems.extend(_at(("nominations", index), error).problems)
        else:
            problems.append(
                Problem(
                    f"Expected a Nomination or a mapping, got {_shown(item)}",
                    Location(path=("nominations", index)),
                )
            )
    if problems:
        raise SpecError(problems)
    return found


def allocate(
    pool: object,
    nominations: Iterable[Nomination],
    org: Org,
    cap: object = None,
    *,
    currency: str = "USD",
) -> Allocation:
    """Split a discretionary pool by cross-department endorsements, exactly.

    Only nominations from another function count; self-nominations, repeats and
    nominations of or by people outside the org are refused, each with the reason. The
    pool is split in proportion to each nominee's endorsements; with ``cap``, nobody
    gets more, and the rest goes to the others. Awards add up to the pool to the cent
    (or to what the caps allow; the rest is ``unallocated``).

    Args:
        pool: The amount to split, at most :data:`MAX_AMOUNT`.
        nominations: :class:`Nomination` objects, or mappings of their fields.
        org: The organisation the nominator and nominee belong to.
        cap: The most one nominee gets.
        currency: The ISO 4217 code of the pool's currency.

    Raises:
        SpecError: ``pool`` or ``cap`` is not a valid amount, the currency is unknown,
            ``org`` is not an :class:`~alignkit.org.Org`, or a nomination is not one.

    Added in 0.1.
    """
    from alignkit.org import Org

    problems: list[Problem] = []
    budget = _read(problems, pool, ("pool",), percent=False, what="amount")
    limit = (
        _read(problems, cap, ("cap",), percent=False, what="amount") if cap is not None else None
    )
    if not isinstance(currency, str) or currency not in MINOR_UNITS:
        problems.append(
            Problem(f"Unknown currency {_shown(currency)}", Location(path=("currency",)))
        )
    if not isinstance(org, Org):
        problems.append(Problem(f"Expected an Org, got {_shown(org)}", Location(path=("org",))))
    if problems or budget is None:
        raise SpecError(problems)
    digits = MINOR_UNITS[currency]
    counted: dict[str, list[str]] = {}
    refused: list[Refusal] = []
    seen: set[tuple[str, str]] = set()
    for nomination in _nominations(nominations):
        nominator = org.get_person(nomination.nominator)
        nominee = org.get_person(nomination.nominee)
        why = None
        if nomination.nominator == nomination.nominee:
            why = "A self-nomination does not count"
        elif nominator is None or nominee is None:
            who = nomination.nominator if nominator is None else nomination.nominee
            why = f"`{who}` is not in the org"
        elif nominator.function == nominee.function:
            why = f"Both are in {nominee.function}; only nominations from another function count"
        elif (nomination.nominator, nomination.nominee) in seen:
            why = f"`{nomination.nominator}` already nominated `{nomination.nominee}`"
        if why is not None:
            refused.append(Refusal(nomination, why))
            continue
        seen.add((nomination.nominator, nomination.nominee))
        counted.setdefault(nomination.nominee, []).append(nomination.reason)
    budget_units = math.floor(budget.scaleb(digits, _EXACT))
    cap_units = math.floor(limit.scaleb(digits, _EXACT)) if limit is not None else None
    shares = _water_fill(budget_units, {k: len(v) for k, v in counted.items()}, cap_units)
    awards = tuple(
        Award(nominee, _from_units(units, digits), tuple(counted[nominee]))
        for nominee, units in shares.items()
    )
    given = sum(shares.values())
    return Allocation(awards, tuple(refused), _from_units(budget_units - given, digits))


def _water_fill(units: int, weights: Mapping[str, int], cap: int | None) -> dict[str, int]:
    """Split ``units`` in proportion to ``weights``, nobody above ``cap``, exactly."""
    result = dict.fromkeys(weights, 0)
    open_ = dict(weights)
    remaining = units
    while open_ and remaining > 0:
        total = sum(open_.values())
        if cap is not None:
            # result + remaining * w / total >= cap, in integers
            over = [k for k, w in open_.items() if (result[k] - cap) * total + remaining * w >= 0]
            if over:
                for k in over:
                    remaining -= cap - result[k]
                    result[k] = cap
                    del open_[k]
                continue
        keys = list(open_)
        shares = _split_ratio(remaining, [remaining * open_[k] for k in keys], total)
        for k, u in zip(keys, shares, strict=True):
            result[k] += u
        remaining = 0
    return result


# -- the alignment file's bonus_plans section --------------------------------------------


class BonusPlanSpec(SpecModel):
    """A bonus plan as written in an alignment file, and the functions paid on it.

    Either ``preset`` (``blended`` or ``individual_only``, with ``metrics`` naming what
    each preset component measures) or ``components``.

    Added in 0.1.
    """

    name: str = Field(min_length=1, description="The plan's name.")
    preset: Annotated[Literal["blended", "individual_only"] | None, PresetName] = Field(
        default=None,
        description="Start from a preset (`individual-only` is read the same).",
        json_schema_extra=also_accepts("individual-only"),
    )
    currency: str = Field(default="USD", description="ISO 4217 code.")
    components: TupleOf[Component] = Field(default=(), description="The components.")
    metrics: dict[str, str] = Field(
        default_factory=dict, description="Component name -> the metric it pays on."
    )
    functions: TupleOf[str] = Field(default=(), description="The functions paid on this plan.")
    max_score: Amount = Field(
        default=_MAX_SCORE,
        ge=1,
        description=(
            "The highest plausible score, at least 1 (10: 1,000% attainment); "
            "a score above it is refused, never capped."
        ),
    )

    def _invariants(self) -> Iterator[Problem]:
        if (self.preset is None) == (not self.components):
            yield Problem("Give `preset` or `components`", Location())
            return
        try:
            plan = self.build()
        except SpecError as error:
            yield from error.problems
            return
        names = {c.name for c in plan.components}
        for name in self.metrics:
            if name not in names:
                yield Problem(
                    f"`metrics` names {name!r}, which is not a component",
                    Location(path=("metrics", name)),
                )

    def build(self) -> BonusPlan:
        """The plan.

        Raises:
            SpecError: The components do not make a plan (weights, names, currency).
        """
        if self.preset == "blended":
            plan = BonusPlan.blended(self.name, self.currency, max_score=self.max_score)
        elif self.preset == "individual_only":
            plan = BonusPlan.individual_only(self.name, self.currency, max_score=self.max_score)
        else:
            plan = BonusPlan(self.name, self.currency, self.components, max_score=self.max_score)
        if not self.metrics:
            return plan
        return BonusPlan(
            plan.name,
            plan.currency,
            [
                c.model_copy(update={"metric": self.metrics[c.name]})
                if c.name in self.metrics
                else c
                for c in plan.components
            ],
            max_score=plan.max_score,
        )


# -- a whole company at once -------------------------------------------------------------


@final
@attrs.frozen(eq=False)
class PayoutArrays:
    """Payouts for many employees at once, in integer minor units (exact).

    Attributes:
        totals: Each employee's total, in minor units (cents for USD).
        lines: One row per employee, one column per component, in minor units; each
            row adds up to its total.
        currency: The plan's currency.
        checked: How many rows were settled by the exact Decimal path because the fast
            path could not prove its rounding (near a half unit, say) or its range
            (a steep, uncapped curve).

    Added in 0.1.
    """

    totals: Any
    lines: Any
    currency: str
    checked: int

    def total(self, index: int) -> Decimal:
        """Employee ``index``'s total as a Decimal."""
        return _from_units(int(self.totals[index]), MINOR_UNITS[self.currency])


_FIXED: Final = 10_000  # scores, weights and curve points in units of 0.0001
_FACTOR_LIMIT: Final = 2**59
"""The largest ``factor * common`` (or curve value) the integer path computes."""
_LINE_LIMIT: Final = 2**60
"""The largest sum of a row's exact lines the integer path computes."""


def _fixed(values: Any, scale: int) -> tuple[Any, Any]:  # noqa: ANN401 - numpy arrays
    """Values as exact integers in units of 1/scale, and where that is not possible."""
    import numpy as np

    with np.errstate(invalid="ignore", over="ignore"):
        scaled = np.rint(values * scale)
        # A float equal to k/scale is read (through its shortest decimal) as exactly k/scale.
        exact = np.isfinite(values) & (values >= 0) & (scaled / scale == values)
        exact &= scaled < 2**52
    return np.where(exact, scaled, 0).astype(np.int64), ~exact


def _column(values: object, where: tuple[str | int, ...]) -> Any:  # noqa: ANN401 - numpy
    """``values`` as a float64 array, or a SpecError: numbers only, no booleans."""
    import numpy as np

    try:
        array = np.asarray(values)
        if array.dtype.kind in "iuf" or (array.dtype.kind == "O" and array.size):
            return np.asarray(array, dtype=np.float64)  # no copy of a float64 array
    except (TypeError, ValueError, OverflowError):
        pass
    raise SpecError.single(
        f"Expected an array of numbers, got {_shown(values)}", Location(path=where)
    )


def _payout_arrays(
    plan: BonusPlan,
    target_bonus: Any,  # noqa: ANN401 - any array-like of numbers
    scores: Mapping[str, Any],
) -> PayoutArrays:
    try:
        import numpy as np
    except ImportError:
        msg = "payout_arrays needs NumPy: pip install 'alignkit[fast]'"
        raise ModuleNotFoundError(msg, name="numpy") from None

    if not isinstance(scores, Mapping):
        raise SpecError.single(
            f"Expected a mapping from component name to scores, got {_shown(scores)}",
            Location(path=("scores",)),
        )
    names = [c.name for c in plan.components]
    problems = [
        Problem(f"No scores for component {n!r}", Location(path=("scores", n)))
        for n in names
        if n not in scores
    ] + [
        Problem(f"Unknown component {_shown(n)}", Location(path=("scores", str(n))))
        for n in scores
        if n not in names
    ]
    if problems:
        raise SpecError(problems)
    target = _column(target_bonus, ("target_bonus",))
    # Component-major: one contiguous array per component.
    columns = [np.ascontiguousarray(_column(scores[name], ("scores", name))) for name in names]
    n = target.shape[0] if target.ndim == 1 else -1
    if target.ndim != 1 or any(c.shape != (n,) for c in columns):
        raise SpecError.single("target_bonus and scores need one value per employee")
    implausible = list(_implausible_rows(plan, names, columns))
    if implausible:
        raise SpecError(implausible)
    slow = np.zeros(n, dtype=bool)
    totals, lines = _vector_units(plan, target, columns, slow)
    checked = np.flatnonzero(slow)
    for row in checked:
        i = int(row)
        try:
            payout = plan.payout(
                float(target[i]), {name: float(columns[j][i]) for j, name in enumerate(names)}
            )
        except SpecError as error:
            raise _at((i,), error) from None
        totals[i] = int(payout.total.scaleb(plan.minor_unit, _EXACT))
        lines[i] = [int(line.amount.scaleb(plan.minor_unit, _EXACT)) for line in payout.lines]
    return PayoutArrays(totals, lines, plan.currency, len(checked))


def _vector_units(
    plan: BonusPlan,
    target: Any,  # noqa: ANN401 - numpy arrays
    columns: list[Any],
    slow: Any,  # noqa: ANN401
) -> tuple[Any, Any]:
    """Totals and lines in minor units, in int64, where that is exact and in range.

    Every other row is marked in ``slow`` (in place) and left at 0, for the exact path:
    a number that is not a whole number of 0.01 (targets) or 0.0001 (scores), a
    curve the integers cannot follow, a factor or a line that could overflow, and a
    payout above :data:`MAX_AMOUNT`.
    """
    import numpy as np

    n, k = target.shape[0], len(columns)
    unit = 10**plan.minor_unit
    money_scale = max(unit, 100)  # targets are read to the cent even where the unit is larger
    money, inexact = _fixed(target, money_scale)
    slow |= inexact
    attains = []
    for column in columns:
        attain, inexact = _fixed(column, _FIXED)
        attains.append(attain)
        slow |= inexact
    common = _common_width(plan)
    exact: list[Any] = []
    for component, attain in zip(plan.components, attains, strict=True):
        with localcontext(_EXACT):
            weight = component.weight * _FIXED
        found = _curve_fixed(component.curve, attain, common)
        if found is None or weight != weight.to_integral_value():
            slow[:] = True
            return np.zeros(n, dtype=np.int64), np.zeros((n, k), dtype=np.int64)
        factor, risky = found
        if risky is not None:
            slow |= risky
        # Each line is factor * weight * money. When the largest factor and target cannot
        # overflow, no row can; else a float estimate per row (relative error near 1e-16)
        # keeps every line computed far below the int64 limit, so the integers never wrap.
        if n and int(factor.max()) * int(weight) * int(money.max()) > _LINE_LIMIT // k:
            size = factor.astype(np.float64) * float(weight) * money.astype(np.float64)
            slow |= size > _LINE_LIMIT / k
        exact.append(factor * int(weight))
    safe_money = np.where(slow, 0, money)
    # Each line is in units of 1 / (money_scale * _FIXED**2 * common) of the currency.
    denominator = _FIXED * _FIXED * (common or 1) * (money_scale // unit)
    totals, lines = _round_lines([line * safe_money for line in exact], denominator)
    slow |= totals > int(MAX_AMOUNT) * unit  # refused, with its message, by the exact path
    return totals, lines


def _implausible_rows(
    plan: BonusPlan, names: Sequence[str], columns: list[Any]
) -> Iterator[Problem]:
    """Every score above ``max_score``, judged as :meth:`BonusPlan.payout` judges it."""
    import numpy as np

    bound = plan.max_score
    # Near the bound, a float is read through its shortest decimal form, exactly.
    near = float(bound) * (1 - 1e-9)
    for name, column in zip(names, columns, strict=True):
        with np.errstate(invalid="ignore"):
            candidates = np.flatnonzero(np.isfinite(column) & (column > near))
        for i in candidates:
            score = Decimal(repr(float(column[i])))
            if score > bound:
                yield Problem(
                    _implausible(name, score, bound), Location(path=(int(i), "scores", name))
                )


def _round_lines(exact: list[Any], denominator: int) -> tuple[Any, Any]:
    """Totals rounded half up, and lines split by largest remainder, in minor units."""
    import numpy as np

    n = exact[0].shape[0]
    floors = []
    remainders = []
    total_exact = np.zeros(n, dtype=np.int64)
    for line in exact:
        total_exact += line
        floor, remainder = np.divmod(line, denominator)
        floors.append(floor)
        remainders.append(remainder)
    totals = (total_exact + denominator // 2) // denominator
    short = totals - sum(floors)
    # Ties go to the earlier component (the rule of BonusPlan.payout): a line's rank is
    # how many lines beat it, with one comparison per pair.
    ranks = [np.zeros(n, dtype=np.int8) for _ in exact]
    for i in range(len(exact)):
        for j in range(i + 1, len(exact)):
            ahead = remainders[i] >= remainders[j]
            ranks[j] += ahead
            ranks[i] += ~ahead
    lines = np.column_stack([f + (r < short) for f, r in zip(floors, ranks, strict=True)])
    return totals, lines


def _common_width(plan: BonusPlan) -> int | None:
    """The least common multiple of every curve segment's width, in units of 0.0001."""
    common = 1
    with localcontext(_EXACT):
        for component in plan.components:
            points = component.curve.points
            for (a0, f0), (a1, f1) in itertools.pairwise(points):
                width, rise = (a1 - a0) * _FIXED, (f1 - f0) * _FIXED
                if width != int(width) or rise != int(rise):
                    return None
                # The slope rise/width in lowest terms: only its denominator matters.
                common = math.lcm(common, int(width) // math.gcd(int(width), int(rise)))
    return common if common < _FIXED * _FIXED else None


def _curve_fixed(curve: PayoutCurve, attain: Any, common: int | None) -> tuple[Any, Any] | None:  # noqa: ANN401 - numpy arrays
    """``factor * common`` in units of 0.0001, exactly, and where it could overflow.

    The rows that could overflow are left at 0 (``None`` when there are none). The
    whole result is ``None`` when the curve has no such form.
    """
    import numpy as np

    if common is None:
        return None
    with localcontext(_EXACT):
        values = [v * _FIXED for point in curve.points for v in point]
        values += [v * _FIXED for v in (curve.threshold, curve.cap) if v is not None]
        if any(v != int(v) or v > _FACTOR_LIMIT for v in values):
            return None
        xs = [int(a * _FIXED) for a, _ in curve.points]
        ys = [int(f * _FIXED) * common for _, f in curve.points]
    # slope = (rise/g) / (width/g), so factor * common is an integer:
    # y0 * common + (rise/g) * dx * (common / (width/g)).
    slopes = []
    for (x0, y0), (x1, y1) in itertools.pairwise(zip(xs, ys, strict=True)):
        width, rise = x1 - x0, (y1 - y0) // common
        g = math.gcd(width, rise)
        slopes.append((rise // g) * (common // (width // g)))
    if max(ys) > _FACTOR_LIMIT or max(slopes, default=0) > _FACTOR_LIMIT:
        return None
    # factor <= max(ys) + max(slopes) * attain: rows above the limit are left to the
    # exact path (their attainment is set to 0 here, so nothing wraps).
    risky = None
    top = int(attain.max()) if attain.size else 0
    if max(ys) + max(slopes, default=0) * top > _FACTOR_LIMIT:
        estimate = float(max(ys)) + float(max(slopes, default=0)) * attain.astype(np.float64)
        risky = estimate > _FACTOR_LIMIT
        attain = np.where(risky, 0, attain)
    if len(xs) == 1:
        factor = np.where(attain >= xs[0], ys[0], 0).astype(np.int64)
    else:
        if len(xs) == 2:  # noqa: PLR2004 - one segment (the linear preset): no lookup needed
            factor = ys[0] + slopes[0] * (attain - xs[0])
        else:
            points = np.array(xs, dtype=np.int64)
            segment = np.clip(np.searchsorted(points, attain, side="right") - 1, 0, len(xs) - 2)
            factor = np.array(ys, dtype=np.int64)[segment] + np.array(slopes, dtype=np.int64)[
                segment
            ] * (attain - points[segment])
        factor = np.where(attain < xs[0], 0, factor)
    if curve.threshold is not None:
        factor = np.where(attain < int(curve.threshold * _FIXED), 0, factor)
    if curve.cap is not None and int(curve.cap * _FIXED) * common < 2**62:
        # A cap above that is far above every factor computed here.
        factor = np.minimum(factor, int(curve.cap * _FIXED) * common)
    return factor, risky
