"""Methodology.run and the sensitivity engine compute the same means.

Both call `kampala.composite.kernel.weighted_mean`; these tests hold them to
1e-12 for every aggregation method, on random small data sets with missing
values and zeros, and for exponents from -200 to 200.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from kampala import Framework, IndicatorSet, Methodology, Node, ParameterValueError
from kampala.composite import Aggregate
from kampala.sensitivity import UncertaintySpec, WeightNoise, uncertainty_analysis
from kampala.sensitivity._engine import Problem
from tests.strategies import frameworks, indicator_matrices

POWERS = (-200.0, -1.0, 0.0, 0.5, 1.0, 2.0, 200.0)
STEPS = [
    Aggregate(method="arithmetic"),
    Aggregate(method="geometric"),
    Aggregate(method="harmonic"),
    *(Aggregate(method="generalised-mean", params={"p": p}) for p in POWERS),
    Aggregate(method="minimum"),
    Aggregate(method="mazziotta-pareto"),
    Aggregate(method="mazziotta-pareto", params={"penalty": 1}),
    Aggregate(method="copeland"),
    Aggregate(levels={2: "geometric", 3: {"method": "minimum"}}),
    Aggregate(
        levels={2: "harmonic", 3: {"method": "generalised-mean", "params": {"p": -3}}}
    ),
]
#: weights varied by 1e-12: every sample is the nominal methodology
TINY = UncertaintySpec(factors=[WeightNoise(levels=1, spread=1e-12)])


def methodology(step: Aggregate) -> Methodology:
    return Methodology(id="agree", version="1", steps=[step])


def engine_nominal(m: Methodology, data: IndicatorSet) -> np.ndarray:
    """Root scores from the sampling engine at the nominal weights."""
    problem = Problem(m, data, TINY)
    u = np.full((3, problem.n_dims), 0.5)
    scores: np.ndarray = problem.evaluate(u).scores
    assert_array_equal(scores[1], scores[0])
    return scores[0]


@st.composite
def data_sets(draw: st.DrawFn, *, positive_mean: bool) -> IndicatorSet:
    fw = draw(frameworks(max_indicators=3, directions=False, zero_weights=True))
    n = draw(st.integers(2, 6))
    k = len(fw.indicator_codes)
    x = draw(indicator_matrices(n, k, lo=0.0, hi=100.0))
    zeros = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, k - 1))))
    for r, c in zeros:
        x[r, c] = 0.0
    if positive_mean:  # Mazziotta-Pareto needs a positive mean of children
        x = np.where(x == 0, 1.0, x)
    return IndicatorSet(framework=fw, unit_codes=[f"u{i}" for i in range(n)], values=x)


@pytest.mark.parametrize("step", STEPS, ids=lambda s: f"{s.method}{dict(s.params)}")
@settings(max_examples=12)
@given(data=st.data(), thresholds=st.sampled_from([(0.0, 0.0), (0.5, 0.0), (0.0, 0.6)]))
def test_run_equals_the_engine_at_the_nominal_weights(
    step: Aggregate, data: Any, thresholds: tuple[float, float]
) -> None:
    indicators = data.draw(data_sets(positive_mean=step.method == "mazziotta-pareto"))
    levels = {k: v for k, v in step.levels.items() if k in indicators.framework.levels}
    step = Aggregate(
        method=step.method,
        params=step.params,
        levels=levels,
        min_data=thresholds[0],
        min_coverage=thresholds[1],
    )
    m = methodology(step)
    try:
        expected = m.run(indicators).score()
    except ParameterValueError:
        # a value outside the mean's domain (a Mazziotta-Pareto pillar can be
        # negative): the engine refuses it as well
        with pytest.raises(ParameterValueError, match="Mazziotta-Pareto"):
            engine_nominal(m, indicators)
        return
    got = engine_nominal(m, indicators)
    assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("p", [-200.0, 200.0])
def test_reviewers_case_is_finite_and_equal_on_both_paths(p: float) -> None:
    """4 units x 3 indicators in [10, 99], generalised mean with p = +-200."""
    x = np.random.default_rng(0).uniform(10, 99, size=(4, 3))
    fw = Framework(
        nodes=[Node(code=c, parent="R") for c in "abc"]
        + [Node(code="R", level=2, kind="aggregate")]
    )
    data = IndicatorSet(framework=fw, unit_codes=["u1", "u2", "u3", "u4"], values=x)
    m = methodology(Aggregate(method="generalised-mean", params={"p": p}))
    nominal = m.run(data).score()
    assert np.isfinite(nominal).all()
    extreme = x.max(axis=1) if p > 0 else x.min(axis=1)
    assert_allclose(nominal, extreme, rtol=0.01)  # (1/3)**(1/200) = 0.9945...
    assert_allclose(engine_nominal(m, data), nominal, rtol=1e-12)
    spec = UncertaintySpec(factors=[WeightNoise(levels=1, spread=1e-12)])
    res = uncertainty_analysis(m, data, spec, n=8, rng=1)
    assert_array_equal(res.nominal_score, nominal)
    assert np.isfinite(res.scores).all()
    # samples are stored in float32
    assert_allclose(res.scores, np.broadcast_to(nominal, res.scores.shape), rtol=1e-6)
    assert_allclose(res.score_mean, nominal, rtol=1e-6)


@pytest.mark.parametrize("p", [-200.0, 200.0])
def test_extreme_exponent_with_varying_lower_levels(p: float) -> None:
    """Lower aggregates that differ by sample go through the same scaled mean."""
    rng = np.random.default_rng(4)
    x = rng.uniform(1, 100, size=(5, 4))
    fw = Framework(
        nodes=[
            Node(code="a", parent="P"),
            Node(code="b", parent="P"),
            Node(code="c", parent="Q"),
            Node(code="d", parent="Q"),
            Node(code="P", level=2, kind="aggregate", parent="R"),
            Node(code="Q", level=2, kind="aggregate", parent="R"),
            Node(code="R", level=3, kind="aggregate"),
        ]
    )
    data = IndicatorSet(framework=fw, unit_codes=[f"u{i}" for i in range(5)], values=x)
    m = methodology(Aggregate(method="generalised-mean", params={"p": p}))
    nominal = m.run(data).score()
    assert np.isfinite(nominal).all()
    assert_allclose(engine_nominal(m, data), nominal, rtol=1e-12)
    spec = UncertaintySpec(factors=[WeightNoise(levels=(1, 2), spread=0.3)])
    problem = Problem(m, data, spec)
    ev = problem.evaluate(np.random.default_rng(1).random((64, problem.n_dims)))
    assert np.isfinite(ev.scores).all()
    lo, hi = x.min(axis=1), x.max(axis=1)
    assert (ev.scores >= lo - 1e-9).all()
    assert (ev.scores <= hi + 1e-9).all()
