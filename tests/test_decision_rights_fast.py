"""alignkit.decision_rights: what reading, lint and can_decide save is never a different answer.

Reading a sheet or a table builds its decisions without validating them again, lint
reads each decision once, and can_decide keeps its answers by the heads of an org's
functions. Each is compared here with the plain way: validation, a reference written
from the rules' documentation, and ``Delegation.active`` with the org's heads.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from pydantic_core import PydanticSerializationError

from alignkit._csvsafe import escape_cell
from alignkit._suggest import suggest
from alignkit._time import require_aware
from alignkit.decision_rights import Decision, DecisionRights, Delegation, Role, Scheme
from alignkit.decision_rights import _matrix as decision_rights_matrix
from alignkit.decision_rights import _tabular as decision_rights_tabular
from alignkit.decision_rights._decision import encodable, plain_name
from alignkit.decision_rights._rules import (
    ACCOUNTABLE_ALSO_CONSULTED,
    ACCOUNTABLE_BOTTLENECK,
    ACCOUNTABLE_FUNCTION_WITHOUT_HEAD,
    CONSULTED_OVERLOAD,
    DECISION_WITHOUT_RESPONSIBLE,
    DELEGATION_UNKNOWN_DECISION,
    DELEGATION_WITHOUT_AUTHORITY,
    ESCALATION_HEAVY,
    FUNCTION_WITHOUT_ROLE,
    UNKNOWN_PARTY,
    UNUSED_CATEGORY,
    VETO_OVERLOAD,
)
from alignkit.diagnostics import Diagnostic, Location, Report
from alignkit.errors import SpecError
from alignkit.org import Function, Org, Person

SCHEMES = [Scheme.RACI, Scheme.RAPID, Scheme.DACI]
SIGNS = Scheme("signs", {"+": Role.ACCOUNTABLE, "-": Role.INFORMED, "@": Role.CONSULTED})
"""Letters that look like formulas: the CSV writer escapes them, and they have no R."""
ROLE_LISTS = ("responsible", "agree", "consulted", "informed")


class Name(str):
    """Text of a subclass of ``str``: validation stores it as a plain ``str``."""

    __slots__ = ()


# -- names as people type them, and worse ----------------------------------------------------

PLAIN = ["p0", "p1", "p2", "Sales", "IT", "vp-sales", "Customer Success", "Zoë"]
NASTY = [
    " padded ",
    "padded ",
    " padded",
    "inner  spaces",
    "two\nlines",
    "cr\rmid",
    "ends\r\n",
    "\x1cFinance",
    "Finance\x1f",
    "a\x1db",
    "\x1e",
    "\u00a0nbsp",
    "nbsp\u00a0",
    "em\u2003",
    "\u2003",
    "a\u2003b",
    "next\x85",
    "a\u2028b",
    "=cmd",
    "+1",
    "-1",
    "@SUM(A1)",
    "'=cmd",
    "'+1",
    "''quoted",
    "'plain",
    "#hash",
    "'#hash",
    ";",
    "a;",
    "a;'",
    "Sales;=HYPERLINK(1)",
    "Sales;'=HYPERLINK(1)",
    "a,b",
    'say "hi"',
    "\x00",
    "\t",
    " ",
    "",
    "x" * 400,
    "\U0001f600",
    "\ud800",
    "a\udc80b",
]
FRAGMENTS = [
    *"abAR /,;'=+-@#\"",
    *" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2003\u2028\u202f\u3000\u200b",
    "\ud800",
    "\udfff",
    "Sales",
]
names = st.one_of(
    st.sampled_from(PLAIN),
    st.sampled_from(NASTY),
    st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=4).map("".join),
    st.text(st.characters(categories=["Cs", "Zs", "Cc", "L"]), min_size=1, max_size=3),
)
"""Party names and ids: plain ones, and every kind of odd or bad one."""
good_names = st.sampled_from(
    [
        *PLAIN,
        *(n for n in NASTY if n and n.strip() == n and n.isprintable() and encodable(n)),
        *("\x1cFinance", "Finance\x1f", "a\x1db", "a\u2003b", "a\u2028b", "a\tb", "\x00"),
    ]
)
"""Names validation accepts, odd ones included (and ``\\x1cFinance``, which Python strips)."""


def _letters(scheme: Scheme) -> list[str]:
    return [
        *scheme.letters,
        "A/R",
        "r, a",
        " c ",
        "d",
        "x",
        "'A",
        "Decide",
        "R;A",
        "A/A",
        "+/@",
        "'-",
    ]


# -- the comparison ----------------------------------------------------------------------------


def outcome(build: Callable[[], Any]) -> tuple[str, Any]:
    """What ``build()`` gives, or the problems of the SpecError it raises."""
    try:
        return ("built", build())
    except SpecError as error:
        return ("refused", list(error.problems))


def _state(decision: Decision) -> tuple[Any, ...]:
    """Everything a decision holds: each field's value and exact type, in order, and more."""
    values = []
    for key, value in decision.__dict__.items():
        if isinstance(value, tuple):
            values.append((key, tuple, [(type(v), v) for v in value]))
        else:
            values.append((key, type(value), value))
    return (
        type(decision),
        values,
        decision.model_fields_set,
        decision.__pydantic_extra__,
        decision.__pydantic_private__,
    )


def _json(rights: DecisionRights) -> str:
    try:
        return rights.model_dump_json()
    except PydanticSerializationError as error:  # a lone surrogate in a title
        return f"cannot be JSON: {error}"


def assert_same_matrix(fast: DecisionRights, slow: DecisionRights) -> None:
    """``fast`` is ``slow`` in every way it can be looked at."""
    assert type(fast) is type(slow)
    assert [_state(d) for d in fast.decisions] == [_state(d) for d in slow.decisions]
    assert type(fast.decisions) is type(slow.decisions) is tuple
    assert fast.model_fields_set == slow.model_fields_set
    fields = list(DecisionRights.model_fields)
    assert {k: fast.__dict__[k] for k in fields} == {k: slow.__dict__[k] for k in fields}
    assert (fast.__pydantic_extra__, fast.__pydantic_private__) == (
        slow.__pydantic_extra__,
        slow.__pydantic_private__,
    )
    assert _json(fast) == _json(slow)
    assert fast.model_dump() == slow.model_dump()
    assert fast == slow
    assert hash(fast) == hash(slow)


