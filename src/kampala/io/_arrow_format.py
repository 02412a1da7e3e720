"""Columnar portfolio files (Parquet, Arrow IPC) and CSV read through pyarrow.

A columnar file holds the columns of the CSV layout (see the format
reference): one row per partnership, ``actor_<k>_<field>`` columns for its
actors. Amounts and shares are float64, counts int64, flags boolean, dates
date32, everything else text in the CSV's spelling; a null (or a NaN) is a
missing value.

Reading has two paths with one meaning:

- the **fast path** turns each Arrow column into its portfolio encoding in
  bulk (numbers and dates as they are, text through the CSV cell parser once
  per distinct value) and builds the portfolio with
  `kampala.portfolio.Portfolio.from_columns`;
- anything the fast path does not accept -- a cell that does not parse, a
  value out of bounds, an unknown column, a type it does not know -- sends
  the file to the **own CSV reader** (the file itself for CSV; for Parquet
  and Arrow the table written out as CSV text), which reports every problem
  in the same words as for a CSV file. Notes name the line the row has in
  that CSV text (the header is line 1).

So a valid file gives the same portfolio through either path, and an invalid
one the same messages as its CSV copy. pyarrow is imported only here, when
one of these formats is used (the ``arrow`` extra).
"""

from __future__ import annotations

import csv
import importlib
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from kampala._internal.csvsafe import escape_cells, unescape_cell
from kampala.errors import DataFormatError, PortfolioValidationError
from kampala.io._common import (
    ACTOR_COLUMN,
    ACTOR_DEFAULTS,
    ACTOR_SPEC,
    COLUMNS,
    DEFAULTS,
    MAX_EXACT_INT,
    SPEC_BY_PATH,
    Array,
    open_error,
)
from kampala.io._csv_cells import parse_column
from kampala.io._csv_format import Layout, format_cells, read_csv
from kampala.portfolio import ACTOR_SCHEMA, Portfolio
from kampala.schema import FieldSpec

__all__ = [
    "Declined",
    "convert_column",
    "read_arrow",
    "read_csv_arrow",
    "read_parquet",
    "require_pyarrow",
    "sniff_arrow",
    "sniff_parquet",
    "write_arrow",
    "write_parquet",
]

FORMAT_KEY = b"kampala.format"
NAME_KEY = b"kampala.name"
FORMAT_ID = b"kampala.portfolio/1"
#: A Parquet file may hold this many cells (rows x columns) per byte of its
#: size, and at least ``_BOMB_FLOOR`` cells, before it is refused as a
#: compression bomb (each cell takes at least a byte once read).
_BOMB_RATIO = 1000
_BOMB_FLOOR = 100_000_000


class Declined(Exception):
    """The fast path leaves this file to the own reader (which names problems)."""


def require_pyarrow(what: str) -> Any:
    """Import pyarrow, or raise an ImportError naming the ``arrow`` extra."""
    try:
        return importlib.import_module("pyarrow")
    except ImportError as exc:
        raise ImportError(
            f"{what} needs pyarrow: pip install 'kampala[arrow]'"
        ) from exc


def sniff_parquet(head: bytes) -> bool:
    """Tell a Parquet file by its first bytes, ``PAR1``."""
    return head.startswith(b"PAR1")


def sniff_arrow(head: bytes) -> bool:
    """Tell an Arrow IPC file (Feather v2) by its first bytes, ``ARROW1``."""
    return head.startswith(b"ARROW1")


