r"""Exact competition ranks of many rows of scores, by one integer sort per row.

`rank_rows` ranks every row of a (samples x units) array of float64 scores:
1 = highest, tied scores share the best rank, NaN stays NaN. It is the
ranking of every sample of an uncertainty or Sobol' analysis, so it is built
for speed without giving up exactness:

- Each score is mapped to a 64-bit unsigned key whose order is the reverse
  order of the scores, NaN last: when no score is negative (the usual
  case) the key is the bits of $+\infty$ minus the bits of the score;
  otherwise the IEEE 754 bits with the sign handled. ``-0.0`` counts as
  ``0.0``. The low $b = \lceil \log_2 n \rceil$ bits of the key are
  replaced by the unit's column, so one ``numpy.sort`` of plain integers
  per row (vectorised sorting networks, no index array) gives the order
  and the units together; NaN keys carry their column in the high bits
  too, so NaN never counts as a tie.
- Dropping low bits is monotone: a higher score never gets a larger key, so
  the sorted order is the order of the scores except possibly inside a
  group of equal truncated keys. A row without such a group takes the
  ranks 1..n in sorted order; runs of equal keys take the rank of their
  first place, and every run is checked against the full float64 scores:
  a row in which one holds different scores (two scores closer than about
  $2^{b-52}$ of their size) is re-ranked by the exact argsort
  (`rank_rows_argsort`). Ranks are therefore always those of the float64
  scores.
- Rows are processed in chunks that reuse a few small buffers, so a large
  block does not pay for page faults of fresh temporaries.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from kampala._internal.array_types import FloatArray

__all__ = ["rank_rows", "rank_rows_argsort"]

#: values per chunk of `rank_rows`: the buffers stay in the CPU caches
_CHUNK = 1 << 18
_LOW63 = np.int64(0x7FFF_FFFF_FFFF_FFFF)
#: the work arrays of the latest `rank_rows` of each thread (blocks of an
#: analysis reuse them: no page faults, whatever the allocator's settings)
_reused = threading.local()
#: the bits of +inf, and the top bit (NaN keys)
_INF = np.uint64(0x7FF0_0000_0000_0000)
_TOP = np.uint64(1 << 63)


def rank_rows_argsort(scores: FloatArray, dtype: type = np.float64) -> Any:
    """Rank each row, 1 = highest, by argsort (the reference `rank_rows` agrees with).

    Competition ranking: one plus the number of values in the row that are
    strictly greater; NaN stays NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from kampala.sensitivity._ranking import rank_rows_argsort
    >>> rank_rows_argsort(np.array([[0.5, 0.9, 0.5, np.nan]])).tolist()
    [[2.0, 1.0, 2.0, nan]]
    """
    s = np.asarray(scores, dtype=np.float64)
    n = s.shape[1]
    negated = -s
    order = np.argsort(negated, axis=1)  # NaN last
    ordered = np.take_along_axis(negated, order, axis=1)
    new_group = np.ones(ordered.shape, dtype=bool)
    new_group[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    first = np.maximum.accumulate(np.where(new_group, np.arange(n), 0), axis=1)
    ranks: Any = np.empty(ordered.shape, dtype=dtype)
    np.put_along_axis(ranks, order, (first + 1).astype(dtype), axis=1)
    ranks[np.isnan(s)] = np.nan
    return ranks


def rank_rows(scores: FloatArray, dtype: type = np.float64) -> Any:
    """Rank each row, 1 = highest; ties share the best rank; NaN stays NaN.

    Parameters
    ----------
    scores : numpy.ndarray of float64, shape (n_rows, n)
        One row per sample.
    dtype : numpy dtype, default=numpy.float64
        Of the ranks (``numpy.float32`` holds every rank below $2^{24}$
        exactly).

    Returns
    -------
    numpy.ndarray, shape (n_rows, n)
        The same numbers as `rank_rows_argsort`, bit for bit.

    Examples
    --------
    >>> import numpy as np
    >>> from kampala.sensitivity._ranking import rank_rows
    >>> rank_rows(np.array([[0.5, 0.9, 0.5, np.nan], [-0.0, 0.0, -1.0, 3.0]]))
    array([[ 2.,  1.,  2., nan],
           [ 2.,  2.,  4.,  1.]])
    """
    s = np.asarray(scores, dtype=np.float64)
    n_rows, n = s.shape
    out: Any = np.empty((n_rows, n), dtype=dtype)
    if n_rows == 0 or n == 0:
        return out
    shift = max(1, (n - 1).bit_length())
    if shift > 32:  # pragma: no cover - more than 2**32 units
        return rank_rows_argsort(s, dtype)
    step = max(1, _CHUNK // n)
    key = (min(step, n_rows), n, shift, np.dtype(dtype).str)
    buffers = getattr(_reused, "buffers", None)
    if buffers is None or buffers.key != key:
        buffers = _Buffers(*key)
        _reused.buffers = buffers  # one set a thread: a few MiB, reused by blocks
    redo: list[Any] = []
    for a in range(0, n_rows, step):
        x = s[a : a + step]
        again = buffers.rank(x, out[a : a + step])
        if again.size:
            redo.append(again + a)
    if redo:
        rows = np.concatenate(redo)
        out[rows] = rank_rows_argsort(s[rows], dtype)
    return out


class _Buffers:
    """Work arrays of `rank_rows`, reused chunk after chunk (no page faults)."""

    def __init__(self, rows: int, n: int, shift: int, dtype: str) -> None:
        self.key = (rows, n, shift, dtype)
        self.shift = np.uint64(shift)
        self.low = np.uint64((1 << shift) - 1)
        self.high = ~self.low
        self.column = np.arange(n, dtype=np.uint64)
        # NaN: after every number, in column order, never tied with each other
        self.nan_key = (_TOP | (self.column << self.shift)) | self.column
        self.bits = np.empty((rows, n), dtype=np.int64)
        self.work = np.empty((rows, n), dtype=np.int64)
        self.nan = np.empty((rows, n), dtype=bool)
        self.tied = np.empty((rows, max(0, n - 1)), dtype=bool)
        self.offsets = np.arange(rows, dtype=np.int64)[:, None] * n
        #: the ranks of a row without ties: its positions in order, plus one
        self.plain: Any = np.tile(np.arange(1, n + 1, dtype=dtype), rows)

    def keys(self, x: FloatArray, k: int) -> Any:
        """Sorted keys of the rows ``x``: the order's high bits, then the column."""
        b, w, na = self.bits[:k], self.work[:k], self.nan[:k]
        np.add(x, 0.0, out=b.view(np.float64))  # -0.0 becomes 0.0
        np.isnan(x, out=na)
        key = b.view(np.uint64)
        if np.fmin.reduce(x, axis=None, initial=0.0) >= 0.0:
            # no negative number: the bits of +inf minus the bits is descending
            np.subtract(_INF, key, out=key)
        else:
            # descending order as unsigned integers: x >= 0 flips all but the sign
            np.right_shift(b, 63, out=w)
            np.invert(w, out=w)
            np.bitwise_and(w, _LOW63, out=w)
            np.bitwise_xor(b, w, out=b)
            np.right_shift(key, np.uint64(1), out=key)  # below the NaN keys
        np.bitwise_and(key, self.high, out=key)
        np.bitwise_or(key, self.column, out=key)
        np.copyto(key, self.nan_key, where=na)
        key.sort(axis=1)
        return key

    def rank(self, x: FloatArray, out: Any) -> Any:
        """Write the ranks of the rows ``x`` to ``out``; return rows to redo."""
        k = x.shape[0]
        key = self.keys(x, k)
        unit = self.work[:k]
        np.bitwise_and(key, self.low, out=unit.view(np.uint64))
        np.bitwise_xor(key, unit.view(np.uint64), out=key)  # the order bits alone
        ti = self.tied[:k]
        np.equal(key[:, 1:], key[:, :-1], out=ti)
        unit += self.offsets[:k]  # flat positions in the chunk of ``out``
        flat = out.reshape(-1)
        flat[unit.reshape(-1)] = self.plain[: k * key.shape[1]]
        np.copyto(out, np.nan, where=self.nan[:k])
        if not ti.any():
            return np.empty(0, dtype=np.intp)
        # competition ranks: each run of ties takes the rank of its first place
        r, c = np.nonzero(ti)
        n = key.shape[1]
        tied = r * n + c + 1  # places (in the chunk) tied with the one before
        new = np.ones(tied.size, dtype=bool)
        new[1:] = tied[1:] - 1 != tied[:-1]
        first = tied[new] - 1
        at = unit.reshape(-1)
        flat[at[tied]] = first[np.cumsum(new) - 1] % n + 1
        # ties of the truncated keys must be ties of the scores
        a, b = x.flat[at[tied - 1]], x.flat[at[tied]]
        same = (a == b) | (np.isnan(a) & np.isnan(b))
        return np.unique(r[~same])
