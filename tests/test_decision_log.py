"""alignkit.decision_log: decisions recorded as events, enforced by decision rights."""

from __future__ import annotations

import contextlib
import copy
import csv
import datetime as dt
import io
import pickle
import sqlite3
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import event as record_event
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from alignkit.alignment_file import load
from alignkit.decision_log import (
    CATEGORY,
    CSV_COLUMNS,
    ERASED,
    IMPORTED_COLUMNS,
    MOVES,
    UNAVAILABLE,
    ChainHead,
    Consultation,
    DecisionBlocked,
    DecisionLog,
    DecisionRecord,
    DecisionState,
    LatencyStats,
    MemoryTextStore,
    MissingInput,
    SQLiteTextStore,
    TextStore,
    VerifyResult,
    mermaid_diagram,
)
from alignkit.decision_rights import DecisionRights, Role, Scheme
from alignkit.errors import (
    AlignkitError,
    PermissionDenied,
    SpecError,
    StoreError,
    TransitionError,
    UnknownNameError,
)
from alignkit.errors import DecisionBlocked as ErrorsDecisionBlocked
from alignkit.org import Function, Org, Person
from alignkit.squads import Member, Team
from alignkit.store import (
    ConcurrencyError,
    EncodedReader,
    MemoryStore,
    NewEvent,
    SQLiteStore,
    Store,
    StoredEvent,
)

EXAMPLE = Path(__file__).parents[1] / "examples" / "acme" / "alignment.yaml"
ACME = load(EXAMPLE)
ORG = ACME.org
RIGHTS = ACME.decision_rights
TEAMS = ACME.teams
DECISION = "launch-customer-data-integration"
T0 = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
FINANCE = ("billing-specialist", "cfo", "controller", "fpa-analyst")


RACIS = Scheme(
    "racis",
    {
        "R": Role.RESPONSIBLE,
        "A": Role.ACCOUNTABLE,
        "S": Role.AGREE,
        "C": Role.CONSULTED,
        "I": Role.INFORMED,
    },
)
"""RACI with a sign-off (a veto) letter."""


def with_veto(rights: DecisionRights = RIGHTS, *, forums: bool = True) -> DecisionRights:
    """The acme rights, IT having to sign off the customer data integration."""
    decisions = [
        d.model_copy(update={"agree": ("IT",)}) if d.id == DECISION else d for d in rights.decisions
    ]
    update: dict[str, Any] = {"scheme": RACIS, "decisions": decisions}
    if not forums:
        update["forums"] = {}
    return rights.model_copy(update=update)


VETO = with_veto()
VETO_NO_FORUM = with_veto(forums=False)


def acme_log(rights: DecisionRights = RIGHTS, **options: Any) -> DecisionLog:
    options.setdefault("teams", TEAMS)
    return DecisionLog(rights, ORG, **options)


def proposed(log: DecisionLog, at: dt.datetime = T0) -> str:
    return log.propose(DECISION, "vp-marketing", "Launch the integration in Q1", at)


def decided(log: DecisionLog, at: dt.datetime = T0) -> str:
    record = proposed(log, at)
    log.consult(record, "vp-sales", at + HOUR, opinion="After the renewals, please")
    log.decide(record, "vp-marketing", "Launch on 1 February", at + 2 * HOUR, rationale="Ready")
    return record


# -- the example: the customer data integration --------------------------------------------


class TestCustomerDataIntegration:
    def test_from_proposal_to_decision(self):
        """Proposed, blocked until Sales is heard, decided by Marketing's head, then told."""
        log = acme_log()
        record = log.propose(DECISION, "product-marketer", "Launch the integration in Q1", T0)
        assert record == "launch-customer-data-integration/1"
        with pytest.raises(DecisionBlocked, match="Sales was not consulted") as blocked:
            log.decide(record, "vp-marketing", "Launch on 1 February", T0 + HOUR)
        assert [(m.party, m.need) for m in blocked.value.missing] == [("Sales", "consultation")]
        assert blocked.value.missing[0].voices[0] == "vp-sales"
        log.consult(record, "vp-sales", T0 + HOUR, opinion="After the renewals, please")
        after = log.decide(
            record, "vp-marketing", "Launch on 1 February", T0 + 2 * HOUR, rationale="Ready"
        )
        assert after.state is DecisionState.DECIDED
        assert (after.decider, after.authority, after.outcome, after.rationale) == (
            "vp-marketing",
            "decider",
            "Launch on 1 February",
            "Ready",
        )
        assert after.summary == "Launch the integration in Q1"
        assert after.consultations[0].opinion == "After the renewals, please"
        assert log.informed_missing(record) == FINANCE
        log.inform(record, ["cfo", "controller"], T0 + 3 * HOUR)
        assert log.informed_missing(record) == ("billing-specialist", "fpa-analyst")
        assert log.get(record).informed == ("cfo", "controller")
        assert log.get(record).decided_at - log.get(record).proposed_at == 2 * HOUR
        assert not log.get(record).needs_review

    def test_decision_blocked_is_importable_from_errors_too(self):
        """One class, shown at alignkit.errors."""
        assert DecisionBlocked is ErrorsDecisionBlocked
        assert DecisionBlocked.__module__ == "alignkit.errors"
        assert DecisionLog.__module__ == "alignkit.decision_log"

    def test_a_member_consulting_on_behalf_of_the_function_satisfies_it(self):
        """Lee Park, in Sales, may speak for Sales when saying so."""
        log = acme_log()
        record = proposed(log)
        consulted = log.consult(record, "ae-mm-1", T0, opinion="Fine", on_behalf_of="Sales")
        assert consulted.consultations[0].speaks_for == ("Sales", "ae-mm-1")
        assert log.missing(record) == ()

    def test_a_member_speaking_for_themself_does_not_satisfy_the_function(self):
        """Without on_behalf_of, Lee Park speaks only for Lee Park."""
        log = acme_log()
        record = proposed(log)
        log.consult(record, "ae-mm-1", T0, opinion="Fine")
        assert [m.party for m in log.missing(record)] == ["Sales"]

    def test_an_outsider_cannot_speak_for_a_function(self):
        """The CIO is not in Sales."""
        log = acme_log()
        record = proposed(log)
        with pytest.raises(PermissionDenied, match="not in Sales"):
            log.consult(record, "cio", T0, on_behalf_of="Sales")
        with pytest.raises(PermissionDenied, match="consult `vp-sales`"):
            log.consult(record, "cio", T0, on_behalf_of="vp-sales")
        with pytest.raises(UnknownNameError, match="party to speak for 'Slaes'"):
            log.consult(record, "cio", T0, on_behalf_of="Slaes")
        assert log.get(record).consultations == ()

    def test_a_team_is_satisfied_by_its_leader(self):
        """The activation squad speaks through its leader, not through its other members."""
        rights = DecisionRights.from_table(
            {"set-onboarding-playbook": {"onboarding-lead": "A", "activation-squad": "C"}}
        )
        log = acme_log(rights)
        record = log.propose("set-onboarding-playbook", "onboarding-lead", "New playbook", T0)
        assert log.missing(record)[0].voices == ("onboarding-lead",)
        with pytest.raises(PermissionDenied, match="its leader, `onboarding-lead`, does"):
            log.consult(record, "ae-mm-1", T0, on_behalf_of="activation-squad")
        log.consult(record, "onboarding-lead", T0, opinion="Yes")
        assert log.missing(record) == ()
        said = log.consult(record, "onboarding-lead", T0, on_behalf_of="activation-squad")
        assert said.consultations[-1].speaks_for == ("activation-squad", "onboarding-lead")
        teamless = DecisionLog(rights, ORG)  # no teams given: nobody speaks for the squad
        record = teamless.propose("set-onboarding-playbook", "onboarding-lead", "Again", T0)
        assert teamless.missing(record)[0].voices == ()
        with pytest.raises(DecisionBlocked, match="nobody may speak for it"):
            teamless.decide(record, "onboarding-lead", "Adopted", T0)

    def test_a_team_decides_through_its_leader(self):
        """A decision the squad is accountable for is escalated against its leader."""
        rights = DecisionRights.from_table({"pick-tool": {"activation-squad": "A", "Sales": "C"}})
        log = acme_log(rights)
        record = log.propose("pick-tool", "ae-mm-1", "Use the new tool", T0)
        escalated = log.escalate(record, "vp-sales", T0, "Sales objects")
        assert escalated.escalations[0].between == ("vp-sales", "onboarding-lead")
        assert escalated.settled_by == "ceo"

    def test_a_team_without_a_leader_cannot_be_spoken_for(self):
        """Its members cannot speak for it, and nobody settles as it."""
        team = Team("pod-x", "pod", "Ship it", [Member("ae-mm-1", "Sales")], None)
        rights = DecisionRights.from_table({"pick-tool": {"vp-sales": "A", "pod-x": "C"}})
        log = DecisionLog(rights, ORG, teams=[team])
        record = log.propose("pick-tool", "vp-sales", "Pick one", T0)
        with pytest.raises(PermissionDenied, match="it has no leader"):
            log.consult(record, "ae-mm-1", T0, on_behalf_of="pod-x")

    def test_only_who_may_decide_decides(self):
        """An account executive may not decide a Marketing decision."""
        log = acme_log()
        record = proposed(log)
        log.consult(record, "vp-sales", T0)
        with pytest.raises(PermissionDenied, match="`vp-marketing` may") as denied:
            log.decide(record, "ae-mm-1", "Launch now", T0)
        assert (denied.value.actor, denied.value.action) == ("ae-mm-1", "decide")
        with pytest.raises(SpecError, match="`decider` must be text"):
            log.decide(record, None, "Launch now", T0)  # type: ignore[arg-type]

    def test_a_delegate_decides_while_the_delegation_lasts(self):
        """The enterprise director decides discounts while the VP of Sales is on leave."""
        log = acme_log()
        record = log.propose("approve-discount-over-20-percent", "ae-ent-1", "25% for Globex", T0)
        log.consult(record, "cfo", T0, opinion="Within the margin")
        assert log.decide(record, "sales-director-ent", "Approved", T0).authority == "decider"
        later = dt.datetime(2027, 7, 1, tzinfo=dt.UTC)
        record = log.propose("approve-discount-over-20-percent", "ae-ent-1", "30%", later)
        log.consult(record, "cfo", later)
        with pytest.raises(PermissionDenied):
            log.decide(record, "sales-director-ent", "Approved", later)

    def test_unknown_decision_names_the_nearest_id(self):
        """A typo in the decision id is a SpecError with a suggestion."""
        log = acme_log()
        with pytest.raises(SpecError, match="did you mean 'launch-customer-data-integration'"):
            log.propose("launch-customer-data-integraton", "vp-marketing", "x", T0)
        with pytest.raises(SpecError, match="Unknown decision 7"):
            log.propose(7, "vp-marketing", "x", T0)  # type: ignore[arg-type]
        assert log.records() == ()

    def test_proposals_are_checked(self):
        """The proposer is a person of the org; the summary is text, not blank."""
        log = acme_log()
        with pytest.raises(UnknownNameError, match="Unknown proposer 'vp-marketting'"):
            log.propose(DECISION, "vp-marketting", "x", T0)
        with pytest.raises(SpecError, match="`summary` must not be blank"):
            log.propose(DECISION, "vp-marketing", "  ", T0)
        with pytest.raises(SpecError, match="`summary` must be text, got int"):
            log.propose(DECISION, "vp-marketing", 3, T0)  # type: ignore[arg-type]
        with pytest.raises(SpecError, match="lone surrogate"):
            log.propose(DECISION, "vp-marketing", "bad \udc00", T0)
        with pytest.raises(SpecError, match="timezone-aware"):
            log.propose(DECISION, "vp-marketing", "x", dt.datetime(2026, 11, 23))  # noqa: DTZ001
        assert log.records() == ()

    def test_record_numbers_follow_each_decision(self):
        """Each decision's records are numbered from 1."""
        log = acme_log()
        ids = [proposed(log), proposed(log)]
        ids.append(log.propose("choose-crm-platform", "cio", "HubSpot", T0))
        assert ids == [f"{DECISION}/1", f"{DECISION}/2", "choose-crm-platform/1"]


# -- the lifecycle --------------------------------------------------------------------------


