"""The execution layer: a picklable problem, blocks anywhere, one exact merge."""

from __future__ import annotations

import itertools
import json
import pickle
import warnings
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kampala import DegenerateIndicatorWarning, Methodology
from kampala.data import sample_portfolio
from kampala.errors import ParameterValueError
from kampala.methodology import kps1
from kampala.portfolio import Portfolio
from kampala.principles import DEFAULT_SCORERS, ScorerRegistry
from kampala.sensitivity import (
    AnalysisProblem,
    BlockResult,
    Exclusion,
    SensitivityResult,
    UncertaintySpec,
    WeightNoise,
    aggregation_choice,
    merge_blocks,
    missing_evidence_choice,
    sensitivity_analysis,
    uncertainty_analysis,
)
from kampala.sensitivity.analysis import _output_stats, _sobol_indices, _summarise

SPEC = UncertaintySpec(
    factors=[
        WeightNoise(levels=2, spread=0.25),
        aggregation_choice(["arithmetic", "geometric"]),
        missing_evidence_choice(),
        Exclusion(codes=["P1", "P4"]),
    ]
)


@pytest.fixture(scope="module")
def portfolio() -> Portfolio:
    return sample_portfolio()


@pytest.fixture(scope="module")
def kps() -> Methodology:
    return kps1()


def explicit_registry() -> ScorerRegistry:
    reg = ScorerRegistry(load_plugins=False)
    for factory in DEFAULT_SCORERS:
        reg.register(factory())
    return reg


def same_bytes(a: BlockResult, b: BlockResult) -> bool:
    return (a.start, a.stop) == (b.start, b.stop) and all(
        getattr(a, f).tobytes() == getattr(b, f).tobytes()
        and getattr(a, f).dtype == getattr(b, f).dtype
        for f in ("scores", "ranks", "choices", "weights")
    )


def _evaluate(problem: AnalysisProblem, rows: tuple[int, int]) -> BlockResult:
    return problem.evaluate(*rows)


# -- pickling -----------------------------------------------------------------------
def test_registry_pickles_without_its_lock() -> None:
    reg = explicit_registry()
    again = pickle.loads(pickle.dumps(reg))
    assert again.available() == reg.available()
    again.register(DEFAULT_SCORERS[0](), replace=True)  # a working, fresh lock


@pytest.mark.parametrize("registry", [None, "explicit"])
def test_problem_pickles(
    portfolio: Portfolio, kps: Methodology, registry: str | None
) -> None:
    reg = explicit_registry() if registry else None
    problem = AnalysisProblem.uncertainty(
        kps, portfolio, SPEC, n=32, registry=reg, rng=3
    )
    serial = problem.evaluate()  # fills the caches, which are not pickled
    again = pickle.loads(pickle.dumps(problem))
    assert again.design.tobytes() == problem.design.tobytes()
    assert not again.engine._prepared
    assert same_bytes(again.evaluate(), serial)


# -- blocks in other processes ------------------------------------------------------
def test_process_pool_uncertainty_is_the_serial_result(
    portfolio: Portfolio, kps: Methodology
) -> None:
    reg = explicit_registry()
    serial = uncertainty_analysis(kps, portfolio, SPEC, n=64, registry=reg, rng=5)
    problem = AnalysisProblem.uncertainty(
        kps, portfolio, SPEC, n=64, registry=reg, rng=5
    )
    with ProcessPoolExecutor(2) as pool:
        blocks = problem.blocks(23)
        parts = list(pool.map(_evaluate, [problem] * len(blocks), blocks[::-1]))
    merged = merge_blocks(parts)
    result = _summarise(problem, merged, 10, "sobol", kps)
    assert json.dumps(result.to_dict()) == json.dumps(serial.to_dict())
    assert result.scores.tobytes() == serial.scores.tobytes()
    assert result.ranks.tobytes() == serial.ranks.tobytes()


