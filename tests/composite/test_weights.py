"""Tests of `kampala.composite.weights`: properties, independent checks, errors."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from kampala import (
    Aggregate,
    DataFormatError,
    Framework,
    FrameworkError,
    IndicatorSet,
    Node,
    ParameterTypeError,
    ParameterValueError,
)
from kampala.composite.weights import (
    RANDOM_INDEX,
    ahp_weights,
    bod_weights,
    budget_weights,
    equal_weights,
    explicit_weights,
    pca_weights,
    varimax,
)
from kampala.composite.weights.pca import _retain, _varimax_criterion

positive = st.floats(min_value=0.05, max_value=20.0, allow_nan=False)


def flat(codes: list[str]) -> Framework:
    nodes = [Node(code=c, parent="T") for c in codes]
    return Framework(nodes=[*nodes, Node(code="T", level=2, kind="aggregate")])


def random_orthogonal(rng: np.random.Generator, k: int) -> np.ndarray:
    q, r = np.linalg.qr(rng.normal(size=(k, k)))
    return q * np.sign(np.diag(r))


# ---------------------------------------------------------------------------
# AHP
# ---------------------------------------------------------------------------
def reciprocal(rng: np.random.Generator, n: int) -> np.ndarray:
    """A random reciprocal matrix on Saaty's scale."""
    scale = np.array([1 / 9, 1 / 7, 1 / 5, 1 / 3, 1, 3, 5, 7, 9])
    a = np.ones((n, n))
    for i, j in itertools.combinations(range(n), 2):
        a[i, j] = rng.choice(scale)
        a[j, i] = 1 / a[i, j]
    return a


def power_iteration(a: np.ndarray) -> tuple[float, np.ndarray]:
    """Principal eigenpair by power iteration (independent of numpy.linalg.eig)."""
    w = np.ones(a.shape[0]) / a.shape[0]
    for _ in range(10_000):
        nxt = a @ w
        nxt /= nxt.sum()
        if np.max(np.abs(nxt - w)) < 1e-15:
            break
        w = nxt
    return float((a @ w).sum() / w.sum()), w


@given(st.lists(positive, min_size=1, max_size=10))
def test_ahp_consistent_matrix_returns_the_ratios(v: list[float]) -> None:
    vec = np.array(v)
    res = ahp_weights(vec[:, None] / vec[None, :])
    np.testing.assert_allclose(res.weights, vec / vec.sum(), rtol=1e-12)
    assert res.cr == 0.0
    assert res.ci == 0.0
    assert res.lambda_max == pytest.approx(len(v), rel=1e-12)
    assert res.n == len(v)


@pytest.mark.parametrize("n", [3, 4, 5, 7, 9])
def test_ahp_matches_power_iteration(n: int) -> None:
    rng = np.random.default_rng(n)
    for _ in range(5):
        a = reciprocal(rng, n)
        res = ahp_weights(a, max_cr=None)
        lam, w = power_iteration(a)
        np.testing.assert_allclose(res.weights, w, rtol=1e-9, atol=1e-12)
        assert res.lambda_max == pytest.approx(lam, rel=1e-9)
        assert res.ci == pytest.approx((lam - n) / (n - 1), rel=1e-8, abs=1e-12)
        assert res.cr == pytest.approx(res.ci / RANDOM_INDEX[n], rel=1e-12)


def test_ahp_hand_computed_three_by_three() -> None:
    # weights by the geometric-mean approximation are exact for n = 3
    # (every 3 x 3 reciprocal matrix's Perron vector is its row geometric mean)
    a = np.array([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]])
    g = np.prod(a, axis=1) ** (1 / 3)
    res = ahp_weights(a)
    np.testing.assert_allclose(res.weights, g / g.sum(), rtol=1e-12)
    assert res.ri == 0.58
    assert res.cr == pytest.approx(res.ci / 0.58)
    assert res.cr == pytest.approx(0.0332, abs=5e-5)


