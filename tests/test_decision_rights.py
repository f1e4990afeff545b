"""alignkit.decision_rights: schemes, the matrix, queries, delegation, escalation, lint."""

from __future__ import annotations

import contextlib
import copy
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

import attrs
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from alignkit._spec import FrozenDict
from alignkit.alignment_file import load, loads
from alignkit.decision_rights import (
    Authority,
    Decision,
    DecisionRights,
    Delegation,
    EscalationPath,
    GroupRoles,
    Role,
    RoleHolders,
    Scheme,
    parse_cell,
)
from alignkit.decision_rights import _tabular as decision_rights_tabular
from alignkit.decision_rights import _yaml as decision_rights_yaml
from alignkit.errors import PermissionDenied, SpecError, UnknownNameError
from alignkit.org import Function, Org, Person
from tests.strategies import matrices

NOW = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)

ORG = Org(
    functions=[
        Function("Executive", "ceo"),
        Function("Sales", "vp-sales"),
        Function("Marketing", "vp-marketing"),
        Function("IT", "cio"),
        Function("Finance", "cfo"),
        Function("Legal"),
    ],
    people=[
        Person("ceo", "Dana Reyes", "Executive"),
        Person("vp-sales", "Sam Okafor", "Sales", "ceo"),
        Person("ae-1", "Lee Park", "Sales", "vp-sales"),
        Person("vp-marketing", "Chloe Dubois", "Marketing", "ceo"),
        Person("mops", "Yuki Tanaka", "Marketing", "vp-marketing"),
        Person("cio", "Victor Hale", "IT", "ceo"),
        Person("data-eng", "Omar Farouk", "IT", "cio"),
        Person("cfo", "Helen Brooks", "Finance", "ceo"),
        Person("outsider", "Pat Doe", "Legal"),
    ],
)

RIGHTS = DecisionRights(
    scheme=Scheme.RACI,
    decisions=[
        Decision(
            id="launch-customer-data-integration",
            title="Launch the customer data integration",
            category="data",
            accountable="Marketing",
            responsible=["IT"],
            consulted=["Sales"],
            informed=["Finance"],
        ),
        Decision(
            id="choose-warehouse",
            category="data",
            accountable="cio",
            responsible=["data-eng"],
            consulted=["Marketing", "cfo"],
        ),
        Decision(
            id="approve-discount",
            category="pricing",
            accountable="vp-sales",
            responsible=["ae-1"],
            consulted=["Finance"],
        ),
    ],
    forums={"pricing": "Revenue council"},
)


ONE = "; exactly one party is accountable for a decision"


class TestScheme:
    def test_the_same_letter_means_different_roles(self):
        """The classic trap: RAPID's A and I are not RACI's."""
        assert Scheme.RACI.role("A") is Role.ACCOUNTABLE
        assert Scheme.RAPID.role("A") is Role.AGREE
        assert Scheme.RACI.role("I") is Role.INFORMED
        assert Scheme.RAPID.role("I") is Role.CONSULTED
        assert Scheme.DACI.role("D") is Role.RESPONSIBLE
        assert Scheme.RAPID.role("D") is Role.ACCOUNTABLE

    def test_rapid_and_daci_mappings(self):
        """Every letter of RAPID and DACI, as documented."""
        assert {k: v.name for k, v in Scheme.RAPID.letters.items()} == {
            "R": "RESPONSIBLE",
            "A": "AGREE",
            "P": "RESPONSIBLE",
            "I": "CONSULTED",
            "D": "ACCOUNTABLE",
        }
        assert {k: v.name for k, v in Scheme.DACI.letters.items()} == {
            "D": "RESPONSIBLE",
            "A": "ACCOUNTABLE",
            "C": "CONSULTED",
            "I": "INFORMED",
        }

    def test_words_and_case(self):
        """Cells may spell the word, in any case."""
        assert Scheme.RAPID.role(" decide ") is Role.ACCOUNTABLE
        assert Scheme.DACI.role("approver") is Role.ACCOUNTABLE
        assert Scheme.RACI.role("r") is Role.RESPONSIBLE

    def test_unknown_letter(self):
        """A letter outside the scheme names the valid ones."""
        with pytest.raises(UnknownNameError, match="'X' is not a RACI letter; use R, A, C, I"):
            Scheme.RACI.role("X")

    def test_letter_for_role(self):
        """Export writes the first letter for a role; RACI has none for agree."""
        assert Scheme.RAPID.letter(Role.RESPONSIBLE) == "R"
        assert Scheme.RACI.letter(Role.AGREE) is None

    def test_named(self):
        """Built-in schemes by name."""
        assert Scheme.named("RAPID") is Scheme.RAPID
        with pytest.raises(UnknownNameError, match="did you mean 'raci'"):
            Scheme.named("raic")

    def test_custom_scheme_needs_an_accountable_letter(self):
        """A scheme nobody can decide in is refused."""
        with pytest.raises(SpecError, match="no letter for the accountable role"):
            Scheme("rci", {"R": Role.RESPONSIBLE})
        with pytest.raises(SpecError, match="has no letters"):
            Scheme("empty", {})

    def test_repr_and_hash(self):
        """Built-ins read as their constant; custom ones as a constructor."""
        assert repr(Scheme.RACI) == "Scheme.RACI"
        custom = Scheme("x", {"X": Role.ACCOUNTABLE})
        assert repr(custom) == "Scheme('x', {'X': <Role.ACCOUNTABLE: 'accountable'>})"
        assert hash(custom) == hash(Scheme("x", {"X": Role.ACCOUNTABLE}))

    def test_immutable(self):
        """Letters cannot be changed after the fact."""
        with pytest.raises(TypeError):
            Scheme.RACI.letters["Z"] = Role.INFORMED  # type: ignore[index]

    def test_custom_scheme_in_a_file(self):
        """An alignment file may define its own letters."""
        text = (
            "version: 1\norg: {}\ndecision_rights:\n"
            "  scheme: {name: rasci, letters: {R: responsible, A: accountable, S: responsible}}\n"
            "  decisions: [{id: d, accountable: x, responsible: [y]}]\n"
        )
        rights = loads(text).decision_rights
        assert rights is not None
        assert rights.scheme.role("S") is Role.RESPONSIBLE
        assert rights.to_data()["scheme"] == {
            "name": "rasci",
            "letters": {"R": "responsible", "A": "accountable", "S": "responsible"},
        }

    @pytest.mark.parametrize(
        ("scheme", "message"),
        [
            ("racy", "did you mean 'raci'"),
            ({"name": "x"}, "needs `letters:`"),
            ({"name": "x", "letters": {"A": "boss"}}, "'boss' is not a role"),
            ({"name": "x", "letters": {"R": "responsible"}}, "no letter for the accountable"),
            (7, "Expected a scheme name"),
        ],
    )
    def test_bad_schemes_in_a_file(self, scheme: object, message: str):
        """Every bad scheme is a located schema problem."""
        data = {"version": 1, "org": {}, "decision_rights": {"scheme": scheme}}
        with pytest.raises(SpecError, match=re.escape(message)) as info:
            loads(yaml.safe_dump(data))
        assert info.value.problems[0].location.path == ("decision_rights", "scheme")


class TestParseCell:
    @pytest.mark.parametrize(
        ("cell", "roles"),
        [
            ("A", {Role.ACCOUNTABLE}),
            ("A/R", {Role.ACCOUNTABLE, Role.RESPONSIBLE}),
            ("R, A", {Role.ACCOUNTABLE, Role.RESPONSIBLE}),
            (" c ", {Role.CONSULTED}),
            ("", set()),
            ("I;C", {Role.INFORMED, Role.CONSULTED}),
        ],
    )
    def test_tolerant_of_case_spaces_and_separators(self, cell: str, roles: set[Role]):
        """Cells as people type them."""
        assert parse_cell(cell, Scheme.RACI) == (frozenset(roles), [])


class TestDecision:
    def test_title_defaults_to_id(self):
        """A decision without a title shows its id."""
        assert Decision(id="d", accountable="x").title == "d"

    def test_one_accountable_by_type(self):
        """`accountable` is one party; two are refused, naming both and the rule."""
        with pytest.raises(SpecError) as info:
            Decision(id="d", accountable=["a", "b"])  # type: ignore[arg-type]
        (problem,) = info.value.problems
        assert problem.location.path == ("accountable",)
        assert problem.message == (
            "Decision `d` has 2 accountable parties (`a`, `b`); "
            "exactly one party is accountable for a decision"
        )

    @pytest.mark.parametrize("written", [{}, {"accountable": None}, {"accountable": []}])
    def test_no_accountable_has_its_own_message(self, written: dict[str, object]):
        """Missing, null or an empty list: the decision is named, and the rule."""
        with pytest.raises(SpecError) as info:
            Decision(id="d", **written)  # type: ignore[arg-type]
        assert [p.message for p in info.value.problems] == [
            "Decision `d` has no accountable party; exactly one party is accountable for a decision"
        ]

    def test_a_list_of_one_is_that_party(self):
        """`accountable: [vp-sales]` still means one accountable party."""
        assert Decision(id="d", accountable=["vp-sales"]).accountable == "vp-sales"  # type: ignore[arg-type]

    def test_file_and_spreadsheet_use_the_same_words(self):
        """The alignment file and `rights import` word two accountables alike."""
        with pytest.raises(SpecError) as from_model:
            Decision(id="d", accountable=["a", "b"])  # type: ignore[arg-type]
        with pytest.raises(SpecError) as from_sheet:
            DecisionRights.from_csv(io.StringIO("Decision,a,b\nd,A,A\n"))
        assert from_model.value.problems[0].message == from_sheet.value.problems[0].message

    def test_role_lists_become_tuples(self):
        """Lists in, immutable tuples stored."""
        decision = Decision(id="d", accountable="x", consulted=["a", "b"])
        assert decision.consulted == ("a", "b")
        assert hash(decision) == hash(copy.deepcopy(decision))

    def test_party_text_rules(self):
        """Empty parties, surrounding spaces and repeats are refused with their paths."""
        with pytest.raises(SpecError) as info:
            Decision(id="d", accountable="x", consulted=[" a", "b", "b"], informed=[""])
        assert [(p.location.path, p.message) for p in info.value.problems] == [
            (("consulted", 0), "Must be non-empty text without surrounding spaces or line breaks"),
            (("informed", 0), "Must be non-empty text without surrounding spaces or line breaks"),
        ]
        with pytest.raises(SpecError) as info:
            Decision(id="d", accountable="x", consulted=["a", "b", "b"])
        assert [(p.location.path, p.message) for p in info.value.problems] == [
            (("consulted", 2), "`b` is listed twice as consulted"),
        ]

    def test_free_text_ids(self):
        """Ids and parties may hold spaces and punctuation, even a leading `=`."""
        decision = Decision(id="=Approve, Q3 plan!", accountable="+Ops team")
        assert decision.accountable == "+Ops team"
        with pytest.raises(SpecError):
            Decision(id="two\nlines", accountable="x")

    def test_roles_of(self):
        """The roles a party holds in one decision."""
        decision = Decision(id="d", accountable="x", responsible=["x"], informed=["y"])
        assert decision.roles_of("x") == {Role.ACCOUNTABLE, Role.RESPONSIBLE}
        assert decision.all_parties() == ("x", "y")


