"""The cost of silos, from sourced assumptions, and the return of a change.

Every figure the model uses is an :class:`Assumption` in one :data:`CATALOGUE`, with
its range and its source, never a constant buried in code; override any of them
with your own. :class:`SiloCostModel` prices the time silos waste and the customers
lost at the handover, as a point estimate with a range; :class:`ROI` sets a change
such as the Minimum Viable Handoff (:data:`MVH`) against what it costs. Money is
``Decimal``, rounded to cents once.

>>> from alignkit.silo_cost import MVH, ROI, SiloCostModel
>>> model = SiloCostModel({"Sales": 12, "Operations": 8}, {"Sales": 110_000, "Operations": 95_000},
...                       new_customers_per_year=60, customer_value=25_000)
>>> model.cost().total.point
Decimal('537000.00')
>>> ROI(MVH, model, 40_000).net.point
Decimal('72500.00')

Added in 0.2.
"""

from __future__ import annotations

from alignkit._exports import publish
from alignkit.silo_cost._model import (
    CATALOGUE,
    MVH,
    ROI,
    Assumption,
    CauseCost,
    Change,
    CostRange,
    SiloCost,
    SiloCostModel,
    assumptions,
)
from alignkit.silo_cost._section import SiloCostSection

__all__ = [
    "CATALOGUE",
    "MVH",
    "ROI",
    "Assumption",
    "CauseCost",
    "Change",
    "CostRange",
    "SiloCost",
    "SiloCostModel",
    "SiloCostSection",
    "assumptions",
]

publish(globals(), [n for n in __all__ if n not in ("CATALOGUE", "MVH")])
