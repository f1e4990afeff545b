"""The implementation of :mod:`alignkit.squads`; import from ``alignkit.squads``."""

from __future__ import annotations

import datetime as dt
import enum
import math
import random
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol, final, runtime_checkable

import attrs
from pydantic import Field, field_validator

from alignkit._spec import SpecModel, TupleOf, also_accepts, suggest
from alignkit.diagnostics import Diagnostic, Location, Report
from alignkit.errors import Problem, SpecError
from alignkit.squads._rules import (
    DECISION_OUTSIDE_AUTONOMY,
    FUNCTION_DOMINATES_TEAM,
    LEADER_NOT_MEMBER,
    MEMBER_FUNCTION_MISMATCH,
    MEMBER_NOT_IN_ORG,
    MISSION_WITHOUT_OUTCOME,
    OVER_ALLOCATED_MEMBER,
    TEAM_SIZE_OUT_OF_BAND,
    TOO_FEW_FUNCTIONS,
)

if TYPE_CHECKING:
    from alignkit.decision_rights import DecisionRights
    from alignkit.handoff import Handoff
    from alignkit.org import Org, Person

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


class Autonomy(enum.Enum):
    """How much a team may decide on its own.

    Added in 0.1.
    """

    LIMITED = "limited"
    MODERATE = "moderate"
    HIGH = "high"


AUTONOMY_SCOPES: Final[Mapping[Autonomy, frozenset[str]]] = {
    Autonomy.LIMITED: frozenset({"team"}),
    Autonomy.MODERATE: frozenset({"team", "account"}),
    Autonomy.HIGH: frozenset({"team", "account", "pricing", "scope"}),
}
"""The decision scopes each autonomy level may hold, by default.

Limited: team-internal decisions; moderate: also account-level commitments; high: also
pricing and scope within guardrails. A decision without a ``scope`` counts as ``team``.
"""


class TeamModel(SpecModel):
    """A team model: its size band, what it suits, and how much it may decide.

    Args:
        name: The model's name (``pod``).
        min_size: The fewest members.
        max_size: The most members.
        best_for: What it suits (``simple sales cycles``).
        autonomy: How much it may decide.

    ``min_functions`` is how many functions a team of this model needs (2 for a pod,
    3 for a squad or tribe); ``scopes`` overrides the decision scopes of its autonomy.

    Added in 0.1.
    """

    name: str = Field(min_length=1, description="The model's name.")
    min_size: int = Field(ge=1, description="The fewest members.")
    max_size: int = Field(ge=1, description="The most members.")
    best_for: str = Field(default="", description="What the model suits.")
    autonomy: Autonomy = Field(default=Autonomy.LIMITED, description="How much it may decide.")
    min_functions: int = Field(default=2, ge=1, description="Functions a team needs.")
    scopes: TupleOf[str] | None = Field(
        default=None, description="Decision scopes it may hold (default: by autonomy)."
    )

    def __init__(
        self,
        name: str,
        min_size: int,
        max_size: int,
        best_for: str = "",
        autonomy: Autonomy | str = Autonomy.LIMITED,
        *,
        min_functions: int = 2,
        scopes: Sequence[str] | None = None,
    ) -> None:
        super().__init__(
            name=name,
            min_size=min_size,
            max_size=max_size,
            best_for=best_for,
            autonomy=autonomy,
            min_functions=min_functions,
            scopes=scopes,
        )

    def _invariants(self) -> Iterator[Problem]:
        if self.max_size < self.min_size:
            yield Problem(
                f"max_size ({self.max_size}) is below min_size ({self.min_size})",
                Location(path=("max_size",)),
            )

    def fits(self, size: int) -> bool:
        """True when ``size`` is within the band."""
        return self.min_size <= size <= self.max_size

    @property
    def allowed_scopes(self) -> frozenset[str]:
        """The decision scopes a team of this model may be accountable for."""
        if self.scopes is not None:
            return frozenset(self.scopes)
        return AUTONOMY_SCOPES[self.autonomy]

    @staticmethod
    def for_size(size: int) -> TeamModel | None:
        """The preset a team of ``size`` fits (the smaller model where bands overlap).

        >>> TeamModel.for_size(4).name, TeamModel.for_size(12).name, TeamModel.for_size(2)
        ('pod', 'tribe', None)
        """
        for model in PRESETS.values():
            if model.fits(size):
                return model
        return None

    @staticmethod
    def explain_size(size: int) -> str:
        """Why a team of ``size`` fits a preset, or is too small, or too big."""
        found = TeamModel.for_size(size)
        if found is not None:
            return f"{size} fits a {found.name} ({found.min_size}-{found.max_size} members)"
        smallest = min(PRESETS.values(), key=lambda m: m.min_size)
        largest = max(PRESETS.values(), key=lambda m: m.max_size)
        if size < smallest.min_size:
            return (
                f"{size} is too small for any team model "
                f"(the smallest, {smallest.name}, needs {smallest.min_size})"
            )
        teams = math.ceil(size / largest.max_size)
        return (
            f"{size} is too big for any team model (the largest, {largest.name}, holds "
            f"{largest.max_size}): split it into {teams} teams"
        )