def assert_same_outcome(fast: tuple[str, Any], slow: tuple[str, Any]) -> None:
    assert fast[0] == slow[0], (fast, slow)
    if fast[0] == "built":
        assert_same_matrix(fast[1], slow[1])
    else:
        assert fast[1] == slow[1]


def validated(rows: decision_rights_tabular.Rows) -> DecisionRights:
    """The matrix as validation builds it: every decision through ``model_validate``."""
    return decision_rights_tabular.validated(DecisionRights.model_validate, rows)


# -- sheets --------------------------------------------------------------------------------------


def _quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'


def _written(cell: str, how: str) -> str:
    """A cell as a sheet may hold it: as typed, quoted, or as the CSV writer escapes it."""
    if how == "raw":
        return cell
    if how == "quoted":
        return _quoted(cell)
    escaped = escape_cell(cell)
    needs_quotes = any(c in escaped for c in ',"\r\n') or (
        escaped != "" and (escaped[0].isspace() or escaped[-1].isspace())
    )
    return _quoted(escaped) if needs_quotes else escaped


@st.composite
def sheets(draw: st.DrawFn) -> tuple[str, Scheme]:
    """CSV text of a matrix in some scheme: mostly sound, with every kind of odd cell."""
    scheme = draw(st.sampled_from([*SCHEMES, SIGNS]))
    clean = draw(st.booleans())  # a sheet as the CSV writer writes it, odd names and all
    pick = good_names if clean else names
    parties = draw(st.lists(pick, min_size=1, max_size=5, unique=clean))
    meta = draw(
        st.lists(
            st.sampled_from(["#title", "#category", "#scope", "# Scope ", "#bogus"]),
            max_size=2,
            unique=True,
        )
    )
    accountable = next(k for k, v in scheme.letters.items() if v is Role.ACCOUNTABLE)
    others = [k for k, v in scheme.letters.items() if v is not Role.ACCOUNTABLE]
    cells = st.sampled_from(["", "", "", *others]) | st.sampled_from(_letters(scheme))
    rows = []
    for _ in range(draw(st.integers(0, 5))):
        decision_id = draw(pick | st.sampled_from(["d0", "d1", "d2"]))
        meta_cells = [draw(names | st.just("")) for _ in meta]
        party_cells = [draw(cells) for _ in parties]
        if draw(st.integers(0, 3)):  # mostly exactly one accountable party
            party_cells[draw(st.integers(0, len(parties) - 1))] = accountable
        extra = [draw(st.sampled_from(["", "A"]))] if draw(st.integers(0, 9)) == 0 else []
        rows.append([decision_id, *meta_cells, *party_cells, *extra])
    how = st.just("safe") if clean else st.sampled_from(["raw", "quoted", "safe"])
    lines = [
        ",".join(
            [
                _written("Decision", "raw"),
                *(_written(m, draw(st.sampled_from(["raw", "quoted"]))) for m in meta),
                *(_written(p, draw(how)) for p in parties),
            ]
        )
    ]
    lines += [",".join(_written(cell, draw(how)) for cell in row) for row in rows]
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return ending.join(lines) + draw(st.sampled_from(["", ending])), scheme


def _from_sheet(text: str, scheme: Scheme) -> Callable[[], DecisionRights]:
    return lambda: DecisionRights.from_csv(io.StringIO(text), scheme=scheme)


def _validated_sheet(text: str, scheme: Scheme) -> Callable[[], DecisionRights]:
    return lambda: validated(decision_rights_tabular.read_csv(io.StringIO(text), scheme))


