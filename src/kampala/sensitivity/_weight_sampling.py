r"""Weights on the simplex, optionally under linear constraints, for SMAA.

Unconstrained weights are Dirichlet(1, ..., 1) draws; weights constrained by
$A w \le b$ (for example an order of importance, `order_constraints`) come
from a hit-and-run sampler (Smith, 1984) run in parallel chains.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import optimize

from kampala._internal.array_types import FloatArray
from kampala._internal.checks import as_float_array, as_int
from kampala._internal.rng import SeedLike
from kampala.errors import ParameterTypeError, ParameterValueError

__all__ = [
    "as_constraints",
    "draw_weights",
    "order_constraints",
    "sample_weights",
    "sampler_args",
]


#: A feasible region whose largest inscribed ball (within the plane
#: sum(w) = 1) has a radius below this is treated as having no interior.
_MIN_RADIUS = 1e-9

#: Constraint rows whose component along the simplex's plane is below this
#: (relative to the row) are constant on the plane; they only affect
#: feasibility, not the walk.
_FLAT_RTOL = 1e-12


# ---------------------------------------------------------------------------
# constraints
# ---------------------------------------------------------------------------
def order_constraints(
    order: Sequence[int], *, n_criteria: int | None = None
) -> tuple[FloatArray, FloatArray]:
    r"""Linear constraints for an order of importance of the weights.

    ``order=[2, 0, 1]`` means $w_2 \ge w_0 \ge w_1$. Criteria not named are
    unconstrained (beyond the simplex).

    Parameters
    ----------
    order : sequence of int
        Criterion indices, most important first, without repeats.
    n_criteria : int, default=None
        Number of criteria; default ``max(order) + 1``.

    Returns
    -------
    A : ndarray of shape (len(order) - 1, n_criteria)
        One row per consecutive pair, $w_{o_{i+1}} - w_{o_i} \le 0$.
    b : ndarray of shape (len(order) - 1,)
        Zeros.

    Raises
    ------
    ParameterValueError
        If ``order`` repeats a criterion, holds an index out of range or is
        empty.
    ParameterTypeError
        If an entry is not an integer.

    See Also
    --------
    smaa : Use the constraints as ``constraints=(A, b)``.

    Examples
    --------
    >>> from kampala.sensitivity import order_constraints
    >>> A, b = order_constraints([0, 1, 2])
    >>> A.tolist(), b.tolist()
    ([[-1.0, 1.0, 0.0], [0.0, -1.0, 1.0]], [0.0, 0.0])
    """
    where = "order_constraints()"
    if isinstance(order, str) or not isinstance(order, Sequence | np.ndarray):
        raise ParameterTypeError(where, "order", order, "a sequence of integers")
    idx = [as_int(where, f"order[{i}]", v, 0) for i, v in enumerate(order)]
    if not idx:
        raise ParameterValueError(where, "order", list(order), "non-empty")
    if len(set(idx)) != len(idx):
        dup = next(v for v in idx if idx.count(v) > 1)
        raise ParameterValueError(
            where, "order", dup, "free of repeats", hint="Name each criterion once."
        )
    m = (
        max(idx) + 1
        if n_criteria is None
        else as_int(where, "n_criteria", n_criteria, 1)
    )
    if max(idx) >= m:
        raise ParameterValueError(
            where, "order", max(idx), f"criterion indices below n_criteria={m}"
        )
    A = np.zeros((len(idx) - 1, m))
    for row, (hi, lo) in enumerate(itertools.pairwise(idx)):
        A[row, lo] = 1.0
        A[row, hi] = -1.0
    return A, np.zeros(len(idx) - 1)


def as_constraints(
    where: str, constraints: Any, m: int
) -> tuple[FloatArray, FloatArray] | None:
    """Validate ``(A, b)``; None (or no rows) means the whole simplex."""
    if constraints is None:
        return None
    if not isinstance(constraints, Sequence) or len(constraints) != 2:
        raise ParameterTypeError(
            where,
            "constraints",
            constraints,
            "a pair (A, b) meaning A @ w <= b",
            hint="order_constraints() builds one for an order of importance.",
        )
    A = as_float_array(where, "constraints", constraints[0])
    b = as_float_array(where, "constraints", constraints[1])
    if A.ndim == 1:
        A = A[None, :]
    b = np.atleast_1d(b)
    if A.ndim != 2 or A.shape[1] != m or b.shape != (A.shape[0],):
        raise ParameterValueError(
            where,
            "constraints",
            (A.shape, b.shape),
            f"A of shape (k, {m}) and b of shape (k,)",
        )
    if not (np.isfinite(A).all() and np.isfinite(b).all()):
        raise ParameterValueError(
            where, "constraints", (A.tolist(), b.tolist()), "finite"
        )
    if A.shape[0] == 0:
        return None
    return A, b


def _region(
    where: str, A: FloatArray, b: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Constraint rows (user rows and w >= 0), their in-plane parts, and a start.

    Returns ``(G, H, P, x0)``: the rows that bound the walk ``G @ w <= H``,
    their components ``P`` along the plane sum(w) = 1, and the Chebyshev
    centre ``x0`` of the region within that plane.

    Raises ParameterValueError if the region is empty or has no interior.
    """
    m = A.shape[1]
    G = np.vstack([A, -np.eye(m)])
    H = np.concatenate([b, np.zeros(m)])
    P = G - G.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(P, axis=1)
    # maximise r s.t. G x + |P_i| r <= H, sum x = 1
    res = optimize.linprog(
        np.concatenate([np.zeros(m), [-1.0]]),
        A_ub=np.hstack([G, norms[:, None]]),
        b_ub=H,
        A_eq=np.concatenate([np.ones(m), [0.0]])[None, :],
        b_eq=np.ones(1),
        bounds=[(None, None)] * m + [(0.0, 1.0)],
        method="highs",
    )
    if res.status == 2:
        raise ParameterValueError(
            where,
            "constraints",
            expected="satisfiable by some weights w >= 0 with sum(w) = 1",
            hint="No weight vector meets them all; check the signs of A and b.",
        )
    if res.status != 0:  # pragma: no cover - HiGHS solves these small LPs
        raise ParameterValueError(
            where, "constraints", res.message, "solvable by scipy.optimize.linprog"
        )
    radius = float(res.x[m])
    if radius < _MIN_RADIUS:
        raise ParameterValueError(
            where,
            "constraints",
            radius,
            "a region of weights with an interior (Chebyshev radius > 1e-9)",
            hint="Constraints that fix a weight or force equalities "
            "(w0 >= w1 and w1 >= w0) leave nothing to sample; fix those "
            "weights and drop the criterion instead.",
        )
    x0 = np.asarray(res.x[:m], dtype=np.float64)
    keep = norms > _FLAT_RTOL * np.maximum(np.linalg.norm(G, axis=1), 1.0)
    return G[keep], H[keep], P[keep], x0


