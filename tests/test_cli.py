"""The `alignkit` command: exit codes and exact output are API."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from alignkit import __version__
from alignkit.alignment_file import load, loads
from alignkit.cli import STARTER, main
from alignkit.decision_rights import DecisionRights, Role
from alignkit.rules import RULES

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "acme" / "alignment.yaml"
BROKEN = ROOT / "tests" / "data" / "broken" / "alignment.yaml"

SMALL = """\
version: 1
org:
  functions:
    - {name: Executive, head: ceo}
    - {name: Sales}
  people:
    - {id: ceo, name: Dana Reyes, function: Executive}
    - {id: ae-1, name: Lee Park, function: Sales, manager: ceo}
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    Path("alignment.yaml").write_text(SMALL)
    return "alignment.yaml"


class TestCheck:
    def test_clean_example_exits_0(self, runner: CliRunner):
        """The bundled example passes."""
        result = runner.invoke(main, ["check", str(EXAMPLE)])
        assert (result.exit_code, result.output) == (0, "All checks passed.\n")

    def test_exact_text_output(self, runner: CliRunner, small: str):
        """Grouped by section, file:line:col, code, severity, help, summary."""
        result = runner.invoke(main, ["check", small])
        assert result.exit_code == 0
        assert result.output == (
            "[org]\n"
            "alignment.yaml:5:7: ORG006 warning: Function `Sales` has no head\n"
            "  help: Name the function's leader under `head:`\n"
            "\n"
            "Found 0 errors, 1 warning, 0 info.\n"
        )

    def test_strict_fails_on_warnings(self, runner: CliRunner, small: str):
        """--strict turns warnings into a failing exit code."""
        assert runner.invoke(main, ["check", "--strict", small]).exit_code == 1

    def test_broken_example_exits_1_with_every_code(self, runner: CliRunner):
        """Each problem is printed with file:line and code."""
        result = runner.invoke(main, ["check", str(BROKEN)])
        assert result.exit_code == 1
        expected = re.findall(r"# expect: ([A-Z0-9 ]+)$", BROKEN.read_text(), re.MULTILINE)
        assert expected
        for code in " ".join(expected).split():
            assert f" {code} " in result.output
        assert f"{BROKEN}:15:51: ORG001 error:" in result.output

    def test_json_output_parses_and_matches_the_library(self, runner: CliRunner):
        """--format json is the Report's documented JSON shape."""
        result = runner.invoke(main, ["check", "--format", "json", str(BROKEN)])
        assert result.exit_code == 1
        data = json.loads(result.output)
        assert data["file"] == str(BROKEN)
        assert data["summary"]["ok"] is False
        codes = {d["code"] for d in data["diagnostics"]}
        assert codes == set(load(BROKEN).check().codes)
        first = data["diagnostics"][0]
        assert set(first) == {
            "code",
            "name",
            "severity",
            "message",
            "hint",
            "target",
            "section",
            "location",
            "url",
        }
        assert set(first["location"]) == {"file", "line", "column", "row", "path"}

    def test_github_format(self, runner: CliRunner, small: str):
        """--format github prints workflow commands; the summary goes to stderr."""
        result = runner.invoke(main, ["check", "--format", "github", small])
        assert result.stdout.splitlines() == [
            (
                "::warning file=alignment.yaml,line=5,col=7,title=ORG006::"
                "ORG006 Function `Sales` has no head"
                "%0Ahelp: Name the function's leader under `head:`"
            )
        ]
        assert result.stderr == "Found 0 errors, 1 warning, 0 info.\n"

    def test_github_format_clean(self, runner: CliRunner):
        """A clean file prints no annotation."""
        result = runner.invoke(main, ["check", "--format", "github", str(EXAMPLE)])
        assert (result.exit_code, result.stdout) == (0, "")

    def test_sarif_format(self, runner: CliRunner, small: str):
        """--format sarif is a SARIF 2.1.0 log."""
        result = runner.invoke(main, ["check", "--format", "sarif", small])
        log = json.loads(result.output)
        assert log["version"] == "2.1.0"
        assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["ORG006"]

    def test_color(self, runner: CliRunner, small: str, monkeypatch: pytest.MonkeyPatch):
        """Colour when forced, plain when piped or with NO_COLOR."""
        assert "\x1b[" in runner.invoke(main, ["check", "--color", "always", small]).output
        assert "\x1b[" not in runner.invoke(main, ["check", small]).output
        assert "\x1b[" not in runner.invoke(main, ["check", "--color", "never", small]).output
        monkeypatch.setenv("FORCE_COLOR", "1")
        assert "\x1b[" in runner.invoke(main, ["check", small]).output
        monkeypatch.setenv("NO_COLOR", "1")
        assert "\x1b[" not in runner.invoke(main, ["check", small]).output

    def test_several_files(self, runner: CliRunner, small: str):
        """Pre-commit passes several files; the worst outcome decides the exit code."""
        result = runner.invoke(main, ["check", small, str(EXAMPLE), str(BROKEN)])
        assert result.exit_code == 1
        assert "alignment.yaml:5:7: ORG006" in result.output
        assert f"{BROKEN}:" in result.output

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"", "The file is empty"),
            (b"\x00\xff\xfe binary", "The file is not text"),
            (b"version: 1\norg: !!python/object:os.system {}\n", "'!!python/object:os.system'"),
            (b"- a\n- b\n", "must be a mapping"),
            (b"version: 1\norg: {functions: [}\n", "Invalid YAML"),
            (b"version: 1\norg: {functons: []}\n", "did you mean 'functions'"),
        ],
    )
    def test_unreadable_files_exit_2_with_location(
        self, runner: CliRunner, tmp_path: Path, content: bytes, message: str
    ):
        """Files that cannot be checked exit 2 with one clear, located message; no traceback."""
        path = tmp_path / "alignment.yaml"
        path.write_bytes(content)
        result = runner.invoke(main, ["check", str(path)])
        assert result.exit_code == 2
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert message in result.output
        assert f"{path}:" in result.output
        assert "Traceback" not in result.output

    def test_missing_file_and_directory_exit_2(self, runner: CliRunner, tmp_path: Path):
        """A missing path or a directory is reported, not a crash."""
        missing = runner.invoke(main, ["check", str(tmp_path / "nope.yaml")])
        assert missing.exit_code == 2
        assert f"{tmp_path / 'nope.yaml'}: AK010 error: No such file" in missing.output
        directory = runner.invoke(main, ["check", str(tmp_path)])
        assert directory.exit_code == 2
        assert "is a directory" in directory.output

    def test_size_limit_exits_2(self, runner: CliRunner, small: str):
        """--max-bytes refuses larger files."""
        result = runner.invoke(main, ["check", "--max-bytes", "10", small])
        assert result.exit_code == 2
        assert "the limit is 10 bytes" in result.output

    def test_reporting_cycle_is_a_diagnostic(self, runner: CliRunner, tmp_path: Path):
        """A cycle is reported (exit 1), never a hang."""
        path = tmp_path / "alignment.yaml"
        path.write_text(
            SMALL.replace("function: Executive}", "function: Executive, manager: ae-1}")
        )
        result = runner.invoke(main, ["check", str(path)])
        assert result.exit_code == 1
        assert "ORG002 error: Reporting cycle: ceo → ae-1 → ceo" in result.output

    def test_bad_item_exits_1_beside_every_other_finding(self, runner: CliRunner, tmp_path: Path):
        """A schema problem in one team is an error among the others; exit 1, not 2."""
        path = tmp_path / "alignment.yaml"
        path.write_text(
            SMALL.replace("manager: ceo}", "manager: cfo}")
            + "teams:\n  - {name: t1, model: squd, mission: x}\n"
        )
        result = runner.invoke(main, ["check", "--color", "never", str(path)])
        assert result.exit_code == 1
        assert result.output == (
            "[file]\n"
            f"{path}:10:16: AK012 error: Unknown team model 'squd'; did you mean 'squad'? "
            "The presets are pod, squad and tribe, and a custom model is a mapping\n"
            "  help: Run `alignkit schema` for the shape of the file\n"
            "\n"
            "[org]\n"
            f"{path}:5:7: ORG006 warning: Function `Sales` has no head\n"
            "  help: Name the function's leader under `head:`\n"
            f"{path}:8:51: ORG001 error: Person `ae-1` reports to `cfo`, who is not in the org\n"
            "  help: Did you mean `ceo`?\n"
            "\n"
            "Found 2 errors, 1 warning, 0 info.\n"
        )

    def test_code_groups_under_its_own_area(self, runner: CliRunner, tmp_path: Path):
        """DR006 points into `org` but is listed under `decision_rights`."""
        path = tmp_path / "alignment.yaml"
        path.write_text(
            SMALL.replace("- {name: Sales}", "- {name: Sales, head: ae-1}")
            + "decision_rights:\n  decisions:\n"
            "    - {id: d, accountable: ceo, responsible: [ceo]}\n"
        )
        result = runner.invoke(main, ["check", "--format", "json", str(path)])
        (finding,) = json.loads(result.output)["diagnostics"]
        assert (finding["code"], finding["section"]) == ("DR006", "decision_rights")
        assert finding["location"]["path"] == ["org", "functions", 1]

    def test_unreadable_in_json(self, runner: CliRunner, tmp_path: Path):
        """Problems that stop the check are JSON diagnostics too, with their codes."""
        path = tmp_path / "alignment.yaml"
        path.write_text("version: 1\norg: {functions: [], poeple: []}\n")
        result = runner.invoke(main, ["check", "--format", "json", str(path)])
        assert result.exit_code == 2
        (finding,) = json.loads(result.output)["diagnostics"]
        assert (finding["code"], finding["location"]["line"]) == ("AK012", 2)


