"""alignkit.diagnose: which system causes most friction, and the one change to make first."""

from __future__ import annotations

import json
from decimal import Decimal
from types import SimpleNamespace

from click.testing import CliRunner

from alignkit._rule import SALES_OPS
from alignkit.alignment_file import loads
from alignkit.cli import main
from alignkit.diagnose import EVIDENCE_CODES, diagnose
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