@given(st.integers(0, 10_000))
def test_ahp_permutation_equivariance(seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = reciprocal(rng, 5)
    perm = rng.permutation(5)
    res = ahp_weights(a, max_cr=None)
    res_p = ahp_weights(a[np.ix_(perm, perm)], max_cr=None)
    np.testing.assert_allclose(res_p.weights, res.weights[perm], rtol=1e-10)
    assert res_p.cr == pytest.approx(res.cr, rel=1e-10, abs=1e-14)


def test_ahp_weights_sum_to_one_and_are_positive() -> None:
    rng = np.random.default_rng(0)
    for n in range(1, 11):
        res = ahp_weights(reciprocal(rng, n), max_cr=None)
        assert (res.weights > 0).all()
        assert res.weights.sum() == pytest.approx(1.0, abs=1e-14)
        assert res.lambda_max >= n - 1e-9
        assert not res.weights.flags.writeable


def test_ahp_small_matrices_are_consistent() -> None:
    one = ahp_weights([[1.0]], labels=["only"])
    assert one.weights.tolist() == [1.0]
    assert (one.cr, one.ci, one.ri) == (0.0, 0.0, 0.0)
    two = ahp_weights([[1, 9], [1 / 9, 1]])
    assert two.cr == 0.0
    np.testing.assert_allclose(two.weights, [0.9, 0.1])


def test_ahp_uses_the_upper_triangle() -> None:
    rounded = ahp_weights([[1, 3, 5], [0.33, 1, 3], [0.2, 0.33, 1]])
    exact = ahp_weights([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]])
    np.testing.assert_array_equal(rounded.weights, exact.weights)
    with pytest.raises(ParameterValueError, match=r"'matrix\[1, 0\]' must be 1 / "):
        ahp_weights([[1, 3], [3, 1]])  # a judgement entered the wrong way round


def test_ahp_refuses_inconsistent_judgements() -> None:
    cyclic = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]
    with pytest.raises(
        ParameterValueError,
        match=r"ahp_weights\(\): 'consistency ratio' must be <= max_cr = 0.1 "
        r"\(got \d+\.\d+\)\. Revise .* max_cr=None",
    ):
        ahp_weights(cyclic)
    res = ahp_weights(cyclic, max_cr=None)
    assert res.cr > 1
    np.testing.assert_allclose(res.weights, [1 / 3] * 3)
    assert ahp_weights(cyclic, max_cr=10).cr == res.cr


def test_ahp_random_index_beyond_the_table() -> None:
    v = np.arange(1.0, 13.0)
    a = v[:, None] / v[None, :]
    with pytest.raises(ParameterValueError, match=r"'random_index' must be given"):
        ahp_weights(a)
    res = ahp_weights(a, random_index=1.54)
    assert res.ri == 1.54
    assert res.cr == 0.0


@pytest.mark.parametrize(
    ("matrix", "labels", "pattern"),
    [
        ([[1, 2, 3]], None, r"'matrix' must be a square matrix \(got \(1, 3\)\)"),
        ([1, 2], None, r"'matrix' must be a non-empty 2-D array"),
        ([[1, -2], [-0.5, 1]], None, r"'matrix\[0, 1\]' must be a finite number > 0"),
        (
            [[1, 0], [math.inf, 1]],
            ["a", "b"],
            r"'matrix\['a', 'b'\]' must be a finite number > 0 \(got 0\.0\)",
        ),
        ([[1, 2], [0.5, 2]], ["a", "b"], r"'matrix\['b', 'b'\]' must be 1"),
        (
            [[1, 2, 4], [0.5, 1, 2], [0.5, 0.5, 1]],
            ["a", "b", "c"],
            r"'matrix\['c', 'a'\]' must be 1 / matrix\['a', 'c'\] = 0\.25 "
            r"\(reciprocal\) \(got 0\.5\)",
        ),
    ],
)
def test_ahp_errors_name_the_cell(
    matrix: list[list[float]], labels: list[str] | None, pattern: str
) -> None:
    with pytest.raises(ParameterValueError, match=pattern):
        ahp_weights(matrix, labels=labels)


