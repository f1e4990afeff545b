"""The matrix as tables: a mapping, the spreadsheet a team keeps (CSV), a Markdown table.

Reading gives the decisions as data with every problem found, placed at its row and
column; :func:`validated` then builds the matrix, placing what validation finds at
the row it came from.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any, Final, TypeVar, final

import attrs

from alignkit._csvsafe import unescape_cell
from alignkit.decision_rights._decision import (
    Decision,
    accountable_problem,
    encodable,
    plain_name,
    trusted_decision,
)
from alignkit.decision_rights._scheme import (
    FIELD_NAMES,
    FIELD_OF,
    ROLE_FIELDS,
    ROLE_ORDER,
    Role,
    Scheme,
    parse_cell,
    path_part,
    token_fields,
)
from alignkit.diagnostics import Location
from alignkit.errors import Problem, SpecError

if TYPE_CHECKING:
    from alignkit._csvio import SparseRow

__all__ = [
    "Rows",
    "cells",
    "party_columns",
    "read_csv",
    "read_table",
    "to_csv",
    "to_markdown",
    "to_table",
    "trusted",
    "validated",
]

K = TypeVar("K")
T = TypeVar("T")


@final
@attrs.frozen
class Rows:
    """Decisions read from a table or a sheet, as data not yet validated, and the problems."""

    scheme: Scheme
    decisions: list[dict[str, Any]]
    placed: list[Location | tuple[int, int]]
    """Where each decision was read: a location, or its ``(row, line)`` in ``file``."""
    problems: list[Problem]
    file: str | None = None
    built: tuple[Decision, ...] | None = None
    """The decisions themselves, built as a plain sheet was read (``decisions`` is then
    empty): see :func:`read_csv`."""


# -- reading -----------------------------------------------------------------------------


def read_table(table: Mapping[str, Mapping[str, str]], scheme: Scheme) -> Rows:
    """The decisions of ``{decision_id: {party: "A/R", ...}}``.

    Raises:
        SpecError: ``table`` is not a mapping.
    """
    if not isinstance(table, Mapping):
        raise SpecError.single(
            f"Expected a mapping of decision ids to {{party: letters}}, got {table!r}"
        )
    problems: list[Problem] = []
    decisions: list[dict[str, Any]] = []
    placed: list[Location | tuple[int, int]] = []
    for decision_id, row_cells in table.items():
        where = Location(path=(path_part(decision_id),))
        if not isinstance(decision_id, str):
            problems.append(Problem(f"A decision id is text, not {decision_id!r}", where))
            continue
        row = _table_cells(decision_id, row_cells, where, problems)
        if row is None:
            continue

        def locate(party: str, decision_id: str = decision_id) -> Location:
            return Location(path=(decision_id, party))

        built = _decision_from_cells(decision_id, row, scheme, where, locate, problems)
        if built is not None:
            decisions.append(built)
            placed.append(where)
    return Rows(scheme, decisions, placed, problems)


def read_csv(
    source: str | os.PathLike[str] | IO[str], scheme: Scheme, *, build: bool = False
) -> Rows:
    """The decisions of a sheet: ids down the first column, parties across the header.

    With ``build``, a plain sheet (the usual case, see :func:`_built_decisions`) gives
    its decisions built as they are read, in :attr:`Rows.built`: what :func:`trusted`
    builds from the data of the same sheet, without making that data first.

    Raises:
        SpecError: The file cannot be read, is not UTF-8, or is empty.
    """
    from alignkit._csvio import read_sparse

    # The sheet's cells are let go when this returns, before the matrix is validated.
    name, header, records, problems = read_sparse(source)
    if build:
        built = _built_decisions(name, header, records, problems, scheme)
        if built is not None:
            decisions, placed = built
            return Rows(scheme, [], placed, [], file=name, built=decisions)
    return _read_rows(name, header, records, problems, scheme)


def _read_rows(
    name: str,
    header: list[str],
    rows: Iterable[SparseRow],
    problems: list[Problem],
    scheme: Scheme,
) -> Rows:
    parties, meta = _header_columns(name, header, problems)
    decisions: list[dict[str, Any]] = []
    placed: list[Location | tuple[int, int]] = []  # (row, line), made a Location if needed
    first_row: dict[str, int] = {}
    width = len(header)
    lookup = token_fields(scheme)
    fast = _plain_letters(lookup)
    for item in rows:
        row_cells = item.cells
        decision_id = unescape_cell(row_cells[0][1]) if row_cells and row_cells[0][0] == 0 else ""
        if not decision_id or decision_id in first_row or item.width > width:
            problems.append(_row_problem(name, item, decision_id, first_row, width))
            continue
        first_row[decision_id] = item.row
        if fast:
            simple = _simple_cells(row_cells, parties, meta, lookup)
            if simple is not None:
                found, roles, accountable = simple
                decisions.append({"id": decision_id, **found, **roles, "accountable": accountable})
                placed.append((item.row, item.line))
                continue
        fields: dict[str, str] = {}
        role_cells: list[tuple[str, str, int]] = []
        for j, cell in row_cells:
            named = parties.get(j)
            if named is not None:
                if cell[0] == "'" or ";" in cell:
                    cell = unescape_cell(cell)  # noqa: PLW2901 - the same cell, read
                role_cells.append((named, cell, j))
            elif j in meta:
                fields[meta[j]] = unescape_cell(cell)

        def locate(j: int, item: SparseRow = item) -> Location:
            return Location(name, row=item.row, line=item.line, column=j + 1)

        built = _decision_from_cells(
            decision_id,
            role_cells,
            scheme,
            (item.row, item.line),
            locate,
            problems,
            fields=fields,
            file=name,
        )
        if built is not None:
            decisions.append(built)
            placed.append((item.row, item.line))
    return Rows(scheme, decisions, placed, problems, file=name)


def validated(make: Callable[[dict[str, Any]], T], rows: Rows) -> T:
    """``make({"scheme": ..., "decisions": ...})``: every decision validated at once.

    Raises:
        SpecError: Every problem found reading ``rows``, or else every problem
            validation finds, placed at the row of its decision.
    """
    problems = rows.problems
    if not problems:
        data = rows.decisions if rows.built is None else list(rows.built)
        try:
            return make({"scheme": rows.scheme, "decisions": data})
        except SpecError as error:
            for problem in error.problems:
                path = problem.location.path
                index = path[1] if len(path) > 1 and path[0] == "decisions" else None
                where = rows.placed[index] if isinstance(index, int) else Location()
                problems.append(Problem(problem.message, _place(where, rows.file)))
    raise SpecError(problems)


_META: Final = ("title", "category", "scope")


def trusted(rows: Rows) -> tuple[Decision, ...] | None:
    """The decisions of ``rows``, built without validating them again; ``None`` if unsure.

    Reading has checked every cell already: each decision has one accountable party,
    every letter is the scheme's, no id or party repeats. What it leaves to
    validation is checked here, each party name once: every id and party name is
    plain text (:func:`~alignkit.decision_rights._decision.plain_name`), a category
    or scope is not empty and holds no lone surrogate. Any row that validation might
    refuse, or that does not have the shape reading gives, makes the answer ``None``,
    so :func:`validated` reports it. Otherwise the decisions are equal, field by
    field, to those validation builds, and so is what they were given
    (``model_fields_set``).
    """
    if rows.built is not None:
        return rows.built
    if rows.problems:
        return None
    keys = {"id", "accountable", *_META}
    keys.update(f for r, f in ROLE_FIELDS.items() if rows.scheme.letter(r) is not None)
    plain: set[str] = set()  # party names already seen to be plain
    ids: set[str] = set()
    decisions: list[Decision] = []
    for row in rows.decisions:
        decision_id = row.get("id")
        if not plain_name(decision_id) or decision_id in ids or not keys.issuperset(row):
            return None
        ids.add(decision_id)
        fields = _trusted_fields(decision_id, row, plain)
        if fields is None:
            return None
        decisions.append(trusted_decision(fields, set(row)))
    return tuple(decisions)


def _trusted_fields(
    decision_id: str, row: Mapping[str, Any], plain: set[str]
) -> dict[str, Any] | None:
    """Every field of the decision ``row`` gives, in order, or ``None`` if unsure."""
    fields: dict[str, Any] = {"id": decision_id}
    if not _trusted_meta(row, fields):
        return None
    fields["title"] = fields["title"] or decision_id
    accountable = row.get("accountable")
    if not _plain_parties((accountable,), plain):
        return None
    fields["accountable"] = accountable
    for field in FIELD_NAMES:
        named = row.get(field)
        if type(named) is list:
            if not _plain_parties(named, plain):
                return None
            fields[field] = tuple(named)
        elif named is None and field not in row:
            fields[field] = ()
        else:  # not the list reading gives
            return None
    return fields


def _trusted_meta(row: Mapping[str, Any], fields: dict[str, Any]) -> bool:
    """Copy the title, category and scope of ``row`` into ``fields``; ``False`` if unsure."""
    for field in _META:
        value = row.get(field)
        if value is None:
            if field == "title" and field in row:  # a title is text, never None
                return False
        # A title is any text; a category or scope has a length to check.
        elif type(value) is not str or (field != "title" and (value == "" or not encodable(value))):
            return False
        fields[field] = value
    return True


def _plain_parties(parties: Sequence[object], plain: set[str]) -> bool:
    """True if every party is a plain name and none repeats; each name is checked once."""
    for party in parties:
        if type(party) is not str or party not in plain:
            if not plain_name(party):
                return False
            plain.add(party)
    return len(parties) <= 1 or len(set(parties)) == len(parties)


def _header_columns(
    name: str, header: list[str], problems: list[Problem]
) -> tuple[dict[int, str], dict[int, str]]:
    """Column -> party, and column -> metadata field, from a sheet's header row."""
    parties: dict[int, str] = {}
    meta: dict[int, str] = {}
    seen: dict[str, int] = {}
    for j, raw in enumerate(header[1:], start=1):
        text = raw  # stripped already, unless quoted
        where = Location(name, row=1, line=1, column=j + 1)
        if text.startswith("#"):
            field = text[1:].strip().lower()
            if field in {"title", "category", "scope"}:
                meta[j] = field
            else:
                problems.append(
                    Problem(
                        f"Unknown column {text!r}; #title, #category and #scope are read",
                        where,
                    )
                )
            continue
        party = unescape_cell(text)
        if not party:
            problems.append(Problem("A party column has no name", where))
        elif party in seen:
            problems.append(
                Problem(f"Party `{party}` has two columns (first column {seen[party] + 1})", where)
            )
        else:
            seen[party] = j
            parties[j] = party
    return parties, meta


