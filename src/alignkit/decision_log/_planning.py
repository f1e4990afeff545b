"""What the log's moves and an imported history share: a planned step, and its checks.

A move is planned (checked, and turned into the event it records) before it is
sealed and appended. :mod:`~alignkit.decision_log._csv` plans the rows of a history
through :class:`Planner`, which the log is, without importing the log.

Internal: not part of the public API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from alignkit.decision_log._lifecycle import DecisionRecord, DecisionState

if TYPE_CHECKING:
    from alignkit._eventsourcing import FoldedStreams
    from alignkit.decision_log._parties import Parties
    from alignkit.decision_rights import DecisionRights
    from alignkit.org import Org

__all__ = ["Planner", "Step", "supersede_problem"]


class Step(NamedTuple):
    """A move, checked: the event it records, before its texts are sealed and it is chained."""

    kind: str
    actor: str
    data: dict[str, Any]
    texts: dict[str, str]
    """Each text field of the event and its text (blank texts are left out)."""
    author: str | None
    """Who wrote the texts (``None``: nobody in the org, a forum)."""


class Planner(Protocol):
    """What planning a history's rows needs of the log (:class:`DecisionLog` is one)."""

    @property
    def org(self) -> Org: ...

    @property
    def rights(self) -> DecisionRights: ...

    @property
    def _streams(self) -> FoldedStreams[DecisionRecord]: ...

    @property
    def _parties(self) -> Parties: ...

    def _current(self, record_id: str) -> DecisionRecord: ...

    def _planned_record(
        self, record: DecisionRecord | None, record_id: str, step: Step, at: dt.datetime
    ) -> DecisionRecord: ...

    def _plan_propose(
        self, decision_id: str, proposer: str, summary: str, at: dt.datetime
    ) -> Step: ...

    def _plan_consult(
        self,
        record: DecisionRecord,
        person: str,
        opinion: str,
        agrees: bool | None,
        on_behalf_of: str | None,
    ) -> Step: ...

    def _plan_decide(
        self,
        record: DecisionRecord,
        decider: str,
        outcome: str,
        rationale: str,
        at: dt.datetime,
        *,
        history: bool = False,
    ) -> Step: ...

    def _plan_inform(
        self, record: DecisionRecord, people: Iterable[str], actor: str | None
    ) -> Step: ...

    def _plan_withdraw(
        self, record: DecisionRecord, actor: str, reason: str, at: dt.datetime
    ) -> Step: ...

    def _plan_escalate(
        self, record: DecisionRecord, actor: str, reason: str, at: dt.datetime
    ) -> Step: ...


def supersede_problem(old: DecisionRecord, new: DecisionRecord) -> str | None:
    """Why ``new`` cannot supersede ``old`` (``None`` if it can)."""
    if new.record_id == old.record_id:
        return f"Record {old.record_id} cannot supersede itself"
    if new.decision_id != old.decision_id:
        return (
            f"Record {new.record_id} decides `{new.decision_id}`, not `{old.decision_id}`: "
            "only a decision on the same decision id supersedes one"
        )
    if new.state is not DecisionState.DECIDED:
        return (
            f"Record {new.record_id} is {new.state.name}, not DECIDED: decide it first, "
            "then let it supersede the old one"
        )
    if (
        new.decided_at is not None
        and old.decided_at is not None
        and new.decided_at < old.decided_at
    ):
        return (
            f"Record {new.record_id} was decided before record {old.record_id}: only a "
            "newer decision supersedes one"
        )
    return None
