"""alignkit.alignment_file: safe loading with locations, the schema, and the checks."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from alignkit.alignment_file import (
    AlignmentFile,
    IgnoreEntry,
    check,
    from_data,
    json_schema,
    load,
    loads,
)
from alignkit.diagnostics import Diagnostic, Location, Report
from alignkit.errors import SpecError
from tests.strategies import orgs

DATA = Path(__file__).parent / "data"
EXAMPLE = Path(__file__).parents[1] / "examples" / "acme" / "alignment.yaml"
BROKEN = DATA / "broken" / "alignment.yaml"
DAY = dt.date(2026, 11, 23)

MINIMAL = """\
version: 1
org:
  functions:
    - {name: Executive, head: ceo}
  people:
    - {id: ceo, name: Dana Reyes, function: Executive}
"""


def problems(error: pytest.ExceptionInfo[SpecError]) -> list[tuple[str, str | None, str]]:
    return [(str(p.location), p.code, p.message) for p in error.value.problems]


class TestLoad:
    def test_example_organisation_is_clean(self):
        """The bundled example passes every check."""
        report = load(EXAMPLE).check(at=DAY)
        assert list(report) == []
        assert report.file == str(EXAMPLE)

    def test_broken_example_reports_each_expected_code_on_its_line(self):
        """Every `# expect:` comment in the broken file is matched by a finding, and no more."""
        expected = set()
        for number, line in enumerate(BROKEN.read_text().splitlines(), start=1):
            match = re.search(r"# expect: (.+)$", line)
            if match:
                expected |= {(code, number) for code in match.group(1).split()}
        report = load(BROKEN).check(at=DAY)
        found = {(d.code, d.location.line) for d in report if d.location is not None}
        assert found == expected
        assert all(d.location is not None and d.location.file == str(BROKEN) for d in report)

    def test_unknown_key_suggests_and_points_at_the_key(self, tmp_path: Path):
        """A typo anywhere is an error at its line, with the nearest valid key."""
        path = tmp_path / "alignment.yaml"
        path.write_text(
            MINIMAL.replace("function: Executive}", "functon: Executive}") + "ignor: []\n"
        )
        with pytest.raises(SpecError) as info:
            load(path)
        assert problems(info) == [
            (
                f"{path}:6:7",
                "AK012",
                "Missing required key 'function'; for example `function: Sales`",
            ),
            (f"{path}:6:35", "AK012", "Unknown key 'functon'; did you mean 'function'?"),
            (f"{path}:7:1", "AK012", "Unknown key 'ignor'; did you mean 'ignore'?"),
        ]

    def test_wrong_types_listed_together(self, tmp_path: Path):
        """Every schema problem at once, each at its own line."""
        text = "version: 2\norg:\n  functions: {}\n  people:\n    - {id: 7, name: x, function: F}\n"
        with pytest.raises(SpecError) as info:
            loads(text, file="a.yaml")
        found = [(loc, msg.split(";")[0]) for loc, _, msg in problems(info)]
        assert found == [
            ("a.yaml:1:1", "Expected `1`"),
            (
                "a.yaml:3:3",
                (
                    "Expected a list of mappings, for example "
                    "`functions: [{name: Sales, head: vp-sales}]`"
                ),
            ),
            ("a.yaml:5:8", "Expected text, got `7`"),
        ]

    def test_python_object_tag_is_refused_not_run(self, tmp_path: Path):
        """Untrusted YAML cannot construct objects."""
        path = tmp_path / "alignment.yaml"
        path.write_text("version: 1\norg: !!python/object/apply:os.system ['echo pwned']\n")
        with pytest.raises(SpecError) as info:
            load(path)
        ((where, code, message),) = problems(info)
        assert (where, code) == (f"{path}:2:6", "AK011")
        assert "!!python/object/apply:os.system" in message

    def test_custom_tags_are_refused_on_every_node_kind(self):
        """Tags on lists, mappings and scalars alike."""
        text = "version: 1\norg: !thing {functions: !!set {a: null}, people: !list []}\nx: !x 1\n"
        with pytest.raises(SpecError) as info:
            loads(text)
        assert [loc for loc, _, _ in problems(info)] == [
            "<string>:2:6",
            "<string>:2:25",
            "<string>:2:50",
            "<string>:3:4",
        ]

    def test_duplicate_keys_are_refused(self):
        """safe_load would keep the last value silently; alignkit refuses."""
        with pytest.raises(SpecError) as info:
            loads(MINIMAL + "version: 1\n", file="a.yaml")
        assert problems(info) == [
            ("a.yaml:7:1", "AK011", "Duplicate key 'version' (first written on line 1)")
        ]

    def test_syntax_error_has_line_and_column(self):
        """A YAML syntax error says where."""
        with pytest.raises(SpecError) as info:
            loads("version: 1\norg: [\n", file="a.yaml")
        ((where, code, message),) = problems(info)
        assert (where, code) == ("a.yaml:3:1", "AK011")
        assert message.startswith("Invalid YAML")

    def test_several_documents_are_refused(self):
        """One file, one document."""
        with pytest.raises(SpecError, match="Invalid YAML"):
            loads(MINIMAL + "---\n" + MINIMAL)

    @pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n"])
    def test_empty_file(self, text: str):
        """An empty file is one clear problem."""
        with pytest.raises(SpecError, match=r"empty|no document") as info:
            loads(text, file="a.yaml")
        assert problems(info)[0][0] == "a.yaml:1:1"

    @pytest.mark.parametrize("text", ["- a\n- b\n", "just text\n", "42\n"])
    def test_top_level_must_be_a_mapping(self, text: str):
        """A list or scalar at the top is a schema problem."""
        with pytest.raises(SpecError, match="must be a mapping") as info:
            loads(text)
        assert problems(info)[0][1] == "AK012"

    def test_missing_file(self, tmp_path: Path):
        """A missing file names the path."""
        with pytest.raises(SpecError, match="No such file") as info:
            load(tmp_path / "nope.yaml")
        assert problems(info)[0][1] == "AK010"

    def test_directory(self, tmp_path: Path):
        """A directory is not a file."""
        with pytest.raises(SpecError, match="is a directory"):
            load(tmp_path)

    def test_size_limit(self, tmp_path: Path):
        """Files over the limit are refused before they are parsed."""
        path = tmp_path / "alignment.yaml"
        path.write_text(MINIMAL)
        with pytest.raises(SpecError, match="the limit is 10 bytes"):
            load(path, max_bytes=10)
        assert load(path, max_bytes=len(MINIMAL)).version == 1

    def test_binary_garbage(self, tmp_path: Path):
        """Bytes that are not UTF-8 are refused with the line they start on."""
        path = tmp_path / "alignment.yaml"
        path.write_bytes(b"version: 1\norg:\n  \xff\xfe\x00\x01garbage")
        with pytest.raises(SpecError, match="not UTF-8 text") as info:
            load(path)
        assert problems(info)[0][:2] == (f"{path}:3:3", "AK010")

    def test_control_characters(self):
        """Text with control characters is a syntax problem, not a crash."""
        with pytest.raises(SpecError, match="Invalid YAML"):
            loads("version: 1\x00\n")

    def test_anchors_and_merge_keys_work(self):
        """Ordinary YAML reuse is allowed."""
        text = """\
