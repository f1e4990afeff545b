"""The lint of a matrix: what is valid but unwise, as the ``DR`` rules of ``_rules`` say."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from alignkit.decision_rights._decision import Decision, Delegation, decider
from alignkit.decision_rights._index import Index
from alignkit.decision_rights._rules import (
    ACCOUNTABLE_ALSO_CONSULTED,
    ACCOUNTABLE_BOTTLENECK,
    ACCOUNTABLE_FUNCTION_WITHOUT_HEAD,
    CONSULTED_OVERLOAD,
    DECISION_WITHOUT_RESPONSIBLE,
    DELEGATION_UNKNOWN_DECISION,
    DELEGATION_WITHOUT_AUTHORITY,
    ESCALATION_HEAVY,
    FUNCTION_WITHOUT_ROLE,
    UNKNOWN_PARTY,
    UNUSED_CATEGORY,
    VETO_OVERLOAD,
)
from alignkit.decision_rights._scheme import FIELD_NAMES
from alignkit.diagnostics import Diagnostic

if TYPE_CHECKING:
    from alignkit.org import Org

__all__ = ["lint"]


def lint(  # noqa: C901, PLR0912, PLR0915 - one pass per rule, in code order
    index: Index,
    delegations: Sequence[Delegation],
    owners: Mapping[str, str],
    forums: Mapping[str, str],
    org: Org | None,
    *,
    max_consulted: int,
    max_accountable_share: float,
    bottleneck_min_decisions: int,
    max_vetoes: int,
    extra_parties: frozenset[str],
    strategic_scopes: frozenset[str],
) -> Iterator[Diagnostic]:
    """The findings of ``DR001``-``DR012`` on the matrix ``index`` holds, in code order."""
    person_ids = org.person_ids if org is not None else frozenset()
    known = (person_ids | org.function_names | extra_parties) if org is not None else None
    live = [(index.position[k], d) for k, d in index.decisions.items()]

    def unknown(party: str, path: tuple[str | int, ...], what: str) -> Diagnostic | None:
        if known is None or party in known:
            return None
        return unknown_party(party, path, what)

    def unknown_party(party: str, path: tuple[str | int, ...], what: str) -> Diagnostic:
        from alignkit._suggest import suggest

        close = suggest(party, known or ())  # asked only with an org, so `known` is set
        return UNKNOWN_PARTY.diagnostic(
            f"{what} names `{party}`, who is neither a person nor a function in the org",
            path=path,
            target=party,
            hint=f"Did you mean `{close}`?" if close else None,
        )

    # One pass reads each decision once: DR001-DR004 and DR011 are found in it, in
    # order, and what the rules after them need is gathered for them.
    bottlenecks = len(live) >= bottleneck_min_decisions
    held: dict[str, list[int]] = {}  # DR005: each person who decides, and where
    deciding: dict[str, str] = {}  # DR005: who decides for each accountable party
    named: set[str] = set()  # DR006: every party a decision names
    owned: list[tuple[int, Decision, str]] = []  # DR007: decisions whose category has an owner
    vetoes: dict[str, list[int]] = {}  # DR008: each party that must agree, and where
    has_owners = bool(owners)
    # DR011: the functions that are no person's id and have no head to decide.
    headless = (
        {f for f in org.function_names if org.head(f) is None} - person_ids
        if org is not None
        else set()
    )
    for i, d in live:
        decision_id, accountable = d.id, d.accountable
        roles = (d.responsible, d.agree, d.consulted, d.informed)  # in FIELD_NAMES order
        if known is not None:
            if accountable not in known:
                yield unknown_party(
                    accountable, ("decisions", i, "accountable"), f"Decision `{decision_id}`"
                )
            for field, parties in zip(FIELD_NAMES, roles, strict=True):
                if known.issuperset(parties):  # the usual case, checked at once
                    continue
                for k, party in enumerate(parties):
                    if party not in known:
                        yield unknown_party(
                            party, ("decisions", i, field, k), f"Decision `{decision_id}`"
                        )
            named.add(accountable)
            for parties in roles:
                named.update(parties)
        responsible, agree, consulted, informed = roles
        if not responsible:
            yield DECISION_WITHOUT_RESPONSIBLE.diagnostic(
                f"Decision `{decision_id}` has no responsible party",
                path=("decisions", i),
                target=decision_id,
            )
        for field, parties in (("consulted", consulted), ("informed", informed)):
            if accountable in parties:
                k = parties.index(accountable)
                yield ACCOUNTABLE_ALSO_CONSULTED.diagnostic(
                    f"`{accountable}` decides `{decision_id}` and is also listed as {field}",
                    path=("decisions", i, field, k),
                    target=decision_id,
                )
        if len(consulted) > max_consulted:
            yield CONSULTED_OVERLOAD.diagnostic(
                f"Decision `{decision_id}` consults {len(consulted)} parties "
                f"(more than {max_consulted})",
                path=("decisions", i, "consulted"),
                target=decision_id,
            )
        if accountable in headless:
            yield ACCOUNTABLE_FUNCTION_WITHOUT_HEAD.diagnostic(
                f"Decision `{decision_id}` is held by `{accountable}`, "
                "which has no head to take it",
                path=("decisions", i, "accountable"),
                target=decision_id,
            )
        if bottlenecks:
            who = deciding.get(accountable)
            if who is None:
                who = deciding[accountable] = decider(org, accountable) or accountable
            _add(held, who, i)
        if has_owners:
            category = d.category
            owner = owners.get(category) if category is not None else None
            if owner is not None:
                owned.append((i, d, owner))
        for party in agree:
            _add(vetoes, party, i)

    # DR005: bottlenecks, counted by the person who actually decides.
    for who, positions in held.items():
        share = len(positions) / len(live)
        if share > max_accountable_share:
            yield ACCOUNTABLE_BOTTLENECK.diagnostic(
                f"`{who}` decides {len(positions)} of {len(live)} decisions "
                f"({share:.0%}, more than {max_accountable_share:.0%})",
                path=("decisions", positions[0], "accountable"),
                target=who,
            )

    # DR006: parties in the org with no role anywhere.
    if org is not None:
        named_functions = {f for f in org.function_names if f in named}
        for k, function in enumerate(org.functions):
            members = org.members(function.name)
            if function.name in named_functions or any(p.id in named for p in members):
                continue
            if index.position and org.get_function(function.name) is function:
                yield FUNCTION_WITHOUT_ROLE.diagnostic(
                    f"Function `{function.name}` holds no role in any decision",
                    path=("org", "functions", k),
                    target=function.name,
                )

    # DR007: operational decisions taken at the top while an owner exists below.
    if org is not None:
        for i, d, owner in owned:
            if d.scope is not None and d.scope in strategic_scopes:
                continue
            taker = decider(org, d.accountable)
            owner_person = decider(org, owner)
            if (
                taker is not None
                and owner_person is not None
                and owner_person != taker
                and org.manager(taker) is None
                and org.manager(owner_person) is not None
            ):
                yield ESCALATION_HEAVY.diagnostic(
                    f"`{d.id}` is a {d.category} decision taken at the top by `{taker}`, "
                    f"while `{owner}` owns {d.category}",
                    path=("decisions", i, "accountable"),
                    target=d.id,
                    hint=f"Make `{owner}` accountable, or delegate to it",
                )

    # DR008: veto holders on many decisions.
    for party, positions in vetoes.items():
        if len(positions) > max_vetoes:
            yield VETO_OVERLOAD.diagnostic(
                f"`{party}` must agree to {len(positions)} decisions (more than {max_vetoes})",
                path=("decisions", positions[0], "agree"),
                target=party,
            )

    # DR009, DR010: delegations.
    for k, delegation in enumerate(delegations):
        subject = delegation.subject
        if delegation.decision is not None:
            targets: tuple[str, ...] = (
                (delegation.decision,) if delegation.decision in index.decisions else ()
            )
        else:
            targets = index.categories.get(subject, ())
        if not targets:
            kind = "decision" if delegation.decision is not None else "category"
            yield DELEGATION_UNKNOWN_DECISION.diagnostic(
                f"A delegation names the unknown {kind} `{subject}`",
                path=("delegations", k, kind),
                target=subject,
            )
            continue
        if not any(index.accountable[t] == delegation.from_party for t in targets):
            yield DELEGATION_WITHOUT_AUTHORITY.diagnostic(
                f"`{delegation.from_party}` delegates `{subject}` but is not accountable for it",
                path=("delegations", k, "from_party"),
                target=subject,
            )
        found = unknown(delegation.to_party, ("delegations", k, "to_party"), "A delegation")
        if found is not None:
            yield found

    # DR012: owners and forums for categories no decision uses; DR001 for unknown owners.
    for field, configured in (("owners", owners), ("forums", forums)):
        for category, party in configured.items():
            if category not in index.categories:
                yield UNUSED_CATEGORY.diagnostic(
                    f"`{field}` names the category `{category}`, which no decision has",
                    path=(field, category),
                    target=category,
                )
            if field == "owners":
                found = unknown(party, (field, category), f"The owner of `{category}`")
                if found is not None:
                    yield found


def _add(positions: dict[str, list[int]], key: str, position: int) -> None:
    """Add ``position`` to the list of ``key``, making no list it does not keep."""
    found = positions.get(key)
    if found is None:
        positions[key] = [position]
    else:
        found.append(position)
