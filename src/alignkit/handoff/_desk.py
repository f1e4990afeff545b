"""The handoff desk: the service that runs handoffs, and what it tells and measures.

The desk is event-sourced (:mod:`alignkit._eventsourcing`): it keeps its events under
the category ``handoff`` of its store, so one store can hold other lifecycles' too.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, Protocol, final, runtime_checkable

import attrs

from alignkit._eventsourcing import FoldedStreams, fresh_event_id, retry_on_conflict
from alignkit._time import require_aware
from alignkit.diagnostics import Location
from alignkit.errors import (
    GateBlocked,
    PermissionDenied,
    Problem,
    SpecError,
    TransitionError,
    UnknownNameError,
)
from alignkit.handoff._crm import DealEvent, payload_customer, payload_owner, stage_name
from alignkit.handoff._gate import QualityGate
from alignkit.handoff._lifecycle import EVENT_KINDS, MOVES, Handoff, HandoffState, folding
from alignkit.handoff._package import HandoffPackage
from alignkit.handoff._results import GateResult
from alignkit.store import MemoryStore, NewEvent, Store

if TYPE_CHECKING:
    import logging

    from alignkit.org import Org

__all__ = ["CATEGORY", "HandoffDesk", "HandoffMetrics", "Notifier", "OwnerRule"]

CATEGORY: Final = "handoff"
"""The category of the desk's streams in its store: it reads and writes no other."""


@runtime_checkable
class Notifier(Protocol):
    """Tells the receiving side that a handoff needs them.

    Added in 0.1.
    """

    def notify(self, handoff: Handoff, what: str) -> None:
        """Called after ``what`` (``"opened"``, ``"submitted"``, ``"flagged"`` ...) happened.

        A resubmitted package is ``"submitted"`` again.
        """


OwnerRule = Callable[[DealEvent, "Org"], "str | None"]
"""Chooses the handoff owner for a deal that just turned Closed-Won."""


def _deal_owner(event: DealEvent, org: Org) -> str | None:
    owner = payload_owner(event)
    if owner is not None and org.get_person(owner) is not None:
        return owner
    return None


@final
@attrs.frozen
class HandoffMetrics:
    """How handoffs went, overall or for one owner.

    Attributes:
        opened: Handoffs opened.
        accepted: Handoffs accepted (activated and churned ones included).
        activated: Customers recorded as activated.
        flagged: Handoffs that had at least one red flag.
        flag_rate: ``flagged / opened``.
        median_time_to_accept: From Closed-Won to acceptance.
        activation_rate: ``activated / accepted``; the owner is measured on this.
        judged: Handoffs that have had a first verdict: accepted, or flagged at
            least once (added in 0.2).
        first_pass: Of those, the handoffs accepted without a red flag ever raised
            (added in 0.2).
        first_pass_rate: ``first_pass / judged``: the measured %C&A of the handoff
            step of a value stream (added in 0.2).

    Added in 0.1.
    """

    opened: int
    accepted: int
    activated: int
    flagged: int
    median_time_to_accept: dt.timedelta | None
    judged: int = 0
    first_pass: int = 0

    @property
    def flag_rate(self) -> float:
        """Share of opened handoffs that were flagged."""
        return self.flagged / self.opened if self.opened else 0.0

    @property
    def activation_rate(self) -> float:
        """Share of accepted handoffs whose customer was activated."""
        return self.activated / self.accepted if self.accepted else 0.0

    @property
    def first_pass_rate(self) -> float:
        """Share of judged handoffs accepted without a red flag ever raised (0.0 if none).

        Handoffs still waiting for a verdict are not counted: neither accepted nor
        ever flagged.

        Added in 0.2.
        """
        return self.first_pass / self.judged if self.judged else 0.0


_ACCEPTED_STATES: Final = frozenset(
    {HandoffState.ACCEPTED, HandoffState.ACTIVATED, HandoffState.CHURNED}
)


