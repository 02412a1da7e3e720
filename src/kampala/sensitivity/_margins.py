r"""Exact robustness margins of a ranking to its weights.

Where the top level of a composite is linear in its weights,
$s_u(w) = X_u \cdot w$ with $w$ on the simplex
$\Delta = \{w \ge 0, \sum_k w_k = 1\}$, the weight changes that alter a
ranking are solved exactly rather than sampled:

- `rank_margins`: for each unit, the smallest L1 change of the weights at
  which its order relative to some other unit changes, with that unit and
  the weight vector where it happens (closed form, equation (M1));
- `topk_margins` (in `kampala.sensitivity._topk`): for each unit, the
  smallest L1 change that moves it out of the top $k$ (if it is in) or into
  it (if it is not), by mixed-integer linear programming (equation (M2));
- `stability_intervals`: for each weight, the interval over which it can
  vary, the others keeping their proportions, without changing the ranking
  at all (closed form, equation (M3)).

Ranks are competition ranks: 1 = best, and units with equal scores share
the best rank of their group (``scipy.stats.rankdata(-s, method="min")``).
Ties are exact floating-point ties of $X_u \cdot w$; units with identical
rows always tie.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from kampala._internal.array_types import FloatArray, IntArray
from kampala._internal.arrays import array_fields
from kampala._internal.checks import optional_str_tuple
from kampala.sensitivity._weights_common import (
    RobustnessResult,
    as_matrix,
    as_methodology,
    as_weights,
    linear_scores,
    result_dict,
)

if TYPE_CHECKING:
    from kampala.composite_result import MethodologyRef

__all__ = [
    "MarginResult",
    "l1_boundary",
    "pairwise_differences",
    "rank_margins",
    "ranks_from_pairs",
    "stability_intervals",
]


def pairwise_differences(X: FloatArray, w: FloatArray) -> FloatArray:
    """Matrix ``G[u, v] = (X_u - X_v) . w``, exactly antisymmetric."""
    n = X.shape[0]
    G = np.empty((n, n))
    for u in range(n):
        G[u] = linear_scores(X[u] - X, w)
    return G


def ranks_from_pairs(G: FloatArray) -> IntArray:
    """1-based competition ranks: 1 + number of units strictly above."""
    out: IntArray = 1 + (G < 0).sum(axis=1).astype(np.intp)
    return out


# ---------------------------------------------------------------------------
# (M1) pairwise boundary, closed form
# ---------------------------------------------------------------------------
def l1_boundary(d: FloatArray, w0: FloatArray) -> tuple[FloatArray, FloatArray]:
    r"""Nearest point (L1) of the simplex on each hyperplane $d_p \cdot w = 0$.

    ``d`` has shape ``(P, m)``. Returns the distances (``inf`` where the
    pair can never change order, 0 where it is tied at ``w0`` but not
    identical) and the nearest points (NaN rows where the distance is
    infinite). See `rank_margins` for the proof.
    """
    P, m = d.shape
    g = linear_scores(d, w0)
    flip = np.where(g < 0, -1.0, 1.0)
    dd = d * flip[:, None]
    gg = np.abs(g)
    jmin = np.argmin(dd, axis=1)
    dmin = dd[np.arange(P), jmin]
    gain = dd - dmin[:, None]
    order = np.argsort(-gain, axis=1, kind="stable")
    gs = np.take_along_axis(gain, order, axis=1)
    ws = w0[order]
    cap = gs * ws
    cum = np.cumsum(cap, axis=1)
    prev = cum - cap
    with np.errstate(divide="ignore", invalid="ignore"):
        partial = (gg[:, None] - prev) / gs
    take = np.where(
        gs > 0,
        np.where(cum <= gg[:, None], ws, np.where(prev < gg[:, None], partial, 0.0)),
        0.0,
    )
    moved = np.zeros((P, m))
    np.put_along_axis(moved, order, take, axis=1)
    total = moved.sum(axis=1)
    points = w0[None, :] - moved
    points[np.arange(P), jmin] += total
    dist = 2.0 * total
    identical = ~(d != 0).any(axis=1)
    tied = (g == 0) & ~identical
    never = identical | ((g != 0) & (dmin > 0))
    dist[tied] = 0.0
    points[tied] = w0
    dist[never] = np.inf
    points[never] = np.nan
    return dist, points


@attrs.frozen(kw_only=True, field_transformer=array_fields)
class MarginResult(RobustnessResult):
    r"""Exact rank margins: how far the weights can move before an order changes.

    Parameters
    ----------
    weights : ndarray of shape (n_criteria,)
        Nominal weights $w_0$, rescaled to sum to 1.
    scores : ndarray of shape (n_units,)
        Composite scores at $w_0$.
    ranks : ndarray of shape (n_units,)
        Competition ranks at $w_0$ (1 = best, ties share the best rank).
    margin : ndarray of shape (n_units,)
        Smallest $\lVert w - w_0 \rVert_1$ over the simplex at which the
        unit's order relative to some other unit differs from that at
        $w_0$; ``inf`` if no weights change it, 0 if it is tied at $w_0$
        with a unit it can be separated from. Ranges over $[0, 2]$.
    rival : tuple of str or None
        The other unit of that pair (the first in row order when several
        attain the margin); None where the margin is infinite.
    rival_index : ndarray of shape (n_units,)
        Row of the rival, -1 where there is none.
    boundary_weights : ndarray of shape (n_units, n_criteria)
        A weight vector attaining the margin, where the unit and its rival
        tie; NaN rows where the margin is infinite.
    pairwise : ndarray of shape (n_units, n_units)
        The same distance for every pair of units (symmetric; ``inf`` on the
        diagonal and for pairs that never change order).
    labels, methodology, kampala_version, numpy_version
        The units and where the result comes from (`RobustnessResult`).

    See Also
    --------
    rank_margins : Compute it.

    Examples
    --------
    How far must the principle weights of KPS-1 move before the first
    partnership of the sample portfolio ties with another?

    >>> from kampala.sensitivity import example_top_level, rank_margins
    >>> top = example_top_level()  # KPS-1's principles, sample portfolio
    >>> res = rank_margins(
    ...     top.X, top.weights, labels=top.units, methodology=top.methodology
    ... )
    >>> u = res.labels.index("PE-HEA-001")
    >>> int(res.ranks[u]), res.rival[u], round(float(res.margin[u]), 3)
    (1, 'PE-WAS-006', 0.04)
    >>> res.boundary_weights[u].round(2).tolist()  # 0.02 moved from P2 to P1
    [0.22, 0.18, 0.2, 0.2, 0.2]
    >>> res.methodology == top.methodology
    True
    """

    weights: FloatArray
    scores: FloatArray
    ranks: IntArray
    margin: FloatArray
    rival: tuple[str | None, ...] = attrs.field(converter=optional_str_tuple)
    rival_index: IntArray
    boundary_weights: FloatArray
    pairwise: FloatArray

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain Python values.

        Arrays become nested lists; ``inf`` and NaN stay floats.

        Examples
        --------
        ``C`` is below ``A`` and ``B`` at every weight, so its margin is
        infinite; the `json` module writes it as ``Infinity``, which strict
        JSON parsers reject (``json.dumps(d, allow_nan=False)`` raises):

        >>> import json
        >>> from kampala.sensitivity import rank_margins
        >>> res = rank_margins([[0.9, 0.3], [0.5, 0.6], [0.2, 0.2]], [0.5, 0.5],
        ...                    labels=["A", "B", "C"])
        >>> d = res.to_dict()
        >>> d["ranks"], d["rival"]
        ([1, 2, 3], ['B', 'A', None])
        >>> json.dumps([round(m, 3) for m in d["margin"]])
        '[0.143, 0.143, Infinity]'
        """
        return result_dict(
            self,
            "labels",
            "weights",
            "scores",
            "ranks",
            "margin",
            "rival",
            "boundary_weights",
            "pairwise",
        )


