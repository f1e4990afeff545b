"""The ``silo_cost:`` section: what people cost, what customers are worth, and overrides."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from alignkit._spec import SpecModel

if TYPE_CHECKING:
    from alignkit.silo_cost._model import SiloCostModel

__all__ = ["SiloCostSection"]


class SiloCostSection(SpecModel):
    """The ``silo_cost`` section: the figures the cost model needs from the organisation.

    Headcounts come from the org's people; this section gives what one person costs a
    year in each function, what a new customer is worth, and any assumption of the
    catalogue to replace (by name, with a number).

    >>> from alignkit.org import Function, Org, Person
    >>> org = Org(functions=[Function("Sales", "ana")], people=[Person("ana", "Ana", "Sales")])
    >>> section = SiloCostSection(loaded_cost={"Sales": 100_000})
    >>> section.model(org).cost().total.point
    Decimal('15000.00')

    Added in 0.2.
    """

    loaded_cost: dict[str, Decimal] = Field(
        default_factory=dict,
        description="The yearly loaded cost of one person (pay, benefits, overhead), by function.",
    )
    new_customers_per_year: int | None = Field(
        default=None, ge=0, description="New customers won a year, for the cost of the handover."
    )
    customer_value: Decimal | None = Field(
        default=None, ge=0, description="What one new customer is worth (first-year revenue, say)."
    )
    time_loss: Literal["productivity", "search"] = Field(
        default="productivity",
        description="Price lost time by the productivity figure or the search-time figure.",
    )
    assumptions: dict[str, Decimal] = Field(
        default_factory=dict,
        description="Assumptions of the catalogue replaced, by name (`handover_churn: 0.10`).",
    )

    def model(self, org: object, overrides: dict[str, object] | None = None) -> SiloCostModel:
        """The :class:`~alignkit.silo_cost.SiloCostModel` of ``org`` with these figures.

        Functions without a loaded cost are left out (``SC002`` says so); assumptions
        the catalogue does not have are a ``SpecError``.
        """
        from alignkit.silo_cost._model import SiloCostModel, assumptions

        people: dict[str, int] = {}
        for person in getattr(org, "people", ()):
            if person.function in self.loaded_cost:
                people[person.function] = people.get(person.function, 0) + 1
        return SiloCostModel(
            people,
            {f: c for f, c in self.loaded_cost.items() if f in people},
            assumptions({**self.assumptions, **(overrides or {})}),
            new_customers_per_year=self.new_customers_per_year,
            customer_value=self.customer_value,
            time_loss=self.time_loss,
        )
