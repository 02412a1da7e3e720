"""Excel workbooks (.xlsx): portfolios, and tables of results, with openpyxl.

A portfolio is one worksheet, one row per partnership, with the columns of
the CSV layout (column names, or labels in English or Spanish); it is read
with the same column parser as CSV, so every problem is listed at once, each
located by sheet, row and column (``Alianzas!F12``).

Workbooks are untrusted input. Before openpyxl sees one, its zip directory
is checked: a size limit on the uncompressed content (a zip bomb is refused
unopened), no macros (``xl/vbaProject.bin``) and no links to other
workbooks. openpyxl then reads it in read-only mode, taking the value each
formula had when the workbook was last saved (formulas are never
evaluated), and its XML through defusedxml.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import functools
import itertools
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from kampala._internal.csvsafe import escape_cell
from kampala.errors import DataFormatError, KampalaError
from kampala.i18n import resolve_lang, translate
from kampala.io._common import ACTOR_COLUMN, SPEC_BY_PATH, open_error
from kampala.io._csv_format import (
    Collector,
    Layout,
    finish_table,
    header_error,
    parse_chunk,
    table_rows,
)
from kampala.portfolio import Portfolio
from kampala.scales import fold
from kampala.schema import ACTOR_SCHEMA, FieldSpec

__all__: list[str] = []  # private; see kampala.io.formats

#: The uncompressed size a workbook may have (a zip bomb is refused unread).
MAX_UNCOMPRESSED = 1 << 29
#: The number of parts (files in the zip) a workbook may have.
MAX_PARTS = 10_000
#: What the worksheet of partnerships is called, by language.
SHEET_NAMES = {"en": "Partnerships", "es": "Alianzas"}
#: Excel's limit on the characters of one cell.
MAX_CELL_CHARS = 32_767
_ROWS = 50_000
_ACTOR_FIELDS = {s.path: s for s in ACTOR_SCHEMA}
_PLAIN_SHEET = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")


def openpyxl() -> Any:
    """Import openpyxl, or say which extra installs it."""
    try:
        import openpyxl as module
    except ImportError as exc:  # pragma: no cover - the io extra is installed
        raise ImportError(
            translate("Excel workbooks need openpyxl: pip install 'kampala[io]'", None)
        ) from exc
    return module


def check_workbook(path: Path, source: str) -> None:
    """Refuse, before parsing, what is not a plain workbook of bounded size."""
    where = source
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise DataFormatError(
            where,
            "content",
            "not a zip archive",
            "an Excel workbook (.xlsx, a zip archive)",
            hint=translate(
                "Save it from Excel as 'Excel Workbook (*.xlsx)'; an older .xls "
                "file is not read.",
                None,
            ),
        ) from exc
    except OSError as exc:
        raise open_error(path, exc) from exc
    names = {info.filename for info in infos}
    total = sum(info.file_size for info in infos)
    if len(infos) > MAX_PARTS or total > MAX_UNCOMPRESSED:
        raise DataFormatError(
            where,
            "content",
            f"{total} bytes in {len(infos)} parts once uncompressed",
            f"at most {MAX_UNCOMPRESSED} bytes in {MAX_PARTS} parts",
            hint=translate(
                "The workbook is too large once uncompressed (a zip bomb?); "
                "save the partnerships alone as CSV.",
                None,
            ),
        )
    if "xl/workbook.xml" not in names:
        raise DataFormatError(
            where,
            "content",
            "a zip archive without xl/workbook.xml",
            "an Excel workbook (.xlsx)",
        )
    if "xl/vbaProject.bin" in names or any(
        n.startswith("xl/externalLinks/") for n in names
    ):
        what = "macros" if "xl/vbaProject.bin" in names else "links to other files"
        raise DataFormatError(
            where,
            "content",
            f"a workbook with {what}",
            "a workbook without macros or links to other files",
            hint=translate(
                "Save a copy as 'Excel Workbook (*.xlsx)' with values only "
                "(Paste Special > Values).",
                None,
            ),
        )


def _sheet_ref(title: str) -> str:
    if _PLAIN_SHEET.fullmatch(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def _choose_sheet(wb: Any, sheet: str | None, source: str) -> Any:
    titles = list(wb.sheetnames)
    if sheet is None:
        wanted = {fold(n) for n in SHEET_NAMES.values()}
        named = [t for t in titles if fold(t) in wanted]
        return wb[named[0] if named else titles[0]]
    if sheet in titles:
        return wb[sheet]
    close = difflib.get_close_matches(sheet, titles, n=1)
    hint = (
        translate("Did you mean {label!r}?", None, label=close[0])
        if close
        else translate("The sheets are: {sheets}.", None, sheets=", ".join(titles))
    )
    raise DataFormatError(
        source, "sheet", sheet, "the name of a sheet of the workbook", hint=hint
    )


def _text(value: Any) -> str:
    """Return a cell's value as the text the CSV column parser reads."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return (
            str(int(value))
            if value.is_integer() and abs(value) < 2**53
            else repr(value)
        )
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def read_xlsx(
    path: Path, source: str, name: str, *, sheet: str | None = None
) -> Portfolio:
    """Read a portfolio from a worksheet; every problem at once."""
    check_workbook(path, source)
    op = openpyxl()
    try:
        f = path.open("rb")  # a file object: openpyxl judges no suffix
    except OSError as exc:
        raise open_error(path, exc) from exc
    try:
        wb = op.load_workbook(f, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        f.close()
        raise DataFormatError(
            source, "content", type(exc).__name__, "a readable Excel workbook",
            hint=str(exc)[:200],
        ) from exc  # fmt: skip
    try:
        ws = _choose_sheet(wb, sheet, f"{source}")
        formulas = _unsaved_formulas(path, ws) if _has_formulas(path, ws) else {}
        return _read_sheet(ws, source, name, formulas)
    except (KampalaError, MemoryError):
        raise
    except Exception as exc:  # a broken part: bad XML, a bad CRC, forbidden DTD
        raise DataFormatError(
            source, "content", type(exc).__name__, "a readable Excel workbook",
            hint=str(exc)[:200],
        ) from exc  # fmt: skip
    finally:
        wb.close()
        f.close()


_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


def _has_formulas(path: Path, ws: Any) -> bool:
    """Whether the worksheet's XML holds a formula (a quick scan of the bytes)."""
    part = getattr(ws, "_worksheet_path", None)
    if part is None:  # pragma: no cover - openpyxl keeps it in read-only mode
        return True
    tail = b""
    with zipfile.ZipFile(path) as archive, archive.open(part) as f:
        while chunk := f.read(1 << 20):
            if _FORMULA.search(tail + chunk):
                return True
            tail = chunk[-32:]
    return False


def _unsaved_formulas(path: Path, ws: Any) -> dict[tuple[int, int], str]:
    """Formulas of the worksheet by (row, column index), as openpyxl reads them."""
    f = path.open("rb")
    try:
        wb = openpyxl().load_workbook(
            f, read_only=True, data_only=False, keep_links=False
        )
    except BaseException:
        f.close()
        raise
    try:
        found: dict[tuple[int, int], str] = {}
        sheet = wb[ws.title]
        sheet.reset_dimensions()
        for r, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            for j, value in enumerate(row):
                if value is not None and not isinstance(
                    value, str | int | float | bool | dt.date | dt.time | dt.timedelta
                ):  # an array or data-table formula
                    found[(r, j)] = str(getattr(value, "text", value))
                elif isinstance(value, str) and value.startswith("="):
                    found[(r, j)] = value
        return found
    finally:
        wb.close()
        f.close()


def _read_sheet(
    ws: Any, source: str, name: str, formulas: dict[tuple[int, int], str]
) -> Portfolio:
    ref = _sheet_ref(ws.title)
    ws.reset_dimensions()  # a producer's <dimension> may be wrong: read all rows
    rows = ws.iter_rows(values_only=True)
    first = next(rows, None)
    header = [_text(v).strip() for v in (first or ())]
    while header and not header[-1]:
        header.pop()
    if not header:
        raise DataFormatError(
            f"{source} {ref}!1:1",
            "content",
            "an empty first row",
            "a header row with the column names",
        )
    layout = Layout.from_header(header)
    width = len(header)
    letters = _letters(layout)
    out = Collector(
        note=lambda line, field: f"{ref}!{letters(field)}{line}",
        row_word="row",
    )
    for p in layout.problems:
        out.problems.append((-1, header_error(p, f"{ref}!1:1")))
    chunk: list[Sequence[str]] = []
    lines: list[int] = []
    for number, row in enumerate(rows, start=2):
        cells = [_text(v) for v in row[:width]]
        cells += [""] * (width - len(cells))
        if formulas:
            rid = cells[layout.columns["id"]] if "id" in layout.columns else ""
            where = f"partnership {rid!r}" if rid.strip() else f"row {number}"
            _check_formulas(row[:width], number, header, formulas, out, where)
        outside = [j for j, v in enumerate(row[width:], start=width) if v is not None]
        if outside:
            _outside_header(row, outside[0], number, ref, out)
        if not any(cells):
            continue  # an empty row (formatted, or left between rows)
        chunk.append(cells)
        lines.append(number)
        if len(chunk) == _ROWS:
            _flush(layout, chunk, lines, out)
    _flush(layout, chunk, lines, out)
    return finish_table(layout, out, source, name)


def _outside_header(
    row: Sequence[Any], j: int, number: int, ref: str, out: Collector
) -> None:
    """Report a value in a column that has no header (it would be lost)."""
    from openpyxl.utils import get_column_letter

    from kampala.io._common import record_error

    err = record_error(
        f"row {number}",
        "row",
        _text(row[j]),
        "empty outside the columns of the header",
        translate("Give the column a header, or clear the cell.", None),
        f"{ref}!{get_column_letter(j + 1)}{number}",
    )
    out.problems.append((out.n_rows, err))


def _check_formulas(
    row: Sequence[Any],
    number: int,
    header: list[str],
    formulas: dict[tuple[int, int], str],
    out: Collector,
    where: str,
) -> None:
    """Report formula cells that have no value saved with the workbook."""
    from kampala.io._common import record_error
    from kampala.io._headers import canonical_column

    for j, value in enumerate(row):
        formula = formulas.get((number, j))
        if formula is None or value is not None:
            continue
        field = canonical_column(header[j])
        m = ACTOR_COLUMN.fullmatch(field)
        if m:
            field = f"actors[{int(m.group(1)) - 1}].{m.group(2)}"
        err = record_error(
            where,
            field,
            formula,
            "a value saved with the workbook",
            translate(
                "The formula has no saved result (the workbook was not saved by "
                "a spreadsheet program): open and save it in Excel, or paste "
                "values.",
                None,
            ),
            out.note(number, field),
        )
        out.problems.append((out.n_rows, err))


def _flush(
    layout: Layout, chunk: list[Sequence[str]], lines: list[int], out: Collector
) -> None:
    import numpy as np

    if chunk:
        columns = list(zip(*chunk, strict=True))
        parse_chunk(layout, columns, np.array(lines, dtype=np.int64), out, False)
        chunk.clear()
        lines.clear()


def _letters(layout: Layout) -> Any:
    """``letters(field)``: the column letter of a field path, '' if unknown."""
    from openpyxl.utils import get_column_letter

    @functools.cache
    def letters(field: str) -> str:
        index = layout.columns.get(field)
        m = re.fullmatch(r"actors\[(\d+)\]\.(\w+)", field)
        if m:
            index = layout.actors.get((int(m.group(1)) + 1, m.group(2)))
        return "" if index is None else get_column_letter(index + 1)

    return letters


# ---------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------
def _spec_of(column: str) -> FieldSpec:
    m = ACTOR_COLUMN.fullmatch(column)
    return _ACTOR_FIELDS[m.group(2)] if m else SPEC_BY_PATH[column]


def _typed(kind: str, text: str, lang: str | None) -> Any:
    """Return the value a worksheet holds for a cell written as text."""
    if text == "":
        return None
    if kind in ("amount", "share"):
        return float(text)
    if kind == "count":
        return int(text)
    if kind == "date":
        return dt.date.fromisoformat(text)
    if kind == "bool" and lang is None:
        return text == "true"
    return text


def portfolio_rows(
    portfolio: Portfolio, formula_escape: bool, lang: str | None
) -> tuple[list[str], list[str], Iterator[list[Any]]]:
    """Return the column names, the header and the typed rows of a portfolio."""
    chunks = table_rows(portfolio, formula_escape, ".", lang)
    header = list(next(iter(next(chunks))))
    names = list(next(iter(next(table_rows(portfolio, False, ".", None)))))
    kinds = [_spec_of(c).kind for c in names]

    def rows() -> Iterator[list[Any]]:
        for chunk in chunks:
            for row in chunk:
                yield [_typed(k, t, lang) for k, t in zip(kinds, row, strict=True)]

    return names, header, rows()


Sheet = tuple[str, Iterable[Sequence[Any]]]


def write_workbook(path: Path, sheets: Iterable[Sheet], where: str) -> None:
    """Write worksheets of rows; text is always stored as text, never a formula."""
    op = openpyxl()
    wb = op.Workbook(write_only=True)
    written: list[Any] = []
    try:
        for title, rows in sheets:
            ws = wb.create_sheet(title)
            written.append(ws)
            for row in rows:
                ws.append([_cell(ws, v, where) for v in row])
    except BaseException:
        for ws in written:  # finish the worksheets' writers, then drop them
            with contextlib.suppress(Exception):
                ws.close()
        raise
    wb.save(path)


def exact_number(value: float) -> str | None:
    """Return ``repr(value)`` if openpyxl's 16 digits would change the float.

    openpyxl writes numbers with ``"%.16g"``; a float that needs 17
    significant digits is written from its exact text instead.
    """
    if value != value or float(f"{value:.16g}") == value:
        return None
    return repr(value)


def _cell(ws: Any, value: Any, where: str) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils.exceptions import IllegalCharacterError

    if isinstance(value, float):
        exact = exact_number(value)
        if exact is None:
            return value
        cell = WriteOnlyCell(ws, value=exact)
        cell.data_type = "n"
        return cell
    if not isinstance(value, str):
        return value
    if len(value) > MAX_CELL_CHARS:
        raise DataFormatError(
            where, "cell", value[:40] + "…",
            f"at most {MAX_CELL_CHARS} characters, Excel's limit",
            hint=translate("Use CSV or JSON for such text.", None),
        )  # fmt: skip
    try:
        cell = WriteOnlyCell(ws, value=value)
    except IllegalCharacterError as exc:
        raise DataFormatError(
            where, "cell", value, "text a workbook can hold",
            hint=translate(
                "Control characters cannot be stored in a workbook; use CSV or JSON.",
                None,
            ),
        ) from exc  # fmt: skip
    cell.data_type = "s"
    return cell


def write_xlsx(
    portfolio: Portfolio,
    path: Path,
    *,
    formula_escape: bool = True,
    lang: str | None = None,
) -> None:
    """Write a portfolio as one worksheet (see `read_xlsx`)."""
    lang = None if lang is None else resolve_lang(lang)
    _, header, rows = portfolio_rows(portfolio, formula_escape, lang)
    title = SHEET_NAMES[lang or "en"]
    write_workbook(
        path, [(title, itertools.chain([header], rows))], "write_portfolio()"
    )


def write_table_xlsx(
    path: Path,
    sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]],
    *,
    formula_escape: bool = True,
    where: str = "kampala",
    digits: int | None = None,
) -> None:
    """Write tables of results (a header and rows each), text formula-escaped.

    Floats are rounded to ``digits`` places, as `write_results_csv` rounds
    them (None: full precision).
    """

    def cell(v: Any) -> Any:
        if isinstance(v, str):
            return escape_cell(v) if formula_escape else v
        if digits is not None and isinstance(v, float):
            return round(v, digits)
        return v

    def escaped(row: Sequence[Any]) -> list[Any]:
        return [cell(v) for v in row]

    write_workbook(
        path,
        [
            (title, itertools.chain([list(header)], map(escaped, rows)))
            for title, header, rows in sheets
        ],
        where,
    )
