"""The ``alignkit review`` command: the cross-team review's agenda, from a file and a store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from alignkit._cli_types import Moment

__all__ = ["review"]


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--store",
    "store_path",
    type=str,
    metavar="STORE",
    help="The store of the decision log and the handoff desk (read only; a SQLite file "
    "or a postgresql:// DSN).",
)
@click.option(
    "--at",
    type=Moment(),
    help="The moment to judge waits at (ISO 8601 with an offset); now by default.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
)
def review(file: Path, store_path: str | None, at: dt.datetime | None, output_format: str) -> None:
    """The agenda of a cross-team review: what needs attention now, most urgent first.

    Draws on the decision log and the handoffs kept in the store (told apart by their
    category), the incentive map and the findings of `alignkit check` on FILE.
    """
    from alignkit._cli_common import fail, opened_store
    from alignkit.alignment_file import load
    from alignkit.decision_log._section import log_of
    from alignkit.errors import SpecError
    from alignkit.review._agenda import review_agenda

    try:
        alignment = load(file)
    except SpecError as error:
        fail(error, str(file))
    when = at if at is not None else dt.datetime.now(dt.UTC)
    if store_path is None:
        agenda = review_agenda(alignment, at=when)
    else:
        with opened_store(store_path, "review") as store:
            log = log_of(alignment, store)
            handoffs = alignment.section("handoffs")
            desk = handoffs.desk(alignment.org, store=store) if handoffs is not None else None
            agenda = review_agenda(alignment, log=log, desk=desk, at=when)
    click.echo(agenda.to_json() if output_format == "json" else agenda.to_markdown(), nl=False)
