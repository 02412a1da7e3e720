"""Benchmarks of the sensitivity analysis (issue 4).

1. COINr's own sensitivity case on the ASEM data: winsorisation points 1-5,
   min-max [1, 100] versus z-score (10, 2), weight noise 25 % at levels 2
   and 3, arithmetic versus geometric; N = 1000 base samples, N(d + 2) =
   6000 runs. COINr takes about 84 ms a run, about 8.4 minutes in all.
   Goal: 2 s or less.
2. 10,000 partnerships x 10,000 uncertainty samples over the principle
   weights and the overall aggregation (KPS-1). Goal: 10 s or less and a
   peak of 1.5 GB or less.
   The time is split into sampling (the design), preparing the data
   (scoring the portfolio once per variant), aggregation, ranking and
   summaries. It runs twice: first with memory traced (`tracemalloc`, which
   slows allocations) for the peak, and the first run in a process also
   pays for touching fresh memory (on a virtual machine, up to about 2 s
   here); the second run, untraced, is the time to compare.
   One process means one thread: parallel work is what ``executor=`` asks.
3. With ``--workers K`` (default 2; 0 skips it), case 2 again with
   ``executor=``: one process (the reference of the same run), a
   ``ProcessPoolExecutor`` with K workers (goal: 1.5x faster than one process
   for K = 2) and a ``dask.distributed.LocalCluster`` with K single-threaded
   worker processes (goal: within 1.3x of the local processes; ``--no-dask``
   skips it), with Dask's default worker environment and without its
   ``MALLOC_TRIM_THRESHOLD_`` (as docs/how-to/scale-out.md advises). Every
   result is checked to be the serial bytes.

Run with ``python benchmarks/bench_sensitivity.py``; figures are printed,
never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
import tracemalloc
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

import kampala as kp
from kampala.composite import Aggregate, Denominate, Impute, Normalise, Treat
from kampala.data import asem_paths
from kampala.io import read_coinr
from kampala.sensitivity import (
    AnalysisProblem,
    SettingChoice,
    StepChoice,
    UncertaintySpec,
    WeightNoise,
    aggregation_choice,
    sensitivity_analysis,
    uncertainty_analysis,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scorecard import synthetic_columns


def bench_asem(n: int) -> None:
    warnings.simplefilter("ignore")  # LAO's missing Energy denominator, once per run
    data = read_coinr(*asem_paths())
    methodology = kp.Methodology(
        id="ASEM-SA",
        version="1",
        steps=[
            Denominate(),
            Impute(method="group-mean", params={"group": "EurAsia_group"}),
            Treat(params={"points": 5}),
            Normalise(params={"lower": 1, "upper": 100}),
            Aggregate(),
        ],
    )
    spec = UncertaintySpec(
        factors=[
            SettingChoice(
                step="treat",
                setting="params.points",
                values=[1, 2, 3, 4, 5],
                name="winsorisation",
            ),
            StepChoice(
                step="normalise",
                alternatives=[
                    Normalise(params={"lower": 1, "upper": 100}),
                    Normalise(method="z-score", params={"mean": 10, "sd": 2}),
                ],
                name="normalisation",
            ),
            WeightNoise(levels=(2, 3), spread=0.25, name="weights"),
            aggregation_choice(["arithmetic", "geometric"]),
        ]
    )
    t0 = time.perf_counter()
    res = sensitivity_analysis(
        methodology, data, spec, n=n, method="random", n_bootstrap=100, rng=1
    )
    elapsed = time.perf_counter() - t0
    print(
        f"ASEM COINr case, {res.n_runs} runs (N={n}, d=4): {elapsed:.2f} s "
        f"[goal 2 s: {'PASS' if elapsed <= 2 else 'MISS'}]; "
        f"{1000 * elapsed / res.n_runs:.3f} ms a run (COINr: about 84 ms)"
    )
    for row in res.table():
        print(f"  {row['factor']:<14} S1 {row['S1']:.3f}  ST {row['ST']:.3f}")


def _large_case(n_units: int) -> tuple[kp.Portfolio, UncertaintySpec]:
    rng = np.random.default_rng(99)
    cols, actors = synthetic_columns(n_units, rng)
    portfolio = kp.Portfolio.from_columns(cols, actors, name="synthetic")
    spec = UncertaintySpec(
        factors=[
            WeightNoise(levels=2, spread=0.25),
            aggregation_choice(["arithmetic", "geometric"], level=3),
        ]
    )
    return portfolio, spec


def _split_timers() -> tuple[dict[str, float], object]:
    """Time the aggregation and the ranking inside the engine (benchmark only)."""
    from kampala.sensitivity import _engine

    spent = {"aggregation": 0.0, "ranking": 0.0, "aggregation cpu": 0.0}
    spent["ranking cpu"] = 0.0
    aggregate, rank_rows = _engine.Problem._aggregate, _engine.rank_rows

    def timed_aggregate(self, *args):  # type: ignore[no-untyped-def]
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            return aggregate(self, *args)
        finally:
            spent["aggregation"] += time.perf_counter() - t0
            spent["aggregation cpu"] += time.process_time() - c0

    def timed_rank(*args):  # type: ignore[no-untyped-def]
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            return rank_rows(*args)
        finally:
            spent["ranking"] += time.perf_counter() - t0
            spent["ranking cpu"] += time.process_time() - c0

    _engine.Problem._aggregate = timed_aggregate  # type: ignore[method-assign]
    _engine.rank_rows = timed_rank

    def restore() -> None:
        _engine.Problem._aggregate = aggregate  # type: ignore[method-assign]
        _engine.rank_rows = rank_rows

    return spent, restore


def bench_large(n_units: int, n_samples: int, trace: bool) -> float:
    """One process, with the time split; returns the total time.

    With ``trace``, memory is traced (`tracemalloc`), which slows every
    allocation: the time of such a run is not the figure to compare.
    """
    from kampala.sensitivity import analysis

    portfolio, spec = _large_case(n_units)
    methodology = kp.Methodology.default()
    spent, restore = _split_timers()
    if trace:
        tracemalloc.start()
    t0, c0 = time.perf_counter(), time.process_time()
    problem = AnalysisProblem.uncertainty(
        methodology, portfolio, spec, n=n_samples, method="random", rng=3
    )
    t_sampling = time.perf_counter() - t0
    t1 = time.perf_counter()
    problem.engine.warm(problem.design)
    t_prepare = time.perf_counter() - t1
    t1 = time.perf_counter()
    ev = problem.evaluate()
    t_evaluate = time.perf_counter() - t1
    t1, c1 = time.perf_counter(), time.process_time()
    res = analysis._summarise(problem, ev, 10, "random", methodology)
    t_summaries = time.perf_counter() - t1
    c_summaries = time.process_time() - c1
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    restore()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    other = t_evaluate - spent["aggregation"] - spent["ranking"]
    if trace:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        memory = (
            f"peak traced {peak / 2**20:.0f} MiB [goal 1536 MiB: "
            f"{'PASS' if peak <= 1.5 * 2**30 else 'MISS'}]; max RSS {rss:.0f} MiB"
        )
        timing = "(memory traced: slower)"
    else:
        memory = f"max RSS of the process so far {rss:.0f} MiB"
        timing = f"[goal 10 s: {'PASS' if elapsed <= 10 else 'MISS'}]"
    print(
        f"uncertainty analysis, {n_units:,} partnerships x {n_samples:,} samples, "
        f"one process: {elapsed:.2f} s {timing}; {memory}; "
        f"mean rank shift {res.mean_rank_shift:.1f}\n"
        f"  split: sampling {t_sampling:.2f} s, preparing the data {t_prepare:.2f} s, "
        f"aggregation {spent['aggregation']:.2f} s, ranking {spent['ranking']:.2f} s, "
        f"other evaluation {other:.2f} s, summaries {t_summaries:.2f} s\n"
        f"  CPU time: {cpu:.2f} s; "
        f"aggregation {spent['aggregation cpu']:.2f} s, ranking "
        f"{spent['ranking cpu']:.2f} s, summaries {c_summaries:.2f} s"
    )
    return elapsed


def _timed_run(
    portfolio: kp.Portfolio, spec: UncertaintySpec, n_samples: int, executor: object
) -> tuple[float, bytes]:
    t0 = time.perf_counter()
    res = uncertainty_analysis(
        kp.Methodology.default(),
        portfolio,
        spec,
        n=n_samples,
        method="random",
        rng=3,
        executor=executor,  # type: ignore[arg-type]
    )
    elapsed = time.perf_counter() - t0
    digest = json.dumps(res.to_dict()).encode() + res.ranks.tobytes()
    return elapsed, digest


def bench_workers(n_units: int, n_samples: int, workers: int, dask: bool) -> None:
    """The same analysis in one process, on local processes and on Dask."""
    portfolio, spec = _large_case(n_units)
    one, serial = _timed_run(portfolio, spec, n_samples, None)
    print(f"  one process (reference): {one:.2f} s")
    with ProcessPoolExecutor(workers) as pool:
        _timed_run(portfolio, spec, 64, pool)  # start the workers
        local, out = _timed_run(portfolio, spec, n_samples, pool)
    print(
        f"  {workers} local processes: {local:.2f} s, {one / local:.2f}x one process "
        f"[goal 1.5x: {'PASS' if one / local >= 1.5 else 'MISS'}]; identical: "
        f"{out == serial}; largest max RSS of a worker (shared memory included) "
        f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MiB"
    )
    if not dask:
        return
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError:
        print("  Dask: skipped (pip install 'kampala[dask]')")
        return
    advised = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}
    for label, setting in (("Dask's defaults", {}), ("as the docs advise", advised)):
        # Dask's default MALLOC_TRIM_THRESHOLD_ turns off glibc's adaptive
        # mmap threshold: every large temporary is mapped and faulted anew.
        # A nanny also sets it in this process's environment, which later
        # workers would inherit: it is restored after each cluster.
        saved = dict(os.environ)
        try:
            with (
                dask.config.set(setting),
                LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                ) as cluster,
                Client(cluster) as client,
            ):
                executor = client.get_executor()
                _timed_run(portfolio, spec, 64, executor)  # warm the workers
                on_dask, out = _timed_run(portfolio, spec, n_samples, executor)
        finally:
            os.environ.clear()
            os.environ.update(saved)
        print(
            f"  Dask LocalCluster, {workers} workers ({label}): {on_dask:.2f} s, "
            f"{on_dask / local:.2f}x the {workers} local processes [goal at most "
            f"1.3x: {'PASS' if on_dask <= 1.3 * local else 'MISS'}]; identical: "
            f"{out == serial}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--asem-n", type=int, default=1000)
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask run")
    parser.add_argument("--skip-asem", action="store_true")
    args = parser.parse_args()
    print(f"load average (1, 5, 15 min): {os.getloadavg()}; {os.cpu_count()} cores")
    if not args.skip_asem:
        bench_asem(args.asem_n)
    # the first run in a process also pays for touching fresh memory, which
    # on a virtual machine can cost seconds; the second shows the computation
    for run, trace in (("first run in this process", True), ("second run", False)):
        print(f"[{run}]")
        bench_large(args.units, args.samples, trace)
    if args.workers > 0:
        bench_workers(args.units, args.samples, args.workers, not args.no_dask)


if __name__ == "__main__":
    main()
