"""The sampling engine: every sample equals the variant methodology run directly."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import attrs
import numpy as np
import pytest
import scipy.stats
from numpy.testing import assert_allclose, assert_array_equal

from kampala import Framework, IndicatorSet, Methodology, Node
from kampala.composite import (
    Aggregate,
    Denominate,
    Impute,
    Normalise,
    Screen,
    Treat,
)
from kampala.composite_result import rank_scores
from kampala.data import asem_paths, sample_portfolio
from kampala.errors import ParameterValueError
from kampala.io import read_coinr
from kampala.portfolio import Portfolio
from kampala.scoring import ScorerSpec
from kampala.sensitivity import (
    DirichletWeights,
    Exclusion,
    ScorerParameter,
    SettingChoice,
    StepChoice,
    UncertaintySpec,
    WeightNoise,
    aggregation_choice,
    coverage_choice,
    missing_evidence_choice,
)
from kampala.sensitivity._engine import Evaluation, Problem, rank_rows

#: LAO has no Energy denominator: Denominate warns on every ASEM run.
asem_warning = pytest.mark.filterwarnings(
    "ignore:Denominate.*'Energy'.*'LAO':kampala.errors.DegenerateIndicatorWarning"
)

RTOL = 1e-12
ATOL = 1e-12

ASEM_AGGREGATES = (
    Aggregate(method="arithmetic"),
    Aggregate(method="geometric"),
    Aggregate(method="harmonic"),
    Aggregate(method="generalised-mean", params={"p": 0.5}),
    Aggregate(method="minimum"),
    Aggregate(method="copeland"),
    Aggregate(levels={2: "geometric", 3: "minimum"}),
)


# ---------------------------------------------------------------------------
# data and helpers
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def asem() -> IndicatorSet:
    return read_coinr(*asem_paths())


@pytest.fixture(scope="module")
def portfolio() -> Portfolio:
    return sample_portfolio()


@pytest.fixture(scope="module")
def kps() -> Methodology:
    return Methodology.default()


def asem_steps(
    *,
    points: int = 5,
    normalise: Normalise | None = None,
) -> list[object]:
    return [
        Denominate(),
        Impute(method="group-mean", params={"group": "EurAsia_group"}),
        Treat(params={"points": points}),
        normalise or Normalise(method="min-max", params={"lower": 1, "upper": 100}),
    ]


def asem_methodology(aggregate: Aggregate | None = None) -> Methodology:
    return Methodology(
        id="ASEM-test",
        version="1",
        steps=[*asem_steps(), aggregate or Aggregate(method="arithmetic")],
    )


def cell_centres(options: Sequence[int]) -> tuple[list[tuple[int, ...]], np.ndarray]:
    """Every combination of options, and the design row in the middle of each cell."""
    grid = list(itertools.product(*(range(k) for k in options)))
    u = np.array(
        [[(c + 0.5) / k for c, k in zip(g, options, strict=True)] for g in grid]
    )
    return grid, u


def assert_scores_equal(direct: np.ndarray, sampled: np.ndarray, what: str) -> None:
    assert_array_equal(np.isnan(direct), np.isnan(sampled), err_msg=f"NaN: {what}")
    assert_allclose(sampled, direct, rtol=RTOL, atol=ATOL, err_msg=what)


def with_aggregate(m: Methodology, **changes: object) -> Methodology:
    agg = m.aggregate
    assert agg is not None
    return attrs.evolve(m, steps=[*m.steps[:-1], attrs.evolve(agg, **changes)])


# ---------------------------------------------------------------------------
# discrete factors: each sample is the variant run directly
# ---------------------------------------------------------------------------
@asem_warning
def test_asem_discrete_samples_equal_direct_runs(asem: IndicatorSet) -> None:
    norms = [
        Normalise(method="min-max", params={"lower": 1, "upper": 100}),
        Normalise(method="z-score", params={"mean": 10, "sd": 2}),
    ]
    methods = ["arithmetic", "geometric"]
    spec = UncertaintySpec(
        factors=[
            SettingChoice(
                step="treat", setting="params.points", values=[1, 2, 3, 4, 5]
            ),
            StepChoice(step="normalise", alternatives=norms),
            aggregation_choice(methods),
        ]
    )
    problem = Problem(asem_methodology(), asem, spec)
    assert problem.n_dims == 3
    grid, u = cell_centres([5, 2, 2])
    ev = problem.evaluate(u)
    assert isinstance(ev, Evaluation)
    assert_array_equal(ev.choices, np.array(grid))
    assert ev.scores.shape == (20, asem.n_units)
    for row, (p, n, a) in enumerate(grid):
        variant = Methodology(
            id="v",
            version="1",
            steps=[
                *asem_steps(points=p + 1, normalise=norms[n]),
                Aggregate(method=methods[a]),
            ],
        )
        direct = variant.run(asem).score()
        assert_scores_equal(direct, ev.scores[row], f"points={p + 1} norm={n} {a}")
        assert_array_equal(ev.ranks[row], rank_scores(direct))


@asem_warning
def test_asem_every_aggregation_method_equals_direct_runs(asem: IndicatorSet) -> None:
    # weights noisy at every level, so each method sees non-nominal weights
    spec = UncertaintySpec(
        factors=[
            WeightNoise(levels=(1, 2, 3), spread=0.5),
            StepChoice(step="aggregate", alternatives=ASEM_AGGREGATES),
            Exclusion(codes=["Physical", "Sust", "LPI"]),
        ]
    )
    problem = Problem(asem_methodology(), asem, spec)
    k = len(ASEM_AGGREGATES)
    grid = [(a, e) for a in range(k) for e in range(4)]
    u = np.random.default_rng(0).random((len(grid), problem.n_dims))
    u[:, -2] = [(a + 0.5) / k for a, _ in grid]
    u[:, -1] = [(e + 0.5) / 4 for _, e in grid]
    ev = problem.evaluate(u)
    for row, (a, e) in enumerate(grid):
        weights = dict(zip(problem.nodes, ev.weights[row].tolist(), strict=True))
        variant = asem_methodology(attrs.evolve(ASEM_AGGREGATES[a], weights=weights))
        direct = variant.run(asem).score()
        assert_scores_equal(direct, ev.scores[row], f"{ASEM_AGGREGATES[a]} excl={e}")


def kps_variant(
    kps: Methodology, method: str, coverage: float, missing: int, diversity: int
) -> Methodology:
    agg = Aggregate(method=method, min_coverage=coverage)
    steps = (
        [agg]
        if missing == 0
        else [Impute(method="constant", params={"value": 0.0}), agg]
    )
    scorers = [
        s
        if s.principle != 3
        else ScorerSpec(
            principle=3,
            id=s.id,
            version=s.version,
            params={**s.params, "diversity_target": diversity},
        )
        for s in kps.scorers
    ]
    return attrs.evolve(kps, steps=steps, scorers=scorers)


KPS_SPEC = UncertaintySpec(
    factors=[
        aggregation_choice(["arithmetic", "geometric"]),
        coverage_choice([0.3, 0.5, 0.7]),
        missing_evidence_choice(),
        ScorerParameter(principle=3, param="diversity_target", values=[3, 5]),
    ]
)


@pytest.mark.parametrize("method", ["arithmetic", "geometric"])
def test_kps_discrete_samples_equal_direct_runs(
    portfolio: Portfolio, kps: Methodology, method: str
) -> None:
    problem = Problem(kps, portfolio, KPS_SPEC)
    grid, u = cell_centres([2, 3, 2, 2])
    ev = problem.evaluate(u)
    m = ["arithmetic", "geometric"].index(method)
    seen_diversity_effect = False
    for row, (a, c, mi, d) in enumerate(grid):
        if a != m:
            continue
        coverage, diversity = [0.3, 0.5, 0.7][c], [3, 5][d]
        variant = kps_variant(kps, method, coverage, mi, diversity)
        card = variant.run(portfolio)
        direct = card.score()
        what = f"{method} cov={coverage} missing={mi} diversity={diversity}"
        assert_scores_equal(direct, ev.scores[row], what)
        assert_array_equal(ev.ranks[row], card.ranks())
        if d == 1:
            other = grid.index((a, c, mi, 0))
            seen_diversity_effect |= not np.allclose(
                ev.scores[row], ev.scores[other], equal_nan=True
            )
    assert seen_diversity_effect  # the scorer parameter does reach the scores


def test_zero_child_under_geometric_mean_matches_direct_run() -> None:
    # A unit with a 0 in one pillar: the geometric mean of that pillar is 0
    # (its limit) and the other pillar is the geometric mean of its own
    # children. The engine says so; the direct run must agree.
    fw = Framework(
        nodes=[
            Node(code="a1", parent="A"),
            Node(code="a2", parent="A"),
            Node(code="b1", parent="B"),
            Node(code="b2", parent="B"),
            Node(code="A", level=2, kind="aggregate", parent="R"),
            Node(code="B", level=2, kind="aggregate", parent="R"),
            Node(code="R", level=3, kind="aggregate"),
        ]
    )
    data = IndicatorSet(
        framework=fw,
        unit_codes=["u", "v", "w"],
        values=[[0.0, 4.0, 1.0, 4.0], [1.0, 4.0, 1.0, 4.0], [2.0, 2.0, 4.0, 1.0]],
    )
    m = Methodology(id="g", version="1", steps=[Aggregate(method="geometric")])
    direct = m.run(data)
    assert_allclose(direct.score("B"), [2.0, 2.0, 2.0], rtol=1e-15)
    spec = UncertaintySpec(factors=[WeightNoise(levels=1, spread=0.1)])
    problem = Problem(m, data, spec)
    ev = problem.evaluate(np.full((1, problem.n_dims), 0.5))
    assert_scores_equal(direct.score(), ev.scores[0], "geometric with a zero")


# ---------------------------------------------------------------------------
# exclusion and weight samples
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("code", ["P2", "P4", "P1.alignment", "P5.safeguards"])
def test_exclusion_equals_a_zero_weight(
    portfolio: Portfolio, kps: Methodology, code: str
) -> None:
    codes = ["P2", "P4", "P1.alignment", "P5.safeguards"]
    problem = Problem(kps, portfolio, UncertaintySpec(factors=[Exclusion(codes=codes)]))
    _, u = cell_centres([len(codes) + 1])
    ev = problem.evaluate(u)
    assert_array_equal(ev.choices[:, 0], np.arange(len(codes) + 1))
    row = codes.index(code) + 1
    assert ev.weights[row, problem.node_index[code]] == 0.0
    direct = with_aggregate(kps, weights={code: 0.0}).run(portfolio).score()
    assert_scores_equal(direct, ev.scores[row], f"without {code}")
    assert_scores_equal(kps.run(portfolio).score(), ev.scores[0], "nothing excluded")


@asem_warning
def test_exclusion_of_a_pillar_equals_a_zero_weight(asem: IndicatorSet) -> None:
    m = asem_methodology()
    problem = Problem(m, asem, UncertaintySpec(factors=[Exclusion(codes=["P2P"])]))
    ev = problem.evaluate(np.array([[0.25], [0.75]]))
    direct = with_aggregate(m, weights={"P2P": 0.0}).run(asem).score()
    assert_scores_equal(direct, ev.scores[1], "without P2P")
    assert not np.allclose(ev.scores[0], ev.scores[1])


@pytest.mark.parametrize(
    "factor",
    [
        WeightNoise(levels=2, spread=0.25),
        WeightNoise(levels=(1, 2), spread=0.5),
        DirichletWeights(level=1, concentration=5.0),
    ],
    ids=["noise@2", "noise@1,2", "dirichlet@1"],
)
def test_weight_samples_equal_aggregation_with_those_weights(
    portfolio: Portfolio, kps: Methodology, factor: object
) -> None:
    spec = UncertaintySpec(factors=[factor, coverage_choice([0.3, 0.7])])
    problem = Problem(kps, portfolio, spec)
    u = np.random.default_rng(3).random((6, problem.n_dims))
    ev = problem.evaluate(u)
    assert ev.weights.shape == (6, len(problem.nodes))
    assert problem.nodes[-5:] == ("P1", "P2", "P3", "P4", "P5")
    for row in range(6):
        weights = dict(zip(problem.nodes, ev.weights[row].tolist(), strict=True))
        coverage = [0.3, 0.7][int(ev.choices[row, 0])]
        variant = with_aggregate(kps, weights=weights, min_coverage=coverage)
        direct = variant.run(portfolio).score()
        assert_scores_equal(direct, ev.scores[row], f"sample {row}")


def test_weight_noise_weights_follow_the_design(
    portfolio: Portfolio, kps: Methodology
) -> None:
    problem = Problem(
        kps, portfolio, UncertaintySpec(factors=[WeightNoise(levels=2, spread=0.4)])
    )
    u = np.array([[0.0] * 5, [0.5] * 5, [1.0 - 1e-12] * 5])
    ev = problem.evaluate(u)
    idx = [problem.node_index[c] for c in ("P1", "P2", "P3", "P4", "P5")]
    nominal = problem.nominal_weights[idx]
    assert_allclose(nominal, 0.2)
    assert_allclose(ev.weights[0, idx], 0.6 * nominal, rtol=1e-12)
    assert_allclose(ev.weights[1, idx], nominal, rtol=1e-12)
    assert_allclose(ev.weights[2, idx], 1.4 * nominal, rtol=1e-10)
    others = [i for i in range(len(problem.nodes)) if i not in idx]
    assert_array_equal(
        ev.weights[:, others], problem.nominal_weights[others][None].repeat(3, 0)
    )
    # equal multipliers leave the relative weights, and so the scores, unchanged
    assert_allclose(ev.scores[0], ev.scores[1], rtol=1e-13)


# ---------------------------------------------------------------------------
# block size never changes the numbers
# ---------------------------------------------------------------------------
@asem_warning
def test_block_size_does_not_change_asem_numbers(asem: IndicatorSet) -> None:
    spec = UncertaintySpec(
        factors=[
            WeightNoise(levels=(1, 2, 3), spread=0.25),
            StepChoice(step="aggregate", alternatives=ASEM_AGGREGATES),
            Exclusion(codes=["Physical", "Conn"]),
        ]
    )
    problem = Problem(asem_methodology(), asem, spec)
    u = np.random.default_rng(11).random((150, problem.n_dims))
    ref = problem.evaluate(u)
    for block in (1, 7, 64, 1000):
        ev = problem.evaluate(u, block=block)
        assert_array_equal(ev.scores, ref.scores, err_msg=f"block={block}")
        assert_array_equal(ev.ranks, ref.ranks, err_msg=f"block={block}")
        assert_array_equal(ev.weights, ref.weights)
        assert_array_equal(ev.choices, ref.choices)


def test_block_size_does_not_change_kps_numbers(
    portfolio: Portfolio, kps: Methodology
) -> None:
    spec = UncertaintySpec(
        factors=[
            WeightNoise(levels=(1, 2), spread=0.3),
            *KPS_SPEC.factors,
            Exclusion(codes=["P1", "P3.dialogue"]),
        ]
    )
    problem = Problem(kps, portfolio, spec)
    u = np.random.default_rng(12).random((200, problem.n_dims))
    ref = problem.evaluate(u)
    assert np.isnan(ref.scores).any()  # coverage thresholds bite
    for block in (1, 7, 1000, None):
        ev = problem.evaluate(u, block=block)
        assert ev.scores.tobytes() == ref.scores.tobytes(), f"block={block}"
        assert ev.ranks.tobytes() == ref.ranks.tobytes(), f"block={block}"


def test_same_design_gives_the_same_bytes(
    portfolio: Portfolio, kps: Methodology
) -> None:
    spec = UncertaintySpec(
        factors=[
            WeightNoise(levels=2),
            DirichletWeights(level=1, concentration=8.0),
            *KPS_SPEC.factors,
        ]
    )
    u = np.random.default_rng(13).random((100, Problem(kps, portfolio, spec).n_dims))
    one = Problem(kps, portfolio, spec).evaluate(u)
    two = Problem(kps, portfolio, spec).evaluate(u.copy())
    again = Problem(kps, portfolio, spec)
    again.evaluate(u[::-1])  # warm caches in another order
    three = again.evaluate(u)
    for ev in (two, three):
        assert ev.scores.tobytes() == one.scores.tobytes()
        assert ev.ranks.tobytes() == one.ranks.tobytes()
        assert ev.weights.tobytes() == one.weights.tobytes()
        assert_array_equal(ev.choices, one.choices)


def test_progress_reports_every_sample(portfolio: Portfolio, kps: Methodology) -> None:
    problem = Problem(kps, portfolio, KPS_SPEC)
    calls: list[tuple[int, int]] = []
    u = np.random.default_rng(1).random((50, problem.n_dims))
    problem.evaluate(
        u, block=8, progress=lambda done, total: calls.append((done, total))
    )
    assert calls[-1] == (50, 50)
    assert all(total == 50 for _, total in calls)
    done = [d for d, _ in calls]
    assert done == sorted(done)


# ---------------------------------------------------------------------------
# ranks
# ---------------------------------------------------------------------------
def test_rank_rows_is_competition_ranking_with_nan_kept() -> None:
    scores = np.array(
        [
            [1.0, 3.0, 3.0, np.nan, 0.5],
            [2.0, 2.0, 2.0, 2.0, 2.0],
            [np.nan, np.nan, np.nan, np.nan, np.nan],
            [0.1, 0.4, 0.3, 0.4, np.nan],
        ]
    )
    expected = np.array(
        [
            [3.0, 1.0, 1.0, np.nan, 4.0],
            [1.0, 1.0, 1.0, 1.0, 1.0],
            [np.nan] * 5,
            [4.0, 1.0, 3.0, 1.0, np.nan],
        ]
    )
    assert_array_equal(rank_rows(scores), expected)
    assert rank_rows(np.empty((0, 3))).shape == (0, 3)


def test_sample_ranks_match_rank_scores_row_by_row(
    portfolio: Portfolio, kps: Methodology
) -> None:
    spec = UncertaintySpec(factors=[WeightNoise(levels=2), *KPS_SPEC.factors])
    problem = Problem(kps, portfolio, spec)
    ev = problem.evaluate(np.random.default_rng(2).random((64, problem.n_dims)))
    assert np.isnan(ev.scores).any()
    for row in range(64):
        assert_array_equal(ev.ranks[row], rank_scores(ev.scores[row]))
        r = ev.ranks[row]
        s = ev.scores[row]
        ok = ~np.isnan(s)
        assert_array_equal(np.isnan(r), np.isnan(s))
        # competition ranking: 1 + number of strictly better units
        better = (s[ok][None, :] > s[ok][:, None]).sum(axis=1)
        assert_array_equal(r[ok], 1 + better)
        assert_array_equal(
            r[ok], scipy.stats.rankdata(-s[ok], method="min").astype(float)
        )


# ---------------------------------------------------------------------------
# misuse gives clear errors
# ---------------------------------------------------------------------------
@asem_warning
def test_screening_that_drops_units_is_a_clear_error(asem: IndicatorSet) -> None:
    m = Methodology(
        id="screened",
        version="1",
        steps=[
            Screen(params={"threshold": 0.9}),
            Normalise(method="min-max", params={"lower": 1, "upper": 100}),
            Aggregate(),
        ],
    )
    assert len(m.run(asem).unit_codes) < asem.n_units
    problem = Problem(m, asem, UncertaintySpec(factors=[WeightNoise(levels=2)]))
    with pytest.raises(
        ParameterValueError,
        match=r"^sensitivity: 'steps' must be steps that keep every unit \(screening "
        r"is not supported in a sensitivity analysis\) \(got \['screen', "
        r"'normalise', 'aggregate'\]\)",
    ):
        problem.evaluate(np.full((4, problem.n_dims), 0.5))


def test_design_of_the_wrong_shape(portfolio: Portfolio, kps: Methodology) -> None:
    problem = Problem(kps, portfolio, UncertaintySpec(factors=[WeightNoise(levels=2)]))
    with pytest.raises(
        ParameterValueError,
        match=r"^sensitivity: 'design' must be of shape \(n_samples, 5\) "
        r"\(got \(3, 4\)\)",
    ):
        problem.evaluate(np.zeros((3, 4)))


@asem_warning
def test_mazziotta_pareto_sample_the_direct_run_rejects_is_rejected(
    asem: IndicatorSet,
) -> None:
    # On min-max 1..100 data the Mazziotta-Pareto pillars can be negative, and
    # the direct run refuses the next level ("mean of children must be > 0").
    # The engine must not score such a sample silently.
    mp = Aggregate(method="mazziotta-pareto")
    with pytest.raises(ParameterValueError, match=r"Mazziotta-Pareto"):
        asem_methodology(mp).run(asem)
    spec = UncertaintySpec(
        factors=[StepChoice(step="aggregate", alternatives=[Aggregate(), mp])]
    )
    problem = Problem(asem_methodology(), asem, spec)
    with pytest.raises(ParameterValueError, match=r"Mazziotta-Pareto"):
        problem.evaluate(np.array([[0.75]]))


@asem_warning
def test_mazziotta_pareto_on_its_own_scale_equals_direct_runs(
    asem: IndicatorSet,
) -> None:
    z = Normalise(method="z-score", params={"mean": 100, "sd": 10})
    mp = Aggregate(method="mazziotta-pareto")
    m = Methodology(id="mp", version="1", steps=[*asem_steps(normalise=z), mp])
    spec = UncertaintySpec(factors=[WeightNoise(levels=(2, 3), spread=0.5)])
    problem = Problem(m, asem, spec)
    ev = problem.evaluate(np.random.default_rng(9).random((4, problem.n_dims)))
    for row in range(4):
        weights = dict(zip(problem.nodes, ev.weights[row].tolist(), strict=True))
        variant = attrs.evolve(
            m, steps=[*m.steps[:-1], attrs.evolve(mp, weights=weights)]
        )
        assert_scores_equal(variant.run(asem).score(), ev.scores[row], f"{row}")


def test_weights_are_not_a_setting_to_choose(
    portfolio: Portfolio, kps: Methodology
) -> None:
    # weights vary through WeightNoise / DirichletWeights, which the engine
    # applies per sample; a discrete choice of weights is refused up front
    factor = SettingChoice(
        step="aggregate", setting="weights", values=["framework", {"P2": 3.0}]
    )
    spec = UncertaintySpec(factors=[factor])
    with pytest.raises(
        ParameterValueError, match=r"'setting' must be a setting other than the"
    ):
        Problem(kps, portfolio, spec)


def test_aggregate_alternatives_must_keep_the_weights(
    portfolio: Portfolio, kps: Methodology
) -> None:
    alt = Aggregate(min_coverage=0.5, weights={"P2": 3.0})
    spec = UncertaintySpec(
        factors=[
            StepChoice(
                step="aggregate", alternatives=[Aggregate(min_coverage=0.5), alt]
            )
        ]
    )
    with pytest.raises(
        ParameterValueError, match=r"'alternatives' must be the methodology's weights"
    ):
        Problem(kps, portfolio, spec)


@asem_warning
def test_setting_choice_on_a_step_another_factor_may_drop(asem: IndicatorSet) -> None:
    # StepChoice switches treatment off; SettingChoice varies its points.
    # The combination validates, so evaluating it must not crash with a
    # KeyError: either a ParameterValueError up front or a defined result.
    spec = UncertaintySpec(
        factors=[
            StepChoice(step="treat", alternatives=[None, Treat()]),
            SettingChoice(step="treat", setting="params.points", values=[1, 2]),
        ]
    )
    try:
        problem = Problem(asem_methodology(), asem, spec)
        problem.evaluate(np.array([[0.25, 0.25], [0.75, 0.75]]))
    except ParameterValueError:
        pass
