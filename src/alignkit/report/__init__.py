"""The alignment report: the whole alignment file as one self-contained HTML page.

:func:`build` gathers what the file says (decision rights as a heatmap, the org chart,
teams, bonus plans and their payout curves, value streams, every finding of
``alignkit check`` and the diagnosis) and renders one page that works offline: no
request of any kind, styles, script and charts inline, readable printed and on a
phone. Every text from the file is escaped, and a Content-Security-Policy allows only
the page's own style and script. The same file and ``at`` give the same bytes, so a
report can be committed and diffed.

>>> import datetime as dt
>>> from alignkit.alignment_file import load
>>> from alignkit.report import build
>>> page = build(load("examples/acme/alignment.yaml"),
...              at=dt.datetime(2027, 1, 4, tzinfo=dt.UTC))
>>> page.startswith("<!DOCTYPE html>"), "Decision rights" in page
(True, True)

Added in 0.2.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from alignkit._exports import publish
from alignkit.report._data import MAX_DECISIONS, MAX_PARTIES, ReportData, gather

if TYPE_CHECKING:
    from alignkit.alignment_file import AlignmentFile

__all__ = ["MAX_DECISIONS", "MAX_PARTIES", "ReportData", "build", "report_data"]


def report_data(
    alignment: AlignmentFile,
    *,
    store: object = None,
    sla: object = None,
    at: dt.datetime | None = None,
    title: str | None = None,
) -> ReportData:
    """What the report of ``alignment`` shows, as plain values (for tools, or JSON).

    Takes the arguments of :func:`build`.

    Raises:
        SpecError: ``at`` has no time zone.
    """
    from alignkit._time import require_aware

    when = dt.datetime.now(dt.UTC) if at is None else require_aware(at, ("at",))
    path = alignment.file or "alignment.yaml"
    return gather(
        alignment,
        text=_text_of(alignment),
        path=path,
        at=when,
        title=title,
        store=store,
        sla=sla,
    )


def _text_of(alignment: AlignmentFile) -> bytes:
    """The file's bytes, for its hash (as ``sha256sum`` gives it); else the model's JSON."""
    from pathlib import Path

    if alignment.file is not None:
        try:
            return Path(alignment.file).read_bytes()
        except OSError:
            pass
    return alignment.model_dump_json().encode()


def build(
    alignment: AlignmentFile,
    *,
    store: object = None,
    sla: object = None,
    at: dt.datetime | None = None,
    title: str | None = None,
) -> str:
    """The report of ``alignment`` as one HTML page.

    Args:
        alignment: The alignment file (:func:`alignkit.alignment_file.load`).
        store: The event store of the handoff desk (any :class:`alignkit.store.Store`):
            the handoff funnel and its figures per owner. Needs a ``handoffs``
            section in the file.
        sla: A channel SLA report (:func:`alignkit.channels.sla_report`): response
            targets kept per channel and per pair of functions.
        at: When the report is made (aware); now when left out. The same file and
            ``at`` give byte-identical pages.
        title: The page's title; "Alignment report: FILE" by default.

    Raises:
        SpecError: ``at`` has no time zone.

    Added in 0.2.
    """
    from alignkit.report._render import render

    return render(report_data(alignment, store=store, sla=sla, at=at, title=title))


publish(globals(), ["ReportData", "build", "report_data"])
