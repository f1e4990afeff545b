"""Blended bonus plans: components, payout curves and exact payouts.

Paying only on individual quotas buys silos. A blended plan pays part of every bonus on
team and company outcomes and keeps a discretionary share for people who solve problems
across departments (the "silo-buster"): by default 40% individual, 30% team, 20%
company, 10% silo-buster.

Money is exact: amounts are :class:`~decimal.Decimal`, rounded once, at the end, to the
currency's minor unit, and the lines of a payout always add up to its total.

>>> from decimal import Decimal
>>> from alignkit.bonus import BonusPlan
>>> plan = BonusPlan.blended()
>>> scores = {"individual": 1.2, "team": 0.5, "company": 1.0, "silo_buster": 0}
>>> payout = plan.payout(10_000, scores)
>>> payout.total
Decimal('8300.00')
>>> for line in payout.lines:
...     print(line.component, line.amount)
individual 4800.00
team 1500.00
company 2000.00
silo_buster 0.00

Added in 0.1.
"""

from __future__ import annotations

import io
import itertools
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, DecimalException, InvalidOperation
from typing import IO, TYPE_CHECKING, Annotated, Any, Final, Literal, final

import attrs
from pydantic import BeforeValidator, Field, field_validator

from alignkit._csvsafe import escape_cell
from alignkit._spec import PresetName, SpecModel, TupleOf, also_accepts, declared_twice
from alignkit.diagnostics import Location
from alignkit.errors import Problem, SpecError

if TYPE_CHECKING:
    from alignkit._csvio import CsvRow
    from alignkit.org import Org

