"""The ``alignkit vsm`` commands: a value stream shown, and its future state compared."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from alignkit.alignment_file import AlignmentFile
    from alignkit.value_stream import ValueStream
    from alignkit.value_stream._section import StreamSpec

__all__ = ["vsm"]

_FILE = click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
_STREAM = click.argument("stream")
_STORE = click.option(
    "--store",
    "store_path",
    type=str,
    help=(
        "The store of the handoff desk (read only; a SQLite file or a postgresql:// DSN): "
        "the %C&A of each step that "
        "takes a handoff, from the sending to the receiving function of the file's "
        "`handoffs`, is measured: the share of handoffs accepted at the first pass."
    ),
)


@click.group()
def vsm() -> None:
    """Value streams: every step, handover and wait, and the future state."""


def _spec(file: Path, name: str) -> tuple[AlignmentFile, StreamSpec]:
    """The file and its stream called ``name``; a bad file or name exits with code 2."""
    from alignkit._cli_common import fail
    from alignkit.alignment_file import load
    from alignkit.errors import SpecError
    from alignkit.value_stream import ValueStreamsSection

    try:
        alignment = load(file)
        section = alignment.section("value_streams") or ValueStreamsSection()
        return alignment, section.stream(name)
    except SpecError as error:
        fail(error, str(file))


def _measured(stream: ValueStream, alignment: AlignmentFile, store_path: str) -> ValueStream:
    """``stream`` with the %C&A of its handoff steps measured on the desk in ``store_path``."""
    from alignkit._cli_common import opened_store
    from alignkit.handoff import HandoffsSection

    handoffs = alignment.section("handoffs") or HandoffsSection()
    with opened_store(store_path, "vsm") as store:
        metrics = handoffs.desk(alignment.org, store=store).metrics()
    steps = [
        h.to_step
        for h in stream.handoffs
        if (h.from_function, h.to_function) == (handoffs.sending, handoffs.receiving)
    ]
    if not steps:
        click.echo(
            f"No step of `{stream.name}` takes a handoff from {handoffs.sending} to "
            f"{handoffs.receiving}: nothing to measure",
            err=True,
        )
        return stream
    if not metrics.judged:
        click.echo("No handoff has had a verdict yet: %C&A left as estimated", err=True)
        return stream
    rate = metrics.first_pass_rate * 100
    for name in steps:
        estimate = stream.step(name).pct_complete_accurate
        click.echo(
            f"{name}: %C&A {rate:.1f}% measured on {metrics.judged} handoffs "
            f"(estimated {estimate:g}%)",
            err=True,
        )
    return stream.with_measured(dict.fromkeys(steps, rate))


@vsm.command()
@_FILE
@_STREAM
@click.option("--future", is_flag=True, help="Show the future state instead of the current one.")
@_STORE
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["markdown", "mermaid", "json"]),
    default="markdown",
    show_default=True,
)
def show(
    file: Path,
    stream: str,
    future: bool,
    store_path: str | None,
    output_format: str,
) -> None:
    """Show STREAM of FILE: its steps and metrics, or its map as a Mermaid flowchart."""
    from alignkit.value_stream import to_dict, to_markdown, to_mermaid

    alignment, spec = _spec(file, stream)
    shown = spec.future_stream() if future else spec.current_stream()
    if shown is None:
        raise click.UsageError(f"Value stream `{stream}` has no future state in {file}")
    if store_path is not None and not future:
        shown = _measured(shown, alignment, store_path)
    if output_format == "json":
        click.echo(json.dumps(to_dict(shown), indent=2))
    elif output_format == "mermaid":
        click.echo(to_mermaid(shown))
    else:
        click.echo(to_markdown(shown), nl=False)


@vsm.command(name="compare")
@_FILE
@_STREAM
@_STORE
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
)
def compare_states(file: Path, stream: str, store_path: str | None, output_format: str) -> None:
    """Compare STREAM's future state with its current one, metric by metric.

    With --store, the current state's handoff steps have their %C&A measured. The
    exit code is 1 when the future state is worse on any metric.
    """
    from alignkit.value_stream import compare, to_dict, to_markdown

    alignment, spec = _spec(file, stream)
    future = spec.future_stream()
    if future is None:
        raise click.UsageError(f"Value stream `{stream}` has no future state in {file}")
    current = spec.current_stream()
    if store_path is not None:
        current = _measured(current, alignment, store_path)
    comparison = compare(current, future)
    if output_format == "json":
        click.echo(json.dumps(to_dict(comparison), indent=2))
    else:
        click.echo(to_markdown(comparison), nl=False)
    if comparison.worse:
        raise SystemExit(1)
