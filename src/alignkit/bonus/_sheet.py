"""The scores sheet: which columns an HR export must have, and each row checked.

:class:`ScoresSheet` is the one reader of scores: :func:`~alignkit.bonus.read_scores_csv`
and :func:`~alignkit.bonus.compute_payouts_csv` check every row with it, so both refuse
exactly the same sheets, in the same words.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Final

from alignkit._money import ZERO, OtherMarkError, read_number
from alignkit.bonus._plan import BonusPlan, Payout
from alignkit.diagnostics import Location
from alignkit.errors import Problem, SpecError

__all__ = ["Read", "ScoresSheet", "score_column"]

_OPTIONAL_COLUMNS: Final = ("eligible", "eligible_days", "period_days")
_MAX_PROBLEMS: Final = 1000
"""Problems kept from one sheet; beyond them, only how many more there are."""


def _score_columns(
    header: Sequence[str], plan: BonusPlan, name: str
) -> tuple[dict[str, int], list[Problem]]:
    """The place of each column read, and any problem with the header."""
    needed = ["employee_id", "target_bonus", *(c.name for c in plan.components)]
    read = {*needed, *_OPTIONAL_COLUMNS}
    columns: dict[str, int] = {}
    problems: list[Problem] = []
    for j, cell in enumerate(header):
        key = cell.strip()
        if key in columns and key in read:
            problems.append(
                Problem(f"Duplicate column {key!r}", Location(name, row=1, line=1, column=j + 1))
            )
        columns.setdefault(key, j)
    missing = [c for c in needed if c not in columns]
    if missing:
        problems.append(
            Problem(
                f"Missing column{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))}",
                Location(name, row=1, line=1, column=1),
            )
        )
    for given, wanted in (("eligible_days", "period_days"), ("period_days", "eligible_days")):
        if given in columns and wanted not in columns:
            problems.append(
                Problem(
                    f"Missing column {wanted!r} (needed with {given!r})",
                    Location(name, row=1, line=1, column=1),
                )
            )
    return columns, problems


def score_column(path: Sequence[str | int], *, days: bool) -> str | None:
    """The column of a payout problem's path."""
    match tuple(path):
        case ("scores", str(component)):
            return component
        case ("eligible", 1):
            return "period_days"
        case ("eligible",):
            return "eligible_days" if days else "eligible"
        case (str(key),):
            return key
    return None


Read = tuple[tuple[Decimal, dict[str, Decimal], object], Payout]
"""A row's numbers (target, scores, eligibility) and its payout."""