def test_ahp_labels_checked() -> None:
    with pytest.raises(ParameterValueError, match=r"'labels' must be of length 2"):
        ahp_weights([[1, 2], [0.5, 1]], labels=["a"])
    with pytest.raises(ParameterValueError, match=r"'labels' must be unique"):
        ahp_weights([[1, 2], [0.5, 1]], labels=["a", "a"])
    with pytest.raises(ParameterTypeError, match=r"'max_cr' must be a number"):
        ahp_weights([[1, 2], [0.5, 1]], max_cr="0.1")  # type: ignore[arg-type]


def test_ahp_result_round_trip_into_a_framework() -> None:
    res = ahp_weights([[1, 3], [1 / 3, 1]], labels=["x", "y"])
    fw = res.apply(flat(["x", "y"]), "T")
    np.testing.assert_allclose(fw.effective_weights(), [0.75, 0.25])
    with pytest.raises(FrameworkError, match=r"children are exactly \['x', 'y'\]"):
        res.apply(flat(["x", "z"]), "T")
    # and the mapping is what Aggregate takes
    data = np.array([[0.0, 100.0], [100.0, 0.0]])
    out = Aggregate(weights=res.weight_mapping()).apply(
        flat(["x", "y"]), data, ("u", "v")
    )
    np.testing.assert_allclose(out.scores[:, 0], [25.0, 75.0])
    assert res.to_dict()["weights"] == {"x": 0.75, "y": 0.25}


# ---------------------------------------------------------------------------
# PCA and varimax
# ---------------------------------------------------------------------------
def block_data(
    rng: np.random.Generator, n: int = 200, noise: float = 0.3
) -> np.ndarray:
    f = rng.normal(size=(n, 3))
    x = np.column_stack([f[:, 0], f[:, 0], f[:, 0], f[:, 1], f[:, 1], f[:, 2]])
    return x + noise * rng.normal(size=x.shape)


def test_retention_reproduces_the_handbook_tai_example() -> None:
    # Handbook (OECD/JRC 2008), Table 16: eigenvalues of the TAI data set; the
    # Handbook retains four factors (the fourth has eigenvalue 0.9 but explains
    # 11.1 % > 10 % of the variance), together 87.2 % of it.
    eig = np.array([3.3, 1.7, 1.0, 0.9, 0.5, 0.3, 0.2, 0.1])
    assert _retain(eig, 1.0, 0.10, 0.60) == 4
    # a dominant first factor alone is not enough when it explains < 60 %
    assert _retain(np.array([4.5, 0.9, 0.8, 0.8, 0.6, 0.4]), 1.0, 0.2, 0.6) == 2
    assert _retain(np.array([4.5, 0.9, 0.8, 0.8, 0.6, 0.4]), 1.0, 0.2, 0.0) == 1


def test_pca_eigenvalues_match_the_svd() -> None:
    rng = np.random.default_rng(11)
    x = block_data(rng)
    res = pca_weights(x)
    z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    _, s, vt = np.linalg.svd(z, full_matrices=False)
    np.testing.assert_allclose(res.eigenvalues, s**2 / (x.shape[0] - 1), rtol=1e-10)
    np.testing.assert_allclose(res.explained.sum(), 1.0)
    m = res.n_factors
    svd_loadings = vt[:m].T * s[:m] / math.sqrt(x.shape[0] - 1)
    np.testing.assert_allclose(np.abs(res.loadings), np.abs(svd_loadings), atol=1e-10)


def test_pca_rotated_loadings_maximise_varimax() -> None:
    rng = np.random.default_rng(5)
    res = pca_weights(block_data(rng, noise=0.8))
    assert res.n_factors >= 2
    rot = res.rotated_loadings
    norm = rot / np.sqrt((rot**2).sum(axis=1, keepdims=True))
    best = _varimax_criterion(norm)
    k = res.n_factors
    for _ in range(500):
        assert _varimax_criterion(norm @ random_orthogonal(rng, k)) <= best + 1e-12
    for eps in (1e-2, 1e-3):  # small rotations: a local maximum
        for _ in range(100):
            skew = rng.normal(size=(k, k)) * eps
            q = np.linalg.qr(np.eye(k) + skew - skew.T)[0]
            q = q * np.sign(np.diag(q))
            assert _varimax_criterion(norm @ q) <= best + 1e-12
    # the rotation keeps the communalities (row sums of squares)
    np.testing.assert_allclose(
        (rot**2).sum(axis=1), (res.loadings**2).sum(axis=1), rtol=1e-10
    )


