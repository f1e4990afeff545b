"""The decision log: what was decided, by whom, after consulting whom, and how fast.

Decision rights say who *may* decide; a :class:`DecisionLog` records what was actually
decided and enforces the rights as it goes. A decision goes through
``PROPOSED → CONSULTING → DECIDED`` (or ``WITHDRAWN`` before it is decided), and a
decided record is never edited: a newer decision on the same decision id
``SUPERSEDES`` it. Deciding is refused (:class:`~alignkit.errors.PermissionDenied`)
to anyone the rights do not allow, and (:class:`~alignkit.errors.DecisionBlocked`)
while a consulted party has not been heard or a party that must agree has not agreed;
a veto is lifted by a later agreement or settled by an escalation to the decision's
forum or the lowest common manager.

Each move is an event in a :class:`~alignkit.store.Store` (category ``decision``, one
stream per record), so the log can be replayed, queried and audited.

**Tamper evidence.** Every event carries the SHA-256 of its canonical JSON content
and of the previous event of the same record (never across records: two replicas
appending to different records never race for one head), and never the store's
position. :meth:`DecisionLog.verify` re-reads the store and names the first event
whose content, link or version does not hold: an event changed (even with the
store's checksum fixed up), deleted or moved in the SQLite file is found. The chain
*detects*, it does not prevent: whoever can write to the store can still delete the
last events of a record, a whole record, or rewrite a record consistently from its
start, as no secret is involved. Against those, keep the digest of the heads
(``VerifyResult.digest``) somewhere the store's writers cannot change, and pass
earlier heads back as ``verify(anchors=...)``.

**Erasure.** Free text that may hold personal data (summaries, opinions, reasons,
outcomes, rationales) is kept apart from the append-only events, in a
:class:`TextStore`; an event holds only a salted SHA-256 commitment to its text.
:meth:`DecisionLog.erase_person` deletes the texts a person wrote or is named in:
ids and roles stay, the texts read ``[erased]``, ``verify()`` still passes, and
:class:`SQLiteTextStore` leaves no copy in the database file or its write-ahead log.

>>> import datetime as dt
>>> from alignkit.decision_rights import DecisionRights, Scheme
>>> from alignkit.org import Function, Org, Person
>>> org = Org(
...     functions=[Function("Marketing", "vp-marketing"), Function("IT", "cio")],
...     people=[
...         Person("ceo", "Dana Reyes", "Marketing"),
...         Person("vp-marketing", "Chloe Dubois", "Marketing", manager="ceo"),
...         Person("cio", "Victor Hale", "IT", manager="ceo"),
...     ],
... )
>>> rights = DecisionRights.from_table(
...     {"launch-customer-data-integration": {"Marketing": "D", "IT": "A"}},
...     scheme=Scheme.RAPID,
... )
>>> log = DecisionLog(rights, org)
>>> at = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
>>> record = log.propose("launch-customer-data-integration", "vp-marketing", "Go live", at)
>>> log.consult(record, "cio", at, opinion="Not before the audit", agrees=False).state.name
'CONSULTING'
>>> [str(missing) for missing in log.missing(record)]
['IT vetoed (by cio)']
>>> log.escalate(record, "vp-marketing", at, "The launch cannot wait").settled_by
'ceo'
>>> log.decide(record, "ceo", "Go live after a two-week audit", at).authority
'settler'

Added in 0.2.
"""

from __future__ import annotations

from alignkit._exports import publish
from alignkit.decision_log._chain import ChainHead, ChainProblem, VerifyResult
from alignkit.decision_log._csv import CSV_COLUMNS, IMPORTED_COLUMNS
from alignkit.decision_log._latency import LatencyStats
from alignkit.decision_log._lifecycle import (
    ERASED,
    MOVES,
    UNAVAILABLE,
    Consultation,
    DecisionRecord,
    DecisionState,
    Escalation,
    Move,
    TextRef,
    mermaid_diagram,
)
from alignkit.decision_log._log import CATEGORY, DecisionLog
from alignkit.decision_log._missing import MissingInput
from alignkit.decision_log._parties import MemberLike, TeamLike
from alignkit.decision_log._section import DecisionLogSection, DecisionThresholds
from alignkit.decision_log._texts import MemoryTextStore, SQLiteTextStore, TextStore
from alignkit.decision_log._texts_postgres import PostgresTextStore
from alignkit.errors import DecisionBlocked

__all__ = [
    "CATEGORY",
    "CSV_COLUMNS",
    "ERASED",
    "IMPORTED_COLUMNS",
    "MOVES",
    "UNAVAILABLE",
    "ChainHead",
    "ChainProblem",
    "Consultation",
    "DecisionBlocked",
    "DecisionLog",
    "DecisionLogSection",
    "DecisionRecord",
    "DecisionState",
    "DecisionThresholds",
    "Escalation",
    "LatencyStats",
    "MemberLike",
    "MemoryTextStore",
    "MissingInput",
    "Move",
    "PostgresTextStore",
    "SQLiteTextStore",
    "TeamLike",
    "TextRef",
    "TextStore",
    "VerifyResult",
    "mermaid_diagram",
]

# DecisionBlocked lives in alignkit.errors, beside GateBlocked: it is shown there.
publish(globals(), [name for name in __all__ if name != "DecisionBlocked"])
