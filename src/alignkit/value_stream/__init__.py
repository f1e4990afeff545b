"""Value streams: every step, handover and wait of a unit of work across functions.

A :class:`ValueStream` is a list of :class:`Step` s, each owned by a function, with
its process time (the work) and lead time (the whole time in the step, its wait
included) and its %C&A (the share of units the next step can use as they come).
Its metrics are those of value stream mapping: total lead and process time along
the critical path, the activity ratio, the rolled %C&A, the handoffs between
functions with the wait each adds, and the bottleneck. :func:`compare` sets a
future state against the current one.

>>> import datetime as dt
>>> from alignkit.value_stream import Step, ValueStream
>>> h = dt.timedelta(hours=1)
>>> stream = ValueStream("onboarding", [
...     Step("Close", "Sales", 1 * h, 4 * h, 70),
...     Step("Kick-off", "Operations", 2 * h, 40 * h, 90),
... ])
>>> stream.bottleneck.name, round(stream.rolled_pct_complete_accurate, 1)
('Kick-off', 63.0)

Added in 0.2.
"""

from __future__ import annotations

from alignkit._exports import publish
from alignkit.value_stream._model import (
    Handoff,
    MetricChange,
    Step,
    StreamComparison,
    StreamMetrics,
    ValueStream,
    compare,
    format_duration,
    parse_duration,
)
from alignkit.value_stream._render import to_dict, to_markdown, to_mermaid
from alignkit.value_stream._section import StepSpec, StreamSpec, ValueStreamsSection

__all__ = [
    "Handoff",
    "MetricChange",
    "Step",
    "StepSpec",
    "StreamComparison",
    "StreamMetrics",
    "StreamSpec",
    "ValueStream",
    "ValueStreamsSection",
    "compare",
    "format_duration",
    "parse_duration",
    "to_dict",
    "to_markdown",
    "to_mermaid",
]

publish(globals(), __all__)
