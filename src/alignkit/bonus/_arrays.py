"""The NumPy path: payouts for many rows at once, in exact integer minor units.

Imported only where NumPy is installed (``pip install 'alignkit[fast]'``), by
:meth:`~alignkit.bonus.BonusPlan.payout_arrays` and by a CSV run: ``import
alignkit.bonus`` never imports NumPy. Numbers are read as floats, through their
shortest decimal form; a row is computed in int64 only where that is proven exact and
cannot overflow, and every other row is left for the exact Decimal path, so each
result equals :meth:`~alignkit.bonus.BonusPlan.payout`'s to the cent.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal, localcontext
from typing import Any, Final, Protocol

import numpy as np

from alignkit._money import EXACT, MAX_AMOUNT, shown
from alignkit.bonus._curve import Component, PayoutCurve, implausible
from alignkit.diagnostics import Location
from alignkit.errors import Problem, SpecError

__all__ = ["Plan", "chunk_units", "integer_units", "read_arrays"]


class Plan(Protocol):
    """What the integer path reads of a plan (a :class:`~alignkit.bonus.BonusPlan`)."""

    @property
    def components(self) -> Sequence[Component]:
        """The components, in order."""

    @property
    def max_score(self) -> Decimal:
        """The highest plausible score."""

    @property
    def minor_unit(self) -> int:
        """Digits after the decimal point for the plan's currency."""


_FIXED: Final = 10_000  # scores, weights and curve points in units of 0.0001
_FACTOR_LIMIT: Final = 2**59
"""The largest ``factor * common`` (or curve value) the integer path computes."""
_LINE_LIMIT: Final = 2**60
"""The largest sum of a row's exact lines the integer path computes."""
_PLAIN_LENGTH: Final = 15
"""A cell of at most this many characters that a float reads, reads as that float."""


# -- arrays given in Python --------------------------------------------------------------


def read_arrays(
    plan: Plan,
    target_bonus: Any,  # noqa: ANN401 - any array-like of numbers
    scores: Mapping[str, Any],
) -> tuple[Any, list[Any]]:
    """The targets and one column of scores per component, as float64 arrays.

    Raises:
        SpecError: A component has no scores, or an unknown one is given; an input is
            not a one-dimensional array of numbers of the same length; a score is
            above the plan's ``max_score`` (located at its index).
    """
    if not isinstance(scores, Mapping):
        raise SpecError.single(
            f"Expected a mapping from component name to scores, got {shown(scores)}",
            Location(path=("scores",)),
        )
    names = [c.name for c in plan.components]
    problems = [
        Problem(f"No scores for component {n!r}", Location(path=("scores", n)))
        for n in names
        if n not in scores
    ] + [
        Problem(f"Unknown component {shown(n)}", Location(path=("scores", str(n))))
        for n in scores
        if n not in names
    ]
    if problems:
        raise SpecError(problems)
    target = _column(target_bonus, ("target_bonus",))
    # Component-major: one contiguous array per component.
    columns = [np.ascontiguousarray(_column(scores[name], ("scores", name))) for name in names]
    n = target.shape[0] if target.ndim == 1 else -1
    if target.ndim != 1 or any(c.shape != (n,) for c in columns):
        raise SpecError.single("target_bonus and scores need one value per employee")
    implausible_rows = list(_implausible_rows(plan, names, columns))
    if implausible_rows:
        raise SpecError(implausible_rows)
    return target, columns


def integer_units(
    plan: Plan,
    target: Any,  # noqa: ANN401 - numpy arrays
    columns: list[Any],
) -> tuple[Any, Any, list[int]]:
    """Totals and lines in minor units, and the rows left (at 0) for the exact path."""
    slow = np.zeros(target.shape[0], dtype=bool)
    totals, lines = _vector_units(plan, target, columns, slow)
    return totals, lines, np.flatnonzero(slow).tolist()


def _column(values: object, where: tuple[str | int, ...]) -> Any:  # noqa: ANN401 - numpy
    """``values`` as a float64 array, or a SpecError: numbers only, no booleans."""
    try:
        array = np.asarray(values)
        if array.dtype.kind in "iuf" or (array.dtype.kind == "O" and array.size):
            return np.asarray(array, dtype=np.float64)  # no copy of a float64 array
    except (TypeError, ValueError, OverflowError):
        pass
    raise SpecError.single(
        f"Expected an array of numbers, got {shown(values)}", Location(path=where)
    )


def _implausible_rows(plan: Plan, names: Sequence[str], columns: list[Any]) -> Iterator[Problem]:
    """Every score above ``max_score``, judged as :meth:`BonusPlan.payout` judges it."""
    bound = plan.max_score
    # Near the bound, a float is read through its shortest decimal form, exactly.
    near = float(bound) * (1 - 1e-9)
    for name, column in zip(names, columns, strict=True):
        with np.errstate(invalid="ignore"):
            candidates = np.flatnonzero(np.isfinite(column) & (column > near))
        for i in candidates:
            score = Decimal(repr(float(column[i])))
            if score > bound:
                yield Problem(
                    implausible(name, score, bound), Location(path=(int(i), "scores", name))
                )


