"""The implementation of :mod:`alignkit.incentives`; import from ``alignkit.incentives``."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Final, final

import attrs
from pydantic import Field

from alignkit._spec import SpecModel, TupleOf
from alignkit.diagnostics import Diagnostic, Location
from alignkit.errors import Problem
from alignkit.incentives._rules import INCENTIVE_CONFLICT

if TYPE_CHECKING:
    from alignkit.bonus import BonusPlan

__all__ = [
    "DEFAULT_TENSIONS",
    "Conflict",
    "IncentiveMap",
    "IncentivesSection",
    "Tension",
    "conflict_diagnostics",
]


class Tension(SpecModel):
    """Two metrics that pull against each other, and why.

    Added in 0.1.
    """

    metrics: tuple[str, str] = Field(description="The two opposed metrics.")
    reason: str = Field(default="", description="Why they pull apart.")

    def _invariants(self) -> Iterator[Problem]:
        if self.metrics[0] == self.metrics[1]:
            yield Problem("A metric is not in tension with itself", Location(path=("metrics",)))


# model_construct: these literals are valid, and building a validator at import time
# would slow `import alignkit.incentives` down (tests check they equal validated ones).
DEFAULT_TENSIONS: Final = (
    Tension.model_construct(
        metrics=("bookings", "delivery_margin"),
        reason="Deals closed at any price land on the team that must deliver them",
    ),
    Tension.model_construct(
        metrics=("pipeline_volume", "lead_quality"),
        reason="More leads is not better leads; Sales pays for the difference",
    ),
    Tension.model_construct(
        metrics=("uptime", "release_speed"),
        reason="Every release is a risk to uptime; every freeze slows the business",
    ),
)
"""Tensions seen in most organisations; pass your own to add to or replace them."""


@final
@attrs.frozen
class Conflict:
    """Two functions paid on opposed metrics, with no metric in common.

    Added in 0.1.
    """

    functions: tuple[str, str]
    metrics: tuple[str, str]
    weights: tuple[Decimal, Decimal]
    reason: str


@final
class IncentiveMap:
    """Which function is paid on which metric, with what weight; and declared tensions.

    Args:
        paid: Function -> metric -> weight (a share of its bonus).
        tensions: Opposed metrics; :data:`DEFAULT_TENSIONS` by default.
        shared: Function -> the weight it puts on team and company components.

    Added in 0.1.
    """

    __slots__ = ("_paid", "_shared", "_tensions")

    def __init__(
        self,
        paid: Mapping[str, Mapping[str, Decimal]],
        tensions: Iterable[Tension] = DEFAULT_TENSIONS,
        *,
        shared: Mapping[str, Decimal] | None = None,
    ) -> None:
        """Record who is paid on what."""
        self._paid = {f: dict(m) for f, m in paid.items()}
        self._tensions = tuple(tensions)
        self._shared = dict(shared or {})

    @classmethod
    def from_plans(
        cls,
        assignments: Mapping[str, BonusPlan],
        tensions: Iterable[Tension] = DEFAULT_TENSIONS,
    ) -> IncentiveMap:
        """Build the map from the plan each function is paid on.

        A component's metric is its ``metric``, or its name when it has none.
        """
        paid: dict[str, dict[str, Decimal]] = {}
        shared: dict[str, Decimal] = {}
        for function, plan in assignments.items():
            metrics = paid.setdefault(function, {})
            for component in plan.components:
                metric = component.metric or component.name
                metrics[metric] = metrics.get(metric, Decimal(0)) + component.weight
            shared[function] = plan.shared_outcome_share
        return cls(paid, tensions, shared=shared)

    @property
    def functions(self) -> tuple[str, ...]:
        """Every function in the map."""
        return tuple(self._paid)

    def metrics(self, function: str) -> dict[str, Decimal]:
        """The metrics ``function`` is paid on, with their weights."""
        return dict(self._paid.get(function, {}))

    def shared_outcome_share(self, function: str) -> Decimal:
        """The weight ``function`` puts on team and company metrics (0 if unknown)."""
        return self._shared.get(function, Decimal(0))

    def conflicts(self) -> tuple[Conflict, ...]:
        """Pairs of functions paid on opposed metrics with no shared metric between them."""
        found = []
        for a, b in itertools.combinations(self._paid, 2):
            metrics_a, metrics_b = self._paid[a], self._paid[b]
            if set(metrics_a) & set(metrics_b):
                continue
            for tension in self._tensions:
                x, y = tension.metrics
                for first, second in ((x, y), (y, x)):
                    if first in metrics_a and second in metrics_b:
                        found.append(
                            Conflict(
                                (a, b),
                                (first, second),
                                (metrics_a[first], metrics_b[second]),
                                tension.reason,
                            )
                        )
        return tuple(found)


class IncentivesSection(SpecModel):
    """The ``incentives`` section: tensions between metrics.

    Added in 0.1.
    """

    tensions: TupleOf[Tension] = Field(
        default=DEFAULT_TENSIONS, description="Opposed metrics; the defaults when left out."
    )
    include_defaults: bool = Field(
        default=True, description="Add the default tensions to the ones listed."
    )

    def all_tensions(self) -> tuple[Tension, ...]:
        """The tensions in force."""
        if self.include_defaults:
            listed = {t.metrics for t in self.tensions}
            extra = tuple(t for t in DEFAULT_TENSIONS if t.metrics not in listed)
            return (*self.tensions, *extra)
        return tuple(self.tensions)


def conflict_diagnostics(incentives: IncentiveMap) -> Iterator[Diagnostic]:
    """``IN001`` for each conflict."""
    for conflict in incentives.conflicts():
        a, b = conflict.functions
        x, y = conflict.metrics
        yield INCENTIVE_CONFLICT.diagnostic(
            f"{a} is paid on {x} and {b} on {y}, which pull against each other, "
            f"and they share no metric ({conflict.reason})",
            target=f"{a}/{b}",
        )