def rank_margins(
    X: npt.ArrayLike,
    w0: npt.ArrayLike,
    *,
    labels: Sequence[str] | None = None,
    methodology: MethodologyRef | None = None,
) -> MarginResult:
    r"""Smallest weight change (L1) at which each unit's order can change.

    For units $u$ and $v$ let $d = X_u - X_v$; they tie on the hyperplane
    $d \cdot w = 0$. The pairwise margin is the L1 distance from $w_0$ to
    the nearest weight vector of the simplex on that hyperplane; a unit's
    margin is the smallest over the other units. Within it, every pairwise
    order of the unit (above, tied, below) is as at $w_0$, so its rank
    cannot change; at the margin it ties its rival, and just beyond it
    (where the simplex allows) the two swap.

    Parameters
    ----------
    X : array_like of shape (n_units, n_criteria)
        Criteria values, higher is better, no missing values.
    w0 : array_like of shape (n_criteria,)
        Nominal weights, >= 0 with a positive sum (rescaled to sum to 1).
    labels : sequence of str, default=None
        Unit labels; default ``"0"``, ``"1"``, ... .
    methodology : MethodologyRef, default=None
        The methodology of the result that ``X`` was taken from, recorded
        on the returned result: typically ``top.methodology`` for
        ``top = top_level(scorecard)``. None when unknown.

    Returns
    -------
    MarginResult
        Margins, rivals, the weights attaining them and all pairwise
        distances.

    Raises
    ------
    ParameterValueError
        For a missing or infinite value in ``X`` (naming the unit and
        column), negative or non-finite weights, weights summing to 0 or
        mismatched shapes.
    ParameterTypeError
        If ``X`` or ``w0`` is not numeric, or ``methodology`` is not a
        `MethodologyRef` or None.

    See Also
    --------
    topk_margins : Margins of membership in the top k.
    stability_intervals : Ranges of single weights that keep the ranking.

    Notes
    -----
    The margin of a pair is (equation (M1))

    $$\delta_{uv} = \min_{w \in \Delta} \lVert w - w_0 \rVert_1
    \quad\text{s.t.}\quad (X_u - X_v) \cdot w = 0,$$

    solved in closed form. Write $d = X_u - X_v$, $g = d \cdot w_0$ and take
    $g > 0$ (otherwise negate $d$). Any feasible change $\Delta = w - w_0$
    has $\sum_k \Delta_k = 0$, so $\lVert \Delta \rVert_1 = 2P$ where $P$ is
    the mass moved, taken as $q_k \le w_{0k}$ from some criteria and added
    elsewhere. Since $d \cdot \Delta \ge P \min_k d_k - d \cdot q$, reaching
    $d \cdot \Delta = -g$ needs $\sum_k q_k (d_k - \min_j d_j) \ge g$: the
    least mass is found greedily, taking from the criteria with the largest
    $d_k$ first, and it is all moved onto a criterion with the smallest
    $d_k$, which attains the bound. A tie is reachable iff
    $\min_k d_k \le 0$; otherwise $u$ beats $v$ at every weight and
    $\delta_{uv} = \infty$ (likewise for $g < 0$). Pairs tied at $w_0$ get
    0 (their order changes with any move separating them) unless their rows
    are identical (they tie everywhere: $\infty$). The result agrees with
    the linear programme solved by `scipy.optimize.linprog` and with a dense
    grid search (see the tests).

    When two swaps happen at the same weights (one unit passing $u$ upwards
    while another passes it downwards) the rank *number* of $u$ may stay the
    same beyond the margin even though the units around it changed; for
    data in general position this does not happen and the margin is exactly
    the distance at which the rank changes.

    Examples
    --------
    >>> from kampala.sensitivity._margins import rank_margins
    >>> res = rank_margins([[0.9, 0.3], [0.5, 0.6], [0.2, 0.2]], [0.5, 0.5],
    ...                    labels=["A", "B", "C"])
    >>> res.ranks.tolist(), res.rival
    ([1, 2, 3], ('B', 'A', None))
    >>> res.margin.round(4).tolist()
    [0.1429, 0.1429, inf]
    >>> res.boundary_weights[0].round(4).tolist()  # A and B tie at w = (3/7, 4/7)
    [0.4286, 0.5714]
    """
    where = "rank_margins()"
    x, names = as_matrix(where, X, labels)
    w = as_weights(where, w0, x.shape[1])
    ref = as_methodology(where, methodology)
    n = x.shape[0]
    G = pairwise_differences(x, w)
    pairwise = np.full((n, n), np.inf)
    margin = np.full(n, np.inf)
    rival_index = np.full(n, -1, dtype=np.intp)
    boundary = np.full((n, x.shape[1]), np.nan)
    # pairs (u, v > u) row by row; only a strictly smaller distance replaces
    # the best so far, so ties go to the rival in the smallest row
    for u in range(n - 1):
        dist, pts = l1_boundary(x[u] - x[u + 1 :], w)
        pairwise[u, u + 1 :] = dist
        pairwise[u + 1 :, u] = dist
        j = int(np.argmin(dist))
        if dist[j] < margin[u]:
            margin[u], rival_index[u], boundary[u] = dist[j], u + 1 + j, pts[j]
        better = np.flatnonzero(dist < margin[u + 1 :])
        margin[u + 1 + better] = dist[better]
        rival_index[u + 1 + better] = u
        boundary[u + 1 + better] = pts[better]
    return MarginResult(
        labels=names,
        weights=w,
        scores=linear_scores(x, w),
        ranks=ranks_from_pairs(G),
        margin=margin,
        rival=tuple(names[int(v)] if v >= 0 else None for v in rival_index),
        rival_index=rival_index,
        boundary_weights=boundary,
        pairwise=pairwise,
        methodology=ref,
    )


