"""The ``alignkit sla`` commands: response targets kept and missed, from a message log."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Final

import click

from alignkit._cli_types import Moment

if TYPE_CHECKING:
    from collections.abc import Sequence

    from alignkit.alignment_file import AlignmentFile
    from alignkit.channels import Message, SlaReport

__all__ = ["sla"]

_PROGRESS_FROM: Final = 1_000_000
"""Logs of at least this many bytes (about 10,000 messages) get a progress bar."""


@click.group()
def sla() -> None:
    """Channel response targets: how a message log kept them."""


@sla.command()
@click.argument("log", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--file",
    "alignment_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default="alignment.yaml",
    show_default=True,
    help="The alignment file whose `channels` section holds the strategy and calendars.",
)
@click.option(
    "--at",
    type=Moment(),
    help="The moment to judge open messages at (ISO 8601 with an offset); now by default.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
)
def report(log: Path, alignment_path: Path, at: dt.datetime | None, output_format: str) -> None:
    """Report LOG (a CSV of messages) against the strategy of the alignment file.

    Per channel and per pair of functions: messages, answered within target,
    breaches, median and p90 response times, messages open and overdue; chat
    misuse; and, per receiver, chat interruptions per business day and the longest
    stretch of focus. Every bad row of LOG is reported with its row and column, and
    the exit code is then 2.
    """
    from alignkit._cli_common import fail
    from alignkit.alignment_file import load
    from alignkit.channels import ChannelsSection, sla_report
    from alignkit.errors import SpecError

    try:
        alignment = load(alignment_path)
    except SpecError as error:
        fail(error, str(alignment_path))
    section = alignment.section("channels") or ChannelsSection()
    try:
        strategy = section.strategy()
    except SpecError as error:
        fail(error, str(alignment_path))
    functions = {f.name for f in alignment.org.functions}
    calendars = {name: section.calendar_for(name) for name in functions}
    try:
        messages = _read(log)
    except SpecError as error:
        fail(error, str(log))
    for function in _receivers(messages) - functions:
        calendars[function] = section.calendar_for(function)
    when = at if at is not None else dt.datetime.now(dt.UTC)
    result = sla_report(messages, strategy, calendars, at=when)
    if output_format == "json":
        click.echo(result.to_json(), nl=False)
    elif output_format == "csv":
        click.echo(result.to_csv(), nl=False)
    else:
        click.echo(result.to_text(), nl=False)


def _read(log: Path) -> Sequence[Message]:
    """The messages of ``log``, with a progress bar on a terminal for a large file.

    With NumPy (``alignkit[fast]``) the log is read into columns, which the report
    works on a column at a time; without it, a message at a time.
    """
    from alignkit.channels._columns import MessageLog, numpy_or_none
    from alignkit.channels._messages import Message

    read = Message.read_csv if numpy_or_none() is None else MessageLog.read_csv
    try:
        size = log.stat().st_size
    except OSError:
        size = 0  # reported as unreadable when it is read
    if size < _PROGRESS_FROM or not sys.stderr.isatty():
        return read(log)
    with click.progressbar(length=size, label="Reading messages", file=sys.stderr) as bar:
        step, pending = max(1, size // 1000), [0]

        def advance(amount: int) -> None:
            pending[0] += amount
            if pending[0] >= step:
                bar.update(min(pending[0], size - bar.pos))
                pending[0] = 0

        messages = read(log, progress=advance)
        bar.update(max(0, size - bar.pos))
    return messages


def _receivers(messages: Sequence[Message]) -> set[str]:
    from alignkit.channels._columns import MessageLog

    if isinstance(messages, MessageLog):
        return set(messages.receiver_functions)
    return {m.receiver_function for m in messages}


def report_of_log(
    alignment: AlignmentFile, file: Path, log: Path, at: dt.datetime | None
) -> SlaReport:
    """The SLA report of ``log`` against ``alignment``'s channels, for other commands.

    As ``alignkit sla report`` makes it: a bad strategy or bad rows are printed
    (``file:row:col``) and exit with 2.
    """
    from alignkit._cli_common import fail
    from alignkit.channels import ChannelsSection, sla_report
    from alignkit.errors import SpecError

    section = alignment.section("channels") or ChannelsSection()
    try:
        strategy = section.strategy()
    except SpecError as error:
        fail(error, str(file))
    try:
        messages = _read(log)
    except SpecError as error:
        fail(error, str(log))
    functions = {f.name for f in alignment.org.functions}
    functions |= _receivers(messages)
    calendars = {name: section.calendar_for(name) for name in functions}
    return sla_report(messages, strategy, calendars, at=at or dt.datetime.now(dt.UTC))
