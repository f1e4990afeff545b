"""The handoff lifecycle: its states, the moves people make, red flags, and the fold.

A :class:`Handoff` is folded from its events. :data:`MOVES` is the one table of what
people may do to it: from which states, to which state, who, and what open red flags
say.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Final, Literal, final

import attrs

from alignkit._eventsourcing import Fold
from alignkit.errors import TransitionError
from alignkit.handoff._package import HandoffPackage
from alignkit.store import StoredEvent

__all__ = [
    "EVENT_KINDS",
    "MOVES",
    "Handoff",
    "HandoffState",
    "Move",
    "RedFlag",
    "folding",
    "mermaid_diagram",
]


class HandoffState(enum.Enum):
    """Where a handoff is in its lifecycle.

    Added in 0.1.
    """

    OPEN = "open"
    SUBMITTED = "submitted"
    FLAGGED = "flagged"
    ACCEPTED = "accepted"
    ACTIVATED = "activated"
    CHURNED = "churned"
    WITHDRAWN = "withdrawn"


def _states(states: Iterable[HandoffState]) -> frozenset[HandoffState]:
    return frozenset(states)


@final
@attrs.frozen
class Move:
    """A move people make on a handoff: a row of :data:`MOVES`.

    Attributes:
        sources: The states it may be made from.
        target: The state it leads to (``None``: the state stays).
        by: Who may make it: ``"receiving"``, members of the receiving function;
            ``"sending"``, the handoff's owner and members of the sending function.
        records: The kind of the event it records.
        open_flags: What open red flags say: ``"bar"``, not while one is open;
            ``"need"``, only while one is; ``None``, nothing.
    """

    sources: frozenset[HandoffState] = attrs.field(converter=_states)
    target: HandoffState | None
    by: Literal["sending", "receiving"]
    records: str
    open_flags: Literal["bar", "need"] | None = None

    def allowed(self, state: HandoffState, *, flagged: bool) -> bool:
        """True when the move may be made from ``state`` (``flagged``: a red flag is open)."""
        return state in self.sources and self.open_flags != ("bar" if flagged else "need")


_S = HandoffState
_BEFORE_ACCEPTANCE: Final = (_S.OPEN, _S.SUBMITTED, _S.FLAGGED)

MOVES: Final[Mapping[str, Move]] = MappingProxyType(
    {
        # move: from, to, who, the event it records, what open flags say
        "submit": Move(_BEFORE_ACCEPTANCE, _S.SUBMITTED, "sending", "submitted", "bar"),
        "flag": Move((_S.SUBMITTED, _S.FLAGGED), _S.FLAGGED, "receiving", "flagged"),
        "resolve": Move((_S.FLAGGED,), None, "receiving", "resolved", "need"),
        "accept": Move((_S.SUBMITTED,), _S.ACCEPTED, "receiving", "accepted", "bar"),
        "activate": Move((_S.ACCEPTED,), _S.ACTIVATED, "receiving", "activated"),
        "churn": Move((_S.ACCEPTED,), _S.CHURNED, "receiving", "churned"),
        "withdraw": Move(_BEFORE_ACCEPTANCE, _S.WITHDRAWN, "sending", "withdrawn"),
        "reassign": Move(_BEFORE_ACCEPTANCE, None, "sending", "reassigned"),
    }
)
"""Every move people make on a handoff, in the order they are listed to them.

