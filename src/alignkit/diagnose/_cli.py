"""The ``alignkit diagnose`` command: the system that causes most friction, and what to change."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from alignkit._cli_types import Moment

if TYPE_CHECKING:
    import datetime as dt

    from alignkit.alignment_file import AlignmentFile
    from alignkit.channels import SlaReport
    from alignkit.diagnose import Diagnosis

__all__ = ["diagnose_command"]


@click.command(name="diagnose")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--store",
    "store_path",
    type=str,
    metavar="STORE",
    help=(
        "The store of the handoff desk of FILE's `handoffs` section (read only; a SQLite "
        "file or a postgresql:// DSN): "
        "the share of its handoffs that were flagged counts as information-flow friction."
    ),
)
@click.option(
    "--sla",
    "sla_log",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="LOG.csv",
    help=(
        "A message log, read as `alignkit sla report` reads it against FILE's `channels` "
        "section, judged now: the share of messages that missed their target or misused "
        "chat counts as information-flow friction."
    ),
)
@click.option(
    "--at",
    type=Moment(),
    help="When to judge the log's open messages (ISO 8601 with an offset); now by default.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
)
def diagnose_command(
    file: Path,
    store_path: str | None,
    sla_log: Path | None,
    at: dt.datetime | None,
    output_format: str,
) -> None:
    """Score FILE's incentives, information flow and team structure; recommend one change.

    Each score is the weight of the findings of `alignkit check` that show friction in
    that system, listed under it; with --store and --sla, the handoff desk's flag rate
    and the message log's SLA breaches and chat misuse add to information flow. The
    recommendation names the system with the most.
    """
    from alignkit._cli_common import fail
    from alignkit.alignment_file import load
    from alignkit.channels._cli import report_of_log
    from alignkit.diagnose import diagnose
    from alignkit.errors import SpecError

    try:
        alignment = load(file)
    except SpecError as error:
        fail(error, str(file))
    if store_path is not None and alignment.section("handoffs") is None:
        raise click.UsageError(
            f"--store needs a `handoffs` section in {file}: it says which handoffs the desk holds"
        )
    sla = None if sla_log is None else report_of_log(alignment, file, sla_log, at)
    if store_path is None:
        result = diagnose(alignment, sla=sla)
    else:
        result = _with_desk(alignment, store_path, sla)
    click.echo(result.to_json() if output_format == "json" else result.to_markdown(), nl=False)


def _with_desk(alignment: AlignmentFile, store_path: str, sla: SlaReport | None) -> Diagnosis:
    """The diagnosis with the handoff desk kept in ``store_path``, opened read only."""
    from alignkit._cli_common import opened_store
    from alignkit.diagnose import diagnose

    with opened_store(store_path, "diagnose") as store:
        desk = alignment.section("handoffs").desk(alignment.org, store=store)
        return diagnose(alignment, desk=desk, sla=sla)
