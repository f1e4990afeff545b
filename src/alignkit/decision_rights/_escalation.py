"""Escalation: who settles a disagreement, between two decisions or about one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, final

import attrs

from alignkit.decision_rights._decision import Decision, decider

if TYPE_CHECKING:
    from alignkit.org import Org

__all__ = ["EscalationPath", "escalation_for", "escalation_path"]


@final
@attrs.frozen
class EscalationPath:
    """Who settles a disagreement between the deciders of two decisions, and why.

    Attributes:
        settled_by: The person id or forum that settles it; ``None`` when nobody can.
        kind: ``"same-decider"``, ``"forum"``, ``"manager"`` or ``"none"``.
        deciders: The person (or party) deciding each decision.
        explanation: The path, in words.

    Added in 0.1.
    """

    settled_by: str | None
    kind: str
    deciders: tuple[str | None, str | None]
    explanation: str


def escalation_path(
    first: Decision, second: Decision, forums: Mapping[str, str], org: Org
) -> EscalationPath:
    """Who settles a disagreement between the deciders of ``first`` and ``second``.

    A forum of ``forums`` (category -> forum) for the shared category settles it
    first; otherwise the lowest common manager of the two deciding people, then a
    forum of either category.
    """
    a = decider(org, first.accountable)
    b = decider(org, second.accountable)
    deciders = (a, b)
    who = f"`{first.id}` is decided by {_who(first.accountable, a)}"
    who += f" and `{second.id}` by {_who(second.accountable, b)}"
    if first.category is not None and first.category == second.category:
        forum = forums.get(first.category)
        if forum is not None:
            return EscalationPath(
                forum,
                "forum",
                deciders,
                f"{who}; both are {first.category} decisions, settled by {forum}.",
            )
    if a is not None and a == b:
        return EscalationPath(a, "same-decider", deciders, f"{who}: the same person settles both.")
    if a is not None and b is not None:
        manager = org.lowest_common_manager(a, b)
        if manager is not None:
            path_a = _chain(org, a, manager.id)
            path_b = _chain(org, b, manager.id)
            return EscalationPath(
                manager.id,
                "manager",
                deciders,
                f"{who}; their lowest common manager is `{manager.id}` "
                f"({' → '.join(path_a)}; {' → '.join(path_b)}).",
            )
    for category in (first.category, second.category):
        forum = forums.get(category) if category is not None else None
        if forum is not None:
            return EscalationPath(
                forum,
                "forum",
                deciders,
                f"{who}; they share no manager, so the {category} forum {forum} settles it.",
            )
    return EscalationPath(
        None,
        "none",
        deciders,
        f"{who}; nobody is above both and no forum is configured: "
        "add reporting lines or a forum for the category.",
    )


def escalation_for(
    decision: Decision, forums: Mapping[str, str], person_a: str, person_b: str, org: Org
) -> EscalationPath:
    """Who settles a disagreement about ``decision`` between ``person_a`` and ``person_b``.

    The forum of the decision's category settles it first (``forums``);
    otherwise the lowest common manager of the two people (one of them, if one
    manages the other), so it is settled at the lowest level that can. For a veto,
    the two are the party who vetoed and the decider. ``deciders`` of the result
    holds ``(person_a, person_b)``; ``kind`` is ``"forum"``, ``"manager"`` or
    ``"none"`` (nobody is above both and no forum is configured).

    """
    decision_id = decision.id
    between = f"`{person_a}` and `{person_b}`"
    if decision.category is not None:
        forum = forums.get(decision.category)
        if forum is not None:
            return EscalationPath(
                forum,
                "forum",
                (person_a, person_b),
                f"`{decision_id}` is a {decision.category} decision: {forum} settles "
                f"disagreements about it, here between {between}.",
            )
    manager = org.lowest_common_manager(person_a, person_b)
    if manager is not None:
        return EscalationPath(
            manager.id,
            "manager",
            (person_a, person_b),
            f"The lowest common manager of {between} is `{manager.id}`.",
        )
    return EscalationPath(
        None,
        "none",
        (person_a, person_b),
        f"Nobody is above both {between} and no forum is configured for "
        f"`{decision_id}`'s category: add reporting lines or a forum for the category.",
    )


def _who(party: str, person: str | None) -> str:
    if person is None:
        return f"`{party}` (nobody resolvable)"
    if person == party:
        return f"`{person}`"
    return f"`{person}` (head of {party})"


def _chain(org: Org, start: str, stop: str) -> list[str]:
    out = [start]
    if start == stop:
        return out
    for person in org.manager_chain(start):
        out.append(person.id)
        if person.id == stop:
            break
    return out
