"""alignkit.org: people, functions, reporting lines, and their lint."""

from __future__ import annotations

import copy
import io
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alignkit.diagnostics import Severity
from alignkit.errors import SpecError, UnknownNameError
from alignkit.org import Function, Org, Person
from tests.strategies import orgs

ACME = Org(
    functions=[
        Function("Executive", head="ceo"),
        Function("Sales", head="vp-sales"),
        Function("Operations", head="vp-ops"),
    ],
    people=[
        Person("ceo", "Dana Reyes", "Executive"),
        Person("vp-sales", "Sam Okafor", "Sales", manager="ceo"),
        Person("vp-ops", "Priya Nair", "Operations", manager="ceo"),
        Person("ae-1", "Lee Park", "Sales", manager="vp-sales"),
        Person("ae-2", "Ana Ruiz", "Sales", manager="vp-sales"),
        Person("onb-1", "Kofi Asante", "Operations", manager="vp-ops"),
    ],
)


class TestPerson:
    def test_positional_signature(self):
        """Person(id, name, function, manager=None), as documented."""
        person = Person("ae-1", "Lee Park", "Sales", "vp-sales")
        assert (person.id, person.name, person.function, person.manager) == (
            "ae-1",
            "Lee Park",
            "Sales",
            "vp-sales",
        )

    def test_empty_strings_are_refused(self):
        """An empty id or name means nothing."""
        with pytest.raises(SpecError) as info:
            Person("", "", "Sales")
        assert [p.location.path for p in info.value.problems] == [("id",), ("name",)]

    def test_unknown_keys_are_refused(self):
        """A typo is an error, not an ignored key."""
        with pytest.raises(SpecError, match="did you mean 'manager'"):
            Person.model_validate({"id": "a", "name": "A", "function": "X", "manger": "b"})

    def test_immutable(self):
        """Specs are frozen."""
        person = Person("a", "A", "X")
        with pytest.raises(Exception, match="frozen"):
            person.name = "B"  # type: ignore[misc]

    def test_copy(self):
        """Copies are equal and hash alike."""
        person = Person("a", "A", "X")
        assert copy.deepcopy(person) == person
        assert hash(copy.copy(person)) == hash(person)


class TestFunction:
    def test_positional_signature(self):
        """Function(name, head=None), as documented."""
        assert Function("Sales", "vp-sales").head == "vp-sales"
        assert Function("Sales").head is None