# ---------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------
def portfolio_table(portfolio: Portfolio) -> Any:
    """Return the portfolio as a typed Arrow table in the CSV layout."""
    pa = require_pyarrow("Writing Parquet or Arrow files")
    names: list[str] = []
    arrays: list[Any] = []
    for path in COLUMNS:
        names.append(path)
        arrays.append(_typed(pa, SPEC_BY_PATH[path], portfolio.columns[path]))
    n = len(portfolio)
    idx = portfolio.actors["partnership"]
    counts = np.bincount(idx, minlength=n) if n else np.zeros(0, dtype=np.intp)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.intp)
    for k in range(int(counts.max()) if counts.size else 0):
        rows = np.flatnonzero(counts > k)
        j = starts[rows] + k
        for spec in ACTOR_SCHEMA:
            names.append(f"actor_{k + 1}_{spec.path}")
            arrays.append(_typed(pa, spec, portfolio.actors[spec.path][j], rows, n))
    meta = {FORMAT_KEY: FORMAT_ID, NAME_KEY: portfolio.name.encode("utf-8")}
    return pa.Table.from_arrays(arrays, names=names, metadata=meta)


def _typed(
    pa: Any, spec: FieldSpec, col: Array, rows: Any = None, n: int | None = None
) -> Any:
    """One column as an Arrow array; ``rows`` places it in ``n`` rows."""
    k = spec.kind
    if k in ("amount", "share", "count", "bool"):
        missing = np.isnan(col)
        if k == "count":
            values: Array = np.where(missing, 0, col).astype(np.int64)
        elif k == "bool":
            values = col == 1.0
        else:
            values = col
        kind: Any = {"count": pa.int64(), "bool": pa.bool_()}.get(k, pa.float64())
    elif k == "date":
        values, missing, kind = col, np.isnat(col), pa.date32()
    else:
        cells = np.array(format_cells(spec, col), dtype=object)
        missing = cells == ""
        values, kind = cells, pa.string()
        if k == "str":  # text is kept as it is, "" included
            missing = np.zeros(len(col), dtype=bool)
    if rows is not None and n is not None:
        full = np.zeros(n, dtype=values.dtype)
        full[rows] = values
        gone = np.ones(n, dtype=bool)
        gone[rows] = missing
        values, missing = full, gone
    if values.dtype == object:
        values = np.where(missing, "", values)
    out = pa.array(values, type=kind, mask=missing)
    if values.dtype == object and spec.path not in _DISTINCT_TEXT:
        out = out.dictionary_encode()  # categories, codes, lists: read as codes
    return out


#: Text columns written as plain strings (mostly distinct); the others are
#: dictionary-encoded.
_DISTINCT_TEXT = frozenset({"id", "title", "notes"})


def write_parquet(portfolio: Portfolio, path: Path) -> None:
    """Write ``portfolio`` as a Parquet file (zstd compressed)."""
    require_pyarrow("Writing Parquet files")
    pq = importlib.import_module("pyarrow.parquet")
    pq.write_table(portfolio_table(portfolio), path, compression="zstd")


def write_arrow(portfolio: Portfolio, path: Path) -> None:
    """Write ``portfolio`` as an Arrow IPC file (Feather version 2)."""
    require_pyarrow("Writing Arrow files")
    feather = importlib.import_module("pyarrow.feather")
    feather.write_feather(portfolio_table(portfolio), str(path), compression="zstd")


# ---------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------
def read_parquet(path: Path, name: str | None = None) -> Portfolio:
    """Read a Parquet portfolio file."""
    pa = require_pyarrow("Reading Parquet files")
    pq = importlib.import_module("pyarrow.parquet")
    try:
        meta = pq.read_metadata(path)
        cells = meta.num_rows * meta.num_columns
        if cells > max(_BOMB_FLOOR, _BOMB_RATIO * path.stat().st_size):
            raise DataFormatError(
                path.name,
                "content",
                f"{meta.num_rows} rows x {meta.num_columns} columns",
                f"at most {_BOMB_RATIO} cells per byte of the file",
                hint="The file looks like a compression bomb; it was not read.",
            )
        names = meta.schema.to_arrow_schema().names
        table = pq.read_table(path, read_dictionary=_code_columns(names))
    except OSError as exc:
        raise open_error(path, exc) from exc
    except (pa.ArrowException, ValueError) as exc:
        raise _corrupt(path, "a Parquet file", exc) from exc
    return table_portfolio(table, path.name, name, path.stem)


