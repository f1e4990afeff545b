"""The lint of a matrix: what is valid but unwise, as the ``DR`` rules of ``_rules`` say."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from alignkit.decision_rights._decision import Delegation, decider
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
        from alignkit._suggest import suggest

        close = suggest(party, known)
        return UNKNOWN_PARTY.diagnostic(
            f"{what} names `{party}`, who is neither a person nor a function in the org",
            path=path,
            target=party,
            hint=f"Did you mean `{close}`?" if close else None,
        )

    for i, d in live:
        found = unknown(d.accountable, ("decisions", i, "accountable"), f"Decision `{d.id}`")
        if found is not None:
            yield found
        for field in FIELD_NAMES:
            for k, party in enumerate(getattr(d, field)):
                found = unknown(party, ("decisions", i, field, k), f"Decision `{d.id}`")
                if found is not None:
                    yield found
        if not d.responsible:
            yield DECISION_WITHOUT_RESPONSIBLE.diagnostic(
                f"Decision `{d.id}` has no responsible party",
                path=("decisions", i),
                target=d.id,
            )
        for field in ("consulted", "informed"):
            if d.accountable in getattr(d, field):
                k = getattr(d, field).index(d.accountable)
                yield ACCOUNTABLE_ALSO_CONSULTED.diagnostic(
                    f"`{d.accountable}` decides `{d.id}` and is also listed as {field}",
                    path=("decisions", i, field, k),
                    target=d.id,
                )
        if len(d.consulted) > max_consulted:
            yield CONSULTED_OVERLOAD.diagnostic(
                f"Decision `{d.id}` consults {len(d.consulted)} parties "
                f"(more than {max_consulted})",
                path=("decisions", i, "consulted"),
                target=d.id,
            )
        if org is not None and d.accountable not in person_ids:
            function = org.get_function(d.accountable)
            if function is not None and org.head(d.accountable) is None:
                yield ACCOUNTABLE_FUNCTION_WITHOUT_HEAD.diagnostic(
                    f"Decision `{d.id}` is held by `{d.accountable}`, which has no head to take it",
                    path=("decisions", i, "accountable"),
                    target=d.id,
                )

    # DR005: bottlenecks, counted by the person who actually decides.
    if len(live) >= bottleneck_min_decisions:
        held: dict[str, list[int]] = {}
        for i, d in live:
            who = decider(org, d.accountable) or d.accountable
            held.setdefault(who, []).append(i)
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
        named = {d.accountable for _, d in live}
        for _, d in live:
            for field in FIELD_NAMES:
                named.update(getattr(d, field))
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
        for i, d in live:
            owner = owners.get(d.category) if d.category is not None else None
            if owner is None or (d.scope is not None and d.scope in strategic_scopes):
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
    vetoes: dict[str, list[int]] = {}
    for i, d in live:
        for party in d.agree:
            vetoes.setdefault(party, []).append(i)
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
