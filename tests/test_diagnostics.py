"""alignkit.diagnostics: findings, reports and their renderings."""

from __future__ import annotations

import copy
import json
import re
import unicodedata

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from alignkit.diagnostics import Diagnostic, Location, Report, Severity, format_path
from tests.strategies import diagnostics

ERROR = Diagnostic(
    "ORG001",
    Severity.ERROR,
    "Person `bo` reports to `x`, who is not in the org",
    location=Location("alignment.yaml", line=14, column=7, path=("org", "people", 3, "manager")),
    hint="Did you mean `ceo`?",
    target="bo",
    name="unknown-manager",
)
WARNING = Diagnostic(
    "ORG006",
    Severity.WARNING,
    "Function `Support` has no head",
    location=Location("alignment.yaml", line=9, column=7, path=("org", "functions", 6)),
    target="Support",
)
INFO = Diagnostic("ORG009", "info", "Function `Legal` has no members")


class TestLocation:
    def test_yaml_location_reads_like_an_editor_link(self):
        """file:line:column, as editors and CI parse it."""
        assert str(Location("a.yaml", line=3, column=9)) == "a.yaml:3:9"

    def test_csv_location_uses_row_when_no_line(self):
        """A CSV cell renders as file:row:column."""
        assert str(Location("p.csv", row=12, column=3)) == "p.csv:12:3"

    def test_path_only_location_renders_the_path(self):
        """Python objects are located by field path."""
        assert str(Location(path=("org", "people", 0, "id"))) == "org.people[0].id"
        assert str(Location()) == "<input>"

    def test_repr_is_constructor_style(self):
        """repr() can be pasted back into Python."""
        loc = Location("a.yaml", line=3, path=("org",))
        assert repr(loc) == "Location('a.yaml', line=3, path=('org',))"
        assert eval(repr(loc)) == loc  # noqa: S307 - our own repr

    def test_immutable_and_hashable(self):
        """Locations are values."""
        loc = Location("a.yaml", line=1)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            loc.line = 2  # type: ignore[misc]
        assert {loc, Location("a.yaml", line=1)} == {loc}

    def test_copy(self):
        """Copies are equal."""
        loc = Location("a.yaml", line=1, path=("x", 1))
        assert copy.deepcopy(loc) == loc

    def test_path_is_always_a_tuple(self):
        """A list path is stored as a tuple, so locations stay hashable."""
        assert Location(path=["a", 1]).path == ("a", 1)  # type: ignore[arg-type]

    def test_format_path(self):
        """Indexes in brackets, keys dotted."""
        assert format_path((0, "a", "b", 2)) == "[0].a.b[2]"


class TestSeverity:
    def test_order(self):
        """Error outranks warning outranks info."""
        assert sorted([Severity.WARNING, Severity.ERROR, Severity.INFO]) == [
            Severity.INFO,
            Severity.WARNING,
            Severity.ERROR,
        ]
        assert Severity.INFO <= Severity.INFO
        assert Severity.ERROR >= Severity.WARNING

    def test_comparison_with_other_types_is_refused(self):
        """Severities compare only with severities."""
        with pytest.raises(TypeError):
            _ = Severity.ERROR < 1  # type: ignore[operator]
        for op in ("__lt__", "__le__", "__gt__", "__ge__"):
            assert getattr(Severity.ERROR, op)(1) is NotImplemented

    def test_from_string(self):
        """Diagnostic accepts the severity's name."""
        assert INFO.severity is Severity.INFO


class TestDiagnostic:
    def test_text_rendering(self):
        """Location, code, severity, message, then help."""
        assert ERROR.to_text() == (
            "alignment.yaml:14:7: ORG001 error: Person `bo` reports to `x`, who is not in the org\n"
            "  help: Did you mean `ceo`?"
        )

    def test_colour_only_when_asked(self):
        """Plain text has no escape codes; colour adds them."""
        assert "\x1b[" not in ERROR.to_text()
        coloured = ERROR.to_text(color=True)
        assert "\x1b[1;31mORG001" in coloured
        assert "help:" in coloured

    def test_section_comes_from_the_code_area(self):
        """Findings group under their own area, wherever they point."""
        from alignkit.areas import areas

        areas()  # the registry tells each prefix's section
        assert ERROR.section == "org"
        assert INFO.section == "org"
        assert Diagnostic("AK001", "warning", "x").section == "file"
        in_org = Location("a.yaml", line=5, path=("org", "functions", 1))
        assert Diagnostic("DR006", "info", "x", location=in_org).section == "decision_rights"
        assert Diagnostic("AK012", "error", "x", location=in_org).section == "file"

    def test_section_of_an_unknown_prefix_comes_from_the_path(self):
        """A code of no known area groups by where it points, else under the file."""
        assert Diagnostic("ZZ001", "warning", "x").section == "file"
        in_teams = Location(path=("teams", 0))
        assert Diagnostic("ZZ001", "warning", "x", location=in_teams).section == "teams"

    def test_rules_name_their_findings(self):
        """Findings made by a rule carry its kebab-case name; every code has a docs page."""
        from alignkit.rules import RULES

        made = RULES["ORG001"].diagnostic("x", target="bo")
        assert made.name == "unknown-manager"
        assert made.url.endswith("/rules/ORG001/")
        assert Diagnostic("ZZ999", "error", "x").name is None

    def test_immutable(self):
        """A finding cannot be changed, only copied with changes."""
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            ERROR.message = "x"  # type: ignore[misc]
        moved = ERROR.with_location(Location("b.yaml", line=1))
        assert str(moved.location) == "b.yaml:1"
        assert str(ERROR.location) == "alignment.yaml:14:7"

    def test_copy(self):
        """Copies are equal."""
        assert copy.deepcopy(ERROR) == ERROR


