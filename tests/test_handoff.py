"""alignkit.handoff: quality gates, the handoff lifecycle, CRM triggers, metrics."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import attrs
import pytest
from hypothesis import event as record_event
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from alignkit.errors import (
    GateBlocked,
    PermissionDenied,
    SpecError,
    TransitionError,
    UnknownNameError,
)
from alignkit.handoff import (
    Artifact,
    ArtifactPresent,
    ArtifactSigned,
    CheckOutcome,
    CriteriaMeasurable,
    DealEvent,
    FieldPresent,
    GateResult,
    GateSpec,
    Handoff,
    HandoffDesk,
    HandoffPackage,
    HandoffsSection,
    HandoffState,
    OwnerAssigned,
    OwnerRuleSpec,
    QualityGate,
    RedFlag,
    SuccessCriterion,
    mermaid_diagram,
)
from alignkit.org import Function, Org, Person
from alignkit.store import ConcurrencyError, MemoryStore, NewEvent, SQLiteStore

DATA = Path(__file__).parent / "data" / "crm"
T0 = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)

ORG = Org(
    functions=[
        Function("Sales", "vp-sales"),
        Function("Operations", "vp-ops"),
        Function("IT", "cio"),
    ],
    people=[
        Person("vp-sales", "Sam Okafor", "Sales"),
        Person("ae-1", "Lee Park", "Sales", "vp-sales"),
        Person("ae-2", "Sofia Marin", "Sales", "vp-sales"),
        Person("vp-ops", "Priya Nair", "Operations"),
        Person("onb-1", "Ana Ruiz", "Operations", "vp-ops"),
        Person("cio", "Victor Hale", "IT"),
    ],
)

SOW = Artifact("sow", status="signed", signed_by="Globex CFO", signed_at=T0)
SCOPE = Artifact("scoping_document", status="complete")
WAU = SuccessCriterion("Weekly active users", "wau", 200)


def package(**changes: object) -> HandoffPackage:
    base: dict[str, object] = {
        "deal_id": "D-1",
        "customer": "Globex",
        "from_function": "Sales",
        "to_function": "Operations",
        "owner": "ae-1",
        "artifacts": [SCOPE, SOW],
        "success_criteria": [WAU],
    }
    base.update(changes)
    return HandoffPackage.model_validate(base)


def won(
    deal: str = "D-1", event_id: str = "e1", at: dt.datetime = T0, **payload: object
) -> DealEvent:
    return DealEvent(event_id, deal, "Closed-Won", at, {"owner": "ae-1", **payload})


# Changes that make a package belong to another handoff, and the field each is about.
FOREIGN_PACKAGES = [
    ({"deal_id": "D-9"}, "deal_id"),
    ({"from_function": "Marketing"}, "from_function"),
    ({"to_function": "IT"}, "to_function"),
    ({"owner": "ae-2"}, "owner"),
]


class Recorder:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def notify(self, handoff: Handoff, what: str) -> None:
        self.seen.append((handoff.deal_id, what))


class TestGate:
    def test_minimum_viable_passes_a_complete_package(self):
        """Scoping document, signed SOW, a measurable criterion and an owner."""
        result = QualityGate.minimum_viable().evaluate(package())
        assert result.passed
        assert result.failures == ()
        assert str(result) == "Gate minimum-viable: passed"

    def test_every_check_runs_and_explains(self):
        """An empty package fails all four checks, each with its reason and fix."""
        result = QualityGate.minimum_viable().evaluate(
            package(artifacts=[], success_criteria=[], owner=None)
        )
        assert [f.check for f in result.failures] == [
            "scoping-document",
            "signed-sow",
            "success-criteria",
            "owner",
        ]
        assert all(f.reason and f.fix for f in result.failures)
        assert str(result).startswith("Gate minimum-viable: 4 failed")

    @pytest.mark.parametrize(
        ("artifacts", "reason"),
        [
            (
                [Artifact("scoping_document"), SOW],
                "The scoping_document is draft, not complete or signed",
            ),
            ([SCOPE, Artifact("sow", status="signed")], "The sow is not signed"),
            (
                [SCOPE, Artifact("sow", status="complete", signed_by="x", signed_at=T0)],
                "not signed",
            ),
        ],
    )
    def test_artifact_statuses(self, artifacts: list[Artifact], reason: str):
        """A draft scope or an unsigned SOW fails, saying which."""
        result = QualityGate.minimum_viable().evaluate(package(artifacts=artifacts))
        assert len(result.failures) == 1
        assert reason in result.failures[0].reason

    def test_vague_success_criteria(self):
        """A criterion without a metric and target does not count."""
        result = CriteriaMeasurable()(
            package(success_criteria=[SuccessCriterion("Happy customer")])
        )
        assert not result.passed
        assert (
            result.reason
            == "0 measurable customer success criteria, 1 needed (1 without a metric and target)"
        )

    def test_signed_by_and_before(self):
        """Signature checks can name the signer and a deadline."""
        assert ArtifactSigned(kind="sow", by="Globex CFO")(package()).passed
        assert not ArtifactSigned(kind="sow", by="Globex CEO")(package()).passed
        assert not ArtifactSigned(kind="sow", before=T0)(package()).passed
        assert ArtifactSigned(kind="sow", before=T0 + HOUR)(package()).passed
        assert "No msa" in ArtifactSigned(kind="msa")(package()).reason

    def test_owner_known_to_the_org(self):
        """With an org, the owner must be in it."""
        assert OwnerAssigned()(package(), ORG).passed
        assert "not in the org" in OwnerAssigned()(package(owner="ghost"), ORG).reason

    def test_field_present_and_pattern(self):
        """Fields present, optionally matching a pattern."""
        check = FieldPresent(field="crm_account_id", pattern=r"ACC-\d+")
        assert check(package(fields={"crm_account_id": "ACC-12"})).passed
        assert "does not match" in check(package(fields={"crm_account_id": "12"})).reason
        assert "missing" in check(package()).reason

    def test_gates_compose(self):
        """Add a check, drop one by name, combine two gates."""
        security = QualityGate(
            "security", [("security-review", ArtifactPresent(kind="security_review"))]
        )  # type: ignore[list-item]
        assert security is not None
        gate = QualityGate.minimum_viable().with_check(
            "region",
            lambda p: (
                CheckOutcome.ok()
                if p.fields.get("region")
                else CheckOutcome.fail("No region", "Set it")
            ),
        )
        assert gate.names[-1] == "region"
        assert not gate.evaluate(package()).passed
        assert gate.without("region").evaluate(package()).passed
        combined = QualityGate.minimum_viable().without("owner") + QualityGate(
            "extra", gate.checks[-1:]
        )
        assert combined.name == "minimum-viable+extra"
        assert combined.names == ("scoping-document", "signed-sow", "success-criteria", "region")
        assert QualityGate.minimum_viable().__add__(1) is NotImplemented  # type: ignore[operator]

    def test_result_is_immutable_and_compares_by_content(self):
        """A result's fields cannot be set; equal outcomes mean equal results."""
        result = QualityGate.minimum_viable().evaluate(package(owner=None))
        with pytest.raises(AttributeError):
            result.gate = "other"  # type: ignore[misc]
        same = GateResult(result.gate, result.outcomes)
        assert same == result
        assert hash(same) == hash(result)
        assert "GateResult('minimum-viable'" in repr(result)
        assert result.__eq__(1) is NotImplemented
        with pytest.raises(TypeError, match="needs outcomes"):
            GateResult("g")

    def test_gate_refuses_clashing_names_and_unknown_drops(self):
        """Names identify checks."""
        mvh = QualityGate.minimum_viable()
        with pytest.raises(SpecError, match="two checks named 'owner'"):
            mvh + mvh
        with pytest.raises(UnknownNameError, match="did you mean 'owner'"):
            mvh.without("ownr")


class TestDealEvent:
    def test_from_hubspot(self):
        """A HubSpot dealstage webhook, as documented by HubSpot."""
        (payload,) = json.loads((DATA / "hubspot_dealstage.json").read_text())
        event = DealEvent.from_hubspot(payload)
        assert (event.event_id, event.deal_id, event.stage) == (
            "1753296213",
            "9876543210",
            "Closed-Won",
        )
        assert event.occurred_at == dt.datetime.fromtimestamp(1795424400, tz=dt.UTC)

    def test_from_salesforce(self):
        """A Salesforce Opportunity change event, as documented by Salesforce."""
        payload = json.loads((DATA / "salesforce_opportunity.json").read_text())
        event = DealEvent.from_salesforce(payload)
        assert event.deal_id == "0065e00000ABCDeAAF"
        assert event.stage == "Closed-Won"
        assert event.event_id == "0002a3f4-6b4e-28a1-9e4c-1d2d3e4f5a6b:1"
        assert DealEvent.from_salesforce(payload["payload"]) == event

    @pytest.mark.parametrize("missing", ["eventId", "objectId", "propertyValue", "occurredAt"])
    def test_malformed_hubspot_names_the_field(self, missing: str):
        """A missing field is a SpecError naming it."""
        (payload,) = json.loads((DATA / "hubspot_dealstage.json").read_text())
        del payload[missing]
        with pytest.raises(SpecError, match=f"no `{missing}`"):
            DealEvent.from_hubspot(payload)

    def test_hubspot_other_property_and_bad_time(self):
        """Only dealstage changes are deal events; times must be numbers."""
        (payload,) = json.loads((DATA / "hubspot_dealstage.json").read_text())
        with pytest.raises(SpecError, match="changes `amount`"):
            DealEvent.from_hubspot({**payload, "propertyName": "amount"})
        with pytest.raises(SpecError, match="not a time in milliseconds"):
            DealEvent.from_hubspot({**payload, "occurredAt": "yesterday"})

    @pytest.mark.parametrize(
        ("path", "message"),
        [
            (("payload", "ChangeEventHeader"), "no `ChangeEventHeader`"),
            (("payload", "StageName"), "no `StageName`"),
            (("payload", "ChangeEventHeader", "recordIds"), "no `recordIds`"),
            (("payload", "ChangeEventHeader", "transactionKey"), "no `transactionKey`"),
        ],
    )
    def test_malformed_salesforce_names_the_field(self, path: tuple[str, ...], message: str):
        """A missing field is a SpecError naming it."""
        payload = json.loads((DATA / "salesforce_opportunity.json").read_text())
        target = payload
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
        with pytest.raises(SpecError, match=message):
            DealEvent.from_salesforce(payload)

    def test_salesforce_other_entity_and_bad_values(self):
        """Only Opportunity events; record ids must be a list; times numbers."""
        payload = json.loads((DATA / "salesforce_opportunity.json").read_text())
        header = payload["payload"]["ChangeEventHeader"]
        with pytest.raises(SpecError, match="about Account"):
            DealEvent.from_salesforce(
                {
                    "payload": {
                        **payload["payload"],
                        "ChangeEventHeader": {**header, "entityName": "Account"},
                    }
                }
            )
        with pytest.raises(SpecError, match="must list"):
            DealEvent.from_salesforce(
                {
                    "payload": {
                        **payload["payload"],
                        "ChangeEventHeader": {**header, "recordIds": "x"},
                    }
                }
            )
        with pytest.raises(SpecError, match="commitTimestamp"):
            DealEvent.from_salesforce(
                {
                    "payload": {
                        **payload["payload"],
                        "ChangeEventHeader": {**header, "commitTimestamp": "now"},
                    }
                }
            )

    def test_naive_time_refused(self):
        """Deal events carry aware times."""
        with pytest.raises(SpecError, match="timezone-aware"):
            DealEvent("e", "d", "Closed-Won", dt.datetime(2026, 1, 1))  # noqa: DTZ001

    def test_hashable_and_equal_by_value(self):
        """Equal events hash alike, payload included, however the payload was given."""
        payload = json.loads((DATA / "salesforce_opportunity.json").read_text())
        event = DealEvent.from_salesforce(payload)
        again = DealEvent.from_salesforce(
            json.loads((DATA / "salesforce_opportunity.json").read_text())
        )
        assert event == again
        assert hash(event) == hash(again)
        assert len({event, again, won()}) == 2
        assert won(tags=["smb", "emea"]) == won(tags=("smb", "emea"))
        assert hash(won(plan={"seats": 10})) == hash(won(plan={"seats": 10}))
        assert won(plan={"seats": 10}) != won(plan={"seats": 11})

    def test_immutable(self):
        """The payload cannot be changed, at any depth, nor by changing what was passed in."""
        given_payload: dict[str, Any] = {"owner": "ae-1", "tags": ["smb"], "plan": {"seats": 10}}
        event = DealEvent("e1", "D-1", "Closed-Won", T0, given_payload)
        given_payload["owner"] = "ae-2"
        given_payload["plan"]["seats"] = 99
        assert event.payload == {"owner": "ae-1", "tags": ("smb",), "plan": {"seats": 10}}
        with pytest.raises(TypeError):
            event.payload["owner"] = "ae-2"  # type: ignore[index]
        with pytest.raises(TypeError):
            event.payload["plan"]["seats"] = 11
        with pytest.raises(AttributeError):
            event.payload["tags"].append("emea")
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            event.payload = {}  # type: ignore[misc]

    def test_copy(self):
        """A copy, shallow or deep, is equal and hashes alike."""
        event = won(tags=["smb"])
        assert copy.copy(event) == event
        assert copy.deepcopy(event) == event
        assert hash(copy.deepcopy(event)) == hash(event)

    def test_a_payload_that_holds_itself_is_a_spec_error(self):
        """A payload nesting past Python's limits is refused at `payload`, not a crash."""
        loop: dict[str, Any] = {}
        loop["self"] = loop
        with pytest.raises(SpecError, match="`payload` nests too deeply") as info:
            DealEvent("e1", "D-1", "Closed-Won", T0, loop)
        assert info.value.problems[0].location.path == ("payload",)


