"""Exact robustness margins against linear programmes and dense grid searches."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
import scipy.stats
from numpy.testing import assert_allclose, assert_array_equal
from scipy import optimize

from kampala.errors import ParameterTypeError, ParameterValueError
from kampala.sensitivity import (
    MarginResult,
    TopKMarginResult,
    rank_margins,
    stability_intervals,
    topk_margins,
)

STEP = 0.002  # grid resolution of the simplex for m = 3
# From a point of the simplex the nearest grid point is within 4/3 STEP (L1);
# reaching the far side of a boundary can take one more grid move (2 STEP).
GRID_SLACK = 4 * STEP


@pytest.fixture(scope="module")
def grid() -> np.ndarray:
    K = round(1 / STEP)
    i, j = np.meshgrid(np.arange(K + 1), np.arange(K + 1), indexing="ij")
    keep = i + j <= K
    i, j = i[keep], j[keep]
    return np.stack([i, j, K - i - j], axis=1) / K


def cases(count: int, n_units: int, m: int = 3) -> list[tuple[np.ndarray, np.ndarray]]:
    out = []
    for seed in range(count):
        gen = np.random.default_rng(1000 + seed)
        out.append((gen.random((n_units, m)), gen.dirichlet(np.ones(m))))
    return out


def ranks(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    return scipy.stats.rankdata(-(X @ w), method="min").astype(int)


def rank_columns(S: np.ndarray) -> np.ndarray:
    """Competition ranks of every column of S (n_units, n_points)."""
    return 1 + (S[None, :, :] > S[:, None, :]).sum(axis=1)


# -- rank margins ----------------------------------------------------------------------
def lp_pair(d: np.ndarray, w0: np.ndarray) -> float:
    """min ||w - w0||_1 over the simplex with d . w = 0, by linprog."""
    m = d.size
    eye = np.eye(m)
    res = optimize.linprog(
        np.concatenate([np.zeros(m), np.ones(m)]),
        A_ub=np.block([[eye, -eye], [-eye, -eye]]),
        b_ub=np.concatenate([w0, -w0]),
        A_eq=np.vstack(
            [
                np.concatenate([np.ones(m), np.zeros(m)]),
                np.concatenate([d, np.zeros(m)]),
            ]
        ),
        b_eq=[1.0, 0.0],
        bounds=[(0, 1)] * m + [(0, None)] * m,
        method="highs",
    )
    return float(res.fun) if res.status == 0 else math.inf


@pytest.mark.parametrize("m", [2, 3, 5])
def test_rank_margins_match_linear_programme(m: int) -> None:
    for X, w0 in cases(4, 7, m):
        res = rank_margins(X, w0)
        for u, v in itertools.combinations(range(7), 2):
            expected = lp_pair(X[u] - X[v], w0)
            got = res.pairwise[u, v]
            if math.isinf(expected):
                assert math.isinf(got)
            else:
                assert got == pytest.approx(expected, abs=1e-9)
        assert_array_equal(res.pairwise, res.pairwise.T)


@pytest.mark.parametrize(("X", "w0"), cases(6, 5))
def test_rank_margins_match_grid_search(
    grid: np.ndarray, X: np.ndarray, w0: np.ndarray
) -> None:
    res = rank_margins(X, w0)
    S = X @ grid.T  # (n_units, n_grid)
    dist = np.abs(grid - w0).sum(axis=1)
    r_grid = 1 + (S[None, :, :] > S[:, None, :]).sum(axis=1)
    for u in range(5):
        sign0 = np.sign((X[u] - X) @ w0)
        changed = (np.sign(S[u] - S) != sign0[:, None]).any(axis=0)
        rank_changed = r_grid[u] != res.ranks[u]
        for region in (changed, rank_changed):  # the same for data like these
            if not region.any():
                assert math.isinf(res.margin[u])
                continue
            nearest = dist[region].min()
            assert res.margin[u] <= nearest + 1e-12  # an infimum: never above
            assert nearest <= res.margin[u] + GRID_SLACK


def test_boundary_weights_attain_the_margin() -> None:
    for X, w0 in cases(5, 6, 4):
        res = rank_margins(X, w0)
        for u in range(6):
            v = res.rival_index[u]
            if v < 0:
                assert np.isnan(res.boundary_weights[u]).all()
                continue
            w = res.boundary_weights[u]
            assert (w >= -1e-15).all()
            assert w.sum() == pytest.approx(1.0)
            assert (X[u] - X[v]) @ w == pytest.approx(0.0, abs=1e-12)
            assert np.abs(w - res.weights).sum() == pytest.approx(res.margin[u])
            assert res.rival[u] == res.labels[v]
            assert res.margin[u] == res.pairwise[u].min()


def test_rank_margins_degenerate_cases() -> None:
    X = np.array(
        [
            [0.5, 0.5, 0.5],  # A
            [0.5, 0.5, 0.5],  # B identical to A: tied everywhere
            [1.0, 0.0, 0.5],  # C tied with A at w0, separable
            [-0.1, -0.1, 0.0],  # D strictly dominated by everyone
        ]
    )
    res = rank_margins(X, [1, 1, 2], labels=list("ABCD"))
    assert_array_equal(res.weights, [0.25, 0.25, 0.5])
    assert_array_equal(res.ranks, [1, 1, 1, 4])
    assert math.isinf(res.pairwise[0, 1])
    assert res.pairwise[0, 2] == 0.0
    assert res.pairwise[1, 2] == 0.0
    assert (np.isinf(res.pairwise[3])).all()
    assert_array_equal(res.margin, [0.0, 0.0, 0.0, math.inf])
    assert res.rival == ("C", "C", "A", None)
    assert_array_equal(res.boundary_weights[0], res.weights)
    assert_array_equal(res.rival_index, [2, 2, 0, -1])
    # a single unit never changes order
    one = rank_margins([[0.2, 0.4]], [0.5, 0.5])
    assert math.isinf(one.margin[0])
    assert one.rival == (None,)


def test_rank_margin_result_record() -> None:
    res = rank_margins([[0.9, 0.3], [0.5, 0.6]], [3, 1], labels=["a", "b"])
    assert isinstance(res, MarginResult)
    assert_array_equal(res.weights, [0.75, 0.25])
    d = res.to_dict()
    assert d["labels"] == ["a", "b"]
    assert d["rival"] == ["b", "a"]
    json.dumps(d)
    with pytest.raises(ValueError, match="read-only"):
        res.margin[0] = 0.0
    assert rank_margins([[0.9, 0.3], [0.5, 0.6]], [3, 1], labels=["a", "b"]) == res


# -- top-k margins ---------------------------------------------------------------------
@pytest.mark.parametrize("k", [1, 2, 3])
@pytest.mark.parametrize(("X", "w0"), cases(4, 5))
def test_topk_margins_match_grid_search(
    grid: np.ndarray, X: np.ndarray, w0: np.ndarray, k: int
) -> None:
    res = topk_margins(X, w0, k)
    assert_array_equal(res.in_top, res.ranks <= k)
    S = X @ grid.T
    above = (S[None, :, :] > S[:, None, :]).sum(axis=1)  # strictly above, per unit
    dist = np.abs(grid - w0).sum(axis=1)
    for u in range(5):
        region = above[u] >= k if res.in_top[u] else above[u] <= k - 1
        if not region.any():
            assert math.isinf(res.margin[u])
            continue
        nearest = dist[region].min()
        assert res.margin[u] <= nearest + 1e-9
        assert nearest <= res.margin[u] + GRID_SLACK


def lp_set(rows: np.ndarray, w0: np.ndarray, strict: bool) -> float:
    """min ||w - w0||_1 with rows @ w >= 0; inf if infeasible or, when
    ``strict``, if rows @ w > 0 has no solution on the simplex."""
    m = w0.size
    if strict:
        chk = optimize.linprog(
            np.concatenate([np.zeros(m), [-1.0]]),
            A_ub=np.hstack([-rows, np.ones((len(rows), 1))]),
            b_ub=np.zeros(len(rows)),
            A_eq=[np.concatenate([np.ones(m), [0.0]])],
            b_eq=[1.0],
            bounds=[(0, 1)] * m + [(None, 1)],
            method="highs",
        )
        if chk.status != 0 or -chk.fun <= 1e-9:
            return math.inf
    eye = np.eye(m)
    A_ub = np.block([[eye, -eye], [-eye, -eye]])
    A_ub = np.vstack([A_ub, np.hstack([-rows, np.zeros((len(rows), m))])])
    res = optimize.linprog(
        np.concatenate([np.zeros(m), np.ones(m)]),
        A_ub=A_ub,
        b_ub=np.concatenate([w0, -w0, np.zeros(len(rows))]),
        A_eq=[np.concatenate([np.ones(m), np.zeros(m)])],
        b_eq=[1.0],
        bounds=[(0, 1)] * m + [(0, None)] * m,
        method="highs",
    )
    return float(res.fun) if res.status == 0 else math.inf


def rubric_cases(
    count: int, n_units: int, m: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Scores on a 0-4 rubric scale and equal weights: ties everywhere."""
    gen = np.random.default_rng(77)
    return [
        (gen.integers(0, 5, (n_units, m)) / 4, np.full(m, 1 / m)) for _ in range(count)
    ]


