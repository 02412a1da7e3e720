"""Uncertainty and sensitivity analysis of rankings: results, structure, SALib."""

from __future__ import annotations

import itertools
import json
import warnings

import numpy as np
import pytest
import scipy.stats
from numpy.testing import assert_allclose, assert_array_equal

from kampala import DegenerateIndicatorWarning, IndicatorSet, Methodology
from kampala.composite import Aggregate, Denominate, Impute, Normalise, Treat
from kampala.composite_result import MethodologyRef
from kampala.data import asem_paths, sample_portfolio
from kampala.errors import ParameterValueError
from kampala.io import read_coinr
from kampala.portfolio import Portfolio
from kampala.sensitivity import (
    Exclusion,
    SensitivityResult,
    UncertaintyResult,
    UncertaintySpec,
    WeightNoise,
    aggregation_choice,
    coverage_choice,
    missing_evidence_choice,
    sensitivity_analysis,
    uncertainty_analysis,
)
from kampala.sensitivity._engine import Problem, rank_rows
from kampala.sensitivity._rank_stats import row_rank_shift
from kampala.sensitivity._sobol import saltelli_design

#: LAO has no Energy denominator: Denominate warns on every ASEM run.
asem_warning = pytest.mark.filterwarnings(
    "ignore:Denominate.*'Energy'.*'LAO':kampala.errors.DegenerateIndicatorWarning"
)
#: Units without a score in some samples (coverage below threshold) have
#: non-finite rank and score outputs; sobol_indices says so and gives NaN.
nan_outputs_warning = pytest.mark.filterwarnings(
    "ignore:sobol_indices....non-finite model values"
    ":kampala.errors.DegenerateIndicatorWarning"
)

KPS_SPEC = UncertaintySpec(
    factors=[
        WeightNoise(levels=2, spread=0.25),
        aggregation_choice(["arithmetic", "geometric"]),
    ]
)
N = 256


# ---------------------------------------------------------------------------
# fixtures
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def portfolio() -> Portfolio:
    return sample_portfolio()


@pytest.fixture(scope="module")
def kps() -> Methodology:
    return Methodology.default()


@pytest.fixture(scope="module")
def ua(portfolio: Portfolio, kps: Methodology) -> UncertaintyResult:
    return uncertainty_analysis(kps, portfolio, KPS_SPEC, n=N, rng=20240601)


@pytest.fixture(scope="module")
def asem() -> IndicatorSet:
    return read_coinr(*asem_paths())


def asem_methodology() -> Methodology:
    return Methodology(
        id="ASEM-test",
        version="1",
        steps=[
            Denominate(),
            Impute(method="group-mean", params={"group": "EurAsia_group"}),
            Treat(params={"points": 5}),
            Normalise(method="min-max", params={"lower": 1, "upper": 100}),
            Aggregate(method="arithmetic"),
        ],
    )


def finite_leq(a: np.ndarray, b: np.ndarray) -> bool:
    both = ~np.isnan(a) & ~np.isnan(b)
    return bool(np.all(a[both] <= b[both]))


# ---------------------------------------------------------------------------
# uncertainty analysis on the sample portfolio
# ---------------------------------------------------------------------------
def test_shapes_and_labels(ua: UncertaintyResult, portfolio: Portfolio) -> None:
    n_units = len(portfolio)
    assert ua.n == N
    assert ua.units == portfolio.ids
    assert len(ua.unit_names) == n_units
    for name in (
        "nominal_score",
        "nominal_rank",
        "score_mean",
        "score_median",
        "score_p5",
        "score_p95",
        "rank_mean",
        "rank_median",
        "rank_p5",
        "rank_p95",
        "p_top_k",
        "rank_shift",
    ):
        arr = getattr(ua, name)
        assert arr.shape == (n_units,), name
        assert not arr.flags.writeable, name
    assert ua.scores.shape == (N, n_units)
    assert ua.ranks.shape == (N, n_units)
    assert ua.design.shape == (N, 5 + 1)
    assert ua.choices.shape == (N, 1)
    assert ua.weights.shape == (N, 29 + 5)
    assert ua.factor_names == ("weights@2", "aggregation")
    assert ua.discrete_names == ("aggregation",)
    assert ua.discrete_labels == (("arithmetic", "geometric"),)
    assert ua.nodes[-5:] == ("P1", "P2", "P3", "P4", "P5")
    assert ua.method == "sobol"
    assert ua.top_k == 10
    assert isinstance(ua.methodology, MethodologyRef)
    assert ua.methodology == Methodology.default().ref
    assert np.all((ua.design >= 0) & (ua.design < 1))
    # both aggregation methods are sampled, about equally often
    assert 0.4 < ua.choices.mean() < 0.6


