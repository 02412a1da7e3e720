"""Parsing the cells of one CSV column into its portfolio encoding."""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from kampala._internal.text import enum_expected
from kampala.io._common import (
    BOOL_EXPECTED,
    COUNT_EXPECTED,
    DATE,
    DATE_EXPECTED,
    EMPTY_HINT,
    MAX_EXACT_INT,
    NUMBER_EXPECTED,
    Array,
)
from kampala.scales import enum_hint, parse_bool, parse_member
from kampala.schema import EnumFieldSpec, FieldSpec

Bad = list[tuple[int, Any, str, str]]  # (row in chunk, value, expected, hint)


_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


_INTEGER = re.compile(r"[+-]?[0-9]+")


_FLOAT_CHARS = re.compile(r"[0-9.eE+\-]*")


_INT_CHARS = re.compile(r"[0-9+\-]*")


_DATE_CHARS = re.compile(r"(?:[0-9]{4}-[0-9]{2}-[0-9]{2})*")


def parse_column(
    spec: FieldSpec, cells: Sequence[str], default: Any, decimal: str = "."
) -> tuple[Array, Bad]:
    """Parse the cells of one column, then check them with the field's validator.

    Parsing reports cells that are not text of the column's kind (``"1,5"``
    for a number, unless ``decimal`` is ``","``); the validator of
    `kampala.schema` reports parsed values that are out of bounds, in the
    same words as for a record.
    """
    if decimal != "." and spec.kind in ("amount", "share"):
        cells = decimal_point(cells, decimal)
    arr, bad = _parse_cells(spec, cells, default)
    parsed_bad = {b[0] for b in bad}
    more = [
        (r, p.value, p.expected, p.hint)
        for r, p in spec.validator.column(arr)
        if r not in parsed_bad
    ]
    if more:
        bad = sorted(bad + more, key=lambda b: b[0])
    return arr, bad


def _parse_cells(
    spec: FieldSpec, cells: Sequence[str], default: Any
) -> tuple[Array, Bad]:
    k = spec.kind
    if k == "str":
        if default is None:
            return np.array(cells, dtype=object), []
        return _with_default(cells, default), []
    if k == "strlist":
        return _parse_strlist(cells, spec.optional)
    if k == "date":
        return _parse_dates(cells)
    if k in ("amount", "share"):
        return _parse_floats(cells)
    if k == "count":
        return _parse_counts(cells)
    if k == "bool":
        lut = {"false": 0.0, "true": 1.0, "": math.nan}
        return _parse_mapped(cells, lut, np.float64, BOOL_EXPECTED, _bool_word)
    if not isinstance(spec, EnumFieldSpec):  # pragma: no cover - schema invariant
        raise TypeError(f"no CSV parser for {spec.path!r} ({k})")
    cls = spec.enum
    names = [m.value for m in cls]
    if k == "ordinal":
        lut = {v: float(i) for i, v in enumerate(names)}
        lut[""] = math.nan
        return _parse_mapped(
            cells, lut, np.float64, enum_expected(cls), _member_code(cls, float)
        )
    if k == "enum":
        ilut = {v: i for i, v in enumerate(names)}
        if spec.optional:
            ilut[""] = -1
        return _parse_mapped(
            cells, ilut, np.int16, enum_expected(cls), _member_code(cls, int)
        )
    return _parse_enumset(cells, cls, spec.optional)


#: ``(value, hint)``: the parsed value of a cell, or None and a hint.
Lookup = Callable[[str], tuple[Any, str]]


def _bool_word(cell: str) -> tuple[Any, str]:
    value = parse_bool(cell)
    return (None, "") if value is None else (float(value), "")


def _member_code(cls: type[enum.Enum], kind: Callable[[int], Any]) -> Lookup:
    """Look a cell up by the Spanish label or any spelling of a member."""
    order = {m: i for i, m in enumerate(cls)}

    def look(cell: str) -> tuple[Any, str]:
        member = parse_member(cls, cell)
        if member is None:
            return None, enum_hint(cls, cell)
        return kind(order[member]), ""

    return look


_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]*)?")


