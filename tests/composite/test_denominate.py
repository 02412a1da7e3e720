from __future__ import annotations

import math

import numpy as np
import pytest

from kampala import (
    DataFormatError,
    DegenerateIndicatorWarning,
    Denominate,
    Framework,
    IndicatorSet,
    Node,
    ParameterValueError,
)

nan = math.nan


@pytest.fixture
def data() -> IndicatorSet:
    fw = Framework(
        nodes=[
            Node(code="gdp", denominator="pop"),
            Node(code="trade", denominator="gdp_den", scale_factor=1000),
            Node(code="score"),
        ]
    )
    return IndicatorSet(
        framework=fw,
        unit_codes=["a", "b", "c"],
        values=[[10.0, 2.0, 5.0], [30.0, nan, 6.0], [8.0, 4.0, 7.0]],
        denominators={"pop": [4.0, 6.0, 2.0], "gdp_den": [500.0, 100.0, 2000.0]},
    )


def test_divides_by_the_denominator(data: IndicatorSet) -> None:
    out = Denominate().apply(data)
    np.testing.assert_allclose(out.data.values[:, 0], [2.5, 5.0, 4.0], rtol=1e-15)
    assert out.details == {"denominated": {"gdp": "pop", "trade": "gdp_den"}}
    assert Denominate.dataset == "Denominated"


def test_scale_factor_divides_the_denominator(data: IndicatorSet) -> None:
    # x / (d / 1000): per thousand
    out = Denominate().apply(data).data.values[:, 1]
    np.testing.assert_allclose(out, [2.0 / 0.5, nan, 4.0 / 2.0], rtol=1e-15)
    assert out[0] == pytest.approx(4.0)


def test_indicators_without_denominator_are_unchanged(data: IndicatorSet) -> None:
    out = Denominate().apply(data).data.values[:, 2]
    np.testing.assert_array_equal(out, [5.0, 6.0, 7.0])


def test_zero_or_missing_denominator_warns_and_gives_missing() -> None:
    fw = Framework(nodes=[Node(code="x", denominator="d")])
    d = IndicatorSet(
        framework=fw,
        unit_codes=["a", "b", "c", "e"],
        values=[[1.0], [2.0], [3.0], [nan]],
        denominators={"d": [0.0, nan, 3.0, 0.0]},
    )
    with pytest.warns(
        DegenerateIndicatorWarning,
        match=r"Denominate\(\): denominator 'd' is zero or missing for units "
        r"\['a', 'b'\] of indicator 'x'; those values become missing\.",
    ):
        out = Denominate().apply(d)
    np.testing.assert_array_equal(out.data.values[:, 0], [nan, nan, 1.0, nan])


def test_unknown_denominator(data: IndicatorSet) -> None:
    fw = Framework(nodes=[Node(code="x", denominator="area")])
    d = IndicatorSet(
        framework=fw, unit_codes=["a"], values=[[1.0]], denominators={"pop": [1.0]}
    )
    with pytest.raises(
        DataFormatError,
        match=r"indicator 'x': 'denominator' must be one of the data's denominators "
        r"\['pop'\] \(got 'area'\)",
    ):
        Denominate().apply(d)


def test_only_the_ratio_method() -> None:
    assert Denominate().method == "ratio"
    with pytest.raises(ParameterValueError, match=r"'method' must be one of 'ratio'"):
        Denominate(method="product")


def test_input_is_not_modified(data: IndicatorSet) -> None:
    before = data.values.copy()
    Denominate().apply(data)
    np.testing.assert_array_equal(data.values, before)
