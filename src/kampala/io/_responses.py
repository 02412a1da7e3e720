"""Read stakeholders' answers: ODK Central / KoboToolbox exports and kampala's form.

- CSV as ODK Central exports it (``SubmissionDate``, group prefixes joined by
  ``-``: ``p1-p1_alignment``, ``meta-instanceID``, ``KEY``) and as
  KoboToolbox exports it with "XML values and headers" (``/`` between group
  and question, ``_uuid``, ``_submission_time``, ``_index``; ``;`` or ``,``
  as delimiter).
- XLSX: a KoboToolbox export (its first sheet) or kampala's own form
  (`kampala.stakeholders.write_xlsx_form`, the sheet ``responses``).

Files are read with the size limit of every kampala reader; a spreadsheet is
opened read-only and its cells are counted as they are read.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kampala._internal.files import DEFAULT_MAX_BYTES, check_max_bytes, read_input_bytes
from kampala._internal.optional_xlsx import openpyxl
from kampala.errors import DataFormatError
from kampala.stakeholders.responses import Responses

if TYPE_CHECKING:
    from kampala.portfolio import Portfolio
    from kampala.stakeholders._questionnaire import Questionnaire

__all__ = ["MAX_CELLS", "MAX_UNZIPPED_BYTES", "read_responses"]

#: The most cells a response spreadsheet may hold: 1 million (10 000 answer
#: sets of 100 questions).
MAX_CELLS = 1_000_000

#: The most bytes the parts of a response spreadsheet may unzip to (a guard
#: against a decompression bomb, checked before any part is parsed): 64 MiB.
MAX_UNZIPPED_BYTES = 64 << 20


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _csv_table(text: str, name: str) -> list[list[str]]:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise DataFormatError(name, "source", None, "valid CSV", hint=str(exc)) from exc


def _check_unzipped_size(data: bytes, name: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            size = sum(info.file_size for info in z.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise DataFormatError(
            name, "source", None, "an .xlsx workbook", hint=type(exc).__name__
        ) from exc
    if size > MAX_UNZIPPED_BYTES:
        raise DataFormatError(
            name,
            "unzipped size",
            size,
            f"at most {MAX_UNZIPPED_BYTES} bytes",
            hint="Split the file, or export it as CSV.",
        )


def _xlsx_table(data: bytes, name: str) -> list[list[str]]:
    xl = openpyxl()
    _check_unzipped_size(data, name)
    try:
        book = xl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise DataFormatError(
            name, "source", None, "an .xlsx workbook", hint=type(exc).__name__
        ) from exc
    try:
        sheet = (
            book["responses"] if "responses" in book.sheetnames else book.worksheets[0]
        )
        rows: list[list[str]] = []
        cells = 0
        for row in sheet.iter_rows(values_only=True):
            cells += len(row)
            if cells > MAX_CELLS:
                raise DataFormatError(
                    name,
                    "cells",
                    cells,
                    f"at most {MAX_CELLS}",
                    hint="Split the file.",
                )
            rows.append([_cell(v) for v in row])
    except DataFormatError:
        raise
    except Exception as exc:  # a broken sheet inside a valid zip
        raise DataFormatError(
            name, "source", None, "a readable .xlsx sheet", hint=type(exc).__name__
        ) from exc
    finally:
        book.close()
    while rows and not any(rows[-1]):
        rows.pop()
    return rows


def read_responses(
    source: str | os.PathLike[str],
    questions: Questionnaire | None = None,
    *,
    portfolio: Portfolio | None = None,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
) -> Responses:
    """Read stakeholders' answers from a CSV or XLSX file.

    Parameters
    ----------
    source : str or os.PathLike
        A ``.csv`` or ``.xlsx`` file (other names: by content).
    questions : Questionnaire, default=None
        The questions; KPS-1's (`kampala.stakeholders.questionnaire`) if None.
    portfolio : Portfolio, default=None
        When given, every partnership answered about must be in it.
    max_bytes : int or None, default=256 MiB
        Refuse larger files; None for no limit.

    Returns
    -------
    Responses

    Raises
    ------
    PortfolioValidationError
        Every problem at once, each naming the file, row and column.
    DataFormatError
        For a file that is not CSV or XLSX, too large, or empty.

    Examples
    --------
    >>> from kampala.data import sample_responses_path
    >>> from kampala.io import read_responses
    >>> r = read_responses(sample_responses_path())
    >>> len(r), r.source
    (104, 'sample_responses.csv')
    """
    where = "read_responses()"
    limit = check_max_bytes(max_bytes, where)
    path = Path(source)
    data = read_input_bytes(path, where, max_bytes=limit)
    name = path.name
    if path.suffix.lower() == ".xlsx" or data[:2] == b"PK":
        table = _xlsx_table(data, name)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DataFormatError(
                name, "encoding", f"byte {exc.start}", "UTF-8 text"
            ) from exc
        table = _csv_table(text, name)
    if not table:
        raise DataFormatError(name, "header", None, "a header row of column names")
    return Responses.from_table(
        table[0],
        table[1:],
        source=name,
        questions=questions,
        portfolio=portfolio,
    )