class TestBuilding:
    def test_from_table(self):
        """A mapping of decision -> party -> letters."""
        rights = DecisionRights.from_table(
            {"d1": {"a": "A/R", "b": "c"}, "d2": {"b": "A", "a": "I"}}, scheme=Scheme.RACI
        )
        assert rights.accountable("d1") == "a"
        assert rights.parties("d1", Role.CONSULTED) == {"b"}
        assert rights.to_table() == {"d1": {"a": "A/R", "b": "C"}, "d2": {"b": "A", "a": "I"}}

    def test_from_table_lists_every_problem(self):
        """Unknown letters, no accountable and two accountables, each located."""
        with pytest.raises(SpecError) as info:
            DecisionRights.from_table(
                {"d1": {"a": "R"}, "d2": {"a": "A", "b": "a"}, "d3": {"a": "A/Z"}},
            )
        assert [(str(p.location), p.message) for p in info.value.problems] == [
            ("d1", "Decision `d1` has no accountable party" + ONE),
            ("d2.a", "Decision `d2` has 2 accountable parties (`a`, `b`)" + ONE),
            ("d2.b", "Decision `d2` has 2 accountable parties (`a`, `b`)" + ONE),
            ("d3.a", "Unknown letter 'Z' in cell 'A/Z' for `a`; RACI letters are R, A, C, I"),
        ]

    def test_raci_has_no_agree(self):
        """Writing a veto in a RACI matrix is refused: RACI has no letter for it."""
        with pytest.raises(SpecError, match="raci scheme has no letter for agree") as info:
            DecisionRights(decisions=[Decision(id="d", accountable="x", agree=["y"])])
        assert info.value.problems[0].location.path == ("decisions", 0, "agree")

    def test_duplicate_ids(self):
        """A decision id is declared once."""
        with pytest.raises(SpecError, match=r"declared twice \(first as decisions\[0\]\)"):
            DecisionRights(
                decisions=[Decision(id="d", accountable="x"), Decision(id="d", accountable="y")]
            )

    def test_delegation_needs_one_subject(self):
        """A delegation names a decision or a category, not both, not neither."""
        with pytest.raises(SpecError, match="exactly one of `decision` or `category`"):
            Delegation(from_party="a", to_party="b")
        with pytest.raises(SpecError, match="Needs a time zone"):
            Delegation(decision="d", from_party="a", to_party="b", until=dt.datetime(2027, 1, 1))  # noqa: DTZ001

    def test_owners_and_forums_are_frozen(self):
        """Mapping fields are read-only, hashable, equal to dicts, and dumped as dicts."""
        rights = DecisionRights(
            decisions=[Decision(id="d", category="pricing", accountable="vp-sales")],
            owners={"pricing": "Sales"},
            forums={"pricing": "Revenue council"},
        )
        assert isinstance(rights.owners, FrozenDict)
        assert (rights.owners, rights.forums) == (
            {"pricing": "Sales"},
            {"pricing": "Revenue council"},
        )
        with pytest.raises(TypeError):
            rights.owners["pricing"] = "Finance"  # type: ignore[index]
        assert isinstance(DecisionRights().forums, FrozenDict)
        dumped = rights.model_dump()
        assert (type(dumped["owners"]), dumped["forums"]) == (dict, {"pricing": "Revenue council"})
        assert DecisionRights.model_validate(dumped) == rights

    @pytest.mark.parametrize(
        ("written", "message"),
        [
            ("owners: {pricing: [a]}", "4:12: Expected text; got a list `[a]`"),
            ("forums: {pricing: null}", "4:12: Expected text; got nothing"),
            (
                "owners: [pricing]",
                (
                    "4:3: Expected a mapping of names to values, for example "
                    "`owners: {pricing: vp-sales}`; got a list `[pricing]`"
                ),
            ),
        ],
    )
    def test_wrong_owners_and_forums_in_a_file(self, written: str, message: str):
        """A wrong value under owners or forums says what is expected there."""
        text = f"version: 1\norg: {{}}\ndecision_rights:\n  {written}\n  decisions: []\n"
        with pytest.raises(SpecError) as info:
            loads(text)
        assert str(info.value) == "<string>:" + message

    def test_hashable_and_equal_by_content(self):
        """Equal matrices hash alike, whatever the order of owners; others differ."""
        decisions = [Decision(id="d", category="pricing", accountable="vp-sales")]
        one = DecisionRights(decisions=decisions, owners={"pricing": "Sales", "data": "IT"})
        two = DecisionRights(decisions=decisions, owners={"data": "IT", "pricing": "Sales"})
        assert one == two
        assert hash(one) == hash(two)
        assert len({one, two, RIGHTS}) == 2
        assert one != one.model_copy(update={"owners": {"pricing": "Finance"}})
        assert one != one.model_copy(update={"forums": {"pricing": "Revenue council"}})
        assert hash(RIGHTS) == hash(RIGHTS.model_copy(update={"forums": dict(RIGHTS.forums)}))

    def test_equality_ignores_party_order(self):
        """Two matrices saying the same thing are equal."""
        one = DecisionRights.from_table({"d": {"a": "A", "b": "C", "c": "C"}})
        two = DecisionRights.from_table({"d": {"c": "C", "a": "A", "b": "C"}})
        assert one == two
        assert hash(one) == hash(two)
        assert one != DecisionRights.from_table({"d": {"a": "A", "b": "C"}})
        assert one.__eq__(1) is NotImplemented


SHEET = """\
Decision,Marketing,IT,Sales,Finance,vp-sales
launch-customer-data-integration,A,R,C,I,
approve-discount,,,,c,a / r
"""


class TestCsv:
    def test_reads_the_spreadsheet(self, tmp_path: Path):
        """First column ids, header parties, letters in cells."""
        path = tmp_path / "raci.csv"
        path.write_text(SHEET)
        rights = DecisionRights.from_csv(path)
        assert rights.accountable("approve-discount") == "vp-sales"
        assert rights.parties("approve-discount", Role.RESPONSIBLE) == {"vp-sales"}
        assert rights.parties("launch-customer-data-integration", Role.INFORMED) == {"Finance"}
        assert DecisionRights.from_csv(io.StringIO(SHEET)) == rights

    def test_rapid_sheet(self):
        """The same letters read through RAPID mean RAPID's roles."""
        rights = DecisionRights.from_csv(
            io.StringIO("Decision,a,b,c\nd,D,A,I\n"), scheme=Scheme.RAPID
        )
        assert rights.accountable("d") == "a"
        assert rights.parties("d", Role.AGREE) == {"b"}
        assert rights.parties("d", Role.CONSULTED) == {"c"}

    def test_every_bad_cell_with_row_and_column(self):
        """One SpecError lists every bad cell, row and column."""
        sheet = "Decision,a,b,a,,#notes\nd1,A,X,,\nd2,R,C\nd3,A,A\nd1,A\n,A\nd4,A,,,,,,\n"
        with pytest.raises(SpecError) as info:
            DecisionRights.from_csv(io.StringIO(sheet))
        found = [(p.location.row, p.location.column, p.message) for p in info.value.problems]
        assert found == [
            (1, 4, "Party `a` has two columns (first column 2)"),
            (1, 5, "A party column has no name"),
            (1, 6, "Unknown column '#notes'; #title, #category and #scope are read"),
            (2, 3, "Unknown letter 'X' in cell 'X' for `b`; RACI letters are R, A, C, I"),
            (3, 1, "Decision `d2` has no accountable party" + ONE),
            (4, 2, "Decision `d3` has 2 accountable parties (`a`, `b`)" + ONE),
            (4, 3, "Decision `d3` has 2 accountable parties (`a`, `b`)" + ONE),
            (5, 1, "Decision `d1` has two rows (first on row 2)"),
            (6, 1, "The decision id is empty"),
            (7, 7, "Row has 8 cells but the header has 6"),
        ]

    def test_unreadable_file(self, tmp_path: Path):
        """A missing sheet names the file."""
        with pytest.raises(SpecError, match="Cannot read the CSV file"):
            DecisionRights.from_csv(tmp_path / "nope.csv")

    def test_export_is_safe_against_formula_injection(self):
        """A party or id that would run as a formula is escaped, and read back intact."""
        rights = DecisionRights.from_table(
            {'=HYPERLINK("http://x")': {"+Ops": "A", "@team": "R", "-x": "C", "#hash": "I"}}
        )
        rows = list(csv.reader(io.StringIO(rights.to_csv())))
        for cell in [*rows[0][1:], rows[1][0]]:
            assert cell[0] not in "=+-@\t\r"
        assert DecisionRights.from_csv(io.StringIO(rights.to_csv())) == rights

    def test_metadata_columns(self):
        """Titles, categories and scopes travel in #columns."""
        text = RIGHTS.to_csv()
        assert text.splitlines()[0].startswith("Decision,#title,#category,Marketing")
        back = DecisionRights.from_csv(io.StringIO(text))
        assert back.decision("launch-customer-data-integration").category == "data"
        assert back == RIGHTS.model_copy(update={"forums": {}})

    @settings(max_examples=150)
    @given(matrices())
    def test_csv_round_trip(self, rights):
        """from_csv(to_csv(m)) == m for every matrix, escaped cells included."""
        assert DecisionRights.from_csv(io.StringIO(rights.to_csv()), scheme=rights.scheme) == rights

    @settings(max_examples=100)
    @given(matrices())
    def test_markdown_holds_the_same_matrix(self, rights):
        """Reading the Markdown table back gives the same letters in every cell."""
        lines = rights.to_markdown().splitlines()
        split = re.compile(r"(?<!\\)\|")

        def cells(line: str) -> list[str]:
            parts = [c.strip() for c in split.split(line)[1:-1]]
            return [c.replace("\\|", "|").replace("\\\\", "\\") for c in parts]

        header = cells(lines[0])
        assert header[:2] == ["Decision", "Title"]
        assert len(lines) == len(rights.decisions) + 2
        table = {}
        for line in lines[2:]:
            row = cells(line)
            table[row[0]] = {p: c for p, c in zip(header[2:], row[2:], strict=True) if c}
        assert DecisionRights.from_table(table, scheme=rights.scheme) == DecisionRights(
            scheme=rights.scheme,
            decisions=[
                d.model_copy(update={"title": d.id, "category": None}) for d in rights.decisions
            ],
        )

    @settings(max_examples=50)
    @given(matrices())
    def test_yaml_round_trip(self, rights):
        """The section written as YAML loads back equal."""
        text = yaml.safe_dump({"version": 1, "org": {}, "decision_rights": rights.to_data()})
        assert loads(text).decision_rights == rights


