"""kampala against a naive transcription of COINr (tests/coinr_reference.py).

Data: the ASEM Sustainable Connectivity example (ASEM portal, European
Commission JRC), in the iData/iMeta layout of the R package COINr (JRC, MIT
licence, copyright William Becker).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kampala import (
    Aggregate,
    Denominate,
    Impute,
    IndicatorSet,
    Methodology,
    Normalise,
    Screen,
    Treat,
)
from tests import coinr_reference as ref
from tests.strategies import indicator_sets

TOL = 1e-9


@pytest.fixture(scope="module")
def coin(asem_paths: tuple[Path, Path]) -> ref.Coin:
    return ref.Coin(*asem_paths)


def as_array(v: ref.Vector) -> np.ndarray:
    return np.array([np.nan if x is None else x for x in v])


def asem_build() -> Methodology:
    return Methodology(
        id="ASEM-COINr",
        version="1",
        steps=[
            Denominate(),
            Impute(method="group-mean", params={"group": "EurAsia_group"}),
            Screen(params={"threshold": 0.9}),
            Treat(params={"points": 5}),
            Normalise(method="min-max", params={"lower": 0, "upper": 100}),
            Aggregate(method="arithmetic"),
        ],
    )


def test_asem_reads_as_coinr_describes(asem: IndicatorSet, coin: ref.Coin) -> None:
    assert asem.n_units == 51
    assert asem.n_indicators == 49
    assert asem.framework.levels == (2, 3, 4)
    assert asem.indicator_codes == tuple(coin.icodes)
    np.testing.assert_array_equal(
        asem.values, np.column_stack([as_array(coin.column(c)) for c in coin.icodes])
    )
    assert np.isnan(asem.values).any()  # the raw data have gaps


@pytest.mark.filterwarnings(
    # LAO has no Energy denominator: its Elec value is missing after
    # denomination (COINr gives NA too); kampala says so with a warning
    "ignore:Denominate.*'Energy'.*'LAO':kampala.errors.DegenerateIndicatorWarning"
)
def test_full_pipeline_matches_coinr(asem: IndicatorSet, coin: ref.Coin) -> None:
    units, expected = ref.build_asem(coin)
    result = asem_build().run(asem)
    assert list(result.unit_codes) == units
    assert set(result.aggregate_codes) == set(expected)
    for code in result.aggregate_codes:
        np.testing.assert_allclose(
            result.score(code), as_array(expected[code]), rtol=0, atol=TOL, err_msg=code
        )


@pytest.mark.filterwarnings(
    # LAO has no Energy denominator: its Elec value is missing after
    # denomination (COINr gives NA too); kampala says so with a warning
    "ignore:Denominate.*'Energy'.*'LAO':kampala.errors.DegenerateIndicatorWarning"
)
def test_full_pipeline_intermediate_data_match_coinr(
    asem: IndicatorSet, coin: ref.Coin
) -> None:
    result = asem_build().run(asem)
    raw = {c: coin.column(c) for c in coin.icodes}
    grp = coin.group("EurAsia_group")
    for j, m in enumerate(coin.ind):
        code = m["iCode"]
        if m["Denominator"] in ref.NA_STRINGS:
            den = raw[code]
        else:
            den = ref.denominate(raw[code], coin.column(m["Denominator"]))
        np.testing.assert_allclose(
            result.datasets["Denominated"].values[:, j],
            as_array(den),
            rtol=1e-15,
            err_msg=code,
        )
        imp = ref.i_mean_grp(den, grp)
        np.testing.assert_allclose(
            result.datasets["Imputed"].values[:, j],
            as_array(imp),
            rtol=1e-14,
            err_msg=code,
        )
        # (no unit is screened out of the imputed ASEM data)
        trt = ref.treat_numeric(imp, winmax=5)
        np.testing.assert_allclose(
            result.datasets["Treated"].values[:, j],
            as_array(trt),
            rtol=1e-14,
            err_msg=code,
        )


@pytest.mark.filterwarnings(
    # LAO has no Energy denominator: its Elec value is missing after
    # denomination (COINr gives NA too); kampala says so with a warning
    "ignore:Denominate.*'Energy'.*'LAO':kampala.errors.DegenerateIndicatorWarning"
)
def test_some_indicators_need_treatment(asem: IndicatorSet) -> None:
    details = asem_build().run(asem).details["treat"]["indicators"]
    treated = {c for c, d in details.items() if d["treatment"] != "none"}
    assert {"Flights", "Services", "FDI"} <= treated


@pytest.mark.parametrize(
    ("f_n", "para", "method", "params", "f_ag", "agg"),
    [
        (
            "n_minmax",
            (0.0, 100.0),
            "min-max",
            {"lower": 0, "upper": 100},
            "a_amean",
            "arithmetic",
        ),
        (
            "n_minmax",
            (1.0, 100.0),
            "min-max",
            {"lower": 1, "upper": 100},
            "a_gmean",
            "geometric",
        ),
        ("n_zscore", (0.0, 1.0), "z-score", {}, "a_amean", "arithmetic"),
        (
            "n_zscore",
            (10.0, 2.0),
            "z-score",
            {"mean": 10, "sd": 2},
            "a_amean",
            "arithmetic",
        ),
        (
            "n_zscore",
            (10.0, 2.0),
            "z-score",
            {"mean": 10, "sd": 2},
            "a_gmean",
            "geometric",
        ),
    ],
)
def test_raw_data_with_missing_values_match_coinr(
    asem: IndicatorSet,
    coin: ref.Coin,
    f_n: str,
    para: tuple[float, float],
    method: str,
    params: dict[str, float],
    f_ag: str,
    agg: str,
) -> None:
    raw = {c: coin.column(c) for c in coin.icodes}
    normalised = ref.normalise_all(coin, raw, f_n, para)
    expected = ref.aggregate(coin, normalised, f_ag)
    m = Methodology(
        id="raw",
        version="1",
        steps=[Normalise(method=method, params=params), Aggregate(method=agg)],
    )
    result = m.run(asem)
    np.testing.assert_allclose(
        result.datasets["Normalised"].values,
        np.column_stack([as_array(normalised[c]) for c in coin.icodes]),
        rtol=0,
        atol=TOL,
    )
    for code in result.aggregate_codes:
        np.testing.assert_allclose(
            result.score(code), as_array(expected[code]), rtol=0, atol=TOL, err_msg=code
        )


# -- random frameworks and data ------------------------------------------------------
@st.composite
def random_cases(draw: st.DrawFn) -> tuple[IndicatorSet, str, str]:
    data = draw(indicator_sets(max_units=7))
    norm = draw(st.sampled_from(["min-max", "z-score"]))
    agg = draw(st.sampled_from(["arithmetic", "geometric"]))
    return data, norm, agg


@given(random_cases())
def test_random_trees_match_coinr_functions(
    case: tuple[IndicatorSet, str, str],
) -> None:
    data, norm, agg = case
    fw = data.framework
    if norm == "min-max":
        step = Normalise(method="min-max", params={"lower": 1, "upper": 100})
        f_n, para = "n_minmax", (1.0, 100.0)
    else:
        step = Normalise(method="z-score", params={"mean": 100, "sd": 10})
        f_n, para = "n_zscore", (100.0, 10.0)
    result = Methodology(id="r", version="1", steps=[step, Aggregate(method=agg)]).run(
        data
    )
    columns = {
        code: ref.normalise_numeric(
            [None if np.isnan(v) else float(v) for v in data.column(code)],
            f_n,
            para,
            fw.node(code).direction,
        )
        for code in fw.indicator_codes
    }
    fun = ref.a_amean if agg == "arithmetic" else ref.a_gmean

    def score(code: str, i: int) -> float | None:
        # recursive, one unit at a time: no level plans, no matrices
        if fw.node(code).kind == "indicator":
            return columns[code][i]
        kids = fw.children(code)
        return fun([score(k, i) for k in kids], [fw.node(k).weight for k in kids])

    for code in fw.aggregate_codes:
        expected = [score(code, i) for i in range(data.n_units)]
        np.testing.assert_allclose(
            result.score(code), as_array(expected), rtol=1e-12, atol=1e-9, err_msg=code
        )
