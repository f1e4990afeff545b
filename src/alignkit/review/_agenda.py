"""The cross-team review agenda: what a regular review should look at now, most urgent first.

Items come from four sources: the decision log (escalations, vetoes, proposals waiting
too long, decisions taken without their input or not yet told), the incentive map
(conflicts no shared metric covers), the handoff desk (flagged handoffs, and handoffs
not accepted long after Closed-Won), and the findings of ``alignkit check``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol, final

import attrs

from alignkit._time import require_aware
from alignkit.decision_rights._decision import decider
from alignkit.diagnostics import Severity
from alignkit.review._section import AGENDA_SOURCES, AgendaSource, ReviewSection

if TYPE_CHECKING:
    from alignkit.decision_log import DecisionRecord
    from alignkit.diagnostics import Diagnostic, Report
    from alignkit.handoff import Handoff
    from alignkit.org import Org

__all__ = ["ITEM_KINDS", "Agenda", "AgendaItem", "AlignmentLike", "ItemKind", "review_agenda"]

ItemKind = Literal[
    "escalated-decision",
    "vetoed-decision",
    "check-error",
    "flagged-handoff",
    "waiting-decision",
    "decided-without-input",
    "uninformed-decision",
    "incentive-conflict",
    "check-warning",
    "stalled-handoff",
]
"""What an agenda item is about."""

ITEM_KINDS: Final[tuple[ItemKind, ...]] = (
    "escalated-decision",
    "vetoed-decision",
    "check-error",
    "flagged-handoff",
    "waiting-decision",
    "decided-without-input",
    "uninformed-decision",
    "incentive-conflict",
    "check-warning",
    "stalled-handoff",
)
"""Every kind of item, most urgent first: the agenda's order."""

_URGENCY: Final = {kind: rank for rank, kind in enumerate(ITEM_KINDS)}
_OPEN: Final = frozenset({"proposed", "consulting"})
_WAITING_HANDOFF: Final = frozenset({"open", "submitted", "flagged"})
_DAY: Final = dt.timedelta(days=1)


class AlignmentLike(Protocol):
    """What the agenda reads of an alignment file (:class:`~alignkit.alignment_file.AlignmentFile`).

    Added in 0.2.
    """

    @property
    def org(self) -> Org:
        """The organisation."""
        ...  # pragma: no cover - a protocol

    def section(self, key: str) -> Any:  # noqa: ANN401 - each area's own section model
        """The section under ``key``."""
        ...  # pragma: no cover - a protocol

    def check(self, *, at: dt.date | dt.datetime | None = None) -> Report:
        """Every finding of ``alignkit check``."""
        ...  # pragma: no cover - a protocol


class _Log(Protocol):
    """What the agenda reads of a decision log (:class:`alignkit.decision_log.DecisionLog`)."""

    def records(self) -> Iterable[DecisionRecord]: ...  # pragma: no cover - a protocol

    def informed_missing(self, record_id: str) -> Sequence[str]: ...  # pragma: no cover


class _Desk(Protocol):
    """What the agenda reads of a handoff desk (:class:`alignkit.handoff.HandoffDesk`)."""

    sending: str
    receiving: str

    def handoffs(self) -> Iterable[Handoff]: ...  # pragma: no cover - a protocol


@final
@attrs.frozen
class AgendaItem:
    """One thing the review should look at.

    Attributes:
        kind: What it is about (see :data:`ITEM_KINDS`, most urgent first).
        title: One line for people.
        detail: What makes it urgent, in a sentence or two.
        source: Where it came from: ``decisions``, ``incentives``, ``handoffs`` or
            ``findings``.
        ref: What it points at: a decision record, a deal, a pair of functions, or a
            finding's code and place.
        functions: The functions involved, sorted.
        owner: Who should bring it to a close (a person id, a forum), when one is known.
        since: When it started waiting, when that is known.

    Added in 0.2.
    """

    kind: ItemKind
    title: str
    detail: str
    source: AgendaSource
    ref: str
    functions: tuple[str, ...] = ()
    owner: str | None = None
    since: dt.datetime | None = None

    def sort_key(self) -> tuple[int, bool, float, str, str]:
        """Most urgent first; among equals, the longest waiting, then by reference."""
        waited_from = self.since.timestamp() if self.since is not None else 0.0
        return (_URGENCY[self.kind], self.since is None, waited_from, self.ref, self.title)

    def to_data(self) -> dict[str, Any]:
        """As plain JSON data."""
        return {
            "kind": self.kind,
            "title": self.title,
            "detail": self.detail,
            "source": self.source,
            "ref": self.ref,
            "functions": list(self.functions),
            "owner": self.owner,
            "since": self.since.isoformat() if self.since is not None else None,
        }


