"""alignkit.squads: team models, composition checks, autonomy, forming teams, pilots."""

from __future__ import annotations

import copy
import datetime as dt
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alignkit.decision_rights import Decision, DecisionRights
from alignkit.errors import SpecError
from alignkit.handoff import Handoff, HandoffState, RedFlag
from alignkit.org import Function, Org, Person
from alignkit.squads import (
    AUTONOMY_SCOPES,
    POD,
    SQUAD,
    TRIBE,
    Autonomy,
    Member,
    Team,
    TeamModel,
    check_teams,
    form_teams,
    mission_is_outcome,
    pilot_scorecard,
    recommend,
)

T0 = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
MISSION = "Reduce new-customer churn in the first 90 days"
ORG = Org(
    functions=[Function("Sales", "s1"), Function("Operations", "o1"), Function("Support", "c1")],
    people=[
        Person("s1", "S1", "Sales"),
        Person("s2", "S2", "Sales"),
        Person("o1", "O1", "Operations"),
        Person("o2", "O2", "Operations"),
        Person("c1", "C1", "Support"),
    ],
)
POD_MEMBERS = [Member("s1", "Sales"), Member("o1", "Operations"), Member("c1", "Support")]


class TestTeamModel:
    def test_presets(self):
        """The published bands, use cases and autonomy."""
        assert [(m.name, m.min_size, m.max_size, m.autonomy) for m in (POD, SQUAD, TRIBE)] == [
            ("pod", 3, 5, Autonomy.LIMITED),
            ("squad", 6, 10, Autonomy.MODERATE),
            ("tribe", 10, 15, Autonomy.HIGH),
        ]
        assert (POD.min_functions, SQUAD.min_functions, TRIBE.min_functions) == (2, 3, 3)

    @pytest.mark.parametrize(
        ("size", "name"),
        [
            (2, None),
            (3, "pod"),
            (5, "pod"),
            (6, "squad"),
            (10, "squad"),
            (11, "tribe"),
            (15, "tribe"),
            (16, None),
        ],
    )
    def test_for_size_smaller_model_wins_the_overlap(self, size: int, name: str | None):
        """10 is a squad: where bands overlap, the smaller model wins."""
        found = TeamModel.for_size(size)
        assert (found.name if found else None) == name
        assert TRIBE.fits(10)

    def test_explain_size(self):
        """Too small, fits, or too big with how to split."""
        assert (
            TeamModel.explain_size(2)
            == "2 is too small for any team model (the smallest, pod, needs 3)"
        )
        assert TeamModel.explain_size(7) == "7 fits a squad (6-10 members)"
        assert TeamModel.explain_size(40).endswith("split it into 3 teams")

    def test_custom_model(self):
        """Custom models with their own band and scopes."""
        model = TeamModel("duo", 2, 2, "pairing", "high", min_functions=2, scopes=["team"])
        assert model.allowed_scopes == {"team"}
        assert model.autonomy is Autonomy.HIGH
        with pytest.raises(SpecError, match="max_size \\(1\\) is below min_size \\(2\\)"):
            TeamModel("bad", 2, 1)

    def test_autonomy_scopes(self):
        """Limited: team; moderate: also account; high: also pricing and scope."""
        assert POD.allowed_scopes == AUTONOMY_SCOPES[Autonomy.LIMITED] == {"team"}
        assert SQUAD.allowed_scopes == {"team", "account"}
        assert TRIBE.allowed_scopes == {"team", "account", "pricing", "scope"}

    def test_immutable_and_copy(self):
        """Models are frozen values."""
        with pytest.raises(Exception, match="frozen"):
            POD.max_size = 9  # type: ignore[misc]
        assert copy.deepcopy(POD) == POD


