"""Tests for spreadsheet-safe CSV cells and the writer every CSV export goes through."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alignkit._csvsafe import SafeCsvWriter, escape_cell, unescape_cell

FORMULA_STARTS = "=+-@\t\r\n\x00"
# Text that stresses the escapes: formula starts, quotes, separators, line breaks.
tricky = st.text(
    st.sampled_from([*FORMULA_STARTS, "'", "#", ";", ",", '"', " ", "a", "1", "\x1f", "é"])
)
any_text = st.text() | tricky
rows = st.lists(any_text, min_size=1, max_size=6)


def written(*rows: list[str]) -> str:
    out = io.StringIO()
    SafeCsvWriter(out).writerows(rows)
    return out.getvalue()


class TestEscapeCell:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("\n=1", "'\n=1"),
            ("\x00=1", "'\x00=1"),
            ("'x", "''x"),
            ("#x", "'#x"),
            ("plain", "plain"),
            ("", ""),
        ],
    )
    def test_formula_starts_get_a_quote(self, text: str, expected: str) -> None:
        """A cell starting a formula (or our escape or marker) gets a leading quote."""
        assert escape_cell(text) == expected

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Sales;=HYPERLINK(1)", "Sales;'=HYPERLINK(1)"),
            ("a;+1;-1", "a;'+1;'-1"),
            ('a;"=1"', 'a;\'"=1"'),
            ("a;'b", "a;''b"),
            ("a;", "a;'"),
            ("a;b", "a;b"),
            ("a; =1", "a; =1"),
        ],
    )
    def test_semicolon_before_a_formula_gets_a_quote(self, text: str, expected: str) -> None:
        """After a ``;``, where semicolon locales start a field, a formula is escaped too."""
        assert escape_cell(text) == expected

    @given(any_text)
    def test_unescape_inverts_escape(self, text: str) -> None:
        """Reading a cell back gives exactly the text written."""
        assert unescape_cell(escape_cell(text)) == text

    @given(any_text)
    def test_escaped_never_starts_a_formula(self, text: str) -> None:
        """No escaped cell starts a formula, at its start or after any ``;``."""
        escaped = escape_cell(text)
        assert escaped[:1] not in set(FORMULA_STARTS)
        fields = escaped.split(";")
        assert all(field[:1] not in set(FORMULA_STARTS + '"') for field in fields[1:])
        assert not escaped.endswith(";")

    @pytest.mark.parametrize("text", ["plain", "'plain", "a;'b", "'", ";'x"])
    def test_unescape_leaves_unescaped_text(self, text: str) -> None:
        """A cell that does not look escaped comes back unchanged."""
        assert unescape_cell(text) == text


class TestSafeCsvWriter:
    def test_bare_carriage_return_is_quoted(self) -> None:
        """A cell holding a bare CR is quoted, so no reader starts a row inside it."""
        assert written(["a\r=1+1", "b"]) == '"a\r=1+1",b\n'

    @pytest.mark.parametrize(
        ("cell", "expected"),
        [
            ("a,b", '"a,b"'),
            ('say "hi" now', '"say ""hi"" now"'),
            ("a\nb", '"a\nb"'),
            (" a", '" a"'),
            ("a\x1f", '"a\x1f"'),
            ("a b", "a b"),
            ("", ""),
        ],
    )
    def test_quotes_where_a_reader_could_split(self, cell: str, expected: str) -> None:
        """Delimiters, quotes, line breaks and surrounding white space are quoted."""
        assert written([cell, "x"]) == f"{expected},x\n"

    def test_header_is_escaped(self) -> None:
        """Every row is escaped, the header too."""
        assert written(["Decision", "=HYPERLINK(1)"]) == "Decision,'=HYPERLINK(1)\n"

    def test_verbatim_cells_are_not_escaped(self) -> None:
        """Verbatim cells (markers such as ``#title``) keep their text, still quoted."""
        out = io.StringIO()
        SafeCsvWriter(out).writerow(["#title", "#a,b", "#c"], verbatim={0, 1})
        assert out.getvalue() == '#title,"#a,b",\'#c\n'

    @pytest.mark.parametrize("cell", ["=1", "\t#x", "#a;=1", "#a;"])
    def test_verbatim_formula_is_refused(self, cell: str) -> None:
        """A verbatim cell may not be a formula."""
        with pytest.raises(ValueError, match="would run as a formula"):
            SafeCsvWriter(io.StringIO()).writerow([cell], verbatim={0})

    def test_non_string_cell_is_refused(self) -> None:
        """Cells are text; anything else is a programming error, named with its column."""
        with pytest.raises(TypeError, match=r"got None in column 2"):
            SafeCsvWriter(io.StringIO()).writerow(["a", None])  # type: ignore[list-item]

    def test_one_empty_cell_is_a_row(self) -> None:
        """A row of one empty cell is written as ``""``, so it is not read as a blank line."""
        assert written([""], ["", ""]) == '""\n,\n'

    def test_repr(self) -> None:
        """The repr names the stream."""
        stream = io.StringIO()
        assert repr(SafeCsvWriter(stream)) == f"SafeCsvWriter({stream!r})"

    @given(st.lists(rows, min_size=1, max_size=5))
    def test_cells_read_back_whole(self, table: list[list[str]]) -> None:
        """The csv module reads every row and cell back exactly, once unescaped."""
        text = written(*table)
        found = list(csv.reader(io.StringIO(text, newline="")))
        assert [[unescape_cell(c) for c in row] for row in found] == table

    @given(st.lists(rows, min_size=1, max_size=5))
    def test_no_field_starts_a_formula(self, table: list[list[str]]) -> None:
        """Split at ``,`` with quotes, or at every ``;``, no field starts a formula."""
        text = written(*table)
        for row in csv.reader(io.StringIO(text, newline="")):
            assert all(cell[:1] not in set(FORMULA_STARTS) for cell in row)
        for i in (i for i, char in enumerate(text) if char == ";"):
            assert text[i + 1] not in set(FORMULA_STARTS + '"')
