"""SMAA-2 against exact acceptabilities, rejection sampling and itself."""

from __future__ import annotations

import itertools
import json
import math
import pickle
from collections.abc import Sequence

import attrs
import numpy as np
import pytest
import scipy.stats
from numpy.testing import assert_allclose, assert_array_equal

from kampala.errors import ParameterTypeError, ParameterValueError
from kampala.sensitivity import (
    SMAAResult,
    order_constraints,
    sample_weights,
    smaa,
)

N_MC = 200_000


# -- exact references ---------------------------------------------------------------
def _ranks(s: np.ndarray) -> np.ndarray:
    return scipy.stats.rankdata(-s, method="min").astype(int)


def _rank_columns(S: np.ndarray) -> np.ndarray:
    """Competition ranks of every column of S (n_units, n_draws)."""
    return 1 + (S[None, :, :] > S[:, None, :]).sum(axis=1)


def exact_m2(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Acceptabilities and central weights for two criteria, w = (t, 1 - t).

    t is uniform on [0, 1]; every pairwise order changes at most once, so the
    ranking is constant between consecutive crossing points.
    """
    n = X.shape[0]
    cuts = {0.0, 1.0}
    for u, v in itertools.combinations(range(n), 2):
        d = X[u] - X[v]  # d.w = d1 + t (d0 - d1)
        if d[0] != d[1]:
            t = d[1] / (d[1] - d[0])
            if 0 < t < 1:
                cuts.add(t)
    pts = sorted(cuts)
    acc = np.zeros((n, n))
    central = np.zeros((n, 2))
    for lo, hi in itertools.pairwise(pts):
        mid = 0.5 * (lo + hi)
        r = _ranks(X @ np.array([mid, 1 - mid]))
        for u in range(n):
            acc[u, r[u] - 1] += hi - lo
            if r[u] == 1:
                central[u] += (hi - lo) * np.array([mid, 1 - mid])
    with np.errstate(invalid="ignore"):
        central /= acc[:, :1]
    return acc, central


def _clip(poly: list[np.ndarray], a: np.ndarray, c: float) -> list[np.ndarray]:
    """Part of a convex polygon where a . p + c >= 0 (Sutherland-Hodgman)."""
    out: list[np.ndarray] = []
    for i, p in enumerate(poly):
        q = poly[(i + 1) % len(poly)]
        fp, fq = float(a @ p + c), float(a @ q + c)
        if fp >= 0:
            out.append(p)
        if (fp >= 0) != (fq >= 0):
            out.append(p + fp / (fp - fq) * (q - p))
    return out


def _area_centroid(poly: list[np.ndarray]) -> tuple[float, np.ndarray]:
    x = np.array([p[0] for p in poly])
    y = np.array([p[1] for p in poly])
    xs, ys = np.roll(x, -1), np.roll(y, -1)
    cross = x * ys - xs * y
    area = cross.sum() / 2
    if abs(area) < 1e-18:
        return 0.0, np.zeros(2)
    cx = ((x + xs) * cross).sum() / (6 * area)
    cy = ((y + ys) * cross).sum() / (6 * area)
    return abs(area), np.array([cx, cy])


def _plane(c: np.ndarray) -> tuple[np.ndarray, float]:
    """c . w for w = (p0, p1, 1 - p0 - p1), as a . p + const."""
    return np.array([c[0] - c[2], c[1] - c[2]]), float(c[2])


def exact_m3(
    X: np.ndarray, A: np.ndarray | None = None, b: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Exact acceptabilities and central weights for three criteria.

    The (constrained) simplex is cut into convex cells by every line where
    two units tie; the ranking is constant on each cell, so acceptabilities
    are area shares and central weights are area-weighted centroids.
    """
    n = X.shape[0]
    region = [np.array([1.0, 0.0]), np.array([0.0, 1.0]), np.array([0.0, 0.0])]
    if A is not None and b is not None:
        for row, rhs in zip(A, b, strict=True):
            a, c = _plane(-row)  # b - A w >= 0
            region = _clip(region, a, c + rhs)
    cells = [region]
    for u, v in itertools.combinations(range(n), 2):
        a, c = _plane(X[u] - X[v])
        nxt = []
        for cell in cells:
            for part in (_clip(cell, a, c), _clip(cell, -a, -c)):
                if len(part) >= 3 and _area_centroid(part)[0] > 1e-15:
                    nxt.append(part)
        cells = nxt
    acc = np.zeros((n, n))
    central = np.zeros((n, 3))
    total = 0.0
    for cell in cells:
        area, cen = _area_centroid(cell)
        w = np.array([cen[0], cen[1], 1 - cen[0] - cen[1]])
        r = _ranks(X @ w)
        total += area
        for u in range(n):
            acc[u, r[u] - 1] += area
            if r[u] == 1:
                central[u] += area * w
    with np.errstate(invalid="ignore"):
        central /= acc[:, :1]
    return acc / total, central


def assert_within_mc(
    est: np.ndarray, exact: np.ndarray, n: float, z: float = 4.0
) -> None:
    se = np.sqrt(exact * (1 - exact) / n)
    bad = np.abs(est - exact) > z * se + 1e-12
    assert not bad.any(), (est[bad], exact[bad], se[bad])


# -- agreement with exact values ------------------------------------------------------
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_two_criteria_match_exact_intervals(seed: int) -> None:
    X = np.random.default_rng(seed).random((4, 2))
    res = smaa(X, n=N_MC, rng=seed)
    acc, central = exact_m2(X)
    assert_within_mc(res.acceptability, acc, N_MC)
    counts = res.first_rank * N_MC
    has = counts > 0
    tol = 4 * 0.5 / np.sqrt(np.maximum(counts[has], 1))[:, None]
    assert (np.abs(res.central_weights[has] - central[has]) <= tol).all()
    assert_array_equal(np.isnan(res.central_weights[:, 0]), acc[:, 0] == 0)


@pytest.mark.parametrize(("seed", "n_units"), [(3, 3), (4, 4), (5, 5)])
def test_three_criteria_match_exact_cells(seed: int, n_units: int) -> None:
    X = np.random.default_rng(seed).random((n_units, 3))
    res = smaa(X, n=N_MC, rng=seed)
    acc, central = exact_m3(X)
    assert_allclose(acc.sum(axis=1), 1.0)
    assert_within_mc(res.acceptability, acc, N_MC)
    counts = res.first_rank * N_MC
    has = counts > 0
    tol = 4 * 0.5 / np.sqrt(counts[has])[:, None]
    assert (np.abs(res.central_weights[has] - central[has]) <= tol).all()


def test_hit_and_run_order_constraint_matches_rejection_and_exact() -> None:
    X = np.random.default_rng(11).random((5, 3))
    A, b = order_constraints([0, 1, 2])
    hr = smaa(X, n=N_MC, constraints=(A, b), chains=1000, rng=12)
    assert hr.sampler == "hit-and-run"
    # rejection: Dirichlet(1, 1, 1) draws kept when w0 >= w1 >= w2
    W = np.random.default_rng(13).dirichlet(np.ones(3), size=6 * N_MC + 50_000)
    W = W[(W[:, 0] >= W[:, 1]) & (W[:, 1] >= W[:, 2])][:N_MC]
    assert W.shape[0] == N_MC
    r = _rank_columns(X @ W.T)  # (n_units, n)
    rej = np.stack([(r == k + 1).mean(axis=1) for k in range(5)], axis=1)
    se = np.sqrt(rej * (1 - rej) / N_MC)
    # hit-and-run draws are (mildly) correlated: allow twice the variance
    assert (np.abs(hr.acceptability - rej) <= 4 * np.sqrt(3) * se + 1e-12).all()
    acc, _ = exact_m3(X, A, b)
    assert_within_mc(hr.acceptability, acc, N_MC / 2)
    assert_within_mc(rej, acc, N_MC)


def test_sample_weights_order_constraint_centroid() -> None:
    A, b = order_constraints([0, 1, 2])
    n = 100_000
    W = sample_weights(3, n=n, constraints=(A, b), chains=1000, rng=3)
    assert W.shape == (n, 3)
    assert (W >= 0).all()
    assert_allclose(W.sum(axis=1), 1.0, atol=1e-12)
    assert (A @ W.T <= 1e-12).all()
    # centroid of the order simplex: mean of its vertices (1,0,0), (1/2,1/2,0),
    # (1/3,1/3,1/3) = (11, 5, 2) / 18
    se = W.std(axis=0) / math.sqrt(n / 2)
    assert (np.abs(W.mean(axis=0) - np.array([11, 5, 2]) / 18) <= 4 * se).all()


def test_hit_and_run_five_criteria_defaults_match_rejection() -> None:
    # the default burn-in / thinning on the size the library is for: five
    # principle weights ordered w0 >= w1 >= ... >= w4
    X = np.random.default_rng(21).random((4, 5))
    A, b = order_constraints(range(5))
    n = 20_000
    hr = smaa(X, n=n, constraints=(A, b), rng=22)
    W = np.random.default_rng(23).dirichlet(np.ones(5), size=150 * n)
    W = W[(np.diff(W, axis=1) <= 0).all(axis=1)][:n]
    assert W.shape[0] == n
    r = _rank_columns(X @ W.T)
    rej = np.stack([(r == k + 1).mean(axis=1) for k in range(4)], axis=1)
    se = np.sqrt(rej * (1 - rej) / n)
    assert (np.abs(hr.acceptability - rej) <= 4 * np.sqrt(3) * se + 1e-12).all()
    vertices = np.array([[1 / j] * j + [0] * (5 - j) for j in range(1, 6)])
    w_se = hr.weight_std / math.sqrt(n / 3)
    assert (np.abs(hr.weight_mean - vertices.mean(axis=0)) <= 4 * w_se).all()


def test_matches_direct_per_draw_ranking() -> None:
    """The documented design (Dirichlet draws) ranked one draw at a time."""
    X = np.random.default_rng(5).random((6, 4))
    X[3] = X[1]  # identical rows tie in every draw
    n = 3000
    res = smaa(X, n=n, rng=99)
    W = np.random.default_rng(99).dirichlet(np.ones(4), size=n)
    counts = np.zeros((6, 6))
    sums = np.zeros((6, 4))
    for w in W:
        r = _ranks(X @ w)
        counts[np.arange(6), r - 1] += 1
        sums[r == 1] += w
    assert_array_equal(res.acceptability, counts / n)
    with np.errstate(invalid="ignore"):
        assert_allclose(res.central_weights, sums / counts[:, :1], rtol=1e-12)
    assert_array_equal(res.acceptability[1], res.acceptability[3])
    assert_allclose(res.weight_mean, W.mean(axis=0), rtol=1e-12)


def test_identical_rows_share_ranks() -> None:
    X = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    res = smaa(X, n=50_000, rng=0)
    assert_array_equal(res.acceptability[0], res.acceptability[1])
    assert res.acceptability[0, 2] == 0.0  # never third: they tie for first or 2nd
    assert_allclose(res.acceptability.sum(axis=1), 1.0)
    assert_within_mc(res.acceptability[2], np.array([0.5, 0.0, 0.5]), 50_000)


# -- outputs ---------------------------------------------------------------------------
def test_confidence_and_holistic() -> None:
    X = np.random.default_rng(8).random((5, 3))
    X[4] = X[0] - 0.01  # dominated: never first
    res = smaa(X, n=20_000, rng=1)
    never = res.first_rank == 0
    assert never[4]
    assert np.isnan(res.confidence[never]).all()
    assert np.isnan(res.central_weights[never]).all()
    # the set of weights making u best is convex, so its centroid makes u best
    assert_array_equal(res.confidence[~never], 1.0)
    assert_allclose(res.holistic, res.acceptability @ [1, 0.75, 0.5, 0.25, 0])
    assert_allclose(res.expected_rank, res.acceptability @ np.arange(1, 6))


@pytest.mark.parametrize(
    ("name", "alpha"),
    [
        ("linear", [1, 2 / 3, 1 / 3, 0]),
        ("inverse", [1, 1 / 2, 1 / 3, 1 / 4]),
        ("centroid", np.array([25 / 12, 13 / 12, 7 / 12, 1 / 4]) / (25 / 12)),
        ([1, 0.5, 0.5, 0], [1, 0.5, 0.5, 0]),
    ],
)
def test_meta_weights(name: str | Sequence[float], alpha: Sequence[float]) -> None:
    X = np.random.default_rng(2).random((4, 2))
    res = smaa(X, n=1000, meta_weights=name, rng=0)  # type: ignore[arg-type]
    assert_allclose(res.meta_weight_values, alpha)
    assert_allclose(res.holistic, res.acceptability @ np.asarray(alpha))
    assert res.meta_weights == (name if isinstance(name, str) else "custom")


def test_weight_summary_and_record() -> None:
    X = np.random.default_rng(2).random((3, 4))
    res = smaa(X, n=5000, labels=["a", "b", "c"], rng=4)
    assert isinstance(res, SMAAResult)
    assert res.labels == ("a", "b", "c")
    assert (res.weight_min >= 0).all()
    assert (res.weight_max <= 1).all()
    assert_allclose(res.weight_mean, 0.25, atol=0.02)
    assert_allclose(res.weight_std, math.sqrt(3 / 80), atol=0.01)  # Dirichlet(1^4)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        res.n = 3  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        res.acceptability[0, 0] = 1.0
    d = res.to_dict()
    assert d["labels"] == ["a", "b", "c"]
    assert d["sampler"] == "dirichlet"
    json.dumps(d)
    assert pickle.loads(pickle.dumps(res)) == res


def test_single_criterion_and_single_unit() -> None:
    res = smaa([[0.3], [0.7], [0.7]], n=100, rng=0)
    assert_array_equal(res.acceptability, [[0, 0, 1], [1, 0, 0], [1, 0, 0]])
    res1 = smaa([[0.3, 0.2]], n=100, rng=0)
    assert_array_equal(res1.acceptability, [[1.0]])
    assert_array_equal(res1.holistic, [1.0])


# -- reproducibility -------------------------------------------------------------------
@pytest.mark.parametrize("constrained", [False, True])
def test_same_rng_same_bytes(constrained: bool) -> None:
    X = np.random.default_rng(1).random((5, 3))
    cons = order_constraints([2, 0]) if constrained else None
    kw = {"n": 3000, "constraints": cons, "burn_in": 50}
    a = smaa(X, rng=42, **kw)  # type: ignore[arg-type]
    b = smaa(X, rng=np.random.default_rng(42), **kw)  # type: ignore[arg-type]
    c = smaa(X, rng=43, **kw)  # type: ignore[arg-type]
    for name in ("acceptability", "central_weights", "holistic", "weight_mean"):
        assert_array_equal(getattr(a, name), getattr(b, name))
    assert a == b
    assert not np.array_equal(a.weight_mean, c.weight_mean)
    W1 = sample_weights(3, n=500, constraints=cons, rng=7)
    W2 = sample_weights(3, n=500, constraints=cons, rng=7)
    assert W1.tobytes() == W2.tobytes()
    gen = np.random.default_rng(0)
    first = sample_weights(3, n=10, constraints=cons, rng=gen)
    second = sample_weights(3, n=10, constraints=cons, rng=gen)  # advanced
    assert not np.array_equal(first, second)


@pytest.mark.parametrize("constrained", [False, True])
def test_chunk_size_does_not_change_numbers(constrained: bool) -> None:
    X = np.random.default_rng(3).random((7, 4))
    X[5] = X[2]
    cons = order_constraints([0, 3, 1]) if constrained else None
    kw = {"n": 2500, "constraints": cons, "burn_in": 20, "thin": 2, "rng": 5}
    ref = smaa(X, **kw)  # type: ignore[arg-type]
    for chunk in (1, 7, 64, 999, 2500, 10_000):
        got = smaa(X, chunk_size=chunk, **kw)  # type: ignore[arg-type]
        assert got == ref, chunk
        for name in ("acceptability", "central_weights", "confidence", "holistic"):
            assert getattr(got, name).tobytes() == getattr(ref, name).tobytes()


# -- constraints and errors ------------------------------------------------------------
def test_order_constraints() -> None:
    A, b = order_constraints([2, 0, 1], n_criteria=4)
    assert_array_equal(A, [[1, 0, -1, 0], [-1, 1, 0, 0]])
    assert_array_equal(b, [0, 0])
    with pytest.raises(ParameterValueError, match="'order' must be free of repeats"):
        order_constraints([0, 1, 0])
    with pytest.raises(ParameterValueError, match="'order' must be criterion indices"):
        order_constraints([0, 4], n_criteria=3)
    with pytest.raises(ParameterValueError, match="'order' must be non-empty"):
        order_constraints([])
    with pytest.raises(ParameterTypeError, match=r"'order\[1\]' must be an integer"):
        order_constraints([0, 1.5])  # type: ignore[list-item]


def test_nan_is_rejected_naming_unit_and_column() -> None:
    X = [[0.1, 0.2, 0.3], [0.4, 0.5, math.nan]]
    with pytest.raises(
        ParameterValueError, match=r"smaa\(\): 'X\[1, 2\]' must be a finite number"
    ) as info:
        smaa(X, labels=["PE-1", "PE-2"], rng=0)
    assert "Unit 'PE-2' (row 1) has no value for criterion 2" in str(info.value)
    with pytest.raises(ParameterValueError, match=r"'X\[0, 0\]' must be a finite"):
        smaa([[math.inf, 1.0]], rng=0)


def test_infeasible_constraints() -> None:
    X = [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]
    A = np.array([[1.0, 0.0, 0.0]])  # w0 <= -0.1: impossible
    with pytest.raises(ParameterValueError, match="'constraints' must be satisfiable"):
        smaa(X, constraints=(A, [-0.1]), rng=0)
    with pytest.raises(ParameterValueError, match="'constraints' must be satisfiable"):
        sample_weights(3, constraints=([1.0, 1.0, 1.0], [0.5]), rng=0)


def test_constraints_without_interior() -> None:
    A = np.array([[1.0, -1.0, 0.0], [-1.0, 1.0, 0.0]])  # w0 == w1
    with pytest.raises(ParameterValueError, match="region of weights with an interior"):
        smaa([[0.1, 0.2, 0.3]], constraints=(A, [0.0, 0.0]), rng=0)


def test_constant_rows_in_constraints_are_harmless() -> None:
    # sum(w) <= 1 always holds with equality on the simplex; it must not
    # freeze the walk
    A = np.array([[1.0, 1.0, 1.0], [-1.0, 1.0, 0.0]])
    W = sample_weights(3, n=20_000, constraints=(A, [1.0, 0.0]), rng=1)
    # w1 <= w0 halves the simplex; its centroid is (1/2, 1/6, 1/3)
    assert_allclose(W.mean(axis=0), [1 / 2, 1 / 6, 1 / 3], atol=0.01)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n": 0}, ParameterValueError, "'n' must be an integer >= 1"),
        ({"n": 2.5}, ParameterTypeError, "'n' must be an integer >= 1"),
        ({"thin": 0}, ParameterValueError, "'thin' must be an integer >= 1"),
        ({"chunk_size": 0}, ParameterValueError, "'chunk_size' must be an integer"),
        ({"meta_weights": "nope"}, ParameterValueError, "'meta_weights' must be one"),
        ({"meta_weights": [1, 2]}, ParameterValueError, "'meta_weights' must be 2"),
        ({"constraints": ([[1.0]], [0.0])}, ParameterValueError, "A of shape"),
        ({"constraints": "A<=b"}, ParameterTypeError, "'constraints' must be a pair"),
        ({"labels": ["a"]}, ParameterValueError, "'labels' must be a sequence of 2"),
        ({"labels": ["a", "a"]}, ParameterValueError, "'labels' must be unique"),
    ],
)
def test_parameter_errors(kwargs: dict[str, object], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        smaa([[0.1, 0.2], [0.3, 0.1]], rng=0, **kwargs)  # type: ignore[arg-type]


def test_non_numeric_x() -> None:
    with pytest.raises(ParameterTypeError, match="'X' must be a numeric array"):
        smaa([["a", "b"]], rng=0)
    with pytest.raises(ParameterValueError, match="'X' must be a 2-D array"):
        smaa([0.1, 0.2], rng=0)