class TestQueries:
    def test_accountable_and_parties(self):
        """Who decides, who holds a role."""
        assert RIGHTS.accountable("launch-customer-data-integration") == "Marketing"
        assert RIGHTS.parties("choose-warehouse", Role.CONSULTED) == {"Marketing", "cfo"}
        assert len(RIGHTS) == 3
        assert "approve-discount" in RIGHTS
        assert "nope" not in RIGHTS

    def test_unknown_decision(self):
        """A missing id raises with a suggestion."""
        with pytest.raises(UnknownNameError, match="did you mean 'approve-discount'"):
            RIGHTS.accountable("approve-discont")
        with pytest.raises(UnknownNameError):
            RIGHTS.parties("nope", Role.INFORMED)

    def test_roles_of_and_decisions_for(self):
        """Everything a party holds."""
        assert RIGHTS.roles_of("Marketing") == {
            "launch-customer-data-integration": {Role.ACCOUNTABLE},
            "choose-warehouse": {Role.CONSULTED},
        }
        assert RIGHTS.decisions_for("Finance", Role.CONSULTED) == {"approve-discount"}
        assert RIGHTS.decisions_for("nobody", Role.INFORMED) == frozenset()
        assert RIGHTS.category("data") == ("launch-customer-data-integration", "choose-warehouse")

    def test_roles_of_returns_a_copy(self):
        """Changing the answer does not change the matrix."""
        answer = RIGHTS.roles_of("Marketing")
        answer.clear()
        assert RIGHTS.roles_of("Marketing")

    def test_must_consult_inform_agree(self):
        """Function parties resolve to their members."""
        assert RIGHTS.must_consult("launch-customer-data-integration", ORG) == {"vp-sales", "ae-1"}
        assert RIGHTS.must_inform("launch-customer-data-integration", ORG) == {"cfo"}
        assert RIGHTS.must_consult("choose-warehouse", ORG) == {"vp-marketing", "mops", "cfo"}
        rapid = DecisionRights.from_table({"d": {"a": "D", "Finance": "A"}}, scheme=Scheme.RAPID)
        assert rapid.must_agree("d", ORG) == {"cfo"}


class TestCanDecide:
    def test_accountable_person_and_function_head(self):
        """The accountable person, or the head of the accountable function."""
        assert RIGHTS.can_decide("vp-sales", "approve-discount")
        assert RIGHTS.can_decide("vp-marketing", "launch-customer-data-integration", ORG)
        assert not RIGHTS.can_decide("vp-marketing", "launch-customer-data-integration")
        assert not RIGHTS.can_decide("mops", "launch-customer-data-integration", ORG)

    def test_answers_follow_the_org_asked_with(self):
        """Asking with another org (another head) gives that org's answer."""
        other = ORG.model_copy(
            update={"functions": (Function("Marketing", "mops"), *ORG.functions[1:])}
        )
        decision = "launch-customer-data-integration"
        assert RIGHTS.can_decide("vp-marketing", decision, ORG)
        assert not RIGHTS.can_decide("vp-marketing", decision, other)
        assert RIGHTS.can_decide("mops", decision, other)
        assert RIGHTS.can_decide("vp-marketing", decision, ORG)
        assert not RIGHTS.can_decide("vp-marketing", decision)

    def test_deny_by_default(self):
        """Unknown people and decisions are refused, never an exception."""
        assert not RIGHTS.can_decide("nobody", "approve-discount", ORG)
        assert not RIGHTS.can_decide("vp-sales", "nope", ORG)

    def test_delegation(self):
        """An active delegation lets the delegate decide; it expires."""
        until = NOW + dt.timedelta(days=30)
        delegated = RIGHTS.delegate("approve-discount", "vp-sales", "ae-1", until=until)
        assert delegated.can_decide("ae-1", "approve-discount", ORG, at=NOW)
        assert not delegated.can_decide("ae-1", "approve-discount", ORG, at=until)
        assert not RIGHTS.can_decide("ae-1", "approve-discount", ORG, at=NOW)
        assert delegated.accountable("approve-discount") == "vp-sales"
        assert delegated.can_decide("vp-sales", "approve-discount", ORG, at=NOW)

    def test_delegation_to_a_function_means_its_head(self):
        """Delegating to a function lets its head decide."""
        delegated = RIGHTS.delegate("choose-warehouse", "cio", "Finance")
        assert delegated.can_decide("cfo", "choose-warehouse", ORG, at=NOW)
        assert delegated.deciders("choose-warehouse", ORG, at=NOW) == {"cio", "cfo"}

    def test_category_delegation(self):
        """Delegating a category covers the decisions the delegator holds in it."""
        delegated = RIGHTS.delegate("data", "cio", "data-eng")
        assert delegated.can_decide("data-eng", "choose-warehouse", ORG, at=NOW)
        assert not delegated.can_decide("data-eng", "launch-customer-data-integration", ORG, at=NOW)

    def test_only_the_accountable_may_delegate(self):
        """Anyone else gets PermissionDenied, naming who is accountable."""
        with pytest.raises(PermissionDenied, match="`vp-sales` is"):
            RIGHTS.delegate("approve-discount", "ae-1", "ae-1")
        with pytest.raises(PermissionDenied, match="not accountable"):
            RIGHTS.delegate("pricing", "cio", "ae-1")
        with pytest.raises(UnknownNameError, match="decision or category"):
            RIGHTS.delegate("nope", "cio", "ae-1")

    def test_chained_delegations_see_each_other(self):
        """Each delegate() builds on the last; the result equals a freshly built matrix."""
        chained = RIGHTS.delegate("approve-discount", "vp-sales", "ae-1").delegate(
            "choose-warehouse", "cio", "data-eng"
        )
        assert chained.can_decide("ae-1", "approve-discount", ORG, at=NOW)
        assert chained.can_decide("data-eng", "choose-warehouse", ORG, at=NOW)
        rebuilt = DecisionRights.model_validate(chained.model_dump())
        assert rebuilt == chained
        assert rebuilt.can_decide("data-eng", "choose-warehouse", ORG, at=NOW)

    def test_delegate_returns_a_new_matrix(self):
        """Nothing mutates."""
        delegated = RIGHTS.delegate("approve-discount", "vp-sales", "ae-1")
        assert RIGHTS.delegations == ()
        assert len(delegated.delegations) == 1

    def test_naive_time_refused(self):
        """`at` must be aware when a delegation has to be judged, in the one wording for times."""
        delegated = RIGHTS.delegate("approve-discount", "vp-sales", "ae-1")
        naive = dt.datetime(2026, 1, 1)  # noqa: DTZ001
        expected = [(("at",), "`at` " + AWARE + "datetime.datetime(2026, 1, 1, 0, 0)")]
        with pytest.raises(SpecError) as info:
            delegated.can_decide("ae-1", "approve-discount", at=naive)
        assert [(p.location.path, p.message) for p in info.value.problems] == expected
        with pytest.raises(SpecError) as info:
            delegated.deciders("approve-discount", ORG, at=naive)
        assert [(p.location.path, p.message) for p in info.value.problems] == expected
        assert RIGHTS.can_decide("vp-sales", "approve-discount", at=naive)  # nothing to judge

    def test_anything_but_a_time_refused(self):
        """A date or text as `at` is a SpecError too, never a crash."""
        delegated = RIGHTS.delegate("approve-discount", "vp-sales", "ae-1")
        with pytest.raises(SpecError, match=re.escape("`at` " + AWARE + "'2026-01-01'")):
            delegated.can_decide("ae-1", "approve-discount", at="2026-01-01")  # type: ignore[arg-type]

    def test_naive_until_refused(self):
        """A delegation's end is checked in the same wording."""
        with pytest.raises(SpecError) as info:
            RIGHTS.delegate("approve-discount", "vp-sales", "ae-1", until=dt.datetime(2027, 1, 1))  # noqa: DTZ001
        assert [(p.location.path, p.message) for p in info.value.problems] == [
            (("until",), "`until` " + AWARE + "datetime.datetime(2027, 1, 1, 0, 0)")
        ]

    def test_default_time_is_now(self):
        """Without `at`, an open-ended delegation counts now."""
        delegated = RIGHTS.delegate("approve-discount", "vp-sales", "ae-1")
        assert delegated.can_decide("ae-1", "approve-discount")

    def test_without_an_org_parties_stand_for_themselves(self):
        """With no org to name a function's head, the function is the one who decides."""
        delegated = RIGHTS.delegate("choose-warehouse", "cio", "Finance")
        assert delegated.deciders("choose-warehouse", at=NOW) == {"cio", "Finance"}
        assert delegated.can_decide("Finance", "choose-warehouse", at=NOW)
        assert not delegated.can_decide("cfo", "choose-warehouse", at=NOW)
        assert delegated.can_decide("cfo", "choose-warehouse", ORG, at=NOW)

    def test_a_delegation_from_a_non_accountable_party_in_a_file_does_not_count(self):
        """Only the accountable party's delegations grant anything."""
        rights = RIGHTS.model_copy(
            update={
                "delegations": (
                    Delegation(decision="approve-discount", from_party="ae-1", to_party="cfo"),
                )
            }
        )
        assert not rights.can_decide("cfo", "approve-discount", ORG, at=NOW)

    @settings(max_examples=150)
    @given(st.data())
    def test_agrees_with_brute_force(self, data):
        """can_decide equals a reference that scans everything."""
        functions = ["F1", "F2"]
        people = ["p0", "p1", "p2", "p3"]
        heads = {f: data.draw(st.sampled_from([None, *people])) for f in functions}
        org = Org(
            functions=[Function(f, heads[f]) for f in functions],
            people=[Person(p, p, data.draw(st.sampled_from(functions))) for p in people],
        )
        parties = [*people, *functions, "ghost"]
        table = {
            f"d{n}": {data.draw(st.sampled_from(parties)): "A"}
            for n in range(data.draw(st.integers(1, 4)))
        }
        rights = DecisionRights.from_table(table)
        delegations = []
        for _ in range(data.draw(st.integers(0, 4))):
            decision_id = data.draw(st.sampled_from(sorted(table)))
            expired = data.draw(st.booleans())
            until = NOW - dt.timedelta(days=1) if expired else NOW + dt.timedelta(days=1)
            frm = data.draw(st.sampled_from([rights.accountable(decision_id), "p0"]))
            delegations.append(
                Delegation(
                    decision=decision_id,
                    from_party=frm,
                    to_party=data.draw(st.sampled_from(parties)),
                    until=until,
                )
            )
        rights = rights.model_copy(update={"delegations": tuple(delegations)})

        def reference(person: str, decision_id: str) -> bool:
            if decision_id not in table:
                return False
            grantees = [rights.accountable(decision_id)]
            grantees += [
                d.to_party
                for d in delegations
                if d.decision == decision_id
                and d.from_party == rights.accountable(decision_id)
                and d.until is not None
                and d.until > NOW
            ]
            for party in grantees:
                if party == person:
                    return True
                if party in heads and heads[party] == person:
                    return True
            return False

        for person in [*people, "ghost", "F1"]:
            for decision_id in [*table, "missing"]:
                assert rights.can_decide(person, decision_id, org, at=NOW) == reference(
                    person, decision_id
                )


