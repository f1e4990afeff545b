"""The `alignkit rights` commands: import with any scheme, and what a party may do."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from alignkit.alignment_file import load, loads
from alignkit.cli import main
from alignkit.decision_rights import Role

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "acme" / "alignment.yaml"

BEFORE = "2026-01-15T12:00:00+00:00"
"""While the example's delegations run."""
AFTER = "2027-07-01T00:00:00+00:00"
"""After every delegation of the example has expired."""

UNTIL = "2027-06-30T23:59:59+00:00"

DEAL_DESK = f"""\
version: 1
org:
  functions:
    - {{name: Executive, head: ceo}}
    - {{name: Sales, head: vp-sales}}
    - {{name: Legal}}
  people:
    - {{id: ceo, name: Dana Reyes, function: Executive}}
    - {{id: vp-sales, name: Sam Okafor, function: Sales, manager: ceo}}
    - {{id: ae-1, name: Lee Park, function: Sales, manager: vp-sales}}
    - {{id: ae-2, name: Ana Ruiz, function: Sales, manager: vp-sales}}
    - {{id: counsel, name: Ines Costa, function: Legal, manager: ceo}}
    - {{id: intern, name: Kofi Asante, function: Executive, manager: ceo}}
teams:
  - name: deal-desk
    model: pod
    mission: Close non-standard deals within a week
    leader: ae-1
    members:
      - {{id: ae-1, function: Sales}}
      - {{id: counsel, function: Legal}}
      - {{id: ae-2, function: Sales}}
decision_rights:
  scheme: rapid
  decisions:
    - id: approve-discount
      accountable: Sales
      responsible: [ae-1]
      agree: [Legal]
      consulted: [deal-desk]
    - id: set-quota
      accountable: ceo
      responsible: [vp-sales]
      consulted: [Sales, revenue-council]
    - id: sign-contract
      accountable: Legal
      responsible: [counsel]
  delegations:
    - decision: approve-discount
      from_party: Sales
      to_party: ae-2
      until: {UNTIL}
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def deal_desk(tmp_path: Path) -> str:
    path = tmp_path / "alignment.yaml"
    path.write_text(DEAL_DESK, encoding="utf-8")
    return str(path)


def show(runner: CliRunner, file: str | Path, party: str, at: str = BEFORE) -> tuple[int, str]:
    result = runner.invoke(main, ["rights", "show", str(file), "--party", party, "--at", at])
    return result.exit_code, result.output


class TestShowUnknownParty:
    def test_typo_exits_1_with_the_nearest_id(self, runner: CliRunner):
        """A misspelt person id is an error naming the id meant."""
        result = runner.invoke(main, ["rights", "show", str(EXAMPLE), "--party", "ae-mm1"])
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == "Error: Unknown party 'ae-mm1'; did you mean 'ae-mm-1'?\n"

    def test_typo_of_a_function_or_a_named_party(self, runner: CliRunner, deal_desk: str):
        """Functions, teams and parties only the matrix names are suggested too."""
        for typo, meant in (
            ("Sale", "Sales"),
            ("deal-dsk", "deal-desk"),
            ("revenue-counsel", "revenue-council"),
        ):
            result = runner.invoke(main, ["rights", "show", deal_desk, "--party", typo])
            assert (result.exit_code, result.stdout) == (1, "")
            assert result.stderr == f"Error: Unknown party {typo!r}; did you mean {meant!r}?\n"

    def test_a_person_s_name_suggests_their_id(self, runner: CliRunner):
        """Typing the name instead of the id points at the id."""
        result = runner.invoke(main, ["rights", "show", str(EXAMPLE), "--party", "lee park"])
        assert result.exit_code == 1
        assert result.stderr == (
            "Error: Unknown party 'lee park'; did you mean 'ae-mm-1' (Lee Park)?\n"
        )

    def test_nothing_close(self, runner: CliRunner):
        """With nothing close, the error just says the party is unknown."""
        result = runner.invoke(main, ["rights", "show", str(EXAMPLE), "--party", "ghost"])
        assert (result.exit_code, result.stderr) == (1, "Error: Unknown party 'ghost'\n")

    def test_known_party_without_a_role_is_not_an_error(self, runner: CliRunner, deal_desk: str):
        """Someone in the org who holds nothing is told so, and the command succeeds."""
        assert show(runner, deal_desk, "Executive") == (
            0,
            "Executive holds no role in any decision.\n",
        )


class TestShowParty:
    def test_member_of_the_accountable_function_does_not_decide(self, runner: CliRunner):
        """A member of Sales is named as a member; the head (and a delegate) decide."""
        code, output = show(runner, EXAMPLE, "ae-mm-1")
        assert code == 0
        assert (
            "approve-discount-over-20-percent: Sales holds accountable (you are a member; "
            f"its head `vp-sales` decides, and `sales-director-ent` by delegation until {UNTIL})"
        ) in output.splitlines()
        assert "decides (" not in output

    def test_head_decides_for_the_function(self, runner: CliRunner):
        """The head decides as head; the function's other roles name them as its head."""
        code, output = show(runner, EXAMPLE, "vp-sales")
        lines = output.splitlines()
        assert code == 0
        assert "approve-pricing-exception: decides (accountable)" in lines
        assert (
            "approve-discount-over-20-percent: decides (as head of Sales); "
            f"delegated to `sales-director-ent` until {UNTIL}"
        ) in lines
        assert "set-list-prices: Sales holds consulted (you are its head)" in lines

    def test_every_case(self, runner: CliRunner, deal_desk: str):
        """Direct roles, functions, teams, delegations and a headless function, exactly."""
        holds = "Sales holds accountable (you are a member; its head `vp-sales` decides"
        assert show(runner, deal_desk, "ae-1") == (
            0,
            (
                f"approve-discount: responsible; {holds}, and `ae-2` by delegation until {UNTIL}); "
                "deal-desk holds consulted (you are a member)\n"
                "set-quota: Sales holds consulted (you are a member)\n"
            ),
        )
        assert show(runner, deal_desk, "ae-2") == (
            0,
            (
                f"approve-discount: decides (by delegation from Sales until {UNTIL}); {holds}); "
                "deal-desk holds consulted (you are a member)\n"
                "set-quota: Sales holds consulted (you are a member)\n"
            ),
        )
        assert show(runner, deal_desk, "vp-sales") == (
            0,
            (
                f"approve-discount: decides (as head of Sales); delegated to `ae-2` until {UNTIL}\n"
                "set-quota: responsible; Sales holds consulted (you are its head)\n"
            ),
        )
        assert show(runner, deal_desk, "counsel") == (
            0,
            (
                "approve-discount: Legal holds agree (you are a member); "
                "deal-desk holds consulted (you are a member)\n"
                "sign-contract: responsible; Legal holds accountable "
                "(you are a member; it has no head, so nobody may decide it)\n"
            ),
        )
        assert show(runner, deal_desk, "ceo") == (0, "set-quota: decides (accountable)\n")
        assert show(runner, deal_desk, "intern") == (0, "intern holds no role in any decision.\n")

    def test_parties_that_are_not_people(self, runner: CliRunner, deal_desk: str):
        """A function, a team and a party only the matrix names show their roles."""
        assert show(runner, deal_desk, "Sales") == (
            0,
            (
                "approve-discount: accountable (its head `vp-sales` decides, "
                f"and `ae-2` by delegation until {UNTIL})\n"
                "set-quota: consulted\n"
            ),
        )
        assert show(runner, deal_desk, "Legal") == (
            0,
            (
                "approve-discount: agree\n"
                "sign-contract: accountable (it has no head, so nobody may decide it)\n"
            ),
        )
        assert show(runner, deal_desk, "deal-desk") == (0, "approve-discount: consulted\n")
        assert show(runner, deal_desk, "revenue-council") == (0, "set-quota: consulted\n")

    def test_expired_delegation_no_longer_counts(self, runner: CliRunner, deal_desk: str):
        """After `until`, the delegate is a member again and the head decides alone."""
        holds = "Sales holds accountable (you are a member; its head `vp-sales` decides)"
        assert show(runner, deal_desk, "ae-2", at=AFTER) == (
            0,
            (
                f"approve-discount: {holds}; deal-desk holds consulted (you are a member)\n"
                "set-quota: Sales holds consulted (you are a member)\n"
            ),
        )
        assert show(runner, deal_desk, "vp-sales", at=AFTER)[1].splitlines()[0] == (
            "approve-discount: decides (as head of Sales)"
        )

    @pytest.mark.parametrize("at", [BEFORE, AFTER])
    def test_decides_exactly_when_can_decide(self, runner: CliRunner, at: str):
        """For every person of the example, "decides" is shown exactly where can_decide allows."""
        file = load(EXAMPLE)
        matrix = file.decision_rights
        assert matrix is not None
        when = dt.datetime.fromisoformat(at)
        deciding_anything = 0
        for person in file.org.people:
            code, output = show(runner, EXAMPLE, person.id, at)
            assert code == 0
            shown = {
                decision
                for decision, _, held in (line.partition(": ") for line in output.splitlines())
                if held.startswith("decides")
            }
            allowed = {
                d.id for d in matrix.decisions if matrix.can_decide(person.id, d.id, file.org, when)
            }
            assert shown == allowed, person.id
            deciding_anything += bool(allowed)
        assert deciding_anything >= 10

    def test_decision_deciders_follow_at(self, runner: CliRunner, deal_desk: str):
        """--at also sets who decides a decision: a delegate only until the delegation ends."""
        args = ["rights", "show", deal_desk, "--decision", "approve-discount", "--at"]
        before = runner.invoke(main, [*args, BEFORE]).output.splitlines()
        after = runner.invoke(main, [*args, AFTER]).output.splitlines()
        assert before[1] == "  decides:      Sales (ae-2, vp-sales)"
        assert after[1] == "  decides:      Sales (vp-sales)"

    def test_at_needs_a_utc_offset(self, runner: CliRunner, deal_desk: str):
        """A time without an offset is a usage error (exit 2)."""
        result = runner.invoke(
            main, ["rights", "show", deal_desk, "--party", "ae-1", "--at", "2026-01-15T12:00"]
        )
        assert result.exit_code == 2
        assert result.stderr.splitlines()[-1] == (
            "Error: Invalid value for '--at': '2026-01-15T12:00' has no UTC offset; "
            "write it like 2026-01-15T12:00:00+00:00"
        )
        nonsense = runner.invoke(main, ["rights", "show", deal_desk, "--at", "soon"])
        assert nonsense.exit_code == 2
        assert nonsense.stderr.splitlines()[-1] == (
            "Error: Invalid value for '--at': 'soon' is not an ISO 8601 time; "
            "write it like 2026-01-15T12:00:00+00:00"
        )


