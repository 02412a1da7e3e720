"""The aggregation kernel: exact, overflow-safe, the same on every path."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal

from kampala import ParameterValueError
from kampala.composite.kernel import (
    METHODS,
    coverage,
    weighted_mean,
    weighted_sum,
    zero_limit,
)

POWERS = (-200.0, -1.0, 0.0, 0.5, 1.0, 2.0, 200.0)
#: every method, with the exponents of the generalised mean spelt out
CASES: list[tuple[str, dict[str, float]]] = [
    ("arithmetic", {}),
    ("geometric", {}),
    ("harmonic", {}),
    *(("generalised-mean", {"p": p}) for p in POWERS),
    ("minimum", {}),
    ("mazziotta-pareto", {"penalty": -1.0}),
    ("mazziotta-pareto", {"penalty": 1.0}),
    ("copeland", {}),
]
QUASI_CASES = [c for c in CASES if c[0] not in ("mazziotta-pareto", "copeland")]
RTOL = 1e-12
LD = np.longdouble


# ---------------------------------------------------------------------------
# an independent reference: one unit at a time, extended precision
# ---------------------------------------------------------------------------
def reference(
    x: np.ndarray, w: np.ndarray, method: str, p: float = 1.0, penalty: float = -1.0
) -> float:
    """The mean of one row, straight from (A0)-(A6), in long double."""
    keep = ~np.isnan(x)
    xs, ws = x[keep].astype(LD), w[keep].astype(LD)
    total = ws.sum()
    if not total > 0:
        return math.nan
    ws = ws / total
    on = ws > 0
    if method == "generalised-mean" and p == 0:
        method = "geometric"
    if method == "arithmetic" or (method == "generalised-mean" and p == 1):
        return float(math.fsum(float(v) for v in ws * xs))
    if method == "minimum":
        return float(xs[on].min())
    if method == "mazziotta-pareto":
        m = (ws * xs).sum()
        var = (ws * (xs - m) ** 2).sum()
        return float(m + LD(penalty) * var / m)
    if zero_limit(method, p) and bool(((xs == 0) & on).any()):
        return 0.0
    xs, ws = xs[on], ws[on]
    if method == "geometric":
        return float(np.exp((ws * np.log(xs)).sum()))
    if method == "harmonic":
        return float(1 / (ws / xs).sum())
    # long double reaches 1e4932: x**p is finite for these tests without scaling
    q = LD(p)
    return float((ws * xs**q).sum() ** (1 / q))


def reference_copeland(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    n = x.shape[0]
    out = np.zeros(n)
    for a, b in itertools.product(range(n), repeat=2):
        both = ~np.isnan(x[a]) & ~np.isnan(x[b])
        win = w[both & (x[a] > x[b])].sum()
        lose = w[both & (x[a] < x[b])].sum()
        out[a] += np.sign(win - lose)
    out[np.isnan(x).all(axis=1)] = np.nan
    return out


def reference_matrix(x: np.ndarray, w: np.ndarray, method: str, **kw: Any) -> Any:
    if method == "copeland":
        return reference_copeland(x, w)
    return np.array([reference(row, w, method, **kw) for row in x])


# ---------------------------------------------------------------------------
# strategies: small data with zeros and missing values
# ---------------------------------------------------------------------------
values = st.one_of(
    st.just(0.0),
    st.floats(0.1, 100.0, allow_nan=False, allow_infinity=False),
    st.floats(10.0, 99.0, allow_nan=False, allow_infinity=False),
)


@st.composite
def data(
    draw: st.DrawFn, *, zeros: bool = True, missing: bool = True, samples: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Values (n_units, k) and weights (k,) or (samples, k) with a positive sum."""
    n = draw(st.integers(2, 6))
    k = draw(st.integers(1, 5))
    elements = values if zeros else st.floats(0.1, 100.0)
    x = draw(arrays(np.float64, (n, k), elements=elements))
    if missing:
        x[draw(arrays(np.bool_, (n, k)))] = np.nan
    weight = st.one_of(st.just(0.0), st.floats(0.01, 10.0))
    shape = (samples, k) if samples else (k,)
    w = draw(arrays(np.float64, shape, elements=weight))
    w2 = w.reshape(-1, k)
    w2[w2.sum(axis=1) == 0, 0] = 1.0
    return x, w


