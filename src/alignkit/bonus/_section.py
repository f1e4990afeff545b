"""The alignment file's ``bonus_plans:`` section: a plan as written, and who is paid on it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field

from alignkit._money import ExactNumber
from alignkit._spec import FrozenDict, FrozenMap, PresetName, SpecModel, TupleOf, also_accepts
from alignkit.bonus._curve import MAX_SCORE, Component
from alignkit.bonus._plan import BonusPlan
from alignkit.diagnostics import Location
from alignkit.errors import Problem, SpecError

__all__ = ["BonusPlanSpec"]


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
    metrics: FrozenMap[str, str] = Field(
        default_factory=FrozenDict, description="Component name -> the metric it pays on."
    )
    functions: TupleOf[str] = Field(default=(), description="The functions paid on this plan.")
    max_score: ExactNumber = Field(
        default=MAX_SCORE,
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