class TestEscalation:
    def test_lowest_common_manager_settles(self):
        """Marketing's head and the CIO disagree: their common manager settles."""
        path = RIGHTS.escalation_path("launch-customer-data-integration", "approve-discount", ORG)
        assert isinstance(path, EscalationPath)
        assert (path.settled_by, path.kind) == ("ceo", "manager")
        assert path.deciders == ("vp-marketing", "vp-sales")
        assert "vp-marketing → ceo" in path.explanation

    def test_forum_for_the_shared_category(self):
        """A forum configured for the category settles before the hierarchy."""
        rights = RIGHTS.model_copy(update={"forums": {"data": "Data council"}})
        path = rights.escalation_path("launch-customer-data-integration", "choose-warehouse", ORG)
        assert (path.settled_by, path.kind) == ("Data council", "forum")

    def test_same_decider(self):
        """One person holding both decisions settles it themselves."""
        rights = DecisionRights.from_table({"a": {"cio": "A"}, "b": {"IT": "A"}})
        path = rights.escalation_path("a", "b", ORG)
        assert (path.settled_by, path.kind) == ("cio", "same-decider")

    def test_lowest_level_not_the_top(self):
        """Two people under the same VP are settled by the VP, not the CEO."""
        rights = DecisionRights.from_table({"a": {"vp-marketing": "A"}, "b": {"mops": "A"}})
        assert rights.escalation_path("a", "b", ORG).settled_by == "vp-marketing"

    def test_forum_when_no_common_manager(self):
        """Without a common manager, a forum of either category settles it."""
        rights = DecisionRights(
            decisions=[
                Decision(id="a", category="pricing", accountable="outsider"),
                Decision(id="b", accountable="ceo"),
            ],
            forums={"pricing": "Revenue council"},
        )
        path = rights.escalation_path("a", "b", ORG)
        assert (path.settled_by, path.kind) == ("Revenue council", "forum")

    def test_nobody(self):
        """No common manager, no forum: the path says what to add."""
        rights = DecisionRights.from_table({"a": {"outsider": "A"}, "b": {"Legal": "A"}})
        path = rights.escalation_path("a", "b", ORG)
        assert (path.settled_by, path.kind) == (None, "none")
        assert "nobody resolvable" in path.explanation


# -- explanations ------------------------------------------------------------------------

EXAMPLE = Path(__file__).parents[1] / "examples" / "acme" / "alignment.yaml"
BEFORE = dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC)
"""While the example's delegation runs."""
AFTER = dt.datetime(2027, 7, 1, tzinfo=dt.UTC)
"""After it has ended."""

AWARE = "must be a timezone-aware datetime (for example 2027-01-31T09:00:00+00:00), got "


@dataclass(frozen=True)
class Squad:
    """A team as any caller may hold one: a name, and members with ids."""

    name: str
    members: tuple[Person, ...]


def roles(*held: Role) -> frozenset[Role]:
    return frozenset(held)


class TestExplainDecision:
    def test_who_decides_and_who_else_holds_a_role(self):
        """The accountable function, its head, and the people behind every other role."""
        explained = RIGHTS.explain_decision("launch-customer-data-integration", ORG, at=NOW)
        assert explained.decision is RIGHTS.decision("launch-customer-data-integration")
        assert (explained.accountable, explained.head, explained.at) == (
            "Marketing",
            "vp-marketing",
            NOW,
        )
        assert (explained.deciders, explained.delegations) == ({"vp-marketing"}, ())
        assert explained.roles == (
            RoleHolders(Role.RESPONSIBLE, ("IT",), frozenset({"cio", "data-eng"})),
            RoleHolders(Role.AGREE, (), frozenset()),
            RoleHolders(Role.CONSULTED, ("Sales",), frozenset({"vp-sales", "ae-1"})),
            RoleHolders(Role.INFORMED, ("Finance",), frozenset({"cfo"})),
        )
        assert explained.consulted is explained.roles[2]
        assert (explained.owner, explained.forum) == (None, None)

    def test_a_person_decides_alone(self):
        """An accountable person has no head to decide for them; the category's forum shows."""
        explained = RIGHTS.explain_decision("approve-discount", ORG, at=NOW)
        assert (explained.accountable, explained.head, explained.deciders) == (
            "vp-sales",
            None,
            {"vp-sales"},
        )
        assert explained.forum == "Revenue council"

    def test_owner_of_the_category(self):
        """The owner configured for the decision's category."""
        rights = RIGHTS.model_copy(update={"owners": {"data": "IT"}})
        assert rights.explain_decision("choose-warehouse", ORG, at=NOW).owner == "IT"
        assert rights.explain_decision("approve-discount", ORG, at=NOW).owner is None

    def test_delegates_decide_while_the_delegation_runs(self):
        """A delegation to a function adds its head, until it ends."""
        until = NOW + dt.timedelta(days=30)
        lent = RIGHTS.delegate("choose-warehouse", "cio", "Finance", until=until)
        explained = lent.explain_decision("choose-warehouse", ORG, at=NOW)
        assert explained.delegations == lent.delegations
        assert explained.deciders == {"cio", "cfo"}
        later = lent.explain_decision("choose-warehouse", ORG, at=until)
        assert (later.delegations, later.deciders) == ((), {"cio"})

    def test_nobody_resolvable_stands_for_itself(self):
        """A headless function or a party outside the org decides as written, with no people."""
        rights = DecisionRights.from_table({"d": {"Legal": "A", "ghost": "C"}})
        explained = rights.explain_decision("d", ORG, at=NOW)
        assert (explained.head, explained.deciders) == (None, {"Legal"})
        assert explained.consulted == RoleHolders(Role.CONSULTED, ("ghost",), frozenset())

    def test_unknown_decision(self):
        """A typo is an UnknownNameError naming the nearest id."""
        with pytest.raises(UnknownNameError, match="did you mean 'approve-discount'"):
            RIGHTS.explain_decision("approve-discont", ORG)

    def test_naive_time_refused(self):
        """`at` is checked even without delegations, in the one wording for times."""
        with pytest.raises(SpecError) as info:
            RIGHTS.explain_decision("approve-discount", ORG, at=dt.datetime(2026, 1, 1))  # noqa: DTZ001
        assert [(p.location.path, p.message) for p in info.value.problems] == [
            (("at",), "`at` " + AWARE + "datetime.datetime(2026, 1, 1, 0, 0)")
        ]

    def test_default_time_is_now(self):
        """Without `at`, the answer holds for now."""
        before = dt.datetime.now(dt.UTC)
        explained = RIGHTS.explain_decision("approve-discount", ORG)
        assert before <= explained.at <= dt.datetime.now(dt.UTC)

    @pytest.mark.parametrize("at", [BEFORE, AFTER])
    def test_agrees_with_the_queries_on_the_example(self, at: dt.datetime):
        """deciders, must_agree, must_consult and must_inform answer the same for every decision."""
        file = load(EXAMPLE)
        rights = file.decision_rights
        assert rights is not None
        delegated = 0
        for decision in rights.decisions:
            explained = rights.explain_decision(decision.id, file.org, at=at)
            assert explained.deciders == rights.deciders(decision.id, file.org, at)
            assert explained.agree.people == rights.must_agree(decision.id, file.org)
            assert explained.consulted.people == rights.must_consult(decision.id, file.org)
            assert explained.informed.people == rights.must_inform(decision.id, file.org)
            assert explained.forum == rights.forums.get(str(decision.category))
            delegated += len(explained.delegations)
        assert delegated == (1 if at == BEFORE else 0)

    @settings(max_examples=100)
    @given(st.data())
    def test_agrees_with_the_queries(self, data: st.DataObject):
        """For random matrices, orgs and delegations: the answers of the queries, as one value."""
        rights, org, _ = data.draw(worlds())
        for decision in rights.decisions:
            explained = rights.explain_decision(decision.id, org, at=NOW)
            assert explained.deciders == rights.deciders(decision.id, org, NOW)
            assert explained.deciders & org.person_ids == {
                person.id
                for person in org.people
                if rights.can_decide(person.id, decision.id, org, NOW)
            }
            for holders in explained.roles:
                assert holders.parties == decision.parties(holders.role)
            assert explained.agree.people == rights.must_agree(decision.id, org)
            assert explained.consulted.people == rights.must_consult(decision.id, org)
            assert explained.informed.people == rights.must_inform(decision.id, org)

    def test_immutable_and_evolved(self):
        """An explanation cannot be changed; attrs.evolve makes a changed copy."""
        explained = RIGHTS.explain_decision("approve-discount", ORG, at=NOW)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            explained.head = "ceo"  # type: ignore[misc]
        assert attrs.evolve(explained, head="ceo").head == "ceo"
        assert explained.head is None


