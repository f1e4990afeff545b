"""The decision log as CSV: every event for auditors, and a history read back in.

One row per event. :data:`CSV_COLUMNS` are the columns written; an import reads
those in :data:`IMPORTED_COLUMNS` and works the others out again.

The reader plans each row with the log's own checks (its private ``_plan_*``
methods), so an imported history obeys the rules the live log does.
"""
# ruff: noqa: SLF001

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable
from typing import IO, TYPE_CHECKING, Final

from alignkit._suggest import suggest
from alignkit.decision_log._lifecycle import MOVES, DecisionRecord, names_in
from alignkit.decision_log._planning import Planner, Step, supersede_problem
from alignkit.diagnostics import Location
from alignkit.errors import (
    AlignkitError,
    PermissionDenied,
    Problem,
    SpecError,
    TransitionError,
    UnknownNameError,
)

if TYPE_CHECKING:
    import os


__all__ = ["CSV_COLUMNS", "IMPORTED_COLUMNS", "read_history", "write_events"]

CSV_COLUMNS: Final = (
    "record",
    "version",
    "kind",
    "actor",
    "at",
    "decision",
    "category",
    "text",
    "rationale",
    "agrees",
    "on_behalf_of",
    "people",
    "settled_by",
    "superseded_by",
    "authority",
    "event_id",
    "hash",
)
"""The columns of :meth:`~alignkit.decision_log.DecisionLog.to_csv`, one row per event.

``text`` is the event's free text (the summary of a proposal, the opinion of a
consultation, the reason of an escalation or a withdrawal, the outcome of a decision);
``agrees`` is ``yes``, ``no`` or blank; ``people`` lists the people informed,
separated by ``;``.
"""

IMPORTED_COLUMNS: Final = (
    "record",
    "kind",
    "actor",
    "at",
    "decision",
    "text",
    "rationale",
    "agrees",
    "on_behalf_of",
    "people",
    "superseded_by",
)
"""The columns :meth:`~alignkit.decision_log.DecisionLog.import_csv` reads.

The others are export-only: the log works them out again.
"""

_REQUIRED: Final = ("record", "kind", "actor", "at")

_AGREES: Final = {"": None, "yes": True, "true": True, "no": False, "false": False}

_ARGUMENT_COLUMNS: Final = {
    "decision_id": "decision",
    "proposer": "actor",
    "actor": "actor",
    "summary": "text",
    "opinion": "text",
    "reason": "text",
    "outcome": "text",
    "rationale": "rationale",
    "agrees": "agrees",
    "on_behalf_of": "on_behalf_of",
    "people": "people",
    "at": "at",
    "new_record_id": "superseded_by",
}
"""The column holding each argument of a move, for placing a refusal in the sheet."""


# -- writing -------------------------------------------------------------------------------


def write_events(records: Iterable[DecisionRecord]) -> str:
    """Every event of ``records`` as CSV, record by record (texts as they read now)."""
    from alignkit._csvsafe import SafeCsvWriter

    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(CSV_COLUMNS)
    for record in records:
        consulted = escalated = 0
        for event in record.history:
            cells = dict.fromkeys(CSV_COLUMNS, "")
            kind = event.kind
            if kind == "proposed":
                cells["text"] = record.summary
            elif kind == "consulted":
                consultation = record.consultations[consulted]
                consulted += 1
                cells["text"] = consultation.opinion
                cells["agrees"] = {True: "yes", False: "no", None: ""}[consultation.agrees]
                cells["on_behalf_of"] = consultation.on_behalf_of or ""
            elif kind == "escalated":
                escalation = record.escalations[escalated]
                escalated += 1
                cells["text"] = escalation.reason
                cells["settled_by"] = escalation.settled_by
            elif kind == "decided":
                cells["text"] = record.outcome
                cells["rationale"] = record.rationale
                cells["authority"] = record.authority or ""
            elif kind == "informed":
                # As the record reads it: a list of names, anything else as none.
                cells["people"] = ";".join(names_in(event.data.get("people")))
            elif kind == "withdrawn":
                cells["text"] = record.withdrawal_reason
            elif kind == "superseded":
                cells["superseded_by"] = str(event.data.get("by", ""))
            cells.update(
                record=record.record_id,
                version=str(event.version),
                kind=kind,
                actor=event.actor,
                at=event.at.isoformat(),
                decision=record.decision_id,
                category=record.category or "",
                event_id=event.event_id,
                hash=str(event.data.get("hash", "")),
            )
            writer.writerow(cells.values())
    return out.getvalue()


# -- reading -------------------------------------------------------------------------------

Planned = list[tuple[str, list[tuple[Step, dt.datetime]]]]
"""Each record to import, in order, with its steps and their times."""


