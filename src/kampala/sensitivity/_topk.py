r"""Exact margins of membership in the top $k$ (equation (M2)).

For each unit, the smallest L1 change of the weights on the simplex that
moves it out of the top $k$ (if it is in) or into it (if it is not), by
mixed-integer linear programming with lazy cuts. The pairwise kernels are
those of `kampala.sensitivity._margins`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt
from scipy import optimize

from kampala._internal.array_types import BoolArray, FloatArray, IntArray
from kampala._internal.arrays import array_fields
from kampala._internal.checks import as_int, nested_str_tuple
from kampala.errors import ParameterValueError
from kampala.sensitivity._margins import (
    l1_boundary,
    pairwise_differences,
    ranks_from_pairs,
)
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

__all__ = ["TopKMarginResult", "topk_margins"]


#: A set of units must be able to lie strictly above ``u`` by at least this
#: much (times the largest criterion difference) to count as able to
#: overtake it together; below it the set is treated as only able to tie.
_STRICT_RTOL = 1e-9

#: Upper bound on the lazy cuts added while searching the top-k boundary.
_MAX_CUTS = 10_000


# ---------------------------------------------------------------------------
# (M2) top-k membership, mixed-integer programming with lazy cuts
# ---------------------------------------------------------------------------
@attrs.frozen(kw_only=True, field_transformer=array_fields)
class TopKMarginResult(RobustnessResult):
    r"""Exact margins of membership in the top k.

    Parameters
    ----------
    weights : ndarray of shape (n_criteria,)
        Nominal weights $w_0$, rescaled to sum to 1.
    k : int
        Size of the top group: a unit is in it when its competition rank is
        at most ``k`` (fewer than ``k`` units score strictly higher).
    scores : ndarray of shape (n_units,)
        Composite scores at $w_0$.
    ranks : ndarray of shape (n_units,)
        Competition ranks at $w_0$.
    in_top : ndarray of bool, shape (n_units,)
        Membership at $w_0$.
    margin : ndarray of shape (n_units,)
        For a member, the infimum of $\lVert w - w_0 \rVert_1$ over weights
        that put it out of the top ``k``; for a non-member, the minimum over
        weights that put it in. ``inf`` when no weights on the simplex do.
    boundary_weights : ndarray of shape (n_units, n_criteria)
        Weights attaining the margin (NaN rows where it is infinite). For a
        non-member they put it in the top ``k``; for a member they are the
        limit point, where ``k`` units tie or beat it and any step onwards
        pushes it out.
    crossing : tuple of tuple of str
        The units whose order with the unit changes at ``boundary_weights``:
        for a member, those that newly tie or pass it; for a non-member,
        those above it at $w_0$ that it ties or passes.
    labels, methodology, kampala_version, numpy_version
        The units and where the result comes from (`RobustnessResult`).

    See Also
    --------
    topk_margins : Compute it.

    Examples
    --------
    >>> from kampala.sensitivity import example_top_level, topk_margins
    >>> top = example_top_level()  # KPS-1's principles, sample portfolio
    >>> res = topk_margins(
    ...     top.X, top.weights, k=1, labels=top.units, methodology=top.methodology
    ... )
    >>> [label for label, first in zip(res.labels, res.in_top) if first]
    ['PE-HEA-001']
    >>> u = res.labels.index("PE-HEA-001")
    >>> round(float(res.margin[u]), 3), res.crossing[u]
    (0.04, ('PE-WAS-006',))
    >>> res.to_dict()["methodology"]["id"]
    'KPS'
    """

    weights: FloatArray
    k: int
    scores: FloatArray
    ranks: IntArray
    in_top: BoolArray
    margin: FloatArray
    boundary_weights: FloatArray
    crossing: tuple[tuple[str, ...], ...] = attrs.field(converter=nested_str_tuple)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain Python values.

        Arrays become nested lists; ``inf`` and NaN stay floats.

        Examples
        --------
        ``C`` can never rank first, so its margin is infinite; the `json`
        module writes it as ``Infinity``, which strict JSON parsers reject:

        >>> import json
        >>> from kampala.sensitivity import topk_margins
        >>> res = topk_margins([[0.9, 0.3], [0.5, 0.6], [0.2, 0.2]], [0.5, 0.5],
        ...                    k=1, labels=["A", "B", "C"])
        >>> d = res.to_dict()
        >>> d["k"], d["in_top"], d["crossing"]
        (1, [True, False, False], [['B'], ['A'], []])
        >>> json.dumps([round(m, 3) for m in d["margin"]])
        '[0.143, 0.143, Infinity]'
        """
        return result_dict(
            self,
            "labels",
            "weights",
            "k",
            "scores",
            "ranks",
            "in_top",
            "margin",
            "boundary_weights",
            "crossing",
        )


