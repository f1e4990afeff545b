"""alignkit.areas: an area is one registry line, and everything is derived from it."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from pydantic import Field

from alignkit._rule import Rule
from alignkit._spec import SpecModel
from alignkit.alignment_file import AlignmentFile, check, json_schema, load, loads
from alignkit.areas import AlignmentView, Area, area, areas, register_area, registered
from alignkit.cli import main
from alignkit.diagnostics import Diagnostic, Severity
from alignkit.errors import SpecError, UnknownNameError
from alignkit.rules import RULES, get_rule, settings_of

DAY = dt.date(2026, 11, 23)
HEAD = """\
version: 1
org:
  functions:
    - {name: Sales, head: vp-sales}
  people:
    - {id: vp-sales, name: Sam Okafor, function: Sales}
"""


# -- a toy area, as a tool of its own would write it -----------------------------------


class Ritual(SpecModel):
    """One team ritual: a name and how many minutes it takes."""

    name: str = Field(min_length=1)
    minutes: int = Field(ge=1)


class RitualsLint(SpecModel):
    """How long a ritual may be (TY001)."""

    max_minutes: int = Field(default=60, ge=1, description="Longest ritual allowed (TY001).")


LONG_RITUAL = Rule(
    code="TY001",
    name="ritual-too-long",
    severity=Severity.WARNING,
    summary="A ritual takes longer than the limit.",
    what="Reports a ritual longer than `lint: rituals: max_minutes`.",
    why="Long rituals eat the time they were meant to save.",
    example=HEAD + "rituals:\n  - {name: standup, minutes: 90}\n",
    use_instead=HEAD + "rituals:\n  - {name: standup, minutes: 15}\n",
    fix="Shorten it",
    target="the ritual's name",
)


def check_rituals(file: AlignmentView, options: RitualsLint) -> Iterator[Diagnostic]:
    for index, ritual in enumerate(file.section("rituals")):
        if ritual.minutes > options.max_minutes:
            yield LONG_RITUAL.diagnostic(
                f"Ritual `{ritual.name}` takes {ritual.minutes} minutes",
                path=("rituals", index, "minutes"),
                target=ritual.name,
            )


@click.group()
def rituals_cli() -> None:
    """Team rituals."""


@rituals_cli.command("count")
@click.argument("file")
def count(file: str) -> None:
    """Count the rituals of FILE."""
    click.echo(len(load(file).section("rituals")))


TOY = Area(
    key="rituals",
    prefix="TY",
    title="Rituals",
    module="tests.test_areas",
    section=Ritual,
    rules=(LONG_RITUAL,),
    check=check_rituals,
    options=RitualsLint,
    commands="rituals = tests.test_areas:rituals_cli",
    many=True,
)


@pytest.fixture
def toy() -> Iterator[Area]:
    with registered(TOY) as area:
        yield area


class TestAToyArea:
    """A test registers an area and finds it everywhere alignkit looks."""

    def test_its_section_is_read_under_its_key(self, toy: Area):
        """The file model accepts the registered key and validates it with the area's model."""
        file = loads(HEAD + "rituals:\n  - {name: standup, minutes: 15}\n")
        assert file.section("rituals") == (Ritual(name="standup", minutes=15),)

    def test_its_section_is_validated_and_located(self, toy: Area):
        """A bad value in the toy section is a located SpecError like any other."""
        with pytest.raises(SpecError) as info:
            loads(HEAD + "rituals:\n  - {name: standup, minutes: 0}\n", file="a.yaml")
        (problem,) = info.value.problems
        assert (str(problem.location), problem.message) == (
            "a.yaml:8:21",
            "Must be at least 1, got `0`",
        )

    def test_its_check_runs_with_its_options(self, toy: Area, tmp_path: Path):
        """`alignkit check` runs the area's check, with `lint: rituals:` options."""
        path = tmp_path / "alignment.yaml"
        path.write_text(HEAD + "rituals:\n  - {name: standup, minutes: 45}\n")
        assert [d.code for d in check(path, at=DAY)] == []
        path.write_text(path.read_text() + "lint:\n  rituals: {max_minutes: 30}\n")
        (finding,) = check(path, at=DAY)
        assert (finding.code, finding.section, finding.location and finding.location.line) == (
            "TY001",
            "rituals",
            8,
        )

    def test_alignkit_check_runs_it(self, toy: Area, tmp_path: Path):
        """The command line reports the toy area's finding, grouped under its section."""
        path = tmp_path / "alignment.yaml"
        path.write_text(HEAD + "rituals:\n  - {name: standup, minutes: 90}\n")
        result = CliRunner().invoke(main, ["check", "--color", "never", str(path)])
        assert result.exit_code == 0  # a warning does not fail the check
        assert result.output.splitlines()[:2] == [
            "[rituals]",
            f"{path}:8:21: TY001 warning: Ritual `standup` takes 90 minutes",
        ]

    def test_its_rules_are_in_the_catalogue(self, toy: Area):
        """RULES, get_rule and the rule's settings come from the registry."""
        assert RULES["TY001"] is LONG_RITUAL
        assert get_rule("ritual-too-long") is LONG_RITUAL
        assert settings_of(LONG_RITUAL) == [
            "`lint: rituals: max_minutes` (default 60): Longest ritual allowed (TY001)."
        ]

    def test_its_command_is_in_the_cli(self, toy: Area, tmp_path: Path):
        """`alignkit rituals count` loads the area's command group when invoked."""
        path = tmp_path / "alignment.yaml"
        path.write_text(HEAD + "rituals:\n  - {name: standup, minutes: 15}\n")
        result = CliRunner().invoke(main, ["rituals", "count", str(path)])
        assert (result.exit_code, result.output) == (0, "1\n")
        listed = CliRunner().invoke(main, ["--help"])
        assert "rituals" in listed.output

    def test_its_section_is_in_the_json_schema(self, toy: Area):
        """Editors autocomplete the registered section too."""
        from jsonschema import Draft202012Validator

        schema = json_schema()
        assert schema["properties"]["rituals"]["type"] == "array"
        lint = schema["$defs"]["LintSection"]["properties"]["rituals"]
        assert "max_minutes" in json.dumps(lint)
        validator = Draft202012Validator(schema)
        good = {"version": 1, "org": {}, "rituals": [{"name": "x", "minutes": 5}]}
        bad = {**good, "lint": {"rituals": {"max_minutes": 0}}}
        assert validator.is_valid(good)
        assert not validator.is_valid(bad)

    def test_unknown_keys_stay_errors(self, toy: Area):
        """Registering one key does not open the file to any key."""
        with pytest.raises(SpecError, match="Unknown key 'ritualz'"):
            loads(HEAD + "ritualz: []\n")

    def test_it_leaves_when_unregistered(self):
        """After the `with` block, the key is unknown again."""
        with registered(TOY):
            assert "TY001" in RULES
        assert "TY001" not in RULES
        with pytest.raises(SpecError, match="Unknown key 'rituals'"):
            loads(HEAD + "rituals: []\n")