def _code_columns(names: list[str]) -> list[str]:
    """Text columns that repeat their values, read as codes (dictionaries).

    Parquet keeps such columns dictionary-encoded; reading them so skips
    making a string per row. Distinct text (ids, titles, notes) and numbers
    are read as they are.
    """
    layout = Layout.from_header(names)
    kinds = {i: SPEC_BY_PATH[p] for p, i in layout.columns.items()}
    kinds.update({i: ACTOR_SPEC[f] for (_, f), i in layout.actors.items()})
    return [
        names[i]
        for i, spec in kinds.items()
        if spec.path not in _DISTINCT_TEXT
        and spec.kind not in ("amount", "share", "count", "bool", "date")
    ]


def read_arrow(path: Path, name: str | None = None) -> Portfolio:
    """Read an Arrow IPC (Feather version 2) portfolio file."""
    pa = require_pyarrow("Reading Arrow files")
    ipc = importlib.import_module("pyarrow.ipc")
    try:
        with pa.OSFile(str(path), "rb") as f:
            table = ipc.open_file(f).read_all()
        table.validate(full=True)  # offsets and lengths, before any value is read
    except FileNotFoundError as exc:
        raise open_error(path, exc) from exc
    except (pa.ArrowException, ValueError, OSError) as exc:
        raise _corrupt(path, "an Arrow IPC file (Feather version 2)", exc) from exc
    return table_portfolio(table, path.name, name, path.stem)


def _corrupt(path: Path, expected: str, exc: Exception) -> DataFormatError:
    return DataFormatError(
        path.name, "content", type(exc).__name__, expected, hint=str(exc)[:200]
    )


def read_csv_arrow(path: Path, source: str, name: str) -> Portfolio | None:
    """Read a CSV file with pyarrow's reader; None to use the own reader.

    Every cell is read as text, then parsed as the own reader parses it;
    a file pyarrow cannot read, or one with a problem, returns None so that
    the own reader reads it and reports every problem with its line.
    """
    try:
        pa = importlib.import_module("pyarrow")
        pacsv = importlib.import_module("pyarrow.csv")
    except ImportError:
        return None
    header = _csv_header(path)
    if header is None or len(set(header)) != len(header) or _bare_cr(path):
        return None
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(block_size=1 << 24),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
                check_utf8=True,
            ),
        )
    except (pa.ArrowException, OSError, ValueError):
        return None
    if table.column_names != header or table.num_rows == 0:
        return None
    try:
        return _fast(table, name, unescape=True)
    except Declined:
        return None


def _bare_cr(path: Path) -> bool:
    """Whether a carriage return stands alone (pyarrow and csv disagree on it).

    The file is read block by block into one buffer (no new memory per
    block), and the byte after each CR is checked in numpy.
    """
    buf = bytearray(1 << 22)
    data = np.frombuffer(buf, dtype=np.uint8)
    carry = False  # the previous block ended with a CR
    try:
        with path.open("rb") as f:
            while k := f.readinto(buf):
                block = data[:k]
                if carry and block[0] != _LF:
                    return True
                crs = np.flatnonzero(block == _CR)
                carry = bool(crs.size) and crs[-1] == k - 1
                inner = crs[:-1] if carry else crs
                if (block[inner + 1] != _LF).any():
                    return True
    except OSError:
        return True
    return bool(carry)


_CR, _LF = 13, 10


def _csv_header(path: Path) -> list[str] | None:
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as f:
            first = f.readline()
        return next(csv.reader([first], strict=True))
    except (OSError, UnicodeDecodeError, csv.Error, StopIteration):
        return None


