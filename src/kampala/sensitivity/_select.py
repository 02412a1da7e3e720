r"""Order statistics of many rows by counting, without sorting them.

The score percentiles of an uncertainty analysis need, for each
partnership, a handful of order statistics (the values at two neighbouring
places for each quantile) of its scores over thousands of samples. Sorting
every row costs far more than finding a few places in it. `order_statistics`
finds them in two steps, exactly:

1. Each value goes to one of $B$ buckets of its row, $b = \lfloor (x -
   x_{\min}) \cdot c \rfloor$ with $c = (B - 1) / (x_{\max} - x_{\min})$;
   subtraction and multiplication by a positive number are monotone under
   rounding, so a higher bucket never holds a lower value. One
   `numpy.bincount` over all rows gives the counts, and their cumulative
   sums say in which bucket the $t$-th smallest value lies and at which
   place within it.
2. The few values in the buckets that hold a wanted place are gathered and
   sorted (a handful a row); the wanted value is read at its place.

The values are those a sort would put at the same places; NaN counts as
larger than every number, as in `numpy.sort`. Rows with an infinite value
are sorted instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["order_statistics"]

#: buckets a row
_BUCKETS = 2048
#: rows counted together (their values stay in cache)
_ROWS = 32


def order_statistics(sub: Any, places: npt.NDArray[np.intp]) -> Any:
    """Return the values at ``places`` of each row of ``sub`` once sorted.

    Parameters
    ----------
    sub : numpy.ndarray, shape (m, n)
        Rows of values, NaN allowed (they sort last).
    places : numpy.ndarray of intp, shape (k, m)
        For each row, ``k`` places from 0 to ``n - 1``.

    Returns
    -------
    numpy.ndarray of ``sub``'s dtype, shape (k, m)
        ``np.sort(sub, axis=1)[i, places[:, i]]`` for every row ``i``.

    Examples
    --------
    >>> import numpy as np
    >>> from kampala.sensitivity._select import order_statistics
    >>> x = np.array([[0.3, 0.1, np.nan, 0.2], [5.0, 5.0, 1.0, 2.0]])
    >>> order_statistics(x, np.array([[0, 0], [2, 3]])).tolist()
    [[0.1, 1.0], [0.3, 5.0]]
    """
    m = sub.shape[0]
    out = np.empty(places.shape, dtype=sub.dtype)
    for a in range(0, m, _ROWS):
        rows = slice(a, a + _ROWS)
        out[:, rows] = _select(sub[rows], places[:, rows])
    return out


def _select(x: Any, places: npt.NDArray[np.intp]) -> Any:
    m, n = x.shape
    with np.errstate(invalid="ignore"):
        low = np.fmin.reduce(x, axis=1)
        high = np.fmax.reduce(x, axis=1)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        span = np.subtract(high, low, dtype=x.dtype)
        scale = ((_BUCKETS - 1) / span).astype(x.dtype)
    # rows with an infinity, only NaN, or a span too wide or too narrow for
    # the buckets' arithmetic are sorted; rows of one value are it
    usual = np.isfinite(low) & np.isfinite(span) & np.isfinite(scale)
    single = np.isfinite(low) & np.isfinite(high) & (high == low)
    counted = usual & (span > 0)
    sort = ~counted & ~single
    scale = np.where(counted, scale, 0.0).astype(x.dtype)
    width = _BUCKETS + 1  # the last bucket: NaN
    nan = np.isnan(x)
    with np.errstate(invalid="ignore"):
        bucket = np.subtract(x, np.where(sort, 0.0, low).astype(x.dtype)[:, None])
        np.multiply(bucket, scale[:, None], out=bucket)
    np.copyto(bucket, width - 1, where=nan)
    np.copyto(bucket, 0, where=sort[:, None] & ~nan)
    index = bucket.astype(np.intp)
    row_start = np.arange(m, dtype=np.intp) * width
    index += row_start[:, None]
    counts = np.bincount(index.reshape(-1), minlength=m * width).reshape(m, width)
    cum = np.cumsum(counts, axis=1)
    # the bucket that holds each place, and the place within it
    offset = np.arange(m, dtype=np.intp) * (n + 1)
    at = np.searchsorted((cum + offset[:, None]).reshape(-1), places + offset, "right")
    within = places - np.where(
        at > row_start, np.concatenate([[0], cum.reshape(-1)])[at], 0
    )
    result = np.empty(places.shape, dtype=x.dtype)
    rows = np.flatnonzero(counted)
    if rows.size:
        # the values of the wanted buckets (a few a row), by row and value
        wanted = np.zeros(m * width, dtype=bool)
        wanted[at[:, rows].reshape(-1)] = True
        r, c = np.nonzero(wanted[index])
        values = x[r, c]
        order = np.lexsort((values, r))
        values, found = values[order], index[r, c][order]
        first = np.searchsorted(found, at[:, rows], side="left")
        result[:, rows] = values[first + within[:, rows]]
    if single.any():  # every value the same (NaN aside)
        known = n - nan[single].sum(axis=1)
        result[:, single] = np.where(places[:, single] < known, low[single], np.nan)
    if sort.any():
        rows = np.flatnonzero(sort)
        ordered = np.sort(x[rows], axis=1)
        result[:, rows] = np.take_along_axis(ordered, places[:, rows].T, axis=1).T
    return result
