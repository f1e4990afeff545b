"""The indexes a matrix builds once, so that no query scans its decisions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Final, final

import attrs

from alignkit._spec import FrozenDict
from alignkit.decision_rights._decision import Decision, Delegation
from alignkit.decision_rights._scheme import FIELD_NAMES, ROLE_BY_FIELD, Role

if TYPE_CHECKING:
    import datetime as dt

    from alignkit.org import Org

__all__ = [
    "Deciders",
    "Index",
    "PartyIndex",
    "function_heads",
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
    accountable: dict[str, str] = {}
    for i, decision in enumerate(decisions):
        decision_id = decision.id
        if decision_id in by_id:
            continue
        by_id[decision_id] = decision
        position[decision_id] = i
        accountable[decision_id] = decision.accountable
        category = decision.category
        if category is not None:
            categories.setdefault(category, []).append(decision_id)
    return Index(
        decisions=by_id,
        position=position,
        accountable=accountable,
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


_NO_HEADS: Final[FrozenDict[str, str]] = FrozenDict()


def function_heads(org: Org | None) -> FrozenDict[str, str]:
    """Each function of ``org`` whose head is a person in it, and that person's id.

    All that :meth:`~alignkit.decision_rights.DecisionRights.can_decide` reads of an
    org: equal orgs give equal heads, and so do orgs that differ in nothing else. The
    org keeps them with its lookups, so an org asked about again costs nothing here.
    """
    return org.heads() if org is not None else _NO_HEADS


@final
@attrs.frozen
class Deciders:
    """Who may take each decision, for one set of function heads; filled as asked.

    A decision's entry is made the first time it is asked about, so that the first
    question costs no more than any other and a matrix nobody asks about in full is
    never indexed in full.
    """

    heads: Mapping[str, str]
    """Each function and the person who heads it (see :func:`function_heads`)."""
    index: Index
    delegations: dict[str, tuple[Delegation, ...]]
    """Each decision and the delegations that count for it (:func:`index_delegations`)."""
    allowed: dict[str, frozenset[str]] = attrs.field(factory=dict)
    """Each decision asked about and who may take it without a delegation: the
    accountable party as written and, for a function, its head."""
    lent: dict[str, dict[str, dt.datetime | None]] = attrs.field(factory=dict)
    """Each decision asked about that has delegations that count, and each delegate
    (a delegate function's head too) with the end of their latest delegation
    (``None``: open-ended)."""

    def fill(self, decision_id: str) -> frozenset[str] | None:
        """The entry of ``decision_id``, made now; ``None`` for an unknown decision."""
        accountable = self.index.accountable.get(decision_id)
        if accountable is None:
            return None
        heads = self.heads
        delegations = self.delegations.get(decision_id)
        if delegations:
            lent: dict[str, dt.datetime | None] = {}
            for delegation in delegations:
                until = delegation.until
                for delegate in (delegation.to_party, heads.get(delegation.to_party)):
                    if delegate is None:
                        continue
                    if delegate not in lent:
                        lent[delegate] = until
                    else:
                        latest = lent[delegate]
                        lent[delegate] = (
                            None if until is None or latest is None else max(until, latest)
                        )
            # Made before `allowed`, which says the entry is there.
            self.lent[decision_id] = lent
        head = heads.get(accountable)
        allowed = frozenset((accountable,) if head is None else (accountable, head))
        self.allowed[decision_id] = allowed
        return allowed