def accepted_desk(**kwargs: object) -> HandoffDesk:
    desk = HandoffDesk(ORG, **kwargs)  # type: ignore[arg-type]
    desk.receive(won())
    desk.submit("D-1", package(), "ae-1", T0 + HOUR)
    desk.accept("D-1", "onb-1", T0 + 2 * HOUR)
    return desk


class TestLifecycle:
    def test_closed_won_opens_a_handoff_with_its_owner(self):
        """The trigger opens a handoff; the owner rule names the owner; the receiver is told."""
        recorder = Recorder()
        desk = HandoffDesk(ORG, notifier=recorder)
        handoff = desk.receive(won(customer="Globex"))
        assert handoff is not None
        assert (handoff.state, handoff.owner, handoff.customer) == (
            HandoffState.OPEN,
            "ae-1",
            "Globex",
        )
        assert recorder.seen == [("D-1", "opened")]

    def test_other_stages_open_nothing(self):
        """A deal in negotiation has no handoff."""
        desk = HandoffDesk(ORG)
        assert desk.receive(DealEvent("e0", "D-1", "Negotiation", T0)) is None
        with pytest.raises(UnknownNameError):
            desk.get("D-1")
        assert desk.receive(won(at=T0 + HOUR)) is not None
        assert desk.get("D-1").version == 2

    def test_full_happy_path(self):
        """OPEN → SUBMITTED → ACCEPTED → ACTIVATED, each step in the history."""
        desk = accepted_desk()
        handoff = desk.activate("D-1", "onb-1", T0 + 30 * HOUR)
        assert handoff.state is HandoffState.ACTIVATED
        assert [e.kind for e in handoff.history] == [
            "deal_stage",
            "submitted",
            "accepted",
            "activated",
        ]
        assert [e.actor for e in handoff.history] == ["crm", "ae-1", "onb-1", "onb-1"]
        assert len({e.event_id for e in handoff.history}) == 4

    def test_churn(self):
        """ACCEPTED → CHURNED."""
        assert (
            accepted_desk().churn("D-1", "onb-1", T0 + 9 * HOUR, reason="budget").state
            is HandoffState.CHURNED
        )

    def test_accept_blocked_by_the_gate(self):
        """GateBlocked carries the result with every failure."""
        desk = HandoffDesk(ORG)
        desk.receive(won())
        desk.submit("D-1", package(artifacts=[SCOPE]), "ae-1", T0)
        with pytest.raises(GateBlocked, match="signed-sow") as info:
            desk.accept("D-1", "onb-1", T0)
        assert [f.check for f in info.value.result.failures] == ["signed-sow"]
        assert desk.get("D-1").state is HandoffState.SUBMITTED

    def test_red_flag_pauses_until_resolved_and_resubmitted(self):
        """FLAGGED → SUBMITTED only after every flag is resolved and the package resubmitted."""
        desk = HandoffDesk(ORG)
        desk.receive(won())
        desk.submit("D-1", package(), "ae-1", T0)
        first = desk.flag("D-1", "onb-1", "Integration scope unclear", "scope", T0 + HOUR)
        second = desk.flag("D-1", "vp-ops", "No technical contact", "contacts", T0 + HOUR)
        handoff = desk.get("D-1")
        assert handoff.state is HandoffState.FLAGGED
        assert [f.flag_id for f in handoff.open_flags] == [first, second]
        assert handoff.flags[0].raised_by == "onb-1"
        with pytest.raises(TransitionError, match="Cannot accept from state FLAGGED"):
            desk.accept("D-1", "onb-1", T0)
        desk.resolve("D-1", first, "onb-1", T0 + 2 * HOUR)
        with pytest.raises(TransitionError, match="red flags are open"):
            desk.submit("D-1", package(), "ae-1", T0)
        desk.resolve("D-1", second, "onb-1", T0 + 2 * HOUR)
        assert desk.get("D-1").state is HandoffState.FLAGGED
        assert desk.submit("D-1", package(), "ae-1", T0 + 3 * HOUR).state is HandoffState.SUBMITTED
        assert desk.accept("D-1", "onb-1", T0 + 4 * HOUR).state is HandoffState.ACCEPTED

    def test_flags_are_blame_free(self):
        """A flag records what and a category: it has no field for whose fault."""
        desk = HandoffDesk(ORG)
        desk.receive(won())
        desk.submit("D-1", package(), "ae-1", T0)
        desk.flag("D-1", "onb-1", "SOW missing the data migration", "scope", T0)
        (flag,) = desk.get("D-1").flags
        assert (flag.reason, flag.category) == ("SOW missing the data migration", "scope")
        assert not {"fault", "blame", "culprit", "responsible"} & set(attrs.fields_dict(RedFlag))

    def test_resolve_unknown_flag_and_empty_reason(self):
        """Flags need a reason; resolving names an open flag."""
        desk = HandoffDesk(ORG)
        desk.receive(won())
        desk.submit("D-1", package(), "ae-1", T0)
        with pytest.raises(SpecError, match="needs a reason"):
            desk.flag("D-1", "onb-1", "  ", "scope", T0)
        desk.flag("D-1", "onb-1", "x", "scope", T0)
        with pytest.raises(UnknownNameError, match="open flag"):
            desk.resolve("D-1", "D-1-flag-9", "onb-1", T0)

    @pytest.mark.parametrize(
        ("move", "actor"),
        [
            ("flag", "ae-1"),
            ("accept", "ae-1"),
            ("accept", "cio"),
            ("submit", "onb-1"),
            ("withdraw", "cio"),
        ],
    )
    def test_who_may_do_what(self, move: str, actor: str):
        """Receiving side flags and accepts; owner or sending side submits and withdraws."""
        desk = HandoffDesk(ORG)
        desk.receive(won())
        desk.submit("D-1", package(), "ae-1", T0)
        call = {
            "flag": lambda: desk.flag("D-1", actor, "x", "y", T0),
            "accept": lambda: desk.accept("D-1", actor, T0),
            "submit": lambda: desk.submit("D-1", package(), actor, T0),
            "withdraw": lambda: desk.withdraw("D-1", actor, T0),
        }[move]
        with pytest.raises(PermissionDenied) as info:
            call()
        assert (info.value.actor, info.value.action) == (actor, move)

    def test_state_is_checked_before_the_actor(self):
        """An illegal move is a TransitionError whoever asks."""
        desk = accepted_desk()
        with pytest.raises(
            TransitionError,
            match="Cannot withdraw from state ACCEPTED; allowed from ACCEPTED: activate, churn",
        ):
            desk.withdraw("D-1", "cio", T0)

    def test_owner_outside_sales_may_submit(self):
        """The owner may submit even if they are not in the sending function."""
        desk = HandoffDesk(ORG, owner_rule=lambda event, org: "cio")
        desk.receive(won())
        assert desk.submit("D-1", package(owner="cio"), "cio", T0).state is HandoffState.SUBMITTED

    def test_final_states(self):
        """Nothing moves an activated handoff."""
        desk = accepted_desk()
        desk.activate("D-1", "onb-1", T0 + 3 * HOUR)
        with pytest.raises(TransitionError, match="nothing \\(a final state\\)"):
            desk.churn("D-1", "onb-1", T0 + 4 * HOUR)

    def test_withdraw_before_acceptance(self):
        """The sending side may withdraw before acceptance."""
        desk = HandoffDesk(ORG)
        desk.receive(won())
        assert (
            desk.withdraw("D-1", "ae-2", T0, reason="duplicate deal").state
            is HandoffState.WITHDRAWN
        )

    def test_reassign(self):
        """The handoff goes to another owner; unknown people are refused."""
        desk = HandoffDesk(ORG)
        desk.receive(won())
        assert desk.reassign("D-1", "ae-2", "vp-sales", T0).owner == "ae-2"
        with pytest.raises(UnknownNameError):
            desk.reassign("D-1", "ghost", "vp-sales", T0)

    def test_naive_time_refused(self):
        """Moves carry aware times."""
        desk = HandoffDesk(ORG)
        desk.receive(won())
        with pytest.raises(SpecError, match="timezone-aware"):
            desk.withdraw("D-1", "ae-1", dt.datetime(2026, 1, 1))  # noqa: DTZ001


def desk_in(state: HandoffState) -> HandoffDesk:
    """A desk whose handoff of D-1 is in ``state``."""
    if state in {HandoffState.ACCEPTED, HandoffState.ACTIVATED, HandoffState.CHURNED}:
        desk = accepted_desk()
        if state is HandoffState.ACTIVATED:
            desk.activate("D-1", "onb-1", T0 + 3 * HOUR)
        elif state is HandoffState.CHURNED:
            desk.churn("D-1", "onb-1", T0 + 3 * HOUR)
    else:
        desk = HandoffDesk(ORG)
        desk.receive(won())
        if state is HandoffState.WITHDRAWN:
            desk.withdraw("D-1", "ae-1", T0 + HOUR)
        elif state is not HandoffState.OPEN:
            desk.submit("D-1", package(), "ae-1", T0 + HOUR)
            if state is HandoffState.FLAGGED:
                desk.flag("D-1", "onb-1", "Scope unclear", "scope", T0 + HOUR)
    assert desk.get("D-1").state is state
    return desk


class TestRefusals:
    """A refused move says what can still move the handoff on: people, or the CRM."""

    @staticmethod
    def crm_moves(state: HandoffState) -> bool:
        """Whether a new stage change from the CRM takes a handoff out of ``state``."""
        for stage in ("Closed-Won", "Closed-Lost"):
            desk = desk_in(state)
            after = desk.receive(DealEvent(f"probe-{stage}", "D-1", stage, T0 + 10 * HOUR))
            assert after is not None
            if after.state is not state:
                return True
        return False

    @pytest.mark.parametrize("state", list(HandoffState))
    def test_only_a_state_nothing_moves_is_called_final(self, state: HandoffState):
        """Each state's refusal lists the moves allowed now, and says final only when it is."""
        desk = desk_in(state)
        allowed = desk.get("D-1").allowed_moves()
        move = "submit" if "activate" in allowed else "activate"
        call = {
            "submit": lambda: desk.submit("D-1", package(), "ae-1", T0 + 5 * HOUR),
            "activate": lambda: desk.activate("D-1", "onb-1", T0 + 5 * HOUR),
        }[move]
        with pytest.raises(TransitionError) as info:
            call()
        error = info.value
        assert (error.state, error.move, error.allowed) == (state.name, move, allowed)
        assert f"allowed from {state.name}: {', '.join(allowed)}" in str(error)
        final = not allowed and not self.crm_moves(state)
        assert ("(a final state)" in str(error)) is final

    @pytest.mark.parametrize("how", ["withdraw", "Closed-Lost"])
    def test_a_withdrawn_handoff_waits_for_the_crm(self, how: str):
        """Withdrawn by a person or by the CRM: no moves for people, and the CRM reopens it."""
        desk = HandoffDesk(ORG)
        desk.receive(won())
        desk.submit("D-1", package(), "ae-1", T0 + HOUR)
        if how == "withdraw":
            desk.withdraw("D-1", "ae-1", T0 + 2 * HOUR, reason="duplicate deal")
        else:
            desk.receive(DealEvent("lost", "D-1", "Closed-Lost", T0 + 2 * HOUR))
        with pytest.raises(TransitionError) as info:
            desk.submit("D-1", package(), "ae-1", T0 + 3 * HOUR)
        assert str(info.value) == (
            "Cannot submit from state WITHDRAWN; allowed from WITHDRAWN: nothing until the CRM "
            "reopens the withdrawn handoff (a new Closed-Won for the deal)"
        )
        assert (info.value.state, info.value.move, info.value.allowed) == (
            "WITHDRAWN",
            "submit",
            (),
        )
        reopened = desk.receive(won(event_id="won-again", at=T0 + 4 * HOUR))
        assert reopened is not None
        assert reopened.state is HandoffState.OPEN

    def test_resolve_is_offered_only_while_a_flag_is_open(self):
        """A flagged handoff whose flags are all resolved offers submit, not resolve."""
        desk = desk_in(HandoffState.FLAGGED)
        (flag,) = desk.get("D-1").open_flags
        resolved = desk.resolve("D-1", flag.flag_id, "onb-1", T0 + 2 * HOUR)
        assert resolved.allowed_moves() == ("submit", "flag", "withdraw", "reassign")
        with pytest.raises(TransitionError, match="Cannot resolve: no red flag is open") as info:
            desk.resolve("D-1", flag.flag_id, "onb-1", T0 + 2 * HOUR)
        assert (info.value.state, info.value.move, info.value.allowed) == (
            "FLAGGED",
            "resolve",
            resolved.allowed_moves(),
        )

    def test_the_refusal_names_the_desk_s_trigger_stage(self):
        """A desk opened by another stage says which stage reopens it."""
        desk = HandoffDesk(ORG, trigger_stage="Contract Signed")
        desk.receive(DealEvent("signed", "D-1", "Contract Signed", T0, {"owner": "ae-1"}))
        desk.receive(DealEvent("lost", "D-1", "Closed-Lost", T0 + HOUR))
        with pytest.raises(TransitionError, match=r"\(a new Contract Signed for the deal\)$"):
            desk.reassign("D-1", "ae-2", "vp-sales", T0 + 2 * HOUR)
        again = desk.receive(DealEvent("again", "D-1", "Contract Signed", T0 + 3 * HOUR))
        assert again is not None
        assert again.state is HandoffState.OPEN