def params(case: tuple[str, dict[str, float]]) -> dict[str, Any]:
    return {"method": case[0], **case[1]}


# ---------------------------------------------------------------------------
# against the reference
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES, ids=str)
@given(d=data())
def test_kernel_equals_the_extended_precision_reference(
    case: tuple[str, dict[str, float]], d: tuple[np.ndarray, np.ndarray]
) -> None:
    x, w = d
    kw = params(case)
    if case[0] == "mazziotta-pareto":
        x = np.where(x == 0, 1.0, x)  # a positive mean
    got = weighted_mean(x, w, **kw)
    expected = reference_matrix(x, w, **kw)
    assert_allclose(got, expected, rtol=RTOL, atol=1e-12)


def test_hand_computed_power_means() -> None:
    x = np.array([[1.0, 4.0, 16.0]])
    w = np.array([0.25, 0.25, 0.5])
    got = [weighted_mean(x, w, "generalised-mean", p=p)[0] for p in (-1, 0, 0.5, 2)]
    harmonic = 1 / (0.25 + 0.25 / 4 + 0.5 / 16)
    geometric = 4.0**0.25 * 16.0**0.5
    root = (0.25 + 0.25 * 2 + 0.5 * 4) ** 2
    square = math.sqrt(0.25 + 0.25 * 16 + 0.5 * 256)
    assert_allclose(got, [harmonic, geometric, root, square], rtol=1e-15)


@pytest.mark.parametrize("p", [-1e4, -200.0, 200.0, 1e4])
def test_extreme_exponents_are_finite_and_tend_to_the_extreme_child(p: float) -> None:
    # the reviewer's case: 4 units x 3 indicators in [10, 99]
    x = np.random.default_rng(0).uniform(10, 99, size=(4, 3))
    w = np.array([1.0, 2.0, 1.0]) / 4
    got = weighted_mean(x, w, "generalised-mean", p=p)
    assert np.isfinite(got).all()
    extreme = x.max(axis=1) if p > 0 else x.min(axis=1)
    share = np.array([w[np.argmax(r == e)] for r, e in zip(x, extreme, strict=True)])
    # the extreme term dominates: M_p = extreme * share**(1/p) up to 1 + tiny
    assert_allclose(
        got, extreme * share ** (1 / p), rtol=1e-3 if abs(p) < 1e3 else 1e-12
    )
    if abs(p) == 200:
        assert_allclose(got, reference_matrix(x, w, "generalised-mean", p=p), rtol=RTOL)


@pytest.mark.parametrize("p", [-200.0, -3.0, 3.0, 200.0])
def test_values_across_600_orders_of_magnitude(p: float) -> None:
    x = np.array(
        [[1e-300, 1e300, 1.0], [1e300, 1e300, 1e300], [1e-300, 1e-300, 2e-300]]
    )
    w = np.array([1.0, 1.0, 2.0])
    got = weighted_mean(x, w, "generalised-mean", p=p)
    assert np.isfinite(got).all()
    assert_allclose(got[1], 1e300, rtol=1e-14)
    if p > 0:
        assert_allclose(got[0], 1e300 * 0.25 ** (1 / p), rtol=1e-13)
    else:
        assert_allclose(got[0], 1e-300 * 0.25 ** (1 / p), rtol=1e-13)
    assert_allclose(got[2], reference(x[2] * 1e300, w, "generalised-mean", p) * 1e-300)


def test_zero_weight_child_does_not_set_the_scale() -> None:
    # the largest child has weight 0: (10 / 1e6)**200 would underflow to 0
    x = np.array([[10.0, 1e6]])
    assert_allclose(
        weighted_mean(x, np.array([1.0, 0.0]), "generalised-mean", p=200.0), [10.0]
    )
    w = np.array([[1.0, 0.0], [1.0, 1.0]])
    got = weighted_mean(x, w, "generalised-mean", p=200.0)
    assert_allclose(got[:, 0], [10.0, 1e6 * 0.5**0.005], rtol=1e-14)


