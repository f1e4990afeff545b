"""Sourced assumptions, the cost of silos, a change's return; import from ``alignkit.silo_cost``."""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Final, Literal, final

import attrs

from alignkit._spec import FrozenDict
from alignkit._suggest import suggest
from alignkit.diagnostics import Location
from alignkit.errors import Problem, SpecError

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
    "assumptions",
]

_CENT: Final = Decimal("0.01")
_PLAYBOOK: Final = "Sales-Ops alignment playbook"


def _decimal(value: object, path: tuple[str | int, ...]) -> Decimal:
    """``value`` as a finite Decimal (text, int or Decimal; a float through its text)."""
    if isinstance(value, bool):
        raise SpecError.single(f"`{path[-1]}` must be a number, got {value!r}", Location(path=path))
    try:
        number = Decimal(str(value)) if isinstance(value, float | int | str) else value
    except decimal.InvalidOperation:
        raise SpecError.single(
            f"`{path[-1]}` must be a number, got {value!r}", Location(path=path)
        ) from None
    if not isinstance(number, Decimal) or not number.is_finite():
        raise SpecError.single(
            f"`{path[-1]}` must be a finite number, got {value!r}", Location(path=path)
        )
    return number


def _value(value: object) -> Decimal:
    return _decimal(value, ("value",))


def _low(value: object) -> Decimal:
    return _decimal(value, ("low",))


def _high(value: object) -> Decimal:
    return _decimal(value, ("high",))


def _reduction(value: object) -> Decimal:
    return _decimal(value, ("reduction",))


def _cost(value: object) -> Decimal:
    return _decimal(value, ("cost",))


@final
@attrs.frozen
class Assumption:
    """One figure the cost model rests on, with its range and where it comes from.

    Args:
        name: Its name in the catalogue (``"productivity_loss"``).
        value: The figure used for the point estimate.
        low: The low end of its range (the value when the source gives one figure).
        high: The high end of its range.
        unit: What it counts: ``"share"`` (0-1), ``"hours per week"``, ``"USD"`` ...
        source: Where it comes from, as the reference material cites it.

    Raises:
        SpecError: A value that is not a finite number, or not within low-high.

    >>> Assumption("handover_churn", "0.15", "0.10", "0.20", "share", "A study").value
    Decimal('0.15')

    Added in 0.2.
    """

    name: str
    value: Decimal = attrs.field(converter=_value)
    low: Decimal = attrs.field(converter=_low)
    high: Decimal = attrs.field(converter=_high)
    unit: str
    source: str

    def __attrs_post_init__(self) -> None:
        if not self.low <= self.value <= self.high:
            raise SpecError.single(
                f"Assumption `{self.name}`: {self.value} is not within its range "
                f"{self.low}-{self.high}",
                Location(path=("value",)),
            )

    def set(self, value: object) -> Assumption:
        """The assumption with another value; its range widens to hold it if need be.

        Raises:
            SpecError: ``value`` is not a number, or is a share outside 0-1.
        """
        number = _decimal(value, (self.name,))
        if self.unit == "share" and not 0 <= number <= 1:
            raise SpecError.single(
                f"`{self.name}` is a share, written from 0 to 1 (0.15 for 15%), not {number}",
                Location(path=(self.name,)),
            )
        return attrs.evolve(
            self, value=number, low=min(self.low, number), high=max(self.high, number)
        )


def _point(name: str, value: str, unit: str, source: str) -> Assumption:
    return Assumption(name, value, value, value, unit, source)