class TestRecommend:
    @pytest.mark.parametrize(
        ("cycle", "name"), [("simple", "pod"), ("complex", "squad"), ("enterprise", "tribe")]
    )
    def test_by_cycle(self, cycle: str, name: str):
        """Simple cycles: pod; complex deals: squad; enterprise accounts: tribe."""
        model, reason = recommend(cycle)  # type: ignore[arg-type]
        assert model.name == name
        assert name in reason

    def test_with_headcount(self):
        """A headcount gives the number of teams and their sizes."""
        assert recommend("simple", headcount=12).reason.endswith("12 people make 3 pods of 4")
        assert recommend("complex", headcount=13).reason.endswith("13 people make 2 squads of 6-7")
        assert recommend("complex", headcount=4).reason.endswith(
            "4 people are too few for one squad"
        )
        assert recommend("complex", headcount=11).reason.endswith(
            "11 people make 1 squad of 10, with 1 left over (or one tribe of 11)"
        )

    def test_bad_input(self):
        """Unknown cycles and empty headcounts are refused."""
        with pytest.raises(SpecError, match="Unknown sales cycle"):
            recommend("fast")  # type: ignore[arg-type]
        with pytest.raises(SpecError, match="at least 1"):
            recommend("simple", headcount=0)
        with pytest.raises(SpecError, match="at most 10,000,000"):
            recommend("simple", headcount=10**400)

    @given(st.from_type(object), st.one_of(st.none(), st.from_type(object)))
    def test_any_arguments_give_a_recommendation_or_a_spec_error(self, cycle, headcount):
        """Wrong types are refused in words, never a TypeError."""
        try:
            model, _ = recommend(cycle, headcount)
        except SpecError:
            return
        assert model.name in ("pod", "squad", "tribe")


class TestMission:
    @pytest.mark.parametrize(
        ("mission", "metric", "outcome"),
        [
            ("Reduce new-customer churn in the first 90 days", None, True),
            ("Increase enterprise renewal rate to 95%", None, True),
            ("Build the integration", None, False),
            ("Improve onboarding", None, False),
            ("Improve onboarding", "days to first value", True),
            ("Reduce costs by 10%", None, False),
        ],
    )
    def test_heuristic(self, mission: str, metric: str | None, outcome: bool):
        """Outcome verb, customer word, and something measurable."""
        assert mission_is_outcome(mission, metric) is outcome


class TestTeam:
    def test_positional_signature_and_preset_by_name(self):
        """Team(name, model, mission, members, leader, metric=None); models by name."""
        team = Team("activation-pod", "pod", MISSION, POD_MEMBERS, "s1")
        assert team.model is POD
        assert team.size == 3
        assert team.functions == Counter({"Sales": 1, "Operations": 1, "Support": 1})
        with pytest.raises(SpecError, match="Unknown team model 'crew'"):
            Team("x", "crew", MISSION, POD_MEMBERS, "s1")

    def test_member_rules(self):
        """Allocation is a share of time in (0, 1]; a member is listed once."""
        with pytest.raises(SpecError, match=r"fraction of a person's time.*got `1.5`"):
            Member("s1", "Sales", 1.5)
        with pytest.raises(SpecError, match="listed twice"):
            Team("x", "pod", MISSION, [*POD_MEMBERS, Member("s1", "Sales")], "s1")

    def test_clean_pod(self):
        """A right-sized, cross-functional pod with an outcome passes."""
        assert list(Team("p", "pod", MISSION, POD_MEMBERS, "s1").check(ORG)) == []

    def test_every_rule(self):
        """Size, functions, leader, domination, mission, org membership."""
        team = Team(
            "sales-pod",
            "pod",
            "Build the CRM integration",
            [
                Member("s1", "Sales"),
                Member("s2", "Sales"),
                Member("x9", "Support"),
                Member("o1", "Sales"),
            ],
            "o2",
        )
        codes = Counter(d.code for d in team.check(ORG))
        assert codes == Counter({"SQ003": 1, "SQ006": 1, "SQ007": 1, "SQ008": 1, "SQ009": 1})
        small = Team("tiny", "squad", MISSION, POD_MEMBERS[:2], None)
        assert {d.code for d in small.check()} == {"SQ001", "SQ002", "SQ003"}

    def test_mission_check_is_overridable(self):
        """Teams can bring their own mission rule."""
        team = Team("p", "pod", "Ship it", POD_MEMBERS, "s1")
        assert "SQ007" in {d.code for d in team.check()}
        assert "SQ007" not in {d.code for d in team.check(mission_check=lambda m, k: True)}

    def test_autonomy_against_decision_rights(self):
        """A pod may hold team decisions, not account or pricing ones."""
        team = Team("activation-pod", "pod", MISSION, POD_MEMBERS, "s1")
        rights = DecisionRights(
            decisions=[
                Decision(id="standup-time", accountable="activation-pod", responsible=["s1"]),
                Decision(
                    id="go-live-date",
                    scope="account",
                    accountable="activation-pod",
                    responsible=["s1"],
                ),
            ]
        )
        (finding,) = team.check(rights=rights)
        assert finding.code == "SQ005"
        assert "`go-live-date`, a account decision" in finding.message
        squad = Team(
            "activation-squad",
            "squad",
            MISSION,
            [*POD_MEMBERS, Member("s2", "Sales"), Member("o2", "Operations"), Member("x", "IT")],
            "s1",
        )
        rights_for_squad = DecisionRights(
            decisions=[
                Decision(
                    id="go-live-date",
                    scope="account",
                    accountable="activation-squad",
                    responsible=["s1"],
                )
            ]
        )
        assert "SQ005" not in {d.code for d in squad.check(rights=rights_for_squad)}


