"""alignkit.handoff: QualityGate.audit, a gate's verdict on many records at once."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import zoneinfo
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alignkit.errors import Problem, SpecError
from alignkit.handoff import (
    Artifact,
    ArtifactPresent,
    ArtifactSigned,
    Audit,
    CheckOutcome,
    CriteriaMeasurable,
    FieldPresent,
    GateResult,
    HandoffPackage,
    OwnerAssigned,
    QualityGate,
    RecordVerdict,
    SuccessCriterion,
)
from alignkit.org import Function, Org, Person

T0 = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)

ORG = Org(
    functions=[Function("Sales", "vp-sales"), Function("Operations", "vp-ops")],
    people=[
        Person("vp-sales", "Sam Okafor", "Sales"),
        Person("ae-1", "Lee Park", "Sales", "vp-sales"),
        Person("vp-ops", "Priya Nair", "Operations"),
    ],
)

MVH = QualityGate.minimum_viable()


def record(**changes: object) -> dict[str, Any]:
    """A complete package as a CRM export gives it: plain values, ISO text for times."""
    base: dict[str, Any] = {
        "deal_id": "D-1",
        "customer": "Globex",
        "from_function": "Sales",
        "to_function": "Operations",
        "owner": "ae-1",
        "artifacts": [
            {"kind": "scoping_document", "status": "complete"},
            {
                "kind": "sow",
                "status": "signed",
                "signed_by": "Globex CFO",
                "signed_at": "2026-11-20T16:00:00Z",
            },
        ],
        "success_criteria": [{"description": "Adoption", "metric": "wau", "target": 200}],
    }
    base.update(changes)
    return base


def located(index: int, problems: list[Problem]) -> tuple[Problem, ...]:
    """``problems`` placed at the record's index, as an audit places them."""
    return tuple(
        Problem(p.message, attrs.evolve(p.location, path=(index, *p.location.path)), code=p.code)
        for p in problems
    )


def expected(gate: QualityGate, rec: object, index: int) -> tuple[GateResult | None, tuple]:
    """What building the package and evaluating it gives: the result, or the problems.

    ``HandoffPackage(**rec)`` refuses an unknown, missing or non-text key with a
    ``TypeError``; the problems are then the model's own, from ``model_validate``.
    """
    if not isinstance(rec, Mapping):
        with pytest.raises(TypeError, match="must be a mapping"):
            HandoffPackage(**rec)  # type: ignore[arg-type]
        return None, ()  # compared separately: a problem at the record itself
    try:
        package = HandoffPackage(**rec)
    except SpecError as error:
        return None, located(index, error.problems)
    except TypeError:
        data = {k: v for k, v in rec.items() if not (k == "fields" and v is None)}
        with pytest.raises(SpecError) as caught:
            HandoffPackage.model_validate(data)
        return None, located(index, caught.value.problems)
    return gate.evaluate(package), ()


def assert_audit_is_evaluate_on_each(gate: QualityGate, records: list[Any]) -> Audit:
    """Every verdict is what building the package and evaluating it gives."""
    audit = gate.audit(records)
    assert len(audit) == len(records)
    counts = {"passed": 0, "failed": 0, "invalid": 0}
    by_check = dict.fromkeys(gate.names, 0)
    for index, (rec, verdict) in enumerate(zip(records, audit, strict=True)):
        result, problems = expected(gate, rec, index)
        assert verdict.index == index
        assert verdict.result == result
        if result is None:
            assert verdict.status == "invalid"
            assert not verdict.valid
            assert verdict.failures == ()
            if isinstance(rec, Mapping):
                assert verdict.problems == problems
            else:
                assert [p.location.path for p in verdict.problems] == [(index,)]
            assert verdict.problems
        else:
            assert verdict.status == ("passed" if result.passed else "failed")
            assert verdict.passed == result.passed
            assert verdict.problems == ()
            assert verdict.failures == result.failures  # the same reasons and fixes
        counts[verdict.status] += 1
        for failure in verdict.failures:
            by_check[failure.check] += 1
    assert (audit.passed, audit.failed, audit.invalid) == tuple(counts.values())
    assert audit.failures_by_check == by_check
    return audit


