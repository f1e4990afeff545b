"""The ``alignkit coach`` command: a four-week micro-coaching plan, as text and iCalendar."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from alignkit.coaching import CoachingPlan

__all__ = ["coach"]


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"write a date as YYYY-MM-DD, got {value!r}", param_hint="'--start'"
        ) from None


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--start", help="The first day of week 1, YYYY-MM-DD (else the section's `start`).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the sessions to this iCalendar file (needs `pip install 'alignkit[ical]'`).",
)
@click.option(
    "--cohort",
    multiple=True,
    metavar="TEAM|FUNCTION|PERSON",
    help="Who is in the plan (repeatable); else the section's cohort, else everyone.",
)
@click.option("--seed", type=int, help="The seed of the pairing's ties (else the section's).")
@click.option(
    "--zone",
    metavar="ZONE",
    help="The IANA time zone of working hours where no channel calendar is set "
    "(else the section's `zone`, else UTC).",
)
@click.option(
    "--explain",
    "explain",
    metavar="PERSON",
    help="Print why PERSON was paired with each partner, and when they meet.",
)
@click.option(
    "--email-domain",
    default="example.com",
    show_default=True,
    help="The domain of attendees' addresses in the iCalendar file (`id@domain`).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
def coach(
    file: Path,
    start: str | None,
    output: Path | None,
    cohort: tuple[str, ...],
    seed: int | None,
    zone: str | None,
    explain: str | None,
    email_domain: str,
    output_format: str,
) -> None:
    """Pair FILE's cohort for four weeks of micro-coaching and place every session.

    Week 1 a "Day in the Life" job swap, week 2 a handoff review with the other side
    of a handoff, week 3 mixed teams reviewing customer calls, week 4
    cross-department problem-solving pairs. Prints the pairings and the share of
    cross-department pairs against the best possible; `-o plan.ics` writes the
    sessions as calendar invitations.
    """
    from alignkit._cli_common import InputError, fail, problems_said
    from alignkit.alignment_file import load
    from alignkit.coaching import CoachingSection
    from alignkit.errors import SpecError, UnknownNameError

    first = _date(start)
    try:
        alignment = load(file)
    except SpecError as error:
        fail(error, str(file))
    section = alignment.section("coaching") or CoachingSection()
    if zone is not None:
        try:
            section = section.model_copy(update={"zone": zone})
        except SpecError as error:
            raise click.BadParameter(problems_said(error), param_hint="'--zone'") from None
    if first is None and section.start is None:
        raise click.UsageError(
            f"Give the first day of week 1 with --start, or `start:` in {file}'s coaching section"
        )
    if cohort:
        try:
            section.members(alignment, cohort)
        except SpecError as error:
            raise click.BadParameter(problems_said(error), param_hint="'--cohort'") from None
    try:
        plan = section.plan(alignment, first, cohort=cohort or None, seed=seed)
    except SpecError as error:
        fail(error, str(file))
    try:
        text = plan.explain(explain) if explain is not None else None
    except UnknownNameError as error:
        raise click.BadParameter(str(error), param_hint="'--explain'") from None
    if output is not None:
        try:
            plan.write_ical(output, email_domain=email_domain)
        except SpecError as error:
            raise InputError(problems_said(error)) from None
        except OSError as error:
            raise InputError(f"Cannot write {output}: {error.strerror}") from None
    for session in plan.unplaced:
        click.echo(
            f"warning: no time in week {session.week} suits everyone for "
            f"“{session.title}”: it is left out of the calendar",
            err=True,
        )
    if text is not None:
        click.echo(text, nl=False)
    elif output_format == "json":
        click.echo(json.dumps(_as_dict(plan), indent=2))
    else:
        click.echo(_as_text(plan), nl=False)
    if output is not None:
        placed = len(plan.sessions) - len(plan.unplaced)
        click.echo(f"Wrote {placed} sessions to {output}", err=True)


def _percent(value: float) -> str:
    return f"{value:.1%}"


def _as_text(plan: CoachingPlan) -> str:
    from alignkit.coaching import ACTIVITIES

    share = plan.cross_share()
    lines = [
        (
            f"Micro-coaching plan: {len(plan.members)} people, four weeks from "
            f"{plan.start:%a %d %b %Y}"
        ),
        (
            f"Cross-department pairs: {share.cross} of {share.pairs} "
            f"({_percent(share.share)}); best possible {_percent(share.best)}"
        ),
    ]
    for activity in ACTIVITIES:
        lines += ["", f"Week {activity.week} · {activity.name}"]
        for pairing in plan.pairings:
            if pairing.week != activity.week:
                continue
            who = " + ".join(
                f"{plan.members[p].name} ({plan.members[p].function})" for p in pairing.people
            )
            lines.append(f"  {who}")
        if activity.week != 3:  # noqa: PLR2004 - week 3 makes teams, not pairs
            week = plan.cross_share(activity.week)
            lines.append(
                f"  cross-department: {week.cross} of {week.pairs} pairs "
                f"({_percent(week.share)}; best {_percent(week.best)})"
            )
    return "\n".join(lines) + "\n"


def _as_dict(plan: CoachingPlan) -> dict[str, object]:
    share = plan.cross_share()

    def moment(value: dt.datetime | None) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "start": plan.start.isoformat(),
        "seed": plan.seed,
        "cross_share": {
            "cross": share.cross,
            "pairs": share.pairs,
            "share": share.share,
            "best": share.best,
        },
        "pairings": [
            {
                "week": p.week,
                "people": list(p.people),
                "functions": list(p.functions),
                "reason": p.reason,
                "kind": p.kind,
            }
            for p in plan.pairings
        ],
        "sessions": [
            {
                "week": s.week,
                "activity": s.activity,
                "title": s.title,
                "organizer": s.organizer,
                "attendees": list(s.attendees),
                "start": moment(s.start),
                "end": moment(s.end),
                "uid": s.uid,
            }
            for s in plan.sessions
        ],
    }
