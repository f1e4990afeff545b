"""Spreadsheet-safe CSV cells: no cell we write runs as a formula.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as
a formula by spreadsheet programs (CSV injection). Such cells, and cells starting with
``'`` or ``#`` (our escape and our metadata marker), are written with a leading ``'``,
which spreadsheets show as plain text; reading removes exactly that one ``'``.
"""

from __future__ import annotations

from typing import Final

__all__ = ["escape_cell", "unescape_cell"]

_TRIGGERS: Final = ("=", "+", "-", "@", "\t", "\r", "'", "#")


def escape_cell(text: str) -> str:
    """``text`` made safe to open in a spreadsheet.

    >>> escape_cell("=HYPERLINK(1)"), escape_cell("plain"), escape_cell("'quoted")
    ("'=HYPERLINK(1)", 'plain', "''quoted")
    """
    return "'" + text if text.startswith(_TRIGGERS) else text


def unescape_cell(text: str) -> str:
    """Undo :func:`escape_cell`; a cell we did not escape comes back unchanged.

    >>> unescape_cell("'=HYPERLINK(1)"), unescape_cell("'plain"), unescape_cell("''quoted")
    ('=HYPERLINK(1)', "'plain", "'quoted")
    """
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r'#":
        return text[1:]
    return text
