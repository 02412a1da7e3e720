r"""The aggregation kernel: every weighted mean of kampala, computed once.

`weighted_mean` combines the children of an aggregate into one value per
unit, for one weight vector or for a block of weight samples at once. The
composite engine (`kampala.composite.aggregate`), principle scores
(`kampala.principles.PrincipleScores`) and the sensitivity engine all call
it, so the rules below hold everywhere:

- **Missing values** (NaN) are skipped and the weights of the children
  present are renormalised (equation (A0) on the aggregation page); an
  aggregate without a present child of positive weight is NaN, and so is
  one below ``min_data`` (share of children present) or ``min_coverage``
  (share of their weight present).
- **Zeros** take the limit of the mean: under the geometric and harmonic
  means and power means with $p < 0$, a child equal to 0 with positive
  weight makes the mean 0.
- **Any exponent** is safe: the power mean is computed as
  $M_p(x) = s\,M_p(x / s)$ with $s$ the largest ($p > 0$) or smallest
  ($p < 0$) child that takes part, so that every $(x_i / s)^p \le 1$ and
  the term of the extreme child is exactly 1 (equation (A8)); for
  $|p| < 1/2$ the terms are $\operatorname{expm1}(p \ln(x_i/s))$ and the
  root $\exp(\operatorname{log1p}(\cdot)/p)$, which stay exact as
  $p \to 0$; $p = 0$ is the geometric mean, $\exp$ of the weighted mean of
  the logarithms.

The kernels take clean float arrays and check nothing: callers check the
domain (non-negative values for the means in `NON_NEGATIVE`, a positive
mean for Mazziotta-Pareto) and name the unit at fault.

Shapes
------
``values`` is a matrix ``(n_units, n_children)``, the same for every weight
sample; an array ``(n_samples, n_units, n_children)``; or a sequence of one
array per child, each ``(n_units,)`` (the same in every sample) or
``(n_samples, n_units)`` (one column per sample). ``weights`` is one vector
``(n_children,)`` or one row per sample ``(n_samples, n_children)``. The
result is ``(n_units,)`` for one weight vector and values that do not vary
by sample, ``(n_samples, n_units)`` otherwise. With a block of samples each
result row is computed with the same operations whatever the other rows,
so block sizes never change the numbers.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

from kampala._internal.params import scale_weight_rows
from kampala.composite._patterns import pattern_means, row_sums
from kampala.errors import ParameterValueError

__all__ = [
    "METHODS",
    "NON_NEGATIVE",
    "QUASI_ARITHMETIC",
    "copeland",
    "coverage",
    "weighted_mean",
    "weighted_sum",
    "zero_limit",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
Values: TypeAlias = FloatArray | Sequence[FloatArray]

#: Methods `weighted_mean` computes.
METHODS = (
    "arithmetic",
    "geometric",
    "harmonic",
    "generalised-mean",
    "minimum",
    "mazziotta-pareto",
    "copeland",
)
#: Quasi-arithmetic means: $\phi^{-1}(\sum_i \tilde w_i \phi(x_i))$.
QUASI_ARITHMETIC = ("arithmetic", "geometric", "harmonic", "generalised-mean")
#: Methods defined for values >= 0 only (zeros take the mean's limit).
NON_NEGATIVE = frozenset({"geometric", "harmonic", "generalised-mean"})

_CHUNK_ELEMENTS = 1 << 18  # values per block of rows (one weight vector): in cache
_TILE = 256  # weight samples per matrix product (see _rows_matmul)
_PAIR_BUDGET = 8_000_000  # array elements per block in the pairwise Copeland kernel


def zero_limit(method: str, p: float = 1.0) -> bool:
    r"""Whether a child equal to 0 (with positive weight) makes the mean 0.

    Parameters
    ----------
    method : str
        One of `METHODS`.
    p : float, default=1.0
        The exponent of ``"generalised-mean"``.

    Returns
    -------
    bool
        True for the geometric and harmonic means and power means with
        $p \le 0$, whose limit is 0 as a child tends to 0.

    Examples
    --------
    >>> from kampala.composite.kernel import zero_limit
    >>> zero_limit("geometric"), zero_limit("generalised-mean", -2.0)
    (True, True)
    >>> zero_limit("generalised-mean", 0.5), zero_limit("arithmetic")
    (False, False)
    """
    return method in ("geometric", "harmonic") or (
        method == "generalised-mean" and p <= 0
    )


def _rows_matmul(a: FloatArray, b: FloatArray) -> FloatArray:
    """Compute ``a @ b`` in tiles of exactly 256 rows (the last one padded).

    Every row of ``a`` then goes through a product of the same shape, so
    its result does not depend on how many rows are computed together.
    """
    rows = a.shape[0]
    out = np.empty((rows, b.shape[1]))
    tile = np.zeros((_TILE, a.shape[1]))
    for start in range(0, rows, _TILE):
        stop = min(rows, start + _TILE)
        if stop - start == _TILE:  # straight into place: no temporary
            np.matmul(a[start:stop], b, out=out[start:stop])
        else:
            tile[:] = 0.0
            tile[: stop - start] = a[start:stop]
            out[start:stop] = (tile @ b)[: stop - start]
    return out


def _dot(w: FloatArray, x: FloatArray, single: bool) -> FloatArray:
    """``sum_j w[s, j] x[u, j]`` as ``(n_samples, n_units)``."""
    if single:
        out: FloatArray = (x @ w[0])[None, :]
        return out
    return _rows_matmul(w, x.T)


def weighted_sum(values: FloatArray, weights: FloatArray) -> FloatArray:
    r"""Linear composite $\sum_j w_j x_{uj}$ of complete data, in a fixed order.

    The sum over children runs in column order with element-wise
    operations, so each unit's score is bitwise the same whatever block of
    weights it is computed with, and units with identical rows tie exactly
    (a matrix product promises neither). With weights summing to 1 it is
    the arithmetic mean (A1) of data without missing values.

    Parameters
    ----------
    values : numpy.ndarray, shape (n_units, n_children)
        Values without NaN.
    weights : numpy.ndarray, shape (n_children,) or (n_samples, n_children)
        One weight vector or a block of them.

    Returns
    -------
    numpy.ndarray, shape (n_units,) or (n_samples, n_units)
        One row per weight vector.

    Examples
    --------
    >>> import numpy as np
    >>> from kampala.composite.kernel import weighted_sum
    >>> x = np.array([[1.0, 3.0], [2.0, 2.0]])
    >>> weighted_sum(x, np.array([0.25, 0.75])).tolist()
    [2.5, 2.0]
    >>> weighted_sum(x, np.array([[0.5, 0.5], [1.0, 0.0]])).tolist()
    [[2.0, 2.0], [1.0, 2.0]]
    """
    if weights.ndim == 1:
        out = values[:, 0] * weights[0]
        for k in range(1, values.shape[1]):
            out = out + values[:, k] * weights[k]
        return np.asarray(out, dtype=np.float64)
    block = values[:, 0, None] * weights[None, :, 0]
    for k in range(1, values.shape[1]):
        block += values[:, k, None] * weights[None, :, k]
    out2: FloatArray = block.T
    return out2


def coverage(values: FloatArray, weights: FloatArray) -> FloatArray:
    r"""Share of the children's weight with a value, per unit.

    $\mathrm{cov}_u = \sum_{j\,present} w_j / \sum_j w_j$, the quantity
    ``min_coverage`` bounds in (A0).

    Parameters
    ----------
    values : numpy.ndarray, shape (n_units, n_children)
        Values, NaN for missing.
    weights : numpy.ndarray, shape (n_children,)
        Weights of the children.

    Returns
    -------
    numpy.ndarray, shape (n_units,)

    Examples
    --------
    >>> import numpy as np
    >>> from kampala.composite.kernel import coverage
    >>> coverage(np.array([[1.0, 0.0], [np.nan, 0.5]]), np.array([3.0, 1.0]))
    array([1.  , 0.25])
    """
    weights = scale_weight_rows(weights)
    out: FloatArray = (~np.isnan(values)) @ weights / weights.sum()
    return out


def copeland(values: FloatArray, weights: FloatArray) -> FloatArray:
    """Copeland outranking score (A7) of every unit: wins minus losses.

    Parameters
    ----------
    values : numpy.ndarray, shape (n_units, n_children)
        Values, NaN for missing; each pair of units is compared on the
        children both have.
    weights : numpy.ndarray, shape (n_children,)
        Weights of the children.

    Returns
    -------
    numpy.ndarray, shape (n_units,)
        Integers in $[-(n-1), n-1]$; NaN for a unit without any value.

    Examples
    --------
    >>> import numpy as np
    >>> from kampala.composite.kernel import copeland
    >>> x = np.array([[3.0, 1.0], [2.0, 2.0], [1.0, 3.0]])
    >>> copeland(x, np.array([0.6, 0.4])).tolist()
    [2.0, 0.0, -2.0]
    """
    n = values.shape[0]
    present = ~np.isnan(values)
    out = np.empty(n)
    chunk = max(1, _PAIR_BUDGET // max(1, n * values.shape[1]))
    for start in range(0, n, chunk):
        stop = start + chunk
        blk = values[start:stop]
        both = present[start:stop, None, :] & present[None, :, :]
        diff = blk[:, None, :] - values[None, :, :]
        wb = np.where(both, weights, 0.0)
        win = np.where(diff > 0, wb, 0.0).sum(axis=2)
        lose = np.where(diff < 0, wb, 0.0).sum(axis=2)
        out[start:stop] = np.sign(win - lose).sum(axis=1)
    out[~present.any(axis=1)] = np.nan
    return out


# ---------------------------------------------------------------------------
# weighted_mean
# ---------------------------------------------------------------------------
class _Children:
    """The children of one aggregate: shared columns and per-sample columns."""

    def __init__(self, values: Values, n_children: int) -> None:
        self.shared: FloatArray | None
        #: positions (in child order) of the shared columns
        self.shared_idx: list[int]
        #: (position, (n_samples, n_units) array) of the per-sample columns
        self.per: list[tuple[int, FloatArray]]
        if isinstance(values, np.ndarray) and values.ndim == 2:
            self.shared, self.shared_idx, self.per = values, list(range(n_children)), []
        elif isinstance(values, np.ndarray) and values.ndim == 3:
            self.shared, self.shared_idx = None, []
            self.per = [(j, values[:, :, j]) for j in range(values.shape[2])]
        else:
            cols, self.shared_idx, self.per = [], [], []
            for j, col in enumerate(values):
                arr = np.asarray(col, dtype=np.float64)
                if arr.ndim == 1:
                    cols.append(arr)
                    self.shared_idx.append(j)
                else:
                    self.per.append((j, arr))
            self.shared = np.column_stack(cols) if cols else None
        self.n_children = n_children
        if self.shared is not None:
            self.n_units = self.shared.shape[0]
        else:
            self.n_units = self.per[0][1].shape[1]

    def columns(self) -> list[tuple[int, FloatArray]]:
        """Every child as (position, (n_units,) or (n_samples, n_units))."""
        out = list(self.per)
        if self.shared is not None:
            out += [(j, self.shared[:, i]) for i, j in enumerate(self.shared_idx)]
        return sorted(out, key=lambda t: t[0])

    def matrix(self, s: int) -> FloatArray:
        """All children for sample ``s``, shape (n_units, n_children)."""
        out = np.empty((self.n_units, self.n_children))
        for j, col in self.columns():
            out[:, j] = col if col.ndim == 1 else col[s]
        return out


def weighted_mean(
    values: Values,
    weights: FloatArray,
    method: str = "arithmetic",
    *,
    p: float = 1.0,
    penalty: float = -1.0,
    min_data: float = 0.0,
    min_coverage: float = 0.0,
    groups: Sequence[Sequence[int]] | None = None,
    out: FloatArray | None = None,
) -> FloatArray:
    r"""Weighted mean of the children of an aggregate, for every unit.

    Parameters
    ----------
    values : numpy.ndarray or sequence of numpy.ndarray
        The children's values, NaN for missing: a matrix
        ``(n_units, n_children)``; an array ``(n_samples, n_units,
        n_children)``; or one array per child, ``(n_units,)`` if it is the
        same in every sample, ``(n_samples, n_units)`` if not. Clean input
        is assumed: the means in `NON_NEGATIVE` need values >= 0.
    weights : numpy.ndarray, shape (n_children,) or (n_samples, n_children)
        Non-negative weights of the children, one vector or one per sample;
        they need not sum to 1.
    method : str, default="arithmetic"
        One of `METHODS`: equations (A1)-(A7) on the aggregation page.
    p : float, default=1.0
        Exponent of ``"generalised-mean"`` (A4); any finite value.
    penalty : float, default=-1.0
        Sign of the ``"mazziotta-pareto"`` penalty (A6).
    min_data : float, default=0.0
        Minimum share of children present (A0); below it the mean is NaN.
    min_coverage : float, default=0.0
        Minimum share of the children's weight present (A0).
    groups : sequence of sequence of int, optional
        With one weight vector and a values matrix: compute one mean per
        group of columns (the children of several aggregates, for example
        one level of a framework) at once; the result is then
        ``(n_units, n_groups)``.
    out : numpy.ndarray, shape (n_units, n_groups), optional
        With ``groups``: where to write the result (a view is fine).

    Returns
    -------
    numpy.ndarray, shape (n_units,), (n_samples, n_units) or (n_units, n_groups)
        ``(n_units,)`` for one weight vector and values the same in every
        sample.

    Notes
    -----
    Quasi-arithmetic means are $\phi^{-1}(\sum_{i \in P} \tilde w_i
    \phi(x_i))$ with renormalised weights $\tilde w_i$ (A0). The power
    mean is computed in the scaled form (A8),

    $$
    M_p(x) = s \Big(\sum_{i \in P} \tilde w_i (x_i/s)^p\Big)^{1/p},
    \qquad s = \max_{i \in P,\, w_i > 0} x_i \ (p > 0),
    \quad s = \min_{i \in P,\, w_i > 0} x_i \ (p < 0),
    $$

    so no power overflows and the sum is at least the weight share of the
    extreme child: the mean is finite and exact for any $p$. For a block
    of weight samples the scale is taken per pattern of positive weights.
    Children shared by all samples go through one matrix product per block
    of samples; see ``docs/methodology/aggregation.md``.

    Examples
    --------
    >>> import numpy as np
    >>> from kampala.composite.kernel import weighted_mean
    >>> x = np.array([[10.0, 99.0], [40.0, np.nan]])
    >>> w = np.array([1.0, 3.0])
    >>> weighted_mean(x, w).tolist()
    [76.75, 40.0]
    >>> weighted_mean(x, w, "generalised-mean", p=200.0).round(6).tolist()
    [98.8577, 40.0]
    >>> weighted_mean(x, w, "generalised-mean", p=-200.0).round(6).tolist()
    [10.069556, 40.0]

    Two weight samples give one row each:

    >>> weighted_mean(x, np.array([[1.0, 1.0], [0.0, 1.0]]), "geometric").round(4)
    array([[31.4643, 40.    ],
           [99.    ,     nan]])
    """
    # weights are relative: an exact power-of-two scaling keeps their sums finite
    w = scale_weight_rows(np.asarray(weights, dtype=np.float64))
    if method == "generalised-mean":
        p = float(p)
        if p == 0.0:
            method = "geometric"
        elif p == 1.0:
            method = "arithmetic"
    kids = _Children(values, w.shape[-1])
    if w.ndim == 1 and not kids.per:
        assert kids.shared is not None
        cols = [list(g) for g in groups] if groups is not None else None
        one = [list(range(w.shape[0]))]
        res = _vector_means(
            kids.shared, w, cols or one, method, p, penalty, min_data, min_coverage, out
        )
        return res if groups is not None else res[:, 0]
    if groups is not None or out is not None:
        raise ParameterValueError(
            "weighted_mean()",
            "groups" if groups is not None else "out",
            groups if groups is not None else "an array",
            "None with weight samples or values that differ by sample",
            hint="Pass one weight vector and a values matrix to compute groups.",
        )
    if w.ndim == 1:
        n_samples = max(col.shape[0] for _, col in kids.per)
        w = np.broadcast_to(w, (n_samples, w.shape[0]))
    elif not kids.per and kids.shared is not None:
        # many weight samples over the same children: one product per pattern
        found = pattern_means(
            kids.shared, w, method, min_data=min_data, min_coverage=min_coverage
        )
        if found is not None:
            return found
    return _mean(kids, w, False, method, p, penalty, min_data, min_coverage)


def _vector_means(
    x: FloatArray,
    w: FloatArray,
    groups: list[list[int]],
    method: str,
    p: float,
    penalty: float,
    min_data: float,
    min_coverage: float,
    out: FloatArray | None = None,
) -> FloatArray:
    """Means of several groups of columns of ``x`` with one weight vector.

    Quasi-arithmetic means of all groups go through one product of each
    block of rows with a (children x groups) weight matrix; the other
    methods are computed group by group.
    """
    n = x.shape[0]
    if out is None:
        out = np.empty((n, len(groups)))
    if method not in QUASI_ARITHMETIC:
        for g, cols in enumerate(groups):
            wg = w[cols][None, :]
            lo, hi = cols[0], cols[-1] + 1 if cols else 0
            sub = x[:, lo:hi] if cols == list(range(lo, hi)) else x[:, cols]
            out[:, g] = _mean(
                _Children(sub, len(cols)),
                wg,
                True,
                method,
                p,
                penalty,
                min_data,
                min_coverage,
            )[0]
        return out
    level = _Level(w, groups, x.shape[1])
    rows = max(256, _CHUNK_ELEMENTS // max(1, x.shape[1]))
    for start in range(0, n, rows):
        stop = min(n, start + rows)
        out[start:stop] = level.means(x[start:stop], method, p, min_data, min_coverage)
    return out


class _Level:
    """Weight matrix (children x groups) of several means sharing columns."""

    def __init__(self, w: FloatArray, groups: list[list[int]], n_cols: int) -> None:
        sizes = np.array([len(cols) for cols in groups], dtype=np.intp)
        self.flat = np.fromiter(
            itertools.chain.from_iterable(groups), dtype=np.intp, count=sizes.sum()
        )
        self.gid = np.repeat(np.arange(len(groups)), sizes)
        self.wmat = np.zeros((n_cols, len(groups)))
        self.wmat[self.flat, self.gid] = w[self.flat]
        self.groups = groups
        self.n_cols = n_cols
        self.n_kids = sizes.astype(np.float64)
        self.total = self.wmat.sum(axis=0)
        #: group sizes if the groups are consecutive ranges covering all columns
        consecutive = self.flat.size == n_cols and bool(
            (self.flat == np.arange(n_cols)).all()
        )
        self.sizes = sizes if consecutive and bool((sizes > 0).all()) else None

    @functools.cached_property
    def member(self) -> FloatArray:
        out = np.zeros_like(self.wmat)
        out[self.flat, self.gid] = 1.0
        return out

    @functools.cached_property
    def group_of(self) -> npt.NDArray[np.intp]:
        """Group of each column (0 for none: such a column has no weight)."""
        out = np.zeros(self.n_cols, dtype=np.intp)
        out[self.flat] = self.gid
        return out

    @functools.cached_property
    def positive(self) -> BoolArray:
        out: BoolArray = self.wmat > 0
        return out

    @functools.cached_property
    def weighted(self) -> BoolArray:
        """Columns with positive weight in their group."""
        out: BoolArray = np.asarray(self.positive.any(axis=1), dtype=np.bool_)
        return out

    def means(
        self, x: FloatArray, method: str, p: float, min_data: float, min_coverage: float
    ) -> FloatArray:
        nan = np.isnan(x)
        has_nan = bool(nan.any())
        present = ~nan
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            den = present.astype(np.float64) @ self.wmat if has_nan else self.total
            hit = None
            if method == "arithmetic":
                num = (np.where(nan, 0.0, x) if has_nan else x) @ self.wmat
                out = num / den
            elif method == "generalised-mean":
                out, hit = self._power(x, present, den, p)
            else:
                zero = x == 0
                any_zero = bool(zero.any())
                if has_nan or any_zero:
                    # in place: fewer large temporaries
                    unusable = nan | zero if any_zero else nan
                    phi = np.where(unusable, 1.0, x)
                    _phi(method, phi, out=phi)
                    np.copyto(phi, 0.0, where=unusable)
                else:
                    phi = _phi(method, x)
                mean = (phi @ self.wmat) / den
                out = np.exp(mean) if method == "geometric" else 1.0 / mean
                if any_zero:
                    hit = zero.astype(np.float64) @ self.positive > 0
            if hit is not None:
                out = np.where(hit, 0.0, out)
            if has_nan:
                out = np.where(den > 0, out, np.nan)
                if min_data > 0 or min_coverage > 0:
                    count = present.astype(np.float64) @ self.member
                    if min_data > 0:
                        out = np.where(count / self.n_kids < min_data, np.nan, out)
                    if min_coverage > 0:
                        low = (den / self.total < min_coverage) & (count < self.n_kids)
                        out = np.where(low, np.nan, out)
        return np.asarray(out, dtype=np.float64)

    def _power(
        self, x: FloatArray, present: BoolArray, den: FloatArray, p: float
    ) -> tuple[FloatArray, BoolArray | None]:
        """Power means (A8): each group scaled by its extreme child."""
        zero = x == 0 if p < 0 else None
        any_zero = zero is not None and bool(zero.any())
        # NaN-ignoring reductions (fmax, fmin) spare a masked copy when every
        # present child takes part
        simple = bool(self.weighted.all()) and not any_zero
        complete = den.ndim == 1  # no child missing in this block
        if not simple:
            use = present & self.weighted
            if zero is not None:
                use &= ~zero
        if self.sizes is not None:
            xm = x if simple else np.where(use, x, np.nan)
            starts = np.concatenate([[0], np.cumsum(self.sizes)[:-1]])
            pick: Any
            if simple and complete:
                pick = np.maximum if p > 0 else np.minimum
            else:
                pick = np.fmax if p > 0 else np.fmin
            scale = pick.reduceat(xm, starts, axis=1)
            scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
        else:
            scale = np.empty((x.shape[0], len(self.groups)))
            mask = present if simple else use
            for g, cols in enumerate(self.groups):
                scale[:, g] = _extreme(x[:, cols], mask[:, cols], p, axis=1)
        k = int(self.sizes[0]) if self.sizes is not None else 0
        if simple and k and bool(np.all(self.sizes == k)):
            # groups of one size: divide by the broadcast scale, no repeat
            m, t = scale.shape
            ratio = (x.reshape(m, t, k) / scale[:, :, None]).reshape(x.shape)
            terms = _power_terms(ratio, p)
            if not complete:
                terms = np.where(present, terms, 0.0)
        else:
            if simple:
                use = present
            if self.sizes is not None:
                s = np.repeat(scale, self.sizes, axis=1)
            else:
                s = scale[:, self.group_of]
            terms = np.where(use, _power_terms(np.where(use, x, s) / s, p), 0.0)
        out = _power_root((terms @ self.wmat) / den, scale, p)
        hit = None
        if zero is not None and any_zero:
            hit = zero.astype(np.float64) @ self.positive > 0
        return out, hit


def _mean(
    kids: _Children,
    w: FloatArray,
    single: bool,
    method: str,
    p: float,
    penalty: float,
    min_data: float,
    min_coverage: float,
) -> FloatArray:
    """`weighted_mean` on (n_samples, n_children) weights, one block."""
    n_samples, n_units = w.shape[0], kids.n_units
    x = kids.shared
    ws = w[:, kids.shared_idx]
    present: BoolArray | None = None
    if x is not None:
        nan = np.isnan(x)
        if nan.any():
            present = ~nan
    # weight of the children present: (S, n), or (S, 1) if none is missing
    if present is not None:
        den = _dot(ws, present.astype(np.float64), single)
    elif kids.per:
        den = np.repeat(row_sums(ws)[:, None], n_units, axis=1)
    else:
        den = row_sums(ws)[:, None]
    has_nan = present is not None
    for j, col in kids.per:
        ok = ~np.isnan(col)
        has_nan = has_nan or not bool(ok.all())
        den += w[:, j : j + 1] * ok
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if method in QUASI_ARITHMETIC:
            out = _quasi(kids, w, single, method, p, den, present)
        elif method == "minimum":
            out = _minimum(kids, w)
        elif method == "mazziotta-pareto":
            out = _mazziotta_pareto(kids, w, single, penalty, den, present)
        else:
            out = np.empty((n_samples, n_units))
            for s in range(n_samples):
                out[s] = copeland(kids.matrix(s), w[s])
        if method != "copeland" and not (den > 0).all():
            out = np.where(den > 0, out, np.nan)
        if has_nan and (min_coverage > 0 or min_data > 0):
            count = _count(kids, present)
            if min_coverage > 0:
                # only units with a child missing: complete ones cover 1 exactly
                total = row_sums(w)[:, None]
                low = (den / total < min_coverage) & (count < kids.n_children)
                out = np.where(low, np.nan, out)
            if min_data > 0:
                out = np.where(count / kids.n_children < min_data, np.nan, out)
    return np.asarray(out, dtype=np.float64)


def _count(kids: _Children, present: BoolArray | None) -> FloatArray:
    """Children present: (n_units,) or (n_samples, n_units)."""
    if present is not None:
        count: FloatArray = present.sum(axis=1).astype(np.float64)
    else:
        count = np.full(kids.n_units, float(len(kids.shared_idx)))
    for _, col in kids.per:
        count = count + ~np.isnan(col)
    return count


def _quasi(
    kids: _Children,
    w: FloatArray,
    single: bool,
    method: str,
    p: float,
    den: FloatArray,
    present: BoolArray | None,
) -> FloatArray:
    """Arithmetic, geometric, harmonic and power means (A1)-(A4).

    ``present`` is the mask of the shared children, None if none is missing.
    """
    if method == "generalised-mean":
        if kids.per:
            return _power_elementwise(kids, w, p, den)
        return _power_shared(kids, w, single, p, den)
    x = kids.shared
    hit: BoolArray | None = None
    if x is not None:
        ws = w[:, kids.shared_idx]
        if method == "arithmetic":
            phi = x if present is None else np.where(present, x, 0.0)
        else:
            zero = x == 0
            usable = ~zero if present is None else present & ~zero
            phi = np.where(usable, _phi(method, np.where(usable, x, 1.0)), 0.0)
            if zero.any():
                positive = (ws > 0).astype(np.float64)
                hit = _dot(positive, zero.astype(np.float64), single) > 0
        num = _dot(ws, phi, single)
    else:
        num = np.zeros((w.shape[0], kids.n_units))
    for j, col in kids.per:
        wj = w[:, j : j + 1]
        ok = ~np.isnan(col)
        if method == "arithmetic":
            num += wj * np.where(ok, col, 0.0)
            continue
        zero = col == 0
        usable = ok & ~zero
        num += wj * np.where(usable, _phi(method, np.where(usable, col, 1.0)), 0.0)
        here = (wj > 0) & zero
        hit = here if hit is None else hit | here
    mean = num / den
    if method == "arithmetic":
        out = mean
    elif method == "geometric":
        out = np.exp(mean)
    else:
        out = 1.0 / mean
    if hit is not None:
        out = np.where(hit, 0.0, out)
    return out


def _phi(method: str, x: FloatArray, out: FloatArray | None = None) -> FloatArray:
    """Apply the transform of the geometric (log) or harmonic (1/x) mean."""
    if method == "geometric":
        res: FloatArray = np.log(x, out=out)
    else:
        res = np.divide(1.0, x, out=out)
    return res


def _extreme(x: FloatArray, use: BoolArray, p: float, axis: int) -> FloatArray:
    """Largest (p > 0) or smallest (p < 0) value in use; 1 where none (or 0)."""
    if p > 0:
        s = np.max(np.where(use, x, -np.inf), axis=axis)
    else:
        s = np.min(np.where(use, x, np.inf), axis=axis)
    return np.where(np.isfinite(s) & (s > 0), s, 1.0)


def _power_terms(r: FloatArray, p: float) -> FloatArray:
    """Return (x/s)^p, or expm1(p log(x/s)) for |p| < 1/2."""
    if abs(p) < 0.5:
        out: FloatArray = np.expm1(p * np.log(r))
        return out
    return np.power(r, p)


def _power_root(mean: FloatArray, scale: FloatArray, p: float) -> FloatArray:
    """Invert `_power_terms` (the weighted mean of the terms) and rescale."""
    if abs(p) < 0.5:
        out: FloatArray = scale * np.exp(np.log1p(mean) / p)
        return out
    return scale * np.power(mean, 1.0 / p)


def _power_shared(
    kids: _Children, w: FloatArray, single: bool, p: float, den: FloatArray
) -> FloatArray:
    """Power mean of children shared by all samples: one product per pattern.

    The scale of (A8) depends on which children have positive weight, so
    samples are grouped by that pattern (usually one group).
    """
    x = kids.shared
    assert x is not None
    n_samples, n_units = w.shape[0], kids.n_units
    nan = np.isnan(x)
    zero = x == 0
    usable = ~(nan | zero) if p < 0 else ~nan
    positive = w > 0
    if single or bool((positive == positive[0]).all()):
        groups: list[tuple[BoolArray, slice | npt.NDArray[np.intp]]] = [
            (positive[0], slice(None))
        ]
    else:
        patterns, inverse = np.unique(positive, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        groups = [(pat, np.flatnonzero(inverse == g)) for g, pat in enumerate(patterns)]
    num = np.empty((n_samples, n_units))
    scale = np.empty((n_samples, n_units))
    for pattern, rows in groups:
        use = usable & pattern
        s = _extreme(x, use, p, axis=1)
        terms = np.where(use, _power_terms(np.where(use, x, 1.0) / s[:, None], p), 0.0)
        num[rows] = _dot(w[rows], terms, single)
        scale[rows] = s
    out = _power_root(num / den, scale, p)
    if p < 0 and zero.any():
        hit = _dot(positive.astype(np.float64), zero.astype(np.float64), single) > 0
        out = np.where(hit, 0.0, out)
    return out


def _power_elementwise(
    kids: _Children, w: FloatArray, p: float, den: FloatArray
) -> FloatArray:
    """Power mean with children that differ by sample: per (sample, unit)."""
    n_samples, n_units = w.shape[0], kids.n_units
    cols = []
    for j, col in kids.columns():
        c = np.broadcast_to(col, (n_samples, n_units))
        ok = ~np.isnan(c) & (c != 0) if p < 0 else ~np.isnan(c)
        cols.append((c, ok & (w[:, j : j + 1] > 0), w[:, j : j + 1], c == 0))
    pick = np.maximum if p > 0 else np.minimum
    fill = -np.inf if p > 0 else np.inf
    s = np.full((n_samples, n_units), fill)
    for c, use, _, _ in cols:
        s = np.where(use, pick(s, c), s)
    s = np.where(np.isfinite(s) & (s > 0), s, 1.0)
    num = np.zeros((n_samples, n_units))
    hit = np.zeros((n_samples, n_units), dtype=bool)
    for c, use, wj, zero in cols:
        num += wj * np.where(use, _power_terms(np.where(use, c, s) / s, p), 0.0)
        hit |= (wj > 0) & zero
    out = _power_root(num / den, s, p)
    if p < 0:
        out = np.where(hit, 0.0, out)
    return out


def _minimum(kids: _Children, w: FloatArray) -> FloatArray:
    """Smallest child with positive weight (A5), NaN where none.

    ``fmin`` ignores NaN: a missing child never wins, an all-missing row
    stays NaN.
    """
    n_samples, n_units = w.shape[0], kids.n_units
    out = np.full((n_samples, n_units), np.nan)
    x = kids.shared
    if x is not None:
        positive = w[:, kids.shared_idx] > 0
        if bool((positive == positive[0]).all()):
            groups: list[tuple[BoolArray, Any]] = [(positive[0], slice(None))]
        else:
            patterns, inverse = np.unique(positive, axis=0, return_inverse=True)
            inverse = inverse.reshape(-1)
            groups = [(pat, inverse == g) for g, pat in enumerate(patterns)]
        for pattern, rows in groups:
            cols = np.flatnonzero(pattern)
            if cols.size:
                # column by column: faster than a reduction along short rows
                low = x[:, cols[0]]
                for c in cols[1:]:
                    low = np.fmin(low, x[:, c])
                out[rows] = low
    for j, col in kids.per:
        out = np.where(w[:, j : j + 1] > 0, np.fmin(out, col), out)
    return out


def _mazziotta_pareto(
    kids: _Children,
    w: FloatArray,
    single: bool,
    penalty: float,
    den: FloatArray,
    present: BoolArray | None,
) -> FloatArray:
    """Mean penalised by the weighted variance of the children (A6)."""
    mean = _quasi(kids, w, single, "arithmetic", 1.0, den, present)
    var = np.zeros_like(mean)
    for j, col in kids.columns():
        dev = (col - mean) ** 2
        var += w[:, j : j + 1] * np.where(np.isnan(dev), 0.0, dev)
    var /= den
    out: FloatArray = mean + penalty * var / mean
    return out
