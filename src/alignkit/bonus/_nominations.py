"""Silo-buster nominations: a discretionary pool split by endorsements across functions."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, final

import attrs
from pydantic import Field

from alignkit._money import EXACT, MINOR_UNITS, from_units, number_at, shown, split_ratio, under
from alignkit._spec import SpecModel
from alignkit.diagnostics import Location
from alignkit.errors import Problem, SpecError

if TYPE_CHECKING:
    from alignkit.org import Org

__all__ = ["Allocation", "Award", "Nomination", "Refusal", "allocate"]


class Nomination(SpecModel):
    """Someone from another function nominates a colleague for solving a problem across departments.

    Added in 0.1.
    """

    nominator: str = Field(min_length=1)
    nominee: str = Field(min_length=1)
    reason: str = Field(min_length=1)

    def __init__(self, nominator: str, nominee: str, reason: str) -> None:
        super().__init__(nominator=nominator, nominee=nominee, reason=reason)


@final
@attrs.frozen
class Award:
    """A nominee's share of the discretionary pool, with every reason given.

    Added in 0.1.
    """

    nominee: str
    amount: Decimal
    reasons: tuple[str, ...]


@final
@attrs.frozen
class Refusal:
    """A nomination that does not count, and why.

    Added in 0.1.
    """

    nomination: Nomination
    why: str


@final
@attrs.frozen
class Allocation:
    """How a discretionary pool was split: awards, refused nominations, any remainder.

    Added in 0.1.
    """

    awards: tuple[Award, ...]
    refused: tuple[Refusal, ...]
    unallocated: Decimal


def _nominations(nominations: object) -> list[Nomination]:
    """Each nomination, a :class:`Nomination` or its fields as a mapping."""
    try:
        items = list(nominations)  # type: ignore[call-overload]
    except TypeError:
        raise SpecError.single(
            f"Expected nominations, got {shown(nominations)}", Location(path=("nominations",))
        ) from None
    found: list[Nomination] = []
    problems: list[Problem] = []
    for index, item in enumerate(items):
        if isinstance(item, Nomination):
            found.append(item)
        elif isinstance(item, Mapping):
            try:
                found.append(Nomination.model_validate(item))
            except SpecError as error:
                problems.extend(under(("nominations", index), error).problems)
        else:
            problems.append(
                Problem(
                    f"Expected a Nomination or a mapping, got {shown(item)}",
                    Location(path=("nominations", index)),
                )
            )
    if problems:
        raise SpecError(problems)
    return found


def allocate(
    pool: object,
    nominations: Iterable[Nomination],
    org: Org,
    cap: object = None,
    *,
    currency: str = "USD",
) -> Allocation:
    """Split a discretionary pool by cross-department endorsements, exactly.

    Only nominations from another function count; self-nominations, repeats and
    nominations of or by people outside the org are refused, each with the reason. The
    pool is split in proportion to each nominee's endorsements; with ``cap``, nobody
    gets more, and the rest goes to the others. Awards add up to the pool to the cent
    (or to what the caps allow; the rest is ``unallocated``).

    Args:
        pool: The amount to split, at most :data:`MAX_AMOUNT`.
        nominations: :class:`Nomination` objects, or mappings of their fields.
        org: The organisation the nominator and nominee belong to.
        cap: The most one nominee gets.
        currency: The ISO 4217 code of the pool's currency.

    Raises:
        SpecError: ``pool`` or ``cap`` is not a valid amount, the currency is unknown,
            ``org`` is not an :class:`~alignkit.org.Org`, or a nomination is not one.

    Added in 0.1.
    """
    from alignkit.org import Org

    problems: list[Problem] = []
    budget = number_at(problems, pool, ("pool",), percent=False, what="amount")
    limit = (
        number_at(problems, cap, ("cap",), percent=False, what="amount")
        if cap is not None
        else None
    )
    if not isinstance(currency, str) or currency not in MINOR_UNITS:
        problems.append(
            Problem(f"Unknown currency {shown(currency)}", Location(path=("currency",)))
        )
    if not isinstance(org, Org):
        problems.append(Problem(f"Expected an Org, got {shown(org)}", Location(path=("org",))))
    if problems or budget is None:
        raise SpecError(problems)
    digits = MINOR_UNITS[currency]
    counted: dict[str, list[str]] = {}
    refused: list[Refusal] = []
    seen: set[tuple[str, str]] = set()
    for nomination in _nominations(nominations):
        nominator = org.get_person(nomination.nominator)
        nominee = org.get_person(nomination.nominee)
        why = None
        if nomination.nominator == nomination.nominee:
            why = "A self-nomination does not count"
        elif nominator is None or nominee is None:
            who = nomination.nominator if nominator is None else nomination.nominee
            why = f"`{who}` is not in the org"
        elif nominator.function == nominee.function:
            why = f"Both are in {nominee.function}; only nominations from another function count"
        elif (nomination.nominator, nomination.nominee) in seen:
            why = f"`{nomination.nominator}` already nominated `{nomination.nominee}`"
        if why is not None:
            refused.append(Refusal(nomination, why))
            continue
        seen.add((nomination.nominator, nomination.nominee))
        counted.setdefault(nomination.nominee, []).append(nomination.reason)
    budget_units = math.floor(budget.scaleb(digits, EXACT))
    cap_units = math.floor(limit.scaleb(digits, EXACT)) if limit is not None else None
    shares = _water_fill(budget_units, {k: len(v) for k, v in counted.items()}, cap_units)
    awards = tuple(
        Award(nominee, from_units(units, digits), tuple(counted[nominee]))
        for nominee, units in shares.items()
    )
    given = sum(shares.values())
    return Allocation(awards, tuple(refused), from_units(budget_units - given, digits))


def _water_fill(units: int, weights: Mapping[str, int], cap: int | None) -> dict[str, int]:
    """Split ``units`` in proportion to ``weights``, nobody above ``cap``, exactly."""
    result = dict.fromkeys(weights, 0)
    open_ = dict(weights)
    remaining = units
    while open_ and remaining > 0:
        total = sum(open_.values())
        if cap is not None:
            # result + remaining * w / total >= cap, in integers
            over = [k for k, w in open_.items() if (result[k] - cap) * total + remaining * w >= 0]
            if over:
                for k in over:
                    remaining -= cap - result[k]
                    result[k] = cap
                    del open_[k]
                continue
        keys = list(open_)
        shares = split_ratio(remaining, [remaining * open_[k] for k in keys], total)
        for k, u in zip(keys, shares, strict=True):
            result[k] += u
        remaining = 0
    return result


# -- the alignment file's bonus_plans section --------------------------------------------
