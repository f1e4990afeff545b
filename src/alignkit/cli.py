"""The ``alignkit`` command: a thin layer over the library.

Exit codes of ``alignkit check``: 0 no errors (warnings and info do not fail), 1 errors
(or warnings, with ``--strict``), 2 a file could not be checked at all.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Final, NoReturn

import attrs
import click

from alignkit._version import __version__
from alignkit.alignment_file import DEFAULT_MAX_BYTES, AlignmentFile, json_schema, load
from alignkit.diagnostics import Diagnostic, Report, Severity
from alignkit.errors import SpecError, UnknownNameError
from alignkit.rules import RULES, get_rule

if TYPE_CHECKING:
    from alignkit.bonus import BonusPlan
    from alignkit.decision_rights import DecisionRights

__all__ = ["STARTER", "main"]

_FORMATS: Final = ("text", "json", "github", "sarif")

STARTER: Final = """\
# alignment.yaml: your organisation's alignment, written down and checked.
# Check it with `alignkit check alignment.yaml`; see `alignkit schema` for every key.
version: 1

org:
  # Functions (departments). Decisions held by a function are taken by its head.
  functions:
    - {name: Executive, head: ceo}
    - {name: Sales, head: vp-sales}
    - {name: Operations, head: vp-ops}
  # People, by id. `manager` is the id of the person they report to.
  # A large org can list people in an HR export instead: `people_csv: people.csv`
  # (columns id, name, function, manager).
  people:
    - {id: ceo, name: Dana Reyes, function: Executive}
    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}
    - {id: vp-ops, name: Priya Nair, function: Operations, manager: ceo}
    - {id: ae-1, name: Lee Park, function: Sales, manager: vp-sales}
    - {id: onboarding-1, name: Ana Ruiz, function: Operations, manager: vp-ops}

# Accept a finding on purpose: one code, one target, a written reason, an expiry.
ignore: []
#  - {code: ORG006, target: Support, reason: "Head starts in March", until: 2027-03-31}
"""


def _use_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never":
        return False
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="alignkit")
def main() -> None:
    """Alignment as code: check an organisation's alignment.yaml like a linter."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(_FORMATS),
    default="text",
    show_default=True,
    help="text for people; json, github (Actions annotations) or sarif (2.1.0) for tools.",
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour text output; auto colours a terminal and respects NO_COLOR.",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    help="Refuse files larger than this.",
)
def check(
    files: tuple[str, ...], output_format: str, strict: bool, color: str, max_bytes: int
) -> None:
    """Check alignment files and report every finding with its location.

    Exit 0 when there are no errors, 1 when there are (or warnings, with --strict),
    2 when a file cannot be checked at all.
    """
    found: list[Diagnostic] = []
    unreadable = False
    for name in files:
        try:
            found.extend(load(name, max_bytes=max_bytes).check())
        except SpecError as error:
            unreadable = True
            found.extend(_problem_diagnostics(error, name))
    report = Report(found, file=files[0] if len(files) == 1 else None)
    if output_format == "json":
        click.echo(report.to_json())
    elif output_format == "sarif":
        click.echo(report.to_sarif())
    elif output_format == "github":
        if len(report):
            click.echo(report.to_github())
        click.echo(report.summary(), err=True)
    else:
        use_color = _use_color(color)
        click.echo(report.to_text(color=use_color, group=True), color=use_color)
    sys.exit(2 if unreadable else report.exit_code(strict=strict))


def _problem_diagnostics(error: SpecError, name: str) -> list[Diagnostic]:
    out = []
    for problem in error.problems:
        location = problem.location
        if location.file is None:
            location = attrs.evolve(location, file=name)
        code = problem.code or "AK012"
        out.append(
            Diagnostic(
                code,
                Severity.ERROR,
                problem.message,
                location=location,
                hint=RULES[code].fix if code in RULES else None,
                name=RULES[code].name if code in RULES else None,
            )
        )
    return out


@main.command()
@click.option("--indent", type=click.IntRange(min=0), default=2, show_default=True)
def schema(indent: int) -> None:
    """Print the JSON Schema of the alignment file (for editor autocompletion)."""
    click.echo(json.dumps(json_schema(), indent=indent or None))


@main.command()
@click.argument("code", required=False)
@click.option("--all", "list_all", is_flag=True, help="List every code with its summary.")
def rule(code: str | None, list_all: bool) -> None:
    """Explain a diagnostic code: what it checks, why, an example and the fix."""
    if list_all or code is None:
        width = max(len(r.name) for r in RULES.values())
        for r in RULES.values():
            click.echo(f"{r.code:<7} {r.name:<{width}}  {r.severity.value:<7}  {r.summary}")
        return
    try:
        found = get_rule(code)
    except UnknownNameError as error:
        raise click.ClickException(str(error)) from None
    click.echo(found.to_text())