RACI_V = """\
version: 1
org: {}
decision_rights:
  scheme:
    name: raci-v
    letters: {R: responsible, A: accountable, V: agree, C: consulted, I: informed}
"""

RACI_V_SECTION = """\
decision_rights:
  scheme:
    name: raci-v
    letters:
      R: responsible
      A: accountable
      V: agree
      C: consulted
      I: informed
  decisions:
  - id: choose-crm
    accountable: IT
    responsible:
    - IT
    agree:
    - Legal
    consulted:
    - Sales
"""


class TestImportWithACustomScheme:
    @pytest.fixture
    def files(self, tmp_path: Path) -> tuple[str, str]:
        alignment = tmp_path / "alignment.yaml"
        alignment.write_text(RACI_V, encoding="utf-8")
        sheet = tmp_path / "it.csv"
        sheet.write_text("Decision,IT,Legal,Sales\nchoose-crm,A/R,V,C\n", encoding="utf-8")
        return str(alignment), str(sheet)

    def test_file_s_scheme_is_the_default(self, runner: CliRunner, files: tuple[str, str]):
        """With --file, the sheet is read in the scheme the file's decision_rights defines."""
        alignment, sheet = files
        result = runner.invoke(main, ["rights", "import", sheet, "--file", alignment])
        assert (result.exit_code, result.output) == (0, RACI_V_SECTION)
        loaded = loads("version: 1\norg: {}\n" + result.output).decision_rights
        assert loaded is not None
        assert loaded.parties("choose-crm", Role.AGREE) == {"Legal"}

    def test_scheme_named_from_the_file(self, runner: CliRunner, files: tuple[str, str]):
        """--scheme may name the file's custom scheme, in any case."""
        alignment, sheet = files
        result = runner.invoke(
            main, ["rights", "import", sheet, "--scheme", "RACI-V", "--file", alignment]
        )
        assert (result.exit_code, result.output) == (0, RACI_V_SECTION)

    def test_built_in_scheme_with_a_file(self, runner: CliRunner, tmp_path: Path, files):
        """A built-in scheme can still be chosen when --file is given."""
        alignment, _ = files
        sheet = tmp_path / "rapid.csv"
        sheet.write_text("Decision,vp-sales,Finance\napprove-discount,D,A\n", encoding="utf-8")
        result = runner.invoke(
            main, ["rights", "import", str(sheet), "--scheme", "rapid", "--file", alignment]
        )
        assert (result.exit_code, result.output) == (
            0,
            (
                "decision_rights:\n"
                "  scheme: rapid\n"
                "  decisions:\n"
                "  - id: approve-discount\n"
                "    accountable: vp-sales\n"
                "    agree:\n"
                "    - Finance\n"
            ),
        )

    def test_custom_scheme_without_a_file(self, runner: CliRunner, files: tuple[str, str]):
        """A scheme that is not built in, without --file, is a usage error that says why."""
        _, sheet = files
        result = runner.invoke(main, ["rights", "import", sheet, "--scheme", "raci-v"])
        assert result.exit_code == 2
        assert result.stderr.splitlines()[-1] == (
            "Error: Invalid value for '--scheme': Unknown scheme 'raci-v'; did you mean 'raci'? "
            "A custom scheme is read from the decision_rights of the file given with --file"
        )

    def test_scheme_the_file_does_not_define(self, runner: CliRunner, files: tuple[str, str]):
        """Naming a scheme that is neither built in nor the file's is a usage error."""
        alignment, sheet = files
        result = runner.invoke(
            main, ["rights", "import", sheet, "--scheme", "rasci", "--file", alignment]
        )
        assert result.exit_code == 2
        assert result.stderr.splitlines()[-1] == (
            f"Error: Invalid value for '--scheme': {alignment} defines the scheme 'raci-v', "
            "not 'rasci'; use raci-v, raci, rapid or daci"
        )

    def test_file_without_decision_rights(self, runner: CliRunner, tmp_path: Path, files):
        """A file with no decision_rights section has no scheme to offer."""
        _, sheet = files
        bare = tmp_path / "bare.yaml"
        bare.write_text("version: 1\norg: {}\n", encoding="utf-8")
        result = runner.invoke(main, ["rights", "import", sheet, "--file", str(bare)])
        assert (result.exit_code, result.stderr) == (
            1,
            f"Error: {bare} has no decision_rights section\n",
        )


