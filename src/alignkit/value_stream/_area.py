"""Value streams as an area of the alignment file: ``value_streams:``, ``VS`` codes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Final

from alignkit._suggest import suggest
from alignkit.areas import AlignmentView, Area
from alignkit.diagnostics import Diagnostic
from alignkit.errors import SpecError
from alignkit.value_stream._model import ValueStream, compare, format_duration
from alignkit.value_stream._rules import (
    FUTURE_STATE_WORSE,
    NOT_CROSS_FUNCTIONAL,
    RULES,
    STEP_OF_UNKNOWN_FUNCTION,
    WAIT_DOMINATES,
    WAIT_SHARE,
)
from alignkit.value_stream._section import StreamSpec, ValueStreamsSection

__all__ = ["AREA", "check"]

_LABELS: Final = {
    "lead_time": "lead time",
    "process_time": "process time",
    "wait_time": "wait time",
    "activity_ratio": "activity ratio",
    "rolled_pct_complete_accurate": "rolled %C&A",
    "handoffs": "handoffs",
    "handoff_wait": "wait at handoffs",
    "steps": "steps",
}


def check(file: AlignmentView, options: None) -> Iterable[Diagnostic]:
    """The ``VS`` codes on the file's ``value_streams`` section."""
    del options  # nothing to tune
    section: ValueStreamsSection | None = file.section("value_streams")
    if section is None:
        return ()
    functions = [f.name for f in file.org.functions] if file.org is not None else None
    return _findings(section, functions)


def _findings(section: ValueStreamsSection, functions: list[str] | None) -> Iterator[Diagnostic]:
    for index, spec in enumerate(section.streams):
        where = ("value_streams", "streams", index)
        try:
            current, future = spec.current_stream(), spec.future_stream()
        except SpecError:  # pragma: no cover - the section's own checks refuse it first
            continue
        if functions is not None:
            yield from _unknown_functions(spec, functions, where)
        if len({step.function for step in current.steps}) == 1:
            yield NOT_CROSS_FUNCTIONAL.diagnostic(
                f"Value stream `{spec.name}` stays in `{current.steps[0].function}`: no step "
                "hands over to another function",
                path=(*where, "current"),
                target=spec.name,
            )
        yield from _dominant_waits(current, (*where, "current"))
        if future is not None:
            yield from _dominant_waits(future, (*where, "future"))
            worse = compare(current, future).worse
            if worse:
                listed = ", ".join(
                    f"{_LABELS[c.metric]} ({_shown(c.current, current)} -> "
                    f"{_shown(c.future, current)})"
                    for c in worse
                )
                yield FUTURE_STATE_WORSE.diagnostic(
                    f"The future state of `{spec.name}` is worse than its current state on "
                    f"{listed}",
                    path=(*where, "future"),
                    target=spec.name,
                )


def _shown(value: object, stream: ValueStream) -> str:
    import datetime as dt

    if isinstance(value, dt.timedelta):
        return format_duration(value, stream.working_day)
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def _unknown_functions(
    spec: StreamSpec, functions: list[str], where: tuple[str | int, ...]
) -> Iterator[Diagnostic]:
    known = set(functions)
    for state in ("current", "future"):
        steps = getattr(spec, state) or ()
        for number, step in enumerate(steps):
            if step.function in known:
                continue
            close = suggest(step.function, functions)
            yield STEP_OF_UNKNOWN_FUNCTION.diagnostic(
                f"Step `{step.name}` of `{spec.name}` is owned by `{step.function}`, which is "
                "not a function of the org",
                path=(*where, state, number, "function"),
                target=step.function,
                hint=f"Did you mean `{close}`?" if close else None,
            )


def _dominant_waits(stream: ValueStream, where: tuple[str | int, ...]) -> Iterator[Diagnostic]:
    total = stream.lead_time
    if not total:
        return
    for number, step in enumerate(stream.steps):
        share = step.wait / total
        if share > WAIT_SHARE:
            yield WAIT_DOMINATES.diagnostic(
                f"Step `{step.name}` of `{stream.name}` waits "
                f"{format_duration(step.wait, stream.working_day)}, {share:.0%} of the "
                f"stream's lead time ({format_duration(total, stream.working_day)})",
                path=(*where, number, "lead_time"),
                target=step.name,
            )


AREA: Final = Area(
    key="value_streams",
    prefix="VS",
    title="Value streams",
    module="alignkit.value_stream",
    section=ValueStreamsSection,
    rules=RULES,
    check=check,
    commands="vsm = alignkit.value_stream._cli:vsm",
)
