"""CSV portfolio files: one row per partnership, read column by column."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import operator
import re
import typing
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import attrs
import numpy as np
import numpy.typing as npt

from kampala._internal.csvsafe import escape_cells, unescape_cell
from kampala.errors import (
    DataFormatError,
    PortfolioValidationError,
    RecordValidationError,
)
from kampala.i18n import translate
from kampala.io._common import (
    ACTOR_COLUMN,
    ACTOR_DEFAULTS,
    ACTOR_FIELDS,
    ACTOR_SPEC,
    COLUMNS,
    DEFAULTS,
    NO_VALUE,
    SPEC_BY_PATH,
    Array,
    open_error,
    record_error,
    suggest,
)
from kampala.io._csv_cells import Bad, parse_column
from kampala.io._csv_dialect import (
    DEFAULT,
    ENCODINGS,
    HEAD_BYTES,
    Dialect,
    check_options,
    detect_dialect,
)
from kampala.io._headers import canonical_column, header_row, is_known_column
from kampala.portfolio import ACTOR_SCHEMA, Portfolio
from kampala.provenance import FileProvenance, Source, now
from kampala.scales import labels
from kampala.schema import RULES, EnumFieldSpec, FieldSpec

__all__: list[str] = []  # the functions are private; see kampala.io.formats

_CHUNK_ROWS = 50_000


@attrs.frozen
class Layout:
    """Where each known column of a header is; problems with the header."""

    columns: dict[str, int]
    actors: dict[tuple[int, str], int]
    n_actors: int
    width: int
    problems: list[tuple[str, Any, str, str]]

    @classmethod
    def from_header(cls, header: Sequence[str]) -> Layout:
        columns: dict[str, int] = {}
        actors: dict[tuple[int, str], int] = {}
        problems: list[tuple[str, Any, str, str]] = []
        seen: set[str] = set()
        for i, cell in enumerate(header):
            col = canonical_column(cell)
            if col in seen:
                problems.append(
                    (col, NO_VALUE, "unique in the header", "Remove the repeat.")
                )
                continue
            seen.add(col)
            if col in SPEC_BY_PATH and col in COLUMNS:
                columns[col] = i
                continue
            m = ACTOR_COLUMN.fullmatch(col)
            if m:
                actors[(int(m.group(1)), m.group(2))] = i
                continue
            problems.append(
                (
                    cell,
                    NO_VALUE,
                    "a column of the kampala portfolio CSV layout",
                    suggest(col, [*COLUMNS, "actor_1_name"]).replace(
                        "Valid names: ", "Valid columns: "
                    ),
                )
            )
        for required in ("id", "title"):
            if required not in columns:
                problems.append(
                    (required, NO_VALUE, "a column of the header", "It is required.")
                )
        n_actors = max((k for k, _ in actors), default=0)
        return cls(columns, actors, n_actors, len(header), problems)


def header_error(
    problem: tuple[str, Any, str, str], note: str | None
) -> RecordValidationError:
    field, value, expected, hint = problem
    return record_error("header", field, value, expected, hint, note)


def _csv_header(n_actors: int) -> list[str]:
    return list(COLUMNS) + [
        f"actor_{k}_{f}" for k in range(1, n_actors + 1) for f in ACTOR_FIELDS
    ]


def write_csv(
    portfolio: Portfolio,
    f: TextIO,
    *,
    formula_escape: bool = True,
    dialect: Dialect = DEFAULT,
    lang: str | None = None,
) -> None:
    """Write ``portfolio`` as CSV; text cells are formula-escaped by default.

    ``lang`` (``"en"`` or ``"es"``) writes labels for the header and the
    values of scales instead of column names and codes.
    """
    writer = csv.writer(f, delimiter=dialect.sep, lineterminator="\r\n")
    for rows in table_rows(portfolio, formula_escape, dialect.decimal, lang):
        writer.writerows(rows)


def table_rows(
    portfolio: Portfolio, formula_escape: bool, decimal: str, lang: str | None
) -> Iterator[Iterable[Sequence[str]]]:
    """Yield the header, then chunks of rows, of a portfolio as text cells."""
    n = len(portfolio)
    idx = portfolio.actors["partnership"]
    counts = np.bincount(idx, minlength=n) if n else np.zeros(0, dtype=np.intp)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.intp)
    n_actors = int(counts.max()) if counts.size else 0
    yield [header_row(_csv_header(n_actors), lang)]

    def text(spec: FieldSpec, col: Array) -> list[str]:
        return _safe(spec, _format_cells(spec, col, decimal, lang), formula_escape)

    for lo in range(0, n, _CHUNK_ROWS):
        hi = min(lo + _CHUNK_ROWS, n)
        cells = [text(SPEC_BY_PATH[c], portfolio.columns[c][lo:hi]) for c in COLUMNS]
        for k in range(n_actors):
            rows = np.flatnonzero(counts[lo:hi] > k)
            j = starts[lo:hi][rows] + k
            for spec in ACTOR_SCHEMA:
                column = np.full(hi - lo, "", dtype=object)
                column[rows] = text(spec, portfolio.actors[spec.path][j])
                cells.append(column.tolist())
        yield zip(*cells, strict=True)


def _safe(spec: FieldSpec, cells: list[str], formula_escape: bool) -> list[str]:
    """Formula-escape the cells of a text column (see `kampala._internal.csvsafe`)."""
    if formula_escape and spec.kind in ("str", "strlist"):
        return escape_cells(cells)
    return cells


# --- read hook: undo the formula escape of `write_csv` ----------------------
def _unescape_column(cells: Sequence[str]) -> Sequence[str]:
    """Drop the ``'`` that `write_csv` put before a formula trigger.

    A cell is changed only when it starts with ``'`` and, after its leading
    quotes, with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return; any
    other text is read as is. So a file kampala wrote reads back exactly.
    """
    if not any(c.startswith("'") for c in cells):
        return cells
    return [unescape_cell(c) for c in cells]


def _format_cells(
    spec: FieldSpec, col: Array, decimal: str = ".", lang: str | None = None
) -> list[str]:
    """Encode one column as CSV cells (see the format reference)."""
    k = spec.kind
    if k == "str":
        return typing.cast(list[str], col.tolist())
    if k == "strlist":
        cache: dict[Any, str] = {}
        out = []
        for v in col.tolist():
            s = cache.get(v)
            if s is None:
                s = cache[v] = _format_list(v, spec.optional, spec.path)
            out.append(s)
        return out
    if k == "date":
        text = np.datetime_as_string(col, unit="D").astype(object)
        text[np.isnat(col)] = ""
        return typing.cast(list[str], text.tolist())
    if k in ("amount", "share"):
        cells = ["" if x != x else repr(x) for x in col.tolist()]
        return cells if decimal == "." else [t.replace(".", decimal) for t in cells]
    if k == "count":
        return ["" if x != x else str(int(x)) for x in col.tolist()]
    if k == "bool":
        words = ["no", "sí"] if lang == "es" else ["false", "true"]
        table = np.array([*words, ""], dtype=object)
        return typing.cast(
            list[str], table[np.where(np.isnan(col), 2, col).astype(np.intp)].tolist()
        )
    if not isinstance(spec, EnumFieldSpec):  # pragma: no cover - schema invariant
        raise TypeError(f"no CSV writer for {spec.path!r} ({k})")
    values = list(labels(spec.enum, lang or "en"))
    if k in ("ordinal", "enum"):
        table = np.array([*values, ""], dtype=object)
        missing = np.isnan(col) if k == "ordinal" else col < 0
        codes = np.where(missing, len(values), col).astype(np.intp)
        return typing.cast(list[str], table[codes].tolist())
    # enumset: one bit per member, -1 for a missing row
    bits = ((col == 1.0) @ (1 << np.arange(len(values)))).astype(np.int64)
    bits[np.isnan(col).any(axis=1)] = -1
    uniq, inverse = np.unique(bits, return_inverse=True)
    strings = np.empty(len(uniq), dtype=object)
    for i, b in enumerate(uniq.tolist()):
        members = None if b < 0 else [v for j, v in enumerate(values) if b >> j & 1]
        strings[i] = _format_list(members, spec.optional)
    return typing.cast(list[str], strings[inverse.reshape(-1)].tolist())


def _format_list(items: Sequence[str] | None, optional: bool, path: str = "") -> str:
    if items is None:
        return ""
    if not items:
        return "[]" if optional else ""
    for item in items:
        if ";" in item or item == "[]":
            raise DataFormatError(
                "write_portfolio()",
                path,
                item,
                "free of ';' and not '[]' to be written to CSV",
                hint="Use the JSON or JSON Lines format for such values.",
            )
    return ";".join(items)


_BLOCK_BYTES = 1 << 23


_COMMA = "\x00"  # stands for a comma inside a quoted cell (fast path only)


_ROW_MARK = "\x03"  # marks the first cell of each row (fast path only)


_JOIN = "\x02"  # joins cells for whole-column string operations (fast path only)


@attrs.define
class _Collector:
    """Arrays parsed chunk by chunk, and the problems found."""

    columns: dict[str, list[Array]] = attrs.field(factory=dict)
    actors: dict[str, list[Array]] = attrs.field(factory=dict)
    lines: list[Array] = attrs.field(factory=list)
    problems: list[tuple[int, RecordValidationError]] = attrs.field(factory=list)
    n_rows: int = 0
    #: ``note(line, field)``: where a problem is (``line 12``, ``Hoja1!F12``)
    note: Callable[[int, str], str] = attrs.field(default=lambda n, _: f"line {n}")
    #: what a line is called in messages (``line``; ``row`` in a workbook)
    row_word: str = "line"

    def add(self, store: dict[str, list[Array]], key: str, arr: Array) -> None:
        store.setdefault(key, []).append(arr)


def read_csv(
    path: Path,
    source: str,
    name: str,
    *,
    sep: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
) -> Portfolio:
    encoding = check_options("read_portfolio()", sep, decimal, encoding)
    try:
        f = path.open("rb")
    except OSError as exc:
        raise open_error(path, exc) from exc
    with f:
        head = f.read(HEAD_BYTES)
        f.seek(0)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise DataFormatError(
                source,
                "encoding",
                "UTF-16",
                "UTF-8, Windows-1252 or Latin-1 text",
                hint=translate(
                    "Excel's 'Unicode Text' is UTF-16: save the sheet as "
                    "'CSV UTF-8' instead.",
                    None,
                ),
            )
        dialect = detect_dialect(
            head, sep=sep, decimal=decimal, encoding=encoding, known=is_known_column
        )
        header = _read_header(f, source, dialect)
        layout = Layout.from_header(header)
        if not layout.columns and sep is not None:
            _check_separator(head, header, dialect, source)
        out = _Collector()
        for p in layout.problems:
            out.problems.append((-1, header_error(p, "line 1")))
        _read_rows(f, layout, out, source, dialect)
    return _finish_csv(layout, out, source, name)


def _check_separator(
    head: bytes, header: list[str], dialect: Dialect, source: str
) -> None:
    """Refuse, in one line, a header that another separator would split."""
    other = detect_dialect(head, encoding=dialect.encoding, known=is_known_column)
    if other.sep == dialect.sep:
        return
    raise DataFormatError(
        f"{source} line 1",
        "sep",
        dialect.sep,
        f"the separator of the file, which is {other.sep!r}",
        hint=translate(
            "Pass sep={sep!r} (--sep '{sep}'), or leave it out to detect it.",
            None,
            sep=other.sep,
        ),
    )


def _read_header(f: BinaryIO, source: str, dialect: Dialect) -> list[str]:
    raw = f.readline()
    offset = len(raw)
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    text = _decode_block(raw, source, 0, dialect.encoding)
    if not text.strip():
        raise DataFormatError(
            source,
            "content",
            "empty file" if not offset else "a blank first line",
            "a header row with the column names",
        )
    try:
        return next(csv.reader([text], delimiter=dialect.sep, strict=True))
    except csv.Error as exc:
        raise DataFormatError(
            f"{source} line 1", "CSV", str(exc), "well-formed CSV"
        ) from exc


def _decode_block(block: bytes, source: str, line: int, encoding: str) -> str:
    """Decode the text; ``line`` is the number of lines before the block."""
    try:
        return block.decode(encoding)
    except UnicodeDecodeError as exc:
        at = line + 1 + block.count(b"\n", 0, exc.start)
        raise DataFormatError(
            f"{source} line {at}",
            "encoding",
            block[exc.start : exc.end],
            f"{ENCODINGS.get(encoding, encoding)} text",
            hint=translate(
                "The file looks like Windows-1252 (Excel in Spanish saves CSV so): "
                "pass encoding='cp1252' (--encoding cp1252), or save it as "
                "'CSV UTF-8'.",
                None,
            )
            if encoding == "utf-8"
            else "",
        ) from exc


def _read_rows(
    f: BinaryIO, layout: Layout, out: _Collector, source: str, dialect: Dialect
) -> None:
    """Read the rows after the header, block by block.

    Blocks end at a row boundary (by quote parity), so each block is split
    on its own: with ``str.split`` when it is plain CSV, the fast way, and
    with the csv module otherwise (multi-line cells, stray quotes, blank
    lines, rows of the wrong width). Both feed the same column parser.
    """
    line = 1
    rest = b""
    while True:
        data = f.read(_BLOCK_BYTES)
        buf = rest + data if rest else data
        if data:
            cut = _cut(buf)
            if cut == 0:  # no complete row yet
                rest = buf
                continue
            block, rest = buf[:cut], buf[cut:]
        else:
            block, rest = buf, b""
        if block:
            text = _decode_block(block, source, line, dialect.encoding)
            fast = layout.width > 1 and dialect.sep == ","
            split = _split_block(text, layout.width) if fast else None
            if split is None:
                line = _read_block_csv(text, layout, out, source, line, dialect)
            else:
                cells, n, commas = split
                lines = np.arange(line + 1, line + 1 + n, dtype=np.int64)
                _parse_chunk(layout, cells, lines, out, commas, dialect.decimal)
                line += n
        if not data:
            return


def _cut(buf: bytes) -> int:
    """End of the last complete row in ``buf`` (0 if none), by quote parity."""
    cut = buf.rfind(b"\n") + 1
    odd = buf.count(b'"', 0, cut) % 2
    while cut > 0 and odd:
        prev = buf.rfind(b"\n", 0, cut - 1) + 1
        odd ^= buf.count(b'"', prev, cut) % 2
        cut = prev
    return cut


def _split_block(text: str, width: int) -> tuple[list[Sequence[str]], int, bool] | None:
    """Split complete single-line CSV rows into columns, or None to use csv."""
    if _COMMA in text or _ROW_MARK in text or _JOIN in text:
        return None
    commas = False
    if '"' in text:
        unquoted = _unquote(text)
        if unquoted is None:
            return None
        text, commas = unquoted
    first_end = text.find("\n")
    end = "\r\n" if first_end > 0 and text[first_end - 1] == "\r" else "\n"
    if not text.endswith("\n"):
        text += end
    # every row now ends with `end`, which becomes "," + _ROW_MARK
    marked = text.replace(end, "," + _ROW_MARK)
    if "\r" in marked or "\n" in marked:
        return None  # mixed line ends or a bare CR: the csv module decides
    n = marked.count(_ROW_MARK)
    fields = marked.split(",")
    if len(fields) != n * width + 1:
        return None  # blank lines or rows of another width
    first = fields[0::width]
    if first[n] != _ROW_MARK or "".join(first[1:]).count(_ROW_MARK) != n:
        return None  # rows of different widths
    cells: list[Sequence[str]] = ["".join(first[:n]).split(_ROW_MARK)]
    cells.extend(fields[j::width] for j in range(1, width))
    return cells, n, commas


def _unquote(text: str) -> tuple[str, bool] | None:
    """Remove CSV quoting from rows whose quotes are all well placed.

    Quoted cells lose their quotes, doubled quotes become one and commas in
    them become a placeholder. None if a quote is not at the start or end of
    a cell, or a quoted cell spans lines: the csv module handles those.
    """
    segments = text.split('"')
    if len(segments) % 2 == 0:
        return None
    outside, inside = segments[0::2], segments[1::2]
    head, tail, middle = outside[0], outside[-1], outside[1:-1]
    if (head and head[-1] not in ",\n") or (tail and tail[0] not in ",\r\n"):
        return None
    used = list(filter(None, middle))
    if used and not (
        set(map(operator.itemgetter(0), used)) <= {",", "\n", "\r"}
        and set(map(operator.itemgetter(-1), used)) <= {",", "\n"}
    ):
        return None
    quoted = "".join(inside)
    if "\n" in quoted or "\r" in quoted:
        return None
    commas = "," in quoted
    if commas:
        inside = _JOIN.join(inside).replace(",", _COMMA).split(_JOIN)
    if "" in middle:  # "" inside a quoted cell stands for one quote
        middle = [m or '"' for m in middle]
    pieces: list[str] = [""] * len(segments)
    pieces[0::2] = [head, *middle, tail]
    pieces[1::2] = inside
    return "".join(pieces), commas


def _read_block_csv(
    text: str,
    layout: Layout,
    out: _Collector,
    source: str,
    line: int,
    dialect: Dialect = DEFAULT,
) -> int:
    """Split a block with the csv module (any valid CSV); return the last line."""
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=dialect.sep, strict=True
    )
    while True:
        before = reader.line_num
        try:
            rows = list(itertools.islice(reader, _CHUNK_ROWS))
        except csv.Error as exc:
            raise DataFormatError(
                f"{source} line {line + reader.line_num}",
                "CSV",
                str(exc),
                "well-formed CSV",
            ) from exc
        if not rows:
            return line + reader.line_num
        if reader.line_num - before == len(rows):
            lines = np.arange(len(rows), dtype=np.int64) + (line + before + 1)
        else:
            lines = _row_lines(rows, line + before)
        keep = []
        for i, row in enumerate(rows):
            if len(row) == layout.width:
                keep.append(i)
            elif row:  # a blank line is skipped
                err = record_error(
                    f"line {lines[i]}",
                    "row",
                    len(row),
                    f"{layout.width} cells, as many as the header",
                    _split_hint(dialect) if len(row) > layout.width else "",
                    f"line {lines[i]}",
                )
                out.problems.append((out.n_rows + len(keep), err))
        if len(keep) < len(rows):
            rows = [rows[i] for i in keep]
            lines = lines[keep]
        if rows:
            cells = list(zip(*rows, strict=True))
            _parse_chunk(layout, cells, lines, out, False, dialect.decimal)


def _split_hint(dialect: Dialect) -> str:
    """Say why a row may have too many cells: a separator inside a cell."""
    if dialect.sep != ",":
        return ""
    return translate(
        "A decimal comma (1,5) or a comma in unquoted text splits a cell: quote "
        "the cell, or save the file with ';' between cells (then the decimal "
        "comma is read).",
        None,
    )


def _take(cells: Sequence[str], rows: list[int]) -> Sequence[str]:
    if len(rows) == 1:
        return [cells[rows[0]]]
    return typing.cast(tuple[str, ...], operator.itemgetter(*rows)(cells))


def _row_lines(rows: list[list[str]], before: int) -> npt.NDArray[np.int64]:
    """First physical line of each row, when cells span several lines."""
    out = np.empty(len(rows), dtype=np.int64)
    line = before + 1
    for i, row in enumerate(rows):
        out[i] = line
        text = ",".join(row)
        line += 1 + text.count("\n") + text.count("\r") - text.count("\r\n")
    return out


def _restore(cells: Sequence[str]) -> Sequence[str]:
    joined = _JOIN.join(cells)
    if _COMMA not in joined:
        return cells
    return joined.replace(_COMMA, ",").split(_JOIN)


def _parse_chunk(
    layout: Layout,
    cells: Sequence[Sequence[str]],
    lines: npt.NDArray[np.int64],
    out: _Collector,
    commas: bool,
    decimal: str = ".",
) -> None:
    """Parse the columns of a chunk of rows and check them.

    ``commas`` says that commas of quoted cells are placeholders (fast path);
    ``decimal`` is the decimal mark of numbers.
    """
    n = len(lines)
    blank: tuple[str, ...] = ("",) * n

    def column(index: int | None, kind: str) -> Sequence[str]:
        if index is None:
            return blank
        if kind in ("str", "strlist"):
            text = _restore(cells[index]) if commas else cells[index]
            return _unescape_column(text)
        return cells[index]

    ids = column(layout.columns.get("id"), "str")
    row0 = out.n_rows

    def report(field: str, bad: Bad) -> None:
        for r, value, expected, hint in bad:
            if commas and isinstance(value, str):
                value = value.replace(_COMMA, ",")
            rid = ids[r]
            line = int(lines[r])
            where = f"partnership {rid!r}" if rid.strip() else f"{out.row_word} {line}"
            err = record_error(
                where,
                field,
                value,
                expected,
                hint,
                out.note(line, field),
                record_id=rid if rid.strip() else None,
            )
            out.problems.append((row0 + r, err))

    parsed: dict[str, Array] = {}
    for path in COLUMNS:
        spec = SPEC_BY_PATH[path]
        index = layout.columns.get(path)
        bad: Bad = []
        if index is None and path in ("id", "title"):
            arr = np.array(blank, dtype=object)  # reported once, in the header
        else:
            values = ids if path == "id" else column(index, spec.kind)
            arr, bad = parse_column(spec, values, DEFAULTS.get(path), decimal)
        report(path, bad)
        parsed[path] = arr
    _check_partnerships(parsed, report)
    _parse_actors(layout, column, n, row0, report, out, decimal)
    for path, arr in parsed.items():
        out.add(out.columns, path, arr)
    out.lines.append(lines)
    out.n_rows += n


def _check_partnerships(
    parsed: dict[str, Array], report: Callable[[str, Bad], None]
) -> None:
    """Cross-field rules of the schema, on the parsed columns."""
    for rule in RULES:
        problems = rule.column(parsed)
        report(rule.field, [(r, p.value, p.expected, p.hint) for r, p in problems])


def _parse_actors(
    layout: Layout,
    column: Callable[[int | None, str], Sequence[str]],
    n: int,
    row0: int,
    report: Callable[[str, Bad], None],
    out: _Collector,
    decimal: str = ".",
) -> None:
    previous = np.ones(n, dtype=bool)
    first_currency = np.full(n, "", dtype=object)
    mixed = np.zeros(n, dtype=bool)
    currencies: list[Array] = []
    for k in range(1, layout.n_actors + 1):
        raw: dict[str, Sequence[str]] = {}
        present = np.zeros(n, dtype=bool)
        for spec in ACTOR_SCHEMA:
            cells = column(layout.actors.get((k, spec.path)), spec.kind)
            raw[spec.path] = cells
            if cells.count("") != n:
                present |= np.array(cells, dtype=object) != ""
        gaps = present & ~previous
        report(
            f"actors[{k - 2}]",
            [
                (
                    int(r),
                    NO_VALUE,
                    f"present, since the actor_{k} columns are filled",
                    "Fill actor column groups from actor_1 up, without gaps.",
                )
                for r in np.flatnonzero(gaps)
            ],
        )
        previous = present
        rows = np.flatnonzero(present)
        if rows.size == 0:
            continue
        rows_list = rows.tolist()
        every = rows.size == n
        parsed: dict[str, Array] = {}
        for f in ACTOR_FIELDS:
            values = raw[f] if every else _take(raw[f], rows_list)
            arr, bad = parse_column(
                ACTOR_SPEC[f], values, ACTOR_DEFAULTS.get(f), decimal
            )
            report(
                f"actors[{k - 1}].{f}",
                [(rows_list[i], v, e, h) for i, v, e, h in bad],
            )
            parsed[f] = arr
        for f, arr in parsed.items():
            out.add(out.actors, f, arr)
        out.add(out.actors, "partnership", rows + row0)
        out.add(out.actors, "_slot", np.full(rows.size, k, dtype=np.int64))
        # one currency per partnership among actors with a contribution
        contributes = ~np.isnan(parsed["financial_contribution"]) | ~np.isnan(
            parsed["in_kind_contribution"]
        )
        full = np.full(n, "", dtype=object)
        full[rows] = np.where(contributes, parsed["currency"], "")
        currencies.append(full)
        has = full != ""
        mixed |= has & (first_currency != "") & (full != first_currency)
        first_currency = np.where((first_currency == "") & has, full, first_currency)
    report(
        "actors",
        [
            (
                int(r),
                sorted({str(c[r]) for c in currencies if c[r]}),
                "contributions in a single currency",
                "Convert all contributions to one currency (for example USD).",
            )
            for r in np.flatnonzero(mixed)
        ],
    )


def _finish_csv(layout: Layout, out: _Collector, source: str, name: str) -> Portfolio:
    ids = np.concatenate(out.columns["id"]) if out.columns else np.empty(0, object)
    lines = np.concatenate(out.lines) if out.lines else np.empty(0, np.int64)
    if "id" in layout.columns and len(set(ids.tolist())) != len(ids):
        first: dict[str, int] = {}
        for r, rid in enumerate(ids.tolist()):
            if not rid.strip():
                continue
            if rid in first:
                err = record_error(
                    f"partnership {rid!r}",
                    "id",
                    rid,
                    "unique in the portfolio",
                    f"It is also used on {out.row_word} {lines[first[rid]]}.",
                    out.note(int(lines[r]), "id"),
                    record_id=rid,
                )
                out.problems.append((r, err))
            else:
                first[rid] = r
    if out.problems:
        out.problems.sort(key=lambda p: p[0])
        raise PortfolioValidationError(source, [e for _, e in out.problems])
    columns = {
        path: _concat(out.columns.get(path), SPEC_BY_PATH[path], len(ids))
        for path in COLUMNS
        if path in layout.columns
    }
    actors: dict[str, Array] = {
        f: _concat(out.actors.get(f), ACTOR_SPEC[f], 0) for f in ACTOR_FIELDS
    }
    if out.actors:
        row = np.concatenate(out.actors["partnership"])
        slot = np.concatenate(out.actors["_slot"])
        order = np.lexsort((slot, row))
        actors = {f: a[order] for f, a in actors.items()}
        actors["partnership"] = row[order]
    else:
        actors["partnership"] = np.empty(0, dtype=np.int64)
    try:
        pf = Portfolio.from_columns(columns, actors, name=name, copy=False)
    except PortfolioValidationError as exc:  # pragma: no cover - checked above
        raise PortfolioValidationError(
            source, [_relocate(e, lines) for e in exc.exceptions]
        ) from None
    where = Source(kind="file", file=source, read_at=now())
    return pf.with_provenance(
        FileProvenance(file_source=where, location="line {n}", numbers=lines)
    )


def _concat(parts: list[Array] | None, spec: FieldSpec, n: int) -> Array:
    if parts:
        return np.concatenate(parts)
    if isinstance(spec, EnumFieldSpec) and spec.kind == "enumset":
        return np.zeros((n, len(spec.enum)))
    if spec.kind in ("str", "strlist"):
        return np.empty(n, dtype=object)
    if spec.kind == "enum":
        return np.zeros(n, dtype=np.int16)
    return np.zeros(n)


def _relocate(
    err: Exception, lines: npt.NDArray[np.int64]
) -> Exception:  # pragma: no cover - only if Portfolio finds what we missed
    notes = getattr(err, "__notes__", [])
    new = []
    for note in notes:
        m = re.fullmatch(r"record (\d+)", note)
        new.append(f"line {lines[int(m.group(1))]}" if m else note)
    err.__notes__ = new
    return err


# the parts a reader of other tables (workbooks) shares with the CSV reader
Collector = _Collector
parse_chunk = _parse_chunk
finish_table = _finish_csv
#: Cells of one column as `write_csv` writes them (the columnar formats use it).
format_cells = _format_cells
