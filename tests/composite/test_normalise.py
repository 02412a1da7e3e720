from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kampala import (
    DegenerateIndicatorWarning,
    Framework,
    IndicatorSet,
    Node,
    Normalise,
    ParameterTypeError,
    ParameterValueError,
    normalise,
)
from tests.strategies import indicator_sets

nan = math.nan


def column(
    values: Sequence[float],
    method: str,
    params: Mapping[str, Any] | None = None,
    *,
    direction: int = 1,
    target: float | None = None,
) -> list[float]:
    """Normalise one indicator and return its values."""
    fw = Framework(nodes=[Node(code="x", direction=direction, target=target)])
    data = IndicatorSet(
        framework=fw,
        unit_codes=[f"u{i}" for i in range(len(values))],
        values=[[v] for v in values],
    )
    out: list[float] = normalise(data, method, params=params).values[:, 0].tolist()
    return out


def assert_same(got: Sequence[float], expected: Sequence[float]) -> None:
    np.testing.assert_allclose(got, expected, rtol=1e-14, atol=1e-14)


# -- hand-computed cases, one per method ---------------------------------------------
def test_min_max_default_is_0_100() -> None:
    assert_same(column([2, 4, 6, 10], "min-max"), [0, 25, 50, 100])


def test_min_max_bounds() -> None:
    assert_same(
        column([2, 4, 6, 10], "min-max", {"lower": 1, "upper": 100}),
        [1, 25.75, 50.5, 100],
    )
    assert_same(
        column([2, 4, 6, 10], "min-max", {"lower": -1, "upper": 1}), [-1, -0.5, 0, 1]
    )


def test_min_max_keeps_missing_values() -> None:
    assert_same(column([2, nan, 10, 4], "min-max"), [0, nan, 100, 25])


def test_min_max_direction_minus_one_reverses() -> None:
    assert_same(column([2, 4, 6, 10], "min-max", direction=-1), [100, 75, 50, 0])


def test_z_score_uses_sample_sd() -> None:
    # mean 3, sample variance (4 + 0 + 4) / 2 = 4 (population variance: 8/3)
    assert_same(column([1, 3, 5], "z-score"), [-1, 0, 1])
    assert_same(column([1, 3, 5], "z-score", {"mean": 10, "sd": 2}), [8, 10, 12])
    assert_same(column([1, nan, 3, 5], "z-score"), [-1, nan, 0, 1])


def test_z_score_direction_minus_one() -> None:
    assert_same(
        column([1, 3, 5], "z-score", {"mean": 10, "sd": 2}, direction=-1), [12, 10, 8]
    )


def test_goalposts_clip_and_scale() -> None:
    x = [-5, 0, 2.5, 10, 20]
    gp = {"lower": 0, "upper": 10, "scale": 100}
    assert_same(column(x, "goalposts", gp), [0, 0, 25, 100, 100])
    assert_same(column(x, "goalposts", {**gp, "clip": False}), [-50, 0, 25, 100, 200])
    # default scale 1
    assert_same(column(x, "goalposts", {"lower": 0, "upper": 10}), [0, 0, 0.25, 1, 1])


def test_goalposts_direction_minus_one() -> None:
    # (U - x) / (U - L), bounds in the indicator's own units
    x = [-5, 0, 2.5, 10, 20]
    gp = {"lower": 0, "upper": 10, "scale": 100}
    assert_same(column(x, "goalposts", gp, direction=-1), [100, 100, 75, 0, 0])
    assert_same(
        column(x, "goalposts", {**gp, "clip": False}, direction=-1),
        [150, 100, 75, 0, -100],
    )


def test_rank_ties_take_the_lowest_rank() -> None:
    assert np.array_equal(
        column([3, 1, 3, 2, nan], "rank"), [3, 1, 3, 2, nan], equal_nan=True
    )
    assert column([5, 5, 1], "rank") == [2, 2, 1]
    assert column([5, 5, 1], "rank", direction=-1) == [1, 1, 3]