class TestAudit:
    def test_counts_each_kind_of_verdict(self):
        """Records that pass, fail and cannot be packages are counted apart."""
        records = [
            record(deal_id="D-1"),
            record(deal_id="D-2", owner=None),
            record(deal_id="D-3", customer=""),
        ]
        audit = MVH.audit(records)
        assert (audit.passed, audit.failed, audit.invalid) == (1, 1, 1)
        assert [v.status for v in audit] == ["passed", "failed", "invalid"]
        assert [v.deal_id for v in audit] == ["D-1", "D-2", "D-3"]
        assert len(audit) == 3
        assert not audit.all_passed

    def test_a_failed_record_has_the_reasons_evaluate_gives(self):
        """The reasons are GateResult's, word for word, for the package of the record."""
        rec = record(
            artifacts=[{"kind": "sow", "status": "draft"}],
            success_criteria=[{"description": "Happy customer", "metric": " ", "target": 9}],
        )
        verdict = MVH.audit([rec])[0]
        assert verdict.result == MVH.evaluate(HandoffPackage(**rec))
        assert [(f.check, f.reason) for f in verdict.failures] == [
            ("scoping-document", "No scoping_document in the package"),
            (
                "signed-sow",
                "The sow is not signed (status, signer and time are all needed)",
            ),
            (
                "success-criteria",
                "0 measurable customer success criteria, 1 needed (1 without a metric and target)",
            ),
        ]

    def test_an_invalid_record_names_every_problem_at_its_index(self):
        """Problems are the SpecError's, placed at the record's index and then the field."""
        bad = record(
            owner="",
            artifacts=[{"kind": "sow", "status": "sent"}],
            success_criteria=[{"description": "Adoption", "metric": "wau", "target": math.nan}],
        )
        audit = MVH.audit([record(), bad])
        with pytest.raises(SpecError) as caught:
            HandoffPackage(**bad)
        assert audit[1].problems == located(1, caught.value.problems)
        assert [str(p.location) for p in audit[1].problems] == [
            "[1].owner",
            "[1].artifacts[0].status",
            "[1].success_criteria[0].target",
        ]
        assert audit.invalid_records == (audit[1],)
        assert audit.problems == audit[1].problems

    def test_one_bad_record_hides_no_other(self):
        """Every record gets its own verdict, whatever came before it."""
        records = [
            None,
            record(deal_id="D-2"),
            record(deal_id="D-3", artifacts="sow"),
            record(deal_id="D-4", owner=None),
            {"deal_id": "D-5"},
        ]
        audit = MVH.audit(records)
        assert [v.status for v in audit] == ["invalid", "passed", "invalid", "failed", "invalid"]
        assert [v.index for v in audit.invalid_records] == [0, 2, 4]
        assert [v.index for v in audit.not_passed()] == [0, 2, 3, 4]

    def test_unknown_and_missing_keys_are_problems_not_type_errors(self):
        """The constructor's TypeError for a key becomes the model's problem with the key."""
        audit = MVH.audit([record(notes="call back"), {"deal_id": "D-2", "customer": "Initech"}])
        assert [str(p) for p in audit[0].problems] == [
            (
                "[0].notes: Unknown key 'notes'; valid keys here: deal_id, customer, "
                "from_function, to_function, owner, artifacts, success_criteria, fields"
            )
        ]
        assert [str(p.location) for p in audit[1].problems] == [
            "[1].from_function",
            "[1].to_function",
        ]
        assert all("Missing required key" in p.message for p in audit[1].problems)

    def test_fields_none_stays_no_fields_beside_an_unknown_key(self):
        """A record refused for a key is not refused for ``fields=None`` as well."""
        audit = MVH.audit([record(notes="call back", fields=None)])
        assert [str(p.location) for p in audit.problems] == ["[0].notes"]

    def test_a_record_that_is_no_mapping_is_invalid(self):
        """A list or a number in place of a record is a problem at the record's index."""
        audit = MVH.audit([["D-1", "Globex"], 7])
        expected = (
            "Expected a mapping with keys such as deal_id, customer, from_function, to_function"
        )
        assert [str(p) for p in audit.problems] == [
            f"[0]: {expected}; got a list `[D-1, Globex]`",
            f"[1]: {expected}; got `7`",
        ]
        assert audit[0].deal_id is None

    def test_times_as_text_are_read_as_the_model_reads_them(self):
        """ISO 8601 text with an offset is a time; without one it is refused, as a naive time."""
        sow = {"kind": "sow", "status": "signed", "signed_by": "CFO"}
        scope = {"kind": "scoping_document", "status": "complete"}
        audit = MVH.audit(
            [
                record(artifacts=[scope, {**sow, "signed_at": "2026-11-20T16:00:00+01:00"}]),
                record(artifacts=[scope, {**sow, "signed_at": "2026-11-20T16:00:00"}]),
                record(artifacts=[scope, {**sow, "signed_at": dt.datetime(2026, 11, 20)}]),  # noqa: DTZ001
            ]
        )
        assert [v.status for v in audit] == ["passed", "invalid", "invalid"]
        assert [str(p.location) for p in audit.problems] == [
            "[1].artifacts[1].signed_at",
            "[2].artifacts[1].signed_at",
        ]

    def test_objects_may_stand_for_artifacts_and_criteria(self):
        """Artifact and SuccessCriterion objects are taken as the constructor takes them."""
        rec = record(
            artifacts=(
                Artifact("scoping_document", status="complete"),
                Artifact("sow", status="signed", signed_by="CFO", signed_at=T0),
            ),
            success_criteria=[SuccessCriterion("Adoption", "wau", 200)],
        )
        assert MVH.audit([rec, record(success_criteria=[SuccessCriterion("Vague")])]).passed == 1

    def test_fields_none_is_no_fields(self):
        """``fields=None`` means no fields, as the constructor reads it."""
        audit = MVH.audit([record(fields=None), record(fields={"region": "EMEA"})])
        assert audit.passed == 2

    def test_records_are_read_once_in_order(self):
        """A generator of records is read once, from first to last."""
        seen: list[int] = []

        def export() -> Iterator[dict[str, Any]]:
            for i in range(3):
                seen.append(i)
                yield record(deal_id=f"D-{i}")

        audit = MVH.audit(export())
        assert seen == [0, 1, 2]
        assert [v.deal_id for v in audit] == ["D-0", "D-1", "D-2"]
        assert audit.all_passed

    def test_reasons_read_before_a_change_stay(self):
        """A failed record's result, once read, is kept: a later change to the record is not."""
        rec = record(artifacts=[{"kind": "sow", "status": "draft"}], fields={"a": 1})
        audit = MVH.audit([rec])
        before = audit[0].result
        assert before == MVH.evaluate(HandoffPackage(**rec))
        rec["artifacts"].append({"kind": "scoping_document", "status": "complete"})
        rec["owner"] = None
        assert audit[0].result is before

    @pytest.mark.parametrize(
        "change",
        [
            {"owner": None},  # fails another check as well
            {"deal_id": "D-2"},  # another record
            {"customer": ""},  # no longer valid
        ],
    )
    def test_a_record_changed_before_its_reasons_are_read_is_an_error(
        self, change: dict[str, object]
    ):
        """The audit keeps failed records, not copies: one found changed is a RuntimeError."""
        rec = record(artifacts=[{"kind": "sow", "status": "draft"}])
        audit = MVH.audit([rec])
        rec.update(change)
        assert audit.failed == 1
        with pytest.raises(RuntimeError, match="Record 0 changed after the audit"):
            audit[0]

    def test_a_generator_that_reuses_one_dict_is_caught(self):
        """Records must be distinct: one dict filled anew for each row is found out."""

        def rows() -> Iterator[dict[str, Any]]:
            rec = record(owner=None)
            for i in range(3):
                rec["deal_id"] = f"D-{i}"
                yield rec

        audit = MVH.audit(rows())
        assert audit.failed == 3
        assert [f.check for f in audit[2].failures] == ["owner"]  # the last one is as it was
        with pytest.raises(RuntimeError, match="Record 0 changed"):
            audit[0]

    def test_the_owner_must_be_in_the_gate_s_org(self):
        """A gate bound to an org fails an owner who is not in it."""
        audit = MVH.bound(ORG).audit([record(), record(owner="ghost")])
        assert [v.status for v in audit] == ["passed", "failed"]
        assert [f.reason for f in audit[1].failures] == ["The owner `ghost` is not in the org"]

    def test_a_gate_with_a_check_of_its_own_runs_it_on_each_package(self):
        """A custom check sees each valid record's package, built as the constructor builds it."""
        seen: list[HandoffPackage] = []

        def region_known(package: HandoffPackage) -> bool:
            seen.append(package)
            return "region" in package.fields

        gate = MVH.with_check("region", region_known)
        records = [record(fields={"region": "EMEA"}), record(), record(customer=None)]
        audit = assert_audit_is_evaluate_on_each(gate, records)
        assert [v.status for v in audit] == ["passed", "failed", "invalid"]
        assert seen[:2] == [HandoffPackage(**records[0]), HandoffPackage(**records[1])]
        assert [f.reason for f in audit[1].failures] == ["Check region failed"]

    def test_no_records_is_an_empty_audit(self):
        """An audit of nothing counts nothing and has not passed."""
        audit = MVH.audit([])
        assert (len(audit), audit.passed, audit.failed, audit.invalid) == (0, 0, 0, 0)
        assert not audit.all_passed
        assert list(audit) == []
        assert str(audit) == "Gate minimum-viable: 0 records, 0 passed, 0 failed, 0 invalid"

    def test_indexing(self):
        """``audit[i]`` counts from the end for a negative index, and stops at the end."""
        audit = MVH.audit([record(deal_id="D-1"), record(deal_id="D-2")])
        assert audit[-1] == audit[1]
        assert audit[-1].deal_id == "D-2"
        with pytest.raises(IndexError, match="Record 2 is out of range: the audit has 2 records"):
            audit[2]
        with pytest.raises(IndexError, match="Record -3 is out of range"):
            audit[-3]

    def test_failures_by_check_is_a_copy(self):
        """Changing the counts handed out changes nothing in the audit."""
        audit = MVH.audit([record(owner=None)])
        counts = audit.failures_by_check
        counts["owner"] = 99
        assert audit.failures_by_check["owner"] == 1

    def test_summary_and_text(self):
        """One line of counts, then the failed checks and the invalid records' problems."""
        records = [record(deal_id="D-1", owner=None), record(deal_id="D-2", artifacts=None)]
        records += [record(deal_id=f"D-{i}", customer="") for i in range(3, 14)]
        audit = MVH.audit(records)
        assert audit.summary() == "Gate minimum-viable: 13 records, 0 passed, 1 failed, 12 invalid"
        assert repr(audit) == "<Audit minimum-viable: 13 records, 0 passed, 1 failed, 12 invalid>"
        lines = str(audit).splitlines()
        assert lines[:3] == [
            audit.summary(),
            "  owner: 1 failed",
            "  [1].artifacts: Expected a list of mappings; got nothing",
        ]
        assert lines[3:12] == [f"  [{i}].customer: Must not be empty" for i in range(2, 11)]
        assert lines[12:] == ["  ... and 2 more invalid records"]

    def test_a_verdict_as_text(self):
        """A verdict says what the record is, then each failure or problem."""
        audit = MVH.audit([record(owner=None), record(deal_id="")])
        assert str(audit[0]) == (
            "record 0 (D-1): failed\n"
            "  owner: No handoff owner is named"
            " (fix: Name the person measured on this customer's activation)"
        )
        assert str(audit[1]) == "record 1: invalid\n  [1].deal_id: Must not be empty"

    def test_verdicts_are_immutable(self):
        """A verdict cannot be changed."""
        verdict = MVH.audit([record()])[0]
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            verdict.index = 3  # type: ignore[misc]
        assert isinstance(verdict, RecordVerdict)

    @pytest.mark.parametrize(
        ("records", "hint"),
        [
            (record(), "one record: pass a list of records"),
            ("D-1,Globex", "text: pass the records"),
            (b"D-1,Globex", "text: pass the records"),
        ],
    )
    def test_what_is_not_records_is_refused(self, records: object, hint: str):
        """One record, or text, in place of the records is a TypeError saying what to pass."""
        with pytest.raises(TypeError, match=f"QualityGate.audit\\(\\) takes records, .*{hint}"):
            MVH.audit(records)  # type: ignore[arg-type]

    def test_a_table_is_refused_with_its_conversion(self):
        """A table iterates over its column names: the error names the conversion to records."""
        table = type("DataFrame", (), {"__module__": "pandas.core.frame", "__iter__": iter})
        with pytest.raises(TypeError, match=r"frame\.to_dict\('records'\) or table\.to_pylist"):
            MVH.audit(table())

    def test_a_mapping_that_changes_while_read_is_invalid(self):
        """A mapping whose keys change between two reads gets a problem, not a traceback."""

        class Shifting(Mapping[Any, Any]):
            def __init__(self) -> None:
                self.reads = 0
                self.data = record()

            def __getitem__(self, key: Any) -> Any:
                return self.data.get(key, "x")

            def __iter__(self) -> Iterator[Any]:
                self.reads += 1
                return iter([*self.data, 7] if self.reads == 1 else self.data)

            def __len__(self) -> int:
                return len(self.data)

        audit = MVH.audit([Shifting()])
        assert [str(p) for p in audit.problems] == ["[0]: keywords must be strings"]