def test_nominal_is_the_methodology_run(
    ua: UncertaintyResult, portfolio: Portfolio
) -> None:
    card = Methodology.default().run(portfolio)
    assert_array_equal(ua.nominal_score, card.score())
    assert_array_equal(ua.nominal_rank, card.ranks())
    assert np.isnan(ua.nominal_score).any()  # insufficient evidence stays NaN


def test_percentiles_are_ordered(ua: UncertaintyResult) -> None:
    assert finite_leq(ua.score_p5, ua.score_median)
    assert finite_leq(ua.score_median, ua.score_p95)
    assert finite_leq(ua.rank_p5, ua.rank_median)
    assert finite_leq(ua.rank_median, ua.rank_p95)
    assert finite_leq(ua.rank_p5, ua.rank_mean)
    assert finite_leq(ua.rank_mean, ua.rank_p95 + 1e-12)
    assert np.all(ua.rank_p5[~np.isnan(ua.rank_p5)] >= 1)
    assert np.all(ua.rank_p95[~np.isnan(ua.rank_p95)] <= len(ua.units))


def test_statistics_match_the_samples(ua: UncertaintyResult) -> None:
    with np.errstate(invalid="ignore"):
        assert_allclose(ua.p_top_k, (ua.ranks <= ua.top_k).mean(axis=0))
        unit = 0
        r = ua.ranks[:, unit]
        r = r[~np.isnan(r)]
        assert_allclose(ua.rank_median[unit], np.median(r))
        assert_allclose(ua.rank_p5[unit], np.percentile(r, 5))
    assert np.all((ua.p_top_k >= 0) & (ua.p_top_k <= 1))
    # in each sample the top k are the units scoring at least the k-th best
    # score (ties share the best rank, so there may be more than k of them)
    for row in range(0, N, 17):
        s = ua.scores[row]
        kth = np.sort(s[~np.isnan(s)])[::-1][ua.top_k - 1]
        with np.errstate(invalid="ignore"):
            assert_array_equal(ua.ranks[row] <= ua.top_k, s >= kth)


def test_rank_shift(ua: UncertaintyResult) -> None:
    finite = ~np.isnan(ua.rank_shift)
    assert np.all(ua.rank_shift[finite] >= 0)
    # NaN only where the unit has no nominal rank
    assert_array_equal(~finite, np.isnan(ua.nominal_rank))
    shift = np.abs(ua.ranks - ua.nominal_rank)
    for unit in np.flatnonzero(finite)[:5]:
        col = shift[:, unit]
        assert_allclose(ua.rank_shift[unit], col[~np.isnan(col)].mean())
    # (U3): per sample the mean over units ranked in both, then over samples
    per_sample = np.array(
        [np.mean(row[~np.isnan(row)]) for row in shift if (~np.isnan(row)).any()]
    )
    assert_allclose(ua.mean_rank_shift, per_sample.mean(), rtol=1e-12)
    assert ua.mean_rank_shift > 0


def test_samples_are_the_engine_on_the_design(
    ua: UncertaintyResult, portfolio: Portfolio, kps: Methodology
) -> None:
    ev = Problem(kps, portfolio, KPS_SPEC).evaluate(np.array(ua.design))
    # the analysis stores its samples' scores in single precision
    assert ua.scores.dtype == np.float32
    assert_array_equal(ua.scores, ev.scores.astype(np.float32))
    assert_array_equal(ua.ranks, ev.ranks)
    assert_array_equal(ua.choices, ev.choices)
    assert_array_equal(ua.weights, ev.weights)


