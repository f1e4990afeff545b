"""Report.to_sarif: the rules of the driver follow SARIF 2.1.0's reportingDescriptor."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import attrs
import pytest
from click.testing import CliRunner

from alignkit.cli import main
from alignkit.diagnostics import Diagnostic, Location, Report
from alignkit.rules import RULES

# SARIF 2.1.0, section 3.49: the properties a reportingDescriptor may have.
DESCRIPTOR_KEYS = {
    "id",
    "deprecatedIds",
    "guid",
    "deprecatedGuids",
    "name",
    "deprecatedNames",
    "shortDescription",
    "fullDescription",
    "messageStrings",
    "helpUri",
    "help",
    "defaultConfiguration",
    "relationships",
    "properties",
}
LEVELS = {"none", "note", "warning", "error"}  # section 3.58.6


def assert_message_string(value: Any) -> None:
    """A multiformatMessageString (section 3.12): `text` required, `markdown` optional."""
    assert isinstance(value, dict)
    assert set(value) <= {"text", "markdown", "properties"}
    assert isinstance(value["text"], str)
    assert value["text"].strip()


def assert_descriptor(rule: Any) -> None:
    """A reportingDescriptor (section 3.49) as the spec's schema requires it."""
    assert isinstance(rule, dict)
    assert set(rule) <= DESCRIPTOR_KEYS
    assert isinstance(rule["id"], str)
    if "name" in rule:
        assert isinstance(rule["name"], str)
    for key in ("shortDescription", "fullDescription", "help"):
        if key in rule:
            assert_message_string(rule[key])
    if "helpUri" in rule:
        uri = urlsplit(rule["helpUri"])
        assert (uri.scheme, bool(uri.netloc)) == ("https", True)  # an absolute URI
    if "defaultConfiguration" in rule:
        assert rule["defaultConfiguration"]["level"] in LEVELS


def sarif_rules(report: Report) -> list[Any]:
    rules: list[Any] = json.loads(report.to_sarif())["runs"][0]["tool"]["driver"]["rules"]
    return rules


EVERY_CODE = Report(
    [rule.diagnostic(f"a finding of {rule.code}", path=("org",)) for rule in RULES.values()]
)


class TestRuleDescriptors:
    def test_every_rule_is_a_valid_reporting_descriptor(self):
        """Each rule entry has only SARIF's keys, with SARIF's types."""
        rules = sarif_rules(EVERY_CODE)
        assert len(rules) == len(RULES)
        for rule in rules:
            assert_descriptor(rule)

    def test_rules_carry_name_summary_description_and_page(self):
        """Each catalogue code has its name, summary, what it does, and its docs page."""
        for rule in sarif_rules(EVERY_CODE):
            known = RULES[rule["id"]]
            assert rule["name"] == known.name
            assert rule["shortDescription"] == {"text": known.summary}
            assert rule["fullDescription"] == {"text": known.what}
            assert (
                rule["helpUri"] == f"https://alignkit.readthedocs.io/en/latest/rules/{known.code}/"
            )
            assert rule["defaultConfiguration"] == {
                "level": {"error": "error", "warning": "warning", "info": "note"}[known.severity]
            }

    def test_name_comes_from_the_catalogue(self):
        """A finding built without a name still gives its rule the catalogue's name."""
        rules = sarif_rules(Report([Diagnostic("ORG001", "error", "Person `a` reports to `x`")]))
        assert rules[0]["name"] == "unknown-manager"
        assert rules[0]["shortDescription"] == {"text": RULES["ORG001"].summary}

    def test_code_outside_the_catalogue_is_still_valid(self):
        """A code alignkit does not know gets a valid, minimal descriptor."""
        (rule,) = sarif_rules(Report([Diagnostic("ZZ001", "warning", "x")]))
        assert_descriptor(rule)
        assert "shortDescription" not in rule

    def test_check_command_writes_the_summary(self, tmp_path: Path):
        """`alignkit check --format sarif` carries each rule's summary."""
        path = tmp_path / "alignment.yaml"
        path.write_text(
            "version: 1\norg:\n  functions: [{name: Sales}]\n"
            "  people: [{id: a, name: A, function: Sales}]\n",
            encoding="utf-8",
        )
        result = CliRunner().invoke(main, ["check", "--format", "sarif", str(path)])
        (rule,) = json.loads(result.stdout)["runs"][0]["tool"]["driver"]["rules"]
        assert (rule["id"], rule["shortDescription"]["text"]) == ("ORG006", RULES["ORG006"].summary)

    def test_results_point_at_their_rules(self):
        """ruleIndex finds the result's rule among the descriptors."""
        found = [
            RULES["ORG009"].diagnostic("x", location=Location("a.yaml", line=3)),
            RULES["DR002"].diagnostic("y", location=Location("a.yaml", line=1)),
        ]
        log = json.loads(Report(found).to_sarif())
        run = log["runs"][0]
        for result in run["results"]:
            assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]

    def test_diagnostics_does_not_import_the_rules(self):
        """The catalogue registers itself: diagnostics never imports it, even for SARIF."""
        code = (
            "import sys, alignkit.diagnostics as d\n"
            "d.Report([d.Diagnostic('ORG001', 'error', 'x')]).to_sarif()\n"
            "print('alignkit.rules' in sys.modules)\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        assert out == "False\n"

    def test_registered_codes_are_described(self, monkeypatch: pytest.MonkeyPatch):
        """A tool's own codes, registered like the catalogue, get their descriptions too."""
        import alignkit.diagnostics
        from alignkit.diagnostics import register_rules

        monkeypatch.setattr(
            alignkit.diagnostics, "_CATALOGUES", list(alignkit.diagnostics._CATALOGUES)
        )
        from alignkit.rules import Rule

        custom = attrs.evolve(RULES["ORG001"], code="ORG901", name="custom-thing", summary="S.")
        register_rules({"ORG901": custom})
        log = json.loads(Report([Diagnostic("ORG901", "error", "x")]).to_sarif())
        (rule,) = log["runs"][0]["tool"]["driver"]["rules"]
        assert (rule["name"], rule["shortDescription"]) == ("custom-thing", {"text": "S."})
        assert isinstance(custom, Rule)