class TestResubmission:
    """The sender may replace a submitted package until the receiving side accepts it."""

    def test_a_new_package_replaces_the_submitted_one(self):
        """Recorded as its own event; the receiving side is told again and accepts the new one."""
        recorder = Recorder()
        desk = HandoffDesk(ORG, notifier=recorder)
        desk.receive(won())
        first = package(fields={"go_live": "2027-01"})
        second = package(fields={"go_live": "2027-02"})
        desk.submit("D-1", first, "ae-1", T0 + HOUR)
        handoff = desk.submit("D-1", second, "ae-2", T0 + 2 * HOUR)
        assert (handoff.state, handoff.package) == (HandoffState.SUBMITTED, second)
        assert [(e.kind, e.actor) for e in handoff.history] == [
            ("deal_stage", "crm"),
            ("submitted", "ae-1"),
            ("submitted", "ae-2"),
        ]
        stored = [HandoffPackage.model_validate(e.data["package"]) for e in handoff.history[1:]]
        assert stored == [first, second]
        assert recorder.seen == [("D-1", "opened"), ("D-1", "submitted"), ("D-1", "submitted")]
        assert desk.accept("D-1", "onb-1", T0 + 3 * HOUR).package == second

    def test_replay_and_other_desks_see_the_new_package(self, tmp_path: Path):
        """A desk that did not see the resubmission judges and accepts the new package."""
        first, second = TestSharedStore.pair(tmp_path)
        first.submit("D-1", package(artifacts=[]), "ae-1", T0 + HOUR)
        second.submit("D-1", package(customer="Globex Corp"), "ae-1", T0 + 2 * HOUR)
        result = first.gate_result("D-1")
        assert result is not None
        assert result.passed
        accepted = first.accept("D-1", "onb-1", T0 + 3 * HOUR)
        assert accepted.package == package(customer="Globex Corp")
        fresh = HandoffDesk(ORG, store=SQLiteStore(tmp_path / "handoffs.db"))
        assert fresh.get("D-1") == accepted

    @pytest.mark.parametrize(("change", "field"), FOREIGN_PACKAGES)
    def test_the_new_package_must_belong_to_the_handoff(self, change: dict[str, str], field: str):
        """Deal, functions and owner are checked as on the first submission."""
        desk = HandoffDesk(ORG)
        desk.receive(won())
        desk.submit("D-1", package(), "ae-1", T0 + HOUR)
        with pytest.raises(SpecError) as info:
            desk.submit("D-1", package(**change), "ae-1", T0 + 2 * HOUR)
        assert info.value.problems[0].location.path == ("package", field)
        assert (desk.get("D-1").package, desk.get("D-1").version) == (package(), 2)

    def test_the_new_package_is_judged_by_the_gate_again(self):
        """A passing package replaced by a failing one cannot be accepted until it is fixed."""
        desk = HandoffDesk(ORG)
        desk.receive(won())
        desk.submit("D-1", package(), "ae-1", T0 + HOUR)
        desk.submit("D-1", package(artifacts=[SCOPE]), "ae-1", T0 + HOUR)
        with pytest.raises(GateBlocked, match="signed-sow") as info:
            desk.accept("D-1", "onb-1", T0 + 2 * HOUR)
        assert [f.check for f in info.value.result.failures] == ["signed-sow"]
        desk.submit("D-1", package(), "ae-1", T0 + 3 * HOUR)
        assert desk.accept("D-1", "onb-1", T0 + 4 * HOUR).state is HandoffState.ACCEPTED

    def test_a_flag_raised_meanwhile_blocks_the_resubmission(self, tmp_path: Path):
        """A desk that missed a red flag is refused, then told the flag is open."""
        first, second = TestSharedStore.pair(tmp_path)
        first.submit("D-1", package(), "ae-1", T0 + HOUR)
        lose_the_next_race(
            first, lambda: second.flag("D-1", "onb-1", "Scope unclear", "scope", T0 + 2 * HOUR)
        )
        with pytest.raises(ConcurrencyError):
            first.submit("D-1", package(customer="Globex Corp"), "ae-1", T0 + 2 * HOUR)
        with pytest.raises(TransitionError, match="while red flags are open"):
            first.submit("D-1", package(customer="Globex Corp"), "ae-1", T0 + 3 * HOUR)
        assert first.get("D-1").package == package()

    def test_who_accepts_is_unchanged(self):
        """Only the receiving side accepts a resubmitted package."""
        desk = HandoffDesk(ORG)
        desk.receive(won())
        desk.submit("D-1", package(), "ae-1", T0 + HOUR)
        desk.submit("D-1", package(customer="Globex Corp"), "ae-1", T0 + 2 * HOUR)
        for actor in ("ae-1", "vp-sales", "cio"):
            with pytest.raises(PermissionDenied, match="Only members of Operations may accept"):
                desk.accept("D-1", actor, T0 + 3 * HOUR)
        assert desk.accept("D-1", "vp-ops", T0 + 3 * HOUR).state is HandoffState.ACCEPTED

    def test_not_after_acceptance(self):
        """An accepted package stays as accepted."""
        desk = accepted_desk()
        with pytest.raises(
            TransitionError,
            match="Cannot submit from state ACCEPTED; allowed from ACCEPTED: activate, churn",
        ):
            desk.submit("D-1", package(customer="Globex Corp"), "ae-1", T0 + 3 * HOUR)


class TestGateResult:
    """HandoffDesk.gate_result: the desk's gate on the current package, when asked."""

    def test_none_until_a_package_is_submitted(self):
        """An open handoff has no package to judge; an unknown deal is an error."""
        desk = HandoffDesk(ORG)
        desk.receive(won())
        assert desk.gate_result("D-1") is None
        with pytest.raises(UnknownNameError, match="Unknown deal 'D-9'"):
            desk.gate_result("D-9")

    def test_the_desk_s_gate_on_the_current_package(self):
        """The verdict follows the latest package, under the desk's own gate."""
        gate = QualityGate.minimum_viable(name="enterprise").with_check(
            "account", FieldPresent(field="crm_account_id")
        )
        desk = HandoffDesk(ORG, gate=gate)
        desk.receive(won())
        desk.submit("D-1", package(artifacts=[SCOPE]), "ae-1", T0 + HOUR)
        result = desk.gate_result("D-1")
        assert result is not None
        assert result.gate == "enterprise"
        assert [f.check for f in result.failures] == ["signed-sow", "account"]
        desk.submit("D-1", package(fields={"crm_account_id": "ACC-1"}), "ae-1", T0 + 2 * HOUR)
        assert desk.gate_result("D-1") == GateResult(
            "enterprise", [(name, CheckOutcome(passed=True)) for name in gate.names]
        )

    def test_a_reopened_handoff_has_no_verdict(self):
        """Withdrawn, the package is still judged; reopened, it starts afresh."""
        desk = HandoffDesk(ORG)
        desk.receive(won())
        desk.submit("D-1", package(artifacts=[]), "ae-1", T0 + HOUR)
        desk.receive(DealEvent("lost", "D-1", "Closed-Lost", T0 + 2 * HOUR))
        withdrawn = desk.gate_result("D-1")
        assert withdrawn is not None
        assert [f.check for f in withdrawn.failures] == ["scoping-document", "signed-sow"]
        desk.receive(won(event_id="again", at=T0 + 3 * HOUR))
        assert desk.gate_result("D-1") is None

    def test_reading_the_verdict_moves_nothing(self):
        """No event is written, and a passing verdict does not let the sender accept."""
        desk = HandoffDesk(ORG)
        desk.receive(won())
        desk.submit("D-1", package(), "ae-1", T0 + HOUR)
        result = desk.gate_result("D-1")
        assert result is not None
        assert result.passed
        assert len(desk.store.read("D-1")) == desk.get("D-1").version == 2
        with pytest.raises(PermissionDenied):
            desk.accept("D-1", "ae-1", T0 + 2 * HOUR)

    def test_the_gate_runs_only_when_asked(self):
        """Submitting and replaying never run the gate; each question runs it once."""
        calls: list[str] = []

        def counted(candidate: HandoffPackage) -> CheckOutcome:
            calls.append(candidate.customer)
            return CheckOutcome.ok()

        desk = HandoffDesk(ORG, gate=QualityGate("counted").with_check("counted", counted))
        desk.receive(won())
        desk.submit("D-1", package(), "ae-1", T0 + HOUR)
        desk.submit("D-1", package(customer="Globex Corp"), "ae-1", T0 + 2 * HOUR)
        desk.replay()
        assert calls == []
        assert desk.gate_result("D-1") == GateResult("counted", [("counted", CheckOutcome.ok())])
        assert calls == ["Globex Corp"]


class TestCrmDelivery:
    def test_duplicate_webhook_opens_one_handoff(self):
        """At-least-once delivery: the same event twice is applied once."""
        recorder = Recorder()
        desk = HandoffDesk(ORG, notifier=recorder)
        desk.receive(won())
        desk.receive(won())
        assert desk.get("D-1").version == 1
        assert recorder.seen == [("D-1", "opened")]

    def test_closed_lost_withdraws_before_acceptance(self):
        """A deal moving back out of Closed-Won withdraws its handoff, recorded as such."""
        recorder = Recorder()
        desk = HandoffDesk(ORG, notifier=recorder)
        desk.receive(won())
        handoff = desk.receive(DealEvent("e2", "D-1", "closedlost", T0 + HOUR))
        assert handoff is not None
        assert handoff.state is HandoffState.WITHDRAWN
        assert handoff.history[-1].data["stage"] == "Closed-Lost"
        assert recorder.seen == [("D-1", "opened"), ("D-1", "withdrawn")]
        reopened = desk.receive(won(event_id="e3", at=T0 + 2 * HOUR))
        assert reopened is not None
        assert reopened.state is HandoffState.OPEN

    def test_closed_lost_after_acceptance_changes_nothing(self):
        """Accepted work is not withdrawn by the CRM."""
        desk = accepted_desk()
        assert (
            desk.receive(DealEvent("e9", "D-1", "Closed-Lost", T0 + 5 * HOUR)).state
            is HandoffState.ACCEPTED
        )  # type: ignore[union-attr]

    def test_an_older_event_does_not_roll_back(self):
        """Out of order: an event older than the last applied is recorded, not applied."""
        desk = HandoffDesk(ORG)
        desk.receive(won(at=T0 + 2 * HOUR))
        late = desk.receive(DealEvent("e0", "D-1", "Closed-Lost", T0))
        assert late is not None
        assert late.state is HandoffState.OPEN
        assert late.version == 2

    def test_replay_from_sqlite_equals_live_state(self, tmp_path: Path):
        """A desk rebuilt on the same database is in the same state."""
        path = tmp_path / "handoffs.db"
        live = accepted_desk(store=SQLiteStore(path))
        live.receive(DealEvent("x1", "D-2", "Negotiation", T0))
        live.receive(won(deal="D-3", event_id="x2"))
        rebuilt = HandoffDesk(ORG, store=SQLiteStore(path))
        assert rebuilt.handoffs() == live.handoffs()
        assert rebuilt.get("D-1") == live.get("D-1")
        rebuilt.receive(won(deal="D-2", event_id="x3", at=T0 + HOUR))
        assert rebuilt.get("D-2").version == 2