def test_same_rng_gives_the_same_bytes(
    ua: UncertaintyResult, portfolio: Portfolio, kps: Methodology
) -> None:
    again = uncertainty_analysis(kps, portfolio, KPS_SPEC, n=N, rng=20240601)
    assert again.design.tobytes() == ua.design.tobytes()
    assert again.scores.tobytes() == ua.scores.tobytes()
    assert again.ranks.tobytes() == ua.ranks.tobytes()
    assert again.rank_p95.tobytes() == ua.rank_p95.tobytes()
    seq = uncertainty_analysis(
        kps, portfolio, KPS_SPEC, n=N, rng=np.random.SeedSequence(20240601)
    )
    assert seq.design.tobytes() == ua.design.tobytes()


def test_block_does_not_change_the_result(
    ua: UncertaintyResult, portfolio: Portfolio, kps: Methodology
) -> None:
    blocked = uncertainty_analysis(kps, portfolio, KPS_SPEC, n=N, block=7, rng=20240601)
    assert blocked.scores.tobytes() == ua.scores.tobytes()
    assert blocked.ranks.tobytes() == ua.ranks.tobytes()


def test_different_rng_gives_a_different_design(
    ua: UncertaintyResult, portfolio: Portfolio, kps: Methodology
) -> None:
    other = uncertainty_analysis(kps, portfolio, KPS_SPEC, n=N, rng=1)
    assert not np.array_equal(other.design, ua.design)
    gen = np.random.default_rng(5)
    first = uncertainty_analysis(kps, portfolio, KPS_SPEC, n=16, rng=gen)
    second = uncertainty_analysis(kps, portfolio, KPS_SPEC, n=16, rng=gen)
    assert not np.array_equal(first.design, second.design)  # the generator advanced


def test_random_method(portfolio: Portfolio, kps: Methodology) -> None:
    res = uncertainty_analysis(
        kps, portfolio, KPS_SPEC, n=100, method="random", top_k=5, rng=3
    )
    assert res.method == "random"
    assert res.n == 100
    assert res.top_k == 5
    assert np.all((res.design >= 0) & (res.design < 1))
    again = uncertainty_analysis(
        kps, portfolio, KPS_SPEC, n=100, method="random", top_k=5, rng=3
    )
    assert again.scores.tobytes() == res.scores.tobytes()
    assert "p_top_5" in res.table()[0]


@pytest.mark.parametrize(("n", "hint"), [(1000, "512 or 1024"), (3, "2 or 4")])
def test_sobol_needs_a_power_of_two(
    portfolio: Portfolio, kps: Methodology, n: int, hint: str
) -> None:
    with pytest.raises(
        ParameterValueError,
        match=rf"^uncertainty_analysis\(\): 'n' must be a power of 2 for scrambled "
        rf"Sobol' points \(got {n}\)\. Use {hint}, or method='random'\.",
    ):
        uncertainty_analysis(kps, portfolio, KPS_SPEC, n=n, rng=0)


def test_bad_arguments(portfolio: Portfolio, kps: Methodology) -> None:
    with pytest.raises(
        ParameterValueError,
        match=r"^uncertainty_analysis\(\): 'method' must be \"sobol\" or \"random\"",
    ):
        uncertainty_analysis(kps, portfolio, KPS_SPEC, n=8, method="lhs", rng=0)  # type: ignore[arg-type]
    with pytest.raises(
        ParameterValueError,
        match=r"^uncertainty_analysis\(\): 'top_k' must be an integer >= 1 \(got 0\)",
    ):
        uncertainty_analysis(kps, portfolio, KPS_SPEC, n=8, top_k=0, rng=0)


def test_sample_describes_factor_values(ua: UncertaintyResult) -> None:
    for i in (0, 1, N - 1):
        s = ua.sample(i)
        assert set(s) == {"aggregation", "weights"}
        assert s["aggregation"] == ("arithmetic", "geometric")[int(ua.choices[i, 0])]
        assert list(s["weights"]) == list(ua.nodes)
        assert_array_equal(list(s["weights"].values()), ua.weights[i])
        # the design's first five columns drive the principle weights
        p = np.array([s["weights"][c] for c in ("P1", "P2", "P3", "P4", "P5")])
        assert_allclose(p, 0.2 * (0.75 + 0.5 * ua.design[i, :5]), rtol=1e-12)
        json.dumps(s)
    labels = {ua.sample(i)["aggregation"] for i in range(N)}
    assert labels == {"arithmetic", "geometric"}