# ---------------------------------------------------------------------------
# (M3) stability intervals, closed form
# ---------------------------------------------------------------------------
def stability_intervals(
    X: npt.ArrayLike, w0: npt.ArrayLike
) -> list[tuple[float, float]]:
    r"""Range of each weight over which the whole ranking stays as at $w_0$.

    Weight $k$ moves along $w(t) = t\, e_k + (1 - t)\, w_{0,-k} / (1 - w_{0k})$,
    $t \in [0, 1]$: the other weights keep their proportions. The ranking
    (every pairwise order, ties included) is the one at $w_0$ for all $t$
    strictly between the ends of the returned interval.

    Parameters
    ----------
    X : array_like of shape (n_units, n_criteria)
        Criteria values, as in `rank_margins`.
    w0 : array_like of shape (n_criteria,)
        Nominal weights, as in `rank_margins`.

    Returns
    -------
    list of tuple of (float, float)
        ``(low, high)`` for each weight, with
        ``0 <= low <= w0[k] <= high <= 1``. An end inside $(0, 1)$ is a
        crossing point where two units tie, so the ranking there already
        differs; an end at 0 or 1 that is not a crossing point is included.

    Raises
    ------
    ParameterValueError
        For a missing or infinite value in ``X`` (naming the unit and
        column), invalid weights or mismatched shapes.
    ParameterTypeError
        If ``X`` or ``w0`` is not numeric.

    See Also
    --------
    rank_margins : Margins in every direction at once.

    Notes
    -----
    Along the path, $s_u(t) - s_v(t) = D_0 + (t - w_{0k})\, b$ with
    $D_0 = (X_u - X_v) \cdot w_0$ and, for $w_{0k} < 1$,
    $b = (d_k - D_0) / (1 - w_{0k})$, $d = X_u - X_v$. A pair ordered
    strictly at $w_0$ with $b \ne 0$ swaps at (equation (M3))

    $$t^* = w_{0k} - \frac{D_0 (1 - w_{0k})}{d_k - D_0},$$

    and the interval runs from the largest crossing below $w_{0k}$ (or 0) to
    the smallest above it (or 1).

    Degenerate cases: a pair tied at $w_0$ stays tied along the path if
    $b = 0$ (no constraint) and separates at once otherwise, so the interval
    is the single point ``(w0[k], w0[k])``. If $w_{0k} = 1$ the other
    weights have no proportions to keep; the path then shares $1 - t$
    equally among them. With a single criterion the only weight is 1:
    ``[(1.0, 1.0)]``.

    Examples
    --------
    >>> from kampala.sensitivity._margins import stability_intervals
    >>> iv = stability_intervals([[0.9, 0.3], [0.5, 0.6], [0.2, 0.2]], [0.5, 0.5])
    >>> [(round(lo, 4), round(hi, 4)) for lo, hi in iv]
    [(0.4286, 1.0), (0.0, 0.5714)]
    """
    where = "stability_intervals()"
    x, _ = as_matrix(where, X, None)
    w = as_weights(where, w0, x.shape[1])
    n, m = x.shape
    if m == 1:
        return [(1.0, 1.0)]
    low = np.zeros(m)
    high = np.ones(m)
    for u in range(n - 1):
        d = x[u] - x[u + 1 :]  # (P, m)
        D0 = linear_scores(d, w)
        for k in range(m):
            t0 = w[k]
            if t0 < 1.0:
                b = (d[:, k] - D0) / (1.0 - t0)
            else:
                rest = np.delete(d, k, axis=1).mean(axis=1)
                b = d[:, k] - rest
            moving = b != 0
            tied = (D0 == 0) & moving
            if tied.any():
                low[k] = max(low[k], t0)
                high[k] = min(high[k], t0)
            cross = moving & (D0 != 0)
            with np.errstate(divide="ignore", invalid="ignore"):
                step = -D0 / b  # t* - w0[k]
            up = step[cross & (step > 0)]
            down = step[cross & (step < 0)]
            if up.size:
                high[k] = min(high[k], t0 + float(up.min()))
            if down.size:
                low[k] = max(low[k], t0 + float(down.max()))
    return [(float(lo), float(hi)) for lo, hi in zip(low, high, strict=True)]