@pytest.mark.parametrize("k", [1, 2, 4])
def test_topk_margins_match_subset_enumeration(k: int) -> None:
    """Every set of units that could push a unit out (or let it in), by LP."""
    n = 6
    for X, w0 in cases(2, n, 4) + rubric_cases(2, n, 3):
        res = topk_margins(X, w0, k)
        for u in range(n):
            others = [v for v in range(n) if v != u]
            e = X[others] - X[u]
            if res.in_top[u]:
                size, sign, strict = k, 1.0, True
            else:
                size, sign, strict = n - k, -1.0, False
            best = min(
                (
                    lp_set(sign * e[list(sub)], w0, strict)
                    for sub in itertools.combinations(range(n - 1), size)
                ),
                default=math.inf,
            )
            if math.isinf(best):
                assert math.isinf(res.margin[u])
            else:
                assert res.margin[u] == pytest.approx(best, abs=1e-8)


def test_topk_boundary_weights() -> None:
    for X, w0 in cases(3, 6, 3):
        res = topk_margins(X, w0, 2)
        for u in range(6):
            w = res.boundary_weights[u]
            if math.isinf(res.margin[u]):
                assert np.isnan(w).all()
                continue
            assert np.abs(w - res.weights).sum() == pytest.approx(res.margin[u])
            s = X @ w
            if res.in_top[u]:  # limit point: k units at or above u
                assert (s >= s[u] - 1e-9).sum() - 1 >= 2
            else:  # inside: at most k - 1 units strictly above
                assert (s > s[u] + 1e-9).sum() <= 1
            for name in res.crossing[u]:  # they newly tie or pass u
                v = res.labels.index(name)
                if res.in_top[u]:
                    assert s[v] >= s[u] - 1e-9
                else:
                    assert s[v] <= s[u] + 1e-9