class _Row:
    """One row being read: its cells by column, and where each cell is."""

    def __init__(
        self, name: str, row: int, line: int, cells: list[str], columns: dict[str, int]
    ) -> None:
        from alignkit._csvsafe import unescape_cell

        self.name, self.row, self.line = name, row, line
        self.cells, self.columns = cells, columns
        self._unescape = unescape_cell

    def __getitem__(self, column: str) -> str:
        index = self.columns.get(column)
        return self._unescape(self.cells[index]) if index is not None else ""

    def id(self, column: str) -> str:
        return self[column].strip()

    def at(self, column: str) -> Location:
        index = self.columns.get(column)
        return Location(
            self.name,
            row=self.row,
            line=self.line,
            column=None if index is None else index + 1,
            path=(column,),
        )

    def problem(self, column: str, message: str) -> Problem:
        return Problem(message, self.at(column))


def _header(name: str, header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    problems: list[Problem] = []
    for index, cell in enumerate(header):
        key = cell.strip().lower()
        where = Location(name, row=1, line=1, column=index + 1)
        if key not in CSV_COLUMNS:
            close = suggest(key, CSV_COLUMNS)
            hint = (
                f"did you mean {close!r}?" if close else "the columns are " + ", ".join(CSV_COLUMNS)
            )
            problems.append(Problem(f"Unknown column {cell.strip()!r}; {hint}", where))
        elif key in columns:
            problems.append(Problem(f"Column {key!r} appears twice", where))
        else:
            columns[key] = index
    missing = [column for column in _REQUIRED if column not in columns]
    if missing:
        problems.append(
            Problem(
                "Missing column" + ("s " if len(missing) > 1 else " ") + ", ".join(missing),
                Location(name, row=1, line=1, column=1),
            )
        )
    if problems:
        raise SpecError(problems)
    return columns


def _when(row: _Row) -> dt.datetime | Problem:
    text = row.id("at")
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return row.problem("at", f"`at` must be a date and time (ISO 8601), got {text!r}")
    if when.tzinfo is None or when.utcoffset() is None:
        return row.problem(
            "at", f"`at` must say its offset from UTC (2026-11-23T09:00:00+00:00), got {text!r}"
        )
    return when


def _located(error: AlignkitError, row: _Row, values: dict[str, str]) -> list[Problem]:
    """``error``, raised by a move planned from ``row``, placed at the cell it is about."""
    if isinstance(error, SpecError):
        return [
            row.problem(_column_of(problem.location.path), problem.message)
            for problem in error.problems
        ]
    column = "actor"
    if isinstance(error, TransitionError):
        column = "kind"
    elif isinstance(error, UnknownNameError):
        column = next(
            (c for c in ("actor", "on_behalf_of", "superseded_by") if values.get(c) == error.name),
            "people",
        )
    elif isinstance(error, PermissionDenied) and values.get("on_behalf_of"):
        column = "on_behalf_of"
    return [row.problem(column, str(error))]


def _column_of(path: tuple[object, ...]) -> str:
    first = path[0] if path else None
    return _ARGUMENT_COLUMNS.get(first, "record") if isinstance(first, str) else "record"


def read_history(source: str | os.PathLike[str] | IO[str], log: Planner) -> Planned:
    """Read and check a history; every bad row is reported at once, as one ``SpecError``."""
    from alignkit._csvio import read_table, width_problem

    name, header, rows, problems = read_table(source)
    columns = _header(name, header)
    width = len(header)
    records: dict[str, DecisionRecord] = {}
    planned: dict[str, list[tuple[Step, dt.datetime]]] = {}
    broken: set[str] = set()
    deferred: list[Callable[[], Problem | None]] = []
    for csv_row in rows:
        if len(csv_row.cells) != width:
            problems.append(
                width_problem(len(csv_row.cells), width, name, csv_row.row, csv_row.line)
            )
            continue
        row = _Row(name, csv_row.row, csv_row.line, csv_row.cells, columns)
        record_id, kind = row.id("record"), row.id("kind")
        found: list[Problem] = []
        if not record_id:
            found.append(row.problem("record", "A row needs the id of its record"))
        if kind == "erased":
            found.append(
                row.problem(
                    "kind",
                    "An erasure cannot be imported: leave the row out (the texts it erased "
                    "read [erased])",
                )
            )
        elif kind not in _KINDS:
            close = suggest(kind, _KINDS)
            hint = f"; did you mean {close!r}?" if close else f"; one of {', '.join(_KINDS)}"
            found.append(row.problem("kind", f"Unknown kind {kind!r}{hint}"))
        if not row.id("actor") and kind != "informed":
            found.append(row.problem("actor", "A row needs who acted (`actor`)"))
        when = _when(row)
        if isinstance(when, Problem):
            found.append(when)
        if found or not isinstance(when, dt.datetime):
            problems.extend(found)
            broken.add(record_id)
            continue
        if record_id in broken:
            continue  # its state is unknown after a bad row: fix that one first
        try:
            step, check = _plan(log, records.get(record_id), record_id, kind, row, when)
        except AlignkitError as error:
            values = {c: row.id(c) for c in ("actor", "on_behalf_of", "superseded_by")}
            problems.extend(_located(error, row, values))
            broken.add(record_id)
            continue
        before = records.get(record_id)
        records[record_id] = log._planned_record(before, record_id, step, when)
        planned.setdefault(record_id, []).append((step, when))
        if check is not None and before is not None:
            deferred.append(_deferred(check, before, records, log, row))
    problems.extend(problem for check in deferred if (problem := check()) is not None)
    if problems:
        raise SpecError(sorted(problems, key=lambda p: p.location.row or 0))
    return list(planned.items())


_KINDS: Final = tuple(move.records for move in MOVES.values() if move.listed)


def _plan(
    log: Planner,
    record: DecisionRecord | None,
    record_id: str,
    kind: str,
    row: _Row,
    when: dt.datetime,
) -> tuple[Step, str | None]:
    """The step a row records, checked; with the record to check it supersedes, if any."""
    actor = row.id("actor")
    if kind == "proposed":
        if (
            record is not None
            or log._streams.history(record_id)
            or log._streams.catch_up(record_id)
        ):
            raise SpecError.single(
                f"Record {record_id} is proposed already", Location(path=("record_id",))
            )
        step = log._plan_propose(row.id("decision"), actor, row["text"], when)
        step.data["imported"] = True
        return step, None
    if record is None:
        raise SpecError.single(
            f"Record {record_id} was not proposed: its first row must be a `proposed` one",
            Location(path=("record_id",)),
        )
    move = next(name for name, m in MOVES.items() if m.records == kind)
    allowed = record.allowed_moves()
    if move not in allowed:
        raise TransitionError.for_move(record.state.name, move, allowed)
    decision = row.id("decision")
    if decision and decision != record.decision_id:
        raise SpecError.single(
            f"Record {record_id} decides `{record.decision_id}`, not `{decision}`",
            Location(path=("decision_id",)),
        )
    if when < record.last_event_at:
        raise SpecError.single(
            f"`at` is before the record's previous row ({record.last_event_at.isoformat()}); "
            "give a record's rows in the order they happened",
            Location(path=("at",)),
        )
    return _plan_move(log, record, kind, actor, row, when)


def _plan_move(
    log: Planner,
    record: DecisionRecord,
    kind: str,
    actor: str,
    row: _Row,
    when: dt.datetime,
) -> tuple[Step, str | None]:
    text = row["text"]
    if kind == "consulted":
        agrees_text = row.id("agrees").lower()
        if agrees_text not in _AGREES:
            raise SpecError.single(
                f"`agrees` must be yes, no or blank, got {row.id('agrees')!r}",
                Location(path=("agrees",)),
            )
        on_behalf_of = row.id("on_behalf_of") or None
        return log._plan_consult(record, actor, text, _AGREES[agrees_text], on_behalf_of), None
    if kind == "escalated":
        return log._plan_escalate(record, actor, text, when), None
    if kind == "decided":
        settled_by = record.settled_by
        if not (settled_by is not None and actor in log._parties.settlers(settled_by)):
            log._parties.person(actor, "decider")
        step = log._plan_decide(record, actor, text, row["rationale"], when, history=True)
        return step, None
    if kind == "informed":
        people = [p.strip() for p in row["people"].split(";") if p.strip()]
        return log._plan_inform(record, people, actor or None), None
    if kind == "withdrawn":
        return log._plan_withdraw(record, actor, text, when), None
    # superseded: the new record may come later in the sheet; checked at the end
    new_record_id = row.id("superseded_by")
    if not new_record_id:
        raise SpecError.single(
            "A `superseded` row names the record that supersedes it (`superseded_by`)",
            Location(path=("new_record_id",)),
        )
    if not log.rights.can_decide(actor, record.decision_id, log.org, when):
        raise PermissionDenied(
            f"Only who may decide `{record.decision_id}` may supersede a decision on it; "
            f"`{actor}` may not",
            actor=actor,
            action="supersede",
        )
    return Step("superseded", actor, {"by": new_record_id}, {}, None), new_record_id


def _deferred(
    new_record_id: str,
    old: DecisionRecord,
    records: dict[str, DecisionRecord],
    log: Planner,
    row: _Row,
) -> Callable[[], Problem | None]:
    """The check of a supersession, once every row is read."""

    def check() -> Problem | None:
        new = records.get(new_record_id)
        if new is None:
            try:
                new = log._current(new_record_id)
            except UnknownNameError as error:
                return row.problem("superseded_by", str(error))
        problem = supersede_problem(old, new)
        return None if problem is None else row.problem("superseded_by", problem)

    return check
