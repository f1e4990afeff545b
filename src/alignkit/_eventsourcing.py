"""Event sourcing over a :class:`~alignkit.store.Store`: the mechanics a lifecycle reuses.

A lifecycle (the handoff desk; next, the decision log) keeps the state of each of its
streams, folded from the events of its own category. :class:`FoldedStreams` holds
those states and keeps them right when several writers (replicas of one service)
share the store:

- :meth:`~FoldedStreams.replay` folds the whole category from the store;
- :meth:`~FoldedStreams.catch_up` folds what other writers appended to one stream
  since, which a writer does before it decides a move;
- :meth:`~FoldedStreams.append` writes at the version the writer last saw: a stale
  writer gets :class:`~alignkit.store.ConcurrencyError`, after catching up, so a
  retry (:func:`retry_on_conflict`) starts from the latest state;
- an event whose id the store holds already is a retry, and changes nothing: give
  an event that comes from outside (a webhook) an id derived from its source's,
  and a decision made here a fresh one (:func:`fresh_event_id`).

Only the events of the lifecycle's category are read, so one store serves several.
A stream's events are all of one category (the store sees to it).

Internal: not part of the public API. The caller serialises calls (the desk holds a
lock).

>>> import datetime as dt
>>> import attrs
>>> from alignkit.store import MemoryStore, NewEvent, StoredEvent
>>> @attrs.frozen
... class Tally:
...     history: tuple[StoredEvent, ...]
>>> def count(state, event, prior):
...     return Tally((*prior, event))
>>> store = MemoryStore()
>>> tallies = FoldedStreams(store, category="tally", kinds={"counted"}, fold=count)
>>> at = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
>>> tallies.append("t-1", NewEvent("c1", "counted", "ana", at))
1
>>> _ = store.append("t-1", [NewEvent("c2", "counted", "lee", at)], expected_version=1,
...                  category="tally")
>>> tallies.get("t-1").history[-1].event_id  # not seen yet
'c1'
>>> tallies.catch_up("t-1").history[-1].event_id
'c2'
>>> tallies.append("t-1", NewEvent("x1", "erased", "ana", at))
Traceback (most recent call last):
  ...
ValueError: 'erased' is not an event kind of category 'tally'
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable, Mapping
from types import MappingProxyType
from typing import Generic, Protocol, TypeAlias, TypeVar

from alignkit._gc import collector_paused
from alignkit.errors import TransitionError
from alignkit.store import ConcurrencyError, NewEvent, Store, StoredEvent

__all__ = ["Fold", "Folded", "FoldedStreams", "fresh_event_id", "retry_on_conflict"]


class Folded(Protocol):
    """A state folded from a stream: it keeps the stream's events it was folded from."""

    @property
    def history(self) -> tuple[StoredEvent, ...]:
        """Every event folded into the state, in order."""
        ...


S = TypeVar("S", bound=Folded)
T = TypeVar("T")

Fold: TypeAlias = Callable[[S | None, StoredEvent, tuple[StoredEvent, ...]], S | None]
"""``fold(state, event, prior)``: the state after ``event``, given the state before it
(``None`` while the stream has none) and the stream's events before it (``prior``).

A stream may hold events and still have no state (a CRM event that opens nothing).
"""