def _chord_step(
    X: FloatArray,
    L: FloatArray,
    G: FloatArray,
    H: FloatArray,
    P: FloatArray,
    gen: np.random.Generator,
) -> FloatArray:
    """One hit-and-run step of every chain (rows of ``X``)."""
    C, m = X.shape
    z = gen.standard_normal((C, m))
    d = z @ L.T
    d -= d.mean(axis=1, keepdims=True)
    gd = d @ P.T
    slack = np.maximum(H[None, :] - X @ G.T, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = slack / gd
    hi = np.min(np.where(gd > 0, ratio, np.inf), axis=1)
    lo = np.max(np.where(gd < 0, ratio, -np.inf), axis=1)
    lam = lo + (hi - lo) * gen.random(C)
    out: FloatArray = X + lam[:, None] * d
    return out


def _direction_factor(S1: FloatArray, S2: FloatArray, count: int) -> FloatArray:
    """Factor ``L`` of the direction covariance from running sums of points.

    The covariance of the points visited, plus 0.1 % of its average variance
    in every in-plane direction (so the walk can still reach every
    direction), factored as ``L @ L.T``.
    """
    m = S1.size
    mean = S1 / count
    cov = S2 / count - np.outer(mean, mean)
    proj = np.eye(m) - 1.0 / m
    cov = proj @ cov @ proj
    cov = 0.5 * (cov + cov.T)
    scale = max(float(np.trace(cov)) / max(m - 1, 1), 0.0)
    if not scale > 0.0:
        return np.eye(m)
    cov += 1e-3 * scale * proj
    vals, vecs = np.linalg.eigh(cov)
    L: FloatArray = vecs * np.sqrt(np.clip(vals, 0.0, None))[None, :]
    return L


def _hit_and_run(
    G: FloatArray,
    H: FloatArray,
    P: FloatArray,
    x0: FloatArray,
    n: int,
    burn_in: int,
    thin: int,
    chains: int,
    gen: np.random.Generator,
) -> FloatArray:
    """Uniform draws from {G w <= H, sum w = 1} by vectorised hit-and-run.

    ``chains`` chains start at ``x0`` and step side by side; each step draws
    a direction in the plane sum(w) = 1 and a uniform point on the chord
    through the current point. Directions are isotropic for the first half
    of the burn-in; from then on they are normal with the covariance of the
    points visited in its second quarter (a fixed, symmetric direction
    distribution). After ``burn_in`` steps every ``thin``-th point is kept.
    Draws are returned step-major: all chains' first kept points, then their
    second, ...
    """
    m = x0.size
    C = min(chains, n)
    per_chain = -(-n // C)
    X = np.tile(x0, (C, 1))
    L = np.eye(m)
    half = burn_in // 2
    S1 = np.zeros(m)
    S2 = np.zeros((m, m))
    count = 0
    for step in range(1, half + 1):
        X = _chord_step(X, L, G, H, P, gen)
        if 2 * step > half:
            S1 += X.sum(axis=0)
            S2 += X.T @ X
            count += C
    if count:
        L = _direction_factor(S1, S2, count)
    for _ in range(burn_in - half):
        X = _chord_step(X, L, G, H, P, gen)
    out = np.empty((per_chain, C, m))
    for kept in range(per_chain):
        for _ in range(thin):
            X = _chord_step(X, L, G, H, P, gen)
        out[kept] = X
    W = np.clip(out.reshape(per_chain * C, m)[:n], 0.0, None)
    W /= W.sum(axis=1, keepdims=True)
    return W


def draw_weights(
    where: str,
    m: int,
    n: int,
    cons: tuple[FloatArray, FloatArray] | None,
    burn_in: int,
    thin: int,
    chains: int,
    gen: np.random.Generator,
) -> FloatArray:
    if cons is None:
        return np.asarray(gen.dirichlet(np.ones(m), size=n), dtype=np.float64)
    A, b = cons
    if m == 1:
        if (A[:, 0] > b + 1e-12 * np.maximum(np.abs(b), 1.0)).any():
            raise ParameterValueError(
                where,
                "constraints",
                expected="satisfiable by the only weight vector [1.0]",
                hint="With a single criterion its weight is 1.",
            )
        return np.ones((n, 1))
    G, H, P, x0 = _region(where, A, b)
    return _hit_and_run(G, H, P, x0, n, burn_in, thin, chains, gen)


def sampler_args(
    where: str, n: Any, burn_in: Any, thin: Any, chains: Any
) -> tuple[int, int, int, int]:
    return (
        as_int(where, "n", n, 1),
        as_int(where, "burn_in", burn_in, 0),
        as_int(where, "thin", thin, 1),
        as_int(where, "chains", chains, 1),
    )


def sample_weights(
    n_criteria: int,
    *,
    n: int = 10_000,
    constraints: tuple[npt.ArrayLike, npt.ArrayLike] | None = None,
    burn_in: int = 1000,
    thin: int = 10,
    chains: int = 100,
    rng: SeedLike = None,
) -> FloatArray:
    r"""Draw weight vectors uniformly from the simplex or a polytope in it.

    Without constraints the draws are ``rng.dirichlet(np.ones(n_criteria),
    size=n)``: independent and exactly uniform on the simplex. With
    constraints $A w \le b$ they come from hit-and-run (Smith, 1984) on
    $\{w \ge 0, \sum_k w_k = 1, A w \le b\}$, whose stationary distribution is
    uniform on that polytope.

    Parameters
    ----------
    n_criteria : int
        Number of weights, >= 1.
    n : int, default=10_000
        Number of weight vectors.
    constraints : tuple of (array_like, array_like), default=None
        ``(A, b)`` with ``A`` of shape (k, n_criteria), meaning
        ``A @ w <= b``; see `order_constraints`.
    burn_in : int, default=1000
        Hit-and-run steps discarded at the start of each chain.
    thin : int, default=10
        Hit-and-run steps between kept draws.
    chains : int, default=100
        Independent hit-and-run chains, run side by side (vectorised); each
        contributes ``ceil(n / chains)`` draws.
    rng : {None, int, SeedSequence, BitGenerator, Generator}, default=None
        Source of randomness, passed to `numpy.random.default_rng`.
        `None` draws fresh OS entropy. An int or `SeedSequence` makes
        results reproducible. A `Generator` is used as-is and is advanced.

    Returns
    -------
    ndarray of shape (n, n_criteria)
        One weight vector per row, each >= 0 and summing to 1.

    Raises
    ------
    ParameterValueError
        If the constraints have the wrong shape, are not finite, cannot be
        met together with the simplex, or leave a region without interior
        (such as equalities); or if a count is out of range.
    ParameterTypeError
        If an argument has the wrong type.

    See Also
    --------
    smaa : Uses these draws.

    Notes
    -----
    The walk starts every chain at the Chebyshev centre of the polytope
    within the plane $\sum_k w_k = 1$ (the centre of its largest inscribed
    ball, found by `scipy.optimize.linprog`). Each step draws a direction
    $d$ in that plane, computes the chord $\{x + \lambda d\}$ inside the
    polytope exactly from every constraint,
    $\lambda \in [\max_{g_i \cdot d < 0} s_i / g_i \cdot d,\;
    \min_{g_i \cdot d > 0} s_i / g_i \cdot d]$ with slacks
    $s_i = h_i - g_i \cdot x$, and moves to a uniform point on it.

    Directions are isotropic (a standard normal vector minus its mean) for
    the first half of the burn-in. For the rest of the run they are normal
    with the covariance $\Sigma$ of the points the chains visited in the
    second quarter of the burn-in (plus 0.1 % of its mean variance in every
    in-plane direction). This is hit-and-run on the region after the affine
    map $\Sigma^{-1/2}$, which makes elongated regions (an order of
    importance on five weights confines $w_4$ to $[0, 0.2]$) as easy to
    cross as round ones. Because the direction distribution is symmetric
    and fixed after the burn-in, every step leaves the uniform distribution
    invariant, as for isotropic hit-and-run. On five ordered weights with
    the defaults the variance of a weight mean is about 1-2 times that of
    independent draws (about 6 times for eight ordered weights; raise
    ``thin`` there). The draws depend on ``n``, ``chains``, ``burn_in`` and
    ``thin`` and on nothing else.

    References
    ----------
    Smith, R. L. (1984). Efficient Monte Carlo procedures for generating
    points uniformly distributed over bounded regions. *Operations
    Research* 32(6), 1296-1308. https://doi.org/10.1287/opre.32.6.1296

    Examples
    --------
    >>> from kampala.sensitivity import order_constraints, sample_weights
    >>> W = sample_weights(3, n=4000, constraints=order_constraints([0, 1, 2]), rng=1)
    >>> bool((W[:, 0] >= W[:, 1]).all() and (W[:, 1] >= W[:, 2]).all())
    True
    >>> W.mean(axis=0).round(2).tolist()  # exact centroid (11, 5, 2) / 18
    [0.61, 0.28, 0.11]
    """
    where = "sample_weights()"
    m = as_int(where, "n_criteria", n_criteria, 1)
    nn, bi, th, ch = sampler_args(where, n, burn_in, thin, chains)
    cons = as_constraints(where, constraints, m)
    gen = np.random.default_rng(rng)
    return draw_weights(where, m, nn, cons, bi, th, ch, gen)