def decimal_point(cells: Sequence[str], decimal: str) -> Sequence[str]:
    """Rewrite numbers written with a decimal comma (``1.500,25``) with a point.

    With ``decimal=","`` a point is a thousands separator only between groups
    of three digits before a comma or at the end (``1.500`` is 1500, ``0.25``
    stays 0.25); any other cell is left for the number parser to judge.
    """
    if not any(decimal in c for c in cells) and not any("." in c for c in cells):
        return cells
    out = list(cells)
    for i, c in enumerate(out):
        if _GROUPED.fullmatch(c):
            c = c.replace(".", "")
        if decimal in c and "." not in c:
            c = c.replace(decimal, ".")
        out[i] = c
    return out


def _with_default(cells: Sequence[str], default: str) -> Array:
    """Text cells, an empty one meaning ``default``.

    One str object per distinct value, so that rows do not keep their own.
    """
    canonical = {c: c for c in set(cells)}
    if "" in canonical:
        canonical[""] = default
    return np.array(list(map(canonical.__getitem__, cells)), dtype=object)


def _present(
    cells: Sequence[str],
) -> tuple[npt.NDArray[np.bool_] | None, Sequence[str]]:
    """Mask of non-empty cells (None if all are) and their values."""
    empty = cells.count("")
    if empty == 0:
        return None, cells
    if empty == len(cells):
        return np.zeros(len(cells), dtype=bool), []
    return np.array(cells, dtype=object) != "", list(filter(None, cells))


def _all_at_once(
    values: Sequence[str], present: npt.NDArray[np.bool_] | None, out: Array
) -> Array | None:
    """Parse every present cell with one numpy conversion, or None if one fails."""
    try:
        parsed = np.array(values, dtype=out.dtype)
    except ValueError:
        return None
    if present is None:
        return parsed
    out[present] = parsed
    return out


def _parse_floats(cells: Sequence[str]) -> tuple[npt.NDArray[np.float64], Bad]:
    out = np.full(len(cells), np.nan)
    present, values = _present(cells)
    if not values:
        return out, []
    if _FLOAT_CHARS.fullmatch("".join(values)):
        done = _all_at_once(values, present, out)
        if done is not None:
            return done, []
    bad: Bad = []
    for i, c in enumerate(cells):
        if not c:
            continue
        if _NUMBER.fullmatch(c):
            out[i] = float(c)
        else:
            hint = "Use '.' as the decimal separator. " if "," in c else ""
            bad.append((i, c, NUMBER_EXPECTED, hint + EMPTY_HINT))
    return out, bad


def _parse_counts(cells: Sequence[str]) -> tuple[npt.NDArray[np.float64], Bad]:
    out = np.full(len(cells), np.nan)
    present, values = _present(cells)
    if not values:
        return out, []
    bad: Bad = []
    parsed: npt.NDArray[np.float64] | None = None
    if _INT_CHARS.fullmatch("".join(values)):
        try:
            ints = np.array(values, dtype=np.int64)
        except (ValueError, OverflowError):
            parsed = None
        else:  # a count above 2**53 has no exact float: mark it, report it
            parsed = np.where(
                (ints > MAX_EXACT_INT) | (ints < -MAX_EXACT_INT),
                np.inf,
                ints.astype(np.float64),
            )
    if parsed is not None:
        out = parsed if present is None else out
        if present is not None:
            out[present] = parsed
    else:
        for i, c in enumerate(cells):
            if not c:
                continue
            if _INTEGER.fullmatch(c):  # no int() of 4,300 digits
                exact = len(c) <= 18 and abs(int(c)) <= MAX_EXACT_INT
                out[i] = float(int(c)) if exact else math.inf
            else:
                bad.append((i, c, COUNT_EXPECTED, EMPTY_HINT))
    wrong = (out < 0) | (out > MAX_EXACT_INT)
    if wrong.any():
        bad += [
            (
                int(r),
                int(out[r]) if np.isfinite(out[r]) else cells[int(r)],
                COUNT_EXPECTED,
                "" if np.isfinite(out[r]) else "Counts above 2**53 are not exact.",
            )
            for r in np.flatnonzero(wrong)
        ]
        bad.sort(key=lambda b: b[0])
    return out, bad


