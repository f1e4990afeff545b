"""The ``alignkit rights`` commands: import a spreadsheet, answer who decides, export."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import click

from alignkit._cli_common import fail as _fail
from alignkit.alignment_file import AlignmentFile, load
from alignkit.errors import SpecError, UnknownNameError

if TYPE_CHECKING:
    import datetime as dt

    from alignkit.decision_rights import Decision, DecisionRights, Delegation, Role, Scheme
    from alignkit.org import Org

__all__ = ["rights"]


@click.group()
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
