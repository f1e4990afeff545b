"""Spreadsheet-safe CSV: no cell we write runs as a formula, and every cell reads back whole.

Every CSV alignkit writes goes through :class:`SafeCsvWriter`, which escapes each cell
with :func:`escape_cell` and quotes it where a reader could split it.

What is escaped follows the OWASP guidance on CSV injection
(https://owasp.org/www-community/attacks/CSV_Injection, and requirement 1.2.10 of the
OWASP ASVS 5.0): a spreadsheet program runs a cell as a formula when it starts with
``=``, ``+``, ``-`` or ``@``, and some programs first drop a leading tab, carriage
return, line feed or NUL.
Such cells get a leading ``'``, which spreadsheets show as plain text and hide.
Cells starting with ``'`` (our escape) or ``#`` (the marker of metadata columns in our
sheets) get one too, so that reading can tell them apart.

Spreadsheets set to a locale whose list separator is ``;`` (German, French, Dutch …)
split a CSV line at every ``;``, quoted or not, so a field also starts right after any
``;`` inside a cell: ``Sales;=HYPERLINK(…)`` would run.
Inside a cell, a ``'`` is therefore inserted after every ``;`` that is followed by one
of the characters above, by a double quote (a quoted field's text is run too) or by
the end of the cell (where a closing quote or a line break could follow).
So no ``;`` in what :class:`SafeCsvWriter` writes is followed by a formula start or a
double quote.
Only ``;`` is treated so, as the other list separator in use; a leading space is not
a formula start in the spreadsheets we know of, and is left alone.

:func:`unescape_cell` is the exact inverse: ``unescape_cell(escape_cell(s)) == s`` for
any text ``s``.
A cell from someone else's sheet that happens to look escaped (``'=1``) loses its
``'``, as it does when a spreadsheet shows it.

Quoting: a cell holding a comma, a double quote, a carriage return or a line feed, or
starting or ending with white space, is quoted (quotes inside doubled), so a reader
that trims unquoted cells, or splits lines at a bare carriage return, still reads
every cell whole.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable
from typing import IO, Final, final

__all__ = ["SafeCsvWriter", "escape_cell", "unescape_cell"]

_FORMULA_STARTS: Final = "=+-@\t\r\n\x00"
"""Characters that start a formula, or that a spreadsheet drops before one."""
_LEADING: Final = _FORMULA_STARTS + "'#"
"""A cell starting with one of these is written with a leading ``'``."""
_LEADING_SET: Final = frozenset(_LEADING)
_AFTER_SEMICOLON: Final = _LEADING + '"'
"""A ``;`` followed by one of these, or ending the cell, gets a ``'`` after it."""

_SEMICOLON_ESCAPE: Final = re.compile(r";(?=[" + re.escape(_AFTER_SEMICOLON) + r"]|\Z)")
_SEMICOLON_UNESCAPE: Final = re.compile(r";'(?=[" + re.escape(_AFTER_SEMICOLON) + r"]|\Z)")
_NEEDS_QUOTES: Final = re.compile(r'[,"\r\n]')


def escape_cell(text: str) -> str:
    r"""``text`` made safe to open in a spreadsheet, whatever its locale.

    >>> escape_cell("=HYPERLINK(1)"), escape_cell("plain"), escape_cell("'quoted")
    ("'=HYPERLINK(1)", 'plain', "''quoted")
    >>> escape_cell("Sales;=HYPERLINK(1)"), escape_cell("\x00=1"), escape_cell("a;b")
    ("Sales;'=HYPERLINK(1)", "'\x00=1", 'a;b')
    >>> escape_cell("a;")
    "a;'"
    """
    if ";" in text:
        text = _SEMICOLON_ESCAPE.sub(";'", text)
    return "'" + text if text[:1] in _LEADING_SET else text


def unescape_cell(text: str) -> str:
    """Undo :func:`escape_cell`; a cell we did not escape comes back unchanged.

    >>> unescape_cell("'=HYPERLINK(1)"), unescape_cell("'plain"), unescape_cell("''quoted")
    ('=HYPERLINK(1)', "'plain", "'quoted")
    >>> unescape_cell("Sales;'=HYPERLINK(1)")
    'Sales;=HYPERLINK(1)'
    """
    if len(text) > 1 and text[0] == "'" and text[1] in _LEADING_SET:
        text = text[1:]
    if ";'" in text:
        text = _SEMICOLON_UNESCAPE.sub(";", text)
    return text


def _quoted(cell: str) -> str:
    if _NEEDS_QUOTES.search(cell) or (cell and (cell[0].isspace() or cell[-1].isspace())):
        return '"' + cell.replace('"', '""') + '"'
    return cell


@final
class SafeCsvWriter:
    r"""Write CSV rows that are safe to open in a spreadsheet and read back whole.

    Every cell is escaped with :func:`escape_cell` and quoted where needed (see the
    module's documentation); rows end with ``"\n"``. The stream should be opened with
    ``newline=""`` so that no line ending is translated.

    Args:
        stream: A text stream to write to.

    >>> import io
    >>> out = io.StringIO()
    >>> writer = SafeCsvWriter(out)
    >>> writer.writerow(["Decision", "#title", "=HYPERLINK(1)"], verbatim={1})
    >>> writer.writerows([["ship", "a\rb", "A"], ["x, y", ' "q" x', ""]])
    >>> print(out.getvalue().replace("\r", "<CR>"), end="")
    Decision,#title,'=HYPERLINK(1)
    ship,"a<CR>b",A
    "x, y"," ""q"" x",
    """

    __slots__ = ("_stream",)

    def __init__(self, stream: IO[str]) -> None:
        """Write to ``stream``."""
        self._stream = stream

    def __repr__(self) -> str:
        return f"SafeCsvWriter({self._stream!r})"

    def writerow(self, cells: Iterable[str], *, verbatim: Container[int] = ()) -> None:
        """Write one row.

        Args:
            cells: The row's cells, as text.
            verbatim: Indexes of cells written without the leading ``'``: markers such
                as ``#title`` that the reader gives a meaning to. They are still quoted
                where needed.

        Raises:
            TypeError: A cell is not a string.
            ValueError: A verbatim cell starts as a formula does.
        """
        out = []
        for j, cell in enumerate(cells):
            if not isinstance(cell, str):
                msg = f"CSV cells must be strings, got {cell!r} in column {j + 1}"
                raise TypeError(msg)
            if j in verbatim:
                if cell[:1] in _FORMULA_STARTS or _SEMICOLON_ESCAPE.search(cell):
                    msg = f"The verbatim cell {cell!r} would run as a formula"
                    raise ValueError(msg)
                out.append(_quoted(cell))
            else:
                out.append(_quoted(escape_cell(cell)))
        # One empty cell is quoted, as the csv module does, to tell it from a blank line.
        self._stream.write((",".join(out) if out != [""] else '""') + "\n")

    def writerows(self, rows: Iterable[Iterable[str]]) -> None:
        """Write each row in ``rows`` with :meth:`writerow`."""
        for row in rows:
            self.writerow(row)
