"""Runs that cannot be computed, recorded as missing (``on_error="missing"``).

A geometric mean meets a negative value in some samples only: the first
pillar is an arithmetic mean of -1 and 2 whose sign depends on the sampled
indicator weights, and the overall score is a geometric mean of the pillars.
"""

from __future__ import annotations

import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from kampala import Framework, IndicatorSet, Methodology, Node
from kampala.composite import Aggregate
from kampala.errors import ExecutionError, ParameterValueError
from kampala.sensitivity import (
    AnalysisProblem,
    UncertaintySpec,
    WeightNoise,
    aggregation_choice,
    example_sensitivity,
    example_uncertainty,
    merge_blocks,
    sensitivity_analysis,
    uncertainty_analysis,
)
from kampala.sensitivity._command import sobol_table, uncertainty_table
from kampala.sensitivity._rank_stats import nan_quantiles

#: two pillars A and B of two indicators each (a1, a2, b1, b2) under R
FW = Framework(
    nodes=[
        *(Node(code=f"{p.lower()}{i}", parent=p) for p in "AB" for i in (1, 2)),
        *(Node(code=p, level=2, kind="aggregate", parent="R") for p in "AB"),
        Node(code="R", level=3, kind="aggregate"),
    ]
)
DATA = IndicatorSet(
    framework=FW,
    unit_codes=["u", "v", "w", "x"],
    values=[
        [-1.0, 2.0, 1.0, 4.0],  # A < 0 when a1 weighs more than twice a2
        [1.0, 4.0, 1.0, 4.0],
        [2.0, 2.0, 4.0, 1.0],
        [3.0, 1.0, 2.0, 2.0],
    ],
)
METHODOLOGY = Methodology(
    id="g", version="1", steps=[Aggregate(levels={2: "arithmetic", 3: "geometric"})]
)
SPEC = UncertaintySpec(factors=[WeightNoise(levels=1, spread=0.8)])


def analysis(**kw: object) -> object:
    return uncertainty_analysis(METHODOLOGY, DATA, SPEC, n=64, rng=3, **kw)


def test_default_stops_at_the_first_run_that_cannot_be_computed() -> None:
    with pytest.raises(ParameterValueError, match="geometric"):
        analysis()


def test_missing_runs_are_nan_counted_and_left_out_of_the_statistics() -> None:
    res = analysis(on_error="missing")
    assert 0 < res.n_failed < res.n == 64
    assert res.failed.tolist() == sorted(res.failed.tolist())
    assert np.isnan(res.scores[res.failed]).all()
    assert np.isnan(res.ranks[res.failed]).all()
    keep = np.setdiff1d(np.arange(res.n), res.failed)
    assert not np.isnan(res.scores[keep]).any()
    assert "geometric" in res.failure
    # the statistics are those of the computed samples alone
    scores, ranks = res.scores[keep], res.ranks[keep]
    assert_array_equal(res.score_mean, scores.mean(axis=0, dtype=np.float64))
    q = nan_quantiles(scores, (0.05, 0.5, 0.95))
    assert_array_equal(res.score_p5, q[0])
    assert_array_equal(res.p_top_k, (ranks <= res.top_k).mean(axis=0))
    # every computed sample has the bits of a run of that sample alone
    problem = AnalysisProblem.uncertainty(
        METHODOLOGY, DATA, SPEC, n=64, rng=3, on_error="missing"
    )
    i = int(keep[0])
    assert problem.evaluate(i, i + 1).scores.tobytes() == res.scores[i].tobytes()
    # what users read
    d = res.to_dict()
    assert (d["n_failed"], d["failure"]) == (res.n_failed, res.failure)
    note = f"{res.n_failed} of 64 runs could not be computed: "
    assert res.failure_note().startswith(note)
    assert note in uncertainty_table(res)
    assert res.failure_note(lang="es").startswith(
        f"{res.n_failed} de 64 corridas no se pudieron calcular: "
    )


