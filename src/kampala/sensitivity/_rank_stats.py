"""Statistics of sampled ranks and scores, and strict-JSON helpers.

Blocked over rows or columns so memory stays bounded on large analyses.
Ranks are integers, so their statistics are computed from counts
(`rank_summary`) rather than by sorting the samples; scores' quantiles put
only the order statistics they need in place (`nan_quantiles`).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from kampala._internal.array_types import FloatArray
from kampala._internal.arrays import scratch
from kampala.sensitivity._select import order_statistics

__all__ = [
    "UNIT_SLAB",
    "RankSummary",
    "UnitStatistics",
    "json_safe",
    "nan_quantiles",
    "num_or_none",
    "rank_summary",
    "row_rank_shift",
    "transposed",
    "unit_statistics",
]


#: values per block of the column and row statistics: bounded temporaries
_BLOCK = 1 << 22
#: samples x units, and counts, per block of the rank quantiles (in cache)
_COUNTS = 1 << 20
#: samples from which quantiles count rather than sort (below, a sort of a
#: row in cache is faster)
_SELECT_FROM = 6144
#: units per slab of `unit_statistics`: fixed, so that the numbers never
#: depend on how slabs are shared among workers
UNIT_SLAB = 256


def _row_blocks(n_rows: int, n_cols: int) -> Iterator[slice]:
    step = max(1, _BLOCK // max(1, n_cols))
    for start in range(0, n_rows, step):
        yield slice(start, min(n_rows, start + step))


def row_rank_shift(ranks: Any, nominal: FloatArray) -> FloatArray:
    """Return the mean absolute rank shift of each sample (row) from the nominal.

    Ranks are integers (exact in float32 below $2^{24}$), so every
    difference and every row sum is exact and the order of the sums cannot
    change a bit. NaN (a unit unranked in the sample or nominally) is
    left out.

    Examples
    --------
    >>> import numpy as np
    >>> from kampala.sensitivity._rank_stats import row_rank_shift
    >>> ranks = np.array([[1, 2, 3], [3, 1, np.nan]], dtype=np.float32)
    >>> row_rank_shift(ranks, np.array([1.0, 2.0, 3.0])).tolist()
    [0.0, 1.5]
    """
    n_rows, n_cols = ranks.shape
    out = np.empty(n_rows)
    ref = np.asarray(nominal, dtype=np.float32)
    for rows in _row_blocks(n_rows, n_cols):
        with np.errstate(invalid="ignore"):
            shift = np.abs(np.subtract(ranks[rows], ref, dtype=np.float32))
        known = ~np.isnan(shift)
        count = known.sum(axis=1)
        total = np.add.reduce(shift, axis=1, dtype=np.float64, where=known)
        out[rows] = np.where(count > 0, total / np.maximum(1, count), np.nan)
    return out


@attrs.frozen(kw_only=True, eq=False)
class RankSummary:
    """Per-unit statistics of integer ranks over samples, from their counts.

    Attributes
    ----------
    mean : numpy.ndarray
        Mean rank over the samples in which the unit is ranked.
    quantiles : numpy.ndarray, shape (n_quantiles, n_units)
        Linear-interpolated quantiles, as `numpy.nanquantile`.
    p_top : numpy.ndarray
        Share of all samples with rank at most ``top_k``.
    shift : numpy.ndarray
        Mean absolute difference from the nominal rank.
    """

    mean: FloatArray
    quantiles: FloatArray
    p_top: FloatArray
    shift: FloatArray

    @classmethod
    def concatenate(cls, parts: Sequence[RankSummary]) -> RankSummary:
        """Join the summaries of consecutive ranges of units."""
        return cls(
            mean=np.concatenate([p.mean for p in parts]),
            quantiles=np.concatenate([p.quantiles for p in parts], axis=1),
            p_top=np.concatenate([p.p_top for p in parts]),
            shift=np.concatenate([p.shift for p in parts]),
        )


def rank_summary(
    ranks: Any,
    nominal: FloatArray,
    top_k: int,
    qs: Sequence[float],
    n_samples: int | None = None,
) -> RankSummary:
    r"""Summarise integer ranks per unit by counting, without sorting samples.

    Units are read in blocks, one unit a row (a transposed copy). Means,
    top-$k$ shares and shifts are sums of integers, exact in any order.
    For the quantiles, the ranks of a
    unit over $N$ samples lie between its lowest and highest rank, so one
    `numpy.bincount` per block of units (of similar ranges) gives the
    counts $c_{u,r}$, and the order statistics that `numpy.nanquantile`
    interpolates between are found in the cumulative counts. The numbers
    are bitwise those of `numpy.nanmean`, `nan_quantiles`,
    ``(ranks <= top_k).mean(axis=0)`` and the mean of ``|ranks - nominal|``.

    Parameters
    ----------
    ranks : numpy.ndarray, shape (n_samples, n_units)
        Competition ranks (integers from 1), NaN where unranked.
    nominal : numpy.ndarray, shape (n_units,)
        Nominal ranks, NaN where unranked.
    top_k : int
        The $k$ of ``p_top``.
    qs : sequence of float
        Quantile levels in $[0, 1]$.
    n_samples : int, optional
        The samples ``p_top`` is a share of (default: every row; fewer when
        rows of samples that failed are all NaN).

    Examples
    --------
    >>> import numpy as np
    >>> from kampala.sensitivity._rank_stats import rank_summary
    >>> ranks = np.array([[1, 2, 3], [2, 1, 3], [1, 3, np.nan]], dtype=np.float32)
    >>> out = rank_summary(ranks, np.array([1.0, 2.0, 3.0]), 1, [0.5, 0.95])
    >>> out.mean.round(3).tolist(), out.quantiles.tolist()
    ([1.333, 2.0, 3.0], [[1.0, 2.0, 3.0], [1.9, 2.9, 3.0]])
    >>> out.p_top.round(3).tolist(), out.shift.round(3).tolist()
    ([0.667, 0.333, 0.0], [0.333, 0.667, 0.0])
    """
    n_rows, n_units = ranks.shape
    q = np.asarray(qs, dtype=np.float64)
    ref = np.asarray(nominal, dtype=np.float64)
    n = n_rows if n_samples is None else n_samples
    step = max(1, _BLOCK // max(1, n_rows))
    return RankSummary.concatenate(
        [
            _row_rank_summary(
                transposed(ranks[:, a : a + step]), ref[a : a + step], top_k, q, n
            )
            for a in range(0, n_units, step)
        ]
    )


def _row_rank_summary(
    block: Any, ref: FloatArray, top_k: int, q: FloatArray, n_samples: int
) -> RankSummary:
    """`rank_summary` of one unit a row (float32, C order; NaN unranked)."""
    ok = ~np.isnan(block)
    # sums of integers: exact in any order
    known = ok.sum(axis=1)
    total = np.add.reduce(block, axis=1, dtype=np.float64, where=ok)
    top = (block <= top_k).sum(axis=1)
    with np.errstate(invalid="ignore"):
        shift_block = np.abs(block - ref.astype(np.float32)[:, None])
    moved = np.add.reduce(shift_block, axis=1, dtype=np.float64, where=ok)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / known
        shift = np.where(np.isnan(ref), np.nan, moved / known)
    return RankSummary(
        mean=mean,
        quantiles=_rank_quantiles(block, known, q),
        p_top=top / float(n_samples),
        shift=shift,
    )


def _rank_quantiles(
    block: Any, known: npt.NDArray[np.int64], q: FloatArray
) -> FloatArray:
    """Quantiles of each row (one unit's ranks over the samples), from counts."""
    n_units, n_samples = block.shape
    quant = np.empty((q.size, n_units))
    # each unit's ranks lie in [low, high]: count only there (bucket 0: NaN)
    low = np.nan_to_num(np.fmin.reduce(block, axis=1), nan=1.0).astype(np.int64)
    high = np.nan_to_num(np.fmax.reduce(block, axis=1), nan=1.0).astype(np.int64)
    widths = high - low + 2
    order = np.argsort(widths, kind="stable")  # similar widths together
    sorted_widths = widths[order]
    most = max(1, _COUNTS // max(1, n_samples))
    a = 0
    while a < n_units:
        # as many units as fit: count * width <= _COUNTS (at least one)
        window = sorted_widths[a : a + most]
        fits = np.arange(1, window.size + 1) * window
        b = a + max(1, int(np.searchsorted(fits, _COUNTS, side="right")))
        rows = np.sort(order[a:b])
        width = int(sorted_widths[b - 1])
        base = low[rows] - 1  # bucket t holds rank base + t
        codes = block[rows] - base.astype(np.float32)[:, None]
        np.copyto(codes, 0.0, where=np.isnan(codes))
        index = codes.astype(np.intp)
        index += (np.arange(b - a, dtype=np.intp) * width)[:, None]
        counts = np.bincount(index.reshape(-1), minlength=(b - a) * width)
        counts = counts.reshape(b - a, width)
        counts[:, 0] = 0
        cum = np.cumsum(counts, axis=1)
        quant[:, rows] = _count_quantiles(cum, known[rows], base, q, n_samples)
        a = b
    return quant


def _count_quantiles(
    cum: npt.NDArray[np.int64],
    known: npt.NDArray[np.int64],
    base: npt.NDArray[np.int64],
    q: FloatArray,
    n_samples: int,
) -> FloatArray:
    """Quantiles of each row from its cumulative counts; bucket t is rank base + t."""
    rows, width = cum.shape
    # one sorted array: row u's cumulative counts shifted by u * (n + 1)
    offset = np.arange(rows, dtype=np.int64) * (n_samples + 1)
    flat = (cum + offset[:, None]).ravel()
    last = np.maximum(known - 1, 0)
    out = np.empty((q.size, rows))
    first = np.arange(rows, dtype=np.int64) * width - base

    def order_statistic(i: npt.NDArray[np.intp]) -> FloatArray:
        # the smallest bucket with more than i values at or below it
        pos = np.searchsorted(flat, i + offset, side="right")
        found: FloatArray = (pos - first).astype(np.float64)
        return found

    for j, qq in enumerate(q):
        pos = qq * last
        lo = np.floor(pos).astype(np.intp)
        hi = np.minimum(lo + 1, last)
        frac = pos - lo
        v_lo, v_hi = order_statistic(lo), order_statistic(hi)
        out[j] = np.where(known > 0, v_lo + (v_hi - v_lo) * frac, np.nan)
    return out


def nan_quantiles(a: Any, qs: Any) -> FloatArray:
    """Column quantiles ignoring NaN, as `numpy.nanquantile` (linear).

    Vectorised over columns, in blocks. Only the order statistics the
    quantiles need are found, by counting values in buckets
    (`kampala.sensitivity._select.order_statistics`); columns of fewer than
    6,144 values are sorted, which is faster while a column fits in cache.

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
    block = max(1, _BLOCK // max(1, n_rows))
    for start in range(0, n_cols, block):
        sub = transposed(a[:, start : start + block])  # one row a column
        out[:, start : start + block] = _row_nan_quantiles(sub, q)
    return out


def _row_nan_quantiles(sub: Any, q: FloatArray) -> FloatArray:
    """`nan_quantiles` of each row of ``sub`` (which it may reorder)."""
    count = (~np.isnan(sub)).sum(axis=1)
    last = np.maximum(count - 1, 0)
    pos = q[:, None] * last[None, :]
    lo = np.floor(pos).astype(np.intp)
    hi = np.minimum(lo + 1, last[None, :])
    if sub.shape[1] >= _SELECT_FROM:
        # the few places needed, found by counting (`order_statistics`)
        found = order_statistics(sub, np.concatenate([lo, hi]))
        v_lo, v_hi = found[: q.size], found[q.size :]
    else:
        sub.sort(axis=1)  # NaN last
        v_lo = np.take_along_axis(sub, lo.T, axis=1).T
        v_hi = np.take_along_axis(sub, hi.T, axis=1).T
    value = v_lo + (v_hi - v_lo) * (pos - lo)
    out: FloatArray = np.where(count > 0, value, np.nan)
    return out


def _row_nanmean(block: Any) -> FloatArray:
    """Mean of each row ignoring NaN, accumulated in float64."""
    known = ~np.isnan(block)
    total = np.add.reduce(block, axis=1, dtype=np.float64, where=known)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = total / known.sum(axis=1)
    return out


def transposed(a: Any, rows: int = 512, work: str | None = None) -> Any:
    """Return a C-ordered copy of ``a.T``, copied in cache-sized tiles.

    A plain transposed copy of a slice of a wide array reads one value per
    row of it at a time (a new cache line and often a new page each);
    tiles of ``rows`` rows are about five times faster. With ``work``, the
    copy goes to this thread's work array of that name
    (`kampala._internal.arrays.scratch`), valid until the next such call.

    Examples
    --------
    >>> import numpy as np
    >>> from kampala.sensitivity._rank_stats import transposed
    >>> a = np.arange(6.0).reshape(3, 2)
    >>> transposed(a, rows=2).tolist() == a.T.tolist()
    True
    """
    n_rows, n_cols = a.shape
    if work is None:
        out = np.empty((n_cols, n_rows), dtype=a.dtype)
    else:
        out = scratch(work, (n_cols, n_rows), a.dtype)
    for r in range(0, n_rows, rows):
        out[:, r : r + rows] = a[r : r + rows].T
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


@attrs.frozen(kw_only=True, eq=False)
class UnitStatistics:
    """Per-unit statistics of the scores and ranks of an uncertainty analysis.

    Attributes
    ----------
    score_mean : numpy.ndarray
        Mean score over the samples with a score.
    score_quantiles : numpy.ndarray, shape (n_quantiles, n_units)
        Score quantiles, as `numpy.nanquantile` (linear).
    ranks : RankSummary
        Mean, quantiles, top-$k$ share and shift of the ranks.
    """

    score_mean: FloatArray
    score_quantiles: FloatArray
    ranks: RankSummary

    @classmethod
    def concatenate(cls, parts: Sequence[UnitStatistics]) -> UnitStatistics:
        """Join the statistics of consecutive ranges of units."""
        return cls(
            score_mean=np.concatenate([p.score_mean for p in parts]),
            score_quantiles=np.concatenate([p.score_quantiles for p in parts], axis=1),
            ranks=RankSummary.concatenate([p.ranks for p in parts]),
        )


def unit_statistics(
    scores: Any,
    ranks: Any,
    nominal: FloatArray,
    top_k: int,
    qs: Sequence[float],
    n_samples: int,
) -> UnitStatistics:
    """Statistics of each unit (column), slab by slab of `UNIT_SLAB` units.

    Each slab is copied one unit a row and computed alone with the same
    operations, so any split of the columns into ranges of whole slabs
    (among workers, say) gives the same bits; each unit's mean is the
    float64 sum of its row. Rows of failed samples are NaN and are left out;
    ``n_samples`` counts the others.

    Examples
    --------
    >>> import numpy as np
    >>> from kampala.sensitivity._rank_stats import unit_statistics
    >>> scores = np.array([[0.9, 0.5], [0.4, 0.6], [np.nan, np.nan]])
    >>> ranks = np.array([[1, 2], [2, 1], [np.nan, np.nan]], dtype=np.float32)
    >>> out = unit_statistics(scores, ranks, np.array([1.0, 2.0]), 1, [0.5], 2)
    >>> out.score_mean.round(2).tolist(), out.ranks.p_top.tolist()
    ([0.65, 0.55], [0.5, 0.5])
    """
    q = np.asarray(qs, dtype=np.float64)
    ref = np.asarray(nominal, dtype=np.float64)
    parts = []
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        # all-missing units give NaN statistics, reported as missing
        warnings.simplefilter("ignore", RuntimeWarning)
        for a in range(0, scores.shape[1], UNIT_SLAB):
            cols = slice(a, a + UNIT_SLAB)
            # one unit a row, in this thread's work arrays
            sub = transposed(scores[:, cols], work="kampala.unit_statistics.scores")
            mean = _row_nanmean(sub)  # before a sort may reorder it
            parts.append(
                UnitStatistics(
                    score_mean=mean,
                    score_quantiles=_row_nan_quantiles(sub, q),
                    ranks=_row_rank_summary(
                        transposed(
                            ranks[:, cols], work="kampala.unit_statistics.ranks"
                        ),
                        ref[cols],
                        top_k,
                        q,
                        n_samples,
                    ),
                )
            )
    return UnitStatistics.concatenate(parts)
