"""Read and write portfolios as JSON, JSON Lines or flat CSV.

Three file formats hold a `Portfolio`; the layouts
are documented in the reference page *Portfolio file formats*
(``docs/reference/formats.md``):

- **JSON** (``.json``): ``{"format": "kampala.portfolio/1", "name": ...,
  "partnerships": [...]}``, or a bare list of partnership objects. Each
  partnership object uses the attrs field names of
  `Partnership`.
- **JSON Lines** (``.jsonl``): one partnership object per line.
- **CSV** (``.csv``): one row per partnership, one column per field
  (evidence fields by their dotted path in `SCHEMA`)
  and numbered column groups ``actor_1_name`` … for the actors.

Reading validates everything and reports every problem at once in one
`PortfolioValidationError`, whose sub-errors name the
partnership, the field, the value and what would be valid, each with a note
giving its location (``line N`` in CSV and JSON Lines, ``record N`` in JSON).
Nothing is coerced: ``"1,5"`` is not a number and ``"yes"`` is not a boolean.

JSON objects are (un)structured with a dedicated `cattrs` converter
(the ``io`` extra); CSV files are read column by column with numpy, which is
much faster for large portfolios.

Examples
--------
>>> import tempfile, pathlib
>>> from kampala.io import read_portfolio, write_portfolio
>>> from kampala.portfolio import Portfolio
>>> from kampala.records import Partnership
>>> pf = Portfolio.from_records([Partnership(id="A", title="Agua segura")])
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = pathlib.Path(tmp) / "cartera.csv"
...     write_portfolio(pf, path)
...     back = read_portfolio(path)
>>> back.records == pf.records
True
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import enum
import functools
import io
import itertools
import json
import math
import operator
import os
import re
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, TextIO

import attrs
import numpy as np
import numpy.typing as npt

from kampala._internal.text import enum_expected
from kampala.errors import (
    DataFormatError,
    ParameterTypeError,
    ParameterValueError,
    PortfolioValidationError,
    RecordValidationError,
)
from kampala.io._pandas import require_pandas
from kampala.portfolio import ACTOR_SCHEMA, SCHEMA, FieldSpec, Portfolio
from kampala.records import (
    _COUNTRY,
    _CURRENCY,
    _SDG_GOAL,
    _SDG_TARGET,
    _SECTOR,
    Partnership,
)

if TYPE_CHECKING:
    import cattrs

__all__ = [
    "portfolio_from_dicts",
    "portfolio_from_pandas",
    "portfolio_to_dicts",
    "portfolio_to_pandas",
    "read_portfolio",
    "write_portfolio",
]

PathLike = str | os.PathLike[str]
Format = Literal["csv", "json", "jsonl"]
Array = npt.NDArray[Any]

#: The ``format`` value of a JSON portfolio file.
_FORMAT_ID = "kampala.portfolio/1"

_FORMATS: tuple[Format, ...] = ("csv", "json", "jsonl")
_SUFFIXES: dict[str, Format] = {".csv": "csv", ".json": "json", ".jsonl": "jsonl"}
_ENVELOPE_KEYS = ("format", "name", "description", "partnerships")
_CHUNK_ROWS = 50_000
_MAX_EXACT_INT = 2**53
_NO_VALUE: Any = object()

# CSV layout -----------------------------------------------------------------
_SPEC: dict[str, FieldSpec] = {s.path: s for s in SCHEMA}
_ACTOR_SPEC: dict[str, FieldSpec] = {s.path: s for s in ACTOR_SCHEMA}
#: Top-level columns in SCHEMA order, with ``notes`` last.
_TOP_COLUMNS = (
    *(s.path for s in SCHEMA if s.group is None and s.path != "notes"),
    "notes",
)
_EVIDENCE_COLUMNS = tuple(s.path for s in SCHEMA if s.group is not None)
_COLUMNS = _TOP_COLUMNS + _EVIDENCE_COLUMNS
_ACTOR_FIELDS = tuple(s.path for s in ACTOR_SCHEMA)
_ACTOR_COLUMN = re.compile(
    r"actor_([1-9][0-9]{0,5})_(" + "|".join(_ACTOR_FIELDS) + r")"
)
#: Fields whose default is not None: an empty cell (or a missing key in a
#: DataFrame) means this default.
_DEFAULTS: dict[str, Any] = {
    "country": "PE",
    "notes": "",
    "sectors": (),
    "locations": (),
    "instruments": (),
}

# The record validators' own patterns (_COUNTRY … _SECTOR, from
# kampala.records) are checked column-wise, so both always agree.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

_SECTOR_EXPECTED = "an OECD DAC sector code of 3 or 5 digits, such as '311' or '31120'"
_SDG_EXPECTED = "an SDG target code such as '5.5' or '17.b'"
_GOAL_EXPECTED = "an SDG number from '1' to '17'"
_COUNTRY_EXPECTED = "an ISO 3166-1 alpha-2 code such as 'PE'"
_CURRENCY_EXPECTED = "an ISO 4217 code such as 'USD' or 'PEN'"
_NUMBER_EXPECTED = "a decimal number such as 1500.0, 0.25 or 2.5e6"
_COUNT_EXPECTED = "a whole number >= 0 or None"
_SHARE_EXPECTED = "a share in [0, 1] or None"
_BOOL_EXPECTED = "true, false or None"
_DATE_EXPECTED = "an ISO date 'YYYY-MM-DD' or None"
_TEXT_EXPECTED = "a non-empty string"
_EMPTY_HINT = "Leave the cell empty for None."
_AMOUNT_HINT = "Use None for an unknown amount."


#: Multi-valued string fields: item pattern (None: any non-empty text), what an
#: item must be, and what to say about repeated items (None: allowed).
_STRLISTS: dict[str, tuple[re.Pattern[str] | None, str, str | None]] = {
    "sectors": (_SECTOR, _SECTOR_EXPECTED, None),
    "locations": (None, "a non-empty place name or code", None),
    "results.sdg_targets": (_SDG_TARGET, _SDG_EXPECTED, "free of repeated targets"),
    "results.sdg_goals": (_SDG_GOAL, _GOAL_EXPECTED, "free of repeated goals"),
}


# ---------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------
def read_portfolio(
    source: PathLike, *, format: Format | None = None, name: str | None = None
) -> Portfolio:
    """Read a portfolio from a JSON, JSON Lines or CSV file.

    Every record is validated and every problem is reported at once.

    Parameters
    ----------
    source : str or os.PathLike
        Path of the file.
    format : {"json", "jsonl", "csv"}, default=None
        File format; by default inferred from the suffix (``.json``,
        ``.jsonl``, ``.csv``, in any case).
    name : str, default=None
        Name of the portfolio; by default the ``name`` of a JSON file, or
        else the file name without its suffix.

    Returns
    -------
    Portfolio
        The validated portfolio.

    Raises
    ------
    PortfolioValidationError
        Listing every invalid value, unknown field or column and repeated id,
        as `RecordValidationError` sub-errors that name
        the partnership (or the line if it has no id) and the field; each has
        a note ``line N`` (CSV, JSON Lines) or ``record N`` (JSON, counted
        from 0).
    DataFormatError
        If the file is missing or unreadable, is not UTF-8, is malformed JSON
        or CSV (with the line and column), or a JSON file is not a portfolio
        document.
    ParameterValueError
        If ``format`` is not one of the formats, or it is not given and the
        suffix is not one of theirs.
    ImportError
        For JSON and JSON Lines if cattrs (the ``io`` extra) is not installed.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> from kampala.io import read_portfolio
    >>> doc = {"format": "kampala.portfolio/1", "name": "demo", "partnerships": [
    ...     {"id": "A", "title": "Agua segura", "budget_usd": 1.5e6,
    ...      "ownership": {"government_role": "co-designed"}}]}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "demo.json"
    ...     _ = path.write_text(json.dumps(doc), encoding="utf-8")
    ...     pf = read_portfolio(path)
    >>> pf.name, pf.records[0].ownership.government_role
    ('demo', <GovernmentRole.CO_DESIGNED: 'co-designed'>)

    Every problem is listed:

    >>> doc["partnerships"] = [
    ...     {"id": "A", "title": "Agua", "budget_usd": -5.0},
    ...     {"id": "B", "title": "Banca", "modality": "bilaterl"}]
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "bad.json"
    ...     _ = path.write_text(json.dumps(doc), encoding="utf-8")
    ...     read_portfolio(path)
    Traceback (most recent call last):
    ...
    kampala.errors.PortfolioValidationError: bad.json: 2 problem(s)
      partnership 'A': 'budget_usd' must be >= 0 (got -5.0). Use None for an unknown amount. [record 0]
      partnership 'B': 'modality' must be a Modality (bilateral, multilateral, south-south, triangular, multi-stakeholder) (got 'bilaterl'). [record 1]
    """  # noqa: E501 - doctest output lines
    path = Path(source)
    fmt = _resolve_format(path, format, "read_portfolio()")
    _check_name(name, "read_portfolio()")
    source_name = path.name
    if fmt == "csv":
        return _read_csv(path, source_name, name or path.stem)
    if fmt == "jsonl":
        records = _structure_all(_jsonl_items(path), source_name)
        return _portfolio(records, source_name, name or path.stem)
    doc_name, items = _json_items(path)
    records = _structure_all(items, source_name)
    return _portfolio(records, source_name, name or doc_name or path.stem)


def write_portfolio(
    portfolio: Portfolio, target: PathLike, *, format: Format | None = None
) -> None:
    """Write a portfolio to a JSON, JSON Lines or CSV file.

    Every field is written, missing values included (``null`` in JSON, an
    empty cell in CSV), and floats with ``repr`` precision, so that
    `read_portfolio()` gives back the same records and writing again
    gives the same bytes.

    Parameters
    ----------
    portfolio : Portfolio
        The portfolio to write.
    target : str or os.PathLike
        Path of the file; it is overwritten.
    format : {"json", "jsonl", "csv"}, default=None
        File format; by default inferred from the suffix.

    Raises
    ------
    ParameterTypeError
        If ``portfolio`` is not a `Portfolio`.
    ParameterValueError
        If ``format`` is not one of the formats, or it is not given and the
        suffix is not one of theirs.
    DataFormatError
        If the file cannot be written.
    ImportError
        For JSON and JSON Lines if cattrs (the ``io`` extra) is not installed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from kampala.io import write_portfolio
    >>> from kampala.portfolio import Portfolio
    >>> from kampala.records import Partnership
    >>> pf = Portfolio.from_records([Partnership(id="A", title="Agua segura",
    ...                                          sectors=["14030"])])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "cartera.csv"
    ...     write_portfolio(pf, path)
    ...     text = path.read_text(encoding="utf-8")
    >>> print(text.splitlines()[1][:40])
    A,Agua segura,PE,14030,,,,,,,,,,,,,,,,,,
    """
    if not isinstance(portfolio, Portfolio):
        raise ParameterTypeError(
            "write_portfolio()", "portfolio", type(portfolio).__name__, "a Portfolio"
        )
    path = Path(target)
    fmt = _resolve_format(path, format, "write_portfolio()")
    try:
        with path.open("w", encoding="utf-8", newline="") as f:
            if fmt == "csv":
                _write_csv(portfolio, f)
            elif fmt == "jsonl":
                for item in portfolio_to_dicts(portfolio):
                    f.write(_dump_line(item))
                    f.write("\n")
            else:
                doc = {
                    "format": _FORMAT_ID,
                    "name": portfolio.name,
                    "partnerships": portfolio_to_dicts(portfolio),
                }
                f.write(json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False))
                f.write("\n")
    except OSError as exc:
        raise DataFormatError(
            "write_portfolio()", "target", str(path), "a writable path", hint=str(exc)
        ) from exc


def portfolio_from_dicts(items: Iterable[Mapping[str, Any]], *, name: str) -> Portfolio:
    """Build a portfolio from partnership objects (as in the JSON format).

    Each item is a mapping with the attrs field names of
    `Partnership`: enumerations by value (or member),
    dates as ``"YYYY-MM-DD"`` strings (or `date`), lists for
    sequences and nested mappings for the evidence groups and actors.

    Parameters
    ----------
    items : iterable of mapping
        One partnership object per item.
    name : str
        Name of the portfolio, also used as the source in error messages.

    Returns
    -------
    Portfolio
        The validated portfolio, keeping the structured records.

    Raises
    ------
    PortfolioValidationError
        Listing every problem; each sub-error has a note ``record N``
        (counted from 0).
    ParameterTypeError
        If ``items`` is not an iterable of mappings (a single mapping, a
        string or ``None``).
    ImportError
        If cattrs (the ``io`` extra) is not installed.

    Examples
    --------
    >>> from kampala.io import portfolio_from_dicts
    >>> pf = portfolio_from_dicts(
    ...     [{"id": "A", "title": "Agua segura", "start": "2021-03-01",
    ...       "actors": [{"name": "Ministerio (ejemplo)", "kind": "government"}]}],
    ...     name="demo")
    >>> pf.records[0].start, pf.records[0].actors[0].kind
    (datetime.date(2021, 3, 1), <ActorKind.GOVERNMENT: 'government'>)
    """
    _check_name(name, "portfolio_from_dicts()", required=True)
    if isinstance(items, str | bytes | Mapping) or not isinstance(items, Iterable):
        raise ParameterTypeError(
            "portfolio_from_dicts()",
            "items",
            items,
            "an iterable of mappings, one per partnership",
            hint="Wrap a single partnership in a list.",
        )
    records = _structure_all(
        ((f"record {i}", item) for i, item in enumerate(items)), name
    )
    return _portfolio(records, name, name)


def portfolio_to_dicts(portfolio: Portfolio) -> list[dict[str, Any]]:
    """Return the partnerships as JSON-ready objects (the JSON format).

    Every field is present, ``None`` included; enumerations are written by
    value, dates as ``"YYYY-MM-DD"``, sequences as lists and amounts and
    shares as floats.

    Parameters
    ----------
    portfolio : Portfolio
        The portfolio.

    Returns
    -------
    list of dict
        One object per partnership, in portfolio order.

    Raises
    ------
    ParameterTypeError
        If ``portfolio`` is not a `Portfolio`.
    ImportError
        If cattrs (the ``io`` extra) is not installed.

    Examples
    --------
    >>> from kampala.io import portfolio_to_dicts
    >>> from kampala.portfolio import Portfolio
    >>> from kampala.records import Partnership, Modality
    >>> pf = Portfolio.from_records([Partnership(
    ...     id="A", title="Agua segura", budget_usd=1500, modality=Modality.BILATERAL)])
    >>> d = portfolio_to_dicts(pf)[0]
    >>> d["budget_usd"], d["modality"], d["ownership"]["government_role"]
    (1500.0, 'bilateral', None)
    """
    if not isinstance(portfolio, Portfolio):
        raise ParameterTypeError(
            "portfolio_to_dicts()",
            "portfolio",
            type(portfolio).__name__,
            "a Portfolio",
        )
    unstructure = _converter().get_unstructure_hook(Partnership)
    return [unstructure(r) for r in portfolio.records]


def portfolio_from_pandas(df: Any, *, name: str = "portfolio") -> Portfolio:
    """Build a portfolio from a DataFrame in the flat (CSV) layout.

    The columns are those of the CSV format (``id``, ``title``, …, dotted
    evidence paths, ``actor_1_name`` …), as `portfolio_to_pandas()`
    makes them. Cells hold typed values: strings, numbers, booleans,
    dates or timestamps at midnight, enumeration values (strings or
    categories) and lists or tuples for multi-valued fields. ``None``,
    ``NaN``, ``NaT`` and ``pd.NA`` mean missing. Count columns may be
    floats if every value is whole (pandas stores integer columns with
    gaps as floats).

    Parameters
    ----------
    df : pandas.DataFrame
        One row per partnership.
    name : str, default="portfolio"
        Name of the portfolio, also used as the source in error messages.

    Returns
    -------
    Portfolio
        The validated portfolio.

    Raises
    ------
    PortfolioValidationError
        Listing every problem (unknown or repeated columns included); each
        sub-error has a note ``record N`` (the row position, from 0).
    ParameterTypeError
        If ``df`` is not a DataFrame.
    ImportError
        If pandas or cattrs is not installed.

    Examples
    --------
    >>> import pandas as pd
    >>> from kampala.io import portfolio_from_pandas
    >>> df = pd.DataFrame({"id": ["A", "B"], "title": ["Agua", "Banca"],
    ...                    "budget_usd": [1.5e6, None],
    ...                    "ownership.government_role": ["leads", None]})
    >>> pf = portfolio_from_pandas(df, name="demo")
    >>> pf.column("ownership.government_role")
    array([ 4., nan])
    """
    pd = require_pandas("portfolio_from_pandas()")
    if not isinstance(df, pd.DataFrame):
        raise ParameterTypeError(
            "portfolio_from_pandas()", "df", type(df).__name__, "a pandas DataFrame"
        )
    _check_name(name, "portfolio_from_pandas()", required=True)
    header = [str(c) for c in df.columns]
    layout = _Layout.from_header(header)
    problems = [_header_error(p, note=None) for p in layout.problems]
    rows = df.itertuples(index=False, name=None)
    items = (
        (f"record {i}", _item_from_row(row, layout, pd)) for i, row in enumerate(rows)
    )
    records = _structure_all(items, name, leading=problems)
    return _portfolio(records, name, name)


def portfolio_to_pandas(portfolio: Portfolio) -> Any:
    """Return the portfolio as a DataFrame in the flat (CSV) layout.

    One row per partnership, with the CSV columns and typed values:
    strings, ``datetime64`` dates, floats for amounts and shares, nullable
    ``Int64`` counts, nullable ``boolean`` flags, categoricals for
    enumerations (ordered for ordinal scales), and tuples of values (or
    ``None``) for multi-valued fields. Missing values are ``NaN``, ``NaT``,
    ``<NA>`` or ``None``.

    Parameters
    ----------
    portfolio : Portfolio
        The portfolio.

    Returns
    -------
    pandas.DataFrame
        One row per partnership; `portfolio_from_pandas()` reads it back.

    Raises
    ------
    ParameterTypeError
        If ``portfolio`` is not a `Portfolio`.
    ImportError
        If pandas is not installed.

    Examples
    --------
    >>> from kampala.io import portfolio_to_pandas
    >>> from kampala.portfolio import Portfolio
    >>> from kampala.records import Partnership, OwnershipEvidence, GovernmentRole
    >>> leads = OwnershipEvidence(government_role=GovernmentRole.LEADS)
    >>> pf = Portfolio.from_records([
    ...     Partnership(id="A", title="Agua segura", ownership=leads),
    ...     Partnership(id="B", title="Banca rural")])
    >>> df = portfolio_to_pandas(pf)
    >>> df["ownership.government_role"].tolist()
    ['leads', nan]
    """
    pd = require_pandas("portfolio_to_pandas()")
    if not isinstance(portfolio, Portfolio):
        raise ParameterTypeError(
            "portfolio_to_pandas()",
            "portfolio",
            type(portfolio).__name__,
            "a Portfolio",
        )
    data: dict[str, Any] = {}
    for col in _COLUMNS:
        data[col] = _pandas_column(pd, _SPEC[col], portfolio.columns[col])
    for k, fields in enumerate(_actor_slots(portfolio), start=1):
        for spec in ACTOR_SCHEMA:
            data[f"actor_{k}_{spec.path}"] = _pandas_column(pd, spec, fields[spec.path])
    return pd.DataFrame(data, index=pd.RangeIndex(len(portfolio)))


# ---------------------------------------------------------------------------
# shared helpers
# ---------------------------------------------------------------------------
def _resolve_format(path: Path, format: str | None, caller: str) -> Format:
    if format is not None:
        if format not in _FORMATS:
            raise ParameterValueError(
                caller, "format", format, "one of 'csv', 'json', 'jsonl' or None"
            )
        return format
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise ParameterValueError(
            caller,
            "format",
            None,
            "given when the file name does not end in .csv, .json or .jsonl",
            hint=f"Pass format='csv', 'json' or 'jsonl' for {path.name!r}.",
        )
    return fmt


def _check_name(name: Any, caller: str, *, required: bool = False) -> None:
    if name is None and not required:
        return
    if not isinstance(name, str) or not name:
        raise ParameterTypeError(caller, "name", name, "a non-empty string")


def _open_error(path: Path, exc: OSError) -> DataFormatError:
    if isinstance(exc, FileNotFoundError):
        return DataFormatError(
            "read_portfolio()", "source", str(path), "an existing file"
        )
    return DataFormatError(
        "read_portfolio()", "source", str(path), "a readable file", hint=str(exc)
    )


def _error(
    where: str,
    field: str,
    value: Any,
    expected: str,
    hint: str,
    note: str | None,
    *,
    record_id: str | None = None,
) -> RecordValidationError:
    if value is _NO_VALUE:
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


def _portfolio(records: list[Partnership], source: str, name: str) -> Portfolio:
    try:
        return Portfolio.from_records(records, name=name)
    except PortfolioValidationError as exc:  # pragma: no cover - checked before
        raise PortfolioValidationError(source, list(exc.exceptions)) from None


# ---------------------------------------------------------------------------
# cattrs converter (JSON objects <-> records)
# ---------------------------------------------------------------------------
def _require_cattrs() -> Any:
    try:
        import cattrs
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "Reading and writing JSON portfolios needs cattrs. Install it with: "
            "pip install 'kampala[io]'"
        ) from exc
    return cattrs


class _NonStandard:
    """A JSON ``NaN``/``Infinity`` token, which no field accepts."""

    def __init__(self, token: str) -> None:
        self.token = token

    def __repr__(self) -> str:
        return self.token


def _invalid(value: Any, expected: str, hint: str = "") -> RecordValidationError:
    """Make a leaf error without location (the translation adds it)."""
    return RecordValidationError("", "", value, expected, hint=hint)


def _structure_str(value: Any, _: Any = None) -> str:
    if not isinstance(value, str):
        raise _invalid(value, "a string")
    return value


def _structure_float(value: Any, _: Any = None) -> float:
    if isinstance(value, float):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            out = float(value)
        except OverflowError:
            out = math.inf
        if out != value:
            raise _invalid(value, "a number a float holds exactly")
        return out
    hint = "JSON has no NaN or Infinity." if isinstance(value, _NonStandard) else ""
    raise _invalid(value, "a number or None", hint)


def _structure_int(value: Any, _: Any = None) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise _invalid(value, _COUNT_EXPECTED)


def _structure_bool(value: Any, _: Any = None) -> bool:
    if isinstance(value, bool):
        return value
    raise _invalid(value, _BOOL_EXPECTED)


def _structure_date(value: Any, _: Any = None) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise _invalid(value, _DATE_EXPECTED)


def _enum_structure_factory(cls: type[enum.Enum]) -> Callable[[Any, Any], Any]:
    by_value = {m.value: m for m in cls}
    expected = enum_expected(cls)

    def structure(value: Any, _: Any = None) -> Any:
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            member = by_value.get(value)
            if member is not None:
                return member
        hint = ""
        if not isinstance(value, str) and str(value) in by_value:
            hint = f"Write it as a string: {str(value)!r}."
        raise _invalid(value, expected, hint)

    return structure


def _is_enum(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, enum.Enum)


def _is_optional(t: Any) -> bool:
    args = typing.get_args(t)
    return (
        typing.get_origin(t) in (typing.Union, types.UnionType)
        and len(args) == 2
        and type(None) in args
    )


def _is_var_tuple(t: Any) -> bool:
    args = typing.get_args(t)
    return typing.get_origin(t) is tuple and len(args) == 2 and args[1] is Ellipsis


@functools.cache
def _converter(thorough: bool = False) -> cattrs.Converter:
    """Build a dedicated converter: strict leaf hooks, no extra keys.

    The quick converter lets each record's ``__init__`` validate (stopping
    at the first invalid field); the thorough one, used only for records
    that fail, also runs every field's validator on its own inside cattrs'
    per-attribute error collection, to report every invalid field.
    """
    cattrs_mod = _require_cattrs()
    from cattrs.errors import IterableValidationError, IterableValidationNote
    from cattrs.gen import (
        make_dict_structure_fn,
        make_dict_unstructure_fn,
        override,
    )

    conv: cattrs.Converter = cattrs_mod.Converter(
        forbid_extra_keys=True, detailed_validation=thorough
    )
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(float, _structure_float)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook(dt.date, _structure_date)
    conv.register_unstructure_hook(dt.date, dt.date.isoformat)
    conv.register_structure_hook_factory(_is_enum, _enum_structure_factory)
    conv.register_unstructure_hook_factory(_is_enum, lambda _: _enum_value)

    def optional_structure(t: Any) -> Callable[[Any, Any], Any]:
        inner = next(a for a in typing.get_args(t) if a is not type(None))
        hook = conv.get_structure_hook(inner)

        def structure(value: Any, _: Any = None) -> Any:
            return None if value is None else hook(value, inner)

        return structure

    conv.register_structure_hook_factory(_is_optional, optional_structure)

    def tuple_structure(t: Any) -> Callable[[Any, Any], tuple[Any, ...]]:
        item_type = typing.get_args(t)[0]
        item_hook = conv.get_structure_hook(item_type)

        def structure(value: Any, _: Any = None) -> tuple[Any, ...]:
            if not isinstance(value, list | tuple):
                raise _invalid(value, "a list")
            out = []
            errors: list[Exception] = []
            for i, item in enumerate(value):
                try:
                    out.append(item_hook(item, item_type))
                except Exception as exc:  # collected, as cattrs does
                    exc.add_note(IterableValidationNote(f"@ index {i}", i, item_type))
                    errors.append(exc)
            if errors:
                raise IterableValidationError(f"While structuring {t}", errors, t)
            return tuple(out)

        return structure

    def tuple_unstructure(t: Any) -> Callable[[Any], list[Any]]:
        item_hook = conv.get_unstructure_hook(typing.get_args(t)[0])
        return lambda value: [item_hook(v) for v in value]

    conv.register_structure_hook_factory(_is_var_tuple, tuple_structure)
    conv.register_unstructure_hook_factory(_is_var_tuple, tuple_unstructure)

    def attrs_structure(cls: type[Any]) -> Callable[[Any, Any], Any]:
        hints = typing.get_type_hints(cls)
        overrides: dict[str, Any] = {}
        if thorough:
            overrides = {
                f.name: override(struct_hook=_checked_hook(conv, f, hints[f.name]))
                for f in attrs.fields(cls)
            }
        generated = make_dict_structure_fn(
            cls,
            conv,
            _cattrs_forbid_extra_keys=True,
            _cattrs_detailed_validation=thorough,
            **overrides,
        )
        expected = f"an object with the fields of {cls.__name__}"

        def structure(value: Any, t: Any = cls) -> Any:
            if type(value) is not dict and not isinstance(value, Mapping):
                raise _invalid(value, expected)
            return generated(value, t)

        return structure

    def attrs_unstructure(cls: type[Any]) -> Callable[[Any], dict[str, Any]]:
        hints = typing.get_type_hints(cls)
        overrides: dict[str, Any] = {
            name: override(unstruct_hook=_float_or_none)
            for name, t in hints.items()
            if t in (float, float | None)
        }
        return make_dict_unstructure_fn(cls, conv, **overrides)

    conv.register_structure_hook_factory(attrs.has, attrs_structure)
    conv.register_unstructure_hook_factory(attrs.has, attrs_unstructure)
    return conv


def _enum_value(member: enum.Enum) -> Any:
    return member.value


def _float_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


def _checked_hook(
    conv: cattrs.Converter, field: attrs.Attribute[Any], type_: Any
) -> Callable[[Any, Any], Any]:
    """Structure one field, then run its own validator.

    Running the validator here, inside cattrs' per-attribute error
    collection, reports every invalid field of a record, not only the first
    one the class's ``__init__`` meets.
    """
    hook = conv.get_structure_hook(type_)
    validator = field.validator
    if validator is None:
        return hook

    def structure(value: Any, t: Any = type_) -> Any:
        out = hook(value, t)
        try:
            validator(None, field, out)
        except RecordValidationError as exc:
            raise _invalid(exc.value, exc.expected, exc.hint) from None
        return out

    return structure


def _dump_line(item: Mapping[str, Any]) -> str:
    return json.dumps(item, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


# -- translating cattrs errors -------------------------------------------------
def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _leaves(exc: BaseException, path: str) -> Iterator[tuple[str, BaseException]]:
    """Walk a cattrs error tree, yielding (dotted field path, leaf error)."""
    from cattrs.errors import ClassValidationError, IterableValidationError

    if isinstance(exc, ClassValidationError):
        with_notes, others = exc.group_exceptions()
        for sub, note in with_notes:
            yield from _leaves(sub, _join(path, note.name))
        for sub in others:
            yield from _leaves(sub, path)
    elif isinstance(exc, IterableValidationError):
        with_index, others = exc.group_exceptions()
        for sub, inote in with_index:
            yield from _leaves(sub, f"{path}[{inote.index}]")
        for sub in others:
            yield from _leaves(sub, path)
    else:
        yield path, exc


def _translate(
    exc: BaseException, where: str, note: str, record_id: str | None = None
) -> Iterator[RecordValidationError]:
    from cattrs.errors import ForbiddenExtraKeysError

    for path, leaf in _leaves(exc, ""):
        if isinstance(leaf, RecordValidationError):
            field = (_join(path, leaf.field) if leaf.field else path) or "partnership"
            value = leaf.value if leaf._has_value else _NO_VALUE
            yield _error(
                where,
                field,
                value,
                leaf.expected,
                leaf.hint,
                note,
                record_id=record_id,
            )
        elif isinstance(leaf, ForbiddenExtraKeysError):
            names = [f.name for f in attrs.fields(leaf.cl)]
            for key in sorted(leaf.extra_fields, key=str):
                yield _error(
                    where,
                    _join(path, str(key)),
                    _NO_VALUE,
                    f"a field of {leaf.cl.__name__}",
                    _suggest(str(key), names),
                    note,
                    record_id=record_id,
                )
        elif isinstance(leaf, KeyError):  # a required key, already in ``path``
            key = str(leaf.args[0]) if leaf.args else "?"
            yield _error(
                where,
                path or key,
                _NO_VALUE,
                "present",
                "It is required.",
                note,
                record_id=record_id,
            )
        else:  # pragma: no cover - defensive: hooks raise the errors above
            yield _error(
                where,
                path or "record",
                _NO_VALUE,
                "valid",
                f"{type(leaf).__name__}: {leaf}",
                note,
            )


def _suggest(name: str, valid: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, valid, n=1)
    if close:
        return f"Did you mean {close[0]!r}?"
    return f"Valid names: {', '.join(valid)}."


def _record_id(item: Any) -> str | None:
    rid = item.get("id") if isinstance(item, Mapping) else None
    return rid if isinstance(rid, str) and rid.strip() else None


def _where(item: Any, loc: str) -> str:
    rid = _record_id(item)
    return loc if rid is None else f"partnership {rid!r}"


def _structure_all(
    items: Iterable[tuple[str, Any]],
    source: str,
    *,
    leading: Sequence[Exception] = (),
) -> list[Partnership]:
    """Structure every item, collecting every problem; check ids are unique."""
    quick = _converter().get_structure_hook(Partnership)
    thorough = _converter(thorough=True).get_structure_hook(Partnership)
    records: list[Partnership] = []
    errors: list[Exception] = list(leading)
    first: dict[str, str] = {}
    for loc, item in items:
        where = _where(item, loc)
        try:
            records.append(quick(item, Partnership))
        except Exception:  # structure again, collecting every problem
            try:
                records.append(thorough(item, Partnership))
            except Exception as exc:  # a cattrs error tree
                errors.extend(_translate(exc, where, loc, _record_id(item)))
        if where.startswith("partnership "):
            rid = item["id"]
            if rid in first:
                errors.append(
                    _error(
                        where,
                        "id",
                        rid,
                        "unique in the portfolio",
                        f"It is also used at {first[rid]}.",
                        loc,
                        record_id=rid,
                    )
                )
            else:
                first[rid] = loc
    if errors:
        raise PortfolioValidationError(source, errors)
    return records


# -- JSON and JSON Lines ----------------------------------------------------------
def _decode_json(text: str, where: str, line_offset: int = 0) -> Any:
    try:
        return json.loads(text, parse_constant=_NonStandard)
    except json.JSONDecodeError as exc:
        line = exc.lineno + line_offset
        raise DataFormatError(
            f"{where} line {line} column {exc.colno}",
            "JSON",
            exc.msg,
            "well-formed JSON",
        ) from exc


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _open_error(path, exc) from exc


def _decode_utf8(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFormatError(
            where, "encoding", f"byte {exc.start}", "UTF-8 text"
        ) from exc


def _json_items(path: Path) -> tuple[str | None, Iterator[tuple[str, Any]]]:
    where = path.name
    doc = _decode_json(_decode_utf8(_read_bytes(path), where), where)
    name: str | None = None
    if isinstance(doc, dict):
        unknown = [k for k in doc if k not in _ENVELOPE_KEYS]
        if unknown:
            raise DataFormatError(
                where,
                unknown[0],
                expected="a key of a portfolio document",
                hint=f"Valid keys: {', '.join(_ENVELOPE_KEYS)}.",
            )
        if doc.get("format") != _FORMAT_ID:
            raise DataFormatError(
                where,
                "format",
                doc.get("format"),
                f"{_FORMAT_ID!r}",
                hint="A bare list of partnership objects is also accepted.",
            )
        for key in ("name", "description"):
            if key in doc and not isinstance(doc[key], str):
                raise DataFormatError(where, key, doc[key], "a string")
        name = doc.get("name") or None
        if "partnerships" not in doc:
            raise DataFormatError(where, "partnerships", expected="present")
        doc = doc["partnerships"]
        if not isinstance(doc, list):
            raise DataFormatError(
                where, "partnerships", type(doc).__name__, "a list of objects"
            )
    elif not isinstance(doc, list):
        raise DataFormatError(
            where,
            "content",
            type(doc).__name__,
            "a portfolio object or a list of partnership objects",
        )
    return name, ((f"record {i}", item) for i, item in enumerate(doc))


def _jsonl_items(path: Path) -> Iterator[tuple[str, Any]]:
    where = path.name
    try:
        f = path.open("rb")
    except OSError as exc:
        raise _open_error(path, exc) from exc
    with f:
        for number, raw in enumerate(f, start=1):
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise DataFormatError(
                    f"{where} line {number}",
                    "encoding",
                    f"byte {exc.start}",
                    "UTF-8 text",
                ) from exc
            text = text.rstrip(" \t\r\n")  # JSON whitespace, and the line end
            if not text.lstrip(" \t"):
                continue
            yield f"line {number}", _decode_json(text, where, number - 1)


# ---------------------------------------------------------------------------
# CSV: layout
# ---------------------------------------------------------------------------
@attrs.frozen
class _Layout:
    """Where each known column of a header is; problems with the header."""

    columns: dict[str, int]
    actors: dict[tuple[int, str], int]
    n_actors: int
    width: int
    problems: list[tuple[str, Any, str, str]]

    @classmethod
    def from_header(cls, header: Sequence[str]) -> _Layout:
        columns: dict[str, int] = {}
        actors: dict[tuple[int, str], int] = {}
        problems: list[tuple[str, Any, str, str]] = []
        seen: set[str] = set()
        for i, col in enumerate(header):
            if col in seen:
                problems.append(
                    (col, _NO_VALUE, "unique in the header", "Remove the repeat.")
                )
                continue
            seen.add(col)
            if col in _SPEC and col in _COLUMNS:
                columns[col] = i
                continue
            m = _ACTOR_COLUMN.fullmatch(col)
            if m:
                actors[(int(m.group(1)), m.group(2))] = i
                continue
            problems.append(
                (
                    col,
                    _NO_VALUE,
                    "a column of the kampala portfolio CSV layout",
                    _suggest(col, [*_COLUMNS, "actor_1_name"]).replace(
                        "Valid names: ", "Valid columns: "
                    ),
                )
            )
        for required in ("id", "title"):
            if required not in columns:
                problems.append(
                    (required, _NO_VALUE, "a column of the header", "It is required.")
                )
        n_actors = max((k for k, _ in actors), default=0)
        return cls(columns, actors, n_actors, len(header), problems)


def _header_error(
    problem: tuple[str, Any, str, str], note: str | None
) -> RecordValidationError:
    field, value, expected, hint = problem
    return _error("header", field, value, expected, hint, note)


def _csv_header(n_actors: int) -> list[str]:
    return list(_COLUMNS) + [
        f"actor_{k}_{f}" for k in range(1, n_actors + 1) for f in _ACTOR_FIELDS
    ]


# ---------------------------------------------------------------------------
# CSV: writing (column by column)
# ---------------------------------------------------------------------------
def _write_csv(portfolio: Portfolio, f: TextIO) -> None:
    n = len(portfolio)
    idx = portfolio.actors["partnership"]
    counts = np.bincount(idx, minlength=n) if n else np.zeros(0, dtype=np.intp)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.intp)
    n_actors = int(counts.max()) if counts.size else 0
    writer = csv.writer(f, lineterminator="\r\n")
    writer.writerow(_csv_header(n_actors))
    for lo in range(0, n, _CHUNK_ROWS):
        hi = min(lo + _CHUNK_ROWS, n)
        cells: list[list[str]] = [
            _format_cells(_SPEC[c], portfolio.columns[c][lo:hi]) for c in _COLUMNS
        ]
        for k in range(n_actors):
            rows = np.flatnonzero(counts[lo:hi] > k)
            j = starts[lo:hi][rows] + k
            for spec in ACTOR_SCHEMA:
                column = np.full(hi - lo, "", dtype=object)
                column[rows] = _format_cells(spec, portfolio.actors[spec.path][j])
                cells.append(column.tolist())
        writer.writerows(zip(*cells, strict=True))


def _format_cells(spec: FieldSpec, col: Array) -> list[str]:
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
        return ["" if x != x else repr(x) for x in col.tolist()]
    if k == "count":
        return ["" if x != x else str(int(x)) for x in col.tolist()]
    if k == "bool":
        table = np.array(["false", "true", ""], dtype=object)
        return typing.cast(
            list[str], table[np.where(np.isnan(col), 2, col).astype(np.intp)].tolist()
        )
    assert spec.enum is not None
    values = [m.value for m in spec.enum]
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


# ---------------------------------------------------------------------------
# CSV: reading (column by column)
# ---------------------------------------------------------------------------
_Bad = list[tuple[int, Any, str, str]]  # (row in chunk, value, expected, hint)
_BLOCK_BYTES = 1 << 23
_COMMA = "\x00"  # stands for a comma inside a quoted cell (fast path only)
_ROW_MARK = "\x03"  # marks the first cell of each row (fast path only)
_JOIN = "\x02"  # joins cells for whole-column string operations (fast path only)
_FLOAT_CHARS = re.compile(r"[0-9.eE+\-]*")
_INT_CHARS = re.compile(r"[0-9+\-]*")
_DATE_CHARS = re.compile(r"(?:[0-9]{4}-[0-9]{2}-[0-9]{2})*")


@attrs.define
class _Collector:
    """Arrays parsed chunk by chunk, and the problems found."""

    columns: dict[str, list[Array]] = attrs.field(factory=dict)
    actors: dict[str, list[Array]] = attrs.field(factory=dict)
    lines: list[Array] = attrs.field(factory=list)
    problems: list[tuple[int, RecordValidationError]] = attrs.field(factory=list)
    n_rows: int = 0

    def add(self, store: dict[str, list[Array]], key: str, arr: Array) -> None:
        store.setdefault(key, []).append(arr)


def _read_csv(path: Path, source: str, name: str) -> Portfolio:
    try:
        f = path.open("rb")
    except OSError as exc:
        raise _open_error(path, exc) from exc
    with f:
        header, offset = _read_header(f, source)
        layout = _Layout.from_header(header)
        out = _Collector()
        for p in layout.problems:
            out.problems.append((-1, _header_error(p, "line 1")))
        resume, line = _read_fast(f, layout, out, source, offset)
        if resume is not None:
            f.seek(resume)
            _read_slow(f, layout, out, source, line)
    return _finish_csv(layout, out, source, name)


def _read_header(f: BinaryIO, source: str) -> tuple[list[str], int]:
    raw = f.readline()
    offset = len(raw)
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    text = _decode_block(raw, source, 0)
    if not text.strip():
        raise DataFormatError(
            source,
            "content",
            "empty file" if not offset else "a blank first line",
            "a header row with the column names",
        )
    try:
        return next(csv.reader([text], strict=True)), offset
    except csv.Error as exc:
        raise DataFormatError(
            f"{source} line 1", "CSV", str(exc), "well-formed CSV"
        ) from exc


def _decode_block(block: bytes, source: str, line: int) -> str:
    """Decode UTF-8; ``line`` is the number of lines before the block."""
    try:
        return block.decode("utf-8")
    except UnicodeDecodeError as exc:
        at = line + 1 + block.count(b"\n", 0, exc.start)
        raise DataFormatError(
            f"{source} line {at}", "encoding", block[exc.start : exc.end], "UTF-8 text"
        ) from exc


def _read_fast(
    f: BinaryIO, layout: _Layout, out: _Collector, source: str, offset: int
) -> tuple[int | None, int]:
    """Read blocks of rows with ``str.split``, checking they are plain CSV.

    Returns ``(None, lines)`` at the end of the file, or the byte offset and
    line number from which the `csv` module must take over: a block with
    multi-line cells, blank lines, rows of the wrong width, stray quotes or
    NUL characters. Blocks end at a row boundary, so the handover is exact.
    """
    line = 1
    if layout.width < 2:
        return offset, line
    rest = b""
    while True:
        data = f.read(_BLOCK_BYTES)
        buf = rest + data if rest else data
        if data:
            cut = _cut(buf)
            if cut == 0:
                if len(buf) > 4 * _BLOCK_BYTES:  # quotes never balance: csv module
                    return offset, line
                rest = buf
                continue
            block, rest = buf[:cut], buf[cut:]
        else:
            block, rest = buf, b""
        if block:
            split = _split_block(_decode_block(block, source, line), layout.width)
            if split is None:
                return offset, line
            cells, n, commas = split
            lines = np.arange(line + 1, line + 1 + n, dtype=np.int64)
            _parse_chunk(layout, cells, lines, out, commas)
            line += n
            offset += len(block)
        if not data:
            return None, line


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


def _read_slow(
    f: BinaryIO, layout: _Layout, out: _Collector, source: str, line: int
) -> None:
    """Read the rest of the file with the csv module (any valid CSV)."""
    stream = io.TextIOWrapper(f, encoding="utf-8", newline="")
    try:
        reader = csv.reader(stream, strict=True)
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
            except UnicodeDecodeError as exc:
                raise DataFormatError(
                    f"{source} near line {line + reader.line_num + 1}",
                    "encoding",
                    exc.object[exc.start : exc.end],
                    "UTF-8 text",
                ) from exc
            if not rows:
                return
            if reader.line_num - before == len(rows):
                lines = np.arange(len(rows), dtype=np.int64) + (line + before + 1)
            else:
                lines = _row_lines(rows, line + before)
            keep = []
            for i, row in enumerate(rows):
                if len(row) == layout.width:
                    keep.append(i)
                elif row:  # a blank line is skipped
                    err = _error(
                        f"line {lines[i]}",
                        "row",
                        len(row),
                        f"{layout.width} cells, as many as the header",
                        "",
                        f"line {lines[i]}",
                    )
                    out.problems.append((out.n_rows + len(keep), err))
            if len(keep) < len(rows):
                rows = [rows[i] for i in keep]
                lines = lines[keep]
            if rows:
                _parse_chunk(layout, list(zip(*rows, strict=True)), lines, out, False)
    finally:
        stream.detach()


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
    layout: _Layout,
    cells: Sequence[Sequence[str]],
    lines: npt.NDArray[np.int64],
    out: _Collector,
    commas: bool,
) -> None:
    """Parse the columns of a chunk of rows and check them.

    ``commas`` says that commas of quoted cells are placeholders (fast path).
    """
    n = len(lines)
    blank: tuple[str, ...] = ("",) * n

    def column(index: int | None, kind: str) -> Sequence[str]:
        if index is None:
            return blank
        if commas and kind in ("str", "strlist"):
            return _restore(cells[index])
        return cells[index]

    ids = column(layout.columns.get("id"), "str")
    row0 = out.n_rows

    def report(field: str, bad: _Bad) -> None:
        for r, value, expected, hint in bad:
            if commas and isinstance(value, str):
                value = value.replace(_COMMA, ",")
            rid = ids[r]
            where = f"partnership {rid!r}" if rid.strip() else f"line {lines[r]}"
            err = _error(
                where,
                field,
                value,
                expected,
                hint,
                f"line {lines[r]}",
                record_id=rid if rid.strip() else None,
            )
            out.problems.append((row0 + r, err))

    parsed: dict[str, Array] = {}
    for path in _COLUMNS:
        spec = _SPEC[path]
        index = layout.columns.get(path)
        bad: _Bad = []
        if index is None and path in ("id", "title"):
            arr = np.array(blank, dtype=object)  # reported once, in the header
        else:
            values = ids if path == "id" else column(index, spec.kind)
            arr, bad = _parse_column(spec, values, _DEFAULTS.get(path))
        report(path, bad)
        parsed[path] = arr
    _check_partnerships(parsed, report)
    _parse_actors(layout, column, n, row0, report, out)
    for path, arr in parsed.items():
        out.add(out.columns, path, arr)
    out.lines.append(lines)
    out.n_rows += n


def _check_partnerships(
    parsed: dict[str, Array], report: Callable[[str, _Bad], None]
) -> None:
    """Cross-field checks that records do in ``__attrs_post_init__``."""
    start, end = parsed["start"], parsed["end"]
    bad: _Bad = [
        (int(r), str(end[r]), f"on or after start ({start[r]})", "")
        for r in np.flatnonzero(~np.isnat(start) & ~np.isnat(end) & (end < start))
    ]
    report("end", bad)
    total = parsed["results.indicators_total"]
    for path in (
        "results.indicators_with_baseline_and_target",
        "results.indicators_from_country_frameworks",
    ):
        part = parsed[path]
        over = ~np.isnan(part) & ~np.isnan(total) & (part > total)
        report(
            path,
            [
                (
                    int(r),
                    int(part[r]),
                    f"<= indicators_total ({int(total[r])})",
                    "It counts a subset of the framework's indicators.",
                )
                for r in np.flatnonzero(over)
            ],
        )


def _parse_actors(
    layout: _Layout,
    column: Callable[[int | None, str], Sequence[str]],
    n: int,
    row0: int,
    report: Callable[[str, _Bad], None],
    out: _Collector,
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
                    _NO_VALUE,
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
        for f in _ACTOR_FIELDS:
            values = raw[f] if every else _take(raw[f], rows_list)
            default = "USD" if f == "currency" else None
            arr, bad = _parse_column(_ACTOR_SPEC[f], values, default)
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


def _parse_column(
    spec: FieldSpec, cells: Sequence[str], default: Any
) -> tuple[Array, _Bad]:
    """Parse the cells of one column into its portfolio encoding."""
    k = spec.kind
    if k == "str":
        if spec.path in ("id", "title", "name"):
            return _parse_text(cells)
        if spec.path == "country":
            return _parse_code(cells, default, _COUNTRY, _COUNTRY_EXPECTED)
        if spec.path == "currency":
            return _parse_code(cells, default, _CURRENCY, _CURRENCY_EXPECTED)
        return np.array(cells, dtype=object), []
    if k == "strlist":
        pattern, expected, repeats = _STRLISTS.get(
            spec.path, (None, _TEXT_EXPECTED, None)
        )
        return _parse_strlist(cells, pattern, expected, repeats, spec.optional)
    if k == "date":
        return _parse_dates(cells)
    if k in ("amount", "share"):
        values, bad = _parse_floats(cells)
        present = ~np.isnan(values)
        if k == "amount":
            wrong = present & ~((values >= 0) & np.isfinite(values))
            expected, hint = ">= 0", _AMOUNT_HINT
        else:
            wrong = present & ~((values >= 0) & (values <= 1))
            expected, hint = _SHARE_EXPECTED, ""
        if wrong.any():
            bad += [
                (int(r), float(values[r]), expected, hint)
                for r in np.flatnonzero(wrong)
            ]
            bad.sort(key=lambda b: b[0])
        return values, bad
    if k == "count":
        return _parse_counts(cells)
    if k == "bool":
        lut = {"false": 0.0, "true": 1.0, "": math.nan}
        return _parse_mapped(cells, lut, np.float64, _BOOL_EXPECTED, _EMPTY_HINT)
    assert spec.enum is not None
    names = [m.value for m in spec.enum]
    if k == "ordinal":
        lut = {v: float(i) for i, v in enumerate(names)}
        lut[""] = math.nan
        return _parse_mapped(
            cells, lut, np.float64, enum_expected(spec.enum), _EMPTY_HINT
        )
    if k == "enum":
        ilut = {v: i for i, v in enumerate(names)}
        hint = ""
        if spec.optional:
            ilut[""] = -1
            hint = _EMPTY_HINT
        return _parse_mapped(cells, ilut, np.int16, enum_expected(spec.enum), hint)
    return _parse_enumset(cells, spec.enum, spec.optional)


def _parse_text(cells: Sequence[str]) -> tuple[Array, _Bad]:
    arr = np.array(cells, dtype=object)
    if all(map(str.strip, cells)):
        return arr, []
    return arr, [
        (i, c, _TEXT_EXPECTED, "") for i, c in enumerate(cells) if not c.strip()
    ]


def _parse_code(
    cells: Sequence[str], default: str, pattern: re.Pattern[str], expected: str
) -> tuple[Array, _Bad]:
    # one str object per distinct code, so that rows do not keep their own
    canonical = {c: c for c in set(cells)}
    distinct = set(canonical)
    if "" in canonical:
        canonical[""] = default
    arr = np.array(list(map(canonical.__getitem__, cells)), dtype=object)
    wrong = {c for c in distinct if c and not pattern.match(c)}
    if not wrong:
        return arr, []
    return arr, [(i, c, expected, "") for i, c in enumerate(cells) if c in wrong]


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


def _parse_floats(cells: Sequence[str]) -> tuple[npt.NDArray[np.float64], _Bad]:
    out = np.full(len(cells), np.nan)
    present, values = _present(cells)
    if not values:
        return out, []
    if _FLOAT_CHARS.fullmatch("".join(values)):
        try:
            parsed = np.array(values, dtype=np.float64)
        except ValueError:
            pass
        else:
            if present is None:
                return parsed, []
            out[present] = parsed
            return out, []
    bad: _Bad = []
    for i, c in enumerate(cells):
        if not c:
            continue
        if _NUMBER.fullmatch(c):
            out[i] = float(c)
        else:
            hint = "Use '.' as the decimal separator. " if "," in c else ""
            bad.append((i, c, _NUMBER_EXPECTED, hint + _EMPTY_HINT))
    return out, bad


def _parse_counts(cells: Sequence[str]) -> tuple[npt.NDArray[np.float64], _Bad]:
    out = np.full(len(cells), np.nan)
    present, values = _present(cells)
    if not values:
        return out, []
    bad: _Bad = []
    parsed: npt.NDArray[np.float64] | None = None
    if _INT_CHARS.fullmatch("".join(values)):
        try:
            parsed = np.array(values, dtype=np.int64).astype(np.float64)
        except (ValueError, OverflowError):
            parsed = None
    if parsed is not None:
        out = parsed if present is None else out
        if present is not None:
            out[present] = parsed
    else:
        for i, c in enumerate(cells):
            if not c:
                continue
            if _INTEGER.fullmatch(c):
                out[i] = float(int(c))
            else:
                bad.append((i, c, _COUNT_EXPECTED, _EMPTY_HINT))
    wrong = (out < 0) | (out > _MAX_EXACT_INT)
    if wrong.any():
        bad += [
            (int(r), int(out[r]), _COUNT_EXPECTED, "") for r in np.flatnonzero(wrong)
        ]
        bad.sort(key=lambda b: b[0])
    return out, bad


def _parse_dates(cells: Sequence[str]) -> tuple[Array, _Bad]:
    out = np.full(len(cells), np.datetime64("NaT"), dtype="datetime64[D]")
    present, values = _present(cells)
    if not values:
        return out, []
    if _DATE_CHARS.fullmatch("".join(values)) and set(map(len, values)) == {10}:
        try:
            dates = np.array(values, dtype="datetime64[D]")
        except ValueError:
            pass
        else:
            if not (dates < np.datetime64("0001-01-01")).any():
                if present is None:
                    return dates, []
                out[present] = dates
                return out, []
    bad: _Bad = []
    for i, c in enumerate(cells):
        if not c:
            continue
        try:
            if not _DATE.fullmatch(c):
                raise ValueError(c)
            out[i] = np.datetime64(dt.date.fromisoformat(c), "D")
        except ValueError:
            bad.append((i, c, _DATE_EXPECTED, _EMPTY_HINT))
    return out, bad


def _parse_mapped(
    cells: Sequence[str],
    lut: Mapping[str, Any],
    dtype: Any,
    expected: str,
    hint: str,
) -> tuple[Array, _Bad]:
    n = len(cells)
    try:
        return np.fromiter(map(lut.__getitem__, cells), dtype=dtype, count=n), []
    except KeyError:
        pass
    missing = math.nan if np.dtype(dtype).kind == "f" else -1
    out = np.empty(n, dtype=dtype)
    bad: _Bad = []
    for i, c in enumerate(cells):
        v = lut.get(c)
        if v is None:
            bad.append((i, c, expected, hint))
            v = missing
        out[i] = v
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
) -> _Bad:
    if not bad_codes:
        return []
    rows = np.flatnonzero(np.isin(codes, list(bad_codes)))
    return [(int(r), *bad_codes[int(codes[r])]) for r in rows]


def _parse_strlist(
    cells: Sequence[str],
    pattern: re.Pattern[str] | None,
    expected: str,
    repeats: str | None,
    optional: bool,
) -> tuple[Array, _Bad]:
    codes, uniq = _factorize(cells)
    table = np.empty(len(uniq), dtype=object)
    bad_codes: dict[int, tuple[Any, str, str]] = {}
    missing = None if optional else ()
    for i, cell in enumerate(uniq):
        if cell == "":
            table[i] = missing
        elif cell == "[]":
            table[i] = ()
        else:
            items = tuple(cell.split(";"))
            wrong = [
                x
                for x in items
                if not (pattern.match(x) if pattern is not None else x.strip())
            ]
            if wrong:
                bad_codes[i] = (wrong[0], expected, "Separate items with ';'.")
                table[i] = missing
            elif repeats is not None and len(set(items)) != len(items):
                bad_codes[i] = (cell, repeats, "")
                table[i] = missing
            else:
                table[i] = items
    return table[codes], _bad_rows(codes, bad_codes)


def _parse_enumset(
    cells: Sequence[str], cls: type[enum.Enum], optional: bool
) -> tuple[Array, _Bad]:
    members = {m.value: j for j, m in enumerate(cls)}
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
        if wrong:
            bad_codes[i] = (wrong[0], enum_expected(cls), "Separate values with ';'.")
            table[i] = missing
        elif len(set(items)) != len(items):
            bad_codes[i] = (cell, "free of repeated values", "")
            table[i] = missing
        else:
            table[i, [members[x] for x in items]] = 1.0
    return table[codes], _bad_rows(codes, bad_codes)


def _finish_csv(layout: _Layout, out: _Collector, source: str, name: str) -> Portfolio:
    ids = np.concatenate(out.columns["id"]) if out.columns else np.empty(0, object)
    lines = np.concatenate(out.lines) if out.lines else np.empty(0, np.int64)
    if "id" in layout.columns and len(set(ids.tolist())) != len(ids):
        first: dict[str, int] = {}
        for r, rid in enumerate(ids.tolist()):
            if not rid.strip():
                continue
            if rid in first:
                err = _error(
                    f"partnership {rid!r}",
                    "id",
                    rid,
                    "unique in the portfolio",
                    f"It is also used on line {lines[first[rid]]}.",
                    f"line {lines[r]}",
                    record_id=rid,
                )
                out.problems.append((r, err))
            else:
                first[rid] = r
    if out.problems:
        out.problems.sort(key=lambda p: p[0])
        raise PortfolioValidationError(source, [e for _, e in out.problems])
    columns = {
        path: _concat(out.columns.get(path), _SPEC[path], len(ids))
        for path in _COLUMNS
        if path in layout.columns
    }
    actors: dict[str, Array] = {
        f: _concat(out.actors.get(f), _ACTOR_SPEC[f], 0) for f in _ACTOR_FIELDS
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
        return Portfolio.from_columns(columns, actors, name=name)
    except PortfolioValidationError as exc:  # pragma: no cover - checked above
        raise PortfolioValidationError(
            source, [_relocate(e, lines) for e in exc.exceptions]
        ) from None


def _concat(parts: list[Array] | None, spec: FieldSpec, n: int) -> Array:
    if parts:
        return np.concatenate(parts)
    if spec.kind == "enumset":
        assert spec.enum is not None
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


# ---------------------------------------------------------------------------
# pandas
# ---------------------------------------------------------------------------
def _actor_slots(portfolio: Portfolio) -> list[dict[str, Array]]:
    """Actor fields per slot k (actor_k_*), one row per partnership."""
    n = len(portfolio)
    idx = portfolio.actors["partnership"]
    counts = np.bincount(idx, minlength=n) if n else np.zeros(0, dtype=np.intp)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.intp)
    slots = []
    for k in range(int(counts.max()) if counts.size else 0):
        rows = np.flatnonzero(counts > k)
        j = starts[rows] + k
        fields = {}
        for spec in ACTOR_SCHEMA:
            src = portfolio.actors[spec.path]
            if spec.kind == "str":
                full = np.full(n, None, dtype=object)
            elif spec.kind == "enum":
                full = np.full(n, -1, dtype=np.int16)
            else:
                full = np.full((n, *src.shape[1:]), np.nan)
            full[rows] = src[j]
            fields[spec.path] = full
        slots.append(fields)
    return slots


def _pandas_column(pd: Any, spec: FieldSpec, col: Array) -> Any:
    k = spec.kind
    if k in ("str", "strlist", "date", "amount", "share"):
        return col if k not in ("str", "strlist") else pd.Series(col, dtype=object)
    if k == "count":
        missing = np.isnan(col)
        values = np.where(missing, 0, col).astype(np.int64)
        return pd.arrays.IntegerArray(values, missing)
    if k == "bool":
        return pd.arrays.BooleanArray(col == 1.0, np.isnan(col))
    assert spec.enum is not None
    names = [m.value for m in spec.enum]
    if k in ("ordinal", "enum"):
        codes = np.where(np.isnan(col), -1, col) if k == "ordinal" else col
        return pd.Categorical.from_codes(
            codes.astype(np.int64), categories=names, ordered=k == "ordinal"
        )
    out = np.empty(len(col), dtype=object)
    for i, row in enumerate(col):
        out[i] = (
            None
            if np.isnan(row).any()
            else tuple(v for v, flag in zip(names, row, strict=True) if flag == 1.0)
        )
    return pd.Series(out, dtype=object)


def _pandas_cell(value: Any, pd: Any, count: bool = False) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        if value.tz is None and value == value.normalize():
            return value.date()
        return value
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        value = value.item()
    if count and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _item_from_row(row: Sequence[Any], layout: _Layout, pd: Any) -> dict[str, Any]:
    """One partnership object from a DataFrame row (flat layout)."""
    item: dict[str, Any] = {}
    for path, i in layout.columns.items():
        spec = _SPEC[path]
        value = _pandas_cell(row[i], pd, count=spec.kind == "count")
        if value is None and (not spec.optional or path in _DEFAULTS):
            continue  # the field's default, as for an empty CSV cell
        if spec.group is None:
            item[path] = value
        else:
            item.setdefault(spec.group, {})[spec.name] = value
    actors: list[dict[str, Any] | None] = []
    for k in range(1, layout.n_actors + 1):
        actor = {}
        for f in _ACTOR_FIELDS:
            j = layout.actors.get((k, f))
            if j is not None:
                value = _pandas_cell(row[j], pd)
                if value is not None:
                    actor[f] = value
        # a blank group before a filled one stays as None, which is rejected
        actors.append(actor or None)
    while actors and actors[-1] is None:
        actors.pop()
    if actors:
        item["actors"] = actors
    return item
