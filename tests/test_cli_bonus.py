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
            f"{scores}:2:3: AK012 error: Expected a number, got 'lots'; write it like 10000.50",
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


ABOVE = "is above 10^15 (1,000,000,000,000,000), the largest amount alignkit pays"


class TestHugeInput:
    @pytest.mark.parametrize(
        ("value", "reason"),
        [
            ("1e999999", f"'1e999999' {ABOVE}"),
            ("1" * 40, f"'{'1' * 40}' {ABOVE}"),
            ("1e-31", "'1e-31' has more than 30 digits after the decimal point"),
        ],
    )
    def test_a_pool_out_of_range_is_a_usage_error(
        self, runner: CliRunner, tmp_path: Path, value: str, reason: str
    ):
        """A pool beyond 10^15 is refused by the option, not taken as no limit."""
        scores = sheet(tmp_path, "e1,100,1,1,1,1\n")
        result = compute(runner, "blended", str(scores), f"--pool={value}")
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr == f"{USAGE}\nError: Invalid value for '--pool': {reason}\n"

    @pytest.mark.parametrize("target", ["1e26", "1" * 40, "1e999999"])
    def test_a_target_out_of_range_is_refused_at_its_cell(
        self, runner: CliRunner, tmp_path: Path, target: str
    ):
        """A huge target exits 2 naming its cell; nothing is written."""
        scores = sheet(tmp_path, f"e1,100,1,1,1,1\ne2,{target},1,1,1,1\n")
        result = compute(runner, "blended", str(scores))
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr.splitlines()[0] == (
            f"{scores}:3:2: AK012 error: '{target}' is above 10^15 (1,000,000,000,000,000), "
            "the largest amount alignkit reads"
        )


class TestDecimalComma:
    def test_a_decimal_comma_is_refused_without_the_flag(self, runner: CliRunner, tmp_path: Path):
        """10000,50 is never read as 1000050: exit 2 at the cell, with the form to use."""
        scores = sheet(tmp_path, 'e1,"10000,50",1,1,1,1\n')
        result = compute(runner, "blended", str(scores))
        assert result.exit_code == 2
        assert result.stderr.splitlines()[0] == (
            f"{scores}:2:2: AK012 error: '10000,50' has a decimal comma; write 10000.50 "
            "(or read the sheet with decimal commas)"
        )

    def test_the_flag_reads_decimal_commas(self, runner: CliRunner, tmp_path: Path):
        """With --decimal-comma, 10.000,50 is ten thousand and fifty cents."""
        scores = sheet(tmp_path, 'e1,"10.000,50","1,2","0,5",1,0\n')
        result = compute(runner, "blended", str(scores), "--decimal-comma")
        assert result.exit_code == 0
        assert result.stdout.splitlines()[1] == "e1,USD,8300.42,4800.24,1500.08,2000.10,0.00"


class TestAtomicOutput:
    def test_a_late_duplicate_leaves_the_old_file_and_no_temporary(
        self, runner: CliRunner, tmp_path: Path
    ):
        """The duplicate is found after every other row was computed; nothing is replaced."""
        rows = "".join(f"e{i},100,1,1,1,1\n" for i in range(200)) + "e7,100,1,1,1,1\n"
        scores = sheet(tmp_path, rows)
        out = tmp_path / "payouts.csv"
        out.write_text("last run\n", encoding="utf-8")
        result = compute(runner, "blended", str(scores), "-o", str(out))
        assert result.exit_code == 2
        assert result.stderr.splitlines()[0] == (
            f"{scores}:202:1: AK012 error: Duplicate employee_id 'e7' on rows 9 and 202; "
            "give each employee one row"
        )
        assert out.read_text(encoding="utf-8") == "last run\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["payouts.csv", "scores.csv"]

    def test_standard_output_gets_nothing_on_an_error(self, runner: CliRunner, tmp_path: Path):
        """Printed payouts come all at once at the end, so a bad last row prints none."""
        scores = sheet(tmp_path, "e1,100,1,1,1,1\ne2,100,1,1,1,x\n")
        result = compute(runner, "blended", str(scores))
        assert (result.exit_code, result.stdout) == (2, "")

    def test_the_file_and_standard_output_agree(self, runner: CliRunner, tmp_path: Path):
        """-o writes exactly what is printed without it."""
        scores = sheet(tmp_path, "e1,100,1,1,1,1\ne2,12.34,0.5,1.5,110%,1\n")
        printed = compute(runner, "blended", str(scores))
        out = tmp_path / "payouts.csv"
        written = compute(runner, "blended", str(scores), "-o", str(out))
        assert (printed.exit_code, written.exit_code) == (0, 0)
        assert out.read_text(encoding="utf-8") == printed.stdout
        assert written.stderr == f"Wrote 2 payouts totalling 111.97 USD to {out}\n"  # 100 + 11.97


class TestProgress:
    def test_a_bar_on_a_terminal(
        self, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ):
        """On a terminal, a big file gets a progress bar on standard error."""
        import click.testing

        import alignkit.bonus._cli

        monkeypatch.setattr(alignkit.bonus._cli, "_PROGRESS_FROM", 10)
        monkeypatch.setattr(click.testing._NamedTextIOWrapper, "isatty", lambda _: True)
        scores = sheet(tmp_path, "".join(f"e{i},100,1,1,1,1\n" for i in range(3_000)))
        out = tmp_path / "payouts.csv"
        result = compute(runner, "blended", str(scores), "-o", str(out))
        assert result.exit_code == 0
        assert "Computing payouts" in result.stderr
        assert "100%" in result.stderr
        assert result.stderr.endswith(f"Wrote 3000 payouts totalling 300000.00 USD to {out}\n")

    def test_no_bar_off_a_terminal(
        self, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ):
        """Off a terminal (a pipe, a log), there is no bar, however big the file."""
        import alignkit.bonus._cli

        monkeypatch.setattr(alignkit.bonus._cli, "_PROGRESS_FROM", 10)
        scores = sheet(tmp_path, "e1,100,1,1,1,1\n")
        result = compute(runner, "blended", str(scores))
        assert (result.exit_code, result.stderr) == (0, "")