CATALOGUE: Final = (
    _point(
        "productivity_loss",
        "0.15",
        "share",
        f"{_PLAYBOOK}: productivity lost to departmental silos, a conservative estimate",
    ),
    _point(
        "search_hours_per_week",
        "12",
        "hours per week",
        f"{_PLAYBOOK}: time employees can spend searching for information",
    ),
    _point(
        "search_time_share",
        "0.30",
        "share",
        f"{_PLAYBOOK}: the 12 hours a week as a share of working time",
    ),
    Assumption(
        "executive_coordination_share",
        "0.65",
        "0.50",
        "0.80",
        "share",
        f"{_PLAYBOOK}: executive time spent on coordination (some studies: 50-80%)",
    ),
    _point(
        "conflicting_incentives_share",
        "0.67",
        "share",
        f"{_PLAYBOOK}, citing Deloitte: organisations whose departmental incentives conflict",
    ),
    _point(
        "aligned_growth_uplift",
        "0.24",
        "share",
        f"{_PLAYBOOK}, citing the Revenue Operations Alliance: faster growth with aligned "
        "sales and marketing",
    ),
    _point(
        "aligned_profit_growth_uplift",
        "0.27",
        "share",
        f"{_PLAYBOOK}, citing the Revenue Operations Alliance: faster profit growth",
    ),
    _point(
        "formal_collaboration_win_rate_uplift",
        "0.21",
        "share",
        f"{_PLAYBOOK}, citing CSO Insights: higher win rates with formalised collaboration",
    ),
    _point(
        "handover_churn",
        "0.15",
        "share",
        f"{_PLAYBOOK}: new customers lost at the handover from Sales to Operations",
    ),
    _point(
        "rotation_effectiveness_uplift",
        "0.32",
        "share",
        f"{_PLAYBOOK}, citing LinkedIn's rotation programme: higher cross-functional "
        "effectiveness ratings",
    ),
    _point(
        "marketing_content_confidence",
        "0.59",
        "share",
        f"{_PLAYBOOK}, citing Sopro Research: marketers who feel they know what content "
        "sales wants",
    ),
    _point(
        "sales_content_agreement",
        "0.35",
        "share",
        f"{_PLAYBOOK}, citing Sopro Research: salespeople who agree",
    ),
    _point(
        "public_sector_asset_visibility",
        "0.97",
        "share",
        f"{_PLAYBOOK}: a public-sector department's asset visibility after integrating "
        "its workflows",
    ),
    _point(
        "public_sector_annual_saving",
        "100000",
        "USD per year",
        f"{_PLAYBOOK}: the same department's yearly saving",
    ),
)
"""Every figure the reference material quotes, as an :class:`Assumption`.

A figure quoted as one number has that number as its whole range; a quoted range
(executive coordination: 50-80%) is kept as one. Override either with your own.
"""


def assumptions(
    overrides: Mapping[str, object] | None = None,
    base: Iterable[Assumption] = CATALOGUE,
) -> FrozenDict[str, Assumption]:
    """The catalogue by name, with ``overrides`` (name -> value) applied.

    Raises:
        SpecError: An override that names no assumption (the nearest is suggested),
            or whose value is not a number; every one is named.

    >>> assumptions({"handover_churn": "0.10"})["handover_churn"].value
    Decimal('0.10')

    Added in 0.2.
    """
    found = {assumption.name: assumption for assumption in base}
    problems: list[Problem] = []
    for name, value in (overrides or {}).items():
        if name not in found:
            close = suggest(name, list(found))
            hint = f"; did you mean `{close}`?" if close else ""
            problems.append(
                Problem(f"`{name}` is not an assumption of the model{hint}", Location(path=(name,)))
            )
            continue
        try:
            found[name] = found[name].set(value)
        except SpecError as error:
            problems.extend(error.problems)
    if problems:
        raise SpecError(problems)
    return FrozenDict(found)


@final
@attrs.frozen
class CostRange:
    """An amount as a point estimate and a low-high range, in money rounded to cents.

    Added in 0.2.
    """

    point: Decimal
    low: Decimal
    high: Decimal

    def __add__(self, other: CostRange) -> CostRange:
        return CostRange(self.point + other.point, self.low + other.low, self.high + other.high)

    def scaled(self, factor: Decimal) -> CostRange:
        """Every end multiplied by ``factor`` (not negative), rounded to cents."""
        return CostRange(*(_cents(v * factor) for v in (self.point, self.low, self.high)))


def _cents(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=decimal.ROUND_HALF_EVEN)


def _priced(amount: Decimal, share: Assumption) -> CostRange:
    """``amount`` times an assumption's value, low and high, each rounded to cents once."""
    return CostRange(*(_cents(amount * s) for s in (share.value, share.low, share.high)))


@final
@attrs.frozen
class CauseCost:
    """The yearly cost of one cause of silos, and the assumptions it used.

    Added in 0.2.
    """

    cause: str
    cost: CostRange
    used: tuple[str, ...]
    explanation: str


@final
@attrs.frozen
class SiloCost:
    """The yearly cost of silos, by cause, and in all.

    Added in 0.2.
    """

    causes: tuple[CauseCost, ...]
    assumptions: Mapping[str, Assumption]

    @property
    def total(self) -> CostRange:
        """Every cause added up (causes never overlap: see :class:`SiloCostModel`)."""
        total = CostRange(Decimal("0.00"), Decimal("0.00"), Decimal("0.00"))
        for cause in self.causes:
            total = total + cause.cost
        return total

    def cause(self, name: str) -> CauseCost | None:
        """The cost of cause ``name``, if the model could work it out."""
        return next((c for c in self.causes if c.cause == name), None)

    @property
    def used(self) -> tuple[Assumption, ...]:
        """Every assumption the causes used, in the catalogue's order."""
        names = {name for cause in self.causes for name in cause.used}
        return tuple(a for a in self.assumptions.values() if a.name in names)


