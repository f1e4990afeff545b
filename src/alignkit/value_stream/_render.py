"""Value streams drawn and tabled: Mermaid, Markdown and JSON-ready data."""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from alignkit.value_stream._model import (
    MetricChange,
    StreamComparison,
    StreamMetrics,
    ValueStream,
    format_duration,
)

__all__ = ["to_dict", "to_markdown", "to_mermaid"]

_METRIC_LABELS: Final = {
    "lead_time": "Lead time",
    "process_time": "Process time",
    "wait_time": "Wait time",
    "activity_ratio": "Activity ratio",
    "rolled_pct_complete_accurate": "Rolled %C&A",
    "handoffs": "Handoffs",
    "handoff_wait": "Wait at handoffs",
    "steps": "Steps",
}


def _label(text: str) -> str:
    """Text for a Mermaid label in double quotes: quotes and markup characters as entities."""
    return (
        text.replace("&", "#amp;")
        .replace('"', "#quot;")
        .replace("<", "#lt;")
        .replace(">", "#gt;")
        .replace("\n", " ")
    )


def _cell(text: str) -> str:
    """Text for a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _pct(value: float) -> str:
    return f"{value:.1f}%"


def to_mermaid(stream: ValueStream) -> str:
    """The stream as a Mermaid flowchart: a lane (subgraph) per function, then its ladder.

    Each step shows its process time (PT), lead time (LT) and %C&A; the ladder under
    the lanes follows the critical path, each step's wait then its process time.

    >>> import datetime as dt
    >>> from alignkit.value_stream import Step, ValueStream
    >>> h = dt.timedelta(hours=1)
    >>> stream = ValueStream("s", [Step("Sell", "Sales", h, 2 * h), Step("Build", "IT", h, 8 * h)])
    >>> print(to_mermaid(stream))  # doctest: +ELLIPSIS
    flowchart LR
      subgraph lane0["Sales"]
        s0["Sell<br/>PT 1h · LT 2h<br/>%C&A 100.0%"]
      end
    ...
      s0 --> s1
    ...

    Added in 0.2.
    """
    day = stream.working_day
    number = {step.name: n for n, step in enumerate(stream.steps)}
    lanes: dict[str, list[int]] = {}
    for n, step in enumerate(stream.steps):
        lanes.setdefault(step.function, []).append(n)
    lines = ["flowchart LR"]
    for lane, (function, members) in enumerate(lanes.items()):
        lines.append(f'  subgraph lane{lane}["{_label(function)}"]')
        for n in members:
            step = stream.steps[n]
            text = (
                f"{_label(step.name)}<br/>PT {format_duration(step.process_time, day)} · "
                f"LT {format_duration(step.lead_time, day)}<br/>%C&A "
                f"{_pct(step.pct_complete_accurate)}"
            )
            lines.append(f'    s{n}["{text}"]')
        lines.append("  end")
    lines.extend(
        f"  s{number[before]} --> s{number[step.name]}"
        for step in stream.steps
        for before in stream.predecessors(step.name)
    )
    metrics = stream.metrics
    lines.append(
        f'  subgraph ladder["Critical path: lead time {format_duration(metrics.lead_time, day)}, '
        f'process time {format_duration(metrics.process_time, day)}"]'
    )
    lines.append("    direction LR")
    rungs = []
    for step in stream.critical_path:
        n = number[step.name]
        lines.append(f'    w{n}["wait {format_duration(step.wait, day)}"]')
        lines.append(f'    p{n}["{_label(step.name)}: {format_duration(step.process_time, day)}"]')
        rungs += [f"w{n}", f"p{n}"]
    lines.append(f"    {' --- '.join(rungs)}")
    lines.append("  end")
    bottleneck = number[metrics.bottleneck.name]
    lines.append("  classDef bottleneck stroke:#c0392b,stroke-width:3px")
    lines.append(f"  class s{bottleneck},w{bottleneck} bottleneck")
    return "\n".join(lines)


def _in_unit(value: dt.timedelta, unit: tuple[str, dt.timedelta] | None, day: dt.timedelta) -> str:
    if unit is None:
        return format_duration(value, day)
    name, size = unit
    return f"{value / size:g}{name}" if value else "0"


def _unit_of(values: list[dt.timedelta], day: dt.timedelta) -> tuple[str, dt.timedelta] | None:
    """One unit for a row of durations: whole weeks, days or hours, else two decimals."""
    hour, minute = dt.timedelta(hours=1), dt.timedelta(minutes=1)
    largest = max(map(abs, values))
    for name, size, scale in (
        ("w", 5 * day, 1),
        ("d", day, 1),
        ("h", hour, 1),
        ("d", day, 100),
        ("h", hour, 100),
        ("m", minute, 1),
    ):
        if largest >= size and all((abs(v) * scale) % size == dt.timedelta(0) for v in values):
            return name, size
    return None


def _metric_text(
    metric: str,
    value: dt.timedelta | float,
    day: dt.timedelta,
    unit: tuple[str, dt.timedelta] | None = None,
) -> str:
    if isinstance(value, dt.timedelta):
        sign = "-" if value < dt.timedelta(0) else ""
        return sign + _in_unit(abs(value), unit, day)
    if metric == "activity_ratio":
        return f"{value:.1%}"
    if metric == "rolled_pct_complete_accurate":
        return _pct(value)
    return str(value)


def _metric_rows(metrics: StreamMetrics, day: dt.timedelta) -> list[tuple[str, str]]:
    rows = [
        ("Lead time", format_duration(metrics.lead_time, day)),
        ("Process time", format_duration(metrics.process_time, day)),
        ("Activity ratio", f"{metrics.activity_ratio:.1%}"),
        ("Rolled %C&A", _pct(metrics.rolled_pct_complete_accurate)),
        (
            "Handoffs",
            f"{len(metrics.handoffs)} (wait {format_duration(metrics.handoff_wait, day)})",
        ),
        (
            "Bottleneck",
            f"{metrics.bottleneck.name} (wait {format_duration(metrics.bottleneck.wait, day)})",
        ),
    ]
    shares = ", ".join(f"{f} {s:.0%}" for f, s in metrics.lead_time_share.items())
    rows.append(("Lead time by function", shares))
    return rows


def to_markdown(subject: ValueStream | StreamComparison) -> str:
    """A stream's steps and metrics, or a comparison's changes, as Markdown tables.

    >>> import datetime as dt
    >>> from alignkit.value_stream import Step, ValueStream
    >>> h = dt.timedelta(hours=1)
    >>> print(to_markdown(ValueStream("s", [Step("Sell", "Sales", h, 2 * h, 90)])))
    ... # doctest: +ELLIPSIS
    ## s
    <BLANKLINE>
    | step | function | process time | lead time | wait | %C&A | after |
    |---|---|---|---|---|---|---|
    | Sell | Sales | 1h | 2h | 1h | 90.0% |  |
    ...

    Added in 0.2.
    """
    if isinstance(subject, StreamComparison):
        return _comparison_markdown(subject)
    stream = subject
    day = stream.working_day
    lines = [
        f"## {_cell(stream.name)}",
        "",
        "| step | function | process time | lead time | wait | %C&A | after |",
        "|---|---|---|---|---|---|---|",
    ]
    for step in stream.steps:
        after = ", ".join(step.after)
        lines.append(
            f"| {_cell(step.name)} | {_cell(step.function)} | "
            f"{format_duration(step.process_time, day)} | {format_duration(step.lead_time, day)} | "
            f"{format_duration(step.wait, day)} | {_pct(step.pct_complete_accurate)} | "
            f"{_cell(after)} |"
        )
    lines += ["", "| metric | value |", "|---|---|"]
    lines += [f"| {name} | {_cell(value)} |" for name, value in _metric_rows(stream.metrics, day)]
    return "\n".join(lines) + "\n"


def _comparison_markdown(comparison: StreamComparison) -> str:
    day = comparison.current.working_day
    lines = [
        f"## {_cell(comparison.current.name)}: current and future state",
        "",
        "| metric | current | future | change | |",
        "|---|---|---|---|---|",
    ]
    for change in comparison.changes:
        verdict = "worse" if change.worse else ("better" if change.change else "")
        unit = None
        if isinstance(change.current, dt.timedelta) and isinstance(change.future, dt.timedelta):
            unit = _unit_of([change.current, change.future], day)  # one unit per row
        now = _metric_text(change.metric, change.current, day, unit)
        then = _metric_text(change.metric, change.future, day, unit)
        lines.append(
            f"| {_METRIC_LABELS[change.metric]} | {now} | {then} | {_signed(change, day, unit)} "
            f"| {verdict} |"
        )
    worse = comparison.worse
    lines.append("")
    if worse:
        names = ", ".join(_METRIC_LABELS[c.metric].lower() for c in worse)
        lines.append(f"The future state is worse on: {names}.")
    else:
        lines.append("The future state is no worse on any metric.")
    return "\n".join(lines) + "\n"


def _signed(change: MetricChange, day: dt.timedelta, unit: tuple[str, dt.timedelta] | None) -> str:
    value = change.change
    if isinstance(value, dt.timedelta):
        return ("+" if value >= dt.timedelta(0) else "-") + _in_unit(abs(value), unit, day)
    if change.metric == "activity_ratio":
        return f"{value * 100:+.1f} pts"
    if change.metric == "rolled_pct_complete_accurate":
        return f"{value:+.1f} pts"
    return f"{value:+d}" if isinstance(value, int) else f"{value:+g}"


def _seconds(value: dt.timedelta) -> float:
    return value.total_seconds()


def to_dict(subject: ValueStream | StreamComparison) -> dict[str, Any]:
    """A stream (steps and metrics) or a comparison as JSON-ready data; times in seconds.

    >>> import datetime as dt
    >>> from alignkit.value_stream import Step, ValueStream
    >>> h = dt.timedelta(hours=1)
    >>> data = to_dict(ValueStream("s", [Step("Sell", "Sales", h, 2 * h, 90)]))
    >>> data["metrics"]["lead_time_s"], data["metrics"]["critical_path"]
    (7200.0, ['Sell'])

    Added in 0.2.
    """
    if isinstance(subject, StreamComparison):
        return {
            "stream": subject.current.name,
            "changes": [
                {
                    "metric": c.metric,
                    "current": _plain(c.current),
                    "future": _plain(c.future),
                    "change": _plain(c.change),
                    "better": c.better,
                    "worse": c.worse,
                }
                for c in subject.changes
            ],
            "worse": [c.metric for c in subject.worse],
        }
    stream = subject
    metrics = stream.metrics
    return {
        "name": stream.name,
        "working_day_s": _seconds(stream.working_day),
        "steps": [
            {
                "name": step.name,
                "function": step.function,
                "process_time_s": _seconds(step.process_time),
                "lead_time_s": _seconds(step.lead_time),
                "wait_s": _seconds(step.wait),
                "pct_complete_accurate": step.pct_complete_accurate,
                "after": list(stream.predecessors(step.name)),
            }
            for step in stream.steps
        ],
        "metrics": {
            "lead_time_s": _seconds(metrics.lead_time),
            "process_time_s": _seconds(metrics.process_time),
            "wait_time_s": _seconds(metrics.wait_time),
            "activity_ratio": metrics.activity_ratio,
            "rolled_pct_complete_accurate": metrics.rolled_pct_complete_accurate,
            "handoffs": [
                {
                    "from_step": h.from_step,
                    "to_step": h.to_step,
                    "from_function": h.from_function,
                    "to_function": h.to_function,
                    "wait_s": _seconds(h.wait),
                }
                for h in metrics.handoffs
            ],
            "bottleneck": metrics.bottleneck.name,
            "lead_time_share": dict(metrics.lead_time_share),
            "critical_path": list(metrics.critical_path),
        },
    }


def _plain(value: dt.timedelta | float) -> float | int:
    return _seconds(value) if isinstance(value, dt.timedelta) else value