class TestCheckTeams:
    def test_allocation_across_teams(self):
        """Nobody beyond 100% across teams; shared people split their time."""
        a = Team("a", "pod", MISSION, POD_MEMBERS, "s1")
        b = Team(
            "b",
            "pod",
            MISSION,
            [Member("s1", "Sales", 0.5), Member("o2", "Operations"), Member("c1", "Support", 0.5)],
            "o2",
        )
        found = [d for d in check_teams([a, b]) if d.code == "SQ004"]
        assert [d.target for d in found] == ["s1", "c1"]
        assert found[0].message == "`s1` is allocated 150% across a, b"
        assert str(found[0].location) == "[1].members[0].allocation"
        halves = [
            Member("s1", "Sales", 0.5),
            Member("o1", "Operations", 0.5),
            Member("c1", "Support", 0.5),
        ]
        assert not [
            d
            for d in check_teams([Team("a", "pod", MISSION, halves, "s1"), b])
            if d.code == "SQ004"
        ]


def roster(counts: dict[str, int]) -> list[tuple[str, str]]:
    return [(f"{f}-{i}", f) for f, n in counts.items() for i in range(n)]


class TestFormTeams:
    def test_balanced_pods(self):
        """Twelve people across three functions make three balanced pods."""
        formation = form_teams(roster({"Sales": 4, "Ops": 4, "Support": 4}), POD, seed=1)
        assert [t.size for t in formation.teams] == [4, 4, 4]
        assert all(len(t.functions) == 3 for t in formation.teams)
        assert formation.unplaced == ()
        assert [t.name for t in formation.teams] == ["pod-1", "pod-2", "pod-3"]

    def test_required_functions_first(self):
        """Every team gets a required function while the roster has them."""
        people = roster({"Sales": 10, "Legal": 3})
        formation = form_teams(people, "pod", required_functions=["Legal"])
        assert all(t.functions["Legal"] == 1 for t in formation.teams)

    def test_deterministic_for_a_seed(self):
        """Same roster and seed, same teams; another seed may differ."""
        people = roster({"Sales": 9, "Ops": 7, "IT": 5})
        assert form_teams(people, SQUAD, seed=3) == form_teams(people, SQUAD, seed=3)

    def test_too_few_people(self):
        """Fewer people than one team: everyone unplaced, with the reason."""
        formation = form_teams(roster({"Sales": 2}), POD)
        assert formation.teams == ()
        assert [u.reason for u in formation.unplaced] == [
            "2 people are too few for one pod (3-5 members)"
        ] * 2

    def test_no_partition_places_as_many_as_fit(self):
        """11 people cannot make squads of 6-10: 10 are placed, one is told why."""
        formation = form_teams(roster({"Sales": 4, "Ops": 4, "IT": 3}), SQUAD)
        assert [t.size for t in formation.teams] == [10]
        (left,) = formation.unplaced
        assert left.reason.startswith("every squad is full")

    def test_surplus_comes_from_the_largest_function(self):
        """When not everyone fits, scarce functions keep their seats."""
        formation = form_teams(roster({"Sales": 1, "Ops": 1, "IT": 9}), SQUAD)
        (team,) = formation.teams
        assert set(team.functions) == {"Sales", "Ops", "IT"}
        assert [u.function for u in formation.unplaced] == ["IT"]

    def test_no_function_over_half_when_avoidable(self):
        """Seven people in two pods: no function takes over a pod."""
        formation = form_teams(roster({"F1": 3, "F2": 3, "F3": 1}), POD, required_functions=["F2"])
        for team in formation.teams:
            assert max(team.functions.values()) * 2 <= team.size

    def test_accepts_members_and_people(self):
        """Rosters of Members or Persons work; a person listed twice is refused."""
        formation = form_teams(ORG.people, POD, prefix="team")
        assert formation.teams[0].name == "team-1"
        assert formation.teams[0].size == 5
        mapped = form_teams([{"id": f"p{i}", "function": f"F{i % 3}"} for i in range(6)], POD)
        assert [t.size for t in mapped.teams] == [3, 3]
        with pytest.raises(SpecError, match="has no `function`"):
            form_teams([{"id": "a"}], POD)
        with pytest.raises(SpecError, match="on the roster twice"):
            form_teams([Member("a", "X"), Member("a", "Y"), Member("b", "X")], POD)
        with pytest.raises(SpecError, match="Unknown team model"):
            form_teams(ORG.people, "crew")

    @pytest.mark.parametrize(
        ("roster", "model", "message"),
        [
            (None, POD, "The roster must be a list of people, got NoneType"),
            ("abc", POD, "The roster must be a list of people, got str"),
            ([1], POD, "A roster entry is a Member, a Person, an (id, function) pair"),
            ([("a", 3)], POD, "A roster entry needs its `function` as text, got 3"),
            ([("a", "X")], None, "The model must be a TeamModel or a preset's name"),
            ([("a", "X")], 3, "The model must be a TeamModel or a preset's name"),
        ],
    )
    def test_wrong_types_are_spec_errors(self, roster: object, model: object, message: str):
        """Whatever is passed, the answer is a SpecError that says what was expected."""
        with pytest.raises(SpecError) as info:
            form_teams(roster, model)  # type: ignore[arg-type]
        assert info.value.problems[0].message.startswith(message)

    @settings(max_examples=120, deadline=None)
    @given(
        st.dictionaries(
            st.sampled_from(["Sales", "Ops", "IT", "Support", "Finance"]),
            st.integers(0, 25),
            min_size=1,
        ),
        st.sampled_from([POD, SQUAD, TRIBE]),
        st.integers(0, 3),
    )
    def test_partition_properties(self, counts, model, seed):
        """In band, nobody twice, everyone placed and cross-functional whenever possible."""
        people = roster(counts)
        formation = form_teams(people, model, seed=seed)
        placed = [m.id for t in formation.teams for m in t.members]
        assert len(placed) == len(set(placed))
        assert set(placed) | {u.id for u in formation.unplaced} == {p for p, _ in people}
        assert all(model.fits(t.size) for t in formation.teams)
        n = len(people)
        feasible = any(k * model.min_size <= n <= k * model.max_size for k in range(1, n + 1))
        if feasible:
            assert formation.unplaced == ()
        k = len(formation.teams)
        plentiful = [f for f, c in counts.items() if c >= k]
        if k and len(plentiful) >= model.min_functions:
            assert all(len(t.functions) >= model.min_functions for t in formation.teams)