__all__ = [
    "MINOR_UNITS",
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
    "Refusal",
    "allocate",
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

Scope = Literal["individual", "team", "company", "discretionary"]
_ONE: Final = Decimal(1)
_ZERO: Final = Decimal(0)
_MAX_SCORE: Final = Decimal(10)  # 1,000% attainment


def to_decimal(value: object, where: Sequence[str | int] = ()) -> Decimal:
    """An exact, finite, non-negative Decimal from a Decimal, int, float or string.

    A float is read through its ``str`` (``0.1`` is ``Decimal("0.1")``, not the binary
    approximation); ``"40%"`` is ``Decimal("0.4")``.

    Raises:
        SpecError: Not a number, NaN, infinite or negative (located at ``where``).

    >>> to_decimal(0.1), to_decimal("40%"), to_decimal(3)
    (Decimal('0.1'), Decimal('0.4'), Decimal('3'))

    Added in 0.1.
    """
    location = Location(path=tuple(where))
    if isinstance(value, bool):
        raise SpecError.single(f"Expected a number, got {value!r}", location)
    try:
        if isinstance(value, Decimal):
            number = value
        elif isinstance(value, int):
            number = Decimal(value)
        elif isinstance(value, float):
            number = Decimal(str(value))
        elif isinstance(value, str):
            text = value.strip().replace(",", "").replace("_", "")
            number = Decimal(text[:-1].strip()) / 100 if text.endswith("%") else Decimal(text)
        else:
            raise SpecError.single(f"Expected a number, got {value!r}", location)
    except InvalidOperation:
        raise SpecError.single(f"Expected a number, got {value!r}", location) from None
    if not number.is_finite():
        raise SpecError.single(f"{value!r} is not a finite number", location)
    if number < 0:
        raise SpecError.single(f"{value!r} is negative", location)
    return number


def _implausible(name: str, score: Decimal, bound: Decimal) -> str:
    """The message for a score above the plausible maximum, with how to write it."""
    attainment = f"{(bound * 100).normalize():,f}"
    return (
        f"Score {score:f} for `{name}` is above the plausible maximum of "
        f"{bound.normalize():f} ({attainment}% attainment); write attainment as a "
        f"fraction: {score.scaleb(-2):f} for {score:f}%"
    )


def _decimal_field(value: object) -> Decimal:
    try:
        return to_decimal(value)
    except SpecError as error:
        raise ValueError(error.problems[0].message) from None


Amount = Annotated[Decimal, BeforeValidator(_decimal_field)]


class PayoutCurve(SpecModel):
    """How attainment turns into a payout factor: piecewise linear, with options.

    Args:
        points: ``(attainment, factor)`` pairs, attainment strictly increasing and
            factors non-decreasing. Below the first point the factor is 0; above the
            last, the last segment's slope continues (an accelerator), up to ``cap``.
        threshold: Below this attainment, the factor is 0.
        cap: The highest factor.

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
        """The payout factor for ``attainment``."""
        if self.threshold is not None and attainment < self.threshold:
            return _ZERO
        points = self.points
        if attainment < points[0][0]:
            return _ZERO
        for (a0, f0), (a1, f1) in itertools.pairwise(points):
            if attainment <= a1:
                value = f0 + (f1 - f0) * (attainment - a0) / (a1 - a0)
                break
        else:
            if len(points) == 1:
                value = points[0][1]
            else:
                (a0, f0), (a1, f1) = points[-2], points[-1]
                value = f1 + (f1 - f0) * (attainment - a1) / (a1 - a0)
        if self.cap is not None and value > self.cap:
            return self.cap
        return value


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


def _eligible(value: object, where: Sequence[str | int]) -> Decimal:
    if value is None:
        return _ONE
    if isinstance(value, tuple) and len(value) == 2:  # noqa: PLR2004 - (days, period)
        days = to_decimal(value[0], (*where, 0))
        period = to_decimal(value[1], (*where, 1))
        if period == 0:
            raise SpecError.single("The period has no days", Location(path=(*where, 1)))
        fraction = days / period
    else:
        fraction = to_decimal(value, where)
    if fraction > 1:
        raise SpecError.single(
            f"Eligibility is more than the whole period ({fraction})", Location(path=tuple(where))
        )
    return fraction


def _split(total_units: int, raw_units: Sequence[Decimal]) -> list[int]:
    """Largest remainder: integer parts that add up to ``total_units``."""
    floors = [int(r.to_integral_value(rounding=ROUND_FLOOR)) for r in raw_units]
    short = total_units - sum(floors)
    order = sorted(range(len(raw_units)), key=lambda i: (floors[i] - raw_units[i], i))
    for i in order[: max(short, 0)]:
        floors[i] += 1
    return floors


class BonusPlan(SpecModel):
    """Components whose weights add up to exactly 100%, paid in one currency.

    Args:
        name: The plan's name.
        currency: The ISO 4217 code of the currency paid.
        components: The components; their weights add up to exactly 1.
        max_score: The highest plausible score (10 by default: 1,000% attainment),
            at least 1. A score above it is refused, never capped: ``110`` is almost
            always 110% typed where the fraction ``1.10`` was meant.

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
        total = sum((c.weight for c in self.components), _ZERO)
        if total != 1:
            yield Problem(
                f"Component weights add up to {total.normalize():f} ({total * 100:.4g}%), "
                "not exactly 1 (100%)",
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
            target_bonus: The bonus at 100% attainment.
            scores: Attainment per component name (1.0 is target). A score above the
                plan's ``max_score`` is refused, never capped; within it, each
                component's curve applies, cap included.
            eligible: The share of the period the person was eligible: a fraction, or
                ``(eligible_days, days_in_period)``.
            employee_id: Carried onto the payout.

        Raises:
            SpecError: A score is missing, unknown, NaN, infinite, negative or above
                ``max_score``; the target or eligibility is not a valid number, or the
                payout is too large to compute exactly.
        """
        target = to_decimal(target_bonus, ("target_bonus",))
        share = _eligible(eligible, ("eligible",))
        known = {c.name for c in self.components}
        problems = [
            Problem(
                f"Unknown component {name!r}; the plan has {', '.join(sorted(known))}",
                Location(path=("scores", name)),
            )
            for name in scores
            if name not in known
        ]
        attainments: list[Decimal] = []
        for component in self.components:
            if component.name not in scores:
                problems.append(
                    Problem(
                        f"No score for component {component.name!r}",
                        Location(path=("scores", component.name)),
                    )
                )
                attainments.append(_ZERO)
                continue
            where = ("scores", component.name)
            try:
                attainment = to_decimal(scores[component.name], where)
            except SpecError as error:
                problems.extend(error.problems)
                attainment = _ZERO
            if attainment > self.max_score:
                problems.append(
                    Problem(
                        _implausible(component.name, attainment, self.max_score),
                        Location(path=where),
                    )
                )
            attainments.append(attainment)
        if problems:
            raise SpecError(problems)
        try:
            return self._pay(target, attainments, share, employee_id)
        except DecimalException:
            raise SpecError.single(
                f"The payout on a target bonus of {target} is too large to compute exactly",
                Location(path=("target_bonus",)),
            ) from None

    def _pay(
        self,
        target: Decimal,
        attainments: Sequence[Decimal],
        share: Decimal,
        employee_id: str | None,
    ) -> Payout:
        factors = [c.curve.factor(a) for c, a in zip(self.components, attainments, strict=True)]
        scale = Decimal(10) ** self.minor_unit
        raw = [
            target * c.weight * f * share * scale
            for c, f in zip(self.components, factors, strict=True)
        ]
        exact_total = sum(raw, _ZERO)
        total_units = int(exact_total.to_integral_value(rounding=ROUND_HALF_UP))
        units = _split(total_units, raw)
        quantum = _ONE / scale
        lines = tuple(
            PayoutLine(c.name, a, f, c.weight, (Decimal(u) / scale).quantize(quantum))
            for c, a, f, u in zip(self.components, attainments, factors, units, strict=True)
        )
        return Payout(
            (Decimal(total_units) / scale).quantize(quantum), lines, self.currency, employee_id
        )

    def payout_arrays(
        self,
        target_bonus: Any,  # noqa: ANN401 - any array-like of numbers
        scores: Mapping[str, Any],
    ) -> PayoutArrays:
        """Payouts for a whole company at once, exact, in integer minor units.

        Needs NumPy (``pip install 'alignkit[fast]'``). Numbers are read as
        :meth:`payout` reads floats, through their shortest decimal form, and every
        result equals :meth:`payout`'s to the cent: the float computation is used only
        where its rounding is proven, and the rest is settled exactly.

        Args:
            target_bonus: One target per employee.
            scores: Component name -> one attainment per employee.

        Raises:
            SpecError: A component has no scores, or an unknown one is given, or a row
                holds a NaN, infinite or negative number, or a score above the plan's
                ``max_score`` (located at its index).
        """
        return _payout_arrays(self, target_bonus, scores)

    def payouts(self, rows: Iterable[PayoutRow | Mapping[str, Any]]) -> Iterator[Payout]:
        """One payout per row, in order, each carrying the row's employee id.

        Rows are :class:`PayoutRow` or mappings with ``employee_id``, ``target_bonus``,
        ``scores`` and optionally ``eligible``. An employee id is paid once: a row
        repeating an earlier row's id is an error, never a second payout.

        Raises:
            SpecError: A row is bad or repeats an employee id; its problems are located
                at ``[row index]``.
        """
        seen: dict[str, int] = {}
        for index, row in enumerate(rows):
            if isinstance(row, Mapping):
                try:
                    row = PayoutRow(  # noqa: PLW2901 - the same row, normalised
                        str(row["employee_id"]),
                        row["target_bonus"],
                        row["scores"],
                        row.get("eligible"),
                    )
                except KeyError as error:
                    raise SpecError.single(
                        f"Row has no {error.args[0]!r}", Location(path=(index,))
                    ) from None
            first = seen.setdefault(row.employee_id, index)
            if first != index:
                raise SpecError.single(
                    f"Duplicate employee_id {row.employee_id!r} at rows {first} and {index}",
                    Location(path=(index, "employee_id")),
                )
            try:
                yield self.payout(
                    row.target_bonus, row.scores, row.eligible, employee_id=row.employee_id
                )
            except SpecError as error:
                raise SpecError(
                    Problem(
                        p.message,
                        attrs.evolve(p.location, path=(index, *p.location.path)),
                    )
                    for p in error.problems
                ) from None


def scale_to_pool(payouts: Sequence[Payout], pool: object) -> list[Payout]:
    """Scale payouts pro rata when they exceed a pool, so they sum to it exactly.

    Payouts within the pool are returned unchanged. Otherwise each is scaled by
    ``pool / total``, and the minor units are split by largest remainder: the totals add
    up to ``pool`` to the cent, and each payout's lines to its total.

    Raises:
        SpecError: ``pool`` is not a valid amount, or the payouts mix currencies.

    Added in 0.1.
    """
    budget = to_decimal(pool, ("pool",))
    if not payouts:
        return []
    currencies = {p.currency for p in payouts}
    if len(currencies) > 1:
        raise SpecError.single(f"Payouts mix currencies: {', '.join(sorted(currencies))}")
    scale = Decimal(10) ** MINOR_UNITS[payouts[0].currency]
    total = sum((p.total for p in payouts), _ZERO)
    if total <= budget:
        return list(payouts)
    budget_units = int((budget * scale).to_integral_value(rounding=ROUND_FLOOR))
    ratio = budget / total
    units = _split(budget_units, [p.total * ratio * scale for p in payouts])
    quantum = _ONE / scale
    out = []
    for payout, unit in zip(payouts, units, strict=True):
        line_units = _split(unit, [line.amount * ratio * scale for line in payout.lines])
        lines = tuple(
            attrs.evolve(line, amount=(Decimal(u) / scale).quantize(quantum))
            for line, u in zip(payout.lines, line_units, strict=True)
        )
        out.append(
            attrs.evolve(payout, total=(Decimal(unit) / scale).quantize(quantum), lines=lines)
        )
    return out


# -- CSV as HR systems exchange it -------------------------------------------------------


def read_scores_csv(
    source: str | os.PathLike[str] | IO[str], plan: BonusPlan
) -> Iterator[PayoutRow]:
    r"""Read scores the way HR systems export them, checking every row first.

    Columns: ``employee_id``, ``target_bonus``, one column per component, and optionally
    ``eligible`` (a fraction) or ``eligible_days`` and ``period_days``; other columns
    are ignored. Each employee has exactly one row, and each row as many cells as the
    header. Scores are fractions of target (``1.10`` or ``110%`` for 110%), at most
    the plan's ``max_score``.

    Every row is checked before any is returned, so a bad file yields nothing.

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
        SpecError: Every problem at once, each at its file, row (the header is row 1)
            and column: a missing or repeated column, a row with more or fewer cells
            than the header, an empty or repeated employee id, a bad number. A file
            that cannot be read at all (missing, empty, not UTF-8) is one problem
            with the code ``AK010``.

    Added in 0.1.
    """
    from alignkit._csvio import read_table

    name, header, found, problems = read_table(source)
    columns, header_problems = _score_columns(header, plan, name)
    if header_problems:
        raise SpecError([*header_problems, *problems])
    rows, row_problems = _score_rows(name, columns, len(header), found, plan)
    if row_problems or problems:
        raise SpecError([*row_problems, *problems])
    return iter(rows)


_OPTIONAL_COLUMNS: Final = ("eligible", "eligible_days", "period_days")


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


def _score_rows(
    name: str, columns: Mapping[str, int], width: int, found: Iterable[CsvRow], plan: BonusPlan
) -> tuple[list[PayoutRow], list[Problem]]:
    """The rows of a scores sheet, or every problem in them."""
    rows: list[PayoutRow] = []
    problems: list[Problem] = []
    first_row: dict[str, int] = {}

    def at(item: CsvRow, key: str | None, column: int | None = None) -> Location:
        if key is not None:
            column = columns[key] + 1
        path = (key,) if key is not None else ()
        return Location(name, row=item.row, line=item.line, column=column, path=path)

    for item in found:
        cells = [cell.strip() for cell in item.cells]
        if len(cells) != width:
            problems.append(
                Problem(
                    f"Row has {len(cells)} cells but the header has {width}",
                    at(item, None, min(len(cells), width) + 1),
                )
            )
        if columns["employee_id"] < len(cells):
            employee = cells[columns["employee_id"]]
            first = first_row.setdefault(employee, item.row)
            if not employee:
                problems.append(Problem("Empty 'employee_id'", at(item, "employee_id")))
            elif first != item.row:
                problems.append(
                    Problem(
                        f"Duplicate employee_id {employee!r} on rows {first} and {item.row}; "
                        "give each employee one row",
                        at(item, "employee_id"),
                    )
                )
        if len(cells) != width:
            continue
        row = _score_row(cells, columns, plan)
        try:
            plan.payout(row.target_bonus, row.scores, row.eligible)
        except SpecError as error:
            days = row.eligible is not None and "eligible_days" in columns
            for problem in error.problems:
                key = _score_column(problem.location.path, days=days)
                problems.append(Problem(problem.message, at(item, key if key in columns else None)))
            continue
        rows.append(row)
    return rows, problems


def _score_row(cells: Sequence[str], columns: Mapping[str, int], plan: BonusPlan) -> PayoutRow:
    """A row of the width of the header, as a :class:`PayoutRow`."""

    def cell(key: str) -> str:
        return cells[columns[key]] if key in columns else ""

    eligible: object = None
    if cell("eligible"):
        eligible = cell("eligible")
    elif cell("eligible_days"):
        eligible = (cell("eligible_days"), cell("period_days"))
    return PayoutRow(
        cell("employee_id"),
        cell("target_bonus"),
        {c.name: cell(c.name) for c in plan.components},
        eligible,
    )


def _score_column(path: Sequence[str | int], *, days: bool) -> str | None:
    """The column of a payout problem's path."""
    match tuple(path):
        case ("scores", str(component)):
            return component
        case ("eligible", 0):
            return "eligible_days"
        case ("eligible", 1):
            return "period_days"
        case ("eligible",):
            return "eligible_days" if days else "eligible"
        case (str(key),):
            return key
    return None


def write_payouts_csv(
    payouts: Iterable[Payout], plan: BonusPlan, stream: IO[str] | None = None
) -> str:
    """Write payouts as CSV, safe to open in a spreadsheet.

    Returns the text when no ``stream`` is given (and ``""`` when writing to one).

    Columns: ``employee_id``, ``currency``, ``total``, then one amount per component.
    """
    import csv

    out = stream if stream is not None else io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["employee_id", "currency", "total", *(c.name for c in plan.components)])
    for payout in payouts:
        writer.writerow(
            [
                escape_cell(payout.employee_id or ""),
                payout.currency,
                str(payout.total),
                *(str(line.amount) for line in payout.lines),
            ]
        )
    return out.getvalue() if stream is None and isinstance(out, io.StringIO) else ""


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

    Raises:
        SpecError: ``pool`` or ``cap`` is not a valid amount, or the currency is unknown.

    Added in 0.1.
    """
    budget = to_decimal(pool, ("pool",))
    limit = to_decimal(cap, ("cap",)) if cap is not None else None
    if currency not in MINOR_UNITS:
        raise SpecError.single(f"Unknown currency {currency!r}", Location(path=("currency",)))
    scale = Decimal(10) ** MINOR_UNITS[currency]
    counted: dict[str, list[str]] = {}
    refused: list[Refusal] = []
    seen: set[tuple[str, str]] = set()
    for nomination in nominations:
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
    budget_units = int((budget * scale).to_integral_value(rounding=ROUND_FLOOR))
    cap_units = (
        int((limit * scale).to_integral_value(rounding=ROUND_FLOOR)) if limit is not None else None
    )
    shares = _water_fill(budget_units, {k: len(v) for k, v in counted.items()}, cap_units)
    quantum = _ONE / scale
    awards = tuple(
        Award(nominee, (Decimal(units) / scale).quantize(quantum), tuple(counted[nominee]))
        for nominee, units in shares.items()
    )
    given = sum(shares.values())
    return Allocation(
        awards, tuple(refused), (Decimal(budget_units - given) / scale).quantize(quantum)
    )


def _water_fill(units: int, weights: Mapping[str, int], cap: int | None) -> dict[str, int]:
    """Split ``units`` in proportion to ``weights``, nobody above ``cap``, exactly."""
    result = dict.fromkeys(weights, 0)
    open_ = dict(weights)
    remaining = units
    while open_ and remaining > 0:
        total = sum(open_.values())
        raw = {k: Decimal(remaining) * w / total for k, w in open_.items()}
        if cap is not None:
            over = [k for k, r in raw.items() if result[k] + r >= cap]
            if over:
                for k in over:
                    remaining -= cap - result[k]
                    result[k] = cap
                    del open_[k]
                continue
        keys = list(raw)
        for k, u in zip(keys, _split(remaining, [raw[k] for k in keys]), strict=True):
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
            path could not prove its rounding (near a half unit, say).

    Added in 0.1.
    """

    totals: Any
    lines: Any
    currency: str
    checked: int

    def total(self, index: int) -> Decimal:
        """Employee ``index``'s total as a Decimal."""
        return _from_units(int(self.totals[index]), self.currency)


def _from_units(units: int, currency: str) -> Decimal:
    digits = MINOR_UNITS[currency]
    return (Decimal(units) / (Decimal(10) ** digits)).quantize(Decimal(1).scaleb(-digits))


_FIXED: Final = 10_000  # scores, weights and curve points in units of 0.0001
_LIMIT: Final = 2**62


def _fixed(values: Any, scale: int) -> tuple[Any, Any]:  # noqa: ANN401 - numpy arrays
    """Values as exact integers in units of 1/scale, and where that is not possible."""
    import numpy as np

    with np.errstate(invalid="ignore", over="ignore"):
        scaled = np.rint(values * scale)
        # A float equal to k/scale is read (through its shortest decimal) as exactly k/scale.
        exact = np.isfinite(values) & (values >= 0) & (scaled / scale == values)
        exact &= scaled < 2**52
    return np.where(exact, scaled, 0).astype(np.int64), ~exact


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

    names = [c.name for c in plan.components]
    problems = [
        Problem(f"No scores for component {n!r}", Location(path=("scores", n)))
        for n in names
        if n not in scores
    ] + [
        Problem(f"Unknown component {n!r}", Location(path=("scores", n)))
        for n in scores
        if n not in names
    ]
    if problems:
        raise SpecError(problems)
    target = np.asarray(target_bonus, dtype=np.float64)
    # Component-major: one contiguous array per component.
    columns = [np.ascontiguousarray(scores[name], dtype=np.float64) for name in names]
    n, k = target.shape[0] if target.ndim == 1 else -1, len(names)
    if target.ndim != 1 or any(c.shape != (n,) for c in columns):
        raise SpecError.single("target_bonus and scores need one value per employee")
    implausible = list(_implausible_rows(plan, names, columns))
    if implausible:
        raise SpecError(implausible)
    unit = 10**plan.minor_unit
    money_scale = max(unit, 100)  # targets are read to the cent even where the unit is larger
    money, slow = _fixed(target, money_scale)
    attains = []
    for column in columns:
        attain, inexact = _fixed(column, _FIXED)
        attains.append(attain)
        slow |= inexact
    common = _common_width(plan)
    exact: list[Any] = []
    for component, attain in zip(plan.components, attains, strict=True):
        weight = component.weight * _FIXED
        factor = _curve_fixed(component.curve, attain, common)
        if factor is None or weight != int(weight):
            slow[:] = True
            exact = [np.zeros(n, dtype=np.int64) for _ in names]
            break
        bound = _LIMIT // k // max(1, int(weight) * int(factor.max(initial=1)))
        slow |= money > bound
        exact.append(factor * int(weight))
    safe_money = np.where(slow, 0, money)
    # Each line is in units of 1 / (money_scale * _FIXED**2 * common) of the currency.
    denominator = _FIXED * _FIXED * (common or 1) * (money_scale // unit)
    totals, lines = _round_lines([line * safe_money for line in exact], denominator)
    checked = np.flatnonzero(slow)
    for row in checked:
        i = int(row)
        try:
            payout = plan.payout(
                float(target[i]), {name: float(columns[j][i]) for j, name in enumerate(names)}
            )
        except SpecError as error:
            raise SpecError(
                Problem(p.message, attrs.evolve(p.location, path=(i, *p.location.path)))
                for p in error.problems
            ) from None
        totals[i] = int(payout.total.scaleb(plan.minor_unit))
        lines[i] = [int(line.amount.scaleb(plan.minor_unit)) for line in payout.lines]
    return PayoutArrays(totals, lines, plan.currency, len(checked))


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
            score = Decimal(str(float(column[i])))
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
    import math

    common = 1
    for component in plan.components:
        points = component.curve.points
        for (a0, f0), (a1, f1) in itertools.pairwise(points):
            width, rise = (a1 - a0) * _FIXED, (f1 - f0) * _FIXED
            if width != int(width) or rise != int(rise):
                return None
            # The slope rise/width in lowest terms: only its denominator matters.
            common = math.lcm(common, int(width) // math.gcd(int(width), int(rise)))
    return common if common < _FIXED * _FIXED else None


def _curve_fixed(curve: PayoutCurve, attain: Any, common: int | None) -> Any:  # noqa: ANN401
    """``factor * common`` in units of 0.0001, exactly; ``None`` when it cannot be."""
    import numpy as np

    values = [v * _FIXED for point in curve.points for v in point]
    extra = [v * _FIXED for v in (curve.threshold, curve.cap) if v is not None]
    if common is None or any(v != int(v) for v in (*values, *extra)):
        return None
    xs = np.array([int(a * _FIXED) for a, _ in curve.points], dtype=np.int64)
    ys = np.array([int(f * _FIXED) for _, f in curve.points], dtype=np.int64)
    if len(xs) == 1:
        factor = np.where(attain >= xs[0], ys[0] * common, 0).astype(np.int64)
    else:
        import math

        widths = np.diff(xs)
        rises = np.diff(ys)
        gcds = np.array([math.gcd(int(w), int(r)) for w, r in zip(widths, rises, strict=True)])
        # slope = (rise/g) / (width/g), so factor * common is an integer:
        # y0 * common + (rise/g) * dx * (common / (width/g)).
        steps = rises // gcds
        spans = common // (widths // gcds)
        if len(xs) == 2:  # noqa: PLR2004 - one segment (the linear preset): no lookup needed
            factor = int(ys[0]) * common + int(steps[0]) * int(spans[0]) * (attain - int(xs[0]))
        else:
            segment = np.clip(np.searchsorted(xs, attain, side="right") - 1, 0, len(xs) - 2)
            factor = ys[segment] * common + steps[segment] * (attain - xs[segment]) * spans[segment]
        factor = np.where(attain < xs[0], 0, factor)
    if curve.threshold is not None:
        factor = np.where(attain < int(curve.threshold * _FIXED), 0, factor)
    if curve.cap is not None:
        factor = np.minimum(factor, int(curve.cap * _FIXED) * common)
    return factor
