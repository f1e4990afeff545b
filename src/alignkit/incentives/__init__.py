"""Incentive conflicts: which function is paid on which metric, and where they pull apart.

Most alignment failures trace back to conflicting KPIs: Sales paid on bookings,
Operations on delivery margin, nobody on a metric they share. An
:class:`IncentiveMap` records who is paid on what (built from bonus plans), declared
tensions (:class:`Tension`) say which metrics pull against each other, and
:meth:`IncentiveMap.conflicts` lists the pairs of functions paid on opposed metrics with
nothing shared between them.

>>> from decimal import Decimal
>>> from alignkit.incentives import IncentiveMap
>>> incentives = IncentiveMap(
...     {
...         "Sales": {"bookings": Decimal("0.8"), "nrr": Decimal("0.2")},
...         "Operations": {"delivery_margin": Decimal("1")},
...         "Marketing": {"pipeline_volume": Decimal("0.7"), "nrr": Decimal("0.3")},
...     }
... )
>>> [(c.functions, c.metrics) for c in incentives.conflicts()]
[(('Sales', 'Operations'), ('bookings', 'delivery_margin'))]

Added in 0.1.
"""

from __future__ import annotations

from alignkit._exports import publish
from alignkit.incentives._model import (
    DEFAULT_TENSIONS,
    Conflict,
    IncentiveMap,
    IncentivesSection,
    Tension,
    conflict_diagnostics,
)

__all__ = [
    "DEFAULT_TENSIONS",
    "Conflict",
    "IncentiveMap",
    "IncentivesSection",
    "Tension",
    "conflict_diagnostics",
]

publish(globals(), __all__)
