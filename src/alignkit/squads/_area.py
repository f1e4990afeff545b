"""Teams as an area of the alignment file: the ``teams:`` section, ``SQ`` codes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

from alignkit._areas_common import under
from alignkit.areas import AlignmentView, Area
from alignkit.diagnostics import Diagnostic
from alignkit.squads._model import Team, check_teams
from alignkit.squads._rules import RULES

__all__ = ["AREA", "check"]


def check(file: AlignmentView, options: None) -> Iterable[Diagnostic]:
    """``SQ001``-``SQ009`` on the file's teams."""
    del options  # nothing to tune
    teams: Sequence[Team] = file.section("teams") or ()
    if not teams:
        return ()
    return under(check_teams(teams, file.org, file.section("decision_rights")), "teams")


AREA: Final = Area(
    key="teams",
    prefix="SQ",
    title="Teams",
    module="alignkit.squads",
    section=Team,
    rules=RULES,
    check=check,
    many=True,
)