def table_portfolio(table: Any, source: str, name: str | None, stem: str) -> Portfolio:
    """Build the portfolio of an Arrow table in the CSV layout (see module)."""
    meta = table.schema.metadata or {}
    label = name or meta.get(NAME_KEY, b"").decode("utf-8", "replace") or stem
    try:
        return _fast(table, label, unescape=False)
    except Declined:
        return _via_csv(table, source, label)


def _via_csv(table: Any, source: str, name: str) -> Portfolio:
    """Read the table as CSV text with the own reader (for its messages)."""
    pa = require_pyarrow("Reading columnar files")
    pc = importlib.import_module("pyarrow.compute")
    pacsv = importlib.import_module("pyarrow.csv")
    columns = []
    names = [str(c) for c in table.column_names]
    for label, col in zip(names, table.columns, strict=True):
        if pa.types.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
        if pa.types.is_floating(col.type):
            col = pc.if_else(pc.is_nan(col), None, col)
        try:
            text = pc.cast(col, pa.string()).fill_null("")
        except (pa.ArrowException, ValueError) as exc:
            raise DataFormatError(
                source,
                "columns",
                str(col.type),
                "text, numbers, booleans or dates",
                hint=str(exc)[:200],
            ) from exc
        cells = text.to_pylist()
        if _is_text(label):  # the own reader takes the quote off text cells only
            cells = escape_cells(cells)
        columns.append(pa.array(cells, type=pa.string()))
    with tempfile.TemporaryDirectory(prefix="kampala-") as tmp:
        path = Path(tmp) / "table.csv"
        pacsv.write_csv(
            pa.Table.from_arrays(columns, names=names),
            path,
            write_options=pacsv.WriteOptions(quoting_style="needed"),
        )
        return read_csv(path, source, name)


def _is_text(column: str) -> bool:
    m = ACTOR_COLUMN.fullmatch(column)
    spec = ACTOR_SPEC.get(m.group(2)) if m else SPEC_BY_PATH.get(column)
    return spec is not None and spec.kind in ("str", "strlist")


# --- the fast path -----------------------------------------------------------
def _fast(table: Any, name: str, *, unescape: bool) -> Portfolio:
    """Build the portfolio column by column, or raise `Declined`."""
    names = [str(c) for c in table.column_names]
    layout = Layout.from_header(names)
    if layout.problems:
        raise Declined
    n = table.num_rows
    columns = {
        path: _column(SPEC_BY_PATH[path], table.column(i), DEFAULTS.get(path), unescape)
        for path, i in layout.columns.items()
    }
    actors = _actors(table, layout, n, unescape)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            pf = Portfolio.from_columns(columns, actors, name=name, copy=False)
        except (PortfolioValidationError, DataFormatError) as exc:
            raise Declined from exc
    for w in caught:
        warnings.warn(w.message, w.category, stacklevel=5)
    return pf


def _actors(table: Any, layout: Layout, n: int, unescape: bool) -> dict[str, Array]:
    """Actor columns, partnership by partnership (slots fill from 1, no gaps).

    Each field's slot columns are converted at once (slot after slot, the
    rows that have that actor), then put in partnership order by one gather.
    """
    pa = importlib.import_module("pyarrow")
    slots: list[tuple[dict[str, Any], Array]] = []
    previous = np.ones(n, dtype=bool)
    for k in range(1, layout.n_actors + 1):
        cols = {
            f: table.column(layout.actors[(k, f)])
            for f in ACTOR_SPEC
            if (k, f) in layout.actors
        }
        present = np.zeros(n, dtype=bool)
        for col in cols.values():
            present |= _filled(col)
            if present.all():  # the usual case: the first field says it all
                break
        if (present & ~previous).any():
            raise Declined  # a gap: the own reader says where
        previous = present
        if present.any():
            slots.append((cols, present))
    if not slots:
        return {}
    counts = np.sum([present for _, present in slots], axis=0, dtype=np.int64)
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rows = [np.flatnonzero(present) for _, present in slots]
    # actor k of row r goes to position start[r] + k; ``order`` gathers them
    where = np.concatenate([start[r] + k for k, r in enumerate(rows)])
    order = np.empty_like(where)
    order[where] = np.arange(where.size)
    out: dict[str, Array] = {"partnership": np.repeat(np.arange(n), counts)}
    for f, spec in ACTOR_SPEC.items():
        chunks: list[Any] = []
        for (cols, present), r in zip(slots, rows, strict=True):
            if f in cols:
                col = cols[f] if r.size == n else cols[f].filter(pa.array(present))
                chunks.extend(col.chunks)
            else:  # an empty cell is the field's default, as text
                chunks.append(pa.nulls(r.size, pa.string()))
        types = {c.type for c in chunks if c.null_count < len(c)}
        if len(types) > 1:  # slots written with different types
            raise Declined
        kind = types.pop() if types else pa.string()
        chunks = [c if c.type == kind else c.cast(kind) for c in chunks]
        column = pa.chunked_array(chunks, type=kind)
        out[f] = _column(spec, column, ACTOR_DEFAULTS.get(f), unescape, order)
    return out


