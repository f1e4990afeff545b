"""alignkit.rules: every code is documented, and its examples prove it."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from alignkit.alignment_file import loads
from alignkit.diagnostics import Severity
from alignkit.errors import SpecError, UnknownNameError
from alignkit.rules import RULES, Rule, get_rule

DAY = dt.date(2026, 11, 23)
PREFIXES = ("AK", "ORG", "DR", "HO", "SQ", "BN", "IN", "CH", "VS", "GL")


def codes_found(text: str) -> set[str]:
    """The codes reported for a file: its findings, or the problems that stop the check."""
    try:
        report = loads(text, file="alignment.yaml").check(at=DAY)
    except SpecError as error:
        return {p.code for p in error.problems if p.code}
    return set(report.codes)


@pytest.mark.parametrize("rule", list(RULES.values()), ids=list(RULES))
class TestEveryRule:
    def test_code_and_name_follow_the_conventions(self, rule: Rule):
        """Area prefix + three digits; a kebab-case name for the problem."""
        assert re.fullmatch(r"(AK|ORG|DR|HO|SQ|BN|IN|CH|VS|GL)[0-9]{3}", rule.code)
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name)
        assert not rule.name.startswith(("use-", "add-", "fix-", "remove-"))

    def test_documentation_has_every_section(self, rule: Rule):
        """What it does, why, example, use instead, options."""
        page = rule.to_markdown()
        for heading in ("What it does", "Why is this bad?", "Example", "Use instead", "Options"):
            assert f"## {heading}" in page
        assert rule.summary.endswith(".")
        assert rule.fix

    def test_example_is_flagged(self, rule: Rule):
        """The Example section triggers the rule."""
        assert rule.code in codes_found(rule.example)

    def test_use_instead_is_not_flagged(self, rule: Rule):
        """The Use instead section does not trigger it."""
        assert rule.code not in codes_found(rule.use_instead)

    def test_terminal_text(self, rule: Rule):
        """`alignkit rule CODE` text names the code, the sections and the page."""
        text = rule.to_text()
        assert text.startswith(f"{rule.code} {rule.name} ({rule.severity.value})")
        assert text.rstrip().endswith(rule.url)


class TestCatalogue:
    def test_names_are_unique(self):
        """A name identifies one code."""
        names = [r.name for r in RULES.values()]
        assert len(names) == len(set(names))

    def test_lookup_is_case_insensitive(self):
        """`alignkit rule org001` works."""
        assert get_rule(" org001 ") is RULES["ORG001"]

    def test_unknown_code(self):
        """A miss suggests the nearest code."""
        with pytest.raises(UnknownNameError, match="did you mean 'ORG001'"):
            get_rule("ORG001x")

    def test_diagnostic_uses_the_rule_defaults(self):
        """A finding carries the rule's severity and default hint."""
        finding = RULES["ORG006"].diagnostic("x", path=("org", "functions", 1), target="Sales")
        assert finding.severity is Severity.WARNING
        assert finding.hint == RULES["ORG006"].fix
        assert finding.location is not None
        assert finding.location.path == ("org", "functions", 1)

    def test_every_area_prefix_is_known(self):
        """Codes only use the documented prefixes."""
        assert {c.rstrip("0123456789") for c in RULES} <= set(PREFIXES)