LENT = """\
version: 1
org:
  functions:
    - {name: Executive, head: ceo}
    - {name: Finance, head: cfo}
    - {name: Legal}
  people:
    - {id: ceo, name: Dana Reyes, function: Executive}
    - {id: cfo, name: Helen Brooks, function: Finance, manager: ceo}
    - {id: clerk, name: Arjun Rao, function: Legal, manager: ceo}
decision_rights:
  decisions:
    - {id: sign-nda, category: contracts, accountable: Legal, responsible: [clerk]}
    - {id: pay-invoice, category: spend, accountable: ceo, responsible: [cfo]}
  delegations:
    - {category: contracts, from_party: Legal, to_party: ceo}
    - {decision: pay-invoice, from_party: ceo, to_party: Finance}
"""


class TestShowDelegations:
    @pytest.fixture
    def lent(self, tmp_path: Path) -> str:
        path = tmp_path / "alignment.yaml"
        path.write_text(LENT, encoding="utf-8")
        return str(path)

    def test_open_ended_delegations_by_category_and_to_a_function(
        self, runner: CliRunner, lent: str
    ):
        """A category delegation, one to a function (its head decides), neither with an end."""
        assert show(runner, lent, "ceo") == (
            0,
            (
                "sign-nda: decides (by delegation from Legal)\n"
                "pay-invoice: decides (accountable); delegated to Finance\n"
            ),
        )
        assert show(runner, lent, "cfo") == (
            0,
            "pay-invoice: decides (as head of Finance, by delegation from `ceo`); responsible\n",
        )
        assert show(runner, lent, "clerk") == (
            0,
            (
                "sign-nda: responsible; Legal holds accountable "
                "(you are a member; it has no head; `ceo` decides by delegation)\n"
            ),
        )
        assert show(runner, lent, "Legal") == (
            0,
            "sign-nda: accountable (it has no head; `ceo` decides by delegation)\n",
        )
        assert show(runner, lent, "Finance") == (
            0,
            "pay-invoice: may decide by delegation from `ceo` (its head `cfo`)\n",
        )

    def test_decides_exactly_when_can_decide(self, runner: CliRunner, lent: str):
        """Delegations to people and to functions agree with can_decide too."""
        file = load(lent)
        matrix = file.decision_rights
        assert matrix is not None
        when = dt.datetime.fromisoformat(BEFORE)
        for person in file.org.people:
            _, output = show(runner, lent, person.id)
            shown = {line.partition(": ")[0] for line in output.splitlines() if ": decides" in line}
            allowed = {
                d.id for d in matrix.decisions if matrix.can_decide(person.id, d.id, file.org, when)
            }
            assert shown == allowed, person.id