# -- cells of a CSV file -----------------------------------------------------------------


def chunk_units(
    plan: Plan,
    rows: Sequence[Sequence[str]],
    columns: Mapping[str, int],
    eligibility: Sequence[int],
    *,
    decimal_comma: bool,
) -> tuple[list[int], list[list[int]], list[int]]:
    """Totals and lines of a chunk of a scores sheet's rows, in integer arithmetic.

    Also the indexes of the rows it cannot prove exact (a percentage, many decimals,
    an eligibility, a number out of its range), for the exact path.

    Args:
        plan: The plan paid.
        rows: The rows' stripped cells.
        columns: The place of each column read.
        eligibility: The places of the eligibility columns the sheet has.
        decimal_comma: Numbers are written with a decimal comma.
    """
    target, slow = _plain_floats(
        [r[columns["target_bonus"]] for r in rows], decimal_comma=decimal_comma
    )
    scores = []
    for component in plan.components:
        texts = [r[columns[component.name]] for r in rows]
        values, odd = _plain_floats(texts, decimal_comma=decimal_comma)
        with np.errstate(invalid="ignore"):
            odd |= values > float(plan.max_score) * (1 - 1e-9)  # judged exactly, and located
        slow |= odd
        scores.append(values)
    for j in eligibility:
        slow |= np.fromiter((bool(r[j]) for r in rows), dtype=bool, count=len(rows))
    totals, lines = _vector_units(plan, target, scores, slow)
    return totals.tolist(), lines.tolist(), np.flatnonzero(slow).tolist()


def _plain_floats(texts: Sequence[str], *, decimal_comma: bool) -> tuple[Any, Any]:
    """``texts`` as floats, and where a float may not be what the text means.

    A text of at most 15 characters that ``float`` reads has at most 15 significant
    digits, so it is the float's shortest form, and :func:`_fixed` proves whether it
    has few enough decimals; anything longer or unusual goes the exact way.
    """
    if decimal_comma:
        texts = [t.replace(",", ".") if "." not in t else "" for t in texts]
    long = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) > _PLAIN_LENGTH
    try:
        values = np.array(texts, dtype=np.float64)
    except ValueError:
        values = np.array([_float_or_nan(t) for t in texts], dtype=np.float64)
    return values, long


