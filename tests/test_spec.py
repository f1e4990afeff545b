"""Messages people can act on: pydantic's wording never reaches a user."""

from __future__ import annotations

import datetime as dt
import importlib
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from alignkit._spec import SpecModel, describe_error
from alignkit.alignment_file import AlignmentFile, from_data
from alignkit.decision_rights import Decision
from alignkit.errors import SpecError

BASE: dict[str, Any] = {
    "version": 1,
    "org": {
        "functions": [{"name": "Sales", "head": "vp"}],
        "people": [{"id": "vp", "name": "V", "function": "Sales"}],
    },
}

# Words that only make sense to someone who knows pydantic or Python.
PYDANTIC_WORDS = (
    "Input should",
    "valid string",
    "valid list",
    "valid tuple",
    "valid dictionary",
    "Sequence value",
    "instances",
    "instance of",
    "Value error",
    "Field required",
    "Extra inputs",
    "String should",
    "should have at least",
    "Decimal input",
    "unable to parse",
    "NoneType",
    "[key]",
)


def _gate(check: dict[str, Any]) -> dict[str, Any]:
    return {"handoffs": {"gates": [{"name": "g", "checks": [check]}]}}


def _member(**fields: Any) -> dict[str, Any]:
    member = {"id": "vp", "function": "Sales", **fields}
    return {"teams": [{"name": "t", "model": "pod", "mission": "x", "members": [member]}]}


def _delegation(until: object) -> dict[str, Any]:
    row = {"decision": "d", "from_party": "a", "to_party": "b", "until": until}
    return {"decision_rights": {"delegations": [row]}}


def _ignore(**fields: Any) -> dict[str, Any]:
    return {"ignore": [{"code": "ORG006", "target": "x", "reason": "r", **fields}]}