@pytest.mark.parametrize("method", ["geometric", "harmonic"])
def test_zero_child_gives_the_limit(method: str) -> None:
    x = np.array([[0.0, 50.0], [0.0, 50.0]])
    assert_array_equal(weighted_mean(x, np.array([1.0, 1.0]), method), [0.0, 0.0])
    # without weight, a zero takes no part
    assert_allclose(weighted_mean(x, np.array([0.0, 1.0]), method), [50.0, 50.0])
    assert_array_equal(
        weighted_mean(x, np.array([1.0, 1.0]), "generalised-mean", p=-2.0), [0, 0]
    )


# ---------------------------------------------------------------------------
# missing values and thresholds (A0)
# ---------------------------------------------------------------------------
def test_missing_children_are_skipped_and_thresholds_apply() -> None:
    x = np.array([[40.0, 80.0, np.nan], [np.nan, np.nan, np.nan], [10.0, np.nan, 30.0]])
    w = np.array([1.0, 3.0, 1.0])
    assert_allclose(weighted_mean(x, w), [70.0, np.nan, 20.0])
    assert_allclose(weighted_mean(x, w, min_data=0.5), [70.0, np.nan, 20.0])
    assert_allclose(weighted_mean(x, w, min_data=0.7), [np.nan, np.nan, np.nan])
    assert_allclose(weighted_mean(x, w, min_coverage=0.5), [70.0, np.nan, np.nan])
    assert_allclose(coverage(x, w), [0.8, 0.0, 0.4])
    # complete rows cover their weight exactly: min_coverage=1 keeps them
    full = np.array([[0.1, 0.2, 0.7], [1.0, np.nan, 1.0]])
    wf = np.array([0.1, 0.2, 0.7])
    assert_allclose(weighted_mean(full, wf, min_coverage=1.0), [0.54, np.nan])


# ---------------------------------------------------------------------------
# every path gives the same numbers
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES, ids=str)
@given(d=data(samples=3))
def test_weight_samples_equal_one_vector_at_a_time(
    case: tuple[str, dict[str, float]], d: tuple[np.ndarray, np.ndarray]
) -> None:
    x, w = d
    kw = params(case)
    if case[0] == "mazziotta-pareto":
        x = np.where(x == 0, 1.0, x)
    block = weighted_mean(x, w, **kw)
    assert block.shape == (w.shape[0], x.shape[0])
    rows = np.array([weighted_mean(x, ws, **kw) for ws in w])
    assert_allclose(block, rows, rtol=RTOL, atol=1e-12)
    # children given one column per sample (as lower aggregates are)
    cols = [np.repeat(x[None, :, j], w.shape[0], axis=0) for j in range(x.shape[1])]
    assert_allclose(weighted_mean(cols, w, **kw), rows, rtol=RTOL, atol=1e-12)
    mixed = [c if j % 2 else x[:, j] for j, c in enumerate(cols)]
    assert_allclose(weighted_mean(mixed, w, **kw), rows, rtol=RTOL, atol=1e-12)
    assert_allclose(
        weighted_mean(np.stack(cols, axis=2), w, **kw), rows, rtol=RTOL, atol=1e-12
    )


@pytest.mark.parametrize("case", CASES, ids=str)
@given(d=data(), split=st.integers(1, 4), interleave=st.booleans())
def test_groups_equal_one_mean_at_a_time(
    case: tuple[str, dict[str, float]],
    d: tuple[np.ndarray, np.ndarray],
    split: int,
    interleave: bool,
) -> None:
    x, w = d
    kw = params(case)
    if case[0] == "mazziotta-pareto":
        x = np.where(x == 0, 1.0, x)
    k = x.shape[1]
    if interleave:
        groups = [list(range(k))[i::split] for i in range(min(split, k))]
    else:  # consecutive ranges, of equal or unequal sizes
        groups = [g.tolist() for g in np.array_split(np.arange(k), min(split, k))]
    got = weighted_mean(x, w, **kw, groups=groups)
    for g, cols in enumerate(groups):
        alone = weighted_mean(x[:, cols], w[cols], **kw)
        assert_allclose(got[:, g], alone, rtol=RTOL, atol=1e-12)


