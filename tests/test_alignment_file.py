"""alignkit.alignment_file: safe loading with locations, the schema, and the checks."""

from __future__ import annotations

import datetime as dt
import json
import re
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
            (f"{path}:6:7", "AK012", "Missing required key 'function'"),
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
            ("a.yaml:1:1", "Input should be 1"),
            ("a.yaml:3:3", "Input should be a valid tuple"),
            ("a.yaml:5:8", "Expected text, got 7"),
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

    def test_alias_bomb_is_refused(self):
        """Exponential alias expansion stops at a limit."""
        lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 8)]
        with pytest.raises(SpecError, match="too many aliases"):
            loads("\n".join(lines) + "\n")

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

    def test_bad_date(self):
        """An impossible date is a located problem."""
        with pytest.raises(SpecError, match="Cannot read value") as info:
            loads(MINIMAL + "ignore: [{code: ORG006, target: X, reason: r, until: 2026-02-30}]\n")
        assert problems(info)[0][0] == "<string>:7:54"


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

    def test_missing_csv(self, tmp_path: Path):
        """A missing CSV is a problem at the people_csv key."""
        path = tmp_path / "alignment.yaml"
        path.write_text("version: 1\norg:\n  functions: []\n  people_csv: nope.csv\n")
        with pytest.raises(SpecError, match="Cannot read the CSV file"):
            load(path)

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
            "ignore",
        }
        assert schema["additionalProperties"] is False
        person = schema["$defs"]["Person"]
        assert person["required"] == ["id", "name", "function"]
        assert all("description" in f for f in person["properties"].values())

    def test_example_validates_against_the_schema_shape(self):
        """Every key the example uses is declared in the schema."""
        schema = json_schema()
        data = yaml.safe_load(EXAMPLE.read_text())
        assert set(data) <= set(schema["properties"])
        org_keys = set(schema["$defs"]["OrgSection"]["properties"])
        assert set(data["org"]) <= org_keys


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
