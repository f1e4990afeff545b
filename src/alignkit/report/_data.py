"""What the report shows, gathered from the alignment file: plain values, no markup.

Rendering (``_render``) turns this into the page; keeping the two apart lets a tool
take the same facts as JSON, and keeps every escaping decision in one place.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs

if TYPE_CHECKING:
    from alignkit.alignment_file import AlignmentFile
    from alignkit.diagnostics import Diagnostic

__all__ = ["MAX_DECISIONS", "MAX_PARTIES", "ReportData", "gather"]

MAX_PARTIES: Final = 80
"""Heatmap rows beyond this are left out: the parties with the most roles are kept."""
MAX_DECISIONS: Final = 300
"""Heatmap columns beyond this are left out: the decisions with the most parties are kept."""

_ROLE_CLASS: Final = {
    "accountable": "a",
    "responsible": "r",
    "agree": "g",
    "consulted": "c",
    "informed": "i",
}


@attrs.frozen
class ReportData:
    """Everything the page shows, as plain values (see :func:`gather`)."""

    title: str
    path: str
    sha256: str
    made_at: str
    headline: str | None
    counts: Mapping[str, int]
    rights: Mapping[str, Any] | None
    org: Sequence[Mapping[str, Any]]
    teams: Sequence[Mapping[str, Any]]
    plans: Sequence[Mapping[str, Any]]
    streams: Sequence[Mapping[str, Any]]
    findings: Sequence[Mapping[str, Any]]
    handoffs: Mapping[str, Any] | None = None
    channels: Sequence[Mapping[str, Any]] | None = None
    incentive_map: Mapping[str, Any] | None = None
    decisions: Mapping[str, Any] | None = None
    agenda: Sequence[Mapping[str, Any]] = ()


def gather(
    alignment: AlignmentFile,
    *,
    text: bytes,
    path: str,
    at: dt.datetime,
    title: str | None,
    store: Any = None,  # noqa: ANN401 - an event store
    sla: Any = None,  # noqa: ANN401 - an SlaReport
) -> ReportData:
    """The facts of ``alignment`` (whose file holds ``text``), as of ``at``."""
    from alignkit.diagnose import diagnose

    findings = list(alignment.check(at=at).diagnostics)
    handoffs = alignment.section("handoffs")
    desk = (
        handoffs.desk(alignment.org, store=store)
        if store is not None and handoffs is not None
        else None
    )
    diagnosis = diagnose(alignment, findings=findings, desk=desk, sla=sla)
    from alignkit.decision_log._section import log_of

    log = log_of(alignment, store) if store is not None else None
    org = alignment.org
    rights = alignment.section("decision_rights")
    teams = alignment.section("teams") or ()
    flagged = _targets(findings)  # each name's findings, for every section's marks
    return ReportData(
        title=title or _default_title(path),
        path=path,
        sha256=hashlib.sha256(text).hexdigest(),
        made_at=at.isoformat(timespec="seconds"),
        headline=diagnosis.headline,
        counts={
            "people": len(org.people),
            "functions": len(org.functions),
            "decisions": len(rights.decisions) if rights is not None else 0,
            "teams": len(teams),
            "findings": len(findings),
        },
        rights=_rights(alignment, flagged, at) if rights is not None else None,
        org=_org_tree(alignment, flagged),
        teams=[_team(team, flagged) for team in teams],
        plans=_plans(alignment),
        streams=_streams(alignment),
        findings=[_finding(f) for f in findings],
        handoffs=_handoffs(desk),
        channels=_channels(sla) if sla is not None else None,
        incentive_map=_incentive_map(alignment),
        decisions=_latency(log),
        agenda=_agenda(alignment, log, desk, at, findings),
    )


def _latency(log: Any) -> dict[str, Any] | None:  # noqa: ANN401 - a DecisionLog
    if log is None:
        return None
    stats = log.latency()
    return {
        "count": stats.count,
        "median_h": _hours(stats.median),
        "by_category": [
            {"category": category or "(none)", "count": c.count, "median_h": _hours(c.median)}
            for category, c in sorted(stats.by_category.items(), key=lambda kv: kv[0] or "")
        ],
    }


def _agenda(
    alignment: AlignmentFile,
    log: Any,  # noqa: ANN401 - a DecisionLog
    desk: Any,  # noqa: ANN401 - a HandoffDesk
    at: dt.datetime,
    findings: Sequence[Diagnostic],
) -> list[dict[str, Any]]:
    from alignkit.review import review_agenda

    agenda = review_agenda(alignment, log=log, desk=desk, at=at, findings=findings)
    return [
        {
            "kind": item.kind,
            "title": item.title,
            "detail": item.detail,
            "functions": list(item.functions),
            "owner": item.owner or "",
            "since": item.since.isoformat(timespec="minutes") if item.since else "",
        }
        for item in agenda
    ]


def _incentive_map(alignment: AlignmentFile) -> dict[str, Any] | None:
    from alignkit.errors import SpecError
    from alignkit.incentives._area import incentive_map

    try:
        found = incentive_map(alignment)
    except SpecError:
        return None  # the findings say why
    return {
        "functions": [
            {
                "function": function,
                "metrics": {m: float(w) for m, w in sorted(found.metrics(function).items())},
                "shared": float(found.shared_outcome_share(function)),
            }
            for function in found.functions
        ],
        "conflicts": [
            {
                "functions": list(c.functions),
                "metrics": list(c.metrics),
                "reason": c.reason,
            }
            for c in found.conflicts()
        ],
    }


def _hours(value: dt.timedelta | None) -> float | None:
    return None if value is None else value.total_seconds() / 3600


def _handoffs(desk: Any) -> dict[str, Any] | None:  # noqa: ANN401 - a HandoffDesk
    if desk is None:
        return None
    handoffs = desk.handoffs()

    def counts(metrics: Any, owner: str | None) -> dict[str, Any]:  # noqa: ANN401
        mine = [h for h in handoffs if owner is None or h.owner == owner]
        return {
            "opened": metrics.opened,
            "submitted": sum(1 for h in mine if h.package is not None),
            "accepted": metrics.accepted,
            "activated": metrics.activated,
            "flag_rate": metrics.flag_rate,
            "median_accept_h": _hours(metrics.median_time_to_accept),
        }

    by_owner = desk.metrics_by_owner()
    return {
        **counts(desk.metrics(), None),
        "owners": [
            {"owner": owner or "(no owner)", **counts(metrics, owner)}
            for owner, metrics in sorted(by_owner.items(), key=lambda kv: kv[0] or "")
        ],
    }


def _channels(sla: Any) -> list[dict[str, Any]]:  # noqa: ANN401 - an SlaReport
    rows = []
    for kind, stats in (("channel", sla.by_channel), ("pair", sla.by_pair)):
        for row in stats:
            key = row.key if isinstance(row.key, str) else " → ".join(row.key)
            rows.append(
                {
                    "kind": kind,
                    "key": key,
                    "messages": row.messages,
                    "within": row.within_sla,
                    "breaches": row.breaches,
                    "open": row.open,
                    "overdue": row.overdue,
                    "median_h": _hours(row.median),
                    "p90_h": _hours(row.p90),
                }
            )
    return rows


def _default_title(path: str) -> str:
    from pathlib import PurePath

    return f"Alignment report: {PurePath(path).name}"


def _targets(findings: Sequence[Diagnostic]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for finding in findings:
        if finding.target:
            found.setdefault(finding.target, []).append(f"{finding.code}: {finding.message}")
    return found


def _rights(
    alignment: AlignmentFile, flagged: Mapping[str, list[str]], at: dt.datetime
) -> dict[str, Any]:
    rights = alignment.section("decision_rights")
    org = alignment.org
    scheme = rights.scheme
    table = rights.to_table()  # {decision: {party: letters}}
    roles_by_letter = {letter: role.value for letter, role in scheme.letters.items()}
    load: dict[str, int] = {}
    for cells in table.values():
        for party in cells:
            load[party] = load.get(party, 0) + 1
    decisions = sorted(rights.decisions, key=lambda d: (-len(table.get(d.id, {})), d.id))
    shown = decisions[:MAX_DECISIONS]
    shown_ids = {d.id for d in shown}
    parties = sorted(load, key=lambda p: (-load[p], p))[:MAX_PARTIES]
    function_of = {p.id: p.function for p in org.people}
    function_names = set(org.function_names)
    team_names = {t.name for t in alignment.section("teams") or ()}
    party_rows = []
    for party in parties:
        kind = (
            "function" if party in function_names else "team" if party in team_names else "person"
        )
        party_rows.append(
            {
                "name": party,
                "kind": kind,
                "function": party if kind == "function" else function_of.get(party, ""),
                "load": load[party],
                "flags": flagged.get(party, []),
            }
        )
    columns = []
    for decision in sorted(shown, key=lambda d: (d.category or "", d.id)):
        cells = table.get(decision.id, {})
        columns.append(
            {
                "id": decision.id,
                "title": decision.title or decision.id,
                "category": decision.category or "",
                "scope": decision.scope or "",
                "load": len(cells),
                "cells": {
                    party: {
                        "letters": letters,
                        "role": _ROLE_CLASS.get(roles_by_letter.get(letters[:1].upper(), ""), "x"),
                    }
                    for party, letters in sorted(cells.items())
                },
                "deciders": sorted(_safe(lambda d=decision: rights.deciders(d.id, org, at))),
                "responsible": list(decision.responsible),
                "agree": list(decision.agree),
                "consult": list(decision.consulted),
                "inform": list(decision.informed),
                "escalation": _escalation(rights, decision.id, org),
                "flags": flagged.get(decision.id, []),
            }
        )
    return {
        "scheme": scheme.name.upper() if scheme.name.isalpha() else scheme.name,
        # Every letter of the scheme, in its own words (RAPID's Perform and Recommend
        # are both "responsible", and each keeps its name).
        "legend": [
            {
                "letter": letter,
                "role": (scheme.words.get(letter) or role.value).lower(),
                "class": _ROLE_CLASS.get(role.value, "x"),
            }
            for letter, role in sorted(
                scheme.letters.items(), key=lambda kv: (list(_ROLE_CLASS).index(kv[1].value), kv[0])
            )
        ],
        "parties": party_rows,
        "decisions": columns,
        "left_out_parties": max(0, len(load) - len(parties)),
        "left_out_decisions": max(0, len(decisions) - len(shown_ids)),
    }


def _safe(work: Any) -> list[str]:  # noqa: ANN401 - a query of the matrix
    """A query's answer as sorted names; an error in the file makes it empty, not fatal."""
    from alignkit.errors import AlignkitError

    try:
        found = work()
    except AlignkitError:
        return []
    return [str(x) for x in found]


