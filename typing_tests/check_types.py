"""Static checks of alignkit's annotations: run `mypy --strict typing_tests`."""

from __future__ import annotations

from typing import assert_type

from alignkit.alignment_file import AlignmentFile, loads
from alignkit.diagnostics import Diagnostic, Location, Report, Severity
from alignkit.errors import Problem, SpecError
from alignkit.org import Function, Org, Person
from alignkit.rules import RULES, Rule

person = Person("ae-1", "Lee Park", "Sales", "vp-sales")
assert_type(person.manager, str | None)
org = Org(people=[person], functions=[Function("Sales", "vp-sales")])
assert_type(org.person("ae-1"), Person)
assert_type(org.get_person("x"), Person | None)
assert_type(org.head("Sales"), Person | None)
assert_type(org.manager_chain("ae-1"), tuple[Person, ...])
assert_type(org.lowest_common_manager("a", "b"), Person | None)
assert_type(org.lint(), Report)

report = org.lint()
assert_type(report.ok, bool)
assert_type(report.errors, tuple[Diagnostic, ...])
assert_type(report.exit_code(strict=True), int)
for finding in report:
    assert_type(finding, Diagnostic)
    assert_type(finding.severity, Severity)
    assert_type(finding.location, Location | None)

file = loads("version: 1\norg: {}\n")
assert_type(file, AlignmentFile)
assert_type(file.check(), Report)
assert_type(RULES["ORG001"], Rule)

try:
    Person("", "", "")
except SpecError as error:
    assert_type(error.problems, list[Problem])