class TestLookups:
    def test_person_and_function(self):
        """Look people and functions up by id and name."""
        assert ACME.person("ae-1").name == "Lee Park"
        assert ACME.function("Sales").head == "vp-sales"
        assert ACME.get_person("nobody") is None
        assert ACME.get_function("Legal") is None

    def test_unknown_lookup_suggests(self):
        """A miss raises UnknownNameError with the nearest name."""
        with pytest.raises(UnknownNameError, match="did you mean 'vp-sales'"):
            ACME.person("vp-sale")
        with pytest.raises(UnknownNameError, match="Unknown function 'Legal'"):
            ACME.function("Legal")

    def test_members_and_head(self):
        """Members in declaration order; the head as a person."""
        assert [p.id for p in ACME.members("Sales")] == ["vp-sales", "ae-1", "ae-2"]
        assert ACME.members("Legal") == ()
        head = ACME.head("Operations")
        assert head is not None
        assert head.id == "vp-ops"
        assert ACME.head("Legal") is None

    def test_head_missing_or_unknown_is_none(self):
        """No head, or a head who is not in the org, gives None."""
        org = Org(functions=[Function("A"), Function("B", "ghost")], people=[])
        assert org.head("A") is None
        assert org.head("B") is None

    def test_manager_reports_and_chain(self):
        """Reporting lines up and down."""
        manager = ACME.manager("ae-1")
        assert manager is not None
        assert manager.id == "vp-sales"
        assert ACME.manager("ceo") is None
        assert ACME.manager("nobody") is None
        assert [p.id for p in ACME.reports("vp-sales")] == ["ae-1", "ae-2"]
        assert [p.id for p in ACME.manager_chain("onb-1")] == ["vp-ops", "ceo"]
        assert ACME.manager_chain("ceo") == ()

    def test_lowest_common_manager(self):
        """The lowest person above both: a peer's manager, a shared executive, or one of them."""

        def lcm(a: str, b: str) -> str | None:
            found = ACME.lowest_common_manager(a, b)
            return found.id if found is not None else None

        assert lcm("ae-1", "ae-2") == "vp-sales"
        assert lcm("ae-1", "onb-1") == "ceo"
        assert lcm("vp-sales", "ae-2") == "vp-sales"
        assert lcm("ae-1", "ae-1") == "ae-1"
        assert lcm("ae-1", "nobody") is None

    def test_separate_trees_have_no_common_manager(self):
        """Two people in unconnected hierarchies have none."""
        org = Org(people=[Person("a", "A", "X"), Person("b", "B", "X")])
        assert org.lowest_common_manager("a", "b") is None

    def test_people_of_a_party(self):
        """A party is a person id or a function name."""
        assert [p.id for p in ACME.people_of("Operations")] == ["vp-ops", "onb-1"]
        assert [p.id for p in ACME.people_of("ae-2")] == ["ae-2"]
        assert ACME.people_of("Legal") == ()
        assert ACME.is_party("Sales")
        assert ACME.is_party("ceo")
        assert not ACME.is_party("Legal")

    def test_collections(self):
        """The org iterates over its people."""
        assert len(ACME) == 6
        assert [p.id for p in ACME][:2] == ["ceo", "vp-sales"]
        assert ACME.person_ids == {"ceo", "vp-sales", "vp-ops", "ae-1", "ae-2", "onb-1"}
        assert ACME.function_names == {"Executive", "Sales", "Operations"}

    def test_duplicate_ids_resolve_to_the_first(self):
        """Lookups see the first declaration; lint reports the rest."""
        org = Org(people=[Person("a", "First", "X"), Person("a", "Second", "X")])
        assert org.person("a").name == "First"
        assert len(org.members("X")) == 1

    def test_index_does_not_affect_equality_or_dump(self):
        """The cached index is invisible: equal orgs stay equal, dumps hold only fields."""
        other = Org(people=ACME.people, functions=ACME.functions)
        ACME.person("ceo")
        assert other == ACME
        assert set(ACME.model_dump()) == {"functions", "people"}