def _escalation(rights: Any, decision_id: str, org: Any) -> list[str]:  # noqa: ANN401
    from alignkit.errors import AlignkitError

    try:
        accountable = rights.accountable(decision_id)
        head = org.head(accountable) if accountable in org.function_names else None
        person = head.id if head is not None else accountable
        return [p.id for p in org.manager_chain(person)] if person in org.person_ids else []
    except AlignkitError:
        return []


def _org_tree(alignment: AlignmentFile, flagged: Mapping[str, list[str]]) -> list[dict[str, Any]]:
    org = alignment.org
    heads = {f.head for f in org.functions if f.head}
    known = {p.id for p in org.people}
    children: dict[str | None, list[Any]] = {}
    for person in org.people:
        parent = person.manager if person.manager in known else None
        children.setdefault(parent, []).append(person)

    shown: set[str] = set()

    def node(person: Any) -> dict[str, Any]:  # noqa: ANN401 - a Person
        shown.add(person.id)
        # Each person once: in a reporting cycle, the one who closes it is not repeated.
        below = [p for p in children.get(person.id, []) if p.id not in shown]
        shown.update(p.id for p in below)
        return {
            "id": person.id,
            "name": person.name,
            "function": person.function,
            "head": person.id in heads,
            "span": len(children.get(person.id, [])),
            "flags": flagged.get(person.id, []),
            "reports": [node(p) for p in below],
        }

    roots = children.get(None, [])
    placed = {p.id for p in roots}
    # A reporting cycle has no root: show its people at the top so no one is lost.
    stranded = [p for p in org.people if p.id not in placed and p.manager in known]
    reachable: set[str] = set()

    def mark(person_id: str) -> None:
        for child in children.get(person_id, []):
            if child.id not in reachable:
                reachable.add(child.id)
                mark(child.id)

    for root in roots:
        mark(root.id)
    roots += [p for p in stranded if p.id not in reachable and p.id not in placed]
    return [node(p) for p in roots if p.id not in shown]


