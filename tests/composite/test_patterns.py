"""Means by pattern of missing children equal the value-by-value kernel."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from kampala.composite._patterns import pattern_means
from kampala.composite.kernel import _Children, _mean


def _value_by_value(
    x: np.ndarray, w: np.ndarray, method: str, **kw: float
) -> np.ndarray:
    kids = _Children(x, x.shape[1])
    return _mean(kids, w, False, method, 1.0, -1.0, kw.get("min_data", 0.0),
                 kw.get("min_coverage", 0.0))  # fmt: skip


@st.composite
def cases(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    k = draw(st.integers(1, 6))
    n = draw(st.integers(1, 120))
    s = draw(st.integers(1, 40))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 100, (n, k))
    templates = rng.random((draw(st.integers(1, 5)), k))
    which = templates[rng.integers(0, len(templates), n)]
    x[which < 0.2] = np.nan
    x[(which > 0.9) & draw(st.booleans())] = 0.0
    w = rng.uniform(0, 1, (s, k))
    w[rng.random(w.shape) < 0.1] = 0.0
    return x, w


@settings(max_examples=150, deadline=None)
@given(
    case=cases(),
    method=st.sampled_from(["arithmetic", "geometric", "harmonic"]),
    thresholds=st.sampled_from([(0.0, 0.0), (0.5, 0.0), (0.0, 0.6), (0.4, 0.5)]),
)
def test_pattern_means_equal_the_kernel(
    case: tuple[np.ndarray, np.ndarray], method: str, thresholds: tuple[float, float]
) -> None:
    x, w = case
    kw = {"min_data": thresholds[0], "min_coverage": thresholds[1]}
    got = pattern_means(x, w, method, units_a_pattern=1, **kw)
    if got is None:  # more than 64 patterns
        return
    with np.errstate(all="ignore"):
        expected = _value_by_value(x, w, method, **kw)
    assert_allclose(got, expected, rtol=1e-12, atol=1e-300, equal_nan=True)


@pytest.mark.parametrize("method", ["arithmetic", "geometric", "harmonic"])
def test_any_block_of_samples_gives_the_same_bits(method: str) -> None:
    rng = np.random.default_rng(4)
    x = rng.uniform(0, 10, (400, 5))
    x[rng.random(400) < 0.3, 2] = np.nan
    x[rng.random(400) < 0.1, 4] = 0.0
    w = rng.uniform(0, 1, (301, 5))
    whole = pattern_means(x, w, method, min_coverage=0.5)
    assert whole is not None
    for size in (1, 7, 100, 256):
        parts = [
            pattern_means(x, w[a : a + size], method, min_coverage=0.5)
            for a in range(0, len(w), size)
        ]
        assert np.vstack(parts).tobytes() == whole.tobytes()


def test_too_many_patterns_or_too_few_units_decline() -> None:
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 1, (100, 8))
    x[rng.random(x.shape) < 0.5] = np.nan  # about 100 patterns
    w = np.ones((3, 8))
    assert pattern_means(x, w, "arithmetic", units_a_pattern=1) is None
    assert pattern_means(x[:10, :1], w[:, :1], "arithmetic") is None  # 10 units
    assert pattern_means(x, w, "minimum") is None
