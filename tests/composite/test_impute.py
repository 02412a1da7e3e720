from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kampala import (
    DataFormatError,
    Framework,
    Impute,
    IndicatorSet,
    MissingDataWarning,
    Node,
    ParameterValueError,
)
from tests.strategies import indicator_sets

nan = math.nan


def data(
    columns: Sequence[Sequence[float]], groups: Sequence[str | None] | None = None
) -> IndicatorSet:
    fw = Framework(nodes=[Node(code=f"x{j}") for j in range(len(columns))])
    n = len(columns[0])
    return IndicatorSet(
        framework=fw,
        unit_codes=[f"u{i}" for i in range(n)],
        values=np.array(columns, dtype=float).T,
        groups={} if groups is None else {"g": list(groups)},
    )


def filled(step: Impute, d: IndicatorSet) -> np.ndarray:
    return step.apply(d).data.values


def test_constant() -> None:
    d = data([[1, nan, 5, 6], [nan, 2, 4, nan]])
    np.testing.assert_array_equal(
        filled(Impute(method="constant", params={"value": 0}), d),
        [[1, 0], [0, 2], [5, 4], [6, 0]],
    )
    with pytest.raises(
        ParameterValueError, match=r"'value' must be given for method 'constant'"
    ):
        Impute(method="constant")


def test_mean() -> None:
    d = data([[1, nan, 5, 6], [nan, 2, 4, nan]])
    np.testing.assert_array_equal(
        filled(Impute(method="mean"), d), [[1, 3], [4, 2], [5, 4], [6, 3]]
    )


def test_median() -> None:
    d = data([[1, nan, 2, 10, 20], [nan, 1, 2, 3, 100]])
    np.testing.assert_array_equal(
        filled(Impute(method="median"), d)[:, 0], [1, 6, 2, 10, 20]
    )
    np.testing.assert_array_equal(
        filled(Impute(method="median"), d)[:, 1], [2.5, 1, 2, 3, 100]
    )


def test_group_mean() -> None:
    d = data([[1, nan, 5, nan, 9]], ["A", "A", "B", "B", "B"])
    np.testing.assert_array_equal(
        filled(Impute(method="group-mean", params={"group": "g"}), d)[:, 0],
        [1, 1, 5, 7, 9],
    )


def test_group_median() -> None:
    d = data([[1, 3, 8, nan, 2, nan, 10, 11, 30]], list("AAAABBBBB"))
    np.testing.assert_array_equal(
        filled(Impute(method="group-median", params={"group": "g"}), d)[:, 0],
        [1, 3, 8, 3, 2, 10.5, 10, 11, 30],
    )


def test_group_without_values_stays_missing_and_warns() -> None:
    d = data([[nan, nan, 3, 5]], ["A", "A", "B", "B"])
    with pytest.warns(
        MissingDataWarning,
        match=r"Impute\(\): 2 value\(s\) stay missing after group-mean imputation, "
        r"first for unit 'u0' and indicator 'x0' \(no value to impute from\)\.",
    ):
        out = Impute(method="group-mean", params={"group": "g"}).apply(d)
    assert np.isnan(out.data.values[:2, 0]).all()
    assert out.details["n_still_missing"] == 2
    assert out.details["n_imputed"] == 0


def test_unit_outside_every_group_stays_missing_and_warns() -> None:
    d = data([[1, nan, 3, nan]], ["A", None, "A", "A"])
    with pytest.warns(MissingDataWarning, match=r"first for unit 'u1'"):
        out = Impute(method="group-median", params={"group": "g"}).apply(d)
    np.testing.assert_array_equal(out.data.values[:, 0], [1, nan, 3, 2])


def test_all_missing_indicator_warns_for_mean() -> None:
    d = data([[1, 2], [nan, nan]])
    with pytest.warns(MissingDataWarning, match=r"indicator 'x1'"):
        out = Impute(method="mean").apply(d)
    assert np.isnan(out.data.values[:, 1]).all()


def test_details() -> None:
    d = data([[1, nan, 5], [nan, 2, 4]])
    out = Impute(method="mean").apply(d)
    assert out.details == {
        "n_imputed": 2,
        "imputed": [("u0", "x1"), ("u1", "x0")],
        "n_still_missing": 0,
    }
    assert Impute.dataset == "Imputed"


def test_input_is_not_modified() -> None:
    d = data([[1, nan, 5]])
    Impute(method="mean").apply(d)
    assert np.isnan(d.values[1, 0])


def test_errors() -> None:
    with pytest.raises(
        ParameterValueError,
        match=r"Impute\(\): 'group' must be given for method 'group-mean'",
    ):
        Impute(method="group-mean")
    with pytest.raises(
        ParameterValueError,
        match=r"Impute\(\): 'method' must be one of 'constant', 'mean', 'median', "
        r"'group-mean', 'group-median' \(got 'knn'\)",
    ):
        Impute(method="knn")
    with pytest.raises(
        DataFormatError,
        match=r"'name' must be one of the group columns \[\] \(got 'g'\)",
    ):
        Impute(method="group-mean", params={"group": "g"}).apply(data([[1, nan, 2]]))


@given(indicator_sets(), st.sampled_from(["mean", "median"]))
def test_present_values_are_kept_and_every_gap_filled(
    d: IndicatorSet, method: str
) -> None:
    out = Impute(method=method).apply(d)
    present = ~np.isnan(d.values)
    np.testing.assert_array_equal(out.data.values[present], d.values[present])
    assert not np.isnan(out.data.values).any()
    assert out.details["n_imputed"] == int((~present).sum())


@given(indicator_sets())
def test_mean_imputation_keeps_the_mean(d: IndicatorSet) -> None:
    out = Impute(method="mean").apply(d).data.values
    np.testing.assert_allclose(
        out.mean(axis=0), np.nanmean(d.values, axis=0), rtol=1e-9, atol=1e-9
    )