def _l1_rows(
    w0: FloatArray, n_extra: int
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    r"""Rows of $t \ge \pm(w - w_0)$, $\sum w = 1$ over variables (w, t, extra).

    Returns (A_ub, b_ub, A_eq, b_eq) with ``A_ub @ v <= b_ub``.
    """
    m = w0.size
    nv = 2 * m + n_extra
    eye = np.eye(m)
    A_ub = np.zeros((2 * m, nv))
    A_ub[:m, :m] = eye  # w - t <= w0
    A_ub[:m, m : 2 * m] = -eye
    A_ub[m:, :m] = -eye  # -w - t <= -w0
    A_ub[m:, m : 2 * m] = -eye
    b_ub = np.concatenate([w0, -w0])
    A_eq = np.zeros((1, nv))
    A_eq[0, :m] = 1.0
    return A_ub, b_ub, A_eq, np.ones(1)


def _nearest_lp(w0: FloatArray, rows: FloatArray) -> tuple[float, FloatArray] | None:
    """Minimise the L1 distance to w0 on the simplex with ``rows @ w <= 0``."""
    m = w0.size
    A_ub, b_ub, A_eq, b_eq = _l1_rows(w0, 0)
    if rows.size:
        extra = np.zeros((rows.shape[0], 2 * m))
        extra[:, :m] = rows
        A_ub = np.vstack([A_ub, extra])
        b_ub = np.concatenate([b_ub, np.zeros(rows.shape[0])])
    c = np.concatenate([np.zeros(m), np.ones(m)])
    res = optimize.linprog(
        c,
        A_ub=A_ub,
        b_ub=b_ub,
        A_eq=A_eq,
        b_eq=b_eq,
        bounds=[(0.0, 1.0)] * m + [(0.0, None)] * m,
        method="highs",
    )
    if res.status != 0:
        return None
    w = np.clip(np.asarray(res.x[:m], dtype=np.float64), 0.0, None)
    w /= w.sum()
    return float(np.abs(w - w0).sum()), w


def _strictly_above(rows: FloatArray, scale: float) -> bool:
    """Whether some w on the simplex has ``rows @ w > 0`` in every row."""
    k, m = rows.shape
    # variables (w, eps): maximise eps s.t. eps - rows @ w <= 0
    A_ub = np.hstack([-rows, np.ones((k, 1))])
    A_eq = np.concatenate([np.ones(m), [0.0]])[None, :]
    res = optimize.linprog(
        np.concatenate([np.zeros(m), [-1.0]]),
        A_ub=A_ub,
        b_ub=np.zeros(k),
        A_eq=A_eq,
        b_eq=np.ones(1),
        bounds=[(0.0, 1.0)] * m + [(None, 1.0)],
        method="highs",
    )
    return bool(res.status == 0 and -res.fun > _STRICT_RTOL * scale)


def _ball_max(c: FloatArray, w0: FloatArray, r: float) -> FloatArray:
    r"""Largest $c_v \cdot w$ over the simplex within L1 distance ``r`` of ``w0``.

    Greedy and exact (the argument of `rank_margins`): move up to $r/2$ of
    mass, from the criteria with the smallest $c_{vk}$ first, onto one with
    the largest. ``c`` has one row per unit.
    """
    P = c.shape[0]
    cmax = c[np.arange(P), np.argmax(c, axis=1)]
    order = np.argsort(c, axis=1, kind="stable")
    cs = np.take_along_axis(c, order, axis=1)
    ws = w0[order]
    cum = np.cumsum(ws, axis=1)
    take = np.clip(r / 2.0 - (cum - ws), 0.0, ws)
    out: FloatArray = linear_scores(c, w0) + (take * (cmax[:, None] - cs)).sum(axis=1)
    return out


def _milp(
    c: FloatArray,
    integrality: FloatArray,
    bounds: optimize.Bounds,
    constraints: list[optimize.LinearConstraint],
) -> Any:
    """`scipy.optimize.milp` solved to optimality (no relative or absolute gap)."""
    with warnings.catch_warnings():
        # scipy passes options it does not know to HiGHS verbatim, with a warning
        warnings.filterwarnings(
            "ignore", "Unrecognized options detected", RuntimeWarning
        )
        return optimize.milp(
            c,
            integrality=integrality,
            bounds=bounds,
            constraints=constraints,
            options={"mip_rel_gap": 0.0, "mip_abs_gap": 0.0},
        )


def _topk_one(
    e: FloatArray, w0: FloatArray, need: int, leave: bool, scale: float
) -> tuple[float, FloatArray, IntArray]:
    """Exact margin for one unit.

    ``e`` holds $X_v - X_u$ for the other units. With ``leave`` the goal is
    ``need`` units strictly above (an infimum); otherwise ``need`` units at
    or below. Returns (distance, weights, rows of ``e`` that meet the goal
    at those weights).
    """
    m = e.shape[1]
    nothing = (math.inf, np.full(m, np.nan), np.empty(0, dtype=np.intp))
    # orient so that the goal for row v is  f_v . w >= 0  (strict when leaving)
    f = e if leave else -e
    able = f.max(axis=1) > 0 if leave else f.max(axis=1) >= 0
    if int(able.sum()) < need:
        return nothing
    # lower bound: the goal needs `short` more units to change sides, and
    # each needs at least its pairwise margin
    delta, _ = l1_boundary(-e, w0)
    g = linear_scores(f, w0)
    meets = g > 0 if leave else g >= 0
    short = need - int(meets.sum())
    pool = np.sort(delta[able & ~meets])
    lower = float(pool[short - 1]) if 1 <= short <= pool.size else 0.0
    radius = max(1.25 * lower, lower + 1 / 64)  # any start is correct
    cuts: list[IntArray] = []  # sets of rows that cannot meet the goal together
    while True:
        radius = min(radius, 2.0)  # the L1 diameter of the simplex
        found = _topk_ball(f, w0, need, leave, scale, able, radius, cuts)
        if found is not None:
            return found
        if radius >= 2.0:
            return nothing
        radius = max(2.0 * radius, radius + 1 / 64)


def _topk_ball(
    f: FloatArray,
    w0: FloatArray,
    need: int,
    leave: bool,
    scale: float,
    able: BoolArray,
    radius: float,
    cuts: list[IntArray],
) -> tuple[float, FloatArray, IntArray] | None:
    """Solve `_topk_one` within L1 distance ``radius`` of ``w0``; None if no solution.

    Within the ball some rows meet the goal everywhere (``fixed``), some
    nowhere (dropped); only the rest need a binary, with a big-M as tight as
    the ball allows. Sets found unable to meet the goal strictly together
    are appended to ``cuts`` and excluded.
    """
    m = w0.size
    lo = -_ball_max(-f, w0, radius)
    hi = _ball_max(f, w0, radius)
    always = (lo > 0) if leave else (lo >= 0)
    reach = (hi > 0) if leave else (hi >= 0)
    fixed = np.flatnonzero(able & always)
    cand = np.flatnonzero(able & reach & ~always)
    need_c = need - fixed.size
    if cand.size < need_c:
        return None
    nc = cand.size
    nv = 2 * m + nc
    fc = f[cand]
    big_m = np.maximum(-lo[cand], 0.0)
    A_ub, b_ub, A_eq, b_eq = _l1_rows(w0, nc)
    # -f_v . w + M_v z_v <= M_v: z_v = 1 forces f_v . w >= 0
    link = np.zeros((nc, nv))
    link[:, :m] = -fc
    link[np.arange(nc), 2 * m + np.arange(nc)] = big_m
    card = np.zeros((1, nv))
    card[0, 2 * m :] = 1.0
    ball = np.zeros((1, nv))
    ball[0, m : 2 * m] = 1.0
    constraints = [
        optimize.LinearConstraint(A_ub, -np.inf, b_ub),
        optimize.LinearConstraint(link, -np.inf, big_m),
        optimize.LinearConstraint(A_eq, b_eq, b_eq),
        optimize.LinearConstraint(card, need_c, need_c),
        optimize.LinearConstraint(ball, -np.inf, radius),
    ]
    column = {int(v): 2 * m + i for i, v in enumerate(cand)}

    def add_cut(rows: IntArray) -> bool:
        """Exclude ``rows`` meeting the goal together; False if that is all."""
        cols = [column[int(v)] for v in rows if int(v) in column]
        if not cols:  # every row of the set is fixed here: nothing is left
            return False
        cut = np.zeros((1, nv))
        cut[0, cols] = 1.0
        constraints.append(optimize.LinearConstraint(cut, -np.inf, len(cols) - 1))
        return True

    for rows in cuts:
        if not add_cut(rows):
            return None
    c = np.concatenate([np.zeros(m), np.ones(m), np.zeros(nc)])
    integrality = np.concatenate([np.zeros(2 * m), np.ones(nc)])
    bounds = optimize.Bounds(
        np.zeros(nv), np.concatenate([np.ones(m), np.full(m, np.inf), np.ones(nc)])
    )
    for _ in range(_MAX_CUTS):
        res = _milp(c, integrality, bounds, constraints)
        if res.status != 0 or res.x is None:
            return None
        chosen = cand[np.flatnonzero(res.x[2 * m :] > 0.5)]
        rows = np.concatenate([chosen, fixed])
        if not leave or _strictly_above(f[rows], scale):
            best = _nearest_lp(w0, -f[chosen])
            if best is not None:
                return best[0], best[1], rows
        # these units cannot (strictly) meet the goal together: cut the set
        cuts.append(rows)
        if not add_cut(rows):
            return None
    raise ParameterValueError(  # pragma: no cover - guard against cycling
        "topk_margins()",
        "X",
        expected=f"solvable within {_MAX_CUTS} cuts",
        hint="Please report this data set.",
    )


def topk_margins(
    X: npt.ArrayLike,
    w0: npt.ArrayLike,
    k: int,
    *,
    labels: Sequence[str] | None = None,
    methodology: MethodologyRef | None = None,
) -> TopKMarginResult:
    r"""Smallest weight change (L1) that moves each unit across the top-k line.

    A unit is in the top ``k`` when its competition rank is at most ``k``,
    i.e. fewer than ``k`` other units score strictly higher. For a member
    the margin is the infimum of $\lVert w - w_0 \rVert_1$ over weights at
    which at least ``k`` units score strictly higher; for a non-member, the
    minimum over weights at which at most ``k - 1`` do.

    Parameters
    ----------
    X : array_like of shape (n_units, n_criteria)
        Criteria values, higher is better, no missing values.
    w0 : array_like of shape (n_criteria,)
        Nominal weights, >= 0 with a positive sum (rescaled to sum to 1).
    k : int
        Size of the top group, >= 1. With ``k >= n_units`` every unit is
        always in and every margin is ``inf``.
    labels, methodology : default=None
        Unit labels and the methodology to record, as for `rank_margins`.

    Returns
    -------
    TopKMarginResult
        Membership, margins, the weights attaining them and the units that
        cross.

    Raises
    ------
    ParameterValueError
        For a missing or infinite value in ``X`` (naming the unit and
        column), invalid weights or ``k < 1``.
    ParameterTypeError
        If an argument has the wrong type (``methodology``: a
        `MethodologyRef` or None).

    See Also
    --------
    rank_margins : Margins of every pairwise order.

    Notes
    -----
    With $e_v = X_v - X_u$, moving unit $u$ *in* is the mixed-integer
    programme (equation (M2))

    $$\min_{w \in \Delta,\, t,\, y} \sum_k t_k \quad\text{s.t.}\quad
    t \ge \pm (w - w_0),\; e_v \cdot w \le M_v (1 - y_v),\;
    \sum_v y_v = n - k,\; y_v \in \{0, 1\},$$

    where $y_v = 1$ puts $v$ at or below $u$ and $M_v$ bounds $e_v \cdot w$
    over the feasible weights. It is solved by `scipy.optimize.milp` (HiGHS)
    with zero relative and absolute optimality gap, then re-solved as a
    linear programme for the chosen units.

    Moving $u$ *out* needs $k$ units *strictly* above it, an open set with
    no minimum, so the margin is its infimum. The programme uses the
    closure ($-e_v \cdot w \le M_v (1 - z_v)$, $\sum_v z_v = k$); the closure
    of an intersection of open half-spaces within the simplex equals the
    intersection of the closed ones **only when the open one is not
    empty**. Each chosen set is therefore checked by a linear programme for
    a weight vector putting all its units strictly above $u$ (by more than
    $10^{-9}$ times the largest criterion difference); a set that can only
    tie $u$ (for example two units that beat it on opposite criteria and
    can never both pass it) is excluded by a cut
    $\sum_{v \in S} z_v \le |S| - 1$ and the programme solved again.

    To keep the programmes small they are solved within an L1 ball around
    $w_0$ whose radius starts at a lower bound (enough units must change
    sides, each at least its pairwise margin from `rank_margins`) and
    doubles until a solution appears (at most up to 2, the diameter of the
    simplex; no solution there means ``inf``). Within the ball the range of
    every $e_v \cdot w$ is known in closed form: units on one side
    throughout are fixed, units that cannot reach the other side are
    dropped, and the remaining ones get a binary with the tightest big-M the
    ball allows. The radius only bounds the search; any solution inside the
    ball is optimal overall.

    The result is the exact optimum (infimum) up to the solvers' feasibility
    tolerances (about $10^{-9}$); the tests compare it with an enumeration of
    every set of units by linear programming and with a dense grid search.
    Cost: one or a few small programmes per unit, from milliseconds for a
    handful of units to about a second for hard units of a 60-unit
    portfolio with ``k = 10``.

    Examples
    --------
    >>> from kampala.sensitivity import topk_margins
    >>> res = topk_margins([[0.9, 0.3], [0.5, 0.6], [0.2, 0.2]], [0.5, 0.5], k=1,
    ...                    labels=["A", "B", "C"])
    >>> res.in_top.tolist(), res.margin.round(4).tolist()
    ([True, False, False], [0.1429, 0.1429, inf])
    >>> res.crossing
    (('B',), ('A',), ())
    """
    where = "topk_margins()"
    x, names = as_matrix(where, X, labels)
    w = as_weights(where, w0, x.shape[1])
    kk = as_int(where, "k", k, 1)
    ref = as_methodology(where, methodology)
    n, m = x.shape
    G = pairwise_differences(x, w)
    ranks = ranks_from_pairs(G)
    in_top = ranks <= kk
    scale = float(np.ptp(x)) or 1.0
    margin = np.full(n, np.inf)
    boundary = np.full((n, m), np.nan)
    crossing: list[tuple[str, ...]] = []
    for u in range(n):
        others = np.array([v for v in range(n) if v != u], dtype=np.intp)
        e = x[others] - x[u]
        above = G[others, u] > 0  # (X_v - X_u) . w0 > 0
        leave = bool(in_top[u])
        need = kk if leave else n - kk
        if leave and kk > n - 1:
            crossing.append(())
            continue
        dist, wb, chosen = _topk_one(e, w, need, leave, scale)
        margin[u] = dist
        boundary[u] = wb
        picked = others[chosen]
        moved = ~above[chosen] if leave else above[chosen]
        crossing.append(tuple(names[v] for v in picked[moved]))
    return TopKMarginResult(
        labels=names,
        weights=w,
        k=kk,
        scores=linear_scores(x, w),
        ranks=ranks,
        in_top=in_top,
        margin=margin,
        boundary_weights=boundary,
        crossing=crossing,
        methodology=ref,
    )