ODD_NAMES_SHEET = (
    "Decision,#title,yes,null,'#x,-x,é,a: b\n"
    'ship,"Ship it, now",A,R,C,I,,\n'
    '"2026-01-15",,A,,,,C,R\n'
)
ODD_NAMES_SECTION = """\
decision_rights:
  scheme: raci
  decisions:
  - id: ship
    title: Ship it, now
    accountable: 'yes'
    responsible:
    - 'null'
    consulted:
    - '#x'
    informed:
    - -x
  - id: '2026-01-15'
    accountable: 'yes'
    responsible:
    - 'a: b'
    consulted:
    - é
"""

ODD_FILE = """\
version: 1
org: {}
decision_rights:
  decisions:
    - id: "\\x1fship"
      title: "two\\rlines =1+1"
      category: " padded "
      accountable: "Finance\\x1c"
      responsible: ["=HYPERLINK(1)", "Sales;=cmd", "'quoted"]
      consulted: ["a,b", "say \\"hi\\""]
"""


class TestImportAnyText:
    def test_names_needing_quotes(self, runner: CliRunner, tmp_path: Path):
        """Names YAML would misread are quoted as PyYAML quotes them, and load back."""
        sheet = tmp_path / "odd.csv"
        sheet.write_text(ODD_NAMES_SHEET, encoding="utf-8")
        result = runner.invoke(main, ["rights", "import", str(sheet)])
        assert (result.exit_code, result.output) == (0, ODD_NAMES_SECTION)
        loaded = loads("version: 1\norg: {}\n" + result.output).decision_rights
        assert loaded is not None
        assert loaded.parties("2026-01-15", Role.RESPONSIBLE) == {"a: b"}

    def test_unclosed_quote_exits_2_at_its_cell(self, runner: CliRunner, tmp_path: Path):
        """A quote never closed is an error at its cell, not a party swallowing the sheet."""
        sheet = tmp_path / "broken.csv"
        sheet.write_text('Decision,"Finance,IT\nship,A,R\n', encoding="utf-8")
        result = runner.invoke(main, ["rights", "import", str(sheet)])
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == (
            f"{sheet}:1:2: AK012 error: Invalid CSV: the quote that opens this cell is never "
            'closed; close it, or double each quote inside a quoted cell ("")\n'
            "  help: Fix the cell shown; the header row names the columns\n"
            "\n"
            "Found 1 error, 0 warnings, 0 info.\n"
        )

    def test_export_then_import_gives_the_same_matrix(self, runner: CliRunner, tmp_path: Path):
        """Exported CSV, saved and imported again, is the same matrix, whatever the text."""
        alignment = tmp_path / "alignment.yaml"
        alignment.write_text(ODD_FILE, encoding="utf-8")
        exported = runner.invoke(main, ["rights", "export", str(alignment)])
        assert exported.exit_code == 0
        sheet = tmp_path / "rights.csv"
        sheet.write_text(exported.stdout, encoding="utf-8", newline="")
        imported = runner.invoke(main, ["rights", "import", str(sheet)])
        assert imported.exit_code == 0
        assert loads("version: 1\norg: {}\n" + imported.stdout).decision_rights == (
            load(alignment).decision_rights
        )
