"""The COINr iData/iMeta CSV layout.

COINr (the European Commission JRC's R package for composite indicators)
describes an index with two tables:

- **iData**: one row per unit with ``uCode`` (required), ``uName``, group
  columns, denominators, an optional ``Time`` and one column per indicator.
  ``NA`` or an empty cell marks a missing value.
- **iMeta**: one row per iData column and per aggregate, with ``Level``
  (1 = indicator), ``iCode``, ``iName``, ``Direction`` (+1/-1), ``Weight``
  (relative to siblings), ``Parent``, ``Type`` (``Indicator``,
  ``Aggregate``, ``Group``, ``Denominator``, ``Other``) and optionally
  ``Unit``, ``Target``, ``Denominator`` and ``ScaleFactor``.

`read_coinr()` checks that the two tables agree and builds an
`IndicatorSet`.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from kampala._internal.atomic import atomic_open
from kampala._internal.csvsafe import escape_cell
from kampala._internal.files import (
    DEFAULT_MAX_BYTES,
    check_max_bytes,
    read_input_bytes,
)
from kampala.errors import DataFormatError, FrameworkError, ParameterTypeError
from kampala.framework import Framework, Node
from kampala.indicators import IndicatorSet

__all__ = ["read_coinr", "write_results_csv"]

PathLike = str | os.PathLike[str]

_MISSING = {"", "NA", "NaN", "nan", "N/A", "#N/A", "NULL", "null"}
_TYPES = ("Indicator", "Aggregate", "Group", "Denominator", "Other")
_UNIT_COLUMNS = ("uCode", "uName", "Time")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_LINE = "\x00line"  # key holding a record's line number (cannot be a CSV header)


def _read_table(
    path: PathLike, what: str, max_bytes: int | None
) -> tuple[list[str], list[dict[str, str]]]:
    p = Path(path)
    raw = read_input_bytes(p, f"read_coinr() {what}", "path", max_bytes)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFormatError(
            f"{p.name}", "encoding", f"byte {exc.start}", "UTF-8 text"
        ) from exc
    if "\x00" in text:
        raise DataFormatError(f"{p.name}", "content", "binary data", "a CSV text file")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise DataFormatError(
            f"{p.name} line {reader.line_num}", "CSV", str(exc), "well-formed CSV"
        ) from exc
    rows = [(n, r) for n, r in rows if any(c.strip() for c in r)]
    if not rows:
        raise DataFormatError(
            f"{p.name}", "content", "empty file", "a header row and data"
        )
    header_line, header_row = rows[0]
    header = [h.strip() for h in header_row]
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise DataFormatError(
            f"{p.name} line {header_line}", "header", dup, "unique column names"
        )
    records = []
    for lineno, r in rows[1:]:
        if len(r) != len(header):
            raise DataFormatError(
                f"{p.name} line {lineno}",
                "fields",
                len(r),
                f"{len(header)} fields, as in the header",
            )
        rec = dict(zip(header, (c.strip() for c in r), strict=True))
        rec[_LINE] = str(lineno)
        records.append(rec)
    return header, records


def _number(text: str, where: str, field: str) -> float:
    if text in _MISSING:
        return math.nan
    if text.lstrip("+-").lower() in ("inf", "infinity"):
        raise DataFormatError(where, field, text, "a finite number or NA")
    if not _DECIMAL.fullmatch(text):  # float() takes '1_000', full-width digits
        raise DataFormatError(
            where,
            field,
            text,
            "a number or NA",
            hint="Write plain ASCII digits with '.' as the decimal separator, "
            "such as 1500 or 2.5e6.",
        )
    value = float(text)
    if math.isinf(value):
        raise DataFormatError(where, field, text, "a finite number or NA")
    return value


def _require(header: Sequence[str], cols: Iterable[str], name: str) -> None:
    for col in cols:
        if col not in header:
            raise DataFormatError(
                name, "header", list(header)[:12], f"a {col!r} column"
            )


def read_coinr(
    idata: PathLike, imeta: PathLike, *, max_bytes: int | None = DEFAULT_MAX_BYTES
) -> IndicatorSet:
    """Read an index in COINr's iData/iMeta CSV layout.

    Parameters
    ----------
    idata : str or path
        The iData CSV (one row per unit).
    imeta : str or path
        The iMeta CSV (one row per indicator, aggregate, group, denominator).
    max_bytes : int or None, default=DEFAULT_MAX_BYTES
        Refuse a file larger than this many bytes (256 MiB by default)
        before reading it; None lifts the limit. Only regular files are
        read (a symlink is followed).

    Returns
    -------
    IndicatorSet
        Indicator values with their framework, unit names, groups and
        denominators.

    Raises
    ------
    DataFormatError
        If a file is missing, not a regular file, larger than ``max_bytes``
        or malformed, iData has no unit row, a value is not a plain decimal
        number, or the two tables disagree (a column in one but not the
        other, a ``Type`` that is not known, several time points).
    FrameworkError
        If iMeta does not describe a valid tree.

    Examples
    --------
    >>> from kampala.data import asem_paths
    >>> from kampala.io import read_coinr
    >>> data = read_coinr(*asem_paths())
    >>> data.n_units, data.n_indicators
    (51, 49)
    """
    for arg, source in (("idata", idata), ("imeta", imeta)):
        if not isinstance(source, str | os.PathLike):
            raise ParameterTypeError(
                "read_coinr()",
                arg,
                type(source).__name__,
                "a path (str or os.PathLike)",
            )
    limit = check_max_bytes(max_bytes, "read_coinr()")
    mname = Path(imeta).name
    dname = Path(idata).name
    mheader, meta = _read_table(imeta, "iMeta", limit)
    _require(mheader, ("iCode", "Type"), mname)
    dheader, rows = _read_table(idata, "iData", limit)
    _require(dheader, ("uCode",), dname)
    if not rows:
        raise DataFormatError(
            dname, "content", "a header only", "a header row and one row per unit"
        )

    nodes: list[Node] = []
    groups: list[str] = []
    denoms: list[str] = []
    seen: set[str] = set()
    for m in meta:
        where = f"{mname} line {m[_LINE]}"
        code = m["iCode"]
        kind = m["Type"]
        if code in _MISSING:
            raise DataFormatError(where, "iCode", code, "a code")
        if code in seen:
            raise DataFormatError(where, "iCode", code, "unique in iMeta")
        seen.add(code)
        if kind not in _TYPES:
            raise DataFormatError(where, "Type", kind, f"one of {', '.join(_TYPES)}")
        if kind == "Group":
            groups.append(code)
            continue
        if kind == "Denominator":
            denoms.append(code)
            continue
        if kind == "Other":
            continue
        fields: dict[str, Any] = {"code": code, "name": m.get("iName", code) or code}
        for col, key, conv in (
            ("Level", "level", int),
            ("Weight", "weight", float),
            ("Direction", "direction", int),
        ):
            text = m.get(col, "")
            if text in _MISSING:
                if col == "Direction" and kind == "Aggregate":
                    continue
                raise DataFormatError(
                    where, col, text or None, f"given for {kind} {code!r}"
                )
            value = _number(text, where, col)
            if conv is int and not float(value).is_integer():
                raise DataFormatError(where, col, text, "a whole number")
            fields[key] = conv(value)
        parent = m.get("Parent", "")
        fields["parent"] = None if parent in _MISSING else parent
        fields["kind"] = "indicator" if kind == "Indicator" else "aggregate"
        target = m.get("Target", "")
        if target not in _MISSING:
            fields["target"] = _number(target, where, "Target")
        denom = m.get("Denominator", "")
        if denom not in _MISSING:
            fields["denominator"] = denom
        scale = m.get("ScaleFactor", "")
        if scale not in _MISSING:
            fields["scale_factor"] = _number(scale, where, "ScaleFactor")
        unit = m.get("Unit", "")
        fields["unit"] = "" if unit in _MISSING else unit
        try:
            nodes.append(Node(**fields))
        except FrameworkError as exc:
            raise DataFormatError(
                where, exc.field, exc.value, exc.expected, hint=exc.hint
            ) from exc
    framework = Framework(nodes=nodes)

    declared = set(framework.indicator_codes) | set(groups) | set(denoms)
    for col in [*framework.indicator_codes, *groups, *denoms]:
        if col not in dheader:
            raise DataFormatError(
                dname,
                "header",
                col,
                "present: iMeta declares this column",
                hint="iMeta and iData must describe the same columns.",
            )
    others = {m["iCode"] for m in meta if m["Type"] == "Other"}
    extra = [
        c
        for c in dheader
        if c not in declared and c not in others and c not in _UNIT_COLUMNS
    ]
    if extra:
        raise DataFormatError(
            dname,
            "header",
            extra,
            "columns that iMeta declares",
            hint="Add them to iMeta (Type 'Other' carries them unused) or drop them.",
        )
    for node in framework.nodes:
        if node.denominator is not None and node.denominator not in denoms:
            raise DataFormatError(
                mname,
                f"Denominator of {node.code!r}",
                node.denominator,
                f"a Denominator row of iMeta ({', '.join(denoms) or 'none declared'})",
            )
    if "Time" in dheader:
        times = {r["Time"] for r in rows}
        if len(times) > 1:
            raise DataFormatError(
                dname,
                "Time",
                sorted(times)[:5],
                "a single time point",
                hint="Select one year's rows before reading.",
            )

    codes = []
    names = []
    values = []
    for r in rows:
        lineno = r[_LINE]
        ucode = r["uCode"]
        if ucode in _MISSING:
            raise DataFormatError(
                f"{dname} line {lineno}", "uCode", ucode, "a unit code"
            )
        codes.append(ucode)
        names.append(r.get("uName") or ucode)
        values.append(
            [
                _number(r[c], f"{dname} line {lineno} (unit {ucode!r})", c)
                for c in framework.indicator_codes
            ]
        )
    if len(set(codes)) != len(codes):
        dup = next(c for c in codes if codes.count(c) > 1)
        raise DataFormatError(dname, "uCode", dup, "unique")
    group_cols = {g: [None if r[g] in _MISSING else r[g] for r in rows] for g in groups}
    denom_cols = {
        d: [
            _number(r[d], f"{dname} line {r[_LINE]} (unit {r['uCode']!r})", d)
            for r in rows
        ]
        for d in denoms
    }
    return IndicatorSet(
        framework=framework,
        unit_codes=codes,
        unit_names=names,
        values=np.array(values, dtype=np.float64).reshape(
            len(rows), len(framework.indicator_codes)
        ),
        groups=group_cols,
        denominators=denom_cols,
    )


def _quoted_row(cells: Sequence[str]) -> str:
    """Format a row holding a carriage return, quoted so it stays one row.

    (Python's writer quotes only the characters of its line terminator.)
    """
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow(cells)
    return buf.getvalue()[:-2] + "\n"


def _rounded(v: float, digits: int) -> str:
    """``v`` rounded to ``digits`` places, without trailing zeros ("0.92")."""
    if math.isinf(v):
        return repr(v)
    out = f"{v:.{digits}f}"
    if "." in out:
        out = out.rstrip("0").rstrip(".")
    return "0" if out == "-0" else out


def write_results_csv(
    path: PathLike | io.TextIOBase | TextIO,
    table: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    formula_escape: bool = True,
    digits: int | None = None,
    missing: str = "NA",
    comments: Sequence[str] = (),
) -> None:
    """Write result rows as CSV with the given column order.

    Floats are written with ``repr`` precision (they read back exactly)
    unless ``digits`` rounds them; missing values are written as ``missing``
    (``NA``, as R and COINr read it, by default). A file is written whole or
    not at all (to a temporary file in the same folder, then renamed into
    place).

    Parameters
    ----------
    path : str, os.PathLike or text file
        Where to write.
    table : sequence of mapping
        The rows.
    columns : sequence of str
        The columns, in order.
    formula_escape : bool, default=True
        Put a ``'`` before every text cell a spreadsheet would evaluate (one
        that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
        return); numbers are never changed. ``False`` writes text as is, for
        programs that read the file.
    digits : int, default=None
        Round floats to this many decimal places; None keeps full precision.
    missing : str, default="NA"
        The cell written for a missing value: ``"NA"`` for R and COINr, ``""``
        (an empty cell) for spreadsheets and pandas.
    comments : sequence of str, default=()
        Lines written first, each after ``# `` (read them with
        ``pandas.read_csv(..., comment="#")`` or R's ``comment.char = "#"``).

    Examples
    --------
    >>> import io
    >>> from kampala.io.coinr import write_results_csv
    >>> rows = [{"uCode": "CHE", "Index": 68.38, "rank": 1},
    ...         {"uCode": "LAO", "Index": float("nan"), "rank": None}]
    >>> out = io.StringIO()
    >>> write_results_csv(out, rows, ["uCode", "Index", "rank"])
    >>> print(out.getvalue(), end="")
    uCode,Index,rank
    CHE,68.38,1
    LAO,NA,NA

    Rounded, with empty cells for spreadsheets and a comment line:

    >>> out = io.StringIO()
    >>> rows = [{"uCode": "CHE", "Index": 68.38049, "rank": 1},
    ...         {"uCode": "LAO", "Index": None, "rank": None}]
    >>> write_results_csv(out, rows, ["uCode", "Index", "rank"], digits=2,
    ...                   missing="", comments=["methodology ASEM 1"])
    >>> print(out.getvalue(), end="")
    # methodology ASEM 1
    uCode,Index,rank
    CHE,68.38,1
    LAO,,
    """
    text = escape_cell if formula_escape else str

    def fmt(v: Any) -> str:
        if v is None:
            return missing
        if isinstance(v, float | np.floating):
            if math.isnan(v):
                return missing
            return repr(float(v)) if digits is None else _rounded(float(v), digits)
        if isinstance(v, int | np.integer):
            return str(v)
        return text(str(v))

    def write(fh: Any) -> None:
        for line in comments:
            fh.write("# " + " ".join(line.split()) + "\n")
        w = csv.writer(fh, lineterminator="\n")
        w.writerow([text(c) for c in columns])
        for row in table:
            cells = [fmt(row.get(c)) for c in columns]
            if any("\r" in c for c in cells):
                fh.write(_quoted_row(cells))
            else:
                w.writerow(cells)

    if isinstance(path, str | os.PathLike):
        with atomic_open(path) as fh:
            write(fh)
    else:
        write(path)
