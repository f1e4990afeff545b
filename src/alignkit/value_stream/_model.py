"""Steps, value streams, their metrics and comparison; import from ``alignkit.value_stream``."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import numbers
import operator
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Final, Literal, NamedTuple, final

import attrs

from alignkit._gc import collector_paused
from alignkit._spec import FrozenDict
from alignkit._suggest import suggest
from alignkit.diagnostics import Location
from alignkit.errors import Problem, SpecError

__all__ = [
    "Handoff",
    "MetricChange",
    "Step",
    "StreamComparison",
    "StreamMetrics",
    "ValueStream",
    "compare",
    "format_duration",
    "parse_duration",
]

EIGHT_HOURS: Final = dt.timedelta(hours=8)
_US: Final = dt.timedelta(microseconds=1)
_ZERO: Final = dt.timedelta(0)
_NUMBERS: Final = (int, float)
_DAYS_A_WEEK: Final = 5
_DURATION: Final = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*([smhdw])\s*$", re.IGNORECASE)
_DURATION_HELP: Final = "write it like `15m`, `2h`, `0.5d` (working days) or `1w` (five of them)"


def parse_duration(text: str, working_day: dt.timedelta = EIGHT_HOURS) -> dt.timedelta:
    """A duration as a value stream writes it: ``15m``, ``2h``, ``0.5d``, ``1w`` or ``0``.

    ``d`` is one working day of the stream (``working_day``, 8 hours by default) and
    ``w`` five of them; ``s``, ``m`` and ``h`` are seconds, minutes and hours.

    >>> import datetime as dt
    >>> parse_duration("2h"), parse_duration("0.5d"), parse_duration("1w")
    (datetime.timedelta(seconds=7200), datetime.timedelta(seconds=14400), datetime.timedelta(days=1, seconds=57600))
    >>> parse_duration("1d", working_day=dt.timedelta(hours=7.5))
    datetime.timedelta(seconds=27000)
    >>> parse_duration("-1h")
    Traceback (most recent call last):
    ...
    ValueError: `-1h` is not a duration: a duration cannot be negative

    Raises:
        ValueError: The text is not a duration; the message says how to write one.

    Added in 0.2.
    """  # noqa: E501 - a doctest's output line
    if not isinstance(text, str):
        msg = f"{text!r} is not a duration: {_DURATION_HELP}"
        raise ValueError(msg)  # noqa: TRY004 - the caller reports ValueErrors as problems
    if text.strip() == "0":
        return dt.timedelta(0)
    found = _DURATION.match(text)
    if found is None:
        reason = "a duration cannot be negative" if text.strip().startswith("-") else _DURATION_HELP
        msg = f"`{text.strip()}` is not a duration: {reason}"
        raise ValueError(msg)
    number, unit = float(found.group(1)), found.group(2).lower()
    size = {
        "s": dt.timedelta(seconds=1),
        "m": dt.timedelta(minutes=1),
        "h": dt.timedelta(hours=1),
        "d": working_day,
        "w": _DAYS_A_WEEK * working_day,
    }[unit]
    return number * size


def format_duration(value: dt.timedelta, working_day: dt.timedelta = EIGHT_HOURS) -> str:
    """A duration in the largest unit that writes it whole: the inverse of :func:`parse_duration`.

    >>> import datetime as dt
    >>> format_duration(dt.timedelta(hours=16)), format_duration(dt.timedelta(minutes=90))
    ('2d', '1.5h')
    >>> format_duration(dt.timedelta(hours=4)), format_duration(dt.timedelta(0))
    ('4h', '0')
    >>> format_duration(dt.timedelta(hours=44.5)), format_duration(dt.timedelta(minutes=30))
    ('44.5h', '30m')

    Added in 0.2.
    """
    if not value:
        return "0"
    micros = value // _US
    day = working_day // _US
    hour = 3_600_000_000
    for unit, size in (("w", _DAYS_A_WEEK * day), ("d", day), ("h", hour)):
        if size and micros % size == 0:
            return f"{micros // size}{unit}"
    for unit, size in (("d", day), ("h", hour)):  # two decimals at most: 5.5d, 44.25h
        if micros > size and (micros * 100) % size == 0:
            return f"{micros * 100 // size / 100:g}{unit}"
    if micros % 60_000_000 == 0:
        return f"{micros // 60_000_000}m"
    # Exact to the microsecond, so that the text reads back as the same duration.
    whole, fraction = divmod(micros, 1_000_000)
    return f"{whole}.{fraction:06d}".rstrip("0").rstrip(".") + "s"


def _after(value: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _at(path: tuple[str | int, ...], message: str) -> Problem:
    return Problem(message, Location(path=path))


@final
@attrs.frozen
class Step:
    """One step of a value stream: who does it, how long it takes, how often it is right.

    Args:
        name: The step's name, unique in its stream.
        function: The function that owns it (``"Sales"``).
        process_time: Hands-on time: the work itself.
        lead_time: Elapsed time a unit spends in the step, its wait included; at
            least the process time.
        pct_complete_accurate: %C&A: the share of units the next step can use as
            they come, without correcting, adding or clarifying (0 to 100).
        after: The steps it waits for. Empty: the step before it in its stream
            (none for the first step); several names: parallel branches joining.

    Raises:
        SpecError: A field that cannot mean anything (a negative duration, a
            process time longer than the lead time, %C&A outside 0-100); every
            problem is named.

    >>> import datetime as dt
    >>> step = Step("Qualify", "Sales", dt.timedelta(hours=2), dt.timedelta(days=1), 80)
    >>> step.wait
    datetime.timedelta(seconds=79200)

    Added in 0.2.
    """

    name: str
    function: str
    process_time: dt.timedelta
    lead_time: dt.timedelta
    pct_complete_accurate: float = 100.0
    after: tuple[str, ...] = attrs.field(default=(), converter=_after)
    # In whole microseconds, worked out once: every stream made of the step reads them.
    _process_us: int = attrs.field(init=False, eq=False, repr=False)
    _lead_us: int = attrs.field(init=False, eq=False, repr=False)
    _wait: dt.timedelta = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        name, function, process, lead, pct = (
            self.name,
            self.function,
            self.process_time,
            self.lead_time,
            self.pct_complete_accurate,
        )
        plainly_right = (  # the common case, without building a list of problems
            type(name) is str
            and type(function) is str
            and type(process) is dt.timedelta
            and type(lead) is dt.timedelta
            and type(pct) in _NUMBERS
            and name.strip()
            and function.strip()
            and _ZERO <= process <= lead
            and 0 <= pct <= 100  # noqa: PLR2004 - a percentage
            and all(type(a) is str and a.strip() for a in self.after)
        )
        if not plainly_right:
            problems = list(self._problems())
            if problems:
                raise SpecError(problems)
        object.__setattr__(self, "_process_us", process // _US)
        object.__setattr__(self, "_lead_us", lead // _US)
        object.__setattr__(self, "_wait", lead - process)

    def _problems(self) -> Iterator[Problem]:
        for field in ("name", "function"):
            value = getattr(self, field)
            if not isinstance(value, str) or not value.strip():
                yield _at((field,), f"A step needs a `{field}`: non-blank text")
        durations_ok = True
        for field in ("process_time", "lead_time"):
            value = getattr(self, field)
            if isinstance(value, str):
                durations_ok = False
                yield _at(
                    (field,),
                    f"`{field}` must be a timedelta; text like {value!r} is read by "
                    "ValueStream.from_table and the alignment file, which know the working day",
                )
            elif not isinstance(value, dt.timedelta):
                durations_ok = False
                yield _at((field,), f"`{field}` must be a timedelta, got {type(value).__name__}")
            elif value < dt.timedelta(0):
                durations_ok = False
                yield _at((field,), f"`{field}` cannot be negative, got {value}")
        if durations_ok and self.process_time > self.lead_time:
            yield _at(
                ("process_time",),
                f"Step `{self.name}` has a process time ({format_duration(self.process_time)}) "
                f"longer than its lead time ({format_duration(self.lead_time)}): the lead "
                "time is the whole time in the step, the work included",
            )
        pct = self.pct_complete_accurate
        if (
            isinstance(pct, bool)
            or not isinstance(pct, numbers.Real)
            or not math.isfinite(pct)
            or not 0 <= pct <= 100  # noqa: PLR2004 - a percentage
        ):
            yield _at(
                ("pct_complete_accurate",),
                f"`pct_complete_accurate` is a percentage from 0 to 100, got {pct!r}",
            )
        if any(not isinstance(name, str) or not name.strip() for name in self.after):
            yield _at(("after",), "`after` names steps: non-blank text")

    @property
    def wait(self) -> dt.timedelta:
        """The time a unit waits in the step: lead time less process time."""
        return self._wait


class Handoff(NamedTuple):
    """A change of function between a step and the step after it, and the wait it adds.

    The wait is the later step's: the time a unit sits before the new function works on it.

    Added in 0.2.
    """

    from_step: str
    to_step: str
    from_function: str
    to_function: str
    wait: dt.timedelta


@final
@attrs.frozen
class StreamMetrics:
    """A value stream's metrics, named as in the value stream mapping literature.

    Attributes:
        lead_time: The stream's total lead time: along its critical path (the
            longest chain of steps by lead time).
        process_time: The process time along the critical path.
        wait_time: ``lead_time - process_time``.
        activity_ratio: ``process_time / lead_time`` (the totals' ratio, not the mean
            of the steps'); 0.0 for a stream of no time at all.
        rolled_pct_complete_accurate: The product of every step's %C&A, as a
            percentage: the share of units that go through untouched by rework.
        handoffs: Each change of function from a step to the next, in stream order.
        bottleneck: The step with the longest wait (ties: the longer lead time,
            then the earlier step).
        lead_time_share: Each function's share (0-1) of the lead time, along the
            critical path.
        critical_path: The names of the steps on the critical path, in order.
        steps: The number of steps.
        handoff_wait: The wait added at changes of function, every handoff counted once.

    Added in 0.2.
    """

    lead_time: dt.timedelta
    process_time: dt.timedelta
    wait_time: dt.timedelta
    activity_ratio: float
    rolled_pct_complete_accurate: float
    handoffs: tuple[Handoff, ...]
    bottleneck: Step
    lead_time_share: Mapping[str, float]
    critical_path: tuple[str, ...]
    steps: int
    handoff_wait: dt.timedelta = attrs.field(
        default=attrs.Factory(
            lambda self: sum((h.wait for h in self.handoffs), dt.timedelta(0)), takes_self=True
        )
    )
    """The wait added at changes of function, every handoff counted once."""


def _steps(value: Iterable[Step]) -> tuple[Step, ...]:
    if isinstance(value, Step):
        return (value,)
    return tuple(value)


@final
@attrs.frozen
class ValueStream:
    """A value stream: the steps a unit of work goes through, across functions.

    Steps run one after the other unless ``after`` says otherwise; totals follow
    the critical path. The metrics are worked out once, when the stream is made.

    Args:
        name: The stream's name (``"quote-to-cash"``).
        steps: Its steps, in order (a step follows the one before it by default).
        working_day: The length of a working day, for durations written in days
            (``0.5d``) and weeks (``1w``: five working days).

    Raises:
        SpecError: Steps that cannot make a stream: none at all, a name used twice,
            ``after`` naming an unknown step or forming a cycle, a working day of
            zero or more than 24 hours. Every problem is named, with its step.

    >>> import datetime as dt
    >>> h = dt.timedelta(hours=1)
    >>> stream = ValueStream("quote-to-cash", [
    ...     Step("Quote", "Sales", 2 * h, 8 * h, 80),
    ...     Step("Set up", "Operations", 4 * h, 24 * h, 90),
    ...     Step("Invoice", "Finance", 1 * h, 16 * h, 99),
    ... ])
    >>> stream.lead_time, stream.process_time
    (datetime.timedelta(days=2), datetime.timedelta(seconds=25200))
    >>> round(stream.activity_ratio, 3), round(stream.rolled_pct_complete_accurate, 2)
    (0.146, 71.28)
    >>> stream.bottleneck.name, [(h.from_function, h.to_function) for h in stream.handoffs]
    ('Set up', [('Sales', 'Operations'), ('Operations', 'Finance')])

    Added in 0.2.
    """

    name: str
    steps: tuple[Step, ...] = attrs.field(converter=_steps)
    working_day: dt.timedelta = EIGHT_HOURS
    _metrics: StreamMetrics = attrs.field(init=False, eq=False, repr=False)
    _before: tuple[tuple[int, ...], ...] = attrs.field(init=False, eq=False, repr=False)
    _index: Mapping[str, int] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        steps_ok = bool(self.steps) and set(map(type, self.steps)) == {Step}
        problems = list(self._problems(steps_ok=steps_ok))
        with collector_paused():  # many small objects, no cycles: see alignkit._gc
            graph = _Graph(self.steps) if steps_ok else None
            if graph is not None:
                problems += graph.problems
            if problems or graph is None:
                raise SpecError(problems)
            metrics = _measure(self.steps, graph)
        object.__setattr__(self, "_before", graph.before)
        object.__setattr__(self, "_index", graph.index)
        object.__setattr__(self, "_metrics", metrics)

    def _problems(self, *, steps_ok: bool) -> Iterator[Problem]:
        if not isinstance(self.name, str) or not self.name.strip():
            yield _at(("name",), "A value stream needs a `name`: non-blank text")
        if not isinstance(self.working_day, dt.timedelta) or not (
            dt.timedelta(0) < self.working_day <= dt.timedelta(hours=24)
        ):
            yield _at(
                ("working_day",),
                f"`working_day` must be a timedelta above zero and at most 24 hours, "
                f"got {self.working_day!r}",
            )
        if not self.steps:
            yield _at(("steps",), f"Value stream `{self.name}` has no steps")
            return
        if not steps_ok:
            yield from (
                _at(("steps", index), f"Each step must be a Step, got {type(step).__name__}")
                for index, step in enumerate(self.steps)
                if type(step) is not Step
            )

    # -- metrics -------------------------------------------------------------------------

    @property
    def metrics(self) -> StreamMetrics:
        """Every metric of the stream (:class:`StreamMetrics`)."""
        return self._metrics

    @property
    def lead_time(self) -> dt.timedelta:
        """Total lead time, along the critical path."""
        return self._metrics.lead_time

    @property
    def process_time(self) -> dt.timedelta:
        """Total process time, along the critical path."""
        return self._metrics.process_time

    @property
    def activity_ratio(self) -> float:
        """Total process time over total lead time (0-1)."""
        return self._metrics.activity_ratio

    @property
    def rolled_pct_complete_accurate(self) -> float:
        """The product of the steps' %C&A, as a percentage."""
        return self._metrics.rolled_pct_complete_accurate

    @property
    def handoffs(self) -> tuple[Handoff, ...]:
        """Each change of function from a step to the next, with the wait it adds."""
        return self._metrics.handoffs

    @property
    def bottleneck(self) -> Step:
        """The step with the longest wait (ties: the longer lead time, then the earlier)."""
        return self._metrics.bottleneck

    @property
    def lead_time_share(self) -> Mapping[str, float]:
        """Each function's share (0-1) of the lead time, along the critical path."""
        return self._metrics.lead_time_share

    @property
    def critical_path(self) -> tuple[Step, ...]:
        """The steps of the critical path, in order."""
        steps, index = self.steps, self._index
        return tuple(steps[index[name]] for name in self._metrics.critical_path)

    def step(self, name: str) -> Step:
        """The step called ``name``.

        Raises:
            SpecError: No step has that name; the nearest one is suggested.
        """
        number = self._index.get(name)
        if number is None:
            raise _unknown_step(name, [s.name for s in self.steps], ("step",))
        return self.steps[number]

    def predecessors(self, name: str) -> tuple[str, ...]:
        """The steps ``name`` waits for: its ``after``, or the step before it.

        Raises:
            SpecError: No step has that name.
        """
        number = self._index.get(name)
        if number is None:
            raise _unknown_step(name, [s.name for s in self.steps], ("step",))
        return tuple(self.steps[p].name for p in self._before[number])

    # -- variants ------------------------------------------------------------------------

    def with_measured(self, measured: Mapping[str, float]) -> ValueStream:
        """The stream with measured %C&A in place of the estimated ones.

        ``measured`` maps step names to a percentage (0-100); a rate from 0 to 1,
        such as :attr:`HandoffMetrics.first_pass_rate
        <alignkit.handoff.HandoffMetrics.first_pass_rate>`, is multiplied by 100
        first by the caller.

        Raises:
            SpecError: A step that is not in the stream, or a percentage outside 0-100.

        >>> import datetime as dt
        >>> h = dt.timedelta(hours=1)
        >>> stream = ValueStream("s", [Step("Sell", "Sales", h, h, 90), Step("Hand over", "Operations", h, 2 * h, 95)])
        >>> stream.with_measured({"Hand over": 60.0}).rolled_pct_complete_accurate
        54.0

        Added in 0.2.
        """  # noqa: E501 - a doctest's input line
        names = [step.name for step in self.steps]
        problems = [
            _unknown_step(name, names, ("measured", name)).problems[0]
            for name in measured
            if name not in names
        ]
        if problems:
            raise SpecError(problems)
        steps = []
        for step in self.steps:
            if step.name in measured:
                try:
                    step = attrs.evolve(step, pct_complete_accurate=measured[step.name])  # noqa: PLW2901
                except SpecError as error:
                    raise SpecError.single(
                        error.problems[0].message, Location(path=("measured", step.name))
                    ) from None
            steps.append(step)
        return ValueStream(self.name, steps, self.working_day)

    @classmethod
    def from_table(
        cls,
        rows: Iterable[Mapping[str, object]],
        *,
        name: str = "value stream",
        working_day: dt.timedelta | str = EIGHT_HOURS,
    ) -> ValueStream:
        """A stream from rows of text, as a spreadsheet or the alignment file writes them.

        Each row has ``name``, ``function``, ``process_time`` and ``lead_time``
        (durations as :func:`parse_duration` reads them, ``d`` being
        ``working_day``), and optionally ``pct_complete_accurate`` (a number from 0
        to 100; blank: 100) and ``after`` (a list of step names, or one text with
        names separated by commas).

        Raises:
            SpecError: Every bad cell of every row, at ``(row, column)`` (rows
                counted from 0), then what the steps together get wrong.

        >>> stream = ValueStream.from_table([
        ...     {"name": "Quote", "function": "Sales", "process_time": "2h", "lead_time": "1d"},
        ...     {"name": "Set up", "function": "Operations", "process_time": "0.5d",
        ...      "lead_time": "1w", "pct_complete_accurate": "85"},
        ... ], name="quote-to-cash", working_day="7.5h")
        >>> stream.lead_time
        datetime.timedelta(days=1, seconds=75600)

        Added in 0.2.
        """
        problems: list[Problem] = []
        day = working_day
        if isinstance(working_day, str):
            try:
                day = parse_duration(working_day)
            except ValueError as error:
                problems.append(_at(("working_day",), str(error)))
                day = EIGHT_HOURS
        assert isinstance(day, dt.timedelta)  # noqa: S101 - parsed just above
        steps: list[Step] = []
        for index, row in enumerate(rows):
            step = _row_step(index, row, day, problems)
            if step is not None:
                steps.append(step)
        if problems:
            raise SpecError(problems)
        return cls(name, steps, day)

    def to_rows(self) -> list[dict[str, object]]:
        """The steps as rows of text, as :meth:`from_table` reads them."""
        day = self.working_day
        return [
            {
                "name": step.name,
                "function": step.function,
                "process_time": format_duration(step.process_time, day),
                "lead_time": format_duration(step.lead_time, day),
                "pct_complete_accurate": step.pct_complete_accurate,
                "after": list(step.after),
            }
            for step in self.steps
        ]


_ROW_KEYS: Final = (
    "name",
    "function",
    "process_time",
    "lead_time",
    "pct_complete_accurate",
    "after",
)
_REQUIRED: Final = ("name", "function", "process_time", "lead_time")


def _row_step(
    index: int, row: Mapping[str, object], day: dt.timedelta, problems: list[Problem]
) -> Step | None:
    if not isinstance(row, Mapping):
        problems.append(_at((index,), f"Each row must be a mapping of columns, got {row!r}"))
        return None
    before = len(problems)
    for key in row:
        if key not in _ROW_KEYS:
            close = suggest(str(key), _ROW_KEYS)
            hint = f"; did you mean `{close}`?" if close else ""
            problems.append(_at((index, str(key)), f"Unknown column `{key}`{hint}"))
    values: dict[str, Any] = {}
    for key in _REQUIRED:
        value = row.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(_at((index, key), f"Row {index} has no `{key}`"))
        else:
            values[key] = value
    for key in ("process_time", "lead_time"):
        value = values.get(key)
        if isinstance(value, str):
            try:
                values[key] = parse_duration(value, day)
            except ValueError as error:
                problems.append(_at((index, key), str(error)))
    pct = row.get("pct_complete_accurate")
    if pct is None or (isinstance(pct, str) and not pct.strip()):
        values["pct_complete_accurate"] = 100.0
    elif isinstance(pct, str):
        try:
            values["pct_complete_accurate"] = float(pct.strip().removesuffix("%"))
        except ValueError:
            problems.append(
                _at((index, "pct_complete_accurate"), f"`{pct}` is not a percentage (0 to 100)")
            )
    else:
        values["pct_complete_accurate"] = pct
    after = row.get("after") or ()
    if isinstance(after, str):
        after = tuple(part.strip() for part in after.split(",") if part.strip())
    values["after"] = after
    if len(problems) > before:
        return None
    try:
        return Step(**values)
    except SpecError as error:
        problems.extend(_relocated(error, index).problems)
        return None


def _relocated(error: SpecError, *prefix: str | int) -> SpecError:
    return SpecError(
        [
            Problem(
                p.message,
                Location(path=(*prefix, *(p.location.path if p.location is not None else ()))),
            )
            for p in error.problems
        ]
    )


def _unknown_step(name: str, names: Sequence[str], path: tuple[str | int, ...]) -> SpecError:
    close = suggest(name, names)
    hint = f"; did you mean `{close}`?" if close else ""
    return SpecError.single(f"`{name}` is not a step of the stream{hint}", Location(path=path))


# -- the graph ---------------------------------------------------------------------------------


class _Graph:
    """The steps as a graph: names to indexes, each step's predecessors, and what is wrong.

    Worked out in one pass over the steps; the search for a cycle runs only when a
    step waits for one listed after it (steps listed in order cannot form one).
    """

    __slots__ = ("before", "in_order", "index", "problems", "written")

    def __init__(self, steps: Sequence[Step]) -> None:
        self.problems: list[Problem] = []
        names = [step.name for step in steps]
        index = dict(zip(names, range(len(names)), strict=True))
        if len(index) != len(names):  # a name used twice: the first one stands
            index = {}
            for number, name in enumerate(names):
                first = index.setdefault(name, number)
                if first != number:
                    self.problems.append(
                        _at(
                            ("steps", number, "name"),
                            f"Step `{name}` is declared twice (steps {first} and {number})",
                        )
                    )
        self.index = index
        afters = [step.after for step in steps]
        # Each step after the one before it, then the steps that say otherwise.
        before: list[tuple[int, ...]] = list(zip(range(-1, len(steps) - 1)))
        before[0] = ()
        in_order = True
        written = list(itertools.compress(range(len(steps)), afters))
        self.written = set(written)
        """The steps whose ``after`` names their predecessors."""
        for number in written:
            step = steps[number]
            found = []
            for name in afters[number]:
                at = index.get(name)
                if at is None:
                    self.problems.append(_unknown_after(step, name, number, list(index)))
                elif at == number:
                    self.problems.append(
                        _at(("steps", number, "after"), f"Step `{step.name}` comes after itself")
                    )
                else:
                    found.append(at)
                    in_order = in_order and at < number
            before[number] = tuple(found)
        self.before = tuple(before)
        self.in_order = in_order
        if not self.problems and not in_order:
            cycle = _cycle(self.before)
            if cycle:
                shown = " -> ".join(f"`{steps[n].name}`" for n in (*cycle, cycle[0]))
                # At a step whose `after` closes the cycle: following the step before cannot.
                closing = next(n for n in cycle if steps[n].after)
                self.problems.append(
                    _at(
                        ("steps", closing, "after"),
                        f"Steps wait for each other in a cycle ({shown}): a stream flows one way",
                    )
                )

    def order(self) -> Iterable[int]:
        """The steps in an order where each comes after its predecessors."""
        if self.in_order:
            return range(len(self.before))
        return _order(self.before)


def _unknown_after(step: Step, name: str, number: int, names: list[str]) -> Problem:
    close = suggest(name, names)
    hint = f"; did you mean `{close}`?" if close else ""
    return _at(
        ("steps", number, "after"),
        f"Step `{step.name}` comes after `{name}`, which is not a step{hint}",
    )


def _cycle(predecessors: Sequence[tuple[int, ...]]) -> list[int]:
    """A cycle among the steps, as step indexes (empty: none)."""
    state = [0] * len(predecessors)  # 0 unseen, 1 on the current path, 2 done
    for start in range(len(predecessors)):
        if state[start]:
            continue
        path: list[int] = []
        stack: list[tuple[int, Iterator[int]]] = [(start, iter(predecessors[start]))]
        state[start] = 1
        path.append(start)
        while stack:
            node, pending = stack[-1]
            advanced = False
            for nxt in pending:
                if state[nxt] == 1:
                    return path[path.index(nxt) :][::-1]
                if state[nxt] == 0:
                    state[nxt] = 1
                    path.append(nxt)
                    stack.append((nxt, iter(predecessors[nxt])))
                    advanced = True
                    break
            if not advanced:
                state[node] = 2
                path.pop()
                stack.pop()
    return []


def _order(predecessors: Sequence[tuple[int, ...]]) -> list[int]:
    """The steps in an order where each comes after its predecessors (Kahn's algorithm)."""
    successors: list[list[int]] = [[] for _ in predecessors]
    waiting = [len(before) for before in predecessors]
    for n, before in enumerate(predecessors):
        for p in before:
            successors[p].append(n)
    order = [n for n, count in enumerate(waiting) if not count]
    for node in order:  # grows as steps become ready
        for nxt in successors[node]:
            waiting[nxt] -= 1
            if not waiting[nxt]:
                order.append(nxt)
    return order


_FIRST: Final = operator.itemgetter(0)
_LEAD_US: Final = operator.attrgetter("_lead_us")
_PROCESS_US: Final = operator.attrgetter("_process_us")
_PCT: Final = operator.attrgetter("pct_complete_accurate")
_FUNCTION: Final = operator.attrgetter("function")


def _measure(steps: Sequence[Step], graph: _Graph) -> StreamMetrics:
    """Every metric, in one pass over the steps in order (integer microseconds)."""
    predecessors = graph.before
    lead = list(map(_LEAD_US, steps))
    process = list(map(_PROCESS_US, steps))
    finish, via = _longest_chains(predecessors, lead, graph)
    latest = max(finish)
    end = finish.index(latest)  # the first of the latest
    path = []
    node = end
    while node >= 0:
        path.append(node)
        node = via[node]
    path.reverse()
    total_process = sum(map(process.__getitem__, path))
    functions = list(map(_FUNCTION, steps))
    per_function: dict[str, int] = {}
    for function, time in zip(
        map(functions.__getitem__, path), map(lead.__getitem__, path), strict=True
    ):
        per_function[function] = per_function.get(function, 0) + time
    # A step of no time takes no share.
    share = {f: time / latest for f, time in per_function.items() if time}
    rolled = 100 * math.prod(map(operator.truediv, map(_PCT, steps), itertools.repeat(100)))
    edges = _handoff_edges(functions, graph)
    names = list(graph.index)  # the names in order: none is used twice
    handoffs = _handoffs(steps, functions, names, edges)
    return StreamMetrics(
        lead_time=dt.timedelta(microseconds=latest),
        process_time=dt.timedelta(microseconds=total_process),
        wait_time=dt.timedelta(microseconds=latest - total_process),
        activity_ratio=total_process / latest if latest else 0.0,
        rolled_pct_complete_accurate=rolled,
        handoffs=handoffs,
        handoff_wait=dt.timedelta(microseconds=sum([lead[n] - process[n] for n, _ in edges])),
        bottleneck=steps[_bottleneck(lead, process)],
        lead_time_share=FrozenDict(share),
        critical_path=tuple(map(names.__getitem__, path)),
        steps=len(steps),
    )


def _longest_chains(
    predecessors: Sequence[tuple[int, ...]], lead: list[int], graph: _Graph
) -> tuple[list[int], list[int]]:
    """When each step finishes at the latest, and the predecessor on its longest chain.

    A step waits for the first of its predecessors to finish last; one without any
    has ``-1``.
    """
    finish = [0] * len(lead)
    via = [-1] * len(lead)
    pairs = (
        enumerate(predecessors)
        if graph.in_order
        else ((node, predecessors[node]) for node in graph.order())
    )
    for node, before in pairs:
        if len(before) == 1:  # most steps: one after the other
            best = before[0]
            finish[node] = finish[best] + lead[node]
            via[node] = best
            continue
        start, via[node] = _latest_of(before, finish)
        finish[node] = start + lead[node]
    return finish, via


def _latest_of(before: tuple[int, ...], finish: list[int]) -> tuple[int, int]:
    """The latest finish among ``before``, and the first step that finishes then (-1: none)."""
    start, best = 0, -1
    for p in before:
        if best < 0 or finish[p] > start:
            start, best = finish[p], p
    return start, best


def _handoff_edges(functions: list[str], graph: _Graph) -> list[tuple[int, int]]:
    """Each change of function along an edge, as (step, predecessor), in stream order.

    In the order of the later step, then of its ``after``.
    """
    predecessors = graph.before
    # Steps that follow the step before them: compare the functions side by side.
    edges = [
        (n, n - 1)
        for n in itertools.compress(
            range(1, len(functions)), map(operator.ne, functions[1:], functions[:-1])
        )
        if n not in graph.written
    ]
    edges += [
        (n, p) for n in graph.written for p in predecessors[n] if functions[p] != functions[n]
    ]
    edges.sort(key=_FIRST)  # stable: a step's predecessors stay in the order of its `after`
    return edges


def _handoffs(
    steps: Sequence[Step], functions: list[str], names: list[str], edges: list[tuple[int, int]]
) -> tuple[Handoff, ...]:
    new = tuple.__new__
    return tuple(
        [
            new(Handoff, (names[p], names[n], functions[p], functions[n], steps[n]._wait))  # noqa: SLF001
            for n, p in edges
        ]
    )


def _bottleneck(lead: list[int], process: list[int]) -> int:
    """The step with the longest wait; ties: the longer lead time, then the earlier step."""
    waits = list(map(operator.sub, lead, process))
    longest = max(waits)
    first = waits.index(longest)
    if waits.count(longest) == 1:
        return first
    tied = [n for n in range(first, len(waits)) if waits[n] == longest]
    return max(tied, key=lambda n: (lead[n], -n))


# -- comparison --------------------------------------------------------------------------------

Direction = Literal["lower", "higher"]

_COMPARED: Final[tuple[tuple[str, Direction], ...]] = (
    ("lead_time", "lower"),
    ("process_time", "lower"),
    ("wait_time", "lower"),
    ("activity_ratio", "higher"),
    ("rolled_pct_complete_accurate", "higher"),
    ("handoffs", "lower"),
    ("handoff_wait", "lower"),
    ("steps", "lower"),
)


@final
@attrs.frozen
class MetricChange:
    """One metric in the current and the future state.

    Attributes:
        metric: Its name, as on :class:`StreamMetrics` (``handoffs``: their number).
        current: Its value now.
        future: Its value in the future state.
        change: ``future - current``.
        better: Which way is better: ``"lower"`` or ``"higher"``.

    Added in 0.2.
    """

    metric: str
    current: dt.timedelta | float | int
    future: dt.timedelta | float | int
    change: dt.timedelta | float | int
    better: Direction

    @property
    def worse(self) -> bool:
        """True when the future state is worse on this metric."""
        if self.better == "lower":
            return bool(self.future > self.current)  # type: ignore[operator]
        return bool(self.future < self.current)  # type: ignore[operator]


@final
@attrs.frozen
class StreamComparison:
    """The current and the future state of a stream, metric by metric.

    Added in 0.2.
    """

    current: ValueStream
    future: ValueStream
    changes: tuple[MetricChange, ...]

    @property
    def worse(self) -> tuple[MetricChange, ...]:
        """The metrics on which the future state is worse than the current one."""
        return tuple(change for change in self.changes if change.worse)

    def change(self, metric: str) -> MetricChange:
        """The change of ``metric``.

        Raises:
            KeyError: No such metric is compared.
        """
        for change in self.changes:
            if change.metric == metric:
                return change
        raise KeyError(metric)


def _value(metrics: StreamMetrics, metric: str) -> dt.timedelta | float | int:
    if metric == "handoffs":
        return len(metrics.handoffs)
    value: dt.timedelta | float | int = getattr(metrics, metric)
    return value


def compare(current: ValueStream, future: ValueStream) -> StreamComparison:
    """The change in every metric from ``current`` to ``future``, and where it is worse.

    >>> import datetime as dt
    >>> h = dt.timedelta(hours=1)
    >>> now = ValueStream("s", [Step("Sell", "Sales", h, 8 * h), Step("Build", "IT", 4 * h, 40 * h)])
    >>> later = ValueStream("s", [Step("Sell", "Sales", h, 8 * h), Step("Build", "IT", 4 * h, 16 * h)])
    >>> comparison = compare(now, later)
    >>> comparison.change("lead_time").change, comparison.worse
    (datetime.timedelta(days=-1), ())

    Added in 0.2.
    """  # noqa: E501 - a doctest's input line
    for which, stream in (("current", current), ("future", future)):
        if not isinstance(stream, ValueStream):
            raise SpecError.single(
                f"`{which}` must be a ValueStream, got {type(stream).__name__}",
                Location(path=(which,)),
            )
    changes = []
    for metric, better in _COMPARED:
        before, after = _value(current.metrics, metric), _value(future.metrics, metric)
        changes.append(MetricChange(metric, before, after, after - before, better))  # type: ignore[operator]
    return StreamComparison(current, future, tuple(changes))
