"""alignkit.errors: one exception tree, every problem listed with its place."""

from __future__ import annotations

import copy
import pickle

import attrs
import pytest

import alignkit.errors
from alignkit.diagnostics import Location
from alignkit.errors import (
    AlignkitError,
    FailedCheck,
    GateBlocked,
    GateVerdict,
    PermissionDenied,
    Problem,
    SpecError,
    StoreError,
    TransitionError,
    UnknownNameError,
)
from alignkit.org import Function, Org, Person


class TestSpecError:
    def test_lists_every_problem_with_its_location(self):
        """str() names every problem, each with where it is."""
        err = SpecError(
            [
                Problem("Missing required key 'name'", Location("a.yaml", line=3, column=5)),
                Problem("Empty 'id'", Location("people.csv", row=7, column=1)),
            ]
        )
        assert str(err).splitlines() == [
            "2 problems:",
            "  a.yaml:3:5: Missing required key 'name'",
            "  people.csv:7:1: Empty 'id'",
        ]

    def test_single_problem_renders_on_one_line(self):
        """One problem is shown without a count."""
        assert str(SpecError.single("Bad", Location(path=("org", 2)))) == "org[2]: Bad"

    def test_plain_message_is_one_problem(self):
        """A string is accepted as a single problem without a location."""
        err = SpecError("Nothing here")
        assert [p.message for p in err.problems] == ["Nothing here"]
        assert str(err) == "<input>: Nothing here"

    def test_is_catchable_as_value_error_and_root(self):
        """Callers can catch broadly (AlignkitError) or as a builtin (ValueError)."""
        with pytest.raises(ValueError, match="Bad"):
            raise SpecError.single("Bad")
        with pytest.raises(AlignkitError):
            raise SpecError.single("Bad")

    def test_person_with_every_field_bad_names_each_field(self):
        """pydantic's ValidationError never leaks: each bad field is a problem with its path."""
        with pytest.raises(SpecError) as info:
            Person(id=None, name=None, function=None)  # type: ignore[arg-type]
        paths = [p.location.path for p in info.value.problems]
        assert paths == [("id",), ("name",), ("function",)]
        assert [p.message for p in info.value.problems] == [
            "Expected text, for example `id: ae-1`; got nothing",
            "Expected text; got nothing",
            "Expected text, for example `function: Sales`; got nothing",
        ]

    def test_nested_problems_carry_full_paths(self):
        """Errors deep in a model point at the exact list item and field."""
        with pytest.raises(SpecError) as info:
            Org.model_validate(
                {"people": [{"id": "a", "name": "A", "function": "X"}, {"id": "b", "nmae": "B"}]}
            )
        messages = {p.location.path: p.message for p in info.value.problems}
        assert messages[("people", 1, "nmae")] == "Unknown key 'nmae'; did you mean 'name'?"
        assert messages[("people", 1, "name")] == "Missing required key 'name'"
        assert messages[("people", 1, "function")] == (
            "Missing required key 'function'; for example `function: Sales`"
        )

    def test_unknown_key_without_close_match_lists_valid_keys(self):
        """A key far from any valid one gets the list of valid keys."""
        with pytest.raises(SpecError, match="valid keys here: name, head"):
            Function.model_validate({"name": "Sales", "zzzzzz": 1})

    def test_number_where_text_expected_suggests_quoting(self):
        """YAML turns `id: 123` into a number; the message says to quote it."""
        with pytest.raises(SpecError, match="quote it in YAML"):
            Person.model_validate({"id": 123, "name": "A", "function": "X"})

    def test_model_validate_json_raises_spec_error(self):
        """Every pydantic entry point converts its errors."""
        with pytest.raises(SpecError, match="function"):
            Person.model_validate_json('{"id": "a", "name": "A"}')
        with pytest.raises(SpecError, match="function"):
            Person.model_validate_strings({"id": "a", "name": "A"})

    def test_located_resolves_path_only_problems(self):
        """Path-only problems are placed through a resolver; placed ones stay."""
        err = SpecError(
            [Problem("x", Location(path=("org",))), Problem("y", Location("f.yaml", line=1))]
        )
        placed = err.located(lambda path: Location("f.yaml", line=9, column=2))
        assert [str(p.location) for p in placed.problems] == ["f.yaml:9:2", "f.yaml:1"]
        assert placed.problems[0].location.path == ("org",)

    def test_with_code_fills_missing_codes_only(self):
        """Codes already set are kept."""
        err = SpecError([Problem("a"), Problem("b", code="AK011")]).with_code("AK012")
        assert [p.code for p in err.problems] == ["AK012", "AK011"]

    def test_pickles(self):
        """Exceptions cross process boundaries (multiprocessing, task queues)."""
        err = SpecError([Problem("bad", Location("a.yaml", line=2, column=3))])
        clone = pickle.loads(pickle.dumps(err))
        assert str(clone) == str(err)