class TestLifecycle:
    def test_the_state_is_checked_before_the_actor(self):
        """Deciding a withdrawn record is a TransitionError, whoever tries."""
        log = acme_log()
        record = proposed(log)
        log.withdraw(record, "vp-marketing", T0, reason="Not now")
        with pytest.raises(TransitionError, match="from state WITHDRAWN") as refused:
            log.decide(record, "ae-mm-1", "Launch", T0)
        assert refused.value.state == "WITHDRAWN"
        assert refused.value.allowed == ()
        assert "nothing (a final state)" in str(refused.value)

    def test_a_decided_record_can_be_told_and_superseded_only(self):
        """The error names the state and the moves allowed."""
        log = acme_log()
        record = decided(log)
        message = "Cannot consult from state DECIDED; allowed from DECIDED: inform, supersede"
        with pytest.raises(TransitionError, match=message):
            log.consult(record, "vp-sales", T0 + 3 * HOUR)
        assert log.get(record).allowed_moves() == ("inform", "supersede")

    def test_moves_are_recorded_in_the_order_they_happen(self):
        """A move dated before the record's latest event is refused."""
        log = acme_log()
        record = proposed(log, T0 + DAY)
        with pytest.raises(SpecError, match="before the latest event of record"):
            log.consult(record, "vp-sales", T0)
        with pytest.raises(SpecError, match="timezone-aware"):
            log.consult(record, "vp-sales", dt.datetime(2026, 12, 1))  # noqa: DTZ001

    def test_withdraw_by_the_proposer_or_a_decider_only(self):
        """Someone else may not withdraw a proposal."""
        log = acme_log()
        record = log.propose(DECISION, "product-marketer", "Launch", T0)
        with pytest.raises(PermissionDenied, match="`ae-mm-1` is neither"):
            log.withdraw(record, "ae-mm-1", T0)
        withdrawn = log.withdraw(record, "vp-marketing", T0, reason="Budget")
        assert (withdrawn.state, withdrawn.withdrawn_by, withdrawn.withdrawal_reason) == (
            DecisionState.WITHDRAWN,
            "vp-marketing",
            "Budget",
        )
        other = log.propose(DECISION, "product-marketer", "Launch", T0)
        assert log.withdraw(other, "product-marketer", T0).withdrawn_by == "product-marketer"

    def test_a_decision_is_superseded_never_edited(self):
        """A newer decision on the same decision id supersedes the old one."""
        log = acme_log()
        old = decided(log)
        new = decided(log, T0 + DAY)
        after = log.supersede(old, new, "vp-marketing", T0 + 2 * DAY)
        assert (after.state, after.superseded_by) == (DecisionState.SUPERSEDED, new)
        assert log.get(old).outcome == "Launch on 1 February"
        assert log.informed_missing(old) == ()
        with pytest.raises(TransitionError, match="from state SUPERSEDED"):
            log.supersede(old, new, "vp-marketing", T0 + 3 * DAY)

    def test_supersede_checks_the_newer_record(self):
        """The newer record decides the same decision, is decided, and is newer."""
        log = acme_log()
        old = decided(log, T0 + DAY)
        older = decided(log)
        other = log.propose("choose-crm-platform", "cio", "HubSpot", T0)
        pending = proposed(log)
        late = T0 + 5 * DAY
        cases = [
            (old, "cannot supersede itself"),
            (other, "decides `choose-crm-platform`"),
            (pending, "is PROPOSED, not DECIDED"),
            (older, "was decided before record"),
        ]
        for new, message in cases:
            with pytest.raises(SpecError, match=message):
                log.supersede(old, new, "vp-marketing", late)
        with pytest.raises(PermissionDenied, match="may supersede"):
            log.supersede(old, decided(log, T0 + 2 * DAY), "vp-sales", late)
        with pytest.raises(UnknownNameError, match="decision record"):
            log.supersede(old, "nope/1", "vp-marketing", late)

    def test_inform_names_people_of_the_org(self):
        """One id is not a collection; nobody is not somebody; strangers are refused."""
        log = acme_log()
        record = decided(log)
        at = T0 + 3 * HOUR
        with pytest.raises(SpecError, match="collection of person ids"):
            log.inform(record, "cfo", at)
        with pytest.raises(SpecError, match="names nobody"):
            log.inform(record, [], at)
        with pytest.raises(UnknownNameError, match="'cfoo'"):
            log.inform(record, ["cfoo"], at)
        log.inform(record, ["cfo"], at)
        assert log.inform(record, ["cfo", "controller"], at).informed == ("cfo", "controller")
        assert log.get(record).history[-1].actor == "vp-marketing"

    def test_informed_missing_is_empty_until_decided(self):
        """Nobody is owed news of an open proposal."""
        log = acme_log()
        record = proposed(log)
        assert log.informed_missing(record) == ()

    def test_unknown_record(self):
        """A record id that is not there is an UnknownNameError, with the nearest id."""
        log = acme_log()
        proposed(log)
        with pytest.raises(UnknownNameError, match="did you mean"):
            log.get("launch-customer-data-integration/2")
        with pytest.raises(SpecError, match="`record_id` must be text"):
            log.get(1)  # type: ignore[arg-type]

    def test_without_required_consultation_the_gap_is_recorded(self):
        """A log that does not require consultation records what was missing."""
        log = acme_log(VETO, require_consultation=False)
        record = proposed(log)
        after = log.decide(record, "vp-marketing", "Launch", T0)
        assert [str(m) for m in after.decided_without] == [
            "Sales was not consulted",
            "IT has not agreed",
        ]
        assert after.needs_review
        assert log.missing(record) == ()

    def test_mermaid_diagram_lists_every_move(self):
        """The diagram has a line for each move people make, from each state."""
        diagram = mermaid_diagram()
        assert diagram.splitlines()[:2] == ["stateDiagram-v2", "    [*] --> PROPOSED: propose"]
        assert "    DECIDED --> SUPERSEDED: supersede" in diagram
        assert "erase" not in diagram
        assert set(MOVES) == {
            "propose", "consult", "escalate", "decide", "withdraw", "inform", "supersede", "erase",
        }  # fmt: skip

    def test_records_filters(self):
        """By decision, by category, and by when they were proposed."""
        log = acme_log()
        first = proposed(log)
        second = log.propose("approve-pricing-exception", "revops-lead", "Extra 5%", T0 + DAY)
        assert [r.record_id for r in log.records()] == [first, second]
        assert [r.record_id for r in log.records(decision_id=DECISION)] == [first]
        assert [r.record_id for r in log.records(category="pricing")] == [second]
        assert [r.record_id for r in log.records(since=T0 + HOUR)] == [second]
        with pytest.raises(SpecError, match="`since` must be a timezone-aware"):
            log.records(since=dt.datetime(2026, 1, 1))  # noqa: DTZ001

    def test_wrong_arguments_are_spec_errors(self):
        """Each constructor argument is checked, naming it."""
        for kwargs, name in [
            ({"rights": {}}, "rights"),
            ({"org": []}, "org"),
            ({"store": object()}, "store"),
            ({"texts": object()}, "texts"),
            ({"require_consultation": "yes"}, "require_consultation"),
        ]:
            arguments: dict[str, Any] = {"rights": RIGHTS, "org": ORG, **kwargs}
            with pytest.raises(SpecError, match=f"`{name}` must be"):
                DecisionLog(arguments.pop("rights"), arguments.pop("org"), **arguments)

    def test_teams_are_checked(self):
        """Teams are a collection of things with a name, a leader and members."""
        with pytest.raises(SpecError, match="`teams` must be a collection of teams"):
            DecisionLog(RIGHTS, ORG, teams="activation-squad")  # type: ignore[arg-type]
        with pytest.raises(SpecError, match="got str") as raised:
            DecisionLog(RIGHTS, ORG, teams=[TEAMS[0], "x"])  # type: ignore[list-item]
        assert raised.value.problems[0].location.path == ("teams", 1)

    def test_an_unknown_record_is_compared_with_its_decisions_records(self):
        """The suggestion comes from the same decision's records, else from any."""
        log = acme_log()
        proposed(log)
        proposed(log)
        with pytest.raises(UnknownNameError, match="did you mean 'launch-customer-data-"):
            log.get(f"{DECISION}/9")
        with pytest.raises(UnknownNameError, match="did you mean"):
            log.get("launch-customer-data-integratio")

    def test_consultation_arguments_are_checked(self):
        """agrees is True, False or None; on_behalf_of a name; opinion text."""
        log = acme_log(VETO)
        record = proposed(log)
        with pytest.raises(SpecError, match="`agrees` must be True, False or None"):
            log.consult(record, "cio", T0, agrees="no")  # type: ignore[arg-type]
        with pytest.raises(SpecError, match="`on_behalf_of` must be"):
            log.consult(record, "cio", T0, on_behalf_of=3)  # type: ignore[arg-type]
        with pytest.raises(SpecError, match="`opinion` must be text"):
            log.consult(record, "cio", T0, opinion=None)  # type: ignore[arg-type]
        with pytest.raises(UnknownNameError, match="Unknown person 'cioo'"):
            log.consult(record, "cioo", T0)
        assert (
            log.consult(record, "cio", T0, on_behalf_of="cio").consultations[0].on_behalf_of is None
        )


# -- vetoes and escalation ------------------------------------------------------------------


class TestVetoAndEscalation:
    def test_a_veto_blocks_until_the_same_party_agrees(self):
        """IT's veto blocks the launch; IT's later agreement lifts it."""
        log = acme_log(VETO)
        record = proposed(log)
        log.consult(record, "vp-sales", T0)
        log.consult(record, "cio", T0 + HOUR, opinion="Not before the audit", agrees=False)
        with pytest.raises(DecisionBlocked, match=r"IT vetoed \(by cio\)") as blocked:
            log.decide(record, "vp-marketing", "Launch", T0 + 2 * HOUR)
        assert blocked.value.missing == (
            MissingInput(
                "IT", "agreement", vetoed_by="cio", voices=blocked.value.missing[0].voices
            ),
        )
        assert blocked.value.missing[0].vetoed
        assert "lifts the veto, or escalate" in str(blocked.value)
        log.consult(record, "security-lead", T0 + 3 * HOUR, agrees=True, on_behalf_of="IT")
        after = log.decide(record, "vp-marketing", "Launch", T0 + 4 * HOUR)
        assert after.agreements()["IT"].person == "security-lead"

    def test_agreement_is_given_by_parties_that_must_agree(self):
        """Sales is consulted, not asked to agree."""
        log = acme_log(VETO)
        record = proposed(log)
        with pytest.raises(SpecError, match="`IT` must"):
            log.consult(record, "vp-sales", T0, agrees=True)
        plain = acme_log()
        with pytest.raises(SpecError, match=r"\(nobody must\)"):
            plain.consult(proposed(plain), "vp-sales", T0, agrees=False)

    def test_an_agreement_not_given_blocks(self):
        """Consulting IT without its sign-off is not enough."""
        log = acme_log(VETO)
        record = proposed(log)
        log.consult(record, "vp-sales", T0)
        log.consult(record, "cio", T0, opinion="Looks fine")
        with pytest.raises(DecisionBlocked, match="IT has not agreed"):
            log.decide(record, "vp-marketing", "Launch", T0)

    def test_escalation_goes_to_the_forum_of_the_category(self):
        """A data decision's veto is settled by the data governance council."""
        log = acme_log(VETO)
        record = proposed(log)
        log.consult(record, "vp-sales", T0)
        log.consult(record, "cio", T0, agrees=False)
        escalated = log.escalate(record, "vp-marketing", T0 + HOUR, "The launch cannot wait")
        assert escalated.settled_by == "Data governance council"
        assert escalated.escalations[0].between == ("vp-marketing", "cio")
        assert escalated.escalations[0].kind == "forum"
        assert escalated.escalations[0].reason == "The launch cannot wait"
        assert escalated.state is DecisionState.CONSULTING
        with pytest.raises(DecisionBlocked):  # the decider is still bound by the veto
            log.decide(record, "vp-marketing", "Launch", T0 + 2 * HOUR)
        after = log.decide(record, "Data governance council", "Launch after an audit", T0 + DAY)
        assert (after.decider, after.authority) == ("Data governance council", "settler")
        assert after.decided_without == ()

    def test_escalation_goes_to_the_lowest_common_manager(self):
        """Without a forum, the CEO is above both the VP of Marketing and the CIO."""
        log = acme_log(VETO_NO_FORUM)
        record = proposed(log)
        log.consult(record, "vp-sales", T0)
        log.consult(record, "it-systems-lead", T0, agrees=False, on_behalf_of="IT")
        escalated = log.escalate(record, "it-systems-lead", T0, "Data quality first")
        assert escalated.settled_by == "ceo"
        assert escalated.escalations[0].between == ("vp-marketing", "it-systems-lead")
        assert "lowest common manager" in escalated.escalations[0].explanation
        assert log.decide(record, "ceo", "Launch in March", T0).authority == "settler"

    def test_the_settler_still_needs_the_consultations(self):
        """An escalation settles disagreement, not who was never heard."""
        log = acme_log(VETO_NO_FORUM)
        record = proposed(log)
        log.consult(record, "cio", T0, agrees=False)
        log.escalate(record, "vp-marketing", T0, "Blocked")
        with pytest.raises(DecisionBlocked, match="Sales was not consulted"):
            log.decide(record, "ceo", "Launch", T0)

    def test_several_vetoes_go_to_the_manager_of_all(self):
        """Two parties veto: the lowest common manager of the decider and both settles."""
        rights = DecisionRights.from_table(
            {"pick-vendor": {"ae-mm-1": "D", "ae-mm-2": "A", "cfo": "A"}}, scheme=Scheme.RAPID
        )
        log = DecisionLog(rights, ORG)
        record = log.propose("pick-vendor", "ae-mm-1", "Acme Corp", T0)
        log.consult(record, "ae-mm-2", T0, agrees=False)
        assert log.escalate(record, "ae-mm-2", T0, "Too costly").settled_by == "sales-manager-mm"
        log.consult(record, "cfo", T0, agrees=False)
        escalated = log.escalate(record, "ae-mm-1", T0, "Both say no")
        assert escalated.settled_by == "ceo"
        assert escalated.escalations[-1].between == ("ae-mm-1", "ae-mm-2", "cfo")

    def test_escalation_without_a_veto_is_between_the_actor_and_the_decider(self):
        """A party who disagrees takes it up; the decider may too, against the proposer."""
        log = acme_log(RIGHTS.model_copy(update={"forums": {}}))
        record = log.propose(DECISION, "product-marketer", "Launch", T0)
        escalated = log.escalate(record, "ae-mm-1", T0, "Sales is not ready")
        assert escalated.escalations[0].between == ("ae-mm-1", "vp-marketing")
        assert escalated.settled_by == "ceo"
        escalated = log.escalate(record, "vp-marketing", T0, "Decide it above us")
        assert escalated.escalations[1].between == ("vp-marketing", "product-marketer")
        assert escalated.settled_by == "vp-marketing"  # who manages the proposer

    def test_who_may_escalate(self):
        """Someone with no say on the record may not escalate it."""
        log = acme_log()
        record = proposed(log)
        with pytest.raises(PermissionDenied, match="has no say"):
            log.escalate(record, "billing-specialist", T0, "I object")
        with pytest.raises(SpecError, match="`reason` must not be blank"):
            log.escalate(record, "vp-sales", T0, "")
        log.consult(record, "cfo", T0, opinion="Worth a look")  # consulted: now has a say
        assert log.escalate(record, "cfo", T0, "Costs").escalations[0].raised_by == "cfo"

    def test_nobody_to_disagree_with(self):
        """The decider who proposed, with no veto, has nobody to escalate against."""
        log = acme_log()
        record = log.propose(DECISION, "vp-marketing", "Launch", T0)
        with pytest.raises(SpecError, match="Nobody disagrees with `vp-marketing`"):
            log.escalate(record, "vp-marketing", T0, "Hmm")

    def test_nobody_can_settle(self):
        """No forum and no common manager: the escalation is refused, saying what to add."""
        org = Org(
            functions=[Function("A", "a"), Function("B", "b")],
            people=[Person("a", "Ann", "A"), Person("b", "Bob", "B")],
        )
        rights = DecisionRights.from_table({"d": {"a": "A", "b": "C"}})
        log = DecisionLog(rights, org)
        record = log.propose("d", "a", "Do it", T0)
        with pytest.raises(SpecError, match="add reporting lines or a forum"):
            log.escalate(record, "b", T0, "No")
        assert log.get(record).escalations == ()

    def test_escalation_for(self):
        """rights.escalation_for: forum, else manager, else nobody."""
        forum = RIGHTS.escalation_for(DECISION, "vp-marketing", "cio", ORG)
        assert (forum.settled_by, forum.kind, forum.deciders) == (
            "Data governance council",
            "forum",
            ("vp-marketing", "cio"),
        )
        manager = RIGHTS.escalation_for("approve-campaign-budget", "ae-mm-1", "ae-ent-1", ORG)
        assert (manager.settled_by, manager.kind) == ("vp-sales", "manager")
        nobody = RIGHTS.escalation_for("approve-campaign-budget", "ae-mm-1", "ghost", ORG)
        assert (nobody.settled_by, nobody.kind) == (None, "none")
        with pytest.raises(UnknownNameError):
            RIGHTS.escalation_for("nope", "a", "b", ORG)