# One row per kind of error a user can meet: the section, the place, the message.
CASES: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "string_type",
        {"org": {"functions": [{"name": ["Sales"]}]}},
        "org.functions[0].name",
        "Expected text; got a list `[Sales]`",
    ),
    (
        "string_type number",
        {"org": {**BASE["org"], "people": [{"id": 7, "name": "V", "function": "Sales"}]}},
        "org.people[0].id",
        "Expected text, got `7`; quote it in YAML if it is a name",
    ),
    (
        "sequence_str",
        {"decision_rights": {"decisions": [{"id": "d", "accountable": "vp", "responsible": "vp"}]}},
        "decision_rights.decisions[0].responsible",
        "Expected a list of names, for example `responsible: [ae-1]`; got the text 'vp'",
    ),
    (
        "two accountable",
        {"decision_rights": {"decisions": [{"id": "ship", "accountable": ["a", "b"]}]}},
        "decision_rights.decisions[0].accountable",
        (
            "Decision `ship` has 2 accountable parties (`a`, `b`); "
            "exactly one party is accountable for a decision"
        ),
    ),
    (
        "no accountable",
        {"decision_rights": {"decisions": [{"id": "ship"}]}},
        "decision_rights.decisions[0].accountable",
        "Decision `ship` has no accountable party; exactly one party is accountable for a decision",
    ),
    (
        "tuple_type",
        {"ignore": "x"},
        "ignore",
        (
            "Expected a list of mappings, for example "
            "`ignore: [{code: ORG006, target: Support, reason: Head starts in March}]`; "
            "got the text 'x'"
        ),
    ),
    (
        "dict_type",
        {"decision_rights": {"owners": ["a"]}},
        "decision_rights.owners",
        (
            "Expected a mapping of names to values, for example `owners: {pricing: vp-sales}`; "
            "got a list `[a]`"
        ),
    ),
    (
        "model_type",
        {"handoffs": "yes"},
        "handoffs",
        (
            "Expected a mapping with keys such as sending, receiving, trigger_stage, "
            "artifact_kinds; got the text 'yes'"
        ),
    ),
    (
        "literal_error",
        {"bonus_plans": [{"name": "p", "preset": "blend"}]},
        "bonus_plans[0].preset",
        "Expected one of `blended`, `individual_only`; got the text 'blend'",
    ),
    (
        "enum",
        {
            "teams": [
                {
                    "name": "t",
                    "model": {"name": "m", "min_size": 1, "max_size": 3, "autonomy": "total"},
                    "mission": "x",
                }
            ]
        },
        "teams[0].model.autonomy",
        "Expected one of `limited`, `moderate`, `high`; got the text 'total'",
    ),
    (
        "date_from_datetime_parsing",
        _ignore(until="soon"),
        "ignore[0].until",
        "Expected a date (YYYY-MM-DD), for example `until: 2027-01-31`; got the text 'soon'",
    ),
    (
        "date_from_datetime_inexact",
        _ignore(until=dt.datetime(2027, 1, 1, 10)),  # noqa: DTZ001 - what YAML gives
        "ignore[0].until",
        (
            "Expected a date without a time, for example `until: 2027-01-31`; "
            "got `2027-01-01T10:00:00`"
        ),
    ),
    (
        "datetime_from_date_parsing",
        _delegation("tomorrow"),
        "decision_rights.delegations[0].until",
        (
            "Expected a date with a time and a time zone, "
            "for example `until: 2027-01-31T00:00:00+00:00`; got the text 'tomorrow'"
        ),
    ),
    (
        "timezone_aware",
        _delegation(dt.datetime(2027, 1, 1)),  # noqa: DTZ001 - a naive time, as written
        "decision_rights.delegations[0].until",
        (
            "Needs a time zone, for example `2027-01-31T00:00:00+00:00` (UTC) or "
            "`2027-01-31T09:00:00-05:00`; got `2027-01-01T00:00:00`"
        ),
    ),
    (
        "string_pattern_mismatch",
        _ignore(code="org6"),
        "ignore[0].code",
        "The text 'org6' is not in the expected form; write it like `code: ORG006`",
    ),
    (
        "string_too_short",
        {"org": {"functions": [{"name": ""}]}},
        "org.functions[0].name",
        "Must not be empty",
    ),
    (
        "int_type",
        _gate({"check": "criteria_measurable", "minimum": [1]}),
        "handoffs.gates[0].checks[0].minimum",
        "Expected a whole number; got a list `[1]`",
    ),
    (
        "int_from_float",
        _gate({"check": "criteria_measurable", "minimum": 1.5}),
        "handoffs.gates[0].checks[0].minimum",
        "Expected a whole number, got `1.5`",
    ),
    (
        "int_parsing",
        _gate({"check": "criteria_measurable", "minimum": "two"}),
        "handoffs.gates[0].checks[0].minimum",
        "Expected a whole number; got the text 'two'",
    ),
    (
        "greater_than_equal",
        _gate({"check": "criteria_measurable", "minimum": 0}),
        "handoffs.gates[0].checks[0].minimum",
        "Must be at least 1, got `0`",
    ),
    (
        "too_short",
        _gate({"check": "artifact_present", "kind": "sow", "statuses": []}),
        "handoffs.gates[0].checks[0].statuses",
        (
            "Must list at least one item, for example `statuses: [complete, signed]`; "
            "got an empty list"
        ),
    ),
    (
        "too_long",
        {"incentives": {"tensions": [{"metrics": ["a", "b", "c"], "reason": "r"}]}},
        "incentives.tensions[0].metrics",
        "Expected a list of two names; got a list `[a, b, c]`",
    ),
    (
        "bool_parsing",
        {"incentives": {"include_defaults": "maybe"}},
        "incentives.include_defaults",
        "Expected `true` or `false`; got the text 'maybe'",
    ),
    (
        "float_parsing",
        _member(allocation="half"),
        "teams[0].members[0].allocation",
        "Expected a number, for example `allocation: 0.5`; got the text 'half'",
    ),
    (
        "less_than_equal",
        _member(allocation=3),
        "teams[0].members[0].allocation",
        "An allocation is a fraction of a person's time: write `0.5` for half; got `3`",
    ),
    (
        "finite_number",
        _member(allocation=math.nan),
        "teams[0].members[0].allocation",
        "Must be a finite number, got `nan`",
    ),
    (
        "weight as a percentage",
        {"bonus_plans": [{"name": "p", "components": [{"name": "a", "weight": 40}]}]},
        "bonus_plans[0].components[0].weight",
        "Weights are fractions of 1 that add up to 1: write `0.4` (or `40%`), not `40`; got `40`",
    ),
    (
        "invalid_key",
        {"decision_rights": {"owners": {1: "a"}}},
        "decision_rights.owners[1]",
        "Expected text, got `1`; quote it in YAML if it is a name",
    ),
    (
        "missing",
        {"org": {"people": [{"id": "vp", "name": "V"}]}},
        "org.people[0].function",
        "Missing required key 'function'; for example `function: Sales`",
    ),
    (
        "extra_forbidden",
        {"org": {"functions": [{"name": "Sales", "haed": "vp"}]}},
        "org.functions[0].haed",
        "Unknown key 'haed'; did you mean 'head'?",
    ),
    (
        "union_tag_not_found",
        _gate({"kind": "sow"}),
        "handoffs.gates[0].checks[0]",
        "Missing required key 'check', which says what kind of entry this is",
    ),
]


HANDLED_KINDS = frozenset(
    {
        *(case[0] for case in CASES if " " not in case[0]),
        "string_type",
        "tuple_type",
        "is_instance_of",
        "model_type",
        "model_attributes_type",
        "value_error",
        "date_type",
        "datetime_type",
        "decimal_type",
        "decimal_parsing",
        "float_type",
        "bool_type",
        "datetime_parsing",
        "int_parsing_size",
        "greater_than",
        "union_tag_invalid",
    }
)