def test_varimax_stationarity_and_start_independence() -> None:
    rng = np.random.default_rng(2)
    lo = rng.normal(size=(9, 3))
    rotated, t = varimax(lo, normalize=False)
    np.testing.assert_allclose(t.T @ t, np.eye(3), atol=1e-12)
    np.testing.assert_allclose(lo @ t, rotated, atol=1e-12)
    # first-order condition of max V(L T) over orthogonal T: T' G symmetric
    p = lo.shape[0]
    g = lo.T @ (rotated**3 - rotated * (rotated**2).sum(axis=0) / p)
    sym = t.T @ g
    np.testing.assert_allclose(sym, sym.T, atol=1e-9 * np.abs(sym).max())
    # a rotated start reaches the same criterion value
    again, _ = varimax(lo @ random_orthogonal(rng, 3), normalize=False)
    assert _varimax_criterion(again) == pytest.approx(
        _varimax_criterion(rotated), rel=1e-9
    )


def test_varimax_one_factor_and_errors() -> None:
    lo = np.array([[0.5], [0.7]])
    rotated, t = varimax(lo)
    np.testing.assert_array_equal(rotated, lo)
    np.testing.assert_array_equal(t, [[1.0]])
    with pytest.raises(ParameterValueError, match=r"varimax\(\): 'loadings'"):
        varimax([[np.nan, 1.0]])


def test_pca_weights_follow_the_handbook_formula() -> None:
    rng = np.random.default_rng(9)
    res = pca_weights(block_data(rng, noise=0.6))
    rot = res.rotated_loadings
    p = rot.shape[0]
    raw = np.empty(p)
    for i in range(p):  # the Handbook's steps, one indicator at a time
        j = int(np.argmax(rot[i] ** 2))
        assert j == res.factor_of[i]
        col = rot[:, j] ** 2
        share = col.sum() / (rot**2).sum()
        raw[i] = col[i] / col.sum() * share
    np.testing.assert_allclose(res.weights, raw / raw.sum(), rtol=1e-12)
    np.testing.assert_allclose(res.factor_variance, (rot**2).sum(axis=0))


def test_pca_block_structure() -> None:
    res = pca_weights(block_data(np.random.default_rng(1), noise=0.1))
    assert res.n_factors == 3
    assert res.factor_of[:3] == (res.factor_of[0],) * 3
    assert res.factor_of[3] == res.factor_of[4]
    assert len(set(res.factor_of)) == 3


@given(arrays(np.float64, (12, 4), elements=st.floats(-100, 100)), st.integers(0, 99))
def test_pca_weights_properties(x: np.ndarray, seed: int) -> None:
    x = x + np.random.default_rng(seed).normal(size=x.shape)  # no constant column
    res = pca_weights(x)
    assert (res.weights >= 0).all()
    assert res.weights.sum() == pytest.approx(1.0)
    # positive affine maps of each indicator leave correlations, so weights, alone
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(0.1, 10, size=4), rng.uniform(-50, 50, size=4)
    np.testing.assert_allclose(pca_weights(x * a + b).weights, res.weights, atol=1e-7)
    # the order of the units does not matter
    perm = rng.permutation(12)
    np.testing.assert_allclose(pca_weights(x[perm]).weights, res.weights, atol=1e-7)


def test_pca_indicator_permutation_equivariance() -> None:
    rng = np.random.default_rng(4)
    x = block_data(rng, noise=0.5)
    res = pca_weights(x)
    perm = rng.permutation(x.shape[1])
    res_p = pca_weights(x[:, perm])
    np.testing.assert_allclose(res_p.weights, res.weights[perm], atol=1e-9)