TimeLoss = Literal["productivity", "search"]


def _mapping(value: object, path: str) -> dict[str, object]:
    if not isinstance(value, Mapping):
        raise SpecError.single(
            f"`{path}` must map each function to a number", Location(path=(path,))
        )
    return dict(value)


def _headcounts(value: object) -> dict[str, object]:
    return _mapping(value, "headcount")


def _costs(value: object) -> dict[str, object]:
    return _mapping(value, "loaded_cost")


@final
@attrs.frozen
class SiloCostModel:
    """The yearly cost of silos for an organisation, from sourced assumptions.

    Args:
        headcount: People per function.
        loaded_cost: The yearly loaded cost of one person, per function (salary,
            benefits, overhead), in the organisation's currency.
        assumptions: The assumptions by name (:func:`assumptions`; the catalogue
            by default).
        new_customers_per_year: Customers won a year, for the cost of the handover.
        customer_value: What one new customer is worth (first-year revenue, say).
        time_loss: Which figure prices the time silos waste: ``"productivity"`` (15%
            of loaded cost) or ``"search"`` (30% of working time spent searching).
            They describe overlapping losses, so the model uses one, never both.

    Raises:
        SpecError: A function without a cost or a headcount, a negative number, or
            an unknown ``time_loss``; every problem is named.

    >>> model = SiloCostModel(
    ...     headcount={"Sales": 10, "Operations": 5},
    ...     loaded_cost={"Sales": 120_000, "Operations": 90_000},
    ...     new_customers_per_year=40, customer_value=30_000,
    ... )
    >>> cost = model.cost()
    >>> cost.cause("lost_time").cost.point, cost.cause("handover_churn").cost.point
    (Decimal('247500.00'), Decimal('180000.00'))
    >>> cost.total.point
    Decimal('427500.00')

    Added in 0.2.
    """

    headcount: Mapping[str, int] = attrs.field(converter=_headcounts)
    loaded_cost: Mapping[str, object] = attrs.field(converter=_costs)
    assumptions: Mapping[str, Assumption] = attrs.field(factory=assumptions)
    new_customers_per_year: int | None = attrs.field(default=None, kw_only=True)
    customer_value: object = attrs.field(default=None, kw_only=True)
    time_loss: TimeLoss = attrs.field(default="productivity", kw_only=True)

    def __attrs_post_init__(self) -> None:
        problems = list(self._problems())
        if problems:
            raise SpecError(problems)

    def _problems(self) -> Iterator[Problem]:
        for function, people in self.headcount.items():
            if isinstance(people, bool) or not isinstance(people, int) or people < 0:
                yield Problem(
                    f"The headcount of `{function}` must be a whole number from 0, got {people!r}",
                    Location(path=("headcount", function)),
                )
            if function not in self.loaded_cost:
                yield Problem(
                    f"`{function}` has a headcount but no loaded cost",
                    Location(path=("loaded_cost", function)),
                )
        for function, cost in self.loaded_cost.items():
            try:
                if _decimal(cost, ("loaded_cost", function)) < 0:
                    yield Problem(
                        f"The loaded cost of `{function}` cannot be negative",
                        Location(path=("loaded_cost", function)),
                    )
            except SpecError as error:
                yield from error.problems
        if self.time_loss not in ("productivity", "search"):
            yield Problem(
                f"`time_loss` must be `productivity` or `search`, got {self.time_loss!r}",
                Location(path=("time_loss",)),
            )
        if self.new_customers_per_year is not None and (
            isinstance(self.new_customers_per_year, bool)
            or not isinstance(self.new_customers_per_year, int)
            or self.new_customers_per_year < 0
        ):
            yield Problem(
                "`new_customers_per_year` must be a whole number from 0",
                Location(path=("new_customers_per_year",)),
            )
        if self.customer_value is not None:
            try:
                if _decimal(self.customer_value, ("customer_value",)) < 0:
                    yield Problem(
                        "`customer_value` cannot be negative", Location(path=("customer_value",))
                    )
            except SpecError as error:
                yield from error.problems
        needed = ("handover_churn", "productivity_loss", "search_time_share")
        for name in needed:
            if name not in self.assumptions:
                yield Problem(
                    f"The assumptions have no `{name}`", Location(path=("assumptions", name))
                )

    def cost(self) -> SiloCost:
        """The yearly cost of silos by cause: lost time, and customers lost at the handover."""
        causes = [self._lost_time()]
        churn = self._handover_churn()
        if churn is not None:
            causes.append(churn)
        return SiloCost(tuple(causes), self.assumptions)

    def _payroll(self) -> Decimal:
        return sum(
            (
                Decimal(people) * _decimal(self.loaded_cost[f], ("loaded_cost", f))
                for f, people in self.headcount.items()
            ),
            Decimal(0),
        )

    def _lost_time(self) -> CauseCost:
        name = "productivity_loss" if self.time_loss == "productivity" else "search_time_share"
        share = self.assumptions[name]
        payroll = self._payroll()
        cost = _priced(payroll, share)
        return CauseCost(
            "lost_time",
            cost,
            (name,),
            f"{share.value} of a yearly loaded payroll of {_cents(payroll):,}",
        )

    def _handover_churn(self) -> CauseCost | None:
        if self.new_customers_per_year is None or self.customer_value is None:
            return None
        churn = self.assumptions["handover_churn"]
        each = _decimal(self.customer_value, ("customer_value",))
        cost = _priced(Decimal(self.new_customers_per_year) * each, churn)
        return CauseCost(
            "handover_churn",
            cost,
            ("handover_churn",),
            f"{churn.value} of {self.new_customers_per_year} new customers a year, "
            f"each worth {_cents(each):,}",
        )


