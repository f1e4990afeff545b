"""How attainment pays: payout curves, and the components of a plan that carry one."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from decimal import Decimal, localcontext
from typing import Final, Literal

from pydantic import Field, field_validator

from alignkit._money import EXACT, ONE, ZERO, ExactNumber, number_field, shown_quotient, to_decimal
from alignkit._spec import SpecModel, TupleOf
from alignkit.diagnostics import Location
from alignkit.errors import Problem

__all__ = ["MAX_SCORE", "Component", "PayoutCurve", "Scope", "implausible"]

Scope = Literal["individual", "team", "company", "discretionary"]
"""What a component is paid on."""

MAX_SCORE: Final = Decimal(10)
"""The highest plausible score by default: 1,000% attainment."""


def implausible(name: str, score: Decimal, bound: Decimal) -> str:
    """The message for a score above the plausible maximum, with how to write it."""
    with localcontext(EXACT):
        attainment = f"{(bound * 100).normalize():,f}"
        return (
            f"Score {score:f} for `{name}` is above the plausible maximum of "
            f"{bound.normalize():f} ({attainment}% attainment); write attainment as a "
            f"fraction: {score.scaleb(-2):f} for {score:f}%"
        )


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

    points: TupleOf[tuple[ExactNumber, ExactNumber]] = Field(min_length=1)
    threshold: ExactNumber | None = None
    cap: ExactNumber | None = None

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
        with localcontext(EXACT):
            numerator, denominator = self._ratio(value)
        return shown_quotient(numerator, denominator)

    def _ratio(self, attainment: Decimal) -> tuple[Decimal, Decimal]:
        """The factor as ``numerator / denominator``, exactly (call under ``EXACT``)."""
        if self.threshold is not None and attainment < self.threshold:
            return ZERO, ONE
        points = self.points
        if attainment < points[0][0]:
            return ZERO, ONE
        if len(points) == 1:
            numerator, denominator = points[0][1], ONE
        else:
            (a0, f0), (a1, f1) = points[-2], points[-1]  # beyond the last: its slope goes on
            for (b0, g0), (b1, g1) in itertools.pairwise(points):
                if attainment <= b1:
                    (a0, f0), (a1, f1) = (b0, g0), (b1, g1)
                    break
            denominator = a1 - a0
            numerator = f0 * denominator + (f1 - f0) * (attainment - a0)
        if self.cap is not None and numerator > self.cap * denominator:
            return self.cap, ONE
        return numerator, denominator


def _weight(value: object) -> object:
    return number_field(value) if isinstance(value, str | float | int) else value


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