def _table_cells(
    decision_id: str, cells: object, where: Location, problems: list[Problem]
) -> list[tuple[str, str, str]] | None:
    """One decision's ``{party: letters}`` as cells, or ``None`` if any is not text."""
    if not isinstance(cells, Mapping):
        problems.append(
            Problem(
                f"Decision `{decision_id}` needs a mapping of parties to letters, not {cells!r}",
                where,
            )
        )
        return None
    row: list[tuple[str, str, str]] = []
    ok = True
    for party, cell in cells.items():
        at = Location(path=(decision_id, path_part(party)))
        if not isinstance(party, str):
            problems.append(Problem(f"A party is named by text, not {party!r}", at))
            ok = False
        elif not isinstance(cell, str):
            problems.append(
                Problem(f'The cell for `{party}` holds letters as text ("A/R"), not {cell!r}', at)
            )
            ok = False
        else:
            row.append((party, cell, party))
    return row if ok else None


def _simple_cells(
    cells: list[tuple[int, str]],
    parties: Mapping[int, str],
    meta: Mapping[int, str],
    lookup: Mapping[str, str],
) -> tuple[dict[str, str], dict[str, list[str]], str] | None:
    """A sheet's row when each role cell is one letter and one party decides.

    Returns the row's ``#title``, ``#category`` and ``#scope``, the parties of each
    role but accountable in column order, and the accountable party. Most rows are
    so; any other row gives ``None``, for the general path to read and to report on.
    Both give the same data for a row this one reads.
    """
    found: dict[str, str] = {}
    roles: dict[str, list[str]] = {}
    accountable = None
    for j, cell in cells:
        party = parties.get(j)
        if party is None:
            field = meta.get(j)
            if field is not None:
                found[field] = unescape_cell(cell)
            continue
        field = lookup.get(cell)
        if field is None:
            return None
        if field == "accountable":
            if accountable is not None:
                return None
            accountable = party
            continue
        named = roles.get(field)
        if named is None:
            roles[field] = [party]
        else:
            named.append(party)
    if accountable is None:
        return None
    return found, roles, accountable


