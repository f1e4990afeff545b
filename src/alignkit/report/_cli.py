"""The ``alignkit report`` command: the alignment file as one HTML page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from alignkit._cli_types import Moment

if TYPE_CHECKING:
    from alignkit.alignment_file import AlignmentFile
    from alignkit.channels import SlaReport

__all__ = ["report"]


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default="report.html",
    show_default=True,
    help="Where to write the page.",
)
@click.option(
    "--store",
    "store_path",
    type=str,
    metavar="STORE",
    help="The store of the handoff desk (read only; a SQLite file or a postgresql:// DSN): "
    "the handoff funnel.",
)
@click.option(
    "--sla",
    "sla_log",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="LOG.csv",
    help="A message log, judged against FILE's channels section: targets kept per channel.",
)
@click.option(
    "--at",
    type=Moment(),
    help="When the report is made (ISO 8601 with an offset); now by default. "
    "The same file and --at give the same bytes.",
)
@click.option("--title", help="The page's title (else 'Alignment report: FILE').")
def report(
    file: Path,
    output: Path,
    store_path: str | None,
    sla_log: Path | None,
    at: dt.datetime | None,
    title: str | None,
) -> None:
    """Write FILE as one self-contained HTML page: rights, org, teams, incentives, findings.

    The page works offline and can be committed: with --at, regenerating it gives
    the same bytes.
    """
    from alignkit._cli_common import InputError, fail
    from alignkit.alignment_file import load
    from alignkit.errors import SpecError
    from alignkit.report import build

    try:
        alignment = load(file)
    except SpecError as error:
        fail(error, str(file))
    when = at or dt.datetime.now(dt.UTC)
    sla = None
    if sla_log is not None:
        from alignkit.channels._cli import report_of_log

        sla = report_of_log(alignment, file, sla_log, when)
    if store_path is None:
        page = build(alignment, sla=sla, at=when, title=title)
    else:
        page = _with_store(alignment, file, store_path, sla, when, title)
    try:
        output.write_text(page, encoding="utf-8")
    except OSError as error:
        raise InputError(f"Cannot write {output}: {error.strerror}") from None
    click.echo(f"Wrote {output} ({len(page.encode()):,} bytes)", err=True)


def _with_store(
    alignment: AlignmentFile,
    file: Path,
    store_path: str,
    sla: SlaReport | None,
    when: dt.datetime,
    title: str | None,
) -> str:
    from alignkit._cli_common import InputError, opened_store
    from alignkit.report import build

    if alignment.section("handoffs") is None:
        raise click.UsageError(f"--store needs a `handoffs` section in {file}")
    from alignkit.store import is_postgres_dsn

    if not is_postgres_dsn(store_path) and not Path(store_path).is_file():
        raise InputError(f"Event store {store_path}: no such file")
    with opened_store(store_path, "report") as store:
        return build(alignment, store=store, sla=sla, at=when, title=title)