def test_topk_strictness_is_exact() -> None:
    # B and C beat A on opposite criteria; they can each pass A, and both tie
    # it at w = (1/2, 1/2), but never both pass it: A can never leave the top 2
    # (a closure-only formulation would wrongly report 0.2).
    X = np.array([[0.5, 0.5], [1.0, 0.0], [0.0, 1.0]])
    res = topk_margins(X, [0.6, 0.4], 2, labels=["A", "B", "C"])
    assert_array_equal(res.ranks, [2, 1, 3])
    assert res.in_top.tolist() == [True, True, False]
    assert math.isinf(res.margin[0])
    assert res.crossing[0] == ()
    # C enters the top 2 once it ties A: w1 = 0.5, a move of 0.2
    assert res.margin[2] == pytest.approx(0.2)
    assert res.crossing[2] == ("A",)
    # with k = 1, B leaves once A ties it (strictly passing needs w0 < 1/2)
    res1 = topk_margins(X, [0.6, 0.4], 1, labels=["A", "B", "C"])
    assert res1.margin[1] == pytest.approx(0.2)


def test_topk_ties_and_identical_units() -> None:
    X = np.array([[0.5, 0.5], [0.5, 0.5], [0.2, 0.7]])
    res = topk_margins(X, [0.5, 0.5], 1)
    # A and B tie for first and never separate; C ties both at w = (0.4, 0.6)
    # and passes both beyond it
    assert_array_equal(res.ranks, [1, 1, 3])
    assert_allclose(res.margin, [0.2, 0.2, 0.2])
    assert res.crossing == (("2",), ("2",), ("0", "1"))
    all_in = topk_margins(X, [0.5, 0.5], 3)
    assert all_in.in_top.all()
    assert np.isinf(all_in.margin).all()
    res.to_dict()
    assert isinstance(res, TopKMarginResult)


# -- stability intervals ---------------------------------------------------------------
def path(w0: np.ndarray, k: int, t: float) -> np.ndarray:
    rest = w0.copy()
    rest[k] = 0.0
    rest = (
        rest / rest.sum()
        if rest.sum() > 0
        else np.where(np.arange(w0.size) == k, 0.0, 1.0 / (w0.size - 1))
    )
    out = (1 - t) * rest
    out[k] += t
    return out


