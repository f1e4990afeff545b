"""alignkit.diagnose: which system causes most friction, and the one change to make first."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import attrs
import pytest
from click.testing import CliRunner

from alignkit._rule import SALES_OPS
from alignkit.alignment_file import loads
from alignkit.cli import main
from alignkit.diagnose import EVIDENCE_CODES, diagnose
from alignkit.errors import SpecError
from alignkit.rules import RULES


def finding(code: str, message: str = "found") -> object:
    return RULES[code].diagnostic(message, path=("org",))


CLEAN = SALES_OPS  # two functions and their heads: no findings
ALIGNMENT = loads(CLEAN)


class TestScores:
    def test_findings_count_by_system_and_weight(self):
        found = [finding("IN001"), finding("GL005"), finding("GL005"), finding("SQ002")]
        result = diagnose(ALIGNMENT, findings=found)
        scores = {s.system: (s.score, round(s.share, 2)) for s in result.scores}
        # warnings weigh 2, errors 3 (SQ002): 2 + 4 + 3 = 9 in all
        assert scores == {
            "incentives": (2, 0.22),
            "information_flow": (4, 0.44),
            "team_structure": (3, 0.33),
        }
        assert result.recommendation is not None
        assert result.recommendation.system == "information_flow"
        assert "GL005" in result.recommendation.why
        assert result.headline.startswith("Information flow causes most friction")

    def test_ties_go_to_the_order_the_playbook_names_the_systems(self):
        result = diagnose(ALIGNMENT, findings=[finding("GL005"), finding("IN001")])
        assert result.recommendation.system == "incentives"

    def test_findings_of_no_system_and_no_friction(self):
        assert diagnose(ALIGNMENT, findings=[finding("ORG006")]).recommendation is None
        assert diagnose(ALIGNMENT).headline.startswith("No friction found")
        assert all(
            code[:2] in ("IN", "BN", "GL", "CH", "HO", "SQ", "DR") for code in EVIDENCE_CODES
        )

    def test_a_desk_and_an_sla_report_add_measured_friction(self):
        desk = SimpleNamespace(metrics=lambda: SimpleNamespace(flag_rate=0.4))
        sla = SimpleNamespace(
            by_channel=[SimpleNamespace(messages=100, breaches=30)], misuse=("m1",) * 20
        )
        result = diagnose(ALIGNMENT, desk=desk, sla=sla, findings=[finding("IN001")])
        information = result.score("information_flow")
        assert [(e.code, e.weight) for e in information.evidence] == [
            ("handoffs", 4),
            ("sla", 3),
            ("chat-misuse", 2),
        ]
        assert result.recommendation.system == "information_flow"
        assert "(measured: handoffs, sla, chat-misuse)" in result.recommendation.why

    def test_measured_rates_round_half_up(self):
        """A quarter of handoffs flagged is 3 points, as people round 2.5, not 2."""
        desk = SimpleNamespace(metrics=lambda: SimpleNamespace(flag_rate=0.25))
        evidence = diagnose(ALIGNMENT, desk=desk, findings=[]).score("information_flow").evidence
        assert [(e.code, e.weight) for e in evidence] == [("handoffs", 3)]


class TestRecommendation:
    def test_the_return_from_the_silo_cost_model(self):
        text = CLEAN + (
            "silo_cost:\n"
            "  loaded_cost: {Sales: 100000, Operations: 90000}\n"
            "  new_customers_per_year: 40\n"
            "  customer_value: 30000\n"
        )
        result = diagnose(loads(text), findings=[finding("GL005")], roi_cost=50_000)
        roi = result.recommendation.roi
        assert roi is not None
        assert roi.saving.point == Decimal("90000.00")
        assert "Estimated return (Minimum Viable Handoff)" in result.to_markdown()
        assert json.loads(result.to_json())["recommendation"]["return"]["net"] == "40000.00"

    def test_a_negative_cost_of_the_change_is_refused(self):
        text = CLEAN + (
            "silo_cost:\n"
            "  loaded_cost: {Sales: 100000, Operations: 90000}\n"
            "  new_customers_per_year: 40\n"
            "  customer_value: 30000\n"
        )
        with pytest.raises(SpecError, match="`cost` cannot be negative"):
            diagnose(loads(text), findings=[finding("GL005")], roi_cost=-1)

    def test_no_return_where_the_model_prices_nothing_the_change_acts_on(self):
        assert diagnose(ALIGNMENT, findings=[finding("IN001")]).recommendation.roi is None
        assert diagnose(ALIGNMENT, findings=[finding("GL005")]).recommendation.roi is None
        priced = loads(CLEAN + "silo_cost:\n  loaded_cost: {Sales: 1, Operations: 1}\n")
        assert diagnose(priced, findings=[finding("GL005")]).recommendation.roi is None

    def test_markdown_and_json_list_the_evidence(self):
        result = diagnose(ALIGNMENT, findings=[finding("DR005", "ana decides 40% of decisions")])
        text = result.to_markdown()
        assert "| Team structure | 2 | 100% |" in text
        assert "- DR005 (org): ana decides 40% of decisions" in text
        data = json.loads(result.to_json())
        assert data["scores"][2]["evidence"][0]["code"] == "DR005"


def test_a_real_file_and_the_command(tmp_path):
    text = RULES["IN001"].example
    result = diagnose(loads(text))
    assert result.recommendation is not None
    assert result.recommendation.system == "incentives"
    path = tmp_path / "alignment.yaml"
    path.write_text(text)
    shown = CliRunner().invoke(main, ["diagnose", str(path)])
    assert shown.exit_code == 0, shown.output
    assert "Incentives causes most friction" in shown.output
    data = json.loads(CliRunner().invoke(main, ["diagnose", str(path), "--format", "json"]).output)
    assert data["recommendation"]["system"] == "incentives"
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\norg: 3\n")
    assert CliRunner().invoke(main, ["diagnose", str(broken)]).exit_code == 2


DESK_FILE = (
    "version: 1\n"
    "org:\n"
    "  functions:\n"
    "    - {name: Sales, head: vp-sales}\n"
    "    - {name: Operations, head: vp-ops}\n"
    "  people:\n"
    "    - {id: vp-sales, name: Sam Okafor, function: Sales}\n"
    "    - {id: ae-1, name: Lee Park, function: Sales, manager: vp-sales}\n"
    "    - {id: vp-ops, name: Priya Nair, function: Operations}\n"
    "    - {id: onb-1, name: Ana Ruiz, function: Operations, manager: vp-ops}\n"
    "handoffs: {sending: Sales, receiving: Operations}\n"
)

# An urgent, blocking chat answered 3 h later (a breach of its 1 h target), and a
# chat that was neither urgent nor blocking (misuse).
SLA_LOG = (
    "id,channel,kind,sent_at,sender_function,receiver_function,first_response_at,urgent,blocking\n"
    "m1,chat,outage,2026-11-30T10:00:00Z,Sales,Operations,2026-11-30T13:00:00Z,yes,yes\n"
    "m2,chat,question,2026-11-30T10:00:00Z,Sales,Operations,2026-11-30T10:05:00Z,no,no\n"
)


def information_flow(output: str) -> dict[str, object]:
    return next(s for s in json.loads(output)["scores"] if s["system"] == "information_flow")


class TestCommandMeasures:
    """`alignkit diagnose FILE --store DB --sla LOG.csv`: measured friction in information flow."""

    @pytest.fixture
    def files(self, tmp_path: Path) -> tuple[Path, Path]:
        """The file, and a store where 2 of its 4 handoffs were flagged."""
        from alignkit.handoff import Artifact, DealEvent, HandoffPackage, SuccessCriterion
        from alignkit.store import SQLiteStore

        path = tmp_path / "alignment.yaml"
        path.write_text(DESK_FILE)
        store_path = tmp_path / "handoffs.db"
        alignment = loads(DESK_FILE)
        won, hour = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC), dt.timedelta(hours=1)
        with SQLiteStore(store_path) as store:
            desk = alignment.section("handoffs").desk(alignment.org, store=store)
            for n in range(4):
                deal = f"D-{n}"
                desk.receive(DealEvent(f"w{n}", deal, "Closed-Won", won, {"owner": "ae-1"}))
                package = HandoffPackage.model_validate(
                    {
                        "deal_id": deal,
                        "customer": "Globex",
                        "from_function": "Sales",
                        "to_function": "Operations",
                        "owner": "ae-1",
                        "artifacts": [
                            Artifact("scoping_document", status="complete"),
                            Artifact("sow", status="signed", signed_by="Globex CFO", signed_at=won),
                        ],
                        "success_criteria": [SuccessCriterion("Weekly active users", "wau", 200)],
                    }
                )
                desk.submit(deal, package, "ae-1", won + hour)
            for n in (0, 1):
                desk.accept(f"D-{n}", "onb-1", won + 2 * hour)
            for n in (2, 3):
                desk.flag(f"D-{n}", "onb-1", "Success criteria unclear", "scope", won + 2 * hour)
        return path, store_path

    def test_the_store_adds_the_desks_flag_rate(self, files: tuple[Path, Path]):
        from alignkit.store import SQLiteStore

        path, store_path = files
        runner = CliRunner()
        measured = runner.invoke(
            main, ["diagnose", str(path), "--store", str(store_path), "--format", "json"]
        )
        assert measured.exit_code == 0, measured.output
        alignment = loads(DESK_FILE)
        with SQLiteStore(store_path, read_only=True) as store:
            desk = alignment.section("handoffs").desk(alignment.org, store=store)
            expected = diagnose(alignment, desk=desk).score("information_flow")
        shown = information_flow(measured.stdout)
        assert shown["evidence"] == [attrs.asdict(e) for e in expected.evidence]
        assert shown["score"] == expected.score
        assert {
            "system": "information_flow",
            "code": "handoffs",
            "message": "50% of handoffs were flagged",
            "where": "measured",
            "weight": 5,
        } in shown["evidence"]
        without = runner.invoke(main, ["diagnose", str(path), "--format", "json"])
        assert without.exit_code == 0, without.output
        assert shown["score"] > information_flow(without.stdout)["score"]
        text = runner.invoke(main, ["diagnose", str(path), "--store", str(store_path)])
        assert "- handoffs (measured): 50% of handoffs were flagged" in text.stdout

    def test_the_log_adds_breaches_and_chat_misuse(self, files: tuple[Path, Path]):
        path, store_path = files
        log = path.with_name("log.csv")
        log.write_text(SLA_LOG)
        result = CliRunner().invoke(main, ["diagnose", str(path), "--sla", str(log)])
        assert result.exit_code == 0, result.output
        assert "- sla (measured): 50% of messages missed their SLA" in result.stdout
        assert "- chat-misuse (measured): 50% of messages misused chat" in result.stdout
        both = CliRunner().invoke(
            main,
            ["diagnose", str(path), "--sla", str(log), "--store", str(store_path)],
            catch_exceptions=False,
        )
        codes = [line.split(" ")[1] for line in both.stdout.splitlines() if "(measured)" in line]
        assert codes == ["handoffs", "sla", "chat-misuse"]

    def test_open_messages_are_judged_at_the_given_moment(self, files: tuple[Path, Path]):
        """--at repeats a run: a message still open is on time early on, late later."""
        path, _ = files
        log = path.with_name("open.csv")
        log.write_text(
            "id,channel,kind,sent_at,sender_function,receiver_function,first_response_at\n"
            "m1,email,status,2026-11-02T10:00:00Z,Sales,Operations,\n"
        )
        runner = CliRunner()

        def flow(at: str) -> str:
            result = runner.invoke(main, ["diagnose", str(path), "--sla", str(log), "--at", at])
            assert result.exit_code == 0, result.output
            return result.stdout

        assert "missed their SLA" not in flow("2026-11-02T11:00:00+00:00")
        assert "100% of messages missed their SLA" in flow("2026-11-20T11:00:00+00:00")

    def test_a_store_that_is_missing_or_damaged(self, files: tuple[Path, Path]):
        path, _ = files
        missing = path.with_name("none.db")
        result = CliRunner().invoke(main, ["diagnose", str(path), "--store", str(missing)])
        assert result.exit_code == 2
        assert isinstance(result.exception, SystemExit)  # not a traceback
        assert "none.db" in result.stderr
        assert "there is no such file" in result.stderr
        damaged = path.with_name("damaged.db")
        damaged.write_bytes(b"not a database at all" * 100)
        result = CliRunner().invoke(main, ["diagnose", str(path), "--store", str(damaged)])
        assert result.exit_code == 2
        assert isinstance(result.exception, SystemExit)
        assert "damaged.db" in result.stderr
        assert "not an alignkit event store" in result.stderr

    def test_a_store_without_a_handoffs_section_is_a_usage_error(
        self, files: tuple[Path, Path], tmp_path: Path
    ):
        _, store_path = files
        path = tmp_path / "plain.yaml"
        path.write_text(CLEAN)
        result = CliRunner().invoke(main, ["diagnose", str(path), "--store", str(store_path)])
        assert result.exit_code == 2
        assert isinstance(result.exception, SystemExit)
        assert "--store needs a `handoffs` section in" in result.stderr
        assert "plain.yaml" in result.stderr

    def test_bad_rows_of_the_log_are_reported_with_exit_2(self, files: tuple[Path, Path]):
        path, _ = files
        log = path.with_name("log.csv")
        log.write_text(SLA_LOG + "m3,chat,question,2026-11-30T10:00:00,Sales,Operations,,,\n")
        result = CliRunner().invoke(main, ["diagnose", str(path), "--sla", str(log)])
        assert result.exit_code == 2
        assert isinstance(result.exception, SystemExit)
        assert "log.csv:4:4:" in result.stderr
        assert "has no offset from UTC" in result.stderr
        assert result.stdout == ""  # no diagnosis from a log that cannot be read