class TestExplainParty:
    def test_head_decides_for_the_accountable_function(self):
        """The head decides as its head; its function's roles come through it."""
        explained = RIGHTS.explain_party("vp-marketing", ORG, at=NOW)
        assert (explained.party, explained.kind, explained.head) == ("vp-marketing", "person", None)
        launch, warehouse = explained.decisions
        assert launch.decision.id == "launch-customer-data-integration"
        assert (launch.roles, launch.authority, launch.head) == (
            frozenset(),
            Authority(head_of="Marketing"),
            "vp-marketing",
        )
        assert launch.through == (
            GroupRoles("Marketing", "function", as_head=True, roles=roles(Role.ACCOUNTABLE)),
        )
        assert (warehouse.decision.id, warehouse.decides) == ("choose-warehouse", False)
        assert warehouse.through == (
            GroupRoles("Marketing", "function", as_head=True, roles=roles(Role.CONSULTED)),
        )
        assert explained.decides == {"launch-customer-data-integration"}

    def test_member_of_the_accountable_function_does_not_decide(self):
        """A member sees the function's roles, and who decides for it."""
        launch, warehouse = RIGHTS.explain_party("mops", ORG, at=NOW).decisions
        assert (launch.authority, launch.head, launch.roles) == (None, "vp-marketing", frozenset())
        assert launch.through == (
            GroupRoles("Marketing", "function", as_head=False, roles=roles(Role.ACCOUNTABLE)),
        )
        assert warehouse.through[0].roles == {Role.CONSULTED}

    def test_accountable_person(self):
        """The accountable person decides on their own right, and may lend it."""
        lent = RIGHTS.delegate("choose-warehouse", "cio", "data-eng")
        explained = lent.explain_party("cio", ORG, at=NOW)
        launch, warehouse = explained.decisions
        assert (warehouse.roles, warehouse.authority) == (roles(Role.ACCOUNTABLE), Authority())
        assert warehouse.delegations == lent.delegations
        assert launch.through == (
            GroupRoles("IT", "function", as_head=True, roles=roles(Role.RESPONSIBLE)),
        )

    def test_delegate_decides_by_the_delegation(self):
        """A person named by a delegation decides by it, besides their own roles."""
        lent = RIGHTS.delegate("approve-discount", "vp-sales", "ae-1", until=NOW + DAY)
        launch, discount = lent.explain_party("ae-1", ORG, at=NOW).decisions
        assert (launch.authority, discount.roles) == (None, {Role.RESPONSIBLE})
        assert discount.authority == Authority(delegation=lent.delegations[0])
        after = lent.explain_party("ae-1", ORG, at=NOW + DAY).decisions[1]
        assert (after.decision.id, after.authority, after.delegations) == (
            "approve-discount",
            None,
            (),
        )

    def test_head_of_a_delegate_function_decides(self):
        """A delegation to a function lets its head decide, as its head."""
        lent = RIGHTS.delegate("choose-warehouse", "cio", "Finance")
        explained = lent.explain_party("cfo", ORG, at=NOW)
        assert [d.decision.id for d in explained.decisions] == [
            "launch-customer-data-integration",
            "choose-warehouse",
            "approve-discount",
        ]
        warehouse = explained.decisions[1]
        assert warehouse.authority == Authority(head_of="Finance", delegation=lent.delegations[0])
        assert warehouse.roles == {Role.CONSULTED}
        assert explained.decides == {"choose-warehouse"}

    def test_function_decides_where_it_is_accountable_or_lent_to(self):
        """A function's own roles, its head, and the delegations that name it."""
        lent = RIGHTS.delegate("choose-warehouse", "cio", "Finance")
        explained = lent.explain_party("Finance", ORG, at=NOW)
        assert (explained.kind, explained.head) == ("function", "cfo")
        launch, warehouse, discount = explained.decisions
        assert (launch.roles, launch.authority) == (roles(Role.INFORMED), None)
        assert (warehouse.roles, warehouse.authority) == (
            frozenset(),
            Authority(delegation=lent.delegations[0]),
        )
        assert discount.roles == {Role.CONSULTED}
        assert explained.decides == {"choose-warehouse"}
        assert explained.decides == {
            d.id for d in lent.decisions if lent.can_decide("Finance", d.id, ORG, NOW)
        }

    def test_teams_and_other_parties(self):
        """Team roles reach their members; a team or a party outside the org shows its own."""
        rights = DecisionRights.from_table(
            {"pick-dashboard": {"data-squad": "A", "mops": "R", "revenue-council": "C"}}
        )
        squad = Squad("data-squad", (ORG.person("data-eng"), ORG.person("mops")))
        (mine,) = rights.explain_party("mops", ORG, at=NOW, teams=[squad]).decisions
        assert (mine.roles, mine.authority, mine.head) == (roles(Role.RESPONSIBLE), None, None)
        assert mine.through == (
            GroupRoles("data-squad", "team", as_head=False, roles=roles(Role.ACCOUNTABLE)),
        )
        team = rights.explain_party("data-squad", ORG, at=NOW, teams=[squad])
        assert (team.kind, team.head, team.decides) == ("team", None, {"pick-dashboard"})
        other = rights.explain_party("revenue-council", ORG, at=NOW)
        assert (other.kind, other.decisions[0].roles) == ("other", roles(Role.CONSULTED))
        assert rights.explain_party("cfo", ORG, at=NOW, teams=[squad]).decisions == ()

    def test_teams_of_the_alignment_file(self):
        """`teams=` takes the file's own teams (alignkit.squads.Team)."""
        from alignkit.squads import Member, Team

        desk = Team(
            "deal-desk",
            "pod",
            "Close deals",
            [Member("ae-1", "Sales"), Member("cfo", "Finance")],
            "ae-1",
        )
        rights = DecisionRights.from_table({"approve-deal": {"vp-sales": "A", "deal-desk": "C"}})
        (deal,) = rights.explain_party("cfo", ORG, at=NOW, teams=[desk]).decisions
        assert deal.through == (
            GroupRoles("deal-desk", "team", as_head=False, roles=roles(Role.CONSULTED)),
        )
        assert rights.explain_party("deal-desk", ORG, at=NOW, teams=[desk]).kind == "team"
        with pytest.raises(UnknownNameError):
            rights.explain_party("deal-dsk", ORG, at=NOW, teams=[desk])

    def test_party_named_only_by_a_delegation_is_known(self):
        """A delegate the org does not know is still a party, who decides by it."""
        lent = RIGHTS.delegate("approve-discount", "vp-sales", "interim-lead")
        explained = lent.explain_party("interim-lead", ORG, at=NOW)
        assert (explained.kind, explained.decides) == ("other", {"approve-discount"})

    @pytest.mark.parametrize(
        ("party", "message"),
        [
            ("ae-2", "Unknown party 'ae-2'; did you mean 'ae-1'?"),
            ("Finanse", "Unknown party 'Finanse'; did you mean 'Finance'?"),
            ("helen brooks", "Unknown party 'helen brooks'; did you mean 'cfo' (Helen Brooks)?"),
            ("zzzzzz", "Unknown party 'zzzzzz'"),
        ],
    )
    def test_unknown_party(self, party: str, message: str):
        """A party that is nobody is an error naming the nearest id, or a person by name."""
        with pytest.raises(UnknownNameError) as info:
            RIGHTS.explain_party(party, ORG, at=NOW)
        assert (str(info.value), info.value.name) == (message, party)

    def test_a_group_named_like_the_person_is_the_person(self):
        """A function named like its one person adds nothing to their own roles."""
        org = Org(functions=[Function("solo", "solo")], people=[Person("solo", "Solo", "solo")])
        rights = DecisionRights.from_table({"d": {"solo": "A/R"}})
        (only,) = rights.explain_party("solo", org, at=NOW).decisions
        assert (only.roles, only.authority, only.through) == (
            roles(Role.ACCOUNTABLE, Role.RESPONSIBLE),
            Authority(),
            (),
        )

    def test_known_party_without_a_role(self):
        """Someone in the org who holds nothing gets an empty answer, not an error."""
        explained = RIGHTS.explain_party("outsider", ORG, at=NOW)
        assert (explained.decisions, explained.decides) == ((), frozenset())
        assert RIGHTS.explain_party("Executive", ORG, at=NOW).decisions == ()

    def test_naive_time_refused(self):
        """`at` is checked in the one wording for times."""
        with pytest.raises(SpecError, match=re.escape("`at` " + AWARE)):
            RIGHTS.explain_party("cio", ORG, at=dt.datetime(2026, 1, 1))  # noqa: DTZ001

    def test_default_time_is_now(self):
        """Without `at`, an open-ended delegation counts now."""
        lent = RIGHTS.delegate("approve-discount", "vp-sales", "ae-1")
        explained = lent.explain_party("ae-1", ORG)
        assert explained.decides == {"approve-discount"}
        assert explained.at <= dt.datetime.now(dt.UTC)

    def test_immutable(self):
        """Neither the explanation nor its parts can be changed."""
        explained = RIGHTS.explain_party("vp-marketing", ORG, at=NOW)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            explained.party = "cio"  # type: ignore[misc]
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            explained.decisions[0].authority = None  # type: ignore[misc]
        assert hash(explained.decisions[0].through) == hash(explained.decisions[0].through)

    @pytest.mark.parametrize("at", [BEFORE, AFTER])
    def test_decides_exactly_where_can_decide_allows_on_the_example(self, at: dt.datetime):
        """For every party of the example, `decides` is what can_decide says."""
        file = load(EXAMPLE)
        rights = file.decision_rights
        assert rights is not None
        parties = [p.id for p in file.org.people]
        parties += [f.name for f in file.org.functions] + [t.name for t in file.teams]
        lent = 0
        for party in parties:
            explained = rights.explain_party(party, file.org, at=at, teams=file.teams)
            allowed = {
                d.id for d in rights.decisions if rights.can_decide(party, d.id, file.org, at)
            }
            assert explained.decides == allowed, party
            lent += sum(
                1
                for involved in explained.decisions
                if involved.authority is not None and involved.authority.delegation is not None
            )
        assert lent == (1 if at == BEFORE else 0)

    @settings(max_examples=200)
    @given(st.data())
    def test_decides_exactly_where_can_decide_allows(self, data: st.DataObject):
        """For random matrices, orgs, teams and delegations, and every party of them.

        Each decision the party decides, or holds a role in directly or through its
        function, a function it heads or a team, is listed once, in the matrix's order.
        """
        rights, org, teams = data.draw(worlds())
        named = {p for d in rights.decisions for p in d.all_parties()}
        for party in sorted(org.person_ids | named):
            explained = rights.explain_party(party, org, at=NOW, teams=teams)
            allowed = {d.id for d in rights.decisions if rights.can_decide(party, d.id, org, NOW)}
            assert explained.decides == allowed
            person = org.get_person(party)
            groups: set[str] = set()
            if person is not None:
                groups = {person.function} | {f.name for f in org.functions if f.head == party}
                groups |= {t.name for t in teams if person in t.members}
                groups.discard(party)
            expected = [
                d.id
                for d in rights.decisions
                if d.id in allowed or party in d.all_parties() or groups & set(d.all_parties())
            ]
            assert [involved.decision.id for involved in explained.decisions] == expected
            for involved in explained.decisions:
                assert involved.roles == involved.decision.roles_of(party)
                for held in involved.through:
                    assert held.roles == involved.decision.roles_of(held.group) != frozenset()