class TestTrustedSheet:
    @settings(max_examples=600, deadline=None)
    @given(sheets())
    def test_from_csv_builds_what_validation_builds(self, sheet: tuple[str, Scheme]):
        """from_csv gives the matrix validation gives for the same rows, or the same problems."""
        text, scheme = sheet
        fast = outcome(_from_sheet(text, scheme))
        slow = outcome(_validated_sheet(text, scheme))
        event(f"{fast[0]}")
        assert_same_outcome(fast, slow)

    @settings(max_examples=600, deadline=None)
    @given(sheets())
    def test_trusted_decisions_are_validated_decisions(self, sheet: tuple[str, Scheme]):
        """Whatever the fast path accepts, validation accepts and builds the same."""
        text, scheme = sheet
        trusted = decision_rights_tabular.trusted(
            decision_rights_tabular.read_csv(io.StringIO(text), scheme)
        )
        event("trusted" if trusted is not None else "left to validation")
        if trusted is not None:
            slow = _validated_sheet(text, scheme)()
            assert [_state(d) for d in trusted] == [_state(d) for d in slow.decisions]

    @settings(max_examples=600, deadline=None)
    @given(sheets())
    def test_a_sheet_built_as_read_is_the_trusted_sheet(self, sheet: tuple[str, Scheme]):
        """Decisions built as a sheet is read are those built from its data; else the data."""
        text, scheme = sheet
        read = decision_rights_tabular.read_csv(io.StringIO(text), scheme, build=True)
        data = decision_rights_tabular.read_csv(io.StringIO(text), scheme)
        event("built as read" if read.built is not None else "read as data")
        if read.built is None:
            assert read == data
        else:
            trusted = decision_rights_tabular.trusted(data)
            assert trusted is not None
            assert [_state(d) for d in read.built] == [_state(d) for d in trusted]
            assert decision_rights_tabular.trusted(read) is read.built
            assert (read.placed, read.file) == (data.placed, data.file)

    def test_a_plain_sheet_is_built_as_read(self):
        """A sheet as teams keep it (and as the benchmark writes it) is built as it is read."""
        sheet = (
            "Decision,#title,#category,Sales,vp-sales,IT,Customer Success,'=cmd\n"
            "d1,Approve,pricing,A,R,C,I,\n"
            'd2,"Ship, now",,C,,A,R,R\n'
        )
        read = decision_rights_tabular.read_csv(io.StringIO(sheet), Scheme.RACI, build=True)
        assert read.built is not None
        assert read.decisions == []
        fast = DecisionRights.from_csv(io.StringIO(sheet))
        assert fast.decisions == read.built
        slow = _validated_sheet(sheet, Scheme.RACI)()
        assert_same_matrix(fast, slow)
        assert fast.decision("d2").responsible == ("Customer Success", "=cmd")
        assert_same_matrix(
            decision_rights_tabular.validated(DecisionRights.model_validate, read), slow
        )

    @pytest.mark.parametrize(
        ("sheet", "scheme"),
        [
            ('Decision,a\nd,"A\n', Scheme.RACI),  # a quote never closed
            ("Decision,#owner,a\nd,x,A\n", Scheme.RACI),  # a column not read
            ('Decision," a"\nd,A\n', Scheme.RACI),  # a party with a space before it
            ("Decision,a\nd,'a\n", Scheme("quoted", {"'a": Role.ACCOUNTABLE})),
            ("Decision,a\nd,A,R\n", Scheme.RACI),  # wider than the header
            ("Decision,a\n,A\n", Scheme.RACI),  # no id
            ("Decision,a,b\nd,A/R,C\n", Scheme.RACI),  # two letters
            ("Decision,a,b\nd,A,A\n", Scheme.RACI),  # two accountable parties
            ("Decision,a,b\nd,R,C\n", Scheme.RACI),  # none
            ("Decision,a\nd,A\nd,A\n", Scheme.RACI),  # one id twice
            ('Decision,a\n" d",A\n', Scheme.RACI),  # an id with a space before it
            ('Decision,#category,a\nd,"c\ud800",A\n', Scheme.RACI),  # a category not text
            ('Decision,#scope,a\nd,"\udc80",A\n', Scheme.RACI),  # nor a scope
        ],
    )
    def test_other_sheets_are_read_as_data(self, sheet: str, scheme: Scheme):
        """Any sheet that is not plain is read as data, then trusted or validated as before."""
        read = decision_rights_tabular.read_csv(io.StringIO(sheet), scheme, build=True)
        assert read.built is None
        assert read == decision_rights_tabular.read_csv(io.StringIO(sheet), scheme)
        fast = outcome(_from_sheet(sheet, scheme))
        assert_same_outcome(fast, outcome(_validated_sheet(sheet, scheme)))

    @pytest.mark.parametrize(
        "name",
        [
            "inner space",
            "=cmd",
            "+1",
            "'=cmd",
            "''quoted",
            "#hash",
            "Sales;=HYPERLINK(1)",
            "a\x1cb",
            "a\u00a0b",
            "x" * 5000,
            "Zoë \U0001f600",
            "a\tb",
        ],
    )
    def test_written_names_take_the_fast_path(self, name: str):
        """A sheet the CSV writer wrote is read without validating again, and is the original."""
        original = DecisionRights(
            decisions=[
                {"id": name, "accountable": name, "responsible": ["p0"], "category": name},
                {"id": "d2", "accountable": "p0", "informed": [name], "title": "  t  "},
            ]
        )
        text = original.to_csv()
        rows = decision_rights_tabular.read_csv(io.StringIO(text), Scheme.RACI)
        assert decision_rights_tabular.trusted(rows) is not None
        fast = DecisionRights.from_csv(io.StringIO(text))
        assert_same_matrix(fast, _validated_sheet(text, Scheme.RACI)())
        assert fast == original

    @pytest.mark.parametrize(
        ("sheet", "message"),
        [
            ('Decision,"\ud800"\nd,A\n', "Expected text, for example `accountable: vp-sales`"),
            ('Decision,a\n"d\udc80",A\n', "Expected text, for example `id: ae-1`"),
            ('Decision,#category,a\nd,"c\ud800",A\n', "Expected text; got the text"),
            ('Decision,#scope,a\nd,"\udfff",A\n', "Expected text; got the text"),
        ],
    )
    def test_lone_surrogates_are_refused_as_validation_refuses_them(self, sheet: str, message: str):
        """Text from a stream may hold a lone surrogate; it is refused, never stored."""
        with pytest.raises(SpecError, match=message) as info:
            DecisionRights.from_csv(io.StringIO(sheet))
        assert info.value.problems == outcome(_validated_sheet(sheet, Scheme.RACI))[1]
        assert [p.location.row for p in info.value.problems] == [2]

    def test_a_lone_surrogate_in_a_title_is_kept_as_validation_keeps_it(self):
        """A title is any text: both ways keep it."""
        sheet = 'Decision,#title,a\nd,"t\ud800",A\n'
        fast = DecisionRights.from_csv(io.StringIO(sheet))
        assert fast.decision("d").title == "t\ud800"
        assert_same_matrix(fast, _validated_sheet(sheet, Scheme.RACI)())

    def test_names_validation_accepts_but_python_calls_space(self):
        """``\\x1c`` at an edge is a name to the validator, not to Python: validation decides."""
        sheet = 'Decision,"\x1ca"\n"d\x1f",A\n'
        rows = decision_rights_tabular.read_csv(io.StringIO(sheet), Scheme.RACI)
        assert decision_rights_tabular.trusted(rows) is None
        fast = DecisionRights.from_csv(io.StringIO(sheet))
        assert fast.accountable("d\x1f") == "\x1ca"
        assert_same_matrix(fast, _validated_sheet(sheet, Scheme.RACI)())

    def test_a_subclass_is_validated(self):
        """A subclass of DecisionRights gets its own class, through validation."""

        class Mine(DecisionRights):
            pass

        sheet = "Decision,a,b\nd,A,R\n"
        mine = Mine.from_csv(io.StringIO(sheet))
        assert type(mine) is Mine
        assert mine == DecisionRights.from_csv(io.StringIO(sheet))
        assert type(Mine.from_table({"d": {"a": "A"}})) is Mine


# -- tables ------------------------------------------------------------------------------------


def _key(draw: st.DrawFn, pick: st.SearchStrategy[str]) -> Any:
    name = draw(pick)
    kind = draw(st.integers(0, 19))
    if kind == 0:
        return Name(name)
    if kind == 1:
        return draw(st.sampled_from([1, None, ("t",)]))
    return name


@st.composite
def tables(draw: st.DrawFn) -> tuple[dict[Any, Any], Scheme]:
    """``{decision_id: {party: letters}}`` with odd ids, parties and cells."""
    scheme = draw(st.sampled_from([*SCHEMES, SIGNS]))
    accountable = next(k for k, v in scheme.letters.items() if v is Role.ACCOUNTABLE)
    others = [k for k, v in scheme.letters.items() if v is not Role.ACCOUNTABLE]
    clean = draw(st.booleans())
    pick = good_names if clean else names
    cells = st.sampled_from(others) if clean else st.sampled_from(_letters(scheme))
    table: dict[Any, Any] = {}
    for _ in range(draw(st.integers(0, 4))):
        decision_id = (
            _key(draw, pick) if draw(st.booleans()) else draw(st.sampled_from(["d0", "d1"]))
        )
        row: dict[Any, Any] = {}
        for _ in range(draw(st.integers(0, 4))):
            cell = draw(cells)
            if draw(st.integers(0, 14)) == 0:
                cell = draw(st.sampled_from([Name("A"), 1, None]))
            row[_key(draw, pick)] = cell
        if not clean or draw(st.integers(0, 3)):
            row[draw(pick)] = accountable
        table[decision_id] = row if draw(st.integers(0, 14)) else draw(st.sampled_from([[], "A"]))
    return table, scheme