class ScoresSheet:
    """The columns of a scores sheet and the checks of its rows, one row at a time."""

    def __init__(
        self, name: str, header: Sequence[str], plan: BonusPlan, *, decimal_comma: bool
    ) -> None:
        self.name = name
        self.plan = plan
        self.decimal_comma = decimal_comma
        self.columns, self.header_problems = _score_columns(header, plan, name)
        self.width = len(header)
        self.first_row: dict[str, int] = {}
        self.problems: list[Problem] = []
        self.more = 0
        self.eligibility = [self.columns[key] for key in _OPTIONAL_COLUMNS if key in self.columns]

    def raise_for_header(self) -> None:
        """Raise the header's problems, if it has any."""
        if self.header_problems:
            raise SpecError(self.header_problems)

    def raise_for_rows(self, extra: Sequence[Problem] = ()) -> None:
        """Raise every problem found in the rows, if there is any, in reading order."""
        found = sorted(self.problems, key=lambda p: (p.location.row or 0, p.location.column or 0))
        problems = [*found, *extra]
        if self.more:
            problems.append(
                Problem(
                    f"{self.more:,} more problems are not shown; fix the ones above and run again",
                    Location(self.name),
                )
            )
        if problems:
            raise SpecError(problems)

    @property
    def failed(self) -> bool:
        """Whether any row has a problem."""
        return bool(self.problems)

    def add(self, message: str, row: int, line: int, column: int | None, key: str | None) -> None:
        """Record a problem at a cell (or a row, without ``column``)."""
        path = (key,) if key is not None else ()
        self._keep(
            Problem(message, Location(self.name, row=row, line=line, column=column, path=path))
        )

    def _keep(self, problem: Problem) -> None:
        """Keep ``problem``; beyond the first thousand, only count it."""
        if len(self.problems) >= _MAX_PROBLEMS:
            self.more += 1
            return
        self.problems.append(problem)

    def check(self, row: int, line: int, raw: list[str]) -> tuple[str, list[str], bool] | None:
        """A row's id, stripped cells and whether the id is sound; problems are noted.

        ``None`` for a row of another width than the header's.
        """
        cells = list(map(str.strip, raw))
        id_column = self.columns["employee_id"]
        employee = cells[id_column] if id_column < len(cells) else ""
        sound = False
        if id_column < len(cells):
            first = self.first_row.setdefault(employee, row)
            if not employee:
                self.add("Empty 'employee_id'", row, line, id_column + 1, "employee_id")
            elif first != row:
                self.add(
                    f"Duplicate employee_id {employee!r} on rows {first} and {row}; "
                    "give each employee one row",
                    row,
                    line,
                    id_column + 1,
                    "employee_id",
                )
            else:
                sound = True
        if len(cells) != self.width:
            from alignkit._csvio import width_problem  # loaded with the reader, not on import

            self._keep(width_problem(len(cells), self.width, self.name, row, line))
            return None
        return employee, cells, sound

    def _cell(
        self,
        cells: Sequence[str],
        key: str,
        found: list[tuple[str | None, str]],
        *,
        percent: bool = True,
        what: str = "number",
    ) -> Decimal | None:
        """The number in column ``key``, or ``None`` with its problem added to ``found``."""
        text = cells[self.columns[key]] if key in self.columns else ""
        try:
            return read_number(text, decimal_comma=self.decimal_comma, percent=percent, what=what)
        except OtherMarkError as error:
            hint = "" if self.decimal_comma else " (or read the sheet with decimal commas)"
            found.append((key, f"{error}{hint}"))
        except ValueError as error:
            found.append((key, str(error)))
        return None

    def _given(self, cells: Sequence[str], key: str) -> bool:
        return key in self.columns and bool(cells[self.columns[key]])

    def exact(self, row: int, line: int, cells: Sequence[str]) -> Read | None:
        """A row's numbers and payout, computed exactly; ``None`` (noted) if bad."""
        found: list[tuple[str | None, str]] = []
        target = self._cell(cells, "target_bonus", found, percent=False, what="amount")
        scores: dict[str, Decimal] = {}
        for component in self.plan.components:
            score = self._cell(cells, component.name, found)
            scores[component.name] = ZERO if score is None else score
        eligible: object = None
        days = False
        if self._given(cells, "eligible"):
            eligible = self._cell(cells, "eligible", found)
        elif self._given(cells, "eligible_days"):
            given = self._cell(cells, "eligible_days", found, percent=False, what="number of days")
            period = self._cell(cells, "period_days", found, percent=False, what="number of days")
            days = given is not None and period is not None
            eligible = (given, period) if days else None
        try:
            payout = self.plan.payout(ZERO if target is None else target, scores, eligible)
        except SpecError as error:
            found.extend(
                (score_column(p.location.path, days=days), p.message) for p in error.problems
            )
        if found:
            place = {
                key: self.columns[key]
                for key, _ in found
                if key is not None and key in self.columns
            }
            for key, message in sorted(found, key=lambda f: place.get(f[0] or "", -1)):
                column = place.get(key or "")
                if column is None:  # pragma: no cover - every payout problem has its column
                    self.add(message, row, line, None, None)
                else:
                    self.add(message, row, line, column + 1, key)
            return None
        return (ZERO if target is None else target, scores, eligible), payout
