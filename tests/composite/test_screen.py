from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kampala import (
    Aggregate,
    Framework,
    Impute,
    IndicatorSet,
    Methodology,
    Node,
    ParameterValueError,
    Screen,
)
from tests.strategies import indicator_sets

nan = math.nan


def data(rows: list[list[float]]) -> IndicatorSet:
    k = len(rows[0])
    fw = Framework(
        nodes=[Node(code=f"x{j}", parent="T") for j in range(k)]
        + [Node(code="T", level=2, kind="aggregate")]
    )
    return IndicatorSet(
        framework=fw, unit_codes=[f"u{i}" for i in range(len(rows))], values=rows
    )


def test_threshold_removes_units_below_it() -> None:
    d = data(
        [
            [1, 2, 3, 4],  # 1
            [1, nan, 3, 4],  # 3/4
            [nan, nan, 3, 4],  # 1/2
            [nan, nan, nan, 4],  # 1/4
        ]
    )
    out = Screen(params={"threshold": 0.75}).apply(d)
    assert out.data.unit_codes == ("u0", "u1")
    assert out.details["removed"] == ["u2", "u3"]
    assert out.details["availability"] == {"u0": 1.0, "u1": 0.75, "u2": 0.5, "u3": 0.25}
    np.testing.assert_array_equal(out.data.values, d.values[:2])
    assert Screen(params={"threshold": 0.5}).apply(d).data.unit_codes == (
        "u0",
        "u1",
        "u2",
    )
    assert Screen(params={"threshold": 0}).apply(d).data is d


def test_threshold_0_9_like_coinr() -> None:
    rows = [[1.0] * 10, [1.0] * 9 + [nan], [1.0] * 8 + [nan, nan]]
    out = Screen(params={"threshold": 0.9}).apply(data(rows))
    assert out.details["removed"] == ["u2"]


@pytest.mark.parametrize(
    ("k", "n"), [(1, 2), (3, 4), (1, 10), (2, 10), (9, 11), (7, 12)]
)
def test_availability_equal_to_threshold_is_kept(k: int, n: int) -> None:
    # a unit with exactly k of n indicators passes threshold k / n
    rows = [[1.0] * n, [1.0] * k + [nan] * (n - k)]
    out = Screen(params={"threshold": k / n}).apply(data(rows))
    assert out.details["removed"] == []


def test_screening_everything_is_an_error() -> None:
    d = data([[1, nan], [nan, 2]])
    with pytest.raises(
        ParameterValueError,
        match=r"Screen\(\): 'threshold' must be at most the best unit's data "
        r"availability \(0\.500\) \(got 0\.9\)\. Every unit would be screened out\.",
    ):
        Screen(params={"threshold": 0.9}).apply(d)


def test_parameter_errors() -> None:
    with pytest.raises(
        ParameterValueError,
        match=r"'threshold' must be given for method 'availability'",
    ):
        Screen()
    with pytest.raises(
        ParameterValueError, match=r"'threshold' must be between 0 and 1 \(got 1\.5\)"
    ):
        Screen(params={"threshold": 1.5})
    with pytest.raises(
        ParameterValueError, match=r"'basis' must be \"input\" or \"raw\" \(got 'x'\)"
    ):
        Screen(params={"threshold": 0.5, "basis": "x"})


def test_basis_input_measures_after_imputation() -> None:
    d = data([[1, 2], [nan, 4], [5, nan], [7, 8]])
    m = Methodology(
        id="s",
        version="1",
        steps=[
            Impute(method="mean"),
            Screen(params={"threshold": 1.0}),
            Aggregate(),
        ],
    )
    assert m.run(d).unit_codes == ("u0", "u1", "u2", "u3")


def test_basis_raw_measures_the_data_as_read() -> None:
    d = data([[1, 2], [nan, 4], [5, nan], [7, 8]])
    m = Methodology(
        id="s",
        version="1",
        steps=[
            Impute(method="mean"),
            Screen(params={"threshold": 1.0, "basis": "raw"}),
            Aggregate(),
        ],
    )
    r = m.run(d)
    assert r.unit_codes == ("u0", "u3")
    assert r.details["screen"]["removed"] == ["u1", "u2"]
    # the imputed values of the kept units survive
    assert not np.isnan(r.datasets["Screened"].values).any()


@given(indicator_sets(), st.floats(0, 1))
def test_kept_units_meet_the_threshold(d: IndicatorSet, threshold: float) -> None:
    avail = (~np.isnan(d.values)).sum(axis=1) / d.n_indicators
    if not (avail >= threshold).any():
        with pytest.raises(ParameterValueError):
            Screen(params={"threshold": threshold}).apply(d)
        return
    out = Screen(params={"threshold": threshold}).apply(d)
    kept = set(out.data.unit_codes)
    for code, a in zip(d.unit_codes, avail, strict=True):
        if a >= threshold + 1e-12:
            assert code in kept
        if a < threshold - 1e-12:
            assert code not in kept
    assert list(out.data.unit_codes) == [c for c in d.unit_codes if c in kept]