class TestTrustedTable:
    @settings(max_examples=600, deadline=None)
    @given(tables())
    def test_from_table_builds_what_validation_builds(self, given_table: tuple[dict, Scheme]):
        """from_table gives the matrix validation gives for the same rows, or the same problems."""
        table, scheme = given_table
        fast = outcome(lambda: DecisionRights.from_table(table, scheme=scheme))
        slow = outcome(lambda: validated(decision_rights_tabular.read_table(table, scheme)))
        event(fast[0])
        assert_same_outcome(fast, slow)

    def test_subclass_free_strings(self):
        """Ids and parties of a str subclass are stored as plain text, as validation stores them."""
        table = {Name("d"): {Name("a"): "A", "b": Name("R")}}
        rights = DecisionRights.from_table(table)
        decision = rights.decision("d")
        assert (type(decision.id), type(decision.accountable)) == (str, str)
        assert_same_matrix(
            rights, validated(decision_rights_tabular.read_table(table, Scheme.RACI))
        )


# -- rows of any shape -------------------------------------------------------------------------

_values = st.one_of(
    names,
    names.map(Name),
    st.none(),
    st.just(""),
    st.integers(0, 2),
    st.lists(names | st.sampled_from(["p0", "p1"]), max_size=3),
    st.lists(st.sampled_from(["p0", "p1"]), max_size=3).map(tuple),
)


@st.composite
def any_rows(draw: st.DrawFn) -> tuple[Scheme, list[dict[str, Any]]]:
    """Decisions as data of any shape: the fast path must leave what it cannot vouch for."""
    scheme = draw(st.sampled_from(SCHEMES))
    keys = st.sampled_from(["id", "accountable", "title", "category", "scope", *ROLE_LISTS, "x"])
    rows = []
    for k in range(draw(st.integers(0, 4))):
        row: dict[str, Any] = {"id": draw(st.sampled_from([f"d{k}", "d0"])), "accountable": "p0"}
        for key in draw(st.lists(keys, max_size=4, unique=True)):
            row[key] = draw(_values)
        if draw(st.booleans()):
            row.pop("accountable")
            row["accountable"] = "p1"  # ordered after the other keys
        rows.append(row)
    return scheme, rows


def _rows(scheme: Scheme, decisions: list[dict[str, Any]]) -> decision_rights_tabular.Rows:
    placed: list[Location | tuple[int, int]] = [Location(path=(k,)) for k in range(len(decisions))]
    copied = [
        {k: list(v) if isinstance(v, list) else v for k, v in row.items()} for row in decisions
    ]
    return decision_rights_tabular.Rows(scheme, copied, placed, [])


class TestTrustedRows:
    @settings(max_examples=600, deadline=None)
    @given(any_rows())
    def test_trusted_is_validation_or_nothing(self, drawn: tuple[Scheme, list[dict[str, Any]]]):
        """For data of any shape, the fast path gives validation's decisions, or leaves it."""
        scheme, decisions = drawn
        trusted = decision_rights_tabular.trusted(_rows(scheme, decisions))
        event("trusted" if trusted is not None else "left to validation")
        slow = outcome(lambda: validated(_rows(scheme, decisions)))
        if trusted is not None:
            assert slow[0] == "built"
            assert [_state(d) for d in trusted] == [_state(d) for d in slow[1].decisions]
        fast = outcome(lambda: DecisionRights._from_rows(_rows(scheme, decisions)))
        assert_same_outcome(fast, slow)

    @pytest.mark.parametrize(
        "row",
        [
            {"id": "d", "accountable": "a", "responsible": ["b", "b"]},
            {"id": "d", "accountable": "a", "informed": ("b",)},
            {"id": "d", "accountable": "a", "title": 1},
            {"id": "d", "accountable": "a", "title": None},
            {"id": "d", "accountable": "a", "responsible": None},
            {"id": "d", "responsible": ["a"]},
            {"id": "d", "accountable": "a", "category": ""},
            {"id": "d", "accountable": "a", "scope": "s\ud800"},
            {"id": "d", "accountable": "a", "owner": "b"},
            {"id": "d", "accountable": Name("a")},
            {"id": Name("d"), "accountable": "a"},
            {"id": "d", "accountable": " a"},
            {"id": "d", "accountable": "a", "consulted": ["b\n"]},
            {"id": "d", "accountable": "a", "agree": ["b"]},  # RACI has no letter for agree
        ],
    )
    def test_rows_the_fast_path_leaves_to_validation(self, row: dict[str, Any]):
        """A row the fast path cannot vouch for is validated: validation's matrix or problems."""
        assert decision_rights_tabular.trusted(_rows(Scheme.RACI, [row])) is None
        fast = outcome(lambda: DecisionRights._from_rows(_rows(Scheme.RACI, [row])))
        assert_same_outcome(fast, outcome(lambda: validated(_rows(Scheme.RACI, [row]))))

    def test_a_repeated_id_is_left_to_validation(self):
        """Two decisions with one id: validation names the second."""
        rows = [{"id": "d", "accountable": "a"}, {"id": "d", "accountable": "b"}]
        assert decision_rights_tabular.trusted(_rows(Scheme.RACI, rows)) is None
        with pytest.raises(SpecError, match="Decision `d` is declared twice"):
            DecisionRights._from_rows(_rows(Scheme.RACI, rows))

    def test_a_bad_name_after_good_ones_is_caught(self):
        """Names already seen plain are not looked at again; a new, bad one still is."""
        rows = [
            {"id": "d1", "accountable": "a", "responsible": ["b"]},
            {"id": "d2", "accountable": "b", "responsible": ["a", "c "]},
        ]
        assert decision_rights_tabular.trusted(_rows(Scheme.RACI, rows)) is None
        assert decision_rights_tabular.trusted(_rows(Scheme.RACI, rows[:1])) is not None