class TestLint:
    def test_clean_org_has_no_findings(self):
        """A consistent org passes with nothing to say."""
        assert list(ACME.lint()) == []

    def test_every_rule(self):
        """Each kind of problem gets its code, at its field path."""
        org = Org(
            functions=[
                Function("Executive", "ceo"),
                Function("Sales", "ghost"),
                Function("Ops"),
                Function("Sales", "ceo"),
                Function("Legal", "ceo"),
            ],
            people=[
                Person("ceo", "Dana", "Executive"),
                Person("a", "A", "Sales", manager="b"),
                Person("b", "B", "Sales", manager="a"),
                Person("c", "C", "Sale", manager="nobody"),
                Person("c", "C again", "Sales"),
                Person("Ops", "Ops person", "Ops", manager="ceo"),
            ],
        )
        found = {(d.code, str(d.location), d.target) for d in org.lint()}
        assert found == {
            ("ORG003", "people[4].id", "c"),
            ("ORG001", "people[3].manager", "c"),
            ("ORG005", "people[3].function", "c"),
            ("ORG010", "people[5].id", "Ops"),
            ("ORG002", "people[1].manager", "a"),
            ("ORG004", "functions[1].head", "Sales"),
            ("ORG006", "functions[2]", "Ops"),
            ("ORG008", "functions[3].name", "Sales"),
            ("ORG007", "functions[4].head", "Legal"),
            ("ORG009", "functions[4]", "Legal"),
        }

    def test_cycle_message_lists_the_loop_from_its_first_member(self):
        """A cycle is named once, starting from whoever is declared first."""
        org = Org(
            people=[
                Person("x", "X", "F", manager="z"),
                Person("y", "Y", "F", manager="x"),
                Person("z", "Z", "F", manager="y"),
                Person("w", "W", "F", manager="y"),
            ],
            functions=[Function("F", "x")],
        )
        cycles = [d for d in org.lint() if d.code == "ORG002"]
        assert [d.message for d in cycles] == ["Reporting cycle: x → z → y → x"]

    def test_self_manager_is_a_cycle(self):
        """Reporting to yourself is the smallest cycle."""
        org = Org(people=[Person("a", "A", "F", manager="a")], functions=[Function("F", "a")])
        assert [d.message for d in org.lint()] == ["Reporting cycle: a → a"]

    def test_suggestions_in_hints(self):
        """Misspellings get a did-you-mean hint."""
        org = Org(
            people=[Person("ceo", "C", "Exec"), Person("a", "A", "Exce", manager="ce0")],
            functions=[Function("Exec", "ce")],
        )
        hints = {d.code: d.hint for d in org.lint()}
        assert hints == {
            "ORG001": "Did you mean `ceo`?",
            "ORG005": "Did you mean `Exec`?",
            "ORG004": "Did you mean `ceo`?",
        }

    def test_severities(self):
        """Warnings for what may be deliberate, info for the merely odd."""
        org = Org(functions=[Function("A"), Function("B", "b")], people=[Person("b", "B", "B")])
        assert {d.code: d.severity for d in org.lint()} == {
            "ORG006": Severity.WARNING,
            "ORG009": Severity.INFO,
        }

    @given(orgs())
    def test_lint_reports_exactly_the_cycles(self, org):
        """Every reporting cycle is reported once, and nothing else is called a cycle."""
        expected = set()
        for person in org.people:
            seen: list[str] = []
            current: str | None = person.id
            while current is not None and current not in seen:
                seen.append(current)
                found = org.get_person(current)
                current = found.manager if found is not None else None
            if current is not None:
                expected.add(frozenset(seen[seen.index(current) :]))
        reported = [d for d in org.lint() if d.code == "ORG002"]
        assert len(reported) == len(expected)
        for finding in reported:
            named = finding.message.split(": ", 1)[1].split(" → ")[:-1]  # the last repeats
            more = re.fullmatch(r"\.\.\. and (\d+) more", named[-1])
            listed = named[:-1] if more else named
            (cycle,) = [c for c in expected if listed[0] in c]
            assert set(listed) <= cycle
            assert len(listed) + (int(more.group(1)) if more else 0) == len(cycle)

    @given(orgs(), st.data())
    def test_manager_chain_ends_without_repeats(self, org, data):
        """Even with cycles and broken links, a chain ends and never repeats anyone."""
        person = data.draw(st.sampled_from(org.people))
        chain = [p.id for p in org.manager_chain(person.id)]
        assert len(chain) == len(set(chain))
        assert person.id not in chain

    @given(orgs(allow_broken=False), st.data())
    def test_lowest_common_manager_matches_brute_force(self, org, data):
        """The LCM is above (or is) both, and no one lower is above both."""
        a = data.draw(st.sampled_from(org.people)).id
        b = data.draw(st.sampled_from(org.people)).id

        def above(x: str) -> list[str]:
            return [x, *(p.id for p in org.manager_chain(x))]

        common = [p for p in above(b) if p in set(above(a))]
        found = org.lowest_common_manager(a, b)
        assert (found.id if found is not None else None) == (common[0] if common else None)