def _team(team: Any, flagged: Mapping[str, list[str]]) -> dict[str, Any]:  # noqa: ANN401 - a Team
    model = team.model
    size = len(team.members)
    return {
        "name": team.name,
        "model": model.name,
        "band": f"{model.min_size}-{model.max_size}",
        "size": size,
        "in_band": model.min_size <= size <= model.max_size,
        "functions": sorted({m.function for m in team.members}),
        "autonomy": str(getattr(model.autonomy, "value", model.autonomy)),
        "leader": team.leader or "",
        "mission": team.mission,
        "flags": flagged.get(team.name, []),
    }


def _plans(alignment: AlignmentFile) -> list[dict[str, Any]]:
    from alignkit.errors import SpecError

    plans = []
    for spec in alignment.section("bonus_plans") or ():
        try:
            plan = spec.build()
        except SpecError:
            continue  # the findings say why
        plans.append(
            {
                "name": plan.name,
                "functions": list(spec.functions),
                "components": [
                    {
                        "name": c.name,
                        "scope": str(c.scope),
                        "weight": float(c.weight),
                        "metric": c.metric or "",
                        "curve": _sampled(c.curve),
                        "threshold": None
                        if c.curve.threshold is None
                        else float(c.curve.threshold),
                        "cap": None if c.curve.cap is None else float(c.curve.cap),
                    }
                    for c in plan.components
                ],
            }
        )
    return plans