class TestMetrics:
    def test_overall_and_per_owner(self):
        """Opened, accepted, flag rate, median time to accept, activation rate."""
        desk = HandoffDesk(ORG)
        for n, owner in enumerate(["ae-1", "ae-1", "ae-2"]):
            deal = f"D-{n}"
            desk.receive(won(deal=deal, event_id=f"w{n}", owner=owner))
            desk.submit(deal, package(deal_id=deal, owner=owner), owner, T0 + HOUR)
        desk.flag("D-0", "onb-1", "x", "scope", T0 + HOUR)
        desk.accept("D-1", "onb-1", T0 + 3 * HOUR)
        desk.accept("D-2", "onb-1", T0 + 5 * HOUR)
        desk.activate("D-1", "onb-1", T0 + 50 * HOUR)
        overall = desk.metrics()
        assert (overall.opened, overall.accepted, overall.activated, overall.flagged) == (
            3,
            2,
            1,
            1,
        )
        assert overall.flag_rate == pytest.approx(1 / 3)
        assert overall.activation_rate == 0.5
        assert overall.median_time_to_accept == 4 * HOUR
        by_owner = desk.metrics_by_owner()
        assert by_owner["ae-1"].activation_rate == 1.0
        assert by_owner["ae-2"].activation_rate == 0.0
        assert by_owner["ae-2"].median_time_to_accept == 5 * HOUR

    def test_first_pass_rate_counts_judged_handoffs_only(self):
        """Accepted with no flag ever raised, of those accepted or flagged; waiting ones aside."""
        desk = HandoffDesk(ORG)
        for n in range(5):
            deal = f"D-{n}"
            desk.receive(won(deal=deal, event_id=f"w{n}"))
            desk.submit(deal, package(deal_id=deal), "ae-1", T0 + HOUR)
        desk.accept("D-0", "onb-1", T0 + 2 * HOUR)  # first pass
        desk.accept("D-1", "onb-1", T0 + 2 * HOUR)  # first pass
        flag = desk.flag("D-2", "onb-1", "No SOW", "missing-artifact", T0 + 2 * HOUR)
        desk.resolve("D-2", flag, "onb-1", T0 + 3 * HOUR)
        desk.submit("D-2", package(deal_id="D-2"), "ae-1", T0 + 3 * HOUR)
        desk.accept("D-2", "onb-1", T0 + 4 * HOUR)  # accepted, but not at the first pass
        desk.flag("D-3", "onb-1", "Scope unclear", "scope", T0 + 2 * HOUR)  # flagged, open
        # D-4 waits for a verdict: not counted
        metrics = desk.metrics()
        assert (metrics.judged, metrics.first_pass) == (4, 2)
        assert metrics.first_pass_rate == 0.5
        assert HandoffDesk(ORG).metrics().first_pass_rate == 0.0

    def test_empty(self):
        """No handoffs: zero rates, no median."""
        metrics = HandoffDesk(ORG).metrics()
        assert (metrics.flag_rate, metrics.activation_rate, metrics.median_time_to_accept) == (
            0.0,
            0.0,
            None,
        )

    def test_owner_less_handoffs(self):
        """Handoffs without an owner are grouped under None."""
        desk = HandoffDesk(ORG, owner_rule=lambda event, org: None)
        desk.receive(won())
        assert desk.metrics_by_owner()[None].opened == 1


def test_mermaid_diagram_lists_every_state():
    """The docs' diagram shows every state."""
    diagram = mermaid_diagram()
    for state in HandoffState:
        assert state.name in diagram


def test_mermaid_diagram_draws_resubmission():
    """Submitting again before acceptance is drawn, beside the first submission."""
    lines = mermaid_diagram().splitlines()
    assert [line for line in lines if line.endswith(": submit")] == [
        "    OPEN --> SUBMITTED: submit",
        "    SUBMITTED --> SUBMITTED: submit",
        "    FLAGGED --> SUBMITTED: submit",
    ]


class DeskMachine(RuleBasedStateMachine):
    """Random CRM and people events, with duplicates and reordering, on two desks.

    Both desks share one store, as replicas of one service do; each rule picks one.
    Every submitted package is new (its ``fields`` count submissions), so a
    resubmission visibly replaces the package it follows.
    """

    def __init__(self) -> None:
        super().__init__()
        self.store = SQLiteStore(":memory:")
        self.desks = [HandoffDesk(ORG, store=self.store), HandoffDesk(ORG, store=self.store)]
        self.clock = T0
        self.sent: list[DealEvent] = []
        self.submissions = 0

    def tick(self) -> dt.datetime:
        self.clock += dt.timedelta(minutes=5)
        return self.clock

    def truth(self) -> HandoffDesk:
        return HandoffDesk(ORG, store=self.store)

    @rule(
        which=st.sampled_from([0, 1]),
        deal=st.sampled_from(["D-1", "D-2"]),
        stage=st.sampled_from(["Closed-Won", "Closed-Lost", "Negotiation"]),
        owner=st.sampled_from(["ae-1", "ae-2", "onb-1", None]),
    )
    def crm_event(self, which: int, deal: str, stage: str, owner: str | None) -> None:
        event = DealEvent(f"c{len(self.sent)}", deal, stage, self.tick(), {"owner": owner})
        self.sent.append(event)
        self.desks[which].receive(event)

    @rule(which=st.sampled_from([0, 1]), data=st.data())
    def crm_replay(self, which: int, data: st.DataObject) -> None:
        if self.sent:
            self.desks[which].receive(data.draw(st.sampled_from(self.sent)))

    @rule(
        which=st.sampled_from([0, 1]),
        deal=st.sampled_from(["D-1", "D-2"]),
        move=st.sampled_from(
            [
                "submit",
                "submit_bad",
                "flag",
                "resolve",
                "accept",
                "activate",
                "churn",
                "withdraw",
                "reassign",
            ]
        ),
        actor=st.sampled_from(["ae-1", "ae-2", "onb-1", "cio"]),
        owner=st.sampled_from(["ae-1", "ae-2", "onb-1", "ghost", None]),
    )
    def person(self, which: int, deal: str, move: str, actor: str, owner: str | None) -> None:
        desk = self.desks[which]
        try:
            handoff = desk.get(deal)
        except UnknownNameError:
            return
        at = self.tick()
        try:
            if move in {"submit", "submit_bad"}:
                self.submit(desk, handoff, actor, owner, complete=move == "submit")
            elif move == "flag":
                desk.flag(deal, actor, "unclear", "scope", at)
            elif move == "resolve":
                if handoff.open_flags:
                    desk.resolve(deal, handoff.open_flags[0].flag_id, actor, at)
            elif move == "accept":
                after = desk.accept(deal, actor, at)
                assert after.state is HandoffState.ACCEPTED
            elif move == "activate":
                desk.activate(deal, actor, at)
            elif move == "churn":
                desk.churn(deal, actor, at)
            elif move == "reassign":
                desk.reassign(deal, owner or "ghost", actor, at)
            else:
                desk.withdraw(deal, actor, at)
        except (
            TransitionError,
            PermissionDenied,
            GateBlocked,
            UnknownNameError,
            SpecError,
            ConcurrencyError,
        ):
            pass

    @rule(
        which=st.sampled_from([0, 1]),
        deal=st.sampled_from(["D-1", "D-2"]),
        actor=st.sampled_from(["ae-1", "ae-2", "vp-sales"]),
        complete=st.booleans(),
    )
    def send(self, which: int, deal: str, actor: str, complete: bool) -> None:
        """The sending side submits, or resubmits, a package that belongs to the handoff."""
        desk = self.desks[which]
        try:
            handoff = desk.get(deal)
        except UnknownNameError:
            return
        owner = handoff.owner or "ae-2"
        # A stale view (another desk moved, flagged or reassigned) or a state that
        # takes no submission: the desk refuses, and nothing is written.
        with contextlib.suppress(TransitionError, ConcurrencyError, SpecError):
            self.submit(desk, handoff, actor, owner, complete=complete)

    def submit(
        self, desk: HandoffDesk, handoff: Handoff, actor: str, owner: str | None, *, complete: bool
    ) -> None:
        """Submit a package never submitted before; check what the desk then holds."""
        self.submissions += 1
        candidate = package(
            deal_id=handoff.deal_id,
            owner=owner,
            artifacts=[SCOPE, SOW] if complete else [],
            fields={"submission": self.submissions},
        )
        after = desk.submit(handoff.deal_id, candidate, actor, self.tick())
        assert (after.state, after.package) == (HandoffState.SUBMITTED, candidate)
        result = desk.gate_result(handoff.deal_id)
        assert result is not None
        assert result.passed is (complete and owner is not None)
        if handoff.state is HandoffState.SUBMITTED and handoff.version + 1 == after.version:
            record_event("resubmitted")

    @invariant()
    def never_accepted_with_a_failing_gate_or_open_flag(self) -> None:
        for handoff in self.truth().handoffs():
            open_flags: set[str] = set()
            package_passes = False
            for event in handoff.history:
                if event.kind == "submitted":
                    last = HandoffPackage.model_validate(event.data["package"])
                    package_passes = QualityGate.minimum_viable().evaluate(last).passed
                elif event.kind == "flagged":
                    open_flags.add(event.data["flag_id"])
                elif event.kind == "resolved":
                    open_flags.discard(event.data["flag_id"])
                elif event.kind == "accepted":
                    assert package_passes
                    assert not open_flags

    @invariant()
    def each_desk_knows_a_prefix_of_the_store(self) -> None:
        for desk in self.desks:
            for handoff in desk.handoffs():
                stored = self.store.read(handoff.deal_id)
                assert list(handoff.history) == stored[: len(handoff.history)]

    @invariant()
    def owners_come_from_the_sending_side(self) -> None:
        for handoff in self.truth().handoffs():
            if handoff.owner is not None:
                person = ORG.get_person(handoff.owner)
                assert person is not None
                assert person.function != "Operations"

    def teardown(self) -> None:
        truth = self.truth().handoffs()
        for desk in self.desks:
            desk.replay()
            assert desk.handoffs() == truth


TestDeskMachine = DeskMachine.TestCase
TestDeskMachine.settings = settings(max_examples=40, stateful_step_count=30, deadline=None)