def test_to_dict_is_json(ua: UncertaintyResult) -> None:
    d = ua.to_dict()
    text = json.dumps(d, allow_nan=False)
    back = json.loads(text)
    assert back["analysis"] == "uncertainty"
    assert back["n"] == N
    assert back["factors"] == ["weights@2", "aggregation"]
    assert back["methodology"]["sha256"] == ua.methodology.sha256
    assert len(back["units"]) == len(ua.units)
    first = back["units"][0]
    assert first["nominal_rank"] == 1.0
    assert "p_top_10" in first
    ranks = [u["nominal_rank"] for u in back["units"]]
    ranked = [r for r in ranks if r is not None]
    assert ranked == sorted(ranked)
    assert all(r is None for r in ranks[len(ranked) :])  # unranked last


def test_stable(ua: UncertaintyResult) -> None:
    span = ua.rank_p95 - ua.rank_p5
    for width in (0, 2, 5):
        expected = [u for u, s in zip(ua.units, span, strict=True) if s <= width]
        assert ua.stable(width) == expected
    assert ua.stable() == ua.stable(2)
    assert set(ua.stable(0)) <= set(ua.stable(2)) <= set(ua.stable(100))
    with_ranks = [u for u, s in zip(ua.units, span, strict=True) if not np.isnan(s)]
    assert ua.stable(10_000) == with_ranks


def test_to_pandas(ua: UncertaintyResult) -> None:
    pytest.importorskip("pandas")
    df = ua.to_pandas()
    assert df.index.name == "unit"
    assert list(df.index) == [row["unit"] for row in ua.table()]
    assert len(df) == len(ua.units)
    assert {"nominal_rank", "rank_p5", "rank_p95", "p_top_10", "rank_shift"} <= set(
        df.columns
    )
    assert df.attrs["methodology"] == str(ua.methodology)


def test_html_repr(ua: UncertaintyResult) -> None:
    text = ua._repr_html_()
    assert f"{ua.n} samples" in text
    assert ua.units[0] in text


# ---------------------------------------------------------------------------
# the documented structure of rank intervals (ASEM)
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def asem_ua(asem: IndicatorSet) -> UncertaintyResult:
    spec = UncertaintySpec(
        factors=[
            WeightNoise(levels=(2, 3), spread=0.25),
            aggregation_choice(["arithmetic", "geometric"]),
        ]
    )
    with pytest.warns() as record:  # LAO's missing denominator, every run
        res = uncertainty_analysis(asem_methodology(), asem, spec, n=1024, rng=0)
    assert all("LAO" in str(w.message) for w in record)
    return res


def test_asem_nominal_rank_lies_within_its_interval(
    asem_ua: UncertaintyResult,
) -> None:
    nr = asem_ua.nominal_rank
    assert not np.isnan(nr).any()
    within = (asem_ua.rank_p5 <= nr) & (nr <= asem_ua.rank_p95)
    assert within.mean() >= 0.9


def test_asem_intervals_are_wider_in_the_middle(asem_ua: UncertaintyResult) -> None:
    nr = asem_ua.nominal_rank
    width = asem_ua.rank_p95 - asem_ua.rank_p5
    top = width[nr <= 5].mean()
    middle = width[(nr >= 20) & (nr <= 30)].mean()
    assert top < middle


def test_asem_top_k_probability_falls_with_nominal_rank(
    asem_ua: UncertaintyResult,
) -> None:
    nr = asem_ua.nominal_rank
    p = asem_ua.p_top_k
    # Most units never reach the top 10 (P = 0, tied), which caps |rho|: with
    # 15 non-zero probabilities the best possible value is -0.805.
    rho = scipy.stats.spearmanr(nr, p).statistic
    assert rho < -0.8
    # the same claim, without the tie ceiling: mean P(top 10) per band of
    # nominal ranks never increases
    bands = [(1, 5), (6, 10), (11, 15), (16, 25), (26, 51)]
    means = [p[(nr >= lo) & (nr <= hi)].mean() for lo, hi in bands]
    assert all(a >= b for a, b in itertools.pairwise(means))
    assert means[0] > 0.9
    assert means[-1] < 0.01