version: 1
org:
  functions: [{name: Executive, head: ceo}]
  people:
    - &base {id: ceo, name: Dana, function: Executive}
    - {<<: *base, id: coo, name: Kim, manager: ceo}
    - {<<: [*base], id: cto, name: Lee, manager: ceo}
"""
        org = loads(text).org
        assert [(p.id, p.function) for p in org] == [
            ("ceo", "Executive"),
            ("coo", "Executive"),
            ("cto", "Executive"),
        ]

    def test_bad_merge_and_complex_keys(self):
        """Merging a scalar, or a list as a key, is refused."""
        with pytest.raises(SpecError, match="merge key") as info:
            loads("a: &x 1\nb: {<<: *x}\n? [k]\n: v\n")
        assert [m for _, _, m in problems(info)][1] == "A key must be plain text"

    def test_json_file(self, tmp_path: Path):
        """JSON alignment files load the same way, with lines."""
        path = tmp_path / "alignment.json"
        data = yaml.safe_load(MINIMAL)
        path.write_text(json.dumps(data, indent=2))
        assert load(path).org.person("ceo").name == "Dana Reyes"
        data["org"]["people"][0]["nmae"] = "x"
        path.write_text(json.dumps(data, indent=2))
        with pytest.raises(SpecError) as info:
            load(path)
        assert problems(info)[0][0].startswith(f"{path}:")


class TestPeopleCsv:
    def write(self, tmp_path: Path, people: str) -> Path:
        (tmp_path / "hr").mkdir()
        (tmp_path / "hr" / "people.csv").write_text(people)
        path = tmp_path / "alignment.yaml"
        path.write_text(
            "version: 1\norg:\n  functions:\n    - {name: Executive, head: ceo}\n"
            "  people_csv: hr/people.csv\n"
        )
        return path

    def test_people_come_from_the_csv(self, tmp_path: Path):
        """The CSV is read relative to the alignment file."""
        path = self.write(tmp_path, "id,name,function,manager\nceo,Dana,Executive,\n")
        assert [p.id for p in load(path).org] == ["ceo"]

    def test_findings_point_at_csv_rows(self, tmp_path: Path):
        """A finding about a CSV person names the CSV file and row."""
        path = self.write(tmp_path, "id,name,function,manager\nceo,Dana,Executive,\nx,X,Exec,ceo\n")
        (finding,) = load(path).check(at=DAY)
        assert finding.code == "ORG005"
        assert str(finding.location) == f"{tmp_path / 'hr' / 'people.csv'}:3:3"

    def test_bad_rows_are_schema_problems(self, tmp_path: Path):
        """Bad CSV rows stop the check (exit 2) with their places."""
        path = self.write(tmp_path, "id,name,function\n,Dana,Executive\n")
        with pytest.raises(SpecError) as info:
            load(path)
        assert problems(info) == [(f"{tmp_path / 'hr' / 'people.csv'}:2:1", "AK012", "Empty 'id'")]

    def test_bad_rows_are_left_out_by_check(self, tmp_path: Path):
        """`check()` reports a bad row at its cell, leaves it out and checks the others."""
        path = self.write(
            tmp_path,
            "id,name,function,manager\n"
            "ceo,Dana,Executive,\n"
            "vp,,Executive,ceo\n"  # no name: left out
            "ae,Lee,Executive,vp\n"  # reports to the left-out row: not a finding
            "bo,Bo,Executive,cfo,extra\n"  # too many cells: left out
            "al,Al,Executive,ce0\n",  # an unknown manager: reported
        )
        csv = tmp_path / "hr" / "people.csv"
        found = [(str(d.location), d.code, d.message) for d in check(path, at=DAY)]
        assert found == [
            (f"{csv}:3:2", "AK012", "Empty 'name'"),
            (f"{csv}:5:5", "AK012", "Row has 5 cells but the header has 4"),
            (f"{csv}:6:4", "ORG001", "Person `al` reports to `ce0`, who is not in the org"),
        ]

    def test_missing_csv(self, tmp_path: Path):
        """A missing CSV is unreadable (AK010), and stops the check as a missing file does."""
        path = tmp_path / "alignment.yaml"
        path.write_text("version: 1\norg:\n  functions: []\n  people_csv: nope.csv\n")
        with pytest.raises(SpecError, match="No such file") as info:
            load(path)
        assert [(str(p.location), p.code) for p in info.value.problems] == [
            (f"{path}:4:3", "AK010")
        ]
        with pytest.raises(SpecError, match="No such file"):
            check(path)

    def test_people_and_csv_together_are_refused(self, tmp_path: Path):
        """One source of people, not two."""
        path = self.write(tmp_path, "id,name,function\nceo,Dana,Executive\n")
        path.write_text(path.read_text() + "  people: [{id: a, name: A, function: Executive}]\n")
        with pytest.raises(SpecError) as info:
            load(path)
        assert problems(info) == [
            (f"{path}:5:3", "AK012", "Give `people` or `people_csv`, not both")
        ]


class TestCheck:
    def test_ignores_expire(self):
        """An ignore silences its finding until its date, then the finding returns."""
        text = (
            MINIMAL.replace("{name: Executive, head: ceo}", "{name: Executive}")
            + "ignore:\n  - {code: ORG006, target: Executive, reason: hiring, until: 2026-12-31}\n"
        )
        model = loads(text)
        assert [d.code for d in model.check(at=dt.date(2026, 12, 31))] == []
        assert sorted(d.code for d in model.check(at=dt.date(2027, 1, 1))) == ["AK001", "ORG006"]

    def test_ignore_matches_code_and_target_only(self):
        """An ignore for another target silences nothing and is reported unused."""
        text = (
            MINIMAL.replace("{name: Executive, head: ceo}", "{name: Executive}")
            + "ignore:\n  - {code: ORG006, target: Sales, reason: hiring}\n"
        )
        assert sorted(d.code for d in loads(text).check(at=DAY)) == ["AK002", "ORG006"]

    def test_aware_datetime_and_naive_refused(self):
        """`at` may be an aware datetime; a naive one is a SpecError."""
        model = loads(MINIMAL)
        assert model.check(at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)).ok
        with pytest.raises(SpecError, match="timezone-aware"):
            model.check(at=dt.datetime(2026, 1, 1))  # noqa: DTZ001 - the point of the test

    def test_default_day_is_today(self):
        """Without `at`, today's date judges expiry."""
        text = MINIMAL + "ignore:\n  - {code: ORG006, target: X, reason: r, until: 2000-01-01}\n"
        assert [d.code for d in loads(text).check()] == ["AK001"]

    def test_check_function(self):
        """check(path) loads and checks in one call."""
        assert check(EXAMPLE, at=DAY).ok
        assert not check(BROKEN, at=DAY).ok

    def test_ignore_reason_must_be_written(self):
        """A blank reason is not a reason."""
        with pytest.raises(SpecError, match="reason must be written out"):
            IgnoreEntry(code="ORG006", target="x", reason="   ")

    def test_locate_and_file(self):
        """A loaded file places paths; one built in Python has no file."""
        model = loads(MINIMAL, file="a.yaml")
        assert model.file == "a.yaml"
        built = from_data(yaml.safe_load(MINIMAL))
        assert built.file is None
        assert built.check(at=DAY).ok


