"""Shared pieces of the portfolio readers and writers: layout, errors, files."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy.typing as npt

from kampala._internal.files import read_input_bytes
from kampala.errors import (
    DataFormatError,
    ParameterTypeError,
    PortfolioValidationError,
    RecordValidationError,
)
from kampala.portfolio import Portfolio
from kampala.records import Partnership
from kampala.schema import ACTOR_SCHEMA, SCHEMA, FieldSpec

PathLike = str | os.PathLike[str]


Array = npt.NDArray[Any]


NO_VALUE: Any = object()


MAX_EXACT_INT = 2**53


SPEC_BY_PATH: dict[str, FieldSpec] = {s.path: s for s in SCHEMA}


ACTOR_SPEC: dict[str, FieldSpec] = {s.path: s for s in ACTOR_SCHEMA}


#: Top-level columns in SCHEMA order, with ``notes`` last.
_TOP_COLUMNS = (
    *(s.path for s in SCHEMA if s.group is None and s.path != "notes"),
    "notes",
)


_EVIDENCE_COLUMNS = tuple(s.path for s in SCHEMA if s.group is not None)


COLUMNS = _TOP_COLUMNS + _EVIDENCE_COLUMNS


ACTOR_FIELDS = tuple(s.path for s in ACTOR_SCHEMA)


ACTOR_COLUMN = re.compile(r"actor_([1-9][0-9]{0,5})_(" + "|".join(ACTOR_FIELDS) + r")")


#: Fields whose default is not None: an empty cell (or a missing key in a
#: DataFrame) means this default.
DEFAULTS: dict[str, Any] = {
    s.path: s.default
    for s in SCHEMA
    if s.default is not None and s.default is not attrs.NOTHING
}
ACTOR_DEFAULTS: dict[str, Any] = {
    s.path: s.default
    for s in ACTOR_SCHEMA
    if s.default is not None and s.default is not attrs.NOTHING
}


DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


NUMBER_EXPECTED = "a decimal number such as 1500.0, 0.25 or 2.5e6"


COUNT_EXPECTED = "a whole number >= 0 or None"


BOOL_EXPECTED = "true, false or None"


DATE_EXPECTED = "an ISO date 'YYYY-MM-DD' or None"


_TEXT_EXPECTED = "a non-empty string"


EMPTY_HINT = "Leave the cell empty for None."


def check_portfolio(portfolio: Any, caller: str) -> None:
    if not isinstance(portfolio, Portfolio):
        raise ParameterTypeError(
            caller, "portfolio", type(portfolio).__name__, "a Portfolio"
        )


def check_name(name: Any, caller: str, *, required: bool = False) -> None:
    if name is None and not required:
        return
    if not isinstance(name, str) or not name:
        raise ParameterTypeError(caller, "name", name, "a non-empty string")


def open_error(path: Path, exc: OSError) -> DataFormatError:
    if isinstance(exc, FileNotFoundError):
        return DataFormatError(
            "read_portfolio()", "source", str(path), "an existing file"
        )
    return DataFormatError(
        "read_portfolio()", "source", str(path), "a readable file", hint=str(exc)
    )


def record_error(
    where: str,
    field: str,
    value: Any,
    expected: str,
    hint: str,
    note: str | None,
    *,
    record_id: str | None = None,
) -> RecordValidationError:
    if value is NO_VALUE:
        err = RecordValidationError(
            where, field, expected=expected, hint=hint, record_id=record_id
        )
    else:
        err = RecordValidationError(
            where, field, value, expected, hint=hint, record_id=record_id
        )
    if note is not None:
        err.add_note(note)
    return err


def build_portfolio(records: list[Partnership], source: str, name: str) -> Portfolio:
    try:
        return Portfolio.from_records(records, name=name)
    except PortfolioValidationError as exc:  # pragma: no cover - checked before
        raise PortfolioValidationError(source, list(exc.exceptions)) from None


def suggest(name: str, valid: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, valid, n=1)
    if close:
        return f"Did you mean {close[0]!r}?"
    return f"Valid names: {', '.join(valid)}."


def read_bytes(path: Path) -> bytes:
    # read_portfolio() has checked the size; a regular file is checked again
    return read_input_bytes(path, "read_portfolio()", "source", None)


def decode_utf8(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFormatError(
            where, "encoding", f"byte {exc.start}", "UTF-8 text"
        ) from exc