def test_pca_options() -> None:
    x = block_data(np.random.default_rng(8))
    assert pca_weights(x, n_factors=1).n_factors == 1
    none = pca_weights(x, n_factors=2, rotation="none")
    np.testing.assert_array_equal(none.loadings, none.rotated_loadings)
    strict = pca_weights(x, min_eigenvalue=100, min_variance_share=1, min_cumulative=0)
    assert strict.n_factors == 1


def test_pca_reads_an_indicator_set() -> None:
    x = block_data(np.random.default_rng(3), n=20)
    codes = [f"i{k}" for k in range(6)]
    data = IndicatorSet(
        framework=flat(codes), unit_codes=[f"u{k}" for k in range(20)], values=x
    )
    res = pca_weights(data)
    assert res.labels == tuple(codes)
    np.testing.assert_array_equal(res.weights, pca_weights(x).weights)
    fw = res.apply(flat(codes), "T")
    np.testing.assert_allclose(fw.effective_weights(), res.weights)
    assert res.to_dict()["n_factors"] == res.n_factors


def test_pca_errors() -> None:
    x = block_data(np.random.default_rng(3), n=5)
    x[2, 1] = np.nan
    data = IndicatorSet(
        framework=flat([f"i{k}" for k in range(6)]),
        unit_codes=[f"u{k}" for k in range(5)],
        values=x,
    )
    with pytest.raises(
        DataFormatError,
        match=r"pca_weights\(\): unit 'u2': 'i1' must be a finite number "
        r"\(the method needs complete data\) \(got nan\)\. Impute",
    ):
        pca_weights(data)
    const = np.column_stack([np.arange(5.0), np.ones(5)])
    with pytest.raises(DataFormatError, match=r"'1' must be an indicator that varies"):
        pca_weights(const)
    with pytest.raises(ParameterValueError, match=r"'n_factors' must be between 1"):
        pca_weights(np.random.default_rng(0).normal(size=(5, 2)), n_factors=3)
    with pytest.raises(ParameterValueError, match=r"at least 2 units and 2"):
        pca_weights([[1.0, 2.0]])
    with pytest.raises(ParameterValueError, match=r"'rotation' must be one of"):
        pca_weights([[1.0, 2.0], [2.0, 1.0]], rotation="promax")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# benefit of the doubt
# ---------------------------------------------------------------------------
def brute_force_bod(y: np.ndarray) -> np.ndarray:
    """Scores by enumerating the vertices of {w >= 0, Y w <= 1} (two indicators)."""
    n, p = y.shape
    assert p == 2
    rows = np.vstack([y, -np.eye(2)])
    rhs = np.concatenate([np.ones(n), np.zeros(2)])
    vertices = []
    for i, j in itertools.combinations(range(n + 2), 2):
        a = rows[[i, j]]
        if abs(np.linalg.det(a)) < 1e-12:
            continue
        w = np.linalg.solve(a, rhs[[i, j]])
        if (rows @ w <= rhs + 1e-9).all():
            vertices.append(w)
    v = np.array(vertices)
    return np.asarray((y @ v.T).max(axis=1))


nonneg = arrays(
    np.float64, st.tuples(st.integers(2, 8), st.just(2)), elements=st.floats(0, 10)
)


@given(nonneg)
def test_bod_matches_vertex_enumeration(y: np.ndarray) -> None:
    y = y + 0.01  # the polytope is bounded when every column has a positive entry
    res = bod_weights(y)
    np.testing.assert_allclose(res.scores, brute_force_bod(y), atol=1e-8)


@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 10), st.integers(1, 4)),
        # values far below the solver's tolerances (1e-38) are not meaningful
        elements=st.one_of(st.just(0.0), st.floats(1e-3, 100)),
    )
)
def test_bod_scores_bounds_and_frontier(y: np.ndarray) -> None:
    res = bod_weights(y)
    assert ((res.scores >= 0) & (res.scores <= 1)).all()
    assert (res.weights >= 0).all()
    # each unit's weights are feasible for every unit, and give its score
    assert (y @ res.weights.T <= 1 + 1e-7).all()
    np.testing.assert_allclose((res.weights * y).sum(axis=1), res.scores, atol=1e-7)
    if (y > 0).any():
        assert res.scores.max() == pytest.approx(1.0)
        # a unit that is best on some indicator scores 1
        for c in np.flatnonzero(y.max(axis=0) > 0):
            assert res.scores[int(np.argmax(y[:, c]))] == pytest.approx(1.0)
    else:
        assert (res.scores == 0).all()