def as_json(data: object) -> object:
    """YAML data as JSON has it: dates as ISO text."""
    if isinstance(data, dict):
        return {key: as_json(value) for key, value in data.items()}
    if isinstance(data, list):
        return [as_json(item) for item in data]
    if isinstance(data, dt.date):
        return data.isoformat()
    return data


def schema_samples() -> list[tuple[str, str]]:
    """Every complete alignment file the project ships: example, starter, rules, docs."""
    from alignkit.cli import STARTER
    from alignkit.rules import RULES

    samples = [("examples/acme", EXAMPLE.read_text()), ("alignkit init", STARTER)]
    samples += [(f"rule {code} fixed", rule.use_instead) for code, rule in RULES.items()]
    root = Path(__file__).parents[1]
    for page in sorted([root / "README.md", *(root / "docs").rglob("*.md")]):
        blocks = re.findall(r"```yaml\n(.*?)```", page.read_text(), re.DOTALL)
        for number, block in enumerate(blocks, start=1):
            if re.search(r"^version:", block, re.MULTILINE) and "org:" in block:
                samples.append((f"{page.relative_to(root)} #{number}", block))
    return samples


class TestSchema:
    def test_schema_describes_every_section(self):
        """The JSON Schema lists the sections and forbids unknown keys."""
        schema = json_schema()
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert set(schema["properties"]) == {
            "version",
            "org",
            "decision_rights",
            "handoffs",
            "teams",
            "bonus_plans",
            "incentives",
            "decision_log",
            "review",
            "channels",
            "value_streams",
            "glossary",
            "silo_cost",
            "coaching",
            "lint",
            "ignore",
        }
        assert schema["additionalProperties"] is False
        person = schema["$defs"]["Person"]
        assert person["required"] == ["id", "name", "function"]
        assert all("description" in f for f in person["properties"].values())

    @pytest.mark.parametrize(
        ("name", "text"), schema_samples(), ids=[name for name, _ in schema_samples()]
    )
    def test_files_the_loader_accepts_validate_against_the_schema(self, name: str, text: str):
        """The example, the starter file, rule fixes and docs snippets: loader and schema agree."""
        from jsonschema import Draft202012Validator

        if "people_csv:" not in text:  # (a snippet naming an HR export has no file beside it)
            loads(text, file=name, base_dir=EXAMPLE.parent)  # the loader accepts it ...
        validator = Draft202012Validator(json_schema())
        errors = [
            f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(as_json(yaml.safe_load(text)))
        ]
        assert errors == []  # ... and so does the schema

    def test_schema_refuses_what_the_loader_refuses(self):
        """A misspelt team model fails both."""
        from jsonschema import Draft202012Validator

        text = MINIMAL + "teams:\n  - {name: t, model: squd}\n"
        with pytest.raises(SpecError):
            loads(text)
        assert not Draft202012Validator(json_schema()).is_valid(as_json(yaml.safe_load(text)))