# -- every record, judged as the constructor and the gate judge it -----------------------
#
# A record starts well formed (the complete package of `record()`) and gets a value of
# another type, or one that is subtly wrong or subtly right, in one place: each place
# with each such value, then random records changed in a place or two. One change at a
# time is what finds a check the audit makes differently from the model: several at
# once would send the record to the model whatever the audit thinks of each.


class Text(str):
    """Text of a subclass: the model takes it (as plain text)."""

    __slots__ = ()


class Number(int):
    """A number of a subclass."""


class Day(dt.date):
    """A date of a subclass."""


DROP = object()
"""In place of a value: the key is left out."""

TEXTS = ["x", " ", "\t", " padded ", "é", "x\u3000", "", "\ud800", "a\udcff", Text("x"), Text("")]
"""Text for a field that must not be empty: right, blank, unencodable, of a subclass."""
NOT_TEXTS = [None, 0, 1, True, 1.5, math.nan, b"x", ["x"], {"x": 1}, DROP]
FREE_TEXTS = ["", "  ", "wau", "\ud800", Text("wau"), None, 7, True, DROP]
"""Text for a field that may be empty."""
AWARE = [
    T0,
    dt.datetime(2026, 11, 20, 16, tzinfo=zoneinfo.ZoneInfo("Europe/Paris")),
    "2026-11-20T16:00:00Z",
    "2026-11-20T16:00:00+01:00",
]
TIMES = [
    *AWARE,
    dt.datetime(2026, 11, 20, 16),  # noqa: DTZ001 - naive, on purpose
    "2026-11-20T16:00:00",  # naive, as text
    "not a time",
    "",
    dt.date(2026, 11, 20),
    1795424400,
    math.nan,
    None,
    DROP,
]
STATUSES = ["draft", "complete", "signed", "sent", "", "Signed", None, 1, Text("signed"), DROP]
TARGETS = [None, "", "  ", " 95% ", 0, 200, 99.5, -0.0, 10**30, math.nan, math.inf, True, [1]]
TARGETS += [Number(3), Text("95%"), Text("  "), DROP]
DUES = [
    None,
    dt.date(2027, 1, 31),
    Day(2027, 1, 31),
    dt.datetime(2027, 1, 31),  # noqa: DTZ001 - a date's field takes a midnight
    dt.datetime(2027, 1, 31, 9),  # noqa: DTZ001 - but not another time
    "2027-01-31",
    3,
    DROP,
]
JSON_VALUES = ["EMEA", "", "\ud800", 0, 10**30, 1.5, True, None, -0.0, Text("EMEA"), b"x"]
JSON_VALUES += [math.nan, math.inf, [1, "a"], (1,), {"b": None}, {"b": math.nan}, {1, 2}]
FIELDS = [None, {}, {1: "x"}, "EMEA", [("a", 1)], MappingProxyType({"region": "EMEA"}), DROP]
FIELDS += [{"region": value} for value in JSON_VALUES] + [{"\ud800": 1}]
ITEMS = [None, "sow", 3, ["sow"], OrderedDict(kind="sow"), Artifact("sow"), DROP]
"""In place of an artifact or a criterion."""