class TestFromCsv:
    def test_reads_an_hr_export(self, tmp_path: Path):
        """Columns in any order and case, extra columns ignored, blank manager is none."""
        sheet = tmp_path / "people.csv"
        sheet.write_text(
            "\ufeffEmail,ID,Name,Function,Manager\n"
            "d@x.io,ceo,Dana Reyes,Executive,\n"
            "s@x.io, vp-sales ,Sam Okafor,Sales,ceo\n"
            "\n",
            encoding="utf-8",
        )
        org = Org.from_csv(sheet)
        assert [(p.id, p.manager) for p in org] == [("ceo", None), ("vp-sales", "ceo")]
        assert [f.name for f in org.functions] == ["Executive", "Sales"]

    def test_functions_can_be_given(self):
        """Heads come from the functions passed in."""
        org = Org.from_csv(
            io.StringIO("id,name,function\nceo,Dana,Executive\n"),
            functions=[Function("Executive", "ceo")],
        )
        assert org.head("Executive") is not None
        assert list(org.lint()) == []

    def test_every_bad_row_is_reported_with_row_and_column(self):
        """Empty cells and overlong rows are listed together, with row numbers."""
        sheet = io.StringIO(
            "id,name,function,manager\n"
            "ceo,Dana,Executive,\n"
            ",Nameless,Sales,ceo\n"
            "x,,,ceo\n"
            "y,Y,Sales,ceo,extra\n"
        )
        with pytest.raises(SpecError) as info:
            Org.from_csv(sheet)
        assert [(p.location.row, p.location.column, p.message) for p in info.value.problems] == [
            (3, 1, "Empty 'id'"),
            (4, 2, "Empty 'name'"),
            (4, 3, "Empty 'function'"),
            (5, 5, "Row has 5 cells but the header has 4"),
        ]
        assert info.value.problems[0].location.path == ("people", 1, "id")

    def test_missing_columns(self):
        """A header without the required columns is one clear problem."""
        with pytest.raises(SpecError, match="Missing columns 'name', 'function'"):
            Org.from_csv(io.StringIO("id,manager\na,b\n"))

    def test_duplicate_column(self):
        """Two `id` columns are ambiguous."""
        with pytest.raises(SpecError, match="Duplicate column 'id'"):
            Org.from_csv(io.StringIO("id,name,function,id\na,A,X,b\n"))

    def test_empty_file(self):
        """An empty export is refused."""
        with pytest.raises(SpecError, match="empty"):
            Org.from_csv(io.StringIO(""))

    def test_missing_file_and_binary_file(self, tmp_path: Path):
        """Unreadable files are SpecErrors naming the file."""
        with pytest.raises(SpecError, match="Cannot read the CSV file"):
            Org.from_csv(tmp_path / "nope.csv")
        binary = tmp_path / "people.csv"
        binary.write_bytes(b"id,name\xff\xfe\x00\n")
        with pytest.raises(SpecError, match="not UTF-8"):
            Org.from_csv(binary)

    def test_malformed_csv(self):
        """A cell beyond the csv module's field limit is reported, not raised as csv.Error."""
        huge = "x" * 200_000
        with pytest.raises(SpecError, match="a cell is longer than the 131,072 characters"):
            Org.from_csv(io.StringIO(f"id,name,function\na,{huge},X\n"))
        with pytest.raises(SpecError, match="Invalid CSV"):
            Org.from_csv(io.StringIO(f"{huge},name,function\n"))

    def test_lint_points_at_csv_rows(self, tmp_path: Path):
        """Findings about CSV people name the file, row and column."""
        sheet = tmp_path / "people.csv"
        sheet.write_text('id,name,function,manager\nceo,"Dana\nReyes",X,\na,A,X,ghost\n')
        org = Org.from_csv(sheet, functions=[Function("X", "ceo")])
        (finding,) = org.lint()
        assert finding.code == "ORG001"
        assert finding.location is not None
        assert (finding.location.row, finding.location.line, finding.location.column) == (3, 4, 4)
        assert str(finding.location) == f"{sheet}:4:4"

    def test_large_export(self):
        """A 20,000-person company loads and lints cleanly."""
        lines = ["id,name,function,manager", "p0,P0,F,"]
        lines += [f"p{i},P{i},F,p{(i - 1) // 10}" for i in range(1, 20_000)]
        org = Org.from_csv(io.StringIO("\n".join(lines)), functions=[Function("F", "p0")])
        assert len(org) == 20_000
        assert list(org.lint()) == []
        assert org.lowest_common_manager("p19999", "p12345") is not None


