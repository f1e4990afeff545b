"""The hash chain of each decision record, and its verification.

Every event of a record carries, in its data, ``prev`` (the hash of the record's
previous event; ``""`` for the first) and ``hash``: the SHA-256 of the event's
canonical JSON,

.. code-block:: text

    {"actor": ..., "at": ..., "category": "decision", "data": {... without "hash"},
     "id": ..., "kind": ..., "record": ..., "version": ...}

with keys sorted, no spaces, UTF-8, and ``at`` in UTC (ISO 8601). The store's
``position`` is left out: it is the store's, and differs between replicas. Chains are
per record, never across records, so writers appending to different records never
race for one head.

A chain *detects*, it does not prevent. Changing an event's content, or the link to
the event before it, breaks the chain at that event; deleting or inserting an event
in the middle leaves a gap in the record's versions. What a chain alone cannot tell:
the last events of a record deleted (the record then simply ends earlier), a record
deleted whole, or a whole record rewritten consistently by someone who can write to
the store (no secret is involved). Against those, keep the digest of the heads
(``VerifyResult.digest``) somewhere the store's writers cannot change, and pass the
heads of a past verification as ``anchors``: each anchored record must still hold the
anchored hash at the anchored version.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal, final

import attrs

from alignkit._spec import FrozenDict
from alignkit.decision_log._texts import sha256_hex, unseal
from alignkit.errors import StoreError

if TYPE_CHECKING:
    from alignkit.decision_log._texts import TextStore
    from alignkit.store import EncodedEvent, StoredEvent

__all__ = [
    "ChainHead",
    "ChainProblem",
    "Verifier",
    "VerifyResult",
    "digest_of",
    "event_hash",
]

CATEGORY: Final = "decision"

_canonical: Final = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":")
).encode
_UTC: Final = dt.UTC
_string: Final = json.encoder.encode_basestring  # a JSON string, as _canonical writes it
_decode: Final = json.JSONDecoder().decode
_from_iso: Final = dt.datetime.fromisoformat


def event_hash(
    record: str,
    version: int,
    event_id: str,
    kind: str,
    actor: str,
    at: dt.datetime,
    body: Mapping[str, Any],
) -> str:
    """The hash of an event: SHA-256 of its canonical JSON.

    ``body`` is the event's data without ``hash``.

    >>> import datetime as dt
    >>> at = dt.datetime(2026, 11, 23, 10, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    >>> h = event_hash("rec-1", 1, "e1", "proposed", "ana", at, {"prev": ""})
    >>> h == event_hash("rec-1", 1, "e1", "proposed", "ana", at.astimezone(dt.UTC), {"prev": ""})
    True
    >>> h == event_hash("rec-1", 2, "e1", "proposed", "ana", at, {"prev": ""})
    False
    """
    when = (at if at.tzinfo is _UTC else at.astimezone(_UTC)).isoformat()
    return _hash_of(record, version, event_id, kind, actor, when, _canonical(body))


def _hash_of(
    record: str, version: int, event_id: str, kind: str, actor: str, when: str, body: str
) -> str:
    """:func:`event_hash` of an event whose time (UTC, ISO 8601) and body are text already."""
    # The canonical JSON of the envelope, its keys already in order: written out
    # rather than sorted and encoded as a dict, which took twice as long.
    text = (
        f'{{"actor":{_string(actor)},"at":"{when}","category":"{CATEGORY}",'
        f'"data":{body},"id":{_string(event_id)},"kind":{_string(kind)},'
        f'"record":{_string(record)},"version":{int(version)}}}'
    )
    return sha256_hex(text.encode())


def _without_hash(data: str, stored: str) -> str | None:
    """The JSON text ``data`` without its member ``"hash": stored``, if it has one.

    For JSON written with sorted keys and no spaces, that is the canonical JSON of the
    event's body. ``None`` when ``data`` holds no such member as that JSON would.
    """
    member = f'"hash":"{stored}"'
    start = data.find(member)
    end = start + len(member)
    if start < 1 or end >= len(data):
        return None
    if data[start - 1] == ",":
        return data[: start - 1] + data[end:]
    if data[start - 1] == "{":
        return data[:start] + (data[end + 1 :] if data[end] == "," else data[end:])
    return None


@final
@attrs.frozen
class ChainHead:
    """Where a record's chain ends: its last version and that event's hash.

    Added in 0.2.
    """

    version: int
    hash: str


def digest_of(heads: Mapping[str, ChainHead]) -> str:
    """One SHA-256 over every record's head, to keep elsewhere (an anchor).

    The canonical JSON of ``[[record, version, hash], ...]`` sorted by record.
    """
    # Sorting the keys alone: sorting the items compared whole tuples, twice as slow.
    rows = [[record, (head := heads[record]).version, head.hash] for record in sorted(heads)]
    return sha256_hex(_canonical(rows).encode())


ProblemKind = Literal[
    "content",
    "link",
    "version",
    "anchor",
    "text-missing",
    "text-changed",
    "text-not-erased",
    "malformed",
    "unreadable",
]


@final
@attrs.frozen
class ChainProblem:
    """Where verification failed, and how.

    Attributes:
        kind: ``"content"``: the event is not what its hash says (it was changed);
            ``"link"``: its ``prev`` is not the hash of the event before it (an event
            was changed and re-hashed, removed or moved); ``"version"``: the
            record's versions are not 1, 2, 3 … in the store's order (an event
            deleted, inserted or reordered); ``"anchor"``: the record no longer holds
            an anchored head; ``"text-missing"``, ``"text-changed"``,
            ``"text-not-erased"``: a text of the event is gone though not erased,
            does not match its commitment, or is still there though erased;
            ``"malformed"``: the event matches its hash, but the texts it commits
            to are not written as the log writes them (it was written outside the
            log), so they cannot be checked (added in 0.3);
            ``"unreadable"``: the store refused to read (its own checks failed).
        record: The record (``None`` when the store could not be read).
        version: The event's version in the record.
        event_id: The event's id, where there is one.
        position: The event's position in the store.
        message: What is wrong, in words.

    Added in 0.2.
    """

    kind: ProblemKind
    record: str | None
    version: int | None
    event_id: str | None
    position: int | None
    message: str

    def __str__(self) -> str:
        return self.message


@final
@attrs.frozen
class VerifyResult:
    """What :meth:`~alignkit.decision_log.DecisionLog.verify` found.

    Attributes:
        ok: True when no problem was found.
        events: Events checked.
        texts: Texts checked against their commitments.
        heads: Each record's last version and hash.
        digest: One hash over all heads (:func:`digest_of`), to keep elsewhere.
        problems: The first problem of each broken record, in the store's order,
            then anchors and texts.

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
    >>> result = log.verify()
    >>> result.ok, result.events, result.heads[record_id].version
    (True, 1, 1)
    >>> later = log.verify(anchors={record_id: ChainHead(2, result.heads[record_id].hash)})
    >>> print(later.first)
    Record 'pick-crm/1' ends at version 1, before its anchored version 2: its last events were deleted

    Added in 0.2.
    """  # noqa: E501 - a doctest's output line

    ok: bool
    events: int
    texts: int
    heads: Mapping[str, ChainHead]
    digest: str
    problems: tuple[ChainProblem, ...] = ()

    @property
    def first(self) -> ChainProblem | None:
        """The first problem found, if any."""
        return self.problems[0] if self.problems else None

    def __str__(self) -> str:
        if self.ok:
            return (
                f"{self.events:,} events of {len(self.heads):,} records verified; "
                f"digest {self.digest}"
            )
        shown = "\n".join(f"  {problem}" for problem in self.problems[:10])
        more = f"\n  ... and {len(self.problems) - 10} more" if len(self.problems) > 10 else ""  # noqa: PLR2004
        return f"{len(self.problems)} problems in {self.events:,} events:\n{shown}{more}"


class Verifier:
    """Checks events read in the store's order, a chunk at a time."""

    def __init__(self, texts: TextStore | None, anchors: Mapping[str, ChainHead]) -> None:
        """Check texts against ``texts`` (``None``: not at all) and heads against ``anchors``."""
        self.texts = texts
        self.anchors = anchors
        self.heads: dict[str, ChainHead] = {}
        self.broken: set[str] = set()
        self.problems: list[ChainProblem] = []
        self.events = 0
        self.texts_checked = 0
        self.anchored: set[str] = set()  # anchored records whose anchored event matched
        # Texts found missing, until an erasure of them turns up later in the store.
        self.missing: dict[str, ChainProblem] = {}

    def check(self, events: Iterable[StoredEvent]) -> None:
        """Check a chunk of events (they follow those checked before)."""
        wanted: dict[str, tuple[str, StoredEvent, str]] = {}  # key -> commitment, event, field
        erased: dict[str, StoredEvent] = {}
        heads = self.heads
        broken = self.broken
        anchors = self.anchors
        for event in events:
            self.events += 1
            record = event.stream
            if record in broken:
                continue
            head = heads.get(record)
            version, prev = (head.version, head.hash) if head is not None else (0, "")
            if event.version != version + 1:
                self._break(
                    event,
                    "version",
                    f"Record {record!r} has version {event.version} where version "
                    f"{version + 1} should be (event {event.event_id!r} at position "
                    f"{event.position}): an event was deleted, inserted or reordered",
                )
                continue
            data = event.data
            body = dict(data)
            stored = body.pop("hash", None)
            computed = event_hash(
                record, event.version, event.event_id, event.kind, event.actor, event.at, body
            )
            if stored != computed:
                self._break(
                    event,
                    "content",
                    f"Event {event.event_id!r} (record {record!r}, version {event.version}, "
                    f"position {event.position}) does not match its hash: it was changed",
                )
                continue
            if body.get("prev") != prev:
                self._break(
                    event,
                    "link",
                    f"Event {event.event_id!r} (record {record!r}, version {event.version}, "
                    f"position {event.position}) does not link to the event before it: an "
                    "event before it was changed, removed or replaced",
                )
                continue
            heads[record] = ChainHead(event.version, computed)
            anchor = anchors.get(record)
            if anchor is not None and anchor.version == event.version:
                if anchor.hash == computed:
                    self.anchored.add(record)
                else:
                    self._problem(
                        event,
                        "anchor",
                        f"Record {record!r} holds another event at anchored version "
                        f"{event.version} than the one anchored: it was rewritten",
                    )
            if self.texts is not None:
                held = _commitments(body)
                keys = _erased_keys(body) if event.kind == "erased" else []
                if held is None or keys is None:
                    self._problem(
                        event,
                        "malformed",
                        f"Event {event.event_id!r} (record {record!r}, version "
                        f"{event.version}, position {event.position}) matches its hash, but "
                        "its texts are not written as the log writes them: it was written "
                        "outside the log, and its texts cannot be checked",
                    )
                    continue
                for field, commitment in held.items():
                    wanted[f"{event.event_id}/{field}"] = (commitment, event, field)
                for key in keys:
                    erased[key] = event
        if self.texts is not None:
            self._check_texts(wanted, erased)

    def check_encoded(self, events: Sequence[EncodedEvent]) -> bool:
        """Check a chunk of events as their store encodes them, if nothing is wrong.

        The fast way, for a store that hands out encoded events: each event's data
        is decoded once, and its hash taken over the stored JSON text without the
        ``hash`` member, which is the canonical JSON of its body whenever the text
        is ASCII (else, or if the stored text is not as written, the body is
        encoded again, as :meth:`check` does). A hash that matches proves the text
        is the one hashed: whoever could forge it could forge the canonical form too.

        Returns:
            True when every event checked out, and is counted. False when anything
            is amiss: nothing of the chunk was recorded, so that :meth:`check`
            checks the same events decoded and names each problem.
        """
        heads = self.heads
        broken = self.broken
        anchors = self.anchors
        checking_texts = self.texts is not None
        latest: dict[str, tuple[int, str]] = {}
        anchored: list[str] = []
        wanted: dict[str, str] = {}  # key -> commitment
        erased: set[str] = set()
        for event in events:
            record = event.stream
            if record in broken:
                continue
            last = latest.get(record)
            if last is None:
                head = heads.get(record)
                last = (head.version, head.hash) if head is not None else (0, "")
            checked = _sound(event, *last)
            if checked is None:
                return False
            body, stored = checked
            if checking_texts:
                held = _commitments(body)
                keys = _erased_keys(body) if event.kind == "erased" else []
                if held is None or keys is None:
                    return False
                for field, commitment in held.items():
                    wanted[f"{event.event_id}/{field}"] = commitment
                erased.update(keys)
            version = event.version
            latest[record] = (version, stored)
            anchor = anchors.get(record)
            if anchor is not None and anchor.version == version:
                if anchor.hash != stored:
                    return False
                anchored.append(record)
        kept = [key for key in wanted if key not in erased]
        if checking_texts and not self._texts_hold(wanted, kept, erased):
            return False
        self.events += len(events)
        for record, (version, hash_) in latest.items():
            heads[record] = ChainHead(version, hash_)
        self.anchored.update(anchored)
        self.texts_checked += len(kept)
        for key in erased:
            self.missing.pop(key, None)
        return True

    def _texts_hold(self, wanted: Mapping[str, str], kept: list[str], erased: set[str]) -> bool:
        """Whether every kept text matches its commitment and every erased one is gone."""
        assert self.texts is not None  # noqa: S101 - the caller checked
        if not wanted and not erased:
            return True
        found = self.texts.get([*wanted, *erased])
        for key in kept:
            value = found.get(key)
            if value is None or unseal(value, wanted[key]) is None:
                return False
        return not any(key in found for key in erased)

    def _check_texts(
        self, wanted: dict[str, tuple[str, StoredEvent, str]], erased: dict[str, StoredEvent]
    ) -> None:
        assert self.texts is not None  # noqa: S101 - the caller checked
        found = self.texts.get([*wanted, *erased]) if wanted or erased else {}
        for key, (expected, event, field) in wanted.items():
            value = found.get(key)
            if key in erased:
                continue
            self.texts_checked += 1
            if value is None:
                self.missing[key] = _problem(
                    event,
                    "text-missing",
                    f"The {field} of event {event.event_id!r} (record {event.stream!r}) is "
                    "not in the text store, and was not erased",
                )
            elif unseal(value, expected) is None:
                self._problem(
                    event,
                    "text-changed",
                    f"The {field} of event {event.event_id!r} (record {event.stream!r}) "
                    "does not match its commitment: it was changed in the text store",
                )
        for key, event in erased.items():
            self.missing.pop(key, None)
            if key in found:
                self._problem(
                    event,
                    "text-not-erased",
                    f"Text {key!r} is still in the text store though event "
                    f"{event.event_id!r} erased it",
                )

    def unreadable(self, error: StoreError, after: int) -> None:
        """The store refused to read the first event after position ``after``."""
        self.problems.append(
            ChainProblem(
                "unreadable",
                None,
                None,
                None,
                None,
                f"The first event after position {after} cannot be read: {error}",
            )
        )

    def _break(self, event: StoredEvent, kind: ProblemKind, message: str) -> None:
        self.broken.add(event.stream)
        self._problem(event, kind, message)

    def _problem(self, event: StoredEvent, kind: ProblemKind, message: str) -> None:
        self.problems.append(_problem(event, kind, message))

    def result(self) -> VerifyResult:
        """What was found, once every event was checked."""
        for record, anchor in self.anchors.items():
            if record in self.anchored or record in self.broken:
                continue
            head = self.heads.get(record)
            if head is None:
                message = f"Anchored record {record!r} is gone from the store"
            elif head.version < anchor.version:
                message = (
                    f"Record {record!r} ends at version {head.version}, before its anchored "
                    f"version {anchor.version}: its last events were deleted"
                )
            else:  # pragma: no cover - a matching version was compared when it was read
                continue
            self.problems.append(
                ChainProblem("anchor", record, anchor.version, None, None, message)
            )
        self.problems.extend(self.missing.values())
        heads = FrozenDict(self.heads)
        return VerifyResult(
            ok=not self.problems,
            events=self.events,
            texts=self.texts_checked,
            heads=heads,
            digest=digest_of(heads),
            problems=tuple(self.problems),
        )


def _commitments(body: Mapping[str, Any]) -> dict[str, str] | None:
    """Each text field of an event's body, with its commitment; ``None`` if not as written.

    The log writes ``"texts": {field: {"commitment": hex, "involves": [...]}}``, or no
    ``texts`` at all.
    """
    held = body.get("texts")
    if not held:
        return {}
    if type(held) is not dict:
        return None
    found = {}
    for field, value in held.items():
        commitment = value.get("commitment") if type(value) is dict else None
        if type(commitment) is not str:
            return None
        found[field] = commitment
    return found


def _erased_keys(body: Mapping[str, Any]) -> list[str] | None:
    """The text keys an ``erased`` event names; ``None`` if not as the log writes them."""
    keys = body.get("keys", [])
    if type(keys) is not list or not all(type(key) is str for key in keys):
        return None
    return keys


def _sound(event: EncodedEvent, version: int, prev: str) -> tuple[dict[str, Any], str] | None:
    """An encoded event's body and hash, if it is sound; else ``None``.

    Sound: it follows ``version`` in its record, links to ``prev``, and matches its hash.
    """
    event_id, record, at_version, _, kind, actor, at, data = event
    if at_version != version + 1:
        return None
    try:
        body = _decode(data)
        stored = body.pop("hash")
        if type(stored) is not str or body.get("prev") != prev:
            return None
        when = at if at[-6:] == "+00:00" else _from_iso(at).astimezone(_UTC).isoformat()
        text = _without_hash(data, stored)
        if (
            text is None
            or _hash_of(record, at_version, event_id, kind, actor, when, text) != stored
        ) and event_hash(record, at_version, event_id, kind, actor, _from_iso(at), body) != stored:
            return None
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None
    return body, stored


def _problem(event: StoredEvent, kind: ProblemKind, message: str) -> ChainProblem:
    return ChainProblem(kind, event.stream, event.version, event.event_id, event.position, message)
