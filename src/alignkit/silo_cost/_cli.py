"""The ``alignkit cost`` command: the yearly cost of silos, each figure with its source."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from alignkit.silo_cost import SiloCost

__all__ = ["cost"]


def _assignment(value: str) -> tuple[str, str]:
    name, equals, number = value.partition("=")
    if not equals or not name.strip() or not number.strip():
        raise click.BadParameter(f"write NAME=VALUE, got {value!r}", param_hint="'--set'")
    return name.strip(), number.strip()


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Replace an assumption for this run (`--set handover_churn=0.10`); repeatable.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
def cost(file: Path, overrides: tuple[str, ...], output_format: str) -> None:
    """The yearly cost of silos in FILE's organisation, and every assumption behind it.

    Headcounts come from the org; what people cost and what a customer is worth
    from the `silo_cost` section. Each cause is a point estimate with its range.
    """
    from alignkit._cli_common import fail, problems_said
    from alignkit.alignment_file import load
    from alignkit.errors import SpecError
    from alignkit.silo_cost import SiloCostSection, assumptions

    pairs = [_assignment(value) for value in overrides]
    try:
        assumptions(dict(pairs))
    except SpecError as error:
        raise click.BadParameter(problems_said(error), param_hint="'--set'") from None
    try:
        alignment = load(file)
        section = alignment.section("silo_cost") or SiloCostSection()
        found = section.model(alignment.org, dict(pairs)).cost()
    except SpecError as error:
        fail(error, str(file))
    if output_format == "json":
        click.echo(json.dumps(_as_dict(found), indent=2))
    else:
        click.echo(_as_text(found), nl=False)


def _as_text(found: SiloCost) -> str:
    lines = ["The yearly cost of silos", ""]
    for cause in found.causes:
        c = cause.cost
        lines.append(f"  {cause.cause:<16} {c.point:>16,} (range {c.low:,} to {c.high:,})")
        lines.append(f"  {'':<16} {cause.explanation}")
    total = found.total
    lines += [
        f"  {'total':<16} {total.point:>16,} (range {total.low:,} to {total.high:,})",
        "",
        "Assumptions used:",
    ]
    for assumption in found.used:
        span = (
            f" (range {assumption.low} to {assumption.high})"
            if assumption.low != assumption.high
            else ""
        )
        lines.append(f"  {assumption.name} = {assumption.value} {assumption.unit}{span}")
        lines.append(f"    source: {assumption.source}")
    return "\n".join(lines) + "\n"


def _as_dict(found: SiloCost) -> dict[str, object]:
    def money(c: object) -> dict[str, str]:
        return {key: str(getattr(c, key)) for key in ("point", "low", "high")}

    return {
        "causes": [
            {
                "cause": c.cause,
                "cost": money(c.cost),
                "used": list(c.used),
                "explanation": c.explanation,
            }
            for c in found.causes
        ],
        "total": money(found.total),
        "assumptions": [
            {
                "name": a.name,
                "value": str(a.value),
                "low": str(a.low),
                "high": str(a.high),
                "unit": a.unit,
                "source": a.source,
            }
            for a in found.used
        ],
    }
