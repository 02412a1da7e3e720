"""Neutralise spreadsheet formulas in CSV text cells (OWASP's rule).

A spreadsheet evaluates a cell that begins with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return. Every CSV writer of kampala passes its *text*
cells through `escape_cell`, which puts a single quote in front of such a
cell; numbers are written from floats and integers and never escaped.

The escape is reversible: a cell is escaped when, after any leading single
quotes, it starts with a trigger, so a title that already begins with
``'=`` gets a second quote, and `unescape_cell` removes exactly one quote
from such cells. ``unescape_cell(escape_cell(text)) == text`` for every
text.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["TRIGGERS", "escape_cell", "escape_cells", "unescape_cell"]

#: The first characters that make a spreadsheet evaluate a cell.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _needs_quote(text: str) -> bool:
    return text.lstrip("'").startswith(TRIGGERS)


def escape_cell(text: str) -> str:
    r"""Return ``text`` with a leading ``'`` if a spreadsheet would evaluate it.

    Examples
    --------
    >>> from kampala._internal.csvsafe import escape_cell
    >>> escape_cell('=HYPERLINK("http://x","y")'), escape_cell("Agua")
    ('\'=HYPERLINK("http://x","y")', 'Agua')
    >>> escape_cell("'=1")
    "''=1"
    """
    return "'" + text if _needs_quote(text) else text


def escape_cells(cells: Iterable[str]) -> list[str]:
    """Apply `escape_cell` to every cell of a column.

    Examples
    --------
    >>> from kampala._internal.csvsafe import escape_cells
    >>> escape_cells(["+cmd", "ok", ""])
    ["'+cmd", 'ok', '']
    """
    return [escape_cell(c) if c and _needs_quote(c) else c for c in cells]


def unescape_cell(text: str) -> str:
    """Undo `escape_cell`: drop one leading ``'`` before a formula trigger.

    Examples
    --------
    >>> from kampala._internal.csvsafe import unescape_cell
    >>> unescape_cell("'=1"), unescape_cell("''=1"), unescape_cell("'quoted'")
    ('=1', "'=1", "'quoted'")
    """
    if text.startswith("'") and _needs_quote(text):
        return text[1:]
    return text
