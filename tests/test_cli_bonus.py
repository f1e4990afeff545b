"""`alignkit bonus compute`: a payout file never pays anyone twice; bad input exits 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from alignkit.cli import main

HEADER = "employee_id,target_bonus,individual,team,company,silo_buster\n"
HINT = "  help: Fix the cell shown; the header row names the columns"
USAGE = (
    "Usage: alignkit bonus compute [OPTIONS] PLAN SCORES\n"
    "Try 'alignkit bonus compute --help' for help.\n"
)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def compute(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(main, ["bonus", "compute", *args], prog_name="alignkit")


def sheet(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "scores.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


class TestDuplicates:
    def test_an_employee_on_two_rows_exits_2_naming_both(self, runner: CliRunner, tmp_path: Path):
        """The same employee twice is an error at the second row naming the first; no payouts."""
        scores = sheet(tmp_path, "e1,10000,1,1,0.5,1\ne1,10000,1,1,0.5,1\n")
        result = compute(runner, "blended", str(scores))
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr == (
            f"{scores}:3:1: AK012 error: Duplicate employee_id 'e1' on rows 2 and 3; "
            "give each employee one row\n"
            f"{HINT}\n"
            "\n"
            "Found 1 error, 0 warnings, 0 info.\n"
        )

    def test_nothing_is_written_when_a_row_is_bad(self, runner: CliRunner, tmp_path: Path):
        """An earlier payout file is left as it was."""
        scores = sheet(tmp_path, "e1,10000,1,1,1,1\ne2,10000,1,1,1,1\ne1,1,1,1,1,1\n")
        out = tmp_path / "payouts.csv"
        out.write_text("last run\n", encoding="utf-8")
        result = compute(runner, "blended", str(scores), "-o", str(out))
        assert result.exit_code == 2
        assert out.read_text(encoding="utf-8") == "last run\n"


class TestEveryBadRow:
    def test_every_bad_row_is_reported_in_one_run(self, runner: CliRunner, tmp_path: Path):
        """Bad numbers, implausible scores, wrong widths and repeats, all at once."""
        scores = sheet(
            tmp_path,
            "e1,10000,lots,1,1,1\ne2,10000,110,1,1,1\ne3,10000,1,1\ne3,10000,1,1,1,1,1\n",
        )
        result = compute(runner, "blended", str(scores))
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr.splitlines() == [
            f"{scores}:2:3: AK012 error: Expected a number, got 'lots'",
            HINT,
            (
                f"{scores}:3:3: AK012 error: Score 110 for `individual` is above the plausible "
                "maximum of 10 (1,000% attainment); write attainment as a fraction: 1.10 for 110%"
            ),
            HINT,
            f"{scores}:4:5: AK012 error: Row has 4 cells but the header has 6",
            HINT,
            (
                f"{scores}:5:1: AK012 error: Duplicate employee_id 'e3' on rows 4 and 5; "
                "give each employee one row"
            ),
            HINT,
            f"{scores}:5:7: AK012 error: Row has 7 cells but the header has 6",
            HINT,
            "",
            "Found 5 errors, 0 warnings, 0 info.",
        ]

    def test_scores_within_the_bound_are_capped_as_before(self, runner: CliRunner, tmp_path: Path):
        """300% attainment still pays the curve's capped amount."""
        scores = sheet(tmp_path, "e1,10000,3,1,1,1\n")
        result = compute(runner, "blended", str(scores))
        assert result.exit_code == 0
        assert result.stdout.splitlines()[1] == "e1,USD,14000.00,8000.00,3000.00,2000.00,1000.00"

    def test_the_bound_of_a_plan_in_the_alignment_file(self, runner: CliRunner, tmp_path: Path):
        """`max_score` in the file's plan raises the bound for that plan."""
        alignment = tmp_path / "alignment.yaml"
        alignment.write_text(
            "version: 1\n"
            "org:\n"
            "  functions: [{name: Sales, head: s1}]\n"
            "  people: [{id: s1, name: S One, function: Sales}]\n"
            "bonus_plans:\n"
            "  - {name: wide, preset: blended, max_score: 20, functions: [Sales]}\n",
            encoding="utf-8",
        )
        scores = sheet(tmp_path, "e1,100,15,1,1,1\n")
        result = compute(runner, "wide", str(scores), "--file", str(alignment))
        assert result.exit_code == 0
        assert result.stdout.splitlines()[1] == "e1,USD,140.00,80.00,30.00,20.00,10.00"