class TestLongReportingCycle:
    @staticmethod
    def cycle(ids: list[str]) -> Org:
        """Everyone reports to the next person; the last reports to the first."""
        people = [
            Person(pid, pid.upper(), "F", manager=ids[(i + 1) % len(ids)])
            for i, pid in enumerate(ids)
        ]
        return Org(people=people, functions=[Function("F", ids[0])])

    def test_cycle_of_500_lists_the_first_10_and_counts_the_rest(self):
        """A 500-person cycle names 10 people and says how many more there are."""
        ids = [f"p{i:03d}" for i in range(500)]
        (finding,) = [d for d in self.cycle(ids).lint() if d.code == "ORG002"]
        assert finding.message == (
            "Reporting cycle of 500 people: "
            "p000 → p001 → p002 → p003 → p004 → p005 → p006 → p007 → p008 → p009"
            " → ... and 490 more → p000"
        )
        assert (finding.target, str(finding.location)) == ("p000", "people[0].manager")

    def test_cycle_of_10_is_listed_in_full(self):
        """Up to 10 people, the whole loop is written out, as before."""
        ids = [f"p{i}" for i in range(10)]
        (finding,) = [d for d in self.cycle(ids).lint() if d.code == "ORG002"]
        assert finding.message == "Reporting cycle: " + " → ".join([*ids, "p0"])
        eleven = [d for d in self.cycle([*ids, "p10"]).lint() if d.code == "ORG002"]
        assert [d.message for d in eleven] == [
            "Reporting cycle of 11 people: " + " → ".join(ids) + " → ... and 1 more → p0"
        ]

    def test_long_ids_keep_the_message_short(self):
        """Ids longer than 40 characters are cut, so no cycle message runs to pages."""
        ids = [f"{i:03d}-" + "x" * 200 for i in range(500)]
        (finding,) = [d for d in self.cycle(ids).lint() if d.code == "ORG002"]
        short = [pid[:39] + "…" for pid in ids[:10]]
        assert finding.message == (
            "Reporting cycle of 500 people: "
            + " → ".join(short)
            + f" → ... and 490 more → {short[0]}"
        )
        assert len(finding.message) <= 520
        assert finding.target == ids[0]


class TestCsvQuotes:
    def test_an_unclosed_quote_is_an_error_not_a_swallowed_file(self, tmp_path: Path):
        """A quote never closed would make one cell of the rest of the file: it is refused."""
        path = tmp_path / "people.csv"
        path.write_text('id,name,function\n"p1,Ann,Sales\np2,Bo,Sales\np3,Cy,Sales\n')
        with pytest.raises(SpecError) as info:
            Org.from_csv(path)
        (problem,) = info.value.problems
        assert (problem.location.line, problem.message) == (
            2,
            (
                "Invalid CSV: the quote that opens this cell is never closed; close it, "
                'or double each quote inside a quoted cell ("")'
            ),
        )

    def test_text_after_a_closing_quote_is_an_error(self, tmp_path: Path):
        """`"Ann" Lee` is not one cell: say how to write it."""
        path = tmp_path / "people.csv"
        path.write_text('id,name,function\np1,"Ann" Lee,Sales\n')
        with pytest.raises(SpecError, match="text after the closing quote"):
            Org.from_csv(path)

    @given(st.text(max_size=300))
    def test_any_text_gives_an_org_or_a_spec_error(self, text: str):
        """An HR export, whatever it holds, reads or is refused in words."""
        try:
            org = Org.from_csv(io.StringIO("id,name,function,manager\n" + text))
        except SpecError as error:
            assert error.problems
        else:
            assert all(person.id.strip() == person.id for person in org.people)
