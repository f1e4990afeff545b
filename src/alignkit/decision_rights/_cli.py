"""The ``alignkit rights`` commands: import a spreadsheet, answer who decides, export."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import click

from alignkit._cli_common import fail as _fail
from alignkit.alignment_file import AlignmentFile, load
from alignkit.errors import SpecError, UnknownNameError

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterator, Sequence

    from alignkit.decision_rights import (
        Authority,
        DecisionExplanation,
        DecisionRights,
        Delegation,
        Involvement,
        PartyExplanation,
        Role,
        Scheme,
    )
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

    from alignkit._time import is_aware

    if value is None:
        return None
    try:
        at = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        msg = f"{value!r} is not an ISO 8601 time; write it like {_AT_EXAMPLE}"
        raise click.BadParameter(msg) from None
    if not is_aware(at):
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
    from alignkit._time import now_or

    loaded, matrix = _load_rights(file)
    org = loaded.org
    when = now_or(at)
    if decision_id is not None:
        try:
            about_decision = matrix.explain_decision(decision_id, org, at=when)
        except UnknownNameError as error:
            raise click.ClickException(str(error)) from None
        click.echo("\n".join(_decision_lines(about_decision)))
    if party is not None:
        try:
            about_party = matrix.explain_party(party, org, at=when, teams=loaded.teams)
        except UnknownNameError as error:
            raise click.ClickException(str(error)) from None
        lines = [_party_line(about_party, involved, org) for involved in about_party.decisions]
        click.echo("\n".join(lines) if lines else f"{party} holds no role in any decision.")
    if decision_id is None and party is None:
        click.echo(matrix.to_markdown())


def _decision_lines(explained: DecisionExplanation) -> Iterator[str]:
    """Who decides, then each other role held, with how many people stand behind it."""
    from alignkit.decision_rights import Role

    decision = explained.decision
    yield f"{decision.id}: {decision.title}"
    yield f"  decides:      {explained.accountable} ({', '.join(sorted(explained.deciders))})"
    for holders in explained.roles:
        if not holders.parties:
            continue
        line = f"  {holders.role.value + ':':<13} {', '.join(holders.parties)}"
        if holders.role is not Role.RESPONSIBLE:
            count = len(holders.people)
            line += f" ({count} {'person' if count == 1 else 'people'})"
        yield line


def _party_line(explained: PartyExplanation, involved: Involvement, org: Org) -> str:
    """What the party may do in one decision, its clauses joined by ``; ``.

    A role a person's function or team holds is shown as the group's, naming the
    person as its head or a member.
    """
    if explained.kind == "person":
        clauses = _person_clauses(explained.party, involved, org)
    else:
        clauses = _group_clauses(explained, involved, org)
    return f"{involved.decision.id}: {'; '.join(clauses)}"


def _person_clauses(person: str, involved: Involvement, org: Org) -> list[str]:
    from alignkit.decision_rights import Role

    clauses = []
    authority = involved.authority
    if authority is not None:
        clauses.append(f"decides ({_why(authority, org)})")
        if authority.delegation is None:  # theirs to lend
            clauses.extend(
                f"delegated to {_party(org, g.to_party)}{_until(g)}" for g in involved.delegations
            )
    direct = involved.roles - {Role.ACCOUNTABLE}
    if direct:
        clauses.append(_roles(direct))
    for held in involved.through:
        if held.as_head:
            roles = held.roles - {Role.ACCOUNTABLE}  # shown as "decides (as head of ...)"
            if roles:
                clauses.append(f"{held.group} holds {_roles(roles)} (you are its head)")
            continue
        note = "you are a member"
        if Role.ACCOUNTABLE in held.roles:
            others = [g for g in involved.delegations if g.to_party != person]
            note += "; " + _decided_by(involved.head, others, org)
        clauses.append(f"{held.group} holds {_roles(held.roles)} ({note})")
    return clauses


def _group_clauses(explained: PartyExplanation, involved: Involvement, org: Org) -> list[str]:
    from alignkit.decision_rights import Role

    clauses = []
    if involved.roles:
        text = _roles(involved.roles)
        if Role.ACCOUNTABLE in involved.roles:
            text += f" ({_decided_by(involved.head, involved.delegations, org)})"
        clauses.append(text)
    its_head = f" (its head {_party(org, explained.head)})" if explained.head is not None else ""
    clauses.extend(
        f"may decide by delegation from {_party(org, g.from_party)}{_until(g)}{its_head}"
        for g in involved.delegations
        if g.to_party == explained.party
    )
    return clauses


def _why(authority: Authority, org: Org) -> str:
    """Why a person decides: ``accountable``, ``as head of Sales``, ``by delegation ...``."""
    delegation = authority.delegation
    if delegation is None:
        return f"as head of {authority.head_of}" if authority.head_of else "accountable"
    lent = f"by delegation from {_party(org, delegation.from_party)}{_until(delegation)}"
    return f"as head of {authority.head_of}, {lent}" if authority.head_of else lent


def _decided_by(head: str | None, delegations: Sequence[Delegation], org: Org) -> str:
    """Who decides for an accountable group: its head and any delegate."""
    if head is not None:
        others = [f"{_party(org, g.to_party)} by delegation{_until(g)}" for g in delegations]
        return f"its head {_party(org, head)} decides" + "".join(f", and {o}" for o in others)
    if delegations:
        others = [
            f"{_party(org, g.to_party)} decides by delegation{_until(g)}" for g in delegations
        ]
        return "it has no head; " + " and ".join(others)
    return "it has no head, so nobody may decide it"


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