PLACES: dict[tuple[str | int, ...], list[object]] = {
    ("deal_id",): TEXTS + NOT_TEXTS,
    ("customer",): TEXTS + NOT_TEXTS,
    ("from_function",): TEXTS + NOT_TEXTS,
    ("to_function",): TEXTS + NOT_TEXTS,
    ("owner",): [*TEXTS, *NOT_TEXTS, "ghost", "vp-ops"],
    ("fields",): FIELDS,
    ("notes",): ["an unknown key"],
    ("self",): ["a key the constructor takes itself"],
    (1,): ["a key that is no text"],
    ("artifacts",): [None, "sow", {"kind": "sow"}, frozenset(), (), []],
    ("artifacts", 0): ITEMS,
    ("artifacts", 0, "status"): STATUSES,
    ("artifacts", 0, "kind"): [*TEXTS, *NOT_TEXTS, "sow", "scoping_document"],
    ("artifacts", 0, "name"): FREE_TEXTS,
    ("artifacts", 0, "location"): FREE_TEXTS,
    ("artifacts", 0, "notes"): ["an unknown key"],
    ("artifacts", 1, "status"): STATUSES,
    ("artifacts", 1, "signed_by"): TEXTS + NOT_TEXTS,
    ("artifacts", 1, "signed_at"): TIMES,
    ("success_criteria",): [None, "Adoption", frozenset(), ()],
    ("success_criteria", 0): [*ITEMS, SuccessCriterion("Adoption", "wau", 1)],
    ("success_criteria", 0, "description"): TEXTS + NOT_TEXTS,
    ("success_criteria", 0, "metric"): FREE_TEXTS,
    ("success_criteria", 0, "target"): TARGETS,
    ("success_criteria", 0, "due"): DUES,
    ("success_criteria", 0, "weight"): ["an unknown key"],
}


