"""alignkit.review.review_agenda: what a cross-team review should look at, most urgent first."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from alignkit.alignment_file import AlignmentFile, loads
from alignkit.cli import main
from alignkit.decision_log import DecisionLog
from alignkit.errors import SpecError
from alignkit.handoff import Artifact, DealEvent, HandoffDesk, HandoffPackage, SuccessCriterion
from alignkit.review import ITEM_KINDS, Agenda, AgendaItem, review_agenda
from alignkit.squads import pilot_scorecard
from alignkit.store import NewEvent, SQLiteStore

ACME = Path(__file__).parent.parent / "examples" / "acme" / "alignment.yaml"
AT = dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC)

SMALL = """\
version: 1
org:
  functions:
    - {name: Executive, head: ceo}
    - {name: Sales, head: vp-sales}
    - {name: Operations, head: vp-ops}
    - {name: Finance, head: cfo}
  people:
    - {id: ceo, name: Dana Reyes, function: Executive}
    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}
    - {id: ae-1, name: Lee Park, function: Sales, manager: vp-sales}
    - {id: vp-ops, name: Priya Nair, function: Operations, manager: ceo}
    - {id: onb-1, name: Ana Ruiz, function: Operations, manager: vp-ops}
    - {id: cfo, name: Helen Brooks, function: Finance, manager: ceo}
"""


def small(extra: str = "") -> AlignmentFile:
    return loads(SMALL + extra, file="alignment.yaml")


def won(desk: HandoffDesk, deal: str, at: dt.datetime) -> None:
    desk.receive(DealEvent(f"won-{deal}", deal, "Closed-Won", at, {"owner": "ae-1"}))


def submitted(desk: HandoffDesk, deal: str, at: dt.datetime) -> None:
    package = HandoffPackage(
        deal_id=deal,
        customer="Globex",
        from_function="Sales",
        to_function="Operations",
        owner="ae-1",
        artifacts=[
            Artifact("sow", status="signed", signed_by="Globex CFO", signed_at=at),
            Artifact("scoping_document", status="complete"),
        ],
        success_criteria=[SuccessCriterion("Weekly active users", "wau", 200)],
    )
    desk.submit(deal, package, "ae-1", at)


class TestSources:
    def test_a_clean_file_with_nothing_recorded_has_an_empty_agenda(self):
        agenda = review_agenda(loads(ACME.read_text(), file=str(ACME)), at=AT)
        assert len(agenda) == 0
        assert "Nothing needs the review's attention." in agenda.to_markdown()

    def test_findings_of_check_become_items_errors_before_warnings(self):
        file = small(
            "decision_rights:\n  decisions:\n"
            "    - {id: pick-crm, accountable: Sales, responsible: [Legal]}\n"  # DR001 error
            "    - {id: set-price, accountable: Finance}\n"  # DR002 warning
        )
        agenda = review_agenda(file, at=AT)
        kinds = [item.kind for item in agenda]
        assert "check-error" in kinds
        assert "check-warning" in kinds
        assert kinds.index("check-error") < kinds.index("check-warning")
        error = agenda.by_kind("check-error")[0]
        assert error.source == "findings"
        assert error.ref.startswith("DR001 alignment.yaml:")
        # Findings worked out already are taken as they are, not checked again.
        given = review_agenda(file, at=AT, findings=list(file.check(at=AT).diagnostics))
        assert given.items == agenda.items
        assert not review_agenda(file, at=AT, findings=[]).by_kind("check-error")

    def test_a_finding_about_one_function_is_owned_by_its_head(self):
        file = small(
            "decision_rights:\n  decisions:\n    - {id: set-price, accountable: Finance}\n"
        )
        (warning,) = review_agenda(file, at=AT).by_kind("check-warning")
        assert warning.functions == ()  # DR002's target is the decision, not a function
        assert warning.owner is None

    def test_incentive_conflicts_no_shared_metric_covers_are_listed_with_a_common_manager(self):
        plans = """\
bonus_plans:
  - name: sales-plan
    functions: [Sales]
    components:
      - {name: new bookings, metric: new_bookings, weight: 1.0}
  - name: ops-plan
    functions: [Operations]
    components:
      - {name: onboarding quality, metric: implementation_quality, weight: 1.0}
