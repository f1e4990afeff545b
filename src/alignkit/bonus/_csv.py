"""CSV as HR systems exchange it: scores in, payouts out, and a whole company streamed."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import IO, Final, final

import attrs

from alignkit._csvsafe import SafeCsvWriter
from alignkit._money import EXACT, from_units, split_ratio, to_amount, units_text
from alignkit.bonus._plan import BonusPlan, Payout, PayoutRow
from alignkit.bonus._pool import pool_ratio
from alignkit.bonus._sheet import ScoresSheet

__all__ = ["PayoutSummary", "compute_payouts_csv", "read_scores_csv", "write_payouts_csv"]


# -- scores in, payouts out --------------------------------------------------------------


def read_scores_csv(
    source: str | os.PathLike[str] | IO[str],
    plan: BonusPlan,
    *,
    decimal_comma: bool = False,
) -> Iterator[PayoutRow]:
    r"""Read scores the way HR systems export them, checking every row first.

    Columns: ``employee_id``, ``target_bonus``, one column per component, and optionally
    ``eligible`` (a fraction) or ``eligible_days`` and ``period_days``; other columns
    are ignored. Each employee has exactly one row, and each row as many cells as the
    header. Scores are fractions of target (``1.10`` or ``110%`` for 110%), at most
    the plan's ``max_score``; a percentage is refused where an amount or a number of
    days is expected.

    Numbers are written with a decimal point (``10000.50``); a comma is a thousands
    separator only where it cannot be a decimal comma (``10,000.50``), and a number
    that could be read either way (``1,234``) is refused. With
    ``decimal_comma=True`` the sheet is read the other way round: ``10000,50`` and
    ``10.000,50``.

    Every row is checked before any is returned, so a bad file yields nothing. The
    rows hold the numbers read, as :class:`~decimal.Decimal`.

    >>> import io
    >>> sheet = io.StringIO(
    ...     "employee_id,target_bonus,individual,team,company,silo_buster\n"
    ...     "e1,10000,1.10,1,1,1\n"
    ...     "e2,10000,110,1,1,1\n"
    ...     "e1,5000,1,1,1,1\n"
    ... )
    >>> from alignkit.errors import SpecError
    >>> try:
    ...     read_scores_csv(sheet, BonusPlan.blended())
    ... except SpecError as error:
    ...     print(error)  # doctest: +NORMALIZE_WHITESPACE
    2 problems:
      <csv>:3:3: Score 110 for `individual` is above the plausible maximum of 10
        (1,000% attainment); write attainment as a fraction: 1.10 for 110%
      <csv>:4:1: Duplicate employee_id 'e1' on rows 2 and 4; give each employee one row

    Raises:
        SpecError: Every problem at once (the first thousand, in a file with more),
            each at its file, row (the header is row 1) and column: a missing or
            repeated column, a row with more or fewer cells than the header, an empty
            or repeated employee id, a bad or ambiguous number. A file that cannot be
            read at all (missing, empty, not UTF-8) is one problem with the code
            ``AK010``.

    Added in 0.1.
    """
    from alignkit._csvio import open_table

    rows: list[PayoutRow] = []
    with open_table(source) as table:
        sheet = ScoresSheet(table.name, table.header, plan, decimal_comma=decimal_comma)
        sheet.raise_for_header()
        for row, line, raw in table.rows:
            found = sheet.check(row, line, raw)
            if found is None:
                continue
            employee, cells, _ = found
            read = sheet.exact(row, line, cells)
            if read is not None:
                rows.append(PayoutRow(employee, *read[0]))
        sheet.raise_for_rows(table.problems)
    return iter(rows)


def write_payouts_csv(
    payouts: Iterable[Payout], plan: BonusPlan, stream: IO[str] | None = None
) -> str:
    """Write payouts as CSV, safe to open in a spreadsheet.

    Returns the text when no ``stream`` is given (and ``""`` when writing to one).

    Columns: ``employee_id``, ``currency``, ``total``, then one amount per component.
    """
    import io

    out = stream if stream is not None else io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(_header(plan))
    writer.writerows(
        [
            payout.employee_id or "",
            payout.currency,
            str(payout.total),
            *(str(line.amount) for line in payout.lines),
        ]
        for payout in payouts
    )
    return out.getvalue() if stream is None and isinstance(out, io.StringIO) else ""


def _header(plan: BonusPlan) -> list[str]:
    return ["employee_id", "currency", "total", *(c.name for c in plan.components)]


# -- a payout file for a whole company, streamed -----------------------------------------


@final
@attrs.frozen
class PayoutSummary:
    """What :func:`compute_payouts_csv` wrote.

    Attributes:
        count: How many payouts (one per employee).
        total: Their total, exact.
        currency: The plan's currency.
        scaled: Whether the payouts were scaled down to the pool.
        checked: How many rows were computed on the exact Decimal path rather than
            the vectorised one (all of them without NumPy).

    Added in 0.4.
    """

    count: int
    total: Decimal
    currency: str
    scaled: bool
    checked: int


_CHUNK: Final = 50_000
"""Rows read, computed and written at a time."""


def compute_payouts_csv(
    scores: str | os.PathLike[str] | IO[str],
    plan: BonusPlan,
    output: str | os.PathLike[str] | IO[str],
    *,
    pool: object = None,
    decimal_comma: bool = False,
    progress: Callable[[int], None] | None = None,
) -> PayoutSummary:
    r"""Compute every employee's payout from a scores CSV and write them as CSV.

    Reads the sheet as :func:`read_scores_csv` does, and writes what
    :func:`write_payouts_csv` would, to the cent, without holding the file: rows are
    read, checked, computed and written a chunk at a time, so the memory used does
    not grow with the file beyond one set of its employee ids. With NumPy (``pip
    install 'alignkit[fast]'``) each chunk is computed in exact integer arithmetic
    (as :meth:`BonusPlan.payout_arrays`), and any row it cannot prove exact (a
    percentage, many decimals, an eligibility, a number out of its range) on the
    exact Decimal path; the file is the same either way.

    Nothing is written unless the whole run succeeds: the payouts go to a temporary
    file beside ``output`` that replaces it at the end, so on any error (a duplicate
    id in the last row, say) an earlier file at ``output`` is left as it was. A
    stream given as ``output`` receives the whole file at the end, or nothing.

    With ``pool``, the payouts are scaled as :func:`scale_to_pool` scales them if
    their total exceeds it. That needs the total before the first row is written:
    the run keeps each row's id and amounts in integer minor units (about 100 bytes a
    row), scales them exactly at the end, then writes.

    Args:
        scores: The scores CSV: a path or a text stream.
        plan: The plan paid.
        output: Where the payouts go: a path or a text stream.
        pool: At most this much is paid in all (an amount, not a percentage).
        decimal_comma: Read numbers written with a decimal comma (``10.000,50``).
        progress: Called with the number of characters of each line read.

    Returns:
        How many payouts were written, and their total.

    Raises:
        SpecError: Every problem of the sheet, as :func:`read_scores_csv` reports
            them, or a bad ``pool``. Nothing is written.
        OSError: ``output`` cannot be written. Nothing is written.

    >>> import io
    >>> sheet = io.StringIO(
    ...     "employee_id,target_bonus,individual,team,company,silo_buster\n"
    ...     "e1,10000,1.2,0.5,1.0,0\n"
    ...     "e2,5000,100%,1,1,1\n"
    ... )
    >>> out = io.StringIO()
    >>> compute_payouts_csv(sheet, BonusPlan.blended(), out)
    PayoutSummary(count=2, total=Decimal('13300.00'), currency='USD', scaled=False, checked=1)
    >>> print(out.getvalue(), end="")
    employee_id,currency,total,individual,team,company,silo_buster
    e1,USD,8300.00,4800.00,1500.00,2000.00,0.00
    e2,USD,5000.00,2000.00,1500.00,1000.00,500.00

    Added in 0.4.
    """
    budget = to_amount(pool, ("pool",)) if pool is not None else None
    if isinstance(output, str | os.PathLike):
        with _replacing(os.fspath(output)) as stream:
            return _pay_sheet(scores, plan, stream, budget, decimal_comma, progress)
    import shutil
    import tempfile

    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as spool:
        summary = _pay_sheet(scores, plan, spool, budget, decimal_comma, progress)
        spool.seek(0)
        shutil.copyfileobj(spool, output)
    return summary


@contextmanager
def _replacing(path: str) -> Iterator[IO[str]]:
    """A new file beside ``path`` that replaces it only if the block succeeds."""
    import secrets
    import stat

    target = Path(path).absolute()
    while True:
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:
            # 0o666 less the umask, as for any new file; an existing file keeps its mode.
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:  # pragma: no cover - 48 random bits taken
            continue
    try:
        with open(descriptor, "w", encoding="utf-8", newline="") as stream:  # noqa: PTH123
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if target.exists():
            temporary.chmod(stat.S_IMODE(target.stat().st_mode))
        temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _pay_sheet(
    source: str | os.PathLike[str] | IO[str],
    plan: BonusPlan,
    stream: IO[str],
    budget: Decimal | None,
    decimal_comma: bool,
    progress: Callable[[int], None] | None,
) -> PayoutSummary:
    from alignkit._csvio import open_table

    try:
        import numpy  # noqa: F401, ICN001 - only whether it is there
    except ImportError:
        fast = False
    else:
        fast = True
    digits = plan.minor_unit
    writer = SafeCsvWriter(stream)
    kept = _Kept(len(plan.components)) if budget is not None else None
    count = total = checked = 0
    with open_table(source, progress=progress) as table:
        sheet = ScoresSheet(table.name, table.header, plan, decimal_comma=decimal_comma)
        sheet.raise_for_header()
        writer.writerow(_header(plan))
        for chunk in _chunks(table.rows, _CHUNK):
            ids, totals, lines, slow = _pay_chunk(sheet, chunk, fast=fast)
            checked += slow
            if sheet.failed:
                continue  # nothing will be written: the rest is only checked
            count += len(ids)
            total += sum(totals)
            if kept is not None:
                kept.add(ids, totals, lines)
            else:
                _write_units(writer, plan.currency, digits, ids, totals, lines)
        sheet.raise_for_rows(table.problems)
        del sheet  # its set of ids is no longer needed
    scaled = False
    if kept is not None and budget is not None:
        scaled = total > budget.scaleb(digits, EXACT)
        if scaled:
            total = kept.scale(budget, digits, total)
        kept.write(writer, plan.currency, digits)
    return PayoutSummary(count, from_units(total, digits), plan.currency, scaled, checked)


def _chunks(
    rows: Iterator[tuple[int, int, list[str]]], size: int
) -> Iterator[list[tuple[int, int, list[str]]]]:
    while chunk := list(itertools.islice(rows, size)):
        yield chunk


def _pay_chunk(
    sheet: ScoresSheet, chunk: list[tuple[int, int, list[str]]], *, fast: bool
) -> tuple[list[str], list[int], list[list[int]], int]:
    """The ids, totals and lines (minor units) of a chunk's good rows.

    Also how many rows took the exact path. Problems are recorded in ``sheet``.
    """
    found = []
    for row, line, raw in chunk:
        checked = sheet.check(row, line, raw)
        if checked is not None:
            found.append((row, line, *checked))
    if fast and found:
        from alignkit.bonus._arrays import chunk_units

        totals, lines, slow = chunk_units(
            sheet.plan,
            [f[3] for f in found],
            sheet.columns,
            sheet.eligibility,
            decimal_comma=sheet.decimal_comma,
        )
    else:
        totals = [0] * len(found)
        lines = [[] for _ in found]
        slow = list(range(len(found)))
    digits = sheet.plan.minor_unit
    bad = set()
    for i in slow:
        row, line, _, cells, _ = found[i]
        read = sheet.exact(row, line, cells)
        if read is None:
            bad.add(i)
            continue
        payout = read[1]
        totals[i] = int(payout.total.scaleb(digits, EXACT))
        lines[i] = [int(p.amount.scaleb(digits, EXACT)) for p in payout.lines]
    keep = [i for i, f in enumerate(found) if f[4] and i not in bad]
    return (
        [found[i][2] for i in keep],
        [totals[i] for i in keep],
        [lines[i] for i in keep],
        len(slow),
    )


def _write_units(
    writer: SafeCsvWriter,
    currency: str,
    digits: int,
    ids: Sequence[str],
    totals: Sequence[int],
    lines: Sequence[Sequence[int]],
) -> None:
    text = units_text(digits)
    for employee, total, parts in zip(ids, totals, lines, strict=True):
        writer.writerow([employee, currency, text(total), *map(text, parts)])


class _Kept:
    """Every good row's id and amounts in minor units, compactly, to scale to a pool."""

    def __init__(self, width: int) -> None:
        from array import array

        self.width = width
        self.ids: list[str] = []
        self.totals = array("q")
        self.lines = array("q")  # row-major, ``width`` a row

    def add(self, ids: list[str], totals: list[int], lines: list[list[int]]) -> None:
        self.ids.extend(ids)
        self.totals.extend(totals)
        self.lines.extend(itertools.chain.from_iterable(lines))

    def scale(self, budget: Decimal, digits: int, total: int) -> int:
        """Scale every row to ``budget`` as :func:`scale_to_pool` does; the new total."""
        from array import array

        budget_units, numerator, denominator = pool_ratio(budget, digits, total)
        units = array(
            "q", split_ratio(budget_units, (t * numerator for t in self.totals), denominator)
        )
        k = self.width
        lines = self.lines
        for i, unit in enumerate(units):
            row = slice(i * k, (i + 1) * k)
            parts = [u * numerator for u in lines[row]]
            floors = [u // denominator for u in parts]
            if sum(floors) != unit:
                floors = split_ratio(unit, parts, denominator)
            lines[row] = array("q", floors)
        self.totals = units
        return budget_units

    def write(self, writer: SafeCsvWriter, currency: str, digits: int) -> None:
        k = self.width
        for start in range(0, len(self.ids), _CHUNK):
            stop = min(start + _CHUNK, len(self.ids))
            lines = [self.lines[i * k : (i + 1) * k] for i in range(start, stop)]
            _write_units(
                writer, currency, digits, self.ids[start:stop], self.totals[start:stop], lines
            )