def changed(rec: Any, path: tuple[str | int, ...], value: object) -> Any:
    """``rec`` with the value at ``path`` replaced (or, for DROP, left out)."""
    *parents, last = path
    holder = rec
    for part in parents:
        holder = holder[part]
    if value is DROP and isinstance(holder, dict):
        holder.pop(last, None)
    elif value is DROP:
        del holder[last]
    else:
        holder[last] = value
    return rec


def table() -> list[object]:
    """The complete record with each value in each place, and in other shapes of record."""
    found: list[object] = [record()]
    found += [changed(record(), path, value) for path, values in PLACES.items() for value in values]
    found += [OrderedDict(record()), MappingProxyType(record()), None, "D-1", [record()]]
    return found


def _not_emea(package: HandoffPackage) -> CheckOutcome:
    """A check of one's own: it fails a package whose region is EMEA."""
    if package.fields.get("region") == "EMEA":
        return CheckOutcome.fail("EMEA is not served yet", "Route it to the partner")
    return CheckOutcome.ok()


GATES = {
    "default": MVH,
    "with an org": MVH.bound(ORG),
    "a check of its own": MVH.with_check("own", _not_emea),
    "more built-ins": QualityGate(
        "enterprise",
        [
            ("scope", ArtifactPresent(kind="scoping_document", statuses=["signed"])),
            ("security", ArtifactPresent(kind="security_review")),
            ("sow", ArtifactSigned(kind="sow")),
            ("plan-signed", ArtifactSigned(kind="success_plan")),
            ("two-criteria", CriteriaMeasurable(minimum=2)),
            ("one-criterion", CriteriaMeasurable()),
            ("owner", OwnerAssigned()),
        ],
        org=ORG,
    ),
    "no owner check": MVH.without("owner"),
    "signed by a party": MVH.with_check("by-cfo", ArtifactSigned(kind="sow", by="Globex CFO")),
    "a field": MVH.with_check("region", FieldPresent(field="region")),
    "no checks": QualityGate("empty"),
}