class TestPlainName:
    @settings(max_examples=500)
    @given(names | st.text())
    def test_plain_names_are_valid_names(self, name: str):
        """Every name plain_name passes, validation accepts as it is."""
        if plain_name(name):
            decision = Decision.model_validate({"id": name, "accountable": name})
            assert decision.id == name

    def test_encodable(self):
        """Only a lone surrogate cannot be encoded."""
        assert [encodable(t) for t in ("", "abc", "é\U0001f600", "\ud800", "a\udfffb")] == [
            True,
            True,
            True,
            False,
            False,
        ]


# -- lint ----------------------------------------------------------------------------------------

PEOPLE = ["ceo", "vp", "ae", "cio", "eng"]
FUNCTIONS = ["Sales", "IT", "Exec"]
PARTIES = [*PEOPLE, *FUNCTIONS, "ghost", "Slaes", "squad"]
CATEGORIES = ["pricing", "data", "hiring"]


TIDY = Org(
    functions=[Function("Exec", "ceo"), Function("Sales", "vp"), Function("IT", "cio")],
    people=[
        Person("ceo", "CEO", "Exec"),
        Person("vp", "VP", "Sales", "ceo"),
        Person("ae", "AE", "Sales", "vp"),
        Person("cio", "CIO", "IT", "ceo"),
        Person("eng", "ENG", "IT", "cio"),
    ],
)
"""An org as people have one: a head for each function, a tree of managers."""


_tidy_people = st.lists(st.sampled_from(TIDY.people), min_size=1, max_size=5, unique=True)
_tidy_functions = st.lists(st.sampled_from(TIDY.functions), min_size=1, unique=True)
_function_names = st.lists(st.sampled_from(FUNCTIONS), min_size=1, max_size=4)
_person_ids = st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=6)
_someone = st.none() | st.sampled_from([*PEOPLE, "ghost"])
_function_of = st.sampled_from([*FUNCTIONS, "Nowhere"])


@st.composite
def small_orgs(draw: st.DrawFn) -> Org:
    """The tidy org, part of it, or one with repeated ids and names and heads that are nobody."""
    kind = draw(st.integers(0, 2))
    if kind == 0:
        return TIDY
    if kind == 1:
        return Org(functions=draw(_tidy_functions), people=draw(_tidy_people))
    return Org(
        functions=[Function(name, draw(_someone)) for name in draw(_function_names)],
        people=[
            Person(p, p.upper(), draw(_function_of), draw(_someone)) for p in draw(_person_ids)
        ],
    )


UNTILS = [
    dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
    dt.datetime(2030, 6, 1, 12, tzinfo=dt.UTC),
    dt.datetime(2030, 6, 1, 14, tzinfo=dt.timezone(dt.timedelta(hours=2))),  # the same instant
    dt.datetime(2030, 6, 1, 12, 0, 0, 1, tzinfo=dt.UTC),
    dt.datetime(2100, 1, 1, tzinfo=ZoneInfo("Europe/Paris")),
]

_party = st.sampled_from(PARTIES)
_accountable = st.sampled_from(["ceo", "Exec"]) | _party  # often at the top of the tidy org
_role_lists = {most: st.lists(_party, unique=True, max_size=most) for most in range(1, 5)}
_category = st.none() | st.sampled_from(CATEGORIES[:2])
_scope = st.none() | st.sampled_from(["strategic", "team"])
_until = st.none() | st.sampled_from(UNTILS)
_owners = st.dictionaries(st.sampled_from(CATEGORIES), _party)
_forums = st.dictionaries(st.sampled_from(CATEGORIES), st.just("council"))


@st.composite
def small_matrices(draw: st.DrawFn) -> DecisionRights:
    """A matrix over a few parties, with categories, scopes, owners, forums, delegations."""
    scheme = draw(st.sampled_from(SCHEMES))
    decisions = []
    roles = _role_lists[draw(st.integers(1, 4))]  # few per role leave functions without one
    for k in range(draw(st.integers(0, 10))):
        row: dict[str, Any] = {"id": f"d{k}", "accountable": draw(_accountable)}
        for field in ROLE_LISTS:
            if scheme.letter(Role(field)) is not None:
                row[field] = draw(roles)
        row["category"] = draw(_category)
        row["scope"] = draw(_scope)
        decisions.append(row)
    delegations = []
    for _ in range(draw(st.integers(0, 4))):
        k = draw(st.integers(0, len(decisions)))  # the last: no such decision
        held = decisions[k]["accountable"] if k < len(decisions) else "ghost"
        by_decision = draw(st.booleans())
        delegations.append(
            Delegation(
                decision=f"d{k}" if by_decision else None,
                category=None if by_decision else draw(st.sampled_from(CATEGORIES)),
                from_party=held if draw(st.booleans()) else draw(_party),
                to_party=draw(_party),
                until=draw(_until),
            )
        )
    return DecisionRights(
        scheme=scheme,
        decisions=decisions,
        owners=draw(_owners),
        forums=draw(_forums),
        delegations=delegations,
    )


DEFAULTS: dict[str, Any] = {
    "max_consulted": 5,
    "max_accountable_share": 0.25,
    "bottleneck_min_decisions": 8,
    "max_vetoes": 5,
    "extra_parties": (),
    "strategic_scopes": ("strategic",),
}
"""The options as the rules document them."""

lint_options = st.fixed_dictionaries(
    {
        "max_consulted": st.integers(0, 4),
        "max_accountable_share": st.sampled_from([0.0, 0.1, 0.25, 0.5, 1.0]),
        "bottleneck_min_decisions": st.integers(0, 11),
        "max_vetoes": st.integers(0, 3),
        "extra_parties": st.lists(st.sampled_from(["squad", "ghost"]), unique=True),
        "strategic_scopes": st.lists(st.sampled_from(["strategic", "team"]), unique=True),
    }
)


class Reference:
    """The org's answers, worked out from its lists: the first person or function of a name."""

    def __init__(self, org: Org | None) -> None:
        self.org = org
        self.people: dict[str, Person] = {}
        self.functions: dict[str, Function] = {}
        if org is not None:
            for person in org.people:
                self.people.setdefault(person.id, person)
            for function in org.functions:
                self.functions.setdefault(function.name, function)

    def head(self, party: str) -> str | None:
        """The person heading the function ``party``, if it is one and they are in the org."""
        function = self.functions.get(party)
        if function is None or function.head not in self.people:
            return None
        return function.head

    def decider(self, party: str) -> str | None:
        """The person who decides for ``party``: the person, or a function's head."""
        return party if party in self.people else self.head(party)

    def manager(self, person: str) -> str | None:
        boss = self.people[person].manager
        return boss if boss in self.people else None


