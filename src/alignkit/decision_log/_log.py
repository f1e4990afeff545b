"""The decision log: decisions proposed, consulted on, decided and told, as events.

The log is event-sourced (:mod:`alignkit._eventsourcing`), one stream per record under
the store's category ``decision``, so one store can hold a handoff desk's events too.
Every move is checked against the decision rights before it is recorded; each event
is hash-chained to the one before it in its record (:mod:`._chain`), and free text is
kept apart from the events so that it can be erased (:mod:`._texts`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import IO, TYPE_CHECKING, Any, Final, TypeVar

from alignkit._eventsourcing import FoldedStreams, fresh_event_id, retry_on_conflict
from alignkit._gc import collector_paused
from alignkit._time import require_aware
from alignkit.decision_log._chain import CATEGORY, ChainHead, Verifier, VerifyResult, event_hash
from alignkit.decision_log._latency import LatencyStats, latency_of
from alignkit.decision_log._lifecycle import (
    ERASED,
    EVENT_KINDS,
    MOVES,
    UNAVAILABLE,
    DecidedBy,
    DecisionRecord,
    DecisionState,
    fold,
    text_key,
    with_texts,
)
from alignkit.decision_log._missing import MissingInput
from alignkit.decision_log._parties import Parties, TeamLike, settle
from alignkit.decision_log._planning import Step, supersede_problem
from alignkit.decision_log._texts import (
    MemoryTextStore,
    Mentions,
    SQLiteTextStore,
    TextStore,
    involved,
    seal,
    text_argument,
    unseal,
)
from alignkit.decision_log._texts_postgres import PostgresTextStore
from alignkit.decision_rights import DecisionRights, Role
from alignkit.diagnostics import Location
from alignkit.errors import (
    AlignkitError,
    DecisionBlocked,
    PermissionDenied,
    SpecError,
    StoreError,
    TransitionError,
    UnknownNameError,
)
from alignkit.org import Org
from alignkit.store import (
    ConcurrencyError,
    EncodedReader,
    MemoryStore,
    NewEvent,
    SQLiteStore,
    Store,
    StoredEvent,
)
from alignkit.store._postgres import PostgresStore

if TYPE_CHECKING:
    import os

__all__ = ["CATEGORY", "DecisionLog"]

_ATTEMPTS: Final = 3
"""How often a move is tried when other logs on the store keep writing to its record first."""

_CHUNK: Final = 5_000
"""Events read at a time by :meth:`DecisionLog.verify`."""

_SUGGESTED: Final = 1_000
"""Records compared with an unknown record id, at most, for a suggestion."""

_CACHED_TEXTS: Final = 4_096
"""Texts a log keeps in memory: those of the records it last wrote or read."""

_LAST_POSITION: Final = 2**63 - 1
"""The largest position a store holds: reading after it reads nothing, if the store reads."""

T = TypeVar("T")


class DecisionLog:
    """Decisions as they were proposed, consulted on, decided and told, enforced by rights.

    Args:
        rights: Who may decide, who must be consulted, who must agree and who must be
            told, for each decision.
        org: The people and functions the rights name.
        store: Where the events are kept (category ``decision``); ``None`` keeps them
            in memory. Building a log on a store that holds events replays them.
        require_consultation: Refuse a decision (:class:`~alignkit.errors.DecisionBlocked`)
            while a consulted party has not been heard, or a party that must agree has
            not agreed or has vetoed. Without it, the decision is recorded with what
            was missing (``DecisionRecord.decided_without``), for a review.
        teams: Teams the rights may name as parties (:class:`alignkit.squads.Team`,
            say): a team's leader speaks for it.
        texts: Where free text is kept (:class:`TextStore`). By default, texts go
            where the events go: in memory beside a :class:`~alignkit.store.MemoryStore`,
            and in the same file as a :class:`~alignkit.store.SQLiteStore`
            (:class:`SQLiteTextStore`, at ``synchronous=FULL``: pass one of your own to
            change that). Any other store needs ``texts`` given.

    Raises:
        SpecError: An argument is of the wrong type, or ``texts`` is needed.

    Every move is one event with a unique id, an actor and an aware time; a move that
    is not allowed from the record's state raises
    :class:`~alignkit.errors.TransitionError` naming the state and the moves allowed,
    and the state is checked before the actor, then the arguments. Several logs
    (replicas of one service) may share a store: a log that acted on a stale view of
    a record catches up with it and tries again.

    >>> import datetime as dt
    >>> from alignkit.decision_rights import DecisionRights
    >>> from alignkit.org import Function, Org, Person
    >>> org = Org(
    ...     functions=[Function("Marketing", "vp-marketing"), Function("Sales", "vp-sales")],
    ...     people=[
    ...         Person("vp-marketing", "Chloe Dubois", "Marketing"),
    ...         Person("vp-sales", "Sam Okafor", "Sales"),
    ...     ],
    ... )
    >>> rights = DecisionRights.from_table(
    ...     {"launch-customer-data-integration": {"Marketing": "A", "Sales": "C"}}
    ... )
    >>> log = DecisionLog(rights, org)
    >>> at = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
    >>> record_id = log.propose(
    ...     "launch-customer-data-integration", "vp-marketing", "Launch in Q1", at
    ... )
    >>> record_id
    'launch-customer-data-integration/1'
    >>> log.decide(record_id, "vp-marketing", "Launch on 1 February", at)
    Traceback (most recent call last):
      ...
    alignkit.errors.DecisionBlocked: Cannot decide `launch-customer-data-integration` (record launch-customer-data-integration/1) yet: Sales was not consulted (vp-sales may speak for it)
    >>> log.consult(record_id, "vp-sales", at, opinion="Fine after the renewals").state.name
    'CONSULTING'
    >>> log.decide(record_id, "vp-marketing", "Launch on 1 February", at).outcome
    'Launch on 1 February'
    >>> log.verify().ok
    True

    Added in 0.2.
    """  # noqa: E501 - a doctest's output line

    def __init__(
        self,
        rights: DecisionRights,
        org: Org,
        *,
        store: Store | None = None,
        require_consultation: bool = True,
        teams: Iterable[TeamLike] = (),
        texts: TextStore | None = None,
    ) -> None:
        """Build the log and replay whatever the store holds."""
        if not isinstance(rights, DecisionRights):
            raise _wrong("rights", "a DecisionRights", rights)
        if not isinstance(org, Org):
            raise _wrong("org", "an Org", org)
        if store is not None and not isinstance(store, Store):
            raise _wrong("store", "a Store", store)
        if texts is not None and not isinstance(texts, TextStore):
            raise _wrong("texts", "a TextStore", texts)
        if not isinstance(require_consultation, bool):
            raise _wrong("require_consultation", "True or False", require_consultation)
        if isinstance(teams, str) or not isinstance(teams, Iterable):
            raise _wrong("teams", "a collection of teams", teams)
        teams = tuple(teams)
        for index, team in enumerate(teams):
            if not isinstance(team, TeamLike):
                raise SpecError.single(
                    f"Each team needs a name, a leader and members, got {type(team).__name__}",
                    Location(path=("teams", index)),
                )
        self.rights = rights
        self.org = org
        self.store: Store = store if store is not None else MemoryStore()
        self.texts: TextStore = texts if texts is not None else _default_texts(self.store)
        self._joint = _joint_transaction(self.store, self.texts)
        self.require_consultation = require_consultation
        self._parties = Parties(org, teams)
        self._mentions = Mentions(org)
        self._streams = FoldedStreams[DecisionRecord](
            self.store, category=CATEGORY, kinds=EVENT_KINDS, fold=fold
        )
        # The texts last written or read, so that a move need not read back its own.
        self._cache: OrderedDict[str, str] = OrderedDict()
        self._numbers: dict[str, int] = {}  # per decision: its last record's number, as known
        self._lock = threading.RLock()
        self.replay()

    # -- reading ----------------------------------------------------------------------

    def replay(self) -> None:
        """Rebuild every record from the store (what a restarted service does).

        Only the store's ``decision`` events are read: other lifecycles' events in the
        same store are theirs.
        """
        with self._lock:
            self._streams.replay()
            numbers: dict[str, int] = {}
            for record in self._streams.states().values():
                numbers[record.decision_id] = numbers.get(record.decision_id, 0) + 1
            self._numbers = numbers

    def get(self, record_id: str) -> DecisionRecord:
        """The record ``record_id``, with its texts.

        Raises:
            UnknownNameError: No record has that id.
        """
        with self._lock:
            return self._fill([self._current(record_id)], remember=True)[0]

    def records(
        self,
        decision_id: str | None = None,
        category: str | None = None,
        since: dt.datetime | None = None,
    ) -> tuple[DecisionRecord, ...]:
        """Every record this log knows, with its texts, in the order they were proposed.

        Args:
            decision_id: Only the records of this decision.
            category: Only the records of decisions in this category.
            since: Only the records proposed at or after this time (timezone-aware).

        A log learns of records other logs on a shared store propose when it touches
        them; :meth:`replay` brings the whole list up to date.
        """
        if since is not None:
            require_aware(since, ("since",))
        with self._lock:
            found = [
                record
                for record in self._streams.states().values()
                if (decision_id is None or record.decision_id == decision_id)
                and (category is None or record.category == category)
                and (since is None or record.proposed_at >= since)
            ]
            return tuple(self._fill(found))

    def missing(self, record_id: str) -> tuple[MissingInput, ...]:
        """What a decision on ``record_id`` still lacks, as :meth:`decide` would judge it now.

        Each party still to consult, and each party that must agree and has not (or
        has vetoed). Empty once nothing is missing, and for a record no longer open.

        Raises:
            UnknownNameError: No record has that id.
        """
        with self._lock:
            record = self._current(record_id)
            if record.state not in MOVES["decide"].sources:
                return ()
            return self._missing(record, settled=False)

    def informed_missing(self, record_id: str) -> tuple[str, ...]:
        """Who still has to be told of the decision (``must_inform``), sorted.

        Empty unless the record is decided; the decider is not counted.

        Raises:
            UnknownNameError: No record has that id.
        """
        with self._lock:
            record = self._current(record_id)
            if record.state is not DecisionState.DECIDED:
                return ()
            told = {*record.informed, record.decider}
            to_tell = self.rights.must_inform(record.decision_id, self.org)
            return tuple(sorted(p for p in to_tell if p not in told))

    def latency(
        self,
        decision_id: str | None = None,
        category: str | None = None,
        team: str | TeamLike | None = None,
    ) -> LatencyStats:
        """How long decisions took from proposal to decision, overall and per category.

        Args:
            decision_id: Only the records of this decision.
            category: Only the records of decisions in this category.
            team: Only the records decided by this team's members: a team given to
                the log (by name), or any team.

        Raises:
            UnknownNameError: ``team`` names no team the log was given.
        """
        members = None if team is None else self._members(team)
        with self._lock:
            return latency_of(
                record
                for record in self._streams.states().values()
                if (decision_id is None or record.decision_id == decision_id)
                and (category is None or record.category == category)
                and (members is None or record.decider in members)
            )

    def _members(self, team: str | TeamLike) -> frozenset[str]:
        if isinstance(team, str):
            known = self._parties.teams.get(team)
            if known is None:
                raise UnknownNameError.for_name("team", team, self._parties.teams)
            return frozenset(known[1])
        return frozenset(str(member.id) for member in team.members)

    def _current(self, record_id: str) -> DecisionRecord:
        """The record as last folded; read from the store if this log has not seen it."""
        if not isinstance(record_id, str):
            raise _wrong("record_id", "text", record_id)
        found = self._streams.get(record_id)
        if found is None:
            found = self._streams.catch_up(record_id)
            if found is None:
                raise UnknownNameError.for_name("decision record", record_id, self._like(record_id))
        return found

    def _like(self, record_id: str) -> list[str]:
        """The records to suggest instead of ``record_id``: those of its decision, if any.

        Looking for a near name among every record of a large log would take seconds.
        """
        decision_id = record_id.rpartition("/")[0] or record_id
        known = self._streams.states()
        numbers = self._numbers.get(decision_id, 0)
        same = [f"{decision_id}/{n}" for n in range(1, numbers + 1)]
        found = [r for r in same if r in known]
        return found or list(itertools.islice(known, _SUGGESTED))

    def _fill(
        self, records: list[DecisionRecord], *, remember: bool = False
    ) -> list[DecisionRecord]:
        """``records`` with their texts, from the cache or the text store (one read for all).

        With ``remember``, the texts read are kept for the next time (a record being
        worked on); a listing of many records leaves the cache as it was.
        """
        cache = self._cache
        wanted = [
            ref.key
            for record in records
            for ref in record.texts
            if not ref.erased and ref.key not in cache
        ]
        found = self.texts.get(wanted) if wanted else {}
        filled = []
        for record in records:
            values: dict[str, str] = {}
            for ref in record.texts:
                if ref.erased:
                    cache.pop(ref.key, None)
                    values[ref.path] = ERASED
                    continue
                text = cache.get(ref.key)
                if text is None:
                    value = found.get(ref.key)
                    text = unseal(value, ref.commitment) if value is not None else None
                    if text is None:
                        text = UNAVAILABLE
                    elif remember:
                        self._remember({ref.key: text})
                values[ref.path] = text
            filled.append(with_texts(record, values))
        return filled

    def _remember(self, texts: Mapping[str, str]) -> None:
        cache = self._cache
        cache.update(texts)
        while len(cache) > _CACHED_TEXTS:
            cache.popitem(last=False)

    # -- verifying --------------------------------------------------------------------

    def verify(
        self, *, anchors: Mapping[str, ChainHead] | None = None, texts: bool = True
    ) -> VerifyResult:
        """Re-read the store and check every record's hash chain.

        Every event must match its hash, link to the event before it in its record,
        and follow it at the next version; the first event of a record that does not
        is named (``VerifyResult.problems``), with its record, version, event id
        and position. The result holds each record's head and one digest over all
        heads, to keep where the store's writers cannot change it, and pass back
        as ``anchors`` later (see :mod:`alignkit.decision_log` on what the chain
        protects against, and what it does not).

        Args:
            anchors: Heads of an earlier verification (``VerifyResult.heads``):
                each record must still hold the anchored hash at the anchored version.
            texts: Also check that every text not erased is in the text store and
                matches the commitment its event holds, and that erased texts are gone.

        An event the store itself refuses to read (it fails the store's own checksum,
        say) is a problem of kind ``"unreadable"``; the events after it are still
        checked.
        """
        with collector_paused():  # many events read, no cycles: see _gc
            return self._verify(Verifier(self.texts if texts else None, anchors or {}))

    def _verify(self, verifier: Verifier) -> VerifyResult:
        store = self.store
        encoded = store.read_all_encoded if isinstance(store, EncodedReader) else None
        after = 0
        while True:
            if encoded is not None:
                # Encoded events first: a clean chunk is checked without decoding
                # every event into objects. Anything amiss, and the chunk is read
                # again below, decoded, for the problems to be named.
                try:
                    rows = encoded(after=after, limit=_CHUNK, category=CATEGORY)
                except StoreError:
                    rows = None
                if rows == []:
                    break
                if rows and verifier.check_encoded(rows):
                    after = rows[-1].position
                    continue
            try:
                chunk = store.read_all(after=after, limit=_CHUNK, category=CATEGORY)
            except StoreError as error:
                verifier.unreadable(error, after)
                past = self._past_unreadable(after, verifier)
                if past is None:
                    break
                after = past
                continue
            if not chunk:
                break
            verifier.check(chunk)
            after = chunk[-1].position
        return verifier.result()

    def _past_unreadable(self, after: int, verifier: Verifier) -> int | None:
        """Check events one at a time up to the one the store cannot read; skip it.

        Returns:
            The position of the unreadable event (the next read starts after it), or
            ``None`` when the store cannot be read at all.
        """
        store = self.store
        while True:
            try:
                one = store.read_all(after=after, limit=1, category=CATEGORY)
            except StoreError:
                break
            if not one:  # pragma: no cover - the chunk held an unreadable event
                return None
            verifier.check(one)
            after = one[0].position
        try:
            store.read_all(after=_LAST_POSITION, limit=1, category=CATEGORY)
        except StoreError:
            return None  # nothing can be read: the file, not an event
        # The first event after `after` is unreadable. Reading from further on
        # succeeds first from its position: it is the first position whose next event
        # (if any) reads.
        position = after + 1
        while True:
            try:
                store.read_all(after=position, limit=1, category=CATEGORY)
            except StoreError:
                position += 1
                continue
            return position

    # -- moves ------------------------------------------------------------------------

    def propose(self, decision_id: str, proposer: str, summary: str, at: dt.datetime) -> str:
        """Propose a decision: opens a record, and returns its id.

        The id is the decision's id and a number (``approve-discount/3``).

        Args:
            decision_id: A decision of the rights matrix.
            proposer: A person of the org.
            summary: What is proposed (not blank).
            at: When (timezone-aware).

        Raises:
            SpecError: ``decision_id`` is not in the rights matrix (the nearest id is
                suggested), ``summary`` is blank, or ``at`` is not aware.
            UnknownNameError: ``proposer`` is not in the org.
        """
        with self._lock:
            step = self._plan_propose(decision_id, proposer, summary, at)
            look = False
            while True:
                record_id = self._next_record_id(decision_id, look=look)
                try:
                    self._append(record_id, None, step, at)
                except ConcurrencyError:
                    # Another log took the number: each try learns of one more record,
                    # and from now on the store is asked which numbers are free.
                    look = True
                    continue
                break
            self._numbers[decision_id] = max(
                self._numbers.get(decision_id, 0), _number(record_id, decision_id)
            )
            return record_id

    def consult(
        self,
        record_id: str,
        person: str,
        at: dt.datetime,
        opinion: str = "",
        agrees: bool | None = None,
        on_behalf_of: str | None = None,
    ) -> DecisionRecord:
        """Record who was consulted and what they said.

        A party the rights name is satisfied by the person it is, by a function's head
        (or a member consulting ``on_behalf_of`` the function), or by a team's leader.
        Parties that must agree (the ``agree`` role) give ``agrees=``: ``False`` is a
        veto, which blocks the decision until a later ``agrees=True`` for the same
        party lifts it, or an escalation settles it.

        Raises:
            TransitionError: The record is not open (proposed or consulting).
            UnknownNameError: ``person`` is not in the org, or ``on_behalf_of`` is no
                person, function or team.
            PermissionDenied: ``person`` may not speak for ``on_behalf_of``.
            SpecError: ``agrees`` is given by someone who speaks for no party that
                must agree, or an argument is of the wrong type.
        """
        with self._lock:
            return self._move(
                record_id,
                "consult",
                at,
                lambda record: self._plan_consult(record, person, opinion, agrees, on_behalf_of),
            )

    def decide(
        self, record_id: str, decider: str, outcome: str, at: dt.datetime, rationale: str = ""
    ) -> DecisionRecord:
        """Decide: refused unless ``decider`` may, and (by default) nothing is missing.

        Who may decide: whoever ``rights.can_decide(decider, decision_id, org, at)``
        allows (the accountable person, a function's head, an active delegate), or
        whoever the record's last escalation named (:attr:`DecisionRecord.settled_by`).
        The one an escalation named decides over missing and vetoed agreements:
        settling them is what the escalation was for; consultations are still needed.

        Raises:
            TransitionError: The record is not open.
            PermissionDenied: ``decider`` may not decide it.
            DecisionBlocked: The log requires consultation and a consulted party was
                not heard, or a party that must agree has not agreed or has vetoed;
                ``.missing`` says which.
            SpecError: ``outcome`` is blank, or ``at`` is earlier than the record's
                latest event.
        """
        with self._lock:
            return self._move(
                record_id,
                "decide",
                at,
                lambda record: self._plan_decide(record, decider, outcome, rationale, at),
            )

    def inform(self, record_id: str, people: Iterable[str], at: dt.datetime) -> DecisionRecord:
        """Record that ``people`` were told of the decision (by the decider).

        Raises:
            TransitionError: The record is not decided.
            UnknownNameError: Someone in ``people`` is not in the org.
            SpecError: ``people`` is one id rather than a collection, or empty.
        """
        with self._lock:
            return self._move(
                record_id, "inform", at, lambda record: self._plan_inform(record, people, None)
            )

    def withdraw(
        self, record_id: str, actor: str, at: dt.datetime, reason: str = ""
    ) -> DecisionRecord:
        """Withdraw an open proposal: its proposer or someone who may decide it can.

        Raises:
            TransitionError: The record is not open.
            PermissionDenied: ``actor`` neither proposed it nor may decide it.
        """
        with self._lock:
            return self._move(
                record_id,
                "withdraw",
                at,
                lambda record: self._plan_withdraw(record, actor, reason, at),
            )

    def supersede(
        self, old_record_id: str, new_record_id: str, actor: str, at: dt.datetime
    ) -> DecisionRecord:
        """Mark a decided record superseded by a newer decision on the same decision id.

        A decided record is never edited: a new record is proposed, consulted on and
        decided, then supersedes the old one. Returns the old record.

        Raises:
            TransitionError: The old record is not decided (or already superseded).
            PermissionDenied: ``actor`` may not decide the decision.
            UnknownNameError: No record has ``new_record_id``.
            SpecError: The new record is not a decided record of the same decision,
                decided no earlier than the old one.
        """
        with self._lock:
            return self._move(
                old_record_id,
                "supersede",
                at,
                lambda record: self._plan_supersede(record, new_record_id, actor, at),
            )

    def escalate(self, record_id: str, actor: str, at: dt.datetime, reason: str) -> DecisionRecord:
        """Take a disagreement to whoever settles it, who may then decide.

        The people in disagreement are, when a veto stands, the decider and everyone
        who vetoed; otherwise ``actor`` and the decider (the decision's decider, or
        ``actor`` if they may decide, against the proposer). The decision's forum
        settles it, else their lowest common manager
        (``rights.escalation_for(decision_id, person_a, person_b, org)``); the record
        names who (:attr:`DecisionRecord.settled_by`).

        Raises:
            TransitionError: The record is not open.
            PermissionDenied: ``actor`` neither proposed it, nor may decide it, nor
                speaks for a party that is consulted or must agree, nor was consulted.
            SpecError: ``reason`` is blank, nobody disagrees with ``actor``, or
                nobody can settle it (no forum for the category, no common manager).
        """
        with self._lock:
            return self._move(
                record_id,
                "escalate",
                at,
                lambda record: self._plan_escalate(record, actor, reason, at),
            )

    def erase_person(self, person_id: str, at: dt.datetime) -> int:
        """Erase every text ``person_id`` wrote or was named in; the chain still verifies.

        Each record holding such texts gets an ``erased`` event naming their keys,
        then the texts are deleted from the text store for good. Ids and roles stay;
        the texts read as :data:`ERASED`, and :meth:`verify` still passes. Who a text
        involves was recorded when it was written (its author, and the people of the
        org it named by id or full name), so erasure works for people who have left
        the org since. Erasing again deletes whatever an interrupted erasure left.

        Args:
            person_id: The person's id (they need not be in the org any more).
            at: When (timezone-aware), not before the latest event of any record
                involved.

        Returns:
            The number of texts newly erased.

        Raises:
            SpecError: ``person_id`` is blank, or ``at`` is not aware or too early.
        """
        person_id = text_argument(person_id, "person_id", required=True)
        require_aware(at)
        with self._lock:
            self._streams.replay()  # every record, also those other logs wrote
            involving = {
                record.record_id: record
                for record in self._streams.states().values()
                if any(person_id in ref.involves for ref in record.texts)
            }
            early = [r for r in involving.values() if at < r.last_event_at]
            if early:
                raise _too_early(at, early[0])
            erased = 0
            for record_id in involving:

                def attempt(record_id: str = record_id) -> int:
                    record = self._current(record_id)
                    _check_time(at, record)
                    keys = [
                        ref.key
                        for ref in record.texts
                        if person_id in ref.involves and not ref.erased
                    ]
                    if keys:
                        step = Step("erased", person_id, {"keys": keys}, {}, None)
                        self._append(record_id, record, step, at)
                    return len(keys)

                erased += _retried(attempt)
            keys = [
                ref.key
                for record in self._streams.states().values()
                for ref in record.texts
                if person_id in ref.involves
            ]
            for key in keys:
                self._cache.pop(key, None)
            if keys:
                self.texts.delete(keys)
            return erased

    # -- the moves, checked -----------------------------------------------------------

    def _move(
        self,
        record_id: str,
        move: str,
        at: dt.datetime,
        plan: Callable[[DecisionRecord], Step],
    ) -> DecisionRecord:
        """Check the state, then the actor and the arguments; append; the record after.

        The checks judge the record as this log last folded it, and the append is at
        that version: if another log wrote to the record since, the append fails,
        this log catches up and judges again. A refusal is judged again too after
        catching up, in case what was refused is allowed by now.
        """

        def attempt() -> None:
            record = self._current(record_id)
            allowed = record.allowed_moves()
            if move not in allowed:
                raise TransitionError.for_move(record.state.name, move, allowed)
            step = plan(record)
            _check_time(at, record)
            self._append(record_id, record, step, at)

        for _ in range(_ATTEMPTS):
            seen = len(self._streams.history(record_id))
            try:
                attempt()
                break
            except ConcurrencyError:
                continue  # caught up already: judge again
            except AlignkitError:
                if seen == 0 or self._caught_up(record_id) == seen:
                    raise
        else:
            attempt()
        return self.get(record_id)

    def _caught_up(self, record_id: str) -> int:
        self._streams.catch_up(record_id)
        return len(self._streams.history(record_id))

    def _append(
        self, record_id: str, record: DecisionRecord | None, step: Step, at: dt.datetime
    ) -> None:
        """Seal the step's texts, chain its event to the record's last, and append it."""
        version = 1 if record is None else record.version + 1
        prev = "" if record is None else record.head
        event, entries, texts = self._seal(record_id, version, prev, step, at)
        if entries and self._joint is not None:
            # Texts and event in one transaction: both are stored, or neither.
            with self._joint():
                self.texts.put(entries)
                self._streams.append(record_id, event)
            self._remember(texts)
            return
        if entries:
            self.texts.put(entries)
        try:
            self._streams.append(record_id, event)
        except BaseException:
            if entries:  # no event commits to them: leave no personal data behind
                self.texts.delete(list(entries))
            raise
        if texts:
            self._remember(texts)

    def _seal(
        self, record_id: str, version: int, prev: str, step: Step, at: dt.datetime
    ) -> tuple[NewEvent, dict[str, bytes], dict[str, str]]:
        """The event of ``step``, what the text store keeps of its texts, and the texts."""
        event_id = fresh_event_id(record_id, step.kind)
        data = dict(step.data)
        entries: dict[str, bytes] = {}
        texts: dict[str, str] = {}
        held: dict[str, dict[str, Any]] = {}
        for field, text in step.texts.items():
            if not text:
                continue
            value, commitment = seal(text)
            key = text_key(event_id, field)
            entries[key] = value
            texts[key] = text
            held[field] = {
                "commitment": commitment,
                "involves": involved(self._mentions, text, step.author),
            }
        if held:
            data["texts"] = held
        data["prev"] = prev
        data["hash"] = event_hash(record_id, version, event_id, step.kind, step.actor, at, data)
        return NewEvent(event_id, step.kind, step.actor, at, data), entries, texts

    def _next_record_id(self, decision_id: str, *, look: bool) -> str:
        """The next free record number of ``decision_id``; with ``look``, free in the store too."""
        number = self._numbers.get(decision_id, 0) + 1
        while self._streams.history(f"{decision_id}/{number}") or (
            look and self.store.version(f"{decision_id}/{number}")
        ):
            number += 1
        return f"{decision_id}/{number}"

    def _decision_id(self, decision_id: object) -> str:
        if not isinstance(decision_id, str) or decision_id not in self.rights:
            from alignkit._suggest import suggest

            known = [decision.id for decision in self.rights.decisions]
            close = suggest(decision_id, known) if isinstance(decision_id, str) else None
            hint = f"; did you mean {close!r}?" if close else ""
            raise SpecError.single(
                f"Unknown decision {decision_id!r}: it is not in the decision rights{hint}",
                Location(path=("decision_id",)),
            )
        return decision_id

    def _plan_propose(self, decision_id: str, proposer: str, summary: str, at: dt.datetime) -> Step:
        decision = self.rights.decision(self._decision_id(decision_id))
        self._parties.person(proposer, "proposer")
        summary = text_argument(summary, "summary", required=True)
        require_aware(at)
        data: dict[str, Any] = {"decision": decision.id}
        if decision.category is not None:
            data["category"] = decision.category
        return Step("proposed", proposer, data, {"summary": summary}, proposer)

    def _plan_consult(
        self,
        record: DecisionRecord,
        person: str,
        opinion: str,
        agrees: bool | None,
        on_behalf_of: str | None,
    ) -> Step:
        self._parties.person(person)
        if on_behalf_of is not None and not isinstance(on_behalf_of, str):
            raise _wrong("on_behalf_of", "a party's name or None", on_behalf_of)
        speaks_for = self._parties.speaks_for(person, on_behalf_of)
        opinion = text_argument(opinion, "opinion")
        data: dict[str, Any] = {"speaks_for": list(speaks_for)}
        if agrees is not None:
            if not isinstance(agrees, bool):
                raise _wrong("agrees", "True, False or None", agrees)
            must_agree = self.rights.parties(record.decision_id, Role.AGREE)
            if not must_agree.intersection(speaks_for):
                listed = ", ".join(f"`{p}`" for p in sorted(must_agree)) or "nobody"
                raise SpecError.single(
                    f"`{person}` speaks for no party that must agree to "
                    f"`{record.decision_id}` ({listed} must), so cannot give `agrees=`; "
                    "leave it out, or consult on behalf of a party that must agree",
                    Location(path=("agrees",)),
                )
            data["agrees"] = agrees
        if on_behalf_of is not None and on_behalf_of != person:
            data["on_behalf_of"] = on_behalf_of
        return Step("consulted", person, data, {"opinion": opinion}, person)

    def _authority(self, record: DecisionRecord, decider: object, at: dt.datetime) -> DecidedBy:
        """How ``decider`` may decide ``record``: as the one an escalation named, or by right."""
        if not isinstance(decider, str):
            raise _wrong("decider", "text", decider)
        settled_by = record.settled_by
        if settled_by is not None and decider in self._parties.settlers(settled_by):
            return "settler"
        require_aware(at)
        if self.rights.can_decide(decider, record.decision_id, self.org, at):
            return "decider"
        return "none"

    def _deny_decider(self, record: DecisionRecord, decider: str, at: dt.datetime) -> None:
        may = sorted(self.rights.deciders(record.decision_id, self.org, at))
        if record.settled_by is not None:
            may += sorted(self._parties.settlers(record.settled_by) - set(may))
        shown = ", ".join(f"`{p}`" for p in may) or "nobody"
        raise PermissionDenied(
            f"`{decider}` may not decide `{record.decision_id}` (record {record.record_id}); "
            f"{shown} may",
            actor=decider,
            action="decide",
        )

    def _plan_decide(
        self,
        record: DecisionRecord,
        decider: str,
        outcome: str,
        rationale: str,
        at: dt.datetime,
        *,
        history: bool = False,
    ) -> Step:
        """The decision; refused unless allowed, unless ``history`` (an import) records it."""
        authority = self._authority(record, decider, at)
        if authority == "none" and not history:
            self._deny_decider(record, decider, at)
        outcome = text_argument(outcome, "outcome", required=True)
        rationale = text_argument(rationale, "rationale")
        missing = self._missing(record, settled=authority == "settler")
        if missing and self.require_consultation and not history:
            raise DecisionBlocked.for_record(record.decision_id, record.record_id, missing)
        data: dict[str, Any] = {"authority": authority}
        if missing:
            data["without"] = [item.to_data() for item in missing]
        author = decider if self._parties.is_person(decider) else None
        return Step("decided", decider, data, {"outcome": outcome, "rationale": rationale}, author)

    def _missing(self, record: DecisionRecord, *, settled: bool) -> tuple[MissingInput, ...]:
        """What the record lacks: consultations, and (unless ``settled``) agreements."""
        decision = self.rights.decision(record.decision_id)
        heard = {party for c in record.consultations for party in c.speaks_for}
        voices = self._parties.voices
        missing = [
            MissingInput(party, "consultation", voices=voices(party))
            for party in decision.consulted
            if party not in heard
        ]
        if not settled and decision.agree:
            agreements = record.agreements()
            for party in decision.agree:
                latest = agreements.get(party)
                if latest is None:
                    missing.append(MissingInput(party, "agreement", voices=voices(party)))
                elif latest.agrees is False:
                    missing.append(
                        MissingInput(
                            party, "agreement", vetoed_by=latest.person, voices=voices(party)
                        )
                    )
        return tuple(missing)

    def _plan_inform(
        self, record: DecisionRecord, people: Iterable[str], actor: str | None
    ) -> Step:
        if isinstance(people, str) or not isinstance(people, Iterable):
            raise SpecError.single(
                f"`people` must be a collection of person ids, got {people!r}",
                Location(path=("people",)),
            )
        told = list(dict.fromkeys(self._parties.person(p) for p in people))
        if not told:
            raise SpecError.single("`people` names nobody", Location(path=("people",)))
        decider = str(record.decider)
        if actor is not None and actor != decider:
            raise SpecError.single(
                f"The decider, `{decider}`, informs people of the decision, not `{actor}`",
                Location(path=("actor",)),
            )
        return Step("informed", decider, {"people": told}, {}, None)

    def _plan_withdraw(
        self, record: DecisionRecord, actor: str, reason: str, at: dt.datetime
    ) -> Step:
        self._parties.person(actor, "actor")
        require_aware(at)
        if actor != record.proposer and self._authority(record, actor, at) == "none":
            raise PermissionDenied(
                f"Only the proposer (`{record.proposer}`) or who may decide "
                f"`{record.decision_id}` may withdraw record {record.record_id}; "
                f"`{actor}` is neither",
                actor=actor,
                action="withdraw",
            )
        reason = text_argument(reason, "reason")
        return Step("withdrawn", actor, {}, {"reason": reason}, actor)

    def _plan_supersede(
        self, record: DecisionRecord, new_record_id: str, actor: str, at: dt.datetime
    ) -> Step:
        require_aware(at)
        if not isinstance(actor, str) or not self.rights.can_decide(
            actor, record.decision_id, self.org, at
        ):
            raise PermissionDenied(
                f"Only who may decide `{record.decision_id}` may supersede a decision on "
                f"it; `{actor}` may not",
                actor=str(actor),
                action="supersede",
            )
        new = self._current(new_record_id)
        problem = supersede_problem(record, new)
        if problem is not None:
            raise SpecError.single(problem, Location(path=("new_record_id",)))
        return Step("superseded", actor, {"by": new.record_id}, {}, None)

    def _plan_escalate(
        self, record: DecisionRecord, actor: str, reason: str, at: dt.datetime
    ) -> Step:
        self._parties.person(actor, "actor")
        require_aware(at)
        decides = self.rights.can_decide(actor, record.decision_id, self.org, at)
        if not (decides or actor == record.proposer or self._has_a_say(record, actor)):
            raise PermissionDenied(
                f"`{actor}` has no say on record {record.record_id}, so cannot escalate it: "
                "the proposer, who may decide, and the parties consulted or that must "
                "agree can",
                actor=actor,
                action="escalate",
            )
        reason = text_argument(reason, "reason", required=True)
        accountable = self.rights.accountable(record.decision_id)
        decider = actor if decides else min(self._parties.settlers(accountable), default=None)
        agreements = record.agreements()
        vetoes = [
            agreements[party].person
            for party in self.rights.decision(record.decision_id).agree
            if party in agreements and agreements[party].agrees is False
        ]
        if vetoes:
            people = [decider, *vetoes]
        elif actor != decider:
            people = [actor, decider]
        else:
            people = [actor, record.proposer]
        between = [p for p in dict.fromkeys(people) if p is not None]
        if len(between) < 2:  # noqa: PLR2004 - a disagreement takes two
            raise SpecError.single(
                f"Nobody disagrees with `{actor}` on record {record.record_id}: escalate "
                "a veto, or an objection of someone other than the decider",
                Location(path=("actor",)),
            )
        path = settle(self.rights, record.decision_id, between, self.org)
        if path.settled_by is None:
            raise SpecError.single(path.explanation, Location(path=("record_id",)))
        data = {
            "settled_by": path.settled_by,
            "kind": path.kind,
            "between": between,
            "explanation": path.explanation,
        }
        return Step("escalated", actor, data, {"reason": reason}, actor)

    def _has_a_say(self, record: DecisionRecord, person: str) -> bool:
        decision = self.rights.decision(record.decision_id)
        if any(c.person == person for c in record.consultations):
            return True
        return any(
            person in self._parties.voices(party)
            for party in (*decision.consulted, *decision.agree)
        )

    # -- CSV --------------------------------------------------------------------------

    def to_csv(self) -> str:
        """Every event of every record as CSV, for auditors; safe to open in a spreadsheet.

        One row per event, record by record in the order they were proposed, with
        the columns of :data:`CSV_COLUMNS`: the event's text (a summary, an opinion,
        a reason, an outcome) as it reads now, and its hash. Every cell goes through
        a formula-safe writer (:class:`~alignkit._csvsafe.SafeCsvWriter`), as the
        rights' CSV does. :meth:`import_csv` reads it back into another log.
        """
        from alignkit.decision_log._csv import write_events

        return write_events(self.records())

    def import_csv(self, source: str | os.PathLike[str] | IO[str]) -> tuple[str, ...]:
        """Import a history of decisions from CSV (as :meth:`to_csv` writes it).

        One row per event, the rows of a record in order, its first a ``proposed``
        one: columns ``record``, ``kind``, ``actor`` and ``at`` are needed, the
        others as the kinds of rows need them. Every row is checked as the move it
        records would be, except that a decision taken by someone without the right,
        or without a required consultation or agreement, is recorded as it happened,
        with ``DecisionRecord.authority`` ``"none"`` or
        ``DecisionRecord.decided_without`` saying so (:attr:`DecisionRecord.needs_review`).
        The export-only columns (``version``, ``category``, ``settled_by``,
        ``authority``, ``event_id``, ``hash``) are not read: the log works them out
        again and chains the imported events afresh.

        Returns:
            The ids of the records imported, in order.

        Raises:
            SpecError: Every bad row, each at its row (the header is row 1) and
                column; nothing is imported then.
        """
        from alignkit.decision_log._csv import read_history

        with self._lock:
            planned = read_history(source, self)
            for record_id, steps in planned:
                self._import(record_id, steps)
            return tuple(record_id for record_id, _ in planned)

    def _import(self, record_id: str, steps: list[tuple[Step, dt.datetime]]) -> None:
        events: list[NewEvent] = []
        entries: dict[str, bytes] = {}
        prev = ""
        for version, (step, at) in enumerate(steps, start=1):
            event, sealed, _ = self._seal(record_id, version, prev, step, at)
            events.append(event)
            entries.update(sealed)
            prev = str(event.data["hash"])
        self.texts.put(entries)  # a proposal has a summary: there is always one
        try:
            self.store.append(record_id, events, expected_version=0, category=CATEGORY)
        except BaseException:
            self.texts.delete(list(entries))
            raise
        self._streams.catch_up(record_id)
        decision_id = str(steps[0][0].data["decision"])
        self._numbers[decision_id] = self._numbers.get(decision_id, 0) + 1

    def _planned_record(
        self, record: DecisionRecord | None, record_id: str, step: Step, at: dt.datetime
    ) -> DecisionRecord:
        """``record`` after ``step``, folded from a stand-in for the event it will be."""
        version = 1 if record is None else record.version + 1
        prev = "" if record is None else record.head
        data = dict(step.data)
        data["texts"] = {
            field: {"commitment": "", "involves": []} for field, text in step.texts.items() if text
        }
        data["prev"] = prev
        data["hash"] = f"{record_id}:{version}"
        event = StoredEvent(
            f"{record_id}:{version}", record_id, version, 0, step.kind, step.actor, at, data,
            category=CATEGORY,
        )  # fmt: skip
        folded = fold(record, event)
        if folded is None:  # pragma: no cover - the reader plans a proposal first
            msg = f"Record {record_id!r} was not proposed"
            raise TransitionError(msg)
        return folded


def _retried(action: Callable[[], T]) -> T:
    return retry_on_conflict(action, attempts=_ATTEMPTS)


def _number(record_id: str, decision_id: str) -> int:
    return int(record_id[len(decision_id) + 1 :])


def _joint_transaction(
    store: Store, texts: TextStore
) -> Callable[[], contextlib.AbstractContextManager[None]] | None:
    """The transaction that holds both texts and events, where there is one."""
    if isinstance(texts, SQLiteTextStore) and texts._beside is store:  # noqa: SLF001
        return store.transaction
    if isinstance(texts, PostgresTextStore) and texts.store is store:
        return texts.store.transaction
    return None


def _default_texts(store: Store) -> TextStore:
    if isinstance(store, MemoryStore):
        return MemoryTextStore()
    if isinstance(store, SQLiteStore):
        return SQLiteTextStore.beside(store)
    if isinstance(store, PostgresStore):
        return PostgresTextStore.beside(store)
    raise SpecError.single(
        f"A {type(store).__name__} keeps no texts: pass `texts=`, a TextStore beside it",
        Location(path=("texts",)),
    )


def _wrong(name: str, expected: str, value: object) -> SpecError:
    return SpecError.single(
        f"`{name}` must be {expected}, got {type(value).__name__}", Location(path=(name,))
    )


def _too_early(at: dt.datetime, record: DecisionRecord) -> SpecError:
    return SpecError.single(
        f"`at` ({at.isoformat()}) is before the latest event of record {record.record_id} "
        f"({record.last_event_at.isoformat()}); moves are recorded in the order they happen",
        Location(path=("at",)),
    )


def _check_time(at: dt.datetime, record: DecisionRecord) -> None:
    """``at`` is an aware datetime, not before the record's latest event."""
    require_aware(at)
    if at < record.last_event_at:
        raise _too_early(at, record)