class TestSection:
    @pytest.mark.parametrize("written", ["minimum-viable", "minimum_viable", " minimum-viable "])
    def test_preset_name_is_read_either_way(self, written: str):
        """`minimum-viable` (like the gate names) and `minimum_viable` mean the same preset."""
        spec = GateSpec(name="g", preset=written)  # type: ignore[arg-type]
        assert spec == GateSpec(name="g", preset="minimum_viable")
        assert spec.build().names == QualityGate.minimum_viable().names

    SECTION = HandoffsSection.model_validate(
        {
            "owner_rule": {"function": "Sales", "strategy": "deal_owner"},
            "artifact_kinds": ["data_migration_plan"],
            "gates": [
                {"name": "minimum-viable", "preset": "minimum_viable"},
                {
                    "name": "enterprise",
                    "preset": "minimum_viable",
                    "drop": ["owner"],
                    "checks": [
                        {
                            "check": "artifact_present",
                            "name": "migration",
                            "kind": "data_migration_plan",
                        },
                        {"check": "field_present", "field": "crm_account_id"},
                    ],
                },
            ],
        }
    )

    def test_builds_the_gates(self):
        """Presets, dropped checks and added checks, in order."""
        enterprise = self.SECTION.gate("enterprise")
        assert enterprise.names == (
            "scoping-document",
            "signed-sow",
            "success-criteria",
            "migration",
            "field_present:crm_account_id",
        )
        assert self.SECTION.gate().name == "minimum-viable"
        assert HandoffsSection().gate().names == QualityGate.minimum_viable().names
        with pytest.raises(UnknownNameError, match="did you mean 'enterprise'"):
            self.SECTION.gate("enterprize")

    def test_desk_from_the_section(self):
        """The section configures a desk: trigger, gate and owner rule."""
        desk = self.SECTION.desk(ORG, gate="enterprise")
        handoff = desk.receive(won(owner="ae-2"))
        assert handoff is not None
        assert handoff.owner == "ae-2"
        desk.submit("D-1", package(owner="ae-2"), "ae-2", T0)
        with pytest.raises(GateBlocked, match="migration"):
            desk.accept("D-1", "onb-1", T0)

    def test_owner_rules(self):
        """deal_owner keeps a Sales owner, else takes turns; round_robin always takes turns."""
        deal_owner = OwnerRuleSpec(function="Sales").build()
        assert deal_owner(won(owner="ae-2"), ORG) == "ae-2"
        fallback = deal_owner(won(owner="cio"), ORG)
        assert fallback in {"vp-sales", "ae-1", "ae-2"}
        assert deal_owner(won(owner="cio"), ORG) == fallback  # stable per deal
        round_robin = OwnerRuleSpec(function="Sales", strategy="round_robin").build()
        owners = {round_robin(won(deal=f"D-{n}"), ORG) for n in range(30)}
        assert owners == {"vp-sales", "ae-1", "ae-2"}
        assert OwnerRuleSpec(function="Legal").build()(won(), ORG) is None

    def test_duplicate_gate_names(self):
        """Gate names are unique."""
        with pytest.raises(SpecError, match="declared twice"):
            HandoffsSection.model_validate({"gates": [{"name": "a"}, {"name": "a"}]})

    def test_unknown_check_kind_is_a_schema_error(self):
        """The `check:` key picks the check; an unknown one is refused."""
        with pytest.raises(SpecError) as info:
            HandoffsSection.model_validate(
                {"gates": [{"name": "a", "checks": [{"check": "vibes"}]}]}
            )
        assert info.value.problems[0].location.path[:3] == ("gates", 0, "checks")

    def test_lint_without_org(self):
        """Gate rules need no org."""
        section = HandoffsSection.model_validate({"gates": [{"name": "a"}]})
        assert [d.code for d in section.lint()] == ["HO001"]


def test_docs_show_the_current_diagram():
    """The how-to's Mermaid diagram is the one the code draws."""
    page = (Path(__file__).parents[1] / "docs" / "howto" / "handoffs.md").read_text()
    block = page.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert block.rstrip() == mermaid_diagram()


artifacts = st.builds(
    lambda kind, status, signer, signed: Artifact(
        kind, status=status, signed_by=signer, signed_at=T0 if signed else None
    ),
    st.sampled_from(["scoping_document", "sow", "security_review", "other"]),
    st.sampled_from(["draft", "complete", "signed"]),
    st.sampled_from([None, "Globex CFO"]),
    st.booleans(),
)
criteria = st.builds(
    SuccessCriterion,
    st.just("Outcome"),
    st.sampled_from(["", "  ", "wau"]),
    st.sampled_from([None, "", 200, "80%"]),
)


@settings(max_examples=300)
@given(
    st.lists(artifacts, max_size=4),
    st.lists(criteria, max_size=3),
    st.sampled_from([None, "ae-1", "ghost"]),
    st.booleans(),
    st.booleans(),
)
def test_fast_path_agrees_with_every_check(artifact_list, criteria_list, owner, with_org, extra):
    """A gate's one-pass shortcut gives the same verdict as running each check."""
    gate = QualityGate.minimum_viable()
    if extra:
        gate = gate.with_check(
            "security", ArtifactPresent(kind="security_review", statuses=["signed"])
        )
        gate = gate.with_check("two-criteria", CriteriaMeasurable(minimum=2))
    if with_org:
        gate = gate.bound(ORG)
    candidate = package(artifacts=artifact_list, success_criteria=criteria_list, owner=owner)
    result = gate.evaluate(candidate)
    slow = tuple((name, run(candidate)) for name, run in gate._runners)
    assert result.passed == all(outcome.passed for _, outcome in slow)
    assert result.outcomes == slow
    assert result == GateResult(gate.name, slow)


@settings(max_examples=100)
@given(
    st.lists(
        st.tuples(
            st.lists(artifacts, max_size=4),
            st.lists(criteria, max_size=3),
            st.sampled_from([None, "ae-1"]),
        ),
        max_size=8,
    ),
    st.booleans(),
)
def test_evaluate_many_is_evaluate_on_each(specs, custom):
    """Bulk evaluation gives each package's own result, in order, fused or not."""
    gate = QualityGate.minimum_viable()
    if custom:  # a callable check: no one-pass shortcut
        gate = gate.with_check("named", lambda p: CheckOutcome.ok())
    packages = [package(artifacts=a, success_criteria=c, owner=o) for a, c, o in specs]
    results = gate.evaluate_many(iter(packages))
    assert results == [gate.evaluate(p) for p in packages]
    assert [r.passed for r in results] == [not r.failures for r in results]


def lose_the_next_race(desk: HandoffDesk, other_move: Callable[[], object]) -> None:
    """Land ``other_move`` just before ``desk``'s next append, as a faster replica would."""
    # The desk appends with append_returning where the store has it.
    name = "append_returning" if hasattr(desk.store, "append_returning") else "append"
    append = getattr(desk.store, name)

    def append_after_the_other(*args: Any, **kwargs: Any) -> object:
        setattr(desk.store, name, append)
        other_move()
        return append(*args, **kwargs)

    setattr(desk.store, name, append_after_the_other)


class TestSharedStore:
    """Two desks (replicas of one service) on one SQLite file."""

    @staticmethod
    def pair(tmp_path: Path) -> tuple[HandoffDesk, HandoffDesk]:
        path = tmp_path / "handoffs.db"
        first = HandoffDesk(ORG, store=SQLiteStore(path))
        first.receive(won())
        return first, HandoffDesk(ORG, store=SQLiteStore(path))

    def test_each_desk_sees_the_other_s_moves(self, tmp_path: Path):
        """A move starts from the latest state in the store, whoever wrote it."""
        first, second = self.pair(tmp_path)
        first.submit("D-1", package(customer="From first"), "ae-1", T0 + HOUR)
        first_flag = first.flag("D-1", "onb-1", "Scope unclear", "scope", T0 + 2 * HOUR)
        second_flag = second.flag("D-1", "onb-1", "SOW unsigned", "sow", T0 + 2 * HOUR)
        assert second_flag != first_flag
        first.replay()
        assert [f.reason for f in first.get("D-1").flags] == ["Scope unclear", "SOW unsigned"]

    def test_a_desk_that_loses_a_race_is_refused_and_catches_up(self, tmp_path: Path):
        """The same move from two desks at once is two writes: the later one fails."""
        first, second = self.pair(tmp_path)
        first.submit("D-1", package(), "ae-1", T0 + HOUR)
        lose_the_next_race(
            second, lambda: first.flag("D-1", "onb-1", "Scope unclear", "scope", T0 + 2 * HOUR)
        )
        with pytest.raises(ConcurrencyError):
            second.flag("D-1", "onb-1", "SOW unsigned", "sow", T0 + 2 * HOUR)
        # Nothing was lost or overwritten, and the refusal brought the desk up to date.
        assert [f.reason for f in second.get("D-1").flags] == ["Scope unclear"]
        assert second.flag("D-1", "onb-1", "SOW unsigned", "sow", T0 + 3 * HOUR) == "D-1-flag-2"

    def test_crm_events_retry_on_their_own(self, tmp_path: Path):
        """A webhook that reaches a stale desk is still applied, once."""
        first, second = self.pair(tmp_path)
        first.submit("D-1", package(), "ae-1", T0 + HOUR)
        lost = DealEvent("e2", "D-1", "Closed-Lost", T0 + 2 * HOUR)
        assert second.receive(lost).state is HandoffState.WITHDRAWN  # type: ignore[union-attr]
        assert first.receive(lost).state is HandoffState.WITHDRAWN  # type: ignore[union-attr]
        assert first.get("D-1") == second.get("D-1")

    def test_crm_events_give_up_after_three_lost_races(self, tmp_path: Path):
        """A desk that loses every race retries a webhook three times, then says so."""
        first, second = self.pair(tmp_path)
        append = second.store.append_returning
        owners = iter(["ae-2", "ae-1", "ae-2", "ae-1"])
        attempts = []

        def append_after_the_other(*args: Any, **kwargs: Any) -> object:
            attempts.append(kwargs["expected_version"])
            first.reassign("D-1", next(owners), "vp-sales", T0 + HOUR)
            return append(*args, **kwargs)

        second.store.append_returning = append_after_the_other  # type: ignore[method-assign]
        with pytest.raises(ConcurrencyError):
            second.receive(DealEvent("e2", "D-1", "Closed-Lost", T0 + 2 * HOUR))
        assert attempts == [1, 2, 3]  # each after catching up with the store
        second.store.append_returning = append  # type: ignore[method-assign]
        assert second.receive(DealEvent("e2", "D-1", "Closed-Lost", T0 + 2 * HOUR)) is not None
        assert second.get("D-1").state is HandoffState.WITHDRAWN

    def test_a_desk_finds_handoffs_another_opened(self, tmp_path: Path):
        """get() looks in the store for a deal this desk has not seen."""
        first, second = self.pair(tmp_path)
        first.receive(won(deal="D-2", event_id="e2"))
        assert second.get("D-2").state is HandoffState.OPEN
        with pytest.raises(UnknownNameError):
            second.get("D-3")


def decision(event_id: str) -> NewEvent:
    """An event of another lifecycle, as a decision log would write it."""
    return NewEvent(event_id, "decided", "cfo", T0, {"outcome": "approved"})


class TestStoreChangedBehindTheDesksBack:
    """A replay that meets data no desk wrote says which event, never a bare traceback."""

    OPENED: Final = {"occurred_at": "2026-11-23T09:00:00+00:00", "stage": "Closed-Won"}

    @pytest.mark.parametrize(
        ("stream", "kind", "data"),
        [
            ("D-2", "deal_stage", {**OPENED, "occurred_at": "x"}),
            ("D-2", "deal_stage", {**OPENED, "occurred_at": -1}),
            ("D-2", "deal_stage", {**OPENED, "occurred_at": "2026-11-23T09:00:00"}),
            ("D-2", "deal_stage", {"occurred_at": OPENED["occurred_at"]}),
            ("D-2", "deal_stage", {**OPENED, "stage": 3}),
            ("D-2", "deal_stage", {**OPENED, "owner": {"id": "ae-1"}}),
            ("D-1", "reassigned", {"owner": ["ae-2"]}),
            ("D-1", "flagged", {"flag_id": "f1", "reason": None, "category": "scope"}),
            ("D-1", "submitted", {"package": "not a package"}),
        ],
    )
    def test_odd_event_data_is_named(self, stream: str, kind: str, data: dict[str, Any]):
        store = MemoryStore()
        HandoffDesk(ORG, store=store).receive(won())
        version = store.version(stream)
        odd = NewEvent("odd-1", kind, "ae-1", T0 + HOUR, data)
        store.append(stream, [odd], expected_version=version)
        position = len(store.read_all())
        with pytest.raises(TransitionError) as info:
            HandoffDesk(ORG, store=store)
        message = str(info.value)
        assert f"Event 'odd-1' ('{kind}', stream '{stream}', position {position})" in message
        assert "changed behind the store's back" in message