@pytest.mark.parametrize("block", [1, 5, 64])
def test_failures_do_not_depend_on_blocks_or_the_executor(block: int) -> None:
    serial = analysis(on_error="missing")
    with ThreadPoolExecutor(2) as pool:
        spread = analysis(on_error="missing", executor=pool, block=block)
    assert spread.scores.tobytes() == serial.scores.tobytes()
    assert spread.failed.tolist() == serial.failed.tolist()
    assert spread.failure == serial.failure
    assert spread.to_dict() == serial.to_dict()
    problem = AnalysisProblem.uncertainty(
        METHODOLOGY, DATA, SPEC, n=64, rng=3, on_error="missing"
    )
    parts = [problem.evaluate(a, b) for a, b in problem.blocks(block)]
    merged = merge_blocks(parts[::-1])
    assert merged.failed.tolist() == serial.failed.tolist()
    assert merged.failure == serial.failure


def test_a_variant_that_always_fails() -> None:
    spec = UncertaintySpec(factors=[aggregation_choice(["arithmetic", "geometric"])])
    m = Methodology(id="g", version="1", steps=[Aggregate(method="arithmetic")])
    res = uncertainty_analysis(m, DATA, spec, n=32, rng=0, on_error="missing")
    geometric = res.choices[:, 0] == 1
    assert res.failed.tolist() == np.flatnonzero(geometric).tolist()


def test_nothing_failing_gives_the_same_bits() -> None:
    spec = UncertaintySpec(factors=[WeightNoise(levels=1, spread=0.1)])
    a = uncertainty_analysis(METHODOLOGY, DATA, spec, n=32, rng=0)
    b = uncertainty_analysis(METHODOLOGY, DATA, spec, n=32, rng=0, on_error="missing")
    assert a.scores.tobytes() == b.scores.tobytes()
    assert a.to_dict() == b.to_dict()
    assert b.n_failed == 0
    assert example_uncertainty().failure_note() == ""
    assert example_sensitivity().failure_note() == ""


def test_every_run_failing_is_an_error() -> None:
    data = IndicatorSet(
        framework=FW,
        unit_codes=["u", "v"],
        values=[[-1.0, -1.0, 1.0, 4.0], [1.0, 4.0, 1.0, 4.0]],
    )
    with pytest.raises(ExecutionError, match="16 of 16 runs could not be computed"):
        uncertainty_analysis(METHODOLOGY, data, SPEC, n=16, rng=0, on_error="missing")


def test_on_error_is_checked() -> None:
    with pytest.raises(ParameterValueError, match="'on_error' must be one of"):
        analysis(on_error="skip")


def test_sobol_drops_the_base_samples_with_a_missing_run() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sensitivity_analysis(
            METHODOLOGY, DATA, SPEC, n=64, n_bootstrap=20, rng=2, on_error="missing"
        )
    assert res.n_failed > 0
    assert 2 <= res.n_used < res.n
    problem = AnalysisProblem.sobol(
        METHODOLOGY, DATA, SPEC, n=64, rng=2, on_error="missing"
    )
    ev = problem.evaluate()
    broken = np.unique(ev.failed // (len(SPEC.names) + 2))
    assert res.n_used == 64 - broken.size
    assert np.isfinite(res.mean_rank_shift.ST).all()
    d = res.to_dict()
    assert (d["n_failed"], d["n_used"]) == (res.n_failed, res.n_used)
    text = sobol_table(res)
    assert f"{res.n_failed} of {res.n_runs} runs could not be computed" in text
    assert f"use the {res.n_used} of 64 base samples" in text


def test_cli_on_error(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from kampala.cli import main

    args = ["sensitivity", "--n", "64", "--rng", "3", "--format", "json"]
    assert main([*args, "--analysis", "uncertainty", "--on-error", "missing"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["uncertainty"]["n_failed"] == 0
    assert main([*args, "--on-error", "skip"]) == 2