def _model(value: object) -> object:
    if isinstance(value, str):
        found = PRESETS.get(value.strip().lower())
        if found is None:
            close = suggest(value.strip().lower(), PRESETS)
            hint = f"did you mean {close!r}? " if close else ""
            msg = (
                f"Unknown team model {value!r}; {hint}The presets are pod, squad and tribe, "
                "and a custom model is a mapping"
            )
            raise ValueError(msg)
        return found
    return value


def _preset(
    name: str, sizes: tuple[int, int], best_for: str, autonomy: Autonomy, functions: int
) -> TeamModel:
    # model_construct: valid literals, without building a validator at import time
    # (tests check the presets equal validated models).
    return TeamModel.model_construct(
        name=name,
        min_size=sizes[0],
        max_size=sizes[1],
        best_for=best_for,
        autonomy=autonomy,
        min_functions=functions,
        scopes=None,
    )


POD: Final = _preset("pod", (3, 5), "simple sales cycles", Autonomy.LIMITED, 2)
"""3-5 members, simple sales cycles, limited autonomy, at least 2 functions."""
SQUAD: Final = _preset("squad", (6, 10), "complex deals", Autonomy.MODERATE, 3)
"""6-10 members, complex deals, moderate autonomy, at least 3 functions."""
TRIBE: Final = _preset("tribe", (10, 15), "enterprise accounts", Autonomy.HIGH, 3)
"""10-15 members, enterprise accounts, high autonomy, at least 3 functions."""
PRESETS: Final[Mapping[str, TeamModel]] = {"pod": POD, "squad": SQUAD, "tribe": TRIBE}
"""The preset models by name, smallest first."""


@final
@attrs.frozen
class Recommendation:
    """A recommended model and why. Unpacks as ``model, reason``.

    Added in 0.1.
    """

    model: TeamModel
    reason: str

    def __iter__(self) -> Iterator[Any]:
        return iter((self.model, self.reason))


_CYCLES: Final = {"simple": POD, "complex": SQUAD, "enterprise": TRIBE}


_MAX_HEADCOUNT: Final = 10_000_000  # beyond any organisation; keeps the arithmetic exact


def recommend(
    cycle: Literal["simple", "complex", "enterprise"], headcount: int | None = None
) -> Recommendation:
    """The team model for a sales cycle, and for a headcount if given.

    >>> recommend("enterprise", headcount=30).reason
    'Enterprise accounts need a tribe (10-15 members, high autonomy); 30 people make 2 tribes of 15'

    Raises:
        SpecError: ``cycle`` is not simple, complex or enterprise, or ``headcount`` < 1.

    Added in 0.1.
    """
    model = _CYCLES.get(cycle) if isinstance(cycle, str) else None
    if model is None:
        raise SpecError.single(
            f"Unknown sales cycle {cycle!r}; use simple, complex or enterprise",
            Location(path=("cycle",)),
        )
    reason = (
        f"{model.best_for.capitalize()} need a {model.name} "
        f"({model.min_size}-{model.max_size} members, {model.autonomy.value} autonomy)"
    )
    if headcount is not None:
        if not isinstance(headcount, int) or isinstance(headcount, bool):
            raise SpecError.single(
                f"headcount must be a whole number, got {headcount!r:.60}",
                Location(path=("headcount",)),
            )
        if not 1 <= headcount <= _MAX_HEADCOUNT:
            raise SpecError.single(
                f"headcount must be at least 1 and at most {_MAX_HEADCOUNT:,}",
                Location(path=("headcount",)),
            )
        if headcount < model.min_size:
            reason += f"; {headcount} people are too few for one {model.name}"
        else:
            teams = math.ceil(headcount / model.max_size)
            placed = headcount
            if teams * model.min_size > headcount:  # no split fits the band
                teams = headcount // model.min_size
                placed = teams * model.max_size
            size = placed / teams
            shape = f"{teams} {model.name}{'s' if teams > 1 else ''}"
            sizes = (
                f"{math.floor(size)}"
                if size == int(size)
                else f"{math.floor(size)}-{math.ceil(size)}"
            )
            reason += f"; {headcount} people make {shape} of {sizes}"
            if placed < headcount:
                other = TeamModel.for_size(headcount)
                reason += f", with {headcount - placed} left over"
                if other is not None:
                    reason += f" (or one {other.name} of {headcount})"
    return Recommendation(model, reason)