class TestStoreSharedWithOtherLifecycles:
    """One SQLite file holds handoffs and other kinds of events (a decision log's)."""

    def test_a_desk_replays_its_own_category_only(self, tmp_path: Path):
        """Decision events between the handoff events change no handoff, live or replayed."""
        path = tmp_path / "shared.db"
        desk = HandoffDesk(ORG, store=SQLiteStore(path))
        decisions = SQLiteStore(path)
        decisions.append("DEC-1", [decision("d1")], expected_version=0, category="decision")
        desk.receive(won())
        decisions.append("DEC-1", [decision("d2")], expected_version=1, category="decision")
        desk.submit("D-1", package(), "ae-1", T0 + HOUR)
        decisions.append("DEC-2", [decision("d3")], expected_version=0, category="decision")
        desk.receive(won(deal="D-2", event_id="e2"))
        live = desk.handoffs()
        replayed = HandoffDesk(ORG, store=SQLiteStore(path))
        assert replayed.handoffs() == live
        assert [h.deal_id for h in live] == ["D-1", "D-2"]
        assert [h.version for h in live] == [2, 1]
        assert replayed.metrics().opened == 2
        assert replayed.accept("D-1", "onb-1", T0 + 2 * HOUR).state is HandoffState.ACCEPTED
        assert [e.category for e in decisions.read_all()].count("decision") == 3
        with pytest.raises(UnknownNameError, match="Unknown deal 'DEC-1'"):
            replayed.get("DEC-1")

    def test_a_deal_cannot_take_a_stream_of_another_lifecycle(self, tmp_path: Path):
        """A deal id that names another category's stream is refused, and that stream kept."""
        store = SQLiteStore(tmp_path / "shared.db")
        store.append("D-1", [decision("d1")], expected_version=0, category="decision")
        desk = HandoffDesk(ORG, store=store)
        with pytest.raises(SpecError, match="Stream 'D-1' holds 'decision' events, not 'handoff'"):
            desk.receive(won())
        with pytest.raises(UnknownNameError):
            desk.get("D-1")
        assert [e.event_id for e in store.read("D-1")] == ["d1"]

    def test_an_unknown_kind_of_handoff_event_is_refused(self, tmp_path: Path):
        """A handoff event this version does not know (a newer one wrote it) is not guessed at."""
        store = SQLiteStore(tmp_path / "handoffs.db")
        HandoffDesk(ORG, store=store).receive(won())
        store.append("D-1", [NewEvent("x1", "escalated", "ops", T0)], expected_version=1)
        with pytest.raises(TransitionError, match="Unknown event kind 'escalated' in stream 'D-1'"):
            HandoffDesk(ORG, store=store)

    def test_a_file_from_before_categories_replays_unchanged(self, tmp_path: Path):
        """A desk's file in the previous format is migrated on open, and replays as it was."""
        path = tmp_path / "handoffs.db"
        with SQLiteStore(path) as store:
            desk = HandoffDesk(ORG, store=store)
            desk.receive(won())
            desk.submit("D-1", package(), "ae-1", T0 + HOUR)
            desk.flag("D-1", "onb-1", "Scope unclear", "scope", T0 + 2 * HOUR)
            desk.receive(won(deal="D-2", event_id="e2"))
            before = desk.handoffs()
        db = sqlite3.connect(path)  # back to the previous format (1)
        db.execute("ALTER TABLE events DROP COLUMN category")
        db.execute("PRAGMA user_version = 1")
        db.commit()
        db.close()
        with SQLiteStore(path, read_only=True) as old:
            assert HandoffDesk(ORG, store=old).handoffs() == before
        with SQLiteStore(path) as migrated:
            assert HandoffDesk(ORG, store=migrated).handoffs() == before
            assert {e.category for e in migrated.read_all()} == {"handoff"}


class TestImmutability:
    def test_a_package_cannot_be_changed_after_the_gate_saw_it(self):
        """fields is read-only, deeply; the desk's package is what was stored."""
        gate = QualityGate.minimum_viable().with_check(
            "account", FieldPresent(field="crm_account_id")
        )
        desk = HandoffDesk(ORG, gate=gate)
        desk.receive(won())
        desk.submit("D-1", package(fields={"tags": ["a"]}), "ae-1", T0 + HOUR)
        stored = desk.get("D-1").package
        assert stored is not None
        with pytest.raises(TypeError):
            stored.fields["crm_account_id"] = "ACC-1"  # type: ignore[index]
        with pytest.raises(AttributeError):
            stored.fields["tags"].append("b")
        with pytest.raises(GateBlocked):
            desk.accept("D-1", "onb-1", T0 + 2 * HOUR)

    def test_fields_round_trip_as_plain_json(self):
        """Frozen inside, plain JSON outside: dumps, hashing, copies and equality agree."""
        original = package(fields={"plan": {"seats": [10, 20]}, "region": "EU"})
        dumped = original.model_dump(mode="json")
        assert dumped["fields"] == {"plan": {"seats": [10, 20]}, "region": "EU"}
        again = HandoffPackage.model_validate(dumped)
        assert again == original
        assert hash(again) == hash(original)
        assert original.model_copy(update={"customer": "Initech"}).fields == original.fields

    @pytest.mark.parametrize("fields", [{"when": dt.date(2026, 1, 1)}, {"x": object()}, "abc"])
    def test_fields_must_be_json(self, fields: object):
        """Anything that cannot be stored as JSON is refused up front."""
        with pytest.raises(SpecError, match="fields"):
            package(fields=fields)

    def test_reads_from_a_memory_store_are_copies(self):
        """Changing an event a read returned never changes the store."""
        desk = HandoffDesk(ORG)
        desk.receive(won())
        desk.store.read("D-1")[0].data["stage"] = "Closed-Lost"  # type: ignore[index]
        desk.replay()
        assert desk.get("D-1").state is HandoffState.OPEN


class TestOrderAndInput:
    def test_an_older_loss_before_the_handoff_keeps_it_closed(self):
        """Closed-Lost (newer) then Closed-Won (older, late): nothing opens, live or replayed."""
        desk = HandoffDesk(ORG)
        assert desk.receive(DealEvent("lost", "D-1", "Closed-Lost", T0 + HOUR)) is None
        assert desk.receive(won(at=T0)) is None
        desk.replay()
        assert desk.handoffs() == ()
        assert desk.receive(won(event_id="again", at=T0 + 2 * HOUR)) is not None

    def test_moves_are_not_dated_before_the_last_event(self):
        """Time to accept can never come out negative."""
        desk = HandoffDesk(ORG)
        desk.receive(won())
        desk.submit("D-1", package(), "ae-1", T0 + HOUR)
        with pytest.raises(SpecError, match="before the handoff's latest event"):
            desk.accept("D-1", "onb-1", T0)
        assert desk.accept("D-1", "onb-1", T0 + HOUR).accepted_at == T0 + HOUR

    @pytest.mark.parametrize(("change", "field"), FOREIGN_PACKAGES)
    def test_the_package_must_belong_to_the_handoff(self, change: dict[str, str], field: str):
        """Deal, functions and owner must match the handoff it is submitted to."""
        desk = HandoffDesk(ORG)
        desk.receive(won())
        with pytest.raises(SpecError) as info:
            desk.submit("D-1", package(**change), "ae-1", T0 + HOUR)
        assert info.value.problems[0].location.path == ("package", field)
        assert desk.get("D-1").state is HandoffState.OPEN

    def test_an_unowned_handoff_takes_the_package_owner(self):
        """The person the gate checked is the person measured."""
        desk = HandoffDesk(ORG)
        desk.receive(won(owner=None))
        desk.submit("D-1", package(owner="ae-2"), "ae-2", T0 + HOUR)
        assert desk.get("D-1").owner == "ae-2"
        assert desk.metrics(owner="ae-2").opened == 1

    def test_checks_run_state_then_actor_then_arguments(self):
        """Whoever asks, an illegal move is a TransitionError; then PermissionDenied."""
        desk = accepted_desk()
        with pytest.raises(TransitionError):
            desk.reassign("D-1", "ghost", "ae-1", T0 + 3 * HOUR)
        fresh = HandoffDesk(ORG)
        fresh.receive(won())
        fresh.submit("D-1", package(), "ae-1", T0 + HOUR)
        fresh.flag("D-1", "onb-1", "Scope unclear", "scope", T0 + HOUR)
        with pytest.raises(PermissionDenied):
            fresh.resolve("D-1", "no-such-flag", "ae-1", T0 + HOUR)
        with pytest.raises(PermissionDenied):
            fresh.flag("D-1", "ae-1", "", "scope", T0 + HOUR)
        with pytest.raises(SpecError, match="needs a category"):
            fresh.flag("D-1", "onb-1", "Data missing", " ", T0 + HOUR)

    def test_flagged_handoff_offers_no_resubmission_while_flags_are_open(self):
        """allowed_moves() tells the truth."""
        desk = HandoffDesk(ORG)
        desk.receive(won())
        desk.submit("D-1", package(), "ae-1", T0 + HOUR)
        flag_id = desk.flag("D-1", "onb-1", "Scope unclear", "scope", T0 + HOUR)
        assert "submit" not in desk.get("D-1").allowed_moves()
        assert "submit" in desk.resolve("D-1", flag_id, "onb-1", T0 + HOUR).allowed_moves()

    def test_the_owner_is_never_from_the_receiving_side(self, caplog: pytest.LogCaptureFixture):
        """Reassigning to Operations is refused; a rule naming them leaves no owner."""
        desk = HandoffDesk(ORG)
        desk.receive(won())
        with pytest.raises(SpecError, match="in Operations"):
            desk.reassign("D-1", "onb-1", "ae-1", T0)
        ruled = HandoffDesk(ORG, owner_rule=lambda event, org: "onb-1")
        assert ruled.receive(won()).owner is None  # type: ignore[union-attr]
        ghost = HandoffDesk(ORG, owner_rule=lambda event, org: "ghost")
        assert ghost.receive(won()).owner is None  # type: ignore[union-attr]
        assert "ghost" in caplog.text

    def test_a_failing_notifier_does_not_undo_or_repeat_a_move(
        self, caplog: pytest.LogCaptureFixture
    ):
        """The move is committed once; the failure is logged."""

        class Broken:
            def notify(self, handoff: Handoff, what: str) -> None:
                raise RuntimeError("mail server down")

        desk = HandoffDesk(ORG, notifier=Broken())
        desk.receive(won())
        desk.submit("D-1", package(), "ae-1", T0 + HOUR)
        assert desk.flag("D-1", "onb-1", "Scope unclear", "scope", T0 + HOUR) == "D-1-flag-1"
        assert len(desk.get("D-1").flags) == 1
        assert "mail server down" in caplog.text

    @pytest.mark.parametrize(
        ("call", "match"),
        [
            (lambda d: d.submit("D-1", {"deal_id": "D-1"}, "ae-1", T0), "HandoffPackage"),
            (lambda d: d.submit("D-1", package(), "ae-1", "2026-11-23"), "timezone-aware"),
            (lambda d: d.receive({"deal": "D-1"}), "DealEvent"),
        ],
    )
    def test_wrong_types_get_spec_errors(self, call, match: str):
        """Never an AttributeError from inside the desk."""
        desk = HandoffDesk(ORG)
        desk.receive(won())
        with pytest.raises(SpecError, match=match):
            call(desk)

    def test_desk_settings_are_checked(self):
        """Unknown functions and a gate that is not a gate are refused at once."""
        with pytest.raises(UnknownNameError, match="did you mean 'Sales'"):
            HandoffDesk(ORG, sending="Salez")
        with pytest.raises(SpecError, match="QualityGate"):
            HandoffDesk(ORG, gate="minimum_viable")  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"stage": None}, "stage"),
            ({"stage": "  "}, "stage"),
            ({"occurred_at": "2026-11-23T09:00:00Z"}, "occurred_at"),
            ({"deal_id": ""}, "deal_id"),
            ({"payload": ["x"]}, "payload"),
        ],
    )
    def test_deal_event_fields(self, kwargs: dict[str, object], field: str):
        """A DealEvent built by hand is checked like one read from a CRM."""
        values: dict[str, object] = {
            "event_id": "e1",
            "deal_id": "D-1",
            "stage": "Closed-Won",
            "occurred_at": T0,
            "payload": {},
        }
        values.update(kwargs)
        with pytest.raises(SpecError) as info:
            DealEvent(**values)  # type: ignore[arg-type]
        assert info.value.problems[0].location.path == (field,)


class TestCheckDetails:
    def test_blank_and_empty_fields_are_missing(self):
        """field_present: blank text, [] and {} are not values."""
        check = FieldPresent(field="id")
        for value in ["  ", [], {}]:
            assert not check(package(fields={"id": value})).passed
        assert check(package(fields={"id": 0})).passed

    def test_custom_checks_may_return_bools(self):
        """True passes, False fails under the check's name; anything else is a TypeError."""
        gate = QualityGate("g").with_check("yes", lambda p: True).with_check("no", lambda p: False)
        assert [f.check for f in gate.evaluate(package()).failures] == ["no"]
        broken = QualityGate("g").with_check("none", lambda p: None)  # type: ignore[arg-type, return-value]
        with pytest.raises(TypeError, match="'none' returned NoneType"):
            broken.evaluate(package())

    def test_signed_but_not_by_the_right_party(self):
        """The reason says who did sign, and when."""
        outcome = ArtifactSigned(kind="sow", by="Globex CEO")(package())
        assert "signed (by Globex CFO at 2026-11-23T09:00:00+00:00), but not by Globex CEO" in (
            outcome.reason
        )

    def test_criteria_targets(self):
        """Targets are finite; blank text is no target; text is trimmed."""
        with pytest.raises(SpecError, match="finite"):
            SuccessCriterion("Uptime", "uptime", float("nan"))
        assert not SuccessCriterion("Uptime", "uptime", "  ").measurable
        assert SuccessCriterion("Uptime", "uptime", " 99.9% ").target == "99.9%"

    @pytest.mark.parametrize(
        ("check", "path", "message"),
        [
            (
                {"check": "field_present", "field": "x", "pattern": "A-[0-9"},
                ("pattern",),
                "regular",
            ),
            (
                {"check": "artifact_present", "kind": "sow", "statuses": []},
                ("statuses",),
                "at least one item",
            ),
            ({"kind": "sow"}, (), "Missing required key 'check'"),
            ({"name": "owner", "check": "owner_assigned"}, ("name",), "two checks named `owner`"),
        ],
    )
    def test_bad_checks_in_the_file(
        self, check: dict[str, object], path: tuple[str, ...], message: str
    ):
        """Each is an error placed at the check, before any desk is built."""
        with pytest.raises(SpecError, match=message) as info:
            HandoffsSection.model_validate(
                {"gates": [{"name": "g", "preset": "minimum_viable", "checks": [check]}]}
            )
        assert info.value.problems[0].location.path[:4] == ("gates", 0, "checks", 0)
        assert info.value.problems[0].location.path[4:] == path