def reference_lint(  # noqa: PLR0912 - one block per rule, as the rules read
    rights: DecisionRights,
    org: Org | None,
    *,
    max_consulted: int,
    max_accountable_share: float,
    bottleneck_min_decisions: int,
    max_vetoes: int,
    extra_parties: Sequence[str],
    strategic_scopes: Sequence[str],
) -> list[Diagnostic]:
    """The findings of the DR rules, each worked out as its documentation says.

    Rules on one decision come decision by decision (DR001-DR004, then DR011), then
    each rule on the whole matrix in code order; DR001 for delegations and owners comes
    with the rule that reads them.
    """
    out: list[Diagnostic] = []
    ref = Reference(org)
    known = None if org is None else {*ref.people, *ref.functions, *extra_parties}
    decisions = rights.decisions

    def unknown(party: str, path: tuple[str | int, ...], what: str) -> None:
        if known is not None and party not in known:
            close = suggest(party, known)
            out.append(
                UNKNOWN_PARTY.diagnostic(
                    f"{what} names `{party}`, who is neither a person nor a function in the org",
                    path=path,
                    target=party,
                    hint=f"Did you mean `{close}`?" if close else None,
                )
            )

    for i, d in enumerate(decisions):
        unknown(d.accountable, ("decisions", i, "accountable"), f"Decision `{d.id}`")
        for field in ROLE_LISTS:
            for k, party in enumerate(getattr(d, field)):
                unknown(party, ("decisions", i, field, k), f"Decision `{d.id}`")
        if not d.responsible:
            out.append(
                DECISION_WITHOUT_RESPONSIBLE.diagnostic(
                    f"Decision `{d.id}` has no responsible party",
                    path=("decisions", i),
                    target=d.id,
                )
            )
        for field in ("consulted", "informed"):
            parties = getattr(d, field)
            if d.accountable in parties:
                out.append(
                    ACCOUNTABLE_ALSO_CONSULTED.diagnostic(
                        f"`{d.accountable}` decides `{d.id}` and is also listed as {field}",
                        path=("decisions", i, field, parties.index(d.accountable)),
                        target=d.id,
                    )
                )
        if len(d.consulted) > max_consulted:
            out.append(
                CONSULTED_OVERLOAD.diagnostic(
                    f"Decision `{d.id}` consults {len(d.consulted)} parties "
                    f"(more than {max_consulted})",
                    path=("decisions", i, "consulted"),
                    target=d.id,
                )
            )
        is_function = d.accountable in ref.functions and d.accountable not in ref.people
        if org is not None and is_function and ref.head(d.accountable) is None:
            out.append(
                ACCOUNTABLE_FUNCTION_WITHOUT_HEAD.diagnostic(
                    f"Decision `{d.id}` is held by `{d.accountable}`, which has no head to take it",
                    path=("decisions", i, "accountable"),
                    target=d.id,
                )
            )

    # DR005: with enough decisions, anyone deciding more than the share of them.
    if len(decisions) >= bottleneck_min_decisions:
        held: dict[str, list[int]] = {}
        for i, d in enumerate(decisions):
            held.setdefault(ref.decider(d.accountable) or d.accountable, []).append(i)
        for who, positions in held.items():
            share = len(positions) / len(decisions)
            if share > max_accountable_share:
                out.append(
                    ACCOUNTABLE_BOTTLENECK.diagnostic(
                        f"`{who}` decides {len(positions)} of {len(decisions)} decisions "
                        f"({share:.0%}, more than {max_accountable_share:.0%})",
                        path=("decisions", positions[0], "accountable"),
                        target=who,
                    )
                )

    # DR006: a function not named anywhere, none of whose people is either. An empty
    # matrix says nothing about anyone, so it reports nothing.
    named = {p for d in decisions for p in (d.accountable, *d.responsible, *d.agree)}
    named |= {p for d in decisions for p in (*d.consulted, *d.informed)}
    if org is not None and decisions:
        for k, function in enumerate(org.functions):
            if ref.functions[function.name] is not function:
                continue  # a repeated name: lookups see the first
            members = [p for p in ref.people.values() if p.function == function.name]
            if function.name not in named and not any(p.id in named for p in members):
                out.append(
                    FUNCTION_WITHOUT_ROLE.diagnostic(
                        f"Function `{function.name}` holds no role in any decision",
                        path=("org", "functions", k),
                        target=function.name,
                    )
                )

    # DR007: taken at the top while the category's owner sits below, unless strategic.
    if org is not None:
        for i, d in enumerate(decisions):
            owner = rights.owners.get(d.category) if d.category is not None else None
            if owner is None or d.scope in strategic_scopes:
                continue
            taker, owner_person = ref.decider(d.accountable), ref.decider(owner)
            if (
                taker is not None
                and owner_person is not None
                and taker != owner_person
                and ref.manager(taker) is None
                and ref.manager(owner_person) is not None
            ):
                out.append(
                    ESCALATION_HEAVY.diagnostic(
                        f"`{d.id}` is a {d.category} decision taken at the top by `{taker}`, "
                        f"while `{owner}` owns {d.category}",
                        path=("decisions", i, "accountable"),
                        target=d.id,
                        hint=f"Make `{owner}` accountable, or delegate to it",
                    )
                )

    # DR008: a party that must agree to more than max_vetoes decisions.
    vetoes: dict[str, list[int]] = {}
    for i, d in enumerate(decisions):
        for party in d.agree:
            vetoes.setdefault(party, []).append(i)
    for party, positions in vetoes.items():
        if len(positions) > max_vetoes:
            out.append(
                VETO_OVERLOAD.diagnostic(
                    f"`{party}` must agree to {len(positions)} decisions (more than {max_vetoes})",
                    path=("decisions", positions[0], "agree"),
                    target=party,
                )
            )

    # DR010, DR009 and DR001, delegation by delegation.
    for k, delegation in enumerate(rights.delegations):
        if delegation.decision is not None:
            kind, subject = "decision", delegation.decision
            targets = [d for d in decisions if d.id == subject]
        else:
            kind, subject = "category", str(delegation.category)
            targets = [d for d in decisions if d.category == subject]
        if not targets:
            out.append(
                DELEGATION_UNKNOWN_DECISION.diagnostic(
                    f"A delegation names the unknown {kind} `{subject}`",
                    path=("delegations", k, kind),
                    target=subject,
                )
            )
            continue
        if all(d.accountable != delegation.from_party for d in targets):
            out.append(
                DELEGATION_WITHOUT_AUTHORITY.diagnostic(
                    f"`{delegation.from_party}` delegates `{subject}` "
                    "but is not accountable for it",
                    path=("delegations", k, "from_party"),
                    target=subject,
                )
            )
        unknown(delegation.to_party, ("delegations", k, "to_party"), "A delegation")

    # DR012 for owners and forums of categories no decision has; DR001 for owners.
    categories = {d.category for d in decisions}
    for field, configured in (("owners", rights.owners), ("forums", rights.forums)):
        for category, party in configured.items():
            if category not in categories:
                out.append(
                    UNUSED_CATEGORY.diagnostic(
                        f"`{field}` names the category `{category}`, which no decision has",
                        path=(field, category),
                        target=category,
                    )
                )
            if field == "owners":
                unknown(party, (field, category), f"The owner of `{category}`")
    return out


