"""Minimum Viable Handoff: quality gates, the handoff lifecycle and blame-free red flags.

The handover from Sales to Operations is where new customers drop off. A
:class:`QualityGate` states what a complete handoff package holds (the default,
:meth:`QualityGate.minimum_viable`, is the MVH: a complete scoping document, a signed
statement of work, a measurable customer success criterion and a named owner).
A :class:`HandoffDesk` opens a handoff when a CRM deal turns Closed-Won and runs its
lifecycle, so acceptance cannot skip the gate and an open red flag pauses it.

>>> import datetime as dt
>>> from alignkit.handoff import Artifact, HandoffPackage, QualityGate, SuccessCriterion
>>> at = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
>>> package = HandoffPackage(
...     deal_id="D-1001",
...     customer="Globex",
...     from_function="Sales",
...     to_function="Operations",
...     owner="ae-1",
...     artifacts=[
...         Artifact("scoping_document", status="complete"),
...         Artifact("sow", status="signed", signed_by="Globex CFO", signed_at=at),
...     ],
...     success_criteria=[SuccessCriterion("Weekly active users", "wau", 200)],
... )
>>> QualityGate.minimum_viable().evaluate(package).passed
True

Added in 0.1.
"""

from __future__ import annotations

from alignkit._exports import publish
from alignkit.handoff._audit import Audit, RecordVerdict
from alignkit.handoff._checks import (
    ArtifactPresent,
    ArtifactSigned,
    Check,
    CheckOutcome,
    CheckSpec,
    CriteriaMeasurable,
    FieldPresent,
    OwnerAssigned,
)
from alignkit.handoff._crm import DealEvent
from alignkit.handoff._desk import HandoffDesk, HandoffMetrics, Notifier, OwnerRule
from alignkit.handoff._gate import QualityGate
from alignkit.handoff._lifecycle import Handoff, HandoffState, RedFlag, mermaid_diagram
from alignkit.handoff._package import (
    DEFAULT_ARTIFACT_KINDS,
    Artifact,
    HandoffPackage,
    SuccessCriterion,
)
from alignkit.handoff._results import GateFailure, GateResult, NamedCheck
from alignkit.handoff._section import GateSpec, HandoffsSection, OwnerRuleSpec

__all__ = [
    "DEFAULT_ARTIFACT_KINDS",
    # packages
    "Artifact",
    "ArtifactPresent",
    "ArtifactSigned",
    # audits of many records
    "Audit",
    # checks
    "Check",
    "CheckOutcome",
    "CheckSpec",
    "CriteriaMeasurable",
    # the CRM trigger
    "DealEvent",
    "FieldPresent",
    "GateFailure",
    "GateResult",
    "GateSpec",
    # the lifecycle
    "Handoff",
    "HandoffDesk",
    "HandoffMetrics",
    "HandoffPackage",
    "HandoffState",
    "HandoffsSection",
    "NamedCheck",
    "Notifier",
    "OwnerAssigned",
    "OwnerRule",
    "OwnerRuleSpec",
    "QualityGate",
    "RecordVerdict",
    "RedFlag",
    "SuccessCriterion",
    "mermaid_diagram",
]

publish(globals(), __all__)