class TestUnreadable:
    def test_a_missing_file_is_ak010(self, runner: CliRunner, tmp_path: Path):
        """A scores file that cannot be read is unreadable (AK010), exit 2."""
        missing = tmp_path / "nope.csv"
        result = compute(runner, "blended", str(missing))
        assert result.exit_code == 2
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert (
            lines[0]
            == f"{missing}: AK010 error: Cannot read the CSV file: No such file or directory"
        )
        assert lines[1] == "  help: Point alignkit at a UTF-8 CSV file with a header row"
        assert lines[-1] == "Found 1 error, 0 warnings, 0 info."


class TestOptions:
    @pytest.mark.parametrize(
        ("value", "reason"),
        [
            ("abc", "'abc' is not a decimal amount"),
            ("NaN", "'NaN' is not a decimal amount"),
            ("10%", "'10%' is not a decimal amount"),
            ("-5", "'-5' is negative"),
        ],
    )
    def test_a_bad_pool_is_a_usage_error(
        self, runner: CliRunner, tmp_path: Path, value: str, reason: str
    ):
        """--pool must be a non-negative decimal amount: click's usage error, exit 2."""
        scores = sheet(tmp_path, "e1,100,1,1,1,1\n")
        result = compute(runner, "blended", str(scores), f"--pool={value}")
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr == f"{USAGE}\nError: Invalid value for '--pool': {reason}\n"

    def test_an_unknown_currency_is_a_usage_error(self, runner: CliRunner, tmp_path: Path):
        """--currency must be an ISO 4217 code alignkit knows: click's usage error, exit 2."""
        scores = sheet(tmp_path, "e1,100,1,1,1,1\n")
        result = compute(runner, "blended", str(scores), "--currency", "XXX")
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr.startswith(
            f"{USAGE}\nError: Invalid value for '--currency': 'XXX' is not a currency "
            "alignkit knows; use one of AED, ARS, AUD, "
        )

    def test_currency_with_a_file_plan_is_a_usage_error(self, runner: CliRunner, tmp_path: Path):
        """A plan from --file has its own currency: --currency beside it is refused, not ignored."""
        scores = sheet(tmp_path, "e1,100,1,1,1,1\n")
        plans = tmp_path / "alignment.yaml"
        plans.write_text(
            "version: 1\norg: {functions: [{name: Sales}]}\n"
            "bonus_plans: [{name: b, preset: blended, currency: EUR}]\n"
        )
        result = compute(runner, "b", str(scores), "--file", str(plans), "--currency", "USD")
        assert result.exit_code == 2
        assert result.stderr == (
            f"{USAGE}\nError: --currency is for a preset plan; "
            "a plan from --file has its own `currency:`\n"
        )

    def test_pool_and_currency_are_read_exactly(self, runner: CliRunner, tmp_path: Path):
        """A pool with cents scales to the cent; a lower-case code is the currency."""
        scores = sheet(tmp_path, "e1,100,1,1,1,1\ne2,100,1,1,1,1\n")
        result = compute(runner, "blended", str(scores), "--pool", "150.01", "--currency", "eur")
        assert result.exit_code == 0
        assert result.stdout.splitlines() == [
            "employee_id,currency,total,individual,team,company,silo_buster",
            "e1,EUR,75.01,30.01,22.50,15.00,7.50",
            "e2,EUR,75.00,30.00,22.50,15.00,7.50",
        ]