@final
@attrs.frozen
class Agenda:
    """What a cross-team review should look at, most urgent first.

    Attributes:
        at: The moment the agenda was drawn up for.
        items: Every item, in order: deterministic for the same inputs.
        sources: The sources it drew on.

    Added in 0.2.
    """

    at: dt.datetime
    items: tuple[AgendaItem, ...]
    sources: tuple[AgendaSource, ...] = AGENDA_SOURCES

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[AgendaItem]:
        return iter(self.items)

    def by_kind(self, kind: ItemKind) -> tuple[AgendaItem, ...]:
        """The items of one kind, in agenda order."""
        return tuple(item for item in self.items if item.kind == kind)

    def to_data(self) -> dict[str, Any]:
        """As plain JSON data."""
        return {
            "at": self.at.isoformat(),
            "sources": list(self.sources),
            "items": [item.to_data() for item in self.items],
        }

    def to_json(self) -> str:
        """As JSON text (indented, keys in a fixed order)."""
        import json  # here, not at the top: importing the area needs no json

        return json.dumps(self.to_data(), indent=2, ensure_ascii=False) + "\n"

    def to_markdown(self) -> str:
        """As Markdown, to paste into the review's invitation."""
        lines = [f"# Cross-team review: {self.at:%Y-%m-%d}", ""]
        if not self.items:
            lines += ["Nothing needs the review's attention.", ""]
            return "\n".join(lines)
        count = len(self.items)
        lines += [f"{count} item{'s' if count != 1 else ''}, most urgent first.", ""]
        for number, item in enumerate(self.items, 1):
            marker = f"{number}. "
            lines.append(f"{marker}**{_escape(item.title)}**: {_escape(item.detail)}")
            facts = [f"source: {item.source}"]
            if item.functions:
                facts.append("functions: " + ", ".join(item.functions))
            facts.append(f"owner: {item.owner}" if item.owner else "owner: to be named")
            if item.since is not None:
                waited = (self.at - item.since) // _DAY
                facts.append(
                    f"since {item.since:%Y-%m-%d} ({waited} day{'s' if waited != 1 else ''})"
                )
            # A sub-list indented to the item's text stays inside the numbered item.
            lines.append(" " * len(marker) + "- " + _escape(" · ".join(facts)))
        lines.append("")
        return "\n".join(lines)