# -- teams -------------------------------------------------------------------------------


class Member(SpecModel):
    """A team member: a person id, their function, and the share of their time.

    Added in 0.1.
    """

    id: str = Field(min_length=1, description="The person's id.")
    function: str = Field(min_length=1, description="The person's function.")
    allocation: float = Field(
        default=1.0, gt=0, le=1, description="Share of their time on this team (0-1]."
    )

    def __init__(self, id: str, function: str, allocation: float = 1.0) -> None:
        super().__init__(id=id, function=function, allocation=allocation)


class Team(SpecModel):
    """A cross-functional team that owns a customer outcome.

    Args:
        name: The team's name; decision rights may name it as a party.
        model: A :class:`TeamModel`, or a preset's name (``"squad"``).
        mission: The customer outcome it owns ("reduce new-customer churn in the
            first 90 days"), not a task ("build the integration").
        members: Who is on it.
        leader: The member who leads it.
        metric: How the outcome is measured.

    Added in 0.1.
    """

    name: str = Field(min_length=1, description="The team's name.")
    model: TeamModel = Field(
        description="pod, squad, tribe, or a custom model.",
        json_schema_extra=also_accepts("pod", "squad", "tribe"),
    )
    mission: str = Field(default="", description="The customer outcome the team owns.")
    members: TupleOf[Member] = Field(default=(), description="Who is on the team.")
    leader: str | None = Field(default=None, description="The member who leads it.")
    metric: str | None = Field(default=None, description="How the outcome is measured.")

    def __init__(
        self,
        name: str,
        model: TeamModel | str,
        mission: str,
        members: Sequence[Member | Mapping[str, Any]],
        leader: str | None,
        metric: str | None = None,
    ) -> None:
        super().__init__(
            name=name, model=model, mission=mission, members=members, leader=leader, metric=metric
        )

    @field_validator("model", mode="before")
    @classmethod
    def _resolve_model(cls, value: object) -> object:
        return _model(value)

    def _invariants(self) -> Iterator[Problem]:
        seen: set[str] = set()
        for index, member in enumerate(self.members):
            if member.id in seen:
                yield Problem(
                    f"`{member.id}` is listed twice in team `{self.name}`",
                    Location(path=("members", index, "id")),
                )
            seen.add(member.id)

    @property
    def size(self) -> int:
        """The number of members."""
        return len(self.members)

    @property
    def functions(self) -> Counter[str]:
        """How many members each function has."""
        return Counter(m.function for m in self.members)

    def check(
        self,
        org: Org | None = None,
        rights: DecisionRights | None = None,
        *,
        mission_check: Callable[[str, str | None], bool] | None = None,
    ) -> Report:
        """Check the team alone (``SQ001``-``SQ003``, ``SQ005``-``SQ008``).

        Args:
            org: Checks members against the org.
            rights: Checks the decisions the team is accountable for against its autonomy.
            mission_check: Decides whether a mission names a customer outcome
                (default :func:`mission_is_outcome`).
        """
        return Report(_check_team(self, org, rights, mission_check or mission_is_outcome, ()))