class TestRoundTrip:
    @settings(max_examples=50)
    @given(orgs(max_people=12), st.booleans())
    def test_yaml_round_trip(self, org, as_json):
        """Any org written out as YAML or JSON loads back equal."""
        data = {"version": 1, "org": org.model_dump(mode="json", exclude_none=True)}
        text = json.dumps(data) if as_json else yaml.safe_dump(data, sort_keys=False)
        loaded = loads(text)
        assert loaded.org.people == org.people
        assert loaded.org.functions == org.functions

    @settings(max_examples=200)
    @given(st.text(max_size=200))
    def test_any_text_gives_a_model_or_spec_error(self, text):
        """The loader raises only SpecError, whatever it is given."""
        try:
            result = loads(text)
        except SpecError as error:
            assert error.problems
        else:
            assert isinstance(result, AlignmentFile)

    @settings(max_examples=100)
    @given(
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=10),
            lambda inner: (
                st.lists(inner, max_size=4)
                | st.dictionaries(st.text(max_size=8), inner, max_size=4)
            ),
            max_leaves=20,
        )
    )
    def test_any_yaml_data_gives_a_model_or_spec_error(self, data):
        """Arbitrary YAML data under the top-level keys never escapes as another error."""
        text = yaml.safe_dump(
            {
                "version": 1,
                "org": data,
                "decision_rights": data,
                "handoffs": data,
                "teams": data,
                "bonus_plans": data,
                "incentives": data,
                "ignore": data,
            }
        )
        try:
            loads(text)
        except SpecError as error:
            assert all(p.code in {"AK011", "AK012"} for p in error.problems)