DAY = dt.timedelta(days=1)


@st.composite
def worlds(draw: st.DrawFn) -> tuple[DecisionRights, Org, list[Squad]]:
    """A random matrix, an org in which its parties are people, functions or nobody,
    teams, and delegations from the accountable party or not, live or expired."""
    rights = draw(matrices())
    named = list(dict.fromkeys(p for d in rights.decisions for p in d.all_parties()))
    kind = {p: draw(st.sampled_from(["person", "function", "team", "other"])) for p in named}
    # Tabs cannot appear in the matrix's names, so these never clash with them.
    people = [p for p in named if kind[p] == "person"] + ["extra\t1", "extra\t2"]
    functions = [p for p in named if kind[p] == "function"] + ["Extra\tfunction"]
    heads = {f: draw(st.none() | st.sampled_from(people)) for f in functions}
    org = Org(
        functions=[Function(f, heads[f]) for f in functions],
        people=[Person(p, p, draw(st.sampled_from(functions))) for p in people],
    )
    teams = [
        Squad(name, tuple(draw(st.lists(st.sampled_from(org.people), max_size=3, unique=True))))
        for name in [p for p in named if kind[p] == "team"] + ["quiet\tteam"]
    ]
    delegations = []
    parties = [*named, *people, *functions]
    for _ in range(draw(st.integers(0, 4)) if rights.decisions else 0):
        decision = draw(st.sampled_from(rights.decisions))
        by_category = decision.category is not None and draw(st.booleans())
        delegations.append(
            Delegation(
                decision=None if by_category else decision.id,
                category=decision.category if by_category else None,
                from_party=draw(st.sampled_from([decision.accountable, *parties])),
                to_party=draw(st.sampled_from(parties)),
                until=draw(st.sampled_from([None, NOW - DAY, NOW + DAY])),
            )
        )
    return rights.model_copy(update={"delegations": tuple(delegations)}), org, teams


class TestLint:
    def test_clean_matrix(self):
        """A sensible matrix has nothing to report about its decisions."""
        codes = {d.code for d in RIGHTS.lint(ORG)}
        assert codes == {"DR006"}  # Executive and Legal hold no role

    def test_without_org_only_matrix_rules(self):
        """Org-dependent rules need the org."""
        rights = DecisionRights.from_table({"d": {"ghost": "A"}})
        assert {d.code for d in rights.lint()} == {"DR002"}
        assert "DR001" in {d.code for d in rights.lint(ORG)}

    def test_thresholds_are_parameters(self):
        """Consulted and veto limits can be tuned."""
        rights = DecisionRights.from_table({"d": {"a": "A/R", "b": "C", "c": "C"}})
        assert "DR004" in {d.code for d in rights.lint(max_consulted=1)}
        assert "DR004" not in {d.code for d in rights.lint()}

    def test_bottleneck_names_the_person(self):
        """Decisions held by a function count for its head."""
        table = {f"d{n}": {"Sales" if n % 2 else "vp-sales": "A", "ae-1": "R"} for n in range(8)}
        table["other"] = {"cio": "A", "ae-1": "R"}
        (finding,) = [d for d in DecisionRights.from_table(table).lint(ORG) if d.code == "DR005"]
        assert finding.target == "vp-sales"
        assert finding.message.startswith("`vp-sales` decides 8 of 9 decisions (89%")

    def test_delegations_and_owners_name_known_parties(self):
        """A delegate or an owner that is nobody in the org is DR001, at its place."""
        rights = RIGHTS.delegate("data", "cio", "data-engg").model_copy(
            update={"owners": {"pricing": "Slaes"}}
        )
        found = [
            (d.code, d.location.path if d.location else None, d.hint)
            for d in rights.lint(ORG)
            if d.code == "DR001"
        ]
        assert found == [
            ("DR001", ("delegations", 0, "to_party"), "Did you mean `data-eng`?"),
            ("DR001", ("owners", "pricing"), "Did you mean `Sales`?"),
        ]

    def test_extra_parties(self):
        """Team names are valid parties when passed in."""
        rights = DecisionRights.from_table({"d": {"activation-squad": "A/R"}})
        assert "DR001" not in {d.code for d in rights.lint(ORG, extra_parties=["activation-squad"])}

    def test_strategic_scope_may_sit_at_the_top(self):
        """DR007 leaves strategic decisions alone."""
        rights = DecisionRights(
            decisions=[
                Decision(
                    id="p",
                    category="pricing",
                    scope="strategic",
                    accountable="ceo",
                    responsible=["Sales"],
                )
            ],
            owners={"pricing": "Sales"},
        )
        assert "DR007" not in {d.code for d in rights.lint(ORG)}
        operational = rights.model_copy(
            update={"decisions": (rights.decisions[0].model_copy(update={"scope": None}),)}
        )
        assert "DR007" in {d.code for d in operational.lint(ORG)}


class TestMissingLetterMessage:
    def test_raci_names_rapid_for_agree(self):
        """RACI has no letter for a veto: the message names RAPID's letter for it."""
        with pytest.raises(SpecError) as info:
            DecisionRights(decisions=[Decision(id="d", accountable="x", agree=["y"])])
        assert [p.message for p in info.value.problems] == [
            (
                "The raci scheme has no letter for agree; use rapid, which has one (A), "
                "or a custom scheme"
            )
        ]

    def test_rapid_names_every_scheme_with_informed(self):
        """RAPID has no letter for informed; RACI and DACI both have one."""
        with pytest.raises(SpecError) as info:
            DecisionRights(
                scheme=Scheme.RAPID, decisions=[Decision(id="d", accountable="x", informed=["y"])]
            )
        assert [(p.message, p.location.path) for p in info.value.problems] == [
            (
                (
                    "The rapid scheme has no letter for informed; use raci (I) or daci (I), "
                    "which have one, or a custom scheme"
                ),
                ("decisions", 0, "informed"),
            )
        ]

    def test_custom_scheme_lists_each_built_in_letter(self):
        """The letters are read from the built-in schemes: RAPID writes consulted as I."""
        only_a = Scheme("approve-only", {"A": Role.ACCOUNTABLE})
        with pytest.raises(SpecError) as info:
            DecisionRights(
                scheme=only_a, decisions=[Decision(id="d", accountable="x", consulted=["y"])]
            )
        assert [p.message for p in info.value.problems] == [
            (
                "The approve-only scheme has no letter for consulted; use raci (C), rapid (I) "
                "or daci (C), which have one, or a custom scheme"
            )
        ]


# -- any text through the sheet, the table, Markdown and YAML ------------------------------

# Unicode White_Space: what a name may not start or end with (the `\S` of NAME_PATTERN).
WHITE_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
WHITE_SPACE += "\u2028\u2029\u202f\u205f\u3000"
# Characters that stress CSV, formula escaping, Markdown and YAML quoting.
TRICKY = [
    *"\x1c\x1d\x1e\x1f\x00=+-@'#;,\"|\\:?!&*%`{}[]>é\u200b\U0001f600",
    *("yes", "null", "1e3", "~", ": ", " #", "---", "0x1F", "2026-01-15"),
]
_edge = st.characters(blacklist_characters=WHITE_SPACE, blacklist_categories=("Cs",))
_edges = _edge | st.sampled_from([t for t in TRICKY if t[0] not in WHITE_SPACE])
_inside = st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",))
_insides = st.lists(
    _inside | st.sampled_from([" ", "\t", "\x85", "\u2028", *TRICKY]), max_size=6
).map("".join)
valid_names = (
    _edges
    | st.builds(lambda a, b, c: a + b + c, _edges, _insides, _edges)
    | st.sampled_from(["yes", "null", "1e3", "-x", "#x", "=SUM(A1)", "a: b", "\x1fFinance"])
).filter(lambda s: s[0] not in WHITE_SPACE and s[-1] not in WHITE_SPACE and s.strip())
any_text = st.text(st.characters(blacklist_categories=("Cs",))) | st.lists(
    st.sampled_from([*TRICKY, " ", "\r", "\n", "\r\n", "\t", "a"])
).map("".join)


@st.composite
def any_matrices(
    draw: st.DrawFn,
    names: st.SearchStrategy[str] = valid_names,
    texts: st.SearchStrategy[str] = any_text,
) -> DecisionRights:
    """A matrix whose names are any valid names, and whose titles and categories any text."""
    scheme = draw(st.sampled_from([Scheme.RACI, Scheme.RAPID, Scheme.DACI]))
    parties = draw(st.lists(names, min_size=1, max_size=5, unique=True))
    ids = draw(st.lists(names, max_size=5, unique=True))
    rows = []
    for decision_id in ids:
        row: dict[str, object] = {"id": decision_id, "accountable": draw(st.sampled_from(parties))}
        for field in ("responsible", "agree", "consulted", "informed"):
            if scheme.letter(Role(field)) is not None:
                row[field] = draw(st.lists(st.sampled_from(parties), unique=True, max_size=3))
        for field in ("title", "category", "scope"):
            if draw(st.booleans()):
                row[field] = draw(texts.filter(bool))
        rows.append(row)
    return DecisionRights(scheme=scheme, decisions=rows)


def _one_line(text: str) -> bool:
    """No YAML line break, and short: PyYAML writes it on one line, as to_yaml does."""
    return len(text) <= 6 and not any(c in text for c in "\n\x85\u2028\u2029")


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=10,
)


UNCLOSED = (
    "Invalid CSV: the quote that opens this cell is never closed; close it, "
    'or double each quote inside a quoted cell ("")'
)
AFTER_QUOTE = (
    "Invalid CSV: text after the closing quote of a quoted cell; "
    'quote the whole cell and double each quote inside it ("")'
)