def messages(extra: dict[str, Any]) -> dict[str, str]:
    from alignkit.diagnostics import format_path

    with pytest.raises(SpecError) as info:
        from_data({**BASE, **extra})
    return {format_path(p.location.path): p.message for p in info.value.problems}


class TestMessages:
    @pytest.mark.parametrize(
        ("extra", "where", "message"),
        [case[1:] for case in CASES],
        ids=[case[0] for case in CASES],
    )
    def test_each_kind_of_error_reads_plainly(
        self, extra: dict[str, Any], where: str, message: str
    ):
        """What was expected (with an example where one helps) and what was found."""
        found = messages(extra)
        assert found[where] == message
        assert not [word for word in PYDANTIC_WORDS if word in found[where]]


def _bad_values() -> list[object]:
    return [
        None,
        True,
        3,
        -1,
        0,
        1.5,
        math.inf,
        math.nan,
        10**400,
        "x",
        "",
        " x",
        "a\nb",
        "2026-13-01",
        "40",
        [],
        ["a"],
        [1],
        [None],
        [["a"]],
        [{"x": 1}],
        ["a", "b", "c"],
        {},
        {"a": 1},
        {1: "a"},
        dt.date(2026, 1, 1),
        dt.datetime(2026, 1, 1),  # noqa: DTZ001 - YAML gives naive datetimes
    ]


def _spec_models() -> list[type[SpecModel]]:
    found: list[type[SpecModel]] = []
    todo: list[type[SpecModel]] = [SpecModel]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


class TestNoPydanticWording:
    def test_every_field_of_every_spec_with_every_kind_of_bad_value(self):
        """Brute force: whatever a user writes in any field, the message is ours."""
        for area in ("bonus", "decision_rights", "handoff", "incentives", "org", "squads"):
            importlib.import_module(f"alignkit.{area}")  # every spec model is defined
        kinds: set[str] = set()
        leaks: list[tuple[str, str, str]] = []
        for model in _spec_models():
            for name in model.model_fields:
                for value in _bad_values():
                    try:
                        BaseModel.model_validate.__func__(model, {name: value})  # type: ignore[attr-defined]
                    except ValidationError as error:
                        for item in error.errors(include_url=False):
                            kinds.add(item["type"])
                            _, message = describe_error(item, model)
                            leaks += [
                                (model.__name__, name, message)
                                for word in PYDANTIC_WORDS
                                if word in message
                            ]
        assert leaks == []
        # Every kind the specs raise today; a new one fails here until it reads plainly.
        assert kinds <= HANDLED_KINDS

    def test_whole_file_schema_errors_are_ours(self):
        """Through the file model too, with a nested bad value."""
        with pytest.raises(SpecError) as info:
            AlignmentFile.model_validate({**BASE, "teams": [{"name": "t", "model": 3}]})
        for problem in info.value.problems:
            assert not [word for word in PYDANTIC_WORDS if word in problem.message]


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**4000, max_value=10**4400)
    | st.floats()
    | st.text(max_size=30)
    | st.dates()
    | st.datetimes(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=12,
)


class TestEverySpecTakesAnything:
    @pytest.mark.parametrize("model", _spec_models(), ids=lambda m: m.__name__)
    @settings(max_examples=25, deadline=None)
    @given(data=st.data())
    def test_model_validate_gives_a_spec_or_a_spec_error(self, model: type[SpecModel], data):
        """Arbitrary data, with each field's own name as keys, never escapes as another error."""
        keys = st.sampled_from([*model.model_fields, "unknown"])
        payload = data.draw(st.dictionaries(keys, json_values, max_size=6) | json_values)
        try:
            model.model_validate(payload)
        except SpecError as error:
            assert error.problems
            assert all(p.message for p in error.problems)


class TestShowingWhatWasFound:
    def test_deep_nesting_is_shown_shortened(self):
        """A value nested thousands deep is summarised, not a RecursionError."""
        value: list[object] = []
        for _ in range(5000):
            value = [value]
        with pytest.raises(SpecError) as info:
            from_data({**BASE, "org": {"functions": [{"name": value}]}})
        assert info.value.problems[0].message == "Expected text; got a list `[[[[...]]]]`"

    def test_an_object_that_cannot_be_printed_is_named_by_its_type(self):
        """Whatever was passed, the message is built: a failing __str__ does not escape."""

        class Unprintable:
            def __str__(self) -> str:
                raise ValueError

        with pytest.raises(SpecError, match="got `a Unprintable`"):
            Decision(id="d", accountable=Unprintable())  # type: ignore[arg-type]

    def test_long_lists_show_their_first_items(self):
        """A list of thousands is shown as its first few."""
        with pytest.raises(SpecError) as info:
            from_data({**BASE, "org": {"functions": [{"name": list(range(5000))}]}})
        assert info.value.problems[0].message == (
            "Expected text; got a list `[0, 1, 2, 3, 4, 5, 6, 7, ...]`"
        )
