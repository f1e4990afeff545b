"""Team sizing: pods, squads and tribes; cross-functional composition; autonomy.

Silos are broken by structure: small cross-functional teams that own a customer
outcome. A :class:`TeamModel` says how big a team is and how much it may decide
(:data:`POD` 3-5, :data:`SQUAD` 6-10, :data:`TRIBE` 10-15); a :class:`Team` is checked
against its model, the org and the decision rights; :func:`form_teams` partitions a
roster into balanced cross-functional teams.

The published squad and tribe bands share 10 people. alignkit's rule: **the smaller
model wins** — :meth:`TeamModel.for_size` calls a team of 10 a squad (smaller teams
decide faster), while a tribe of 10 still passes the tribe's own size check.

>>> from alignkit.squads import SQUAD, TeamModel, recommend
>>> TeamModel.for_size(10) is SQUAD
True
>>> print(TeamModel.explain_size(17))
17 is too big for any team model (the largest, tribe, holds 15): split it into 2 teams
>>> model, reason = recommend("complex")
>>> model.name
'squad'

Added in 0.1.
"""

from __future__ import annotations

from alignkit._exports import publish
from alignkit.squads._model import (
    AUTONOMY_SCOPES,
    POD,
    PRESETS,
    SQUAD,
    TRIBE,
    Autonomy,
    DecidedRecord,
    DecisionSource,
    Formation,
    Member,
    PilotScorecard,
    Recommendation,
    Team,
    TeamModel,
    Unplaced,
    check_teams,
    form_teams,
    mission_is_outcome,
    pilot_scorecard,
    recommend,
)

__all__ = [
    "AUTONOMY_SCOPES",
    "POD",
    "PRESETS",
    "SQUAD",
    "TRIBE",
    "Autonomy",
    "DecidedRecord",
    "DecisionSource",
    "Formation",
    "Member",
    "PilotScorecard",
    "Recommendation",
    "Team",
    "TeamModel",
    "Unplaced",
    "check_teams",
    "form_teams",
    "mission_is_outcome",
    "pilot_scorecard",
    "recommend",
]

publish(globals(), __all__)
