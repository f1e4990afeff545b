"""The indexes a matrix builds once, so that no query scans its decisions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import final

import attrs

from alignkit.decision_rights._decision import Decision, Delegation
from alignkit.decision_rights._scheme import FIELD_NAMES, ROLE_BY_FIELD, Role

__all__ = [
    "Index",
    "PartyIndex",
    "index_decisions",
    "index_delegations",
    "index_parties",
]


@final
@attrs.frozen
class Index:
    """Decisions by id, with where each stands, who is accountable and each category's."""

    decisions: dict[str, Decision]
    """Each id and its decision, in the matrix's order (the first, should an id repeat)."""
    position: dict[str, int]
    """Each id and its decision's place in the matrix."""
    accountable: dict[str, str]
    categories: dict[str, tuple[str, ...]]
    """Each category and the ids of its decisions, in order."""


@final
@attrs.frozen
class PartyIndex:
    """What each party holds: the roles in each decision, and the decisions of each role."""

    roles_of: dict[str, dict[str, frozenset[Role]]]
    by_role: dict[tuple[str, Role], frozenset[str]]


def index_decisions(decisions: Iterable[Decision]) -> Index:
    """The :class:`Index` of ``decisions``."""
    by_id: dict[str, Decision] = {}
    position: dict[str, int] = {}
    categories: dict[str, list[str]] = {}
    for i, decision in enumerate(decisions):
        if decision.id in by_id:
            continue
        by_id[decision.id] = decision
        position[decision.id] = i
        if decision.category is not None:
            categories.setdefault(decision.category, []).append(decision.id)
    return Index(
        decisions=by_id,
        position=position,
        accountable={k: d.accountable for k, d in by_id.items()},
        categories={k: tuple(v) for k, v in categories.items()},
    )


def index_parties(index: Index) -> PartyIndex:
    """The :class:`PartyIndex` of the decisions in ``index``."""
    by_party: dict[str, dict[str, set[str]]] = {}
    for decision in index.decisions.values():
        decision_id = decision.id
        by_party.setdefault(decision.accountable, {}).setdefault(decision_id, set()).add(
            "accountable"
        )
        for field in FIELD_NAMES:
            for party in getattr(decision, field):
                by_party.setdefault(party, {}).setdefault(decision_id, set()).add(field)
    roles_of: dict[str, dict[str, frozenset[Role]]] = {}
    by_role: dict[tuple[str, Role], set[str]] = {}
    for party, held in by_party.items():
        table = roles_of[party] = {}
        for decision_id, fields in held.items():
            roles = frozenset(ROLE_BY_FIELD[f] for f in fields)
            table[decision_id] = roles
            for role in roles:
                by_role.setdefault((party, role), set()).add(decision_id)
    return PartyIndex(roles_of=roles_of, by_role={k: frozenset(v) for k, v in by_role.items()})


def index_delegations(
    index: Index, delegations: Iterable[Delegation]
) -> dict[str, tuple[Delegation, ...]]:
    """Each decision id and the delegations that count for it, in order.

    Only the accountable party's delegations count; a category's reach the decisions
    of that category it is accountable for.
    """
    found: dict[str, list[Delegation]] = {}
    for delegation in delegations:
        targets = (
            (delegation.decision,)
            if delegation.decision is not None
            else index.categories.get(str(delegation.category), ())
        )
        for decision_id in targets:
            if index.accountable.get(decision_id) == delegation.from_party:
                found.setdefault(decision_id, []).append(delegation)
    return {k: tuple(v) for k, v in found.items()}
