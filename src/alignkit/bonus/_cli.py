"""The ``alignkit bonus`` commands: exact payouts from an HR export."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Final

import click

from alignkit._cli_common import fail as _fail
from alignkit.alignment_file import load
from alignkit.errors import SpecError

if TYPE_CHECKING:
    from alignkit.bonus import BonusPlan

__all__ = ["bonus"]


@click.group()
def bonus() -> None:
    """Bonus plans: compute exact payouts from an HR export."""


class _Amount(click.ParamType[object]):
    """A non-negative decimal amount of money, read exactly (never through a float).

    At most 10^15 (``alignkit.bonus.MAX_AMOUNT``), with at most 30 decimals.
    """

    name = "amount"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> object:
        from decimal import Decimal, InvalidOperation

        from alignkit.bonus import MAX_AMOUNT, to_decimal

        text = str(value).strip()
        try:
            amount: Decimal | None = Decimal(text)
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite():
            self.fail(f"{value!r} is not a decimal amount", param, ctx)
        if amount < 0:
            self.fail(f"{value!r} is negative", param, ctx)
        if amount > MAX_AMOUNT:
            self.fail(
                f"{value!r} is above 10^15 (1,000,000,000,000,000), the largest amount "
                "alignkit pays",
                param,
                ctx,
            )
        try:
            return to_decimal(text)
        except SpecError as error:  # too many decimals
            self.fail(error.problems[0].message, param, ctx)


class _Currency(click.ParamType[str]):
    """An ISO 4217 code whose minor unit alignkit knows, in any case."""

    name = "currency"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> str:
        from alignkit.bonus import MINOR_UNITS

        code = str(value).strip().upper()
        if code not in MINOR_UNITS:
            known = ", ".join(sorted(MINOR_UNITS))
            self.fail(f"{value!r} is not a currency alignkit knows; use one of {known}", param, ctx)
        return code


@bonus.command("compute")
@click.argument("plan_name", metavar="PLAN")
@click.argument("scores", type=click.Path(path_type=str))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=str, dir_okay=False),
    help="Write payouts here (CSV); standard output by default.",
)
@click.option(
    "--file",
    "alignment",
    type=click.Path(path_type=str),
    help="An alignment file whose bonus_plans define PLAN; otherwise PLAN is a preset.",
)
@click.option(
    "--currency",
    type=_Currency(),
    default="USD",
    show_default=True,
    help="For a preset plan: an ISO 4217 code.",
)
@click.option(
    "--pool",
    type=_Amount(),
    help="Scale payouts pro rata if their total exceeds this amount (exact, not negative).",
)
@click.option(
    "--decimal-comma",
    is_flag=True,
    help="Read numbers written with a decimal comma: 10000,50 or 10.000,50.",
)
def bonus_compute(
    plan_name: str,
    scores: str,
    output: str | None,
    alignment: str | None,
    currency: str,
    pool: object,
    decimal_comma: bool,
) -> None:
    """Compute every employee's payout from SCORES.csv.

    SCORES.csv has employee_id, target_bonus, one column per component, and optionally
    eligible (a fraction) or eligible_days and period_days; one row per employee, scores
    as fractions (1.10 for 110%). PLAN is blended or individual_only, or a plan of the
    alignment file given with --file.

    Every bad row is reported with its row and column, and nothing is written; the
    exit code is then 2. A file of any size streams through: rows are computed and
    written as they are read, with a progress bar on a terminal.
    """
    from alignkit.bonus import compute_payouts_csv

    context = click.get_current_context()
    if alignment is not None and (
        context.get_parameter_source("currency") is not click.core.ParameterSource.DEFAULT
    ):
        raise click.UsageError(
            "--currency is for a preset plan; a plan from --file has its own `currency:`",
            context,
        )
    try:
        plan = _find_plan(plan_name, alignment, currency)
        target = output if output is not None else sys.stdout
        try:
            size = Path(scores).stat().st_size
        except OSError:
            size = 0  # reported as unreadable when it is read
        if size >= _PROGRESS_FROM and sys.stderr.isatty():
            with click.progressbar(length=size, label="Computing payouts", file=sys.stderr) as bar:
                # Drawn about a thousand times, not once a line.
                step, pending = max(1, size // 1000), [0]

                def advance(characters: int) -> None:
                    pending[0] += characters
                    if pending[0] >= step:
                        bar.update(pending[0])
                        pending[0] = 0

                summary = compute_payouts_csv(
                    scores,
                    plan,
                    target,
                    pool=pool,
                    decimal_comma=decimal_comma,
                    progress=advance,
                )
                bar.update(size - bar.pos)  # the bar counts characters; the size is in bytes
        else:
            summary = compute_payouts_csv(
                scores, plan, target, pool=pool, decimal_comma=decimal_comma
            )
    except SpecError as error:
        _fail(error, scores)
    except OSError as error:
        where = output if output is not None else "standard output"
        raise click.ClickException(f"Cannot write {where}: {error.strerror or error}") from None
    if output is not None:
        click.echo(
            f"Wrote {summary.count} payouts totalling {summary.total} {summary.currency} "
            f"to {output}",
            err=True,
        )


_PROGRESS_FROM: Final = 1_000_000
"""Scores files of at least this many bytes (about 25,000 rows) get a progress bar."""


def _find_plan(name: str, alignment: str | None, currency: str) -> BonusPlan:
    from alignkit.bonus import BonusPlan

    if alignment is not None:
        file = load(alignment)
        for spec in file.bonus_plans:
            if spec.name == name:
                return spec.build()
        known = ", ".join(spec.name for spec in file.bonus_plans) or "none"
        raise click.ClickException(f"{alignment} has no bonus plan {name!r} (it has: {known})")
    presets = {"blended": BonusPlan.blended, "individual_only": BonusPlan.individual_only}
    preset = presets.get(name.strip().replace("-", "_"))
    if preset is None:
        raise click.ClickException(
            f"Unknown plan {name!r}: use blended or individual_only, or --file FILE"
        )
    return preset(name, currency)
