"""Local weight sensitivity: derivatives, elasticities, one at a time."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import scipy.stats
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal

from kampala.errors import (
    DegenerateIndicatorWarning,
    ParameterTypeError,
    ParameterValueError,
)
from kampala.sensitivity._local import (
    OneAtATime,
    WeightDerivatives,
    one_at_a_time,
    weight_derivatives,
)


def composite(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    return X @ w / w.sum()


def ranks(s: np.ndarray) -> np.ndarray:
    return scipy.stats.rankdata(-s, method="min").astype(int)


@pytest.mark.parametrize("seed", range(4))
def test_derivatives_match_finite_differences(seed: int) -> None:
    gen = np.random.default_rng(seed)
    X = gen.random((6, 5))
    w = gen.random(5) * 3  # relative weights, not summing to 1
    res = weight_derivatives(X, w)
    assert_allclose(res.scores, composite(X, w), rtol=1e-14)
    h = 1e-6
    for k in range(5):
        up, down = w.copy(), w.copy()
        up[k] += h
        down[k] -= h
        fd = (composite(X, up) - composite(X, down)) / (2 * h)
        assert_allclose(res.derivative[:, k], fd, rtol=1e-7, atol=1e-9)
        # elasticity: d log s / d log w_k
        upl, downl = w.copy(), w.copy()
        upl[k] *= math.exp(h)
        downl[k] *= math.exp(-h)
        fe = (np.log(composite(X, upl)) - np.log(composite(X, downl))) / (2 * h)
        assert_allclose(res.elasticity[:, k], fe, rtol=1e-6, atol=1e-9)


def test_weights_summing_to_one_give_x_minus_s() -> None:
    X = np.array([[0.8, 0.2, 0.5], [0.1, 0.4, 0.9]])
    w = np.array([0.2, 0.3, 0.5])
    d, e = weight_derivatives(X, w)
    s = X @ w
    assert_allclose(d, X - s[:, None])
    assert_allclose(e, (X - s[:, None]) * w / s[:, None])


@given(
    X=arrays(np.float64, (4, 3), elements=st.floats(0.01, 1.0)),
    w=arrays(np.float64, 3, elements=st.floats(0.0, 5.0)).filter(
        lambda a: a.sum() > 1e-3
    ),
)
def test_euler_identities(X: np.ndarray, w: np.ndarray) -> None:
    res = weight_derivatives(X, w)
    # s is homogeneous of degree 0 in w
    assert_allclose(res.derivative @ w, 0.0, atol=1e-12)
    assert_allclose(res.elasticity.sum(axis=1), 0.0, atol=1e-12)
    assert_array_equal(res.elasticity[:, w == 0], 0.0)


def test_zero_score_gives_nan_elasticity_and_warning() -> None:
    X = np.array([[0.0, 0.0], [0.5, 0.2]])
    with pytest.warns(DegenerateIndicatorWarning, match=r"score 0 for unit\(s\) 'A'"):
        res = weight_derivatives(X, [1.0, 1.0], labels=["A", "B"])
    assert np.isnan(res.elasticity[0]).all()
    assert np.isfinite(res.elasticity[1]).all()
    assert_allclose(res.derivative[0], [0.0, 0.0])


def test_derivative_record() -> None:
    res = weight_derivatives([[0.8, 0.2], [0.5, 0.5]], [1, 1], labels=["a", "b"])
    assert isinstance(res, WeightDerivatives)
    d, e = res
    assert d is res.derivative
    assert e is res.elasticity
    assert_array_equal(res.weights, [1.0, 1.0])  # as given, not rescaled
    with pytest.raises(ValueError, match="read-only"):
        res.derivative[0, 0] = 1.0
    out = res.to_dict()
    assert out["labels"] == ["a", "b"]
    json.dumps(out)
    assert (
        weight_derivatives([[0.8, 0.2], [0.5, 0.5]], [1, 1], labels=["a", "b"]) == res
    )


# -- one at a time ---------------------------------------------------------------------
@pytest.mark.parametrize("delta", [0.1, -0.5, 2.0])
def test_one_at_a_time_matches_direct_recomputation(delta: float) -> None:
    gen = np.random.default_rng(3)
    X = gen.random((8, 4))
    w = np.array([0.1, 0.4, 0.0, 0.5])
    res = one_at_a_time(X, w * 2, delta)
    assert_allclose(res.weights, w)
    s0 = X @ w
    assert_allclose(res.scores, s0)
    assert_array_equal(res.ranks, ranks(s0))
    for k in range(4):
        wk = w.copy()
        wk[k] *= 1 + delta
        wk /= wk.sum()
        assert_allclose(res.perturbed_weights[k], wk)
        assert_allclose(res.score_change[:, k], X @ wk - s0, atol=1e-15)
        assert_array_equal(res.rank_change[:, k], ranks(X @ wk) - ranks(s0))
        # closed form (L2)
        closed = delta * w[k] * (X[:, k] - s0) / (1 + delta * w[k])
        assert_allclose(res.score_change[:, k], closed, atol=1e-15)
    assert_array_equal(res.score_change[:, 2], 0.0)  # zero weight stays zero
    assert_allclose(res.mean_abs_rank_shift, np.abs(res.rank_change).mean(axis=0))


def test_one_at_a_time_small_delta_approaches_derivative() -> None:
    X = np.random.default_rng(4).random((5, 3))
    w = np.array([0.2, 0.3, 0.5])
    d = weight_derivatives(X, w).derivative
    delta = 1e-7
    res = one_at_a_time(X, w, delta)
    # raising w_k by delta * w_k (weights summing to 1) changes s by about
    # delta * w_k * ds/dw_k
    assert_allclose(res.score_change / delta, d * w, rtol=1e-5, atol=1e-9)


def test_one_at_a_time_record_and_errors() -> None:
    res = one_at_a_time([[0.9, 0.1], [0.4, 0.5]], [1, 1], 1.0)
    assert isinstance(res, OneAtATime)
    json.dumps(res.to_dict())
    with pytest.raises(
        ParameterValueError, match="'delta' must be a finite number > -1"
    ):
        one_at_a_time([[0.9, 0.1]], [1, 1], -1.0)
    with pytest.raises(
        ParameterValueError, match="'delta' must be a finite number > -1"
    ):
        one_at_a_time([[0.9, 0.1]], [1, 1], math.nan)
    with pytest.raises(ParameterTypeError, match="'delta' must be a number"):
        one_at_a_time([[0.9, 0.1]], [1, 1], True)


@pytest.mark.parametrize("func", [weight_derivatives, one_at_a_time])
def test_input_errors(func) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(
        ParameterValueError, match=r"'X\[0, 1\]' must be a finite"
    ) as info:
        func([[0.1, math.nan]], [1, 1], labels=["PE-9"])
    assert "Unit 'PE-9' (row 0) has no value for criterion 1" in str(info.value)
    with pytest.raises(
        ParameterValueError, match="'w0' must be weights with a positive"
    ):
        func([[0.1, 0.2]], [0, 0])
    with pytest.raises(ParameterValueError, match=r"'w0\[0\]' must be >= 0"):
        func([[0.1, 0.2]], [-1, 2])
    with pytest.raises(ParameterTypeError, match="'w0' must be a numeric array"):
        func([[0.1, 0.2]], ["a", "b"])
