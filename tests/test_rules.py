"""alignkit.rules: every code is documented, and its examples prove it."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from alignkit.alignment_file import AlignmentFile, loads
from alignkit.diagnostics import Severity
from alignkit.errors import SpecError, UnknownNameError
from alignkit.rules import RULES, Rule, get_rule

DAY = dt.date(2026, 11, 23)
PREFIXES = ("AK", "ORG", "DR", "HO", "SQ", "BN", "IN", "DL", "RV", "CH", "VS", "GL", "SC", "CO")


def codes_found(text: str) -> set[str]:
    """The codes reported for a file: its findings, or the problems that stop the check."""
    try:
        report = loads(text, file="alignment.yaml").check(at=DAY)
    except SpecError as error:
        return {p.code for p in error.problems if p.code}
    return set(report.codes)


def _names_of_stated_kind(rule: Rule, file: AlignmentFile, target: str) -> set[str]:
    """The names in `file` of the kind `rule.target` states ("the person's id" ...)."""
    stated = rule.target
    if "as written" in stated or stated.startswith("the party"):
        # Not declared anywhere (a typo, or any party): the target is the text as written.
        return set(re.findall(r"[\w-]+", rule.example)) & {target}
    if stated.startswith("the two functions"):
        a, b = target.split("/")
        return {target} if {a, b} <= file.org.function_names else set()
    rights = file.decision_rights
    kinds = {
        "person": file.org.person_ids,
        "member": {m.id for t in file.teams for m in t.members},
        "function": file.org.function_names,
        "decision": {d.id for d in rights.decisions} if rights else set(),
        "category": {d.category for d in rights.decisions if d.category} if rights else set(),
        "gate": {g.name for g in file.handoffs.gates} if file.handoffs else set(),
        "team": {t.name for t in file.teams},
        "plan": {p.name for p in file.bonus_plans},
        "deal": {pm.deal_id for pm in file.review.post_mortems} if file.review else set(),
    }
    named = [kind for kind in kinds if re.search(rf"\b{kind}\b", stated)]
    assert named, f"{rule.code} states no kind of name: {stated!r}"
    return set().union(*(kinds[kind] for kind in named))


@pytest.mark.parametrize("rule", list(RULES.values()), ids=list(RULES))
class TestEveryRule:
    def test_code_and_name_follow_the_conventions(self, rule: Rule):
        """Area prefix + three digits; a kebab-case name for the problem."""
        assert re.fullmatch(rf"({'|'.join(PREFIXES)})[0-9]{{3}}", rule.code)
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

    def test_states_what_an_ignore_names(self, rule: Rule):
        """Every code says what `target:` to ignore it with; only `AK` codes cannot be."""
        if rule.code.startswith("AK"):
            assert rule.target == ""
            line = "Cannot be ignored: `ignore:` never silences a finding about the alignment file"
        else:
            assert rule.target
            assert "`" not in rule.target
            line = f"Ignore with: `{{code: {rule.code}, target: <{rule.target}>}}`"
        assert line in rule.to_markdown()
        assert line in rule.to_text()


@pytest.mark.parametrize(
    "rule", [r for r in RULES.values() if r.target], ids=[c for c, r in RULES.items() if r.target]
)
class TestEveryIgnorableRule:
    def test_stated_target_is_what_findings_carry(self, rule: Rule):
        """The Example's findings carry a target of the kind the rule states."""
        file = loads(rule.example, file="alignment.yaml")
        targets = [d.target for d in file.check(at=DAY) if d.code == rule.code]
        assert targets
        for target in targets:
            assert target is not None
            assert target in _names_of_stated_kind(rule, file, target)


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

    @pytest.mark.parametrize(
        ("code", "target"),
        [
            ("ORG002", "ceo"),
            ("ORG010", "Sales"),
            ("DR005", "ceo"),
            ("DR009", "launch-integration"),
            ("DR012", "pricng"),
            ("HO002", "enterprise"),
            ("SQ004", "onb-1"),
            ("SQ008", "csm-2"),
            ("BN003", "Sales"),
            ("IN001", "Sales/Operations"),
        ],
    )
    def test_example_findings_carry_the_expected_target(self, code: str, target: str):
        """Read off each Example by hand: the first finding's target is that name."""
        report = loads(RULES[code].example, file="alignment.yaml").check(at=DAY)
        assert next(d.target for d in report if d.code == code) == target

    def test_ak_findings_cannot_be_ignored(self):
        """An `ignore:` entry naming an `AK` code and its target silences nothing."""
        text = (
            RULES["ORG006"].use_instead
            + "ignore:\n"
            + "  - {code: ORG007, target: Sales, reason: Interim head}\n"
            + "  - {code: AK002, target: Sales, reason: Trying to hide the other entry}\n"
        )
        report = loads(text, file="alignment.yaml").check(at=DAY)
        assert [(d.code, d.target) for d in report] == [("AK002", "Sales"), ("AK002", "Sales")]

    def test_every_area_prefix_is_known(self):
        """Codes only use the documented prefixes."""
        assert {c.rstrip("0123456789") for c in RULES} <= set(PREFIXES)