def _float_or_nan(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan


# -- exact integers ----------------------------------------------------------------------


def _fixed(values: Any, scale: int) -> tuple[Any, Any]:  # noqa: ANN401 - numpy arrays
    """Values as exact integers in units of 1/scale, and where that is not possible."""
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = np.rint(values * scale)
        # A float equal to k/scale is read (through its shortest decimal) as exactly k/scale.
        exact = np.isfinite(values) & (values >= 0) & (scaled / scale == values)
        exact &= scaled < 2**52
    return np.where(exact, scaled, 0).astype(np.int64), ~exact


def _vector_units(
    plan: Plan,
    target: Any,  # noqa: ANN401 - numpy arrays
    columns: list[Any],
    slow: Any,  # noqa: ANN401
) -> tuple[Any, Any]:
    """Totals and lines in minor units, in int64, where that is exact and in range.

    Every other row is marked in ``slow`` (in place) and left at 0, for the exact path:
    a number that is not a whole number of 0.01 (targets) or 0.0001 (scores), a
    curve the integers cannot follow, a factor or a line that could overflow, and a
    payout above :data:`MAX_AMOUNT`.
    """
    n, k = target.shape[0], len(columns)
    unit = 10**plan.minor_unit
    money_scale = max(unit, 100)  # targets are read to the cent even where the unit is larger
    money, inexact = _fixed(target, money_scale)
    slow |= inexact
    attains = []
    for column in columns:
        attain, inexact = _fixed(column, _FIXED)
        attains.append(attain)
        slow |= inexact
    common = _common_width(plan)
    exact: list[Any] = []
    for component, attain in zip(plan.components, attains, strict=True):
        with localcontext(EXACT):
            weight = component.weight * _FIXED
        found = _curve_fixed(component.curve, attain, common)
        if found is None or weight != weight.to_integral_value():
            slow[:] = True
            return np.zeros(n, dtype=np.int64), np.zeros((n, k), dtype=np.int64)
        factor, risky = found
        if risky is not None:
            slow |= risky
        # Each line is factor * weight * money. When the largest factor and target cannot
        # overflow, no row can; else a float estimate per row (relative error near 1e-16)
        # keeps every line computed far below the int64 limit, so the integers never wrap.
        if n and int(factor.max()) * int(weight) * int(money.max()) > _LINE_LIMIT // k:
            size = factor.astype(np.float64) * float(weight) * money.astype(np.float64)
            slow |= size > _LINE_LIMIT / k
        exact.append(factor * int(weight))
    safe_money = np.where(slow, 0, money)
    # Each line is in units of 1 / (money_scale * _FIXED**2 * common) of the currency.
    denominator = _FIXED * _FIXED * (common or 1) * (money_scale // unit)
    totals, lines = _round_lines([line * safe_money for line in exact], denominator)
    slow |= totals > int(MAX_AMOUNT) * unit  # refused, with its message, by the exact path
    return totals, lines


def _round_lines(exact: list[Any], denominator: int) -> tuple[Any, Any]:
    """Totals rounded half up, and lines split by largest remainder, in minor units."""
    n = exact[0].shape[0]
    floors = []
    remainders = []
    total_exact = np.zeros(n, dtype=np.int64)
    for line in exact:
        total_exact += line
        floor, remainder = np.divmod(line, denominator)
        floors.append(floor)
        remainders.append(remainder)
    totals = (total_exact + denominator // 2) // denominator
    short = totals - sum(floors)
    # Ties go to the earlier component (the rule of BonusPlan.payout): a line's rank is
    # how many lines beat it, with one comparison per pair.
    ranks = [np.zeros(n, dtype=np.int8) for _ in exact]
    for i in range(len(exact)):
        for j in range(i + 1, len(exact)):
            ahead = remainders[i] >= remainders[j]
            ranks[j] += ahead
            ranks[i] += ~ahead
    lines = np.column_stack([f + (r < short) for f, r in zip(floors, ranks, strict=True)])
    return totals, lines


def _common_width(plan: Plan) -> int | None:
    """The least common multiple of every curve segment's width, in units of 0.0001."""
    common = 1
    with localcontext(EXACT):
        for component in plan.components:
            points = component.curve.points
            for (a0, f0), (a1, f1) in itertools.pairwise(points):
                width, rise = (a1 - a0) * _FIXED, (f1 - f0) * _FIXED
                if width != int(width) or rise != int(rise):
                    return None
                # The slope rise/width in lowest terms: only its denominator matters.
                common = math.lcm(common, int(width) // math.gcd(int(width), int(rise)))
    return common if common < _FIXED * _FIXED else None


def _curve_fixed(curve: PayoutCurve, attain: Any, common: int | None) -> tuple[Any, Any] | None:  # noqa: ANN401 - numpy arrays
    """``factor * common`` in units of 0.0001, exactly, and where it could overflow.

    The rows that could overflow are left at 0 (``None`` when there are none). The
    whole result is ``None`` when the curve has no such form.
    """
    if common is None:
        return None
    with localcontext(EXACT):
        values = [v * _FIXED for point in curve.points for v in point]
        values += [v * _FIXED for v in (curve.threshold, curve.cap) if v is not None]
        if any(v != int(v) or v > _FACTOR_LIMIT for v in values):
            return None
        xs = [int(a * _FIXED) for a, _ in curve.points]
        ys = [int(f * _FIXED) * common for _, f in curve.points]
    # slope = (rise/g) / (width/g), so factor * common is an integer:
    # y0 * common + (rise/g) * dx * (common / (width/g)).
    slopes = []
    for (x0, y0), (x1, y1) in itertools.pairwise(zip(xs, ys, strict=True)):
        width, rise = x1 - x0, (y1 - y0) // common
        g = math.gcd(width, rise)
        slopes.append((rise // g) * (common // (width // g)))
    if max(ys) > _FACTOR_LIMIT or max(slopes, default=0) > _FACTOR_LIMIT:
        return None
    # factor <= max(ys) + max(slopes) * attain: rows above the limit are left to the
    # exact path (their attainment is set to 0 here, so nothing wraps).
    risky = None
    top = int(attain.max()) if attain.size else 0
    if max(ys) + max(slopes, default=0) * top > _FACTOR_LIMIT:
        estimate = float(max(ys)) + float(max(slopes, default=0)) * attain.astype(np.float64)
        risky = estimate > _FACTOR_LIMIT
        attain = np.where(risky, 0, attain)
    if len(xs) == 1:
        factor = np.where(attain >= xs[0], ys[0], 0).astype(np.int64)
    else:
        if len(xs) == 2:  # noqa: PLR2004 - one segment (the linear preset): no lookup needed
            factor = ys[0] + slopes[0] * (attain - xs[0])
        else:
            points = np.array(xs, dtype=np.int64)
            segment = np.clip(np.searchsorted(points, attain, side="right") - 1, 0, len(xs) - 2)
            factor = np.array(ys, dtype=np.int64)[segment] + np.array(slopes, dtype=np.int64)[
                segment
            ] * (attain - points[segment])
        factor = np.where(attain < xs[0], 0, factor)
    if curve.threshold is not None:
        factor = np.where(attain < int(curve.threshold * _FIXED), 0, factor)
    if curve.cap is not None and int(curve.cap * _FIXED) * common < 2**62:
        # A cap above that is far above every factor computed here.
        factor = np.minimum(factor, int(curve.cap * _FIXED) * common)
    return factor, risky