# ---------------------------------------------------------------------------
# sensitivity analysis
# ---------------------------------------------------------------------------
SA_SPEC = UncertaintySpec(
    factors=[
        WeightNoise(levels=2, spread=0.25),
        aggregation_choice(["arithmetic", "harmonic"]),
        coverage_choice([0.3, 0.5, 0.7]),
    ]
)


@pytest.fixture(scope="module")
def sa(portfolio: Portfolio, kps: Methodology) -> SensitivityResult:
    with pytest.warns() as record:
        res = sensitivity_analysis(
            kps, portfolio, SA_SPEC, n=128, n_bootstrap=200, rng=11
        )
    assert all("non-finite model values" in str(w.message) for w in record)
    return res


def test_sensitivity_shapes(sa: SensitivityResult, portfolio: Portfolio) -> None:
    d = len(SA_SPEC.factors)
    n_units = len(portfolio)
    assert sa.factors == SA_SPEC.names
    assert sa.n == 128
    assert sa.n_runs == 128 * (d + 2)
    assert sa.units == portfolio.ids
    assert sa.mean_rank_shift.S1.shape == (d, 1)
    assert sa.mean_rank_shift.ST.shape == (d, 1)
    for idx in (sa.rank, sa.score):
        assert idx.S1.shape == (d, n_units)
        assert idx.ST.shape == (d, n_units)
        assert idx.S1_conf.shape == (d, n_units)
        assert idx.outputs == portfolio.ids
        assert idx.groups == SA_SPEC.names
    assert sa.methodology == Methodology.default().ref


@nan_outputs_warning
def test_sensitivity_runs_n_times_d_plus_2(
    portfolio: Portfolio, kps: Methodology
) -> None:
    calls: list[tuple[int, int]] = []
    res = sensitivity_analysis(
        kps,
        portfolio,
        SA_SPEC,
        n=16,
        n_bootstrap=0,
        progress=lambda done, total: calls.append((done, total)),
        rng=0,
    )
    assert res.n_runs == 16 * 5
    assert calls[-1] == (80, 80)
    assert np.isnan(res.mean_rank_shift.S1_conf).all()  # no bootstrap


def test_sensitivity_table_and_dict(sa: SensitivityResult) -> None:
    rows = sa.table()
    assert [r["factor"] for r in rows] == list(SA_SPEC.names)
    assert_allclose([r["ST"] for r in rows], sa.mean_rank_shift.ST[:, 0])
    d = sa.to_dict()
    back = json.loads(json.dumps(d))
    assert back["analysis"] == "sobol"
    assert back["n_runs"] == sa.n_runs
    assert back["factors"] == list(SA_SPEC.names)
    assert back["methodology"]["sha256"] == sa.methodology.sha256
    assert len(back["rank"]) == len(sa.units) * len(SA_SPEC.factors)
    pytest.importorskip("pandas")
    df = sa.to_pandas()
    assert list(df.index) == list(SA_SPEC.names)
    assert {"S1", "ST"} <= set(df.columns)


def test_sensitivity_agrees_with_salib(
    sa: SensitivityResult, portfolio: Portfolio, kps: Methodology
) -> None:
    salib_sobol = pytest.importorskip("SALib.analyze.sobol")
    problem = Problem(kps, portfolio, SA_SPEC)
    design_rng = np.random.default_rng(11).spawn(2)[0]
    design = saltelli_design(
        problem.dims, 128, groups=list(SA_SPEC.names), rng=design_rng
    )
    ev = problem.evaluate(design.stack())
    nominal = kps.run(portfolio).score()
    mars = row_rank_shift(ev.ranks, rank_rows(nominal[None, :])[0])
    assert np.isfinite(mars).all()
    salib_problem = {
        "num_vars": problem.n_dims,
        "names": [f"u{i}" for i in range(problem.n_dims)],
        "bounds": [[0.0, 1.0]] * problem.n_dims,
        "groups": [
            name
            for name, d in zip(SA_SPEC.names, problem.dims, strict=True)
            for _ in range(d)
        ],
    }
    si = salib_sobol.analyze(
        salib_problem, mars, calc_second_order=False, num_resamples=50, seed=1
    )
    assert_allclose(sa.mean_rank_shift.S1[:, 0], si["S1"], rtol=0, atol=1e-10)
    assert_allclose(sa.mean_rank_shift.ST[:, 0], si["ST"], rtol=0, atol=1e-10)
    # the aggregation method (harmonic: zeros pull whole scores to 0) dominates
    assert int(np.argmax(sa.mean_rank_shift.ST[:, 0])) == 1


