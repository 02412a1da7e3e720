"""Write a text output (a report, a table) to a path or to an open text file.

`write_text` gives every ``write_*`` method the same behaviour: an open text
file is written as it is; a path is written atomically (see
`kampala._internal.atomic`), and a path that cannot be written raises
`DataFormatError` naming the method. `write_csv_rows` writes dict rows as CSV
with a header row, text a spreadsheet would evaluate escaped (see
`kampala._internal.csvsafe`) unless the caller asks for the raw text.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from kampala._internal.atomic import atomic_open
from kampala._internal.csvsafe import escape_cell
from kampala.errors import DataFormatError

__all__ = ["write_csv_rows", "write_text"]


def write_text(
    target: str | os.PathLike[str] | TextIO,
    where: str,
    write: Callable[[TextIO], None],
) -> None:
    """Call ``write`` on ``target``: an open text file, or a path atomically.

    Raises
    ------
    DataFormatError
        If ``target`` is a path that cannot be written (``where`` names the
        caller).
    """
    if not isinstance(target, str | os.PathLike):
        write(target)
        return
    try:
        with atomic_open(Path(target)) as f:
            write(f)
    except OSError as exc:
        raise DataFormatError(
            where, "target", str(target), "a writable path", hint=str(exc)
        ) from exc


def write_csv_rows(
    f: TextIO,
    fields: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    formula_escape: bool,
) -> None:
    """Write ``rows`` as CSV with a header row of ``fields``.

    With ``formula_escape``, a text cell a spreadsheet would evaluate gets a
    leading ``'`` (`kampala._internal.csvsafe.escape_cell`).
    """
    writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    if formula_escape:
        rows = (
            {k: escape_cell(v) if isinstance(v, str) else v for k, v in row.items()}
            for row in rows
        )
    writer.writerows(rows)
