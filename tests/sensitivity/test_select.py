"""Order statistics by counting are those of a sort, for any values."""

from __future__ import annotations

import warnings

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kampala.sensitivity._rank_stats import nan_quantiles
from kampala.sensitivity._select import order_statistics

VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=32),
    st.sampled_from([0.0, -0.0, 0.25, 0.5, 1.0]),  # ties
)


@settings(max_examples=200, deadline=None)
@given(
    x=hnp.arrays(
        st.sampled_from([np.float32, np.float64]),
        hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=90),
        elements=VALUES,
    ),
    data=st.data(),
)
def test_order_statistics_are_those_of_a_sort(
    x: np.ndarray, data: st.DataObject
) -> None:
    m, n = x.shape
    k = data.draw(st.integers(1, 6))
    places = data.draw(hnp.arrays(np.intp, (k, m), elements=st.integers(0, n - 1)))
    got = order_statistics(x, places)
    expected = np.take_along_axis(np.sort(x, axis=1), places.T, axis=1).T
    same = (got == expected) | (np.isnan(got) & np.isnan(expected))
    assert same.all()


def test_quantiles_of_long_columns_match_numpy() -> None:
    rng = np.random.default_rng(2)
    a = (0.4 + 0.2 * rng.random((3000, 70))).astype(np.float32)
    a[:, 3] = 0.5  # one value
    a[rng.random(a.shape) < 0.1] = np.nan
    a[:, 5] = np.nan
    qs = (0.05, 0.5, 0.95)
    got = nan_quantiles(a, qs)
    with warnings.catch_warnings():  # an all-NaN column
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = np.nanquantile(a.astype(np.float64), qs, axis=0)
    np.testing.assert_allclose(got, expected, rtol=1e-6, equal_nan=True)