_SAMPLES: Final = tuple(i / 20 for i in range(31))  # attainment 0% to 150%, by 5%


def _sampled(curve: Any) -> list[tuple[float, float]]:  # noqa: ANN401 - a PayoutCurve
    """The payout factor at each sampled attainment: the curve as it pays, caps included."""
    from decimal import Decimal

    return [(a, float(curve.factor(Decimal(str(a))))) for a in _SAMPLES]


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _streams(alignment: AlignmentFile) -> list[dict[str, Any]]:
    from alignkit.errors import SpecError

    section = alignment.section("value_streams")
    found = []
    for spec in getattr(section, "streams", ()):
        try:
            stream = spec.current_stream()
        except SpecError:
            continue
        starts = _starts(stream)
        steps = [
            {
                "name": step.name,
                "function": step.function,
                "process_h": step.process_time.total_seconds() / 3600,
                "wait_h": step.wait.total_seconds() / 3600,
                "start_h": starts[step.name],
            }
            for step in stream.steps
        ]
        found.append(
            {
                "name": stream.name,
                "lanes": list(dict.fromkeys(step.function for step in stream.steps)),
                "steps": steps,
                "lead_h": stream.lead_time.total_seconds() / 3600,
                "activity_ratio": stream.activity_ratio,
            }
        )
    return found


def _starts(stream: Any) -> dict[str, float]:  # noqa: ANN401 - a ValueStream
    """When each step can start, in hours: once every step it waits for has ended."""
    ends: dict[str, float] = {}
    starts: dict[str, float] = {}
    waiting = list(stream.steps)
    while waiting:  # a stream has no cycles (the value stream rules refuse them)
        later = []
        for step in waiting:
            before = stream.predecessors(step.name)
            if any(name not in ends for name in before):
                later.append(step)
                continue
            start = max((ends[name] for name in before), default=0.0)
            starts[step.name] = start
            ends[step.name] = start + step.lead_time.total_seconds() / 3600
        if len(later) == len(waiting):
            for step in later:  # not expected: place what is left at the start
                starts[step.name] = 0.0
            break
        waiting = later
    return starts


def _finding(finding: Diagnostic) -> dict[str, Any]:
    from alignkit.rules import RULES

    rule = RULES.get(finding.code)
    where = str(finding.location) if finding.location is not None else ""
    path = finding.location.path if finding.location is not None else ()
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        "section": str(path[0]) if path else "file",
        "message": finding.message,
        "where": where,
        "summary": rule.summary if rule is not None else "",
        "hint": finding.hint or "",
    }