_OUTCOME_VERBS: Final = frozenset(
    [
        "reduce",
        "increase",
        "improve",
        "grow",
        "raise",
        "cut",
        "lower",
        "shorten",
        "halve",
        "double",
        "retain",
        "keep",
        "prevent",
        "speed",
        "accelerate",
        "lift",
        "boost",
        "decrease",
    ]
)
_CUSTOMER_WORDS: Final = frozenset(
    [
        "customer",
        "client",
        "user",
        "churn",
        "activation",
        "activated",
        "retention",
        "onboarding",
        "adoption",
        "satisfaction",
        "nps",
        "revenue",
        "renewal",
        "time-to-value",
    ]
)
_MEASURE: Final = re.compile(r"\d|%|\bdays?\b|\bweeks?\b|\bmonths?\b|\brate\b|\bscore\b")


def mission_is_outcome(mission: str, metric: str | None = None) -> bool:
    """True when a mission names a customer outcome that can be measured.

    The rule, kept simple so anyone can predict it: the mission has an outcome verb
    (reduce, increase, improve, retain ...) and a customer word (customer, churn,
    activation, onboarding ...), and it is measurable: a number, a time span or a
    rate in the mission, or a ``metric`` on the team.

    >>> mission_is_outcome("Reduce new-customer churn in the first 90 days")
    True
    >>> mission_is_outcome("Build the integration")
    False

    Added in 0.1.
    """
    words = set(re.findall(r"[a-z][a-z-]*", mission.lower()))
    # Crude stemming is enough here: "reduces", "reducing", "customers" all count.
    words |= {w.removesuffix("s") for w in words} | {w.removesuffix("ing") for w in words}
    words |= {w + "e" for w in words if w.endswith(("uc", "ov", "ncreas", "as"))}
    has_outcome = bool(words & _OUTCOME_VERBS)
    has_customer = bool(words & _CUSTOMER_WORDS) or any(
        w.split("-")[-1] in _CUSTOMER_WORDS for w in words
    )
    measurable = bool(_MEASURE.search(mission.lower())) or bool(metric and metric.strip())
    return has_outcome and has_customer and measurable


def _check_team(
    team: Team,
    org: Org | None,
    rights: DecisionRights | None,
    mission_check: Callable[[str, str | None], bool],
    prefix: tuple[str | int, ...],
) -> Iterator[Diagnostic]:
    model = team.model
    if not model.fits(team.size):
        yield TEAM_SIZE_OUT_OF_BAND.diagnostic(
            f"Team `{team.name}` has {team.size} members; a {model.name} has "
            f"{model.min_size}-{model.max_size}",
            path=(*prefix, "members"),
            target=team.name,
            hint=TeamModel.explain_size(team.size),
        )
    functions = team.functions
    if len(functions) < model.min_functions:
        yield TOO_FEW_FUNCTIONS.diagnostic(
            f"Team `{team.name}` spans {len(functions)} function"
            f"{'s' if len(functions) != 1 else ''}; a {model.name} needs at least "
            f"{model.min_functions}",
            path=(*prefix, "members"),
            target=team.name,
        )
    if team.leader is None:
        yield LEADER_NOT_MEMBER.diagnostic(
            f"Team `{team.name}` has no leader", path=(*prefix,), target=team.name
        )
    elif team.leader not in {m.id for m in team.members}:
        yield LEADER_NOT_MEMBER.diagnostic(
            f"Team `{team.name}` is led by `{team.leader}`, who is not a member",
            path=(*prefix, "leader"),
            target=team.name,
        )
    if rights is not None:
        from alignkit.decision_rights import Role

        allowed = model.allowed_scopes
        for decision_id in sorted(rights.decisions_for(team.name, Role.ACCOUNTABLE)):
            scope = rights.decision(decision_id).scope or "team"
            if scope not in allowed:
                yield DECISION_OUTSIDE_AUTONOMY.diagnostic(
                    f"Team `{team.name}` ({model.autonomy.value} autonomy) is accountable "
                    f"for `{decision_id}`, a {scope} decision",
                    path=(*prefix, "model"),
                    target=team.name,
                    hint=f"A {model.name} may hold {', '.join(sorted(allowed))} decisions",
                )
    if team.size:
        function, seats = functions.most_common(1)[0]
        if seats * 2 > team.size:
            yield FUNCTION_DOMINATES_TEAM.diagnostic(
                f"{function} holds {seats} of {team.size} seats in team `{team.name}`",
                path=(*prefix, "members"),
                target=team.name,
            )
    if not mission_check(team.mission, team.metric):
        yield MISSION_WITHOUT_OUTCOME.diagnostic(
            f"The mission of `{team.name}` ({team.mission!r}) does not name a measurable "
            "customer outcome",
            path=(*prefix, "mission"),
            target=team.name,
        )
    if org is not None:
        for index, member in enumerate(team.members):
            person = org.get_person(member.id)
            if person is None:
                yield MEMBER_NOT_IN_ORG.diagnostic(
                    f"`{member.id}` in team `{team.name}` is not in the org",
                    path=(*prefix, "members", index, "id"),
                    target=member.id,
                )
            elif person.function != member.function:
                yield MEMBER_FUNCTION_MISMATCH.diagnostic(
                    f"`{member.id}` is listed as {member.function} in team `{team.name}` "
                    f"but belongs to {person.function}",
                    path=(*prefix, "members", index, "function"),
                    target=member.id,
                )


