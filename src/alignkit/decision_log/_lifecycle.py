"""The decision lifecycle: its states, the one table of moves, and the fold.

A :class:`DecisionRecord` is folded from the events of its stream, as a
:class:`~alignkit.handoff.Handoff` is. :data:`MOVES` is the one table of what may be
done to a record, from which states, and to which state.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Final, Literal, final

import attrs

from alignkit.decision_log._missing import MissingInput
from alignkit.store import StoredEvent

__all__ = [
    "ERASED",
    "EVENT_KINDS",
    "MOVES",
    "UNAVAILABLE",
    "Consultation",
    "DecisionRecord",
    "DecisionState",
    "Escalation",
    "Move",
    "TextRef",
    "fold",
    "mermaid_diagram",
    "names_in",
]

ERASED: Final = "[erased]"
"""What an erased text reads as (:attr:`DecisionRecord.erased` says which texts are)."""

UNAVAILABLE: Final = "[unavailable]"
"""What a text reads as when the text store has no text matching its commitment:
:meth:`~alignkit.decision_log.DecisionLog.verify` says why."""


class DecisionState(enum.Enum):
    """Where a decision record is in its lifecycle.

    >>> DecisionState("decided").name, MOVES["supersede"].target
    ('DECIDED', <DecisionState.SUPERSEDED: 'superseded'>)

    Added in 0.2.
    """

    PROPOSED = "proposed"
    CONSULTING = "consulting"
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"


def _states(states: Iterable[DecisionState]) -> frozenset[DecisionState]:
    return frozenset(states)


@final
@attrs.frozen
class Move:
    """What may be done to a record: a row of :data:`MOVES`.

    Attributes:
        sources: The states it may be made from (none: it starts a record).
        target: The state it leads to (``None``: the state stays).
        records: The kind of the event it records.
        by: Who may make it, in words.

    >>> MOVES["decide"].records, sorted(state.name for state in MOVES["decide"].sources)
    ('decided', ['CONSULTING', 'PROPOSED'])

    Added in 0.2.
    """

    sources: frozenset[DecisionState] = attrs.field(converter=_states)
    target: DecisionState | None
    records: str
    by: str

    @property
    def listed(self) -> bool:
        """True for the moves people make (erasure is not one: it is always allowed)."""
        return self.records != "erased"


_S = DecisionState
_OPEN: Final = (_S.PROPOSED, _S.CONSULTING)

MOVES: Final[Mapping[str, Move]] = MappingProxyType(
    {
        # move: from, to, the event it records, who
        "propose": Move((), _S.PROPOSED, "proposed", "anyone in the org"),
        "consult": Move(_OPEN, _S.CONSULTING, "consulted", "anyone in the org, for the parties "
                        "they may speak for"),
        "escalate": Move(_OPEN, None, "escalated", "the proposer, a decider, or a party "
                         "consulted or having to agree"),
        "decide": Move(_OPEN, _S.DECIDED, "decided", "who may decide, or who an escalation names"),
        "withdraw": Move(_OPEN, _S.WITHDRAWN, "withdrawn", "the proposer or a decider"),
        "inform": Move((_S.DECIDED,), None, "informed", "the decider, who tells people"),
        "supersede": Move((_S.DECIDED,), _S.SUPERSEDED, "superseded", "a decider"),
        "erase": Move(tuple(_S), None, "erased", "erasure of a person's texts"),
    }
)  # fmt: skip
"""Every move, in the order they are listed to people."""

EVENT_KINDS: Final = frozenset(move.records for move in MOVES.values())
"""The kinds of event a decision record is folded from."""

_MOVE_OF: Final = {move.records: name for name, move in MOVES.items()}


def mermaid_diagram() -> str:
    """The decision lifecycle as a Mermaid state diagram (for docs).

    >>> print(mermaid_diagram())
    stateDiagram-v2
        [*] --> PROPOSED: propose
        PROPOSED --> CONSULTING: consult
        CONSULTING --> CONSULTING: consult
        PROPOSED --> PROPOSED: escalate
        CONSULTING --> CONSULTING: escalate
        PROPOSED --> DECIDED: decide
        CONSULTING --> DECIDED: decide
        PROPOSED --> WITHDRAWN: withdraw
        CONSULTING --> WITHDRAWN: withdraw
        DECIDED --> DECIDED: inform
        DECIDED --> SUPERSEDED: supersede
        WITHDRAWN --> [*]
        SUPERSEDED --> [*]

    Added in 0.2.
    """
    lines = ["stateDiagram-v2"]
    order = list(DecisionState)
    for name, move in MOVES.items():
        if not move.listed:
            continue
        if not move.sources:
            lines.append(f"    [*] --> {move.target.name if move.target else '?'}: {name}")
        lines.extend(
            f"    {source.name} --> {(move.target or source).name}: {name}"
            for source in sorted(move.sources, key=order.index)
        )
    lines += ["    WITHDRAWN --> [*]", "    SUPERSEDED --> [*]"]
    return "\n".join(lines)


@final
@attrs.frozen
class TextRef:
    """Where a free text of a record is kept, and who it involves.

    Attributes:
        path: The text's place in the record (``"summary"``,
            ``"consultations[0].opinion"``, ``"outcome"`` …).
        key: Its key in the text store.
        commitment: ``SHA-256(salt || text)``, as the event holds it.
        involves: The people it involves: its author, and everyone it named when it
            was written.
        erased: True once erased: the text and its salt are gone.

    Added in 0.2.
    """

    path: str
    key: str
    commitment: str
    involves: tuple[str, ...]
    erased: bool = False


@final
@attrs.frozen
class Consultation:
    """Someone consulted, and what they said.

    Attributes:
        person: Who was consulted.
        at: When.
        opinion: What they said (:data:`ERASED` once erased).
        agrees: Their sign-off, for parties that must agree: ``True``, ``False``
            (a veto) or ``None`` (none given).
        on_behalf_of: The party they spoke for, if they said so.
        speaks_for: Every party the consultation satisfies, as judged when it was
            recorded: the person, the functions they head and the teams they lead,
            or ``on_behalf_of`` and the person.

    Added in 0.2.
    """

    person: str
    at: dt.datetime
    opinion: str = ""
    agrees: bool | None = None
    on_behalf_of: str | None = None
    speaks_for: tuple[str, ...] = ()


@final
@attrs.frozen
class Escalation:
    """A disagreement taken to whoever settles it.

    Attributes:
        raised_by: Who escalated.
        at: When.
        reason: Why (:data:`ERASED` once erased).
        settled_by: The forum, or the lowest common manager, who may now decide.
        kind: ``"forum"`` or ``"manager"``.
        between: The people in disagreement (for a veto: the decider and who vetoed).
        explanation: How ``settled_by`` was found.

    Added in 0.2.
    """

    raised_by: str
    at: dt.datetime
    reason: str
    settled_by: str
    kind: str
    between: tuple[str, ...]
    explanation: str


DecidedBy = Literal["decider", "settler", "none"]
"""How a record was decided: by right, by the party an escalation named, or neither."""


@final
@attrs.frozen
class DecisionRecord:
    """One decision as it was proposed, consulted on, decided and told. Immutable.

    Folded from the events of its stream; every event is in ``history``.
    Free texts read as they were written, as :data:`ERASED` once erased, or as
    :data:`UNAVAILABLE` when the text store lost them
    (:meth:`~alignkit.decision_log.DecisionLog.verify` says why).

    Attributes:
        record_id: The record (its stream in the store).
        decision_id: The decision of the rights matrix it decides.
        category: The decision's category when it was proposed.
        state: Where it is in its lifecycle.
        proposer: Who proposed it.
        proposed_at: When.
        summary: What is proposed.
        consultations: Everyone consulted, in order.
        escalations: Every escalation, in order; the last one names who settles.
        decider: Who decided (a person, or a forum under its own name).
        decided_at: When.
        outcome: What was decided.
        rationale: Why.
        authority: ``"decider"``: decided by right (``can_decide``);
            ``"settler"``: by the party an escalation named; ``"none"``: imported
            from a history in which someone who may not decide decided.
        decided_without: What was missing when it was decided: empty, unless the log
            did not require consultation or the record was imported.
        informed: Who was told of the decision, in order.
        withdrawn_by: Who withdrew it, if withdrawn.
        withdrawal_reason: Why.
        superseded_by: The record that superseded it, if superseded.
        imported: True for a record imported from a history
            (:meth:`~alignkit.decision_log.DecisionLog.import_csv`).
        texts: Where each free text is kept, and who it involves.
        history: Every event, in order.

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
    >>> record = log.consult(record_id, "lee", at, opinion="Ask Ana Ruiz about the cost")
    >>> record.state.name, record.allowed_moves()
    ('CONSULTING', ('consult', 'escalate', 'decide', 'withdraw'))
    >>> record.consultations[0].opinion, record.texts[1].involves
    ('Ask Ana Ruiz about the cost', ('ana', 'lee'))

    Added in 0.2.
    """

    record_id: str
    decision_id: str
    category: str | None
    state: DecisionState
    proposer: str
    proposed_at: dt.datetime
    summary: str = ""
    consultations: tuple[Consultation, ...] = ()
    escalations: tuple[Escalation, ...] = ()
    decider: str | None = None
    decided_at: dt.datetime | None = None
    outcome: str = ""
    rationale: str = ""
    authority: DecidedBy | None = None
    decided_without: tuple[MissingInput, ...] = ()
    informed: tuple[str, ...] = ()
    withdrawn_by: str | None = None
    withdrawal_reason: str = ""
    superseded_by: str | None = None
    imported: bool = False
    texts: tuple[TextRef, ...] = ()
    history: tuple[StoredEvent, ...] = ()

    @property
    def version(self) -> int:
        """The number of events folded into it."""
        return len(self.history)

    @property
    def head(self) -> str:
        """The hash of its last event: where its chain ends."""
        return str(self.history[-1].data.get("hash", ""))

    @property
    def last_event_at(self) -> dt.datetime:
        """When its latest event happened (moves may not be dated earlier)."""
        return max(event.at for event in self.history)

    @property
    def settled_by(self) -> str | None:
        """Who the last escalation named to settle it, if it was escalated."""
        return self.escalations[-1].settled_by if self.escalations else None

    @property
    def erased(self) -> tuple[str, ...]:
        """The paths of the texts erased (``"summary"``, ``"consultations[0].opinion"`` …)."""
        return tuple(ref.path for ref in self.texts if ref.erased)

    @property
    def needs_review(self) -> bool:
        """True when it was decided without required input, or by someone without the right.

        Only a record imported from a history, or decided in a log that does not
        require consultation, can be: a review agenda lists them.
        """
        return bool(self.decided_without) or self.authority == "none"

    def agreements(self) -> dict[str, Consultation]:
        """For each party anyone signed off (or vetoed) for, the latest such consultation."""
        latest: dict[str, Consultation] = {}
        for consultation in self.consultations:
            if consultation.agrees is not None:
                for party in consultation.speaks_for:
                    latest[party] = consultation
        return latest

    def allowed_moves(self) -> tuple[str, ...]:
        """The moves that may be made now (erasure aside, which always may)."""
        return _ALLOWED[self.state]


_ALLOWED: Final[Mapping[DecisionState, tuple[str, ...]]] = MappingProxyType(
    {
        state: tuple(name for name, move in MOVES.items() if move.listed and state in move.sources)
        for state in DecisionState
    }
)
"""The moves people may make from each state, in the order of :data:`MOVES`."""

# -- the fold -------------------------------------------------------------------------------

_TEXT_PATHS: Final[Mapping[str, Mapping[str, str]]] = {
    "proposed": {"summary": "summary"},
    "consulted": {"opinion": "consultations[{}].opinion"},
    "escalated": {"reason": "escalations[{}].reason"},
    "decided": {"outcome": "outcome", "rationale": "rationale"},
    "withdrawn": {"reason": "withdrawal_reason"},
}
"""Where each text field of each event kind goes in the record (``{}``: its index)."""


def text_key(event_id: str, field: str) -> str:
    """The key in the text store of the text ``field`` of event ``event_id``."""
    return f"{event_id}/{field}"


def _refs(event: StoredEvent, index: int) -> tuple[TextRef, ...]:
    held = event.data.get("texts")
    if not isinstance(held, dict):
        return ()
    paths = _TEXT_PATHS[event.kind]
    return tuple(
        TextRef(
            paths[field].format(index),
            text_key(event.event_id, field),
            str(value.get("commitment", "")),
            names_in(value.get("involves", ())),
        )
        for field, value in held.items()
        if field in paths and isinstance(value, dict)
    )


def fold(
    record: DecisionRecord | None, event: StoredEvent, _prior: tuple[StoredEvent, ...] = ()
) -> DecisionRecord | None:
    """A record after ``event``.

    Events are trusted (the log checked them when it wrote them), but a store changed
    behind the log's back must not stop it from being read and verified: a stream
    whose first event is not a proposal has no record, and a field missing from an
    event's data reads as empty. :meth:`~alignkit.decision_log.DecisionLog.verify`
    says what is wrong.

    Texts are left blank: the log fills them in from its text store when it hands a
    record out.
    """
    data = event.data
    kind = event.kind
    if kind == "proposed" and record is None:
        return DecisionRecord(
            record_id=event.stream,
            decision_id=str(data.get("decision", "")),
            category=_text_or_none(data.get("category")),
            state=DecisionState.PROPOSED,
            proposer=event.actor,
            proposed_at=event.at,
            imported=data.get("imported") is True,
            texts=_refs(event, 0),
            history=(event,),
        )
    if record is None:
        return None  # not a record: only a store changed outside the log holds that
    if kind == "proposed":  # proposed twice: kept in the history, for verify() to report
        return attrs.evolve(record, history=(*record.history, event))
    move = MOVES[_MOVE_OF[kind]]
    changes: dict[str, Any] = {"history": (*record.history, event)}
    if move.target is not None:
        changes["state"] = move.target
    texts = record.texts
    if kind == "consulted":
        texts += _refs(event, len(record.consultations))
        agrees = data.get("agrees")
        changes["consultations"] = (
            *record.consultations,
            Consultation(
                event.actor,
                event.at,
                agrees=agrees if isinstance(agrees, bool) else None,
                on_behalf_of=_text_or_none(data.get("on_behalf_of")),
                speaks_for=names_in(data.get("speaks_for", (event.actor,))),
            ),
        )
    elif kind == "escalated":
        texts += _refs(event, len(record.escalations))
        changes["escalations"] = (
            *record.escalations,
            Escalation(
                event.actor,
                event.at,
                "",
                str(data.get("settled_by", "")),
                str(data.get("kind", "")),
                names_in(data.get("between", ())),
                str(data.get("explanation", "")),
            ),
        )
    elif kind == "decided":
        texts += _refs(event, 0)
        authority = data.get("authority")
        changes.update(
            decider=event.actor,
            decided_at=event.at,
            authority=authority if authority in ("decider", "settler") else "none",
            decided_without=tuple(
                MissingInput.from_data(m) for m in data.get("without", ()) if isinstance(m, dict)
            ),
        )
    elif kind == "informed":
        known = set(record.informed)
        new = [p for p in names_in(data.get("people", ())) if p not in known]
        changes["informed"] = (*record.informed, *dict.fromkeys(new))
    elif kind == "withdrawn":
        texts += _refs(event, 0)
        changes["withdrawn_by"] = event.actor
    elif kind == "superseded":
        changes["superseded_by"] = str(data.get("by", ""))
    else:  # erased
        keys = frozenset(names_in(data.get("keys", ())))
        texts = tuple(attrs.evolve(ref, erased=True) if ref.key in keys else ref for ref in texts)
    changes["texts"] = texts
    return attrs.evolve(record, **changes)


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def names_in(value: object) -> tuple[str, ...]:
    """A list of names from an event's data (anything else reads as none)."""
    if not isinstance(value, list | tuple):
        return ()
    return tuple(str(item) for item in value)


def with_texts(record: DecisionRecord, values: Mapping[str, str]) -> DecisionRecord:
    """``record`` with its texts filled in: ``values`` maps each text's path to its text."""
    if not values:
        return record
    changes: dict[str, Any] = {}
    consultations: list[Consultation] | None = None
    escalations: list[Escalation] | None = None
    for path, text in values.items():
        if path.startswith("consultations["):
            index = int(path[len("consultations[") : path.index("]")])
            if consultations is None:
                consultations = list(record.consultations)
            c = consultations[index]
            # Built directly: evolve() costs several times more, once per text of every read.
            consultations[index] = Consultation(
                c.person, c.at, text, c.agrees, c.on_behalf_of, c.speaks_for
            )
        elif path.startswith("escalations["):
            index = int(path[len("escalations[") : path.index("]")])
            if escalations is None:
                escalations = list(record.escalations)
            e = escalations[index]
            escalations[index] = Escalation(
                e.raised_by, e.at, text, e.settled_by, e.kind, e.between, e.explanation
            )
        else:
            changes[path] = text
    if consultations is not None:
        changes["consultations"] = tuple(consultations)
    if escalations is not None:
        changes["escalations"] = tuple(escalations)
    return attrs.evolve(record, **changes)
