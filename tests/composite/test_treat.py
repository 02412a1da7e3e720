from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
import scipy.stats
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from kampala import Framework, IndicatorSet, Node, ParameterValueError, Treat
from kampala.composite.treat import kurtosis, skewness
from tests import coinr_reference as ref

nan = math.nan


def run(values: Sequence[float], **params: Any) -> tuple[np.ndarray, dict[str, Any]]:
    fw = Framework(nodes=[Node(code="x")])
    data = IndicatorSet(
        framework=fw,
        unit_codes=[f"u{i}" for i in range(len(values))],
        values=[[v] for v in values],
    )
    out = Treat(params=params).apply(data)
    return out.data.values[:, 0], out.details["indicators"]["x"]


def g1(x: Sequence[float]) -> float:
    """Excel SKEW by hand: sqrt(n(n-1))/(n-2) * m3 / m2^1.5."""
    n = len(x)
    m = sum(x) / n
    m2 = sum((v - m) ** 2 for v in x) / n
    m3 = sum((v - m) ** 3 for v in x) / n
    return math.sqrt(n * (n - 1)) / (n - 2) * m3 / m2**1.5


def g2(x: Sequence[float]) -> float:
    """Excel KURT by hand."""
    n = len(x)
    m = sum(x) / n
    m2 = sum((v - m) ** 2 for v in x) / n
    m4 = sum((v - m) ** 4 for v in x) / n
    return (n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * m4 / m2**2 - 3 * (n - 1))


def fails(x: Sequence[float]) -> bool:
    return abs(g1(x)) >= 2 and g2(x) >= 3.5


# -- skewness and kurtosis -----------------------------------------------------------
def test_skew_and_kurtosis_known_values() -> None:
    x = np.array([1.0, 2.0, 3.0, 10.0])
    assert skewness(x) == pytest.approx(1.763633, abs=1e-6)
    assert kurtosis(x) == pytest.approx(3.228, abs=1e-12)


@given(
    arrays(
        np.float64,
        st.integers(4, 40),
        elements=st.integers(-1000, 1000).map(float),
    ).filter(lambda a: np.unique(a).size > 1)
)
def test_skew_and_kurtosis_equal_scipy_bias_false(x: np.ndarray) -> None:
    assert skewness(x) == pytest.approx(
        scipy.stats.skew(x, bias=False), rel=1e-9, abs=1e-9
    )
    assert kurtosis(x) == pytest.approx(
        scipy.stats.kurtosis(x, bias=False), rel=1e-9, abs=1e-9
    )


# -- winsorisation by hand ----------------------------------------------------------
def test_one_high_outlier_is_winsorised() -> None:
    x = [*range(1, 11), 100]
    assert fails(x)
    assert not fails([*range(1, 11), 10])
    out, info = run(x)
    np.testing.assert_array_equal(out, [*range(1, 11), 10])
    assert info["treatment"] == "winsorised"
    assert info["winsorised"] == ["u10"]
    assert info["passes"] is True
    assert info["skew_before"] == pytest.approx(g1(x), rel=1e-12)
    assert info["kurtosis_before"] == pytest.approx(g2(x), rel=1e-12)
    assert info["skew_after"] == pytest.approx(g1([*range(1, 11), 10]), rel=1e-12)


def test_two_points_winsorised_one_at_a_time() -> None:
    x = [*range(1, 21), 200, 300]
    step1 = [*range(1, 21), 200, 200]  # 300 -> next largest, 200
    step2 = [*range(1, 21), 20, 20]  # both 200s -> 20
    assert fails(x)
    assert fails(step1)
    assert not fails(step2)
    out, info = run(x)
    np.testing.assert_array_equal(out, step2)
    assert info["treatment"] == "winsorised"
    assert info["winsorised"] == ["u20", "u21"]


def test_low_outlier_is_winsorised_at_the_bottom() -> None:
    x = [-100, *range(1, 11)]
    assert g1(x) < 0
    out, info = run(x)
    np.testing.assert_array_equal(out, [1, *range(1, 11)])
    assert info["winsorised"] == ["u0"]


def test_tied_outliers_move_together() -> None:
    x = [*range(1, 21), 100, 100]
    out, info = run(x, points=1)
    # the tie counts as two points although the limit is one
    np.testing.assert_array_equal(out, [*range(1, 21), 20, 20])
    assert info["treatment"] == "winsorised"
    assert info["winsorised"] == ["u20", "u21"]


def test_missing_values_are_left_alone() -> None:
    x = [*range(1, 11), nan, 100]
    out, info = run(x)
    np.testing.assert_array_equal(out, [*range(1, 11), nan, 10])
    assert info["winsorised"] == ["u11"]


# -- log fallback ---------------------------------------------------------------------
def test_log_fallback_uses_the_original_values() -> None:
    x = [*range(1, 21), 200, 300]
    out, info = run(x, points=1)  # one point is not enough (see above)
    lo, hi = 1.0, 300.0
    expected = [math.log(v - lo + 0.01 * (hi - lo)) for v in x]
    np.testing.assert_allclose(out, expected, rtol=1e-15)
    # ln(x - min + 0.01 (max - min)): u0 gets ln(2.99), not ln(1.99) (the
    # winsorised maximum would be 200)
    assert out[0] == pytest.approx(math.log(2.99), rel=1e-15)
    assert info["treatment"] == "log"
    assert info["winsorised"] == []
    assert info["passes"] == (not fails(expected))