def _plain_letters(lookup: Mapping[str, str]) -> bool:
    """True if no letter is one that unescaping a cell could change (``'``, ``;``)."""
    return not any(token[:1] == "'" or ";" in token for token in lookup)


def _built_decisions(
    name: str,
    header: list[str],
    records: Sequence[SparseRow],
    problems: list[Problem],
    scheme: Scheme,
) -> tuple[tuple[Decision, ...], list[Location | tuple[int, int]]] | None:
    """The decisions of a plain sheet, each built as its row is read, and their rows.

    A sheet is plain when nothing in it is a problem, every party and id is a plain
    name, every row is one :func:`_simple_cells` reads and each category and scope
    can be stored: the sheets whose rows :func:`trusted` vouches for. The decisions
    are the ones it builds from the rows' data, made without that data (a dict and
    lists for each row, all at once), which also spares the garbage collector. Any
    other sheet gives ``None``, to be read as data.
    """
    if problems:
        return None
    found: list[Problem] = []
    parties, meta = _header_columns(name, header, found)
    lookup = token_fields(scheme)
    if found or not _plain_letters(lookup) or not all(map(plain_name, parties.values())):
        return None
    width = len(header)
    ids: set[str] = set()
    decisions: list[Decision] = []
    placed: list[Location | tuple[int, int]] = []
    for item in records:
        cells = item.cells
        if item.width > width or cells[0][0] != 0:
            return None
        decision_id = unescape_cell(cells[0][1])
        simple = _simple_cells(cells, parties, meta, lookup)
        if simple is None or decision_id in ids or not plain_name(decision_id):
            return None
        ids.add(decision_id)
        given, roles, accountable = simple
        fields: dict[str, Any] = {"id": decision_id}
        if not _trusted_meta(given, fields):
            return None
        fields["title"] = fields["title"] or decision_id
        fields["accountable"] = accountable
        for field in FIELD_NAMES:
            named = roles.get(field)
            fields[field] = () if named is None else tuple(named)
        decisions.append(trusted_decision(fields, {"id", "accountable", *given, *roles}))
        placed.append((item.row, item.line))
    return tuple(decisions), placed