@pytest.mark.parametrize(("X", "w0"), cases(5, 6, 4))
def test_stability_intervals_inside_and_outside(X: np.ndarray, w0: np.ndarray) -> None:
    nominal = ranks(X, w0)
    ts = np.linspace(0, 1, 4001)
    for k, (lo, hi) in enumerate(stability_intervals(X, w0)):
        assert 0 <= lo <= w0[k] <= hi <= 1
        for t in np.linspace(lo, hi, 9)[1:-1]:
            assert_array_equal(ranks(X, path(w0, k, t)), nominal)
        eps = 1e-7
        if lo > 0:
            assert not np.array_equal(ranks(X, path(w0, k, lo - eps)), nominal)
            assert_array_equal(ranks(X, path(w0, k, lo + eps)), nominal)
        else:
            assert_array_equal(ranks(X, path(w0, k, 0.0)), nominal)
        if hi < 1:
            assert not np.array_equal(ranks(X, path(w0, k, hi + eps)), nominal)
            assert_array_equal(ranks(X, path(w0, k, hi - eps)), nominal)
        else:
            assert_array_equal(ranks(X, path(w0, k, 1.0)), nominal)
        # a dense scan of the whole path: the ranking is nominal exactly inside
        W = np.stack([path(w0, k, t) for t in ts])
        same = (rank_columns(X @ W.T) == nominal[:, None]).all(axis=0)
        expected = ((ts > lo) & (ts < hi)) | ((ts == 0) & (lo == 0))
        expected |= (ts == 1) & (hi == 1)
        clear = (np.abs(ts - lo) > 1e-9) & (np.abs(ts - hi) > 1e-9)
        assert_array_equal(same[clear], expected[clear])


def test_stability_intervals_degenerate() -> None:
    X = np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.5], [0.2, 0.2, 0.2]])
    w0 = np.array([0.25, 0.25, 0.5])
    iv = stability_intervals(X, w0)
    # units 0 and 1 tie at w0; moving w0 or w1 separates them at once
    assert iv[0] == (0.25, 0.25)
    assert iv[1] == (0.25, 0.25)
    # moving w2 keeps them tied (both score 0.5 all along) and above unit 2
    assert iv[2] == (0.0, 1.0)
    # all weight on one criterion: the others share 1 - t equally
    X2 = np.array([[0.9, 0.1, 0.1], [0.5, 0.5, 0.9], [0.1, 0.2, 0.3]])
    (lo, hi), *_ = stability_intervals(X2, [1.0, 0.0, 0.0])
    assert hi == 1.0
    assert 0 < lo < 1
    nominal = ranks(X2, np.array([1.0, 0, 0]))
    assert_array_equal(ranks(X2, path(np.array([1.0, 0, 0]), 0, lo + 1e-9)), nominal)
    assert not np.array_equal(
        ranks(X2, path(np.array([1.0, 0, 0]), 0, lo - 1e-9)), nominal
    )
    # single criterion
    assert stability_intervals([[0.1], [0.3]], [2.0]) == [(1.0, 1.0)]


def test_stability_intervals_example_two_criteria() -> None:
    X = [[0.9, 0.3], [0.5, 0.6], [0.2, 0.2]]
    iv = stability_intervals(X, [0.5, 0.5])
    assert iv[0][0] == pytest.approx(3 / 7)
    assert iv[0][1] == 1.0
    assert iv[1][0] == 0.0
    assert iv[1][1] == pytest.approx(4 / 7)


# -- errors ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "call",
    [
        lambda X, w: rank_margins(X, w, labels=["p", "q"]),
        lambda X, w: topk_margins(X, w, 1, labels=["p", "q"]),
        lambda X, w: stability_intervals(X, w),
    ],
)
def test_input_errors(call) -> None:  # type: ignore[no-untyped-def]
    good = [[0.1, 0.2], [0.3, 0.4]]
    with pytest.raises(ParameterValueError, match=r"'X\[1, 0\]' must be a finite"):
        call([[0.1, 0.2], [math.nan, 0.4]], [0.5, 0.5])
    with pytest.raises(
        ParameterValueError, match="'w0' must be weights with a positive"
    ):
        call(good, [0.0, 0.0])
    with pytest.raises(ParameterValueError, match=r"'w0\[1\]' must be >= 0"):
        call(good, [1.0, -0.5])
    with pytest.raises(ParameterValueError, match="'w0' must be a 1-D array of 2"):
        call(good, [1.0, 1.0, 1.0])
    with pytest.raises(ParameterValueError, match=r"'w0\[0\]' must be finite"):
        call(good, [math.inf, 1.0])


def test_nan_message_names_the_unit() -> None:
    with pytest.raises(ParameterValueError) as info:
        rank_margins([[0.1, 0.2], [math.nan, 0.4]], [1, 1], labels=["PE-1", "PE-2"])
    assert str(info.value).startswith("rank_margins(): 'X[1, 0]' must be a finite")
    assert "Unit 'PE-2' (row 1) has no value for criterion 0" in str(info.value)


def test_k_errors() -> None:
    with pytest.raises(ParameterValueError, match="'k' must be an integer >= 1"):
        topk_margins([[0.1, 0.2]], [1, 1], 0)
    with pytest.raises(ParameterTypeError, match="'k' must be an integer >= 1"):
        topk_margins([[0.1, 0.2]], [1, 1], True)
