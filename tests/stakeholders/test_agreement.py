"""Krippendorff's alpha against the independent `krippendorff` package (1e-9)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kampala.errors import ParameterValueError
from kampala.stakeholders import (
    alpha_from_counts,
    alpha_interval,
    bootstrap_alpha,
    krippendorff_alpha,
)

krippendorff = pytest.importorskip("krippendorff")


@st.composite
def reliability_data(draw: st.DrawFn) -> np.ndarray:
    coders = draw(st.integers(2, 6))
    units = draw(st.integers(2, 15))
    values = draw(st.integers(2, 6))
    data = draw(
        hnp.arrays(
            np.float64, (coders, units), elements=st.integers(0, values - 1).map(float)
        )
    )
    missing = draw(hnp.arrays(np.bool_, (coders, units)))
    return np.where(missing, np.nan, data)


def _pairable(data: np.ndarray) -> bool:
    counts = (~np.isnan(data)).sum(axis=0)
    values = np.unique(data[:, counts >= 2][~np.isnan(data[:, counts >= 2])])
    return bool((counts >= 2).any()) and values.size >= 2


@settings(max_examples=150, deadline=None)
@given(reliability_data(), st.sampled_from(["ordinal", "interval", "nominal"]))
def test_alpha_matches_the_krippendorff_package(data: np.ndarray, level: str) -> None:
    assume(_pairable(data))
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    assert krippendorff_alpha(data, level=level) == pytest.approx(expected, abs=1e-9)


def test_alpha_of_krippendorffs_worked_example() -> None:
    # Krippendorff (2011), 4 observers x 12 units; values 1-5, '*' missing
    nan = np.nan
    data = np.array([
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ])  # fmt: skip
    assert krippendorff_alpha(data, level="nominal") == pytest.approx(0.743, abs=5e-4)
    assert krippendorff_alpha(data, level="ordinal") == pytest.approx(0.815, abs=5e-4)
    assert krippendorff_alpha(data, level="interval") == pytest.approx(0.849, abs=5e-4)


def test_perfect_agreement_is_one_and_counts_agree_with_data() -> None:
    assert krippendorff_alpha([[0, 1, 2], [0, 1, 2]]) == 1.0
    data = np.array([[0, 1, 2, 2, np.nan], [0, 2, 2, 1, 1], [1, 2, np.nan, 1, 1]])
    counts = np.array([[2, 1, 0], [0, 1, 2], [0, 0, 2], [0, 2, 1], [0, 2, 0]])
    assert alpha_from_counts(counts) == pytest.approx(
        krippendorff_alpha(data), abs=1e-12
    )


def test_bootstrap_is_reproducible_and_brackets_alpha() -> None:
    data = np.array([[0, 1, 2, 2, 1, 0, 3, 3], [0, 2, 2, 1, 1, 0, 3, 2]])
    a = bootstrap_alpha(data, n=300, rng=5)
    b = bootstrap_alpha(data, n=300, rng=5)
    c = bootstrap_alpha(data, n=300, rng=6)
    assert a == b
    assert a.low != c.low
    assert a.low <= a.alpha <= a.high
    assert a.units == 8
    with pytest.raises(ParameterValueError, match=r"'n' must be an integer >= 1"):
        alpha_interval([[1, 1]], n=0)
    with pytest.raises(ParameterValueError, match=r"'level' must be one of ordinal"):
        krippendorff_alpha(data, level="ratio")  # type: ignore[arg-type]