class TestLintAgainstReference:
    @settings(max_examples=400, deadline=None)
    @given(small_matrices(), st.none() | small_orgs(), lint_options)
    def test_lint_finds_what_the_rules_say(
        self, rights: DecisionRights, org: Org | None, options: dict[str, Any]
    ):
        """lint gives exactly the reference's findings, in the same order."""
        found = rights.lint(org, **options)
        for code in {d.code for d in found}:
            event(code)
        assert list(found) == list(Report(reference_lint(rights, org, **options)))

    @settings(max_examples=300, deadline=None)
    @given(small_matrices(), lint_options)
    def test_lint_of_a_tidy_org(self, rights: DecisionRights, options: dict[str, Any]):
        """With every head in place and a tree of managers, escalations show too (DR007)."""
        found = rights.lint(TIDY, **options)
        for code in {d.code for d in found}:
            event(code)
        assert list(found) == list(Report(reference_lint(rights, TIDY, **options)))

    @settings(max_examples=100, deadline=None)
    @given(small_matrices(), small_orgs())
    def test_lint_with_default_options(self, rights: DecisionRights, org: Org):
        """The defaults are the documented ones."""
        assert list(rights.lint(org)) == reference_lint(rights, org, **DEFAULTS)

    def test_lint_of_a_matrix_read_from_a_sheet(self):
        """A matrix read without validating again is linted as a validated one."""
        org = Org(
            functions=[Function("Sales", "vp"), Function("IT")],
            people=[Person("vp", "V", "Sales"), Person("ae", "A", "Sales", "vp")],
        )
        sheet = "Decision,#category,Sales,IT,vp,Slaes\nd1,pricing,A,C,C,R\nd2,,R,A,,I\n"
        fast = DecisionRights.from_csv(io.StringIO(sheet))
        slow = _validated_sheet(sheet, Scheme.RACI)()
        assert_same_matrix(fast, slow)
        assert fast.lint(org) == slow.lint(org)
        assert list(fast.lint(org)) == reference_lint(fast, org, **DEFAULTS)
        assert {d.code for d in fast.lint(org)} == {"DR001", "DR011"}


# -- can_decide ------------------------------------------------------------------------------------

NOON = dt.datetime(2030, 6, 1, 12, tzinfo=dt.UTC)


class Stamp(dt.datetime):
    """A subclass of datetime, as some libraries hand out."""


def reference_can_decide(
    rights: DecisionRights, person: str, decision_id: str, org: Org | None, at: Any
) -> bool:
    """Who may decide, from the decisions, ``Delegation.active`` and the org's heads."""
    ref = Reference(org)
    decision = next((d for d in rights.decisions if d.id == decision_id), None)
    if decision is None:
        return False
    if person in (decision.accountable, ref.head(decision.accountable)):
        return True
    counting = [
        d
        for d in rights.delegations
        if d.from_party == decision.accountable
        and (d.decision == decision.id or (d.decision is None and d.category == decision.category))
    ]
    if not counting:
        return False
    # A delegation is judged at an aware time, even one that never ends.
    when = dt.datetime.now(dt.UTC) if at is None else require_aware(at)
    return any(d.active(when) and person in (d.to_party, ref.head(d.to_party)) for d in counting)


times = st.sampled_from(
    [
        *UNTILS,
        NOON - dt.timedelta(microseconds=1),
        NOON.astimezone(ZoneInfo("America/New_York")),
        Stamp(2030, 6, 1, 12, tzinfo=dt.UTC),
        Stamp(2030, 6, 1, 11, tzinfo=dt.UTC),
        dt.datetime(2030, 6, 1, 12),  # noqa: DTZ001 - naive, refused where a delegation is judged
        None,
    ]
)


_asker = st.sampled_from([*PEOPLE, *FUNCTIONS, "ghost"])


def _org_with_heads(heads: Mapping[str, str | None]) -> Org:
    return Org(
        functions=[Function(name, head) for name, head in heads.items()],
        people=[Person(p, p, "Sales") for p in PEOPLE],
    )


RIGHTS = DecisionRights(
    decisions=[
        {"id": "price", "accountable": "Sales", "category": "pricing"},
        {"id": "ship", "accountable": "cio"},
    ]
)


