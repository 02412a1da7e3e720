"""Executors: Dask and local processes give the serial bytes; failures are clean."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kampala import DegenerateIndicatorWarning, Methodology, _cli_scale
from kampala.cli import main
from kampala.data import sample_portfolio
from kampala.errors import ExecutionError, ParameterTypeError, ParameterValueError
from kampala.methodology import kps1
from kampala.portfolio import Portfolio
from kampala.sensitivity import (
    AnalysisProblem,
    BlockResult,
    UncertaintySpec,
    WeightNoise,
    aggregation_choice,
    missing_evidence_choice,
    run_methodologies,
    sensitivity_analysis,
    smaa,
    uncertainty_analysis,
)
from kampala.sensitivity._rank_stats import nan_quantiles, rank_summary
from kampala.sensitivity._ranking import rank_rows, rank_rows_argsort
from kampala.sensitivity._run import run_problem

SPEC = UncertaintySpec(
    factors=[
        WeightNoise(levels=2, spread=0.25),
        aggregation_choice(["arithmetic", "geometric"]),
        missing_evidence_choice(),
    ]
)


@pytest.fixture(scope="module")
def portfolio() -> Portfolio:
    return sample_portfolio()


@pytest.fixture(scope="module")
def kps() -> Methodology:
    return kps1()


@pytest.fixture(scope="module")
def dask_executor() -> Iterator[Executor]:
    """A 2-worker LocalCluster (threads: fast to start), once for the module."""
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=False,
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client.get_executor()


def _uncertainty(kps: Methodology, portfolio: Portfolio, **kw: Any) -> str:
    res = uncertainty_analysis(kps, portfolio, SPEC, n=128, rng=4, **kw)
    digest = hashlib.sha256(res.ranks.tobytes() + res.scores.tobytes()).hexdigest()
    return json.dumps(res.to_dict()) + digest


def _sobol(kps: Methodology, portfolio: Portfolio, **kw: Any) -> str:
    with warnings.catch_warnings():  # units never scored have no indices
        warnings.simplefilter("ignore", DegenerateIndicatorWarning)
        res = sensitivity_analysis(
            kps, portfolio, SPEC, n=64, n_bootstrap=20, rng=4, **kw
        )
    return json.dumps(res.to_dict())


# -- Dask ---------------------------------------------------------------------------
def test_dask_gives_the_serial_json(
    dask_executor: Executor, kps: Methodology, portfolio: Portfolio
) -> None:
    calls: list[tuple[int, int]] = []
    out = _uncertainty(
        kps,
        portfolio,
        executor=dask_executor,
        block=20,
        progress=lambda d, t: calls.append((d, t)),
    )
    assert out == _uncertainty(kps, portfolio)
    assert calls[-1] == (128, 128)
    assert len(calls) == 7  # ceil(128 / 20) blocks
    assert _sobol(kps, portfolio, executor=dask_executor, block=50) == _sobol(
        kps, portfolio
    )


# -- local processes and threads ----------------------------------------------------
@settings(max_examples=5, deadline=None)
@given(block=st.integers(1, 130))
def test_any_block_size_gives_the_serial_bytes(block: int) -> None:
    problem = AnalysisProblem.uncertainty(
        kps1(), sample_portfolio(), SPEC, n=128, rng=9
    )
    serial = problem.evaluate()
    with ThreadPoolExecutor(2) as pool:
        out = run_problem(problem, where="t", executor=pool, block=block)
    for f in ("scores", "ranks", "choices", "weights"):
        assert getattr(out, f).tobytes() == getattr(serial, f).tobytes()


def test_executor_must_be_an_executor(kps: Methodology, portfolio: Portfolio) -> None:
    with pytest.raises(ParameterTypeError, match="'executor' must be"):
        uncertainty_analysis(kps, portfolio, SPEC, n=16, rng=0, executor=2)  # type: ignore[arg-type]


class _Failing(Executor):
    """Runs every task in this thread, except that the ``bad``-th one fails."""

    def __init__(self, bad: int) -> None:
        self.bad = bad
        self.submitted = 0

    def submit(  # type: ignore[override]
        self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any
    ) -> Future[Any]:
        fut: Future[Any] = Future()
        if self.submitted == self.bad:
            fut.set_exception(OSError("connection to the worker lost"))
        else:
            fut.set_result(fn(*args, **kwargs))
        self.submitted += 1
        return fut


def test_a_failed_future_names_its_block(
    kps: Methodology, portfolio: Portfolio
) -> None:
    with pytest.raises(ExecutionError) as info:
        uncertainty_analysis(
            kps, portfolio, SPEC, n=64, rng=0, executor=_Failing(2), block=16
        )
    err = info.value
    assert err.value == (32, 48)
    assert "Samples 32 to 47" in str(err)
    assert "connection to the worker lost" in str(err)
    assert isinstance(err.__cause__, OSError)


def _as(cls: type[Any], problem: AnalysisProblem) -> Any:
    """The same problem, as an instance of a test subclass."""
    out = cls.__new__(cls)
    out.__dict__.update(problem.__dict__)
    return out


class _DyingProblem(AnalysisProblem):
    """A problem whose worker process dies in the block that starts at 16."""

    def evaluate(
        self, start: int = 0, stop: int | None = None, **kw: Any
    ) -> BlockResult:
        if start == 16 and os.getpid() != self.parent:
            os._exit(3)
        return super().evaluate(start, stop, **kw)


def test_a_dead_worker_process_names_its_block(
    kps: Methodology, portfolio: Portfolio
) -> None:
    problem = _as(
        _DyingProblem, AnalysisProblem.uncertainty(kps, portfolio, SPEC, n=64, rng=1)
    )
    problem.parent = os.getpid()
    context = multiprocessing.get_context("fork")
    with (
        ProcessPoolExecutor(2, mp_context=context) as pool,
        pytest.raises(ExecutionError) as info,
    ):
        run_problem(problem, where="uncertainty_analysis()", executor=pool, block=16)
    assert "BrokenProcessPool" in str(info.value)
    assert info.value.where == "uncertainty_analysis()"


class _BadData(AnalysisProblem):
    def evaluate(
        self, start: int = 0, stop: int | None = None, **kw: Any
    ) -> BlockResult:
        if start == 8:
            raise ParameterValueError("aggregate 'P1'", "x", -1.0, ">= 0")
        return super().evaluate(start, stop, **kw)


def test_an_error_of_the_data_is_raised_as_in_a_serial_run(
    kps: Methodology, portfolio: Portfolio
) -> None:
    problem = _as(
        _BadData, AnalysisProblem.uncertainty(kps, portfolio, SPEC, n=32, rng=1)
    )
    with ThreadPoolExecutor(2) as pool, pytest.raises(ParameterValueError) as info:
        run_problem(problem, where="f()", executor=pool, block=8)
    assert any("8 to 15" in note for note in info.value.__notes__)


# -- the command line ---------------------------------------------------------------
ARGS = ["sensitivity", "--n", "256", "--rng", "3", "--format", "json"]


def test_cli_workers_give_identical_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [*ARGS, "--analysis", "uncertainty"]
    assert main([*args, "--out", str(tmp_path / "one")]) == 0
    serial = capsys.readouterr().out
    assert main([*args, "--out", str(tmp_path / "two"), "--workers", "2"]) == 0
    assert capsys.readouterr().out == serial
    names = sorted(p.name for p in (tmp_path / "one").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "two").iterdir())
    for name in names:
        assert (tmp_path / "one" / name).read_bytes() == (
            tmp_path / "two" / name
        ).read_bytes(), name


def test_cli_worker_failure_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        _cli_scale, "ProcessPoolExecutor", lambda max_workers: _Failing(0)
    )
    out = tmp_path / "out"
    assert main([*ARGS, "--out", str(out), "--workers", "2"]) == 2
    err = capsys.readouterr().err
    assert "'block' must be evaluated by the executor" in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_cli_bad_workers_and_scheduler(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*ARGS, "--workers", "0"]) == 2
    assert "--workers" in capsys.readouterr().err
    assert main([*ARGS, "--workers", "2", "--scheduler", "tcp://x:1"]) == 2
    capsys.readouterr()
    pytest.importorskip("distributed")
    assert main([*ARGS, "--analysis", "uncertainty", "--scheduler", "no:::"]) == 2
    assert "'--scheduler' must be the address" in capsys.readouterr().err


# -- ranks and their statistics -----------------------------------------------------
VALUES = st.sampled_from(
    [0.0, -0.0, 1.0, 2.5, np.nan, -3.0, 1e-300, 1 + 2**-52, 1 + 2**-40, np.inf]
)


@given(
    hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=2, max_dims=2, max_side=30),
        elements=st.one_of(VALUES, st.floats(-1e6, 1e6)),
    )
)
def test_rank_rows_is_the_argsort_ranking(scores: np.ndarray) -> None:
    for dtype in (np.float32, np.float64):
        expected = rank_rows_argsort(scores, dtype)
        assert rank_rows(scores, dtype).tobytes() == expected.tobytes()


@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 40), st.integers(2, 12)),
        elements=st.one_of(st.just(np.nan), st.integers(0, 4).map(float)),
    ),
    st.integers(1, 5),
)
def test_rank_summary_is_the_sorting_summary(scores: np.ndarray, k: int) -> None:
    ranks = rank_rows(scores, np.float32)
    nominal = rank_rows(scores[:1], np.float64)[0]
    out = rank_summary(ranks, nominal, k, [0.05, 0.5, 0.95])
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        np.testing.assert_array_equal(out.mean, np.nanmean(ranks, axis=0, dtype=float))
        np.testing.assert_allclose(
            out.quantiles,
            np.nanquantile(ranks.astype(float), [0.05, 0.5, 0.95], axis=0),
            rtol=1e-12,
        )
        np.testing.assert_array_equal(out.p_top, (ranks <= k).mean(axis=0))
        shift = np.abs(ranks - nominal)
        np.testing.assert_array_equal(out.shift, np.nanmean(shift, axis=0))
    sorted_q = nan_quantiles(ranks, [0.05, 0.5, 0.95])
    np.testing.assert_array_equal(out.quantiles, sorted_q)


def test_smaa_on_an_executor_is_the_serial_result(dask_executor: Executor) -> None:
    x = np.random.default_rng(0).random((12, 4))
    serial = smaa(x, n=3000, rng=5, chunk_size=700)
    for executor in (dask_executor, ThreadPoolExecutor(2)):
        out = smaa(x, n=3000, rng=5, chunk_size=400, executor=executor)
        for f in ("acceptability", "central_weights", "holistic", "weight_mean"):
            assert getattr(out, f).tobytes() == getattr(serial, f).tobytes(), f


def test_run_methodologies_on_processes_is_the_serial_result(
    kps: Methodology, portfolio: Portfolio
) -> None:
    other = attrs.evolve(kps, id="KPS-B")
    serial = run_methodologies([kps, other], portfolio)
    calls: list[int] = []
    with ProcessPoolExecutor(2) as pool:
        out = run_methodologies(
            [kps, other],
            portfolio,
            executor=pool,
            progress=lambda d, t: calls.append(d),
        )
    assert calls == [1, 2]
    for a, b in zip(serial, out, strict=True):
        assert json.dumps(a.to_dict()) == json.dumps(b.to_dict())


def test_a_failed_methodology_run_names_it(
    kps: Methodology, portfolio: Portfolio
) -> None:
    with pytest.raises(ExecutionError, match="Methodologies 1 to 1") as info:
        run_methodologies([kps, kps], portfolio, executor=_Failing(1))
    assert info.value.value == (1, 2)
