r"""Quasi-arithmetic means of shared children for many weight samples, by pattern.

The sensitivity engine aggregates the same children (the principles of
every unit, say) under thousands of weight samples. For a unit, the mean
(A0)-(A3) depends on the sample only through the weights, renormalised over
the children it has:

$$
M_{su} = \phi^{-1}\Big(\sum_{j \in U_u} v_{sj}\, \phi(x_{uj})\Big),
\qquad v_{sj} = \frac{w_{sj}}{\sum_{i \in P_u} w_{si}},
$$

with $P_u$ the children present and $U_u \subseteq P_u$ those that are
usable ($x > 0$ for the geometric and harmonic means; zeros take the
limit). Units with the same pattern $(P_u, U_u)$ share the normalised
weights $v_{s\cdot}$, so each pattern is one product
$V_g \Phi_g^\top$ that gives the means directly: no weight sums of the size
of the result, no division and no masking per value. A portfolio has few
patterns (at most $2^k$ for $k$ children, usually a handful), and the
fast path declines when there are too many to pay.

Rows are computed in tiles of exactly ``tile`` weight samples (the last one
padded), so a sample's mean is the same whatever rows come with it: block
sizes and executors never change a bit.
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import numpy.typing as npt

from kampala._internal.arrays import scratch

__all__ = ["pattern_means", "row_sums"]

FloatArray: TypeAlias = npt.NDArray[np.float64]

#: the means this path computes
_METHODS = ("arithmetic", "geometric", "harmonic")
#: patterns beyond which grouping does not pay
_MAX_PATTERNS = 64
#: values per piece of the sums (in cache)
_CACHE = 1 << 16


def row_sums(w: FloatArray) -> FloatArray:
    """Sum of each row in column order (the same order for every block)."""
    out = np.zeros(w.shape[0])
    for j in range(w.shape[1]):
        out += w[:, j]
    return out


class _Patterns:
    """Units grouped by which children are present and usable."""

    def __init__(self, x: FloatArray, method: str) -> None:
        n, k = x.shape
        present = ~np.isnan(x)
        zero = (x == 0) if method != "arithmetic" else np.zeros_like(present)
        usable = present & ~zero
        bits = np.left_shift(np.int64(1), np.arange(k, dtype=np.int64))
        key = (present @ bits) | ((zero @ bits) << k)
        keys, inverse = np.unique(key, return_inverse=True)
        self.n_patterns = keys.size
        inverse = inverse.reshape(-1)
        #: units in pattern order, and where each unit went
        self.order = np.argsort(inverse, kind="stable")
        self.back = np.empty(n, dtype=np.intp)
        self.back[self.order] = np.arange(n)
        counts = np.bincount(inverse, minlength=keys.size)
        self.bounds = np.concatenate([[0], np.cumsum(counts)])
        first = self.order[self.bounds[:-1]]
        self.present = present[first]  # (patterns, k)
        self.usable = usable[first]
        self.zero = zero[first]
        # the transformed children, 0 where not usable, in pattern order
        xs = x[self.order]
        ok = usable[self.order]
        safe = np.where(ok, xs, 1.0)
        if method == "geometric":
            phi = np.log(safe)
        elif method == "harmonic":
            phi = 1.0 / safe
        else:
            phi = safe
        self.phi_t = np.ascontiguousarray(np.where(ok, phi, 0.0).T)  # (k, n)


def pattern_means(
    x: FloatArray,
    w: FloatArray,
    method: str,
    *,
    min_data: float = 0.0,
    min_coverage: float = 0.0,
    units_a_pattern: int = 32,
) -> FloatArray | None:
    r"""Means of the columns of ``x`` under every row of ``w``, or None.

    Parameters
    ----------
    x : numpy.ndarray, shape (n_units, k)
        Children, the same in every sample; NaN where missing, >= 0 for the
        geometric and harmonic means.
    w : numpy.ndarray, shape (n_samples, k)
        Non-negative weights, one row per sample.
    method : {"arithmetic", "geometric", "harmonic"}
        The mean.
    min_data, min_coverage : float, default=0.0
        As in `kampala.composite.kernel.weighted_mean`.
    units_a_pattern : int, default=32
        Units a pattern must have on average for grouping to be used (a
        few units a pattern cost more in Python than the sums they save);
        at most 64 patterns in any case.

    Returns
    -------
    numpy.ndarray of shape (n_samples, n_units), or None
        None when the method is another or the units have too many patterns
        of missing (and zero) children for grouping to pay; the caller then
        computes the means value by value.

    Examples
    --------
    >>> import numpy as np
    >>> from kampala.composite._patterns import pattern_means
    >>> x = np.array([[10.0, 99.0], [40.0, np.nan], [0.0, 4.0]])
    >>> w = np.array([[1.0, 3.0], [0.0, 1.0]])
    >>> pattern_means(x, w, "arithmetic", units_a_pattern=1).tolist()
    [[76.75, 40.0, 3.0], [99.0, nan, 4.0]]
    >>> pattern_means(x, w, "geometric", units_a_pattern=1).round(4).tolist()
    [[55.8118, 40.0, 0.0], [99.0, nan, 4.0]]
    >>> pattern_means(x, w, "geometric") is None  # 3 units: not worth it
    True
    """
    n, k = x.shape
    n_samples = w.shape[0]
    most = min(_MAX_PATTERNS, n // max(1, units_a_pattern))
    if method not in _METHODS or k == 0 or k > 30 or most == 0:
        return None  # (too few units even for one pattern: not worth grouping)
    pat = _Patterns(x, method)
    if pat.n_patterns > most:
        return None
    total = row_sums(w)
    n_present = pat.present.sum(axis=1)
    buf = scratch("kampala.pattern_means.sums", (n_samples, n))
    cols = max(16, _CACHE // max(1, n_samples))
    tmp = scratch("kampala.pattern_means.term", (n_samples, cols))
    hits: list[tuple[int, int, npt.NDArray[np.bool_]]] = []
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for g in range(pat.n_patterns):
            a, b = int(pat.bounds[g]), int(pat.bounds[g + 1])
            den = row_sums(w[:, pat.present[g]])
            bad = ~(den > 0)
            if min_data > 0 and n_present[g] / k < min_data:
                bad[:] = True
            if min_coverage > 0 and n_present[g] < k:
                bad |= den / total < min_coverage
            v = w / den[:, None]
            v[:, ~pat.usable[g]] = 0.0
            v[bad] = np.nan
            # sum_j v_sj phi_uj, term by term in child order: the same
            # operations for a sample whatever rows come with it
            for c0 in range(a, b, cols):
                c1 = min(b, c0 + cols)
                acc, t = buf[:, c0:c1], tmp[:, : c1 - c0]
                np.multiply(v[:, :1], pat.phi_t[0, c0:c1], out=acc)
                for j in range(1, k):
                    np.multiply(v[:, j : j + 1], pat.phi_t[j, c0:c1], out=t)
                    np.add(acc, t, out=acc)
            if pat.zero[g].any():
                hit = (w[:, pat.zero[g]] > 0).any(axis=1) & ~bad
                if hit.any():
                    hits.append((a, b, hit))
        if method == "geometric":
            np.exp(buf, out=buf)
        elif method == "harmonic":
            np.divide(1.0, buf, out=buf)
    for a, b, hit in hits:
        buf[hit, a:b] = 0.0
    out: FloatArray = np.take(buf, pat.back, axis=1)
    return out