class TestCsvAnyText:
    @settings(max_examples=300)
    @given(any_matrices())
    def test_round_trip_for_any_names(self, rights: DecisionRights):
        """from_csv(to_csv(m)) == m for any valid names and any titles and categories."""
        text = rights.to_csv()
        assert DecisionRights.from_csv(io.StringIO(text), scheme=rights.scheme) == rights

    @pytest.mark.parametrize(
        "decision",
        [
            {"id": "\x1fship", "accountable": "Finance\x1c"},
            {"id": "ship", "accountable": "a", "title": "line\rbreak =1+1"},
            {"id": "ship", "accountable": "a", "title": "  padded  ", "category": " data "},
            {"id": "ship", "accountable": "a", "title": 'say "hi", then\r\nleave'},
            {"id": "ship;=1", "accountable": "a;", "title": ";'=x"},
            {"id": "\x00=1", "accountable": "a"},
        ],
    )
    def test_round_trip_examples(self, decision: dict[str, str], tmp_path: Path):
        """Edge names and titles survive the sheet, through a stream and through a file."""
        rights = DecisionRights(decisions=[decision])
        assert DecisionRights.from_csv(io.StringIO(rights.to_csv())) == rights
        path = tmp_path / "rights.csv"
        path.write_text(rights.to_csv(), encoding="utf-8", newline="")
        assert DecisionRights.from_csv(path) == rights

    def test_bare_carriage_return_is_quoted(self):
        """A title holding a bare CR is quoted, so no reader starts a row inside it."""
        rights = DecisionRights(decisions=[{"id": "d", "accountable": "a", "title": "x\r=1+1"}])
        assert rights.to_csv() == 'Decision,#title,a\nd,"x\r=1+1",A\n'
        assert [len(r) for r in csv.reader(io.StringIO(rights.to_csv(), newline=""))] == [3, 3]

    def test_formula_after_a_semicolon_is_escaped(self):
        """Locales that split at ``;`` see no formula in any field either."""
        rights = DecisionRights.from_table({"d": {"Sales;=HYPERLINK(1)": "A"}})
        assert rights.to_csv() == "Decision,Sales;'=HYPERLINK(1)\nd,A\n"
        assert DecisionRights.from_csv(io.StringIO(rights.to_csv())) == rights

    def test_custom_letters_that_look_like_formulas(self):
        """A custom scheme's letters are escaped and read back like any cell."""
        scheme = Scheme("signs", {"+": Role.ACCOUNTABLE, "-": Role.INFORMED})
        rights = DecisionRights.from_table({"d": {"a": "+", "b": "-"}}, scheme=scheme)
        assert rights.to_csv() == "Decision,a,b\nd,'+,'-\n"
        assert DecisionRights.from_csv(io.StringIO(rights.to_csv()), scheme=scheme) == rights

    def test_unquoted_cells_are_trimmed_quoted_cells_kept(self):
        """Spaces around an unquoted cell are a typing slip; inside quotes they are meant."""
        sheet = 'Decision,#title, Finance ,"IT"\n ship , "  Ship it  " , A ,"R"\n'
        rights = DecisionRights.from_csv(io.StringIO(sheet))
        assert rights.decision("ship").title == '"  Ship it  "'
        assert rights.accountable("ship") == "Finance"
        quoted = 'Decision,#title,Finance\nship,"  Ship it  ",A\n'
        assert DecisionRights.from_csv(io.StringIO(quoted)).decision("ship").title == (
            "  Ship it  "
        )

    @pytest.mark.parametrize(
        ("sheet", "where", "message"),
        [
            (
                'Decision,"Finance,IT\nship,A,R\n',
                (1, 1, 2),
                UNCLOSED,
            ),
            (
                'Decision,a,b\nd1,A,"R\nd2,A,C\n',
                (2, 2, 3),
                UNCLOSED,
            ),
            (
                'Decision,#title,a\nd1,"two\nlines",A\nd2,"x"y,A\n',
                (3, 4, 2),
                AFTER_QUOTE,
            ),
        ],
    )
    def test_broken_quotes_are_located_errors(
        self, sheet: str, where: tuple[int, int, int], message: str
    ):
        """A quote never closed, or text after one, is an error at its row, line and column."""
        with pytest.raises(SpecError) as info:
            DecisionRights.from_csv(io.StringIO(sheet))
        found = [(p.location.row, p.location.line, p.location.column) for p in info.value.problems]
        assert (found, [p.message for p in info.value.problems]) == ([where], [message])

    def test_rows_after_a_multi_line_cell_keep_their_lines(self):
        """Rows count records, lines count physical lines: both are reported."""
        sheet = 'Decision,#title,a,b\nd1,"one\r\ntwo\rthree",A,\nd2,,R,X\n'
        with pytest.raises(SpecError) as info:
            DecisionRights.from_csv(io.StringIO(sheet))
        assert [
            (p.location.row, p.location.line, p.location.column) for p in info.value.problems
        ] == [(3, 5, 4), (3, 5, 1)]

    def test_bare_carriage_returns_end_rows(self):
        """Old Mac sheets end rows with a bare CR, outside quotes."""
        rights = DecisionRights.from_csv(io.StringIO("Decision,a,b\rd1,A,R\rd2,R,A"))
        assert (rights.accountable("d1"), rights.accountable("d2")) == ("a", "b")

    @settings(max_examples=300)
    @given(any_text)
    def test_any_text_raises_only_spec_error(self, text: str):
        """Whatever the text, from_csv gives a matrix or a SpecError."""
        with contextlib.suppress(SpecError):
            DecisionRights.from_csv(io.StringIO(text))

    @given(any_text)
    def test_any_sheet_body_raises_only_spec_error(self, body: str):
        """Whatever follows a good header, from_csv gives a matrix or a SpecError."""
        with contextlib.suppress(SpecError):
            DecisionRights.from_csv(io.StringIO("Decision,#title,a,b\n" + body))


class TestMarkdownAnyText:
    @staticmethod
    def cells(line: str) -> list[str]:
        """A row's cells: split at each unescaped ``|``, padding removed, unescaped."""
        unescape = {"\\\\": "\\", "\\|": "|", "\\n": "\n", "\\r": "\r"}
        found, cell, k = [], "", 0
        while k < len(line):
            pair = line[k : k + 2]
            if pair in unescape:
                cell, k = cell + unescape[pair], k + 2
            elif line[k] == "|":
                found.append(cell)
                cell, k = "", k + 1
            else:
                cell, k = cell + line[k], k + 1
        assert found[0] == ""
        assert cell == ""
        assert all(c[:1] == " " and c[-1:] == " " for c in found[1:])
        return [c[1:-1] for c in found[1:]]

    @settings(max_examples=200)
    @given(any_matrices())
    def test_each_decision_is_one_row_and_reads_back(self, rights: DecisionRights):
        """Every decision is one line; unescaping a cell gives its text back exactly."""
        lines = rights.to_markdown().split("\n")
        assert len(lines) == len(rights.decisions) + 2
        header = self.cells(lines[0])
        assert header == [
            "Decision",
            "Title",
            *decision_rights_tabular.party_columns(rights.decisions),
        ]
        for decision, line in zip(rights.decisions, lines[2:], strict=True):
            row = self.cells(line)
            assert len(row) == len(header)
            assert row[:2] == [decision.id, decision.title]
            letters = dict(decision_rights_tabular.cells(rights.scheme, decision))
            assert row[2:] == [letters.get(p, "") for p in header[2:]]

    def test_line_breaks_are_escaped(self):
        """A title on two lines stays in one row."""
        rights = DecisionRights(decisions=[{"id": "d", "accountable": "a|b", "title": "x\ny\\"}])
        assert rights.to_markdown().split("\n")[2] == "| d | x\\ny\\\\ | A |"


class TestFromTableTypes:
    @pytest.mark.parametrize(
        ("table", "path", "message"),
        [
            (
                {"d": {"p": None}},
                ("d", "p"),
                'The cell for `p` holds letters as text ("A/R"), not None',
            ),
            ({"d": {"p": 1}}, ("d", "p"), 'The cell for `p` holds letters as text ("A/R"), not 1'),
            ({"d": {1: "A"}}, ("d", 1), "A party is named by text, not 1"),
            ({"d": {None: "A"}}, ("d", "None"), "A party is named by text, not None"),
            ({1: {"p": "A"}}, (1,), "A decision id is text, not 1"),
            ({"d": ["p"]}, ("d",), "Decision `d` needs a mapping of parties to letters, not ['p']"),
            ({"d": None}, ("d",), "Decision `d` needs a mapping of parties to letters, not None"),
        ],
    )
    def test_wrong_types_are_located_spec_errors(self, table, path, message):
        """A cell, party or id that is not text is a SpecError at its place, never a crash."""
        with pytest.raises(SpecError) as info:
            DecisionRights.from_table(table)
        assert [(p.location.path, p.message) for p in info.value.problems] == [(path, message)]

    def test_every_wrong_cell_is_listed(self):
        """Good decisions still go through; every bad one is listed."""
        with pytest.raises(SpecError) as info:
            DecisionRights.from_table({"a": {"x": "A"}, "b": {"x": 2}, "c": {"x": "A", "y": []}})
        assert [p.location.path for p in info.value.problems] == [("b", "x"), ("c", "y")]

    def test_not_a_mapping(self):
        """A table that is not a mapping says what is expected."""
        with pytest.raises(
            SpecError,
            match=r"Expected a mapping of decision ids to \{party: letters\}, got \['d'\]",
        ):
            DecisionRights.from_table(["d"])  # type: ignore[arg-type]

    @settings(max_examples=300)
    @given(json_like)
    def test_any_json_raises_only_spec_error(self, table):
        """Whatever JSON-like data comes in, from_table gives a matrix or a SpecError."""
        with contextlib.suppress(SpecError):
            DecisionRights.from_table(table)

    @settings(max_examples=100)
    @given(st.dictionaries(st.text(max_size=4), st.dictionaries(st.text(max_size=4), json_like)))
    def test_any_cells_raise_only_spec_error(self, table):
        """Deeper: any values under any decision and party."""
        with contextlib.suppress(SpecError):
            DecisionRights.from_table(table)


class TestSchemeTypes:
    @pytest.mark.parametrize(
        ("args", "kwargs", "path", "message"),
        [
            ((1, {"A": "accountable"}), {}, ("name",), "A scheme's name is text, not 1"),
            (
                ("x", None),
                {},
                ("letters",),
                "A scheme's letters map each letter to a role, not None",
            ),
            (
                ("x", {"A": "boss"}),
                {},
                ("letters", "A"),
                "'boss' is not a role; use accountable, responsible, agree, consulted, informed",
            ),
            (
                ("x", {"A": []}),
                {},
                ("letters", "A"),
                "[] is not a role; use accountable, responsible, agree, consulted, informed",
            ),
            (("x", {" ": "accountable"}), {}, ("letters", " "), "A scheme letter is empty"),
            (
                ("x", {"A": "accountable"}),
                {"words": {"A": 1}},
                ("words", "A"),
                "A scheme's words map letters to words, not 'A' to 1",
            ),
            (
                ("x", {"A": "accountable"}),
                {"words": [1]},
                ("words",),
                "A scheme's words map letters to words, not [1]",
            ),
        ],
    )
    def test_wrong_types_are_located_spec_errors(self, args, kwargs, path, message):
        """A scheme built from bad data is a SpecError at the bad part."""
        with pytest.raises(SpecError) as info:
            Scheme(*args, **kwargs)
        assert [(p.location.path, p.message) for p in info.value.problems] == [(path, message)]

    @settings(max_examples=300)
    @given(json_like, json_like, json_like)
    def test_any_json_raises_only_spec_error(self, name, letters, words):
        """Whatever JSON-like data comes in, Scheme gives a scheme or a SpecError."""
        with contextlib.suppress(SpecError):
            Scheme(name, letters, words=words)

    @settings(max_examples=200)
    @given(st.dictionaries(json_like.filter(lambda x: isinstance(x, str | int | None)), json_like))
    def test_any_letters_raise_only_spec_error(self, letters):
        """Any mapping of letters to anything."""
        with contextlib.suppress(SpecError):
            Scheme("x", letters)


