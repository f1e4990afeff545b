"""The ``alignkit vsm`` commands: a value stream shown, and its future state compared."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from alignkit.value_stream._section import StreamSpec

__all__ = ["vsm"]

_FILE = click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
_STREAM = click.argument("stream")


@click.group()
def vsm() -> None:
    """Value streams: every step, handover and wait, and the future state."""


def _spec(file: Path, name: str) -> StreamSpec:
    """The stream called ``name`` in ``file``; a bad file or name exits with code 2."""
    from alignkit._cli_common import fail
    from alignkit.alignment_file import load
    from alignkit.errors import SpecError
    from alignkit.value_stream import ValueStreamsSection

    try:
        alignment = load(file)
        section = alignment.section("value_streams") or ValueStreamsSection()
        return section.stream(name)
    except SpecError as error:
        fail(error, str(file))


@vsm.command()
@_FILE
@_STREAM
@click.option("--future", is_flag=True, help="Show the future state instead of the current one.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["markdown", "mermaid", "json"]),
    default="markdown",
    show_default=True,
)
def show(file: Path, stream: str, future: bool, output_format: str) -> None:
    """Show STREAM of FILE: its steps and metrics, or its map as a Mermaid flowchart."""
    from alignkit.value_stream import to_dict, to_markdown, to_mermaid

    spec = _spec(file, stream)
    shown = spec.future_stream() if future else spec.current_stream()
    if shown is None:
        raise click.UsageError(f"Value stream `{stream}` has no future state in {file}")
    if output_format == "json":
        click.echo(json.dumps(to_dict(shown), indent=2))
    elif output_format == "mermaid":
        click.echo(to_mermaid(shown))
    else:
        click.echo(to_markdown(shown), nl=False)


@vsm.command(name="compare")
@_FILE
@_STREAM
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
)
def compare_states(file: Path, stream: str, output_format: str) -> None:
    """Compare STREAM's future state with its current one, metric by metric.

    The exit code is 1 when the future state is worse on any metric.
    """
    from alignkit.value_stream import compare, to_dict, to_markdown

    spec = _spec(file, stream)
    future = spec.future_stream()
    if future is None:
        raise click.UsageError(f"Value stream `{stream}` has no future state in {file}")
    comparison = compare(spec.current_stream(), future)
    if output_format == "json":
        click.echo(json.dumps(to_dict(comparison), indent=2))
    else:
        click.echo(to_markdown(comparison), nl=False)
    if comparison.worse:
        raise SystemExit(1)
