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
from alignkit.alignment_file import (
    DEFAULT_MAX_BYTES,
    AlignmentFile,
    json_schema,
    load,
    problem_diagnostic,
)
from alignkit.alignment_file import check as check_file
from alignkit.diagnostics import Diagnostic, Report
from alignkit.errors import SpecError, UnknownNameError
from alignkit.rules import RULES, get_rule

if TYPE_CHECKING:
    import datetime as dt

    from alignkit.bonus import BonusPlan
    from alignkit.decision_rights import Decision, DecisionRights, Delegation, Role, Scheme
    from alignkit.org import Org

__all__ = ["STARTER", "main"]

_FORMATS: Final = ("text", "json", "github", "sarif")

STARTER: Final = """\
# yaml-language-server: $schema=https://alignkit.readthedocs.io/en/latest/alignment.schema.json
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
@click.option(
    "--allow-outside",
    "allow_outside",
    multiple=True,
    type=click.Path(path_type=str),
    metavar="PATH",
    help=(
        "Let files the alignment file names (people_csv) be in PATH, outside the "
        "alignment file's folder. Repeat for several places."
    ),
)
def check(
    files: tuple[str, ...],
    output_format: str,
    strict: bool,
    color: str,
    max_bytes: int,
    allow_outside: tuple[str, ...],
) -> None:
    """Check alignment files and report every finding with its location.

    Exit 0 when there are no errors, 1 when there are (or warnings, with --strict),
    2 when a file cannot be checked at all.
    """
    found: list[Diagnostic] = []
    unreadable = False
    for name in files:
        try:
            found.extend(check_file(name, max_bytes=max_bytes, allow_outside=allow_outside))
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
        if problem.location.file is None:
            problem = attrs.evolve(problem, location=attrs.evolve(problem.location, file=name))  # noqa: PLW2901
        out.append(problem_diagnostic(problem))
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
_AT_EXAMPLE: Final = "2026-01-15T12:00:00+00:00"


@rights.command("import")
@click.argument("sheet", type=click.Path(path_type=str))
@click.option(
    "--scheme",
    "scheme_name",
    metavar="NAME",
    help="The sheet's letters: raci, rapid, daci, or the custom scheme of --file. "
    " [default: the scheme of --file, else raci]",
)
@click.option(
    "--file",
    "alignment",
    type=click.Path(path_type=str),
    help="An alignment file whose decision_rights section defines the scheme (custom ones too).",
)
def rights_import(sheet: str, scheme_name: str | None, alignment: str | None) -> None:
    """Turn a decision rights spreadsheet (CSV) into a decision_rights section (YAML).

    The sheet's letters are read in a built-in scheme (raci, rapid, daci) or in the
    scheme, custom or not, that the decision_rights section of --file defines.
    """
    from alignkit.decision_rights import DecisionRights

    scheme = _import_scheme(scheme_name, alignment)
    try:
        matrix = DecisionRights.from_csv(sheet, scheme=scheme)
    except SpecError as error:
        _fail(error, sheet)
    click.echo(matrix.to_yaml(), nl=False)


def _import_scheme(name: str | None, alignment: str | None) -> Scheme:
    """The scheme ``--scheme`` names: a built-in one, or the one ``--file`` defines."""
    from alignkit.decision_rights import Scheme

    wanted = name.strip().lower() if name is not None else None
    if alignment is not None:
        _, matrix = _load_rights(alignment)
        own = matrix.scheme
        if wanted is None or wanted == own.name.lower():
            return own
        if wanted in _SCHEMES:
            return Scheme.named(wanted)
        *others, last = dict.fromkeys((own.name, *_SCHEMES))
        choices = f"{', '.join(others)} or {last}"
        message = f"{alignment} defines the scheme {own.name!r}, not {name!r}; use {choices}"
        raise click.BadParameter(message, param_hint="'--scheme'")
    try:
        return Scheme.named(wanted or "raci")
    except UnknownNameError as error:
        text = str(error)
        text += " " if text.endswith("?") else ". "
        text += "A custom scheme is read from the decision_rights of the file given with --file"
        raise click.BadParameter(text, param_hint="'--scheme'") from None


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


def _parse_at(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> dt.datetime | None:
    """``--at``: an ISO 8601 time with a UTC offset."""
    import datetime as dt

    if value is None:
        return None
    try:
        at = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        msg = f"{value!r} is not an ISO 8601 time; write it like {_AT_EXAMPLE}"
        raise click.BadParameter(msg) from None
    if at.tzinfo is None or at.utcoffset() is None:
        msg = f"{value!r} has no UTC offset; write it like {_AT_EXAMPLE}"
        raise click.BadParameter(msg)
    return at


@rights.command("show")
@click.argument("file", type=click.Path(path_type=str))
@click.option(
    "--decision",
    "decision_id",
    metavar="ID",
    help="Who decides, does, agrees, is consulted, informed.",
)
@click.option(
    "--party",
    metavar="PARTY",
    help="What a person, function or team may do in each decision: decide, or a role "
    "held directly, through their function or through a team.",
)
@click.option(
    "--at",
    metavar="TIME",
    callback=_parse_at,
    help=f"Answer as of TIME, with a UTC offset ({_AT_EXAMPLE}); a delegation counts "
    "until it ends.  [default: now]",
)
def rights_show(
    file: str, decision_id: str | None, party: str | None, at: dt.datetime | None
) -> None:
    """Answer who decides, who must be consulted and informed, and what a party may do."""
    import datetime as dt

    from alignkit.decision_rights import ROLE_ORDER, Role

    loaded, matrix = _load_rights(file)
    org = loaded.org
    when = at if at is not None else dt.datetime.now(dt.UTC)
    if decision_id is not None:
        try:
            decision = matrix.decision(decision_id)
        except UnknownNameError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"{decision.id}: {decision.title}")
        deciders = ", ".join(sorted(matrix.deciders(decision.id, org, when)))
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
        _check_party(party, loaded, matrix)
        lines = _party_lines(party, loaded, matrix, when)
        click.echo("\n".join(lines) if lines else f"{party} holds no role in any decision.")
    if decision_id is None and party is None:
        click.echo(matrix.to_markdown())


def _check_party(party: str, loaded: AlignmentFile, matrix: DecisionRights) -> None:
    """Refuse a party that is nobody: not in the org, no team, named by no decision."""
    from alignkit._suggest import suggest

    org = loaded.org
    teams = {team.name for team in loaded.teams}
    named = {p for d in matrix.decisions for p in d.all_parties()}
    named.update(p for g in matrix.delegations for p in (g.from_party, g.to_party))
    if org.is_party(party) or party in teams or party in named:
        return
    known = sorted(org.person_ids | org.function_names | teams | named)
    if suggest(party, known) is None:
        by_name = {person.name.casefold(): person for person in org.people}
        close = suggest(party.casefold(), by_name)
        if close is not None:
            person = by_name[close]
            raise click.ClickException(
                f"Unknown party {party!r}; did you mean {person.id!r} ({person.name})?"
            )
    raise click.ClickException(str(UnknownNameError.for_name("party", party, known)))


def _party_lines(
    party: str, loaded: AlignmentFile, matrix: DecisionRights, at: dt.datetime
) -> list[str]:
    """One line per decision ``party`` takes part in, saying what they may do there.

    A person *decides* exactly where :meth:`DecisionRights.can_decide` allows it: as
    the accountable person, as the head of the accountable function, or by an active
    delegation. A role their function or team holds is shown as the group's, with
    the person named as its head or a member.
    """
    is_person = loaded.org.get_person(party) is not None
    groups = _groups_of(party, loaded) if is_person else []
    lines = []
    for decision in matrix.decisions:
        active = _active_delegations(matrix, decision, at)
        if is_person:
            clauses = _person_clauses(party, groups, decision, loaded.org, matrix, active, at)
        else:
            clauses = _group_clauses(party, decision, loaded.org, active)
        if clauses:
            lines.append(f"{decision.id}: {'; '.join(clauses)}")
    return lines


def _active_delegations(
    matrix: DecisionRights, decision: Decision, at: dt.datetime
) -> list[Delegation]:
    """The delegations that let someone else take ``decision`` at ``at``."""
    return [
        g
        for g in matrix.delegations
        if g.from_party == decision.accountable
        and g.active(at)
        and (
            g.decision == decision.id
            if g.decision is not None
            else decision.category is not None and g.category == decision.category
        )
    ]


def _person_clauses(
    person: str,
    groups: list[tuple[str, bool]],
    decision: Decision,
    org: Org,
    matrix: DecisionRights,
    active: list[Delegation],
    at: dt.datetime,
) -> list[str]:
    from alignkit.decision_rights import Role

    clauses = []
    if matrix.can_decide(person, decision.id, org, at):
        clauses.append("decides" + _why_decides(person, decision, org, active))
        head = org.head(decision.accountable)
        if decision.accountable == person or (head is not None and head.id == person):
            clauses.extend(f"delegated to {_party(org, g.to_party)}{_until(g)}" for g in active)
    direct = decision.roles_of(person) - {Role.ACCOUNTABLE}
    if direct:
        clauses.append(_roles(direct))
    for group, is_head in groups:
        held = decision.roles_of(group)
        if is_head:
            held -= {Role.ACCOUNTABLE}  # shown as "decides (as head of ...)"
            if held:
                clauses.append(f"{group} holds {_roles(held)} (you are its head)")
        elif held:
            note = "you are a member"
            if Role.ACCOUNTABLE in held:
                note += "; " + _decided_by(group, org, [g for g in active if g.to_party != person])
            clauses.append(f"{group} holds {_roles(held)} ({note})")
    return clauses


def _group_clauses(party: str, decision: Decision, org: Org, active: list[Delegation]) -> list[str]:
    from alignkit.decision_rights import Role

    clauses = []
    held = decision.roles_of(party)
    if held:
        text = _roles(held)
        if Role.ACCOUNTABLE in held:
            text += f" ({_decided_by(party, org, active)})"
        clauses.append(text)
    head = org.head(party)
    clauses.extend(
        f"may decide by delegation from {_party(org, g.from_party)}{_until(g)}"
        + (f" (its head {_party(org, head.id)})" if head is not None else "")
        for g in active
        if g.to_party == party
    )
    return clauses


def _why_decides(person: str, decision: Decision, org: Org, active: list[Delegation]) -> str:
    if decision.accountable == person:
        return " (accountable)"
    head = org.head(decision.accountable)
    if head is not None and head.id == person:
        return f" (as head of {decision.accountable})"
    for g in active:
        via = f"by delegation from {_party(org, g.from_party)}{_until(g)}"
        if g.to_party == person:
            return f" ({via})"
        delegate_head = org.head(g.to_party)
        if delegate_head is not None and delegate_head.id == person:
            return f" (as head of {g.to_party}, {via})"
    return ""


def _decided_by(group: str, org: Org, delegates: list[Delegation]) -> str:
    """Who decides for ``group``, which holds a decision: its head and any delegate."""
    head = org.head(group)
    if head is not None:
        others = [f"{_party(org, g.to_party)} by delegation{_until(g)}" for g in delegates]
        return f"its head {_party(org, head.id)} decides" + "".join(f", and {o}" for o in others)
    if delegates:
        others = [f"{_party(org, g.to_party)} decides by delegation{_until(g)}" for g in delegates]
        return "it has no head; " + " and ".join(others)
    return "it has no head, so nobody may decide it"


def _groups_of(person: str, loaded: AlignmentFile) -> list[tuple[str, bool]]:
    """The functions and teams ``person`` belongs to or heads, and whether they head it."""
    org = loaded.org
    own = org.person(person).function
    head = org.head(own)
    groups = {own: head is not None and head.id == person}
    for function in org.functions:
        head = org.head(function.name)
        if head is not None and head.id == person:
            groups.setdefault(function.name, True)
    for team in loaded.teams:
        if any(member.id == person for member in team.members):
            groups.setdefault(team.name, False)
    groups.pop(person, None)
    return list(groups.items())


def _roles(roles: frozenset[Role]) -> str:
    from alignkit.decision_rights import ROLE_ORDER

    return "/".join(role.value for role in ROLE_ORDER if role in roles)


def _party(org: Org, party: str) -> str:
    """A person id in backticks; a function or team by its name."""
    return f"`{party}`" if org.get_person(party) is not None else party


def _until(delegation: Delegation) -> str:
    return f" until {delegation.until.isoformat()}" if delegation.until is not None else ""


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