def test_percentile_rank() -> None:
    assert_same(
        column([3, 1, 3, 2, nan], "percentile-rank"), [2 / 3, 0, 2 / 3, 1 / 3, nan]
    )
    assert_same(column([10, 20, 30], "percentile-rank", direction=-1), [1, 0.5, 0])


def test_distance_to_max() -> None:
    assert_same(column([2, 4, 10], "distance-to-max"), [0, 0.25, 1])
    assert_same(column([2, 4, 10], "distance-to-max", direction=-1), [1, 0.75, 0])


def test_distance_to_target_from_node() -> None:
    assert_same(column([2, 4, 10], "distance-to-target", target=8), [0, 1 / 3, 4 / 3])
    assert_same(
        column([2, 4, 10], "distance-to-target", {"cap": True}, target=8),
        [0, 1 / 3, 1],
    )


def test_distance_to_target_from_params_overrides_node() -> None:
    assert_same(
        column([2, 4, 10], "distance-to-target", {"target": 6}, target=8), [0, 0.5, 2]
    )
    assert_same(
        column([2, 4, 10], "distance-to-target", {"target": 6, "cap": True}),
        [0, 0.5, 1],
    )


def test_distance_to_target_direction_minus_one() -> None:
    # lower is better, target 4: reversed values -2, -4, -10, target -4, min -10
    assert_same(
        column([2, 4, 10], "distance-to-target", {"target": 4}, direction=-1),
        [4 / 3, 1, 0],
    )
    assert_same(
        column(
            [2, 4, 10], "distance-to-target", {"target": 4, "cap": True}, direction=-1
        ),
        [1, 1, 0],
    )


def test_none_applies_direction_only() -> None:
    assert_same(column([2, nan, 10], "none"), [2, nan, 10])
    assert_same(column([2, nan, 10], "none", direction=-1), [-2, nan, -10])


def test_indicator_params_override_per_indicator() -> None:
    fw = Framework(nodes=[Node(code="x"), Node(code="y")])
    data = IndicatorSet(
        framework=fw, unit_codes=["a", "b", "c"], values=[[0, 0], [5, 5], [10, 10]]
    )
    out = normalise(
        data,
        "goalposts",
        params={"lower": 0, "upper": 10},
        indicator_params={"y": {"upper": 20, "scale": 100}},
    )
    assert_same(out.values[:, 0], [0, 0.5, 1])
    assert_same(out.values[:, 1], [0, 25, 50])
    mm = normalise(
        data,
        "min-max",
        params={"lower": 0, "upper": 1},
        indicator_params={"y": {"lower": 1, "upper": 100}},
    )
    assert_same(mm.values[:, 0], [0, 0.5, 1])
    assert_same(mm.values[:, 1], [1, 50.5, 100])
    zs = normalise(data, "z-score", indicator_params={"y": {"mean": 10, "sd": 2}})
    assert_same(zs.values[:, 0], [-1, 0, 1])
    assert_same(zs.values[:, 1], [8, 10, 12])


def test_normalise_step_records_only_overrides() -> None:
    step = Normalise(
        method="min-max",
        params={"lower": 0},
        indicator_params={"x": {"lower": 0, "upper": 10}},
    )
    assert step.params == {"lower": 0.0, "upper": 100.0}
    assert step.indicator_params == {"x": {"upper": 10.0}}
    assert step.to_dict() == {
        "step": "normalise",
        "method": "min-max",
        "params": {"lower": 0.0, "upper": 100.0},
        "indicator_params": {"x": {"upper": 10.0}},
    }


def test_output_is_read_only() -> None:
    fw = Framework(nodes=[Node(code="x")])
    data = IndicatorSet(framework=fw, unit_codes=["a", "b"], values=[[1.0], [2.0]])
    with pytest.raises(ValueError, match="read-only"):
        normalise(data).values[0, 0] = 0.0


# -- degenerate indicators -----------------------------------------------------------
@pytest.mark.parametrize("method", ["min-max", "z-score", "distance-to-max"])
def test_constant_indicator_warns_and_becomes_missing(method: str) -> None:
    with pytest.warns(DegenerateIndicatorWarning, match=r"indicator 'x'"):
        out = column([3, 3, 3], method)
    assert all(math.isnan(v) for v in out)


