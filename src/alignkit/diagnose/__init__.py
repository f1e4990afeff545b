"""The diagnosis: which system causes most friction, and the one change to make first.

The systems are incentives, information flow and team structure.

:func:`diagnose` reads the findings of ``alignkit check`` as evidence of friction in
one of the three systems (and, given them, a handoff desk's flag rate and a channel
SLA report), scores each, and recommends one focused change for the system with the
most, with its estimated return from the :mod:`alignkit.silo_cost` model where the
model prices what the change acts on.

>>> from alignkit.alignment_file import loads
>>> from alignkit.diagnose import diagnose
>>> text = '''
... version: 1
... org:
...   functions: [{name: Sales, head: ana}, {name: Operations, head: ben}]
...   people: [{id: ana, name: Ana, function: Sales}, {id: ben, name: Ben, function: Operations}]
... incentives:
...   tensions: [{metrics: [bookings, delivery_margin], reason: Deals at any price}]
... '''
>>> diagnose(loads(text)).score("incentives").score >= 0
True

Added in 0.2.
"""

from __future__ import annotations

from alignkit._exports import publish
from alignkit.diagnose._model import (
    EVIDENCE_CODES,
    SYSTEMS,
    Diagnosis,
    Evidence,
    Recommendation,
    SystemScore,
    diagnose,
)

__all__ = [
    "EVIDENCE_CODES",
    "SYSTEMS",
    "Diagnosis",
    "Evidence",
    "Recommendation",
    "SystemScore",
    "diagnose",
]

publish(globals(), [n for n in __all__ if n not in ("EVIDENCE_CODES", "SYSTEMS")])
