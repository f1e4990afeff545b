"""Which system causes most friction, and the one change to make first.

Import from ``alignkit.diagnose``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, Literal, final

import attrs

from alignkit.diagnostics import Severity

if TYPE_CHECKING:
    from alignkit.diagnostics import Diagnostic
    from alignkit.silo_cost import ROI

__all__ = ["SYSTEMS", "Diagnosis", "Evidence", "Recommendation", "SystemScore", "diagnose"]

System = Literal["incentives", "information_flow", "team_structure"]

SYSTEMS: Final[tuple[System, ...]] = ("incentives", "information_flow", "team_structure")
"""The three systems, in the order the playbook names them (it breaks ties)."""

_TITLES: Final[Mapping[System, str]] = {
    "incentives": "Incentives",
    "information_flow": "Information flow",
    "team_structure": "Team structure",
}

EVIDENCE_CODES: Final[Mapping[str, System]] = {
    # Incentives: metrics that pull apart, plans that reward only the individual.
    "IN001": "incentives",
    "BN001": "incentives",
    "BN003": "incentives",
    # Information flow: words, translators, channels and handoff gates.
    "GL001": "information_flow",
    "GL002": "information_flow",
    "GL004": "information_flow",
    "GL005": "information_flow",
    "GL006": "information_flow",
    "CH001": "information_flow",
    "CH005": "information_flow",
    "CH007": "information_flow",
    "HO001": "information_flow",
    # Team structure: single-function teams, autonomy, decision bottlenecks.
    "SQ002": "team_structure",
    "SQ005": "team_structure",
    "SQ006": "team_structure",
    "DR004": "team_structure",
    "DR005": "team_structure",
    "DR007": "team_structure",
    "DR008": "team_structure",
}
"""Which findings of ``alignkit check`` are evidence of friction in which system."""

_WEIGHTS: Final = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.INFO: 1}

_CHANGES: Final[Mapping[System, str]] = {
    "incentives": (
        "Blend the bonus plans: a shared team and company component beside the individual "
        "one (40/30/20/10), and a shared metric for every pair of functions whose metrics "
        "pull apart"
    ),
    "information_flow": (
        "Put the Minimum Viable Handoff in place, ratify the glossary and name a translation "
        "champion for every pair of functions that works together"
    ),
    "team_structure": (
        "Form cross-functional pods around the customer, each with the decision rights it "
        "needs, and spread the decisions that queue behind one person"
    ),
}


@final
@attrs.frozen
class Evidence:
    """One finding that counts as friction in a system, and its weight.

    Added in 0.2.
    """

    system: System
    code: str
    message: str
    where: str
    weight: int


@final
@attrs.frozen
class SystemScore:
    """How much friction one system shows, and the findings behind it.

    Attributes:
        system: ``"incentives"``, ``"information_flow"`` or ``"team_structure"``.
        score: The weights of its evidence added up (error 3, warning 2, info 1; a
            handoff flag rate or SLA breach rate adds up to 10).
        share: Its part of all the friction found (0-1).
        evidence: The findings behind the score.

    Added in 0.2.
    """

    system: System
    score: int
    share: float
    evidence: tuple[Evidence, ...]


@final
@attrs.frozen
class Recommendation:
    """The one change to make first, why, and its estimated return where the model has one.

    Added in 0.2.
    """

    system: System
    change: str
    why: str
    roi: ROI | None


@final
@attrs.frozen
class Diagnosis:
    """The three systems scored, and one recommended change.

    Added in 0.2.
    """

    scores: tuple[SystemScore, ...]
    recommendation: Recommendation | None

    def score(self, system: System) -> SystemScore:
        """The score of ``system``."""
        return next(s for s in self.scores if s.system == system)

    @property
    def headline(self) -> str:
        """The recommendation in one line."""
        if self.recommendation is None:
            return "No friction found in incentives, information flow or team structure."
        title = _TITLES[self.recommendation.system]
        return f"{title} causes most friction: {self.recommendation.change}."

    def to_markdown(self) -> str:
        """The diagnosis as Markdown: the headline, the scores, then the evidence."""
        lines = ["# Diagnosis", "", self.headline, ""]
        recommendation = self.recommendation
        if recommendation is not None:
            lines += [f"Why: {recommendation.why}", ""]
            if recommendation.roi is not None:
                roi = recommendation.roi
                estimate = (
                    f"Estimated return ({roi.change.name}): saves {roi.saving.point:,} a year "
                    f"(range {roi.saving.low:,} to {roi.saving.high:,}) for {roi.cost:,}; "
                    f"net {roi.net.point:,}"
                )
                lines += [estimate, ""]
        lines += ["| system | score | share of friction |", "|---|---|---|"]
        lines += [f"| {_TITLES[s.system]} | {s.score} | {s.share:.0%} |" for s in self.scores]
        for s in self.scores:
            if s.evidence:
                lines += ["", f"## {_TITLES[s.system]}", ""]
                lines += [f"- {e.code} ({e.where}): {e.message}" for e in s.evidence]
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        """The diagnosis as JSON."""
        recommendation = self.recommendation
        data: dict[str, Any] = {
            "headline": self.headline,
            "recommendation": None
            if recommendation is None
            else {
                "system": recommendation.system,
                "change": recommendation.change,
                "why": recommendation.why,
                "return": None
                if recommendation.roi is None
                else {
                    "change": recommendation.roi.change.name,
                    "saving": str(recommendation.roi.saving.point),
                    "cost": str(recommendation.roi.cost),
                    "net": str(recommendation.roi.net.point),
                },
            },
            "scores": [
                {
                    "system": s.system,
                    "score": s.score,
                    "share": s.share,
                    "evidence": [attrs.asdict(e) for e in s.evidence],
                }
                for s in self.scores
            ],
        }
        return json.dumps(data, indent=2) + "\n"


def _counted(evidence: list[Evidence]) -> str:
    """``3 findings: BN001, IN001``, and the measures apart: they are not findings."""
    found = [e for e in evidence if e.where != "measured"]
    measured = [e.code for e in evidence if e.where == "measured"]
    parts = []
    if found:
        codes = ", ".join(sorted({e.code for e in found}))
        parts.append(f"{len(found)} finding{'' if len(found) == 1 else 's'}: {codes}")
    if measured:
        parts.append(f"measured: {', '.join(measured)}")
    return "; ".join(parts)


def _rate_evidence(system: System, code: str, rate: float, what: str) -> Evidence | None:
    weight = math.floor(rate * 10 + 0.5)  # half up: 25% is 3 points, as people round
    if weight <= 0:
        return None
    return Evidence(system, code, f"{rate:.0%} {what}", "measured", weight)


def diagnose(
    alignment: Any,  # noqa: ANN401 - an AlignmentFile, or any view with check(), section() and org
    *,
    desk: Any = None,  # noqa: ANN401 - a HandoffDesk
    sla: Any = None,  # noqa: ANN401 - an SlaReport
    roi_cost: object = 50_000,
    findings: Iterable[Diagnostic] | None = None,
) -> Diagnosis:
    """Score incentives, information flow and team structure, and recommend one change.

    Each system's score adds up the findings of ``alignkit check`` that show friction
    in it (:data:`EVIDENCE_CODES`; error 3, warning 2, info 1); a handoff desk adds its
    flag rate, and an SLA report its breach rate and chat misuse, to information flow.
    The system with the highest score gets the recommendation (ties: incentives, then
    information flow, then team structure). Where the file has a ``silo_cost`` section
    and the change acts on a cost the model prices, its estimated return is an
    :class:`~alignkit.silo_cost.ROI` of ``roi_cost``.

    Args:
        alignment: The alignment file.
        desk: A handoff desk, whose flag rate counts.
        sla: A channel SLA report, whose breaches and misuse count.
        roi_cost: What the recommended change is taken to cost, for its return.
        findings: The file's findings, if already worked out (else it is checked).

    Added in 0.2.
    """
    found = list(findings) if findings is not None else list(alignment.check().diagnostics)
    evidence: dict[System, list[Evidence]] = {system: [] for system in SYSTEMS}
    for finding in found:
        system = EVIDENCE_CODES.get(finding.code)
        if system is None:
            continue
        where = str(finding.location) if finding.location is not None else ""
        evidence[system].append(
            Evidence(system, finding.code, finding.message, where, _WEIGHTS[finding.severity])
        )
    if desk is not None:
        metrics = desk.metrics()
        item = _rate_evidence(
            "information_flow", "handoffs", metrics.flag_rate, "of handoffs were flagged"
        )
        if item is not None:
            evidence["information_flow"].append(item)
    if sla is not None:
        messages = sum(c.messages for c in sla.by_channel)
        breaches = sum(c.breaches for c in sla.by_channel)
        if messages:
            for item in (
                _rate_evidence(
                    "information_flow", "sla", breaches / messages, "of messages missed their SLA"
                ),
                _rate_evidence(
                    "information_flow",
                    "chat-misuse",
                    len(sla.misuse) / messages,
                    "of messages misused chat",
                ),
            ):
                if item is not None:
                    evidence["information_flow"].append(item)
    totals = {system: sum(e.weight for e in evidence[system]) for system in SYSTEMS}
    whole = sum(totals.values())
    scores = tuple(
        SystemScore(
            system,
            totals[system],
            totals[system] / whole if whole else 0.0,
            tuple(evidence[system]),
        )
        for system in SYSTEMS
    )
    if not whole:
        return Diagnosis(scores, None)
    first = max(SYSTEMS, key=lambda s: (totals[s], -SYSTEMS.index(s)))
    why = (
        f"{_TITLES[first]} shows {totals[first] / whole:.0%} of the friction found "
        f"({_counted(evidence[first])}); change that one system first"
    )
    return Diagnosis(
        scores, Recommendation(first, _CHANGES[first], why, _roi(first, alignment, roi_cost))
    )


def _roi(system: System, alignment: Any, cost: object) -> ROI | None:  # noqa: ANN401
    """The return of the recommended change, where the cost model prices what it acts on."""
    if system != "information_flow":
        return None  # the model prices lost time and the handover, not growth or structure
    section = alignment.section("silo_cost")
    if section is None:
        return None
    from alignkit.errors import SpecError
    from alignkit.silo_cost import MVH, ROI

    try:
        return ROI(MVH, section.model(alignment.org), cost)
    except SpecError as error:
        if any(p.location.path[:1] == ("cost",) for p in error.problems):
            raise  # the caller's roi_cost is wrong: say so rather than drop the estimate
        return None  # no customers given (the handover is not priced), or a bad override