class TestCrmPayloadTypes:
    HUBSPOT: Final = {
        "eventId": 1,
        "objectId": 1001,
        "propertyName": "dealstage",
        "propertyValue": "closedwon",
        "occurredAt": 1795424400000,
    }

    @pytest.mark.parametrize(
        ("key", "value"),
        [
            ("objectId", [1, 2]),
            ("objectId", {}),
            ("objectId", True),
            ("propertyValue", ["closedwon"]),
            ("propertyValue", "  "),
            ("occurredAt", True),
            ("occurredAt", [1]),
        ],
    )
    def test_hubspot_wrong_types_are_refused(self, key: str, value: object):
        """A value of the wrong type is named, never turned into text."""
        with pytest.raises(SpecError) as info:
            DealEvent.from_hubspot({**self.HUBSPOT, key: value})
        assert info.value.problems[0].location.path == (key,)

    def test_hubspot_body_is_a_list(self):
        """The whole webhook body: stage changes read, other properties skipped."""
        other = {**self.HUBSPOT, "eventId": 2, "propertyName": "amount"}
        second = {**self.HUBSPOT, "eventId": 3, "objectId": 1002}
        events = DealEvent.all_from_hubspot([self.HUBSPOT, other, second])
        assert [(e.event_id, e.deal_id) for e in events] == [("1", "1001"), ("3", "1002")]
        with pytest.raises(SpecError, match="list of events: read each one"):
            DealEvent.from_hubspot([self.HUBSPOT])  # type: ignore[arg-type]
        with pytest.raises(SpecError) as info:
            DealEvent.all_from_hubspot([self.HUBSPOT, {**self.HUBSPOT, "objectId": None}])
        assert info.value.problems[0].location.path == (1, "objectId")

    @staticmethod
    def salesforce(**header: object) -> dict[str, object]:
        base: dict[str, object] = {
            "entityName": "Opportunity",
            "recordIds": ["006A"],
            "changeType": "UPDATE",
            "commitTimestamp": 1795424400000,
            "transactionKey": "tk-1",
            "sequenceNumber": 1,
        }
        base.update(header)
        return {"ChangeEventHeader": base, "StageName": "Closed Won"}

    def test_salesforce_several_records(self):
        """One change event may name several Opportunities: each becomes an event."""
        payload = self.salesforce(recordIds=["006A", "006B"])
        events = DealEvent.all_from_salesforce(payload)
        assert [(e.event_id, e.deal_id) for e in events] == [
            ("tk-1:1:006A", "006A"),
            ("tk-1:1:006B", "006B"),
        ]
        with pytest.raises(SpecError, match="all_from_salesforce"):
            DealEvent.from_salesforce(payload)
        assert DealEvent.from_salesforce(self.salesforce()).event_id == "tk-1:1"

    @pytest.mark.parametrize(
        ("header", "key"),
        [
            ({"recordIds": [None]}, "recordIds"),
            ({"recordIds": [""]}, "recordIds"),
            ({"sequenceNumber": None}, "sequenceNumber"),
            ({"sequenceNumber": "first"}, "sequenceNumber"),
            ({"transactionKey": 7.5}, "transactionKey"),
        ],
    )
    def test_salesforce_header_types(self, header: dict[str, object], key: str):
        """Header problems are placed under ChangeEventHeader."""
        with pytest.raises(SpecError) as info:
            DealEvent.from_salesforce(self.salesforce(**header))
        assert info.value.problems[0].location.path == ("ChangeEventHeader", key)

    def test_salesforce_stage_must_be_text(self):
        """StageName of another type is named."""
        payload = {**self.salesforce(), "StageName": {"value": "Closed Won"}}
        with pytest.raises(SpecError) as info:
            DealEvent.from_salesforce(payload)
        assert info.value.problems[0].location.path == ("StageName",)


def test_flags_before_a_reopening_still_count():
    """A deal lost and won again keeps its flag in the flag rate."""
    desk = HandoffDesk(ORG)
    desk.receive(won())
    desk.submit("D-1", package(), "ae-1", T0 + HOUR)
    desk.flag("D-1", "onb-1", "Scope unclear", "scope", T0 + HOUR)
    desk.receive(DealEvent("lost", "D-1", "Closed-Lost", T0 + 2 * HOUR))
    reopened = desk.receive(won(event_id="won-again", at=T0 + 3 * HOUR))
    assert reopened is not None
    assert reopened.state is HandoffState.OPEN
    assert desk.metrics().flag_rate == 1.0


class TestOpenFlagsOwnersAndCrmIds:
    def test_no_acceptance_with_a_flag_raised_by_another_desk_meanwhile(self, tmp_path: Path):
        """The open-flag check and the write are based on the same read of the deal."""
        first, second = TestSharedStore.pair(tmp_path)
        first.submit("D-1", package(), "ae-1", T0 + HOUR)
        flag_id = first.flag("D-1", "onb-1", "Scope unclear", "scope", T0 + HOUR)
        first.resolve("D-1", flag_id, "onb-1", T0 + HOUR)
        lose_the_next_race(
            first, lambda: second.flag("D-1", "onb-1", "SOW unsigned", "sow", T0 + 2 * HOUR)
        )
        with pytest.raises(ConcurrencyError):
            first.submit("D-1", package(), "ae-1", T0 + 2 * HOUR)
        with pytest.raises(TransitionError, match="while red flags are open"):
            first.submit("D-1", package(), "ae-1", T0 + 3 * HOUR)
        assert first.get("D-1").state is HandoffState.FLAGGED

    @pytest.mark.parametrize(
        ("owner", "message"),
        [("onb-1", "in Operations"), ("ghost", "not in the org")],
    )
    def test_a_package_cannot_bring_in_any_owner(self, owner: str, message: str):
        """Unowned handoffs take the package's owner only if it could be an owner."""
        desk = HandoffDesk(ORG)
        desk.receive(won(owner=None))
        with pytest.raises(SpecError, match=message):
            desk.submit("D-1", package(owner=owner), "ae-1", T0 + HOUR)

    def test_an_owned_handoff_needs_its_owner_in_the_package(self):
        """The package names the handoff's owner: no gate failure for a known owner."""
        desk = HandoffDesk(ORG)
        desk.receive(won())
        with pytest.raises(SpecError, match="handoff's owner is 'ae-1'"):
            desk.submit("D-1", package(owner=None), "ae-1", T0 + HOUR)

    def test_crm_event_ids_are_unique_per_deal(self):
        """Two deals' webhooks with one eventId (HubSpot allows it) both count."""
        desk = HandoffDesk(ORG)
        desk.receive(won(deal="1001", event_id="77"))
        assert desk.receive(won(deal="2002", event_id="77", at=T0 + HOUR)) is not None
        assert desk.receive(won(deal="2002", event_id="77", at=T0 + HOUR)).version == 1  # type: ignore[union-attr]

    def test_reopening_keeps_the_owner_and_numbers_flags_on(self):
        """A deal won again is the same deal: same owner, flag ids never repeat."""
        desk = HandoffDesk(ORG)
        desk.receive(won())
        desk.reassign("D-1", "ae-2", "vp-sales", T0)
        desk.submit("D-1", package(owner="ae-2"), "ae-2", T0 + HOUR)
        first = desk.flag("D-1", "onb-1", "Scope unclear", "scope", T0 + HOUR)
        desk.receive(DealEvent("lost", "D-1", "Closed-Lost", T0 + 2 * HOUR))
        reopened = desk.receive(won(event_id="again", at=T0 + 3 * HOUR, owner=None))
        assert reopened is not None
        assert reopened.owner == "ae-2"
        desk.submit("D-1", package(owner="ae-2"), "ae-2", T0 + 4 * HOUR)
        assert desk.flag("D-1", "onb-1", "Still unclear", "scope", T0 + 4 * HOUR) != first

    def test_handoffs_stay_in_opening_order_across_desks(self, tmp_path: Path):
        """A handoff another desk opened takes its place in the order, as on replay."""
        first, second = TestSharedStore.pair(tmp_path)
        first.receive(won(deal="D-2", event_id="e2", at=T0 + HOUR))
        second.receive(won(deal="D-3", event_id="e3", at=T0 + 2 * HOUR))
        second.get("D-2")
        fresh = HandoffDesk(ORG, store=SQLiteStore(tmp_path / "handoffs.db"))
        order = [h.deal_id for h in fresh.handoffs()]
        assert order == ["D-1", "D-2", "D-3"]
        assert [h.deal_id for h in second.handoffs()] == order

    def test_salesforce_changes_that_are_not_stage_changes(self):
        """Amount changes, deletes and gaps give no deal events; from_salesforce says why."""
        amount = TestCrmPayloadTypes.salesforce()
        del amount["StageName"]
        deleted = TestCrmPayloadTypes.salesforce(changeType="DELETE")
        gap = TestCrmPayloadTypes.salesforce(changeType="GAP_UPDATE")
        for payload in (amount, deleted, gap):
            assert DealEvent.all_from_salesforce(payload) == []
        with pytest.raises(SpecError, match="not a stage change"):
            DealEvent.from_salesforce(amount)

    def test_salesforce_cometd_message_and_text_sequence(self):
        """A CometD message wraps the event in data; a numeric text sequence is a number."""
        payload = TestCrmPayloadTypes.salesforce(sequenceNumber="3")
        message = {"channel": "/data/OpportunityChangeEvent", "data": {"payload": payload}}
        assert DealEvent.from_salesforce(message).event_id == "tk-1:3"

    def test_fields_numbers_are_finite(self):
        """NaN cannot be stored as JSON, so it is refused."""
        with pytest.raises(SpecError, match="not a JSON number"):
            package(fields={"score": float("nan")})


def test_metrics_while_webhooks_arrive_on_other_threads():
    """Reading metrics never trips over handoffs being opened at the same time."""
    import threading

    desk = HandoffDesk(ORG)
    errors: list[BaseException] = []
    done = threading.Event()

    def feed(offset: int) -> None:
        for n in range(400):
            desk.receive(won(deal=f"D-{offset}-{n}", event_id=f"{offset}-{n}"))

    def read() -> None:
        while not done.is_set():
            try:
                desk.metrics()
                desk.metrics_by_owner()
            except BaseException as error:  # noqa: BLE001 - any failure is the finding
                errors.append(error)
                return

    feeders = [threading.Thread(target=feed, args=(i,)) for i in range(2)]
    reader = threading.Thread(target=read)
    reader.start()
    for thread in feeders:
        thread.start()
    for thread in feeders:
        thread.join()
    done.set()
    reader.join()
    assert errors == []
    assert desk.metrics().opened == 800


def test_unknown_key_in_a_check_is_matched_against_that_check():
    """A typo in a field_present check suggests field_present's own key."""
    with pytest.raises(SpecError, match="did you mean 'pattern'") as info:
        HandoffsSection.model_validate(
            {
                "gates": [
                    {
                        "name": "g",
                        "checks": [{"check": "field_present", "field": "x", "patern": "A"}],
                    }
                ]
            }
        )
    assert info.value.problems[0].location.path == ("gates", 0, "checks", 0, "patern")


# -- CRM numbers, ids and times: only SpecError ---------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(
        ["²", "\u0661\u0662", "1_000", " 7 ", "-1", "dealstage", "Opportunity", "closedwon"]
    )
    | st.integers(4300, 4400).map(lambda digits: 10**digits),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=15,
)


@st.composite
def hubspot_events(draw: st.DrawFn) -> object:
    """A HubSpot stage change with any of its fields replaced by any JSON value."""
    event: dict[str, object] = dict(TestCrmPayloadTypes.HUBSPOT)
    for key in draw(st.lists(st.sampled_from(sorted(event)), unique=True)):
        event[key] = draw(json_values)
    return event