@asem_warning
def test_dominant_factor_has_the_largest_total_index(asem: IndicatorSet) -> None:
    spec = UncertaintySpec(
        factors=[
            WeightNoise(levels=1, spread=0.1),
            Exclusion(codes=["Conn", "Sust"]),
        ]
    )
    res = sensitivity_analysis(
        asem_methodology(), asem, spec, n=128, n_bootstrap=100, rng=3
    )
    st = res.mean_rank_shift.ST[:, 0]
    assert int(np.argmax(st)) == 1
    assert st[1] > 0.8
    assert st[0] < 0.05
    # unit by unit, dropping a sub-index matters more than 10 % weight noise
    finite = ~np.isnan(res.rank.ST[0])
    assert np.mean(res.rank.ST[1, finite] > res.rank.ST[0, finite]) > 0.9


def test_sensitivity_to_dict_is_strict_json(sa: SensitivityResult) -> None:
    # "JSON-ready", like UncertaintyResult.to_dict (NaN -> None): units
    # without a score in some samples have NaN indices, which strict JSON
    # cannot hold
    assert np.isnan(sa.rank.S1).any()
    text = json.dumps(sa.to_dict(), allow_nan=False)
    assert json.loads(text)["analysis"] == "sobol"


@nan_outputs_warning
@pytest.mark.filterwarnings(
    "ignore:sobol_indices....constant bootstrap resamples"
    ":kampala.errors.DegenerateIndicatorWarning"
)
def test_sensitivity_same_rng_same_indices(
    portfolio: Portfolio, kps: Methodology
) -> None:
    runs = [
        sensitivity_analysis(kps, portfolio, SA_SPEC, n=32, n_bootstrap=50, rng=r)
        for r in (7, 7, 8)
    ]
    a, b, c = runs
    for name in ("mean_rank_shift", "rank", "score"):
        x, y = getattr(a, name), getattr(b, name)
        for field in ("S1", "ST", "S1_conf", "ST_conf", "S1_low", "ST_high"):
            assert_array_equal(getattr(x, field), getattr(y, field), err_msg=field)
    assert not np.array_equal(a.mean_rank_shift.S1, c.mean_rank_shift.S1)


def test_sensitivity_needs_a_power_of_two(
    portfolio: Portfolio, kps: Methodology
) -> None:
    with pytest.raises(
        ParameterValueError,
        match=r"'n' must be a power of two with method='sobol' \(got 100\)\. "
        r"Use n=64 or n=128, or method='random'",
    ):
        sensitivity_analysis(kps, portfolio, SA_SPEC, n=100, rng=0)


def test_sobol_refuses_a_discrete_factor_that_never_varies_between_a_and_b(
    portfolio: Portfolio, kps: Methodology
) -> None:
    # With n=16 scrambled Sobol' points, the two-option 'missing' factor takes
    # the same option in A and B in every row (seed 0): AB_missing equals A,
    # and its indices would be exactly 0 although it drives the ranking.
    spec = UncertaintySpec(factors=[WeightNoise(levels=2), missing_evidence_choice()])
    with pytest.raises(ParameterValueError, match=r"Factor 'missing'.*n >= 64") as info:
        sensitivity_analysis(kps, portfolio, spec, n=16, n_bootstrap=10, rng=0)
    assert info.value.field == "n"
    assert info.value.value == 16
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateIndicatorWarning)
        res = sensitivity_analysis(kps, portfolio, spec, n=64, n_bootstrap=10, rng=0)
    total = {row["factor"]: row["ST"] for row in res.table()}
    assert total["missing"] > 0.5