@final
@attrs.frozen
class Change:
    """A change to the system and what it removes of one cause's cost.

    Args:
        name: What it is called.
        cause: The cause it acts on (``"handover_churn"``, ``"lost_time"``).
        reduction: The share of that cause's cost it removes (0-1).
        description: What it is, in a sentence.

    Added in 0.2.
    """

    name: str
    cause: str
    reduction: Decimal = attrs.field(converter=_reduction)
    description: str = ""

    def __attrs_post_init__(self) -> None:
        if not Decimal(0) <= self.reduction <= Decimal(1):
            raise SpecError.single(
                f"`reduction` is a share from 0 to 1, got {self.reduction}",
                Location(path=("reduction",)),
            )


MVH: Final = Change(
    "Minimum Viable Handoff",
    "handover_churn",
    "0.5",
    "A handoff gate with a required package, acceptance and a named owner: halves the "
    "customers lost at the handover",
)
"""The Minimum Viable Handoff, assumed to halve the churn at the handover (override it)."""


@final
@attrs.frozen
class ROI:
    """The return of a change: what it saves a year against what it costs.

    Args:
        change: The change.
        model: The cost model it acts on.
        cost: What the change costs in its first year.

    >>> model = SiloCostModel({"Sales": 10}, {"Sales": 100_000},
    ...                       new_customers_per_year=40, customer_value=30_000)
    >>> roi = ROI(MVH, model, 50_000)
    >>> roi.saving.point, roi.net.point, roi.ratio
    (Decimal('90000.00'), Decimal('40000.00'), Decimal('0.80'))

    Added in 0.2.
    """

    change: Change
    model: SiloCostModel
    cost: Decimal = attrs.field(converter=_cost)
    _cause: CauseCost = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if self.cost < 0:
            raise SpecError.single("`cost` cannot be negative", Location(path=("cost",)))
        cause = self.model.cost().cause(self.change.cause)
        if cause is None:
            raise SpecError.single(
                f"The model has no cost for `{self.change.cause}`: give it "
                "`new_customers_per_year` and `customer_value` for the handover",
                Location(path=("change", "cause")),
            )
        object.__setattr__(self, "_cause", cause)  # the model is worked out once

    @property
    def saving(self) -> CostRange:
        """What the change saves a year: its share of its cause's cost."""
        return self._cause.cost.scaled(self.change.reduction)

    @property
    def net(self) -> CostRange:
        """The first year's saving less the change's cost."""
        saving = self.saving
        return CostRange(*(_cents(v - self.cost) for v in (saving.point, saving.low, saving.high)))

    @property
    def ratio(self) -> Decimal | None:
        """Net saving over cost, at the point estimate (``None`` for a change of no cost)."""
        if not self.cost:
            return None
        return _cents(self.net.point / self.cost)

    @property
    def used(self) -> tuple[Assumption, ...]:
        """The assumptions the saving rests on."""
        return tuple(self.model.assumptions[name] for name in self._cause.used)