@st.composite
def salesforce_events(draw: st.DrawFn) -> object:
    """A Salesforce change event with any header field or the stage replaced by any JSON."""
    payload = TestCrmPayloadTypes.salesforce()
    header = payload["ChangeEventHeader"]
    assert isinstance(header, dict)
    for key in draw(st.lists(st.sampled_from(sorted(header)), unique=True)):
        header[key] = draw(json_values | st.lists(json_values, max_size=3))
    if draw(st.booleans()):
        payload["StageName"] = draw(json_values)
    wrap = draw(st.sampled_from(["bare", "event", "cometd"]))
    if wrap == "event":
        return {"payload": payload}
    if wrap == "cometd":
        return {"channel": "/data/OpportunityChangeEvent", "data": {"payload": payload}}
    return payload


HUGE = 10**5000


def case_id(value: object) -> str:
    """A short test id for any parameter (pytest's own fails on a huge number)."""
    text = value if isinstance(value, str) else type(value).__name__
    return text if len(text) <= 20 and text.isprintable() else f"{type(value).__name__}-long"


class TestCrmNumbersAndIds:
    @pytest.mark.parametrize(
        ("key", "value"),
        [
            ("eventId", HUGE),
            ("eventId", "x" * 256),
            ("eventId", "1\x002"),
            ("eventId", "é"),
            ("eventId", -1),
            ("objectId", "\u0661\u0662\u0663"),
            ("objectId", 10**25),
            ("occurredAt", "²"),
            ("occurredAt", "\u0661\u0667\u0669\u0665"),
            ("occurredAt", "1_795_424_400_000"),
            ("occurredAt", HUGE),
            ("occurredAt", "9" * 5000),
            ("occurredAt", float("inf")),
            ("occurredAt", -1),
            ("occurredAt", 10**19),
            ("propertyValue", HUGE),
        ],
        ids=case_id,
    )
    def test_hubspot_numbers_and_ids_are_checked(self, key: str, value: object):
        """Digits beyond ASCII, huge numbers and odd text are SpecErrors at their field."""
        with pytest.raises(SpecError) as info:
            DealEvent.from_hubspot({**TestCrmPayloadTypes.HUBSPOT, key: value})
        assert info.value.problems[0].location.path == (key,)
        assert len(str(info.value)) < 300  # the value is shown cut short

    @pytest.mark.parametrize(
        ("key", "value"),
        [
            ("sequenceNumber", "²"),
            ("sequenceNumber", "\u0661\u0662"),
            ("sequenceNumber", HUGE),
            ("sequenceNumber", "9" * 5000),
            ("sequenceNumber", "+1"),
            ("sequenceNumber", "1_0"),
            ("sequenceNumber", -1),
            ("transactionKey", HUGE),
            ("transactionKey", "tk\n1"),
            ("commitTimestamp", "²"),
            ("commitTimestamp", HUGE),
            ("recordIds", ["006\x00A"]),
            ("recordIds", ["0065é"]),
            ("recordIds", ["x" * 256]),
        ],
        ids=case_id,
    )
    def test_salesforce_numbers_and_ids_are_checked(self, key: str, value: object):
        """The header's numbers and ids are checked the same way as HubSpot's."""
        with pytest.raises(SpecError) as info:
            DealEvent.from_salesforce(TestCrmPayloadTypes.salesforce(**{key: value}))
        assert info.value.problems[0].location.path == ("ChangeEventHeader", key)

    def test_numbers_as_text_and_padded_ids_still_read(self):
        """ASCII digits in text, with spaces around, are numbers; ids are trimmed."""
        hubspot = {**TestCrmPayloadTypes.HUBSPOT, "eventId": " 42 ", "occurredAt": "1795424400000"}
        event = DealEvent.from_hubspot(hubspot)
        assert (event.event_id, event.occurred_at) == (
            "42",
            dt.datetime.fromtimestamp(1795424400, tz=dt.UTC),
        )
        numbers = {**hubspot, "occurredAt": 1795424400000.0, "propertyValue": 1234567}
        event = DealEvent.from_hubspot(numbers)  # a custom pipeline's stage id, say
        assert (event.stage, event.occurred_at.year) == ("1234567", 2026)
        salesforce = TestCrmPayloadTypes.salesforce(sequenceNumber=" 12 ", recordIds=[" 006A "])
        assert DealEvent.from_salesforce(salesforce).event_id == "tk-1:12"
        assert DealEvent.from_salesforce(salesforce).deal_id == "006A"

    @settings(max_examples=300, deadline=None)
    @given(json_values | hubspot_events())
    def test_hubspot_readers_raise_only_spec_errors(self, payload: object):
        """Any JSON into from_hubspot and all_from_hubspot: events, or SpecError."""
        for read in (DealEvent.from_hubspot, lambda p: DealEvent.all_from_hubspot([p, p])):
            with contextlib.suppress(SpecError):
                read(payload)  # type: ignore[operator]
        with contextlib.suppress(SpecError):
            DealEvent.all_from_hubspot(payload)  # type: ignore[arg-type]

    @settings(max_examples=300, deadline=None)
    @given(json_values | salesforce_events())
    def test_salesforce_readers_raise_only_spec_errors(self, payload: object):
        """Any JSON into from_salesforce and all_from_salesforce: events, or SpecError."""
        for read in (DealEvent.from_salesforce, DealEvent.all_from_salesforce):
            try:
                found = read(payload)  # type: ignore[arg-type]
            except SpecError:
                continue
            for event in found if isinstance(found, list) else [found]:
                assert event.deal_id.isascii()
                assert event.deal_id.isprintable()


# -- patterns of field_present checks ----------------------------------------------------


def field_check(pattern: str) -> dict[str, object]:
    return {
        "gates": [
            {"name": "g", "checks": [{"check": "field_present", "field": "x", "pattern": pattern}]}
        ]
    }


class TestPatterns:
    @pytest.mark.parametrize(
        ("pattern", "message"),
        [
            ("a{4294967295}", "repetition number is too large"),
            ("(" * 3000 + ")" * 3000, "at most 1,000 characters, not 6,000"),
            ("(" * 499 + "a" + ")" * 499, "Not a valid regular expression .maximum recursion"),
            ("x" * 1001, "at most 1,000 characters, not 1,001"),
            ("(?P<a>x)(?P=\u0661)", "Not a valid regular expression"),
            ("A-[0-9", "Not a valid regular expression"),
        ],
        ids=case_id,
    )
    def test_bad_patterns_are_spec_errors_at_the_pattern(self, pattern: str, message: str):
        """A pattern Python cannot compile, or a too long one, is a SpecError at `pattern`."""
        with pytest.raises(SpecError, match=message) as info:
            HandoffsSection.model_validate(field_check(pattern))
        assert info.value.problems[0].location.path == ("gates", 0, "checks", 0, "pattern")
        with pytest.raises(SpecError, match=message) as direct:
            FieldPresent(field="x", pattern=pattern)
        assert direct.value.problems[0].location.path == ("pattern",)

    def test_the_longest_pattern_is_taken(self):
        """1,000 characters is the limit, not beyond it; no pattern at all is fine too."""
        check = FieldPresent(field="x", pattern="a" * 1000)
        assert check(package(fields={"x": "a" * 1000})).passed
        assert FieldPresent(field="x", pattern=None)(package(fields={"x": "b"})).passed

    def test_a_pattern_python_warns_about_is_taken_quietly(self):
        """`[[a]` compiles (with a FutureWarning from re); no warning escapes the check."""
        check = FieldPresent(field="x", pattern="[[a]")
        assert check(package(fields={"x": "["})).passed
        assert not check(package(fields={"x": "b"})).passed

    @settings(max_examples=300, deadline=None)
    @given(st.text(max_size=40))
    def test_any_text_is_a_pattern_or_a_spec_error(self, pattern: str):
        """Any text: a check that runs, or a SpecError at the pattern."""
        try:
            check = FieldPresent(field="x", pattern=pattern)
        except SpecError as error:
            assert error.problems[0].location.path == ("pattern",)
            return
        outcome = check(package(fields={"x": "D-1"}))
        assert outcome.passed == (re.fullmatch(pattern, "D-1") is not None)


# -- every public constructor: a value, or SpecError ---------------------------------------

anything = (
    json_values
    | st.datetimes(timezones=st.none() | st.just(dt.UTC))
    | st.dates()
    | st.binary(max_size=4)
    | st.builds(object)
    | st.sampled_from([float("nan"), "signed", "complete", "sow", T0])
)
# A check's kind is text here: pydantic reports a huge number as a union's tag through
# sys.unraisablehook, which pytest turns into a failure (the SpecError is still raised).
check_dicts = st.fixed_dictionaries(
    {
        "check": st.sampled_from(
            [
                "field_present",
                "artifact_present",
                "artifact_signed",
                "criteria_measurable",
                "owner_assigned",
            ]
        )
        | st.text(max_size=8)
    },
    optional=dict.fromkeys(
        ("kind", "field", "pattern", "name", "statuses", "by", "before", "minimum"), anything
    ),
)
artifact_dicts = st.fixed_dictionaries(
    {"kind": anything}, optional={"status": anything, "signed_by": anything, "signed_at": anything}
)


class TestConstructorsTakeAnyInput:
    @settings(max_examples=200, deadline=None)
    @given(st.lists(anything, min_size=1, max_size=6))
    def test_artifact(self, arguments: list[object]):
        """Artifact(...) with any values: an artifact, or SpecError."""
        with contextlib.suppress(SpecError):
            assert Artifact(*arguments).kind  # type: ignore[arg-type]

    @settings(max_examples=200, deadline=None)
    @given(st.lists(anything, min_size=1, max_size=4))
    def test_success_criterion(self, arguments: list[object]):
        """SuccessCriterion(...) with any values: a criterion, or SpecError."""
        with contextlib.suppress(SpecError):
            assert SuccessCriterion(*arguments).description  # type: ignore[arg-type]

    @settings(max_examples=200, deadline=None)
    @given(
        st.lists(anything, min_size=4, max_size=5),
        st.lists(anything | artifact_dicts, max_size=3) | anything,
        st.lists(anything | st.fixed_dictionaries({"description": anything}), max_size=2)
        | anything,
        anything,
    )
    def test_handoff_package(
        self, arguments: list[object], artifacts: object, criteria: object, fields: object
    ):
        """HandoffPackage(...) with any values: a package, or SpecError."""
        with contextlib.suppress(SpecError):
            made = HandoffPackage(
                *arguments, artifacts=artifacts, success_criteria=criteria, fields=fields
            )  # type: ignore[arg-type]
            assert hash(made) == hash(HandoffPackage.model_validate(made.model_dump()))

    def test_fields_nested_too_deeply(self):
        """Fields nested past 100 levels (or holding themselves) are refused, not a crash."""
        nested: list[object] = []
        inner = nested
        for _ in range(150):
            inner.append([])
            inner = inner[0]  # type: ignore[assignment]
        looped: dict[str, object] = {}
        looped["self"] = looped
        for fields in ({"deep": nested}, looped):
            with pytest.raises(SpecError, match="at most 100 levels deep") as info:
                package(fields=fields)
            assert info.value.problems[0].location.path == ("fields",)

    def test_a_time_that_holds_a_number_too_long_to_print_is_named(self):
        with pytest.raises(SpecError) as info:
            DealEvent("e1", "d1", "closed_won", [10**4300])  # type: ignore[arg-type]
        assert "a list holding a number too long to show" in str(info.value)

    @settings(max_examples=200, deadline=None)
    @given(st.lists(anything, min_size=4, max_size=5))
    def test_deal_event(self, arguments: list[object]):
        """DealEvent(...) with any values: an event, or SpecError naming a field."""
        try:
            made = DealEvent(*arguments)  # type: ignore[arg-type]
        except SpecError as error:
            assert error.problems[0].location.path[0] in {
                "event_id",
                "deal_id",
                "stage",
                "occurred_at",
                "payload",
            }
        else:
            assert made.occurred_at.tzinfo is not None

    @settings(max_examples=200, deadline=None)
    @given(
        st.fixed_dictionaries(
            {"name": anything, "checks": st.lists(check_dicts, max_size=3)},
            optional={"preset": anything, "drop": anything},
        )
    )
    def test_gate_specs(self, gate: dict[str, object]):
        """A gate with any checks, as an alignment file may hold: a section, or SpecError."""
        with contextlib.suppress(SpecError):
            HandoffsSection.model_validate({"gates": [gate]}).gate()