# -- stores: replay, replicas, memory and SQLite ----------------------------------------------


def script(log: DecisionLog) -> None:
    """A bit of everything, for comparing stores and for the CSV round trip."""
    first = proposed(log)
    log.consult(first, "vp-sales", T0 + HOUR, opinion="Fine by Sales")
    log.consult(first, "cio", T0 + HOUR, opinion="IT says no", agrees=False)
    log.escalate(first, "vp-marketing", T0 + 2 * HOUR, "Needs settling")
    log.decide(first, "Data governance council", "Launch =HYPERLINK(1)", T0 + 3 * HOUR)
    log.inform(first, ["cfo"], T0 + 4 * HOUR)
    second = proposed(log, T0 + DAY)
    log.consult(second, "ae-mm-1", T0 + DAY, on_behalf_of="Sales", opinion="Yes; -1 risk")
    log.consult(second, "security-lead", T0 + DAY, on_behalf_of="IT", agrees=True)
    log.decide(second, "vp-marketing", "Launch in March", T0 + 2 * DAY, rationale="Agreed")
    log.supersede(first, second, "vp-marketing", T0 + 3 * DAY)
    third = log.propose("approve-pricing-exception", "revops-lead", "5% for Initech", T0)
    log.withdraw(third, "revops-lead", T0 + HOUR, reason="Deal lost")


def semantic(record: DecisionRecord) -> DecisionRecord:
    """A record without what differs between two logs: event ids, positions, text keys."""
    return attrs.evolve(record, history=(), texts=())


class PlainStore:
    """A store with the protocol's four methods and nothing more, over a MemoryStore."""

    def __init__(self) -> None:
        self.inner = MemoryStore()

    def append(self, stream, events, *, expected_version, category="handoff"):
        return self.inner.append(
            stream, events, expected_version=expected_version, category=category
        )

    def read(self, stream, *, after=0):
        return self.inner.read(stream, after=after)

    def read_all(self, *, after=0, limit=None, category=None):
        return self.inner.read_all(after=after, limit=limit, category=category)

    def version(self, stream):
        return self.inner.version(stream)


class TestStores:
    def test_replay_equals_live_state(self):
        """A log rebuilt from the store holds exactly the records of the log that wrote it."""
        store = MemoryStore()
        texts = MemoryTextStore()
        log = acme_log(VETO, store=store, texts=texts)
        script(log)
        again = acme_log(VETO, store=store, texts=texts)
        assert again.records() == log.records()
        log.replay()
        assert again.records() == log.records()

    def test_memory_and_sqlite_give_the_same_results(self, tmp_path: Path):
        """The same moves on either store give the same records, checks and latency."""
        memory = acme_log(VETO)
        sqlite = acme_log(VETO, store=SQLiteStore(tmp_path / "log.db"))
        script(memory)
        script(sqlite)
        assert [semantic(r) for r in memory.records()] == [semantic(r) for r in sqlite.records()]
        assert memory.latency() == sqlite.latency()
        found = memory.verify(), sqlite.verify()
        assert [(v.ok, v.events, v.texts, len(v.heads)) for v in found] == [(True, 13, 11, 3)] * 2
        assert isinstance(sqlite.texts, SQLiteTextStore)
        assert isinstance(memory.texts, MemoryTextStore)

    def test_a_sqlite_log_comes_back_after_a_restart(self, tmp_path: Path):
        """Events and texts are in the one file."""
        path = tmp_path / "log.db"
        store = SQLiteStore(path)
        log = acme_log(VETO, store=store)
        script(log)
        before = log.records()
        log.texts.close()  # type: ignore[attr-defined]
        store.close()
        with SQLiteStore(path) as reopened:
            assert acme_log(VETO, store=reopened).records() == before
        tables = sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type='table'")
        assert {name for (name,) in tables} == {"events", "decision_texts"}

    def test_a_read_only_store_is_read_with_its_texts(self, tmp_path: Path):
        """An auditor opens the file read-only: records and verification, no writes."""
        path = tmp_path / "log.db"
        log = acme_log(VETO, store=SQLiteStore(path))
        script(log)
        reader = acme_log(VETO, store=SQLiteStore(path, read_only=True))
        assert reader.records() == log.records()
        assert reader.verify().ok
        texts = reader.texts
        assert isinstance(texts, SQLiteTextStore)
        assert texts.read_only
        for write in (lambda: texts.put({"k": b"v"}), lambda: texts.delete(["k"]), texts.purge):
            with pytest.raises(StoreError, match="opened read-only"):
                write()
        with pytest.raises(StoreError, match="read_only"):
            reader.propose(DECISION, "vp-marketing", "x", T0)

    def test_a_file_with_no_texts_yet_reads_as_none(self, tmp_path: Path):
        """Read-only texts of a store that never held any: nothing, and no error."""
        path = tmp_path / "events.db"
        SQLiteStore(path).close()
        with SQLiteTextStore(path, read_only=True) as texts:
            assert texts.get(["a"]) == {}
            texts.put({})  # nothing to write is not a write
        with pytest.raises(SpecError, match="need a file"):
            SQLiteTextStore(":memory:", read_only=True)

    def test_another_store_needs_its_texts(self):
        """A store the log does not know keeps no texts: say where they go."""

        store = PlainStore()
        assert isinstance(store, Store)
        with pytest.raises(SpecError, match="pass `texts=`"):
            DecisionLog(RIGHTS, ORG, store=store)
        log = DecisionLog(RIGHTS, ORG, store=store, texts=MemoryTextStore())
        assert log.verify().ok

    def test_in_memory_sqlite_keeps_texts_in_its_database(self):
        """An in-memory SQLite store keeps the texts beside its events, as short-lived."""
        store = SQLiteStore(":memory:")
        log = acme_log(store=store)
        record = proposed(log)
        assert isinstance(log.texts, SQLiteTextStore)
        key = log.get(record).texts[0].key
        assert list(SQLiteTextStore.beside(store).get([key])) == [key]

    def test_one_store_holds_handoffs_and_decisions(self):
        """The log reads and writes only its category."""
        store = MemoryStore()
        store.append("D-1", [NewEvent("h1", "deal_stage", "crm", T0)], expected_version=0)
        log = acme_log(store=store)
        record = decided(log)
        assert {e.category for e in store.read_all()} == {"handoff", CATEGORY}
        assert [r.record_id for r in log.records()] == [record]
        assert log.verify().events == 3

    def test_two_logs_on_one_store_see_each_others_moves(self):
        """A log acting on a stale record catches up and judges again."""
        store, texts = MemoryStore(), MemoryTextStore()
        first = acme_log(store=store, texts=texts)
        second = acme_log(store=store, texts=texts)
        record = proposed(first)
        second.consult(record, "vp-sales", T0, opinion="Go")  # unknown to it: read first
        # `first` still thinks nobody was consulted: its refusal is judged again.
        assert first.decide(record, "vp-marketing", "Launch", T0).state is DecisionState.DECIDED
        assert second.get(record).consultations[0].opinion == "Go"  # caught up on a miss
        assert acme_log(store=store, texts=texts).records() == first.records()

    def test_a_stale_append_is_tried_again(self):
        """Two logs consulting at once: the second append catches up and succeeds."""
        store, texts = MemoryStore(), MemoryTextStore()
        first = acme_log(store=store, texts=texts)
        second = acme_log(store=store, texts=texts)
        record = proposed(first)
        second.get(record)
        first.consult(record, "vp-sales", T0)
        after = second.consult(record, "cfo", T0)  # second's view is one event behind
        assert [c.person for c in after.consultations] == ["vp-sales", "cfo"]
        # Both propose the same decision: numbers do not collide.
        ids = {proposed(first), proposed(second)}
        assert ids == {f"{DECISION}/2", f"{DECISION}/3"}

    def test_a_failed_append_leaves_no_text_behind(self):
        """Texts written for an event that was never stored are deleted."""

        class Failing(MemoryStore):
            fail = False

            def append(self, stream, events, *, expected_version, category="handoff"):
                if self.fail:
                    raise StoreError.for_store("x.db", "the disk is full")
                return super().append(
                    stream, events, expected_version=expected_version, category=category
                )

            def append_returning(self, stream, events, *, expected_version, category="handoff"):
                if self.fail:
                    raise StoreError.for_store("x.db", "the disk is full")
                return super().append_returning(
                    stream, events, expected_version=expected_version, category=category
                )

        store, texts = Failing(), MemoryTextStore()
        log = acme_log(store=store, texts=texts)
        record = proposed(log)
        held = len(texts)
        store.fail = True
        with pytest.raises(StoreError, match="disk is full"):
            log.consult(record, "vp-sales", T0, opinion="Lost")
        assert len(texts) == held
        with pytest.raises(StoreError):
            proposed(log)
        assert len(texts) == held

    def test_a_text_gone_from_the_store_reads_unavailable(self):
        """A text missing (not erased) reads as UNAVAILABLE, and verify says why."""
        texts = MemoryTextStore()
        log = acme_log(texts=texts)
        record = proposed(log)
        key = log.get(record).texts[0].key
        texts.delete([key])
        fresh = acme_log(store=log.store, texts=texts)  # nothing cached
        assert fresh.get(record).summary == UNAVAILABLE
        problem = fresh.verify().first
        assert problem is not None
        assert problem.kind == "text-missing"


