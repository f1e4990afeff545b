"""alignkit.decision_rights: schemes, the matrix, queries, delegation, escalation, lint."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from alignkit.alignment_file import loads
from alignkit.decision_rights import (
    Decision,
    DecisionRights,
    Delegation,
    EscalationPath,
    Role,
    Scheme,
    parse_cell,
)
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
        """`at` must be aware when a delegation has to be judged."""
        delegated = RIGHTS.delegate("approve-discount", "vp-sales", "ae-1")
        with pytest.raises(SpecError, match="timezone-aware"):
            delegated.can_decide("ae-1", "approve-discount", at=dt.datetime(2026, 1, 1))  # noqa: DTZ001

    def test_default_time_is_now(self):
        """Without `at`, an open-ended delegation counts now."""
        delegated = RIGHTS.delegate("approve-discount", "vp-sales", "ae-1")
        assert delegated.can_decide("ae-1", "approve-discount")

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