def _row_problem(
    name: str, item: SparseRow, decision_id: str, first_row: Mapping[str, int], width: int
) -> Problem:
    """Why a sheet's row cannot be read as a decision: no id, a repeated id, too wide."""
    where = Location(name, row=item.row, line=item.line, column=1)
    if not decision_id:
        return Problem("The decision id is empty", where)
    if decision_id in first_row:
        return Problem(
            f"Decision `{decision_id}` has two rows (first on row {first_row[decision_id]})",
            where,
        )
    from alignkit._csvio import width_problem

    return width_problem(item.width, width, name, item.row, item.line)


def _place(where: Location | tuple[int, int], file: str | None) -> Location:
    """A decision's location, from a sheet's ``(row, line)`` if need be."""
    if isinstance(where, Location):
        return where
    row, line = where
    return Location(file, row=row, line=line, column=1)


def _decision_from_cells(
    decision_id: str,
    cells: list[tuple[str, str, K]],
    scheme: Scheme,
    where: Location | tuple[int, int],
    locate: Callable[[K], Location],
    problems: list[Problem],
    *,
    fields: Mapping[str, str] | None = None,
    file: str | None = None,
) -> dict[str, Any] | None:
    """One decision's row as data, or ``None`` with its problems recorded.

    ``where`` is the decision's location, or its ``(row, line)`` in ``file``.
    """
    lookup = token_fields(scheme)
    roles: dict[str, list[str]] = {}
    accountable_at: list[K] = []
    ok = True
    for party, cell, key in cells:
        field = lookup.get(cell) or lookup.get(cell.strip().upper())
        if field is not None:  # the common case: one letter
            named = roles.get(field)
            if named is None:
                roles[field] = [party]
            else:
                named.append(party)
            if field == "accountable":
                accountable_at.append(key)
            continue
        found, unknown = parse_cell(cell, scheme)
        for token in unknown:
            ok = False
            problems.append(
                Problem(
                    f"Unknown letter {token!r} in cell {cell.strip()!r} for `{party}`; "
                    f"{scheme.name.upper()} letters are {', '.join(scheme.letters)}",
                    locate(key),
                )
            )
        for role in ROLE_ORDER:
            if role in found:
                roles.setdefault(FIELD_OF[role], []).append(party)
        if Role.ACCOUNTABLE in found:
            accountable_at.append(key)
    accountable = roles.get("accountable")
    if not accountable:
        problems.append(Problem(accountable_problem(decision_id, []), _place(where, file)))
        return None
    if len(accountable) > 1:
        message = accountable_problem(decision_id, accountable)
        problems.extend(Problem(message, locate(key)) for key in accountable_at)
        return None
    if not ok:
        return None
    row: dict[str, Any] = {"id": decision_id, "accountable": accountable[0]}
    for field in FIELD_NAMES:
        named = roles.get(field)
        if named:
            row[field] = named
    if fields:
        row.update(fields)
    return row


