"""Benchmarks of the sensitivity analysis (issue 4).

1. COINr's own sensitivity case on the ASEM data: winsorisation points 1-5,
   min-max [1, 100] versus z-score (10, 2), weight noise 25 % at levels 2
   and 3, arithmetic versus geometric; N = 1000 base samples, N(d + 2) =
   6000 runs. COINr takes about 84 ms a run, about 8.4 minutes in all.
   Goal: 2 s or less.
2. 10,000 partnerships x 10,000 uncertainty samples over the principle
   weights and the overall aggregation (KPS-1). Goal: 10 s or less and a
   peak of 1.5 GB or less.
3. With ``--workers K`` (K >= 1), case 2 again through the execution layer:
   ``AnalysisProblem.evaluate`` mapped over blocks of the design by a
   ``ProcessPoolExecutor`` with K workers, then ``merge_blocks``; the merged
   ranks are checked to be the serial bytes.

Run with ``python benchmarks/bench_sensitivity.py``; figures are printed,
never asserted.
"""

from __future__ import annotations

import argparse
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
    merge_blocks,
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


def bench_large(n_units: int, n_samples: int) -> None:
    portfolio, spec = _large_case(n_units)
    methodology = kp.Methodology.default()
    tracemalloc.start()
    t0 = time.perf_counter()
    res = uncertainty_analysis(
        methodology, portfolio, spec, n=n_samples, method="random", rng=3
    )
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"uncertainty analysis, {n_units:,} partnerships x {n_samples:,} samples: "
        f"{elapsed:.2f} s [goal 10 s: {'PASS' if elapsed <= 10 else 'MISS'}]; "
        f"peak traced {peak / 2**20:.0f} MiB [goal 1536 MiB: "
        f"{'PASS' if peak <= 1.5 * 2**30 else 'MISS'}]; max RSS {rss:.0f} MiB; "
        f"mean rank shift {res.mean_rank_shift:.1f}"
    )


def bench_blocks(n_units: int, n_samples: int, workers: int) -> None:
    portfolio, spec = _large_case(n_units)
    methodology = kp.Methodology.default()
    problem = AnalysisProblem.uncertainty(
        methodology, portfolio, spec, n=n_samples, method="random", rng=3
    )
    t0 = time.perf_counter()
    serial = problem.evaluate()
    t_serial = time.perf_counter() - t0
    blocks = problem.blocks(-(-n_samples // (2 * workers)))
    t0 = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        starts, stops = zip(*blocks, strict=True)
        merged = merge_blocks(pool.map(problem.evaluate, starts, stops))
    t_pool = time.perf_counter() - t0
    same = merged.ranks.tobytes() == serial.ranks.tobytes()
    print(
        f"execution layer, {n_units:,} x {n_samples:,}: serial evaluate "
        f"{t_serial:.2f} s; {len(blocks)} blocks on {workers} process(es) "
        f"{t_pool:.2f} s (with pickling and start-up); merged = serial bytes: {same}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--asem-n", type=int, default=1000)
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=0)
    args = parser.parse_args()
    bench_asem(args.asem_n)
    bench_large(args.units, args.samples)
    if args.workers > 0:
        bench_blocks(args.units, args.samples, args.workers)


if __name__ == "__main__":
    main()