@pytest.mark.parametrize("gate_name", sorted(GATES))
def test_each_value_in_each_place_is_judged_as_the_constructor_judges_it(gate_name: str):
    """Every record of the table gets the verdict of HandoffPackage(**record) and evaluate."""
    audit = assert_audit_is_evaluate_on_each(GATES[gate_name], table())
    assert 0 < audit.invalid < len(audit)


@st.composite
def artifact_items(draw: st.DrawFn) -> object:
    """A well-formed artifact, as a mapping or an object."""
    kind = draw(st.sampled_from(["sow", "scoping_document", "security_review", "success_plan"]))
    status = draw(st.sampled_from(["signed", "complete", "draft"]))
    signed_by = draw(st.sampled_from(["Globex CFO", "CFO", None]))
    signed_at = draw(st.sampled_from([*AWARE, None]))
    if draw(st.integers(0, 4)) == 0:
        return Artifact(
            kind, status=status, signed_by=signed_by, signed_at=T0 if signed_at else None
        )
    return {"kind": kind, "status": status, "signed_by": signed_by, "signed_at": signed_at}


@st.composite
def criterion_items(draw: st.DrawFn) -> object:
    """A well-formed success criterion, as a mapping or an object."""
    metric = draw(st.sampled_from(["wau", "", "  "]))
    target = draw(st.sampled_from([200, None, "", "  ", "95%", 0, 99.5]))
    if draw(st.integers(0, 4)) == 0:
        return SuccessCriterion("Adoption", metric, target)
    return {"description": "Adoption", "metric": metric, "target": target}


