"""The dialect of a CSV file: separator, decimal mark, encoding, byte order mark.

Excel in a Spanish locale saves "CSV" with ``;`` between cells, a decimal
comma and the Windows-1252 encoding; "CSV UTF-8" adds a byte order mark.
`detect_dialect` tells these apart from the first bytes of a file, so that
every CSV reader (the built-in one, the pyarrow one) shares one decision.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable

import attrs

from kampala.errors import ParameterValueError

__all__ = ["DEFAULT", "ENCODINGS", "SEPARATORS", "Dialect", "detect_dialect"]

#: Cell separators a file may use, in order of preference on a tie.
SEPARATORS: tuple[str, ...] = (",", ";", "\t")

#: Encodings a file may use (Python codec names), and what people call them.
ENCODINGS: dict[str, str] = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with a byte order mark",
    "cp1252": "Windows-1252 (Excel in Spanish)",
    "latin-1": "Latin-1 (ISO 8859-1)",
}

#: How many bytes of a file `detect_dialect` looks at, at most.
HEAD_BYTES = 1 << 16


@attrs.frozen(kw_only=True)
class Dialect:
    """How a CSV file is written.

    Attributes
    ----------
    sep : str
        The cell separator: ``","``, ``";"`` or a tab.
    decimal : str
        The decimal mark of numbers: ``"."`` or ``","``.
    encoding : str
        A codec name of `ENCODINGS`.
    bom : bool
        Whether the file starts with a UTF-8 byte order mark.
    """

    sep: str = ","
    decimal: str = "."
    encoding: str = "utf-8"
    bom: bool = False

    @property
    def is_default(self) -> bool:
        """Whether this is kampala's own dialect (``,``, ``.``, UTF-8)."""
        return self.sep == "," and self.decimal == "." and self.encoding == "utf-8"


#: kampala's own dialect, that `write_portfolio` writes by default.
DEFAULT = Dialect()


def check_options(
    caller: str, sep: str | None, decimal: str | None, encoding: str | None
) -> str | None:
    """Check the dialect options a person gave; return the codec name."""
    if sep is not None and sep not in SEPARATORS:
        raise ParameterValueError(
            caller, "sep", sep, "',', ';' or a tab ('\\t')", hint=""
        )
    if decimal is not None and decimal not in (".", ","):
        raise ParameterValueError(caller, "decimal", decimal, "'.' or ','")
    if sep is not None and sep == decimal:
        raise ParameterValueError(
            caller, "decimal", decimal, "another character than the separator"
        )
    if encoding is None:
        return None
    try:
        name = codecs.lookup(encoding).name
    except (LookupError, TypeError):
        name = ""
    name = {"iso8859-1": "latin-1", "windows-1252": "cp1252"}.get(name, name)
    if name not in ENCODINGS:
        raise ParameterValueError(
            caller, "encoding", encoding, f"one of {', '.join(ENCODINGS)}"
        )
    return name


def detect_dialect(
    head: bytes,
    *,
    sep: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    known: Callable[[str], bool] | None = None,
) -> Dialect:
    r"""Tell the dialect of a CSV file from its first bytes.

    Options given are kept; the others are detected. Encoding: a byte order
    mark means UTF-8, bytes that are valid UTF-8 mean UTF-8, anything else
    Windows-1252 (or Latin-1 where Windows-1252 leaves a byte undefined).
    Separator: the one of `SEPARATORS` that splits the first line into the
    most cells ``known`` accepts (the most cells if ``known`` is None).
    Decimal mark: a comma when the separator is ``;``, else a point.

    Parameters
    ----------
    head : bytes
        The first bytes of the file (`HEAD_BYTES` are enough).
    sep, decimal, encoding : str, default=None
        What the person said, if anything.
    known : callable, default=None
        ``known(cell)`` says whether a header cell names a column.

    Returns
    -------
    Dialect

    Examples
    --------
    >>> from kampala.io._csv_dialect import detect_dialect
    >>> detect_dialect(b"id;title;budget_usd\r\nA;Agua;1,5\r\n")
    Dialect(sep=';', decimal=',', encoding='utf-8', bom=False)
    >>> detect_dialect("id;título\nA;Educación\n".encode("cp1252")).encoding
    'cp1252'
    """
    bom = head.startswith(codecs.BOM_UTF8)
    if bom:
        head = head[len(codecs.BOM_UTF8) :]
    if encoding is None:
        encoding = "utf-8" if bom or _is_utf8(head) else _single_byte(head)
    text = head.decode(encoding, errors="replace")
    if sep is None:
        sep = _separator(text.split("\n", 1)[0].rstrip("\r"), known)
    if decimal is None:
        decimal = "," if sep == ";" else "."
    return Dialect(sep=sep, decimal=decimal, encoding=encoding, bom=bom)


def _is_utf8(head: bytes) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _single_byte(head: bytes) -> str:
    try:
        head.decode("cp1252")
    except UnicodeDecodeError:
        return "latin-1"
    return "cp1252"


def header_cells(line: str, sep: str) -> list[str]:
    """Split one header line with ``sep`` (quotes respected); [] if malformed."""
    try:
        return next(csv.reader(io.StringIO(line), delimiter=sep), [])
    except csv.Error:
        return []


def _separator(line: str, known: Callable[[str], bool] | None) -> str:
    best, score = SEPARATORS[0], (-1, -1)
    for candidate in SEPARATORS:
        cells = header_cells(line, candidate)
        hits = sum(map(known, cells)) if known is not None else 0
        if (hits, len(cells)) > score:
            best, score = candidate, (hits, len(cells))
    return best