def test_bod_solvers_and_dual_agree() -> None:
    from scipy.optimize import linprog

    rng = np.random.default_rng(12)
    y = rng.uniform(0, 1, size=(15, 4))
    ds = bod_weights(y, method="highs-ds").scores
    ipm = bod_weights(y, method="highs-ipm").scores
    np.testing.assert_allclose(ds, ipm, atol=1e-7)
    for u in range(15):  # the dual: min sum(lambda) s.t. Y' lambda >= y_u
        dual = linprog(np.ones(15), A_ub=-y.T, b_ub=-y[u], method="highs-ds")
        assert dual.fun == pytest.approx(ds[u], abs=1e-8)


def full_programme(y: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Scores from (W10)-(W11) with every constraint, one programme per unit."""
    from scipy.optimize import linprog

    n, p = y.shape
    out = np.empty(n)
    for u in range(n):
        yu = y[u]
        share = np.vstack(
            [lower[:, None] * yu - np.diag(yu), np.diag(yu) - upper[:, None] * yu]
        )
        res = linprog(
            -yu,
            A_ub=np.vstack([y, share]),
            b_ub=np.concatenate([np.ones(n), np.zeros(2 * p)]),
            method="highs-ds",
        )
        out[u] = -res.fun
    return out


@pytest.mark.parametrize("bounded", [False, True])
def test_bod_working_set_is_exact(bounded: bool) -> None:
    rng = np.random.default_rng(21)
    y = rng.uniform(0, 1, size=(150, 5)) ** 3  # skewed: a small frontier
    lower = np.full(5, 0.1 if bounded else 0.0)
    upper = np.full(5, 0.5 if bounded else 1.0)
    res = bod_weights(y, share_bounds=np.column_stack([lower, upper]))
    np.testing.assert_allclose(res.scores, full_programme(y, lower, upper), atol=1e-9)
    assert (y @ res.weights.T <= 1 + 1e-7).all()


def test_bod_is_unit_invariant_and_permutation_equivariant() -> None:
    rng = np.random.default_rng(6)
    y = rng.uniform(0, 5, size=(10, 3))
    base = bod_weights(y).scores
    np.testing.assert_allclose(
        bod_weights(y * [1.0, 1000.0, 0.01]).scores, base, atol=1e-9
    )
    perm = rng.permutation(10)
    np.testing.assert_allclose(bod_weights(y[perm]).scores, base[perm], atol=1e-9)


def test_bod_share_bounds_hold() -> None:
    rng = np.random.default_rng(7)
    y = rng.uniform(0.1, 5, size=(12, 3))
    bounds = {"a": (0.2, 0.6), "b": (0.1, 0.5), "c": (0.2, 1.0)}
    res = bod_weights(y, labels=["a", "b", "c"], share_bounds=bounds)
    free = bod_weights(y)
    assert (res.scores <= free.scores + 1e-9).all()  # restrictions can only cost
    sh = res.shares()
    lo = np.array([0.2, 0.1, 0.2])
    hi = np.array([0.6, 0.5, 1.0])
    assert (sh >= lo - 1e-7).all()
    assert (sh <= hi + 1e-7).all()
    # fixed equal shares: the score is the best equal-contribution index
    fixed = bod_weights(y, share_bounds=[(1 / 3, 1 / 3)] * 3)
    np.testing.assert_allclose(fixed.shares(), 1 / 3, atol=1e-7)


def test_bod_zero_with_a_lower_share_bound_scores_zero() -> None:
    y = [[0.0, 1.0], [1.0, 1.0]]
    res = bod_weights(y, share_bounds={"0": (0.5, 1.0)})
    assert res.scores[0] == pytest.approx(0.0)
    assert res.scores[1] == pytest.approx(1.0)


def test_bod_reads_an_indicator_set_and_reports() -> None:
    data = IndicatorSet(
        framework=flat(["x", "y"]),
        unit_codes=["pe", "co", "bo"],
        values=[[1.0, 4.0], [4.0, 1.0], [1.0, 1.0]],
    )
    res = bod_weights(data)
    assert res.unit_codes == ("pe", "co", "bo")
    assert res.labels == ("x", "y")
    assert res.frontier() == ("pe", "co")
    assert res.to_dict()["units"]["bo"]["score"] == pytest.approx(0.4)


@pytest.mark.parametrize(
    ("y", "kw", "error", "pattern"),
    [
        (
            [[1.0, -1.0]],
            {},
            DataFormatError,
            r"bod_weights\(\): unit 'row 0': '1' must be >= 0",
        ),
        (
            [[1.0, np.nan]],
            {},
            DataFormatError,
            r"unit 'row 0': '1' must be a finite number",
        ),
        (
            [[1.0, 1.0]],
            {"share_bounds": {"z": (0, 1)}},
            ParameterValueError,
            r"'share_bounds' must be keyed by indicator codes",
        ),
        (
            [[1.0, 1.0]],
            {"share_bounds": {"0": (0.7, 0.2)}},
            ParameterValueError,
            r"'share_bounds\['0'\]' must be a pair 0 <= lower <= upper <= 1",
        ),
        (
            [[1.0, 1.0]],
            {"share_bounds": {"0": (0.7, 1), "1": (0.7, 1)}},
            ParameterValueError,
            r"'share_bounds' must be bounds whose lower ends sum to <= 1",
        ),
        (
            [[1.0, 1.0]],
            {"share_bounds": [[0, 1]]},
            ParameterValueError,
            r"'share_bounds' must be of shape \(2, 2\)",
        ),
        (
            [[1.0, 1.0]],
            {"share_bounds": {"0": 0.5}},
            ParameterTypeError,
            r"'share_bounds\['0'\]' must be a pair \(lower, upper\)",
        ),
        (
            [[1.0, 1.0]],
            {"method": "simplex"},
            ParameterValueError,
            r"'method' must be one of 'highs'",
        ),
    ],
)
def test_bod_errors(
    y: list[list[float]], kw: dict[str, object], error: type, pattern: str
) -> None:
    with pytest.raises(error, match=pattern):
        bod_weights(y, **kw)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# budget allocation
# ---------------------------------------------------------------------------
def test_budget_mean_median_and_spread() -> None:
    pts = [[50, 30, 20], [30, 30, 40], [40, 40, 20]]
    res = budget_weights(pts, labels=["a", "b", "c"], experts=["E1", "E2", "E3"])
    np.testing.assert_allclose(res.weights, [0.4, 1 / 3, 4 / 15])
    np.testing.assert_allclose(res.low, [0.3, 0.3, 0.2])
    np.testing.assert_allclose(res.high, [0.5, 0.4, 0.4])
    np.testing.assert_allclose(res.sd, np.std(np.array(pts) / 100, axis=0, ddof=1))
    med = budget_weights(pts, statistic="median")
    np.testing.assert_allclose(med.weights, np.array([0.4, 0.3, 0.2]) / 0.9)
    assert med.to_dict()["statistic"] == "median"
    assert res.experts == ("E1", "E2", "E3")


@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 6), st.integers(1, 5)),
        elements=st.floats(0, 10),
    ),
    st.integers(0, 99),
)
def test_budget_properties(raw: np.ndarray, seed: int) -> None:
    raw = raw + 0.01
    pts = 100 * raw / raw.sum(axis=1, keepdims=True)
    for statistic in ("mean", "median"):
        res = budget_weights(pts, statistic=statistic)  # type: ignore[arg-type]
        assert (res.weights >= 0).all()
        assert res.weights.sum() == pytest.approx(1.0)
        assert ((res.low <= res.weights + 1e-12) | (statistic == "median")).all()
        perm = np.random.default_rng(seed).permutation(pts.shape[0])
        np.testing.assert_allclose(
            budget_weights(pts[perm], statistic=statistic).weights,  # type: ignore[arg-type]
            res.weights,
            atol=1e-12,
        )


def test_budget_mapping_form_and_framework() -> None:
    res = budget_weights(
        {"E1": {"x": 60, "y": 40}, "E2": {"y": 20, "x": 80}}, budget=100
    )
    assert res.labels == ("x", "y")
    assert res.weight_mapping() == pytest.approx({"x": 0.7, "y": 0.3})
    np.testing.assert_allclose(
        res.apply(flat(["y", "x"]), "T").effective_weights(), [0.3, 0.7]
    )
    one = budget_weights([[3.0, 1.0]], budget=None)
    np.testing.assert_allclose(one.weights, [0.75, 0.25])
    np.testing.assert_array_equal(one.sd, [0.0, 0.0])


@pytest.mark.parametrize(
    ("points", "kw", "pattern"),
    [
        (
            {"E1": {"a": 50, "b": 50}, "E2": {"a": -10, "b": 110}},
            {},
            r"budget_weights\(\): expert 'E2': 'a' must be a finite number of points "
            r">= 0 \(got -10\.0\)",
        ),
        (
            {"E1": {"a": 50, "b": 50}, "E2": {"a": 60, "b": 50}},
            {},
            r"expert 'E2': 'total points' must be equal to the budget 100 "
            r"\(got 110\.0\)",
        ),
        (
            {"E1": {"a": 50, "b": 50}, "E2": {"a": 100}},
            {},
            r"expert 'E2': 'b' must be given \(use 0",
        ),
        (
            {"E1": {"a": 50, "b": 50}, "E2": {"a": 50, "b": 40, "c": 10}},
            {},
            r"expert 'E2': 'c' must be one of \['a', 'b'\]",
        ),
        ([[50, 50]], {"statistic": "mode"}, r"'statistic' must be one of 'mean'"),
        ([[50, 50]], {"experts": ["A", "B"]}, r"'labels' must be of length 1"),
        ([[0, 0]], {"budget": None}, r"expert '0': 'total points' must be > 0"),
        ([[0, 0]], {"budget": 0}, r"'budget' must be a finite number > 0"),
        (
            [[100, 0, 0], [0, 100, 0], [0, 0, 100]],
            {"statistic": "median"},
            r"every indicator's median share is 0",
        ),
    ],
)
def test_budget_errors(points: object, kw: dict[str, object], pattern: str) -> None:
    with pytest.raises(ParameterValueError, match=pattern):
        budget_weights(points, **kw)  # type: ignore[arg-type]


def test_budget_type_errors() -> None:
    with pytest.raises(ParameterTypeError, match=r"expert 'E1': 'a' must be a number"):
        budget_weights({"E1": {"a": "50", "b": 50}})
    with pytest.raises(
        ParameterTypeError, match=r"expert 'E1': 'points' must be a mapping"
    ):
        budget_weights({"E1": [50, 50]})


# ---------------------------------------------------------------------------
# equal and explicit
# ---------------------------------------------------------------------------
def test_equal_and_explicit() -> None:
    assert equal_weights(("a", "b")) == {"a": 0.5, "b": 0.5}
    assert explicit_weights({"a": 3, "b": 1.0}) == {"a": 0.75, "b": 0.25}
    with pytest.raises(ParameterValueError, match=r"'labels' must be a non-empty"):
        equal_weights([])
    with pytest.raises(ParameterValueError, match=r"'labels' must be unique"):
        equal_weights(["a", "a"])
    with pytest.raises(ParameterValueError, match=r"'weights\['b'\]' must be a finite"):
        explicit_weights({"a": 1, "b": -1})
    with pytest.raises(
        ParameterValueError, match=r"'weights' must be weights with a positive sum"
    ):
        explicit_weights({"a": 0, "b": 0})
    with pytest.raises(ParameterTypeError, match=r"'weights' must be a mapping"):
        explicit_weights([1, 2])  # type: ignore[arg-type]