def _parse_dates(cells: Sequence[str]) -> tuple[Array, Bad]:
    out = np.full(len(cells), np.datetime64("NaT"), dtype="datetime64[D]")
    present, values = _present(cells)
    if not values:
        return out, []
    if _DATE_CHARS.fullmatch("".join(values)) and set(map(len, values)) == {10}:
        done = _all_at_once(values, present, out.copy())
        if done is not None and not (done < np.datetime64("0001-01-01")).any():
            return done, []
    bad: Bad = []
    for i, c in enumerate(cells):
        if not c:
            continue
        try:
            if not DATE.fullmatch(c):
                raise ValueError(c)
            out[i] = np.datetime64(dt.date.fromisoformat(c), "D")
        except ValueError:
            bad.append((i, c, DATE_EXPECTED, EMPTY_HINT))
    return out, bad


def _parse_mapped(
    cells: Sequence[str],
    lut: Mapping[str, Any],
    dtype: Any,
    expected: str,
    lookup: Lookup,
) -> tuple[Array, Bad]:
    n = len(cells)
    try:
        return np.fromiter(map(lut.__getitem__, cells), dtype=dtype, count=n), []
    except KeyError:
        pass
    missing = math.nan if np.dtype(dtype).kind == "f" else -1
    found = dict(lut)  # codes, then other spellings as they are met
    unknown: dict[str, str] = {}  # cell -> hint
    for c in set(cells).difference(found):
        v, hint = lookup(c)
        if v is None:
            unknown[c] = hint
        else:
            found[c] = v
    for c in unknown:
        found[c] = missing
    out = np.fromiter(map(found.__getitem__, cells), dtype=dtype, count=n)
    if not unknown:
        return out, []
    bad: Bad = [
        (i, c, expected, unknown[c]) for i, c in enumerate(cells) if c in unknown
    ]
    return out, bad


def _factorize(cells: Sequence[str]) -> tuple[npt.NDArray[np.intp], list[str]]:
    uniq = list(dict.fromkeys(cells))
    if len(uniq) == 1:
        return np.zeros(len(cells), dtype=np.intp), uniq
    lookup = {u: i for i, u in enumerate(uniq)}
    codes = np.fromiter(map(lookup.__getitem__, cells), dtype=np.intp, count=len(cells))
    return codes, uniq


def _bad_rows(
    codes: npt.NDArray[np.intp], bad_codes: Mapping[int, tuple[Any, str, str]]
) -> Bad:
    if not bad_codes:
        return []
    rows = np.flatnonzero(np.isin(codes, list(bad_codes)))
    return [(int(r), *bad_codes[int(codes[r])]) for r in rows]


def _parse_strlist(cells: Sequence[str], optional: bool) -> tuple[Array, Bad]:
    """Items joined by ';' ("[]" for an empty list), parsed once per distinct cell."""
    codes, uniq = _factorize(cells)
    table = np.empty(len(uniq), dtype=object)
    missing = None if optional else ()
    for i, cell in enumerate(uniq):
        if cell == "":
            table[i] = missing
        elif cell == "[]":
            table[i] = ()
        else:
            table[i] = tuple(cell.split(";"))
    return table[codes], []


def _parse_enumset(
    cells: Sequence[str], cls: type[enum.Enum], optional: bool
) -> tuple[Array, Bad]:
    members: dict[str, int] = {m.value: j for j, m in enumerate(cls)}
    order = {m: j for j, m in enumerate(cls)}
    codes, uniq = _factorize(cells)
    missing = np.nan if optional else 0.0
    table = np.zeros((len(uniq), len(members)))
    bad_codes: dict[int, tuple[Any, str, str]] = {}
    for i, cell in enumerate(uniq):
        if cell == "":
            table[i] = missing
            continue
        if cell == "[]":
            continue
        items = cell.split(";")
        wrong = [x for x in items if x not in members]
        if wrong:  # Spanish labels, other spellings
            found = {x: parse_member(cls, x.strip()) for x in wrong}
            for x, m in found.items():
                if m is not None:
                    members[x] = order[m]
            wrong = [x for x in wrong if found[x] is None]
        if wrong:
            hint = enum_hint(cls, wrong[0]) or "Separate values with ';'."
            bad_codes[i] = (wrong[0], enum_expected(cls), hint)
            table[i] = missing
        elif len(set(items)) != len(items):
            bad_codes[i] = (cell, "free of repeated values", "")
            table[i] = missing
        else:
            table[i, [members[x] for x in items]] = 1.0
    return table[codes], _bad_rows(codes, bad_codes)
