"""Blended bonus plans: components, payout curves and exact payouts.

Paying only on individual quotas buys silos. A blended plan pays part of every bonus on
team and company outcomes and keeps a discretionary share for people who solve problems
across departments (the "silo-buster"): by default 40% individual, 30% team, 20%
company, 10% silo-buster.

Money is exact: amounts are :class:`~decimal.Decimal`, rounded once, at the end, to the
currency's minor unit, and the lines of a payout always add up to its total. Every
amount alignkit reads or pays is at most :data:`MAX_AMOUNT` (10^15 in the currency's
major unit) with at most 30 digits after the decimal point; within that range every
computation is exact, and anything beyond it is refused with a
:class:`~alignkit.errors.SpecError` naming the field or cell.

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

from alignkit._exports import publish
from alignkit._money import MAX_AMOUNT, MINOR_UNITS, to_decimal
from alignkit.bonus._area import assign_plans
from alignkit.bonus._csv import (
    PayoutSummary,
    compute_payouts_csv,
    read_scores_csv,
    write_payouts_csv,
)
from alignkit.bonus._curve import Component, PayoutCurve
from alignkit.bonus._nominations import Allocation, Award, Nomination, Refusal, allocate
from alignkit.bonus._plan import BonusPlan, Payout, PayoutArrays, PayoutLine, PayoutRow
from alignkit.bonus._pool import scale_to_pool
from alignkit.bonus._section import BonusPlanSpec

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
    "assign_plans",
    # CSV
    "compute_payouts_csv",
    "read_scores_csv",
    "scale_to_pool",
    "to_decimal",
    "write_payouts_csv",
]

publish(globals(), __all__)
