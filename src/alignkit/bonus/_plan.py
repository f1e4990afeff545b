"""Bonus plans and what they pay: one payout, a batch of rows, or a whole company at once."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal, localcontext
from typing import Any, Final, final

import attrs
from pydantic import Field

from alignkit._money import (
    EXACT,
    LIMIT_TEXT,
    MAX_AMOUNT,
    MINOR_UNITS,
    ONE,
    SHOWN,
    ZERO,
    ExactNumber,
    exact_quotients,
    from_units,
    half_up,
    number_at,
    shown,
    shown_quotient,
    split_units,
    under,
)
from alignkit._spec import SpecModel, TupleOf, declared_twice
from alignkit.bonus._curve import MAX_SCORE, Component, implausible
from alignkit.diagnostics import Location
from alignkit.errors import Problem, SpecError

__all__ = ["BonusPlan", "Payout", "PayoutArrays", "PayoutLine", "PayoutRow"]


# -- what a plan pays --------------------------------------------------------------------


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
        return from_units(int(self.totals[index]), MINOR_UNITS[self.currency])


# -- plans -------------------------------------------------------------------------------


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
    max_score: ExactNumber = Field(default=MAX_SCORE, ge=1)

    def __init__(
        self,
        name: str,
        currency: str = "USD",
        components: Sequence[Component | Mapping[str, Any]] = (),
        *,
        max_score: object = MAX_SCORE,
    ) -> None:
        super().__init__(name=name, currency=currency, components=components, max_score=max_score)

    def _invariants(self) -> Iterator[Problem]:
        if self.currency not in MINOR_UNITS:
            yield Problem(
                f"Unknown currency {self.currency!r}; alignkit knows its minor unit for "
                f"{len(MINOR_UNITS)} ISO 4217 codes",
                Location(path=("currency",)),
            )
        with localcontext(EXACT):
            total = sum((c.weight for c in self.components), ZERO)
        if total != 1:
            yield Problem(
                f"Component weights add up to {SHOWN.plus(total).normalize():f} "
                f"({SHOWN.multiply(total, Decimal(100)):.4g}%), not exactly 1 (100%)",
                Location(path=("components",)),
            )
        yield from declared_twice("Component", "components", (c.name for c in self.components))

    # -- presets --------------------------------------------------------------------------

    @classmethod
    def blended(
        cls, name: str = "blended", currency: str = "USD", *, max_score: object = MAX_SCORE
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
        cls, name: str = "individual-only", currency: str = "USD", *, max_score: object = MAX_SCORE
    ) -> BonusPlan:
        """100% on individual attainment: the plan that buys silos, for comparison."""
        return cls(
            name, currency, [Component("individual", "individual", ONE)], max_score=max_score
        )

    # -- payouts --------------------------------------------------------------------------

    @property
    def minor_unit(self) -> int:
        """Digits after the decimal point for the plan's currency."""
        return MINOR_UNITS[self.currency]

    @property
    def shared_outcome_share(self) -> Decimal:
        """The weight on team and company components."""
        with localcontext(EXACT):
            return sum((c.weight for c in self.components if c.scope in ("team", "company")), ZERO)

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
        target = number_at(problems, target_bonus, ("target_bonus",), percent=False, what="amount")
        attainments = self._attainments(scores, problems)
        share = _eligible(eligible, ("eligible",), problems)
        if employee_id is not None and not isinstance(employee_id, str):
            problems.append(
                Problem(
                    f"Expected an employee id (text), got {shown(employee_id)}",
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
                    f"Expected a mapping from component name to score, got {shown(scores)}",
                    Location(path=("scores",)),
                )
            )
            return [ZERO for _ in self.components]
        known = {c.name for c in self.components}
        problems.extend(
            Problem(
                f"Unknown component {shown(name)}; the plan has {', '.join(sorted(known))}",
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
                attainments.append(ZERO)
                continue
            attainment = number_at(problems, scores[component.name], where)
            if attainment is None:
                attainment = ZERO
            elif attainment > self.max_score:
                problems.append(
                    Problem(
                        implausible(component.name, attainment, self.max_score),
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
        with localcontext(EXACT):
            ratios = [c.curve._ratio(a) for c, a in zip(self.components, attainments, strict=True)]  # noqa: SLF001
            base = target * share[0] * (10**digits)
            raw = exact_quotients(
                [base * c.weight * n for c, (n, _) in zip(self.components, ratios, strict=True)],
                [d * share[1] for _, d in ratios],
            )
            total_units = half_up(sum(raw[1:], raw[0]))  # one kind: no Decimal + Fraction
            if total_units > MAX_AMOUNT.scaleb(digits):
                raise SpecError.single(
                    f"The payout on a target bonus of {target} is above {LIMIT_TEXT}, "
                    "the largest amount alignkit pays",
                    Location(path=("target_bonus",)),
                )
            units = split_units(total_units, raw)
        lines = tuple(
            PayoutLine(c.name, a, shown_quotient(*r), c.weight, from_units(u, digits))
            for c, a, r, u in zip(self.components, attainments, ratios, units, strict=True)
        )
        return Payout(from_units(total_units, digits), lines, self.currency, employee_id)

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
        try:
            import numpy  # noqa: F401, ICN001 - only whether it is there
        except ImportError:
            msg = "payout_arrays needs NumPy: pip install 'alignkit[fast]'"
            raise ModuleNotFoundError(msg, name="numpy") from None
        from alignkit.bonus._arrays import integer_units, read_arrays

        target, columns = read_arrays(self, target_bonus, scores)
        totals, lines, checked = integer_units(self, target, columns)
        names = [c.name for c in self.components]
        digits = self.minor_unit
        for i in checked:
            try:
                payout = self.payout(
                    float(target[i]), {name: float(columns[j][i]) for j, name in enumerate(names)}
                )
            except SpecError as error:
                raise under((i,), error) from None
            totals[i] = int(payout.total.scaleb(digits, EXACT))
            lines[i] = [int(line.amount.scaleb(digits, EXACT)) for line in payout.lines]
        return PayoutArrays(totals, lines, self.currency, len(checked))

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
                f"Expected rows (PayoutRow or mappings), got {shown(rows)}"
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
                raise under((index,), error) from None
            yield payout


# -- reading rows ------------------------------------------------------------------------


def _eligible(
    value: object, where: tuple[str | int, ...], problems: list[Problem]
) -> tuple[Decimal, Decimal]:
    """The eligible share as ``numerator / denominator`` (days / period, or fraction / 1)."""
    if value is None:
        return ONE, ONE
    if isinstance(value, tuple) and len(value) == 2:  # noqa: PLR2004 - (days, period)
        days = number_at(problems, value[0], (*where, 0), percent=False, what="number of days")
        period = number_at(problems, value[1], (*where, 1), percent=False, what="number of days")
        if days is None or period is None:
            return ONE, ONE
        if period == 0:
            problems.append(Problem("The period has no days", Location(path=(*where, 1))))
            return ONE, ONE
        if days > period:
            problems.append(
                Problem(
                    f"Eligibility is more than the whole period ({SHOWN.divide(days, period)})",
                    Location(path=where),
                )
            )
        return days, period
    fraction = number_at(problems, value, where)
    if fraction is None:
        return ONE, ONE
    if fraction > 1:
        problems.append(
            Problem(f"Eligibility is more than the whole period ({fraction})", Location(path=where))
        )
    return fraction, ONE


_ROW_KEYS: Final = ("employee_id", "target_bonus", "scores", "eligible")


def _payout_row(item: object, index: int) -> PayoutRow:
    """``item`` as a row with a text employee id, or a SpecError at ``[index]``."""
    if isinstance(item, PayoutRow):
        employee: object = item.employee_id
        row = item
    elif isinstance(item, Mapping):
        problems = [
            Problem(f"Row has an unknown key {shown(key)}", Location(path=(index,)))
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
            f"Expected a PayoutRow or a mapping, got {shown(item)}", Location(path=(index,))
        )
    if isinstance(employee, int) and not isinstance(employee, bool):
        employee = str(employee)
    if not isinstance(employee, str) or not employee:
        raise SpecError.single(
            f"Expected an employee id (text), got {shown(employee)}",
            Location(path=(index, "employee_id")),
        )
    return attrs.evolve(row, employee_id=employee) if row.employee_id != employee else row