class TestCanDecideCache:
    def test_an_equal_org_gives_the_same_answers(self):
        """An org loaded again (equal, not the same object) finds the answers kept for the first."""
        org = _org_with_heads({"Sales": "vp", "IT": "cio"})
        again = Org.model_validate(org.model_dump())
        assert again is not org
        assert again == org
        rights = RIGHTS.delegate("ship", "cio", "IT").delegate("pricing", "Sales", "eng")
        asked = [(p, d) for p in [*PEOPLE, "Sales", "ghost"] for d in ("price", "ship", "x")]
        first = [rights.can_decide(p, d, org, NOON) for p, d in asked]
        assert [rights.can_decide(p, d, again, NOON) for p, d in asked] == first
        assert first == [reference_can_decide(rights, p, d, org, NOON) for p, d in asked]
        assert len(rights.__dict__["_deciders_kept"]) == 1  # one set of heads, one entry

    def test_another_head_gives_other_answers(self):
        """A function headed by someone else: its new head decides, the old one no longer does."""
        before = _org_with_heads({"Sales": "vp"})
        after = _org_with_heads({"Sales": "ae"})
        assert RIGHTS.can_decide("vp", "price", before)
        assert not RIGHTS.can_decide("vp", "price", after)
        assert RIGHTS.can_decide("ae", "price", after)
        assert RIGHTS.can_decide("vp", "price", before)
        assert not RIGHTS.can_decide("ae", "price", before)
        assert not RIGHTS.can_decide("vp", "price", _org_with_heads({"Sales": None}))
        assert not RIGHTS.can_decide("vp", "price", _org_with_heads({"Sales": "ghost"}))
        assert not RIGHTS.can_decide("vp", "price")

    def test_another_head_of_a_delegate_function_gives_other_answers(self):
        """A delegation to a function follows whoever heads it in the org asked with."""
        rights = RIGHTS.delegate("ship", "cio", "IT")
        assert rights.can_decide("eng", "ship", _org_with_heads({"IT": "eng"}), NOON)
        assert not rights.can_decide("eng", "ship", _org_with_heads({"IT": "ae"}), NOON)
        assert rights.can_decide("ae", "ship", _org_with_heads({"IT": "ae"}), NOON)
        assert rights.can_decide("IT", "ship", None, NOON)
        assert not rights.can_decide("eng", "ship", None, NOON)

    def test_the_answers_kept_are_bounded(self):
        """More sets of heads than are kept: the oldest go, and every answer stays right."""
        kept = decision_rights_matrix._DECIDERS_KEPT
        heads = [f"p{k}" for k in range(kept + 4)]
        orgs = [
            Org(
                functions=[Function("Sales", head)],
                people=[Person(p, p, "Sales") for p in heads],
            )
            for head in heads
        ]
        rights = RIGHTS.model_copy()
        for _ in range(2):
            for head, org in zip(heads, orgs, strict=True):
                assert [rights.can_decide(p, "price", org) for p in heads] == [
                    p == head for p in heads
                ]
                assert len(rights.__dict__["_deciders_kept"]) <= kept
        assert len(rights.__dict__["_deciders_kept"]) == kept

    def test_the_answers_kept_are_not_copied(self):
        """A copy, or a matrix with one more delegation, starts afresh."""
        org = _org_with_heads({"IT": "eng"})
        assert not RIGHTS.can_decide("eng", "ship", org, NOON)
        assert "_deciders" in RIGHTS.__dict__
        lent = RIGHTS.delegate("ship", "cio", "IT")
        assert "_deciders" not in lent.__dict__
        assert lent.can_decide("eng", "ship", org, NOON)
        assert not RIGHTS.can_decide("eng", "ship", org, NOON)
        assert "_deciders" not in RIGHTS.model_copy().__dict__

    @pytest.mark.parametrize(
        "until",
        [
            NOON,
            NOON.astimezone(dt.timezone(dt.timedelta(hours=-5))),
            dt.datetime(2030, 6, 1, 14, tzinfo=ZoneInfo("Europe/Paris")),
        ],
    )
    @pytest.mark.parametrize("asked_at", [NOON, NOON.astimezone(ZoneInfo("Asia/Tokyo"))])
    def test_a_delegation_ends_at_its_until(self, until: dt.datetime, asked_at: dt.datetime):
        """At ``until`` the delegation is over, as Delegation.active says; a moment before not."""
        rights = RIGHTS.delegate("ship", "cio", "eng", until=until)
        (delegation,) = rights.delegations
        just_before = asked_at - dt.timedelta(microseconds=1)
        assert (delegation.active(asked_at), delegation.active(just_before)) == (False, True)
        assert not rights.can_decide("eng", "ship", None, asked_at)
        assert rights.can_decide("eng", "ship", None, just_before)
        assert rights.deciders("ship", None, asked_at) == {"cio"}

    def test_the_latest_of_several_delegations_counts(self):
        """Two delegations to one party: the later end counts, and an open one never ends."""
        rights = RIGHTS.delegate("ship", "cio", "eng", until=NOON).delegate(
            "ship", "cio", "eng", until=NOON + dt.timedelta(days=1)
        )
        assert rights.can_decide("eng", "ship", None, NOON + dt.timedelta(hours=1))
        assert not rights.can_decide("eng", "ship", None, NOON + dt.timedelta(days=1))
        forever = rights.delegate("ship", "cio", "eng")
        assert forever.can_decide("eng", "ship", None, NOON + dt.timedelta(days=999))

    @pytest.mark.parametrize("person", ["eng", "ae", "IT", "ghost"])
    def test_a_naive_time_is_refused_when_a_delegation_is_judged(self, person: str):
        """Whoever asks, a naive ``at`` is a SpecError once a delegation has to be judged."""
        rights = RIGHTS.delegate("ship", "cio", "IT", until=NOON)
        org = _org_with_heads({"IT": "eng"})
        naive = dt.datetime(2030, 1, 1)  # noqa: DTZ001 - the point of the test
        for asked_with in (org, None, org):
            with pytest.raises(SpecError, match="`at` must be a timezone-aware datetime"):
                rights.can_decide(person, "ship", asked_with, naive)
        assert rights.can_decide("cio", "ship", org, naive)  # nothing to judge
        assert not rights.can_decide(person, "price", org, naive)  # no delegation there
        assert not rights.can_decide(person, "nope", org, naive)

    @settings(max_examples=300, deadline=None)
    @given(small_matrices(), st.lists(small_orgs(), min_size=1, max_size=3), st.data())
    def test_agrees_with_the_reference(
        self, rights: DecisionRights, orgs: list[Org], data: st.DataObject
    ):
        """can_decide equals the reference, for orgs asked in any order and times of any kind."""
        choices = st.sampled_from([None, *orgs, Org.model_validate(orgs[0].model_dump())])
        decision_ids = st.sampled_from([*(d.id for d in rights.decisions), "d99"])
        for _ in range(25):
            org = data.draw(choices)
            person = data.draw(_asker)
            decision_id = data.draw(decision_ids)
            at = data.draw(times)
            asked = (person, decision_id, org, at)
            expected = outcome(lambda asked=asked: reference_can_decide(rights, *asked))
            found = outcome(lambda asked=asked: rights.can_decide(*asked))
            event(f"{found[0]} {found[1] if found[0] == 'built' else 'naive'}")
            assert found == expected, asked
