r"""Exact competition ranks of many rows of scores, by one integer sort per row.

`rank_rows` ranks every row of a (samples x units) array of float64 scores:
1 = highest, tied scores share the best rank, NaN stays NaN. It is the
ranking of every sample of an uncertainty or Sobol' analysis, so it is built
for speed without giving up exactness:

- Each score is mapped to a 64-bit unsigned key whose order is the reverse
  order of the scores (IEEE 754 bits, sign handled, ``-0.0`` as ``0.0``, NaN
  last). The low $b = \lceil \log_2 n \rceil$ bits of the key are dropped
  and replaced by the unit's column, so one ``numpy.sort`` of plain integers
  per row (vectorised sorting networks, no index array) gives the order and
  the units together.
- Dropping low bits is monotone: a higher score never gets a larger key, so
  the sorted order is the order of the scores except possibly inside a
  group of equal truncated keys. Every such group is checked against the
  full float64 scores; a row in which one holds different scores (two
  scores closer than about $2^{b-52}$ of their size) is re-ranked by the
  exact argsort (`rank_rows_argsort`). Ranks are therefore always those of
  the float64 scores.
- Rows are processed in chunks that reuse a few small buffers, so a large
  block does not pay for page faults of fresh temporaries.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kampala._internal.array_types import FloatArray

__all__ = ["rank_rows", "rank_rows_argsort"]

#: values per chunk of `rank_rows`: the buffers stay in the CPU caches
_CHUNK = 1 << 18
_LOW63 = np.int64(0x7FFF_FFFF_FFFF_FFFF)


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
    shift = np.uint64(max(1, (n - 1).bit_length()))
    if int(shift) > 32:  # pragma: no cover - more than 2**32 units
        return rank_rows_argsort(s, dtype)
    low = np.uint64((1 << int(shift)) - 1)
    last = np.uint64(2**64 - 1) >> shift  # NaN, after every number
    step = max(1, _CHUNK // n)
    rows = min(step, n_rows)
    bits = np.empty((rows, n), dtype=np.int64)
    work = np.empty((rows, n), dtype=np.int64)
    nan = np.empty((rows, n), dtype=bool)
    tied = np.empty((rows, max(0, n - 1)), dtype=bool)
    pos = np.empty((rows, n), dtype=np.int64)
    column = np.arange(n, dtype=np.uint64)
    offsets = np.arange(rows, dtype=np.int64)[:, None] * n
    redo: list[Any] = []
    for a in range(0, n_rows, step):
        k = min(n_rows, a + step) - a
        x = s[a : a + k]
        b, w, na, ti, po = bits[:k], work[:k], nan[:k], tied[:k], pos[:k]
        np.add(x, 0.0, out=b.view(np.float64))  # -0.0 becomes 0.0
        # descending order as unsigned integers: x >= 0 flips all but the sign
        np.right_shift(b, 63, out=w)
        np.invert(w, out=w)
        np.bitwise_and(w, _LOW63, out=w)
        np.bitwise_xor(b, w, out=b)
        key = b.view(np.uint64)
        np.right_shift(key, shift, out=key)
        np.isnan(x, out=na)
        np.copyto(key, last, where=na)
        np.left_shift(key, shift, out=key)
        np.bitwise_or(key, column, out=key)
        key.sort(axis=1)
        unit = w.view(np.uint64)
        np.bitwise_and(key, low, out=unit)
        np.right_shift(key, shift, out=key)
        np.equal(key[:, 1:], key[:, :-1], out=ti)
        po[:] = column.view(np.int64)
        np.copyto(po[:, 1:], 0, where=ti)
        np.maximum.accumulate(po, axis=1, out=po)
        po += 1
        w += offsets[:k]  # flat positions in the chunk of ``out``
        chunk = out[a : a + k]
        np.put(chunk, w, po)
        np.copyto(chunk, np.nan, where=na)
        if ti.any():
            r, c = np.nonzero(ti)
            first, second = x.flat[w[r, c]], x.flat[w[r, c + 1]]
            same = (first == second) | (np.isnan(first) & np.isnan(second))
            if not same.all():
                redo.append(np.unique(r[~same]) + a)
    if redo:
        again = np.concatenate(redo)
        out[again] = rank_rows_argsort(s[again], dtype)
    return out