def test_block_composition_never_changes_the_bits() -> None:
    rng = np.random.default_rng(5)
    x = rng.uniform(0, 100, size=(40, 6))
    x[rng.random(x.shape) < 0.1] = np.nan
    x[rng.random(x.shape) < 0.05] = 0.0
    w = rng.uniform(0.1, 1.0, size=(300, 6))
    w[rng.random(w.shape) < 0.1] = 0.0
    for method, kw in CASES:
        ref = weighted_mean(x, w, method, **kw)
        for size in (1, 7, 256, 299):
            parts = [
                weighted_mean(x, w[a : a + size], method, **kw)
                for a in range(0, w.shape[0], size)
            ]
            assert_array_equal(np.vstack(parts), ref, err_msg=f"{method} {kw} {size}")


def test_large_blocks_of_units_equal_small_ones() -> None:
    rng = np.random.default_rng(2)
    x = rng.uniform(1, 100, size=(70_000, 4))
    x[rng.random(x.shape) < 0.05] = np.nan
    w = np.array([1.0, 2.0, 3.0, 4.0])
    for method, kw in QUASI_CASES:
        whole = weighted_mean(x, w, method, **kw)
        head = weighted_mean(x[:100], w, method, **kw)
        assert_allclose(whole[:100], head, rtol=RTOL, err_msg=f"{method} {kw}")


# ---------------------------------------------------------------------------
# properties of means
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("case", QUASI_CASES, ids=str)
@given(d=data(missing=True))
def test_mean_lies_between_the_smallest_and_largest_child(
    case: tuple[str, dict[str, float]], d: tuple[np.ndarray, np.ndarray]
) -> None:
    x, w = d
    got = weighted_mean(x, w, **params(case))
    on = [r[(w > 0) & ~np.isnan(r)] for r in x]
    lo = np.array([r.min() if r.size else np.nan for r in on])
    hi = np.array([r.max() if r.size else np.nan for r in on])
    ok = ~np.isnan(got)
    assert_array_equal(ok, ~np.isnan(lo))
    tol = 1e-12 * np.maximum(1.0, np.abs(hi[ok]))
    assert (got[ok] >= lo[ok] - tol).all()
    assert (got[ok] <= hi[ok] + tol).all()


@given(d=data(zeros=False, missing=True))
def test_power_mean_inequality(d: tuple[np.ndarray, np.ndarray]) -> None:
    x, w = d
    means = [weighted_mean(x, w, "generalised-mean", p=p) for p in POWERS]
    means.insert(0, weighted_mean(x, w, "minimum"))
    for lower, upper in itertools.pairwise(means):
        ok = ~np.isnan(lower)
        assert (lower[ok] <= upper[ok] * (1 + 1e-12)).all()


@pytest.mark.parametrize("case", CASES[:-1], ids=str)
@given(d=data(), c=st.floats(1e-3, 1e3))
def test_homogeneity(
    case: tuple[str, dict[str, float]], d: tuple[np.ndarray, np.ndarray], c: float
) -> None:
    x, w = d
    kw = params(case)
    if case[0] == "mazziotta-pareto":
        x = np.where(x == 0, 1.0, x)
    assert_allclose(
        weighted_mean(c * x, w, **kw), c * weighted_mean(x, w, **kw), rtol=1e-12
    )


def test_weighted_sum_is_bitwise_stable_across_blocks() -> None:
    rng = np.random.default_rng(9)
    x = rng.random((30, 5))
    x[7] = x[3]  # identical rows tie exactly
    w = rng.dirichlet(np.ones(5), size=20)
    block = weighted_sum(x, w)
    for s in range(20):
        assert_array_equal(weighted_sum(x, w[s]), block[s])
        assert_array_equal(weighted_sum(x, w[s : s + 1])[0], block[s])
    assert (block[:, 7] == block[:, 3]).all()
    assert_allclose(block, w @ x.T, rtol=1e-14)


def test_methods_listed() -> None:
    assert set(METHODS) >= {"arithmetic", "copeland", "mazziotta-pareto"}
    with pytest.raises(ParameterValueError, match="'groups' must be None"):
        weighted_mean(np.ones((2, 2)), np.ones((3, 2)), groups=[[0], [1]])
