"""The ``value_streams:`` section: each stream's current state, and its future state."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from pydantic import Field, field_validator

from alignkit._spec import NAME_PATTERN, SpecModel, TupleOf, declared_twice
from alignkit._suggest import suggest
from alignkit.diagnostics import Location
from alignkit.errors import Problem, SpecError
from alignkit.value_stream._model import ValueStream, parse_duration

__all__ = ["StepSpec", "StreamSpec", "ValueStreamsSection"]

_DURATION_HELP: Final = "text like `15m`, `2h`, `0.5d` (working days) or `1w`"


class StepSpec(SpecModel):
    """A step as the file declares it (see :class:`~alignkit.value_stream.Step`).

    Added in 0.2.
    """

    name: str = Field(min_length=1, pattern=NAME_PATTERN, description="The step's name.")
    function: str = Field(min_length=1, description="The function that owns the step.")
    process_time: str = Field(description=f"Hands-on time: {_DURATION_HELP}.")
    lead_time: str = Field(
        description=f"The whole time a unit is in the step, its wait included: {_DURATION_HELP}."
    )
    pct_complete_accurate: float = Field(
        default=100.0,
        ge=0,
        le=100,
        description="%C&A: the share of units the next step can use as they come (0-100).",
    )
    after: TupleOf[str] | str = Field(
        default=(), description="The steps it waits for (by default, the step before it)."
    )

    @field_validator("process_time", "lead_time", mode="before")
    @classmethod
    def _unitless_zero(cls, value: object) -> object:
        # YAML reads `0` as a number: the one duration that needs no unit.
        if isinstance(value, int | float) and not isinstance(value, bool):
            if value == 0:
                return "0"
            msg = f"`{value}` has no unit: write it like `{value}h`, `{value}d` or `{value}m`"
            raise ValueError(msg)
        return value

    @field_validator("process_time", "lead_time", mode="after")
    @classmethod
    def _duration(cls, value: str) -> str:
        parse_duration(value)  # a ValueError says how to write one
        return value

    def row(self) -> dict[str, Any]:
        """The step as a row of :meth:`ValueStream.from_table`."""
        after = (self.after,) if isinstance(self.after, str) else self.after
        return {
            "name": self.name,
            "function": self.function,
            "process_time": self.process_time,
            "lead_time": self.lead_time,
            "pct_complete_accurate": self.pct_complete_accurate,
            "after": list(after),
        }


class StreamSpec(SpecModel):
    """A value stream as the file declares it: its current state, and a future one.

    Added in 0.2.
    """

    name: str = Field(min_length=1, pattern=NAME_PATTERN, description="The stream's name.")
    description: str = Field(default="", description="What flows through it, in a few words.")
    working_day: str = Field(
        default="8h", description="The length of a working day, for durations in `d` and `w`."
    )
    current: TupleOf[StepSpec] = Field(min_length=1, description="The steps as they are now.")
    future: TupleOf[StepSpec] | None = Field(
        default=None, description="The steps as they should become (optional)."
    )

    @field_validator("working_day", mode="after")
    @classmethod
    def _day(cls, value: str) -> str:
        parse_duration(value)
        return value

    def _invariants(self) -> Iterator[Problem]:
        seen: set[tuple[object, str]] = set()
        for state in ("current", "future"):
            try:
                self._stream(state)
            except SpecError as error:
                for problem in map(_relocated, error.problems, [state] * len(error.problems)):
                    key = (problem.location.path, problem.message)
                    if key not in seen:  # the working day is both states'
                        seen.add(key)
                        yield problem

    def _stream(self, state: str) -> ValueStream | None:
        steps: tuple[StepSpec, ...] | None = getattr(self, state)
        if steps is None:
            return None
        return ValueStream.from_table(
            [step.row() for step in steps], name=self.name, working_day=self.working_day
        )

    def current_stream(self) -> ValueStream:
        """The current state, as a :class:`~alignkit.value_stream.ValueStream`."""
        stream = self._stream("current")
        assert stream is not None  # noqa: S101 - the current state is required
        return stream

    def future_stream(self) -> ValueStream | None:
        """The future state, if the file declares one."""
        return self._stream("future")


def _relocated(problem: Problem, state: str) -> Problem:
    """A problem of ``ValueStream.from_table`` at its place in the file."""
    path = problem.location.path if problem.location is not None else ()
    if path[:1] == ("steps",):  # the stream's own checks: ("steps", index, field)
        path = path[1:]
    if path[:1] == ("working_day",):
        return Problem(problem.message, Location(path=path))
    return Problem(problem.message, Location(path=(state, *path)))


class ValueStreamsSection(SpecModel):
    """The ``value_streams`` section: the value streams of the organisation.

    >>> section = ValueStreamsSection.model_validate({"streams": [{
    ...     "name": "quote-to-cash",
    ...     "current": [
    ...         {"name": "Quote", "function": "Sales", "process_time": "2h", "lead_time": "1d"},
    ...         {"name": "Invoice", "function": "Finance", "process_time": "1h", "lead_time": "3d"},
    ...     ],
    ... }]})
    >>> section.stream("quote-to-cash").current_stream().lead_time
    datetime.timedelta(days=1, seconds=28800)

    Added in 0.2.
    """

    streams: TupleOf[StreamSpec] = Field(default=(), description="The value streams.")

    def _invariants(self) -> Iterator[Problem]:
        yield from declared_twice("Value stream", "streams", (s.name for s in self.streams))

    def stream(self, name: str) -> StreamSpec:
        """The stream called ``name``.

        Raises:
            SpecError: No stream has that name; the nearest one is suggested.
        """
        for stream in self.streams:
            if stream.name == name:
                return stream
        names = [s.name for s in self.streams]
        close = suggest(name, names)
        if close:
            hint = f"; did you mean `{close}`?"
        elif names:
            hint = f"; the file has {', '.join(f'`{n}`' for n in names)}"
        else:
            hint = "; the file declares no value streams"
        raise SpecError.single(
            f"`{name}` is not a value stream of the file{hint}",
            Location(path=("value_streams", "streams")),
        )