class TestIgnoreEdgeCases:
    def test_repeated_ignore_is_reported(self):
        """A second entry for the same code and target silences nothing and says so."""
        text = (
            MINIMAL.replace("{name: Executive, head: ceo}", "{name: Executive}")
            + "ignore:\n"
            + "  - {code: ORG006, target: Executive, reason: hiring}\n"
            + "  - {code: ORG006, target: Executive, reason: hiring again}\n"
        )
        (finding,) = loads(text, file="a.yaml").check(at=DAY)
        assert (finding.code, str(finding.location)) == ("AK002", "a.yaml:9:5")
        assert finding.message.endswith("repeats ignore[0]")

    def test_schema_descriptions_are_one_paragraph(self):
        """Hover text in editors is a sentence, not a whole docstring."""
        for definition in json_schema()["$defs"].values():
            assert "\n" not in definition.get("description", "")
            assert ">>>" not in definition.get("description", "")


LENIENT = """\
version: 1
org:
  functions:
    - {name: Executive, head: ceo}
    - {name: Sales, head: vp-sales}
    - {name: Legal, head: [ceo]}
  people:
    - {id: ceo, name: Dana Reyes, function: Executive}
    - {id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}
    - {id: ae-2, name: [Lee], function: Sales, manager: ceo}
    - {id: ae-3, name: Bo Chen, function: Sales, manager: ae-2}
    - {id: ae-4, name: Al Diaz, function: Sales, manager: vp-salse}
    - {id: rep-a, name: Ana Ruiz, function: Sales, manager: rep-b}
    - {id: rep-b, name: Ben Adler, function: Sales, manager: rep-a}
decision_rights:
  decisions:
    - {id: ship-code, accountable: [ae-3, ae-4], responsible: ae-3}
    - {id: set-prices, accountable: vp-sales, responsible: [ae-2, ghost]}
    - {id: no-owner, responsible: [ae-3]}
  delegations:
    - {decision: ship-code, from_party: ae-3, to_party: ae-4}
    - {decision: set-prices, from_party: vp-sales, to_party: ae-3, until: 2027-01-01}
teams:
  - {name: t1, model: squd, mission: x, members: []}
  - name: sales-pod
    model: pod
    mission: Build the CRM integration
    members: [{id: ae-3, function: Sales}, {id: ae-2, function: Sales}]
bonus_plans:
  - {name: p, preset: blended, functions: [Sales], weights: {individual: 40}}
ignore:
  - {code: ORG006, target: Legal, reason: Head starts in March}
  - {code: ORG001, target: ae-4, reason: "", until: 2027-01-01}
"""