def _metrics(handoffs: Iterable[Handoff]) -> HandoffMetrics:
    from statistics import median  # only metrics need it: kept out of the import

    items = list(handoffs)
    waits = [h.accepted_at - h.won_at for h in items if h.accepted_at is not None and h.won_at]
    # From the history, so flags raised before a withdrawal and reopening count.
    ever_flagged = [any(e.kind == "flagged" for e in h.history) for h in items]
    accepted = [h.state in _ACCEPTED_STATES for h in items]
    return HandoffMetrics(
        opened=len(items),
        accepted=sum(accepted),
        activated=sum(h.state is HandoffState.ACTIVATED for h in items),
        flagged=sum(ever_flagged),
        median_time_to_accept=(
            dt.timedelta(seconds=median(w.total_seconds() for w in waits)) if waits else None
        ),
        judged=sum(a or f for a, f in zip(accepted, ever_flagged, strict=True)),
        first_pass=sum(a and not f for a, f in zip(accepted, ever_flagged, strict=True)),
    )


class HandoffDesk:
    """The service that runs handoffs: fed by CRM events, driven by people.

    Args:
        org: Who is in the sending and receiving functions.
        sending: The function that hands over (Sales).
        receiving: The function that takes over (Operations).
        gate: What a package must pass to be accepted (the MVH by default).
        store: Where events are kept; ``None`` keeps them in memory.
        trigger_stage: The deal stage that opens a handoff. Moving out of it before
            acceptance (to Closed-Lost, or back to any earlier stage) withdraws the
            handoff.
        owner_rule: Chooses the owner; by default the payload's ``owner`` (or
            ``hubspot_owner_id``) if that person is in the org. A rule that names
            someone outside the org, or in the receiving function, leaves the
            handoff without an owner (logged) until it is reassigned.
        notifier: Tells the receiving side about new work. A notifier that fails is
            logged (logger ``alignkit.handoff``); the move it reports on stands.

    Raises:
        UnknownNameError: ``sending`` or ``receiving`` is not a function of ``org``.

    Building a desk on a store that already holds events replays them: the desk
    comes back in the state it was left in. Several desks (replicas of one service)
    may share a store: a desk that acts on a stale view of a deal gets
    :class:`~alignkit.store.ConcurrencyError`, catches up with that deal, and the
    caller can try again; CRM events are retried automatically. The desk keeps its
    events under the store's category ``handoff`` and reads no other, so one store
    (one SQLite file) can hold other lifecycles' events too, a decision log's say.

    Sales can read the gate's verdict on what it submitted with :meth:`gate_result`,
    and submit a new package in its place until Operations accepts:

    >>> from alignkit.org import Function, Org, Person
    >>> org = Org(
    ...     functions=[Function("Sales", "ae-1"), Function("Operations", "onb-1")],
    ...     people=[Person("ae-1", "Lee Park", "Sales"), Person("onb-1", "Ana Ruiz", "Operations")],
    ... )
    >>> import datetime as dt
    >>> at = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
    >>> desk = HandoffDesk(org)
    >>> desk.receive(DealEvent("e1", "D-1", "Closed-Won", at, {"owner": "ae-1"})).state.name
    'OPEN'
    >>> draft = HandoffPackage("D-1", "Globex", "Sales", "Operations", owner="ae-1")
    >>> print(desk.gate_result("D-1"))  # nothing submitted yet
    None
    >>> desk.submit("D-1", draft, "ae-1", at).state.name
    'SUBMITTED'
    >>> [failure.check for failure in desk.gate_result("D-1").failures]
    ['scoping-document', 'signed-sow', 'success-criteria']
    >>> complete = HandoffPackage(
    ...     "D-1",
    ...     "Globex",
    ...     "Sales",
    ...     "Operations",
    ...     owner="ae-1",
    ...     artifacts=[
    ...         Artifact("scoping_document", status="complete"),
    ...         Artifact("sow", status="signed", signed_by="Globex CFO", signed_at=at),
    ...     ],
    ...     success_criteria=[SuccessCriterion("Weekly active users", "wau", 200)],
    ... )
    >>> desk.submit("D-1", complete, "ae-1", at).package == complete
    True
    >>> desk.gate_result("D-1").passed
    True
    >>> desk.accept("D-1", "onb-1", at).state.name
    'ACCEPTED'

    Added in 0.1.
    """

    def __init__(
        self,
        org: Org,
        *,
        sending: str = "Sales",
        receiving: str = "Operations",
        gate: QualityGate | None = None,
        store: Store | None = None,
        trigger_stage: str = "Closed-Won",
        owner_rule: OwnerRule | None = None,
        notifier: Notifier | None = None,
    ) -> None:
        """Build the desk and replay whatever the store holds."""
        if gate is not None and not isinstance(gate, QualityGate):
            raise SpecError.single(
                f"gate must be a QualityGate, got {type(gate).__name__}", Location(path=("gate",))
            )
        for role, function in (("sending", sending), ("receiving", receiving)):
            if org.get_function(function) is None:
                raise UnknownNameError.for_name(f"{role} function", function, org.function_names)
        self.org = org
        self.sending = sending
        self.receiving = receiving
        self.gate = (gate or QualityGate.minimum_viable()).bound(org)
        self.store: Store = store if store is not None else MemoryStore()
        self.trigger_stage = stage_name(trigger_stage)
        self.owner_rule: OwnerRule = owner_rule or _deal_owner
        self.notifier = notifier
        # One stream per deal; its handoff, if the deal has one, folded from it.
        self._deals = FoldedStreams(
            self.store, category=CATEGORY, kinds=EVENT_KINDS, fold=folding(self.trigger_stage)
        )
        self._lock = threading.RLock()
        self.replay()

    # -- reading ----------------------------------------------------------------------

    def replay(self) -> None:
        """Rebuild every handoff from the store (what a restarted service does).

        Only the store's ``handoff`` events are read: other lifecycles' events in the
        same store are theirs.
        """
        with self._lock:
            self._deals.replay()

    def refresh(self) -> None:
        """Fold what other desks on the same store appended since this one last read.

        Desks running as replicas on one store each know the deals they touched;
        this brings every handoff up to date, reading only what is new (unlike
        :meth:`replay`, which reads everything again).

        Added in 0.3.
        """
        with self._lock:
            self._deals.follow()

    def get(self, deal_id: str) -> Handoff:
        """The handoff of ``deal_id``.

        Raises:
            UnknownNameError: No handoff was opened for that deal.
        """
        found = self._deals.get(deal_id)
        if found is None:
            with self._lock:  # another desk on the same store may have opened it
                found = self._deals.catch_up(deal_id)
                known = list(self._deals.states())
            if found is None:
                raise UnknownNameError.for_name("deal", deal_id, known)
        return found

    def handoffs(self) -> tuple[Handoff, ...]:
        """Every handoff this desk knows, in the order they were opened.

        A desk learns of handoffs other desks open on a shared store when it touches
        their deal; :meth:`replay` brings the whole list up to date.
        """
        with self._lock:
            return tuple(self._deals.states().values())

    def metrics(self, *, owner: str | None = None) -> HandoffMetrics:
        """Opened, accepted, flag rate, median time to acceptance, activation rate.

        Args:
            owner: Only this owner's handoffs; ``None`` (the default) means all.
        """
        return _metrics(h for h in self.handoffs() if owner is None or h.owner == owner)

    def metrics_by_owner(self) -> dict[str | None, HandoffMetrics]:
        """:meth:`metrics` for each owner (``None`` for handoffs without one)."""
        handoffs = self.handoffs()
        owners = dict.fromkeys(h.owner for h in handoffs)
        return {o: _metrics(h for h in handoffs if h.owner == o) for o in owners}

    # -- the CRM side -----------------------------------------------------------------

    def receive(self, event: DealEvent) -> Handoff | None:
        """Apply a CRM deal event; returns the deal's handoff, if it has one.

        Idempotent by ``event_id`` (webhooks arrive at least once), and an event older
        than the newest one applied for the deal is recorded but changes nothing, even
        before the deal has a handoff.
        """
        if not isinstance(event, DealEvent):
            raise SpecError.single(
                f"receive takes a DealEvent, got {type(event).__name__}",
                Location(path=("event",)),
            )
        with self._lock:
            # Another desk may write to this deal first: the append caught up, try again.
            return retry_on_conflict(lambda: self._receive(event), attempts=_CRM_ATTEMPTS)

    def _receive(self, event: DealEvent) -> Handoff | None:
        before = self._deals.get(event.deal_id)
        opening = event.stage == self.trigger_stage and (
            before is None or before.state is HandoffState.WITHDRAWN
        )
        data: dict[str, Any] = {
            "stage": event.stage,
            "occurred_at": event.occurred_at.isoformat(),
        }
        if opening:
            data["owner"] = self._rule_owner(event)
            customer = payload_customer(event)
            if customer is not None:
                data["customer"] = customer
        # HubSpot does not promise unique event ids across deals; per deal they are.
        stored = NewEvent(
            f"crm:{event.deal_id}:{event.event_id}", "deal_stage", "crm", event.occurred_at, data
        )
        self._deals.append(event.deal_id, stored)
        after = self._deals.get(event.deal_id)
        if after is not None and before is not after:
            if after.state is HandoffState.OPEN and (
                before is None or before.state is not HandoffState.OPEN
            ):
                self._notify(after, "opened")
            elif after.state is HandoffState.WITHDRAWN and (
                before is not None and before.state is not HandoffState.WITHDRAWN
            ):
                self._notify(after, "withdrawn")
        return after

    def _rule_owner(self, event: DealEvent) -> str | None:
        owner = self.owner_rule(event, self.org)
        if owner is None:
            return None
        problem = self._owner_problem(owner)
        if problem is None:
            return str(owner)
        _log().warning(
            "The owner rule chose %s for deal %s; the handoff has no owner until it is reassigned",
            problem,
            event.deal_id,
        )
        return None

    def _owner_problem(self, owner: object) -> str | None:
        """Why ``owner`` cannot own a handoff (``None`` if they can)."""
        person = self.org.get_person(owner) if isinstance(owner, str) else None
        if person is None:
            return f"{owner!r}, who is not in the org"
        if person.function == self.receiving:
            return (
                f"{owner!r}, who is in {self.receiving}, which accepts the handoff; the "
                "owner comes from another function"
            )
        return None

    def _latest(self, deal_id: str) -> Handoff:
        """The handoff with whatever other desks on the store wrote since (one read)."""
        self._deals.catch_up(deal_id)
        return self.get(deal_id)

    def _notify(self, handoff: Handoff, what: str) -> None:
        if self.notifier is None:
            return
        try:
            self.notifier.notify(handoff, what)
        except Exception:  # noqa: BLE001 - whatever the notifier raises
            # The move is committed; failing the call would invite a retry that
            # repeats it. Report the notifier's failure instead.
            _log().exception("Notifier failed on %s of deal %s", what, handoff.deal_id)

    # -- the people side --------------------------------------------------------------

    def _move(
        self,
        deal_id: str,
        move: str,
        actor: str,
        at: dt.datetime,
        arguments: Callable[[Handoff], Mapping[str, Any]] | None = None,
    ) -> Handoff:
        """Check the state, then the actor, then the arguments; append; notify."""
        handoff = self._latest(deal_id)
        allowed = handoff.allowed_moves()
        if move not in allowed:
            raise self._refusal(handoff, move, allowed)
        self._authorise(handoff, move, actor)
        data = dict(arguments(handoff)) if arguments is not None else {}
        _check_time(at, handoff)
        kind = MOVES[move].records
        # A fresh id per move: two desks making the same move are two writes, and the
        # stale one gets ConcurrencyError instead of being taken for a retry.
        self._deals.append(deal_id, NewEvent(fresh_event_id(deal_id, kind), kind, actor, at, data))
        after = self.get(deal_id)
        self._notify(after, kind)
        return after

    def _refusal(self, handoff: Handoff, move: str, allowed: tuple[str, ...]) -> TransitionError:
        """Why ``move`` is refused, with what can still move the handoff on."""
        state = handoff.state
        rule = MOVES[move]
        if rule.open_flags == "bar" and state in rule.sources:
            open_ids = ", ".join(f.flag_id for f in handoff.open_flags)
            return TransitionError(
                f"Cannot {move} while red flags are open ({open_ids}); resolve them first",
                state=state.name,
                move=move,
                allowed=allowed,
            )
        if rule.open_flags == "need" and state in rule.sources:
            return TransitionError(
                f"Cannot {move}: no red flag is open", state=state.name, move=move, allowed=allowed
            )
        until = None
        if state is HandoffState.WITHDRAWN:  # no move for people, but not final
            until = (
                f"the CRM reopens the withdrawn handoff (a new {self.trigger_stage} for the deal)"
            )
        return TransitionError.for_move(state.name, move, allowed, until=until)

    def _authorise(self, handoff: Handoff, move: str, actor: str) -> None:
        person = self.org.get_person(actor) if isinstance(actor, str) else None
        if MOVES[move].by == "receiving":
            if person is None or person.function != self.receiving:
                raise PermissionDenied(
                    f"Only members of {self.receiving} may {move} a handoff; `{actor}` is not one",
                    actor=str(actor),
                    action=move,
                )
            return
        if actor == handoff.owner or (person is not None and person.function == self.sending):
            return
        raise PermissionDenied(
            f"Only the owner or members of {self.sending} may {move} a handoff; "
            f"`{actor}` is neither",
            actor=str(actor),
            action=move,
        )

    def submit(self, deal_id: str, package: HandoffPackage, actor: str, at: dt.datetime) -> Handoff:
        """Submit the package, or a new one in its place until the handoff is accepted.

        The package must be for this deal and go from the sending to the receiving
        function. If the handoff has an owner, the package names the same one
        (``reassign`` first to change it); if not, the package's owner (someone in the
        org, outside the receiving function) becomes the handoff's owner.

        Submitting again (while submitted, or flagged once every flag is resolved)
        replaces the package under the same rules, recorded as its own event; the
        gate judges the new package (:meth:`gate_result`, :meth:`accept`).

        Raises:
            SpecError: The package does not belong to this handoff.
        """
        with self._lock:

            def arguments(handoff: Handoff) -> Mapping[str, Any]:
                self._check_package(handoff, package)
                return {"package": package.model_dump(mode="json")}

            return self._move(deal_id, "submit", actor, at, arguments)

    def _check_package(self, handoff: Handoff, package: HandoffPackage) -> None:
        if not isinstance(package, HandoffPackage):
            raise SpecError.single(
                f"submit takes a HandoffPackage, got {type(package).__name__}",
                Location(path=("package",)),
            )
        expected = {
            "deal_id": handoff.deal_id,
            "from_function": self.sending,
            "to_function": self.receiving,
        }
        problems = [
            Problem(
                f"The package's {name} is {getattr(package, name)!r}, not {value!r}",
                Location(path=("package", name)),
            )
            for name, value in expected.items()
            if getattr(package, name) != value
        ]
        owner_problem = self._package_owner_problem(handoff, package.owner)
        if owner_problem:
            problems.append(Problem(owner_problem, Location(path=("package", "owner"))))
        if problems:
            raise SpecError(problems)

    def _package_owner_problem(self, handoff: Handoff, owner: str | None) -> str | None:
        if handoff.owner is not None:
            if owner != handoff.owner:
                return (
                    f"The package names owner {owner!r} but the handoff's owner is "
                    f"{handoff.owner!r}; name them, or reassign the handoff first"
                )
            return None
        if owner is None:
            return None  # the gate's owner check says what to do
        problem = self._owner_problem(owner)
        return None if problem is None else f"The package names as owner {problem}"

    def flag(self, deal_id: str, actor: str, reason: str, category: str, at: dt.datetime) -> str:
        """Raise a blame-free red flag: what is missing or unclear. Returns the flag's id."""
        with self._lock:
            flag_id = ""

            def arguments(handoff: Handoff) -> Mapping[str, Any]:
                nonlocal flag_id
                for name, value in (("reason", reason), ("category", category)):
                    if not isinstance(value, str) or not value.strip():
                        raise SpecError.single(f"A red flag needs a {name}", Location(path=(name,)))
                raised = sum(event.kind == "flagged" for event in handoff.history)
                flag_id = f"{deal_id}-flag-{raised + 1}"
                return {"flag_id": flag_id, "reason": reason, "category": category}

            self._move(deal_id, "flag", actor, at, arguments)
            return flag_id

    def resolve(self, deal_id: str, flag_id: str, actor: str, at: dt.datetime) -> Handoff:
        """Resolve an open red flag.

        Raises:
            UnknownNameError: ``flag_id`` is not an open flag of this handoff.
        """
        with self._lock:

            def arguments(handoff: Handoff) -> Mapping[str, Any]:
                open_ids = [f.flag_id for f in handoff.open_flags]
                if flag_id not in open_ids:
                    raise UnknownNameError.for_name("open flag", flag_id, open_ids)
                return {"flag_id": flag_id}

            return self._move(deal_id, "resolve", actor, at, arguments)

    def gate_result(self, deal_id: str) -> GateResult | None:
        """The desk's gate on the handoff's current package; ``None`` before one is submitted.

        The gate's verdict as :meth:`accept` would reach it now, for the sender to
        read after :meth:`submit`. The gate runs only when asked (never on a move or
        a replay); a passing result is shared, and for a gate of built-in checks a
        failure's reasons are worked out only when read. Asking records nothing and
        changes nothing: only the receiving side accepts, and :meth:`accept` runs the
        gate again.

        Args:
            deal_id: The CRM deal; the desk first catches up with the store, as a
                move does, so the package is the one last submitted through any desk.

        Raises:
            UnknownNameError: No handoff was opened for that deal.

        Added in 0.1.
        """
        with self._lock:
            package = self._latest(deal_id).package
        return None if package is None else self.gate.evaluate(package)

    def accept(self, deal_id: str, actor: str, at: dt.datetime) -> Handoff:
        """Accept the handoff: refused while the gate fails or a red flag is open.

        Raises:
            GateBlocked: The package fails the gate; carries the ``GateResult``.
        """
        with self._lock:

            def arguments(handoff: Handoff) -> Mapping[str, Any]:
                if handoff.package is None:  # pragma: no cover - SUBMITTED implies a package
                    msg = "Nothing was submitted"
                    raise TransitionError(msg)
                result = self.gate.evaluate(handoff.package)
                if not result.passed:
                    raise GateBlocked(
                        f"The package fails gate {self.gate.name}:\n{result}", result=result
                    )
                return {}

            return self._move(deal_id, "accept", actor, at, arguments)

    def activate(self, deal_id: str, actor: str, at: dt.datetime) -> Handoff:
        """Record that the customer is activated (the owner is measured on this)."""
        with self._lock:
            return self._move(deal_id, "activate", actor, at)

    def churn(self, deal_id: str, actor: str, at: dt.datetime, reason: str = "") -> Handoff:
        """Record that the customer churned."""
        with self._lock:
            return self._move(deal_id, "churn", actor, at, lambda _: {"reason": str(reason)})

    def withdraw(self, deal_id: str, actor: str, at: dt.datetime, reason: str = "") -> Handoff:
        """Withdraw the handoff (before acceptance)."""
        with self._lock:
            return self._move(deal_id, "withdraw", actor, at, lambda _: {"reason": str(reason)})

    def reassign(self, deal_id: str, new_owner: str, actor: str, at: dt.datetime) -> Handoff:
        """Hand the handoff to another owner.

        The owner answers for the handoff, so it cannot be someone from the receiving
        function, who accept it.

        Raises:
            UnknownNameError: ``new_owner`` is not in the org.
            SpecError: ``new_owner`` is in the receiving function.
        """
        with self._lock:

            def arguments(_handoff: Handoff) -> Mapping[str, Any]:
                if not isinstance(new_owner, str) or self.org.get_person(new_owner) is None:
                    raise UnknownNameError.for_name("person", str(new_owner), self.org.person_ids)
                problem = self._owner_problem(new_owner)
                if problem is not None:
                    raise SpecError.single(
                        f"Cannot reassign to {problem}", Location(path=("new_owner",))
                    )
                return {"owner": new_owner}

            return self._move(deal_id, "reassign", actor, at, arguments)


_CRM_ATTEMPTS: Final = 3
"""How often :meth:`HandoffDesk.receive` tries when other desks keep writing first."""


def _log() -> logging.Logger:
    """The module's logger; ``logging`` is imported only when there is something to log."""
    import logging

    return logging.getLogger("alignkit.handoff")


def _check_time(at: dt.datetime, handoff: Handoff) -> None:
    """``at`` is an aware datetime, not before the handoff's latest event."""
    require_aware(at)
    latest = handoff.last_event_at
    if latest is not None and at < latest:
        raise SpecError.single(
            f"`at` ({at.isoformat()}) is before the handoff's latest event "
            f"({latest.isoformat()}); moves are recorded in the order they happen",
            Location(path=("at",)),
        )