def test_log_fallback_keeps_missing_values() -> None:
    x = [*range(1, 21), nan, 200, 300]
    out, _ = run(x, points=1)
    assert math.isnan(out[20])
    assert out[0] == pytest.approx(math.log(2.99), rel=1e-15)


def test_without_log_the_winsorised_values_stay() -> None:
    x = [*range(1, 21), 200, 300]
    out, info = run(x, points=1, log=False)
    np.testing.assert_array_equal(out, [*range(1, 21), 200, 200])
    assert info["treatment"] == "winsorised"
    assert info["passes"] is False


def test_zero_points_goes_straight_to_log() -> None:
    x = [*range(1, 11), 100]
    out, info = run(x, points=0)
    assert info["treatment"] == "log"
    assert out[0] == pytest.approx(math.log(0.99), rel=1e-15)


# -- thresholds ------------------------------------------------------------
def test_passing_needs_only_one_of_skew_and_kurtosis() -> None:
    x = [*range(1, 11), 100]  # skew 3.26, kurtosis 10.7
    out, info = run(x, kurtosis=11.0)
    np.testing.assert_array_equal(out, x)
    assert info["treatment"] == "none"
    out, info = run(x, skew=3.3)
    assert info["treatment"] == "none"
    out, info = run(x, skew=3.2)
    assert info["treatment"] == "winsorised"


@pytest.mark.parametrize("x", [[1.0, 2.0, 100.0], [5.0] * 6, [1.0, nan, nan, nan, 9.0]])
def test_short_or_constant_indicators_are_skipped(x: list[float]) -> None:
    out, info = run(x)
    np.testing.assert_array_equal(out, x)
    assert info["treatment"] == "skipped (fewer than 4 values or no spread)"


def test_none_method_changes_nothing() -> None:
    fw = Framework(nodes=[Node(code="x")])
    d = IndicatorSet(framework=fw, unit_codes=["a", "b"], values=[[1.0], [2.0]])
    out = Treat(method="none").apply(d)
    assert out.data == d
    assert out.details == {"indicators": {}}


def test_columns_are_treated_independently() -> None:
    fw = Framework(nodes=[Node(code="x"), Node(code="y")])
    xs = [*range(1, 11), 100]
    ys = list(range(11))
    d = IndicatorSet(
        framework=fw,
        unit_codes=[f"u{i}" for i in range(11)],
        values=np.column_stack([xs, ys]).astype(float),
    )
    out = Treat().apply(d)
    np.testing.assert_array_equal(out.data.values[:, 0], [*range(1, 11), 10])
    np.testing.assert_array_equal(out.data.values[:, 1], ys)
    assert out.details["indicators"]["y"]["treatment"] == "none"


def test_parameter_errors() -> None:
    with pytest.raises(
        ParameterValueError, match=r"Treat\(\): 'points' must be >= 0 \(got -1\)"
    ):
        Treat(params={"points": -1})
    with pytest.raises(
        ParameterValueError, match=r"'points' must be a whole number \(got 2.5\)"
    ):
        Treat(params={"points": 2.5})
    with pytest.raises(ParameterValueError, match=r"'skew' must be > 0 \(got 0.0\)"):
        Treat(params={"skew": 0})


@given(
    arrays(np.float64, st.integers(4, 30), elements=st.floats(-1e4, 1e4)),
    st.integers(0, 8),
)
def test_winsorised_values_stay_within_the_original_range(
    x: np.ndarray, points: int
) -> None:
    out, info = run(x.tolist(), points=points, log=False)
    assert out.min() >= x.min()
    assert out.max() <= x.max()
    changed = out != x
    assert sorted(f"u{i}" for i in np.flatnonzero(changed)) == sorted(
        info["winsorised"]
    )
    # the order of the units is kept (ties can appear, never inversions)
    order = np.argsort(x, kind="stable")
    assert (np.diff(out[order]) >= 0).all()


# -- agreement with the naive COINr transcription -------------------------------------
coinr_columns = st.lists(
    st.one_of(
        st.integers(0, 20).map(float),
        st.integers(-1000, 1000).map(float),
        st.sampled_from([5000.0, -5000.0]),
        st.just(nan),
    ),
    min_size=6,
    max_size=25,
).filter(lambda v: sum(x == x for x in v) >= 6 and len({x for x in v if x == x}) > 1)


@given(st.lists(coinr_columns, min_size=1, max_size=3), st.integers(0, 6))
def test_agrees_with_coinr_treat(cols: list[list[float]], points: int) -> None:
    n = min(len(c) for c in cols)
    cols = [c[:n] for c in cols]
    assume(all(sum(x == x for x in c) >= 4 for c in cols))
    assume(all(len({x for x in c if x == x}) > 1 for c in cols))
    vectors = [[None if x != x else x for x in c] for c in cols]
    for v in vectors:
        # exactly at a threshold the decision depends on rounding
        assume(abs(abs(ref.skew(v)) - 2) > 1e-9 and abs(ref.kurt(v) - 3.5) > 1e-9)
    fw = Framework(nodes=[Node(code=f"x{j}") for j in range(len(cols))])
    data = IndicatorSet(
        framework=fw, unit_codes=[f"u{i}" for i in range(n)], values=np.array(cols).T
    )
    out = Treat(params={"points": points}).apply(data).data.values
    for j, v in enumerate(vectors):
        expected = ref.treat_numeric(v, winmax=points)
        np.testing.assert_allclose(
            out[:, j],
            [nan if e is None else e for e in expected],
            rtol=1e-12,
            atol=1e-12,
        )