The CRM moves a handoff too, with ``deal_stage`` events: it opens one, withdraws it
when the deal leaves the trigger stage before acceptance, and reopens a withdrawn one.
"""

EVENT_KINDS: Final = frozenset({"deal_stage", *(move.records for move in MOVES.values())})
"""The kinds of event a handoff is folded from."""


def mermaid_diagram() -> str:
    """The handoff lifecycle as a Mermaid state diagram (for docs).

    >>> print(mermaid_diagram().splitlines()[0])
    stateDiagram-v2

    Added in 0.1.
    """
    lines = ["stateDiagram-v2", "    [*] --> OPEN: deal reaches Closed-Won"]
    order = list(HandoffState)
    for name, move in MOVES.items():
        lines.extend(
            f"    {source.name} --> {(move.target or source).name}: {name}"
            for source in sorted(move.sources, key=order.index)
        )
    lines += [
        "    ACTIVATED --> [*]",
        "    CHURNED --> [*]",
        "    WITHDRAWN --> OPEN: deal returns to Closed-Won",
    ]
    return "\n".join(lines)


@final
@attrs.frozen
class RedFlag:
    """A blame-free red flag: what is missing or unclear, never whose fault it is.

    Added in 0.1.
    """

    flag_id: str
    reason: str
    category: str
    raised_by: str
    raised_at: dt.datetime
    resolved_by: str | None = None
    resolved_at: dt.datetime | None = None

    @property
    def open(self) -> bool:
        """True until resolved."""
        return self.resolved_at is None


@final
@attrs.frozen
class Handoff:
    """A handoff's state, folded from its events. Immutable.

    Attributes:
        deal_id: The CRM deal.
        state: Where it is in the lifecycle.
        owner: The person measured on the customer's activation.
        package: The package last submitted.
        flags: Every red flag, open or resolved.
        history: Every event, in order.
        won_at: When the deal (last) reached the trigger stage.
        accepted_at: When the receiving side accepted it.
        activated_at: When the customer was recorded as activated.

    Added in 0.1.
    """

    deal_id: str
    state: HandoffState = HandoffState.OPEN
    owner: str | None = None
    customer: str | None = None
    package: HandoffPackage | None = None
    flags: tuple[RedFlag, ...] = ()
    history: tuple[StoredEvent, ...] = ()
    won_at: dt.datetime | None = None
    accepted_at: dt.datetime | None = None
    activated_at: dt.datetime | None = None
    last_deal_event_at: dt.datetime | None = None
    last_stage: str | None = None

    @property
    def open_flags(self) -> tuple[RedFlag, ...]:
        """The flags not yet resolved."""
        return tuple(f for f in self.flags if f.open)

    @property
    def version(self) -> int:
        """The number of events folded into it."""
        return len(self.history)

    def allowed_moves(self) -> tuple[str, ...]:
        """The moves people may make now.

        While a red flag is open, neither submit nor accept; resolve only then. A
        withdrawn handoff has none: the CRM reopens it when the deal reaches the
        trigger stage again.
        """
        flagged = bool(self.open_flags)
        return tuple(
            name for name, move in MOVES.items() if move.allowed(self.state, flagged=flagged)
        )

    @property
    def last_event_at(self) -> dt.datetime | None:
        """When the latest event happened (people's moves may not be dated earlier)."""
        return max((event.at for event in self.history), default=None)


def _fold_deal_stage(
    handoff: Handoff | None,
    event: StoredEvent,
    trigger: str,
    prior: tuple[StoredEvent, ...],
) -> Handoff | None:
    """A CRM stage change: opens, withdraws or reopens; an older one changes nothing."""
    data = event.data
    occurred = _aware(data["occurred_at"])
    latest = handoff.last_deal_event_at if handoff is not None else _latest_deal_event(prior)
    if latest is not None and occurred < latest:
        # Out of order: recorded, never applied.
        if handoff is None:
            return None
        return attrs.evolve(handoff, history=(*handoff.history, event))
    stage = _text(data["stage"])
    if handoff is None or handoff.state is HandoffState.WITHDRAWN:
        if stage != trigger:
            if handoff is None:
                return None
            return attrs.evolve(
                handoff,
                history=(*handoff.history, event),
                last_deal_event_at=occurred,
                last_stage=stage,
            )
        # Reopened: a new cycle (package and flags start afresh), the same people.
        return Handoff(
            deal_id=event.stream,
            state=HandoffState.OPEN,
            owner=_text_or_none(data.get("owner") or (handoff.owner if handoff else None)),
            customer=_text_or_none(data.get("customer") or (handoff.customer if handoff else None)),
            history=(*(handoff.history if handoff else prior), event),
            won_at=occurred,
            last_deal_event_at=occurred,
            last_stage=stage,
        )
    changes: dict[str, Any] = {"last_deal_event_at": occurred, "last_stage": stage}
    before_acceptance = handoff.state in (
        HandoffState.OPEN,
        HandoffState.SUBMITTED,
        HandoffState.FLAGGED,
    )
    if stage != trigger and before_acceptance:
        changes["state"] = HandoffState.WITHDRAWN
    return attrs.evolve(handoff, history=(*handoff.history, event), **changes)


def _fold(  # noqa: PLR0911 - one branch per event kind
    handoff: Handoff | None,
    event: StoredEvent,
    trigger: str,
    prior: tuple[StoredEvent, ...] = (),
) -> Handoff | None:
    """Apply one stored event; events are trusted (the desk checked them)."""
    data = event.data
    if event.kind == "deal_stage":
        return _fold_deal_stage(handoff, event, trigger, prior)
    if handoff is None:  # pragma: no cover - the desk never writes this
        msg = f"Event {event.kind} before the handoff was opened"
        raise TransitionError(msg)
    history = (*handoff.history, event)
    if event.kind == "submitted":
        package = HandoffPackage.model_validate(data["package"])
        return attrs.evolve(
            handoff,
            state=HandoffState.SUBMITTED,
            package=package,
            owner=handoff.owner if handoff.owner is not None else package.owner,
            history=history,
        )
    if event.kind == "flagged":
        flag = RedFlag(
            _text(data["flag_id"]),
            _text(data["reason"]),
            _text(data["category"]),
            event.actor,
            event.at,
        )
        return attrs.evolve(
            handoff, state=HandoffState.FLAGGED, flags=(*handoff.flags, flag), history=history
        )
    if event.kind == "resolved":
        flags = tuple(
            attrs.evolve(f, resolved_by=event.actor, resolved_at=event.at)
            if f.flag_id == data["flag_id"]
            else f
            for f in handoff.flags
        )
        return attrs.evolve(handoff, flags=flags, history=history)
    if event.kind == "accepted":
        return attrs.evolve(
            handoff, state=HandoffState.ACCEPTED, accepted_at=event.at, history=history
        )
    if event.kind == "activated":
        return attrs.evolve(
            handoff, state=HandoffState.ACTIVATED, activated_at=event.at, history=history
        )
    if event.kind == "churned":
        return attrs.evolve(handoff, state=HandoffState.CHURNED, history=history)
    if event.kind == "withdrawn":
        return attrs.evolve(handoff, state=HandoffState.WITHDRAWN, history=history)
    if event.kind == "reassigned":
        return attrs.evolve(handoff, owner=_text(data["owner"]), history=history)
    msg = f"Unknown event kind {event.kind!r}"  # pragma: no cover - a foreign store
    raise TransitionError(msg)  # pragma: no cover


def _latest_deal_event(events: Iterable[StoredEvent]) -> dt.datetime | None:
    """When the newest CRM event among ``events`` happened."""
    return max(
        (_aware(e.data["occurred_at"]) for e in events if e.kind == "deal_stage"),
        default=None,
    )


def _aware(value: object) -> dt.datetime:
    """A stored time; anything else is a ``TypeError`` or ``ValueError`` for the fold's caller."""
    if type(value) is not str:
        raise TypeError(value)
    found = dt.datetime.fromisoformat(value)
    if found.tzinfo is None:
        raise ValueError(value)
    return found


def _text(value: object) -> str:
    """A stored text; anything else is a ``TypeError`` for the fold's caller."""
    if type(value) is not str:
        raise TypeError(value)
    return value


def _text_or_none(value: object) -> str | None:
    return None if value is None else _text(value)


def folding(trigger: str) -> Fold[Handoff]:
    """How a handoff follows from its events, for a desk whose trigger stage is ``trigger``."""

    def fold(
        handoff: Handoff | None, event: StoredEvent, prior: tuple[StoredEvent, ...]
    ) -> Handoff | None:
        return _fold(handoff, event, trigger, prior)

    return fold