def check_teams(
    teams: Sequence[Team],
    org: Org | None = None,
    rights: DecisionRights | None = None,
    *,
    mission_check: Callable[[str, str | None], bool] | None = None,
) -> Report:
    """Check every team, and what needs all of them: nobody beyond 100% (``SQ004``).

    Findings are placed at ``[i]`` paths (the team's index).

    Added in 0.1.
    """
    found: list[Diagnostic] = []
    for index, team in enumerate(teams):
        found.extend(_check_team(team, org, rights, mission_check or mission_is_outcome, (index,)))
    found.extend(_allocation(teams))
    return Report(found)


def _allocation(teams: Sequence[Team]) -> Iterator[Diagnostic]:
    total: dict[str, float] = {}
    last: dict[str, tuple[int, int, list[str]]] = {}
    for t, team in enumerate(teams):
        for m, member in enumerate(team.members):
            total[member.id] = total.get(member.id, 0.0) + member.allocation
            names = last.get(member.id, (0, 0, []))[2]
            last[member.id] = (t, m, [*names, team.name])
    for person, share in total.items():
        if share > 1 + 1e-9:
            t, m, names = last[person]
            yield OVER_ALLOCATED_MEMBER.diagnostic(
                f"`{person}` is allocated {share:.0%} across {', '.join(names)}",
                path=(t, "members", m, "allocation"),
                target=person,
            )


# -- forming teams -----------------------------------------------------------------------


@final
@attrs.frozen
class Unplaced:
    """Someone :func:`form_teams` could not place, and why.

    Added in 0.1.
    """

    id: str
    function: str
    reason: str


@final
@attrs.frozen
class Formation:
    """The result of :func:`form_teams`.

    Added in 0.1.
    """

    teams: tuple[Team, ...]
    unplaced: tuple[Unplaced, ...]


def _roster(
    roster: Iterable[Member | Person | tuple[str, str] | Mapping[str, Any]],
) -> list[tuple[str, str]]:
    if isinstance(roster, str | bytes | Mapping) or not isinstance(roster, Iterable):
        raise SpecError.single(
            f"The roster must be a list of people, got {type(roster).__name__}",
            Location(path=("roster",)),
        )
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    problems: list[Problem] = []
    for index, entry in enumerate(roster):
        found = _roster_entry(entry)
        if isinstance(found, str):
            problems.append(Problem(found, Location(path=("roster", index))))
            continue
        person_id, function = found
        if person_id in seen:
            problems.append(
                Problem(f"`{person_id}` is on the roster twice", Location(path=("roster", index)))
            )
            continue
        seen.add(person_id)
        out.append((person_id, function))
    if problems:
        raise SpecError(problems)
    return out


def _roster_entry(entry: object) -> tuple[str, str] | str:
    """``(id, function)`` of one roster entry, or why it is not one."""
    if isinstance(entry, tuple) and len(entry) == 2:  # noqa: PLR2004 - a pair
        person_id, function = entry
    elif isinstance(entry, Mapping):
        person_id, function = entry.get("id"), entry.get("function")
    elif hasattr(entry, "id") and hasattr(entry, "function"):  # a Member or a Person
        person_id, function = entry.id, entry.function
    else:
        return (
            "A roster entry is a Member, a Person, an (id, function) pair or a mapping "
            f"with `id` and `function`, got {type(entry).__name__}"
        )
    for key, value in (("id", person_id), ("function", function)):
        if value is None:
            return f"A roster entry has no `{key}`"
        if not isinstance(value, str) or not value.strip():
            return f"A roster entry needs its `{key}` as text, got {value!r:.60}"
    return str(person_id), str(function)


