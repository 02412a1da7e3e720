"""Portfolios to and from pandas DataFrames in the flat (CSV) layout."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from kampala.errors import ParameterTypeError
from kampala.io._common import (
    ACTOR_FIELDS,
    COLUMNS,
    DEFAULTS,
    SPEC_BY_PATH,
    Array,
    build_portfolio,
    check_name,
    check_portfolio,
)
from kampala.io._csv_format import Layout, header_error
from kampala.io._dicts import structure_all
from kampala.io._pandas import require_pandas
from kampala.portfolio import ACTOR_SCHEMA, Portfolio
from kampala.schema import EnumFieldSpec, FieldSpec

__all__ = ["portfolio_from_pandas", "portfolio_to_pandas"]


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
        If pandas is not installed (or cattrs, for a DataFrame with problems).

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
    check_name(name, "portfolio_from_pandas()", required=True)
    header = [str(c) for c in df.columns]
    layout = Layout.from_header(header)
    problems = [header_error(p, note=None) for p in layout.problems]
    rows = df.itertuples(index=False, name=None)
    items = (
        (f"record {i}", _item_from_row(row, layout, pd)) for i, row in enumerate(rows)
    )
    records = structure_all(items, name, leading=problems)
    return build_portfolio(records, name, name)


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
    check_portfolio(portfolio, "portfolio_to_pandas()")
    data: dict[str, Any] = {}
    for col in COLUMNS:
        data[col] = _pandas_column(pd, SPEC_BY_PATH[col], portfolio.columns[col])
    for k, fields in enumerate(_actor_slots(portfolio), start=1):
        for spec in ACTOR_SCHEMA:
            data[f"actor_{k}_{spec.path}"] = _pandas_column(pd, spec, fields[spec.path])
    return pd.DataFrame(data, index=pd.RangeIndex(len(portfolio)))


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
    if not isinstance(spec, EnumFieldSpec):  # pragma: no cover - schema invariant
        raise TypeError(f"no pandas column for {spec.path!r} ({k})")
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


def _item_from_row(row: Sequence[Any], layout: Layout, pd: Any) -> dict[str, Any]:
    """One partnership object from a DataFrame row (flat layout)."""
    item: dict[str, Any] = {}
    for path, i in layout.columns.items():
        spec = SPEC_BY_PATH[path]
        value = _pandas_cell(row[i], pd, count=spec.kind == "count")
        if value is None and (not spec.optional or path in DEFAULTS):
            continue  # the field's default, as for an empty CSV cell
        if spec.group is None:
            item[path] = value
        else:
            item.setdefault(spec.group, {})[spec.name] = value
    actors: list[dict[str, Any] | None] = []
    for k in range(1, layout.n_actors + 1):
        actor = {}
        for f in ACTOR_FIELDS:
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