@st.composite
def records(draw: st.DrawFn) -> object:
    """A record with some artifacts and criteria, changed in none, one or two places."""
    rec: dict[Any, Any] = record(owner=draw(st.sampled_from(["ae-1", None, "ghost"])))
    if draw(st.booleans()):  # the complete package's artifacts, and maybe more
        rec["artifacts"] += draw(st.lists(artifact_items(), max_size=2))
    else:
        rec["artifacts"] = draw(st.lists(artifact_items(), max_size=4))
    if draw(st.booleans()):
        rec["success_criteria"] = draw(st.lists(criterion_items(), max_size=3))
    if draw(st.booleans()):
        rec["fields"] = {"region": draw(st.sampled_from(["EMEA", "APAC"]))}
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 1, 2]))):
        path, values = draw(st.sampled_from(list(PLACES.items())))
        with contextlib.suppress(LookupError, TypeError):  # the place is gone, or no list
            changed(rec, path, draw(st.sampled_from(values)))
    return rec


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(GATES)), st.lists(records(), min_size=1, max_size=6))
def test_audit_is_evaluate_of_each_package(gate_name: str, batch: list[object]):
    """Each verdict is that of HandoffPackage(**record) and gate.evaluate: result or problems."""
    assert_audit_is_evaluate_on_each(GATES[gate_name], batch)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(GATES)), st.lists(records(), max_size=6))
def test_records_from_a_generator_are_judged_alike(gate_name: str, batch: list[object]):
    """An audit of a generator gives the verdicts an audit of the list gives."""
    gate = GATES[gate_name]
    from_list = gate.audit(batch)
    from_generator = gate.audit(rec for rec in batch)
    assert list(from_generator) == list(from_list)
    assert str(from_generator) == str(from_list)