def _filled(col: Any) -> Any:
    """Cells that hold a value (not null, not NaN, not empty text)."""
    pa = importlib.import_module("pyarrow")
    pc = importlib.import_module("pyarrow.compute")
    t = col.type
    if pa.types.is_dictionary(t):
        labels, codes = _codes(pa, col)
        return np.array([v != "" for v in labels], dtype=bool)[codes]
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        filled = pc.greater(pc.binary_length(col), 0)
    elif pa.types.is_floating(t):
        filled = pc.invert(pc.is_nan(col))
    else:
        filled = pc.is_valid(col)
    return np.asarray(filled.fill_null(False).to_numpy(zero_copy_only=False), bool)


def _holds_text(pa: Any, t: Any) -> bool:
    """Whether an Arrow type holds text (dictionary-encoded or not)."""
    if pa.types.is_dictionary(t):
        t = t.value_type
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t))


def _codes(pa: Any, col: Any) -> tuple[list[str], Array]:
    """Return the distinct texts of a column (null as ``""``) and row codes.

    A dictionary-encoded column gives its dictionary and indices as they
    are; plain text is encoded once (hashing in Arrow, no Python object
    per row).
    """
    if not isinstance(col, pa.ChunkedArray):
        col = pa.chunked_array([col])
    given = pa.types.is_dictionary(col.type)
    if given:
        try:
            col = col.unify_dictionaries()
        except pa.ArrowException:  # a null in a dictionary: encoded again
            col, given = col.cast(col.type.value_type), False
    if not given:  # hashed in Arrow, one dictionary
        col = col.dictionary_encode(null_encoding="encode")
        sizes = {len(c.dictionary) for c in col.chunks}
        if len(sizes) > 1:  # pragma: no cover - Arrow gives every chunk the last
            col = pa.chunked_array([col.combine_chunks().dictionary_encode()])
    if col.num_chunks == 0:
        return [], np.zeros(0, dtype=np.int32)
    dictionary = col.chunk(0).dictionary
    indices = pa.chunked_array([c.indices for c in col.chunks])
    labels = dictionary.to_pylist()
    if indices.null_count:  # a null: one more label, ""
        indices = indices.fill_null(len(labels))
        labels.append("")
    codes = np.asarray(indices.to_numpy(zero_copy_only=False))
    if given and len(codes):  # a label no row uses is not read
        unused = np.bincount(codes, minlength=len(labels)) == 0
        for i in np.flatnonzero(unused).tolist():
            labels[i] = labels[int(codes[0])]
    return ["" if v is None else v for v in labels], codes