class TestOtherCommands:
    def test_version(self, runner: CliRunner):
        """--version prints the installed version."""
        result = runner.invoke(main, ["--version"])
        assert result.output == f"alignkit, version {__version__}\n"

    def test_schema(self, runner: CliRunner):
        """`alignkit schema` prints the JSON Schema."""
        result = runner.invoke(main, ["schema"])
        schema = json.loads(result.output)
        assert schema["title"] == "alignkit alignment file"
        assert json.loads(runner.invoke(main, ["schema", "--indent", "0"]).output) == schema

    def test_rule(self, runner: CliRunner):
        """`alignkit rule CODE` prints the code's documentation."""
        result = runner.invoke(main, ["rule", "org001"])
        assert result.exit_code == 0
        assert result.output == RULES["ORG001"].to_text() + "\n"

    def test_rule_unknown(self, runner: CliRunner):
        """An unknown code is an error with a suggestion."""
        result = runner.invoke(main, ["rule", "ORG999"])
        assert result.exit_code == 1
        assert result.output == (
            "Error: Unknown diagnostic code or name 'ORG999'; did you mean 'ORG009'?\n"
        )

    def test_rule_by_name(self, runner: CliRunner):
        """A rule's kebab-case name finds it as well as its code."""
        by_name = runner.invoke(main, ["rule", "reporting-cycle"])
        by_code = runner.invoke(main, ["rule", "ORG002"])
        assert by_name.exit_code == 0
        assert by_name.output == by_code.output
        assert by_name.output.startswith("ORG002 reporting-cycle (error)")

    def test_rule_list(self, runner: CliRunner):
        """`alignkit rule --all` lists every code."""
        lines = runner.invoke(main, ["rule", "--all"]).output.splitlines()
        assert [line.split()[0] for line in lines] == list(RULES)

    def test_init_writes_a_passing_file(self, runner: CliRunner, tmp_path: Path):
        """The starter file passes `check` with nothing to report."""
        path = tmp_path / "alignment.yaml"
        result = runner.invoke(main, ["init", str(path)])
        assert result.exit_code == 0
        assert path.read_text() == STARTER
        check = runner.invoke(main, ["check", "--strict", str(path)])
        assert (check.exit_code, check.output) == (0, "All checks passed.\n")

    def test_init_points_editors_at_the_schema(self, runner: CliRunner, tmp_path: Path):
        """The starter's first line tells YAML editors where `alignkit schema` is published."""
        from alignkit.alignment_file import json_schema

        path = tmp_path / "alignment.yaml"
        runner.invoke(main, ["init", str(path)])
        first = path.read_text().splitlines()[0]
        assert first == f"# yaml-language-server: $schema={json_schema()['$id']}"

    def test_init_default_path_and_no_overwrite(
        self, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ):
        """init writes alignment.yaml and refuses to overwrite without --force."""
        monkeypatch.chdir(tmp_path)
        assert runner.invoke(main, ["init"]).exit_code == 0
        assert Path("alignment.yaml").exists()
        again = runner.invoke(main, ["init"])
        assert again.exit_code == 1
        assert "already exists" in again.output
        assert runner.invoke(main, ["init", "--force"]).exit_code == 0

    def test_init_unwritable(self, runner: CliRunner, tmp_path: Path):
        """A path that cannot be written is a clean error."""
        result = runner.invoke(main, ["init", str(tmp_path / "no" / "such" / "dir.yaml")])
        assert result.exit_code == 1
        assert "Cannot write" in result.output