@main.command()
@click.argument("path", required=False, default="alignment.yaml", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(path: Path, force: bool) -> None:
    """Write a commented starter alignment file (alignment.yaml by default)."""
    if path.exists() and not force:
        raise click.ClickException(f"{path} already exists; use --force to overwrite it")
    try:
        path.write_text(STARTER, encoding="utf-8")
    except OSError as error:
        raise click.ClickException(f"Cannot write {path}: {error.strerror or error}") from None
    click.echo(f"Wrote {path}. Check it with: alignkit check {path}")


# -- decision rights ---------------------------------------------------------------------


@main.group()
def rights() -> None:
    """Decision rights: import a spreadsheet, answer who decides, export the matrix."""


_SCHEMES: Final = ("raci", "rapid", "daci")


@rights.command("import")
@click.argument("sheet", type=click.Path(path_type=str))
@click.option("--scheme", type=click.Choice(_SCHEMES), default="raci", show_default=True)
def rights_import(sheet: str, scheme: str) -> None:
    """Turn a RACI/RAPID/DACI spreadsheet (CSV) into a decision_rights section (YAML)."""
    import yaml

    from alignkit.decision_rights import DecisionRights, Scheme

    try:
        matrix = DecisionRights.from_csv(sheet, scheme=Scheme.named(scheme))
    except SpecError as error:
        _fail(error, sheet)
    click.echo(
        yaml.safe_dump(
            {"decision_rights": matrix.to_data()},
            sort_keys=False,
            allow_unicode=True,
            width=100,
        ),
        nl=False,
    )


def _fail(error: SpecError, name: str) -> NoReturn:
    report = Report(_problem_diagnostics(error, name))
    click.echo(report.to_text(), err=True)
    sys.exit(2)


def _load_rights(path: str) -> tuple[AlignmentFile, DecisionRights]:
    try:
        file = load(path)
    except SpecError as error:
        _fail(error, path)
    if file.decision_rights is None:
        raise click.ClickException(f"{path} has no decision_rights section")
    return file, file.decision_rights


@rights.command("show")
@click.argument("file", type=click.Path(path_type=str))
@click.option(
    "--decision", "decision_id", help="Who decides, does, agrees, is consulted, informed."
)
@click.option("--party", help="Every decision a person or function holds a role in.")
def rights_show(file: str, decision_id: str | None, party: str | None) -> None:
    """Answer who decides, who must be consulted and informed, and what a party holds."""
    from alignkit.decision_rights import ROLE_ORDER, Role

    loaded, matrix = _load_rights(file)
    org = loaded.org
    if decision_id is not None:
        try:
            decision = matrix.decision(decision_id)
        except UnknownNameError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"{decision.id}: {decision.title}")
        deciders = ", ".join(sorted(matrix.deciders(decision.id, org)))
        click.echo(f"  decides:      {decision.accountable} ({deciders})")
        for role in ROLE_ORDER[1:]:
            named = decision.parties(role)
            if not named:
                continue
            line = f"  {role.value + ':':<13} {', '.join(named)}"
            if role in (Role.AGREE, Role.CONSULTED, Role.INFORMED):
                people = {p.id for party_name in named for p in org.people_of(party_name)}
                line += f" ({len(people)} {'person' if len(people) == 1 else 'people'})"
            click.echo(line)
    if party is not None:
        held = matrix.roles_of(party)
        person = org.get_person(party)
        function = person.function if person is not None else None
        via = matrix.roles_of(function) if function is not None else {}
        if not held and not via:
            click.echo(f"{party} holds no role in any decision.")
        for source, table in ((party, held), (function, via)):
            for decision_id_held, roles in table.items():
                names = "/".join(r.value for r in ROLE_ORDER if r in roles)
                suffix = "" if source == party else f" (through {source})"
                click.echo(f"{decision_id_held}: {names}{suffix}")
    if decision_id is None and party is None:
        click.echo(matrix.to_markdown())


@rights.command("export")
@click.argument("file", type=click.Path(path_type=str))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["csv", "markdown"]),
    default="csv",
    show_default=True,
)
def rights_export(file: str, output_format: str) -> None:
    """Print the matrix as spreadsheet-safe CSV or as a Markdown table."""
    _, matrix = _load_rights(file)
    click.echo(matrix.to_csv() if output_format == "csv" else matrix.to_markdown(), nl=False)
    if output_format == "markdown":
        click.echo()


# -- bonus plans ---------------------------------------------------------------------------


@main.group()
def bonus() -> None:
    """Bonus plans: compute exact payouts from an HR export."""


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
@click.option("--currency", default="USD", show_default=True, help="For a preset plan.")
@click.option("--pool", help="Scale payouts pro rata if their total exceeds this amount.")
def bonus_compute(
    plan_name: str,
    scores: str,
    output: str | None,
    alignment: str | None,
    currency: str,
    pool: str | None,
) -> None:
    """Compute every employee's payout from SCORES.csv.

    SCORES.csv has employee_id, target_bonus, one column per component, and optionally
    eligible (a fraction) or eligible_days and period_days. PLAN is blended or
    individual_only, or a plan of the alignment file given with --file.
    """
    from alignkit.bonus import read_scores_csv, scale_to_pool, write_payouts_csv

    try:
        plan = _find_plan(plan_name, alignment, currency)
        rows = list(read_scores_csv(scores, plan))
        if len(rows) > _PROGRESS_FROM and sys.stderr.isatty():
            with click.progressbar(
                plan.payouts(rows), length=len(rows), label="Computing payouts", file=sys.stderr
            ) as bar:
                payouts = list(bar)
        else:
            payouts = list(plan.payouts(rows))
        if pool is not None:
            payouts = scale_to_pool(payouts, pool)
    except SpecError as error:
        _fail(error, scores)
    text = write_payouts_csv(payouts, plan)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as error:
        raise click.ClickException(f"Cannot write {output}: {error.strerror or error}") from None
    total = sum((p.total for p in payouts), start=type(payouts[0].total)(0)) if payouts else 0
    click.echo(
        f"Wrote {len(payouts)} payouts totalling {total} {plan.currency} to {output}", err=True
    )


_PROGRESS_FROM: Final = 10_000


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
    if name not in presets:
        raise click.ClickException(
            f"Unknown plan {name!r}: use blended or individual_only, or --file FILE"
        )
    return presets[name](name, currency)
