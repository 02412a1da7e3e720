"""Statistics of sampled ranks and scores, and strict-JSON helpers.

Blocked over rows or columns so memory stays bounded on large analyses.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import numpy.typing as npt

from kampala._internal.array_types import FloatArray

__all__ = [
    "column_rank_shift",
    "json_safe",
    "nan_quantiles",
    "num_or_none",
    "row_rank_shift",
]


def _shift_blocks(
    ranks: Any, nominal: FloatArray
) -> Iterator[tuple[slice, FloatArray, npt.NDArray[np.bool_]]]:
    """Yield blocks of rows of ``|ranks - nominal|``, NaN as 0, and where known.

    Blocks hold about four million values, so large analyses never need a
    second array of the size of ``ranks``.
    """
    block = max(1, 4_000_000 // max(1, ranks.shape[1]))
    for start in range(0, ranks.shape[0], block):
        rows = slice(start, start + block)
        with np.errstate(invalid="ignore"):
            shift = np.abs(ranks[rows] - nominal)
        both = ~np.isnan(shift)
        yield rows, np.where(both, shift, 0.0), both


def row_rank_shift(ranks: Any, nominal: FloatArray) -> FloatArray:
    """Return the mean absolute rank shift of each sample (row) from the nominal."""
    out = np.empty(ranks.shape[0])
    for rows, shift, both in _shift_blocks(ranks, nominal):
        count = both.sum(axis=1)
        total = shift.sum(axis=1, dtype=np.float64)
        out[rows] = np.where(count > 0, total / np.maximum(1, count), np.nan)
    return out


def column_rank_shift(ranks: Any, nominal: FloatArray) -> FloatArray:
    """Return the mean absolute rank shift of each unit (column) from the nominal."""
    total = np.zeros(ranks.shape[1])
    count = np.zeros(ranks.shape[1])
    for _, shift, both in _shift_blocks(ranks, nominal):
        total += shift.sum(axis=0, dtype=np.float64)
        count += both.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = total / count
    return out


def nan_quantiles(a: Any, qs: Any) -> FloatArray:
    """Column quantiles ignoring NaN, as `numpy.nanquantile` (linear).

    Vectorised over columns, in blocks: sort each block once and
    interpolate between order statistics.

    Examples
    --------
    >>> import numpy as np
    >>> from kampala.sensitivity.analysis import nan_quantiles
    >>> ranks = np.array([[1.0, 2.0], [2.0, np.nan], [3.0, 4.0]])
    >>> nan_quantiles(ranks, [0.5, 0.95]).round(2).tolist()
    [[2.0, 3.0], [2.9, 3.9]]
    >>> bool(np.allclose(nan_quantiles(ranks, [0.5, 0.95]),
    ...                  np.nanquantile(ranks, [0.5, 0.95], axis=0)))
    True
    """
    q = np.asarray(qs, dtype=np.float64)
    n_rows, n_cols = a.shape
    out = np.full((q.size, n_cols), np.nan)
    block = max(1, 8_000_000 // max(1, n_rows))
    for start in range(0, n_cols, block):
        sub = np.sort(a[:, start : start + block], axis=0)  # NaN last
        count = (~np.isnan(sub)).sum(axis=0)
        ok = count > 0
        for j, qq in enumerate(q):
            pos = qq * np.maximum(count - 1, 0)
            lo = np.floor(pos).astype(np.intp)
            hi = np.minimum(lo + 1, np.maximum(count - 1, 0))
            frac = pos - lo
            v_lo = np.take_along_axis(sub, lo[None, :], axis=0)[0]
            v_hi = np.take_along_axis(sub, hi[None, :], axis=0)[0]
            value = v_lo + (v_hi - v_lo) * frac
            out[j, start : start + block] = np.where(ok, value, np.nan)
    return out


def json_safe(value: Any) -> Any:
    """Replace NaN floats by None, recursively (strict JSON has no NaN)."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def num_or_none(x: float) -> float | None:
    """Return ``x`` as a float, or None for NaN (strict JSON)."""
    return None if math.isnan(float(x)) else float(x)