class TestReport:
    def test_ok_ignores_warnings_and_info(self):
        """Only errors fail a report."""
        assert Report([WARNING, INFO]).ok
        assert not Report([ERROR, WARNING]).ok

    def test_exit_code(self):
        """0 clean, 1 errors, warnings fail only when strict."""
        assert Report([]).exit_code() == 0
        assert Report([WARNING]).exit_code() == 0
        assert Report([WARNING]).exit_code(strict=True) == 1
        assert Report([INFO]).exit_code(strict=True) == 0
        assert Report([ERROR]).exit_code() == 1

    def test_sorted_by_place(self):
        """Findings come in file order, whatever order they were found in."""
        report = Report([ERROR, WARNING])
        assert [d.code for d in report] == ["ORG006", "ORG001"]
        assert report[0] is WARNING
        assert len(report[0:1]) == 1

    def test_partitions(self):
        """errors, warnings and infos split the findings."""
        report = Report([ERROR, WARNING, INFO])
        assert report.errors == (ERROR,)
        assert report.warnings == (WARNING,)
        assert report.infos == (INFO,)
        assert report.codes == {"ORG001", "ORG006", "ORG009"}

    def test_empty_report_text(self):
        """A clean report says so."""
        assert Report().to_text() == "All checks passed."

    def test_grouped_text(self):
        """Grouped output puts a header before each section."""
        unplaced = Diagnostic("AK002", "info", "unused")
        text = Report([ERROR, unplaced]).to_text(group=True)
        assert text.split("\n\n")[:2] == [
            "[file]\n" + unplaced.to_text(),
            "[org]\n" + ERROR.to_text(),
        ]
        assert text.endswith("Found 1 error, 0 warnings, 1 info.")

    def test_json_shape(self):
        """The documented JSON shape, key by key."""
        data = json.loads(Report([ERROR], file="alignment.yaml").to_json())
        assert set(data) == {"version", "tool", "file", "summary", "diagnostics"}
        assert data["summary"] == {"ok": False, "errors": 1, "warnings": 0, "info": 0}
        assert data["diagnostics"] == [
            {
                "code": "ORG001",
                "name": "unknown-manager",
                "severity": "error",
                "message": ERROR.message,
                "hint": "Did you mean `ceo`?",
                "target": "bo",
                "section": "org",
                "location": {
                    "file": "alignment.yaml",
                    "line": 14,
                    "column": 7,
                    "row": None,
                    "path": ["org", "people", 3, "manager"],
                },
                "url": "https://alignkit.readthedocs.io/en/latest/rules/ORG001/",
            }
        ]

    def test_github_annotations_escape_data(self):
        """Workflow commands escape %, commas and colons where GitHub requires.

        A line break inside a message or hint is shown escaped, as in every format,
        so a finding is one annotation with its `help:` on the annotation's second line.
        """
        diagnostic = Diagnostic(
            "ORG001",
            "error",
            "50% of a, b",
            location=Location("dir:x,y.yaml", line=2, column=3),
            hint="fix\nit",
        )
        assert Report([diagnostic, INFO]).to_github().splitlines() == [
            "::notice title=ORG009::ORG009 Function `Legal` has no members",
            (
                "::error file=dir%3Ax%2Cy.yaml,line=2,col=3,title=ORG001::"
                "ORG001 50%25 of a, b%0Ahelp: fix\\nit"
            ),
        ]

    def test_sarif_is_valid_2_1_0_shape(self):
        """SARIF has the driver's rules, results pointing at them, and regions."""
        log = json.loads(Report([ERROR, WARNING, INFO]).to_sarif())
        assert log["version"] == "2.1.0"
        run = log["runs"][0]
        rules = run["tool"]["driver"]["rules"]
        assert [r["id"] for r in rules] == ["ORG001", "ORG006", "ORG009"]
        levels = [(r["ruleId"], r["level"]) for r in run["results"]]
        assert levels == [("ORG009", "note"), ("ORG006", "warning"), ("ORG001", "error")]
        for result in run["results"]:
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        region = run["results"][2]["locations"][0]["physicalLocation"]["region"]
        assert region == {"startLine": 14, "startColumn": 7}
        assert "locations" not in run["results"][0]

    def test_sarif_rule_without_a_name(self):
        """A code outside the catalogue still gets a rule entry, without a name."""
        log = json.loads(Report([Diagnostic("ZZ001", "error", "x")]).to_sarif())
        assert log["runs"][0]["tool"]["driver"]["rules"] == [
            {
                "id": "ZZ001",
                "helpUri": "https://alignkit.readthedocs.io/en/latest/rules/ZZ001/",
                "defaultConfiguration": {"level": "error"},
            }
        ]

    def test_add_and_equality(self):
        """Reports combine, and compare by content."""
        combined = Report([ERROR], file="a.yaml") + Report([WARNING])
        assert combined == Report([WARNING, ERROR], file="a.yaml")
        assert hash(combined) == hash(Report([ERROR, WARNING], file="a.yaml"))
        assert combined != Report([ERROR])
        assert combined.__eq__(1) is NotImplemented
        assert Report().__add__(1) is NotImplemented  # type: ignore[operator]
        assert Report([ERROR]).with_file("x.yaml").file == "x.yaml"
        assert "ORG001" in repr(Report([ERROR]))

    @given(st.lists(diagnostics, max_size=15))
    def test_counts_add_up(self, found):
        """Every finding is counted exactly once, in any rendering."""
        report = Report(found)
        assert len(report.errors) + len(report.warnings) + len(report.infos) == len(found)
        data = json.loads(report.to_json())
        assert len(data["diagnostics"]) == len(found)
        assert data["summary"]["ok"] == all(d.severity is not Severity.ERROR for d in found)
        sarif = json.loads(report.to_sarif())
        assert len(sarif["runs"][0]["results"]) == len(found)
        github = report.to_github()
        assert len(github.split("\n")) == len(found) if found else github == ""

    @given(st.lists(diagnostics, max_size=15))
    def test_order_does_not_depend_on_input_order_for_placed_findings(self, found):
        """Two reports of the same findings with distinct places render the same."""
        placed = [
            attrs.evolve(d, location=Location("a.yaml", line=i + 1)) for i, d in enumerate(found)
        ]
        assert Report(placed).to_text() == Report(reversed(placed)).to_text()