# -- tamper evidence ------------------------------------------------------------------------


def sqlite_log(path: Path, rights: DecisionRights = VETO) -> DecisionLog:
    log = acme_log(rights, store=SQLiteStore(path))
    script(log)
    return log


def row(path: Path, sql: str, *parameters: object) -> None:
    """Change the file as someone with write access would, behind the log's back."""
    db = sqlite3.connect(path)
    with db:
        db.execute(sql, parameters)
    db.close()


def event_at(log: DecisionLog, record: str, version: int) -> StoredEvent:
    return log.get(record).history[version - 1]


class TestTamperEvidence:
    def test_an_untouched_log_verifies(self, tmp_path: Path):
        """Every chain holds; heads and digest are given for anchoring."""
        log = sqlite_log(tmp_path / "log.db")
        result = log.verify()
        assert result.ok
        assert result.problems == ()
        assert result.first is None
        assert result.heads[f"{DECISION}/1"] == ChainHead(7, log.get(f"{DECISION}/1").head)
        assert len(result.digest) == 64
        assert str(result).startswith("13 events of 3 records verified; digest ")
        assert log.verify().digest == result.digest

    def test_an_edited_event_is_named(self, tmp_path: Path):
        """Content changed (the store's checksum fixed up): the event does not match its hash."""
        path = tmp_path / "log.db"
        log = sqlite_log(path)
        target = event_at(log, f"{DECISION}/1", 3)  # the CIO's veto
        data = target.data | {"agrees": True}
        row(
            path,
            "UPDATE events SET data = ?, checksum = NULL WHERE event_id = ?",
            __import__("json").dumps(data),
            target.event_id,
        )
        result = log.verify()
        assert not result.ok
        first = result.first
        assert first is not None
        assert (first.kind, first.record, first.version, first.event_id, first.position) == (
            "content",
            f"{DECISION}/1",
            3,
            target.event_id,
            target.position,
        )
        assert "does not match its hash: it was changed" in str(first)
        assert len(result.problems) == 1  # the record's later events are not blamed too
        assert "1 problems in 13 events" in str(result)

    def test_an_edited_event_failing_the_stores_checksum_is_named(self, tmp_path: Path):
        """Edited without fixing the checksum: the store refuses it; the rest is still checked."""
        path = tmp_path / "log.db"
        log = sqlite_log(path)
        target = event_at(log, f"{DECISION}/2", 2)
        row(path, "UPDATE events SET actor = 'ceo' WHERE event_id = ?", target.event_id)
        result = log.verify()
        kinds = [(p.kind, p.record, p.version) for p in result.problems]
        assert kinds == [("unreadable", None, None), ("version", f"{DECISION}/2", 3)]
        assert f"event {target.position} of stream '{DECISION}/2'" in str(result.first)
        assert set(result.heads) == {
            f"{DECISION}/1",
            f"{DECISION}/2",
            "approve-pricing-exception/1",
        }

    def test_a_deleted_event_is_named(self, tmp_path: Path):
        """The next event of the record is at the wrong version."""
        path = tmp_path / "log.db"
        log = sqlite_log(path)
        gone, next_one = (event_at(log, f"{DECISION}/1", v) for v in (2, 3))
        row(path, "DELETE FROM events WHERE event_id = ?", gone.event_id)
        first = log.verify().first
        assert first is not None
        assert (first.kind, first.event_id, first.version) == ("version", next_one.event_id, 3)
        assert "has version 3 where version 2 should be" in first.message

    def test_reordered_events_are_named(self, tmp_path: Path):
        """Two events of a record swapped in the store's order."""
        path = tmp_path / "log.db"
        log = sqlite_log(path)
        second, third = (event_at(log, f"{DECISION}/1", v) for v in (2, 3))
        row(path, "UPDATE events SET position = -1 WHERE position = ?", second.position)
        row(
            path,
            "UPDATE events SET position = ? WHERE position = ?",
            second.position,
            third.position,
        )
        row(path, "UPDATE events SET position = ? WHERE position = -1", third.position)
        first = log.verify().first
        assert first is not None
        assert (first.kind, first.event_id, first.position) == (
            "version",
            third.event_id,
            second.position,
        )

    @settings(max_examples=200, deadline=None)
    @given(
        names=st.lists(st.text(), min_size=4, max_size=4),
        version=st.integers(1, 2**40),
        offset=st.integers(-14 * 60, 14 * 60),
        body=st.dictionaries(
            st.text(), st.none() | st.booleans() | st.integers() | st.text() | st.lists(st.text())
        ),
    )
    def test_the_hash_is_of_the_documented_canonical_json(self, names, version, offset, body):
        """SHA-256 of the sorted, compact, UTF-8 JSON envelope, with the time in UTC."""
        import hashlib
        import json

        from alignkit.decision_log._chain import event_hash

        record, event_id, kind, actor = names
        at = T0.astimezone(dt.timezone(dt.timedelta(minutes=offset)))
        envelope = {
            "record": record,
            "version": version,
            "id": event_id,
            "kind": kind,
            "actor": actor,
            "at": T0.isoformat(),
            "category": "decision",
            "data": body,
        }
        canonical = json.dumps(envelope, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        expected = hashlib.sha256(canonical.encode()).hexdigest()
        assert event_hash(record, version, event_id, kind, actor, at, body) == expected

    def test_an_event_rewritten_and_rehashed_breaks_the_next_link(self, tmp_path: Path):
        """A forger who recomputes the hash of one event is caught at the event after it."""
        path = tmp_path / "log.db"
        log = sqlite_log(path)
        from alignkit.decision_log._chain import event_hash

        target, after = (event_at(log, f"{DECISION}/1", v) for v in (3, 4))
        body = {k: v for k, v in target.data.items() if k != "hash"} | {"agrees": True}
        digest = event_hash(
            target.stream, 3, target.event_id, target.kind, target.actor, target.at, body
        )
        row(
            path,
            "UPDATE events SET data = ?, checksum = NULL WHERE event_id = ?",
            __import__("json").dumps(body | {"hash": digest}),
            target.event_id,
        )
        first = log.verify().first
        assert first is not None
        assert (first.kind, first.event_id) == ("link", after.event_id)

    def test_anchors_catch_what_a_chain_alone_cannot(self, tmp_path: Path):
        """A record's last event deleted, or a whole record gone, against kept heads."""
        path = tmp_path / "log.db"
        log = sqlite_log(path)
        anchors = log.verify().heads
        last = event_at(log, "approve-pricing-exception/1", 2)
        row(path, "DELETE FROM events WHERE event_id = ?", last.event_id)
        assert log.verify().ok  # the chain alone: the record just ends earlier
        result = log.verify(anchors=anchors)
        assert [(p.kind, p.record) for p in result.problems] == [
            ("anchor", "approve-pricing-exception/1")
        ]
        assert "its last events were deleted" in result.problems[0].message
        row(path, "DELETE FROM events WHERE stream = ?", "approve-pricing-exception/1")
        assert "is gone from the store" in log.verify(anchors=anchors).problems[0].message
        assert log.verify(anchors={f"{DECISION}/1": ChainHead(7, "0" * 64)}).problems[0].kind == (
            "anchor"
        )

    def test_a_text_changed_in_the_text_store_is_found(self, tmp_path: Path):
        """The text no longer matches the commitment its event holds."""
        path = tmp_path / "log.db"
        log = sqlite_log(path)
        key = log.get(f"{DECISION}/1").texts[0].key
        row(path, "UPDATE decision_texts SET value = ? WHERE key = ?", b"0" * 16 + b"Hi", key)
        first = log.verify().first
        assert first is not None
        assert (first.kind, first.record) == ("text-changed", f"{DECISION}/1")
        assert log.verify(texts=False).ok

    def test_a_store_that_cannot_be_read_at_all(self, tmp_path: Path):
        """The file is gone: one problem, and verification stops."""

        class Broken(MemoryStore):
            def read_all(self, *, after=0, limit=None, category=None):
                raise StoreError.for_store("x.db", "the file is damaged")

            read_all_encoded = read_all

        log = DecisionLog(RIGHTS, ORG, store=MemoryStore())
        log.store = Broken()
        result = log.verify()
        assert [p.kind for p in result.problems] == ["unreadable"]
        assert "the file is damaged" in str(result)

    def test_verify_result_lists_at_most_ten_problems(self):
        """A long list is cut, saying how many more."""
        problems = tuple(
            attrs.evolve(_PROBLEM, message=f"problem {k}", record=f"r{k}") for k in range(12)
        )
        result = VerifyResult(False, 12, 0, {}, "d", problems)
        assert str(result).endswith("problem 9\n  ... and 2 more")


from alignkit.decision_log import ChainProblem  # noqa: E402 - beside its one use

_PROBLEM = ChainProblem("content", "r", 1, "e", 1, "problem")


def mutations() -> list[tuple[str, Callable[[StoredEvent], StoredEvent | None]]]:
    """Ways to change one stored event; each must make verification fail."""
    return [
        ("data", lambda e: attrs.evolve(e, data=e.data | {"forged": True})),
        ("actor", lambda e: attrs.evolve(e, actor=e.actor + "x")),
        ("at", lambda e: attrs.evolve(e, at=e.at + dt.timedelta(microseconds=1))),
        (
            "kind",
            lambda e: attrs.evolve(e, kind="informed" if e.kind != "informed" else "consulted"),
        ),
        ("drop", lambda _e: None),
    ]


def mutated_copy(
    log: DecisionLog, index: int, mutate: Callable[[StoredEvent], StoredEvent | None]
) -> tuple[DecisionLog, StoredEvent]:
    """A copy of ``log``'s store with its ``index``-th event mutated, and that event."""
    events = log.store.read_all(category=CATEGORY)
    store = MemoryStore()
    target = events[index]
    for number, event in enumerate(events):
        changed = mutate(event) if number == index else event
        if changed is None:
            continue
        version = store.version(changed.stream)
        store.append(
            changed.stream,
            [NewEvent(changed.event_id, changed.kind, changed.actor, changed.at, changed.data)],
            expected_version=version,
            category=CATEGORY,
        )
    return DecisionLog(log.rights, log.org, store=store, texts=log.texts), target


class TestMutations:
    @pytest.mark.parametrize(("name", "mutate"), mutations(), ids=[n for n, _ in mutations()])
    def test_any_single_mutated_event_fails_verification(
        self, name: str, mutate: Callable[[StoredEvent], StoredEvent | None]
    ):
        """Change, or delete, any one event of a log (with anchors for a last event)."""
        log = acme_log(VETO)
        script(log)
        anchors = log.verify().heads
        count = len(log.store.read_all(category=CATEGORY))
        for index in range(count):
            copied, target = mutated_copy(log, index, mutate)
            result = copied.verify(anchors=anchors)
            assert not result.ok, (name, index)
            assert result.first is not None
            assert result.first.record == target.stream


class DecodedOnly:
    """A store with the four methods of the protocol and nothing more: no encoded reads."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.append = store.append
        self.read = store.read
        self.read_all = store.read_all
        self.version = store.version


def verified_both_ways(log: DecisionLog, **options: Any) -> VerifyResult:
    """``log.verify()`` from encoded events, checked equal to the same from decoded ones."""
    assert isinstance(log.store, EncodedReader)
    encoded = log.verify(**options)
    plain = copy.copy(log)  # not a new log: that would replay, and a damaged store refuses
    plain.store = DecodedOnly(log.store)
    assert encoded == plain.verify(**options)
    return encoded


class TestEncodedVerification:
    """A store that hands out encoded events is verified without decoding each into objects.

    Whatever the store holds, the result is the one the decoded events give.
    """

    @pytest.mark.parametrize(("name", "mutate"), mutations(), ids=[n for n, _ in mutations()])
    def test_every_mutation_is_found_as_from_decoded_events(
        self, name: str, mutate: Callable[[StoredEvent], StoredEvent | None]
    ):
        log = acme_log(VETO)
        script(log)
        anchors = log.verify().heads
        for index in range(len(log.store.read_all(category=CATEGORY))):
            copied, _ = mutated_copy(log, index, mutate)
            assert not verified_both_ways(copied, anchors=anchors).ok, (name, index)

    @pytest.mark.parametrize(
        ("sql", "value"),
        [
            ("UPDATE events SET data = ?, checksum = NULL WHERE position = 3", '{"hash":"x"}'),
            ("UPDATE events SET data = ?, checksum = NULL WHERE position = 2", "[1, 2]"),
            ("UPDATE events SET data = ?, checksum = NULL WHERE position = 4", "{not json"),
            ("UPDATE events SET actor = ?, checksum = NULL WHERE position = 5", "ceo"),
            ("UPDATE events SET actor = ? WHERE position = 5", "ceo"),  # fails the checksum
            ("UPDATE events SET at = ?, checksum = NULL WHERE position = 6", "yesterday"),
            ("UPDATE events SET version = ?, checksum = NULL WHERE position = 7", 9),
            ("DELETE FROM events WHERE position = ?", 2),
            (
                (
                    "UPDATE decision_texts SET value = ? "
                    "WHERE key = (SELECT MIN(key) FROM decision_texts)"
                ),
                b"0" * 20,
            ),
        ],
    )
    def test_a_file_changed_on_disk_is_found_as_from_decoded_events(
        self, tmp_path: Path, sql: str, value: object
    ):
        path = tmp_path / "log.db"
        log = sqlite_log(path)
        row(path, sql, value)
        assert not verified_both_ways(log).ok

    def test_a_text_changed_in_the_file_is_found_as_from_decoded_events(self, tmp_path: Path):
        path = tmp_path / "log.db"
        log = sqlite_log(path)
        key = log.get(f"{DECISION}/1").texts[0].key
        row(path, "UPDATE decision_texts SET value = ? WHERE key = ?", b"0" * 16 + b"Hi", key)
        assert verified_both_ways(log).first.kind == "text-changed"
        row(path, "DELETE FROM decision_texts WHERE key = ?", key)
        assert verified_both_ways(log).first.kind == "text-missing"

    @pytest.mark.parametrize(
        ("kind", "change"),
        [
            ("proposed", {"texts": {"summary": "gone"}}),
            ("proposed", {"texts": ["summary"]}),
            ("proposed", {"texts": "summary"}),
            ("proposed", {"texts": {"summary": {"involves": []}}}),
            ("proposed", {"texts": {"summary": {"commitment": 5, "involves": []}}}),
            ("erased", {"keys": 5}),
            ("erased", {"keys": [["a"]]}),
        ],
    )
    def test_an_event_rehashed_with_texts_the_log_never_writes_is_named(
        self, tmp_path: Path, kind: str, change: dict[str, Any]
    ):
        """Whoever can write the file and hash like the log is reported, never a traceback."""
        import json

        from alignkit.decision_log._chain import event_hash

        path = tmp_path / "log.db"
        log = sqlite_log(path)
        assert log.erase_person("ae-mm-1", T0 + 9 * DAY) == 1
        event = next(e for e in log.store.read_all(category=CATEGORY) if e.kind == kind)
        body = {k: v for k, v in event.data.items() if k != "hash"} | change
        digest = event_hash(
            event.stream, event.version, event.event_id, event.kind, event.actor, event.at, body
        )
        data = json.dumps(body | {"hash": digest}, sort_keys=True, separators=(",", ":"))
        update = "UPDATE events SET data = ?, checksum = NULL WHERE position = ?"
        row(path, update, data, event.position)
        result = verified_both_ways(log)
        assert result.problems[0].kind == "malformed"
        assert result.problems[0].event_id == event.event_id
        assert "written outside the log" in str(result.problems[0])
        # Texts are what is malformed: the chains alone do not look at them.
        chains = verified_both_ways(log, texts=False)
        assert "malformed" not in [problem.kind for problem in chains.problems]

    def test_a_clean_log_is_never_decoded(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
        """Times in any offset, and text beyond ASCII (stored escaped), still take the fast way."""
        from alignkit.decision_log._chain import Verifier

        org = Org(
            functions=[Function("Ventes", "zoë")],
            people=[Person("zoë", "Zoë Ødegaard", "Ventes"), Person("léa", "Léa Roy", "Ventes")],
        )
        rights = DecisionRights.from_table({"choisir-crm": {"zoë": "A", "léa": "C"}})
        log = DecisionLog(rights, org, store=SQLiteStore(tmp_path / "log.db"))
        paris = dt.timezone(dt.timedelta(hours=1))
        for n in range(3):
            at = T0.astimezone(paris) + n * DAY
            record = log.propose("choisir-crm", "zoë", f"Passer à «HubSpot» — {n}", at)
            log.consult(record, "léa", at + HOUR, opinion="D'accord ✓")
            log.decide(record, "zoë", "Oui", at + 2 * HOUR)
        log.erase_person("léa", T0 + 9 * DAY)

        def refuse(*_: object) -> None:
            raise AssertionError("an event was decoded into objects")

        monkeypatch.setattr(Verifier, "check", refuse)
        result = log.verify()
        assert result.ok
        assert result.events == len(log.store.read_all(category=CATEGORY))
        last = log.get(record)
        assert result.heads[record] == ChainHead(len(last.history), last.head)
        assert result.texts > 0

    def test_a_broken_record_does_not_slow_the_others(self, tmp_path: Path):
        """After a record breaks, its later events are skipped, and the rest stay fast."""
        path = tmp_path / "log.db"
        log = sqlite_log(path)
        row(path, "DELETE FROM events WHERE position = 2")
        result = verified_both_ways(log)
        assert [p.kind for p in result.problems] == ["version"]


@settings(max_examples=300, deadline=None)
@given(
    body=st.dictionaries(
        st.text().filter(lambda key: key != "hash"),
        st.none() | st.booleans() | st.integers() | st.text() | st.lists(st.text()),
    ),
    digest=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
)
def test_the_stored_text_without_its_hash_is_the_stored_text_of_the_body(body, digest):
    """As a store writes JSON (sorted keys, no spaces), removing the hash leaves the body's."""
    import json

    from alignkit.decision_log._chain import _without_hash

    def written(data: dict[str, Any]) -> str:
        return json.dumps(data, sort_keys=True, separators=(",", ":"))

    assert _without_hash(written(body | {"hash": digest}), digest) == written(body)
    assert _without_hash(written(body), digest) is None


# -- erasure ----------------------------------------------------------------------------------


MARKER = "Zephyr-7731"


class TestErasure:
    def test_erasure_keeps_ids_and_roles_and_the_chain(self):
        """Olivia Grant's texts, and texts naming her, read as erased; verify still passes."""
        log = acme_log()
        record = log.propose(DECISION, "vp-marketing", "Olivia Grant asked for the integration", T0)
        log.consult(record, "ae-ent-1", T0, opinion="Customers want it", on_behalf_of="Sales")
        log.consult(record, "cfo", T0, opinion="Fine")
        other = log.propose("choose-crm-platform", "cio", "HubSpot", T0)
        assert log.erase_person("ae-ent-1", T0 + HOUR) == 2
        after = log.get(record)
        assert (after.summary, after.consultations[0].opinion) == (ERASED, ERASED)
        assert after.consultations[1].opinion == "Fine"
        assert after.consultations[0].person == "ae-ent-1"
        assert after.consultations[0].speaks_for == ("Sales", "ae-ent-1")
        assert after.erased == ("summary", "consultations[0].opinion")
        assert log.get(other).summary == "HubSpot"
        assert log.verify().ok
        assert log.erase_person("ae-ent-1", T0 + HOUR) == 0
        fresh = acme_log(store=log.store, texts=log.texts)
        assert fresh.get(record).summary == ERASED

    def test_a_person_who_left_is_erased_by_what_was_recorded(self):
        """Who a text involves was kept when it was written."""
        store, texts = MemoryStore(), MemoryTextStore()
        log = acme_log(store=store, texts=texts)
        record = proposed(log)
        log.consult(record, "ae-mm-2", T0, opinion="Sofia Marin says: yes", on_behalf_of="Sales")
        left = Org(functions=ORG.functions, people=[p for p in ORG.people if p.id != "ae-mm-2"])
        later = DecisionLog(RIGHTS, left, store=store, texts=texts)
        assert later.erase_person("ae-mm-2", T0 + DAY) == 1
        assert later.get(record).consultations[0].opinion == ERASED

    def test_erasure_is_dated_after_the_records_it_touches(self):
        """An erasure cannot be slipped in before a record's latest event."""
        log = acme_log()
        decided(log, T0 + DAY)
        with pytest.raises(SpecError, match="before the latest event"):
            log.erase_person("vp-sales", T0)
        with pytest.raises(SpecError, match="`person_id` must not be blank"):
            log.erase_person(" ", T0)

    def test_erased_text_is_gone_from_the_database_file(self, tmp_path: Path):
        """Not only from query results: from the bytes of the file and its WAL."""
        path = tmp_path / "log.db"
        store = SQLiteStore(path)
        log = acme_log(store=store)
        for k in range(150):  # enough texts to split pages of the texts table
            record = log.propose(DECISION, "vp-marketing", f"Plan {k} for region {k % 9}", T0)
            log.consult(record, "vp-sales", T0, opinion=f"Sales note {k} " + "x" * 40)
        target = log.propose(
            DECISION, "vp-marketing", f"Olivia Grant wants the {MARKER} rollout", T0
        )
        log.consult(target, "ae-ent-1", T0, opinion=f"{MARKER} for Olivia", on_behalf_of="Sales")
        for k in range(50):
            log.propose(DECISION, "cio", f"Later plan {k}", T0)

        def file_bytes() -> bytes:
            found = b""
            for suffix in ("", "-wal"):
                part = Path(str(path) + suffix)
                if part.exists():
                    found += part.read_bytes()
            return found

        assert MARKER.encode() in file_bytes()
        assert log.erase_person("ae-ent-1", T0 + HOUR) == 2
        assert log.get(target).summary == ERASED
        assert log.verify().ok
        assert MARKER.encode() not in file_bytes()
        assert b"Sales note 149" in file_bytes()  # the rest is still there


# -- CSV ------------------------------------------------------------------------------------


def csv_of(*rows: str, header: str = "record,kind,actor,at,decision,text,agrees,people") -> str:
    return "\n".join([header, *rows]) + "\n"


class TestCsv:
    def test_round_trip(self):
        """A log exported and imported into an empty one holds the same records."""
        log = acme_log(VETO)
        script(log)
        text = log.to_csv()
        imported = acme_log(VETO)
        ids = imported.import_csv(io.StringIO(text))
        assert ids == tuple(r.record_id for r in log.records())
        assert [attrs.evolve(semantic(r), imported=False) for r in imported.records()] == [
            semantic(r) for r in log.records()
        ]
        assert all(r.imported for r in imported.records())
        assert imported.verify().ok
        assert imported.to_csv().splitlines()[0] == ",".join(CSV_COLUMNS)

    def test_export_is_formula_safe(self):
        """A text that a spreadsheet would run is written as plain text."""
        log = acme_log(VETO)
        script(log)
        text = log.to_csv()
        assert ",'=HYPERLINK(1)" not in text  # the outcome does not start with =
        assert "Launch =HYPERLINK(1)" in text
        log = acme_log()
        record = log.propose(DECISION, "vp-marketing", "=cmd|' /C calc'!A0", T0)
        exported = log.to_csv()
        assert "'=cmd|" in exported
        again = acme_log()
        again.import_csv(io.StringIO(exported))
        assert again.get(record).summary == "=cmd|' /C calc'!A0"

    def test_a_history_decided_without_rights_is_kept_for_review(self, tmp_path: Path):
        """An import records what happened, and says what was wrong with it."""
        path = tmp_path / "history.csv"
        path.write_text(
            csv_of(
                f"old/1,proposed,ae-mm-1,2025-03-01T09:00:00+00:00,{DECISION},Launch,,",
                "old/1,decided,ae-mm-1,2025-03-02T09:00:00+00:00,,Launched,,",
                "old/1,informed,,2025-03-03T09:00:00+00:00,,,,cfo; controller",
            )
        )
        log = acme_log()
        assert log.import_csv(path) == ("old/1",)
        record = log.get("old/1")
        assert (record.authority, record.needs_review, record.imported) == ("none", True, True)
        assert [str(m) for m in record.decided_without] == ["Sales was not consulted"]
        assert record.informed == ("cfo", "controller")
        assert record.history[-1].actor == "ae-mm-1"
        assert proposed(log) == f"{DECISION}/2"  # the second record of the decision

    def test_every_bad_row_is_reported_at_its_row_and_column(self):
        """One SpecError, every problem placed; nothing is imported."""
        text = csv_of(
            f"a/1,proposed,vp-marketing,2026-11-23T09:00:00+00:00,{DECISION},Go,,",
            "a/1,consulted,vp-sales,2026-11-23T10:00:00,,Fine,,",
            "a/1,consultd,vp-sales,2026-11-23T10:00:00+00:00,,Fine,,",
            "b/1,proposed,nobody,2026-11-23T09:00:00+00:00,launch-customer-data-integraton,x,,",
            "c/1,decided,vp-marketing,2026-11-23T09:00:00+00:00,,x,,",
            f"d/1,proposed,vp-marketing,2026-11-23T09:00:00+00:00,{DECISION},Go,,",
            "d/1,informed,,2026-11-23T09:00:00+00:00,,,,cfo",
            f"e/1,proposed,vp-marketing,2026-11-23T09:00:00+00:00,{DECISION},Go,,",
            "e/1,consulted,vp-sales,2026-11-23T09:00:00+00:00,,x,maybe,",
            f"f/1,proposed,vp-marketing,2026-11-23T09:00:00+00:00,{DECISION},Go,,",
            f"f/1,proposed,vp-marketing,2026-11-23T09:00:00+00:00,{DECISION},Go,,",
            "g/1,proposed,vp-marketing,2026-11-23T09:00:00+00:00",
            f"h/1,erased,vp-marketing,2026-11-23T09:00:00+00:00,{DECISION},,,",
            ",proposed,,yesterday,,,,",
        )
        log = acme_log()
        with pytest.raises(SpecError) as raised:
            log.import_csv(io.StringIO(text))
        found = [(str(p.location), p.location.path, p.message) for p in raised.value.problems]
        expected_places = [
            ("<csv>:3:4", ("at",)),
            ("<csv>:4:2", ("kind",)),
            ("<csv>:5:5", ("decision",)),
            ("<csv>:6:1", ("record",)),
            ("<csv>:8:2", ("kind",)),
            ("<csv>:10:7", ("agrees",)),
            ("<csv>:12:1", ("record",)),
            ("<csv>:13:5", ()),
            ("<csv>:14:2", ("kind",)),
            ("<csv>:15:1", ("record",)),
            ("<csv>:15:3", ("actor",)),
            ("<csv>:15:4", ("at",)),
        ]
        assert [(place, path) for place, path, _ in found] == expected_places
        messages = [message for _, _, message in found]
        assert "must say its offset from UTC" in messages[0]
        assert "did you mean 'consulted'" in messages[1]
        assert "did you mean 'launch-customer-data-integration'" in messages[2]
        assert "was not proposed" in messages[3]
        assert "Cannot inform from state PROPOSED" in messages[4]
        assert "yes, no or blank" in messages[5]
        assert "proposed already" in messages[6]
        assert "Row has 4 cells but the header has 8" in messages[7]
        assert "erasure cannot be imported" in messages[8]
        assert log.records() == ()

    def test_an_unknown_actor_is_placed_at_the_actor(self):
        """Errors of the move land on the cell they are about."""
        text = csv_of(
            f"a/1,proposed,nobody,2026-11-23T09:00:00+00:00,{DECISION},Go,,",
            f"b/1,proposed,vp-marketing,2026-11-23T09:00:00+00:00,{DECISION},Go,,",
            "b/1,consulted,cio,2026-11-23T09:00:00+00:00,,x,,",
            "b/1,informed,,2026-11-23T09:00:00+00:00,,,,ghost",
            header="record,kind,actor,at,decision,text,on_behalf_of,people",
        )
        text = text.replace(
            "b/1,consulted,cio,2026-11-23T09:00:00+00:00,,x,,",
            ("b/1,consulted,cio,2026-11-23T09:00:00+00:00,,x,Sales,"),
        )
        with pytest.raises(SpecError) as raised:
            acme_log().import_csv(io.StringIO(text))
        places = [(str(p.location), p.location.path) for p in raised.value.problems]
        assert places == [("<csv>:2:3", ("actor",)), ("<csv>:4:7", ("on_behalf_of",))]

    def test_rows_are_checked_as_the_moves_are(self):
        """Unknown people, times going back, a decision id that changes, supersessions."""
        text = csv_of(
            f"a/1,proposed,vp-marketing,2026-11-23T09:00:00+00:00,{DECISION},Go,,",
            "a/1,consulted,vp-sales,2026-11-22T09:00:00+00:00,,x,,",
            f"b/1,proposed,vp-marketing,2026-11-23T09:00:00+00:00,{DECISION},Go,,",
            "b/1,consulted,vp-sales,2026-11-23T09:00:00+00:00,choose-crm-platform,x,,",
            f"c/1,proposed,vp-marketing,2026-11-23T09:00:00+00:00,{DECISION},Go,,",
            "c/1,consulted,vp-sales,2026-11-23T09:00:00+00:00,,x,,",
            "c/1,decided,vp-marketing,2026-11-23T09:00:00+00:00,,ok,,",
            "c/1,informed,,2026-11-23T09:00:00+00:00,,,,ghost",
            "c/1,superseded,vp-marketing,2026-11-24T09:00:00+00:00,,,,",
            f"d/1,proposed,vp-marketing,2026-11-23T09:00:00+00:00,{DECISION},Go,,",
            "d/1,consulted,vp-sales,2026-11-23T09:00:00+00:00,,x,,",
            "d/1,decided,vp-marketing,2026-11-23T09:00:00+00:00,,ok,,",
            "d/1,superseded,vp-marketing,2026-11-24T09:00:00+00:00,,,,",
            f"e/1,proposed,vp-marketing,2026-11-23T09:00:00+00:00,{DECISION},Go,,",
            "e/1,consulted,vp-sales,2026-11-23T09:00:00+00:00,,x,,",
            "e/1,decided,vp-marketing,2026-11-23T09:00:00+00:00,,ok,,",
            "e/1,informed,vp-sales,2026-11-23T09:00:00+00:00,,,,cfo",
            header="record,kind,actor,at,decision,text,superseded_by,people",
        )
        text = text.replace(
            "d/1,superseded,vp-marketing,2026-11-24T09:00:00+00:00,,,,",
            "d/1,superseded,vp-marketing,2026-11-24T09:00:00+00:00,,,zz/9,",
        )
        with pytest.raises(SpecError) as raised:
            acme_log().import_csv(io.StringIO(text))
        found = [(p.location.row, p.location.path[0], p.message) for p in raised.value.problems]
        assert [(r, c) for r, c, _ in found] == [
            (3, "at"),
            (5, "decision"),
            (9, "people"),
            (14, "superseded_by"),
            (18, "actor"),
        ]
        assert "before the record's previous row" in found[0][2]
        assert (
            "decides `launch-customer-data-integration`, not `choose-crm-platform`" in (found[1][2])
        )
        assert "'ghost'" in found[2][2]
        assert "Unknown decision record 'zz/9'" in found[3][2]
        assert "The decider, `vp-marketing`, informs people" in found[4][2]

    def test_supersessions_are_checked_once_every_row_is_read(self):
        """The newer record may come later in the sheet; it must be a decided one."""
        rows = [
            f"a/1,proposed,vp-marketing,2026-11-23T09:00:00+00:00,{DECISION},Go,",
            "a/1,consulted,vp-sales,2026-11-23T09:00:00+00:00,,x,",
            "a/1,decided,vp-marketing,2026-11-23T09:00:00+00:00,,ok,",
            "a/1,superseded,vp-marketing,2026-11-25T09:00:00+00:00,,,b/1",
            f"b/1,proposed,vp-marketing,2026-11-24T09:00:00+00:00,{DECISION},Go,",
            "b/1,consulted,vp-sales,2026-11-24T09:00:00+00:00,,x,",
            "b/1,decided,vp-marketing,2026-11-24T09:00:00+00:00,,ok,",
        ]
        header = "record,kind,actor,at,decision,text,superseded_by"
        log = acme_log()
        assert log.import_csv(io.StringIO(csv_of(*rows, header=header))) == ("a/1", "b/1")
        assert log.get("a/1").superseded_by == "b/1"
        bad = [*rows[:-1]]  # b/1 never decided
        with pytest.raises(SpecError, match="is CONSULTING, not DECIDED") as raised:
            acme_log().import_csv(io.StringIO(csv_of(*bad, header=header)))
        assert raised.value.problems[0].location.row == 5
        missing = [*rows[:3], rows[3].replace(",b/1", ",")]
        with pytest.raises(SpecError, match="names the record that supersedes it"):
            acme_log().import_csv(io.StringIO(csv_of(*missing, header=header)))
        outsider = [*rows[:3], rows[3].replace("superseded,vp-marketing", "superseded,vp-sales")]
        with pytest.raises(SpecError, match="may supersede"):
            acme_log().import_csv(io.StringIO(csv_of(*outsider, header=header)))
        existing = acme_log()
        existing.import_csv(io.StringIO(csv_of(*rows[4:], header=header)))
        existing.import_csv(io.StringIO(csv_of(*rows[:4], header=header)))
        assert existing.get("a/1").superseded_by == "b/1"

    def test_a_record_already_in_the_log_is_not_imported_again(self):
        """Importing the same history twice is refused at its first row."""
        log = acme_log()
        text = csv_of(f"a/1,proposed,vp-marketing,2026-11-23T09:00:00+00:00,{DECISION},Go,,")
        log.import_csv(io.StringIO(text))
        with pytest.raises(SpecError, match="Record a/1 is proposed already"):
            log.import_csv(io.StringIO(text))

    def test_imported_escalations_and_forums(self):
        """An escalation is worked out again; the forum it names decides."""
        rows = [
            f"a/1,proposed,vp-marketing,2026-11-23T09:00:00+00:00,{DECISION},Go,",
            "a/1,consulted,vp-sales,2026-11-23T09:00:00+00:00,,x,",
            "a/1,consulted,cio,2026-11-23T09:00:00+00:00,,no,no",
            "a/1,escalated,vp-marketing,2026-11-23T10:00:00+00:00,,Stuck,",
            "a/1,decided,Data governance council,2026-11-23T11:00:00+00:00,,Go,",
            f"b/1,proposed,vp-marketing,2026-11-23T09:00:00+00:00,{DECISION},Go,",
            "b/1,withdrawn,vp-marketing,2026-11-23T09:00:00+00:00,,Later,",
            f"c/1,proposed,vp-marketing,2026-11-23T09:00:00+00:00,{DECISION},Go,",
            "c/1,decided,Some council,2026-11-23T09:00:00+00:00,,Go,",
        ]
        header = "record,kind,actor,at,decision,text,agrees"
        with pytest.raises(SpecError, match="Unknown decider 'Some council'") as raised:
            acme_log(VETO).import_csv(io.StringIO(csv_of(*rows, header=header)))
        assert raised.value.problems[0].location.path == ("actor",)
        log = acme_log(VETO)
        log.import_csv(io.StringIO(csv_of(*rows[:-2], header=header)))
        record = log.get("a/1")
        assert (record.settled_by, record.authority, record.needs_review) == (
            "Data governance council",
            "settler",
            False,
        )
        assert log.get("b/1").withdrawal_reason == "Later"

    def test_header_problems(self):
        """Unknown, doubled and missing columns, with suggestions."""
        with pytest.raises(SpecError) as raised:
            acme_log().import_csv(io.StringIO("record,kind,actr,kind,colour\n"))
        messages = [p.message for p in raised.value.problems]
        assert messages[0] == "Unknown column 'actr'; did you mean 'actor'?"
        assert messages[1] == "Column 'kind' appears twice"
        assert messages[2].startswith("Unknown column 'colour'; the columns are record, ")
        assert messages[3] == "Missing columns actor, at"
        assert set(IMPORTED_COLUMNS) < set(CSV_COLUMNS)

    @settings(max_examples=60, deadline=None)
    @given(st.text(max_size=200))
    def test_reading_raises_only_our_errors(self, text: str):
        """Whatever the file holds, an import fails as a SpecError or succeeds."""
        with contextlib.suppress(SpecError):
            acme_log().import_csv(io.StringIO("record,kind,actor,at,text\n" + text))


# -- latency ----------------------------------------------------------------------------------


class TestLatency:
    def test_median_and_p90_overall_and_by_category(self):
        """Time from proposal to decision; open and withdrawn records are left out."""
        log = acme_log()
        for days in (1, 2, 3, 10):
            record = proposed(log)
            log.consult(record, "vp-sales", T0)
            log.decide(record, "vp-marketing", "Go", T0 + days * DAY)
        pricing = log.propose("approve-pricing-exception", "revops-lead", "5%", T0)
        log.consult(pricing, "cfo", T0)
        log.decide(pricing, "vp-sales", "Yes", T0 + 4 * HOUR)
        proposed(log)
        stats = log.latency()
        assert (stats.count, stats.median, stats.p90) == (5, 2 * DAY, 10 * DAY)
        assert list(stats.by_category) == ["data", "pricing"]
        assert stats.by_category["pricing"] == LatencyStats(1, 4 * HOUR, 4 * HOUR)
        assert log.latency(decision_id=DECISION).median == 2.5 * DAY
        assert log.latency(category="pricing").count == 1
        assert log.latency(decision_id="nope") == LatencyStats(0, None, None)

    def test_by_team(self):
        """Only the records decided by the team's members."""
        log = acme_log()
        record = log.propose("set-onboarding-playbook", "onboarding-lead", "New playbook", T0)
        log.consult(record, "vp-sales", T0)
        log.consult(record, "head-support", T0)
        log.decide(record, "onboarding-lead", "Adopted", T0 + 3 * DAY)
        decided(log)
        assert log.latency(team="activation-squad").median == 3 * DAY
        assert log.latency(team=TEAMS[1]).count == 0
        with pytest.raises(UnknownNameError, match="Unknown team 'activation-sqaud'"):
            log.latency(team="activation-sqaud")


# -- values -----------------------------------------------------------------------------------


def moves_keep_texts_with_events(store: Any, texts: Any) -> None:
    """A move that fails takes its texts with it; one that commits keeps both.

    ``texts`` are kept beside ``store``, in its transactions; afterwards ``store``
    holds event ``e1`` of record ``r``, and ``texts`` its summary.
    """

    def failing_move() -> None:
        with store.transaction():
            texts.put({"e1/summary": b"kept only with its event", "e1/other": b"x"})
            store.append("r", [NewEvent("e1", "proposed", "ana", T0)], expected_version=0)
            raise RuntimeError("the move failed")

    with pytest.raises(RuntimeError):
        failing_move()
    assert (texts.get(["e1/summary"]), store.read_all()) == ({}, [])
    with store.transaction():
        texts.put({"e1/summary": b"kept"})
        store.append("r", [NewEvent("e1", "proposed", "ana", T0)], expected_version=0)
    assert texts.get(["e1/summary"]) == {"e1/summary": b"kept"}


class TestValues:
    def test_immutable(self):
        """Records and their parts cannot be changed."""
        log = acme_log()
        record = log.get(decided(log))
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            record.state = DecisionState.PROPOSED  # type: ignore[misc]
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            record.consultations[0].opinion = "x"  # type: ignore[misc]

    def test_copy(self):
        """Copies are equal, and hash alike."""
        log = acme_log()
        record = log.get(decided(log))
        assert copy.deepcopy(record.consultations[0]) == record.consultations[0]
        assert hash(copy.copy(record.consultations[0])) == hash(record.consultations[0])
        missing = MissingInput("Sales", "consultation", voices=("vp-sales",))
        assert copy.copy(missing) == missing
        assert MissingInput.from_data(missing.to_data()) == attrs.evolve(missing, voices=())
        veto = MissingInput("IT", "agreement", vetoed_by="cio")
        assert MissingInput.from_data(veto.to_data()) == veto

    def test_decision_blocked_pickles(self):
        """The error travels between processes with what is missing."""
        error = DecisionBlocked.for_record(
            DECISION, "r/1", [MissingInput("IT", "agreement", voices=tuple("abcd"))]
        )
        assert "(a, b, c ... may speak for it)" in str(error)
        again = pickle.loads(pickle.dumps(error))
        assert str(again) == str(error)
        assert isinstance(error, AlignkitError)

    def test_text_store_protocol(self):
        """Both text stores are TextStores, and check what they are given."""
        assert isinstance(MemoryTextStore(), TextStore)
        texts = MemoryTextStore()
        with pytest.raises(SpecError, match="not one key"):
            texts.get("k1")
        with pytest.raises(SpecError, match="must map keys to bytes"):
            texts.put([("k", b"v")])  # type: ignore[arg-type]
        with pytest.raises(SpecError, match="non-blank key to bytes"):
            texts.put({"k": "v"})  # type: ignore[dict-item]

    def test_sqlite_text_store(self, tmp_path: Path):
        """Put, get, delete in chunks; refuses another program's database."""
        path = tmp_path / "t.db"
        with SQLiteTextStore(path, synchronous="NORMAL") as texts:
            texts.put({f"k{n}": b"v%d" % n for n in range(1200)})
            texts.put({"k1": b"new"})
            assert len(texts.get([f"k{n}" for n in range(1200)])) == 1200
            assert texts.get(["k1", "nope"]) == {"k1": b"new"}
            assert texts.delete([f"k{n}" for n in range(600)] + ["nope"]) == 600
            assert texts.path == str(path)
        other = tmp_path / "other.db"
        sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
        with pytest.raises(StoreError, match="not an alignkit event store"):
            SQLiteTextStore(other)
        with SQLiteTextStore(":memory:") as texts:
            texts.put({"a": b"b"})
            assert texts.get(["a"]) == {"a": b"b"}
        closed = SQLiteTextStore(tmp_path / "c.db")
        closed.close()
        for call in (
            lambda: closed.get(["a"]),
            lambda: closed.put({"a": b"b", "c": b"d"}),
            lambda: closed.delete(["a"]),
        ):
            with pytest.raises(StoreError, match="cannot"):
                call()

    def test_texts_beside_a_store_share_its_transactions(self, tmp_path: Path):
        """Put inside the store's transaction, texts commit or roll back with its events."""
        store = SQLiteStore(tmp_path / "log.db")
        texts = SQLiteTextStore.beside(store)
        assert (texts.path, texts.read_only) == (store.path, False)

        moves_keep_texts_with_events(store, texts)
        other = SQLiteTextStore(tmp_path / "log.db")
        assert other.get(["e1/summary"]) == {"e1/summary": b"kept"}
        with store.transaction():
            assert texts.delete(["e1/summary"]) == 1
        texts.purge()
        assert other.get(["e1/summary"]) == {}
        texts.close()  # leaves the store open: it is the store's connection
        assert store.version("r") == 1

    def test_texts_beside_a_read_only_or_closed_store(self, tmp_path: Path):
        """They read, and refuse to write; a closed store is a StoreError; so is another type."""
        path = tmp_path / "log.db"
        log = acme_log(store=SQLiteStore(path))
        key = log.get(proposed(log)).texts[0].key
        with SQLiteStore(path, read_only=True) as store:
            texts = SQLiteTextStore.beside(store)
            assert texts.read_only
            assert list(texts.get([key])) == [key]
            with pytest.raises(StoreError, match="read-only"):
                texts.put({"k": b"v"})
        with pytest.raises(StoreError, match="closed"):
            SQLiteTextStore.beside(store)
        with pytest.raises(SpecError, match="must be a SQLiteStore"):
            SQLiteTextStore.beside(MemoryStore())  # type: ignore[arg-type]

    def test_a_refused_move_on_sqlite_leaves_no_text_behind(self, tmp_path: Path):
        """Texts and event share one transaction: a lost race stores neither."""
        path = tmp_path / "log.db"
        first = acme_log(store=SQLiteStore(path))
        second = acme_log(store=SQLiteStore(path))
        record = proposed(first)
        second.replay()
        second.consult(record, "vp-sales", T0, opinion="Second was first")
        before = sqlite3.connect(path).execute("SELECT count(*) FROM decision_texts").fetchone()
        store = first.store
        assert isinstance(store, SQLiteStore)
        refused = []
        append = store.append_returning

        def lose_once(*args: Any, **kwargs: Any) -> object:
            store.append_returning = append  # type: ignore[method-assign]
            refused.append(kwargs["expected_version"])
            raise ConcurrencyError(record, kwargs["expected_version"], 2)

        store.append_returning = lose_once  # type: ignore[method-assign]
        first.consult(record, "cio", T0, opinion="After catching up")
        assert refused == [1]
        after = sqlite3.connect(path).execute("SELECT count(*) FROM decision_texts").fetchone()
        assert after[0] == before[0] + 1  # the refused attempt's opinion is not there
        assert first.verify().ok

    def test_consultation_defaults(self):
        """A consultation without a sign-off or an opinion."""
        consultation = Consultation("cfo", T0)
        assert (consultation.opinion, consultation.agrees, consultation.speaks_for) == (
            "",
            None,
            (),
        )


# -- the state machine ------------------------------------------------------------------------

SM_ORG = Org(
    functions=[
        Function("Marketing", "vpm"),
        Function("IT", "cio"),
        Function("Sales", "vps"),
        Function("Finance", "cfo"),
    ],
    people=[
        Person("ceo", "Dana Reyes", "Marketing"),
        Person("vpm", "Chloe Dubois", "Marketing", "ceo"),
        Person("cio", "Victor Hale", "IT", "ceo"),
        Person("eng", "Omar Farouk", "IT", "cio"),
        Person("vps", "Sam Okafor", "Sales", "ceo"),
        Person("ae", "Lee Park", "Sales", "vps"),
        Person("cfo", "Helen Brooks", "Finance", "ceo"),
    ],
)
SM_RIGHTS = DecisionRights.model_validate(
    {
        "scheme": "rapid",
        "forums": {"pricing": "Revenue council"},
        "decisions": [
            {"id": "launch", "category": "data", "accountable": "Marketing", "agree": ["IT"],
             "consulted": ["Sales"]},
            {"id": "discount", "category": "pricing", "accountable": "vps", "agree": ["ae"],
             "consulted": ["Finance"]},
        ],
    }
)  # fmt: skip
PEOPLE = sorted(SM_ORG.person_ids)
SPEAKERS = st.one_of(
    st.sampled_from([("vps", None, None), ("ae", "Sales", None), ("cio", None, True),
                     ("eng", "IT", True), ("cio", None, False), ("cfo", None, None),
                     ("ae", None, True), ("ae", None, False)]),
    st.tuples(st.sampled_from(PEOPLE), st.sampled_from([None, "IT", "Sales", "Finance", "ae"]),
              st.sampled_from([None, True, False])),
)  # fmt: skip
"""Who is consulted, for whom, and their sign-off: voices that count, more often than chance."""
ROUTES = {
    "launch": ((("vps", None), ("eng", "IT")), "vpm", "ceo"),
    "discount": ((("cfo", None), ("ae", None)), "vps", "Revenue council"),
}
"""For each decision: who to consult (the last must agree), the decider, who settles."""
EXPECTED = (TransitionError, PermissionDenied, DecisionBlocked, SpecError, UnknownNameError)


def satisfies(org: Org, consultation: Consultation, party: str) -> bool:
    """Whether ``consultation`` speaks for ``party``, worked out from the org alone."""
    if org.get_person(party) is not None:
        return consultation.person == party
    head = org.head(party)
    if head is not None and head.id == consultation.person:
        return True
    member = org.person(consultation.person).function == party
    return member and consultation.on_behalf_of == party


class DecisionLogMachine(RuleBasedStateMachine):
    """Random moves by random actors on two logs sharing one store."""

    def __init__(self) -> None:
        super().__init__()
        self.store = SQLiteStore(":memory:")
        self.texts = MemoryTextStore()
        self.logs = [
            DecisionLog(SM_RIGHTS, SM_ORG, store=self.store, texts=self.texts) for _ in range(2)
        ]
        self.clock = T0
        self.ids: list[str] = []

    def tick(self) -> dt.datetime:
        self.clock += dt.timedelta(minutes=7)
        return self.clock

    @initialize(decision=st.sampled_from(["launch", "discount"]))
    def first_proposal(self, decision: str) -> None:
        proposer = ROUTES[decision][1]
        self.ids.append(self.logs[0].propose(decision, proposer, "The first plan", self.tick()))

    def pick(self, data: st.DataObject) -> str:
        """A record, the latest ones more often, so that some get decided."""
        return data.draw(st.one_of(st.sampled_from(self.ids[-2:]), st.sampled_from(self.ids)))

    def attempt(self, name: str, move: Callable[[], object]) -> None:
        try:
            move()
        except EXPECTED as error:
            record_event(f"{name}: {type(error).__name__}")
        else:
            record_event(f"{name}: done")

    @rule(which=st.sampled_from([0, 1]), decision=st.sampled_from(["launch", "discount"]),
          actor=st.sampled_from([*PEOPLE, "ghost"]))  # fmt: skip
    def propose(self, which: int, decision: str, actor: str) -> None:
        def move() -> None:
            self.ids.append(
                self.logs[which].propose(decision, actor, f"Plan by {actor}", self.tick())
            )

        self.attempt("propose", move)

    @precondition(lambda self: self.ids)
    @rule(which=st.sampled_from([0, 1]), data=st.data(), speaker=SPEAKERS)
    def consult(
        self, which: int, data: st.DataObject, speaker: tuple[str, str | None, bool | None]
    ) -> None:
        actor, behalf, agrees = speaker
        record = self.pick(data)
        self.attempt(
            "consult",
            lambda: self.logs[which].consult(
                record,
                actor,
                self.tick(),
                opinion=f"{actor} thinks",
                agrees=agrees,
                on_behalf_of=behalf,
            ),
        )

    @precondition(lambda self: self.ids)
    @rule(which=st.sampled_from([0, 1]), data=st.data(),
          actor=st.one_of(st.sampled_from(["vpm", "vps", "ceo", "Revenue council"]),
                          st.sampled_from(PEOPLE)))  # fmt: skip
    def decide(self, which: int, data: st.DataObject, actor: str) -> None:
        record = self.pick(data)
        self.attempt("decide", lambda: self.logs[which].decide(record, actor, "Done", self.tick()))

    @precondition(lambda self: self.ids)
    @rule(which=st.sampled_from([0, 1]), data=st.data(), actor=st.sampled_from(PEOPLE))
    def escalate(self, which: int, data: st.DataObject, actor: str) -> None:
        record = self.pick(data)
        self.attempt(
            "escalate", lambda: self.logs[which].escalate(record, actor, self.tick(), "Stuck")
        )

    @precondition(lambda self: self.ids)
    @rule(which=st.sampled_from([0, 1]), data=st.data(), actor=st.sampled_from(PEOPLE))
    def withdraw(self, which: int, data: st.DataObject, actor: str) -> None:
        record = self.pick(data)
        self.attempt("withdraw", lambda: self.logs[which].withdraw(record, actor, self.tick()))

    @precondition(lambda self: len(self.ids) > 1)
    @rule(which=st.sampled_from([0, 1]), data=st.data(), actor=st.sampled_from(PEOPLE))
    def supersede(self, which: int, data: st.DataObject, actor: str) -> None:
        old, new = data.draw(st.permutations(self.ids))[:2]
        self.attempt("supersede", lambda: self.logs[which].supersede(old, new, actor, self.tick()))

    @precondition(lambda self: self.ids)
    @rule(which=st.sampled_from([0, 1]), data=st.data(),
          people=st.lists(st.sampled_from(PEOPLE), max_size=3))  # fmt: skip
    def inform(self, which: int, data: st.DataObject, people: list[str]) -> None:
        record = self.pick(data)
        self.attempt("inform", lambda: self.logs[which].inform(record, people, self.tick()))

    @precondition(lambda self: self.ids)
    @rule(which=st.sampled_from([0, 1]), data=st.data(),
          agrees=st.sampled_from([True, True, False]), settle=st.booleans())  # fmt: skip
    def push_to_a_decision(
        self, which: int, data: st.DataObject, agrees: bool, settle: bool
    ) -> None:
        """The voices that count, then the decider (or, escalated, who settles)."""
        record = self.pick(data)
        log = self.logs[which]
        voices, decider, settler = ROUTES[record.split("/")[0]]
        for number, (actor, behalf) in enumerate(voices):
            sign = agrees if number else None
            self.attempt(
                "consult",
                partial(log.consult, record, actor, self.tick(), agrees=sign, on_behalf_of=behalf),
            )
        if settle:
            self.attempt("escalate", lambda: log.escalate(record, decider, self.tick(), "Stuck"))
        who = settler if settle else decider
        self.attempt("decide", lambda: log.decide(record, who, "Done", self.tick()))

    @precondition(lambda self: self.ids)
    @rule(data=st.data(), how=st.sampled_from([m for m, _ in mutations() if m != "drop"]))
    def tamper_with_a_copy(self, data: st.DataObject, how: str) -> None:
        """Any one event changed in a copy of the store fails verification there."""
        events = self.store.read_all(category=CATEGORY)
        index = data.draw(st.integers(0, len(events) - 1))
        copied, target = mutated_copy(self.logs[0], index, dict(mutations())[how])
        result = copied.verify()
        assert not result.ok
        assert result.first is not None
        assert result.first.record == target.stream

    @invariant()
    def the_log_holds(self) -> None:
        """Rights were obeyed; replay equals live state; the untouched log verifies."""
        truth = DecisionLog(SM_RIGHTS, SM_ORG, store=self.store, texts=self.texts).records()
        for record in truth:
            if record.decided_at is not None:
                record_event(f"decided by {record.authority}")
                check_decision(record)
        replayed = {record.record_id: record for record in truth}
        for log in self.logs:
            for record in log.records():
                full = replayed[record.record_id]
                assert full.history[: record.version] == record.history
                if full.version == record.version:
                    assert full == record
        assert self.logs[0].verify().ok


def check_decision(record: DecisionRecord) -> None:
    """The decider had the right, or was named by an escalation, and heard everyone needed.

    Worked out from the org and the rights alone, not from what the log recorded as
    satisfied.
    """
    assert record.decided_at is not None
    decision = SM_RIGHTS.decision(record.decision_id)
    before = [c for c in record.consultations if c.at <= record.decided_at]
    for party in decision.consulted:
        assert any(satisfies(SM_ORG, c, party) for c in before), (record, party)
    assert record.decided_without == ()
    if record.authority == "decider":
        assert SM_RIGHTS.can_decide(str(record.decider), record.decision_id, SM_ORG)
        for party in decision.agree:
            signed = [c for c in before if c.agrees is not None and satisfies(SM_ORG, c, party)]
            assert signed, (record, party)
            assert signed[-1].agrees is True, (record, party)
        return
    assert record.authority == "settler"
    settled = [e for e in record.escalations if e.at <= record.decided_at]
    settler = settled[-1].settled_by
    assert record.decider == settler  # a person, or the forum under its own name
    if settler != "Revenue council":
        between = settled[-1].between
        manager = SM_ORG.lowest_common_manager(between[0], between[1])
        assert manager is not None
        for other in between[2:]:
            manager = SM_ORG.lowest_common_manager(manager.id, other)
            assert manager is not None
        assert manager.id == settler


DecisionLogMachine.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestDecisionLogMachine = DecisionLogMachine.TestCase


# -- what a store changed behind the log's back, and other edges -------------------------------


def raw(store: MemoryStore, stream: str, kind: str, data: dict[str, Any], actor: str = "vp-sales"):
    version = store.version(stream)
    event = NewEvent(f"{stream}:{version + 1}", kind, actor, T0, data)
    store.append(stream, [event], expected_version=version, category=CATEGORY)


class TestEdges:
    def test_a_store_changed_behind_the_logs_back_is_still_read_and_verified(self):
        """Odd events do not stop a log from opening: verify says what is wrong."""
        store = MemoryStore()
        raw(store, "orphan", "consulted", {})  # no proposal first
        raw(store, "odd/1", "proposed", {"decision": DECISION, "category": 3})
        raw(store, "odd/1", "proposed", {"decision": DECISION})  # proposed twice
        raw(store, "odd/1", "consulted", {"speaks_for": "Sales", "agrees": "yes"})
        raw(store, "odd/1", "escalated", {})
        raw(store, "odd/1", "decided", {"authority": "boss", "without": ["x", {"need": "?"}]})
        log = acme_log(store=store)
        record = log.get("odd/1")
        assert (record.category, record.summary, record.version) == (None, "", 5)
        assert record.consultations[0].speaks_for == ()
        assert record.consultations[0].agrees is None
        assert record.escalations[0].settled_by == ""
        assert record.authority == "none"
        assert [m.need for m in record.decided_without] == ["consultation"]
        with pytest.raises(UnknownNameError):
            log.get("orphan")
        problems = log.verify().problems
        assert {p.record for p in problems} == {"orphan", "odd/1"}
        assert {p.kind for p in problems} == {"content"}

    def test_odd_events_are_exported_as_the_record_reads_them(self):
        """An export of a store changed behind the log's back is a sheet, not a traceback."""
        store = MemoryStore()
        raw(store, "odd/1", "proposed", {"decision": DECISION})
        raw(store, "odd/1", "decided", {})
        raw(store, "odd/1", "informed", {"people": 5})
        raw(store, "odd/1", "informed", {"people": "cfo"})
        raw(store, "odd/1", "informed", {"people": ["cfo", 7]})
        rows = list(csv.DictReader(io.StringIO(acme_log(store=store).to_csv())))
        assert [row["people"] for row in rows if row["kind"] == "informed"] == ["", "", "cfo;7"]

    def test_a_stream_of_another_category_is_no_record(self):
        """A deal's stream in the same store is not a decision record."""
        store = MemoryStore()
        store.append("D-1", [NewEvent("h1", "deal_stage", "crm", T0)], expected_version=0)
        log = acme_log(store=store)
        with pytest.raises(UnknownNameError, match="Unknown decision record 'D-1'"):
            log.get("D-1")

    def test_an_erased_text_put_back_is_found(self):
        """verify() says a text an erasure removed is in the text store again."""
        texts = MemoryTextStore()
        log = acme_log(texts=texts)
        record = proposed(log)
        ref = log.get(record).texts[0]
        kept = texts.get([ref.key])
        assert log.erase_person("vp-marketing", T0) == 1
        texts.put(kept)
        first = log.verify().first
        assert first is not None
        assert first.kind == "text-not-erased"
        assert log.erase_person("nobody-at-all", T0) == 0

    def test_an_export_shows_erasures(self):
        """The erasure is an event of the record, exported as a row of its own."""
        log = acme_log()
        record = decided(log)
        log.erase_person("vp-sales", T0 + DAY)
        rows = log.to_csv().splitlines()
        assert rows[-1].startswith(f"{record},4,erased,vp-sales,")
        assert ",[erased]," in rows[2]

    def test_texts_kept_in_memory_are_few(self, monkeypatch: pytest.MonkeyPatch):
        """The log keeps only the latest texts; the others are read from the text store."""
        import alignkit.decision_log._log as module

        monkeypatch.setattr(module, "_CACHED_TEXTS", 2)
        log = acme_log()
        first = decided(log)
        decided(log)
        assert len(log._cache) == 2
        assert log.get(first).summary == "Launch the integration in Q1"

    def test_an_unreadable_event_between_other_categories(self, tmp_path: Path):
        """The event the store refuses to read is skipped, whatever lies between."""
        path = tmp_path / "log.db"
        store = SQLiteStore(path)
        log = acme_log(store=store)
        record = proposed(log)
        for n in range(3):
            store.append(f"D-{n}", [NewEvent(f"h{n}", "deal_stage", "crm", T0)], expected_version=0)
        log.consult(record, "vp-sales", T0)
        for n in range(3, 5):
            store.append(f"D-{n}", [NewEvent(f"h{n}", "deal_stage", "crm", T0)], expected_version=0)
        later = proposed(log)
        target = log.get(record).history[1]
        row(path, "UPDATE events SET actor = 'ceo' WHERE event_id = ?", target.event_id)
        result = log.verify()
        assert [p.kind for p in result.problems] == ["unreadable"]
        assert f"event {target.position} of stream" in result.problems[0].message
        assert later in result.heads

    def test_a_log_that_keeps_losing_the_race_gives_up(self):
        """After a few tries against other writers, the ConcurrencyError is the caller's."""

        class Busy(PlainStore):
            busy = False

            def append(self, stream, events, *, expected_version, category="handoff"):
                if self.busy:
                    raise ConcurrencyError(stream, expected_version, expected_version + 1)
                return super().append(
                    stream, events, expected_version=expected_version, category=category
                )

        store = Busy()
        log = acme_log(store=store, texts=MemoryTextStore())
        record = proposed(log)
        store.busy = True
        with pytest.raises(ConcurrencyError):
            log.consult(record, "vp-sales", T0)

    def test_a_failed_import_leaves_no_text_behind(self):
        """An import the store refuses takes its texts back."""

        class Failing(PlainStore):
            def append(self, stream, events, *, expected_version, category="handoff"):
                raise StoreError.for_store("x.db", "the disk is full")

        texts = MemoryTextStore()
        log = acme_log(store=Failing(), texts=texts)
        text = csv_of(f"a/1,proposed,vp-marketing,2026-11-23T09:00:00+00:00,{DECISION},Go,,")
        with pytest.raises(StoreError):
            log.import_csv(io.StringIO(text))
        assert len(texts) == 0

    def test_a_function_without_a_head(self):
        """Its members speak for it on its behalf; nobody decides or settles as it."""
        org = Org(
            functions=[Function("Ops"), Function("Sales", "s")],
            people=[Person("o", "Oli Ode", "Ops", "s"), Person("s", "Sue Sato", "Sales")],
        )
        rights = DecisionRights.from_table({"d": {"s": "A", "Ops": "C"}})
        log = DecisionLog(rights, org)
        record = log.propose("d", "s", "Plan", T0)
        assert log.missing(record)[0].voices == ("o",)
        log.consult(record, "o", T0, on_behalf_of="Ops")
        assert log.missing(record) == ()
        from alignkit.decision_log._parties import Parties

        assert Parties(org, ()).settlers("Ops") == frozenset()

    def test_a_forum_settles_several_vetoes(self):
        """With a forum for the category, the forum settles however many veto."""
        rights = DecisionRights.model_validate(
            {
                "scheme": "rapid",
                "forums": {"vendors": "Vendor board"},
                "decisions": [
                    {"id": "pick-vendor", "category": "vendors", "accountable": "ae-mm-1",
                     "agree": ["ae-mm-2", "cfo"]},
                ],
            }
        )  # fmt: skip
        log = DecisionLog(rights, ORG)
        record = log.propose("pick-vendor", "ae-mm-1", "Acme Corp", T0)
        log.consult(record, "ae-mm-2", T0, agrees=False)
        log.consult(record, "cfo", T0, agrees=False)
        escalated = log.escalate(record, "ae-mm-1", T0, "Both say no")
        assert escalated.settled_by == "Vendor board"

    def test_mentions_find_ids_and_full_names(self):
        """Whole words, any case; a person whose name has no words is found by id."""
        from alignkit.decision_log._texts import Mentions

        org = Org(people=[Person("ae-1", "Lee Park", "Sales"), Person("x-2", "...", "Sales")])
        assert Mentions(org).find("LEE park met x-2; not Lee") == {"ae-1", "x-2"}
        assert Mentions(Org()).find("anyone") == set()
