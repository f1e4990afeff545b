"""The ``alignkit diagnose`` command: the system that causes most friction, and what to change."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["diagnose_command"]


@click.command(name="diagnose")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
)
def diagnose_command(file: Path, output_format: str) -> None:
    """Score FILE's incentives, information flow and team structure; recommend one change.

    Each score is the weight of the findings of `alignkit check` that show friction in
    that system, listed under it; the recommendation names the system with the most.
    """
    from alignkit._cli_common import fail
    from alignkit.alignment_file import load
    from alignkit.diagnose import diagnose
    from alignkit.errors import SpecError

    try:
        alignment = load(file)
    except SpecError as error:
        fail(error, str(file))
    result = diagnose(alignment)
    click.echo(result.to_json() if output_format == "json" else result.to_markdown(), nl=False)