def findings(report: Iterable[Diagnostic]) -> set[tuple[str, int | None]]:
    return {(d.code, d.location.line if d.location else None) for d in report}


def line(text: str) -> int:
    """The line of LENIENT that holds ``text``."""
    (number,) = [n for n, row in enumerate(LENIENT.splitlines(), start=1) if text in row]
    return number


class TestEveryFindingAtOnce:
    """`check()` reports a schema problem in one item beside every other finding."""

    @pytest.fixture
    def path(self, tmp_path: Path) -> Path:
        path = tmp_path / "alignment.yaml"
        path.write_text(LENIENT)
        return path

    def test_item_problems_and_findings_in_one_report(self, path: Path):
        """Bad items are AK012 errors at their lines; the rest is linted as usual."""
        found = findings(check(path, at=DAY))
        assert {
            ("AK012", line("head: [ceo]")),
            ("AK012", line("name: [Lee]")),
            ("AK012", line("accountable: [ae-3, ae-4]")),
            ("AK012", line("id: no-owner")),
            ("AK012", line("to_party: ae-3, until")),
            ("AK012", line("model: squd")),
            ("AK012", line("weights:")),
            ("AK012", line('reason: ""')),
            ("ORG001", line("manager: vp-salse")),
            ("ORG002", line("id: rep-a")),
            ("DR001", line("[ae-2, ghost]")),
        } <= found

    def test_two_problems_of_one_item_are_both_reported(self, path: Path):
        """An item left out still has all of its problems listed."""
        report = check(path, at=DAY)
        at = line("id: ship-code")
        on_line = sorted(d.message for d in report if d.location and d.location.line == at)
        assert on_line == [
            (
                "Decision `ship-code` has 2 accountable parties (`ae-3`, `ae-4`); "
                "exactly one party is accountable for a decision"
            ),
            "Expected a list of names, for example `responsible: [ae-1]`; got the text 'ae-3'",
        ]

    def test_references_to_left_out_items_are_not_reported(self, path: Path):
        """ae-2 is left out: reporting to it, naming it, or its team seat are not findings."""
        report = check(path, at=DAY)
        assert not [d for d in report if "`ae-2`" in d.message]
        assert ("DR010", line("{decision: ship-code")) not in findings(report)
        assert not [d for d in report if d.code == "AK002" and d.target == "Legal"]

    def test_findings_after_a_left_out_item_keep_their_lines(self, path: Path):
        """Leaving out ae-2 shifts no later finding to another line."""
        report = check(path, at=DAY)
        (unknown_manager,) = [d for d in report if d.code == "ORG001"]
        assert unknown_manager.location is not None
        assert unknown_manager.location.line == line("manager: vp-salse")
        assert unknown_manager.location.path == ("org", "people", 4, "manager")

    def test_load_still_raises(self, path: Path):
        """The Python API keeps refusing a file with schema problems."""
        with pytest.raises(SpecError) as info:
            load(path)
        assert {p.code for p in info.value.problems} == {"AK012"}

    def test_same_findings_as_without_the_item(self, path: Path):
        """Checking a file with one bad person equals checking it without that person."""
        without = LENIENT.replace(
            "    - {id: ae-2, name: [Lee], function: Sales, manager: ceo}\n", ""
        )
        bad = {
            (d.code, d.message)
            for d in check(path, at=DAY)
            if d.location is None or d.location.line != line("name: [Lee]")
        }
        other = path.with_name("without.yaml")
        other.write_text(without)
        clean = {(d.code, d.message) for d in check(other, at=DAY) if "`ae-2`" not in d.message}
        assert bad == clean

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("version: 2\norg: {}\n", "Expected `1`; got `2`"),
            ("org: {}\n", "Missing required key 'version'"),
            ("version: 1\norg: [a]\n", "Expected a mapping"),
            ("version: 1\norg: {functions: [], poeple: []}\n", "Unknown key 'poeple'"),
            ("version: 1\norg: {functions: {}}\n", "Expected a list of mappings"),
        ],
    )
    def test_unusable_top_level_stops_the_check(self, tmp_path: Path, text: str, message: str):
        """Without a usable `version` and `org` nothing can be checked: SpecError."""
        path = tmp_path / "alignment.yaml"
        path.write_text(text)
        with pytest.raises(SpecError) as info:
            check(path, at=DAY)
        assert {p.code for p in info.value.problems} == {"AK012"}
        assert any(p.message.startswith(message) for p in info.value.problems)

    def test_unknown_section_is_left_out(self, tmp_path: Path):
        """A misspelt top-level key is reported; the sections that are there are checked."""
        path = tmp_path / "alignment.yaml"
        path.write_text(MINIMAL + "team: []\n  \n")
        codes = [(d.code, d.message) for d in check(path, at=DAY)]
        assert codes == [("AK012", "Unknown key 'team'; did you mean 'teams'?")]

    @given(st.integers(min_value=0, max_value=39))
    @settings(max_examples=15, deadline=None)
    def test_any_one_bad_person_in_the_example(self, index: int):
        """Corrupting one person of the example reports one AK012, and leaves the rest clean."""
        data = yaml.safe_load(EXAMPLE.read_text())
        people = data["org"]["people"]
        person = people[index % len(people)]
        person["name"] = [person["name"]]
        report = from_data_checked(data)
        assert [d.code for d in report if d.code == "AK012"] == ["AK012"]
        mentioned = f"`{person['id']}`"
        others = [d for d in report if d.code != "AK012" and mentioned not in d.message]
        without = dict(data, org=dict(data["org"], people=[p for p in people if p is not person]))
        clean = from_data_checked(without)
        expected = [d for d in clean if mentioned not in d.message]
        assert {(d.code, d.message) for d in others} == {(d.code, d.message) for d in expected}


