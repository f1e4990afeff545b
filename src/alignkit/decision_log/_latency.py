"""How long decisions take: from proposal to decision, overall and per category."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, final

import attrs

from alignkit._spec import FrozenDict

if TYPE_CHECKING:
    from alignkit.decision_log._lifecycle import DecisionRecord

__all__ = ["LatencyStats", "latency_of"]


@final
@attrs.frozen
class LatencyStats:
    """How long decisions took from proposal to decision.

    Attributes:
        count: Decisions counted (decided, superseded ones included).
        median: The median time (``None`` when none was decided).
        p90: The 90th percentile (nearest rank): 90% of the decisions took no longer.
        by_category: The same for each category (``None``: decisions without one).

    >>> import datetime as dt
    >>> from alignkit.decision_log import DecisionLog
    >>> from alignkit.decision_rights import DecisionRights
    >>> from alignkit.org import Function, Org, Person
    >>> org = Org(
    ...     functions=[Function("Sales", "ana")],
    ...     people=[Person("ana", "Ana Ruiz", "Sales"), Person("lee", "Lee Park", "Sales")],
    ... )
    >>> log = DecisionLog(DecisionRights.from_table({"pick-crm": {"ana": "A", "lee": "C"}}), org)
    >>> at = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
    >>> record_id = log.propose("pick-crm", "ana", "Move to HubSpot", at)
    >>> _ = log.consult(record_id, "lee", at)
    >>> _ = log.decide(record_id, "ana", "HubSpot it is", at + dt.timedelta(days=2))
    >>> stats = log.latency()
    >>> stats.count, stats.median, list(stats.by_category)
    (1, datetime.timedelta(days=2), [None])

    Added in 0.2.
    """

    count: int
    median: dt.timedelta | None
    p90: dt.timedelta | None
    by_category: Mapping[str | None, LatencyStats] = attrs.field(factory=FrozenDict)


def _stats(waits: list[dt.timedelta]) -> tuple[dt.timedelta | None, dt.timedelta | None]:
    if not waits:
        return None, None
    waits.sort()
    n = len(waits)
    middle = n // 2
    median = waits[middle] if n % 2 else (waits[middle - 1] + waits[middle]) / 2
    return median, waits[math.ceil(0.9 * n) - 1]


def latency_of(records: Iterable[DecisionRecord]) -> LatencyStats:
    """:class:`LatencyStats` over ``records`` (those not decided are left out).

    >>> import datetime as dt
    >>> from alignkit.decision_log._lifecycle import DecisionRecord, DecisionState
    >>> t0 = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
    >>> records = [
    ...     DecisionRecord(f"r{days}", "d", "data", DecisionState.DECIDED, "ana", t0,
    ...                    decided_at=t0 + dt.timedelta(days=days))
    ...     for days in (1, 2, 3, 10)
    ... ]
    >>> stats = latency_of(records)
    >>> stats.count, stats.median.days, stats.p90.days, stats.by_category["data"].count
    (4, 2, 10, 4)
    """
    overall: list[dt.timedelta] = []
    by_category: dict[str | None, list[dt.timedelta]] = {}
    for record in records:
        if record.decided_at is None:
            continue
        wait = record.decided_at - record.proposed_at
        overall.append(wait)
        by_category.setdefault(record.category, []).append(wait)
    categories: dict[str | None, LatencyStats] = {}
    for category in sorted(by_category, key=lambda c: (c is None, c or "")):
        waits = by_category[category]
        categories[category] = LatencyStats(len(waits), *_stats(waits))
    return LatencyStats(len(overall), *_stats(overall), FrozenDict(categories))