class TestPilotScorecard:
    def test_speed_and_friction(self):
        """Median decision time, handoffs owned by members, red flags on them."""
        team = Team("p", "pod", MISSION, POD_MEMBERS, "s1")
        flag = RedFlag("f1", "SOW unclear", "scope", "o2", T0)
        handoffs = [
            Handoff("D-1", HandoffState.ACCEPTED, owner="s1", flags=(flag, flag)),
            Handoff("D-2", HandoffState.OPEN, owner="s1"),
            Handoff("D-3", HandoffState.OPEN, owner="zz", flags=(flag,)),
        ]
        decisions = [(T0, T0 + dt.timedelta(hours=h)) for h in (1, 5, 3)]
        card = pilot_scorecard(team, decisions, handoffs)
        assert (card.decisions, card.median_decision_time) == (3, dt.timedelta(hours=3))
        assert (card.handoffs, card.red_flags, card.flags_per_handoff) == (2, 2, 1.0)

    def test_empty_and_bad(self):
        """No data: nothing to report; a decision before its proposal is refused."""
        team = Team("p", "pod", MISSION, POD_MEMBERS, "s1")
        card = pilot_scorecard(team)
        assert (card.median_decision_time, card.flags_per_handoff) == (None, 0.0)
        with pytest.raises(SpecError, match="before it is proposed"):
            pilot_scorecard(team, [(T0, T0 - dt.timedelta(hours=1))])


def test_presets_equal_validated_models():
    """The presets are exactly what validating their values gives."""
    for preset in (POD, SQUAD, TRIBE):
        assert TeamModel.model_validate(preset.model_dump()) == preset