def from_data_checked(data: dict[str, object]) -> Report:
    """Check parsed data leniently, as `alignkit check` does with a file."""
    from alignkit.alignment_file import _build, _Options

    options = _Options(base_dir=EXAMPLE.parent, lenient=True)
    return _build(data, source=None, file=None, options=options).check(at=DAY)


class TestLargeFiles:
    def test_collector_is_paused_while_reading_and_checking(self, monkeypatch: pytest.MonkeyPatch):
        """The cycle collector is off while a file is read and checked, and back on after."""
        import gc

        from alignkit.org import _model

        seen: list[bool] = []
        lint = _model._lint_org

        def spy(org: _model.Org) -> Iterable[Diagnostic]:
            seen.append(gc.isenabled())
            return lint(org)

        monkeypatch.setattr(_model, "_lint_org", spy)
        assert gc.isenabled()
        file = loads(MINIMAL)
        file.check(at=DAY)
        assert (seen, gc.isenabled()) == ([False], True)

    def test_collector_resumes_when_reading_fails(self):
        """A file that cannot be read leaves the collector on."""
        import gc

        with pytest.raises(SpecError, match="Duplicate key"):
            loads(MINIMAL + "version: 1\n")
        assert gc.isenabled()

    def test_collector_left_off_stays_off(self):
        """Reading a file never turns on a collector that was off."""
        import gc

        gc.disable()
        try:
            loads(MINIMAL).check(at=DAY)
            assert not gc.isenabled()
        finally:
            gc.enable()

    def test_unknown_name_is_compared_with_the_org_once(self, monkeypatch: pytest.MonkeyPatch):
        """However many people name an unknown manager, the did-you-mean is worked out once."""
        from alignkit.org import _model

        calls: list[str] = []
        suggest = _model.suggest

        def counted(name: str, options: Iterable[str]) -> str | None:
            calls.append(name)
            return suggest(name, options)

        monkeypatch.setattr(_model, "suggest", counted)
        people = "".join(
            f"    - {{id: p{i}, name: P, function: Executive, manager: ceo0}}\n" for i in range(50)
        )
        report = loads(MINIMAL + people).check(at=DAY)
        unknown = [d for d in report if d.code == "ORG001"]
        assert len(unknown) == 50
        assert {d.hint for d in unknown} == {"Did you mean `ceo`?"}
        assert calls == ["ceo0"]

    def test_large_org_is_read_with_every_place(self):
        """Thousands of people, written inline, are read with the line of each field."""
        text = MINIMAL + "".join(
            f"    - {{id: p{i}, name: Person {i}, function: Executive, manager: ceo}}\n"
            for i in range(5000)
        )
        file = loads(text, file="big.yaml")
        assert len(file.org.people) == 5001
        lines = text.splitlines()
        line = next(n for n, written in enumerate(lines, 1) if "{id: p3999," in written)
        column = lines[line - 1].index("manager:") + 1
        where = file.locate(Location(path=("org", "people", 4000, "manager")))
        assert str(where) == f"big.yaml:{line}:{column}"