def _escape(text: str) -> str:
    """Text that Markdown shows as written: no emphasis, links or HTML from data."""
    out = []
    for char in " ".join(text.split()):
        if char in "\\`*_[]<>|#":
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def review_agenda(
    alignment: AlignmentLike,
    *,
    log: _Log | None = None,
    desk: _Desk | None = None,
    at: dt.datetime,
    findings: Iterable[Diagnostic] | None = None,
) -> Agenda:
    """What a regular cross-team review should look at now, most urgent first.

    Thresholds come from the file: ``decision_log: max_wait_days`` (and its
    per-decision values) for proposals waiting too long, ``review:
    handoff_open_days`` for handoffs not accepted since Closed-Won, and
    ``review: include`` for the sources to draw on.

    Args:
        alignment: The alignment file (its org, rights, plans and findings).
        log: The decision log, if decisions are recorded.
        desk: The handoff desk, if handoffs are tracked.
        at: The moment to judge waits at (timezone-aware).
        findings: The file's findings at ``at``, if already worked out (else the
            file is checked).

    Returns:
        The agenda: the same inputs always give the same items in the same order.

    Raises:
        SpecError: ``at`` is not a timezone-aware datetime.

    Added in 0.2.
    """
    at = require_aware(at)
    review: ReviewSection = alignment.section("review") or ReviewSection()
    sources = tuple(dict.fromkeys(review.include))
    org = alignment.org
    items: list[AgendaItem] = []
    if "decisions" in sources and log is not None:
        items += _decision_items(alignment, log, at)
    if "incentives" in sources:
        items += _incentive_items(alignment)
    if "handoffs" in sources and desk is not None:
        items += _handoff_items(org, desk, at, dt.timedelta(days=review.handoff_open_days))
    if "findings" in sources:
        found = alignment.check(at=at) if findings is None else findings
        items += _finding_items(org, found)
    items.sort(key=AgendaItem.sort_key)
    return Agenda(at, tuple(items), sources)


# -- decisions ---------------------------------------------------------------------------


def _functions(org: Org, parties: Iterable[str | None]) -> tuple[str, ...]:
    """The functions of ``parties``: a function itself, a person's function; sorted."""
    found: set[str] = set()
    for party in parties:
        if party is None:
            continue
        if org.get_function(party) is not None:
            found.add(party)
        else:
            person = org.get_person(party)
            if person is not None:
                found.add(person.function)
    return tuple(sorted(found))


def _decider(org: Org, party: str | None) -> str | None:
    """The person who decides for ``party`` (a function's head), else ``party`` as named."""
    if party is None:
        return None
    return decider(org, party) or party


def _decision_items(alignment: AlignmentLike, log: _Log, at: dt.datetime) -> Iterator[AgendaItem]:
    org = alignment.org
    rights = alignment.section("decision_rights")
    settings = alignment.section("decision_log")
    accountable: Mapping[str, str] = (
        {d.id: d.accountable for d in rights.decisions} if rights is not None else {}
    )
    for record in log.records():
        party = accountable.get(record.decision_id)
        if record.state.value in _OPEN:
            days = settings.max_wait_for(record.decision_id) if settings is not None else 10.0
            item = _open_decision(org, record, party, at - dt.timedelta(days=days), days)
            if item is not None:
                yield item
        elif record.state.value == "decided":
            yield from _decided(org, record, party, tuple(log.informed_missing(record.record_id)))


def _open_decision(
    org: Org, record: DecisionRecord, party: str | None, late: dt.datetime, days: float
) -> AgendaItem | None:
    """The one item of an undecided record: escalated, else vetoed, else waiting too long."""
    involved = [record.proposer, party]
    ref = f"{record.decision_id} ({record.record_id})"
    if record.escalations:
        last = record.escalations[-1]
        return AgendaItem(
            "escalated-decision",
            f"Escalated decision `{record.decision_id}`",
            f"Escalated by {last.raised_by}; {last.settled_by} settles it.",
            "decisions",
            ref,
            _functions(org, [*involved, *last.between, last.settled_by]),
            last.settled_by,
            last.at,
        )
    vetoes = sorted((p, c) for p, c in record.agreements().items() if c.agrees is False)
    if vetoes:
        return AgendaItem(
            "vetoed-decision",
            f"Vetoed decision `{record.decision_id}`",
            "Vetoed by "
            + ", ".join(f"{p} (by {c.person})" for p, c in vetoes)
            + ": agree, or escalate to settle it.",
            "decisions",
            ref,
            _functions(org, [*involved, *(p for p, _ in vetoes)]),
            _decider(org, party),
            min(c.at for _, c in vetoes),
        )
    if record.proposed_at < late:
        return AgendaItem(
            "waiting-decision",
            f"Decision `{record.decision_id}` waiting",
            f"Proposed by {record.proposer}; no decision after more than {days:g} days.",
            "decisions",
            ref,
            _functions(org, involved),
            _decider(org, party),
            record.proposed_at,
        )
    return None