class TestProcess:
    def test_python_m_alignkit(self):
        """`python -m alignkit` is the same command."""
        result = subprocess.run(
            [sys.executable, "-m", "alignkit", "check", str(EXAMPLE)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert (result.returncode, result.stdout) == (0, "All checks passed.\n")

    def test_import_does_not_load_the_cli_toolkit_or_yaml(self):
        """`import alignkit` and its areas stay light: no click, no PyYAML, no CLI."""
        code = (
            "import sys, alignkit, alignkit.org, alignkit.alignment_file, alignkit.rules;"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in {'click', 'yaml'}"
            " or m == 'alignkit.cli'))"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert result.stdout.strip() == "[]"


class TestRights:
    def test_import_turns_a_sheet_into_a_section(self, runner: CliRunner, tmp_path: Path):
        """The YAML printed is a decision_rights section that loads back to the same matrix."""
        sheet = tmp_path / "raci.csv"
        sheet.write_text("Decision,Marketing,IT,=Sales\nlaunch,A,R,C\n")
        result = runner.invoke(main, ["rights", "import", str(sheet), "--scheme", "raci"])
        assert result.exit_code == 0
        assert result.output == (
            "decision_rights:\n"
            "  scheme: raci\n"
            "  decisions:\n"
            "  - id: launch\n"
            "    accountable: Marketing\n"
            "    responsible:\n"
            "    - IT\n"
            "    consulted:\n"
            "    - =Sales\n"
        )
        loaded = loads("version: 1\norg: {}\n" + result.output).decision_rights
        assert loaded is not None
        assert loaded.parties("launch", Role.CONSULTED) == {"=Sales"}

    def test_import_bad_sheet_exits_2(self, runner: CliRunner, tmp_path: Path):
        """Bad cells are listed with row and column."""
        sheet = tmp_path / "raci.csv"
        sheet.write_text("Decision,a,b\nd,R,X\n")
        result = runner.invoke(main, ["rights", "import", str(sheet)])
        assert result.exit_code == 2
        assert (
            f"{sheet}:2:1: AK012 error: Decision `d` has no accountable party; "
            "exactly one party is accountable for a decision\n"
            "  help: Fix the cell shown; the header row names the columns\n"
        ) in result.output
        assert f"{sheet}:2:3: AK012 error: Unknown letter 'X'" in result.output

    def test_import_missing_sheet_is_unreadable(self, runner: CliRunner, tmp_path: Path):
        """A sheet that is not there is AK010, with a hint about CSV files, exit 2."""
        missing = tmp_path / "nope.csv"
        result = runner.invoke(main, ["rights", "import", str(missing)])
        assert result.exit_code == 2
        assert result.output.splitlines()[:2] == [
            f"{missing}: AK010 error: Cannot read the CSV file: No such file or directory",
            "  help: Point alignkit at a UTF-8 CSV file with a header row",
        ]

    def test_show_decision(self, runner: CliRunner):
        """Who decides, does, is consulted and informed."""
        result = runner.invoke(
            main, ["rights", "show", str(EXAMPLE), "--decision", "launch-customer-data-integration"]
        )
        assert result.exit_code == 0
        lines = result.output.splitlines()
        assert lines[0] == "launch-customer-data-integration: Launch the customer data integration"
        assert lines[1] == "  decides:      Marketing (vp-marketing)"
        assert lines[2] == "  responsible:  IT"
        sales = len(load(EXAMPLE).org.members("Sales"))
        assert lines[3] == f"  consulted:    Sales ({sales} people)"

    def test_show_unknown_decision(self, runner: CliRunner):
        """A typo is an error with a suggestion."""
        result = runner.invoke(
            main, ["rights", "show", str(EXAMPLE), "--decision", "set-list-price"]
        )
        assert result.exit_code == 1
        assert "did you mean 'set-list-prices'" in result.output

    def test_show_party(self, runner: CliRunner):
        """What a person holds, directly and through their function."""
        result = runner.invoke(main, ["rights", "show", str(EXAMPLE), "--party", "vp-sales"])
        lines = result.output.splitlines()
        assert "approve-pricing-exception: decides (accountable)" in lines
        assert "launch-customer-data-integration: Sales holds consulted (you are its head)" in lines
        nobody = runner.invoke(main, ["rights", "show", str(EXAMPLE), "--party", "ghost"])
        assert (nobody.exit_code, nobody.output) == (1, "Error: Unknown party 'ghost'\n")

    def test_show_matrix_and_export(self, runner: CliRunner):
        """Without options, the whole matrix; export as CSV or Markdown."""
        matrix = load(EXAMPLE).decision_rights
        assert matrix is not None
        shown = runner.invoke(main, ["rights", "show", str(EXAMPLE)])
        assert shown.output == matrix.to_markdown() + "\n"
        markdown = runner.invoke(main, ["rights", "export", str(EXAMPLE), "--format", "markdown"])
        assert markdown.output == matrix.to_markdown() + "\n"
        exported = runner.invoke(main, ["rights", "export", str(EXAMPLE)])
        assert DecisionRights.from_csv(io.StringIO(exported.output)) == matrix.model_copy(
            update={"owners": {}, "forums": {}, "delegations": ()}
        )

    def test_file_without_section(self, runner: CliRunner, small: str):
        """A file without decision rights says so."""
        result = runner.invoke(main, ["rights", "export", small])
        assert result.exit_code == 1
        assert "has no decision_rights section" in result.output

    def test_unloadable_file(self, runner: CliRunner, tmp_path: Path):
        """An unreadable file exits 2."""
        result = runner.invoke(main, ["rights", "show", str(tmp_path / "nope.yaml")])
        assert result.exit_code == 2


class TestBonus:
    SHEET = (
        "employee_id,target_bonus,individual,team,company,silo_buster\n"
        "e1,10000,1.2,0.5,1.0,0\n"
        "e2,5000,1,1,1,1\n"
    )

    def test_compute_with_a_preset(self, runner: CliRunner, tmp_path: Path):
        """Payouts as CSV on stdout."""
        sheet = tmp_path / "scores.csv"
        sheet.write_text(self.SHEET)
        result = runner.invoke(main, ["bonus", "compute", "blended", str(sheet)])
        assert result.exit_code == 0
        assert result.output.splitlines() == [
            "employee_id,currency,total,individual,team,company,silo_buster",
            "e1,USD,8300.00,4800.00,1500.00,2000.00,0.00",
            "e2,USD,5000.00,2000.00,1500.00,1000.00,500.00",
        ]

    def test_compute_a_file_plan_into_a_pool(self, runner: CliRunner, tmp_path: Path):
        """A plan from the alignment file, scaled to a pool, written to a file."""
        sheet = tmp_path / "scores.csv"
        sheet.write_text(self.SHEET)
        out = tmp_path / "payouts.csv"
        result = runner.invoke(
            main,
            [
                "bonus",
                "compute",
                "revenue-blended",
                str(sheet),
                "--file",
                str(EXAMPLE),
                "-o",
                str(out),
                "--pool",
                "9000",
            ],
        )
        assert result.exit_code == 0
        assert result.stderr == f"Wrote 2 payouts totalling 9000.00 USD to {out}\n"
        totals = [line.split(",")[2] for line in out.read_text().splitlines()[1:]]
        assert sum(Decimal(t) for t in totals) == Decimal("9000.00")

    def test_unknown_plans(self, runner: CliRunner, tmp_path: Path):
        """Unknown presets and plans are clear errors."""
        sheet = tmp_path / "scores.csv"
        sheet.write_text(self.SHEET)
        assert (
            "Unknown plan 'bogus'"
            in runner.invoke(main, ["bonus", "compute", "bogus", str(sheet)]).output
        )
        missing = runner.invoke(
            main, ["bonus", "compute", "bogus", str(sheet), "--file", str(EXAMPLE)]
        )
        assert "has no bonus plan 'bogus' (it has: revenue-blended" in missing.output

    def test_bad_scores_exit_2(self, runner: CliRunner, tmp_path: Path):
        """A bad cell names its row and column."""
        sheet = tmp_path / "scores.csv"
        sheet.write_text(self.SHEET.replace("1.2", "lots"))
        result = runner.invoke(main, ["bonus", "compute", "blended", str(sheet)])
        assert result.exit_code == 2
        assert f"{sheet}:2:3:" in result.output

    def test_unwritable_output(self, runner: CliRunner, tmp_path: Path):
        """An output path that cannot be written is a clean error."""
        sheet = tmp_path / "scores.csv"
        sheet.write_text(self.SHEET)
        result = runner.invoke(
            main, ["bonus", "compute", "blended", str(sheet), "-o", str(tmp_path / "no" / "x.csv")]
        )
        assert result.exit_code == 1
        assert "Cannot write" in result.output


class TestDocumentedOutput:
    @pytest.mark.parametrize("page", ["docs/cli.md", "docs/getting-started.md"])
    def test_rule_samples_match_the_command(self, runner: CliRunner, page: str):
        """Every `$ alignkit rule ...` sample in the docs is what the command prints."""
        text = (ROOT / page).read_text()
        samples = re.findall(r"```console\n\$ alignkit (rule [^\n]*)\n(.*?)```", text, re.DOTALL)
        assert samples
        for command, shown in samples:
            result = runner.invoke(main, command.split())
            printed = result.output.rstrip("\n")
            if "..." in shown.splitlines():  # an excerpt: each line shown is printed
                lines = printed.splitlines()
                assert all(line in lines for line in shown.splitlines() if line != "...")
            else:
                assert printed == shown.rstrip("\n"), command