class TestYamlAnyText:
    @staticmethod
    def pyyaml(rights: DecisionRights) -> str:
        data = {"decision_rights": rights.to_data()}
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)

    @settings(max_examples=300)
    @given(any_matrices())
    def test_loads_back_equal(self, rights: DecisionRights):
        """yaml.safe_load of to_yaml() is to_data(), and the file loads the same matrix."""
        text = rights.to_yaml()
        assert yaml.safe_load(text) == {"decision_rights": rights.to_data()}
        assert yaml.load(text, Loader=yaml.CSafeLoader) == {"decision_rights": rights.to_data()}
        assert loads("version: 1\norg: {}\n" + text).decision_rights == rights

    @settings(max_examples=200)
    @given(any_matrices(valid_names.filter(_one_line), any_text.filter(_one_line)))
    def test_same_text_as_pyyaml(self, rights: DecisionRights):
        """Where PyYAML keeps a value on one line, to_yaml writes the very same text."""
        assert rights.to_yaml() == self.pyyaml(rights)

    @pytest.mark.parametrize(
        ("name", "written"),
        [
            ("yes", "'yes'"),
            ("null", "'null'"),
            ("1e3", "1e3"),
            ("1.5", "'1.5'"),
            ("1.5e+3", "'1.5e+3'"),
            ("on", "'on'"),
            ("0x1F", "'0x1F'"),
            ("2026-01-15", "'2026-01-15'"),
            ("~", "'~'"),
            ("a: b", "'a: b'"),
            ("a #b", "'a #b'"),
            ("#a", "'#a'"),
            ("-a", "-a"),
            ("- a", "'- a'"),
            ("=Sales", "=Sales"),
            ("=", "'='"),
            ("it's", "it's"),
            ("'q'", "'''q'''"),
            ("tab\there", '"tab\\there"'),
            ("\x1fx", '"\\x1Fx"'),
            ("é€", "é€"),
            ("\U0001f600", "\U0001f600"),
            ("a\U0001f600\x00", '"a\\U0001F600\\0"'),
            ("---", "'---'"),
            ("a\ufeff", '"a\\uFEFF"'),
        ],
    )
    def test_quotes_as_pyyaml_does(self, name: str, written: str):
        """Names needing quotes get PyYAML's quotes; the rest stay plain."""
        rights = DecisionRights(decisions=[{"id": "d", "accountable": name}])
        assert f"    accountable: {written}\n" in rights.to_yaml()
        assert rights.to_yaml() == self.pyyaml(rights)

    def test_long_values_stay_on_one_line(self):
        """PyYAML folds long values; to_yaml keeps them whole, and they load the same."""
        title = " ".join(["word"] * 40)
        rights = DecisionRights(decisions=[{"id": "d", "accountable": "a", "title": title}])
        assert f"    title: {title}\n" in rights.to_yaml()
        assert yaml.safe_load(rights.to_yaml()) == yaml.safe_load(self.pyyaml(rights))

    @settings(max_examples=100)
    @given(
        st.dictionaries(any_text, valid_names, max_size=3),
        st.dictionaries(any_text, valid_names, max_size=3),
    )
    def test_owners_forums_and_delegations(self, owners, forums):
        """Any category as a key (PyYAML writes the hard ones), delegations with times."""
        rights = DecisionRights(
            decisions=[{"id": "d", "accountable": "a", "category": "c"}],
            owners=owners,
            forums=forums,
        ).delegate("d", "a", "b", until=NOW)
        assert yaml.safe_load(rights.to_yaml()) == {"decision_rights": rights.to_data()}
        assert loads("version: 1\norg: {}\n" + rights.to_yaml()).decision_rights == rights

    def test_custom_scheme_and_no_decisions(self):
        """A custom scheme is written as a mapping; no decisions as an empty list."""
        scheme = Scheme("yes-no", {"Y": Role.ACCOUNTABLE, "N": Role.INFORMED})
        assert DecisionRights(scheme=scheme).to_yaml() == (
            "decision_rights:\n"
            "  scheme:\n"
            "    name: yes-no\n"
            "    letters:\n"
            "      Y: accountable\n"
            "      N: informed\n"
            "  decisions: []\n"
        )

    @settings(max_examples=100)
    @given(any_matrices())
    def test_to_data_is_model_dump(self, rights: DecisionRights):
        """to_data() reads the fields directly, and gives what model_dump gives."""
        expected = []
        for decision in rights.decisions:
            row = decision.model_dump(mode="json", exclude_defaults=True)
            if row.get("title") == decision.id:
                del row["title"]
            expected.append(row)
        assert rights.to_data()["decisions"] == expected

    def test_thousands_of_decisions(self):
        """A large matrix is written in chunks that join up to PyYAML's text."""
        rights = DecisionRights(
            decisions=[
                {"id": f"d{k}", "accountable": f"p{k % 7}", "informed": ["yes", f"q{k}"]}
                for k in range(5000)
            ]
        )
        assert rights.to_yaml() == self.pyyaml(rights)

    def test_same_text_without_the_direct_path(self, monkeypatch: pytest.MonkeyPatch):
        """Were a decision to hold more than text, its data would go the general way."""
        rights = DecisionRights(
            decisions=[{"id": "d", "accountable": "yes", "title": "T", "consulted": ["b", "c"]}]
        )
        expected = rights.to_yaml()
        monkeypatch.setattr(decision_rights_yaml, "_text_fields", lambda: None)
        assert rights.to_data()["decisions"] == [
            {"id": "d", "title": "T", "accountable": "yes", "consulted": ["b", "c"]}
        ]
        assert rights.to_yaml() == expected == self.pyyaml(rights)

    def test_fields_other_than_text_are_noticed(self, monkeypatch: pytest.MonkeyPatch):
        """A field that is not text turns the direct path off."""
        assert decision_rights_yaml._text_fields.__wrapped__() is not None
        monkeypatch.setattr(decision_rights_yaml, "_text_kind", lambda _: None)
        assert decision_rights_yaml._text_fields.__wrapped__() is None

    @pytest.mark.parametrize("data", [{"k": 1}, {"k": None}, {"k": [["nested"]]}, {"k": [{}]}])
    def test_other_data_is_left_to_pyyaml(self, data: dict[str, object]):
        """The direct writer refuses what it does not write as PyYAML would."""
        with pytest.raises(decision_rights_yaml._NotSimple):
            decision_rights_yaml._YamlWriter().mapping(data, 0, "")


class TestSheetCells:
    def test_quoted_empty_cells_are_blank(self):
        """``""`` is a blank cell, like an empty one."""
        rights = DecisionRights.from_csv(io.StringIO('Decision,a,b\nd,A,""\n""\n'))
        assert rights.to_table() == {"d": {"a": "A"}}

    def test_trailing_commas_without_a_final_line_break(self):
        """A last row with more commas than the header is too wide, even unterminated."""
        with pytest.raises(SpecError, match="Row has 4 cells but the header has 3"):
            DecisionRights.from_csv(io.StringIO("Decision,a,b\nd,A,,"))
        assert DecisionRights.from_csv(io.StringIO("Decision,a,b\nd,A,")).to_table() == {
            "d": {"a": "A"}
        }

    def test_letters_with_spaces_and_case(self):
        """A quoted cell keeps its spaces, and letters are still read in any case."""
        rights = DecisionRights.from_csv(io.StringIO('Decision,a,b\nd," a ",r / c\n'))
        assert rights.to_table() == {"d": {"a": "A", "b": "R/C"}}

    def test_spaces_after_a_closing_quote_are_allowed(self):
        """Spaces between a closing quote and the comma are not text after the quote."""
        rights = DecisionRights.from_csv(io.StringIO('Decision,a,b\nd,"A" ,R\n'))
        assert rights.to_table() == {"d": {"a": "A", "b": "R"}}

    def test_invalid_names_are_placed_at_their_row(self):
        """A name the model refuses (quoted spaces around it) is reported at its row."""
        with pytest.raises(SpecError) as info:
            DecisionRights.from_csv(io.StringIO('Decision,a\nok,A\n" d ",A\n'), scheme=Scheme.RACI)
        assert [(str(p.location), p.message) for p in info.value.problems] == [
            ("<csv>:3:1", "Must be non-empty text without surrounding spaces or line breaks"),
        ]

    def test_letters_unescaping_could_change_take_the_general_path(self):
        """A custom letter holding ``;`` is read (and written) whole."""
        scheme = Scheme("semi", {"A;B": Role.ACCOUNTABLE, "C": Role.CONSULTED})
        rights = DecisionRights.from_csv(io.StringIO("Decision,a,b\nd,A;B,C\n"), scheme=scheme)
        assert rights.to_table() == {"d": {"a": "A;B", "b": "C"}}
        assert DecisionRights.from_csv(io.StringIO(rights.to_csv()), scheme=scheme) == rights


class TestValues:
    def test_a_matrix_copies_and_pickles(self):
        """A matrix is a value: deep copies and pickles are equal and hash alike."""
        import pickle

        rights = loads(Path("examples/acme/alignment.yaml").read_text()).decision_rights
        assert rights is not None
        for other in (copy.deepcopy(rights), pickle.loads(pickle.dumps(rights))):
            assert other == rights
            assert hash(other) == hash(rights)

    def test_an_expired_delegation_needs_an_aware_time(self):
        """`Delegation.active` refuses a naive time in words, not with a TypeError."""
        delegation = Delegation(decision="d", from_party="a", to_party="b", until=NOW)
        with pytest.raises(SpecError, match="timezone-aware"):
            delegation.active(dt.datetime(2026, 1, 1))  # noqa: DTZ001 - the mistake under test