class TestRegistry:
    def test_built_in_areas_in_file_order(self):
        """One line each, in the order of the file's sections."""
        assert [(a.key, a.prefix) for a in areas()] == [
            ("org", "ORG"),
            ("decision_rights", "DR"),
            ("handoffs", "HO"),
            ("teams", "SQ"),
            ("bonus_plans", "BN"),
            ("incentives", "IN"),
            ("decision_log", "DL"),
            ("review", "RV"),
            ("channels", "CH"),
            ("value_streams", "VS"),
            ("glossary", "GL"),
            ("silo_cost", "SC"),
            ("coaching", "CO"),
            ("diagnose", "DX"),
        ]

    def test_the_file_model_has_a_typed_field_per_built_in_area(self):
        """mypy needs `file.handoffs`: the typed fields match the registry."""
        fields = set(AlignmentFile.model_fields)
        with_sections = {a.key for a in areas() if a.section is not None}
        assert with_sections <= fields
        assert fields - with_sections == {"version", "lint", "ignore"}
        # An area of no section of its own reads the others' (the diagnosis).
        assert {a.key for a in areas() if a.section is None} == {"diagnose"}

    def test_catalogue_is_the_file_rules_and_each_area_s(self):
        """Every code belongs to the area of its prefix, and no area's rule is missing."""
        from alignkit._file_rules import RULES as FILE_RULES

        expected = [*FILE_RULES, *(rule for a in areas() for rule in a.rules)]
        assert list(RULES.values()) == expected
        for each in areas():
            assert all(rule.code.startswith(each.prefix) for rule in each.rules)

    def test_taken_keys_and_prefixes_are_refused(self):
        """A second `org` or a second `DR` would make codes ambiguous."""
        with pytest.raises(SpecError, match="the key `org` is taken; the prefix ORG is taken"):
            register_area(
                Area(
                    key="org",
                    prefix="ORG",
                    title="x",
                    module="x",
                    section=None,
                    rules=(),
                    check=_none,
                )
            )

    def test_an_area_s_codes_carry_its_prefix(self):
        """A rule of another prefix in an area is refused when the area is described."""
        with pytest.raises(SpecError, match="codes without its prefix ZZ: TY001"):
            Area(
                key="z",
                prefix="ZZ",
                title="z",
                module="z",
                section=None,
                rules=(LONG_RITUAL,),
                check=_none,
            )

    def test_unknown_area(self):
        """A lookup of an unknown key suggests the nearest."""
        with pytest.raises(UnknownNameError, match="did you mean 'teams'"):
            area("team")


def _none(file: AlignmentView, options: object) -> Iterable[Diagnostic]:
    return ()


class TestLintOptions:
    def test_decision_rights_thresholds_are_applied(self):
        """`lint: decision_rights: max_consulted` changes what DR004 reports."""
        consulted = ", ".join(["vp-sales"] + [f"p{i}" for i in range(4)])
        people = "".join(
            f"    - {{id: p{i}, name: P {i}, function: Sales, manager: vp-sales}}\n"
            for i in range(4)
        )
        text = (
            HEAD
            + people
            + "decision_rights:\n  decisions:\n"
            + "    - {id: d, accountable: vp-sales, responsible: [p0], "
            + f"consulted: [{consulted}]}}\n"
        )
        default = {d.code for d in loads(text).check(at=DAY)}
        strict = {
            d.code
            for d in loads(text + "lint:\n  decision_rights: {max_consulted: 2}\n").check(at=DAY)
        }
        assert "DR004" not in default
        assert "DR004" in strict

    def test_a_misspelt_option_is_an_error_with_the_nearest_name(self):
        """Options are validated like the rest of the file."""
        with pytest.raises(
            SpecError, match="Unknown key 'max_consultd'; did you mean 'max_consulted'"
        ):
            loads(HEAD + "lint:\n  decision_rights: {max_consultd: 2}\n")

    def test_rule_pages_list_their_settings(self):
        """DR004's page and `alignkit rule DR004` name the option that tunes it."""
        rule = get_rule("DR004")
        line = "`lint: decision_rights: max_consulted` (default 5)"
        assert line in rule.to_markdown(settings=settings_of(rule))
        result = CliRunner().invoke(main, ["rule", "DR004"])
        assert line in result.output