def _column(
    spec: FieldSpec, col: Any, default: Any, unescape: bool, order: Any = None
) -> Array:
    """One Arrow column in its portfolio encoding, or raise `Declined`.

    ``order``, if given, picks and orders the rows of the result.
    """
    pa = importlib.import_module("pyarrow")
    pc = importlib.import_module("pyarrow.compute")
    t, k = col.type, spec.kind
    text = _holds_text(pa, t)
    if pa.types.is_dictionary(t) and (
        not text or k in ("amount", "share", "count") or spec.path in ("id", "title")
    ):
        col = col.cast(t.value_type)
        t = col.type
    if text and k in ("amount", "share", "count"):
        return _ordered(_numbers(pa, pc, col.fill_null(""), k), order)
    if text and spec.path in ("id", "title"):  # distinct text, checked later
        col = col.fill_null("")
        if unescape and pc.any(pc.starts_with(col, "'")).as_py():
            col = pa.chunked_array(
                [pa.array(list(map(unescape_cell, col.to_pylist())))]
            )
        values = np.asarray(col.to_numpy(zero_copy_only=False), dtype=object)
        return _ordered(values, order)
    if text:  # one Python object per distinct value (names, codes, lists)
        labels, codes = _codes(pa, col)
        if unescape and k in ("str", "strlist"):
            labels = [unescape_cell(v) for v in labels]
        table = _parsed(spec, labels, default)
        codes = _ordered(codes, order)
        return table[codes] if len(table) else table[:0]
    if k in ("amount", "share", "count") and (
        pa.types.is_floating(t) or pa.types.is_integer(t)
    ):
        values = np.asarray(
            col.cast(pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64
        )
        if k == "count" and (np.abs(values) >= MAX_EXACT_INT).any():
            raise Declined
        return _ordered(values, order)
    if k == "bool" and pa.types.is_boolean(t):
        values = np.asarray(
            col.cast(pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64
        )
        return _ordered(values, order)
    if k == "date" and (pa.types.is_date32(t) or pa.types.is_date64(t)):
        out = col.cast(pa.date32()).to_numpy(zero_copy_only=False)
        return _ordered(np.asarray(out, dtype="datetime64[D]"), order)
    raise Declined


def _ordered(values: Array, order: Any) -> Array:
    return values if order is None else values[order]


def _parsed(spec: FieldSpec, cells: Sequence[str], default: Any) -> Array:
    arr, bad = parse_column(spec, cells, default)
    if bad:
        raise Declined
    return arr


def _numbers(pa: Any, pc: Any, col: Any, kind: str) -> Array:
    """Decimal text (or integers for counts) to floats, NaN for empty cells.

    Arrow parses the cells; what it accepts beyond the CSV grammar is
    declined after: ``inf`` and ``nan`` spellings (a value that is not
    finite, or NaN from a cell that is not empty) and hexadecimal integers.
    """
    empty = pc.equal(col, "")
    values = pc.if_else(empty, pa.scalar(None, pa.string()), col)
    try:
        parsed = pc.cast(values, pa.int64() if kind == "count" else pa.float64())
    except (pa.ArrowException, ValueError) as exc:  # the own reader names it
        raise Declined from exc
    if kind == "count":  # Arrow takes 0x1F
        hexadecimal = pc.match_substring(col, "x", ignore_case=True)
        too_big = pc.or_(
            pc.greater_equal(parsed, MAX_EXACT_INT),
            pc.less_equal(parsed, -MAX_EXACT_INT),
        )
        if pc.any(hexadecimal).as_py() or pc.any(too_big).as_py():
            raise Declined  # not exact as a float: the own reader names it
    arr = np.asarray(
        parsed.cast(pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64
    )
    nan = np.isnan(arr)
    if np.count_nonzero(nan) != (pc.sum(empty).as_py() or 0):
        raise Declined  # "nan" spelled out
    if not np.isfinite(arr[~nan]).all():
        raise Declined  # an overflow: the own reader names it
    return arr


#: One Arrow column in its portfolio encoding, or `Declined` (the JSON Lines
#: bulk reader uses it too).
convert_column = _column