incentives:
  tensions:
    - {metrics: [new_bookings, implementation_quality], reason: Speed of close against quality}
"""
        file = small(plans)
        conflicts = review_agenda(file, at=AT).by_kind("incentive-conflict")
        assert len(conflicts) == 1
        (item,) = conflicts
        assert item.functions == ("Operations", "Sales")
        assert item.owner == "ceo"  # the lowest common manager of both heads
        assert "new_bookings" in item.detail
        assert "implementation_quality" in item.detail

    def test_flagged_and_stalled_handoffs(self):
        file = small("handoffs: {sending: Sales, receiving: Operations}\n")
        desk = file.section("handoffs").desk(file.org)
        won(desk, "D-1", AT - dt.timedelta(days=3))
        submitted(desk, "D-1", AT - dt.timedelta(days=3))
        desk.flag("D-1", "onb-1", "No SOW attached", "missing-artifact", AT - dt.timedelta(days=2))
        won(desk, "D-2", AT - dt.timedelta(days=30))
        won(desk, "D-3", AT - dt.timedelta(days=1))  # recent: not on the agenda
        agenda = review_agenda(file, desk=desk, at=AT)
        (flagged,) = agenda.by_kind("flagged-handoff")
        (stalled,) = agenda.by_kind("stalled-handoff")
        assert flagged.ref == "D-1"
        assert flagged.owner == "ae-1"
        assert "No SOW attached" in flagged.detail
        assert stalled.ref == "D-2"
        assert stalled.since == AT - dt.timedelta(days=30)
        assert [item.ref for item in agenda if item.source == "handoffs"] == ["D-1", "D-2"]

    def test_the_review_section_sets_the_handoff_threshold_and_the_sources(self):
        file = small(
            "handoffs: {sending: Sales, receiving: Operations}\n"
            "review:\n  handoff_open_days: 45\n  include: [handoffs]\n"
            "decision_rights:\n  decisions:\n    - {id: set-price, accountable: Finance}\n"
        )
        desk = file.section("handoffs").desk(file.org)
        won(desk, "D-2", AT - dt.timedelta(days=30))
        agenda = review_agenda(file, desk=desk, at=AT)
        assert len(agenda) == 0  # 30 days is within 45; findings are not included
        assert agenda.sources == ("handoffs",)


class TestRendering:
    def items(self) -> Agenda:
        file = small(
            "decision_rights:\n  decisions:\n    - {id: set-price, accountable: Finance}\n"
        )
        return review_agenda(file, at=AT)

    def test_markdown_numbers_items_and_names_owner_and_source(self):
        text = self.items().to_markdown()
        assert text.startswith("# Cross-team review: 2027-03-01\n")
        assert "1. **DR002" in text
        assert "source: findings" in text
        assert "owner: to be named" in text

    def test_markdown_escapes_what_the_data_says(self):
        item = AgendaItem("check-error", "A *bold* [link](x)", "<b>hi</b>", "findings", "X")
        text = Agenda(AT, (item,)).to_markdown()
        assert r"A \*bold\* \[link\](x)" in text
        assert r"\<b\>hi\</b\>" in text

    def test_json_round_trips_and_is_stable(self):
        agenda = self.items()
        data = json.loads(agenda.to_json())
        assert data["at"] == AT.isoformat()
        assert [i["kind"] for i in data["items"]] == [i.kind for i in agenda]
        assert agenda.to_json() == self.items().to_json()

    def test_items_sort_by_urgency_then_longest_waiting(self):
        old = AgendaItem(
            "waiting-decision", "old", "", "decisions", "b", since=AT - dt.timedelta(9)
        )
        new = AgendaItem(
            "waiting-decision", "new", "", "decisions", "a", since=AT - dt.timedelta(1)
        )
        urgent = AgendaItem("escalated-decision", "esc", "", "decisions", "z", since=AT)
        undated = AgendaItem("waiting-decision", "undated", "", "decisions", "0")
        ordered = sorted([undated, new, urgent, old], key=AgendaItem.sort_key)
        assert [i.title for i in ordered] == ["esc", "old", "new", "undated"]

    def test_every_kind_has_a_place_in_the_order(self):
        assert len(set(ITEM_KINDS)) == len(ITEM_KINDS)
        assert ITEM_KINDS[0] == "escalated-decision"


def test_a_naive_time_is_refused():
    with pytest.raises(SpecError, match="timezone"):
        review_agenda(small(), at=dt.datetime(2027, 3, 1))  # noqa: DTZ001 - the point


class TestCommand:
    def run(self, *args: str) -> Result:
        return CliRunner().invoke(main, ["review", *args])

    def test_markdown_agenda_of_the_example(self):
        result = self.run(str(ACME), "--at", "2027-03-01T09:00:00+00:00")
        assert result.exit_code == 0, result.output
        assert result.output.startswith("# Cross-team review: 2027-03-01")

    def test_json_agenda_lists_findings(self, tmp_path: Path):
        path = tmp_path / "alignment.yaml"
        path.write_text(
            SMALL + "decision_rights:\n  decisions:\n    - {id: set-price, accountable: Finance}\n"
        )
        result = self.run(str(path), "--at", "2027-03-01T09:00:00Z", "--format", "json")
        assert result.exit_code == 0, result.output
        data = json.loads(result.output)
        assert [item["kind"] for item in data["items"]] == ["check-warning"]

    def test_a_time_without_offset_is_a_usage_error(self):
        result = self.run(str(ACME), "--at", "2027-03-01T09:00:00")
        assert result.exit_code == 2
        assert "no UTC offset" in result.output

    def test_a_missing_store_is_reported_not_created(self, tmp_path: Path):
        missing = tmp_path / "missing.db"
        result = self.run(str(ACME), "--store", str(missing))
        assert result.exit_code == 2
        assert not missing.exists()
        # Said as a command line user can act on: no word of the library's read_only=True.
        assert f"Event store {str(missing)!r}: there is no such file\n" in result.stderr
        assert "read_only" not in result.stderr

    def test_a_store_changed_behind_its_back_is_said_plainly(self, tmp_path: Path):
        """An event no desk wrote stops the review with its place, not a traceback."""
        path = tmp_path / "ops.db"
        store = SQLiteStore(path)
        desk = HandoffDesk(small().org, store=store)
        won(desk, "D-1", AT - dt.timedelta(days=3))
        odd = NewEvent("odd-1", "flagged", "onb-1", AT, {"flag_id": "f", "reason": 7})
        store.append("D-1", [odd], expected_version=1)
        store.close()
        result = self.run(str(ACME), "--store", str(path), "--at", AT.isoformat())
        assert result.exit_code == 2
        assert isinstance(result.exception, SystemExit)  # not a traceback
        assert "Event 'odd-1' ('flagged', stream 'D-1', position 2)" in result.stderr

    def test_a_broken_file_is_reported_with_its_location(self, tmp_path: Path):
        path = tmp_path / "alignment.yaml"
        path.write_text("version: 1\norg: [\n")
        result = self.run(str(path))
        assert result.exit_code == 2
        assert "alignment.yaml:" in result.output


RIGHTS = """\
decision_rights:
  scheme: rapid
  forums: {pricing: Revenue council}
  decisions:
    - id: pick-crm
      accountable: Sales
      responsible: [ae-1]
      agree: [Operations]
      consulted: [Finance]
    - {id: set-discount, category: pricing, accountable: Sales, responsible: [ae-1],
       consulted: [Finance]}
