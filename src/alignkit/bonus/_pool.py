"""Payouts scaled down to a pool, pro rata, so that they add up to it to the cent."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import attrs

from alignkit._money import (
    EXACT,
    MINOR_UNITS,
    from_units,
    read_number,
    shown,
    split_ratio,
    to_amount,
)
from alignkit.bonus._plan import Payout, PayoutLine
from alignkit.diagnostics import Location
from alignkit.errors import SpecError

__all__ = ["pool_ratio", "scale_to_pool"]


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
    budget = to_amount(pool, ("pool",))
    try:
        items = list(payouts)
    except TypeError:
        raise SpecError.single(
            f"Expected a sequence of payouts, got {shown(payouts)}", Location(path=("payouts",))
        ) from None
    if not items:
        return []
    first = items[0].currency if isinstance(items[0], Payout) else None
    found = [_payout_units(p, i, first) for i, p in enumerate(items)]
    digits = MINOR_UNITS[items[0].currency]
    total = sum(t for t, _ in found)
    if total <= budget.scaleb(digits, EXACT):
        return items
    budget_units, numerator, denominator = pool_ratio(budget, digits, total)
    units = split_ratio(budget_units, [t * numerator for t, _ in found], denominator)
    out = []
    for payout, unit, (_, lines) in zip(items, units, found, strict=True):
        line_units = split_ratio(unit, [u * numerator for u in lines], denominator)
        out.append(
            attrs.evolve(
                payout,
                total=from_units(unit, digits),
                lines=tuple(
                    attrs.evolve(line, amount=from_units(u, digits))
                    for line, u in zip(payout.lines, line_units, strict=True)
                ),
            )
        )
    return out


def pool_ratio(budget: Decimal, digits: int, total_units: int) -> tuple[int, int, int]:
    """The pool in whole minor units, and ``pool / total`` as ``numerator, denominator``."""
    numerator, denominator = budget.as_integer_ratio()
    numerator *= 10**digits
    return numerator // denominator, numerator, denominator * total_units


def _payout_units(payout: object, index: int, currency: str | None) -> tuple[int, list[int]]:
    """A payout's total and lines in minor units, checked; a SpecError at its index."""
    where = ("payouts", index)
    if not isinstance(payout, Payout):
        raise SpecError.single(f"Expected a Payout, got {shown(payout)}", Location(path=where))
    if not isinstance(payout.currency, str) or payout.currency not in MINOR_UNITS:
        raise SpecError.single(
            f"Unknown currency {shown(payout.currency)}", Location(path=(*where, "currency"))
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
            f"Expected a tuple of PayoutLine, got {shown(payout.lines)}",
            Location(path=(*where, "lines")),
        )
    digits = MINOR_UNITS[payout.currency]
    amounts = [("total", payout.total)] + [
        (f"lines[{j}]", line.amount) for j, line in enumerate(payout.lines)
    ]
    units = []
    for name, amount in amounts:
        try:
            value = read_number(amount, what="amount") if isinstance(amount, Decimal) else None
        except ValueError:
            value = None
        whole = value.scaleb(digits, EXACT) if value is not None else None
        if whole is None or whole != whole.to_integral_value():
            raise SpecError.single(
                f"Expected an amount in {payout.currency} of at most {digits} decimals, "
                f"got {shown(amount)}",
                Location(path=(*where, name)),
            )
        units.append(int(whole))
    if sum(units[1:]) != units[0]:
        raise SpecError.single(
            "The payout's lines do not add up to its total", Location(path=(*where, "lines"))
        )
    return units[0], units[1:]