def form_teams(
    roster: Iterable[Member | Person | tuple[str, str] | Mapping[str, Any]],
    model: TeamModel | str,
    required_functions: Iterable[str] = (),
    seed: int = 0,
    *,
    mission: str = "",
    prefix: str | None = None,
) -> Formation:
    """Partition a roster into cross-functional teams within the model's size band.

    Teams are as equal in size as the band allows, each gets one person of every
    required function while the roster has them, and the rest are spread so that no
    function piles up in one team. The same roster and seed give the same teams.
    Everyone is placed whenever some partition within the band exists; otherwise
    the people left over are the formation's ``unplaced``, each with the reason.

    Args:
        roster: People as :class:`Member`, :class:`~alignkit.org.Person`,
            ``(id, function)`` pairs or mappings with ``id`` and ``function``.
        model: The team model, or a preset's name.
        required_functions: Functions every team should have.
        seed: Shuffles people within each function.
        mission: The mission the new teams start with.
        prefix: Team names are ``{prefix}-1``, ``{prefix}-2`` ... (default: the model's name).

    Raises:
        SpecError: Someone is on the roster twice, or the model is unknown.

    Added in 0.1.
    """
    import heapq  # here, not at the top: only forming teams needs it

    chosen = _resolve(model)
    people = _roster(roster)
    lo, hi = chosen.min_size, chosen.max_size
    n = len(people)
    count = math.ceil(n / hi) if n else 0
    if count * lo > n:  # no partition within the band places everyone
        count = n // lo
    capacity = min(n, count * hi)
    sizes = [capacity // count + (1 if i < capacity % count else 0) for i in range(count)]
    rng = random.Random(seed)  # noqa: S311 - a reproducible shuffle, not a secret
    groups: dict[str, list[str]] = {}
    for person_id, function in people:
        groups.setdefault(function, []).append(person_id)
    for members in groups.values():
        rng.shuffle(members)
    # Largest functions first, so the small ones are spread last and stay balanced.
    order = sorted(groups, key=lambda f: (-len(groups[f]), f))
    # When the seats cannot hold everyone, leave out people of the largest functions,
    # one at a time, so that scarce functions keep their seats.
    spare: dict[str, list[str]] = {f: [] for f in groups}
    for _ in range(n - capacity):
        largest = max(order, key=lambda f: len(groups[f]))
        spare[largest].append(groups[largest].pop())
    required = [f for f in dict.fromkeys(required_functions) if f in groups]
    teams: list[list[tuple[str, str]]] = [[] for _ in range(count)]
    counts: list[Counter[str]] = [Counter() for _ in range(count)]

    def place(t: int, function: str) -> None:
        teams[t].append((groups[function].pop(), function))
        counts[t][function] += 1

    def key(t: int, function: str) -> tuple[bool, int, int, int]:
        # A team where one more would give this function over half its seats goes last.
        over = (counts[t][function] + 1) * 2 > sizes[t]
        return (over, counts[t][function], len(teams[t]), t)

    for function in required:
        for t in range(count):
            if groups[function] and len(teams[t]) < sizes[t]:
                place(t, function)
    for function in order:
        pool = groups[function]
        if not pool:
            continue
        # Only the team just placed changes its key, so a heap gives the same choice as
        # min() over every open team, in O(log k) instead of O(k).
        heap = [key(t, function) for t in range(count) if len(teams[t]) < sizes[t]]
        heapq.heapify(heap)
        while pool and heap:
            t = heapq.heappop(heap)[-1]
            place(t, function)
            if len(teams[t]) < sizes[t]:
                heapq.heappush(heap, key(t, function))
    name = prefix or chosen.name
    built = tuple(
        Team(
            f"{name}-{t + 1}",
            chosen,
            mission,
            [Member(person_id, function) for person_id, function in members],
            members[0][0] if members else None,
        )
        for t, members in enumerate(teams)
    )
    reason = (
        f"{n} people are too few for one {chosen.name} ({lo}-{hi} members)"
        if count == 0
        else f"every {chosen.name} is full ({hi} members) and the rest cannot make another"
    )
    unplaced = tuple(
        Unplaced(person_id, function, reason)
        for function in order
        for person_id in [*spare[function], *groups[function]]
    )
    return Formation(built, unplaced)


def _resolve(model: TeamModel | str) -> TeamModel:
    if isinstance(model, TeamModel):
        return model
    if not isinstance(model, str):
        raise SpecError.single(
            f"The model must be a TeamModel or a preset's name (pod, squad, tribe), "
            f"got {type(model).__name__}",
            Location(path=("model",)),
        )
    try:
        resolved = _model(model)
    except ValueError as error:
        raise SpecError.single(str(error), Location(path=("model",))) from None
    if not isinstance(resolved, TeamModel):  # pragma: no cover - a name gives a preset
        raise SpecError.single(f"Unknown team model {model!r}", Location(path=("model",)))
    return resolved


# -- the pilot scorecard -----------------------------------------------------------------


@final
@attrs.frozen
class PilotScorecard:
    """How a pilot team is doing: decision speed and cross-department friction.

    Attributes:
        team: The team's name.
        decisions: How many decisions were timed.
        median_decision_time: Median time from proposal to decision.
        handoffs: Handoffs owned by the team's members.
        red_flags: Red flags raised on those handoffs.

    Added in 0.1.
    """

    team: str
    decisions: int
    median_decision_time: dt.timedelta | None
    handoffs: int
    red_flags: int

    @property
    def flags_per_handoff(self) -> float:
        """Red flags per handoff: friction between departments."""
        return self.red_flags / self.handoffs if self.handoffs else 0.0


@runtime_checkable
class DecisionSource(Protocol):
    """What :func:`pilot_scorecard` reads of a decision log.

    :class:`alignkit.decision_log.DecisionLog` is one.

    Added in 0.2.
    """

    def records(self) -> Iterable[DecidedRecord]:
        """Every record of the log."""
        ...  # pragma: no cover - a protocol


class DecidedRecord(Protocol):
    """What :func:`pilot_scorecard` reads of a decision record.

    Added in 0.2.
    """

    @property
    def proposed_at(self) -> dt.datetime:
        """When it was proposed."""
        ...  # pragma: no cover - a protocol

    @property
    def decided_at(self) -> dt.datetime | None:
        """When it was decided, if it was."""
        ...  # pragma: no cover - a protocol

    @property
    def decider(self) -> str | None:
        """Who decided it, if anyone did."""
        ...  # pragma: no cover - a protocol


def pilot_scorecard(
    team: Team,
    decisions: Iterable[tuple[dt.datetime, dt.datetime]] | DecisionSource = (),
    handoffs: Iterable[Handoff] = (),
) -> PilotScorecard:
    """Score a pilot on speed of decision-making and friction, not only output.

    Args:
        team: The pilot team.
        decisions: ``(proposed_at, decided_at)`` for each decision the team took, or
            a :class:`~alignkit.decision_log.DecisionLog`: its records decided by the
            team's members count (a decision later superseded still counts: it was
            taken).
        handoffs: Handoffs (from a :class:`~alignkit.handoff.HandoffDesk`); those owned
            by the team's members count.

    Raises:
        SpecError: A decision was taken before it was proposed.

    Added in 0.1; takes a decision log since 0.2.
    """
    import statistics  # here, not at the top: only a scorecard needs it

    members = {m.id for m in team.members}
    if isinstance(decisions, DecisionSource):
        decisions = [
            (record.proposed_at, record.decided_at)
            for record in decisions.records()
            if record.decided_at is not None and record.decider in members
        ]
    waits = []
    for index, (proposed, decided) in enumerate(decisions):
        if decided < proposed:
            raise SpecError.single(
                "A decision cannot be taken before it is proposed", Location(path=(index,))
            )
        waits.append((decided - proposed).total_seconds())
    owned = [h for h in handoffs if h.owner in members]
    return PilotScorecard(
        team.name,
        len(waits),
        dt.timedelta(seconds=statistics.median(waits)) if waits else None,
        len(owned),
        sum(len(h.flags) for h in owned),
    )
