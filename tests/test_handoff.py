"""alignkit.handoff: quality gates, the handoff lifecycle, CRM triggers, metrics."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import attrs
import pytest
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
from alignkit.store import SQLiteStore

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
        if move == "submit":
            with pytest.raises(TransitionError):  # the state is checked first
                call()
            return
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


class DeskMachine(RuleBasedStateMachine):
    """Random CRM and people events, with duplicates and reordering."""

    def __init__(self) -> None:
        super().__init__()
        self.store = SQLiteStore(":memory:")
        self.desk = HandoffDesk(ORG, store=self.store)
        self.clock = T0
        self.sent: list[DealEvent] = []
        self.accepted_ok: set[str] = set()

    def tick(self) -> dt.datetime:
        self.clock += dt.timedelta(minutes=5)
        return self.clock

    @rule(
        deal=st.sampled_from(["D-1", "D-2"]),
        stage=st.sampled_from(["Closed-Won", "Closed-Lost", "Negotiation"]),
    )
    def crm_event(self, deal: str, stage: str) -> None:
        event = DealEvent(f"c{len(self.sent)}", deal, stage, self.tick(), {"owner": "ae-1"})
        self.sent.append(event)
        self.desk.receive(event)

    @rule(data=st.data())
    def crm_replay(self, data: st.DataObject) -> None:
        if self.sent:
            self.desk.receive(data.draw(st.sampled_from(self.sent)))

    @rule(
        deal=st.sampled_from(["D-1", "D-2"]),
        move=st.sampled_from(
            ["submit", "submit_bad", "flag", "resolve", "accept", "activate", "churn", "withdraw"]
        ),
        actor=st.sampled_from(["ae-1", "onb-1", "cio"]),
    )
    def person(self, deal: str, move: str, actor: str) -> None:
        try:
            handoff = self.desk.get(deal)
        except UnknownNameError:
            return
        at = self.tick()
        try:
            if move == "submit":
                self.desk.submit(deal, package(deal_id=deal), actor, at)
            elif move == "submit_bad":
                self.desk.submit(deal, package(deal_id=deal, artifacts=[]), actor, at)
            elif move == "flag":
                self.desk.flag(deal, actor, "unclear", "scope", at)
            elif move == "resolve":
                if handoff.open_flags:
                    self.desk.resolve(deal, handoff.open_flags[0].flag_id, actor, at)
            elif move == "accept":
                before = self.desk.get(deal)
                after = self.desk.accept(deal, actor, at)
                assert before.package is not None
                assert QualityGate.minimum_viable().evaluate(before.package).passed
                assert not before.open_flags
                assert after.state is HandoffState.ACCEPTED
            elif move == "activate":
                self.desk.activate(deal, actor, at)
            elif move == "churn":
                self.desk.churn(deal, actor, at)
            else:
                self.desk.withdraw(deal, actor, at)
        except (TransitionError, PermissionDenied, GateBlocked, UnknownNameError):
            pass

    @invariant()
    def never_accepted_with_a_failing_gate_or_open_flag(self) -> None:
        for handoff in self.desk.handoffs():
            for i, event in enumerate(handoff.history):
                if event.kind == "accepted":
                    submitted = [e for e in handoff.history[:i] if e.kind == "submitted"]
                    assert submitted
                    last = HandoffPackage.model_validate(submitted[-1].data["package"])
                    assert QualityGate.minimum_viable().evaluate(last).passed
            if handoff.state in (
                HandoffState.ACCEPTED,
                HandoffState.ACTIVATED,
                HandoffState.CHURNED,
            ):
                assert not handoff.open_flags

    @invariant()
    def replay_equals_live(self) -> None:
        rebuilt = HandoffDesk(ORG, store=self.store)
        assert rebuilt.handoffs() == self.desk.handoffs()

    @invariant()
    def one_handoff_per_deal_and_states_are_legal(self) -> None:
        deals = [h.deal_id for h in self.desk.handoffs()]
        assert len(deals) == len(set(deals))
        for handoff in self.desk.handoffs():
            assert isinstance(handoff.state, HandoffState)


TestDeskMachine = DeskMachine.TestCase
TestDeskMachine.settings = settings(max_examples=40, stateful_step_count=30, deadline=None)


class TestSection:
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