decision_log:
  max_wait_days: 5
  decisions:
    - {id: set-discount, max_wait_days: 2}
"""


def log_of(file: AlignmentFile, **options: object) -> DecisionLog:
    return DecisionLog(file.decision_rights, file.org, **options)


class TestDecisionItems:
    def test_a_veto_is_on_the_agenda_owned_by_the_decider(self):
        file = small(RIGHTS)
        log = log_of(file)
        record = log.propose("pick-crm", "ae-1", "Move to a new CRM", AT - dt.timedelta(days=1))
        log.consult(record, "vp-ops", AT - dt.timedelta(hours=20), agrees=False)
        (item,) = review_agenda(file, log=log, at=AT).by_kind("vetoed-decision")
        assert item.owner == "vp-sales"
        assert item.functions == ("Operations", "Sales")
        assert "Operations (by vp-ops)" in item.detail
        assert item.since == AT - dt.timedelta(hours=20)

    def test_an_escalation_outranks_everything_and_names_who_settles(self):
        file = small(RIGHTS)
        log = log_of(file)
        record = log.propose("pick-crm", "ae-1", "Move to a new CRM", AT - dt.timedelta(days=1))
        log.consult(record, "vp-ops", AT - dt.timedelta(hours=20), agrees=False)
        log.escalate(record, "vp-sales", AT - dt.timedelta(hours=10), "Renewal is due")
        agenda = review_agenda(file, log=log, at=AT)
        assert agenda.items[0].kind == "escalated-decision"
        assert agenda.items[0].owner == "ceo"  # above vp-sales and vp-ops
        assert not agenda.by_kind("vetoed-decision")  # one item per record

    def test_waiting_uses_the_decision_s_own_threshold(self):
        file = small(RIGHTS)
        log = log_of(file)
        log.propose("set-discount", "ae-1", "10% for Globex", AT - dt.timedelta(days=3))
        log.propose("pick-crm", "ae-1", "Move to a new CRM", AT - dt.timedelta(days=3))
        waiting = review_agenda(file, log=log, at=AT).by_kind("waiting-decision")
        assert [item.ref.split()[0] for item in waiting] == ["set-discount"]  # 3 > 2, 3 < 5

    def test_decided_without_input_and_still_to_inform(self):
        file = small(RIGHTS)
        log = log_of(file, require_consultation=False)
        record = log.propose("set-discount", "ae-1", "10% for Globex", AT - dt.timedelta(days=1))
        log.decide(record, "vp-sales", "Yes", AT - dt.timedelta(hours=1))
        agenda = review_agenda(file, log=log, at=AT)
        (without,) = agenda.by_kind("decided-without-input")
        assert "Finance was not consulted" in without.detail

    def test_same_inputs_same_agenda(self):
        file = small(RIGHTS)
        log = log_of(file)
        for n in range(3):
            log.propose("pick-crm", "ae-1", f"Option {n}", AT - dt.timedelta(days=9))
        first = review_agenda(file, log=log, at=AT)
        again = review_agenda(file, log=log_of(file, store=log.store), at=AT)
        assert first == again
        assert len(first.by_kind("waiting-decision")) == 3


def test_review_command_reads_the_log_from_the_store(tmp_path: Path):
    path = tmp_path / "alignment.yaml"
    path.write_text(SMALL + RIGHTS)
    file = loads(path.read_text(), file=str(path))
    db = tmp_path / "alignment.db"
    with SQLiteStore(db) as store:
        log = log_of(file, store=store)
        record = log.propose("pick-crm", "ae-1", "Move to a new CRM", AT - dt.timedelta(days=1))
        log.consult(record, "vp-ops", AT - dt.timedelta(hours=20), agrees=False)
    result = CliRunner().invoke(
        main, ["review", str(path), "--store", str(db), "--at", AT.isoformat(), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    kinds = [item["kind"] for item in json.loads(result.output)["items"]]
    assert kinds == ["vetoed-decision"]


def test_pilot_scorecard_reads_a_decision_log():
    file = small(
        RIGHTS + "teams:\n  - name: Deal desk\n    model: pod\n    members:\n"
        "      - {id: vp-sales, function: Sales}\n      - {id: ae-1, function: Sales}\n"
        "      - {id: onb-1, function: Operations}\n"
    )
    log = log_of(file, require_consultation=False)
    for hours in (2, 6):
        record = log.propose("set-discount", "ae-1", "Discount", AT)
        log.decide(record, "vp-sales", "Yes", AT + dt.timedelta(hours=hours))
    card = pilot_scorecard(file.teams[0], log)
    assert card.decisions == 2
    assert card.median_decision_time == dt.timedelta(hours=4)