class TestProblem:
    def test_immutable(self):
        """A problem cannot be changed after the fact."""
        problem = Problem("bad")
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            problem.message = "good"  # type: ignore[misc]

    def test_copy(self):
        """Copies are equal."""
        problem = Problem("bad", Location("a.yaml", line=1))
        assert copy.copy(problem) == problem
        assert copy.deepcopy(problem) == problem


class TestOtherErrors:
    def test_unknown_name_suggests_nearest(self):
        """A lookup miss names what was asked and what was probably meant."""
        err = UnknownNameError.for_name("person", "vp-sale", ["vp-sales", "ceo"])
        assert str(err) == "Unknown person 'vp-sale'; did you mean 'vp-sales'?"
        assert isinstance(err, KeyError)
        assert err.name == "vp-sale"

    def test_transition_error_names_state_and_allowed_moves(self):
        """An illegal move says where it is and what is allowed."""
        err = TransitionError.for_move("ACCEPTED", "withdraw", ["activate", "churn"])
        assert err.state == "ACCEPTED"
        assert err.allowed == ("activate", "churn")
        assert "allowed from ACCEPTED: activate, churn" in str(err)
        final = TransitionError.for_move("CHURNED", "accept", [])
        assert "nothing (a final state)" in str(final)

    def test_transition_error_says_what_moves_a_state_with_no_moves(self):
        """A state people cannot leave but something else can is not called final."""
        err = TransitionError.for_move(
            "WITHDRAWN", "submit", [], until="the CRM reopens the withdrawn handoff"
        )
        assert str(err) == (
            "Cannot submit from state WITHDRAWN; allowed from WITHDRAWN: nothing until the CRM "
            "reopens the withdrawn handoff"
        )
        assert (err.state, err.move, err.allowed) == ("WITHDRAWN", "submit", ())
        moving = TransitionError.for_move("OPEN", "accept", ["submit"], until="the CRM moves it")
        assert str(moving) == "Cannot accept from state OPEN; allowed from OPEN: submit"

    def test_permission_denied_carries_actor(self):
        """PermissionDenied is a PermissionError naming the actor and action."""
        err = PermissionDenied("no", actor="ae-1", action="accept")
        assert isinstance(err, PermissionError)
        assert (err.actor, err.action) == ("ae-1", "accept")

    def test_gate_blocked_carries_result(self):
        """GateBlocked keeps the gate's result for the caller to show."""
        result = object()
        assert GateBlocked("failed", result=result).result is result

    def test_gate_verdict_describes_the_gate_result(self):
        """What GateVerdict and FailedCheck promise is what a gate's result has."""
        from alignkit.handoff import HandoffPackage, QualityGate

        bare = HandoffPackage("D-1", "Acme", "Sales", "Operations")
        result = QualityGate.minimum_viable().evaluate(bare)
        error = GateBlocked("failed", result=result)
        verdict_members = [n for n in vars(GateVerdict) if not n.startswith("_")]
        failure_members = [n for n in vars(FailedCheck) if not n.startswith("_")]
        assert sorted(verdict_members) == ["failures", "gate", "passed"]
        assert sorted(failure_members) == ["check", "fix", "reason"]
        assert error.result is result
        assert (error.result.gate, error.result.passed) == ("minimum-viable", False)
        failure = error.result.failures[-1]
        assert [getattr(failure, name) for name in ("check", "reason", "fix")] == [
            "owner",
            "No handoff owner is named",
            "Name the person measured on this customer's activation",
        ]
        assert GateBlocked("failed").result is None


class TestStoreError:
    def test_names_the_file_what_is_wrong_and_what_to_do(self):
        """One wording: the file, the reason in plain words, then the hint."""
        err = StoreError.for_store("events.db", "the file is damaged", hint="restore a backup")
        assert str(err) == "Event store 'events.db': the file is damaged; restore a backup"
        assert (err.path, err.reason) == ("events.db", "the file is damaged")
        assert str(StoreError.for_store("e.db", "closed")) == "Event store 'e.db': closed"

    def test_is_an_os_error_and_ours(self):
        """A file that cannot be used is an OSError; callers may also catch AlignkitError."""
        err = StoreError.for_store("events.db", "the file is read-only")
        assert isinstance(err, OSError)
        assert isinstance(err, AlignkitError)
        assert err.errno is None
        assert "StoreError (OSError)" in (alignkit.errors.__doc__ or "")

    def test_pickles(self):
        """The path and the reason survive a process boundary."""
        err = StoreError.for_store("events.db", "the file is damaged", hint="restore a backup")
        clone = pickle.loads(pickle.dumps(err))
        assert (str(clone), clone.path, clone.reason) == (str(err), err.path, err.reason)