class TestOutputCannotBeHijacked:
    NAME = "Sales\n::error file=x::INJECTED\x1b[2J\x07\u202e"

    def finding(self) -> Diagnostic:
        return Diagnostic(
            "ORG006",
            "warning",
            f"Function `{self.NAME}` has no head",
            location=Location("a\nb.yaml", line=3, column=5),
            hint=f"Name `{self.NAME}`'s head",
        )

    @pytest.mark.parametrize("color", [False, True])
    def test_text_output_escapes_control_characters(self, color: bool):
        """A quoted name cannot add a line, move the cursor, ring a bell or flip the text."""
        text = Report([self.finding()]).to_text(color=color)
        lines = text.splitlines()
        assert not [line for line in lines if line.startswith("::")]
        body = text.replace("\x1b[0m", "").replace("\x1b[1m", "").replace("\x1b[2m", "")
        body = re.sub(r"\x1b\[1;3\dm", "", body)
        assert not [c for c in body if unicodedata.category(c) in ("Cc", "Cf") and c != "\n"]
        assert "Sales\\n::error file=x::INJECTED\\x1b[2J\\x07\\u202e" in text

    def test_github_output_is_one_command_per_finding(self):
        """Every finding is one workflow command: %, CR and LF are escaped as GitHub requires."""
        found = Diagnostic("ORG006", "warning", "100% `a\r\nb`", location=Location("x.yaml"))
        output = Report([self.finding(), found]).to_github()
        lines = output.splitlines()
        assert len(lines) == 2
        assert all(line.startswith(("::warning ",)) for line in lines)
        assert "100%25" in lines[1]
        assert not [c for c in output if unicodedata.category(c) in ("Cc", "Cf") and c != "\n"]

    @given(st.text())
    def test_printable_leaves_no_control_character(self, text: str):
        """Whatever is quoted, the rendered line holds no control or format character."""
        from alignkit.diagnostics import printable

        shown = printable(text)
        assert not [
            c
            for c in shown
            if unicodedata.category(c) == "Cc"
            or c in "\u2028\u2029\u200e\u200f"
            or "\u202a" <= c <= "\u202e"
            or "\u2066" <= c <= "\u2069"
        ]