def test_single_value_percentile_rank_warns() -> None:
    with pytest.warns(DegenerateIndicatorWarning, match="fewer than two values"):
        out = column([3, nan], "percentile-rank")
    assert all(math.isnan(v) for v in out)


def test_target_at_minimum_warns() -> None:
    with pytest.warns(
        DegenerateIndicatorWarning, match="target at or below its minimum"
    ):
        out = column([2, 4], "distance-to-target", {"target": 2})
    assert all(math.isnan(v) for v in out)


# -- parameter errors (messages are API) ---------------------------------------------
def test_unknown_method_lists_valid_names() -> None:
    with pytest.raises(
        ParameterValueError,
        match=r"Normalise\(\): 'method' must be one of 'min-max', 'z-score', "
        r"'goalposts', .* \(got 'minmax'\)",
    ):
        Normalise(method="minmax")


def test_unknown_parameter() -> None:
    with pytest.raises(
        ParameterValueError,
        match=r"'params' must be a parameter of method 'min-max' \(lower, upper\) "
        r"\(got 'low'\)",
    ):
        Normalise(method="min-max", params={"low": 0})
    with pytest.raises(ParameterValueError, match=r"\(it takes none\) \(got 'p'\)"):
        Normalise(method="rank", params={"p": 1})


def test_wrong_parameter_type() -> None:
    with pytest.raises(
        ParameterTypeError,
        match=r"'lower' must be a number for method 'min-max' \(got 'a'\)",
    ):
        Normalise(method="min-max", params={"lower": "a"})
    with pytest.raises(ParameterTypeError, match=r"'clip' must be true or false"):
        Normalise(method="goalposts", params={"lower": 0, "upper": 1, "clip": 1})


def test_non_finite_parameter() -> None:
    with pytest.raises(ParameterValueError, match=r"'upper' must be a finite number"):
        Normalise(method="min-max", params={"upper": math.inf})


def test_z_score_sd_must_be_positive() -> None:
    with pytest.raises(ParameterValueError, match=r"'sd' must be > 0 \(got 0.0\)"):
        Normalise(method="z-score", params={"sd": 0})


def test_goalposts_need_their_bounds() -> None:
    with pytest.raises(
        ParameterValueError, match=r"'lower' must be given for method 'goalposts'"
    ):
        Normalise(method="goalposts")


def test_goalposts_upper_above_lower() -> None:
    with pytest.raises(
        ParameterValueError,
        match=r"'upper' must be greater than lower \(5.0\) for indicator 'x' "
        r"\(got 1.0\)",
    ):
        column([1, 2], "goalposts", {"lower": 5, "upper": 1})


def test_min_max_bounds_must_increase() -> None:
    # lower >= upper silently flips the indicator's direction; like the
    # goalposts it must be refused (see the l_u example in kampala.errors).
    with pytest.raises(ParameterValueError, match=r"'upper'|'lower'"):
        Normalise(method="min-max", params={"lower": 100, "upper": 0})


def test_distance_to_target_needs_a_target() -> None:
    with pytest.raises(
        ParameterValueError, match=r"'target' must be given for indicator 'x'"
    ):
        column([1, 2], "distance-to-target")


def test_indicator_params_for_unknown_indicator() -> None:
    with pytest.raises(
        ParameterValueError,
        match=r"'indicator_params' must be indicator codes of the data \(got 'q'\)",
    ):
        normalise(
            IndicatorSet(
                framework=Framework(nodes=[Node(code="x")]),
                unit_codes=["a", "b"],
                values=[[1.0], [2.0]],
            ),
            "min-max",
            indicator_params={"q": {"lower": 1}},
        )


# -- properties ---------------------------------------------------------------------
bounds = st.tuples(
    st.floats(-1000, 1000, allow_nan=False), st.floats(-1000, 1000, allow_nan=False)
).filter(lambda t: t[1] - t[0] > 1e-3)