def _decided(
    org: Org, record: DecisionRecord, party: str | None, untold: tuple[str, ...]
) -> Iterator[AgendaItem]:
    """Items of a decided record: taken without its input, or not yet told to everyone."""
    involved = [record.proposer, party, record.decider]
    ref = f"{record.decision_id} ({record.record_id})"
    if record.needs_review:
        missing = ", ".join(str(m) for m in record.decided_without)
        why = f"Decided without: {missing}." if missing else "Decided without the right to."
        yield AgendaItem(
            "decided-without-input",
            f"Decision `{record.decision_id}` taken without its input",
            f"{why} Decided by {record.decider}.",
            "decisions",
            ref,
            _functions(org, involved),
            _decider(org, party),
            record.decided_at,
        )
    if untold:
        yield AgendaItem(
            "uninformed-decision",
            f"Decision `{record.decision_id}` not yet told to everyone",
            f"Still to inform: {', '.join(untold)}.",
            "decisions",
            ref,
            _functions(org, [*involved, *untold]),
            record.decider,
            record.decided_at,
        )


# -- incentives, handoffs, findings ------------------------------------------------------


def _incentive_items(alignment: AlignmentLike) -> Iterator[AgendaItem]:
    from alignkit.incentives._area import incentive_map  # the map only when asked for

    org = alignment.org
    for conflict in incentive_map(alignment).conflicts():
        a, b = conflict.functions
        head_a, head_b = _decider(org, a), _decider(org, b)
        owner = None
        if head_a is not None and head_b is not None:
            common = org.lowest_common_manager(head_a, head_b)
            owner = common.id if common is not None else None
        yield AgendaItem(
            "incentive-conflict",
            f"{a} and {b} are paid against each other",
            f"{a} is paid on {conflict.metrics[0]}, {b} on {conflict.metrics[1]}, "
            f"with no metric in common: {conflict.reason}",
            "incentives",
            f"{a} / {b}",
            tuple(sorted((a, b))),
            owner,
        )


def _handoff_items(
    org: Org, desk: _Desk, at: dt.datetime, open_too_long: dt.timedelta
) -> Iterator[AgendaItem]:
    functions = tuple(sorted({desk.sending, desk.receiving}))
    for handoff in desk.handoffs():
        flags = handoff.open_flags
        owner = handoff.owner or _decider(org, desk.receiving)
        if flags:
            reasons = "; ".join(f"{f.category}: {f.reason}" for f in flags)
            yield AgendaItem(
                "flagged-handoff",
                f"Handoff of deal `{handoff.deal_id}` flagged",
                f"{len(flags)} open red flag{'s' if len(flags) != 1 else ''}: {reasons}",
                "handoffs",
                handoff.deal_id,
                functions,
                owner,
                min(f.raised_at for f in flags),
            )
        elif (
            handoff.state.value in _WAITING_HANDOFF
            and handoff.won_at is not None
            and at - handoff.won_at > open_too_long
        ):
            yield AgendaItem(
                "stalled-handoff",
                f"Handoff of deal `{handoff.deal_id}` not accepted",
                f"Still {handoff.state.value} more than {open_too_long.days} days after "
                "Closed-Won.",
                "handoffs",
                handoff.deal_id,
                functions,
                owner,
                handoff.won_at,
            )


def _finding_items(org: Org, findings: Iterable[Diagnostic]) -> Iterator[AgendaItem]:
    for finding in findings:
        if finding.severity is Severity.ERROR:
            kind: ItemKind = "check-error"
        elif finding.severity is Severity.WARNING:
            kind = "check-warning"
        else:
            continue
        where = str(finding.location) if finding.location is not None else ""
        involved = _functions(org, [finding.target])
        yield AgendaItem(
            kind,
            f"{finding.code} {finding.name or ''}".strip(),
            finding.message,
            "findings",
            f"{finding.code} {where}".strip(),
            involved,
            _decider(org, involved[0]) if len(involved) == 1 else None,
        )