# -- writing -----------------------------------------------------------------------------


def to_table(scheme: Scheme, decisions: Iterable[Decision]) -> dict[str, dict[str, str]]:
    """``{decision_id: {party: letters}}``, as :func:`read_table` reads."""
    return {d.id: dict(cells(scheme, d)) for d in decisions}


def to_csv(scheme: Scheme, decisions: Sequence[Decision]) -> str:
    """The decisions as spreadsheet-safe CSV, as :func:`read_csv` reads."""
    from alignkit._csvsafe import SafeCsvWriter

    parties = party_columns(decisions)
    meta = [
        field
        for field in ("title", "category", "scope")
        if any((getattr(d, field) or "") != (d.id if field == "title" else "") for d in decisions)
    ]
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(
        ["Decision", *(f"#{m}" for m in meta), *parties],
        verbatim=range(1, len(meta) + 1),
    )
    for decision in decisions:
        letters = dict(cells(scheme, decision))
        writer.writerow(
            [
                decision.id,
                *(getattr(decision, m) or "" for m in meta),
                *(letters.get(p, "") for p in parties),
            ]
        )
    return out.getvalue()


def to_markdown(scheme: Scheme, decisions: Sequence[Decision]) -> str:
    """The decisions as a Markdown table, one row each."""
    parties = party_columns(decisions)
    lines = [
        "| " + " | ".join(["Decision", "Title", *map(_md, parties)]) + " |",
        "| " + " | ".join(["---"] * (len(parties) + 2)) + " |",
    ]
    for decision in decisions:
        letters = dict(cells(scheme, decision))
        row = [_md(decision.id), _md(decision.title), *(_md(letters.get(p, "")) for p in parties)]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def party_columns(decisions: Iterable[Decision]) -> list[str]:
    """Every party named, in order of first appearance: the columns of a sheet."""
    return list(dict.fromkeys(p for d in decisions for p in d.all_parties()))


def cells(scheme: Scheme, decision: Decision) -> Iterator[tuple[str, str]]:
    """Each party of ``decision`` and its letters in ``scheme`` (``"A/R"``)."""
    for party in decision.all_parties():
        roles = decision.roles_of(party)
        letters = [scheme.letter(r) for r in ROLE_ORDER if r in roles]
        yield party, "/".join(letter for letter in letters if letter)


_MARKDOWN_ESCAPES: Final = str.maketrans({"\\": "\\\\", "|": "\\|", "\n": "\\n", "\r": "\\r"})


def _md(text: str) -> str:
    r"""``text`` as one Markdown table cell: ``\``, ``|`` and line breaks escaped.

    >>> print(_md("a|b\\c\r\nd"))
    a\|b\\c\r\nd
    """
    return text.translate(_MARKDOWN_ESCAPES)