@given(indicator_sets(), bounds)
def test_min_max_spans_exactly_l_u(data: IndicatorSet, lu: tuple[float, float]) -> None:
    lower, upper = lu
    out = normalise(data, "min-max", params={"lower": lower, "upper": upper}).values
    assert np.array_equal(np.isnan(out), np.isnan(data.values))
    tol = 1e-12 * max(1.0, abs(lower), abs(upper))
    assert np.all(np.abs(np.nanmin(out, axis=0) - lower) <= tol)
    assert np.all(np.abs(np.nanmax(out, axis=0) - upper) <= tol)


@given(
    indicator_sets(integers=True),
    st.sampled_from(
        ["min-max", "z-score", "rank", "percentile-rank", "distance-to-max", "none"]
    ),
)
def test_direction_minus_one_reverses_the_order(
    data: IndicatorSet, method: str
) -> None:
    fw = data.framework
    flipped_fw = Framework(
        nodes=[
            Node(**{**n.to_dict(), "direction": -n.direction})
            if n.kind == "indicator"
            else n
            for n in fw.nodes
        ]
    )
    flipped = IndicatorSet(
        framework=flipped_fw, unit_codes=data.unit_codes, values=data.values
    )
    a = normalise(data, method).values
    b = normalise(flipped, method).values
    for j in range(data.n_indicators):
        x = data.values[:, j] * fw.directions[j]
        for p in range(data.n_units):
            for q in range(data.n_units):
                if x[p] < x[q]:  # False for NaN
                    assert a[p, j] < a[q, j]
                    assert b[p, j] > b[q, j]
                elif x[p] == x[q]:
                    assert a[p, j] == a[q, j]
                    assert b[p, j] == b[q, j]


@given(
    indicator_sets(integers=True),
    st.floats(-100, 100, allow_nan=False),
    st.floats(0.1, 100, allow_nan=False),
)
def test_z_score_has_mean_m_and_sample_sd_s(
    data: IndicatorSet, m: float, s: float
) -> None:
    out = normalise(data, "z-score", params={"mean": m, "sd": s}).values
    np.testing.assert_allclose(
        np.nanmean(out, axis=0), m, rtol=0, atol=1e-9 * max(1, abs(m), s)
    )
    np.testing.assert_allclose(np.nanstd(out, axis=0, ddof=1), s, rtol=1e-9)


@given(
    indicator_sets(),
    st.sampled_from(
        ["min-max", "z-score", "rank", "percentile-rank", "distance-to-max", "none"]
    ),
    st.randoms(use_true_random=False),
)
def test_permuting_units_permutes_the_output(
    data: IndicatorSet, method: str, rnd: Any
) -> None:
    perm = list(range(data.n_units))
    rnd.shuffle(perm)
    shuffled = IndicatorSet(
        framework=data.framework,
        unit_codes=[data.unit_codes[i] for i in perm],
        values=data.values[perm],
    )
    np.testing.assert_allclose(
        normalise(shuffled, method).values,
        normalise(data, method).values[perm],
        rtol=1e-12,
        atol=1e-9,
    )


@given(
    indicator_sets(integers=True),
    st.floats(0.01, 100, allow_nan=False),
    st.floats(-100, 100, allow_nan=False),
    st.sampled_from(
        ["min-max", "z-score", "rank", "percentile-rank", "distance-to-max"]
    ),
)
def test_invariant_under_positive_affine_rescaling(
    data: IndicatorSet, a: float, b: float, method: str
) -> None:
    scaled = data.with_values(data.values * a + b)
    np.testing.assert_allclose(
        normalise(scaled, method).values,
        normalise(data, method).values,
        rtol=1e-9,
        atol=1e-9,
    )


@given(indicator_sets(), st.sampled_from(["percentile-rank", "distance-to-max"]))
def test_unit_interval_methods_stay_in_0_1(data: IndicatorSet, method: str) -> None:
    out = normalise(data, method).values
    present = out[~np.isnan(out)]
    assert (present >= 0).all()
    assert (present <= 1).all()
