"""Decision rights: who decides, who does the work, who must agree, be consulted or informed.

A :class:`DecisionRights` matrix holds :class:`Decision` rows, each with exactly one
accountable party *by type*, and reads and writes the letters of a :class:`Scheme`
(RACI, RAPID, DACI or your own).
Queries go through an index built once, so asking who may decide never scans the
matrix; :meth:`DecisionRights.explain_decision` and :meth:`DecisionRights.explain_party`
answer who decides and why, and what a party may do, as values for a report or a
service; :meth:`DecisionRights.lint` reports what is valid but unwise (codes ``DR…``).

>>> from alignkit.decision_rights import DecisionRights, Role, Scheme
>>> rights = DecisionRights.from_table(
...     {
...         "launch-customer-data-integration": {
...             "Marketing": "A", "IT": "R", "Sales": "C", "Finance": "I",
...         },
...         "approve-discount": {"vp-sales": "A/R", "Finance": "C"},
...     },
...     scheme=Scheme.RACI,
... )
>>> rights.accountable("launch-customer-data-integration")
'Marketing'
>>> sorted(rights.decisions_for("Finance", Role.CONSULTED))
['approve-discount']
>>> rights.can_decide("vp-sales", "approve-discount")
True

The same letter means different things in different schemes: in RAPID, ``A`` is
*Agree* (a veto) and ``D`` is *Decide*.

>>> Scheme.RAPID.role("A"), Scheme.RACI.role("A")
(<Role.AGREE: 'agree'>, <Role.ACCOUNTABLE: 'accountable'>)

Added in 0.1.
"""

from __future__ import annotations

from alignkit._exports import publish
from alignkit.decision_rights._area import DecisionRightsLint
from alignkit.decision_rights._decision import Decision, Delegation
from alignkit.decision_rights._escalation import EscalationPath
from alignkit.decision_rights._explain import (
    Authority,
    DecisionExplanation,
    GroupRoles,
    Involvement,
    PartyExplanation,
    RoleHolders,
)
from alignkit.decision_rights._matrix import DecisionRights
from alignkit.decision_rights._scheme import ROLE_ORDER, Role, Scheme, parse_cell

__all__ = [
    "ROLE_ORDER",
    # the matrix, and its answers: explanations, escalation
    "Authority",
    "Decision",
    "DecisionExplanation",
    "DecisionRights",
    "DecisionRightsLint",
    "Delegation",
    "EscalationPath",
    "GroupRoles",
    "Involvement",
    "PartyExplanation",
    # duties and letters
    "Role",
    "RoleHolders",
    "Scheme",
    "parse_cell",
]

publish(globals(), __all__)