class FoldedStreams(Generic[S]):
    """The states of a category's streams, folded from a store and kept up to date.

    Args:
        store: Where the events are.
        category: The category of the streams: only its events are read and written.
        kinds: The event kinds of the category; any other is refused, on a read (an
            event written by a newer version) as on an append.
        fold: How a stream's state follows from its events.
    """

    def __init__(
        self, store: Store, *, category: str, kinds: Collection[str], fold: Fold[S]
    ) -> None:
        """Hold no state yet: :meth:`replay` reads the store."""
        self.store = store
        self.category = category
        self.kinds = frozenset(kinds)
        self._fold = fold
        self._states: dict[str, S] = {}
        self._stateless: dict[str, tuple[StoredEvent, ...]] = {}  # events, but no state
        self._born: dict[str, int] = {}  # the position of the event that gave a state
        self._followed = 0  # the last position read by replay() or follow()
        # A store that returns what it appended saves the read after each append.
        self._returning = callable(getattr(store, "append_returning", None))

    # -- reading ----------------------------------------------------------------------

    def replay(self) -> None:
        """Fold every stream of the category from the store, afresh."""
        with collector_paused():
            self._replay()

    def _replay(self) -> None:
        states: dict[str, S | None] = {}
        history: dict[str, list[StoredEvent]] = {}
        born: dict[str, int] = {}
        followed = 0
        for event in self.store.read_all(category=self.category):
            followed = event.position
            events = history.setdefault(event.stream, [])
            before = states.get(event.stream)
            after = states[event.stream] = self._apply(before, event, tuple(events))
            events.append(event)
            if before is None and after is not None:
                born.setdefault(event.stream, event.position)
        self._born = born
        self._followed = followed
        self._states = {k: v for k in born if (v := states[k]) is not None}
        self._stateless = {k: tuple(history[k]) for k, v in states.items() if v is None}

    def follow(self) -> None:
        """Fold what any writer appended to the category since the last read.

        For several writers on one store (replicas): each reads what the others
        appended, in the store's order, and skips what it folded already (its own).
        """
        with collector_paused():
            for event in self.store.read_all(after=self._followed, category=self.category):
                known = len(self.history(event.stream))
                if event.version == known + 1:
                    self._fold_in(event.stream, [event])
                elif event.version > known:  # pragma: no cover - a stream read in part
                    self.catch_up(event.stream)
                self._followed = event.position

    def get(self, stream: str) -> S | None:
        """The state of ``stream`` as last folded (``None``: it has none), without a read."""
        return self._states.get(stream)

    def states(self) -> Mapping[str, S]:
        """Each stream's state, in the order the streams first had one.

        A read-only view, to use at once: it does not follow a later :meth:`replay`.
        """
        return MappingProxyType(self._states)

    def history(self, stream: str) -> tuple[StoredEvent, ...]:
        """The events of ``stream`` folded so far."""
        state = self._states.get(stream)
        return state.history if state is not None else self._stateless.get(stream, ())

    def catch_up(self, stream: str) -> S | None:
        """Fold what was appended to ``stream`` since it was last folded; its state after.

        A stream of another category is none of this lifecycle's: it has no state here.
        """
        return self._fold_in(stream, self.store.read(stream, after=len(self.history(stream))))

    def _fold_in(self, stream: str, events: Iterable[StoredEvent]) -> S | None:
        """Fold ``events``, the next ones of ``stream``; its state after."""
        current = self._states.get(stream)
        history = self.history(stream)
        for event in events:
            if event.category != self.category:
                return None
            before = current
            current = self._apply(current, event, history)
            history = (*history, event)
            if before is None and current is not None:
                self._born.setdefault(stream, event.position)
        if current is None:
            if history:
                self._stateless[stream] = history
            return None
        self._stateless.pop(stream, None)
        states = self._states
        # The states are kept in the order streams first had one, so a new stream need
        # only be compared with the newest: comparing with all would be quadratic.
        newest = None if stream in states else next(reversed(states), None)
        states[stream] = current
        born = self._born
        if newest is not None and born[newest] > born[stream]:
            # Given a state by another writer before streams known here: keep the order.
            self._states = dict(sorted(states.items(), key=lambda item: born[item[0]]))
        return current

    def _apply(
        self, state: S | None, event: StoredEvent, prior: tuple[StoredEvent, ...]
    ) -> S | None:
        if event.kind not in self.kinds:
            msg = (
                f"Unknown event kind {event.kind!r} in stream {event.stream!r} of category "
                f"{self.category!r}; it was written by a newer version, or by another program"
            )
            raise TransitionError(msg)
        try:
            return self._fold(state, event, prior)
        except TransitionError:
            raise  # the fold's own words (a ValueError too): kept as they are
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            # Data the lifecycle never writes (a SpecError is a ValueError too): the store
            # was changed behind its back.
            msg = (
                f"Event {event.event_id!r} ({event.kind!r}, stream {event.stream!r}, "
                f"position {event.position}) holds data this version of alignkit cannot "
                "read: it was written by another program, or changed behind the store's back"
            )
            raise TransitionError(msg) from None

    # -- writing ----------------------------------------------------------------------

    def append(self, stream: str, event: NewEvent) -> int:
        """Append ``event`` at the version last folded, then fold what changed.

        Returns:
            The stream's version after the append. It is the version last folded
            when the store held the event already (a retry): nothing changed.

        Raises:
            ConcurrencyError: Another writer appended to the stream first; the stream
                is caught up, so trying again starts from its latest state.
            ValueError: ``event`` is of a kind the category does not have.
        """
        if event.kind not in self.kinds:
            msg = f"{event.kind!r} is not an event kind of category {self.category!r}"
            raise ValueError(msg)
        version = len(self.history(stream))
        try:
            if self._returning:
                stored = self.store.append_returning(  # type: ignore[attr-defined]
                    stream, [event], expected_version=version, category=self.category
                )
            else:
                after = self.store.append(
                    stream, [event], expected_version=version, category=self.category
                )
        except ConcurrencyError:
            self.catch_up(stream)
            raise
        if not self._returning:
            if after != version:  # else the store held it already
                self.catch_up(stream)
            return after
        if len(stored) == 1 and stored[0].version == version + 1:
            self._fold_in(stream, stored)  # what the store gave back: no read
            return version + 1
        # Held already (a retry), maybe with other writers' events after it: read.
        self.catch_up(stream)
        return len(self.history(stream))


def retry_on_conflict(action: Callable[[], T], *, attempts: int) -> T:
    """``action()``, run again while another writer appended first, ``attempts`` times at most.

    ``action`` must decide afresh on each run (:meth:`FoldedStreams.append` caught up
    before it raised).

    Raises:
        ConcurrencyError: The last attempt lost its race too.
    """
    for _ in range(attempts - 1):
        try:
            return action()
        except ConcurrencyError:
            continue
    return action()


def fresh_event_id(stream: str, kind: str) -> str:
    """A new id for an event decided here.

    Two writers making the same move are two writes: the stale one gets
    :class:`~alignkit.store.ConcurrencyError` instead of being taken for a retry.
    """
    return f"{stream}:{kind}:{os.urandom(16).hex()}"  # 128 random bits, like a UUID 4