def test_process_pool_sobol_is_the_serial_result(
    portfolio: Portfolio, kps: Methodology
) -> None:
    with warnings.catch_warnings():  # units never scored have no indices
        warnings.simplefilter("ignore", DegenerateIndicatorWarning)
        serial = sensitivity_analysis(kps, portfolio, SPEC, n=64, n_bootstrap=50, rng=7)
        problem = AnalysisProblem.sobol(kps, portfolio, SPEC, n=64, rng=7)
        with ProcessPoolExecutor(2) as pool:
            blocks = problem.blocks(37)
            parts = list(pool.map(_evaluate, [problem] * len(blocks), blocks))
        merged = merge_blocks(parts[::-1])
        idx = _sobol_indices(problem, merged, 50, 0.95)
        output_mean, output_std = _output_stats(problem, merged)
    result = SensitivityResult(
        factors=SPEC.names,
        mean_rank_shift=idx[0],
        rank=idx[1],
        score=idx[2],
        units=problem.engine.units,
        n=64,
        n_runs=problem.n_samples,
        methodology=kps.ref,
        seed=problem.seed,
        output_mean=output_mean,
        output_std=output_std,
    )
    assert json.dumps(result.to_dict()) == json.dumps(serial.to_dict())


# -- any blocks, the same bits ------------------------------------------------------
@pytest.fixture(scope="module")
def sobol_problem(portfolio: Portfolio, kps: Methodology) -> AnalysisProblem:
    # Saltelli rows share weights across A and AB_i: the hard case for
    # sharing aggregates between the rows of a block
    return AnalysisProblem.sobol(kps, portfolio, SPEC, n=32, rng=11)


@pytest.fixture(scope="module")
def sobol_serial(sobol_problem: AnalysisProblem) -> BlockResult:
    return sobol_problem.evaluate()


@given(
    cuts=st.lists(st.integers(1, 32 * 6 - 1), max_size=12, unique=True),
    inner=st.one_of(st.none(), st.integers(1, 9)),
    order=st.randoms(use_true_random=False),
)
def test_any_blocks_merge_to_the_serial_bytes(
    sobol_problem: AnalysisProblem,
    sobol_serial: BlockResult,
    cuts: list[int],
    inner: int | None,
    order: object,
) -> None:
    edges = [0, *sorted(cuts), sobol_problem.n_samples]
    ranges = list(itertools.pairwise(edges))
    order.shuffle(ranges)  # type: ignore[attr-defined]
    parts = [sobol_problem.evaluate(a, b, block=inner) for a, b in ranges]
    assert same_bytes(merge_blocks(parts), sobol_serial)


@given(size=st.integers(1, 200))
def test_block_size_never_changes_the_numbers(
    sobol_problem: AnalysisProblem, sobol_serial: BlockResult, size: int
) -> None:
    parts = [sobol_problem.evaluate(a, b) for a, b in sobol_problem.blocks(size)]
    assert same_bytes(merge_blocks(parts), sobol_serial)


# -- errors -------------------------------------------------------------------------
def test_merge_refuses_gaps_and_overlaps(sobol_problem: AnalysisProblem) -> None:
    a, b = sobol_problem.evaluate(0, 10), sobol_problem.evaluate(12, 20)
    with pytest.raises(ParameterValueError, match="without gaps or overlaps"):
        merge_blocks([a, b])
    with pytest.raises(ParameterValueError, match="at least one block"):
        merge_blocks([])


def test_evaluate_refuses_a_bad_range(sobol_problem: AnalysisProblem) -> None:
    with pytest.raises(ParameterValueError, match="a row range"):
        sobol_problem.evaluate(5, 5)
    with pytest.raises(ParameterValueError, match="a row range"):
        sobol_problem.evaluate(0, sobol_problem.n_samples + 1)


def test_design_of_the_wrong_shape(portfolio: Portfolio, kps: Methodology) -> None:
    with pytest.raises(ParameterValueError, match="'design' must be of shape"):
        AnalysisProblem(kps, portfolio, SPEC, np.zeros((4, 2)))


def test_own_design(portfolio: Portfolio, kps: Methodology) -> None:
    u = np.random.default_rng(0).random((10, 8))
    problem = AnalysisProblem(kps, portfolio, SPEC, u)
    assert problem.evaluate().scores.shape == (10, len(portfolio.ids))
